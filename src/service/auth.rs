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
    pub fn create(dir: &Path, role: Role) -> Result<String, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut bytes = [0u8; 24];
        rand::rng().fill(&mut bytes);
        let token: String = format!("cw_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let line =
            serde_json::to_string(&TokenRecord { sha256: hash(&token), role }).map_err(|e| e.to_string())?;
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
            .map(|r| r.role.clone())
            .ok_or_else(|| unauthorized("the token is not known to this server"))
    }
}
