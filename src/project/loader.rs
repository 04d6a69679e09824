//! Loading a project: `.flow` files and an optional `center.yaml`, from disk or from memory.

use crate::check::check_files;
use crate::compile::FlowGraph;
use crate::diagnostics::{self, Code, Diagnostic};
use crate::input::{read_regular, walk_files};
use crate::model::center::{Center, load_center};
use crate::source::FileId;
use crate::source::SourceMap;
use crate::syntax;
use crate::syntax::ast::SourceFile;
use std::path::Path;

/// Everything read for one project, parsed but not yet checked.
pub struct Project {
    pub sources: SourceMap,
    pub files: Vec<(FileId, SourceFile)>,
    pub center: Option<Center>,
    /// Problems found while reading (syntax, center.yaml).
    pub diagnostics: Vec<Diagnostic>,
}

/// A project after checking: diagnostics plus one graph per flow.
pub struct CheckedProject {
    pub project: Project,
    pub diagnostics: Vec<Diagnostic>,
    pub graphs: Vec<FlowGraph>,
}

/// An error reading input (exit code 2), as opposed to a problem in it.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct LoadError {
    pub path: String,
    pub message: String,
}

impl Project {
    /// Builds a project from (name, text) pairs; handy for tests and embedding.
    pub fn from_sources(flows: Vec<(String, String)>, center: Option<(String, String)>) -> Project {
        let mut p =
            Project { sources: SourceMap::new(), files: Vec::new(), center: None, diagnostics: Vec::new() };
        if let Some((name, text)) = center {
            let id = p.sources.add(name, text);
            let (c, diags) = load_center(id, p.sources.text(id));
            p.center = c;
            p.diagnostics.extend(diags);
        }
        for (name, text) in flows {
            let id = p.sources.add(name, text);
            let (ast, diags) = syntax::parse(id, p.sources.text(id));
            p.diagnostics.extend(diags);
            if let Some(ast) = ast {
                p.files.push((id, ast));
            }
        }
        p
    }

    /// Loads a project folder (every `*.flow` below it, and `center.yaml` at its top) or a single
    /// `.flow` file (with the `center.yaml` beside it, if any).
    pub fn load(path: &Path) -> Result<Project, LoadError> {
        let err =
            |p: &Path, e: std::io::Error| LoadError { path: p.display().to_string(), message: e.to_string() };
        let meta = std::fs::metadata(path).map_err(|e| err(path, e))?;
        let (dir, flow_paths) = if meta.is_dir() {
            let found = walk_files(path, &|p| p.extension().is_some_and(|e| e == "flow"))
                .map_err(|e| err(path, e))?;
            (path.to_path_buf(), found)
        } else if !meta.is_file() {
            return Err(LoadError {
                path: path.display().to_string(),
                message: "is not a flow file or a project folder (a device, a pipe or a socket)".into(),
            });
        } else {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (dir, vec![path.to_path_buf()])
        };
        let center_path = dir.join("center.yaml");
        // A center.yaml that exists but is not a file (a folder, a pipe) is an error, not absent.
        let center = if std::fs::symlink_metadata(&center_path).is_ok() {
            let text = read_regular(&center_path).map_err(|e| err(&center_path, e))?;
            Some((display(&center_path), text))
        } else {
            None
        };
        let mut flows = Vec::new();
        for p in &flow_paths {
            let text = read_regular(p).map_err(|e| err(p, e))?;
            flows.push((display(p), text));
        }
        let mut project = Project::from_sources(flows, center);
        if flow_paths.is_empty() {
            project.diagnostics.push(
                Diagnostic::without_span(Code::NoFlows, format!("{} has no .flow files", path.display()))
                    .with_help("a project is a folder of .flow files, with an optional center.yaml"),
            );
        }
        Ok(project)
    }

    pub fn check(self) -> CheckedProject {
        let (mut diags, graphs) = check_files(self.files.iter().map(|(_, f)| f), self.center.as_ref());
        diags.extend(self.diagnostics.iter().cloned());
        diagnostics::sort(&mut diags);
        diags.dedup();
        CheckedProject { project: self, diagnostics: diags, graphs }
    }
}

impl CheckedProject {
    /// Every schedule of every file, in file order.
    pub fn schedules(&self) -> impl Iterator<Item = &crate::syntax::ast::Schedule> {
        self.project.files.iter().flat_map(|(_, f)| f.schedules.iter())
    }

    /// The zone calls are placed in when none is given: the first schedule's, else UTC.
    pub fn default_zone(&self) -> chrono_tz::Tz {
        self.schedules().next().and_then(|s| s.zone.value.parse().ok()).unwrap_or(chrono_tz::Tz::UTC)
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn graph(&self, flow: &str) -> Option<&FlowGraph> {
        self.graphs.iter().find(|g| g.name() == flow)
    }

    pub fn sources(&self) -> &SourceMap {
        &self.project.sources
    }
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
