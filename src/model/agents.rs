//! Who answers in a run: a number of identical agents, the `center.yaml` roster, or groups.

use crate::time::Micros;

/// Which agents answer.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentsSpec {
    /// This many identical agents, each a member of every queue, with no skills and no wrap-up.
    Count(u32),
    /// The agents of `center.yaml`.
    Roster,
    /// Groups of identical agents.
    List(Vec<AgentGroup>),
}

impl AgentsSpec {
    /// For one traced call or a flow test: the center.yaml roster if it has agents, else one agent.
    pub fn roster_or_one(center: Option<&crate::model::center::Center>) -> AgentsSpec {
        match center {
            Some(c) if !c.agents.is_empty() => AgentsSpec::Roster,
            _ => AgentsSpec::Count(1),
        }
    }
}

/// A group of identical agents.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentGroup {
    pub name: String,
    pub count: u32,
    /// Queues the group takes calls from; empty: every queue.
    pub queues: Vec<String>,
    pub skills: Vec<String>,
    pub wrap_up: Micros,
    /// When the group works, every day; `None`: logged in all the time.
    pub shift: Option<Shift>,
    /// The chance that one of its agents is away a whole day (sickness, leave: the unplanned
    /// shrinkage a roster's breaks do not show), drawn per agent and day; 0 for none.
    pub absence: f64,
}

/// A daily shift in local wall-clock seconds since midnight, with its breaks and lunches
/// (`[start, end)`, within the shift). A shift that ends before it starts runs past midnight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub start: u32,
    pub end: u32,
    /// (start, length) in seconds, in the order of the day.
    pub breaks: Vec<(u32, u32)>,
}

impl Shift {
    /// Whether an agent on this shift is logged in and not on a break at `secs` since midnight.
    pub fn working_at(&self, secs: u32) -> bool {
        let on_shift = if self.start <= self.end {
            (self.start..self.end).contains(&secs)
        } else {
            secs >= self.start || secs < self.end
        };
        on_shift && !self.breaks.iter().any(|&(b, len)| (b..b + len).contains(&secs))
    }

    /// The moments of the day (seconds since midnight, sorted) at which [`working_at`](Shift::working_at)
    /// may change.
    pub fn changes(&self) -> Vec<u32> {
        let mut at: Vec<u32> = vec![self.start, self.end];
        for &(b, len) in &self.breaks {
            at.push(b);
            at.push((b + len) % 86_400);
        }
        at.sort_unstable();
        at.dedup();
        at
    }
}

impl AgentsSpec {
    /// The number of agents, when the scenario says (`None` for the roster).
    pub fn count(&self) -> Option<u32> {
        match self {
            AgentsSpec::Count(n) => Some(*n),
            AgentsSpec::Roster => None,
            AgentsSpec::List(groups) => Some(groups.iter().fold(0u32, |n, g| n.saturating_add(g.count))),
        }
    }
}
