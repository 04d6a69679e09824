//! The checker: names, types, flow-kind rules, schedules, callback bounds, and path lints.
//! It reports every problem it finds, never just the first.

pub mod builtins;
mod callback;
mod exprs;
mod flow_checker;
pub mod kinds;
mod paths;
mod schedules;
pub mod suggest;
mod symbols;
mod types;

pub use symbols::Symbols;
pub use types::Type;

use crate::compile::{FlowGraph, compile_flow};
use crate::diagnostics::Diagnostic;
use crate::project::center::Center;
use crate::syntax::ast::SourceFile;

/// Checks parsed files together (one project) and compiles every flow.
pub fn check_files<'a>(
    files: impl Iterator<Item = &'a SourceFile> + Clone,
    center: Option<&Center>,
) -> (Vec<Diagnostic>, Vec<FlowGraph>) {
    let mut diags = Vec::new();
    let symbols = Symbols::collect(files.clone(), center, &mut diags);
    for queue in center.iter().flat_map(|c| c.queues.values()) {
        if let (Some(ani), Some(span)) = (&queue.ani, queue.ani_span) {
            callback::check_phone(ani, span, &mut diags);
        }
    }
    let mut graphs = Vec::new();
    for file in files {
        for s in &file.schedules {
            schedules::check_schedule(s, &mut diags);
        }
        for flow in &file.flows {
            flow_checker::FlowChecker::new(flow, &symbols, center, &mut diags).run();
            let graph = compile_flow(flow);
            paths::check_graph(&graph, &mut diags);
            graphs.push(graph);
        }
    }
    (diags, graphs)
}
