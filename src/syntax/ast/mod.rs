//! The owned syntax tree. It holds no pest types; every node carries the [`Span`](super::Span) it
//! was read from.

mod display;
mod expr;
mod item;
mod stmt;

pub use expr::*;
pub use item::*;
pub use stmt::*;
