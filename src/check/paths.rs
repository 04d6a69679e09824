//! Checks over the compiled graph: unreachable actions, paths without a terminal action, loops
//! that never wait, and callbacks that leave the caller in queue.

use crate::compile::{Action, FlowGraph, NodeId, Outcome};
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::{ERROR_HANDLER, FlowKind, KEY_HANDLER};

pub fn check_graph(g: &FlowGraph, diags: &mut Vec<Diagnostic>) {
    let reachable = g.reachable_from(g.entry(), |_| false);
    let is_reachable = |n: NodeId| reachable[n.0 as usize];
    unreachable(g, &reachable, diags);
    // An in-queue flow restarts at its end; a secure flow returns to the flow that called it.
    let ends_by_itself = matches!(g.kind(), FlowKind::Inqueue | FlowKind::Secure);
    if !ends_by_itself {
        missing_terminal(g, &reachable, diags);
        // In an in-queue flow a jumped-to task that ends restarts the flow, like the main body;
        // in a secure flow it returns, like the main body.
        jumped_tasks_return(g, &reachable, diags);
    }
    spinning_loops(g, &reachable, diags);
    if g.kind() == FlowKind::Inqueue {
        for n in g.find(|a| matches!(a, Action::CreateCallback(_))) {
            if !is_reachable(n.id) {
                continue;
            }
            let Some(next) = g.follow(n.id, &Outcome::Next) else { continue };
            let seen = g.reachable_from(next, |m| m.action.is_terminal());
            if seen[g.end().0 as usize] || next == g.end() {
                diags.push(
                    Diagnostic::new(
                        Code::CallbackStaysQueued,
                        n.span,
                        "the caller can stay in queue after this callback is created",
                    )
                    .with_label("callback created here")
                    .with_secondary(
                        g.node(g.end()).span,
                        "the in-queue flow restarts here with the caller still waiting",
                    )
                    .with_help(
                        "`disconnect` after creating the callback: the callback keeps the caller's place",
                    ),
                );
            }
        }
    }
}

fn synthetic(a: &Action) -> bool {
    matches!(a, Action::End | Action::Return { implicit: true } | Action::Start)
}

fn unreachable(g: &FlowGraph, reachable: &[bool], diags: &mut Vec<Diagnostic>) {
    for n in g.nodes() {
        if reachable[n.id.0 as usize] || synthetic(&n.action) || !g.incoming(n.id).is_empty() {
            continue;
        }
        if let Action::TaskStart(name) = &n.action {
            if g.task_entry(name) != Some(n.id) {
                continue; // a duplicate definition, reported as E0102
            }
            diags.push(
                Diagnostic::new(Code::UnusedTask, n.span, format!("the task `{name}` is never used"))
                    .with_label("no `call` or `jump` leads here")
                    .with_help(format!(
                        "`call {name}` runs it and comes back; `jump {name}` goes there for good"
                    )),
            );
            continue;
        }
        diags.push(
            Diagnostic::new(
                Code::Unreachable,
                n.span,
                format!("this `{}` can never run", n.action.keyword()),
            )
            .with_label("unreachable")
            .with_help(
                "every path before it ends (disconnect, transfer, jump or return); remove it or move it",
            ),
        );
    }
}

fn missing_terminal(g: &FlowGraph, reachable: &[bool], diags: &mut Vec<Diagnostic>) {
    for e in g.incoming(g.end()) {
        if !reachable[e.from.0 as usize] {
            continue;
        }
        let node = g.node(e.from);
        let when = match e.outcome {
            Outcome::Failure => format!("when the `{}` fails", node.action.keyword()),
            Outcome::Exhausted => "when the caller runs out of menu retries".into(),
            Outcome::No => "when the condition is false".into(),
            Outcome::Default => "when no case matches".into(),
            Outcome::NoInput(_) => "when the caller enters nothing".into(),
            _ => format!("after this `{}`", node.action.keyword()),
        };
        diags.push(
            Diagnostic::new(
                Code::MissingTerminal,
                node.span,
                format!("{when}, the {} flow ends without a terminal action", g.kind().as_str()),
            )
            .with_label(format!("`{}` path runs off the end", e.outcome))
            .with_secondary(g.node(g.end()).span, "the flow ends here")
            .with_help(match g.kind() {
                FlowKind::Outbound => "end every path with `connect agent` or `disconnect`",
                _ => "end every path with `disconnect` or a `transfer`; for a failed transfer add `on failure { ... }`",
            }),
        );
    }
}

/// A task entered by `jump` has nowhere to return to.
fn jumped_tasks_return(g: &FlowGraph, reachable: &[bool], diags: &mut Vec<Diagnostic>) {
    for (name, entry) in g.tasks() {
        // The error handler is entered from the start, like a jump: nothing to return to.
        let jumped = g.incoming(entry).iter().any(|e| {
            matches!(*e.outcome, Outcome::Jump | Outcome::Error | Outcome::AnyTime(_))
                && reachable[e.from.0 as usize]
        });
        if !jumped {
            continue;
        }
        // Walk the task, not into tasks it calls (their returns come back here).
        let seen = g.reachable_from(entry, |n| matches!(n.action, Action::TaskStart(_)));
        for n in g.nodes() {
            if seen[n.id.0 as usize]
                && matches!(n.action, Action::Return { .. })
                && n.task.as_deref() == Some(name)
            {
                let (message, help) = if name.starts_with(KEY_HANDLER) {
                    (
                        format!("the `{name}` handler can end without a terminal action"),
                        "end the handler with `disconnect` or a transfer, or `jump` back into the flow"
                            .to_string(),
                    )
                } else if name == ERROR_HANDLER {
                    (
                        "the flow's `on error` handler can end without a terminal action".to_string(),
                        "end the handler with `disconnect` or a transfer: after an error the flow does not go on"
                            .to_string(),
                    )
                } else {
                    (
                        format!("the task `{name}` is entered by `jump`, so it has nowhere to return to"),
                        format!(
                            "end the task with `disconnect` or a transfer, or use `call {name}` to come back"
                        ),
                    )
                };
                diags.push(
                    Diagnostic::new(Code::MissingTerminal, n.span, message)
                        .with_label("the flow would end here without a terminal action")
                        .with_help(help),
                );
            }
        }
    }
}

fn spinning_loops(g: &FlowGraph, reachable: &[bool], diags: &mut Vec<Diagnostic>) {
    // A `call` waits if the task it calls can wait.
    let call_waits = |task: &str| {
        g.task_entry(task).is_some_and(|entry| {
            let seen = g.reachable_from(entry, |_| false);
            g.nodes().any(|n| seen[n.id.0 as usize] && n.action.waits())
        })
    };
    let waits = |n: &crate::compile::Node| match &n.action {
        Action::CallTask(t) => call_waits(t),
        a => a.waits(),
    };
    // Cycles that remain once every waiting node is taken out can go round without waiting.
    for cycle in g.cycles_among(|n| !waits(n)) {
        if !reachable[cycle[0].0 as usize] {
            continue;
        }
        let restarts = cycle.contains(&g.end());
        let head = cycle.iter().copied().find(|&id| !synthetic(&g.node(id).action)).unwrap_or(cycle[0]);
        let (message, help) = if restarts {
            (
                "this in-queue flow can restart without waiting".to_string(),
                "an in-queue flow restarts from the top when it ends: add `hold 30s` or a `play` on every path",
            )
        } else {
            (
                "this loop can repeat without waiting for anything".to_string(),
                "add a `play`, `hold`, `menu` or `ask` to the loop, or leave it with a terminal action",
            )
        };
        diags.push(
            Diagnostic::new(Code::SpinningLoop, g.node(head).span, message)
                .with_label("loop starts here")
                .with_help(help),
        );
    }
}
