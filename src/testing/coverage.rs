//! Which nodes and edges of the compiled graphs the cases went through, from their traces.
//!
//! The interpreter traces each node it starts (`Step`) and the outcome it leaves by (`Edge`), so
//! an edge is the outcome taken from the last node stepped. Start and task-entry nodes are not
//! traced (they do nothing): they count as covered when any node of their body is.

use super::project_under_test::ProjectUnderTest;
use crate::compile::dot::Paint;
use crate::compile::{Action, FlowGraph, NodeId, Outcome};
use crate::runtime::Event;
use crate::time::Micros;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

struct FlowCoverage {
    graph: Rc<FlowGraph>,
    nodes: Vec<bool>,
    edges: Vec<bool>,
    /// Per node: its outgoing edges as (outcome, edge index), for the first edge with an outcome.
    out: Vec<Vec<(Outcome, usize)>>,
    /// Nodes that count (an `end` nobody reaches is not drawn and not counted).
    counted: Vec<bool>,
}

pub struct Coverage {
    flows: Vec<FlowCoverage>,
    index: HashMap<String, usize>,
    /// Per Create Callback node: which lifecycle outcomes its callbacks reached.
    callbacks: BTreeMap<(usize, NodeId), BTreeSet<&'static str>>,
}

/// The outcomes a callback can reach, in lifecycle order. `window missed` counts only for a node
/// with a window, `ownership expired` only for one with an owner.
pub const CALLBACK_OUTCOMES: &[&str] =
    &["created", "dispatched", "answered", "retried", "exhausted", "window missed", "ownership expired"];

/// Something no case went through.
#[derive(Debug, Clone)]
pub struct Uncovered {
    /// `file:line` of the node (of the edge's source, for an edge).
    pub place: String,
    pub flow: String,
    pub what: String,
}

/// One flow's figures: (covered, total) nodes and edges.
#[derive(Debug, Clone)]
pub struct FlowLine {
    pub flow: String,
    pub nodes: (usize, usize),
    pub edges: (usize, usize),
}

#[derive(Debug, Clone)]
pub struct CoverageReport {
    pub nodes: (usize, usize),
    pub edges: (usize, usize),
    pub flows: Vec<FlowLine>,
    /// Callback outcomes reached, over those that apply, summed over Create Callback nodes.
    pub callback_outcomes: (usize, usize),
    pub uncovered: Vec<Uncovered>,
}

pub fn percent((covered, total): (usize, usize)) -> f64 {
    if total == 0 { 100.0 } else { covered as f64 * 100.0 / total as f64 }
}

impl Coverage {
    pub fn new(project: &ProjectUnderTest) -> Self {
        let mut flows = Vec::new();
        let mut index = HashMap::new();
        for g in &project.checked.graphs {
            let graph = project.flows[g.name()].clone();
            let mut out = vec![Vec::new(); graph.node_count()];
            for (i, e) in graph.edges().enumerate() {
                let list: &mut Vec<(Outcome, usize)> = &mut out[e.from.0 as usize];
                if !list.iter().any(|(o, _)| o == e.outcome) {
                    list.push((e.outcome.clone(), i));
                }
            }
            let mut counted = vec![false; graph.node_count()];
            for n in graph.drawn_nodes() {
                counted[n.id.0 as usize] = true;
            }
            index.insert(g.name().to_string(), flows.len());
            flows.push(FlowCoverage {
                nodes: vec![false; graph.node_count()],
                edges: vec![false; graph.edge_count()],
                out,
                counted,
                graph,
            });
        }
        let mut callbacks = BTreeMap::new();
        for (fi, f) in flows.iter().enumerate() {
            for n in f.graph.nodes() {
                if matches!(n.action, Action::CreateCallback(_)) {
                    callbacks.insert((fi, n.id), BTreeSet::new());
                }
            }
        }
        Coverage { flows, index, callbacks }
    }

    pub fn record(&mut self, events: &[(Micros, Event)]) {
        let mut cur: Option<(usize, NodeId)> = None;
        let mut last_flow: Option<(&str, usize)> = None;
        // `call` nodes waiting for their task to return: the return takes the call's `next`
        // edge, which the interpreter follows without tracing it.
        let mut calls: Vec<(usize, NodeId)> = Vec::new();
        // A callback's lifecycle events name it by id; the first after a creation is that one.
        let mut pending: Option<(usize, NodeId)> = None;
        let mut owners: HashMap<&str, (usize, NodeId)> = HashMap::new();
        for (_, e) in events {
            match e {
                Event::Step { flow, node, .. } => {
                    let fi = match last_flow {
                        Some((name, i)) if name == flow => Some(i),
                        _ => self.index.get(flow.as_str()).copied(),
                    };
                    cur = fi.map(|i| (i, *node));
                    if let Some(i) = fi {
                        last_flow = Some((flow.as_str(), i));
                        let f = &mut self.flows[i];
                        if let Some(b) = f.nodes.get_mut(node.0 as usize) {
                            *b = true;
                        }
                        if node.0 < f.graph.node_count() as u32
                            && matches!(f.graph.node(*node).action, Action::Return { .. })
                            && let Some(k) = calls.iter().rposition(|(fi, _)| *fi == i)
                        {
                            let (_, call) = calls.remove(k);
                            if let Some((_, ei)) =
                                f.out[call.0 as usize].iter().find(|(o, _)| *o == Outcome::Next)
                            {
                                f.edges[*ei] = true;
                            }
                        }
                    }
                }
                Event::CallbackCreated { .. } => {
                    if let Some(key) = cur
                        && let Some(set) = self.callbacks.get_mut(&key)
                    {
                        set.insert("created");
                        pending = Some(key);
                    }
                }
                Event::Callback { id, step } => {
                    if !owners.contains_key(id.as_str())
                        && let Some(key) = pending.take()
                    {
                        owners.insert(id.as_str(), key);
                    }
                    let Some(key) = owners.get(id.as_str()) else { continue };
                    let Some(set) = self.callbacks.get_mut(key) else { continue };
                    use crate::callbacks::{CallbackStep, DialResult, EndReason};
                    match step {
                        CallbackStep::Dialing { attempt, .. } => {
                            set.insert("dispatched");
                            if *attempt > 1 {
                                set.insert("retried");
                            }
                        }
                        CallbackStep::DialResult { result: DialResult::Answered, .. } => {
                            set.insert("answered");
                        }
                        CallbackStep::OwnershipExpired { .. } => {
                            set.insert("ownership expired");
                        }
                        CallbackStep::Ended { reason: EndReason::AttemptsExhausted, .. } => {
                            set.insert("exhausted");
                        }
                        CallbackStep::Ended { reason: EndReason::WindowMissed, .. } => {
                            set.insert("window missed");
                        }
                        _ => {}
                    }
                }
                Event::Edge(o) => {
                    if let Some((fi, node)) = cur {
                        let f = &mut self.flows[fi];
                        if let Some(list) = f.out.get(node.0 as usize)
                            && let Some((_, ei)) = list.iter().find(|(x, _)| x == o)
                        {
                            f.edges[*ei] = true;
                        }
                        if *o == Outcome::Call {
                            calls.push((fi, node));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Node and edge bits with untraced start and task-entry nodes filled in.
    fn effective(f: &FlowCoverage) -> (Vec<bool>, Vec<bool>) {
        let g = &f.graph;
        let (mut nodes, mut edges) = (f.nodes.clone(), f.edges.clone());
        let body_used =
            |task: &Option<String>| g.nodes().any(|n| &n.task == task && f.nodes[n.id.0 as usize]);
        for n in g.nodes() {
            if matches!(n.action, Action::Start | Action::TaskStart(_)) && body_used(&n.task) {
                nodes[n.id.0 as usize] = true;
                for (o, ei) in &f.out[n.id.0 as usize] {
                    if *o == Outcome::Next {
                        edges[*ei] = true;
                    }
                }
            }
        }
        (nodes, edges)
    }

    pub fn report(&self, project: &ProjectUnderTest) -> CoverageReport {
        let sources = project.checked.sources();
        let mut r = CoverageReport {
            nodes: (0, 0),
            edges: (0, 0),
            flows: Vec::new(),
            callback_outcomes: (0, 0),
            uncovered: Vec::new(),
        };
        for f in &self.flows {
            let g = &f.graph;
            let (nodes, edges) = Self::effective(f);
            let mut fnodes = (0, 0);
            for n in g.nodes().filter(|n| f.counted[n.id.0 as usize]) {
                fnodes.1 += 1;
                if nodes[n.id.0 as usize] {
                    fnodes.0 += 1;
                } else {
                    r.uncovered.push(Uncovered {
                        place: sources.file_line(n.span),
                        flow: g.name().to_string(),
                        what: format!("node {} {}", n.id, n.action.summary()),
                    });
                }
            }
            let mut fedges = (0, 0);
            for (i, e) in g.edges().enumerate() {
                fedges.1 += 1;
                if edges[i] {
                    fedges.0 += 1;
                } else {
                    let from = g.node(e.from);
                    r.uncovered.push(Uncovered {
                        place: sources.file_line(from.span),
                        flow: g.name().to_string(),
                        what: format!(
                            "edge `{}` from {} {} to {} {}",
                            e.outcome,
                            e.from,
                            from.action.summary(),
                            e.to,
                            g.node(e.to).action.summary()
                        ),
                    });
                }
            }
            r.nodes.0 += fnodes.0;
            r.nodes.1 += fnodes.1;
            r.edges.0 += fedges.0;
            r.edges.1 += fedges.1;
            r.flows.push(FlowLine { flow: g.name().to_string(), nodes: fnodes, edges: fedges });
        }
        for ((fi, node), seen) in &self.callbacks {
            let g = &self.flows[*fi].graph;
            let n = g.node(*node);
            let Action::CreateCallback(cb) = &n.action else { continue };
            for outcome in CALLBACK_OUTCOMES {
                let applies = match *outcome {
                    "window missed" => cb.window.is_some(),
                    "ownership expired" => cb.owner.is_some(),
                    _ => true,
                };
                if !applies {
                    continue;
                }
                r.callback_outcomes.1 += 1;
                if seen.contains(outcome) {
                    r.callback_outcomes.0 += 1;
                } else {
                    r.uncovered.push(Uncovered {
                        place: sources.file_line(n.span),
                        flow: g.name().to_string(),
                        what: format!("callback outcome `{outcome}` of {} create callback", n.id),
                    });
                }
            }
        }
        r
    }

    /// What `graph --coverage` paints for one flow.
    pub fn paint(&self, flow: &str) -> Option<Paint> {
        let f = &self.flows[*self.index.get(flow)?];
        let (nodes, edges) = Self::effective(f);
        let mut p = Paint::default();
        for n in f.graph.nodes() {
            if nodes[n.id.0 as usize] {
                p.covered_nodes.insert(n.id);
            }
        }
        for (i, e) in f.graph.edges().enumerate() {
            if edges[i] {
                p.covered_edges.insert((e.from, e.to, e.outcome.clone()));
            }
        }
        Some(p)
    }
}

impl CoverageReport {
    pub fn text(&self, project_name: &str) -> String {
        let mut s = format!(
            "coverage of {project_name}: {:.1}% of edges ({}/{}), {:.1}% of nodes ({}/{})\n",
            percent(self.edges),
            self.edges.0,
            self.edges.1,
            percent(self.nodes),
            self.nodes.0,
            self.nodes.1
        );
        if self.callback_outcomes.1 > 0 {
            s.push_str(&format!(
                "  callback outcomes {:.1}% ({}/{})\n",
                percent(self.callback_outcomes),
                self.callback_outcomes.0,
                self.callback_outcomes.1
            ));
        }
        for FlowLine { flow: name, nodes: n, edges: e } in &self.flows {
            s.push_str(&format!(
                "  {name:<20} edges {:>5.1}% ({}/{})  nodes {:>5.1}% ({}/{})\n",
                percent(*e),
                e.0,
                e.1,
                percent(*n),
                n.0,
                n.1
            ));
        }
        if !self.uncovered.is_empty() {
            s.push_str("  not covered:\n");
            for u in &self.uncovered {
                s.push_str(&format!("    {}  {}: {}\n", u.place, u.flow, u.what));
            }
        }
        s
    }

    pub fn json(&self) -> serde_json::Value {
        let pair = |(c, t): (usize, usize)| json!({"covered": c, "total": t, "percent": (percent((c, t)) * 10.0).round() / 10.0});
        json!({
            "nodes": pair(self.nodes),
            "edges": pair(self.edges),
            "callback_outcomes": pair(self.callback_outcomes),
            "flows": self.flows.iter().map(|f| json!({"flow": f.flow, "nodes": pair(f.nodes), "edges": pair(f.edges)})).collect::<Vec<_>>(),
            "uncovered": self.uncovered.iter().map(|u| json!({"place": u.place, "flow": u.flow, "what": u.what})).collect::<Vec<_>>(),
        })
    }
}
