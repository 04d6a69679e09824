//! `simulate --replications N`: N independent runs of one scenario, each with its own seeded
//! random stream, spread over worker threads; every figure of the report is then given as the mean
//! of the runs with its 95% confidence interval (Student's t), as WFM tools report a simulated day.
//!
//! Determinism: replication `i` always runs with [`replication_seed`]`(seed, i)` and the results
//! are summarised in replication order, so the output is the same byte for byte whatever the
//! number of threads. Replication 0 runs with the scenario's own seed, so `--replications 1` is
//! the single run.

use super::report::{Report, round6};
use super::scenario::Scenario;
use super::simulator::simulate;
use crate::project::CheckedProject;
use serde_json::{Map, Value};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The most replications one command runs (each is a whole simulated day or more).
pub const REPLICATIONS_MAX: u32 = 10_000;

/// The seed of replication `i`: the scenario's own for 0, then well-separated streams
/// (SplitMix64 of the seed and the index), so neighbouring seeds do not give overlapping runs.
pub fn replication_seed(seed: u64, i: u32) -> u64 {
    if i == 0 {
        return seed;
    }
    let mut z = seed ^ u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Runs `n` replications of `scenario` on `threads` workers (replication `i` with
/// [`replication_seed`]`(seed, i)`). The reports come back in replication order.
pub fn run_replications(
    scenario: &Scenario,
    n: u32,
    threads: usize,
    load: &(dyn Fn() -> Result<CheckedProject, String> + Sync),
) -> Result<Vec<Report>, String> {
    let runs: Vec<Scenario> =
        (0..n).map(|i| scenario.clone().with_seed(replication_seed(scenario.seed, i))).collect();
    run_all(&runs, threads, load)
}

/// Runs every scenario of `runs` on `threads` workers. Each worker builds its own project with
/// `load` (a checked project holds single-threaded parts), then takes runs in turn. The reports
/// come back in the order of `runs`, whatever the thread count.
pub fn run_all(
    runs: &[Scenario],
    threads: usize,
    load: &(dyn Fn() -> Result<CheckedProject, String> + Sync),
) -> Result<Vec<Report>, String> {
    let n = runs.len();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Report, String>>>> = Mutex::new(vec![None; n]);
    let workers = threads.clamp(1, n.max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                let checked = load();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let report = match &checked {
                        Ok(checked) => simulate(checked, &runs[i], &|_| {}).map(|r| r.report),
                        Err(e) => Err(e.clone()),
                    };
                    if let Ok(mut all) = results.lock() {
                        all[i] = Some(report);
                    }
                }
            });
        }
    });
    let all = results.into_inner().map_err(|_| "a replication's worker failed".to_string())?;
    all.into_iter()
        .enumerate()
        .map(|(i, r)| r.unwrap_or_else(|| Err(format!("run {i} did not run"))))
        .collect()
}

/// The two-sided 95% quantile of Student's t with `df` degrees of freedom.
pub fn t95(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
        2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df - 1],
        // Within 0.002 of the exact quantile from 31 degrees of freedom on.
        _ => 1.96 + 2.5 / df as f64,
    }
}

/// The mean of `xs` with its 95% confidence interval, and the spread of the runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    /// Half the width of the 95% confidence interval (0 with one replication).
    pub half_width: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
    pub n: usize,
}

impl Estimate {
    pub fn of(xs: &[f64]) -> Estimate {
        let n = xs.len();
        let mean = xs.iter().sum::<f64>() / n.max(1) as f64;
        let var =
            if n > 1 { xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64 } else { 0.0 };
        let sd = var.sqrt();
        let half_width = if n > 1 { t95(n - 1) * sd / (n as f64).sqrt() } else { 0.0 };
        let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Estimate { mean, half_width, sd, min, max, n }
    }

    pub fn low(&self) -> f64 {
        self.mean - self.half_width
    }

    pub fn high(&self) -> f64 {
        self.mean + self.half_width
    }

    fn to_json(self) -> Value {
        serde_json::json!({
            "mean": round6(self.mean),
            "ci95": [round6(self.low()), round6(self.high())],
            "sd": round6(self.sd),
            "min": round6(self.min),
            "max": round6(self.max),
        })
    }
}

/// The reports of the replications summarised figure by figure: the report's own JSON shape,
/// with every number replaced by `{ mean, ci95: [low, high], sd, min, max }` over the runs that
/// have it (an interval or a queue some runs lack is summarised over the others). Texts (interval
/// start times) are kept.
pub fn summarise(reports: &[Report]) -> Value {
    let values: Vec<Value> = reports.iter().map(|r| serde_json::to_value(r).unwrap_or(Value::Null)).collect();
    let refs: Vec<&Value> = values.iter().collect();
    merge(&refs)
}

fn merge(vs: &[&Value]) -> Value {
    // A ratio with no value in a run (`null`: nothing to divide by) is summarised over the runs
    // that have one, and stays `null` when none has.
    let Some(first) = vs.iter().find(|v| !v.is_null()).or(vs.first()) else { return Value::Null };
    match first {
        Value::Number(_) => {
            let xs: Vec<f64> = vs.iter().filter_map(|v| v.as_f64()).collect();
            Estimate::of(&xs).to_json()
        }
        Value::Object(_) => {
            let mut keys: Vec<&String> = Vec::new();
            for v in vs {
                if let Value::Object(m) = v {
                    for k in m.keys() {
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                    }
                }
            }
            let mut out = Map::new();
            let zero = Value::from(0);
            for k in keys {
                let mut sub: Vec<&Value> = vs.iter().filter_map(|v| v.get(k)).collect();
                // A count a report leaves out when it is zero (`retrials`, `unfinished`): a run
                // without it had none, and its 0 belongs in the mean (the ratios are `null`, not
                // left out, and stay out of it above).
                let absent = vs.iter().filter(|v| v.is_object() && v.get(k).is_none()).count();
                if absent > 0 && sub.iter().all(|v| v.is_number()) {
                    sub.extend(std::iter::repeat_n(&zero, absent));
                }
                out.insert(k.clone(), merge(&sub));
            }
            Value::Object(out)
        }
        Value::Array(_) => {
            let len = vs.iter().filter_map(|v| v.as_array().map(Vec::len)).max().unwrap_or(0);
            let items = (0..len)
                .map(|i| {
                    let sub: Vec<&Value> =
                        vs.iter().filter_map(|v| v.as_array().and_then(|a| a.get(i))).collect();
                    merge(&sub)
                })
                .collect();
            Value::Array(items)
        }
        other => (*other).clone(),
    }
}

/// One figure of the summary: `mean ± half-width`, from the summary's JSON at `path`.
fn figure(summary: &Value, path: &[&str]) -> Option<Estimate> {
    let mut v = summary;
    for p in path {
        v = v.get(p)?;
    }
    let mean = v.get("mean")?.as_f64()?;
    let ci = v.get("ci95")?.as_array()?;
    let (lo, hi) = (ci.first()?.as_f64()?, ci.get(1)?.as_f64()?);
    let (min, max) = (v.get("min")?.as_f64()?, v.get("max")?.as_f64()?);
    Some(Estimate { mean, half_width: (hi - lo) / 2.0, sd: v.get("sd")?.as_f64()?, min, max, n: 0 })
}

/// The per-interval figures of a summary as CSV, one row per interval, for a spreadsheet or a WFM
/// tool: each figure's mean, and with `bounds` its 95% interval as `NAME_low` and `NAME_high`.
pub fn per_interval_csv(summary: &Value, bounds: bool) -> String {
    use std::fmt::Write;
    const COLUMNS: [(&str, &[&str]); 10] = [
        ("arrived", &["arrived"]),
        ("offered", &["offered"]),
        ("answered", &["answered"]),
        ("abandoned", &["abandoned"]),
        ("asa_seconds", &["asa_seconds"]),
        ("service_level", &["service_level", "answered_within_over_offered"]),
        ("service_level_of_answered", &["service_level", "answered_within_over_answered"]),
        ("mean_queue_length", &["mean_queue_length"]),
        ("callbacks_created", &["callbacks_created"]),
        ("agents", &["agents"]),
    ];
    const CALLBACK_COLUMNS: [(&str, &[&str]); 7] = [
        ("callbacks_offered", &["callbacks", "offered"]),
        ("callbacks_accepted", &["callbacks", "accepted"]),
        ("callbacks_dialled", &["callbacks", "dialled"]),
        ("callbacks_connected", &["callbacks", "connected"]),
        ("callbacks_pending", &["callbacks", "pending"]),
        ("time_to_callback_seconds", &["callbacks", "time_to_callback_seconds"]),
        ("time_to_callback_within_target", &["callbacks", "within_target"]),
    ];
    let empty = Vec::new();
    let intervals = summary.get("per_interval").and_then(Value::as_array).unwrap_or(&empty);
    // Every column as (name, path): the fixed ones, the callbacks' when the run had any, and
    // one occupancy per agent group.
    let mut columns: Vec<(String, Vec<String>)> = COLUMNS
        .iter()
        .chain(CALLBACK_COLUMNS.iter().filter(|_| intervals.iter().any(|iv| iv.get("callbacks").is_some())))
        .map(|(n, p)| (n.to_string(), p.iter().map(|x| x.to_string()).collect()))
        .collect();
    for group in keys_of(intervals, "occupancy_per_group") {
        columns.push((format!("occupancy_{group}"), vec!["occupancy_per_group".into(), group]));
    }
    // Each queue's own figures, when the calls entered more than one.
    const QUEUE_COLUMNS: [(&str, &[&str]); 5] = [
        ("offered", &["offered"]),
        ("answered", &["answered"]),
        ("abandoned", &["abandoned"]),
        ("asa_seconds", &["asa_seconds"]),
        ("service_level", &["service_level", "answered_within_over_offered"]),
    ];
    for queue in keys_of(intervals, "per_queue") {
        for (name, path) in QUEUE_COLUMNS {
            let mut at = vec!["per_queue".to_string(), queue.clone()];
            at.extend(path.iter().map(|p| p.to_string()));
            columns.push((format!("{name}_{queue}"), at));
        }
    }
    let mut s = String::from("interval");
    for (name, _) in &columns {
        let _ = write!(s, ",{}", csv_cell(name));
        if bounds {
            let _ = write!(s, ",{},{}", csv_cell(&format!("{name}_low")), csv_cell(&format!("{name}_high")));
        }
    }
    s.push('\n');
    for iv in intervals {
        s.push_str(iv.get("start").and_then(Value::as_str).unwrap_or(""));
        for (_, path) in &columns {
            let mut x = iv;
            for p in path {
                x = x.get(p).unwrap_or(&Value::Null);
            }
            let num = |v: Option<&Value>| {
                v.and_then(Value::as_f64).map_or(String::new(), |f| round6(f).to_string())
            };
            let _ = write!(s, ",{}", num(x.get("mean")));
            if bounds {
                let ci = x.get("ci95").and_then(Value::as_array);
                let _ = write!(s, ",{},{}", num(ci.and_then(|c| c.first())), num(ci.and_then(|c| c.get(1))));
            }
        }
        s.push('\n');
    }
    s
}

/// The keys of any interval's map `field` (the agent groups of `occupancy_per_group`, the queues of
/// `per_queue`), in order.
pub(super) fn keys_of(intervals: &[Value], field: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for iv in intervals {
        if let Some(m) = iv.get(field).and_then(Value::as_object) {
            for k in m.keys() {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
        }
    }
    names
}

/// A CSV cell: quoted when it holds a comma, a quote or a line break.
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// The summary as text: the headline figures, then per queue and per interval, each as the mean
/// with its 95% confidence interval.
pub fn to_text(summary: &Value, seeds: &[u64]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let n = seeds.len();
    let shown: Vec<String> = seeds.iter().take(3).map(u64::to_string).collect();
    let more = if n > 3 { ", …" } else { "" };
    let _ = writeln!(
        s,
        "{n} replications (seeds {}{more}); each figure: mean ± 95% confidence half-width [lowest – highest run]",
        shown.join(", ")
    );
    let _ = writeln!(s);
    let pct = |e: Estimate| {
        format!(
            "{:.2}% ± {:.2} [{:.2} – {:.2}]",
            e.mean * 100.0,
            e.half_width * 100.0,
            e.min * 100.0,
            e.max * 100.0
        )
    };
    let secs = |e: Estimate| {
        let s = super::report::secs;
        format!("{} ± {} [{} – {}]", s(e.mean), s(e.half_width), s(e.min), s(e.max))
    };
    let count = |e: Estimate| format!("{:.1} ± {:.1} [{:.0} – {:.0}]", e.mean, e.half_width, e.min, e.max);
    type Show<'f> = &'f dyn Fn(Estimate) -> String;
    let rows: [(&str, &[&str], Show); 10] = [
        ("Offered", &["offered"], &count),
        ("Answered", &["answered"], &count),
        ("Abandoned", &["abandoned"], &count),
        ("Abandon rate", &["abandon_rate"], &pct),
        ("Service level (of offered)", &["service_level", "answered_within_over_offered"], &pct),
        ("ASA", &["asa_seconds"], &secs),
        ("P(wait > 0)", &["p_wait"], &pct),
        ("Wait p90 (answered)", &["wait_percentiles_seconds", "p90"], &secs),
        ("Occupancy", &["occupancy"], &pct),
        ("Callbacks created", &["callbacks_created"], &count),
    ];
    // A figure no run had a value for (a ratio over nothing) is shown as `-`.
    let or_dash = |e: Option<Estimate>, show: Show| e.map_or_else(|| "-".to_string(), show);
    for (label, path, show) in rows {
        if let Some(e) = figure(summary, path) {
            let _ = writeln!(s, "{label:<28}{}", show(e));
        } else if summary.get(path[0]).is_some() {
            let _ = writeln!(s, "{label:<28}-");
        }
    }
    if let Some(e) = figure(summary, &["callbacks", "service_level"]) {
        let _ = writeln!(s, "{:<28}{}", "Time to callback in target", pct(e));
    }
    // Only when a run ended with calls still in the system (the key is left out otherwise).
    if let Some(e) = figure(summary, &["unfinished"]) {
        let _ = writeln!(s, "{:<28}{}", "Unfinished at the end", count(e));
    }
    if let Some(queues) = summary.get("per_queue").and_then(Value::as_object) {
        let _ = writeln!(s, "\nPer queue");
        for (name, _) in queues {
            let f = |k: &[&str]| {
                let mut p = vec!["per_queue", name.as_str()];
                p.extend_from_slice(k);
                figure(summary, &p)
            };
            let Some(a) = f(&["answered"]) else { continue };
            let sl = or_dash(f(&["service_level", "answered_within_over_offered"]), &pct);
            let asa = or_dash(f(&["asa_seconds"]), &secs);
            let _ = writeln!(s, "  {name:<16}answered {}   SL {sl}   ASA {asa}", count(a));
        }
    }
    let intervals = summary.get("per_interval").and_then(Value::as_array);
    if let Some(list) = intervals.filter(|l| l.len() > super::report::MAX_TEXT_INTERVALS) {
        let _ = writeln!(
            s,
            "\n{} reporting intervals: see `--format json` (`per_interval`) for the table.",
            list.len()
        );
    } else if let Some(intervals) = intervals {
        let _ = writeln!(s, "\n{:<18}{:<26}{:<34}ASA", "Interval", "Offered", "Service level (of offered)");
        for (i, iv) in intervals.iter().enumerate() {
            let start = iv.get("start").and_then(Value::as_str).unwrap_or("");
            let f = |k: &[&str]| figure_at(summary, i, k);
            let Some(o) = f(&["offered"]) else { continue };
            let sl = or_dash(f(&["service_level", "answered_within_over_offered"]), &pct);
            let asa = or_dash(f(&["asa_seconds"]), &secs);
            let _ = writeln!(s, "{start:<18}{:<26}{sl:<34}{asa}", count(o));
        }
    }
    s
}

/// A figure of the `i`-th interval.
fn figure_at(summary: &Value, i: usize, path: &[&str]) -> Option<Estimate> {
    let iv = summary.get("per_interval")?.as_array()?.get(i)?;
    figure(iv, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_use_students_t() {
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(e.mean, 2.5);
        // sd = 1.290994, t(3) = 3.182: 3.182 × 1.290994 / 2
        assert!((e.half_width - 2.054).abs() < 0.001, "{e:?}");
        assert_eq!(Estimate::of(&[5.0]).half_width, 0.0);
        assert!((t95(60) - 2.000).abs() < 0.002);
    }

    #[test]
    fn seeds_are_distinct_and_the_first_is_the_scenarios() {
        assert_eq!(replication_seed(7, 0), 7);
        let seeds: std::collections::BTreeSet<u64> = (0..1000).map(|i| replication_seed(7, i)).collect();
        assert_eq!(seeds.len(), 1000);
        assert_ne!(replication_seed(7, 1), replication_seed(8, 1));
    }

    #[test]
    fn numbers_are_summarised_and_texts_kept() {
        let a = serde_json::json!({"x": 1, "iv": [{"start": "08:00", "n": 2}], "q": {"A": {"n": 1}}});
        let b = serde_json::json!({"x": 3, "iv": [{"start": "08:00", "n": 4}, {"start": "08:30", "n": 1}], "q": {"B": {"n": 5}}});
        let m = merge(&[&a, &b]);
        assert_eq!(m["x"]["mean"], 2.0);
        assert_eq!(m["iv"][0]["start"], "08:00");
        assert_eq!(m["iv"][0]["n"]["mean"], 3.0);
        assert_eq!(m["iv"][1]["n"]["mean"], 1.0);
        assert_eq!(m["q"]["B"]["n"]["mean"], 5.0);
    }

    /// A count a run's report leaves out when it is zero (`retrials`, `unfinished`) is a 0 in
    /// the mean, not a run left out.
    #[test]
    fn counts_left_out_when_zero_count_as_zero() {
        let a = serde_json::json!({"retrials": 6, "offered": 10});
        let b = serde_json::json!({"offered": 12});
        let m = merge(&[&a, &b]);
        assert_eq!(m["retrials"]["mean"], 3.0);
        assert_eq!(m["offered"]["mean"], 11.0);
        let m = merge(&[&b, &a]);
        assert_eq!(m["retrials"]["mean"], 3.0);
    }

    /// A ratio a run has no value for (nothing offered in the interval) is left out of the mean,
    /// whichever run comes first, not counted as 0; with no value in any run it stays `null`.
    #[test]
    fn ratios_without_a_value_are_left_out_of_the_mean() {
        let a = serde_json::json!({"sl": null, "asa": null, "none": null});
        let b = serde_json::json!({"sl": 0.8, "asa": 12.0, "none": null});
        let c = serde_json::json!({"sl": 0.6, "asa": null, "none": null});
        for order in [[&a, &b, &c], [&b, &a, &c], [&c, &b, &a]] {
            let m = merge(&order);
            assert!((m["sl"]["mean"].as_f64().unwrap() - 0.7).abs() < 1e-9, "{m}");
            assert_eq!(m["asa"]["mean"], 12.0);
            assert_eq!(m["asa"]["ci95"], serde_json::json!([12.0, 12.0]));
            assert!(m["none"].is_null());
        }
    }
}
