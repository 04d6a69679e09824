//! The callback lifecycle: one task per callback, on whichever runtime the engine has.
//!
//! ```text
//! SCHEDULED ──due──▶ QUEUED ──agent──▶ ROUTING ──accept──▶ PROCESSING ──answer──▶ COMPLETED
//!     ▲                ▲  ◀─reject/timeout─┘                    │
//!     └──── no answer / busy, attempts left (retry interval) ───┘──── none left ──▶ FAILED
//! ```
//!
//! Calls and callbacks share one dispatcher: a callback is an entry of its queue in the ACD with a
//! [`PositionKey`], routed by the same rules and woken through the same waiter table as a call. A
//! callback that took over a caller's entry starts here already queued, with the caller's key;
//! one created for later waits in the [scheduler](crate::callbacks::Scheduler) and joins its queue when due,
//! keeping the key it first gets across retries.
//!
//! Agent-first (the default): the entry is offered to an agent who previews it — accept, reject
//! (back to the queue, same place, not an attempt) or let it time out (redirected; the agent is
//! "not responding" for a while) — unless the queue auto-answers; after accepting, the agent dials
//! after the auto-dial delay or sooner by hand. Customer-first: the customer is dialled first,
//! at most pacing modifier × available agents at once, and an answered customer joins the queue
//! with the kept key. Agent-owned: only the owner may take it until the ownership period ends;
//! then it goes to the queue or ends, as the queue says. Retries only on no answer or busy.

use crate::acd::{AgentId, AgentState, CallbackRouting, EntryId, PositionKey};
use crate::callbacks::desk::{CallStatus, Offer};
use crate::callbacks::live::{CallbackStep, LiveCallback};
use crate::callbacks::people::{AgentResponse, DialResult};
use crate::callbacks::{EndReason, State};
use crate::model::CallbackMode;
use crate::model::center::{AnsweringMachine, CallbackSettings};
use crate::runtime::{Either, Engine, Event, Observer, Runtime, Signal, select};
use crate::time::{Micros, secs};
use std::rc::Rc;

/// A callback offered this many times without an agent taking it ends as `not_accepted`, so a
/// run with agents who always reject still ends.
pub const MAX_OFFERS: u32 = 20;

/// Starts the lifecycle of `cb` as a task of the engine's runtime.
pub fn spawn<R: Runtime, O: Observer>(engine: &Rc<Engine<R>>, cb: LiveCallback, obs: O) {
    engine.callback_side.stats.borrow_mut().created(engine.rt.now());
    let engine2 = engine.clone();
    engine.rt.spawn(async move {
        serve(engine2, cb, obs).await;
    });
}

/// What one pass through the queue gave.
enum Pass {
    Done(EndReason),
    Retry(DialResult),
    /// Someone else moved the callback (a cancel, another dispatcher): stop touching it.
    Lost,
}

/// Serves one callback to its end; answers why it ended (`None`: another party took it over).
pub async fn serve<R: Runtime, O: Observer>(
    engine: Rc<Engine<R>>,
    mut cb: LiveCallback,
    obs: O,
) -> Option<EndReason> {
    let rt = engine.rt.clone();
    let settings = Rc::clone(engine.callback_side.settings(cb.queue));
    let mut offers = 0;
    loop {
        if cb.entry.is_none() && cb.due > rt.now() {
            if cb.state != State::Scheduled && !step(&engine, &mut cb, State::Scheduled, "scheduled") {
                return None;
            }
            trace(&engine, &obs, &cb, || CallbackStep::Scheduled { due: cb.due, why: "scheduled" });
            wait_until_due(&engine, cb.due).await;
        }
        if cb.entry.is_none() && cb.window_end.is_some_and(|end| rt.now() >= end) {
            return finish(&engine, &obs, &mut cb, EndReason::WindowMissed);
        }
        // Checked before every pass (the list may name a number after the callback was made):
        // no agent is reserved and no dial placed for a number on the list.
        if engine.callback_side.do_not_call.contains(&cb.number) {
            if let Some(entry) = cb.entry.take() {
                engine.leave_queue(entry);
            }
            return finish(&engine, &obs, &mut cb, EndReason::DoNotCall);
        }
        let pass = match cb.mode {
            CallbackMode::AgentFirst => agent_first(&engine, &obs, &mut cb, &settings, &mut offers).await,
            CallbackMode::CustomerFirst => customer_first(&engine, &obs, &mut cb, &settings).await,
        };
        match pass {
            Pass::Done(reason) => return finish(&engine, &obs, &mut cb, reason),
            Pass::Lost => return None,
            Pass::Retry(result) if cb.attempts_made < cb.max_attempts => {
                cb.due = rt.now().saturating_add(cb.retry_every);
                if !step(&engine, &mut cb, State::Scheduled, result.as_str()) {
                    return None;
                }
                engine.callback_side.stats.borrow_mut().retries += 1;
                trace(&engine, &obs, &cb, || CallbackStep::Scheduled { due: cb.due, why: result.as_str() });
                wait_until_due(&engine, cb.due).await;
            }
            Pass::Retry(_) => return finish(&engine, &obs, &mut cb, EndReason::AttemptsExhausted),
        }
    }
}

/// Waits in the scheduler until `due`: the scheduler's driver (one task, one timer, however
/// many callbacks wait) fires the callback's signal then.
async fn wait_until_due<R: Runtime>(engine: &Rc<Engine<R>>, due: Micros) {
    let desk = &engine.callback_side;
    let signal = engine.rt.signal();
    desk.scheduler.borrow_mut().insert(due, signal.clone());
    let running = desk.driver.borrow().clone();
    match running {
        Some((waker, target)) if due < target => waker.fire(),
        Some(_) => {}
        None => {
            let engine2 = engine.clone();
            // Marked as running before the task starts, so a second insert does not spawn another.
            *desk.driver.borrow_mut() = Some((engine.rt.signal(), Micros::MAX));
            engine.rt.spawn(async move { drive_scheduler(engine2).await });
        }
    }
    signal.wait().await;
}

/// The scheduler loop (mini-redis's `select!` of `sleep_until(next_due)` and a notification):
/// sleeps until the earliest due time or until an earlier one is inserted, then releases what is
/// due. Ends when nothing is scheduled, so an idle run can finish.
async fn drive_scheduler<R: Runtime>(engine: Rc<Engine<R>>) {
    let desk = &engine.callback_side;
    loop {
        let next = desk.scheduler.borrow().next_due();
        let Some(next) = next else {
            *desk.driver.borrow_mut() = None;
            return;
        };
        let waker = engine.rt.signal();
        *desk.driver.borrow_mut() = Some((waker.clone(), next));
        select(engine.rt.sleep_until(next), waker.wait()).await;
        let due = desk.scheduler.borrow_mut().pop_due(engine.rt.now());
        for (_, signal) in due {
            signal.fire();
        }
    }
}

async fn agent_first<R: Runtime, O: Observer>(
    engine: &Rc<Engine<R>>,
    obs: &O,
    cb: &mut LiveCallback,
    settings: &CallbackSettings,
    offers: &mut u32,
) -> Pass {
    let rt = engine.rt.clone();
    let desk = engine.callback_side.desk.borrow().clone();
    // A preview campaign's record is offered to a person at the desk (Dial or Skip, dialled when
    // the preview time is up); a simulated agent reads it for the auto-dial delay instead.
    let preview = settings.preview_secs.filter(|_| desk.is_some());
    let offer = !settings.auto_answer || preview.is_some();
    if cb.owner.is_some()
        && cb.owner_until.is_some_and(|t| rt.now() >= t)
        && let Some(end) = ownership_expired(engine, obs, cb, settings)
    {
        return Pass::Done(end);
    }
    let mut entry = match cb.entry.take() {
        Some(e) => e,
        None => enqueue(engine, cb, CallbackRouting { owner: cb.owner, offer }),
    };
    if cb.state != State::Queued && !step(engine, cb, State::Queued, "due") {
        engine.leave_queue(entry);
        return Pass::Lost;
    }
    trace_queued(engine, obs, cb, entry);
    let agent = loop {
        let waiter = engine.wait_for_agent(entry);
        engine.dispatch();
        let owner_deadline = cb.owner.and(cb.owner_until);
        let deadline = [owner_deadline, cb.window_end].into_iter().flatten().min();
        let assigned = match deadline {
            None => {
                waiter.signal.wait().await;
                true
            }
            Some(at) => matches!(select(waiter.signal.wait(), rt.sleep_until(at)).await, Either::Left(())),
        };
        if !assigned {
            engine.leave_queue(entry);
            if owner_deadline.is_some_and(|t| rt.now() >= t) {
                if let Some(end) = ownership_expired(engine, obs, cb, settings) {
                    return Pass::Done(end);
                }
                entry = enqueue(engine, cb, CallbackRouting { owner: None, offer });
                continue;
            }
            return Pass::Done(EndReason::WindowMissed);
        }
        let Some((agent, _)) = waiter.assigned.get() else { return Pass::Done(EndReason::SystemError) };
        let name = engine.agent_name(agent);
        if !offer {
            if !step(engine, cb, State::Routing, "auto_answer") {
                release(engine, agent);
                return Pass::Lost;
            }
            break agent;
        }
        if !step(engine, cb, State::Routing, "offered") {
            engine.leave_queue(entry);
            return Pass::Lost;
        }
        trace(engine, obs, cb, || CallbackStep::Offered { agent: name.to_string() });
        let timeout_secs = preview.unwrap_or(settings.offer_timeout_secs);
        let response = match &desk {
            // A person previews it: their answer, or the queue's time-out, whichever comes first.
            Some(desk) => {
                let offer = desk.offer(Offer {
                    callback_id: cb.id.to_string(),
                    agent: name.to_string(),
                    queue: engine.queue_name(cb.queue).to_string(),
                    number: cb.number.clone(),
                    customer_name: cb.name.clone(),
                    data: cb.data.clone(),
                    timeout_secs,
                });
                match select(offer, rt.sleep(secs(timeout_secs))).await {
                    Either::Left(response) => response,
                    // The preview time is up: the record is dialled (the agent had it in view).
                    Either::Right(()) if preview.is_some() => {
                        desk.previewed(&name, &cb.id);
                        AgentResponse::Accept
                    }
                    Either::Right(()) => {
                        desk.timed_out(&name, &cb.id);
                        AgentResponse::Timeout
                    }
                }
            }
            None => {
                let mut uniform = || rt.uniform();
                engine.callback_side.parties.borrow_mut().agent_response(&mut uniform)
            }
        };
        let timings = engine.callback_side.parties.borrow().timings;
        // A simulated agent takes a moment to decide; a person already took theirs.
        let decide = if desk.is_some() { 0 } else { timings.decide.min(secs(settings.offer_timeout_secs)) };
        match response {
            AgentResponse::Accept => {
                rt.sleep(decide).await;
                engine.acd.borrow_mut().accept(agent, rt.now());
                break agent;
            }
            AgentResponse::Reject => {
                rt.sleep(decide).await;
                let now = rt.now();
                let mut acd = engine.acd.borrow_mut();
                acd.reject(agent, now);
                // Declining is a choice, not absence: the agent takes work again at once — unless
                // a person's presence says otherwise (an offer returned because they went on a
                // break comes back as a rejection too).
                if desk.as_ref().is_none_or(|d| d.ready(&name)) {
                    let _ = acd.set_state(agent, AgentState::Available, now);
                }
                drop(acd);
                engine.callback_side.stats.borrow_mut().rejected_offers += 1;
                trace(engine, obs, cb, || CallbackStep::Rejected { agent: name.to_string() });
            }
            AgentResponse::Timeout => {
                if desk.is_none() {
                    rt.sleep(secs(settings.offer_timeout_secs)).await;
                }
                engine.acd.borrow_mut().reject(agent, rt.now());
                engine.callback_side.stats.borrow_mut().offer_timeouts += 1;
                trace(engine, obs, cb, || CallbackStep::OfferTimedOut { agent: name.to_string() });
                // A person stays not responding until their desk says ready again (the desk's
                // presence brings them back); a simulated one returns after a while.
                if desk.is_none() {
                    back_after(engine, agent, timings.not_responding);
                }
            }
        }
        if !step(engine, cb, State::Queued, response.as_str()) {
            engine.leave_queue(entry);
            return Pass::Lost;
        }
        *offers += 1;
        if *offers >= MAX_OFFERS {
            engine.leave_queue(entry);
            return Pass::Done(EndReason::NotAccepted);
        }
    };
    agent_took(engine, obs, cb, agent);
    if !step(engine, cb, State::Processing, "accepted") {
        release(engine, agent);
        return Pass::Lost;
    }
    let timings = engine.callback_side.parties.borrow().timings;
    // The queue's auto-dial countdown, or the agent dialling by hand before it ends.
    rt.sleep(timings.dial_after.min(secs(settings.auto_dial_delay_secs))).await;
    let desk = engine.callback_side.desk.borrow().clone();
    let name = engine.agent_name(agent);
    // The call-between window (a campaign's calling hours) has closed while it waited for an
    // agent: no dial outside it.
    if cb.window_end.is_some_and(|end| rt.now() >= end) {
        release(engine, agent);
        return Pass::Done(EndReason::WindowMissed);
    }
    if let Some(desk) = &desk {
        desk.call(&name, &cb.id, CallStatus::Dialling(cb.attempts_made + 1));
    }
    let result = dial(engine, obs, cb).await;
    if let Some(desk) = &desk
        && !matches!(result, Some(DialResult::Answered | DialResult::Machine))
    {
        desk.call(&name, &cb.id, CallStatus::NotConnected(result.unwrap_or(DialResult::NoAnswer)));
    }
    match result {
        Some(DialResult::Machine) => {
            // Agent-first: the agent hears a machine and leaves a message; that counts as
            // connected (Amazon Connect's rule for voicemail).
            talk(engine, obs, cb, agent, settings.auto_end).await;
            Pass::Done(EndReason::Completed)
        }
        Some(DialResult::Answered) => {
            if let Some(end) = greet(engine, obs, cb, settings, false).await {
                release(engine, agent);
                return end;
            }
            engine.callback_side.stats.borrow_mut().connected_in(cb.queue.index());
            talk(engine, obs, cb, agent, settings.auto_end).await;
            Pass::Done(EndReason::Completed)
        }
        Some(result) => {
            release(engine, agent);
            Pass::Retry(result)
        }
        None => {
            release(engine, agent);
            Pass::Retry(DialResult::NoAnswer)
        }
    }
}

async fn customer_first<R: Runtime, O: Observer>(
    engine: &Rc<Engine<R>>,
    obs: &O,
    cb: &mut LiveCallback,
    settings: &CallbackSettings,
) -> Pass {
    let rt = engine.rt.clone();
    // The callback keeps its key while its customer is dialled outside the ACD.
    if let Some(entry) = cb.entry.take() {
        engine.leave_queue(entry);
    }
    let key = key_of(engine, cb);
    if cb.state != State::Queued && !step(engine, cb, State::Queued, "due") {
        return Pass::Lost;
    }
    trace(engine, obs, cb, || CallbackStep::Queued {
        queue: engine.queue_name(cb.queue).to_string(),
        position: None,
    });
    let slot = rt.signal();
    engine.callback_side.wait_for_dial_slot(cb.queue, key, slot.clone());
    engine.callback_side.pace(&engine.acd.borrow());
    slot.wait().await;
    // The window (a campaign's calling hours) closed while it waited for a dial slot.
    if cb.window_end.is_some_and(|end| rt.now() >= end) {
        engine.callback_side.dial_done(cb.queue);
        engine.callback_side.pace(&engine.acd.borrow());
        return Pass::Done(EndReason::WindowMissed);
    }
    if !step(engine, cb, State::Routing, "dial_slot") || !step(engine, cb, State::Processing, "dialing") {
        engine.callback_side.dial_done(cb.queue);
        return Pass::Lost;
    }
    let result = dial(engine, obs, cb).await;
    // The dial slot is held until the answered customer has an agent (or the call ends): a
    // customer in the greeting is still one of the dials the free agents are paced for, so
    // progressive never has more answered customers than free agents.
    let mut held = true;
    let pass = connect(engine, obs, cb, settings, result, key, &mut held).await;
    free_slot(engine, cb.queue, &mut held);
    pass
}

/// Gives the dial slot back once (`held` turns false) and lets the pacer grant the next.
fn free_slot<R: Runtime>(engine: &Rc<Engine<R>>, queue: crate::acd::QueueId, held: &mut bool) {
    if std::mem::take(held) {
        engine.callback_side.dial_done(queue);
        engine.callback_side.pace(&engine.acd.borrow());
    }
}

/// Customer-first after the dial: greet an answering customer and connect them with the next
/// agent (within the queue's connect time, if it has one). The dial slot (`held`) is given back
/// when an agent takes the customer; otherwise the caller gives it back at the end.
async fn connect<R: Runtime, O: Observer>(
    engine: &Rc<Engine<R>>,
    obs: &O,
    cb: &mut LiveCallback,
    settings: &CallbackSettings,
    result: Option<DialResult>,
    key: PositionKey,
    held: &mut bool,
) -> Pass {
    let rt = engine.rt.clone();
    match result {
        Some(DialResult::Answered) => {
            if let Some(end) = greet(engine, obs, cb, settings, false).await {
                return end;
            }
        }
        Some(DialResult::Machine) => match settings.answering_machine {
            AnsweringMachine::HangUp => return Pass::Done(EndReason::AnsweringMachine),
            AnsweringMachine::LeaveMessage => return Pass::Done(EndReason::Completed),
            AnsweringMachine::Connect => {}
            AnsweringMachine::Flow => {
                if let Some(end) = greet(engine, obs, cb, settings, true).await {
                    return end;
                }
            }
        },
        Some(r) => return Pass::Retry(r),
        None => return Pass::Retry(DialResult::NoAnswer),
    }
    // The customer is on the line: connect with the next agent, from the kept place.
    let entry = engine.acd.borrow_mut().enqueue_callback(
        cb.queue,
        key,
        cb.skills,
        CallbackRouting::default(),
        rt.now(),
    );
    let waiter = engine.wait_for_agent(entry);
    engine.dispatch();
    match settings.connect_within_secs {
        // A campaign's answered customer waits at most the connect time; then the call is
        // abandoned (they heard the outbound flow's message) and counts against the target.
        Some(secs) if waiter.assigned.get().is_none() => {
            let _ = select(waiter.signal.wait(), rt.sleep(secs.max(0) * 1_000_000)).await;
            if waiter.assigned.get().is_none() {
                engine.leave_queue(entry);
                engine.callback_side.stats.borrow_mut().abandoned_in(rt.now(), cb.queue.index());
                return Pass::Done(EndReason::Abandoned);
            }
        }
        _ => waiter.signal.wait().await,
    }
    let Some((agent, _)) = waiter.assigned.get() else { return Pass::Done(EndReason::SystemError) };
    free_slot(engine, cb.queue, held);
    agent_took(engine, obs, cb, agent);
    engine.callback_side.stats.borrow_mut().connected_in(cb.queue.index());
    talk(engine, obs, cb, agent, settings.auto_end).await;
    Pass::Done(EndReason::Completed)
}

/// The ownership period is over: to the queue for anyone (`None`), or the end.
fn ownership_expired<R: Runtime, O: Observer>(
    engine: &Rc<Engine<R>>,
    obs: &O,
    cb: &mut LiveCallback,
    settings: &CallbackSettings,
) -> Option<EndReason> {
    let to_queue = settings.assign_to_queue_on_expiry;
    trace(engine, obs, cb, || CallbackStep::OwnershipExpired { to_queue });
    if to_queue {
        cb.owner = None;
        None
    } else {
        Some(EndReason::OwnershipExpired)
    }
}

fn key_of<R: Runtime>(engine: &Engine<R>, cb: &mut LiveCallback) -> PositionKey {
    *cb.key.get_or_insert_with(|| engine.acd.borrow_mut().fresh_key(cb.priority, engine.rt.now()))
}

fn enqueue<R: Runtime>(engine: &Engine<R>, cb: &mut LiveCallback, routing: CallbackRouting) -> EntryId {
    let key = key_of(engine, cb);
    engine.acd.borrow_mut().enqueue_callback(cb.queue, key, cb.skills, routing, engine.rt.now())
}

fn trace_queued<R: Runtime, O: Observer>(engine: &Engine<R>, obs: &O, cb: &LiveCallback, entry: EntryId) {
    if obs.enabled() {
        let position = engine.acd.borrow().position(entry);
        trace(engine, obs, cb, || CallbackStep::Queued {
            queue: engine.queue_name(cb.queue).to_string(),
            position,
        });
    }
}

/// An agent has the callback: the wait it had since the caller first queued, for the figures.
fn agent_took<R: Runtime, O: Observer>(engine: &Engine<R>, obs: &O, cb: &LiveCallback, agent: AgentId) {
    let now = engine.rt.now();
    let since = cb.key.map_or(cb.ready_at, |k| k.enqueued_at);
    engine.callback_side.stats.borrow_mut().agent_took(now - since);
    if obs.enabled() {
        let name = engine.agent_name(agent).to_string();
        trace(engine, obs, cb, || CallbackStep::Accepted { agent: name.clone() });
        obs.record(now, Event::CallbackServed { agent: name, at: now });
    }
}

/// Dials the customer once; `None` when the attempt had already been claimed (a restart after a
/// crash): it is not dialled again and counts as unanswered.
async fn dial<R: Runtime, O: Observer>(
    engine: &Rc<Engine<R>>,
    obs: &O,
    cb: &mut LiveCallback,
) -> Option<DialResult> {
    let rt = engine.rt.clone();
    // Never past the limit, whatever state a restart found the callback in.
    if cb.attempts_made >= cb.max_attempts {
        return None;
    }
    let attempt = cb.attempts_made + 1;
    cb.attempts_made = attempt;
    if !engine.callback_side.ledger.borrow_mut().claim_attempt(&cb.id, attempt, rt.now()) {
        trace(engine, obs, cb, || CallbackStep::AttemptAlreadyMade { attempt });
        return None;
    }
    engine.callback_side.stats.borrow_mut().dialled(rt.now());
    let placed = rt.now();
    if obs.enabled() {
        let caller_id = engine.callback_side.queue_ani(cb.queue).map(str::to_string);
        trace(engine, obs, cb, || CallbackStep::Dialing { attempt, number: cb.number.clone(), caller_id });
    }
    let external = engine.callback_side.dialer.borrow().clone();
    // A person's web phone registered for the number rings first; another dialer (or the
    // simulated customers) places every other call.
    let board = engine.callback_side.switchboard.borrow().clone();
    let ringing = board.and_then(|b| b.ring(&cb.number, &cb.id, engine.callback_side.queue_ani(cb.queue)));
    let result = match (ringing, external) {
        (Some(ring), _) => match ring.await {
            Some(line) => {
                engine.callback_side.lines.borrow_mut().insert(cb.id.clone(), line);
                DialResult::Answered
            }
            None => DialResult::NoAnswer,
        },
        (None, external) => match external {
            Some(dialer) => {
                let request = crate::callbacks::dialer::DialRequest {
                    callback_id: cb.id.to_string(),
                    attempt,
                    number: cb.number.to_string(),
                    caller_id: engine.callback_side.queue_ani(cb.queue).map(str::to_string),
                };
                dialer.dial(request).await
            }
            None => {
                let (result, ring) = {
                    let mut uniform = || rt.uniform();
                    let mut parties = engine.callback_side.parties.borrow_mut();
                    let result = parties.dial_result(&mut uniform);
                    (result, parties.ring_time(result))
                };
                rt.sleep(ring).await;
                result
            }
        },
    };
    // Durable before anything follows from it: an answered customer is never dialled again.
    engine.callback_side.ledger.borrow_mut().record_dial_result(&cb.id, attempt, result.as_str());
    engine.callback_side.stats.borrow_mut().dial_result(placed, cb.queue.index(), result);
    trace(engine, obs, cb, || CallbackStep::DialResult { attempt, result });
    Some(result)
}

/// Runs the queue's outbound flow for an answering customer (a greeting, then `connect agent`),
/// or for an answering machine (`machine`: `Call.AnsweringMachine` is true). `None` when the
/// customer is to be connected; otherwise how the attempt ends.
async fn greet<R: Runtime, O: Observer>(
    engine: &Rc<Engine<R>>,
    obs: &O,
    cb: &LiveCallback,
    settings: &CallbackSettings,
    machine: bool,
) -> Option<Pass> {
    use crate::runtime::{
        CallContext, CallOutcome, CallPlan, CallSpec, CallTask, DtmfScript, LineEvent, LiveCaller, run_call,
        run_call_until,
    };
    let (flow, _) = settings.outbound_flow.as_ref()?;
    let graph = engine.flows.get(flow).cloned()?;
    let start = engine.callback_side.epoch.borrow().unwrap_or_else(|| {
        chrono::TimeZone::from_utc_datetime(&chrono_tz::Tz::UTC, &chrono::NaiveDateTime::default())
    });
    let spec = CallSpec {
        id: 0,
        ani: cb.number.clone(),
        ani_is_e164: false,
        dnis: engine.callback_side.queue_ani_shared(cb.queue).unwrap_or_else(|| Rc::from("")),
        caller_name: cb.name.clone(),
        start,
        data: cb.data.clone(),
    };
    let mut ctx = Box::new(CallContext::new(spec, engine.rt.now()));
    ctx.serving = cb.book_id;
    ctx.machine = machine;
    let plan = CallPlan { patience: None, handle: 0, hang_up: None };
    // A person on a live line hears the flow and answers it with their keys.
    let line = engine.callback_side.take_line(&cb.id);
    let outcome = match line {
        Some(line) => {
            line.say(LineEvent::Connected { flow: flow.clone() });
            let (line_obs, hang_up) = (line.observer(), line.hang_up());
            let caller = LiveCaller { line };
            let mut task = CallTask { engine: engine.clone(), ctx, caller, plan, obs: line_obs };
            let outcome = run_call_until(&mut task, graph, hang_up).await;
            let line = task.caller.line;
            if matches!(outcome, CallOutcome::ConnectedToAgent { .. }) {
                engine.callback_side.lines.borrow_mut().insert(cb.id.clone(), line);
            } else {
                line.say(LineEvent::Ended { reason: "the flow ended the call".into() });
            }
            outcome
        }
        None => {
            // The customer presses nothing: an outbound flow's prompts time out.
            let task = CallTask {
                engine: engine.clone(),
                ctx,
                caller: DtmfScript::default(),
                plan,
                obs: obs.clone(),
            };
            run_call(task, graph).await
        }
    };
    Some(match outcome {
        CallOutcome::ConnectedToAgent { .. } => return None,
        // A machine's message left counts as reached (Amazon Connect's rule for voicemail).
        CallOutcome::VoicemailLeft { .. } => Pass::Done(EndReason::Completed),
        CallOutcome::RetryLater { .. } => Pass::Retry(DialResult::NoAnswer),
        CallOutcome::Disconnected { .. } if machine => Pass::Done(EndReason::AnsweringMachine),
        CallOutcome::Disconnected { .. } | CallOutcome::HungUp { .. } => {
            Pass::Done(EndReason::CancelledByCustomer)
        }
        _ => Pass::Done(EndReason::SystemError),
    })
}

/// The agent and the customer talk; then the agent is freed. With the queue's `auto_end` the
/// callback ends as the call does (Genesys "Auto-End Callback"); without it the agent closes the
/// callback by hand when their wrap-up is done, so it ends after the wrap-up.
async fn talk<R: Runtime, O: Observer>(
    engine: &Rc<Engine<R>>,
    obs: &O,
    cb: &LiveCallback,
    agent: AgentId,
    auto_end: bool,
) {
    let rt = engine.rt.clone();
    engine.callback_side.stats.borrow_mut().connected(rt.now(), rt.now() - cb.ready_at);
    let name = engine.agent_name(agent);
    trace(engine, obs, cb, || CallbackStep::Connected { agent: name.to_string() });
    let desk = engine.callback_side.desk.borrow().clone();
    // A customer on a live line may hang up first; the talk then ends for the agent too.
    let line = engine.callback_side.take_line(&cb.id);
    if let Some(line) = &line {
        line.say(crate::runtime::LineEvent::Agent { agent: name.to_string() });
    }
    let hang_up = async {
        match &line {
            Some(l) => l.hang_up().await,
            None => std::future::pending::<()>().await,
        }
    };
    let start = rt.now();
    let ended = match desk {
        // A person talks until they end the call.
        Some(desk) => {
            desk.call(&name, &cb.id, CallStatus::Connected);
            select(desk.talk(&name, &cb.id), hang_up).await
        }
        None => {
            let handle = (engine.callback_handle)(&rt);
            select(rt.sleep(handle), hang_up).await
        }
    };
    engine.add_talk(agent, start, rt.now());
    if let Some(line) = line {
        let reason = match ended {
            Either::Left(()) => format!("{name} ended the call"),
            Either::Right(()) => "you hung up".to_string(),
        };
        line.say(crate::runtime::LineEvent::Ended { reason });
    }
    if auto_end {
        release(engine, agent);
    } else {
        engine.release_agent(agent).await;
    }
}

/// Frees the agent (wrap-up runs on its own task, so the callback can be closed now).
fn release<R: Runtime>(engine: &Rc<Engine<R>>, agent: AgentId) {
    let engine2 = engine.clone();
    engine.rt.spawn(async move { engine2.release_agent(agent).await });
}

/// An agent who let an offer time out takes work again after `after`.
fn back_after<R: Runtime>(engine: &Rc<Engine<R>>, agent: AgentId, after: Micros) {
    let engine2 = engine.clone();
    engine.rt.spawn(async move {
        engine2.rt.sleep(after).await;
        let now = engine2.rt.now();
        if engine2.acd.borrow().agent_state(agent) == AgentState::NotAvailable {
            let _ = engine2.acd.borrow_mut().set_state(agent, AgentState::Available, now);
        }
        engine2.dispatch();
    });
}

/// Records a move in the ledger (compare-and-set) and in the callback.
fn step<R: Runtime>(engine: &Engine<R>, cb: &mut LiveCallback, to: State, reason: &str) -> bool {
    let now = engine.rt.now();
    let moved = engine.callback_side.ledger.borrow_mut().record(cb, to, reason, now);
    if moved {
        cb.state = to;
    }
    moved
}

fn finish<R: Runtime, O: Observer>(
    engine: &Engine<R>,
    obs: &O,
    cb: &mut LiveCallback,
    reason: EndReason,
) -> Option<EndReason> {
    let state = reason.final_state();
    if !step(engine, cb, state, reason.as_str()) {
        return None;
    }
    engine.callback_side.stats.borrow_mut().ended(engine.rt.now(), reason);
    if let Some(id) = cb.book_id {
        engine.callbacks.borrow_mut().settle(id, &cb.number);
    }
    trace(engine, obs, cb, || CallbackStep::Ended { state, reason });
    Some(reason)
}

/// Records a step of the callback's life when someone listens. The step is built only then: its
/// names and numbers are copies, and a simulation (no observer) made four or five per callback
/// for nothing.
fn trace<R: Runtime, O: Observer>(
    engine: &Engine<R>,
    obs: &O,
    cb: &LiveCallback,
    step: impl FnOnce() -> CallbackStep,
) {
    if obs.enabled() {
        obs.record(engine.rt.now(), Event::Callback { id: cb.id.to_string(), step: step() });
    }
}
