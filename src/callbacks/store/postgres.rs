//! A [`CallbackStore`] in PostgreSQL, for many servers and dispatchers on one database.
//!
//! The store trait is synchronous and is called from inside tokio runtimes (the service's
//! handlers, the dispatcher's engine), where the `postgres` crate's blocking client may not run
//! (it drives its own runtime). So one thread per store owns the connection and runs each call
//! as a job; the caller waits on a channel, as it waits on SQLite's file I/O. A lost connection
//! is made again at the next call (the call that met the loss fails with the error).
//!
//! What holds across servers is enforced in the database, not in one process: the duplicate rule
//! and idempotency keys by advisory locks taken in one order (key, number, slot) around the look
//! and the insert; compare-and-set transitions by `WHERE state = from`; attempts by their
//! primary key.

use super::{
    AttemptRecord, Bucket, CallbackStore, ContactStore, Decide, InsertOutcome, ListFilter, SCHEDULED, Step,
    StoreError, StoredCallback, Transition, check_attempt, check_update,
};
use crate::callbacks::State;
use crate::callbacks::contact::Contact;
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row};
use std::sync::mpsc;

/// The schema version this build writes; `callwright db migrate` brings a database to it.
pub const PG_SCHEMA_VERSION: u32 = 4;

/// `PG_MIGRATIONS[i]` takes the schema from version `i` to `i + 1`; each runs in one transaction
/// with its row in `callwright_schema`.
const PG_MIGRATIONS: &[(&str, &str)] = &[
    (
        "callbacks, transitions (append-only), attempts with results, the dispatcher lease",
        r#"
    CREATE TABLE callbacks (
        seq             BIGSERIAL UNIQUE,
        id              TEXT    NOT NULL PRIMARY KEY,
        number          TEXT    NOT NULL,
        queue           TEXT    NOT NULL,
        owner           TEXT,
        state           TEXT    NOT NULL,
        due_at_utc      BIGINT  NOT NULL,
        payload_json    TEXT    NOT NULL,
        attempts_made   INTEGER NOT NULL CHECK (attempts_made >= 0),
        idempotency_key TEXT,
        updated_at      BIGINT  NOT NULL
    );
    CREATE UNIQUE INDEX callbacks_idempotency_key ON callbacks (idempotency_key)
        WHERE idempotency_key IS NOT NULL;
    CREATE INDEX callbacks_state_due ON callbacks (state, due_at_utc, id);
    CREATE INDEX callbacks_number ON callbacks (number);
    CREATE INDEX callbacks_queue_due ON callbacks (queue, due_at_utc, state);
    CREATE INDEX callbacks_queue_state ON callbacks (queue, state);

    CREATE TABLE transitions (
        seq         BIGSERIAL PRIMARY KEY,
        callback_id TEXT    NOT NULL REFERENCES callbacks (id),
        from_state  TEXT,
        to_state    TEXT    NOT NULL,
        reason      TEXT,
        at          BIGINT  NOT NULL,
        attempt     INTEGER CHECK (attempt IS NULL OR attempt >= 1)
    );
    CREATE INDEX transitions_callback ON transitions (callback_id, seq);
    CREATE FUNCTION callwright_append_only() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'transitions are append-only'; END $$;
    CREATE TRIGGER transitions_no_change BEFORE UPDATE OR DELETE ON transitions
        FOR EACH ROW EXECUTE FUNCTION callwright_append_only();

    CREATE TABLE attempts (
        callback_id TEXT    NOT NULL REFERENCES callbacks (id),
        attempt     INTEGER NOT NULL CHECK (attempt >= 1),
        started_at  BIGINT  NOT NULL,
        result      TEXT,
        PRIMARY KEY (callback_id, attempt)
    );

    CREATE TABLE dispatcher_lease (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        holder     TEXT    NOT NULL,
        expires_at BIGINT  NOT NULL
    );
    "#,
    ),
    (
        "claims for several dispatchers: heartbeats, claimed_by, and a notification on every new or moved due time",
        r#"
    CREATE TABLE dispatchers (
        holder     TEXT   PRIMARY KEY,
        expires_at BIGINT NOT NULL
    );
    ALTER TABLE callbacks ADD COLUMN claimed_by TEXT;
    CREATE INDEX callbacks_pending_due ON callbacks (due_at_utc, id)
        WHERE state IN ('SCHEDULED', 'QUEUED', 'ROUTING', 'PROCESSING');
    CREATE INDEX callbacks_claimed_by ON callbacks (claimed_by) WHERE claimed_by IS NOT NULL;
    CREATE FUNCTION callwright_notify() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN PERFORM pg_notify('callwright_callbacks', ''); RETURN NULL; END $$;
    CREATE TRIGGER callbacks_notify AFTER INSERT OR UPDATE OF due_at_utc ON callbacks
        FOR EACH ROW EXECUTE FUNCTION callwright_notify();
    "#,
    ),
    (
        "contacts and their numbers",
        r#"
    CREATE TABLE contacts (
        id           BIGSERIAL PRIMARY KEY,
        name         TEXT   NOT NULL,
        payload_json TEXT   NOT NULL,
        updated_at   BIGINT NOT NULL
    );
    CREATE INDEX contacts_name ON contacts (lower(name) text_pattern_ops);
    CREATE TABLE contact_numbers (
        contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        number     TEXT   NOT NULL,
        PRIMARY KEY (contact_id, number)
    );
    CREATE INDEX contact_numbers_number ON contact_numbers (number);
    "#,
    ),
    (
        "rate-limit buckets shared by every API server",
        r#"
    CREATE UNLOGGED TABLE rate_buckets (
        key     TEXT             PRIMARY KEY,
        tokens  DOUBLE PRECISION NOT NULL,
        at      BIGINT           NOT NULL,
        granted BOOLEAN          NOT NULL
    );
    "#,
    ),
];

/// The database's clock in Unix microseconds: heartbeats compare against one clock, whatever the
/// servers' clocks say.
const DB_NOW: &str = "(extract(epoch from clock_timestamp()) * 1000000)::bigint";

/// Takes or renews a dispatcher's heartbeat: `$1` holder, `$2` microseconds to live.
fn heartbeat_sql() -> String {
    format!(
        "INSERT INTO dispatchers (holder, expires_at) VALUES ($1, {DB_NOW} + $2) \
         ON CONFLICT (holder) DO UPDATE SET expires_at = excluded.expires_at"
    )
}

/// The channel a new callback or a moved due time is announced on.
pub const CHANNEL: &str = "callwright_callbacks";

const COLUMNS: &str = "id, number, queue, owner, state, due_at_utc, payload_json, attempts_made, \
                       idempotency_key, updated_at";

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// The worker's side: the URL to (re)connect to and the connection, when there is one.
struct Connection {
    url: String,
    client: Option<Client>,
    /// Statements of the hot path (a dispatcher's moves), prepared once per connection: each
    /// use is then one round trip instead of two.
    prepared: std::collections::HashMap<&'static str, postgres::Statement>,
}

impl Connection {
    fn client(&mut self) -> Result<&mut Client, StoreError> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            // A statement belongs to the connection that prepared it.
            self.prepared.clear();
            self.client = Some(connect(&self.url)?);
        }
        Ok(self.client.as_mut().expect("connected above"))
    }

    /// `sql`, prepared on this connection (once), with the client to run it on.
    fn prepared(&mut self, sql: &'static str) -> Result<(&mut Client, postgres::Statement), StoreError> {
        self.client()?;
        let client = self.client.as_mut().expect("connected above");
        let statement = match self.prepared.get(sql) {
            Some(s) => s.clone(),
            None => {
                let s = client.prepare(sql)?;
                self.prepared.insert(sql, s.clone());
                s
            }
        };
        Ok((client, statement))
    }
}

fn connect(url: &str) -> Result<Client, StoreError> {
    let mut config: postgres::Config =
        url.parse().map_err(|e| StoreError::Pg(format!("{} is not a PostgreSQL URL: {e}", redact(url))))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(5));
    }
    config
        .connect(NoTls)
        .map_err(|e| StoreError::Pg(format!("cannot connect to {}: {}", redact(url), cause(&e))))
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The deepest cause of an error: "connection refused", not "error connecting to server".
fn cause(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text = s.to_string();
        source = s.source();
    }
    text
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        StoreError::Pg(match e.as_db_error() {
            Some(db) => format!("{}: {}", db.code().code(), db.message()),
            None => cause(&e),
        })
    }
}

/// A callback store in a PostgreSQL database.
pub struct PgStore {
    jobs: mpsc::Sender<Job>,
    url: String,
    /// Set by [`CallbackStore::fence`]: writes only to callbacks this dispatcher holds.
    fence: Option<String>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PgStore({})", redact(&self.url))
    }
}

/// `url` with `schema` first on its search path (`options=-csearch_path=…`): a schema of its own
/// for a test, a benchmark, or one center among several in a database.
pub fn in_schema(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

/// Whether `text` names a PostgreSQL database (`postgres://` or `postgresql://`).
pub fn is_postgres_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

impl PgStore {
    /// Connects, and checks the schema: a database at a newer version is refused untouched; one
    /// behind is migrated when `migrate` is set, else refused with the command that migrates it.
    pub fn open(url: &str, migrate: bool) -> Result<PgStore, StoreError> {
        let (tx, rx) = mpsc::channel::<Job>();
        let mut conn = Connection { url: url.to_string(), client: None, prepared: Default::default() };
        conn.client()?; // a wrong URL or a refused connection is said now, not at first use
        std::thread::Builder::new()
            .name("callwright-pg".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    job(&mut conn);
                }
            })
            .map_err(|e| StoreError::Pg(format!("cannot start the connection thread: {e}")))?;
        let store = PgStore { jobs: tx, url: url.to_string(), fence: None };
        let found = store.schema_version()?;
        if found > PG_SCHEMA_VERSION {
            return Err(StoreError::PgSchemaTooNew { url: redact(url), found, supported: PG_SCHEMA_VERSION });
        }
        if found < PG_SCHEMA_VERSION {
            if !migrate {
                return Err(StoreError::PgSchemaBehind {
                    url: redact(url),
                    found,
                    wanted: PG_SCHEMA_VERSION,
                });
            }
            store.migrate()?;
        }
        Ok(store)
    }

    /// Runs `f` on the connection's thread and waits for its answer.
    fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        self.on_connection(move |conn| conn.client().and_then(f))
    }

    /// [`PgStore::call`] with `sql` prepared once per connection.
    fn call_prepared<R: Send + 'static>(
        &self,
        sql: &'static str,
        f: impl FnOnce(&mut Client, &postgres::Statement) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        self.on_connection(move |conn| conn.prepared(sql).and_then(|(c, s)| f(c, &s)))
    }

    fn on_connection<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |conn| {
            let _ = tx.send(f(conn));
        });
        self.jobs.send(job).map_err(|_| StoreError::Pg("the connection thread stopped".into()))?;
        rx.recv().map_err(|_| StoreError::Pg("the connection thread stopped".into()))?
    }

    /// The version in `callwright_schema` (0: a database callwright never touched).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.call(|c| {
            let exists: bool =
                c.query_one("SELECT to_regclass('callwright_schema') IS NOT NULL", &[])?.get(0);
            if !exists {
                return Ok(0);
            }
            let v: Option<i32> = c.query_one("SELECT max(version) FROM callwright_schema", &[])?.get(0);
            Ok(v.unwrap_or(0).max(0) as u32)
        })
    }

    /// The applied migrations: (version, description, when).
    pub fn migrations(&self) -> Result<Vec<(u32, String, String)>, StoreError> {
        if self.schema_version()? == 0 {
            return Ok(Vec::new());
        }
        self.call(|c| {
            let rows = c.query(
                "SELECT version, description, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \
                 FROM callwright_schema ORDER BY version",
                &[],
            )?;
            Ok(rows.iter().map(|r| (r.get::<_, i32>(0) as u32, r.get(1), r.get(2))).collect())
        })
    }

    /// Applies the missing migrations, each in its own transaction, under an advisory lock so
    /// two servers starting together do not both migrate. Answers the version found before.
    pub fn migrate(&self) -> Result<u32, StoreError> {
        self.call(|c| {
            let mut tx = c.transaction()?;
            // One migrator at a time (the lock ends with the transaction).
            tx.execute("SELECT pg_advisory_xact_lock(7474747474)", &[])?;
            tx.batch_execute(
                "CREATE TABLE IF NOT EXISTS callwright_schema (
                    version     INTEGER PRIMARY KEY,
                    description TEXT NOT NULL,
                    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now())",
            )?;
            let found: Option<i32> = tx.query_one("SELECT max(version) FROM callwright_schema", &[])?.get(0);
            let found = found.unwrap_or(0).max(0) as u32;
            if found > PG_SCHEMA_VERSION {
                return Err(StoreError::Pg(format!(
                    "the database has schema version {found}, newer than this build supports ({PG_SCHEMA_VERSION}); upgrade callwright"
                )));
            }
            for (i, (description, sql)) in PG_MIGRATIONS.iter().enumerate().skip(found as usize) {
                tx.batch_execute(sql)?;
                tx.execute(
                    "INSERT INTO callwright_schema (version, description) VALUES ($1, $2)",
                    &[&(i as i32 + 1), description],
                )?;
            }
            tx.commit()?;
            Ok(found)
        })
    }

    fn query(&self, condition: String, params: Vec<Param>) -> Result<Vec<StoredCallback>, StoreError> {
        self.call(move |c| query_on(c, &condition, &params))
    }
}

/// An owned query parameter (jobs cross threads, so borrowed values cannot).
#[derive(Debug, Clone)]
enum Param {
    Text(String),
    Int(i64),
}

impl Param {
    fn as_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Param::Text(s) => s,
            Param::Int(n) => n,
        }
    }
}

fn refs(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(Param::as_sql).collect()
}

fn query_on(
    c: &mut impl postgres::GenericClient,
    condition: &str,
    params: &[Param],
) -> Result<Vec<StoredCallback>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM callbacks {condition}");
    let rows = c.query(sql.as_str(), &refs(params))?;
    Ok(rows.iter().map(row_to_callback).collect())
}

fn row_to_callback(r: &Row) -> StoredCallback {
    StoredCallback {
        id: r.get(0),
        number: r.get(1),
        queue: r.get(2),
        owner: r.get(3),
        state: r.get(4),
        due_at_utc: r.get(5),
        payload_json: r.get(6),
        attempts_made: r.get::<_, i32>(7).max(0) as u32,
        idempotency_key: r.get(8),
        updated_at: r.get(9),
    }
}

/// [`CallbackStore::advance`] in one statement: the compare-and-set (fenced), the lifecycle's own
/// fields, and the history row.
const ADVANCE: &str = "WITH moved AS (UPDATE callbacks SET state = $3, updated_at = $4, \
       attempts_made = GREATEST(attempts_made, $5), due_at_utc = COALESCE($6, due_at_utc), \
       payload_json = CASE WHEN $7::text IS NULL THEN payload_json \
         ELSE (payload_json::jsonb || jsonb_build_object('end_reason', $7::text, 'state', $8::text))::text END \
       WHERE id = $1 AND state = $2 AND ($9::text IS NULL OR claimed_by = $9) \
       RETURNING id, attempts_made) \
     INSERT INTO transitions (callback_id, from_state, to_state, reason, at, attempt) \
     SELECT id, $2, $3, $10, $4, NULLIF(attempts_made, 0) FROM moved";

/// After a compare-and-set that changed `changed` rows: whether it moved; false when the state
/// was not the one expected, NotFound when there is no such callback.
fn moved(c: &mut Client, changed: u64, id: String) -> Result<bool, StoreError> {
    if changed > 0 {
        return Ok(true);
    }
    let exists = c.query_opt("SELECT 1 FROM callbacks WHERE id = $1", &[&id])?.is_some();
    if exists { Ok(false) } else { Err(StoreError::NotFound(id)) }
}

fn insert_transition(c: &mut impl postgres::GenericClient, t: &Transition) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO transitions (callback_id, from_state, to_state, reason, at, attempt) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[&t.callback_id, &t.from_state, &t.to_state, &t.reason, &t.at, &t.attempt.map(|a| a as i32)],
    )?;
    Ok(())
}

/// The callback's row, as given.
fn insert_row(c: &mut impl postgres::GenericClient, cb: &StoredCallback) -> Result<u64, postgres::Error> {
    c.execute(
        "INSERT INTO callbacks (id, number, queue, owner, state, due_at_utc, payload_json, attempts_made, \
         idempotency_key, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &cb.id,
            &cb.number,
            &cb.queue,
            &cb.owner,
            &cb.state,
            &cb.due_at_utc,
            &cb.payload_json,
            &(cb.attempts_made as i32),
            &cb.idempotency_key,
            &cb.updated_at,
        ],
    )
}

fn insert_in(c: &mut impl postgres::GenericClient, cb: &StoredCallback) -> Result<InsertOutcome, StoreError> {
    if let Some(key) = &cb.idempotency_key
        && let Some(row) = c.query_opt("SELECT id FROM callbacks WHERE idempotency_key = $1", &[key])?
    {
        return Ok(InsertOutcome::Existing(row.get(0)));
    }
    if c.query_opt("SELECT 1 FROM callbacks WHERE id = $1", &[&cb.id])?.is_some() {
        return Err(StoreError::DuplicateId(cb.id.clone()));
    }
    // Two servers may draw the same next id at once (the id is not a reservation): the loser's
    // insert meets the primary key and answers DuplicateId, so the caller takes the next.
    let inserted = insert_row(c, cb);
    if let Err(e) = inserted {
        let duplicate_id = e.as_db_error().is_some_and(|d| {
            *d.code() == postgres::error::SqlState::UNIQUE_VIOLATION
                && d.constraint() == Some("callbacks_pkey")
        });
        return Err(if duplicate_id { StoreError::DuplicateId(cb.id.clone()) } else { e.into() });
    }
    insert_transition(c, &Transition::created(cb))?;
    Ok(InsertOutcome::Inserted)
}

fn next_seq_on(c: &mut impl postgres::GenericClient) -> Result<u64, StoreError> {
    let max: i64 = c.query_one("SELECT coalesce(max(seq), 0) FROM callbacks", &[])?.get(0);
    Ok(max.max(0) as u64 + 1)
}

fn count_booked_on(
    c: &mut impl postgres::GenericClient,
    queue: &str,
    from: i64,
    to: i64,
) -> Result<u64, StoreError> {
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM callbacks WHERE queue = $1 AND due_at_utc >= $2 AND due_at_utc < $3 \
             AND state <> 'CANCELLED'",
            &[&queue, &from, &to],
        )?
        .get(0);
    Ok(n.max(0) as u64)
}

/// The filter's conditions as SQL with `$n` placeholders from `first`, and their values.
fn filter_sql(filter: &ListFilter, first: usize) -> (Vec<String>, Vec<Param>) {
    let mut conditions = vec!["TRUE".to_string()];
    let mut values = Vec::new();
    let text = |v: &String| Param::Text(v.clone());
    for (set, column) in [
        (filter.state.as_ref().map(text), "state ="),
        (filter.queue.as_ref().map(text), "queue ="),
        (filter.owner.as_ref().map(text), "owner ="),
        (filter.due_before.map(Param::Int), "due_at_utc <"),
        (filter.due_from.map(Param::Int), "due_at_utc >="),
    ] {
        if let Some(v) = set {
            conditions.push(format!("{column} ${}", first + values.len()));
            values.push(v);
        }
    }
    (conditions, values)
}

/// Advisory lock keys: the key, the number and the slot, always taken in that order.
fn lock_keys(number: &str, key: Option<&str>, slot: Option<(&str, i64, i64)>) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(k) = key {
        keys.push(format!("key:{k}"));
    }
    keys.push(format!("number:{number}"));
    if let Some((queue, from, _)) = slot {
        keys.push(format!("slot:{queue}:{from}"));
    }
    keys
}

impl CallbackStore for PgStore {
    fn insert(&mut self, cb: &StoredCallback) -> Result<InsertOutcome, StoreError> {
        let cb = cb.clone();
        self.call(move |c| {
            let mut tx = c.transaction()?;
            if let Some(k) = &cb.idempotency_key {
                tx.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&format!("key:{k}")])?;
            }
            let outcome = insert_in(&mut tx, &cb)?;
            tx.commit()?;
            Ok(outcome)
        })
    }

    fn insert_batch(&mut self, cbs: &[StoredCallback]) -> Result<Vec<InsertOutcome>, StoreError> {
        let cbs = cbs.to_vec();
        self.call(move |c| {
            let mut tx = c.transaction()?;
            let mut keys: Vec<String> = cbs.iter().filter_map(|cb| cb.idempotency_key.clone()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                tx.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&format!("key:{k}")])?;
            }
            let outcomes = cbs.iter().map(|cb| insert_in(&mut tx, cb)).collect::<Result<Vec<_>, _>>()?;
            tx.commit()?;
            Ok(outcomes)
        })
    }

    fn insert_if(
        &mut self,
        number: &str,
        key: Option<&str>,
        slot: Option<(&str, i64, i64)>,
        decide: &mut Decide<'_>,
    ) -> Result<Option<InsertOutcome>, StoreError> {
        // The look runs in an open transaction holding the locks; `decide` runs here (it borrows
        // the caller's state); the insert and the commit follow on the same connection.
        let locks = lock_keys(number, key, slot);
        let (number, key) = (number.to_string(), key.map(str::to_string));
        let slot_owned = slot.map(|(q, f, t)| (q.to_string(), f, t));
        let looked = self.call(move |c| {
            c.batch_execute("BEGIN")?;
            let look = (|| -> Result<_, StoreError> {
                for l in &locks {
                    c.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[l])?;
                }
                let by_key = match &key {
                    Some(k) => query_on(c, "WHERE idempotency_key = $1", &[Param::Text(k.clone())])?,
                    None => Vec::new(),
                };
                let by_number =
                    query_on(c, "WHERE number = $1 ORDER BY due_at_utc, id", &[Param::Text(number.clone())])?;
                let seq = next_seq_on(c)?;
                let booked = match &slot_owned {
                    Some((q, f, t)) => count_booked_on(c, q, *f, *t)?,
                    None => 0,
                };
                Ok((super::related(by_key, by_number), seq, booked))
            })();
            if look.is_err() {
                let _ = c.batch_execute("ROLLBACK");
            }
            look
        })?;
        let (rows, seq, booked) = looked;
        let new = decide(&rows, seq, booked);
        self.call(move |c| {
            let Some(new) = new else {
                c.batch_execute("ROLLBACK")?;
                return Ok(None);
            };
            match insert_in(c, &new) {
                Ok(outcome) => {
                    c.batch_execute("COMMIT")?;
                    Ok(Some(outcome))
                }
                Err(e) => {
                    let _ = c.batch_execute("ROLLBACK");
                    Err(e)
                }
            }
        })
    }

    fn get(&self, id: &str) -> Result<Option<StoredCallback>, StoreError> {
        Ok(self.query("WHERE id = $1".into(), vec![Param::Text(id.into())])?.into_iter().next())
    }

    fn by_idempotency_key(&self, key: &str) -> Result<Option<StoredCallback>, StoreError> {
        Ok(self.query("WHERE idempotency_key = $1".into(), vec![Param::Text(key.into())])?.into_iter().next())
    }

    fn next_seq(&self) -> Result<u64, StoreError> {
        self.call(next_seq_on)
    }

    fn by_number(&self, number: &str) -> Result<Vec<StoredCallback>, StoreError> {
        self.query("WHERE number = $1 ORDER BY due_at_utc, id".into(), vec![Param::Text(number.into())])
    }

    fn list(&self, filter: &ListFilter) -> Result<Vec<StoredCallback>, StoreError> {
        let (conditions, values) = filter_sql(filter, 1);
        self.query(format!("WHERE {} ORDER BY due_at_utc, id", conditions.join(" AND ")), values)
    }

    fn page(
        &self,
        filter: &ListFilter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredCallback>, StoreError> {
        let (mut conditions, mut values) = filter_sql(filter, 1);
        if let Some(a) = after {
            conditions.push(format!("id > ${}", values.len() + 1));
            values.push(Param::Text(a.to_string()));
        }
        let n = values.len() + 1;
        values.push(Param::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
        self.query(format!("WHERE {} ORDER BY id LIMIT ${n}", conditions.join(" AND ")), values)
    }

    fn count(&self, filter: &ListFilter) -> Result<u64, StoreError> {
        let (conditions, values) = filter_sql(filter, 1);
        let sql = format!("SELECT count(*) FROM callbacks WHERE {}", conditions.join(" AND "));
        self.call(move |c| {
            let n: i64 = c.query_one(sql.as_str(), &refs(&values))?.get(0);
            Ok(n.max(0) as u64)
        })
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
        let (id, from, to, reason, update) =
            (id.to_string(), from.to_string(), to.to_string(), reason.map(str::to_string), update.cloned());
        let fence = self.fence.clone();
        self.call(move |c| {
            // One statement (one round trip, one commit): the compare-and-set and its history row.
            const RECORD: &str = "INSERT INTO transitions (callback_id, from_state, to_state, reason, at, attempt) \
                 SELECT id, $2, $3, $REASON, $4, NULLIF(attempts_made, 0) FROM moved";
            let changed = match &update {
                Some(u) => c.execute(
                    format!(
                        "WITH moved AS (UPDATE callbacks SET state = $3, updated_at = $4, number = $5, queue = $6, \
                         owner = $7, due_at_utc = $8, payload_json = $9, attempts_made = $10 \
                         WHERE id = $1 AND state = $2 AND ($11::text IS NULL OR claimed_by = $11) \
                         RETURNING id, attempts_made) {}",
                        RECORD.replace("$REASON", "$12")
                    )
                    .as_str(),
                    &[
                        &id,
                        &from,
                        &to,
                        &at,
                        &u.number,
                        &u.queue,
                        &u.owner,
                        &u.due_at_utc,
                        &u.payload_json,
                        &(u.attempts_made as i32),
                        &fence,
                        &reason,
                    ],
                )?,
                None => c.execute(
                    format!(
                        "WITH moved AS (UPDATE callbacks SET state = $3, updated_at = $4 \
                         WHERE id = $1 AND state = $2 AND ($5::text IS NULL OR claimed_by = $5) \
                         RETURNING id, attempts_made) {}",
                        RECORD.replace("$REASON", "$6")
                    )
                    .as_str(),
                    &[&id, &from, &to, &at, &fence, &reason],
                )?,
            };
            moved(c, changed, id)
        })
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
        let (id, from, to, reason) = (id.to_string(), from.to_string(), to.to_string(), reason.to_string());
        let (attempts, due) = (step.attempts_made as i32, step.due_at_utc);
        let (state_word, end) = step.ended.clone().unzip();
        let fence = self.fence.clone();
        // A move between pending states (released, offered, accepted, rescheduled for a retry)
        // is committed without waiting for the disk: lost in a crash of the database, the
        // callback is found one step back and that step is made again. What must not be lost is
        // written with a synchronous commit — the attempt's claim before a dial, an end — and a
        // synchronous commit flushes the log up to and past every lazy one before it, so nothing
        // that a dial or an end depends on can be missing after it.
        let lazy = !State::ALL.iter().any(|s| s.is_final() && s.as_str().eq_ignore_ascii_case(&to));
        self.call_prepared(ADVANCE, move |c, advance| {
            let params: [&(dyn ToSql + Sync); 10] =
                [&id, &from, &to, &at, &attempts, &due, &end, &state_word, &fence, &reason];
            let changed = if lazy {
                // Three round trips: the transaction opened with its setting in one, the
                // prepared statement, the commit.
                c.batch_execute("BEGIN; SET LOCAL synchronous_commit = off")?;
                match c.execute(advance, &params) {
                    Ok(n) => {
                        c.batch_execute("COMMIT")?;
                        n
                    }
                    Err(e) => {
                        let _ = c.batch_execute("ROLLBACK");
                        return Err(e.into());
                    }
                }
            } else {
                c.execute(advance, &params)?
            };
            moved(c, changed, id)
        })
    }

    fn history(&self, id: &str) -> Result<Vec<Transition>, StoreError> {
        let id = id.to_string();
        self.call(move |c| {
            let rows = c.query(
                "SELECT callback_id, from_state, to_state, reason, at, attempt FROM transitions \
                 WHERE callback_id = $1 ORDER BY seq",
                &[&id],
            )?;
            Ok(rows
                .iter()
                .map(|r| Transition {
                    callback_id: r.get(0),
                    from_state: r.get(1),
                    to_state: r.get(2),
                    reason: r.get(3),
                    at: r.get(4),
                    attempt: r.get::<_, Option<i32>>(5).map(|a| a.max(0) as u32),
                })
                .collect())
        })
    }

    fn due(&self, now: i64, limit: usize) -> Result<Vec<StoredCallback>, StoreError> {
        self.query(
            "WHERE state = $1 AND due_at_utc <= $2 ORDER BY due_at_utc, id LIMIT $3".into(),
            vec![
                Param::Text(SCHEDULED.into()),
                Param::Int(now),
                Param::Int(i64::try_from(limit).unwrap_or(i64::MAX)),
            ],
        )
    }

    fn claim_attempt(&mut self, id: &str, attempt: u32, at: i64) -> Result<bool, StoreError> {
        check_attempt(id, attempt)?;
        let id = id.to_string();
        let fence = self.fence.clone();
        self.call(move |c| {
            let mut tx = c.transaction()?;
            let bumped = tx.execute(
                "UPDATE callbacks SET attempts_made = GREATEST(attempts_made, $2), updated_at = $3 \
                 WHERE id = $1 AND ($4::text IS NULL OR claimed_by = $4)",
                &[&id, &(attempt as i32), &at, &fence],
            )?;
            if bumped == 0 {
                // Another dispatcher holds it now: this one must not dial.
                if tx.query_opt("SELECT 1 FROM callbacks WHERE id = $1", &[&id])?.is_some() {
                    return Ok(false);
                }
                return Err(StoreError::NotFound(id));
            }
            let claimed = tx.execute(
                "INSERT INTO attempts (callback_id, attempt, started_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (callback_id, attempt) DO NOTHING",
                &[&id, &(attempt as i32), &at],
            )?;
            if claimed == 0 {
                return Ok(false); // dropping the transaction rolls the bump back
            }
            tx.commit()?;
            Ok(true)
        })
    }

    fn record_dial_result(&mut self, id: &str, attempt: u32, result: &str) -> Result<(), StoreError> {
        check_attempt(id, attempt)?;
        let (id, result) = (id.to_string(), result.to_string());
        let fence = self.fence.clone();
        self.call(move |c| {
            let changed = c.execute(
                "UPDATE attempts SET result = $3 WHERE callback_id = $1 AND attempt = $2 \
                 AND ($4::text IS NULL OR EXISTS \
                     (SELECT 1 FROM callbacks WHERE id = $1 AND claimed_by = $4))",
                &[&id, &(attempt as i32), &result, &fence],
            )?;
            if changed == 0 {
                return Err(StoreError::Invalid(format!("attempt {attempt} of {id} was never claimed")));
            }
            Ok(())
        })
    }

    fn attempts(&self, id: &str) -> Result<Vec<(u32, Option<String>)>, StoreError> {
        let id = id.to_string();
        self.call(move |c| {
            let rows = c.query(
                "SELECT attempt, result FROM attempts WHERE callback_id = $1 ORDER BY attempt",
                &[&id],
            )?;
            Ok(rows.iter().map(|r| (r.get::<_, i32>(0).max(0) as u32, r.get(1))).collect())
        })
    }

    fn acquire_lease(
        &mut self,
        holder: &str,
        now: i64,
        ttl: i64,
    ) -> Result<Option<(String, i64)>, StoreError> {
        let holder = holder.to_string();
        self.call(move |c| {
            let mut tx = c.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock(7474747475)", &[])?;
            if let Some(r) =
                tx.query_opt("SELECT holder, expires_at FROM dispatcher_lease WHERE id = 1", &[])?
            {
                let (other, until): (String, i64) = (r.get(0), r.get(1));
                if other != holder && until > now {
                    return Ok(Some((other, until)));
                }
            }
            tx.execute(
                "INSERT INTO dispatcher_lease (id, holder, expires_at) VALUES (1, $1, $2) \
                 ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at",
                &[&holder, &(now + ttl)],
            )?;
            tx.commit()?;
            Ok(None)
        })
    }

    fn release_lease(&mut self, holder: &str) -> Result<(), StoreError> {
        let holder = holder.to_string();
        self.call(move |c| {
            c.execute("DELETE FROM dispatcher_lease WHERE id = 1 AND holder = $1", &[&holder])?;
            Ok(())
        })
    }

    fn next_due_at(&self) -> Result<Option<i64>, StoreError> {
        self.call(|c| {
            Ok(c.query_one("SELECT min(due_at_utc) FROM callbacks WHERE state = $1", &[&SCHEDULED])?.get(0))
        })
    }

    fn count_by_state(&self) -> Result<Vec<(String, u64)>, StoreError> {
        self.call(|c| {
            let rows = c.query("SELECT state, count(*) FROM callbacks GROUP BY state ORDER BY state", &[])?;
            Ok(rows.iter().map(|r| (r.get(0), r.get::<_, i64>(1).max(0) as u64)).collect())
        })
    }

    fn count_booked(&self, queue: &str, from: i64, to: i64) -> Result<u64, StoreError> {
        let queue = queue.to_string();
        self.call(move |c| count_booked_on(c, &queue, from, to))
    }

    fn pending_summary(&self) -> Result<(Vec<String>, Option<i64>), StoreError> {
        self.call(|c| {
            let pending = "state IN ('SCHEDULED', 'QUEUED', 'ROUTING', 'PROCESSING')";
            let queues = c
                .query(
                    format!("SELECT DISTINCT queue FROM callbacks WHERE {pending} ORDER BY queue").as_str(),
                    &[],
                )?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let latest: Option<i64> = c
                .query_one(format!("SELECT max(updated_at) FROM callbacks WHERE {pending}").as_str(), &[])?
                .get(0);
            Ok((queues, latest))
        })
    }

    fn attempt_log(&self, id: &str) -> Result<Vec<AttemptRecord>, StoreError> {
        let id = id.to_string();
        self.call(move |c| {
            let rows = c.query(
                "SELECT attempt, started_at, result FROM attempts WHERE callback_id = $1 ORDER BY attempt",
                &[&id],
            )?;
            Ok(rows
                .iter()
                .map(|r| AttemptRecord {
                    attempt: r.get::<_, i32>(0).max(0) as u32,
                    started_at: r.get(1),
                    result: r.get(2),
                })
                .collect())
        })
    }

    fn restore(
        &mut self,
        cb: &StoredCallback,
        history: &[Transition],
        attempts: &[AttemptRecord],
    ) -> Result<bool, StoreError> {
        let (cb, history, attempts) = (cb.clone(), history.to_vec(), attempts.to_vec());
        self.call(move |c| {
            let mut tx = c.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&format!("id:{}", cb.id)])?;
            if tx.query_opt("SELECT 1 FROM callbacks WHERE id = $1", &[&cb.id])?.is_some() {
                return Ok(false);
            }
            insert_row(&mut tx, &cb)?;
            for t in &history {
                insert_transition(&mut tx, t)?;
            }
            for a in &attempts {
                tx.execute(
                    "INSERT INTO attempts (callback_id, attempt, started_at, result) VALUES ($1, $2, $3, $4)",
                    &[&cb.id, &(a.attempt as i32), &a.started_at, &a.result],
                )?;
            }
            tx.commit()?;
            Ok(true)
        })
    }

    fn take_rate(&mut self, key: &str, rate: u32) -> Result<Bucket, StoreError> {
        let (key, rate) = (key.to_string(), f64::from(rate.max(1)));
        self.call(move |c| {
            // One statement on one row: the refill (the database's clock), the take and the
            // answer, so servers counting at once cannot both spend the last token. The table is
            // unlogged: a bucket need not survive a crash of the database, and a commit that
            // writes no log waits for no disk.
            let row = c.query_one(
                &format!(
                    "WITH now AS (SELECT {DB_NOW} AS t) \
                     INSERT INTO rate_buckets AS b (key, tokens, at, granted) \
                       SELECT $1, $2::float8 - 1, t, true FROM now \
                     ON CONFLICT (key) DO UPDATE SET \
                       tokens = LEAST($2::float8, b.tokens + (EXCLUDED.at - b.at) / 1e6 * $2::float8) \
                              - CASE WHEN LEAST($2::float8, b.tokens + (EXCLUDED.at - b.at) / 1e6 * $2::float8) >= 1 THEN 1 ELSE 0 END, \
                       granted = LEAST($2::float8, b.tokens + (EXCLUDED.at - b.at) / 1e6 * $2::float8) >= 1, \
                       at = EXCLUDED.at \
                     RETURNING granted, tokens"
                ),
                &[&key, &rate],
            )?;
            let (granted, tokens): (bool, f64) = (row.get(0), row.get(1));
            Ok(if granted { Bucket::Taken } else { Bucket::Wait((1.0 - tokens) / rate) })
        })
    }

    fn shared_dispatch(&self) -> bool {
        true
    }

    fn heartbeat(&mut self, holder: &str, ttl: i64) -> Result<(), StoreError> {
        let holder = holder.to_string();
        self.call(move |c| {
            c.execute(&heartbeat_sql(), &[&holder, &ttl])?;
            Ok(())
        })
    }

    fn claim(&mut self, holder: &str, horizon: i64, limit: usize) -> Result<Vec<StoredCallback>, StoreError> {
        let holder = holder.to_string();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.call(move |c| {
            // FOR UPDATE SKIP LOCKED: two dispatchers claiming at once take different rows
            // instead of waiting for each other.
            let sql = format!(
                "UPDATE callbacks SET claimed_by = $1 WHERE id IN ( \
                   SELECT id FROM callbacks \
                   WHERE state IN ('SCHEDULED', 'QUEUED', 'ROUTING', 'PROCESSING') AND due_at_utc <= $2 \
                     AND (claimed_by IS NULL OR (claimed_by <> $1 AND NOT EXISTS ( \
                          SELECT 1 FROM dispatchers d WHERE d.holder = callbacks.claimed_by \
                          AND d.expires_at >= {DB_NOW}))) \
                   ORDER BY due_at_utc, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
                 RETURNING {COLUMNS}"
            );
            let rows = c.query(sql.as_str(), &[&holder, &horizon, &limit])?;
            let mut claimed: Vec<StoredCallback> = rows.iter().map(row_to_callback).collect();
            claimed.sort_by(|a, b| (a.due_at_utc, &a.id).cmp(&(b.due_at_utc, &b.id)));
            Ok(claimed)
        })
    }

    fn release_claims(&mut self, holder: &str) -> Result<(), StoreError> {
        let holder = holder.to_string();
        self.call(move |c| {
            let mut tx = c.transaction()?;
            tx.execute("UPDATE callbacks SET claimed_by = NULL WHERE claimed_by = $1", &[&holder])?;
            tx.execute("DELETE FROM dispatchers WHERE holder = $1", &[&holder])?;
            tx.commit()?;
            Ok(())
        })
    }

    fn fence(&mut self, holder: &str) {
        self.fence = Some(holder.to_string());
    }

    fn announce_changes(
        &self,
        wake: std::sync::Arc<tokio::sync::Notify>,
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) -> bool {
        self.listen(wake, stop);
        true
    }

    fn keep_alive(
        &self,
        holder: &str,
        ttl: i64,
        every: std::time::Duration,
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) -> bool {
        let (url, holder) = (self.url.clone(), holder.to_string());
        let spawned = std::thread::Builder::new().name("callwright-pg-heartbeat".into()).spawn(move || {
            let mut client: Option<Client> = None;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if client.as_ref().is_none_or(Client::is_closed) {
                    client = connect(&url).ok();
                }
                if let Some(c) = client.as_mut() {
                    let beat = c.execute(&heartbeat_sql(), &[&holder, &ttl]);
                    if beat.is_err() {
                        client = None;
                    }
                }
                std::thread::sleep(every);
            }
        });
        spawned.is_ok()
    }
}

impl PgStore {
    /// Wakes `wake` whenever a callback is created or its due time moves, on any server (LISTEN on
    /// its own connection and thread). Reconnects after a lost connection, waking once then (what
    /// was announced meanwhile is read by the next poll).
    pub fn listen(
        &self,
        wake: std::sync::Arc<tokio::sync::Notify>,
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) {
        let url = self.url.clone();
        let _ = std::thread::Builder::new().name("callwright-pg-listen".into()).spawn(move || {
            use std::sync::atomic::Ordering;
            while !stop.load(Ordering::Relaxed) {
                let mut client = match connect(&url) {
                    Ok(c) => c,
                    Err(_) => {
                        std::thread::sleep(std::time::Duration::from_secs(1));
                        continue;
                    }
                };
                if client.batch_execute(&format!("LISTEN {CHANNEL}")).is_err() {
                    continue;
                }
                wake.notify_one();
                loop {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let mut notes = client.notifications();
                    use postgres::fallible_iterator::FallibleIterator;
                    let mut it = notes.timeout_iter(std::time::Duration::from_millis(500));
                    match it.next() {
                        Ok(Some(_)) => {
                            // Drain what came together: one wake for a batch.
                            while let Ok(Some(_)) = it.next() {}
                            wake.notify_one();
                        }
                        Ok(None) => {}
                        Err(_) => break,
                    }
                }
            }
        });
    }
}

fn contact_of(id: i64, json: &str) -> Result<Contact, StoreError> {
    let mut c: Contact = serde_json::from_str(json)
        .map_err(|e| StoreError::Invalid(format!("contact {id} cannot be read: {e}")))?;
    c.id = id.to_string();
    Ok(c)
}

fn contact_key(id: &str) -> Option<i64> {
    id.parse().ok().filter(|n| *n > 0)
}

fn contact_json(c: &Contact) -> Result<String, StoreError> {
    serde_json::to_string(c).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn contacts_where(c: &mut Client, sql: &str, arg: &str, limit: i64) -> Result<Vec<Contact>, StoreError> {
    let rows = c.query(sql, &[&arg, &limit])?;
    rows.iter().map(|r| contact_of(r.get(0), r.get(1))).collect()
}

/// `LIKE` pattern for names starting with `prefix`, its wildcards taken literally.
fn prefix_pattern(prefix: &str) -> String {
    let mut p = String::new();
    for ch in prefix.to_lowercase().chars() {
        if matches!(ch, '\\' | '%' | '_') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

impl ContactStore for PgStore {
    fn insert_contact(&mut self, contact: &Contact) -> Result<Contact, StoreError> {
        let contact = contact.clone();
        self.call(move |c| {
            let mut tx = c.transaction()?;
            let id: i64 = tx
                .query_one(
                    "INSERT INTO contacts (name, payload_json, updated_at) VALUES ($1, '{}', $2) RETURNING id",
                    &[&contact.name, &contact.updated_at.timestamp_micros()],
                )?
                .get(0);
            let mut stored = contact;
            stored.id = id.to_string();
            tx.execute("UPDATE contacts SET payload_json = $2 WHERE id = $1", &[&id, &contact_json(&stored)?])?;
            for n in &stored.numbers {
                tx.execute(
                    "INSERT INTO contact_numbers (contact_id, number) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &[&id, &n.number],
                )?;
            }
            tx.commit()?;
            Ok(stored)
        })
    }

    /// One transaction, a few round trips per 10,000 contacts: the ids are drawn from the
    /// sequence first, then the contacts and their numbers go in as arrays (`unnest`), so a
    /// 100k-row list loads in seconds rather than one round trip per row.
    fn insert_contacts(&mut self, contacts: &[Contact]) -> Result<usize, StoreError> {
        let contacts = contacts.to_vec();
        self.call(move |c| {
            let mut tx = c.transaction()?;
            for chunk in contacts.chunks(10_000) {
                let ids: Vec<i64> = tx
                    .query(
                        "SELECT nextval(pg_get_serial_sequence('contacts', 'id')) FROM generate_series(1, $1::bigint)",
                        &[&(chunk.len() as i64)],
                    )?
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                let (mut names, mut payloads, mut stamps) = (Vec::new(), Vec::new(), Vec::new());
                let (mut owners, mut numbers) = (Vec::new(), Vec::new());
                for (contact, &id) in chunk.iter().zip(&ids) {
                    let mut stored = contact.clone();
                    stored.id = id.to_string();
                    names.push(stored.name.clone());
                    payloads.push(contact_json(&stored)?);
                    stamps.push(stored.updated_at.timestamp_micros());
                    let mut seen: Vec<&str> = Vec::new();
                    for n in &contact.numbers {
                        if !seen.contains(&n.number.as_str()) {
                            seen.push(&n.number);
                            owners.push(id);
                            numbers.push(n.number.clone());
                        }
                    }
                }
                tx.execute(
                    "INSERT INTO contacts (id, name, payload_json, updated_at) \
                     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[])",
                    &[&ids, &names, &payloads, &stamps],
                )?;
                tx.execute(
                    "INSERT INTO contact_numbers (contact_id, number) \
                     SELECT * FROM unnest($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING",
                    &[&owners, &numbers],
                )?;
            }
            tx.commit()?;
            Ok(contacts.len())
        })
    }

    fn update_contact(&mut self, contact: &Contact) -> Result<bool, StoreError> {
        let Some(id) = contact_key(&contact.id) else { return Ok(false) };
        let contact = contact.clone();
        self.call(move |c| {
            let mut tx = c.transaction()?;
            let n = tx.execute(
                "UPDATE contacts SET name = $2, payload_json = $3, updated_at = $4 WHERE id = $1",
                &[&id, &contact.name, &contact_json(&contact)?, &contact.updated_at.timestamp_micros()],
            )?;
            if n == 0 {
                return Ok(false);
            }
            tx.execute("DELETE FROM contact_numbers WHERE contact_id = $1", &[&id])?;
            for num in &contact.numbers {
                tx.execute(
                    "INSERT INTO contact_numbers (contact_id, number) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &[&id, &num.number],
                )?;
            }
            tx.commit()?;
            Ok(true)
        })
    }

    fn get_contact(&self, id: &str) -> Result<Option<Contact>, StoreError> {
        let Some(id) = contact_key(id) else { return Ok(None) };
        self.call(move |c| {
            c.query_opt("SELECT payload_json FROM contacts WHERE id = $1", &[&id])?
                .map(|r| contact_of(id, r.get(0)))
                .transpose()
        })
    }

    fn contacts_by_number(&self, number: &str) -> Result<Vec<Contact>, StoreError> {
        let number = number.to_string();
        self.call(move |c| {
            contacts_where(
                c,
                "SELECT c.id, c.payload_json FROM contacts c JOIN contact_numbers n ON n.contact_id = c.id \
                 WHERE n.number = $1 ORDER BY c.id LIMIT $2",
                &number,
                100,
            )
        })
    }

    fn contacts_by_name(&self, prefix: &str, limit: usize) -> Result<Vec<Contact>, StoreError> {
        let pattern = prefix_pattern(prefix);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.call(move |c| {
            contacts_where(
                c,
                "SELECT id, payload_json FROM contacts WHERE lower(name) LIKE $1 ORDER BY name, id LIMIT $2",
                &pattern,
                limit,
            )
        })
    }

    fn delete_contact(&mut self, id: &str) -> Result<bool, StoreError> {
        let Some(id) = contact_key(id) else { return Ok(false) };
        self.call(move |c| Ok(c.execute("DELETE FROM contacts WHERE id = $1", &[&id])? > 0))
    }
}
