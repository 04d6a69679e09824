//! The result of a simulation run: figures a workforce-management report would show, as JSON
//! ([`Report::to_json`]) or as a readable block ([`Report::to_text`]).
//!
//! A [`Report`] is built by [`Metrics::finish`](super::metrics::Metrics::finish). Every `f64` is
//! rounded to 6 decimals when the report is built, so the JSON text of a seeded run is the same on
//! every machine. Nothing here depends on the wall clock: the CLI prints throughput to stderr.
//!
//! # Definitions
//!
//! - **offered**: calls that entered a queue (a call that enters two queues counts twice).
//!   **arrived**: calls that entered the flow; some end in the IVR without queueing.
//! - **asa_seconds**: mean wait of answered calls.
//! - **p_wait**: calls that waited longer than zero (answered, abandoned, or left for a callback) /
//!   offered. Calls still waiting when the run ends are not offered yet: they count in
//!   arrived and in **unfinished**.
//! - **occupancy**: agent talk time / (simulated time × agents).
//! - **service_level** with threshold `t` (waits `≤ t` are within), three definitions:
//!   - `answered_within_over_offered` = answered within t / offered,
//!   - `answered_within_over_answered` = answered within t / answered,
//!   - `answered_within_over_offered_minus_short_abandons` = answered within t / (offered −
//!     abandoned within t).
//! - **mean_wait_all_seconds**: mean wait of answered and abandoned calls.
//! - **wait_percentiles_seconds**: waits of answered calls (3 significant digits, `max` exact to the
//!   millisecond).
//! - **abandon_rate**: abandoned / offered.
//!
//! A ratio with a zero denominator has no value: `null` in the JSON, `-` in the text, a gap in a
//! chart, and left out of the mean over replications. It is not 0: an interval in which nobody
//! was answered has no speed of answer (0 s would read as perfect service), and an interval with
//! no call offered has no service level (0% would drag a day's mean down).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Rounds to 6 decimals (the precision of every figure in a report).
/// The most intervals `to_text` lists one by one.
pub const MAX_TEXT_INTERVALS: usize = 48;

pub fn round6(x: f64) -> f64 {
    if !x.is_finite() {
        return 0.0;
    }
    let r = (x * 1e6).round() / 1e6;
    // No `-0` in the JSON.
    if r == 0.0 { 0.0 } else { r }
}

/// The three service-level definitions at one threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceLevel {
    pub threshold_seconds: f64,
    /// Answered within t / offered.
    pub answered_within_over_offered: Option<f64>,
    /// Answered within t / answered.
    pub answered_within_over_answered: Option<f64>,
    /// Answered within t / (offered − abandoned within t).
    pub answered_within_over_offered_minus_short_abandons: Option<f64>,
}

/// Percentiles of the wait of answered calls, in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitPercentiles {
    pub p50: f64,
    pub p80: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

/// The figures of one queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueReport {
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
    pub asa_seconds: Option<f64>,
    pub p_wait: Option<f64>,
    /// This queue's talk time / (simulated time × all agents): the queues' figures add up to the
    /// overall occupancy.
    pub occupancy: f64,
    pub service_level: ServiceLevel,
    pub mean_wait_all_seconds: Option<f64>,
    pub wait_percentiles_seconds: WaitPercentiles,
    pub abandon_rate: Option<f64>,
    pub callbacks_created: u64,
    pub talk_seconds: f64,
}

/// The figures of one reporting interval, counted by the interval a call arrived or was offered in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntervalReport {
    /// Local start time, such as `2026-12-01T08:30`.
    pub start: String,
    pub arrived: u64,
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
    pub asa_seconds: Option<f64>,
    pub service_level: ServiceLevel,
    /// Callers of the interval who left a queue for a callback.
    #[serde(default)]
    pub callbacks_created: u64,
    /// The mean number of callers waiting in queues, by Little's law: the waits of the interval's
    /// callers (answered, abandoned or leaving for a callback) over the interval's length.
    #[serde(default)]
    pub mean_queue_length: f64,
    /// Agents logged in and not on a break, on average over the interval, as scheduled (a roster
    /// with shifts and breaks shows its lunch dip here).
    pub agents: f64,
    /// Per agent group: talk time in the interval / the group's agent time scheduled in it.
    /// Present for scenarios with agent groups.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub occupancy_per_group: BTreeMap<String, f64>,
    /// Callbacks offered, accepted, dialled, connected in the interval, the backlog at its end and
    /// the time to callback. Present when the run offered or created callbacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callbacks: Option<crate::callbacks::stats::IntervalCallbacks>,
    /// Per queue: its calls offered in the interval and how they fared. Present when the run's
    /// calls entered more than one queue (with one, it is the interval's own figures).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub per_queue: BTreeMap<String, QueueInterval>,
}

/// One queue's figures in one reporting interval, for its calls offered in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueInterval {
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
    /// Callers who left the queue for a callback.
    pub callbacks_created: u64,
    pub asa_seconds: Option<f64>,
    pub service_level: ServiceLevel,
}

impl IntervalReport {
    /// An interval with no calls (one callbacks reached after the last caller's).
    pub fn empty(start: String, threshold_seconds: f64, agents: f64) -> IntervalReport {
        IntervalReport {
            start,
            arrived: 0,
            offered: 0,
            answered: 0,
            abandoned: 0,
            asa_seconds: None,
            service_level: ServiceLevel {
                threshold_seconds,
                answered_within_over_offered: None,
                answered_within_over_answered: None,
                answered_within_over_offered_minus_short_abandons: None,
            },
            callbacks_created: 0,
            mean_queue_length: 0.0,
            agents,
            occupancy_per_group: BTreeMap::new(),
            callbacks: None,
            per_queue: BTreeMap::new(),
        }
    }
}

/// The result of a run. The JSON keys are the field names, in this order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
    pub asa_seconds: Option<f64>,
    pub p_wait: Option<f64>,
    pub occupancy: f64,
    pub service_level: ServiceLevel,
    pub mean_wait_all_seconds: Option<f64>,
    pub wait_percentiles_seconds: WaitPercentiles,
    pub abandon_rate: Option<f64>,
    pub arrived: u64,
    /// Of the arrivals, calls placed again by callers who had abandoned (`callers.retrial`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retrials: u64,
    pub disconnected_in_flow: u64,
    pub flow_errors: u64,
    /// Calls that arrived and had not ended when the run did: still waiting in a queue (agents
    /// gone for the day, callers who never hang up) or still in the flow. Every arrival is one
    /// of these, offered to a queue (with its outcome there), ended in the flow, or a flow error.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unfinished: u64,
    pub callbacks_created: u64,
    pub agents: u32,
    pub simulated_seconds: f64,
    /// By queue name (sorted).
    pub per_queue: BTreeMap<String, QueueReport>,
    pub per_interval: Vec<IntervalReport>,
    /// Callbacks offered, accepted, completed, failed by reason, attempts, time to callback;
    /// present when the run offered or created any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callbacks: Option<crate::callbacks::stats::CallbackReport>,
    /// Per data action: calls, failures, time-outs and the mean time callers waited on it;
    /// present when the flow called any.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data_actions: BTreeMap<String, DataActionReport>,
    /// Per agent group of the scenario: its agents and how busy they were with calls (talk time
    /// / the group's scheduled agent time), the occupancy that stays right when agents are shared
    /// between queues. Present for scenarios with agent groups.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub per_group: BTreeMap<String, GroupReport>,
    /// Per outbound campaign (by name); present when the scenario has campaigns.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub campaigns: BTreeMap<String, CampaignReport>,
}

/// One outbound campaign over the run: the comparison an operations manager makes between
/// dialling modes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignReport {
    pub mode: String,
    pub contacts: u64,
    /// Listed contacts none of whose numbers may be called within the campaign's hours (their
    /// callable hours in their zone miss them): not dialled.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub not_callable: u64,
    pub dials: u64,
    /// A live voice answered.
    pub answered: u64,
    pub machine: u64,
    pub busy: u64,
    pub no_answer: u64,
    /// Answered customers connected with an agent.
    pub right_party_contacts: u64,
    /// Answered customers no agent took within 2 s (predictive and progressive).
    pub abandoned: u64,
    /// Abandoned / answered.
    pub abandon_rate: f64,
    /// Over the campaign's calling hours.
    pub dials_per_hour: f64,
    /// Right-party contacts per hour of calling.
    pub contacts_per_hour: f64,
    /// The most dials in progress per free agent at any grant (1 at most for progressive; 0 for
    /// the preview modes, which reserve the agent before dialling).
    pub dials_per_free_agent_peak: f64,
    /// Intervals with dials: abandonment per interval.
    pub per_interval: Vec<CampaignInterval>,
}

/// A campaign's dials in one reporting interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignInterval {
    pub start: String,
    pub dials: u64,
    pub answered: u64,
    pub abandoned: u64,
    pub abandon_rate: f64,
}

/// How busy one agent group was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    pub agents: u32,
    /// Talk time (calls and callbacks) / the group's agent time as scheduled.
    pub occupancy: f64,
    pub talk_seconds: f64,
}

/// How one data action did over a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataActionReport {
    pub calls: u64,
    pub failed: u64,
    pub timed_out: u64,
    pub mean_seconds: f64,
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// A ratio shown with `show`, or `-` when it has no value (its denominator was 0).
pub(crate) fn or_dash(v: Option<f64>, show: impl Fn(f64) -> String) -> String {
    v.map_or_else(|| "-".to_string(), show)
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The one format every time of the report is printed in: seconds with two decimals under a
/// minute (`32.07 s`), then minutes and seconds (`4m08s`), then hours (`1h19m37s`).
pub(crate) fn secs(x: f64) -> String {
    if x < 60.0 {
        return format!("{x:.2} s");
    }
    let s = x.round() as u64;
    if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m{:02}s", s / 3600, s / 60 % 60, s % 60)
    }
}

/// `20` → `20 s`; `0.5` → `0.5 s`.
pub(crate) fn threshold(t: f64) -> String {
    if t.fract() == 0.0 { format!("{t:.0} s") } else { format!("{t} s") }
}

impl Report {
    /// Pretty JSON with a final newline; the same run gives the same text.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// A readable report, naming each service-level definition in words.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let w = &mut out;
        let _ = writeln!(
            w,
            "Simulated {} ({} s) with {} agents",
            secs(self.simulated_seconds),
            self.simulated_seconds,
            self.agents
        );
        let _ = writeln!(w, "  Calls arrived                     {:>12}", self.arrived);
        if self.retrials > 0 {
            let _ = writeln!(w, "    of which retrials               {:>12}", self.retrials);
        }
        let _ = writeln!(w, "  Ended in the flow (no queue)      {:>12}", self.disconnected_in_flow);
        let _ = writeln!(w, "  Flow errors                       {:>12}", self.flow_errors);
        if self.unfinished > 0 {
            let _ = writeln!(w, "  Unfinished when the run ended     {:>12}", self.unfinished);
        }
        let _ = writeln!(w, "  Offered to queues                 {:>12}", self.offered);
        let answered_share = if self.offered == 0 { 0.0 } else { self.answered as f64 / self.offered as f64 };
        let _ = writeln!(
            w,
            "  Answered                          {:>12}  ({})",
            self.answered,
            pct(answered_share)
        );
        let _ = writeln!(
            w,
            "  Abandoned                         {:>12}  ({})",
            self.abandoned,
            or_dash(self.abandon_rate, pct)
        );
        let _ = writeln!(w, "  Callbacks created                 {:>12}", self.callbacks_created);
        for (name, d) in &self.data_actions {
            let share = |n: u64| pct(if d.calls == 0 { 0.0 } else { n as f64 / d.calls as f64 });
            let _ = writeln!(
                w,
                "  Data action {name}: {} calls, {} failed ({}), {} timed out ({}), callers waited {} on average",
                d.calls,
                d.failed,
                share(d.failed),
                d.timed_out,
                share(d.timed_out),
                secs(d.mean_seconds)
            );
        }
        let _ = writeln!(w);
        figures_text(
            w,
            "  ",
            self.asa_seconds,
            self.mean_wait_all_seconds,
            self.p_wait,
            self.occupancy,
            &self.wait_percentiles_seconds,
            &self.service_level,
        );
        for (name, q) in &self.per_queue {
            let _ = writeln!(w);
            let _ = writeln!(
                w,
                "Queue {name}: offered {}, answered {}, abandoned {} ({}), callbacks {}",
                q.offered,
                q.answered,
                q.abandoned,
                or_dash(q.abandon_rate, pct),
                q.callbacks_created
            );
            figures_text(
                w,
                "  ",
                q.asa_seconds,
                q.mean_wait_all_seconds,
                q.p_wait,
                q.occupancy,
                &q.wait_percentiles_seconds,
                &q.service_level,
            );
        }
        if !self.per_group.is_empty() {
            let _ = writeln!(w);
            let _ = writeln!(
                w,
                "Agent groups (occupancy = their talk time, calls and callbacks / their scheduled time):"
            );
            for (name, g) in &self.per_group {
                let _ = writeln!(
                    w,
                    "  {name:<20} {:>4} agents   talk {:>10}   occupancy {:>8}",
                    g.agents,
                    secs(g.talk_seconds),
                    pct(g.occupancy)
                );
            }
        }
        if let Some(c) = &self.callbacks {
            callbacks_text(w, c);
        }
        for (name, c) in &self.campaigns {
            let share = |n: u64| if c.dials == 0 { "-".to_string() } else { pct(n as f64 / c.dials as f64) };
            let _ = writeln!(w);
            let _ = writeln!(w, "Campaign {name} ({}), {} contacts:", c.mode, c.contacts);
            let _ = writeln!(
                w,
                "  Dials                             {:>12}  ({:.1} per hour)",
                c.dials, c.dials_per_hour
            );
            let _ = writeln!(
                w,
                "  Answered / machine / busy / none  {:>12}  ({} / {} / {} / {})",
                format!("{}/{}/{}/{}", c.answered, c.machine, c.busy, c.no_answer),
                share(c.answered),
                share(c.machine),
                share(c.busy),
                share(c.no_answer)
            );
            let _ = writeln!(
                w,
                "  Right-party contacts              {:>12}  ({:.1} per hour)",
                c.right_party_contacts, c.contacts_per_hour
            );
            let worst = c.per_interval.iter().map(|i| i.abandon_rate).fold(0.0, f64::max);
            let _ = writeln!(
                w,
                "  Abandoned (no agent within 2 s)   {:>12}  ({} of answered; worst interval {})",
                c.abandoned,
                pct(c.abandon_rate),
                pct(worst)
            );
        }
        // A day has 48 half hours; a longer run's table belongs in the JSON, not on a screen.
        if self.per_interval.len() > MAX_TEXT_INTERVALS {
            let _ = writeln!(w);
            let _ = writeln!(
                w,
                "{} reporting intervals: see `--format json` (`per_interval`) for the table.",
                self.per_interval.len()
            );
        } else if !self.per_interval.is_empty() {
            let t = threshold(self.service_level.threshold_seconds);
            let _ = writeln!(w);
            let _ = writeln!(w, "Per interval (service level = answered within {t} / offered):");
            // With callbacks, each interval's dials and the backlog at its end too.
            let callbacks = self.per_interval.iter().any(|i| i.callbacks.is_some());
            let _ = write!(
                w,
                "  {:<19} {:>10} {:>10} {:>10} {:>10} {:>10} {:>8} {:>7}",
                "start", "arrived", "offered", "answered", "abandoned", "ASA", "SL", "agents"
            );
            let _ = writeln!(
                w,
                "{}",
                if callbacks { format!(" {:>8} {:>8}", "dialled", "backlog") } else { String::new() }
            );
            for i in &self.per_interval {
                let _ = write!(
                    w,
                    "  {:<19} {:>10} {:>10} {:>10} {:>10} {:>10} {:>8} {:>7.1}",
                    i.start,
                    i.arrived,
                    i.offered,
                    i.answered,
                    i.abandoned,
                    or_dash(i.asa_seconds, secs),
                    or_dash(i.service_level.answered_within_over_offered, pct),
                    i.agents
                );
                let cb = i.callbacks.as_ref().filter(|_| callbacks);
                let _ = writeln!(
                    w,
                    "{}",
                    cb.map_or(String::new(), |c| format!(" {:>8} {:>8}", c.dialled, c.pending))
                );
            }
        }
        out
    }
}

fn callbacks_text(w: &mut String, c: &crate::callbacks::stats::CallbackReport) {
    let _ = writeln!(w);
    let _ = writeln!(w, "Callbacks:");
    let share = |n: u64, of: u64| if of == 0 { "-".to_string() } else { pct(n as f64 / of as f64) };
    let _ = writeln!(w, "  Offered to callers                {:>12}", c.offered);
    let _ = writeln!(
        w,
        "  Accepted (created)                {:>12}  ({} of offered)",
        c.accepted,
        share(c.accepted, c.offered)
    );
    let _ = writeln!(
        w,
        "  Completed                         {:>12}  ({} of accepted)",
        c.completed,
        share(c.completed, c.accepted)
    );
    for (reason, n) in &c.ended_by_reason {
        let _ = writeln!(w, "  Ended: {reason:<26} {n:>12}");
    }
    if c.refused > 0 {
        let _ = writeln!(w, "  Refused at creation               {:>12}", c.refused);
    }
    if c.pending_at_end > 0 {
        let _ = writeln!(w, "  Still pending at the end          {:>12}", c.pending_at_end);
    }
    let _ = writeln!(
        w,
        "  Dial attempts                     {:>12}  ({:.2} per ended callback)",
        c.attempts, c.attempts_per_callback
    );
    let _ = writeln!(
        w,
        "  Offers rejected / timed out       {:>12}",
        format!("{} / {}", c.rejected_offers, c.offer_timeouts)
    );
    let t = &c.time_to_callback_seconds;
    let _ = writeln!(
        w,
        "  Time to callback                  mean {}, p50 {}, p90 {}, p99 {}",
        secs(t.mean),
        secs(t.p50),
        secs(t.p90),
        secs(t.p99)
    );
    let _ = writeln!(
        w,
        "  Callback service level            {:>12}  (connected within {} / completed)",
        pct(c.service_level),
        threshold(c.target_seconds)
    );
}

#[allow(clippy::too_many_arguments)]
fn figures_text(
    w: &mut String,
    indent: &str,
    asa: Option<f64>,
    mean_all: Option<f64>,
    p_wait: Option<f64>,
    occupancy: f64,
    p: &WaitPercentiles,
    sl: &ServiceLevel,
) {
    let t = threshold(sl.threshold_seconds);
    let _ = writeln!(w, "{indent}Average speed of answer (ASA)            {}", or_dash(asa, secs));
    let _ = writeln!(w, "{indent}Mean wait, answered and abandoned        {}", or_dash(mean_all, secs));
    let _ = writeln!(w, "{indent}Probability of waiting (waited / offered) {}", or_dash(p_wait, pct));
    let _ = writeln!(w, "{indent}Occupancy (talk time / agent time)       {}", pct(occupancy));
    let _ = writeln!(
        w,
        "{indent}Wait of answered calls: p50 {}, p80 {}, p90 {}, p95 {}, p99 {}, max {}",
        secs(p.p50),
        secs(p.p80),
        secs(p.p90),
        secs(p.p95),
        secs(p.p99),
        secs(p.max)
    );
    let _ = writeln!(w, "{indent}Service level, threshold {t}:");
    let _ = writeln!(
        w,
        "{indent}  answered within {t} / offered                              {}",
        or_dash(sl.answered_within_over_offered, pct)
    );
    let _ = writeln!(
        w,
        "{indent}  answered within {t} / answered                             {}",
        or_dash(sl.answered_within_over_answered, pct)
    );
    let _ = writeln!(
        w,
        "{indent}  answered within {t} / (offered - abandoned within {t})     {}",
        or_dash(sl.answered_within_over_offered_minus_short_abandons, pct)
    );
}

#[cfg(test)]
mod tests {
    use crate::sim::metrics::tests::sample;

    fn report() -> super::Report {
        sample().finish(1000 * 1_000_000, 2, &|i| format!("2026-12-01T{:02}:{:02}", 8 + i / 2, i % 2 * 30))
    }

    #[test]
    fn json_has_the_documented_keys_in_order() {
        let json = report().to_json();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        // serde_json's map sorts keys; check the order in the text instead.
        let keys = |names: &[&str]| {
            let at: Vec<usize> = names
                .iter()
                .map(|k| json.find(&format!("\"{k}\":")).unwrap_or_else(|| panic!("{k}")))
                .collect();
            assert!(at.windows(2).all(|w| w[0] < w[1]), "{names:?} out of order");
        };
        let top = [
            "offered",
            "answered",
            "abandoned",
            "asa_seconds",
            "p_wait",
            "occupancy",
            "service_level",
            "mean_wait_all_seconds",
            "wait_percentiles_seconds",
            "abandon_rate",
            "arrived",
            "disconnected_in_flow",
            "flow_errors",
            "callbacks_created",
            "agents",
            "simulated_seconds",
            "per_queue",
            "per_interval",
        ];
        keys(&top);
        let mut sorted = top.to_vec();
        sorted.sort_unstable();
        let have: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(have, sorted);
        keys(&[
            "threshold_seconds",
            "answered_within_over_offered",
            "answered_within_over_answered",
            "answered_within_over_offered_minus_short_abandons",
        ]);
        keys(&["p50", "p80", "p90", "p95", "p99", "max"]);
        assert_eq!(value["service_level"]["threshold_seconds"], 20.0);
        assert_eq!(value["asa_seconds"], 13.333333);
        assert_eq!(value["per_queue"]["Support"]["offered"], 4);
        assert_eq!(value["per_interval"][1]["start"], "2026-12-01T08:30");
        assert!(value["per_interval"][0]["service_level"]["answered_within_over_offered"].is_f64());
        assert!(json.contains("\"asa_seconds\": 13.333333,"));
        assert_eq!(json, report().to_json());
        assert!(json.ends_with("}\n"));
    }

    #[test]
    fn text_names_every_definition() {
        let text = report().to_text();
        for needle in [
            "answered within 20 s / offered",
            "answered within 20 s / answered",
            "answered within 20 s / (offered - abandoned within 20 s)",
            "Average speed of answer (ASA)            13.33 s",
            "Probability of waiting (waited / offered) 83.33%",
            "Occupancy (talk time / agent time)       15.00%",
            "Queue Billing:",
            "Queue Support:",
            "2026-12-01T08:30",
            "Simulated 16m40s",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }

    #[test]
    fn rounding() {
        assert_eq!(super::round6(0.123_456_5), 0.123457);
        assert_eq!(super::round6(-0.000_000_1), 0.0);
        assert_eq!(super::round6(f64::NAN), 0.0);
    }
}
