//! A queue's booking slots (seeds 001/002: the schedule grid where each slot shows how many
//! appointments are left, full or closed slots greyed out): the day in the queue's zone is cut
//! into slots of `slot_length` from midnight; a slot is open when it lies within `open_hours` on
//! an `open_days` day, and holds at most `slot_capacity` callbacks (unlimited when not set).
//! A scheduled callback takes a place in the slot its window starts in.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// The booking-slot settings of one queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotSettings {
    /// Seconds per slot; a divisor of a day is not required (the last slot of a day is shorter).
    pub length_secs: i64,
    /// Callbacks one slot takes; `None`: no limit.
    pub capacity: Option<u32>,
    /// Opening hours (start inclusive, end exclusive) in `timezone`; `None`: all day.
    pub open: Option<(NaiveTime, NaiveTime)>,
    /// Open weekdays, Monday first.
    pub days: [bool; 7],
    /// The zone the opening hours and the grid are in.
    pub timezone: Tz,
}

impl Default for SlotSettings {
    fn default() -> Self {
        SlotSettings { length_secs: 30 * 60, capacity: None, open: None, days: [true; 7], timezone: Tz::UTC }
    }
}

/// The weekday names `open_days` accepts, Monday first.
pub const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// `HH:MM-HH:MM` (the end may be `24:00`), start before end.
pub fn parse_hours(text: &str) -> Option<(NaiveTime, NaiveTime)> {
    let (a, b) = text.trim().split_once('-')?;
    let start = NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?;
    let end = match b.trim() {
        "24:00" => NaiveTime::from_hms_opt(23, 59, 59)?,
        e => NaiveTime::parse_from_str(e, "%H:%M").ok()?,
    };
    (start < end).then_some((start, end))
}

/// One slot of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Within the opening hours on an open day.
    pub open: bool,
}

impl SlotSettings {
    /// Whether any slot setting limits bookings (otherwise booking never consults slots).
    pub fn limits(&self) -> bool {
        self.capacity.is_some() || self.open.is_some() || self.days.contains(&false)
    }

    /// The slot `at` falls in.
    pub fn slot_at(&self, at: DateTime<Utc>) -> Slot {
        let local = at.with_timezone(&self.timezone).naive_local();
        let secs = i64::from(local.time().num_seconds_from_midnight());
        let index = secs / self.length_secs.max(60);
        self.slot(local.date(), index).unwrap_or(Slot { start: at, end: at, open: false })
    }

    /// Every slot of the local `date` in the queue's zone, in order.
    pub fn day(&self, date: NaiveDate) -> Vec<Slot> {
        let n = (86_400 + self.length_secs.max(60) - 1) / self.length_secs.max(60);
        (0..n).filter_map(|i| self.slot(date, i)).collect()
    }

    fn slot(&self, date: NaiveDate, index: i64) -> Option<Slot> {
        let len = self.length_secs.max(60);
        let from = index * len;
        let to = ((index + 1) * len).min(86_400);
        let local_start = date.and_hms_opt(0, 0, 0)? + chrono::Duration::seconds(from);
        let local_end = date.and_hms_opt(0, 0, 0)? + chrono::Duration::seconds(to);
        // A local time in a DST gap has no instant: that slot does not exist that day.
        let start = self.timezone.from_local_datetime(&local_start).earliest()?.with_timezone(&Utc);
        let end = self
            .timezone
            .from_local_datetime(&local_end)
            .earliest()
            .map_or(start + chrono::Duration::seconds(to - from), |e| e.with_timezone(&Utc));
        let day_open = self.days[date.weekday().num_days_from_monday() as usize];
        // Open when the whole slot lies within the hours (a close of `24:00` is 23:59:59).
        let hours_open = self.open.is_none_or(|(o, c)| {
            let end_ok =
                if to == 86_400 { c.num_seconds_from_midnight() == 86_399 } else { local_end.time() <= c };
            local_start.time() >= o && end_ok
        });
        Some(Slot { start, end, open: day_open && hours_open })
    }
}

impl serde::Serialize for SlotSettings {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("SlotSettings", 5)?;
        st.serialize_field("length_secs", &self.length_secs)?;
        st.serialize_field("capacity", &self.capacity)?;
        let hours = self.open.map(|(o, c)| format!("{}-{}", o.format("%H:%M"), c.format("%H:%M")));
        st.serialize_field("open_hours", &hours)?;
        let days: Vec<&str> = DAY_NAMES.iter().zip(self.days).filter_map(|(d, o)| o.then_some(*d)).collect();
        st.serialize_field("open_days", &days)?;
        st.serialize_field("timezone", self.timezone.name())?;
        st.end()
    }
}
