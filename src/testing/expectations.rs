//! Comparing what a case did ([`CaseRun`]) with what it said should happen. Each mismatch is a
//! [`Failure`] that knows the test field it comes from and the trace event where the run went
//! another way, so the report can show both places.

use super::case_runner::CaseRun;
use super::project_under_test::ProjectUnderTest;
use super::test_file::*;
use crate::runtime::{CallOutcome, Event};

#[derive(Debug, Clone)]
pub struct Failure {
    pub expected: String,
    pub actual: String,
    /// The test field (and so the test-file line) that states the expectation.
    pub field: FieldPath,
    /// The trace event where the run diverged, if one can be named.
    pub at_event: Option<usize>,
}

pub fn check(case: &TestCase, run: &CaseRun, project: &ProjectUnderTest) -> Vec<Failure> {
    let mut out = Vec::new();
    let base: FieldPath = case_path(case.index);
    check_script(case, run, &base, &mut out);
    if let Some((o, field)) = &case.expect.outcome {
        check_outcome(o, field, run, project, &mut out);
    }
    for (name, want, field) in &case.expect.variables {
        let got = variable(run, name);
        if got.as_deref() != Some(want.as_str()) {
            out.push(Failure {
                expected: format!("{name} = {want:?}"),
                actual: match got {
                    Some(g) => format!("{name} = {g:?}"),
                    None => format!("{name} was never set"),
                },
                field: field.clone(),
                at_event: last_step(run),
            });
        }
    }
    for (name, want, field) in &case.expect.data {
        let got = run.ctx.data().get(name);
        if got != Some(want) {
            out.push(Failure {
                expected: format!("Call.Data[{name:?}] = {want:?}"),
                actual: match got {
                    Some(g) => format!("Call.Data[{name:?}] = {g:?}"),
                    None => format!("Call.Data[{name:?}] was never set"),
                },
                field: field.clone(),
                at_event: last_step(run),
            });
        }
    }
    check_path(case, run, project, &mut out);
    for r in &case.expect.visits {
        if find_step(run, 0, r).is_none() {
            out.push(Failure {
                expected: format!("the call to pass {} ({})", r.written, places(r, project)),
                actual: format!("it never did: {}", describe(run, project)),
                field: r.field.clone(),
                at_event: last_step(run),
            });
        }
    }
    for (never, field) in &case.expect.never {
        if let Some((i, what)) = happened(never, run) {
            out.push(Failure {
                expected: format!("never {}", never_text(never)),
                actual: what,
                field: field.clone(),
                at_event: Some(i),
            });
        }
    }
    out
}

pub fn case_path(index: usize) -> FieldPath {
    use crate::input::Seg;
    vec![Seg::Key("cases".into()), Seg::Index(index)]
}

fn step_path(base: &FieldPath, index: usize) -> FieldPath {
    use crate::input::Seg;
    let mut p = base.clone();
    p.push(Seg::Key("caller".into()));
    p.push(Seg::Index(index));
    p
}

pub(super) fn last_step(run: &CaseRun) -> Option<usize> {
    run.events.iter().rposition(|(_, e)| matches!(e, Event::Step { .. })).or(run.events.len().checked_sub(1))
}

/// The script in order: each input step answered one prompt for keys, and each `expect` step
/// matched a prompt played after the previous input and before the next.
fn check_script(case: &TestCase, run: &CaseRun, base: &FieldPath, out: &mut Vec<Failure>) {
    let input_events: Vec<usize> = run
        .events
        .iter()
        .enumerate()
        .filter(|(_, (_, e))| matches!(e, Event::Input(_) | Event::Said(_) | Event::NoInput))
        .map(|(i, _)| i)
        .collect();
    // Trace index of the key press (or timeout) that answered script step `s`.
    let answered_at = |s: usize| -> Option<usize> {
        let k = run.answers.iter().position(|a| *a == Some(s))?;
        Some(input_events.get(k).copied().unwrap_or(run.events.len()))
    };
    let asked = run.answers.len();
    let mut cursor = 0usize;
    for (j, step) in case.script.iter().enumerate() {
        match &step.kind {
            StepKind::Press { .. } | StepKind::Say { .. } | StepKind::Silent => match answered_at(step.index)
            {
                Some(at) => cursor = at + 1,
                None => {
                    out.push(Failure {
                        expected: format!("the flow to ask for keys again ({})", step.kind.describe()),
                        actual: format!("it asked {} in all; then {}", times(asked), describe_short(run)),
                        field: step_path(base, step.index),
                        at_event: last_step(run),
                    });
                    return;
                }
            },
            StepKind::Expect(m) => {
                let next_input = case.script[j + 1..].iter().find(|s| s.kind.is_input());
                let boundary = next_input.and_then(|s| answered_at(s.index)).unwrap_or(run.events.len());
                let hit = (cursor..boundary.min(run.events.len()))
                    .find(|&i| matches!(&run.events[i].1, Event::Prompt(t) if m.is_match(t)));
                match hit {
                    Some(i) => cursor = i + 1,
                    None => {
                        let heard: Vec<String> = (cursor..boundary.min(run.events.len()))
                            .filter_map(|i| match &run.events[i].1 {
                                Event::Prompt(t) => Some(format!("{t:?}")),
                                _ => None,
                            })
                            .collect();
                        let when = match next_input {
                            Some(s) => format!(" before the caller's next step ({})", s.kind.describe()),
                            None => String::new(),
                        };
                        let actual = match heard.len() {
                            0 => "no prompt played there".to_string(),
                            n if n > 4 => format!("heard {} and {} more", heard[..4].join(", "), n - 4),
                            _ => format!("heard {}", heard.join(", ")),
                        };
                        // The first action after the last thing that matched is where the call
                        // went another way (typically a decision).
                        let diverged = (cursor..run.events.len())
                            .find(|&i| matches!(run.events[i].1, Event::Step { .. }))
                            .unwrap_or(cursor);
                        out.push(Failure {
                            expected: format!("a prompt {}{when}", m.describe()),
                            actual,
                            field: step_path(base, step.index),
                            at_event: Some(diverged.min(run.events.len().saturating_sub(1))),
                        });
                        return;
                    }
                }
            }
            StepKind::HangUp(_) => {}
        }
    }
}

fn times(n: usize) -> String {
    match n {
        0 => "no time".into(),
        1 => "once".into(),
        n => format!("{n} times"),
    }
}

fn variable(run: &CaseRun, name: &str) -> Option<String> {
    let ctx = &run.ctx;
    match name {
        "Call.Priority" => Some(ctx.priority.to_string()),
        "Call.Language" => ctx.language.clone(),
        "Call.Queue" => ctx.queue.as_deref().map(str::to_string),
        other => ctx.vars.get(other).map(|v| v.to_string()),
    }
}

fn queued(run: &CaseRun) -> Vec<(usize, &str)> {
    run.events
        .iter()
        .enumerate()
        .filter_map(|(i, (_, e))| match e {
            Event::Queued { queue, .. } => Some((i, queue.as_str())),
            _ => None,
        })
        .collect()
}

fn check_outcome(
    o: &OutcomeExpect,
    field: &FieldPath,
    run: &CaseRun,
    project: &ProjectUnderTest,
    out: &mut Vec<Failure>,
) {
    let fail = |expected: String, out: &mut Vec<Failure>| {
        out.push(Failure {
            expected,
            actual: describe(run, project),
            field: field.clone(),
            at_event: last_step(run),
        })
    };
    let q = |queue: &Option<String>, got: &str| queue.as_deref().is_none_or(|w| w == got);
    match o {
        OutcomeExpect::Transferred { queue, priority } => {
            let hit = queued(run).into_iter().find(|(_, got)| got == queue);
            let want = match priority {
                Some(p) => format!("transferred to {queue} with priority {p}"),
                None => format!("transferred to {queue}"),
            };
            match hit {
                None => fail(want, out),
                Some((i, _)) => {
                    if let Some(p) = priority
                        && run.ctx.priority != *p
                    {
                        out.push(Failure {
                            expected: want,
                            actual: format!("transferred to {queue} with priority {}", run.ctx.priority),
                            field: field.clone(),
                            at_event: Some(i),
                        });
                    }
                }
            }
        }
        OutcomeExpect::Answered { queue, agent } => {
            let ok = matches!(&run.outcome, CallOutcome::Answered { queue: gq, agent: ga, .. }
                if q(queue, gq) && agent.as_deref().is_none_or(|w| w == &**ga));
            if !ok {
                let mut want = "answered by an agent".to_string();
                if let Some(a) = agent {
                    want = format!("answered by agent {a}");
                }
                if let Some(qn) = queue {
                    want.push_str(&format!(" in {qn}"));
                }
                fail(want, out);
            }
        }
        OutcomeExpect::Disconnected { at } => {
            let ok = !run.stopped
                && matches!(&run.outcome, CallOutcome::Disconnected { flow, node, .. }
                    if at.as_ref().is_none_or(|r| r.matches(flow, *node)));
            if !ok {
                let want = match at {
                    Some(r) => format!("disconnected by the flow at {} ({})", r.written, places(r, project)),
                    None => "disconnected by the flow".into(),
                };
                fail(want, out);
            }
        }
        OutcomeExpect::TransferredOut { to } => {
            let ok = !run.stopped
                && matches!(&run.outcome, CallOutcome::TransferredOut { to: got, .. }
                    if to.as_ref().is_none_or(|t| t == got));
            if !ok {
                fail(format!("transferred to {}", to.as_deref().unwrap_or("a number or a voicemail")), out);
            }
        }
        OutcomeExpect::HungUp { at } => {
            let ok = !run.stopped
                && matches!(&run.outcome, CallOutcome::HungUp { flow, node }
                    if at.as_ref().is_none_or(|r| r.matches(flow, *node)));
            if !ok {
                fail("the caller hung up in the IVR".into(), out);
            }
        }
        OutcomeExpect::Abandoned { queue } => {
            let ok = !run.stopped
                && matches!(&run.outcome, CallOutcome::Abandoned { queue: gq, .. } if q(queue, gq));
            if !ok {
                fail(format!("abandoned in {}", queue.as_deref().unwrap_or("a queue")), out);
            }
        }
        OutcomeExpect::Waiting { queue } => {
            let ok = run.stopped
                && matches!(&run.outcome, CallOutcome::Abandoned { queue: gq, .. } if q(queue, gq));
            if !ok {
                fail(
                    format!(
                        "still waiting in {} when the case stopped",
                        queue.as_deref().unwrap_or("a queue")
                    ),
                    out,
                );
            }
        }
        OutcomeExpect::Connected => {
            if !matches!(run.outcome, CallOutcome::ConnectedToAgent { .. }) {
                fail("connected to the agent (connect agent)".into(), out);
            }
        }
        OutcomeExpect::VoicemailLeft => {
            if !matches!(run.outcome, CallOutcome::VoicemailLeft { .. }) {
                fail("a voicemail left on the answering machine (leave voicemail)".into(), out);
            }
        }
        OutcomeExpect::RetryLater => {
            if !matches!(run.outcome, CallOutcome::RetryLater { .. }) {
                fail("the attempt ended for a retry (retry later)".into(), out);
            }
        }
        OutcomeExpect::FlowError { contains } => {
            let ok = matches!(&run.outcome, CallOutcome::FlowError { message, .. }
                if contains.as_deref().is_none_or(|c| message.contains(c)));
            if !ok {
                fail("a flow error".into(), out);
            }
        }
        OutcomeExpect::Callback(c) => {
            super::callback_expectations::check_callback(c, field, run, project, out)
        }
    }
}

fn find_step(run: &CaseRun, from: usize, r: &NodeRef) -> Option<usize> {
    (from..run.events.len())
        .find(|&i| matches!(&run.events[i].1, Event::Step { flow, node, .. } if r.matches(flow, *node)))
}

fn check_path(case: &TestCase, run: &CaseRun, project: &ProjectUnderTest, out: &mut Vec<Failure>) {
    let mut cursor = 0;
    let mut last: Option<&NodeRef> = None;
    for r in &case.expect.path {
        match find_step(run, cursor, r) {
            Some(i) => {
                cursor = i + 1;
                last = Some(r);
            }
            None => {
                let anywhere = find_step(run, 0, r).is_some();
                let after = last.map(|l| format!(" after {}", l.written)).unwrap_or_default();
                out.push(Failure {
                    expected: format!("the call to pass {} ({}){after}", r.written, places(r, project)),
                    actual: if anywhere {
                        format!("it passed there, but not in that order; then {}", describe_short(run))
                    } else {
                        format!("it never did; {}", describe_short(run))
                    },
                    field: r.field.clone(),
                    at_event: Some(cursor.saturating_sub(1)),
                });
                return;
            }
        }
    }
}

fn places(r: &NodeRef, project: &ProjectUnderTest) -> String {
    let mut v: Vec<String> =
        r.nodes.iter().map(|(f, n)| format!("{f} {n} at {}", project.place(f, *n))).collect();
    v.dedup();
    v.join(", ")
}

fn never_text(n: &Never) -> String {
    match n {
        Never::Node(r) => format!("pass {}", r.written),
        Never::Prompt(m) => format!("play a prompt {}", m.describe()),
        Never::Queue(q) => format!("be transferred to {q}"),
        Never::Callback => "create a callback".into(),
        Never::Abandoned => "abandon".into(),
    }
}

fn happened(n: &Never, run: &CaseRun) -> Option<(usize, String)> {
    match n {
        Never::Node(r) => find_step(run, 0, r).map(|i| (i, format!("the call passed {}", r.written))),
        Never::Prompt(m) => run.events.iter().enumerate().find_map(|(i, (_, e))| match e {
            Event::Prompt(t) if m.is_match(t) => Some((i, format!("it played {t:?}"))),
            _ => None,
        }),
        Never::Queue(q) => queued(run)
            .into_iter()
            .find(|(_, got)| got == q)
            .map(|(i, _)| (i, format!("it was transferred to {q}"))),
        Never::Callback => run.events.iter().enumerate().find_map(|(i, (_, e))| match e {
            Event::CallbackCreated { queue, .. } => Some((i, format!("a callback was created in {queue}"))),
            _ => None,
        }),
        Never::Abandoned => match &run.outcome {
            CallOutcome::Abandoned { queue, .. } if !run.stopped => {
                Some((run.events.len().saturating_sub(1), format!("the caller abandoned in {queue}")))
            }
            _ => None,
        },
    }
}

fn describe_short(run: &CaseRun) -> String {
    match &run.outcome {
        _ if run.stopped => "the case stopped (run_for) with the call still going".into(),
        CallOutcome::Answered { queue, agent, .. } => format!("the call was answered by {agent} in {queue}"),
        CallOutcome::Abandoned { queue, .. } => format!("the caller abandoned in {queue}"),
        CallOutcome::Disconnected { flow, node, .. } => format!("{flow} disconnected at {node}"),
        CallOutcome::CallbackCreated { queue, .. } => format!("the call left {queue} with a callback"),
        CallOutcome::ConnectedToAgent { .. } => "the call was connected to the agent".into(),
        CallOutcome::FlowError { message, .. } => format!("a flow error: {message}"),
        CallOutcome::HungUp { .. } => "the caller hung up".into(),
        CallOutcome::TransferredOut { to, .. } => format!("the call was transferred to {to}"),
        CallOutcome::VoicemailLeft { .. } => "a voicemail was left".into(),
        CallOutcome::RetryLater { .. } => "the attempt ended for a retry later".into(),
    }
}

/// What the call came to, in the words of `callwright run`'s outcome line.
pub fn describe(run: &CaseRun, project: &ProjectUnderTest) -> String {
    let secs = |m: i64| crate::time::format_duration((m + 500_000) / 1_000_000);
    let place = |flow: &str, node| project.place(flow, node);
    match &run.outcome {
        CallOutcome::Abandoned { queue, waited } if run.stopped => {
            format!("still waiting in {queue} after {} when the case stopped (run_for)", secs(*waited))
        }
        CallOutcome::Answered { queue, agent, .. } if run.stopped => {
            format!("still talking to agent {agent} ({queue}) when the case stopped (run_for)")
        }
        CallOutcome::HungUp { flow, node } if run.stopped => {
            format!("still in {flow} at {} when the case stopped (run_for)", place(flow, *node))
        }
        CallOutcome::Answered { queue, agent, waited } => {
            format!("answered by agent {agent} in {queue} after waiting {}", secs(*waited))
        }
        CallOutcome::Abandoned { queue, waited } => format!("abandoned after {} in {queue}", secs(*waited)),
        CallOutcome::Disconnected { flow, node, .. } => {
            format!("disconnected by {flow} at {} ({node})", place(flow, *node))
        }
        CallOutcome::CallbackCreated { queue, position, waited } => {
            let pos = position.map(|p| format!(" at position {p}")).unwrap_or_default();
            format!("callback created in {queue}{pos} after waiting {}", secs(*waited))
        }
        CallOutcome::ConnectedToAgent { flow } => format!("connected to the agent by {flow}"),
        CallOutcome::FlowError { flow, node, message } => {
            format!("flow error in {flow} at {} ({node}): {message}", place(flow, *node))
        }
        CallOutcome::HungUp { flow, node } => {
            format!("the caller hung up in {flow} at {} ({node})", place(flow, *node))
        }
        CallOutcome::TransferredOut { flow, node, to } => {
            format!("transferred to {to} by {flow} at {} ({node})", place(flow, *node))
        }
        CallOutcome::VoicemailLeft { flow, node } => {
            format!("voicemail left by {flow} at {} ({node})", place(flow, *node))
        }
        CallOutcome::RetryLater { flow, node } => {
            format!("retry later, by {flow} at {} ({node})", place(flow, *node))
        }
    }
}
