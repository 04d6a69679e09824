//! [`SqliteStore`]: the service's durable store, embedded SQLite (bundled).
//!
//! Durability choices:
//!
//! - `journal_mode=WAL`: readers never block the writer and a commit is one sequential append to
//!   the write-ahead log; the WAL setting is persistent in the database file.
//! - `synchronous=FULL`: the WAL is fsynced at every commit. WAL with `NORMAL` already survives a
//!   process crash (`kill -9`), but can lose the last commits on power loss or an OS crash; with
//!   `FULL` a call that returned `Ok` (an acknowledged insert, transition or attempt claim) is on
//!   disk. One fsync per commit caps one-at-a-time creation at what the disk allows (0.3–4 ms an
//!   fsync on the shared development machine: a few hundred to a few thousand per second), so
//!   [`CallbackStore::insert_batch`] lets many creations share one transaction and one fsync,
//!   each acknowledged only after that commit (`examples/store_bench.rs` measures both).
//! - Every lookup the command line makes when scheduling (by id, by number, by idempotency key,
//!   the next sequence number) is an index search, never a table scan; a test checks the plans.
//! - `foreign_keys=ON`: a transition or attempt cannot name a callback that does not exist.
//! - `busy_timeout` of [`BUSY_TIMEOUT`]: another connection holding the write lock makes us wait,
//!   not fail at once.
//! - Every mutating call is one `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so
//!   the compare-and-set reads and the writes it guards cannot interleave with another writer.
//!
//! The schema version is kept in `PRAGMA user_version` and [`migrate`] brings a database up to
//! [`SCHEMA_VERSION`], one transaction per step.

use super::{
    AttemptRecord, CallbackStore, Decide, InsertOutcome, ListFilter, SCHEDULED, Step, StoreError,
    StoredCallback, Transition, attempt_of, check_attempt, check_update,
};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The schema version this build writes ([`migrate`] brings older databases up to it).
mod contacts;

pub const SCHEMA_VERSION: u32 = 5;

/// How long a call waits for another connection's write lock before failing with "busy".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Migration steps: `MIGRATIONS[i]` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 0 → 1: callbacks, transitions (append-only), attempts.
    r#"
    CREATE TABLE callbacks (
        id              TEXT    NOT NULL PRIMARY KEY,
        number          TEXT    NOT NULL,
        queue           TEXT    NOT NULL,
        owner           TEXT,
        state           TEXT    NOT NULL,
        due_at_utc      INTEGER NOT NULL,
        payload_json    TEXT    NOT NULL,
        attempts_made   INTEGER NOT NULL CHECK (attempts_made >= 0),
        idempotency_key TEXT,
        updated_at      INTEGER NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX callbacks_idempotency_key ON callbacks (idempotency_key)
        WHERE idempotency_key IS NOT NULL;
    CREATE INDEX callbacks_state_due ON callbacks (state, due_at_utc, id);
    CREATE INDEX callbacks_number ON callbacks (number);

    CREATE TABLE transitions (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        callback_id TEXT    NOT NULL REFERENCES callbacks (id),
        from_state  TEXT,
        to_state    TEXT    NOT NULL,
        reason      TEXT,
        at          INTEGER NOT NULL,
        attempt     INTEGER CHECK (attempt IS NULL OR attempt >= 1)
    ) STRICT;
    CREATE INDEX transitions_callback ON transitions (callback_id, seq);
    CREATE TRIGGER transitions_no_update BEFORE UPDATE ON transitions
        BEGIN SELECT RAISE(ABORT, 'transitions are append-only'); END;
    CREATE TRIGGER transitions_no_delete BEFORE DELETE ON transitions
        BEGIN SELECT RAISE(ABORT, 'transitions are append-only'); END;

    CREATE TABLE attempts (
        callback_id TEXT    NOT NULL REFERENCES callbacks (id),
        attempt     INTEGER NOT NULL CHECK (attempt >= 1),
        started_at  INTEGER NOT NULL,
        PRIMARY KEY (callback_id, attempt)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 1 → 2: the result of each dial, written as soon as it is known, so a dispatcher started
    // after a crash never dials a customer who answered.
    r#"
    ALTER TABLE attempts ADD COLUMN result TEXT;
    "#,
    // 2 → 3: the dispatcher lease: one dispatcher works a database at a time; the others wait.
    r#"
    CREATE TABLE dispatcher_lease (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        holder     TEXT    NOT NULL,
        expires_at INTEGER NOT NULL
    ) STRICT;
    "#,
    // 3 → 4: the places taken in a queue's booking slot are counted at every scheduled create
    // (queue, due range, not cancelled: answered from the index alone), and the service counts a
    // queue's callbacks by state for every list page.
    r#"
    CREATE INDEX callbacks_queue_due ON callbacks (queue, due_at_utc, state);
    CREATE INDEX callbacks_queue_state ON callbacks (queue, state);
    "#,
    // 4 → 5: contacts (the customer behind callbacks, with several numbers); a contact's history
    // is the callbacks of its numbers, found through `contact_numbers`.
    r#"
    CREATE TABLE contacts (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        name         TEXT    NOT NULL,
        payload_json TEXT    NOT NULL,
        updated_at   INTEGER NOT NULL
    );
    CREATE INDEX contacts_name ON contacts (name);
    CREATE TABLE contact_numbers (
        contact_id INTEGER NOT NULL REFERENCES contacts (id),
        number     TEXT    NOT NULL,
        PRIMARY KEY (contact_id, number)
    );
    CREATE INDEX contact_numbers_number ON contact_numbers (number);
    "#,
];

/// The conditions of a [`ListFilter`] that are set, and their values: only those, so SQLite can use
/// the index that fits (state, queue, number) — the `?1 IS NULL OR …` form of [`FILTER`] makes it
/// scan. A handful of statement texts, each cached.
fn filter_sql(filter: &ListFilter) -> (Vec<&'static str>, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value;
    let mut conditions = vec!["1"];
    let mut values = Vec::new();
    let text = |v: &String| Value::Text(v.clone());
    for (set, condition) in [
        (filter.state.as_ref().map(text), "state = ?"),
        (filter.queue.as_ref().map(text), "queue = ?"),
        (filter.owner.as_ref().map(text), "owner = ?"),
        (filter.due_before.map(Value::Integer), "due_at_utc < ?"),
        (filter.due_from.map(Value::Integer), "due_at_utc >= ?"),
    ] {
        if let Some(v) = set {
            conditions.push(condition);
            values.push(v);
        }
    }
    (conditions, values)
}

/// The conditions of a [`ListFilter`], parameters ?1 to ?5; NULL switches a condition off, so the
/// statement stays one cached text.
const FILTER: &str = "(?1 IS NULL OR state = ?1) AND (?2 IS NULL OR queue = ?2) \
                      AND (?3 IS NULL OR owner = ?3) AND (?4 IS NULL OR due_at_utc < ?4) \
                      AND (?5 IS NULL OR due_at_utc >= ?5)";

const COLUMNS: &str = "id, number, queue, owner, state, due_at_utc, payload_json, attempts_made, \
                       idempotency_key, updated_at";

const INSERT_CALLBACK: &str = "INSERT INTO callbacks (id, number, queue, owner, state, due_at_utc, \
                               payload_json, attempts_made, idempotency_key, updated_at) \
                               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

/// A [`CallbackStore`] in an SQLite database file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    /// Inside [`SqliteStore::begin_group`]: each `insert_if` is a savepoint of the group's one
    /// transaction, and the group is durable at one commit (one fsync for many creations).
    in_group: bool,
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`, sets the durability pragmas and migrates
    /// the schema. Every failure names the path: a missing or unwritable directory, a file that
    /// is not a database, a schema from a newer build.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let open_err = |source| StoreError::Open { path: path.clone(), source };
        let conn = Connection::open(&path).map_err(open_err)?;
        Self::setup(conn, path)
    }

    /// A private in-memory database (tests, one-off tools). Not durable; journal mode "memory".
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let path = PathBuf::from(":memory:");
        let conn =
            Connection::open_in_memory().map_err(|source| StoreError::Open { path: path.clone(), source })?;
        Self::setup(conn, path)
    }

    /// Opens an existing store for reading only (`list`, `show`): nothing is created, migrated
    /// or switched to WAL, so it works on a copy in a read-only folder and never touches another
    /// application's file.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        if !path.is_file() {
            return Err(StoreError::Missing(path));
        }
        let open_err = |source| StoreError::Open { path: path.clone(), source };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        // A WAL database in a folder we cannot write has no -shm to share: read it as it is.
        let conn = match recognise(&conn, &path) {
            Err(StoreError::Open { source, .. }) if is_cant_open(&source) => {
                drop(conn);
                let uri = format!("file:{}?immutable=1", path.display());
                let conn =
                    Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI).map_err(open_err)?;
                recognise(&conn, &path)?;
                conn
            }
            Err(e) => return Err(e),
            Ok(()) => conn,
        };
        let found = user_version(&conn).map_err(open_err)?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew { path, found, supported: SCHEMA_VERSION });
        }
        Ok(Self { conn, path, in_group: false })
    }

    fn setup(mut conn: Connection, path: PathBuf) -> Result<Self, StoreError> {
        let open_err = |source| StoreError::Open { path: path.clone(), source };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        // Before anything is written: refuse a database that belongs to another application.
        recognise(&conn, &path)?;
        // Reading the header happens here: a file that is not a database fails on this line.
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(open_err)?;
        migrate(&mut conn, &path)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID).map_err(open_err)?;
        Ok(Self { conn, path, in_group: false })
    }

    /// The path this store was opened at (`:memory:` for [`Self::open_in_memory`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The journal mode in force: `wal` for a file store, `memory` for an in-memory one.
    pub fn journal_mode(&self) -> Result<String, StoreError> {
        Ok(self.conn.pragma_query_value(None, "journal_mode", |row| row.get::<_, String>(0))?)
    }

    /// The `synchronous` level in force (2 = FULL).
    pub fn synchronous(&self) -> Result<i64, StoreError> {
        Ok(self.conn.pragma_query_value(None, "synchronous", |row| row.get(0))?)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        Ok(user_version(&self.conn)?)
    }

    #[cfg(test)]
    pub(crate) fn conn_for_tests(&self) -> &Connection {
        &self.conn
    }

    fn query(
        &self,
        where_order: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<StoredCallback>, StoreError> {
        query_on(&self.conn, where_order, params)
    }
}

/// A query on a connection or inside an open transaction (which derefs to one).
fn query_on(
    conn: &Connection,
    where_order: &str,
    params: &[&dyn rusqlite::ToSql],
) -> Result<Vec<StoredCallback>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM callbacks {where_order}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params, row_to_callback)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// `max(rowid) + 1`: the rowid of a table without an INTEGER PRIMARY KEY grows with every insert
/// (no row is ever deleted); max(rowid) is one descent to the last leaf of the table's b-tree, not a
/// scan. (VACUUM may renumber rowids, but keeps them dense and ordered, so the max stays.)
fn next_seq_on(conn: &Connection) -> Result<u64, StoreError> {
    let max: i64 = conn
        .prepare_cached("SELECT coalesce(max(rowid), 0) FROM callbacks")?
        .query_row([], |row| row.get(0))?;
    Ok(u64::try_from(max).unwrap_or(0) + 1)
}

/// Marks a callwright database in its header (`PRAGMA application_id`): "CWCB".
pub const APPLICATION_ID: i32 = 0x4357_4342;

/// The tables callwright creates; a file with only these (an older callwright database, before the
/// application id was written) is ours too.
const OWN_TABLES: &[&str] = &[
    "callbacks",
    "transitions",
    "attempts",
    "dispatcher_lease",
    "contacts",
    "contact_numbers",
    "sqlite_sequence",
];

/// Ours (our application id, or only our tables), or new (no tables at all); anything else is
/// another application's database and is refused before anything is written to it.
fn recognise(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let open_err = |source| StoreError::Open { path: path.to_path_buf(), source };
    let id: i32 = conn.pragma_query_value(None, "application_id", |row| row.get(0)).map_err(open_err)?;
    if id == APPLICATION_ID {
        return Ok(());
    }
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .map_err(open_err)?;
    let tables: Vec<String> = stmt
        .query_map([], |row| row.get(0))
        .map_err(open_err)?
        .collect::<Result<_, _>>()
        .map_err(open_err)?;
    let ours = tables.iter().all(|t| OWN_TABLES.contains(&t.as_str()));
    if id == 0 && ours {
        return Ok(());
    }
    Err(StoreError::Foreign { path: path.to_path_buf(), tables: tables.join(", ") })
}

fn is_cant_open(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::CannotOpen)
}

fn user_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Brings the schema up to [`SCHEMA_VERSION`]; returns the version found before. Each step runs
/// in its own transaction together with the `user_version` bump, so a crash mid-migration leaves
/// the previous version intact. A database newer than this build is refused, not touched.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<u32, StoreError> {
    let open_err = |source| StoreError::Open { path: path.to_path_buf(), source };
    let found = user_version(conn).map_err(open_err)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { path: path.to_path_buf(), found, supported: SCHEMA_VERSION });
    }
    for (from, step) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(open_err)?;
        tx.execute_batch(step).map_err(open_err)?;
        tx.pragma_update(None, "user_version", from as u32 + 1).map_err(open_err)?;
        tx.commit().map_err(open_err)?;
    }
    Ok(found)
}

fn row_to_callback(row: &Row<'_>) -> rusqlite::Result<StoredCallback> {
    Ok(StoredCallback {
        id: row.get(0)?,
        number: row.get(1)?,
        queue: row.get(2)?,
        owner: row.get(3)?,
        state: row.get(4)?,
        due_at_utc: row.get(5)?,
        payload_json: row.get(6)?,
        attempts_made: row.get(7)?,
        idempotency_key: row.get(8)?,
        updated_at: row.get(9)?,
    })
}

/// After a compare-and-set `UPDATE` that changed `changed` rows: false (and nothing written) when
/// the state was not `from`, else the transition's history row, committed with it.
fn record_move(
    tx: rusqlite::Transaction<'_>,
    id: &str,
    from: &str,
    to: &str,
    reason: Option<&str>,
    at: i64,
    changed: usize,
) -> Result<bool, StoreError> {
    if changed == 0 {
        let exists =
            tx.query_row("SELECT 1 FROM callbacks WHERE id = ?1", [id], |_| Ok(())).optional()?.is_some();
        return if exists { Ok(false) } else { Err(StoreError::NotFound(id.to_string())) };
    }
    let attempts_made: u32 =
        tx.query_row("SELECT attempts_made FROM callbacks WHERE id = ?1", [id], |row| row.get(0))?;
    insert_transition(
        &tx,
        &Transition {
            callback_id: id.to_string(),
            from_state: Some(from.to_string()),
            to_state: to.to_string(),
            reason: reason.map(str::to_string),
            at,
            attempt: attempt_of(attempts_made),
        },
    )?;
    tx.commit()?;
    Ok(true)
}

fn insert_transition(tx: &Connection, t: &Transition) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO transitions (callback_id, from_state, to_state, reason, at, attempt) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![t.callback_id, t.from_state, t.to_state, t.reason, t.at, t.attempt])?;
    Ok(())
}

/// The callback's row, as given.
fn insert_row(tx: &Connection, cb: &StoredCallback) -> rusqlite::Result<usize> {
    tx.prepare_cached(INSERT_CALLBACK)?.execute(params![
        cb.id,
        cb.number,
        cb.queue,
        cb.owner,
        cb.state,
        cb.due_at_utc,
        cb.payload_json,
        cb.attempts_made,
        cb.idempotency_key,
        cb.updated_at
    ])
}

/// One row of [`CallbackStore::insert`] inside an open transaction (which the caller commits).
fn insert_in(tx: &Connection, cb: &StoredCallback) -> Result<InsertOutcome, StoreError> {
    if let Some(key) = &cb.idempotency_key {
        let existing: Option<String> = tx
            .prepare_cached("SELECT id FROM callbacks WHERE idempotency_key = ?1")?
            .query_row([key], |row| row.get(0))
            .optional()?;
        if let Some(existing) = existing {
            return Ok(InsertOutcome::Existing(existing));
        }
    }
    let taken = tx
        .prepare_cached("SELECT 1 FROM callbacks WHERE id = ?1")?
        .query_row([&cb.id], |_| Ok(()))
        .optional()?
        .is_some();
    if taken {
        return Err(StoreError::DuplicateId(cb.id.clone()));
    }
    insert_row(tx, cb)?;
    insert_transition(tx, &Transition::created(cb))?;
    Ok(InsertOutcome::Inserted)
}

impl CallbackStore for SqliteStore {
    /// Starts a group commit: the following creations ([`CallbackStore::insert_if`]) share one
    /// write transaction, each in its own savepoint (a refused one leaves no trace), until
    /// [`SqliteStore::commit_group`] makes them durable together. Nothing of the group may be
    /// acknowledged before that commit returns.
    fn begin_group(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        self.in_group = true;
        Ok(())
    }

    /// Commits the group (one fsync); on failure nothing of it was stored.
    fn commit_group(&mut self) -> Result<(), StoreError> {
        self.in_group = false;
        match self.conn.execute_batch("COMMIT") {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e.into())
            }
        }
    }
    fn insert(&mut self, cb: &StoredCallback) -> Result<InsertOutcome, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcome = insert_in(&tx, cb)?;
        if outcome == InsertOutcome::Inserted {
            tx.commit()?;
        }
        Ok(outcome)
    }

    fn insert_batch(&mut self, cbs: &[StoredCallback]) -> Result<Vec<InsertOutcome>, StoreError> {
        // Any error returns early and drops `tx`, which rolls the whole batch back.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcomes = cbs.iter().map(|cb| insert_in(&tx, cb)).collect::<Result<Vec<_>, _>>()?;
        if outcomes.contains(&InsertOutcome::Inserted) {
            tx.commit()?;
        }
        Ok(outcomes)
    }

    fn insert_if(
        &mut self,
        number: &str,
        key: Option<&str>,
        slot: Option<(&str, i64, i64)>,
        decide: &mut Decide<'_>,
    ) -> Result<Option<InsertOutcome>, StoreError> {
        if self.in_group {
            // The group's transaction already holds the write lock; a savepoint makes this
            // creation undoable on its own.
            let sp = self.conn.savepoint()?;
            let outcome = insert_if_on(&sp, number, key, slot, decide)?;
            if outcome == Some(InsertOutcome::Inserted) {
                sp.commit()?;
            }
            return Ok(outcome);
        }
        // IMMEDIATE takes the write lock before the first read: a second writer waits (up to the
        // busy timeout) until this one commits, then sees its row.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcome = insert_if_on(&tx, number, key, slot, decide)?;
        if outcome == Some(InsertOutcome::Inserted) {
            tx.commit()?;
        }
        Ok(outcome)
    }

    fn get(&self, id: &str) -> Result<Option<StoredCallback>, StoreError> {
        Ok(self.query("WHERE id = ?1", &[&id])?.into_iter().next())
    }

    fn by_idempotency_key(&self, key: &str) -> Result<Option<StoredCallback>, StoreError> {
        Ok(self.query("WHERE idempotency_key = ?1", &[&key])?.into_iter().next())
    }

    fn next_seq(&self) -> Result<u64, StoreError> {
        next_seq_on(&self.conn)
    }

    fn by_number(&self, number: &str) -> Result<Vec<StoredCallback>, StoreError> {
        self.query("WHERE number = ?1 ORDER BY due_at_utc, id", &[&number])
    }

    fn list(&self, filter: &ListFilter) -> Result<Vec<StoredCallback>, StoreError> {
        // NULL parameters switch a condition off; the statement stays one cached text.
        self.query(
            &format!("WHERE {FILTER} ORDER BY due_at_utc, id"),
            &[&filter.state, &filter.queue, &filter.owner, &filter.due_before, &filter.due_from],
        )
    }

    fn page(
        &self,
        filter: &ListFilter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredCallback>, StoreError> {
        // `+column` keeps SQLite from answering through the state or queue index and then sorting
        // every match by id (209 ms for a page of 25 among 100k matches): it walks the primary
        // key in id order and stops at the page's end.
        let (conditions, mut values) = filter_sql(filter);
        let mut conditions: Vec<String> = conditions
            .into_iter()
            .map(|c| if c.starts_with("due_at") || c == "1" { c.to_string() } else { format!("+{c}") })
            .collect();
        if let Some(a) = after {
            conditions.push("id > ?".to_string());
            values.push(rusqlite::types::Value::Text(a.to_string()));
        }
        values.push(rusqlite::types::Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
        let sql =
            format!("SELECT {COLUMNS} FROM callbacks WHERE {} ORDER BY id LIMIT ?", conditions.join(" AND "));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(values), row_to_callback)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn count(&self, filter: &ListFilter) -> Result<u64, StoreError> {
        let (conditions, values) = filter_sql(filter);
        let sql = format!("SELECT COUNT(*) FROM callbacks WHERE {}", conditions.join(" AND "));
        let n: i64 = self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(values), |row| row.get(0))?;
        Ok(n.max(0) as u64)
    }

    fn transition(
        &mut self,
        id: &str,
        from: &str,
        to: &str,
        reason: Option<&str>,
        at: i64,
        update: Option<&StoredCallback>,
    ) -> Result<bool, StoreError> {
        check_update(id, update)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = match update {
            Some(u) => tx.execute(
                "UPDATE callbacks SET state = ?3, updated_at = ?4, number = ?5, queue = ?6, \
                 owner = ?7, due_at_utc = ?8, payload_json = ?9, attempts_made = ?10 \
                 WHERE id = ?1 AND state = ?2",
                params![
                    id,
                    from,
                    to,
                    at,
                    u.number,
                    u.queue,
                    u.owner,
                    u.due_at_utc,
                    u.payload_json,
                    u.attempts_made
                ],
            )?,
            None => tx.execute(
                "UPDATE callbacks SET state = ?3, updated_at = ?4 WHERE id = ?1 AND state = ?2",
                params![id, from, to, at],
            )?,
        };
        record_move(tx, id, from, to, reason, at, changed)
    }

    fn advance(
        &mut self,
        id: &str,
        from: &str,
        to: &str,
        reason: &str,
        at: i64,
        step: &Step,
    ) -> Result<bool, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (state_word, end) = step.ended.clone().unzip();
        let changed = tx.execute(
            "UPDATE callbacks SET state = ?3, updated_at = ?4, attempts_made = max(attempts_made, ?5), \
             due_at_utc = coalesce(?6, due_at_utc), \
             payload_json = CASE WHEN ?7 IS NULL THEN payload_json \
                            ELSE json_set(payload_json, '$.end_reason', ?7, '$.state', ?8) END \
             WHERE id = ?1 AND state = ?2",
            params![id, from, to, at, step.attempts_made, step.due_at_utc, end, state_word],
        )?;
        record_move(tx, id, from, to, Some(reason), at, changed)
    }

    fn history(&self, id: &str) -> Result<Vec<Transition>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT callback_id, from_state, to_state, reason, at, attempt FROM transitions \
             WHERE callback_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([id], |row| {
            Ok(Transition {
                callback_id: row.get(0)?,
                from_state: row.get(1)?,
                to_state: row.get(2)?,
                reason: row.get(3)?,
                at: row.get(4)?,
                attempt: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn due(&self, now: i64, limit: usize) -> Result<Vec<StoredCallback>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.query(
            "WHERE state = ?1 AND due_at_utc <= ?2 ORDER BY due_at_utc, id LIMIT ?3",
            &[&SCHEDULED, &now, &limit],
        )
    }

    fn claim_attempt(&mut self, id: &str, attempt: u32, at: i64) -> Result<bool, StoreError> {
        check_attempt(id, attempt)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let bumped = tx.execute(
            "UPDATE callbacks SET attempts_made = MAX(attempts_made, ?2), updated_at = ?3 \
             WHERE id = ?1",
            params![id, attempt, at],
        )?;
        if bumped == 0 {
            return Err(StoreError::NotFound(id.to_string()));
        }
        let claimed = tx.execute(
            "INSERT INTO attempts (callback_id, attempt, started_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (callback_id, attempt) DO NOTHING",
            params![id, attempt, at],
        )?;
        if claimed == 0 {
            // Already claimed: drop the transaction (rolls back the bump above).
            return Ok(false);
        }
        tx.commit()?;
        Ok(true)
    }

    fn record_dial_result(&mut self, id: &str, attempt: u32, result: &str) -> Result<(), StoreError> {
        check_attempt(id, attempt)?;
        let changed = self.conn.execute(
            "UPDATE attempts SET result = ?3 WHERE callback_id = ?1 AND attempt = ?2",
            params![id, attempt, result],
        )?;
        if changed == 0 {
            return Err(StoreError::Invalid(format!("attempt {attempt} of {id} was never claimed")));
        }
        Ok(())
    }

    fn attempts(&self, id: &str) -> Result<Vec<(u32, Option<String>)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT attempt, result FROM attempts WHERE callback_id = ?1 ORDER BY attempt")?;
        let rows = stmt.query_map([id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn acquire_lease(
        &mut self,
        holder: &str,
        now: i64,
        ttl: i64,
    ) -> Result<Option<(String, i64)>, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: Option<(String, i64)> = tx
            .query_row("SELECT holder, expires_at FROM dispatcher_lease WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((other, until)) = current
            && other != holder
            && until > now
        {
            return Ok(Some((other, until)));
        }
        tx.execute(
            "INSERT INTO dispatcher_lease (id, holder, expires_at) VALUES (1, ?1, ?2) \
             ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at",
            params![holder, now + ttl],
        )?;
        tx.commit()?;
        Ok(None)
    }

    fn release_lease(&mut self, holder: &str) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM dispatcher_lease WHERE id = 1 AND holder = ?1", [holder])?;
        Ok(())
    }

    fn next_due_at(&self) -> Result<Option<i64>, StoreError> {
        Ok(self.conn.query_row(
            "SELECT MIN(due_at_utc) FROM callbacks WHERE state = ?1",
            [SCHEDULED],
            |row| row.get(0),
        )?)
    }

    fn count_by_state(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT state, COUNT(*) FROM callbacks GROUP BY state ORDER BY state")?;
        let rows =
            stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?.max(0) as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn count_booked(&self, queue: &str, from: i64, to: i64) -> Result<u64, StoreError> {
        count_booked_on(&self.conn, queue, from, to)
    }

    fn pending_summary(&self) -> Result<(Vec<String>, Option<i64>), StoreError> {
        Ok(super::summary_of(super::codec::pending_rows(self)?))
    }

    fn attempt_log(&self, id: &str) -> Result<Vec<AttemptRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT attempt, started_at, result FROM attempts WHERE callback_id = ?1 ORDER BY attempt",
        )?;
        let rows = stmt.query_map([id], |row| {
            Ok(AttemptRecord { attempt: row.get(0)?, started_at: row.get(1)?, result: row.get(2)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn restore(
        &mut self,
        cb: &StoredCallback,
        history: &[Transition],
        attempts: &[AttemptRecord],
    ) -> Result<bool, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if tx.query_row("SELECT 1 FROM callbacks WHERE id = ?1", [&cb.id], |_| Ok(())).optional()?.is_some() {
            return Ok(false);
        }
        insert_row(&tx, cb)?;
        for t in history {
            insert_transition(&tx, t)?;
        }
        for a in attempts {
            tx.execute(
                "INSERT INTO attempts (callback_id, attempt, started_at, result) VALUES (?1, ?2, ?3, ?4)",
                params![cb.id, a.attempt, a.started_at, a.result],
            )?;
        }
        tx.commit()?;
        Ok(true)
    }
}

/// The look and the insert of [`CallbackStore::insert_if`], inside a transaction or savepoint
/// that the caller commits when a row was inserted.
fn insert_if_on(
    tx: &Connection,
    number: &str,
    key: Option<&str>,
    slot: Option<(&str, i64, i64)>,
    decide: &mut Decide<'_>,
) -> Result<Option<InsertOutcome>, StoreError> {
    let by_key = match key {
        Some(key) => query_on(tx, "WHERE idempotency_key = ?1", &[&key])?,
        None => Vec::new(),
    };
    let rows = super::related(by_key, query_on(tx, "WHERE number = ?1 ORDER BY due_at_utc, id", &[&number])?);
    let seq = next_seq_on(tx)?;
    let booked = match slot {
        Some((queue, from, to)) => count_booked_on(tx, queue, from, to)?,
        None => 0,
    };
    let Some(new) = decide(&rows, seq, booked) else {
        return Ok(None);
    };
    Ok(Some(insert_in(tx, &new)?))
}

fn count_booked_on(conn: &Connection, queue: &str, from: i64, to: i64) -> Result<u64, StoreError> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM callbacks WHERE queue = ?1 AND due_at_utc >= ?2 AND due_at_utc < ?3 \
             AND state <> 'CANCELLED'",
        )?
        .query_row(params![queue, from, to], |row| row.get(0))?;
    Ok(n.max(0) as u64)
}
