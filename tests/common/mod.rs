//! A fluent builder that runs the real `callwright` binary and checks what it did, in the style of
//! casey/just's test harness.
#![allow(dead_code)]

pub mod browser;
pub mod campaign;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Set CALLWRIGHT_BLESS=1 to rewrite golden files instead of comparing with them.
pub fn blessing() -> bool {
    std::env::var_os("CALLWRIGHT_BLESS").is_some()
}

/// Compares `actual` with the golden file at `path` (or writes it when blessing).
pub fn assert_golden(path: &Path, actual: &str) {
    if blessing() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("missing golden file {}; run with CALLWRIGHT_BLESS=1", path.display()));
    if expected != actual {
        panic!(
            "golden file {} differs (run with CALLWRIGHT_BLESS=1 to accept)\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        );
    }
}

pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

#[must_use]
pub struct Test {
    args: Vec<String>,
    dir: PathBuf,
    env: Vec<(String, String)>,
    stdin: Option<String>,
    status: Option<i32>,
    stdout_contains: Vec<String>,
    stderr_contains: Vec<String>,
    stdout_exact: Option<String>,
}

impl Test {
    pub fn new() -> Self {
        Test {
            args: Vec::new(),
            dir: root(),
            env: Vec::new(),
            stdin: None,
            status: Some(0),
            stdout_contains: Vec::new(),
            stderr_contains: Vec::new(),
            stdout_exact: None,
        }
    }

    pub fn arg(mut self, a: impl Into<String>) -> Self {
        self.args.push(a.into());
        self
    }

    pub fn args<const N: usize>(mut self, a: [&str; N]) -> Self {
        self.args.extend(a.iter().map(|s| s.to_string()));
        self
    }

    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = dir.into();
        self
    }

    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn status(mut self, s: i32) -> Self {
        self.status = Some(s);
        self
    }

    pub fn any_status(mut self) -> Self {
        self.status = None;
        self
    }

    pub fn stdout_contains(mut self, s: impl Into<String>) -> Self {
        self.stdout_contains.push(s.into());
        self
    }

    pub fn stderr_contains(mut self, s: impl Into<String>) -> Self {
        self.stderr_contains.push(s.into());
        self
    }

    pub fn stdout(mut self, s: impl Into<String>) -> Self {
        self.stdout_exact = Some(s.into());
        self
    }

    /// Runs the binary and checks every expectation; returns the output for further checks.
    pub fn run(self) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_callwright"));
        cmd.args(&self.args)
            .current_dir(&self.dir)
            .env_remove("NO_COLOR")
            .env("RUST_BACKTRACE", "0")
            .stdin(if self.stdin.is_some() { Stdio::piped() } else { Stdio::null() });
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run callwright");
        let output = Output {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        let context = || {
            format!(
                "callwright {}\nstatus {}\n--- stdout\n{}\n--- stderr\n{}",
                self.args.join(" "),
                output.status,
                output.stdout,
                output.stderr
            )
        };
        if let Some(s) = self.status {
            assert_eq!(output.status, s, "unexpected exit status\n{}", context());
        }
        assert!(!output.stderr.contains("panicked"), "the binary panicked\n{}", context());
        for s in &self.stdout_contains {
            assert!(output.stdout.contains(s.as_str()), "stdout lacks {s:?}\n{}", context());
        }
        for s in &self.stderr_contains {
            assert!(output.stderr.contains(s.as_str()), "stderr lacks {s:?}\n{}", context());
        }
        if let Some(s) = &self.stdout_exact {
            assert_eq!(&output.stdout, s, "stdout differs\n{}", context());
        }
        output
    }
}
