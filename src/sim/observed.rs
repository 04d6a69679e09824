//! Observed durations for an empirical distribution (`handle_time: { empirical: aht.csv }`): a CSV
//! as an ACD exports it, one call per row, its duration in a column named `duration`, `seconds`,
//! `handle_time` or `aht` (or the only column), in seconds (`272`, `12.5`) or as a duration
//! (`4m32s`). Every bad cell is reported at its `file:line:col`.

use super::dist::Empirical;
use super::forecast::cell_duration;
use super::scenario::ScenarioError;
use crate::input::CsvTable;
use crate::source::{FileId, Span};
use crate::time::{MICROS_PER_SEC, Micros};

/// The columns that hold the durations, in the order they are looked for.
const COLUMNS: &[&str] = &["duration", "seconds", "handle_time", "aht"];

/// The longest duration accepted: a day.
const LONGEST: Micros = 24 * 3600 * MICROS_PER_SEC;

/// Reads `path`.
pub fn read_durations(path: &std::path::Path) -> Result<Empirical, ScenarioError> {
    let name = path.display().to_string();
    let text = crate::input::read_regular(path).map_err(|e| {
        let help = "name a CSV file relative to the scenario, with a `duration` column (seconds or 4m30s)";
        ScenarioError::whole_file(&name, format!("cannot read the durations {name}: {e}"), Some(help.into()))
    })?;
    parse_durations(&text, &name)
}

/// Checks the text of a durations file; `name` is used in errors.
pub fn parse_durations(text: &str, name: &str) -> Result<Empirical, ScenarioError> {
    let at = |span: Span, message: String, help: Option<&str>| {
        ScenarioError::in_text(name, text, span, message, help)
    };
    let table = CsvTable::parse(FileId(0), text).map_err(|(m, s)| at(s, m, None))?;
    let top = Span::new(FileId(0), 0, 0);
    let column = COLUMNS.iter().find_map(|c| table.column(c)).or((table.header.len() == 1).then_some(0));
    let Some(c) = column else {
        return Err(at(
            table.header.first().map_or(top, |c| c.span),
            "no column of durations".into(),
            Some("name it `duration` (or `seconds`, `handle_time`, `aht`), or give only one column"),
        ));
    };
    let mut values = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let cell = row.get(c).ok_or_else(|| {
            at(
                row.last().map_or(top, |c| c.span),
                format!("this row has {} cells; the header has {}", row.len(), table.header.len()),
                None,
            )
        })?;
        let d = cell_duration(&cell.text).filter(|d| (0..=LONGEST).contains(d)).ok_or_else(|| {
            at(
                cell.span,
                format!("`{}` is not a duration", cell.text),
                Some("write seconds (`272`, `12.5`) or a duration (`4m32s`), from 0 to 24h"),
            )
        })?;
        values.push(d);
    }
    Empirical::new(name.to_string(), values).ok_or_else(|| {
        at(top, "the file has no durations".into(), Some("add a row per observed call under the header"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_seconds_or_written_out() {
        let e = parse_durations("call,duration\nA1,272\nA2,4m32s\nA3,12.5\n", "d.csv").unwrap();
        assert_eq!(e.values, [272 * MICROS_PER_SEC, 272 * MICROS_PER_SEC, 12_500_000]);
        assert_eq!(parse_durations("secs\n30\n", "d.csv").unwrap().values, [30 * MICROS_PER_SEC]);
    }

    #[test]
    fn bad_cells_are_reported_where_they_are() {
        let e = parse_durations("duration\n30\nlong\n", "d.csv").unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(1)));
        assert!(e.to_string().contains("`long` is not a duration"), "{e}");
        let e = parse_durations("id,when\n1,2\n", "d.csv").unwrap_err();
        assert!(e.message.contains("no column of durations"), "{e}");
        let e = parse_durations("duration\n", "d.csv").unwrap_err();
        assert!(e.message.contains("no durations"), "{e}");
        let e = parse_durations("duration\n-5\n", "d.csv").unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
