//! `callwright check PATH...`

use super::exit;
use super::output::{Output, plural};
use callwright::diagnostics::{self, Diagnostic};
use callwright::project::Project;
use std::path::PathBuf;

/// Check flows offline: syntax, names, types, flow-kind rules, paths, schedules, callbacks.
///
/// Each PATH is a project folder (every .flow file below it, plus center.yaml at its top) or a
/// single .flow file (checked with the center.yaml beside it). Exit status: 0 no errors
/// (warnings allowed), 1 errors found, 2 usage or I/O error.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  callwright check flows/acme
  callwright check flows/acme/support.flow flows/other
  callwright check --format json flows/acme | jq '.[] | select(.severity == \"error\")'
  callwright check --explain E0401")]
pub struct CheckArgs {
    /// Project folders or .flow files.
    #[arg(required_unless_present = "explain")]
    pub paths: Vec<PathBuf>,
    /// text: rustc-style snippets on stderr; json: one array of diagnostics on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Treat warnings as errors (exit 1 if there are any).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print what a diagnostic code means, and exit.
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(args: CheckArgs, out: &mut Output) -> i32 {
    if let Some(code) = &args.explain {
        return super::explain::explain(code, out);
    }
    let mut json: Vec<serde_json::Value> = Vec::new();
    let mut all: Vec<Diagnostic> = Vec::new();
    let mut files = 0;
    for path in &args.paths {
        let project = match Project::load(path) {
            Ok(p) => p,
            Err(e) => {
                out.error(&e.to_string());
                return exit::USAGE;
            }
        };
        files += project.sources.len();
        let checked = project.check();
        match args.format {
            Format::Text => out.diagnostics(&checked.diagnostics, checked.sources()),
            Format::Json => json.extend(checked.diagnostics.iter().map(|d| {
                serde_json::to_value(diagnostics::to_json(d, checked.sources())).unwrap_or_default()
            })),
        }
        all.extend(checked.diagnostics);
    }
    let (errors, warnings) = out.summary(&all);
    match args.format {
        Format::Json => {
            out.stdout(&serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".into()));
            out.stdout("\n");
        }
        Format::Text => {
            if errors > 0 {
                out.error(&format!(
                    "found {} and {} in {}",
                    plural(errors, "error"),
                    plural(warnings, "warning"),
                    plural(files, "file")
                ));
            } else {
                eprintln!(
                    "checked {}: {}, {}",
                    plural(files, "file"),
                    plural(errors, "error"),
                    plural(warnings, "warning")
                );
            }
        }
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) { exit::PROBLEMS } else { exit::OK }
}
