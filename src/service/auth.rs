//! Bearer tokens. `callwright serve token create --role R` prints a new token once; the data
//! directory keeps only its SHA-256 hash (`tokens.jsonl`, one JSON object per line), so a copy of
//! the directory does not give access. Roles: `admin` and `supervisor` read and write every
//! callback; `agent` (with `--agent NAME`) reads and writes only the callbacks it owns. Scopes
//! (seed 004: `callback:read`, `callback:write`, `task:manage`) narrow what a token may do; a
//! token has all three unless created with `--scope`. No token: 401; a token without the scope
//! or the role for the request: 403.

use super::problem::Problem;
use crate::callbacks::store::{AnyStore, Bucket};
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
    /// What the token may do; absent (older files): every scope.
    #[serde(default = "all_scopes")]
    scopes: Vec<Scope>,
}

/// What a request needs (seed 004's scopes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Read callbacks, slots, availability, reports, events.
    #[serde(rename = "callback:read")]
    Read,
    /// Create, edit, cancel callbacks.
    #[serde(rename = "callback:write")]
    Write,
    /// Agent work: presence, offers, dial results, dispositions.
    #[serde(rename = "task:manage")]
    Task,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Task];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "callback:read",
            Scope::Write => "callback:write",
            Scope::Task => "task:manage",
        }
    }

    pub fn parse(text: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

fn all_scopes() -> Vec<Scope> {
    Scope::ALL.to_vec()
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

impl Caller {
    /// Supervisors and admins: every callback, every agent.
    pub fn is_supervisor(&self) -> bool {
        !matches!(self.role, Role::Agent { .. })
    }
}

/// The tokens of a data directory. A token created while the server runs is picked up at its
/// first use (the file is read again when an unknown token is shown and the file has changed).
#[derive(Debug, Default)]
pub struct Tokens {
    records: std::sync::RwLock<Vec<TokenRecord>>,
    /// `tokens.jsonl`, and its modification time when last read.
    path: PathBuf,
    read_at: std::sync::Mutex<Option<std::time::SystemTime>>,
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
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        let records = read(&path)?;
        Ok(Tokens {
            records: std::sync::RwLock::new(records),
            path,
            read_at: std::sync::Mutex::new(modified),
        })
    }

    /// Reads the file again if it changed since it was last read; a damaged file keeps the
    /// tokens already known.
    fn refresh(&self) {
        let modified = std::fs::metadata(&self.path).and_then(|m| m.modified()).ok();
        let mut read_at = self.read_at.lock().unwrap_or_else(|e| e.into_inner());
        if modified.is_none() || modified == *read_at {
            return;
        }
        match read(&self.path) {
            Ok(records) => {
                *self.records.write().unwrap_or_else(|e| e.into_inner()) = records;
                *read_at = modified;
            }
            Err(e) => tracing::warn!("cannot read the new tokens: {e}"),
        }
    }

    fn find(&self, sha256: &str) -> Option<TokenRecord> {
        self.records.read().unwrap_or_else(|e| e.into_inner()).iter().find(|r| r.sha256 == sha256).cloned()
    }

    /// Makes a new token for `role`, stores its hash, and answers the token (shown once).
    pub fn create(dir: &Path, role: Role, rate: u32, scopes: Vec<Scope>) -> Result<String, String> {
        let scopes = if scopes.is_empty() { all_scopes() } else { scopes };
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut bytes = [0u8; 24];
        rand::rng().fill(&mut bytes);
        let token: String = format!("cw_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let line = serde_json::to_string(&TokenRecord { sha256: hash(&token), role, rate, scopes })
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

    /// [`Tokens::caller`] for the event stream, which also takes the token from the
    /// `callwright_token` cookie the pages set: a browser's `EventSource` cannot send an
    /// Authorization header. Only this read-only stream takes the cookie, so a page on another
    /// site cannot make a signed-in browser change anything.
    pub fn stream_caller(&self, headers: &HeaderMap, scope: Scope) -> Result<Caller, Problem> {
        if headers.contains_key(axum::http::header::AUTHORIZATION) {
            return self.caller(headers, scope);
        }
        let cookie = headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| pair.trim().strip_prefix("callwright_token="));
        let mut with = HeaderMap::new();
        if let Some(value) = cookie.and_then(|t| format!("Bearer {t}").parse().ok()) {
            with.insert(axum::http::header::AUTHORIZATION, value);
        }
        self.caller(&with, scope)
    }

    /// The caller of the request's `Authorization: Bearer` token: 401 without a known one, 403
    /// when the token lacks `scope`.
    pub fn caller(&self, headers: &HeaderMap, scope: Scope) -> Result<Caller, Problem> {
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
        let record = match self.find(&h) {
            Some(r) => r,
            None => {
                self.refresh();
                self.find(&h).ok_or_else(|| unauthorized("the token is not known to this server"))?
            }
        };
        if !record.scopes.contains(&scope) {
            return Err(Problem::forbidden(&format!(
                "this token does not have the `{}` scope this request needs",
                scope.as_str()
            )));
        }
        Ok(Caller { role: record.role.clone(), key: record.sha256.clone(), rate: record.rate })
    }
}

/// The token records of `path` (none when it does not exist). A damaged line is an error naming
/// its line.
fn read(path: &Path) -> Result<Vec<TokenRecord>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let mut records = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        records.push(serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?);
    }
    Ok(records)
}

/// Per-token token buckets on creations: `rate` a second, bursts of `rate`. Counted in the
/// database when the store keeps buckets (PostgreSQL: every server spends from one bucket), in
/// this process's memory otherwise.
#[derive(Debug, Default)]
pub struct RateLimits {
    buckets: std::sync::Mutex<std::collections::HashMap<String, (f64, std::time::Instant)>>,
}

impl RateLimits {
    /// Takes one creation from the caller's bucket, or answers 429 with the seconds to wait.
    pub fn take(&self, caller: &Caller, store: &std::sync::Mutex<AnyStore>) -> Result<(), Problem> {
        let shared = store
            .lock()
            .map_err(|_| Problem::internal("the store lock was poisoned"))?
            .take_rate(&caller.key, caller.rate)
            .map_err(|e| Problem::internal(e.to_string()))?;
        let wait = match shared {
            Bucket::Taken => return Ok(()),
            Bucket::Wait(seconds) => seconds,
            Bucket::Local => match self.take_here(caller) {
                None => return Ok(()),
                Some(seconds) => seconds,
            },
        };
        let wait = wait.ceil().max(1.0) as u64;
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

    /// This process's bucket: `None` when a token was taken, else the seconds to wait.
    fn take_here(&self, caller: &Caller) -> Option<f64> {
        let now = std::time::Instant::now();
        let rate = f64::from(caller.rate.max(1));
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = buckets.entry(caller.key.clone()).or_insert((rate, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(rate);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            return None;
        }
        Some((1.0 - *tokens) / rate)
    }
}

/// Who a token speaks for.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// `admin`, `supervisor` or `agent`.
    pub role: String,
    /// The agent of an agent's token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
}

/// `GET /api/v2/me`: the role (and agent) of the token — what a page needs to know whose desk to
/// show.
#[utoipa::path(get, path = "/api/v2/me", tag = "agents",
    responses((status = 200, body = Me), (status = 401)),
    security(("bearer" = [])))]
pub async fn me(
    axum::extract::State(state): axum::extract::State<std::sync::Arc<super::ServiceState>>,
    headers: HeaderMap,
) -> Result<axum::Json<Me>, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Read)?;
    let (role, agent) = match caller.role {
        Role::Admin => ("admin", None),
        Role::Supervisor => ("supervisor", None),
        Role::Agent { agent } => ("agent", Some(agent)),
    };
    Ok(axum::Json(Me { role: role.into(), agent }))
}
