//! Statements: the actions of a flow and the control structures around them.

use super::{Expr, Ident, Path, StrLit};
use crate::model::CallbackMode;
use crate::source::{Span, Spanned};

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `play "text {expr}"`
    Play(Expr),
    /// `play estimated wait`
    PlayEstimatedWait,
    /// `play position`
    PlayPosition,
    Menu(Box<Menu>),
    Ask(Box<Ask>),
    If(Box<If>),
    Switch(Box<Switch>),
    /// `set Flow.Tries = Flow.Tries + 1`
    Set {
        target: Path,
        value: Expr,
    },
    Transfer(Box<Transfer>),
    /// `transfer to number E` · `transfer to voicemail Queue` · `transfer to flow Name`
    TransferOut(Box<TransferOut>),
    CreateCallback(Box<CreateCallback>),
    /// `call data CustomerLookup with { phone: Call.Ani } into { Task.Name = name }`
    CallData(Box<CallData>),
    /// `lookup Branches key Task.Postcode into { Task.Branch = name } on not found => …`
    Lookup(Box<Lookup>),
    /// `hold 30s`, `hold 30s music "audio/rain.wav"` (the queue's `hold_music` without it).
    Hold(Expr, Option<StrLit>),
    Disconnect,
    /// `connect agent`
    ConnectAgent,
    /// `leave voicemail "text"`: an outbound flow leaves a message on the answering machine.
    LeaveVoicemail(Expr),
    /// `retry later`: an outbound flow ends this attempt; the callback dials again later.
    RetryLater,
    /// `call Task`: run the task, then come back.
    Call(Ident),
    /// `jump Task`: go to the task and do not come back.
    Jump(Ident),
    Return,
}

impl Stmt {
    /// The span of the statement's first keyword (`menu` of a whole menu block), for messages
    /// about the statement as such rather than its contents.
    pub fn keyword_span(&self) -> Span {
        let first = self.kind.keyword().split(' ').next().unwrap_or("");
        Span { hi: (self.span.lo + first.len() as u32).min(self.span.hi), ..self.span }
    }
}

impl StmtKind {
    /// The action's keyword as users write it, for messages and the flow-kind table.
    pub fn keyword(&self) -> &'static str {
        match self {
            StmtKind::Play(_) => "play",
            StmtKind::PlayEstimatedWait => "play estimated wait",
            StmtKind::PlayPosition => "play position",
            StmtKind::Menu(_) => "menu",
            StmtKind::Ask(_) => "ask",
            StmtKind::If(_) => "if",
            StmtKind::Switch(_) => "switch",
            StmtKind::Set { .. } => "set",
            StmtKind::Transfer(_) => "transfer",
            StmtKind::TransferOut(t) => match t.target {
                TransferTarget::Number(_) => "transfer to number",
                TransferTarget::Voicemail(_) => "transfer to voicemail",
                TransferTarget::Flow(_) => "transfer to flow",
                TransferTarget::SecureFlow(_) => "transfer to secure flow",
                TransferTarget::Agent(_) => "transfer to agent",
                TransferTarget::AgentVoicemail(_) => "transfer to voicemail",
            },
            StmtKind::CreateCallback(_) => "create callback",
            StmtKind::CallData(_) => "call data",
            StmtKind::Lookup(_) => "lookup",
            StmtKind::Hold(..) => "hold",
            StmtKind::Disconnect => "disconnect",
            StmtKind::ConnectAgent => "connect agent",
            StmtKind::LeaveVoicemail(_) => "leave voicemail",
            StmtKind::RetryLater => "retry later",
            StmtKind::Call(_) => "call",
            StmtKind::Jump(_) => "jump",
            StmtKind::Return => "return",
        }
    }
}

/// A DTMF menu with VoiceXML-style no-input / no-match handling.
#[derive(Debug, Clone, PartialEq)]
pub struct Menu {
    pub name: Ident,
    pub prompt: Expr,
    /// How many times the caller may fail (no input or no match) before `exhausted`.
    pub retries: Option<Spanned<i64>>,
    pub timeout: Option<Expr>,
    pub choices: Vec<MenuChoice>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MenuChoice {
    pub keys: Vec<Spanned<ChoiceKey>>,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChoiceKey {
    /// A key: `0`-`9`, `*`, `#`. Stored as written so the checker can reject `12`.
    Digit(String),
    /// A spoken keyword (`"billing"`, `"lost card"`), written in lower case: the caller may say it
    /// instead of pressing a key.
    Word(String),
    /// `noinput` (every time) or `noinput 2` (the second time only): escalating re-prompts.
    NoInput(Option<u32>),
    NoMatch(Option<u32>),
    Exhausted,
}

impl ChoiceKey {
    pub fn label(&self) -> String {
        match self {
            ChoiceKey::Digit(d) => d.clone(),
            ChoiceKey::Word(w) => format!("\"{w}\""),
            ChoiceKey::NoInput(None) => "noinput".into(),
            ChoiceKey::NoInput(Some(n)) => format!("noinput {n}"),
            ChoiceKey::NoMatch(None) => "nomatch".into(),
            ChoiceKey::NoMatch(Some(n)) => format!("nomatch {n}"),
            ChoiceKey::Exhausted => "exhausted".into(),
        }
    }
}

/// `ask Flow.Account "Enter your account number" digits 6..10 timeout 8s terminator "#"`
#[derive(Debug, Clone, PartialEq)]
pub struct Ask {
    pub target: Path,
    pub prompt: Expr,
    pub min_digits: Option<Spanned<i64>>,
    pub max_digits: Option<Spanned<i64>>,
    pub timeout: Option<Expr>,
    /// `interdigit 3s`: the longest pause between keys before the input counts as finished.
    pub interdigit: Option<Expr>,
    pub terminator: Option<StrLit>,
    /// `secure`: the keys never appear in a trace, a log or on a screen (card numbers, PINs).
    pub secure: Option<Span>,
    pub on_noinput: Option<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct If {
    pub cond: Expr,
    pub then: Block,
    /// `else if` is an `else` block holding a single `if`.
    pub otherwise: Option<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Switch {
    pub subject: Expr,
    pub cases: Vec<Case>,
    pub default: Option<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub values: Vec<Expr>,
    pub body: Block,
    pub span: Span,
}

/// `transfer to Support with Hold priority 5 skills "fr" on failure { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    pub queue: Ident,
    pub inqueue_flow: Option<Ident>,
    pub priority: Option<Expr>,
    pub skills: Vec<StrLit>,
    /// `preferred agent EXPR for D`: only that agent may answer until `D` has passed (60 s when
    /// not given), then any agent of the queue; the caller's place is kept.
    pub preferred: Option<(Expr, Option<Expr>)>,
    pub on_failure: Option<Block>,
}

/// `create callback number Call.Ani name Call.CallerName queue Support attempts 3 retry every 10m`
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreateCallback {
    pub number: Option<Expr>,
    pub name: Option<Expr>,
    pub queue: Option<Ident>,
    pub at: Option<Expr>,
    pub window: Option<(Expr, Expr)>,
    pub timezone: Option<StrLit>,
    pub attempts: Option<Expr>,
    pub retry_every: Option<Expr>,
    pub mode: Option<Spanned<CallbackMode>>,
    pub owner: Option<Expr>,
    pub data: Vec<(Ident, Expr)>,
    pub on_failure: Option<Block>,
}

/// `call data CustomerLookup with { phone: Call.Ani } into { Task.Name = name } on failure => …
/// on timeout => …`: runs a declared data action. Success goes on with the next statement; without
/// `on timeout`, a time-out takes the failure path; without `on failure`, a failure goes on with
/// the next statement too (the outputs are then not set).
#[derive(Debug, Clone, PartialEq)]
pub struct CallData {
    pub action: Ident,
    /// Each input of the action and its value.
    pub inputs: Vec<(Ident, Expr)>,
    /// Where each output goes: a `Flow.`/`Task.` variable and the output's name.
    pub into: Vec<(Path, Ident)>,
    pub on_failure: Option<Block>,
    pub on_timeout: Option<Block>,
}

/// `lookup Table key EXPR into { Task.X = column } on not found => …`: a row of a table by its
/// key. Found goes on with the next statement; not found takes `on not found`, or goes on too.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    pub table: Ident,
    pub key: Expr,
    pub into: Vec<(Path, Ident)>,
    pub on_not_found: Option<Block>,
}

/// Where a call leaves the queues for.
#[derive(Debug, Clone, PartialEq)]
pub enum TransferTarget {
    /// An external number (a partner, another site): the call leaves the center.
    Number(Expr),
    /// The queue's voicemail: the caller leaves a message.
    Voicemail(Ident),
    /// Another inbound flow of the project, which goes on with the call.
    Flow(Ident),
    /// A secure flow, which collects secret input and comes back (the next statement; its
    /// failure path when the secure flow meets an error it does not handle).
    SecureFlow(Ident),
    /// One agent (Architect's Transfer to User): a free agent takes the call at once.
    Agent(Expr),
    /// An agent's own voicemail box.
    AgentVoicemail(Expr),
}

/// `transfer to number "+31…" on failure => …`: the call leaves for a number, a voicemail box or
/// another flow; the failure path is taken when it cannot (not a dialable number, an unknown
/// queue, too many flow-to-flow transfers).
#[derive(Debug, Clone, PartialEq)]
pub struct TransferOut {
    pub target: TransferTarget,
    pub on_failure: Option<Block>,
}
