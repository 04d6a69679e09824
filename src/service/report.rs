//! `GET /api/v2/callbacks/report?from=&to=&sla=`: callback reporting for WFM (seed 004): per queue
//! the callbacks requested in the period and how they ended, the Time to Callback (from the
//! request to its completion) against a service level, and the callbacks that broke it; per agent
//! the callbacks completed ("Callback Tasks Completed").

use super::ServiceState;
use super::auth::Scope;
use super::ops;
use super::problem::Problem;
use crate::callbacks::State;
use axum::Json;
use axum::extract::{Query, State as AxState};
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// The report's period and service level.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Callbacks requested at or after this instant (with an offset); the last 24 hours by default.
    pub from: Option<String>,
    /// … and before this one; now by default.
    pub to: Option<String>,
    /// The Time to Callback service level, a duration (`24h`, `90m`); 24h by default.
    pub sla: Option<String>,
}

/// One queue's figures.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueueReport {
    pub queue_id: String,
    /// Requested in the period.
    pub offered: u64,
    pub completed: u64,
    pub cancelled: u64,
    pub failed: u64,
    pub expired: u64,
    /// Not ended yet.
    pub pending: u64,
    /// Completed within the service level, over all completed (null when none completed).
    pub within_sla: Option<f64>,
    /// Time to Callback of the completed ones, seconds.
    pub time_to_callback_p50: Option<i64>,
    pub time_to_callback_p90: Option<i64>,
    /// Completed later than the service level, or still pending past it: their ids.
    pub over_sla: Vec<String>,
    /// Callbacks closed with each disposition code.
    pub dispositions: BTreeMap<String, u64>,
}

/// One agent's figures.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentReport {
    pub agent: String,
    /// Personal callbacks of this agent that completed ("Callback Tasks Completed").
    pub completed: u64,
    /// Personal callbacks of this agent still pending.
    pub pending: u64,
}

/// The report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub from: String,
    pub to: String,
    /// Seconds.
    pub sla: i64,
    pub queues: Vec<QueueReport>,
    pub agents: Vec<AgentReport>,
}

fn percentile(sorted: &[i64], q: f64) -> Option<i64> {
    (!sorted.is_empty()).then(|| sorted[((sorted.len() - 1) as f64 * q).round() as usize])
}

#[utoipa::path(get, path = "/api/v2/callbacks/report", tag = "reporting", params(ReportQuery),
    responses((status = 200, body = Report),
        (status = 400)),
    security(("bearer" = [])))]
pub async fn report(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Report>, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Read)?;
    if !caller.is_supervisor() {
        return Err(Problem::forbidden("reports are for supervisors and admins"));
    }
    let Query(q) = q.map_err(|e| Problem::bad_request("query", "query", e.body_text()))?;
    let now = Utc::now();
    let to: DateTime<Utc> = match &q.to {
        Some(t) => ops::instant(t, "to")?.with_timezone(&Utc),
        None => now,
    };
    let from: DateTime<Utc> = match &q.from {
        Some(t) => ops::instant(t, "from")?.with_timezone(&Utc),
        None => to - chrono::Duration::days(1),
    };
    let sla = match &q.sla {
        Some(text) => crate::time::parse_duration_secs(text)
            .map_err(|e| Problem::bad_request("query", "sla", format!("`{text}`: {e}")))?,
        None => 24 * 3600,
    };
    let mut period = ops::select(&state, &caller.role, Default::default(), None)?;
    period.retain(|cb| cb.created_at >= from && cb.created_at < to);
    let mut queues: BTreeMap<String, (QueueReport, Vec<i64>)> = BTreeMap::new();
    let mut agents: BTreeMap<String, AgentReport> = BTreeMap::new();
    for cb in &period {
        let (r, ttc) = queues.entry(cb.queue.clone()).or_default();
        r.offered += 1;
        if let Some(code) = cb.data.get("disposition") {
            *r.dispositions.entry(code.clone()).or_default() += 1;
        }
        let age_ms = (cb.updated_at - cb.created_at).num_milliseconds();
        let age = age_ms / 1000;
        match cb.state {
            State::Completed => {
                r.completed += 1;
                ttc.push(age);
                if age_ms > sla * 1000 {
                    r.over_sla.push(cb.id.clone());
                }
            }
            State::Cancelled => r.cancelled += 1,
            State::Failed => r.failed += 1,
            State::Expired => r.expired += 1,
            _ => {
                r.pending += 1;
                if (now - cb.created_at).num_milliseconds() > sla * 1000 {
                    r.over_sla.push(cb.id.clone());
                }
            }
        }
        if let Some(owner) = &cb.owner {
            let a = agents
                .entry(owner.clone())
                .or_insert_with(|| AgentReport { agent: owner.clone(), ..AgentReport::default() });
            match cb.state {
                State::Completed => a.completed += 1,
                s if !s.is_final() => a.pending += 1,
                _ => {}
            }
        }
    }
    let queues = queues
        .into_iter()
        .map(|(name, (mut r, mut ttc))| {
            ttc.sort_unstable();
            r.queue_id = name;
            r.within_sla = (!ttc.is_empty())
                .then(|| ttc.iter().filter(|t| **t <= sla).count() as f64 / ttc.len() as f64);
            r.time_to_callback_p50 = percentile(&ttc, 0.5);
            r.time_to_callback_p90 = percentile(&ttc, 0.9);
            r
        })
        .collect();
    Ok(Json(Report {
        from: from.to_rfc3339(),
        to: to.to_rfc3339(),
        sla,
        queues,
        agents: agents.into_values().collect(),
    }))
}
