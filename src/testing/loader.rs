//! Reading `*.test.yaml` into [`TestFile`]: a walk over `serde_yaml::Value` that names the field
//! at fault, with line and column found in the text (the approach of `sim::scenario`), then
//! resolution of flows, nodes, queues and prompt patterns against the project.

use super::load_error::{TestFileCode as Code, TestFileError};
use super::project_under_test::ProjectUnderTest;
use super::test_file::*;
use crate::callbacks::{AgentResponse, DialResult, EndReason, State};
use crate::check::suggest::did_you_mean;
use crate::runtime::{Micros, Overrides, ScheduleState};
use crate::sim::scenario::{Seg, locate, show, show_path};
use crate::syntax::ast::FlowKind;
use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

const TOP: &[&str] = &["project", "flow", "defaults", "cases"];
const DEFAULTS: &[&str] = &["call", "given"];
const CASE: &[&str] = &["name", "flow", "call", "given", "caller", "expect"];
const CALL: &[&str] = &["ani", "dnis", "name", "at", "timezone"];
const GIVEN: &[&str] = &[
    "schedule",
    "schedules",
    "estimated_wait",
    "position",
    "agents",
    "ahead",
    "away",
    "away",
    "queue_full",
    "data",
    "handle_time",
    "patience",
    "run_for",
    "callback_answers",
    "agent_responses",
];
const STEPS: &[&str] = &["expect", "press", "silent", "hang_up_after"];
const EXPECT: &[&str] = &["outcome", "variables", "data", "path", "visits", "never"];
const OUTCOMES: &[&str] = &[
    "transferred",
    "answered",
    "disconnected",
    "callback",
    "abandoned",
    "hung_up",
    "waiting",
    "connected",
    "flow_error",
];
const CALLBACK: &[&str] = &[
    "number",
    "queue",
    "window",
    "position",
    "keeps_position",
    "served",
    "data",
    "dispatched",
    "attempts",
    "answered",
    "retried",
    "exhausted",
    "connected",
    "ownership_expired",
    "state",
    "reason",
];
const NEVER_KINDS: &[&str] = &["prompt", "matches", "queue", "node"];

pub const DEFAULT_ANI: &str = "+31612345678";
pub const DEFAULT_DNIS: &str = "+31201234500";
/// A fixed Tuesday morning, as `run` uses, so cases are reproducible.
pub const DEFAULT_AT: &str = "2026-12-01T10:00";
pub const DEFAULT_RUN_FOR: Micros = 3600 * 1_000_000;
pub const DEFAULT_HANDLE: Micros = 180 * 1_000_000;

type R<T> = Result<T, TestFileError>;

fn key(path: &[Seg], k: &str) -> FieldPath {
    let mut p = path.to_vec();
    p.push(Seg::Key(k.to_string()));
    p
}

fn item(path: &[Seg], i: usize) -> FieldPath {
    let mut p = path.to_vec();
    p.push(Seg::Index(i));
    p
}

/// A test file read and parsed as YAML, before the project is known.
pub struct RawTestFile {
    pub name: String,
    pub text: Rc<str>,
    pub value: Value,
    /// The project folder: `project:` against the file's folder, else the file's folder.
    pub project: PathBuf,
}

/// Line and column of a field, following flow-style lists and mappings (`caller: [{ press: "1" }]`)
/// down to the item at fault, where the shared locator stops at the line.
pub fn locate_field(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let found = locate(text, path)?;
    // The shallowest prefix whose child sits on the same line: from there on, the text is inline.
    let mut k = 1;
    while k < path.len() {
        let here = locate(text, &path[..k]);
        let next = locate(text, &path[..k + 1]);
        if let (Some(h), Some(n)) = (here, next)
            && h.0 == n.0
        {
            break;
        }
        k += 1;
    }
    if k >= path.len() {
        return Some(found);
    }
    let (line_no, col) = locate(text, &path[..k])?;
    let line: Vec<char> = text.lines().nth(line_no - 1)?.chars().collect();
    let mut pos = col.saturating_sub(1);
    for seg in &path[k..] {
        pos = match seg {
            Seg::Key(key) => inline_key(&line, pos, key)?,
            Seg::Index(i) => inline_item(&line, pos, *i)?,
        };
    }
    Some((line_no, pos + 1))
}

/// The column of `key:` at or after `from` (outside quotes).
fn inline_key(line: &[char], from: usize, key: &str) -> Option<usize> {
    let k: Vec<char> = key.chars().collect();
    (from..line.len()).find(|&i| {
        line[i..].starts_with(&k)
            && (i == 0 || !(line[i - 1].is_alphanumeric() || line[i - 1] == '_' || line[i - 1] == '.'))
            && line[i + k.len()..].iter().find(|c| !c.is_whitespace()) == Some(&':')
    })
}

/// The column where item `n` of the first `[...]` list at or after `from` begins.
fn inline_item(line: &[char], from: usize, n: usize) -> Option<usize> {
    let open = (from..line.len()).find(|&i| line[i] == '[')?;
    let (mut depth, mut item, mut quote) = (0i32, 0usize, None::<char>);
    let mut at_start = true;
    for (i, &c) in line.iter().enumerate().skip(open) {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if depth == 1 && at_start && !c.is_whitespace() && c != ',' && c != ']' {
            if item == n {
                return Some(i);
            }
            at_start = false;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return None;
                }
            }
            ',' if depth == 1 => {
                item += 1;
                at_start = true;
            }
            _ => {}
        }
    }
    None
}

pub fn error_at(
    code: Code,
    file: &str,
    text: &str,
    path: &[Seg],
    message: String,
    help: Option<String>,
) -> TestFileError {
    let (line, column) = match locate_field(text, path) {
        Some((l, c)) => (u32::try_from(l).ok(), u32::try_from(c).ok()),
        None => (None, None),
    };
    TestFileError { code, file: file.to_string(), line, column, field: show_path(path), message, help }
}

/// Reads a test file and finds its project.
pub fn read_test_file(path: &Path) -> R<RawTestFile> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| TestFileError {
        code: Code::Unreadable,
        file: name.clone(),
        line: None,
        column: None,
        field: String::new(),
        message: format!("cannot read the test file: {e}"),
        help: None,
    })?;
    let base = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parse_raw(&text, &name, &base)
}

/// Parses test-file text; `base` is the folder `project:` is relative to.
pub fn parse_raw(text: &str, name: &str, base: &Path) -> R<RawTestFile> {
    let value: Value = serde_yaml::from_str(text).map_err(|e| {
        let loc = e.location();
        TestFileError {
            code: Code::Unreadable,
            file: name.to_string(),
            line: loc.as_ref().and_then(|l| u32::try_from(l.line()).ok()),
            column: loc.as_ref().and_then(|l| u32::try_from(l.column()).ok()),
            field: String::new(),
            message: format!("not valid YAML: {e}"),
            help: None,
        }
    })?;
    let project = match value.get("project") {
        Some(Value::String(p)) => base.join(p),
        Some(Value::Null) | None => base.to_path_buf(),
        Some(other) => {
            return Err(error_at(
                Code::BadValue,
                name,
                text,
                &[Seg::Key("project".into())],
                format!("expected a folder, not {}", show(other)),
                None,
            ));
        }
    };
    Ok(RawTestFile { name: name.to_string(), text: Rc::from(text), value, project })
}

/// Checks every case against the project.
pub fn load_cases(raw: &RawTestFile, project: &ProjectUnderTest) -> R<TestFile> {
    let p = Loader { file: &raw.name, text: &raw.text, project };
    let root: FieldPath = Vec::new();
    let top = match &raw.value {
        Value::Mapping(m) => m,
        Value::Null => {
            return Err(p.err(
                Code::Missing,
                &root,
                "the test file is empty".into(),
                Some(CASES_HELP.into()),
            ));
        }
        other => {
            return Err(p.err(
                Code::BadValue,
                &root,
                format!("a test file is a mapping with `cases`, not {}", show(other)),
                Some(CASES_HELP.into()),
            ));
        }
    };
    p.check_keys(top, &root, TOP, "field")?;
    let file_flow = match top.get("flow") {
        None | Some(Value::Null) => None,
        Some(v) => Some(p.flow(v, &key(&root, "flow"))?),
    };
    let mut defaults: (Option<&Mapping>, Option<&Mapping>) = (None, None);
    if let Some(d) = top.get("defaults").filter(|v| !v.is_null()) {
        let dp = key(&root, "defaults");
        let m = p.mapping(d, &dp)?;
        p.check_keys(m, &dp, DEFAULTS, "default")?;
        defaults.0 = m.get("call").map(|v| p.mapping(v, &key(&dp, "call"))).transpose()?;
        defaults.1 = m.get("given").map(|v| p.mapping(v, &key(&dp, "given"))).transpose()?;
    }
    let cases_path = key(&root, "cases");
    let cases_v = match top.get("cases") {
        Some(Value::Sequence(s)) => s,
        Some(Value::Null) | None => {
            return Err(p.err(
                Code::Missing,
                &cases_path,
                "`cases` is required".into(),
                Some(CASES_HELP.into()),
            ));
        }
        Some(other) => {
            return Err(p.err(
                Code::BadValue,
                &cases_path,
                format!("expected a list of cases, not {}", show(other)),
                None,
            ));
        }
    };
    let lines = item_lines(&raw.text, cases_v.len());
    let mut cases = Vec::with_capacity(cases_v.len());
    let mut names: std::collections::HashMap<String, usize> = Default::default();
    for (i, v) in cases_v.iter().enumerate() {
        let path = item(&cases_path, i);
        let line = lines.get(i).copied().unwrap_or(0);
        let case = p.case(v, &path, i, line, file_flow.as_deref(), defaults)?;
        if let Some(first) = names.insert(case.name.clone(), i) {
            return Err(p.err(
                Code::DuplicateCase,
                &key(&path, "name"),
                format!("another case is named {:?} (cases[{first}])", case.name),
                Some("give every case its own name: it is how reports and --filter find it".into()),
            ));
        }
        cases.push(case);
    }
    Ok(TestFile { name: raw.name.clone(), text: raw.text.clone(), project: raw.project.clone(), cases })
}

const CASES_HELP: &str = "write `cases:` and a list of cases, each with a `name` (see docs/flow-tests.md)";

/// The 1-based line of each item of the top-level `cases:` list, in one pass over the text.
fn item_lines(text: &str, count: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(count);
    let mut in_cases = false;
    let mut indent: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = line.len() - t.len();
        if ind == 0 && !t.starts_with('-') {
            in_cases = t.starts_with("cases:");
            continue;
        }
        if in_cases && t.starts_with('-') && *indent.get_or_insert(ind) == ind {
            out.push(i as u32 + 1);
        }
    }
    out
}

struct Loader<'a> {
    file: &'a str,
    text: &'a str,
    project: &'a ProjectUnderTest,
}

/// A case's `call` or `given`, over the file's `defaults` of the same name.
struct Layered<'v> {
    case: Option<&'v Mapping>,
    case_path: FieldPath,
    default: Option<&'v Mapping>,
    default_path: FieldPath,
}

impl<'v> Layered<'v> {
    fn get(&self, k: &str) -> Option<(&'v Value, FieldPath)> {
        if let Some(v) = self.case.and_then(|m| m.get(k)).filter(|v| !v.is_null()) {
            return Some((v, key(&self.case_path, k)));
        }
        self.default.and_then(|m| m.get(k)).filter(|v| !v.is_null()).map(|v| (v, key(&self.default_path, k)))
    }
}

impl Loader<'_> {
    fn err(&self, code: Code, path: &[Seg], message: String, help: Option<String>) -> TestFileError {
        error_at(code, self.file, self.text, path, message, help)
    }

    fn check_keys(&self, map: &Mapping, path: &[Seg], known: &[&str], what: &str) -> R<()> {
        for k in map.keys() {
            let Some(k) = k.as_str() else {
                return Err(self.err(
                    Code::BadValue,
                    path,
                    format!("a {what} name must be text, not {}", show(k)),
                    None,
                ));
            };
            if !known.contains(&k) {
                let help = match did_you_mean(k, known.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!(
                        "known here: {}",
                        known.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                    ),
                };
                return Err(self.err(
                    Code::UnknownField,
                    &key(path, k),
                    format!("unknown {what} `{k}`"),
                    Some(help),
                ));
            }
        }
        Ok(())
    }

    fn mapping<'v>(&self, v: &'v Value, path: &[Seg]) -> R<&'v Mapping> {
        match v {
            Value::Mapping(m) => Ok(m),
            other => {
                Err(self.err(Code::BadValue, path, format!("expected a mapping, not {}", show(other)), None))
            }
        }
    }

    fn string(&self, v: &Value, path: &[Seg]) -> R<String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(self.err(Code::BadValue, path, format!("expected text, not {}", show(other)), None)),
        }
    }

    fn count(&self, v: &Value, path: &[Seg]) -> R<u32> {
        v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| {
            self.err(Code::BadValue, path, format!("expected a whole number ≥ 0, not {}", show(v)), None)
        })
    }

    fn duration(&self, v: &Value, path: &[Seg]) -> R<Micros> {
        let text = self.string(v, path)?;
        crate::project::center::parse_duration(&text).map(|s| s * 1_000_000).map_err(|e| {
            self.err(
                Code::BadValue,
                path,
                format!("`{text}` is not a duration: {e}"),
                Some("write `30s`, `5m` or `1h30m`".into()),
            )
        })
    }

    fn bool(&self, v: &Value, path: &[Seg]) -> R<bool> {
        v.as_bool().ok_or_else(|| {
            self.err(Code::BadValue, path, format!("expected `true` or `false`, not {}", show(v)), None)
        })
    }

    fn flow(&self, v: &Value, path: &[Seg]) -> R<String> {
        let name = self.string(v, path)?;
        if self.project.graph(&name).is_none() {
            let help = crate::check::suggest::help_for(&name, "flow", self.project.flow_names());
            return Err(self.err(
                Code::UnknownFlow,
                path,
                format!("the project has no flow `{name}`"),
                Some(help),
            ));
        }
        Ok(name)
    }

    fn queue(&self, v: &Value, path: &[Seg]) -> R<String> {
        let name = self.string(v, path)?;
        let queues = self.project.queue_names();
        if !queues.contains(&name) {
            let help = crate::check::suggest::help_for(&name, "queue", queues.iter().map(String::as_str));
            return Err(self.err(
                Code::UnknownName,
                path,
                format!("the project has no queue `{name}`"),
                Some(help),
            ));
        }
        Ok(name)
    }

    fn pattern(&self, v: &Value, path: &[Seg]) -> R<regex::Regex> {
        let text = self.string(v, path)?;
        regex::Regex::new(&text).map_err(|e| {
            let first = e.to_string().lines().last().unwrap_or("").trim().to_string();
            self.err(
                Code::BadPattern,
                path,
                format!("the prompt pattern /{text}/ does not compile: {first}"),
                Some("patterns are Rust regular expressions; use `expect: TEXT` to match plain text".into()),
            )
        })
    }

    fn node_ref(&self, v: &Value, path: &[Seg], entry: &str) -> R<NodeRef> {
        let written = self.string(v, path)?;
        let nodes = self
            .resolve_node(&written, entry)
            .map_err(|(msg, help)| self.err(Code::UnknownNode, path, msg, help))?;
        Ok(NodeRef { written, nodes, field: path.to_vec() })
    }

    /// `n7` (in the entry flow), `Flow.n7`, or `file.flow:LINE`.
    fn resolve_node(&self, written: &str, entry: &str) -> Result<Vec<FlowNode>, (String, Option<String>)> {
        let form = "write `support.flow:24` (a node's file and line), `n7` (a node of the case's flow) or `HoldWithCallback.n7`";
        if let Some((file, line)) = written.rsplit_once(':')
            && let Ok(line) = line.trim().parse::<u32>()
        {
            if !self.project.has_file(file) {
                return Err((format!("the project has no flow file `{file}`"), Some(form.into())));
            }
            let nodes = self.project.nodes_at(file, line);
            if nodes.is_empty() {
                return Err((
                    format!("no flow node starts on line {line} of {file}"),
                    Some("name the line where the action begins (see `callwright graph`)".into()),
                ));
            }
            return Ok(nodes);
        }
        let (flow, id) = match written.rsplit_once('.') {
            Some((f, n)) => (f, n),
            None => (entry, written),
        };
        let Some(g) = self.project.graph(flow) else {
            let help = crate::check::suggest::help_for(flow, "flow", self.project.flow_names());
            return Err((format!("no flow `{flow}` for node `{written}`"), Some(help)));
        };
        let n = id.strip_prefix('n').and_then(|n| n.parse::<u32>().ok());
        match n {
            Some(n) if (n as usize) < g.node_count() => {
                Ok(vec![(g.shared_name(), crate::compile::NodeId(n))])
            }
            Some(_) => Err((
                format!("flow {flow} has no node {id} (it has n0..n{})", g.node_count().saturating_sub(1)),
                None,
            )),
            None => Err((format!("`{written}` is not a node reference"), Some(form.into()))),
        }
    }

    fn case(
        &self,
        v: &Value,
        path: &[Seg],
        index: usize,
        line: u32,
        file_flow: Option<&str>,
        defaults: (Option<&Mapping>, Option<&Mapping>),
    ) -> R<TestCase> {
        let m = self.mapping(v, path)?;
        self.check_keys(m, path, CASE, "case field")?;
        let name = match m.get("name") {
            Some(v) if !v.is_null() => self.string(v, &key(path, "name"))?,
            _ => {
                return Err(self.err(
                    Code::Missing,
                    path,
                    "a case needs a `name`".into(),
                    Some("add `name: caller presses 1 for billing`".into()),
                ));
            }
        };
        let flow = match m.get("flow").filter(|v| !v.is_null()) {
            Some(v) => self.flow(v, &key(path, "flow"))?,
            None => match file_flow {
                Some(f) => f.to_string(),
                None => self.only_inbound(path)?,
            },
        };
        let dp: FieldPath = vec![Seg::Key("defaults".into())];
        let call_m = m
            .get("call")
            .filter(|v| !v.is_null())
            .map(|v| self.mapping(v, &key(path, "call")))
            .transpose()?;
        let given_m = m
            .get("given")
            .filter(|v| !v.is_null())
            .map(|v| self.mapping(v, &key(path, "given")))
            .transpose()?;
        let call = Layered {
            case: call_m,
            case_path: key(path, "call"),
            default: defaults.0,
            default_path: key(&dp, "call"),
        };
        let given = Layered {
            case: given_m,
            case_path: key(path, "given"),
            default: defaults.1,
            default_path: key(&dp, "given"),
        };
        for (l, known, what) in [(&call, CALL, "call field"), (&given, GIVEN, "override")] {
            if let Some(c) = l.case {
                self.check_keys(c, &l.case_path, known, what)?;
            }
            if let Some(d) = l.default {
                self.check_keys(d, &l.default_path, known, what)?;
            }
        }
        let call = self.call(&call)?;
        let given = self.given(&given)?;
        let script = match m.get("caller").filter(|v| !v.is_null()) {
            Some(v) => self.script(v, &key(path, "caller"))?,
            None => Vec::new(),
        };
        let expect = match m.get("expect").filter(|v| !v.is_null()) {
            Some(v) => self.expect(v, &key(path, "expect"), &flow)?,
            None => Expect::default(),
        };
        Ok(TestCase { name, index, line, flow, call, given, script, expect })
    }

    fn only_inbound(&self, path: &[Seg]) -> R<String> {
        let inbound: Vec<&str> = self
            .project
            .checked
            .graphs
            .iter()
            .filter(|g| g.kind() == FlowKind::Inbound)
            .map(|g| g.name())
            .collect();
        match inbound.as_slice() {
            [one] => Ok(one.to_string()),
            _ => Err(self.err(
                Code::Missing,
                path,
                "name the flow the call enters with `flow:` (the project has no single inbound flow)".into(),
                Some(format!("flows: {}", self.project.flow_names().collect::<Vec<_>>().join(", "))),
            )),
        }
    }

    fn call(&self, l: &Layered) -> R<CallSetup> {
        let text = |k: &str, default: &str| -> R<String> {
            match l.get(k) {
                Some((v, p)) => self.string(v, &p),
                None => Ok(default.to_string()),
            }
        };
        let ani = text("ani", DEFAULT_ANI)?;
        let dnis = text("dnis", DEFAULT_DNIS)?;
        let caller_name = text("name", "")?;
        let zone: Tz = match l.get("timezone") {
            Some((v, p)) => {
                let name = self.string(v, &p)?;
                name.parse().map_err(|_| {
                    let names = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name());
                    let help = did_you_mean(&name, names).map(|b| format!("did you mean `{b}`?"));
                    self.err(Code::BadValue, &p, format!("`{name}` is not an IANA time zone"), help)
                })?
            }
            None => self.project.zone,
        };
        let (at, at_path) = match l.get("at") {
            Some((v, p)) => (self.string(v, &p)?, p),
            None => (DEFAULT_AT.to_string(), Vec::new()),
        };
        let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(&at, f).ok())
            .ok_or_else(|| {
                self.err(
                    Code::BadValue,
                    &at_path,
                    format!("`{at}` is not a date and time"),
                    Some(format!("write `2026-12-01T10:00` (local time in {zone})")),
                )
            })?;
        let start = zone.from_local_datetime(&naive).earliest().ok_or_else(|| {
            self.err(
                Code::BadValue,
                &at_path,
                format!("{at} does not exist in {zone} (a daylight-saving change)"),
                None,
            )
        })?;
        Ok(CallSetup { ani, dnis, caller_name, start })
    }

    fn schedule_state(&self, v: &Value, path: &[Seg]) -> R<ScheduleState> {
        match self.string(v, path)?.as_str() {
            "open" => Ok(ScheduleState::Open),
            "closed" => Ok(ScheduleState::Closed),
            "holiday" => Ok(ScheduleState::Holiday),
            other => Err(self.err(
                Code::BadValue,
                path,
                format!("`{other}` is not a schedule state"),
                Some("write `open`, `closed` or `holiday`".into()),
            )),
        }
    }

    fn given(&self, l: &Layered) -> R<Given> {
        let mut o = Overrides::default();
        if let Some((v, p)) = l.get("schedule") {
            o.all_schedules = Some(self.schedule_state(v, &p)?);
        }
        if let Some((v, p)) = l.get("schedules") {
            for (k, sv) in self.mapping(v, &p)? {
                let name = self.string(k, &p)?;
                let kp = key(&p, &name);
                if !self.project.schedules.contains_key(&name) {
                    let help = crate::check::suggest::help_for(
                        &name,
                        "schedule",
                        self.project.schedules.keys().map(String::as_str),
                    );
                    return Err(self.err(
                        Code::UnknownName,
                        &kp,
                        format!("the project has no schedule `{name}`"),
                        Some(help),
                    ));
                }
                o.schedules.insert(name, self.schedule_state(sv, &kp)?);
            }
        }
        if let Some((v, p)) = l.get("estimated_wait") {
            o.estimated_wait = Some(match v.as_str() {
                Some("unknown") => None,
                _ => Some(self.duration(v, &p)?),
            });
        }
        if let Some((v, p)) = l.get("position") {
            let n = self.count(v, &p)?;
            if n == 0 {
                return Err(self.err(Code::BadValue, &p, "positions start at 1".into(), None));
            }
            o.position = Some(n);
        }
        if let Some((v, p)) = l.get("queue_full") {
            match v {
                Value::Bool(b) => o.all_queues_full = *b,
                Value::Sequence(items) => {
                    for (i, q) in items.iter().enumerate() {
                        o.full_queues.push(self.queue(q, &item(&p, i))?);
                    }
                }
                other => o.full_queues.push(self.queue(other, &p)?),
            }
        }
        let agents = match l.get("agents") {
            None => Agents::Roster,
            Some((v, p)) => match v {
                Value::String(s) if s == "none" => Agents::Count(0),
                Value::String(s) if s == "roster" => Agents::Roster,
                Value::Number(_) => Agents::Count(self.count(v, &p)?),
                other => {
                    return Err(self.err(
                        Code::BadValue,
                        &p,
                        format!("expected `roster`, `none` or a number of agents, not {}", show(other)),
                        None,
                    ));
                }
            },
        };
        let ahead = l.get("ahead").map(|(v, p)| self.count(v, &p)).transpose()?.unwrap_or(0);
        let mut away = Vec::new();
        if let Some((v, p)) = l.get("away") {
            let names: Vec<(&Value, FieldPath)> = match v {
                Value::Sequence(items) => items.iter().enumerate().map(|(i, x)| (x, item(&p, i))).collect(),
                other => vec![(other, p.clone())],
            };
            let known = self.project.agent_names();
            for (x, xp) in names {
                let name = self.string(x, &xp)?;
                if !known.contains(&name) {
                    let help =
                        crate::check::suggest::help_for(&name, "agent", known.iter().map(String::as_str));
                    return Err(self.err(
                        Code::UnknownName,
                        &xp,
                        format!("center.yaml has no agent `{name}`"),
                        Some(help),
                    ));
                }
                away.push(name);
            }
        }
        let mut data = BTreeMap::new();
        if let Some((v, p)) = l.get("data") {
            for (k, dv) in self.mapping(v, &p)? {
                let name = self.string(k, &p)?;
                let value = self.string(dv, &key(&p, &name))?;
                data.insert(name, value);
            }
        }
        let handle =
            l.get("handle_time").map(|(v, p)| self.duration(v, &p)).transpose()?.unwrap_or(DEFAULT_HANDLE);
        let patience = l.get("patience").map(|(v, p)| self.duration(v, &p)).transpose()?;
        let run_for =
            l.get("run_for").map(|(v, p)| self.duration(v, &p)).transpose()?.unwrap_or(DEFAULT_RUN_FOR);
        let callback_answers = match l.get("callback_answers") {
            Some((v, p)) => self.words(v, &p, DialResult::parse, "answer, no_answer, busy or machine")?,
            None => Vec::new(),
        };
        let agent_responses = match l.get("agent_responses") {
            Some((v, p)) => self.words(v, &p, AgentResponse::parse, "accept, reject or timeout")?,
            None => Vec::new(),
        };
        Ok(Given {
            overrides: o,
            agents,
            ahead,
            away,
            data,
            handle,
            patience,
            run_for,
            callback_answers,
            agent_responses,
        })
    }

    /// A list of words (`[no_answer, busy]`, or `no_answer, busy`), each read by `parse`.
    fn words<T>(&self, v: &Value, path: &[Seg], parse: fn(&str) -> Option<T>, known: &str) -> R<Vec<T>> {
        let items: Vec<(String, FieldPath)> = match v {
            Value::Sequence(items) => items
                .iter()
                .enumerate()
                .map(|(i, w)| Ok((self.string(w, &item(path, i))?, item(path, i))))
                .collect::<R<_>>()?,
            other => {
                let text = self.string(other, path)?;
                text.split(',').map(|w| (w.trim().to_string(), path.to_vec())).collect()
            }
        };
        items
            .into_iter()
            .map(|(w, p)| {
                parse(&w)
                    .ok_or_else(|| self.err(Code::BadValue, &p, format!("`{w}` is not one of {known}"), None))
            })
            .collect()
    }

    fn script(&self, v: &Value, path: &[Seg]) -> R<Vec<Step>> {
        let Value::Sequence(items) = v else {
            return Err(self.err(
                Code::BadValue,
                path,
                format!("expected a list of steps, not {}", show(v)),
                Some(STEP_HELP.into()),
            ));
        };
        let mut steps = Vec::with_capacity(items.len());
        for (i, s) in items.iter().enumerate() {
            let p = item(path, i);
            let kind = match s {
                Value::String(w) if w == "silent" || w == "silence" => StepKind::Silent,
                Value::Mapping(m) if m.len() == 1 => {
                    self.check_keys(m, &p, STEPS, "step")?;
                    let (k, val) = m.iter().next().expect("one entry");
                    let k = k.as_str().unwrap_or("");
                    let kp = key(&p, k);
                    match k {
                        "expect" => StepKind::Expect(self.prompt_match(val, &kp)?),
                        "press" => self.press(val, &kp)?,
                        "silent" => {
                            if !self.bool(val, &kp)? {
                                return Err(self.err(
                                    Code::BadValue,
                                    &kp,
                                    "`silent: false` says nothing; leave the step out".into(),
                                    None,
                                ));
                            }
                            StepKind::Silent
                        }
                        _ => {
                            if i + 1 != items.len() {
                                return Err(self.err(Code::BadValue, &kp, "`hang_up_after` must be the last step: nothing happens after the caller hangs up".into(), None));
                            }
                            StepKind::HangUp(self.duration(val, &kp)?)
                        }
                    }
                }
                other => {
                    return Err(self.err(
                        Code::BadValue,
                        &p,
                        format!(
                            "a step is one of `expect`, `press`, `silent`, `hang_up_after`, not {}",
                            show(other)
                        ),
                        Some(STEP_HELP.into()),
                    ));
                }
            };
            steps.push(Step { kind, index: i });
        }
        Ok(steps)
    }

    fn press(&self, v: &Value, path: &[Seg]) -> R<StepKind> {
        let (digits, after) = match v {
            Value::Mapping(m) => {
                self.check_keys(m, path, &["keys", "after"], "press field")?;
                let keys = m
                    .get("keys")
                    .ok_or_else(|| self.err(Code::Missing, path, "`keys` is required".into(), None))?;
                let after =
                    m.get("after").map(|a| self.duration(a, &key(path, "after"))).transpose()?.unwrap_or(0);
                (self.string(keys, &key(path, "keys"))?, after)
            }
            other => (self.string(other, path)?, 0),
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#') {
            return Err(self.err(
                Code::BadValue,
                path,
                format!("`{digits}` is not DTMF keys"),
                Some("use 0-9, * and # (quote them: press: \"#\")".into()),
            ));
        }
        Ok(StepKind::Press { digits, after })
    }

    fn prompt_match(&self, v: &Value, path: &[Seg]) -> R<PromptMatch> {
        match v {
            Value::Mapping(m) if m.len() == 1 => {
                self.check_keys(m, path, &["contains", "matches"], "prompt match")?;
                let (k, val) = m.iter().next().expect("one entry");
                let kp = key(path, k.as_str().unwrap_or(""));
                if k.as_str() == Some("matches") {
                    Ok(PromptMatch::Matches(self.pattern(val, &kp)?))
                } else {
                    Ok(PromptMatch::Contains(self.string(val, &kp)?))
                }
            }
            Value::String(_) => Ok(PromptMatch::Contains(self.string(v, path)?)),
            other => Err(self.err(
                Code::BadValue,
                path,
                format!("expected prompt text or `{{ matches: PATTERN }}`, not {}", show(other)),
                None,
            )),
        }
    }

    fn expect(&self, v: &Value, path: &[Seg], entry: &str) -> R<Expect> {
        let m = self.mapping(v, path)?;
        self.check_keys(m, path, EXPECT, "expectation")?;
        let mut e = Expect::default();
        if let Some(o) = m.get("outcome").filter(|v| !v.is_null()) {
            let p = key(path, "outcome");
            e.outcome = Some((self.outcome(o, &p, entry)?, p));
        }
        for (field, out) in [("variables", &mut e.variables), ("data", &mut e.data)] {
            if let Some(v) = m.get(field).filter(|v| !v.is_null()) {
                let p = key(path, field);
                for (k, val) in self.mapping(v, &p)? {
                    let name = self.string(k, &p)?;
                    let kp = key(&p, &name);
                    out.push((name, self.string(val, &kp)?, kp));
                }
            }
        }
        for (field, out) in [("path", &mut e.path), ("visits", &mut e.visits)] {
            if let Some(v) = m.get(field).filter(|v| !v.is_null()) {
                let p = key(path, field);
                let Value::Sequence(items) = v else {
                    return Err(self.err(
                        Code::BadValue,
                        &p,
                        format!("expected a list of nodes, not {}", show(v)),
                        Some("write `[support.flow:22, support.flow:24]`".into()),
                    ));
                };
                for (i, n) in items.iter().enumerate() {
                    out.push(self.node_ref(n, &item(&p, i), entry)?);
                }
            }
        }
        if let Some(v) = m.get("never").filter(|v| !v.is_null()) {
            let p = key(path, "never");
            let Value::Sequence(items) = v else {
                return Err(self.err(Code::BadValue, &p, format!("expected a list, not {}", show(v)), None));
            };
            for (i, n) in items.iter().enumerate() {
                let ip = item(&p, i);
                let never = match n {
                    Value::String(s) if s == "callback" => Never::Callback,
                    Value::String(s) if s == "abandoned" => Never::Abandoned,
                    Value::Mapping(nm) if nm.len() == 1 => {
                        self.check_keys(nm, &ip, NEVER_KINDS, "kind")?;
                        let (k, val) = nm.iter().next().expect("one entry");
                        let kp = key(&ip, k.as_str().unwrap_or(""));
                        match k.as_str().unwrap_or("") {
                            "prompt" => Never::Prompt(PromptMatch::Contains(self.string(val, &kp)?)),
                            "matches" => Never::Prompt(PromptMatch::Matches(self.pattern(val, &kp)?)),
                            "queue" => Never::Queue(self.queue(val, &kp)?),
                            _ => Never::Node(self.node_ref(val, &kp, entry)?),
                        }
                    }
                    other => Never::Node(self.node_ref(other, &ip, entry)?),
                };
                e.never.push((never, ip));
            }
        }
        Ok(e)
    }

    fn opt_text(&self, v: &Value, path: &[Seg]) -> R<Option<String>> {
        match v {
            Value::Bool(true) | Value::Null => Ok(None),
            _ => Ok(Some(self.string(v, path)?)),
        }
    }

    fn outcome(&self, v: &Value, path: &[Seg], entry: &str) -> R<OutcomeExpect> {
        let (k, val, kp) = match v {
            Value::String(s) => (s.as_str(), &Value::Bool(true), path.to_vec()),
            Value::Mapping(m) if m.len() == 1 => {
                self.check_keys(m, path, OUTCOMES, "outcome")?;
                let (k, val) = m.iter().next().expect("one entry");
                let k = k.as_str().unwrap_or("");
                (k, val, key(path, k))
            }
            other => {
                return Err(self.err(
                    Code::BadValue,
                    path,
                    format!("an outcome is one of {}, not {}", OUTCOMES.join(", "), show(other)),
                    Some("write `outcome: { transferred: Billing }`".into()),
                ));
            }
        };
        if !OUTCOMES.contains(&k) {
            let help = did_you_mean(k, OUTCOMES.iter().copied()).map(|b| format!("did you mean `{b}`?"));
            return Err(self.err(Code::UnknownField, path, format!("unknown outcome `{k}`"), help));
        }
        if let Value::Bool(false) = val {
            return Err(self.err(
                Code::BadValue,
                &kp,
                format!("`{k}: false` is not an outcome; use `never` for what must not happen"),
                None,
            ));
        }
        let queue_opt = |val: &Value, p: &[Seg]| -> R<Option<String>> {
            match val {
                Value::Bool(true) | Value::Null => Ok(None),
                _ => Ok(Some(self.queue(val, p)?)),
            }
        };
        let node_opt = |val: &Value, p: &[Seg]| -> R<Option<NodeRef>> {
            match val {
                Value::Bool(true) | Value::Null => Ok(None),
                Value::Mapping(m) => {
                    self.check_keys(m, p, &["at"], "field")?;
                    m.get("at").map(|a| self.node_ref(a, &key(p, "at"), entry)).transpose()
                }
                _ => Ok(Some(self.node_ref(val, p, entry)?)),
            }
        };
        Ok(match k {
            "transferred" => match val {
                Value::Mapping(m) => {
                    self.check_keys(m, &kp, &["queue", "priority"], "field")?;
                    let queue = m
                        .get("queue")
                        .ok_or_else(|| self.err(Code::Missing, &kp, "`queue` is required".into(), None))?;
                    let priority = m.get("priority").map(|p| {
                        p.as_i64().ok_or_else(|| {
                            self.err(
                                Code::BadValue,
                                &key(&kp, "priority"),
                                format!("expected a whole number, not {}", show(p)),
                                None,
                            )
                        })
                    });
                    OutcomeExpect::Transferred {
                        queue: self.queue(queue, &key(&kp, "queue"))?,
                        priority: priority.transpose()?,
                    }
                }
                _ => OutcomeExpect::Transferred { queue: self.queue(val, &kp)?, priority: None },
            },
            "answered" => match val {
                Value::Mapping(m) => {
                    self.check_keys(m, &kp, &["queue", "agent"], "field")?;
                    OutcomeExpect::Answered {
                        queue: m.get("queue").map(|q| self.queue(q, &key(&kp, "queue"))).transpose()?,
                        agent: m.get("agent").map(|a| self.string(a, &key(&kp, "agent"))).transpose()?,
                    }
                }
                _ => OutcomeExpect::Answered { queue: queue_opt(val, &kp)?, agent: None },
            },
            "disconnected" => OutcomeExpect::Disconnected { at: node_opt(val, &kp)? },
            "hung_up" => OutcomeExpect::HungUp { at: node_opt(val, &kp)? },
            "abandoned" => OutcomeExpect::Abandoned { queue: queue_opt(val, &kp)? },
            "waiting" => OutcomeExpect::Waiting { queue: queue_opt(val, &kp)? },
            "connected" => OutcomeExpect::Connected,
            "flow_error" => OutcomeExpect::FlowError { contains: self.opt_text(val, &kp)? },
            _ => OutcomeExpect::Callback(self.callback(val, &kp)?),
        })
    }

    fn callback(&self, v: &Value, path: &[Seg]) -> R<CallbackExpect> {
        let mut c = CallbackExpect::default();
        let m = match v {
            Value::Bool(true) | Value::Null => return Ok(c),
            other => self.mapping(other, path)?,
        };
        self.check_keys(m, path, CALLBACK, "callback field")?;
        if let Some(v) = m.get("number") {
            c.number = Some(self.string(v, &key(path, "number"))?);
        }
        if let Some(v) = m.get("queue") {
            c.queue = Some(self.queue(v, &key(path, "queue"))?);
        }
        if let Some(v) = m.get("position") {
            c.position = Some(self.count(v, &key(path, "position"))?);
        }
        if let Some(v) = m.get("keeps_position") {
            c.keeps_position = Some(self.bool(v, &key(path, "keeps_position"))?);
        }
        if let Some(v) = m.get("served") {
            c.served = Some(self.bool(v, &key(path, "served"))?);
        }
        if let Some(v) = m.get("data") {
            let p = key(path, "data");
            for (k, val) in self.mapping(v, &p)? {
                let name = self.string(k, &p)?;
                c.data.push((name.clone(), self.string(val, &key(&p, &name))?));
            }
        }
        let flag = |k: &str| -> R<Option<bool>> { m.get(k).map(|v| self.bool(v, &key(path, k))).transpose() };
        c.dispatched = flag("dispatched")?;
        c.answered = flag("answered")?;
        c.retried = flag("retried")?;
        c.exhausted = flag("exhausted")?;
        c.ownership_expired = flag("ownership_expired")?;
        if let Some(v) = m.get("attempts") {
            c.attempts = Some(self.count(v, &key(path, "attempts"))?);
        }
        if let Some(v) = m.get("connected") {
            c.connected = Some(self.opt_text(v, &key(path, "connected"))?);
        }
        if let Some(v) = m.get("state") {
            let p = key(path, "state");
            let w = self.string(v, &p)?;
            let all = State::ALL.iter().map(|s| s.as_str());
            c.state = Some(State::ALL.iter().copied().find(|s| s.as_str() == w).ok_or_else(|| {
                let help = crate::check::suggest::help_for(&w, "state", all);
                self.err(Code::BadValue, &p, format!("`{w}` is not a callback state"), Some(help))
            })?);
        }
        if let Some(v) = m.get("reason") {
            let p = key(path, "reason");
            let w = self.string(v, &p)?;
            let all = EndReason::ALL.iter().map(|s| s.as_str());
            c.reason = Some(EndReason::parse(&w).ok_or_else(|| {
                let help = crate::check::suggest::help_for(&w, "end reason", all);
                self.err(Code::BadValue, &p, format!("`{w}` is not a callback end reason"), Some(help))
            })?);
        }
        if let Some(v) = m.get("window") {
            let p = key(path, "window");
            let parse = |x: &Value, p: &[Seg]| -> R<NaiveDateTime> {
                let s = self.string(x, p)?;
                NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M").map_err(|_| {
                    self.err(
                        Code::BadValue,
                        p,
                        format!("`{s}` is not a date and time"),
                        Some("write `2026-12-01T14:00`".into()),
                    )
                })
            };
            match v {
                Value::Sequence(s) if s.len() == 2 => {
                    c.window = Some((parse(&s[0], &item(&p, 0))?, parse(&s[1], &item(&p, 1))?))
                }
                other => {
                    return Err(self.err(
                        Code::BadValue,
                        &p,
                        format!("expected [FROM, TO], not {}", show(other)),
                        None,
                    ));
                }
            }
        }
        Ok(c)
    }
}

const STEP_HELP: &str = "steps: `- expect: \"For billing\"`, `- expect: { matches: \"wait is \\\\d+\" }`, `- press: \"1\"`, `- silent`, `- hang_up_after: 30s`";
