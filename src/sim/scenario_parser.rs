//! Reading a scenario file into a [`Scenario`]: every field checked, every problem a
//! [`ScenarioError`] with the field, a line and a column. The format is described in
//! [`super::scenario`].

use super::scenario::*;
use crate::input::{FieldPath, Seg, child, index, locate, show, show_path, yaml_error_position};
use crate::model::{AgentGroup, AgentsSpec};
use crate::source::suggest::did_you_mean;
use crate::time::parse_duration;
use crate::time::{MICROS_PER_SEC, Micros};
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file as named to [`parse_scenario`] (or the path given to [`load_scenario`]).
    pub file: String,
    /// 1-based line and column, when known.
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The field, such as `callers.menus.MainMenu`; empty for the file as a whole.
    pub field: String,
    pub message: String,
    pub help: Option<String>,
}

impl ScenarioError {
    /// A problem with a whole file (it cannot be read): no line, column or field.
    pub fn whole_file(file: &str, message: String, help: Option<String>) -> ScenarioError {
        ScenarioError { file: file.to_owned(), line: None, column: None, field: String::new(), message, help }
    }

    /// A problem at `span` of `text`, a file the scenario names (a forecast, observed
    /// durations): its line and column, no field.
    pub fn in_text(
        file: &str,
        text: &str,
        span: crate::source::Span,
        message: String,
        help: Option<&str>,
    ) -> ScenarioError {
        let before = &text[..(span.lo as usize).min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ScenarioError {
            file: file.to_string(),
            line: u32::try_from(line).ok(),
            column: u32::try_from(column).ok(),
            field: String::new(),
            message,
            help: help.map(str::to_string),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::input::write_place(f, &self.file, self.line, self.column)?;
        if self.field.is_empty() {
            write!(f, ": {}", self.message)?;
        } else {
            write!(f, ": {}: {}", self.field, self.message)?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// Reads and checks a scenario file; `project` is resolved against the file's folder.
pub fn load_scenario(path: &Path) -> Result<Scenario, ScenarioError> {
    let name = path.display().to_string();
    let text = crate::input::read_regular(path)
        .map_err(|e| ScenarioError::whole_file(&name, format!("cannot read the scenario: {e}"), None))?;
    let base = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    parse_scenario(&text, &name, base)
}

/// Checks scenario text. `name` is used in errors; `project` is resolved against `base`.
pub fn parse_scenario(text: &str, name: &str, base: &Path) -> Result<Scenario, ScenarioError> {
    let p = Parser { text, file: name, base };
    p.scenario(base)
}

// ---------------------------------------------------------------------------------------------
// Parsing

const TOP_FIELDS: &[&str] = &[
    "project",
    "flow",
    "seed",
    "length",
    "traffic",
    "callers",
    "agents",
    "service_level",
    "callbacks",
    "data_actions",
    "campaigns",
];
const CAMPAIGN_FIELDS: &[&str] =
    &["name", "queue", "mode", "contacts", "region", "hours", "attempts", "retry", "max_abandon", "preview"];
const CALLBACK_FIELDS: &[&str] = &["customers", "agents", "timings", "target", "do_not_call"];
const CUSTOMER_ODDS: &[&str] = &["answer", "busy", "machine"];
const AGENT_ODDS: &[&str] = &["accept", "reject"];
const TIMING_FIELDS: &[&str] = &["decide", "dial_after", "ring", "no_answer_after", "busy", "not_responding"];
const LENGTH_FIELDS: &[&str] = &["calls", "hours"];
const TRAFFIC_FIELDS: &[&str] =
    &["start", "timezone", "rate", "interval", "calls_per_interval", "forecast", "overdispersion"];
const CALLER_FIELDS: &[&str] = &["patience", "handle_time", "menus", "asks", "default_keys", "retrial"];
const RETRIAL_FIELDS: &[&str] = &["probability", "after", "max"];
const DIST_FIELDS: &[&str] = &["fixed", "exponential", "uniform", "lognormal", "gamma", "empirical"];
const LOGNORMAL_FIELDS: &[&str] = &["mean", "sd"];
const GROUP_FIELDS: &[&str] =
    &["name", "count", "queues", "skills", "wrap_up", "shift", "breaks", "days", "absence"];
const SL_FIELDS: &[&str] = &["threshold"];

const RATE_HELP: &str = "write calls per period, such as `45/s`, `160/min`, `2700/h` or `100/30m`";
const DIST_HELP: &str = "write `{ exponential: 120s }`, `{ fixed: 60s }`, `{ uniform: [30s, 90s] }`, \
     `{ lognormal: { mean: 180s, sd: 60s } }`, `{ gamma: { mean: 180s, sd: 90s } }` or \
     `{ empirical: handle_times.csv }`";

struct Parser<'a> {
    text: &'a str,
    file: &'a str,
    /// The scenario's folder: files it names (forecast, observed durations) are relative to it.
    base: &'a Path,
}

type R<T> = Result<T, ScenarioError>;

impl Parser<'_> {
    fn err(&self, path: &[Seg], message: impl Into<String>, help: Option<String>) -> ScenarioError {
        let (line, column) = match locate(self.text, path) {
            Some((l, c)) => (u32::try_from(l).ok(), u32::try_from(c).ok()),
            None => (None, None),
        };
        ScenarioError {
            file: self.file.to_owned(),
            line,
            column,
            field: show_path(path),
            message: message.into(),
            help,
        }
    }

    /// The file's text as YAML, or where it stops being YAML.
    fn yaml(&self) -> R<Value> {
        serde_yaml::from_str(self.text).map_err(|e| {
            let (line, column) = yaml_error_position(&e);
            ScenarioError {
                file: self.file.to_owned(),
                line,
                column,
                field: String::new(),
                message: format!("not valid YAML: {e}"),
                help: None,
            }
        })
    }

    fn scenario(&self, base: &Path) -> R<Scenario> {
        let value = self.yaml()?;
        let root: FieldPath = Vec::new();
        let top = match &value {
            Value::Mapping(m) => m,
            Value::Null => {
                return Err(self.err(
                    &root,
                    "the scenario is empty",
                    Some("a scenario needs at least `length`, `traffic`, `callers` and `agents`".into()),
                ));
            }
            other => {
                return Err(self.err(
                    &root,
                    format!("a scenario must be a mapping of settings, not {}", show(other)),
                    Some("start with `project: .` and `length: { calls: 1000 }`".into()),
                ));
            }
        };
        self.check_keys(top, &root, TOP_FIELDS, "setting")?;

        let project = match top.get("project") {
            None | Some(Value::Null) => PathBuf::from("."),
            Some(v) => PathBuf::from(self.string(v, &child(&root, "project"))?),
        };
        let flow = match top.get("flow") {
            None | Some(Value::Null) => None,
            Some(v) => Some(self.string(v, &child(&root, "flow"))?),
        };
        let seed = match top.get("seed") {
            None | Some(Value::Null) => DEFAULT_SEED,
            Some(v) => self.seed(v, &child(&root, "seed"))?,
        };
        let traffic = self.traffic(
            self.required(top, &root, "traffic", "`traffic: { rate: 45/s }`")?,
            &child(&root, "traffic"),
            base,
        )?;
        // A forecast is a day (or a week): without `length` the run covers it.
        let forecast = top.get("traffic").and_then(|t| t.get("forecast")).is_some_and(|f| !f.is_null());
        let length = match (top.get("length").filter(|v| !v.is_null()), &traffic.arrivals) {
            (None, Arrivals::Profile { interval, calls }) if forecast => {
                Length::Duration(*interval * calls.len() as Micros)
            }
            _ => self.length(self.required(top, &root, "length", "`length: { calls: 1000 }`")?)?,
        };
        let callers = self.callers(
            self.required(top, &root, "callers", "`callers: { handle_time: { exponential: 180s } }`")?,
            &child(&root, "callers"),
        )?;
        let agents = self.agents(
            self.required(top, &root, "agents", "`agents: 50` or `agents: roster`")?,
            &child(&root, "agents"),
        )?;
        let sl_threshold = match top.get("service_level") {
            None | Some(Value::Null) => DEFAULT_SL_THRESHOLD,
            Some(v) => self.service_level(v, &child(&root, "service_level"))?,
        };
        let callbacks = match top.get("callbacks") {
            None | Some(Value::Null) => CallbackModel::default(),
            Some(v) => self.callbacks(v, &child(&root, "callbacks"))?,
        };
        let campaigns = match top.get("campaigns").filter(|v| !v.is_null()) {
            None => Vec::new(),
            Some(v) => self.campaigns(v, &child(&root, "campaigns"))?,
        };
        let mut data_actions = std::collections::HashMap::new();
        if let Some(v) = top.get("data_actions").filter(|v| !v.is_null()) {
            let path = child(&root, "data_actions");
            let Value::Mapping(m) = v else {
                return Err(self.err(
                    &path,
                    format!("expected a mapping of data actions, not {}", show(v)),
                    None,
                ));
            };
            for (k, mv) in m {
                let name = self.string(k, &path)?;
                let at = child(&path, &name);
                let json: serde_json::Value = serde_yaml::from_value(mv.clone())
                    .map_err(|e| self.err(&at, format!("cannot be read: {e}"), None))?;
                let mock = crate::runtime::data_action::DataMock::parse(&json)
                    .map_err(|e| self.err(&at, e, None))?;
                data_actions.insert(name, mock);
            }
        }
        Ok(Scenario {
            project: base.join(project),
            flow,
            seed,
            length,
            traffic,
            callers,
            agents,
            sl_threshold,
            callbacks,
            data_actions,
            campaigns,
            interpreted: false,
        })
    }

    /// `campaigns: [ { name, queue, mode, contacts, hours: 09:00-17:00, attempts, retry,
    /// max_abandon, preview } ]`.
    fn campaigns(&self, v: &Value, path: &[Seg]) -> R<Vec<super::scenario::Campaign>> {
        let Value::Sequence(items) = v else {
            return Err(self.err(
                path,
                "expected a list of campaigns",
                Some(
                    "write `- { name: renewals, queue: Renewals, mode: predictive, contacts: 2000 }`".into(),
                ),
            ));
        };
        let mut out: Vec<super::scenario::Campaign> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = index(path, i);
            let m = self.mapping(
                item,
                &p,
                "`{ name: renewals, queue: Renewals, mode: predictive, contacts: 2000 }`",
            )?;
            self.check_keys(m, &p, CAMPAIGN_FIELDS, "setting")?;
            let name = self.string(self.required(m, &p, "name", "`name: renewals`")?, &child(&p, "name"))?;
            if out.iter().any(|c| c.name == name) {
                return Err(self.err(
                    &child(&p, "name"),
                    format!("a campaign named `{name}` is listed twice"),
                    None,
                ));
            }
            let queue = self.string(
                self.required(m, &p, "queue", "`queue: Renewals` (a queue of center.yaml)")?,
                &child(&p, "queue"),
            )?;
            let mp = child(&p, "mode");
            let mode_text = self.string(self.required(m, &p, "mode", "`mode: predictive`")?, &mp)?;
            let mode = super::scenario::DialMode::parse(&mode_text).ok_or_else(|| {
                self.err(
                    &mp,
                    format!("`{mode_text}` is not a dialling mode"),
                    Some("write preview, push_preview, progressive or predictive".into()),
                )
            })?;
            let cp = child(&p, "contacts");
            let given = self.required(m, &p, "contacts", "`contacts: 2000` or `contacts: customers.csv`")?;
            let contacts = match given {
                // A contact list beside the scenario, read as `callwright contacts import` reads
                // it; a bad row is an error at its place (a run dials the list it is given).
                Value::String(name) if name.trim().to_ascii_lowercase().ends_with(".csv") => {
                    let region = match m.get("region").filter(|v| !v.is_null()) {
                        None => None,
                        Some(v) => Some(self.string(v, &child(&p, "region"))?.to_ascii_uppercase()),
                    };
                    let file = self.base.join(name.trim());
                    let text = crate::input::read_regular(&file).map_err(|e| {
                        self.err(&cp, format!("cannot read the contact list {}: {e}", file.display()), None)
                    })?;
                    let stamp = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
                    let at = |problem: &crate::callbacks::contact_list::RowProblem| ScenarioError {
                        file: file.display().to_string(),
                        line: u32::try_from(problem.line).ok(),
                        column: u32::try_from(problem.column).ok(),
                        field: String::new(),
                        message: problem.message.clone(),
                        help: None,
                    };
                    let list =
                        crate::callbacks::contact_list::parse_contact_list(&text, region.as_deref(), stamp)
                            .map_err(|e| at(&e.0))?;
                    if let Some(problem) = list.problems.first() {
                        return Err(at(problem));
                    }
                    super::scenario::CampaignList::File(list.contacts)
                }
                other => {
                    let n =
                        self.count(other, &cp, "the number of contacts, or a contact list `customers.csv`")?;
                    let n = u32::try_from(n)
                        .ok()
                        .filter(|n| *n <= 1_000_000)
                        .ok_or_else(|| self.err(&cp, "at most 1,000,000 contacts", None))?;
                    super::scenario::CampaignList::Generated(n)
                }
            };
            let hours = match m.get("hours").filter(|v| !v.is_null()) {
                None => (9 * 3600, 17 * 3600),
                Some(v) => {
                    let hp = child(&p, "hours");
                    let text = self.string(v, &hp)?;
                    let shift = crate::model::Shift::parse(&text).map_err(|e| {
                        self.err(
                            &hp,
                            e.replace("is not a shift", "are not calling hours"),
                            Some("write `09:00-17:00` (local time)".into()),
                        )
                    })?;
                    if shift.end <= shift.start {
                        return Err(self.err(
                            &hp,
                            format!("`{text}`: the calling hours must end after they start, the same day"),
                            None,
                        ));
                    }
                    (shift.start, shift.end)
                }
            };
            let attempts = match m.get("attempts").filter(|v| !v.is_null()) {
                None => 3,
                Some(v) => {
                    let ap = child(&p, "attempts");
                    let n = self.count(v, &ap, "`attempts`")?;
                    u32::try_from(n)
                        .ok()
                        .filter(|n| (1..=10).contains(n))
                        .ok_or_else(|| self.err(&ap, "attempts are 1 to 10", None))?
                }
            };
            let retry = match m.get("retry").filter(|v| !v.is_null()) {
                None => 30 * 60 * MICROS_PER_SEC,
                Some(v) => self.duration(v, &child(&p, "retry"))?,
            };
            let max_abandon = match m.get("max_abandon").filter(|v| !v.is_null()) {
                None => 0.03,
                Some(v) => {
                    let ap = child(&p, "max_abandon");
                    self.share(v, &ap).filter(|x| *x > 0.0 && *x < 1.0).ok_or_else(|| {
                        self.err(
                            &ap,
                            format!("expected a share above 0 and below 1, not {}", show(v)),
                            Some("write e.g. `3%`".into()),
                        )
                    })?
                }
            };
            let preview = match m.get("preview").filter(|v| !v.is_null()) {
                None => 20 * MICROS_PER_SEC,
                Some(v) => self.duration(v, &child(&p, "preview"))?,
            };
            out.push(super::scenario::Campaign {
                name,
                queue,
                mode,
                contacts,
                hours,
                attempts,
                retry,
                max_abandon,
                preview,
            });
        }
        Ok(out)
    }

    fn required<'v>(&self, map: &'v Mapping, path: &[Seg], key: &str, example: &str) -> R<&'v Value> {
        match map.get(key) {
            Some(v) if !v.is_null() => Ok(v),
            _ => Err(self.err(
                &child(path, key),
                format!("`{key}` is required"),
                Some(format!("add {example}")),
            )),
        }
    }

    /// Rejects keys not in `known`, suggesting the closest.
    fn check_keys(&self, map: &Mapping, path: &[Seg], known: &[&str], what: &str) -> R<()> {
        for key in map.keys() {
            let Some(k) = key.as_str() else {
                return Err(self.err(path, format!("a {what} name must be text, not {}", show(key)), None));
            };
            if !known.contains(&k) {
                let help = match did_you_mean(k, known.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!(
                        "known {what}s here: {}",
                        known.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                    ),
                };
                return Err(self.err(&child(path, k), format!("unknown {what} `{k}`"), Some(help)));
            }
        }
        Ok(())
    }

    fn mapping<'v>(&self, v: &'v Value, path: &[Seg], example: &str) -> R<&'v Mapping> {
        match v {
            Value::Mapping(m) => Ok(m),
            other => Err(self.err(
                path,
                format!("expected a mapping, not {}", show(other)),
                Some(format!("write it as {example}")),
            )),
        }
    }

    /// Text; numbers and booleans are taken as written (`flow: 1` is the flow `1`).
    fn string(&self, v: &Value, path: &[Seg]) -> R<String> {
        let s = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => return Err(self.err(path, format!("expected text, not {}", show(other)), None)),
        };
        if s.trim().is_empty() {
            return Err(self.err(path, "cannot be empty", None));
        }
        Ok(s)
    }

    fn strings(&self, v: Option<&Value>, path: &[Seg]) -> R<Vec<String>> {
        match v {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Sequence(items)) => {
                items.iter().enumerate().map(|(i, item)| self.string(item, &index(path, i))).collect()
            }
            Some(single) => Ok(vec![self.string(single, path)?]),
        }
    }

    fn seed(&self, v: &Value, path: &[Seg]) -> R<u64> {
        match v {
            Value::Number(n) => n.as_u64().ok_or_else(|| {
                self.err(path, format!("the seed must be a whole number ≥ 0, not `{n}`"), None)
            }),
            other => {
                Err(self.err(path, format!("the seed must be a whole number, not {}", show(other)), None))
            }
        }
    }

    /// A positive whole number.
    fn count(&self, v: &Value, path: &[Seg], what: &str) -> R<u64> {
        let bad =
            |shown: String| self.err(path, format!("{what} must be a whole number ≥ 1, not {shown}"), None);
        match v {
            Value::Number(n) => match n.as_u64() {
                Some(0) => Err(bad("`0`".into())),
                Some(k) => Ok(k),
                None => Err(bad(format!("`{n}`"))),
            },
            Value::String(s) => match s.trim().replace('_', "").parse::<u64>() {
                Ok(k) if k > 0 => Ok(k),
                _ => Err(bad(format!("`{s}`"))),
            },
            other => Err(bad(show(other))),
        }
    }

    /// A share written as a fraction (`0.15`) or a percentage (`15%`); `None` if it is neither.
    fn share(&self, v: &Value, path: &[Seg]) -> Option<f64> {
        match v {
            Value::String(t) if t.trim().ends_with('%') => {
                t.trim().trim_end_matches('%').trim().parse::<f64>().ok().map(|x| x / 100.0)
            }
            other => self.number(other, path).ok(),
        }
    }

    fn number(&self, v: &Value, path: &[Seg]) -> R<f64> {
        let x = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        match x {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(self.err(path, format!("expected a number, not {}", show(v)), None)),
        }
    }

    /// A duration ≥ 0.
    fn duration(&self, v: &Value, path: &[Seg]) -> R<Micros> {
        match v {
            Value::Number(n) => match n.as_f64() {
                Some(s) if (0.0..1e12).contains(&s) => Ok((s * MICROS_PER_SEC as f64).round() as Micros),
                _ => Err(self.err(
                    path,
                    format!("`{n}` is not a duration"),
                    Some("durations are ≥ 0: `30s`, `5m`, `1h30m`, `500ms` or a number of seconds".into()),
                )),
            },
            Value::String(s) => duration_micros(s).map_err(|why| {
                self.err(
                    path,
                    format!("`{s}` is not a duration: {why}"),
                    Some("write it like `30s`, `5m`, `1h30m`, `500ms` or a number of seconds".into()),
                )
            }),
            other => {
                Err(self.err(path, format!("expected a duration such as `30s`, not {}", show(other)), None))
            }
        }
    }

    fn positive_duration(&self, v: &Value, path: &[Seg]) -> R<Micros> {
        let d = self.duration(v, path)?;
        if d <= 0 {
            return Err(self.err(path, "must be longer than zero", None));
        }
        Ok(d)
    }

    fn length(&self, v: &Value) -> R<Length> {
        let path = vec![Seg::Key("length".into())];
        let example = "`{ calls: 1000000 }` or `{ hours: 8 }`";
        let m = self.mapping(v, &path, example)?;
        self.check_keys(m, &path, LENGTH_FIELDS, "setting")?;
        match (m.get("calls"), m.get("hours")) {
            (Some(c), None) => Ok(Length::Calls(self.count(c, &child(&path, "calls"), "`calls`")?)),
            (None, Some(h)) => {
                let hp = child(&path, "hours");
                let hours = self.number(h, &hp)?;
                if hours <= 0.0 {
                    return Err(self.err(&hp, format!("`hours` must be above zero, not `{hours}`"), None));
                }
                let micros = hours * 3600.0 * MICROS_PER_SEC as f64;
                if micros >= i64::MAX as f64 / 2.0 {
                    return Err(self.err(&hp, format!("`{hours}` hours is too long"), None));
                }
                Ok(Length::Duration(micros.round() as Micros))
            }
            (Some(_), Some(_)) => Err(self.err(
                &path,
                "give either `calls` or `hours`, not both",
                Some(format!("write {example}")),
            )),
            (None, None) => {
                Err(self.err(&path, "needs `calls` or `hours`", Some(format!("write {example}"))))
            }
        }
    }

    fn traffic(&self, v: &Value, path: &[Seg], base: &Path) -> R<Traffic> {
        let m = self.mapping(v, path, "`{ rate: 45/s }`")?;
        self.check_keys(m, path, TRAFFIC_FIELDS, "setting")?;
        let timezone = match m.get("timezone") {
            None | Some(Value::Null) => Tz::UTC,
            Some(v) => {
                let p = child(path, "timezone");
                let name = self.string(v, &p)?;
                name.trim().parse::<Tz>().map_err(|_| {
                    let help = match did_you_mean(&name, chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => "use an IANA time zone name such as `Europe/Amsterdam` or `UTC`".into(),
                    };
                    self.err(&p, format!("unknown time zone `{name}`"), Some(help))
                })?
            }
        };
        let start = match m.get("start") {
            None | Some(Value::Null) => default_start(),
            Some(v) => {
                let p = child(path, "start");
                let text = self.string(v, &p)?;
                let start = parse_start(&text).ok_or_else(|| {
                    self.err(
                        &p,
                        format!("`{text}` is not a date and time"),
                        Some("write local time as `2026-12-01T08:00`".into()),
                    )
                })?;
                if timezone.from_local_datetime(&start).earliest().is_none() {
                    return Err(self.err(
                        &p,
                        format!("`{text}` does not exist in {} (the clocks skip it)", timezone.name()),
                        Some("pick a time outside the daylight-saving change".into()),
                    ));
                }
                start
            }
        };
        let overdispersion = match m.get("overdispersion").filter(|v| !v.is_null()) {
            None => 0.0,
            Some(v) => {
                let p = child(path, "overdispersion");
                self.share(v, &p).filter(|cv| (0.0..=2.0).contains(cv)).ok_or_else(|| {
                    self.err(
                        &p,
                        format!("expected the rate's coefficient of variation from 0 to 2, not {}", show(v)),
                        Some("write e.g. `0.15` or `15%` (each interval's rate varies by about 15%)".into()),
                    )
                })?
            }
        };
        let rate = m.get("rate").filter(|v| !v.is_null());
        let interval = m.get("interval").filter(|v| !v.is_null());
        let calls = m.get("calls_per_interval").filter(|v| !v.is_null());
        if let Some(f) = m.get("forecast").filter(|v| !v.is_null()) {
            let fp = child(path, "forecast");
            if rate.is_some() || interval.is_some() || calls.is_some() {
                return Err(self.err(
                    &fp,
                    "a forecast gives the calls per interval: leave out `rate`, `interval` and `calls_per_interval`",
                    None,
                ));
            }
            let name = self.string(f, &fp)?;
            let given_start = m.get("start").filter(|v| !v.is_null()).map(|_| start);
            // A file that cannot be read is reported at `forecast:`; a bad cell at its own place.
            let forecast = super::forecast::read_forecast(&base.join(&name), given_start)
                .map_err(|e| if e.line.is_none() { self.err(&fp, e.message, e.help) } else { e })?;
            return Ok(Traffic {
                start: forecast.start,
                timezone,
                arrivals: Arrivals::Profile { interval: forecast.interval, calls: forecast.offered },
                aht: forecast.aht,
                queues: forecast.queues,
                overdispersion,
            });
        }
        let arrivals = match (rate, interval, calls) {
            (Some(r), None, None) => {
                let p = child(path, "rate");
                let text = match r {
                    Value::String(s) => s.clone(),
                    other => {
                        return Err(self.err(
                            &p,
                            format!("a rate needs a period, not {}", show(other)),
                            Some(RATE_HELP.into()),
                        ));
                    }
                };
                let per_sec = parse_rate(&text).map_err(|why| {
                    self.err(&p, format!("`{text}` is not a rate: {why}"), Some(RATE_HELP.into()))
                })?;
                Arrivals::Constant { per_sec }
            }
            (None, Some(i), Some(c)) => {
                let interval = self.positive_duration(i, &child(path, "interval"))?;
                let cp = child(path, "calls_per_interval");
                let Value::Sequence(items) = c else {
                    return Err(self.err(
                        &cp,
                        format!("expected a list of calls per interval, not {}", show(c)),
                        Some("write `[40, 80, 120]`".into()),
                    ));
                };
                if items.is_empty() {
                    return Err(self.err(&cp, "the list is empty", Some("write `[40, 80, 120]`".into())));
                }
                let mut calls = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let ip = index(&cp, i);
                    let x = self.number(item, &ip)?;
                    if x < 0.0 {
                        return Err(self.err(&ip, format!("calls cannot be negative (`{x}`)"), None));
                    }
                    if x > crate::model::bounds::CALLS_PER_INTERVAL_MAX {
                        return Err(self.err(
                            &ip,
                            format!(
                                "{x} calls in one interval is above the limit of {}",
                                crate::model::bounds::CALLS_PER_INTERVAL_MAX
                            ),
                            None,
                        ));
                    }
                    calls.push(x);
                }
                if calls.iter().all(|&x| x == 0.0) {
                    return Err(self.err(&cp, "every interval has zero calls; no call would arrive", None));
                }
                Arrivals::Profile { interval, calls }
            }
            (Some(_), _, _) => {
                return Err(self.err(
                    &child(path, "rate"),
                    "give either `rate` or `interval` with `calls_per_interval`, not both",
                    None,
                ));
            }
            (None, Some(_), None) => {
                return Err(self.err(
                    &child(path, "calls_per_interval"),
                    "`interval` needs `calls_per_interval`",
                    Some("write `calls_per_interval: [40, 80, 120]`".into()),
                ));
            }
            (None, None, Some(_)) => {
                return Err(self.err(
                    &child(path, "interval"),
                    "`calls_per_interval` needs `interval`",
                    Some("write `interval: 30m`".into()),
                ));
            }
            (None, None, None) => {
                return Err(self.err(
                    path,
                    "needs `rate`, or `interval` with `calls_per_interval`",
                    Some(RATE_HELP.into()),
                ));
            }
        };
        Ok(Traffic { start, timezone, arrivals, aht: None, queues: Vec::new(), overdispersion })
    }

    fn callers(&self, v: &Value, path: &[Seg]) -> R<CallerModel> {
        let m = self.mapping(v, path, "`{ handle_time: { exponential: 180s } }`")?;
        self.check_keys(m, path, CALLER_FIELDS, "setting")?;
        let patience = match m.get("patience") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim() == "none" => None,
            Some(v) => Some(self.dist(v, &child(path, "patience"))?),
        };
        let handle_time = self.dist(
            self.required(m, path, "handle_time", "`handle_time: { exponential: 180s }`")?,
            &child(path, "handle_time"),
        )?;
        let menus = self.choices(m.get("menus"), &child(path, "menus"), "menu")?;
        let asks = self.choices(m.get("asks"), &child(path, "asks"), "ask")?;
        let default_keys = match m.get("default_keys") {
            None | Some(Value::Null) => None,
            Some(v) => {
                let key = self.string(v, &child(path, "default_keys"))?;
                if key == "silence" { None } else { Some(key) }
            }
        };
        let retrial = match m.get("retrial") {
            None | Some(Value::Null) => None,
            Some(v) => Some(self.retrial(v, &child(path, "retrial"))?),
        };
        Ok(CallerModel { patience, handle_time, menus, asks, default_keys, retrial })
    }

    fn retrial(&self, v: &Value, path: &[Seg]) -> R<Retrial> {
        let example = "`{ probability: 0.4, after: { exponential: 10m }, max: 3 }`";
        let m = self.mapping(v, path, example)?;
        self.check_keys(m, path, RETRIAL_FIELDS, "setting")?;
        let pp = child(path, "probability");
        let probability = self.number(self.required(m, path, "probability", "`probability: 0.4`")?, &pp)?;
        if !(0.0..=1.0).contains(&probability) {
            return Err(self.err(&pp, format!("a probability is from 0 to 1, not {probability}"), None));
        }
        let after = self
            .dist(self.required(m, path, "after", "`after: { exponential: 10m }`")?, &child(path, "after"))?;
        let max = match m.get("max") {
            None | Some(Value::Null) => 3,
            Some(v) => {
                let p = child(path, "max");
                let n = self.count(v, &p, "max")?;
                u32::try_from(n)
                    .ok()
                    .filter(|n| *n <= 100)
                    .ok_or_else(|| self.err(&p, format!("at most 100 retrials per caller, not {n}"), None))?
            }
        };
        Ok(Retrial { probability, after, max })
    }

    fn dist(&self, v: &Value, path: &[Seg]) -> R<Dist> {
        let m = match v {
            Value::Mapping(m) => m,
            Value::String(s) if duration_micros(s).is_ok() => {
                return Err(self.err(
                    path,
                    format!("`{s}` alone does not say how durations vary"),
                    Some(format!("write `{{ exponential: {s} }}` or `{{ fixed: {s} }}`")),
                ));
            }
            other => {
                return Err(self.err(
                    path,
                    format!("expected a distribution, not {}", show(other)),
                    Some(DIST_HELP.into()),
                ));
            }
        };
        self.check_keys(m, path, DIST_FIELDS, "distribution")?;
        if m.len() != 1 {
            return Err(self.err(path, "give exactly one distribution", Some(DIST_HELP.into())));
        }
        let Some((key, value)) = m.iter().next() else {
            return Err(self.err(path, "give exactly one distribution", Some(DIST_HELP.into())));
        };
        let name = key.as_str().unwrap_or_default();
        let p = child(path, name);
        match name {
            "fixed" => Ok(Dist::Fixed(self.positive_duration(value, &p)?)),
            "exponential" => Ok(Dist::Exponential { mean: self.positive_duration(value, &p)? }),
            "uniform" => {
                let bounds = match value {
                    Value::Sequence(items) if items.len() == 2 => items,
                    other => {
                        return Err(self.err(
                            &p,
                            format!("expected two durations `[low, high]`, not {}", show(other)),
                            Some("write `{ uniform: [30s, 90s] }`".into()),
                        ));
                    }
                };
                let lo = self.duration(&bounds[0], &index(&p, 0))?;
                let hi = self.duration(&bounds[1], &index(&p, 1))?;
                if lo > hi {
                    return Err(self.err(&p, "the low end is above the high end", None));
                }
                if hi <= 0 {
                    return Err(self.err(&p, "the high end must be longer than zero", None));
                }
                Ok(Dist::Uniform { lo, hi })
            }
            "empirical" => {
                let file = self.string(value, &p)?;
                // A file that cannot be read is reported here; a bad cell at its own place.
                let e = super::observed::read_durations(&self.base.join(&file))
                    .map_err(|e| if e.line.is_none() { self.err(&p, e.message, e.help) } else { e })?;
                Ok(Dist::Empirical(std::sync::Arc::new(e)))
            }
            _ => {
                let example = format!("`{{ {name}: {{ mean: 180s, sd: 60s }} }}`");
                let lm = self.mapping(value, &p, &example)?;
                self.check_keys(lm, &p, LOGNORMAL_FIELDS, "setting")?;
                let mean = self
                    .positive_duration(self.required(lm, &p, "mean", "`mean: 180s`")?, &child(&p, "mean"))?;
                let sd = self.duration(self.required(lm, &p, "sd", "`sd: 60s`")?, &child(&p, "sd"))?;
                if name == "gamma" {
                    if sd <= 0 {
                        return Err(self.err(
                            &child(&p, "sd"),
                            "a gamma distribution needs a spread above zero",
                            Some("for a constant duration write `{ fixed: 180s }`".into()),
                        ));
                    }
                    return Ok(Dist::Gamma { mean, sd });
                }
                Ok(Dist::LogNormal { mean, sd })
            }
        }
    }

    fn choices(&self, v: Option<&Value>, path: &[Seg], what: &str) -> R<BTreeMap<String, KeyChoice>> {
        let mut out = BTreeMap::new();
        let m = match v {
            None | Some(Value::Null) => return Ok(out),
            Some(v) => self.mapping(
                v,
                path,
                &format!("`{{ Name: {{ \"1\": 0.4, silence: 0.6 }} }}` (one entry per {what})"),
            )?,
        };
        for (name, choice) in m {
            let name = self.string(name, path)?;
            let p = child(path, &name);
            out.insert(name, self.key_choice(choice, &p)?);
        }
        Ok(out)
    }

    fn key_choice(&self, v: &Value, path: &[Seg]) -> R<KeyChoice> {
        let m = self.mapping(v, path, "`{ \"1\": 0.4, \"2\": 0.5, silence: 0.1 }`")?;
        let mut options = Vec::with_capacity(m.len());
        let mut total = 0.0;
        for (key, p) in m {
            let key = self.string(key, path)?;
            let kp = child(path, &key);
            let prob = self.number(p, &kp)?;
            if !(0.0..=1.0).contains(&prob) {
                return Err(self.err(
                    &kp,
                    format!("a probability must be between 0 and 1, not `{prob}`"),
                    Some("write a fraction such as `0.4` for 40%".into()),
                ));
            }
            total += prob;
            let option = if key == "silence" { None } else { Some(key) };
            options.push((option, total));
        }
        if total > 1.0 + 1e-9 {
            return Err(self.err(
                path,
                format!("the probabilities add up to {}, more than 1", round6(total)),
                Some("whatever is left below 1 is silence; lower some of them".into()),
            ));
        }
        // Rounding in the sum must not leave a sliver of silence after an intended 1.
        if let Some(last) = options.last_mut()
            && total > 1.0 - 1e-9
        {
            last.1 = 1.0;
        }
        Ok(KeyChoice { options })
    }

    /// `agents: roster.yaml`: a file holding the list of groups, read as `agents:` reads one.
    fn roster_yaml(&self, name: &str, at: &[Seg]) -> R<AgentsSpec> {
        let file = self.base.join(name);
        let shown = file.display().to_string();
        let text = crate::input::read_regular(&file).map_err(|e| {
            let help = "name a YAML file relative to the scenario holding a list of groups: `- { name: early, count: 8, shift: 08:00-16:30 }`";
            self.err(at, format!("cannot read the roster {shown}: {e}"), Some(help.into()))
        })?;
        let roster = Parser { text: &text, file: &shown, base: self.base };
        match roster.yaml()? {
            value @ Value::Sequence(_) => roster.agents(&value, &Vec::new()),
            other => Err(roster.err(
                &Vec::new(),
                format!("a roster file is a list of agent groups, not {}", show(&other)),
                Some("write one group per line: `- { name: early, count: 8, shift: 08:00-16:30 }`".into()),
            )),
        }
    }

    fn agents(&self, v: &Value, path: &[Seg]) -> R<AgentsSpec> {
        match v {
            Value::Number(_) => {
                let n = self.count(v, path, "the number of agents")?;
                let max = crate::model::bounds::AGENTS_MAX;
                match u32::try_from(n) {
                    Ok(n) if n <= max => Ok(AgentsSpec::Count(n)),
                    _ => Err(self.err(path, format!("{n} agents is above the limit of {max}"), None)),
                }
            }
            Value::String(s) if s.trim() == "roster" => Ok(AgentsSpec::Roster),
            // A roster file, as a WFM tool exports it: a group per row. A file that cannot be
            // read is reported at `agents:`; a bad cell at its own place.
            Value::String(s) if s.trim().to_ascii_lowercase().ends_with(".csv") => {
                super::roster_file::read_roster(&self.base.join(s.trim()))
                    .map(AgentsSpec::List)
                    .map_err(|e| if e.line.is_none() { self.err(path, e.message, e.help) } else { e })
            }
            // The same list of groups as `agents:` takes, in a file of its own (a roster kept
            // apart from the scenarios that staff with it); its problems are at its own places.
            Value::String(s) if [".yaml", ".yml"].iter().any(|x| s.trim().to_ascii_lowercase().ends_with(x)) => {
                self.roster_yaml(s.trim(), path)
            }
            Value::String(s) => match s.trim().parse::<u32>() {
                Ok(n) if n > 0 && n <= crate::model::bounds::AGENTS_MAX => Ok(AgentsSpec::Count(n)),
                _ => Err(self.err(
                    path,
                    format!("`{s}` is not a number of agents"),
                    Some(
                        "write a count such as `50`, `roster` (center.yaml's agents), a roster file (`roster.csv`) or a list of groups"
                            .into(),
                    ),
                )),
            },
            Value::Sequence(items) => {
                if items.is_empty() {
                    return Err(self.err(path, "the list of agent groups is empty", None));
                }
                let mut groups: Vec<AgentGroup> = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let p = index(path, i);
                    let g = self.group(item, &p)?;
                    if groups.iter().any(|o| o.name == g.name) {
                        return Err(self.err(
                            &child(&p, "name"),
                            format!("a group named `{}` is listed twice", g.name),
                            None,
                        ));
                    }
                    groups.push(g);
                }
                Ok(AgentsSpec::List(groups))
            }
            other => Err(self.err(
                path,
                format!("expected a count, `roster` or a list of groups, not {}", show(other)),
                None,
            )),
        }
    }

    fn group(&self, v: &Value, path: &[Seg]) -> R<AgentGroup> {
        let m = self.mapping(v, path, "`{ name: a, count: 10, queues: [Support] }`")?;
        self.check_keys(m, path, GROUP_FIELDS, "setting")?;
        let name =
            self.string(self.required(m, path, "name", "`name: support_team`")?, &child(path, "name"))?;
        let count = match m.get("count") {
            None | Some(Value::Null) => 1,
            Some(v) => {
                let p = child(path, "count");
                let n = self.count(v, &p, "`count`")?;
                u32::try_from(n).map_err(|_| self.err(&p, format!("{n} agents is too many"), None))?
            }
        };
        let queues = self.strings(m.get("queues"), &child(path, "queues"))?;
        let skills = self.strings(m.get("skills"), &child(path, "skills"))?;
        let wrap_up = match m.get("wrap_up") {
            None | Some(Value::Null) => 0,
            Some(v) => self.duration(v, &child(path, "wrap_up"))?,
        };
        let shift = match m.get("shift").filter(|v| !v.is_null()) {
            None => {
                for (field, what) in [("breaks", "breaks"), ("days", "days")] {
                    if m.get(field).is_some_and(|v| !v.is_null()) {
                        return Err(self.err(
                            &child(path, field),
                            format!("{what} without a shift"),
                            Some("give the group its `shift: 08:00-16:30` too".into()),
                        ));
                    }
                }
                None
            }
            Some(v) => Some(self.shift(v, m.get("breaks"), m.get("days"), path)?),
        };
        let absence = match m.get("absence").filter(|v| !v.is_null()) {
            None => 0.0,
            Some(v) => {
                let p = child(path, "absence");
                self.share(v, &p).filter(|a| (0.0..1.0).contains(a)).ok_or_else(|| {
                    self.err(
                        &p,
                        format!(
                            "expected the share of agents away each day, from 0 to below 1, not {}",
                            show(v)
                        ),
                        Some("write e.g. `0.08` or `8%`".into()),
                    )
                })?
            }
        };
        Ok(AgentGroup { name, count, queues, skills, wrap_up, shift, absence })
    }

    /// `shift: 08:00-16:30` and `breaks: ["10:00 15m", "12:00 30m"]`: each break within the
    /// shift, none overlapping (the rules live in [`crate::model::Shift`], which the roster CSV
    /// reads through too).
    fn shift(
        &self,
        v: &Value,
        breaks: Option<&Value>,
        days: Option<&Value>,
        path: &[Seg],
    ) -> R<crate::model::Shift> {
        let p = child(path, "shift");
        let text = self.string(v, &p)?;
        let mut shift = crate::model::Shift::parse(&text)
            .map_err(|m| self.err(&p, m, Some("write `08:00-16:30` (local time)".into())))?;
        let bp = child(path, "breaks");
        let items: Vec<&Value> = match breaks {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(items)) => items.iter().collect(),
            Some(one) => vec![one],
        };
        for (i, item) in items.into_iter().enumerate() {
            let ip = index(&bp, i);
            let t = self.string(item, &ip)?;
            shift
                .add_break(&t)
                .map_err(|m| self.err(&ip, m, Some("write the start and the length: `12:00 30m`".into())))?;
        }
        // `days: mon..fri`, or a list: `days: [mon..fri, sat]`.
        if let Some(v) = days.filter(|v| !v.is_null()) {
            let dp = child(path, "days");
            let text = match v {
                Value::Sequence(items) => {
                    let parts: R<Vec<String>> =
                        items.iter().enumerate().map(|(i, d)| self.string(d, &index(&dp, i))).collect();
                    parts?.join(",")
                }
                one => self.string(one, &dp)?,
            };
            shift.days = crate::model::Shift::parse_days(&text)
                .map_err(|m| self.err(&dp, m, Some("write e.g. `mon..fri` or `[mon..fri, sat]`".into())))?;
        }
        Ok(shift)
    }

    fn callbacks(&self, v: &Value, path: &[Seg]) -> R<CallbackModel> {
        let m = self.mapping(v, path, "`{ customers: { answer: 0.8, busy: 0.05 } }`")?;
        self.check_keys(m, path, CALLBACK_FIELDS, "setting")?;
        let mut model = CallbackModel::default();
        if let Some(v) = m.get("customers").filter(|v| !v.is_null()) {
            let p = child(path, "customers");
            let odds = self.odds(v, &p, CUSTOMER_ODDS, "no answer")?;
            model.odds.answer = odds[0];
            model.odds.busy = odds[1];
            model.odds.machine = odds[2];
        }
        if let Some(v) = m.get("agents").filter(|v| !v.is_null()) {
            let p = child(path, "agents");
            let odds = self.odds(v, &p, AGENT_ODDS, "letting the offer time out")?;
            model.odds.accept = odds[0];
            model.odds.reject = odds[1];
        }
        if let Some(v) = m.get("timings").filter(|v| !v.is_null()) {
            let p = child(path, "timings");
            let t = self.mapping(v, &p, "`{ ring: 8s, no_answer_after: 30s }`")?;
            self.check_keys(t, &p, TIMING_FIELDS, "timing")?;
            let get = |key: &str, slot: &mut Micros| -> R<()> {
                if let Some(v) = t.get(key).filter(|v| !v.is_null()) {
                    *slot = self.duration(v, &child(&p, key))?;
                }
                Ok(())
            };
            let tm = &mut model.timings;
            get("decide", &mut tm.decide)?;
            get("dial_after", &mut tm.dial_after)?;
            get("ring", &mut tm.ring_answer)?;
            get("no_answer_after", &mut tm.ring_timeout)?;
            get("busy", &mut tm.busy)?;
            get("not_responding", &mut tm.not_responding)?;
        }
        if let Some(v) = m.get("target").filter(|v| !v.is_null()) {
            model.target = self.duration(v, &child(path, "target"))?;
        }
        if let Some(v) = m.get("do_not_call").filter(|v| !v.is_null()) {
            // A file of numbers beside the scenario; one that cannot be read is reported at
            // `do_not_call:`, a line that is not a number at its own line.
            let p = child(path, "do_not_call");
            let name = self.string(v, &p)?;
            let file = self.base.join(&name);
            let text = crate::input::read_regular(&file).map_err(|e| {
                self.err(&p, format!("cannot read the do-not-call list {}: {e}", file.display()), None)
            })?;
            let (list, problems) = crate::callbacks::do_not_call::DoNotCall::parse(&text, None);
            if let Some(bad) = problems.first() {
                return Err(ScenarioError {
                    file: file.display().to_string(),
                    line: u32::try_from(bad.line).ok(),
                    column: u32::try_from(bad.column).ok(),
                    field: String::new(),
                    message: bad.message.clone(),
                    help: Some("write one number per line in E.164, e.g. +31612345678".into()),
                });
            }
            model.do_not_call = list;
        }
        Ok(model)
    }

    /// Probabilities for `keys` (missing ones are 0); each in [0, 1] and together at most 1,
    /// the rest going to `rest`.
    fn odds(&self, v: &Value, path: &[Seg], keys: &[&str], rest: &str) -> R<Vec<f64>> {
        let example = format!("`{{ {}: 0.8 }}`", keys[0]);
        let m = self.mapping(v, path, &example)?;
        self.check_keys(m, path, keys, "outcome")?;
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let p = match m.get(*key).filter(|v| !v.is_null()) {
                None => 0.0,
                Some(v) => {
                    let at = child(path, key);
                    let x = self.number(v, &at)?;
                    if !(0.0..=1.0).contains(&x) {
                        return Err(self.err(
                            &at,
                            format!("`{x}` is not a probability"),
                            Some("write a number from 0 to 1".into()),
                        ));
                    }
                    x
                }
            };
            out.push(p);
        }
        let sum: f64 = out.iter().sum();
        if sum > 1.0 + 1e-9 {
            return Err(self.err(
                path,
                format!("the probabilities add up to {}, more than 1", round6(sum)),
                Some(format!("what is left below 1 goes to {rest}")),
            ));
        }
        Ok(out)
    }

    fn service_level(&self, v: &Value, path: &[Seg]) -> R<Micros> {
        let m = self.mapping(v, path, "`{ threshold: 20s }`")?;
        self.check_keys(m, path, SL_FIELDS, "setting")?;
        match m.get("threshold") {
            None | Some(Value::Null) => Ok(DEFAULT_SL_THRESHOLD),
            Some(v) => self.duration(v, &child(path, "threshold")),
        }
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn default_start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 1).and_then(|d| d.and_hms_opt(8, 0, 0)).unwrap_or_default()
}

fn parse_start(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, format) {
            return Some(dt);
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// A duration in microseconds (the one grammar of [`crate::time`]).
fn duration_micros(text: &str) -> Result<Micros, String> {
    parse_duration(text)
}

/// Calls per second in a rate such as `45/s`, `160/min`, `2700/h` or `100/30m`.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let Some((count, period)) = t.split_once('/') else {
        return Err("it has no period after `/`".into());
    };
    let count: f64 =
        count.trim().parse().map_err(|_| format!("`{}` is not a number of calls", count.trim()))?;
    if !count.is_finite() || count <= 0.0 {
        return Err("the number of calls must be above zero".into());
    }
    let period = period.trim();
    let secs: f64 = match period {
        "s" | "sec" | "second" => 1.0,
        "m" | "min" | "minute" => 60.0,
        "h" | "hr" | "hour" => 3600.0,
        "d" | "day" => 86_400.0,
        other => match duration_micros(other) {
            Ok(m) if m > 0 => m as f64 / MICROS_PER_SEC as f64,
            Ok(_) => return Err("the period must be longer than zero".into()),
            Err(_) => {
                return Err(format!(
                    "`{other}` is not a period (use s, min, h, d or a duration such as 30m)"
                ));
            }
        },
    };
    let rate = count / secs;
    if rate > crate::model::bounds::RATE_MAX_PER_SEC {
        return Err(format!(
            "{rate:.0} calls per second is above the limit of {} calls per second",
            crate::model::bounds::RATE_MAX_PER_SEC
        ));
    }
    Ok(rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"# flows/bench/mmc.yaml
project: .
flow: Bench
seed: 7
length: { calls: 1000000 }
traffic:
  start: 2026-12-01T08:00
  timezone: Europe/Amsterdam
  rate: 45/s
callers:
  patience: none
  handle_time: { exponential: 1s }
  menus:
    MainMenu: { "1": 0.4, "2": 0.55, silence: 0.05 }
  asks:
    Task.Choice: { "1": 0.6, silence: 0.4 }
  default_keys: silence
agents: 50
service_level: { threshold: 20s }
"#;

    fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        parse_scenario(text, "s.yaml", Path::new("/base"))
    }

    fn error(text: &str) -> ScenarioError {
        match parse(text) {
            Ok(s) => panic!("accepted: {s:?}"),
            Err(e) => e,
        }
    }

    /// A scenario with `line` replaced (by its key) by `replacement`.
    fn with(key: &str, replacement: &str) -> String {
        let mut out = String::new();
        let mut skipping = false;
        for line in EXAMPLE.lines() {
            let indent = line.len() - line.trim_start().len();
            if skipping && indent > 0 {
                continue;
            }
            skipping = false;
            if line.starts_with(&format!("{key}:")) {
                out.push_str(replacement);
                out.push('\n');
                skipping = true;
                continue;
            }
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// xorshift64*: uniform draws in [0, 1) for the tests.
    struct Uniform(u64);
    impl Uniform {
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn reads_the_example() {
        let s = parse(EXAMPLE).unwrap();
        assert_eq!(s.project, PathBuf::from("/base/."));
        assert_eq!(s.flow.as_deref(), Some("Bench"));
        assert_eq!(s.seed, 7);
        assert_eq!(s.length, Length::Calls(1_000_000));
        assert_eq!(s.traffic.timezone, chrono_tz::Europe::Amsterdam);
        assert_eq!(s.traffic.start, default_start());
        assert_eq!(s.traffic.arrivals, Arrivals::Constant { per_sec: 45.0 });
        assert_eq!(s.traffic.interval_len(), 30 * 60 * MICROS_PER_SEC);
        assert!(s.callers.patience.is_none());
        assert_eq!(s.callers.handle_time, Dist::Exponential { mean: MICROS_PER_SEC });
        let menu = s.callers.menu("MainMenu").unwrap();
        assert_eq!(menu.pick(0.0), Some("1"));
        assert_eq!(menu.pick(0.39), Some("1"));
        assert_eq!(menu.pick(0.41), Some("2"));
        assert_eq!(menu.pick(0.96), None);
        assert_eq!(menu.pick(0.999_999), None);
        assert!((menu.probability(Some("2")) - 0.55).abs() < 1e-12);
        assert_eq!(s.callers.ask("Task.Choice").unwrap().pick(0.7), None);
        assert_eq!(s.callers.default_keys, None);
        assert_eq!(s.agents, AgentsSpec::Count(50));
        assert_eq!(s.sl_threshold, 20 * MICROS_PER_SEC);
    }

    #[test]
    fn minimal_scenario_takes_defaults() {
        let s = parse(
            "length: { hours: 1.5 }\ntraffic: { rate: 100/30m }\ncallers: { handle_time: { fixed: 500ms } }\nagents: roster\n",
        )
        .unwrap();
        assert_eq!(s.seed, DEFAULT_SEED);
        assert_eq!(s.flow, None);
        assert_eq!(s.length, Length::Duration(5400 * MICROS_PER_SEC));
        assert_eq!(s.traffic.timezone, Tz::UTC);
        assert_eq!(s.traffic.arrivals, Arrivals::Constant { per_sec: 100.0 / 1800.0 });
        assert_eq!(s.callers.handle_time, Dist::Fixed(500_000));
        assert_eq!(s.agents, AgentsSpec::Roster);
        assert_eq!(s.sl_threshold, DEFAULT_SL_THRESHOLD);
        assert_eq!(s.traffic.interval_label(1), "2026-12-01T08:30");
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("45/s"), Ok(45.0));
        assert_eq!(parse_rate("160/min"), Ok(160.0 / 60.0));
        assert_eq!(parse_rate("2700/h"), Ok(0.75));
        assert_eq!(parse_rate("100/30m"), Ok(100.0 / 1800.0));
        assert_eq!(parse_rate("0.5/s"), Ok(0.5));
        for bad in ["45", "45/fortnight", "0/s", "-3/s", "x/s", "45/0s", "45/", "nan/s", "inf/s"] {
            assert!(parse_rate(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn profile_cycles_and_labels_intervals_in_local_time() {
        let text = with(
            "traffic",
            "traffic:\n  start: 2026-03-29T01:00\n  timezone: Europe/Amsterdam\n  interval: 30m\n  calls_per_interval: [180, 360, 0]",
        );
        let s = parse(&text).unwrap();
        let half = 1800 * MICROS_PER_SEC;
        assert_eq!(s.traffic.interval_len(), half);
        assert_eq!(s.traffic.rate_at(0), 0.1);
        assert_eq!(s.traffic.rate_at(half), 0.2);
        assert_eq!(s.traffic.rate_at(2 * half + 5), 0.0);
        assert_eq!(s.traffic.rate_at(3 * half), 0.1);
        assert_eq!(s.traffic.interval_of(3 * half + 1), 3);
        assert_eq!(s.traffic.interval_of(-5), 0);
        assert_eq!(s.traffic.arrivals.max_rate(), 0.2);
        // Clocks go from 02:00 to 03:00 on that night.
        assert_eq!(s.traffic.interval_label(0), "2026-03-29T01:00");
        assert_eq!(s.traffic.interval_label(2), "2026-03-29T03:00");
        // And back from 03:00 to 02:00 in the autumn: the repeated hour's labels carry the offset.
        let text = with(
            "traffic",
            "traffic:\n  start: 2026-10-25T01:30\n  timezone: Europe/Amsterdam\n  interval: 30m\n  calls_per_interval: [1]",
        );
        let s = parse(&text).unwrap();
        let labels: Vec<String> = (0..6).map(|i| s.traffic.interval_label(i)).collect();
        assert_eq!(
            labels,
            [
                "2026-10-25T01:30",
                "2026-10-25T02:00+02:00",
                "2026-10-25T02:30+02:00",
                "2026-10-25T02:00+01:00",
                "2026-10-25T02:30+01:00",
                "2026-10-25T03:00"
            ]
        );
    }

    #[test]
    fn agent_groups() {
        let text = with(
            "agents",
            "agents:\n  - name: a\n    count: 10\n    queues: [Support]\n    skills: x\n    wrap_up: 30s\n  - { name: b }",
        );
        let s = parse(&text).unwrap();
        let AgentsSpec::List(groups) = &s.agents else { panic!("{:?}", s.agents) };
        assert_eq!(groups[0].count, 10);
        assert_eq!(groups[0].queues, vec!["Support".to_string()]);
        assert_eq!(groups[0].skills, vec!["x".to_string()]);
        assert_eq!(groups[0].wrap_up, 30 * MICROS_PER_SEC);
        assert_eq!(
            groups[1],
            AgentGroup {
                name: "b".into(),
                count: 1,
                queues: vec![],
                skills: vec![],
                wrap_up: 0,
                shift: None,
                absence: 0.0,
            }
        );
        assert_eq!(s.agents.count(), Some(11));
    }

    /// `days:` on a group with a shift, as a range or a list; a bad day or days without a shift
    /// are named at their field.
    #[test]
    fn agent_groups_work_on_some_days() {
        let groups = "agents:\n  - { name: week, count: 5, shift: 08:00-17:00, days: mon..fri }\n  - { name: end, shift: 09:00-13:00, days: [sat, sun] }";
        let s = parse(&with("agents", groups)).unwrap();
        let AgentsSpec::List(groups) = &s.agents else { panic!("{:?}", s.agents) };
        assert_eq!(groups[0].shift.as_ref().map(|s| s.days), Some(0b001_1111));
        assert_eq!(groups[1].shift.as_ref().map(|s| s.days), Some(0b110_0000));
        let e = error(&with("agents", "agents:\n  - { name: w, shift: 08:00-17:00, days: mon..fry }"));
        assert!(e.to_string().contains("agents[0].days: `fry` is not a day"), "{e}");
        let e = error(&with("agents", "agents:\n  - { name: w, days: mon..fri }"));
        assert!(e.to_string().contains("agents[0].days: days without a shift"), "{e}");
    }

    /// `agents: roster.yaml`: the list of groups in a file of its own, its problems at its places.
    #[test]
    fn a_roster_may_be_a_yaml_file_of_groups() {
        let dir = std::env::temp_dir().join(format!("callwright-roster-yaml-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let groups = "- { name: early, count: 8, queues: [Support], shift: 08:00-16:30, breaks: [\"12:00 30m\"] }\n\
                      - { name: weekend, count: 3, shift: 09:00-13:00, days: [sat, sun] }\n";
        std::fs::write(dir.join("roster.yaml"), groups).unwrap();
        let s = parse_scenario(&with("agents", "agents: roster.yaml"), "s.yaml", &dir).unwrap();
        let AgentsSpec::List(list) = &s.agents else { panic!("{:?}", s.agents) };
        let names: Vec<(&str, u32)> = list.iter().map(|g| (g.name.as_str(), g.count)).collect();
        assert_eq!(names, [("early", 8), ("weekend", 3)]);
        assert_eq!(list[1].shift.as_ref().map(|s| s.days), Some(0b110_0000));
        std::fs::write(
            dir.join("roster.yaml"),
            "- { name: early, count: 8 }\n- { name: late, shift: 9-17 }\n",
        )
        .unwrap();
        let e = parse_scenario(&with("agents", "agents: roster.yaml"), "s.yaml", &dir).unwrap_err();
        assert!(e.file.ends_with("roster.yaml") && e.line == Some(2), "{e}");
        std::fs::write(dir.join("roster.yaml"), "early: 8\n").unwrap();
        let e = parse_scenario(&with("agents", "agents: roster.yaml"), "s.yaml", &dir).unwrap_err();
        assert!(e.message.contains("a roster file is a list of agent groups"), "{e}");
        let e = parse_scenario(&with("agents", "agents: nowhere.yaml"), "s.yaml", &dir).unwrap_err();
        assert!(e.file == "s.yaml" && e.message.contains("cannot read the roster"), "{e}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn distributions() {
        let text = with(
            "callers",
            "callers:\n  patience: { uniform: [30s, 90s] }\n  handle_time: { lognormal: { mean: 180s, sd: 60s } }",
        );
        let s = parse(&text).unwrap();
        assert_eq!(s.callers.patience, Some(Dist::Uniform { lo: 30_000_000, hi: 90_000_000 }));
        assert_eq!(s.callers.handle_time, Dist::LogNormal { mean: 180_000_000, sd: 60_000_000 });
    }

    #[test]
    fn sample_means_match_from_100k_draws() {
        let mut rng = Uniform(0x9E37_79B9_7F4A_7C15);
        let mut u = || rng.next();
        let n = 100_000;
        for (dist, rel_tol) in [
            (Dist::Fixed(60_000_000), 0.0),
            (Dist::Exponential { mean: 120_000_000 }, 0.015),
            (Dist::Uniform { lo: 30_000_000, hi: 90_000_000 }, 0.005),
            (Dist::LogNormal { mean: 180_000_000, sd: 60_000_000 }, 0.005),
            (Dist::Gamma { mean: 180_000_000, sd: 90_000_000 }, 0.01),
        ] {
            let mut sum = 0.0;
            let mut sq = 0.0;
            for _ in 0..n {
                let x = dist.sample(&mut u) as f64;
                assert!(x >= 0.0);
                sum += x;
                sq += x * x;
            }
            let mean = sum / n as f64;
            let want = dist.mean() as f64;
            assert!((mean - want).abs() <= want * rel_tol, "{dist:?}: mean {mean}, want {want}");
            let sd = (sq / n as f64 - mean * mean).max(0.0).sqrt();
            let want_sd = dist.sd_secs() * MICROS_PER_SEC as f64;
            assert!((sd - want_sd).abs() <= want_sd * 0.03 + 1.0, "{dist:?}: sd {sd}, want {want_sd}");
        }
        // Extreme draws stay finite and non-negative.
        let mut zero = || 0.0;
        assert_eq!(Dist::Exponential { mean: 5 }.sample(&mut zero), 0);
        let mut almost_one = || 1.0 - f64::EPSILON;
        assert!(Dist::Exponential { mean: 1_000_000 }.sample(&mut almost_one) > 0);
        assert!(Dist::LogNormal { mean: 1_000_000, sd: 1 }.sample(&mut almost_one) > 0);
    }

    #[test]
    fn overrides() {
        let s = parse(EXAMPLE)
            .unwrap()
            .with_calls(10)
            .with_seed(3)
            .with_agents(14)
            .with_rate(0.5)
            .with_aht(180 * MICROS_PER_SEC)
            .with_patience(Some(120 * MICROS_PER_SEC));
        assert_eq!(s.length, Length::Calls(10));
        assert_eq!(s.seed, 3);
        assert_eq!(s.agents, AgentsSpec::Count(14));
        assert_eq!(s.traffic.arrivals, Arrivals::Constant { per_sec: 0.5 });
        assert_eq!(s.callers.handle_time, Dist::Exponential { mean: 180 * MICROS_PER_SEC });
        assert_eq!(s.callers.patience, Some(Dist::Exponential { mean: 120 * MICROS_PER_SEC }));
        assert_eq!(s.with_patience(None).callers.patience, None);
        assert_eq!(Dist::Fixed(5).with_mean(9), Dist::Fixed(9));
        assert_eq!(Dist::Uniform { lo: 30, hi: 90 }.with_mean(120), Dist::Uniform { lo: 60, hi: 180 });
        assert_eq!(
            Dist::LogNormal { mean: 100, sd: 50 }.with_mean(200),
            Dist::LogNormal { mean: 200, sd: 100 }
        );
    }

    #[test]
    fn unknown_fields_suggest_and_locate() {
        let e = error(&EXAMPLE.replace("  handle_time:", "  handel_time:"));
        assert_eq!(e.field, "callers.handel_time");
        assert_eq!(e.help.as_deref(), Some("did you mean `handle_time`?"));
        assert_eq!((e.line, e.column), (Some(12), Some(3)));
        assert_eq!(
            e.to_string(),
            "s.yaml:12:3: callers.handel_time: unknown setting `handel_time`\n  help: did you mean `handle_time`?"
        );
        let e = error(&EXAMPLE.replace("seed: 7", "sead: 7"));
        assert_eq!(e.field, "sead");
        assert_eq!(e.help.as_deref(), Some("did you mean `seed`?"));
        assert_eq!((e.line, e.column), (Some(4), Some(1)));
        let e = error(&EXAMPLE.replace("{ calls: 1000000 }", "{ call: 1000000 }"));
        assert_eq!(e.field, "length.call");
        assert_eq!((e.line, e.column), (Some(5), Some(11)));
        assert_eq!(e.help.as_deref(), Some("did you mean `calls`?"));
    }

    #[test]
    fn the_callbacks_section_sets_odds_timings_and_target_and_names_bad_fields() {
        let with = |section: &str| format!("{EXAMPLE}callbacks:\n{section}");
        let s = parse(&with(
            "  customers: { answer: 0.7, busy: 0.1 }\n  agents: { accept: 0.9, reject: 0.05 }\n  timings: { ring: 12s }\n  target: 30m\n",
        ))
        .unwrap();
        let cb = &s.callbacks;
        assert_eq!((cb.odds.answer, cb.odds.busy, cb.odds.machine), (0.7, 0.1, 0.0));
        assert_eq!((cb.odds.accept, cb.odds.reject), (0.9, 0.05));
        assert_eq!(cb.timings.ring_answer, 12 * MICROS_PER_SEC);
        assert_eq!(cb.target, 1800 * MICROS_PER_SEC);
        let e = error(&with("  customers: { answer: 0.8, busy: 0.3 }\n"));
        assert_eq!(e.field, "callbacks.customers");
        assert!(e.message.contains("add up to 1.1"), "{e}");
        let e = error(&with("  customers: { answer: 1.5 }\n"));
        assert_eq!(e.field, "callbacks.customers.answer");
        let e = error(&with("  customers: { anwser: 0.5 }\n"));
        assert_eq!(e.help.as_deref(), Some("did you mean `answer`?"));
        assert_eq!(e.line, Some(21));
        let e = error(&with("  timings: { ring: soon }\n"));
        assert_eq!(e.field, "callbacks.timings.ring");
    }

    #[test]
    fn bad_values_name_their_field() {
        let cases: Vec<(String, &str, &str)> = vec![
            (EXAMPLE.replace("45/s", "45/fortnight"), "traffic.rate", "`fortnight` is not a period"),
            (EXAMPLE.replace("45/s", "45"), "traffic.rate", "a rate needs a period"),
            (EXAMPLE.replace("45/s", "0/s"), "traffic.rate", "above zero"),
            (EXAMPLE.replace("{ calls: 1000000 }", "{ calls: 0 }"), "length.calls", "whole number ≥ 1"),
            (EXAMPLE.replace("{ calls: 1000000 }", "{ calls: -5 }"), "length.calls", "whole number ≥ 1"),
            (EXAMPLE.replace("{ calls: 1000000 }", "{ calls: 5, hours: 1 }"), "length", "not both"),
            (EXAMPLE.replace("{ calls: 1000000 }", "{}"), "length", "needs `calls` or `hours`"),
            (EXAMPLE.replace("{ calls: 1000000 }", "{ hours: 0 }"), "length.hours", "above zero"),
            (EXAMPLE.replace("{ calls: 1000000 }", "{ hours: -2 }"), "length.hours", "above zero"),
            (EXAMPLE.replace("Europe/Amsterdam", "Europe/Amsterdm"), "traffic.timezone", "unknown time zone"),
            (EXAMPLE.replace("2026-12-01T08:00", "2026-13-01T08:00"), "traffic.start", "not a date and time"),
            (EXAMPLE.replace("2026-12-01T08:00", "2026-03-29T02:30"), "traffic.start", "does not exist"),
            (EXAMPLE.replace("\"2\": 0.55", "\"2\": 1.5"), "callers.menus.MainMenu.2", "between 0 and 1"),
            (EXAMPLE.replace("\"2\": 0.55", "\"2\": -0.1"), "callers.menus.MainMenu.2", "between 0 and 1"),
            (EXAMPLE.replace("\"2\": 0.55", "\"2\": 0.65"), "callers.menus.MainMenu", "add up to 1.1"),
            (
                EXAMPLE.replace("{ exponential: 1s }", "{ exponential: 0s }"),
                "callers.handle_time.exponential",
                "longer than zero",
            ),
            (
                EXAMPLE.replace("{ exponential: 1s }", "{ exponential: -1s }"),
                "callers.handle_time.exponential",
                "cannot be negative",
            ),
            (EXAMPLE.replace("{ exponential: 1s }", "1s"), "callers.handle_time", "does not say how"),
            (
                EXAMPLE.replace("{ exponential: 1s }", "{ weibull: 1s }"),
                "callers.handle_time.weibull",
                "unknown distribution",
            ),
            (
                EXAMPLE.replace("{ exponential: 1s }", "{ gamma: { mean: 3m, sd: 0s } }"),
                "callers.handle_time.gamma.sd",
                "spread above zero",
            ),
            (
                EXAMPLE.replace("{ exponential: 1s }", "{ empirical: no-such-durations.csv }"),
                "callers.handle_time.empirical",
                "cannot read the durations",
            ),
            (
                EXAMPLE.replace("{ exponential: 1s }", "{ uniform: [9s, 1s] }"),
                "callers.handle_time.uniform",
                "low end",
            ),
            (
                EXAMPLE.replace("patience: none", "patience: forever"),
                "callers.patience",
                "expected a distribution",
            ),
            (EXAMPLE.replace("agents: 50", "agents: 0"), "agents", "whole number ≥ 1"),
            (EXAMPLE.replace("agents: 50", "agents: -3"), "agents", "whole number ≥ 1"),
            (EXAMPLE.replace("agents: 50", "agents: lots"), "agents", "not a number of agents"),
            (EXAMPLE.replace("agents: 50", "agents: [{ name: a }, { name: a }]"), "agents[1].name", "twice"),
            (EXAMPLE.replace("agents: 50", "agents: [{ count: 3 }]"), "agents[0].name", "required"),
            (
                EXAMPLE.replace("{ threshold: 20s }", "{ threshold: -20s }"),
                "service_level.threshold",
                "negative",
            ),
            (EXAMPLE.replace("seed: 7", "seed: -7"), "seed", "whole number"),
            (EXAMPLE.replace("agents: 50\n", ""), "agents", "required"),
        ];
        for (text, field, message) in cases {
            let e = error(&text);
            assert_eq!(e.field, field, "{e}");
            assert!(e.message.contains(message), "{e}");
            // A missing top-level field has no place in the text.
            assert!(e.line.is_some() || e.message.contains("required"), "no line for {e}");
        }
    }

    #[test]
    fn probabilities_below_one_leave_silence() {
        let s = parse(&EXAMPLE.replace("\"2\": 0.55, silence: 0.05", "\"2\": 0.5")).unwrap();
        let menu = s.callers.menu("MainMenu").unwrap();
        assert!((menu.probability(None) - 0.1).abs() < 1e-12);
        assert_eq!(menu.pick(0.85), Some("2"));
        assert_eq!(menu.pick(0.95), None);
        // Unquoted keys are keys too.
        let s = parse(&EXAMPLE.replace("{ \"1\": 0.6, silence: 0.4 }", "{ 1: 0.3, 2: 0.7 }")).unwrap();
        assert_eq!(s.callers.ask("Task.Choice").unwrap().pick(0.999_999_9), Some("2"));
    }

    #[test]
    fn nested_block_fields_are_located() {
        let text = "length:\n  calls: 10\ntraffic:\n  rate: 1/s\ncallers:\n  handle_time:\n    lognormal:\n      mean: 3m\n      sd: x\nagents: 1\n";
        let e = error(text);
        assert_eq!(e.field, "callers.handle_time.lognormal.sd");
        assert_eq!((e.line, e.column), (Some(9), Some(7)));
        let text = "length:\n  calls: 10\ntraffic:\n  rate: 1/s\ncallers:\n  handle_time: { fixed: 1s }\nagents:\n- name: a\n- name: b\n  cuont: 3\n";
        let e = error(text);
        assert_eq!(e.field, "agents[1].cuont");
        assert_eq!((e.line, e.column), (Some(10), Some(3)));
    }

    #[test]
    fn syntax_errors_and_garbage_never_panic() {
        let e = error("length: { calls: 5\n");
        assert!(e.line.is_some());
        assert!(e.message.starts_with("not valid YAML"));
        for text in
            ["", "5", "[1, 2]", "~", "length: [", "agents: {}", "callers: 5", "traffic: []", ":", "- - -"]
        {
            assert!(parse(text).is_err(), "{text:?} accepted");
        }
        assert!(load_scenario(Path::new("/nonexistent/x.yaml")).is_err());
    }
}
