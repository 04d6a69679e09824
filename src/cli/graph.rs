//! `callwright graph FILE`

use super::exit;
use super::output::Output;
use callwright::compile::{FlowGraph, dot, svg};
use callwright::project::Project;
use callwright::testing::Suite;
use std::path::PathBuf;

/// Draw the compiled graph of a flow: Graphviz DOT, or an SVG picture (no Graphviz needed).
///
/// Nodes show the action and its key attributes; edges show the outcome that leads along them
/// (press 1, noinput, yes/no, failure, ...). The flows are checked first; a flow with errors is
/// not drawn.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  callwright graph flows/acme/support.flow --flow AcmeSupport > acme.dot
  callwright graph flows/acme --flow AcmeSupport --format svg -o acme.svg
  callwright graph flows/acme --format svg -o all-flows.svg
  callwright graph flows/acme --coverage --format svg -o coverage.svg   (after the flow tests)")]
pub struct GraphArgs {
    /// A .flow file or a project folder.
    pub file: PathBuf,
    /// The flow to draw (default: every flow in the file or project).
    #[arg(long)]
    pub flow: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Dot)]
    pub format: Format,
    /// Write here instead of to standard output.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Run the project's flow tests (*.test.yaml in its folder) and paint what they covered:
    /// covered nodes and edges green, uncovered ones red and dashed.
    #[arg(long)]
    pub coverage: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Dot,
    Svg,
}

pub fn run(args: GraphArgs, out: &mut Output) -> i32 {
    let project = match Project::load(&args.file) {
        Ok(p) => p,
        Err(e) => {
            out.error(&e.to_string());
            return exit::USAGE;
        }
    };
    let checked = project.check();
    let errors: Vec<_> = checked.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    if !errors.is_empty() {
        out.diagnostics(&errors, checked.sources());
        out.error("the flows have errors; fix them to draw the graph (see `callwright check`)");
        return exit::PROBLEMS;
    }
    let graphs: Vec<&FlowGraph> = match &args.flow {
        Some(name) => match checked.graph(name) {
            Some(g) => vec![g],
            None => {
                let names: Vec<&str> = checked.graphs.iter().map(|g| g.name()).collect();
                let help = callwright::source::suggest::help_for(name, "flow", names);
                out.error(&format!("no flow named `{name}` in {}; {help}", args.file.display()));
                return exit::PROBLEMS;
            }
        },
        None => checked.graphs.iter().collect(),
    };
    let coverage = if args.coverage {
        match Suite::load(std::slice::from_ref(&tests_folder(&args.file))) {
            Ok(suite) if !suite.projects.is_empty() => Some(suite.coverage_of(0)),
            Ok(_) => None,
            Err(e) => return super::test::suite_error(e, out),
        }
    } else {
        None
    };
    let paint = |g: &FlowGraph| coverage.as_ref().map(|c| c.paint(g.name()).unwrap_or_default());
    let sources = checked.sources();
    let text = match args.format {
        Format::Dot => graphs
            .iter()
            .map(|g| dot::to_dot_painted(g, sources, paint(g).as_ref()))
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Svg => {
            let mut parts = Vec::new();
            for g in &graphs {
                match svg::to_svg(g, sources, paint(g).as_ref()) {
                    Ok(s) => parts.push(s),
                    Err(e) => {
                        out.error(&format!("could not draw `{}`: {e}", g.name()));
                        return exit::PROBLEMS;
                    }
                }
            }
            svg::stack(&parts)
        }
    };
    out.write_to(args.output.as_deref(), &text)
}

/// The folder whose flow tests cover `path` (a project folder, or the folder of a flow file).
pub(super) fn tests_folder(path: &std::path::Path) -> PathBuf {
    if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."))
    }
}
