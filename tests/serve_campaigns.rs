//! Campaigns in `serve --agents people` (issue 18): a supervisor starts a preview campaign of
//! center.yaml; its agents' desks list it (My Campaigns) and get a record per free agent; the
//! agent dials it, reschedules the contact as a personal callback that later comes back to the
//! same agent, and asks to log out mid-call (logged out once the call is closed). Pausing holds
//! the list back; stopping cancels what still waits; bad rows of the list are listed.

mod common;

use common::campaign::{daytime_zone, project};
use common::server::*;
use serde_json::Value;
use std::time::{Duration, Instant};

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

fn presence(s: &Server, agent: &str, token: &str, status: &str) -> Value {
    let body = format!(r#"{{"status":"{status}"}}"#);
    let (code, _, v) = http(s, "PUT", &format!("/api/v2/agents/{agent}/presence"), Some(token), Some(&body));
    assert_eq!(code, 200, "{v}");
    v
}

#[test]
fn a_preview_campaign_is_started_worked_rescheduled_paused_and_stopped() {
    let zone = daytime_zone();
    let dir = project("api", zone);
    let data = dir.join("data");
    let admin = token(&data, &["--role", "admin"]);
    let boss = token(&data, &["--role", "supervisor"]);
    let sam = token(&data, &["--role", "agent", "--agent", "sam"]);
    let s = start_with(dir.to_str().unwrap(), &["--agents", "people"], data.clone());
    let desk = "/api/v2/agents/sam/desk";

    // Before the start: ready, nothing fed; sam's desk lists the campaign as ready.
    let (code, _, list) = http(&s, "GET", "/api/v2/campaigns", Some(&boss), None);
    assert_eq!(code, 200, "{list}");
    assert_eq!(list[0]["name"], "Renewals");
    assert_eq!(list[0]["status"], "ready");
    assert_eq!(list[0]["mode"], "preview");
    assert_eq!(list[0]["agents"], serde_json::json!(["sam", "tess"]));
    let (_, _, d) = http(&s, "GET", desk, Some(&sam), None);
    assert_eq!(d["campaigns"][0]["status"], "ready", "{d}");

    // An agent does not start campaigns; a supervisor does.
    let (code, _, p) = http(&s, "POST", "/api/v2/campaigns/Renewals/start", Some(&sam), None);
    assert_eq!(code, 403, "{p}");
    let (code, _, p) = http(&s, "POST", "/api/v2/campaigns/Renewals/pause", Some(&boss), None);
    assert_eq!((code, p["code"].as_str()), (409, Some("campaign_status")), "{p}");
    let (code, _, p) = http(&s, "POST", "/api/v2/campaigns/Nope/start", Some(&boss), None);
    assert_eq!(code, 404, "{p}");
    let (code, _, c) = http(&s, "POST", "/api/v2/campaigns/Renewals/start", Some(&boss), None);
    assert_eq!(code, 200, "{c}");
    assert_eq!(c["status"], "running");
    assert_eq!(c["contacts"], 3, "three good rows: {c}");
    let problems = c["listProblems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{c}");
    assert!(problems[0].as_str().unwrap().starts_with("contacts.csv:4:"), "{c}");

    // Nobody is ready: nothing is fed.
    std::thread::sleep(Duration::from_millis(1500));
    let (_, _, c) = http(&s, "GET", "/api/v2/campaigns/Renewals", Some(&boss), None);
    assert_eq!(c["fed"], 0, "{c}");

    // Sam is ready: the desk warns (running) and previews one record.
    presence(&s, "sam", &sam, "ready");
    let d = wait_for(&s, desk, &sam, 20, |d| !d["offer"].is_null());
    assert_eq!(d["campaigns"][0]["status"], "running", "{d}");
    let offer = &d["offer"];
    assert_eq!(offer["campaign"], "Renewals", "{offer}");
    assert_eq!(offer["mode"], "preview", "{offer}");
    assert_eq!(offer["customerName"], "Ada Lovelace", "{offer}");
    assert_eq!(offer["customerTimezone"], zone, "{offer}");
    let first = offer["callbackId"].as_str().unwrap().to_string();
    let contact = offer["contactId"].as_str().unwrap().to_string();
    let (_, _, c) = http(&s, "GET", "/api/v2/campaigns/Renewals", Some(&boss), None);
    assert_eq!(c["fed"], 1, "one record per free agent: {c}");

    // Dial: the contact answers and is connected.
    let (code, _, d) = http(&s, "POST", "/api/v2/agents/sam/offer/accept", Some(&sam), None);
    assert_eq!(code, 200, "{d}");
    wait_for(&s, desk, &sam, 30, |d| d["call"]["status"] == "connected");

    // Sam asks to log out mid-call: not under the call; not ready until it is closed.
    let v = presence(&s, "sam", &sam, "logged_out");
    assert_eq!(v["presence"], "not_ready", "{v}");
    let (_, _, d) = http(&s, "GET", desk, Some(&sam), None);
    assert_eq!(d["logoutRequested"], true, "{d}");

    // The contact asks to be called on another number in a minute: a personal callback to sam.
    let (code, _, d) = http(&s, "POST", "/api/v2/agents/sam/call/end", Some(&sam), None);
    assert_eq!(code, 200, "{d}");
    let at = (chrono::Utc::now() + chrono::Duration::seconds(20)).to_rfc3339();
    let body = format!(r#"{{"kind":"personal","start":"{at}","number":"+31687654321","numberType":"work"}}"#);
    let (code, _, again) =
        http(&s, "POST", &format!("/api/v2/callbacks/{first}/reschedule"), Some(&sam), Some(&body));
    assert_eq!(code, 201, "{again}");
    // A start alone is given an hour, or the queue's longest window (45 minutes here).
    assert_eq!(again["callbackWindow"]["duration"], 2700, "{again}");
    assert_eq!(again["agentId"], "sam", "{again}");
    assert_eq!(again["target"]["id"], "+31687654321", "{again}");
    let personal = again["id"].as_str().unwrap().to_string();
    // The new number is the contact's now, with its type.
    let (_, _, c) = http(&s, "GET", &format!("/api/v2/contacts/{contact}"), Some(&admin), None);
    assert!(c.to_string().contains("+31687654321"), "{c}");
    // A kind the campaign does not know is refused with the field.
    let body = format!(r#"{{"kind":"later","start":"{at}"}}"#);
    let (code, _, p) =
        http(&s, "POST", &format!("/api/v2/callbacks/{first}/reschedule"), Some(&sam), Some(&body));
    assert_eq!((code, p["field"].as_str()), (400, Some("kind")), "{p}");
    // A start late in the contact's evening, without an end, is a moment: its hour is cut at
    // midnight and booked, not refused as a 20-minute window (CB008). Cancelled again at once.
    let tz: chrono_tz::Tz = zone.parse().unwrap();
    let tomorrow = chrono::Utc::now().with_timezone(&tz).date_naive() + chrono::Duration::days(1);
    let late = chrono::TimeZone::from_local_datetime(&tz, &tomorrow.and_hms_opt(23, 40, 0).unwrap()).unwrap();
    let body = format!(r#"{{"kind":"personal","start":"{}"}}"#, late.to_rfc3339());
    let (code, _, late) =
        http(&s, "POST", &format!("/api/v2/callbacks/{first}/reschedule"), Some(&sam), Some(&body));
    assert_eq!((code, late["callbackWindow"]["duration"].as_i64()), (201, Some(1199)), "{late}");
    let path = format!("/api/v2/callbacks/{}", late["id"].as_str().unwrap());
    let (code, _, gone) = http(&s, "DELETE", &path, Some(&admin), None);
    assert_eq!(code / 100, 2, "{gone}");

    // Done closes the call; the logout asked for happens now.
    let (code, _, row) = http(
        &s,
        "POST",
        &format!("/api/v2/callbacks/{first}/disposition"),
        Some(&sam),
        Some(r#"{"code":"call_back_later"}"#),
    );
    assert_eq!(code, 200, "{row}");
    let d = wait_for(&s, desk, &sam, 5, |d| d["presence"] == "logged_out");
    assert_eq!(d["logoutRequested"], false, "{d}");

    // The contact's history shows the call and its disposition to the campaign's agents (tess
    // too, who did not make it), not to an agent outside the campaign.
    let tess = token(&data, &["--role", "agent", "--agent", "tess"]);
    let uma = token(&data, &["--role", "agent", "--agent", "uma"]);
    let (_, _, c) = http(&s, "GET", &format!("/api/v2/contacts/{contact}"), Some(&tess), None);
    let history = c["history"].as_array().unwrap();
    let item = history.iter().find(|h| h["callbackId"] == first.as_str()).expect("tess sees the call");
    assert_eq!(item["disposition"], "call_back_later", "{c}");
    let (_, _, c) = http(&s, "GET", &format!("/api/v2/contacts/{contact}"), Some(&uma), None);
    assert_eq!(c["history"], serde_json::json!([]), "uma is not in the campaign: {c}");

    // The supervisor pauses the campaign: sam, back, gets no new record — only the personal
    // callback, which comes back to sam.
    let (code, c) = {
        let (code, _, c) = http(&s, "POST", "/api/v2/campaigns/Renewals/pause", Some(&boss), None);
        (code, c)
    };
    assert_eq!((code, c["status"].as_str()), (200, Some("paused")), "{c}");
    presence(&s, "sam", &sam, "ready");
    let d = wait_for(&s, desk, &sam, 60, |d| !d["offer"].is_null());
    assert_eq!(d["offer"]["callbackId"], personal.as_str(), "the personal callback reaches sam: {d}");
    let (code, _, _) = http(&s, "POST", "/api/v2/agents/sam/offer/reject", Some(&sam), None);
    assert_eq!(code, 200);
    presence(&s, "sam", &sam, "not_ready");
    let (_, _, c) = http(&s, "GET", "/api/v2/campaigns/Renewals", Some(&boss), None);
    assert_eq!(c["fed"], 1, "paused: nothing more fed: {c}");

    // Resume with tess ready: a record is fed for her; stop cancels it while it waits or leaves
    // it to finish once she has it.
    let (code, _, c) = http(&s, "POST", "/api/v2/campaigns/Renewals/resume", Some(&boss), None);
    assert_eq!((code, c["status"].as_str()), (200, Some("running")), "{c}");
    presence(&s, "tess", &tess, "ready");
    let d = wait_for(&s, "/api/v2/agents/tess/desk", &tess, 20, |d| !d["offer"].is_null());
    assert_eq!(d["offer"]["customerName"], "Jan Jansen", "{d}");
    let (code, _, c) = http(&s, "POST", "/api/v2/campaigns/Renewals/stop", Some(&boss), None);
    assert_eq!((code, c["status"].as_str()), (200, Some("stopped")), "{c}");
    assert_eq!(c["changes"].as_array().unwrap().len(), 4, "start, pause, resume, stop: {c}");
    assert_eq!(c["remaining"], 1, "Kees was never fed: {c}");
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A campaign whose contact list is missing stops `serve` at once, naming the campaign and the
/// file — not at the supervisor's Start.
#[test]
fn a_missing_contact_list_stops_the_server_at_start() {
    let dir = project("missing", daytime_zone());
    std::fs::remove_file(dir.join("contacts.csv")).unwrap();
    let out = std::process::Command::new(BIN)
        .args(["serve", dir.to_str().unwrap(), "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.join("data"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("campaign Renewals: contacts.csv: No such file"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A predictive campaign with the roster and the customers simulated: the feeder keeps records
/// waiting ahead of the free agents for the dispatcher's pacer, the view says how it paces, and
/// the records are dialled and end (answered, or not) without anyone at a desk.
#[test]
fn a_predictive_campaign_feeds_ahead_of_its_agents_and_its_records_are_dialled() {
    let zone = daytime_zone();
    let dir = project("predictive", zone);
    let yaml = std::fs::read_to_string(dir.join("center.yaml")).unwrap();
    std::fs::write(dir.join("center.yaml"), yaml.replace("mode: preview", "mode: predictive")).unwrap();
    let mut csv = String::from("name,timezone,mobile\n");
    for i in 0..12 {
        csv.push_str(&format!("Contact {i},{zone},06 1234{i:04}\n"));
    }
    std::fs::write(dir.join("contacts.csv"), csv).unwrap();
    let data = dir.join("data");
    let boss = token(&data, &["--role", "supervisor"]);
    let s = start_with(dir.to_str().unwrap(), &[], data.clone());

    let (code, _, c) = http(&s, "POST", "/api/v2/campaigns/Renewals/start", Some(&boss), None);
    assert_eq!(code, 200, "{c}");
    assert_eq!(c["mode"], "predictive");
    assert!(c["pacing"].as_str().unwrap().contains("under 3%"), "{c}");
    // Two agents, three records each waiting for the pacer: six fed before any has ended.
    let c = wait_for(&s, "/api/v2/campaigns/Renewals", &boss, 20, |c| c["fed"].as_u64() >= Some(6));
    assert!(c["fed"].as_u64().unwrap() <= 12, "{c}");
    // The dispatcher dials them: records leave the wait and more are fed.
    let c = wait_for(&s, "/api/v2/campaigns/Renewals", &boss, 30, |c| c["fed"].as_u64() > Some(6));
    let (code, _, list) = http(&s, "GET", "/api/v2/callbacks?queueId=Renewals", Some(&boss), None);
    assert_eq!(code, 200, "{list}");
    let records = list["entities"].as_array().unwrap();
    let dialled = records.iter().filter(|r| r["attempts"].as_i64() >= Some(1)).count();
    assert!(dialled >= 2, "both agents' records dialled: {list}");
    assert!(records.iter().all(|r| r["externalData"]["campaign"] == "Renewals"), "{list}");
    // Stopping cancels the records still waiting for the pacer; the calls in progress go on.
    let (code, _, stop) = http(&s, "POST", "/api/v2/campaigns/Renewals/stop", Some(&boss), None);
    assert_eq!((code, stop["status"].as_str()), (200, Some("stopped")), "{stop} after {c}");
    let (_, _, list) = http(&s, "GET", "/api/v2/callbacks?queueId=Renewals", Some(&boss), None);
    let queued = list["entities"].as_array().unwrap().iter().filter(|r| r["status"] == "queued").count();
    assert_eq!(queued, 0, "{list}");
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}
