//! Top-level items: schedules and flows.

use crate::source::{Span, Spanned};
use serde::Serialize;

/// A name as written, with where.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal without interpolation (time zone names, skills).
#[derive(Debug, Clone, PartialEq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

/// One parsed `.flow` file.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    pub schedules: Vec<Schedule>,
    pub data_actions: Vec<DataAction>,
    pub tables: Vec<TableDecl>,
    pub prompts: Vec<PromptDecl>,
    /// Tasks written outside any flow: common to the project, each flow that calls or jumps to one
    /// gets its own copy (its variables are that flow's).
    pub tasks: Vec<Task>,
    pub flows: Vec<Flow>,
    /// `use "../common"`: module folders (or files) whose definitions join the project.
    pub uses: Vec<StrLit>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum FlowKind {
    Inbound,
    Inqueue,
    Outbound,
    /// Collects what must stay secret (a card number, a PIN) for an inbound flow that
    /// transfers to it, then returns there (Architect's secure flows): every input is masked,
    /// its variables stay its own, and its end goes back.
    Secure,
}

impl FlowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FlowKind::Inbound => "inbound",
            FlowKind::Inqueue => "inqueue",
            FlowKind::Outbound => "outbound",
            FlowKind::Secure => "secure",
        }
    }
}

/// `inbound flow Name { ... }`: a body of statements plus the tasks it may call or jump to.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub kind: Spanned<FlowKind>,
    pub name: Ident,
    /// `languages "nl-NL" voice "Lotte", "en-US"`: the languages the flow speaks (the first is
    /// the call's language when the flow starts it), each with its TTS voice; empty when not
    /// declared (any language, no voice named).
    pub languages: Vec<FlowLanguage>,
    pub body: super::Block,
    pub tasks: Vec<Task>,
    pub span: Span,
}

/// One of a flow's declared languages.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowLanguage {
    pub tag: StrLit,
    pub voice: Option<StrLit>,
}

/// The name a flow's `on error { ... }` handler has among its tasks: a name no `call` or `jump`
/// can write, so only the flow's error edge enters it.
pub const ERROR_HANDLER: &str = "on error";

/// The start of the task name of an `on key "9" { ... }` handler (`on key 9`).
pub const KEY_HANDLER: &str = "on key ";

/// `task Name { ... }`: a reusable part of a flow, entered with `call` (returns) or `jump`.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub name: Ident,
    pub body: super::Block,
    pub span: Span,
}

/// `schedule Name in "Zone" { mon..fri 08:00-18:00  closed 2026-12-25 }`
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub name: Ident,
    pub zone: StrLit,
    pub hours: Vec<OpenHours>,
    pub closed: Vec<ClosedDays>,
    pub span: Span,
}

/// Weekdays Monday = 0 .. Sunday = 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Day(pub u8);

impl Day {
    pub const NAMES: [&'static str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    pub fn name(self) -> &'static str {
        Day::NAMES[self.0 as usize % 7]
    }
}

/// `mon..fri` or `sat`.
#[derive(Debug, Clone, PartialEq)]
pub struct DayRange {
    pub from: Day,
    pub to: Option<Day>,
    pub span: Span,
}

/// A wall-clock time as written; validated by the checker (so `25:00` is a diagnostic, not a
/// parse failure).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    pub hour: u32,
    pub minute: u32,
    pub span: Span,
}

impl Clock {
    pub fn minutes(self) -> u32 {
        self.hour * 60 + self.minute
    }
}

/// `08:00-18:00`
#[derive(Debug, Clone, PartialEq)]
pub struct TimeRange {
    pub start: Clock,
    pub end: Clock,
    pub span: Span,
}

/// `mon..fri, sat 08:00-12:00, 13:00-18:00`
#[derive(Debug, Clone, PartialEq)]
pub struct OpenHours {
    pub days: Vec<DayRange>,
    pub ranges: Vec<TimeRange>,
    pub span: Span,
}

/// A calendar date as written (validated by the checker).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateLit {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub span: Span,
}

impl DateLit {
    pub fn to_date(self) -> Option<chrono::NaiveDate> {
        chrono::NaiveDate::from_ymd_opt(self.year, self.month, self.day)
    }
}

/// `2026-12-25 "Christmas"` or `2026-12-24..2026-12-26`
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedDays {
    pub from: DateLit,
    pub to: Option<DateLit>,
    pub label: Option<StrLit>,
    pub span: Span,
}

/// The HTTP method of a data action's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// `data action CustomerLookup { get "https://…?phone={phone}" input phone output name: String =
/// "/customer/name" timeout 3s }`: an external lookup declared once (Architect's Call Data Action,
/// Connect's Invoke Lambda) and called from flows with `call data`. Its templates may name its
/// inputs and `env.NAME` (a secret read from the server's environment, never written in a flow).
#[derive(Debug, Clone, PartialEq)]
pub struct DataAction {
    pub name: Ident,
    /// The method and the URL template (exactly one request line).
    pub request: Option<(Spanned<HttpMethod>, super::Expr)>,
    pub headers: Vec<(StrLit, super::Expr)>,
    /// The JSON body template.
    pub body: Option<super::Expr>,
    pub inputs: Vec<Ident>,
    pub outputs: Vec<DataOutput>,
    pub timeout: Option<super::Expr>,
    pub span: Span,
}

/// `output name: String = "/customer/name"`: a typed value read from the response by JSON Pointer.
#[derive(Debug, Clone, PartialEq)]
pub struct DataOutput {
    pub name: Ident,
    /// `String`, `Int`, `Boolean`.
    pub ty: Ident,
    /// A JSON Pointer (RFC 6901) into the response body.
    pub pointer: StrLit,
}

/// `table Branches from "branches.csv" key postcode { name: String, late: Boolean }`: a lookup
/// table (Architect's data table, Connect's contact-attribute lookups) read from a CSV file of the
/// project, each declared column typed and checked cell by cell.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDecl {
    pub name: Ident,
    /// The CSV file, relative to the project folder.
    pub file: StrLit,
    /// The column looked up (text).
    pub key: Ident,
    /// The other columns a flow may read, each with its type.
    pub columns: Vec<(Ident, Ident)>,
    pub span: Span,
}

/// `prompt Welcome { "en-US": "Welcome to Acme.", "nl-NL": "Welkom bij Acme." }`: a prompt resource
/// with its text per language; `prompt(Welcome)` is the text in the call's `Call.Language`.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptDecl {
    pub name: Ident,
    /// The texts in the order written; the first is the fallback.
    pub texts: Vec<PromptText>,
    pub span: Span,
}

/// A prompt's text in one language, and the recording played instead of it when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptText {
    pub lang: StrLit,
    pub text: StrLit,
    /// `audio "audio/welcome-nl.wav"`: a file of the project, relative to its folder.
    pub audio: Option<StrLit>,
}
