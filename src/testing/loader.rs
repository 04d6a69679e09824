//! Reading `*.test.yaml` into [`TestFile`]: a walk over `serde_yaml::Value` that names the field
//! at fault, with line and column found in the text (the approach of `sim::scenario`), then
//! resolution of flows, nodes, queues and prompt patterns against the project.

use super::load_error::{TestFileCode as Code, TestFileError};
use super::project_under_test::ProjectUnderTest;
use super::test_file::*;
use crate::input::{Seg, show, show_path};
use crate::input::{item_lines, locate_field};
use crate::source::suggest::did_you_mean;
use crate::syntax::ast::FlowKind;
use crate::time::Micros;
use serde_yaml::{Mapping, Value};
use std::path::{Path, PathBuf};
use std::rc::Rc;

const TOP: &[&str] = &["project", "flow", "defaults", "cases"];
const DEFAULTS: &[&str] = &["call", "given"];
const CASE: &[&str] = &["name", "flow", "call", "given", "caller", "expect"];
const CALL: &[&str] = &["ani", "dnis", "name", "at", "timezone", "language", "answering_machine"];
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
    "data_actions",
    "switches",
];
const STEPS: &[&str] = &["expect", "press", "say", "silent", "hang_up_after"];

pub const DEFAULT_ANI: &str = "+31612345678";
pub const DEFAULT_DNIS: &str = "+31201234500";
/// A fixed Tuesday morning, as `run` uses, so cases are reproducible.
pub const DEFAULT_AT: &str = "2026-12-01T10:00";
pub const DEFAULT_RUN_FOR: Micros = 3600 * 1_000_000;
pub const DEFAULT_HANDLE: Micros = 180 * 1_000_000;

pub(super) type R<T> = Result<T, TestFileError>;

pub(super) fn key(path: &[Seg], k: &str) -> FieldPath {
    let mut p = path.to_vec();
    p.push(Seg::Key(k.to_string()));
    p
}

pub(super) fn item(path: &[Seg], i: usize) -> FieldPath {
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
    let text = crate::input::read_regular(path).map_err(|e| TestFileError {
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
        let (line, column) = crate::input::yaml_error_position(&e);
        TestFileError {
            code: Code::Unreadable,
            file: name.to_string(),
            line,
            column,
            field: String::new(),
            message: format!("not valid YAML: {e}"),
            help: None,
        }
    })?;
    let project = match value.get("project") {
        Some(Value::String(p)) => normalize(&base.join(p)),
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

/// `a/b/../../flows/acme` as `flows/acme`, without touching the disk, so flow files are named as
/// a person would write them in reports.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.is_empty() { PathBuf::from(".") } else { out.iter().collect() }
}

/// Checks every case against the project.
/// Reads every case of a test file. A mistake in one case does not hide those in the others:
/// every case is read, and all their errors come back at once (the first of each case), as
/// `check` reports every diagnostic of a flow.
pub fn load_cases(raw: &RawTestFile, project: &ProjectUnderTest) -> Result<TestFile, Vec<TestFileError>> {
    let p = Loader { file: &raw.name, text: &raw.text, project };
    let root: FieldPath = Vec::new();
    let top = match &raw.value {
        Value::Mapping(m) => m,
        Value::Null => {
            return Err(vec![p.err(
                Code::Missing,
                &root,
                "the test file is empty".into(),
                Some(CASES_HELP.into()),
            )]);
        }
        other => {
            return Err(vec![p.err(
                Code::BadValue,
                &root,
                format!("a test file is a mapping with `cases`, not {}", show(other)),
                Some(CASES_HELP.into()),
            )]);
        }
    };
    let mut errors: Vec<TestFileError> = Vec::new();
    if let Err(e) = p.check_keys(top, &root, TOP, "field") {
        errors.push(e);
    }
    let file_flow = match top.get("flow") {
        None | Some(Value::Null) => None,
        Some(v) => p.flow(v, &key(&root, "flow")).map_err(|e| errors.push(e)).ok(),
    };
    let mut defaults: (Option<&Mapping>, Option<&Mapping>) = (None, None);
    if let Some(d) = top.get("defaults").filter(|v| !v.is_null()) {
        let dp = key(&root, "defaults");
        let read = || -> R<(Option<&Mapping>, Option<&Mapping>)> {
            let m = p.mapping(d, &dp)?;
            p.check_keys(m, &dp, DEFAULTS, "default")?;
            Ok((
                m.get("call").map(|v| p.mapping(v, &key(&dp, "call"))).transpose()?,
                m.get("given").map(|v| p.mapping(v, &key(&dp, "given"))).transpose()?,
            ))
        };
        match read() {
            Ok(d) => defaults = d,
            Err(e) => errors.push(e),
        }
    }
    // With a broken file-level flow, the cases that rely on it would only repeat the error.
    if file_flow.is_none() && top.get("flow").is_some_and(|v| !v.is_null()) {
        return Err(errors);
    }
    let cases_path = key(&root, "cases");
    let cases_v = match top.get("cases") {
        Some(Value::Sequence(s)) => s,
        Some(Value::Null) | None => {
            return Err(vec![p.err(
                Code::Missing,
                &cases_path,
                "`cases` is required".into(),
                Some(CASES_HELP.into()),
            )]);
        }
        Some(other) => {
            return Err(vec![p.err(
                Code::BadValue,
                &cases_path,
                format!("expected a list of cases, not {}", show(other)),
                None,
            )]);
        }
    };
    let lines = item_lines(&raw.text, cases_v.len());
    let mut cases = Vec::with_capacity(cases_v.len());
    let mut names: std::collections::HashMap<String, usize> = Default::default();
    for (i, v) in cases_v.iter().enumerate() {
        let path = item(&cases_path, i);
        let line = lines.get(i).copied().unwrap_or(0);
        let case = match p.case(v, &path, i, line, file_flow.as_deref(), defaults) {
            Ok(case) => case,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if let Some(first) = names.insert(case.name.clone(), i) {
            errors.push(p.err(
                Code::DuplicateCase,
                &key(&path, "name"),
                format!("another case is named {:?} (cases[{first}])", case.name),
                Some("give every case its own name: it is how reports and --filter find it".into()),
            ));
        }
        cases.push(case);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(TestFile { name: raw.name.clone(), text: raw.text.clone(), project: raw.project.clone(), cases })
}

const CASES_HELP: &str = "write `cases:` and a list of cases, each with a `name` (see docs/flow-tests.md)";

pub(super) struct Loader<'a> {
    pub(super) file: &'a str,
    pub(super) text: &'a str,
    pub(super) project: &'a ProjectUnderTest,
}

/// A case's `call` or `given`, over the file's `defaults` of the same name.
pub(super) struct Layered<'v> {
    case: Option<&'v Mapping>,
    case_path: FieldPath,
    default: Option<&'v Mapping>,
    default_path: FieldPath,
}

impl<'v> Layered<'v> {
    pub(super) fn get(&self, k: &str) -> Option<(&'v Value, FieldPath)> {
        if let Some(v) = self.case.and_then(|m| m.get(k)).filter(|v| !v.is_null()) {
            return Some((v, key(&self.case_path, k)));
        }
        self.default.and_then(|m| m.get(k)).filter(|v| !v.is_null()).map(|v| (v, key(&self.default_path, k)))
    }

    /// Both layers of `k`, the defaults' first: for settings a case adds to rather than replaces
    /// (`data_actions`: a case that gives one action keeps the defaults' others).
    pub(super) fn both(&self, k: &str) -> Vec<(&'v Value, FieldPath)> {
        let default = self.default.and_then(|m| m.get(k)).map(|v| (v, key(&self.default_path, k)));
        let case = self.case.and_then(|m| m.get(k)).map(|v| (v, key(&self.case_path, k)));
        default.into_iter().chain(case).filter(|(v, _)| !v.is_null()).collect()
    }
}

impl Loader<'_> {
    pub(super) fn err(
        &self,
        code: Code,
        path: &[Seg],
        message: String,
        help: Option<String>,
    ) -> TestFileError {
        error_at(code, self.file, self.text, path, message, help)
    }

    pub(super) fn check_keys(&self, map: &Mapping, path: &[Seg], known: &[&str], what: &str) -> R<()> {
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

    pub(super) fn mapping<'v>(&self, v: &'v Value, path: &[Seg]) -> R<&'v Mapping> {
        match v {
            Value::Mapping(m) => Ok(m),
            other => {
                Err(self.err(Code::BadValue, path, format!("expected a mapping, not {}", show(other)), None))
            }
        }
    }

    pub(super) fn string(&self, v: &Value, path: &[Seg]) -> R<String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(self.err(Code::BadValue, path, format!("expected text, not {}", show(other)), None)),
        }
    }

    pub(super) fn count(&self, v: &Value, path: &[Seg]) -> R<u32> {
        v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| {
            self.err(Code::BadValue, path, format!("expected a whole number ≥ 0, not {}", show(v)), None)
        })
    }

    pub(super) fn duration(&self, v: &Value, path: &[Seg]) -> R<Micros> {
        let text = self.string(v, path)?;
        crate::time::parse_duration(&text).map_err(|e| {
            self.err(
                Code::BadValue,
                path,
                format!("`{text}` is not a duration: {e}"),
                Some("write `30s`, `5m` or `1h30m`".into()),
            )
        })
    }

    pub(super) fn bool(&self, v: &Value, path: &[Seg]) -> R<bool> {
        v.as_bool().ok_or_else(|| {
            self.err(Code::BadValue, path, format!("expected `true` or `false`, not {}", show(v)), None)
        })
    }

    /// The flow a call enters: inbound or outbound (an in-queue flow runs only while a call waits).
    pub(super) fn flow(&self, v: &Value, path: &[Seg]) -> R<String> {
        let name = self.string(v, path)?;
        let Some(g) = self.project.graph(&name) else {
            let help = crate::source::suggest::help_for(&name, "flow", self.project.flow_names());
            return Err(self.err(
                Code::UnknownFlow,
                path,
                format!("the project has no flow `{name}`"),
                Some(help),
            ));
        };
        if g.kind() == FlowKind::Inqueue {
            let via: Vec<&str> = self
                .project
                .checked
                .graphs
                .iter()
                .filter(|f| {
                    f.nodes().any(|n| {
                        matches!(&n.action, crate::compile::Action::Transfer { inqueue_flow: Some(i), .. } if i.name == name)
                    })
                })
                .map(|f| f.name())
                .collect();
            let help = match via.first() {
                Some(f) => format!(
                    "name `{f}`, which transfers with {name}, and set `given: {{ agents: none }}` to keep the call waiting"
                ),
                None => "name the inbound flow that transfers with it".into(),
            };
            return Err(self.err(
                Code::BadValue,
                path,
                format!("{name} is an in-queue flow: a call cannot enter it, it runs while the call waits"),
                Some(help),
            ));
        }
        if g.kind() == FlowKind::Secure {
            let via = self.project.checked.graphs.iter().find(|f| {
                f.nodes().any(|n| matches!(&n.action, crate::compile::Action::TransferOut(t)
                    if matches!(&t.target, crate::syntax::ast::TransferTarget::SecureFlow(s) if s.name == name)))
            });
            let help = match via {
                Some(f) => format!(
                    "name `{}`, which transfers to it, and give the secure flow's input in `caller`",
                    f.name()
                ),
                None => "name the inbound flow that transfers to it".into(),
            };
            return Err(self.err(
                Code::BadValue,
                path,
                format!("{name} is a secure flow: a call enters it from a flow that transfers to it"),
                Some(help),
            ));
        }
        Ok(name)
    }

    pub(super) fn queue(&self, v: &Value, path: &[Seg]) -> R<String> {
        let name = self.string(v, path)?;
        let queues = self.project.queue_names();
        if !queues.contains(&name) {
            let help = crate::source::suggest::help_for(&name, "queue", queues.iter().map(String::as_str));
            return Err(self.err(
                Code::UnknownName,
                path,
                format!("the project has no queue `{name}`"),
                Some(help),
            ));
        }
        Ok(name)
    }

    pub(super) fn pattern(&self, v: &Value, path: &[Seg]) -> R<regex::Regex> {
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
                        "say" => self.say(val, &kp)?,
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
                            "a step is one of `expect`, `press`, `say`, `silent`, `hang_up_after`, not {}",
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

    /// An input step's text and when it comes: `press: "12"` or `press: { keys: "12", after: 2s }`
    /// (`field` is `keys`, or `words` for `say`).
    fn timed_input(&self, v: &Value, path: &[Seg], field: &str, step: &str) -> R<(String, Micros)> {
        match v {
            Value::Mapping(m) => {
                self.check_keys(m, path, &[field, "after"], &format!("{step} field"))?;
                let text = m
                    .get(field)
                    .ok_or_else(|| self.err(Code::Missing, path, format!("`{field}` is required"), None))?;
                let after =
                    m.get("after").map(|a| self.duration(a, &key(path, "after"))).transpose()?.unwrap_or(0);
                Ok((self.string(text, &key(path, field))?, after))
            }
            other => Ok((self.string(other, path)?, 0)),
        }
    }

    /// `say: "lost card"` or `say: { words: "lost card", after: 2s }`.
    fn say(&self, v: &Value, path: &[Seg]) -> R<StepKind> {
        let (words, after) = self.timed_input(v, path, "words", "say")?;
        if words.trim().is_empty() {
            return Err(self.err(
                Code::BadValue,
                path,
                "`say` needs words; for silence write `silent`".into(),
                Some("write `say: \"billing\"`".into()),
            ));
        }
        Ok(StepKind::Say { words, after })
    }

    fn press(&self, v: &Value, path: &[Seg]) -> R<StepKind> {
        let (digits, after) = self.timed_input(v, path, "keys", "press")?;
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

    pub(super) fn prompt_match(&self, v: &Value, path: &[Seg]) -> R<PromptMatch> {
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
}

const STEP_HELP: &str = "steps: `- expect: \"For billing\"`, `- expect: { matches: \"wait is \\\\d+\" }`, `- press: \"1\"`, `- say: \"billing\"`, `- silent`, `- hang_up_after: 30s`";
