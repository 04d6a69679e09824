//! `callwright callbacks dispatch`: the real-time dispatcher on tokio, against the store.
//!
//! The same engine as `run` and `simulate` — the ACD, the one scheduler, the callback lifecycle —
//! on the tokio runtime instead of the virtual clock, with simulated agents. The store is the
//! truth: due callbacks are loaded a little ahead of time into the scheduler; every move is a
//! compare-and-set transition committed before the lifecycle goes on (a supervisor's cancel in
//! another process wins), and every dial attempt is claimed durably before it is placed, so a
//! dispatcher killed at any moment and started again resumes what was in flight (QUEUED, ROUTING,
//! PROCESSING) and never dials an attempt twice.

use super::{Common, Fail};
use crate::cli::exit;
use crate::cli::output::Output;
use callwright::project::Project;
use callwright::runtime::{DispatchOptions, Event, Observer, StoreDispatch, dispatch_store};
use callwright::time::Micros;
use chrono::{DateTime, SecondsFormat, Utc};
use std::io::Write;

/// Run the real-time dispatcher: release due callbacks to simulated agents, dial, retry.
///
/// Runs until no callback is pending (every one completed, failed, expired or cancelled) or until
/// --deadline of wall time passes. Prints every state transition and every dial. Stopping or
/// killing it loses nothing: started again, it resumes callbacks that were in progress.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  callwright callbacks dispatch --db callbacks.db --project flows/acme
  callwright callbacks dispatch --db cb.db --agents 3 --speed 600 --answer 0.7 --busy 0.1")]
pub struct DispatchArgs {
    /// Simulated agents per queue (default: the center.yaml roster with --project, else 2).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=callwright::model::bounds::AGENTS_MAX as i64))]
    pub agents: Option<u32>,
    /// Run the clock this many times faster than real time (timers are real; 600 = 10 min/s).
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub speed: f64,
    /// Stop after this much wall time even if callbacks are pending.
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub deadline: String,
    /// Probability that a customer answers a dial.
    #[arg(long, default_value_t = 0.8, value_name = "P")]
    pub answer: f64,
    /// Probability of a busy line (what --answer, --busy and --machine leave gets no answer).
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub busy: f64,
    /// Probability that an answering machine picks up.
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub machine: f64,
    /// Probability that an agent accepts an offered callback.
    #[arg(long, default_value_t = 1.0, value_name = "P")]
    pub accept: f64,
    /// Probability that an agent rejects one (the rest let the offer time out).
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub reject: f64,
    /// Mean talk time of a connected callback (exponential).
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub handle: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// A do-not-call list (one E.164 number per line): a callback to a number on it ends as
    /// `do_not_call` before any agent is reserved or dial placed.
    #[arg(long, value_name = "FILE")]
    pub dnc: Option<std::path::PathBuf>,
}

fn probability(flag: &str, p: f64) -> Result<f64, Fail> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err((exit::PROBLEMS, format!("--{flag} {p}: a probability is a number from 0 to 1")))
    }
}

fn duration(flag: &str, text: &str) -> Result<Micros, Fail> {
    callwright::time::parse_duration(text).map_err(|e| (exit::PROBLEMS, format!("--{flag} `{text}`: {e}")))
}

fn utc(t: i64) -> String {
    DateTime::<Utc>::from_timestamp_micros(t)
        .map_or_else(|| t.to_string(), |t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// Prints callback steps as they happen (the dials above all), with their UTC time.
#[derive(Clone)]
struct Printer {
    epoch: i64,
}

impl Observer for Printer {
    fn enabled(&self) -> bool {
        true
    }

    fn record(&self, at: Micros, event: Event) {
        let line = match event {
            Event::Callback { id, step } => {
                format!("{} {id} {}\n", utc(self.epoch + at), step.describe(&|m| utc(self.epoch + m)))
            }
            // What the dispatcher could not do as stored (an unknown owner or queue) is said.
            Event::Note(note) => format!("{} warning: {note}\n", utc(self.epoch + at)),
            _ => return,
        };
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(callwright::source::printable(&line).as_bytes());
        let _ = out.flush();
    }
}

pub fn dispatch(common: &Common, a: DispatchArgs, out: &mut Output) -> Result<i32, Fail> {
    let epoch = common.now()?.timestamp_micros();
    let odds = callwright::callbacks::people::Odds {
        accept: probability("accept", a.accept)?,
        reject: probability("reject", a.reject)?,
        answer: probability("answer", a.answer)?,
        busy: probability("busy", a.busy)?,
        machine: probability("machine", a.machine)?,
    };
    if odds.accept + odds.reject > 1.0 + 1e-9 || odds.answer + odds.busy + odds.machine > 1.0 + 1e-9 {
        return Err((
            exit::PROBLEMS,
            "--accept + --reject, and --answer + --busy + --machine, must each be at most 1".into(),
        ));
    }
    if !(a.speed.is_finite() && a.speed > 0.0) {
        return Err((exit::PROBLEMS, format!("--speed {}: give a number above 0", a.speed)));
    }
    let deadline = duration("deadline", &a.deadline)?;
    let handle = duration("handle", &a.handle)?;
    let checked = match &common.project {
        Some(dir) => {
            let checked = Project::load(dir).map_err(|e| (exit::USAGE, e.to_string()))?.check();
            if checked.has_errors() {
                out.diagnostics(&checked.diagnostics, checked.sources());
                return Err((exit::PROBLEMS, "the project has errors; see `callwright check`".into()));
            }
            checked
        }
        None => Project::from_sources(Vec::new(), None).check(),
    };
    let config = StoreDispatch {
        dialer: None,
        desk: None,
        switchboard: None,
        on_create: None,
        data_gateway: None,
        switches: None,
        db: common.db.clone(),
        migrate: common.migrate,
        agents: a.agents,
        seed: a.seed,
        handle,
        odds,
        options: DispatchOptions { epoch, speed: a.speed, deadline, keep_running: false, stop: None },
        do_not_call: match &a.dnc {
            Some(path) => crate::cli::contacts::read_do_not_call(path).map_err(|e| (exit::PROBLEMS, e))?,
            None => Default::default(),
        },
    };
    let on_change: callwright::callbacks::ledger::OnChange = Box::new(|id, from, to, reason, at| {
        let line = format!(
            "{} {id} {} → {} ({reason})\n",
            utc(at),
            from.as_str().to_uppercase(),
            to.as_str().to_uppercase()
        );
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(callwright::source::printable(&line).as_bytes());
        let _ = out.flush();
    });
    // `dispatch_store` starts the clock no earlier than the store's latest change (a history never
    // goes back in time); say so when that is after --now.
    let printer = |started: i64| {
        if started > epoch {
            eprintln!(
                "dispatch: the clock starts at {}, the store's latest change (after --now: an earlier run went faster than real time)",
                utc(started)
            );
        }
        Printer { epoch: started }
    };
    let summary = dispatch_store(&checked, config, on_change, printer).map_err(|e| (exit::USAGE, e))?;
    let (left, problems) = summary;
    if !problems.is_empty() {
        return Err((exit::USAGE, problems.join("; ")));
    }
    if left == 0 {
        eprintln!("dispatch: the store is drained (no pending callbacks)");
    } else {
        eprintln!("dispatch: stopped at the deadline with {left} callbacks pending");
    }
    Ok(exit::OK)
}
