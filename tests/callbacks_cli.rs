//! `callwright callbacks`: schedule, list, show, cancel and reschedule against a real SQLite file.

mod common;

use common::Test;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

const NOW: &str = "2026-12-01T09:00:00Z";

/// A database file of its own under the temp dir, removed (with its WAL files) on drop.
struct Db(PathBuf);

impl Db {
    fn new(name: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!("callwright-cb-{name}-{}-{n}.db", std::process::id()));
        let db = Db(path);
        db.remove();
        db
    }

    fn path(&self) -> String {
        self.0.display().to_string()
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }

    /// `callwright callbacks <sub> --db <this> --now NOW <rest>`.
    fn cmd(&self, sub: &str) -> Test {
        Test::new().args(["callbacks", sub, "--db"]).arg(self.path()).args(["--now", NOW])
    }

    /// A valid schedule request: 14:00-16:00 New York on 2026-12-03.
    fn schedule(&self, number: &str) -> Test {
        self.schedule_at(number, "2026-12-03", "14:00-16:00", "America/New_York")
    }

    fn schedule_at(&self, number: &str, date: &str, window: &str, tz: &str) -> Test {
        self.cmd("schedule").args([
            "--number", number, "--name", "Ann Lee", "--date", date, "--window", window, "--tz", tz,
            "--queue", "Support",
        ])
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        self.remove();
    }
}

#[test]
fn schedule_list_show_cancel_list_by_owner() {
    let db = Db::new("flow");
    db.schedule("+1 212 555 0123")
        .args(["--owner", "alice", "--reason", "billing question"])
        .stdout_contains("cb-20261201-1 scheduled")
        .stdout_contains("2026-12-03 14:00-16:00 America/New_York")
        .stdout_contains("2026-12-03 19:00-21:00 UTC")
        .run();

    // Normalised before searching: another spelling of the same number finds it.
    db.cmd("list")
        .args(["--number", "+1 (212) 555-0123"])
        .stdout_contains("cb-20261201-1")
        .stdout_contains("+12125550123")
        .stdout_contains("14:00-16:00 America/New_York")
        .stdout_contains("19:00-21:00 UTC")
        .run();
    db.cmd("list").args(["--number", "+31201234567"]).stdout_contains("no callbacks").run();

    db.cmd("show")
        .arg("cb-20261201-1")
        .stdout_contains("Ann Lee")
        .stdout_contains("alice")
        .stdout_contains("billing question")
        .stdout_contains("agent_owned")
        .stdout_contains("(created) -> SCHEDULED")
        .run();

    db.cmd("cancel").arg("cb-20261201-1").stdout_contains("cb-20261201-1 cancelled").run();
    // Already final: reported and skipped, not an error.
    db.cmd("cancel").arg("cb-20261201-1").stdout_contains("skipped: already cancelled").run();
    db.cmd("show")
        .arg("cb-20261201-1")
        .stdout_contains("SCHEDULED -> CANCELLED  (cancelled_by_agent)")
        .stdout_contains("cancelled_by_agent")
        .run();

    db.cmd("list")
        .args(["--owner", "alice"])
        .stdout_contains("cb-20261201-1")
        .stdout_contains("cancelled")
        .run();
    db.cmd("list").args(["--owner", "bob"]).stdout_contains("no callbacks").run();
    db.cmd("list").args(["--owner", "alice", "--state", "scheduled"]).stdout_contains("no callbacks").run();
}

#[test]
fn dst_gap_is_rejected_naming_the_time() {
    let db = Db::new("gap");
    db.cmd("schedule")
        .args([
            "--number",
            "+31201234567",
            "--date",
            "2027-03-28",
            "--window",
            "02:30-04:00",
            "--tz",
            "Europe/Amsterdam",
            "--queue",
            "Support",
        ])
        .status(1)
        .stderr_contains("CB004")
        .stderr_contains("02:30 on 2027-03-28")
        .stderr_contains("--window")
        .run();
}

#[test]
fn short_window_and_far_date_and_bad_number_are_rejected() {
    let db = Db::new("bad");
    db.schedule_at("+12125550123", "2026-12-03", "14:00-14:15", "America/New_York")
        .status(1)
        .stderr_contains("CB008")
        .stderr_contains("window_end (--window)")
        .run();
    db.schedule_at("+12125550123", "2027-01-01", "14:00-16:00", "America/New_York")
        .status(1)
        .stderr_contains("CB006")
        .stderr_contains("--date")
        .run();
    db.schedule("12345").status(1).stderr_contains("CB002").stderr_contains("--number").run();
    db.schedule_at("+12125550123", "2026-12-03", "2pm", "America/New_York")
        .status(1)
        .stderr_contains("CB017")
        .stderr_contains("--window")
        .run();
    // Nothing was stored.
    db.cmd("list").stdout_contains("no callbacks").run();
}

#[test]
fn duplicate_refused_then_forced() {
    let db = Db::new("dup");
    db.schedule("+12125550123").stdout_contains("cb-20261201-1").run();
    db.schedule_at("+1 212 555 0123", "2026-12-03", "15:00-17:00", "America/New_York")
        .status(1)
        .stderr_contains("CB010")
        .stderr_contains("cb-20261201-1")
        .run();
    db.schedule_at("+12125550123", "2026-12-03", "15:00-17:00", "America/New_York")
        .arg("--force")
        .stdout_contains("cb-20261201-2 scheduled")
        .run();
}

#[test]
fn idempotency_key_returns_the_existing_callback() {
    let db = Db::new("idem");
    db.schedule("+12125550123").args(["--idempotency-key", "req-7"]).stdout_contains("cb-20261201-1").run();
    db.schedule("+12125550123")
        .args(["--idempotency-key", "req-7"])
        .stdout_contains("cb-20261201-1 exists")
        .run();
    let out = db.cmd("list").run();
    assert!(!out.stdout.contains("cb-20261201-2"), "{}", out.stdout);
}

#[test]
fn reschedule_moves_the_window() {
    let db = Db::new("resched");
    db.schedule("+12125550123").run();
    db.cmd("reschedule")
        .args(["cb-20261201-1", "--date", "2026-12-04", "--window", "09:00-11:00"])
        .stdout_contains("cb-20261201-1 rescheduled")
        .stdout_contains("2026-12-04 09:00-11:00 America/New_York")
        .stdout_contains("2026-12-04 14:00-16:00 UTC")
        .run();
    db.cmd("show")
        .arg("cb-20261201-1")
        .stdout_contains("2026-12-04 09:00-11:00 America/New_York")
        .stdout_contains("SCHEDULED -> SCHEDULED  (rescheduled)")
        .run();
    // Same rules as schedule.
    db.cmd("reschedule")
        .args(["cb-20261201-1", "--date", "2026-12-04", "--window", "09:00-09:10"])
        .status(1)
        .stderr_contains("CB008")
        .run();
    db.cmd("reschedule")
        .args([
            "cb-20261201-1",
            "--date",
            "2026-12-04",
            "--window",
            "09:00-11:00",
            "--tz",
            "Europe/Amsterdam",
        ])
        .stdout_contains("2026-12-04 08:00-10:00 UTC")
        .run();
    db.cmd("cancel").arg("cb-20261201-1").run();
    db.cmd("reschedule")
        .args(["cb-20261201-1", "--date", "2026-12-05", "--window", "09:00-11:00"])
        .status(1)
        .stderr_contains("CB015")
        .run();
}

#[test]
fn owned_callback_is_frozen_near_its_time() {
    let db = Db::new("freeze");
    db.schedule("+12125550123").args(["--owner", "alice"]).run();
    // 10 minutes before 14:00 New York (19:00 UTC).
    Test::new()
        .args(["callbacks", "reschedule", "--db"])
        .arg(db.path())
        .args([
            "--now",
            "2026-12-03T18:50:00Z",
            "cb-20261201-1",
            "--date",
            "2026-12-04",
            "--window",
            "09:00-11:00",
        ])
        .status(1)
        .stderr_contains("CB014")
        .run();
}

#[test]
fn data_persists_across_invocations() {
    let db = Db::new("persist");
    db.schedule("+12125550123").run();
    db.schedule_at("+442079460000", "2026-12-03", "14:00-16:00", "Europe/London").run();
    assert!(db.0.is_file());
    db.cmd("list")
        .stdout_contains("cb-20261201-1")
        .stdout_contains("cb-20261201-2")
        .stdout_contains("2026-12-03 14:00-16:00 UTC")
        .run();
    db.cmd("show").arg("cb-20261201-2").stdout_contains("+442079460000").run();
}

#[test]
fn cancel_many_with_an_unknown_id_exits_1() {
    let db = Db::new("cancel");
    db.schedule("+12125550123").run();
    db.schedule("+442079460000").run();
    db.cmd("cancel")
        .args(["cb-20261201-1", "nope", "cb-20261201-2", "--reason", "cancelled_by_customer"])
        .status(1)
        .stdout_contains("cb-20261201-1 cancelled")
        .stdout_contains("cb-20261201-2 cancelled")
        .stderr_contains("nope")
        .run();
    db.cmd("show").arg("cb-20261201-2").stdout_contains("cancelled_by_customer").run();
    db.cmd("show").arg("nope").status(1).stderr_contains("no callback with id `nope`").run();
}

#[test]
fn json_output_and_bad_flags() {
    let db = Db::new("json");
    let out = db.schedule("+12125550123").args(["--format", "json"]).run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["callback"]["id"], "cb-20261201-1");
    assert_eq!(v["callback"]["window_utc"], "2026-12-03 19:00-21:00 UTC");
    let out = db.schedule("12345").args(["--format", "json"]).status(1).run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["errors"][0]["code"], "CB002");
    db.cmd("list").args(["--state", "bogus"]).status(1).stderr_contains("--state").run();
    Test::new()
        .args(["callbacks", "list", "--db"])
        .arg(db.path())
        .args(["--now", "yesterday"])
        .status(1)
        .stderr_contains("--now")
        .run();
    db.cmd("schedule").args(["--number", "+12125550123"]).status(2).run();
}

#[test]
fn project_queue_must_be_declared() {
    let db = Db::new("project");
    let dir = std::env::temp_dir().join(format!("callwright-cb-project-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("center.yaml"), "queues:\n  Support:\n    callback:\n      window_min: 1h\n")
        .unwrap();
    let project = dir.display().to_string();
    db.cmd("schedule")
        .args(["--number", "+12125550123", "--date", "2026-12-03", "--window", "14:00-16:00"])
        .args(["--tz", "America/New_York", "--project", &project, "--queue", "Sales"])
        .status(1)
        .stderr_contains("--queue")
        .stderr_contains("Sales")
        .run();
    // The queue's own settings apply: a 30-minute window is too short for Support.
    db.schedule_at("+12125550123", "2026-12-03", "14:00-14:30", "America/New_York")
        .args(["--project", &project])
        .status(1)
        .stderr_contains("CB008")
        .run();
    db.schedule("+12125550123").args(["--project", &project]).stdout_contains("cb-20261201-1").run();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Scheduling looks up only the callbacks of the same number (and of the same idempotency key),
/// and numbers new ids from the last stored one: the duplicate rule must still see the earlier
/// callback among others, a reschedule must still be checked against the other callbacks of its
/// number, and ids must stay unique even when another writer took the next number first.
#[test]
fn duplicates_found_by_number_and_ids_stay_unique() {
    use callwright::callbacks::store::{CallbackStore, SqliteStore};

    let db = Db::new("indexed");
    db.schedule("+12125550123").stdout_contains("cb-20261201-1 scheduled").run();
    db.schedule_at("+442079460000", "2026-12-03", "14:00-16:00", "Europe/London")
        .stdout_contains("cb-20261201-2 scheduled")
        .run();
    // Another spelling of the first number, a day later: still within 48 hours of cb-1.
    db.schedule_at("+1 (212) 555-0123", "2026-12-04", "10:00-12:00", "America/New_York")
        .status(1)
        .stderr_contains("CB010")
        .stderr_contains("cb-20261201-1")
        .run();
    // A different number is no duplicate.
    db.schedule("+13125550199").stdout_contains("cb-20261201-3 scheduled").run();

    // Another writer (a second process) stores cb-20261201-5 while the store holds three rows:
    // the command, numbering from the row count, reaches 5 next and must skip it.
    {
        let mut store = SqliteStore::open(&db.0).unwrap();
        let mut row = store.get("cb-20261201-3").unwrap().unwrap();
        let mut payload: serde_json::Value = serde_json::from_str(&row.payload_json).unwrap();
        payload["id"] = "cb-20261201-5".into();
        payload["callback_number"] = "+13125550100".into();
        row.id = "cb-20261201-5".to_string();
        row.number = "+13125550100".to_string();
        row.payload_json = payload.to_string();
        store.insert(&row).unwrap();
    }
    db.schedule("+13125550100").status(1).stderr_contains("CB010").stderr_contains("cb-20261201-5").run();
    db.schedule("+13125550100").arg("--force").stdout_contains("cb-20261201-6 scheduled").run();
    db.schedule("+13125550101").stdout_contains("cb-20261201-7 scheduled").run();

    // The idempotency key is found by its own index, whatever number the retry carries.
    db.schedule("+13125550102").args(["--idempotency-key", "req-9"]).stdout_contains("cb-20261201-8").run();
    db.schedule("+13125550109")
        .args(["--idempotency-key", "req-9"])
        .stdout_contains("cb-20261201-8 exists")
        .run();

    // Rescheduling cb-3 next to a pending callback of its own number is a duplicate; next to
    // its own old slot it is not (it is left out of its own check).
    db.schedule_at("+13125550199", "2026-12-20", "10:00-12:00", "America/Chicago")
        .stdout_contains("cb-20261201-9 scheduled")
        .run();
    db.cmd("reschedule")
        .args(["cb-20261201-3", "--date", "2026-12-20", "--window", "14:00-16:00"])
        .status(1)
        .stderr_contains("CB010")
        .stderr_contains("cb-20261201-9")
        .run();
    db.cmd("reschedule")
        .args(["cb-20261201-3", "--date", "2026-12-04", "--window", "09:00-11:00"])
        .stdout_contains("cb-20261201-3 rescheduled")
        .run();

    let out = db.cmd("list").args(["--format", "json"]).run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let mut ids: Vec<&str> = v.as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "{ids:?}");
    assert_eq!(n, 8, "{ids:?}");
}

/// Sixteen `schedule` processes for one number at once: the duplicate rule runs inside the
/// insert's write lock, so exactly one is stored and the other fifteen are refused with CB010.
#[test]
fn concurrent_schedules_for_one_number_store_exactly_one() {
    let db = Db::new("race");
    // Create the file (and its schema) first, so the racers only race on the insert.
    db.schedule("+13125550150").run();
    let children: Vec<_> = (0..16)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_callwright"))
                .args(["callbacks", "schedule", "--db", &db.path(), "--now", NOW])
                .args(["--number", "+12125550177", "--date", "2026-12-03", "--window", "14:00-16:00"])
                .args(["--tz", "America/New_York", "--queue", "Support"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn callwright")
        })
        .collect();
    let mut stored = 0;
    let mut refused = 0;
    for child in children {
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => stored += 1,
            Some(1) if stderr.contains("CB010") => refused += 1,
            other => panic!("unexpected exit {other:?}: {stderr}"),
        }
    }
    assert_eq!((stored, refused), (1, 15));
    let out = db.cmd("list").args(["--number", "+12125550177", "--format", "json"]).run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v.as_array().unwrap().len(), 1, "{}", out.stdout);
}

#[test]
fn list_flags_overdue_and_stuck_callbacks() {
    let db = Db::new("attention");
    db.schedule("+12125550123").run();
    // Before the window ends it is just scheduled; after, nothing dispatched it: overdue.
    db.cmd("list").stdout_contains("scheduled ").run();
    let later = Test::new()
        .args(["callbacks", "list", "--db"])
        .arg(db.path())
        .args(["--now", "2026-12-04T09:00:00Z", "--format", "json"])
        .run();
    let rows: serde_json::Value = serde_json::from_str(&later.stdout).unwrap();
    assert_eq!(rows[0]["attention"], "overdue");
    // A callback left queued by a dispatcher that stopped: stuck after 4 hours without a change.
    use callwright::callbacks::store::CallbackStore;
    let mut store = callwright::callbacks::store::SqliteStore::open(&db.0).unwrap();
    let id = rows[0]["id"].as_str().unwrap().to_string();
    let at = chrono::DateTime::parse_from_rfc3339("2026-12-03T19:00:00Z").unwrap().timestamp_micros();
    assert!(store.transition(&id, "SCHEDULED", "QUEUED", Some("due"), at, None).unwrap());
    drop(store);
    let stuck = |now: &str| {
        Test::new().args(["callbacks", "list", "--db"]).arg(db.path()).args(["--now", now]).run().stdout
    };
    assert!(stuck("2026-12-03T20:00:00Z").contains("queued "), "an hour later it is only queued");
    assert!(stuck("2026-12-03T23:30:00Z").contains("queued (stuck)"));
}

#[test]
fn dispatch_rejects_bad_flags_with_exit_1_and_drains_an_empty_store() {
    let db = Db::new("dispatch-flags");
    for (flag, value, says) in [
        ("--answer", "2", "--answer 2: a probability"),
        ("--deadline", "soon", "--deadline `soon`"),
        ("--speed", "0", "--speed 0"),
    ] {
        db.cmd("dispatch").args([flag, value]).status(1).stderr_contains(says).run();
    }
    db.cmd("dispatch")
        .args(["--answer", "0.9", "--busy", "0.2"])
        .status(1)
        .stderr_contains("at most 1")
        .run();
    db.cmd("dispatch").stderr_contains("drained").run();
}

/// An owner who is not an agent of the project is refused (CB018); one stored without a project
/// is not dropped in silence by `dispatch`, which says it and lets the queue take the callback.
#[test]
fn an_unknown_owner_is_refused_and_reported_by_dispatch() {
    let db = Db::new("ghost");
    db.schedule("+31612345678")
        .args(["--owner", "ghost", "--project", "flows/acme"])
        .status(1)
        .stderr_contains("CB018")
        .stderr_contains("`ghost` is not an agent of this center")
        .run();
    db.schedule("+31612345678").args(["--owner", "anna", "--project", "flows/acme"]).run();
    db.schedule("+31612345679").args(["--owner", "ghost"]).stdout_contains("scheduled").run();
    Test::new()
        .args(["callbacks", "dispatch", "--db"])
        .arg(db.path())
        .args([
            "--project",
            "flows/acme",
            "--now",
            "2026-12-03T19:00:00Z",
            "--speed",
            "600",
            "--deadline",
            "2s",
        ])
        .any_status()
        .stdout_contains("warning: callback cb-20261201-2: owner `ghost` is not an agent here")
        .run();
}

/// An "as soon as possible" callback has no date; untouched for 14 days it is ended as inactive
/// (seed 003), which `dispatch` does instead of dialling it.
#[test]
fn an_asap_callback_untouched_for_14_days_is_ended_as_inactive() {
    let db = Db::new("asap");
    db.cmd("schedule")
        .args(["--number", "+31612345678", "--queue", "Support", "--asap"])
        .stdout_contains("as soon as possible")
        .run();
    db.cmd("schedule")
        .args(["--number", "+31612345679", "--queue", "Support", "--asap", "--date", "2026-12-03"])
        .status(2)
        .run();
    Test::new()
        .args(["callbacks", "dispatch", "--db"])
        .arg(db.path())
        .args(["--now", "2026-12-16T09:00:00Z", "--speed", "600", "--deadline", "2s"])
        .stdout_contains("QUEUED → EXPIRED (inactive)")
        .run();
    db.cmd("list").args(["--state", "expired"]).stdout_contains("cb-20261201-1").run();
}

/// One damaged row is reported and skipped by `list` (exit 1) and by `dispatch`, which serves
/// the others.
#[test]
fn one_unreadable_row_does_not_stop_list_or_dispatch() {
    let db = Db::new("damaged");
    db.cmd("schedule").args(["--number", "+31612345678", "--queue", "Support", "--asap"]).run();
    db.cmd("schedule").args(["--number", "+31612345679", "--queue", "Support", "--asap"]).run();
    {
        let conn = rusqlite::Connection::open(&db.0).unwrap();
        conn.execute("UPDATE callbacks SET payload_json = '{broken' WHERE id = 'cb-20261201-1'", []).unwrap();
    }
    db.cmd("list")
        .status(1)
        .stdout_contains("cb-20261201-2")
        .stderr_contains("callback cb-20261201-1 in the store cannot be read")
        .run();
    Test::new()
        .args(["callbacks", "dispatch", "--db"])
        .arg(db.path())
        .args(["--now", NOW, "--speed", "600", "--deadline", "3s", "--answer", "1"])
        .any_status()
        .stdout_contains("cb-20261201-1 in the store cannot be read")
        .stdout_contains("cb-20261201-2 PROCESSING → COMPLETED")
        .run();
}

/// A write the dispatcher cannot make (another process holds the write lock past the busy
/// timeout) stops it with the error and a non-zero exit; nothing is lost, and a restart finishes.
#[test]
fn a_store_error_during_dispatch_stops_it_loudly() {
    let db = Db::new("locked");
    db.cmd("schedule").args(["--number", "+31612345678", "--queue", "Support", "--asap"]).run();
    let path = db.0.clone();
    let holder = std::thread::spawn(move || {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(8));
        drop(tx);
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let out = Test::new()
        .args(["callbacks", "dispatch", "--db"])
        .arg(db.path())
        .args(["--now", NOW, "--speed", "600", "--deadline", "20s", "--answer", "1"])
        .any_status()
        .run();
    holder.join().unwrap();
    assert_ne!(out.status, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("database is locked"), "{}", out.stderr);
    Test::new()
        .args(["callbacks", "dispatch", "--db"])
        .arg(db.path())
        .args(["--now", NOW, "--speed", "600", "--deadline", "5s", "--answer", "1"])
        .stderr_contains("drained")
        .run();
}

/// Another application's SQLite file is refused, untouched (no tables added, journal mode kept);
/// `list` on a missing database says so and creates nothing.
#[test]
fn a_foreign_database_is_refused_and_left_alone() {
    let db = Db::new("foreign");
    {
        let conn = rusqlite::Connection::open(&db.0).unwrap();
        conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);")
            .unwrap();
    }
    for sub in ["list", "schedule"] {
        let mut t = db.cmd(sub);
        if sub == "schedule" {
            t = t.args(["--number", "+31612345678", "--queue", "Support", "--asap"]);
        }
        t.status(2)
            .stderr_contains("is not a callwright callback database (it holds other tables: invoices)")
            .run();
    }
    let conn = rusqlite::Connection::open(&db.0).unwrap();
    let tables: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 1, "callwright added tables to another application's file");
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete", "the journal mode was changed");

    let missing = Db::new("missing");
    missing.cmd("list").status(2).stderr_contains("there is no callback database").run();
    assert!(!missing.0.exists(), "list created a database");
}

/// `dispatch --dnc`: a callback to a number on the do-not-call list ends as `do_not_call` before
/// any dial (no attempt recorded); the others are dialled; a list with a line that is not a
/// number is refused at its line.
#[test]
fn dispatch_never_dials_a_number_on_the_do_not_call_list() {
    let db = Db::new("dnc");
    db.cmd("schedule").args(["--number", "+31612345678", "--queue", "Support", "--asap"]).run();
    db.cmd("schedule").args(["--number", "+31612345679", "--queue", "Support", "--asap"]).run();
    let list = std::env::temp_dir().join(format!("callwright-dnc-{}.txt", std::process::id()));
    std::fs::write(&list, "# do not call\n+31612345678\n").unwrap();
    let list_s = list.display().to_string();
    db.cmd("dispatch")
        .args(["--dnc", &list_s, "--speed", "600", "--deadline", "1h", "--answer", "1"])
        .stdout_contains("FAILED (do_not_call)")
        .stdout_contains("COMPLETED")
        .run();
    db.cmd("show").arg("cb-20261201-1").stdout_contains("do_not_call").run();
    let shown = db.cmd("show").arg("cb-20261201-1").args(["--format", "json"]).run().stdout;
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(v["callback"]["end_reason"], "do_not_call");
    assert_eq!(v["callback"]["attempts_made"].as_u64(), Some(0), "never dialled: {shown}");
    std::fs::write(&list, "+31612345678\nnot a number\n").unwrap();
    db.cmd("dispatch").args(["--dnc", &list_s]).status(1).stderr_contains(":2:1: ").run();
}
