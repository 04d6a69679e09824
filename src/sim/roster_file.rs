//! A roster file, as a WFM tool exports a schedule: one row per agent group (or per agent, with
//! `count` left out) with its queues, skills, shift, breaks, days, absence and wrap-up — the same groups
//! `agents:` lists in a scenario, for scenarios that name the file (`agents: roster.csv`).
//!
//! ```csv
//! name,count,queues,skills,shift,breaks,days,absence,wrap_up
//! support_early,7,Support,support,08:00-16:30,10:00 15m;12:00 30m;14:30 15m,mon..fri,,
//! saturday,3,Support,support,09:00-13:00,,sat,,
//! floater,2,Support;Billing,support,,,,8%,30s
//! ```
//!
//! Only `name` is required. Lists (`queues`, `skills`, `breaks`, `days`) are separated by `;`; an
//! empty cell is none (no shift: logged in all day; no days: the shift is worked every day). Every problem is reported at its `file:line:col`.

use super::scenario::ScenarioError;
use crate::input::CsvTable;
use crate::model::{AgentGroup, Shift};
use crate::source::{FileId, Span};

/// The columns a roster may have.
const COLUMNS: [&str; 9] =
    ["name", "count", "queues", "skills", "shift", "breaks", "days", "absence", "wrap_up"];

/// Reads `path` into agent groups.
pub fn read_roster(path: &std::path::Path) -> Result<Vec<AgentGroup>, ScenarioError> {
    let name = path.display().to_string();
    let text = crate::input::read_regular(path).map_err(|e| {
        let help = "name a CSV file relative to the scenario, with a row per group: name,count,queues,skills,shift,breaks,days";
        ScenarioError::whole_file(&name, format!("cannot read the roster {name}: {e}"), Some(help.into()))
    })?;
    parse_roster(&text, &name)
}

/// Checks roster text; `name` is used in errors.
pub fn parse_roster(text: &str, name: &str) -> Result<Vec<AgentGroup>, ScenarioError> {
    let at = |span: Span, message: String, help: Option<&str>| {
        ScenarioError::in_text(name, text, span, message, help)
    };
    let table = CsvTable::parse(FileId(0), text).map_err(|(m, s)| at(s, m, None))?;
    let top = Span::new(FileId(0), 0, 0);
    for cell in &table.header {
        if !COLUMNS.contains(&cell.text.as_str()) {
            let help = crate::source::suggest::help_for(&cell.text, "column", COLUMNS.iter().copied());
            return Err(at(cell.span, format!("`{}` is not a roster column", cell.text), Some(&help)));
        }
    }
    let Some(name_col) = table.column("name") else {
        return Err(at(
            table.header.first().map_or(top, |c| c.span),
            "the roster has no `name` column".into(),
            Some(
                "the header is `name,count,queues,skills,shift,breaks,days,absence,wrap_up` (only name is required)",
            ),
        ));
    };
    if table.rows.is_empty() {
        return Err(at(
            top,
            "the roster has no groups".into(),
            Some("add a row per group: `early,8,Support,,08:00-16:30`"),
        ));
    }
    let mut groups: Vec<AgentGroup> = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        if row.len() != table.header.len() {
            return Err(at(
                row.last().map_or(top, |c| c.span),
                format!("this row has {} cells; the header has {}", row.len(), table.header.len()),
                None,
            ));
        }
        // The cell of `column` in this row, when the roster has the column and the cell is not empty.
        let cell = |column: &str| table.column(column).map(|c| &row[c]).filter(|c| !c.text.trim().is_empty());
        let list = |column: &str| -> Vec<String> {
            cell(column).map_or_else(Vec::new, |c| {
                c.text.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
            })
        };
        let name_cell = &row[name_col];
        let group_name = name_cell.text.trim().to_string();
        if group_name.is_empty() {
            return Err(at(
                name_cell.span,
                "a group without a name".into(),
                Some("name each row's group (or agent)"),
            ));
        }
        if groups.iter().any(|g| g.name == group_name) {
            return Err(at(name_cell.span, format!("a group named `{group_name}` is listed twice"), None));
        }
        let count = match cell("count") {
            None => 1,
            Some(c) => c
                .text
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= crate::model::bounds::AGENTS_MAX)
                .ok_or_else(|| {
                at(
                    c.span,
                    format!("`{}` is not a number of agents", c.text),
                    Some("write a whole number such as `8`"),
                )
            })?,
        };
        let shift = match cell("shift") {
            None => {
                for what in ["breaks", "days"] {
                    if let Some(b) = cell(what) {
                        return Err(at(
                            b.span,
                            format!("{what} without a shift"),
                            Some("give the group its shift (`08:00-16:30`) too"),
                        ));
                    }
                }
                None
            }
            Some(c) => {
                let mut shift = Shift::parse(c.text.trim())
                    .map_err(|m| at(c.span, m, Some("write `08:00-16:30` (local time)")))?;
                if let Some(b) = cell("breaks") {
                    for one in b.text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                        shift.add_break(one).map_err(|m| {
                            at(b.span, m, Some("write each break's start and length, `;` between them: `10:00 15m;12:00 30m`"))
                        })?;
                    }
                }
                if let Some(d) = cell("days") {
                    shift.days = Shift::parse_days(&d.text).map_err(|m| {
                        at(d.span, m, Some("write the days worked: `mon..fri` or `mon..fri;sat`"))
                    })?;
                }
                Some(shift)
            }
        };
        let absence = match cell("absence") {
            None => 0.0,
            Some(c) => {
                let t = c.text.trim();
                let x = match t.strip_suffix('%') {
                    Some(p) => p.trim().parse::<f64>().ok().map(|x| x / 100.0),
                    None => t.parse::<f64>().ok(),
                };
                x.filter(|a| (0.0..1.0).contains(a)).ok_or_else(|| {
                    at(
                        c.span,
                        format!("`{t}` is not a share of agents away each day (0 to below 1)"),
                        Some("write e.g. `0.08` or `8%`"),
                    )
                })?
            }
        };
        let wrap_up = match cell("wrap_up") {
            None => 0,
            Some(c) => super::forecast::cell_duration(c.text.trim())
                .filter(|d| (0..=24 * 3600 * crate::time::MICROS_PER_SEC).contains(d))
                .ok_or_else(|| {
                    at(
                        c.span,
                        format!("`{}` is not a wrap-up time", c.text),
                        Some("write seconds (`30`) or a duration (`30s`)"),
                    )
                })?,
        };
        groups.push(AgentGroup {
            name: group_name,
            count,
            queues: list("queues"),
            skills: list("skills"),
            wrap_up,
            shift,
            absence,
        });
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROSTER: &str = "name,count,queues,skills,shift,breaks,absence,wrap_up\n\
        early,7,Support,support,08:00-16:30,10:00 15m;12:00 30m,,\n\
        floater,2,Support;Billing,support;vip,,,8%,30s\n\
        anna,,Billing,,22:00-06:00,02:00 30m,,\n";

    #[test]
    fn each_row_is_a_group() {
        let g = parse_roster(ROSTER, "r.csv").unwrap();
        assert_eq!(g.len(), 3);
        assert_eq!((g[0].name.as_str(), g[0].count), ("early", 7));
        let shift = g[0].shift.as_ref().unwrap();
        assert_eq!((shift.start, shift.end), (8 * 3600, 16 * 3600 + 1800));
        assert_eq!(shift.breaks, [(10 * 3600, 900), (12 * 3600, 1800)]);
        assert_eq!(g[1].queues, ["Support", "Billing"]);
        assert_eq!(g[1].skills, ["support", "vip"]);
        assert_eq!((g[1].absence, g[1].wrap_up, g[1].shift.is_none()), (0.08, 30_000_000, true));
        assert_eq!(g[2].count, 1, "a row without a count is one agent");
        assert_eq!(g[2].shift.as_ref().unwrap().breaks, [(2 * 3600, 1800)], "a night shift's break");
        assert_eq!(g[0].shift.as_ref().unwrap().days, crate::model::EVERY_DAY, "no days: every day");
    }

    /// `days`: the days of the week a group's shift is worked; a bad day is named where it is.
    #[test]
    fn days_say_which_days_a_shift_is_worked() {
        let g = parse_roster(
            "name,count,shift,days\nweek,5,08:00-17:00,mon..fri\nweekend,2,09:00-13:00,sat;Sunday\n",
            "r.csv",
        )
        .unwrap();
        assert_eq!(g[0].shift.as_ref().unwrap().days, 0b001_1111);
        assert_eq!(g[1].shift.as_ref().unwrap().days, 0b110_0000);
        let x = parse_roster("name,shift,days\nweek,08:00-17:00,mon..fry\n", "r.csv").unwrap_err();
        assert!(x.message.contains("`fry` is not a day"), "{}", x.message);
        assert!(x.to_string().contains("r.csv:2:18"), "{x}");
        let x = parse_roster("name,days\nweek,mon..fri\n", "r.csv").unwrap_err();
        assert!(x.message.contains("days without a shift"), "{}", x.message);
    }

    #[test]
    fn bad_cells_are_reported_where_they_are() {
        let e = |text: &str| parse_roster(text, "r.csv").unwrap_err();
        let x = e("name,count,shift\nearly,many,08:00-16:00\n");
        assert_eq!((x.line, x.column), (Some(2), Some(7)));
        assert!(x.message.contains("`many` is not a number of agents"), "{}", x.message);
        let x = e("name,shift,breaks\nearly,08:00-16:00,17:00 15m\n");
        assert_eq!((x.line, x.column), (Some(2), Some(19)));
        assert!(x.message.contains("not within the shift 08:00-16:00"), "{}", x.message);
        let x = e("name,shift\nearly,8-16\n");
        assert!(x.message.contains("`8-16` is not a shift"), "{}", x.message);
        let x = e("name,shift,breaks\nearly,08:00-16:00,12:00 30m;12:15 15m\n");
        assert!(x.message.contains("overlaps the break at 12:00"), "{}", x.message);
        let x = e("name,skils\nearly,a\n");
        assert_eq!((x.line, x.column), (Some(1), Some(6)));
        assert!(x.help.as_deref().unwrap_or("").contains("skills"), "{:?}", x.help);
        let x = e("name\nearly\nearly\n");
        assert_eq!(x.line, Some(3));
        assert!(x.message.contains("listed twice"));
        let x = e("name,breaks\nearly,12:00 30m\n");
        assert!(x.message.contains("breaks without a shift"));
        let x = e("name,absence\nearly,120%\n");
        assert!(x.message.contains("`120%` is not a share"), "{}", x.message);
        let x = e("name,count\nearly,2,3\n");
        assert!(x.message.contains("this row has 3 cells"), "{}", x.message);
    }
}
