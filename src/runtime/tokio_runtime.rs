//! The wall-clock runtime on tokio, for a service that places real calls. It must run inside a
//! `tokio::task::LocalSet` (calls share `Rc` state, as on the virtual runtime).

use super::{Runtime, Signal};
use crate::time::Micros;
use rand::RngExt;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use tokio::sync::Notify;
use tokio::time::{Duration, Instant};

#[derive(Clone)]
pub struct TokioRuntime {
    start: Instant,
    /// Runtime microseconds per wall-clock microsecond: 1 for a service; more to watch a day of
    /// callbacks in minutes (`callbacks dispatch --speed`) with the same code and real timers.
    speed: f64,
    rng: Rc<RefCell<Xoshiro256PlusPlus>>,
}

impl TokioRuntime {
    pub fn new(seed: u64) -> Self {
        Self::with_speed(seed, 1.0)
    }

    /// A runtime whose clock runs `speed` times faster than the wall clock.
    pub fn with_speed(seed: u64, speed: f64) -> Self {
        TokioRuntime {
            start: Instant::now(),
            speed: if speed.is_finite() && speed > 0.0 { speed } else { 1.0 },
            rng: Rc::new(RefCell::new(Xoshiro256PlusPlus::seed_from_u64(seed))),
        }
    }
}

struct SignalState {
    fired: Cell<bool>,
    notify: Notify,
}

#[derive(Clone)]
pub struct TokioSignal {
    state: Rc<SignalState>,
}

impl Signal for TokioSignal {
    fn fire(&self) {
        if !self.state.fired.replace(true) {
            // notify_one keeps a permit when nobody waits yet, so a fire before the wait is not lost.
            self.state.notify.notify_one();
        }
    }

    fn is_fired(&self) -> bool {
        self.state.fired.get()
    }

    fn wait(&self) -> impl Future<Output = ()> + 'static {
        let state = self.state.clone();
        async move {
            while !state.fired.get() {
                state.notify.notified().await;
            }
        }
    }
}

impl Runtime for TokioRuntime {
    type Signal = TokioSignal;

    fn now(&self) -> Micros {
        let wall = self.start.elapsed().as_micros() as Micros;
        if self.speed == 1.0 { wall } else { (wall as f64 * self.speed) as Micros }
    }

    fn sleep_until(&self, at: Micros) -> impl Future<Output = ()> + 'static {
        // Rounded up, so a task woken at `at` reads `now() >= at`.
        let wall = (at.max(0) as f64 / self.speed).ceil() as u64 + u64::from(self.speed != 1.0);
        tokio::time::sleep_until(self.start + Duration::from_micros(wall))
    }

    fn signal(&self) -> TokioSignal {
        TokioSignal { state: Rc::new(SignalState { fired: Cell::new(false), notify: Notify::new() }) }
    }

    fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        tokio::task::spawn_local(task);
    }

    fn uniform(&self) -> f64 {
        self.rng.borrow_mut().random::<f64>()
    }
}
