//! The layers of ARCHITECTURE.md, enforced: every top-level module of `src/` may use only the
//! modules its row of [`LAYERS`] names. A `crate::x` path to any other module fails this test with
//! the file and line, so an upward import is caught in review by CI, not months later as a cycle.
//!
//! Why a test and not a Cargo workspace with one crate per layer: the release build relies on fat
//! LTO across the interpreter, the executor and the ACD (see the README's Speed section), the
//! layers still move as this round adds the service, and a test names the offending line in
//! words. Test code (`tests*.rs` files and `#[cfg(test)]` modules) is exempt, as in the module
//! cycle check: a test may build a whole engine to exercise one part.

use std::collections::BTreeMap;
use std::path::Path;

/// Each top-level module, bottom first, with the modules it may use. Keep in step with the code
/// map in ARCHITECTURE.md (a test below checks that every module here is described there).
const LAYERS: &[(&str, &[&str])] = &[
    ("source", &[]),
    ("time", &[]),
    ("fast_hash", &[]),
    ("diagnostics", &["source"]),
    ("input", &["source", "time", "diagnostics"]),
    ("model", &["source", "time", "diagnostics", "input"]),
    ("syntax", &["source", "time", "diagnostics", "model"]),
    ("compile", &["source", "time", "diagnostics", "model", "syntax"]),
    ("check", &["source", "time", "diagnostics", "input", "model", "syntax", "compile"]),
    ("project", &["source", "time", "diagnostics", "input", "model", "syntax", "compile", "check"]),
    ("acd", &["source", "time", "fast_hash", "model"]),
    ("callbacks", &["source", "time", "fast_hash", "diagnostics", "input", "model", "acd"]),
    (
        "runtime",
        &[
            "source",
            "time",
            "fast_hash",
            "diagnostics",
            "input",
            "model",
            "syntax",
            "compile",
            "project",
            "acd",
            "callbacks",
        ],
    ),
    (
        "sim",
        &[
            "source",
            "time",
            "fast_hash",
            "diagnostics",
            "input",
            "model",
            "syntax",
            "compile",
            "check",
            "project",
            "acd",
            "callbacks",
            "runtime",
        ],
    ),
    (
        "testing",
        &[
            "source",
            "time",
            "fast_hash",
            "diagnostics",
            "input",
            "model",
            "syntax",
            "compile",
            "check",
            "project",
            "acd",
            "callbacks",
            "runtime",
        ],
    ),
    (
        "service",
        &[
            "source",
            "time",
            "fast_hash",
            "diagnostics",
            "input",
            "model",
            "syntax",
            "compile",
            "check",
            "project",
            "acd",
            "callbacks",
            "runtime",
        ],
    ),
    ("cli", &["*"]),
];

fn allowed(module: &str) -> Option<&'static [&'static str]> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, uses)| *uses)
}

/// The text of a file without comments and without `#[cfg(test)] mod … { … }` blocks.
fn code_only(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        // Only a test module is skipped; `#[cfg(test)]` on one item keeps its line count.
        let head_end = after.find(['{', ';']).unwrap_or(after.len());
        if after[..head_end].contains("mod ") && after[head_end..].starts_with('{') {
            let mut depth = 0usize;
            let mut end = after.len();
            for (i, c) in after.char_indices().skip(head_end) {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            // Keep the line numbers of what follows.
            out.extend(after[..end].chars().filter(|c| *c == '\n'));
            rest = &after[end..];
        } else {
            out.push_str("#[cfg(test)]");
            rest = &after["#[cfg(test)]".len()..];
        }
    }
    out.push_str(rest);
    out.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// `(file, line, used module)` for every `crate::module` path from one top-level module to another.
fn imports(src: &Path) -> Vec<(String, usize, String, String)> {
    let mut found = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().to_string_lossy().replace('\\', "/");
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !rel.ends_with(".rs") || name.starts_with("tests") || rel == "lib.rs" || rel == "main.rs" {
                continue;
            }
            let top = rel.split('/').next().unwrap().trim_end_matches(".rs").to_string();
            let text = code_only(&std::fs::read_to_string(&path).unwrap());
            for (n, line) in text.lines().enumerate() {
                let mut rest = line;
                while let Some(at) = rest.find("crate::") {
                    let tail = &rest[at + 7..];
                    let used: String =
                        tail.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    let before = rest[..at].chars().last();
                    let is_path = !matches!(before, Some(c) if c.is_alphanumeric() || c == '_');
                    if is_path && used != top && !used.is_empty() {
                        found.push((format!("src/{rel}"), n + 1, top.clone(), used));
                    }
                    rest = tail;
                }
            }
        }
    }
    found.sort();
    found
}

fn violations(src: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for (file, line, from, used) in imports(src) {
        match allowed(&from) {
            None => problems
                .push(format!("{file}:{line}: module `{from}` has no row in LAYERS (tests/architecture.rs)")),
            Some(uses) if uses.contains(&"*") || uses.contains(&used.as_str()) => {}
            Some(uses) => problems.push(format!(
                "{file}:{line}: `{from}` uses `crate::{used}`, which is not below it (it may use: {})",
                if uses.is_empty() { "nothing".to_string() } else { uses.join(", ") }
            )),
        }
    }
    problems
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = violations(&src);
    assert!(problems.is_empty(), "upward imports (see ARCHITECTURE.md):\n{}", problems.join("\n"));
}

#[test]
fn the_layers_have_no_cycles() {
    // Each module's allowed uses must come earlier in LAYERS: then no cycle can exist.
    let order: BTreeMap<&str, usize> = LAYERS.iter().enumerate().map(|(i, (m, _))| (*m, i)).collect();
    for (i, (module, uses)) in LAYERS.iter().enumerate() {
        for used in uses.iter().filter(|u| **u != "*") {
            let at = order.get(used).unwrap_or_else(|| panic!("`{module}` may use unknown module `{used}`"));
            assert!(*at < i, "`{module}` may use `{used}`, which is not below it in LAYERS");
        }
    }
}

#[test]
fn every_module_has_a_row_and_a_place_in_architecture_md() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md at the root");
    for entry in std::fs::read_dir(root.join("src")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().trim_end_matches(".rs").to_string();
        if name == "lib" || name == "main" {
            continue;
        }
        assert!(allowed(&name).is_some(), "src/{name} has no row in LAYERS");
        assert!(doc.contains(&format!("`{name}`")), "ARCHITECTURE.md does not describe `{name}`");
    }
}

#[test]
fn an_upward_import_is_caught() {
    // The check itself: a deliberately upward import in a scratch tree is reported with its line.
    let dir = std::env::temp_dir().join(format!("callwright-arch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("acd")).unwrap();
    std::fs::write(
        dir.join("acd/mod.rs"),
        "use crate::time::Micros;\n// crate::runtime in a comment is fine\nuse crate::runtime::Engine;\n",
    )
    .unwrap();
    std::fs::write(dir.join("time.rs"), "#[cfg(test)]\nmod tests {\n    use crate::sim::x;\n}\n").unwrap();
    let problems = violations(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        problems,
        vec![
            "src/acd/mod.rs:3: `acd` uses `crate::runtime`, which is not below it (it may use: source, time, \
             fast_hash, model)"
                .to_string()
        ]
    );
}
