//! The agent desk (`serve --agents people`): callbacks offered to the signed-in person for
//! preview, the call they are on, and the operations their desktop calls (seed 001): accept or
//! reject the offer (a time-out redirects it to the next agent and marks the agent not
//! responding), follow the dial, end the call, then close it with a disposition (Done).
//!
//! The dispatcher's engine asks through [`PeopleDesk`] (the [`AgentDesk`] it is given); the HTTP
//! handlers answer through [`Desk`]. Both sides meet in one table per agent, under a mutex held
//! for a few map operations; an offer's answer travels on a oneshot channel, so the engine's
//! single-threaded runtime and the server's workers never wait on each other.

use super::agents::Presence;
use super::auth::{Caller, Role, Scope};
use super::problem::Problem;
use super::{ServiceState, ops};
use crate::callbacks::desk::{AgentDesk, CallStatus, Offer};
use crate::callbacks::people::AgentResponse;
use axum::Json;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;
use utoipa::ToSchema;

/// One agent's seat: at most one offer and one call at a time (the ACD offers an agent one
/// entry, and an agent on a call is not offered another).
#[derive(Default)]
struct Seat {
    offer: Option<PendingOffer>,
    call: Option<Call>,
    /// The agent asked to log out during a call: they are logged out once it is closed
    /// (negotiated logout, seed 002).
    logout: bool,
}

struct PendingOffer {
    offer: Offer,
    at: DateTime<Utc>,
    /// Dropped unused when the offer times out: the engine stopped listening.
    answer: oneshot::Sender<AgentResponse>,
}

struct Call {
    callback_id: String,
    status: CallView,
    /// The agent put the customer on hold.
    held: bool,
    /// Fired by End call; the engine's talk waits on it.
    end: Option<oneshot::Sender<()>>,
}

/// The seats of every agent.
#[derive(Default)]
pub struct Desk {
    seats: Mutex<HashMap<String, Seat>>,
}

impl Desk {
    fn with<T>(&self, agent: &str, f: impl FnOnce(&mut Seat) -> T) -> T {
        let mut seats = self.seats.lock().unwrap_or_else(|e| e.into_inner());
        f(seats.entry(agent.to_string()).or_default())
    }

    /// The agent left (logged out, not ready, a break): an offer they had goes back to the queue
    /// at once, as a rejection does (not an attempt, same place).
    pub fn away(&self, agent: &str) {
        let offer = self.with(agent, |s| s.offer.take());
        if let Some(o) = offer {
            let _ = o.answer.send(AgentResponse::Reject);
        }
    }

    /// Whether `agent` worked `callback_id` (it is, or was last, on their desk's call): they may
    /// close it with a disposition even when it is a queue callback they do not own.
    pub fn worked(&self, agent: &str, callback_id: &str) -> bool {
        self.with(agent, |s| s.call.as_ref().is_some_and(|c| c.callback_id == callback_id))
    }

    /// Nothing on `agent`'s desk: no offer, no call (a campaign may feed them a record).
    pub fn idle(&self, agent: &str) -> bool {
        self.with(agent, |s| s.offer.is_none() && s.call.is_none())
    }

    /// Done: the call leaves the desk once it is closed with a disposition. Answers whether a
    /// logout the agent asked for is now authorised.
    pub fn done(&self, agent: &str, callback_id: &str) -> bool {
        self.with(agent, |s| {
            if s.call.as_ref().is_some_and(|c| c.callback_id == callback_id && c.end.is_none()) {
                s.call = None;
                return std::mem::take(&mut s.logout);
            }
            false
        })
    }

    /// A logout asked for while a call is on the desk: kept until the call is done (answers
    /// `true`); with nothing on the desk, `false` (log out now).
    pub fn request_logout(&self, agent: &str) -> bool {
        self.with(agent, |s| {
            s.logout = s.call.is_some();
            s.logout
        })
    }

    /// Whether `agent` waits for their call to be done to log out.
    pub fn logout_requested(&self, agent: &str) -> bool {
        self.with(agent, |s| s.logout)
    }

    /// The agent said something else (ready, not ready): a pending logout is withdrawn.
    pub fn keep_logged_in(&self, agent: &str) {
        self.with(agent, |s| s.logout = false);
    }
}

/// The engine's side of the desk: offers, presence and calls through the service's state.
pub struct PeopleDesk(pub Arc<ServiceState>);

impl AgentDesk for PeopleDesk {
    fn offer(&self, offer: Offer) -> Pin<Box<dyn Future<Output = AgentResponse>>> {
        let (tx, rx) = oneshot::channel();
        let (agent, id) = (offer.agent.clone(), offer.callback_id.clone());
        self.0.desk.with(&agent, |s| s.offer = Some(PendingOffer { offer, at: Utc::now(), answer: tx }));
        self.0.events.agent(&agent, "offered", &id);
        tracing::info!(agent, callback = id, "offered for preview");
        // A sender dropped without an answer (the server stopping) is a rejection: the callback
        // goes back to its queue.
        Box::pin(async move { rx.await.unwrap_or(AgentResponse::Reject) })
    }

    fn timed_out(&self, agent: &str, callback_id: &str) {
        self.0.desk.with(agent, |s| {
            if s.offer.as_ref().is_some_and(|o| o.offer.callback_id == callback_id) {
                s.offer = None;
            }
        });
        self.0.agents.set(agent, Presence::NotResponding);
        self.0.events.agent(agent, "offer_timed_out", callback_id);
        tracing::info!(agent, callback = callback_id, "offer timed out; agent not responding");
    }

    fn previewed(&self, agent: &str, callback_id: &str) {
        self.0.desk.with(agent, |s| {
            if s.offer.as_ref().is_some_and(|o| o.offer.callback_id == callback_id) {
                s.offer = None;
            }
        });
        self.0.events.agent(agent, "preview_dialled", callback_id);
    }

    fn ready(&self, agent: &str) -> bool {
        self.0.agents.get(agent).0 == Presence::Ready
    }

    fn call(&self, agent: &str, callback_id: &str, status: CallStatus) {
        let view = CallView::new(callback_id, status);
        self.0.desk.with(agent, |s| match &mut s.call {
            Some(c) if c.callback_id == callback_id => c.status = view,
            _ => {
                s.call =
                    Some(Call { callback_id: callback_id.to_string(), status: view, held: false, end: None })
            }
        });
        self.0.events.agent(agent, "call", callback_id);
    }

    fn talk(&self, agent: &str, callback_id: &str) -> Pin<Box<dyn Future<Output = ()>>> {
        let (tx, rx) = oneshot::channel();
        self.0.desk.with(agent, |s| {
            if let Some(c) = s.call.as_mut().filter(|c| c.callback_id == callback_id) {
                c.end = Some(tx);
            }
        });
        Box::pin(async move {
            let _ = rx.await;
        })
    }
}

/// The call on an agent's desk.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallView {
    pub callback_id: String,
    /// `dialling`, `connected`, `on_hold`, `ended` (the call ended; close it with a disposition) or
    /// `not_connected` (no conversation: the callback is retried or ends by its rules).
    pub status: String,
    /// The attempt being dialled (from 1).
    pub attempt: Option<u32>,
    /// Why a dial did not connect: `no_answer`, `busy`.
    pub result: Option<String>,
    pub since: String,
}

impl CallView {
    fn new(callback_id: &str, status: CallStatus) -> CallView {
        let (name, attempt, result) = match status {
            CallStatus::Dialling(n) => ("dialling", Some(n), None),
            CallStatus::Connected => ("connected", None, None),
            CallStatus::NotConnected(r) => ("not_connected", None, Some(r.as_str().to_string())),
        };
        CallView {
            callback_id: callback_id.to_string(),
            status: name.to_string(),
            attempt,
            result,
            since: Utc::now().to_rfc3339(),
        }
    }
}

/// A callback offered for preview, with the case information the preview shows.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfferView {
    pub callback_id: String,
    pub queue_id: String,
    pub number: String,
    pub customer_name: String,
    pub reason: Option<String>,
    /// The flow's attached data and the callback's external data.
    pub data: BTreeMap<String, String>,
    /// The customer's IANA zone and the time there now, when the callback has one.
    pub customer_timezone: Option<String>,
    pub customer_local_time: Option<String>,
    pub offered_at: String,
    /// After this the offer goes to the next agent and this agent is not responding.
    pub expires_at: String,
    pub seconds_left: i64,
    /// The campaign of a campaign record, and its dialling mode (`preview`: Dial or Skip, dialled
    /// when the time is up; `push_preview`: Accept or Reject).
    pub campaign: Option<String>,
    pub mode: Option<String>,
    /// The contact of a campaign record (its numbers, for the number chooser).
    pub contact_id: Option<String>,
}

/// What an agent's desktop shows.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeskView {
    pub agent: String,
    pub presence: Presence,
    pub offer: Option<OfferView>,
    pub call: Option<CallView>,
    /// The disposition codes of the call's queue (what Done may be closed with); empty without
    /// a call.
    pub dispositions: Vec<String>,
    /// The campaigns the agent works (My Campaigns), with their status: the desktop warns when
    /// one starts.
    pub campaigns: Vec<super::campaigns::AgentCampaign>,
    /// The agent asked to log out while working a record: authorised once it is done.
    pub logout_requested: bool,
}

/// A live call put through to the desk (the web phone's), not a callback.
fn is_live_call(id: &str) -> bool {
    id.starts_with("call-")
}

fn desk_view(state: &ServiceState, agent: &str) -> DeskView {
    let (offer, call) = state.desk.with(agent, |s| {
        // A live call whose caller hung up: the engine stopped waiting on End call.
        if s.call
            .as_ref()
            .is_some_and(|c| is_live_call(&c.callback_id) && c.end.as_ref().is_some_and(|e| e.is_closed()))
        {
            s.call = None;
        }
        let call = s.call.as_ref().map(|c| {
            let mut view = c.status.clone();
            // Connected with End call already pressed: the call is over, the disposition is due.
            if view.status == "connected" && c.end.is_none() {
                view.status = "ended".into();
            } else if view.status == "connected" && c.held {
                view.status = "on_hold".into();
            }
            view
        });
        (s.offer.as_ref().map(|o| (o.offer.clone(), o.at)), call)
    });
    let dispositions = call
        .as_ref()
        .and_then(|c| ops::load(state, &Role::Admin, &c.callback_id).ok())
        .and_then(|cb| state.settings(&cb.queue))
        .map(|s| s.dispositions)
        .unwrap_or_default();
    DeskView {
        agent: agent.to_string(),
        presence: state.agents.get(agent).0,
        offer: offer.map(|(o, at)| offer_view(state, o, at)),
        call,
        dispositions,
        campaigns: state.campaigns.of_agent(state, agent),
        logout_requested: state.desk.logout_requested(agent),
    }
}

fn offer_view(state: &ServiceState, o: Offer, at: DateTime<Utc>) -> OfferView {
    // The stored callback adds what the engine does not carry: the reason and the zone.
    let stored = ops::load(state, &Role::Admin, &o.callback_id).ok();
    // The zone the callback was booked in, else the one its creator attached.
    let zone = stored
        .as_ref()
        .and_then(|cb| cb.timezone().map(str::to_string))
        .or_else(|| o.data.get("timezone").filter(|z| z.parse::<chrono_tz::Tz>().is_ok()).cloned());
    let local = zone
        .as_deref()
        .and_then(|z| z.parse::<chrono_tz::Tz>().ok())
        .map(|tz| Utc::now().with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string());
    let expires = at + chrono::Duration::seconds(o.timeout_secs);
    let campaign = o.data.get("campaign").cloned();
    let mode = campaign.as_ref().and_then(|c| {
        state.center.as_ref()?.campaigns.iter().find(|k| &k.name == c).map(|k| k.mode.as_str().to_string())
    });
    OfferView {
        campaign,
        mode,
        contact_id: o.data.get("contactId").cloned(),
        callback_id: o.callback_id,
        queue_id: o.queue,
        number: o.number,
        customer_name: o.customer_name,
        reason: stored.and_then(|cb| cb.reason),
        data: o.data,
        customer_timezone: zone,
        customer_local_time: local,
        offered_at: at.to_rfc3339(),
        expires_at: expires.to_rfc3339(),
        seconds_left: (expires - Utc::now()).num_seconds().max(0),
    }
}

/// The caller may work `agent`'s desk: the agent itself, or a supervisor / admin.
fn seat_of(state: &ServiceState, headers: &HeaderMap, agent: &str) -> Result<Caller, Problem> {
    let caller = state.tokens.caller(headers, Scope::Task)?;
    if let Role::Agent { agent: me } = &caller.role
        && me != agent
    {
        return Err(Problem::forbidden("an agent works only its own desk"));
    }
    if state.center.as_ref().is_some_and(|c| c.agent(agent).is_none()) {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such agent",
            format!("`{agent}` is not an agent of center.yaml"),
        ));
    }
    Ok(caller)
}

fn conflict(code: &str, detail: String) -> Problem {
    Problem::new(StatusCode::CONFLICT, code, "nothing to do", detail)
}

/// `GET /api/v2/agents/{name}/desk`: the offer and the call on an agent's desk.
#[utoipa::path(get, path = "/api/v2/agents/{name}/desk", tag = "agents", params(("name" = String, Path)),
    responses((status = 200, body = DeskView), (status = 404)),
    security(("bearer" = [])))]
pub async fn get_desk(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Json<DeskView>, Problem> {
    seat_of(&state, &headers, &name)?;
    Ok(Json(desk_view(&state, &name)))
}

/// `POST /api/v2/agents/{name}/offer/{answer}`: accept or reject the offer on the desk.
#[utoipa::path(post, path = "/api/v2/agents/{name}/offer/{answer}", tag = "agents",
    params(("name" = String, Path), ("answer" = String, Path, description = "`accept` or `reject`")),
    responses((status = 200, body = DeskView), (status = 404),
        (status = 409, description = "no offer on the desk (it timed out and went to the next agent)")),
    security(("bearer" = [])))]
pub async fn answer_offer(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path((name, answer)): Path<(String, String)>,
) -> Result<Json<DeskView>, Problem> {
    seat_of(&state, &headers, &name)?;
    let response = match answer.as_str() {
        "accept" => AgentResponse::Accept,
        "reject" => AgentResponse::Reject,
        other => {
            return Err(Problem::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such answer",
                format!("`{other}`: answer an offer with `accept` or `reject`"),
            ));
        }
    };
    let pending = state.desk.with(&name, |s| s.offer.take());
    let Some(pending) = pending else {
        return Err(conflict(
            "no_offer",
            format!("{name} has no callback offered (an offer not answered in time goes to the next agent)"),
        ));
    };
    let id = pending.offer.callback_id.clone();
    if pending.answer.send(response).is_err() {
        return Err(conflict("no_offer", format!("the offer of {id} timed out and went to the next agent")));
    }
    if response == AgentResponse::Accept {
        // The desk is busy from the accept on, before the engine reports the dial: nothing (a
        // campaign record) is fed to an agent who has just taken one.
        state.desk.with(&name, |s| {
            if s.call.is_none() {
                let status = CallView {
                    callback_id: id.clone(),
                    status: "dialling".into(),
                    attempt: None,
                    result: None,
                    since: Utc::now().to_rfc3339(),
                };
                s.call = Some(Call { callback_id: id.clone(), status, held: false, end: None });
            }
        });
    }
    tracing::info!(agent = name, callback = id, answer, "offer answered");
    Ok(Json(desk_view(&state, &name)))
}

/// `POST /api/v2/agents/{name}/call/end`: End call on the connected callback.
#[utoipa::path(post, path = "/api/v2/agents/{name}/call/end", tag = "agents", params(("name" = String, Path)),
    responses((status = 200, body = DeskView), (status = 404),
        (status = 409, description = "no connected call on the desk")),
    security(("bearer" = [])))]
pub async fn end_call(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Json<DeskView>, Problem> {
    seat_of(&state, &headers, &name)?;
    let end = state.desk.with(&name, |s| s.call.as_mut().and_then(|c| c.end.take()));
    let Some(end) = end else {
        return Err(conflict("no_call", format!("{name} has no connected call to end")));
    };
    let _ = end.send(());
    // A live call (the web phone's, `call-N`) is not a callback: nothing to close with a
    // disposition, so it leaves the desk as it ends.
    state.desk.with(&name, |s| {
        if s.call.as_ref().is_some_and(|c| is_live_call(&c.callback_id)) {
            s.call = None;
        }
    });
    Ok(Json(desk_view(&state, &name)))
}

#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeysBody {
    /// DTMF keys: digits, `*` and `#`.
    pub keys: String,
}

/// The connected call on `agent`'s desk (also when on hold, with `held_too`), changed by `f`, and
/// its id; 409 without one.
fn on_call(
    state: &ServiceState,
    agent: &str,
    held_too: bool,
    f: impl FnOnce(&mut Call),
) -> Result<String, Problem> {
    state
        .desk
        .with(agent, |s| match s.call.as_mut() {
            Some(c) if c.status.status == "connected" && c.end.is_some() && (held_too || !c.held) => {
                f(c);
                Some(c.callback_id.clone())
            }
            _ => None,
        })
        .ok_or_else(|| conflict("no_call", format!("{agent} has no connected call")))
}

/// `POST /api/v2/agents/{name}/call/{hold}`: puts the connected call on hold (`hold`) or takes it
/// off (`resume`); a web phone on the call hears it.
#[utoipa::path(post, path = "/api/v2/agents/{name}/call/{hold}", tag = "agents",
    params(("name" = String, Path), ("hold" = String, Path, description = "`hold` or `resume`")),
    responses((status = 200, body = DeskView), (status = 404, description = "no such agent or action"),
        (status = 409, description = "no connected call")),
    security(("bearer" = [])))]
pub async fn hold(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path((name, what)): Path<(String, String)>,
) -> Result<Json<DeskView>, Problem> {
    seat_of(&state, &headers, &name)?;
    let on = match what.as_str() {
        "hold" => true,
        "resume" => false,
        other => {
            let detail = format!("`{other}`: use hold, resume, keys or end");
            return Err(Problem::new(StatusCode::NOT_FOUND, "not_found", "no such action", detail));
        }
    };
    let id = on_call(&state, &name, true, |c| c.held = on)?;
    state.phones.tell(&id, crate::runtime::LineEvent::Hold { on });
    state.events.agent(&name, if on { "held" } else { "resumed" }, &id);
    Ok(Json(desk_view(&state, &name)))
}

/// `POST /api/v2/agents/{name}/call/keys`: sends keys from the desk's keypad on the connected call.
#[utoipa::path(post, path = "/api/v2/agents/{name}/call/keys", tag = "agents", request_body = KeysBody,
    params(("name" = String, Path)),
    responses((status = 204), (status = 400, description = "not a phone key"), (status = 404, description = "no such agent"),
        (status = 409, description = "no connected call"), (status = 413), (status = 415), (status = 422, description = "a body that cannot be read")),
    security(("bearer" = [])))]
pub async fn keys(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(name): Path<String>,
    req: super::genesys::Body<KeysBody>,
) -> Result<StatusCode, Problem> {
    seat_of(&state, &headers, &name)?;
    let req = super::genesys::body(req)?;
    if let Some(bad) = req.keys.chars().find(|c| !(c.is_ascii_digit() || matches!(c, '*' | '#'))) {
        let detail = format!("`{bad}` is not a phone key (0-9, * and #)");
        return Err(Problem::bad_request("invalid_key", "keys", detail));
    }
    if req.keys.is_empty() {
        return Err(Problem::bad_request("invalid_key", "keys", "no keys: send digits, * or #"));
    }
    // Tones on hold would reach nobody.
    let id = on_call(&state, &name, false, |_| ())?;
    state.phones.tell(&id, crate::runtime::LineEvent::AgentKeys { keys: req.keys });
    Ok(StatusCode::NO_CONTENT)
}
