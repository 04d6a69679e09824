//! Tasks written outside any flow are common to the project (a module of shared steps): a flow
//! that calls or jumps to one gets its own copy, checked and compiled as if written in it, so its
//! variables and types are that flow's. A flow's own task of the same name wins. Two common tasks
//! of one name are E0102.

use super::symbols::duplicate;
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{Block, Flow, SourceFile, StmtKind, Task};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The common tasks of every file, by name (the first of a name; the others are reported).
pub(super) fn collect<'a>(
    files: impl Iterator<Item = &'a SourceFile>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, &'a Task> {
    let mut out: BTreeMap<String, &'a Task> = BTreeMap::new();
    for t in files.flat_map(|f| f.tasks.iter()) {
        match out.get(&t.name.name) {
            Some(first) => diags.push(duplicate("common task", &t.name.name, t.name.span, first.name.span)),
            None => {
                out.insert(t.name.name.clone(), t);
            }
        }
    }
    out
}

/// `flow` with the common tasks it reaches (by `call` or `jump`, also from other common tasks)
/// added after its own; the flow itself when it reaches none.
pub(super) fn with_common_tasks<'f>(flow: &'f Flow, common: &BTreeMap<String, &Task>) -> Cow<'f, Flow> {
    if common.is_empty() {
        return Cow::Borrowed(flow);
    }
    let own = |name: &str| flow.tasks.iter().any(|t| t.name.name == name);
    let mut wanted: Vec<String> = Vec::new();
    let mut queue: Vec<String> = Vec::new();
    task_refs(&flow.body, &mut queue);
    for t in &flow.tasks {
        task_refs(&t.body, &mut queue);
    }
    while let Some(name) = queue.pop() {
        if own(&name) || wanted.contains(&name) {
            continue;
        }
        if let Some(t) = common.get(&name) {
            wanted.push(name);
            task_refs(&t.body, &mut queue);
        }
    }
    if wanted.is_empty() {
        return Cow::Borrowed(flow);
    }
    let mut f = flow.clone();
    f.tasks.extend(wanted.iter().filter_map(|n| common.get(n)).map(|t| (*t).clone()));
    Cow::Owned(f)
}

/// The tasks a block calls or jumps to, nested blocks included.
fn task_refs(b: &Block, out: &mut Vec<String>) {
    for s in &b.stmts {
        let nested: Vec<&Block> = match &s.kind {
            StmtKind::Call(t) | StmtKind::Jump(t) => {
                out.push(t.name.clone());
                Vec::new()
            }
            StmtKind::Menu(m) => m.choices.iter().map(|c| &c.body).collect(),
            StmtKind::Ask(a) => a.on_noinput.iter().collect(),
            StmtKind::If(i) => std::iter::once(&i.then).chain(i.otherwise.iter()).collect(),
            StmtKind::Switch(sw) => sw.cases.iter().map(|c| &c.body).chain(sw.default.iter()).collect(),
            StmtKind::Transfer(t) => t.on_failure.iter().collect(),
            StmtKind::TransferOut(t) => t.on_failure.iter().collect(),
            StmtKind::CreateCallback(c) => c.on_failure.iter().collect(),
            StmtKind::CallData(c) => c.on_failure.iter().chain(c.on_timeout.iter()).collect(),
            StmtKind::Lookup(l) => l.on_not_found.iter().collect(),
            _ => Vec::new(),
        };
        for b in nested {
            task_refs(b, out);
        }
    }
}
