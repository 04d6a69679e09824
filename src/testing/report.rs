//! The text and JSON reports of a suite run.

use super::suite::SuiteResult;
use serde_json::json;
use std::fmt::Write;

pub fn text(result: &SuiteResult, colour: bool) -> String {
    let paint = |code: &str, s: &str| if colour { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() };
    let mut s = String::new();
    let mut last_file = "";
    for c in &result.cases {
        if c.file != last_file {
            let _ = writeln!(s, "{}", c.file);
            last_file = &c.file;
        }
        if c.passed() {
            let _ = writeln!(s, "  {}  {}", paint("32", "ok  "), c.name);
            continue;
        }
        let _ = writeln!(s, "  {}  {}  ({}:{})", paint("1;31", "FAIL"), c.name, c.file, c.line);
        for f in &c.failures {
            let _ = writeln!(s, "        expected: {}", f.expected);
            let _ = writeln!(s, "        actual:   {}", f.actual);
            let _ = writeln!(s, "        test:     {}  ({})", f.test_place, f.field);
            if let Some(p) = &f.flow_place {
                let _ = writeln!(s, "        flow:     {p}");
            }
            if !f.trace.is_empty() {
                let _ = writeln!(s, "        trace:");
                for t in &f.trace {
                    let _ = writeln!(s, "          {t}");
                }
            }
        }
    }
    for (name, cov) in &result.coverage {
        s.push('\n');
        s.push_str(&cov.text(name));
    }
    let summary = format!("{} passed, {} failed", result.passed(), result.failed());
    let summary = if result.failed() > 0 { paint("1;31", &summary) } else { paint("32", &summary) };
    let _ = writeln!(s, "\n{summary} ({:.2}s)", result.time.as_secs_f64());
    s
}

pub fn json(result: &SuiteResult) -> String {
    let cases: Vec<_> = result
        .cases
        .iter()
        .map(|c| {
            json!({
                "file": c.file,
                "line": c.line,
                "name": c.name,
                "status": if c.passed() { "passed" } else { "failed" },
                "seconds": c.time.as_secs_f64(),
                "outcome": c.outcome,
                "failures": c.failures.iter().map(|f| json!({
                    "expected": f.expected,
                    "actual": f.actual,
                    "test": f.test_place,
                    "field": f.field,
                    "flow": f.flow_place,
                    "trace": f.trace,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let coverage: Vec<_> = result
        .coverage
        .iter()
        .map(|(name, c)| {
            let mut v = c.json();
            v["project"] = json!(name);
            v
        })
        .collect();
    let doc = json!({
        "passed": result.passed(),
        "failed": result.failed(),
        "seconds": result.time.as_secs_f64(),
        "cases": cases,
        "coverage": coverage,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
