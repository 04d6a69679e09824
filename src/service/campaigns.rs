//! Outbound campaigns in `serve` (seed 002): the campaigns of center.yaml as API resources a
//! supervisor starts, pauses, resumes and stops, and the feeder that turns their contacts into
//! campaign callbacks of the campaign's queue — through the one create path ([`ops::create`], the
//! CB rules, the group-commit writer), so the dispatcher serves a campaign record like any other
//! callback: offered to an agent for preview (agent-first modes) or dialled ahead of the free
//! agents (customer-first modes), with the queue's attempts, retry and do-not-call list.
//!
//! The feeder keeps about one record waiting per free agent of the campaign (a person signed in
//! and ready with nothing on their desk; every roster agent with simulated agents), so pausing
//! holds the rest of the list back at once and stopping cancels only the few records waiting.
//! Each record's window is the rest of today's calling hours in the contact's zone, within the
//! chosen number's own hours; a contact outside them waits for them. A record's idempotency key is
//! the campaign and the number, so a restarted server feeding the list again gets the same
//! callbacks back, never a second dial.
//!
//! A predictive campaign keeps [`PREDICTIVE_AHEAD`] records waiting per free agent instead: the
//! dispatcher's engine runs the same answer-rate pacer as the simulator
//! ([`crate::runtime::predictive_pacer`]), which decides how many of them to dial ahead of the
//! free agents while the measured abandonment stays under the campaign's target.

use super::auth::{Role, Scope};
use super::problem::Problem;
use super::{ServiceState, agents::Presence, ops};
use crate::callbacks::contact::Contact;
use crate::callbacks::contact_list::parse_contact_list;
use crate::callbacks::store::ContactStore;
use crate::callbacks::{CallbackType, ScheduleRequest, State};
use crate::model::DialMode;
use crate::model::center::{CallbackSettings, CampaignConfig, Reschedule};
use axum::Json;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use utoipa::ToSchema;

/// Where a campaign is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not started since the server started.
    Ready,
    Running,
    /// Started, then paused: no new record is fed; records already with agents finish.
    Paused,
    /// Stopped by a supervisor: the records still waiting were cancelled.
    Stopped,
    /// Every contact was fed and every record has ended.
    Finished,
}

/// One change of a campaign's status: who made it and when.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub status: Status,
    pub by: String,
    pub at: String,
}

/// A campaign as the server runs it.
struct Run {
    config: CampaignConfig,
    status: Status,
    /// The list, read (and its contacts stored) at the first start.
    contacts: Vec<Contact>,
    /// Rows of the list that did not load (`file:line:col: what`).
    problems: Vec<String>,
    /// The next contact not yet looked at.
    next: usize,
    /// Contacts whose calling hours had not opened (or had closed for today) when their turn
    /// came: looked at again on every tick.
    later: Vec<usize>,
    /// Records fed and not yet ended.
    open: Vec<String>,
    /// Records fed in all.
    fed: u64,
    /// Contacts left out, and why (a duplicate number, no number at all).
    skipped: Vec<String>,
    /// Ended records by how they ended (`completed`, `failed`, `cancelled`, `expired`).
    ended: BTreeMap<String, u64>,
    changes: Vec<Change>,
}

/// The campaigns of center.yaml, and whether agents are people (their presence says who is free).
pub struct Campaigns {
    runs: Mutex<Vec<Run>>,
    /// The project's folder: contact lists are read from it.
    project: Option<PathBuf>,
    /// `--agents people`: free agents are those signed in and ready with an empty desk.
    people: bool,
}

/// What a campaign shows: its settings, status and progress.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignView {
    pub name: String,
    pub queue_id: String,
    /// `preview`, `push_preview`, `progressive` or `predictive`.
    pub mode: String,
    /// How records are paced now.
    pub pacing: String,
    pub status: Status,
    /// Calling hours in each contact's zone, `09:00-21:00`.
    pub hours: String,
    pub attempts: i64,
    pub retry_seconds: i64,
    /// Who a rescheduled call may go to: `choice`, `personal` or `campaign`.
    pub reschedule: String,
    /// The campaign's agents (the queue's members).
    pub agents: Vec<String>,
    /// Contacts in the list (0 before the first start reads it).
    pub contacts: usize,
    /// Contacts not yet fed (including those waiting for their calling hours).
    pub remaining: usize,
    /// Records fed (callbacks created) in all.
    pub fed: u64,
    /// Records fed and not yet ended.
    pub open: usize,
    /// Ended records by how they ended.
    pub ended: BTreeMap<String, u64>,
    /// Contacts left out, with why.
    pub skipped: Vec<String>,
    /// Rows of the list that did not load.
    pub list_problems: Vec<String>,
    pub changes: Vec<Change>,
}

impl Campaigns {
    pub fn new(configs: Vec<CampaignConfig>, project: Option<PathBuf>, people: bool) -> Campaigns {
        let runs = configs
            .into_iter()
            .map(|config| Run {
                config,
                status: Status::Ready,
                contacts: Vec::new(),
                problems: Vec::new(),
                next: 0,
                later: Vec::new(),
                open: Vec::new(),
                fed: 0,
                skipped: Vec::new(),
                ended: BTreeMap::new(),
                changes: Vec::new(),
            })
            .collect();
        Campaigns { runs: Mutex::new(runs), project, people }
    }

    fn runs(&self) -> std::sync::MutexGuard<'_, Vec<Run>> {
        self.runs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The campaign `name`'s reschedule rule and queue, when there is such a campaign.
    pub fn rule(&self, name: &str) -> Option<(Reschedule, String)> {
        self.runs()
            .iter()
            .find(|r| r.config.name == name)
            .map(|r| (r.config.reschedule, r.config.queue.clone()))
    }

    /// The campaigns `agent` works (members of their queues), with their status: the agent's
    /// desktop warns when one starts and lists them under My Campaigns.
    pub fn of_agent(&self, state: &ServiceState, agent: &str) -> Vec<AgentCampaign> {
        let Some(center) = &state.center else { return Vec::new() };
        let Some(a) = center.agent(agent) else { return Vec::new() };
        self.runs()
            .iter()
            .filter(|r| a.queues.contains(&r.config.queue))
            .map(|r| AgentCampaign {
                name: r.config.name.clone(),
                mode: r.config.mode.as_str().to_string(),
                status: r.status,
                since: r.changes.last().map(|c| c.at.clone()),
                reschedule: r.config.reschedule.as_str().to_string(),
            })
            .collect()
    }
}

/// A campaign on an agent's desk (My Campaigns).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentCampaign {
    pub name: String,
    pub mode: String,
    pub status: Status,
    /// When the status last changed.
    pub since: Option<String>,
    /// `choice`, `personal` or `campaign`.
    pub reschedule: String,
}

fn view(state: &ServiceState, r: &Run) -> CampaignView {
    let c = &r.config;
    let agents = state
        .center
        .as_ref()
        .map(|center| center.agents_of(&c.queue).map(|a| a.name.clone()).collect())
        .unwrap_or_default();
    let pacing = match c.mode {
        DialMode::Preview => {
            format!("one record per free agent, previewed up to {} s, then dialled", c.preview_secs)
        }
        DialMode::PushPreview => "one record per free agent, accepted or rejected by the agent".to_string(),
        DialMode::Progressive => "one dial per free agent".to_string(),
        DialMode::Predictive => format!(
            "dials ahead of the free agents at the observed answer rate, abandoned calls held under {}%",
            c.max_abandon * 100.0
        ),
    };
    CampaignView {
        name: c.name.clone(),
        queue_id: c.queue.clone(),
        mode: c.mode.as_str().to_string(),
        pacing,
        status: r.status,
        hours: format!("{}-{}", c.hours.0.format("%H:%M"), c.hours.1.format("%H:%M")),
        attempts: c.attempts,
        retry_seconds: c.retry_secs,
        reschedule: c.reschedule.as_str().to_string(),
        agents,
        contacts: r.contacts.len(),
        remaining: r.contacts.len().saturating_sub(r.next) + r.later.len(),
        fed: r.fed,
        open: r.open.len(),
        ended: r.ended.clone(),
        skipped: r.skipped.clone(),
        list_problems: r.problems.clone(),
        changes: r.changes.clone(),
    }
}

fn not_found(name: &str) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such campaign",
        format!("`{name}` is not a campaign of center.yaml"),
    )
}

/// `GET /api/v2/campaigns`: every campaign with its status and progress.
#[utoipa::path(get, path = "/api/v2/campaigns", tag = "campaigns",
    responses((status = 200, body = [CampaignView]), (status = 401)),
    security(("bearer" = [])))]
pub async fn list(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
) -> Result<Json<Vec<CampaignView>>, Problem> {
    state.tokens.caller(&headers, Scope::Read)?;
    let runs = state.campaigns.runs();
    Ok(Json(runs.iter().map(|r| view(&state, r)).collect()))
}

/// `GET /api/v2/campaigns/{name}`.
#[utoipa::path(get, path = "/api/v2/campaigns/{name}", tag = "campaigns", params(("name" = String, Path)),
    responses((status = 200, body = CampaignView), (status = 404)),
    security(("bearer" = [])))]
pub async fn get_one(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Json<CampaignView>, Problem> {
    state.tokens.caller(&headers, Scope::Read)?;
    let runs = state.campaigns.runs();
    let r = runs.iter().find(|r| r.config.name == name).ok_or_else(|| not_found(&name))?;
    Ok(Json(view(&state, r)))
}

/// `POST /api/v2/campaigns/{name}/{action}`: `start`, `pause`, `resume` or `stop` (supervisors and
/// admins). Starting reads the contact list (its bad rows are listed in `listProblems`, the good
/// ones load); stopping cancels the records still waiting for an agent or a dial.
#[utoipa::path(post, path = "/api/v2/campaigns/{name}/{action}", tag = "campaigns",
    params(("name" = String, Path), ("action" = String, Path, description = "`start`, `pause`, `resume` or `stop`")),
    responses((status = 200, body = CampaignView), (status = 403), (status = 404),
        (status = 409, description = "not possible in the campaign's status"),
        (status = 422, description = "the contact list cannot be read")),
    security(("bearer" = [])))]
pub async fn act(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path((name, action)): Path<(String, String)>,
) -> Result<Json<CampaignView>, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Write)?;
    if matches!(caller.role, Role::Agent { .. }) {
        return Err(Problem::forbidden("a supervisor starts, pauses and stops campaigns"));
    }
    let by = match &caller.role {
        Role::Admin => "admin".to_string(),
        Role::Supervisor => "supervisor".to_string(),
        Role::Agent { agent } => agent.clone(),
    };
    let status = state
        .campaigns
        .runs()
        .iter()
        .find(|r| r.config.name == name)
        .map(|r| r.status)
        .ok_or_else(|| not_found(&name))?;
    let to = match (action.as_str(), status) {
        ("start", Status::Ready | Status::Stopped | Status::Finished) => Status::Running,
        ("resume", Status::Paused) => Status::Running,
        ("pause", Status::Running) => Status::Paused,
        ("stop", Status::Running | Status::Paused) => Status::Stopped,
        ("start" | "resume" | "pause" | "stop", s) => {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "campaign_status",
                "not possible now",
                format!(
                    "campaign {name} is {}; it cannot {action}",
                    serde_json::to_value(s).unwrap_or_default().as_str().unwrap_or("?")
                ),
            ));
        }
        (other, _) => {
            return Err(Problem::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such action",
                format!("`{other}`: use start, pause, resume or stop"),
            ));
        }
    };
    if action == "start" {
        load_list(&state, &name).await?;
    }
    let to_cancel = {
        let mut runs = state.campaigns.runs();
        let r = runs.iter_mut().find(|r| r.config.name == name).ok_or_else(|| not_found(&name))?;
        r.status = to;
        r.changes.push(Change { status: to, by, at: Utc::now().to_rfc3339() });
        if action == "start" {
            // A restart goes through the list again: records already made come back by their
            // idempotency keys, ended ones are not dialled again.
            r.next = 0;
            r.later.clear();
        }
        if to == Status::Stopped { r.open.clone() } else { Vec::new() }
    };
    for id in to_cancel {
        // Only records still waiting are cancelled: one with an agent or being dialled finishes.
        if let Ok(cb) = ops::load(&state, &Role::Admin, &id)
            && matches!(cb.state, State::Scheduled | State::Queued)
        {
            let _ = ops::cancel(&state, &Role::Admin, &id, |_| "campaign".to_string());
        }
    }
    state.events.campaign(&name, to);
    tracing::info!(campaign = name, action, "campaign");
    let runs = state.campaigns.runs();
    let r = runs.iter().find(|r| r.config.name == name).ok_or_else(|| not_found(&name))?;
    Ok(Json(view(&state, r)))
}

/// Reads the campaign's contact list and stores its contacts (once per server: a contact already
/// stored with the same first number and name is reused).
async fn load_list(state: &Arc<ServiceState>, name: &str) -> Result<(), Problem> {
    let (config, loaded) = {
        let runs = state.campaigns.runs();
        let r = runs.iter().find(|r| r.config.name == name).ok_or_else(|| not_found(name))?;
        (r.config.clone(), !r.contacts.is_empty())
    };
    if loaded {
        return Ok(());
    }
    let unreadable = |detail: String| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "contact_list",
            "the contact list cannot be read",
            detail,
        )
    };
    let state2 = state.clone();
    let (contacts, problems) = tokio::task::spawn_blocking(move || -> Result<_, String> {
        let (list, problems) = read_list(state2.campaigns.project.as_deref(), &config)?;
        let mut store = state2.store.lock().map_err(|_| "the store lock was poisoned".to_string())?;
        let mut stored = Vec::with_capacity(list.contacts.len());
        for mut c in list.contacts {
            c.prefill_zone();
            let first = c.numbers.first().map(|n| n.number.clone()).unwrap_or_default();
            let known = store
                .contacts_by_number(&first)
                .map_err(|e| e.to_string())?
                .into_iter()
                .find(|k| k.name == c.name);
            stored.push(match known {
                Some(k) => k,
                None => store.insert_contact(&c).map_err(|e| e.to_string())?,
            });
        }
        Ok((stored, problems))
    })
    .await
    .map_err(|e| Problem::internal(e.to_string()))?
    .map_err(unreadable)?;
    let mut runs = state.campaigns.runs();
    if let Some(r) = runs.iter_mut().find(|r| r.config.name == name) {
        r.contacts = contacts;
        r.problems = problems;
    }
    Ok(())
}

/// Reads a campaign's contact list: its good rows, and a line per bad row
/// (`contacts.csv:4:3: what is wrong`); an error when the file cannot be used at all.
fn read_list(
    project: Option<&std::path::Path>,
    config: &CampaignConfig,
) -> Result<(crate::callbacks::contact_list::ContactList, Vec<String>), String> {
    let path = project.map_or_else(|| PathBuf::from(&config.contacts), |p| p.join(&config.contacts));
    let shown = &config.contacts;
    let text = crate::input::read_regular(&path).map_err(|e| format!("{shown}: {e}"))?;
    let list = parse_contact_list(&text, config.region.as_deref(), Utc::now())
        .map_err(|e| format!("{shown}:{}", e.0))?;
    let problems = list.problems.iter().map(|p| format!("{shown}:{p}")).collect();
    Ok((list, problems))
}

/// Every campaign's list read once when the server starts, so a missing or unusable file stops
/// it at once (not at a supervisor's Start); answers the bad rows, to be logged.
pub fn check_lists(
    configs: &[CampaignConfig],
    project: Option<&std::path::Path>,
) -> Result<Vec<String>, String> {
    let mut rows = Vec::new();
    for c in configs {
        let (_, problems) = read_list(project, c).map_err(|e| format!("campaign {}: {e}", c.name))?;
        rows.extend(
            problems.into_iter().map(|p| format!("campaign {}: {p} (the row will not be dialled)", c.name)),
        );
    }
    Ok(rows)
}

/// Agents of `queue` free for a record now.
/// Records kept waiting per free agent of a predictive campaign: enough for the pacer to dial
/// ahead at answer rates down to one in three (its dials never exceed what it may place).
pub const PREDICTIVE_AHEAD: usize = 3;

fn free_agents(state: &ServiceState, queue: &str) -> usize {
    let Some(center) = &state.center else { return 0 };
    let members = center.agents_of(queue);
    if !state.campaigns.people {
        return members.count();
    }
    members.filter(|a| state.agents.get(&a.name).0 == Presence::Ready && state.desk.idle(&a.name)).count()
}

/// What to do with a contact now: a request to store, wait (its hours are not open now), or
/// leave it out.
enum Turn {
    Feed(Box<ScheduleRequest>),
    Later,
    Skip(String),
}

/// The record for `contact` at `now`: the rest of today's calling hours in the contact's zone
/// (within the chosen number's hours), starting a few seconds from now, within the campaign
/// queue's shortest and longest window (`settings`: a queue whose `window_max` is under the
/// hours left had every record refused with CB009 when this was a fixed 8 hours).
fn turn(config: &CampaignConfig, contact: &Contact, now: DateTime<Utc>, settings: &CallbackSettings) -> Turn {
    let zone_name = contact.timezone.clone().unwrap_or_else(|| "UTC".to_string());
    let zone: chrono_tz::Tz = zone_name.parse().unwrap_or(chrono_tz::UTC);
    let local = now.with_timezone(&zone);
    let start = (local + chrono::Duration::seconds(5)).time();
    let Some(number) = contact.pick(None, Some(start)) else {
        return Turn::Skip(format!("{}: no number", contact.name));
    };
    let (mut from, mut to) = config.hours;
    if let Some(h) = number.hours {
        from = from.max(h.from);
        to = to.min(h.to);
    }
    if start < from || start >= to || number.hours.is_some_and(|h| !h.contains(start)) {
        return Turn::Later;
    }
    // A window at least the queue's shortest and at most its longest (30 minutes and 8 hours
    // unless center.yaml says otherwise). `NaiveTime` addition wraps at midnight: eight hours
    // past 16:00 is the calling hours' end.
    let (longest, wrapped) =
        start.overflowing_add_signed(chrono::Duration::seconds(settings.window_max_secs));
    let end = if wrapped == 0 { to.min(longest) } else { to };
    if end - start < chrono::Duration::seconds(settings.window_min_secs) || end < start {
        return Turn::Later;
    }
    let mut data = BTreeMap::new();
    data.insert("campaign".to_string(), config.name.clone());
    data.insert("contactId".to_string(), contact.id.clone());
    Turn::Feed(Box::new(ScheduleRequest {
        callback_type: CallbackType::Campaign,
        callback_number: Some(number.number.clone()),
        customer_name: Some(contact.name.clone()),
        timezone: Some(zone_name),
        schedule_date: Some(local.date_naive()),
        window_start: Some(start),
        window_end: Some(end.min(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(end))),
        queue: Some(config.queue.clone()),
        reason: Some(format!("campaign {}", config.name)),
        priority: crate::model::CAMPAIGN_PRIORITY,
        data,
        idempotency_key: Some(format!("campaign:{}:{}", config.name, number.number)),
        ..ScheduleRequest::default()
    }))
}

/// One round of the feeder: for every running campaign, forget ended records, then feed as many
/// contacts as there are free agents without a record waiting.
pub async fn tick(state: &Arc<ServiceState>) {
    let names: Vec<String> = state
        .campaigns
        .runs()
        .iter()
        .filter(|r| r.status == Status::Running)
        .map(|r| r.config.name.clone())
        .collect();
    for name in names {
        feed(state, &name).await;
    }
}

async fn feed(state: &Arc<ServiceState>, name: &str) {
    let Some((config, open)) = state
        .campaigns
        .runs()
        .iter()
        .find(|r| r.config.name == name)
        .map(|r| (r.config.clone(), r.open.clone()))
    else {
        return;
    };
    // Where each open record is.
    let mut waiting = 0;
    let mut ended: Vec<(String, String)> = Vec::new();
    for id in &open {
        match ops::load(state, &Role::Admin, id) {
            Ok(cb) if cb.state.is_final() => ended.push((id.clone(), cb.state.as_str().to_string())),
            Ok(cb) if matches!(cb.state, State::Scheduled | State::Queued) => waiting += 1,
            Ok(_) => {}
            Err(_) => ended.push((id.clone(), "missing".to_string())),
        }
    }
    let free = free_agents(state, &config.queue);
    let settings = state.settings(&config.queue).unwrap_or_default();
    let ahead = if config.mode == DialMode::Predictive { PREDICTIVE_AHEAD } else { 1 };
    let mut wanted = (free * ahead).saturating_sub(waiting);
    let now = Utc::now();
    // The contacts to look at: those waiting for their hours first, then the list in order.
    while wanted > 0 {
        let next = {
            let mut runs = state.campaigns.runs();
            let Some(r) = runs.iter_mut().find(|r| r.config.name == name) else { return };
            if r.status != Status::Running {
                break;
            }
            let ready = r
                .later
                .iter()
                .position(|&i| matches!(turn(&config, &r.contacts[i], now, &settings), Turn::Feed(_)));
            match ready {
                Some(k) => Some(r.later.remove(k)),
                None if r.next < r.contacts.len() => {
                    r.next += 1;
                    Some(r.next - 1)
                }
                None => None,
            }
        };
        let Some(i) = next else { break };
        let contact = match state.campaigns.runs().iter().find(|r| r.config.name == name) {
            Some(r) => r.contacts[i].clone(),
            None => return,
        };
        match turn(&config, &contact, now, &settings) {
            Turn::Later => {
                if let Some(r) = state.campaigns.runs().iter_mut().find(|r| r.config.name == name) {
                    r.later.push(i);
                }
            }
            Turn::Skip(why) => {
                if let Some(r) = state.campaigns.runs().iter_mut().find(|r| r.config.name == name) {
                    r.skipped.push(why);
                }
            }
            Turn::Feed(req) => match ops::create(state, *req, |_| "campaign".to_string()).await {
                Ok((status, cb)) => {
                    let mut runs = state.campaigns.runs();
                    if let Some(r) = runs.iter_mut().find(|r| r.config.name == name) {
                        if cb.state.is_final() {
                            // Made before (a restarted campaign) and already over: not again.
                            continue;
                        }
                        if !r.open.contains(&cb.id) {
                            r.open.push(cb.id.clone());
                        }
                        if status == StatusCode::CREATED {
                            r.fed += 1;
                        }
                    }
                    wanted -= 1;
                }
                Err(p) => {
                    tracing::info!(campaign = name, contact = contact.id, "record not made: {}", p.detail);
                    if let Some(r) = state.campaigns.runs().iter_mut().find(|r| r.config.name == name) {
                        r.skipped.push(format!("{}: {}", contact.name, p.detail));
                    }
                }
            },
        }
    }
    let mut runs = state.campaigns.runs();
    let Some(r) = runs.iter_mut().find(|r| r.config.name == name) else { return };
    for (id, how) in ended {
        r.open.retain(|o| *o != id);
        *r.ended.entry(how).or_default() += 1;
    }
    if r.status == Status::Running && r.next >= r.contacts.len() && r.later.is_empty() && r.open.is_empty() {
        r.status = Status::Finished;
        r.changes.push(Change { status: Status::Finished, by: "feeder".into(), at: now.to_rfc3339() });
        drop(runs);
        state.events.campaign(name, Status::Finished);
    }
}

/// The body of `POST /api/v2/callbacks/{id}/reschedule`.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RescheduleBody {
    /// `personal` (this agent calls back) or `campaign` (any agent of the campaign).
    pub kind: String,
    /// The start of the call-back window, an ISO 8601 date-time with its offset.
    pub start: String,
    /// Its end; one hour after the start when left out.
    #[serde(default)]
    pub end: Option<String>,
    /// Another number to call: one of the contact's, or a new one added to the contact.
    #[serde(default)]
    pub number: Option<String>,
    /// The type of a new number (`home`, `mobile`, `work`, `other`), or which of the contact's
    /// numbers to call when `number` is left out.
    #[serde(default)]
    pub number_type: Option<String>,
    /// The local hours a new number may be called (`09:00-18:00`, the contact's zone).
    #[serde(default)]
    pub number_hours: Option<String>,
    /// Personal, booked by a supervisor: the agent it goes to.
    #[serde(default)]
    pub owner: Option<String>,
}

/// `POST /api/v2/callbacks/{id}/reschedule`: the agent who worked a campaign call books the
/// contact again — a personal callback (agent-owned, back to this agent) or a campaign callback
/// (any agent of the campaign), as the campaign's `reschedule` allows (seed 002: an environment
/// may force one kind). The new callback goes through the one create path with the call's data,
/// and may call another of the contact's numbers or a new one (added to the contact once stored).
#[utoipa::path(post, path = "/api/v2/callbacks/{id}/reschedule", tag = "campaigns", params(("id" = String, Path)),
    request_body = RescheduleBody,
    responses((status = 201, body = super::genesys_model::GenesysCallback), (status = 400), (status = 403), (status = 404),
        (status = 409, description = "not a campaign call, or this kind is not allowed here"),
        (status = 415), (status = 422)),
    security(("bearer" = [])))]
pub async fn reschedule(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: super::genesys::Body<RescheduleBody>,
) -> Result<(StatusCode, Json<super::genesys_model::GenesysCallback>), Problem> {
    let caller = state.tokens.caller(&headers, Scope::Task)?;
    let body = super::genesys::body(b)?;
    let worked = matches!(&caller.role, Role::Agent { agent } if state.desk.worked(agent, &id));
    let cb = ops::load(&state, if worked { &Role::Admin } else { &caller.role }, &id)?;
    let conflict =
        |code: &str, detail: String| Problem::new(StatusCode::CONFLICT, code, "cannot reschedule", detail);
    let Some(campaign) = cb.data.get("campaign").cloned() else {
        return Err(conflict(
            "not_campaign_call",
            format!("callback {id} is not a campaign call; edit it instead (PATCH)"),
        ));
    };
    let Some((rule, queue)) = state.campaigns.rule(&campaign) else {
        return Err(conflict(
            "not_campaign_call",
            format!("campaign `{campaign}` is not in center.yaml any more"),
        ));
    };
    let kind = match body.kind.as_str() {
        "personal" => Reschedule::Personal,
        "campaign" => Reschedule::Campaign,
        other => {
            return Err(Problem::bad_request(
                "body",
                "kind",
                format!("`{other}`: reschedule as `personal` or `campaign`"),
            ));
        }
    };
    if !rule.allows(kind) {
        return Err(conflict(
            "reschedule_forced",
            format!(
                "campaign {campaign} reschedules every call as {} (`reschedule: {}` in center.yaml)",
                rule.as_str(),
                rule.as_str()
            ),
        ));
    }
    let owner = match (kind, &caller.role) {
        (Reschedule::Campaign, _) => None,
        (_, Role::Agent { agent }) => Some(agent.clone()),
        _ => Some(body.owner.clone().ok_or_else(|| {
            Problem::bad_request(
                "CB011",
                "owner",
                "a personal callback booked by a supervisor names the agent (`owner`)",
            )
        })?),
    };
    if let Some(o) = &owner
        && !state.is_agent(o)
    {
        return Err(Problem::bad_request("CB011", "owner", format!("`{o}` is not an agent of center.yaml")));
    }
    let mut contact = match cb.data.get("contactId") {
        Some(cid) => Some(super::contacts::named(&state, cid)?),
        None => None,
    };
    let zone = contact
        .as_ref()
        .and_then(|c| c.timezone.clone())
        .or_else(|| cb.timezone().map(str::to_string))
        .unwrap_or_else(|| "UTC".to_string());
    let start = ops::instant(&body.start, "start")?.with_timezone(&Utc);
    let end = match &body.end {
        Some(e) => ops::instant(e, "end")?.with_timezone(&Utc),
        // An hour, or the queue's longest window when that is shorter.
        None => {
            let longest = state.settings(&queue).unwrap_or_default().window_max_secs;
            start + chrono::Duration::seconds(longest.min(3600))
        }
    };
    let (Some(ls), Some(le)) = (local_in(&zone, start), local_in(&zone, end)) else {
        return Err(Problem::bad_request("CB003", "start", format!("`{zone}` is not a time zone")));
    };
    // A window ends on its start's day in the contact's zone.
    let end_time = crate::callbacks::end_on_start_day(ls, le);
    let hours = match body.number_hours.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
        Some(h) => Some(
            crate::callbacks::contact::CallableHours::parse(h)
                .map_err(|e| Problem::bad_request("body", "numberHours", e))?,
        ),
        None => None,
    };
    let (number, added) = match contact.as_mut() {
        Some(c) => super::contacts::choose(
            c,
            body.number.as_deref(),
            body.number_type.as_deref(),
            Some((zone.as_str(), ls.time(), end_time)),
        )?,
        None => (body.number.clone().unwrap_or_else(|| cb.callback_number.clone()), false),
    };
    // A new number's hours: set on it, and the window must lie within them (CB022).
    if added
        && let (Some(h), Some(c)) = (hours, contact.as_mut())
        && let Some(n) = c.numbers.iter_mut().find(|n| n.number == number)
    {
        n.hours = Some(h);
        crate::callbacks::contact::check_hours(n, &zone, ls.time(), end_time)
            .map_err(|e| Problem::bad_request(e.code.as_str(), "start", e.message))?;
    }
    let mut data = cb.data.clone();
    data.insert("rescheduledFrom".into(), id.clone());
    data.remove("disposition");
    data.remove("dispositionNotes");
    data.remove("dispositionBy");
    data.remove("dispositionAt");
    let req = ScheduleRequest {
        callback_type: if owner.is_some() { CallbackType::AgentOwned } else { CallbackType::Campaign },
        origin: match &caller.role {
            Role::Agent { agent } => crate::callbacks::model::Origin::Agent { agent: agent.clone() },
            _ => crate::callbacks::model::Origin::Api,
        },
        callback_number: Some(number),
        customer_name: Some(cb.customer_name.clone()),
        timezone: Some(zone),
        schedule_date: Some(ls.date()),
        window_start: Some(ls.time()),
        window_end: Some(end_time),
        queue: Some(queue),
        reason: cb.reason.clone(),
        owner,
        priority: crate::model::CAMPAIGN_PRIORITY,
        data,
        // The call being rescheduled is still open on the same number.
        force: true,
        // A start without an end is a moment (the window above, cut at midnight), not a window
        // anyone chose: 23:40 is booked, not refused for a 20-minute window (CB008).
        implied_window: body.end.is_none(),
        ..ScheduleRequest::default()
    };
    let field = |e: &crate::callbacks::CallbackValidationError| match e.field {
        crate::callbacks::validate::Field::CallbackNumber => "number".to_string(),
        crate::callbacks::validate::Field::WindowEnd => "end".to_string(),
        crate::callbacks::validate::Field::ScheduleDate | crate::callbacks::validate::Field::WindowStart => {
            "start".to_string()
        }
        crate::callbacks::validate::Field::Owner => "owner".to_string(),
        _ => "body".to_string(),
    };
    let (status, new) = ops::create(&state, req, field).await?;
    if added && let Some(c) = contact.as_mut() {
        super::contacts::save_added(&state, c);
    }
    tracing::info!(callback = new.id, from = id, kind = body.kind, "rescheduled campaign call");
    Ok((status, Json(super::genesys_model::view(&new))))
}

/// The local date and time of instant `at` in `zone` (for a rescheduled window).
pub fn local_in(zone: &str, at: DateTime<Utc>) -> Option<chrono::NaiveDateTime> {
    let tz: chrono_tz::Tz = zone.parse().ok()?;
    Some(tz.from_utc_datetime(&at.naive_utc()).naive_local())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callbacks::contact::{ContactNumber, NumberType};
    use chrono::TimeZone;

    fn config() -> CampaignConfig {
        let text = "queues:\n  Renewals: {}\ncampaigns:\n  Renewals:\n    queue: Renewals\n    contacts: x.csv\n    hours: 06:00-20:00\n";
        let (center, diags) = crate::model::center::load_center(crate::source::FileId(0), text);
        assert!(diags.is_empty(), "{diags:?}");
        center.unwrap().campaigns.remove(0)
    }

    fn contact() -> Contact {
        let number = ContactNumber { number: "+31612345678".into(), kind: NumberType::Mobile, hours: None };
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        Contact {
            id: "1".into(),
            name: "Ada".into(),
            timezone: Some("Europe/Amsterdam".into()),
            numbers: vec![number],
            created_at: at,
            updated_at: at,
        }
    }

    /// The window ends at the calling hours' end, also when eight hours from now would pass
    /// midnight (a contact reached at 16:00 or later used to wait for tomorrow).
    #[test]
    fn a_contact_is_fed_until_the_end_of_the_calling_hours_at_any_hour() {
        let (config, contact) = (config(), contact());
        for (utc_hour, fed) in [(7, true), (14, true), (15, true), (18, true), (19, false), (4, false)] {
            // Amsterdam is UTC+1 in December.
            let now = Utc.with_ymd_and_hms(2026, 12, 1, utc_hour, 10, 0).unwrap();
            match turn(&config, &contact, now, &CallbackSettings::default()) {
                Turn::Feed(r) => {
                    assert!(fed, "{utc_hour}:10 UTC is outside 06:00-20:00 Amsterdam");
                    let end = r.window_end.unwrap();
                    let eight = r.window_start.unwrap() + chrono::Duration::hours(8);
                    assert!(end == NaiveTime::from_hms_opt(20, 0, 0).unwrap() || end == eight, "{end}");
                }
                Turn::Later => assert!(!fed, "{utc_hour}:10 UTC is within the calling hours"),
                Turn::Skip(why) => panic!("{why}"),
            }
        }
    }

    /// The queue's own window bounds hold: a `window_max` of 2 hours makes 2-hour records (not
    /// 8-hour ones the rules then refuse), and a `window_min` of an hour waits for tomorrow when
    /// less than an hour of the calling hours is left.
    #[test]
    fn a_record_s_window_obeys_the_queue_s_bounds() {
        let (config, contact) = (config(), contact());
        let bounds = |min: i64, max: i64| CallbackSettings {
            window_min_secs: min,
            window_max_secs: max,
            ..CallbackSettings::default()
        };
        let morning = Utc.with_ymd_and_hms(2026, 12, 1, 7, 10, 0).unwrap();
        let Turn::Feed(r) = turn(&config, &contact, morning, &bounds(30 * 60, 2 * 3600)) else {
            panic!("08:10 Amsterdam is within the calling hours")
        };
        assert_eq!(r.window_end.unwrap(), r.window_start.unwrap() + chrono::Duration::hours(2));
        let late = Utc.with_ymd_and_hms(2026, 12, 1, 18, 10, 0).unwrap();
        assert!(matches!(turn(&config, &contact, late, &CallbackSettings::default()), Turn::Feed(_)));
        assert!(matches!(turn(&config, &contact, late, &bounds(3600, 8 * 3600)), Turn::Later));
    }
}
