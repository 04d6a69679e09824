//! A CSV file read with every cell's position: lookup tables (`table Branches from
//! "branches.csv" …`) are checked cell by cell, and a bad cell is reported at its `file:line:col`.
//! RFC 4180: comma-separated, `"…"` quoting with `""` for a quote, CRLF or LF line ends; the first
//! row is the header; blank lines are skipped.

use crate::source::{FileId, Span};

/// One cell: its text (unquoted) and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub span: Span,
}

/// A parsed CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvTable {
    pub file: FileId,
    pub header: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
}

impl CsvTable {
    /// Reads a YAML table: a list of rows, each a mapping of column to a scalar
    /// (`- { postcode: "1011", area: Centrum, critical: true }`). The columns are the keys in the
    /// order first met; each cell keeps where its value is written. A row that lacks a column, a
    /// value that is not a scalar, or a file that is not a list is an error at that place.
    pub fn from_yaml(file: FileId, text: &str) -> Result<CsvTable, (String, Span)> {
        use serde_yaml::Value;
        let start = Span::new(file, 0, 0);
        let doc: Value = serde_yaml::from_str(text).map_err(|e| {
            let (line, col) = crate::input::yaml_error_position(&e);
            let at = match (line, col) {
                (Some(l), Some(c)) => crate::input::Locator::new(file, text)
                    .char_span(crate::input::Locator::new(file, text).offset(l as usize, c as usize)),
                _ => start,
            };
            (format!("not a YAML table: {e}"), at)
        })?;
        let Value::Sequence(items) = doc else {
            return Err(("a YAML table is a list of rows (`- { key: …, column: … }`)".into(), start));
        };
        // Where each top-level item starts: lines beginning with `- ` (block style).
        let mut starts: Vec<usize> = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if line.starts_with("- ") || line.trim_end() == "-" {
                starts.push(offset);
            }
            offset += line.len();
        }
        let region = |i: usize| -> (usize, usize) {
            match starts.get(i) {
                Some(&lo) => (lo, starts.get(i + 1).copied().unwrap_or(text.len())),
                None => (0, text.len()),
            }
        };
        let mut header: Vec<String> = Vec::new();
        for item in &items {
            if let Value::Mapping(m) = item {
                for k in m.keys() {
                    let k = scalar(k).unwrap_or_default();
                    if !header.contains(&k) {
                        header.push(k);
                    }
                }
            }
        }
        let mut rows = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let (lo, hi) = region(i);
            let row_span = Span::new(file, lo, text[lo..hi].trim_end().len() + lo);
            let Value::Mapping(m) = item else {
                return Err((format!("row {} is not a mapping of column to value", i + 1), row_span));
            };
            let mut cells = Vec::with_capacity(header.len());
            for col in &header {
                let value =
                    m.iter().find(|(k, _)| scalar(k).as_deref() == Some(col.as_str())).map(|(_, v)| v);
                let Some(value) = value else {
                    return Err((format!("row {} has no `{col}`", i + 1), row_span));
                };
                let Some(text_value) = scalar(value) else {
                    return Err((format!("row {}: `{col}` is not a single value", i + 1), row_span));
                };
                // The value's place: after `col:` inside the row, else the row.
                let span = text[lo..hi]
                    .find(&format!("{col}:"))
                    .map(|p| {
                        let after = lo + p + col.len() + 1;
                        let rest = &text[after..hi];
                        let skip = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                        let v_lo = after + skip;
                        let v_len = rest[skip..].find([',', '}', '\n', '#']).unwrap_or(rest.len() - skip);
                        Span::new(file, v_lo, v_lo + rest[skip..skip + v_len].trim_end().len())
                    })
                    .unwrap_or(row_span);
                cells.push(Cell { text: text_value, span });
            }
            rows.push(cells);
        }
        let header = header.into_iter().map(|text| Cell { text, span: start }).collect();
        Ok(CsvTable { file, header, rows })
    }

    /// Parses `text`; an error is a message and where (an unclosed quote).
    pub fn parse(file: FileId, text: &str) -> Result<CsvTable, (String, Span)> {
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // A blank line (or the end of the file after a final newline) is no row.
            if bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
                i += if bytes[i] == b'\r' { 2 } else { 1 };
                continue;
            }
            let mut row = Vec::new();
            loop {
                let start = i;
                let mut cell = String::new();
                if bytes.get(i) == Some(&b'"') {
                    i += 1;
                    loop {
                        match bytes.get(i) {
                            None => {
                                return Err((
                                    "a quoted cell is not closed".into(),
                                    Span::new(file, start, text.len()),
                                ));
                            }
                            Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                                cell.push('"');
                                i += 2;
                            }
                            Some(b'"') => {
                                i += 1;
                                break;
                            }
                            Some(_) => {
                                let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
                                cell.push(ch);
                                i += ch.len_utf8();
                            }
                        }
                    }
                } else {
                    while let Some(&b) = bytes.get(i) {
                        if b == b',' || b == b'\n' || b == b'\r' {
                            break;
                        }
                        i += 1;
                    }
                    cell.push_str(&text[start..i]);
                }
                row.push(Cell { text: cell.trim().to_string(), span: Span::new(file, start, i) });
                match bytes.get(i) {
                    Some(b',') => i += 1,
                    Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => {
                        i += 2;
                        break;
                    }
                    Some(b'\n') => {
                        i += 1;
                        break;
                    }
                    None => break,
                    // Text after a closing quote before the comma: keep reading it into the row.
                    Some(_) => {}
                }
            }
            rows.push(row);
        }
        let mut rows = rows.into_iter();
        let header = rows.next().unwrap_or_default();
        Ok(CsvTable { file, header, rows: rows.collect() })
    }

    /// The position of column `name` in the header.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|c| c.text == name)
    }
}

/// A YAML scalar as a cell's text; `None` for a list or mapping.
fn scalar(v: &serde_yaml::Value) -> Option<String> {
    use serde_yaml::Value;
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_cells_blank_lines_and_positions() {
        let text = "postcode,name,open\r\n1011,\"Amsterdam, Centrum\",true\n\n3011,\"Rotterdam \"\"Zuid\"\"\",false\n";
        let t = CsvTable::parse(FileId(0), text).unwrap();
        assert_eq!(
            t.header.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(),
            ["postcode", "name", "open"]
        );
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0][1].text, "Amsterdam, Centrum");
        assert_eq!(t.rows[1][1].text, "Rotterdam \"Zuid\"");
        let s = t.rows[1][0].span;
        assert_eq!(&text[s.lo as usize..s.hi as usize], "3011");
        assert_eq!(t.column("open"), Some(2));
        assert!(CsvTable::parse(FileId(0), "a\n\"open").is_err());
    }
}
