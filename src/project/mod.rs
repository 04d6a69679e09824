//! Projects: a folder of `.flow` files plus an optional `center.yaml`, and the sources they came from.

mod loader;
mod recordings;

pub use loader::{CheckedProject, Project};
