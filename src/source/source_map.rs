//! All source files read in one run, addressed by [`FileId`].

use crate::source::{FileId, Span};
use codespan_reporting::files::{Files, SimpleFiles};

/// The texts of every file a command read, so that any [`Span`] can be shown as `file:line:col`
/// with a snippet long after parsing.
#[derive(Default)]
pub struct SourceMap {
    files: SimpleFiles<String, String>,
    count: usize,
}

/// A 1-based line and column (columns count characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.count += 1;
        FileId(self.files.add(name.into(), text.into()) as u32)
    }

    pub fn name(&self, file: FileId) -> &str {
        self.files.get(file.0 as usize).map(|f| f.name().as_str()).unwrap_or("<unknown>")
    }

    pub fn text(&self, file: FileId) -> &str {
        self.files.get(file.0 as usize).map(|f| f.source().as_str()).unwrap_or("")
    }

    pub fn line_col(&self, span: Span) -> LineCol {
        match self.files.location(span.file.0 as usize, span.lo as usize) {
            Ok(loc) => LineCol { line: loc.line_number, column: loc.column_number },
            Err(_) => LineCol { line: 1, column: 1 },
        }
    }

    /// `file:line:col` of the start of a span.
    pub fn position(&self, span: Span) -> String {
        let lc = self.line_col(span);
        format!("{}:{}:{}", self.name(span.file), lc.line, lc.column)
    }

    /// `file:line` of the start of a span, as traces and coverage reports show nodes.
    pub fn file_line(&self, span: Span) -> String {
        let lc = self.line_col(span);
        format!("{}:{}", self.name(span.file), lc.line)
    }

    pub(crate) fn files(&self) -> &SimpleFiles<String, String> {
        &self.files
    }
}

impl SourceMap {
    /// How many files were read.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
