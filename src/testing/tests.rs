//! Unit tests of the flow-test pieces: loading, locating, overrides, node references, coverage,
//! and that no test-file text makes the loader or a run panic.

use super::*;
use crate::project::Project;
use proptest::prelude::*;
use std::path::Path;

const FLOW: &str = r#"
schedule Hours in "Europe/Amsterdam" {
  mon..fri 08:00-18:00
  closed 2026-12-25
}

inbound flow Main {
  if holiday(Hours) {
    play "Closed for the holiday."
    disconnect
  }
  menu Pick "Press 1 for sales." retries 1 timeout 3s {
    1 => transfer to Sales with Wait
    nomatch => play "No."
  }
  play "Bye."
  disconnect
}

inqueue flow Wait {
  if Call.EstimatedWaitTime > 5m {
    play "Long wait."
  } else {
    play position
  }
  hold 30s
}
"#;

fn project() -> ProjectUnderTest {
    let checked = Project::from_sources(vec![("main.flow".into(), FLOW.into())], None).check();
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    ProjectUnderTest::new(checked).unwrap()
}

fn load(p: &ProjectUnderTest, yaml: &str) -> Result<TestFile, TestFileError> {
    let raw = parse_raw(yaml, "t.test.yaml", Path::new("."))?;
    load_cases(&raw, p).map_err(|mut errors| errors.remove(0))
}

fn run_one(p: &ProjectUnderTest, yaml: &str) -> (CaseRun, Vec<Failure>) {
    let file = load(p, yaml).unwrap_or_else(|e| panic!("{e}"));
    let case = &file.cases[0];
    let run = run_case(p, case, 1);
    let failures = check(case, &run, p);
    (run, failures)
}

#[test]
fn cases_know_their_lines_and_defaults_merge_under_them() {
    let p = project();
    let file = load(
        &p,
        "flow: Main\ndefaults:\n  given: { schedule: holiday, handle_time: 1m }\ncases:\n  # first\n  - name: a\n    given: { schedule: open }\n\n  - name: b\n",
    )
    .unwrap();
    assert_eq!(file.cases.iter().map(|c| c.line).collect::<Vec<_>>(), vec![6, 9]);
    assert_eq!(file.cases[0].given.overrides.all_schedules, Some(crate::runtime::ScheduleState::Open));
    assert_eq!(file.cases[1].given.overrides.all_schedules, Some(crate::runtime::ScheduleState::Holiday));
    assert_eq!(file.cases[1].given.handle, 60_000_000);
}

#[test]
fn node_references_by_line_id_and_flow() {
    let p = project();
    let file =
        load(&p, "cases:\n  - name: a\n    expect:\n      path: [main.flow:12, n1, Wait.n1]\n").unwrap();
    let path = &file.cases[0].expect.path;
    assert_eq!(path[0].nodes.len(), 1);
    assert_eq!(&*path[0].nodes[0].0, "Main");
    assert_eq!(path[1].nodes[0].1, crate::compile::NodeId(1));
    assert_eq!(&*path[2].nodes[0].0, "Wait");
    let err = load(&p, "cases:\n  - name: a\n    expect:\n      never: [other.flow:3]\n").unwrap_err();
    assert_eq!(err.code, TestFileCode::UnknownNode);
    assert_eq!((err.line, err.column), (Some(4), Some(15)));
    assert!(err.message.contains("no flow file `other.flow`"), "{err}");
}

#[test]
fn errors_name_the_field_and_suggest() {
    let p = project();
    let e = load(&p, "cases:\n  - name: a\n    caller:\n      - presss: \"1\"\n").unwrap_err();
    assert_eq!(e.code, TestFileCode::UnknownField);
    assert_eq!(e.field, "cases[0].caller[0].presss");
    assert_eq!(e.help.as_deref(), Some("did you mean `press`?"));
    let e = load(&p, "cases:\n  - name: a\n    call: { timezone: Europe/Amsterdan }\n").unwrap_err();
    assert!(e.help.unwrap().contains("Europe/Amsterdam"));
    let e = load(&p, "cases:\n  - name: a\n    caller: [{ hang_up_after: 3s }, silent]\n").unwrap_err();
    assert!(e.message.contains("must be the last step"), "{e}");
    let e = load(&p, "cases:\n  - name: a\n    given: { callback_answers: [answer, maybe] }\n").unwrap_err();
    assert_eq!(e.field, "cases[0].given.callback_answers[1]");
    let e = load(&p, "cases: 3\n").unwrap_err();
    assert_eq!(e.code, TestFileCode::BadValue);
    assert!(e.to_string().starts_with("t.test.yaml:1:1: error[T003]: cases:"), "{e}");
}

#[test]
fn schedule_overrides_beat_the_clock() {
    let p = project();
    // Christmas by the clock, open by override: the menu plays.
    let (run, f) = run_one(
        &p,
        "cases:\n  - name: a\n    call: { at: 2026-12-25T10:00 }\n    given: { schedule: open, queue_full: Sales }\n    caller: [{ expect: \"Press 1\" }, { press: \"1\" }, { expect: \"Bye.\" }]\n    expect:\n      outcome: { disconnected: main.flow:17 }\n",
    );
    assert!(f.is_empty(), "{f:?}");
    assert!(!run.stopped);
    let (_, f) = run_one(
        &p,
        "cases:\n  - name: a\n    given: { schedules: { Hours: holiday } }\n    expect:\n      outcome: { disconnected: main.flow:10 }\n",
    );
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn queue_fact_overrides_reach_the_in_queue_flow() {
    let p = project();
    let (_, f) = run_one(
        &p,
        "cases:\n  - name: a\n    given: { agents: none, estimated_wait: 10m, run_for: 1m }\n    caller: [{ press: \"1\" }, { expect: \"Long wait.\" }]\n    expect:\n      outcome: waiting\n",
    );
    assert!(f.is_empty(), "{f:?}");
    let (_, f) = run_one(
        &p,
        "cases:\n  - name: a\n    given: { agents: none, estimated_wait: unknown, position: 7, run_for: 1m }\n    caller: [{ press: \"1\" }, { expect: \"You are number 7 in line.\" }]\n    expect:\n      outcome: { waiting: Sales }\n      never: [{ prompt: \"Long wait\" }]\n",
    );
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn an_unused_press_and_a_missing_prompt_fail_with_their_steps() {
    let p = project();
    let (_, f) = run_one(
        &p,
        "cases:\n  - name: a\n    given: { schedule: holiday }\n    caller:\n      - expect: \"Press 1\"\n      - press: \"1\"\n",
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].expected.contains("a prompt containing \"Press 1\""), "{f:?}");
    let (_, f) = run_one(
        &p,
        "cases:\n  - name: a\n    caller: [{ press: \"9\" }, { press: \"9\" }, { press: \"1\" }]\n",
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].expected.contains("the flow to ask for keys again (press 1)"), "{f:?}");
    assert!(f[0].actual.contains("it asked 2 times"), "{f:?}");
}

#[test]
fn coverage_fills_in_untraced_starts_and_returns() {
    let p = project();
    let file = load(
        &p,
        "cases:\n  - name: a\n    given: { schedule: holiday }\n  - name: b\n    caller: [{ press: \"1\" }]\n  - name: c\n    caller: [{ press: \"2\" }, silent]\n  - name: d\n    given: { queue_full: true }\n    caller: [{ press: \"1\" }]\n",
    )
    .unwrap();
    let mut cov = Coverage::new(&p);
    for c in &file.cases {
        cov.record(&run_case(&p, c, 1).events);
    }
    let r = cov.report(&p);
    let main = r.flows.iter().find(|f| f.flow == "Main").unwrap();
    assert_eq!(main.edges.0, main.edges.1, "{}", r.text("t"));
    assert!(r.uncovered.iter().all(|u| u.flow == "Wait"), "{}", r.text("t"));
}

#[test]
fn junit_escapes_markup() {
    assert_eq!(crate::source::xml::escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;?");
}

const WORDS: &[&str] = &[
    "cases:",
    "- name: a",
    "flow: Main",
    "caller:",
    "- press: \"1\"",
    "- silent",
    "- expect: Bye",
    "expect:",
    "outcome:",
    "{ disconnected: main.flow:26 }",
    "given:",
    "{ schedule: open }",
    "[",
    "]",
    "{",
    "}",
    ":",
    "-",
    "  ",
    "\n",
    "path: [n1, Wait.n99]",
    "matches: \"(\"",
    "run_for: 1s",
    "agents: none",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_test_file_text_panics(words in proptest::collection::vec(proptest::sample::select(WORDS), 0..40)) {
        let p = project();
        let text = words.join(" ");
        if let Ok(file) = load(&p, &text) {
            for case in &file.cases {
                let run = run_case(&p, case, 1);
                let _ = check(case, &run, &p);
            }
        }
    }
}
