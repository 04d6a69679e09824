//! [`MemoryStore`]: the simulator's store. Deterministic (every map is a `BTreeMap`), not durable.

use super::{
    CallbackStore, InsertOutcome, ListFilter, SCHEDULED, StoreError, StoredCallback, Transition, attempt_of,
    check_attempt, check_update,
};
use std::collections::BTreeMap;

/// An in-memory [`CallbackStore`] with the same semantics as [`super::SqliteStore`].
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    callbacks: BTreeMap<String, StoredCallback>,
    /// idempotency key → callback id.
    keys: BTreeMap<String, String>,
    /// callback id → its transitions, in order.
    transitions: BTreeMap<String, Vec<Transition>>,
    /// (callback id, attempt) → when it was claimed.
    attempts: BTreeMap<(String, u32), i64>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.callbacks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.callbacks.is_empty()
    }

    fn sorted(mut v: Vec<StoredCallback>) -> Vec<StoredCallback> {
        v.sort_by(|a, b| (a.due_at_utc, &a.id).cmp(&(b.due_at_utc, &b.id)));
        v
    }
}

impl CallbackStore for MemoryStore {
    fn insert(&mut self, cb: &StoredCallback) -> Result<InsertOutcome, StoreError> {
        if let Some(key) = &cb.idempotency_key
            && let Some(existing) = self.keys.get(key)
        {
            return Ok(InsertOutcome::Existing(existing.clone()));
        }
        if self.callbacks.contains_key(&cb.id) {
            return Err(StoreError::DuplicateId(cb.id.clone()));
        }
        if let Some(key) = &cb.idempotency_key {
            self.keys.insert(key.clone(), cb.id.clone());
        }
        self.callbacks.insert(cb.id.clone(), cb.clone());
        self.transitions.insert(
            cb.id.clone(),
            vec![Transition {
                callback_id: cb.id.clone(),
                from_state: None,
                to_state: cb.state.clone(),
                reason: None,
                at: cb.updated_at,
                attempt: attempt_of(cb.attempts_made),
            }],
        );
        Ok(InsertOutcome::Inserted)
    }

    fn get(&self, id: &str) -> Result<Option<StoredCallback>, StoreError> {
        Ok(self.callbacks.get(id).cloned())
    }

    fn by_number(&self, number: &str) -> Result<Vec<StoredCallback>, StoreError> {
        Ok(Self::sorted(self.callbacks.values().filter(|cb| cb.number == number).cloned().collect()))
    }

    fn list(&self, filter: &ListFilter) -> Result<Vec<StoredCallback>, StoreError> {
        Ok(Self::sorted(self.callbacks.values().filter(|cb| filter.matches(cb)).cloned().collect()))
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
        let cb = self.callbacks.get_mut(id).ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        if cb.state != from {
            return Ok(false);
        }
        if let Some(u) = update {
            cb.number = u.number.clone();
            cb.queue = u.queue.clone();
            cb.owner = u.owner.clone();
            cb.due_at_utc = u.due_at_utc;
            cb.payload_json = u.payload_json.clone();
            cb.attempts_made = u.attempts_made;
        }
        cb.state = to.to_string();
        cb.updated_at = at;
        let attempt = attempt_of(cb.attempts_made);
        self.transitions.entry(id.to_string()).or_default().push(Transition {
            callback_id: id.to_string(),
            from_state: Some(from.to_string()),
            to_state: to.to_string(),
            reason: reason.map(str::to_string),
            at,
            attempt,
        });
        Ok(true)
    }

    fn history(&self, id: &str) -> Result<Vec<Transition>, StoreError> {
        Ok(self.transitions.get(id).cloned().unwrap_or_default())
    }

    fn due(&self, now: i64, limit: usize) -> Result<Vec<StoredCallback>, StoreError> {
        let mut v = Self::sorted(
            self.callbacks
                .values()
                .filter(|cb| cb.state == SCHEDULED && cb.due_at_utc <= now)
                .cloned()
                .collect(),
        );
        v.truncate(limit);
        Ok(v)
    }

    fn claim_attempt(&mut self, id: &str, attempt: u32, at: i64) -> Result<bool, StoreError> {
        check_attempt(id, attempt)?;
        let cb = self.callbacks.get_mut(id).ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        let key = (id.to_string(), attempt);
        if self.attempts.contains_key(&key) {
            return Ok(false);
        }
        self.attempts.insert(key, at);
        cb.attempts_made = cb.attempts_made.max(attempt);
        cb.updated_at = at;
        Ok(true)
    }

    fn next_due_at(&self) -> Result<Option<i64>, StoreError> {
        Ok(self.callbacks.values().filter(|cb| cb.state == SCHEDULED).map(|cb| cb.due_at_utc).min())
    }
}
