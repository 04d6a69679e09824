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
    /// The project folder, when read from disk: recordings are looked for there.
    pub root: Option<std::path::PathBuf>,
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
            root: None,
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
                match read_regular(p) {
                    Ok(text) => flows.push((display(p), text)),
                    // A YAML file may be anything (a scenario, an export): only a table names it,
                    // and a table naming an unreadable one says the file is missing.
                    Err(_) if p.extension().is_some_and(|e| e != "csv") => {}
                    Err(e) => return Err(err(p, e)),
                }
            }
        }
        let mut project = Project::from_sources(flows, center);
        project.root = Some(dir);
        project.follow_uses();
        if flow_paths.is_empty() {
            project.diagnostics.push(
                Diagnostic::without_span(Code::NoFlows, format!("{} has no .flow files", path.display()))
                    .with_help("a project is a folder of .flow files, with an optional center.yaml"),
            );
        }
        Ok(project)
    }

    /// Reads the modules the project's files `use` (folders of `.flow` files, or single files,
    /// relative to the file that names them), and theirs in turn, each file once: their schedules,
    /// data actions, prompts, tables, common tasks and flows join the project, so a name defined
    /// twice across modules is E0102 as within one. A `use` that names nothing, and modules that use
    /// each other in a cycle, are E0108.
    pub fn follow_uses(&mut self) {
        use std::collections::{BTreeMap, BTreeSet};
        use std::path::PathBuf;
        let canonical = |p: &Path| std::fs::canonicalize(p).ok();
        let folder_of = |name: &str| -> Option<PathBuf> {
            let parent =
                Path::new(name).parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            canonical(parent)
        };
        let mut loaded: BTreeSet<PathBuf> =
            self.files.iter().filter_map(|(id, _)| canonical(Path::new(self.sources.name(*id)))).collect();
        // Module (folder) → the modules it uses, with the `use` that says so.
        let mut uses: BTreeMap<PathBuf, Vec<(PathBuf, crate::source::Span)>> = BTreeMap::new();
        let mut next = 0;
        while next < self.files.len() {
            let (id, file) = &self.files[next];
            next += 1;
            let name = self.sources.name(*id).to_string();
            let Some(from) = folder_of(&name) else { continue };
            for u in file.uses.clone() {
                // Files are named as the project's are (relative stays relative, `..` resolved), so
                // traces and graphs read `flows/modules/polite/polite.flow`.
                let target = lexical(&Path::new(&name).parent().unwrap_or(Path::new("")).join(&u.value));
                let (module, files) = match canonical(&target) {
                    Some(t) if t.is_dir() => {
                        let found = walk_files(&target, &|p| p.extension().is_some_and(|e| e == "flow"))
                            .unwrap_or_default();
                        (t, found)
                    }
                    Some(t) if t.extension().is_some_and(|e| e == "flow") => {
                        (t.parent().map(Path::to_path_buf).unwrap_or_default(), vec![target.clone()])
                    }
                    _ => {
                        self.diagnostics.push(
                            Diagnostic::new(Code::BadModule, u.span, format!("no module `{}`", u.value))
                                .with_label("no folder of .flow files or .flow file here")
                                .with_help(format!("the path is relative to {}'s folder", name)),
                        );
                        continue;
                    }
                };
                uses.entry(from.clone()).or_default().push((module, u.span));
                for f in files {
                    let Some(key) = canonical(&f) else { continue };
                    if !loaded.insert(key) {
                        continue;
                    }
                    let Ok(text) = read_regular(&f) else { continue };
                    let id = self.sources.add(display(&f), text);
                    let (ast, diags) = syntax::parse(id, self.sources.text(id));
                    self.diagnostics.extend(diags);
                    if let Some(ast) = ast {
                        self.files.push((id, ast));
                    }
                }
            }
        }
        // A cycle: a module reaches itself again through its uses; reported once, at a `use` in it.
        let mut reported: BTreeSet<PathBuf> = BTreeSet::new();
        for start in uses.keys() {
            let mut stack: Vec<(PathBuf, Vec<PathBuf>)> = vec![(start.clone(), vec![start.clone()])];
            let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
            while let Some((m, path)) = stack.pop() {
                for (to, span) in uses.get(&m).into_iter().flatten() {
                    if to == start && !reported.contains(start) {
                        reported.extend(path.iter().cloned());
                        let names: Vec<String> =
                            path.iter().chain(std::iter::once(start)).map(|p| short_name(p)).collect();
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::BadModule,
                                *span,
                                format!("modules use each other in a cycle: {}", names.join(" → ")),
                            )
                            .with_label("this `use` closes the cycle")
                            .with_help("move what both need into a third module that uses neither"),
                        );
                    } else if seen.insert(to.clone()) {
                        let mut p = path.clone();
                        p.push(to.clone());
                        stack.push((to.clone(), p));
                    }
                }
            }
        }
    }

    pub fn check(self) -> CheckedProject {
        let (mut diags, graphs) =
            check_files(self.files.iter().map(|(_, f)| f), self.center.as_ref(), &self.tables);
        diags.extend(self.diagnostics.iter().cloned());
        if let Some(root) = &self.root {
            let files = self.files.iter().map(|(_, f)| f);
            diags.extend(super::recordings::missing(root, files, &graphs, self.center.as_ref()));
        }
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

/// A module folder's last name, as cycles are shown.
fn short_name(p: &Path) -> String {
    p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// `a/b/../c` as `a/c`, without touching the disk (a `..` with nothing before it is kept).
fn lexical(p: &Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if out.components().next_back().is_some_and(|l| matches!(l, Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
