//! The crate's own single-threaded executor on an exact virtual clock.
//!
//! Wake-ups are ordered by (time, sequence number), time is an integer number of microseconds,
//! randomness comes from one seeded generator, and there are no threads: the same seed gives the
//! same run, byte for byte. tokio's paused clock is not used because it rounds every sleep up to a
//! whole millisecond, which biases queueing results (docs/design.md, "Runtime").
//!
//! Futures here do not use `Waker`s: a timer or signal records the task that was being polled when
//! it registered, and waking pushes that task on the ready queue. Stale wake-ups (a timer whose
//! `select` was already decided) only cause a spurious poll, which every future here tolerates.

use super::{Runtime, Signal};
use crate::time::Micros;
use rand::RngExt;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
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

/// A [`Runtime::call_at`] handler.
type Handler = Rc<dyn Fn(u32)>;

/// A handler registered with [`VirtualRuntime::handler`]: calls name it by index, so a call
/// made for every simulated call does not look it up each time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandlerId(u32);

/// What [`VirtualRuntime::spawn_with`] and [`VirtualRuntime::call_soon`] put on the ready
/// queue, in the order they were made.
enum Spawned {
    Task(BoxedTask),
    /// A handler call (a [`TaskRef`] with [`HANDLER`] set, as a timer's).
    Call(TaskRef),
}

/// Set in a timer's [`TaskRef::slot`] when the timer calls a handler rather than polling a task:
/// the slot's other bits are the handler's index, the generation is the payload. (Task slots stay
/// far below: each is a live task.)
const HANDLER: u32 = 1 << 31;

/// A pending wake-up, ordered by (`time`, `seq`). `time` is the wake-up time with its sign bit
/// flipped, so that negative times order first as plain unsigned integers; sequence numbers are
/// unique and given out in increasing order as timers are set (`add_timer`).
#[derive(Debug, Clone, Copy)]
struct Timer {
    time: u64,
    seq: u64,
    task: TaskRef,
}

impl Timer {
    fn new(at: Micros, seq: u64, task: TaskRef) -> Timer {
        Timer { time: (at as u64) ^ (1 << 63), seq, task }
    }

    fn at(&self) -> Micros {
        (self.time ^ (1 << 63)) as Micros
    }
}

/// Bits per digit of a timer's time in the [`TimerHeap`]: 8, a byte (see there why).
const DIGIT: u32 = 8;
/// Digit values, so buckets per level.
const RADIX: usize = 1 << DIGIT;
/// Digits in a 64-bit time.
const LEVELS: usize = (64 / DIGIT) as usize;
/// Buckets in all, and the words of their occupancy bitmap.
const BUCKETS: usize = LEVELS * RADIX;
const WORDS: usize = BUCKETS / 64;
// Digits cover the 64 bits exactly, and the summary word has a bit per occupancy word.
const _: () = assert!(64 % DIGIT == 0 && WORDS <= 32);

/// The wake-ups: a radix heap on [`Timer::time`] with base-256 digits (bytes), which pops them
/// in exactly the order of a binary heap on (time, sequence). It touches few cache lines where a
/// binary or 4-ary heap's pop walks a path through thousands of timers: more calls/s at every
/// size measured (README, "Speed").
///
/// A radix heap works because the clock never goes back: every timer is set for now or later,
/// and every popped one is due by now, so each new time is at or above the last popped time
/// `last`. A timer waits in the bucket of the highest digit where its time differs from `last`,
/// and of that digit's value: bucket `RADIX × level + digit`. Buckets in index order hold ever
/// later times, so the lowest non-empty one holds the earliest. A push is an XOR, a bit count and
/// a shift. When the timers due at `last` are all popped, the lowest non-empty bucket's earliest
/// time becomes `last`, and the bucket's timers move to buckets of lower levels, each by where it
/// differs from the new `last`. A timer only ever moves down a level, so it moves at most once
/// per digit: bytes move a timer set a minute ahead (2^26 µs) at most 4 times where hex digits
/// moved it up to 7 (and bits 27). The 2,048 buckets' occupancy is a bitmap with a summary word
/// over it, so the lowest is found in two bit counts. Fewer moves were not the whole cost: a
/// bucket moved nearly always holds one timer, which [`TimerHeap::refill`] hands to `due` at once
/// (README, "Speed").
///
/// The key is the time alone, not (time, sequence): the timers due at `last` wait in `due` in
/// sequence order, so a timer does not go on moving down through the sequence number's bits once
/// its time has come. No sort is needed for that order: timers of the same time are always in
/// the same bucket (the bucket depends on the time alone), a push appends a timer after every
/// timer set before it, and a bucket's timers move down in the order they are in, into buckets
/// that are empty (the bucket moved is the lowest that is not). So every bucket, and `due`, holds
/// the timers of one time in sequence order (checked in debug builds).
struct TimerHeap {
    /// `buckets[RADIX × level + digit]`: the timers whose time first differs from `last` in
    /// digit `level` (counted from the lowest), where their digit is `digit` (above `last`'s).
    buckets: Vec<Vec<Timer>>,
    /// The timers whose time is `last`, in sequence order: popped from the front.
    due: VecDeque<Timer>,
    /// Bit `b % 64` of word `b / 64` set when `buckets[b]` holds timers.
    occupied: [u64; WORDS],
    /// Bit `w` set when `occupied[w]` is not zero: the lowest occupied bucket in two bit counts,
    /// not a walk through the words.
    summary: u32,
    /// The time of the timers in `due` (the last time taken to the front).
    last: u64,
}

impl Default for TimerHeap {
    fn default() -> Self {
        TimerHeap {
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            due: VecDeque::new(),
            occupied: [0; WORDS],
            summary: 0,
            last: 0,
        }
    }
}

impl TimerHeap {
    #[inline]
    fn put(&mut self, timer: Timer) {
        let differ = timer.time ^ self.last;
        if differ == 0 {
            self.due.push_back(timer);
            return;
        }
        let level = (63 - differ.leading_zeros()) / DIGIT;
        let b = level as usize * RADIX + ((timer.time >> (level * DIGIT)) as usize & (RADIX - 1));
        self.occupied[b / 64] |= 1 << (b % 64);
        self.summary |= 1 << (b / 64);
        self.buckets[b].push(timer);
    }

    fn push(&mut self, timer: Timer) {
        debug_assert!(self.due.back().is_none_or(|t| t.seq < timer.seq), "sequence numbers go up");
        if timer.time < self.last {
            // Not the clock's way (it never goes back), but kept correct: every timer is
            // placed again below the new time.
            self.rebase(timer.time);
        }
        self.put(timer);
    }

    /// Makes `time`, below every pending time, the reference every bucket is worked out from.
    #[cold]
    fn rebase(&mut self, time: u64) {
        let mut all: Vec<Timer> = self.due.drain(..).collect();
        all.extend(self.buckets.iter_mut().flat_map(std::mem::take));
        self.occupied = [0; WORDS];
        self.summary = 0;
        self.last = time;
        for t in all {
            self.put(t);
        }
    }

    /// Brings the earliest timers to `due` (when there are any) and answers the first.
    #[inline]
    fn front(&mut self) -> Option<&Timer> {
        if self.due.is_empty() {
            self.refill();
        }
        self.due.front()
    }

    /// Moves the lowest occupied bucket down, which brings its earliest timers to `due`.
    fn refill(&mut self) {
        if self.summary == 0 {
            return;
        }
        let w = self.summary.trailing_zeros() as usize;
        let b = w * 64 + self.occupied[w].trailing_zeros() as usize;
        self.occupied[w] &= !(1 << (b % 64));
        if self.occupied[w] == 0 {
            self.summary &= !(1 << w);
        }
        // Most buckets hold one timer (in a 100× acme day, 2.9M buckets moved for 2.9M
        // timers): it is due next, with no search for the earliest and no buffer taken out.
        if self.buckets[b].len() == 1 {
            let t = self.buckets[b].pop().expect("one timer");
            self.last = t.time;
            self.due.push_back(t);
            return;
        }
        let mut moving = std::mem::take(&mut self.buckets[b]);
        self.last = moving.iter().map(|t| t.time).min().expect("an occupied bucket has a timer");
        for t in moving.drain(..) {
            self.put(t);
        }
        // The emptied bucket keeps its buffer for the timers it gets next.
        self.buckets[b] = moving;
        debug_assert!(self.due.iter().zip(self.due.iter().skip(1)).all(|(a, b)| a.seq < b.seq));
    }

    #[cfg(test)]
    fn peek_at(&mut self) -> Option<Micros> {
        self.front().map(Timer::at)
    }

    #[cfg(test)]
    fn pop(&mut self) -> Option<Timer> {
        self.pop_due(Micros::MAX)
    }

    /// The earliest timer, taken out when it is due at or before `deadline`.
    #[inline]
    fn pop_due(&mut self, deadline: Micros) -> Option<Timer> {
        if self.front()?.at() > deadline {
            return None;
        }
        self.due.pop_front()
    }
}

struct Slot {
    generation: u32,
    task: Option<BoxedTask>,
    /// Already on the ready queue: a second wake-up before the poll adds nothing.
    queued: bool,
}

/// Puts `task` in a free slot (or a new one) and answers the reference to it; `queued`: it is
/// about to go on the ready queue.
#[inline]
fn occupy(slots: &mut Vec<Slot>, free: &mut Vec<u32>, task: BoxedTask, queued: bool) -> TaskRef {
    let slot = match free.pop() {
        Some(s) => s,
        None => {
            slots.push(Slot { generation: 0, task: None, queued: false });
            (slots.len() - 1) as u32
        }
    };
    let s = &mut slots[slot as usize];
    s.task = Some(task);
    s.queued = queued;
    TaskRef { slot, generation: s.generation }
}

struct Inner {
    now: Cell<Micros>,
    seq: Cell<u64>,
    timers: RefCell<TimerHeap>,
    ready: RefCell<VecDeque<TaskRef>>,
    slots: RefCell<Vec<Slot>>,
    free: RefCell<Vec<u32>>,
    /// New tasks, moved into slots between polls (a task may spawn while it is being polled),
    /// and handler calls made to run as such a task would.
    spawned: RefCell<VecDeque<Spawned>>,
    current: Cell<Option<TaskRef>>,
    rng: RefCell<Xoshiro256PlusPlus>,
    /// States of dropped signals, reset, for the next [`Runtime::signal`]: a call makes one per
    /// queue wait, and reusing them saves an allocation and a free each time.
    signal_pool: RefCell<Vec<Rc<SignalState>>>,
    /// The handlers [`Runtime::call_at`] has been given, by index (a run has one or two).
    handlers: RefCell<Vec<Handler>>,
    /// The handler last looked up and its index: `call_at` names its handler by `Rc`, and a
    /// run calls the same one (the engine's release) for nearly every call; the search and its
    /// comparisons were 74 instructions per simulated call. (The address is of a handler the
    /// list keeps alive, so no other handler can come to have it.)
    last_handler: Cell<(*const (), u32)>,
    /// Tasks alive, and handler calls waiting for their time: the run goes on while any are.
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
                timers: RefCell::new(TimerHeap::default()),
                ready: RefCell::new(VecDeque::new()),
                slots: RefCell::new(Vec::new()),
                free: RefCell::new(Vec::new()),
                spawned: RefCell::new(VecDeque::new()),
                current: Cell::new(None),
                rng: RefCell::new(Xoshiro256PlusPlus::seed_from_u64(seed)),
                signal_pool: RefCell::new(Vec::new()),
                handlers: RefCell::new(Vec::new()),
                last_handler: Cell::new((std::ptr::null(), 0)),
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
                self.run_one(task);
                continue;
            }
            let timer = inner.timers.borrow_mut().pop_due(deadline);
            match timer {
                Some(timer) => {
                    let at = timer.at();
                    if at > inner.now.get() {
                        inner.now.set(at);
                    }
                    // Nothing is ready or spawned (timers are only looked at then), so waking the
                    // task would queue it alone and poll it next: poll it now. A stale timer's
                    // poll is a no-op, as its wake-up would have been.
                    self.run_one(timer.task);
                }
                None => return inner.live.get(),
            }
        }
    }

    /// [`Runtime::spawn`] for a future made by `make` once its box exists, so that it is built
    /// in place rather than on the stack and copied in (a call's future is most of a kilobyte,
    /// and the simulator spawns one per call).
    #[inline]
    pub fn spawn_with<F: Future<Output = ()> + 'static>(&self, make: impl FnOnce() -> F) {
        let task: Box<F> = Box::write(Box::new_uninit(), make());
        let task: BoxedTask = Box::into_pin(task);
        self.inner.live.set(self.inner.live.get() + 1);
        self.inner.spawned.borrow_mut().push_back(Spawned::Task(task));
    }

    /// Registers `then` (once: the same handler again answers the same id).
    #[inline]
    pub fn handler(&self, then: &Handler) -> HandlerId {
        let address = Rc::as_ptr(then) as *const ();
        let (last, id) = self.inner.last_handler.get();
        if last == address {
            return HandlerId(id);
        }
        self.find_handler(then, address)
    }

    /// [`handler`](VirtualRuntime::handler) when it is not the one last looked up.
    #[inline(never)]
    fn find_handler(&self, then: &Handler, address: *const ()) -> HandlerId {
        let mut handlers = self.inner.handlers.borrow_mut();
        // Compared by address alone (a vtable pointer may differ between codegen units).
        let same = |h: &Handler| std::ptr::addr_eq(Rc::as_ptr(h), Rc::as_ptr(then));
        let index = match handlers.iter().position(same) {
            Some(i) => i,
            None => {
                handlers.push(then.clone());
                handlers.len() - 1
            }
        };
        assert!(index < HANDLER as usize, "a run registers a few handlers");
        self.inner.last_handler.set((address, index as u32));
        HandlerId(index as u32)
    }

    /// Calls handler `h` with `payload` where a task spawned now would first be polled: after
    /// what is ready and was spawned before it. The same order as `spawn(async move {
    /// then(payload) })`, with no task.
    pub fn call_soon(&self, h: HandlerId, payload: u32) {
        self.inner.live.set(self.inner.live.get() + 1);
        let call = TaskRef { slot: HANDLER | h.0, generation: payload };
        self.inner.spawned.borrow_mut().push_back(Spawned::Call(call));
    }

    /// [`Runtime::call_at`] for a registered handler.
    #[inline]
    pub fn call_handler_at(&self, at: Micros, h: HandlerId, payload: u32) {
        if at <= self.now() {
            // Due already: it runs as a task spawned now would.
            return self.call_soon(h, payload);
        }
        self.inner.live.set(self.inner.live.get() + 1);
        self.add_timer(at, TaskRef { slot: HANDLER | h.0, generation: payload });
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
        while let Some(next) = spawned.pop_front() {
            match next {
                Spawned::Task(task) => ready.push_back(occupy(&mut slots, &mut free, task, true)),
                Spawned::Call(call) => ready.push_back(call),
            }
        }
    }

    fn wake(&self, task: TaskRef) {
        if task.slot & HANDLER != 0 {
            // A signal that calls a handler (`VirtualSignal::call_on_fire`): it fires once.
            self.inner.live.set(self.inner.live.get() + 1);
            self.inner.ready.borrow_mut().push_back(task);
            return;
        }
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

    /// What a ready entry or a due timer names: a task to poll, or a handler to call.
    #[inline]
    fn run_one(&self, task: TaskRef) {
        if task.slot & HANDLER != 0 { self.call(task) } else { self.poll(task) }
    }

    /// Runs a [`Runtime::call_at`] timer's handler, with no borrow held (it may spawn, wake and
    /// set timers, as a task's poll may).
    #[inline]
    fn call(&self, timer: TaskRef) {
        let handler = self.inner.handlers.borrow()[(timer.slot & !HANDLER) as usize].clone();
        self.inner.live.set(self.inner.live.get() - 1);
        handler(timer.generation);
    }

    fn current(&self) -> TaskRef {
        self.inner.current.get().expect("virtual-time futures are awaited inside a VirtualRuntime task")
    }

    fn add_timer(&self, at: Micros, task: TaskRef) {
        let seq = self.inner.seq.get();
        self.inner.seq.set(seq + 1);
        self.inner.timers.borrow_mut().push(Timer::new(at, seq, task));
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

impl Drop for VirtualSignal {
    fn drop(&mut self) {
        // The last handle: keep the state, reset, for the next signal rather than freeing it.
        // (A waiter recorded in it is dropped with it, so a recycled signal wakes nobody stale.)
        if Rc::strong_count(&self.state) == 1
            && let Ok(mut pool) = self.rt.inner.signal_pool.try_borrow_mut()
        {
            self.state.fired.set(false);
            self.state.waiter.set(None);
            pool.push(self.state.clone());
        }
    }
}

impl VirtualSignal {
    /// When the signal fires, handler `h` is called with `payload`, where a task waiting for it
    /// would be polled (a waiter with no task). Not for a signal that has fired already: the
    /// caller, which checks that first, goes on at once as a task's wait would. Unlike a task
    /// waiting for the signal, the handler does not count among `live_tasks` until the signal
    /// fires: a run whose only waiters are such handlers ends (the simulator's report is the same
    /// either way: a call still waiting then is counted as unfinished).
    pub fn call_on_fire(&self, h: HandlerId, payload: u32) {
        debug_assert!(!self.state.fired.get(), "a fired signal calls nobody");
        self.state.waiter.set(Some(TaskRef { slot: HANDLER | h.0, generation: payload }));
    }
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
        let pooled = self.inner.signal_pool.borrow_mut().pop();
        let state = pooled
            .unwrap_or_else(|| Rc::new(SignalState { fired: Cell::new(false), waiter: Cell::new(None) }));
        VirtualSignal { rt: self.clone(), state }
    }

    fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        self.spawn_with(|| task);
    }

    /// The task gets its slot and its timer now, with the sequence number the current task's
    /// own sleep until `at` would have had: the run is the same, wake-up for wake-up, as when
    /// the current task slept and ran `task` itself (the simulator's output does not change).
    fn spawn_at(&self, at: Micros, task: impl Future<Output = ()> + 'static) {
        if at <= self.now() {
            // Due already: the current task would not have waited.
            return self.spawn(task);
        }
        let task: BoxedTask = Box::pin(task);
        let inner = &*self.inner;
        inner.live.set(inner.live.get() + 1);
        let task_ref = occupy(&mut inner.slots.borrow_mut(), &mut inner.free.borrow_mut(), task, false);
        self.add_timer(at, task_ref);
    }

    /// A timer that names the handler and carries the payload, set now with the sequence number
    /// the task [`spawn_at`](Runtime::spawn_at) would have had.
    fn call_at(&self, at: Micros, then: &Handler, payload: u32) {
        // Due already: as `spawn_at`, it runs as a task spawned now would.
        self.call_handler_at(at, self.handler(then), payload);
    }

    fn uniform(&self) -> f64 {
        self.inner.rng.borrow_mut().random::<f64>()
    }
}

#[cfg(test)]
mod timer_heap_tests {
    use super::{TaskRef, Timer, TimerHeap};
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    /// Pops in the order of a binary heap on (time, sequence), pushes and pops interleaved, even
    /// when a push goes below what was popped (which the clock never does).
    #[test]
    fn pops_in_time_then_sequence_order() {
        let mut heap = TimerHeap::default();
        let mut reference = BinaryHeap::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut seq = 0u64;
        for round in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if !x.is_multiple_of(3) || heap.peek_at().is_none() {
                // Few distinct times, so ties on time are common; a few negative ones.
                let at = (x % 50) as i64 - 3;
                let task = TaskRef { slot: round, generation: 0 };
                heap.push(Timer::new(at, seq, task));
                reference.push(Reverse((at, seq, task)));
                seq += 1;
            } else {
                let got = heap.pop().map(|t| (t.at(), t.seq, t.task));
                assert_eq!(got, reference.pop().map(|Reverse(r)| r));
            }
            assert_eq!(heap.peek_at(), reference.peek().map(|Reverse((at, _, _))| *at));
        }
        while let Some(Reverse(r)) = reference.pop() {
            assert_eq!(heap.pop().map(|t| (t.at(), t.seq, t.task)), Some(r));
        }
        assert!(heap.pop().is_none());
    }

    /// As the runtime uses it: every timer set after the last one due, from a microsecond to
    /// days ahead (the high buckets), with pops and the same wake-up time set twice.
    #[test]
    fn follows_a_clock_that_moves_forward() {
        let mut heap = TimerHeap::default();
        let mut reference = BinaryHeap::new();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let (mut seq, mut now) = (0u64, 0i64);
        for round in 0..50_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x % 5 < 3 || heap.peek_at().is_none() {
                // 1 µs to 2^(x % 38) µs ahead (up to three days), often a whole second.
                let ahead =
                    if x.is_multiple_of(7) { 1_000_000 } else { 1 + ((x >> 8) % (1u64 << (x % 38))) as i64 };
                let task = TaskRef { slot: round, generation: 0 };
                heap.push(Timer::new(now + ahead, seq, task));
                reference.push(Reverse((now + ahead, seq, task)));
                seq += 1;
            } else {
                let got = heap.pop().map(|t| (t.at(), t.seq, t.task));
                let want = reference.pop().map(|Reverse(r)| r);
                assert_eq!(got, want);
                now = want.map_or(now, |(at, _, _)| at);
            }
        }
        while let Some(Reverse(r)) = reference.pop() {
            assert_eq!(heap.pop().map(|t| (t.at(), t.seq, t.task)), Some(r));
        }
        assert!(heap.pop().is_none());
    }
}

#[cfg(test)]
mod spawn_at_tests {
    use super::VirtualRuntime;
    use crate::runtime::Runtime;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// Three tasks wake at the same instant. The first either sleeps and logs itself, or hands
    /// its wait and its logging to a task spawned with `spawn_at`: the log, the clock and the
    /// tasks left must be the same both ways.
    fn run(detached: bool) -> (Vec<(&'static str, i64)>, usize) {
        let rt = VirtualRuntime::new(1);
        let log = Rc::new(RefCell::new(Vec::new()));
        for name in ["before", "first", "after"] {
            let (r, log) = (rt.clone(), log.clone());
            rt.spawn(async move {
                r.sleep_until(3).await;
                if name == "first" && detached {
                    let r2 = r.clone();
                    r.spawn_at(10, async move { log.borrow_mut().push((name, r2.now())) });
                    return;
                }
                r.sleep_until(10).await;
                log.borrow_mut().push((name, r.now()));
            });
        }
        let left = rt.run();
        let log = log.borrow().clone();
        (log, left)
    }

    #[test]
    fn a_spawned_wait_wakes_where_the_tasks_own_sleep_would() {
        let inline = run(false);
        assert_eq!(inline.0, vec![("before", 10), ("first", 10), ("after", 10)]);
        assert_eq!(run(true), inline);
        assert_eq!(inline.1, 0);
    }

    /// The timer is set by `spawn_at` itself, not when the new task is first polled: it comes
    /// before a sleep to the same instant that the spawning task sets afterwards.
    #[test]
    fn the_timer_is_set_at_the_call() {
        let rt = VirtualRuntime::new(1);
        let log = Rc::new(RefCell::new(Vec::new()));
        let (r, log2) = (rt.clone(), log.clone());
        rt.spawn(async move {
            let (r2, log3) = (r.clone(), log2.clone());
            r.spawn_at(10, async move { log3.borrow_mut().push(("spawned", r2.now())) });
            r.sleep_until(10).await;
            log2.borrow_mut().push(("own", r.now()));
        });
        assert_eq!(rt.run(), 0);
        assert_eq!(*log.borrow(), vec![("spawned", 10), ("own", 10)]);
    }

    /// A time already past runs the task as a plain spawn, at once.
    #[test]
    fn a_past_time_runs_at_once() {
        let rt = VirtualRuntime::new(1);
        let ran = Rc::new(RefCell::new(None));
        let (r, out) = (rt.clone(), ran.clone());
        rt.spawn(async move {
            r.sleep_until(5).await;
            let r2 = r.clone();
            r.spawn_at(2, async move { *out.borrow_mut() = Some(r2.now()) });
        });
        assert_eq!(rt.run(), 0);
        assert_eq!(*ran.borrow(), Some(5));
    }
}

#[cfg(test)]
mod call_at_tests {
    use super::VirtualRuntime;
    use crate::runtime::{Runtime, Signal};
    use std::cell::RefCell;
    use std::rc::Rc;

    type Log = Rc<RefCell<Vec<(String, i64)>>>;

    /// `spawn_at` or `call_at` for the middle one of three tasks waking at the same instant,
    /// twice over (the handler also sets a second timer, as a wrap-up does): the log, the clock
    /// and the work left (`live_tasks` while it waits) must be the same either way.
    fn run(handler: bool) -> (Vec<(String, i64)>, Vec<usize>) {
        let rt = VirtualRuntime::new(1);
        let log: Log = Rc::new(RefCell::new(Vec::new()));
        let (r, l) = (rt.clone(), log.clone());
        let then: Rc<dyn Fn(u32)> = Rc::new(move |payload| {
            l.borrow_mut().push((format!("handler {payload}"), r.now()));
            if payload == 7 {
                let (r2, l2) = (r.clone(), l.clone());
                // A second, later call through the same handler, as a task would sleep.
                let again: Rc<dyn Fn(u32)> =
                    Rc::new(move |p| l2.borrow_mut().push((format!("again {p}"), r2.now())));
                r.call_at(r.now() + 5, &again, 8);
            }
        });
        for name in ["before", "middle", "after"] {
            let (r, log, then) = (rt.clone(), log.clone(), then.clone());
            rt.spawn(async move {
                r.sleep_until(3).await;
                if name == "middle" {
                    if handler {
                        r.call_at(10, &then, 7);
                    } else {
                        let then = then.clone();
                        r.spawn_at(10, async move { then(7) });
                    }
                    return;
                }
                r.sleep_until(10).await;
                log.borrow_mut().push((name.to_string(), r.now()));
            });
        }
        let mut live = Vec::new();
        for until in [3, 9, 10, 14, 15] {
            rt.run_until(until);
            live.push(rt.live_tasks());
        }
        let log = log.borrow().clone();
        (log, live)
    }

    #[test]
    fn a_handler_runs_where_a_spawned_task_would() {
        let tasks = run(false);
        assert_eq!(
            tasks.0,
            vec![
                ("before".to_string(), 10),
                ("handler 7".to_string(), 10),
                ("after".to_string(), 10),
                ("again 8".to_string(), 15)
            ]
        );
        assert_eq!(tasks.1, vec![3, 3, 1, 1, 0]);
        assert_eq!(run(true), tasks);
    }

    /// A time already past calls the handler at once, as `spawn_at` runs its task.
    #[test]
    fn a_past_time_calls_at_once() {
        let rt = VirtualRuntime::new(1);
        let got = Rc::new(RefCell::new(None));
        let (r, out) = (rt.clone(), got.clone());
        rt.spawn(async move {
            r.sleep_until(5).await;
            let r2 = r.clone();
            let then: Rc<dyn Fn(u32)> = Rc::new(move |p| *out.borrow_mut() = Some((p, r2.now())));
            r.call_at(2, &then, 3);
        });
        assert_eq!(rt.run(), 0);
        assert_eq!(*got.borrow(), Some((3, 5)));
    }

    /// `call_soon` runs its handler where a task spawned at that moment would first be polled,
    /// and a signal with `call_on_fire` calls it where a task waiting for the signal would be
    /// polled: the same log, in the same order, as with tasks. (The simulator's direct calls
    /// rely on both to give the interpreter's report.)
    #[test]
    fn handlers_run_where_tasks_would() {
        fn run(handlers: bool) -> Vec<(String, crate::time::Micros)> {
            let rt = VirtualRuntime::new(1);
            let log: Rc<RefCell<Vec<(String, crate::time::Micros)>>> = Rc::default();
            let signal = rt.signal();
            let (r, l) = (rt.clone(), log.clone());
            let note: Rc<dyn Fn(u32)> = Rc::new(move |p| l.borrow_mut().push((format!("call {p}"), r.now())));
            let id = rt.handler(&note);
            let (r, l, s) = (rt.clone(), log.clone(), signal.clone());
            rt.spawn(async move {
                r.sleep_until(10).await;
                if handlers {
                    r.call_soon(id, 1);
                    s.call_on_fire(id, 2);
                } else {
                    let n = note.clone();
                    r.spawn(async move { n(1) });
                    let (s2, n) = (s.clone(), note.clone());
                    r.spawn(async move {
                        s2.wait().await;
                        n(2);
                    });
                }
                l.borrow_mut().push(("spawner".into(), r.now()));
            });
            let (r, l, s) = (rt.clone(), log.clone(), signal);
            rt.spawn(async move {
                r.sleep_until(20).await;
                s.fire();
                l.borrow_mut().push(("fired".into(), r.now()));
                r.sleep_until(20).await;
                l.borrow_mut().push(("after".into(), r.now()));
            });
            assert_eq!(rt.run(), 0);
            log.take()
        }
        let tasks = run(false);
        let want = [("spawner", 10), ("call 1", 10), ("fired", 20), ("after", 20), ("call 2", 20)];
        assert_eq!(tasks, want.map(|(s, t)| (s.to_string(), t)));
        assert_eq!(run(true), tasks);
    }
}
