//! How `callwright callbacks` prints callbacks: text tables and JSON.

use crate::cli::output::Output;
use callwright::callbacks::store::Transition;
use callwright::callbacks::{Callback, State};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// "2026-12-03 14:00-16:00 America/New_York", or "-" without a schedule.
pub fn local_window(cb: &Callback) -> String {
    match &cb.schedule {
        None => "as soon as possible".to_string(),
        Some(s) => format!(
            "{} {}-{} {}",
            s.schedule_date.format("%Y-%m-%d"),
            s.window_start.format("%H:%M"),
            s.window_end.format("%H:%M"),
            s.timezone
        ),
    }
}

/// "2026-12-03 19:00-21:00 UTC" (both dates when the window crosses midnight UTC).
pub fn utc_window(cb: &Callback) -> String {
    let Some((start, end)) = cb.stored_utc_window() else {
        return "-".to_string();
    };
    if start.date_naive() == end.date_naive() {
        format!("{}-{} UTC", start.format("%Y-%m-%d %H:%M"), end.format("%H:%M"))
    } else {
        format!("{} - {} UTC", start.format("%Y-%m-%d %H:%M"), end.format("%Y-%m-%d %H:%M"))
    }
}

fn micros(t: i64) -> String {
    DateTime::<Utc>::from_timestamp_micros(t)
        .map_or_else(|| t.to_string(), |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
}

fn to_json(cb: &Callback) -> Value {
    let mut v = serde_json::to_value(cb).unwrap_or(Value::Null);
    if let Some(map) = v.as_object_mut() {
        map.insert("window_local".into(), json!(local_window(cb)));
        map.insert("window_utc".into(), json!(utc_window(cb)));
    }
    v
}

fn print_json(out: &mut Output, v: &Value) {
    out.stdout(&format!("{}\n", serde_json::to_string_pretty(v).unwrap_or_default()));
}

/// One callback after schedule / reschedule: id, both windows and any DST note.
pub fn print_one(cb: &Callback, what: &str, format: Format, out: &mut Output) {
    if format == Format::Json {
        print_json(out, &json!({ "ok": true, "result": what, "callback": to_json(cb) }));
        return;
    }
    let mut text = format!("{} {what}\n", cb.id);
    text.push_str(&format!("  customer: {} ({})\n", cb.customer_name, cb.callback_number));
    text.push_str(&format!("  queue:    {}\n", cb.queue));
    if let Some(owner) = &cb.owner {
        text.push_str(&format!("  owner:    {owner}\n"));
    }
    text.push_str(&format!("  local:    {}\n", local_window(cb)));
    text.push_str(&format!("  utc:      {}\n", utc_window(cb)));
    if let Some(note) = &cb.dst_note {
        text.push_str(&format!("  note:     {note}\n"));
    }
    out.stdout(&text);
}

/// Why a pending callback needs a look: in progress without a change for 4 hours (stuck), or
/// still scheduled after its window ended (overdue: no dispatcher ran).
pub fn attention(cb: &Callback, now: DateTime<Utc>) -> Option<&'static str> {
    use callwright::model::bounds::STUCK_AFTER_SECS;
    match cb.state {
        State::Queued | State::Routing | State::Processing
            if (now - cb.updated_at).num_seconds() > STUCK_AFTER_SECS =>
        {
            Some("stuck")
        }
        State::Scheduled if cb.stored_utc_window().is_some_and(|(_, end)| end < now) => Some("overdue"),
        _ => None,
    }
}

/// A table, one callback a row.
pub fn print_list(cbs: &[Callback], now: DateTime<Utc>, format: Format, out: &mut Output) {
    if format == Format::Json {
        let rows = cbs
            .iter()
            .map(|cb| {
                let mut v = to_json(cb);
                v["attention"] = json!(attention(cb, now));
                v
            })
            .collect();
        print_json(out, &Value::Array(rows));
        return;
    }
    if cbs.is_empty() {
        out.stdout("no callbacks\n");
        return;
    }
    let header = ["ID", "CUSTOMER", "NUMBER", "QUEUE", "OWNER", "STATE", "WINDOW (LOCAL)", "WINDOW (UTC)"];
    let rows: Vec<[String; 8]> = cbs
        .iter()
        .map(|cb| {
            [
                cb.id.clone(),
                cb.customer_name.clone(),
                cb.callback_number.clone(),
                cb.queue.clone(),
                cb.owner.clone().unwrap_or_else(|| "-".into()),
                match attention(cb, now) {
                    Some(why) => format!("{} ({why})", cb.state),
                    None => cb.state.to_string(),
                },
                local_window(cb),
                utc_window(cb),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut text = line(&header.map(String::from));
    for row in &rows {
        text.push_str(&line(row));
    }
    out.stdout(&text);
}

/// Every field and the history.
pub fn print_show(cb: &Callback, history: &[Transition], format: Format, out: &mut Output) {
    if format == Format::Json {
        let history: Vec<Value> = history
            .iter()
            .map(|t| {
                json!({
                    "from": t.from_state, "to": t.to_state, "reason": t.reason,
                    "at": micros(t.at), "attempt": t.attempt,
                })
            })
            .collect();
        print_json(out, &json!({ "callback": to_json(cb), "history": history }));
        return;
    }
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let fields: Vec<(&str, String)> = vec![
        ("id", cb.id.clone()),
        ("type", cb.callback_type.as_str().into()),
        ("state", cb.state.to_string()),
        ("end reason", cb.end_reason.map_or_else(|| "-".into(), |r| r.to_string())),
        ("customer", cb.customer_name.clone()),
        ("number", cb.callback_number.clone()),
        ("queue", cb.queue.clone()),
        ("owner", opt(&cb.owner)),
        ("reason", opt(&cb.reason)),
        ("window (local)", local_window(cb)),
        ("window (UTC)", utc_window(cb)),
        ("DST note", opt(&cb.dst_note)),
        ("attempts", format!("{} made of {}", cb.attempts_made, cb.max_attempts)),
        ("retry every", format!("{}s", cb.retry_interval_secs)),
        ("idempotency key", opt(&cb.idempotency_key)),
        ("created", cb.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
        ("updated", cb.updated_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
    ];
    let mut text = String::new();
    for (k, v) in fields {
        text.push_str(&format!("{:<16} {v}\n", format!("{k}:")));
    }
    for (k, v) in &cb.data {
        text.push_str(&format!("data.{k}: {v}\n"));
    }
    text.push_str("history:\n");
    for t in history {
        let from = t.from_state.as_deref().unwrap_or("(created)");
        let reason = t.reason.as_deref().map_or_else(String::new, |r| format!("  ({r})"));
        text.push_str(&format!("  {}  {from} -> {}{reason}\n", micros(t.at), t.to_state));
    }
    out.stdout(&text);
}

/// What `cancel` did to one id.
pub struct CancelResult {
    pub id: String,
    /// `cancelled`, `skipped` (already final), `unknown` or `conflict`.
    pub outcome: &'static str,
    pub state: Option<State>,
}

pub fn print_cancel(results: &[CancelResult], format: Format, out: &mut Output) {
    if format == Format::Json {
        let v: Vec<Value> = results
            .iter()
            .map(|r| json!({ "id": r.id, "outcome": r.outcome, "state": r.state.map(State::as_str) }))
            .collect();
        print_json(out, &Value::Array(v));
        return;
    }
    let mut text = String::new();
    for r in results {
        match (r.outcome, r.state) {
            ("cancelled", _) => text.push_str(&format!("{} cancelled\n", r.id)),
            ("skipped", Some(s)) => text.push_str(&format!("{} skipped: already {s}\n", r.id)),
            _ => {}
        }
    }
    out.stdout(&text);
}
