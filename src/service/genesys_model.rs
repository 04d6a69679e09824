//! The JSON of the Genesys shape: request bodies, query parameters and the callback as it is
//! shown. The OpenAPI document is generated from these types, so it says what the code does.

use crate::callbacks::Callback;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// `target {id, type}`: the number to call back.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Target {
    /// The number, E.164 preferred (`+31612345678`).
    pub id: String,
    /// `phoneNumber` (the only kind that can be called back).
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

/// `callbackWindow {startTime, duration}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    /// ISO 8601 with a UTC offset (`2026-12-03T10:00:00+01:00`); without one it is refused.
    pub start_time: String,
    /// Seconds (a whole number; `3600.0` is read as 3600).
    #[serde(deserialize_with = "whole_seconds")]
    pub duration: i64,
}

/// A whole number of seconds, written as an integer or a float with no fraction.
fn whole_seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = f64::deserialize(d)?;
    if n.fract() != 0.0 || !n.is_finite() || n.abs() > 1e12 {
        return Err(serde::de::Error::custom(format!("{n} is not a whole number of seconds")));
    }
    Ok(n as i64)
}

/// The create body (seed 004).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateBody {
    /// The number to call; may be left out with `contactId` (one of the contact's numbers is
    /// picked), and is added to the contact when it is not one of its numbers.
    pub target: Option<Target>,
    /// A contact of `/api/v2/contacts`: its zone, name and numbers fill what the body leaves out.
    pub contact_id: Option<String>,
    /// With `contactId`: call the contact's number of this type (`home`, `mobile`, `work`, `other`),
    /// or give a number added to the contact this type.
    pub number_type: Option<String>,
    /// A queue of the project's center.yaml.
    pub queue_id: String,
    /// When to call, with a UTC offset; the queue's shortest window from there. Neither this nor
    /// `callbackWindow`: as soon as possible.
    pub requested_time: Option<String>,
    pub callback_window: Option<Window>,
    /// The owning agent (a personal callback); absent: the queue.
    pub agent_id: Option<String>,
    /// Free key/values; `timezone` (IANA), `customerName` and `reason` are read.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub external_data: BTreeMap<String, Value>,
    /// `pending` if given.
    pub status: Option<String>,
}

/// List filters and the cursor.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Exact number (normalised to E.164 first).
    pub phone_number: Option<String>,
    /// scheduled, queued, routing, processing, completed, cancelled, failed, expired.
    pub status: Option<String>,
    pub queue_id: Option<String>,
    pub agent_id: Option<String>,
    /// Windows starting at or after this instant (with an offset).
    pub from: Option<String>,
    /// Windows starting before this instant.
    pub to: Option<String>,
    /// 1 to 100 (25).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<usize>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// The PATCH body: a new time (`requestedTime` or `callbackWindow`, with an offset, in
/// `externalData.timezone` or the callback's zone), a new owner (`agentId`; `null` returns it to
/// the queue), another queue (`queueId`), or several of these.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatchBody {
    /// Call another number: with `contactId`, one of the contact's (or one added to it).
    pub target: Option<Target>,
    /// Pick the number from this contact (by `numberType`, else the first callable in the window).
    pub contact_id: Option<String>,
    pub number_type: Option<String>,
    pub requested_time: Option<String>,
    pub callback_window: Option<Window>,
    /// Another queue of center.yaml to serve it (a scheduled callback only; its window is asked
    /// again under that queue's rules).
    pub queue_id: Option<String>,
    /// A new owner; `null`: back to the queue.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub agent_id: Option<Option<String>>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub external_data: BTreeMap<String, Value>,
}

/// `Some(None)` for an explicit `null`, `None` when the field is absent.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// `target` as shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetView {
    /// E.164.
    pub id: String,
    /// Always `phoneNumber`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// `callbackWindow` as shown.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WindowView {
    /// RFC 3339, UTC.
    pub start_time: String,
    /// Seconds.
    pub duration: i64,
    /// The customer's IANA zone.
    pub timezone: String,
}

/// A callback as the Genesys shape shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GenesysCallback {
    pub id: String,
    /// scheduled, queued, routing, processing, completed, cancelled, failed, expired.
    pub status: String,
    pub target: TargetView,
    pub queue_id: String,
    /// The owning agent; null: any agent of the queue.
    pub agent_id: Option<String>,
    /// The window's start (RFC 3339, UTC); null: as soon as possible.
    pub requested_time: Option<String>,
    pub callback_window: Option<WindowView>,
    pub external_data: BTreeMap<String, String>,
    pub customer_name: String,
    pub attempts: u32,
    pub max_attempts: u32,
    /// Why it ended (cancelled_by_api, agent_connected, …); null while pending.
    pub end_reason: Option<String>,
    pub created_date: String,
    pub modified_date: String,
    /// Who made it: `api`, `agent:NAME` or `flow:NAME` (the supervisor view's Origin column).
    pub origin: String,
}

/// The callback as this API shows it.
pub fn view(cb: &Callback) -> GenesysCallback {
    GenesysCallback {
        id: cb.id.clone(),
        status: cb.state.as_str().to_string(),
        target: TargetView { id: cb.callback_number.clone(), kind: "phoneNumber".into() },
        queue_id: cb.queue.clone(),
        agent_id: cb.owner.clone(),
        requested_time: cb.schedule.as_ref().map(|s| s.window_start_utc.to_rfc3339()),
        callback_window: cb.schedule.as_ref().map(|s| WindowView {
            start_time: s.window_start_utc.to_rfc3339(),
            duration: (s.window_end_utc - s.window_start_utc).num_seconds(),
            timezone: s.timezone.clone(),
        }),
        external_data: cb.data.clone(),
        customer_name: cb.customer_name.clone(),
        attempts: cb.attempts_made,
        max_attempts: cb.max_attempts,
        end_reason: cb.end_reason.map(|r| r.as_str().to_string()),
        created_date: cb.created_at.to_rfc3339(),
        modified_date: cb.updated_at.to_rfc3339(),
        origin: match &cb.origin {
            crate::callbacks::model::Origin::Api => "api".to_string(),
            crate::callbacks::model::Origin::Agent { agent } => format!("agent:{agent}"),
            crate::callbacks::model::Origin::Flow { flow } => format!("flow:{flow}"),
        },
    }
}

/// One page of `GET /api/v2/callbacks`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallbackPage {
    pub entities: Vec<GenesysCallback>,
    pub page_size: usize,
    /// Callbacks matching the filters, on every page.
    pub total: usize,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// `POST /api/v2/callbacks/batch`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BatchBody {
    /// At most 100.
    #[schema(value_type = Vec<CreateBody>)]
    pub callbacks: Vec<Value>,
}

/// One item's outcome: its status, and the callback or the problem.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback: Option<GenesysCallback>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<super::problem::ProblemDoc>)]
    pub problem: Option<Value>,
}

/// The batch's answer, one result per item in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchAnswer {
    pub results: Vec<BatchResult>,
}
