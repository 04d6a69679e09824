//! The real-time dispatcher: serves the callbacks of a durable store on the tokio runtime, through
//! the same engine, ACD and callback lifecycle as a simulation. The CLI's `callbacks dispatch` and a
//! server share it; they only parse flags, choose an observer and print.

use super::callback_lifecycle as lifecycle;
use super::{Engine, Event, Observer, Runtime, TokioRuntime};
use crate::acd::{Acd, AgentSpec, PositionKey, QueueId};
use crate::callbacks::store::codec::{decode, pending_count, pending_rows};
use crate::callbacks::store::{CallbackStore, StoredCallback};
use crate::callbacks::{CallbackType, LiveCallback, State};
use crate::model::CallbackMode;
use crate::project::CheckedProject;
use crate::time::Micros;
use chrono::{DateTime, Utc};
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;

/// How far ahead of its due time a callback is loaded from the store into the scheduler, in wall
/// time (times --speed in store time): far more than a poll, so the scheduler's timer, not the
/// store poll, releases it.
const LOOKAHEAD_MICROS: i64 = 60_000_000;
/// Wall time between two reads of the store for newly due callbacks.
const POLL: std::time::Duration = std::time::Duration::from_millis(20);
/// How many due rows one poll loads at most (a store of a million pending callbacks is read
/// a slice at a time).
const LOAD_BATCH: usize = 10_000;

/// How a dispatcher runs.
#[derive(Debug, Clone)]
pub struct DispatchOptions {
    /// UTC microseconds at runtime zero.
    pub epoch: i64,
    /// Store time per wall time (3600: an hour a second).
    pub speed: f64,
    /// Wall time after which the dispatcher stops, even with callbacks pending.
    pub deadline: Micros,
    /// Keep serving when the store is drained (a server), instead of stopping (the CLI).
    pub keep_running: bool,
    /// Set from outside to stop at the next poll (a server shutting down).
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

/// Serves `pending` (resuming those in progress) and every callback that falls due in `reader`,
/// until the store is drained, the deadline passes or a store read fails. Answers how many
/// callbacks were left pending and the problems met.
pub async fn run_dispatcher<O: Observer + Clone + 'static>(
    engine: &Rc<Engine<TokioRuntime>>,
    reader: &dyn CallbackStore,
    lease: &mut dyn CallbackStore,
    holder: &str,
    options: &DispatchOptions,
    printer: O,
) -> (usize, Vec<String>) {
    let (epoch, deadline) = (options.epoch, options.deadline);
    let a = options;
    let live = Rc::new(Cell::new(0usize));
    let loaded: Rc<RefCell<HashSet<String>>> = Rc::default();
    let mut problems = Vec::new();
    let start = tokio::time::Instant::now();
    // One dispatcher per database: wait for the lease (saying so), or give up at the deadline.
    let mut said = false;
    loop {
        match lease.acquire_lease(holder, wall_micros(), LEASE_TTL_MICROS) {
            Ok(None) => break,
            Ok(Some((other, until))) => {
                if !said && printer.enabled() {
                    let secs = (until - wall_micros()).max(0) / 1_000_000;
                    let note = format!(
                        "another dispatcher ({other}) is working this database (its lease runs {secs}s more unless renewed); waiting for it"
                    );
                    printer.record(engine.rt.now(), Event::Note(note));
                    said = true;
                }
                if start.elapsed().as_micros() as i64 >= deadline {
                    let left = pending_count(reader).unwrap_or(0) as usize;
                    return (left, problems);
                }
                tokio::time::sleep(LEASE_WAIT).await;
            }
            Err(e) => return (0, vec![format!("cannot take the dispatcher lease: {e}")]),
        }
    }
    let mut renewed = std::time::Instant::now();
    let mut queued_read =
        std::time::Instant::now().checked_sub(QUEUED_POLL).unwrap_or_else(std::time::Instant::now);
    // Read after taking the lease: the previous holder may have moved callbacks since.
    let pending = match pending_rows(reader) {
        Ok(p) => p,
        Err(e) => return (0, vec![e.to_string()]),
    };
    follow_desk(engine);
    // Resume what a stopped dispatcher left in progress, then feed due callbacks as they come.
    for row in pending.iter().filter(|r| r.state != "SCHEDULED") {
        start_one(engine, reader, row, epoch, &printer, &live, &loaded, &mut problems);
    }
    loop {
        follow_desk(engine);
        answer_phones(engine);
        let now = epoch + engine.rt.now();
        match reader.due(now + (LOOKAHEAD_MICROS as f64 * a.speed) as i64, LOAD_BATCH) {
            Ok(rows) => {
                for row in &rows {
                    start_one(engine, reader, row, epoch, &printer, &live, &loaded, &mut problems);
                }
            }
            Err(e) => problems.push(e.to_string()),
        }
        // "As soon as possible" callbacks are stored already QUEUED (by the CLI's --asap or the
        // API while this dispatcher runs): take the ones not yet being served. Once a second, not
        // every poll: callbacks waiting for an agent are QUEUED too, and a busy queue would
        // otherwise be read fifty times a second.
        if queued_read.elapsed() >= QUEUED_POLL {
            queued_read = std::time::Instant::now();
            let queued =
                crate::callbacks::store::ListFilter { state: Some("QUEUED".into()), ..Default::default() };
            match reader.list(&queued) {
                Ok(rows) => {
                    for row in rows.iter().filter(|r| !loaded.borrow().contains(&r.id)) {
                        start_one(engine, reader, row, epoch, &printer, &live, &loaded, &mut problems);
                    }
                }
                Err(e) => problems.push(e.to_string()),
            }
        }
        // A write the ledger could not make (the lock held past the busy timeout, a read-only
        // file) stops the dispatcher with the error: the callback stays in its last committed
        // state, which a restart resumes.
        problems.extend(engine.callback_side.ledger.borrow_mut().take_errors());
        if renewed.elapsed() >= LEASE_RENEW {
            match lease.acquire_lease(holder, wall_micros(), LEASE_TTL_MICROS) {
                Ok(None) => renewed = std::time::Instant::now(),
                Ok(Some((other, _))) => problems.push(format!(
                    "lost the dispatcher lease to {other} (this one stalled past its lease); stopping so no callback is worked twice"
                )),
                Err(e) => problems.push(format!("cannot renew the dispatcher lease: {e}")),
            }
        }
        let drained = !a.keep_running && live.get() == 0 && pending_count(reader).is_ok_and(|n| n == 0);
        let stopped = a.stop.as_ref().is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed));
        if drained || stopped || start.elapsed().as_micros() as i64 >= deadline || !problems.is_empty() {
            break;
        }
        tokio::time::sleep(POLL).await;
    }
    let left = pending_count(reader).unwrap_or(0) as usize;
    let _ = lease.release_lease(holder);
    (left, problems)
}

/// With people at a desk, the ACD follows their presence: a ready person is available, anyone
/// else is not. Agents on a call or an offer are left as they are (their presence applies when
/// they are free again).
pub(super) fn follow_desk(engine: &Rc<Engine<TokioRuntime>>) {
    use crate::acd::{AgentId, AgentState};
    let Some(desk) = engine.callback_side.desk.borrow().clone() else { return };
    let now = engine.rt.now();
    let mut changed = false;
    {
        let mut acd = engine.acd.borrow_mut();
        for i in 0..acd.agent_count() {
            let agent = AgentId(i as u32);
            let ready = desk.ready(acd.agent_name(agent));
            let to = match (acd.agent_state(agent), ready) {
                (AgentState::Available, false) => AgentState::NotAvailable,
                (AgentState::NotAvailable, true) => AgentState::Available,
                _ => continue,
            };
            changed |= acd.set_state(agent, to, now).is_ok();
        }
    }
    if changed {
        engine.dispatch();
    }
}

/// Calls people placed on live lines (the web phone) start on this engine, beside the callbacks,
/// in the same ACD.
pub(super) fn answer_phones(engine: &Rc<Engine<TokioRuntime>>) {
    let Some(board) = engine.callback_side.switchboard.borrow().clone() else { return };
    for call in board.incoming() {
        let engine2 = engine.clone();
        engine.rt.spawn(super::live_line::serve_inbound(engine2, call));
    }
}

/// How long a dispatcher's lease lasts without renewal, and how often it renews it: a dispatcher
/// killed with -9 holds the database at most this long.
const LEASE_TTL_MICROS: i64 = 10_000_000;
const LEASE_RENEW: std::time::Duration = std::time::Duration::from_secs(1);
/// How often the store is read for "as soon as possible" callbacks queued while running.
const QUEUED_POLL: std::time::Duration = std::time::Duration::from_secs(1);
/// How often a waiting dispatcher asks for the lease again.
const LEASE_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

/// Wall-clock Unix microseconds (the lease is between processes, whatever their --speed).
pub(super) fn wall_micros() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_micros() as i64)
}

/// The roster of center.yaml (with --project and no --agents), else N simulated agents per queue;
/// queues named by stored callbacks but not by the project are added.
pub fn dispatch_acd(
    checked: &CheckedProject,
    agents: Option<u32>,
    pending_queues: &[String],
) -> Result<Acd, String> {
    let center = checked.project.center.as_ref();
    let roster = agents.is_none() && center.is_some_and(|c| !c.agents.is_empty());
    let mut acd = match (roster, center) {
        (true, Some(c)) => Acd::from_center(c).map_err(|e| e.to_string())?,
        _ => {
            let mut acd = Acd::new();
            for name in center.iter().flat_map(|c| c.queue_names()) {
                acd.add_queue(name);
            }
            acd
        }
    };
    for queue in pending_queues {
        acd.add_queue(queue);
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
#[allow(clippy::too_many_arguments)]
pub(super) fn start_one<O: Observer + Clone + 'static>(
    engine: &Rc<Engine<TokioRuntime>>,
    reader: &dyn CallbackStore,
    row: &StoredCallback,
    epoch: i64,
    printer: &O,
    live: &Rc<Cell<usize>>,
    loaded: &Rc<RefCell<HashSet<String>>>,
    problems: &mut Vec<String>,
) {
    if !loaded.borrow_mut().insert(row.id.clone()) {
        return;
    }
    let cb = match decode(row) {
        Ok(cb) => cb,
        Err(message) => {
            // One damaged row is said and skipped (it stays as it is for a person to look at);
            // every other callback is still served.
            if printer.enabled() {
                printer.record(engine.rt.now(), Event::Note(format!("{message}; skipped")));
            }
            return;
        }
    };
    let Some(queue) = engine.acd.borrow().queue_id(&row.queue) else {
        // Said, not skipped in silence: the callback stays pending for a dispatcher that has
        // the queue.
        if printer.enabled() {
            let note =
                format!("callback {}: queue `{}` is not a queue here; left pending", row.id, row.queue);
            printer.record(engine.rt.now(), Event::Note(note));
        }
        return;
    };
    let settings = Rc::clone(engine.callback_side.settings(queue));
    let owner = cb.owner.as_deref().and_then(|o| engine.acd.borrow().agent_id(o));
    if let (Some(name), None) = (cb.owner.as_deref(), owner)
        && printer.enabled()
    {
        let note = format!(
            "callback {}: owner `{name}` is not an agent here; any agent of the queue may take it",
            row.id
        );
        printer.record(engine.rt.now(), Event::Note(note));
    }
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
    // Resuming what a stopped dispatcher left in progress (the dialling rules of
    // docs/dialling.md): an answered customer is never dialled again, an attempt whose outcome
    // was not recorded counts as made, and nothing is dialled past the attempts.
    if row.state != "SCHEDULED" {
        let attempts = match reader.attempts(&row.id) {
            Ok(a) => a,
            Err(e) => {
                problems.push(format!("callback {}: {e}", row.id));
                return;
            }
        };
        let answered = attempts.iter().any(|(_, r)| r.as_deref() == Some("answered"));
        let made = attempts.len() as u32;
        let end = if answered && live_cb.state == State::Processing {
            // The agent had the customer: the callback did its job; the crash cut the call.
            Some((State::Completed, "completed"))
        } else if answered {
            // Customer-first: the customer answered and was waiting for an agent when the
            // dispatcher died; they are not called again by the system.
            Some((State::Failed, "system_error"))
        } else if made.max(live_cb.attempts_made) >= live_cb.max_attempts {
            Some((State::Failed, "attempts_exhausted"))
        } else {
            None
        };
        if let Some((to, reason)) = end {
            let at = engine.rt.now();
            engine.callback_side.ledger.borrow_mut().record(&live_cb, to, reason, at);
            return;
        }
    }
    let now_utc = DateTime::<Utc>::from_timestamp_micros(epoch + engine.rt.now()).unwrap_or_default();
    if crate::callbacks::inactive(&cb, now_utc, &settings) {
        let at = engine.rt.now();
        engine.callback_side.ledger.borrow_mut().record(&live_cb, State::Expired, "inactive", at);
        return;
    }
    live.set(live.get() + 1);
    let (engine2, printer, live) = (engine.clone(), printer.clone(), live.clone());
    engine.callback_side.stats.borrow_mut().created(engine.rt.now());
    engine.rt.spawn(async move {
        lifecycle::serve(engine2, live_cb, printer).await;
        live.set(live.get() - 1);
    });
}

/// Everything a store dispatcher needs besides the project: the store file, the simulated people,
/// the clock. Shared by `callbacks dispatch` and `serve`'s in-process dispatcher.
pub struct StoreDispatch {
    /// An SQLite file or a postgres:// URL.
    pub db: String,
    /// Migrate a PostgreSQL database that is behind this build's schema.
    pub migrate: bool,
    /// Simulated agents per queue (`None`: the roster of center.yaml, else 2).
    pub agents: Option<u32>,
    pub seed: u64,
    /// Mean talk time of a connected callback (exponential).
    pub handle: Micros,
    pub odds: crate::callbacks::people::Odds,
    pub options: DispatchOptions,
    /// Numbers never dialled: their callbacks end as `do_not_call`.
    pub do_not_call: crate::callbacks::do_not_call::DoNotCall,
    /// Places the dials (a telephony platform behind a webhook); `None`: the simulated customers
    /// of `odds` answer.
    pub dialer: Option<Box<dyn crate::callbacks::dialer::ExternalDialer + Send>>,
    /// Offers callbacks to signed-in people and follows their presence (the service's agent
    /// desktop); `None`: the simulated agents of `odds` answer.
    pub desk: Option<Box<dyn crate::callbacks::desk::AgentDesk + Send>>,
    /// People on live lines (the service's web phone); `None`: no live calls.
    pub switchboard: Option<Box<dyn super::Switchboard + Send>>,
    /// Called after a flow's callback is stored (a server announces it).
    pub on_create: Option<crate::callbacks::ledger::OnCreate>,
    /// Makes data actions' requests for real (`serve --live-data`); `None`: they fail.
    pub data_gateway: Option<Box<dyn super::data_action::DataGateway + Send>>,
    /// The switches a server flips; `None`: the center's values at start.
    pub switches: Option<super::overrides::Switches>,
}

/// Opens the store three times (reader, ledger writer, lease), builds the engine with the one
/// builder, and runs [`run_dispatcher`] on a current-thread tokio runtime until it stops. The
/// epoch starts no earlier than the store's latest change (histories stay in time order); the
/// epoch used is answered with the result so a caller can print times.
pub fn dispatch_store<O: Observer + Clone + 'static>(
    checked: &CheckedProject,
    mut config: StoreDispatch,
    on_change: crate::callbacks::ledger::OnChange,
    printer: impl FnOnce(i64) -> O,
) -> Result<(usize, Vec<String>), String> {
    use crate::callbacks::ledger::StoreLedger;
    use crate::callbacks::store::OpenMode;
    let mode = if config.migrate { OpenMode::Migrate } else { OpenMode::Write };
    let open = || crate::callbacks::store::open(&config.db, mode).map_err(|e| e.to_string());
    let (reader, mut writer, mut lease) = (open()?, open()?, open()?);
    let holder = format!("pid {} ({:08x})", std::process::id(), wall_micros() as u32);
    let shared = lease.shared_dispatch();
    if shared {
        writer.fence(&holder);
    }
    let (queues, latest) = reader.pending_summary().map_err(|e| e.to_string())?;
    let acd = dispatch_acd(checked, config.agents, &queues)?;
    if let Some(latest) = latest {
        config.options.epoch = config.options.epoch.max(latest);
    }
    let epoch = config.options.epoch;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let local = tokio::task::LocalSet::new();
    let printer = printer(epoch);
    let (handle, odds, seed, speed) = (config.handle, config.odds, config.seed, config.options.speed);
    let dialer = config.dialer.take();
    let desk = config.desk.take();
    let board = config.switchboard.take();
    let gateway = config.data_gateway.take();
    let on_create = config.on_create.take();
    let do_not_call = std::mem::take(&mut config.do_not_call);
    Ok(local.block_on(&rt, async move {
        let runtime = TokioRuntime::with_speed(seed, speed);
        let mut ledger = StoreLedger::new(writer, epoch);
        ledger.on_change = on_change;
        if let Some(f) = on_create {
            ledger.on_create = f;
        }
        let mut builder = Engine::builder(runtime.clone(), checked, acd)
            .callback_handle(move |rt: &TokioRuntime| (-(1.0 - rt.uniform()).ln() * handle as f64) as Micros)
            .people(|people| people.odds = odds)
            .do_not_call(do_not_call)
            .ledger(ledger);
        if let Some(s) = config.switches.take() {
            builder = builder.switches(s);
        }
        if let Some(t) = DateTime::<Utc>::from_timestamp_micros(epoch) {
            builder = builder.epoch(t.with_timezone(&chrono_tz::Tz::UTC));
        }
        let engine = Rc::new(builder.build());
        if let Some(d) = dialer {
            let d: Rc<dyn crate::callbacks::dialer::ExternalDialer> =
                Rc::from(d as Box<dyn crate::callbacks::dialer::ExternalDialer>);
            *engine.callback_side.dialer.borrow_mut() = Some(d);
        }
        if let Some(d) = desk {
            let d: Rc<dyn crate::callbacks::desk::AgentDesk> =
                Rc::from(d as Box<dyn crate::callbacks::desk::AgentDesk>);
            *engine.callback_side.desk.borrow_mut() = Some(d);
        }
        if let Some(g) = gateway {
            let g: Rc<dyn super::data_action::DataGateway> =
                Rc::from(g as Box<dyn super::data_action::DataGateway>);
            *engine.data.gateway.borrow_mut() = Some(g);
        }
        if let Some(b) = board {
            let b: Rc<dyn super::Switchboard> = Rc::from(b as Box<dyn super::Switchboard>);
            *engine.callback_side.switchboard.borrow_mut() = Some(b);
        }
        // Predictive campaigns of center.yaml are paced on this engine for as long as it runs.
        for c in checked.project.center.iter().flat_map(|c| &c.campaigns) {
            if c.mode == crate::model::DialMode::Predictive
                && let Some(q) = engine.acd.borrow().queue_id(&c.queue)
            {
                let (engine, target) = (engine.clone(), c.max_abandon);
                runtime.spawn(
                    async move { super::predictive_pacer::pace(&engine, q, target, Micros::MAX).await },
                );
            }
        }
        if shared {
            let wake = std::sync::Arc::new(tokio::sync::Notify::new());
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let wake = reader.announce_changes(wake.clone(), stop.clone()).then_some(wake);
            let result = super::claiming_dispatcher::run_claiming(
                &engine,
                &reader,
                &mut lease,
                &holder,
                wake,
                &config.options,
                printer,
            )
            .await;
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            return result;
        }
        run_dispatcher(&engine, &reader, &mut lease, &holder, &config.options, printer).await
    }))
}
