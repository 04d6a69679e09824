//! Kill -9 loop on PostgreSQL: two API servers take creations while four dispatcher processes
//! serve them, and one dispatcher at a time is killed with SIGKILL (and replaced) until `--kills`
//! kills; then the survivors drain the database. Checks: every callback acknowledged with 201 is
//! stored (0 lost), every dial the dispatchers made (their `dialling … (attempt n)` lines) is a
//! distinct (callback, attempt) (0 dialled twice for the same attempt), and each callback ends.
//!
//! ```sh
//! cargo build --release
//! CALLWRIGHT_TEST_PG=postgres://postgres@127.0.0.1:5432/test \
//!   cargo run --release --example pg_chaos -- --kills 30
//! ```
//! `CALLWRIGHT_BIN` names the binary (default `target/release/callwright`).

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn main() {
    let mut kills = 30usize;
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--kills") {
        kills = args.get(i + 1).and_then(|v| v.parse().ok()).expect("--kills N");
    }
    let base = std::env::var("CALLWRIGHT_TEST_PG").expect("set CALLWRIGHT_TEST_PG to a PostgreSQL URL");
    let bin = std::env::var("CALLWRIGHT_BIN").unwrap_or_else(|_| "target/release/callwright".into());
    let schema = format!("cw_chaos_{}", std::process::id());
    let mut admin = postgres::Client::connect(&base, postgres::NoTls).expect("connect");
    admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).unwrap();
    let url = callwright::callbacks::store::in_schema(&base, &schema);
    run(&bin, &["db", "migrate", "--db", &url]);
    let work = std::env::temp_dir().join(&schema);
    std::fs::create_dir_all(&work).unwrap();

    // Two API servers without a project (no dispatcher of their own: the four below dispatch).
    let mut servers = Vec::new();
    for name in ["a", "b"] {
        let dir = work.join(name);
        let out = Command::new(&bin)
            .args(["serve", "token", "create", "--role", "admin", "--rate", "100000", "--data-dir"])
            .arg(&dir)
            .output()
            .unwrap();
        let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let mut child = Command::new(&bin)
            .args(["serve", "--listen", "127.0.0.1:0", "--db", &url, "--data-dir"])
            .arg(&dir)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        err.read_line(&mut line).unwrap();
        std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
        let addr =
            line.split("http://").nth(1).and_then(|r| r.split_whitespace().next()).unwrap().to_string();
        servers.push((child, addr, token));
    }

    let dispatcher = |n: usize| -> Child {
        let log = std::fs::File::create(work.join(format!("dispatcher-{n}.log"))).unwrap();
        Command::new(&bin)
            .args([
                "callbacks",
                "--db",
                &url,
                "dispatch",
                "--agents",
                "20",
                "--speed",
                "1000",
                "--answer",
                "0.6",
            ])
            .args(["--busy", "0.2", "--seed", &n.to_string(), "--deadline", "30m"])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap()
    };
    let mut started = 0;
    let mut running: Vec<Child> = (0..4)
        .map(|_| {
            started += 1;
            dispatcher(started)
        })
        .collect();

    // Creators: one thread per server, numbers never repeated.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let creators: Vec<_> = servers
        .iter()
        .enumerate()
        .map(|(s, (_, addr, token))| {
            let (addr, token, stop, acknowledged) =
                (addr.clone(), token.clone(), stop.clone(), acknowledged.clone());
            std::thread::spawn(move || {
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let body = format!(
                        r#"{{"target":{{"id":"+3161{s}{:06}","type":"phoneNumber"}},"queueId":"Support"}}"#,
                        i
                    );
                    i += 1;
                    if let Some((201, id)) = post(&addr, &token, &body) {
                        acknowledged.lock().unwrap().push(id);
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
        })
        .collect();

    let t0 = Instant::now();
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    for k in 0..kills {
        std::thread::sleep(Duration::from_millis(700));
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let victim = (rng % running.len() as u64) as usize;
        let mut child = running.swap_remove(victim);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        started += 1;
        running.push(dispatcher(started));
        if (k + 1) % 10 == 0 {
            eprintln!("{} kills, {} acknowledged", k + 1, acknowledged.lock().unwrap().len());
        }
    }
    stop.store(true, Ordering::Relaxed);
    for c in creators {
        let _ = c.join();
    }
    let chaos = t0.elapsed();
    // Drain: the survivors (and the claims of the killed, once their heartbeats run out).
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let drain = Instant::now();
    loop {
        let pending: i64 = c
            .query_one(
                "SELECT count(*) FROM callbacks WHERE state IN ('SCHEDULED','QUEUED','ROUTING','PROCESSING')",
                &[],
            )
            .unwrap()
            .get(0);
        if pending == 0 || drain.elapsed() > Duration::from_secs(600) {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    for mut d in running {
        let _ = d.kill();
        let _ = d.wait();
    }
    for (mut s, _, _) in servers {
        let _ = s.kill();
        let _ = s.wait();
    }

    let acknowledged = acknowledged.lock().unwrap().clone();
    let stored: HashSet<String> =
        c.query("SELECT id FROM callbacks", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    let lost = acknowledged.iter().filter(|id| !stored.contains(*id)).count();
    let mut dials: HashMap<(String, u32), usize> = HashMap::new();
    for n in 1..=started {
        let text = std::fs::read_to_string(work.join(format!("dispatcher-{n}.log"))).unwrap_or_default();
        for line in text.lines() {
            // `2026-…Z cb-… dialling +31… (attempt 2)`
            let Some(rest) = line.split_once(" dialling ") else { continue };
            let id = rest.0.split_whitespace().nth(1).unwrap_or_default().to_string();
            let attempt = rest.1.split("(attempt ").nth(1).and_then(|t| t.trim_end_matches(')').parse().ok());
            if let Some(a) = attempt {
                *dials.entry((id, a)).or_default() += 1;
            }
        }
    }
    let twice = dials.values().filter(|n| **n > 1).count();
    let pending: i64 = c
        .query_one(
            "SELECT count(*) FROM callbacks WHERE state IN ('SCHEDULED','QUEUED','ROUTING','PROCESSING')",
            &[],
        )
        .unwrap()
        .get(0);
    let attempts: i64 = c.query_one("SELECT count(*) FROM attempts", &[]).unwrap().get(0);
    println!(
        "kills {kills} in {:.1}s; dispatchers started {started}; acknowledged {}; stored {}; lost {lost}; \
         dials {} (attempts table {attempts}); dialled twice for the same attempt {twice}; pending after drain {pending} \
         (drained in {:.1}s)",
        chaos.as_secs_f64(),
        acknowledged.len(),
        stored.len(),
        dials.values().sum::<usize>(),
        drain.elapsed().as_secs_f64()
    );
    admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).unwrap();
    let _ = std::fs::remove_dir_all(&work);
    if lost > 0 || twice > 0 || pending > 0 {
        std::process::exit(1);
    }
}

fn run(bin: &str, args: &[&str]) {
    let out = Command::new(bin).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// POST and the status with the answer's `id`; `None` when the server did not answer.
fn post(addr: &str, token: &str, body: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    let req = format!(
        "POST /api/v2/callbacks HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).ok()?;
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    Some((status, v["id"].as_str().unwrap_or_default().to_string()))
}
