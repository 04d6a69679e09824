//! `callwright contacts import LIST.csv`: a contact list into the callback database, as campaign
//! tools load one — a diagnostic per bad row, the good rows loaded in one transaction.

use super::exit;
use super::output::Output;
use callwright::callbacks::contact_list::parse_contact_list;
use callwright::callbacks::do_not_call::DoNotCall;
use callwright::callbacks::store::{self, ContactStore, OpenMode};
use std::path::PathBuf;

/// Contacts: the customers campaigns and callbacks call, with their numbers and callable hours.
#[derive(clap::Args, Debug)]
pub struct ContactsArgs {
    #[command(subcommand)]
    pub sub: Sub,
}

#[derive(clap::Subcommand, Debug)]
pub enum Sub {
    Import(ImportArgs),
}

/// Load a contact list (CSV): one contact per row with `name`, an optional IANA `timezone`, and
/// numbers in `home`, `mobile`, `work`, `other` columns, each with optional callable hours in
/// `home_hours` etc. (`09:00-20:00`, the contact's local time).
///
/// A bad row is reported as FILE:LINE:COL with what is wrong and skipped; the good rows are stored
/// together in one transaction. The exit code is 1 when any row was skipped (0 when all loaded).
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  callwright contacts import customers.csv --region NL
  callwright contacts import customers.csv --region NL --dnc do-not-call.txt --db postgres://localhost/cc")]
pub struct ImportArgs {
    /// The contact list.
    pub input: PathBuf,
    /// The region national numbers are read in (ISO 3166 code, e.g. NL: `020 123 4567`).
    #[arg(long, value_name = "CC")]
    pub region: Option<String>,
    /// A do-not-call list (a number per line, or a CSV with a `number` column): the import says how
    /// many of the list's numbers are on it (they stay on their contacts; no dial is placed to them).
    #[arg(long, value_name = "FILE")]
    pub dnc: Option<PathBuf>,
    /// The callback database: an SQLite file (created if missing) or a postgres:// URL.
    #[arg(long, value_name = "FILE|URL", default_value = "callbacks.db")]
    pub db: String,
    /// With a PostgreSQL --db: bring its schema up to this build's first.
    #[arg(long)]
    pub migrate: bool,
}

pub fn run(args: ContactsArgs, out: &mut Output) -> i32 {
    let result = match args.sub {
        Sub::Import(a) => import(a, out),
    };
    match result {
        Ok(code) => code,
        Err((code, message)) => {
            out.error(&message);
            code
        }
    }
}

/// `--dnc FILE` of `serve` and `callbacks dispatch`: the list, or an error naming the first line
/// that is not a number (a list that drops a line would dial a number it should not).
pub(super) fn read_do_not_call(path: &std::path::Path) -> Result<DoNotCall, String> {
    let text = callwright::input::read_regular(path).map_err(|e| format!("--dnc {}: {e}", path.display()))?;
    let (list, problems) = DoNotCall::parse(&text, None);
    match problems.first() {
        Some(p) => {
            Err(format!("{}:{p} (write one number per line in E.164, e.g. +31612345678)", path.display()))
        }
        None => Ok(list),
    }
}

fn read(path: &std::path::Path) -> Result<String, (i32, String)> {
    callwright::input::read_regular(path)
        .map_err(|e| (exit::USAGE, format!("cannot read {}: {e}", path.display())))
}

fn import(a: ImportArgs, out: &mut Output) -> Result<i32, (i32, String)> {
    let name = a.input.display().to_string();
    let region = a.region.as_deref().map(str::to_ascii_uppercase);
    let text = read(&a.input)?;
    let started = std::time::Instant::now();
    let list = parse_contact_list(&text, region.as_deref(), chrono::Utc::now())
        .map_err(|e| (exit::PROBLEMS, format!("{name}:{}: nothing imported", e.0)))?;
    let dnc = match &a.dnc {
        None => None,
        Some(path) => {
            let (dnc, problems) = DoNotCall::parse(&read(path)?, region.as_deref());
            for p in &problems {
                out.error(&format!("{}:{p}", path.display()));
            }
            Some(dnc)
        }
    };
    for p in &list.problems {
        out.error(&format!("{name}:{p}"));
    }
    let mode = if a.migrate { OpenMode::Migrate } else { OpenMode::Write };
    let mut store = store::open(&a.db, mode).map_err(|e| (exit::USAGE, e.to_string()))?;
    let stored = store.insert_contacts(&list.contacts).map_err(|e| (exit::USAGE, e.to_string()))?;
    let numbers: usize = list.contacts.iter().map(|c| c.numbers.len()).sum();
    out.note(&format!(
        "imported {stored} contact(s) with {numbers} number(s) in {:.2} s; {} row(s) not imported",
        started.elapsed().as_secs_f64(),
        list.problems.len()
    ));
    if let Some(dnc) = dnc {
        let listed =
            list.contacts.iter().flat_map(|c| &c.numbers).filter(|n| dnc.contains(&n.number)).count();
        out.note(&format!(
            "{listed} of the numbers are on the do-not-call list ({} numbers): they are never dialled",
            dnc.len()
        ));
    }
    Ok(if list.problems.is_empty() { exit::OK } else { exit::PROBLEMS })
}
