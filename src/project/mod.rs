//! Projects: a folder of `.flow` files plus an optional `center.yaml`, and the sources they came from.

pub mod center;
mod project;
mod source_map;

pub use project::{CheckedProject, Project};
pub use source_map::{LineCol, SourceMap};
