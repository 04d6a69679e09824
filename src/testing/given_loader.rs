//! Reading a case's `call` (who calls, when) and `given` (the overrides), each over the file's
//! `defaults` of the same name.

use super::load_error::TestFileCode as Code;
use super::loader::{
    DEFAULT_ANI, DEFAULT_AT, DEFAULT_DNIS, DEFAULT_HANDLE, DEFAULT_RUN_FOR, Layered, Loader, R, item, key,
};
use super::test_file::*;
use crate::callbacks::{AgentResponse, DialResult};
use crate::input::{Seg, show};
use crate::runtime::{Overrides, ScheduleState};
use crate::source::suggest::did_you_mean;
use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde_yaml::Value;
use std::collections::BTreeMap;

impl Loader<'_> {
    pub(super) fn call(&self, l: &Layered) -> R<CallSetup> {
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
        let language = l.get("language").map(|(v, p)| self.string(v, &p)).transpose()?;
        let answering_machine = match l.get("answering_machine") {
            None => false,
            Some((Value::Bool(b), _)) => *b,
            Some((other, p)) => {
                return Err(self.err(
                    Code::BadValue,
                    &p,
                    format!("`answering_machine` is true or false, not {}", show(other)),
                    Some("write `answering_machine: true` for a call an answering machine picks up".into()),
                ));
            }
        };
        Ok(CallSetup { ani, dnis, caller_name, language, start, answering_machine })
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

    pub(super) fn given(&self, l: &Layered) -> R<Given> {
        let mut o = Overrides::default();
        if let Some((v, p)) = l.get("schedule") {
            o.all_schedules = Some(self.schedule_state(v, &p)?);
        }
        if let Some((v, p)) = l.get("schedules") {
            for (k, sv) in self.mapping(v, &p)? {
                let name = self.string(k, &p)?;
                let kp = key(&p, &name);
                if !self.project.schedules.contains_key(&name) {
                    let help = crate::source::suggest::help_for(
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
                        crate::source::suggest::help_for(&name, "agent", known.iter().map(String::as_str));
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
        if let Some((v, p)) = l.get("switches") {
            let declared: Vec<String> = self
                .project
                .checked
                .project
                .center
                .iter()
                .flat_map(|c| c.switches.iter().map(|s| s.0.clone()))
                .collect();
            for (k, sv) in self.mapping(v, &p)? {
                let name = self.string(k, &p)?;
                let at = key(&p, &name);
                if !declared.contains(&name) {
                    let help = crate::source::suggest::help_for(
                        &name,
                        "switch",
                        declared.iter().map(String::as_str),
                    );
                    return Err(self.err(
                        Code::BadValue,
                        &at,
                        format!("center.yaml has no switch `{name}`"),
                        Some(help),
                    ));
                }
                let on = match sv {
                    Value::Bool(b) => *b,
                    Value::String(s) if s == "on" => true,
                    Value::String(s) if s == "off" => false,
                    other => {
                        return Err(self.err(
                            Code::BadValue,
                            &at,
                            format!("a switch is on or off, not {}", show(other)),
                            Some("write `on` or `off`".into()),
                        ));
                    }
                };
                o.switches.insert(name, on);
            }
        }
        let mut data_actions = std::collections::HashMap::new();
        for (v, p) in l.both("data_actions") {
            let declared = self.project.checked.data_action_names();
            for (k, dv) in self.mapping(v, &p)? {
                let name = self.string(k, &p)?;
                let at = key(&p, &name);
                if !declared.contains(&name.as_str()) {
                    let help =
                        crate::source::suggest::help_for(&name, "data action", declared.iter().copied());
                    return Err(self.err(
                        Code::BadValue,
                        &at,
                        format!("the project has no data action `{name}`"),
                        Some(help),
                    ));
                }
                let json: serde_json::Value = serde_yaml::from_value(dv.clone())
                    .map_err(|e| self.err(Code::BadValue, &at, format!("cannot be read: {e}"), None))?;
                let mock = crate::runtime::data_action::DataMock::parse(&json)
                    .map_err(|e| self.err(Code::BadValue, &at, e, None))?;
                data_actions.insert(name, mock);
            }
        }
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
            data_actions,
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
}
