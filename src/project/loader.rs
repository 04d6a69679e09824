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
    /// The lookup tables' CSV files, by table name (read and parsed; checked with the flows).
    pub tables: std::collections::BTreeMap<String, crate::input::CsvTable>,
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
        let mut p = Project {
            sources: SourceMap::new(),
            files: Vec::new(),
            tables: Default::default(),
            center: None,
            diagnostics: Vec::new(),
        };
        if let Some((name, text)) = center {
            let id = p.sources.add(name, text);
            let (c, diags) = load_center(id, p.sources.text(id));
            p.center = c;
            p.diagnostics.extend(diags);
        }
        // CSV files are the tables' data, read once a table names them.
        let (csvs, flows): (Vec<_>, Vec<_>) = flows.into_iter().partition(|(n, _)| is_table_file(n));
        for (name, text) in flows {
            let id = p.sources.add(name, text);
            let (ast, diags) = syntax::parse(id, p.sources.text(id));
            p.diagnostics.extend(diags);
            if let Some(ast) = ast {
                p.files.push((id, ast));
            }
        }
        p.read_tables(csvs);
        p
    }

    /// Finds and parses the CSV file of every table (`from "branches.csv"`: relative to the
    /// project folder); a file that is missing or not CSV is E1002 at the table's file name.
    fn read_tables(&mut self, csvs: Vec<(String, String)>) {
        let decls: Vec<(String, crate::syntax::ast::StrLit)> = self
            .files
            .iter()
            .flat_map(|(_, f)| f.tables.iter().map(|t| (t.name.name.clone(), t.file.clone())))
            .collect();
        for (table, file) in decls {
            let wanted = file.value.trim_start_matches("./").to_string();
            let found = csvs.iter().position(|(n, _)| {
                let n = n.replace('\\', "/");
                n == wanted || n.ends_with(&format!("/{wanted}"))
            });
            let Some(i) = found else {
                let known: Vec<&str> = csvs.iter().map(|(n, _)| n.rsplit('/').next().unwrap_or(n)).collect();
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::BadTable,
                        file.span,
                        format!("table `{table}`: no file `{}` in the project", file.value),
                    )
                    .with_label("not found")
                    .with_help(crate::source::suggest::help_for(
                        &file.value,
                        "table file",
                        known,
                    )),
                );
                continue;
            };
            // A second table of the same file reads the text again.
            let (name, text) = csvs[i].clone();
            let id = self.sources.add(name, text);
            let text = self.sources.text(id);
            let parsed = if is_yaml(&wanted) {
                crate::input::CsvTable::from_yaml(id, text)
            } else {
                crate::input::CsvTable::parse(id, text)
            };
            match parsed {
                Ok(t) => {
                    self.tables.insert(table, t);
                }
                Err((message, span)) => {
                    self.diagnostics.push(Diagnostic::new(Code::BadTable, span, message).with_label("here"));
                }
            }
        }
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
        // The CSV files of a folder project: lookup tables' data.
        if meta.is_dir() || dir.is_dir() {
            let csvs = walk_files(&dir, &|p| {
                p.extension().is_some_and(|e| e == "csv" || e == "yaml" || e == "yml")
                    && p.file_name().is_some_and(|n| n != "center.yaml")
            })
            .map_err(|e| err(&dir, e))?;
            for p in &csvs {
                let text = read_regular(p).map_err(|e| err(p, e))?;
                flows.push((display(p), text));
            }
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
        let (mut diags, graphs) =
            check_files(self.files.iter().map(|(_, f)| f), self.center.as_ref(), &self.tables);
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

    /// The names of the project's data actions (what `--mock`, a test's `data_actions` and a
    /// scenario's may name).
    pub fn data_action_names(&self) -> Vec<&str> {
        self.project
            .files
            .iter()
            .flat_map(|(_, f)| f.data_actions.iter().map(|a| a.name.name.as_str()))
            .collect()
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

/// A file a lookup table may read: CSV, or YAML (a list of rows).
fn is_table_file(name: &str) -> bool {
    name.ends_with(".csv") || (is_yaml(name) && !name.ends_with("center.yaml"))
}

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}
