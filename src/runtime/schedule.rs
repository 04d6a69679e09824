//! Schedules ready to answer `open(...)` and `holiday(...)` at an instant.

use crate::syntax::ast::Schedule;
use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Timelike,
};
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
    /// The answers (holiday, open) for a span of UTC instants [from, until) over which neither
    /// can change: the rest of the local minute range up to the next opening or closing time of
    /// that day (or midnight), with one UTC offset throughout. Flows ask at nearly every call,
    /// and the time-zone lookup behind an answer is most of its cost.
    last: Cell<Option<(NaiveDateTime, NaiveDateTime, bool, bool)>>,
    /// The same span as `last`, for [`ScheduleTable::at_run_time`]: (the run's start, from,
    /// until, holiday, open) with `from` and `until` in microseconds of the run, so that a call
    /// asking within the span compares two numbers rather than first adding its clock to the
    /// start as a date-time (half of an answer's cost, asked twice by every acme call).
    last_run: Cell<Option<RunSpan>>,
}

/// A span of `last_run`: (the run's start, from, until, holiday, open).
type RunSpan = (NaiveDateTime, i64, i64, bool, bool);

impl ScheduleTable {
    /// The tables of a project's schedules, by name (those that did not check are left out).
    pub fn tables(
        project: &crate::project::CheckedProject,
    ) -> impl Iterator<Item = (String, ScheduleTable)> + '_ {
        project.schedules().filter_map(ScheduleTable::from_ast).map(|s| (s.name.clone(), s))
    }

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
        Some(ScheduleTable {
            name: s.name.name.clone(),
            zone,
            hours,
            closed,
            last: Cell::new(None),
            last_run: Cell::new(None),
        })
    }

    pub fn is_holiday(&self, at: DateTime<Tz>) -> bool {
        self.at_utc(at.naive_utc()).0
    }

    pub fn is_open(&self, at: DateTime<Tz>) -> bool {
        self.at_utc(at.naive_utc()).1
    }

    /// (holiday, open) at an instant given in UTC.
    pub fn at_utc(&self, utc: NaiveDateTime) -> (bool, bool) {
        if let Some((from, until, holiday, open)) = self.last.get()
            && from <= utc
            && utc < until
        {
            return (holiday, open);
        }
        let offset = self.zone.offset_from_utc_datetime(&utc).fix();
        let local = utc + offset;
        let date = local.date();
        let minute = local.hour() * 60 + local.minute();
        let holiday = self.closed.iter().any(|(a, b)| *a <= date && date <= *b);
        let ranges = &self.hours[local.weekday().num_days_from_monday() as usize];
        let open = !holiday && ranges.iter().any(|(a, b)| *a <= minute && minute < *b);
        // Both answers hold until the day's next boundary after this minute (or midnight), as
        // long as the offset holds too: a daylight-saving change inside the span shortens the
        // cache to this one instant.
        let next = ranges.iter().flat_map(|&(a, b)| [a, b]).filter(|&m| m > minute).fold(1440, u32::min);
        let until = date.and_time(NaiveTime::MIN) + TimeDelta::minutes(i64::from(next.min(1440))) - offset;
        let until = if until > utc
            && self.zone.offset_from_utc_datetime(&(until - TimeDelta::microseconds(1))).fix() == offset
        {
            until
        } else {
            utc + TimeDelta::microseconds(1)
        };
        self.last.set(Some((utc, until, holiday, open)));
        (holiday, open)
    }

    /// (holiday, open) `now` microseconds after `start` (UTC): [`ScheduleTable::at_utc`] of
    /// that instant, read from `last_run` while the run's clock stays inside the span it holds.
    pub fn at_run_time(&self, start: NaiveDateTime, now: i64) -> (bool, bool) {
        if let Some((s, from, until, holiday, open)) = self.last_run.get()
            && s == start
            && from <= now
            && now < until
        {
            return (holiday, open);
        }
        let utc = start + TimeDelta::microseconds(now);
        let answer = self.at_utc(utc);
        // The span `at_utc` keeps, from now on, in whole microseconds of the run: truncated, so
        // it never reaches past the true end (a run started between two microseconds only asks
        // again a microsecond early).
        if let Some((_, until, ..)) = self.last.get()
            && let Some(until) = (until - start).num_microseconds()
            && until > now
        {
            self.last_run.set(Some((start, now, until, answer.0, answer.1)));
        }
        answer
    }

    /// The answers without the cache, for tests.
    #[cfg(test)]
    fn at_utc_uncached(&self, utc: NaiveDateTime) -> (bool, bool) {
        let local = self.zone.from_utc_datetime(&utc).naive_local();
        let date = local.date();
        let holiday = self.closed.iter().any(|(a, b)| *a <= date && date <= *b);
        let minute = local.hour() * 60 + local.minute();
        let day = local.weekday().num_days_from_monday() as usize;
        (holiday, !holiday && self.hours[day].iter().any(|(a, b)| *a <= minute && minute < *b))
    }
}

#[cfg(test)]
mod tests {
    use super::ScheduleTable;
    use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
    use std::cell::Cell;

    fn table(zone: &str) -> ScheduleTable {
        let mut hours: [Vec<(u32, u32)>; 7] = Default::default();
        for day in hours.iter_mut().take(5) {
            day.push((8 * 60, 12 * 60));
            day.push((12 * 60 + 30, 18 * 60));
        }
        hours[5].push((9 * 60, 13 * 60));
        hours[6].push((0, 1440));
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        ScheduleTable {
            name: "Hours".into(),
            zone: zone.parse().unwrap(),
            hours,
            closed: vec![(d(3, 30), d(3, 30)), (d(10, 26), d(10, 27)), (d(12, 25), d(12, 26))],
            last: Cell::new(None),
            last_run: Cell::new(None),
        }
    }

    /// The cached answers equal fresh ones, in time order and out of it, across both
    /// daylight-saving changes, holidays, range boundaries and midnights.
    #[test]
    fn cached_answers_match_fresh_ones() {
        for zone in ["Europe/Amsterdam", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"] {
            let t = table(zone);
            let mut instants: Vec<NaiveDateTime> = Vec::new();
            for (m, d) in [(3, 27), (10, 23), (11, 1), (12, 24)] {
                let start = NaiveDate::from_ymd_opt(2026, m, d).unwrap().and_hms_opt(0, 0, 0).unwrap();
                // Steps of 7 min 13.000001 s for four days, plus the microseconds around each step.
                for i in 0..800 {
                    let at = start + TimeDelta::microseconds(i * 433_000_001);
                    instants.extend([at - TimeDelta::microseconds(1), at, at + TimeDelta::microseconds(1)]);
                }
            }
            for at in &instants {
                assert_eq!(t.at_utc(*at), t.at_utc_uncached(*at), "{zone} at {at} UTC, in order");
            }
            let mut x: u64 = 0x2545_f491_4f6c_dd1d;
            for _ in 0..20_000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let at = instants[(x % instants.len() as u64) as usize];
                assert_eq!(t.at_utc(at), t.at_utc_uncached(at), "{zone} at {at} UTC, shuffled");
            }
        }
    }

    /// Answers by the run's clock equal fresh ones: runs that start on a whole second and
    /// between two microseconds, read in time order (as a simulation does) and out of it, with
    /// a second run's start in between.
    #[test]
    fn run_time_answers_match_fresh_ones() {
        for zone in ["Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe"] {
            let t = table(zone);
            let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap().and_hms_opt(0, 0, 0).unwrap();
            let starts = [day(3, 27), day(10, 23) + TimeDelta::nanoseconds(500), day(12, 24)];
            let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
            for round in 0..2 {
                for start in starts {
                    for i in 0..3_000i64 {
                        let now = if round == 0 {
                            i * 115_000_001
                        } else {
                            x ^= x << 13;
                            x ^= x >> 7;
                            x ^= x << 17;
                            (x % 345_000_000_000) as i64
                        };
                        let fresh = t.at_utc_uncached(start + TimeDelta::microseconds(now));
                        assert_eq!(t.at_run_time(start, now), fresh, "{zone} from {start}, {now} µs");
                    }
                }
            }
        }
    }
}
