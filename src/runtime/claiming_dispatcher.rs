//! Several dispatchers on one database (PostgreSQL): each beats its heartbeat and claims the
//! pending callbacks it serves, a batch at a time, with `FOR UPDATE SKIP LOCKED`; the claims of a
//! dispatcher whose heartbeat ran out (killed, cut off) go to the others; its late writes are
//! fenced off by the store. A new callback anywhere wakes every dispatcher at once through the
//! store's notification (LISTEN/NOTIFY), so none waits for its next poll.
//!
//! The single-dispatcher loop ([`super::run_dispatcher`]) stays for SQLite, whose one writer at a
//! time makes a lease the honest model.

use super::realtime_dispatcher::{answer_phones, follow_desk, start_one};
use super::{DispatchOptions, Engine, Event, Observer, Runtime, TokioRuntime};
use crate::callbacks::store::CallbackStore;
use crate::callbacks::store::codec::pending_count;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

/// A heartbeat lasts this long (the database's clock): a dispatcher killed with -9 holds its
/// callbacks at most this long.
pub const HEARTBEAT_TTL_MICROS: i64 = 10_000_000;
/// How often the heartbeat is renewed.
const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);
/// Claims are looked for at least this often; a notification wakes the loop sooner.
const POLL: std::time::Duration = std::time::Duration::from_millis(250);
/// How far ahead due callbacks are claimed (their scheduler then releases them on time).
const LOOKAHEAD_MICROS: i64 = 60_000_000;
/// One claim takes at most this many callbacks, and a dispatcher holds at most `PER_AGENT` per
/// agent of its own (and never more than `LIVE_MAX`): callbacks it could not serve soon are left to
/// dispatchers with free agents, and a burst is shared instead of taken whole by the first to look.
const CLAIM_BATCH: usize = 200;
const PER_AGENT: usize = 2;
const LIVE_MAX: usize = 2_000;
/// After a failed store call, wait this long before the next (doubling up to the maximum).
const BACKOFF_START: std::time::Duration = std::time::Duration::from_millis(250);
const BACKOFF_MAX: std::time::Duration = std::time::Duration::from_secs(5);

/// Serves what this dispatcher claims until it is stopped, the deadline passes, or (not
/// `keep_running`) no callback is pending anywhere and it has none left. Store errors are said
/// and retried with backoff; a lost fence (another dispatcher took a callback over) stops it.
#[allow(clippy::too_many_arguments)]
pub async fn run_claiming<O: Observer + Clone + 'static>(
    engine: &Rc<Engine<TokioRuntime>>,
    reader: &dyn CallbackStore,
    claims: &mut dyn CallbackStore,
    holder: &str,
    wake: Option<Arc<tokio::sync::Notify>>,
    options: &DispatchOptions,
    printer: O,
) -> (usize, Vec<String>) {
    let epoch = options.epoch;
    let live = Rc::new(Cell::new(0usize));
    let loaded: Rc<RefCell<HashSet<String>>> = Rc::default();
    let mut problems = Vec::new();
    let start = tokio::time::Instant::now();
    let note = |text: String| {
        if printer.enabled() {
            printer.record(engine.rt.now(), Event::Note(text));
        }
    };
    // The heartbeat beats on its own thread and connection: a dispatcher busy with a burst is
    // not mistaken for a dead one. The first beat is made here, before any claim.
    let beating = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut beat = false;
    let mut backoff = BACKOFF_START;
    let mut failing = false;
    loop {
        follow_desk(engine);
        answer_phones(engine);
        let mut result = if beat { Ok(()) } else { claims.heartbeat(holder, HEARTBEAT_TTL_MICROS) };
        if result.is_ok() && !beat {
            beat = true;
            let stop = beating.clone();
            if !claims.keep_alive(holder, HEARTBEAT_TTL_MICROS, HEARTBEAT_EVERY, stop) {
                problems.push("the store keeps no heartbeats; it cannot share dispatching".to_string());
                break;
            }
        }
        if result.is_ok() {
            let agents = engine.acd.borrow().agent_count().max(1);
            let room = (agents * PER_AGENT).min(LIVE_MAX).saturating_sub(live.get()).min(CLAIM_BATCH);
            if room > 0 {
                let horizon = epoch + engine.rt.now() + (LOOKAHEAD_MICROS as f64 * options.speed) as i64;
                result = claims.claim(holder, horizon, room).map(|rows| {
                    for row in &rows {
                        start_one(engine, reader, row, epoch, &printer, &live, &loaded, &mut problems);
                    }
                });
            }
        }
        match result {
            Ok(()) if failing => {
                note("the database answers again; claiming".to_string());
                (failing, backoff) = (false, BACKOFF_START);
            }
            Ok(()) => {}
            Err(e) => {
                note(format!("the database did not answer ({e}); retrying in {} ms", backoff.as_millis()));
                failing = true;
            }
        }
        // A write the ledger could not make — above all a fenced one: another dispatcher holds
        // the callback now — stops this dispatcher; what it held is resumed by the others.
        problems.extend(engine.callback_side.ledger.borrow_mut().take_errors());
        let stopped = options.stop.as_ref().is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed));
        let drained = !options.keep_running
            && !failing
            && live.get() == 0
            && pending_count(reader).is_ok_and(|n| n == 0);
        if drained
            || stopped
            || start.elapsed().as_micros() as i64 >= options.deadline
            || !problems.is_empty()
        {
            break;
        }
        let pause = if failing {
            let p = backoff;
            backoff = (backoff * 2).min(BACKOFF_MAX);
            p
        } else {
            POLL
        };
        match &wake {
            Some(w) => {
                let _ = tokio::time::timeout(pause, w.notified()).await;
            }
            None => tokio::time::sleep(pause).await,
        }
    }
    beating.store(true, std::sync::atomic::Ordering::Relaxed);
    let left = pending_count(reader).unwrap_or(0) as usize;
    if let Err(e) = claims.release_claims(holder) {
        note(format!(
            "could not give up this dispatcher's claims ({e}); they return when its heartbeat runs out"
        ));
    }
    (left, problems)
}
