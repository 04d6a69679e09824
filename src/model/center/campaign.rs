//! `campaigns:` of center.yaml — outbound campaigns a supervisor starts, pauses and stops (seed
//! 002): each names its queue (whose agents are the campaign's), its dialling mode, its contact
//! list (a CSV file of the project), the local hours contacts may be called, attempts and retry,
//! the abandonment ceiling predictive pacing keeps under, and how a call may be rescheduled.
//!
//! ```yaml
//! campaigns:
//!   Renewals:
//!     queue: Renewals
//!     mode: preview            # preview | push_preview | progressive | predictive
//!     contacts: renewals.csv   # name, timezone, home / mobile / work numbers and their hours
//!     region: NL               # the region national numbers in the list are read in
//!     hours: 09:00-20:00       # in each contact's zone
//!     attempts: 3
//!     retry: 1h
//!     preview: 60s             # preview: the record is dialled when the preview time is up
//!     max_abandon: 3%
//!     reschedule: choice       # personal | campaign | choice (the agent picks)
//! ```
//!
//! Reading the file sets each campaign queue's callback settings for its mode
//! ([`crate::model::DialMode::apply`]), so the dispatcher serves the records the way the mode says.

use super::load::{KeyCheck, suggest, top_mapping};
use super::raw::{Dur, Field, show};
use super::validate::Scope;
use super::{Center, slots::parse_hours};
use crate::diagnostics::{Code, Diagnostic};
use crate::input::Locator;
use crate::model::DialMode;
use crate::source::Span;
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use serde_yaml::{Mapping, Value};

/// Who a rescheduled campaign call goes to (seed 002: an environment may force one kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reschedule {
    /// The agent chooses personal or campaign each time.
    Choice,
    /// Always the agent who rescheduled it (an agent-owned callback).
    Personal,
    /// Always any agent of the campaign.
    Campaign,
}

impl Reschedule {
    pub fn as_str(self) -> &'static str {
        match self {
            Reschedule::Choice => "choice",
            Reschedule::Personal => "personal",
            Reschedule::Campaign => "campaign",
        }
    }

    /// Whether a reschedule of `kind` (`personal` or `campaign`) is allowed here.
    pub fn allows(self, kind: Reschedule) -> bool {
        self == Reschedule::Choice || self == kind
    }
}

/// One campaign of center.yaml.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignConfig {
    pub name: String,
    /// Its queue: the agents of the queue are the campaign's agents; the queue's dispositions
    /// close its calls.
    pub queue: String,
    pub mode: DialMode,
    /// The contact list, a CSV file relative to the project's folder.
    pub contacts: String,
    /// The region national numbers in the list are read in (`NL`).
    pub region: Option<String>,
    /// The local hours a contact may be called, in the contact's zone.
    #[serde(serialize_with = "hours_text")]
    pub hours: (NaiveTime, NaiveTime),
    pub attempts: i64,
    pub retry_secs: i64,
    /// Preview: how long the agent sees the record before it is dialled.
    pub preview_secs: i64,
    /// Predictive: the abandoned / answered ceiling the pacing keeps under (0.03).
    pub max_abandon: f64,
    pub reschedule: Reschedule,
    /// The campaign's name in center.yaml (problems with its list point here).
    pub name_span: Span,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCampaign {
    pub queue: Option<Field<String>>,
    pub mode: Option<Field<String>>,
    pub contacts: Option<Field<String>>,
    pub region: Option<Field<String>>,
    pub hours: Option<Field<String>>,
    pub attempts: Option<Field<i64>>,
    pub retry: Option<Field<Dur>>,
    pub preview: Option<Field<Dur>>,
    pub max_abandon: Option<Field<ShareText>>,
    pub reschedule: Option<Field<String>>,
}

/// A share written `3%` or `0.03` (YAML reads the latter as a number).
#[derive(Debug)]
pub(super) struct ShareText(String);

impl<'de> Deserialize<'de> for ShareText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(ShareText(s)),
            Value::Number(n) => Ok(ShareText(n.to_string())),
            other => Err(serde::de::Error::custom(show(&other))),
        }
    }
}

impl super::raw::Expected for ShareText {
    const WHAT: &'static str = "a share such as 3% or 0.03";
}

impl super::raw::Expected for RawCampaign {
    const WHAT: &'static str = "a mapping of campaign settings";
}

/// Default calling hours: 09:00 to 21:00 in the contact's zone (the common legal window for
/// consumer calls).
const HOURS_DEFAULT: &str = "09:00-21:00";

/// `campaigns:` — each key a campaign's name, each value its settings. Runs after the queues are
/// read: a campaign's queue must be declared, and gets its mode's settings.
pub(super) fn load_campaigns(
    loc: &Locator<'_>,
    diags: &mut Vec<Diagnostic>,
    center: &mut Center,
    raw: Option<Field<Mapping>>,
    hit: Option<crate::input::KeyHit>,
) {
    let Some((region, section, map)) = top_mapping(loc, diags, "campaigns", raw, hit) else { return };
    for (key, mut value) in map {
        let Value::String(name) = key else {
            let message = format!("a campaign name must be a name, not {}", show(&key));
            diags.push(Diagnostic::new(Code::BadCenterFile, section, message).with_label("in this section"));
            continue;
        };
        let hit = loc.find_child_key(region, &name);
        let name_span = hit.as_ref().map_or(section, |h| loc.span(h.key.clone()));
        let block = hit.as_ref().map_or(region, |h| h.block);
        let owner = format!("in campaign `{name}`");
        let raw = match &mut value {
            Value::Mapping(m) => {
                KeyCheck { loc, diags }
                    .check::<RawCampaign>(m, block, name_span, "setting", &owner, |_| None);
                serde_yaml::from_value::<RawCampaign>(value).unwrap_or_default()
            }
            other => {
                let message = format!("campaign `{name}` must be a mapping of settings, not {}", show(other));
                diags.push(
                    Diagnostic::new(Code::BadCenterFile, name_span, message)
                        .with_label("expected settings such as `queue:` and `contacts:`"),
                );
                continue;
            }
        };
        let mut scope = Scope { loc, owner, region: block, fallback: name_span, diags };
        if let Some(c) = campaign(&mut scope, center, name, name_span, raw) {
            if center.campaigns.iter().any(|o| o.queue == c.queue) {
                let message =
                    format!("campaign `{}` shares queue `{}` with another campaign", c.name, c.queue);
                let d = Diagnostic::new(Code::BadCenterValue, scope.entry("queue"), message)
                    .with_label("a queue already dialling a campaign")
                    .with_help(
                        "give each campaign a queue of its own (its agents may be members of several)",
                    );
                scope.diags.push(d);
                continue;
            }
            if let Some(q) = center.queues.get_mut(&c.queue) {
                let s = &mut q.callback;
                c.mode.apply(s, c.attempts, c.retry_secs, c.preview_secs);
                if c.mode == DialMode::Preview {
                    s.preview_secs = Some(c.preview_secs);
                }
                // A record is due when it is fed (its window opens seconds later); a rescheduled
                // call may be booked minutes ahead.
                s.min_lead_secs = 0;
            }
            center.campaigns.push(c);
        }
    }
}

fn campaign(
    scope: &mut Scope<'_, '_>,
    center: &Center,
    name: String,
    name_span: Span,
    raw: RawCampaign,
) -> Option<CampaignConfig> {
    let mut ok = true;
    let queue = match scope.read("queue", raw.queue) {
        Some(q) if center.queues.contains_key(&q) => q,
        Some(q) => {
            let mut d = Diagnostic::new(
                Code::BadCenterValue,
                scope.entry("queue"),
                format!("campaign `{name}` names queue `{q}`, which center.yaml does not declare"),
            )
            .with_label("unknown queue");
            if let Some(s) = suggest(&q, center.queue_names()) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            scope.diags.push(d);
            return None;
        }
        None => {
            let d =
                Diagnostic::new(Code::BadCenterValue, name_span, format!("campaign `{name}` has no `queue`"))
                    .with_label("no queue")
                    .with_help("name the queue whose agents work the campaign: `queue: Renewals`");
            scope.diags.push(d);
            return None;
        }
    };
    let mode_text = scope.read("mode", raw.mode).unwrap_or_else(|| "preview".into());
    let mode = DialMode::parse(&mode_text).unwrap_or_else(|| {
        let d = Diagnostic::new(
            Code::BadCenterValue,
            scope.entry("mode"),
            format!("`mode` {} is `{mode_text}`, not a dialling mode", scope.owner),
        )
        .with_label("unknown mode")
        .with_help("use preview, push_preview, progressive or predictive");
        scope.diags.push(d);
        ok = false;
        DialMode::Preview
    });
    let contacts = match scope.read("contacts", raw.contacts) {
        Some(c) if !c.trim().is_empty() => c,
        _ => {
            let d = Diagnostic::new(
                Code::BadCenterValue,
                name_span,
                format!("campaign `{name}` has no `contacts` (its contact list)"),
            )
            .with_label("no contact list")
            .with_help("name a CSV file of the project: `contacts: renewals.csv`");
            scope.diags.push(d);
            return None;
        }
    };
    let hours_text = scope.read("hours", raw.hours).unwrap_or_else(|| HOURS_DEFAULT.into());
    let hours = parse_hours(&hours_text).unwrap_or_else(|| {
        let d = Diagnostic::new(
            Code::BadCenterValue,
            scope.entry("hours"),
            format!("`hours` {} is `{hours_text}`, not calling hours", scope.owner),
        )
        .with_label("expected HH:MM-HH:MM")
        .with_help("write the local hours contacts may be called, e.g. `09:00-20:00` (end after start)");
        scope.diags.push(d);
        ok = false;
        parse_hours(HOURS_DEFAULT).expect("the default hours parse")
    });
    let attempts = scope.int("attempts", raw.attempts, 3, 1, crate::model::bounds::ATTEMPTS_MAX);
    let retry_secs = scope.secs("retry", raw.retry, 3600, 60, 7 * 86_400);
    let preview_secs = scope.secs("preview", raw.preview, 60, 5, 3600);
    let max_abandon = match scope.read("max_abandon", raw.max_abandon) {
        None => 0.03,
        Some(ShareText(text)) => match share(&text) {
            Some(v) if v > 0.0 && v <= 0.2 => v,
            _ => {
                let d = Diagnostic::new(
                    Code::BadCenterValue,
                    scope.entry("max_abandon"),
                    format!("`max_abandon` {} is `{text}`, not a share from 0.1% to 20%", scope.owner),
                )
                .with_label("expected a share such as 3%")
                .with_help("write it as `3%` or `0.03` (the usual regulatory ceiling is 3%)");
                scope.diags.push(d);
                ok = false;
                0.03
            }
        },
    };
    let reschedule = match scope.read("reschedule", raw.reschedule).as_deref().map(str::trim) {
        None | Some("choice") => Reschedule::Choice,
        Some("personal") => Reschedule::Personal,
        Some("campaign") => Reschedule::Campaign,
        Some(other) => {
            let d = Diagnostic::new(
                Code::BadCenterValue,
                scope.entry("reschedule"),
                format!("`reschedule` {} is `{other}`", scope.owner),
            )
            .with_label("expected personal, campaign or choice")
            .with_help("`personal`: to the agent who reschedules; `campaign`: to any agent of the campaign; `choice`: the agent picks");
            scope.diags.push(d);
            ok = false;
            Reschedule::Choice
        }
    };
    let region = scope.read("region", raw.region).map(|r| r.trim().to_ascii_uppercase());
    ok.then_some(CampaignConfig {
        name,
        queue,
        mode,
        contacts,
        region,
        hours,
        attempts,
        retry_secs,
        preview_secs,
        max_abandon,
        reschedule,
        name_span,
    })
}

/// `3%`, `0.03` or a YAML number written as text by the reader.
fn share(text: &str) -> Option<f64> {
    let t = text.trim();
    match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().ok().map(|v| v / 100.0),
        None => t.parse::<f64>().ok(),
    }
}

fn hours_text<S: serde::Serializer>(h: &(NaiveTime, NaiveTime), s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{}-{}", h.0.format("%H:%M"), h.1.format("%H:%M")))
}
