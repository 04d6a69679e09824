//! [`FlowGraph`]: a compiled flow. petgraph stays behind this type; callers speak in node ids
//! and outcomes.

use super::{Action, Node, NodeId, Outcome};
use crate::source::Span;
use crate::syntax::ast::FlowKind;
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use std::collections::BTreeMap;

/// One flow as a graph: nodes are actions, edges are labelled outcomes.
#[derive(Debug, Clone)]
pub struct FlowGraph {
    pub(super) name: std::rc::Rc<str>,
    pub(super) kind: FlowKind,
    pub(super) span: Span,
    pub(super) graph: DiGraph<Node, Outcome>,
    pub(super) end: NodeId,
    pub(super) tasks: BTreeMap<String, NodeId>,
    /// The declared languages (tag, TTS voice), the first the default; empty: not declared.
    pub(super) languages: Vec<(String, Option<String>)>,
    /// `[next, yes, no]` of every node, by id (`u32::MAX`: no such edge): what [`follow`]
    /// answers for the outcomes nearly every step takes, looked up rather than found by walking
    /// the node's edge list and comparing outcomes (1.2% of a callback-heavy simulation). Made
    /// by [`FlowGraph::with_successors`] from that same walk, so the two always agree.
    ///
    /// [`follow`]: FlowGraph::follow
    pub(super) successors: Vec<[u32; 3]>,
    /// The start has `on key` edges (see [`FlowGraph::any_time`]).
    pub(super) has_any_time: bool,
}

/// An edge as callers see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeView<'a> {
    pub from: NodeId,
    pub to: NodeId,
    pub outcome: &'a Outcome,
}

fn idx(id: NodeId) -> NodeIndex {
    NodeIndex::new(id.0 as usize)
}

fn id(ix: NodeIndex) -> NodeId {
    NodeId(ix.index() as u32)
}

impl FlowGraph {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name, shared (a call keeps it in `Flow.Name` without copying).
    pub fn shared_name(&self) -> std::rc::Rc<str> {
        self.name.clone()
    }

    pub fn kind(&self) -> FlowKind {
        self.kind
    }

    /// The languages the flow declares (`languages "nl-NL" voice "Lotte", …`), the first its
    /// default; empty when it declares none (then it speaks any language, in no named voice).
    pub fn languages(&self) -> &[(String, Option<String>)] {
        &self.languages
    }

    /// The declared language `tag` stands for (the exact tag, else the same language), with
    /// its voice; `None` when the flow declares languages and not this one.
    pub fn declared_language(&self, tag: &str) -> Option<&(String, Option<String>)> {
        let same = |t: &&(String, Option<String>)| crate::source::same_language(&t.0, tag);
        self.languages
            .iter()
            .find(|t| t.0.eq_ignore_ascii_case(tag))
            .or_else(|| self.languages.iter().find(same))
    }

    /// The span of the whole flow definition.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The start node (always `n0`).
    pub fn entry(&self) -> NodeId {
        NodeId(0)
    }

    /// The queue an inbound flow sends every call to with nothing before it: its start leads
    /// straight to a plain `transfer to Q` (no priority, skills, preferred agent or in-queue
    /// flow), and it declares no languages. Walking such a flow only ever puts the call in `Q`,
    /// so a caller that needs the outcome alone may place the call there itself (the simulator
    /// does: its bare M/M/c calls run without the interpreter).
    pub fn straight_to_queue(&self) -> Option<&str> {
        if self.kind != FlowKind::Inbound || !self.languages.is_empty() {
            return None;
        }
        let first = self.follow(self.entry(), &Outcome::Next)?;
        match &self.node(first).action {
            Action::Transfer { queue, inqueue_flow: None, priority: None, skills, preferred: None }
                if skills.is_empty() =>
            {
                Some(&queue.name)
            }
            _ => None,
        }
    }

    /// The node reached by falling off the end of the main body.
    pub fn end(&self) -> NodeId {
        self.end
    }

    pub fn task_entry(&self, task: &str) -> Option<NodeId> {
        self.tasks.get(task).copied()
    }

    pub fn tasks(&self) -> impl Iterator<Item = (&str, NodeId)> {
        self.tasks.iter().map(|(k, v)| (k.as_str(), *v))
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.graph[idx(id)]
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// All nodes in id (source) order.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.graph.node_weights()
    }

    /// All edges, in the order they were added (source order of their origin).
    pub fn edges(&self) -> impl Iterator<Item = EdgeView<'_>> {
        self.graph.edge_references().map(|e| EdgeView {
            from: id(e.source()),
            to: id(e.target()),
            outcome: e.weight(),
        })
    }

    /// Outgoing edges of a node, in the order they were added.
    pub fn outgoing(&self, node: NodeId) -> Vec<EdgeView<'_>> {
        let mut v: Vec<_> = self
            .graph
            .edges_directed(idx(node), Direction::Outgoing)
            .map(|e| (e.id(), EdgeView { from: node, to: id(e.target()), outcome: e.weight() }))
            .collect();
        v.sort_by_key(|(eid, _)| *eid);
        v.into_iter().map(|(_, e)| e).collect()
    }

    /// Incoming edges of a node.
    pub fn incoming(&self, node: NodeId) -> Vec<EdgeView<'_>> {
        let mut v: Vec<_> = self
            .graph
            .edges_directed(idx(node), Direction::Incoming)
            .map(|e| (e.id(), EdgeView { from: id(e.source()), to: node, outcome: e.weight() }))
            .collect();
        v.sort_by_key(|(eid, _)| *eid);
        v.into_iter().map(|(_, e)| e).collect()
    }

    /// The node an outcome leads to, if the node has that outcome.
    pub fn follow(&self, node: NodeId, outcome: &Outcome) -> Option<NodeId> {
        let slot = match outcome {
            Outcome::Next => 0,
            Outcome::Yes => 1,
            Outcome::No => 2,
            _ => return self.find_edge(node, outcome),
        };
        let to = self.successors.get(node.0 as usize)?[slot];
        (to != u32::MAX).then_some(NodeId(to))
    }

    /// Where menu key `key` leads from `node`: `follow` with [`Outcome::Digit`], without making
    /// one (a menu's choice is looked up on every key a caller presses).
    pub fn follow_digit(&self, node: NodeId, key: &str) -> Option<NodeId> {
        self.graph
            .edges_directed(idx(node), Direction::Outgoing)
            .find(|e| matches!(e.weight(), Outcome::Digit(d) if d == key))
            .map(|e| id(e.target()))
    }

    /// The flow's `on key "K"` handler for `key`: `follow` from the start with
    /// [`Outcome::AnyTime`], without making one; most flows have none, and every menu and ask
    /// asks.
    pub fn any_time(&self, key: &str) -> Option<NodeId> {
        if !self.has_any_time {
            return None;
        }
        self.graph
            .edges_directed(idx(self.entry()), Direction::Outgoing)
            .find(|e| matches!(e.weight(), Outcome::AnyTime(k) if k == key))
            .map(|e| id(e.target()))
    }

    /// Fills [`FlowGraph::successors`] once every edge is in (the compiler's last step).
    pub(super) fn with_successors(mut self) -> FlowGraph {
        let find = |n: NodeId, o: &Outcome| self.find_edge(n, o).map_or(u32::MAX, |t| t.0);
        let successors = (0..self.node_count() as u32)
            .map(NodeId)
            .map(|n| [find(n, &Outcome::Next), find(n, &Outcome::Yes), find(n, &Outcome::No)])
            .collect();
        self.successors = successors;
        self.has_any_time = self
            .graph
            .edges_directed(idx(self.entry()), Direction::Outgoing)
            .any(|e| matches!(e.weight(), Outcome::AnyTime(_)));
        self
    }

    /// The first outgoing edge of `node` labelled `outcome`, in petgraph's order.
    fn find_edge(&self, node: NodeId, outcome: &Outcome) -> Option<NodeId> {
        self.graph
            .edges_directed(idx(node), Direction::Outgoing)
            .find(|e| e.weight() == outcome)
            .map(|e| id(e.target()))
    }

    /// Nodes reachable from `from` along every edge, skipping into nodes for which `stop` is true
    /// (they are reported but not walked through).
    pub fn reachable_from(&self, from: NodeId, stop: impl Fn(&Node) -> bool) -> Vec<bool> {
        let mut seen = vec![false; self.node_count()];
        let mut stack = vec![from];
        seen[from.0 as usize] = true;
        while let Some(n) = stack.pop() {
            if n != from && stop(self.node(n)) {
                continue;
            }
            for e in self.graph.edges_directed(idx(n), Direction::Outgoing) {
                let t = e.target().index();
                if !seen[t] {
                    seen[t] = true;
                    stack.push(id(e.target()));
                }
            }
        }
        seen
    }

    /// Strongly connected components that form cycles (more than one node, or a self-loop),
    /// among the nodes for which `keep` is true: with `keep` = "does not wait", each result is a
    /// loop that can go round without waiting.
    pub fn cycles_among(&self, keep: impl Fn(&Node) -> bool) -> Vec<Vec<NodeId>> {
        let sub = self.graph.filter_map(|_, n| keep(n).then_some(n.id), |_, _| Some(()));
        petgraph::algo::tarjan_scc(&sub)
            .into_iter()
            .filter(|c| c.len() > 1 || sub.contains_edge(c[0], c[0]))
            .map(|c| {
                let mut ids: Vec<NodeId> = c.into_iter().map(|ix| sub[ix]).collect();
                ids.sort();
                ids
            })
            .collect()
    }

    /// Nodes worth drawing: all but an `end` that no path reaches (every path of the main body
    /// ends in a terminal action), which would float alone in a picture.
    pub fn drawn_nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes().filter(|n| n.action != Action::End || !self.incoming(n.id).is_empty())
    }

    /// Nodes whose action matches, in id order.
    pub fn find(&self, pred: impl Fn(&Action) -> bool) -> impl Iterator<Item = &Node> {
        self.nodes().filter(move |n| pred(&n.action))
    }
}

#[cfg(test)]
mod tests {
    use super::{FlowGraph, NodeId, Outcome};

    /// The successor table answers what walking the edge list answers, for every node of the
    /// bundled acme flows (menus, ifs, tasks, an in-queue restart) and every outcome it holds.
    #[test]
    fn successors_agree_with_the_edge_list() {
        let mut graphs: Vec<FlowGraph> = Vec::new();
        for file in ["flows/acme/support.flow", "flows/acme/callback.flow"] {
            let text = std::fs::read_to_string(file).expect("the bundled acme flows");
            let (ast, diags) = crate::syntax::parse(crate::source::FileId(0), &text);
            let ast = ast.unwrap_or_else(|| panic!("{file}: {diags:?}"));
            graphs.extend(ast.flows.iter().map(crate::compile::compile_flow));
        }
        let mut followed = 0;
        for g in &graphs {
            for n in (0..g.node_count() as u32).map(NodeId) {
                for o in [Outcome::Next, Outcome::Yes, Outcome::No] {
                    assert_eq!(g.follow(n, &o), g.find_edge(n, &o), "{} {n:?} {o:?}", g.name());
                    followed += g.follow(n, &o).is_some() as u32;
                }
            }
            assert_eq!(g.follow(NodeId(g.node_count() as u32), &Outcome::Next), None);
            for n in (0..g.node_count() as u32).map(NodeId) {
                for key in ["0", "1", "2", "3", "9", "*", "#", "12"] {
                    let digit = Outcome::Digit(key.to_string());
                    assert_eq!(g.follow_digit(n, key), g.find_edge(n, &digit), "{} {n:?} {key}", g.name());
                }
            }
        }
        assert!(followed > 20, "the flows have edges to follow: {followed}");
    }
}
