//! callwright: contact-center call flows as text, checked offline, compiled to graphs.
//!
//! The modules are layers, each using only those below it (ARCHITECTURE.md has the code map;
//! `tests/architecture.rs` enforces it):
//!
//! ```text
//! source, time, fast_hash → diagnostics → input → model → syntax → compile → check → project
//!   → acd → callbacks → runtime (engine, interpreter, callback lifecycle, dispatcher) → sim, testing
//! ```
//!
//! The command line is not part of the library: it lives in the `callwright` binary (`src/cli/`).
//!
//! ```
//! use callwright::project::Project;
//! let project = Project::from_sources(vec![(
//!     "hello.flow".into(),
//!     "inbound flow Hello { play \"Hi\" disconnect }".into(),
//! )], None);
//! let checked = project.check();
//! assert!(!checked.has_errors());
//! let graph = checked.graph("Hello").unwrap();
//! assert_eq!(graph.node_count(), 4); // start, play, disconnect, and the end no path reaches
//! ```

pub mod acd;
pub mod callbacks;
pub mod check;

pub mod compile;
pub mod diagnostics;
pub mod fast_hash;
pub mod input;
pub mod model;
pub mod project;
pub mod runtime;
pub mod service;
pub mod sim;
pub mod source;
pub mod syntax;
pub mod testing;
pub mod time;
