//! Golden error files, one failing fixture per diagnostic code (in the style of starlark-rust).
//!
//! Layout: `tests/fixtures/diagnostics/<CODE>/` is a small project (a `main.flow`, plus a
//! `center.yaml` where the code needs one) whose first line says what is wrong, and
//! `<CODE>/expected.txt` is the exact stderr of
//! `callwright --color never check tests/fixtures/diagnostics/<CODE>` run from the crate root.
//! `tests/fixtures/diagnostics/syntax/<name>.flow` are syntax slips, each with `<name>.expected.txt`.
//!
//! To regenerate every golden file after changing a message, run
//!
//! ```text
//! CALLWRIGHT_BLESS=1 cargo test --test diagnostics
//! ```
//!
//! and then read the diff: every message, `file:line:col` and help line should still be right.

mod common;
use callwright::diagnostics::{Code, Severity};
use common::{Output, Test, assert_golden, root};
use std::path::PathBuf;

const FIXTURES: &str = "tests/fixtures/diagnostics";

/// The fixture folder of a code, relative to the crate root (as passed on the command line).
fn fixture(code: Code) -> String {
    format!("{FIXTURES}/{code}")
}

/// `callwright --color never check PATH`, expecting `status`.
fn check(path: &str, status: i32) -> Output {
    Test::new().args(["--color", "never", "check"]).arg(path).status(status).run()
}

fn expected_status(code: Code) -> i32 {
    match code.severity() {
        Severity::Error => 1,
        Severity::Warning => 0,
    }
}

/// Runs every golden comparison and reports all mismatches at once.
fn golden_all(cases: Vec<(PathBuf, String)>) {
    let mut failed = Vec::new();
    for (path, actual) in cases {
        if std::panic::catch_unwind(|| assert_golden(&path, &actual)).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "golden files differ (run `CALLWRIGHT_BLESS=1 cargo test --test diagnostics` to accept, then read the diff):\n  {}",
        failed.join("\n  ")
    );
}

// ─── One fixture per code ─────────────────────────────────────────────────────────────────────

#[test]
fn every_code_has_a_failing_fixture() {
    for &code in Code::ALL {
        let dir = root().join(fixture(code));
        assert!(dir.is_dir(), "no fixture folder {} for {code} ({})", dir.display(), code.title());
        let out = check(&fixture(code), expected_status(code));
        assert!(
            out.stderr.contains(&format!("[{code}]")),
            "{} does not report [{code}]:\n{}",
            fixture(code),
            out.stderr
        );
    }
}

#[test]
fn warning_fixtures_report_only_warnings() {
    for &code in Code::ALL.iter().filter(|c| c.severity() == Severity::Warning) {
        let out = check(&fixture(code), 0);
        assert!(out.stderr.contains("0 errors"), "{}:\n{}", fixture(code), out.stderr);
        // --deny-warnings turns the same output into a failure.
        Test::new().args(["check", "--deny-warnings"]).arg(fixture(code)).status(1).run();
    }
}

#[test]
fn fixture_folders_are_codes() {
    for entry in std::fs::read_dir(root().join(FIXTURES)).unwrap() {
        let entry = entry.unwrap();
        if !entry.file_type().unwrap().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            name == "syntax" || Code::parse(&name).is_some_and(|c| c.as_str() == name),
            "{FIXTURES}/{name} is not named after a diagnostic code"
        );
    }
}

#[test]
fn fixtures_say_what_is_wrong() {
    for &code in Code::ALL {
        let flow = root().join(fixture(code)).join("main.flow");
        let Ok(text) = std::fs::read_to_string(&flow) else { continue };
        assert!(
            text.starts_with("# "),
            "{} should start with a `#` line saying what is wrong",
            flow.display()
        );
    }
}

// ─── Golden stderr ────────────────────────────────────────────────────────────────────────────

#[test]
fn golden_stderr_per_code() {
    let cases = Code::ALL
        .iter()
        .map(|&code| {
            let out = check(&fixture(code), expected_status(code));
            (root().join(fixture(code)).join("expected.txt"), out.stderr)
        })
        .collect();
    golden_all(cases);
}

/// The syntax-slip fixtures, relative to the crate root, in a stable order.
fn syntax_fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join(FIXTURES).join("syntax"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".flow"))
        .collect();
    names.sort();
    names.into_iter().map(|n| format!("{FIXTURES}/syntax/{n}")).collect()
}

/// Slips the checker does not catch yet; see `unquoted_pound_key_on_its_own_line_is_reported`.
const KNOWN_MISSED: &[&str] = &["pound_key_own_line.flow"];

#[test]
fn golden_stderr_for_syntax_slips() {
    let cases = syntax_fixtures()
        .into_iter()
        .filter(|p| !KNOWN_MISSED.iter().any(|k| p.ends_with(k)))
        .map(|path| {
            let out = check(&path, 1);
            (root().join(path.replace(".flow", ".expected.txt")), out.stderr)
        })
        .collect();
    golden_all(cases);
}

// ─── JSON ─────────────────────────────────────────────────────────────────────────────────────

fn json(path: &str, status: i32) -> Vec<serde_json::Value> {
    let out = Test::new().args(["check", "--format", "json"]).arg(path).status(status).run();
    let value: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{path}: stdout is not JSON ({e}):\n{}", out.stdout));
    let items = value.as_array().unwrap_or_else(|| panic!("{path}: not a JSON array: {value}")).clone();
    for item in &items {
        for key in ["code", "severity", "message", "file", "line", "column"] {
            assert!(item.get(key).is_some(), "{path}: item lacks `{key}`: {item}");
        }
    }
    items
}

#[test]
fn json_gives_code_severity_message_and_position() {
    let items = json(&fixture(Code::UnknownVariable), 1);
    assert_eq!(items.len(), 1, "{items:?}");
    let d = &items[0];
    assert_eq!(d["code"], "E0103");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "unknown variable `Call.ANI`");
    assert_eq!(d["file"], "tests/fixtures/diagnostics/E0103/main.flow");
    assert_eq!(d["line"], 3);
    assert_eq!(d["column"], 38);
    assert_eq!(d["end_line"], 3);
    assert_eq!(d["end_column"], 46);
    assert_eq!(d["help"], "did you mean `Call.Ani`?");
}

#[test]
fn json_for_warnings_center_yaml_and_projects() {
    // A warning: exit 0, severity "warning".
    let items = json(&fixture(Code::UnusedTask), 0);
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["code"], "W0404");
    assert_eq!(items[0]["severity"], "warning");
    assert_eq!(items[0]["line"], 7);
    assert_eq!(items[0]["column"], 8);

    // A problem in center.yaml points into center.yaml.
    let items = json(&fixture(Code::BadCenterValue), 1);
    assert_eq!(items[0]["code"], "E0802");
    assert_eq!(items[0]["file"], "tests/fixtures/diagnostics/E0802/center.yaml");
    assert_eq!(items[0]["line"], 10);

    // A folder with no flows has no position at all.
    let items = json(&fixture(Code::NoFlows), 1);
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["code"], "E0901");
    assert!(items[0]["file"].is_null() && items[0]["line"].is_null() && items[0]["column"].is_null());

    // A syntax error.
    let items = json(&format!("{FIXTURES}/syntax/missing_to.flow"), 1);
    assert_eq!(items[0]["code"], "E0001");
    assert_eq!((items[0]["line"].as_u64(), items[0]["column"].as_u64()), (Some(4), Some(12)));
}

#[test]
fn json_codes_match_text_codes() {
    for &code in Code::ALL {
        let items = json(&fixture(code), expected_status(code));
        assert!(items.iter().any(|d| d["code"] == code.as_str()), "{code}: {items:?}");
        for d in &items {
            let sev = if d["code"].as_str().unwrap().starts_with('W') { "warning" } else { "error" };
            assert_eq!(d["severity"], sev, "{code}: {d}");
        }
    }
}

// ─── One flow, many mistakes ──────────────────────────────────────────────────────────────────

#[test]
fn many_mistakes_are_all_reported() {
    let out = check("tests/fixtures/many_mistakes.flow", 1);
    let expected = [
        "E0002", "E0101", "E0103", "E0104", "E0106", "E0107", "E0201", "E0202", "E0203", "E0301", "E0501",
        "E0503", "E0504", "E0601", "E0602", "E0604", "E0701", "W0403", "W0404",
    ];
    let missing: Vec<&str> =
        expected.iter().copied().filter(|c| !out.stderr.contains(&format!("[{c}]"))).collect();
    assert!(missing.is_empty(), "not reported: {missing:?}\n{}", out.stderr);
    // Both type mismatches (the unit-less timeout and the text priority) are reported.
    assert_eq!(out.stderr.matches("[E0201]").count(), 2, "{}", out.stderr);
    assert!(out.stderr.contains("found 18 errors and 2 warnings"), "{}", out.stderr);

    // Every code named in the file's comments is reported.
    let text = std::fs::read_to_string(root().join("tests/fixtures/many_mistakes.flow")).unwrap();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.len() == 5 && Code::parse(word).is_some() {
            assert!(
                out.stderr.contains(&format!("[{word}]")),
                "{word} is named in the file but not reported"
            );
        }
    }
}

// ─── Syntax slips ─────────────────────────────────────────────────────────────────────────────

/// Words from the grammar that must never reach a flow author.
const RULE_WORDS: &[&str] = &["kw_", "op_", "_opt", "stmt", "EOI", "Rule::", "SOI", "ident", "plain_string"];

fn syntax_slip(name: &str, line_col: &str, wanted: &[&str]) {
    let path = format!("{FIXTURES}/syntax/{name}.flow");
    let out = check(&path, 1);
    let stderr = &out.stderr;
    assert!(stderr.contains("[E0001]"), "{path}: not a syntax error:\n{stderr}");
    for word in RULE_WORDS {
        assert!(!stderr.contains(word), "{path}: the message shows the grammar's `{word}`:\n{stderr}");
    }
    let position = format!("{path}:{line_col}");
    assert!(stderr.contains(&position), "{path}: no {position}:\n{stderr}");
    for w in wanted {
        assert!(stderr.contains(w), "{path}: lacks {w:?}:\n{stderr}");
    }
}

#[test]
fn syntax_missing_closing_brace() {
    syntax_slip(
        "missing_brace",
        "8:1",
        &[
            "a `}` is missing at the end of the file",
            "3 │   if Call.Priority > 5 {",
            "this `{` is never closed",
        ],
    );
}

// The commonest typing mistakes name the fix.

#[test]
fn syntax_duration_with_a_space_names_the_fix() {
    syntax_slip("duration_with_space", "3:30", &["`5s`, not `5 sec`"]);
}

#[test]
fn syntax_duration_unit_word_names_the_fix() {
    syntax_slip("duration_unit_word", "3:47", &["write `10m`"]);
}

#[test]
fn syntax_weekday_dash_names_the_fix() {
    syntax_slip("weekday_dash", "3:6", &["`mon..fri`"]);
}

#[test]
fn syntax_menu_key_without_arrow_names_the_fix() {
    syntax_slip("menu_key_without_arrow", "4:5", &["`1 => disconnect`"]);
}

#[test]
fn syntax_unclosed_block_points_at_its_brace() {
    syntax_slip(
        "unclosed_if",
        "9:1",
        &[
            "a `}` is missing before this `inbound`",
            "3 │   if Call.Ani == \"1\" {",
            "this `{` is never closed",
        ],
    );
}

#[test]
fn syntax_single_quotes() {
    syntax_slip("single_quotes", "3:8", &["double quotes"]);
}

#[test]
fn syntax_unquoted_pound_key() {
    syntax_slip("pound_key", "5:3", &["expected a menu choice"]);
}

#[test]
fn syntax_unquoted_pound_terminator() {
    syntax_slip("pound_terminator", "4:3", &["expected a quoted text"]);
}

#[test]
fn syntax_misspelt_keyword() {
    syntax_slip("misspelt_keyword", "4:3", &["found `tranfer`"]);
}

#[test]
fn syntax_stray_arrow() {
    syntax_slip("stray_arrow", "3:24", &["found `=>`"]);
}

#[test]
fn syntax_missing_to() {
    syntax_slip("missing_to", "4:12", &["expected `to`, found `Support`"]);
}

#[test]
fn every_syntax_slip_is_readable() {
    for path in syntax_fixtures() {
        if KNOWN_MISSED.iter().any(|k| path.ends_with(k)) {
            continue;
        }
        let name = path.rsplit('/').next().unwrap().trim_end_matches(".flow").to_string();
        let out = check(&path, 1);
        for word in RULE_WORDS {
            assert!(
                !out.stderr.contains(word),
                "{name}: the message shows the grammar's `{word}`:\n{}",
                out.stderr
            );
        }
        assert!(out.stderr.contains(&format!("{path}:")), "{name}: no file:line:col:\n{}", out.stderr);
    }
}

/// `# => ...` on its own line is a comment, so the pound-key choice silently disappears.
#[test]
fn unquoted_pound_key_on_its_own_line_is_reported() {
    check(&format!("{FIXTURES}/syntax/pound_key_own_line.flow"), 1);
}
