//! The one seam between the interpreter and time.

use crate::time::Micros;
use std::future::Future;

/// Everything a call waits on goes through here: the clock, timers, one-shot signals, tasks, and
/// randomness. Two implementations: [`super::VirtualRuntime`] (exact virtual time, deterministic,
/// for `run`, `simulate` and `test`) and [`super::TokioRuntime`] (wall-clock time, for a service).
pub trait Runtime: Clone + 'static {
    type Signal: Signal;

    /// Microseconds since the run started.
    fn now(&self) -> Micros;

    /// Completes once `now() >= at`.
    fn sleep_until(&self, at: Micros) -> impl Future<Output = ()> + 'static;

    fn sleep(&self, duration: Micros) -> impl Future<Output = ()> + 'static {
        self.sleep_until(self.now().saturating_add(duration.max(0)))
    }

    /// A fresh one-shot signal (an agent was assigned, a callback was answered, ...).
    fn signal(&self) -> Self::Signal;

    /// Runs a future alongside the current one, on the same thread.
    fn spawn(&self, task: impl Future<Output = ()> + 'static);

    /// Runs `task` from `at` on: a task whose first step is a wait, set now. It is the same as
    /// the current task sleeping until `at` and then running `task` itself, except that the
    /// current task can end now (a time already past: `task` runs at once, as a spawned task). A
    /// call's talk with an agent is spawned this way, so that a call in conversation is a small
    /// task rather than its whole flow's future (README, "Speed").
    fn spawn_at(&self, at: Micros, task: impl Future<Output = ()> + 'static) {
        let rt = self.clone();
        self.spawn(async move {
            rt.sleep_until(at).await;
            task.await
        });
    }

    /// Calls `then(payload)` at `at`, as a task spawned with [`spawn_at`](Runtime::spawn_at)
    /// that does only that would, wake-up for wake-up. The virtual runtime keeps it as a bare
    /// timer, with no task to box, poll and drop: an agent's talk ending is one per answered
    /// call (README, "Speed"). `then` is one of a few long-lived handlers (the engine's).
    fn call_at(&self, at: Micros, then: &std::rc::Rc<dyn Fn(u32)>, payload: u32) {
        let then = then.clone();
        self.spawn_at(at, async move { then(payload) });
    }

    /// A uniform random number in [0, 1) from the run's seeded generator.
    fn uniform(&self) -> f64;
}

/// A one-shot notification: fired once, awaited by one task.
pub trait Signal: Clone + 'static {
    fn fire(&self);
    fn is_fired(&self) -> bool;
    fn wait(&self) -> impl Future<Output = ()> + 'static;
}
