//! What both API shapes (Genesys and Webex) do to callbacks: create through the one create path
//! ([`crate::callbacks::create_stored`]), read, edit ([`crate::callbacks::edit_stored`]) and
//! cancel, each under the caller's role, each announcing its change on the event stream. A
//! shape only translates its JSON to and from these.

use super::ServiceState;
use super::auth::Role;
use super::problem::Problem;
use crate::callbacks::store::codec::{decode, encode, store_state};
use crate::callbacks::store::{CallbackStore, ListFilter};
use crate::callbacks::{
    Callback, CallbackValidationError, CreateError, Created, Edit, EditError, EndReason, ScheduleRequest,
    State, check_edit, edit_stored, normalize_number,
};
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset, Utc};

/// How a shape names the request field a rule is about (`requestedTime`, `startTime`, …).
pub type FieldName = fn(&CallbackValidationError) -> String;

/// An instant with its UTC offset; a time without one is refused (seed 004's trap: "2 PM EST
/// sent as 14:00 becomes 7 PM EST").
pub fn instant(text: &str, field: &str) -> Result<DateTime<FixedOffset>, Problem> {
    DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
        let no_offset = chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S").is_ok()
            || chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M").is_ok();
        if no_offset {
            Problem::bad_request(
                "CB016",
                field,
                format!("`{text}` has no UTC offset; it is never read as UTC: write `{text}-05:00`, `{text}Z` or the offset of the customer's zone"),
            )
        } else {
            Problem::bad_request("CB017", field, format!("`{text}` is not an ISO 8601 date-time with an offset"))
        }
    })
}

/// An agent sees and edits only the callbacks it owns.
pub fn may_see(role: &Role, cb: &Callback) -> bool {
    match role {
        Role::Agent { agent } => cb.owner.as_deref() == Some(agent.as_str()),
        _ => true,
    }
}

/// The owner a caller may give a new callback: an agent books only for itself (and by default for
/// itself); others name any agent or none.
pub fn owner_for(role: &Role, asked: Option<String>) -> Result<Option<String>, Problem> {
    match (role, asked) {
        (Role::Agent { agent }, Some(a)) if &a != agent => Err(Problem::forbidden(
            "an agent books callbacks only for itself; leave the agent out or name yourself",
        )),
        (Role::Agent { agent }, _) => Ok(Some(agent.clone())),
        (_, a) => Ok(a),
    }
}

/// The callback `id` as `role` may see it (404 otherwise: an agent does not learn that another
/// agent's callback exists).
pub fn load(state: &ServiceState, role: &Role, id: &str) -> Result<Callback, Problem> {
    let store = state.lock_store()?;
    let row =
        store.get(id).map_err(|e| Problem::internal(e.to_string()))?.ok_or_else(|| Problem::not_found(id))?;
    drop(store);
    let cb = decode(&row).map_err(Problem::internal)?;
    if may_see(role, &cb) { Ok(cb) } else { Err(Problem::not_found(id)) }
}

/// A creation handed to the writer, to be settled with [`settle`].
pub struct Pending {
    req: ScheduleRequest,
    answer: tokio::sync::oneshot::Receiver<super::writer::Outcome>,
}

/// The callback settings of `queue`; an unknown queue is CB001 at the request's queue field.
fn settings_of(
    state: &ServiceState,
    queue: &str,
    field_name: FieldName,
) -> Result<crate::model::center::CallbackSettings, Problem> {
    state.settings(queue).ok_or_else(|| {
        Problem::bad_request(
            "CB001",
            &field_name_of(field_name, crate::callbacks::validate::Field::Queue),
            format!("`{queue}` is not a queue of this center"),
        )
    })
}

/// Hands a creation to the group-commit writer (its queue's settings looked up first: an unknown
/// queue is CB001 at once).
pub fn submit(state: &ServiceState, req: ScheduleRequest, field_name: FieldName) -> Result<Pending, Problem> {
    let settings = settings_of(state, req.queue.as_deref().unwrap_or_default(), field_name)?;
    let answer = state.writer.submit(req.clone(), settings);
    Ok(Pending { req, answer })
}

/// Stores a new callback for `req`: 201 and the new callback, 200 and the first one for a
/// retried idempotency key, 422 for a key reused with another request, 409 for a duplicate or a
/// full slot, 400 for any other rule. Answered only once the callback is durable.
pub async fn create(
    state: &ServiceState,
    req: ScheduleRequest,
    field_name: FieldName,
) -> Result<(StatusCode, Callback), Problem> {
    let pending = submit(state, req, field_name)?;
    settle(state, pending, field_name).await
}

/// Waits for a submitted creation's commit and answers it.
pub async fn settle(
    state: &ServiceState,
    pending: Pending,
    field_name: FieldName,
) -> Result<(StatusCode, Callback), Problem> {
    let req = pending.req;
    let created = pending.answer.await.map_err(|_| Problem::internal("the store writer stopped"))?;
    match created {
        Ok(Created::New(cb)) => {
            state.events.changed(&cb, None, "created");
            Ok((StatusCode::CREATED, cb))
        }
        Ok(Created::Existing(cb)) => {
            // The same key with another request is a client bug, not a retry.
            let same = req.callback_number.as_deref().and_then(|n| normalize_number(n, None).ok()).as_deref()
                == Some(cb.callback_number.as_str())
                && req.queue.as_deref() == Some(cb.queue.as_str())
                && req.owner == cb.owner
                && req.schedule_date == cb.schedule.as_ref().map(|s| s.schedule_date)
                && req.window_start == cb.schedule.as_ref().map(|s| s.window_start);
            if same {
                Ok((StatusCode::OK, cb))
            } else {
                Err(Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency_key_reused",
                    "the Idempotency-Key was used for another request",
                    format!(
                        "this key made callback {} with other values; use a new key for a new callback",
                        cb.id
                    ),
                )
                .field("Idempotency-Key"))
            }
        }
        Err(CreateError::Rules(errors)) => Err(Problem::rules(&errors, field_name)),
        Err(CreateError::Store(e)) => Err(Problem::internal(e.to_string())),
        Err(CreateError::Codec(e)) => Err(Problem::internal(e)),
    }
}

fn field_name_of(field_name: FieldName, field: crate::callbacks::validate::Field) -> String {
    field_name(&CallbackValidationError::new(crate::callbacks::CallbackErrorCode::MissingField, field, ""))
}

/// Reschedules and/or reassigns (and renames) callback `id` under the CB rules and the 15-minute
/// edit cut-off of an owned callback (409 for CB014 / CB015).
pub fn edit(
    state: &ServiceState,
    role: &Role,
    id: &str,
    edit: &Edit,
    field_name: FieldName,
) -> Result<Callback, Problem> {
    let old = load(state, role, id)?;
    if let (Role::Agent { agent }, Some(Some(a))) = (role, &edit.owner)
        && a != agent
    {
        return Err(Problem::forbidden(
            "an agent cannot give its callback to another agent; return it to the queue instead",
        ));
    }
    if let Some(Some(a)) = &edit.owner
        && let Err(e) = crate::callbacks::check_owner(Some(a), |o| state.is_agent(o))
    {
        return Err(Problem::rules(&[e], field_name));
    }
    // Moved to another queue: that queue's rules and slots decide (it must exist). A callback
    // of a queue center.yaml no longer declares can still be edited, under the defaults.
    let settings = match &edit.queue {
        Some(q) => settings_of(state, q, field_name)?,
        None => state.settings(&old.queue).unwrap_or_default(),
    };
    let mut store = state.lock_store()?;
    let edited = edit_stored(&mut *store, id, edit, &settings, Utc::now());
    drop(store);
    match edited {
        Ok(cb) => {
            let reason = match (&edit.window, &edit.queue) {
                (Some(_), _) => "rescheduled",
                (None, Some(q)) if *q != old.queue => "moved_queue",
                _ => "edited",
            };
            state.events.changed(&cb, Some(old.state), reason);
            // Reassigned: the agent who owned it is told too (their list loses it).
            if let Some(before) = old.owner.as_deref().filter(|o| cb.owner.as_deref() != Some(*o)) {
                state.events.agent(before, "reassigned", &cb.id);
            }
            Ok(cb)
        }
        Err(EditError::Rules(errors)) => {
            let mut p = Problem::rules(&errors, field_name);
            if matches!(p.code.as_str(), "CB014" | "CB015") {
                p.status = StatusCode::CONFLICT;
            }
            Err(p)
        }
        Err(EditError::NotFound(id)) => Err(Problem::not_found(&id)),
        Err(EditError::Changed(id)) => Err(Problem::changed(&id)),
        Err(EditError::Store(e)) => Err(Problem::internal(e.to_string())),
        Err(EditError::Codec(e)) => Err(Problem::internal(e)),
    }
}

/// Cancels callback `id` (not once it has ended: 409; not an owned one within 15 minutes of its
/// window: 409).
pub fn cancel(
    state: &ServiceState,
    role: &Role,
    id: &str,
    field_name: FieldName,
) -> Result<Callback, Problem> {
    let mut cb = load(state, role, id)?;
    let now = Utc::now();
    if let Err(e) = check_edit(&cb, now) {
        let mut p = Problem::rules(&[e], field_name);
        p.status = StatusCode::CONFLICT;
        return Err(p);
    }
    let old = cb.state;
    let from = store_state(cb.state);
    cb.state = State::Cancelled;
    cb.end_reason = Some(EndReason::CancelledByApi);
    cb.updated_at = now;
    let update = encode(&cb, now).map_err(Problem::internal)?;
    let mut store = state.lock_store()?;
    let moved = store
        .transition(id, &from, "CANCELLED", Some("cancelled_by_api"), now.timestamp_micros(), Some(&update))
        .map_err(|e| Problem::internal(e.to_string()))?;
    drop(store);
    if !moved {
        return Err(Problem::changed(id));
    }
    state.events.changed(&cb, Some(old), "cancelled_by_api");
    Ok(cb)
}

/// `filter` narrowed to what `role` may see: an agent's own callbacks (`None`: it asked for
/// another agent's, so nothing).
fn visible(role: &Role, mut filter: ListFilter) -> Option<ListFilter> {
    if let Role::Agent { agent } = role {
        match &filter.owner {
            Some(o) if o != agent => return None,
            _ => filter.owner = Some(agent.clone()),
        }
    }
    Some(filter)
}

/// The stored rows matching `filter` that `role` may see: the number's (an index look-up) when a
/// number is given, else every matching row. Not decoded.
fn rows(
    state: &ServiceState,
    role: &Role,
    filter: ListFilter,
    number: Option<&str>,
) -> Result<Vec<crate::callbacks::store::StoredCallback>, Problem> {
    let Some(filter) = visible(role, filter) else { return Ok(Vec::new()) };
    let store = state.lock_store()?;
    let rows = match number {
        Some(n) => store.by_number(n).map(|rows| rows.into_iter().filter(|r| filter.matches(r)).collect()),
        None => store.list(&filter),
    };
    rows.map_err(|e| Problem::internal(e.to_string()))
}

/// Every callback matching `filter` (and `number`, if given) that `role` may see, decoded
/// (unreadable rows are left out).
pub fn select(
    state: &ServiceState,
    role: &Role,
    filter: ListFilter,
    number: Option<&str>,
) -> Result<Vec<Callback>, Problem> {
    Ok(rows(state, role, filter, number)?.iter().filter_map(|r| decode(r).ok()).collect())
}

/// One page of the callbacks matching `filter` that `role` may see, in id order after `cursor`:
/// the page, how many match in all, and the cursor of the next page. With a number, its rows
/// (an index look-up) are filtered here; without, the store pages through its primary key, so a
/// page costs the same with 100 or 100,000 callbacks stored.
pub fn page(
    state: &ServiceState,
    role: &Role,
    filter: ListFilter,
    number: Option<&str>,
    cursor: Option<&str>,
    limit: usize,
) -> Result<(Vec<Callback>, u64, Option<String>), Problem> {
    let (rows, total) = match number {
        Some(n) => {
            let mut rows = rows(state, role, filter, Some(n))?;
            rows.sort_by(|a, b| a.id.cmp(&b.id));
            let total = rows.len() as u64;
            rows.retain(|r| cursor.is_none_or(|c| r.id.as_str() > c));
            rows.truncate(limit + 1);
            (rows, total)
        }
        None => {
            let Some(filter) = visible(role, filter) else { return Ok((Vec::new(), 0, None)) };
            let internal = |e: crate::callbacks::store::StoreError| Problem::internal(e.to_string());
            let store = state.lock_store()?;
            (
                store.page(&filter, cursor, limit + 1).map_err(internal)?,
                store.count(&filter).map_err(internal)?,
            )
        }
    };
    let more = rows.len() > limit;
    let page: Vec<Callback> = rows.iter().take(limit).filter_map(|r| decode(r).ok()).collect();
    let next = if more { rows.get(limit - 1).map(|r| r.id.clone()) } else { None };
    Ok((page, total, next))
}
