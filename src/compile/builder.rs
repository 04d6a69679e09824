//! Compiling one flow's AST into a [`FlowGraph`].
//!
//! Statements are compiled in source order, each returning its dangling exits (node, outcome);
//! the next statement's node picks them up. Nodes are therefore numbered in source order.

use super::{Action, FlowGraph, Node, NodeId, Outcome};
use crate::source::Span;
use crate::syntax::ast::*;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::BTreeMap;

type Exits = Vec<(NodeId, Outcome)>;

struct Builder {
    graph: DiGraph<Node, Outcome>,
    task: Option<String>,
    /// `call` / `jump` edges waiting for the task's entry node.
    pending: Vec<(NodeId, Outcome, String)>,
}

/// Compiles a flow. Names that do not resolve (reported by the checker) simply get no edge.
pub fn compile_flow(flow: &Flow) -> FlowGraph {
    let mut b = Builder { graph: DiGraph::new(), task: None, pending: Vec::new() };
    let start = b.add(Action::Start, flow.name.span);
    let main_exits = b.block(&flow.body, vec![(start, Outcome::Next)]);

    let mut tasks = BTreeMap::new();
    for task in &flow.tasks {
        b.task = Some(task.name.name.clone());
        let entry = b.add(Action::TaskStart(task.name.name.clone()), task.name.span);
        tasks.entry(task.name.name.clone()).or_insert(entry);
        let exits = b.block(&task.body, vec![(entry, Outcome::Next)]);
        if !exits.is_empty() {
            let ret = b.add(Action::Return { implicit: true }, closing_brace(task.span));
            b.connect(exits, ret);
        }
    }
    b.task = None;

    let end = b.add(Action::End, closing_brace(flow.span));
    b.connect(main_exits, end);
    if flow.kind.node == FlowKind::Inqueue {
        b.edge(end, start, Outcome::Restart);
    }
    if let Some(&handler) = tasks.get(ERROR_HANDLER) {
        b.edge(start, handler, Outcome::Error);
    }
    for (name, &handler) in &tasks {
        if let Some(key) = name.strip_prefix(KEY_HANDLER) {
            b.edge(start, handler, Outcome::AnyTime(key.to_string()));
        }
    }
    for (from, outcome, task) in std::mem::take(&mut b.pending) {
        if let Some(&to) = tasks.get(&task) {
            b.edge(from, to, outcome);
        }
    }
    FlowGraph {
        name: std::rc::Rc::from(flow.name.name.as_str()),
        kind: flow.kind.node,
        span: flow.span,
        graph: b.graph,
        end,
        tasks,
        languages: flow
            .languages
            .iter()
            .map(|l| (l.tag.value.clone(), l.voice.as_ref().map(|v| v.value.clone())))
            .collect(),
        successors: Vec::new(),
        has_any_time: false,
    }
    .with_successors()
}

fn closing_brace(span: Span) -> Span {
    Span { lo: span.hi.saturating_sub(1), ..span }
}

impl Builder {
    fn add(&mut self, action: Action, span: Span) -> NodeId {
        let id = NodeId(self.graph.node_count() as u32);
        self.graph.add_node(Node { id, action, span, task: self.task.clone() });
        id
    }

    fn edge(&mut self, from: NodeId, to: NodeId, outcome: Outcome) {
        self.graph.add_edge(NodeIndex::new(from.0 as usize), NodeIndex::new(to.0 as usize), outcome);
    }

    fn connect(&mut self, exits: Exits, to: NodeId) {
        for (from, outcome) in exits {
            self.edge(from, to, outcome);
        }
    }

    fn block(&mut self, block: &Block, mut exits: Exits) -> Exits {
        for stmt in &block.stmts {
            exits = self.stmt(stmt, exits);
        }
        exits
    }

    /// A branch: its body compiled with `exits` leading in; an empty body passes them through.
    fn branch(&mut self, body: Option<&Block>, exits: Exits) -> Exits {
        match body {
            Some(b) => self.block(b, exits),
            None => exits,
        }
    }

    fn stmt(&mut self, stmt: &Stmt, incoming: Exits) -> Exits {
        let span = stmt.span;
        match &stmt.kind {
            StmtKind::Play(e) => self.simple(Action::Play(e.clone()), span, incoming),
            StmtKind::PlayEstimatedWait => self.simple(Action::PlayEstimatedWait, span, incoming),
            StmtKind::PlayPosition => self.simple(Action::PlayPosition, span, incoming),
            StmtKind::Set { target, value } => {
                self.simple(Action::Set { target: target.clone(), value: value.clone() }, span, incoming)
            }
            StmtKind::Hold(e, music) => self.simple(Action::Hold(e.clone(), music.clone()), span, incoming),
            StmtKind::Disconnect => self.terminal(Action::Disconnect, span, incoming),
            StmtKind::ConnectAgent => self.terminal(Action::ConnectAgent, span, incoming),
            StmtKind::LeaveVoicemail(e) => self.terminal(Action::LeaveVoicemail(e.clone()), span, incoming),
            StmtKind::RetryLater => self.terminal(Action::RetryLater, span, incoming),
            StmtKind::Return => self.terminal(Action::Return { implicit: false }, span, incoming),
            StmtKind::Call(task) => {
                let n = self.node(Action::CallTask(task.name.clone()), span, incoming);
                self.pending.push((n, Outcome::Call, task.name.clone()));
                vec![(n, Outcome::Next)]
            }
            StmtKind::Jump(task) => {
                let n = self.node(Action::JumpTask(task.name.clone()), span, incoming);
                self.pending.push((n, Outcome::Jump, task.name.clone()));
                Vec::new()
            }
            StmtKind::Menu(m) => self.menu(m, span, incoming),
            StmtKind::Ask(a) => {
                let n = self.node(
                    Action::Ask {
                        target: a.target.clone(),
                        prompt: a.prompt.clone(),
                        min_digits: a.min_digits.as_ref().map_or(1, |d| d.node.max(0) as u32),
                        max_digits: a.max_digits.as_ref().map_or(1, |d| d.node.max(0) as u32),
                        timeout: a.timeout.clone(),
                        interdigit: a.interdigit.clone(),
                        terminator: a.terminator.as_ref().map(|t| t.value.clone()),
                        secure: a.secure.is_some(),
                    },
                    span,
                    incoming,
                );
                let mut exits = vec![(n, Outcome::Next)];
                exits.extend(self.branch(a.on_noinput.as_ref(), vec![(n, Outcome::NoInput(None))]));
                exits
            }
            StmtKind::If(i) => {
                let n = self.node(Action::Decision(i.cond.clone()), span, incoming);
                let mut exits = self.block(&i.then, vec![(n, Outcome::Yes)]);
                exits.extend(self.branch(i.otherwise.as_ref(), vec![(n, Outcome::No)]));
                exits
            }
            StmtKind::Switch(s) => {
                let cases = s.cases.iter().map(|c| c.values.clone()).collect();
                let n = self.node(Action::Switch { subject: s.subject.clone(), cases }, span, incoming);
                let mut exits = Vec::new();
                for (i, case) in s.cases.iter().enumerate() {
                    let label = case.values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ");
                    exits.extend(self.block(&case.body, vec![(n, Outcome::Case(i, label))]));
                }
                exits.extend(self.branch(s.default.as_ref(), vec![(n, Outcome::Default)]));
                exits
            }
            StmtKind::Transfer(t) => {
                let n = self.node(
                    Action::Transfer {
                        queue: t.queue.clone(),
                        inqueue_flow: t.inqueue_flow.clone(),
                        priority: t.priority.clone(),
                        skills: t.skills.clone(),
                        preferred: t.preferred.clone(),
                    },
                    span,
                    incoming,
                );
                self.branch(t.on_failure.as_ref(), vec![(n, Outcome::Failure)])
            }
            StmtKind::TransferOut(t) => {
                let attrs = TransferOut { on_failure: None, ..(**t).clone() };
                let n = self.node(Action::TransferOut(Box::new(attrs)), span, incoming);
                // A checked name (a flow, a queue's voicemail) or a number written out cannot fail:
                // only a computed number can, so only it (or an explicit `on failure`) has the edge.
                let written_out = |e: &Expr| match &e.kind {
                    ExprKind::Phone(_) => true,
                    ExprKind::Str(parts) => matches!(parts.as_slice(), [StrPart::Text(_)]),
                    _ => false,
                };
                // A transfer to an agent fails whenever the agent is not free; to an agent's voicemail
                // only when the name is computed.
                let can_fail = match &t.target {
                    TransferTarget::Number(e) | TransferTarget::AgentVoicemail(e) => !written_out(e),
                    TransferTarget::Agent(_) => true,
                    TransferTarget::Voicemail(_) | TransferTarget::Flow(_) => false,
                    // Comes back: on with the next statement, or `on failure` when the secure flow
                    // meets an error it does not handle (without one, the error is this flow's).
                    TransferTarget::SecureFlow(_) => {
                        let mut exits = vec![(n, Outcome::Next)];
                        if let Some(b) = &t.on_failure {
                            exits.extend(self.block(b, vec![(n, Outcome::Failure)]));
                        }
                        return exits;
                    }
                };
                if t.on_failure.is_none() && !can_fail {
                    return Vec::new();
                }
                self.branch(t.on_failure.as_ref(), vec![(n, Outcome::Failure)])
            }
            StmtKind::Lookup(l) => {
                let attrs = Lookup { on_not_found: None, ..(**l).clone() };
                let n = self.node(Action::Lookup(Box::new(attrs)), span, incoming);
                let mut exits = vec![(n, Outcome::Next)];
                match &l.on_not_found {
                    Some(b) => exits.extend(self.block(b, vec![(n, Outcome::NotFound)])),
                    // Not found goes on with the next statement, as found does.
                    None => exits.push((n, Outcome::NotFound)),
                }
                exits
            }
            StmtKind::CallData(c) => {
                let attrs = CallData { on_failure: None, on_timeout: None, ..(**c).clone() };
                let n = self.node(Action::CallData(Box::new(attrs)), span, incoming);
                let mut exits = vec![(n, Outcome::Next)];
                exits.extend(self.branch(c.on_failure.as_ref(), vec![(n, Outcome::Failure)]));
                if let Some(t) = &c.on_timeout {
                    exits.extend(self.block(t, vec![(n, Outcome::Timeout)]));
                }
                exits
            }
            StmtKind::CreateCallback(c) => {
                let attrs = CreateCallback { on_failure: None, ..(**c).clone() };
                let n = self.node(Action::CreateCallback(Box::new(attrs)), span, incoming);
                let mut exits = vec![(n, Outcome::Next)];
                exits.extend(self.branch(c.on_failure.as_ref(), vec![(n, Outcome::Failure)]));
                exits
            }
        }
    }

    fn node(&mut self, action: Action, span: Span, incoming: Exits) -> NodeId {
        let n = self.add(action, span);
        self.connect(incoming, n);
        n
    }

    fn simple(&mut self, action: Action, span: Span, incoming: Exits) -> Exits {
        vec![(self.node(action, span, incoming), Outcome::Next)]
    }

    fn terminal(&mut self, action: Action, span: Span, incoming: Exits) -> Exits {
        self.node(action, span, incoming);
        Vec::new()
    }

    fn menu(&mut self, m: &Menu, span: Span, incoming: Exits) -> Exits {
        let n = self.node(
            Action::Menu {
                name: m.name.name.clone(),
                prompt: m.prompt.clone(),
                retries: m.retries.as_ref().map_or(2, |r| r.node.clamp(0, 100) as u32),
                timeout: m.timeout.clone(),
            },
            span,
            incoming,
        );
        let mut exits = Vec::new();
        let mut has_exhausted = false;
        for choice in &m.choices {
            let outcomes: Vec<Outcome> = choice
                .keys
                .iter()
                .map(|k| match &k.node {
                    ChoiceKey::Digit(d) => Outcome::Digit(d.clone()),
                    ChoiceKey::Word(w) => Outcome::Said(w.clone()),
                    ChoiceKey::NoInput(c) => Outcome::NoInput(*c),
                    ChoiceKey::NoMatch(c) => Outcome::NoMatch(*c),
                    ChoiceKey::Exhausted => Outcome::Exhausted,
                })
                .collect();
            has_exhausted |= outcomes.contains(&Outcome::Exhausted);
            // A handler made only of noinput/nomatch keys re-offers the menu when it finishes.
            let is_retry = outcomes.iter().all(|o| matches!(o, Outcome::NoInput(_) | Outcome::NoMatch(_)));
            let incoming = outcomes.into_iter().map(|o| (n, o)).collect();
            let out = self.block(&choice.body, incoming);
            if is_retry {
                for (from, outcome) in out {
                    let outcome = if outcome == Outcome::Next { Outcome::Retry } else { outcome };
                    self.edge(from, n, outcome);
                }
            } else {
                exits.extend(out);
            }
        }
        if !has_exhausted {
            exits.push((n, Outcome::Exhausted));
        }
        exits
    }
}
