//! `callwright explain CODE`: the long text of any code callwright prints (E/W, CB, T).

use super::{Output, exit};
use callwright::diagnostics::registry;
use clap::Args;

/// Explain a code: what it means, why it is a rule, and an example that triggers it.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  callwright explain E0401\n  callwright explain CB010\n  callwright explain --list"
)]
pub struct ExplainArgs {
    /// The code, such as E0401, CB010 or T002 (any case).
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its one-line meaning.
    #[arg(long)]
    pub list: bool,
}

pub fn run(args: ExplainArgs, out: &mut Output) -> i32 {
    if args.list {
        for info in registry::all() {
            out.stdout(&format!("{:<6} {}\n", info.code, info.title));
        }
        return exit::OK;
    }
    explain(args.code.as_deref().unwrap_or_default(), out)
}

/// Shared with `check --explain`.
pub fn explain(code: &str, out: &mut Output) -> i32 {
    match registry::find(code) {
        Some(info) => {
            out.stdout(&registry::explain_text(&info));
            exit::OK
        }
        None => {
            out.error(&format!(
                "unknown code `{code}`; codes look like E0101, W0403, CB010 or T002 (`callwright explain --list` lists them)"
            ));
            exit::USAGE
        }
    }
}
