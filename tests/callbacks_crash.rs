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

fn db_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("callwright-crash-{name}-{}", std::process::id()));
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
    dispatch_with(db, now, kill_after, "0.4")
}

/// [`dispatch`] with the share of dials the customer answers.
fn dispatch_with(db: &Path, now: &str, kill_after: Option<usize>, answer: &str) -> Vec<String> {
    let mut child = Command::new(BIN)
        .args(["callbacks", "--db"])
        .arg(db)
        .args([
            "--now", now, "dispatch", "--speed", "600", "--agents", "2", "--answer", answer, "--busy", "0.2",
        ])
        .args(["--handle", "2m", "--deadline", "120s", "--seed", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    let started = Instant::now();
    // In the loop test (answer share 0.5), kills count the moments that matter: a dial, an
    // answer, a connection.
    let counts =
        |l: &str| answer != "0.5" || ["dialling", "answers", "connected"].iter().any(|w| l.contains(w));
    let mut counted = 0;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        counted += usize::from(counts(&line));
        lines.push(line);
        if kill_after.is_some_and(|k| counted >= k) {
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
    let db = db_path("twice");
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

/// Thirty-odd SIGKILLs at random moments while answered and unanswered callbacks, several due at
/// once, are being dialled: nothing acknowledged is lost, no callback is dialled past its
/// attempts, and no customer is dialled again after answering (the dialling rules of
/// docs/dialling.md).
#[test]
fn a_kill_loop_never_dials_past_the_attempts_or_after_an_answer() {
    let db = db_path("loop");
    let ids: Vec<String> = (0..12).map(|i| schedule(&db, 100 + i)).collect();
    // A fixed sequence of kill points (a seeded LCG): reproducible, spread over the work.
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let mut lines = Vec::new();
    let mut kills = 0;
    for round in 0..60 {
        let now = format!("2026-12-01T10:{:02}:00Z", round % 60);
        let out = dispatch_with(&db, &now, Some(1 + next() % 4), "0.5");
        let done = out.iter().all(|l| !l.contains("dialling")) && round > 35;
        lines.extend(out);
        kills += 1;
        if done && kills >= 30 {
            break;
        }
    }
    assert!(kills >= 30, "only {kills} kills");
    lines.extend(dispatch_with(&db, "2026-12-01T11:30:00Z", None, "0.5"));

    let store = SqliteStore::open(&db).unwrap();
    for id in &ids {
        assert!(store.get(id).unwrap().is_some(), "acknowledged callback {id} is lost");
    }
    let mut dials: HashMap<String, u32> = HashMap::new();
    let mut answered: HashMap<String, bool> = HashMap::new();
    for line in &lines {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(id) = words.get(1).map(|w| w.to_string()) else { continue };
        if words.get(2) == Some(&"dialling") {
            assert!(
                !answered.get(&id).copied().unwrap_or(false),
                "{id} was dialled again after answering:\n{line}"
            );
            *dials.entry(id).or_default() += 1;
        } else if line.contains("the customer answers") {
            answered.insert(id, true);
        }
    }
    for (id, n) in &dials {
        assert!(*n <= 3, "{id} was dialled {n} times, past its 3 attempts");
    }
    assert!(answered.values().any(|a| *a), "some customers answered");
    let state = |s: &str| State::ALL.iter().copied().find(|x| x.as_str().eq_ignore_ascii_case(s)).unwrap();
    for row in store.list(&ListFilter::default()).unwrap() {
        assert!(state(&row.state).is_final(), "{} is still {}", row.id, row.state);
    }
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

/// Two dispatchers started together on one database: one works, the other says it waits for the
/// lease; no attempt is dialled twice and every callback ends.
#[test]
fn two_dispatchers_on_one_database_never_work_the_same_callback() {
    let db = db_path("two");
    let ids: Vec<String> = (0..20).map(|i| schedule(&db, 200 + i)).collect();
    let spawn = || {
        Command::new(BIN)
            .args(["callbacks", "--db"])
            .arg(&db)
            .args(["--now", "2026-12-01T10:00:00Z", "dispatch", "--speed", "600", "--agents", "2"])
            .args(["--answer", "0.6", "--handle", "2m", "--deadline", "60s"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).to_string();
    let both = format!("{}{}", text(&a), text(&b));
    assert!(both.contains("waiting for it"), "neither dispatcher waited:\n{both}");
    let mut dials: HashMap<(String, String), usize> = HashMap::new();
    for line in both.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.get(2) == Some(&"dialling") {
            let attempt = words.last().unwrap().trim_end_matches(')').to_string();
            *dials.entry((words[1].to_string(), attempt)).or_default() += 1;
        }
    }
    assert!(!dials.is_empty());
    for ((id, attempt), n) in &dials {
        assert_eq!(*n, 1, "{id} attempt {attempt} was dialled {n} times");
    }
    let store = SqliteStore::open(&db).unwrap();
    let state = |s: &str| State::ALL.iter().copied().find(|x| x.as_str().eq_ignore_ascii_case(s)).unwrap();
    for id in &ids {
        let row = store.get(id).unwrap().expect("not lost");
        assert!(state(&row.state).is_final(), "{id} was stranded in {}", row.state);
    }
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}
