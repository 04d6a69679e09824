//! `callbacks export` / `callbacks import`: every callback with its whole history and its attempts
//! as JSON Lines, one callback per line, to move between SQLite and PostgreSQL (or keep a copy)
//! with nothing lost. An import puts each callback back exactly as it was, in one transaction per
//! callback; a callback already there is left alone, so an interrupted import can be run again.

use super::{AttemptRecord, CallbackStore, ListFilter, StoreError, StoredCallback, Transition};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

/// One line of an export.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub id: String,
    pub number: String,
    pub queue: String,
    pub owner: Option<String>,
    pub state: String,
    pub due_at_utc: i64,
    /// The callback's record (name, window, zone, data, …) as stored.
    pub payload: serde_json::Value,
    pub attempts_made: u32,
    pub idempotency_key: Option<String>,
    pub updated_at: i64,
    pub history: Vec<Step>,
    pub attempts: Vec<Attempt>,
}

/// One transition.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub from: Option<String>,
    pub to: String,
    pub reason: Option<String>,
    pub at: i64,
    pub attempt: Option<u32>,
}

/// One claimed dial attempt.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attempt {
    pub attempt: u32,
    pub started_at: i64,
    pub result: Option<String>,
}

/// How many callbacks are read from the store at a time.
const PAGE: usize = 1_000;

/// Writes every callback of `store`, in id order; answers how many.
pub fn export(store: &dyn CallbackStore, out: &mut dyn Write) -> Result<u64, String> {
    let mut after: Option<String> = None;
    let mut n = 0;
    loop {
        let page = store.page(&ListFilter::default(), after.as_deref(), PAGE).map_err(|e| e.to_string())?;
        for row in &page {
            let line = line_of(store, row).map_err(|e| e.to_string())?;
            serde_json::to_writer(&mut *out, &line).map_err(|e| e.to_string())?;
            out.write_all(b"\n").map_err(|e| e.to_string())?;
            n += 1;
        }
        match page.last() {
            Some(last) if page.len() == PAGE => after = Some(last.id.clone()),
            _ => break,
        }
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok(n)
}

fn line_of(store: &dyn CallbackStore, row: &StoredCallback) -> Result<Line, StoreError> {
    let payload = serde_json::from_str(&row.payload_json)
        .unwrap_or_else(|_| serde_json::Value::String(row.payload_json.clone()));
    Ok(Line {
        id: row.id.clone(),
        number: row.number.clone(),
        queue: row.queue.clone(),
        owner: row.owner.clone(),
        state: row.state.clone(),
        due_at_utc: row.due_at_utc,
        payload,
        attempts_made: row.attempts_made,
        idempotency_key: row.idempotency_key.clone(),
        updated_at: row.updated_at,
        history: store
            .history(&row.id)?
            .into_iter()
            .map(|t| Step {
                from: t.from_state,
                to: t.to_state,
                reason: t.reason,
                at: t.at,
                attempt: t.attempt,
            })
            .collect(),
        attempts: store
            .attempt_log(&row.id)?
            .into_iter()
            .map(|a| Attempt { attempt: a.attempt, started_at: a.started_at, result: a.result })
            .collect(),
    })
}

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub restored: u64,
    /// Already in the store (left as they are).
    pub present: u64,
    /// `line N: what is wrong` for each line that was not imported.
    pub problems: Vec<String>,
}

/// Reads an export and puts each callback back. A bad line is reported with its number and
/// skipped; the good lines are still imported. A store error stops the import (what was imported
/// stays; running it again skips it).
pub fn import(
    store: &mut dyn CallbackStore,
    input: &mut dyn BufRead,
    name: &str,
) -> Result<Imported, String> {
    let mut done = Imported::default();
    for (i, text) in input.lines().enumerate() {
        let at = i + 1;
        let text = text.map_err(|e| format!("{name}:{at}: cannot read: {e}"))?;
        if text.trim().is_empty() {
            continue;
        }
        let line: Line = match serde_json::from_str(&text) {
            Ok(l) => l,
            Err(e) => {
                done.problems.push(format!("{name}:{at}:{}: {e}", e.column()));
                continue;
            }
        };
        if let Err(why) = check(&line) {
            done.problems.push(format!("{name}:{at}: {why}"));
            continue;
        }
        let (row, history, attempts) = parts(line);
        match store.restore(&row, &history, &attempts) {
            Ok(true) => done.restored += 1,
            Ok(false) => done.present += 1,
            Err(e) => return Err(format!("{name}:{at}: callback {}: {e}", row.id)),
        }
    }
    Ok(done)
}

/// What a store would refuse or a reader would misread, said before anything is written.
fn check(line: &Line) -> Result<(), String> {
    if line.id.trim().is_empty() {
        return Err("`id` is empty".into());
    }
    if line.history.first().is_none_or(|s| s.from.is_some()) {
        return Err(format!("callback {}: the history must start with its creation (`from`: null)", line.id));
    }
    if line.history.last().is_some_and(|s| s.to != line.state) {
        return Err(format!(
            "callback {}: the history ends in another state than `state` ({})",
            line.id, line.state
        ));
    }
    if let Some(a) = line.attempts.iter().find(|a| a.attempt == 0) {
        return Err(format!("callback {}: attempt {} (attempts count from 1)", line.id, a.attempt));
    }
    Ok(())
}

fn parts(line: Line) -> (StoredCallback, Vec<Transition>, Vec<AttemptRecord>) {
    let payload_json = match line.payload {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    let history = line
        .history
        .into_iter()
        .map(|s| Transition {
            callback_id: line.id.clone(),
            from_state: s.from,
            to_state: s.to,
            reason: s.reason,
            at: s.at,
            attempt: s.attempt,
        })
        .collect();
    let attempts = line
        .attempts
        .into_iter()
        .map(|a| AttemptRecord { attempt: a.attempt, started_at: a.started_at, result: a.result })
        .collect();
    let row = StoredCallback {
        id: line.id,
        number: line.number,
        queue: line.queue,
        owner: line.owner,
        state: line.state,
        due_at_utc: line.due_at_utc,
        payload_json,
        attempts_made: line.attempts_made,
        idempotency_key: line.idempotency_key,
        updated_at: line.updated_at,
    };
    (row, history, attempts)
}
