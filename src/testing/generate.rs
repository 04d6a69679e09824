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
use crate::compile::{Action, FlowGraph, MenuMiss, NodeId, Outcome, menu_miss};
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
    /// Words said at a menu with spoken choices.
    Say(String),
    Silent,
}

#[derive(Debug, Clone)]
struct State {
    /// Allowed schedule states per schedule (bits: open, closed, holiday).
    schedules: BTreeMap<String, u8>,
    ewt_known: Option<bool>,
    /// `Call.AnsweringMachine` as the path needs it (outbound flows).
    machine: Option<bool>,
    data: BTreeMap<String, String>,
    inputs: Vec<Input>,
    /// `ask` variables whose keys are decided by a later condition: (variable, index in inputs).
    asks: HashMap<String, usize>,
    full_queues: Vec<String>,
    /// How each data action answers on this path (`fails`, `times_out`, `{ returns: … }`).
    data_actions: BTreeMap<String, String>,
    withheld_number: bool,
    labels: Vec<String>,
    todos: Vec<String>,
    /// Targets of branching nodes: what the case asserts with `path`.
    marks: Vec<crate::source::Span>,
    /// Bounds on the estimated wait (seconds) and the position, from the conditions taken.
    ewt_range: (i64, i64),
    position_range: (i64, i64),
    /// An in-queue Create Callback took the caller's place: the next disconnect hands over.
    callback_taken: bool,
    /// `ask` variables left empty by silence.
    silent_asks: Vec<String>,
    used: HashMap<(NodeId, Outcome), u32>,
    menus: HashMap<NodeId, (u32, u32, u32)>,
    returns: Vec<NodeId>,
}

impl Default for State {
    fn default() -> Self {
        State {
            schedules: BTreeMap::new(),
            ewt_known: None,
            machine: None,
            data: BTreeMap::new(),
            inputs: Vec::new(),
            asks: HashMap::new(),
            full_queues: Vec::new(),
            data_actions: BTreeMap::new(),
            withheld_number: false,
            labels: Vec::new(),
            todos: Vec::new(),
            marks: Vec::new(),
            ewt_range: (0, i64::MAX),
            position_range: (1, i64::MAX),
            callback_taken: false,
            silent_asks: Vec::new(),
            used: HashMap::new(),
            menus: HashMap::new(),
            returns: Vec::new(),
        }
    }
}

enum End {
    /// At this `disconnect` (of the flow walked, or of a secure flow it stepped into).
    Disconnected(crate::source::Span),
    /// A secure flow came to its end: back to the flow that transferred to it.
    Returned,
    /// Into this queue, at this transfer node.
    Transferred(String, NodeId),
    Connected,
    Error,
    /// An in-queue flow came round to its top again: the caller is still waiting.
    Waiting,
    /// An in-queue flow handed the caller's place to a callback and disconnected.
    Callback,
    /// `transfer to number|voicemail` (a flow transfer is walked like a jump is not: the other
    /// flow has its own cases).
    TransferredOut,
    /// `transfer to agent`: the agent answers.
    ToAgent,
    /// `leave voicemail` / `retry later` in an outbound flow.
    VoicemailLeft,
    RetryLater,
}

struct Walker<'a> {
    graph: &'a FlowGraph,
    /// Walking an in-queue flow (after an inbound prefix that queued the call).
    in_queue: bool,
    loops: u32,
    paths: Vec<(State, End)>,
    truncated: bool,
    /// Per data action, a successful answer with every output (see [`samples`]).
    samples: HashMap<String, String>,
    /// The project, for the secure flows a walk steps into.
    project: &'a ProjectUnderTest,
}

impl<'a> Walker<'a> {
    fn new(project: &'a ProjectUnderTest, graph: &'a FlowGraph, in_queue: bool, loops: u32) -> Self {
        Walker {
            graph,
            in_queue,
            loops,
            paths: Vec::new(),
            truncated: false,
            samples: samples(project),
            project,
        }
    }
}

/// For each data action, a body holding a sample of each output at its pointer (`"text"`, `1`,
/// `true`), as the YAML of a `returns:` result: a generated success case fills every output.
fn samples(project: &ProjectUnderTest) -> HashMap<String, String> {
    let actions = project.checked.project.files.iter().flat_map(|(_, f)| f.data_actions.iter());
    actions
        .map(|a| {
            let mut body = serde_json::Value::Object(Default::default());
            for o in &a.outputs {
                let sample = match o.ty.name.as_str() {
                    "Integer" => serde_json::json!(1),
                    "Boolean" => serde_json::json!(true),
                    _ => serde_json::json!("text"),
                };
                let mut at = &mut body;
                let keys: Vec<&str> = o.pointer.value.split('/').skip(1).collect();
                for (i, k) in keys.iter().enumerate() {
                    let key = k.replace("~1", "/").replace("~0", "~");
                    let last = i + 1 == keys.len();
                    let Some(map) = at.as_object_mut() else { break };
                    at = map
                        .entry(key)
                        .or_insert_with(|| if last { sample.clone() } else { serde_json::json!({}) });
                }
            }
            (a.name.name.clone(), format!("{{ returns: {body} }}"))
        })
        .collect()
}

const OPEN: u8 = 1;
const CLOSED: u8 = 2;
const HOLIDAY: u8 = 4;

pub fn skeleton(project: &ProjectUnderTest, flow: &str, loops: u32) -> Result<String, String> {
    let Some(graph) = project.graph(flow) else {
        let help = crate::source::suggest::help_for(flow, "flow", project.flow_names());
        return Err(format!("the project has no flow `{flow}`; {help}"));
    };
    if graph.kind() == FlowKind::Inqueue {
        return inqueue_skeleton(project, graph, loops);
    }
    if graph.kind() == FlowKind::Secure {
        return Err(format!(
            "{flow} is a secure flow: its paths are walked from the inbound flow that transfers to it; generate that flow's cases"
        ));
    }
    let mut w = Walker::new(project, graph, false, loops.max(1));
    w.walk(graph.entry(), State::default());
    Ok(render(project, graph, graph, &w.paths, w.truncated))
}

/// An in-queue flow runs only while a call waits, so each case enters through an inbound flow:
/// the shortest path that transfers with this in-queue flow, then one case per path through it,
/// with nobody staffed so the call keeps waiting.
fn inqueue_skeleton(project: &ProjectUnderTest, graph: &FlowGraph, loops: u32) -> Result<String, String> {
    let mut best: Option<(&FlowGraph, State)> = None;
    for inbound in project.checked.graphs.iter().filter(|g| g.kind() == FlowKind::Inbound) {
        let mut w = Walker::new(project, inbound, false, 1);
        w.walk(inbound.entry(), State::default());
        for (st, end) in w.paths {
            let End::Transferred(_, node) = end else { continue };
            let Action::Transfer { inqueue_flow: Some(f), .. } = &inbound.node(node).action else { continue };
            if f.name == graph.name() && best.as_ref().is_none_or(|(_, b)| st.inputs.len() < b.inputs.len()) {
                best = Some((inbound, st));
            }
        }
    }
    let Some((entry, prefix)) = best else {
        return Err(format!("no inbound flow transfers to a queue with {}, so it never runs", graph.name()));
    };
    // Keep what the prefix needs to reach the queue; the in-queue walk starts afresh.
    let start = State {
        schedules: prefix.schedules,
        data: prefix.data,
        inputs: prefix.inputs,
        labels: Vec::new(),
        ..State::default()
    };
    let mut w = Walker::new(project, graph, true, loops.max(1));
    w.walk(graph.entry(), start);
    Ok(render(project, entry, graph, &w.paths, w.truncated))
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
            st.marks.push(self.graph.node(next).span);
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

    /// `transfer to secure flow`: every path through the secure flow (its inputs become the
    /// case's), then on from here where it returns, or along `failure` where it fails.
    fn secure_flow(&mut self, st: State, node: NodeId, name: &str) {
        let Some(secure) = self.project.graph(name) else { return self.finish(st, End::Error) };
        let mut sub = Walker::new(self.project, secure, false, self.loops);
        // Its variables, menus and loops are its own.
        let inner = State {
            returns: Vec::new(),
            used: HashMap::new(),
            menus: HashMap::new(),
            asks: HashMap::new(),
            silent_asks: Vec::new(),
            ..st.clone()
        };
        sub.walk(secure.entry(), inner);
        self.truncated |= sub.truncated;
        for (s, end) in sub.paths {
            let back = State {
                returns: st.returns.clone(),
                used: st.used.clone(),
                menus: st.menus.clone(),
                asks: st.asks.clone(),
                silent_asks: st.silent_asks.clone(),
                ..s
            };
            match end {
                End::Returned => self.go(back, node, Outcome::Next, Some(format!("back from {name}"))),
                End::Error if self.graph.follow(node, &Outcome::Failure).is_some() => {
                    self.go(back, node, Outcome::Failure, Some(format!("{name} fails")))
                }
                other => self.finish(back, other),
            }
        }
    }

    fn walk(&mut self, node: NodeId, mut st: State) {
        if self.paths.len() >= MAX_PATHS {
            self.truncated = true;
            return;
        }
        let g = self.graph;
        match &g.node(node).action {
            Action::Disconnect if st.callback_taken => self.finish(st, End::Callback),
            Action::Disconnect => self.finish(st, End::Disconnected(g.node(node).span)),
            Action::ConnectAgent => self.finish(st, End::Connected),
            Action::LeaveVoicemail(_) => self.finish(st, End::VoicemailLeft),
            Action::RetryLater => self.finish(st, End::RetryLater),
            Action::End if self.in_queue => self.finish(st, End::Waiting),
            Action::End if g.kind() == FlowKind::Secure => self.finish(st, End::Returned),
            Action::End => self.finish(st, End::Error),
            Action::Return { .. } => match st.returns.pop() {
                Some(call) => match g.follow(call, &Outcome::Next) {
                    Some(n) => self.walk(n, st),
                    // The `call` ended a menu's noinput/nomatch handler: back to the menu.
                    None if g.follow(call, &Outcome::Retry).is_some() => {
                        self.go(st, call, Outcome::Retry, None)
                    }
                    None => self.finish(st, End::Error),
                },
                // Ending a jumped-to task restarts an in-queue flow, and returns from a secure one.
                None if self.in_queue => self.finish(st, End::Waiting),
                None if g.kind() == FlowKind::Secure => self.finish(st, End::Returned),
                None => self.finish(st, End::Error),
            },
            Action::Transfer { queue, .. } => {
                self.finish(st.clone(), End::Transferred(queue.name.clone(), node));
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
                let mut created = st.clone();
                created.callback_taken = self.in_queue;
                self.go(created, node, Outcome::Next, Some("callback created".into()));
                if !st.withheld_number {
                    st.withheld_number = true;
                    self.go(st, node, Outcome::Failure, Some("callback refused (withheld number)".into()));
                }
            }
            Action::TransferOut(t)
                if matches!(t.target, crate::syntax::ast::TransferTarget::SecureFlow(_)) =>
            {
                if let crate::syntax::ast::TransferTarget::SecureFlow(f) = &t.target {
                    self.secure_flow(st, node, &f.name);
                }
            }
            Action::TransferOut(t) => {
                let to_agent = matches!(t.target, crate::syntax::ast::TransferTarget::Agent(_));
                self.finish(st.clone(), if to_agent { End::ToAgent } else { End::TransferredOut });
                if g.follow(node, &Outcome::Failure).is_some() {
                    st.todos.push(if to_agent {
                        "make the transfer fail (the agent away or busy: `given.away`)".into()
                    } else {
                        "make the transfer fail (a number that cannot be dialled)".into()
                    });
                    self.go(st, node, Outcome::Failure, Some("transfer refused".into()));
                }
            }
            Action::Lookup(l) => {
                let table = &l.table.name;
                let mut found = st.clone();
                found.todos.push(format!("make the key `{}` one that is in table {table}", l.key));
                self.go(found, node, Outcome::Next, Some(format!("{table} finds the key")));
                st.todos.push(format!("make the key `{}` one that is not in table {table}", l.key));
                self.go(st, node, Outcome::NotFound, Some(format!("{table} lacks the key")));
            }
            Action::CallData(c) => {
                let name = c.action.name.clone();
                let success = self.samples.get(&name).cloned().unwrap_or_else(|| "{ returns: {} }".into());
                let mut branches = vec![
                    (success, Outcome::Next, "answers"),
                    ("fails".to_string(), Outcome::Failure, "fails"),
                ];
                if g.follow(node, &Outcome::Timeout).is_some() {
                    branches.push(("times_out".to_string(), Outcome::Timeout, "times out"));
                }
                for (result, outcome, words) in branches {
                    // One answer per action on a path: a second call of it answers the same way.
                    if st.data_actions.get(&name).is_some_and(|r| *r != result) {
                        continue;
                    }
                    let mut s = st.clone();
                    let label = (!s.data_actions.contains_key(&name)).then(|| format!("{name} {words}"));
                    s.data_actions.insert(name.clone(), result);
                    self.go(s, node, outcome, label);
                }
            }
            Action::Menu { name, retries, .. } => self.menu(node, name, *retries, st),
            Action::Ask { target, min_digits, .. } => {
                let var = target.dotted();
                let mut yes = st.clone();
                yes.silent_asks.retain(|v| *v != var);
                yes.asks.insert(var.clone(), yes.inputs.len());
                // As many keys as the ask needs: `digits 8` takes eight.
                yes.inputs.push(Input::Press("1".repeat((*min_digits).max(1) as usize)));
                self.go(yes, node, Outcome::Next, None);
                st.inputs.push(Input::Silent);
                st.asks.remove(&var);
                st.silent_asks.push(var.clone());
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
        // Each choice, pressed or said.
        let mut keys: Vec<String> = Vec::new();
        for e in g.outgoing(node) {
            let (input, label) = match e.outcome {
                Outcome::Digit(d) => {
                    keys.push(d.clone());
                    (Input::Press(d.clone()), format!("{name} press {d}"))
                }
                Outcome::Said(w) => (Input::Say(w.clone()), format!("{name} say {w}")),
                _ => continue,
            };
            let mut s = st.clone();
            s.menus.remove(&node);
            s.inputs.push(input);
            self.go(s, node, e.outcome.clone(), Some(label));
        }
        // The flow's any-time keys the menu does not take itself lead to their handlers.
        let any_time: Vec<String> = g
            .outgoing(g.entry())
            .iter()
            .filter_map(|e| match e.outcome {
                Outcome::AnyTime(k) if !keys.contains(k) => Some(k.clone()),
                _ => None,
            })
            .collect();
        for k in &any_time {
            let mut s = st.clone();
            s.menus.remove(&node);
            s.returns.clear();
            s.inputs.push(Input::Press(k.clone()));
            self.go(s, g.entry(), Outcome::AnyTime(k.clone()), Some(format!("{name} press {k} (any time)")));
        }
        let wrong = ["9", "8", "7", "6", "5", "4", "3", "2", "1", "0", "*", "#"]
            .into_iter()
            .find(|k| !keys.iter().any(|d| d == k))
            .unwrap_or("9");
        for no_input in [true, false] {
            let mut s = st.clone();
            let c = s.menus.entry(node).or_insert((0, 0, 0));
            let miss = menu_miss(g, node, c, no_input, retries);
            s.inputs.push(if no_input { Input::Silent } else { Input::Press(wrong.into()) });
            let what = if no_input { "no input" } else { "no match" };
            let outcome = match miss {
                MenuMiss::Exhausted => {
                    s.menus.remove(&node);
                    self.go(s, node, Outcome::Exhausted, Some(format!("{name} {what} until exhausted")));
                    continue;
                }
                MenuMiss::Take(handler) => handler,
                MenuMiss::Reoffer => {
                    // No handler: the menu is offered again, bounded by its retries.
                    s.labels.push(format!("{name} {what}"));
                    self.menu(node, name, retries, s);
                    continue;
                }
            };
            self.go(s, node, outcome, Some(format!("{name} {what}")));
        }
    }
}

/// Narrows the state so `cond` comes out `answer`; false when that cannot happen on this path.
fn steer(cond: &Expr, answer: bool, st: &mut State) -> bool {
    match &cond.kind {
        ExprKind::Unary(UnaryOp::Not, x) => steer(x, !answer, st),
        // `a or b` is true when `a` is (else `b`), false when both are; `and` the other way round.
        ExprKind::Binary(op @ (BinaryOp::Or | BinaryOp::And), l, r) => {
            let either = (*op == BinaryOp::Or) == answer;
            if either {
                for side in [l, r] {
                    let mut t = st.clone();
                    if steer(side, answer, &mut t) {
                        *st = t;
                        return true;
                    }
                }
                false
            } else {
                steer(l, answer, st) && steer(r, answer, st)
            }
        }
        ExprKind::Binary(op @ (BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Lt | BinaryOp::Le), l, r)
            if queue_fact(l).is_some() && number(r).is_some() =>
        {
            let (fact, v) = (queue_fact(l).unwrap_or_default(), number(r).unwrap_or_default());
            // The bound the answer sets: value in [lo, hi].
            let (lo, hi) = match (op, answer) {
                (BinaryOp::Gt, true) | (BinaryOp::Le, false) => (v + 1, i64::MAX),
                (BinaryOp::Ge, true) | (BinaryOp::Lt, false) => (v, i64::MAX),
                (BinaryOp::Lt, true) | (BinaryOp::Ge, false) => (i64::MIN, v - 1),
                _ => (i64::MIN, v),
            };
            let range = if fact == "wait" {
                // An unknown wait compares false: only a "no" holds for it.
                if st.ewt_known == Some(false) {
                    return !answer;
                }
                if answer {
                    st.ewt_known = Some(true);
                }
                &mut st.ewt_range
            } else {
                &mut st.position_range
            };
            range.0 = range.0.max(lo);
            range.1 = range.1.min(hi);
            st.labels.push(format!("{cond} {}", if answer { "yes" } else { "no" }));
            range.0 <= range.1
        }
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
        ExprKind::Path(p) if p.index.is_none() && p.dotted() == "Call.AnsweringMachine" => {
            if st.machine.is_some_and(|m| m != answer) {
                return false;
            }
            st.machine = Some(answer);
            st.labels.push(if answer { "answering machine".into() } else { "a person answers".into() });
            true
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
            // Silence leaves the variable empty.
            (ExprKind::Path(p), Some(lit)) if st.silent_asks.contains(&p.dotted()) => {
                lit.is_empty() == answer
            }
            (ExprKind::Path(p), Some(lit)) if st.asks.contains_key(&p.dotted()) => {
                let i = st.asks[&p.dotted()];
                // Another answer of the same length, so the ask's digit count still accepts it.
                let other = match lit.chars().next() {
                    Some(first) => {
                        let rest = &lit[first.len_utf8()..];
                        format!("{}{rest}", if first == '1' { '2' } else { '1' })
                    }
                    None => "1".to_string(),
                };
                st.inputs[i] = Input::Press(if answer { lit.clone() } else { other });
                st.asks.remove(&p.dotted());
                st.labels.push(format!("{} {}", p.dotted(), if answer { lit } else { format!("not {lit}") }));
                true
            }
            _ => todo(cond, answer, st),
        },
        _ => todo(cond, answer, st),
    }
}

/// `wait` or `position` for the queue facts overrides can set.
fn queue_fact(e: &Expr) -> Option<&'static str> {
    match &e.kind {
        ExprKind::Path(p) if p.dotted() == "Call.EstimatedWaitTime" => Some("wait"),
        ExprKind::Path(p) if p.dotted() == "Call.PositionInQueue" => Some("position"),
        _ => None,
    }
}

/// A literal number of seconds or a count.
fn number(e: &Expr) -> Option<i64> {
    match &e.kind {
        ExprKind::Duration(s) | ExprKind::Int(s) => Some(*s),
        _ => None,
    }
}

/// A value in `[lo, hi]`, near `preferred` when the range allows.
fn pick((lo, hi): (i64, i64), preferred: i64) -> i64 {
    preferred.clamp(lo, hi)
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

/// The cases as YAML: `entry` is the flow calls enter, `graph` the one whose paths were walked
/// (the same, except for an in-queue flow).
fn render(
    project: &ProjectUnderTest,
    entry: &FlowGraph,
    graph: &FlowGraph,
    paths: &[(State, End)],
    truncated: bool,
) -> String {
    let in_queue = graph.kind() == FlowKind::Inqueue;
    let sources = project.checked.sources();
    let short = |span: crate::source::Span| {
        let place = sources.file_line(span);
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
    if in_queue {
        let _ = writeln!(
            s,
            "# Each call enters through {} and waits with nobody staffed, so {} keeps running.",
            entry.name(),
            graph.name()
        );
    }
    let _ = writeln!(s, "flow: {}\n\ncases:", entry.name());
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
        match (st.withheld_number, st.machine == Some(true)) {
            (true, true) => {
                let _ = writeln!(s, "    call: {{ ani: anonymous, answering_machine: true }}");
            }
            (true, false) => {
                let _ = writeln!(s, "    call: {{ ani: anonymous }}");
            }
            (false, true) => {
                let _ = writeln!(s, "    call: {{ answering_machine: true }}");
            }
            (false, false) => {}
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
        if in_queue {
            given.push("agents: none".into());
        }
        let ewt_bounded = st.ewt_range != (0, i64::MAX);
        match st.ewt_known {
            Some(false) => given.push("estimated_wait: unknown".into()),
            Some(true) => given.push(format!("estimated_wait: {}s", pick(st.ewt_range, 600))),
            None if ewt_bounded => given.push(format!("estimated_wait: {}s", pick(st.ewt_range, 60))),
            None => {}
        }
        if st.position_range != (1, i64::MAX) {
            given.push(format!("position: {}", pick(st.position_range, 1).max(1)));
        }
        if in_queue && matches!(end, End::Waiting) {
            given.push("run_for: 10m".into());
        }
        if !st.full_queues.is_empty() {
            given.push(format!("queue_full: [{}]", st.full_queues.join(", ")));
        }
        if !st.data.is_empty() {
            let parts: Vec<String> = st.data.iter().map(|(k, v)| format!("{k}: {}", q(v))).collect();
            given.push(format!("data: {{ {} }}", parts.join(", ")));
        }
        if !st.data_actions.is_empty() {
            let parts: Vec<String> = st.data_actions.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            given.push(format!("data_actions: {{ {} }}", parts.join(", ")));
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
                    Input::Say(w) => {
                        let _ = writeln!(s, "      - say: {}", q(w));
                    }
                }
            }
        }
        let _ = writeln!(s, "    expect:");
        match end {
            End::Disconnected(n) => {
                let _ = writeln!(s, "      outcome: {{ disconnected: {} }}", short(*n));
            }
            End::Waiting => {
                let _ = writeln!(s, "      outcome: waiting");
            }
            End::Callback => {
                let _ = writeln!(s, "      outcome: {{ callback: {{ keeps_position: true }} }}");
            }
            End::Transferred(queue, _) => {
                let _ = writeln!(s, "      outcome: {{ transferred: {queue} }}");
            }
            End::Connected => {
                let _ = writeln!(s, "      outcome: connected");
            }
            End::TransferredOut => {
                let _ = writeln!(s, "      outcome: transferred_out");
            }
            End::ToAgent => {
                let _ = writeln!(s, "      outcome: answered");
            }
            End::VoicemailLeft => {
                let _ = writeln!(s, "      outcome: voicemail_left");
            }
            End::RetryLater => {
                let _ = writeln!(s, "      outcome: retry_later");
            }
            // A secure flow's paths are rendered through the flow that transfers to it.
            End::Error | End::Returned => {
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
