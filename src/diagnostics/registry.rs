//! The one code registry: every stable code callwright prints — flow diagnostics (`E`/`W`),
//! callback rules (`CB`) and flow-test files (`T`) — with its one-line title and the long text of
//! `callwright explain CODE`. The long texts live in `docs/codes.md` (one `## CODE` section each,
//! with an example), compiled into the binary; a test fails when a code has no section, a section
//! has no example, or a section names no code.

use super::{CallbackErrorCode, Code, Severity, TestFileCode};

/// The long texts, one `## CODE — title` section per code.
const EXPLANATIONS: &str = include_str!("../../docs/codes.md");

/// Which input a code is about; decides where the code is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// A `.flow` file or `center.yaml`, from `check`, `run`, `graph`, `test` and `simulate`.
    Flow,
    /// A callback request or edit, from the CLI, a flow's Create Callback or the service.
    Callback,
    /// A flow-test YAML file.
    TestFile,
}

/// One row of the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    pub family: Family,
    pub severity: Severity,
    pub title: &'static str,
}

impl CodeInfo {
    /// The section of `docs/codes.md` for this code, without its heading; `None` only when the
    /// documentation is missing (which the registry test forbids).
    pub fn explanation(&self) -> Option<&'static str> {
        section(self.code)
    }
}

/// Every code, flow codes first, in the order of their tables.
pub fn all() -> Vec<CodeInfo> {
    let flow = Code::ALL.iter().map(|c| CodeInfo {
        code: c.as_str(),
        family: Family::Flow,
        severity: c.severity(),
        title: c.title(),
    });
    let callback = CallbackErrorCode::ALL.iter().map(|c| CodeInfo {
        code: c.as_str(),
        family: Family::Callback,
        severity: Severity::Error,
        title: c.title(),
    });
    let test = TestFileCode::ALL.iter().map(|c| CodeInfo {
        code: c.as_str(),
        family: Family::TestFile,
        severity: Severity::Error,
        title: c.describe(),
    });
    flow.chain(callback).chain(test).collect()
}

/// The code, case-insensitively (`cb006` finds `CB006`).
pub fn find(code: &str) -> Option<CodeInfo> {
    all().into_iter().find(|c| c.code.eq_ignore_ascii_case(code.trim()))
}

/// The text of `explain CODE`: the code, its severity and title, then the long text.
pub fn explain_text(info: &CodeInfo) -> String {
    let sev = match info.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let body = info.explanation().unwrap_or("(no long text)\n");
    format!("{} ({sev}): {}\n\n{}", info.code, info.title, body.trim_start_matches('\n'))
}

/// The codes `docs/codes.md` has sections for, in file order.
pub fn documented_codes() -> Vec<&'static str> {
    EXPLANATIONS
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|h| h.split_whitespace().next().unwrap_or(""))
        .collect()
}

fn section(code: &str) -> Option<&'static str> {
    let mut offset = 0;
    let mut start = None;
    for line in EXPLANATIONS.split_inclusive('\n') {
        if let Some(heading) = line.strip_prefix("## ") {
            if let Some(s) = start {
                return Some(&EXPLANATIONS[s..offset]);
            }
            if heading.split_whitespace().next() == Some(code) {
                start = Some(offset + line.len());
            }
        }
        offset += line.len();
    }
    start.map(|s| &EXPLANATIONS[s..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_unique_and_has_a_long_text_with_an_example() {
        let mut seen = HashSet::new();
        let mut missing = Vec::new();
        for info in all() {
            assert!(seen.insert(info.code), "{} is in two tables", info.code);
            match info.explanation() {
                None => {
                    missing.push(format!("{}: no `## {}` section in docs/codes.md", info.code, info.code))
                }
                Some(text) => {
                    let mut in_fence = false;
                    let mut prose = 0;
                    for line in text.lines() {
                        if line.starts_with("```") {
                            in_fence = !in_fence;
                        } else if !in_fence && !line.trim().is_empty() {
                            prose += 1;
                        }
                    }
                    if prose == 0 {
                        missing.push(format!(
                            "{}: the long text is has no prose outside its example",
                            info.code
                        ));
                    }
                    if !text.contains("```") {
                        missing.push(format!("{}: the section has no example (a fenced block)", info.code));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }

    #[test]
    fn every_section_names_a_code() {
        let known: HashSet<_> = all().into_iter().map(|c| c.code).collect();
        for code in documented_codes() {
            assert!(known.contains(code), "docs/codes.md has a section for unknown code {code}");
        }
    }

    #[test]
    fn lookup_ignores_case_and_explain_starts_with_the_title() {
        let info = find("cb006").expect("CB006 is registered");
        assert_eq!(info.family, Family::Callback);
        let text = explain_text(&info);
        assert!(text.starts_with("CB006 (error): the date is too far ahead\n\n"), "{text}");
        assert!(find("E9999").is_none());
    }
}
