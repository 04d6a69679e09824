//! `callwright test [PATH...]`: run flow tests (`*.test.yaml`), report, measure coverage.

use super::exit;
use super::output::Output;
use callwright::testing::{self, Suite, SuiteError};
use std::path::PathBuf;

/// Run flow test cases on the virtual clock: scripted callers, overrides, expectations.
///
/// Each `*.test.yaml` holds cases for the flows in its folder. Prints one line per case and, for
/// a failure, what was expected against what happened, the test line, the flow line and the
/// trace around the divergence; ends with `N passed, M failed`. Exit 0 when every case passes,
/// 1 when one fails (or the flows do not check), 2 when a test file is malformed.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  callwright test flows/acme
  callwright test flows/acme --coverage
  callwright test flows/acme/support.test.yaml --filter callback --junit report.xml
  callwright test flows/acme --generate AcmeSupport > flows/acme/generated.test.yaml")]
pub struct TestArgs {
    /// Test files, or folders searched for *.test.yaml (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Run only the cases whose name contains this text (ignoring case).
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Also write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Report node and edge coverage of the compiled flows, with what was not covered.
    #[arg(long)]
    pub coverage: bool,
    /// The report: text (one line per case, details for failures) or JSON.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write skeleton cases for this flow instead of running tests: one per distinct path from
    /// its start to an end (the first PATH is the project, default `.`).
    #[arg(long, value_name = "FLOW")]
    pub generate: Option<String>,
    /// With --generate: how many times a path may take the same edge (bounds loops).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub loops: u32,
    /// With --generate: write here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(args: TestArgs, out: &mut Output) -> i32 {
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    if let Some(flow) = &args.generate {
        return generate(flow, &paths[0], args.loops, args.output.as_ref(), out);
    }
    let suite = match Suite::load(&paths) {
        Ok(s) => s,
        Err(e) => return suite_error(e, out),
    };
    let result = suite.run(args.filter.as_deref(), args.coverage);
    if let Some(path) = &args.junit
        && let Err(e) = std::fs::write(path, testing::junit(&result))
    {
        out.error(&format!("{}: {e}", path.display()));
        return exit::USAGE;
    }
    let text = match args.format {
        Format::Text => testing::text_report(&result, out.colour()),
        Format::Json => testing::json_report(&result),
    };
    out.stdout(&text);
    if result.cases.is_empty() && args.filter.is_some() {
        // A filter that matches nothing is a mistyped command, not a green run.
        out.error("no case matches --filter");
        return exit::USAGE;
    }
    if result.failed() > 0 { exit::PROBLEMS } else { exit::OK }
}

pub fn suite_error(e: SuiteError, out: &mut Output) -> i32 {
    match e {
        SuiteError::BadTestFile(errors) => {
            // `file:line:col: error[T006]: field: message`, as compilers print it; every one.
            for e in &errors {
                eprintln!("{}", callwright::source::printable(&e.to_string()));
            }
            if errors.len() > 1 {
                eprintln!("error: {} mistakes in the test files", errors.len());
            }
            exit::USAGE
        }
        SuiteError::Usage(m) => {
            out.error(&m);
            exit::USAGE
        }
        SuiteError::Flows(checked) => {
            let errors: Vec<_> = checked.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
            out.diagnostics(&errors, checked.sources());
            out.error("the flows under test have errors; fix them first (see `callwright check`)");
            exit::PROBLEMS
        }
    }
}

fn generate(
    flow: &str,
    project: &std::path::Path,
    loops: u32,
    output: Option<&PathBuf>,
    out: &mut Output,
) -> i32 {
    let p = match testing::load_project(project) {
        Ok(p) => p,
        Err(e) => return suite_error(e, out),
    };
    let text = match testing::generate::skeleton(&p, flow, loops) {
        Ok(t) => t,
        Err(m) => {
            out.error(&m);
            return exit::USAGE;
        }
    };
    out.write_to(output.map(PathBuf::as_path), &text)
}
