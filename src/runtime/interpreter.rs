//! The interpreter: one `async fn` per call, walking the flow graph.
//!
//! Everything that takes time (a prompt, a key press, a hold, an agent) is awaited through the
//! [`Runtime`], so the same code runs on the exact virtual clock and on tokio.

use super::AgentName;
use super::caller::{Caller, Keys, Prompt};
use super::engine::{CallTask, Engine};
use super::eval::{World, eval};
use super::select::{Either, select};
use super::trace::{Event, Observer};
use super::{CallContext, Runtime, Signal, Value};
use crate::acd::EntryId;
use crate::callbacks::{CallbackRequest, Origin};
use crate::compile::{Action, FlowGraph, MenuMiss, NodeId, Outcome, menu_miss};
use crate::model::CallbackMode;
use crate::model::bounds;
use crate::syntax::ast::{ERROR_HANDLER, Expr, ExprKind, FlowKind, Path, StrPart};
use crate::time::Micros;
use std::borrow::Cow;
use std::rc::Rc;

/// How a call ended.
#[derive(Debug, Clone, PartialEq)]
pub enum CallOutcome {
    /// An agent answered after `waited` in `queue`.
    Answered { queue: Rc<str>, agent: AgentName, waited: Micros },
    /// The caller hung up while waiting.
    Abandoned { queue: Rc<str>, waited: Micros },
    /// A flow disconnected the call at `node` (`queued`: it had waited this long in a queue).
    Disconnected { flow: String, node: NodeId, queued: Option<(Rc<str>, Micros)> },
    /// The caller left the queue with a callback that keeps their place.
    CallbackCreated { queue: Rc<str>, position: Option<u32>, waited: Micros },
    /// An outbound flow connected the customer to the agent.
    ConnectedToAgent { flow: String },
    /// The flow ran off its end, or exceeded the action limit.
    FlowError { flow: String, node: NodeId, message: String },
    /// The caller hung up before reaching a queue, at this node.
    HungUp { flow: String, node: NodeId },
    /// The call left for an external number or a voicemail box (`to`: the E.164 number, or
    /// `voicemail of QUEUE`).
    TransferredOut { flow: String, node: NodeId, to: String },
    /// An outbound flow left a message on the answering machine (`leave voicemail`).
    VoicemailLeft { flow: String, node: NodeId },
    /// An outbound flow ended this attempt for the callback to dial again (`retry later`).
    RetryLater { flow: String, node: NodeId },
}

/// Where a graph walk stopped.
enum Exit {
    Disconnected(NodeId),
    Queued {
        entry: EntryId,
        queue: Rc<str>,
        /// The in-queue flow's name: the graph's own, shared, when the engine has it.
        inqueue: Option<Rc<str>>,
    },
    ConnectAgent,
    /// The in-queue flow handed the call to a callback and disconnected.
    CallbackTakeover(NodeId),
    /// An error: where, its type (`Flow.ErrorType`) and its message.
    Error(NodeId, &'static str, String),
    /// `transfer to number|voicemail`: the call left.
    Left(NodeId, String),
    /// `transfer to flow`: another flow goes on with the call.
    ToFlow(Rc<FlowGraph>),
    /// `leave voicemail` (true) or `retry later` (false).
    Outbound(NodeId, bool),
    /// A secure flow reached its end: back to the flow that transferred to it.
    Returned,
}

/// Flow-to-flow transfers one call may make (a loop of flows that transfer to each other is a
/// flow error, not a call that never ends).
const MAX_FLOW_TRANSFERS: u32 = 8;

/// Runs one call from its entry flow to the end, or until the caller hangs up.
pub async fn run_call<R: Runtime, C: Caller, O: Observer>(
    mut task: CallTask<R, C, O>,
    flow: Rc<FlowGraph>,
) -> CallOutcome {
    run_call_with(&mut task, flow).await
}

/// [`run_call`] for a caller who only needs the outcome (the simulator): the outcome comes as
/// the agent answers, and the talk and the agent's release go on as a small task of their own
/// ([`Talk::Detached`]). The whole call's future (most of a kilobyte, its context half a kilobyte
/// more) is freed then, rather than kept through a talk that reads none of it: with thousands of
/// calls in conversation, that memory was most of the cost per call (README, "Speed"). A planned
/// hang-up can cut the talk short, so such a call keeps its talk ([`run_call`]); so does `run`,
/// which tells whether the call was still talking when the run stopped.
pub async fn run_call_detached<R: Runtime, C: Caller, O: Observer>(
    mut task: CallTask<R, C, O>,
    flow: Rc<FlowGraph>,
) -> CallOutcome {
    if task.plan.hang_up.is_none() {
        return drive(&mut task, &flow, Talk::Detached).await;
    }
    run_call_with(&mut task, flow).await
}

/// Where an answered call's talk runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Talk {
    /// In the call's own future, which ends when the talk does: a hang-up can cut it short, and
    /// the task (its context) is the caller's to read when it ends.
    InCall,
    /// In a task of its own, spawned as the agent answers ([`Runtime::spawn_at`]), which releases
    /// the agent when the talk ends; the call's outcome comes at once.
    Detached,
}

/// [`run_call`], leaving the task (its context: variables, data, priority) to the caller, as a
/// flow test reads them afterwards.
pub async fn run_call_with<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    flow: Rc<FlowGraph>,
) -> CallOutcome {
    let Some(after) = task.plan.hang_up else { return drive(task, &flow, Talk::InCall).await };
    let rt = task.engine.rt.clone();
    let at = rt.now().saturating_add(after);
    match select(drive(task, &flow, Talk::InCall), rt.sleep_until(at)).await {
        Either::Left(outcome) => outcome,
        Either::Right(()) => hung_up(task),
    }
}

/// [`run_call_with`] until `hang_up` ends: a person on a live line hangs up when they choose.
pub async fn run_call_until<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    flow: Rc<FlowGraph>,
    hang_up: impl std::future::Future<Output = ()>,
) -> CallOutcome {
    match select(drive(task, &flow, Talk::InCall), hang_up).await {
        Either::Left(outcome) => outcome,
        Either::Right(()) => hung_up(task),
    }
}

/// The caller hung up wherever the call was: in the IVR, in a queue, or talking to an agent.
fn hung_up<R: Runtime, C: Caller, O: Observer>(task: &mut CallTask<R, C, O>) -> CallOutcome {
    let engine = task.engine.clone();
    let now = engine.rt.now();
    if task.obs.enabled() {
        task.obs.record(now, Event::Note("caller hangs up".into()));
    }
    if let Some((agent, queue, waited)) = task.ctx.agent.take() {
        // Mid-conversation: the talk ends early, and the agent goes on to wrap-up.
        let releaser = engine.clone();
        engine.rt.spawn(async move { releaser.release_agent(agent).await });
        return CallOutcome::Answered { queue, agent: task.engine.agent_name(agent), waited };
    }
    let flow = task.ctx.flow_name.to_string();
    let node = task.ctx.node;
    task.ctx.follow_entry();
    if let Some(entry) = task.ctx.entry.take() {
        engine.leave_queue(entry);
        let queue = task.ctx.queue.clone().unwrap_or_else(|| Rc::from(""));
        let waited = now - task.ctx.enqueued_at.unwrap_or(now);
        return CallOutcome::Abandoned { queue, waited };
    }
    CallOutcome::HungUp { flow, node }
}

async fn drive<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    flow: &Rc<FlowGraph>,
    talk: Talk,
) -> CallOutcome {
    let engine = task.engine.clone();
    let mut flow = flow.clone();
    let mut hops = 0;
    let exit = loop {
        match walk(task, &flow, false).await {
            Exit::ToFlow(next) if hops < MAX_FLOW_TRANSFERS => {
                hops += 1;
                flow = next;
            }
            Exit::ToFlow(_) => {
                let message = format!("more than {MAX_FLOW_TRANSFERS} transfers from flow to flow");
                break Exit::Error(task.ctx.node, "flow_transfers", message);
            }
            exit => break exit,
        }
    };
    let flow = &flow;
    match exit {
        // The flow that ran the disconnect: a secure flow's own, when it ended the call there.
        Exit::Disconnected(node) => {
            CallOutcome::Disconnected { flow: task.ctx.flow_name.to_string(), node, queued: None }
        }
        Exit::ConnectAgent => CallOutcome::ConnectedToAgent { flow: flow.name().to_string() },
        Exit::Error(node, _, message) => {
            CallOutcome::FlowError { flow: flow.name().to_string(), node, message }
        }
        Exit::CallbackTakeover(node) => {
            CallOutcome::Disconnected { flow: flow.name().to_string(), node, queued: None }
        }
        Exit::Queued { entry, queue, inqueue } => {
            wait_in_queue(task, &engine, entry, queue, inqueue, talk).await
        }
        Exit::Left(node, to) => CallOutcome::TransferredOut { flow: flow.name().to_string(), node, to },
        Exit::Outbound(node, true) => CallOutcome::VoicemailLeft { flow: flow.name().to_string(), node },
        Exit::Outbound(node, false) => CallOutcome::RetryLater { flow: flow.name().to_string(), node },
        // Taken by the loop above.
        Exit::ToFlow(_) => CallOutcome::FlowError {
            flow: flow.name().to_string(),
            node: task.ctx.node,
            message: "a flow transfer was not followed".into(),
        },
        // Only a secure flow returns, to the flow that transferred to it (`secure_flow`).
        Exit::Returned => CallOutcome::FlowError {
            flow: flow.name().to_string(),
            node: task.ctx.node,
            message: "a secure flow ended with no flow to return to".into(),
        },
    }
}

/// Waits for an agent while the in-queue flow runs, until an agent answers, the caller's
/// patience runs out, or the in-queue flow ends the wait.
async fn wait_in_queue<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    engine: &Rc<Engine<R>>,
    mut entry: EntryId,
    mut queue: Rc<str>,
    mut inqueue: Option<Rc<str>>,
    talk: Talk,
) -> CallOutcome {
    let rt = engine.rt.clone();
    let enqueued = task.ctx.enqueued_at.unwrap_or_else(|| rt.now());
    loop {
        let waiter = engine.wait_for_agent(entry);
        if let Some(until) = task.ctx.preferred_until.take() {
            // The preference ends on its own timer, so the in-queue flow runs on undisturbed.
            let moved = task.ctx.moved.get_or_insert_with(Default::default).clone();
            let (timer, old) = (engine.clone(), entry);
            rt.spawn(async move {
                timer.rt.sleep_until(until).await;
                if let Some(new) = timer.open_to_all(old) {
                    moved.set(Some(new));
                    timer.dispatch();
                }
            });
        }
        engine.dispatch();
        let patience = task.plan.patience.map(|p| enqueued.saturating_add(p));
        let inqueue_graph = inqueue.as_deref().and_then(|f| engine.flows.get(f)).cloned();
        // The bare M/M/c case (no in-queue flow, callers who never hang up) needs no select.
        let agent_or_flow = if inqueue_graph.is_none() && patience.is_none() {
            waiter.signal.wait().await;
            Either::Left(())
        } else {
            select(waiter.signal.wait(), async {
                let give_up = async {
                    match patience {
                        Some(at) => rt.sleep_until(at).await,
                        None => std::future::pending::<()>().await,
                    }
                };
                let flow = async {
                    match &inqueue_graph {
                        Some(g) => walk(task, g, true).await,
                        None => std::future::pending::<Exit>().await,
                    }
                };
                select(give_up, flow).await
            })
            .await
        };
        let now = rt.now();
        let waited = now - enqueued;
        if let Some(current) = task.ctx.follow_entry() {
            entry = current;
        }
        match agent_or_flow {
            Either::Left(()) => {
                let (agent, _) = waiter.assigned.get().expect("a fired waiter has its assignment");
                // Done with it: its signal and cell go back to be reused while the call talks.
                drop(waiter);
                let name = engine.agent_name(agent);
                task.ctx.entry = None;
                task.ctx.agent = Some((agent, queue.clone(), waited));
                if task.obs.enabled() {
                    task.obs.record(now, Event::Answered { agent: name.to_string(), waited });
                }
                // A person on a live line talks to a person at a desk until the agent ends the
                // call (or the caller hangs up, which ends this future from outside).
                let desk = match task.caller.line() {
                    Some(_) => engine.callback_side.desk.borrow().clone(),
                    None => None,
                };
                match desk {
                    Some(desk) => {
                        let label = format!("call-{}", task.ctx.spec.id);
                        desk.call(&name, &label, crate::callbacks::desk::CallStatus::Connected);
                        let start = rt.now();
                        desk.talk(&name, &label).await;
                        engine.add_talk(agent, start, rt.now());
                    }
                    None => {
                        let end = rt.now().saturating_add(task.plan.handle);
                        engine.add_talk(agent, rt.now(), end);
                        if talk == Talk::Detached && end > rt.now() {
                            // The timer is set now, as the sleep below would set it: the run is
                            // the same, wake-up for wake-up.
                            task.ctx.agent = None;
                            engine.release_at(end, agent);
                            return CallOutcome::Answered { queue, agent: name, waited };
                        }
                        rt.sleep(task.plan.handle).await;
                    }
                }
                task.ctx.agent = None;
                engine.release_agent(agent).await;
                return CallOutcome::Answered { queue, agent: name, waited };
            }
            Either::Right(Either::Left(())) => {
                engine.leave_queue(entry);
                if task.obs.enabled() {
                    task.obs.record(now, Event::Abandoned { queue: queue.to_string(), waited });
                }
                return CallOutcome::Abandoned { queue, waited };
            }
            Either::Right(Either::Right(exit)) => match exit {
                Exit::CallbackTakeover(_) => {
                    // The place the callback took over: read by `hand_over` before the entry went.
                    let position = task.ctx.queue_facts(&**engine).0;
                    return CallOutcome::CallbackCreated { queue, position, waited };
                }
                Exit::Disconnected(node) => {
                    engine.leave_queue(entry);
                    let flow = inqueue.as_deref().unwrap_or_default().to_string();
                    return CallOutcome::Disconnected { flow, node, queued: Some((queue, waited)) };
                }
                Exit::Queued { entry: e, queue: q, inqueue: f } => {
                    // The transfer already left the old place (see `Action::Transfer`).
                    (entry, queue, inqueue) = (e, q, f.or(inqueue));
                }
                Exit::ConnectAgent => {
                    engine.leave_queue(entry);
                    return CallOutcome::ConnectedToAgent {
                        flow: inqueue.as_deref().unwrap_or_default().to_string(),
                    };
                }
                Exit::Error(node, _, message) => {
                    engine.leave_queue(entry);
                    let flow = inqueue.as_deref().unwrap_or_default().to_string();
                    return CallOutcome::FlowError { flow, node, message };
                }
                Exit::Left(node, to) => {
                    engine.leave_queue(entry);
                    let flow = inqueue.as_deref().unwrap_or_default().to_string();
                    return CallOutcome::TransferredOut { flow, node, to };
                }
                // The checker allows these only in outbound flows, and no flow transfer here.
                Exit::Outbound(node, _) => {
                    engine.leave_queue(entry);
                    let flow = inqueue.as_deref().unwrap_or_default().to_string();
                    return CallOutcome::Disconnected { flow, node, queued: Some((queue, waited)) };
                }
                Exit::Returned => {
                    engine.leave_queue(entry);
                    let message = "an in-queue flow cannot return like a secure flow".to_string();
                    return CallOutcome::FlowError {
                        flow: inqueue.as_deref().unwrap_or_default().to_string(),
                        node: task.ctx.node,
                        message,
                    };
                }
                Exit::ToFlow(next) => {
                    engine.leave_queue(entry);
                    let message = format!("an in-queue flow cannot transfer to flow {}", next.name());
                    return CallOutcome::FlowError {
                        flow: inqueue.as_deref().unwrap_or_default().to_string(),
                        node: task.ctx.node,
                        message,
                    };
                }
            },
        }
    }
}

/// Walks one flow graph. In-queue flows restart at their end; the others stop there. An error
/// goes to the flow's `on error` handler when it has one (once: an error in the handler ends the
/// call as a flow error).
async fn walk<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    graph: &FlowGraph,
    in_queue: bool,
) -> Exit {
    let mut from = graph.entry();
    // The handler runs once per walk of this flow: an error in it (or after it) is the call's end.
    let mut handled = false;
    task.ctx.flow_name = graph.shared_name();
    task.ctx.flow_started_at = task.engine.rt.now();
    // A flow that declares its languages speaks the caller's when it is one of them, else its
    // default (the first), as Architect's flow languages do.
    if let Some((default, _)) = graph.languages().first() {
        let spoken = task.ctx.language.as_deref().and_then(|l| graph.declared_language(l));
        if spoken.is_none() {
            task.ctx.language = Some(default.clone());
        }
        let language = task.ctx.language.as_deref().unwrap_or(default);
        if task.obs.enabled()
            && let Some(note) = voice_note(graph, language)
        {
            task.obs.record(task.engine.rt.now(), Event::Note(note));
        }
    }
    loop {
        match walk_from(task, graph, in_queue, from).await {
            Exit::Error(node, kind, message) => {
                let handler = graph.task_entry(ERROR_HANDLER).filter(|_| !handled);
                let Some(handler) = handler else {
                    let message = match &task.ctx.error {
                        Some((_, first)) if handled => {
                            format!("{message} (after the `on error` handler ran for: {first})")
                        }
                        _ => message,
                    };
                    return Exit::Error(node, kind, message);
                };
                handled = true;
                let now = task.engine.rt.now();
                if task.obs.enabled() {
                    task.obs.record(now, Event::Note(format!("error ({kind}): {message}; `on error` runs")));
                    trace_from_start(&task.obs, graph, Outcome::Error, now);
                }
                task.ctx.error = Some((kind, message));
                from = handler;
            }
            exit => return exit,
        }
    }
}

/// [`walk`] from one node (the entry, or the error handler).
async fn walk_from<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    graph: &FlowGraph,
    in_queue: bool,
    from: NodeId,
) -> Exit {
    let engine = task.engine.clone();
    let rt = engine.rt.clone();
    let mut node = from;
    let mut returns: Vec<NodeId> = Vec::new();
    // Menu failure counters: (no input, no match, total) per menu, reset when the menu is left.
    let mut menus = MenuCounters::default();
    let mut steps = 0u32;
    let mut last_time = rt.now();
    loop {
        let now = rt.now();
        if now != last_time {
            last_time = now;
            steps = 0;
        }
        steps += 1;
        if steps > engine.config.max_steps_without_wait {
            let message = format!(
                "stopped after {} actions without waiting (a loop that never waits)",
                engine.config.max_steps_without_wait
            );
            return Exit::Error(node, "loop", message);
        }
        let n = graph.node(node);
        task.ctx.node = node;
        if task.obs.enabled() && !matches!(n.action, Action::Start | Action::TaskStart(_)) {
            task.obs.record(
                now,
                Event::Step {
                    flow: graph.name().to_string(),
                    node,
                    span: n.span,
                    action: n.action.summary(),
                },
            );
        }
        if in_queue {
            refresh_queue_facts(task, &engine);
        }
        let outcome: Outcome = match &n.action {
            Action::Start | Action::TaskStart(_) => Outcome::Next,
            Action::End => {
                if graph.kind() == FlowKind::Inqueue {
                    Outcome::Restart
                } else if graph.kind() == FlowKind::Secure {
                    return Exit::Returned;
                } else {
                    return Exit::Error(node, "no_path", "the flow ended without a terminal action".into());
                }
            }
            Action::Return { .. } => match returns.pop() {
                Some(back) => {
                    node = back;
                    continue;
                }
                None if graph.kind() == FlowKind::Inqueue => {
                    node = graph.entry();
                    continue;
                }
                None if graph.kind() == FlowKind::Secure => return Exit::Returned,
                None => {
                    let message = "a jumped-to task ended with nowhere to return".into();
                    return Exit::Error(node, "no_return", message);
                }
            },
            Action::Play(e) => {
                speak(task, &engine, e, now).await;
                Outcome::Next
            }
            Action::PlayEstimatedWait => {
                let text = match task.ctx.queue_facts(&*engine).1 {
                    Some(w) => format!("Your estimated wait time is {} minutes.", (w / 1_000_000 + 30) / 60),
                    None => "All of our agents are busy. Please stay on the line.".to_string(),
                };
                play(task, &engine, text).await;
                Outcome::Next
            }
            Action::PlayPosition => {
                let text = match task.ctx.queue_facts(&*engine).0 {
                    Some(p) => format!("You are number {p} in line."),
                    None => "Please stay on the line.".to_string(),
                };
                play(task, &engine, text).await;
                Outcome::Next
            }
            Action::Hold(e, music) => {
                let secs = match eval(e, &task.ctx, now, &*engine) {
                    Value::Duration(s) => s.max(1),
                    _ => 1,
                };
                // The hold's own music, else its queue's: heard like a prompt (`♪ audio/hold.wav`),
                // so traces, flow tests and the web phone show it.
                if task.obs.enabled() {
                    let queue_music = || task.ctx.queue.as_deref().and_then(|q| engine.hold_music.get(q));
                    if let Some(m) = music.as_ref().map(|m| &m.value).or_else(queue_music) {
                        task.obs.record(now, Event::Prompt(format!("♪ {m}")));
                    }
                }
                rt.sleep(secs * 1_000_000).await;
                Outcome::Next
            }
            Action::Menu { name, prompt, retries, timeout } => {
                speak(task, &engine, prompt, now).await;
                let timeout = duration_or(timeout, &task.ctx, rt.now(), &engine);
                let heard = gather(task, &rt, Prompt::Menu { name }, timeout, false).await;
                // A key the flow takes at any time, unless this menu has its own choice for it.
                let choice = match &heard {
                    Some(Heard::Keys(d)) => graph.follow_digit(node, d),
                    _ => None,
                };
                if let Some(Heard::Keys(d)) = &heard
                    && choice.is_none()
                    && let Some(handler) = any_time(task, graph, d, rt.now())
                {
                    menus.remove(node);
                    returns.clear();
                    node = handler;
                    continue;
                }
                let counts = menus.get_or_insert(node);
                let chosen = match &heard {
                    Some(Heard::Keys(d)) => choice.map(|_| Outcome::Digit(d.clone())),
                    Some(Heard::Words(w)) => said_choice(graph, node, w),
                    None => None,
                };
                match chosen {
                    Some(outcome) => {
                        menus.remove(node);
                        outcome
                    }
                    None => match menu_miss(graph, node, counts, heard.is_none(), *retries) {
                        MenuMiss::Exhausted => {
                            menus.remove(node);
                            Outcome::Exhausted
                        }
                        MenuMiss::Take(handler) => handler,
                        MenuMiss::Reoffer => continue,
                    },
                }
            }
            Action::Ask {
                target,
                prompt,
                min_digits,
                max_digits,
                timeout,
                interdigit,
                terminator,
                secure,
            } => {
                // Everything a secure flow collects is secret.
                let secure = &(*secure || graph.kind() == FlowKind::Secure);
                if !task.ctx.offered_callback && engine.offers_callback(graph.name(), node) {
                    task.ctx.offered_callback = true;
                    engine.callback_side.stats.borrow_mut().offered(now);
                }
                speak(task, &engine, prompt, now).await;
                let timeout = duration_or(timeout, &task.ctx, rt.now(), &engine);
                let variable = target.name();
                let terminator = terminator.as_deref().and_then(|t| t.chars().next());
                let interdigit =
                    interdigit.as_ref().map(|_| duration_or(interdigit, &task.ctx, rt.now(), &engine));
                let prompt = Prompt::Ask { variable, max_digits: *max_digits, terminator, interdigit };
                let entered =
                    gather(task, &rt, prompt, timeout, *secure).await.and_then(|heard| match heard {
                        Heard::Keys(d) => Some(d),
                        // Digits said ("four two one") are keyed in; other words are no input.
                        Heard::Words(w) => spoken_digits(&w),
                    });
                let entered = entered.map(|mut d| {
                    // The terminator ends the input; it is not part of the value.
                    if terminator.is_some_and(|t| d.ends_with(t)) {
                        d.pop();
                    }
                    d
                });
                // The any-time key alone (then the terminator or a pause) leaves the ask for its handler.
                if let Some(d) = &entered
                    && let Some(handler) = any_time(task, graph, d, rt.now())
                {
                    returns.clear();
                    node = handler;
                    continue;
                }
                let count = entered.as_ref().map_or(0, |d| d.chars().count() as u32);
                match entered {
                    Some(d) if (*min_digits..=*max_digits).contains(&count) => {
                        if *secure && !task.ctx.secure.iter().any(|v| v == variable) {
                            task.ctx.secure.push(variable.to_string());
                        }
                        assign(&mut task.ctx, target, Value::Str(d), &engine, rt.now());
                        Outcome::Next
                    }
                    // Too few keys (`digits 8` answered with three, then the terminator or a
                    // pause) is no valid input: the `on noinput` path, with the keys in the trace.
                    entered => {
                        if let Some(d) = entered.filter(|_| task.obs.enabled()) {
                            let d = if *secure { mask(&d) } else { d };
                            let want = if min_digits == max_digits {
                                format!("{min_digits}")
                            } else {
                                format!("{min_digits} to {max_digits}")
                            };
                            task.obs.record(
                                rt.now(),
                                Event::Note(format!("`{d}` is {count} keys; the ask takes {want}")),
                            );
                        }
                        assign(&mut task.ctx, target, Value::Str(String::new()), &engine, rt.now());
                        Outcome::NoInput(None)
                    }
                }
            }
            Action::Decision(cond) => {
                if eval(cond, &task.ctx, now, &*engine).truthy() {
                    Outcome::Yes
                } else {
                    Outcome::No
                }
            }
            Action::Switch { subject, cases } => {
                let v = eval(subject, &task.ctx, now, &*engine);
                let hit =
                    cases.iter().position(|vals| vals.iter().any(|c| eval(c, &task.ctx, now, &*engine) == v));
                match hit {
                    Some(i) => graph
                        .outgoing(node)
                        .into_iter()
                        .find(|e| matches!(e.outcome, Outcome::Case(j, _) if *j == i))
                        .map(|e| e.outcome.clone())
                        .unwrap_or(Outcome::Default),
                    None => Outcome::Default,
                }
            }
            Action::Set { target, value } => {
                let v = eval(value, &task.ctx, now, &*engine);
                assign(&mut task.ctx, target, v, &engine, now);
                // The built-ins whose change does more than store a value.
                const ACTIVE: [&str; 3] = ["Call.Priority", "Call.Skills", "Call.Language"];
                let builtin = match target.index {
                    Some(_) => None,
                    None => ACTIVE.into_iter().find(|b| *b == target.name()),
                };
                match builtin {
                    // In queue, a new priority moves the caller (Architect's Set Priority in an
                    // in-queue flow): ahead of lower priorities, by enqueue time among equals.
                    Some("Call.Priority") if in_queue => {
                        let priority = task.ctx.priority;
                        let moved = task.ctx.follow_entry().is_some_and(|entry| {
                            engine.acd.borrow().key(entry).is_some_and(|k| k.priority != priority)
                        });
                        if moved {
                            requeue(task, &engine, Some(priority), None, || format!("priority {priority}"));
                        }
                    }
                    Some("Call.Skills") => {
                        let unknown = {
                            let acd = engine.acd.borrow();
                            task.ctx.skills.iter().find(|s| !acd.skill_is_known(s)).cloned()
                        };
                        if let Some(bad) = unknown {
                            let message = format!("no agent of the center has the skill `{bad}`");
                            return Exit::Error(node, "skills", message);
                        }
                        // In queue, the waiting caller now needs these skills (Connect's routing
                        // criteria): typically fewer after a while, so more agents may answer.
                        if in_queue {
                            let set = engine.acd.borrow_mut().skill_set(&task.ctx.skills);
                            let skills = task.ctx.skills.join(", ");
                            requeue(task, &engine, None, Some(set), || match skills.as_str() {
                                "" => "no skills".to_string(),
                                s => format!("skills {s}"),
                            });
                        }
                    }
                    Some("Call.Language") if !graph.languages().is_empty() => {
                        let language = task.ctx.language.clone().unwrap_or_default();
                        if graph.declared_language(&language).is_none() {
                            let declared: Vec<&str> =
                                graph.languages().iter().map(|l| l.0.as_str()).collect();
                            let message = format!(
                                "the flow does not speak `{language}` (its languages: {})",
                                declared.join(", ")
                            );
                            return Exit::Error(node, "language", message);
                        }
                        if task.obs.enabled()
                            && let Some(note) = voice_note(graph, &language)
                        {
                            task.obs.record(now, Event::Note(note));
                        }
                    }
                    _ => {}
                }
                Outcome::Next
            }
            Action::CallTask(_) => {
                // Where the task returns to: the next action, or, when the `call` ends a menu's
                // noinput/nomatch handler, the menu it offers again.
                if let Some(back) =
                    graph.follow(node, &Outcome::Next).or_else(|| graph.follow(node, &Outcome::Retry))
                {
                    returns.push(back);
                }
                Outcome::Call
            }
            Action::JumpTask(_) => Outcome::Jump,
            // After a callback took the caller's place, disconnecting hands the wait over to it.
            Action::Disconnect if in_queue && task.ctx.entry.is_none() => {
                return Exit::CallbackTakeover(node);
            }
            Action::Disconnect => return Exit::Disconnected(node),
            Action::ConnectAgent => return Exit::ConnectAgent,
            Action::LeaveVoicemail(e) => {
                speak(task, &engine, e, now).await;
                return Exit::Outbound(node, true);
            }
            Action::RetryLater => return Exit::Outbound(node, false),
            Action::Transfer { queue, inqueue_flow, priority, skills, preferred } => {
                if let Some(p) = priority
                    && let Value::Int(p) = eval(p, &task.ctx, now, &*engine)
                {
                    task.ctx.priority = p;
                }
                // The transfer's own skills, and those the flow computed (`Call.Skills`).
                if !skills.is_empty() {
                    for s in skills {
                        if !task.ctx.skills.contains(&s.value) {
                            task.ctx.skills.push(s.value.clone());
                        }
                    }
                }
                // An in-queue flow that keeps re-queueing its caller is stopped, as Genesys does.
                let looped = in_queue && task.ctx.queue_transfers >= bounds::QUEUE_TRANSFERS_MAX;
                // The preferred agent, when named, known, a member of the queue and logged in: only
                // they may answer until the period ends (then `wait_in_queue` opens the entry up).
                let preferred = preferred.as_ref().and_then(|(agent, period)| {
                    let name = eval(agent, &task.ctx, now, &*engine).into_text();
                    let secs = match period.as_ref().map(|p| eval(p, &task.ctx, now, &*engine)) {
                        Some(Value::Duration(s)) => s.clamp(1, bounds::PREFERRED_AGENT_MAX_SECS),
                        _ => bounds::PREFERRED_AGENT_DEFAULT_SECS,
                    };
                    let acd = engine.acd.borrow();
                    let found = acd.agent_id(&name).filter(|a| {
                        acd.queue_id(&queue.name).is_some_and(|q| acd.agent_serves(*a, q))
                            && acd.agent_state(*a).is_staffed()
                    });
                    if found.is_none() && task.obs.enabled() {
                        let note = format!(
                            "preferred agent `{name}` cannot take calls from {} now: any agent may answer",
                            queue.name
                        );
                        task.obs.record(now, Event::Note(note));
                    }
                    found.map(|a| (a, name, now.saturating_add(secs * 1_000_000)))
                });
                let entered = if looped || engine.overrides.queue_full(&queue.name) {
                    None
                } else {
                    let mut acd = engine.acd.borrow_mut();
                    acd.queue_id(&queue.name).map(|q| match &preferred {
                        Some((agent, _, _)) => {
                            let key = acd.fresh_key(task.ctx.priority, now);
                            let routing = crate::acd::CallbackRouting { owner: Some(*agent), offer: false };
                            (q, acd.enqueue_callback(q, key, task.ctx.skills.as_slice(), routing, now))
                        }
                        None => (q, acd.enqueue(q, task.ctx.priority, task.ctx.skills.as_slice(), now)),
                    })
                };
                match entered {
                    Some((qid, entry)) => {
                        // From an in-queue flow: leave the old place now, so the new position
                        // does not count the caller twice.
                        if in_queue {
                            task.ctx.queue_transfers += 1;
                            if let Some(old) = task.ctx.entry {
                                engine.leave_queue(old);
                            }
                        }
                        let name = engine.queue_name(qid);
                        task.ctx.queue = Some(name.clone());
                        task.ctx.entry = Some(entry);
                        task.ctx.enqueued_at = Some(now);
                        task.ctx.preferred_until = None;
                        if let Some((_, name, until)) = preferred {
                            if task.obs.enabled() {
                                let secs = (until - now) / 1_000_000;
                                let note = format!(
                                    "only {name} may answer for {}",
                                    crate::time::format_duration(secs)
                                );
                                task.obs.record(now, Event::Note(note));
                            }
                            task.ctx.preferred_until = Some(until);
                        }
                        if task.obs.enabled() {
                            // Position is O(queue length): only worth it when someone reads it.
                            refresh_queue_facts(task, &engine);
                            let position = task.ctx.queue_facts(&*engine).0;
                            task.obs.record(now, Event::Queued { queue: queue.name.clone(), position });
                        }
                        // The graph's shared name rather than a copy of the text per call.
                        let inqueue = inqueue_flow.as_ref().map(|f| {
                            engine
                                .flows
                                .get(&f.name)
                                .map_or_else(|| Rc::from(f.name.as_str()), |g| g.shared_name())
                        });
                        return Exit::Queued { entry, queue: name, inqueue };
                    }
                    None => {
                        if task.obs.enabled() {
                            let note = if looped {
                                format!(
                                    "transfer refused: the call has been transferred into a queue {} times from in-queue flows",
                                    bounds::QUEUE_TRANSFERS_MAX
                                )
                            } else if engine.overrides.queue_full(&queue.name) {
                                format!("queue {} is full", queue.name)
                            } else {
                                format!("queue {} does not exist here", queue.name)
                            };
                            task.obs.record(now, Event::Note(note));
                        }
                        Outcome::Failure
                    }
                }
            }
            Action::CallData(c) => call_data(task, &engine, graph, node, c).await,
            Action::TransferOut(t) => {
                use crate::syntax::ast::TransferTarget;
                let refused = |task: &mut CallTask<R, C, O>, why: String| {
                    if task.obs.enabled() {
                        task.obs.record(now, Event::Note(format!("transfer refused: {why}")));
                    }
                    Outcome::Failure
                };
                match &t.target {
                    TransferTarget::Number(e) => {
                        let number = eval(e, &task.ctx, now, &*engine).into_text();
                        let digits = number.chars().skip(1).filter(char::is_ascii_digit).count();
                        if number.starts_with('+') && (8..=15).contains(&digits) {
                            let number: String = std::iter::once('+')
                                .chain(number.chars().filter(char::is_ascii_digit))
                                .collect();
                            if task.obs.enabled() {
                                task.obs.record(now, Event::Note(format!("transferred out to {number}")));
                            }
                            return Exit::Left(node, number);
                        }
                        refused(task, format!("`{number}` is not a number to dial (+ and 8 to 15 digits)"))
                    }
                    TransferTarget::Voicemail(q) => {
                        if engine.acd.borrow().queue_id(&q.name).is_some() {
                            if task.obs.enabled() {
                                task.obs.record(now, Event::Note(format!("to the voicemail of {}", q.name)));
                            }
                            return Exit::Left(node, format!("voicemail of {}", q.name));
                        }
                        refused(task, format!("no queue {}", q.name))
                    }
                    TransferTarget::AgentVoicemail(e) => {
                        let name = eval(e, &task.ctx, now, &*engine).into_text();
                        if engine.acd.borrow().agent_id(&name).is_some() {
                            if task.obs.enabled() {
                                task.obs
                                    .record(now, Event::Note(format!("to the voicemail of agent {name}")));
                            }
                            return Exit::Left(node, format!("voicemail of agent {name}"));
                        }
                        refused(task, format!("no agent `{name}`"))
                    }
                    TransferTarget::Agent(e) => {
                        let name = eval(e, &task.ctx, now, &*engine).into_text();
                        let mut acd = engine.acd.borrow_mut();
                        let agent = acd.agent_id(&name);
                        let free = agent.filter(|a| acd.agent_state(*a) == crate::acd::AgentState::Available);
                        // Through the agent's first queue, for them alone: a free agent takes it at once.
                        match free.and_then(|a| Some((a, *acd.agent_queues(a).first()?))) {
                            Some((a, q)) => {
                                if in_queue && let Some(old) = task.ctx.entry.take() {
                                    drop(acd);
                                    engine.leave_queue(old);
                                    acd = engine.acd.borrow_mut();
                                }
                                let key = acd.fresh_key(task.ctx.priority, now);
                                let routing = crate::acd::CallbackRouting { owner: Some(a), offer: false };
                                let entry = acd.enqueue_callback(
                                    q,
                                    key,
                                    crate::acd::SkillSet::default(),
                                    routing,
                                    now,
                                );
                                drop(acd);
                                let queue = engine.queue_name(q);
                                task.ctx.queue = Some(queue.clone());
                                task.ctx.entry = Some(entry);
                                task.ctx.enqueued_at = Some(now);
                                task.ctx.preferred_until = None;
                                if task.obs.enabled() {
                                    task.obs.record(
                                        now,
                                        Event::Note(format!("to agent {name} (through {queue})")),
                                    );
                                }
                                return Exit::Queued { entry, queue, inqueue: None };
                            }
                            None => {
                                let why = match agent {
                                    None => format!("no agent `{name}`"),
                                    Some(_) if free.is_none() => format!("agent {name} is not free"),
                                    Some(_) => format!("agent {name} takes calls from no queue"),
                                };
                                drop(acd);
                                refused(task, why)
                            }
                        }
                    }
                    TransferTarget::SecureFlow(f) => match engine.flow(&f.name) {
                        Some(g) if g.kind() == FlowKind::Secure => {
                            let exit = secure_flow(task, &g).await;
                            // Back at the transfer: its edge out is traced from it (coverage).
                            if task.obs.enabled() && matches!(exit, Exit::Returned | Exit::Error(..)) {
                                let step = Event::Step {
                                    flow: graph.name().to_string(),
                                    node,
                                    span: n.span,
                                    action: n.action.summary(),
                                };
                                task.obs.record(rt.now(), step);
                            }
                            match exit {
                                Exit::Returned => Outcome::Next,
                                Exit::Error(_, kind, message)
                                    if graph.follow(node, &Outcome::Failure).is_some() =>
                                {
                                    if task.obs.enabled() {
                                        let note =
                                            format!("secure flow {} failed ({kind}): {message}", f.name);
                                        task.obs.record(rt.now(), Event::Note(note));
                                    }
                                    Outcome::Failure
                                }
                                // Without `on failure`, the secure flow's error is this flow's.
                                Exit::Error(_, kind, message) => {
                                    return Exit::Error(
                                        node,
                                        kind,
                                        format!("in secure flow {}: {message}", f.name),
                                    );
                                }
                                ended => return ended,
                            }
                        }
                        _ => refused(task, format!("no secure flow {} to transfer to", f.name)),
                    },
                    TransferTarget::Flow(f) => match engine.flow(&f.name) {
                        Some(g) if !in_queue => {
                            if task.obs.enabled() {
                                task.obs.record(now, Event::Note(format!("transferred to flow {}", f.name)));
                            }
                            return Exit::ToFlow(g);
                        }
                        _ => refused(task, format!("no flow {} to transfer to", f.name)),
                    },
                }
            }
            Action::Lookup(l) => {
                let key = eval(&l.key, &task.ctx, now, &*engine).into_text();
                let row = engine.tables.get(&l.table.name).and_then(|t| {
                    t.find(&key).map(|r| r.map(|(c, v)| (c.to_string(), v.clone())).collect::<Vec<_>>())
                });
                match row {
                    Some(row) => {
                        for (target, column) in &l.into {
                            if let Some((_, v)) = row.iter().find(|(c, _)| *c == column.name) {
                                assign(&mut task.ctx, target, v.clone(), &engine, now);
                            }
                        }
                        Outcome::Next
                    }
                    None => {
                        if task.obs.enabled() {
                            let text = l.key.to_string();
                            let secret = task.ctx.secure.iter().any(|s| text.contains(s.as_str()));
                            let key = if secret { "••••".to_string() } else { key };
                            let note = format!("`{key}` is not in table {}", l.table.name);
                            task.obs.record(now, Event::Note(note));
                        }
                        Outcome::NotFound
                    }
                }
            }
            Action::CreateCallback(cb) => {
                let value = |e: &crate::syntax::ast::Expr| eval(e, &task.ctx, now, &*engine);
                let datetime = |e: &crate::syntax::ast::Expr| match value(e) {
                    Value::DateTime(dt) => Some(dt),
                    _ => None,
                };
                let h = Handover {
                    // `into_text`: the text `to_string` gives, without writing a string out again.
                    number: cb
                        .number
                        .as_ref()
                        .map_or_else(|| task.ctx.spec.ani.clone(), |e| value(e).into_text()),
                    name: cb
                        .name
                        .as_ref()
                        .map_or_else(|| task.ctx.spec.caller_name.clone(), |e| value(e).into_text()),
                    queue: cb
                        .queue
                        .as_ref()
                        .map(|q| q.name.clone())
                        .or_else(|| task.ctx.queue.as_deref().map(str::to_string)),
                    at: cb.at.as_ref().and_then(datetime),
                    window: cb.window.as_ref().and_then(|(a, b)| Some((datetime(a)?, datetime(b)?))),
                    timezone: cb.timezone.as_ref().map(|t| t.value.clone()),
                    attempts: cb.attempts.as_ref().and_then(|e| value(e).as_int()),
                    retry_secs: match cb.retry_every.as_ref().map(value) {
                        Some(Value::Duration(s)) => Some(s),
                        _ => None,
                    },
                    mode: cb.mode.as_ref().map(|m| m.node),
                    owner: cb.owner.as_ref().map(|e| value(e).into_text()),
                    // A campaign call's "call me later" stays the campaign's: the outbound flow
                    // serving a campaign record passes its campaign and contact on (the flow's own
                    // `data` may still override them).
                    data: (graph.kind() == crate::syntax::ast::FlowKind::Outbound)
                        .then_some(&task.ctx.spec.data)
                        .into_iter()
                        .flat_map(|d| d.iter().filter(|(k, _)| CAMPAIGN_KEYS.contains(&k.as_str())))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .chain(cb.data.iter().map(|(k, v)| (k.name.clone(), value(v).into_text())))
                        .collect(),
                    // A time (`at`, `window`) makes it a scheduled callback that waits in the
                    // scheduler; only an untimed callback for the caller's own queue keeps the
                    // caller's place.
                    keeps_position: in_queue
                        && cb.at.is_none()
                        && cb.window.is_none()
                        && cb
                            .queue
                            .as_ref()
                            .is_none_or(|q| Some(q.name.as_str()) == task.ctx.queue.as_deref()),
                };
                let queue_id = h.queue.as_deref().and_then(|q| engine.acd.borrow().queue_id(q));
                let unknown_time =
                    (cb.at.is_some() && h.at.is_none()) || (cb.window.is_some() && h.window.is_none());
                let result = match (h.queue, queue_id) {
                    // A time or number computed out of range is no time: never "as soon as possible".
                    _ if task.ctx.fault.get().is_some() => {
                        Err(format!("{} in the callback's values", task.ctx.fault.take().unwrap_or_default()))
                    }
                    _ if unknown_time => Err("the callback's time is not known".to_string()),
                    (None, _) => Err("no queue: name one with `queue`".to_string()),
                    (Some(q), None) => Err(format!("unknown queue {q}")),
                    (Some(q), Some(id)) => {
                        let settings = engine.callback_side.settings(id);
                        let (attempts, retry_every_secs) =
                            engine.callback_side.attempts_and_retry(id, h.attempts, h.retry_secs);
                        let start = task.ctx.spec.start;
                        let now_utc = start.with_timezone(&chrono::Utc) + chrono::Duration::microseconds(now);
                        // The handover's values move into the request, which the intake
                        // borrows and `hand_over` then takes: nothing is copied for either.
                        let request = CallbackRequest {
                            number_is_e164: task.ctx.spec.ani_is_e164 && h.number == task.ctx.spec.ani,
                            number: h.number,
                            name: h.name,
                            queue: q,
                            at: h.at,
                            window: h.window,
                            timezone: h.timezone,
                            attempts,
                            retry_every_secs,
                            mode: h.mode.unwrap_or(settings.mode),
                            owner: h.owner,
                            data: h.data,
                            origin: Origin::Flow { flow: graph.name().to_string() },
                            keeps_position: h.keeps_position,
                            serving: task.ctx.serving,
                        };
                        let zone = start.timezone().name();
                        match hand_to_store(task, &engine, &request, settings, now_utc, zone) {
                            Some(stored) => stored.map(|()| None),
                            None => engine
                                .callbacks
                                .borrow_mut()
                                .create(&request, settings, now_utc, zone)
                                .map(|(id, number)| Some((id, number, request)))
                                .map_err(|e| e.to_string()),
                        }
                    }
                };
                let handed = result.and_then(|created| match created {
                    // Stored: a dispatcher serves it.
                    None => Ok(()),
                    Some((id, number, request)) => {
                        let e164 = number.clone();
                        hand_over(task, &engine, id, number, request)
                            .inspect_err(|_| engine.callbacks.borrow_mut().settle(id, &e164))
                    }
                });
                match handed {
                    Ok(()) => Outcome::Next,
                    Err(message) => {
                        engine.callback_side.stats.borrow_mut().refused += 1;
                        if task.obs.enabled() {
                            task.obs.record(now, Event::Note(format!("callback refused: {message}")));
                        }
                        Outcome::Failure
                    }
                }
            }
        };
        // Arithmetic out of range in this action: its failure path, or a flow error; never a
        // wrapped number going on.
        let outcome = match task.ctx.fault.take() {
            None => outcome,
            Some(why) if graph.follow(node, &Outcome::Failure).is_some() => {
                if task.obs.enabled() {
                    task.obs.record(rt.now(), Event::Note(format!("{why}: taking the failure path")));
                }
                Outcome::Failure
            }
            Some(why) => {
                let message = format!("{why} (checked arithmetic; the value is not used)");
                return Exit::Error(node, "arithmetic", message);
            }
        };
        // The last action of a noinput/nomatch handler leads back to its menu along `retry`.
        let (outcome, next) = match graph.follow(node, &outcome) {
            Some(next) => (outcome, next),
            None if outcome == Outcome::Next && graph.follow(node, &Outcome::Retry).is_some() => {
                (Outcome::Retry, graph.follow(node, &Outcome::Retry).unwrap_or(node))
            }
            None => return Exit::Error(node, "no_path", format!("no `{outcome}` path out of this action")),
        };
        if task.obs.enabled() && !matches!(n.action, Action::Start | Action::TaskStart(_)) {
            task.obs.record(rt.now(), Event::Edge(outcome));
        }
        node = next;
    }
}

/// Failure counters (no input, no match, total) of the menus a walk is in, reset when the menu
/// is left. Usually one menu at a time (more only inside a handler), so a short list searched
/// in order, the first two kept inline: a hash map allocated and rehashed its table on every
/// call that reached a menu.
#[derive(Default)]
struct MenuCounters {
    inline: [Option<MenuCount>; 2],
    more: Vec<MenuCount>,
}

/// A menu and its (no input, no match, total) failures.
type MenuCount = (NodeId, crate::compile::MenuCount);

impl MenuCounters {
    fn get_or_insert(&mut self, node: NodeId) -> &mut (u32, u32, u32) {
        let at = self.inline.iter().position(|c| matches!(c, Some((n, _)) if *n == node));
        let in_more = self.more.iter().position(|(n, _)| *n == node);
        let free = self.inline.iter().position(Option::is_none);
        match (at, in_more, free) {
            (Some(i), _, _) | (None, None, Some(i)) => &mut self.inline[i].get_or_insert((node, (0, 0, 0))).1,
            (None, Some(i), _) => &mut self.more[i].1,
            (None, None, None) => {
                self.more.push((node, (0, 0, 0)));
                &mut self.more.last_mut().expect("just pushed").1
            }
        }
    }

    fn remove(&mut self, node: NodeId) {
        for c in &mut self.inline {
            if matches!(c, Some((n, _)) if *n == node) {
                *c = None;
            }
        }
        self.more.retain(|(n, _)| *n != node);
    }
}

#[cfg(test)]
#[test]
fn menu_counters_keep_one_count_per_menu() {
    let mut m = MenuCounters::default();
    for round in 1..=3u32 {
        for node in 0..5 {
            m.get_or_insert(NodeId(node)).0 += node + 1;
        }
        for node in 0..5 {
            assert_eq!(m.get_or_insert(NodeId(node)).0, round * (node + 1));
        }
    }
    m.remove(NodeId(0));
    m.remove(NodeId(3));
    assert_eq!(*m.get_or_insert(NodeId(0)), (0, 0, 0));
    assert_eq!(*m.get_or_insert(NodeId(3)), (0, 0, 0));
    assert_eq!(m.get_or_insert(NodeId(4)).0, 15);
    assert_eq!(m.get_or_insert(NodeId(1)).0, 6);
}

/// `call data`: the action answers (a mock here: `run --data`, a test's `given`, a scenario's
/// mix) after its latency, cut short at its timeout; a success's outputs go into the variables
/// the flow named.
async fn call_data<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    engine: &Rc<Engine<R>>,
    graph: &FlowGraph,
    node: NodeId,
    c: &crate::syntax::ast::CallData,
) -> Outcome {
    use super::data_action::DataResult;
    let rt = engine.rt.clone();
    let name = c.action.name.as_str();
    let note = |task: &mut CallTask<R, C, O>, text: String| {
        if task.obs.enabled() {
            task.obs.record(rt.now(), Event::Note(text));
        }
    };
    if task.obs.enabled() {
        let now = rt.now();
        // A value computed from a `secure` input is shown masked.
        let shown = |v: &crate::syntax::ast::Expr| {
            let text = v.to_string();
            if task.ctx.secure.iter().any(|s| text.contains(s.as_str())) {
                "••••".to_string()
            } else {
                eval(v, &task.ctx, now, &**engine).to_string()
            }
        };
        let args: Vec<String> = c.inputs.iter().map(|(k, v)| format!("{}: {}", k.name, shown(v))).collect();
        note(task, format!("data action {name}({})", args.join(", ")));
    }
    let Some(decl) = engine.data.decls.get(name).cloned() else {
        note(task, format!("data action `{name}` is not declared: taking the failure path"));
        return Outcome::Failure;
    };
    let gateway = engine.data.gateway.borrow().clone();
    let started = rt.now();
    let (result, timed_out) = match gateway {
        // A live request: the gateway keeps the timeout itself.
        Some(gateway) => {
            let now = rt.now();
            let inputs = c
                .inputs
                .iter()
                .map(|(k, v)| (k.name.clone(), eval(v, &task.ctx, now, &**engine).into_text()))
                .collect();
            match decl.request(&inputs, &|n| gateway.env(n)) {
                Ok(call) => {
                    let result = gateway.call(call).await;
                    let timed_out = result == DataResult::TimedOut;
                    (result, timed_out)
                }
                Err(why) => (DataResult::Failure(why), false),
            }
        }
        None => {
            let (result, latency) = match engine.data.mocks.get(name) {
                Some(m) => {
                    let mut uniform = || rt.uniform();
                    (m.draw(&mut uniform), m.latency)
                }
                None => (DataResult::Failure(format!("no result is given for `{name}` here")), 0),
            };
            let timed_out = result == DataResult::TimedOut || latency > decl.timeout;
            rt.sleep(if timed_out { decl.timeout } else { latency }).await;
            (result, timed_out)
        }
    };
    {
        let mut stats = engine.data.stats.borrow_mut();
        let s = stats.entry(name.to_string()).or_default();
        s.calls += 1;
        s.waited += rt.now() - started;
        if timed_out {
            s.timed_out += 1;
        } else if !matches!(result, DataResult::Success(_)) {
            s.failed += 1;
        }
    }
    if timed_out {
        let has_path = graph.follow(node, &Outcome::Timeout).is_some();
        let path = if has_path { "timeout" } else { "failure" };
        note(
            task,
            format!(
                "{name} timed out after {}: taking the {path} path",
                crate::time::format_duration(decl.timeout / 1_000_000)
            ),
        );
        return if has_path { Outcome::Timeout } else { Outcome::Failure };
    }
    let body = match result {
        DataResult::Success(body) => body,
        DataResult::Failure(why) => {
            note(task, format!("{name} failed: {why}"));
            return Outcome::Failure;
        }
        // Taken above.
        DataResult::TimedOut => return Outcome::Failure,
    };
    match decl.read(&body) {
        Ok(values) => {
            let now = rt.now();
            for (target, output) in &c.into {
                if let Some(v) = values.get(&output.name) {
                    assign(&mut task.ctx, target, v.clone(), engine, now);
                }
            }
            Outcome::Next
        }
        Err(why) => {
            note(task, format!("{name} failed: {why}"));
            Outcome::Failure
        }
    }
}

/// Position and estimated wait are out of date (a new step, a new place): the next read works
/// them out (`CallContext::queue_facts`). A trace shows them at every step, so with an observer
/// they are worked out now.
fn refresh_queue_facts<R: Runtime, C: Caller, O: Observer>(task: &mut CallTask<R, C, O>, engine: &Engine<R>) {
    if task.ctx.follow_entry().is_some() {
        task.ctx.facts_stale.set(true);
        if task.obs.enabled() {
            let (position, ewt) = task.ctx.queue_facts(engine);
            let queue = task.ctx.queue.as_deref().unwrap_or_default();
            task.obs.waiting(engine.rt.now(), queue, position, ewt);
        }
    }
}

/// A Create Callback node's options, evaluated (`None`: the queue's setting applies).
struct Handover {
    number: String,
    name: String,
    queue: Option<String>,
    at: Option<chrono::NaiveDateTime>,
    window: Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)>,
    timezone: Option<String>,
    attempts: Option<i64>,
    retry_secs: Option<i64>,
    mode: Option<CallbackMode>,
    owner: Option<String>,
    data: std::collections::BTreeMap<String, String>,
    keeps_position: bool,
}

/// Runtime micros of a local time of the callback's zone (the call's zone by default).
fn micros_of<R: Runtime, C: Caller, O: Observer>(
    task: &CallTask<R, C, O>,
    zone: Option<&str>,
    local: chrono::NaiveDateTime,
) -> Option<Micros> {
    use chrono::TimeZone;
    let start = task.ctx.spec.start;
    let tz = match zone {
        Some(z) => z.parse::<chrono_tz::Tz>().ok()?,
        None => start.timezone(),
    };
    // A local time in a DST gap does not exist; an ambiguous one takes the earlier offset.
    let instant = tz.from_local_datetime(&local).earliest()?;
    (instant.with_timezone(&chrono::Utc) - start.with_timezone(&chrono::Utc)).num_microseconds()
}

/// Hands a created callback to its lifecycle. In an in-queue flow for the caller's own queue it
/// takes the caller's entry with the same position key (the caller then leaves); anywhere else it
/// joins its queue when due.
///
/// `h` is the request as the intake validated it: its attempts, retry interval and mode are the
/// ones that apply (the flow's, a what-if's or the queue's).
fn hand_over<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    engine: &Rc<Engine<R>>,
    id: crate::callbacks::CallbackId,
    number: String,
    h: CallbackRequest,
) -> Result<(), String> {
    use super::callback_lifecycle as lifecycle;
    use crate::acd::CallbackRouting;
    use crate::callbacks::{LiveCallback, State};
    let now = engine.rt.now();
    engine.callback_side.epoch.borrow_mut().get_or_insert(task.ctx.spec.start);
    let queue = h.queue.as_str();
    let q = engine.acd.borrow().queue_id(queue).ok_or_else(|| format!("unknown queue {queue}"))?;
    let settings = Rc::clone(engine.callback_side.settings(q));
    let (attempts, retry_secs, mode) = (h.attempts, h.retry_every_secs, h.mode);
    let keeps_position = h.keeps_position;
    let owner_id = match &h.owner {
        Some(name) => {
            Some(engine.acd.borrow().agent_id(name).ok_or_else(|| format!("unknown agent {name}"))?)
        }
        None => None,
    };
    let zone = h.timezone.as_deref();
    let window = match h.window {
        Some((a, b)) => Some((
            micros_of(task, zone, a).ok_or("the window start does not exist in its time zone")?,
            micros_of(task, zone, b).ok_or("the window end does not exist in its time zone")?,
        )),
        None => None,
    };
    let at = match h.at {
        Some(t) => Some(micros_of(task, zone, t).ok_or("the callback time does not exist in its time zone")?),
        None => None,
    };
    let due = at.or(window.map(|w| w.0)).unwrap_or(now).max(now);
    let default_skills = engine.acd.borrow().queue_default_skills(q);
    let mut cb = LiveCallback {
        id: Rc::from(id.text()),
        book_id: Some(id),
        number: number.clone(),
        // Seed 000: the customer's name defaults to the callback number.
        name: if h.name.is_empty() { number.clone() } else { h.name },
        data: h.data,
        queue: q,
        mode,
        max_attempts: attempts.clamp(1, crate::model::bounds::ATTEMPTS_MAX) as u32,
        attempts_made: 0,
        retry_every: retry_secs.max(0) * 1_000_000,
        owner: owner_id,
        owner_until: owner_id.map(|_| due.saturating_add(settings.ownership_period_secs * 1_000_000)),
        window_end: window.map(|w| w.1),
        due,
        key: None,
        entry: None,
        skills: default_skills,
        priority: 0,
        ready_at: due,
        state: if due > now { State::Scheduled } else { State::Queued },
    };
    let position = task.ctx.queue_facts(&**engine).0;
    let mut kept = None;
    if keeps_position && let Some(entry) = task.ctx.entry.take() {
        engine.take_waiter(entry);
        // Skills and priority go with the place only when the queue says so (Genesys's opt-in
        // setting, seed 003); the place itself (enqueue time, sequence) is always kept.
        let (skills, priority) =
            if settings.preserve_skills_priority { (None, None) } else { (Some(default_skills), Some(0)) };
        let routing = CallbackRouting {
            owner: owner_id,
            offer: mode == CallbackMode::AgentFirst && !settings.auto_answer,
        };
        let new_entry = engine.acd.borrow_mut().take_over_callback(entry, skills, priority, routing, now);
        if let Some(e) = new_entry {
            let acd = engine.acd.borrow();
            cb.key = acd.key(e);
            cb.skills = acd.entry_skills(e).unwrap_or(default_skills);
            cb.priority = cb.key.map_or(0, |k| k.priority);
            cb.ready_at = now;
            cb.due = now;
            cb.state = State::Queued;
            kept = Some(e);
        }
        cb.entry = kept;
    }
    if task.obs.enabled() {
        let position = if kept.is_some() { position } else { None };
        task.obs.record(now, Event::CallbackCreated { queue: queue.to_string(), position, number });
    }
    lifecycle::spawn(engine, cb, task.obs.clone());
    Ok(())
}

/// With a durable ledger (a dispatcher on a store), a flow's callback is stored through the one
/// create path and served from the store like any other, instead of in this engine: the
/// supervisor sees it, a restart keeps it. A callback that keeps the caller's place is stored with
/// the caller's position key (enqueue time, priority), so it joins the queue where the caller
/// was. `None`: the ledger keeps no callbacks.
/// The data keys of a campaign record a callback booked by its outbound flow inherits.
const CAMPAIGN_KEYS: [&str; 2] = ["campaign", "contactId"];

fn hand_to_store<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    engine: &Rc<Engine<R>>,
    req: &CallbackRequest,
    settings: &crate::model::center::CallbackSettings,
    now_utc: chrono::DateTime<chrono::Utc>,
    zone: &str,
) -> Option<Result<(), String>> {
    if !engine.callback_side.ledger.borrow().keeps_callbacks() {
        return None;
    }
    let now = engine.rt.now();
    let mut request = crate::callbacks::schedule_request(req, settings, zone);
    let entry = task.ctx.entry.filter(|_| req.keeps_position);
    if let Some(key) = entry.and_then(|e| engine.acd.borrow().key(e)) {
        // Priority goes with the place only when the queue says so (as in `hand_over`).
        let priority = if settings.preserve_skills_priority { key.priority } else { 0 };
        let enqueued_at = now_utc.timestamp_micros() - (now - key.enqueued_at);
        request.inherit_position = Some(crate::callbacks::Position { priority, enqueued_at, seq: 0 });
    }
    let stored = engine.callback_side.ledger.borrow_mut().store_new(&request, settings, now_utc)?;
    Some(match stored {
        Ok(cb) => {
            let position = task.ctx.queue_facts(&**engine).0;
            if let Some(e) = entry {
                task.ctx.entry = None;
                engine.leave_queue(e);
            }
            if task.obs.enabled() {
                let position = entry.and(position);
                let note = format!("callback {} stored", cb.id);
                task.obs.record(now, Event::Note(note));
                let event =
                    Event::CallbackCreated { queue: cb.queue.clone(), position, number: cb.callback_number };
                task.obs.record(now, event);
            }
            Ok(())
        }
        Err(crate::callbacks::CreateError::Rules(errors)) => {
            Err(crate::callbacks::CallbackError::Rules(errors).to_string())
        }
        Err(e) => Err(e.to_string()),
    })
}

/// A prompt's text: borrowed from the flow when it is a plain literal (most prompts), so playing
/// it copies nothing unless a trace records it; evaluated otherwise.
fn prompt_text<'a>(e: &'a Expr, ctx: &CallContext, now: Micros, world: &dyn World) -> Cow<'a, str> {
    if let ExprKind::Str(parts) = &e.kind
        && let [StrPart::Text(t)] = parts.as_slice()
    {
        return Cow::Borrowed(t);
    }
    Cow::Owned(eval(e, ctx, now, world).into_text())
}

/// Runs a secure flow for the flow that transferred to it: its variables are its own (the
/// caller's are put back when it returns, so no secret outlives it in `Flow.`/`Task.`), every
/// input is masked, and `Call.Data` is what the two flows share. The secure flow's exit is
/// returned: [`Exit::Returned`] when it came back.
async fn secure_flow<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    graph: &Rc<FlowGraph>,
) -> Exit {
    let now = task.engine.rt.now();
    if task.obs.enabled() {
        task.obs.record(now, Event::Note(format!("into secure flow {}", graph.name())));
    }
    let vars = std::mem::take(&mut task.ctx.vars);
    let error = task.ctx.error.take();
    let (name, started) = (task.ctx.flow_name.clone(), task.ctx.flow_started_at);
    let exit = Box::pin(walk(task, graph, false)).await;
    task.ctx.vars = vars;
    task.ctx.error = error;
    // Back in the calling flow, unless the call ended in the secure flow (a disconnect there is
    // reported as the secure flow's).
    if matches!(exit, Exit::Returned | Exit::Error(..)) {
        (task.ctx.flow_name, task.ctx.flow_started_at) = (name, started);
    }
    if task.obs.enabled() && matches!(exit, Exit::Returned) {
        let back = task.ctx.flow_name.to_string();
        task.obs.record(
            task.engine.rt.now(),
            Event::Note(format!("back from secure flow {} to {back}", graph.name())),
        );
    }
    exit
}

/// Plays a prompt expression: a prompt resource played alone (`play prompt(Welcome)`) is heard
/// as its recording in the call's language when it has one, noted in the trace; its text is what
/// traces and flow tests match.
async fn speak<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    engine: &Engine<R>,
    e: &crate::syntax::ast::Expr,
    now: Micros,
) {
    if task.obs.enabled()
        && let ExprKind::Call { func, args } = &e.kind
        && func.name == "prompt"
        && let Some(ExprKind::Path(name)) = args.first().map(|a| &a.kind)
    {
        let language = task.ctx.language.as_deref().unwrap_or("en-US");
        let name = name.dotted();
        if let Some(audio) = engine.prompt_text(&name, language).and_then(|t| t.audio.as_ref()) {
            task.obs.record(now, Event::Note(format!("recording {}", audio.value)));
        }
    }
    let text = prompt_text(e, &task.ctx, now, engine);
    play(task, engine, text).await;
}

async fn play<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    engine: &Engine<R>,
    text: impl Into<Cow<'_, str>>,
) {
    let text = text.into();
    let d = engine.prompt_time(&text);
    if task.obs.enabled() {
        task.obs.record(engine.rt.now(), Event::Prompt(text.into_owned()));
    }
    engine.rt.sleep(d).await;
}

/// The caller's keys for `prompt`: from a live line as they are pressed, else from the caller
/// model at once (then waited for on the clock).
/// The handler of the flow's `on key` for exactly these keys, with the jump traced (from the start
/// node, so coverage counts the flow's `any time` edge).
fn any_time<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    graph: &FlowGraph,
    keys: &str,
    now: Micros,
) -> Option<NodeId> {
    // Any-time keys are single keys: longer input (most asks) costs nothing here.
    if keys.len() != 1 {
        return None;
    }
    let handler = graph.any_time(keys)?;
    if task.obs.enabled() {
        task.obs.record(now, Event::Note(format!("{keys} at any time: `on key \"{keys}\"` runs")));
        trace_from_start(&task.obs, graph, Outcome::AnyTime(keys.to_string()), now);
    }
    Some(handler)
}

/// A handler entered along `edge` from the flow's start, traced as a step of the start node and
/// that edge, so coverage counts the edge (start nodes are otherwise not traced).
fn trace_from_start<O: Observer>(obs: &O, graph: &FlowGraph, edge: Outcome, now: Micros) {
    let start = graph.node(graph.entry());
    let step = Event::Step {
        flow: graph.name().to_string(),
        node: start.id,
        span: start.span,
        action: start.action.summary(),
    };
    obs.record(now, step);
    obs.record(now, Event::Edge(edge));
}

/// What the caller gave at a menu or an ask.
enum Heard {
    Keys(String),
    /// Speech recognition's text, in lower case.
    Words(String),
}

/// The menu choice an utterance names: a spoken keyword found among its words ("I lost my card"
/// says "lost my card" … a choice `"lost"` or `"card"` matches), or a key said as a word ("two").
fn said_choice(graph: &FlowGraph, node: NodeId, words: &str) -> Option<Outcome> {
    let spoken: Vec<&str> =
        words.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).collect();
    let contains = |keyword: &str| {
        let kw: Vec<&str> = keyword.split_whitespace().collect();
        !kw.is_empty() && spoken.windows(kw.len()).any(|w| w == kw.as_slice())
    };
    let edges = graph.outgoing(node);
    let word = edges.iter().find_map(|e| match &e.outcome {
        Outcome::Said(k) if contains(k) => Some(e.outcome.clone()),
        _ => None,
    });
    word.or_else(|| {
        let key = spoken_digits(words).filter(|d| d.len() == 1)?;
        Some(Outcome::Digit(key)).filter(|o| graph.follow(node, o).is_some())
    })
}

/// Digits said as words or numerals ("four two one", "421", "oh seven"); `None` when the words
/// are not all digits.
fn spoken_digits(words: &str) -> Option<String> {
    let mut digits = String::new();
    for w in words.split(|c: char| c.is_whitespace() || c == ',' || c == '-').filter(|w| !w.is_empty()) {
        let d = match w {
            "zero" | "oh" | "o" => "0",
            "one" => "1",
            "two" => "2",
            "three" => "3",
            "four" => "4",
            "five" => "5",
            "six" => "6",
            "seven" => "7",
            "eight" => "8",
            "nine" => "9",
            w if w.chars().all(|c| c.is_ascii_digit()) => w,
            _ => return None,
        };
        digits.push_str(d);
    }
    (!digits.is_empty()).then_some(digits)
}

async fn gather<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    rt: &R,
    prompt: Prompt<'_>,
    timeout: Micros,
    secure: bool,
) -> Option<Heard> {
    let Some(line) = task.caller.line() else {
        let keys = respond(task, rt, prompt);
        return collect(task, rt, keys, timeout, secure).await;
    };
    let (max, terminator, interdigit) = match prompt {
        Prompt::Menu { .. } => (1, None, None),
        Prompt::Ask { max_digits, terminator, interdigit, .. } => {
            (max_digits as usize, terminator, interdigit)
        }
    };
    let interdigit = interdigit.unwrap_or(super::live_line::INTER_DIGIT);
    let got = line.gather(rt, max, terminator, timeout, interdigit).await;
    if task.obs.enabled() {
        let shown = if secure { got.as_deref().map(mask) } else { got.clone() };
        let event = shown.map_or(Event::NoInput, Event::Input);
        task.obs.record(rt.now(), event);
    }
    got.map(Heard::Keys)
}

/// Keys of a `secure` ask as traces, logs and screens show them: one `•` per key, the terminator
/// kept (it is not secret, and shows the input ended).
fn mask(keys: &str) -> String {
    keys.chars().map(|c| if c == '#' || c == '*' { c } else { '•' }).collect()
}

fn respond<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    rt: &R,
    prompt: Prompt<'_>,
) -> Keys {
    let mut uniform = || rt.uniform();
    task.caller.respond(prompt, &mut uniform)
}

/// Waits for the keys (or the timeout); `None` means no input.
async fn collect<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    rt: &R,
    keys: Keys,
    timeout: Micros,
    secure: bool,
) -> Option<Heard> {
    match keys {
        Keys::Digits { digits, after } if after <= timeout => {
            // Each key takes a moment to press.
            rt.sleep(after + 300_000 * digits.len() as Micros).await;
            if task.obs.enabled() {
                let shown = if secure { mask(&digits) } else { digits.clone() };
                task.obs.record(rt.now(), Event::Input(shown));
            }
            Some(Heard::Keys(digits))
        }
        Keys::Speech { words, after } if after <= timeout => {
            // Speaking takes about as long as a word a third of a second, plus recognition.
            let spoken = words.split_whitespace().count() as Micros;
            rt.sleep(after + 300_000 * spoken + 500_000).await;
            if task.obs.enabled() {
                let shown = if secure { "•••".to_string() } else { words.clone() };
                task.obs.record(rt.now(), Event::Said(shown));
            }
            Some(Heard::Words(words.to_lowercase()))
        }
        _ => {
            rt.sleep(timeout).await;
            if task.obs.enabled() {
                task.obs.record(rt.now(), Event::NoInput);
            }
            None
        }
    }
}

fn duration_or<R: Runtime>(
    e: &Option<crate::syntax::ast::Expr>,
    ctx: &CallContext,
    now: Micros,
    engine: &Engine<R>,
) -> Micros {
    match e.as_ref().map(|e| eval(e, ctx, now, engine)) {
        Some(Value::Duration(s)) => s.max(1) * 1_000_000,
        _ => engine.config.default_timeout,
    }
}

fn assign<R: Runtime>(ctx: &mut CallContext, target: &Path, v: Value, engine: &Engine<R>, now: Micros) {
    if let Some(ix) = &target.index {
        let key = eval(ix, ctx, now, engine).into_text();
        ctx.data_mut().insert(key, v.into_text());
        return;
    }
    match target.name() {
        "Call.Priority" => {
            if let Value::Int(p) = v {
                ctx.priority = p;
            }
        }
        "Call.Language" => ctx.language = Some(v.into_text()),
        "Call.Skills" => ctx.skills = skill_names(&v.into_text()),
        name => {
            // Overwritten in place when the variable exists (an in-queue flow asks every round).
            match ctx.vars.get_mut(name) {
                Some(old) => *old = v,
                None => {
                    ctx.vars.insert(name.to_string(), v);
                }
            }
        }
    }
}

/// The waiting caller's entry re-keyed with a new priority and/or required skills, keeping their
/// place; an agent free for it now takes it. Traced as `WHAT in queue: now number N`.
fn requeue<R: Runtime, C: Caller, O: Observer>(
    task: &mut CallTask<R, C, O>,
    engine: &Engine<R>,
    priority: Option<i64>,
    skills: Option<crate::acd::SkillSet>,
    what: impl FnOnce() -> String,
) {
    let Some(entry) = task.ctx.follow_entry() else { return };
    let Some(new) = engine.rekey(entry, priority, skills) else { return };
    // The wait reads the new entry from here (`follow_entry`).
    task.ctx.entry = Some(new);
    engine.dispatch();
    refresh_queue_facts(task, engine);
    if task.obs.enabled() {
        let what = what();
        let note = match task.ctx.queue_facts(engine).0 {
            Some(p) => format!("{what} in queue: now number {p}"),
            None => format!("{what} in queue: an agent is free for the call"),
        };
        task.obs.record(engine.rt.now(), Event::Note(note));
    }
}

/// `Call.Skills` as names: comma-separated, blanks trimmed, each once.
fn skill_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// `speaks nl-NL in the voice Lotte`, when the flow names a voice for the language.
fn voice_note(graph: &FlowGraph, language: &str) -> Option<String> {
    let (tag, voice) = graph.declared_language(language)?;
    voice.as_ref().map(|v| format!("speaks {tag} in the voice {v}"))
}
