//! How an outbound campaign dials (a supervisor's choice, as in Genesys and Five9 outbound), and
//! what each mode means for the campaign queue's callback settings — the one mapping the
//! simulator and `serve` both use, so a campaign behaves the same in a simulated day and live.

use super::CallbackMode;
use super::center::CallbackSettings;

/// A campaign's dialling mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DialMode {
    /// The agent gets the record, reads it (the preview time), then dials or skips it.
    Preview,
    /// The record is pushed to an agent, who accepts or rejects it within the offer time-out.
    PushPreview,
    /// One dial per free agent; the customer is connected when they answer.
    Progressive,
    /// Dials ahead of the free agents, pacing to keep abandoned calls under the target.
    Predictive,
}

/// An answered customer waits this long for an agent before the call counts as abandoned (the
/// usual regulatory definition: UK Ofcom and the US TSR both use 2 seconds).
pub const CONNECT_WITHIN_SECS: i64 = 2;

/// Campaign records' priority: below inbound calls (priority 0), so blended agents answer
/// waiting callers first.
pub const CAMPAIGN_PRIORITY: i64 = -1;

impl DialMode {
    pub const ALL: [DialMode; 4] =
        [DialMode::Preview, DialMode::PushPreview, DialMode::Progressive, DialMode::Predictive];

    pub fn as_str(self) -> &'static str {
        match self {
            DialMode::Preview => "preview",
            DialMode::PushPreview => "push_preview",
            DialMode::Progressive => "progressive",
            DialMode::Predictive => "predictive",
        }
    }

    pub fn parse(text: &str) -> Option<DialMode> {
        DialMode::ALL.into_iter().find(|m| m.as_str() == text.trim())
    }

    /// Whether the agent sees the record before anyone is dialled (agent-first).
    pub fn agent_first(self) -> bool {
        matches!(self, DialMode::Preview | DialMode::PushPreview)
    }

    /// Sets a campaign queue's callback settings for this mode: the preview modes are agent-first
    /// (preview dials by itself after `preview_secs` when no person answers the offer, as a
    /// simulated agent does; push preview waits for an accept), the dialling modes customer-first
    /// with one dial per free agent and the connect time that makes an unserved answer abandoned.
    pub fn apply(self, s: &mut CallbackSettings, attempts: i64, retry_secs: i64, preview_secs: i64) {
        s.attempts = attempts;
        s.retry_interval_secs = retry_secs;
        match self {
            DialMode::Preview => {
                s.mode = CallbackMode::AgentFirst;
                s.auto_answer = true;
                s.auto_dial_delay_secs = preview_secs;
            }
            DialMode::PushPreview => {
                s.mode = CallbackMode::AgentFirst;
                s.auto_answer = false;
                s.auto_dial_delay_secs = 0;
            }
            DialMode::Progressive | DialMode::Predictive => {
                s.mode = CallbackMode::CustomerFirst;
                s.pacing_modifier = 1;
                s.connect_within_secs = Some(CONNECT_WITHIN_SECS);
            }
        }
    }
}
