//! Where the lifecycle records what it does: every state change, and every dial attempt before it
//! is placed.
//!
//! One trait, three homes: a durable [`CallbackStore`] for the real-time dispatcher
//! ([`StoreLedger`]), a list kept in memory for `run` and flow tests ([`MemoryLedger`]), and
//! nothing at all for a long simulation ([`NoLedger`]), whose memory must stay flat.

use super::create::{CreateError, Created, create_stored};
use super::store::{CallbackStore, Step, StoreError};
use super::validate::ScheduleRequest;
use super::{Callback, LiveCallback, State};
use crate::model::center::CallbackSettings;
use crate::time::Micros;
use chrono::{DateTime, Utc};
use std::collections::HashSet;

pub trait Ledger {
    /// Records `cb` moving from its state to `to` (with `cb`'s attempts and due time as they are
    /// now). Answers false when the callback was no longer in that state (someone else — a
    /// supervisor's cancel, another dispatcher — moved it): the lifecycle then stops touching it.
    fn record(&mut self, cb: &LiveCallback, to: State, reason: &str, at: Micros) -> bool;

    /// Called before dialling attempt `attempt` (from 1). Answers false when that attempt was
    /// already claimed, by this process before a crash: the customer must not be dialled again
    /// for it.
    fn claim_attempt(&mut self, id: &str, attempt: u32, at: Micros) -> bool;

    /// Records how attempt `attempt` ended, as soon as it is known (durably, for a store).
    fn record_dial_result(&mut self, _id: &str, _attempt: u32, _result: &str) {}

    /// Whether [`store_new`](Self::store_new) stores callbacks: asked first, so a run that keeps
    /// none does not build the store's request for every flow callback.
    fn keeps_callbacks(&self) -> bool {
        false
    }

    /// Stores a callback a flow created, through the one create path (the CB rules under the
    /// store's write lock, [`super::create_stored`]); a dispatcher then serves it like any other
    /// stored callback. `None`: this ledger keeps no callbacks (a run, a simulation), and the
    /// engine serves the flow's callback itself.
    fn store_new(
        &mut self,
        _req: &ScheduleRequest,
        _settings: &CallbackSettings,
        _now: DateTime<Utc>,
    ) -> Option<Result<Callback, CreateError>> {
        None
    }

    /// The store errors met since the last call, as messages (a durable ledger keeps them for
    /// the dispatcher, which stops on them).
    fn take_errors(&mut self) -> Vec<String> {
        Vec::new()
    }
}

/// Records nothing (simulation).
#[derive(Debug, Default)]
pub struct NoLedger;

impl Ledger for NoLedger {
    fn record(&mut self, _: &LiveCallback, _: State, _: &str, _: Micros) -> bool {
        true
    }
    fn claim_attempt(&mut self, _: &str, _: u32, _: Micros) -> bool {
        true
    }
}

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: String,
    pub from: State,
    pub to: State,
    pub reason: String,
    pub at: Micros,
}

/// Keeps every change in memory, in order (`run`, flow tests).
#[derive(Debug, Default)]
pub struct MemoryLedger {
    pub changes: Vec<Change>,
    claimed: HashSet<(String, u32)>,
}

impl Ledger for MemoryLedger {
    fn record(&mut self, cb: &LiveCallback, to: State, reason: &str, at: Micros) -> bool {
        self.changes.push(Change {
            id: cb.id.to_string(),
            from: cb.state,
            to,
            reason: reason.to_string(),
            at,
        });
        true
    }
    fn claim_attempt(&mut self, id: &str, attempt: u32, _: Micros) -> bool {
        self.claimed.insert((id.to_string(), attempt))
    }
}

/// Told of each committed change: id, from, to, reason, UTC Unix microseconds.
pub type OnChange = Box<dyn FnMut(&str, State, State, &str, i64)>;
/// Called with each callback a flow stored.
pub type OnCreate = Box<dyn FnMut(&Callback)>;

/// A durable store behind the ledger: each change is a compare-and-set transition committed
/// before the lifecycle goes on, and each attempt is claimed durably before the dial.
///
/// Times given to the ledger are the runtime's (microseconds since the dispatcher started);
/// `epoch` is the UTC instant of runtime zero, in Unix microseconds.
pub struct StoreLedger<S: CallbackStore> {
    pub store: S,
    pub epoch: i64,
    /// Store failures, for the dispatcher to report (a failed write stops that callback).
    pub errors: Vec<StoreError>,
    /// Called after every committed change (the dispatcher prints them).
    pub on_change: OnChange,
    /// Called after a flow's callback is stored (a server announces it).
    pub on_create: OnCreate,
}

impl<S: CallbackStore> StoreLedger<S> {
    pub fn new(store: S, epoch: i64) -> Self {
        StoreLedger {
            store,
            epoch,
            errors: Vec::new(),
            on_change: Box::new(|_, _, _, _, _| {}),
            on_create: Box::new(|_| {}),
        }
    }
}

/// The store's state word (`SCHEDULED`, ...).
pub fn store_state(state: State) -> String {
    state.as_str().to_ascii_uppercase()
}

impl<S: CallbackStore> Ledger for StoreLedger<S> {
    fn record(&mut self, cb: &LiveCallback, to: State, reason: &str, at: Micros) -> bool {
        let (id, from) = (&*cb.id, cb.state);
        let at = self.epoch + at;
        let step = Step {
            attempts_made: cb.attempts_made,
            // A retry waits for its new time: a dispatcher started after a crash must not dial
            // it early.
            due_at_utc: (to == State::Scheduled).then_some(self.epoch + cb.due),
            ended: super::EndReason::parse(reason)
                .filter(|_| to.is_final())
                .map(|end| (to.as_str().to_string(), end.as_str().to_string())),
        };
        // Only the lifecycle's own fields are written (no read-modify-write of the row): a
        // disposition or an edit an API server commits meanwhile is kept.
        match self.store.advance(id, &store_state(from), &store_state(to), reason, at, &step) {
            Ok(true) => {
                (self.on_change)(id, from, to, reason, at);
                true
            }
            Ok(false) | Err(StoreError::NotFound(_)) => false,
            Err(e) => {
                self.errors.push(e);
                false
            }
        }
    }

    fn claim_attempt(&mut self, id: &str, attempt: u32, at: Micros) -> bool {
        match self.store.claim_attempt(id, attempt, self.epoch + at) {
            Ok(claimed) => claimed,
            Err(e) => {
                self.errors.push(e);
                false
            }
        }
    }

    fn record_dial_result(&mut self, id: &str, attempt: u32, result: &str) {
        if let Err(e) = self.store.record_dial_result(id, attempt, result) {
            self.errors.push(e);
        }
    }

    fn keeps_callbacks(&self) -> bool {
        true
    }

    fn store_new(
        &mut self,
        req: &ScheduleRequest,
        settings: &CallbackSettings,
        now: DateTime<Utc>,
    ) -> Option<Result<Callback, CreateError>> {
        let created = create_stored(&mut self.store, req, settings, now).map(|c| match c {
            Created::New(cb) => {
                (self.on_create)(&cb);
                cb
            }
            Created::Existing(cb) => cb,
        });
        Some(created)
    }

    fn take_errors(&mut self) -> Vec<String> {
        self.errors.drain(..).map(|e| format!("the callback store refused a write: {e}")).collect()
    }
}
