//! The Genesys Cloud shape of seed 004: `POST / GET /api/v2/callbacks`, `POST
//! /api/v2/callbacks/batch`, `GET / PATCH / DELETE /api/v2/callbacks/{id}` — a translation of its
//! JSON to and from the operations both shapes share ([`super::ops`]).

use super::auth::{Role, Scope};
use super::genesys_model::*;
use super::problem::Problem;
use super::{ServiceState, ops};
use crate::callbacks::validate::Field;
use crate::callbacks::{
    CallbackType, CallbackValidationError, Edit, ScheduleRequest, check_owner, end_on_start_day,
    normalize_number,
};
use axum::Json;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::sync::Arc;

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
        (Some(w), _) => (ops::instant(&w.start_time, "callbackWindow.startTime")?, w.duration),
        (None, Some(t)) => (ops::instant(t, "requestedTime")?, window_min_secs),
        (None, None) => return Ok(None),
    };
    let start = start.with_timezone(&zone).naive_local();
    let end = start + chrono::Duration::seconds(secs);
    Ok(Some((zone_name.to_string(), start.date(), start.time(), end_on_start_day(start, end))))
}

pub type Body<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

/// The body of a request, or 400 saying what in it could not be read.
pub fn body<T>(body: Body<T>) -> Result<T, Problem> {
    // Keep the rejection's own status: 413 for a body over the limit, 415 without a JSON
    // content type, 400/422 for JSON that cannot be read.
    body.map(|Json(b)| b).map_err(|e| {
        let mut p = Problem::bad_request("body", "body", e.body_text());
        p.status = e.status();
        p
    })
}

/// The request's `Idempotency-Key`.
pub fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// `POST /api/v2/callbacks`.
#[utoipa::path(post, path = "/api/v2/callbacks", tag = "genesys", request_body = CreateBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key and body answers the first callback")),
    responses((status = 201, description = "created", body = GenesysCallback),
        (status = 200, description = "a retried idempotency key: the first callback", body = GenesysCallback),
        (status = 400, description = "a CB rule"),
        (status = 409, description = "a pending callback of the number within 48 h (CB010, existingId) or a full slot (CB020)"),
        (status = 413), (status = 415),
        (status = 422, description = "the Idempotency-Key was used for another request"),
        (status = 429, description = "over the token's rate; see Retry-After")),
    security(("bearer" = [])))]
pub async fn create(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    b: Body<CreateBody>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Write)?;
    state.limits.take(&caller, &state.store)?;
    let (req, contact) = request_of(&state, &caller.role, body(b)?, idempotency_key(&headers))?;
    let (status, cb) = ops::create(&state, req, field_name).await?;
    if let Some(mut c) = contact {
        super::contacts::save_added(&state, &mut c);
    }
    Ok((status, Json(view(&cb))).into_response())
}

/// The request a create body asks for, shared by the single and the batch endpoint, and the
/// contact when the body added a number to it (saved once the callback is stored).
fn request_of(
    state: &ServiceState,
    role: &Role,
    body: CreateBody,
    key: Option<String>,
) -> Result<(ScheduleRequest, Option<crate::callbacks::contact::Contact>), Problem> {
    if body
        .target
        .as_ref()
        .and_then(|t| t.kind.as_deref())
        .is_some_and(|k| !k.eq_ignore_ascii_case("phoneNumber"))
    {
        return Err(Problem::bad_request(
            "body",
            "target.type",
            "only `phoneNumber` targets can be called back",
        ));
    }
    if body.status.as_deref().is_some_and(|s| !s.eq_ignore_ascii_case("pending")) {
        return Err(Problem::bad_request("body", "status", "a new callback's status is `pending`"));
    }
    let owner = ops::owner_for(role, body.agent_id.clone())?;
    if let Err(e) = check_owner(owner.as_deref(), |o| state.is_agent(o)) {
        return Err(Problem::rules(&[e], field_name));
    }
    let window_min = state.settings(&body.queue_id).map_or(0, |s| s.window_min_secs);
    let text = |k: &str| body.external_data.get(k).and_then(Value::as_str).map(str::to_string);
    let mut contact = body.contact_id.as_deref().map(|id| super::contacts::named(state, id)).transpose()?;
    let zone_name = text("timezone")
        .or_else(|| contact.as_ref().and_then(|c| c.timezone.clone()))
        .unwrap_or_else(|| "UTC".into());
    let window = requested_window(&body.callback_window, &body.requested_time, &zone_name, window_min)?;
    let target = body.target.as_ref().map(|t| t.id.as_str());
    let (number, added) = match &mut contact {
        Some(c) => super::contacts::choose(c, target, body.number_type.as_deref(), local(&window))?,
        None => match target {
            Some(t) => (t.to_string(), false),
            None => {
                return Err(Problem::bad_request(
                    "CB001",
                    "target.id",
                    "a callback needs a number: `target.id`, or a `contactId` to pick one from",
                ));
            }
        },
    };
    let mut req = ScheduleRequest {
        callback_type: CallbackType::for_request(window.is_some(), owner.is_some()),
        origin: crate::callbacks::model::Origin::Api,
        callback_number: Some(number),
        customer_name: text("customerName").or_else(|| contact.as_ref().map(|c| c.name.clone())),
        queue: Some(body.queue_id.clone()),
        reason: text("reason"),
        owner,
        idempotency_key: key,
        // A requestedTime alone is a moment, not a chosen window (CB008 does not judge it).
        implied_window: body.callback_window.is_none(),
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
    if let Some(c) = &contact {
        req.data.insert("contactId".into(), c.id.clone());
    }
    Ok((req, contact.filter(|_| added)))
}

/// A requested window as the contact rules read it: the zone and the local start and end.
fn local(window: &Option<LocalWindow>) -> Option<(&str, chrono::NaiveTime, chrono::NaiveTime)> {
    window.as_ref().map(|(zone, _, start, end)| (zone.as_str(), *start, *end))
}

/// `GET /api/v2/callbacks/{id}`.
#[utoipa::path(get, path = "/api/v2/callbacks/{id}", tag = "genesys", params(("id" = String, Path)),
    responses((status = 200, body = GenesysCallback),
        (status = 404)),
    security(("bearer" = [])))]
pub async fn get_one(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Read)?;
    Ok(Json(view(&ops::load(&state, &caller.role, &id)?)).into_response())
}

#[utoipa::path(get, path = "/api/v2/callbacks", tag = "genesys", params(ListQuery),
    responses((status = 200, body = CallbackPage),
        (status = 400)),
    security(("bearer" = [])))]
/// `GET /api/v2/callbacks`: filtered, in id order, a page at a time; `nextCursor` fetches the next.
pub async fn list(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Read)?;
    let Query(q) = q.map_err(|e| Problem::bad_request("query", "query", e.body_text()))?;
    let page_size = q.page_size.unwrap_or(25);
    if !(1..=100).contains(&page_size) {
        return Err(Problem::bad_request("query", "pageSize", "pageSize is 1 to 100"));
    }
    let status = match &q.status {
        Some(s) => Some(crate::callbacks::store::codec::parse_state(s).ok_or_else(|| {
            Problem::bad_request("query", "status", format!("`{s}` is not a callback status"))
        })?),
        None => None,
    };
    let from = q.from.as_deref().map(|t| ops::instant(t, "from")).transpose()?;
    let to = q.to.as_deref().map(|t| ops::instant(t, "to")).transpose()?;
    let number = match &q.phone_number {
        Some(n) => Some(
            normalize_number(n, None).map_err(|e| Problem::bad_request("CB002", "phoneNumber", e.message))?,
        ),
        None => None,
    };
    // `from` / `to` bound the due time: the window's start for a scheduled callback, its creation
    // for one to call as soon as possible.
    let filter = crate::callbacks::store::ListFilter {
        state: status.map(crate::callbacks::store::codec::store_state),
        queue: q.queue_id.clone(),
        owner: q.agent_id.clone(),
        due_from: from.map(|t| t.timestamp_micros()),
        due_before: to.map(|t| t.timestamp_micros()),
    };
    // The cursor is the last id of the previous page: stable while callbacks are added.
    let (page, total, next_cursor) =
        ops::page(&state, &caller.role, filter, number.as_deref(), q.cursor.as_deref(), page_size)?;
    let entities = page.iter().map(view).collect();
    Ok(Json(CallbackPage { entities, page_size, total: total as usize, next_cursor }).into_response())
}

/// `DELETE /api/v2/callbacks/{id}`: cancel.
#[utoipa::path(delete, path = "/api/v2/callbacks/{id}", tag = "genesys", params(("id" = String, Path)),
    responses((status = 204, description = "cancelled"),
        (status = 404),
        (status = 409, description = "ended (CB015) or owned and within 15 minutes (CB014)")),
    security(("bearer" = [])))]
pub async fn delete(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Write)?;
    ops::cancel(&state, &caller.role, &id, field_name)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v2/callbacks/batch", tag = "genesys", request_body = BatchBody,
    responses((status = 200, description = "a result per item", body = BatchAnswer),
        (status = 400), (status = 413), (status = 415),
        (status = 422, description = "JSON that does not fit the body"),
        (status = 429)),
    security(("bearer" = [])))]
/// `POST /api/v2/callbacks/batch`: `{"callbacks": [body, ...]}` (at most 100); a result per item,
/// in order, each a 201/200 with the callback or the problem that item met. One request against
/// the rate limit.
pub async fn batch(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    b: Body<BatchBody>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Write)?;
    state.limits.take(&caller, &state.store)?;
    let items = body(b)?.callbacks;
    if items.len() > 100 {
        return Err(Problem::bad_request(
            "body",
            "callbacks",
            format!("{} callbacks in one batch; at most 100", items.len()),
        ));
    }
    // Every item is handed to the writer first, then all are awaited: the batch is written in
    // as few commits as the writer's groups allow.
    type Submitted = (ops::Pending, Option<crate::callbacks::contact::Contact>);
    let pending: Vec<Result<Submitted, Problem>> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let parsed: CreateBody = serde_json::from_value(item.clone())
                .map_err(|e| Problem::bad_request("body", &format!("callbacks[{i}]"), e.to_string()))?;
            let (req, contact) = request_of(&state, &caller.role, parsed, None)?;
            Ok((ops::submit(&state, req, field_name)?, contact))
        })
        .collect();
    let mut results = Vec::with_capacity(pending.len());
    for p in pending {
        let outcome = match p {
            Ok((p, contact)) => {
                let outcome = ops::settle(&state, p, field_name).await;
                if let (Ok(_), Some(mut c)) = (&outcome, contact) {
                    super::contacts::save_added(&state, &mut c);
                }
                outcome
            }
            Err(e) => Err(e),
        };
        results.push(match outcome {
            Ok((status, cb)) => {
                BatchResult { status: status.as_u16(), callback: Some(view(&cb)), problem: None }
            }
            Err(p) => BatchResult { status: p.status.as_u16(), callback: None, problem: Some(p.to_json()) },
        });
    }
    Ok(Json(BatchAnswer { results }).into_response())
}

#[utoipa::path(patch, path = "/api/v2/callbacks/{id}", tag = "genesys", params(("id" = String, Path)), request_body = PatchBody,
    responses((status = 200, body = GenesysCallback),
        (status = 400), (status = 404), (status = 409), (status = 413), (status = 415),
        (status = 422, description = "JSON that does not fit the body")),
    security(("bearer" = [])))]
/// `PATCH /api/v2/callbacks/{id}`: reschedule and/or reassign, under the CB rules and the
/// 15-minute edit cut-off of an owned callback (CB014), through the CLI's edit path.
pub async fn patch(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Body<PatchBody>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Write)?;
    let b = body(b)?;
    let old = ops::load(&state, &caller.role, &id)?;
    let window_min =
        state.settings(b.queue_id.as_deref().unwrap_or(&old.queue)).unwrap_or_default().window_min_secs;
    let zone_name = b
        .external_data
        .get("timezone")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| old.timezone().map(str::to_string))
        .unwrap_or_else(|| "UTC".into());
    let mut contact = b.contact_id.as_deref().map(|c| super::contacts::named(&state, c)).transpose()?;
    let zone_name = match (&b.external_data.get("timezone"), &contact) {
        (None, Some(c)) => c.timezone.clone().unwrap_or(zone_name),
        _ => zone_name,
    };
    let window = requested_window(&b.callback_window, &b.requested_time, &zone_name, window_min)?;
    // Another number: from the contact (the new window's hours checked, else the callback's
    // own window), or the one given.
    let target = b.target.as_ref().map(|t| t.id.as_str());
    let kept = old.schedule.as_ref().map(crate::callbacks::Schedule::local_window);
    let (number, added) = match &mut contact {
        Some(c) => {
            let (n, added) = super::contacts::choose(
                c,
                target,
                b.number_type.as_deref(),
                local(&window.clone().or(kept)),
            )?;
            (Some(n), added)
        }
        None => (target.map(str::to_string), false),
    };
    let edit = Edit {
        window,
        window_implied: b.callback_window.is_none(),
        owner: b.agent_id.clone(),
        number,
        queue: b.queue_id.clone(),
        ..Edit::default()
    };
    let cb = ops::edit(&state, &caller.role, &id, &edit, field_name)?;
    if let Some(c) = contact.as_mut().filter(|_| added) {
        super::contacts::save_added(&state, c);
    }
    Ok(Json(view(&cb)).into_response())
}
