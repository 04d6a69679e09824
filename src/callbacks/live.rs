//! One callback while its lifecycle task runs, and the steps it reports to a trace.

use super::people::DialResult;
use super::{CallbackId, EndReason, State};
use crate::acd::{AgentId, EntryId, PositionKey, QueueId, SkillSet};
use crate::model::CallbackMode;
use crate::time::Micros;
use std::rc::Rc;

/// What the lifecycle knows of a callback it serves. Times are the runtime's.
#[derive(Debug, Clone)]
pub struct LiveCallback {
    /// The id the ledger and traces use (`cb-7`, or the store's id).
    pub id: Rc<str>,
    /// The flow hand-over's id, to free the number for the duplicate rule at the end.
    pub book_id: Option<CallbackId>,
    pub number: String,
    /// The customer's name and the callback's data, for the outbound flow that greets them.
    pub name: String,
    pub data: std::collections::BTreeMap<String, String>,
    pub queue: QueueId,
    pub mode: CallbackMode,
    /// Dials allowed, the first included.
    pub max_attempts: u32,
    pub attempts_made: u32,
    pub retry_every: Micros,
    pub owner: Option<AgentId>,
    /// End of the ownership period.
    pub owner_until: Option<Micros>,
    /// End of the call-between window: not served by then, it expires.
    pub window_end: Option<Micros>,
    /// When it may join its queue.
    pub due: Micros,
    /// Its place: the caller's for a take-over; minted when it first joins a queue otherwise,
    /// and kept across retries.
    pub key: Option<PositionKey>,
    /// Already waiting in the ACD (it took over a caller's entry).
    pub entry: Option<EntryId>,
    pub skills: SkillSet,
    pub priority: i64,
    /// Time to callback counts from here: creation, or the window's start.
    pub ready_at: Micros,
    pub state: State,
}

/// A step of a callback's life, as a trace shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum CallbackStep {
    /// Waiting in the scheduler until `due` (`why`: "scheduled", "no_answer", "busy").
    Scheduled {
        due: Micros,
        why: &'static str,
    },
    Queued {
        queue: String,
        position: Option<u32>,
    },
    Offered {
        agent: String,
    },
    Rejected {
        agent: String,
    },
    OfferTimedOut {
        agent: String,
    },
    /// An agent took it (accepted, or auto-answered).
    Accepted {
        agent: String,
    },
    /// The ownership period ended; `to_queue`: any agent may take it now.
    OwnershipExpired {
        to_queue: bool,
    },
    Dialing {
        attempt: u32,
        number: String,
        caller_id: Option<String>,
    },
    /// The attempt was claimed before a crash: not dialled again, counted as unanswered.
    AttemptAlreadyMade {
        attempt: u32,
    },
    DialResult {
        attempt: u32,
        result: DialResult,
    },
    /// The customer is talking with `agent`.
    Connected {
        agent: String,
    },
    Ended {
        state: State,
        reason: EndReason,
    },
}

impl CallbackStep {
    /// The state a callback is in after this step; `None` for steps that do not move it
    /// (a dial result, an attempt found already made).
    pub fn state_after(&self) -> Option<State> {
        Some(match self {
            CallbackStep::Scheduled { .. } => State::Scheduled,
            CallbackStep::Queued { .. }
            | CallbackStep::Rejected { .. }
            | CallbackStep::OfferTimedOut { .. }
            | CallbackStep::OwnershipExpired { .. } => State::Queued,
            CallbackStep::Offered { .. } => State::Routing,
            CallbackStep::Accepted { .. } | CallbackStep::Dialing { .. } | CallbackStep::Connected { .. } => {
                State::Processing
            }
            CallbackStep::Ended { state, .. } => *state,
            CallbackStep::AttemptAlreadyMade { .. } | CallbackStep::DialResult { .. } => return None,
        })
    }

    /// One line for a trace, e.g. `callback cb-1: dialling +31612345678 (attempt 2) from +3120…`.
    pub fn describe(&self, clock: &dyn Fn(Micros) -> String) -> String {
        match self {
            CallbackStep::Scheduled { due, why } => match *why {
                "scheduled" => format!("scheduled for {}", clock(*due).trim()),
                why => format!("{} — next attempt at {}", why.replace('_', " "), clock(*due).trim()),
            },
            CallbackStep::Queued { queue, position: Some(p) } => {
                format!("waiting in {queue} at position {p}")
            }
            CallbackStep::Queued { queue, position: None } => format!("waiting in {queue}"),
            CallbackStep::Offered { agent } => format!("offered to agent {agent}"),
            CallbackStep::Rejected { agent } => {
                format!("rejected by agent {agent}; back in queue, same place")
            }
            CallbackStep::OfferTimedOut { agent } => {
                format!("agent {agent} did not answer the offer in time; redirected")
            }
            CallbackStep::Accepted { agent } => format!("taken by agent {agent}"),
            CallbackStep::OwnershipExpired { to_queue: true } => {
                "ownership period over; any agent of the queue may take it".into()
            }
            CallbackStep::OwnershipExpired { to_queue: false } => "ownership period over; removed".into(),
            CallbackStep::Dialing { attempt, number, caller_id } => {
                let from = caller_id.as_ref().map(|c| format!(" from {c}")).unwrap_or_default();
                format!("dialling {number}{from} (attempt {attempt})")
            }
            CallbackStep::AttemptAlreadyMade { attempt } => {
                format!("attempt {attempt} was placed before a restart; not dialled again")
            }
            CallbackStep::DialResult { result, .. } => match result {
                DialResult::Answered => "the customer answers".into(),
                DialResult::NoAnswer => "no answer".into(),
                DialResult::Busy => "busy".into(),
                DialResult::Machine => "an answering machine picks up".into(),
            },
            CallbackStep::Connected { agent } => format!("customer connected with agent {agent}"),
            CallbackStep::Ended { state, reason: EndReason::Completed } => state.to_string(),
            CallbackStep::Ended { state, reason } => format!("{state} ({reason})"),
        }
    }

    /// The same facts for JSON output: a `step` name plus fields.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let secs = |m: Micros| m as f64 / 1e6;
        match self {
            CallbackStep::Scheduled { due, why } => {
                json!({"step": "scheduled", "due_seconds": secs(*due), "why": why})
            }
            CallbackStep::Queued { queue, position } => {
                json!({"step": "queued", "queue": queue, "position": position})
            }
            CallbackStep::Offered { agent } => json!({"step": "offered", "agent": agent}),
            CallbackStep::Rejected { agent } => json!({"step": "rejected", "agent": agent}),
            CallbackStep::OfferTimedOut { agent } => json!({"step": "offer_timed_out", "agent": agent}),
            CallbackStep::Accepted { agent } => json!({"step": "accepted", "agent": agent}),
            CallbackStep::OwnershipExpired { to_queue } => {
                json!({"step": "ownership_expired", "to_queue": to_queue})
            }
            CallbackStep::Dialing { attempt, number, caller_id } => {
                json!({"step": "dialing", "attempt": attempt, "number": number, "caller_id": caller_id})
            }
            CallbackStep::AttemptAlreadyMade { attempt } => {
                json!({"step": "attempt_already_made", "attempt": attempt})
            }
            CallbackStep::DialResult { attempt, result } => {
                json!({"step": "dial_result", "attempt": attempt, "result": result.as_str()})
            }
            CallbackStep::Connected { agent } => json!({"step": "connected", "agent": agent}),
            CallbackStep::Ended { state, reason } => {
                json!({"step": "ended", "state": state.as_str(), "reason": reason.as_str()})
            }
        }
    }
}
