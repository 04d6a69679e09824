//! The ACD a run uses: the queues (`center.yaml`'s, plus any a flow transfers to or books a callback in) and its agents,
//! built the same way for `run`, `simulate`, `test` and `dispatch`.

use crate::acd::{Acd, AgentSpec};
use crate::model::AgentsSpec;
use crate::project::CheckedProject;

/// The queues (center.yaml's, plus any a flow transfers to) and the agents a run uses.
pub fn build_acd(checked: &CheckedProject, agents: &AgentsSpec) -> Result<(Acd, u32), String> {
    let mut acd = Acd::new();
    let mut queues: Vec<String> = checked
        .project
        .center
        .as_ref()
        .map(|c| c.queue_names().map(str::to_string).collect())
        .unwrap_or_default();
    for g in &checked.graphs {
        for n in g.nodes() {
            // Without a center.yaml a queue exists because a flow names it: as a transfer's
            // target or as a callback's queue (`check` accepts both, so `run` must too).
            let named = match &n.action {
                crate::compile::Action::Transfer { queue, .. } => Some(&queue.name),
                crate::compile::Action::CreateCallback(cb) => cb.queue.as_ref().map(|q| &q.name),
                _ => None,
            };
            if let Some(name) = named
                && !queues.contains(name)
            {
                queues.push(name.clone());
            }
        }
    }
    let all: Vec<_> = queues.iter().map(|q| acd.add_queue(q)).collect();
    // `N agents in every queue` can take every call: they have every skill the project names
    // (the queues', the roster's and the transfers'), or a skilled queue would never be answered.
    let mut every_skill: Vec<String> = Vec::new();
    let mut learn = |skill: &str| {
        if !every_skill.iter().any(|s| s == skill) {
            every_skill.push(skill.to_string());
        }
    };
    if let Some(center) = &checked.project.center {
        center.queues.values().flat_map(|q| &q.skills).for_each(|s| learn(s));
        center.agents.iter().flat_map(|a| &a.skills).for_each(|s| learn(s));
    }
    for g in &checked.graphs {
        for n in g.nodes() {
            if let crate::compile::Action::Transfer { skills, .. } = &n.action {
                skills.iter().for_each(|s| learn(&s.value));
            }
        }
    }
    let mut count = 0;
    match agents {
        AgentsSpec::Count(n) => {
            for i in 0..*n {
                acd.add_agent(AgentSpec {
                    name: format!("agent{}", i + 1),
                    skills: every_skill.clone(),
                    queues: all.clone(),
                    wrap_up: 0,
                });
            }
            count = *n;
        }
        AgentsSpec::Roster => {
            let center =
                checked.project.center.as_ref().ok_or("`agents: roster` needs a center.yaml with agents")?;
            for a in &center.agents {
                let qs = a.queues.iter().filter_map(|q| acd.queue_id(q)).collect();
                acd.add_agent(AgentSpec {
                    name: a.name.clone(),
                    skills: a.skills.clone(),
                    queues: qs,
                    wrap_up: a.wrap_up_secs * 1_000_000,
                });
                count += 1;
            }
        }
        AgentsSpec::List(groups) => {
            for g in groups {
                let qs = if g.queues.is_empty() {
                    all.clone()
                } else {
                    g.queues
                        .iter()
                        .map(|q| {
                            acd.queue_id(q)
                                .ok_or_else(|| format!("agent group `{}` names unknown queue `{q}`", g.name))
                        })
                        .collect::<Result<Vec<_>, _>>()?
                };
                for i in 0..g.count {
                    acd.add_agent(AgentSpec {
                        name: format!("{}{}", g.name, i + 1),
                        skills: g.skills.clone(),
                        queues: qs.clone(),
                        wrap_up: g.wrap_up,
                    });
                }
                count += g.count;
            }
        }
    }
    Ok((acd, count))
}
