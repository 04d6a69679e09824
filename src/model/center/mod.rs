//! `center.yaml`: the optional description of a project's contact center — its queues with their
//! callback settings, and its agents.
//!
//! [`load_center`] reads the text into a [`Center`] and reports every problem at once:
//! E0801 ([`BadCenterFile`](crate::diagnostics::Code::BadCenterFile)) when the file is not YAML, has
//! a setting it does not know or a value of the wrong type; E0802
//! ([`BadCenterValue`](crate::diagnostics::Code::BadCenterValue)) when a value is out of bounds or
//! names a queue that is not declared. Every diagnostic points into the `center.yaml` text.
//!
//! # Example
//!
//! ```yaml
//! queues:
//!   Support:
//!     ani: "+31201234567"        # caller id used when dialling callbacks (E.164, in quotes)
//!     skills: [support]
//!     hold_music: "audio/hold.wav"   # what `hold` plays in this queue (a file of the project)
//!     callback:
//!       mode: agent_first        # or customer_first
//!       pacing_modifier: 2
//!       attempts: 3
//!       retry_interval: 5m       # durations are written like the flow language: 30s, 5m, 1h30m, 2d
//!       max_days_ahead: 30
//!       min_lead: 30m
//!       window_min: 30m
//!       window_max: 8h
//!       preserve_skills_priority: false
//!       ownership_period: 24h
//!       assign_to_queue_on_expiry: true
//!       auto_answer: false
//!       auto_dial_delay: 300s
//!       auto_end: false
//!       offer_timeout: 30s
//!       answering_machine: hang_up   # or connect, leave_message
//!       outbound_flow: CallbackGreeting   # greets an answering customer, then connects
//!       duplicate_window: 48h
//!       inactive_after: 14d
//!   Billing: {}                  # a queue with every default; `Billing:` alone works too
//! agents:
//!   - name: alice
//!     skills: [billing]
//!     queues: [Support, Billing]
//!     wrap_up: 30s
//!   - name: bob
//!     queues: [Support]
//! numbers:                       # what callers dial, and the inbound flow each reaches
//!   "+31201234000": Main
//! campaigns:                     # outbound campaigns a supervisor starts (see `campaign.rs`)
//!   Renewals: { queue: Support, mode: preview, contacts: renewals.csv }
//! ```
//!
//! An empty file (or one with only comments) declares no queues and no agents. Both sections are
//! optional (and `numbers` too). Durations are `30s`, `5m`, `1h30m`, `2d` (units d, h, m, s, ms) or a bare number of
//! seconds. A list of names may also be a single name (`skills: support`).
//!
//! # Reference
//!
//! Queue settings (`queues.<Name>`):
//!
//! | setting | value | default |
//! | --- | --- | --- |
//! | `ani` | caller id for callbacks: `+` then 8–15 digits, in quotes | none |
//! | `skills` | list of skill names | `[]` |
//! | `hold_music` | the recording a `hold` plays while callers wait in this queue (a file of the project, e.g. `audio/hold.wav`; W0704 when missing) | the platform's default music |
//! | `callback` | the settings below | all defaults |
//!
//! Callback settings (`queues.<Name>.callback`):
//!
//! | setting | value | default | allowed |
//! | --- | --- | --- | --- |
//! | `mode` | `agent_first` or `customer_first` | `agent_first` | |
//! | `pacing_modifier` | customers dialled per free agent (customer-first) | 1 | 1–10 |
//! | `attempts` | dial attempts, the first included | 3 | 1–20 |
//! | `retry_interval` | time between attempts | 5m | 1s–24h |
//! | `max_days_ahead` | how far ahead a callback may be scheduled, in days | 30 | 1–31 |
//! | `min_lead` | earliest start of a scheduled callback, from now | 30m | 0s–24h |
//! | `window_min` | shortest call-between window | 30m | 1m–24h, at most `window_max` |
//! | `window_max` | longest call-between window | 8h | 1m–24h |
//! | `preserve_skills_priority` | callback keeps the call's skills and priority | `false` | |
//! | `ownership_period` | how long an agent-owned callback waits for its owner | 24h | 1h–30d |
//! | `assign_to_queue_on_expiry` | after the ownership period: back to the queue (`true`) or removed | `true` | |
//! | `auto_answer` | the agent's callback preview is answered automatically | `false` | |
//! | `auto_dial_delay` | delay before the customer is dialled after the agent accepts | 5m | 0s–20m |
//! | `auto_end` | the callback ends as its call ends; without it, when the agent's wrap-up is over | `false` | |
//! | `offer_timeout` | how long an agent has to accept an offered callback | 30s | 1s–10m |
//! | `answering_machine` | customer-first, machine answers: `hang_up`, `connect`, `leave_message`, or `flow` (the outbound flow decides, reading `Call.AnsweringMachine`) | `hang_up` | |
//! | `outbound_flow` | the outbound flow run when a callback's customer answers | none: the agent talks at once | an outbound flow of the project |
//! | `duplicate_window` | a pending callback for the same number within this is a duplicate (0s: off) | 48h | 0s–30d |
//! | `inactive_after` | an undated callback not updated for this long is ended | 14d | 1d–365d |
//! | `owner_away` | an owned callback whose owner is logged out or on break when its window opens (agent presence of `serve`): `keep` (wait for the owner), `peer` (a ready agent of the queue with its skills, else the queue) or `queue` | `keep` | |
//! | `dispositions` | the codes an agent closes a callback with | `[resolved, not_resolved, call_back_later, wrong_number, customer_unavailable]` | |
//! | `slot_length` | length of a booking slot (the schedule grid) | 30m | 5m–24h |
//! | `slot_capacity` | scheduled callbacks one slot takes | no limit | 1–100000 |
//! | `open_hours` | when callbacks may be booked, `HH:MM-HH:MM` in `hours_timezone` | all day | |
//! | `open_days` | the weekdays callbacks may be booked: `[mon, tue, wed, thu, fri]` | every day | |
//! | `hours_timezone` | the IANA zone of `open_hours` and the slot grid | `UTC` | |
//!
//! Agent settings (`agents[]`):
//!
//! | setting | value | default | allowed |
//! | --- | --- | --- | --- |
//! | `name` | unique agent name (required) | | |
//! | `skills` | list of skill names | `[]` | |
//! | `queues` | queues the agent takes calls from; each must be declared under `queues` | `[]` | |
//! | `wrap_up` | after-call work time | 0s | 0s–1h |
//!
//! # Recovery
//!
//! A YAML syntax error, or a top level that is not a mapping, gives `None`. Otherwise the result is
//! `Some` even when there are diagnostics: a value that cannot be used is replaced by its default,
//! an unknown setting is ignored, a duplicate agent or an agent without a name is left out, so the
//! flows can still be checked against the declared queues. The caller decides whether errors stop
//! the run.

mod campaign;
pub use campaign::{CampaignConfig, Reschedule};
mod load;

mod raw;
pub mod slots;
mod validate;

#[cfg(test)]
mod tests;

pub use crate::model::CallbackMode;

use crate::diagnostics::Diagnostic;
use crate::model::bounds;
use crate::source::{FileId, Span};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bounds and defaults that only `center.yaml` uses (the shared ones are in
/// [`crate::model::bounds`]).
pub mod limits {
    /// Shortest retry interval.
    pub const RETRY_INTERVAL_MIN_SECS: i64 = 1;
    /// `window_min` and `window_max` may be set between these.
    pub const WINDOW_FLOOR_SECS: i64 = 60;
    pub const WINDOW_CEILING_SECS: i64 = 24 * 3600;
    /// Longest `min_lead` a queue may set.
    pub const MIN_LEAD_MAX_SECS: i64 = 24 * 3600;
    /// How long an agent has to accept an offered callback.
    pub const OFFER_TIMEOUT_MIN_SECS: i64 = 1;
    pub const OFFER_TIMEOUT_MAX_SECS: i64 = 10 * 60;
    pub const OFFER_TIMEOUT_DEFAULT_SECS: i64 = 30;
    /// Ownership period of an agent-owned callback when the queue does not say.
    pub const OWNERSHIP_DEFAULT_SECS: i64 = 24 * 3600;
    /// Longest duplicate-detection window (0 turns detection off).
    pub const DUPLICATE_WINDOW_MAX_SECS: i64 = 30 * 86_400;
    /// `inactive_after` may be set between these.
    pub const INACTIVE_AFTER_MIN_SECS: i64 = 86_400;
    pub const INACTIVE_AFTER_MAX_SECS: i64 = 365 * 86_400;
    /// Agent after-call work.
    pub const WRAP_UP_DEFAULT_SECS: i64 = 0;
    pub const WRAP_UP_MAX_SECS: i64 = 3600;
}

/// A project's contact center as declared in `center.yaml`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Center {
    /// Queues by name (sorted, so output is stable).
    pub queues: BTreeMap<String, QueueConfig>,
    /// Agents in file order; names are unique.
    pub agents: Vec<AgentConfig>,
    /// The numbers callers dial and the inbound flow each one reaches (the web phone's
    /// directory; Genesys's call routing, Connect's claimed numbers), in file order.
    pub numbers: Vec<DialledNumber>,
    /// Switches flows test with `switched(Name)` and a supervisor flips without redeploying (an
    /// emergency message, a snow day), with their value at start, in file order.
    pub switches: Vec<(String, bool, Span)>,
    /// Outbound campaigns (`campaigns:`), in file order; each one's queue is set up for its
    /// dialling mode when the file is read.
    pub campaigns: Vec<CampaignConfig>,
}

/// One `numbers:` entry: `"+31201234000": AcmeSupport`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DialledNumber {
    /// As written (the checker says when it is not a phone number).
    pub number: String,
    pub number_span: Span,
    /// The inbound flow it reaches.
    pub flow: String,
    pub flow_span: Span,
}

impl Center {
    pub fn queue(&self, name: &str) -> Option<&QueueConfig> {
        self.queues.get(name)
    }

    pub fn queue_names(&self) -> impl Iterator<Item = &str> {
        self.queues.keys().map(String::as_str)
    }

    /// The flow a dialled number reaches, compared digit by digit (`+31 20 123 4000` is
    /// `+31201234000`).
    pub fn flow_for(&self, dialled: &str) -> Option<&DialledNumber> {
        let digits = |s: &str| s.chars().filter(|c| c.is_ascii_digit()).collect::<String>();
        let want = digits(dialled);
        self.numbers.iter().find(|n| !want.is_empty() && digits(&n.number) == want)
    }

    pub fn agent(&self, name: &str) -> Option<&AgentConfig> {
        self.agents.iter().find(|a| a.name == name)
    }

    /// The agents that are members of `queue`, in file order.
    pub fn agents_of<'a>(&'a self, queue: &'a str) -> impl Iterator<Item = &'a AgentConfig> + 'a {
        self.agents.iter().filter(move |a| a.queues.iter().any(|q| q == queue))
    }
}

/// One queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueConfig {
    pub name: String,
    /// Caller id for callbacks; only kept when it has the E.164 shape (`+` and 8–15 digits).
    pub ani: Option<String>,
    /// Where `ani: ...` is written, for the full phone-number check.
    pub ani_span: Option<Span>,
    pub callback: CallbackSettings,
    pub skills: Vec<String>,
    /// The recording a `hold` in the queue's in-queue flow plays when it names none (a file of the
    /// project, relative to its folder); `None`: the platform's default music.
    pub hold_music: Option<String>,
    /// Where `hold_music: ...` is written, for the check that the file exists.
    pub hold_music_span: Option<Span>,
    /// The queue's name in `center.yaml` (start of the file if it could not be found).
    pub name_span: Span,
}

/// What a customer-first callback does when an answering machine picks up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnsweringMachine {
    #[default]
    HangUp,
    Connect,
    LeaveMessage,
    /// The queue's outbound flow runs with `Call.AnsweringMachine` true and decides (`leave
    /// voicemail`, `retry later`, `disconnect`, or `connect agent`).
    Flow,
}

/// The disposition codes of a queue that names none.
pub const DEFAULT_DISPOSITIONS: [&str; 5] =
    ["resolved", "not_resolved", "call_back_later", "wrong_number", "customer_unavailable"];

/// What happens to an agent-owned callback whose owner is away (logged out or on break, as the
/// service's agent presence says) when its window opens (seed 004, edge case 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerAway {
    /// It waits for its owner (the ownership period still applies).
    #[default]
    Keep,
    /// It goes to a ready agent of the queue with the queue's skills, else back to the queue.
    Peer,
    /// It goes back to the queue.
    Queue,
}

/// A queue's callback settings; durations in seconds. See the module docs for meaning and bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallbackSettings {
    pub mode: CallbackMode,
    pub pacing_modifier: i64,
    pub attempts: i64,
    pub retry_interval_secs: i64,
    pub max_days_ahead: i64,
    pub min_lead_secs: i64,
    pub window_min_secs: i64,
    pub window_max_secs: i64,
    pub preserve_skills_priority: bool,
    pub ownership_period_secs: i64,
    pub assign_to_queue_on_expiry: bool,
    pub auto_answer: bool,
    pub auto_dial_delay_secs: i64,
    pub auto_end: bool,
    pub offer_timeout_secs: i64,
    pub answering_machine: AnsweringMachine,
    pub duplicate_window_secs: i64,
    pub inactive_after_secs: i64,
    /// The outbound flow that greets the customer when a callback's dial is answered, and where
    /// the setting is written (the checker makes sure it names an outbound flow).
    pub outbound_flow: Option<(String, Span)>,
    /// Booking slots: their length, capacity, opening hours and zone.
    pub slots: slots::SlotSettings,
    /// An owned callback whose owner is away when its window opens.
    pub owner_away: OwnerAway,
    /// The disposition codes an agent picks from when a callback is done (seed 001).
    pub dispositions: Vec<String>,
    /// Customer-first: how long an answered customer waits for an agent before the call is
    /// abandoned (`None`: until one is free). Campaigns set it (2 s, the usual regulatory
    /// definition of an abandoned outbound call).
    pub connect_within_secs: Option<i64>,
    /// A preview campaign's record (agent-first): a person at the desk sees it for at most this
    /// long, then it is dialled (Dial dials sooner, Skip returns it). `None`: not a preview queue.
    /// A simulated agent reads it for the `auto_dial_delay` instead.
    pub preview_secs: Option<i64>,
}

impl Default for CallbackSettings {
    fn default() -> Self {
        CallbackSettings {
            mode: CallbackMode::AgentFirst,
            pacing_modifier: bounds::PACING_MIN,
            attempts: bounds::ATTEMPTS_DEFAULT,
            retry_interval_secs: bounds::RETRY_INTERVAL_DEFAULT_SECS,
            max_days_ahead: bounds::DAYS_AHEAD_DEFAULT,
            min_lead_secs: bounds::MIN_LEAD_SECS,
            window_min_secs: bounds::WINDOW_MIN_SECS,
            window_max_secs: bounds::WINDOW_MAX_SECS,
            preserve_skills_priority: false,
            ownership_period_secs: limits::OWNERSHIP_DEFAULT_SECS,
            assign_to_queue_on_expiry: true,
            auto_answer: false,
            auto_dial_delay_secs: bounds::AUTO_DIAL_DELAY_DEFAULT_SECS,
            auto_end: false,
            offer_timeout_secs: limits::OFFER_TIMEOUT_DEFAULT_SECS,
            answering_machine: AnsweringMachine::HangUp,
            duplicate_window_secs: bounds::DUPLICATE_WINDOW_SECS,
            inactive_after_secs: bounds::INACTIVE_AFTER_SECS,
            outbound_flow: None,
            slots: slots::SlotSettings::default(),
            owner_away: OwnerAway::Keep,
            dispositions: DEFAULT_DISPOSITIONS.iter().map(|d| d.to_string()).collect(),
            connect_within_secs: None,
            preview_secs: None,
        }
    }
}

/// One agent.
#[derive(Debug, Clone, Serialize)]
pub struct AgentConfig {
    pub name: String,
    pub skills: Vec<String>,
    /// Queues the agent is a member of; every one is declared in [`Center::queues`].
    pub queues: Vec<String>,
    pub wrap_up_secs: i64,
    /// The agent's name in `center.yaml`.
    pub name_span: Span,
}

/// Reads `center.yaml`. See the module docs for the format and for what is returned with errors.
///
/// Never panics: any text gives a result and diagnostics that point into it.
pub fn load_center(file: FileId, text: &str) -> (Option<Center>, Vec<Diagnostic>) {
    load::load(file, text)
}
