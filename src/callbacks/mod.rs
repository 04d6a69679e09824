//! Callbacks as data and rules: the model and its states, the validation rules (CB001…), the
//! hand-over point from flows ([`CallbackIntake`]), the one scheduler, the people model (how
//! customers and agents answer in a simulation), the ledger of transitions, and the durable
//! store. Serving a callback needs the engine, so its lifecycle lives above, in
//! `runtime::callback_lifecycle`.

pub mod contact;
pub mod contact_list;
mod create;
pub mod desk;
pub mod dialer;
pub mod do_not_call;
mod intake;

pub mod ledger;

pub mod live;
pub mod model;
pub mod people;
pub mod scheduler;
pub mod stats;
pub mod store;
pub mod validate;

pub use create::{CreateError, Created, Edit, EditError, create_stored, edit_stored};
pub use intake::{CallbackError, CallbackId, CallbackIntake, CallbackRequest, Origin, schedule_request};

pub use live::{CallbackStep, LiveCallback};
pub use model::{Callback, CallbackType, EndReason, Position, Schedule, State, can_move};
pub use people::{AgentResponse, DialResult, PeopleModel};
pub use scheduler::{Scheduler, Ticket};
pub use validate::{
    CallbackErrorCode, CallbackValidationError, NewCallback, ScheduleRequest, ValidatedCallback, check_edit,
    check_owner, end_on_start_day, inactive, normalize_number, request_number, resolve_local,
    utc_window_at_dispatch, validate_normalized, validate_request,
};
