//! The pages in headless Chromium against a real `serve`: an agent schedules a callback from the
//! desktop's slot grid and it appears in the supervisor's view without a reload; the supervisor
//! reschedules and reassigns it and the agent's list follows; a too-early time shows the CB
//! rule's message at its field; the pages make no request but to the server. Screenshots of each
//! page go to `docs/screenshots/`.
//!
//! Needs Debian's `chromium` (`scripts/browser.sh`). Without it the test says so and passes —
//! except in CI (`CI` set), where a missing browser is a failure.

mod common;

use common::browser::{Browser, chromium};
use common::server::{start_with, token};

fn browser_or_skip() -> bool {
    if chromium().is_some() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "CI must run the browser tests: run scripts/browser.sh");
    eprintln!("Chromium is not installed (scripts/browser.sh): the page tests are skipped");
    false
}

fn sign_in(b: &mut Browser, base: &str, page: &str, token: &str) {
    b.open(&format!("{base}{page}"));
    b.wait("!document.getElementById('signin').hidden", 10);
    b.fill("#token", token);
    b.click("#signin button");
    b.wait("document.getElementById('signin').hidden", 10);
}

#[test]
fn an_agent_schedules_and_the_supervisor_sees_reschedules_and_reassigns_it_live() {
    if !browser_or_skip() {
        return;
    }
    let data = std::env::temp_dir().join(format!("callwright-pages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let anna = token(&data, &["--role", "agent", "--agent", "anna"]);
    let sup = token(&data, &["--role", "supervisor"]);
    let server = start_with("flows/acme", &["--agents", "people"], data);
    let base = format!("http://{}", server.addr);
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&shots).unwrap();

    let mut supervisor = Browser::start(1280, 800);
    sign_in(&mut supervisor, &base, "/callbacks", &sup);
    supervisor.wait("document.getElementById('count').textContent === '0 callbacks'", 10);
    supervisor.wait("document.getElementById('live').textContent === 'live'", 10);

    let mut agent = Browser::start(1280, 800);
    sign_in(&mut agent, &base, "/agent", &anna);
    agent.wait("document.getElementById('who').textContent === 'anna'", 10);
    agent.click("[data-presence=ready]");
    agent.wait("document.querySelector('[data-presence=ready]').getAttribute('aria-pressed') === 'true'", 10);

    // New callback: the contact's zone, tomorrow, the slot grid.
    agent.click("#new-callback");
    agent.fill("#s-number", "+31 6 1234 5678");
    agent.fill("#s-name", "Ada Lovelace");
    agent.fill("#s-reason", "invoice");
    agent.fill("#s-zone", "Europe/Amsterdam");
    agent.wait("document.querySelectorAll('#slots .slot.free').length > 0", 10);
    agent.screenshot(&shots.join("agent-new-callback.png"));

    // A time too soon is refused by the CB rules, and the message is shown at the time field.
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Amsterdam);
    agent.fill("#s-date", &today.format("%Y-%m-%d").to_string());
    agent.fill("#s-time", &(today + chrono::Duration::minutes(2)).format("%H:%M").to_string());
    agent.click("#schedule-save");
    agent.wait(
        "document.querySelector('[data-field=requestedTime] .field-error').textContent.includes('CB0')",
        10,
    );
    let message = agent.eval("document.querySelector('[data-field=requestedTime] .field-error').textContent");
    assert!(message.as_str().unwrap().contains("from now"), "{message}");

    // Tomorrow's first free slot books it.
    let tomorrow = today + chrono::Duration::days(1);
    agent.fill("#s-time", "");
    agent.fill("#s-date", &tomorrow.format("%Y-%m-%d").to_string());
    agent.wait("document.querySelectorAll('#slots .slot.free').length > 0", 10);
    agent.click("#slots .slot.free");
    agent.click("#schedule-save");
    agent.wait("document.querySelectorAll('#mine tr[data-id]').length === 1", 10);
    agent.wait("!document.getElementById('schedule').open", 10);

    // The supervisor's view shows it without a reload, owned by anna.
    supervisor.wait("document.querySelectorAll('#rows tr[data-id]').length === 1", 10);
    supervisor.wait("document.querySelector('#rows .owner').textContent === 'anna'", 10);
    let row = supervisor.eval("document.querySelector('#rows tr[data-id]').innerText");
    assert!(
        row.as_str().unwrap().contains("Ada Lovelace") && row.as_str().unwrap().contains("+31612345678"),
        "{row}"
    );
    // Its origin, as the API tells it, is shown in its own column.
    let id = supervisor.eval("document.querySelector('#rows tr[data-id]').dataset.id");
    let (_, _, stored) = common::server::http(
        &server,
        "GET",
        &format!("/api/v2/callbacks/{}", id.as_str().unwrap()),
        Some(&sup),
        None,
    );
    let origin = stored["origin"].as_str().unwrap();
    assert!(row.as_str().unwrap().contains(origin), "{origin} not in {row}");
    supervisor.screenshot(&shots.join("supervisor-callbacks.png"));

    // Reschedule to 15:00 the day after tomorrow: the agent's list shows the new time.
    let later = tomorrow + chrono::Duration::days(1);
    supervisor.click("#rows tr[data-id] button");
    supervisor.fill("#e-at", &format!("{}T15:00", later.format("%Y-%m-%d")));
    supervisor.click("#edit-save");
    supervisor.wait("!document.getElementById('edit').open", 10);
    let when = format!("{} 15:00", later.format("%Y-%m-%d"));
    agent.wait(&format!("document.querySelector('#mine tr[data-id]').innerText.includes({when:?})"), 10);

    // Reassign to bram: the supervisor sees the new owner, and anna's list loses it.
    supervisor.click("#rows tr[data-id] button");
    supervisor.fill("#e-agent", "bram");
    supervisor.click("#edit-save");
    supervisor.wait("document.querySelector('#rows .owner').textContent === 'bram'", 10);
    agent.wait("document.querySelectorAll('#mine tr[data-id]').length === 0", 10);
    agent.screenshot(&shots.join("agent-desktop.png"));

    // Move it to the Billing queue.
    supervisor.click("#rows tr[data-id] button");
    supervisor.fill("#e-queue", "Billing");
    supervisor.click("#edit-save");
    supervisor.wait("!document.getElementById('edit').open", 10);
    supervisor.wait("document.querySelector('#rows tr[data-id]').children[3].textContent === 'Billing'", 10);

    // Bulk cancel from the supervisor's view.
    supervisor.eval("window.confirm = () => true");
    supervisor.click("#select-all");
    supervisor.click("#bulk-cancel");
    supervisor.wait("document.querySelector('#rows .state').textContent.toUpperCase() === 'CANCELLED'", 10);

    // Nothing but the server was asked for anything (`data:` URLs are Chromium's own icons of
    // the date and time inputs: no request leaves the browser for them).
    for b in [&agent, &supervisor] {
        let outside: Vec<_> = b
            .requests
            .iter()
            .filter(|u| !u.starts_with(&base) && *u != "about:blank" && !u.starts_with("data:"))
            .collect();
        assert!(outside.is_empty(), "requests outside the server: {outside:?}");
        assert!(b.requests.iter().any(|u| u.ends_with("/assets/app.js")), "{:?}", b.requests);
    }
}

/// The pages fit a phone-sized screen: no sideways scrolling of the page itself.
#[test]
fn the_pages_fit_a_phone() {
    if !browser_or_skip() {
        return;
    }
    let data = std::env::temp_dir().join(format!("callwright-pages-phone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let anna = token(&data, &["--role", "agent", "--agent", "anna"]);
    let server = start_with("flows/acme", &["--agents", "people"], data);
    let base = format!("http://{}", server.addr);
    let mut phone = Browser::start(390, 844);
    sign_in(&mut phone, &base, "/agent", &anna);
    for page in ["/agent", "/callbacks", "/phone"] {
        // Signed in once: the tab keeps the token.
        phone.open(&format!("{base}{page}"));
        if page == "/phone" {
            phone.wait("!document.getElementById('register').hidden", 10);
        } else {
            phone.wait("document.getElementById('live').textContent === 'live'", 10);
        }
        let wide = phone.eval("document.documentElement.scrollWidth <= window.innerWidth + 1");
        assert_eq!(wide, serde_json::json!(true), "{page} scrolls sideways on a phone");
    }
}

/// `/flows` draws every flow of the project with the coverage of its flow tests, and shows the
/// checker's warnings.
#[test]
fn the_flows_page_draws_each_flow_with_its_test_coverage() {
    if !browser_or_skip() {
        return;
    }
    let data = std::env::temp_dir().join(format!("callwright-pages-flows-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let server = start_with("flows/acme", &[], data);
    let base = format!("http://{}", server.addr);
    let mut b = Browser::start(1280, 800);
    b.open(&format!("{base}/flows"));
    // The flows of acme, each drawn (the image loaded) with its coverage line.
    b.wait("document.querySelectorAll('section[id^=flow-] img').length >= 3", 30);
    b.wait("[...document.querySelectorAll('section[id^=flow-] img')].every(i => i.complete && i.naturalWidth > 0)", 30);
    let titles =
        b.eval("[...document.querySelectorAll('section[id^=flow-] h2')].map(h => h.textContent).join('\\n')");
    let titles = titles.as_str().unwrap();
    assert!(titles.contains("covered by the tests: nodes"), "{titles}");
    assert!(titles.lines().any(|l| l.starts_with("AcmeSupport — covered by the tests: nodes")), "{titles}");
    b.screenshot(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots/flows.png"));
    let outside: Vec<_> = b
        .requests
        .iter()
        .filter(|u| !u.starts_with(&base) && *u != "about:blank" && !u.starts_with("data:"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    // A flow that is not there is a 404 problem, not an empty image.
    let (status, _, p) = common::server::http(&server, "GET", "/flows/Nope.svg", None, None);
    assert_eq!((status, p["code"].as_str()), (404, Some("not_found")), "{p}");
}

/// The desk in the browser: a callback is offered to the signed-in agent (the preview takes the
/// focus, with the case information and a countdown), accepted with the keyboard, dialled,
/// connected, ended and closed with a disposition — and the supervisor's view, open meanwhile, shows it completed.
#[test]
fn an_agent_accepts_works_and_closes_an_offered_callback() {
    if !browser_or_skip() {
        return;
    }
    let data = std::env::temp_dir().join(format!("callwright-pages-desk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin"]);
    let sam = token(&data, &["--role", "agent", "--agent", "sam"]);
    let server = start_with("tests/fixtures/serve/desk", &["--agents", "people"], data);
    let base = format!("http://{}", server.addr);

    let mut supervisor = Browser::start(1280, 800);
    sign_in(&mut supervisor, &base, "/callbacks", &admin);
    supervisor.wait("document.getElementById('live').textContent === 'live'", 10);
    let mut agent = Browser::start(1280, 800);
    sign_in(&mut agent, &base, "/agent", &sam);
    agent.wait("document.getElementById('live').textContent === 'live'", 10);
    agent.click("[data-presence=ready]");
    agent.wait("document.querySelector('[data-presence=ready]').getAttribute('aria-pressed') === 'true'", 10);

    let body = r#"{"target":{"id":"+31612345678","type":"phoneNumber"},"queueId":"Desk",
        "externalData":{"customerName":"Ada Lovelace","reason":"invoice","timezone":"Europe/Amsterdam","account":"A-17"}}"#;
    let (status, _, cb) =
        common::server::http(&server, "POST", "/api/v2/callbacks", Some(&admin), Some(body));
    assert_eq!(status, 201, "{cb}");

    // The preview: case information, a countdown, and the focus.
    agent.wait("!document.getElementById('offer').hidden", 10);
    agent.wait("document.activeElement && document.activeElement.id === 'offer'", 5);
    let case = agent.eval("document.getElementById('offer-case').innerText");
    let case = case.as_str().unwrap();
    for part in ["Ada Lovelace", "+31612345678", "invoice", "Europe/Amsterdam", "A-17"] {
        assert!(case.contains(part), "{part} missing from the preview: {case}");
    }
    agent.wait("Number(document.getElementById('offer-countdown').textContent) >= 0", 5);
    agent.screenshot(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots/agent-offer.png"),
    );
    // With the keyboard alone: the next Tab reaches Accept, Enter presses it.
    agent.press("Tab");
    agent.wait("document.activeElement.id === 'accept'", 5);
    agent.press("Enter");

    // Dialled, connected; End call; Done with a disposition.
    agent.wait("document.getElementById('call-status').textContent.startsWith('connected')", 30);
    agent.click("#end-call");
    agent.wait("document.getElementById('call-status').textContent.startsWith('ended')", 10);
    agent.wait("document.querySelectorAll('#disposition option').length === 3", 10);
    agent.fill("#disposition", "resolved");
    agent.fill("#notes", "paid by card");
    agent.click("#done");
    agent.wait("document.getElementById('call').hidden", 10);

    supervisor.wait("document.querySelector('#rows .state') && document.querySelector('#rows .state').textContent.toUpperCase() === 'COMPLETED'", 15);
    let (_, _, row) = common::server::http(
        &server,
        "GET",
        &format!("/api/v2/callbacks/{}", cb["id"].as_str().unwrap()),
        Some(&admin),
        None,
    );
    assert_eq!((row["status"].as_str(), row["attempts"].as_u64()), (Some("completed"), Some(1)), "{row}");
}

/// An offer left to time out goes to the next agent, and the desktop says why nothing more is
/// offered until the agent says Ready again.
#[test]
fn an_offer_left_to_time_out_says_not_responding() {
    if !browser_or_skip() {
        return;
    }
    let data = std::env::temp_dir().join(format!("callwright-pages-timeout-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin"]);
    let sam = token(&data, &["--role", "agent", "--agent", "sam"]);
    let server = start_with("tests/fixtures/serve/desk", &["--agents", "people"], data);
    let base = format!("http://{}", server.addr);
    let mut agent = Browser::start(1280, 800);
    sign_in(&mut agent, &base, "/agent", &sam);
    agent.wait("document.getElementById('live').textContent === 'live'", 10);
    agent.click("[data-presence=ready]");
    agent.wait("document.querySelector('[data-presence=ready]').getAttribute('aria-pressed') === 'true'", 10);
    let body = r#"{"target":{"id":"+31612345678","type":"phoneNumber"},"queueId":"Desk"}"#;
    let (status, _, cb) =
        common::server::http(&server, "POST", "/api/v2/callbacks", Some(&admin), Some(body));
    assert_eq!(status, 201, "{cb}");
    agent.wait("!document.getElementById('offer').hidden", 10);
    // The offer times out after 2 s (the fixture's offer_timeout).
    agent.wait(
        "!document.getElementById('not-responding').hidden && document.getElementById('offer').hidden",
        10,
    );
    agent.click("[data-presence=ready]");
    agent.wait("document.getElementById('not-responding').hidden", 10);
}

/// A slot that fills while the agent looks at the grid is refused when they book it: the CB rule's
/// message is shown at the slot grid, and the grid, read again, shows the slot grey.
#[test]
fn a_slot_taken_meanwhile_is_refused_at_the_grid() {
    if !browser_or_skip() {
        return;
    }
    let data = std::env::temp_dir().join(format!("callwright-pages-slot-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin"]);
    let sam = token(&data, &["--role", "agent", "--agent", "sam"]);
    let server = start_with("tests/fixtures/serve/slots", &[], data);
    let base = format!("http://{}", server.addr);
    let tomorrow = (chrono::Utc::now().with_timezone(&chrono_tz::Europe::Amsterdam)
        + chrono::Duration::days(1))
    .format("%Y-%m-%d")
    .to_string();
    let mut agent = Browser::start(1280, 800);
    sign_in(&mut agent, &base, "/agent", &sam);
    agent.wait("document.getElementById('who').textContent === 'sam'", 10);
    agent.click("#new-callback");
    agent.fill("#s-number", "+31 6 1234 5678");
    agent.fill("#s-queue", "Sales");
    agent.fill("#s-zone", "Europe/Amsterdam");
    agent.fill("#s-date", &tomorrow);
    agent.wait("document.querySelectorAll('#slots .slot.free').length === 8", 10);

    // Meanwhile two callbacks take both places of 10:00.
    let grid_path =
        format!("/api/v2/callbacks/slots?queueId=Sales&date={tomorrow}&timezone=Europe/Amsterdam");
    let (_, _, grid) = common::server::http(&server, "GET", &grid_path, Some(&admin), None);
    let slot = grid["slots"].as_array().unwrap().iter().find(|s| s["localStart"] == "10:00").unwrap().clone();
    let start = slot["start"].as_str().unwrap().to_string();
    for n in 0..2 {
        let body = format!(
            r#"{{"target":{{"id":"+3161111000{n}","type":"phoneNumber"}},"queueId":"Sales","callbackWindow":{{"startTime":"{start}","duration":3600}},"externalData":{{"timezone":"Europe/Amsterdam"}}}}"#
        );
        let (status, _, cb) =
            common::server::http(&server, "POST", "/api/v2/callbacks", Some(&admin), Some(&body));
        assert_eq!(status, 201, "{cb}");
    }

    // The agent's grid still shows it blue; booking it is refused, at the grid.
    agent.click(&format!("#slots .slot[data-start={start:?}]"));
    agent.click("#schedule-save");
    agent.wait(
        "document.querySelector('[data-field=callbackWindow] .field-error').textContent.length > 0",
        10,
    );
    let message =
        agent.eval("document.querySelector('[data-field=callbackWindow] .field-error').textContent");
    assert!(message.as_str().unwrap().contains("CB0"), "{message}");
    agent.wait(
        &format!("document.querySelector('#slots .slot[data-start={start:?}]').classList.contains('full')"),
        10,
    );
    assert!(
        agent.eval("document.getElementById('schedule').open").as_bool().unwrap(),
        "the dialog stays open"
    );
}

/// acme's project in a temporary folder with its business hours opened round the clock, so the
/// phone test takes the same path at any hour CI runs it (the flows are otherwise acme's own).
fn acme_open_all_day(dir: &std::path::Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let acme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("flows/acme");
    for entry in std::fs::read_dir(&acme).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let flow = std::fs::read_to_string(dir.join("support.flow")).unwrap();
    let start = flow.find("schedule BusinessHours").unwrap();
    let end = start + flow[start..].find("\n}").unwrap() + 2;
    let open = "schedule BusinessHours in \"Europe/Amsterdam\" {\n  mon..sun 00:00-24:00\n}";
    std::fs::write(dir.join("support.flow"), format!("{}{open}{}", &flow[..start], &flow[end..])).unwrap();
}

/// The mission's whole loop in a browser: the web phone dials acme's number, presses 1 for
/// Billing, hears it is number 11 in line (ten callbacks of another agent wait ahead), takes the
/// callback offer and is hung up on; the callback keeps that place; an agent goes ready, gets the
/// preview and accepts; the phone page rings, answers and hears the outbound flow; the agent
/// puts it on hold, takes it off, sends a tone from the desk's keypad, ends the call and closes it with a disposition; the supervisor's view shows it completed.
#[test]
fn the_web_phone_takes_the_callback_offer_and_is_called_back() {
    if !browser_or_skip() {
        return;
    }
    let pid = std::process::id();
    let project = std::env::temp_dir().join(format!("callwright-pages-acme-{pid}"));
    acme_open_all_day(&project);
    let data = std::env::temp_dir().join(format!("callwright-pages-loop-{pid}"));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin"]);
    let bram = token(&data, &["--role", "agent", "--agent", "bram"]);
    let server = start_with(project.to_str().unwrap(), &["--agents", "people"], data);
    let base = format!("http://{}", server.addr);
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");

    // A busy Billing queue: ten callbacks owned by chloe, who is not signed in.
    for i in 0..10 {
        let body = format!(r#"{{"target":{{"id":"+3161111000{i}"}},"queueId":"Billing","agentId":"chloe"}}"#);
        let (status, _, cb) =
            common::server::http(&server, "POST", "/api/v2/callbacks", Some(&admin), Some(&body));
        assert_eq!(status, 201, "{cb}");
    }
    let mut supervisor = Browser::start(1280, 800);
    sign_in(&mut supervisor, &base, "/callbacks", &admin);
    supervisor.wait("document.getElementById('live').textContent === 'live'", 10);
    supervisor.wait("document.querySelectorAll('#rows tr[data-id]').length === 10", 10);

    let mut phone = Browser::start(1280, 800);
    sign_in(&mut phone, &base, "/phone", &admin);
    phone.wait("!document.getElementById('register').hidden", 10);
    phone.fill("#my-number", "+31 6 1234 5678");
    phone.fill("#my-name", "Ann Caller");
    phone.click("#register-save");
    phone.wait("!document.getElementById('phone').hidden", 10);
    phone.wait("document.getElementById('live').textContent === 'live'", 10);
    phone.wait("document.getElementById('to').value === '+31201234000'", 10);
    phone.click("#call");
    let heard = |text: &str| format!("document.getElementById('transcript').innerText.includes({text:?})");
    phone.wait(&heard("For billing, press 1."), 30);
    phone.click("[data-key='1']");
    phone.wait("document.getElementById('queue').textContent.includes('In queue Billing · position 11')", 30);
    phone.wait(&heard("Press 1 to get a call back"), 30);
    phone.screenshot(&shots.join("phone-queue.png"));
    phone.click("[data-key='1']");
    phone.wait(&heard("Callback booked for +31612345678 in Billing"), 15);
    phone.wait("document.getElementById('status').textContent.startsWith('Ended')", 15);

    // Stored through the one create path: the supervisor sees it at once, from the flow.
    supervisor.wait("document.querySelectorAll('#rows tr[data-id]').length === 11", 10);
    supervisor.wait(
        "[...document.querySelectorAll('#rows tr[data-id]')].some(r => r.innerText.includes('Ann Caller'))",
        10,
    );

    // The agent goes ready: the kept place is first for bram (the ten are chloe's).
    let mut agent = Browser::start(1280, 800);
    sign_in(&mut agent, &base, "/agent", &bram);
    agent.wait("document.getElementById('live').textContent === 'live'", 10);
    agent.click("[data-presence=ready]");
    agent.wait("!document.getElementById('offer').hidden", 15);
    let case = agent.eval("document.getElementById('offer-case').innerText");
    assert!(case.as_str().unwrap().contains("Ann Caller"), "{case}");
    agent.click("#accept");

    // The phone rings; answered, it hears the outbound flow, then bram.
    phone.wait("!document.getElementById('ring').hidden", 30);
    phone.wait("document.activeElement && document.activeElement.id === 'ring'", 5);
    phone.screenshot(&shots.join("phone-ringing.png"));
    phone.click("#answer");
    phone.wait(&heard("Hello Ann Caller, this is Acme returning your call."), 20);
    phone.wait("document.getElementById('status').textContent === 'With bram'", 20);
    agent.wait("document.getElementById('call-status').textContent.startsWith('connected')", 10);
    // Hold and the desk's keypad reach the phone.
    agent.click("#hold");
    agent.wait("document.getElementById('call-status').textContent.startsWith('on_hold')", 10);
    phone.wait("document.getElementById('status').textContent === 'On hold'", 10);
    agent.screenshot(&shots.join("agent-call.png"));
    agent.click("#hold");
    phone.wait("document.getElementById('status').textContent === 'With the agent'", 10);
    agent.wait("!document.querySelector('#desk-keypad [data-key=\"5\"]').disabled", 10);
    agent.click("#desk-keypad [data-key='5']");
    phone.wait(&heard("The agent pressed 5"), 10);
    agent.click("#end-call");
    phone.wait("document.getElementById('status').textContent === 'Ended: bram ended the call'", 10);
    agent.wait("document.querySelectorAll('#disposition option').length > 0", 10);
    agent.fill("#disposition", "resolved");
    agent.click("#done");
    agent.wait("document.getElementById('call').hidden", 10);

    let id = supervisor.eval(
        "[...document.querySelectorAll('#rows tr[data-id]')].find(r => r.innerText.includes('Ann Caller')).dataset.id",
    );
    let id = id.as_str().unwrap().to_string();
    supervisor.wait(
        &format!("document.querySelector('#rows tr[data-id={id:?}] .state').textContent.toUpperCase() === 'COMPLETED'"),
        15,
    );
    let (_, _, row) =
        common::server::http(&server, "GET", &format!("/api/v2/callbacks/{id}"), Some(&admin), None);
    assert_eq!(
        (row["status"].as_str(), row["attempts"].as_u64(), row["origin"].as_str()),
        (Some("completed"), Some(1), Some("flow:HoldWithCallback")),
        "{row}"
    );
    let outside: Vec<_> = phone
        .requests
        .iter()
        .filter(|u| !u.starts_with(&base) && *u != "about:blank" && !u.starts_with("data:"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    let _ = std::fs::remove_dir_all(&project);
}

/// Issue 18's end-to-end proof: a supervisor starts a preview campaign on the campaigns page; the
/// agent's desktop warns that it started, previews a record (the contact's numbers shown), dials
/// it, reschedules the contact as a personal callback on a new number, closes the call; the
/// supervisor pauses the campaign, and the personal callback comes back to the same agent.
#[test]
fn a_supervisor_starts_a_campaign_and_the_agent_previews_dials_and_reschedules_it() {
    if !browser_or_skip() {
        return;
    }
    let zone = common::campaign::daytime_zone();
    let dir = common::campaign::project("pages", zone);
    let data = dir.join("data");
    let boss = token(&data, &["--role", "supervisor"]);
    let sam = token(&data, &["--role", "agent", "--agent", "sam"]);
    let server = start_with(dir.to_str().unwrap(), &["--agents", "people"], data);
    let base = format!("http://{}", server.addr);
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");

    let mut supervisor = Browser::start(1280, 800);
    sign_in(&mut supervisor, &base, "/campaigns", &boss);
    supervisor.wait("document.querySelector('[data-campaign=Renewals] .state').textContent === 'ready'", 10);
    let mut agent = Browser::start(1280, 800);
    sign_in(&mut agent, &base, "/agent", &sam);
    agent.wait("document.getElementById('live').textContent === 'live'", 10);
    agent.wait("document.getElementById('my-campaigns').innerText.includes('Renewals')", 10);
    agent.click("[data-presence=ready]");
    agent.wait("document.querySelector('[data-presence=ready]').getAttribute('aria-pressed') === 'true'", 10);

    // Start: the agent is warned, and previews a record.
    supervisor.click("[data-campaign=Renewals] [data-action=start]");
    supervisor
        .wait("document.querySelector('[data-campaign=Renewals] .state').textContent === 'running'", 10);
    agent.wait("!document.getElementById('campaign-warning').hidden", 10);
    let warning = agent.eval("document.getElementById('campaign-warning-text').textContent");
    assert!(warning.as_str().unwrap().contains("Renewals has started"), "{warning}");
    agent.wait("!document.getElementById('offer').hidden", 20);
    agent.wait("document.getElementById('offer-title').textContent === 'Preview: campaign Renewals'", 5);
    agent.wait("document.getElementById('accept').textContent === 'Dial'", 5);
    agent.wait("document.getElementById('offer-numbers').textContent.includes('+31201234567 (home)')", 10);
    let case = agent.eval("document.getElementById('offer-case').innerText");
    assert!(case.as_str().unwrap().contains("Ada Lovelace"), "{case}");
    agent.screenshot(&shots.join("agent-campaign-preview.png"));
    supervisor.wait("document.querySelector('[data-campaign=Renewals] progress').value === 1", 10);
    supervisor.screenshot(&shots.join("supervisor-campaigns.png"));

    // Dial; the contact answers; End call; reschedule as personal on a new work number.
    agent.click("#accept");
    agent.wait("document.getElementById('call-status').textContent.startsWith('connected')", 30);
    agent.click("#end-call");
    agent.wait("!document.getElementById('reschedule').hidden", 10);
    agent.wait("[...document.querySelectorAll('#r-number option')].some((o) => o.value === 'new')", 10);
    agent.eval(
        "(() => { const d = new Date(Date.now() + 20000); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); \
         document.getElementById('r-start').value = d.toISOString().slice(0, 19); })()",
    );
    agent.fill("#r-kind", "personal");
    agent.fill("#r-number", "new");
    agent.wait("!document.getElementById('r-new').hidden", 5);
    agent.fill("#r-new-number", "+31 6 87654321");
    agent.fill("#r-new-type", "work");
    agent.screenshot(&shots.join("agent-campaign-reschedule.png"));
    agent.click("#r-save");
    agent.wait("document.getElementById('r-done').textContent.startsWith('Booked')", 10);

    // The supervisor pauses (sam is still on the call, so no new record was fed to sam); Done.
    supervisor.click("[data-campaign=Renewals] [data-action=pause]");
    supervisor.wait("document.querySelector('[data-campaign=Renewals] .state').textContent === 'paused'", 10);
    agent.wait("document.getElementById('campaign-warning-text').textContent.includes('was paused')", 10);
    agent.fill("#disposition", "call_back_later");
    agent.click("#done");
    agent.wait("document.getElementById('call').hidden", 10);

    // The personal callback comes back to sam, on the new number.
    agent.wait("!document.getElementById('offer').hidden", 60);
    let case = agent.eval("document.getElementById('offer-case').innerText");
    assert!(
        case.as_str().unwrap().contains("+31687654321"),
        "the personal callback on the new number: {case}"
    );
    // The offer shows the contact's earlier campaign call with its disposition.
    agent.wait("document.getElementById('offer-history').textContent.includes('call_back_later')", 10);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
