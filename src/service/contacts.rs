//! `/api/v2/contacts`: the customers behind callbacks (seeds 001/002) — several numbers, each with
//! a type and the local hours it may be called, a time zone pre-filled from the numbers, and the
//! history of the callbacks of those numbers with their dispositions. A callback create or
//! reschedule names `contactId` and picks one of its numbers (by `numberType`, else the first
//! callable in the window) or adds `target.id` to the contact ([`choose`]).

use super::auth::Scope;
use super::problem::Problem;
use super::{ServiceState, ops};
use crate::callbacks::contact::{self, CallableHours, Contact, ContactNumber, NumberType};
use crate::callbacks::normalize_number;
use crate::callbacks::store::codec::decode;
use crate::callbacks::store::{CallbackStore, ContactStore};
use axum::Json;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// A number as written in a request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NumberBody {
    /// E.164 preferred (`+31612345678`).
    pub number: String,
    /// `home`, `mobile`, `work` or `other` (default).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Local hours it may be called, `HH:MM-HH:MM` in the contact's zone; absent: any time.
    pub callable_hours: Option<String>,
}

/// The create and replace body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactBody {
    pub name: String,
    /// IANA; absent: taken from the first number whose country keeps one UTC offset.
    pub timezone: Option<String>,
    /// 1 to 10 numbers.
    pub numbers: Vec<NumberBody>,
}

/// A number as shown.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NumberView {
    pub number: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub callable_hours: Option<String>,
}

/// One callback of the contact's numbers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryItem {
    pub callback_id: String,
    pub number: String,
    pub queue_id: String,
    pub status: String,
    pub created_at: String,
    /// The window's start (scheduled callbacks).
    pub window_start: Option<String>,
    pub attempts: u32,
    pub end_reason: Option<String>,
    pub disposition: Option<String>,
    pub disposition_notes: Option<String>,
}

/// A contact as shown; `history` only when one contact is read.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactView {
    pub id: String,
    pub name: String,
    pub timezone: Option<String>,
    pub numbers: Vec<NumberView>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryItem>>,
}

fn view(c: &Contact) -> ContactView {
    ContactView {
        id: c.id.clone(),
        name: c.name.clone(),
        timezone: c.timezone.clone(),
        numbers: c
            .numbers
            .iter()
            .map(|n| NumberView {
                number: n.number.clone(),
                kind: n.kind.as_str().to_string(),
                callable_hours: n.hours.map(|h| h.to_string()),
            })
            .collect(),
        created_at: c.created_at.to_rfc3339(),
        updated_at: c.updated_at.to_rfc3339(),
        history: None,
    }
}

fn number_type(text: Option<&str>, field: &str) -> Result<Option<NumberType>, Problem> {
    text.map(|t| {
        NumberType::parse(t).ok_or_else(|| {
            Problem::bad_request(
                "body",
                field,
                format!("`{t}` is not a number type; use home, mobile, work or other"),
            )
        })
    })
    .transpose()
}

/// A valid contact from a body, or the first problem with the field that has it.
fn contact_of(
    body: ContactBody,
    id: String,
    created_at: chrono::DateTime<chrono::Utc>,
) -> Result<Contact, Problem> {
    let name = body.name.trim().to_string();
    if name.is_empty() {
        return Err(Problem::bad_request("CB001", "name", "a contact needs a name"));
    }
    if name.chars().count() > contact::NAME_MAX {
        return Err(Problem::bad_request(
            "CB019",
            "name",
            format!("the name is longer than {} characters", contact::NAME_MAX),
        ));
    }
    if let Some(z) = &body.timezone
        && z.parse::<chrono_tz::Tz>().is_err()
    {
        return Err(Problem::bad_request("CB003", "timezone", format!("`{z}` is not an IANA time zone")));
    }
    if body.numbers.is_empty() || body.numbers.len() > contact::NUMBERS_MAX {
        return Err(Problem::bad_request(
            "body",
            "numbers",
            format!("a contact has 1 to {} numbers; {} given", contact::NUMBERS_MAX, body.numbers.len()),
        ));
    }
    let mut numbers: Vec<ContactNumber> = Vec::with_capacity(body.numbers.len());
    for (i, n) in body.numbers.iter().enumerate() {
        let number = normalize_number(&n.number, None)
            .map_err(|e| Problem::bad_request("CB002", &format!("numbers[{i}].number"), e.message))?;
        if numbers.iter().any(|x| x.number == number) {
            return Err(Problem::bad_request(
                "body",
                &format!("numbers[{i}].number"),
                format!("{number} is already one of this contact's numbers"),
            ));
        }
        let kind =
            number_type(n.kind.as_deref(), &format!("numbers[{i}].type"))?.unwrap_or(NumberType::Other);
        let hours = n
            .callable_hours
            .as_deref()
            .map(CallableHours::parse)
            .transpose()
            .map_err(|e| Problem::bad_request("body", &format!("numbers[{i}].callableHours"), e))?;
        numbers.push(ContactNumber { number, kind, hours });
    }
    let mut c =
        Contact { id, name, timezone: body.timezone, numbers, created_at, updated_at: chrono::Utc::now() };
    c.prefill_zone();
    Ok(c)
}

fn store_err(e: impl std::fmt::Display) -> Problem {
    Problem::internal(e.to_string())
}

fn no_contact(id: &str) -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "not_found", "no such contact", format!("no contact with id {id}"))
}

/// The contact a callback request names (400 on `contactId` when there is none).
pub fn named(state: &ServiceState, id: &str) -> Result<Contact, Problem> {
    state
        .lock_store()?
        .get_contact(id)
        .map_err(store_err)?
        .ok_or_else(|| Problem::bad_request("not_found", "contactId", format!("no contact with id {id}")))
}

/// The number a callback of `contact` calls: `target` (added to the contact when it is not one of
/// its numbers), else the first of `kind`, else the first callable at the window's start. The
/// window, when there is one, must lie within that number's hours (CB022). Answers the number and
/// whether the contact changed (to be saved once the callback is stored).
pub fn choose(
    contact: &mut Contact,
    target: Option<&str>,
    kind: Option<&str>,
    window: Option<(&str, chrono::NaiveTime, chrono::NaiveTime)>,
) -> Result<(String, bool), Problem> {
    let kind = number_type(kind, "numberType")?;
    let mut added = false;
    let number = match target {
        Some(t) => {
            let e164 = normalize_number(t, None)
                .map_err(|e| Problem::bad_request("CB002", "target.id", e.message))?;
            if contact.number(&e164).is_none() {
                if contact.numbers.len() >= contact::NUMBERS_MAX {
                    return Err(Problem::bad_request(
                        "body",
                        "target.id",
                        format!(
                            "contact {} already has {} numbers; remove one first",
                            contact.id,
                            contact::NUMBERS_MAX
                        ),
                    ));
                }
                contact.numbers.push(ContactNumber {
                    number: e164.clone(),
                    kind: kind.unwrap_or(NumberType::Other),
                    hours: None,
                });
                contact.prefill_zone();
                added = true;
            }
            e164
        }
        None => contact.pick(kind, window.map(|w| w.1)).map(|n| n.number.clone()).ok_or_else(|| {
            Problem::bad_request(
                "body",
                "numberType",
                format!("contact {} has no {} number", contact.id, kind.map_or("", NumberType::as_str)),
            )
        })?,
    };
    if let (Some((zone, start, end)), Some(n)) = (window, contact.number(&number)) {
        contact::check_hours(n, zone, start, end)
            .map_err(|e| Problem::bad_request(e.code.as_str(), "callbackWindow", e.message))?;
    }
    Ok((number, added))
}

/// Saves a contact a callback request added a number to (after the callback was stored: a
/// refused callback adds nothing).
pub fn save_added(state: &ServiceState, contact: &mut Contact) {
    contact.updated_at = chrono::Utc::now();
    if let Err(e) = state.lock_store().map(|mut s| s.update_contact(contact)) {
        tracing::warn!(contact = contact.id, "the added number was not saved: {}", e.detail);
    }
}

/// `POST /api/v2/contacts`.
#[utoipa::path(post, path = "/api/v2/contacts", tag = "contacts", request_body = ContactBody,
    responses((status = 201, body = ContactView), (status = 400), (status = 413), (status = 415), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    b: super::genesys::Body<ContactBody>,
) -> Result<Response, Problem> {
    state.tokens.caller(&headers, Scope::Write)?;
    let c = contact_of(super::genesys::body(b)?, String::new(), chrono::Utc::now())?;
    let stored = state.lock_store()?.insert_contact(&c).map_err(store_err)?;
    Ok((StatusCode::CREATED, Json(view(&stored))).into_response())
}

/// The contact search.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// Contacts with this number.
    pub number: Option<String>,
    /// Contacts whose name starts with this.
    pub name: Option<String>,
}

/// `GET /api/v2/contacts?number=|name=`: at most 100.
#[utoipa::path(get, path = "/api/v2/contacts", tag = "contacts", params(ContactQuery),
    responses((status = 200, body = Vec<ContactView>), (status = 400)),
    security(("bearer" = [])))]
pub async fn list(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    q: Result<Query<ContactQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<ContactView>>, Problem> {
    state.tokens.caller(&headers, Scope::Read)?;
    let Query(q) = q.map_err(|e| Problem::bad_request("query", "query", e.body_text()))?;
    let found = match (&q.number, &q.name) {
        (Some(n), _) => {
            let e164 =
                normalize_number(n, None).map_err(|e| Problem::bad_request("CB002", "number", e.message))?;
            state.lock_store()?.contacts_by_number(&e164)
        }
        (None, Some(name)) if !name.trim().is_empty() => {
            state.lock_store()?.contacts_by_name(name.trim(), 100)
        }
        _ => return Err(Problem::bad_request("query", "number", "search contacts by `number` or `name`")),
    }
    .map_err(store_err)?;
    Ok(Json(found.iter().map(view).collect()))
}

/// `GET /api/v2/contacts/{id}`: the contact with the history of its numbers' callbacks (those the
/// caller may see, and for an agent also the calls of the campaigns it works: the preview shows
/// what the campaign already did with this contact), newest first.
#[utoipa::path(get, path = "/api/v2/contacts/{id}", tag = "contacts", params(("id" = String, Path)),
    responses((status = 200, body = ContactView), (status = 404)),
    security(("bearer" = [])))]
pub async fn get_one(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ContactView>, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Read)?;
    let works: Vec<String> = match &caller.role {
        super::auth::Role::Agent { agent } => {
            state.campaigns.of_agent(&state, agent).into_iter().map(|c| c.name).collect()
        }
        _ => Vec::new(),
    };
    let store = state.lock_store()?;
    let c = store.get_contact(&id).map_err(store_err)?.ok_or_else(|| no_contact(&id))?;
    let mut history = Vec::new();
    for n in &c.numbers {
        for row in store.by_number(&n.number).map_err(store_err)? {
            let Ok(cb) = decode(&row) else { continue };
            let of_my_campaign = cb.data.get("campaign").is_some_and(|name| works.contains(name));
            if !ops::may_see(&caller.role, &cb) && !of_my_campaign {
                continue;
            }
            history.push(HistoryItem {
                callback_id: cb.id.clone(),
                number: cb.callback_number.clone(),
                queue_id: cb.queue.clone(),
                status: cb.state.as_str().to_string(),
                created_at: cb.created_at.to_rfc3339(),
                window_start: cb.schedule.as_ref().map(|s| s.window_start_utc.to_rfc3339()),
                attempts: cb.attempts_made,
                end_reason: cb.end_reason.map(|r| r.as_str().to_string()),
                disposition: cb.data.get("disposition").cloned(),
                disposition_notes: cb.data.get("dispositionNotes").cloned(),
            });
        }
    }
    drop(store);
    history.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    let mut v = view(&c);
    v.history = Some(history);
    Ok(Json(v))
}

/// `PUT /api/v2/contacts/{id}`: replaces the name, zone and numbers.
#[utoipa::path(put, path = "/api/v2/contacts/{id}", tag = "contacts", params(("id" = String, Path)),
    request_body = ContactBody,
    responses((status = 200, body = ContactView), (status = 400), (status = 404), (status = 415), (status = 422)),
    security(("bearer" = [])))]
pub async fn put(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: super::genesys::Body<ContactBody>,
) -> Result<Json<ContactView>, Problem> {
    state.tokens.caller(&headers, Scope::Write)?;
    let body = super::genesys::body(b)?;
    let old = state.lock_store()?.get_contact(&id).map_err(store_err)?.ok_or_else(|| no_contact(&id))?;
    let c = contact_of(body, id.clone(), old.created_at)?;
    if !state.lock_store()?.update_contact(&c).map_err(store_err)? {
        return Err(no_contact(&id));
    }
    Ok(Json(view(&c)))
}

/// `POST /api/v2/contacts/{id}/numbers`: adds one number.
#[utoipa::path(post, path = "/api/v2/contacts/{id}/numbers", tag = "contacts", params(("id" = String, Path)),
    request_body = NumberBody,
    responses((status = 201, body = ContactView), (status = 400), (status = 404), (status = 415), (status = 422)),
    security(("bearer" = [])))]
pub async fn add_number(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: super::genesys::Body<NumberBody>,
) -> Result<Response, Problem> {
    state.tokens.caller(&headers, Scope::Write)?;
    let n = super::genesys::body(b)?;
    let old = state.lock_store()?.get_contact(&id).map_err(store_err)?.ok_or_else(|| no_contact(&id))?;
    let mut numbers: Vec<NumberBody> = old
        .numbers
        .iter()
        .map(|x| NumberBody {
            number: x.number.clone(),
            kind: Some(x.kind.as_str().into()),
            callable_hours: x.hours.map(|h| h.to_string()),
        })
        .collect();
    let at = numbers.len();
    numbers.push(n);
    let body = ContactBody { name: old.name.clone(), timezone: old.timezone.clone(), numbers };
    // The new number's problems name its own fields.
    let c = contact_of(body, id.clone(), old.created_at).map_err(|mut p| {
        if let Some(f) = &p.field {
            p.field = Some(f.replace(&format!("numbers[{at}]."), ""));
        }
        p
    })?;
    if !state.lock_store()?.update_contact(&c).map_err(store_err)? {
        return Err(no_contact(&id));
    }
    Ok((StatusCode::CREATED, Json(view(&c))).into_response())
}

/// `DELETE /api/v2/contacts/{id}`: the contact goes; its callbacks stay.
#[utoipa::path(delete, path = "/api/v2/contacts/{id}", tag = "contacts", params(("id" = String, Path)),
    responses((status = 204), (status = 404)),
    security(("bearer" = [])))]
pub async fn delete(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    state.tokens.caller(&headers, Scope::Write)?;
    if state.lock_store()?.delete_contact(&id).map_err(store_err)? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(no_contact(&id))
    }
}
