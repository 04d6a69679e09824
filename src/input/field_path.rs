//! Field paths into YAML documents (`agents[1].wrap_up`), the way every input file's errors name
//! the value at fault, and short descriptions of YAML values for messages.

use serde_yaml::Value;

/// One step of a field path (shared with the flow-test loader).
#[derive(Debug, Clone)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Where a value is in a YAML file, from the top: `agents[1].wrap_up`.
pub type FieldPath = Vec<Seg>;

/// `agents[1].wrap_up`: a path as people write it.
pub fn show_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// `path` with one key more.
pub fn child(path: &[Seg], key: &str) -> FieldPath {
    let mut p = path.to_vec();
    p.push(Seg::Key(key.to_owned()));
    p
}

/// `path` with one list index more.
pub fn index(path: &[Seg], i: usize) -> FieldPath {
    let mut p = path.to_vec();
    p.push(Seg::Index(i));
    p
}

/// A short description of a YAML value for messages.
pub fn show(v: &Value) -> String {
    match v {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::String(s) => format!("`{s}`"),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(t) => format!("a value tagged `{}`", t.tag),
    }
}

/// Writes `file`, `file:line` or `file:line:col`: the place of an input-file error, as scenario and
/// flow-test errors print it.
pub fn write_place(
    f: &mut std::fmt::Formatter<'_>,
    file: &str,
    line: Option<u32>,
    column: Option<u32>,
) -> std::fmt::Result {
    f.write_str(file)?;
    if let Some(line) = line {
        write!(f, ":{line}")?;
        if let Some(col) = column {
            write!(f, ":{col}")?;
        }
    }
    Ok(())
}
