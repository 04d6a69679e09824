//! Lookup tables on the engine: each declared table's rows by key, each cell already a value of
//! its column's type (the checker has read every cell, so a run never meets a bad one; one it
//! does meet is `Unknown`).

use super::Value;
use crate::input::CsvTable;
use crate::syntax::ast::TableDecl;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// One table: its columns (as declared) and, by key, the row's values in that order.
#[derive(Debug, Default)]
pub struct LookupTable {
    pub columns: Vec<String>,
    pub rows: HashMap<String, Vec<Value>>,
}

impl LookupTable {
    fn build(decl: &TableDecl, data: &CsvTable) -> LookupTable {
        let Some(key) = data.column(&decl.key.name) else { return LookupTable::default() };
        let cols: Vec<(Option<usize>, &str)> =
            decl.columns.iter().map(|(c, ty)| (data.column(&c.name), ty.name.as_str())).collect();
        let mut rows = HashMap::new();
        for row in &data.rows {
            let Some(k) = row.get(key) else { continue };
            let values = cols
                .iter()
                .map(|(i, ty)| {
                    let text = i.and_then(|i| row.get(i)).map(|c| c.text.as_str());
                    match (text, *ty) {
                        (None, _) => Value::Unknown,
                        (Some(t), "Integer") => t.parse().map_or(Value::Unknown, Value::Int),
                        (Some(t), "Boolean") => match t.to_ascii_lowercase().as_str() {
                            "true" | "yes" => Value::Bool(true),
                            "false" | "no" => Value::Bool(false),
                            _ => Value::Unknown,
                        },
                        (Some(t), _) => Value::Str(t.to_string()),
                    }
                })
                .collect();
            // The first row of a key wins (a second one is an error the checker reports).
            rows.entry(k.text.clone()).or_insert(values);
        }
        LookupTable { columns: decl.columns.iter().map(|(c, _)| c.name.clone()).collect(), rows }
    }

    /// The row of `key`, as (column, value) pairs.
    pub fn find(&self, key: &str) -> Option<impl Iterator<Item = (&str, &Value)>> {
        self.rows.get(key.trim()).map(|vals| self.columns.iter().map(String::as_str).zip(vals))
    }
}

/// Every table of a project, by name.
pub fn tables<'a>(
    decls: impl Iterator<Item = &'a TableDecl>,
    data: &BTreeMap<String, CsvTable>,
) -> HashMap<String, Rc<LookupTable>> {
    decls
        .filter_map(|d| {
            data.get(&d.name.name).map(|t| (d.name.name.clone(), Rc::new(LookupTable::build(d, t))))
        })
        .collect()
}
