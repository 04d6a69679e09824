//! A callback created by a flow obeys the same CB rules as one scheduled from the CLI, with the
//! same code: too far ahead (CB006), a duplicate within 48 hours (CB010) and a window shorter than
//! the queue allows (CB008) take the action's failure path, and the trace names the code.

mod common;
use common::Test;
use std::path::PathBuf;

/// A scratch project whose inbound flow creates `first` then `second` callbacks for the caller.
fn project(name: &str, first: &str, second: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("callwright-cbrules-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("center.yaml"),
        "queues:\n  Support: {}\nagents:\n  - name: alice\n    queues: [Support]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.flow"),
        format!(
            "inbound flow Main {{\n  create callback number Call.Ani queue Support {first} on failure {{ play \"first refused\" }}\n  \
             create callback number Call.Ani queue Support {second} on failure {{ play \"second refused\" }}\n  disconnect\n}}\n"
        ),
    )
    .unwrap();
    dir
}

fn run(dir: &PathBuf) -> String {
    // The call is at 2026-12-01T10:00 (the `run` default), Europe/Amsterdam.
    let out = Test::new()
        .arg("run")
        .arg(dir.to_string_lossy().to_string())
        .args(["--tz", "Europe/Amsterdam"])
        .run();
    let _ = std::fs::remove_dir_all(dir);
    out.stdout
}

#[test]
fn forty_days_ahead_is_cb006_as_from_the_cli() {
    let out = run(&project("ahead", "at 2027-01-10T10:00", "at 2026-12-02T10:00"));
    assert!(out.contains("callback refused: CB006"), "{out}");
    assert!(out.contains("first refused"), "{out}");
    assert!(!out.contains("second refused"), "a callback tomorrow is fine: {out}");
}

#[test]
fn a_second_callback_within_48_hours_is_cb010() {
    let out = run(&project("dup", "at 2026-12-02T10:00", "at 2026-12-03T09:00"));
    assert!(!out.contains("first refused"), "{out}");
    assert!(out.contains("callback refused: CB010"), "{out}");
    assert!(out.contains("second refused"), "{out}");
}

#[test]
fn a_ten_minute_window_is_cb008() {
    let out = run(&project("window", "window Now + 1d to Now + 1d10m", "at 2026-12-05T10:00"));
    assert!(out.contains("callback refused: CB008"), "{out}");
    assert!(out.contains("first refused"), "{out}");
    assert!(!out.contains("second refused"), "{out}");
}

#[test]
fn a_time_in_the_past_is_cb005() {
    let out = run(&project("past", "at 2026-11-30T10:00", "at 2026-12-05T10:00"));
    assert!(out.contains("callback refused: CB005"), "{out}");
    assert!(out.contains("first refused"), "{out}");
}

#[test]
fn the_cli_gives_the_same_codes() {
    let db = std::env::temp_dir().join(format!("callwright-cbrules-cli-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let db = db.to_string_lossy().to_string();
    let date = (chrono::Utc::now() + chrono::Duration::days(40)).format("%Y-%m-%d").to_string();
    Test::new()
        .args(["callbacks", "--db", &db, "schedule", "--number", "+31612345678", "--window", "10:00-12:00"])
        .args(["--tz", "Europe/Amsterdam", "--queue", "Support", "--date", &date])
        .status(1)
        .stderr_contains("CB006")
        .run();
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2)).format("%Y-%m-%d").to_string();
    Test::new()
        .args(["callbacks", "--db", &db, "schedule", "--number", "+31612345678", "--window", "10:00-10:10"])
        .args(["--tz", "Europe/Amsterdam", "--queue", "Support", "--date", &tomorrow])
        .status(1)
        .stderr_contains("CB008")
        .run();
    let _ = std::fs::remove_file(&db);
}

#[test]
fn a_timed_callback_in_an_in_queue_flow_waits_in_the_scheduler_and_does_not_keep_the_place() {
    let dir = std::env::temp_dir().join(format!("callwright-cbrules-inqueue-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("center.yaml"),
        "queues:\n  Support: {}\nagents:\n  - name: alice\n    queues: [Support]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.flow"),
        "inbound flow Main {\n  transfer to Support with Wait\n  disconnect\n}\n\
         inqueue flow Wait {\n  create callback at Now + 3h\n  disconnect\n}\n",
    )
    .unwrap();
    let out = Test::new()
        .arg("run")
        .arg(dir.to_string_lossy().to_string())
        .args(["--tz", "Europe/Amsterdam", "--ahead", "3", "--flow", "Main"])
        .any_status()
        .run();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!out.stdout.contains("keeping position"), "{}", out.stdout);
    assert!(out.stdout.contains("callback cb-1: scheduled for 3:00:00"), "{}", out.stdout);
}

/// Seed 002's "reschedule from the current callback": the outbound flow serving a callback books
/// the customer's next one for the same number. The callback being served is not its duplicate.
#[test]
fn an_outbound_flow_can_book_the_next_callback_for_the_number_it_serves() {
    let dir = std::env::temp_dir().join(format!("callwright-cbrules-resched-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("center.yaml"),
        "queues:\n  Support:\n    callback:\n      outbound_flow: Greet\nagents:\n  - name: alice\n    queues: [Support]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.flow"),
        "inbound flow Main {\n  create callback number Call.Ani queue Support\n  disconnect\n}\n\
         outbound flow Greet {\n  create callback number Call.Ani queue Support at Now + 2d\n    \
         on failure { play \"reschedule refused\" }\n  play \"booked your next call\"\n  connect agent\n}\n",
    )
    .unwrap();
    let out = run(&dir);
    assert!(!out.contains("reschedule refused"), "{out}");
    assert!(out.contains("booked your next call"), "{out}");
}
