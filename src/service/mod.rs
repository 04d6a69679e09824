//! `callwright serve`: the callback service. The seed's REST API (the Genesys Cloud shape of seed
//! 004) over the same store, the same CB rules and the same create path as the CLI
//! ([`crate::callbacks::create_stored`]), on axum. Errors are problem+json with the CB codes;
//! callers authenticate with bearer tokens ([`auth`]).
//!
//! Two API shapes over the same callbacks: Genesys ([`genesys`]) and Webex ([`webex`]), both
//! translating to [`ops`]; the booking grid ([`slots`]); the event stream ([`events`]); health,
//! readiness and Prometheus metrics ([`metrics`]).
//!
//! The real-time dispatcher runs in the same process (with a project), on its own thread.

mod agents;
pub mod auth;
mod campaigns;
mod contacts;
mod data_gateway;
mod desk;
mod disposition;
mod events;
pub mod flows_page;
mod genesys;
mod genesys_model;
mod health;
mod metrics;
mod openapi;
mod ops;
mod pages;
mod phone;
mod problem;
mod report;
mod slots;
mod switches;
mod webex;
mod webex_model;
pub mod webhook;
mod writer;

use crate::callbacks::store::{AnyStore, CallbackStore, OpenMode};
use crate::model::center::{CallbackSettings, Center};
use axum::Router;
use axum::routing::get;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// What `serve` is started with.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    /// Holds `callbacks.db` and `tokens.jsonl`.
    pub data_dir: PathBuf,
    /// The project whose flows, queues and roster the in-process dispatcher uses; `None`: no
    /// dispatcher runs (callbacks wait in the store for `callbacks dispatch`).
    pub project: Option<PathBuf>,
    /// The organisation id of the Webex paths (`/v1/callbacks/organization/{orgId}/…`).
    pub org_id: String,
    /// Where dials are placed: `None`, the simulated customers; `Some(url)`, a webhook.
    pub webhook: Option<webhook::Url>,
    /// Callbacks are offered to the people signed in at the agent desk (`--agents people`)
    /// instead of the roster's simulated agents.
    pub people: bool,
    /// The database: `None`, `callbacks.db` in the data directory; else an SQLite file or a
    /// postgres:// URL (several servers may share one PostgreSQL database).
    pub db: Option<String>,
    /// Migrate a PostgreSQL database that is behind this build's schema.
    pub migrate: bool,
    /// Runs the project's flow tests for the coverage `/flows` paints (the CLI gives it: the
    /// service does not run tests itself).
    pub coverage: Option<flows_page::CoverageSource>,
    /// Data actions make their requests for real (`--live-data`); otherwise they fail, said in
    /// the log, as no result is given for them.
    pub live_data: bool,
    /// Numbers the dispatcher never dials (`--dnc`): their callbacks end as `do_not_call`.
    pub do_not_call: crate::callbacks::do_not_call::DoNotCall,
}

/// What every request handler shares.
pub struct ServiceState {
    /// One connection (SQLite or PostgreSQL); SQLite serialises writers anyway, and each call
    /// holds it for one statement or one short transaction.
    pub store: Arc<Mutex<AnyStore>>,
    /// Creations go through the group-commit writer (one fsync for many).
    pub writer: writer::Writer,
    pub tokens: auth::Tokens,
    /// Creations per second, per token.
    pub limits: auth::RateLimits,
    /// The project's center (queues and their callback settings, the roster); `None`: any queue,
    /// default settings.
    pub center: Option<Center>,
    /// Dials placed through the webhook that wait for their result.
    pub dial_waits: webhook::Waiting,
    /// Agents' presence (ready, not ready, break, logged out).
    pub agents: agents::Agents,
    /// Offers and calls on the desks of agents who are people (`--agents people`).
    pub desk: desk::Desk,
    /// Every callback change, for `GET /api/v2/callbacks/events`.
    pub events: events::Events,
    /// Request and release figures for `GET /metrics`.
    pub metrics: metrics::Metrics,
    /// The Webex organisation this server answers for.
    pub org_id: String,
    /// Becomes `true` when the server stops: event streams end so the graceful shutdown does not
    /// wait for listeners that never hang up.
    pub stopping: tokio::sync::watch::Sender<bool>,
    /// Whether the in-process dispatcher is expected and still running (`/readyz`).
    pub dispatcher: Mutex<DispatcherState>,
    /// The project's flows for `/flows`, drawn on first use.
    pub flows: flows_page::Flows,
    /// The web phones' lines (`/phone`).
    pub phones: phone::Phones,
    /// The switches of center.yaml, shared with the dispatcher's engine.
    pub switches: crate::runtime::Switches,
    /// The campaigns of center.yaml, their status and the feeder's progress through their lists.
    pub campaigns: campaigns::Campaigns,
}

/// What `/readyz` says of the dispatcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DispatcherState {
    /// Started without a project: callbacks wait for `callbacks dispatch`.
    None,
    Running,
    /// It stopped; why.
    Stopped(String),
}

impl ServiceState {
    /// The callback settings of `queue`, or `None` when the center does not declare it.
    pub fn settings(&self, queue: &str) -> Option<CallbackSettings> {
        match &self.center {
            Some(c) => c.queue(queue).map(|q| q.callback.clone()),
            None => Some(CallbackSettings::default()),
        }
    }

    /// The store, for one statement or one short transaction.
    pub fn lock_store(&self) -> Result<std::sync::MutexGuard<'_, AnyStore>, problem::Problem> {
        self.store.lock().map_err(|_| problem::Problem::internal("the store lock was poisoned"))
    }

    /// Whether `name` may own a callback: an agent of the roster (any name without one).
    pub fn is_agent(&self, name: &str) -> bool {
        self.center.as_ref().is_none_or(|c| c.agents.is_empty() || c.agent(name).is_some())
    }
}

/// Largest request body: a batch of 100 callbacks with their data fits many times over.
const BODY_LIMIT: usize = 256 * 1024;

/// The OpenAPI document of the routes below, as JSON.
pub fn openapi_document() -> serde_json::Value {
    openapi::document()
}

/// The routes.
pub fn router(state: Arc<ServiceState>) -> Router {
    use axum::routing::post;
    let webex = "/v1/callbacks/organization/{org}/scheduled-callback";
    let router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/docs", get(openapi::docs))
        .route("/api/v2/callbacks", get(genesys::list).post(genesys::create))
        .route("/api/v2/callbacks/batch", post(genesys::batch))
        .route("/api/v2/callbacks/slots", get(slots::slots))
        .route("/api/v2/callbacks/report", get(report::report))
        .route("/api/v2/callbacks/events", get(health::events))
        .route("/api/v2/contacts", get(contacts::list).post(contacts::create))
        .route("/api/v2/contacts/{id}", get(contacts::get_one).put(contacts::put).delete(contacts::delete))
        .route("/api/v2/contacts/{id}/numbers", post(contacts::add_number))
        .route("/api/v2/campaigns", get(campaigns::list))
        .route("/api/v2/campaigns/{name}", get(campaigns::get_one))
        .route("/api/v2/campaigns/{name}/{action}", post(campaigns::act))
        .route("/api/v2/callbacks/{id}/reschedule", post(campaigns::reschedule))
        .route("/api/v2/agents", get(agents::list))
        .route("/api/v2/agents/{name}/presence", axum::routing::put(agents::set_presence))
        .route("/api/v2/agents/{name}/desk", get(desk::get_desk))
        .route("/api/v2/agents/{name}/offer/{answer}", post(desk::answer_offer))
        .route("/api/v2/agents/{name}/call/end", post(desk::end_call))
        .route("/api/v2/agents/{name}/call/keys", post(desk::keys))
        .route("/api/v2/agents/{name}/call/{hold}", post(desk::hold))
        .route("/api/v2/availability", get(agents::availability))
        .route("/api/v2/callbacks/{id}/attempts/{attempt}/result", post(webhook::report))
        .route("/api/v2/callbacks/{id}/disposition", post(disposition::dispose))
        .route("/api/v2/callbacks/{id}", get(genesys::get_one).patch(genesys::patch).delete(genesys::delete))
        .route(webex, get(webex::list).post(webex::create))
        .route(&format!("{webex}/{{id}}"), get(webex::get_one).put(webex::put).delete(webex::delete))
        .route("/api/v2/me", get(auth::me))
        .route("/api/v2/switches", get(switches::list))
        .route("/api/v2/switches/{name}", axum::routing::put(switches::put))
        .route("/api/v2/phone/numbers", get(phone::numbers))
        .route("/api/v2/phone/lines", post(phone::create_line))
        .route("/api/v2/phone/lines/{id}", axum::routing::delete(phone::delete_line))
        .route("/api/v2/phone/lines/{id}/calls", post(phone::dial))
        .route("/api/v2/phone/lines/{id}/keys", post(phone::keys))
        .route("/api/v2/phone/lines/{id}/answer", post(phone::answer))
        .route("/api/v2/phone/lines/{id}/hangup", post(phone::hang_up))
        .route("/api/v2/phone/lines/{id}/events", get(phone::events))
        .route("/flows", get(flows_page::page))
        .route("/flows/{file}", get(flows_page::graph));
    pages::routes(router)
        .fallback(|| async {
            problem::Problem::new(
                axum::http::StatusCode::NOT_FOUND,
                "not_found",
                "no such resource",
                "see /openapi.json for the paths this server answers",
            )
        })
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), health::track))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// Opens the data directory and serves until the process is stopped (SIGINT or SIGTERM). Prints
/// the URL once listening, through `ready`.
pub fn serve(
    options: ServeOptions,
    center: Option<Center>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), String> {
    std::fs::create_dir_all(&options.data_dir).map_err(|e| format!("{}: {e}", options.data_dir.display()))?;
    let db = options
        .db
        .clone()
        .unwrap_or_else(|| options.data_dir.join("callbacks.db").to_string_lossy().into_owned());
    let mode = if options.migrate { OpenMode::Migrate } else { OpenMode::Write };
    let store = crate::callbacks::store::open(&db, mode).map_err(|e| e.to_string())?;
    let tokens = auth::Tokens::load(&options.data_dir)?;
    // The phone-number metadata is parsed on first use (about a second in a debug build): do it
    // before listening, not in the first customer's request.
    let _ = crate::callbacks::normalize_number("+31201234567", None);
    let store = Arc::new(Mutex::new(store));
    let switches = crate::runtime::switches_of(center.as_ref());
    let configs = center.as_ref().map(|c| c.campaigns.as_slice()).unwrap_or_default();
    let bad_rows = campaigns::check_lists(configs, options.project.as_deref())?;
    let campaigns = campaigns::Campaigns::new(
        center.as_ref().map(|c| c.campaigns.clone()).unwrap_or_default(),
        options.project.clone(),
        options.people,
    );
    let state = Arc::new(ServiceState {
        writer: writer::Writer::start(store.clone()),
        store,
        tokens,
        limits: auth::RateLimits::default(),
        center,
        events: events::Events::default(),
        agents: agents::Agents::default(),
        desk: desk::Desk::default(),
        dial_waits: webhook::Waiting::default(),
        metrics: metrics::Metrics::default(),
        org_id: options.org_id.clone(),
        stopping: tokio::sync::watch::channel(false).0,
        dispatcher: Mutex::new(if options.project.is_some() {
            DispatcherState::Running
        } else {
            DispatcherState::None
        }),
        flows: flows_page::Flows::new(options.project.clone(), options.coverage.clone()),
        phones: phone::Phones::default(),
        switches,
        campaigns,
    });
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Two workers: on a 2-core machine HTTP, JSON and the CB rules of concurrent requests use both
    // cores while the writer thread waits on its fsync.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let stop_flag = stop.clone();
    let (served, dispatcher) = rt.block_on(async move {
        let stop = stop_flag;
        let listener = match tokio::net::TcpListener::bind(options.listen).await {
            Ok(l) => l,
            Err(e) => return (Err(format!("cannot listen on {}: {e}", options.listen)), None),
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => return (Err(e.to_string()), None),
        };
        ready(addr);
        for row in &bad_rows {
            tracing::warn!("{}", crate::source::printable(row));
        }
        // The dispatcher runs beside the API in this process, on its own thread (its engine is
        // single-threaded), against the same database; it stops when the server does. It starts
        // once the server listens, so its first log lines follow the URL line.
        let dispatcher = options.project.clone().map(|project| {
            let db = db.clone();
            let stop = stop.clone();
            let state = state.clone();
            let dialer =
                options.webhook.clone().map(|url| webhook::WebhookDialer::new(url, state.dial_waits.clone()));
            let desk = options.people.then(|| desk::PeopleDesk(state.clone()));
            let live_data = options.live_data;
            let do_not_call = options.do_not_call.clone();
            std::thread::spawn(move || {
                let reach = Reach { dialer, desk, live_data, do_not_call };
                let result = dispatch_in_process(&project, db, stop, state.clone(), reach);
                let why = match &result {
                    Ok(()) => "the server is stopping".to_string(),
                    Err(e) => e.clone(),
                };
                if let Ok(mut d) = state.dispatcher.lock() {
                    *d = DispatcherState::Stopped(why);
                }
                result
            })
        });
        // The owner-away sweep (seed 004, edge case 2), every few seconds.
        let swept = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
            loop {
                tick.tick().await;
                agents::sweep(&swept);
            }
        });
        // The campaign feeder: records for free agents of running campaigns, every second.
        let fed = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            loop {
                tick.tick().await;
                campaigns::tick(&fed).await;
            }
        });
        let stopping = state.stopping.clone();
        let served = axum::serve(listener, router(state))
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                stopping.send_replace(true);
            })
            .await
            .map_err(|e| e.to_string());
        (served, dispatcher)
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(Ok(Err(e))) = dispatcher.map(|d| d.join()) {
        tracing::error!("the dispatcher stopped: {}", crate::source::printable(&e));
    }
    tracing::info!("stopped");
    served
}

/// Ctrl-C or SIGTERM (a supervisor's stop): requests in flight finish, new ones are refused, the
/// dispatcher finishes its step and gives up its lease.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("interrupted; stopping"),
        _ = term => tracing::info!("SIGTERM; stopping"),
    }
}

/// How the in-process dispatcher reaches people: who dials, who takes offers, whether data
/// actions are live, and the numbers never dialled.
struct Reach {
    dialer: Option<webhook::WebhookDialer>,
    desk: Option<desk::PeopleDesk>,
    live_data: bool,
    do_not_call: crate::callbacks::do_not_call::DoNotCall,
}

/// The in-process dispatcher: the project's flows and roster, simulated customers who answer,
/// real time; every state change and dial is logged on stderr.
fn dispatch_in_process(
    project: &std::path::Path,
    db: String,
    stop: Arc<std::sync::atomic::AtomicBool>,
    state: Arc<ServiceState>,
    reach: Reach,
) -> Result<(), String> {
    let Reach { dialer, desk, live_data, do_not_call } = reach;
    use crate::runtime::{DispatchOptions, StoreDispatch, dispatch_store};
    let checked = crate::project::Project::load(project).map_err(|e| e.to_string())?.check();
    let config = StoreDispatch {
        db,
        migrate: false,
        agents: None,
        seed: 1,
        handle: 5 * 60 * 1_000_000,
        odds: crate::callbacks::people::Odds::default(),
        do_not_call,
        dialer: dialer.map(|d| Box::new(d) as Box<dyn crate::callbacks::dialer::ExternalDialer + Send>),
        desk: desk.map(|d| Box::new(d) as Box<dyn crate::callbacks::desk::AgentDesk + Send>),
        switchboard: Some(Box::new(phone::ServiceSwitchboard(state.clone()))),
        switches: Some(state.switches.clone()),
        data_gateway: live_data.then(|| {
            Box::new(data_gateway::HttpGateway) as Box<dyn crate::runtime::data_action::DataGateway + Send>
        }),
        on_create: Some({
            let state = state.clone();
            Box::new(move |cb| {
                tracing::info!(callback = cb.id, queue = cb.queue, "stored from a flow");
                state.events.changed(cb, None, "created");
            })
        }),
        options: DispatchOptions {
            epoch: chrono::Utc::now().timestamp_micros(),
            speed: 1.0,
            deadline: i64::MAX,
            keep_running: true,
            stop: Some(stop),
        },
    };
    let on_change: crate::callbacks::ledger::OnChange = Box::new(move |id, from, to, reason, _| {
        tracing::info!(callback = id, from = from.as_str(), to = to.as_str(), reason, "changed");
        if from == crate::callbacks::State::Scheduled && to == crate::callbacks::State::Queued {
            // Release lateness: from the due time to now (a read of the row's due time).
            let due = state.lock_store().ok().and_then(|s| s.get(id).ok().flatten()).map(|r| r.due_at_utc);
            if let Some(due) = due {
                let late = (chrono::Utc::now().timestamp_micros() - due) as f64 / 1e6;
                state.metrics.released(late);
            }
        }
        state.events.moved(id, from, to, reason);
    });
    let (_, problems) = dispatch_store(&checked, config, on_change, |_| Log)?;
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

/// Logs callback steps (dials, answers) on stderr.
#[derive(Clone)]
struct Log;

impl crate::runtime::Observer for Log {
    fn enabled(&self) -> bool {
        true
    }
    fn record(&self, _: crate::time::Micros, event: crate::runtime::Event) {
        if let crate::runtime::Event::Callback { id, step } = event {
            let step = crate::source::printable(&step.describe(&|m| m.to_string())).into_owned();
            tracing::info!(callback = %id, step, "dial");
        }
    }
}
