//! The web phone's lines (`/phone`): a person registers a phone number, dials one of the
//! project's numbers (`numbers:` in center.yaml), hears the flow as text, presses keys, waits in
//! the queue with its position and estimated wait — and when a callback dials their number, their
//! phone rings and the outbound flow plays on it.
//!
//! The HTTP handlers hold the person's end of each line; the dispatcher's engine holds the other
//! through [`ServiceSwitchboard`] (the [`Switchboard`] it is given): calls placed wait in
//! `incoming` until the engine's loop takes them; a ring waits on a oneshot for Answer. Keys go
//! to the engine on an unbounded channel, what the flow says comes back on a broadcast channel
//! that the line's event stream (SSE) reads.

use super::ServiceState;
use super::auth::Scope;
use super::genesys::{Body, body};
use super::problem::Problem;
use crate::runtime::{InboundCall, LineEvent, LiveLine, Switchboard};
use axum::Json;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use utoipa::ToSchema;

/// How long a phone rings before the dial counts as not answered.
pub const RING_SECS: u64 = 30;

/// The lines of every web phone, and the calls placed that the engine has not taken yet.
#[derive(Default)]
pub struct Phones {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    lines: HashMap<String, Line>,
    incoming: Vec<InboundCall>,
    /// The last line's number (`line-N`).
    next: u64,
    /// The last call's number (`call-N` on the agent desk).
    calls: u64,
}

struct Line {
    /// E.164; a callback to this number rings this line.
    number: String,
    /// The caller's name (`Call.CallerName`).
    name: String,
    /// The token that registered the line: only it may use it.
    owner: String,
    events: broadcast::Sender<LineEvent>,
    /// The call in progress, if any.
    call: Option<Active>,
    /// A callback ringing this phone.
    ringing: Option<oneshot::Sender<bool>>,
    /// What the agent desk calls the call on this line: `call-N` for a call the phone placed, the
    /// callback's id for a callback it answered (the desk's hold and keys reach the phone by it).
    desk_id: Option<String>,
}

/// The person's end of a call: keys to send, and the hang-up switch.
struct Active {
    keys: mpsc::UnboundedSender<char>,
    hang_up: watch::Sender<bool>,
}

impl Active {
    /// The engine dropped its end when the call ended.
    fn ended(&self) -> bool {
        self.keys.is_closed()
    }
}

/// A new call's two ends: the person's, and the engine's [`LiveLine`].
fn connect(events: &broadcast::Sender<LineEvent>) -> (Active, LiveLine) {
    let (keys_tx, keys_rx) = mpsc::unbounded_channel();
    let (hang_tx, hang_rx) = watch::channel(false);
    (Active { keys: keys_tx, hang_up: hang_tx }, LiveLine::new(keys_rx, events.clone(), hang_rx))
}

impl Phones {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The line `id` of the caller with token hash `owner`.
    fn line<T>(
        &self,
        id: &str,
        owner: &str,
        f: impl FnOnce(&mut Line) -> Result<T, Problem>,
    ) -> Result<T, Problem> {
        self.with(|i| match i.lines.get_mut(id) {
            Some(line) if line.owner == owner => f(line),
            _ => Err(Problem::not_found(id)),
        })
    }
}

impl Phones {
    /// Tells the phone on the call the desk knows as `desk_id` (if a web phone is on it) what the
    /// agent did.
    pub fn tell(&self, desk_id: &str, event: LineEvent) {
        self.with(|i| {
            let on_call = |l: &&mut Line| {
                l.desk_id.as_deref() == Some(desk_id) && l.call.as_ref().is_some_and(|c| !c.ended())
            };
            if let Some(line) = i.lines.values_mut().find(on_call) {
                let _ = line.events.send(event);
            }
        });
    }
}

/// The engine's side: it takes the calls placed, and rings the phones.
pub struct ServiceSwitchboard(pub Arc<ServiceState>);

impl Switchboard for ServiceSwitchboard {
    fn incoming(&self) -> Vec<InboundCall> {
        self.0.phones.with(|i| std::mem::take(&mut i.incoming))
    }

    fn ring(
        &self,
        number: &str,
        callback_id: &str,
        caller_id: Option<&str>,
    ) -> Option<Pin<Box<dyn Future<Output = Option<LiveLine>>>>> {
        let (tx, rx) = oneshot::channel();
        let line_id = self.0.phones.with(|i| {
            let (id, line) = i.lines.iter_mut().find(|(_, l)| l.number == number)?;
            // A phone on a call is busy: the dial is not answered.
            if line.call.as_ref().is_some_and(|c| !c.ended()) || line.ringing.is_some() {
                return Some((id.clone(), false));
            }
            line.ringing = Some(tx);
            let from = caller_id.map(str::to_string);
            let _ = line.events.send(LineEvent::Ringing { callback_id: callback_id.to_string(), from });
            Some((id.clone(), true))
        })?;
        let state = self.0.clone();
        let callback = callback_id.to_string();
        tracing::info!(callback = callback_id, line = line_id.0, "ringing the web phone");
        Some(Box::pin(async move {
            let (id, rang) = line_id;
            let answered = rang
                && matches!(
                    tokio::time::timeout(std::time::Duration::from_secs(RING_SECS), rx).await,
                    Ok(Ok(true))
                );
            state.phones.with(|i| {
                let line = i.lines.get_mut(&id)?;
                line.ringing = None;
                if !answered {
                    if rang {
                        let _ = line.events.send(LineEvent::Ended { reason: "missed call".into() });
                    }
                    return None;
                }
                let (active, live) = connect(&line.events);
                line.call = Some(active);
                line.desk_id = Some(callback.clone());
                Some(live)
            })
        }))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLine {
    /// This phone's number: callbacks to it ring here (`Call.Ani` of the calls it places).
    pub number: String,
    /// The caller's name (`Call.CallerName`).
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineView {
    pub id: String,
    /// E.164.
    pub number: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryEntry {
    pub number: String,
    pub flow: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dial {
    /// One of the project's numbers (`GET /api/v2/phone/numbers`).
    pub to: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Keys {
    /// DTMF keys: digits, `*` and `#`.
    pub keys: String,
}

fn conflict(code: &str, detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::CONFLICT, code, "not now", detail)
}

/// `GET /api/v2/phone/numbers`: the numbers this project answers, and the flow each reaches.
#[utoipa::path(get, path = "/api/v2/phone/numbers", tag = "phone",
    responses((status = 200, body = [DirectoryEntry])), security(("bearer" = [])))]
pub async fn numbers(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
) -> Result<Json<Vec<DirectoryEntry>>, Problem> {
    state.tokens.caller(&headers, Scope::Read)?;
    let list = state.center.iter().flat_map(|c| c.numbers.iter());
    Ok(Json(list.map(|n| DirectoryEntry { number: n.number.clone(), flow: n.flow.clone() }).collect()))
}

/// `POST /api/v2/phone/lines`: registers a web phone for a number.
#[utoipa::path(post, path = "/api/v2/phone/lines", tag = "phone", request_body = NewLine,
    responses((status = 201, body = LineView), (status = 400, description = "not a phone number"),
        (status = 409, description = "another phone has the number"), (status = 413), (status = 415), (status = 422, description = "a body that cannot be read")),
    security(("bearer" = [])))]
pub async fn create_line(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    req: Body<NewLine>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Read)?;
    let req = body(req)?;
    let number = crate::callbacks::normalize_number(&req.number, None)
        .map_err(|e| Problem::bad_request("invalid_number", "number", e.to_string()))?;
    let name =
        req.name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).unwrap_or_else(|| number.clone());
    let view = state.phones.with(|i| {
        if i.lines.values().any(|l| l.number == number) {
            return Err(conflict("number_taken", format!("another web phone has {number}")));
        }
        i.next += 1;
        let id = format!("line-{}", i.next);
        let (events, _) = broadcast::channel(256);
        let line = Line {
            number: number.clone(),
            name: name.clone(),
            owner: caller.key.clone(),
            events,
            call: None,
            ringing: None,
            desk_id: None,
        };
        i.lines.insert(id.clone(), line);
        Ok(LineView { id, number, name })
    })?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// `DELETE /api/v2/phone/lines/{id}`: the phone goes away (a call on it is hung up).
#[utoipa::path(delete, path = "/api/v2/phone/lines/{id}", tag = "phone",
    params(("id" = String, Path)), responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn delete_line(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Read)?;
    state.phones.line(&id, &caller.key, |_| Ok(()))?;
    let line = state.phones.with(|i| i.lines.remove(&id));
    if let Some(call) = line.and_then(|l| l.call) {
        let _ = call.hang_up.send(true);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v2/phone/lines/{id}/calls`: dials one of the project's numbers; its inbound flow
/// answers on the dispatcher's engine.
#[utoipa::path(post, path = "/api/v2/phone/lines/{id}/calls", tag = "phone", request_body = Dial,
    params(("id" = String, Path)),
    responses((status = 202, description = "dialling"), (status = 400, description = "a body that is not a dial"),
        (status = 404, description = "no such line or number"),
        (status = 409, description = "the phone is on a call"), (status = 503, description = "no dispatcher runs"), (status = 413), (status = 415), (status = 422, description = "a body that cannot be read")),
    security(("bearer" = [])))]
pub async fn dial(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    req: Body<Dial>,
) -> Result<Response, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Read)?;
    let req = body(req)?;
    if *state.dispatcher.lock().unwrap_or_else(|e| e.into_inner()) != super::DispatcherState::Running {
        return Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_dispatcher",
            "nobody answers",
            "no flow runs on this server: start `callwright serve` with a project",
        ));
    }
    let Some(to) = state.center.as_ref().and_then(|c| c.flow_for(&req.to)) else {
        let known: Vec<&str> =
            state.center.iter().flat_map(|c| c.numbers.iter()).map(|n| n.number.as_str()).collect();
        let detail = if known.is_empty() {
            format!("no flow answers {}: center.yaml has no `numbers:`", req.to)
        } else {
            format!("no flow answers {}; this project answers {}", req.to, known.join(", "))
        };
        return Err(
            Problem::new(StatusCode::NOT_FOUND, "unknown_number", "no such number", detail).field("to")
        );
    };
    let (flow, dnis) = (to.flow.clone(), to.number.clone());
    state
        .phones
        .line(&id, &caller.key, |line| {
            if line.call.as_ref().is_some_and(|c| !c.ended()) {
                return Err(conflict("busy", "this phone is on a call: hang up first"));
            }
            let (active, live) = connect(&line.events);
            line.call = Some(active);
            Ok((line.number.clone(), line.name.clone(), live))
        })
        .map(|(ani, name, live)| {
            state.phones.with(|i| {
                i.calls += 1;
                let call = i.calls;
                if let Some(line) = i.lines.get_mut(&id) {
                    line.desk_id = Some(format!("call-{call}"));
                }
                i.incoming.push(InboundCall { id: call, flow: flow.clone(), ani, name, dnis, line: live });
                call
            })
        })
        .map(|call| tracing::info!(line = id, call, flow, "web phone dialled"))?;
    Ok((StatusCode::ACCEPTED, Json(serde_json::json!({ "flow": flow }))).into_response())
}

/// `POST /api/v2/phone/lines/{id}/keys`: presses keys on the call.
#[utoipa::path(post, path = "/api/v2/phone/lines/{id}/keys", tag = "phone", request_body = Keys,
    params(("id" = String, Path)),
    responses((status = 204), (status = 400, description = "not a DTMF key"), (status = 404, description = "no such line"),
        (status = 409, description = "no call"), (status = 413), (status = 415), (status = 422, description = "a body that cannot be read")),
    security(("bearer" = [])))]
pub async fn keys(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    req: Body<Keys>,
) -> Result<StatusCode, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Read)?;
    let req = body(req)?;
    if let Some(bad) = req.keys.chars().find(|c| !(c.is_ascii_digit() || matches!(c, '*' | '#'))) {
        return Err(Problem::bad_request(
            "invalid_key",
            "keys",
            format!("`{bad}` is not a phone key (0-9, * and #)"),
        ));
    }
    state.phones.line(&id, &caller.key, |line| match &line.call {
        Some(call) if !call.ended() => {
            for k in req.keys.chars() {
                let _ = call.keys.send(k);
            }
            Ok(StatusCode::NO_CONTENT)
        }
        _ => Err(conflict("no_call", "this phone is not on a call")),
    })
}

/// `POST /api/v2/phone/lines/{id}/answer`: picks up a ringing phone.
#[utoipa::path(post, path = "/api/v2/phone/lines/{id}/answer", tag = "phone",
    params(("id" = String, Path)), responses((status = 204), (status = 404, description = "no such line"), (status = 409, description = "not ringing")),
    security(("bearer" = [])))]
pub async fn answer(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Read)?;
    state.phones.line(&id, &caller.key, |line| match line.ringing.take() {
        Some(ring) => {
            let _ = ring.send(true);
            Ok(StatusCode::NO_CONTENT)
        }
        None => Err(conflict("not_ringing", "this phone is not ringing")),
    })
}

/// `POST /api/v2/phone/lines/{id}/hangup`: hangs up the call, or declines a ringing call.
#[utoipa::path(post, path = "/api/v2/phone/lines/{id}/hangup", tag = "phone",
    params(("id" = String, Path)), responses((status = 204), (status = 404, description = "no such line"), (status = 409, description = "no call")),
    security(("bearer" = [])))]
pub async fn hang_up(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Read)?;
    state.phones.line(&id, &caller.key, |line| {
        if let Some(ring) = line.ringing.take() {
            let _ = ring.send(false);
            return Ok(StatusCode::NO_CONTENT);
        }
        match line.call.take() {
            Some(call) if !call.ended() => {
                let _ = call.hang_up.send(true);
                Ok(StatusCode::NO_CONTENT)
            }
            _ => Err(conflict("no_call", "this phone is not on a call")),
        }
    })
}

/// `GET /api/v2/phone/lines/{id}/events`: what the line hears and shows, as server-sent events
/// (`line`, JSON with a `type`: ringing, connected, prompt, keys, no_input, waiting, agent,
/// callback_booked, ended).
#[utoipa::path(get, path = "/api/v2/phone/lines/{id}/events", tag = "phone",
    params(("id" = String, Path)),
    responses((status = 200, body = String, content_type = "text/event-stream"), (status = 404)),
    security(("bearer" = [])))]
pub async fn events(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let caller = state.tokens.stream_caller(&headers, Scope::Read)?;
    let rx = state.phones.line(&id, &caller.key, |line| Ok(line.events.subscribe()))?;
    let stopping = state.stopping.subscribe();
    let stream = futures_util::stream::unfold((rx, stopping), |(mut rx, mut stopping)| async move {
        let received = tokio::select! {
            r = rx.recv() => r,
            _ = stopping.wait_for(|s| *s) => return None,
        };
        let event = match received {
            Ok(e) => Event::default().event("line").data(serde_json::to_string(&e).unwrap_or_default()),
            Err(broadcast::error::RecvError::Lagged(n)) => {
                Event::default().event("lagged").data(serde_json::json!({ "missed": n }).to_string())
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok::<_, std::convert::Infallible>(event), (rx, stopping)))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()).into_response())
}
