//! The do-not-call list every dial respects, and the one check a campaign or a callback dial makes
//! before placing a call to a contact: not on the list, and within the number's callable hours in
//! the contact's local time.
//!
//! The list is a file of numbers, one per line or in a `number` column of a CSV (national numbers
//! read in the list's region); a line that is not a number is reported by its line and skipped.

use super::contact::{Contact, ContactNumber};
use super::contact_list::RowProblem;
use super::validate::normalize_number;
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// Numbers (E.164) that must never be dialled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoNotCall {
    numbers: HashSet<String>,
}

/// Why a dial may not be placed now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialRefusal {
    /// The number is on the do-not-call list.
    DoNotCall,
    /// Outside the number's callable hours in the contact's zone (local time given, `HH:MM`).
    OutsideHours { local: String, hours: String },
}

impl std::fmt::Display for DialRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DialRefusal::DoNotCall => write!(f, "the number is on the do-not-call list"),
            DialRefusal::OutsideHours { local, hours } => {
                write!(
                    f,
                    "it is {local} for the contact, outside the hours the number may be called ({hours})"
                )
            }
        }
    }
}

impl DoNotCall {
    /// Reads a list: a number per line, or a CSV whose header has a `number` column. Returns the
    /// list and a problem per line that is not a number.
    pub fn parse(text: &str, region: Option<&str>) -> (DoNotCall, Vec<RowProblem>) {
        let mut list = DoNotCall::default();
        let mut problems = Vec::new();
        let mut lines = text.lines().enumerate().peekable();
        // A header with a `number` column: that column of each line.
        let mut column: Option<usize> = None;
        if let Some((_, first)) = lines.peek()
            && let Some(c) = first.split(',').position(|h| h.trim().eq_ignore_ascii_case("number"))
        {
            column = Some(c);
            lines.next();
        }
        for (i, line) in lines {
            let cell = match column {
                Some(c) => line.split(',').nth(c).unwrap_or(""),
                None => line,
            };
            let cell = cell.trim().trim_matches('"');
            if cell.is_empty() || cell.starts_with('#') {
                continue;
            }
            match normalize_number(cell, region) {
                Ok(n) => {
                    list.numbers.insert(n);
                }
                Err(e) => problems.push(RowProblem { line: i + 1, column: 1, message: e.message }),
            }
        }
        (list, problems)
    }

    pub fn from_numbers<I: IntoIterator<Item = String>>(numbers: I) -> DoNotCall {
        DoNotCall { numbers: numbers.into_iter().collect() }
    }

    pub fn contains(&self, e164: &str) -> bool {
        self.numbers.contains(e164)
    }

    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }
}

/// Whether `number` of `contact` may be dialled at `at`: not on `dnc`, and within its callable
/// hours in the contact's zone (UTC when the contact has none). The one check before every dial.
pub fn may_dial(
    contact: &Contact,
    number: &ContactNumber,
    at: DateTime<Utc>,
    dnc: &DoNotCall,
) -> Result<(), DialRefusal> {
    if dnc.contains(&number.number) {
        return Err(DialRefusal::DoNotCall);
    }
    if let Some(hours) = number.hours {
        let zone: chrono_tz::Tz =
            contact.timezone.as_deref().and_then(|z| z.parse().ok()).unwrap_or(chrono_tz::UTC);
        let local = at.with_timezone(&zone).time();
        if !hours.contains(local) {
            return Err(DialRefusal::OutsideHours {
                local: local.format("%H:%M").to_string(),
                hours: hours.to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callbacks::contact::{CallableHours, NumberType};
    use chrono::{TimeZone, Timelike};
    use proptest::prelude::*;

    #[test]
    fn the_list_reads_plain_lines_and_csv() {
        let (dnc, problems) =
            DoNotCall::parse("+31612345678\n\n# a comment\n020 123 4567\nnope\n", Some("NL"));
        assert!(dnc.contains("+31612345678") && dnc.contains("+31201234567"));
        assert_eq!(dnc.len(), 2);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 5);
        let (dnc, problems) = DoNotCall::parse("name,number\nAda,+447911123456\n", None);
        assert!(dnc.contains("+447911123456") && problems.is_empty());
    }

    const ZONES: [&str; 6] = [
        "Europe/Amsterdam",
        "America/New_York",
        "Asia/Tokyo",
        "Australia/Sydney",
        "America/Sao_Paulo",
        "UTC",
    ];

    proptest! {
        /// Over random contacts, zones, hours and instants: a dial is allowed exactly when the
        /// number is off the list and the contact's local time is within its hours.
        #[test]
        fn a_dial_respects_hours_and_the_list(
            zone in 0usize..ZONES.len(),
            from in 0u32..23,
            len in 1u32..12,
            minute in 0i64..(14 * 24 * 60),
            listed in any::<bool>(),
            suffix in 1_000_000u32..9_999_999,
        ) {
            let to = (from + len).min(23);
            let hours = CallableHours::parse(&format!("{from:02}:00-{to:02}:59")).unwrap();
            let number = ContactNumber { number: format!("+31612{suffix:06}").chars().take(12).collect(), kind: NumberType::Mobile, hours: Some(hours) };
            let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
            let contact = Contact { id: "1".into(), name: "C".into(), timezone: Some(ZONES[zone].into()), numbers: vec![number.clone()], created_at: now, updated_at: now };
            let dnc = if listed { DoNotCall::from_numbers([number.number.clone()]) } else { DoNotCall::default() };
            let at = now + chrono::Duration::minutes(minute);
            let local = at.with_timezone(&ZONES[zone].parse::<chrono_tz::Tz>().unwrap()).time();
            let within = local.hour() >= from && (local.hour() < to || (local.hour() == to && local.minute() < 59));
            let verdict = may_dial(&contact, &number, at, &dnc);
            prop_assert_eq!(verdict.is_ok(), !listed && within, "{:?} at {} local {}", verdict, at, local);
        }
    }
}
