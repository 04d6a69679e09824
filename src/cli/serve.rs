//! `callwright serve PROJECT`: the callback service on 127.0.0.1:8080; `callwright serve token
//! create`: a bearer token for it.

use super::{Output, exit};
use callwright::project::Project;
use callwright::service::auth::{Role, Tokens};
use callwright::service::{ServeOptions, serve};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Serve the callback API (the Genesys Cloud shape of `POST/GET/DELETE /api/v2/callbacks`) for a project.
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
}

pub fn run(args: ServeArgs, out: &mut Output) -> i32 {
    if let Some(ServeCommand::Token(TokenCommand::Create(t))) = args.command {
        let role = match t.role.as_str() {
            "admin" => Role::Admin,
            "supervisor" => Role::Supervisor,
            _ => Role::Agent { agent: t.agent.unwrap_or_default() },
        };
        return match Tokens::create(&t.data_dir, role, t.rate) {
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
    let options =
        ServeOptions { listen: args.listen, data_dir: args.data_dir.clone(), project: args.project.clone() };
    let data_dir = args.data_dir.display().to_string();
    let result = serve(options, center, |addr| {
        eprintln!("callwright serve: listening on http://{addr} (data in {data_dir}; Ctrl-C stops)");
    });
    match result {
        Ok(()) => exit::OK,
        Err(e) => {
            out.error(&e);
            exit::USAGE
        }
    }
}
