//! The names a project defines: flows, schedules, queues.

use super::Type;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::center::Center;
use crate::source::Span;
use crate::syntax::ast::{DataAction, FlowKind, SourceFile};
use std::collections::BTreeMap;

/// Project-wide names, collected before any flow is checked so order of definition never matters.
#[derive(Default)]
pub struct Symbols {
    pub flows: BTreeMap<String, (FlowKind, Span)>,
    pub schedules: BTreeMap<String, Span>,
    /// Data actions by name: their inputs and typed outputs.
    pub data_actions: BTreeMap<String, DataActionSig>,
    /// Prompt resources by name: where, and their languages.
    pub prompts: BTreeMap<String, (Span, Vec<String>)>,
    /// Lookup tables by name: their columns and types (the key column is text).
    pub tables: BTreeMap<String, (Span, Vec<(String, Type)>)>,
    /// Queues declared in center.yaml; `None` when the project has no center.yaml, in which case
    /// any queue name is accepted.
    pub queues: Option<Vec<String>>,
}

impl Symbols {
    pub fn collect<'a>(
        files: impl Iterator<Item = &'a SourceFile>,
        center: Option<&Center>,
        diags: &mut Vec<Diagnostic>,
    ) -> Symbols {
        let mut s = Symbols {
            queues: center.map(|c| c.queue_names().map(str::to_string).collect()),
            ..Symbols::default()
        };
        for file in files {
            for sched in &file.schedules {
                let name = &sched.name;
                if let Some(first) = s.schedules.get(&name.name) {
                    diags.push(duplicate("schedule", &name.name, name.span, *first));
                } else {
                    s.schedules.insert(name.name.clone(), name.span);
                }
            }
            for action in &file.data_actions {
                let name = &action.name;
                if let Some(first) = s.data_actions.get(&name.name) {
                    diags.push(duplicate("data action", &name.name, name.span, first.span));
                } else {
                    s.data_actions.insert(name.name.clone(), DataActionSig::of(action));
                }
            }
            for pr in &file.prompts {
                let name = &pr.name;
                if let Some((first, _)) = s.prompts.get(&name.name) {
                    diags.push(duplicate("prompt", &name.name, name.span, *first));
                } else {
                    let langs = pr.texts.iter().map(|t| t.lang.value.clone()).collect();
                    s.prompts.insert(name.name.clone(), (name.span, langs));
                }
            }
            for t in &file.tables {
                let name = &t.name;
                if let Some((first, _)) = s.tables.get(&name.name) {
                    diags.push(duplicate("table", &name.name, name.span, *first));
                } else {
                    let cols = t
                        .columns
                        .iter()
                        .map(|(c, ty)| (c.name.clone(), output_type(&ty.name).unwrap_or(Type::Unknown)));
                    s.tables.insert(name.name.clone(), (name.span, cols.collect()));
                }
            }
            for flow in &file.flows {
                let name = &flow.name;
                if let Some((_, first)) = s.flows.get(&name.name) {
                    diags.push(duplicate("flow", &name.name, name.span, *first));
                } else {
                    s.flows.insert(name.name.clone(), (flow.kind.node, name.span));
                }
            }
        }
        s
    }
}

pub fn duplicate(what: &str, name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::new(Code::DuplicateName, span, format!("the {what} `{name}` is defined twice"))
        .with_label("defined again here")
        .with_secondary(first, "first defined here")
        .with_help(format!("rename one of them; {what} names must be unique in a project"))
}

/// What a flow may pass to a data action and read back.
#[derive(Debug, Clone)]
pub struct DataActionSig {
    pub span: Span,
    pub inputs: Vec<String>,
    /// Each output and its type (`Unknown` when the declaration's type is wrong, reported there).
    pub outputs: Vec<(String, Type)>,
}

impl DataActionSig {
    fn of(a: &DataAction) -> DataActionSig {
        DataActionSig {
            span: a.name.span,
            inputs: a.inputs.iter().map(|i| i.name.clone()).collect(),
            outputs: a
                .outputs
                .iter()
                .map(|o| (o.name.name.clone(), output_type(&o.ty.name).unwrap_or(Type::Unknown)))
                .collect(),
        }
    }
}

/// The types a data action's output may have.
pub fn output_type(name: &str) -> Option<Type> {
    match name {
        "String" => Some(Type::String),
        "Integer" => Some(Type::Integer),
        "Boolean" => Some(Type::Boolean),
        _ => None,
    }
}
