//! `callwright callbacks <sub>`: the agent-desktop / supervisor workflow for scheduled callbacks,
//! kept in an SQLite file (`callbacks.db` in the current directory unless `--db` says otherwise) or
//! a PostgreSQL database (`--db postgres://…`).
//!
//! Validation is [`callwright::callbacks::validate_request`]'s; this module only reads flags, reads
//! and writes the store, and prints. The wall clock is read in one place ([`Common::now`]).

mod args;
mod dispatch;
mod view;

pub use args::{CallbacksArgs, CancelArgs, Common, ListArgs, RescheduleArgs, ScheduleArgs, ShowArgs, Sub};

use super::exit;
use super::output::Output;
use callwright::callbacks::model::Origin;
use callwright::callbacks::store::codec;
use callwright::callbacks::store::{self, AnyStore, CallbackStore, ListFilter, OpenMode, StoredCallback};
use callwright::callbacks::validate::Field;
use callwright::callbacks::{
    Callback, CallbackErrorCode, CallbackType, CallbackValidationError, EndReason, ScheduleRequest, State,
    check_owner, normalize_number,
};
use callwright::callbacks::{CreateError, Created, Edit, EditError, create_stored, edit_stored};
use callwright::model::center::{CallbackSettings, load_center};
use callwright::source::FileId;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use view::Format;

/// Failure: an exit code and a message for `error:` (empty when already printed).
pub(super) type Fail = (i32, String);

impl Common {
    /// `--now`, or the system clock (the only place this command reads it).
    fn now(&self) -> Result<DateTime<Utc>, Fail> {
        match &self.now {
            None => Ok(Utc::now()),
            Some(text) => {
                DateTime::parse_from_rfc3339(text.trim()).map(|t| t.with_timezone(&Utc)).map_err(|e| {
                    (
                        exit::PROBLEMS,
                        format!("--now `{text}` is not an RFC 3339 instant (e.g. 2026-12-01T09:00:00Z): {e}"),
                    )
                })
            }
        }
    }

    fn open(&self) -> Result<AnyStore, Fail> {
        let mode = if self.migrate { OpenMode::Migrate } else { OpenMode::Write };
        store::open(&self.db, mode).map_err(|e| (exit::USAGE, e.to_string()))
    }

    /// For commands that only read (`list`, `show`): creates nothing, writes nothing.
    fn open_read(&self) -> Result<AnyStore, Fail> {
        store::open(&self.db, OpenMode::Read).map_err(|e| (exit::USAGE, e.to_string()))
    }

    /// The callback settings of `queue`: center.yaml's with --project (the queue must be
    /// declared there), else the defaults.
    fn settings(&self, queue: &str) -> Result<CallbackSettings, Fail> {
        Ok(self.center_settings(queue)?.0)
    }

    /// The settings of `queue` and, with --project, the center's agent names (an owner must be
    /// one of them).
    fn center_settings(&self, queue: &str) -> Result<(CallbackSettings, Option<Vec<String>>), Fail> {
        let Some(project) = &self.project else {
            return Ok((CallbackSettings::default(), None));
        };
        let path = if project.is_dir() { project.join("center.yaml") } else { project.clone() };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| (exit::USAGE, format!("cannot read {}: {e}", path.display())))?;
        let (center, diags) = load_center(FileId(0), &text);
        let errors: Vec<String> = diags.iter().filter(|d| d.is_error()).map(|d| d.message.clone()).collect();
        let center = match center {
            Some(c) if errors.is_empty() => c,
            _ => {
                let why = if errors.is_empty() {
                    "it is not a YAML mapping".to_string()
                } else {
                    errors.join("; ")
                };
                return Err((
                    exit::PROBLEMS,
                    format!("{} has errors ({why}); see `callwright check`", path.display()),
                ));
            }
        };
        let agents = center.agents.iter().map(|a| a.name.clone()).collect();
        match center.queue(queue) {
            Some(q) => Ok((q.callback.clone(), Some(agents))),
            None => {
                let declared: Vec<&str> = center.queue_names().collect();
                let declared = if declared.is_empty() { "none".to_string() } else { declared.join(", ") };
                Err((
                    exit::PROBLEMS,
                    format!(
                        "--queue: `{queue}` is not declared in {} (declared: {declared})",
                        path.display()
                    ),
                ))
            }
        }
    }
}

pub fn run(args: CallbacksArgs, out: &mut Output) -> i32 {
    let result = args.common.now().and_then(|_| match args.command {
        Sub::Schedule(a) => schedule(&args.common, a, out),
        Sub::List(a) => list(&args.common, a, out),
        Sub::Show(a) => show(&args.common, a, out),
        Sub::Cancel(a) => cancel(&args.common, a, out),
        Sub::Reschedule(a) => reschedule(&args.common, a, out),
        Sub::Dispatch(a) => dispatch::dispatch(&args.common, a, out),
        Sub::Export(a) => export(&args.common, a, out),
        Sub::Import(a) => import(&args.common, a, out),
    });
    match result {
        Ok(code) => code,
        Err((code, message)) => {
            if !message.is_empty() {
                out.error(&message);
            }
            code
        }
    }
}

/// The command-line flag a validation field comes from.
fn flag_of(field: Field) -> Option<&'static str> {
    Some(match field {
        Field::CallbackNumber => "--number",
        Field::CustomerName => "--name",
        Field::Timezone => "--tz",
        Field::ScheduleDate => "--date",
        Field::WindowStart | Field::WindowEnd => "--window",
        Field::Queue => "--queue",
        Field::Owner => "--owner",
        Field::MaxAttempts => "--attempts",
        Field::RetryInterval => "--retry-every",
        Field::State | Field::RequestedTime => return None,
    })
}

/// Prints validation errors (stderr, or stdout as JSON) and gives the exit code for them.
fn report(errors: &[CallbackValidationError], format: Format, out: &mut Output) -> Fail {
    match format {
        Format::Json => {
            let json = serde_json::json!({ "ok": false, "errors": errors });
            out.stdout(&format!("{}\n", serde_json::to_string_pretty(&json).unwrap_or_default()));
        }
        Format::Text => {
            for e in errors {
                let flag = flag_of(e.field).map_or_else(String::new, |f| format!(" ({f})"));
                out.error(&format!("{} {}{flag}: {}", e.code, e.field, e.message));
                if let Some(help) = &e.help {
                    eprintln!("  help: {}", callwright::source::printable(help));
                }
            }
        }
    }
    let n = errors.len();
    (
        exit::PROBLEMS,
        if format == Format::Text && n > 1 {
            format!("{n} problems; nothing was changed")
        } else {
            String::new()
        },
    )
}

fn bad_value(code: CallbackErrorCode, field: Field, message: String) -> CallbackValidationError {
    CallbackValidationError::new(code, field, message)
}

fn parse_date(text: &str) -> Result<NaiveDate, CallbackValidationError> {
    // Four-digit years only: chrono reads `27-03-05` as the year 27.
    let t = text.trim();
    let shaped = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    let parsed = if shaped { NaiveDate::parse_from_str(t, "%Y-%m-%d").ok() } else { None };
    parsed.ok_or(()).map_err(|_| {
        bad_value(
            CallbackErrorCode::BadDateTime,
            Field::ScheduleDate,
            format!("`{text}` is not a YYYY-MM-DD date"),
        )
        .with_help("e.g. 2026-12-03")
    })
}

fn parse_window(text: &str) -> Result<(NaiveTime, NaiveTime), CallbackValidationError> {
    let bad = || {
        bad_value(
            CallbackErrorCode::BadDateTime,
            Field::WindowStart,
            format!("`{text}` is not an HH:MM-HH:MM window"),
        )
        .with_help("e.g. 14:00-16:00 (local to --tz)")
    };
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let time = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
    match (time(a), time(b)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(bad()),
    }
}

/// A stored row as the model callback ([`codec::decode`]), an unreadable row as a usage error.
pub(super) fn decode(row: &StoredCallback) -> Result<Callback, Fail> {
    codec::decode(row).map_err(|e| (exit::USAGE, e))
}

fn encode(cb: &Callback, updated_at: DateTime<Utc>) -> Result<StoredCallback, Fail> {
    codec::encode(cb, updated_at).map_err(|e| (exit::USAGE, e))
}

pub(super) fn store_err(e: callwright::callbacks::store::StoreError) -> Fail {
    (exit::USAGE, e.to_string())
}

fn schedule(common: &Common, a: ScheduleArgs, out: &mut Output) -> Result<i32, Fail> {
    let now = common.now()?;
    // With --asap there is no date or window (clap makes them required otherwise).
    let date = a.date.as_deref().map(parse_date).transpose();
    let window = a.window.as_deref().map(parse_window).transpose();
    let retry = match &a.retry_every {
        None => Ok(None),
        Some(text) => callwright::time::parse_duration_secs(text).map(Some).map_err(|e| {
            bad_value(
                CallbackErrorCode::RetryIntervalOutOfBounds,
                Field::RetryInterval,
                format!("`{text}`: {e}"),
            )
        }),
    };
    let errors: Vec<_> = [date.as_ref().err(), window.as_ref().err(), retry.as_ref().err()]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let (Ok(date), Ok(window), Ok(retry)) = (date, window, retry) else {
        return Err(report(&errors, common.format, out));
    };
    let (settings, agents) = common.center_settings(&a.queue)?;
    if let Some(agents) = &agents
        && let Err(e) = check_owner(a.owner.as_deref(), |o| agents.iter().any(|n| n == o))
    {
        return Err(report(&[e], common.format, out));
    }
    let mut store = common.open()?;
    let mut req = match (date, window, a.tz.as_deref()) {
        (Some(date), Some((start, end)), Some(tz)) => {
            ScheduleRequest::scheduled(&a.number, tz, date, start, end, &a.queue)
        }
        // As soon as possible: no schedule, due now, in queue order.
        _ => ScheduleRequest {
            callback_type: CallbackType::InQueue,
            callback_number: Some(a.number.clone()),
            queue: Some(a.queue.clone()),
            ..ScheduleRequest::default()
        },
    };
    req.customer_name = a.name;
    req.reason = a.reason;
    if let Some(owner) = a.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        req.callback_type = CallbackType::AgentOwned;
        req.origin = Origin::Agent { agent: owner.to_string() };
        req.owner = Some(owner.to_string());
    }
    req.idempotency_key = a.idempotency_key;
    req.max_attempts = a.attempts;
    req.retry_interval_secs = retry;
    req.force = a.force;
    // Validation and insert happen under one write lock: concurrent `schedule` runs for one
    // number cannot both pass the 48-hour duplicate rule.
    match create_stored(&mut store, &req, &settings, now) {
        Ok(Created::New(cb)) => {
            view::print_one(&cb, "scheduled", common.format, out);
            Ok(exit::OK)
        }
        Ok(Created::Existing(cb)) => {
            view::print_one(&cb, "exists (same idempotency key)", common.format, out);
            Ok(exit::OK)
        }
        Err(CreateError::Rules(errors)) => Err(report(&errors, common.format, out)),
        Err(CreateError::Store(e)) => Err(store_err(e)),
        Err(CreateError::Codec(e)) => Err((exit::USAGE, e)),
    }
}

fn list(common: &Common, a: ListArgs, out: &mut Output) -> Result<i32, Fail> {
    let state = match &a.state {
        None => None,
        Some(text) => Some(codec::parse_state(text).ok_or_else(|| {
            let all: Vec<&str> = State::ALL.iter().map(|s| s.as_str()).collect();
            (exit::PROBLEMS, format!("--state `{text}` is not a state (one of {})", all.join(", ")))
        })?),
    };
    let number = match &a.number {
        None => None,
        Some(text) => match normalize_number(text, None) {
            Ok(n) => Some(n),
            Err(e) => return Err(report(&[e], common.format, out)),
        },
    };
    let store = common.open_read()?;
    let filter = ListFilter {
        state: state.map(codec::store_state),
        queue: a.queue.clone(),
        owner: a.owner.clone(),
        due_before: None,
        due_from: None,
    };
    let rows = match &number {
        Some(n) => store.by_number(n).map_err(store_err)?,
        None => store.list(&filter).map_err(store_err)?,
    };
    let mut callbacks = Vec::new();
    let mut unreadable = 0;
    for row in &rows {
        let wanted = filter.state.as_ref().is_none_or(|s| *s == row.state)
            && filter.queue.as_ref().is_none_or(|q| *q == row.queue)
            && filter.owner.as_ref().is_none_or(|o| row.owner.as_ref() == Some(o));
        if wanted {
            // One damaged row is reported and skipped; the others are still listed.
            match codec::decode(row) {
                Ok(cb) => callbacks.push(cb),
                Err(e) => {
                    unreadable += 1;
                    out.warning(&e);
                }
            }
        }
    }
    view::print_list(&callbacks, common.now()?, common.format, out);
    Ok(if unreadable > 0 { exit::PROBLEMS } else { exit::OK })
}

fn unknown(id: &str) -> Fail {
    (exit::PROBLEMS, format!("no callback with id `{id}` (see `callwright callbacks list`)"))
}

fn export(common: &Common, a: args::ExportArgs, out: &mut Output) -> Result<i32, Fail> {
    let store = common.open_read()?;
    let n = match &a.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| (exit::USAGE, format!("cannot write {}: {e}", path.display())))?;
            let mut w = std::io::BufWriter::new(file);
            store::transfer::export(&*store, &mut w).map_err(|e| (exit::USAGE, e))?
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            store::transfer::export(&*store, &mut w).map_err(|e| (exit::USAGE, e))?
        }
    };
    out.note(&format!("exported {n} callback(s)"));
    Ok(exit::OK)
}

fn import(common: &Common, a: args::ImportArgs, out: &mut Output) -> Result<i32, Fail> {
    let mut store = common.open()?;
    let name = a.input.display().to_string();
    let done = if name == "-" {
        let stdin = std::io::stdin();
        store::transfer::import(&mut *store, &mut stdin.lock(), "<stdin>")
    } else {
        let file =
            std::fs::File::open(&a.input).map_err(|e| (exit::USAGE, format!("cannot read {name}: {e}")))?;
        store::transfer::import(&mut *store, &mut std::io::BufReader::new(file), &name)
    }
    .map_err(|e| (exit::USAGE, e))?;
    for p in &done.problems {
        out.error(p);
    }
    out.note(&format!(
        "imported {} callback(s); {} already there; {} line(s) not imported",
        done.restored,
        done.present,
        done.problems.len()
    ));
    Ok(if done.problems.is_empty() { exit::OK } else { exit::PROBLEMS })
}

fn show(common: &Common, a: ShowArgs, out: &mut Output) -> Result<i32, Fail> {
    let store = common.open_read()?;
    let row = store.get(&a.id).map_err(store_err)?.ok_or_else(|| unknown(&a.id))?;
    let cb = decode(&row)?;
    let history = store.history(&a.id).map_err(store_err)?;
    view::print_show(&cb, &history, common.format, out);
    Ok(exit::OK)
}

fn cancel(common: &Common, a: CancelArgs, out: &mut Output) -> Result<i32, Fail> {
    let now = common.now()?;
    let mut store = common.open()?;
    let reason_text =
        a.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).unwrap_or("cancelled_by_agent");
    let end_reason = EndReason::parse(reason_text)
        .filter(|r| r.final_state() == State::Cancelled)
        .unwrap_or(EndReason::CancelledByAgent);
    let mut results = Vec::new();
    let mut code = exit::OK;
    for id in &a.ids {
        let Some(row) = store.get(id).map_err(store_err)? else {
            out.error(&unknown(id).1);
            results.push(view::CancelResult { id: id.clone(), outcome: "unknown", state: None });
            code = exit::PROBLEMS;
            continue;
        };
        let mut cb = decode(&row)?;
        if cb.state.is_final() {
            results.push(view::CancelResult { id: id.clone(), outcome: "skipped", state: Some(cb.state) });
            continue;
        }
        let from = row.state.clone();
        cb.state = State::Cancelled;
        cb.end_reason = Some(end_reason);
        cb.updated_at = now;
        let update = encode(&cb, now)?;
        let moved = store
            .transition(
                id,
                &from,
                &codec::store_state(State::Cancelled),
                Some(reason_text),
                now.timestamp_micros(),
                Some(&update),
            )
            .map_err(store_err)?;
        if moved {
            results.push(view::CancelResult {
                id: id.clone(),
                outcome: "cancelled",
                state: Some(State::Cancelled),
            });
        } else {
            out.error(&format!("callback {id} changed state while it was being cancelled; try again"));
            results.push(view::CancelResult { id: id.clone(), outcome: "conflict", state: None });
            code = exit::PROBLEMS;
        }
    }
    view::print_cancel(&results, common.format, out);
    Ok(code)
}

fn reschedule(common: &Common, a: RescheduleArgs, out: &mut Output) -> Result<i32, Fail> {
    let now = common.now()?;
    let date = parse_date(&a.date);
    let window = parse_window(&a.window);
    let errors: Vec<_> =
        [date.as_ref().err(), window.as_ref().err()].into_iter().flatten().cloned().collect();
    let (Ok(date), Ok((start, end))) = (date, window) else {
        return Err(report(&errors, common.format, out));
    };
    let mut store = common.open()?;
    let row = store.get(&a.id).map_err(store_err)?.ok_or_else(|| unknown(&a.id))?;
    let old = decode(&row)?;
    let settings = common.settings(&old.queue)?;
    let zone = a.tz.clone().or_else(|| old.timezone().map(str::to_string)).unwrap_or_default();
    let edit =
        Edit { window: Some((zone, date, start, end)), owner: None, force: a.force, ..Edit::default() };
    // The one edit path, shared with the service's PATCH.
    let cb = match edit_stored(&mut store, &a.id, &edit, &settings, now) {
        Ok(cb) => cb,
        Err(EditError::Rules(errors)) => return Err(report(&errors, common.format, out)),
        Err(EditError::NotFound(id)) => return Err(unknown(&id)),
        Err(EditError::Changed(id)) => {
            return Err((
                exit::PROBLEMS,
                format!("callback {id} changed state while it was being rescheduled; try again"),
            ));
        }
        Err(EditError::Store(e)) => return Err(store_err(e)),
        Err(EditError::Codec(e)) => return Err((exit::USAGE, e)),
    };
    view::print_one(&cb, "rescheduled", common.format, out);
    Ok(exit::OK)
}
