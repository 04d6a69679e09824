//! `callwright staff SCENARIO.yaml`

use super::exit;
use super::output::Output;
use super::run::{load_checked, parse_duration};
use super::simulate::{loader, worker_threads};
use callwright::sim::scenario;
use callwright::sim::staffing::{self, Effort, Targets};

/// The fewest agents per interval that meet a service target, Erlang first, then confirmed by
/// simulating the project's flows.
///
/// For each interval of the scenario's forecast (or profile), Erlang C — Erlang A when callers
/// abandon — gives a first guess; the simulator then runs that interval as a steady state at each
/// staffing level (the same seeds at every level) until the answer meets every target and one
/// agent fewer does not. Agents are identical and in every queue; the scenario's roster, when it
/// has one, is shown beside the requirement. With a forecast per queue (a `queue` column), each
/// queue's requirement is found with only its own calls, and each interval's `(all)` row adds
/// them up against the roster.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  callwright staff flows/acme/day.yaml                       80% within the scenario's threshold
  callwright staff flows/acme/day.yaml --target 80/20s --max-abandon 5%
  callwright staff flows/acme/day.yaml --max-asa 30s --format csv > staffing.csv
  callwright staff flows/acme/day.yaml --max-abandon 10% --max-time-to-callback 1h
  callwright staff flows/acme/day.yaml --shrinkage 30%          agents to schedule, not only to seat
  callwright staff flows/acme/day.yaml --report staffing.html   the staffing curve against the roster
  callwright staff flows/acme/day-by-queue.yaml               per queue, from a forecast per queue")]
pub struct StaffArgs {
    pub scenario: PathBuf,
    /// Service level: `PERCENT/THRESHOLD`, e.g. `80/20s` (80% of offered calls answered within
    /// 20 s). Default: 80% within the scenario's `service_level.threshold`, unless only other
    /// targets are given.
    #[arg(long, value_name = "PERCENT/THRESHOLD")]
    pub target: Option<String>,
    /// Abandoned calls over offered, at most: `5%` or `5`.
    #[arg(long, value_name = "PERCENT")]
    pub max_abandon: Option<String>,
    /// Average speed of answer (mean wait of answered calls), at most: `30s`.
    #[arg(long, value_name = "DURATION")]
    pub max_asa: Option<String>,
    /// Time to callback (from a callback being ready until the customer is connected with an
    /// agent), at most, on average over the interval's connected callbacks: `1h`. The scenario's
    /// flows must offer callbacks.
    #[arg(long, value_name = "DURATION", visible_alias = "max-ttc")]
    pub max_time_to_callback: Option<String>,
    /// The share of paid time agents are off the phones beyond the roster's breaks (absence,
    /// meetings, coaching): the table's `Schedule` column is the requirement grossed up by it.
    #[arg(long, value_name = "PERCENT")]
    pub shrinkage: Option<String>,
    /// Seeded runs per interval and staffing level.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=callwright::sim::replications::REPLICATIONS_MAX as i64))]
    pub replications: u32,
    /// Worker threads (default: every core). The output does not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    #[arg(long)]
    pub seed: Option<u64>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write the staffing curve as one self-contained HTML page: agents required, to roster
    /// and rostered per interval, and the table.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
}

pub fn run(args: StaffArgs, out: &mut Output) -> i32 {
    match run_inner(args, out) {
        Ok(code) => code,
        Err((code, message)) => {
            out.error(&message);
            code
        }
    }
}

/// `80/20s` → (0.8, 20 s).
fn parse_target(text: &str) -> Result<(f64, callwright::time::Micros), String> {
    let (p, t) = text
        .split_once('/')
        .ok_or_else(|| format!("--target {text:?}: write PERCENT/THRESHOLD, e.g. 80/20s"))?;
    let sl = parse_percent("target", p)?;
    let threshold = parse_duration("target", t.trim())?;
    if threshold < 0 {
        return Err(format!("--target {text:?}: the threshold must not be negative"));
    }
    Ok((sl, threshold))
}

/// `5%`, `5` → 0.05; strictly between 0 and 100.
fn parse_percent(flag: &str, text: &str) -> Result<f64, String> {
    let t = text.trim().trim_end_matches('%').trim();
    match t.parse::<f64>() {
        Ok(p) if p > 0.0 && p < 100.0 => Ok(p / 100.0),
        _ => Err(format!("--{flag} {text:?}: expected a percentage above 0 and below 100, such as 80 or 5%")),
    }
}

fn run_inner(args: StaffArgs, out: &mut Output) -> Result<i32, (i32, String)> {
    let bad = |m: String| (exit::PROBLEMS, m);
    let mut sc = scenario::load_scenario(&args.scenario).map_err(|e| bad(e.to_string()))?;
    if let Some(s) = args.seed {
        sc = sc.with_seed(s);
    }
    let mut targets = Targets {
        service_level: None,
        threshold: sc.sl_threshold,
        max_abandon: None,
        max_asa: None,
        max_time_to_callback: None,
        shrinkage: 0.0,
    };
    if let Some(s) = &args.shrinkage {
        targets.shrinkage = parse_percent("shrinkage", s).map_err(bad)?;
    }
    if let Some(t) = &args.target {
        let (sl, threshold) = parse_target(t).map_err(bad)?;
        targets.service_level = Some(sl);
        targets.threshold = threshold;
    }
    if let Some(a) = &args.max_abandon {
        targets.max_abandon = Some(parse_percent("max-abandon", a).map_err(bad)?);
    }
    if let Some(a) = &args.max_asa {
        let asa = parse_duration("max-asa", a).map_err(bad)?;
        if asa <= 0 {
            return Err(bad(format!("--max-asa {a:?}: must be longer than 0s")));
        }
        targets.max_asa = Some(asa as f64 / callwright::time::MICROS_PER_SEC as f64);
    }
    if let Some(a) = &args.max_time_to_callback {
        let ttc = parse_duration("max-time-to-callback", a).map_err(bad)?;
        if ttc <= 0 {
            return Err(bad(format!("--max-time-to-callback {a:?}: must be longer than 0s")));
        }
        targets.max_time_to_callback = Some(ttc as f64 / callwright::time::MICROS_PER_SEC as f64);
    }
    if targets.service_level.is_none()
        && targets.max_abandon.is_none()
        && targets.max_asa.is_none()
        && targets.max_time_to_callback.is_none()
    {
        targets.service_level = Some(0.8);
    }
    load_checked(&sc.project, out)?;
    let effort = Effort { replications: args.replications, threads: worker_threads(args.threads) };
    let started = std::time::Instant::now();
    let rows = staffing::staff(&sc, &targets, effort, &loader(&sc)).map_err(bad)?;
    let model = staffing::model_name(&sc);
    if let Some(path) = &args.report {
        let title = format!("callwright staff {}", args.scenario.display());
        std::fs::write(path, staffing::to_html(&rows, &targets, &title))
            .map_err(|e| (exit::USAGE, format!("--report {}: {e}", path.display())))?;
    }
    let text = match args.format {
        Format::Text => staffing::to_text(&rows, &targets, effort, model),
        Format::Csv => staffing::to_csv(&rows),
        Format::Json => {
            let v = serde_json::json!({
                "targets": {
                    "service_level": targets.service_level,
                    "threshold_seconds": targets.threshold as f64 / callwright::time::MICROS_PER_SEC as f64,
                    "max_abandon": targets.max_abandon,
                    "max_asa_seconds": targets.max_asa,
                    "max_time_to_callback_seconds": targets.max_time_to_callback,
                    "shrinkage": targets.shrinkage,
                },
                "first_guess": model,
                "replications": args.replications,
                "seeds": staffing::seeds(&sc, args.replications),
                "intervals": rows,
            });
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
    };
    out.stdout(&text);
    eprintln!("searched {} intervals in {:.2} s of wall time", rows.len(), started.elapsed().as_secs_f64());
    Ok(exit::OK)
}
