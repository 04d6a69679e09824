//! One queue: its waiting entries by skill class, its idle agents, its counters.

use super::agent::{Agent, IdleItem};
use super::entry::Entries;
use super::ewt::HandleStats;
use super::{AgentId, PositionKey, SkillSet};
use crate::fast_hash::FastMap;
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
    /// No available agent can take these entries ([`Queue::servable`] found none). Whether a
    /// class can be served depends only on its skills, its owner and the idle agents — not on
    /// which entry is at its head — so it stays blocked until an agent who can take it becomes
    /// available (`Queue::mark_for` clears it): agents leaving never unblock a class.
    blocked: bool,
    /// Index in `Queue::candidates`, or `u32::MAX` when the class is not a candidate.
    cand_pos: u32,
}

/// Up to this many classes, `class_for` compares them in turn rather than hashing.
const FEW_CLASSES: usize = 8;

/// Stale idle items tolerated in a queue with skilled classes (see `push_idle`).
const SKILLED_SLACK: usize = 4;

impl SkillClass {
    fn new(skills: SkillSet, owner: Option<AgentId>) -> SkillClass {
        SkillClass { skills, owner, heap: BinaryHeap::new(), live: 0, blocked: false, cand_pos: u32::MAX }
    }

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

fn mark(classes: &mut [SkillClass], candidates: &mut Vec<u32>, c: u32) {
    let class = &mut classes[c as usize];
    if class.cand_pos == u32::MAX {
        class.cand_pos = candidates.len() as u32;
        candidates.push(c);
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Queue {
    pub(crate) name: String,
    /// Skills the queue declares in `center.yaml`; kept for the interpreter, not applied here.
    pub(crate) default_skills: SkillSet,
    pub(crate) classes: Vec<SkillClass>,
    /// The classes routing looks at: every class with waiting entries that an available agent may
    /// be able to take. A class leaves when routing finds it empty or unservable, and comes back
    /// when an entry joins it or an agent who can take it becomes available — so a queue with a
    /// hundred skill classes, most waiting for a busy skill, routes in time proportional to the
    /// few that might be served, not to all of them.
    pub(crate) candidates: Vec<u32>,
    /// Classes by (skills, owner), for `class_for`.
    class_index: FastMap<(SkillSet, Option<AgentId>), u32>,
    /// Unowned skilled classes by their lowest skill: an agent can take a class only if it has
    /// that skill, so a newly available agent looks only under its own skills.
    by_low_skill: Vec<Vec<u32>>,
    /// Owned classes by owner.
    by_owner: FastMap<u32, Vec<u32>>,
    pub(crate) waiting: usize,
    /// The waiting entries in serving order, for positions (`waiting` entries, always).
    pub(crate) order: super::waiting_order::WaitingOrder,
    pub(crate) idle: BinaryHeap<IdleItem>,
    /// The skills every agent of the queue has. A class that needs no more than these can take
    /// the idle heap's top, as an unskilled class does, instead of scanning the heap for an agent
    /// with its skills: in acme x100 every Support agent has `support`, and that scan, over a
    /// heap of hundreds of idle agents, was 7% of the run. Agents join queues and never leave
    /// them, and their skills do not change, so this only narrows (`Acd::push_agent`).
    pub(crate) common_skills: SkillSet,
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
            classes: vec![SkillClass::new(SkillSet::EMPTY, None)],
            candidates: Vec::new(),
            class_index: [((SkillSet::EMPTY, None), 0)].into_iter().collect(),
            by_low_skill: Vec::new(),
            by_owner: FastMap::default(),
            waiting: 0,
            order: Default::default(),
            idle: BinaryHeap::new(),
            common_skills: SkillSet::ALL,
            available: 0,
            staffed: 0,
            ready_pos: u32::MAX,
            stats: HandleStats::default(),
        }
    }

    pub(crate) fn class_for(&mut self, skills: SkillSet, owner: Option<AgentId>) -> u32 {
        // A few classes are compared directly (the usual case); the map serves the many.
        let found = if self.classes.len() <= FEW_CLASSES {
            self.classes.iter().position(|c| c.skills == skills && c.owner == owner).map(|c| c as u32)
        } else {
            self.class_index.get(&(skills, owner)).copied()
        };
        if let Some(c) = found {
            return c;
        }
        let c = self.classes.len() as u32;
        self.classes.push(SkillClass::new(skills, owner));
        self.class_index.insert((skills, owner), c);
        match (owner, skills.each().next()) {
            (Some(o), _) => self.by_owner.entry(o.0).or_default().push(c),
            (None, Some(low)) => {
                if self.by_low_skill.len() <= low {
                    self.by_low_skill.resize_with(low + 1, Vec::new);
                }
                self.by_low_skill[low].push(c);
            }
            (None, None) => {}
        }
        c
    }

    /// An entry joined class `c`: a candidate for routing unless no available agent can take it.
    pub(crate) fn mark(&mut self, c: u32) {
        if !self.classes[c as usize].blocked {
            mark(&mut self.classes, &mut self.candidates, c);
        }
    }

    /// Takes class `c` out of the candidates (routing found it empty or unservable).
    pub(crate) fn unmark(&mut self, c: u32) {
        let pos = std::mem::replace(&mut self.classes[c as usize].cand_pos, u32::MAX);
        if pos == u32::MAX {
            return;
        }
        self.candidates.swap_remove(pos as usize);
        if let Some(&moved) = self.candidates.get(pos as usize) {
            self.classes[moved as usize].cand_pos = pos;
        }
    }

    /// Unblocks the classes the newly available `agent` can take, and makes those with waiting
    /// entries candidates.
    fn mark_for(&mut self, agent: u32, agents: &[Agent]) {
        let skills = agents[agent as usize].skills;
        let (classes, candidates) = (&mut self.classes, &mut self.candidates);
        let mut take = |c: u32| {
            let class = &mut classes[c as usize];
            if skills.covers(class.skills) {
                class.blocked = false;
                if class.live > 0 {
                    mark(classes, candidates, c);
                }
            }
        };
        take(0);
        if self.by_low_skill.is_empty() && self.by_owner.is_empty() {
            return; // the unskilled class alone: no index to look in
        }
        for low in skills.each() {
            let Some(list) = self.by_low_skill.get(low) else { break };
            list.iter().for_each(|&c| take(c));
        }
        if let Some(list) = self.by_owner.get(&agent) {
            list.iter().for_each(|&c| take(c));
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

    /// The longest-idle available agent with `skills`. O(heap size) when some of the queue's
    /// agents lack them: the heap is ordered by idle time only, so such an entry scans it (agents
    /// per queue are tens to hundreds, contiguous). When all have them, the heap's top is the
    /// answer, as the scan would find: a live agent has one live item, so the greatest live item
    /// is the same either way.
    pub(crate) fn longest_idle_with(&mut self, skills: SkillSet, agents: &[Agent]) -> Option<IdleItem> {
        // An unskilled class asks first: it is the plain case (M/M/c), and the empty set is
        // cheaper to test than a cover.
        if skills.is_empty() || self.common_skills.covers(skills) {
            let top = self.longest_idle(agents);
            debug_assert_eq!(
                top,
                self.scan_idle(skills, agents),
                "the idle heap's top is not the longest idle"
            );
            return top;
        }
        self.scan_idle(skills, agents)
    }

    /// The longest-idle available agent with `skills`, by looking at every idle item.
    fn scan_idle(&self, skills: SkillSet, agents: &[Agent]) -> Option<IdleItem> {
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

    /// The agent for class `c` now ([`Queue::agent_for`]); when there is none, the class is
    /// blocked until an agent who can take it becomes available.
    pub(crate) fn taker(&mut self, c: usize, agents: &[Agent]) -> Option<IdleItem> {
        let class = &self.classes[c];
        if class.blocked {
            return None;
        }
        let agent = self.agent_for(class.skills, class.owner, agents);
        self.classes[c].blocked = agent.is_none();
        agent
    }

    pub(crate) fn push_idle(&mut self, item: IdleItem, agents: &[Agent]) {
        self.idle.push(item);
        self.mark_for(item.agent, agents);
        // Skilled routing scans the heap (`longest_idle_with`), so there stale items cost on
        // every look and the heap is kept tighter.
        let slack = if self.classes.len() > 1 { SKILLED_SLACK } else { STALE_SLACK };
        if self.idle.len() > 2 * self.available as usize + slack {
            self.idle.retain(|i| i.is_live(agents));
        }
    }
}
