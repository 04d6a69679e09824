//! Contact lists imported from CSV, as campaign tools load them: one contact per row, a column per
//! number type (`home`, `mobile`, `work`, `other`) with optional callable hours beside it
//! (`mobile_hours: 09:00-20:00`), and an optional IANA `timezone` (pre-filled from the numbers'
//! country when left empty).
//!
//! ```csv
//! name,timezone,home,mobile,mobile_hours,work
//! Ada Lovelace,Europe/London,,+447911123456,09:00-20:00,
//! Jan Jansen,,020 123 4567,06 12345678,,
//! ```
//!
//! A bad row is reported (`file:line:col`, what is wrong) and skipped; the good rows still load,
//! so one typo in 100,000 rows does not stop an import. National numbers are read in the list's
//! default region (`NL` above); every number is stored in E.164.

use super::contact::{CallableHours, Contact, ContactNumber, NUMBERS_MAX, NumberType};
use super::validate::normalize_number;
use crate::input::CsvTable;
use crate::source::{FileId, Span};
use chrono::{DateTime, Utc};

/// The number columns, in the order a contact's numbers are kept.
const NUMBER_COLUMNS: [(&str, NumberType); 4] = [
    ("home", NumberType::Home),
    ("mobile", NumberType::Mobile),
    ("work", NumberType::Work),
    ("other", NumberType::Other),
];

/// Every column a list may have.
const COLUMNS: [&str; 10] = [
    "name",
    "timezone",
    "home",
    "home_hours",
    "mobile",
    "mobile_hours",
    "work",
    "work_hours",
    "other",
    "other_hours",
];

/// One row that did not load, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// 1-based line and column in the file.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// What an import read: the contacts of the good rows (without ids: the store gives them) and a
/// problem per bad row.
#[derive(Debug, Default)]
pub struct ContactList {
    pub contacts: Vec<Contact>,
    pub problems: Vec<RowProblem>,
}

/// The whole file is unusable (no header, no `name` column, an unknown column): nothing loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListError(pub RowProblem);

fn position(text: &str, span: Span) -> (usize, usize) {
    let before = &text[..(span.lo as usize).min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Reads a contact list; `region` reads national numbers (`NL`: `020 123 4567`), `now` stamps
/// the contacts.
pub fn parse_contact_list(
    text: &str,
    region: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ContactList, ListError> {
    let problem = |span: Span, message: String| {
        let (line, column) = position(text, span);
        RowProblem { line, column, message }
    };
    let table = CsvTable::parse(FileId(0), text).map_err(|(m, s)| ListError(problem(s, m)))?;
    let top = Span::new(FileId(0), 0, 0);
    for cell in &table.header {
        if !COLUMNS.contains(&cell.text.trim().to_ascii_lowercase().as_str()) {
            let help = crate::source::suggest::help_for(&cell.text, "column", COLUMNS.iter().copied());
            return Err(ListError(problem(
                cell.span,
                format!("`{}` is not a contact-list column; {help}", cell.text),
            )));
        }
    }
    let column = |name: &str| table.header.iter().position(|c| c.text.trim().eq_ignore_ascii_case(name));
    let Some(name_col) = column("name") else {
        let at = table.header.first().map_or(top, |c| c.span);
        return Err(ListError(problem(at, "the list has no `name` column".into())));
    };
    if !NUMBER_COLUMNS.iter().any(|(c, _)| column(c).is_some()) {
        let at = table.header.first().map_or(top, |c| c.span);
        return Err(ListError(problem(
            at,
            "the list has no number column (home, mobile, work or other)".into(),
        )));
    }
    let mut list = ContactList { contacts: Vec::with_capacity(table.rows.len()), problems: Vec::new() };
    'rows: for row in &table.rows {
        if row.len() != table.header.len() {
            let at = row.last().map_or(top, |c| c.span);
            let m = format!("this row has {} cells; the header has {}", row.len(), table.header.len());
            list.problems.push(problem(at, m));
            continue;
        }
        let cell = |name: &str| column(name).map(|c| &row[c]).filter(|c| !c.text.trim().is_empty());
        let name = row[name_col].text.trim();
        if name.is_empty() {
            list.problems.push(problem(row[name_col].span, "a contact without a name".into()));
            continue;
        }
        if name.chars().count() > super::contact::NAME_MAX {
            let m = format!("the name is longer than {} characters", super::contact::NAME_MAX);
            list.problems.push(problem(row[name_col].span, m));
            continue;
        }
        let timezone = match cell("timezone") {
            None => None,
            Some(c) => match c.text.trim().parse::<chrono_tz::Tz>() {
                Ok(tz) => Some(tz.name().to_string()),
                Err(_) => {
                    let m = format!("`{}` is not an IANA time zone (e.g. Europe/Amsterdam)", c.text.trim());
                    list.problems.push(problem(c.span, m));
                    continue;
                }
            },
        };
        let mut numbers: Vec<ContactNumber> = Vec::new();
        for (col, kind) in NUMBER_COLUMNS {
            let hours_col = format!("{col}_hours");
            let Some(c) = cell(col) else {
                if let Some(h) = cell(&hours_col) {
                    list.problems
                        .push(problem(h.span, format!("hours for a {col} number the row does not have")));
                    continue 'rows;
                }
                continue;
            };
            let number = match normalize_number(&c.text, region) {
                Ok(n) => n,
                Err(e) => {
                    list.problems.push(problem(c.span, format!("{col}: {}", e.message)));
                    continue 'rows;
                }
            };
            let hours = match cell(&hours_col) {
                None => None,
                Some(h) => match CallableHours::parse(&h.text) {
                    Ok(h) => Some(h),
                    Err(m) => {
                        list.problems.push(problem(h.span, m));
                        continue 'rows;
                    }
                },
            };
            if !numbers.iter().any(|n| n.number == number) {
                numbers.push(ContactNumber { number, kind, hours });
            }
        }
        if numbers.is_empty() {
            list.problems.push(problem(row[name_col].span, format!("{name} has no number")));
            continue;
        }
        numbers.truncate(NUMBERS_MAX);
        let mut contact = Contact {
            id: String::new(),
            name: name.to_string(),
            timezone,
            numbers,
            created_at: now,
            updated_at: now,
        };
        contact.prefill_zone();
        list.contacts.push(contact);
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z").unwrap().with_timezone(&Utc)
    }

    #[test]
    fn good_rows_load_and_bad_rows_are_reported() {
        let text = "name,timezone,home,mobile,mobile_hours,work\n\
            Ada Lovelace,Europe/London,,+447911123456,09:00-20:00,\n\
            Jan Jansen,,020 123 4567,06 12345678,,\n\
            No Number,,,,,\n\
            Bad Zone,Mars/Olympus,,+31612345678,,\n\
            Bad Hours,,,+31612345678,20:00-09:00,\n\
            Bad Number,,,12,,\n\
            Short,row\n\
            Piet,,,+31612345679,,\n";
        let list = parse_contact_list(text, Some("NL"), now()).unwrap();
        let names: Vec<&str> = list.contacts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Ada Lovelace", "Jan Jansen", "Piet"]);
        assert_eq!(list.contacts[0].numbers[0].hours.unwrap().to_string(), "09:00-20:00");
        let jan = &list.contacts[1];
        assert_eq!(jan.numbers[0].number, "+31201234567");
        assert_eq!(jan.numbers[1].number, "+31612345678");
        assert_eq!(jan.timezone.as_deref(), Some("Europe/Amsterdam"), "pre-filled from the numbers");
        let lines: Vec<usize> = list.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [4, 5, 6, 7, 8]);
        assert!(list.problems[0].message.contains("No Number has no number"));
        assert!(list.problems[1].message.contains("`Mars/Olympus` is not an IANA time zone"));
        assert_eq!(list.problems[1].column, 10);
        assert!(list.problems[2].message.contains("end after they start"), "{}", list.problems[2]);
        assert!(
            list.problems[3].message.starts_with("mobile: `12` is not a valid phone number"),
            "{}",
            list.problems[3]
        );
        assert!(list.problems[4].message.contains("this row has 2 cells"));
    }

    #[test]
    fn an_unusable_header_loads_nothing() {
        let e = parse_contact_list("name,phone\nAda,+31612345678\n", None, now()).unwrap_err();
        assert_eq!((e.0.line, e.0.column), (1, 6));
        assert!(e.0.message.contains("`phone` is not a contact-list column"), "{}", e.0.message);
        let e = parse_contact_list("timezone,mobile\n,+31612345678\n", None, now()).unwrap_err();
        assert!(e.0.message.contains("no `name` column"));
        let e = parse_contact_list("name,timezone\nAda,\n", None, now()).unwrap_err();
        assert!(e.0.message.contains("no number column"));
    }
}
