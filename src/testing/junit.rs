//! JUnit XML, the report format CI systems read (Jenkins, GitLab, GitHub Actions reporters): one
//! `<testsuite>` per test file, one `<testcase>` per case, a `<failure>` per failed case.

use super::suite::SuiteResult;
use crate::source::xml::escape;
use std::fmt::Write;

pub fn junit(result: &SuiteResult) -> String {
    let mut files: Vec<&str> = Vec::new();
    for c in &result.cases {
        if !files.contains(&c.file.as_str()) {
            files.push(&c.file);
        }
    }
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"callwright\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.6}\">",
        result.cases.len(),
        result.failed(),
        result.time.as_secs_f64()
    );
    for file in files {
        let cases: Vec<_> = result.cases.iter().filter(|c| c.file == file).collect();
        let failed = cases.iter().filter(|c| !c.passed()).count();
        let time: f64 = cases.iter().map(|c| c.time.as_secs_f64()).sum();
        let _ = writeln!(
            s,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\" time=\"{time:.6}\">",
            escape(file),
            cases.len()
        );
        for c in cases {
            let _ = write!(
                s,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.6}\"",
                escape(&c.name),
                escape(&file.replace(['/', '\\'], ".")),
                escape(file),
                c.line,
                c.time.as_secs_f64()
            );
            if c.passed() {
                s.push_str("/>\n");
                continue;
            }
            s.push_str(">\n");
            let first = &c.failures[0];
            let message = format!("expected {}; got {}", first.expected, first.actual);
            let _ = write!(s, "      <failure message=\"{}\" type=\"expectation\">", escape(&message));
            let mut body = String::new();
            for f in &c.failures {
                let _ = writeln!(
                    body,
                    "expected: {}\nactual:   {}\ntest:     {} ({})",
                    f.expected, f.actual, f.test_place, f.field
                );
                if let Some(p) = &f.flow_place {
                    let _ = writeln!(body, "flow:     {p}");
                }
                for t in &f.trace {
                    let _ = writeln!(body, "  {t}");
                }
            }
            s.push_str(&escape(&body));
            s.push_str("</failure>\n    </testcase>\n");
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s
}
