//! The Genesys Cloud shape of seed 004: `POST /api/v2/callbacks`, `GET /api/v2/callbacks`,
//! `GET` and `DELETE /api/v2/callbacks/{id}`, over the one create path
//! ([`crate::callbacks::create_stored`]) and the same store as the CLI and the dispatcher.

use super::ServiceState;
use super::auth::Role;
use super::problem::Problem;
use crate::callbacks::store::codec::{decode, encode};
use crate::callbacks::store::{CallbackStore, ListFilter};
use crate::callbacks::validate::Field;
use crate::callbacks::{
    Callback, CallbackType, CallbackValidationError, CreateError, Created, EndReason, ScheduleRequest, State,
    check_edit, check_owner, create_stored, end_on_start_day, normalize_number,
};
use axum::Json;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// `target {id, type}`: the number to call back.
#[derive(Debug, Deserialize)]
pub struct Target {
    id: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
}

/// `callbackWindow {startTime, duration}` (duration in seconds).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    start_time: String,
    duration: i64,
}

/// The create body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateBody {
    target: Target,
    queue_id: String,
    requested_time: Option<String>,
    callback_window: Option<Window>,
    agent_id: Option<String>,
    #[serde(default)]
    external_data: BTreeMap<String, Value>,
    status: Option<String>,
}

/// The JSON field a validation error is about, in this API's names.
fn field_name(e: &CallbackValidationError) -> String {
    match e.field {
        Field::CallbackNumber => "target.id",
        Field::CustomerName => "externalData.customerName",
        Field::Timezone => "externalData.timezone",
        Field::ScheduleDate | Field::WindowStart => "requestedTime",
        Field::WindowEnd => "callbackWindow.duration",
        Field::Queue => "queueId",
        Field::Owner => "agentId",
        _ => "body",
    }
    .to_string()
}

/// An instant with its UTC offset; a time without one is refused (seed 004's trap: "2 PM EST
/// sent as 14:00 becomes 7 PM EST").
fn instant(text: &str, field: &str) -> Result<DateTime<FixedOffset>, Problem> {
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

/// A requested window in the customer's zone: the zone's name, the local date, start and end.
type LocalWindow = (String, chrono::NaiveDate, chrono::NaiveTime, chrono::NaiveTime);

/// The window a body asks for, local to `zone_name` (an IANA zone, else CB003): `callbackWindow`, or
/// `requestedTime` and the queue's shortest window; neither is "as soon as possible".
fn requested_window(
    callback_window: &Option<Window>,
    requested_time: &Option<String>,
    zone_name: &str,
    window_min_secs: i64,
) -> Result<Option<LocalWindow>, Problem> {
    let zone: chrono_tz::Tz = zone_name.parse().map_err(|_| {
        Problem::bad_request(
            "CB003",
            "externalData.timezone",
            format!("`{zone_name}` is not an IANA time zone"),
        )
    })?;
    let (start, secs) = match (callback_window, requested_time) {
        (Some(w), _) => (instant(&w.start_time, "callbackWindow.startTime")?, w.duration),
        (None, Some(t)) => (instant(t, "requestedTime")?, window_min_secs),
        (None, None) => return Ok(None),
    };
    let start = start.with_timezone(&zone).naive_local();
    let end = start + chrono::Duration::seconds(secs);
    Ok(Some((zone_name.to_string(), start.date(), start.time(), end_on_start_day(start, end))))
}

/// The callback as this API shows it.
pub fn view(cb: &Callback) -> Value {
    json!({
        "id": cb.id,
        "status": cb.state.as_str(),
        "target": {"id": cb.callback_number, "type": "phoneNumber"},
        "queueId": cb.queue,
        "agentId": cb.owner,
        "requestedTime": cb.schedule.as_ref().map(|s| s.window_start_utc.to_rfc3339()),
        "callbackWindow": cb.schedule.as_ref().map(|s| json!({
            "startTime": s.window_start_utc.to_rfc3339(),
            "duration": (s.window_end_utc - s.window_start_utc).num_seconds(),
            "timezone": s.timezone,
        })),
        "externalData": cb.data,
        "customerName": cb.customer_name,
        "attempts": cb.attempts_made,
        "maxAttempts": cb.max_attempts,
        "endReason": cb.end_reason.map(|r| r.as_str()),
        "createdDate": cb.created_at.to_rfc3339(),
        "modifiedDate": cb.updated_at.to_rfc3339(),
    })
}

/// An agent sees and edits only the callbacks it owns.
fn may_see(role: &Role, cb: &Callback) -> bool {
    match role {
        Role::Agent { agent } => cb.owner.as_deref() == Some(agent.as_str()),
        _ => true,
    }
}

pub async fn create(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    body: Result<Json<CreateBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    match create_inner(&state, &headers, body).await {
        Ok(r) => r,
        Err(p) => p.into_response(),
    }
}

async fn create_inner(
    state: &ServiceState,
    headers: &HeaderMap,
    body: Result<Json<CreateBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(headers)?;
    state.limits.take(&caller)?;
    let Json(body) = body.map_err(|e| Problem::bad_request("body", "body", e.body_text()))?;
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string);
    create_one(state, &caller.role, body, key).map(|(status, cb)| (status, Json(view(&cb))).into_response())
}

/// One creation, shared by the single and the batch endpoint: the callback and 201 (or 200 for a
/// retried idempotency key).
fn create_one(
    state: &ServiceState,
    role: &Role,
    body: CreateBody,
    key: Option<String>,
) -> Result<(StatusCode, Callback), Problem> {
    if body.target.kind.as_deref().is_some_and(|k| !k.eq_ignore_ascii_case("phoneNumber")) {
        return Err(Problem::bad_request(
            "body",
            "target.type",
            "only `phoneNumber` targets can be called back",
        ));
    }
    if body.status.as_deref().is_some_and(|s| !s.eq_ignore_ascii_case("pending")) {
        return Err(Problem::bad_request("body", "status", "a new callback's status is `pending`"));
    }
    let owner = match (role, body.agent_id.clone()) {
        (Role::Agent { agent }, Some(a)) if &a != agent => {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "not your callback",
                "an agent books callbacks only for itself",
            ));
        }
        (Role::Agent { agent }, _) => Some(agent.clone()),
        (_, a) => a,
    };
    let settings = state.settings(&body.queue_id).ok_or_else(|| {
        Problem::bad_request("CB001", "queueId", format!("`{}` is not a queue of this center", body.queue_id))
    })?;
    if let Err(e) = check_owner(owner.as_deref(), |o| state.is_agent(o)) {
        return Err(Problem::rules(&[e], field_name));
    }
    let text = |k: &str| body.external_data.get(k).and_then(Value::as_str).map(str::to_string);
    let zone_name = text("timezone").unwrap_or_else(|| "UTC".into());
    let window =
        requested_window(&body.callback_window, &body.requested_time, &zone_name, settings.window_min_secs)?;
    let mut req = ScheduleRequest {
        callback_type: CallbackType::for_request(window.is_some(), owner.is_some()),
        origin: crate::callbacks::model::Origin::Api,
        callback_number: Some(body.target.id.clone()),
        customer_name: text("customerName"),
        queue: Some(body.queue_id.clone()),
        reason: text("reason"),
        owner,
        idempotency_key: key,
        ..ScheduleRequest::default()
    };
    if let Some((zone, date, start, end)) = window {
        req.timezone = Some(zone);
        req.schedule_date = Some(date);
        req.window_start = Some(start);
        req.window_end = Some(end);
    }
    req.data = body
        .external_data
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string)))
        .collect();
    let now = Utc::now();
    let mut store = state.store.lock().map_err(|_| Problem::internal("the store lock was poisoned"))?;
    match create_stored(&mut *store, &req, &settings, now) {
        Ok(Created::New(cb)) => Ok((StatusCode::CREATED, cb)),
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

fn load(state: &ServiceState, id: &str) -> Result<Callback, Problem> {
    let store = state.store.lock().map_err(|_| Problem::internal("the store lock was poisoned"))?;
    let row =
        store.get(id).map_err(|e| Problem::internal(e.to_string()))?.ok_or_else(|| Problem::not_found(id))?;
    decode(&row).map_err(Problem::internal)
}

pub async fn get_one(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let result = (|| {
        let role = state.tokens.role(&headers)?;
        let cb = load(&state, &id)?;
        if !may_see(&role, &cb) {
            return Err(Problem::not_found(&id));
        }
        Ok(Json(view(&cb)).into_response())
    })();
    result.unwrap_or_else(IntoResponse::into_response)
}

/// List filters and the cursor.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    phone_number: Option<String>,
    status: Option<String>,
    queue_id: Option<String>,
    agent_id: Option<String>,
    page_size: Option<usize>,
    cursor: Option<String>,
}

pub async fn list(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    let result = (|| {
        let role = state.tokens.role(&headers)?;
        let page_size = q.page_size.unwrap_or(25);
        if !(1..=100).contains(&page_size) {
            return Err(Problem::bad_request("body", "pageSize", "pageSize is 1 to 100"));
        }
        let status = match &q.status {
            Some(s) => Some(crate::callbacks::store::codec::parse_state(s).ok_or_else(|| {
                Problem::bad_request("body", "status", format!("`{s}` is not a callback status"))
            })?),
            None => None,
        };
        let store = state.store.lock().map_err(|_| Problem::internal("the store lock was poisoned"))?;
        let rows = match &q.phone_number {
            Some(n) => {
                let n = normalize_number(n, None)
                    .map_err(|e| Problem::bad_request("CB002", "phoneNumber", e.message))?;
                store.by_number(&n)
            }
            None => store.list(&ListFilter::default()),
        }
        .map_err(|e| Problem::internal(e.to_string()))?;
        drop(store);
        let mut all: Vec<Callback> = rows
            .iter()
            .filter_map(|r| decode(r).ok())
            .filter(|cb| status.is_none_or(|s| cb.state == s))
            .filter(|cb| q.queue_id.as_ref().is_none_or(|x| &cb.queue == x))
            .filter(|cb| q.agent_id.as_ref().is_none_or(|x| cb.owner.as_ref() == Some(x)))
            .filter(|cb| may_see(&role, cb))
            .collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        // The cursor is the last id of the previous page: stable while callbacks are added.
        let start = q.cursor.as_ref().map_or(0, |c| all.partition_point(|cb| &cb.id <= c));
        let page: Vec<Value> = all[start..].iter().take(page_size).map(view).collect();
        let next = (start + page_size < all.len()).then(|| all[start + page_size - 1].id.clone());
        Ok(Json(json!({"entities": page, "pageSize": page_size, "nextCursor": next})).into_response())
    })();
    result.unwrap_or_else(IntoResponse::into_response)
}

pub async fn delete(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let result = (|| {
        let role = state.tokens.role(&headers)?;
        let mut cb = load(&state, &id)?;
        if !may_see(&role, &cb) {
            return Err(Problem::not_found(&id));
        }
        let now = Utc::now();
        if let Err(e) = check_edit(&cb, now) {
            let status =
                if e.code.as_str() == "CB015" { StatusCode::CONFLICT } else { StatusCode::BAD_REQUEST };
            let mut p = Problem::rules(&[e], field_name);
            p.status = status;
            return Err(p);
        }
        let from = crate::callbacks::store::codec::store_state(cb.state);
        cb.state = State::Cancelled;
        cb.end_reason = Some(EndReason::CancelledByApi);
        cb.updated_at = now;
        let update = encode(&cb, now).map_err(Problem::internal)?;
        let mut store = state.store.lock().map_err(|_| Problem::internal("the store lock was poisoned"))?;
        let moved = store
            .transition(
                &id,
                &from,
                "CANCELLED",
                Some("cancelled_by_api"),
                now.timestamp_micros(),
                Some(&update),
            )
            .map_err(|e| Problem::internal(e.to_string()))?;
        if !moved {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                "the callback changed",
                "it moved on while this request was made; read it again",
            ));
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    })();
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `POST /api/v2/callbacks/batch`: `{"callbacks": [body, ...]}` (at most 100); a result per item,
/// in order, each a 201/200 with the callback or the problem that item met. One request against
/// the rate limit.
pub async fn batch(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    body: Result<Json<Value>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let result = (|| {
        let caller = state.tokens.caller(&headers)?;
        state.limits.take(&caller)?;
        let Json(body) = body.map_err(|e| Problem::bad_request("body", "body", e.body_text()))?;
        let items = body
            .get("callbacks")
            .and_then(Value::as_array)
            .ok_or_else(|| Problem::bad_request("body", "callbacks", "write `{\"callbacks\": [ ... ]}`"))?;
        if items.len() > 100 {
            return Err(Problem::bad_request(
                "body",
                "callbacks",
                format!("{} callbacks in one batch; at most 100", items.len()),
            ));
        }
        let results: Vec<Value> = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let parsed: Result<CreateBody, _> = serde_json::from_value(item.clone());
                let outcome = match parsed {
                    Err(e) => Err(Problem::bad_request("body", &format!("callbacks[{i}]"), e.to_string())),
                    Ok(b) => create_one(&state, &caller.role, b, None),
                };
                match outcome {
                    Ok((status, cb)) => json!({"status": status.as_u16(), "callback": view(&cb)}),
                    Err(p) => json!({"status": p.status.as_u16(), "problem": p.to_json()}),
                }
            })
            .collect();
        Ok(Json(json!({"results": results})).into_response())
    })();
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The PATCH body: a new time (`requestedTime` or `callbackWindow`, with an offset, in
/// `externalData.timezone` or the callback's zone), and/or a new owner (`agentId`; `null` returns it to
/// the queue).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatchBody {
    requested_time: Option<String>,
    callback_window: Option<Window>,
    #[serde(default, deserialize_with = "present")]
    agent_id: Option<Option<String>>,
    #[serde(default)]
    external_data: BTreeMap<String, Value>,
}

/// `Some(None)` for an explicit `null`, `None` when the field is absent.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// `PATCH /api/v2/callbacks/{id}`: reschedule and/or reassign, under the CB rules and the
/// 15-minute edit cut-off of an owned callback (CB014), through the CLI's edit path.
pub async fn patch(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<PatchBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let result = (|| {
        let caller = state.tokens.caller(&headers)?;
        let Json(body) = body.map_err(|e| Problem::bad_request("body", "body", e.body_text()))?;
        let old = load(&state, &id)?;
        if !may_see(&caller.role, &old) {
            return Err(Problem::not_found(&id));
        }
        if let (Role::Agent { agent }, Some(Some(a))) = (&caller.role, &body.agent_id)
            && a != agent
        {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "not your callback",
                "an agent cannot give its callback to another agent; return it to the queue with `agentId: null`",
            ));
        }
        if let Some(Some(a)) = &body.agent_id
            && let Err(e) = check_owner(Some(a), |o| state.is_agent(o))
        {
            return Err(Problem::rules(&[e], field_name));
        }
        let settings = state.settings(&old.queue).unwrap_or_default();
        let zone_name = body
            .external_data
            .get("timezone")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| old.timezone().map(str::to_string))
            .unwrap_or_else(|| "UTC".into());
        let window = requested_window(
            &body.callback_window,
            &body.requested_time,
            &zone_name,
            settings.window_min_secs,
        )?;
        let edit = crate::callbacks::Edit { window, owner: body.agent_id.clone(), force: false };
        let mut store = state.store.lock().map_err(|_| Problem::internal("the store lock was poisoned"))?;
        match crate::callbacks::edit_stored(&mut *store, &id, &edit, &settings, Utc::now()) {
            Ok(cb) => Ok(Json(view(&cb)).into_response()),
            Err(crate::callbacks::EditError::Rules(errors)) => {
                let mut p = Problem::rules(&errors, field_name);
                if matches!(p.code.as_str(), "CB014" | "CB015") {
                    p.status = StatusCode::CONFLICT;
                }
                Err(p)
            }
            Err(crate::callbacks::EditError::NotFound(id)) => Err(Problem::not_found(&id)),
            Err(crate::callbacks::EditError::Changed(id)) => Err(Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                "the callback changed",
                format!("callback {id} moved on while this request was made; read it again"),
            )),
            Err(crate::callbacks::EditError::Store(e)) => Err(Problem::internal(e.to_string())),
            Err(crate::callbacks::EditError::Codec(e)) => Err(Problem::internal(e)),
        }
    })();
    result.unwrap_or_else(IntoResponse::into_response)
}
