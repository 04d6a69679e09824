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
