//! The bottom of the library: where text came from. A [`Span`] names a byte range of one file,
//! the [`SourceMap`] holds every file a command read so any span can be shown as
//! `file:line:col` with a snippet, and [`suggest`] finds the name a typo meant.
//!
//! Nothing here knows about flows, queues or callbacks; every other module may use it.

mod language;
mod printable;
mod source_map;
mod span;
pub mod suggest;
pub mod xml;

pub use language::{looks_like_language_tag, same_language};
pub use printable::printable;
pub use source_map::{LineCol, SourceMap};
pub use span::{FileId, Span, Spanned};
