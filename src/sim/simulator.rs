//! A day (or a million calls) of traffic through a project's flows, on the virtual clock.

use super::direct_calls::DirectCalls;
use super::metrics::Metrics;
use super::report::{IntervalReport, Report};
use super::scenario::{CallerModel, Dist, Length, Scenario};
use crate::project::CheckedProject;
use crate::runtime::build_acd;
use crate::runtime::{
    CallContext, CallOutcome, CallPlan, CallSpec, CallTask, Caller, Engine, Keys, NoTrace, Prompt, Runtime,
    VirtualRuntime, run_call_detached,
};
use crate::time::Micros;
use chrono::TimeZone;
use futures_util::FutureExt;
use std::cell::RefCell;
use std::rc::Rc;

/// Callers drawn from the scenario: key presses by probability, a second after the prompt.
pub struct ScenarioCaller {
    model: Rc<CallerModel>,
}

const THINK_TIME: Micros = 1_000_000;

/// How long after the last arrival calls still in progress may take to finish.
const DRAIN_LIMIT: Micros = 24 * 3600 * 1_000_000;

impl Caller for ScenarioCaller {
    fn respond(&mut self, prompt: Prompt<'_>, uniform: &mut dyn FnMut() -> f64) -> Keys {
        let choice = match prompt {
            Prompt::Menu { name } => self.model.menu(name),
            Prompt::Ask { variable, .. } => self.model.ask(variable),
        };
        let key = match choice {
            Some(c) => c.pick(uniform()).map(str::to_string),
            None => self.model.default_keys.clone(),
        };
        match key {
            // A scenario's choice with a letter in it is said, not pressed ("billing: 30%").
            Some(words) if words.chars().any(char::is_alphabetic) => {
                Keys::Speech { words, after: THINK_TIME }
            }
            Some(digits) => Keys::Digits { digits, after: THINK_TIME },
            None => Keys::Silence,
        }
    }
}

/// What a run produced, beside the report: figures for benchmarks.
pub struct SimRun {
    pub report: Report,
    pub calls: u64,
    pub polls: u64,
}

/// Runs a scenario. `progress` is told the number of calls generated so far, now and then.
pub fn simulate(
    checked: &CheckedProject,
    scenario: &Scenario,
    progress: &dyn Fn(u64),
) -> Result<SimRun, String> {
    let flow = match &scenario.flow {
        Some(name) => checked
            .graph(name)
            .ok_or_else(|| format!("the scenario names flow `{name}`, which the project lacks"))?,
        None => {
            let inbound: Vec<_> =
                checked.graphs.iter().filter(|g| g.kind() == crate::syntax::ast::FlowKind::Inbound).collect();
            match inbound.as_slice() {
                [one] => *one,
                _ => {
                    return Err(
                        "the project has several inbound flows (or none); name one with `flow:`".into()
                    );
                }
            }
        }
    };
    let declared = checked.data_action_names();
    for name in scenario.data_actions.keys() {
        if !declared.contains(&name.as_str()) {
            let help = crate::source::suggest::help_for(name, "data action", declared.iter().copied());
            return Err(format!(
                "the scenario's data_actions names `{name}`, which the project lacks; {help}"
            ));
        }
    }
    let (acd, agents) = build_acd(checked, &scenario.agents)?;
    let rt = VirtualRuntime::new(scenario.seed);
    let handle_dist = scenario.callers.handle_time.clone();
    let mut engine = Engine::builder(rt.clone(), checked, acd)
        .forget_callback_requests()
        .callback_handle(move |rt: &VirtualRuntime| handle_dist.sample(&mut || rt.uniform()))
        .people(|people| {
            people.odds = scenario.callbacks.odds;
            people.timings = scenario.callbacks.timings;
        })
        .data_mocks(scenario.data_actions.clone())
        .do_not_call(scenario.callbacks.do_not_call.clone())
        .build();
    let o = scenario.callbacks.overrides;
    engine.callback_side.what_if.attempts = o.attempts.map(i64::from);
    engine.callback_side.what_if.retry_interval_secs = o.retry_interval_secs.map(i64::from);
    if o.slot_capacity.is_some() {
        for q in 0..engine.acd.borrow().queue_count() {
            let q = crate::acd::QueueId(q as u32);
            let settings =
                o.apply(crate::model::center::CallbackSettings::clone(engine.callback_side.settings(q)));
            engine.callback_side.set_settings(q, settings);
        }
    }
    engine.callback_side.stats.borrow_mut().target = scenario.callbacks.target;
    let campaign_queues = super::campaigns::configure(&mut engine, &scenario.campaigns)?;
    // Callbacks and (with agent groups) talk are counted per reporting interval too.
    let interval_len = scenario.traffic.arrivals.interval_len();
    engine.callback_side.stats.borrow_mut().by_interval(interval_len);
    if matches!(scenario.agents, crate::model::AgentsSpec::List(_)) {
        engine.talk_by_interval(interval_len);
    }
    let engine = Rc::new(engine);
    let metrics = Rc::new(RefCell::new(
        Metrics::new(scenario.sl_threshold).with_interval_len(scenario.traffic.arrivals.interval_len()),
    ));
    let model = Rc::new(scenario.callers.clone());
    let graph = engine.flows[flow.name()].clone();
    let traffic = scenario.traffic.clone();
    let start = traffic
        .timezone
        .from_local_datetime(&traffic.start)
        .earliest()
        .ok_or("the scenario's start time does not exist in its time zone (a DST gap)")?;
    // Shifts and breaks: agents whose shift has not begun are logged out from the start.
    // A forecast's rows and the roster's shifts follow the local clock across daylight saving.
    let clock = super::local_clock::LocalClock::new(start);
    let roster = super::roster::Roster::new(&scenario.agents, traffic.start, scenario.seed, clock.clone())
        .map(Rc::new);
    if let Some(r) = &roster {
        r.apply(&mut engine.acd.borrow_mut(), 0);
        // Agents sent off schedule (a break, the shift's end) in the middle of a call work on
        // until it ends: occupancy counts that time as worked, or a group whose agents finish
        // their calls before their breaks would show more than 100%.
        engine.acd.borrow_mut().track_worked_off();
    }
    let campaign_scheduled =
        super::campaigns::start(&engine, &scenario.campaigns, &campaign_queues, &traffic);
    let generated = Rc::new(std::cell::Cell::new(0u64));
    let arrivals_ended: Rc<std::cell::Cell<Option<Micros>>> = Rc::default();
    let answered_talk: Rc<std::cell::Cell<Micros>> = Rc::default();
    // A length of time is read on the local clock, as the forecast it usually comes from: the
    // day of the autumn change lasts 25 hours of elapsed time, a week over it 169.
    let length = match scenario.length {
        Length::Duration(d) => Length::Duration(clock.virtual_at(d)),
        calls => calls,
    };
    let split = super::queue_split::QueueSplit::new(&traffic, &graph, &model, &engine)?;
    // A flow that goes straight to a queue needs no interpreter (`direct_calls.rs`); a forecast
    // per queue routes its calls through the flow's own choices, so it keeps the interpreter.
    let direct = match graph.straight_to_queue() {
        Some(queue) if split.is_none() && !scenario.interpreted => DirectCalls::new(&engine, queue),
        _ => None,
    };
    let calls = Rc::new(Calls {
        rt: rt.clone(),
        engine: engine.clone(),
        metrics: metrics.clone(),
        model: model.clone(),
        graph: graph.clone(),
        traffic: traffic.clone(),
        clock: clock.clone(),
        split,
        dnis: Rc::from("+31201234500"),
        start,
        answered_talk: answered_talk.clone(),
        next_retrial_id: std::cell::Cell::new(RETRIAL_IDS),
        retrials: std::cell::Cell::new(0),
        direct,
    });
    if let Some(direct) = &calls.direct {
        direct.register(&Rc::downgrade(&calls));
    }
    {
        let calls = calls.clone();
        let (rt, engine, generated) = (rt.clone(), engine.clone(), generated.clone());
        let arrivals_ended = arrivals_ended.clone();
        let traffic = traffic.clone();
        let roster = roster.clone();
        let clock = clock.clone();
        rt.clone().spawn(async move {
            let interval = traffic.arrivals.interval_len().max(1);
            // The roster's next change, handled by this loop so that it ends with the arrivals
            // (a task of its own would keep the run alive until the next shift).
            let mut change = roster.as_ref().and_then(|r| r.next_change(0));
            // Over-dispersion: each interval's rate factor, drawn when the interval is first
            // reached (so a plain Poisson run draws nothing extra and keeps its numbers).
            let cv = traffic.overdispersion;
            let factor_dist =
                (cv > 0.0).then(|| Dist::Gamma { mean: 1_000_000, sd: (cv * 1e6).round() as Micros });
            let mut factors: Vec<f64> = Vec::new();
            loop {
                let now = rt.now();
                if let (Some(r), Some(at)) = (&roster, change)
                    && at <= now
                {
                    r.apply(&mut engine.acd.borrow_mut(), now);
                    engine.dispatch();
                    change = r.next_change(now);
                }
                let done = match length {
                    Length::Calls(n) => generated.get() >= n,
                    Length::Duration(d) => now >= d,
                };
                if done {
                    break;
                }
                // Piecewise-constant Poisson: draw a gap at the current rate; if it crosses into
                // the next interval, restart the draw there (memorylessness makes this exact).
                // The forecast row the local clock shows now. Its edges are met at the elapsed
                // intervals' edges below: the same instants whenever a daylight-saving change
                // moves the clock by whole intervals (an hour, for 15-, 30- and 60-minute ones).
                let mut rate = match traffic.arrivals {
                    // (A constant rate needs no clock: nothing more per call for it.)
                    super::scenario::Arrivals::Constant { per_sec } => per_sec,
                    super::scenario::Arrivals::Profile { .. } => traffic.rate_at(clock.local(now)),
                };
                if let Some(d) = &factor_dist {
                    let i = traffic.interval_of(now);
                    while factors.len() <= i {
                        factors.push(d.sample(&mut || rt.uniform()) as f64 / 1e6);
                    }
                    rate *= factors[i];
                }
                // A roster change is a boundary too: the draw restarts after it (memoryless).
                let boundary = (now / interval + 1) * interval;
                let boundary = change.map_or(boundary, |c| boundary.min(c));
                if rate <= 0.0 {
                    rt.sleep_until(boundary).await;
                    continue;
                }
                let gap = (-(1.0 - rt.uniform()).ln() / rate * 1e6) as Micros;
                let at = now + gap.max(0);
                let profile = matches!(traffic.arrivals, super::scenario::Arrivals::Profile { .. });
                if (profile || change.is_some() || factor_dist.is_some()) && at >= boundary {
                    rt.sleep_until(boundary).await;
                    continue;
                }
                if let Length::Duration(d) = length
                    && at >= d
                {
                    break;
                }
                rt.sleep_until(at).await;
                let id = generated.get() + 1;
                generated.set(id);
                calls.spawn(id, id, 0, None);
            }
            arrivals_ended.set(Some(rt.now()));
        });
    }
    // Run in slices of simulated time so a progress bar can move between them.
    let mut until: Micros = 0;
    while rt.live_tasks() > 0 {
        // Calls nobody will ever answer (no agents, endless patience) must not keep the run alive.
        if arrivals_ended.get().is_some_and(|end| until > end + DRAIN_LIMIT) {
            break;
        }
        until = until.saturating_add(600_000_000);
        rt.run_until(until);
        progress(generated.get());
    }
    let end = rt.now();
    let mut m = metrics.borrow_mut();
    // Calls' talk time went to their queues as they ended; what is left is callbacks'.
    m.record_agent_busy(None, engine.talk().total() - answered_talk.get());
    let mut report = m.finish(end, agents, &|i| traffic.interval_label(i));
    let stats = engine.callback_side.stats.borrow();
    let with_callbacks = stats.offered > 0 || stats.created > 0;
    if with_callbacks {
        // Callbacks dialled after the last caller's interval get intervals of their own.
        let per_interval = stats.per_interval();
        let threshold = report.service_level.threshold_seconds;
        while report.per_interval.len() < per_interval.len() {
            let label = traffic.interval_label(report.per_interval.len());
            report.per_interval.push(IntervalReport::empty(label, threshold, f64::from(agents)));
        }
        for (iv, cb) in report
            .per_interval
            .iter_mut()
            .zip(per_interval.into_iter().chain(std::iter::repeat_with(Default::default)))
        {
            iv.callbacks = Some(cb);
        }
        report.callbacks = Some(stats.report());
    }
    drop(stats);
    // Per roster group, the time its agents worked past the schedule to finish a call.
    let over = match &roster {
        Some(r) => {
            let acd = engine.acd.borrow();
            let stretches = acd
                .worked_off()
                .iter()
                .filter_map(|&(agent, from, to)| Some((r.group_of_agent(agent.0)?, from, to)));
            worked_over(stretches, interval_len.max(1))
        }
        None => Vec::new(),
    };
    if let Some(r) = &roster {
        // Agents per interval as scheduled, and occupancy over the time they were scheduled.
        let len = traffic.arrivals.interval_len().max(1);
        for (i, iv) in report.per_interval.iter_mut().enumerate() {
            let from = i as Micros * len;
            iv.agents = super::report::round6(r.scheduled(from, (from + len).min(end.max(from + 1))));
        }
        let worked_over: Micros = over.iter().map(|(total, _)| total).sum();
        let agent_time = r.scheduled(0, end) * end as f64 + worked_over as f64;
        if agent_time > 0.0 && agents > 0 {
            // Over the agent time scheduled, not every agent all day (the queues' shares still add up).
            let scale = f64::from(agents) * end as f64 / agent_time;
            report.occupancy = super::report::round6(report.occupancy * scale);
            for q in report.per_queue.values_mut() {
                q.occupancy = super::report::round6(q.occupancy * scale);
            }
        }
    }
    // Occupancy per agent group: the groups' agents have consecutive ids, in the scenario's order.
    if let crate::model::AgentsSpec::List(groups) = &scenario.agents {
        let talk = engine.talk();
        let mut first = 0usize;
        for g in groups {
            let ids = first..first + g.count as usize;
            let group_start = first as u32;
            first = ids.end;
            let in_roster = roster.as_ref().and_then(|r| Some((r, r.group_of_agent(group_start)?)));
            // The group's agents at work on average over [from, to).
            // ... plus the time they worked past the schedule to finish a call, as agent time
            // (`interval`: the reporting interval [from, to) is; `None`: the whole run).
            let worked = |from: Micros, to: Micros, interval: Option<usize>| match in_roster {
                Some((r, gi)) => {
                    let extra = over.get(gi).map_or(0, |(total, per)| match interval {
                        Some(i) => per.get(i).copied().unwrap_or(0),
                        None => *total,
                    });
                    r.group_working(gi, from, to) * (to - from) as f64 + extra as f64
                }
                None => f64::from(g.count) * (to - from) as f64,
            };
            let talked: Micros = ids.clone().filter_map(|i| talk.per_agent().get(i)).sum();
            let agent_time = worked(0, end, None);
            let occupancy = if agent_time > 0.0 { talked as f64 / agent_time } else { 0.0 };
            // The same, interval by interval (the last one ends with the run).
            let len = interval_len.max(1);
            for (i, iv) in report.per_interval.iter_mut().enumerate() {
                let from = i as Micros * len;
                let to = (from + len).min(end.max(from + 1));
                let row = talk.in_interval(i);
                let talked: Micros = ids.clone().filter_map(|a| row.get(a)).sum();
                let agent_time = worked(from, to, Some(i));
                // Nobody of the group scheduled: no occupancy (not 0%), the page leaves a gap.
                if agent_time > 0.0 {
                    let occupancy = super::report::round6(talked as f64 / agent_time);
                    iv.occupancy_per_group.insert(g.name.clone(), occupancy);
                }
            }
            let group = super::report::GroupReport {
                agents: g.count,
                occupancy: super::report::round6(occupancy),
                talk_seconds: super::report::round6(talked as f64 / 1e6),
            };
            report.per_group.insert(g.name.clone(), group);
        }
    }
    report.retrials = calls.retrials.get();
    report.campaigns = super::campaigns::report(
        &engine,
        &scenario.campaigns,
        &campaign_queues,
        &traffic,
        &campaign_scheduled,
    );
    for (name, d) in engine.data.stats.borrow().iter() {
        let r = super::report::DataActionReport {
            calls: d.calls,
            failed: d.failed,
            timed_out: d.timed_out,
            mean_seconds: d.mean_seconds(),
        };
        report.data_actions.insert(name.clone(), r);
    }
    Ok(SimRun { report, calls: generated.get(), polls: rt.polls() })
}

/// Per roster group: the time its agents worked past the schedule to finish a call, in all and
/// per reporting interval of `len` (split at the intervals' edges), in agent-microseconds. Worked
/// out once, so a week of a large roster's breaks is not summed again for every interval.
fn worked_over(
    stretches: impl Iterator<Item = (usize, Micros, Micros)>,
    len: Micros,
) -> Vec<(Micros, Vec<Micros>)> {
    let mut over: Vec<(Micros, Vec<Micros>)> = Vec::new();
    for (g, from, to) in stretches {
        if over.len() <= g {
            over.resize_with(g + 1, Default::default);
        }
        let (total, per) = &mut over[g];
        *total += to - from;
        let mut t = from.max(0);
        while t < to {
            let i = usize::try_from(t / len).unwrap_or(usize::MAX);
            let piece = ((t / len + 1) * len).min(to) - t;
            if per.len() <= i {
                per.resize(i + 1, 0);
            }
            per[i] += piece;
            t += piece;
        }
    }
    over
}

/// Retried calls get ids from here up, apart from the first calls' 1, 2, 3, ... (which the
/// length in calls counts).
const RETRIAL_IDS: u64 = 1 << 62;

/// Everything a new call needs: the arrival loop and retrials after abandonment both place calls.
pub(super) struct Calls {
    rt: VirtualRuntime,
    engine: Rc<Engine<VirtualRuntime>>,
    metrics: Rc<RefCell<Metrics>>,
    model: Rc<CallerModel>,
    graph: Rc<crate::compile::FlowGraph>,
    traffic: super::scenario::Traffic,
    /// Local time against elapsed time: the forecast row whose AHT a call gets.
    clock: super::local_clock::LocalClock,
    /// A forecast per queue: which queue each call is for, its caller and its AHT.
    split: Option<super::queue_split::QueueSplit>,
    dnis: Rc<str>,
    /// The wall-clock start of the run, for each call's context.
    start: chrono::DateTime<chrono_tz::Tz>,
    /// Talk time of answered calls (the rest of the agents' talk is callbacks').
    answered_talk: Rc<std::cell::Cell<Micros>>,
    next_retrial_id: std::cell::Cell<u64>,
    /// Calls placed again by callers who abandoned.
    retrials: std::cell::Cell<u64>,
    /// Set when the flow goes straight to a queue: calls are placed there without a task.
    pub(super) direct: Option<DirectCalls>,
}

/// Who calls again after abandoning: the caller (whose number is `synthetic_ani(caller)`), the
/// attempt this call was (0 for a first call), and the forecast queue a retrial calls again for
/// (16 bits: it rides in the call's continuation, making it no bigger).
#[derive(Debug, Clone, Copy)]
pub(super) struct Redial {
    caller: u64,
    attempt: u32,
    goal: Option<u16>,
}

impl Calls {
    /// Places call `id` now from caller `caller` (whose number is `synthetic_ani(caller)`);
    /// `attempt` is 0 for a first call, then 1, 2, ... for the caller's retrials after abandoning.
    /// `goal`: the forecast queue a retrial calls again for; a first call draws its own. (16
    /// bits: it rides in the call's continuation beside `attempt`, making it no bigger.)
    fn spawn(self: &Rc<Self>, id: u64, caller: u64, attempt: u32, goal: Option<u16>) {
        let rt = &self.rt;
        let now = rt.now();
        let arrival_interval = self.traffic.interval_of(now);
        self.metrics.borrow_mut().record_offered(None, arrival_interval);
        let mut u = || rt.uniform();
        // The forecast row the local clock shows (read only when a forecast needs it).
        let row_now = || self.traffic.interval_of(self.clock.local(now));
        // With a forecast per queue: the queue this call is for, and its caller and AHT.
        let (goal, model, aht, row) = match &self.split {
            Some(split) => {
                let row = row_now();
                let q = goal.map_or_else(|| split.pick(row, u()), usize::from);
                (u16::try_from(q).ok(), split.caller(q), self.traffic.queues[q].aht.as_deref(), Some(row))
            }
            None => (None, &self.model, self.traffic.aht.as_deref(), None),
        };
        let patience = model.patience.as_ref().map(|p| p.sample(&mut u));
        // The forecast's AHT for the interval the call arrives in, when it gives one (a retrial
        // for a queue in a row without its calls has none there: the scenario's handle time).
        let mean = aht.filter(|a| !a.is_empty()).map(|a| a[row.unwrap_or_else(row_now) % a.len()]);
        let handle = match mean {
            Some(mean) if mean > 0 => model.handle_time.sample_at_mean(mean, &mut u),
            _ => model.handle_time.sample(&mut u),
        };
        let redial = Redial { caller, attempt, goal };
        if let Some(direct) = &self.direct {
            return direct.arrive(arrival_interval, handle, patience, redial);
        }
        let spec = CallSpec {
            id,
            ani: synthetic_ani(caller),
            ani_is_e164: true,
            dnis: self.dnis.clone(),
            caller_name: String::new(),
            start: self.start,
            data: Default::default(),
        };
        // Built in its box, not moved into one: the context is a call's bulk.
        let ctx = Box::write(Box::new_uninit(), CallContext::new(spec, now));
        let task = CallTask {
            engine: self.engine.clone(),
            ctx,
            caller: ScenarioCaller { model: model.clone() },
            plan: CallPlan { patience, handle, hang_up: None },
            obs: NoTrace,
        };
        let calls = self.clone();
        // The call's future, then what its outcome leads to, as one combinator rather than an
        // `async` block that awaits the call: a block keeps what it captured (the task) beside
        // the call's future that it was moved into, and the extra bytes pushed the per-call
        // allocation past the allocator's small-object size (README, "Speed"). `map`, not
        // `then`: a retrial is a task of its own, so the call's task ends with its outcome
        // rather than turning into a second future that nearly always has nothing to do.
        let graph = self.graph.clone();
        rt.spawn_with(move || {
            run_call_detached(task, graph)
                .map(move |outcome| calls.finish(&outcome, arrival_interval, handle, redial))
        });
    }

    /// A call ended with `outcome`: its figures go to the metrics, and a caller who abandoned
    /// may call again (drawn now, in the same order as always, so a seed keeps its run).
    /// `interval`: the reporting interval it arrived in; `handle`: its talk, as drawn.
    // Inlined into both callers: a call of its own cost the interpreted calls 30 instructions each.
    #[inline(always)]
    pub(super) fn finish(
        self: &Rc<Self>,
        outcome: &CallOutcome,
        interval: usize,
        handle: Micros,
        redial: Redial,
    ) {
        {
            let mut m = self.metrics.borrow_mut();
            if let CallOutcome::Answered { queue, waited, .. } = outcome {
                m.record_answered_call(queue, interval, *waited, handle);
                self.answered_talk.set(self.answered_talk.get() + handle);
            } else {
                record(&mut m, outcome, interval);
            }
        }
        let abandoned = matches!(
            outcome,
            CallOutcome::Abandoned { .. } | CallOutcome::Disconnected { queued: Some(_), .. }
        );
        let Redial { caller, attempt, goal } = redial;
        let retry = match &self.model.retrial {
            Some(r) if abandoned && attempt < r.max && self.rt.uniform() < r.probability => {
                Some(r.after.sample(&mut || self.rt.uniform()))
            }
            _ => None,
        };
        if let Some(delay) = retry {
            let place = move |calls: Rc<Calls>| {
                let id = calls.next_retrial_id.get();
                calls.next_retrial_id.set(id + 1);
                calls.retrials.set(calls.retrials.get() + 1);
                calls.spawn(id, caller, attempt + 1, goal);
            };
            let at = self.rt.now() + delay;
            if at <= self.rt.now() {
                // Due now: the call's task would not have waited.
                place(self.clone());
            } else {
                // The timer is set now, as the call's own sleep would have set it.
                let calls = self.clone();
                self.rt.clone().spawn_at(at, async move { place(calls) });
            }
        }
    }
}

/// A distinct, valid mobile number per call (`+3161` and seven digits), so callbacks never look
/// like duplicates of each other. Written by hand: `format!` was 12% of a bare M/M/c run.
fn synthetic_ani(id: u64) -> String {
    let mut digits = [b'0'; 7];
    let mut n = id % 10_000_000;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let mut ani = String::with_capacity(12);
    ani.push_str("+3161");
    ani.extend(digits.iter().map(|&b| b as char));
    ani
}

fn record(m: &mut Metrics, outcome: &CallOutcome, interval: usize) {
    match outcome {
        CallOutcome::Answered { queue, waited, .. } => {
            m.record_offered(Some(queue), interval);
            m.record_answered(Some(queue), interval, *waited);
        }
        CallOutcome::Abandoned { queue, waited } => {
            m.record_offered(Some(queue), interval);
            m.record_abandoned(Some(queue), interval, *waited);
        }
        CallOutcome::CallbackCreated { queue, waited, .. } => {
            m.record_offered(Some(queue), interval);
            m.record_callback_created(Some(queue), interval, *waited);
        }
        CallOutcome::Disconnected { queued: Some((queue, waited)), .. } => {
            m.record_offered(Some(queue), interval);
            m.record_abandoned(Some(queue), interval, *waited);
        }
        CallOutcome::Disconnected { queued: None, .. }
        | CallOutcome::ConnectedToAgent { .. }
        | CallOutcome::HungUp { .. }
        | CallOutcome::TransferredOut { .. }
        | CallOutcome::VoicemailLeft { .. }
        | CallOutcome::RetryLater { .. } => m.record_disconnected_in_flow(interval),
        CallOutcome::FlowError { .. } => m.record_flow_error(interval),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn synthetic_anis_are_valid_and_distinct() {
        assert_eq!(super::synthetic_ani(42), "+31610000042");
        assert_eq!(super::synthetic_ani(10_000_001), "+31610000001");
    }

    /// The simulator tells callbacks its callers' numbers need no second check
    /// (`CallSpec::ani_is_e164`): every synthetic number must then be valid and already written
    /// as the validation writes it. Every millionth number of the 10^7 (the prefix's both ends,
    /// the 6-digit block boundaries), and a seeded spread between them.
    #[test]
    fn synthetic_anis_normalise_to_themselves() {
        use crate::callbacks::normalize_number;
        let ends = (0..10).map(|m| m * 1_000_000).chain((0..10).map(|m| m * 1_000_000 + 999_999));
        let spread = (0..500u64).map(|i| i.wrapping_mul(6_364_136_223_846_793_005) % 10_000_000);
        for id in ends.chain(spread) {
            let ani = super::synthetic_ani(id);
            assert_eq!(normalize_number(&ani, None).as_deref(), Ok(ani.as_str()), "caller {id}");
            assert_eq!(normalize_number(&ani, Some("NL")).as_deref(), Ok(ani.as_str()), "caller {id}");
        }
    }
}
