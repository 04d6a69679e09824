//! `callwright serve` over real HTTP on loopback: tokens, the seed-004 create with its rules (409 on a
//! duplicate with the existing id, a time without offset refused), read, list, cancel, an agent's
//! own view, and the same store as the CLI.

mod common;

use common::server::*;
use std::process::Command;

#[test]
fn the_genesys_shape_over_http() {
    let data = std::env::temp_dir().join(format!("callwright-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin"]);
    let anna = token(&data, &["--role", "agent", "--agent", "anna"]);
    let s = start(data.clone());
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    let create = |number: &str, time: &str, agent: Option<&str>| {
        let agent = agent.map(|a| format!(r#","agentId":"{a}""#)).unwrap_or_default();
        format!(
            r#"{{"target":{{"id":"{number}","type":"phoneNumber"}},"queueId":"Support","requestedTime":"{time}","externalData":{{"timezone":"Europe/Amsterdam","reason":"modem"}}{agent}}}"#
        )
    };
    let at = format!("{tomorrow}T10:00:00+01:00");

    let (status, ctype, p) =
        http(&s, "POST", "/api/v2/callbacks", None, Some(&create("+31612345678", &at, None)));
    assert_eq!((status, ctype.as_str()), (401, "application/problem+json"), "{p}");

    let (status, _, cb) =
        http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(&create("+31612345678", &at, None)));
    assert_eq!(status, 201, "{cb}");
    let id = cb["id"].as_str().unwrap().to_string();
    assert_eq!(cb["status"], "scheduled");
    assert_eq!(cb["callbackWindow"]["timezone"], "Europe/Amsterdam");

    let (status, ctype, p) =
        http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(&create("+31 6 1234 5678", &at, None)));
    assert_eq!((status, ctype.as_str()), (409, "application/problem+json"), "{p}");
    assert_eq!(p["code"], "CB010");
    assert_eq!(p["existingId"], id.as_str());
    // In the past and a duplicate: the request itself is wrong (400), and the list still names
    // the duplicate with its id.
    let past = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let (status, _, p) =
        http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(&create("+31612345678", &past, None)));
    assert_eq!(status, 400, "{p}");
    assert_ne!(p["code"], "CB010", "{p}");
    let codes: Vec<&str> =
        p["errors"].as_array().unwrap().iter().filter_map(|e| e["code"].as_str()).collect();
    assert!(codes.contains(&"CB010"), "{p}");
    assert_eq!(p["existingId"], id.as_str());

    let local = format!("{tomorrow}T10:00:00");
    let (status, _, p) =
        http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(&create("+31612345679", &local, None)));
    assert_eq!(status, 400, "{p}");
    assert_eq!((p["code"].as_str(), p["field"].as_str()), (Some("CB016"), Some("requestedTime")), "{p}");

    let (status, _, p) = http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some("{\"target\": 5}"));
    assert_eq!((status, p["code"].as_str()), (422, Some("body")), "{p}");

    let (status, _, got) = http(&s, "GET", &format!("/api/v2/callbacks/{id}"), Some(&admin), None);
    assert_eq!((status, got["id"].as_str()), (200, Some(id.as_str())));
    let (status, _, list) =
        http(&s, "GET", "/api/v2/callbacks?phoneNumber=%2B31612345678", Some(&admin), None);
    assert_eq!((status, list["entities"].as_array().map(Vec::len)), (200, Some(1)), "{list}");

    // An agent books only for itself and sees only its own callbacks.
    let (status, _, p) =
        http(&s, "POST", "/api/v2/callbacks", Some(&anna), Some(&create("+31612345670", &at, Some("bram"))));
    assert_eq!(status, 403, "{p}");
    let (status, _, own) =
        http(&s, "POST", "/api/v2/callbacks", Some(&anna), Some(&create("+31612345670", &at, None)));
    assert_eq!((status, own["agentId"].as_str()), (201, Some("anna")), "{own}");
    let (_, _, mine) = http(&s, "GET", "/api/v2/callbacks", Some(&anna), None);
    assert_eq!(mine["entities"].as_array().map(Vec::len), Some(1), "{mine}");
    let (status, _, _) = http(&s, "GET", &format!("/api/v2/callbacks/{id}"), Some(&anna), None);
    assert_eq!(status, 404);

    let (status, _, _) = http(&s, "DELETE", &format!("/api/v2/callbacks/{id}"), Some(&admin), None);
    assert_eq!(status, 204);
    let (_, _, gone) = http(&s, "GET", &format!("/api/v2/callbacks/{id}"), Some(&admin), None);
    assert_eq!(
        (gone["status"].as_str(), gone["endReason"].as_str()),
        (Some("cancelled"), Some("cancelled_by_api"))
    );
    let (status, _, p) = http(&s, "DELETE", &format!("/api/v2/callbacks/{id}"), Some(&admin), None);
    assert_eq!((status, p["code"].as_str()), (409, Some("CB015")), "{p}");

    // The CLI reads the same store.
    let out = Command::new(BIN)
        .args(["callbacks", "--db"])
        .arg(data.join("callbacks.db"))
        .args(["show", &id])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("cancelled"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The dispatcher runs inside `serve`: a callback created through the API is offered to an agent
/// of the roster and dialled, in real time, without another process.
#[test]
fn serve_dials_what_the_api_creates() {
    let data = std::env::temp_dir().join(format!("callwright-serve-dial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin"]);
    let s = start(data.clone());
    let body = r#"{"target":{"id":"+31612345678","type":"phoneNumber"},"queueId":"Support"}"#;
    let (status, _, cb) = http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(body));
    assert_eq!(status, 201, "{cb}");
    let id = cb["id"].as_str().unwrap().to_string();
    let started = std::time::Instant::now();
    loop {
        let (_, _, now) = http(&s, "GET", &format!("/api/v2/callbacks/{id}"), Some(&admin), None);
        if now["attempts"].as_u64() == Some(1) && now["status"] == "processing" {
            break;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "not dialled in time: {now}");
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
}

/// A batch answers per item; an idempotency key replays its callback and refuses another request;
/// a token over its rate gets 429 with Retry-After.
#[test]
fn batch_idempotency_and_rate_limits() {
    let data = std::env::temp_dir().join(format!("callwright-serve-batch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin"]);
    let slow = token(&data, &["--role", "supervisor", "--rate", "2"]);
    let s = start(data.clone());
    let item = |n: &str| format!(r#"{{"target":{{"id":"{n}","type":"phoneNumber"}},"queueId":"Support"}}"#);
    let batch =
        format!(r#"{{"callbacks":[{},{},{}]}}"#, item("+31612340001"), item("+31612340001"), item("12"));
    let (status, _, out) = http(&s, "POST", "/api/v2/callbacks/batch", Some(&admin), Some(&batch));
    assert_eq!(status, 200, "{out}");
    let statuses: Vec<u64> =
        out["results"].as_array().unwrap().iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [201, 409, 400], "{out}");
    assert_eq!(out["results"][2]["problem"]["code"], "CB002");

    let key = [("Idempotency-Key", "req-42")];
    let ((status, _, first), _) =
        http_with(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(&item("+31612340002")), &key);
    assert_eq!(status, 201, "{first}");
    let ((status, _, again), _) =
        http_with(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(&item("+31612340002")), &key);
    assert_eq!((status, &again["id"]), (200, &first["id"]), "{again}");
    let ((status, _, p), _) =
        http_with(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(&item("+31612340003")), &key);
    assert_eq!((status, p["code"].as_str()), (422, Some("idempotency_key_reused")), "{p}");

    let mut limited = None;
    for i in 0..6 {
        let ((status, _, _), head) = http_with(
            &s,
            "POST",
            "/api/v2/callbacks",
            Some(&slow),
            Some(&item(&format!("+3161234010{i}"))),
            &[],
        );
        if status == 429 {
            limited = Some(head);
            break;
        }
    }
    let head = limited.expect("a token limited to 2 a second was never refused");
    assert!(head.contains("retry-after: 1"), "{head}");
    assert!(head.contains("application/problem+json"), "{head}");
}

/// PATCH reschedules and reassigns through the CLI's edit path, under the same rules.
#[test]
fn patch_reschedules_and_reassigns() {
    let data = std::env::temp_dir().join(format!("callwright-serve-patch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin"]);
    let s = start(data.clone());
    let day = |n: i64| (chrono::Utc::now() + chrono::Duration::days(n)).format("%Y-%m-%d").to_string();
    let body = format!(
        r#"{{"target":{{"id":"+31612345678","type":"phoneNumber"}},"queueId":"Support","requestedTime":"{}T10:00:00+01:00","agentId":"anna","externalData":{{"timezone":"Europe/Amsterdam"}}}}"#,
        day(2)
    );
    let (status, _, cb) = http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(&body));
    assert_eq!(status, 201, "{cb}");
    let path = format!("/api/v2/callbacks/{}", cb["id"].as_str().unwrap());
    let later = format!(r#"{{"requestedTime":"{}T14:00:00+01:00"}}"#, day(3));
    let (status, _, moved) = http(&s, "PATCH", &path, Some(&admin), Some(&later));
    assert_eq!(status, 200, "{moved}");
    assert!(
        moved["callbackWindow"]["startTime"].as_str().unwrap().starts_with(&format!("{}T13:00:00", day(3))),
        "{moved}"
    );
    let (status, _, given) = http(&s, "PATCH", &path, Some(&admin), Some(r#"{"agentId":"bram"}"#));
    assert_eq!((status, given["agentId"].as_str()), (200, Some("bram")), "{given}");
    let (status, _, queue) = http(&s, "PATCH", &path, Some(&admin), Some(r#"{"agentId":null}"#));
    assert_eq!((status, queue["agentId"].as_str()), (200, None), "{queue}");
    let (status, _, p) = http(&s, "PATCH", &path, Some(&admin), Some(r#"{"agentId":"ghost"}"#));
    assert_eq!((status, p["code"].as_str()), (400, Some("CB018")), "{p}");
    let (status, _, p) =
        http(&s, "PATCH", &path, Some(&admin), Some(&format!(r#"{{"requestedTime":"{}T14:00"}}"#, day(3))));
    assert_eq!((status, p["code"].as_str()), (400, Some("CB016")), "{p}");
    let far = format!(r#"{{"requestedTime":"{}T14:00:00+01:00"}}"#, day(60));
    let (status, _, p) = http(&s, "PATCH", &path, Some(&admin), Some(&far));
    assert_eq!((status, p["code"].as_str()), (400, Some("CB006")), "{p}");
    // Another queue: the window stays, asked again under that queue's rules; an unknown queue is
    // CB001 at `queueId`; a callback already released cannot move.
    let (status, _, moved) = http(&s, "PATCH", &path, Some(&admin), Some(r#"{"queueId":"Billing"}"#));
    assert_eq!((status, moved["queueId"].as_str()), (200, Some("Billing")), "{moved}");
    assert!(
        moved["callbackWindow"]["startTime"].as_str().unwrap().starts_with(&format!("{}T13:00:00", day(3))),
        "{moved}"
    );
    let (_, _, again) = http(&s, "GET", &path, Some(&admin), None);
    assert_eq!(again["queueId"], "Billing", "{again}");
    let (status, _, p) = http(&s, "PATCH", &path, Some(&admin), Some(r#"{"queueId":"Nowhere"}"#));
    assert_eq!(
        (status, p["code"].as_str(), p["field"].as_str()),
        (400, Some("CB001"), Some("queueId")),
        "{p}"
    );
    let now = r#"{"target":{"id":"+31612345699","type":"phoneNumber"},"queueId":"Support"}"#;
    let (status, _, asap) = http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(now));
    assert_eq!(status, 201, "{asap}");
    let asap_path = format!("/api/v2/callbacks/{}", asap["id"].as_str().unwrap());
    let (status, _, p) = http(&s, "PATCH", &asap_path, Some(&admin), Some(r#"{"queueId":"Billing"}"#));
    assert_eq!((status / 100, p["field"].as_str()), (4, Some("queueId")), "{p}");
}

/// A requested time is a moment, not a window: the service gives it the queue's shortest window
/// (30 minutes) on its date, and late in the customer's day that window is cut at midnight. The
/// shortest-window rule (CB008) judges windows someone chose, so a call asked for at 23:45 is
/// booked (until 23:59:59), by POST and by PATCH; a chosen 15-minute window at 23:45 is not.
#[test]
fn a_requested_time_late_in_the_day_is_booked() {
    let data = std::env::temp_dir().join(format!("callwright-serve-late-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin"]);
    let s = start(data.clone());
    // Etc/GMT-1 is UTC+1 all year, so `+01:00` is the customer's own clock whatever the season.
    let day = |n: i64| (chrono::Utc::now() + chrono::Duration::days(n)).format("%Y-%m-%d").to_string();
    let body = |number: &str, when: &str| {
        format!(
            r#"{{"target":{{"id":"{number}","type":"phoneNumber"}},"queueId":"Support",{when},"externalData":{{"timezone":"Etc/GMT-1"}}}}"#
        )
    };
    let late = format!(r#""requestedTime":"{}T23:45:00+01:00""#, day(2));
    let (status, _, cb) =
        http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(&body("+31612345601", &late)));
    assert_eq!(status, 201, "{cb}");
    assert_eq!(cb["callbackWindow"]["duration"], 899, "23:45:00 to 23:59:59: {cb}");

    let chosen = format!(r#""callbackWindow":{{"startTime":"{}T23:45:00+01:00","duration":900}}"#, day(2));
    let (status, _, p) =
        http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(&body("+31612345602", &chosen)));
    assert_eq!((status, p["code"].as_str()), (400, Some("CB008")), "{p}");

    // Rescheduled to another late time, and moved to another number: both keep the implied window.
    let path = format!("/api/v2/callbacks/{}", cb["id"].as_str().unwrap());
    let later = format!(r#"{{"requestedTime":"{}T23:50:00+01:00"}}"#, day(3));
    let (status, _, moved) = http(&s, "PATCH", &path, Some(&admin), Some(&later));
    assert_eq!((status, moved["callbackWindow"]["duration"].as_i64()), (200, Some(599)), "{moved}");
    let other = r#"{"target":{"id":"+31612345603","type":"phoneNumber"}}"#;
    let (status, _, moved) = http(&s, "PATCH", &path, Some(&admin), Some(other));
    assert_eq!(status, 200, "{moved}");
    let chosen =
        format!(r#"{{"callbackWindow":{{"startTime":"{}T23:50:00+01:00","duration":600}}}}"#, day(3));
    let (status, _, p) = http(&s, "PATCH", &path, Some(&admin), Some(&chosen));
    assert_eq!((status, p["code"].as_str()), (400, Some("CB008")), "{p}");
}
