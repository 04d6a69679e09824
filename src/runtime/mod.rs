//! Running calls: the async interpreter over a [`crate::compile::FlowGraph`], and the clocks it
//! runs on.

mod time;

pub use time::{MICROS_PER_SEC, Micros, secs, secs_f64};
