//! Agent groups with shifts and breaks (`shift: 08:00-16:30`, `breaks: ["12:00 30m"]`): who is
//! logged in when, applied to the ACD at each change of the day, and the scheduled staff per
//! interval for the report.
//!
//! Times are local wall-clock times of the scenario's start day, repeated every 24 hours of
//! simulated time (a daylight-saving change during a run shifts them by the hour). An agent who is
//! talking when a break or the end of the shift comes finishes the call first: they take no new
//! call from that moment, and the break still ends on time.

use super::local_clock::LocalClock;
use crate::acd::{Acd, AgentId, AgentState};
use crate::model::{AgentsSpec, Shift};
use crate::time::{MICROS_PER_SEC, Micros};
use chrono::Timelike;

const DAY: u64 = 86_400;

/// The shifts of a scenario's agent groups, and who is absent which day.
pub(super) struct Roster {
    /// Each agent with a shift or an absence rate, and the index of its group.
    agents: Vec<(AgentId, usize)>,
    groups: Vec<Group>,
    /// Agents without a shift or absence: always logged in.
    always: u32,
    /// Every moment of the day (seconds since midnight) at which someone's state may change.
    changes: Vec<u32>,
    /// The start of the run, in seconds since local midnight.
    start_tod: u64,
    /// The weekday of the run's first day (0 Monday … 6 Sunday): shifts may be worked on some
    /// days only (`days: mon..fri`).
    first_weekday: u32,
    /// The run's seed: who is absent on a day is drawn from it (not from the run's stream, so a
    /// roster without absence leaves every other draw where it was).
    seed: u64,
    /// Shifts are in local wall-clock time, which a daylight-saving change moves against the
    /// run's elapsed time.
    clock: LocalClock,
}

/// One agent group as the roster sees it.
struct Group {
    /// `None`: logged in all day.
    shift: Option<Shift>,
    count: u32,
    /// The chance that one of its agents is away for a whole day.
    absence: f64,
    /// The group's first agent; its agents are consecutive.
    first: u32,
}

impl Group {
    /// Whether the group works on `weekday` (0 Monday … 6 Sunday) at `tod` seconds after midnight.
    fn working_at(&self, weekday: u32, tod: u32) -> bool {
        self.shift.as_ref().is_none_or(|s| s.working_on(weekday, tod))
    }
}

impl Roster {
    /// `None` when no group has a shift or absence (the agents are logged in all the time).
    pub(super) fn new(
        spec: &AgentsSpec,
        start: chrono::NaiveDateTime,
        seed: u64,
        clock: LocalClock,
    ) -> Option<Roster> {
        let AgentsSpec::List(list) = spec else { return None };
        if list.iter().all(|g| g.shift.is_none() && g.absence <= 0.0) {
            return None;
        }
        let (mut agents, mut groups, mut always, mut next) = (Vec::new(), Vec::new(), 0, 0u32);
        for g in list {
            if g.shift.is_some() || g.absence > 0.0 {
                for i in 0..g.count {
                    agents.push((AgentId(next + i), groups.len()));
                }
                groups.push(Group {
                    shift: g.shift.clone(),
                    count: g.count,
                    absence: g.absence,
                    first: next,
                });
            } else {
                always += g.count;
            }
            next += g.count;
        }
        let mut changes: Vec<u32> =
            groups.iter().filter_map(|g| g.shift.as_ref()).flat_map(|s| s.changes()).collect();
        if groups.iter().any(|g| g.absence > 0.0) {
            changes.push(0); // who is away changes at midnight
        }
        changes.sort_unstable();
        changes.dedup();
        Some(Roster {
            agents,
            groups,
            always,
            changes,
            start_tod: u64::from(start.num_seconds_from_midnight()),
            first_weekday: chrono::Datelike::weekday(&start).num_days_from_monday(),
            seed,
            clock,
        })
    }

    /// Local seconds since the first day's midnight at virtual time `now`.
    fn local_secs(&self, now: Micros) -> u64 {
        self.start_tod + (self.clock.local(now.max(0)).max(0) as u64) / MICROS_PER_SEC as u64
    }

    fn time_of_day(&self, now: Micros) -> u32 {
        (self.local_secs(now) % DAY) as u32
    }

    /// The day `now` falls on, counted from the run's first day.
    fn day(&self, now: Micros) -> u64 {
        self.local_secs(now) / DAY
    }

    /// The weekday (0 Monday … 6 Sunday) of the run's `day`-th day.
    fn weekday(&self, day: u64) -> u32 {
        ((u64::from(self.first_weekday) + day) % 7) as u32
    }

    /// Whether `agent` (of a group with this absence rate) is away all of `day`: a SplitMix64
    /// draw of the seed, the agent and the day.
    fn absent(&self, agent: u32, absence: f64, day: u64) -> bool {
        if absence <= 0.0 {
            return false;
        }
        let mut z = self.seed
            ^ u64::from(agent).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ day.wrapping_mul(0xD1B5_4A32_D192_ED03);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 / (1u64 << 53) as f64) < absence
    }

    /// The first change strictly after `now`.
    pub(super) fn next_change(&self, now: Micros) -> Option<Micros> {
        let secs = self.local_secs(now);
        let day = secs - secs % DAY;
        // The virtual time the local clock first shows `abs` (seconds since the first midnight).
        let at = |abs: u64| self.clock.virtual_at((abs - self.start_tod) as Micros * MICROS_PER_SEC);
        self.changes
            .iter()
            .map(|&c| day + u64::from(c))
            .find(|&abs| abs >= self.start_tod && at(abs) > now)
            .or_else(|| self.changes.first().map(|&c| day + DAY + u64::from(c)))
            .map(at)
    }

    /// Puts every agent with a shift or absence in the state the schedule says at `now`: logged
    /// in and available, or not available (before or after the shift, on a break, away today).
    /// Someone on a call stays on it; back from a break during a long call, they are busy until
    /// it ends.
    pub(super) fn apply(&self, acd: &mut Acd, now: Micros) {
        let (tod, day) = (self.time_of_day(now), self.day(now));
        for &(agent, g) in &self.agents {
            let group = &self.groups[g];
            let working =
                group.working_at(self.weekday(day), tod) && !self.absent(agent.0, group.absence, day);
            let state = acd.agent_state(agent);
            let want = match (working, state) {
                (false, AgentState::NotAvailable) | (true, AgentState::Available) => continue,
                (false, _) => AgentState::NotAvailable,
                (true, AgentState::NotAvailable) if acd.agent_on_call(agent) => AgentState::Busy,
                (true, AgentState::NotAvailable) => AgentState::Available,
                // Working and already busy, alerting or in wrap-up: nothing to change.
                (true, _) => continue,
            };
            // The schedule only asks for changes the ACD allows (an agent on a call is never
            // made available); a refusal leaves the agent as they are.
            let _ = acd.set_state(agent, want, now);
        }
    }

    /// Agents scheduled to work (logged in, not on a break, not away), on average over
    /// `[from, to)`: sampled in the middle of each minute, exact for shifts and breaks on whole
    /// minutes.
    pub(super) fn scheduled(&self, from: Micros, to: Micros) -> f64 {
        let working: f64 = (0..self.groups.len()).map(|g| self.group_working(g, from, to)).sum();
        working + f64::from(self.always)
    }

    /// Group `g`'s agents at work on average over `[from, to)` (the agents' share of the time,
    /// summed over the group).
    pub(super) fn group_working(&self, g: usize, from: Micros, to: Micros) -> f64 {
        let group = &self.groups[g];
        let minute = 60 * MICROS_PER_SEC;
        let (mut on, mut n) = (0u64, 0u64);
        let mut t = from + minute / 2;
        // Who is away only changes at midnight: count them once per day met.
        let mut present: Option<(u64, u32)> = None;
        while t < to {
            let day = self.day(t);
            if group.working_at(self.weekday(day), self.time_of_day(t)) {
                let here = match present {
                    Some((d, k)) if d == day => k,
                    _ => {
                        let k = (group.first..group.first + group.count)
                            .filter(|&a| !self.absent(a, group.absence, day))
                            .count() as u32;
                        present = Some((day, k));
                        k
                    }
                };
                on += u64::from(here);
            }
            n += 1;
            t += minute;
        }
        if n == 0 { f64::from(group.count) } else { on as f64 / n as f64 }
    }

    /// The roster's group `agent` belongs to (agents without a shift or absence belong to none).
    pub(super) fn group_of_agent(&self, agent: u32) -> Option<usize> {
        self.groups.iter().position(|g| (g.first..g.first + g.count).contains(&agent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AgentGroup;

    fn roster() -> Roster {
        let shift = Shift {
            start: 8 * 3600,
            end: 17 * 3600,
            breaks: vec![(12 * 3600, 1800)],
            days: crate::model::EVERY_DAY,
        };
        let groups = vec![
            AgentGroup {
                name: "day".into(),
                count: 2,
                queues: vec![],
                skills: vec![],
                wrap_up: 0,
                shift: Some(shift),
                absence: 0.0,
            },
            AgentGroup {
                name: "all".into(),
                count: 1,
                queues: vec![],
                skills: vec![],
                wrap_up: 0,
                shift: None,
                absence: 0.0,
            },
        ];
        let start = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(7, 0, 0).unwrap();
        Roster::new(&AgentsSpec::List(groups), start, 1, LocalClock::fixed()).expect("shifts")
    }

    #[test]
    fn changes_come_in_order_and_repeat_daily() {
        let r = roster();
        let h = 3600 * MICROS_PER_SEC;
        assert_eq!(r.next_change(0), Some(h)); // 08:00
        assert_eq!(r.next_change(h), Some(5 * h)); // 12:00
        assert_eq!(r.next_change(5 * h), Some(5 * h + h / 2)); // 12:30
        assert_eq!(r.next_change(5 * h + h / 2), Some(10 * h)); // 17:00
        assert_eq!(r.next_change(10 * h), Some(25 * h)); // 08:00 the next day
    }

    #[test]
    fn the_lunch_shows_in_the_scheduled_staff() {
        let r = roster();
        let h = 3600 * MICROS_PER_SEC;
        assert_eq!(r.scheduled(0, h), 1.0); // 07:00-08:00: only the always-on agent
        assert_eq!(r.scheduled(h, 2 * h), 3.0);
        assert_eq!(r.scheduled(5 * h, 5 * h + h / 2), 1.0); // 12:00-12:30: lunch
        assert_eq!(r.scheduled(5 * h, 6 * h), 2.0); // half the hour at lunch
    }

    /// A group that works `mon..fri` is not scheduled at the weekend; the run starts on a Friday.
    #[test]
    fn a_weekday_group_is_off_at_the_weekend() {
        let mut shift = Shift::parse("08:00-17:00").unwrap();
        shift.days = Shift::parse_days("mon..fri").unwrap();
        let group = AgentGroup {
            name: "week".into(),
            count: 5,
            queues: vec![],
            skills: vec![],
            wrap_up: 0,
            shift: Some(shift),
            absence: 0.0,
        };
        // Friday 4 December 2026, 00:00.
        let start = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let r = Roster::new(&AgentsSpec::List(vec![group]), start, 1, LocalClock::fixed()).unwrap();
        let h = 3600 * MICROS_PER_SEC;
        let day = 24 * h;
        assert_eq!(r.scheduled(10 * h, 11 * h), 5.0); // Friday
        assert_eq!(r.scheduled(day + 10 * h, day + 11 * h), 0.0); // Saturday
        assert_eq!(r.scheduled(2 * day + 10 * h, 2 * day + 11 * h), 0.0); // Sunday
        assert_eq!(r.scheduled(3 * day + 10 * h, 3 * day + 11 * h), 5.0); // Monday
        let mut acd = Acd::new();
        let q = acd.add_queue("Q");
        let spec = |i: u32| crate::acd::AgentSpec {
            name: format!("a{i}"),
            skills: vec![],
            queues: vec![q],
            wrap_up: 0,
        };
        (0..5).for_each(|i| {
            acd.add_agent(spec(i));
        });
        r.apply(&mut acd, day + 10 * h);
        assert_eq!(acd.agent_state(AgentId(0)), AgentState::NotAvailable, "Saturday 10:00");
        r.apply(&mut acd, 3 * day + 10 * h);
        assert_eq!(acd.agent_state(AgentId(0)), AgentState::Available, "Monday 10:00");
    }

    #[test]
    fn a_tenth_of_the_agents_are_away_each_day() {
        let group = |absence| AgentGroup {
            name: "g".into(),
            count: 2000,
            queues: vec![],
            skills: vec![],
            wrap_up: 0,
            shift: None,
            absence,
        };
        let start = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(8, 0, 0).unwrap();
        let r = Roster::new(&AgentsSpec::List(vec![group(0.1)]), start, 7, LocalClock::fixed())
            .expect("absence makes a roster");
        let h = 3600 * MICROS_PER_SEC;
        let today = r.scheduled(0, h);
        assert!((1740.0..1860.0).contains(&today), "{today} of 2000 at work");
        // Another day, others away; midnight is a change.
        assert_ne!(r.scheduled(24 * h, 25 * h), today);
        assert_eq!(r.next_change(0), Some(16 * h));
        assert!(Roster::new(&AgentsSpec::List(vec![group(0.0)]), start, 7, LocalClock::fixed()).is_none());
    }
}
