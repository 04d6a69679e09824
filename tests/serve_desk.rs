//! `serve --agents people`: a callback is offered only to a signed-in, ready person; a rejection
//! sends it back and it is offered again; an offer left to time out goes to the next ready agent
//! and the first is marked not responding; the agent who accepts follows the dial, ends the call
//! and closes it with a disposition (seed 001's preview, accept, reject, time-out redirect).

mod common;

use common::server::*;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Polls `path` until `done` holds (at most `secs`).
fn wait_for(s: &Server, path: &str, token: &str, secs: u64, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let (status, _, v) = http(s, "GET", path, Some(token), None);
        assert_eq!(status, 200, "{path}: {v}");
        if done(&v) {
            return v;
        }
        assert!(start.elapsed() < Duration::from_secs(secs), "{path} never got there: {v}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn presence(s: &Server, agent: &str, token: &str, status: &str) {
    let body = format!(r#"{{"status":"{status}"}}"#);
    let (code, _, v) = http(s, "PUT", &format!("/api/v2/agents/{agent}/presence"), Some(token), Some(&body));
    assert_eq!(code, 200, "{v}");
}

#[test]
fn offers_go_to_people_who_accept_reject_or_let_them_time_out() {
    let data = std::env::temp_dir().join(format!("callwright-serve-desk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin"]);
    let sam = token(&data, &["--role", "agent", "--agent", "sam"]);
    let tess = token(&data, &["--role", "agent", "--agent", "tess"]);
    let s = start_with("tests/fixtures/serve/desk", &["--agents", "people"], data.clone());
    let body = r#"{"target":{"id":"+31612345678","type":"phoneNumber"},"queueId":"Desk",
        "externalData":{"customerName":"Ada Lovelace","reason":"invoice","timezone":"Europe/Amsterdam","account":"A-17"}}"#;
    let (status, _, cb) = http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(body));
    assert_eq!(status, 201, "{cb}");
    let id = cb["id"].as_str().unwrap().to_string();
    let (sam_desk, tess_desk) = ("/api/v2/agents/sam/desk", "/api/v2/agents/tess/desk");

    // Nobody is signed in: nothing is offered.
    std::thread::sleep(Duration::from_millis(1500));
    let (_, _, d) = http(&s, "GET", sam_desk, Some(&sam), None);
    assert!(d["offer"].is_null(), "{d}");
    // An agent works only its own desk.
    let (code, _, p) = http(&s, "GET", tess_desk, Some(&sam), None);
    assert_eq!(code, 403, "{p}");
    let (code, _, p) = http(&s, "POST", "/api/v2/agents/sam/offer/accept", Some(&sam), None);
    assert_eq!((code, p["code"].as_str()), (409, Some("no_offer")), "{p}");

    // Sam says ready: the preview shows the case information.
    presence(&s, "sam", &sam, "ready");
    let d = wait_for(&s, sam_desk, &sam, 10, |d| !d["offer"].is_null());
    let offer = &d["offer"];
    assert_eq!(offer["callbackId"], id.as_str());
    assert_eq!(offer["number"], "+31612345678");
    assert_eq!(offer["customerName"], "Ada Lovelace");
    assert_eq!(offer["reason"], "invoice");
    assert_eq!(offer["customerTimezone"], "Europe/Amsterdam");
    assert!(offer["customerLocalTime"].is_string(), "{offer}");
    assert!(offer["secondsLeft"].as_i64().unwrap() <= 2, "{offer}");
    let (_, _, row) = http(&s, "GET", &format!("/api/v2/callbacks/{id}"), Some(&admin), None);
    assert_eq!(row["status"], "routing", "{row}");

    // Reject: back to the queue (no attempt), and offered again to the only ready agent.
    let (code, _, d) = http(&s, "POST", "/api/v2/agents/sam/offer/reject", Some(&sam), None);
    assert_eq!(code, 200, "{d}");
    assert!(d["offer"].is_null(), "{d}");
    wait_for(&s, sam_desk, &sam, 10, |d| !d["offer"].is_null());
    let (_, _, row) = http(&s, "GET", &format!("/api/v2/callbacks/{id}"), Some(&admin), None);
    assert_eq!(row["attempts"], 0, "a rejection is not an attempt: {row}");

    // Sam lets it time out: sam is not responding, and tess, once ready, gets it.
    let d = wait_for(&s, sam_desk, &sam, 10, |d| d["presence"] == "not_responding");
    assert!(d["offer"].is_null(), "{d}");
    presence(&s, "tess", &tess, "ready");
    let d = wait_for(&s, tess_desk, &tess, 10, |d| !d["offer"].is_null());
    assert_eq!(d["offer"]["callbackId"], id.as_str());
    let (_, _, d) = http(&s, "GET", sam_desk, Some(&sam), None);
    assert!(d["offer"].is_null(), "a not-responding agent is offered nothing: {d}");

    // Tess accepts: the customer is dialled, then connected.
    let (code, _, d) = http(&s, "POST", "/api/v2/agents/tess/offer/accept", Some(&tess), None);
    assert_eq!(code, 200, "{d}");
    wait_for(&s, tess_desk, &tess, 30, |d| d["call"]["status"] == "connected");
    // End call, then Done with a disposition.
    let (code, _, d) = http(&s, "POST", "/api/v2/agents/tess/call/end", Some(&tess), None);
    assert_eq!(code, 200, "{d}");
    assert_eq!(d["call"]["status"], "ended", "{d}");
    let (code, _, p) = http(&s, "POST", "/api/v2/agents/tess/call/end", Some(&tess), None);
    assert_eq!((code, p["code"].as_str()), (409, Some("no_call")), "{p}");
    // Tess does not own this queue callback, but she worked it: she closes it (Done).
    let (code, _, row) = http(
        &s,
        "POST",
        &format!("/api/v2/callbacks/{id}/disposition"),
        Some(&tess),
        Some(r#"{"code":"resolved","notes":"paid by card"}"#),
    );
    assert_eq!(code, 200, "{row}");
    let d = wait_for(&s, tess_desk, &tess, 5, |d| d["call"].is_null());
    assert!(d["offer"].is_null(), "{d}");
    let row = wait_for(&s, &format!("/api/v2/callbacks/{id}"), &admin, 10, |r| r["status"] == "completed");
    assert_eq!(row["attempts"], 1, "{row}");
    // Sam never worked it: no disposition from sam.
    let (code, _, _) = http(
        &s,
        "POST",
        &format!("/api/v2/callbacks/{id}/disposition"),
        Some(&sam),
        Some(r#"{"code":"resolved"}"#),
    );
    assert_eq!(code, 404);
}

/// Going on a break with an offer on the desk sends the callback back to the queue at once.
#[test]
fn a_break_returns_the_offer_to_the_queue() {
    let data = std::env::temp_dir().join(format!("callwright-serve-desk-break-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin"]);
    let sam = token(&data, &["--role", "agent", "--agent", "sam"]);
    let s = start_with("tests/fixtures/serve/desk", &["--agents", "people"], data.clone());
    let body = r#"{"target":{"id":"+31612345679","type":"phoneNumber"},"queueId":"Desk"}"#;
    let (status, _, cb) = http(&s, "POST", "/api/v2/callbacks", Some(&admin), Some(body));
    assert_eq!(status, 201, "{cb}");
    let id = cb["id"].as_str().unwrap().to_string();
    presence(&s, "sam", &sam, "ready");
    wait_for(&s, "/api/v2/agents/sam/desk", &sam, 10, |d| !d["offer"].is_null());
    presence(&s, "sam", &sam, "break");
    let d = wait_for(&s, "/api/v2/agents/sam/desk", &sam, 5, |d| d["offer"].is_null());
    assert_eq!(d["presence"], "break");
    let row = wait_for(&s, &format!("/api/v2/callbacks/{id}"), &admin, 5, |r| r["status"] == "queued");
    assert_eq!(row["attempts"], 0, "{row}");
    // Still queued a while later: nobody is ready.
    std::thread::sleep(Duration::from_millis(1000));
    let (_, _, row) = http(&s, "GET", &format!("/api/v2/callbacks/{id}"), Some(&admin), None);
    assert_eq!(row["status"], "queued", "{row}");
}
