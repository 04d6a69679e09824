//! The callback store: where every callback and every state transition is recorded.
//!
//! docs/design.md ("Queues, positions, and the callback hand-over") asks for dispatch that is
//! *at-least-once underneath and idempotent on top*: a callback attempt is dialled once, and an
//! acknowledged callback survives a crash. This module provides the storage half of that promise
//! behind one trait, [`CallbackStore`], with two implementations:
//!
//! - [`MemoryStore`]: `BTreeMap`-based, deterministic iteration, for the simulator;
//! - [`SqliteStore`]: embedded SQLite in WAL mode with `synchronous=FULL`, for a service;
//! - [`PgStore`]: PostgreSQL, for many servers and dispatchers on one database.
//!
//! The store deliberately knows nothing of the callback model (`callbacks::model`): it keeps its
//! own flat record, [`StoredCallback`], with the state as a string (`"SCHEDULED"`, `"QUEUED"`, ...)
//! and the rest of the callback serialised into `payload_json`. The model maps onto it.
//!
//! The idempotency tools, and how a dispatcher uses them:
//!
//! - [`CallbackStore::insert`] with an `idempotency_key`: a repeated request (a client retry after
//!   a lost answer) returns [`InsertOutcome::Existing`] with the first callback's id instead of
//!   creating a second callback; [`CallbackStore::insert_batch`] does the same for many at once,
//!   in one transaction, all or nothing;
//! - [`CallbackStore::transition`] is a compare-and-set on the state, so two dispatchers (or a
//!   dispatcher and a supervisor's cancel) cannot both move the same callback;
//! - [`CallbackStore::claim_attempt`] is called *before* dialling: it durably records "attempt n
//!   started" and answers `false` if attempt n was already claimed, so a dispatcher that crashed
//!   after claiming and restarted does not dial the customer a second time for the same attempt.

mod any;
pub mod codec;
mod memory;
mod postgres;
mod sqlite;

#[cfg(test)]
mod tests;

pub use any::{AnyStore, OpenMode, open};
pub use memory::MemoryStore;
pub mod transfer;
pub use postgres::{PG_SCHEMA_VERSION, PgStore, in_schema, is_postgres_url, redact};
pub use sqlite::{BUSY_TIMEOUT, SCHEMA_VERSION, SqliteStore, migrate};

use std::path::PathBuf;

/// The state the scheduler's [`CallbackStore::due`] query looks for.
pub const SCHEDULED: &str = "SCHEDULED";

/// A token bucket's answer ([`CallbackStore::take_rate`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bucket {
    /// This store keeps no buckets (one process owns it): the caller counts in its own memory.
    Local,
    /// One token taken.
    Taken,
    /// Empty: the next token comes in this many seconds.
    Wait(f64),
}

/// What the dispatcher changes beside the state (see [`CallbackStore::advance`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Step {
    /// `attempts_made` becomes at least this (it never goes down).
    pub attempts_made: u32,
    /// A retry's new due time (UTC unix microseconds): a dispatcher started after a crash must
    /// not dial it early.
    pub due_at_utc: Option<i64>,
    /// An ended callback's (state word, end reason), written into the payload too: list, show
    /// and exports read them there, not only in the history.
    pub ended: Option<(String, String)>,
}

impl Step {
    /// The step applied to a row the way the databases' statements apply it.
    pub fn apply(&self, row: &mut StoredCallback) {
        row.attempts_made = row.attempts_made.max(self.attempts_made);
        if let Some(due) = self.due_at_utc {
            row.due_at_utc = due;
        }
        if let Some((state, end)) = &self.ended
            && let Ok(mut payload) = serde_json::from_str::<serde_json::Value>(&row.payload_json)
        {
            payload["end_reason"] = serde_json::Value::String(end.clone());
            payload["state"] = serde_json::Value::String(state.clone());
            row.payload_json = payload.to_string();
        }
    }
}

/// One callback as the store keeps it. Times are UTC unix microseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCallback {
    pub id: String,
    /// The callback number, normalised to E.164 by the caller: [`CallbackStore::by_number`] is an
    /// exact match.
    pub number: String,
    pub queue: String,
    /// The owning agent of an agent-owned callback.
    pub owner: Option<String>,
    /// `SCHEDULED`, `QUEUED`, `ROUTING`, `PROCESSING`, `COMPLETED`, `CANCELLED`, `FAILED`,
    /// `EXPIRED` (the store does not check the vocabulary).
    pub state: String,
    /// When the callback is due, UTC unix microseconds.
    pub due_at_utc: i64,
    /// Everything else about the callback (name, window, time zone, data, ...), as JSON.
    pub payload_json: String,
    pub attempts_made: u32,
    /// A client-supplied key: a second insert with the same key returns the first callback.
    pub idempotency_key: Option<String>,
    /// Last change, UTC unix microseconds.
    pub updated_at: i64,
}

/// One recorded state change. The history of a callback starts with its creation
/// (`from_state: None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub callback_id: String,
    /// `None` for the creation record written by [`CallbackStore::insert`].
    pub from_state: Option<String>,
    pub to_state: String,
    pub reason: Option<String>,
    /// UTC unix microseconds.
    pub at: i64,
    /// The callback's `attempts_made` after the transition, when at least one attempt was made.
    pub attempt: Option<u32>,
}

impl Transition {
    /// The creation record of a callback just inserted.
    pub fn created(cb: &StoredCallback) -> Transition {
        Transition {
            callback_id: cb.id.clone(),
            from_state: None,
            to_state: cb.state.clone(),
            reason: None,
            at: cb.updated_at,
            attempt: attempt_of(cb.attempts_made),
        }
    }
}

/// One claimed dial attempt as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub attempt: u32,
    /// UTC unix microseconds.
    pub started_at: i64,
    /// `answered`, `no_answer`, `busy`, `machine`; `None`: not known (a crash during the dial).
    pub result: Option<String>,
}

/// What [`CallbackStore::insert`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    /// A new callback was stored.
    Inserted,
    /// The idempotency key was already used: nothing was stored, this is the existing callback.
    Existing(String),
}

/// Which callbacks [`CallbackStore::list`] returns: every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub state: Option<String>,
    pub queue: Option<String>,
    pub owner: Option<String>,
    /// Only callbacks with `due_at_utc` strictly before this instant.
    pub due_before: Option<i64>,
    /// Only callbacks with `due_at_utc` at or after this instant.
    pub due_from: Option<i64>,
}

impl ListFilter {
    /// Whether `cb` passes every condition that is set.
    pub fn matches(&self, cb: &StoredCallback) -> bool {
        self.state.as_ref().is_none_or(|s| *s == cb.state)
            && self.queue.as_ref().is_none_or(|q| *q == cb.queue)
            && self.owner.as_ref().is_none_or(|o| cb.owner.as_ref() == Some(o))
            && self.due_before.is_none_or(|t| cb.due_at_utc < t)
            && self.due_from.is_none_or(|t| cb.due_at_utc >= t)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the callback store at {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "the callback store at {path} has schema version {found}, newer than this build supports ({supported}); upgrade callwright"
    )]
    SchemaTooNew { path: PathBuf, found: u32, supported: u32 },
    #[error(
        "{path} is not a callwright callback database (it holds other tables: {tables}); callwright will not add its tables to another application's file — pass a new file with --db"
    )]
    Foreign { path: PathBuf, tables: String },
    #[error("there is no callback database at {0} (schedule a callback to create it, or check --db)")]
    Missing(PathBuf),
    #[error("no callback with id {0}")]
    NotFound(String),
    #[error("a callback with id {0} already exists")]
    DuplicateId(String),
    #[error("invalid store request: {0}")]
    Invalid(String),
    #[error("callback store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Pg(String),
    #[error(
        "the database at {url} has callwright schema version {found}, newer than this build supports ({supported}); upgrade callwright (nothing was changed)"
    )]
    PgSchemaTooNew { url: String, found: u32, supported: u32 },
    #[error(
        "the database at {url} has callwright schema version {found}; this build needs {wanted}: run `callwright db migrate --db {url}` (or start with --migrate)"
    )]
    PgSchemaBehind { url: String, found: u32, wanted: u32 },
}

/// What [`CallbackStore::insert_if`] asks: shown the related rows, the next sequence number and
/// the places booked in the slot, it answers the row to store (or `None`).
pub type Decide<'a> = dyn FnMut(&[StoredCallback], u64, u64) -> Option<StoredCallback> + 'a;

/// Durable (or simulated) storage of callbacks and their transitions. Every mutating call is
/// atomic: it happens completely or not at all.
pub trait CallbackStore {
    /// Stores a new callback and its creation transition. With an `idempotency_key` that is
    /// already stored, stores nothing and returns [`InsertOutcome::Existing`] with that callback's
    /// id. A reused `id` (without a matching key) is [`StoreError::DuplicateId`].
    fn insert(&mut self, cb: &StoredCallback) -> Result<InsertOutcome, StoreError>;

    /// Stores several new callbacks at once, all or nothing: one transaction and, for SQLite, one
    /// commit (one fsync) for the whole batch, so a batch is acknowledged only when every row in
    /// it is durable. Each row is treated as [`CallbackStore::insert`] would treat it, in order:
    /// a row whose idempotency key is already stored, or used by an earlier row of the batch,
    /// stores nothing and gives [`InsertOutcome::Existing`]. Any error (a reused id, say) fails
    /// the whole batch and stores none of it.
    fn insert_batch(&mut self, cbs: &[StoredCallback]) -> Result<Vec<InsertOutcome>, StoreError>;

    /// Looks and inserts under one write lock, so no other writer (another process on the same
    /// file) can store a callback between the look and the insert: `decide` is shown the stored
    /// callbacks of `number`, the one holding `key` (if any), and the next sequence number, and
    /// returns the row to store, or `None` to store nothing. This is how the 48-hour duplicate
    /// rule holds for concurrent writers. With `slot` (queue, from, to), `decide` is also shown
    /// [`CallbackStore::count_booked`] for it, counted under the same lock, so two writers racing
    /// for a slot's last place cannot both take it. Returns the insert's outcome, or `None` when
    /// `decide` stored nothing.
    fn insert_if(
        &mut self,
        number: &str,
        key: Option<&str>,
        slot: Option<(&str, i64, i64)>,
        decide: &mut Decide<'_>,
    ) -> Result<Option<InsertOutcome>, StoreError>;

    fn get(&self, id: &str) -> Result<Option<StoredCallback>, StoreError>;

    /// The callback created with idempotency key `key`, if any. Indexed: O(log n).
    fn by_idempotency_key(&self, key: &str) -> Result<Option<StoredCallback>, StoreError>;

    /// A creation number greater than that of every callback stored so far (callbacks are never
    /// deleted), in O(log n): what new ids and [`Position`](crate::callbacks::Position) sequence
    /// numbers are drawn from. It is not a reservation: two writers can be given the same
    /// number, and the loser's insert answers [`StoreError::DuplicateId`], so take the next.
    fn next_seq(&self) -> Result<u64, StoreError>;

    /// Callbacks whose number is exactly `number`, ordered by (due_at, id). Indexed: O(log n + k)
    /// for k callbacks of that number.
    fn by_number(&self, number: &str) -> Result<Vec<StoredCallback>, StoreError>;

    /// Callbacks matching `filter`, ordered by (due_at, id).
    fn list(&self, filter: &ListFilter) -> Result<Vec<StoredCallback>, StoreError>;

    /// One page of the callbacks matching `filter`, in id order: at most `limit`, with ids after
    /// `after` (the last id of the previous page). Pages through the primary key, so a page costs
    /// the same however many callbacks are stored.
    fn page(
        &self,
        filter: &ListFilter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredCallback>, StoreError>;

    /// How many callbacks match `filter`.
    fn count(&self, filter: &ListFilter) -> Result<u64, StoreError>;

    /// Moves a callback to a new state iff it is currently in `from` (compare-and-set), recording
    /// the transition in the same transaction. Returns false if the state was not `from`
    /// (someone else moved it); nothing is changed then. An unknown id is
    /// [`StoreError::NotFound`].
    ///
    /// With `update`, the callback's number, queue, owner, due time, payload and attempts_made
    /// are replaced by `update`'s (its `id` must be `id`; its `state`, `idempotency_key` and
    /// `updated_at` are ignored). `updated_at` becomes `at` in every case.
    fn transition(
        &mut self,
        id: &str,
        from: &str,
        to: &str,
        reason: Option<&str>,
        at: i64,
        update: Option<&StoredCallback>,
    ) -> Result<bool, StoreError>;

    /// The dispatcher's move: a compare-and-set on the state like [`Self::transition`], that
    /// writes only the fields the lifecycle owns (`step`) in the same statement. It never
    /// rewrites the rest of the row, so an edit or a disposition an API server wrote meanwhile
    /// is kept (a read-then-write would put the old row back).
    fn advance(
        &mut self,
        id: &str,
        from: &str,
        to: &str,
        reason: &str,
        at: i64,
        step: &Step,
    ) -> Result<bool, StoreError>;

    /// Every transition of a callback, creation first, in the order they were recorded.
    fn history(&self, id: &str) -> Result<Vec<Transition>, StoreError>;

    /// Due callbacks (state `SCHEDULED`, due_at ≤ now), ordered by (due_at, id), at most `limit`:
    /// the scheduler's query.
    fn due(&self, now: i64, limit: usize) -> Result<Vec<StoredCallback>, StoreError>;

    /// Claim an attempt before dialling: records `attempt n started` durably (and raises
    /// `attempts_made` to at least `attempt`) and returns false if that attempt was already
    /// claimed, so after a crash an attempt is never dialled twice. Attempts count from 1.
    fn claim_attempt(&mut self, id: &str, attempt: u32, at: i64) -> Result<bool, StoreError>;

    /// Records how claimed attempt `attempt` ended (`answered`, `no_answer`, `busy`, `machine`)
    /// as soon as it is known, so that after a crash an answered customer is never dialled again.
    fn record_dial_result(&mut self, id: &str, attempt: u32, result: &str) -> Result<(), StoreError>;

    /// The claimed attempts of `id`, in order, with their results where known (`None`: the
    /// outcome was not recorded — a crash during the dial; such an attempt counts as made).
    fn attempts(&self, id: &str) -> Result<Vec<(u32, Option<String>)>, StoreError>;

    /// Takes or renews the dispatcher lease for `holder` until `now + ttl` (wall-clock Unix
    /// microseconds), unless another holder's lease has not expired: then answers that holder and
    /// its expiry, and changes nothing. One dispatcher works a database at a time.
    fn acquire_lease(
        &mut self,
        holder: &str,
        now: i64,
        ttl: i64,
    ) -> Result<Option<(String, i64)>, StoreError>;

    /// Gives the lease up (a clean stop), if `holder` has it.
    fn release_lease(&mut self, holder: &str) -> Result<(), StoreError>;

    /// The earliest due time of a `SCHEDULED` callback, if any: when the scheduler should wake.
    fn next_due_at(&self) -> Result<Option<i64>, StoreError>;

    /// How many callbacks are in each state, by state name (for metrics).
    fn count_by_state(&self) -> Result<Vec<(String, u64)>, StoreError>;

    /// How many callbacks of `queue` that are not cancelled fall due in `from..to` (UTC unix
    /// microseconds): the places taken in a booking slot.
    fn count_booked(&self, queue: &str, from: i64, to: i64) -> Result<u64, StoreError>;

    /// The claimed attempts of `id` with when each started and its result, for an export.
    fn attempt_log(&self, id: &str) -> Result<Vec<AttemptRecord>, StoreError>;

    /// Puts back one exported callback exactly as it was — its row, its whole history and its
    /// attempts — in one transaction. `false` (and nothing changed) when a callback with its id
    /// is already stored, so an import can be run again.
    fn restore(
        &mut self,
        cb: &StoredCallback,
        history: &[Transition],
        attempts: &[AttemptRecord],
    ) -> Result<bool, StoreError>;

    /// The queues of the pending callbacks and the latest change among them: what a dispatcher
    /// needs before it starts (its queues, and an epoch no earlier than the store's history).
    fn pending_summary(&self) -> Result<(Vec<String>, Option<i64>), StoreError>;

    /// Starts a group commit: the creations that follow share one transaction until
    /// [`CallbackStore::commit_group`] (SQLite: one fsync for many). A store without groups commits
    /// each creation on its own, and these do nothing.
    fn begin_group(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Commits the group; on failure nothing of it was stored.
    fn commit_group(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Takes one token from the bucket `key` (refilled at `rate` a second, holding at most
    /// `rate`): in the database when several servers share it, so a client spread over them
    /// gets the rate once, not once per server. [`Bucket::Local`] by default.
    fn take_rate(&mut self, _key: &str, _rate: u32) -> Result<Bucket, StoreError> {
        Ok(Bucket::Local)
    }

    /// Whether several dispatchers may work this store at once, each claiming the callbacks it
    /// serves ([`CallbackStore::claim`]); otherwise one dispatcher holds the lease
    /// ([`CallbackStore::acquire_lease`]) and the others wait.
    fn shared_dispatch(&self) -> bool {
        false
    }

    /// Says that dispatcher `holder` is alive for `ttl` more microseconds (the database's clock):
    /// its claims hold until then. A dispatcher that stops beating loses its claims to the others.
    fn heartbeat(&mut self, holder: &str, ttl: i64) -> Result<(), StoreError> {
        let _ = (holder, ttl);
        Err(StoreError::Invalid("this store has one dispatcher at a time (a lease), not claims".into()))
    }

    /// Claims for `holder` up to `limit` pending callbacks due by `horizon` (UTC unix
    /// microseconds) that no live dispatcher holds — unclaimed ones, and those of a dispatcher
    /// whose heartbeat ran out — skipping rows another dispatcher is claiming at this moment.
    fn claim(&mut self, holder: &str, horizon: i64, limit: usize) -> Result<Vec<StoredCallback>, StoreError> {
        let _ = (holder, horizon, limit);
        Err(StoreError::Invalid("this store has one dispatcher at a time (a lease), not claims".into()))
    }

    /// A clean stop: `holder`'s claims and heartbeat are given up at once.
    fn release_claims(&mut self, holder: &str) -> Result<(), StoreError> {
        let _ = holder;
        Ok(())
    }

    /// Wakes `wake` whenever a callback is created or its due time moves, from any process, until
    /// `stop` is set; `false` when the store cannot announce changes (then dispatchers poll).
    fn announce_changes(
        &self,
        wake: std::sync::Arc<tokio::sync::Notify>,
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) -> bool {
        let _ = (wake, stop);
        false
    }

    /// Renews `holder`'s heartbeat every `every` on a thread and connection of its own until
    /// `stop` is set, so a busy dispatcher is never taken for a dead one; `false` when the store
    /// has no heartbeats (one dispatcher, a lease).
    fn keep_alive(
        &self,
        holder: &str,
        ttl: i64,
        every: std::time::Duration,
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) -> bool {
        let _ = (holder, ttl, every, stop);
        false
    }

    /// From now on this store's writes to callbacks (transitions, attempt claims, dial results)
    /// succeed only on callbacks `holder` has claimed: a dispatcher that stalled past its
    /// heartbeat and lost a callback to another cannot record a dial for it (the fencing token).
    fn fence(&mut self, holder: &str) {
        let _ = holder;
    }
}

/// Contacts (the customers behind callbacks), kept beside the callbacks.
pub trait ContactStore {
    /// Stores a new contact; answers it with its id.
    fn insert_contact(
        &mut self,
        contact: &crate::callbacks::contact::Contact,
    ) -> Result<crate::callbacks::contact::Contact, StoreError>;
    /// Replaces a stored contact (its numbers too); `false` when there is none with its id.
    /// Stores many new contacts (a contact-list import) in one transaction: all or none; answers
    /// how many. The default stores them one by one.
    fn insert_contacts(
        &mut self,
        contacts: &[crate::callbacks::contact::Contact],
    ) -> Result<usize, StoreError> {
        for c in contacts {
            self.insert_contact(c)?;
        }
        Ok(contacts.len())
    }
    fn update_contact(&mut self, contact: &crate::callbacks::contact::Contact) -> Result<bool, StoreError>;
    fn get_contact(&self, id: &str) -> Result<Option<crate::callbacks::contact::Contact>, StoreError>;
    /// The contacts that have `number` (E.164), oldest first, at most 100.
    fn contacts_by_number(&self, number: &str)
    -> Result<Vec<crate::callbacks::contact::Contact>, StoreError>;
    /// Contacts whose name starts with `prefix` (case-insensitive for ASCII), at most `limit`.
    fn contacts_by_name(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<crate::callbacks::contact::Contact>, StoreError>;
    /// Removes a contact (its callbacks stay); `false` when there was none.
    fn delete_contact(&mut self, id: &str) -> Result<bool, StoreError>;
}

/// Everything the service keeps: callbacks and contacts.
pub trait Store: CallbackStore + ContactStore {}

impl<T: CallbackStore + ContactStore + ?Sized> Store for T {}

/// [`CallbackStore::pending_summary`] from the pending rows themselves (the embedded stores).
fn summary_of(rows: Vec<StoredCallback>) -> (Vec<String>, Option<i64>) {
    let mut queues: Vec<String> = rows.iter().map(|r| r.queue.clone()).collect();
    queues.sort();
    queues.dedup();
    (queues, rows.iter().map(|r| r.updated_at).max())
}

/// Checks shared by both implementations.
/// The rows a new callback's rules look at: the one holding its idempotency key, then the
/// number's, each once (both stores' [`CallbackStore::insert_if`]).
fn related(
    by_key: impl IntoIterator<Item = StoredCallback>,
    by_number: Vec<StoredCallback>,
) -> Vec<StoredCallback> {
    let mut rows: Vec<StoredCallback> = by_key.into_iter().collect();
    for row in by_number {
        if !rows.iter().any(|r| r.id == row.id) {
            rows.push(row);
        }
    }
    rows
}

fn check_update(id: &str, update: Option<&StoredCallback>) -> Result<(), StoreError> {
    match update {
        Some(u) if u.id != id => {
            Err(StoreError::Invalid(format!("transition of {id} carries an update for {}", u.id)))
        }
        _ => Ok(()),
    }
}

fn check_attempt(id: &str, attempt: u32) -> Result<(), StoreError> {
    if attempt == 0 {
        return Err(StoreError::Invalid(format!("attempt numbers count from 1 (callback {id} was given 0)")));
    }
    Ok(())
}

/// The `attempt` recorded with a transition.
fn attempt_of(attempts_made: u32) -> Option<u32> {
    (attempts_made > 0).then_some(attempts_made)
}
