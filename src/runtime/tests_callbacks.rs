//! The callback lifecycle on the virtual clock: the acme offer path keeps the caller's place, and
//! each routing rule (reject vs time-out, retries, pacing, ownership, windows) does what
//! `docs/callback-rules.md` says.

use super::callback_lifecycle as lifecycle;
use crate::acd::{AgentId, AgentState, SkillSet};
use crate::callbacks::live::{CallbackStep, LiveCallback};
use crate::callbacks::people::{AgentResponse, DialResult, Timings};
use crate::callbacks::{EndReason, State};
use crate::model::CallbackMode;
use crate::project::{CheckedProject, Project};
use crate::runtime::{
    CallContext, CallOutcome, CallPlan, CallSpec, CallTask, DtmfScript, Engine, Event, Recorder, Runtime,
    VirtualRuntime, run_call, run_call_detached,
};
use crate::time::Micros;
use chrono::TimeZone;
use std::cell::RefCell;
use std::rc::Rc;

const S: Micros = 1_000_000;
const M: Micros = 60 * S;

fn acme() -> CheckedProject {
    let checked = Project::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("flows/acme"))
        .expect("the acme project loads")
        .check();
    assert!(checked.diagnostics.iter().all(|d| !d.is_error()), "acme checks clean");
    checked
}

/// A small project: one queue, agents a0..a{n-1}, the callback settings in `callback_yaml`.
fn one_queue(agents: usize, callback_yaml: &str) -> CheckedProject {
    let mut center =
        format!("queues:\n  Q:\n    ani: \"+31201234500\"\n    callback:\n{callback_yaml}\nagents:\n");
    for i in 0..agents {
        center.push_str(&format!("  - name: a{i}\n    queues: [Q]\n"));
    }
    let flow = "inbound flow Main {\n  transfer to Q\n  disconnect\n}\n".to_string();
    let checked =
        Project::from_sources(vec![("main.flow".into(), flow)], Some(("center.yaml".into(), center))).check();
    let errors: Vec<_> =
        checked.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.message.clone()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    checked
}

struct Harness {
    rt: VirtualRuntime,
    engine: Rc<Engine<VirtualRuntime>>,
    trace: Recorder,
    /// Calls run as the simulator runs them (`run_call_detached`), not as `run` does.
    detached: bool,
}

impl Harness {
    fn new(checked: &CheckedProject, setup: impl FnOnce(&mut Engine<VirtualRuntime>)) -> Harness {
        let rt = VirtualRuntime::new(7);
        let (acd, _) =
            crate::runtime::build_acd(checked, &crate::model::AgentsSpec::Roster).expect("the roster builds");
        let mut engine = Engine::builder(rt.clone(), checked, acd)
            .callback_handle(|_| 4 * M)
            .ledger(crate::callbacks::ledger::MemoryLedger::default())
            .build();
        setup(&mut engine);
        Harness { rt, engine: Rc::new(engine), trace: Recorder::default(), detached: false }
    }

    /// An inbound call into `flow` at `at`, pressing `keys`, talking `handle` once answered.
    fn call(
        &self,
        flow: &str,
        at: Micros,
        ani: &str,
        keys: &str,
        handle: Micros,
    ) -> Rc<RefCell<Option<CallOutcome>>> {
        let outcome: Rc<RefCell<Option<CallOutcome>>> = Rc::default();
        let spec = CallSpec {
            id: 1,
            ani: ani.into(),
            ani_is_e164: false,
            dnis: Rc::from("+31201234500"),
            caller_name: String::new(),
            start: chrono_tz::Europe::Amsterdam.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap(),
            data: Default::default(),
        };
        let task = CallTask {
            engine: self.engine.clone(),
            ctx: Box::new(CallContext::new(spec, at)),
            caller: DtmfScript::parse(keys).unwrap(),
            plan: CallPlan { patience: None, handle, hang_up: None },
            obs: self.trace.clone(),
        };
        let graph = self.engine.flows[flow].clone();
        let (rt, out, detached) = (self.rt.clone(), outcome.clone(), self.detached);
        self.rt.spawn(async move {
            rt.sleep_until(at).await;
            let outcome =
                if detached { run_call_detached(task, graph).await } else { run_call(task, graph).await };
            *out.borrow_mut() = Some(outcome);
        });
        outcome
    }

    /// A callback created directly (as the command line or an agent would), due at `due`.
    fn callback(&self, id: &str, number: &str, due: Micros, edit: impl FnOnce(&mut LiveCallback)) {
        let q = self.engine.acd.borrow().queue_id("Q").expect("queue Q");
        let mut cb = LiveCallback {
            id: Rc::from(id),
            book_id: None,
            number: number.into(),
            name: String::new(),
            data: Default::default(),
            queue: q,
            mode: CallbackMode::AgentFirst,
            max_attempts: 3,
            attempts_made: 0,
            retry_every: 10 * M,
            owner: None,
            owner_until: None,
            window_end: None,
            due,
            key: None,
            entry: None,
            skills: SkillSet::EMPTY,
            priority: 0,
            ready_at: due,
            state: State::Scheduled,
        };
        edit(&mut cb);
        lifecycle::spawn(&self.engine, cb, self.trace.clone());
    }

    fn steps(&self, id: &str) -> Vec<(Micros, CallbackStep)> {
        self.trace
            .events()
            .into_iter()
            .filter_map(|(at, e)| match e {
                Event::Callback { id: i, step } if i == id => Some((at, step)),
                _ => None,
            })
            .collect()
    }

    fn end(&self, id: &str) -> Option<(State, EndReason)> {
        self.steps(id).into_iter().find_map(|(_, s)| match s {
            CallbackStep::Ended { state, reason } => Some((state, reason)),
            _ => None,
        })
    }

    fn agent(&self, name: &str) -> AgentId {
        self.engine.acd.borrow().agent_id(name).expect("agent")
    }

    fn set(&self, agent: &str, state: AgentState, at: Micros) {
        let (engine, agent) = (self.engine.clone(), self.agent(agent));
        self.rt.spawn(async move {
            engine.rt.sleep_until(at).await;
            let now = engine.rt.now();
            engine.acd.borrow_mut().set_state(agent, state, now).unwrap();
            engine.dispatch();
        });
    }
}

fn answered_at(h: &Harness, outcome: &Rc<RefCell<Option<CallOutcome>>>, arrival: Micros) -> Micros {
    match outcome.borrow().as_ref() {
        Some(CallOutcome::Answered { waited, .. }) => arrival + *waited,
        other => panic!("expected an answered call, got {other:?} ({:?})", h.rt.now()),
    }
}

#[test]
fn acme_caller_third_in_line_presses_1_and_the_callback_is_served_before_later_arrivals() {
    let checked = acme();
    let h = Harness::new(&checked, |_| {});
    // Warm-up: six billing calls of 5 minutes, so the estimated wait is known (5 completed).
    for i in 0..6 {
        h.call("AcmeSupport", i * S, &format!("+3161000000{i}"), "1", 5 * M);
    }
    // At 20 minutes both Billing agents (chloe, bram) take a call, two more wait ...
    let t = 20 * M;
    let busy: Vec<_> =
        (0..2).map(|i| h.call("AcmeSupport", t + i * S, &format!("+3161100000{i}"), "1", 5 * M)).collect();
    let ahead: Vec<_> = (0..2)
        .map(|i| h.call("AcmeSupport", t + (2 + i) * S, &format!("+3161200000{i}"), "1", 5 * M))
        .collect();
    // ... and the caller arrives third in line; the in-queue flow offers a callback and they press 1.
    let caller_at = t + 10 * S;
    let caller = h.call("AcmeSupport", caller_at, "+31612345678", "11", 5 * M);
    let later_at: Vec<Micros> = (0..3).map(|i| caller_at + (30 + i) * S).collect();
    let later: Vec<_> = later_at
        .iter()
        .enumerate()
        .map(|(i, &at)| h.call("AcmeSupport", at, &format!("+3161300000{i}"), "1", 5 * M))
        .collect();
    h.rt.run_until(4 * 60 * M);

    let created = h.trace.events().into_iter().find_map(|(_, e)| match e {
        Event::CallbackCreated { position, .. } => Some(position),
        _ => None,
    });
    assert_eq!(created, Some(Some(3)), "the callback keeps the caller's position 3");
    assert!(matches!(caller.borrow().as_ref(), Some(CallOutcome::CallbackCreated { .. })));
    let taken = h
        .steps("cb-1")
        .into_iter()
        .find_map(|(at, s)| matches!(s, CallbackStep::Accepted { .. }).then_some(at))
        .expect("an agent takes the callback");
    let ahead_served: Vec<Micros> =
        ahead.iter().enumerate().map(|(i, o)| answered_at(&h, o, t + (2 + i as i64) * S)).collect();
    for o in &busy {
        assert!(matches!(o.borrow().as_ref(), Some(CallOutcome::Answered { .. })));
    }
    for (o, &at) in later.iter().zip(&later_at) {
        let served = answered_at(&h, o, at);
        assert!(taken < served, "the callback ({taken}) is served before a later arrival ({served})");
    }
    // The offer is made when the agent frees, so the agent answers the offer before anyone behind.
    assert!(ahead_served.iter().all(|&a| a <= taken), "callers ahead go first: {ahead_served:?} vs {taken}");
    assert_eq!(h.end("cb-1"), Some((State::Completed, EndReason::Completed)));
}

#[test]
fn a_rejected_offer_goes_back_in_place_and_is_not_an_attempt_while_a_timeout_redirects() {
    let checked = one_queue(2, "      offer_timeout: 20s");
    let h = Harness::new(&checked, |e| {
        let mut p = e.callback_side.parties.borrow_mut();
        p.agent_script.extend([AgentResponse::Reject, AgentResponse::Timeout, AgentResponse::Accept]);
    });
    h.callback("cb-r", "+31612345678", 0, |_| {});
    h.rt.run_until(60 * M);
    let steps = h.steps("cb-r");
    let kinds: Vec<&str> = steps
        .iter()
        .map(|(_, s)| match s {
            CallbackStep::Offered { .. } => "offered",
            CallbackStep::Rejected { .. } => "rejected",
            CallbackStep::OfferTimedOut { .. } => "timeout",
            CallbackStep::Accepted { .. } => "accepted",
            CallbackStep::Dialing { .. } => "dialing",
            _ => "",
        })
        .filter(|k| !k.is_empty())
        .collect();
    assert_eq!(kinds, ["offered", "rejected", "offered", "timeout", "offered", "accepted", "dialing"]);
    // The time-out took the offer timeout (20 s) and left that agent not responding.
    let timeout_at = steps.iter().find(|(_, s)| matches!(s, CallbackStep::OfferTimedOut { .. })).unwrap().0;
    let offered_before = steps
        .iter()
        .rfind(|(at, s)| matches!(s, CallbackStep::Offered { .. }) && *at < timeout_at)
        .unwrap()
        .0;
    assert_eq!(timeout_at - offered_before, 20 * S);
    let stats = h.engine.callback_side.stats.borrow();
    assert_eq!((stats.rejected_offers, stats.offer_timeouts, stats.attempts), (1, 1, 1));
    assert_eq!(h.end("cb-r"), Some((State::Completed, EndReason::Completed)));
}

#[test]
fn retries_only_on_no_answer_or_busy_spaced_by_the_interval_until_attempts_run_out() {
    let checked = one_queue(1, "      attempts: 3\n      retry_interval: 10m\n      auto_answer: true");
    let h = Harness::new(&checked, |e| {
        e.callback_side.parties.borrow_mut().customer_script.extend([
            DialResult::NoAnswer,
            DialResult::Busy,
            DialResult::NoAnswer,
        ]);
    });
    h.callback("cb-x", "+31612345678", 0, |cb| cb.retry_every = 10 * M);
    h.rt.run_until(4 * 60 * M);
    let dials: Vec<Micros> = h
        .steps("cb-x")
        .into_iter()
        .filter_map(|(at, s)| matches!(s, CallbackStep::Dialing { .. }).then_some(at))
        .collect();
    assert_eq!(dials.len(), 3);
    assert!(dials.windows(2).all(|w| w[1] - w[0] >= 10 * M), "{dials:?}");
    assert_eq!(h.end("cb-x"), Some((State::Failed, EndReason::AttemptsExhausted)));

    // A machine is not retried: agent-first, the agent leaves a message and it is done.
    let h = Harness::new(&checked, |e| {
        e.callback_side.parties.borrow_mut().customer_script.push_back(DialResult::Machine)
    });
    h.callback("cb-m", "+31612345678", 0, |_| {});
    h.rt.run_until(60 * M);
    assert_eq!(h.end("cb-m"), Some((State::Completed, EndReason::Completed)));
    assert_eq!(h.engine.callback_side.stats.borrow().attempts, 1);
}

#[test]
fn customer_first_dials_at_most_pacing_times_available_agents_at_once() {
    let checked = one_queue(1, "      mode: customer_first\n      pacing_modifier: 2");
    let h = Harness::new(&checked, |e| {
        let mut p = e.callback_side.parties.borrow_mut();
        p.customer_script.extend([DialResult::NoAnswer; 6]);
        p.timings = Timings { ring_timeout: 30 * S, ..Timings::default() };
    });
    for i in 0..5 {
        h.callback(&format!("cb-{i}"), &format!("+3161234567{i}"), 0, |cb| {
            cb.mode = CallbackMode::CustomerFirst;
            cb.max_attempts = 1;
        });
    }
    h.rt.run_until(60 * M);
    // Count dials in progress over time from the trace.
    let mut events: Vec<(Micros, i32)> = Vec::new();
    for i in 0..5 {
        for (at, s) in h.steps(&format!("cb-{i}")) {
            match s {
                CallbackStep::Dialing { .. } => events.push((at, 1)),
                CallbackStep::DialResult { .. } => events.push((at, -1)),
                _ => {}
            }
        }
    }
    events.sort_by_key(|&(at, d)| (at, d));
    let (mut now, mut max) = (0, 0);
    for (_, d) in events {
        now += d;
        max = max.max(now);
    }
    assert_eq!(max, 2, "pacing modifier 2 × 1 available agent");
    for i in 0..5 {
        assert_eq!(h.end(&format!("cb-{i}")), Some((State::Failed, EndReason::AttemptsExhausted)));
    }
}

#[test]
fn customer_first_connects_an_answering_customer_from_the_kept_place() {
    let checked = one_queue(1, "      mode: customer_first");
    let h = Harness::new(&checked, |_| {});
    h.callback("cb-c", "+31612345678", 0, |cb| cb.mode = CallbackMode::CustomerFirst);
    h.rt.run_until(60 * M);
    let kinds: Vec<_> = h.steps("cb-c").into_iter().map(|(_, s)| s).collect();
    let dial = kinds.iter().position(|s| matches!(s, CallbackStep::Dialing { .. })).unwrap();
    let took = kinds.iter().position(|s| matches!(s, CallbackStep::Accepted { .. })).unwrap();
    assert!(dial < took, "customer-first dials before an agent is connected");
    assert_eq!(h.end("cb-c"), Some((State::Completed, EndReason::Completed)));
}

#[test]
fn an_owned_callback_waits_for_its_owner_then_goes_to_the_queue_or_ends() {
    for (to_queue, expect) in [
        (true, (State::Completed, EndReason::Completed)),
        (false, (State::Expired, EndReason::OwnershipExpired)),
    ] {
        let yaml = format!("      ownership_period: 1h\n      assign_to_queue_on_expiry: {to_queue}");
        let checked = one_queue(2, &yaml);
        let h = Harness::new(&checked, |_| {});
        let owner = h.agent("a0");
        h.set("a0", AgentState::NotAvailable, 0);
        h.callback("cb-o", "+31612345678", S, |cb| {
            cb.owner = Some(owner);
            cb.owner_until = Some(S + 60 * M);
        });
        h.rt.run_until(3 * 60 * M);
        let steps = h.steps("cb-o");
        let expired_at = steps
            .iter()
            .find_map(|(at, s)| matches!(s, CallbackStep::OwnershipExpired { .. }).then_some(*at))
            .expect("the ownership period ends");
        assert_eq!(expired_at, S + 60 * M);
        assert!(
            !steps.iter().any(|(at, s)| matches!(s, CallbackStep::Offered { .. }) && *at < expired_at),
            "nobody but the owner is offered it during the period"
        );
        assert_eq!(h.end("cb-o"), Some(expect), "assign_to_queue_on_expiry: {to_queue}");
        if to_queue {
            let taker = steps.iter().find_map(|(_, s)| match s {
                CallbackStep::Accepted { agent } => Some(agent.clone()),
                _ => None,
            });
            assert_eq!(taker.as_deref(), Some("a1"));
        }
    }
}

#[test]
fn an_owned_callback_goes_to_its_owner_when_the_owner_is_free() {
    let checked = one_queue(2, "      ownership_period: 1h");
    let h = Harness::new(&checked, |_| {});
    let owner = h.agent("a1");
    h.callback("cb-o", "+31612345678", S, |cb| {
        cb.owner = Some(owner);
        cb.owner_until = Some(S + 60 * M);
    });
    h.rt.run_until(60 * M);
    let taker = h.steps("cb-o").into_iter().find_map(|(_, s)| match s {
        CallbackStep::Accepted { agent } => Some(agent),
        _ => None,
    });
    assert_eq!(taker.as_deref(), Some("a1"), "a0 is idle longer, but the owner takes it");
}

#[test]
fn a_scheduled_callback_waits_for_its_time_and_expires_when_its_window_passes() {
    let checked = one_queue(1, "      auto_answer: true");
    let h = Harness::new(&checked, |_| {});
    h.callback("cb-later", "+31612345678", 2 * 60 * M, |_| {});
    // Nobody staffed in the second callback's window: it expires at the window's end.
    h.set("a0", AgentState::NotAvailable, 0);
    h.set("a0", AgentState::Available, 2 * 60 * M - S);
    h.callback("cb-missed", "+31612345679", 10 * M, |cb| cb.window_end = Some(40 * M));
    h.rt.run_until(5 * 60 * M);
    let took = h
        .steps("cb-later")
        .into_iter()
        .find_map(|(at, s)| matches!(s, CallbackStep::Accepted { .. }).then_some(at))
        .unwrap();
    assert_eq!(took, 2 * 60 * M, "released by the scheduler exactly when due");
    assert_eq!(h.end("cb-later"), Some((State::Completed, EndReason::Completed)));
    assert_eq!(h.end("cb-missed"), Some((State::Expired, EndReason::WindowMissed)));
    let missed_at = h
        .steps("cb-missed")
        .into_iter()
        .find_map(|(at, s)| matches!(s, CallbackStep::Ended { .. }).then_some(at))
        .unwrap();
    assert_eq!(missed_at, 40 * M);
    assert!(h.engine.callback_side.scheduler.borrow().is_empty());
}

#[test]
fn every_transition_is_a_legal_move_and_recorded() {
    let checked = one_queue(1, "      attempts: 2\n      retry_interval: 5m");
    let ledger = Rc::new(RefCell::new(Vec::new()));
    struct Shared(Rc<RefCell<Vec<(State, State)>>>);
    impl crate::callbacks::ledger::Ledger for Shared {
        fn record(&mut self, cb: &LiveCallback, to: State, _: &str, _: Micros) -> bool {
            self.0.borrow_mut().push((cb.state, to));
            true
        }
        fn claim_attempt(&mut self, _: &str, _: u32, _: Micros) -> bool {
            true
        }
    }
    let shared = ledger.clone();
    let h = Harness::new(&checked, move |e| {
        *e.callback_side.ledger.borrow_mut() = Box::new(Shared(shared));
        let mut p = e.callback_side.parties.borrow_mut();
        p.agent_script.extend([AgentResponse::Reject, AgentResponse::Accept, AgentResponse::Accept]);
        p.customer_script.extend([DialResult::Busy, DialResult::Answered]);
    });
    h.callback("cb-t", "+31612345678", 5 * M, |_| {});
    h.rt.run_until(60 * M);
    let moves = ledger.borrow().clone();
    assert!(!moves.is_empty());
    for (from, to) in &moves {
        assert!(crate::callbacks::can_move(*from, *to), "illegal move {from} → {to} in {moves:?}");
    }
    assert_eq!(moves.last().map(|m| m.1), Some(State::Completed));
}

#[test]
fn a_claimed_attempt_is_never_dialled_again() {
    let checked = one_queue(1, "      attempts: 2\n      auto_answer: true");
    struct Crashed;
    impl crate::callbacks::ledger::Ledger for Crashed {
        fn record(&mut self, _: &LiveCallback, _: State, _: &str, _: Micros) -> bool {
            true
        }
        // Attempt 1 was claimed before a crash.
        fn claim_attempt(&mut self, _: &str, attempt: u32, _: Micros) -> bool {
            attempt != 1
        }
    }
    let h = Harness::new(&checked, |e| *e.callback_side.ledger.borrow_mut() = Box::new(Crashed));
    h.callback("cb-k", "+31612345678", 0, |cb| cb.max_attempts = 2);
    h.rt.run_until(60 * M);
    let dials: Vec<u32> = h
        .steps("cb-k")
        .into_iter()
        .filter_map(|(_, s)| match s {
            CallbackStep::Dialing { attempt, .. } => Some(attempt),
            _ => None,
        })
        .collect();
    assert_eq!(dials, [2], "attempt 1 is skipped, attempt 2 dialled once");
    assert_eq!(h.end("cb-k"), Some((State::Completed, EndReason::Completed)));
}

#[test]
fn a_second_callback_for_a_pending_number_takes_the_failure_branch_and_the_number_is_freed_at_the_end() {
    let checked = acme();
    let h = Harness::new(&checked, |_| {});
    // Keep both Billing agents busy, then one caller rings twice while the first callback waits.
    for i in 0..6 {
        h.call("AcmeSupport", i * S, &format!("+3161000000{i}"), "1", 5 * M);
    }
    let t = 20 * M;
    for i in 0..4 {
        h.call("AcmeSupport", t + i * S, &format!("+3161100000{i}"), "1", 30 * M);
    }
    h.call("AcmeSupport", t + 10 * S, "+31612345678", "11", 5 * M);
    let again = h.call("AcmeSupport", t + 60 * S, "+31612345678", "11", 5 * M);
    h.rt.run_until(t + 3 * M);
    let notes: Vec<String> = h
        .trace
        .events()
        .into_iter()
        .filter_map(|(_, e)| match e {
            Event::Note(n) if n.starts_with("callback refused") => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("CB010: callback cb-1 for +31612345678 is already pending"), "{notes:?}");
    let kept_waiting =
        h.trace.events().into_iter().any(
            |(_, e)| matches!(&e, Event::Prompt(p) if p.starts_with("Sorry, we could not book a callback")),
        );
    assert!(kept_waiting, "the failure branch (KeepWaiting) ran");
    assert!(again.borrow().is_none(), "the second call stays in queue");
    h.rt.run_until(6 * 60 * M);
    assert_eq!(h.end("cb-1"), Some((State::Completed, EndReason::Completed)));
    assert!(
        h.engine
            .callbacks
            .borrow_mut()
            .create(
                &crate::callbacks::CallbackRequest {
                    number: "+31612345678".into(),
                    number_is_e164: false,
                    name: String::new(),
                    queue: "Billing".into(),
                    at: None,
                    window: None,
                    timezone: None,
                    attempts: 1,
                    retry_every_secs: 60,
                    mode: CallbackMode::AgentFirst,
                    owner: None,
                    data: Default::default(),
                    origin: crate::callbacks::Origin::Api,
                    keeps_position: false,
                    serving: None,
                },
                &Default::default(),
                chrono::Utc::now(),
                "Europe/Amsterdam"
            )
            .is_ok(),
        "once the first callback ended, the number is free again"
    );
}

#[test]
fn the_store_ledger_commits_each_move_and_a_retry_s_new_due_time() {
    use crate::callbacks::ledger::StoreLedger;
    use crate::callbacks::store::{CallbackStore, SqliteStore, StoredCallback};
    let path = std::env::temp_dir().join(format!("callwright-ledger-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let epoch = 1_800_000_000_000_000; // UTC microseconds at runtime zero
    let mut store = SqliteStore::open(&path).unwrap();
    let row = StoredCallback {
        id: "cb-s".into(),
        number: "+31612345678".into(),
        queue: "Q".into(),
        owner: None,
        state: "SCHEDULED".into(),
        due_at_utc: epoch,
        payload_json: "{}".into(),
        attempts_made: 0,
        idempotency_key: None,
        updated_at: epoch,
    };
    store.insert(&row).unwrap();
    let checked = one_queue(1, "      auto_answer: true");
    let ledger_path = path.clone();
    let h = Harness::new(&checked, move |e| {
        *e.callback_side.ledger.borrow_mut() =
            Box::new(StoreLedger::new(SqliteStore::open(&ledger_path).unwrap(), epoch));
        e.callback_side
            .parties
            .borrow_mut()
            .customer_script
            .extend([DialResult::NoAnswer, DialResult::Answered]);
    });
    h.callback("cb-s", "+31612345678", 0, |cb| cb.retry_every = 10 * M);
    // After the first dial: back to SCHEDULED, due 10 minutes after the no-answer.
    h.rt.run_until(5 * M);
    let now_row = store.get("cb-s").unwrap().unwrap();
    assert_eq!(now_row.state, "SCHEDULED");
    assert_eq!(now_row.attempts_made, 1);
    let no_answer_at = h
        .steps("cb-s")
        .into_iter()
        .find_map(|(at, s)| matches!(s, CallbackStep::DialResult { .. }).then_some(at))
        .unwrap();
    assert_eq!(now_row.due_at_utc, epoch + no_answer_at + 10 * M);
    h.rt.run_until(60 * M);
    let done = store.get("cb-s").unwrap().unwrap();
    assert_eq!((done.state.as_str(), done.attempts_made), ("COMPLETED", 2));
    let states: Vec<String> = store.history("cb-s").unwrap().into_iter().map(|t| t.to_state).collect();
    assert_eq!(
        states,
        [
            "SCHEDULED",
            "QUEUED",
            "ROUTING",
            "PROCESSING",
            "SCHEDULED",
            "QUEUED",
            "ROUTING",
            "PROCESSING",
            "COMPLETED"
        ]
    );
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// A customer's "call me later" in a campaign's outbound flow books a campaign callback in the
/// store — for any agent of the campaign, with the record's campaign and contact — through the
/// one create path.
#[test]
fn call_me_later_in_a_campaign_s_outbound_flow_books_a_campaign_callback() {
    use crate::callbacks::ledger::StoreLedger;
    use crate::callbacks::store::{CallbackStore, SqliteStore};
    use crate::callbacks::{CallbackType, store::codec};
    let path = std::env::temp_dir().join(format!("callwright-later-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let epoch = chrono_tz::UTC.timestamp_opt(1_800_000_000, 0).unwrap();
    let center = "queues:\n  Q:\n    ani: \"+31201234500\"\n    callback:\n      auto_answer: true\n      outbound_flow: Later\nagents:\n  - name: a0\n    queues: [Q]\n";
    let flow = "inbound flow Main {\n  transfer to Q\n  disconnect\n}\n\noutbound flow Later {\n  play \"Shall we call you tomorrow?\"\n  create callback queue Q at Now + 1d\n  disconnect\n}\n";
    let checked = Project::from_sources(
        vec![("main.flow".into(), flow.to_string())],
        Some(("center.yaml".into(), center.to_string())),
    )
    .check();
    let errors: Vec<_> =
        checked.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.message.clone()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let mut store = SqliteStore::open(&path).unwrap();
    let row = crate::callbacks::store::StoredCallback {
        id: "cb-renewal".into(),
        number: "+31612345678".into(),
        queue: "Q".into(),
        owner: None,
        state: "SCHEDULED".into(),
        due_at_utc: epoch.timestamp_micros(),
        payload_json: "{}".into(),
        attempts_made: 0,
        idempotency_key: None,
        updated_at: epoch.timestamp_micros(),
    };
    store.insert(&row).unwrap();
    let ledger_path = path.clone();
    let h = Harness::new(&checked, move |e| {
        *e.callback_side.epoch.borrow_mut() = Some(epoch);
        *e.callback_side.ledger.borrow_mut() =
            Box::new(StoreLedger::new(SqliteStore::open(&ledger_path).unwrap(), epoch.timestamp_micros()));
        e.callback_side.parties.borrow_mut().customer_script.extend([DialResult::Answered]);
    });
    h.callback("cb-renewal", "+31612345678", 0, |cb| {
        cb.data = [("campaign", "Renewals"), ("contactId", "7"), ("note", "not inherited")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    });
    h.rt.run_until(10 * M);
    let booked: Vec<_> = store
        .list(&crate::callbacks::store::ListFilter::default())
        .unwrap()
        .into_iter()
        .filter(|row| row.id != "cb-renewal")
        .map(|row| codec::decode(&row).unwrap())
        .collect();
    assert_eq!(booked.len(), 1, "{booked:?}");
    let later = &booked[0];
    assert_eq!(later.callback_type, CallbackType::Campaign, "{later:?}");
    assert_eq!(later.callback_number, "+31612345678");
    assert_eq!(later.data.get("campaign").map(String::as_str), Some("Renewals"));
    assert_eq!(later.data.get("contactId").map(String::as_str), Some("7"));
    assert!(!later.data.contains_key("note"), "only the campaign and contact go with it: {later:?}");
    assert_eq!(later.owner, None, "any agent of the campaign");
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// The simulator's calls end as the agent answers, their talk going on as a task of its own: the
/// agents, their talk and every call's wait and agent must come out as when each call keeps its
/// talk (five calls for two agents, one with wrap-up, so calls wait for talks and wrap-ups to end).
#[test]
fn a_detached_talk_serves_the_queue_as_a_kept_one() {
    let run = |detached: bool| {
        let center = "queues:\n  Q:\n    ani: \"+31201234500\"\nagents:\n  - name: a0\n    queues: [Q]\n    wrap_up: 30s\n  - name: a1\n    queues: [Q]\n";
        let flow = "inbound flow Main {\n  transfer to Q\n  disconnect\n}\n".to_string();
        let checked = Project::from_sources(
            vec![("main.flow".into(), flow)],
            Some(("center.yaml".into(), center.into())),
        )
        .check();
        assert!(checked.diagnostics.iter().all(|d| !d.is_error()), "{:?}", checked.diagnostics);
        let mut h = Harness::new(&checked, |_| {});
        h.detached = detached;
        let outcomes: Vec<_> =
            (0..5).map(|i| h.call("Main", i * 10 * S, &format!("+3161234560{i}"), "", (3 + i) * M)).collect();
        h.rt.run();
        let outcomes: Vec<_> = outcomes.iter().map(|o| o.borrow().clone().expect("the call ended")).collect();
        let talk = h.engine.talk();
        let states: Vec<_> = (0..2).map(|a| h.engine.acd.borrow().agent_state(AgentId(a))).collect();
        (outcomes, talk.total(), talk.per_agent().to_vec(), states, h.rt.now())
    };
    let kept = run(false);
    let detached = run(true);
    assert!(kept.0.iter().all(|o| matches!(o, CallOutcome::Answered { .. })), "{:?}", kept.0);
    assert!(kept.0.iter().any(|o| matches!(o, CallOutcome::Answered { waited, .. } if *waited > 0)));
    assert_eq!(detached, kept);
}
