//! `callwright serve` killed with SIGKILL in the middle of a create load, three times, and started
//! again on the same data directory: every callback answered 201 is stored, and no callback was
//! dialled past its attempts or again after its customer answered (counted from the attempts
//! table, which the in-process dispatcher writes before each dial).

mod common;

use callwright::callbacks::store::{CallbackStore, SqliteStore};
use common::server::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Creates callbacks over one keep-alive connection until the server goes away or `stop` is set;
/// records the id of every 201.
fn load(
    addr: String,
    token: String,
    next: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<String>>>,
) {
    let Ok(stream) = TcpStream::connect(&addr) else { return };
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    while !stop.load(Ordering::Relaxed) {
        let n = next.fetch_add(1, Ordering::Relaxed);
        // Half due at once (the dispatcher dials them while the load runs), half tomorrow.
        let body = if n.is_multiple_of(2) {
            format!(r#"{{"target":{{"id":"+316200{n:05}","type":"phoneNumber"}},"queueId":"Support"}}"#)
        } else {
            let day = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%d");
            format!(
                r#"{{"target":{{"id":"+316200{n:05}","type":"phoneNumber"}},"queueId":"Support","requestedTime":"{day}T10:00:00+01:00"}}"#
            )
        };
        let req = format!(
            "POST /api/v2/callbacks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if writer.write_all(req.as_bytes()).is_err() {
            return;
        }
        let mut status = String::new();
        if reader.read_line(&mut status).unwrap_or(0) == 0 {
            return; // killed mid-request: not acknowledged
        }
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut buf = vec![0; length];
        if reader.read_exact(&mut buf).is_err() {
            return;
        }
        if status.split_whitespace().nth(1) == Some("201") {
            let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
            acked.lock().unwrap().push(v["id"].as_str().unwrap().to_string());
        }
    }
}

#[test]
fn killed_during_a_create_load_the_server_loses_no_acknowledged_callback() {
    let data = std::env::temp_dir().join(format!("callwright-serve-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin", "--rate", "100000"]);
    let next = Arc::new(AtomicU64::new(0));
    let acked = Arc::new(Mutex::new(Vec::new()));
    for round in 0..3 {
        let mut s = start_project("flows/acme", data.clone());
        s.keep_data = true;
        let stop = Arc::new(AtomicBool::new(false));
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let (addr, token, next, stop, acked) =
                    (s.addr.clone(), admin.clone(), next.clone(), stop.clone(), acked.clone());
                std::thread::spawn(move || load(addr, token, next, stop, acked))
            })
            .collect();
        // Let creations and dials run, then kill without warning, mid-load.
        std::thread::sleep(Duration::from_millis(700 + 300 * round));
        s.child.kill().unwrap();
        s.child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for w in workers {
            w.join().unwrap();
        }
    }
    // A last start: its dispatcher takes over once the killed one's lease has expired, and dials
    // what is due.
    let acked = acked.lock().unwrap().clone();
    let mut s = start_project("flows/acme", data.clone());
    s.keep_data = true;
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(90) {
        let store = SqliteStore::open_read_only(data.join("callbacks.db")).unwrap();
        if acked.iter().any(|id| !store.attempts(id).unwrap().is_empty()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    std::thread::sleep(Duration::from_secs(1));
    drop(s);

    assert!(acked.len() > 50, "the load made only {} callbacks", acked.len());
    let store = SqliteStore::open(data.join("callbacks.db")).unwrap();
    let mut dialled = 0;
    for id in &acked {
        let row = store.get(id).unwrap();
        assert!(row.is_some(), "callback {id} was acknowledged with 201 and is lost");
        let attempts = store.attempts(id).unwrap();
        dialled += attempts.len();
        assert!(attempts.len() <= 3, "{id} was dialled {} times, past its 3 attempts", attempts.len());
        if let Some(i) = attempts.iter().position(|(_, r)| r.as_deref() == Some("answered")) {
            assert_eq!(
                i + 1,
                attempts.len(),
                "{id} was dialled again after its customer answered: {attempts:?}"
            );
        }
    }
    assert!(dialled > 0, "the dispatcher dialled nothing");
    let _ = std::fs::remove_dir_all(&data);
}
