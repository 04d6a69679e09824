//! `simulate --sweep agents=10..20:2`: the same scenario at each staffing level, each point run as
//! `--replications` independent runs, in one table — the what-if a WFM analyst asks first ("what
//! does one agent more buy me at the peak?"). The callback settings of every queue sweep the same
//! way: `callback_attempts=1..5`, `retry_interval=5m..30m:5m`, `slot_capacity=2..10:2`.

use super::replications::{Estimate, run_replications, summarise};
use super::report::Report;
use super::scenario::Scenario;
use crate::project::CheckedProject;
use serde_json::Value;

/// The most points one sweep runs.
pub const SWEEP_POINTS_MAX: usize = 1000;

/// What a sweep varies, and over which values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sweep {
    /// `agents`: that many identical agents in every queue (as `--agents`); `callback_attempts`,
    /// `retry_interval` (in seconds) or `slot_capacity`: that callback setting in every queue.
    pub variable: String,
    pub values: Vec<u32>,
}

/// The variables a sweep can vary.
pub const VARIABLES: &[&str] = &["agents", "callback_attempts", "retry_interval", "slot_capacity"];

impl Sweep {
    /// The scenario at value `v` of the sweep.
    pub fn apply(&self, scenario: &Scenario, v: u32) -> Scenario {
        let mut sc = scenario.clone();
        let o = &mut sc.callbacks.overrides;
        match self.variable.as_str() {
            "callback_attempts" => o.attempts = Some(v),
            "retry_interval" => o.retry_interval_secs = Some(v),
            "slot_capacity" => o.slot_capacity = Some(v),
            _ => return sc.with_agents(v),
        }
        sc
    }

    /// Value `v` as the table shows it (a duration for the retry interval).
    pub fn label(&self, v: u32) -> String {
        if self.variable == "retry_interval" {
            let (h, m, s) = (v / 3600, v / 60 % 60, v % 60);
            let mut out = String::new();
            if h > 0 {
                out += &format!("{h}h");
            }
            if m > 0 {
                out += &format!("{m}m");
            }
            if s > 0 || out.is_empty() {
                out += &format!("{s}s");
            }
            out
        } else {
            v.to_string()
        }
    }
}

/// Reads `VARIABLE=LO..HI` or `VARIABLE=LO..HI:STEP` (inclusive, step ≥ 1); the retry interval's
/// bounds and step are durations (`5m..30m:5m`), the others whole numbers.
pub fn parse_sweep(text: &str) -> Result<Sweep, String> {
    let (variable, range) =
        text.split_once('=').ok_or("write VARIABLE=LO..HI[:STEP], e.g. agents=10..20:2")?;
    let variable = variable.trim();
    if !VARIABLES.contains(&variable) {
        let help = crate::source::suggest::help_for(variable, "sweep variable", VARIABLES.iter().copied());
        return Err(format!("`{variable}` cannot be swept; {help}"));
    }
    let number = |s: &str| -> Result<u32, String> {
        let s = s.trim();
        if variable == "retry_interval" {
            let secs = crate::time::parse_duration(s).map_err(|e| format!("`{s}` is not a duration: {e}"))?
                / crate::time::MICROS_PER_SEC;
            u32::try_from(secs).map_err(|_| format!("`{s}` is too long"))
        } else {
            s.parse::<u32>().map_err(|_| format!("`{s}` is not a whole number"))
        }
    };
    let (range, step) = match range.split_once(':') {
        Some((r, s)) => (r, number(s).map_err(|e| format!("the step: {e}"))?),
        None => (range, if variable == "retry_interval" { 60 } else { 1 }),
    };
    if step == 0 {
        return Err("the step must be at least 1".into());
    }
    let (lo, hi) = range.split_once("..").ok_or_else(|| format!("`{range}` is not a range: write LO..HI"))?;
    let (lo, hi) = (number(lo)?, number(hi)?);
    if lo == 0 || lo > hi {
        return Err(format!(
            "{lo}..{hi} is empty or starts at 0: the low end is at least 1 and at most the high end"
        ));
    }
    let max = match variable {
        "agents" => crate::model::bounds::AGENTS_MAX,
        "callback_attempts" => 100,
        "retry_interval" => 7 * 86_400,
        _ => 1_000_000,
    };
    if hi > max {
        return Err(format!("{hi} is more than {variable} can be ({max})"));
    }
    let values: Vec<u32> = (lo..=hi).step_by(step as usize).collect();
    if values.len() > SWEEP_POINTS_MAX {
        return Err(format!("{} points is more than {SWEEP_POINTS_MAX}; use a larger step", values.len()));
    }
    Ok(Sweep { variable: variable.to_string(), values })
}

/// Runs every point of the sweep, `replications` runs each, on `threads` workers per point.
pub fn run_sweep(
    scenario: &Scenario,
    sweep: &Sweep,
    replications: u32,
    threads: usize,
    load: &(dyn Fn() -> Result<CheckedProject, String> + Sync),
) -> Result<Vec<(u32, Vec<Report>)>, String> {
    sweep
        .values
        .iter()
        .map(|&v| run_replications(&sweep.apply(scenario, v), replications, threads, load).map(|r| (v, r)))
        .collect()
}

/// The sweep as JSON: each point's summary (as `--replications` gives it).
pub fn to_json(sweep: &Sweep, points: &[(u32, Vec<Report>)], replications: u32) -> Value {
    let points: Vec<Value> = points
        .iter()
        .map(|(v, reports)| serde_json::json!({ sweep.variable.as_str(): v, "summary": summarise(reports) }))
        .collect();
    serde_json::json!({ "sweep": sweep.variable, "replications": replications, "points": points })
}

/// The sweep as a table: one row per value, the headline figures as mean ± 95% half-width (the
/// half-width left out with one replication).
pub fn to_text(sweep: &Sweep, points: &[(u32, Vec<Report>)], replications: u32) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let per = if replications > 1 {
        format!("{replications} replications per point; mean ± 95% confidence half-width")
    } else {
        "one run per point (add --replications N for confidence intervals)".to_string()
    };
    let _ = writeln!(s, "Sweep over {} ({per})", sweep.variable);
    let w = sweep.variable.len().max(8);
    let _ = writeln!(s);
    // A callback setting moves the callbacks' figures; the calls' are shown for staffing.
    let callbacks = sweep.variable != "agents";
    let heads = if callbacks {
        ["Service level", "Callbacks done", "Time to callback", "Within target", "Attempts each"]
    } else {
        ["Service level", "ASA", "Abandon rate", "P(wait > 0)", "Occupancy"]
    };
    let _ = write!(s, "{:>w$}  ", sweep.variable);
    let _ = writeln!(s, "{:<20}{:<20}{:<20}{:<20}{}", heads[0], heads[1], heads[2], heads[3], heads[4]);
    for (v, reports) in points {
        // Over the runs where the figure has a value (a ratio over nothing has none).
        let est = |f: &dyn Fn(&Report) -> Option<f64>| {
            let xs: Vec<f64> = reports.iter().filter_map(f).collect();
            Estimate::of(&xs)
        };
        let pct = |e: Estimate| {
            if e.n == 0 {
                "-".to_string()
            } else if e.n > 1 {
                format!("{:.2}% ± {:.2}", e.mean * 100.0, e.half_width * 100.0)
            } else {
                format!("{:.2}%", e.mean * 100.0)
            }
        };
        let secs = |e: Estimate| {
            let f = super::report::secs;
            match e.n {
                0 => "-".to_string(),
                1 => f(e.mean),
                _ => format!("{} ± {}", f(e.mean), f(e.half_width)),
            }
        };
        let num = |e: Estimate| {
            if e.n > 1 { format!("{:.2} ± {:.2}", e.mean, e.half_width) } else { format!("{:.2}", e.mean) }
        };
        let cb = |f: &dyn Fn(&crate::callbacks::stats::CallbackReport) -> f64| {
            est(&|r: &Report| Some(r.callbacks.as_ref().map_or(0.0, f)))
        };
        let cells = if callbacks {
            [
                pct(est(&|r| r.service_level.answered_within_over_offered)),
                pct(cb(&|c| if c.accepted == 0 { 0.0 } else { c.completed as f64 / c.accepted as f64 })),
                secs(cb(&|c| c.time_to_callback_seconds.mean)),
                pct(cb(&|c| c.service_level)),
                num(cb(&|c| c.attempts_per_callback)),
            ]
        } else {
            [
                pct(est(&|r| r.service_level.answered_within_over_offered)),
                secs(est(&|r| r.asa_seconds)),
                pct(est(&|r| r.abandon_rate)),
                pct(est(&|r| r.p_wait)),
                pct(est(&|r| Some(r.occupancy))),
            ]
        };
        let _ = writeln!(
            s,
            "{:>w$}  {:<20}{:<20}{:<20}{:<20}{}",
            sweep.label(*v),
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4]
        );
    }
    s
}

/// The sweep as one self-contained page (`--sweep … --report sweep.html`): each headline figure
/// against the swept value, with its 95% confidence band under replications, and the table. A
/// staffing sweep draws service level (with the 80% target), ASA, abandonment and occupancy; a
/// callback sweep the callbacks' figures beside the service level.
pub fn to_html(sweep: &Sweep, points: &[(u32, Vec<Report>)], replications: u32, title: &str) -> String {
    use super::html_report::{SL_TARGET, Series, axis_duration, chart, esc, page_head};
    use std::fmt::Write;
    let labels: Vec<String> = points.iter().map(|(v, _)| sweep.label(*v)).collect();
    // (mean, low, high) of a figure per point.
    // Over the runs where the figure has a value; a gap where none has.
    let column = |f: &dyn Fn(&Report) -> Option<f64>| -> Vec<(f64, f64, f64)> {
        points
            .iter()
            .map(|(_, reports)| {
                let xs: Vec<f64> = reports.iter().filter_map(f).collect();
                let e = Estimate::of(&xs);
                match e.n {
                    0 => (f64::NAN, f64::NAN, f64::NAN),
                    1 => (e.mean, e.mean, e.mean),
                    _ => (e.mean, e.low(), e.high()),
                }
            })
            .collect()
    };
    let cb = |f: fn(&crate::callbacks::stats::CallbackReport) -> f64| {
        move |r: &Report| Some(r.callbacks.as_ref().map_or(0.0, f))
    };
    let pct = |v: f64| format!("{:.0}%", v * 100.0);
    let mut h = page_head(title);
    let per = if replications > 1 {
        format!(
            "{replications} replications per point: each figure is their mean; the bands are 95% confidence intervals."
        )
    } else {
        "One run per point (add <code>--replications N</code> for confidence intervals).".to_string()
    };
    let _ = writeln!(h, "<p>Sweep over <code>{}</code>. {per}</p>", esc(&sweep.variable));
    let threshold =
        points.first().and_then(|(_, r)| r.first()).map_or(20.0, |r| r.service_level.threshold_seconds);
    let target_label = format!("target {:.0}% in {threshold:.0} s", SL_TARGET * 100.0);
    let x = format!(" by {}", sweep.variable);
    let sl = column(&|r| r.service_level.answered_within_over_offered);
    let _ = write!(
        h,
        "{}",
        chart(
            &format!("Service level (answered within {threshold:.0} s / offered){x}"),
            &labels,
            &[Series { name: "service level", colour: "#9467bd", points: sl.clone() }],
            &pct,
            Some((SL_TARGET, &target_label)),
            Some(1.0),
        )
    );
    type Figure<'a> = (&'a str, &'a str, Box<dyn Fn(&Report) -> Option<f64>>, bool);
    let figures: Vec<Figure> = if sweep.variable == "agents" {
        vec![
            ("ASA", "#ff7f0e", Box::new(|r: &Report| r.asa_seconds), false),
            ("Abandon rate", "#d62728", Box::new(|r: &Report| r.abandon_rate), true),
            ("Occupancy", "#2ca02c", Box::new(|r: &Report| Some(r.occupancy)), true),
        ]
    } else {
        vec![
            (
                "Callbacks completed of accepted",
                "#2ca02c",
                Box::new(cb(|c| if c.accepted == 0 { 0.0 } else { c.completed as f64 / c.accepted as f64 })),
                true,
            ),
            ("Time to callback (mean)", "#e377c2", Box::new(cb(|c| c.time_to_callback_seconds.mean)), false),
            (
                "Callbacks within the time-to-callback target",
                "#8c564b",
                Box::new(cb(|c| c.service_level)),
                true,
            ),
            ("Dial attempts per callback", "#ff7f0e", Box::new(cb(|c| c.attempts_per_callback)), false),
        ]
    };
    let mut columns = vec![("Service level", true, sl)];
    for (name, colour, f, share) in figures {
        let points = column(&*f);
        let unit: &dyn Fn(f64) -> String = if share {
            &pct
        } else if name.starts_with("Dial") {
            &|v| format!("{v:.1}")
        } else {
            &axis_duration
        };
        let _ = write!(
            h,
            "{}",
            chart(
                &format!("{name}{x}"),
                &labels,
                &[Series { name, colour, points: points.clone() }],
                unit,
                None,
                share.then_some(1.0),
            )
        );
        columns.push((name, share, points));
    }
    // The table: each figure's mean and 95% interval per point.
    let _ = write!(h, "<div class=\"wide\"><table><tr><th>{}</th>", esc(&sweep.variable));
    for (name, _, _) in &columns {
        let _ = write!(h, "<th>{}</th>", esc(name));
    }
    let _ = writeln!(h, "</tr>");
    for (i, label) in labels.iter().enumerate() {
        let _ = write!(h, "<tr><td>{}</td>", esc(label));
        for (name, share, points) in &columns {
            let (m, lo, hi) = points[i];
            let show = |v: f64| {
                if *share {
                    format!("{:.1}%", v * 100.0)
                } else if name.starts_with("Dial") {
                    format!("{v:.2}")
                } else {
                    super::report::secs(v)
                }
            };
            let band = if hi > lo { format!(" ({} – {})", show(lo), show(hi)) } else { String::new() };
            let _ = write!(h, "<td>{}{}</td>", esc(&show(m)), esc(&band));
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</table></div>\n</body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_inclusively_with_their_step() {
        assert_eq!(parse_sweep("agents=10..14:2").unwrap().values, [10, 12, 14]);
        assert_eq!(parse_sweep("agents=3..5").unwrap().values, [3, 4, 5]);
        assert!(parse_sweep("agents=5..3").unwrap_err().contains("empty"));
        assert!(parse_sweep("agents=0..3").is_err());
        assert!(parse_sweep("agents=1..3:0").unwrap_err().contains("step"));
        assert!(parse_sweep("aht=1..3").unwrap_err().contains("cannot be swept"));
        assert!(parse_sweep("agent=1..3").unwrap_err().contains("did you mean `agents`"));
        let r = parse_sweep("retry_interval=5m..20m:5m").unwrap();
        assert_eq!(r.values, [300, 600, 900, 1200]);
        assert_eq!(r.label(600), "10m");
        assert_eq!(parse_sweep("callback_attempts=1..3").unwrap().values, [1, 2, 3]);
        assert!(parse_sweep("retry_interval=5m..soon").unwrap_err().contains("`soon` is not a duration"));
        assert!(parse_sweep("agents").is_err());
        assert!(parse_sweep("agents=1..x").unwrap_err().contains("`x` is not a whole number"));
    }
}
