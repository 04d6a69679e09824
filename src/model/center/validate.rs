//! Turning the raw serde structs into checked settings: every value is read, type errors become
//! E0801, bound errors E0802, and a bad value falls back to its default so checking can go on.

use super::raw::{Dur, Expected, Field, Names, Phone, RawCallback, RawQueue};
use super::slots::{DAY_NAMES, SlotSettings, parse_hours};
use super::{AgentConfig, CallbackSettings, QueueConfig, limits};
use crate::diagnostics::{Code, Diagnostic};
use crate::input::{Locator, Region};
use crate::model::bounds;
use crate::source::Span;
use crate::time::format_duration;

/// Where one queue's or agent's settings are written, and who to name in messages.
pub(super) struct Scope<'a, 'b> {
    pub loc: &'a Locator<'b>,
    /// "in queue `Support`", "of agent `bob`".
    pub owner: String,
    /// The block holding the settings.
    pub region: Region,
    /// Where to point when a setting cannot be found in the text.
    pub fallback: Span,
    pub diags: &'a mut Vec<Diagnostic>,
}

impl Scope<'_, '_> {
    /// The span of `key: value`, or the fallback.
    pub fn entry(&self, key: &str) -> Span {
        self.loc.find_child_key(self.region, key).map_or(self.fallback, |h| self.loc.span(h.entry))
    }

    /// The same scope, searching a nested block (`callback:`) when it can be found.
    pub fn nested(&mut self, key: &str) -> Scope<'_, '_> {
        let hit = self.loc.find_child_key(self.region, key);
        Scope {
            loc: self.loc,
            owner: self.owner.clone(),
            region: hit.as_ref().map_or(self.region, |h| h.block),
            fallback: hit.map_or(self.fallback, |h| self.loc.span(h.entry)),
            diags: self.diags,
        }
    }

    /// A setting's value; a value of the wrong type is reported (E0801) and read as absent.
    pub fn read<T: Expected>(&mut self, key: &str, field: Option<Field<T>>) -> Option<T> {
        match field?.0 {
            Ok(value) => Some(value),
            Err(reason) => {
                let mut d = Diagnostic::new(
                    Code::BadCenterFile,
                    self.entry(key),
                    format!("`{key}` {} {reason}", self.owner),
                )
                .with_label(format!("expected {}", T::WHAT));
                if let Some(help) = T::HELP {
                    d = d.with_help(help);
                }
                self.diags.push(d);
                None
            }
        }
    }

    fn out_of_range(&mut self, key: &str, shown: String, lo: String, hi: String) {
        let message = format!("`{key}` {} is {shown}, but it must be from {lo} to {hi}", self.owner);
        let d = Diagnostic::new(Code::BadCenterValue, self.entry(key), message).with_label("out of bounds");
        self.diags.push(d);
    }

    pub fn int(&mut self, key: &str, field: Option<Field<i64>>, default: i64, lo: i64, hi: i64) -> i64 {
        match self.read(key, field) {
            None => default,
            Some(v) if (lo..=hi).contains(&v) => v,
            Some(v) => {
                self.out_of_range(key, v.to_string(), lo.to_string(), hi.to_string());
                default
            }
        }
    }

    pub fn secs(&mut self, key: &str, field: Option<Field<Dur>>, default: i64, lo: i64, hi: i64) -> i64 {
        match self.read(key, field) {
            None => default,
            Some(Dur(v)) if (lo..=hi).contains(&v) => v,
            Some(Dur(v)) => {
                self.out_of_range(key, format_duration(v), format_duration(lo), format_duration(hi));
                default
            }
        }
    }

    pub fn flag(&mut self, key: &str, field: Option<Field<bool>>, default: bool) -> bool {
        self.read(key, field).unwrap_or(default)
    }

    pub fn names(&mut self, key: &str, field: Option<Field<Names>>) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for name in self.read(key, field).map(|n| n.0).unwrap_or_default() {
            if name.trim().is_empty() {
                let d = Diagnostic::new(
                    Code::BadCenterValue,
                    self.entry(key),
                    format!("`{key}` {} lists an empty name", self.owner),
                );
                self.diags.push(d.with_label("empty name"));
            } else if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

/// A queue's settings; `scope.region` is the queue's block.
pub(super) fn queue(scope: &mut Scope<'_, '_>, name: String, name_span: Span, raw: RawQueue) -> QueueConfig {
    let skills = scope.names("skills", raw.skills);
    let ani_span = raw.ani.as_ref().map(|_| scope.entry("ani"));
    let ani = match scope.read("ani", raw.ani) {
        Some(Phone(ani)) if looks_like_e164(&ani) => Some(ani),
        Some(Phone(ani)) => {
            let message = format!("`ani` {} is `{ani}`, which is not an E.164 number", scope.owner);
            scope.diags.push(
                Diagnostic::new(Code::BadCenterValue, scope.entry("ani"), message)
                    .with_label("expected `+` and 8 to 15 digits")
                    .with_help("write the country code after a `+`, without spaces: \"+31201234567\""),
            );
            None
        }
        None => None,
    };
    let callback = match scope.read("callback", raw.callback) {
        Some(raw_cb) => callback(&mut scope.nested("callback"), raw_cb),
        None => CallbackSettings::default(),
    };
    let ani_span = ani.as_ref().and(ani_span);
    let hold_music_span = raw.hold_music.as_ref().map(|_| scope.entry("hold_music"));
    let hold_music = match scope.read("hold_music", raw.hold_music) {
        Some(m) if m.trim().is_empty() => {
            let message = format!("`hold_music` {} is empty", scope.owner);
            scope.diags.push(
                Diagnostic::new(Code::BadCenterValue, scope.entry("hold_music"), message)
                    .with_label("no file named")
                    .with_help(
                        "name a recording of the project, e.g. \"audio/hold.wav\", or leave the setting out",
                    ),
            );
            None
        }
        other => other,
    };
    let hold_music_span = hold_music.as_ref().and(hold_music_span);
    QueueConfig { name, ani, ani_span, callback, skills, hold_music, hold_music_span, name_span }
}

/// `+` then 8 to 15 digits; the full number plan check is done by the checker.
fn looks_like_e164(s: &str) -> bool {
    s.strip_prefix('+')
        .is_some_and(|digits| (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
}

fn callback(scope: &mut Scope<'_, '_>, mut raw: RawCallback) -> CallbackSettings {
    use bounds::*;
    let d = CallbackSettings::default();
    let raw_slots = RawSlots {
        length: raw.slot_length.take(),
        capacity: raw.slot_capacity.take(),
        hours: raw.open_hours.take(),
        days: raw.open_days.take(),
        timezone: raw.hours_timezone.take(),
    };
    let window_min_written = matches!(raw.window_min, Some(Field(Ok(_))));
    let window_max_written = matches!(raw.window_max, Some(Field(Ok(_))));
    let outbound_flow_span = raw.outbound_flow.as_ref().map(|_| scope.entry("outbound_flow"));
    let outbound_flow = scope.read("outbound_flow", raw.outbound_flow).zip(outbound_flow_span);
    let settings = CallbackSettings {
        connect_within_secs: d.connect_within_secs,
        preview_secs: d.preview_secs,
        mode: scope.read("mode", raw.mode).unwrap_or(d.mode),
        pacing_modifier: scope.int(
            "pacing_modifier",
            raw.pacing_modifier,
            d.pacing_modifier,
            PACING_MIN,
            PACING_MAX,
        ),
        attempts: scope.int("attempts", raw.attempts, d.attempts, ATTEMPTS_MIN, ATTEMPTS_MAX),
        retry_interval_secs: scope.secs(
            "retry_interval",
            raw.retry_interval,
            d.retry_interval_secs,
            limits::RETRY_INTERVAL_MIN_SECS,
            RETRY_INTERVAL_MAX_SECS,
        ),
        max_days_ahead: scope.int("max_days_ahead", raw.max_days_ahead, d.max_days_ahead, 1, DAYS_AHEAD_MAX),
        min_lead_secs: scope.secs("min_lead", raw.min_lead, d.min_lead_secs, 0, limits::MIN_LEAD_MAX_SECS),
        window_min_secs: scope.secs(
            "window_min",
            raw.window_min,
            d.window_min_secs,
            limits::WINDOW_FLOOR_SECS,
            limits::WINDOW_CEILING_SECS,
        ),
        window_max_secs: scope.secs(
            "window_max",
            raw.window_max,
            d.window_max_secs,
            limits::WINDOW_FLOOR_SECS,
            limits::WINDOW_CEILING_SECS,
        ),
        preserve_skills_priority: scope.flag(
            "preserve_skills_priority",
            raw.preserve_skills_priority,
            d.preserve_skills_priority,
        ),
        ownership_period_secs: scope.secs(
            "ownership_period",
            raw.ownership_period,
            d.ownership_period_secs,
            OWNERSHIP_MIN_SECS,
            OWNERSHIP_MAX_SECS,
        ),
        assign_to_queue_on_expiry: scope.flag(
            "assign_to_queue_on_expiry",
            raw.assign_to_queue_on_expiry,
            d.assign_to_queue_on_expiry,
        ),
        auto_answer: scope.flag("auto_answer", raw.auto_answer, d.auto_answer),
        auto_dial_delay_secs: scope.secs(
            "auto_dial_delay",
            raw.auto_dial_delay,
            d.auto_dial_delay_secs,
            0,
            AUTO_DIAL_DELAY_MAX_SECS,
        ),
        auto_end: scope.flag("auto_end", raw.auto_end, d.auto_end),
        offer_timeout_secs: scope.secs(
            "offer_timeout",
            raw.offer_timeout,
            d.offer_timeout_secs,
            limits::OFFER_TIMEOUT_MIN_SECS,
            limits::OFFER_TIMEOUT_MAX_SECS,
        ),
        answering_machine: scope
            .read("answering_machine", raw.answering_machine)
            .unwrap_or(d.answering_machine),
        duplicate_window_secs: scope.secs(
            "duplicate_window",
            raw.duplicate_window,
            d.duplicate_window_secs,
            0,
            limits::DUPLICATE_WINDOW_MAX_SECS,
        ),
        inactive_after_secs: scope.secs(
            "inactive_after",
            raw.inactive_after,
            d.inactive_after_secs,
            limits::INACTIVE_AFTER_MIN_SECS,
            limits::INACTIVE_AFTER_MAX_SECS,
        ),
        outbound_flow,
        slots: slots(scope, raw_slots),
        owner_away: scope.read("owner_away", raw.owner_away).unwrap_or(d.owner_away),
        dispositions: match raw.dispositions {
            None => d.dispositions.clone(),
            written => scope.names("dispositions", written),
        },
    };
    if settings.answering_machine == crate::model::center::AnsweringMachine::Flow
        && settings.outbound_flow.is_none()
    {
        let diag = Diagnostic::new(
            Code::BadCenterValue,
            scope.entry("answering_machine"),
            format!("`answering_machine: flow` {} has no outbound flow to run", scope.owner),
        )
        .with_label("no `outbound_flow` here")
        .with_help(
            "name the flow with `outbound_flow: Name`, or choose `hang_up`, `connect` or `leave_message`",
        );
        scope.diags.push(diag);
    }
    let (min, max) = (settings.window_min_secs, settings.window_max_secs);
    if min > max {
        let show = |secs: i64, written: bool| {
            if written { format_duration(secs) } else { format!("{}, the default", format_duration(secs)) }
        };
        let (key, other) =
            if window_min_written { ("window_min", "window_max") } else { ("window_max", "window_min") };
        let message = format!(
            "`window_min` {} ({}) is longer than `window_max` ({})",
            scope.owner,
            show(min, window_min_written),
            show(max, window_max_written)
        );
        let mut diag = Diagnostic::new(Code::BadCenterValue, scope.entry(key), message)
            .with_label("the shortest call-back window must not exceed the longest")
            .with_help("make `window_min` at most `window_max`");
        if window_min_written && window_max_written {
            diag = diag.with_secondary(scope.entry(other), "the longest window");
        }
        scope.diags.push(diag);
        return CallbackSettings { window_min_secs: d.window_min_secs.min(max), ..settings };
    }
    settings
}

/// The booking-slot settings as written.
struct RawSlots {
    length: Option<Field<Dur>>,
    capacity: Option<Field<i64>>,
    hours: Option<Field<String>>,
    days: Option<Field<Names>>,
    timezone: Option<Field<String>>,
}

fn slots(scope: &mut Scope<'_, '_>, raw: RawSlots) -> SlotSettings {
    let d = SlotSettings::default();
    let length_secs = scope.secs("slot_length", raw.length, d.length_secs, 5 * 60, 86_400);
    // 0 stands for "not set" (the default, no limit) when the written value is refused.
    let capacity =
        u32::try_from(scope.int("slot_capacity", raw.capacity, 0, 1, 100_000)).ok().filter(|c| *c > 0);
    let bad = |scope: &mut Scope<'_, '_>, key: &str, message: String, help: &str| {
        let d = Diagnostic::new(Code::BadCenterValue, scope.entry(key), message).with_help(help.to_string());
        scope.diags.push(d.with_label("not understood"));
    };
    let open = match scope.read("open_hours", raw.hours) {
        None => None,
        Some(text) => match parse_hours(&text) {
            Some(h) => Some(h),
            None => {
                let message = format!("`open_hours` {} is `{text}`, which is not `HH:MM-HH:MM`", scope.owner);
                bad(
                    scope,
                    "open_hours",
                    message,
                    "write the opening hours like \"08:00-18:00\" (end after start; `24:00` for midnight)",
                );
                None
            }
        },
    };
    let mut days = if raw.days.is_some() { [false; 7] } else { d.days };
    for name in scope.names("open_days", raw.days) {
        match DAY_NAMES.iter().position(|d| name.to_ascii_lowercase().starts_with(d)) {
            Some(i) => days[i] = true,
            None => {
                let message = format!("`open_days` {} lists `{name}`, which is not a weekday", scope.owner);
                bad(scope, "open_days", message, "write the days as mon, tue, wed, thu, fri, sat, sun");
                // Like every bad value: the default, so checking goes on.
                days = d.days;
                break;
            }
        }
    }
    let timezone = match scope.read("hours_timezone", raw.timezone) {
        None => d.timezone,
        Some(text) => text.parse().unwrap_or_else(|_| {
            let message =
                format!("`hours_timezone` {} is `{text}`, which is not an IANA time zone", scope.owner);
            bad(
                scope,
                "hours_timezone",
                message,
                "write a zone such as Europe/Amsterdam or America/New_York",
            );
            d.timezone
        }),
    };
    SlotSettings { length_secs, capacity, open, days, timezone }
}

/// An agent's settings other than its name; `scope.region` is the agent's list item.
pub(super) fn agent(
    scope: &mut Scope<'_, '_>,
    name: String,
    name_span: Span,
    raw: super::raw::RawAgent,
) -> AgentConfig {
    let skills = scope.names("skills", raw.skills);
    let queues = scope.names("queues", raw.queues);
    let wrap_up_secs =
        scope.secs("wrap_up", raw.wrap_up, limits::WRAP_UP_DEFAULT_SECS, 0, limits::WRAP_UP_MAX_SECS);
    AgentConfig { name, skills, queues, wrap_up_secs, name_span }
}
