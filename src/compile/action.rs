//! What a graph node does, and the outcomes its edges are labelled with.

use crate::source::Span;
use crate::syntax::ast::{CallData, CreateCallback, Expr, Ident, Lookup, Path, StrLit, TransferOut};
use std::fmt;

/// The action a node performs. Control structures (menu, if, switch) are nodes too: their edges
/// carry the outcome that was taken.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Where the flow begins.
    Start,
    /// The end of the main body. Inbound and outbound flows must never get here (E0401); an
    /// in-queue flow restarts from the top.
    End,
    /// The entry of a task.
    TaskStart(String),
    Play(Expr),
    PlayEstimatedWait,
    PlayPosition,
    Menu {
        name: String,
        prompt: Expr,
        retries: u32,
        timeout: Option<Expr>,
    },
    Ask {
        target: Path,
        prompt: Expr,
        min_digits: u32,
        max_digits: u32,
        timeout: Option<Expr>,
        /// The longest pause between keys (`interdigit`); the live line's default without it.
        interdigit: Option<Expr>,
        terminator: Option<String>,
        /// The keys are masked wherever they would be shown.
        secure: bool,
    },
    /// `if`: edges `yes` / `no`.
    Decision(Expr),
    /// `switch`: one `case` edge per case (in order), plus `default`.
    Switch {
        subject: Expr,
        cases: Vec<Vec<Expr>>,
    },
    Set {
        target: Path,
        value: Expr,
    },
    Transfer {
        queue: Ident,
        inqueue_flow: Option<Ident>,
        priority: Option<Expr>,
        skills: Vec<StrLit>,
        /// `preferred agent EXPR for D`.
        preferred: Option<(Expr, Option<Expr>)>,
    },
    /// The branches (`on failure`) are edges; this holds the attributes.
    CreateCallback(Box<CreateCallback>),
    /// `call data Action`: edges `next` (success), `failure`, and `timeout` when the flow has an
    /// `on timeout` (else a time-out takes `failure`). The branches are edges; this holds the call.
    CallData(Box<CallData>),
    /// `lookup Table key …`: edges `next` (found) and `not found` when the flow has `on not found`.
    Lookup(Box<Lookup>),
    /// `transfer to number|voicemail|flow …`: the call leaves this flow; edge `failure` only.
    TransferOut(Box<TransferOut>),
    /// `hold D [music "file"]`.
    Hold(Expr, Option<StrLit>),
    Disconnect,
    ConnectAgent,
    /// `leave voicemail E`: terminal.
    LeaveVoicemail(Expr),
    /// `retry later`: terminal.
    RetryLater,
    /// `call Task`: edge `call` to the task, edge `next` to where it returns.
    CallTask(String),
    /// `jump Task`: edge `jump` to the task.
    JumpTask(String),
    /// An explicit `return`, or the implicit one at the end of a task.
    Return {
        implicit: bool,
    },
}

impl Action {
    /// The keyword shown in graphs and traces.
    pub fn keyword(&self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::End => "end",
            Action::TaskStart(_) => "task",
            Action::Play(_) => "play",
            Action::PlayEstimatedWait => "play estimated wait",
            Action::PlayPosition => "play position",
            Action::Menu { .. } => "menu",
            Action::Ask { .. } => "ask",
            Action::Decision(_) => "if",
            Action::Switch { .. } => "switch",
            Action::Set { .. } => "set",
            Action::Transfer { .. } => "transfer",
            Action::CreateCallback(_) => "create callback",
            Action::CallData(_) => "call data",
            Action::Lookup(_) => "lookup",
            Action::TransferOut(_) => "transfer out",
            Action::Hold(..) => "hold",
            Action::Disconnect => "disconnect",
            Action::LeaveVoicemail(_) => "leave voicemail",
            Action::RetryLater => "retry later",
            Action::ConnectAgent => "connect agent",
            Action::CallTask(_) => "call",
            Action::JumpTask(_) => "jump",
            Action::Return { .. } => "return",
        }
    }

    /// One line saying what the node does, as a trace shows it (`if not open(Hours)`,
    /// `transfer to Support with Hold`); prompt texts are shown apart.
    pub fn summary(&self) -> String {
        match self {
            Action::TaskStart(name)
                if name == crate::syntax::ast::ERROR_HANDLER
                    || name.starts_with(crate::syntax::ast::KEY_HANDLER) =>
            {
                name.clone()
            }
            Action::TaskStart(name) => format!("task {name}"),
            Action::Menu { name, .. } => format!("menu {name}"),
            Action::Ask { target, .. } => format!("ask {target}"),
            Action::Decision(cond) => format!("if {cond}"),
            Action::Switch { subject, .. } => format!("switch {subject}"),
            Action::Set { target, value } => format!("set {target} = {value}"),
            Action::Transfer { queue, inqueue_flow, .. } => match inqueue_flow {
                Some(f) => format!("transfer to {} with {}", queue.name, f.name),
                None => format!("transfer to {}", queue.name),
            },
            Action::Hold(d, None) => format!("hold {d}"),
            Action::Hold(d, Some(m)) => format!("hold {d} music \"{}\"", m.value),
            Action::CallTask(t) => format!("call {t}"),
            Action::JumpTask(t) => format!("jump {t}"),
            other => other.keyword().to_string(),
        }
    }

    /// Does the caller spend time here (a prompt, a pause, waiting for keys)? A loop through such
    /// a node cannot spin.
    pub fn waits(&self) -> bool {
        matches!(
            self,
            Action::Play(_)
                | Action::PlayEstimatedWait
                | Action::PlayPosition
                | Action::Menu { .. }
                | Action::Ask { .. }
                | Action::Hold(..)
        )
    }

    /// Does the call leave this flow here for good?
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Action::Disconnect
                | Action::ConnectAgent
                | Action::Transfer { .. }
                | Action::LeaveVoicemail(_)
                | Action::RetryLater
        )
    }
}

/// The label of an edge: which outcome of its source node leads along it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    Next,
    Yes,
    No,
    /// A menu key.
    Digit(String),
    /// A menu's spoken keyword.
    Said(String),
    /// `noinput` handler: `None` for every time, `Some(n)` for the n-th time.
    NoInput(Option<u32>),
    NoMatch(Option<u32>),
    /// The caller used up the menu's retries.
    Exhausted,
    /// A no-input or no-match handler finished: the menu is offered again.
    Retry,
    /// The n-th case of a switch (0-based), labelled with its values.
    Case(usize, String),
    Default,
    Failure,
    /// A data action took longer than its timeout.
    Timeout,
    /// A lookup found no row for its key.
    NotFound,
    Call,
    Jump,
    /// The end of an in-queue flow leads back to its top.
    Restart,
    /// From the flow's start to its `on error` handler: taken when the flow meets an error.
    Error,
    /// From the flow's start to its `on key "K"` handler: the caller pressed K at a menu or ask.
    AnyTime(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Next => f.write_str("next"),
            Outcome::Yes => f.write_str("yes"),
            Outcome::No => f.write_str("no"),
            Outcome::Digit(d) => write!(f, "press {d}"),
            Outcome::Said(w) => write!(f, "say \"{w}\""),
            Outcome::NoInput(None) => f.write_str("noinput"),
            Outcome::NoInput(Some(n)) => write!(f, "noinput {n}"),
            Outcome::NoMatch(None) => f.write_str("nomatch"),
            Outcome::NoMatch(Some(n)) => write!(f, "nomatch {n}"),
            Outcome::Exhausted => f.write_str("exhausted"),
            Outcome::Retry => f.write_str("retry"),
            Outcome::Case(_, label) => write!(f, "= {label}"),
            Outcome::Default => f.write_str("else"),
            Outcome::Failure => f.write_str("failure"),
            Outcome::Timeout => f.write_str("timeout"),
            Outcome::NotFound => f.write_str("not found"),
            Outcome::Call => f.write_str("call"),
            Outcome::Jump => f.write_str("jump"),
            Outcome::Restart => f.write_str("restart"),
            Outcome::Error => f.write_str("error"),
            Outcome::AnyTime(k) => write!(f, "any time {k}"),
        }
    }
}

/// Stable id of a node within its flow: nodes are numbered in source order (start first), so ids
/// survive recompilation of an unchanged flow and can be named in tests and coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct NodeId(pub u32);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: NodeId,
    pub action: Action,
    pub span: Span,
    /// The task the node belongs to (`None` for the main body).
    pub task: Option<String>,
}
