//! `callwright test --generate FLOW`: skeleton cases, one per distinct path from the flow's start
//! to an end, for the author to fill in.
//!
//! Paths are walked on the compiled graph with the interpreter's rules: a menu counts no-input
//! and no-match failures and reaches `exhausted` only after `retries` of them, `call` returns to
//! the statement after it, a transfer ends the path (or takes `failure` when the queue is full).
//! Each edge may be taken at most `loops` times on one path. Conditions the generator can steer
//! become overrides or key presses (`holiday(S)`, `open(S)`, `is_known(Call.EstimatedWaitTime)`,
//! `Call.Data["k"] == "v"`, `V == "1"` after `ask V`); others get a `# TODO` and both branches.

use super::project_under_test::ProjectUnderTest;
use crate::compile::{Action, FlowGraph, NodeId, Outcome};
use crate::runtime::ScheduleState;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, FlowKind, StrPart, UnaryOp};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// Paths beyond this many are not written (a flow with many independent menus multiplies them).
pub const MAX_PATHS: usize = 500;

/// A caller step of a generated case.
#[derive(Debug, Clone, PartialEq)]
enum Input {
    Press(String),
    Silent,
}

#[derive(Debug, Clone, Default)]
struct State {
    /// Allowed schedule states per schedule (bits: open, closed, holiday).
    schedules: BTreeMap<String, u8>,
    ewt_known: Option<bool>,
    data: BTreeMap<String, String>,
    inputs: Vec<Input>,
    /// `ask` variables whose keys are decided by a later condition: (variable, index in inputs).
    asks: HashMap<String, usize>,
    full_queues: Vec<String>,
    withheld_number: bool,
    labels: Vec<String>,
    todos: Vec<String>,
    /// Targets of branching nodes: what the case asserts with `path`.
    marks: Vec<NodeId>,
    used: HashMap<(NodeId, Outcome), u32>,
    menus: HashMap<NodeId, (u32, u32, u32)>,
    returns: Vec<NodeId>,
}

enum End {
    Disconnected(NodeId),
    Transferred(String),
    Connected,
    Error,
}

struct Walker<'a> {
    graph: &'a FlowGraph,
    loops: u32,
    paths: Vec<(State, End)>,
    truncated: bool,
}

const OPEN: u8 = 1;
const CLOSED: u8 = 2;
const HOLIDAY: u8 = 4;

pub fn skeleton(project: &ProjectUnderTest, flow: &str, loops: u32) -> Result<String, String> {
    let Some(graph) = project.graph(flow) else {
        let help = crate::check::suggest::help_for(flow, "flow", project.flow_names());
        return Err(format!("the project has no flow `{flow}`; {help}"));
    };
    if graph.kind() == FlowKind::Inqueue {
        return Err(format!(
            "{flow} is an in-queue flow, which runs only while a call waits; generate for the inbound flow that transfers to it"
        ));
    }
    let mut w = Walker { graph, loops: loops.max(1), paths: Vec::new(), truncated: false };
    w.walk(graph.entry(), State::default());
    Ok(render(project, graph, &w.paths, w.truncated))
}

impl Walker<'_> {
    fn take(&self, st: &mut State, node: NodeId, outcome: &Outcome) -> Option<NodeId> {
        let next = self.graph.follow(node, outcome)?;
        let n = st.used.entry((node, outcome.clone())).or_insert(0);
        if *n >= self.loops {
            return None;
        }
        *n += 1;
        // Start and task-entry nodes are not traced, so a case cannot assert them.
        let traced = !matches!(self.graph.node(next).action, Action::Start | Action::TaskStart(_));
        if traced && (self.graph.outgoing(node).len() > 1 || *outcome == Outcome::Failure) {
            st.marks.push(next);
        }
        Some(next)
    }

    fn go(&mut self, mut st: State, node: NodeId, outcome: Outcome, label: Option<String>) {
        if let Some(next) = self.take(&mut st, node, &outcome) {
            if let Some(l) = label {
                st.labels.push(l);
            }
            self.walk(next, st);
        }
    }

    fn finish(&mut self, st: State, end: End) {
        if self.paths.len() >= MAX_PATHS {
            self.truncated = true;
            return;
        }
        self.paths.push((st, end));
    }

    fn walk(&mut self, node: NodeId, mut st: State) {
        if self.paths.len() >= MAX_PATHS {
            self.truncated = true;
            return;
        }
        let g = self.graph;
        match &g.node(node).action {
            Action::Disconnect => self.finish(st, End::Disconnected(node)),
            Action::ConnectAgent => self.finish(st, End::Connected),
            Action::End => self.finish(st, End::Error),
            Action::Return { .. } => match st.returns.pop() {
                Some(call) => {
                    let next = g.follow(call, &Outcome::Next);
                    match next {
                        Some(n) => self.walk(n, st),
                        None => self.finish(st, End::Error),
                    }
                }
                None => self.finish(st, End::Error),
            },
            Action::Transfer { queue, .. } => {
                self.finish(st.clone(), End::Transferred(queue.name.clone()));
                if g.follow(node, &Outcome::Failure).is_some() {
                    let mut st = st;
                    st.full_queues.push(queue.name.clone());
                    self.go(st, node, Outcome::Failure, Some(format!("{} full", queue.name)));
                }
            }
            Action::CallTask(_) => {
                st.returns.push(node);
                self.go(st, node, Outcome::Call, None);
            }
            Action::JumpTask(_) => self.go(st, node, Outcome::Jump, None),
            Action::CreateCallback(_) => {
                self.go(st.clone(), node, Outcome::Next, Some("callback created".into()));
                if !st.withheld_number {
                    st.withheld_number = true;
                    self.go(st, node, Outcome::Failure, Some("callback refused (withheld number)".into()));
                }
            }
            Action::Menu { name, retries, .. } => self.menu(node, name, *retries, st),
            Action::Ask { target, .. } => {
                let var = target.dotted();
                let mut yes = st.clone();
                yes.asks.insert(var.clone(), yes.inputs.len());
                yes.inputs.push(Input::Press("1".into()));
                self.go(yes, node, Outcome::Next, None);
                st.inputs.push(Input::Silent);
                st.asks.remove(&var);
                st.labels.push(format!("silent at {var}"));
                self.go(st, node, Outcome::NoInput(None), None);
            }
            Action::Decision(cond) => {
                for (answer, outcome) in [(true, Outcome::Yes), (false, Outcome::No)] {
                    let mut s = st.clone();
                    if steer(cond, answer, &mut s) {
                        self.go(s, node, outcome, None);
                    }
                }
            }
            Action::Switch { subject, .. } => {
                for e in g.outgoing(node) {
                    let mut s = st.clone();
                    s.todos.push(format!("make `{subject}` take `{}`", e.outcome));
                    self.go(s, node, e.outcome.clone(), None);
                }
            }
            _ => {
                let outcome =
                    if g.follow(node, &Outcome::Next).is_some() { Outcome::Next } else { Outcome::Retry };
                self.go(st, node, outcome, None);
            }
        }
    }

    fn menu(&mut self, node: NodeId, name: &str, retries: u32, st: State) {
        let g = self.graph;
        let keys: Vec<String> = g
            .outgoing(node)
            .iter()
            .filter_map(|e| match e.outcome {
                Outcome::Digit(d) => Some(d.clone()),
                _ => None,
            })
            .collect();
        for d in &keys {
            let mut s = st.clone();
            s.menus.remove(&node);
            s.inputs.push(Input::Press(d.clone()));
            self.go(s, node, Outcome::Digit(d.clone()), Some(format!("{name} press {d}")));
        }
        let wrong = ["9", "8", "7", "6", "5", "4", "3", "2", "1", "0", "*", "#"]
            .into_iter()
            .find(|k| !keys.iter().any(|d| d == k))
            .unwrap_or("9");
        for no_input in [true, false] {
            let mut s = st.clone();
            let c = s.menus.entry(node).or_insert((0, 0, 0));
            if no_input {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
            c.2 += 1;
            let (k, total) = (if no_input { c.0 } else { c.1 }, c.2);
            s.inputs.push(if no_input { Input::Silent } else { Input::Press(wrong.into()) });
            let what = if no_input { "no input" } else { "no match" };
            if total > retries {
                s.menus.remove(&node);
                self.go(s, node, Outcome::Exhausted, Some(format!("{name} {what} until exhausted")));
                continue;
            }
            let (nth, any) = if no_input {
                (Outcome::NoInput(Some(k)), Outcome::NoInput(None))
            } else {
                (Outcome::NoMatch(Some(k)), Outcome::NoMatch(None))
            };
            let outcome = if g.follow(node, &nth).is_some() {
                nth
            } else if g.follow(node, &any).is_some() {
                any
            } else {
                // No handler: the menu is offered again, bounded by its retries.
                s.labels.push(format!("{name} {what}"));
                self.menu(node, name, retries, s);
                continue;
            };
            self.go(s, node, outcome, Some(format!("{name} {what}")));
        }
    }
}

/// Narrows the state so `cond` comes out `answer`; false when that cannot happen on this path.
fn steer(cond: &Expr, answer: bool, st: &mut State) -> bool {
    match &cond.kind {
        ExprKind::Unary(UnaryOp::Not, x) => steer(x, !answer, st),
        ExprKind::Call { func, args }
            if matches!(func.name.as_str(), "open" | "holiday") && args.len() == 1 =>
        {
            let ExprKind::Path(p) = &args[0].kind else { return todo(cond, answer, st) };
            let want = match (func.name.as_str(), answer) {
                ("open", true) => OPEN,
                ("open", false) => CLOSED | HOLIDAY,
                ("holiday", true) => HOLIDAY,
                _ => OPEN | CLOSED,
            };
            let allowed = st.schedules.entry(p.dotted()).or_insert(OPEN | CLOSED | HOLIDAY);
            *allowed &= want;
            if *allowed != 0 {
                let label = match (func.name.as_str(), answer) {
                    ("open", true) => "open",
                    ("open", false) => "closed",
                    ("holiday", true) => "holiday",
                    _ => "",
                };
                if !label.is_empty() && !st.labels.iter().any(|l| l == label) {
                    st.labels.push(label.into());
                }
            }
            *allowed != 0
        }
        ExprKind::Call { func, args }
            if func.name == "is_known"
                && matches!(&args.first().map(|a| &a.kind), Some(ExprKind::Path(p)) if p.dotted() == "Call.EstimatedWaitTime") =>
        {
            if st.ewt_known.is_some_and(|k| k != answer) {
                return false;
            }
            st.ewt_known = Some(answer);
            st.labels.push(if answer { "wait known".into() } else { "wait unknown".into() });
            true
        }
        ExprKind::Binary(BinaryOp::Eq, l, r) => match (&l.kind, literal(r)) {
            (ExprKind::Path(p), Some(lit)) if p.index.is_some() && p.dotted() == "Call.Data" => {
                let Some(key) = p.index.as_deref().and_then(literal) else { return todo(cond, answer, st) };
                let label = format!("Call.Data[{key:?}] {} {lit:?}", if answer { "is" } else { "is not" });
                st.labels.push(label);
                match (st.data.get(&key), answer) {
                    (Some(v), true) => *v == lit,
                    (Some(v), false) => *v != lit,
                    (None, true) => {
                        st.data.insert(key, lit);
                        true
                    }
                    (None, false) => true,
                }
            }
            (ExprKind::Path(p), Some(lit)) if st.asks.contains_key(&p.dotted()) => {
                let i = st.asks[&p.dotted()];
                let other = if lit == "1" { "2" } else { "1" };
                st.inputs[i] = Input::Press(if answer { lit.clone() } else { other.into() });
                st.asks.remove(&p.dotted());
                st.labels.push(format!("{} {}", p.dotted(), if answer { lit } else { format!("not {lit}") }));
                true
            }
            _ => todo(cond, answer, st),
        },
        _ => todo(cond, answer, st),
    }
}

fn todo(cond: &Expr, answer: bool, st: &mut State) -> bool {
    st.todos.push(format!("make `{cond}` come out {}", if answer { "yes" } else { "no" }));
    st.labels.push(format!("{cond} {}", if answer { "yes" } else { "no" }));
    true
}

fn literal(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Str(parts) => match parts.as_slice() {
            [StrPart::Text(t)] => Some(t.clone()),
            [] => Some(String::new()),
            _ => None,
        },
        ExprKind::Int(i) => Some(i.to_string()),
        _ => None,
    }
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn render(project: &ProjectUnderTest, graph: &FlowGraph, paths: &[(State, End)], truncated: bool) -> String {
    let sources = project.checked.sources();
    let short = |n: NodeId| {
        let place = sources.file_line(graph.node(n).span);
        place.rsplit('/').next().unwrap_or(&place).to_string()
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Skeleton cases for {}: one per path from its start to an end ({} paths).",
        graph.name(),
        paths.len()
    );
    let _ = writeln!(
        s,
        "# Generated by `callwright test --generate {}`; fill in the TODOs and the expectations.",
        graph.name()
    );
    if truncated {
        let _ = writeln!(s, "# Only the first {MAX_PATHS} paths are written.");
    }
    let _ = writeln!(s, "flow: {}\n\ncases:", graph.name());
    let mut names: HashMap<String, u32> = HashMap::new();
    for (i, (st, end)) in paths.iter().enumerate() {
        let mut name =
            if st.labels.is_empty() { "straight through".to_string() } else { st.labels.join(", ") };
        let n = names.entry(name.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            name = format!("{name} ({n})");
        }
        let _ = writeln!(s, "  - name: {}", q(&format!("path {}: {name}", i + 1)));
        for t in &st.todos {
            let _ = writeln!(s, "    # TODO: {t}");
        }
        if st.withheld_number {
            let _ = writeln!(s, "    call: {{ ani: anonymous }}");
        }
        let mut given: Vec<String> = Vec::new();
        if !st.schedules.is_empty() {
            let parts: Vec<String> = st
                .schedules
                .iter()
                .map(|(k, bits)| {
                    let state = if bits & OPEN != 0 {
                        ScheduleState::Open
                    } else if bits & CLOSED != 0 {
                        ScheduleState::Closed
                    } else {
                        ScheduleState::Holiday
                    };
                    let word = match state {
                        ScheduleState::Open => "open",
                        ScheduleState::Closed => "closed",
                        ScheduleState::Holiday => "holiday",
                    };
                    format!("{k}: {word}")
                })
                .collect();
            given.push(format!("schedules: {{ {} }}", parts.join(", ")));
        }
        match st.ewt_known {
            Some(true) => given.push("estimated_wait: 10m".into()),
            Some(false) => given.push("estimated_wait: unknown".into()),
            None => {}
        }
        if !st.full_queues.is_empty() {
            given.push(format!("queue_full: [{}]", st.full_queues.join(", ")));
        }
        if !st.data.is_empty() {
            let parts: Vec<String> = st.data.iter().map(|(k, v)| format!("{k}: {}", q(v))).collect();
            given.push(format!("data: {{ {} }}", parts.join(", ")));
        }
        if !given.is_empty() {
            let _ = writeln!(s, "    given: {{ {} }}", given.join(", "));
        }
        if !st.inputs.is_empty() {
            let _ = writeln!(s, "    caller:");
            for inp in &st.inputs {
                match inp {
                    Input::Press(d) => {
                        let _ = writeln!(s, "      - press: {}", q(d));
                    }
                    Input::Silent => {
                        let _ = writeln!(s, "      - silent");
                    }
                }
            }
        }
        let _ = writeln!(s, "    expect:");
        match end {
            End::Disconnected(n) => {
                let _ = writeln!(s, "      outcome: {{ disconnected: {} }}", short(*n));
            }
            End::Transferred(queue) => {
                let _ = writeln!(s, "      outcome: {{ transferred: {queue} }}");
            }
            End::Connected => {
                let _ = writeln!(s, "      outcome: connected");
            }
            End::Error => {
                let _ = writeln!(s, "      outcome: flow_error");
            }
        }
        let mut marks: Vec<String> = st.marks.iter().map(|n| short(*n)).collect();
        marks.dedup();
        if !marks.is_empty() {
            let _ = writeln!(s, "      path: [{}]", marks.join(", "));
        }
    }
    s
}
