//! The boundary between flows and the callback subsystem: a Create Callback node hands a
//! [`CallbackRequest`] here. Validation that needs no clock (number, queue, duplicates) happens
//! now; the scheduler, dispatcher and durable store build on this (see the callbacks issue).

use crate::model::CallbackMode;
use chrono::NaiveDateTime;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallbackId(pub u64);

impl std::fmt::Display for CallbackId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cb-{}", self.0)
    }
}

/// Where a callback came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Flow { flow: String },
    Agent { agent: String },
    Api,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallbackRequest {
    pub number: String,
    pub name: String,
    pub queue: String,
    pub at: Option<NaiveDateTime>,
    pub window: Option<(NaiveDateTime, NaiveDateTime)>,
    pub timezone: Option<String>,
    pub attempts: i64,
    pub retry_every_secs: i64,
    pub mode: CallbackMode,
    pub owner: Option<String>,
    pub data: BTreeMap<String, String>,
    pub origin: Origin,
    /// In an in-queue flow the callback takes over the caller's place in the queue.
    pub keeps_position: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CallbackError {
    InvalidNumber(String),
    UnknownQueue(String),
    Duplicate(CallbackId),
}

impl std::fmt::Display for CallbackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallbackError::InvalidNumber(n) => write!(f, "invalid callback number {n}"),
            CallbackError::UnknownQueue(q) => write!(f, "unknown queue {q}"),
            CallbackError::Duplicate(id) => write!(f, "a callback for this number is already pending ({id})"),
        }
    }
}

impl Default for CallbackBook {
    fn default() -> Self {
        CallbackBook { next: 0, keep_history: true, pending: BTreeMap::new(), created: Vec::new() }
    }
}

/// Callbacks created during a run.
#[derive(Debug)]
pub struct CallbackBook {
    next: u64,
    /// Keep every request (run, tests); a long simulation turns this off so memory stays flat.
    pub keep_history: bool,
    /// Pending callbacks by E.164 number, for the duplicate rule.
    pending: BTreeMap<String, CallbackId>,
    pub created: Vec<(CallbackId, CallbackRequest)>,
}

impl CallbackBook {
    /// Validates and records a request; answers its id and the number normalised to E.164.
    pub fn create(&mut self, mut req: CallbackRequest) -> Result<(CallbackId, String), CallbackError> {
        let number = phonenumber::parse(None, &req.number)
            .ok()
            .filter(phonenumber::is_valid)
            .map(|n| n.format().mode(phonenumber::Mode::E164).to_string())
            .ok_or_else(|| CallbackError::InvalidNumber(req.number.clone()))?;
        if let Some(existing) = self.pending.get(&number) {
            return Err(CallbackError::Duplicate(*existing));
        }
        if req.name.is_empty() {
            req.name = number.clone();
        }
        req.number = number.clone();
        self.next += 1;
        let id = CallbackId(self.next);
        self.pending.insert(number.clone(), id);
        if self.keep_history {
            self.created.push((id, req));
        }
        Ok((id, number))
    }

    /// The callback reached an agent (or ended): its number is free for a new one.
    pub fn count(&self) -> u64 {
        self.next
    }

    /// The callback `id` for `number` (E.164, as [`create`](Self::create) answered it) ended or was
    /// never handed over: the number is free for a new one. O(log n).
    pub fn settle(&mut self, id: CallbackId, number: &str) {
        if self.pending.get(number) == Some(&id) {
            self.pending.remove(number);
        }
    }
}
