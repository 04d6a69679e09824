//! Headless Chromium driven over the DevTools protocol (a WebSocket, JSON commands): open a page,
//! run a script in it, wait for a condition, take a screenshot — and record every request the
//! page makes, so a test can prove it made none but to the server. Chromium is Debian's package
//! (`scripts/browser.sh` installs it); `CALLWRIGHT_CHROMIUM` names another binary.

use serde_json::{Value, json};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

pub struct Browser {
    child: Child,
    /// The browser's profile: fresh for each browser, removed when it is dropped.
    profile: std::path::PathBuf,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    /// The page's session (commands with it go to the page, not the browser).
    session: String,
    next_id: u64,
    /// Every URL the page requested, in order.
    pub requests: Vec<String>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The Chromium binary, or `None` when it is not installed (the caller decides whether that is
/// a failure: in CI it is).
pub fn chromium() -> Option<String> {
    let path = std::env::var("CALLWRIGHT_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    std::path::Path::new(&path).exists().then_some(path)
}

impl Browser {
    /// Starts Chromium headless at `width`×`height` on an empty page.
    pub fn start(width: u32, height: u32) -> Browser {
        let bin = chromium().expect("Chromium is not installed: run scripts/browser.sh");
        let profile = std::env::temp_dir().join(format!(
            "callwright-chromium-{}-{}",
            std::process::id(),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
        ));
        std::fs::create_dir_all(&profile).unwrap();
        let child = Command::new(bin)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                &format!("--window-size={width},{height}"),
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Chromium writes the port it listens on, and the browser's WebSocket path, to this file.
        let port_file = profile.join("DevToolsActivePort");
        let start = Instant::now();
        let text = loop {
            if let Ok(t) = std::fs::read_to_string(&port_file)
                && t.lines().count() >= 2
            {
                break t;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "Chromium did not start");
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut lines = text.lines();
        let (port, path) = (lines.next().unwrap().trim(), lines.next().unwrap().trim());
        let (socket, _) = tungstenite::connect(format!("ws://127.0.0.1:{port}{path}")).unwrap();
        let mut b =
            Browser { child, profile, socket, session: String::new(), next_id: 0, requests: Vec::new() };
        let target = b.command(None, "Target.createTarget", json!({"url": "about:blank"}));
        let target = target["targetId"].as_str().unwrap().to_string();
        let attached = b.command(None, "Target.attachToTarget", json!({"targetId": target, "flatten": true}));
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b.page("Page.enable", json!({}));
        b.page("Network.enable", json!({}));
        b.page(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700}),
        );
        b
    }

    /// Sends one command and waits for its answer, keeping the events that arrive meanwhile.
    fn command(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            message["sessionId"] = json!(s);
        }
        self.socket.send(Message::text(message.to_string())).unwrap();
        loop {
            let text = match self.socket.read().unwrap() {
                Message::Text(t) => t.to_string(),
                _ => continue,
            };
            let v: Value = serde_json::from_str(&text).unwrap();
            if v["method"] == "Network.requestWillBeSent" {
                self.requests.push(v["params"]["request"]["url"].as_str().unwrap_or_default().to_string());
            }
            if v["id"] == json!(id) {
                assert!(v["error"].is_null(), "{method}: {}", v["error"]);
                return v["result"].clone();
            }
        }
    }

    fn page(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.command(Some(&session), method, params)
    }

    /// Opens `url` and waits until its scripts have run.
    pub fn open(&mut self, url: &str) {
        self.page("Page.navigate", json!({"url": url}));
        self.wait(&format!("location.href.startsWith({url:?}) && document.readyState === 'complete'"), 15);
    }

    /// Runs `script` (an expression; a promise is awaited) and answers its value.
    pub fn eval(&mut self, script: &str) -> Value {
        let r = self.page(
            "Runtime.evaluate",
            json!({"expression": script, "awaitPromise": true, "returnByValue": true, "userGesture": true}),
        );
        assert!(r["exceptionDetails"].is_null(), "{script}: {}", r["exceptionDetails"]);
        r["result"]["value"].clone()
    }

    /// Waits until `condition` (a JavaScript expression) is true, at most `secs`.
    pub fn wait(&mut self, condition: &str, secs: u64) {
        let start = Instant::now();
        loop {
            let r = self.page(
                "Runtime.evaluate",
                json!({"expression": format!("!!({condition})"), "returnByValue": true}),
            );
            if r["result"]["value"] == json!(true) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "never true: {condition}\npage text: {}",
                self.eval("document.body ? document.body.innerText : ''")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sets an input's value as a person typing would (the `input` and `change` events fire).
    pub fn fill(&mut self, selector: &str, value: &str) {
        self.eval(&format!(
            "(() => {{ const e = document.querySelector({selector:?}); e.focus(); e.value = {value:?}; \
             e.dispatchEvent(new Event('input', {{bubbles: true}})); \
             e.dispatchEvent(new Event('change', {{bubbles: true}})); return true; }})()"
        ));
    }

    pub fn click(&mut self, selector: &str) {
        self.wait(&format!("document.querySelector({selector:?})"), 10);
        self.eval(&format!("document.querySelector({selector:?}).click(), true"));
    }

    /// Presses a key as a person does (`Tab`, `Enter`, `Escape`, a letter): the page's focus
    /// and its key handlers see a real key.
    pub fn press(&mut self, key: &str) {
        let (code, vk, text) = match key {
            "Tab" => ("Tab", 9, ""),
            "Enter" => ("Enter", 13, "\r"),
            "Escape" => ("Escape", 27, ""),
            k => (k, k.chars().next().map_or(0, |c| c.to_ascii_uppercase() as u32), k),
        };
        let mut down = json!({"type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": vk});
        if !text.is_empty() {
            down["text"] = json!(text);
        }
        self.page("Input.dispatchKeyEvent", down);
        self.page(
            "Input.dispatchKeyEvent",
            json!({"type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": vk}),
        );
    }

    /// The page as a PNG file.
    pub fn screenshot(&mut self, path: &std::path::Path) {
        let shot = self.page("Page.captureScreenshot", json!({"format": "png"}));
        let data = shot["data"].as_str().unwrap();
        std::fs::write(path, base64_decode(data)).unwrap();
    }
}

/// Standard base64 (the screenshot's encoding), without a crate for one call.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = text.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, c)| n | (u32::from(value(*c)) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}
