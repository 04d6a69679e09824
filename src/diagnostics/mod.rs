//! Diagnostics: what the checker says about a user's input, with a stable code and a position.

mod code;
mod diagnostic;
mod render;

pub use code::{Code, markdown_table};
pub use diagnostic::{Diagnostic, Label, Severity};
pub use render::{JsonDiagnostic, render, sort, to_json};
