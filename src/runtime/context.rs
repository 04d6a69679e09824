//! What one call knows about itself while a flow runs.

use super::Value;
use super::eval::World;
use crate::acd::EntryId;
use crate::fast_hash::FastMap;
use crate::time::Micros;
use chrono::{DateTime, NaiveDateTime};
use chrono_tz::Tz;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;

thread_local! {
    /// The flow name before a flow starts, shared: `Rc::from("")` would allocate per call.
    static NO_FLOW: Rc<str> = Rc::from("");
}

/// The call as it arrives.
#[derive(Debug, Clone)]
pub struct CallSpec {
    pub id: u64,
    pub ani: String,
    /// `ani` is already a valid number in E.164, exactly as `normalize_number` writes it: the
    /// simulator's synthetic numbers are, by construction (a test holds it). A callback to this
    /// number is not parsed again: `phonenumber`'s parse was a quarter of a callback-heavy
    /// simulation's instructions. `false` when in doubt; the number is then checked as any other.
    pub ani_is_e164: bool,
    /// Shared: every call of a run usually dials the same number.
    pub dnis: Rc<str>,
    pub caller_name: String,
    /// The instant at virtual time 0, in the call's zone (where `Now` and DateTime literals are
    /// read). For a single call that is when it starts; in a simulation, when the run starts, so
    /// nothing is computed per call.
    pub start: DateTime<Tz>,
    pub data: BTreeMap<String, String>,
}

/// Per-call state: built-ins, variables, and where the call is in the ACD.
#[derive(Debug, Clone)]
pub struct CallContext {
    pub spec: CallSpec,
    /// Virtual time at which the call started.
    pub started_at: Micros,
    pub vars: FastMap<String, Value>,
    /// `Call.Data` once a flow wrote to it; until then it is `spec.data`, read in place (see
    /// [`CallContext::data`]): copying it for every call was three allocations per callback's
    /// greeting, most of which never write to it.
    data: Option<BTreeMap<String, String>>,
    pub priority: i64,
    /// `None` until a flow sets it: "en-US".
    pub language: Option<String>,
    pub queue: Option<Rc<str>>,
    /// The skills the call requires (`Call.Skills`), as names; empty until a flow or a transfer
    /// names some.
    pub skills: Vec<String>,
    pub entry: Option<EntryId>,
    pub enqueued_at: Option<Micros>,
    /// `Call.EstimatedWaitTime` and `Call.PositionInQueue` as last worked out; read them with
    /// [`CallContext::queue_facts`], which works them out again first when `facts_stale`.
    pub ewt: Cell<Option<Micros>>,
    pub position: Cell<Option<u32>>,
    /// Set at every step of an in-queue flow (and after a requeue): the facts are worked out when
    /// the step first reads them, not at every step. Working them out looks the caller up among
    /// thousands in a long queue, and most steps (a hold, a prompt) never read them: it was 8% of
    /// acme x100's instructions when done at every step.
    pub facts_stale: Cell<bool>,
    /// The world's version and the entry the facts were last worked out for: a stale step that
    /// finds both unchanged keeps them, since they would come out the same. The steps of an
    /// in-queue flow between two waits see one ACD (nothing else runs meanwhile), so `if
    /// is_known(Call.EstimatedWaitTime)` and the prompt after it count the position once.
    facts_key: Cell<Option<(u64, Option<EntryId>)>>,
    /// Actions executed so far (bounded: a runaway flow takes its error path).
    pub steps: u32,
    pub flow_name: Rc<str>,
    pub flow_started_at: Micros,
    /// The node being executed (where a hang-up happened).
    pub node: crate::compile::NodeId,
    /// The agent talking with the caller, with the queue and the wait, once answered.
    pub agent: Option<(crate::acd::AgentId, Rc<str>, Micros)>,
    /// The caller has been offered a callback (counted once per call).
    pub offered_callback: bool,
    /// Variables a `secure` ask set: wherever the call's steps are shown, their values are masked.
    pub secure: Vec<String>,
    /// In an outbound flow, the callback this call serves: a callback the flow books for the same
    /// number ("reschedule from the current callback") is not a duplicate of it.
    pub serving: Option<crate::callbacks::CallbackId>,
    /// Arithmetic that went out of range while evaluating the current action (an overflow on
    /// digits the caller typed, a date past the calendar). Evaluation yields `Unknown` and notes
    /// it here; the interpreter then takes the action's failure path, or ends the flow with an
    /// error, instead of going on with a wrapped number.
    pub fault: Cell<Option<&'static str>>,
    /// Transfers into a queue made from in-queue flows (capped by `bounds::QUEUE_TRANSFERS_MAX`).
    pub queue_transfers: u32,
    /// The error the flow's `on error` handler is handling (`Flow.ErrorType`, `Flow.ErrorMessage`);
    /// `None` until one happens. A second error while it is set ends the call as a flow error.
    pub error: Option<(&'static str, String)>,
    /// Until when only the transfer's preferred agent may answer (set by the transfer, taken by
    /// the wait, which opens the entry to every agent then).
    pub preferred_until: Option<crate::time::Micros>,
    /// An answering machine picked up this outbound call (`Call.AnsweringMachine`).
    pub machine: bool,
    /// The entry that replaced `entry` when the preference ended (written by the timer that ended
    /// it, read by [`CallContext::follow_entry`]).
    /// Made only when a preference starts, so a call without one allocates nothing for it.
    pub moved: Option<Rc<Cell<Option<EntryId>>>>,
}

impl CallContext {
    pub fn new(spec: CallSpec, now: Micros) -> Self {
        CallContext {
            data: None,
            spec,
            started_at: now,
            vars: FastMap::default(),
            priority: 0,
            language: None,
            queue: None,
            skills: Vec::new(),
            entry: None,
            enqueued_at: None,
            ewt: Cell::new(None),
            position: Cell::new(None),
            facts_stale: Cell::new(false),
            facts_key: Cell::new(None),
            steps: 0,
            flow_name: NO_FLOW.with(Rc::clone),
            flow_started_at: now,
            node: crate::compile::NodeId(0),
            agent: None,
            offered_callback: false,
            secure: Vec::new(),
            serving: None,
            fault: Cell::new(None),
            queue_transfers: 0,
            error: None,
            preferred_until: None,
            machine: false,
            moved: None,
        }
    }

    /// `Call.Data`: what the call arrived with, as flows have changed it.
    pub fn data(&self) -> &BTreeMap<String, String> {
        self.data.as_ref().unwrap_or(&self.spec.data)
    }

    /// `Call.Data` to change: copied from what the call arrived with on the first write, which
    /// `spec.data` keeps (an outbound flow passes a campaign's keys on from it).
    pub fn data_mut(&mut self) -> &mut BTreeMap<String, String> {
        self.data.get_or_insert_with(|| self.spec.data.clone())
    }

    /// Position and estimated wait as of now: worked out by `world` when the step has not read
    /// them yet (see `facts_stale`), else as last worked out.
    pub fn queue_facts(&self, world: &dyn World) -> (Option<u32>, Option<Micros>) {
        if self.facts_stale.replace(false) {
            let key = world.facts_version().map(|v| (v, self.entry));
            if key.is_none() || key != self.facts_key.get() {
                let (position, ewt) = world.queue_facts(self);
                self.position.set(position);
                self.ewt.set(ewt);
                self.facts_key.set(key);
            }
        }
        (self.position.get(), self.ewt.get())
    }

    /// The call's queue entry, after a preference that ended replaced it.
    pub fn follow_entry(&mut self) -> Option<EntryId> {
        if let Some(new) = self.moved.as_ref().and_then(|m| m.take())
            && self.entry.is_some()
        {
            self.entry = Some(new);
        }
        self.entry
    }

    /// The local date-time in the call's zone at virtual time `now`.
    pub fn local_time(&self, now: Micros) -> NaiveDateTime {
        self.instant(now).naive_local()
    }

    /// The instant at virtual time `now`, in UTC (no time-zone lookup for the call's zone).
    pub fn utc(&self, now: Micros) -> NaiveDateTime {
        self.spec.start.naive_utc() + chrono::Duration::microseconds(now)
    }

    /// The instant at virtual time `now`.
    pub fn instant(&self, now: Micros) -> DateTime<Tz> {
        self.spec.start + chrono::Duration::microseconds(now)
    }
}
