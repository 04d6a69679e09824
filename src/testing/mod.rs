//! Flow tests: `*.test.yaml` cases run on the virtual clock against a project's flows, with
//! overrides, a scripted caller and expectations, plus coverage of the compiled graphs, JUnit
//! output and skeleton generation. The format is documented in `docs/flow-tests.md`.
//!
//! ```text
//! loader, given_loader, expect_loader (YAML → TestFile, resolved against ProjectUnderTest;
//!   crate::input finds a field's line and column)
//!   → case_runner (Engine + VirtualRuntime + ScriptedCaller + TraceLog, as `callwright run`)
//!   → expectations, callback_expectations (CaseRun vs Expect → Failures)
//!   coverage (Step/Edge/Callback events → graph bits and callback outcomes)
//!   → suite (files, projects, results) → report (text, JSON) / junit
//! generate: one skeleton case per path through a flow
//! ```
//!
//! Cases run the real interpreter: overrides are the only difference from `run`, and they live
//! in [`crate::runtime::Overrides`], consulted where the engine answers schedules and queue facts.

mod callback_expectations;
mod case_runner;
mod coverage;
mod expect_loader;
mod expectations;
pub mod generate;
mod given_loader;
mod junit;
mod load_error;
mod loader;
mod project_under_test;
mod report;
mod suite;
mod test_file;
mod trace_view;

pub use case_runner::{CaseRun, run_case};
pub use coverage::{Coverage, CoverageReport, Uncovered, percent};
pub use expectations::{Failure, check, describe};
pub use junit::junit;
pub use load_error::{TestFileCode, TestFileError};
pub use loader::{RawTestFile, load_cases, parse_raw, read_test_file};
pub use project_under_test::ProjectUnderTest;
pub use report::{json as json_report, text as text_report};
pub use suite::{CaseResult, FailureReport, Suite, SuiteError, SuiteResult, find_test_files, load_project};
pub use test_file::*;

#[cfg(test)]
mod tests;
