//! Projects: a folder of `.flow` files plus an optional `center.yaml`, and the sources they came from.

pub mod center;
mod loader;
mod source_map;

pub use loader::{CheckedProject, Project};
pub use source_map::{LineCol, SourceMap};
