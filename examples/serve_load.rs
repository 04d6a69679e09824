//! Load benchmark for `callwright serve`: starts the release binary on a free loopback port with a
//! fresh data directory, then drives it over real HTTP/1.1 keep-alive connections.
//!
//! ```text
//! cargo build --release && cargo run --release --example serve_load -- [--connections 8]
//!     [--seconds 10] [--stored 100000] [--soak-seconds 0]
//! ```
//!
//! Prints: creations/s with p50/p99/max latency (single creates, each its own fsync'd commit);
//! after filling the store to `--stored` callbacks through the batch endpoint, list latency
//! (a page of 25, by number and unfiltered) and get-by-id latency; the server's peak and current
//! memory. With `--soak-seconds N`, keeps creating for N seconds and prints the server's RSS every
//! 30 s (memory must stay flat).

use hdrhistogram::Histogram;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Args {
    connections: usize,
    seconds: u64,
    stored: u64,
    soak_seconds: u64,
}

fn args() -> Args {
    let mut a = Args { connections: 8, seconds: 10, stored: 100_000, soak_seconds: 0 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value: u64 =
            it.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{flag} needs a number"));
        match flag.as_str() {
            "--connections" => a.connections = value as usize,
            "--seconds" => a.seconds = value,
            "--stored" => a.stored = value,
            "--soak-seconds" => a.soak_seconds = value,
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

/// One keep-alive connection.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    token: String,
}

impl Conn {
    fn open(addr: &str, token: &str) -> Conn {
        let s = TcpStream::connect(addr).expect("connect");
        s.set_nodelay(true).ok();
        Conn { reader: BufReader::new(s.try_clone().unwrap()), writer: s, token: token.to_string() }
    }

    /// Sends one request and reads the whole answer: (status, body).
    fn call(&mut self, method: &str, path: &str, body: &str) -> (u16, String) {
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.token,
            body.len()
        );
        self.writer.write_all(req.as_bytes()).expect("write");
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line).expect("read");
        let status = status_line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).expect("read header");
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut buf = vec![0; length];
        self.reader.read_exact(&mut buf).expect("read body");
        (status, String::from_utf8_lossy(&buf).into_owned())
    }
}

fn create_body(n: u64, day: &str) -> String {
    // Distinct numbers: the 48-hour duplicate rule is per number.
    format!(
        r#"{{"target":{{"id":"+3162{n:07}","type":"phoneNumber"}},"queueId":"Load","requestedTime":"{day}T10:00:00+00:00"}}"#
    )
}

fn memory_kb(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn start_server(data: &std::path::Path) -> (Child, String, String) {
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/callwright");
    assert!(bin.exists(), "build the server first: cargo build --release");
    let out = Command::new(&bin)
        .args(["serve", "token", "create", "--role", "admin", "--rate", "1000000", "--data-dir"])
        .arg(data)
        .output()
        .unwrap();
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let mut child = Command::new(&bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    let addr =
        line.split("http://").nth(1).and_then(|r| r.split_whitespace().next()).expect("URL line").to_string();
    (child, addr, token)
}

/// Runs `connections` threads creating callbacks until `until`; answers the merged latency
/// histogram (µs) and the count of non-201 answers.
fn create_phase(
    addr: &str,
    token: &str,
    connections: usize,
    until: Instant,
    next: &Arc<AtomicU64>,
    day: &str,
) -> (Histogram<u64>, u64) {
    let threads: Vec<_> = (0..connections)
        .map(|_| {
            let (addr, token, next, day) =
                (addr.to_string(), token.to_string(), next.clone(), day.to_string());
            std::thread::spawn(move || {
                let mut conn = Conn::open(&addr, &token);
                let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
                let mut bad = 0;
                while Instant::now() < until {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let t = Instant::now();
                    let (status, body) = conn.call("POST", "/api/v2/callbacks", &create_body(n, &day));
                    h.record(t.elapsed().as_micros() as u64).ok();
                    if status != 201 {
                        bad += 1;
                        if bad < 3 {
                            eprintln!("{status}: {body}");
                        }
                    }
                }
                (h, bad)
            })
        })
        .collect();
    let mut all = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
    let mut bad = 0;
    for t in threads {
        let (h, b) = t.join().unwrap();
        all.add(h).unwrap();
        bad += b;
    }
    (all, bad)
}

fn show(name: &str, h: &Histogram<u64>) {
    println!(
        "{name}: n={} p50={:.2} ms p99={:.2} ms max={:.2} ms",
        h.len(),
        h.value_at_quantile(0.5) as f64 / 1000.0,
        h.value_at_quantile(0.99) as f64 / 1000.0,
        h.max() as f64 / 1000.0
    );
}

fn main() {
    let a = args();
    let data = std::env::temp_dir().join(format!("callwright-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let (mut child, addr, token) = start_server(&data);
    let pid = child.id();
    let day = (chrono::Utc::now() + chrono::Duration::days(2)).format("%Y-%m-%d").to_string();
    let next = Arc::new(AtomicU64::new(0));

    // 1. Creations, one per request.
    let started = Instant::now();
    let (h, bad) =
        create_phase(&addr, &token, a.connections, started + Duration::from_secs(a.seconds), &next, &day);
    let secs = started.elapsed().as_secs_f64();
    println!(
        "creates: {} connections, {:.0} creates/s ({} in {secs:.1} s, {bad} not 201)",
        a.connections,
        h.len() as f64 / secs,
        h.len()
    );
    show("create latency", &h);

    // 2. Fill the store through the batch endpoint.
    let mut conn = Conn::open(&addr, &token);
    let fill_start = Instant::now();
    while next.load(Ordering::Relaxed) < a.stored {
        let items: Vec<String> =
            (0..100).map(|_| create_body(next.fetch_add(1, Ordering::Relaxed), &day)).collect();
        let (status, body) = conn.call(
            "POST",
            "/api/v2/callbacks/batch",
            &format!(r#"{{"callbacks":[{}]}}"#, items.join(",")),
        );
        assert_eq!(status, 200, "{body}");
    }
    let stored = next.load(Ordering::Relaxed);
    println!(
        "filled to {stored} callbacks through /batch in {:.1} s ({:.0} creates/s in batches of 100)",
        fill_start.elapsed().as_secs_f64(),
        (stored as f64 - h.len() as f64) / fill_start.elapsed().as_secs_f64()
    );

    // 3. Reads with that many stored.
    for (name, path) in [
        ("list by number", "/api/v2/callbacks?phoneNumber=%2B31620001234".to_string()),
        ("list page of 25", "/api/v2/callbacks?pageSize=25".to_string()),
        ("list queue+status", "/api/v2/callbacks?queueId=Load&status=scheduled&pageSize=25".to_string()),
        ("get by id", format!("/api/v2/callbacks/cb-{}-100", chrono::Utc::now().format("%Y%m%d"))),
    ] {
        let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
        for _ in 0..200 {
            let t = Instant::now();
            let (status, body) = conn.call("GET", &path, "");
            h.record(t.elapsed().as_micros() as u64).ok();
            assert_eq!(status, 200, "{path}: {body}");
        }
        show(&format!("{name} ({stored} stored)"), &h);
    }
    println!(
        "server memory: peak {} MB, now {} MB",
        memory_kb(pid, "VmHWM:") / 1024,
        memory_kb(pid, "VmRSS:") / 1024
    );

    // 4. Soak: memory must stay flat.
    if a.soak_seconds > 0 {
        let end = Instant::now() + Duration::from_secs(a.soak_seconds);
        while Instant::now() < end {
            let slice = (Instant::now() + Duration::from_secs(30)).min(end);
            let (h, _) = create_phase(&addr, &token, a.connections, slice, &next, &day);
            println!(
                "soak: {} stored, {:.0} creates/s, RSS {} MB",
                next.load(Ordering::Relaxed),
                h.len() as f64 / 30.0,
                memory_kb(pid, "VmRSS:") / 1024
            );
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&data);
}
