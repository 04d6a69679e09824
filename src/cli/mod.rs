//! The command line: one file per subcommand. `main.rs` only calls [`run`].

mod callbacks;
mod check;
mod contacts;
mod db;
mod erlang;
mod explain;
mod graph;
mod merge;
mod output;
pub mod run;
mod serve;
mod simulate;
mod staff;
pub(crate) mod test;

use clap::{Parser, Subcommand};
use std::ffi::OsString;

pub use output::{ColorChoice, Output};

/// callwright — contact-center call flows as text: check them offline, draw them, run them.
#[derive(Parser, Debug)]
#[command(name = "callwright", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// When to use colours: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "\
Examples:
  callwright check flows/acme                 check a project folder
  callwright check --format json a.flow       diagnostics as JSON
  callwright graph flows/acme --flow AcmeSupport --format svg -o acme.svg
  callwright test flows/acme --coverage       run the flow tests beside the flows
  callwright explain E0401                    what a code means, with an example
  callwright staff flows/acme/day.yaml --target 80/20s   agents needed per interval";

#[derive(Subcommand, Debug)]
pub enum Command {
    Callbacks(callbacks::CallbacksArgs),
    Check(check::CheckArgs),
    Contacts(contacts::ContactsArgs),
    Db(db::DbArgs),
    Erlang(erlang::ErlangArgs),
    Explain(explain::ExplainArgs),
    Graph(graph::GraphArgs),
    Merge(merge::MergeArgs),
    Run(run::RunArgs),
    Serve(serve::ServeArgs),
    Simulate(simulate::SimulateArgs),
    Staff(staff::StaffArgs),
    Test(test::TestArgs),
}

/// Exit codes: 0 fine, 1 problems in the user's input, 2 usage or I/O errors.
pub mod exit {
    pub const OK: i32 = 0;
    pub const PROBLEMS: i32 = 1;
    pub const USAGE: i32 = 2;
}

/// Runs the CLI with these arguments; returns the process exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { exit::OK };
            let _ = e.print();
            return code;
        }
    };
    let mut out = Output::new(cli.color);
    match cli.command {
        Command::Callbacks(a) => callbacks::run(a, &mut out),
        Command::Check(a) => check::run(a, &mut out),
        Command::Contacts(a) => contacts::run(a, &mut out),
        Command::Db(a) => db::run(a, &mut out),
        Command::Erlang(a) => erlang::run(a, &mut out),
        Command::Explain(a) => explain::run(a, &mut out),
        Command::Graph(a) => graph::run(a, &mut out),
        Command::Merge(a) => merge::run(a, &mut out),
        Command::Run(a) => run::run(a, &mut out),
        Command::Serve(a) => serve::run(a, &mut out),
        Command::Simulate(a) => simulate::run(a, &mut out),
        Command::Staff(a) => staff::run(a, &mut out),
        Command::Test(a) => test::run(a, &mut out),
    }
}
