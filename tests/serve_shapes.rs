//! `callwright serve` over real HTTP on loopback: the Webex shape and its bounds, one callback seen
//! through both shapes, booking slots (closed, full, a race for the last place), scopes (401 vs
//! 403), the event stream, readiness, metrics, and a graceful stop on SIGTERM.

mod common;

use common::server::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

const SLOTS: &str = "tests/fixtures/serve/slots";
const WEBEX: &str = "/v1/callbacks/organization/local/scheduled-callback";

fn data_dir(name: &str) -> std::path::PathBuf {
    let data = std::env::temp_dir().join(format!("callwright-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    data
}

/// The day after tomorrow in Amsterdam: far enough for the 30-minute lead at any hour.
fn day() -> String {
    (chrono::Utc::now() + chrono::Duration::days(2)).format("%Y-%m-%d").to_string()
}

fn webex_body(name: &str, number: &str, start: &str, end: &str, extra: &str) -> String {
    format!(
        r#"{{"customerName":"{name}","callbackNumber":"{number}","timezone":"Europe/Amsterdam","scheduleDate":"{}","startTime":"{start}","endTime":"{end}","queueId":"Sales"{extra}}}"#,
        day()
    )
}

#[test]
fn the_webex_shape_and_its_bounds() {
    let data = data_dir("webex");
    let admin = token(&data, &["--role", "admin", "--rate", "1000"]);
    let s = start_project(SLOTS, data);

    let (status, _, cb) = http(
        &s,
        "POST",
        WEBEX,
        Some(&admin),
        Some(&webex_body("Jo de Vries", "+31612345671", "10:00", "11:00", r#","callbackReason":"modem""#)),
    );
    assert_eq!(status, 201, "{cb}");
    let id = cb["id"].as_str().unwrap().to_string();
    assert_eq!(
        (cb["orgId"].as_str(), cb["startTime"].as_str(), cb["callbackOrigin"].as_str()),
        (Some("local"), Some("10:00"), Some("api"))
    );
    assert!(cb["createdTimestamp"].as_i64().unwrap() > 1_700_000_000_000, "epoch ms: {cb}");

    // The same callback through the Genesys shape, and back.
    let (status, _, g) = http(&s, "GET", &format!("/api/v2/callbacks/{id}"), Some(&admin), None);
    assert_eq!((status, g["target"]["id"].as_str()), (200, Some("+31612345671")), "{g}");
    assert_eq!(g["callbackWindow"]["duration"], 3600);
    let genesys = format!(
        r#"{{"target":{{"id":"+31612345672","type":"phoneNumber"}},"queueId":"Sales","requestedTime":"{}T14:00:00+01:00","externalData":{{"timezone":"Europe/Amsterdam","customerName":"Ann"}}}}"#,
        day()
    );
    let (status, _, g2) = http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(&genesys));
    assert_eq!(status, 201, "{g2}");
    let (status, _, w2) =
        http(&s, "GET", &format!("{WEBEX}/{}", g2["id"].as_str().unwrap()), Some(&admin), None);
    assert_eq!(
        (status, w2["startTime"].as_str(), w2["customerName"].as_str()),
        (200, Some("14:00"), Some("Ann"))
    );

    // Bounds: each refused with its code and the Webex field name.
    let long = "x".repeat(251);
    let cases: Vec<(String, u16, &str, &str)> = vec![
        (webex_body(&long, "+31612345673", "10:00", "11:00", ""), 400, "CB019", "customerName"),
        (webex_body("Jo", "+316", "10:00", "11:00", ""), 400, "CB002", "callbackNumber"),
        (webex_body("Jo", "+3161234567890123", "10:00", "11:00", ""), 400, "CB002", "callbackNumber"),
        (webex_body("Jo", "+31612345673", "10:00", "10:15", ""), 400, "CB008", "endTime"),
        (webex_body("Jo", "+31612345673", "09:00", "17:30", ""), 400, "CB009", "endTime"),
        (webex_body("Jo", "+31612345673", "10:00", "xx", ""), 400, "CB017", "endTime"),
        (r#"{"callbackNumber":"+31612345673"}"#.to_string(), 400, "CB001", "customerName"),
        (
            webex_body("Jo", "+31612345673", "10:00", "11:00", "")
                .replace("Europe/Amsterdam", "Europe/Amsterdm"),
            400,
            "CB003",
            "timezone",
        ),
        (webex_body("Jo", "+31612345671", "12:00", "13:00", ""), 409, "CB010", "callbackNumber"),
    ];
    for (body, want, code, field) in cases {
        let (status, ctype, p) = http(&s, "POST", WEBEX, Some(&admin), Some(&body));
        assert_eq!(
            (status, ctype.as_str(), p["code"].as_str(), p["field"].as_str()),
            (want, "application/problem+json", Some(code), Some(field)),
            "{body}\n{p}"
        );
    }
    let far = (chrono::Utc::now() + chrono::Duration::days(40)).format("%Y-%m-%d").to_string();
    let (status, _, p) = http(
        &s,
        "POST",
        WEBEX,
        Some(&admin),
        Some(&webex_body("Jo", "+31612345674", "10:00", "11:00", "").replace(&day(), &far)),
    );
    assert_eq!((status, p["code"].as_str()), (400, Some("CB006")), "{p}");

    // Another organisation is 404; a list needs a number or an agent.
    let (status, _, p) = http(
        &s,
        "GET",
        "/v1/callbacks/organization/other/scheduled-callback?callbackNumber=1",
        Some(&admin),
        None,
    );
    assert_eq!(status, 404, "{p}");
    let (status, _, p) = http(&s, "GET", WEBEX, Some(&admin), None);
    assert_eq!((status, p["field"].as_str()), (400, Some("callbackNumber")), "{p}");

    // The list envelope, exact number match, pages and sorting.
    for (i, agent) in ["sam", "sam", "sam"].iter().enumerate() {
        let body = webex_body(
            &format!("Cust {i}"),
            &format!("+3161234570{i}"),
            &format!("1{}:00", i + 1),
            &format!("1{}:30", i + 1),
            &format!(r#","assigneeAgent":"{agent}""#),
        );
        let (status, _, cb) = http(&s, "POST", WEBEX, Some(&admin), Some(&body));
        assert_eq!(status, 201, "{cb}");
    }
    let (status, _, page) = http(
        &s,
        "GET",
        &format!("{WEBEX}?assigneeAgent=sam&pageSize=2&sortBy=scheduleDate&sortOrder=desc"),
        Some(&admin),
        None,
    );
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        (&page["meta"]["totalRecords"], &page["meta"]["totalPages"], &page["meta"]["page"]),
        (&Value::from(3), &Value::from(2), &Value::from(0)),
        "{page}"
    );
    let names: Vec<&str> =
        page["data"].as_array().unwrap().iter().map(|c| c["customerName"].as_str().unwrap()).collect();
    assert_eq!(names, ["Cust 2", "Cust 1"], "{page}");
    assert!(page["meta"]["links"]["next"].as_str().unwrap().contains("page=1"), "{page}");
    let (_, _, second) = http(
        &s,
        "GET",
        &format!("{WEBEX}?assigneeAgent=sam&pageSize=2&page=1&sortOrder=desc"),
        Some(&admin),
        None,
    );
    assert_eq!(second["data"][0]["customerName"], "Cust 0", "{second}");
    let (_, _, exact) = http(&s, "GET", &format!("{WEBEX}?callbackNumber=31612345671"), Some(&admin), None);
    assert_eq!(exact["meta"]["totalRecords"], 0, "the number filter is an exact match: {exact}");
    let (status, _, p) = http(
        &s,
        "GET",
        &format!("{WEBEX}?callbackNumber=%2B31612345671&sortBy=assignedTime"),
        Some(&admin),
        None,
    );
    assert_eq!((status, p["field"].as_str()), (400, Some("sortBy")), "{p}");

    // PUT replaces the record: a new window, name and agent; the number stays.
    let put = webex_body("Jo van Dijk", "+31612345671", "15:00", "16:00", r#","assigneeAgent":"tess""#);
    let (status, _, moved) = http(&s, "PUT", &format!("{WEBEX}/{id}"), Some(&admin), Some(&put));
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        (moved["startTime"].as_str(), moved["customerName"].as_str(), moved["assigneeAgent"].as_str()),
        (Some("15:00"), Some("Jo van Dijk"), Some("tess")),
        "{moved}"
    );
    // Another number: a reschedule to it, the window kept.
    let other = put.replace("+31612345671", "+31612345699");
    let (status, _, moved) = http(&s, "PUT", &format!("{WEBEX}/{id}"), Some(&admin), Some(&other));
    assert_eq!((status, moved["callbackNumber"].as_str()), (200, Some("+31612345699")), "{moved}");
    let (status, _, p) =
        http(&s, "PUT", &format!("{WEBEX}/{id}"), Some(&admin), Some(&other.replace("+31612345699", "12")));
    assert_eq!((status, p["field"].as_str()), (400, Some("callbackNumber")), "{p}");
    let (status, _, _) = http(&s, "DELETE", &format!("{WEBEX}/{id}"), Some(&admin), None);
    assert_eq!(status, 204);
    let (_, _, g) = http(&s, "GET", &format!("/api/v2/callbacks/{id}"), Some(&admin), None);
    assert_eq!(g["status"], "cancelled");
}

#[test]
fn slots_show_places_and_refuse_closed_and_full_ones() {
    let data = data_dir("slots");
    let admin = token(&data, &["--role", "admin"]);
    let s = start_project(SLOTS, data);
    let grid = |s: &Server| {
        let (status, _, g) = http(
            s,
            "GET",
            &format!("/api/v2/callbacks/slots?queueId=Sales&date={}&timezone=Europe/Amsterdam", day()),
            Some(&admin),
            None,
        );
        assert_eq!(status, 200, "{g}");
        g
    };
    let g = grid(&s);
    let slots = g["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 24, "{g}");
    let at = |g: &Value, local: &str| {
        g["slots"].as_array().unwrap().iter().find(|s| s["localStart"] == local).cloned().unwrap()
    };
    assert_eq!(
        (at(&g, "08:00")["available"].as_bool(), at(&g, "08:00")["unavailableReason"].as_str()),
        (Some(false), Some("closed"))
    );
    assert_eq!(
        (at(&g, "10:00")["remaining"].as_u64(), at(&g, "10:00")["capacity"].as_u64()),
        (Some(2), Some(2))
    );

    let (status, _, p) =
        http(&s, "POST", WEBEX, Some(&admin), Some(&webex_body("Jo", "+31612345671", "07:00", "08:00", "")));
    assert_eq!(
        (status, p["code"].as_str(), p["field"].as_str()),
        (400, Some("CB021"), Some("startTime")),
        "{p}"
    );

    let (status, _, _) =
        http(&s, "POST", WEBEX, Some(&admin), Some(&webex_body("Jo", "+31612345671", "10:00", "11:00", "")));
    assert_eq!(status, 201);
    assert_eq!(at(&grid(&s), "10:00")["remaining"], 1);

    // Two clients race for the last place: one 201, one 409 CB020.
    let racers: Vec<_> = ["+31612345672", "+31612345673"]
        .into_iter()
        .map(|n| {
            let (addr, token, body) =
                (s.addr.clone(), admin.clone(), webex_body("Racer", n, "10:15", "11:15", ""));
            std::thread::spawn(move || post_raw(&addr, WEBEX, &token, &body))
        })
        .collect();
    let mut outcomes: Vec<(u16, Value)> = racers.into_iter().map(|t| t.join().unwrap()).collect();
    outcomes.sort_by_key(|o| o.0);
    assert_eq!((outcomes[0].0, outcomes[1].0), (201, 409), "{outcomes:?}");
    assert_eq!(outcomes[1].1["code"], "CB020", "{outcomes:?}");
    let full = at(&grid(&s), "10:00");
    assert_eq!(
        (full["remaining"].as_u64(), full["unavailableReason"].as_str()),
        (Some(0), Some("full")),
        "{full}"
    );

    // Moving a callback into the full slot is refused as well; cancelling frees a place.
    let (_, _, other) =
        http(&s, "POST", WEBEX, Some(&admin), Some(&webex_body("Mo", "+31612345674", "13:00", "14:00", "")));
    let path = format!("/api/v2/callbacks/{}", other["id"].as_str().unwrap());
    let into_full = format!(r#"{{"requestedTime":"{}T10:30:00+01:00"}}"#, day());
    let (status, _, p) = http(&s, "PATCH", &path, Some(&admin), Some(&into_full));
    assert_eq!((status, p["code"].as_str()), (409, Some("CB020")), "{p}");
    let winner = outcomes[0].1["id"].as_str().unwrap().to_string();
    let (status, _, _) = http(&s, "DELETE", &format!("/api/v2/callbacks/{winner}"), Some(&admin), None);
    assert_eq!(status, 204);
    let (status, _, p) = http(&s, "PATCH", &path, Some(&admin), Some(&into_full));
    assert_eq!(status, 200, "{p}");
}

/// One POST on its own connection, for racing threads.
fn post_raw(addr: &str, path: &str, token: &str, body: &str) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = String::new();
    std::io::Read::read_to_string(&mut stream, &mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    (
        head.split_whitespace().nth(1).unwrap().parse().unwrap(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

#[test]
fn scopes_roles_and_401_vs_403() {
    let data = data_dir("scopes");
    let admin = token(&data, &["--role", "admin"]);
    let reader = token(&data, &["--role", "supervisor", "--scope", "callback:read"]);
    let s = start_project(SLOTS, data.clone());
    let body = webex_body("Jo", "+31612345671", "10:00", "11:00", "");
    let (status, _, p) = http(&s, "POST", WEBEX, None, Some(&body));
    assert_eq!((status, p["code"].as_str()), (401, Some("unauthorized")), "{p}");
    let (status, _, p) = http(&s, "POST", WEBEX, Some("cw_not_a_token"), Some(&body));
    assert_eq!(status, 401, "{p}");
    let (status, _, p) = http(&s, "POST", WEBEX, Some(&reader), Some(&body));
    assert_eq!((status, p["code"].as_str()), (403, Some("forbidden")), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("callback:write"), "{p}");
    let (status, _, _) = http(&s, "GET", "/api/v2/callbacks", Some(&reader), None);
    assert_eq!(status, 200);
    // A token made while the server runs works at once.
    let late = token(&data, &["--role", "agent", "--agent", "sam"]);
    let (status, _, mine) = http(&s, "POST", WEBEX, Some(&late), Some(&body));
    assert_eq!((status, mine["assigneeAgent"].as_str()), (201, Some("sam")), "{mine}");
    let (status, _, _) =
        http(&s, "GET", &format!("{WEBEX}/{}", mine["id"].as_str().unwrap()), Some(&admin), None);
    assert_eq!(status, 200);
    // A body over the size limit is refused before it is read.
    let huge = format!(r#"{{"customerName":"{}"}}"#, "x".repeat(300 * 1024));
    let (status, _, _) = http(&s, "POST", WEBEX, Some(&admin), Some(&huge));
    assert_eq!(status, 413);
    let (status, ctype, _) = http(&s, "GET", "/no/such/path", Some(&admin), None);
    assert_eq!((status, ctype.as_str()), (404, "application/problem+json"));
}

#[test]
fn events_readiness_metrics_and_a_graceful_stop() {
    let data = data_dir("events");
    let admin = token(&data, &["--role", "admin"]);
    let mut s = start_project(SLOTS, data);
    let (status, _, ready) = http(&s, "GET", "/readyz", None, None);
    assert_eq!((status, ready["dispatcher"].as_str()), (200, Some("running")), "{ready}");

    // Listen, then create and cancel: both changes arrive as `callback` events.
    let mut listener = TcpStream::connect(&s.addr).unwrap();
    write!(
        listener,
        "GET /api/v2/callbacks/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\n\r\n"
    )
    .unwrap();
    listener.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut lines = BufReader::new(listener.try_clone().unwrap());
    let mut head = String::new();
    while lines.read_line(&mut head).unwrap() > 2 && !head.ends_with("\r\n\r\n") {}
    assert!(head.to_ascii_lowercase().contains("text/event-stream"), "{head}");
    let (status, _, cb) =
        http(&s, "POST", WEBEX, Some(&admin), Some(&webex_body("Jo", "+31612345671", "10:00", "11:00", "")));
    assert_eq!(status, 201);
    let id = cb["id"].as_str().unwrap().to_string();
    http(&s, "DELETE", &format!("/api/v2/callbacks/{id}"), Some(&admin), None);
    let mut events = Vec::new();
    let mut line = String::new();
    while events.len() < 2 {
        line.clear();
        assert!(lines.read_line(&mut line).unwrap() > 0, "the stream ended early");
        if let Some(data) = line.trim().strip_prefix("data:") {
            let e: Value = serde_json::from_str(data.trim()).unwrap();
            if e["id"] == id.as_str() {
                events.push(e);
            }
        }
    }
    assert_eq!(
        (events[0]["to"].as_str(), events[0]["reason"].as_str()),
        (Some("scheduled"), Some("created"))
    );
    assert_eq!(
        (events[1]["from"].as_str(), events[1]["to"].as_str()),
        (Some("scheduled"), Some("cancelled"))
    );

    let mut stream = TcpStream::connect(&s.addr).unwrap();
    write!(stream, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut metrics = String::new();
    std::io::Read::read_to_string(&mut stream, &mut metrics).unwrap();
    assert!(metrics.contains("callwright_callbacks{state=\"CANCELLED\"} 1"), "{metrics}");
    assert!(
        metrics.contains(r#"callwright_http_requests_total{method="POST",route="/v1/callbacks/organization/{org}/scheduled-callback",status="201"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains("callwright_release_lateness_seconds_count"), "{metrics}");

    // SIGTERM with a listener still connected: the server stops by itself, exit code 0.
    let pid = s.child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn the_openapi_document_and_docs_page_are_served() {
    let data = data_dir("openapi");
    let s = start_project(SLOTS, data);
    let (status, _, doc) = http(&s, "GET", "/openapi.json", None, None);
    assert_eq!((status, doc["openapi"].as_str()), (200, Some("3.1.0")));
    let mut paths: Vec<&str> = doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/api/v2/agents",
            "/api/v2/agents/{name}/call/end",
            "/api/v2/agents/{name}/call/keys",
            "/api/v2/agents/{name}/call/{hold}",
            "/api/v2/agents/{name}/desk",
            "/api/v2/agents/{name}/offer/{answer}",
            "/api/v2/agents/{name}/presence",
            "/api/v2/availability",
            "/api/v2/callbacks",
            "/api/v2/callbacks/batch",
            "/api/v2/callbacks/events",
            "/api/v2/callbacks/report",
            "/api/v2/callbacks/slots",
            "/api/v2/callbacks/{id}",
            "/api/v2/callbacks/{id}/attempts/{attempt}/result",
            "/api/v2/callbacks/{id}/disposition",
            "/api/v2/callbacks/{id}/reschedule",
            "/api/v2/campaigns",
            "/api/v2/campaigns/{name}",
            "/api/v2/campaigns/{name}/{action}",
            "/api/v2/contacts",
            "/api/v2/contacts/{id}",
            "/api/v2/contacts/{id}/numbers",
            "/api/v2/me",
            "/api/v2/phone/lines",
            "/api/v2/phone/lines/{id}",
            "/api/v2/phone/lines/{id}/answer",
            "/api/v2/phone/lines/{id}/calls",
            "/api/v2/phone/lines/{id}/events",
            "/api/v2/phone/lines/{id}/hangup",
            "/api/v2/phone/lines/{id}/keys",
            "/api/v2/phone/numbers",
            "/api/v2/switches",
            "/api/v2/switches/{name}",
            "/metrics",
            "/readyz",
            "/v1/callbacks/organization/{orgId}/scheduled-callback",
            "/v1/callbacks/organization/{orgId}/scheduled-callback/{id}",
        ]
    );
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    // Every error answer of every operation is the problem body; a secured one also says 401 / 403.
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for (status, r) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') {
                    assert_eq!(
                        r["content"]["application/problem+json"]["schema"]["$ref"],
                        "#/components/schemas/ProblemDoc",
                        "{method} {path} {status}"
                    );
                }
            }
            if op.get("security").is_some() {
                assert!(
                    op["responses"].get("401").is_some() && op["responses"].get("403").is_some(),
                    "{method} {path}"
                );
            }
        }
    }
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    write!(stream, "GET /docs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut page = String::new();
    std::io::Read::read_to_string(&mut stream, &mut page).unwrap();
    assert!(page.contains("text/html"), "{}", &page[..200]);
    assert!(!page.contains("<script"), "the docs page needs no script");
    for p in paths {
        assert!(page.contains(&p.replace('&', "&amp;")), "{p} missing from /docs");
    }
}

/// Presence, availability per queue, and seed 004's edge case 2: an owned callback whose owner is
/// on a break when its window opens goes to a ready peer with the queue's skill.
#[test]
fn presence_availability_and_the_owner_away_sweep() {
    let data = data_dir("presence");
    let admin = token(&data, &["--role", "admin"]);
    let sam = token(&data, &["--role", "agent", "--agent", "sam"]);
    let s = start_project(SLOTS, data);
    let put = |who: &str, token: &str, status: &str| {
        http(
            &s,
            "PUT",
            &format!("/api/v2/agents/{who}/presence"),
            Some(token),
            Some(&format!(r#"{{"status":"{status}"}}"#)),
        )
    };
    let (status, _, me) = put("sam", &sam, "ready");
    assert_eq!((status, me["presence"].as_str()), (200, Some("ready")), "{me}");
    let (status, _, p) = put("tess", &sam, "ready");
    assert_eq!(status, 403, "{p}");
    let (status, _, p) = put("nobody", &admin, "ready");
    assert_eq!(status, 404, "{p}");
    let (status, _, p) = put("sam", &sam, "asleep");
    assert_eq!(status, 422, "{p}");
    put("tess", &admin, "ready");
    put("lee", &admin, "ready");
    let (status, _, av) = http(&s, "GET", "/api/v2/availability?queueId=Team", Some(&admin), None);
    assert_eq!(status, 200, "{av}");
    assert_eq!(av[0]["available"], serde_json::json!(["sam", "tess"]), "lee lacks the skill: {av}");
    assert_eq!(av[0]["loggedIn"], 3);

    // Sam owns a callback due in 90 s, then takes a break: the sweep gives it to Tess.
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(90)).to_rfc3339();
    let body = format!(
        r#"{{"target":{{"id":"+31612345671","type":"phoneNumber"}},"queueId":"Team","agentId":"sam","requestedTime":"{soon}"}}"#
    );
    let (status, _, cb) = http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(&body));
    assert_eq!(status, 201, "{cb}");
    put("sam", &sam, "break");
    let (_, _, av) = http(&s, "GET", "/api/v2/availability?queueId=Team", Some(&admin), None);
    assert_eq!(
        (&av[0]["onBreak"], &av[0]["available"]),
        (&serde_json::json!(1), &serde_json::json!(["tess"]))
    );
    let path = format!("/api/v2/callbacks/{}", cb["id"].as_str().unwrap());
    let started = std::time::Instant::now();
    loop {
        let (_, _, now) = http(&s, "GET", &path, Some(&admin), None);
        if now["agentId"] == "tess" {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "not reassigned: {now}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn the_report_counts_per_queue_and_agent() {
    let data = data_dir("report");
    let admin = token(&data, &["--role", "admin"]);
    let sam = token(&data, &["--role", "agent", "--agent", "sam"]);
    let s = start_project(SLOTS, data);
    let mut ids = Vec::new();
    for (i, extra) in ["", "", r#","assigneeAgent":"sam""#].iter().enumerate() {
        let body = webex_body(
            "Jo",
            &format!("+3161234560{i}"),
            &format!("1{}:00", i + 1),
            &format!("1{}:30", i + 1),
            extra,
        );
        let (status, _, cb) = http(&s, "POST", WEBEX, Some(&admin), Some(&body));
        assert_eq!(status, 201, "{cb}");
        ids.push(cb["id"].as_str().unwrap().to_string());
    }
    http(&s, "DELETE", &format!("/api/v2/callbacks/{}", ids[0]), Some(&admin), None);
    let (status, _, r) = http(&s, "GET", "/api/v2/callbacks/report?sla=0s", Some(&admin), None);
    assert_eq!(status, 200, "{r}");
    let q = &r["queues"][0];
    assert_eq!(
        (q["queueId"].as_str(), q["offered"].as_u64(), q["cancelled"].as_u64(), q["pending"].as_u64()),
        (Some("Sales"), Some(3), Some(1), Some(2)),
        "{r}"
    );
    assert_eq!(q["overSla"].as_array().unwrap().len(), 2, "pending past a 0s service level: {r}");
    assert_eq!(
        (r["agents"][0]["agent"].as_str(), r["agents"][0]["pending"].as_u64()),
        (Some("sam"), Some(1)),
        "{r}"
    );
    let (status, _, _) = http(&s, "GET", "/api/v2/callbacks/report", Some(&sam), None);
    assert_eq!(status, 403);
    let disposition = format!("/api/v2/callbacks/{}/disposition", ids[1]);
    let (status, _, p) = http(&s, "POST", &disposition, Some(&admin), Some(r#"{"code":"resolved"}"#));
    assert_eq!((status, p["code"].as_str()), (409, Some("not_called")), "a callback not dialled yet: {p}");
    let (status, _, p) = http(&s, "GET", "/api/v2/callbacks/report?sla=1.5h", Some(&admin), None);
    assert_eq!((status, p["field"].as_str()), (400, Some("sla")), "{p}");
}

/// `--dialer webhook URL`: the dial is POSTed to a platform (here a listener in the test), which
/// reports the result through the API; the store records it.
#[test]
fn the_webhook_dialer_places_dials_and_takes_results() {
    use std::io::Read;
    let platform = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/dial", platform.local_addr().unwrap());
    let (seen_tx, seen_rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for conn in platform.incoming() {
            let mut conn = conn.unwrap();
            let mut buf = vec![0; 8192];
            let mut got = String::new();
            // Read the head and the body (small: one read or a few).
            while !got.contains("\r\n\r\n") || !got.trim_end().ends_with('}') {
                let n = conn.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                got.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
            conn.write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .unwrap();
            let _ = seen_tx.send(got);
        }
    });
    let data = data_dir("webhook");
    let admin = token(&data, &["--role", "admin"]);
    let s = start_with("flows/acme", &["--dialer", "webhook", &url], data.clone());

    let body = r#"{"target":{"id":"+31612345678","type":"phoneNumber"},"queueId":"Support"}"#;
    let (status, _, cb) = http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(body));
    assert_eq!(status, 201, "{cb}");
    let id = cb["id"].as_str().unwrap().to_string();
    let hook = seen_rx.recv_timeout(Duration::from_secs(60)).expect("no dial reached the webhook");
    let json: Value = serde_json::from_str(&hook[hook.find("\r\n\r\n").unwrap() + 4..]).unwrap();
    assert_eq!(
        (json["callbackId"].as_str(), json["attempt"].as_u64(), json["number"].as_str()),
        (Some(id.as_str()), Some(1), Some("+31612345678")),
        "{hook}"
    );
    assert_eq!(json["callerId"], "+31201234567", "the queue's ani: {hook}");
    let report = json["reportTo"].as_str().unwrap().to_string();

    let (status, _, p) = http(&s, "POST", &report, Some(&admin), Some(r#"{"result":"maybe"}"#));
    assert_eq!((status, p["field"].as_str()), (400, Some("result")), "{p}");
    let (status, _, p) = http(&s, "POST", &report, Some(&admin), Some(r#"{"result":"answered"}"#));
    assert_eq!(status, 202, "{p}");
    let (status, _, p) = http(&s, "POST", &report, Some(&admin), Some(r#"{"result":"answered"}"#));
    assert_eq!(status, 404, "reported twice: {p}");
    let started = std::time::Instant::now();
    loop {
        let store =
            callwright::callbacks::store::SqliteStore::open_read_only(data.join("callbacks.db")).unwrap();
        let attempts = callwright::callbacks::store::CallbackStore::attempts(&store, &id).unwrap();
        if attempts == [(1, Some("answered".to_string()))] {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{attempts:?}");
        std::thread::sleep(Duration::from_millis(100));
    }

    // The worked callback is closed with a disposition of the queue.
    let path = format!("/api/v2/callbacks/{id}/disposition");
    let (status, _, p) = http(&s, "POST", &path, Some(&admin), Some(r#"{"code":"happy"}"#));
    assert_eq!((status, p["field"].as_str()), (400, Some("code")), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("resolved"), "the codes are listed: {p}");
    let (status, _, done) =
        http(&s, "POST", &path, Some(&admin), Some(r#"{"code":"resolved","notes":"modem replaced"}"#));
    assert_eq!(status, 200, "{done}");
    assert_eq!(
        (done["externalData"]["disposition"].as_str(), done["externalData"]["dispositionNotes"].as_str()),
        (Some("resolved"), Some("modem replaced"))
    );
    let (_, _, r) = http(&s, "GET", "/api/v2/callbacks/report", Some(&admin), None);
    assert_eq!(r["queues"][0]["dispositions"]["resolved"], 1, "{r}");
}
