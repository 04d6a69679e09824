//! callwright: contact-center call flows as text, checked offline, compiled to graphs.
//!
//! The modules follow the pipeline:
//!
//! ```text
//! syntax (pest → AST with spans) → check (diagnostics) → compile (FlowGraph) → export (DOT/SVG)
//! project: loading folders of .flow files and center.yaml     cli: one file per subcommand
//! runtime + acd + callbacks: the interpreter on a virtual clock    sim: traffic    testing: flow tests
//! ```
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
pub mod cli;
pub mod compile;
pub mod diagnostics;
pub mod fast_hash;
pub mod input;
pub mod model;
pub mod project;
pub mod runtime;
pub mod sim;
pub mod source;
pub mod syntax;
pub mod testing;
pub mod time;
