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
