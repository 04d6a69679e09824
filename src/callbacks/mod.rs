//! Callbacks: bounds, and the hand-over point from flows ([`CallbackBook`]).

mod book;
pub mod bounds;

pub use book::{CallbackBook, CallbackError, CallbackId, CallbackRequest, Origin};
