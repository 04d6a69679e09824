//! Schedules ready to answer `open(...)` and `holiday(...)` at an instant.

use crate::syntax::ast::Schedule;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Tz;
use std::cell::Cell;

/// A checked schedule, evaluated in its own time zone whatever the call's zone is.
#[derive(Debug, Clone)]
pub struct ScheduleTable {
    pub name: String,
    pub zone: Tz,
    /// Open minutes-of-day ranges [start, end) per weekday, Monday first.
    pub hours: [Vec<(u32, u32)>; 7],
    pub closed: Vec<(NaiveDate, NaiveDate)>,
    /// The last instant asked about (UTC) and its answers (holiday, open): a flow usually asks
    /// `holiday(...)` and `open(...)` at the same instant, and the time-zone lookup behind each
    /// answer is most of its cost.
    last: Cell<Option<(NaiveDateTime, bool, bool)>>,
}

impl ScheduleTable {
    /// `None` if the schedule did not pass the checker (bad zone, say).
    pub fn from_ast(s: &Schedule) -> Option<ScheduleTable> {
        let zone: Tz = s.zone.value.parse().ok()?;
        let mut hours: [Vec<(u32, u32)>; 7] = Default::default();
        for h in &s.hours {
            for d in &h.days {
                for day in d.from.0..=d.to.unwrap_or(d.from).0 {
                    for r in &h.ranges {
                        hours[day as usize % 7].push((r.start.minutes(), r.end.minutes()));
                    }
                }
            }
        }
        let closed = s
            .closed
            .iter()
            .filter_map(|c| {
                let from = c.from.to_date()?;
                let to = c.to.and_then(|t| t.to_date()).unwrap_or(from);
                Some((from, to))
            })
            .collect();
        Some(ScheduleTable { name: s.name.name.clone(), zone, hours, closed, last: Cell::new(None) })
    }

    pub fn is_holiday(&self, at: DateTime<Tz>) -> bool {
        self.at_utc(at.naive_utc()).0
    }

    pub fn is_open(&self, at: DateTime<Tz>) -> bool {
        self.at_utc(at.naive_utc()).1
    }

    /// (holiday, open) at an instant given in UTC; one time-zone conversion per new instant.
    pub fn at_utc(&self, utc: NaiveDateTime) -> (bool, bool) {
        if let Some((at, holiday, open)) = self.last.get()
            && at == utc
        {
            return (holiday, open);
        }
        let local = self.zone.from_utc_datetime(&utc).naive_local();
        let date = local.date();
        let holiday = self.closed.iter().any(|(a, b)| *a <= date && date <= *b);
        let open = !holiday && {
            let minute = local.hour() * 60 + local.minute();
            let day = local.weekday().num_days_from_monday() as usize;
            self.hours[day].iter().any(|(a, b)| *a <= minute && minute < *b)
        };
        self.last.set(Some((utc, holiday, open)));
        (holiday, open)
    }
}
