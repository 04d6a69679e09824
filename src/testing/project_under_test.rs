//! A project compiled once for every case that runs against it: shared graphs and schedules,
//! the ACD as center.yaml staffs it, and an index from `file:line` to nodes for test files.

use super::test_file::{Agents, FlowNode};
use crate::acd::{Acd, AgentSpec, QueueId};
use crate::compile::{FlowGraph, NodeId};
use crate::model::AgentsSpec;
use crate::project::CheckedProject;
use crate::runtime::ScheduleTable;
use chrono_tz::Tz;
use std::collections::HashMap;
use std::rc::Rc;

pub struct ProjectUnderTest {
    pub checked: CheckedProject,
    pub flows: HashMap<String, Rc<FlowGraph>>,
    pub schedules: HashMap<String, ScheduleTable>,
    /// The zone of the first schedule: where a case's `call.at` is read by default.
    pub zone: Tz,
    roster: Acd,
    /// Queues only, nobody staffed.
    empty: Acd,
    skills: Vec<String>,
    /// 1-based line → (file name, node) for the nodes whose span starts there.
    lines: HashMap<u32, Vec<(String, FlowNode)>>,
    files: Vec<String>,
}

impl ProjectUnderTest {
    pub fn new(checked: CheckedProject) -> Result<Self, String> {
        let flows: HashMap<String, Rc<FlowGraph>> =
            checked.graphs.iter().map(|g| (g.name().to_string(), Rc::new(g.clone()))).collect();
        let schedules = ScheduleTable::tables(&checked).collect();
        let zone = checked.default_zone();
        let (roster, _) =
            crate::runtime::build_acd(&checked, &AgentsSpec::roster_or_one(checked.project.center.as_ref()))?;
        let (empty, _) = crate::runtime::build_acd(&checked, &AgentsSpec::Count(0))?;
        let mut skills: Vec<String> = Vec::new();
        if let Some(c) = &checked.project.center {
            skills.extend(c.agents.iter().flat_map(|a| a.skills.iter().cloned()));
        }
        for g in &checked.graphs {
            for n in g.nodes() {
                if let crate::compile::Action::Transfer { skills: s, .. } = &n.action {
                    skills.extend(s.iter().map(|s| s.value.clone()));
                }
            }
        }
        skills.sort();
        skills.dedup();
        let mut lines: HashMap<u32, Vec<(String, FlowNode)>> = HashMap::new();
        let mut files: Vec<String> = Vec::new();
        let sources = checked.sources();
        for g in &checked.graphs {
            for n in g.drawn_nodes() {
                let line = sources.line_col(n.span).line as u32;
                let file = sources.name(n.span.file).replace('\\', "/");
                if !files.contains(&file) {
                    files.push(file.clone());
                }
                lines.entry(line).or_default().push((file, (g.shared_name(), n.id)));
            }
        }
        Ok(ProjectUnderTest { checked, flows, schedules, zone, roster, empty, skills, lines, files })
    }

    /// A fresh ACD for one case.
    pub fn acd(&self, agents: Agents) -> Acd {
        match agents {
            Agents::Roster => self.roster.clone(),
            Agents::Count(n) => {
                let mut acd = self.empty.clone();
                let queues: Vec<QueueId> = (0..acd.queue_count()).map(|i| QueueId(i as u32)).collect();
                for i in 0..n {
                    acd.add_agent(AgentSpec {
                        name: format!("agent{}", i + 1),
                        skills: self.skills.clone(),
                        queues: queues.clone(),
                        wrap_up: 0,
                    });
                }
                acd
            }
        }
    }

    /// The roster's agent names.
    pub fn agent_names(&self) -> Vec<String> {
        (0..self.roster.agent_count())
            .map(|i| self.roster.agent_name(crate::acd::AgentId(i as u32)).to_string())
            .collect()
    }

    pub fn graph(&self, flow: &str) -> Option<&Rc<FlowGraph>> {
        self.flows.get(flow)
    }

    pub fn flow_names(&self) -> impl Iterator<Item = &str> {
        self.checked.graphs.iter().map(|g| g.name())
    }

    pub fn queue_names(&self) -> Vec<String> {
        (0..self.roster.queue_count())
            .map(|i| self.roster.queue_name(QueueId(i as u32)).to_string())
            .collect()
    }

    /// Nodes at `file:line`, where `file` is the flow file's name or a trailing part of its path
    /// (`support.flow`, `acme/support.flow`).
    pub fn nodes_at(&self, file: &str, line: u32) -> Vec<FlowNode> {
        let mut out: Vec<FlowNode> = self
            .lines
            .get(&line)
            .into_iter()
            .flatten()
            .filter(|(name, _)| file_matches(name, file))
            .map(|(_, n)| n.clone())
            .collect();
        out.sort_by(|a, b| (&*a.0, a.1).cmp(&(&*b.0, b.1)));
        out
    }

    /// Is `file` the name of one of the project's flow files?
    pub fn has_file(&self, file: &str) -> bool {
        self.files.iter().any(|name| file_matches(name, file))
    }

    /// `file:line` of a node, as traces and coverage show it.
    pub fn place(&self, flow: &str, node: NodeId) -> String {
        match self.flows.get(flow) {
            Some(g) => self.checked.sources().file_line(g.node(node).span),
            None => format!("{flow}.{node}"),
        }
    }
}

fn file_matches(name: &str, file: &str) -> bool {
    name == file || (name.ends_with(file) && name[..name.len() - file.len()].ends_with('/'))
}
