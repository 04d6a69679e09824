//! `callwright callbacks dispatch`: the real-time dispatcher on tokio, against the store.
//!
//! The same engine as `run` and `simulate` — the ACD, the one scheduler, the callback lifecycle —
//! on the tokio runtime instead of the virtual clock, with simulated agents. The store is the
//! truth: due callbacks are loaded a little ahead of time into the scheduler; every move is a
//! compare-and-set transition committed before the lifecycle goes on (a supervisor's cancel in
//! another process wins), and every dial attempt is claimed durably before it is placed, so a
//! dispatcher killed at any moment and started again resumes what was in flight (QUEUED, ROUTING,
//! PROCESSING) and never dials an attempt twice.

use super::{Common, Fail, decode, store_err};
use crate::acd::{Acd, AgentSpec, PositionKey, QueueId};
use crate::callbacks::ledger::StoreLedger;
use crate::callbacks::store::{CallbackStore, ListFilter, SqliteStore, StoredCallback};
use crate::callbacks::{CallbackType, LiveCallback, State};
use crate::cli::exit;
use crate::cli::output::Output;
use crate::model::CallbackMode;
use crate::project::{CheckedProject, Project};
use crate::runtime::callback_lifecycle as lifecycle;
use crate::runtime::{Engine, Event, Observer, Runtime, TokioRuntime};
use crate::time::Micros;
use chrono::{DateTime, SecondsFormat, Utc};
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::io::Write;
use std::rc::Rc;

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
    #[arg(long, value_name = "N")]
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
}

/// How far ahead of its due time a callback is loaded from the store into the scheduler, in wall
/// time (times --speed in store time): far more than a poll, so the scheduler's timer, not the
/// store poll, releases it.
const LOOKAHEAD_MICROS: i64 = 60_000_000;
/// Wall time between two reads of the store for newly due callbacks.
const POLL: std::time::Duration = std::time::Duration::from_millis(20);
/// How many due rows one poll loads at most (a store of a million pending callbacks is read
/// a slice at a time).
const LOAD_BATCH: usize = 10_000;

fn probability(flag: &str, p: f64) -> Result<f64, Fail> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err((exit::PROBLEMS, format!("--{flag} {p}: a probability is a number from 0 to 1")))
    }
}

fn duration(flag: &str, text: &str) -> Result<Micros, Fail> {
    crate::time::parse_duration(text).map_err(|e| (exit::PROBLEMS, format!("--{flag} `{text}`: {e}")))
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
        if let Event::Callback { id, step } = event {
            let line = format!("{} {id} {}\n", utc(self.epoch + at), step.describe(&|m| utc(self.epoch + m)));
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(line.as_bytes());
            let _ = out.flush();
        }
    }
}

pub fn dispatch(common: &Common, a: DispatchArgs, out: &mut Output) -> Result<i32, Fail> {
    let epoch = common.now()?.timestamp_micros();
    let odds = crate::callbacks::people::Odds {
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
    let reader = common.open()?;
    let writer = common.open()?;
    let pending = pending_rows(&reader)?;
    let acd = build_acd(&checked, a.agents, &pending)?;

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| (exit::USAGE, format!("cannot start the runtime: {e}")))?;
    let local = tokio::task::LocalSet::new();
    let summary = local.block_on(&rt, async move {
        let runtime = TokioRuntime::with_speed(a.seed, a.speed);
        let mut engine = Engine::new(runtime.clone(), &checked, acd);
        engine.callback_handle =
            Box::new(move |rt: &TokioRuntime| (-(1.0 - rt.uniform()).ln() * handle as f64) as Micros);
        {
            let mut parties = engine.callback_side.parties.borrow_mut();
            parties.odds = odds;
        }
        let mut ledger = StoreLedger::new(writer, epoch);
        ledger.on_change = Box::new(|id, from, to, reason, at| {
            let line = format!(
                "{} {id} {} → {} ({reason})\n",
                utc(at),
                from.as_str().to_uppercase(),
                to.as_str().to_uppercase()
            );
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(line.as_bytes());
            let _ = out.flush();
        });
        *engine.callback_side.ledger.borrow_mut() = Box::new(ledger);
        *engine.callback_side.epoch.borrow_mut() = chrono::DateTime::<Utc>::from_timestamp_micros(epoch)
            .map(|t| t.with_timezone(&chrono_tz::Tz::UTC));
        let engine = Rc::new(engine);
        let printer = Printer { epoch };
        let live = Rc::new(Cell::new(0usize));
        let loaded: Rc<RefCell<HashSet<String>>> = Rc::default();
        let mut problems = Vec::new();
        let start = tokio::time::Instant::now();
        // Resume what a stopped dispatcher left in progress, then feed due callbacks as they come.
        for row in pending.iter().filter(|r| r.state != "SCHEDULED") {
            start_one(&engine, row, epoch, &printer, &live, &loaded, &mut problems);
        }
        loop {
            let now = epoch + engine.rt.now();
            match reader.due(now + (LOOKAHEAD_MICROS as f64 * a.speed) as i64, LOAD_BATCH) {
                Ok(rows) => {
                    for row in &rows {
                        start_one(&engine, row, epoch, &printer, &live, &loaded, &mut problems);
                    }
                }
                Err(e) => problems.push(e.to_string()),
            }
            let drained = live.get() == 0 && pending_rows(&reader).map(|p| p.is_empty()).unwrap_or(false);
            if drained || start.elapsed().as_micros() as i64 >= deadline || !problems.is_empty() {
                break;
            }
            tokio::time::sleep(POLL).await;
        }
        let left = pending_rows(&reader).map(|p| p.len()).unwrap_or(0);
        (left, problems)
    });
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

/// Callbacks not in a final state.
fn pending_rows(store: &SqliteStore) -> Result<Vec<StoredCallback>, Fail> {
    let mut rows = Vec::new();
    for state in ["SCHEDULED", "QUEUED", "ROUTING", "PROCESSING"] {
        let filter = ListFilter { state: Some(state.into()), ..ListFilter::default() };
        rows.extend(store.list(&filter).map_err(store_err)?);
    }
    Ok(rows)
}

/// The roster of center.yaml (with --project and no --agents), else N simulated agents per queue;
/// queues named by stored callbacks but not by the project are added.
fn build_acd(checked: &CheckedProject, agents: Option<u32>, pending: &[StoredCallback]) -> Result<Acd, Fail> {
    let center = checked.project.center.as_ref();
    let roster = agents.is_none() && center.is_some_and(|c| !c.agents.is_empty());
    let mut acd = match (roster, center) {
        (true, Some(c)) => Acd::from_center(c).map_err(|e| (exit::PROBLEMS, e.to_string()))?,
        _ => {
            let mut acd = Acd::new();
            for name in center.iter().flat_map(|c| c.queue_names()) {
                acd.add_queue(name);
            }
            acd
        }
    };
    for row in pending {
        acd.add_queue(&row.queue);
    }
    if !roster {
        let per_queue = agents.unwrap_or(2);
        for q in 0..acd.queue_count() {
            let queue = QueueId(q as u32);
            let name = acd.queue_name(queue).to_string();
            for i in 0..per_queue {
                acd.add_agent(AgentSpec {
                    name: format!("{name}-agent{}", i + 1),
                    queues: vec![queue],
                    ..AgentSpec::default()
                });
            }
        }
    }
    Ok(acd)
}

/// Starts the lifecycle of a stored callback unless it already runs.
fn start_one(
    engine: &Rc<Engine<TokioRuntime>>,
    row: &StoredCallback,
    epoch: i64,
    printer: &Printer,
    live: &Rc<Cell<usize>>,
    loaded: &Rc<RefCell<HashSet<String>>>,
    problems: &mut Vec<String>,
) {
    if !loaded.borrow_mut().insert(row.id.clone()) {
        return;
    }
    let cb = match decode(row) {
        Ok(cb) => cb,
        Err((_, message)) => {
            problems.push(message);
            return;
        }
    };
    let Some(queue) = engine.acd.borrow().queue_id(&row.queue) else { return };
    let settings = engine.callback_side.settings(queue).clone();
    let owner = cb.owner.as_deref().and_then(|o| engine.acd.borrow().agent_id(o));
    let to_runtime = |utc_micros: i64| utc_micros - epoch;
    // The window's UTC instants are computed again now, from the local times and the zone rules
    // in force today (seed 004): the ones stored at validation may be stale.
    let window = crate::callbacks::utc_window_at_dispatch(&cb);
    let scheduled_due = match (row.state.as_str(), window) {
        ("SCHEDULED", Some((start, _))) if cb.attempts_made == 0 => start.timestamp_micros(),
        _ => row.due_at_utc,
    };
    let due = to_runtime(scheduled_due).max(engine.rt.now());
    let window_end = window.map(|(_, end)| to_runtime(end.timestamp_micros()));
    let state = crate::callbacks::State::ALL
        .iter()
        .copied()
        .find(|s| s.as_str().eq_ignore_ascii_case(&row.state))
        .unwrap_or(State::Scheduled);
    let live_cb = LiveCallback {
        id: Rc::from(row.id.as_str()),
        book_id: None,
        number: cb.callback_number.clone(),
        name: cb.customer_name.clone(),
        data: cb.data.clone(),
        queue,
        mode: if cb.callback_type == CallbackType::CustomerFirst {
            CallbackMode::CustomerFirst
        } else {
            settings.mode
        },
        max_attempts: cb.max_attempts.max(1),
        attempts_made: row.attempts_made.max(cb.attempts_made),
        retry_every: cb.retry_interval_secs * 1_000_000,
        owner,
        owner_until: owner.map(|_| due + settings.ownership_period_secs * 1_000_000),
        window_end,
        due,
        key: Some(PositionKey {
            priority: cb.position.priority,
            enqueued_at: to_runtime(cb.position.enqueued_at),
            seq: cb.position.seq,
        }),
        entry: None,
        skills: engine.acd.borrow().queue_default_skills(queue),
        priority: cb.position.priority,
        ready_at: due,
        state,
    };
    // A callback with no date that nobody touched for `inactive_after` (14 days) is ended, not
    // dialled (seed 003).
    let now_utc = DateTime::<Utc>::from_timestamp_micros(epoch + engine.rt.now()).unwrap_or_default();
    if crate::callbacks::inactive(&cb, now_utc, &settings) {
        let at = engine.rt.now();
        engine.callback_side.ledger.borrow_mut().record(&live_cb, State::Expired, "inactive", at);
        return;
    }
    live.set(live.get() + 1);
    let (engine2, printer, live) = (engine.clone(), printer.clone(), live.clone());
    engine.callback_side.stats.borrow_mut().created += 1;
    engine.rt.spawn(async move {
        lifecycle::serve(engine2, live_cb, printer).await;
        live.set(live.get() - 1);
    });
}
