//! Agent groups with shifts and breaks (`shift: 08:00-16:30`, `breaks: ["12:00 30m"]`): who is
//! logged in when, applied to the ACD at each change of the day, and the scheduled staff per
//! interval for the report.
//!
//! Times are local wall-clock times of the scenario's start day, repeated every 24 hours of
//! simulated time (a daylight-saving change during a run shifts them by the hour). An agent who is
//! talking when a break or the end of the shift comes finishes the call first: they take no new
//! call from that moment, and the break still ends on time.

use crate::acd::{Acd, AgentId, AgentState};
use crate::model::{AgentsSpec, Shift};
use crate::time::{MICROS_PER_SEC, Micros};
use chrono::Timelike;

const DAY: u64 = 86_400;

/// The shifts of a scenario's agent groups.
pub(super) struct Roster {
    /// Each agent with a shift, and the index of its group's shift.
    agents: Vec<(AgentId, usize)>,
    /// Each group's shift, with its agent count.
    shifts: Vec<(Shift, u32)>,
    /// Agents without a shift: always logged in.
    always: u32,
    /// Every moment of the day (seconds since midnight) at which someone's state may change.
    changes: Vec<u32>,
    /// The start of the run, in seconds since local midnight.
    start_tod: u64,
}

impl Roster {
    /// `None` when no group has a shift (the agents are logged in all the time).
    pub(super) fn new(spec: &AgentsSpec, start: chrono::NaiveDateTime) -> Option<Roster> {
        let AgentsSpec::List(groups) = spec else { return None };
        if groups.iter().all(|g| g.shift.is_none()) {
            return None;
        }
        let (mut agents, mut shifts, mut always, mut next) = (Vec::new(), Vec::new(), 0, 0u32);
        for g in groups {
            match &g.shift {
                Some(s) => {
                    for i in 0..g.count {
                        agents.push((AgentId(next + i), shifts.len()));
                    }
                    shifts.push((s.clone(), g.count));
                }
                None => always += g.count,
            }
            next += g.count;
        }
        let mut changes: Vec<u32> = shifts.iter().flat_map(|(s, _)| s.changes()).collect();
        changes.sort_unstable();
        changes.dedup();
        Some(Roster {
            agents,
            shifts,
            always,
            changes,
            start_tod: u64::from(start.num_seconds_from_midnight()),
        })
    }

    fn time_of_day(&self, now: Micros) -> u32 {
        ((self.start_tod + (now.max(0) as u64) / MICROS_PER_SEC as u64) % DAY) as u32
    }

    /// The first change strictly after `now`.
    pub(super) fn next_change(&self, now: Micros) -> Option<Micros> {
        let secs = self.start_tod + (now.max(0) as u64) / MICROS_PER_SEC as u64;
        let day = secs - secs % DAY;
        let at = |abs: u64| (abs - self.start_tod) as Micros * MICROS_PER_SEC;
        self.changes
            .iter()
            .map(|&c| day + u64::from(c))
            .find(|&abs| abs >= self.start_tod && at(abs) > now)
            .or_else(|| self.changes.first().map(|&c| day + DAY + u64::from(c)))
            .map(at)
    }

    /// Puts every agent with a shift in the state the schedule says at `now`: logged in and
    /// available, or not available (before or after the shift, on a break). Someone on a call
    /// stays on it; back from a break during a long call, they are busy until it ends.
    pub(super) fn apply(&self, acd: &mut Acd, now: Micros) {
        let tod = self.time_of_day(now);
        for &(agent, shift) in &self.agents {
            let working = self.shifts[shift].0.working_at(tod);
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

    /// Agents scheduled to work (logged in, not on a break), on average over `[from, to)`:
    /// sampled in the middle of each minute, exact for shifts and breaks on whole minutes.
    pub(super) fn scheduled(&self, from: Micros, to: Micros) -> f64 {
        let working: f64 =
            self.shifts.iter().map(|(s, c)| f64::from(*c) * self.share_working(s, from, to)).sum();
        working + f64::from(self.always)
    }

    /// The share of `[from, to)` during which `shift` works (1 for no shift).
    pub(super) fn share_working(&self, shift: &Shift, from: Micros, to: Micros) -> f64 {
        let minute = 60 * MICROS_PER_SEC;
        let (mut on, mut n) = (0u64, 0u64);
        let mut t = from + minute / 2;
        while t < to {
            on += u64::from(shift.working_at(self.time_of_day(t)));
            n += 1;
            t += minute;
        }
        if n == 0 { 1.0 } else { on as f64 / n as f64 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AgentGroup;

    fn roster() -> Roster {
        let shift = Shift { start: 8 * 3600, end: 17 * 3600, breaks: vec![(12 * 3600, 1800)] };
        let groups = vec![
            AgentGroup {
                name: "day".into(),
                count: 2,
                queues: vec![],
                skills: vec![],
                wrap_up: 0,
                shift: Some(shift),
            },
            AgentGroup {
                name: "all".into(),
                count: 1,
                queues: vec![],
                skills: vec![],
                wrap_up: 0,
                shift: None,
            },
        ];
        let start = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(7, 0, 0).unwrap();
        Roster::new(&AgentsSpec::List(groups), start).expect("shifts")
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
}
