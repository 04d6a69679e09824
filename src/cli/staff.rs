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
    ///
    /// Each target may be given once more per queue of a forecast per queue, as QUEUE=VALUE
    /// (`--target Billing=90/30s`): that queue's requirement meets its own.
    #[arg(long, value_name = "[QUEUE=]PERCENT/THRESHOLD")]
    pub target: Vec<String>,
    /// Abandoned calls over offered, at most: `5%` or `5`.
    #[arg(long, value_name = "[QUEUE=]PERCENT")]
    pub max_abandon: Vec<String>,
    /// Average speed of answer (mean wait of answered calls), at most: `30s`.
    #[arg(long, value_name = "[QUEUE=]DURATION")]
    pub max_asa: Vec<String>,
    /// Time to callback (from a callback being ready until the customer is connected with an
    /// agent), at most, on average over the interval's connected callbacks: `1h`. The scenario's
    /// flows must offer callbacks.
    #[arg(long, value_name = "[QUEUE=]DURATION", visible_alias = "max-ttc")]
    pub max_time_to_callback: Vec<String>,
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

use std::collections::BTreeMap;
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

/// `Billing=90/30s` → (`Billing`, `90/30s`): a value for one queue. A value of its own
/// (`80/20s`, `5%`, `30s`) has no `=`.
fn for_queue(value: &str) -> Option<(&str, &str)> {
    let (queue, v) = value.split_once('=')?;
    let queue = queue.trim();
    (!queue.is_empty()).then_some((queue, v.trim()))
}

/// Sets the target `--flag value` names.
fn set_target(targets: &mut Targets, flag: &str, value: &str) -> Result<(), String> {
    let secs = |m: callwright::time::Micros| m as f64 / callwright::time::MICROS_PER_SEC as f64;
    match flag {
        "target" => {
            let (sl, threshold) = parse_target(value)?;
            targets.service_level = Some(sl);
            targets.threshold = threshold;
        }
        "max-abandon" => targets.max_abandon = Some(parse_percent(flag, value)?),
        _ => {
            let d = parse_duration(flag, value)?;
            if d <= 0 {
                return Err(format!("--{flag} {value:?}: must be longer than 0s"));
            }
            if flag == "max-asa" {
                targets.max_asa = Some(secs(d));
            } else {
                targets.max_time_to_callback = Some(secs(d));
            }
        }
    }
    Ok(())
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
    // Each target for every queue, or (`QUEUE=…`) for one queue of a forecast per queue.
    let flags: [(&str, &[String]); 4] = [
        ("target", &args.target),
        ("max-abandon", &args.max_abandon),
        ("max-asa", &args.max_asa),
        ("max-time-to-callback", &args.max_time_to_callback),
    ];
    let mut for_queues: Vec<(&str, &str, &str)> = Vec::new();
    for (flag, values) in flags {
        let mut given = false;
        for value in values {
            match for_queue(value) {
                Some((queue, v)) => for_queues.push((queue, flag, v)),
                None if given => {
                    return Err(bad(format!(
                        "--{flag} is given twice for every queue; give it once, or once per queue as QUEUE=VALUE"
                    )));
                }
                None => {
                    given = true;
                    set_target(&mut targets, flag, value).map_err(bad)?;
                }
            }
        }
    }
    if targets.service_level.is_none()
        && targets.max_abandon.is_none()
        && targets.max_asa.is_none()
        && targets.max_time_to_callback.is_none()
    {
        targets.service_level = Some(0.8);
    }
    // A queue's own targets: every queue's, with its own on top.
    let mut per_queue: BTreeMap<String, Targets> = BTreeMap::new();
    for (queue, flag, value) in for_queues {
        let names: Vec<&str> = sc.traffic.queues.iter().map(|q| q.name.as_str()).collect();
        if names.is_empty() {
            return Err(bad(format!(
                "--{flag} {queue}={value}: a target for one queue needs a forecast per queue (a `queue` column)"
            )));
        }
        if !names.contains(&queue) {
            let help = callwright::source::suggest::help_for(queue, "forecast queue", names.iter().copied());
            return Err(bad(format!(
                "--{flag} {queue}={value}: `{queue}` is not a queue of the forecast; {help}"
            )));
        }
        set_target(per_queue.entry(queue.to_string()).or_insert(targets), flag, value).map_err(bad)?;
    }
    load_checked(&sc.project, out)?;
    let effort = Effort { replications: args.replications, threads: worker_threads(args.threads) };
    let started = std::time::Instant::now();
    let rows = staffing::staff(&sc, &targets, &per_queue, effort, &loader(&sc)).map_err(bad)?;
    let model = staffing::model_name(&sc);
    if let Some(path) = &args.report {
        let title = format!("callwright staff {}", args.scenario.display());
        std::fs::write(path, staffing::to_html(&rows, &targets, &per_queue, &title))
            .map_err(|e| (exit::USAGE, format!("--report {}: {e}", path.display())))?;
    }
    let text = match args.format {
        Format::Text => staffing::to_text(&rows, &targets, &per_queue, effort, model),
        Format::Csv => staffing::to_csv(&rows),
        Format::Json => {
            let json = |t: &Targets| {
                serde_json::json!({
                    "service_level": t.service_level,
                    "threshold_seconds": t.threshold as f64 / callwright::time::MICROS_PER_SEC as f64,
                    "max_abandon": t.max_abandon,
                    "max_asa_seconds": t.max_asa,
                    "max_time_to_callback_seconds": t.max_time_to_callback,
                    "shrinkage": t.shrinkage,
                })
            };
            let mut all = json(&targets);
            if !per_queue.is_empty() {
                let each: serde_json::Map<String, serde_json::Value> =
                    per_queue.iter().map(|(q, t)| (q.clone(), json(t))).collect();
                all["per_queue"] = serde_json::Value::Object(each);
            }
            let v = serde_json::json!({
                "targets": all,
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
