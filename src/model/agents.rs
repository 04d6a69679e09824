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
}

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
        Ok(Shift { start, end, breaks: Vec::new() })
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
