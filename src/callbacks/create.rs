//! Creating a durable callback: the one path from a [`ScheduleRequest`] to a stored row, for the
//! CLI today and the service's API tomorrow. The CB rules ([`validate_request`]) run inside the
//! store's write lock ([`CallbackStore::insert_if`]), against the stored callbacks of the same
//! number, so the 48-hour duplicate rule and idempotency keys hold however many writers race.

use super::Callback;
use super::store::codec::{decode, encode};
use super::store::{CallbackStore, InsertOutcome, StoreError};
use super::validate::{
    CallbackValidationError, ScheduleRequest, ValidatedCallback, request_number, validate_normalized,
    validate_request,
};
use crate::model::center::CallbackSettings;
use chrono::{DateTime, Utc};

/// What [`create_stored`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Created {
    /// A new callback was stored.
    New(Callback),
    /// The request's idempotency key was used before: this is that callback; nothing was stored.
    Existing(Callback),
}

/// Why nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// The request breaks the CB rules; every problem, each with its code and field.
    #[error("the callback breaks {} rule(s)", .0.len())]
    Rules(Vec<CallbackValidationError>),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A callback cannot be written as or read from a row.
    #[error("{0}")]
    Codec(String),
}

/// Validates `req` against the rules and the stored callbacks of its number, and stores it, all
/// under one write lock. The new callback's id is `cb-YYYYMMDD-N` (`now`'s UTC date and the
/// store's next sequence number). Unreadable stored rows are left out of the duplicate check.
pub fn create_stored(
    store: &mut dyn CallbackStore,
    req: &ScheduleRequest,
    settings: &CallbackSettings,
    now: DateTime<Utc>,
) -> Result<Created, CreateError> {
    let key = req.idempotency_key.as_deref().map(str::trim).filter(|k| !k.is_empty());
    // Normalised once: it locks the number's rows, and the validation reuses it.
    let number = match request_number(req) {
        Some(Ok(number)) => number,
        // No number to lock on: the rules will say what is wrong with it.
        other => {
            return match validate_normalized(req, settings, now, &[], other) {
                Err(errors) => Err(CreateError::Rules(errors)),
                Ok(_) => Err(CreateError::Codec("a callback without a number cannot be stored".into())),
            };
        }
    };
    let day = now.format("%Y%m%d").to_string();
    // Ids follow the store's sequence; a row stored under a later id by some other writer (an
    // import, an older build) makes the insert a DuplicateId, and the next id is tried.
    let mut skip = 0u64;
    loop {
        match create_once(store, req, settings, now, &number, key, &day, skip) {
            Err(CreateError::Store(StoreError::DuplicateId(_))) if skip < 10_000 => skip += 1,
            other => return other,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn create_once(
    store: &mut dyn CallbackStore,
    req: &ScheduleRequest,
    settings: &CallbackSettings,
    now: DateTime<Utc>,
    number: &str,
    key: Option<&str>,
    day: &str,
    skip: u64,
) -> Result<Created, CreateError> {
    let mut verdict: Option<Result<Created, CreateError>> = None;
    // A queue with a slot capacity: the places taken in the slot the window starts in are counted
    // under the same write lock as the insert.
    let slot =
        match (&settings.slots.capacity, &req.timezone, req.schedule_date, req.window_start, &req.queue) {
            (Some(_), Some(zone), Some(date), Some(start), Some(queue)) => {
                super::validate::resolve_local(date, start, zone)
                    .ok()
                    .map(|(at, _)| (queue.as_str(), settings.slots.slot_at(at)))
            }
            _ => None,
        };
    let range = slot.as_ref().map(|(q, s)| (*q, s.start.timestamp_micros(), s.end.timestamp_micros()));
    let outcome = store.insert_if(number, key, range, &mut |rows, seq, booked| {
        let seq = seq + skip;
        let existing: Vec<Callback> = rows.iter().filter_map(|r| decode(r).ok()).collect();
        match validate_normalized(req, settings, now, &existing, Some(Ok(number.to_string()))) {
            Err(errors) => {
                verdict = Some(Err(CreateError::Rules(errors)));
                None
            }
            Ok(ValidatedCallback::Existing(cb)) => {
                verdict = Some(Ok(Created::Existing(cb)));
                None
            }
            Ok(ValidatedCallback::New(_)) if slot_full(settings, booked, slot.is_some()) => {
                let (_, s) = slot.as_ref().expect("a full slot is a slot");
                verdict = Some(Err(CreateError::Rules(vec![full(s, booked)])));
                None
            }
            Ok(ValidatedCallback::New(new)) => {
                let cb = new.into_callback(format!("cb-{day}-{seq}"), seq);
                match encode(&cb, now) {
                    Ok(row) => {
                        verdict = Some(Ok(Created::New(cb)));
                        Some(row)
                    }
                    Err(e) => {
                        verdict = Some(Err(CreateError::Codec(e)));
                        None
                    }
                }
            }
        }
    })?;
    match (outcome, verdict) {
        (Some(InsertOutcome::Existing(id)), _) => {
            // The key was stored between validation's look and the insert (not possible under
            // the lock, but the store's own key check is the last word).
            let row = store.get(&id)?.ok_or_else(|| StoreError::NotFound(id.clone()))?;
            Ok(Created::Existing(decode(&row).map_err(CreateError::Codec)?))
        }
        (_, Some(verdict)) => verdict,
        (_, None) => Err(CreateError::Codec("the store did not consult the rules".into())),
    }
}

fn slot_full(settings: &CallbackSettings, booked: u64, in_slot: bool) -> bool {
    in_slot && settings.slots.capacity.is_some_and(|c| booked >= u64::from(c))
}

fn full(slot: &crate::model::center::slots::Slot, booked: u64) -> CallbackValidationError {
    use super::validate::{CallbackErrorCode, Field};
    CallbackValidationError::new(
        CallbackErrorCode::SlotFull,
        Field::WindowStart,
        format!(
            "the slot {} to {} is full: its {booked} places are taken",
            slot.start.format("%Y-%m-%dT%H:%MZ"),
            slot.end.format("%H:%MZ")
        ),
    )
    .with_help("pick another slot (GET /api/v2/callbacks/slots lists the places left)")
}

/// A change to a stored, scheduled callback: a new window (its zone, date, start and end, local
/// to the zone), a new owner (`Some(None)`: back to the queue), or both.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    pub window: Option<(String, chrono::NaiveDate, chrono::NaiveTime, chrono::NaiveTime)>,
    /// `window` stands for a requested time, not a chosen window
    /// ([`ScheduleRequest::implied_window`]).
    pub window_implied: bool,
    pub owner: Option<Option<String>>,
    /// Reschedule even next to another pending callback of the number (CB010).
    pub force: bool,
    /// A new customer name (a Webex PUT replaces the whole record).
    pub customer_name: Option<String>,
    /// A new reason (`Some(None)`: none).
    pub reason: Option<Option<String>>,
    /// Another number to call (a scheduled callback only; the window and duplicate rules are
    /// asked again for it).
    pub number: Option<String>,
    /// Another queue to serve it (a scheduled callback only: one already released is in a
    /// dispatcher's queue). The caller checks that the queue exists and passes its settings.
    pub queue: Option<String>,
    /// Made by the service itself at the window's opening (an owner who is away): the 15-minute
    /// edit freeze (CB014), which protects an owner's plans from other people, does not apply.
    pub at_window_open: bool,
}

/// Why an edit was not made.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("no callback with id {0}")]
    NotFound(String),
    #[error("the edit breaks {} rule(s)", .0.len())]
    Rules(Vec<CallbackValidationError>),
    #[error("callback {0} changed while it was being edited; read it again")]
    Changed(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Codec(String),
}

/// Reschedules and/or reassigns a scheduled callback, under the same rules as a new one (the
/// window, the horizon, duplicates among the number's other callbacks) and the edit rules (an
/// ended callback cannot change, CB015; an owned one is frozen 15 minutes before its window,
/// CB014). The state does not change; the history records `rescheduled` or `reassigned`.
pub fn edit_stored(
    store: &mut dyn CallbackStore,
    id: &str,
    edit: &Edit,
    settings: &CallbackSettings,
    now: DateTime<Utc>,
) -> Result<Callback, EditError> {
    use super::validate::{CallbackErrorCode, Field, check_edit};
    use super::{CallbackType, State};
    let row = store.get(id)?.ok_or_else(|| EditError::NotFound(id.to_string()))?;
    let old = decode(&row).map_err(EditError::Codec)?;
    match check_edit(&old, now) {
        Err(e) if !(edit.at_window_open && e.code == CallbackErrorCode::EditFrozen) => {
            return Err(EditError::Rules(vec![e]));
        }
        _ => {}
    }
    let number = match &edit.number {
        Some(n) => Some(super::normalize_number(n, None).map_err(|e| EditError::Rules(vec![e]))?)
            .filter(|n| *n != old.callback_number),
        None => None,
    };
    let queue = edit.queue.clone().filter(|q| *q != old.queue);
    if old.state != State::Scheduled && queue.is_some() {
        return Err(EditError::Rules(vec![
            CallbackValidationError::new(
                CallbackErrorCode::AlreadyEnded,
                Field::Queue,
                format!(
                    "callback {} is {}; only a scheduled callback can move to another queue",
                    old.id, old.state
                ),
            )
            .with_help("cancel it and schedule a new one in the other queue"),
        ]));
    }
    if old.state != State::Scheduled && (edit.window.is_some() || number.is_some()) {
        return Err(EditError::Rules(vec![
            CallbackValidationError::new(
                CallbackErrorCode::AlreadyEnded,
                Field::State,
                format!("callback {} is {}; only a scheduled callback can be rescheduled", old.id, old.state),
            )
            .with_help("cancel it and schedule a new one"),
        ]));
    }
    let owner = edit.owner.clone().unwrap_or_else(|| old.owner.clone());
    // A new number keeps the callback's window unless a new one is given.
    let kept = || old.schedule.as_ref().map(super::Schedule::local_window);
    // So does another queue: its time rules and slot places are asked for the same window.
    let window = edit.window.clone().or_else(|| (number.is_some() || queue.is_some()).then(kept).flatten());
    let Some((zone, date, start, end)) = window else {
        // The time stays: only the owner (and a personal callback's type) changes, so the time
        // rules are not asked again — a supervisor reassigns a callback minutes before its window.
        let mut cb = old.clone();
        cb.callback_type = match (&owner, old.callback_type) {
            (Some(_), CallbackType::Scheduled) => CallbackType::AgentOwned,
            (None, CallbackType::AgentOwned) => CallbackType::Scheduled,
            (_, t) => t,
        };
        cb.owner = owner;
        if let Some(q) = &queue {
            cb.queue = q.clone();
        }
        if let Some(name) = &edit.customer_name {
            cb.customer_name = name.clone();
        }
        if let Some(reason) = &edit.reason {
            cb.reason = reason.clone();
        }
        cb.updated_at = now;
        return commit(store, &row.state, cb, "reassigned", now);
    };
    let number = number.unwrap_or_else(|| old.callback_number.clone());
    let target_queue = queue.clone().unwrap_or_else(|| old.queue.clone());
    let mut req = ScheduleRequest::scheduled(&number, &zone, date, start, end, &target_queue);
    req.callback_type = match (&owner, old.callback_type) {
        (Some(_), CallbackType::Scheduled) => CallbackType::AgentOwned,
        (None, CallbackType::AgentOwned) => CallbackType::Scheduled,
        (_, t) => t,
    };
    req.origin = old.origin.clone();
    req.customer_name = Some(edit.customer_name.clone().unwrap_or_else(|| old.customer_name.clone()));
    req.reason = edit.reason.clone().unwrap_or_else(|| old.reason.clone());
    req.owner = owner.clone();
    req.max_attempts = Some(i64::from(old.max_attempts));
    req.retry_interval_secs = Some(old.retry_interval_secs);
    req.data = old.data.clone();
    req.force = edit.force;
    // A window kept for a new number or queue was accepted when it was set; only one set now is
    // judged for its length.
    req.implied_window = edit.window.is_none() || edit.window_implied;
    let others: Vec<Callback> =
        store.by_number(&number)?.iter().filter_map(|r| decode(r).ok()).filter(|c| c.id != old.id).collect();
    let draft = match validate_request(&req, settings, now, &others) {
        Err(errors) => return Err(EditError::Rules(errors)),
        Ok(ValidatedCallback::Existing(cb)) => cb,
        Ok(ValidatedCallback::New(new)) => new.draft().clone(),
    };
    if let (true, Some(schedule)) = (edit.window.is_some() || queue.is_some(), &draft.schedule)
        && settings.slots.capacity.is_some()
    {
        let slot = settings.slots.slot_at(schedule.window_start_utc);
        let mut booked =
            store.count_booked(&target_queue, slot.start.timestamp_micros(), slot.end.timestamp_micros())?;
        if queue.is_none()
            && (slot.start.timestamp_micros()..slot.end.timestamp_micros()).contains(&row.due_at_utc)
        {
            booked = booked.saturating_sub(1); // its own place
        }
        if slot_full(settings, booked, true) {
            return Err(EditError::Rules(vec![full(&slot, booked)]));
        }
    }
    let mut cb = old.clone();
    cb.callback_number = draft.callback_number;
    cb.schedule = draft.schedule;
    cb.customer_name = draft.customer_name;
    cb.reason = draft.reason;
    cb.dst_note = draft.dst_note;
    cb.callback_type = req.callback_type;
    cb.owner = owner;
    cb.queue = target_queue;
    cb.updated_at = now;
    let reason = if edit.window.is_some() || cb.callback_number != old.callback_number {
        "rescheduled"
    } else {
        "reassigned"
    };
    commit(store, &row.state, cb, reason, now)
}

fn commit(
    store: &mut dyn CallbackStore,
    state: &str,
    cb: Callback,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Callback, EditError> {
    let update = encode(&cb, now).map_err(EditError::Codec)?;
    if store.transition(&cb.id, state, state, Some(reason), now.timestamp_micros(), Some(&update))? {
        Ok(cb)
    } else {
        Err(EditError::Changed(cb.id))
    }
}
