//! `callwright serve`: the callback service. The seed's REST API (the Genesys Cloud shape of seed
//! 004) over the same store, the same CB rules and the same create path as the CLI
//! ([`crate::callbacks::create_stored`]), on axum. Errors are problem+json with the CB codes;
//! callers authenticate with bearer tokens ([`auth`]).
//!
//! The real-time dispatcher runs in the same process (with a project), on its own thread. This is
//! the first slice of the Service issue: the Webex shape, slots, agent operations, rate limits,
//! events and OpenAPI are still to come (ARCHITECTURE.md).

pub mod auth;
mod genesys;
mod problem;

use crate::callbacks::store::SqliteStore;
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
}

/// What every request handler shares.
pub struct ServiceState {
    /// One connection; SQLite serialises writers anyway, and each call holds it for one statement
    /// or one short transaction.
    pub store: Mutex<SqliteStore>,
    pub tokens: auth::Tokens,
    /// Creations per second, per token.
    pub limits: auth::RateLimits,
    /// The project's center (queues and their callback settings, the roster); `None`: any queue,
    /// default settings.
    pub center: Option<Center>,
}

impl ServiceState {
    /// The callback settings of `queue`, or `None` when the center does not declare it.
    pub fn settings(&self, queue: &str) -> Option<CallbackSettings> {
        match &self.center {
            Some(c) => c.queue(queue).map(|q| q.callback.clone()),
            None => Some(CallbackSettings::default()),
        }
    }

    /// Whether `name` may own a callback: an agent of the roster (any name without one).
    pub fn is_agent(&self, name: &str) -> bool {
        self.center.as_ref().is_none_or(|c| c.agents.is_empty() || c.agent(name).is_some())
    }
}

/// The routes.
pub fn router(state: Arc<ServiceState>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v2/callbacks", get(genesys::list).post(genesys::create))
        .route("/api/v2/callbacks/batch", axum::routing::post(genesys::batch))
        .route("/api/v2/callbacks/{id}", get(genesys::get_one).patch(genesys::patch).delete(genesys::delete))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
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
    let store = SqliteStore::open(options.data_dir.join("callbacks.db")).map_err(|e| e.to_string())?;
    let tokens = auth::Tokens::load(&options.data_dir)?;
    let state = Arc::new(ServiceState {
        store: Mutex::new(store),
        tokens,
        limits: auth::RateLimits::default(),
        center,
    });
    // The dispatcher runs beside the API in this process, on its own thread (its engine is
    // single-threaded), against the same database; it stops when the server does.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let dispatcher = options.project.clone().map(|project| {
        let db = options.data_dir.join("callbacks.db");
        let stop = stop.clone();
        std::thread::spawn(move || dispatch_in_process(&project, db, stop))
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let served = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        ready(addr);
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| e.to_string())
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(Ok(Err(e))) = dispatcher.map(|d| d.join()) {
        log(&format!("callwright serve: the dispatcher stopped: {e}"));
    }
    served
}

/// The in-process dispatcher: the project's flows and roster, simulated customers who answer,
/// real time; every state change and dial is logged on stderr.
fn dispatch_in_process(
    project: &std::path::Path,
    db: PathBuf,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Result<(), String> {
    use crate::runtime::{DispatchOptions, StoreDispatch, dispatch_store};
    let checked = crate::project::Project::load(project).map_err(|e| e.to_string())?.check();
    let config = StoreDispatch {
        db,
        agents: None,
        seed: 1,
        handle: 5 * 60 * 1_000_000,
        odds: crate::callbacks::people::Odds::default(),
        options: DispatchOptions {
            epoch: chrono::Utc::now().timestamp_micros(),
            speed: 1.0,
            deadline: i64::MAX,
            keep_running: true,
            stop: Some(stop),
        },
    };
    let on_change: crate::callbacks::ledger::OnChange = Box::new(|id, from, to, reason, _| {
        log(&format!("callback {id} {} -> {} ({reason})", from.as_str(), to.as_str()));
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
            log(&format!("callback {id} {}", step.describe(&|m| m.to_string())));
        }
    }
}

/// A line on stderr; a closed stderr (a supervisor that stopped reading) must not stop the server.
fn log(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{}", crate::source::printable(line));
}
