//! [`MemoryStore`]: the simulator's store. Deterministic (every map is a `BTreeMap`), not durable.

use super::{
    AttemptRecord, CallbackStore, Decide, InsertOutcome, ListFilter, SCHEDULED, Step, StoreError,
    StoredCallback, Transition, attempt_of, check_attempt, check_update,
};
use std::collections::{BTreeMap, BTreeSet};

/// An in-memory [`CallbackStore`] with the same semantics as [`super::SqliteStore`].
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    callbacks: BTreeMap<String, StoredCallback>,
    /// idempotency key → callback id.
    keys: BTreeMap<String, String>,
    /// number → ids of its callbacks (the index behind [`CallbackStore::by_number`]).
    numbers: BTreeMap<String, BTreeSet<String>>,
    /// callback id → its transitions, in order.
    transitions: BTreeMap<String, Vec<Transition>>,
    /// (callback id, attempt) → when it was claimed.
    attempts: BTreeMap<(String, u32), i64>,
    /// (callback id, attempt) → the dial's result, once known.
    results: BTreeMap<(String, u32), String>,
    /// The dispatcher lease: holder and expiry.
    lease: Option<(String, i64)>,
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
        self.numbers.entry(cb.number.clone()).or_default().insert(cb.id.clone());
        self.callbacks.insert(cb.id.clone(), cb.clone());
        self.transitions.insert(cb.id.clone(), vec![Transition::created(cb)]);
        Ok(InsertOutcome::Inserted)
    }

    fn insert_batch(&mut self, cbs: &[StoredCallback]) -> Result<Vec<InsertOutcome>, StoreError> {
        // Decide every row first, against the store and the rows before it, so that an error
        // leaves the store untouched; then apply.
        let mut batch_keys: BTreeMap<&str, &str> = BTreeMap::new();
        let mut batch_ids: BTreeSet<&str> = BTreeSet::new();
        let mut outcomes = Vec::with_capacity(cbs.len());
        for cb in cbs {
            if let Some(key) = cb.idempotency_key.as_deref() {
                let known = self.keys.get(key).map(String::as_str).or_else(|| batch_keys.get(key).copied());
                if let Some(existing) = known {
                    outcomes.push(InsertOutcome::Existing(existing.to_string()));
                    continue;
                }
            }
            if self.callbacks.contains_key(&cb.id) || !batch_ids.insert(&cb.id) {
                return Err(StoreError::DuplicateId(cb.id.clone()));
            }
            if let Some(key) = cb.idempotency_key.as_deref() {
                batch_keys.insert(key, &cb.id);
            }
            outcomes.push(InsertOutcome::Inserted);
        }
        for (cb, outcome) in cbs.iter().zip(&outcomes) {
            if *outcome == InsertOutcome::Inserted {
                self.insert(cb)?;
            }
        }
        Ok(outcomes)
    }

    fn get(&self, id: &str) -> Result<Option<StoredCallback>, StoreError> {
        Ok(self.callbacks.get(id).cloned())
    }

    fn by_idempotency_key(&self, key: &str) -> Result<Option<StoredCallback>, StoreError> {
        Ok(self.keys.get(key).and_then(|id| self.callbacks.get(id)).cloned())
    }

    fn insert_if(
        &mut self,
        number: &str,
        key: Option<&str>,
        slot: Option<(&str, i64, i64)>,
        decide: &mut Decide<'_>,
    ) -> Result<Option<InsertOutcome>, StoreError> {
        // `&mut self` already excludes every other writer.
        let by_key = match key {
            Some(k) => self.by_idempotency_key(k)?,
            None => None,
        };
        let rows = super::related(by_key, self.by_number(number)?);
        let seq = self.next_seq()?;
        let booked = match slot {
            Some((queue, from, to)) => self.count_booked(queue, from, to)?,
            None => 0,
        };
        match decide(&rows, seq, booked) {
            Some(new) => self.insert(&new).map(Some),
            None => Ok(None),
        }
    }

    fn next_seq(&self) -> Result<u64, StoreError> {
        Ok(self.callbacks.len() as u64 + 1)
    }

    fn by_number(&self, number: &str) -> Result<Vec<StoredCallback>, StoreError> {
        let ids = self.numbers.get(number).into_iter().flatten();
        Ok(Self::sorted(ids.filter_map(|id| self.callbacks.get(id)).cloned().collect()))
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
            if u.number != cb.number {
                if let Some(ids) = self.numbers.get_mut(&cb.number) {
                    ids.remove(id);
                    if ids.is_empty() {
                        self.numbers.remove(&cb.number);
                    }
                }
                self.numbers.entry(u.number.clone()).or_default().insert(id.to_string());
            }
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

    fn advance(
        &mut self,
        id: &str,
        from: &str,
        to: &str,
        reason: &str,
        at: i64,
        step: &Step,
    ) -> Result<bool, StoreError> {
        // One owner, no concurrent writer: reading and writing back the row is the same as the
        // databases' single statement here.
        let Some(mut row) = self.callbacks.get(id).cloned() else {
            return Err(StoreError::NotFound(id.to_string()));
        };
        step.apply(&mut row);
        self.transition(id, from, to, Some(reason), at, Some(&row))
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

    fn record_dial_result(&mut self, id: &str, attempt: u32, result: &str) -> Result<(), StoreError> {
        check_attempt(id, attempt)?;
        let key = (id.to_string(), attempt);
        if !self.attempts.contains_key(&key) {
            return Err(StoreError::Invalid(format!("attempt {attempt} of {id} was never claimed")));
        }
        self.results.insert(key, result.to_string());
        Ok(())
    }

    fn attempts(&self, id: &str) -> Result<Vec<(u32, Option<String>)>, StoreError> {
        Ok(self
            .attempts
            .keys()
            .filter(|(cb, _)| cb == id)
            .map(|k| (k.1, self.results.get(k).cloned()))
            .collect())
    }

    fn pending_summary(&self) -> Result<(Vec<String>, Option<i64>), StoreError> {
        Ok(super::summary_of(super::codec::pending_rows(self)?))
    }

    fn attempt_log(&self, id: &str) -> Result<Vec<AttemptRecord>, StoreError> {
        Ok(self
            .attempts
            .iter()
            .filter(|((cb, _), _)| cb == id)
            .map(|(k, at)| AttemptRecord {
                attempt: k.1,
                started_at: *at,
                result: self.results.get(k).cloned(),
            })
            .collect())
    }

    fn restore(
        &mut self,
        cb: &StoredCallback,
        history: &[Transition],
        attempts: &[AttemptRecord],
    ) -> Result<bool, StoreError> {
        if self.callbacks.contains_key(&cb.id) {
            return Ok(false);
        }
        if let Some(key) = &cb.idempotency_key {
            self.keys.insert(key.clone(), cb.id.clone());
        }
        self.numbers.entry(cb.number.clone()).or_default().insert(cb.id.clone());
        self.callbacks.insert(cb.id.clone(), cb.clone());
        self.transitions.insert(cb.id.clone(), history.to_vec());
        for a in attempts {
            self.attempts.insert((cb.id.clone(), a.attempt), a.started_at);
            if let Some(r) = &a.result {
                self.results.insert((cb.id.clone(), a.attempt), r.clone());
            }
        }
        Ok(true)
    }

    fn acquire_lease(
        &mut self,
        holder: &str,
        now: i64,
        ttl: i64,
    ) -> Result<Option<(String, i64)>, StoreError> {
        match &self.lease {
            Some((other, until)) if other != holder && *until > now => Ok(Some((other.clone(), *until))),
            _ => {
                self.lease = Some((holder.to_string(), now + ttl));
                Ok(None)
            }
        }
    }

    fn release_lease(&mut self, holder: &str) -> Result<(), StoreError> {
        if self.lease.as_ref().is_some_and(|(h, _)| h == holder) {
            self.lease = None;
        }
        Ok(())
    }

    fn next_due_at(&self) -> Result<Option<i64>, StoreError> {
        Ok(self.callbacks.values().filter(|cb| cb.state == SCHEDULED).map(|cb| cb.due_at_utc).min())
    }

    fn page(
        &self,
        filter: &ListFilter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredCallback>, StoreError> {
        let mut rows: Vec<StoredCallback> = self
            .callbacks
            .values()
            .filter(|cb| filter.matches(cb) && after.is_none_or(|a| cb.id.as_str() > a))
            .cloned()
            .collect();
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        rows.truncate(limit);
        Ok(rows)
    }

    fn count(&self, filter: &ListFilter) -> Result<u64, StoreError> {
        Ok(self.callbacks.values().filter(|cb| filter.matches(cb)).count() as u64)
    }

    fn count_by_state(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut counts = std::collections::BTreeMap::<String, u64>::new();
        for cb in self.callbacks.values() {
            *counts.entry(cb.state.clone()).or_default() += 1;
        }
        Ok(counts.into_iter().collect())
    }

    fn count_booked(&self, queue: &str, from: i64, to: i64) -> Result<u64, StoreError> {
        Ok(self
            .callbacks
            .values()
            .filter(|cb| cb.queue == queue && (from..to).contains(&cb.due_at_utc) && cb.state != "CANCELLED")
            .count() as u64)
    }
}
