//! Where the CLI writes, and whether it may use colour. Every human line goes through
//! [`printable`], so escape sequences in names, prompts and files never reach the terminal raw.

use callwright::diagnostics::{self, Diagnostic, Severity};
use callwright::source::{SourceMap, printable};
use std::io::{IsTerminal, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Output streams plus the colour decision, made once.
pub struct Output {
    colour: bool,
}

impl Output {
    pub fn new(choice: ColorChoice) -> Self {
        let colour = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
            }
        };
        Output { colour }
    }

    pub fn colour(&self) -> bool {
        self.colour
    }

    /// Prints diagnostics to stderr, rustc style.
    pub fn diagnostics(&mut self, diags: &[Diagnostic], sources: &SourceMap) {
        let mut err = std::io::stderr().lock();
        for d in diags {
            let _ = write!(err, "{}", printable(&diagnostics::render(d, sources, self.colour)));
        }
    }

    /// `error: 3 errors and 1 warning` style summary line.
    pub fn summary(&mut self, diags: &[Diagnostic]) -> (usize, usize) {
        let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
        let warnings = diags.len() - errors;
        (errors, warnings)
    }

    pub fn error(&mut self, message: &str) {
        let prefix = if self.colour { "\x1b[1;31merror\x1b[0m" } else { "error" };
        eprintln!("{prefix}: {}", printable(message));
    }

    pub fn warning(&mut self, message: &str) {
        let prefix = if self.colour { "\x1b[1;33mwarning\x1b[0m" } else { "warning" };
        eprintln!("{prefix}: {}", printable(message));
    }

    /// A line about what was done, on stderr (stdout may be carrying data).
    pub fn note(&mut self, message: &str) {
        eprintln!("{}", printable(message));
    }

    pub fn stdout(&mut self, text: &str) {
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(printable(text).as_bytes());
    }

    /// `text` to the file given with `-o`, or to stdout; the exit code (a write that fails is an
    /// I/O error).
    pub fn write_to(&mut self, path: Option<&std::path::Path>, text: &str) -> i32 {
        match path {
            Some(path) => match std::fs::write(path, text) {
                Ok(()) => super::exit::OK,
                Err(e) => {
                    self.error(&format!("{}: {e}", path.display()));
                    super::exit::USAGE
                }
            },
            None => {
                self.stdout(text);
                super::exit::OK
            }
        }
    }
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}
