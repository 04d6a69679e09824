//! How a model [`Callback`] is kept in a store row and read back: the whole callback as JSON in
//! the payload, with the columns the store indexes (state, due time, number, queue, owner, key)
//! beside it. Every writer and reader (the CLI, the dispatcher, a server) goes through here.

use super::StoredCallback;
use crate::callbacks::{Callback, State};
use chrono::{DateTime, Utc};

/// The store's state word for a model state (`SCHEDULED`, ...).
pub fn store_state(state: State) -> String {
    state.as_str().to_ascii_uppercase()
}

/// The model state of a store's state word, in any case.
pub fn parse_state(text: &str) -> Option<State> {
    State::ALL.iter().copied().find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
}

/// The model callback kept in a stored row; the row's state column wins over the payload's.
pub fn decode(row: &StoredCallback) -> Result<Callback, String> {
    let mut cb: Callback = serde_json::from_str(&row.payload_json)
        .map_err(|e| format!("callback {} in the store cannot be read: {e}", row.id))?;
    if let Some(state) = parse_state(&row.state) {
        cb.state = state;
    }
    cb.attempts_made = cb.attempts_made.max(row.attempts_made);
    // The row's columns are kept up to date by every transition; the payload only at edits.
    if let Some(t) = DateTime::<Utc>::from_timestamp_micros(row.updated_at) {
        cb.updated_at = t;
    }
    Ok(cb)
}

/// The row that keeps `cb`, last changed at `updated_at`.
pub fn encode(cb: &Callback, updated_at: DateTime<Utc>) -> Result<StoredCallback, String> {
    let payload_json =
        serde_json::to_string(cb).map_err(|e| format!("cannot serialise callback {}: {e}", cb.id))?;
    Ok(StoredCallback {
        id: cb.id.clone(),
        number: cb.callback_number.clone(),
        queue: cb.queue.clone(),
        owner: cb.owner.clone(),
        state: store_state(cb.state),
        due_at_utc: cb.stored_utc_window().map_or(cb.created_at, |w| w.0).timestamp_micros(),
        payload_json,
        attempts_made: cb.attempts_made,
        idempotency_key: cb.idempotency_key.clone(),
        updated_at: updated_at.timestamp_micros(),
    })
}

/// Callbacks not in a final state, every store state in turn.
/// How many callbacks are pending (scheduled, queued, routing or processing), counted by the
/// store (an index count, not a read of every row: a dispatcher asks this at every poll).
pub fn pending_count(store: &dyn super::CallbackStore) -> Result<u64, super::StoreError> {
    let mut n = 0;
    for state in ["SCHEDULED", "QUEUED", "ROUTING", "PROCESSING"] {
        n += store.count(&super::ListFilter { state: Some(state.into()), ..super::ListFilter::default() })?;
    }
    Ok(n)
}

pub fn pending_rows(store: &dyn super::CallbackStore) -> Result<Vec<StoredCallback>, super::StoreError> {
    let mut rows = Vec::new();
    for state in ["SCHEDULED", "QUEUED", "ROUTING", "PROCESSING"] {
        let filter = super::ListFilter { state: Some(state.into()), ..super::ListFilter::default() };
        rows.extend(store.list(&filter)?);
    }
    Ok(rows)
}
