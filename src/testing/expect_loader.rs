//! Reading a case's `expect`: outcomes, callback attributes, variables, paths and what must never
//! happen, with node references resolved against the project.

use super::load_error::TestFileCode as Code;
use super::loader::{Loader, R, item, key};
use super::test_file::*;
use crate::callbacks::{EndReason, State};
use crate::input::{Seg, show};
use crate::source::suggest::did_you_mean;
use chrono::NaiveDateTime;
use serde_yaml::Value;

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
    "transferred_out",
    "voicemail_left",
    "retry_later",
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

impl Loader<'_> {
    pub(super) fn node_ref(&self, v: &Value, path: &[Seg], entry: &str) -> R<NodeRef> {
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
            let help = crate::source::suggest::help_for(flow, "flow", self.project.flow_names());
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

    pub(super) fn expect(&self, v: &Value, path: &[Seg], entry: &str) -> R<Expect> {
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
            "voicemail_left" => OutcomeExpect::VoicemailLeft,
            "retry_later" => OutcomeExpect::RetryLater,
            "transferred_out" => OutcomeExpect::TransferredOut { to: self.opt_text(val, &kp)? },
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
                let help = crate::source::suggest::help_for(&w, "state", all);
                self.err(Code::BadValue, &p, format!("`{w}` is not a callback state"), Some(help))
            })?);
        }
        if let Some(v) = m.get("reason") {
            let p = key(path, "reason");
            let w = self.string(v, &p)?;
            let all = EndReason::ALL.iter().map(|s| s.as_str());
            c.reason = Some(EndReason::parse(&w).ok_or_else(|| {
                let help = crate::source::suggest::help_for(&w, "end reason", all);
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
