//! The checker: names, types, flow-kind rules, schedules, callback bounds, and path lints.
//! It reports every problem it finds, never just the first.

pub mod builtins;
mod callback;
mod common_tasks;
mod data_actions;
mod exprs;
mod flow_checker;
pub mod kinds;
mod paths;
mod schedules;
mod tables;

mod symbols;
mod types;

pub use symbols::Symbols;
pub use types::Type;

use crate::compile::{FlowGraph, compile_flow};
use crate::diagnostics::Diagnostic;
use crate::model::center::Center;
use crate::source::suggest;
use crate::syntax::ast::{FlowKind, SourceFile};

/// A setting that names a flow (a queue's `outbound_flow`, a dialled number's flow) must name a
/// flow of the project of the kind it runs.
fn check_flow_ref<'a>(
    setting: &str,
    name: &str,
    want: crate::syntax::ast::FlowKind,
    span: crate::source::Span,
    files: impl Iterator<Item = &'a SourceFile>,
    diags: &mut Vec<Diagnostic>,
) {
    use crate::diagnostics::Code;
    let flows: Vec<(&str, FlowKind)> =
        files.flat_map(|f| f.flows.iter()).map(|f| (f.name.name.as_str(), f.kind.node)).collect();
    let why = match want {
        FlowKind::Outbound => "an outbound flow greets the customer a callback dials",
        _ => "an inbound flow answers the calls made to a number",
    };
    match flows.iter().find(|(n, _)| *n == name) {
        Some((_, kind)) if *kind == want => {}
        Some((_, kind)) => diags.push(
            Diagnostic::new(
                Code::WrongFlowKind,
                span,
                format!("{setting} names {} flow `{name}`, not an {} flow", kind.as_str(), want.as_str()),
            )
            .with_label(why)
            .with_help(format!("declare it as `{} flow {name} {{ ... }}`", want.as_str())),
        ),
        None => diags.push(
            Diagnostic::new(
                Code::UnknownName,
                span,
                format!("{setting} names `{name}`, which no file defines"),
            )
            .with_label("no such flow")
            .with_help(suggest::help_for(name, "flow", flows.iter().map(|(n, _)| *n))),
        ),
    }
}

/// Every prompt should have a text in every language the project's prompts use (W0703); a
/// language given twice in one prompt is E0102.
fn prompt_languages<'a>(files: impl Iterator<Item = &'a SourceFile>, diags: &mut Vec<Diagnostic>) {
    use crate::diagnostics::Code;
    let prompts: Vec<&crate::syntax::ast::PromptDecl> = files.flat_map(|f| f.prompts.iter()).collect();
    let mut all: Vec<&str> = Vec::new();
    for p in &prompts {
        for lang in p.texts.iter().map(|t| &t.lang) {
            if !all.contains(&lang.value.as_str()) {
                all.push(&lang.value);
            }
        }
    }
    for p in &prompts {
        let mut seen: Vec<&crate::syntax::ast::StrLit> = Vec::new();
        for lang in p.texts.iter().map(|t| &t.lang) {
            if !crate::source::looks_like_language_tag(&lang.value) {
                diags.push(flow_checker::bad_language_tag(lang));
            }
            if let Some(first) = seen.iter().find(|l| l.value == lang.value) {
                diags.push(symbols::duplicate(
                    &format!("text of prompt `{}` in", p.name.name),
                    &lang.value,
                    lang.span,
                    first.span,
                ));
            } else {
                seen.push(lang);
            }
        }
        let missing: Vec<&str> =
            all.iter().copied().filter(|l| !p.texts.iter().any(|t| t.lang.value == *l)).collect();
        if !missing.is_empty() {
            let list = missing.join(", ");
            diags.push(
                Diagnostic::new(
                    Code::PromptMissingLanguage,
                    p.name.span,
                    format!("prompt `{}` has no text in {list}", p.name.name),
                )
                .with_label("missing a language")
                .with_help(format!(
                    "add `\"{}\": \"…\"`; until then a caller in that language hears the first text",
                    missing[0]
                )),
            );
        }
    }
}

/// Checks parsed files together (one project) and compiles every flow.
pub fn check_files<'a>(
    files: impl Iterator<Item = &'a SourceFile> + Clone,
    center: Option<&Center>,
    tables: &std::collections::BTreeMap<String, crate::input::CsvTable>,
) -> (Vec<Diagnostic>, Vec<FlowGraph>) {
    let mut diags = Vec::new();
    let symbols = Symbols::collect(files.clone(), center, &mut diags);
    for queue in center.iter().flat_map(|c| c.queues.values()) {
        if let (Some(ani), Some(span)) = (&queue.ani, queue.ani_span) {
            callback::check_phone(ani, span, &mut diags);
        }
        if let Some((flow, span)) = &queue.callback.outbound_flow {
            let setting = format!("queue `{}`: `outbound_flow`", queue.name);
            check_flow_ref(&setting, flow, FlowKind::Outbound, *span, files.clone(), &mut diags);
        }
    }
    for n in center.iter().flat_map(|c| c.numbers.iter()) {
        callback::check_phone(&n.number, n.number_span, &mut diags);
        let setting = format!("number `{}`", n.number);
        check_flow_ref(&setting, &n.flow, FlowKind::Inbound, n.flow_span, files.clone(), &mut diags);
    }
    prompt_languages(files.clone(), &mut diags);
    let common = common_tasks::collect(files.clone(), &mut diags);
    let mut graphs = Vec::new();
    for file in files {
        for s in &file.schedules {
            schedules::check_schedule(s, &mut diags);
        }
        for a in &file.data_actions {
            data_actions::check_declaration(a, &mut diags);
        }
        for t in &file.tables {
            tables::check_table(t, tables.get(&t.name.name), &mut diags);
        }
        for flow in &file.flows {
            let flow = common_tasks::with_common_tasks(flow, &common);
            flow_checker::FlowChecker::new(&flow, &symbols, center, &mut diags).run();
            let graph = compile_flow(&flow);
            paths::check_graph(&graph, &mut diags);
            graphs.push(graph);
        }
    }
    (diags, graphs)
}

#[cfg(test)]
mod tests {
    use crate::project::Project;

    fn check(center: &str) -> Vec<(String, String)> {
        let flows = "inbound flow Main {\n  transfer to Q\n  disconnect\n}\n\noutbound flow Greet {\n  connect agent\n}\n";
        let checked = Project::from_sources(
            vec![("main.flow".into(), flows.into())],
            Some(("center.yaml".into(), center.into())),
        )
        .check();
        checked.diagnostics.iter().map(|d| (d.code.as_str().to_string(), d.message.clone())).collect()
    }

    #[test]
    fn a_queue_outbound_flow_must_be_an_outbound_flow_of_the_project() {
        let yaml = |flow: &str| format!("queues:\n  Q:\n    callback:\n      outbound_flow: {flow}\n");
        assert!(check(&yaml("Greet")).is_empty());
        let d = check(&yaml("Main"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].0, "E0106");
        assert!(d[0].1.contains("names inbound flow `Main`"), "{d:?}");
        let d = check(&yaml("Greeet"));
        assert_eq!(d[0].0, "E0101");
        assert!(d[0].1.contains("`Greeet`"), "{d:?}");
    }

    #[test]
    fn a_common_task_is_shared_by_the_flows_that_use_it() {
        let text = "task Goodbye {\n  play \"Goodbye.\"\n  disconnect\n}\n\ntask Goodbye {\n  disconnect\n}\n\ntask Unused {\n  disconnect\n}\n\ninbound flow A {\n  call Goodbye\n}\n\ninbound flow B {\n  jump Goodbye\n}\n\ninbound flow C {\n  jump Nowhere\n}\n";
        let checked = Project::from_sources(vec![("main.flow".into(), text.into())], None).check();
        let d: Vec<(String, String)> =
            checked.diagnostics.iter().map(|d| (d.code.as_str().to_string(), d.message.clone())).collect();
        assert!(d.iter().any(|(c, m)| c == "E0102" && m.contains("common task `Goodbye`")), "{d:?}");
        assert!(d.iter().any(|(c, m)| c == "E0101" && m.contains("Nowhere")), "{d:?}");
        assert!(
            !d.iter().any(|(c, _)| c == "W0404"),
            "an unused common task is not a flow's unused task: {d:?}"
        );
        for flow in ["A", "B"] {
            let g = checked.graph(flow).unwrap();
            assert!(g.task_entry("Goodbye").is_some(), "{flow} has no Goodbye");
            assert!(g.task_entry("Unused").is_none(), "{flow} got a task it does not use");
        }
    }

    #[test]
    fn a_pattern_is_checked_and_an_unescaped_quantifier_is_named() {
        let flow = |pattern: &str| {
            format!(
                "inbound flow Main {{\n  set Flow.P = \"1\"\n  if matches(Flow.P, {pattern}) {{\n    disconnect\n  }}\n  disconnect\n}}\n"
            )
        };
        let check = |text: String| {
            Project::from_sources(vec![("main.flow".into(), text)], None)
                .check()
                .diagnostics
                .iter()
                .map(|d| (d.code.as_str().to_string(), d.message.clone()))
                .collect::<Vec<_>>()
        };
        assert!(check(flow("\"\\\\d\\{4\\}\"")).is_empty(), "{:?}", check(flow("\"\\\\d\\{4\\}\"")));
        let d = check(flow("\"\\\\d{4}\""));
        assert!(d.iter().any(|(c, m)| c == "E0107" && m.contains("interpolation")), "{d:?}");
        let d = check(flow("\"[a-\""));
        assert!(d.iter().any(|(c, m)| c == "E0107" && m.contains("not a regular expression")), "{d:?}");
    }

    #[test]
    fn a_dialled_number_must_be_a_phone_number_reaching_an_inbound_flow() {
        let yaml = |n: &str, flow: &str| format!("queues:\n  Q: {{}}\nnumbers:\n  \"{n}\": {flow}\n");
        assert!(
            check(&yaml("+31201234000", "Main")).is_empty(),
            "{:?}",
            check(&yaml("+31201234000", "Main"))
        );
        let d = check(&yaml("+31201234000", "Greet"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].0, "E0106");
        assert!(d[0].1.contains("number `+31201234000` names outbound flow `Greet`"), "{d:?}");
        let d = check(&yaml("+31201234000", "Mian"));
        assert_eq!(d[0].0, "E0101", "{d:?}");
        let d = check(&yaml("call me", "Main"));
        assert_eq!(d.len(), 1, "{d:?}");
        let d = check("numbers:\n  31201234000: Main\n");
        assert!(d.iter().any(|(_, m)| m.contains("not a phone number in quotes")), "{d:?}");
    }
}
