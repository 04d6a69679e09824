//! Agents' talk time (calls and callbacks): in total per agent, and — when the run reports
//! intervals — per agent and reporting interval, split at the intervals' edges, so occupancy per
//! agent group can be shown interval by interval.

use crate::acd::AgentId;
use crate::time::Micros;

/// The most intervals kept; later talk folds into the last (as the simulator's own figures).
const MAX_INTERVALS: usize = 1 << 16;

#[derive(Debug, Default)]
pub struct AgentTalk {
    /// All agents' talk together.
    total: Micros,
    /// By agent id (agents who never talked may be missing at the end).
    per_agent: Vec<Micros>,
    /// The reporting interval's length; 0: talk is not kept per interval.
    interval_len: Micros,
    /// `[interval][agent id]`, grown as talk reaches later intervals and higher ids.
    per_interval: Vec<Vec<Micros>>,
}

impl AgentTalk {
    /// Keeps talk per interval of `len` from now on.
    pub fn by_interval(&mut self, len: Micros) {
        self.interval_len = len.max(0);
    }

    /// `agent` talked from `from` to `to`.
    pub fn add(&mut self, agent: AgentId, from: Micros, to: Micros) {
        let d = (to - from).max(0);
        self.total += d;
        let a = agent.0 as usize;
        if self.per_agent.len() <= a {
            self.per_agent.resize(a + 1, 0);
        }
        self.per_agent[a] += d;
        let len = self.interval_len;
        if len == 0 || d == 0 {
            return;
        }
        let mut t = from.max(0);
        while t < to {
            let i = usize::try_from(t / len).unwrap_or(usize::MAX).min(MAX_INTERVALS - 1);
            let edge = if i == MAX_INTERVALS - 1 { to } else { ((t / len) + 1) * len };
            let piece = edge.min(to) - t;
            if self.per_interval.len() <= i {
                self.per_interval.resize_with(i + 1, Vec::new);
            }
            let row = &mut self.per_interval[i];
            if row.len() <= a {
                row.resize(a + 1, 0);
            }
            row[a] += piece;
            t += piece;
        }
    }

    pub fn total(&self) -> Micros {
        self.total
    }

    /// Talk per agent id.
    pub fn per_agent(&self) -> &[Micros] {
        &self.per_agent
    }

    /// Talk per agent id within interval `i` (empty when nobody talked in it).
    pub fn in_interval(&self, i: usize) -> &[Micros] {
        self.per_interval.get(i).map_or(&[], Vec::as_slice)
    }

    /// The intervals with any talk kept (the last one with talk, plus one).
    pub fn intervals(&self) -> usize {
        self.per_interval.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn talk_is_split_at_the_intervals_edges() {
        let mut t = AgentTalk::default();
        t.by_interval(100);
        t.add(AgentId(2), 50, 260);
        t.add(AgentId(0), 10, 20);
        assert_eq!(t.total(), 220);
        assert_eq!(t.per_agent(), &[10, 0, 210]);
        assert_eq!(t.in_interval(0), &[10, 0, 50]);
        assert_eq!(t.in_interval(1), &[0, 0, 100]);
        assert_eq!(t.in_interval(2), &[0, 0, 60]);
        assert!(t.in_interval(3).is_empty());
        assert_eq!(t.intervals(), 3);
    }

    #[test]
    fn without_intervals_only_totals_are_kept() {
        let mut t = AgentTalk::default();
        t.add(AgentId(1), 0, 1_000);
        assert_eq!((t.total(), t.intervals()), (1_000, 0));
    }
}
