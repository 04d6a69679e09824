//! Agent presence and availability: agents (or their desktop) say whether they are ready, not
//! ready, on a break or logged out (`PUT /api/v2/agents/{name}/presence`); `GET
//! /api/v2/availability` answers, per queue, who is logged in, on break, and ready with the
//! queue's skills (seed 004's `api/v2/availability`). The owner-away sweep uses the same
//! presence: an owned callback whose window is about to open while its owner is logged out or on
//! a break is given to a ready peer or returned to the queue, as the queue's `owner_away` says
//! (seed 004, edge case 2).
//!
//! Presence lives in the server's memory: after a restart every agent is logged out until their
//! desktop says otherwise (as a contact-center platform's presence does after an outage).

use super::auth::{Role, Scope};
use super::problem::Problem;
use super::{ServiceState, ops};
use crate::callbacks::Edit;
use crate::callbacks::store::{CallbackStore, ListFilter};
use crate::model::center::OwnerAway;
use axum::Json;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use utoipa::{IntoParams, ToSchema};

/// An agent's presence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    #[default]
    LoggedOut,
    Ready,
    NotReady,
    Break,
    /// An offer timed out on this agent's desk: not offered more until they say ready again
    /// (Genesys's Not Responding).
    NotResponding,
}

impl Presence {
    fn logged_in(self) -> bool {
        self != Presence::LoggedOut
    }

    /// Away for an owned callback: logged out or on a break.
    fn away(self) -> bool {
        matches!(self, Presence::LoggedOut | Presence::Break)
    }
}

/// Every agent's presence and since when.
#[derive(Debug, Default)]
pub struct Agents {
    presence: Mutex<HashMap<String, (Presence, DateTime<Utc>)>>,
}

impl Agents {
    pub fn get(&self, agent: &str) -> (Presence, Option<DateTime<Utc>>) {
        let map = self.presence.lock().unwrap_or_else(|e| e.into_inner());
        map.get(agent).map_or((Presence::LoggedOut, None), |(p, t)| (*p, Some(*t)))
    }

    pub fn set(&self, agent: &str, presence: Presence) -> DateTime<Utc> {
        let now = Utc::now();
        self.presence.lock().unwrap_or_else(|e| e.into_inner()).insert(agent.to_string(), (presence, now));
        now
    }
}

/// An agent of center.yaml with its presence.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentView {
    pub name: String,
    pub skills: Vec<String>,
    pub queues: Vec<String>,
    pub presence: Presence,
    /// When the presence was last set (RFC 3339); null: never since the server started.
    pub since: Option<String>,
}

/// `PUT …/presence`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PresenceBody {
    pub status: Presence,
}

fn view(state: &ServiceState, a: &crate::model::center::AgentConfig) -> AgentView {
    let (presence, since) = state.agents.get(&a.name);
    AgentView {
        name: a.name.clone(),
        skills: a.skills.clone(),
        queues: a.queues.clone(),
        presence,
        since: since.map(|t| t.to_rfc3339()),
    }
}

fn roster(state: &ServiceState) -> &[crate::model::center::AgentConfig] {
    state.center.as_ref().map_or(&[], |c| c.agents.as_slice())
}

/// `GET /api/v2/agents`: the roster with each agent's presence.
#[utoipa::path(get, path = "/api/v2/agents", tag = "agents",
    responses((status = 200, body = Vec<AgentView>)),
    security(("bearer" = [])))]
pub async fn list(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
) -> Result<Json<Vec<AgentView>>, Problem> {
    state.tokens.caller(&headers, Scope::Read)?;
    Ok(Json(roster(&state).iter().map(|a| view(&state, a)).collect()))
}

/// `PUT /api/v2/agents/{name}/presence`: an agent sets its own; a supervisor anyone's.
#[utoipa::path(put, path = "/api/v2/agents/{name}/presence", tag = "agents", params(("name" = String, Path)),
    request_body = PresenceBody,
    responses((status = 200, body = AgentView),
        (status = 400), (status = 404), (status = 415), (status = 422)),
    security(("bearer" = [])))]
pub async fn set_presence(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(name): Path<String>,
    b: super::genesys::Body<PresenceBody>,
) -> Result<Json<AgentView>, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Task)?;
    if let Role::Agent { agent } = &caller.role
        && agent != &name
    {
        return Err(Problem::forbidden("an agent sets only its own presence"));
    }
    let body = super::genesys::body(b)?;
    let agent = roster(&state).iter().find(|a| a.name == name).ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such agent",
            format!("`{name}` is not an agent of center.yaml"),
        )
    })?;
    // Negotiated logout: an agent on a call is not logged out under it; they stop getting work
    // (not ready) and are logged out once the call is closed with its disposition.
    let status = if body.status == Presence::LoggedOut && state.desk.request_logout(&name) {
        Presence::NotReady
    } else {
        if body.status != Presence::LoggedOut {
            state.desk.keep_logged_in(&name);
        }
        body.status
    };
    state.agents.set(&name, status);
    if status != Presence::Ready {
        state.desk.away(&name);
    }
    tracing::info!(agent = name, presence = ?body.status, "presence");
    Ok(Json(view(&state, agent)))
}

/// The availability query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityQuery {
    /// One queue; all queues when absent.
    pub queue_id: Option<String>,
}

/// One queue's agents by presence.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueueAvailability {
    pub queue_id: String,
    /// The skills an agent needs for the queue.
    pub skills: Vec<String>,
    /// Members logged in (ready, not ready or on a break).
    pub logged_in: usize,
    pub on_break: usize,
    pub not_ready: usize,
    /// Members ready with every skill of the queue: who can take a callback now.
    pub available: Vec<String>,
}

/// `GET /api/v2/availability`.
#[utoipa::path(get, path = "/api/v2/availability", tag = "agents", params(AvailabilityQuery),
    responses((status = 200, body = Vec<QueueAvailability>),
        (status = 400)),
    security(("bearer" = [])))]
pub async fn availability(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    q: Result<Query<AvailabilityQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<QueueAvailability>>, Problem> {
    state.tokens.caller(&headers, Scope::Read)?;
    let Query(q) = q.map_err(|e| Problem::bad_request("query", "query", e.body_text()))?;
    let Some(center) = &state.center else { return Ok(Json(Vec::new())) };
    if let Some(queue) = &q.queue_id
        && center.queue(queue).is_none()
    {
        return Err(Problem::bad_request(
            "CB001",
            "queueId",
            format!("`{queue}` is not a queue of this center"),
        ));
    }
    let answer = center
        .queues
        .values()
        .filter(|queue| q.queue_id.as_ref().is_none_or(|x| x == &queue.name))
        .map(|queue| queue_availability(&state, queue))
        .collect();
    Ok(Json(answer))
}

fn queue_availability(state: &ServiceState, queue: &crate::model::center::QueueConfig) -> QueueAvailability {
    let center = state.center.as_ref().expect("called with a center");
    let members: Vec<(&crate::model::center::AgentConfig, Presence)> =
        center.agents_of(&queue.name).map(|a| (a, state.agents.get(&a.name).0)).collect();
    let count = |p: Presence| members.iter().filter(|(_, x)| *x == p).count();
    QueueAvailability {
        queue_id: queue.name.clone(),
        skills: queue.skills.clone(),
        logged_in: members.iter().filter(|(_, p)| p.logged_in()).count(),
        on_break: count(Presence::Break),
        not_ready: count(Presence::NotReady),
        available: members
            .iter()
            .filter(|(a, p)| *p == Presence::Ready && queue.skills.iter().all(|s| a.skills.contains(s)))
            .map(|(a, _)| a.name.clone())
            .collect(),
    }
}

/// How far ahead of a window's opening the sweep looks: the dispatcher loads a callback a minute
/// before it is due, so its owner must be settled before that.
const SWEEP_AHEAD_SECS: i64 = 120;

/// The owner-away sweep: owned callbacks of queues with `owner_away: peer | queue`, due within
/// [`SWEEP_AHEAD_SECS`], whose owner is logged out or on a break, go to a ready peer with the
/// queue's skills (the first in center.yaml's order), else back to the queue. Answers how
/// many were moved.
pub fn sweep(state: &ServiceState) -> usize {
    let Some(center) = &state.center else { return 0 };
    let horizon = (Utc::now() + chrono::Duration::seconds(SWEEP_AHEAD_SECS)).timestamp_micros();
    let mut moved = 0;
    for queue in center.queues.values().filter(|q| q.callback.owner_away != OwnerAway::Keep) {
        let filter = ListFilter {
            state: Some("SCHEDULED".into()),
            queue: Some(queue.name.clone()),
            due_before: Some(horizon),
            ..ListFilter::default()
        };
        let rows = match state.lock_store().map(|s| s.list(&filter)) {
            Ok(Ok(rows)) => rows,
            _ => continue,
        };
        for row in rows {
            let Some(owner) = &row.owner else { continue };
            if !state.agents.get(owner).0.away() {
                continue;
            }
            let peer = match queue.callback.owner_away {
                OwnerAway::Peer => queue_availability(state, queue).available.into_iter().next(),
                _ => None,
            };
            let edit = Edit { owner: Some(peer.clone()), at_window_open: true, ..Edit::default() };
            match ops::edit(state, &Role::Admin, &row.id, &edit, |e| e.field.to_string()) {
                Ok(_) => {
                    moved += 1;
                    tracing::info!(
                        callback = row.id,
                        owner,
                        to = peer.as_deref().unwrap_or("the queue"),
                        "owner away: reassigned"
                    );
                }
                Err(p) => tracing::warn!(callback = row.id, "owner away, not reassigned: {}", p.detail),
            }
        }
    }
    moved
}
