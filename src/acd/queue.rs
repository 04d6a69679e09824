//! One queue: its waiting entries by skill class, its idle agents, its counters.

use super::agent::{Agent, IdleItem};
use super::entry::Entries;
use super::ewt::HandleStats;
use super::{AgentId, PositionKey, SkillSet};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Stale heap items tolerated beyond twice the live ones before a heap is compacted. Lazy
/// deletion keeps removal O(1); this bound keeps memory and pops proportional to live items.
const STALE_SLACK: usize = 64;

/// A waiting entry in a class heap. Max-heap, so `Ord` is reversed: the greatest item is the
/// first to serve. The slot breaks ties between equal keys (only possible with keys given by the
/// caller), so the order is total and deterministic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QueueItem {
    pub(crate) key: PositionKey,
    pub(crate) slot: u32,
    pub(crate) generation: u32,
}

impl Ord for QueueItem {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.key, other.slot).cmp(&(self.key, self.slot))
    }
}

impl PartialOrd for QueueItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The entries of a queue that need the same skills.
///
/// Grouping by required skills is what keeps a skilled head from blocking the rest: routing looks
/// at the head of every class, so an entry waiting for a skill nobody free has never hides the
/// entries behind it, and no scan depth has to be bounded. Classes are few in practice (the skill
/// combinations a queue's flows ask for), so they are a `Vec` searched linearly; an emptied class
/// stays, keeping its heap's allocation for the next entry.
#[derive(Debug, Clone)]
pub(crate) struct SkillClass {
    pub(crate) skills: SkillSet,
    /// Only this agent may take these entries (an agent-owned callback in its ownership period).
    pub(crate) owner: Option<AgentId>,
    pub(crate) heap: BinaryHeap<QueueItem>,
    pub(crate) live: u32,
}

impl SkillClass {
    /// The first entry to serve, dropping stale items on the way.
    pub(crate) fn head(&mut self, entries: &Entries) -> Option<QueueItem> {
        while let Some(top) = self.heap.peek() {
            if entries.is_waiting(top.slot, top.generation) {
                return Some(*top);
            }
            self.heap.pop();
        }
        None
    }

    pub(crate) fn push(&mut self, item: QueueItem, entries: &Entries) {
        self.heap.push(item);
        if self.heap.len() > 2 * self.live as usize + STALE_SLACK {
            self.heap.retain(|i| entries.is_waiting(i.slot, i.generation));
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Queue {
    pub(crate) name: String,
    /// Skills the queue declares in `center.yaml`; kept for the interpreter, not applied here.
    pub(crate) default_skills: SkillSet,
    pub(crate) classes: Vec<SkillClass>,
    pub(crate) waiting: usize,
    /// The waiting entries in serving order, for positions (`waiting` entries, always).
    pub(crate) order: super::waiting_order::WaitingOrder,
    pub(crate) idle: BinaryHeap<IdleItem>,
    pub(crate) available: u32,
    pub(crate) staffed: u32,
    /// Index in `Acd::ready`, or `u32::MAX` when the queue cannot route now.
    pub(crate) ready_pos: u32,
    pub(crate) stats: HandleStats,
}

impl Queue {
    pub(crate) fn new(name: &str) -> Queue {
        Queue {
            name: name.to_string(),
            default_skills: SkillSet::EMPTY,
            // The unskilled class exists from the start so the common case finds it first.
            classes: vec![SkillClass {
                skills: SkillSet::EMPTY,
                owner: None,
                heap: BinaryHeap::new(),
                live: 0,
            }],
            waiting: 0,
            order: Default::default(),
            idle: BinaryHeap::new(),
            available: 0,
            staffed: 0,
            ready_pos: u32::MAX,
            stats: HandleStats::default(),
        }
    }

    pub(crate) fn class_for(&mut self, skills: SkillSet, owner: Option<AgentId>) -> u32 {
        match self.classes.iter().position(|c| c.skills == skills && c.owner == owner) {
            Some(i) => i as u32,
            None => {
                self.classes.push(SkillClass { skills, owner, heap: BinaryHeap::new(), live: 0 });
                (self.classes.len() - 1) as u32
            }
        }
    }

    /// Whether routing has anything to do here.
    pub(crate) fn can_route(&self) -> bool {
        self.waiting > 0 && self.available > 0
    }

    /// The longest-idle available agent, dropping stale items on the way.
    pub(crate) fn longest_idle(&mut self, agents: &[Agent]) -> Option<IdleItem> {
        while let Some(top) = self.idle.peek() {
            if top.is_live(agents) {
                return Some(*top);
            }
            self.idle.pop();
        }
        None
    }

    /// The longest-idle available agent with `skills`. O(heap size): the heap is ordered by idle
    /// time only, so a skilled entry scans it (agents per queue are tens to hundreds, contiguous).
    pub(crate) fn longest_idle_with(&mut self, skills: SkillSet, agents: &[Agent]) -> Option<IdleItem> {
        if skills.is_empty() {
            return self.longest_idle(agents);
        }
        self.idle
            .iter()
            .filter(|i| i.is_live(agents) && agents[i.agent as usize].skills.covers(skills))
            .max()
            .copied()
    }

    /// The agent for a class: its owner if the class has one (and the owner is available with
    /// the skills), else the longest-idle skilled agent.
    pub(crate) fn agent_for(
        &mut self,
        skills: SkillSet,
        owner: Option<AgentId>,
        agents: &[Agent],
    ) -> Option<IdleItem> {
        let Some(owner) = owner else { return self.longest_idle_with(skills, agents) };
        self.idle
            .iter()
            .find(|i| {
                i.agent == owner.0 && i.is_live(agents) && agents[i.agent as usize].skills.covers(skills)
            })
            .copied()
    }

    pub(crate) fn push_idle(&mut self, item: IdleItem, agents: &[Agent]) {
        self.idle.push(item);
        if self.idle.len() > 2 * self.available as usize + STALE_SLACK {
            self.idle.retain(|i| i.is_live(agents));
        }
    }
}
