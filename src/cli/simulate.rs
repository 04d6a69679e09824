//! `callwright simulate SCENARIO.yaml`

use super::exit;
use super::output::Output;
use super::run::{load_checked, parse_duration};
use callwright::sim::scenario::{self, Length};
use callwright::sim::simulator::simulate;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

/// Simulate traffic through a project's flows on the virtual clock and report queue statistics.
///
/// The scenario names the project, the traffic (Poisson arrivals, a rate or a rate per interval
/// of the day), caller behaviour (menu choices, patience, handle time), the agents, a seed and a
/// length. Flags override the scenario for quick what-if runs. The same seed gives the same
/// output, byte for byte. Throughput (calls per second of wall time) goes to stderr.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  callwright simulate flows/bench/mmc.yaml
  callwright simulate flows/bench/mmc.yaml --calls 1000000 --agents 50 --arrival-rate 45/s --aht 1s
  callwright simulate flows/acme/scenario.yaml --agents 12 --format json
  callwright simulate flows/bench/mmc.yaml --patience 120s      (callers abandon: Erlang A)
  callwright simulate flows/acme/scenario.yaml --replications 20   (means with 95% confidence intervals)
  callwright simulate flows/bench/mmc.yaml --calls 20000 --sweep agents=12..18 --replications 5
  callwright simulate flows/acme/day.yaml --replications 40 --shard 2/4 --out shard-2.json
                                              (then `callwright merge shard-*.json`)")]
pub struct SimulateArgs {
    pub scenario: PathBuf,
    /// Stop after this many calls (instead of the scenario's length).
    #[arg(long)]
    pub calls: Option<u64>,
    #[arg(long)]
    pub seed: Option<u64>,
    /// This many agents, each in every queue.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=callwright::model::bounds::AGENTS_MAX as i64))]
    pub agents: Option<u32>,
    /// A constant arrival rate: `45/s`, `100/30m`, `2700/h`, or calls per second.
    #[arg(long)]
    pub arrival_rate: Option<String>,
    /// Mean handle time (exponential).
    #[arg(long)]
    pub aht: Option<String>,
    /// Mean patience (exponential), or `none` for callers who never hang up.
    #[arg(long)]
    pub patience: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Run the scenario this many times, each with its own seeded stream (the first with the
    /// scenario's seed), and report every figure as a mean with its 95% confidence interval.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=callwright::sim::replications::REPLICATIONS_MAX as i64))]
    pub replications: u32,
    /// Worker threads for the replications (default: every core). The output does not depend
    /// on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Run the scenario at each value, `VARIABLE=LO..HI[:STEP]`, and print one row per value; with
    /// `--replications N`, each with its 95% confidence interval. Variables: `agents` (identical
    /// agents in every queue, as `--agents`), `callback_attempts`, `retry_interval` (durations:
    /// `5m..30m:5m`) and `slot_capacity` (for every queue and callback).
    #[arg(long, value_name = "VARIABLE=LO..HI[:STEP]")]
    pub sweep: Option<String>,
    /// Run the scenario once per dialling mode (preview, push preview, progressive, predictive)
    /// with every campaign in that mode, and print the comparison: contacts per hour,
    /// abandonment, occupancy, the inbound service level.
    #[arg(long, conflicts_with_all = ["sweep", "shard", "replications", "report"])]
    pub compare_modes: bool,
    /// Also write the day as one self-contained HTML page (inline SVG charts per interval: calls,
    /// service level against its target, ASA, callers waiting, occupancy per group, callbacks and
    /// their time to callback, agents scheduled; confidence bands with `--replications`). With
    /// `--sweep`, the sweep's page: each figure against the swept value.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Run only shard K of N of the runs (replications, or sweep points × replications), for
    /// running one command on many machines; write it with `--out` and put the shards together
    /// with `callwright merge`, which prints what the whole command would have.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Where `--shard` writes its shard file (JSON); default: standard output.
    #[arg(long, value_name = "FILE", requires = "shard")]
    pub out: Option<PathBuf>,
    /// Walk every call through the flow interpreter, even where the flow goes straight to a queue
    /// and the simulator places the call there itself. The report is the same, byte for byte;
    /// this measures the interpreter, and shows that the two agree.
    #[arg(long)]
    pub interpreted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// The per-interval table as CSV (with replications, each figure's 95% bounds too).
    Csv,
}

pub fn run(args: SimulateArgs, out: &mut Output) -> i32 {
    match run_inner(args, out) {
        Ok(code) => code,
        Err((code, message)) => {
            out.error(&message);
            code
        }
    }
}

fn run_inner(args: SimulateArgs, out: &mut Output) -> Result<i32, (i32, String)> {
    let bad = |m: String| (exit::PROBLEMS, m);
    let mut sc = scenario::load_scenario(&args.scenario).map_err(|e| bad(e.to_string()))?;
    if let Some(n) = args.calls {
        if n == 0 {
            return Err(bad("--calls must be at least 1".into()));
        }
        sc = sc.with_calls(n);
    }
    if let Some(s) = args.seed {
        sc = sc.with_seed(s);
    }
    if let Some(n) = args.agents {
        sc = sc.with_agents(n);
    }
    if let Some(r) = &args.arrival_rate {
        let rate = scenario::parse_rate(r).map_err(|e| bad(format!("--arrival-rate {r:?}: {e}")))?;
        sc = sc.with_rate(rate);
    }
    if let Some(a) = &args.aht {
        let aht = parse_duration("aht", a).map_err(bad)?;
        if aht <= 0 {
            return Err(bad(format!("--aht {a:?}: a handle time must be longer than 0s")));
        }
        sc = sc.with_aht(aht);
    }
    if let Some(p) = &args.patience {
        let patience = if p == "none" { None } else { Some(parse_duration("patience", p).map_err(bad)?) };
        if patience.is_some_and(|p| p <= 0) {
            return Err(bad(format!("--patience {p:?}: patience must be longer than 0s, or `none`")));
        }
        sc = sc.with_patience(patience);
    }
    sc.interpreted = args.interpreted;
    if args.sweep.is_some() && args.format == Format::Csv {
        return Err((
            exit::USAGE,
            "--format csv is the per-interval table; a sweep prints text or json".into(),
        ));
    }
    let sweep = match &args.sweep {
        Some(s) => {
            Some(callwright::sim::sweep::parse_sweep(s).map_err(|e| bad(format!("--sweep {s:?}: {e}")))?)
        }
        None => None,
    };
    let shard = match &args.shard {
        Some(s) => {
            Some(callwright::sim::shard::parse_shard(s).map_err(|e| bad(format!("--shard {s:?}: {e}")))?)
        }
        None => None,
    };
    let checked = load_checked(&sc.project, out)?;
    if let Some(shard) = shard {
        return shard_run(&sc, sweep.as_ref(), shard, &args, out);
    }
    if let Some(sweep) = sweep {
        return sweep_run(&sc, &sweep, &args, out);
    }
    if args.compare_modes {
        if sc.campaigns.is_empty() {
            return Err((exit::PROBLEMS, "--compare-modes: the scenario has no campaigns".into()));
        }
        let mut runs = Vec::new();
        for mode in callwright::sim::scenario::DialMode::ALL {
            let mut one = sc.clone();
            for c in &mut one.campaigns {
                c.mode = mode;
            }
            runs.push((mode, simulate(&checked, &one, &|_| {}).map_err(bad)?.report));
        }
        let text = match args.format {
            // Each mode's whole report, by mode.
            Format::Json => {
                let by_mode: serde_json::Map<String, serde_json::Value> = runs
                    .iter()
                    .map(|(m, r)| (m.as_str().to_string(), serde_json::to_value(r).unwrap_or_default()))
                    .collect();
                serde_json::to_string_pretty(&by_mode).unwrap_or_default() + "\n"
            }
            Format::Text | Format::Csv => callwright::sim::campaigns::compare_text(&runs),
        };
        out.stdout(&text);
        return Ok(exit::OK);
    }
    if args.replications > 1 {
        return replicate(&sc, &args, out);
    }
    let expected = match sc.length {
        Length::Calls(n) => n,
        Length::Duration(_) => 0,
    };
    let bar = (std::io::stderr().is_terminal() && expected >= 200_000).then(|| {
        let b = indicatif::ProgressBar::new(expected);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} calls ({per_sec}, {eta} left)")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let started = Instant::now();
    let result = simulate(&checked, &sc, &|n| {
        if let Some(b) = &bar {
            b.set_position(n);
        }
    })
    .map_err(bad)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let wall = started.elapsed().as_secs_f64();
    print_single(&result.report, args.format, args.report.as_deref(), &args.scenario, out)?;
    eprintln!(
        "simulated {} calls in {:.2} s of wall time: {:.0} calls/s",
        result.calls,
        wall,
        result.calls as f64 / wall.max(1e-9)
    );
    Ok(exit::OK)
}

/// Worker threads: `--threads`, else every core.
fn threads(args: &SimulateArgs) -> usize {
    worker_threads(args.threads)
}

/// `--threads T`, else every core.
pub(super) fn worker_threads(threads: Option<u32>) -> usize {
    threads.map(|t| t as usize).unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// How a worker thread gets its own checked project (one holds single-threaded parts).
pub(super) fn loader(
    sc: &scenario::Scenario,
) -> impl Fn() -> Result<callwright::project::CheckedProject, String> + Sync {
    let project = sc.project.clone();
    move || callwright::project::Project::load(&project).map(|p| p.check()).map_err(|e| e.to_string())
}

/// `--sweep agents=LO..HI[:STEP]`: each level's runs, then one table.
fn sweep_run(
    sc: &scenario::Scenario,
    sweep: &callwright::sim::sweep::Sweep,
    args: &SimulateArgs,
    out: &mut Output,
) -> Result<i32, (i32, String)> {
    use callwright::sim::sweep::run_sweep;
    let threads = threads(args);
    let started = Instant::now();
    let points =
        run_sweep(sc, sweep, args.replications, threads, &loader(sc)).map_err(|e| (exit::PROBLEMS, e))?;
    let wall = started.elapsed().as_secs_f64();
    if let Some(path) = &args.report {
        write_sweep_report(path, sweep, &points, args.replications, &args.scenario)?;
    }
    print_sweep(sweep, &points, args.replications, args.format, out);
    let calls: u64 = points.iter().flat_map(|(_, r)| r.iter().map(|r| r.arrived)).sum();
    eprintln!(
        "simulated {} points × {} replications ({calls} calls) on {threads} threads in {wall:.2} s of wall time",
        points.len(),
        args.replications
    );
    Ok(exit::OK)
}

/// `--replications N` (N > 1): the runs on worker threads, then the summary with confidence
/// intervals. The project was checked once already; each worker loads its own copy.
fn replicate(sc: &scenario::Scenario, args: &SimulateArgs, out: &mut Output) -> Result<i32, (i32, String)> {
    use callwright::sim::replications::run_replications;
    let threads = threads(args);
    let load = loader(sc);
    let started = Instant::now();
    let reports = run_replications(sc, args.replications, threads, &load).map_err(|e| (exit::PROBLEMS, e))?;
    let wall = started.elapsed().as_secs_f64();
    print_replications(&reports, sc.seed, args.format, args.report.as_deref(), &args.scenario, out)?;
    let calls: u64 = reports.iter().map(|r| r.arrived).sum();
    eprintln!(
        "simulated {} replications ({calls} calls) on {threads} threads in {wall:.2} s of wall time: {:.0} calls/s",
        args.replications,
        calls as f64 / wall.max(1e-9)
    );
    Ok(exit::OK)
}

/// `--shard K/N`: this shard's runs, written as a shard file for `callwright merge`.
fn shard_run(
    sc: &scenario::Scenario,
    sweep: Option<&callwright::sim::sweep::Sweep>,
    shard: callwright::sim::shard::Shard,
    args: &SimulateArgs,
    out: &mut Output,
) -> Result<i32, (i32, String)> {
    let threads = threads(args);
    let started = Instant::now();
    let name = args.scenario.display().to_string();
    let file =
        callwright::sim::shard::run_shard(sc, &name, sweep, args.replications, shard, threads, &loader(sc))
            .map_err(|e| (exit::PROBLEMS, e))?;
    let mut text = serde_json::to_string(&file).map_err(|e| (exit::PROBLEMS, e.to_string()))?;
    text.push('\n');
    match &args.out {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| (exit::USAGE, format!("--out {}: {e}", path.display())))?
        }
        None => out.stdout(&text),
    }
    eprintln!(
        "shard {}/{}: {} runs on {threads} threads in {:.2} s of wall time",
        shard.k,
        shard.n,
        file.runs.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(exit::OK)
}

/// One run's report, as text or JSON, and its page with `--report`.
pub(super) fn print_single(
    report: &callwright::sim::report::Report,
    format: Format,
    page: Option<&std::path::Path>,
    scenario: &std::path::Path,
    out: &mut Output,
) -> Result<(), (i32, String)> {
    if let Some(path) = page {
        let summary = callwright::sim::replications::summarise(std::slice::from_ref(report));
        write_report(path, &summary, scenario, 1)?;
    }
    let text = match format {
        Format::Text => report.to_text(),
        Format::Json => report.to_json(),
        Format::Csv => callwright::sim::replications::per_interval_csv(
            &callwright::sim::replications::summarise(std::slice::from_ref(report)),
            false,
        ),
    };
    print(out, &text);
    Ok(())
}

/// The summary of replications (means with 95% intervals), and its page with `--report`.
pub(super) fn print_replications(
    reports: &[callwright::sim::report::Report],
    seed: u64,
    format: Format,
    page: Option<&std::path::Path>,
    scenario: &std::path::Path,
    out: &mut Output,
) -> Result<(), (i32, String)> {
    use callwright::sim::replications::{replication_seed, summarise, to_text};
    let n = reports.len() as u32;
    let summary = summarise(reports);
    if let Some(path) = page {
        write_report(path, &summary, scenario, n)?;
    }
    let seeds: Vec<u64> = (0..n).map(|i| replication_seed(seed, i)).collect();
    let text = match format {
        Format::Text => to_text(&summary, &seeds),
        Format::Csv => callwright::sim::replications::per_interval_csv(&summary, true),
        Format::Json => {
            let v = serde_json::json!({ "replications": n, "seeds": seeds, "summary": summary });
            serde_json::to_string_pretty(&v).unwrap_or_default()
        }
    };
    print(out, &text);
    Ok(())
}

/// The sweep's table (or JSON).
pub(super) fn print_sweep(
    sweep: &callwright::sim::sweep::Sweep,
    points: &[(u32, Vec<callwright::sim::report::Report>)],
    replications: u32,
    format: Format,
    out: &mut Output,
) {
    use callwright::sim::sweep::{to_json, to_text};
    let text = match format {
        Format::Text | Format::Csv => to_text(sweep, points, replications),
        Format::Json => {
            serde_json::to_string_pretty(&to_json(sweep, points, replications)).unwrap_or_default()
        }
    };
    print(out, &text);
}

/// Standard output, ending with a newline.
fn print(out: &mut Output, text: &str) {
    out.stdout(text);
    if !text.ends_with('\n') {
        out.stdout("\n");
    }
}

/// `--sweep … --report FILE`: the sweep's page (each figure against the swept value).
pub(super) fn write_sweep_report(
    path: &std::path::Path,
    sweep: &callwright::sim::sweep::Sweep,
    points: &[(u32, Vec<callwright::sim::report::Report>)],
    replications: u32,
    scenario: &std::path::Path,
) -> Result<(), (i32, String)> {
    let title = format!("callwright simulate {} --sweep {}", scenario.display(), sweep.variable);
    let html = callwright::sim::sweep::to_html(sweep, points, replications, &title);
    std::fs::write(path, html).map_err(|e| (exit::USAGE, format!("--report {}: {e}", path.display())))
}

/// `--report FILE`: the HTML page of a summary.
fn write_report(
    path: &std::path::Path,
    summary: &serde_json::Value,
    scenario: &std::path::Path,
    replications: u32,
) -> Result<(), (i32, String)> {
    let title = format!("callwright simulate {}", scenario.display());
    let html = callwright::sim::html_report::to_html(summary, &title, replications);
    std::fs::write(path, html).map_err(|e| (exit::USAGE, format!("--report {}: {e}", path.display())))
}
