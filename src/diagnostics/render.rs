//! Showing diagnostics to people (rustc-style snippets) and to programs (JSON).

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::SourceMap;
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::{self, Config};
use serde::Serialize;

fn to_codespan(d: &Diagnostic) -> cs::Diagnostic<usize> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let mut labels = Vec::new();
    if let Some(span) = d.span {
        labels.push(
            cs::Label::primary(span.file.0 as usize, span.range())
                .with_message(d.label.clone().unwrap_or_default()),
        );
    }
    for l in &d.labels {
        labels.push(cs::Label::secondary(l.span.file.0 as usize, l.span.range()).with_message(&l.message));
    }
    let notes = d.help.iter().map(|h| format!("help: {h}")).collect();
    cs::Diagnostic::new(severity)
        .with_code(d.code.as_str())
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Renders one diagnostic as text, optionally with ANSI colours.
pub fn render(d: &Diagnostic, sources: &SourceMap, colour: bool) -> String {
    let config = Config::default();
    let cs = to_codespan(d);
    if colour {
        let mut buf = term::termcolor::Buffer::ansi();
        let _ = term::emit_to_write_style(&mut buf, &config, sources.files(), &cs);
        String::from_utf8_lossy(buf.as_slice()).into_owned()
    } else {
        term::emit_into_string(&config, sources.files(), &cs)
            .unwrap_or_else(|_| format!("{}[{}]: {}\n", severity_word(d.severity), d.code, d.message))
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The JSON shape of a diagnostic: flat, with 1-based line and column, stable field names.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    pub file: Option<&'a str>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub label: Option<&'a str>,
    pub help: Option<&'a str>,
}

pub fn to_json<'a>(d: &'a Diagnostic, sources: &'a SourceMap) -> JsonDiagnostic<'a> {
    let (file, start, end) = match d.span {
        Some(span) => {
            let end = crate::source::Span { lo: span.hi, ..span };
            (Some(sources.name(span.file)), Some(sources.line_col(span)), Some(sources.line_col(end)))
        }
        None => (None, None, None),
    };
    JsonDiagnostic {
        code: d.code.as_str(),
        severity: d.severity,
        message: &d.message,
        file,
        line: start.map(|p| p.line),
        column: start.map(|p| p.column),
        end_line: end.map(|p| p.line),
        end_column: end.map(|p| p.column),
        label: d.label.as_deref(),
        help: d.help.as_deref(),
    }
}

/// Sorts diagnostics by file and position so output is stable whatever order checks ran in.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let ka = a.span.map(|s| (s.file, s.lo, s.hi));
        let kb = b.span.map(|s| (s.file, s.lo, s.hi));
        ka.cmp(&kb).then(a.code.cmp(&b.code)).then(a.message.cmp(&b.message))
    });
}
