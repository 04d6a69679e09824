//! `callwright merge SHARD.json...`

use super::exit;
use super::output::Output;
use super::simulate::{Format, print_replications, print_single, print_sweep, write_sweep_report};
use std::path::PathBuf;

/// Put the shards of one `simulate --shard K/N` command back together and print what the whole
/// command prints: the run's report, the replications' summary with 95% intervals, or the sweep's
/// table.
///
/// Every shard K/N must be given once; shards of another scenario, other overrides or another
/// shard count are refused. The result is the same, byte for byte, as running the command on one
/// machine.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  for k in 1 2 3 4; do callwright simulate flows/acme/day.yaml --replications 40 --shard $k/4 --out shard-$k.json; done
  callwright merge shard-*.json
  callwright merge shard-*.json --format json --report day.html")]
pub struct MergeArgs {
    /// The shard files written by `simulate --shard K/N --out FILE`.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write the HTML page, as `simulate --report` does (the day, or the sweep's page).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

pub fn run(args: MergeArgs, out: &mut Output) -> i32 {
    match run_inner(args, out) {
        Ok(()) => exit::OK,
        Err((code, message)) => {
            out.error(&message);
            code
        }
    }
}

fn run_inner(args: MergeArgs, out: &mut Output) -> Result<(), (i32, String)> {
    let mut files = Vec::with_capacity(args.shards.len());
    for path in &args.shards {
        let text =
            std::fs::read_to_string(path).map_err(|e| (exit::USAGE, format!("{}: {e}", path.display())))?;
        files.push((path.display().to_string(), text));
    }
    let merged = callwright::sim::shard::merge(&files).map_err(|e| (exit::PROBLEMS, e))?;
    let scenario = PathBuf::from(&merged.scenario);
    match &merged.sweep {
        Some(sweep) => {
            let points: Vec<(u32, Vec<_>)> =
                merged.points.into_iter().map(|(v, r)| (v.unwrap_or_default(), r)).collect();
            if let Some(path) = &args.report {
                write_sweep_report(path, sweep, &points, merged.replications, &scenario)?;
            }
            print_sweep(sweep, &points, merged.replications, args.format, out);
        }
        None => {
            let reports = merged.points.into_iter().next().map(|(_, r)| r).unwrap_or_default();
            if let [one] = reports.as_slice() {
                print_single(one, args.format, args.report.as_deref(), &scenario, out)?;
            } else {
                print_replications(
                    &reports,
                    merged.seed,
                    args.format,
                    args.report.as_deref(),
                    &scenario,
                    out,
                )?;
            }
        }
    }
    Ok(())
}
