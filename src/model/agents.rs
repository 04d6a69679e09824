//! Who answers in a run: a number of identical agents, the `center.yaml` roster, or groups.

use crate::time::Micros;

/// Which agents answer.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentsSpec {
    /// This many identical agents, each a member of every queue, with no skills and no wrap-up.
    Count(u32),
    /// The agents of `center.yaml`.
    Roster,
    /// Groups of identical agents.
    List(Vec<AgentGroup>),
}

impl AgentsSpec {
    /// For one traced call or a flow test: the center.yaml roster if it has agents, else one agent.
    pub fn roster_or_one(center: Option<&crate::model::center::Center>) -> AgentsSpec {
        match center {
            Some(c) if !c.agents.is_empty() => AgentsSpec::Roster,
            _ => AgentsSpec::Count(1),
        }
    }
}

/// A group of identical agents.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentGroup {
    pub name: String,
    pub count: u32,
    /// Queues the group takes calls from; empty: every queue.
    pub queues: Vec<String>,
    pub skills: Vec<String>,
    pub wrap_up: Micros,
    /// When the group works, every day; `None`: logged in all the time.
    pub shift: Option<Shift>,
    /// The chance that one of its agents is away a whole day (sickness, leave: the unplanned
    /// shrinkage a roster's breaks do not show), drawn per agent and day; 0 for none.
    pub absence: f64,
}

/// A daily shift in local wall-clock seconds since midnight, with its breaks and lunches
/// (`[start, end)`, within the shift). A shift that ends before it starts runs past midnight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub start: u32,
    pub end: u32,
    /// (start, length) in seconds, in the order of the day.
    pub breaks: Vec<(u32, u32)>,
    /// The days of the week the shift is worked: bit 0 Monday … bit 6 Sunday ([`EVERY_DAY`]
    /// unless `days` says otherwise). A night shift's hours after midnight belong to the day it
    /// started.
    pub days: u8,
}

/// Every day of the week, as [`Shift::days`].
pub const EVERY_DAY: u8 = 0x7f;

/// The days of the week, Monday first; `parse_days` reads each by its first three letters too.
const DAY_NAMES: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

impl Shift {
    /// Whether an agent on this shift is logged in and not on a break at `secs` since midnight.
    pub fn working_at(&self, secs: u32) -> bool {
        let on_shift = if self.start <= self.end {
            (self.start..self.end).contains(&secs)
        } else {
            secs >= self.start || secs < self.end
        };
        on_shift && !self.breaks.iter().any(|&(b, len)| (b..b + len).contains(&secs))
    }

    /// Reads `08:00-16:30` (local time; an end before the start runs past midnight), no breaks yet.
    /// The error says what is wrong, for the reader to place.
    pub fn parse(text: &str) -> Result<Shift, String> {
        let bad = |why: &str| format!("`{text}` is not a shift: {why}");
        let (a, b) = text.split_once('-').ok_or_else(|| bad("no `-` between start and end"))?;
        let start = clock(a.trim()).ok_or_else(|| bad("the start is not HH:MM"))?;
        let end = clock(b.trim()).ok_or_else(|| bad("the end is not HH:MM"))?;
        if start == end {
            return Err(bad("it starts when it ends"));
        }
        Ok(Shift { start, end, breaks: Vec::new(), days: EVERY_DAY })
    }

    /// Reads the days a shift is worked, as the flow language's schedules write them: days and
    /// ranges (`mon..fri`, `fri..mon` wraps) separated by `,`, `;` or spaces: `mon..fri`,
    /// `mon..fri, sat`, `sat;sun`. The error says what is wrong, for the reader to place.
    pub fn parse_days(text: &str) -> Result<u8, String> {
        let day = |t: &str| {
            let t = t.trim().to_ascii_lowercase();
            DAY_NAMES.iter().position(|d| *d == t || d[..3] == t)
        };
        let mut days = 0u8;
        for part in text.split([',', ';', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
            let unknown = |t: &str| {
                format!(
                    "`{t}` is not a day; write mon, tue, wed, thu, fri, sat or sun, or a range such as mon..fri"
                )
            };
            match part.split_once("..") {
                Some((a, b)) => {
                    let a = day(a).ok_or_else(|| unknown(a.trim()))?;
                    let b = day(b).ok_or_else(|| unknown(b.trim()))?;
                    let mut d = a;
                    loop {
                        days |= 1 << d;
                        if d == b {
                            break;
                        }
                        d = (d + 1) % 7;
                    }
                }
                None => days |= 1 << day(part).ok_or_else(|| unknown(part))?,
            }
        }
        if days == 0 {
            return Err("no day given: write e.g. `mon..fri`".into());
        }
        Ok(days)
    }

    /// Whether an agent on this shift is logged in and not on a break on `weekday` (0 Monday … 6
    /// Sunday) at `secs` since midnight.
    pub fn working_on(&self, weekday: u32, secs: u32) -> bool {
        // After midnight, a night shift is still the day before's.
        let day = if self.start > self.end && secs < self.end { (weekday + 6) % 7 } else { weekday % 7 };
        self.days & (1 << day) != 0 && self.working_at(secs)
    }

    /// Adds a break written `12:00 30m` (its start and length): within the shift, overlapping no
    /// other. The breaks stay in the order of the shift's day.
    pub fn add_break(&mut self, text: &str) -> Result<(), String> {
        let wrong = |why: &str| format!("`{text}` is not a break: {why}");
        let (at, len) = text.trim().split_once(' ').ok_or_else(|| wrong("no length after the start"))?;
        let at = clock(at.trim()).ok_or_else(|| wrong("the start is not HH:MM"))?;
        let len =
            crate::time::parse_duration(len.trim()).map_err(|e| wrong(&e))? / crate::time::MICROS_PER_SEC;
        if len <= 0 {
            return Err(wrong("it lasts no time"));
        }
        let len = u32::try_from(len).map_err(|_| wrong("it is longer than a day"))?;
        let start = self.start;
        let into = |t: u32| (t + 86_400 - start) % 86_400;
        let shift_len = into(self.end);
        let offset = into(at);
        if u64::from(offset) + u64::from(len) > u64::from(shift_len) {
            let fmt = |t: u32| format!("{:02}:{:02}", t / 3600, t / 60 % 60);
            return Err(wrong(&format!("it is not within the shift {}-{}", fmt(self.start), fmt(self.end))));
        }
        if let Some(&(other, _)) =
            self.breaks.iter().find(|&&(o, ol)| offset < into(o) + ol && into(o) < offset + len)
        {
            return Err(wrong(&format!(
                "it overlaps the break at {:02}:{:02}",
                other / 3600,
                other / 60 % 60
            )));
        }
        self.breaks.push((at, len));
        self.breaks.sort_by_key(|&(b, _)| into(b));
        Ok(())
    }

    /// The moments of the day (seconds since midnight, sorted) at which [`working_at`](Shift::working_at)
    /// may change.
    pub fn changes(&self) -> Vec<u32> {
        let mut at: Vec<u32> = vec![self.start, self.end];
        for &(b, len) in &self.breaks {
            at.push(b);
            at.push((b + len) % 86_400);
        }
        at.sort_unstable();
        at.dedup();
        at
    }
}

/// `HH:MM` as seconds since midnight.
fn clock(text: &str) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && text.len() <= 5).then_some(h * 3600 + m * 60)
}

impl AgentsSpec {
    /// The number of agents, when the scenario says (`None` for the roster).
    pub fn count(&self) -> Option<u32> {
        match self {
            AgentsSpec::Count(n) => Some(*n),
            AgentsSpec::Roster => None,
            AgentsSpec::List(groups) => Some(groups.iter().fold(0u32, |n, g| n.saturating_add(g.count))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_as_schedules_write_them() {
        assert_eq!(Shift::parse_days("mon..fri"), Ok(0b001_1111));
        assert_eq!(Shift::parse_days("mon..fri, sat"), Ok(0b011_1111));
        assert_eq!(Shift::parse_days("Sat;SUNDAY"), Ok(0b110_0000));
        assert_eq!(Shift::parse_days("fri..mon"), Ok(0b111_0001), "a range wraps over the weekend");
        assert_eq!(Shift::parse_days("wed"), Ok(0b000_0100));
        assert!(Shift::parse_days("").unwrap_err().contains("no day given"));
        assert!(Shift::parse_days("mon..funday").unwrap_err().contains("`funday` is not a day"));
    }

    /// A night shift's hours after midnight are the day it started: Friday's 22:00-06:00 is
    /// worked into Saturday morning, and Sunday night's shift (not worked) is not.
    #[test]
    fn a_night_shift_belongs_to_the_day_it_starts() {
        let mut night = Shift::parse("22:00-06:00").unwrap();
        night.days = Shift::parse_days("mon..fri").unwrap();
        let (fri, sat, sun, mon) = (4, 5, 6, 0);
        assert!(night.working_on(fri, 23 * 3600));
        assert!(night.working_on(sat, 3600), "Friday's shift, after midnight");
        assert!(!night.working_on(sat, 23 * 3600));
        assert!(!night.working_on(mon, 3600), "Sunday's shift is not worked");
        assert!(night.working_on(mon, 23 * 3600));
        assert!(!night.working_on(sun, 12 * 3600));
    }
}
