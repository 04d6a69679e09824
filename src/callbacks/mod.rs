//! Callbacks. For now: the bounds that flows and center.yaml are checked against.

pub mod bounds;
