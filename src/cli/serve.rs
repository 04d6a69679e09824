//! `callwright serve PROJECT`: the callback service on 127.0.0.1:8080; `callwright serve token
//! create`: a bearer token for it.

use super::{Output, exit};
use callwright::project::Project;
use callwright::service::auth::{Role, Scope, Tokens};
use callwright::service::{ServeOptions, serve};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Serve the callback API (the Genesys Cloud and Webex shapes, booking slots, events, metrics) for a project.
#[derive(Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:
  callwright serve token create --role admin      prints a token (keep it: only its hash is stored)
  callwright serve flows/acme                     serves on http://127.0.0.1:8080
  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8080/api/v2/callbacks?phoneNumber=%2B31612345678"
)]
pub struct ServeArgs {
    #[command(subcommand)]
    pub command: Option<ServeCommand>,
    /// The project folder whose center.yaml declares the queues, their callback settings and the agents.
    pub project: Option<PathBuf>,
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// The data directory: callbacks.db and tokens.jsonl.
    #[arg(long, default_value = ".callwright")]
    pub data_dir: PathBuf,
    /// A do-not-call list (one E.164 number per line): the dispatcher never dials a number on it;
    /// its callbacks end as `do_not_call`.
    #[arg(long, value_name = "FILE")]
    pub dnc: Option<PathBuf>,
    /// The organization id of the Webex paths (/v1/callbacks/organization/ORG/scheduled-callback).
    #[arg(long, default_value = "local")]
    pub org_id: String,
    /// Who places the dials: `simulated` (the project's customers answer, ring out or are busy: a
    /// sandbox) or `webhook URL` (each dial is POSTed to URL; the platform reports the result to
    /// POST /api/v2/callbacks/{id}/attempts/{n}/result).
    #[arg(long, num_args = 1..=2, value_names = ["MODE", "URL"], default_value = "simulated")]
    pub dialer: Vec<String>,
    /// Who takes the callbacks: `simulated` (the roster of center.yaml accepts every offer: a
    /// sandbox) or `people` (offers go to the agents signed in at the desk —
    /// /api/v2/agents/NAME/desk — who accept or reject them; one not answered in time goes to the
    /// next agent).
    #[arg(long, value_parser = ["simulated", "people"], default_value = "simulated")]
    pub agents: String,
    /// Data actions make their HTTP requests for real (secrets from this process's environment,
    /// `{env.NAME}`). Without it they fail, as no result is given for them.
    #[arg(long)]
    pub live_data: bool,
    /// The callback database: an SQLite file, or a postgres:// URL that several servers (and
    /// their dispatchers) share. Default: callbacks.db in the data directory.
    #[arg(long, value_name = "FILE|URL")]
    pub db: Option<String>,
    /// With a PostgreSQL --db: bring its schema up to this build's first.
    #[arg(long)]
    pub migrate: bool,
}

#[derive(Subcommand, Debug)]
pub enum ServeCommand {
    /// Tokens for the service.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token and print it on stdout.
    Create(TokenArgs),
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    /// admin, supervisor or agent.
    #[arg(long, value_parser = ["admin", "supervisor", "agent"])]
    pub role: String,
    /// With --role agent: the agent's name in center.yaml.
    #[arg(long, required_if_eq("role", "agent"))]
    pub agent: Option<String>,
    #[arg(long, default_value = ".callwright")]
    pub data_dir: PathBuf,
    /// Callback creations per second this token may make (a bulk integration can be given more).
    #[arg(long, default_value_t = callwright::service::auth::DEFAULT_RATE, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub rate: u32,
    /// Limit the token to these scopes (repeat; default: all of callback:read, callback:write, task:manage).
    #[arg(long = "scope", value_parser = ["callback:read", "callback:write", "task:manage"])]
    pub scopes: Vec<String>,
}

pub fn run(args: ServeArgs, out: &mut Output) -> i32 {
    if let Some(ServeCommand::Token(TokenCommand::Create(t))) = args.command {
        let role = match t.role.as_str() {
            "admin" => Role::Admin,
            "supervisor" => Role::Supervisor,
            _ => Role::Agent { agent: t.agent.unwrap_or_default() },
        };
        let scopes = t.scopes.iter().filter_map(|s| Scope::parse(s)).collect();
        return match Tokens::create(&t.data_dir, role, t.rate, scopes) {
            Ok(token) => {
                out.stdout(&format!("{token}\n"));
                exit::OK
            }
            Err(e) => {
                out.error(&e);
                exit::USAGE
            }
        };
    }
    let center = match &args.project {
        None => None,
        Some(dir) => {
            let checked = match Project::load(dir) {
                Ok(p) => p.check(),
                Err(e) => {
                    out.error(&e.to_string());
                    return exit::USAGE;
                }
            };
            if checked.has_errors() {
                out.diagnostics(&checked.diagnostics, checked.sources());
                out.error("the project has errors; see `callwright check`");
                return exit::PROBLEMS;
            }
            checked.project.center.clone()
        }
    };
    let webhook = match args.dialer.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["simulated"] => None,
        ["webhook", url] => match callwright::service::webhook::Url::parse(url) {
            Ok(u) => Some(u),
            Err(e) => {
                out.error(&format!("--dialer webhook: {e}"));
                return exit::USAGE;
            }
        },
        other => {
            out.error(&format!(
                "--dialer {}: write `--dialer simulated` or `--dialer webhook http://HOST:PORT/PATH`",
                other.join(" ")
            ));
            return exit::USAGE;
        }
    };
    let options = ServeOptions {
        webhook,
        listen: args.listen,
        data_dir: args.data_dir.clone(),
        project: args.project.clone(),
        org_id: args.org_id.clone(),
        people: args.agents == "people",
        db: args.db.clone(),
        migrate: args.migrate,
        coverage: args.project.clone().map(coverage_of),
        live_data: args.live_data,
        do_not_call: match &args.dnc {
            Some(path) => match super::contacts::read_do_not_call(path) {
                Ok(list) => list,
                Err(e) => {
                    out.error(&e);
                    return exit::PROBLEMS;
                }
            },
            None => Default::default(),
        },
    };
    let data_dir = args.data_dir.display().to_string();
    let result = serve(options, center, |addr| {
        eprintln!("callwright serve: listening on http://{addr} (data in {data_dir}; Ctrl-C stops)");
        eprintln!(
            "callwright serve: pages http://{addr}/agent, http://{addr}/callbacks, http://{addr}/campaigns, http://{addr}/flows"
        );
        // Logs after the first line: one line per event, level from RUST_LOG (default info).
        let filter =
            std::env::var("RUST_LOG").ok().and_then(|l| l.parse().ok()).unwrap_or(tracing::Level::INFO);
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(filter)
            .with_ansi(false)
            .with_target(false)
            .try_init();
    });
    match result {
        Ok(()) => exit::OK,
        Err(e) => {
            out.error(&e);
            exit::USAGE
        }
    }
}

/// What `/flows` paints: the project's flow tests are run (on the page's first request) and each
/// flow's coverage is drawn as `callwright graph --coverage` draws it.
fn coverage_of(project: PathBuf) -> callwright::service::flows_page::CoverageSource {
    callwright::service::flows_page::CoverageSource(std::sync::Arc::new(move || {
        use callwright::testing::SuiteError;
        let dir = super::graph::tests_folder(&project);
        let suite = match callwright::testing::Suite::load(std::slice::from_ref(&dir)) {
            Ok(s) => s,
            // No test files: nothing to paint.
            Err(SuiteError::Usage(_)) => return Ok(Default::default()),
            Err(SuiteError::BadTestFile(e)) => {
                return Err(format!("{} mistake(s) in the test files; see `callwright test`", e.len()));
            }
            Err(SuiteError::Flows(_)) => return Err("the flows do not check".into()),
        };
        if suite.projects.is_empty() {
            return Ok(Default::default());
        }
        let coverage = suite.coverage_of(0);
        let report = coverage.report(&suite.projects[0].1);
        let mut out = std::collections::BTreeMap::new();
        for line in &report.flows {
            if let Some(paint) = coverage.paint(&line.flow) {
                let summary = format!(
                    "nodes {}/{}, edges {}/{}",
                    line.nodes.0, line.nodes.1, line.edges.0, line.edges.1
                );
                out.insert(line.flow.clone(), (paint, summary));
            }
        }
        Ok(out)
    }))
}
