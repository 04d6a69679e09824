//! The flags of `callwright callbacks` (clap derive; the doc comments are the help).

use super::view::Format;
use std::path::PathBuf;

/// Schedule, list, show, cancel and reschedule callbacks (the agent desktop and supervisor view),
/// and dispatch them in real time.
///
/// Callbacks are kept in an SQLite file: `callbacks.db` in the current directory, or --db FILE, or in
/// PostgreSQL with --db postgres://USER@HOST:PORT/DATABASE.
/// Times are given in the customer's local time and IANA zone and shown both in that zone and
/// in UTC.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  callwright callbacks schedule --number +12125550123 --name 'Ann Lee' --date 2026-12-03 \\
      --window 14:00-16:00 --tz America/New_York --queue Support
  callwright callbacks list --number '+1 212 555 0123'
  callwright callbacks list --owner alice --state scheduled
  callwright callbacks show cb-20261201-1
  callwright callbacks cancel cb-20261201-1 cb-20261201-2 --reason cancelled_by_customer
  callwright callbacks reschedule cb-20261201-1 --date 2026-12-04 --window 09:00-11:00
  callwright callbacks --db /var/lib/cw/callbacks.db --project flows/acme list --queue Support
  callwright callbacks dispatch --project flows/acme --speed 600")]
pub struct CallbacksArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Sub,
}

/// Flags every callbacks subcommand takes (before or after the subcommand name).
#[derive(clap::Args, Debug)]
pub struct Common {
    /// The callback database: an SQLite file (created if missing) or a postgres:// URL.
    #[arg(long, global = true, value_name = "FILE|URL", default_value = "callbacks.db")]
    pub db: String,
    /// With a PostgreSQL --db: bring its schema up to this build's first (else a database behind
    /// is refused with the command that migrates it).
    #[arg(long, global = true)]
    pub migrate: bool,
    /// A project folder (or its center.yaml): the queue must be declared there and its callback
    /// settings apply. Without it, any queue name is accepted with the default settings.
    #[arg(long, global = true, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// Use this instant as "now" (RFC 3339, e.g. 2026-12-01T09:00:00Z) instead of the system clock.
    #[arg(long, global = true, hide = true, value_name = "RFC3339")]
    pub now: Option<String>,
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(clap::Subcommand, Debug)]
pub enum Sub {
    Schedule(ScheduleArgs),
    List(ListArgs),
    Show(ShowArgs),
    Cancel(CancelArgs),
    Reschedule(RescheduleArgs),
    Dispatch(super::dispatch::DispatchArgs),
    Export(ExportArgs),
    Import(ImportArgs),
}

/// Write every callback with its history and attempts as JSON Lines (to move between SQLite and
/// PostgreSQL, or keep a copy): `callbacks --db callbacks.db export -o all.jsonl`.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The file to write (default: standard output).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Put back callbacks from an export, each exactly as it was (state, history, attempts); those
/// already in the database are left alone, so an import can be run again:
/// `callbacks --db postgres://… --migrate import all.jsonl`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The export to read (`-`: standard input).
    pub input: PathBuf,
}

/// Schedule a callback for a customer at a date and call-between window in their time zone.
#[derive(clap::Args, Debug)]
pub struct ScheduleArgs {
    /// The number to call back (E.164 preferred, e.g. +12125550123).
    #[arg(long)]
    pub number: String,
    /// The customer's name (default: the number).
    #[arg(long)]
    pub name: Option<String>,
    /// The date in the customer's zone, YYYY-MM-DD.
    #[arg(long, required_unless_present = "asap", conflicts_with = "asap")]
    pub date: Option<String>,
    /// The call-between window in the customer's zone, HH:MM-HH:MM.
    #[arg(long, required_unless_present = "asap", conflicts_with = "asap")]
    pub window: Option<String>,
    /// The customer's IANA time zone, e.g. America/New_York.
    #[arg(long, required_unless_present = "asap", conflicts_with = "asap")]
    pub tz: Option<String>,
    /// As soon as possible: no date, due now, served in queue order. Ended as inactive if nobody
    /// touches it for the queue's `inactive_after` (14 days).
    #[arg(long)]
    pub asap: bool,
    /// The queue that handles the callback.
    #[arg(long)]
    pub queue: String,
    /// The agent who owns it (an agent-owned callback).
    #[arg(long)]
    pub owner: Option<String>,
    /// Why the customer wants a callback.
    #[arg(long)]
    pub reason: Option<String>,
    /// Schedule it even if a pending callback for the same number is close in time (CB010).
    #[arg(long)]
    pub force: bool,
    /// A retried request with the same key gets the callback the first one created.
    #[arg(long, value_name = "K")]
    pub idempotency_key: Option<String>,
    /// Dial attempts, the first included (default: the queue's).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub attempts: Option<i64>,
    /// Time between attempts, e.g. 5m (default: the queue's).
    #[arg(long, value_name = "D")]
    pub retry_every: Option<String>,
}

/// List callbacks, soonest first.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Only this number (normalised to E.164 first, then matched exactly).
    #[arg(long)]
    pub number: Option<String>,
    /// Only callbacks owned by this agent.
    #[arg(long)]
    pub owner: Option<String>,
    /// Only this queue.
    #[arg(long)]
    pub queue: Option<String>,
    /// Only this state: scheduled, queued, routing, processing, completed, cancelled, failed, expired.
    #[arg(long)]
    pub state: Option<String>,
}

/// Show every field of a callback and its transition history.
#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    pub id: String,
}

/// Cancel one or more callbacks (ended ones are reported and skipped).
#[derive(clap::Args, Debug)]
pub struct CancelArgs {
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    /// Why (default: cancelled_by_agent); an end reason such as cancelled_by_customer, or free text.
    #[arg(long)]
    pub reason: Option<String>,
}

/// Move a scheduled callback to another date and window (re-validated with the same rules).
#[derive(clap::Args, Debug)]
pub struct RescheduleArgs {
    pub id: String,
    /// The new date in the customer's zone, YYYY-MM-DD.
    #[arg(long)]
    pub date: String,
    /// The new call-between window, HH:MM-HH:MM.
    #[arg(long)]
    pub window: String,
    /// A new customer time zone (default: the callback's).
    #[arg(long)]
    pub tz: Option<String>,
    /// Reschedule even if another pending callback for the same number is close in time.
    #[arg(long)]
    pub force: bool,
}
