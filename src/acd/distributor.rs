//! The automatic call distributor ([`Acd`]): queues, agents, and the routing between them.

use super::agent::{Agent, IdleItem, OnCall};
use super::entry::{Entries, EntryState};
use super::queue::{Queue, QueueItem};
use super::skills::SkillTable;
use super::{
    AcdError, AgentId, AgentSpec, AgentState, EntryId, PositionKey, QueueId, RequiredSkills, SkillSet,
};
use crate::fast_hash::FastMap;
use crate::model::center::Center;
use crate::time::{Micros, secs};
use std::collections::HashMap;

/// How a callback entry is routed (plain calls use the default: anyone eligible, assigned).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallbackRouting {
    /// Only this agent may take it (an agent-owned callback in its ownership period).
    pub owner: Option<AgentId>,
    /// [`Acd::route`] offers it (the agent is `Alerting` until [`Acd::accept`] or
    /// [`Acd::reject`]) instead of assigning it.
    pub offer: bool,
}

/// An entry handed to an agent by [`Acd::route`] or [`Acd::offer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    pub entry: EntryId,
    pub agent: AgentId,
    pub queue: QueueId,
    /// The entry's key; its `enqueued_at` is the original caller's for a callback that took over.
    pub key: PositionKey,
    /// Time this entry spent in the queue (for a take-over callback: since the take-over; the
    /// caller's whole wait is `now - key.enqueued_at`).
    pub waited: Micros,
    /// The agent is `Alerting` with the entry on offer, not yet `Busy` with it.
    pub offered: bool,
}

/// The automatic call distributor: a plain synchronous structure the interpreter and the
/// simulator drive.
///
/// It has no clock and never acts on its own: every method takes `now`, and routing happens only
/// when the driver calls [`route`](Acd::route) — after every enqueue, release, wrap-up end or
/// state change, until it answers `None`. That keeps virtual time exact and runs reproducible,
/// and lets the driver wake whoever waits for the entry.
///
/// # Routing rules
///
/// * Within a queue, entries are served in [`PositionKey`] order (priority, then original enqueue
///   time, then sequence number), each to the **longest-idle eligible agent**: idle since the
///   agent last became `Available`, ties to the lower [`AgentId`]. Eligible means a member of
///   the queue, `Available`, and having every skill the entry requires.
/// * Across queues (an agent in several queues), the entry with the best key among all entries
///   that some available agent can serve goes first: priority beats age, then the oldest enqueue
///   wins; exact ties go to the lower queue id. Each `route` call makes one assignment.
/// * An entry whose skills no available agent has stays queued without blocking anyone: entries
///   are grouped by required skill set, and routing considers the head of every group, so
///   unskilled calls behind a skilled head are served (no bounded scan, no starvation of the rest).
///
/// # Cost
///
/// With `R` queues able to route now and `C` skill classes among them: `enqueue`, `remove`,
/// `release` are O(log n) amortised (O(k log n) for an agent in k queues); `route` is
/// O(R·C·log n), plus a scan of the queue's idle agents for a skilled class. Removal is lazy
/// (generations and stamps), with heaps compacted when stale items outnumber live ones, so the
/// steady state allocates nothing.
#[derive(Debug, Clone, Default)]
pub struct Acd {
    queues: Vec<Queue>,
    queue_ids: FastMap<String, QueueId>,
    agents: Vec<Agent>,
    agent_ids: HashMap<String, AgentId>,
    skills: SkillTable,
    entries: Entries,
    /// Queues with waiting entries and available agents: `route` looks at these only, so a busy
    /// center with many empty or unstaffed queues does not pay for them.
    ready: Vec<QueueId>,
    next_seq: u64,
    /// `(agent, from, to)`: time agents worked past being sent off to finish a call, when tracked
    /// (`None`: not tracked, so a long-running server keeps no list that grows).
    worked_off: Option<Vec<(AgentId, Micros, Micros)>>,
}

/// A routing choice: the queue, the class, its head entry and the agent.
type Pick = (QueueId, u32, QueueItem, IdleItem);

/// Class `c` of queue `q`, which `agent` may take, against the best choice so far: taken when
/// its head comes first.
fn consider(
    best: &mut Option<Pick>,
    q: QueueId,
    queue: &mut Queue,
    c: usize,
    agent: IdleItem,
    entries: &Entries,
) {
    let Some(head) = queue.classes[c].head(entries) else { return };
    if let Some((bq, _, b, _)) = best
        && (b.key, *bq, b.slot) <= (head.key, q, head.slot)
    {
        return;
    }
    *best = Some((q, c as u32, head, agent));
}

/// Adds or drops `q` from the ready list after its counters changed. O(1): swap-remove with
/// back-pointers; the list's order does not matter because selection compares keys.
#[inline]
fn refresh_ready(ready: &mut Vec<QueueId>, queues: &mut [Queue], q: QueueId) {
    let want = queues[q.index()].can_route();
    let pos = queues[q.index()].ready_pos;
    if want && pos == u32::MAX {
        queues[q.index()].ready_pos = ready.len() as u32;
        ready.push(q);
    } else if !want && pos != u32::MAX {
        ready.swap_remove(pos as usize);
        if let Some(&moved) = ready.get(pos as usize) {
            queues[moved.index()].ready_pos = pos;
        }
        queues[q.index()].ready_pos = u32::MAX;
    }
}

impl Acd {
    pub fn new() -> Acd {
        Acd::default()
    }

    /// The ACD a project's `center.yaml` declares: every queue (in name order, so ids are stable)
    /// and every agent, all `Available` from the start of the run. Queue skills are interned and
    /// kept as [`queue_default_skills`](Acd::queue_default_skills), not imposed on entries: the
    /// interpreter decides when they apply.
    pub fn from_center(center: &Center) -> Result<Acd, AcdError> {
        let mut acd = Acd::new();
        for (name, config) in &center.queues {
            let q = acd.add_queue(name);
            let mut set = SkillSet::EMPTY;
            for skill in &config.skills {
                let bit = acd
                    .skills
                    .intern(skill)
                    .ok_or_else(|| AcdError::TooManySkills { owner: name.clone(), skill: skill.clone() })?;
                set = set.union(bit);
            }
            acd.queues[q.index()].default_skills = set;
        }
        for agent in &center.agents {
            let queues = agent
                .queues
                .iter()
                .map(|name| {
                    acd.queue_id(name).ok_or_else(|| AcdError::UnknownQueue {
                        agent: agent.name.clone(),
                        queue: name.clone(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            acd.try_add_agent(AgentSpec {
                name: agent.name.clone(),
                skills: agent.skills.clone(),
                queues,
                wrap_up: secs(agent.wrap_up_secs),
            })?;
        }
        Ok(acd)
    }

    /// Adds a queue, or returns the existing one of that name, so callers need not check first.
    pub fn add_queue(&mut self, name: &str) -> QueueId {
        if let Some(&q) = self.queue_ids.get(name) {
            return q;
        }
        let q = QueueId(self.queues.len() as u32);
        self.queues.push(Queue::new(name));
        self.queue_ids.insert(name.to_string(), q);
        q
    }

    /// Looked up once per flow step, not per routing decision: ids are what the hot path uses.
    pub fn queue_id(&self, name: &str) -> Option<QueueId> {
        // With a handful of queues, comparing names is cheaper than hashing one.
        if self.queues.len() <= 8 {
            return self.queues.iter().position(|q| q.name == name).map(|i| QueueId(i as u32));
        }
        self.queue_ids.get(name).copied()
    }

    pub fn queue_name(&self, queue: QueueId) -> &str {
        &self.queues[queue.index()].name
    }

    pub fn queue_count(&self) -> usize {
        self.queues.len()
    }

    /// Skills the queue declares in `center.yaml`, for the interpreter to apply where the queue
    /// settings say so (for instance a callback that does not preserve the call's skills).
    pub fn queue_default_skills(&self, queue: QueueId) -> SkillSet {
        self.queues[queue.index()].default_skills
    }

    /// Adds an agent, `Available` and idle since time 0 (the start of the run): a roster is staffed
    /// from the start unless the driver says otherwise with [`set_state`](Acd::set_state).
    ///
    /// Lenient, because a run should go on with a roster that is slightly off: a skill past
    /// [`MAX_SKILLS`](super::MAX_SKILLS) is dropped (no entry can require it satisfiably either),
    /// a queue id this ACD did not mint is ignored, a queue listed twice counts once, and a
    /// repeated name is added as another agent ([`agent_id`](Acd::agent_id) finds the first).
    /// [`try_add_agent`](Acd::try_add_agent) reports those instead.
    pub fn add_agent(&mut self, spec: AgentSpec) -> AgentId {
        let skills =
            spec.skills.iter().filter_map(|s| self.skills.intern(s)).fold(SkillSet::EMPTY, SkillSet::union);
        self.push_agent(spec, skills)
    }

    /// [`add_agent`](Acd::add_agent), refusing a repeated name, an unknown queue id, or a skill
    /// the table has no room for.
    pub fn try_add_agent(&mut self, spec: AgentSpec) -> Result<AgentId, AcdError> {
        if self.agent_ids.contains_key(&spec.name) {
            return Err(AcdError::DuplicateAgent(spec.name));
        }
        if let Some(q) = spec.queues.iter().find(|q| q.index() >= self.queues.len()) {
            return Err(AcdError::UnknownQueue { agent: spec.name, queue: format!("#{}", q.0) });
        }
        let mut skills = SkillSet::EMPTY;
        for skill in &spec.skills {
            let bit = self
                .skills
                .intern(skill)
                .ok_or_else(|| AcdError::TooManySkills { owner: spec.name.clone(), skill: skill.clone() })?;
            skills = skills.union(bit);
        }
        Ok(self.push_agent(spec, skills))
    }

    fn push_agent(&mut self, spec: AgentSpec, skills: SkillSet) -> AgentId {
        let mut queues: Vec<QueueId> = Vec::with_capacity(spec.queues.len());
        for q in spec.queues {
            if q.index() < self.queues.len() && !queues.contains(&q) {
                queues.push(q);
            }
        }
        for q in &queues {
            let queue = &mut self.queues[q.index()];
            queue.common_skills = queue.common_skills.intersection(skills);
        }
        let id = AgentId(self.agents.len() as u32);
        self.agents.push(Agent {
            name: spec.name.clone(),
            skills,
            queues,
            wrap_up: spec.wrap_up.max(0),
            state: AgentState::NotAvailable,
            idle_since: 0,
            stamp: 0,
            call: None,
            offered: None,
            wrap_until: 0,
            off_since: None,
        });
        self.agent_ids.entry(spec.name).or_insert(id);
        self.enter_state(id, AgentState::Available, 0);
        id
    }

    pub fn agent_id(&self, name: &str) -> Option<AgentId> {
        self.agent_ids.get(name).copied()
    }

    pub fn agent_name(&self, agent: AgentId) -> &str {
        &self.agents[agent.index()].name
    }

    /// The queues the agent takes calls from, in center.yaml's order.
    pub fn agent_queues(&self, agent: AgentId) -> &[QueueId] {
        self.agents.get(agent.index()).map_or(&[], |a| a.queues.as_slice())
    }

    /// The agent is a member of the queue (may take its calls).
    pub fn agent_serves(&self, agent: AgentId, queue: QueueId) -> bool {
        self.agents.get(agent.index()).is_some_and(|a| a.queues.contains(&queue))
    }

    pub fn agent_state(&self, agent: AgentId) -> AgentState {
        self.agents[agent.index()].state
    }

    /// Whether the agent is talking (whatever state presence has put them in meanwhile).
    pub fn agent_on_call(&self, agent: AgentId) -> bool {
        self.agents[agent.index()].call.is_some()
    }

    pub fn agent_count(&self) -> usize {
        self.agents.len()
    }

    /// Interns skill names once, so the simulator can enqueue with a [`SkillSet`] and skip the
    /// name lookups per call. Names past the table's capacity give an unsatisfiable set.
    pub fn skill_set<S: AsRef<str>>(&mut self, names: &[S]) -> SkillSet {
        names.resolve(&mut self.skills)
    }

    /// Whether some agent of the center has the skill: a skill computed at run time
    /// (`set Call.Skills`) that nobody has would keep the call waiting for ever. With no agents
    /// at all there is nothing to judge by (a test keeping every caller waiting), so every skill is.
    pub fn skill_is_known(&self, name: &str) -> bool {
        self.agents.is_empty()
            || self.skills.lookup(name).is_some_and(|bit| self.agents.iter().any(|a| a.skills.covers(bit)))
    }

    // ---- entries ----

    /// Puts a new call in `queue` with a fresh key (enqueued now, next sequence number). Skills
    /// are names or a pre-interned [`SkillSet`]; see [`RequiredSkills`].
    pub fn enqueue(
        &mut self,
        queue: QueueId,
        priority: i64,
        skills: impl RequiredSkills,
        now: Micros,
    ) -> EntryId {
        let skills = skills.resolve(&mut self.skills);
        let key = PositionKey { priority, enqueued_at: now, seq: self.next_seq };
        self.next_seq += 1;
        self.insert(queue, key, skills, now)
    }

    /// Puts an entry in `queue` with a key given by the caller: for a callback created elsewhere
    /// that must keep a place it earned earlier. Later fresh keys get higher sequence numbers, so
    /// they never tie with it.
    pub fn enqueue_with_key(
        &mut self,
        queue: QueueId,
        key: PositionKey,
        skills: impl RequiredSkills,
        now: Micros,
    ) -> EntryId {
        let skills = skills.resolve(&mut self.skills);
        self.next_seq = self.next_seq.max(key.seq.saturating_add(1));
        self.insert(queue, key, skills, now)
    }

    fn insert(&mut self, q: QueueId, key: PositionKey, skills: SkillSet, now: Micros) -> EntryId {
        self.insert_routed(q, key, skills, CallbackRouting::default(), now)
    }

    fn insert_routed(
        &mut self,
        q: QueueId,
        key: PositionKey,
        skills: SkillSet,
        routing: CallbackRouting,
        now: Micros,
    ) -> EntryId {
        let queue = &mut self.queues[q.index()];
        let class = queue.class_for(skills, routing.owner);
        let id = self.entries.alloc(q, class, key, now);
        if let Some(e) = self.entries.get_mut(id) {
            e.offer = routing.offer;
        }
        let queue = &mut self.queues[q.index()];
        let c = &mut queue.classes[class as usize];
        c.live += 1;
        c.push(QueueItem { key, slot: id.slot, generation: id.generation }, &self.entries);
        queue.mark(class);
        queue.waiting += 1;
        queue.order.insert(key, id.slot);
        refresh_ready(&mut self.ready, &mut self.queues, q);
        id
    }

    /// A callback takes the caller's place: the waiting `old` entry is replaced, in one step, by a
    /// new entry with the same queue, key and skills, so it is served exactly when the caller
    /// would have been. The new id differs from `old`, so the caller's later hang-up (removing
    /// `old`) cannot touch the callback. `None` if `old` is no longer waiting.
    pub fn take_over(&mut self, old: EntryId, now: Micros) -> Option<EntryId> {
        let skills = self.waiting_entry(old)?.1;
        self.take_over_with(old, skills, now)
    }

    /// [`take_over`](Acd::take_over) with other skills for the callback (a queue that does not
    /// preserve the call's skills); the key, and so the place, is still the caller's.
    pub fn take_over_with(
        &mut self,
        old: EntryId,
        skills: impl RequiredSkills,
        now: Micros,
    ) -> Option<EntryId> {
        let (entry, _) = self.waiting_entry(old)?;
        let skills = skills.resolve(&mut self.skills);
        Some(self.replace(old, entry, entry.key, skills, CallbackRouting::default(), now))
    }

    /// Puts a callback in `queue` with `key` (the place it keeps) and its routing: an owner who
    /// alone may take it, and whether the agent previews it first. Later fresh keys get higher
    /// sequence numbers, so they never tie with it.
    pub fn enqueue_callback(
        &mut self,
        queue: QueueId,
        key: PositionKey,
        skills: impl RequiredSkills,
        routing: CallbackRouting,
        now: Micros,
    ) -> EntryId {
        let skills = skills.resolve(&mut self.skills);
        self.next_seq = self.next_seq.max(key.seq.saturating_add(1));
        self.insert_routed(queue, key, skills, routing, now)
    }

    /// A callback takes the caller's waiting entry: the same queue and key (so the same place),
    /// with `skills` (the caller's when `None`) and the callback's routing. `None` if `old` is no
    /// longer waiting.
    pub fn take_over_callback(
        &mut self,
        old: EntryId,
        skills: Option<SkillSet>,
        priority: Option<i64>,
        routing: CallbackRouting,
        now: Micros,
    ) -> Option<EntryId> {
        let (entry, caller_skills) = self.waiting_entry(old)?;
        let key = PositionKey { priority: priority.unwrap_or(entry.key.priority), ..entry.key };
        Some(self.replace(old, entry, key, skills.unwrap_or(caller_skills), routing, now))
    }

    /// The waiting entry `old` (read as `entry`) gives way to a new one in its queue, with `key`.
    fn replace(
        &mut self,
        old: EntryId,
        entry: super::entry::Entry,
        key: PositionKey,
        skills: SkillSet,
        routing: CallbackRouting,
        now: Micros,
    ) -> EntryId {
        // The same key and class, as nearly every take-over has: taking the entry out and
        // putting the callback in gives it the slot the caller's entry just freed (the free list
        // is last in, first out), with the next generation, at the same place in the serving
        // order. Renewing the id in place gives exactly that without moving through a long
        // queue's order twice (2.4% of acme x100's instructions).
        let queue = &mut self.queues[entry.queue.index()];
        if key == entry.key && queue.class_for(skills, routing.owner) == entry.class {
            let id = self.entries.renew(old, routing.offer, now);
            let item = QueueItem { key, slot: id.slot, generation: id.generation };
            queue.classes[entry.class as usize].push(item, &self.entries);
            queue.mark(entry.class);
            return id;
        }
        self.remove(old, now);
        self.insert_routed(entry.queue, key, skills, routing, now)
    }

    /// A key for an entry joining `queue` now, for a callback that must keep it across retries.
    pub fn fresh_key(&mut self, priority: i64, now: Micros) -> PositionKey {
        let key = PositionKey { priority, enqueued_at: now, seq: self.next_seq };
        self.next_seq += 1;
        key
    }

    /// The skills an entry waits for, while it waits.
    pub fn entry_skills(&self, entry: EntryId) -> Option<SkillSet> {
        self.waiting_entry(entry).map(|(_, s)| s)
    }

    fn waiting_entry(&self, id: EntryId) -> Option<(super::entry::Entry, SkillSet)> {
        let e = *self.entries.get(id)?;
        (e.state == EntryState::Waiting)
            .then(|| (e, self.queues[e.queue.index()].classes[e.class as usize].skills))
    }

    /// Takes an entry out: the caller abandoned, or the flow moved them on. Answers `false` when
    /// the entry was already served or removed, because a hang-up and an assignment can cross.
    /// An entry on offer is withdrawn and the agent goes back to `Available` with its old idle
    /// time, since the agent did nothing wrong.
    pub fn remove(&mut self, entry: EntryId, _now: Micros) -> bool {
        let Some(e) = self.entries.get(entry).copied() else { return false };
        match e.state {
            EntryState::Waiting => {
                let queue = &mut self.queues[e.queue.index()];
                queue.classes[e.class as usize].live -= 1;
                queue.waiting -= 1;
                queue.order.remove(e.key, entry.slot);
                self.entries.free(entry.slot);
                refresh_ready(&mut self.ready, &mut self.queues, e.queue);
            }
            EntryState::Offered(agent) => {
                self.entries.free(entry.slot);
                let a = &mut self.agents[agent.index()];
                a.offered = None;
                let since = a.idle_since;
                self.enter_state(agent, AgentState::Available, since);
            }
            EntryState::Free => return false,
        }
        true
    }

    /// The entry's key while it waits or is on offer; `None` once served or removed.
    pub fn key(&self, entry: EntryId) -> Option<PositionKey> {
        self.entries.get(entry).map(|e| e.key)
    }

    /// The queue the entry waits in; `None` once served or removed.
    pub fn entry_queue(&self, entry: EntryId) -> Option<QueueId> {
        self.entries.get(entry).map(|e| e.queue)
    }

    /// 1 for the next entry to be served in its queue, counting every waiting entry of the queue
    /// with a better key whatever its skills (what a caller is told, not a promise under skills).
    /// `None` when not waiting. O(log n): a binary search in the queue's serving order, which
    /// every enqueue and dequeue keeps (see `waiting_order.rs`).
    pub fn position(&self, entry: EntryId) -> Option<u32> {
        self.position_in(entry).map(|(_, p)| p)
    }

    /// [`Acd::position`] with the entry's queue, for an estimate at that position without
    /// looking the queue up by name (a hash per announcement of a large day).
    pub fn position_in(&self, entry: EntryId) -> Option<(QueueId, u32)> {
        let e = self.entries.get(entry).filter(|e| e.state == EntryState::Waiting)?;
        let queue = &self.queues[e.queue.index()];
        debug_assert_eq!(queue.order.len(), queue.waiting);
        Some((e.queue, queue.order.ahead_of(e.key, entry.slot) as u32 + 1))
    }

    /// Entries waiting in `queue` (on offer not included). O(1).
    pub fn waiting(&self, queue: QueueId) -> usize {
        self.queues[queue.index()].waiting
    }

    // ---- agents ----

    /// Members of `queue` who are `Available` now. O(1): kept as a counter.
    pub fn agents_available(&self, queue: QueueId) -> u32 {
        self.queues[queue.index()].available
    }

    /// Members of `queue` who are logged in (any state but `NotAvailable`). O(1).
    pub fn agents_staffed(&self, queue: QueueId) -> u32 {
        self.queues[queue.index()].staffed
    }

    /// Presence changes from outside routing: log in/out, breaks, work the ACD did not route.
    ///
    /// Leaving `Alerting` this way puts the offered entry back with its key (as a reject would).
    /// `Available` resets the idle time only when the agent was not already available. An agent
    /// on a call can go `NotAvailable` or `Busy` (pending, applied after release: the release then
    /// keeps that state) but not `Available`/`WrapUp`, which would let it take a second entry.
    pub fn set_state(&mut self, agent: AgentId, state: AgentState, now: Micros) -> Result<(), AcdError> {
        let a = &self.agents[agent.index()];
        if state == AgentState::Alerting {
            return Err(AcdError::AlertingByHand(a.name.clone()));
        }
        if state == a.state {
            return Ok(());
        }
        if matches!(state, AgentState::Available | AgentState::WrapUp) && a.call.is_some() {
            return Err(AcdError::OnCall(a.name.clone()));
        }
        if a.state == AgentState::Alerting {
            self.return_offer(agent);
        }
        if state == AgentState::WrapUp {
            self.agents[agent.index()].wrap_until = now;
        }
        if self.worked_off.is_some() {
            let a = &mut self.agents[agent.index()];
            if a.call.is_some() && a.state.is_staffed() && !state.is_staffed() {
                a.off_since = Some(now);
            } else if state.is_staffed() {
                // Back at work (from a break that ended during the call).
                self.close_worked_off(agent, now);
            }
        }
        self.enter_state(agent, state, now);
        Ok(())
    }

    /// Keeps, from now on, the time agents sent off in the middle of a call (a break, the end of
    /// a shift) go on working to finish it ([`worked_off`](Acd::worked_off)): the simulator counts
    /// it as time worked, so occupancy stays within 100%.
    pub fn track_worked_off(&mut self) {
        self.worked_off.get_or_insert_with(Vec::new);
    }

    /// `(agent, from, to)` for every stretch an agent worked past being sent off, to finish a call.
    pub fn worked_off(&self) -> &[(AgentId, Micros, Micros)] {
        self.worked_off.as_deref().unwrap_or(&[])
    }

    fn close_worked_off(&mut self, agent: AgentId, now: Micros) {
        if let Some(from) = self.agents[agent.index()].off_since.take()
            && let Some(list) = &mut self.worked_off
        {
            list.push((agent, from, now));
        }
    }

    /// The agent finished with its entry. Records the handle time (talk plus the agent's wrap-up)
    /// for the queue's estimates, then answers the wrap-up the driver should wait before calling
    /// [`finish_wrap_up`](Acd::finish_wrap_up): 0 when the agent is `Available` again at once, or
    /// when it was set to another state during the call (it keeps that state). An agent not on a
    /// call is left alone and gives 0.
    pub fn release(&mut self, agent: AgentId, now: Micros) -> Micros {
        let a = &mut self.agents[agent.index()];
        let Some(call) = a.call.take() else { return 0 };
        let wrap = a.wrap_up;
        let state = a.state;
        self.queues[call.queue.index()].stats.record(now - call.since + wrap);
        // Only a simulation with a roster keeps that time: nothing more per call otherwise.
        if self.worked_off.is_some() {
            self.close_worked_off(agent, now);
        }
        if state != AgentState::Busy {
            return 0;
        }
        if wrap > 0 {
            self.agents[agent.index()].wrap_until = now + wrap;
            self.enter_state(agent, AgentState::WrapUp, now);
            wrap
        } else {
            self.enter_state(agent, AgentState::Available, now);
            0
        }
    }

    /// Ends wrap-up: the agent is `Available`, idle from now. Answers `false` (and changes
    /// nothing) if the agent is no longer in wrap-up, or if `now` is before the end of its current
    /// wrap-up: a timer left over from an earlier wrap-up must not cut a later one short.
    pub fn finish_wrap_up(&mut self, agent: AgentId, now: Micros) -> bool {
        let a = &self.agents[agent.index()];
        if a.state != AgentState::WrapUp || now < a.wrap_until {
            return false;
        }
        self.enter_state(agent, AgentState::Available, now);
        true
    }

    // ---- routing ----

    /// Assigns the best entry that can be served now to its agent, who becomes `Busy`; see the
    /// type's docs for the rules. One assignment per call: the driver loops until `None`, waking
    /// each entry's waiter in between.
    pub fn route(&mut self, now: Micros) -> Option<Assignment> {
        let (q, class, item, idle) = self.select()?;
        let offer = self
            .entries
            .get(EntryId { slot: item.slot, generation: item.generation })
            .is_some_and(|e| e.offer);
        Some(self.commit(q, class, item, idle, now, offer))
    }

    /// Like [`route`](Acd::route), but the agent becomes `Alerting` and the entry stays alive
    /// (out of the queue) until [`accept`](Acd::accept) or [`reject`](Acd::reject): agent-first
    /// callbacks are offered, and a rejected one must keep its place.
    pub fn offer(&mut self, now: Micros) -> Option<Assignment> {
        let (q, class, item, idle) = self.select()?;
        Some(self.commit(q, class, item, idle, now, true))
    }

    /// The alerting agent takes its offered entry and becomes `Busy`; the handle time counts from
    /// now. Answers the entry, or `None` if the agent had no offer.
    pub fn accept(&mut self, agent: AgentId, now: Micros) -> Option<EntryId> {
        let a = &mut self.agents[agent.index()];
        if a.state != AgentState::Alerting {
            return None;
        }
        let entry = a.offered.take()?;
        let queue = self.entries.get(entry)?.queue;
        self.entries.free(entry.slot);
        self.agents[agent.index()].call = Some(OnCall { queue, since: now });
        self.enter_state(agent, AgentState::Busy, now);
        Some(entry)
    }

    /// The alerting agent declines (or lets the offer time out): the entry goes back to its queue
    /// with the same id and key, so it loses no place, and the agent becomes `NotAvailable`, as
    /// Genesys marks an agent "not responding"; the driver makes it available again when it
    /// should take work. Answers the entry, or `None` if the agent had no offer.
    pub fn reject(&mut self, agent: AgentId, now: Micros) -> Option<EntryId> {
        if self.agents[agent.index()].state != AgentState::Alerting {
            return None;
        }
        let entry = self.return_offer(agent);
        self.enter_state(agent, AgentState::NotAvailable, now);
        entry
    }

    fn return_offer(&mut self, agent: AgentId) -> Option<EntryId> {
        let id = self.agents[agent.index()].offered.take()?;
        let e = self.entries.get_mut(id)?;
        e.state = EntryState::Waiting;
        let (q, class, key) = (e.queue, e.class, e.key);
        let queue = &mut self.queues[q.index()];
        let c = &mut queue.classes[class as usize];
        c.live += 1;
        c.push(QueueItem { key, slot: id.slot, generation: id.generation }, &self.entries);
        queue.mark(class);
        queue.waiting += 1;
        queue.order.insert(key, id.slot);
        refresh_ready(&mut self.ready, &mut self.queues, q);
        Some(id)
    }

    /// The best servable (queue, class head, agent) now, per the routing rules.
    fn select(&mut self) -> Option<Pick> {
        let mut best: Option<Pick> = None;
        for &q in &self.ready {
            let queue = &mut self.queues[q.index()];
            let mut i = 0;
            while let Some(&class) = queue.candidates.get(i) {
                let c = class as usize;
                let agent = if queue.classes[c].live == 0 { None } else { queue.taker(c, &self.agents) };
                let Some(agent) = agent else {
                    queue.unmark(class);
                    continue;
                };
                i += 1;
                consider(&mut best, q, queue, c, agent, &self.entries);
            }
        }
        #[cfg(debug_assertions)]
        assert_eq!(best, self.select_by_scan(), "the candidate classes missed a servable one");
        best
    }

    /// `select` by looking at every class of every ready queue: what the candidate lists must
    /// agree with (checked in debug builds, so every test that routes checks it).
    #[cfg(debug_assertions)]
    fn select_by_scan(&mut self) -> Option<Pick> {
        let mut best: Option<Pick> = None;
        for &q in &self.ready {
            let queue = &mut self.queues[q.index()];
            for c in 0..queue.classes.len() {
                let (skills, owner) = (queue.classes[c].skills, queue.classes[c].owner);
                if queue.classes[c].live > 0
                    && let Some(agent) = queue.agent_for(skills, owner, &self.agents)
                {
                    consider(&mut best, q, queue, c, agent, &self.entries);
                }
            }
        }
        best
    }

    fn commit(
        &mut self,
        q: QueueId,
        class: u32,
        item: QueueItem,
        idle: IdleItem,
        now: Micros,
        offer: bool,
    ) -> Assignment {
        let queue = &mut self.queues[q.index()];
        let c = &mut queue.classes[class as usize];
        let popped = c.heap.pop();
        debug_assert_eq!(popped, Some(item));
        c.live -= 1;
        queue.waiting -= 1;
        queue.order.remove(item.key, item.slot);
        // The agent is usually the idle heap's top: drop it now rather than as a stale item later.
        if queue.idle.peek() == Some(&idle) {
            queue.idle.pop();
        }
        let entry = EntryId { slot: item.slot, generation: item.generation };
        let agent = AgentId(idle.agent);
        let entered_at = self.entries.get(entry).map_or(now, |e| e.entered_at);
        if offer {
            if let Some(e) = self.entries.get_mut(entry) {
                e.state = EntryState::Offered(agent);
            }
        } else {
            self.entries.free(entry.slot);
        }
        refresh_ready(&mut self.ready, &mut self.queues, q);
        if offer {
            self.agents[agent.index()].offered = Some(entry);
            self.enter_state(agent, AgentState::Alerting, now);
        } else {
            self.agents[agent.index()].call = Some(OnCall { queue: q, since: now });
            self.enter_state(agent, AgentState::Busy, now);
        }
        Assignment { entry, agent, queue: q, key: item.key, waited: now - entered_at, offered: offer }
    }

    /// Moves an agent to `new`, keeping every member queue's counters, idle heap and ready flag
    /// in step. `since` is the idle start when `new` is `Available`.
    fn enter_state(&mut self, agent: AgentId, new: AgentState, since: Micros) {
        let a = &mut self.agents[agent.index()];
        let old = a.state;
        if old == new {
            return;
        }
        a.state = new;
        let (was_available, is_available) = (old == AgentState::Available, new == AgentState::Available);
        if was_available || is_available {
            a.stamp = a.stamp.wrapping_add(1);
        }
        if is_available {
            a.idle_since = since;
        }
        let item = IdleItem { since: a.idle_since, agent: agent.0, stamp: a.stamp };
        let staffed_delta = new.is_staffed() as i32 - old.is_staffed() as i32;
        // Taken out and put back (no allocation) so the loop can borrow the other agents.
        let queues = std::mem::take(&mut a.queues);
        for &q in &queues {
            let queue = &mut self.queues[q.index()];
            queue.staffed = queue.staffed.wrapping_add_signed(staffed_delta);
            if was_available {
                queue.available -= 1;
            }
            if is_available {
                queue.available += 1;
                queue.push_idle(item, &self.agents);
            }
            if was_available || is_available {
                refresh_ready(&mut self.ready, &mut self.queues, q);
            }
        }
        self.agents[agent.index()].queues = queues;
    }

    // ---- estimates ----

    /// Estimated wait for `entry` in `queue`, or for a call that would join it now (`None`); see
    /// [`ewt`](super::ewt) for the estimator and when it is unknown. `now` is taken so a
    /// time-aware estimator can replace this one without changing callers.
    pub fn estimated_wait(&self, queue: QueueId, entry: Option<EntryId>, _now: Micros) -> Option<Micros> {
        let position = match entry {
            Some(e) => self.position(e)?,
            None => self.queues[queue.index()].waiting as u32 + 1,
        };
        self.estimated_wait_at(queue, position)
    }

    /// The estimate for an entry at `position` (1 = next) in `queue`: for a caller that has just
    /// asked for the position, so the O(queue length) count is not made twice.
    pub fn estimated_wait_at(&self, queue: QueueId, position: u32) -> Option<Micros> {
        let qd = &self.queues[queue.index()];
        qd.stats.estimate(position, qd.available, qd.staffed)
    }

    /// Mean handle time (talk plus wrap-up) over every completed entry of the queue.
    pub fn average_handle_time(&self, queue: QueueId) -> Option<Micros> {
        self.queues[queue.index()].stats.mean()
    }

    /// The exponentially weighted handle time the estimate uses (recent handles weigh more).
    pub fn smoothed_handle_time(&self, queue: QueueId) -> Option<Micros> {
        self.queues[queue.index()].stats.smoothed()
    }

    /// Completed handles in the queue, which decides whether its estimate is known yet.
    pub fn handles_completed(&self, queue: QueueId) -> u64 {
        self.queues[queue.index()].stats.count()
    }
}
