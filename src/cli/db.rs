//! `callwright db migrate | status --db FILE|URL`: the callback database's schema version, and
//! bringing it up to this build's. SQLite files migrate themselves when opened for writing; a
//! PostgreSQL database is migrated only when asked (here, or `--migrate` on a command), as an
//! operator running several servers expects.

use super::{Output, exit};
use callwright::callbacks::store::{self, OpenMode, PG_SCHEMA_VERSION, PgStore, SCHEMA_VERSION, SqliteStore};
use clap::{Args, Subcommand};

/// The callback database's schema: its version, and migrations.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  callwright db status  --db postgres://callwright@db.internal:5432/callbacks
  callwright db migrate --db postgres://callwright@db.internal:5432/callbacks
  callwright db status  --db callbacks.db")]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Apply the migrations the database lacks (each in its own transaction; safe to run twice,
    /// and from two servers at once).
    Migrate(DbTarget),
    /// Print the schema version, the version this build needs, and the migrations applied.
    Status(DbTarget),
}

#[derive(Args, Debug)]
pub struct DbTarget {
    /// An SQLite file or a postgres:// URL.
    #[arg(long, value_name = "FILE|URL", default_value = "callbacks.db")]
    pub db: String,
}

pub fn run(args: DbArgs, out: &mut Output) -> i32 {
    let result = match args.command {
        DbCommand::Migrate(t) => migrate(&t.db),
        DbCommand::Status(t) => status(&t.db),
    };
    match result {
        Ok(text) => {
            out.stdout(&text);
            exit::OK
        }
        Err(e) => {
            out.error(&e);
            exit::USAGE
        }
    }
}

fn migrate(db: &str) -> Result<String, String> {
    if store::is_postgres_url(db) {
        let s = PgStore::open(db, true).map_err(|e| e.to_string())?;
        let now = s.schema_version().map_err(|e| e.to_string())?;
        return Ok(format!(
            "{}: schema version {now} (this build: {PG_SCHEMA_VERSION})\n",
            store::redact(db)
        ));
    }
    let before = sqlite_version(db);
    store::open(db, OpenMode::Write).map_err(|e| e.to_string())?;
    let after = sqlite_version(db).unwrap_or(SCHEMA_VERSION);
    Ok(match before {
        Some(b) if b == after => format!("{db}: schema version {after}, nothing to do\n"),
        Some(b) => format!("{db}: schema version {b} → {after}\n"),
        None => format!("{db}: created at schema version {after}\n"),
    })
}

fn sqlite_version(db: &str) -> Option<u32> {
    SqliteStore::open_read_only(db).ok()?.schema_version().ok()
}

fn status(db: &str) -> Result<String, String> {
    if store::is_postgres_url(db) {
        // Opened without migrating: a database behind is reported, not refused.
        let s = match PgStore::open(db, false) {
            Ok(s) => s,
            Err(callwright::callbacks::store::StoreError::PgSchemaBehind { found, wanted, .. }) => {
                return Ok(format!(
                    "{}: schema version {found}, this build needs {wanted}: run `callwright db migrate --db {}`\n",
                    store::redact(db),
                    store::redact(db)
                ));
            }
            Err(e) => return Err(e.to_string()),
        };
        let mut text = format!(
            "{}: schema version {} (this build: {PG_SCHEMA_VERSION}), up to date\n",
            store::redact(db),
            s.schema_version().map_err(|e| e.to_string())?
        );
        for (v, what, at) in s.migrations().map_err(|e| e.to_string())? {
            text.push_str(&format!("  {v}  {at}  {what}\n"));
        }
        return Ok(text);
    }
    let found =
        SqliteStore::open_read_only(db).and_then(|s| s.schema_version()).map_err(|e| e.to_string())?;
    let state = match found.cmp(&SCHEMA_VERSION) {
        std::cmp::Ordering::Equal => "up to date".to_string(),
        std::cmp::Ordering::Less => {
            format!("behind: `callwright db migrate --db {db}` (or any write) migrates it")
        }
        std::cmp::Ordering::Greater => "newer than this build: upgrade callwright".to_string(),
    };
    Ok(format!("{db}: schema version {found} (this build: {SCHEMA_VERSION}), {state}\n"))
}
