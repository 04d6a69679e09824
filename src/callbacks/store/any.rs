//! Opening a store by what `--db` names, and a boxed store used as a store: the one way the CLI,
//! the dispatcher and the service get their store, whatever the engine behind it.

use super::{
    AttemptRecord, Bucket, CallbackStore, ContactStore, Decide, InsertOutcome, ListFilter, PgStore,
    SqliteStore, Step, Store, StoreError, StoredCallback, Transition, is_postgres_url,
};

use crate::callbacks::contact::Contact;

/// A store of either engine, movable to the thread that uses it.
pub type AnyStore = Box<dyn Store + Send>;

/// How a store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create and migrate an SQLite file; a PostgreSQL database must be at this build's schema.
    Write,
    /// Only read: an SQLite file must exist and is not migrated.
    Read,
    /// Write, and migrate a PostgreSQL database that is behind (`--migrate`).
    Migrate,
}

/// Opens `db`: a `postgres://` or `postgresql://` URL, else an SQLite file path.
pub fn open(db: &str, mode: OpenMode) -> Result<AnyStore, StoreError> {
    if is_postgres_url(db) {
        return Ok(Box::new(PgStore::open(db, mode == OpenMode::Migrate)?));
    }
    Ok(Box::new(match mode {
        OpenMode::Read => SqliteStore::open_read_only(db)?,
        _ => SqliteStore::open(db)?,
    }))
}

impl<T: CallbackStore + ?Sized> CallbackStore for Box<T> {
    fn insert(&mut self, cb: &StoredCallback) -> Result<InsertOutcome, StoreError> {
        (**self).insert(cb)
    }

    fn insert_batch(&mut self, cbs: &[StoredCallback]) -> Result<Vec<InsertOutcome>, StoreError> {
        (**self).insert_batch(cbs)
    }

    fn insert_if(
        &mut self,
        number: &str,
        key: Option<&str>,
        slot: Option<(&str, i64, i64)>,
        decide: &mut Decide<'_>,
    ) -> Result<Option<InsertOutcome>, StoreError> {
        (**self).insert_if(number, key, slot, decide)
    }

    fn get(&self, id: &str) -> Result<Option<StoredCallback>, StoreError> {
        (**self).get(id)
    }

    fn by_idempotency_key(&self, key: &str) -> Result<Option<StoredCallback>, StoreError> {
        (**self).by_idempotency_key(key)
    }

    fn next_seq(&self) -> Result<u64, StoreError> {
        (**self).next_seq()
    }

    fn by_number(&self, number: &str) -> Result<Vec<StoredCallback>, StoreError> {
        (**self).by_number(number)
    }

    fn list(&self, filter: &ListFilter) -> Result<Vec<StoredCallback>, StoreError> {
        (**self).list(filter)
    }

    fn page(
        &self,
        filter: &ListFilter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredCallback>, StoreError> {
        (**self).page(filter, after, limit)
    }

    fn count(&self, filter: &ListFilter) -> Result<u64, StoreError> {
        (**self).count(filter)
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
        (**self).transition(id, from, to, reason, at, update)
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
        (**self).advance(id, from, to, reason, at, step)
    }

    fn history(&self, id: &str) -> Result<Vec<Transition>, StoreError> {
        (**self).history(id)
    }

    fn due(&self, now: i64, limit: usize) -> Result<Vec<StoredCallback>, StoreError> {
        (**self).due(now, limit)
    }

    fn claim_attempt(&mut self, id: &str, attempt: u32, at: i64) -> Result<bool, StoreError> {
        (**self).claim_attempt(id, attempt, at)
    }

    fn record_dial_result(&mut self, id: &str, attempt: u32, result: &str) -> Result<(), StoreError> {
        (**self).record_dial_result(id, attempt, result)
    }

    fn attempts(&self, id: &str) -> Result<Vec<(u32, Option<String>)>, StoreError> {
        (**self).attempts(id)
    }

    fn acquire_lease(
        &mut self,
        holder: &str,
        now: i64,
        ttl: i64,
    ) -> Result<Option<(String, i64)>, StoreError> {
        (**self).acquire_lease(holder, now, ttl)
    }

    fn release_lease(&mut self, holder: &str) -> Result<(), StoreError> {
        (**self).release_lease(holder)
    }

    fn next_due_at(&self) -> Result<Option<i64>, StoreError> {
        (**self).next_due_at()
    }

    fn count_by_state(&self) -> Result<Vec<(String, u64)>, StoreError> {
        (**self).count_by_state()
    }

    fn count_booked(&self, queue: &str, from: i64, to: i64) -> Result<u64, StoreError> {
        (**self).count_booked(queue, from, to)
    }

    fn take_rate(&mut self, key: &str, rate: u32) -> Result<Bucket, StoreError> {
        (**self).take_rate(key, rate)
    }

    fn shared_dispatch(&self) -> bool {
        (**self).shared_dispatch()
    }

    fn heartbeat(&mut self, holder: &str, ttl: i64) -> Result<(), StoreError> {
        (**self).heartbeat(holder, ttl)
    }

    fn claim(&mut self, holder: &str, horizon: i64, limit: usize) -> Result<Vec<StoredCallback>, StoreError> {
        (**self).claim(holder, horizon, limit)
    }

    fn release_claims(&mut self, holder: &str) -> Result<(), StoreError> {
        (**self).release_claims(holder)
    }

    fn fence(&mut self, holder: &str) {
        (**self).fence(holder)
    }

    fn announce_changes(
        &self,
        wake: std::sync::Arc<tokio::sync::Notify>,
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) -> bool {
        (**self).announce_changes(wake, stop)
    }

    fn keep_alive(
        &self,
        holder: &str,
        ttl: i64,
        every: std::time::Duration,
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) -> bool {
        (**self).keep_alive(holder, ttl, every, stop)
    }

    fn attempt_log(&self, id: &str) -> Result<Vec<AttemptRecord>, StoreError> {
        (**self).attempt_log(id)
    }

    fn restore(
        &mut self,
        cb: &StoredCallback,
        history: &[Transition],
        attempts: &[AttemptRecord],
    ) -> Result<bool, StoreError> {
        (**self).restore(cb, history, attempts)
    }

    fn begin_group(&mut self) -> Result<(), StoreError> {
        (**self).begin_group()
    }

    fn commit_group(&mut self) -> Result<(), StoreError> {
        (**self).commit_group()
    }

    fn pending_summary(&self) -> Result<(Vec<String>, Option<i64>), StoreError> {
        (**self).pending_summary()
    }
}

impl<T: ContactStore + ?Sized> ContactStore for Box<T> {
    fn insert_contact(&mut self, contact: &Contact) -> Result<Contact, StoreError> {
        (**self).insert_contact(contact)
    }

    fn insert_contacts(&mut self, contacts: &[Contact]) -> Result<usize, StoreError> {
        (**self).insert_contacts(contacts)
    }

    fn update_contact(&mut self, contact: &Contact) -> Result<bool, StoreError> {
        (**self).update_contact(contact)
    }

    fn get_contact(&self, id: &str) -> Result<Option<Contact>, StoreError> {
        (**self).get_contact(id)
    }

    fn contacts_by_number(&self, number: &str) -> Result<Vec<Contact>, StoreError> {
        (**self).contacts_by_number(number)
    }

    fn contacts_by_name(&self, prefix: &str, limit: usize) -> Result<Vec<Contact>, StoreError> {
        (**self).contacts_by_name(prefix, limit)
    }

    fn delete_contact(&mut self, id: &str) -> Result<bool, StoreError> {
        (**self).delete_contact(id)
    }
}
