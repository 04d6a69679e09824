//! The command line: exit codes, formats, help and colour.

mod common;
use common::Test;

#[test]
fn missing_path_is_an_io_error_with_exit_2() {
    Test::new().args(["check", "no/such/project"]).status(2).stderr_contains("no/such/project").run();
}

#[test]
fn unknown_subcommand_and_flag_are_usage_errors() {
    Test::new().args(["frobnicate"]).status(2).run();
    Test::new().args(["check", "--bogus", "flows/acme"]).status(2).run();
}

#[test]
fn errors_exit_1_and_warnings_alone_exit_0() {
    Test::new().args(["check", "tests/fixtures/diagnostics/E0101"]).status(1).run();
    Test::new()
        .args(["check", "tests/fixtures/diagnostics/W0403"])
        .status(0)
        .stderr_contains("warning[W0403]")
        .run();
    Test::new().args(["check", "--deny-warnings", "tests/fixtures/diagnostics/W0403"]).status(1).run();
}

#[test]
fn several_paths_are_checked_together() {
    let out = Test::new()
        .args(["check", "--format", "json", "flows/acme", "tests/fixtures/diagnostics/E0101"])
        .status(1)
        .run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let codes: Vec<&str> = v.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["E0101"]);
}

#[test]
fn json_output_is_one_array_with_positions() {
    let out =
        Test::new().args(["check", "--format", "json", "tests/fixtures/diagnostics/E0601"]).status(1).run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let d = &v.as_array().unwrap()[0];
    for key in ["code", "severity", "message", "file", "line", "column", "help"] {
        assert!(!d[key].is_null(), "missing {key} in {d}");
    }
    assert_eq!(d["severity"], "error");
}

#[test]
fn every_command_has_help_with_examples() {
    for cmd in [vec!["--help"], vec!["check", "--help"], vec!["graph", "--help"]] {
        let mut t = Test::new();
        for a in &cmd {
            t = t.arg(*a);
        }
        t.stdout_contains("Examples:").run();
    }
}

#[test]
fn no_colour_when_not_a_terminal_or_under_no_color() {
    let out = Test::new().args(["check", "tests/fixtures/diagnostics/E0101"]).status(1).run();
    assert!(!out.stderr.contains('\u{1b}'), "colour codes in piped output");
    let out =
        Test::new().args(["--color", "always", "check", "tests/fixtures/diagnostics/E0101"]).status(1).run();
    assert!(out.stderr.contains('\u{1b}'), "--color always gives colour");
}

#[test]
fn explain_prints_what_a_code_means() {
    Test::new().args(["check", "--explain", "E0402"]).stdout_contains("loop").run();
    Test::new().args(["check", "--explain", "E9999"]).status(2).run();
    // One registry for every family: callback rules and test-file codes too, any case, with an example.
    Test::new()
        .args(["explain", "cb006"])
        .stdout_contains("CB006 (error): the date is too far ahead")
        .stdout_contains("```")
        .run();
    Test::new().args(["explain", "T002"]).stdout_contains("did you mean").run();
    Test::new().args(["explain", "--list"]).stdout_contains("W0405").stdout_contains("CB017").run();
    Test::new().args(["explain", "Q1"]).status(2).stderr_contains("explain --list").run();
}

#[test]
fn truncated_and_garbled_files_never_crash_the_binary() {
    let text = std::fs::read_to_string(common::root().join("flows/acme/support.flow")).unwrap();
    let dir = std::env::temp_dir().join(format!("callwright-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, cut) in [0, 1, 17, 200, 555, 901, 1500, text.len() - 3].into_iter().enumerate() {
        let mut cut = cut.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let f = dir.join(format!("t{i}.flow"));
        std::fs::write(&f, &text[..cut]).unwrap();
        let out = Test::new().arg("check").arg(f.display().to_string()).any_status().run();
        assert!(out.status == 0 || out.status == 1, "exit {} for cut {cut}", out.status);
    }
    std::fs::remove_dir_all(dir).ok();
}
