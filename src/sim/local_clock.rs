//! The run's time against the local wall clock of its zone.
//!
//! A run advances in real elapsed time (virtual microseconds from its start), and its report
//! labels each interval with the local time it really began. A forecast's intervals and a
//! roster's shifts are written in local wall-clock time, which jumps at a daylight-saving change:
//! after the autumn change, 08:00 on Monday comes 169 hours after 08:00 the Monday before, not
//! 168. Reading them by elapsed time put a week's Monday traffic and shifts an hour early, where
//! the flow's business hours (which read the zone's clock) were still closed. [`LocalClock`]
//! turns elapsed time into local wall-clock time and back, so a forecast row and a shift happen
//! when the local clock shows their time.

use crate::time::{MICROS_PER_SEC, Micros};
use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Tz;

/// How far ahead of the start the changes are looked for: a year and a month, past any forecast
/// a WFM tool exports and a day's drain.
const HORIZON_DAYS: i64 = 400;

/// Elapsed run time ↔ local wall-clock time elapsed since the start.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalClock {
    /// `(from, shift)`: from virtual time `from` on, the local clock is `shift` µs ahead of the
    /// elapsed time (how much the zone's UTC offset moved since the start); the first is `(0, 0)`
    /// and `from` increases.
    shifts: Vec<(Micros, Micros)>,
}

impl LocalClock {
    /// A clock without changes: local time is elapsed time (a zone without daylight saving, or
    /// intervals read one by one as the staffing search does).
    pub fn fixed() -> LocalClock {
        LocalClock { shifts: vec![(0, 0)] }
    }

    /// The clock of a run starting at `start` (in its zone), with every daylight-saving change
    /// of the next 400 days found to the second.
    pub fn new(start: DateTime<Tz>) -> LocalClock {
        let zone = start.timezone();
        let start = start.naive_utc();
        // The zone's UTC offset, in seconds, `secs` after the start.
        let offset = |secs: i64| {
            let at = start + chrono::TimeDelta::seconds(secs);
            zone.offset_from_utc_datetime(&at).fix().local_minus_utc()
        };
        let first = offset(0);
        let mut shifts = vec![(0, 0)];
        let day = 86_400;
        let mut last = first;
        // Offsets change at most once a day: look day by day, then narrow each change down by
        // halves to the second it happens.
        for d in 0..HORIZON_DAYS {
            let next = offset((d + 1) * day);
            if next == last {
                continue;
            }
            let (mut lo, mut hi) = (d * day, (d + 1) * day);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset(mid) == last { lo = mid } else { hi = mid }
            }
            shifts.push((hi * MICROS_PER_SEC, i64::from(next - first) * MICROS_PER_SEC));
            last = next;
        }
        LocalClock { shifts }
    }

    /// Local wall-clock time elapsed since the start at virtual time `t`.
    pub fn local(&self, t: Micros) -> Micros {
        let i = self.shifts.partition_point(|&(from, _)| from <= t).max(1) - 1;
        t + self.shifts[i].1
    }

    /// The first virtual time at which the local clock shows `local` (elapsed since the start):
    /// a local time the spring change skips is met at the change, and one the autumn change
    /// repeats is met the first time.
    pub fn virtual_at(&self, local: Micros) -> Micros {
        for (k, &(from, shift)) in self.shifts.iter().enumerate() {
            let t = local - shift;
            if t < from {
                // Skipped: the clock jumped over it at `from`.
                return from;
            }
            match self.shifts.get(k + 1) {
                Some(&(until, _)) if t >= until => continue,
                _ => return t,
            }
        }
        local
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const H: Micros = 3600 * MICROS_PER_SEC;

    /// 2026-10-`d` at `h`:00 in `zone`.
    fn at(zone: Tz, d: u32, h: u32) -> DateTime<Tz> {
        let local = NaiveDate::from_ymd_opt(2026, 10, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
        zone.from_local_datetime(&local).unwrap()
    }

    /// Amsterdam leaves summer time on Sunday 25 October 2026 at 03:00 CEST (01:00 UTC): from the
    /// Friday at 08:00 CEST (06:00 UTC), 43 elapsed hours later; Monday's 08:00 is 73 elapsed
    /// hours after Friday's, not 72.
    #[test]
    fn the_autumn_change_repeats_an_hour() {
        let c = LocalClock::new(at(chrono_tz::Europe::Amsterdam, 23, 8));
        assert_eq!(c.shifts[..2], [(0, 0), (43 * H, -H)]);
        // The spring change of 2027 and the autumn one after it are found too.
        assert_eq!(c.shifts.len(), 4);
        assert_eq!(c.local(43 * H - 1), 43 * H - 1); // 02:59:59.999999 CEST
        assert_eq!(c.local(43 * H), 42 * H); // 02:00 CET
        assert_eq!(c.virtual_at(72 * H), 73 * H); // Monday 08:00
        assert_eq!(c.virtual_at(42 * H + H / 2), 42 * H + H / 2); // 02:30, the first time
        for t in [0, 5 * H, 42 * H, 44 * H, 100 * H] {
            assert_eq!(c.virtual_at(c.local(t)), t, "{t}");
        }
    }

    /// Summer time starts on Sunday 29 March 2026 at 02:00 CET: 02:30 does not happen, and is met
    /// at the change.
    #[test]
    fn the_spring_change_skips_an_hour() {
        let start = NaiveDate::from_ymd_opt(2026, 3, 28).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let c = LocalClock::new(chrono_tz::Europe::Amsterdam.from_local_datetime(&start).unwrap());
        assert_eq!(c.shifts[..2], [(0, 0), (26 * H, H)]);
        assert_eq!(c.local(26 * H), 27 * H); // 03:00 CEST
        assert_eq!(c.virtual_at(26 * H + H / 2), 26 * H); // 02:30: at the change
        assert_eq!(c.virtual_at(32 * H), 31 * H); // 08:00
    }

    #[test]
    fn a_zone_without_changes_is_elapsed_time() {
        let c = LocalClock::new(at(chrono_tz::Etc::GMTMinus1, 23, 8));
        assert_eq!(c, LocalClock::fixed());
        assert_eq!((c.local(5 * H), c.virtual_at(5 * H)), (5 * H, 5 * H));
    }
}
