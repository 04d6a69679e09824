//! Trace lines for failure reports, in the layout `callwright run` prints.

use super::project_under_test::ProjectUnderTest;
use crate::runtime::Event;
use crate::time::Micros;

pub fn clock(at: Micros) -> String {
    crate::time::format_clock(at)
}

fn human(m: Micros) -> String {
    crate::time::format_duration((m + 500_000) / 1_000_000)
}

pub fn event_line(project: &ProjectUnderTest, at: Micros, e: &Event) -> String {
    let t = clock(at);
    match e {
        Event::Step { flow, span, action, .. } => {
            let place = project.checked.sources().file_line(*span);
            let short = place.rsplit('/').next().unwrap_or(&place).to_string();
            format!("{t}  {flow:<18} {short:<18} {action}")
        }
        Event::Prompt(p) => format!("{:>7}  {:>38}plays {p:?}", "", ""),
        Event::Input(d) => format!("{t}  {:>38}caller presses {d}", ""),
        Event::Said(w) => format!("{t}  {:>38}caller says {w:?}", ""),
        Event::NoInput => format!("{t}  {:>38}no input (timeout)", ""),
        Event::Edge(o) => format!("{:>7}  {:>38}→ {o}", "", ""),
        Event::Queued { queue, position } => format!(
            "{t}  {:>38}queued in {queue}{}",
            "",
            position.map(|p| format!(" at position {p}")).unwrap_or_default()
        ),
        Event::Answered { agent, waited } => {
            format!("{t}  {:>38}agent {agent} answers after {}", "", human(*waited))
        }
        Event::Abandoned { queue, waited } => {
            format!("{t}  {:>38}caller hangs up after {} in {queue}", "", human(*waited))
        }
        Event::CallbackCreated { queue, position, number } => format!(
            "{t}  {:>38}callback for {number} created in {queue}{}",
            "",
            position.map(|p| format!(", keeping position {p}")).unwrap_or_default()
        ),
        Event::CallbackServed { agent, .. } => format!("{t}  {:>38}callback reaches agent {agent}", ""),
        Event::Callback { id, step } => format!("{t}  {:>38}callback {id}: {}", "", step.describe(&clock)),
        Event::Note(n) => format!("{t}  {:>38}{n}", ""),
    }
}

/// The trace around event `at`: a few events before it, the event (marked `>`), a few after.
pub fn excerpt(project: &ProjectUnderTest, events: &[(Micros, Event)], at: usize) -> Vec<String> {
    if events.is_empty() {
        return vec!["(the call did nothing)".into()];
    }
    let at = at.min(events.len() - 1);
    let lo = at.saturating_sub(6);
    let hi = (at + 4).min(events.len());
    let mut out = Vec::new();
    if lo > 0 {
        out.push(format!("  … {lo} earlier events"));
    }
    for (i, (t, e)) in events.iter().enumerate().take(hi).skip(lo) {
        let mark = if i == at { ">" } else { " " };
        out.push(format!("{mark} {}", event_line(project, *t, e)));
    }
    if hi < events.len() {
        out.push(format!("  … {} later events", events.len() - hi));
    }
    out
}
