//! Shared state of a run: the compiled flows, schedules, the ACD, and who waits for what.

use super::caller::Caller;
use super::eval::World;
use super::overrides::{Overrides, ScheduleState};
use super::schedule::ScheduleTable;
use super::trace::Observer;
use super::{AgentName, CallContext, EngineCallbacks, Runtime, Signal};
use crate::acd::{Acd, AgentId, EntryId, QueueId};
use crate::callbacks::CallbackIntake;
use crate::compile::FlowGraph;
use crate::fast_hash::FastMap;
use crate::project::CheckedProject;
use crate::time::Micros;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// Tunables of the interpreter, with the defaults the reference products use.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Actions a call may execute without time passing before it takes its error path
    /// (Genesys stops a flow after 10,000 actions).
    pub max_steps_without_wait: u32,
    /// Menu and ask timeout when a flow gives none.
    pub default_timeout: Micros,
    /// Speaking rate for prompts, in characters per second (about 150 words a minute).
    pub chars_per_second: u32,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig { max_steps_without_wait: 10_000, default_timeout: 5_000_000, chars_per_second: 15 }
    }
}

/// Set when the ACD assigns an agent to an entry; the waiting call or callback reads it.
pub struct Waiter<S> {
    pub signal: S,
    pub assigned: Rc<Cell<Option<(AgentId, Micros)>>>,
}

/// The cell a [`Waiter`] reads its agent from.
type AssignedCell = Rc<Cell<Option<(AgentId, Micros)>>>;

/// Who waits for the entry in one ACD slot (the id says which entry, as slots are reused), and
/// the assignment cell of the slot's last waiter, reused once nobody else holds it (the ACD hands
/// out freed slots first, so a busy run allocates no new cells).
struct WaiterSlot<S> {
    waiting: Option<(EntryId, Waiter<S>)>,
    spare: Option<AssignedCell>,
}

/// One run's world. Calls are tasks on `rt` sharing this through an `Rc`.
pub struct Engine<R: Runtime> {
    pub(crate) rt: R,
    pub(crate) flows: FastMap<String, Rc<FlowGraph>>,
    pub(crate) schedules: FastMap<String, ScheduleTable>,
    pub(crate) acd: super::acd_cell::AcdCell,
    /// Indexed by entry slot (slots are reused, so this stays as small as the busiest moment).
    waiters: RefCell<Vec<WaiterSlot<R::Signal>>>,
    pub(crate) callbacks: RefCell<CallbackIntake>,
    pub(crate) config: EngineConfig,
    /// Agents' talk time so far (calls and callbacks): in all, per agent and per interval, for
    /// occupancy overall and per agent group.
    talk: RefCell<super::agent_talk::AgentTalk>,
    queue_names: Vec<Rc<str>>,
    /// One shared table: outcomes point into it (see [`AgentName`]).
    agent_names: Rc<[Box<str>]>,
    /// Handle time for callbacks served in this run (agent talk time), drawn per callback.
    pub(crate) callback_handle: Box<dyn Fn(&R) -> Micros>,
    /// Queue callback settings, the scheduler, pacing, the people model, the ledger, figures.
    pub(crate) callback_side: EngineCallbacks<R::Signal>,
    /// Per flow, the `ask` nodes that offer a callback (a Create Callback follows before the next
    /// input or hold): reaching one counts the caller as offered a callback. Read at every
    /// `ask`, so hashed with FxHash (SipHash of the flow's name was 0.3% of acme x100).
    callback_offers: crate::fast_hash::FastMap<String, Vec<bool>>,
    /// Facts a flow test pins down (schedules, queue facts); empty outside tests.
    pub(crate) overrides: Overrides,
    /// The project's data actions and the results that answer for them.
    pub(crate) data: super::data_action::DataActions,
    /// The project's lookup tables, by name.
    pub(crate) tables: HashMap<String, Rc<super::lookup_table::LookupTable>>,
    /// The switches of center.yaml (shared with a server that flips them).
    pub(crate) switches: super::overrides::Switches,
    /// Prompt resources: their texts (and recordings) in the order written.
    pub(crate) prompts: HashMap<String, Vec<crate::syntax::ast::PromptText>>,
    /// Each queue's `hold_music` in center.yaml, played by a `hold` that names none.
    pub(crate) hold_music: HashMap<String, String>,
    /// The handler [`Engine::release_at`] sets timers for: made on first use, since it holds
    /// the engine weakly (the runtime keeps it, and the engine keeps the runtime).
    release_timer: std::cell::OnceCell<Rc<dyn Fn(u32)>>,
}

/// A [`Engine::release_at`] timer's payload: the agent, with this bit set when the timer ends
/// the agent's wrap-up rather than its talk.
const END_WRAP_UP: u32 = 1 << 31;

impl<R: Runtime> Engine<R> {
    /// The engine's parts put together; [`Engine::builder`] is the way in.
    pub(super) fn assemble(
        rt: R,
        project: &CheckedProject,
        flows: HashMap<String, Rc<FlowGraph>>,
        schedules: HashMap<String, ScheduleTable>,
        acd: Acd,
    ) -> Self {
        let queue_names =
            (0..acd.queue_count()).map(|i| Rc::from(acd.queue_name(QueueId(i as u32)))).collect();
        let agent_names =
            (0..acd.agent_count()).map(|i| Box::from(acd.agent_name(AgentId(i as u32)))).collect();
        let callback_side = EngineCallbacks::new(&acd, project.project.center.as_ref());
        let callback_offers =
            project.graphs.iter().map(|g| (g.name().to_string(), callback_offers(g))).collect();
        Engine {
            callback_side,
            callback_offers,
            queue_names,
            agent_names,
            rt,
            // Rehashed into the engine's maps (a few entries), which are read on the hot path.
            flows: flows.into_iter().collect(),
            schedules: schedules.into_iter().collect(),
            acd: super::acd_cell::AcdCell::new(acd),
            waiters: RefCell::new(Vec::new()),
            callbacks: RefCell::new(CallbackIntake::default()),
            config: EngineConfig::default(),
            talk: RefCell::new(Default::default()),
            callback_handle: Box::new(|_| 300_000_000),
            overrides: Overrides::default(),
            data: super::data_action::DataActions::new(
                project.project.files.iter().flat_map(|(_, f)| f.data_actions.iter()),
            ),
            switches: super::overrides::switches_of(project.project.center.as_ref()),
            prompts: project
                .project
                .files
                .iter()
                .flat_map(|(_, f)| f.prompts.iter())
                .map(|p| (p.name.name.clone(), p.texts.clone()))
                .collect(),
            hold_music: project
                .project
                .center
                .iter()
                .flat_map(|c| c.queues.iter())
                .filter_map(|(_, q)| q.hold_music.clone().map(|m| (q.name.clone(), m)))
                .collect(),
            release_timer: std::cell::OnceCell::new(),
            tables: super::lookup_table::tables(
                project.project.files.iter().flat_map(|(_, f)| f.tables.iter()),
                &project.project.tables,
            ),
        }
    }

    /// A prompt resource's text for `language`: the exact tag, else the same language (`nl`
    /// finds `nl-NL`), else the first text.
    pub(crate) fn prompt_text(
        &self,
        prompt: &str,
        language: &str,
    ) -> Option<&crate::syntax::ast::PromptText> {
        let texts = self.prompts.get(prompt)?;
        texts
            .iter()
            .find(|t| t.lang.value.eq_ignore_ascii_case(language))
            .or_else(|| texts.iter().find(|t| crate::source::same_language(&t.lang.value, language)))
            .or(texts.first())
    }

    /// An agent talked from `from` to `to` (a call or a callback).
    pub(crate) fn add_talk(&self, agent: crate::acd::AgentId, from: Micros, to: Micros) {
        self.talk.borrow_mut().add(agent, from, to);
    }

    /// The agents' talk so far: in all, per agent, per interval.
    pub fn talk(&self) -> std::cell::Ref<'_, super::agent_talk::AgentTalk> {
        self.talk.borrow()
    }

    /// Keeps talk per reporting interval of `len` too (occupancy per group and interval).
    pub fn talk_by_interval(&self, len: Micros) {
        self.talk.borrow_mut().by_interval(len);
    }

    /// The compiled flow called `name`.
    pub fn flow(&self, name: &str) -> Option<Rc<FlowGraph>> {
        self.flows.get(name).cloned()
    }

    /// The runtime the engine's calls run on.
    pub fn runtime(&self) -> &R {
        &self.rt
    }

    /// Registers who to wake when `entry` gets an agent.
    pub fn wait_for_agent(&self, entry: EntryId) -> Waiter<R::Signal> {
        let mut waiters = self.waiters.borrow_mut();
        let slot = entry.slot as usize;
        if waiters.len() <= slot {
            waiters.resize_with(slot + 1, || WaiterSlot { waiting: None, spare: None });
        }
        let assigned = match waiters[slot].spare.take() {
            Some(cell) if Rc::strong_count(&cell) == 1 => {
                cell.set(None);
                cell
            }
            _ => Rc::new(Cell::new(None)),
        };
        let w = Waiter { signal: self.rt.signal(), assigned };
        let copy = Waiter { signal: w.signal.clone(), assigned: w.assigned.clone() };
        waiters[slot].waiting = Some((entry, copy));
        w
    }

    /// Forgets who waits for `entry` (it was served, removed or taken over).
    pub fn take_waiter(&self, entry: EntryId) -> Option<Waiter<R::Signal>> {
        let mut waiters = self.waiters.borrow_mut();
        let cell = waiters.get_mut(entry.slot as usize)?;
        match &cell.waiting {
            Some((e, _)) if *e == entry => {
                let (_, w) = cell.waiting.take()?;
                cell.spare = Some(w.assigned.clone());
                Some(w)
            }
            _ => None,
        }
    }

    /// Routes every entry that can be served now, waking whoever waits for it. Called after
    /// anything that can free an agent or add an entry.
    pub fn dispatch(&self) {
        let now = self.rt.now();
        loop {
            let assignment = self.acd.borrow_mut().route(now);
            let Some(a) = assignment else { break };
            if let Some(w) = self.take_waiter(a.entry) {
                w.assigned.set(Some((a.agent, a.waited)));
                w.signal.fire();
            }
        }
        // Customer-first callbacks dial when agents are free: the pacer looks after every pass.
        if self.callback_side.pacing_needed() {
            self.callback_side.pace(&self.acd.borrow());
        }
    }

    /// Takes `entry` out of its queue (the caller hung up, or the flow disconnected them).
    /// A preferred agent's time is up: the entry is opened to every agent of its queue, keeping
    /// its place, and whoever waits for it waits for the new entry. `None` once it is no longer
    /// waiting (answered, abandoned, moved on).
    pub fn open_to_all(&self, entry: EntryId) -> Option<EntryId> {
        self.rekey(entry, None, None)
    }

    /// The waiting `entry` replaced by one open to every agent of its queue, with its place
    /// (enqueue time) and a new `priority` and required `skills` when given; whoever waits for it waits for the new one.
    /// `None` once it is no longer waiting.
    pub fn rekey(
        &self,
        entry: EntryId,
        priority: Option<i64>,
        skills: Option<crate::acd::SkillSet>,
    ) -> Option<EntryId> {
        let now = self.rt.now();
        let routing = crate::acd::CallbackRouting::default();
        let new = self.acd.borrow_mut().take_over_callback(entry, skills, priority, routing, now)?;
        let mut waiters = self.waiters.borrow_mut();
        let waiting = match waiters.get_mut(entry.slot as usize).and_then(|w| w.waiting.take()) {
            Some((e, w)) if e == entry => Some(w),
            other => {
                // Someone else's: put it back.
                if let Some(back) = other {
                    waiters[entry.slot as usize].waiting = Some(back);
                }
                None
            }
        };
        if let Some(w) = waiting {
            let slot = new.slot as usize;
            if waiters.len() <= slot {
                waiters.resize_with(slot + 1, || WaiterSlot { waiting: None, spare: None });
            }
            waiters[slot].waiting = Some((new, w));
        }
        Some(new)
    }

    pub fn leave_queue(&self, entry: EntryId) {
        let now = self.rt.now();
        self.take_waiter(entry);
        self.acd.borrow_mut().remove(entry, now);
    }

    /// [`release_agent`](Engine::release_agent) at `at`, run from a bare timer rather than a
    /// task per call (the talk of a call the simulator has let go): the same steps at the same
    /// times, wake-up for wake-up.
    pub fn release_at(self: &Rc<Self>, at: Micros, agent: AgentId) {
        debug_assert!(agent.0 < END_WRAP_UP);
        self.rt.call_at(at, self.release_handler(), agent.0);
    }

    /// [`release_agent`](Engine::release_agent) run at once rather than awaited: a talk that
    /// ended as it began. The same steps in the same order (release, routing, the wrap-up's
    /// timer), for a call placed without a task.
    pub fn release_now(self: &Rc<Self>, agent: AgentId) {
        debug_assert!(agent.0 < END_WRAP_UP);
        // Made now if no talk has ended on a timer yet: a wrap-up's end is one and names it.
        self.release_handler();
        self.timed_release(agent.0);
    }

    /// The one handler every release timer calls (made on first use: it holds the engine weakly).
    fn release_handler(self: &Rc<Self>) -> &Rc<dyn Fn(u32)> {
        self.release_timer.get_or_init(|| {
            let engine = Rc::downgrade(self);
            Rc::new(move |payload| {
                if let Some(engine) = engine.upgrade() {
                    engine.timed_release(payload);
                }
            })
        })
    }

    /// A [`release_at`](Engine::release_at) timer is due: the talk ends (then wrap-up, on
    /// another timer), or the wrap-up does.
    #[inline(always)]
    fn timed_release(self: &Rc<Self>, payload: u32) {
        let agent = AgentId(payload & !END_WRAP_UP);
        let now = self.rt.now();
        if payload & END_WRAP_UP != 0 {
            self.acd.borrow_mut().finish_wrap_up(agent, now);
            self.dispatch();
            return;
        }
        let wrap = self.acd.borrow_mut().release(agent, now);
        self.dispatch();
        if wrap > 0
            && let Some(then) = self.release_timer.get()
        {
            self.rt.call_at(now.saturating_add(wrap), then, agent.0 | END_WRAP_UP);
        }
    }

    /// The agent finished talking: wrap-up (if any), then free for the next entry.
    pub async fn release_agent(self: &Rc<Self>, agent: AgentId) {
        let wrap = self.acd.borrow_mut().release(agent, self.rt.now());
        if wrap > 0 {
            self.dispatch();
            self.rt.sleep(wrap).await;
            self.acd.borrow_mut().finish_wrap_up(agent, self.rt.now());
        }
        self.dispatch();
    }

    /// Puts `n` anonymous calls in every queue, each served for `handle` when an agent takes it:
    /// a busy queue for `run --ahead` and flow tests, without running flows for them.
    pub fn queue_ahead(self: &Rc<Self>, n: u32, handle: Micros) {
        if n == 0 {
            return;
        }
        let queues: Vec<_> = (0..self.acd.borrow().queue_count()).map(|i| QueueId(i as u32)).collect();
        for q in queues {
            for _ in 0..n {
                let entry = self.acd.borrow_mut().enqueue(q, 0, crate::acd::SkillSet::default(), 0);
                let waiter = self.wait_for_agent(entry);
                let engine = self.clone();
                self.rt.spawn(async move {
                    waiter.signal.wait().await;
                    if let Some((agent, _)) = waiter.assigned.get() {
                        engine.rt.sleep(handle).await;
                        engine.release_agent(agent).await;
                    }
                });
            }
        }
        self.dispatch();
    }

    /// Whether the `ask` at `node` of `flow` offers a callback.
    pub fn offers_callback(&self, flow: &str, node: crate::compile::NodeId) -> bool {
        self.callback_offers.get(flow).and_then(|v| v.get(node.0 as usize)).copied().unwrap_or(false)
    }

    pub fn prompt_time(&self, text: &str) -> Micros {
        // Prompts are nearly always ASCII, where the byte length is the character count.
        let chars = if text.is_ascii() { text.len() } else { text.chars().count() };
        let chars = chars.max(8) as i64;
        chars * 1_000_000 / self.config.chars_per_second.max(1) as i64
    }

    /// Agent names, shared rather than copied into every outcome.
    pub fn agent_name(&self, agent: AgentId) -> AgentName {
        AgentName::listed(&self.agent_names, agent.index())
            .unwrap_or_else(|| AgentName::own(self.acd.borrow().agent_name(agent)))
    }

    /// The queue's name, shared.
    pub fn queue_name(&self, queue: QueueId) -> Rc<str> {
        self.queue_names
            .get(queue.index())
            .cloned()
            .unwrap_or_else(|| Rc::from(self.acd.borrow().queue_name(queue)))
    }
}

/// The `ask` nodes of `graph` from which a Create Callback is reached before another input or
/// a hold.
fn callback_offers(graph: &FlowGraph) -> Vec<bool> {
    use crate::compile::Action;
    let mut offers = vec![false; graph.node_count()];
    for n in graph.nodes() {
        if !matches!(n.action, Action::Ask { .. }) {
            continue;
        }
        let stop = |m: &crate::compile::Node| {
            matches!(m.action, Action::Ask { .. } | Action::Menu { .. } | Action::Hold(..))
        };
        let reach = graph.reachable_from(n.id, stop);
        offers[n.id.0 as usize] =
            graph.nodes().any(|m| reach[m.id.0 as usize] && matches!(m.action, Action::CreateCallback(_)));
    }
    offers
}

impl<R: Runtime> World for Engine<R> {
    fn schedule_open(&self, schedule: &str, ctx: &CallContext, now: Micros) -> bool {
        if let Some(state) = self.overrides.schedule(schedule) {
            return state == ScheduleState::Open;
        }
        self.schedules.get(schedule).is_some_and(|s| s.at_run_time(ctx.spec.start.naive_utc(), now).1)
    }

    fn holiday(&self, schedule: &str, ctx: &CallContext, now: Micros) -> bool {
        if let Some(state) = self.overrides.schedule(schedule) {
            return state == ScheduleState::Holiday;
        }
        self.schedules.get(schedule).is_some_and(|s| s.at_run_time(ctx.spec.start.naive_utc(), now).0)
    }

    fn agents_available(&self, queue: &str) -> i64 {
        let acd = self.acd.borrow();
        acd.queue_id(queue).map_or(0, |q| acd.agents_available(q) as i64)
    }

    fn agents_staffed(&self, queue: &str) -> i64 {
        let acd = self.acd.borrow();
        acd.queue_id(queue).map_or(0, |q| acd.agents_staffed(q) as i64)
    }

    fn calls_waiting(&self, queue: &str) -> i64 {
        let acd = self.acd.borrow();
        acd.queue_id(queue).map_or(0, |q| acd.waiting(q) as i64)
    }

    fn prompt(&self, prompt: &str, language: &str) -> String {
        self.prompt_text(prompt, language).map(|t| t.text.value.clone()).unwrap_or_default()
    }

    fn switched(&self, switch: &str) -> bool {
        if let Some(on) = self.overrides.switches.get(switch) {
            return *on;
        }
        self.switches.read().map(|m| m.get(switch).copied().unwrap_or(false)).unwrap_or(false)
    }

    fn facts_version(&self) -> Option<u64> {
        Some(self.acd.version())
    }

    fn queue_facts(&self, ctx: &CallContext) -> (Option<u32>, Option<Micros>) {
        let Some(entry) = ctx.entry else { return (ctx.position.get(), ctx.ewt.get()) };
        let acd = self.acd.borrow();
        // Counted once for both facts (the estimate needs the position too), in the entry's own
        // queue: the call's, which `ctx.queue` names, without looking the name up.
        let at = acd.position_in(entry);
        debug_assert!(
            at.is_none_or(|(q, _)| ctx.queue.as_deref().and_then(|n| acd.queue_id(n)) == Some(q)),
            "a waiting entry is in the call's queue"
        );
        let ewt = at.and_then(|(q, p)| acd.estimated_wait_at(q, p));
        (self.overrides.position.or(at.map(|(_, p)| p)), self.overrides.estimated_wait.unwrap_or(ewt))
    }
}

/// Per-call inputs from the caller model that the flow does not decide.
#[derive(Debug, Clone, Copy)]
pub struct CallPlan {
    /// How long the caller waits in queue before hanging up (`None`: forever).
    pub patience: Option<Micros>,
    /// Talk time once an agent answers.
    pub handle: Micros,
    /// The caller hangs up this long after the call starts, wherever it is (`None`: never).
    pub hang_up: Option<Micros>,
}

/// Everything a call task owns.
pub struct CallTask<R: Runtime, C: Caller, O: Observer> {
    pub engine: Rc<Engine<R>>,
    /// Boxed: a call's future is moved when it is spawned, and the context is its bulk.
    pub ctx: Box<CallContext>,
    pub caller: C,
    pub plan: CallPlan,
    pub obs: O,
}
