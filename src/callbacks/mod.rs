//! Callbacks: the model and its validation rules, the hand-over point from flows
//! ([`CallbackBook`]), the one scheduler, the lifecycle that serves each callback through the
//! ACD (the dispatcher calls and callbacks share), the people model, the ledger of transitions,
//! and the durable store.

mod book;
pub mod bounds;
pub mod desk;
pub mod ledger;
pub mod lifecycle;
pub mod live;
pub mod model;
pub mod parties;
pub mod scheduler;
pub mod stats;
pub mod store;
pub mod validate;

#[cfg(test)]
mod tests_lifecycle;

pub use book::{CallbackBook, CallbackError, CallbackId, CallbackRequest, Origin};
pub use desk::CallbackDesk;
pub use live::{CallbackStep, LiveCallback};
pub use model::{Callback, CallbackType, EndReason, Position, Schedule, State, can_move};
pub use parties::{AgentResponse, CallbackParties, DialResult};
pub use scheduler::{Scheduler, Ticket};
pub use validate::{
    CallbackErrorCode, CallbackValidationError, NewCallback, ScheduleRequest, ValidatedCallback, check_edit,
    inactive, normalize_number, resolve_local, utc_window_at_dispatch, validate_request,
};
