//! The Webex Contact Center shape (seed 000): `POST / GET
//! /v1/callbacks/organization/{orgId}/scheduled-callback` and `GET / PUT / DELETE …/{id}`. The
//! same callbacks as the Genesys shape ([`super::genesys`]): both translate to the operations in
//! [`super::ops`]. Webex's bounds are the CB rules with the queue's settings, whose defaults are
//! Webex's (start ≥ 30 minutes ahead, window 30 minutes to 8 hours, name ≤ 250 characters); the
//! number's 7–15 characters are checked here.

use super::auth::Scope;
use super::genesys::{Body, body, idempotency_key};
use super::problem::Problem;
use super::webex_model::*;
use super::{ServiceState, ops};
use crate::callbacks::validate::Field;
use crate::callbacks::{Callback, CallbackType, CallbackValidationError, Edit, ScheduleRequest};
use axum::Json;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, NaiveTime};

use std::sync::Arc;

/// The JSON field a validation error is about, in this API's names.
fn field_name(e: &CallbackValidationError) -> String {
    match e.field {
        Field::CallbackNumber => "callbackNumber",
        Field::CustomerName => "customerName",
        Field::Timezone => "timezone",
        Field::ScheduleDate => "scheduleDate",
        Field::WindowStart => "startTime",
        Field::WindowEnd => "endTime",
        Field::Queue => "queueId",
        Field::Owner => "assigneeAgent",
        _ => "body",
    }
    .to_string()
}

fn required<'a>(value: &'a Option<String>, field: &str) -> Result<&'a str, Problem> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Problem::bad_request("CB001", field, format!("`{field}` is required")))
}

fn time(text: &str, field: &str) -> Result<NaiveTime, Problem> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .map_err(|_| Problem::bad_request("CB017", field, format!("`{text}` is not a time of day `HH:MM`")))
}

/// The request the body asks for, checked for presence and form (the rules check the rest).
fn request(b: &ScheduledCallback) -> Result<ScheduleRequest, Problem> {
    let number = required(&b.callback_number, "callbackNumber")?;
    if !(7..=15).contains(&number.chars().count()) {
        return Err(Problem::bad_request(
            "CB002",
            "callbackNumber",
            format!("`{number}` has {} characters; a callback number has 7 to 15", number.chars().count()),
        ));
    }
    let name = required(&b.customer_name, "customerName")?;
    let zone = required(&b.timezone, "timezone")?;
    let date_text = required(&b.schedule_date, "scheduleDate")?;
    let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d").map_err(|_| {
        Problem::bad_request("CB017", "scheduleDate", format!("`{date_text}` is not a date `YYYY-MM-DD`"))
    })?;
    let start = time(required(&b.start_time, "startTime")?, "startTime")?;
    let end = time(required(&b.end_time, "endTime")?, "endTime")?;
    let queue = required(&b.queue_id, "queueId")?;
    let mut req = ScheduleRequest::scheduled(number, zone, date, start, end, queue);
    req.customer_name = Some(name.to_string());
    req.reason = b.callback_reason.clone();
    req.owner = b.assignee_agent.clone().filter(|a| !a.trim().is_empty());
    req.callback_type = CallbackType::for_request(true, req.owner.is_some());
    if let Some(source) = &b.source_interaction {
        req.data.insert("sourceInteraction".into(), source.clone());
    }
    Ok(req)
}

/// This server's organisation; another id is 404 (a client pointed at the wrong tenant).
fn check_org(state: &ServiceState, org: &str) -> Result<(), Problem> {
    if org == state.org_id {
        Ok(())
    } else {
        Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such organization",
            format!(
                "this server's organization is `{}`, not `{org}` (set it with `serve --org-id`)",
                state.org_id
            ),
        ))
    }
}

/// `POST …/scheduled-callback`.
#[utoipa::path(post, path = "/v1/callbacks/organization/{orgId}/scheduled-callback", tag = "webex",
    params(("orgId" = String, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = ScheduledCallback,
    responses((status = 201, body = WebexCallback), (status = 200, description = "a retried idempotency key", body = WebexCallback),
        (status = 400),
        (status = 404, description = "another organization"),
        (status = 409), (status = 413), (status = 415), (status = 422), (status = 429)),
    security(("bearer" = [])))]
pub async fn create(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(org): Path<String>,
    b: Body<ScheduledCallback>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Write)?;
    check_org(&state, &org)?;
    state.limits.take(&caller, &state.store)?;
    let b = body(b)?;
    let mut req = request(&b)?;
    req.owner = ops::owner_for(&caller.role, req.owner.take())?;
    req.callback_type = CallbackType::for_request(true, req.owner.is_some());
    if let Err(e) = crate::callbacks::check_owner(req.owner.as_deref(), |o| state.is_agent(o)) {
        return Err(Problem::rules(&[e], field_name));
    }
    req.idempotency_key = idempotency_key(&headers);
    let (status, cb) = ops::create(&state, req, field_name).await?;
    Ok((status, Json(view(&org, &cb))).into_response())
}

/// `GET …/scheduled-callback/{id}`.
#[utoipa::path(get, path = "/v1/callbacks/organization/{orgId}/scheduled-callback/{id}", tag = "webex",
    params(("orgId" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = WebexCallback),
        (status = 404)),
    security(("bearer" = [])))]
pub async fn get_one(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Read)?;
    check_org(&state, &org)?;
    Ok(Json(view(&org, &ops::load(&state, &caller.role, &id)?)).into_response())
}

#[utoipa::path(put, path = "/v1/callbacks/organization/{orgId}/scheduled-callback/{id}", tag = "webex",
    params(("orgId" = String, Path), ("id" = String, Path)), request_body = ScheduledCallback,
    responses((status = 200, body = WebexCallback),
        (status = 400), (status = 404), (status = 409), (status = 413), (status = 415), (status = 422)),
    security(("bearer" = [])))]
/// `PUT …/scheduled-callback/{id}`: the whole record again; the number and the queue stay.
pub async fn put(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    b: Body<ScheduledCallback>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Write)?;
    check_org(&state, &org)?;
    let req = request(&body(b)?)?;
    let old = ops::load(&state, &caller.role, &id)?;
    let number = crate::callbacks::normalize_number(req.callback_number.as_deref().unwrap_or_default(), None)
        .map_err(|e| Problem::bad_request("CB002", "callbackNumber", e.message))?;
    // Another number is a reschedule to it (the duplicate rule asked for the new number); the
    // queue stays.
    if req.queue.as_deref() != Some(old.queue.as_str()) {
        return Err(Problem::bad_request(
            "body",
            "queueId",
            "a callback keeps its queue; cancel it and schedule a new one to change it",
        ));
    }
    let window = match (req.timezone, req.schedule_date, req.window_start, req.window_end) {
        (Some(z), Some(d), Some(s), Some(e)) => Some((z, d, s, e)),
        _ => None,
    };
    let edit = Edit {
        window,
        owner: Some(req.owner.clone()),
        customer_name: req.customer_name.clone(),
        reason: Some(req.reason.clone()),
        number: Some(number),
        ..Edit::default()
    };
    let cb = ops::edit(&state, &caller.role, &id, &edit, field_name)?;
    Ok(Json(view(&org, &cb)).into_response())
}

/// `DELETE …/scheduled-callback/{id}`: cancel.
#[utoipa::path(delete, path = "/v1/callbacks/organization/{orgId}/scheduled-callback/{id}", tag = "webex",
    params(("orgId" = String, Path), ("id" = String, Path)),
    responses((status = 204, description = "cancelled"),
        (status = 404), (status = 409)),
    security(("bearer" = [])))]
pub async fn delete(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Write)?;
    check_org(&state, &org)?;
    ops::cancel(&state, &caller.role, &id, field_name)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The sort keys a list accepts.
const SORT_KEYS: [&str; 5] =
    ["scheduleDate", "createdTimestamp", "lastUpdatedTimestamp", "customerName", "assignedTime"];

/// `GET …/scheduled-callback?callbackNumber=…|assigneeAgent=…`.
#[utoipa::path(get, path = "/v1/callbacks/organization/{orgId}/scheduled-callback", tag = "webex",
    params(("orgId" = String, Path), ListQuery),
    responses((status = 200, body = WebexPage),
        (status = 400), (status = 404)),
    security(("bearer" = [])))]
pub async fn list(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(org): Path<String>,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Read)?;
    check_org(&state, &org)?;
    let Query(q) = q.map_err(|e| Problem::bad_request("query", "query", e.body_text()))?;
    if q.callback_number.is_none() && q.assignee_agent.is_none() {
        return Err(Problem::bad_request(
            "query",
            "callbackNumber",
            "give `callbackNumber` or `assigneeAgent` (a list of every callback is GET /api/v2/callbacks)",
        ));
    }
    let page = q.page.unwrap_or(0);
    let page_size = q.page_size.unwrap_or(10);
    if !(1..=100).contains(&page_size) {
        return Err(Problem::bad_request("query", "pageSize", "pageSize is 1 to 100"));
    }
    let sort_by = q.sort_by.as_deref().unwrap_or("scheduleDate");
    if !SORT_KEYS.contains(&sort_by) {
        return Err(Problem::bad_request(
            "query",
            "sortBy",
            format!("`{sort_by}` is not a sort key; use one of {}", SORT_KEYS.join(", ")),
        ));
    }
    if sort_by == "assignedTime" && q.assignee_agent.is_none() {
        return Err(Problem::bad_request(
            "query",
            "sortBy",
            "sorting by `assignedTime` needs `assigneeAgent`",
        ));
    }
    let descending = match q.sort_order.as_deref().unwrap_or("asc") {
        "asc" => false,
        "desc" => true,
        other => {
            return Err(Problem::bad_request(
                "query",
                "sortOrder",
                format!("`{other}` is not `asc` or `desc`"),
            ));
        }
    };
    // The number is an exact match, as in Webex: a number stored with `+` is searched with `+`.
    let filter =
        crate::callbacks::store::ListFilter { owner: q.assignee_agent.clone(), ..Default::default() };
    let mut all = ops::select(&state, &caller.role, filter, q.callback_number.as_deref())?;
    all.sort_by(|a, b| {
        let key = |cb: &Callback| -> (String, String) {
            let k = match sort_by {
                "createdTimestamp" => cb.created_at.to_rfc3339(),
                "lastUpdatedTimestamp" | "assignedTime" => cb.updated_at.to_rfc3339(),
                "customerName" => cb.customer_name.to_lowercase(),
                _ => cb.schedule.as_ref().map_or(String::new(), |s| s.window_start_utc.to_rfc3339()),
            };
            (k, cb.id.clone())
        };
        key(a).cmp(&key(b))
    });
    if descending {
        all.reverse();
    }
    let total = all.len();
    let pages = total.div_ceil(page_size);
    let data: Vec<WebexCallback> =
        all.iter().skip(page * page_size).take(page_size).map(|cb| view(&org, cb)).collect();
    let base = format!("/v1/callbacks/organization/{org}/scheduled-callback");
    let filter = match (&q.callback_number, &q.assignee_agent) {
        (Some(n), _) => format!("callbackNumber={}", n.replace('+', "%2B")),
        (None, Some(a)) => format!("assigneeAgent={a}"),
        (None, None) => String::new(),
    };
    let link = |p: usize| format!("{base}?{filter}&page={p}&pageSize={page_size}&sortBy={sort_by}");
    let links = Links {
        this: link(page),
        first: link(0),
        last: link(pages.saturating_sub(1)),
        next: (page + 1 < pages).then(|| link(page + 1)),
        prev: (page > 0).then(|| link(page - 1)),
    };
    let meta = Meta { org_id: org, page, page_size, total_pages: pages, total_records: total, links };
    Ok(Json(WebexPage { meta, data }).into_response())
}
