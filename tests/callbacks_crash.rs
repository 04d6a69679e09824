//! Crash safety of the real dispatcher: `callbacks dispatch` is killed with SIGKILL in the middle
//! of its work, twice, and started again. Afterwards no acknowledged callback is lost, every
//! callback has ended through legal transitions only, and no dial attempt was placed twice.

use callwright::callbacks::State;
use callwright::callbacks::store::{CallbackStore, ListFilter, SqliteStore};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_callwright");
const CALLBACKS: usize = 30;

fn db_path() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("callwright-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("callbacks.db")
}

fn schedule(db: &Path, i: usize) -> String {
    let out = Command::new(BIN)
        .args(["callbacks", "--db"])
        .arg(db)
        .args(["--now", "2026-12-01T09:00:00Z", "schedule", "--number"])
        .arg(format!("+316123{:05}", i))
        .args([
            "--date",
            "2026-12-01",
            "--window",
            "11:00-15:00",
            "--tz",
            "Europe/Amsterdam",
            "--queue",
            "Support",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "schedule {i}: {}", String::from_utf8_lossy(&out.stderr));
    // An acknowledged callback: its id is printed only after the commit.
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap().to_string()
}

/// Runs the dispatcher; with `kill_after` lines of output it is killed with SIGKILL there.
fn dispatch(db: &Path, now: &str, kill_after: Option<usize>) -> Vec<String> {
    let mut child = Command::new(BIN)
        .args(["callbacks", "--db"])
        .arg(db)
        .args([
            "--now", now, "dispatch", "--speed", "600", "--agents", "2", "--answer", "0.4", "--busy", "0.2",
        ])
        .args(["--handle", "2m", "--deadline", "120s", "--seed", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    let started = Instant::now();
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        lines.push(line);
        if kill_after.is_some_and(|k| lines.len() >= k) {
            child.kill().unwrap(); // SIGKILL: no cleanup, no flush, mid-transaction at worst
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(150), "the dispatcher did not finish");
    }
    let _ = child.wait();
    lines
}

#[test]
fn killed_mid_work_the_dispatcher_loses_nothing_and_never_dials_an_attempt_twice() {
    let db = db_path();
    let ids: Vec<String> = (0..CALLBACKS).map(|i| schedule(&db, i)).collect();
    let mut lines = dispatch(&db, "2026-12-01T09:59:00Z", Some(40));
    assert!(lines.len() >= 40, "the first run did some work before the kill");
    lines.extend(dispatch(&db, "2026-12-01T10:10:00Z", Some(90)));
    lines.extend(dispatch(&db, "2026-12-01T10:30:00Z", None));

    let store = SqliteStore::open(&db).unwrap();
    let rows = store.list(&ListFilter::default()).unwrap();
    for id in &ids {
        assert!(rows.iter().any(|r| &r.id == id), "acknowledged callback {id} is lost");
    }
    let state = |s: &str| State::ALL.iter().copied().find(|x| x.as_str().eq_ignore_ascii_case(s)).unwrap();
    for row in &rows {
        assert!(state(&row.state).is_final(), "{} is still {}", row.id, row.state);
        let history = store.history(&row.id).unwrap();
        let mut current = None;
        for t in &history {
            let to = state(&t.to_state);
            match (current, t.from_state.as_deref().map(state)) {
                (None, None) => {}
                (Some(cur), Some(from)) => {
                    assert_eq!(cur, from, "{}: a transition starts from a state it was not in", row.id);
                    assert!(callwright::callbacks::can_move(from, to), "{}: illegal {from} → {to}", row.id);
                }
                other => panic!("{}: history out of order: {other:?}", row.id),
            }
            current = Some(to);
        }
    }
    // Every dial placed, across the three runs, by (callback, attempt): at most once each.
    let mut dials: HashMap<(String, String), usize> = HashMap::new();
    for line in &lines {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.get(2) == Some(&"dialling") {
            let attempt = words.last().unwrap().trim_end_matches(')').to_string();
            *dials.entry((words[1].to_string(), attempt)).or_default() += 1;
        }
    }
    assert!(!dials.is_empty(), "dials were placed");
    for ((id, attempt), n) in &dials {
        assert_eq!(*n, 1, "{id} attempt {attempt} was dialled {n} times");
    }
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}
