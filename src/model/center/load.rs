//! Reading `center.yaml`: YAML → checked keys → raw serde structs → [`validate`](super::validate).

use super::raw::{RawAgent, RawCallback, RawCenter, RawQueue, field_names, show};
use super::validate::{self, Scope};
use super::{AgentConfig, Center, DialledNumber, QueueConfig};
use crate::diagnostics::{Code, Diagnostic};
use crate::input::{Locator, Region};
use crate::model::bounds;
use crate::source::{FileId, Span};
use serde_yaml::{Mapping, Value};

/// Reads `center.yaml`. See the module docs for the format and for what is returned with errors.
pub(super) fn load(file: FileId, text: &str) -> (Option<Center>, Vec<Diagnostic>) {
    let loc = Locator::new(file, text);
    let mut diags = Vec::new();
    let mut value = match serde_yaml::from_str::<Value>(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(yaml_error(&loc, &e));
            return (None, diags);
        }
    };
    // `<<: *defaults` merge keys; on failure the `<<` key is reported as unknown below.
    let _ = value.apply_merge();
    let mut top = match value {
        Value::Null => return (Some(Center::default()), diags),
        Value::Mapping(m) => m,
        other => {
            let message = format!(
                "center.yaml must be a mapping with `queues`, `agents` and `numbers`, not {}",
                show(&other)
            );
            diags.push(
                Diagnostic::new(Code::BadCenterFile, loc.start(), message)
                    .with_label("expected `queues:` or `agents:`"),
            );
            return (None, diags);
        }
    };
    let mut keys = KeyCheck { loc: &loc, diags: &mut diags };
    keys.check::<RawCenter>(&mut top, loc.whole(), loc.start(), "section", "in center.yaml", |_| None);
    let raw = match serde_yaml::from_value::<RawCenter>(Value::Mapping(top)) {
        Ok(raw) => raw,
        Err(e) => {
            // Not expected: every field is an `Option<Field<_>>` and unknown keys were removed.
            diags.push(Diagnostic::new(
                Code::BadCenterFile,
                loc.start(),
                format!("center.yaml cannot be read: {e}"),
            ));
            return (None, diags);
        }
    };

    let mut center = Center::default();
    let top_scope =
        |key: &str| loc.find_key(loc.whole(), key, Some(0)).or_else(|| loc.find_key(loc.whole(), key, None));
    let queues_hit = top_scope("queues");
    let queues_region = queues_hit.as_ref().map_or(loc.whole(), |h| h.block);
    let queues_span = queues_hit.as_ref().map_or(loc.start(), |h| loc.span(h.entry.clone()));
    let mut scope = Scope {
        loc: &loc,
        owner: "in center.yaml".into(),
        region: loc.whole(),
        fallback: loc.start(),
        diags: &mut diags,
    };
    let queues = scope.read("queues", raw.queues).unwrap_or_default();
    for (key, value) in queues {
        if let Some(q) = load_queue(&loc, &mut diags, queues_region, queues_span, key, value) {
            center.queues.insert(q.name.clone(), q);
        }
    }

    let agents_hit = top_scope("agents");
    let agents_region = agents_hit.as_ref().map_or(loc.whole(), |h| h.block);
    let agents_span = agents_hit.as_ref().map_or(loc.start(), |h| loc.span(h.entry.clone()));
    let mut scope = Scope {
        loc: &loc,
        owner: "in center.yaml".into(),
        region: loc.whole(),
        fallback: loc.start(),
        diags: &mut diags,
    };
    let mut agents = scope.read("agents", raw.agents).unwrap_or_default();
    if agents.len() > bounds::AGENTS_MAX as usize {
        diags.push(
            Diagnostic::new(
                Code::BadCenterValue,
                agents_span,
                format!(
                    "{} agents is above the limit of {} for one center",
                    agents.len(),
                    bounds::AGENTS_MAX
                ),
            )
            .with_label("too many agents")
            .with_help(
                "split the site into several projects, or use agent groups with a count in a scenario",
            ),
        );
        agents.clear();
    }
    let items = loc.list_items(agents_region);
    let items = if items.len() == agents.len() { items } else { Vec::new() };
    // Names seen so far, for the duplicate check (a scan per agent was quadratic).
    let mut seen: std::collections::HashMap<String, Span> = std::collections::HashMap::new();
    for (i, value) in agents.into_iter().enumerate() {
        let item = items.get(i).copied();
        if let Some(agent) = load_agent(&loc, &mut diags, item, agents_region, agents_span, i, value) {
            add_agent(&loc, &mut diags, &mut center, &mut seen, agent, item);
        }
    }
    too_many_skills(&center, &mut diags);
    load_numbers(&loc, &mut diags, &mut center, raw.numbers, top_scope("numbers"));
    load_switches(&loc, &mut diags, &mut center, raw.switches, top_scope("switches"));
    super::campaign::load_campaigns(&loc, &mut diags, &mut center, raw.campaigns, top_scope("campaigns"));
    (Some(center), diags)
}

/// A top-level mapping section (`numbers:`, `switches:`): the block it opens (where its entries
/// are found), its `key:` line (for problems with the section as a whole) and its entries.
pub(super) fn top_mapping(
    loc: &Locator<'_>,
    diags: &mut Vec<Diagnostic>,
    key: &str,
    raw: Option<super::raw::Field<Mapping>>,
    hit: Option<crate::input::KeyHit>,
) -> Option<(crate::input::Region, crate::source::Span, Mapping)> {
    let region = hit.as_ref().map_or(loc.whole(), |h| h.block);
    let section = hit.as_ref().map_or(loc.start(), |h| loc.span(h.entry.clone()));
    let mut scope =
        Scope { loc, owner: "in center.yaml".into(), region: loc.whole(), fallback: loc.start(), diags };
    let map = scope.read(key, raw)?;
    Some((region, section, map))
}

/// `numbers:` — each key a dialled number in quotes, each value the inbound flow it reaches (the
/// checker confirms both).
fn load_numbers(
    loc: &Locator<'_>,
    diags: &mut Vec<Diagnostic>,
    center: &mut Center,
    raw: Option<super::raw::Field<Mapping>>,
    hit: Option<crate::input::KeyHit>,
) {
    let Some((region, section, map)) = top_mapping(loc, diags, "numbers", raw, hit) else { return };
    for (key, value) in map {
        let number = match &key {
            Value::String(s) => s.clone(),
            other => {
                diags.push(
                    Diagnostic::new(
                        Code::BadCenterValue,
                        section,
                        format!(
                            "`numbers` in center.yaml has the key {}, not a phone number in quotes",
                            show(other)
                        ),
                    )
                    .with_label("expected a number such as \"+31201234000\"")
                    .with_help("YAML reads an unquoted `+31201234000` as a number; put it in quotes"),
                );
                continue;
            }
        };
        let entry = loc.find_key(region, &number, None);
        let number_span = entry.as_ref().map_or(section, |h| loc.span(h.key.clone()));
        let flow_span = entry.as_ref().map_or(section, |h| loc.span(h.value.clone()));
        match value {
            Value::String(flow) => {
                center.numbers.push(DialledNumber { number, number_span, flow, flow_span });
            }
            other => diags.push(
                Diagnostic::new(
                    Code::BadCenterValue,
                    flow_span,
                    format!("number `{number}` in center.yaml reaches {}, not a flow name", show(&other)),
                )
                .with_label("expected the name of an inbound flow"),
            ),
        }
    }
}

/// `switches:` — each key a switch's name, each value `true` or `false` (its value at start).
fn load_switches(
    loc: &Locator<'_>,
    diags: &mut Vec<Diagnostic>,
    center: &mut Center,
    raw: Option<super::raw::Field<Mapping>>,
    hit: Option<crate::input::KeyHit>,
) {
    let Some((region, section, map)) = top_mapping(loc, diags, "switches", raw, hit) else { return };
    for (key, value) in map {
        let (Value::String(name), Value::Bool(on)) = (&key, &value) else {
            diags.push(
                Diagnostic::new(
                    Code::BadCenterValue,
                    section,
                    format!(
                        "`switches` in center.yaml has {}: {}, not a name and true or false",
                        show(&key),
                        show(&value)
                    ),
                )
                .with_label("expected `Name: false`"),
            );
            continue;
        };
        let span = loc.find_key(region, name, None).map_or(section, |h| loc.span(h.key.clone()));
        center.switches.push((name.clone(), *on, span));
    }
}

/// More distinct skills than the ACD can tell apart would leave calls that need the last ones
/// waiting for ever; refuse the file instead, at the agent that names one too many.
fn too_many_skills(center: &Center, diags: &mut Vec<Diagnostic>) {
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let queues = center.queues.values().map(|q| (&q.skills, q.name_span, "queue", q.name.as_str()));
    let agents = center.agents.iter().map(|a| (&a.skills, a.name_span, "agent", a.name.as_str()));
    for (skills, span, what, name) in queues.chain(agents) {
        for skill in skills {
            if seen.insert(skill) && seen.len() > bounds::SKILLS_MAX {
                let message = format!(
                    "{what} `{name}` names skill `{skill}`, one more than the {} distinct skills a center may use",
                    bounds::SKILLS_MAX
                );
                diags.push(
                    Diagnostic::new(Code::BadCenterValue, span, message)
                        .with_label("skill number 256")
                        .with_help("merge skills that always go together, or split the center"),
                );
                return;
            }
        }
    }
}

fn load_queue(
    loc: &Locator<'_>,
    diags: &mut Vec<Diagnostic>,
    queues_region: Region,
    queues_span: Span,
    key: Value,
    mut value: Value,
) -> Option<QueueConfig> {
    let Value::String(name) = key else {
        let message = format!("a queue name must be a name, not {}", show(&key));
        diags.push(Diagnostic::new(Code::BadCenterFile, queues_span, message).with_label("in this section"));
        return None;
    };
    let hit = loc.find_child_key(queues_region, &name);
    let name_span = hit.as_ref().map_or(queues_span, |h| loc.span(h.key.clone()));
    let region = hit.as_ref().map_or(queues_region, |h| h.block);
    let owner = format!("in queue `{name}`");
    if name.trim().is_empty() {
        diags.push(
            Diagnostic::new(Code::BadCenterValue, name_span, "a queue name cannot be empty")
                .with_label("empty name"),
        );
        return None;
    }
    let mut keys = KeyCheck { loc, diags };
    let raw = match &mut value {
        Value::Null => RawQueue::default(),
        Value::Mapping(map) => {
            keys.check::<RawQueue>(map, region, name_span, "setting", &owner, |key| {
                field_names::<RawCallback>()
                    .contains(&key)
                    .then(|| format!("`{key}` is a callback setting; put it under `callback:`"))
            });
            if let Some(Value::Mapping(cb)) = map.get_mut("callback") {
                let cb_hit = loc.find_child_key(region, "callback");
                let cb_region = cb_hit.as_ref().map_or(region, |h| h.block);
                let cb_span = cb_hit.map_or(name_span, |h| loc.span(h.entry));
                keys.check::<RawCallback>(cb, cb_region, cb_span, "setting", &owner, |_| None);
            }
            match serde_yaml::from_value::<RawQueue>(value) {
                Ok(raw) => raw,
                Err(e) => {
                    let message = format!("queue `{name}` cannot be read: {e}");
                    diags.push(Diagnostic::new(Code::BadCenterFile, name_span, message));
                    RawQueue::default()
                }
            }
        }
        other => {
            let message = format!("queue `{name}` must be a mapping of settings, not {}", show(other));
            diags.push(
                Diagnostic::new(Code::BadCenterFile, name_span, message)
                    .with_label("expected settings such as `callback:`")
                    .with_help(format!("a queue with default settings is written `{name}: {{}}`")),
            );
            RawQueue::default()
        }
    };
    let mut scope = Scope { loc, owner, region, fallback: name_span, diags };
    Some(validate::queue(&mut scope, name, name_span, raw))
}

fn load_agent(
    loc: &Locator<'_>,
    diags: &mut Vec<Diagnostic>,
    item: Option<Region>,
    agents_region: Region,
    agents_span: Span,
    index: usize,
    mut value: Value,
) -> Option<AgentConfig> {
    let number = format!("agent #{}", index + 1);
    let Value::Mapping(map) = &mut value else {
        let span = item.map_or(agents_span, |r| loc.region_span(r));
        let message = format!("{number} must be a mapping such as `- name: alice`, not {}", show(&value));
        diags.push(
            Diagnostic::new(Code::BadCenterFile, span, message)
                .with_label("expected `name:`, `skills:`, `queues:`"),
        );
        return None;
    };
    // Without block-style items, find the agent by its name in the `agents` section.
    let name_value = map.get("name").and_then(Value::as_str).map(str::to_owned);
    let region = item.unwrap_or_else(|| {
        name_value
            .as_deref()
            .and_then(|n| loc.find_value(agents_region, n))
            .map_or(agents_region, |r| Region { lo: r.start, hi: r.end })
    });
    let fallback = item.map_or(agents_span, |r| loc.region_span(r));
    let owner = match &name_value {
        Some(n) => format!("of agent `{n}`"),
        None => format!("of {number}"),
    };
    let mut keys = KeyCheck { loc, diags };
    keys.check::<RawAgent>(map, region, fallback, "setting", &owner, |_| None);
    let mut raw = match serde_yaml::from_value::<RawAgent>(value) {
        Ok(raw) => raw,
        Err(e) => {
            diags.push(Diagnostic::new(
                Code::BadCenterFile,
                fallback,
                format!("{number} cannot be read: {e}"),
            ));
            return None;
        }
    };
    let name_span = loc
        .find_key(region, "name", None)
        .map_or(fallback, |h| if h.value.is_empty() { loc.span(h.key) } else { loc.span(h.value) });
    let name_field = raw.name.take();
    let name_written = name_field.is_some();
    let mut scope = Scope { loc, owner, region, fallback, diags };
    let name = match scope.read("name", name_field) {
        Some(n) if !n.trim().is_empty() => Some(n),
        Some(_) => {
            let d =
                Diagnostic::new(Code::BadCenterValue, name_span, format!("the name of {number} is empty"));
            scope.diags.push(d.with_label("empty name"));
            None
        }
        None => {
            if !name_written {
                let d = Diagnostic::new(Code::BadCenterFile, fallback, format!("{number} has no `name`"))
                    .with_label("every agent needs a unique `name:`");
                scope.diags.push(d);
            }
            None
        }
    };
    let Some(name) = name else {
        // Still check the rest of the entry.
        validate::agent(&mut scope, String::new(), name_span, raw);
        return None;
    };
    Some(validate::agent(&mut scope, name, name_span, raw))
}

/// Adds an agent after checking its queues exist and its name is new.
fn add_agent(
    loc: &Locator<'_>,
    diags: &mut Vec<Diagnostic>,
    center: &mut Center,
    seen: &mut std::collections::HashMap<String, Span>,
    mut agent: AgentConfig,
    item: Option<Region>,
) {
    let queues_hit = item.and_then(|r| loc.find_key(r, "queues", None));
    agent.queues.retain(|queue| {
        if center.queues.contains_key(queue) {
            return true;
        }
        let span = queues_hit.as_ref().and_then(|h| loc.find_value(h.block, queue)).map_or_else(
            || queues_hit.as_ref().map_or(agent.name_span, |h| loc.span(h.entry.clone())),
            |r| loc.span(r),
        );
        let message = format!("agent `{}` is a member of queue `{queue}`, which is not declared", agent.name);
        let help = match suggest(queue, center.queues.keys().map(String::as_str)) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("declare it under `queues:` (`{queue}: {{}}` is enough)"),
        };
        diags.push(
            Diagnostic::new(Code::BadCenterValue, span, message)
                .with_label("not in `queues`")
                .with_help(help),
        );
        false
    });
    if let Some(&first) = seen.get(&agent.name) {
        let message = format!("agent `{}` is listed twice", agent.name);
        diags.push(
            Diagnostic::new(Code::BadCenterValue, agent.name_span, message)
                .with_label("second entry")
                .with_secondary(first, "first listed here")
                .with_help("agent names must be unique; merge the two entries"),
        );
        return;
    }
    seen.insert(agent.name.clone(), agent.name_span);
    center.agents.push(agent);
}

/// Reports and removes the keys of a mapping that its serde struct does not know.
pub(super) struct KeyCheck<'a, 'b> {
    pub loc: &'a Locator<'b>,
    pub diags: &'a mut Vec<Diagnostic>,
}

impl KeyCheck<'_, '_> {
    pub(super) fn check<T: serde::de::DeserializeOwned>(
        &mut self,
        map: &mut Mapping,
        region: Region,
        fallback: Span,
        noun: &str,
        owner: &str,
        extra_help: impl Fn(&str) -> Option<String>,
    ) {
        let allowed = field_names::<T>();
        let unknown: Vec<Value> =
            map.keys().filter(|k| !k.as_str().is_some_and(|s| allowed.contains(&s))).cloned().collect();
        for key in unknown {
            map.remove(&key);
            let (shown, span) = match key.as_str() {
                Some(name) => {
                    let hit = self.loc.find_child_key(region, name);
                    (format!("`{name}`"), hit.map_or(fallback, |h| self.loc.span(h.key)))
                }
                None => (show(&key), fallback),
            };
            let name = key.as_str().unwrap_or_default();
            let help = extra_help(name)
                .or_else(|| suggest(name, allowed.iter().copied()).map(|s| format!("did you mean `{s}`?")))
                .unwrap_or_else(|| {
                    format!(
                        "known here: {}",
                        allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
                    )
                });
            let message = format!("unknown {noun} {shown} {owner}");
            self.diags.push(
                Diagnostic::new(Code::BadCenterFile, span, message)
                    .with_label(format!("not a known {noun}"))
                    .with_help(help),
            );
        }
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(super) fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A YAML syntax error (or duplicate key), placed at serde_yaml's line and column.
fn yaml_error(loc: &Locator<'_>, error: &serde_yaml::Error) -> Diagnostic {
    let text = error.to_string();
    let Some(at) = error.location() else {
        let message = format!("center.yaml is not valid YAML: {text}");
        return Diagnostic::new(Code::BadCenterFile, loc.start(), message);
    };
    let offset = loc.offset(at.line(), at.column());
    let suffix = format!(" at line {} column {}", at.line(), at.column());
    let text = text.replacen(&suffix, "", 1);
    // serde_yaml reports a repeated key at the start of its mapping; point at the repeat instead.
    if let Some(key) = text.split("duplicate entry with key ").nth(1) {
        let key = key.trim_matches('"').to_string();
        let region = Region { lo: offset, hi: loc.text.len() };
        let span = loc.find_key(region, &key, None).and_then(|first| {
            let line_start = loc.text[..first.entry.start].rfind('\n').map_or(0, |i| i + 1);
            let prefix = &loc.text[line_start..first.entry.start];
            let column = prefix.bytes().all(|b| b == b' ').then_some(prefix.len());
            let after = Region { lo: first.entry.end, hi: loc.text.len() };
            loc.find_key(after, &key, column).map(|second| loc.span(second.key))
        });
        return Diagnostic::new(
            Code::BadCenterFile,
            span.unwrap_or_else(|| loc.char_span(offset)),
            format!("`{key}` is written twice in the same mapping"),
        )
        .with_label("written again here")
        .with_help("remove or rename one of them");
    }
    Diagnostic::new(
        Code::BadCenterFile,
        loc.char_span(offset),
        format!("center.yaml is not valid YAML: {text}"),
    )
    .with_label("here")
}
