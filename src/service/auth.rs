//! Bearer tokens. `callwright serve token create --role R` prints a new token once; the data
//! directory keeps only its SHA-256 hash (`tokens.jsonl`, one JSON object per line), so a copy of
//! the directory does not give access. Roles: `admin` and `supervisor` read and write every
//! callback; `agent` (with `--agent NAME`) reads and writes only the callbacks it owns.

use super::problem::Problem;
use axum::http::{HeaderMap, StatusCode};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Who a token speaks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "role")]
pub enum Role {
    Admin,
    Supervisor,
    Agent { agent: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TokenRecord {
    sha256: String,
    #[serde(flatten)]
    role: Role,
    /// Creations per second this token may make (seed 004: about 10); a bulk integration can be
    /// given more.
    #[serde(default = "default_rate")]
    rate: u32,
}

fn default_rate() -> u32 {
    DEFAULT_RATE
}

/// Creations per second a token may make unless created with another `--rate`.
pub const DEFAULT_RATE: u32 = 10;

/// The caller behind a request: its role, and the limit on its creations.
#[derive(Debug, Clone)]
pub struct Caller {
    pub role: Role,
    /// The token's hash: the key of its rate limit.
    pub key: String,
    pub rate: u32,
}

/// The tokens of a data directory.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    records: Vec<TokenRecord>,
}

fn file(dir: &Path) -> PathBuf {
    dir.join("tokens.jsonl")
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

impl Tokens {
    /// Reads `tokens.jsonl` (none yet is no token). A damaged line is an error naming its line.
    pub fn load(dir: &Path) -> Result<Tokens, String> {
        let path = file(dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Tokens::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let mut records = Vec::new();
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let record =
                serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?;
            records.push(record);
        }
        Ok(Tokens { records })
    }

    /// Makes a new token for `role`, stores its hash, and answers the token (shown once).
    pub fn create(dir: &Path, role: Role, rate: u32) -> Result<String, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut bytes = [0u8; 24];
        rand::rng().fill(&mut bytes);
        let token: String = format!("cw_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let line = serde_json::to_string(&TokenRecord { sha256: hash(&token), role, rate })
            .map_err(|e| e.to_string())?;
        let path = file(dir);
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        writeln!(f, "{line}").and_then(|_| f.sync_all()).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(token)
    }

    /// The role of the request's `Authorization: Bearer` token: 401 without a known one.
    pub fn role(&self, headers: &HeaderMap) -> Result<Role, Problem> {
        self.caller(headers).map(|c| c.role)
    }

    /// The caller of the request's `Authorization: Bearer` token: 401 without a known one.
    pub fn caller(&self, headers: &HeaderMap) -> Result<Caller, Problem> {
        let unauthorized = |detail: &str| {
            Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", "authentication required", detail)
        };
        let value = headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or_else(
            || {
                unauthorized(
                    "send `Authorization: Bearer TOKEN` (create one with `callwright serve token create`)",
                )
            },
        )?;
        let token = value
            .strip_prefix("Bearer ")
            .map(str::trim)
            .ok_or_else(|| unauthorized("the Authorization header is not `Bearer TOKEN`"))?;
        let h = hash(token);
        self.records
            .iter()
            .find(|r| r.sha256 == h)
            .map(|r| Caller { role: r.role.clone(), key: r.sha256.clone(), rate: r.rate })
            .ok_or_else(|| unauthorized("the token is not known to this server"))
    }
}

/// Per-token token buckets on creations: `rate` a second, bursts of `rate`.
#[derive(Debug, Default)]
pub struct RateLimits {
    buckets: std::sync::Mutex<std::collections::HashMap<String, (f64, std::time::Instant)>>,
}

impl RateLimits {
    /// Takes one creation from the caller's bucket, or answers 429 with the seconds to wait.
    pub fn take(&self, caller: &Caller) -> Result<(), Problem> {
        let now = std::time::Instant::now();
        let rate = f64::from(caller.rate.max(1));
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = buckets.entry(caller.key.clone()).or_insert((rate, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(rate);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            return Ok(());
        }
        let wait = ((1.0 - *tokens) / rate).ceil().max(1.0) as u64;
        let mut p = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many requests",
            format!(
                "this token may create {} callbacks a second; retry after {wait} s (or use the batch endpoint)",
                caller.rate
            ),
        );
        p.retry_after = Some(wait);
        Err(p)
    }
}
