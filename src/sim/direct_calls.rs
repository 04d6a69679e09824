//! Calls whose flow goes straight to a queue ([`FlowGraph::straight_to_queue`]), run as a few
//! handler calls on the virtual runtime rather than as a task walking the flow.
//!
//! Such a flow only ever puts the call in its queue, so the interpreter's work per call — the
//! call's context, its future (most of a kilobyte, allocated and freed), the walk of the start
//! and the transfer — buys nothing the report reads. A call here is a slot of a few words and
//! three steps: placed (where the call's task would first have been polled), answered (where
//! the task would have been woken by the agent's signal) or abandoned (at its patience timer).
//! Each step does what the interpreter does at that point, in the same order and at the same
//! place in the runtime's queues, with the same draws from the one random stream, so a run gives
//! the report the interpreter gives, byte for byte (`simulate --interpreted` runs every call
//! through the interpreter; the tests compare the two). The bare M/M/c benchmark is such a flow.
//!
//! [`FlowGraph::straight_to_queue`]: crate::compile::FlowGraph::straight_to_queue

use super::simulator::{Calls, Redial};
use crate::acd::{EntryId, QueueId};
use crate::runtime::{
    CallOutcome, Engine, HandlerId, Runtime, Signal, VirtualRuntime, VirtualSignal, Waiter,
};
use crate::time::Micros;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

/// One call, from its arrival until its last step (and its patience timer) has run.
struct DirectCall {
    /// The reporting interval the call arrived in.
    interval: usize,
    /// Its talk, drawn as it arrived.
    handle: Micros,
    /// How long it waits before hanging up; `None`: for ever.
    patience: Option<Micros>,
    /// Who calls again after abandoning, and how often they have.
    redial: Redial,
    /// Set when the call is placed: its entry and when it entered.
    entry: Option<EntryId>,
    enqueued: Micros,
    /// Waiting for an agent, with the signal that calls the answered step when one is assigned;
    /// `None` before the call is placed and once it was answered or gave up.
    waiter: Option<Waiter<VirtualSignal>>,
    /// Its patience timer is set and has not run yet: the slot is kept until it has, so the
    /// timer never finds another call in it.
    timer: bool,
}

/// The steps, as handlers registered once with the runtime.
#[derive(Clone, Copy)]
struct Steps {
    place: HandlerId,
    answered: HandlerId,
    patience: HandlerId,
}

/// The calls of one run that skip the interpreter.
pub(super) struct DirectCalls {
    /// The run's engine: its ACD, routing, talk and release timers, as the interpreter uses them.
    engine: Rc<Engine<VirtualRuntime>>,
    /// The queue the flow transfers every call to.
    queue: QueueId,
    /// The queue's name, as the metrics and the outcome name it.
    name: Rc<str>,
    /// Slots, reused: as many as calls in the system at the busiest moment.
    calls: RefCell<Vec<DirectCall>>,
    free: RefCell<Vec<u32>>,
    /// The steps' handler ids, set by `register` once the `Calls` that owns this exists (the
    /// handlers hold it weakly, so they are made after it).
    steps: Cell<Option<Steps>>,
}

impl DirectCalls {
    /// For a run whose flow goes straight to `queue`: `None` when the ACD lacks the queue or it
    /// may be made full (the transfer could fail: its failure path needs the interpreter).
    pub(super) fn new(engine: &Rc<Engine<VirtualRuntime>>, queue: &str) -> Option<DirectCalls> {
        if engine.overrides.queue_full(queue) {
            return None;
        }
        let id = engine.acd.borrow().queue_id(queue)?;
        Some(DirectCalls {
            engine: engine.clone(),
            queue: id,
            name: engine.queue_name(id),
            calls: RefCell::default(),
            free: RefCell::default(),
            steps: Cell::new(None),
        })
    }

    /// Registers the three steps; `calls` owns this (held weakly: the runtime keeps handlers).
    pub(super) fn register(&self, calls: &Weak<Calls>) {
        let step = |run: fn(&DirectCalls, &Rc<Calls>, u32)| {
            let calls = calls.clone();
            let handler: Rc<dyn Fn(u32)> = Rc::new(move |slot| {
                if let Some(calls) = calls.upgrade()
                    && let Some(direct) = &calls.direct
                {
                    run(direct, &calls, slot);
                }
            });
            self.engine.rt.handler(&handler)
        };
        let steps = Steps {
            place: step(Self::place),
            answered: step(Self::answered),
            patience: step(Self::patience),
        };
        self.steps.set(Some(steps));
    }

    fn steps(&self) -> Steps {
        self.steps.get().expect("DirectCalls::register runs before the first call")
    }

    /// A call arrives: it is placed where its task would first have been polled.
    pub(super) fn arrive(&self, interval: usize, handle: Micros, patience: Option<Micros>, redial: Redial) {
        let call = DirectCall {
            interval,
            handle,
            patience,
            redial,
            entry: None,
            enqueued: 0,
            waiter: None,
            timer: false,
        };
        let slot = match self.free.borrow_mut().pop() {
            Some(slot) => {
                self.calls.borrow_mut()[slot as usize] = call;
                slot
            }
            None => {
                let mut calls = self.calls.borrow_mut();
                calls.push(call);
                u32::try_from(calls.len() - 1).expect("fewer than 2^32 calls in the system at once")
            }
        };
        self.engine.rt.call_soon(self.steps().place, slot);
    }

    /// The transfer: into the queue, then routing; an agent free now answers at once, else the
    /// call waits for the agent's signal and its patience.
    fn place(&self, calls: &Rc<Calls>, slot: u32) {
        let engine = &self.engine;
        let now = engine.rt.now();
        let entry = engine.acd.borrow_mut().enqueue(self.queue, 0, crate::acd::SkillSet::default(), now);
        let waiter = engine.wait_for_agent(entry);
        engine.dispatch();
        let patience = {
            let mut all = self.calls.borrow_mut();
            let call = &mut all[slot as usize];
            call.entry = Some(entry);
            call.enqueued = now;
            call.patience.map(|p| now.saturating_add(p))
        };
        if waiter.signal.is_fired() {
            return self.answer(calls, slot, waiter);
        }
        match patience {
            // Out of patience before waiting at all.
            Some(at) if at <= now => {
                self.calls.borrow_mut()[slot as usize].waiter = Some(waiter);
                self.give_up(calls, slot);
            }
            _ => {
                let steps = self.steps();
                waiter.signal.call_on_fire(steps.answered, slot);
                let mut all = self.calls.borrow_mut();
                let call = &mut all[slot as usize];
                call.waiter = Some(waiter);
                if let Some(at) = patience {
                    call.timer = true;
                    drop(all);
                    engine.rt.call_handler_at(at, steps.patience, slot);
                }
            }
        }
    }

    /// The agent's signal fired: the call is answered.
    fn answered(&self, calls: &Rc<Calls>, slot: u32) {
        let waiter = self.calls.borrow_mut()[slot as usize].waiter.take();
        if let Some(waiter) = waiter {
            self.answer(calls, slot, waiter);
        }
    }

    /// The talk begins: the agent is released when it ends (on a timer, as the interpreter's
    /// detached talk), and the outcome is recorded.
    fn answer(&self, calls: &Rc<Calls>, slot: u32, waiter: Waiter<VirtualSignal>) {
        let engine = &self.engine;
        let now = engine.rt.now();
        let (agent, _) = waiter.assigned.get().expect("a fired waiter has its assignment");
        // Done with it: its signal and cell go back to be reused while the call talks.
        drop(waiter);
        let (interval, handle, redial, waited) = {
            let call = &self.calls.borrow()[slot as usize];
            (call.interval, call.handle, call.redial, now - call.enqueued)
        };
        let end = now.saturating_add(handle);
        engine.add_talk(agent, now, end);
        if end > now {
            engine.release_at(end, agent);
        } else {
            engine.release_now(agent);
        }
        self.done(slot);
        let outcome =
            CallOutcome::Answered { queue: self.name.clone(), agent: engine.agent_name(agent), waited };
        calls.finish(&outcome, interval, handle, redial);
    }

    /// The patience timer ran: the caller hangs up unless an agent answered first.
    fn patience(&self, calls: &Rc<Calls>, slot: u32) {
        let waiting = {
            let mut all = self.calls.borrow_mut();
            let call = &mut all[slot as usize];
            call.timer = false;
            // Answered already, or assigned with its answered step still to run (the runtime
            // runs what a signal readied before any timer, so that one does not happen).
            call.waiter.as_ref().is_some_and(|w| !w.signal.is_fired())
        };
        if waiting {
            self.give_up(calls, slot);
        } else if self.calls.borrow()[slot as usize].waiter.is_none() {
            self.done(slot);
        }
    }

    /// The caller hangs up in the queue.
    fn give_up(&self, calls: &Rc<Calls>, slot: u32) {
        let now = self.engine.rt.now();
        let (entry, interval, handle, redial, waited) = {
            let mut all = self.calls.borrow_mut();
            let call = &mut all[slot as usize];
            drop(call.waiter.take());
            (call.entry, call.interval, call.handle, call.redial, now - call.enqueued)
        };
        if let Some(entry) = entry {
            self.engine.leave_queue(entry);
        }
        self.done(slot);
        let outcome = CallOutcome::Abandoned { queue: self.name.clone(), waited };
        calls.finish(&outcome, interval, handle, redial);
    }

    /// The call has ended: its slot is free once its patience timer (if set) has run too.
    fn done(&self, slot: u32) {
        if !self.calls.borrow()[slot as usize].timer {
            self.free.borrow_mut().push(slot);
        }
    }
}
