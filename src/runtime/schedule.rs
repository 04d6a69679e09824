//! Schedules ready to answer `open(...)` and `holiday(...)` at an instant.

use crate::syntax::ast::Schedule;
use chrono::{DateTime, Datelike, NaiveDate, Timelike};
use chrono_tz::Tz;

/// A checked schedule, evaluated in its own time zone whatever the call's zone is.
#[derive(Debug, Clone)]
pub struct ScheduleTable {
    pub name: String,
    pub zone: Tz,
    /// Open minutes-of-day ranges [start, end) per weekday, Monday first.
    pub hours: [Vec<(u32, u32)>; 7],
    pub closed: Vec<(NaiveDate, NaiveDate)>,
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
        Some(ScheduleTable { name: s.name.name.clone(), zone, hours, closed })
    }

    pub fn is_holiday(&self, at: DateTime<Tz>) -> bool {
        let date = at.with_timezone(&self.zone).date_naive();
        self.closed.iter().any(|(a, b)| *a <= date && date <= *b)
    }

    pub fn is_open(&self, at: DateTime<Tz>) -> bool {
        if self.is_holiday(at) {
            return false;
        }
        let local = at.with_timezone(&self.zone);
        let minute = local.hour() * 60 + local.minute();
        let day = local.weekday().num_days_from_monday() as usize;
        self.hours[day].iter().any(|(a, b)| *a <= minute && minute < *b)
    }
}
