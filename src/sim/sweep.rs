//! `simulate --sweep agents=10..20:2`: the same scenario at each staffing level, each point run as
//! `--replications` independent runs, in one table — the what-if a WFM analyst asks first ("what
//! does one agent more buy me at the peak?").

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
    /// `agents`: that many identical agents in every queue (as `--agents`).
    pub variable: String,
    pub values: Vec<u32>,
}

/// Reads `agents=LO..HI` or `agents=LO..HI:STEP` (inclusive, step ≥ 1).
pub fn parse_sweep(text: &str) -> Result<Sweep, String> {
    let (variable, range) =
        text.split_once('=').ok_or("write VARIABLE=LO..HI[:STEP], e.g. agents=10..20:2")?;
    let variable = variable.trim();
    if variable != "agents" {
        return Err(format!("`{variable}` cannot be swept; `agents` can (agents=10..20:2)"));
    }
    let (range, step) = match range.split_once(':') {
        Some((r, s)) => {
            (r, s.trim().parse::<u32>().map_err(|_| format!("the step `{s}` is not a whole number"))?)
        }
        None => (range, 1),
    };
    if step == 0 {
        return Err("the step must be at least 1".into());
    }
    let (lo, hi) = range.split_once("..").ok_or_else(|| format!("`{range}` is not a range: write LO..HI"))?;
    let number =
        |s: &str| s.trim().parse::<u32>().map_err(|_| format!("`{}` is not a whole number", s.trim()));
    let (lo, hi) = (number(lo)?, number(hi)?);
    if lo == 0 || lo > hi {
        return Err(format!(
            "{lo}..{hi} is empty or starts at 0: the low end is at least 1 and at most the high end"
        ));
    }
    if hi > crate::model::bounds::AGENTS_MAX {
        return Err(format!("{hi} agents is more than {}", crate::model::bounds::AGENTS_MAX));
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
        .map(|&v| {
            let sc = scenario.clone().with_agents(v);
            run_replications(&sc, replications, threads, load).map(|r| (v, r))
        })
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
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{:>8}  {:<20}{:<20}{:<20}{:<20}Occupancy",
        sweep.variable, "Service level", "ASA", "Abandon rate", "P(wait > 0)"
    );
    for (v, reports) in points {
        let est = |f: &dyn Fn(&Report) -> f64| {
            let xs: Vec<f64> = reports.iter().map(f).collect();
            Estimate::of(&xs)
        };
        let pct = |e: Estimate| {
            if e.n > 1 {
                format!("{:.2}% ± {:.2}", e.mean * 100.0, e.half_width * 100.0)
            } else {
                format!("{:.2}%", e.mean * 100.0)
            }
        };
        let secs = |e: Estimate| {
            let f = super::report::secs;
            if e.n > 1 { format!("{} ± {}", f(e.mean), f(e.half_width)) } else { f(e.mean) }
        };
        let _ = writeln!(
            s,
            "{v:>8}  {:<20}{:<20}{:<20}{:<20}{}",
            pct(est(&|r| r.service_level.answered_within_over_offered)),
            secs(est(&|r| r.asa_seconds)),
            pct(est(&|r| r.abandon_rate)),
            pct(est(&|r| r.p_wait)),
            pct(est(&|r| r.occupancy)),
        );
    }
    s
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
        assert!(parse_sweep("agents").is_err());
        assert!(parse_sweep("agents=1..x").unwrap_err().contains("`x` is not a whole number"));
    }
}
