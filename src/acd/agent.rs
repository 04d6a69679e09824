//! Agents: presence state, skills, and their place in the idle order.

use super::{QueueId, SkillSet};
use crate::time::Micros;
use std::cmp::Ordering;

/// What an agent is doing, as routing sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgentState {
    /// Logged in and idle: may be assigned.
    Available,
    /// An entry is offered and waits for accept or reject (agent-first callbacks).
    Alerting,
    /// Handling an entry (or busy with work the ACD did not route).
    Busy,
    /// After-call work: logged in, not assignable until it ends.
    WrapUp,
    /// Logged out, on break: not counted as staffed.
    NotAvailable,
}

impl AgentState {
    /// Staffed means logged in, whatever the agent is doing: what `Agents staffed` counts.
    pub fn is_staffed(self) -> bool {
        self != AgentState::NotAvailable
    }
}

/// An agent to add with [`Acd::add_agent`](super::Acd::add_agent); plain data so the simulator
/// can build rosters without a `center.yaml`.
#[derive(Debug, Clone, Default)]
pub struct AgentSpec {
    pub name: String,
    pub skills: Vec<String>,
    pub queues: Vec<QueueId>,
    /// After-call work; 0 makes the agent available again at release.
    pub wrap_up: Micros,
}

/// The entry an agent is handling, for its handle time at release.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OnCall {
    pub(crate) queue: QueueId,
    pub(crate) since: Micros,
}

#[derive(Debug, Clone)]
pub(crate) struct Agent {
    pub(crate) name: String,
    pub(crate) skills: SkillSet,
    pub(crate) queues: Vec<QueueId>,
    pub(crate) wrap_up: Micros,
    pub(crate) state: AgentState,
    /// When the agent last became available; kept while away so a withdrawn offer can restore it.
    pub(crate) idle_since: Micros,
    /// Bumped whenever the agent enters or leaves `Available`; idle-heap items with another stamp
    /// are stale (lazy deletion: an agent in five queues leaves five items behind, and removing
    /// them eagerly would cost five heap searches on every assignment).
    pub(crate) stamp: u32,
    pub(crate) call: Option<OnCall>,
    /// The entry offered while `Alerting`.
    pub(crate) offered: Option<super::EntryId>,
    /// End of the current wrap-up, so a stale wake-up cannot cut a later wrap-up short.
    pub(crate) wrap_until: Micros,
    /// Since when the agent, sent off (a break, the shift's end) in the middle of a call, has
    /// worked on to finish it; kept only when the ACD tracks that time
    /// ([`Acd::track_worked_off`](super::Acd::track_worked_off)).
    pub(crate) off_since: Option<Micros>,
}

/// An available agent in one queue's idle heap. `BinaryHeap` is a max-heap, so `Ord` is
/// reversed: the greatest item is the longest idle (earliest `since`, then the lowest id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdleItem {
    pub(crate) since: Micros,
    pub(crate) agent: u32,
    pub(crate) stamp: u32,
}

impl IdleItem {
    /// Whether this item still stands for an available agent.
    pub(crate) fn is_live(&self, agents: &[Agent]) -> bool {
        let a = &agents[self.agent as usize];
        a.state == AgentState::Available && a.stamp == self.stamp
    }
}

impl Ord for IdleItem {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.since, other.agent).cmp(&(self.since, self.agent))
    }
}

impl PartialOrd for IdleItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
