//! A `callwright serve` child process on a free loopback port, its tokens, and raw HTTP/1.1
//! requests to it (no client library: the bytes on the wire are what a client sends).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_callwright");

pub struct Server {
    pub child: Child,
    pub addr: String,
    pub data: std::path::PathBuf,
    /// Leave the data directory when dropped (a restart reuses it).
    pub keep_data: bool,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !self.keep_data {
            let _ = std::fs::remove_dir_all(&self.data);
        }
    }
}

pub fn token(data: &std::path::Path, role: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(["serve", "token", "create", "--data-dir"])
        .arg(data)
        .args(role)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

pub fn start(data: std::path::PathBuf) -> Server {
    start_project("flows/acme", data)
}

/// `serve PROJECT` (relative to the repository) on a free port with data in `data`.
pub fn start_project(project: &str, data: std::path::PathBuf) -> Server {
    start_with(project, &[], data)
}

/// [`start_project`] with more flags (`--dialer webhook URL`, …).
pub fn start_with(project: &str, flags: &[&str], data: std::path::PathBuf) -> Server {
    start_with_env(project, flags, data, &[])
}

/// [`start_with`] with environment variables for the server (secrets of `--live-data`).
pub fn start_with_env(
    project: &str,
    flags: &[&str],
    data: std::path::PathBuf,
    env: &[(&str, &str)],
) -> Server {
    let mut child = Command::new(BIN)
        .args(["serve", project, "--listen", "127.0.0.1:0"])
        .args(flags)
        .envs(env.iter().copied())
        .arg("--data-dir")
        .arg(&data)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    stderr.read_line(&mut line).unwrap();
    // Keep reading the server's log, as a supervisor would.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("{line}"));
    Server { child, addr: addr.to_string(), data, keep_data: false }
}

/// One HTTP/1.1 request; answers (status, content type, body).
pub fn http(
    s: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String, serde_json::Value) {
    http_with(s, method, path, token, body, &[]).0
}

/// [`http`] with extra headers; also answers the response head (lower-cased).
pub fn http_with(
    s: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
    extra: &[(&str, &str)],
) -> ((u16, String, serde_json::Value), String) {
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    let mut auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    for (k, v) in extra {
        auth.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = body.unwrap_or("");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let ctype = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-type:").map(|v| v.trim().to_string()))
        .unwrap_or_default();
    (
        (status, ctype, serde_json::from_str(body).unwrap_or(serde_json::Value::Null)),
        head.to_ascii_lowercase(),
    )
}
