//! Operations: `/readyz` (the store answers and the dispatcher runs), `/metrics` (Prometheus),
//! the event stream (`/api/v2/callbacks/events`, server-sent events), and the middleware that
//! times every request and logs it.

use super::auth::{Role, Scope};
use super::problem::Problem;
use super::{DispatcherState, ServiceState};
use crate::callbacks::store::CallbackStore;
use axum::extract::{MatchedPath, Request, State as AxState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// What `/readyz` answers.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Readiness {
    pub ready: bool,
    /// `ok`, or why the store cannot answer.
    pub store: String,
    /// running, none (no project), or stopped and why.
    pub dispatcher: String,
}

/// 200 when the store answers and the dispatcher (if the server has one) runs; 503 otherwise.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub async fn readyz(AxState(state): AxState<Arc<ServiceState>>) -> Response {
    let store =
        state.lock_store().and_then(|s| s.next_due_at().map_err(|e| Problem::internal(e.to_string())));
    let dispatcher =
        state.dispatcher.lock().map(|d| d.clone()).unwrap_or(DispatcherState::Stopped("poisoned".into()));
    let (ok, dispatcher_text) = match &dispatcher {
        DispatcherState::None => (true, "none (no project: run `callbacks dispatch`)".to_string()),
        DispatcherState::Running => (true, "running".to_string()),
        DispatcherState::Stopped(why) => (false, format!("stopped: {why}")),
    };
    let ready = ok && store.is_ok();
    let body = Readiness {
        ready,
        store: store.as_ref().map_or_else(|p| p.detail.clone(), |_| "ok".to_string()),
        dispatcher: dispatcher_text,
    };
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, axum::Json(body)).into_response()
}

#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
/// The Prometheus exposition (no token: scrapers are on the operator's network; it holds counts,
/// not callbacks).
pub async fn metrics(AxState(state): AxState<Arc<ServiceState>>) -> Response {
    let by_state = match state.lock_store().map(|s| s.count_by_state()) {
        Ok(Ok(counts)) => counts,
        _ => Vec::new(),
    };
    let text = state.metrics.render(&by_state);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

#[utoipa::path(get, path = "/api/v2/callbacks/events", tag = "events",
    responses((status = 200, description = "server-sent events: `callback` (a change, JSON) and `lagged`", body = String, content_type = "text/event-stream")),
    security(("bearer" = [])))]
/// `GET /api/v2/callbacks/events`: every change from now on, one SSE `callback` event each (JSON:
/// id, from, to, reason, …). An agent's stream carries only its own callbacks. A listener that
/// fell too far behind gets a `lagged` event and should read the list again.
pub async fn events(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let caller = state.tokens.stream_caller(&headers, Scope::Read)?;
    let agent = match caller.role {
        Role::Agent { agent } => Some(agent),
        _ => None,
    };
    let rx = state.events.subscribe();
    let stopping = state.stopping.subscribe();
    let stream =
        futures_util::stream::unfold((rx, agent, stopping), |(mut rx, agent, mut stopping)| async move {
            loop {
                let received = tokio::select! {
                    r = rx.recv() => r,
                    _ = stopping.wait_for(|s| *s) => return None,
                };
                let event = match received {
                    Ok(change) => {
                        // An agent sees the changes to its own callbacks and what happens on
                        // its own desk (an offer, a call, a callback reassigned away from it).
                        let about = |key: &str| change.get(key).and_then(|v| v.as_str());
                        // A campaign's start, pause or stop is news to every agent (their
                        // desktop warns the campaign's own).
                        if let Some(a) = &agent
                            && about("campaign").is_none()
                            && about("agentId") != Some(a.as_str())
                            && about("agent") != Some(a.as_str())
                        {
                            continue;
                        }
                        Event::default().event("callback").data(change.to_string())
                    }
                    Err(RecvError::Lagged(n)) => {
                        Event::default().event("lagged").data(json!({"missed": n}).to_string())
                    }
                    Err(RecvError::Closed) => return None,
                };
                return Some((Ok::<_, Infallible>(event), (rx, agent, stopping)));
            }
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()).into_response())
}

/// Times and counts every request by its route (not its path: ids would explode the series),
/// and logs it.
pub async fn track(AxState(state): AxState<Arc<ServiceState>>, req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(req).await;
    let secs = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state.metrics.request(&method, &route, status, secs);
    tracing::debug!(method, route, status, micros = (secs * 1e6) as u64, "request");
    response
}
