//! What happened during a call, for `run`'s trace and for tests.

use crate::compile::{NodeId, Outcome};
use crate::source::Span;
use crate::time::Micros;
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A node began.
    Step {
        flow: String,
        node: NodeId,
        span: Span,
        action: String,
    },
    Prompt(String),
    Input(String),
    /// The caller spoke (speech recognition's text).
    Said(String),
    NoInput,
    /// The edge taken out of the last node.
    Edge(Outcome),
    Queued {
        queue: String,
        position: Option<u32>,
    },
    Answered {
        agent: String,
        waited: Micros,
    },
    Abandoned {
        queue: String,
        waited: Micros,
    },
    CallbackCreated {
        queue: String,
        position: Option<u32>,
        number: String,
    },
    CallbackServed {
        agent: String,
        at: Micros,
    },
    /// A step of a callback's lifecycle (it goes on after the call ended).
    Callback {
        id: String,
        step: crate::callbacks::CallbackStep,
    },
    Note(String),
}

/// Receives trace events. The simulator's observer is disabled and costs nothing.
pub trait Observer: Clone + 'static {
    fn enabled(&self) -> bool;
    fn record(&self, at: Micros, event: Event);
    /// A waiting call's position and estimated wait, each time the in-queue flow reads them (a
    /// live caller's page shows them; traces leave them out).
    fn waiting(&self, _at: Micros, _queue: &str, _position: Option<u32>, _ewt: Option<Micros>) {}
}

/// Records nothing.
#[derive(Clone, Copy, Default)]
pub struct NoTrace;

impl Observer for NoTrace {
    #[inline]
    fn enabled(&self) -> bool {
        false
    }
    #[inline]
    fn record(&self, _at: Micros, _event: Event) {}
}

/// Keeps every event in order.
#[derive(Clone, Default)]
pub struct Recorder {
    events: Rc<RefCell<Vec<(Micros, Event)>>>,
}

impl Recorder {
    pub fn events(&self) -> Vec<(Micros, Event)> {
        self.events.borrow().clone()
    }
}

impl Observer for Recorder {
    fn enabled(&self) -> bool {
        true
    }
    fn record(&self, at: Micros, event: Event) {
        self.events.borrow_mut().push((at, event));
    }
}
