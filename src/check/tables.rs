//! Lookup tables: the CSV file against its declaration (the key and every declared column in the
//! header, each cell of the right type, no key twice) and each `lookup` (a known table, known
//! columns into `Flow.`/`Task.` variables), all under E1002.

use super::Type;
use super::flow_checker::FlowChecker;
use super::symbols::output_type;
use crate::diagnostics::{Code, Diagnostic};
use crate::input::CsvTable;
use crate::source::suggest::help_for;
use crate::syntax::ast::{Lookup, TableDecl};

/// Reports at most this many bad cells per table (a wrong type in a whole column is one mistake).
const MAX_CELL_ERRORS: usize = 10;

/// Whether `text` is a value of `ty` as a table cell writes it.
pub fn cell_fits(ty: Type, text: &str) -> bool {
    match ty {
        Type::Integer => text.parse::<i64>().is_ok(),
        Type::Boolean => matches!(text.to_ascii_lowercase().as_str(), "true" | "false" | "yes" | "no"),
        _ => true,
    }
}

pub(super) fn check_table(t: &TableDecl, data: Option<&CsvTable>, diags: &mut Vec<Diagnostic>) {
    let name = &t.name.name;
    for (col, ty) in &t.columns {
        if output_type(&ty.name).is_none() {
            diags.push(
                Diagnostic::new(
                    Code::BadTable,
                    ty.span,
                    format!("`{}` is not a type a column can have", ty.name),
                )
                .with_label("unknown type")
                .with_help(help_for(&ty.name, "type", ["String", "Integer", "Boolean"])),
            );
        }
        if col.name == t.key.name {
            diags.push(
                Diagnostic::new(Code::BadTable, col.span, format!("`{}` is the key of `{name}`", col.name))
                    .with_label("the key is not a column to declare")
                    .with_help("the key column is always text; declare only the columns a lookup reads"),
            );
        }
    }
    // A missing file was reported where the project read it.
    let Some(data) = data else { return };
    let header: Vec<&str> = data.header.iter().map(|c| c.text.as_str()).collect();
    let mut at = Vec::new();
    for (col, span) in
        std::iter::once((&t.key.name, t.key.span)).chain(t.columns.iter().map(|(c, _)| (&c.name, c.span)))
    {
        match data.column(col) {
            Some(i) => at.push(i),
            None => diags.push(
                Diagnostic::new(Code::BadTable, span, format!("the file of `{name}` has no column `{col}`"))
                    .with_label("not in the header")
                    .with_help(format!("its header is: {}", header.join(", "))),
            ),
        }
    }
    if at.len() != t.columns.len() + 1 {
        return;
    }
    let types: Vec<Type> =
        t.columns.iter().map(|(_, ty)| output_type(&ty.name).unwrap_or(Type::Unknown)).collect();
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut errors = 0;
    for (r, row) in data.rows.iter().enumerate() {
        if row.len() != data.header.len() {
            let span = row.first().map(|c| c.span.to(row.last().unwrap_or(c).span));
            if let Some(span) = span {
                diags.push(
                    Diagnostic::new(
                        Code::BadTable,
                        span,
                        format!("this row has {} cells; the header has {}", row.len(), data.header.len()),
                    )
                    .with_label("wrong number of cells")
                    .with_help("quote a cell that holds a comma: \"Amsterdam, Centrum\""),
                );
                errors += 1;
            }
            continue;
        }
        let key = &row[at[0]];
        if let Some(first) = seen.insert(key.text.as_str(), r) {
            let first_span = data.rows[first][at[0]].span;
            diags.push(
                Diagnostic::new(
                    Code::BadTable,
                    key.span,
                    format!("the key `{}` is in `{name}` twice", key.text),
                )
                .with_label("again")
                .with_secondary(first_span, "first here")
                .with_help("a lookup finds one row per key; remove or merge one of them"),
            );
            errors += 1;
        }
        for (ty, &i) in types.iter().zip(&at[1..]) {
            let cell = &row[i];
            if !cell_fits(*ty, &cell.text) {
                diags.push(
                    Diagnostic::new(
                        Code::BadTable,
                        cell.span,
                        format!("`{}` in column `{}` is not {}", cell.text, data.header[i].text, ty.a()),
                    )
                    .with_label(format!("not {}", ty.a()))
                    .with_help(match ty {
                        Type::Boolean => "write true or false (yes or no)",
                        _ => "write a whole number",
                    }),
                );
                errors += 1;
            }
        }
        if errors >= MAX_CELL_ERRORS {
            break;
        }
    }
}

impl FlowChecker<'_> {
    /// `lookup Table key EXPR into { … }`.
    pub(super) fn lookup(&mut self, l: &Lookup) {
        let key_type = self.type_of(&l.key);
        if !key_type.compatible(Type::String) && key_type != Type::Integer {
            self.diags.push(
                Diagnostic::new(
                    Code::BadTable,
                    l.key.span,
                    format!("a table's key is text, not {}", key_type.a()),
                )
                .with_label("not a String"),
            );
        }
        let name = &l.table.name;
        let Some((_, columns)) = self.symbols.tables.get(name).cloned() else {
            let known = self.symbols.tables.keys().map(String::as_str);
            self.diags.push(
                Diagnostic::new(Code::UnknownName, l.table.span, format!("no table `{name}`"))
                    .with_label("not declared")
                    .with_help(format!(
                        "{} (declare it with `table {name} from \"file.csv\" key … {{ … }}`)",
                        help_for(name, "table", known)
                    )),
            );
            return;
        };
        for (target, column) in &l.into {
            let dotted = target.dotted();
            let ty = match columns.iter().find(|(c, _)| *c == column.name) {
                Some((_, t)) => *t,
                None => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::BadTable,
                            column.span,
                            format!("`{name}` has no column `{}`", column.name),
                        )
                        .with_label("not a declared column")
                        .with_help(help_for(
                            &column.name,
                            "column",
                            columns.iter().map(|(c, _)| c.as_str()),
                        )),
                    );
                    Type::Unknown
                }
            };
            let user = (dotted.starts_with("Flow.") || dotted.starts_with("Task."))
                && target.segments.len() == 2
                && target.index.is_none();
            if user {
                self.record_var(&dotted, ty, target.span, column.span);
            } else {
                self.diags.push(
                    Diagnostic::new(
                        Code::BadTable,
                        target.span,
                        format!("a column goes into a `Flow.` or `Task.` variable, not `{dotted}`"),
                    )
                    .with_label("not a flow variable"),
                );
            }
        }
        if let Some(b) = &l.on_not_found {
            self.block(b);
        }
    }
}
