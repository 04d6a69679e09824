//! The web phone's API over real HTTP on loopback: a line dials a number of the project, hears its
//! prompts on the line's event stream, enters keys (ended by `#`), waits in the queue, and is
//! put through to a person at the agent desk, whose End call ends the phone's call; hanging up in
//! the queue leaves it; and every misuse is a problem+json with a code and the field.

mod common;

use common::server::{Server, http, start_with, start_with_env, token};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The line's server-sent events, each `data:` parsed, on a channel.
fn line_events(server: &Server, token: &str, line: &str) -> mpsc::Receiver<Value> {
    let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
    let req = format!(
        "GET /api/v2/phone/lines/{line}/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
    );
    stream.write_all(req.as_bytes()).unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(stream).lines() {
            let Ok(l) = l else { return };
            if let Some(data) = l.strip_prefix("data: ")
                && let Ok(v) = serde_json::from_str::<Value>(data)
                && tx.send(v).is_err()
            {
                return;
            }
        }
    });
    rx
}

/// Waits for the first event `want` accepts, failing with everything seen meanwhile.
fn expect(rx: &mpsc::Receiver<Value>, what: &str, want: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(e) if want(&e) => return e,
            Ok(e) => seen.push(e),
            Err(_) => break,
        }
    }
    panic!("no {what} on the line; saw {seen:#?}");
}

fn post(server: &Server, path: &str, token: &str, body: Value) -> (u16, Value) {
    let (status, _, answer) = http(server, "POST", path, Some(token), Some(&body.to_string()));
    (status, answer)
}

fn start() -> (Server, String, String, String) {
    let data =
        std::env::temp_dir().join(format!("callwright-phone-{}-{}", std::process::id(), rand_suffix()));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin"]);
    let other = token(&data, &["--role", "supervisor"]);
    let sam = token(&data, &["--role", "agent", "--agent", "sam"]);
    let server = start_with("tests/fixtures/serve/phone", &["--agents", "people"], data);
    (server, admin, other, sam)
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

#[test]
fn a_web_phone_call_walks_the_flow_waits_and_is_put_through_to_a_person() {
    let (server, admin, _, sam) = start();
    let (status, numbers) = {
        let (s, _, n) = http(&server, "GET", "/api/v2/phone/numbers", Some(&admin), None);
        (s, n)
    };
    assert_eq!((status, numbers.clone()), (200, json!([{"number": "+31201230000", "flow": "Main"}])));
    let (status, line) = post(&server, "/api/v2/phone/lines", &admin, json!({"number": "06 1234 5678"}));
    // A number without a country code is not one a callback could dial.
    assert_eq!(
        (status, line["code"].as_str(), line["field"].as_str()),
        (400, Some("invalid_number"), Some("number"))
    );
    let (status, line) =
        post(&server, "/api/v2/phone/lines", &admin, json!({"number": "+31 6 1234 5678", "name": "Ann"}));
    assert_eq!(status, 201, "{line}");
    assert_eq!(line["number"], "+31612345678");
    let id = line["id"].as_str().unwrap().to_string();
    let rx = line_events(&server, &admin, &id);
    std::thread::sleep(Duration::from_millis(200));

    let (status, answer) =
        post(&server, &format!("/api/v2/phone/lines/{id}/calls"), &admin, json!({"to": "+31 20 123 0000"}));
    assert_eq!((status, answer["flow"].as_str()), (202, Some("Main")), "{answer}");
    expect(&rx, "the flow connected", |e| e["type"] == "connected" && e["flow"] == "Main");
    expect(&rx, "the ask", |e| e["type"] == "prompt" && e["text"] == "Enter your account number, then hash.");
    let (status, _) =
        post(&server, &format!("/api/v2/phone/lines/{id}/keys"), &admin, json!({"keys": "4711#"}));
    assert_eq!(status, 204);
    expect(&rx, "the keys taken", |e| e["type"] == "keys" && e["keys"] == "4711#");
    expect(&rx, "the read-back", |e| e["type"] == "prompt" && e["text"] == "Account 4711.");
    expect(&rx, "the queue", |e| e["type"] == "waiting" && e["queue"] == "Line" && e["position"] == 1);

    // Sam says ready: the call is put through to the desk, which shows it as a call.
    let (status, _, _) =
        http(&server, "PUT", "/api/v2/agents/sam/presence", Some(&sam), Some(r#"{"status":"ready"}"#));
    assert_eq!(status, 200);
    expect(&rx, "the agent", |e| e["type"] == "agent" && e["agent"] == "sam");
    let desk = wait_for(&server, &sam, |d| d["call"]["status"] == "connected");
    assert_eq!(desk["call"]["callbackId"], "call-1", "{desk}");
    // Hold, a tone from the desk's keypad, and back.
    let (status, desk) = post(&server, "/api/v2/agents/sam/call/hold", &sam, json!({}));
    assert_eq!((status, desk["call"]["status"].as_str()), (200, Some("on_hold")), "{desk}");
    expect(&rx, "the hold", |e| e["type"] == "hold" && e["on"] == true);
    let (status, p) = post(&server, "/api/v2/agents/sam/call/keys", &sam, json!({"keys": "5"}));
    assert_eq!((status, p["code"].as_str()), (409, Some("no_call")), "keys on hold: {p}");
    post(&server, "/api/v2/agents/sam/call/resume", &sam, json!({}));
    expect(&rx, "the resume", |e| e["type"] == "hold" && e["on"] == false);
    let (status, p) = post(&server, "/api/v2/agents/sam/call/keys", &sam, json!({"keys": "5x"}));
    assert_eq!(
        (status, p["code"].as_str(), p["field"].as_str()),
        (400, Some("invalid_key"), Some("keys")),
        "{p}"
    );
    let (status, _) = post(&server, "/api/v2/agents/sam/call/keys", &sam, json!({"keys": "5"}));
    assert_eq!(status, 204);
    expect(&rx, "the agent's tone", |e| e["type"] == "agent_keys" && e["keys"] == "5");
    let (status, _) = post(&server, "/api/v2/agents/sam/call/end", &sam, json!({}));
    assert_eq!(status, 200);
    expect(&rx, "the end", |e| e["type"] == "ended" && e["reason"] == "the call with sam ended");
    // Nothing to close with a disposition: the live call left the desk.
    wait_for(&server, &sam, |d| d["call"].is_null());
    let (status, p) = post(&server, "/api/v2/agents/sam/call/hold", &sam, json!({}));
    assert_eq!((status, p["code"].as_str()), (409, Some("no_call")), "{p}");
}

/// The agent's desk, polled until `want` holds.
fn wait_for(server: &Server, token: &str, want: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (_, _, desk) = http(server, "GET", "/api/v2/agents/sam/desk", Some(token), None);
        if want(&desk) {
            return desk;
        }
        assert!(Instant::now() < deadline, "the desk never got there: {desk}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn hanging_up_in_the_queue_leaves_it_and_misuse_is_a_problem_with_its_field() {
    let (server, admin, other, _) = start();
    let (_, line) = post(&server, "/api/v2/phone/lines", &admin, json!({"number": "+31612345678"}));
    let id = line["id"].as_str().unwrap().to_string();
    let (status, p) = post(&server, "/api/v2/phone/lines", &other, json!({"number": "+31612345678"}));
    assert_eq!((status, p["code"].as_str()), (409, Some("number_taken")), "{p}");
    // Another token does not see the line.
    let (status, _) = post(&server, &format!("/api/v2/phone/lines/{id}/hangup"), &other, json!({}));
    assert_eq!(status, 404);
    let (status, p) =
        post(&server, &format!("/api/v2/phone/lines/{id}/calls"), &admin, json!({"to": "+31209999999"}));
    assert_eq!(
        (status, p["code"].as_str(), p["field"].as_str()),
        (404, Some("unknown_number"), Some("to")),
        "{p}"
    );
    assert!(p["detail"].as_str().unwrap().contains("+31201230000"), "{p}");
    let (status, p) = post(&server, &format!("/api/v2/phone/lines/{id}/keys"), &admin, json!({"keys": "1"}));
    assert_eq!((status, p["code"].as_str()), (409, Some("no_call")), "{p}");
    let (status, p) = post(&server, &format!("/api/v2/phone/lines/{id}/answer"), &admin, json!({}));
    assert_eq!((status, p["code"].as_str()), (409, Some("not_ringing")), "{p}");
    let (status, p) =
        post(&server, &format!("/api/v2/phone/lines/{id}/calls"), &admin, json!({"number": "x"}));
    assert_eq!((status, p["code"].as_str()), (422, Some("body")), "{p}");

    let rx = line_events(&server, &admin, &id);
    std::thread::sleep(Duration::from_millis(200));
    let (status, _) =
        post(&server, &format!("/api/v2/phone/lines/{id}/calls"), &admin, json!({"to": "+31201230000"}));
    assert_eq!(status, 202);
    let (status, p) =
        post(&server, &format!("/api/v2/phone/lines/{id}/calls"), &admin, json!({"to": "+31201230000"}));
    assert_eq!((status, p["code"].as_str()), (409, Some("busy")), "{p}");
    let (status, p) =
        post(&server, &format!("/api/v2/phone/lines/{id}/keys"), &admin, json!({"keys": "12a"}));
    assert_eq!(
        (status, p["code"].as_str(), p["field"].as_str()),
        (400, Some("invalid_key"), Some("keys")),
        "{p}"
    );
    // Type-ahead: keys pressed during the prompts wait for the ask.
    post(&server, &format!("/api/v2/phone/lines/{id}/keys"), &admin, json!({"keys": "9#"}));
    expect(&rx, "the queue", |e| e["type"] == "waiting" && e["queue"] == "Line");
    let (status, _) = post(&server, &format!("/api/v2/phone/lines/{id}/hangup"), &admin, json!({}));
    assert_eq!(status, 204);
    expect(&rx, "the end", |e| e["type"] == "ended" && e["reason"] == "you hung up");
    let (status, _, _) = http(&server, "DELETE", &format!("/api/v2/phone/lines/{id}"), Some(&admin), None);
    assert_eq!(status, 204);
    let (status, _) = post(&server, &format!("/api/v2/phone/lines/{id}/hangup"), &admin, json!({}));
    assert_eq!(status, 404);
}

/// A CRM on loopback: answers each request with `answer` (after `delay`) and hands the request's
/// head to the test.
fn crm(answer: &'static str, delay: Duration) -> (String, mpsc::Receiver<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let _ = tx.send(head);
            std::thread::sleep(delay);
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (format!("http://{addr}"), rx)
}

/// `serve --live-data`: the web phone's call runs a data action that makes a real HTTP request
/// (the caller's number percent-encoded in the URL, the token from the environment in a header),
/// and the flow greets the caller by the name in the answer; a CRM slower than the timeout takes
/// the flow's timeout path.
#[test]
fn a_live_data_action_asks_a_real_server_and_the_flow_uses_its_answer() {
    for (answer, delay, heard) in [
        (r#"{"customer":{"firstName":"Ann"}}"#, Duration::ZERO, "Hello Ann."),
        (r#"{"customer":{"firstName":"Ann"}}"#, Duration::from_secs(4), "Sorry, our systems are slow."),
        (r#"{"customer":{}}"#, Duration::ZERO, "Sorry, we could not find you."),
    ] {
        let (url, requests) = crm(answer, delay);
        let data =
            std::env::temp_dir().join(format!("callwright-live-{}-{}", std::process::id(), rand_suffix()));
        let _ = std::fs::remove_dir_all(&data);
        let admin = token(&data, &["--role", "admin"]);
        let env = [("CRM_URL", url.as_str()), ("CRM_TOKEN", "s3cret")];
        let server = start_with_env("tests/fixtures/serve/live-data", &["--live-data"], data, &env);
        let (_, line) = post(&server, "/api/v2/phone/lines", &admin, json!({"number": "+31612345678"}));
        let id = line["id"].as_str().unwrap().to_string();
        let rx = line_events(&server, &admin, &id);
        std::thread::sleep(Duration::from_millis(200));
        let (status, _) =
            post(&server, &format!("/api/v2/phone/lines/{id}/calls"), &admin, json!({"to": "+31201230000"}));
        assert_eq!(status, 202);
        expect(&rx, heard, |e| e["type"] == "prompt" && e["text"] == heard);
        let head = requests.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(head.starts_with("GET /customers?phone=%2B31612345678 HTTP/1.1"), "{head}");
        assert!(head.to_ascii_lowercase().contains("authorization: bearer s3cret"), "{head}");
    }
}

/// A supervisor flips a switch of center.yaml over the API and the next call hears it; an agent may
/// not, an unknown switch is a 404 naming the known ones, and the event stream says so.
#[test]
fn a_switch_flipped_over_the_api_changes_the_next_call() {
    let (server, admin, supervisor, sam) = start();
    let (status, _, all) = http(&server, "GET", "/api/v2/switches", Some(&sam), None);
    assert_eq!((status, all.clone()), (200, json!({"Closed": false})));
    let put = |token: &str, name: &str, on: bool| {
        let (status, _, body) = http(
            &server,
            "PUT",
            &format!("/api/v2/switches/{name}"),
            Some(token),
            Some(&json!({ "on": on }).to_string()),
        );
        (status, body)
    };
    assert_eq!(put(&sam, "Closed", true).0, 403);
    let (status, p) = put(&supervisor, "Closd", true);
    assert_eq!((status, p["code"].as_str()), (404, Some("unknown_switch")), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("did you mean `Closed`?"), "{p}");
    let (status, all) = put(&supervisor, "Closed", true);
    assert_eq!((status, all), (200, json!({"Closed": true})));

    let (_, line) = post(&server, "/api/v2/phone/lines", &admin, json!({"number": "+31612345678"}));
    let id = line["id"].as_str().unwrap().to_string();
    let rx = line_events(&server, &admin, &id);
    std::thread::sleep(Duration::from_millis(200));
    post(&server, &format!("/api/v2/phone/lines/{id}/calls"), &admin, json!({"to": "+31201230000"}));
    expect(&rx, "the switched message", |e| e["type"] == "prompt" && e["text"] == "We are closed today.");
    expect(&rx, "the end", |e| e["type"] == "ended");

    put(&supervisor, "Closed", false);
    post(&server, &format!("/api/v2/phone/lines/{id}/calls"), &admin, json!({"to": "+31201230000"}));
    expect(&rx, "the usual welcome", |e| e["type"] == "prompt" && e["text"] == "Welcome.");
}
