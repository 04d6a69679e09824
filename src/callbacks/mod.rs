//! Callbacks: bounds, and the hand-over point from flows ([`CallbackBook`]).

mod book;
pub mod bounds;
pub mod model;
pub mod scheduler;
pub mod store;
pub mod validate;

pub use book::{CallbackBook, CallbackError, CallbackId, CallbackRequest, Origin};
pub use model::{Callback, CallbackType, EndReason, Position, Schedule, State, can_move};
pub use scheduler::{Scheduler, Ticket};
pub use validate::{
    CallbackErrorCode, CallbackValidationError, NewCallback, ScheduleRequest, ValidatedCallback, check_edit,
    inactive, normalize_number, resolve_local, utc_window_at_dispatch, validate_request,
};
