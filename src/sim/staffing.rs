//! `callwright staff`: the fewest agents per interval that meet the targets — Erlang C (or Erlang
//! A when callers abandon) gives the first guess, the simulator confirms it through the project's
//! own flows, one agent at a time, until the answer meets every target and one agent fewer does
//! not. The question a WFM analyst asks first: "how many agents do I need at 10:30?"
//!
//! Each interval of the scenario's profile (a forecast or `calls_per_interval`; one row for a
//! constant rate) is simulated on its own as a steady state at that interval's rate and handle
//! time, starting one interval early (the warm-up, which fills the queue as the interval before
//! would, and is not counted), with `replications` seeded runs per staffing level. Every level
//! uses the same seeds (common random numbers), so neighbouring levels differ by the staffing, not
//! by luck. The interval's figures pool the runs: answered within the threshold over offered,
//! abandoned over offered, the mean wait of answered calls.
//!
//! The agents are identical and in every queue (as `simulate --agents`), so the requirement is
//! for fully cross-trained agents; the scenario's own roster, when it has one, is shown beside it
//! as the scheduled staff.

use super::erlang::{self, Load, Model};
use super::forecast::QueueForecast;
use super::replications::{replication_seed, run_replications};
use super::report::Report;
use super::roster::Roster;
use super::scenario::{Arrivals, Dist, Length, Scenario};
use crate::model::AgentsSpec;
use crate::project::CheckedProject;
use crate::time::{MICROS_PER_SEC, Micros};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the staffing must meet; at least one of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Targets {
    /// Answered within `threshold` over offered, as a fraction (0.8).
    pub service_level: Option<f64>,
    /// The service-level threshold (the scenario's `service_level.threshold` unless given).
    pub threshold: Micros,
    /// Abandoned over offered, at most.
    pub max_abandon: Option<f64>,
    /// The mean wait of answered calls, at most, in seconds.
    pub max_asa: Option<f64>,
    /// The mean time to callback of the callbacks connected in the interval, at most, in seconds
    /// (seed 004: callbacks are measured by time to callback, not speed of answer).
    pub max_time_to_callback: Option<f64>,
    /// The share of paid time agents are not on the phones beyond what the roster plans
    /// (absence, meetings, coaching): the agents to schedule are the requirement / (1 − it).
    pub shrinkage: f64,
}

impl Targets {
    /// The targets of every queue, then each queue's own (`…; Billing: 90% answered within 30 s`).
    pub fn describe_with(&self, per_queue: &BTreeMap<String, Targets>) -> String {
        let mut s = self.describe();
        for (queue, t) in per_queue {
            s.push_str(&format!("; {queue}: {}", t.describe()));
        }
        s
    }

    /// `80/20s`-style text of the targets, for headings.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(sl) = self.service_level {
            parts.push(format!(
                "{}% answered within {}",
                trim(sl * 100.0),
                super::report::threshold(self.threshold as f64 / MICROS_PER_SEC as f64)
            ));
        }
        if let Some(a) = self.max_abandon {
            parts.push(format!("abandon ≤ {}%", trim(a * 100.0)));
        }
        if let Some(a) = self.max_asa {
            parts.push(format!("ASA ≤ {}", super::report::secs(a)));
        }
        if let Some(t) = self.max_time_to_callback {
            parts.push(format!("time to callback ≤ {}", super::report::secs(t)));
        }
        if self.shrinkage > 0.0 {
            parts.push(format!("{}% shrinkage", trim(self.shrinkage * 100.0)));
        }
        parts.join(", ")
    }

    fn met_by(&self, m: &Measured) -> bool {
        self.service_level.is_none_or(|t| m.service_level >= t)
            && self.max_abandon.is_none_or(|t| m.abandon_rate <= t)
            && self.max_asa.is_none_or(|t| m.asa_seconds <= t)
            && self.max_time_to_callback.is_none_or(|t| match m.time_to_callback_seconds {
                Some(x) => x <= t,
                // No callback connected in the interval: met only if none was waiting.
                None => m.callbacks_pending == 0,
            })
    }

    /// Intervals of warm-up before the measured one: one, and with a time-to-callback target
    /// enough to span it, so a callback kept waiting longer than the target is seen connecting
    /// late (or not at all) in the measured interval.
    fn warm_up(&self, interval: Micros) -> usize {
        let target = self.max_time_to_callback.map_or(0.0, |t| t * MICROS_PER_SEC as f64);
        1 + (target / interval.max(1) as f64).ceil() as usize
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// How hard to look.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    /// Seeded runs per staffing level and interval.
    pub replications: u32,
    /// Worker threads.
    pub threads: usize,
}

/// The figures of one interval at one staffing level, pooled over the replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Measured {
    pub agents: u32,
    /// Calls offered to queues in the interval, over all replications.
    pub offered: u64,
    pub service_level: f64,
    pub abandon_rate: f64,
    pub asa_seconds: f64,
    pub occupancy: f64,
    /// The mean time to callback of the callbacks connected in the interval; `None` when none was.
    pub time_to_callback_seconds: Option<f64>,
    /// Callbacks waiting at the interval's end, over all replications.
    pub callbacks_pending: u64,
}

/// The queue of a per-queue staffing table's total rows: every queue's requirement added up.
pub const ALL_QUEUES: &str = "(all)";

/// One interval's requirement (one queue's, with a forecast per queue).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Local start time, `2026-12-01T08:30`.
    pub start: String,
    /// With a forecast per queue: the queue, or [`ALL_QUEUES`] for the interval's total (the
    /// queues' requirements added up, against the roster). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Expected calls in the interval (the forecast's).
    pub offered: f64,
    pub aht_seconds: f64,
    /// The Erlang C (or A) answer, the search's first guess; `None` when it has none.
    pub erlang: Option<u32>,
    /// The fewest agents whose simulated interval meets every target (0 with no calls).
    pub required: u32,
    /// The figures at `required`.
    pub at_required: Option<Measured>,
    /// The figures with one agent fewer (which miss a target), when that is at least one agent.
    pub one_fewer: Option<Measured>,
    /// The agents to schedule for `required` on the phones: `required / (1 − shrinkage)`,
    /// rounded up.
    pub to_schedule: u32,
    /// Agents the scenario's own roster schedules in the interval, on average.
    pub scheduled: Option<f64>,
}

/// The most agents the search tries in one interval before giving up.
pub const STAFF_MAX: u32 = crate::model::bounds::AGENTS_MAX;

/// The requirement of every interval of `scenario`'s profile (one row for a constant rate).
///
/// With a forecast per queue, each queue's requirement is found on its own (only its calls
/// arrive, through the entry flow to it, so its agents are dedicated to it), and each interval
/// ends with an [`ALL_QUEUES`] row: the queues' requirements added up, set against the roster.
/// Agents shared between queues need fewer than that sum (pooling); the sum is what dedicated
/// teams need, as WFM tools plan per staff group.
pub fn staff(
    scenario: &Scenario,
    targets: &Targets,
    per_queue: &BTreeMap<String, Targets>,
    effort: Effort,
    load: &(dyn Fn() -> Result<CheckedProject, String> + Sync),
) -> Result<Vec<Row>, String> {
    let interval = scenario.traffic.interval_len();
    let calls: Vec<f64> = match &scenario.traffic.arrivals {
        Arrivals::Constant { per_sec } => vec![per_sec * interval as f64 / MICROS_PER_SEC as f64],
        Arrivals::Profile { calls, .. } => calls.clone(),
    };
    // Each row is a forecast interval in local time: the roster is read on the same clock.
    let clock = super::local_clock::LocalClock::fixed();
    let roster = Roster::new(&scenario.agents, scenario.traffic.start, scenario.seed, clock);
    let queues = &scenario.traffic.queues;
    let mean_aht = scenario.callers.handle_time.mean();
    let mut rows = Vec::with_capacity(calls.len() * (queues.len() + 1));
    for (i, &offered) in calls.iter().enumerate() {
        let from = i as Micros * interval;
        let scheduled = match (&roster, &scenario.agents) {
            (Some(r), _) => Some(r.scheduled(from, from + interval)),
            (None, AgentsSpec::Count(n)) => Some(f64::from(*n)),
            (None, AgentsSpec::List(groups)) => Some(groups.iter().map(|g| f64::from(g.count)).sum()),
            (None, AgentsSpec::Roster) => None,
        };
        let search = Search { scenario, targets, effort, load, row: i };
        if queues.is_empty() {
            let aht = scenario.traffic.aht.as_ref().and_then(|a| a.get(i % a.len().max(1)).copied());
            let mut row = search.row(offered, aht.unwrap_or(mean_aht), None)?;
            row.scheduled = scheduled;
            rows.push(row);
            continue;
        }
        let mut total = Row {
            start: scenario.traffic.row_label(i),
            queue: Some(ALL_QUEUES.into()),
            offered,
            aht_seconds: 0.0,
            erlang: Some(0),
            required: 0,
            at_required: None,
            one_fewer: None,
            to_schedule: 0,
            scheduled,
        };
        for q in queues {
            let offered = q.offered.get(i).copied().unwrap_or(0.0);
            let aht = q.aht.as_ref().and_then(|a| a.get(i).copied()).filter(|a| *a > 0).unwrap_or(mean_aht);
            // The queue's own targets, when it has them.
            let search = Search { targets: per_queue.get(&q.name).unwrap_or(targets), ..search };
            let row = search.row(offered, aht, Some(q))?;
            total.aht_seconds += offered * row.aht_seconds;
            total.required += row.required;
            // A queue without calls needs nobody, and Erlang agrees.
            total.erlang = match (total.erlang, row.erlang) {
                (Some(t), Some(e)) => Some(t + e),
                (t, None) if offered == 0.0 => t,
                _ => None,
            };
            rows.push(row);
        }
        total.aht_seconds = if offered > 0.0 { total.aht_seconds / offered } else { mean_aht as f64 / 1e6 };
        total.to_schedule = to_schedule(total.required, targets.shrinkage);
        rows.push(total);
    }
    Ok(rows)
}

/// The search for one forecast row's requirement.
#[derive(Clone, Copy)]
struct Search<'a> {
    scenario: &'a Scenario,
    targets: &'a Targets,
    effort: Effort,
    load: &'a (dyn Fn() -> Result<CheckedProject, String> + Sync),
    /// The forecast row.
    row: usize,
}

impl Search<'_> {
    /// The fewest agents for `offered` calls of mean handle time `aht` in the row (only `queue`'s
    /// calls, when given); `scheduled` is left for the caller to fill in.
    fn row(&self, offered: f64, aht: Micros, queue: Option<&QueueForecast>) -> Result<Row, String> {
        let (scenario, targets, effort, i) = (self.scenario, self.targets, self.effort, self.row);
        let interval = scenario.traffic.interval_len();
        let mut row = Row {
            start: scenario.traffic.row_label(i),
            queue: queue.map(|q| q.name.clone()),
            offered,
            aht_seconds: aht as f64 / MICROS_PER_SEC as f64,
            erlang: None,
            required: 0,
            at_required: None,
            one_fewer: None,
            to_schedule: 0,
            scheduled: None,
        };
        if offered <= 0.0 {
            return Ok(row);
        }
        let rate = offered / (interval as f64 / MICROS_PER_SEC as f64);
        row.erlang = erlang_guess(rate, row.aht_seconds, scenario, targets);
        let warm_up = targets.warm_up(interval);
        let mut sc = interval_scenario(scenario, i, offered, aht, targets.threshold, warm_up);
        // Only this queue's calls, headed for it through the entry flow.
        sc.traffic.queues = queue
            .map(|q| QueueForecast { offered: vec![offered], aht: None, ..q.clone() })
            .into_iter()
            .collect();
        let mut tried: BTreeMap<u32, Measured> = BTreeMap::new();
        let mut measure = |n: u32| -> Result<Measured, String> {
            if let Some(m) = tried.get(&n) {
                return Ok(*m);
            }
            let reports =
                run_replications(&sc.clone().with_agents(n), effort.replications, effort.threads, self.load)?;
            let m = pooled(n, &reports, warm_up);
            tried.insert(n, m);
            Ok(m)
        };
        let mut n = row.erlang.unwrap_or(1).clamp(1, STAFF_MAX);
        if targets.met_by(&measure(n)?) {
            while n > 1 && targets.met_by(&measure(n - 1)?) {
                n -= 1;
            }
        } else {
            while !targets.met_by(&measure(n)?) {
                if n >= STAFF_MAX {
                    let what = queue.map_or(String::new(), |q| format!(" {}", q.name));
                    return Err(format!(
                        "{}{what}: no staffing up to {STAFF_MAX} agents meets {}",
                        row.start,
                        targets.describe()
                    ));
                }
                n += 1;
            }
        }
        row.required = n;
        row.at_required = Some(measure(n)?);
        row.one_fewer = if n > 1 { Some(measure(n - 1)?) } else { None };
        row.to_schedule = to_schedule(n, targets.shrinkage);
        Ok(row)
    }
}

/// `required / (1 − shrinkage)`, rounded up (a hair of floating-point error is not an agent).
pub fn to_schedule(required: u32, shrinkage: f64) -> u32 {
    let x = f64::from(required) / (1.0 - shrinkage.clamp(0.0, 0.99));
    (x - 1e-9).ceil().max(f64::from(required)) as u32
}

/// Erlang C, or Erlang A with the patience's mean when callers abandon: the fewest agents meeting
/// every target in the model.
fn erlang_guess(rate: f64, aht_secs: f64, scenario: &Scenario, targets: &Targets) -> Option<u32> {
    let model = match &scenario.callers.patience {
        None => Model::C,
        Some(p) => Model::A { patience_secs: p.mean() as f64 / MICROS_PER_SEC as f64 },
    };
    let threshold = targets.threshold as f64 / MICROS_PER_SEC as f64;
    let mut need = 1;
    if let Some(sl) = targets.service_level {
        need = need.max(erlang::agents_for_service_level(rate, aht_secs, threshold, sl, model)?);
    }
    if let Some(asa) = targets.max_asa {
        need = need.max(erlang::agents_for_asa(rate, aht_secs, asa, model)?);
    }
    if let (Some(max), Model::A { patience_secs }) = (targets.max_abandon, model) {
        let load = Load::new(rate, aht_secs, 0);
        while erlang::erlang_a(&load.with_agents(need), patience_secs, threshold).p_abandon > max {
            need += 1;
            if need > STAFF_MAX {
                return None;
            }
        }
    }
    Some(need)
}

/// Interval `i` as a steady state of its own: its rate all along, its handle time, starting
/// `warm_up` intervals early; the report's interval `warm_up` is the one measured.
fn interval_scenario(
    scenario: &Scenario,
    i: usize,
    offered: f64,
    aht: Micros,
    threshold: Micros,
    warm_up: usize,
) -> Scenario {
    let interval = scenario.traffic.interval_len();
    let mut sc = scenario.clone();
    sc.callers.handle_time = if aht > 0 { sc.callers.handle_time.with_mean(aht) } else { Dist::Fixed(0) };
    sc.traffic.aht = None;
    sc.traffic.arrivals = Arrivals::Profile { interval, calls: vec![offered] };
    let step = chrono::Duration::microseconds(interval);
    let at = i32::try_from(i).unwrap_or(i32::MAX) - i32::try_from(warm_up).unwrap_or(1);
    sc.traffic.start = sc.traffic.start.checked_add_signed(step * at).unwrap_or(sc.traffic.start);
    sc.length = Length::Duration((warm_up as Micros + 1) * interval);
    sc.sl_threshold = threshold;
    sc
}

/// Interval `measured` of each report, pooled: sums of calls, not means of ratios.
fn pooled(agents: u32, reports: &[Report], measured: usize) -> Measured {
    let (mut offered, mut within, mut abandoned, mut answered, mut waited) = (0u64, 0.0, 0u64, 0u64, 0.0);
    let (mut occupancy, mut runs) = (0.0, 0.0);
    let (mut connected, mut ttc, mut pending) = (0u64, 0.0, 0u64);
    for r in reports {
        let Some(iv) = r.per_interval.get(measured) else { continue };
        if let Some(cb) = &iv.callbacks {
            connected += cb.connected;
            ttc += cb.time_to_callback_seconds.unwrap_or(0.0) * cb.connected as f64;
            pending += cb.pending;
        }
        offered += iv.offered;
        within += iv.service_level.answered_within_over_offered.unwrap_or(0.0) * iv.offered as f64;
        abandoned += iv.abandoned;
        answered += iv.answered;
        waited += iv.asa_seconds.unwrap_or(0.0) * iv.answered as f64;
        occupancy += r.occupancy;
        runs += 1.0;
    }
    let ratio = |a: f64, b: u64| if b == 0 { 0.0 } else { a / b as f64 };
    Measured {
        agents,
        offered,
        service_level: if offered == 0 { 1.0 } else { within / offered as f64 },
        abandon_rate: ratio(abandoned as f64, offered),
        asa_seconds: ratio(waited, answered),
        occupancy: if runs > 0.0 { occupancy / runs } else { 0.0 },
        time_to_callback_seconds: (connected > 0).then(|| ttc / connected as f64),
        callbacks_pending: pending,
    }
}

/// `Erlang C`, or `Erlang A` when the scenario's callers abandon: the first guess's model.
pub fn model_name(scenario: &Scenario) -> &'static str {
    if scenario.callers.patience.is_some() { "Erlang A" } else { "Erlang C" }
}

/// The seeds every staffing level runs with.
pub fn seeds(scenario: &Scenario, replications: u32) -> Vec<u64> {
    (0..replications).map(|i| replication_seed(scenario.seed, i)).collect()
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// The staffing table.
pub fn to_text(
    rows: &[Row],
    targets: &Targets,
    per_queue: &BTreeMap<String, Targets>,
    effort: Effort,
    model: &str,
) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "Staffing for {}", targets.describe_with(per_queue));
    let warm = match targets.warm_up(1800 * MICROS_PER_SEC) {
        1 => "one interval".to_string(),
        _ if targets.max_time_to_callback.is_some() => {
            "enough intervals to span the time-to-callback target".to_string()
        }
        n => format!("{n} intervals"),
    };
    let _ = writeln!(
        s,
        "{model} first guess, confirmed by simulation: {} replications per level, each interval run as a steady state after {warm} of warm-up",
        effort.replications
    );
    let _ = writeln!(s);
    let ttc = targets.max_time_to_callback.is_some()
        || per_queue.values().any(|t| t.max_time_to_callback.is_some());
    // With a forecast per queue: a column naming each row's queue.
    let width = rows.iter().filter_map(|r| r.queue.as_ref()).map(|q| q.chars().count()).max();
    let queue = |q: Option<&str>| width.map_or(String::new(), |w| format!("{:<w$}  ", q.unwrap_or("")));
    let _ = write!(s, "{:<18}{}", "Interval", queue(Some("Queue")));
    let _ = write!(
        s,
        "{:>8}  {:>8}  {:>8}  {:>8}  {:>9}  {:>9}  {:>9}  {:>10}  {:>9}  {:>9}  {:>6}",
        "Offered",
        "AHT",
        "Erlang",
        "Required",
        "To roster",
        "SL",
        "SL (−1)",
        "Abandon",
        "ASA",
        "Rostered",
        "Gap"
    );
    let _ = writeln!(
        s,
        "{}",
        if ttc { format!("  {:>10}  {:>8}", "Callback", "Backlog") } else { String::new() }
    );
    for r in rows {
        let m = r.at_required;
        let f = |g: &dyn Fn(&Measured) -> String, m: Option<Measured>| m.as_ref().map_or("-".into(), g);
        let gap = match r.scheduled {
            Some(s) => format!("{:+.1}", s - f64::from(r.to_schedule)),
            None => "-".into(),
        };
        let _ = write!(s, "{:<18}{}", r.start, queue(r.queue.as_deref()));
        let _ = write!(
            s,
            "{:>8}  {:>8}  {:>8}  {:>8}  {:>9}  {:>9}  {:>9}  {:>10}  {:>9}  {:>9}  {:>6}",
            trim(r.offered),
            super::report::secs(r.aht_seconds),
            r.erlang.map_or("-".into(), |e| e.to_string()),
            r.required,
            r.to_schedule,
            f(&|m| pct(m.service_level), m),
            f(&|m| pct(m.service_level), r.one_fewer),
            f(&|m| pct(m.abandon_rate), m),
            f(&|m| super::report::secs(m.asa_seconds), m),
            r.scheduled.map_or("-".into(), trim),
            gap,
        );
        // The time to callback at the requirement, and the callbacks waiting at the interval's
        // end (a mean over the replications).
        let callbacks = m.filter(|_| ttc).map_or(String::new(), |m| {
            let t = m.time_to_callback_seconds.map_or("-".into(), super::report::secs);
            let per_run = m.callbacks_pending as f64 / f64::from(effort.replications.max(1));
            format!("  {t:>10}  {:>8}", trim(per_run))
        });
        let _ = writeln!(s, "{callbacks}");
    }
    let short: Vec<&str> = rows
        .iter()
        .filter(|r| r.scheduled.is_some_and(|s| s < f64::from(r.to_schedule)))
        .map(|r| r.start.as_str())
        .collect();
    let against_roster = rows.iter().filter(|r| r.scheduled.is_some()).count();
    if against_roster > 0 {
        let _ = writeln!(s);
        if short.is_empty() {
            let _ = writeln!(s, "The roster meets the requirement in every interval.");
        } else {
            let _ = writeln!(
                s,
                "Understaffed in {} of {} intervals: {}",
                short.len(),
                against_roster,
                short.join(", ")
            );
        }
    }
    s
}

/// The staffing table as CSV, one row per interval (empty cells where a figure does not apply);
/// with a forecast per queue, one per queue and interval with a `queue` column.
pub fn to_csv(rows: &[Row]) -> String {
    use std::fmt::Write;
    let by_queue = rows.iter().any(|r| r.queue.is_some());
    let mut s = String::from(if by_queue { "interval,queue," } else { "interval," });
    s.push_str(
        "offered,aht_seconds,erlang,required,to_schedule,service_level,service_level_one_fewer,abandon_rate,asa_seconds,time_to_callback_seconds,scheduled\n",
    );
    let num = |x: Option<f64>| x.map_or(String::new(), |x| super::report::round6(x).to_string());
    for r in rows {
        let _ = write!(s, "{},", r.start);
        if let Some(q) = r.queue.as_deref().filter(|_| by_queue) {
            let _ = write!(s, "{q},");
        }
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{}",
            super::report::round6(r.offered),
            super::report::round6(r.aht_seconds),
            r.erlang.map_or(String::new(), |e| e.to_string()),
            r.required,
            r.to_schedule,
            num(r.at_required.map(|m| m.service_level)),
            num(r.one_fewer.map(|m| m.service_level)),
            num(r.at_required.map(|m| m.abandon_rate)),
            num(r.at_required.map(|m| m.asa_seconds)),
            num(r.at_required.and_then(|m| m.time_to_callback_seconds)),
            num(r.scheduled),
        );
    }
    s
}

/// The staffing curve as one self-contained HTML page: agents required, to roster and rostered per
/// interval on one chart (inline SVG, nothing fetched), and the table.
pub fn to_html(
    rows: &[Row],
    targets: &Targets,
    per_queue: &BTreeMap<String, Targets>,
    title: &str,
) -> String {
    use super::html_report::{Series, chart, esc};
    use std::fmt::Write;
    let by_queue = rows.iter().any(|r| r.queue.is_some());
    // The curve is the center's: with a forecast per queue, the interval's total rows.
    let curve: Vec<&Row> =
        rows.iter().filter(|r| r.queue.as_deref().is_none_or(|q| q == ALL_QUEUES)).collect();
    let labels: Vec<String> = curve.iter().map(|r| r.start.clone()).collect();
    let flat = |f: &dyn Fn(&Row) -> f64| curve.iter().map(|r| (f(r), f(r), f(r))).collect::<Vec<_>>();
    let mut series = vec![Series {
        name: "required (on the phones)",
        colour: "#d62728",
        points: flat(&|r| f64::from(r.required)),
    }];
    if targets.shrinkage > 0.0 {
        series.push(Series {
            name: "to roster (with shrinkage)",
            colour: "#ff7f0e",
            points: flat(&|r| f64::from(r.to_schedule)),
        });
    }
    if rows.iter().any(|r| r.scheduled.is_some()) {
        series.push(Series {
            name: "rostered",
            colour: "#1f77b4",
            points: flat(&|r| r.scheduled.unwrap_or(0.0)),
        });
    }
    let mut h = String::new();
    h.push_str(&super::html_report::page_head(title));
    let _ = writeln!(h, "<p>Staffing for {}.</p>", esc(&targets.describe_with(per_queue)));
    let _ =
        write!(h, "{}", chart("Agents per interval", &labels, &series, &|v| format!("{v:.0}"), None, None));
    let queue_th = if by_queue { "<th>queue</th>" } else { "" };
    let _ = writeln!(
        h,
        "<table><tr><th>interval</th>{queue_th}<th>offered</th><th>Erlang</th><th>required</th><th>to roster</th><th>SL</th><th>SL (−1)</th><th>rostered</th></tr>"
    );
    let pct = |m: Option<Measured>| m.map_or("—".into(), |m| format!("{:.1}%", m.service_level * 100.0));
    for r in rows {
        let _ = writeln!(
            h,
            "<tr><td>{}</td>{}<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.start),
            r.queue.as_deref().map_or(String::new(), |q| format!("<td>{}</td>", esc(q))),
            trim(r.offered),
            r.erlang.map_or("—".into(), |e| e.to_string()),
            r.required,
            r.to_schedule,
            pct(r.at_required),
            pct(r.one_fewer),
            r.scheduled.map_or("—".into(), trim),
        );
    }
    let _ = writeln!(h, "</table>\n</body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(sl: f64, ab: f64, asa: f64) -> Measured {
        Measured {
            agents: 1,
            offered: 10,
            service_level: sl,
            abandon_rate: ab,
            asa_seconds: asa,
            occupancy: 0.5,
            time_to_callback_seconds: None,
            callbacks_pending: 0,
        }
    }

    #[test]
    fn every_target_given_must_be_met() {
        let t = Targets {
            service_level: Some(0.8),
            threshold: 20,
            max_abandon: Some(0.05),
            max_asa: None,
            max_time_to_callback: None,
            shrinkage: 0.0,
        };
        assert!(t.met_by(&m(0.8, 0.05, 100.0)));
        assert!(!t.met_by(&m(0.79, 0.0, 0.0)));
        assert!(!t.met_by(&m(0.9, 0.06, 0.0)));
        let asa = Targets { service_level: None, max_abandon: None, max_asa: Some(30.0), ..t };
        assert!(asa.met_by(&m(0.0, 1.0, 30.0)) && !asa.met_by(&m(1.0, 0.0, 30.5)));
        assert_eq!(
            Targets { threshold: 20 * MICROS_PER_SEC, ..t }.describe(),
            "80% answered within 20 s, abandon ≤ 5%"
        );
    }

    #[test]
    fn time_to_callback_is_met_by_the_connected_callbacks_or_an_empty_backlog() {
        let t = Targets {
            service_level: None,
            threshold: 20,
            max_abandon: None,
            max_asa: None,
            max_time_to_callback: Some(3600.0),
            shrinkage: 0.0,
        };
        let with = |ttc: Option<f64>, pending: u64| Measured {
            time_to_callback_seconds: ttc,
            callbacks_pending: pending,
            ..m(0.0, 0.0, 0.0)
        };
        assert!(t.met_by(&with(Some(3600.0), 40)));
        assert!(!t.met_by(&with(Some(3601.0), 0)));
        assert!(t.met_by(&with(None, 0)), "no callbacks at all");
        assert!(!t.met_by(&with(None, 3)), "callbacks waiting and none connected");
        // A 1-hour target over half hours: three intervals of warm-up (one, and two to span it).
        assert_eq!(t.warm_up(1800 * MICROS_PER_SEC), 3);
        assert_eq!(Targets { max_time_to_callback: None, ..t }.warm_up(1800 * MICROS_PER_SEC), 1);
        assert_eq!(t.describe(), "time to callback ≤ 1h00m00s");
    }

    #[test]
    fn shrinkage_grosses_up_the_requirement() {
        assert_eq!(to_schedule(21, 0.0), 21);
        assert_eq!(to_schedule(21, 0.3), 30);
        assert_eq!(to_schedule(20, 0.2), 25);
        assert_eq!(to_schedule(1, 0.5), 2);
    }
}
