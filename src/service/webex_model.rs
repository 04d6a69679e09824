//! The JSON of the Webex shape: the scheduled-callback record, the list envelope and the query.
//! The OpenAPI document is generated from these types.

use crate::callbacks::Callback;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The create and PUT body. Every field is optional here so that a missing one is a CB001 naming
/// it, not a serde message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduledCallback {
    pub customer_name: Option<String>,
    pub callback_number: Option<String>,
    pub timezone: Option<String>,
    /// `YYYY-MM-DD` in `timezone`.
    pub schedule_date: Option<String>,
    /// `HH:MM` (or `HH:MM:SS`) in `timezone`.
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub queue_id: Option<String>,
    pub callback_reason: Option<String>,
    /// The interaction the callback came from (kept in the callback's data).
    pub source_interaction: Option<String>,
    /// The agent of a personal callback.
    pub assignee_agent: Option<String>,
}

/// List parameters: by number or by agent (one is required), a page at a time.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Exact match (a number stored with `+` is searched with `+`).
    pub callback_number: Option<String>,
    /// The agent of personal callbacks.
    pub assignee_agent: Option<String>,
    /// From 0.
    #[param(minimum = 0)]
    pub page: Option<usize>,
    /// 1 to 100 (10).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<usize>,
    /// scheduleDate (default), createdTimestamp, lastUpdatedTimestamp, customerName, assignedTime.
    #[param(pattern = "^(scheduleDate|createdTimestamp|lastUpdatedTimestamp|customerName|assignedTime)$")]
    pub sort_by: Option<String>,
    /// asc (default) or desc.
    #[param(pattern = "^(asc|desc)$")]
    pub sort_order: Option<String>,
}

/// A scheduled callback as Webex shows it (times in the customer's zone; timestamps in epoch
/// milliseconds).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebexCallback {
    pub id: String,
    pub org_id: String,
    pub customer_name: String,
    pub callback_number: String,
    pub timezone: Option<String>,
    pub schedule_date: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub queue_id: String,
    pub callback_reason: Option<String>,
    pub source_interaction: Option<String>,
    pub assignee_agent: Option<String>,
    /// livecall (a flow's offer), agent, api.
    pub callback_origin: String,
    pub status: String,
    pub created_timestamp: i64,
    pub last_updated_timestamp: i64,
    pub assigned_time: Option<i64>,
}

pub fn view(org: &str, cb: &Callback) -> WebexCallback {
    let s = cb.schedule.as_ref();
    WebexCallback {
        id: cb.id.clone(),
        org_id: org.to_string(),
        customer_name: cb.customer_name.clone(),
        callback_number: cb.callback_number.clone(),
        timezone: s.map(|s| s.timezone.clone()),
        schedule_date: s.map(|s| s.schedule_date.format("%Y-%m-%d").to_string()),
        start_time: s.map(|s| s.window_start.format("%H:%M").to_string()),
        end_time: s.map(|s| s.window_end.format("%H:%M").to_string()),
        queue_id: cb.queue.clone(),
        callback_reason: cb.reason.clone(),
        source_interaction: cb.data.get("sourceInteraction").cloned(),
        assignee_agent: cb.owner.clone(),
        callback_origin: match &cb.origin {
            crate::callbacks::model::Origin::Flow { .. } => "livecall",
            crate::callbacks::model::Origin::Agent { .. } => "agent",
            crate::callbacks::model::Origin::Api => "api",
        }
        .to_string(),
        status: cb.state.as_str().to_string(),
        created_timestamp: cb.created_at.timestamp_millis(),
        last_updated_timestamp: cb.updated_at.timestamp_millis(),
        assigned_time: cb.owner.as_ref().map(|_| cb.updated_at.timestamp_millis()),
    }
}

/// Links between pages.
#[derive(Debug, Serialize, ToSchema)]
pub struct Links {
    #[serde(rename = "self")]
    pub this: String,
    pub first: String,
    pub last: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
}

/// The list envelope's `meta`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub org_id: String,
    /// From 0.
    pub page: usize,
    pub page_size: usize,
    pub total_pages: usize,
    pub total_records: usize,
    pub links: Links,
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebexPage {
    pub meta: Meta,
    pub data: Vec<WebexCallback>,
}
