//! Checking an expected callback: its attributes at creation (number, queue, window, position,
//! data) and what its lifecycle did after the call (dials, answers, retries, how it ended).

use super::case_runner::CaseRun;
use super::expectations::{Failure, describe, last_step};
use super::project_under_test::ProjectUnderTest;
use super::test_file::*;
use crate::runtime::{CallOutcome, Event};

pub(super) fn check_callback(
    c: &CallbackExpect,
    field: &FieldPath,
    run: &CaseRun,
    project: &ProjectUnderTest,
    out: &mut Vec<Failure>,
) {
    let created = run.events.iter().enumerate().find_map(|(i, (_, e))| match e {
        Event::CallbackCreated { queue, position, number } => Some((i, queue, *position, number)),
        _ => None,
    });
    let Some((i, _, position, _)) = created else {
        out.push(Failure {
            expected: "a callback created".into(),
            actual: format!("none was: {}", describe(run, project)),
            field: field.clone(),
            at_event: last_step(run),
        });
        return;
    };
    let Some((id, req)) = run.callbacks.first() else { return };
    check_lifecycle(c, run, &id.to_string(), field, out);
    let mut diff = |k: &str, what: &str, want: String, got: String| {
        out.push(Failure {
            expected: format!("callback {what} {want}"),
            actual: format!("callback {what} {got}"),
            field: callback_field(field, k),
            at_event: Some(i),
        });
    };
    if let Some(n) = &c.number {
        let normal = crate::callbacks::normalize_number(n, None).unwrap_or_else(|_| n.clone());
        if normal != req.number && *n != req.number {
            diff("number", "number", n.clone(), req.number.clone());
        }
    }
    if let Some(qn) = &c.queue
        && *qn != req.queue
    {
        diff("queue", "queue", qn.clone(), req.queue.clone());
    }
    if let Some((a, b)) = c.window
        && req.window != Some((a, b))
    {
        let show = |w: Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)>| match w {
            Some((a, b)) => format!("{} to {}", a.format("%Y-%m-%dT%H:%M"), b.format("%Y-%m-%dT%H:%M")),
            None => "none (as soon as possible)".into(),
        };
        diff("window", "window", show(Some((a, b))), show(req.window));
    }
    if let Some(p) = c.position
        && position != Some(p)
    {
        diff("position", "position", p.to_string(), position.map_or("unknown".into(), |p| p.to_string()));
    }
    if let Some(k) = c.keeps_position {
        let kept = req.keeps_position && matches!(run.outcome, CallOutcome::CallbackCreated { .. });
        if k != kept {
            let say =
                |b: bool| if b { "keeps the caller's place" } else { "does not keep the caller's place" };
            diff("keeps_position", "that", say(k).into(), say(kept).into());
        }
    }
    if let Some(s) = c.served {
        let served = run.events.iter().any(|(_, e)| matches!(e, Event::CallbackServed { .. }));
        if s != served {
            let say = |b: bool| if b { "served by an agent" } else { "not served" };
            diff("served", "was", say(s).into(), say(served).into());
        }
    }
    for (k, v) in &c.data {
        let got = req.data.get(k);
        if got != Some(v) {
            diff(
                "data",
                &format!("data {k:?}"),
                format!("{v:?}"),
                got.map_or("missing".into(), |g| format!("{g:?}")),
            );
        }
    }
}

/// What the callback did after the call: dials, answers, retries, how it ended.
fn check_lifecycle(c: &CallbackExpect, run: &CaseRun, id: &str, field: &FieldPath, out: &mut Vec<Failure>) {
    use crate::callbacks::{CallbackStep, DialResult};
    let steps: Vec<(usize, &CallbackStep)> = run
        .events
        .iter()
        .enumerate()
        .filter_map(|(i, (_, e))| match e {
            Event::Callback { id: got, step } if got == id => Some((i, step)),
            _ => None,
        })
        .collect();
    let last = steps.last().map(|(i, _)| *i).or_else(|| last_step(run));
    let attempts = steps.iter().filter(|(_, s)| matches!(s, CallbackStep::Dialing { .. })).count() as u32;
    let answered =
        steps.iter().any(|(_, s)| matches!(s, CallbackStep::DialResult { result: DialResult::Answered, .. }));
    let connected = steps.iter().find_map(|(_, s)| match s {
        CallbackStep::Connected { agent } => Some(agent.as_str()),
        _ => None,
    });
    let expired = steps.iter().any(|(_, s)| matches!(s, CallbackStep::OwnershipExpired { .. }));
    let ended = steps.iter().find_map(|(_, s)| match s {
        CallbackStep::Ended { state, reason } => Some((*state, *reason)),
        _ => None,
    });
    let history = || -> String {
        let clock = |m| super::trace_view::clock(m);
        let mut parts: Vec<String> = steps.iter().map(|(_, s)| s.describe(&clock)).collect();
        if parts.len() > 6 {
            let n = parts.len() - 6;
            parts.drain(..n);
            parts.insert(0, format!("… {n} steps"));
        }
        if parts.is_empty() { "it never started".into() } else { parts.join("; ") }
    };
    let mut fail = |k: &str, expected: String| {
        out.push(Failure {
            expected: format!("callback {id} {expected}"),
            actual: history(),
            field: callback_field(field, k),
            at_event: last,
        });
    };
    let yes = |b: bool, y: &str, n: &str| if b { y.to_string() } else { n.to_string() };
    if let Some(d) = c.dispatched
        && d != (attempts > 0)
    {
        fail("dispatched", yes(d, "dialled", "never dialled"));
    }
    if let Some(n) = c.attempts
        && n != attempts
    {
        fail("attempts", format!("dialled {n} times (it was dialled {attempts} times)"));
    }
    if let Some(r) = c.retried
        && r != (attempts > 1)
    {
        fail("retried", yes(r, "retried", "dialled only once"));
    }
    if let Some(a) = c.answered
        && a != answered
    {
        fail("answered", yes(a, "answered by the customer", "never answered by the customer"));
    }
    if let Some(e) = c.exhausted {
        let got = matches!(ended, Some((_, crate::callbacks::EndReason::AttemptsExhausted)));
        if e != got {
            fail("exhausted", yes(e, "ending with its attempts exhausted", "not running out of attempts"));
        }
    }
    if let Some(want) = &c.connected {
        let ok = match want {
            Some(agent) => connected == Some(agent.as_str()),
            None => connected.is_some(),
        };
        if !ok {
            fail(
                "connected",
                match want {
                    Some(a) => format!("connecting the customer with agent {a}"),
                    None => "connecting the customer with an agent".into(),
                },
            );
        }
    }
    if let Some(x) = c.ownership_expired
        && x != expired
    {
        fail("ownership_expired", yes(x, "outliving its owner's ownership period", "staying with its owner"));
    }
    // The state the callback is in when the case stops: its end, or (still pending) the last
    // state a step moved it to, so `state: queued` matches a callback waiting in its queue.
    let now_in = steps.iter().rev().find_map(|(_, s)| s.state_after());
    if let Some(state) = c.state
        && now_in != Some(state)
    {
        let word = if state.is_pending() { "being" } else { "ending" };
        fail("state", format!("{word} {state}"));
    }
    if let Some(reason) = c.reason
        && ended.map(|e| e.1) != Some(reason)
    {
        fail("reason", format!("ending for the reason {reason}"));
    }
}

/// `…outcome.callback.KEY`: the attribute of the expected callback at fault.
fn callback_field(outcome: &FieldPath, key: &str) -> FieldPath {
    use crate::input::Seg;
    let mut p = outcome.clone();
    if !matches!(p.last(), Some(Seg::Key(k)) if k == "callback") {
        p.push(Seg::Key("callback".into()));
    }
    p.push(Seg::Key(key.into()));
    p
}
