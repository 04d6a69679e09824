//! The callback model: what a callback is, where it came from, the states it moves through and
//! why it ended. Validation lives in [`super::validate`]; the flow hand-over point in `intake.rs`.
//!
//! Times of a scheduled callback are kept the way the customer gave them (a local date, a local
//! call-between window and an IANA zone, Webex API style, seed 000) together with the UTC instants
//! computed from them at validation. The UTC instants are computed again at dispatch
//! ([`super::validate::utc_window_at_dispatch`]) because zone rules can change in between (seed 004).
//!
//! chrono is built without its `serde` feature, so the chrono fields use the small `with` modules
//! at the end of this file (RFC 3339 instants, `YYYY-MM-DD` dates, `HH:MM:SS` times).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The five kinds of callback (seed 003; campaign callbacks from seed 002).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallbackType {
    /// Created by Create Callback in a flow; takes the caller's place in queue.
    InQueue,
    /// A future date and time, from an agent or the API.
    Scheduled,
    /// A scheduled callback owned by one agent for the ownership period.
    AgentOwned,
    /// The system dials the customer first and connects an agent only after the customer answers.
    CustomerFirst,
    /// Created by an outbound campaign's schedule-callback action.
    Campaign,
}

impl CallbackType {
    pub const ALL: &'static [CallbackType] = &[
        CallbackType::InQueue,
        CallbackType::Scheduled,
        CallbackType::AgentOwned,
        CallbackType::CustomerFirst,
        CallbackType::Campaign,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallbackType::InQueue => "in_queue",
            CallbackType::Scheduled => "scheduled",
            CallbackType::AgentOwned => "agent_owned",
            CallbackType::CustomerFirst => "customer_first",
            CallbackType::Campaign => "campaign",
        }
    }

    /// The type of a new callback: with a time, scheduled (owned when it has an owner); without
    /// one, served in queue order as soon as possible.
    pub fn for_request(timed: bool, owned: bool) -> CallbackType {
        match (timed, owned) {
            (false, _) => CallbackType::InQueue,
            (true, true) => CallbackType::AgentOwned,
            (true, false) => CallbackType::Scheduled,
        }
    }

    /// Whether a callback of this type needs a date, a window and a zone. In-queue and
    /// customer-first callbacks may have one (then it must be complete) but need not.
    pub fn needs_schedule(self) -> bool {
        matches!(self, CallbackType::Scheduled | CallbackType::AgentOwned | CallbackType::Campaign)
    }
}

/// Where a callback came from. The same cases as `intake.rs`'s `Origin` (which this module does
/// not edit), plus serde; convert with `From`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    Flow { flow: String },
    Agent { agent: String },
    Api,
}

impl From<super::intake::Origin> for Origin {
    fn from(origin: super::intake::Origin) -> Self {
        match origin {
            super::intake::Origin::Flow { flow } => Origin::Flow { flow },
            super::intake::Origin::Agent { agent } => Origin::Agent { agent },
            super::intake::Origin::Api => Origin::Api,
        }
    }
}

/// The life of a callback.
///
/// ```text
/// SCHEDULED → QUEUED → ROUTING → PROCESSING → COMPLETED
///               ↑  ←──── ┘ (reject / offer timeout)
///               ↑  ←──────────────── ┘ (retry now)     PROCESSING → SCHEDULED (retry later)
/// any non-final state → CANCELLED | EXPIRED | FAILED
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Scheduled,
    Queued,
    Routing,
    Processing,
    Completed,
    Cancelled,
    Failed,
    Expired,
}

impl State {
    pub const ALL: &'static [State] = &[
        State::Scheduled,
        State::Queued,
        State::Routing,
        State::Processing,
        State::Completed,
        State::Cancelled,
        State::Failed,
        State::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Scheduled => "scheduled",
            State::Queued => "queued",
            State::Routing => "routing",
            State::Processing => "processing",
            State::Completed => "completed",
            State::Cancelled => "cancelled",
            State::Failed => "failed",
            State::Expired => "expired",
        }
    }

    /// A final state: the callback will never move again.
    pub fn is_final(self) -> bool {
        matches!(self, State::Completed | State::Cancelled | State::Failed | State::Expired)
    }

    /// Pending: not final (the duplicate rule looks at pending callbacks only).
    pub fn is_pending(self) -> bool {
        !self.is_final()
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a callback may move from `from` to `to`. Staying in the same state is not a move.
pub fn can_move(from: State, to: State) -> bool {
    use State::*;
    if from.is_final() || from == to {
        return false;
    }
    match to {
        Cancelled | Expired | Failed => true,
        Queued => matches!(from, Scheduled | Routing | Processing),
        Routing => from == Queued,
        Processing => from == Routing,
        Completed => from == Processing,
        Scheduled => from == Processing,
    }
}

/// Why a callback ended. The strings are stable: reports and stores keep them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// An agent talked to the customer.
    Completed,
    CancelledByAgent,
    CancelledByCustomer,
    CancelledBySupervisor,
    /// Cancelled through the API.
    CancelledByApi,
    /// Every dial attempt got no answer or busy.
    AttemptsExhausted,
    /// The number cannot be dialled.
    InvalidNumber,
    /// The owner did not take it in the ownership period and the queue removes it
    /// (`assign_to_queue_on_expiry` off).
    OwnershipExpired,
    /// The call-between window passed before an agent could take it.
    WindowMissed,
    /// No date and no update within `inactive_after` (003: 14 days).
    Inactive,
    /// Replaced by (or found to duplicate) another pending callback for the same number.
    Duplicate,
    /// Customer-first: an answering machine picked up and the queue hangs up.
    AnsweringMachine,
    /// Offered again and again, and no agent took it (a bound, so a run always ends).
    NotAccepted,
    /// The callback could not be carried out for a reason of the system (e.g. its queue is gone).
    SystemError,
    /// The number is on the do-not-call list: it is never dialled.
    DoNotCall,
    /// Customer-first (a predictive or progressive campaign): the customer answered and no agent
    /// was free within the queue's connect time; they heard the outbound flow's message, and the
    /// call counts against the abandonment target.
    Abandoned,
}

impl EndReason {
    pub const ALL: &'static [EndReason] = &[
        EndReason::Completed,
        EndReason::CancelledByAgent,
        EndReason::CancelledByCustomer,
        EndReason::CancelledBySupervisor,
        EndReason::CancelledByApi,
        EndReason::AttemptsExhausted,
        EndReason::InvalidNumber,
        EndReason::OwnershipExpired,
        EndReason::WindowMissed,
        EndReason::Inactive,
        EndReason::Duplicate,
        EndReason::AnsweringMachine,
        EndReason::NotAccepted,
        EndReason::SystemError,
        EndReason::DoNotCall,
        EndReason::Abandoned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Completed => "completed",
            EndReason::CancelledByAgent => "cancelled_by_agent",
            EndReason::CancelledByCustomer => "cancelled_by_customer",
            EndReason::CancelledBySupervisor => "cancelled_by_supervisor",
            EndReason::CancelledByApi => "cancelled_by_api",
            EndReason::AttemptsExhausted => "attempts_exhausted",
            EndReason::InvalidNumber => "invalid_number",
            EndReason::OwnershipExpired => "ownership_expired",
            EndReason::WindowMissed => "window_missed",
            EndReason::Inactive => "inactive",
            EndReason::Duplicate => "duplicate",
            EndReason::AnsweringMachine => "answering_machine",
            EndReason::NotAccepted => "not_accepted",
            EndReason::SystemError => "system_error",
            EndReason::DoNotCall => "do_not_call",
            EndReason::Abandoned => "abandoned",
        }
    }

    pub fn parse(s: &str) -> Option<EndReason> {
        EndReason::ALL.iter().copied().find(|r| r.as_str() == s)
    }

    /// The final state a callback ending for this reason is in.
    pub fn final_state(self) -> State {
        match self {
            EndReason::Completed => State::Completed,
            EndReason::CancelledByAgent
            | EndReason::CancelledByCustomer
            | EndReason::CancelledBySupervisor
            | EndReason::CancelledByApi
            | EndReason::Duplicate => State::Cancelled,
            EndReason::OwnershipExpired | EndReason::WindowMissed | EndReason::Inactive => State::Expired,
            EndReason::AttemptsExhausted
            | EndReason::InvalidNumber
            | EndReason::AnsweringMachine
            | EndReason::NotAccepted
            | EndReason::SystemError
            | EndReason::DoNotCall
            | EndReason::Abandoned => State::Failed,
        }
    }
}

impl std::fmt::Display for EndReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A callback's place in its queue. An in-queue callback inherits the caller's (003). The queue
/// serves the highest `priority` first, then the earliest `enqueued_at`, then the lowest `seq`:
/// compare with [`Position::queue_order`], not with the derived `Ord` (which is field order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Position {
    pub priority: i64,
    /// Microseconds since the Unix epoch (UTC).
    pub enqueued_at: i64,
    /// Creation order, a tie-breaker the store assigns.
    pub seq: u64,
}

impl Position {
    /// A key whose ascending order is serving order.
    pub fn queue_order(&self) -> (std::cmp::Reverse<i64>, i64, u64) {
        (std::cmp::Reverse(self.priority), self.enqueued_at, self.seq)
    }
}

/// When a scheduled callback may be placed: local date, local call-between window and the
/// customer's IANA zone as given, plus the UTC instants computed from them at validation.
/// The window lies on one local date; its end is after its start.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Schedule {
    /// IANA name, e.g. `Europe/Amsterdam`.
    pub timezone: String,
    #[serde(with = "serde_date")]
    pub schedule_date: NaiveDate,
    #[serde(with = "serde_time")]
    pub window_start: NaiveTime,
    #[serde(with = "serde_time")]
    pub window_end: NaiveTime,
    /// `window_start` on `schedule_date` in `timezone`, as computed at validation.
    #[serde(with = "serde_utc")]
    pub window_start_utc: DateTime<Utc>,
    #[serde(with = "serde_utc")]
    pub window_end_utc: DateTime<Utc>,
}

impl Schedule {
    /// The window as it was asked for: zone, local date, local start and end (what an edit that
    /// keeps the window gives again).
    pub fn local_window(&self) -> (String, NaiveDate, NaiveTime, NaiveTime) {
        (self.timezone.clone(), self.schedule_date, self.window_start, self.window_end)
    }
}

/// One callback. The Webex API fields (seed 000: id, customerName, callbackNumber, timezone,
/// scheduleDate, startTime, endTime, queueId, callbackReason) plus what routing needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    pub id: String,
    pub callback_type: CallbackType,
    pub origin: Origin,
    /// The callback number when no name was given (seed 000).
    pub customer_name: String,
    /// E.164, e.g. `+31201234567`, so exact-match lookups work (seed 000).
    pub callback_number: String,
    /// Date, window and zone; `None` for an in-queue callback that is due now.
    pub schedule: Option<Schedule>,
    pub queue: String,
    pub reason: Option<String>,
    /// The owning agent of an agent-owned callback (or the agent a personal callback is for).
    pub owner: Option<String>,
    pub attempts_made: u32,
    pub max_attempts: u32,
    pub retry_interval_secs: i64,
    pub position: Position,
    pub data: BTreeMap<String, String>,
    #[serde(with = "serde_utc")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "serde_utc")]
    pub updated_at: DateTime<Utc>,
    pub idempotency_key: Option<String>,
    pub state: State,
    /// Set when (and only when) `state` is final.
    pub end_reason: Option<EndReason>,
    /// Set when a local time of the window happened twice (DST overlap) and the earlier offset
    /// was used, e.g. "02:30 on 2026-10-25 happens twice in Europe/Amsterdam; the first (CEST,
    /// +02:00) was used".
    pub dst_note: Option<String>,
}

impl Callback {
    pub fn is_final(&self) -> bool {
        self.state.is_final()
    }

    /// Owned by an agent (the edit freeze applies).
    pub fn is_owned(&self) -> bool {
        self.owner.is_some()
    }

    pub fn timezone(&self) -> Option<&str> {
        self.schedule.as_ref().map(|s| s.timezone.as_str())
    }

    /// The UTC window computed at validation (see `utc_window_at_dispatch` for dispatch).
    pub fn stored_utc_window(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.schedule.as_ref().map(|s| (s.window_start_utc, s.window_end_utc))
    }
}

/// RFC 3339 UTC instants with microseconds (`2026-03-29T00:30:00.000000Z`).
pub mod serde_utc {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Micros, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| D::Error::custom(format!("`{text}` is not an RFC 3339 time with an offset: {e}")))
    }
}

/// `YYYY-MM-DD`.
pub mod serde_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.format("%Y-%m-%d").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(d)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|e| D::Error::custom(format!("`{text}` is not a YYYY-MM-DD date: {e}")))
    }
}

/// `HH:MM:SS` (reads `HH:MM` too).
pub mod serde_time {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M:%S").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        NaiveTime::parse_from_str(&text, "%H:%M:%S")
            .or_else(|_| NaiveTime::parse_from_str(&text, "%H:%M"))
            .map_err(|e| D::Error::custom(format!("`{text}` is not an HH:MM[:SS] time: {e}")))
    }
}
