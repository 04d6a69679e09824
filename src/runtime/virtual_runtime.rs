//! The crate's own single-threaded executor on an exact virtual clock.
//!
//! Wake-ups are ordered by (time, sequence number), time is an integer number of microseconds,
//! randomness comes from one seeded generator, and there are no threads: the same seed gives the
//! same run, byte for byte. tokio's paused clock is not used because it rounds every sleep up to a
//! whole millisecond, which biases queueing results (DESIGN.md, "Runtime").
//!
//! Futures here do not use `Waker`s: a timer or signal records the task that was being polled when
//! it registered, and waking pushes that task on the ready queue. Stale wake-ups (a timer whose
//! `select` was already decided) only cause a spurious poll, which every future here tolerates.

use super::{Micros, Runtime, Signal};
use rand::RngExt;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// A task slot and the generation it had when the reference was made, so a wake-up for a task
/// that has finished (and whose slot was reused) is recognised and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct TaskRef {
    slot: u32,
    generation: u32,
}

type BoxedTask = Pin<Box<dyn Future<Output = ()>>>;

struct Slot {
    generation: u32,
    task: Option<BoxedTask>,
    /// Already on the ready queue: a second wake-up before the poll adds nothing.
    queued: bool,
}

struct Inner {
    now: Cell<Micros>,
    seq: Cell<u64>,
    timers: RefCell<BinaryHeap<Reverse<(Micros, u64, TaskRef)>>>,
    ready: RefCell<VecDeque<TaskRef>>,
    slots: RefCell<Vec<Slot>>,
    free: RefCell<Vec<u32>>,
    /// New tasks, moved into slots between polls (a task may spawn while it is being polled).
    spawned: RefCell<VecDeque<BoxedTask>>,
    current: Cell<Option<TaskRef>>,
    rng: RefCell<Xoshiro256PlusPlus>,
    live: Cell<usize>,
    polls: Cell<u64>,
}

/// A handle to the virtual-time executor; clones share it.
#[derive(Clone)]
pub struct VirtualRuntime {
    inner: Rc<Inner>,
}

impl VirtualRuntime {
    pub fn new(seed: u64) -> Self {
        VirtualRuntime {
            inner: Rc::new(Inner {
                now: Cell::new(0),
                seq: Cell::new(0),
                timers: RefCell::new(BinaryHeap::new()),
                ready: RefCell::new(VecDeque::new()),
                slots: RefCell::new(Vec::new()),
                free: RefCell::new(Vec::new()),
                spawned: RefCell::new(VecDeque::new()),
                current: Cell::new(None),
                rng: RefCell::new(Xoshiro256PlusPlus::seed_from_u64(seed)),
                live: Cell::new(0),
                polls: Cell::new(0),
            }),
        }
    }

    /// Runs until no task can make progress (all finished, or all waiting on signals nobody will
    /// fire). Returns the number of tasks still alive.
    pub fn run(&self) -> usize {
        self.run_until(Micros::MAX)
    }

    /// Runs every wake-up due at or before `deadline`, then stops with the clock at the last one.
    pub fn run_until(&self, deadline: Micros) -> usize {
        let inner = &*self.inner;
        loop {
            self.admit_spawned();
            let next = inner.ready.borrow_mut().pop_front();
            if let Some(task) = next {
                self.poll(task);
                continue;
            }
            let timer = {
                let mut timers = inner.timers.borrow_mut();
                match timers.peek() {
                    Some(Reverse((at, _, _))) if *at <= deadline => timers.pop(),
                    _ => None,
                }
            };
            match timer {
                Some(Reverse((at, _, task))) => {
                    if at > inner.now.get() {
                        inner.now.set(at);
                    }
                    self.wake(task);
                }
                None => return inner.live.get(),
            }
        }
    }

    /// How many times tasks were polled (for benchmarks: polls per call).
    pub fn polls(&self) -> u64 {
        self.inner.polls.get()
    }

    pub fn live_tasks(&self) -> usize {
        self.inner.live.get()
    }

    fn admit_spawned(&self) {
        let inner = &*self.inner;
        if inner.spawned.borrow().is_empty() {
            return;
        }
        // Drained in place: the queue's buffer is reused, not reallocated per spawn.
        let mut spawned = inner.spawned.borrow_mut();
        let mut slots = inner.slots.borrow_mut();
        let mut free = inner.free.borrow_mut();
        let mut ready = inner.ready.borrow_mut();
        while let Some(task) = spawned.pop_front() {
            let slot = match free.pop() {
                Some(s) => s,
                None => {
                    slots.push(Slot { generation: 0, task: None, queued: false });
                    (slots.len() - 1) as u32
                }
            };
            let s = &mut slots[slot as usize];
            s.task = Some(task);
            s.queued = true;
            ready.push_back(TaskRef { slot, generation: s.generation });
        }
    }

    fn wake(&self, task: TaskRef) {
        let mut slots = self.inner.slots.borrow_mut();
        if let Some(s) = slots.get_mut(task.slot as usize)
            && s.generation == task.generation
            && s.task.is_some()
            && !s.queued
        {
            s.queued = true;
            self.inner.ready.borrow_mut().push_back(task);
        }
    }

    fn poll(&self, task: TaskRef) {
        let inner = &*self.inner;
        // Take the future out of its slot so the poll can spawn and wake without a borrow held.
        let fut = {
            let mut slots = inner.slots.borrow_mut();
            let s = &mut slots[task.slot as usize];
            s.queued = false;
            if s.generation != task.generation {
                return;
            }
            s.task.take()
        };
        let Some(mut fut) = fut else { return };
        inner.current.set(Some(task));
        inner.polls.set(inner.polls.get() + 1);
        let mut cx = Context::from_waker(Waker::noop());
        let done = fut.as_mut().poll(&mut cx).is_ready();
        inner.current.set(None);
        let mut slots = inner.slots.borrow_mut();
        let s = &mut slots[task.slot as usize];
        if done {
            s.generation = s.generation.wrapping_add(1);
            s.queued = false;
            inner.free.borrow_mut().push(task.slot);
            inner.live.set(inner.live.get() - 1);
        } else {
            s.task = Some(fut);
        }
    }

    fn current(&self) -> TaskRef {
        self.inner.current.get().expect("virtual-time futures are awaited inside a VirtualRuntime task")
    }

    fn add_timer(&self, at: Micros, task: TaskRef) {
        let seq = self.inner.seq.get();
        self.inner.seq.set(seq + 1);
        self.inner.timers.borrow_mut().push(Reverse((at, seq, task)));
    }
}

/// A timer on the virtual clock.
pub struct VirtualSleep {
    rt: VirtualRuntime,
    at: Micros,
    registered: bool,
}

impl Future for VirtualSleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.rt.inner.now.get() >= self.at {
            return Poll::Ready(());
        }
        if !self.registered {
            let task = self.rt.current();
            self.rt.add_timer(self.at, task);
            self.registered = true;
        }
        Poll::Pending
    }
}

struct SignalState {
    fired: Cell<bool>,
    waiter: Cell<Option<TaskRef>>,
}

/// A one-shot signal on the virtual runtime.
#[derive(Clone)]
pub struct VirtualSignal {
    rt: VirtualRuntime,
    state: Rc<SignalState>,
}

impl Signal for VirtualSignal {
    fn fire(&self) {
        if !self.state.fired.replace(true)
            && let Some(task) = self.state.waiter.take()
        {
            self.rt.wake(task);
        }
    }

    fn is_fired(&self) -> bool {
        self.state.fired.get()
    }

    fn wait(&self) -> impl Future<Output = ()> + 'static {
        SignalWait { signal: self.clone() }
    }
}

struct SignalWait {
    signal: VirtualSignal,
}

impl Future for SignalWait {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.signal.state.fired.get() {
            return Poll::Ready(());
        }
        self.signal.state.waiter.set(Some(self.signal.rt.current()));
        Poll::Pending
    }
}

impl Runtime for VirtualRuntime {
    type Signal = VirtualSignal;

    fn now(&self) -> Micros {
        self.inner.now.get()
    }

    fn sleep_until(&self, at: Micros) -> impl Future<Output = ()> + 'static {
        VirtualSleep { rt: self.clone(), at, registered: false }
    }

    fn signal(&self) -> VirtualSignal {
        VirtualSignal {
            rt: self.clone(),
            state: Rc::new(SignalState { fired: Cell::new(false), waiter: Cell::new(None) }),
        }
    }

    fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        self.inner.live.set(self.inner.live.get() + 1);
        self.inner.spawned.borrow_mut().push_back(Box::pin(task));
    }

    fn uniform(&self) -> f64 {
        self.inner.rng.borrow_mut().random::<f64>()
    }
}
