//! Diagnostics: what the checker says about a user's input, with a stable code and a position; and
//! the one registry of every code callwright prints, with its long text.

mod callback_code;
mod code;
mod diagnostic;
pub mod registry;
mod render;
mod test_file_code;

pub use callback_code::CallbackErrorCode;
pub use code::{Code, markdown_table};
pub use diagnostic::{Diagnostic, Label, Severity};
pub use render::{JsonDiagnostic, render, sort, to_json};
pub use test_file_code::TestFileCode;
