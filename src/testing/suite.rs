//! A test run: find `*.test.yaml` files, load each project once, run every case, and gather
//! results and coverage for the reports.

use super::case_runner::run_case;
use super::coverage::{Coverage, CoverageReport};
use super::expectations::{Failure, check, describe};
use super::load_error::{TestFileCode, TestFileError};
use super::loader::{load_cases, read_test_file};
use super::project_under_test::ProjectUnderTest;
use super::test_file::{TestCase, TestFile};
use super::trace_view::excerpt;
use crate::project::{CheckedProject, Project};
use crate::runtime::Event;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A suite could not run: a bad test file (exit 2), or flows with errors (exit 1).
pub enum SuiteError {
    /// Every mistake found in the test files, in file order.
    BadTestFile(Vec<TestFileError>),
    /// The flows under test do not check.
    Flows(Box<CheckedProject>),
    /// A path does not exist, or holds no test files.
    Usage(String),
}

pub struct Suite {
    pub projects: Vec<(String, ProjectUnderTest)>,
    /// Each file with the index of its project.
    pub files: Vec<(TestFile, usize)>,
}

#[derive(Debug, Clone)]
pub struct FailureReport {
    pub expected: String,
    pub actual: String,
    /// `file:line` in the test file, and the field.
    pub test_place: String,
    pub field: String,
    /// `file:line` of the flow node where the run diverged.
    pub flow_place: Option<String>,
    pub trace: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CaseResult {
    pub file: String,
    pub name: String,
    pub line: u32,
    pub time: Duration,
    pub outcome: String,
    pub failures: Vec<FailureReport>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

pub struct SuiteResult {
    pub cases: Vec<CaseResult>,
    /// Per project (its folder as shown), when coverage was asked for.
    pub coverage: Vec<(String, CoverageReport)>,
    pub time: Duration,
}

impl SuiteResult {
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

/// Every `*.test.yaml` under the paths (a file is taken as it is), in a stable order.
pub fn find_test_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SuiteError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| SuiteError::Usage(format!("{}: {e}", p.display())))?;
        if meta.is_dir() {
            let found = crate::input::walk_files(p, &|f| f.to_string_lossy().ends_with(".test.yaml"))
                .map_err(|e| SuiteError::Usage(format!("{}: {e}", p.display())))?;
            if found.is_empty() {
                return Err(SuiteError::Usage(format!(
                    "{} holds no *.test.yaml files (write one, or generate one with `callwright test --generate FLOW`)",
                    p.display()
                )));
            }
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Loads and checks a project for testing.
pub fn load_project(dir: &Path) -> Result<ProjectUnderTest, SuiteError> {
    let project = Project::load(dir).map_err(|e| SuiteError::Usage(e.to_string()))?;
    let checked = project.check();
    if checked.has_errors() {
        return Err(SuiteError::Flows(Box::new(checked)));
    }
    ProjectUnderTest::new(checked).map_err(|e| SuiteError::Usage(format!("{}: {e}", dir.display())))
}

impl Suite {
    pub fn load(paths: &[PathBuf]) -> Result<Suite, SuiteError> {
        let mut suite = Suite { projects: Vec::new(), files: Vec::new() };
        let mut by_dir: HashMap<PathBuf, usize> = HashMap::new();
        // Every file is read, so the mistakes of all of them are reported at once.
        let mut errors: Vec<TestFileError> = Vec::new();
        for path in find_test_files(paths)? {
            let raw = match read_test_file(&path) {
                Ok(raw) => raw,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let canon = std::fs::canonicalize(&raw.project).unwrap_or_else(|_| raw.project.clone());
            let pi = match by_dir.get(&canon) {
                Some(&i) => i,
                None => {
                    if !raw.project.is_dir() {
                        errors.push(TestFileError {
                            code: TestFileCode::BadProject,
                            file: raw.name.clone(),
                            line: None,
                            column: None,
                            field: "project".into(),
                            message: format!("{} is not a project folder", raw.project.display()),
                            help: Some(
                                "`project:` is a folder of .flow files, relative to the test file".into(),
                            ),
                        });
                        continue;
                    }
                    let p = load_project(&raw.project)?;
                    suite.projects.push((raw.project.display().to_string(), p));
                    by_dir.insert(canon, suite.projects.len() - 1);
                    suite.projects.len() - 1
                }
            };
            match load_cases(&raw, &suite.projects[pi].1) {
                Ok(file) => suite.files.push((file, pi)),
                Err(mut file_errors) => errors.append(&mut file_errors),
            }
        }
        if !errors.is_empty() {
            return Err(SuiteError::BadTestFile(errors));
        }
        Ok(suite)
    }

    pub fn case_count(&self) -> usize {
        self.files.iter().map(|(f, _)| f.cases.len()).sum()
    }

    /// Runs the cases whose name contains `filter` (case-insensitively).
    pub fn run(&self, filter: Option<&str>, coverage: bool) -> SuiteResult {
        let started = Instant::now();
        let filter = filter.map(str::to_lowercase);
        let mut cov: Vec<Option<Coverage>> =
            self.projects.iter().map(|(_, p)| coverage.then(|| Coverage::new(p))).collect();
        let mut cases = Vec::new();
        let mut id = 0;
        for (file, pi) in &self.files {
            let project = &self.projects[*pi].1;
            for case in &file.cases {
                if let Some(f) = &filter
                    && !case.name.to_lowercase().contains(f.as_str())
                {
                    continue;
                }
                id += 1;
                let t = Instant::now();
                let run = run_case(project, case, id);
                let failures = check(case, &run, project);
                let time = t.elapsed();
                if let Some(c) = &mut cov[*pi] {
                    c.record(&run.events);
                }
                let reports = failures.iter().map(|f| report(file, case, f, &run.events, project)).collect();
                cases.push(CaseResult {
                    file: file.name.clone(),
                    name: case.name.clone(),
                    line: case.line,
                    time,
                    outcome: describe(&run, project),
                    failures: reports,
                });
            }
        }
        let coverage = cov
            .into_iter()
            .zip(&self.projects)
            .filter_map(|(c, (name, p))| c.map(|c| (name.clone(), c.report(p))))
            .collect();
        SuiteResult { cases, coverage, time: started.elapsed() }
    }

    /// Coverage of one project's flows by every case that runs against it (for `graph --coverage`).
    pub fn coverage_of(&self, project: usize) -> Coverage {
        let p = &self.projects[project].1;
        let mut cov = Coverage::new(p);
        for (file, pi) in &self.files {
            if *pi != project {
                continue;
            }
            for (i, case) in file.cases.iter().enumerate() {
                cov.record(&run_case(p, case, i as u64 + 1).events);
            }
        }
        cov
    }
}

fn report(
    file: &TestFile,
    _case: &TestCase,
    f: &Failure,
    events: &[(crate::time::Micros, Event)],
    project: &ProjectUnderTest,
) -> FailureReport {
    let line = crate::input::locate_field(&file.text, &f.field).map(|(l, _)| l);
    let test_place = match line {
        Some(l) => format!("{}:{l}", file.name),
        None => file.name.clone(),
    };
    let flow_place = f.at_event.filter(|_| !events.is_empty()).and_then(|at| {
        events[..=at.min(events.len().saturating_sub(1))].iter().rev().find_map(|(_, e)| match e {
            Event::Step { flow, node, action, .. } => {
                Some(format!("{} ({flow} {node}: {action})", project.place(flow, *node)))
            }
            _ => None,
        })
    });
    let trace = f.at_event.map(|at| excerpt(project, events, at)).unwrap_or_default();
    FailureReport {
        expected: f.expected.clone(),
        actual: f.actual.clone(),
        test_place,
        field: crate::input::show_path(&f.field),
        flow_place,
        trace,
    }
}
