//! `GET /api/v2/callbacks/slots?queueId=&date=&timezone=`: the schedule grid of seeds 001/002 —
//! each slot of a day with its range, capacity and places left, and whether it can be booked
//! (open, not full, not too soon, not too far ahead). Booking itself is a create: the CB rules
//! refuse a closed slot (CB021) and a full one (CB020), the latter counted under the store's
//! write lock so two clients racing for the last place get one 201 and one 409.

use super::ServiceState;
use super::auth::Scope;
use super::problem::Problem;
use crate::callbacks::store::CallbackStore;
use axum::Json;
use axum::extract::{Query, State as AxState};
use axum::http::HeaderMap;
use chrono::{NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// The slot query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SlotQuery {
    /// A queue of center.yaml.
    queue_id: String,
    /// A day (`YYYY-MM-DD`) in `timezone`.
    date: String,
    /// The zone the day and the local times are in (the customer's); the queue's zone by default.
    timezone: Option<String>,
}

/// One slot of the grid.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SlotView {
    /// RFC 3339, UTC.
    pub start: String,
    pub end: String,
    /// `HH:MM` in the asked zone.
    pub local_start: String,
    pub local_end: String,
    /// Places per slot; null: no limit.
    pub capacity: Option<u32>,
    /// Callbacks booked in it (not cancelled).
    pub booked: u64,
    /// Places left; null: no limit.
    pub remaining: Option<u64>,
    /// Whether a callback can be booked in it now.
    pub available: bool,
    /// closed, full, too_soon, too_far_ahead; null when available.
    pub unavailable_reason: Option<String>,
}

/// A day's slots of a queue.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SlotGrid {
    pub queue_id: String,
    pub date: String,
    pub timezone: String,
    /// The zone of the queue's opening hours.
    pub queue_timezone: String,
    /// Seconds.
    pub slot_length: i64,
    pub slots: Vec<SlotView>,
}

#[utoipa::path(get, path = "/api/v2/callbacks/slots", tag = "slots", params(SlotQuery),
    responses((status = 200, body = SlotGrid),
        (status = 400)),
    security(("bearer" = [])))]
pub async fn slots(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    q: Result<Query<SlotQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SlotGrid>, Problem> {
    state.tokens.caller(&headers, Scope::Read)?;
    let Query(q) = q.map_err(|e| Problem::bad_request("query", "query", e.body_text()))?;
    let settings = state.settings(&q.queue_id).ok_or_else(|| {
        Problem::bad_request("CB001", "queueId", format!("`{}` is not a queue of this center", q.queue_id))
    })?;
    let grid = &settings.slots;
    let zone: chrono_tz::Tz = match &q.timezone {
        Some(z) => z.parse().map_err(|_| {
            Problem::bad_request("CB003", "timezone", format!("`{z}` is not an IANA time zone"))
        })?,
        None => grid.timezone,
    };
    let date = NaiveDate::parse_from_str(&q.date, "%Y-%m-%d").map_err(|_| {
        Problem::bad_request("CB017", "date", format!("`{}` is not a date `YYYY-MM-DD`", q.date))
    })?;
    let day_start = date.and_hms_opt(0, 0, 0).and_then(|t| zone.from_local_datetime(&t).earliest());
    let day_end = date
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| zone.from_local_datetime(&t).earliest());
    let (Some(day_start), Some(day_end)) = (day_start, day_end) else {
        return Err(Problem::bad_request("CB017", "date", format!("{date} has no midnight in {zone}")));
    };
    let (day_start, day_end) = (day_start.with_timezone(&Utc), day_end.with_timezone(&Utc));
    let now = Utc::now();
    let earliest = now + chrono::Duration::seconds(settings.min_lead_secs);
    let latest = now + chrono::Duration::days(settings.max_days_ahead);
    // The queue's grid days that overlap the asked day (zones differ by up to a day).
    let local_day = day_start.with_timezone(&grid.timezone).date_naive();
    let mut slots = Vec::new();
    for d in [local_day.pred_opt(), Some(local_day), local_day.succ_opt()].into_iter().flatten() {
        slots.extend(grid.day(d).into_iter().filter(|s| s.start >= day_start && s.start < day_end));
    }
    slots.dedup();
    let store = state.lock_store()?;
    let mut out = Vec::new();
    for s in slots {
        let booked = store
            .count_booked(&q.queue_id, s.start.timestamp_micros(), s.end.timestamp_micros())
            .map_err(|e| Problem::internal(e.to_string()))?;
        let remaining = grid.capacity.map(|c| u64::from(c).saturating_sub(booked));
        let why = if !s.open {
            Some("closed")
        } else if remaining == Some(0) {
            Some("full")
        } else if s.start < earliest {
            Some("too_soon")
        } else if s.start > latest {
            Some("too_far_ahead")
        } else {
            None
        };
        out.push(SlotView {
            start: s.start.to_rfc3339(),
            end: s.end.to_rfc3339(),
            local_start: s.start.with_timezone(&zone).format("%H:%M").to_string(),
            local_end: s.end.with_timezone(&zone).format("%H:%M").to_string(),
            capacity: grid.capacity,
            booked,
            remaining,
            available: why.is_none(),
            unavailable_reason: why.map(str::to_string),
        });
    }
    drop(store);
    Ok(Json(SlotGrid {
        queue_id: q.queue_id,
        date: q.date,
        timezone: zone.name().to_string(),
        queue_timezone: grid.timezone.name().to_string(),
        slot_length: grid.length_secs,
        slots: out,
    }))
}
