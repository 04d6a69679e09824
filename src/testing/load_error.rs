//! A problem in a test file (exit 2), with a stable code, `file:line:col` and the field at fault.

use std::fmt;

pub use crate::diagnostics::TestFileCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFileError {
    pub code: TestFileCode,
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Such as `cases[2].expect.path[1]`; empty for the file as a whole.
    pub field: String,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for TestFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::input::write_place(f, &self.file, self.line, self.column)?;
        write!(f, ": error[{}]: ", self.code.as_str())?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        write!(f, "{}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TestFileError {}
