//! `callwright test`: the acme suite, breaking the flow, bad test files, JUnit, generation,
//! and `graph --coverage`.

mod common;
use common::{Test, root};
use std::path::{Path, PathBuf};

/// A fresh copy of flows/acme in a temp folder, to break or extend.
fn acme_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("callwright-ft-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(root().join("flows/acme")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    dir
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn the_acme_suite_passes_with_full_edge_coverage() {
    let out = Test::new()
        .args(["test", "flows/acme", "--coverage"])
        .stdout_contains(" passed, 0 failed")
        .stdout_contains("coverage of flows/acme")
        .run();
    assert!(out.stdout.contains("ok    callback offered and accepted keeps the caller's place in line"));
    let json = Test::new().args(["test", "flows/acme", "--coverage", "--format", "json"]).run();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["failed"], 0);
    assert!(v["passed"].as_u64().unwrap() >= 25);
    let edges = &v["coverage"][0]["edges"];
    assert!(edges["percent"].as_f64().unwrap() >= 95.0, "edge coverage {edges}");
    assert_eq!(v["coverage"][0]["flows"].as_array().unwrap().len(), 3);
}

#[test]
fn dropping_the_callback_offer_fails_the_callback_cases_and_only_them() {
    let dir = acme_copy("no-offer");
    let flow = dir.join("support.flow");
    let text = std::fs::read_to_string(&flow).unwrap();
    // The offer is still written, but no caller is ever far enough back in line to hear it.
    let broken = text.replace(
        "if Call.EstimatedWaitTime > 5m or Call.PositionInQueue > 10 {",
        "if Call.EstimatedWaitTime > 500m or Call.PositionInQueue > 1000 {",
    );
    assert_ne!(text, broken);
    std::fs::write(&flow, broken).unwrap();
    let out = Test::new()
        .args(["test", &s(&dir), "--coverage"])
        .status(1)
        .stdout_contains("FAIL  callback offered and accepted keeps the caller's place in line")
        .stdout_contains("expected: a prompt containing \"Press 1 to get a call back\"")
        .stdout_contains("support.test.yaml:")
        .stdout_contains("flow:     ")
        .stdout_contains("support.flow:64")
        .stdout_contains("expected: a callback created")
        .stdout_contains("ok    billing caller presses 1 and an agent in Billing answers")
        .stdout_contains("ok    Christmas Day is a holiday")
        .run();
    // Declined and silent offers fail too; the short-wait case (no offer expected) still passes.
    assert!(out.stdout.contains("FAIL  callback offered and declined"));
    assert!(out.stdout.contains("ok    a short estimated wait is announced, with no offer"));
    assert!(out.stdout.contains("not covered:"));
    let summary = out.stdout.lines().rev().find(|l| l.contains(" passed, ")).unwrap();
    let failed: u32 = summary.split(" passed, ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!((6..=12).contains(&failed), "{summary}");
    // Only cases about the callback (its offer, or what it does after the call) fail.
    for line in out.stdout.lines().filter(|l| l.contains("FAIL  ")) {
        assert!(line.contains("callback") || line.contains("offer"), "an unrelated case failed: {line}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_failure_names_the_test_step_the_flow_line_and_shows_the_trace() {
    let dir = acme_copy("wrong-prompt");
    std::fs::remove_file(dir.join("support.test.yaml")).unwrap();
    std::fs::remove_file(dir.join("callback.test.yaml")).unwrap();
    std::fs::write(
        dir.join("wrong.test.yaml"),
        "flow: AcmeSupport\ncases:\n  - name: billing goes to support\n    caller:\n      - press: \"1\"\n    expect:\n      outcome: { transferred: Support }\n",
    )
    .unwrap();
    let out = Test::new()
        .args(["test", &s(&dir)])
        .status(1)
        .stdout_contains("FAIL  billing goes to support")
        .stdout_contains("expected: transferred to Support")
        .stdout_contains("actual:   answered by agent")
        .stdout_contains("wrong.test.yaml:7  (cases[0].expect.outcome)")
        .stdout_contains("support.flow:24 (AcmeSupport n9: transfer to Billing with HoldWithCallback)")
        .stdout_contains("> ")
        .stdout_contains("caller presses 1")
        .stdout_contains("0 passed, 1 failed")
        .run();
    assert!(!out.stdout.contains("ok "));
    let _ = std::fs::remove_dir_all(dir);
}

fn bad(name: &str, yaml: &str, expect: &[&str]) {
    let dir = acme_copy(name);
    std::fs::remove_file(dir.join("support.test.yaml")).unwrap();
    std::fs::remove_file(dir.join("callback.test.yaml")).unwrap();
    let file = dir.join("bad.test.yaml");
    std::fs::write(&file, yaml).unwrap();
    let mut t = Test::new().args(["test", &s(&dir)]).status(2);
    for e in expect {
        t = t.stderr_contains(*e);
    }
    t.run();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_test_files_exit_2_with_file_line_and_field() {
    bad(
        "unknown-flow",
        "cases:\n  - name: a\n    flow: AcmeSuport\n",
        &[
            "bad.test.yaml:3:5: error[T005]: cases[0].flow: the project has no flow `AcmeSuport`",
            "did you mean `AcmeSupport`?",
        ],
    );
    bad(
        "inqueue-entry",
        "flow: HoldWithCallback\ncases:\n  - name: a\n",
        &["bad.test.yaml:1:1: error[T003]: flow: HoldWithCallback is an in-queue flow", "name `AcmeSupport`"],
    );
    bad(
        "unknown-node",
        "cases:\n  - name: a\n    expect:\n      path: [support.flow:22, support.flow:999]\n",
        &[
            "bad.test.yaml:4:",
            "error[T006]: cases[0].expect.path[1]: no flow node starts on line 999 of support.flow",
        ],
    );
    bad(
        "bad-node-id",
        "cases:\n  - name: a\n    expect:\n      never: [HoldWithCallback.n99]\n",
        &["error[T006]: cases[0].expect.never[0]: flow HoldWithCallback has no node n99"],
    );
    bad(
        "bad-regex",
        "cases:\n  - name: a\n    caller:\n      - press: \"1\"\n      - expect: { matches: \"wait is (\\\\d+\" }\n",
        &[
            "bad.test.yaml:5:",
            "error[T007]: cases[0].caller[1].expect.matches: the prompt pattern /wait is (\\d+/ does not compile",
        ],
    );
    bad(
        "unknown-field",
        "cases:\n  - name: a\n    given: { agnets: none }\n",
        &[
            "bad.test.yaml:3:",
            "error[T002]: cases[0].given.agnets: unknown override `agnets`",
            "did you mean `agents`?",
        ],
    );
    bad("not-yaml", "cases:\n  - name: [unclosed\n", &["bad.test.yaml:", "error[T001]: not valid YAML"]);
    bad(
        "duplicate",
        "cases:\n  - name: a\n  - name: a\n",
        &["bad.test.yaml:3:", "error[T008]: cases[1].name: another case is named \"a\""],
    );
    bad(
        "unknown-queue",
        "cases:\n  - name: a\n    expect:\n      outcome: { transferred: Sales }\n",
        &["error[T009]: cases[0].expect.outcome.transferred: the project has no queue `Sales`"],
    );
    bad(
        "bad-keys",
        "cases:\n  - name: a\n    caller:\n      - press: \"1x\"\n",
        &["error[T003]: cases[0].caller[0].press: `1x` is not DTMF keys"],
    );
}

#[test]
fn flows_with_errors_fail_the_run_and_missing_paths_are_usage_errors() {
    let dir = acme_copy("flow-errors");
    let flow = dir.join("support.flow");
    let text = std::fs::read_to_string(&flow).unwrap();
    std::fs::write(&flow, text.replace("transfer to Billing", "transfer to Biling")).unwrap();
    Test::new().args(["test", &s(&dir)]).status(1).stderr_contains("the flows under test have errors").run();
    let _ = std::fs::remove_dir_all(dir);
    Test::new().args(["test", "no/such/folder"]).status(2).run();
    Test::new().args(["test", "flows/bench"]).status(2).stderr_contains("holds no *.test.yaml files").run();
}

#[test]
fn filter_runs_only_matching_cases() {
    let out = Test::new().args(["test", "flows/acme", "--filter", "HOLIDAY"]).run();
    assert!(out.stdout.contains("ok    Christmas Day is a holiday"));
    assert!(!out.stdout.contains("billing caller"));
    assert!(out.stdout.contains("2 passed, 0 failed"), "{}", out.stdout);
    Test::new()
        .args(["test", "flows/acme", "--filter", "no such case"])
        .status(2)
        .stderr_contains("no case matches")
        .run();
}

#[test]
fn junit_report_is_well_formed_xml() {
    let dir = acme_copy("junit");
    // One failing case, so the report carries a <failure>.
    std::fs::write(
        dir.join("zz.test.yaml"),
        "flow: AcmeSupport\ncases:\n  - name: \"fails <on purpose> & says so\"\n    expect:\n      outcome: { transferred: Billing }\n",
    )
    .unwrap();
    let report = dir.join("report.xml");
    Test::new().args(["test", &s(&dir), "--junit", &s(&report)]).status(1).run();
    let xml = std::fs::read_to_string(&report).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut suites, mut cases, mut failures, mut depth) = (0, 0, 0, 0i32);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(e)) => {
                depth += 1;
                match e.name().as_ref() {
                    b"testsuite" => suites += 1,
                    b"testcase" => cases += 1,
                    b"failure" => failures += 1,
                    _ => {}
                }
            }
            Ok(quick_xml::events::Event::Empty(e)) => {
                if e.name().as_ref() == b"testcase" {
                    cases += 1;
                }
            }
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(_) => {}
            Err(e) => panic!("malformed JUnit XML: {e}\n{xml}"),
        }
    }
    assert_eq!(depth, 0);
    assert_eq!(suites, 3);
    assert!(cases >= 28);
    assert_eq!(failures, 1);
    assert!(xml.contains("fails &lt;on purpose&gt; &amp; says so"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn generated_skeletons_load_and_run() {
    let dir = acme_copy("generate");
    let out = Test::new().args(["test", &s(&dir), "--generate", "AcmeSupport"]).run();
    assert!(out.stdout.contains("cases:"));
    std::fs::write(dir.join("generated.test.yaml"), &out.stdout).unwrap();
    let run = Test::new()
        .args(["test", &s(&dir.join("generated.test.yaml"))])
        .stdout_contains(" passed, 0 failed")
        .run();
    let n = run.stdout.matches("\n  ok ").count();
    assert!(n >= 20, "{n} generated cases\n{}", run.stdout);
    // An in-queue flow's cases enter through the inbound flow that queues the call.
    let inq = Test::new().args(["test", &s(&dir), "--generate", "HoldWithCallback"]).run();
    assert!(inq.stdout.contains("flow: AcmeSupport") && inq.stdout.contains("agents: none"));
    std::fs::write(dir.join("hold.test.yaml"), &inq.stdout).unwrap();
    let run = Test::new()
        .args(["test", &s(&dir.join("hold.test.yaml")), "--coverage"])
        .stdout_contains(" passed, 0 failed")
        .stdout_contains("HoldWithCallback     edges 100.0%")
        .run();
    assert!(run.stdout.matches("\n  ok ").count() >= 8, "{}", run.stdout);
    Test::new()
        .args(["test", &s(&dir), "--generate", "Nope"])
        .status(2)
        .stderr_contains("no flow `Nope`")
        .run();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn graph_coverage_paints_what_the_tests_covered() {
    let out = Test::new().args(["graph", "flows/acme", "--flow", "AcmeSupport", "--coverage"]).run();
    assert!(out.stdout.contains("covered 28/28 nodes · 34/34 edges"), "{}", out.stdout);
    let dir = acme_copy("paint");
    std::fs::remove_file(dir.join("callback.test.yaml")).unwrap();
    std::fs::write(
        dir.join("support.test.yaml"),
        "flow: AcmeSupport\ncases:\n  - name: billing\n    caller: [{ press: \"1\" }]\n",
    )
    .unwrap();
    let svg = Test::new().args(["graph", &s(&dir), "--coverage", "--format", "svg"]).run();
    assert!(svg.stdout.contains("#1b5e20") && svg.stdout.contains("#c62828"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn windowed_and_owned_callbacks_after_the_call() {
    let out = Test::new()
        .args(["test", "tests/fixtures/flow_tests/windows_and_owners", "--coverage"])
        .stdout_contains("4 passed, 0 failed")
        .run();
    assert!(!out.stdout.contains("`window missed`"), "{}", out.stdout);
    assert!(!out.stdout.contains("`ownership expired`"), "{}", out.stdout);
    assert!(out.stdout.contains("callback outcomes 66.7% (8/12)"), "{}", out.stdout);
}

/// The whole text report of failing cases, as a golden file: expected against actual, the test
/// and flow lines, and the trace excerpts.
#[test]
fn failure_report_golden() {
    let out =
        Test::new().args(["test", "tests/fixtures/flow_tests/failing/acme-failures.yaml"]).status(1).run();
    // The run's own duration is the only thing that varies.
    let last = out.stdout.trim_end().rsplit_once('(').map(|(head, _)| format!("{head}(TIME)\n"));
    let text = last.unwrap_or_else(|| out.stdout.clone());
    common::assert_golden(&root().join("tests/golden/test/acme-failures.txt"), &text);
    assert!(text.contains("1 passed, 3 failed (TIME)"), "{text}");
}
