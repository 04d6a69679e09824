//! What one call knows about itself while a flow runs.

use super::{Micros, Value};
use crate::acd::EntryId;
use chrono::{DateTime, NaiveDateTime};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};

/// The call as it arrives.
#[derive(Debug, Clone)]
pub struct CallSpec {
    pub id: u64,
    pub ani: String,
    pub dnis: String,
    pub caller_name: String,
    /// When the call starts, as an instant with its zone (the call's zone is where `Now` and
    /// DateTime literals are read).
    pub start: DateTime<Tz>,
    pub data: BTreeMap<String, String>,
}

/// Per-call state: built-ins, variables, and where the call is in the ACD.
#[derive(Debug, Clone)]
pub struct CallContext {
    pub spec: CallSpec,
    /// Virtual time at which the call started.
    pub started_at: Micros,
    pub vars: HashMap<String, Value>,
    pub data: BTreeMap<String, String>,
    pub priority: i64,
    pub language: String,
    pub queue: Option<String>,
    pub entry: Option<EntryId>,
    pub enqueued_at: Option<Micros>,
    /// Set by the interpreter before each evaluation in an in-queue flow.
    pub ewt: Option<Micros>,
    pub position: Option<u32>,
    /// Actions executed so far (bounded: a runaway flow takes its error path).
    pub steps: u32,
    pub flow_name: String,
    pub flow_started_at: Micros,
}

impl CallContext {
    pub fn new(spec: CallSpec, now: Micros) -> Self {
        CallContext {
            data: spec.data.clone(),
            spec,
            started_at: now,
            vars: HashMap::new(),
            priority: 0,
            language: "en-US".into(),
            queue: None,
            entry: None,
            enqueued_at: None,
            ewt: None,
            position: None,
            steps: 0,
            flow_name: String::new(),
            flow_started_at: now,
        }
    }

    /// The local date-time in the call's zone at virtual time `now`.
    pub fn local_time(&self, now: Micros) -> NaiveDateTime {
        let elapsed = chrono::Duration::microseconds(now - self.started_at);
        (self.spec.start + elapsed).naive_local()
    }

    /// The instant at virtual time `now`.
    pub fn instant(&self, now: Micros) -> DateTime<Tz> {
        self.spec.start + chrono::Duration::microseconds(now - self.started_at)
    }
}
