use super::*;
use crate::time::{Micros, secs};
use proptest::prelude::*;
use std::collections::HashSet;

fn one_queue(agents: usize, wrap_up: Micros) -> (Acd, QueueId, Vec<AgentId>) {
    let mut acd = Acd::new();
    let q = acd.add_queue("Support");
    let ids = (0..agents)
        .map(|i| acd.add_agent(AgentSpec { name: format!("a{i}"), skills: vec![], queues: vec![q], wrap_up }))
        .collect();
    (acd, q, ids)
}

/// An agent of queue `q` alone with `skills`, no wrap-up.
fn member(q: QueueId, name: &str, skills: &[&str]) -> AgentSpec {
    AgentSpec {
        name: name.into(),
        skills: skills.iter().map(|s| s.to_string()).collect(),
        queues: vec![q],
        wrap_up: 0,
    }
}

/// Serves everything waiting with one agent that is released after each entry.
fn serve_order(acd: &mut Acd, agent: AgentId, now: Micros) -> Vec<EntryId> {
    let mut order = Vec::new();
    while let Some(a) = acd.route(now) {
        assert_eq!(a.agent, agent);
        order.push(a.entry);
        acd.release(agent, now);
    }
    order
}

#[test]
fn fifo_within_priority() {
    let (mut acd, q, agents) = one_queue(1, 0);
    acd.set_state(agents[0], AgentState::NotAvailable, 0).unwrap();
    let e: Vec<_> = (0..4).map(|i| acd.enqueue(q, 0, SkillSet::EMPTY, i)).collect();
    // Same microsecond: the sequence number keeps arrival order.
    let f = acd.enqueue(q, 0, SkillSet::EMPTY, 3);
    assert_eq!(acd.route(10), None, "nobody available");
    acd.set_state(agents[0], AgentState::Available, 10).unwrap();
    assert_eq!(serve_order(&mut acd, agents[0], 10), vec![e[0], e[1], e[2], e[3], f]);
}

#[test]
fn priority_beats_age() {
    let (mut acd, q, agents) = one_queue(1, 0);
    acd.set_state(agents[0], AgentState::NotAvailable, 0).unwrap();
    let old = acd.enqueue(q, 0, SkillSet::EMPTY, 0);
    let urgent = acd.enqueue(q, 5, SkillSet::EMPTY, 100);
    let low = acd.enqueue(q, -1, SkillSet::EMPTY, 1);
    acd.set_state(agents[0], AgentState::Available, 200).unwrap();
    assert_eq!(serve_order(&mut acd, agents[0], 200), vec![urgent, old, low]);
}

#[test]
fn take_over_keeps_the_exact_place() {
    let (mut acd, q, agents) = one_queue(1, 0);
    acd.set_state(agents[0], AgentState::NotAvailable, 0).unwrap();
    let mut e: Vec<_> = (0..5).map(|i| acd.enqueue(q, 0, SkillSet::EMPTY, i * 10)).collect();
    let key = acd.key(e[2]).unwrap();
    let callback = acd.take_over(e[2], 25).unwrap();
    assert_ne!(callback, e[2]);
    assert_eq!(acd.key(callback), Some(key));
    assert_eq!(acd.key(e[2]), None);
    assert_eq!(acd.position(callback), Some(3));
    assert_eq!(acd.waiting(q), 5);
    // The caller hanging up afterwards must not touch the callback.
    assert!(!acd.remove(e[2], 26));
    // A later arrival in the same microsecond as the caller stays behind the callback.
    let late = acd.enqueue(q, 0, SkillSet::EMPTY, 20);
    acd.set_state(agents[0], AgentState::Available, 100).unwrap();
    e[2] = callback;
    e.insert(3, late);
    assert_eq!(serve_order(&mut acd, agents[0], 100), e);
}

/// A take-over with the caller's key and class renews the entry in place: exactly what taking
/// the entry out and putting the callback in with that key gives (the same new id, positions,
/// routing and serving order), on a twin ACD that does the two steps.
#[test]
fn take_over_in_place_equals_remove_then_insert() {
    let (mut fast, q, agents) = one_queue(2, 0);
    for a in &agents {
        fast.set_state(*a, AgentState::NotAvailable, 0).unwrap();
    }
    let mut slow = fast.clone();
    let skills = fast.skill_set(&["support"]);
    assert_eq!(skills, slow.skill_set(&["support"]));
    let mut ids = Vec::new();
    for (i, prio) in [0, 5, 0, 0, 5, 0].into_iter().enumerate() {
        let a = fast.enqueue(q, prio, SkillSet::EMPTY, i as Micros);
        assert_eq!(a, slow.enqueue(q, prio, SkillSet::EMPTY, i as Micros));
        ids.push(a);
    }
    let routing = CallbackRouting { owner: None, offer: true };
    for (n, &i) in [2usize, 4, 0].iter().enumerate() {
        let now = 100 + n as Micros;
        let key = fast.key(ids[i]).unwrap();
        let renewed = fast.take_over_callback(ids[i], None, None, routing, now).unwrap();
        assert!(slow.remove(ids[i], now));
        let inserted = slow.enqueue_callback(q, key, SkillSet::EMPTY, routing, now);
        assert_eq!(renewed, inserted, "the same slot, the next generation");
        assert_eq!(fast.key(ids[i]), None);
        ids[i] = renewed;
        for &e in &ids {
            assert_eq!(fast.position(e), slow.position(e));
        }
    }
    // Another class (skills) or key (priority) takes the general path, on both.
    let skilled = fast.take_over_callback(ids[1], Some(skills), None, routing, 110).unwrap();
    assert_eq!(Some(skilled), slow.take_over_callback(ids[1], Some(skills), None, routing, 110));
    let raised = fast.take_over_callback(ids[3], None, Some(9), routing, 111).unwrap();
    assert_eq!(Some(raised), slow.take_over_callback(ids[3], None, Some(9), routing, 111));
    for a in &agents {
        fast.set_state(*a, AgentState::Available, 200).unwrap();
        slow.set_state(*a, AgentState::Available, 200).unwrap();
    }
    loop {
        let (f, s) = (fast.offer(200), slow.offer(200));
        assert_eq!(f, s);
        let Some(a) = f else { break };
        assert_eq!(fast.accept(a.agent, 200), slow.accept(a.agent, 200));
        fast.release(a.agent, 200);
        slow.release(a.agent, 200);
    }
    // The callback that needs a skill no agent has waits on, in both.
    assert_eq!((fast.waiting(q), slow.waiting(q)), (1, 1));
    assert_eq!(fast.position(skilled), Some(1));
}

#[test]
fn enqueue_with_key_slots_a_callback_in_and_fresh_keys_stay_behind() {
    let (mut acd, q, agents) = one_queue(1, 0);
    acd.set_state(agents[0], AgentState::NotAvailable, 0).unwrap();
    let a = acd.enqueue(q, 0, SkillSet::EMPTY, 10);
    let cb =
        acd.enqueue_with_key(q, PositionKey { priority: 0, enqueued_at: 5, seq: 100 }, SkillSet::EMPTY, 50);
    let b = acd.enqueue(q, 0, SkillSet::EMPTY, 5);
    assert!(acd.key(b).unwrap().seq > 100);
    acd.set_state(agents[0], AgentState::Available, 60).unwrap();
    assert_eq!(serve_order(&mut acd, agents[0], 60), vec![cb, b, a]);
}

#[test]
fn abandon_removes() {
    let (mut acd, q, agents) = one_queue(1, 0);
    acd.set_state(agents[0], AgentState::NotAvailable, 0).unwrap();
    let a = acd.enqueue(q, 0, SkillSet::EMPTY, 0);
    let b = acd.enqueue(q, 0, SkillSet::EMPTY, 1);
    assert!(acd.remove(a, 5));
    assert!(!acd.remove(a, 5), "twice");
    assert_eq!(acd.waiting(q), 1);
    assert_eq!(acd.position(b), Some(1));
    acd.set_state(agents[0], AgentState::Available, 10).unwrap();
    let got = acd.route(10).unwrap();
    assert_eq!((got.entry, got.waited), (b, 9));
    assert!(!acd.remove(b, 11), "already served");
    assert_eq!(acd.route(11), None);
}

#[test]
fn longest_idle_agent_is_chosen() {
    let (mut acd, q, agents) = one_queue(3, 0);
    // All idle since 0: ties go to the lowest id.
    assert_eq!(acd.route(0), None);
    acd.enqueue(q, 0, SkillSet::EMPTY, 1);
    assert_eq!(acd.route(1).unwrap().agent, agents[0]);
    // a1 goes on break and comes back: now idle since 5, after a2 (idle since 0).
    acd.set_state(agents[1], AgentState::NotAvailable, 3).unwrap();
    acd.set_state(agents[1], AgentState::Available, 5).unwrap();
    acd.release(agents[0], 6); // idle since 6
    acd.enqueue(q, 0, SkillSet::EMPTY, 7);
    assert_eq!(acd.route(7).unwrap().agent, agents[2]);
    acd.enqueue(q, 0, SkillSet::EMPTY, 8);
    assert_eq!(acd.route(8).unwrap().agent, agents[1]);
    acd.enqueue(q, 0, SkillSet::EMPTY, 9);
    assert_eq!(acd.route(9).unwrap().agent, agents[0]);
    // Setting Available again while available keeps the idle time.
    acd.release(agents[2], 10);
    acd.release(agents[1], 11);
    acd.set_state(agents[2], AgentState::Available, 12).unwrap();
    acd.enqueue(q, 0, SkillSet::EMPTY, 13);
    assert_eq!(acd.route(13).unwrap().agent, agents[2]);
}

#[test]
fn skills_are_respected_and_a_skilled_head_blocks_nobody() {
    let mut acd = Acd::new();
    let q = acd.add_queue("Support");
    let plain =
        acd.add_agent(AgentSpec { name: "plain".into(), skills: vec![], queues: vec![q], wrap_up: 0 });
    let french = acd.skill_set(&["french"]);
    let needs_french = acd.enqueue(q, 0, french, 0);
    let x = acd.enqueue(q, 0, &Vec::<&str>::new(), 1);
    let y = acd.enqueue(q, 0, SkillSet::EMPTY, 2);
    let a = acd.route(3).unwrap();
    assert_eq!((a.entry, a.agent), (x, plain));
    acd.release(plain, 4);
    assert_eq!(acd.route(4).unwrap().entry, y);
    acd.release(plain, 5);
    assert_eq!(acd.route(5), None, "nobody speaks French");
    assert_eq!(acd.position(needs_french), Some(1));
    let speaker = acd.add_agent(AgentSpec {
        name: "fr".into(),
        skills: vec!["french".into(), "billing".into()],
        queues: vec![q],
        wrap_up: 0,
    });
    // Skill names work too, and match the interned set.
    let by_name = acd.enqueue(q, 0, &["french"], 6);
    let a = acd.route(6).unwrap();
    assert_eq!((a.entry, a.agent), (needs_french, speaker));
    assert_eq!(acd.route(6), None, "only the French speaker has the skill, and is busy");
    acd.release(speaker, 7);
    assert_eq!(acd.route(7).unwrap().entry, by_name);
}

#[test]
fn skilled_entries_go_to_the_longest_idle_agent_with_the_skill() {
    let mut acd = Acd::new();
    let q = acd.add_queue("Q");
    let a0 = acd.add_agent(member(q, "a0", &[]));
    let a1 = acd.add_agent(member(q, "a1", &["x"]));
    let a2 = acd.add_agent(member(q, "a2", &["x", "y"]));
    acd.set_state(a1, AgentState::NotAvailable, 1).unwrap();
    acd.set_state(a1, AgentState::Available, 2).unwrap();
    let e = acd.enqueue(q, 0, &["x"], 3);
    let got = acd.route(3).unwrap();
    assert_eq!((got.entry, got.agent), (e, a2), "a2 idle since 0 beats a1 idle since 2; a0 lacks x");
    acd.enqueue(q, 0, SkillSet::EMPTY, 4);
    assert_eq!(acd.route(4).unwrap().agent, a0);
}

#[test]
fn when_every_agent_has_the_skill_the_longest_idle_takes_it_and_a_newcomer_without_it_does_not() {
    let mut acd = Acd::new();
    let q = acd.add_queue("Q");
    let a0 = acd.add_agent(member(q, "a0", &["x"]));
    let a1 = acd.add_agent(member(q, "a1", &["x", "y"]));
    acd.set_state(a0, AgentState::NotAvailable, 1).unwrap();
    acd.set_state(a0, AgentState::Available, 2).unwrap();
    // Both have x: the idle heap's top, a1 (idle since 0), without a scan.
    acd.enqueue(q, 0, &["x"], 3);
    assert_eq!(acd.route(3).unwrap().agent, a1);
    acd.release(a1, 4);
    // A newcomer without x joins, idle since 0, the longest of all: x is no longer every agent's,
    // and routing must pass the newcomer by.
    let plain = acd.add_agent(member(q, "plain", &[]));
    acd.set_state(a0, AgentState::NotAvailable, 5).unwrap();
    acd.set_state(a0, AgentState::Available, 6).unwrap();
    acd.set_state(a1, AgentState::NotAvailable, 7).unwrap();
    acd.set_state(a1, AgentState::Available, 8).unwrap();
    acd.enqueue(q, 0, &["x"], 9);
    assert_eq!(acd.route(9).unwrap().agent, a0, "plain (idle since 0) lacks x; a0 idle since 6");
    acd.enqueue(q, 0, SkillSet::EMPTY, 10);
    assert_eq!(acd.route(10).unwrap().agent, plain);
}

#[test]
fn across_queues_the_best_key_wins_the_shared_agent() {
    let mut acd = Acd::new();
    let sales = acd.add_queue("Sales");
    let support = acd.add_queue("Support");
    let both = acd.add_agent(AgentSpec {
        name: "b".into(),
        skills: vec![],
        queues: vec![sales, support],
        wrap_up: 0,
    });
    acd.set_state(both, AgentState::NotAvailable, 0).unwrap();
    let s1 = acd.enqueue(sales, 0, SkillSet::EMPTY, 10);
    let t1 = acd.enqueue(support, 0, SkillSet::EMPTY, 5);
    let t2 = acd.enqueue(support, 1, SkillSet::EMPTY, 20);
    acd.set_state(both, AgentState::Available, 30).unwrap();
    assert_eq!(acd.agents_available(sales), 1);
    assert_eq!(acd.agents_available(support), 1);
    let order = serve_order(&mut acd, both, 30);
    assert_eq!(order, vec![t2, t1, s1], "priority first, then the oldest enqueue across queues");
}

#[test]
fn wrap_up_delays_availability() {
    let (mut acd, q, agents) = one_queue(1, secs(30));
    let a = agents[0];
    acd.enqueue(q, 0, SkillSet::EMPTY, 0);
    acd.enqueue(q, 0, SkillSet::EMPTY, 0);
    assert_eq!(acd.route(0).unwrap().agent, a);
    assert_eq!(acd.release(a, secs(100)), secs(30));
    assert_eq!(acd.agent_state(a), AgentState::WrapUp);
    assert_eq!(acd.agents_available(q), 0);
    assert_eq!(acd.agents_staffed(q), 1);
    assert_eq!(acd.route(secs(110)), None);
    assert!(!acd.finish_wrap_up(a, secs(120)), "too early: a stale timer");
    assert!(acd.finish_wrap_up(a, secs(130)));
    assert_eq!(acd.agent_state(a), AgentState::Available);
    let got = acd.route(secs(130)).unwrap();
    assert_eq!(got.waited, secs(130));
    // A release while set NotAvailable keeps NotAvailable, and needs no wrap-up timer.
    acd.set_state(a, AgentState::NotAvailable, secs(140)).unwrap();
    assert_eq!(acd.release(a, secs(150)), 0);
    assert_eq!(acd.agent_state(a), AgentState::NotAvailable);
    assert_eq!(acd.agents_staffed(q), 0);
    assert_eq!(acd.release(a, secs(150)), 0, "not on a call");
}

#[test]
fn no_available_while_on_a_call_and_no_alerting_by_hand() {
    let (mut acd, q, agents) = one_queue(1, 0);
    acd.enqueue(q, 0, SkillSet::EMPTY, 0);
    acd.route(0).unwrap();
    assert!(matches!(acd.set_state(agents[0], AgentState::Available, 1), Err(AcdError::OnCall(_))));
    assert!(matches!(acd.set_state(agents[0], AgentState::Alerting, 1), Err(AcdError::AlertingByHand(_))));
}

#[test]
fn position_numbers() {
    let (mut acd, q, agents) = one_queue(1, 0);
    acd.set_state(agents[0], AgentState::NotAvailable, 0).unwrap();
    let a = acd.enqueue(q, 0, SkillSet::EMPTY, 0);
    let b = acd.enqueue(q, 0, &["x"], 1);
    let c = acd.enqueue(q, 0, SkillSet::EMPTY, 2);
    let d = acd.enqueue(q, 3, SkillSet::EMPTY, 3);
    assert_eq!([a, b, c, d].map(|e| acd.position(e)), [Some(2), Some(3), Some(4), Some(1)]);
    acd.remove(b, 4);
    assert_eq!([a, b, c, d].map(|e| acd.position(e)), [Some(2), None, Some(3), Some(1)]);
}

#[test]
fn ewt_unknown_then_known() {
    let (mut acd, q, agents) = one_queue(2, 0);
    assert_eq!(acd.estimated_wait(q, None, 0), None, "no data yet");
    let mut now = 0;
    for _ in 0..ewt::EWT_MIN_SAMPLES {
        assert_eq!(acd.estimated_wait(q, None, now), None);
        acd.enqueue(q, 0, SkillSet::EMPTY, now);
        let a = acd.route(now).unwrap();
        now += secs(60);
        acd.release(a.agent, now);
    }
    assert_eq!(acd.average_handle_time(q), Some(secs(60)));
    assert_eq!(acd.smoothed_handle_time(q), Some(secs(60)));
    // Two idle agents: a new caller would be served at once.
    assert_eq!(acd.estimated_wait(q, None, now), Some(0));
    for agent in &agents {
        acd.set_state(*agent, AgentState::Busy, now).unwrap();
    }
    let e: Vec<_> = (0..3).map(|_| acd.enqueue(q, 0, SkillSet::EMPTY, now)).collect();
    // Third in line, two staffed agents, 60 s each: 3 × 60 / 2.
    assert_eq!(acd.estimated_wait(q, Some(e[2]), now), Some(secs(90)));
    assert_eq!(acd.estimated_wait(q, None, now), Some(secs(120)));
    for agent in &agents {
        acd.set_state(*agent, AgentState::NotAvailable, now).unwrap();
    }
    assert_eq!(acd.estimated_wait(q, None, now), None, "nobody staffed");
    assert_eq!(acd.estimated_wait(q, Some(e[0]), now), None);
}

#[test]
fn ewma_follows_recent_handles() {
    let (mut acd, q, _) = one_queue(1, 0);
    let mut now = 0;
    for i in 0..40 {
        let handle = if i < 20 { secs(100) } else { secs(300) };
        acd.enqueue(q, 0, SkillSet::EMPTY, now);
        let a = acd.route(now).unwrap();
        now += handle;
        acd.release(a.agent, now);
    }
    assert_eq!(acd.average_handle_time(q), Some(secs(200)));
    let smoothed = acd.smoothed_handle_time(q).unwrap();
    assert!(smoothed > secs(270) && smoothed < secs(300), "{smoothed}");
}

#[test]
fn an_offer_keeps_the_place_on_reject_and_becomes_a_call_on_accept() {
    let (mut acd, q, agents) = one_queue(2, 0);
    acd.set_state(agents[1], AgentState::NotAvailable, 0).unwrap();
    acd.set_state(agents[0], AgentState::NotAvailable, 0).unwrap();
    let first = acd.enqueue(q, 0, SkillSet::EMPTY, 0);
    let second = acd.enqueue(q, 0, SkillSet::EMPTY, 1);
    acd.set_state(agents[0], AgentState::Available, 2).unwrap();
    let offer = acd.offer(2).unwrap();
    assert_eq!((offer.entry, offer.agent), (first, agents[0]));
    assert_eq!(acd.agent_state(agents[0]), AgentState::Alerting);
    assert_eq!(acd.waiting(q), 1);
    assert_eq!(acd.reject(agents[0], 3), Some(first));
    assert_eq!(acd.agent_state(agents[0]), AgentState::NotAvailable);
    assert_eq!(acd.position(first), Some(1), "same id, same place");
    acd.set_state(agents[1], AgentState::Available, 4).unwrap();
    let offer = acd.offer(4).unwrap();
    assert_eq!((offer.entry, offer.agent), (first, agents[1]));
    assert_eq!(acd.accept(agents[1], 5), Some(first));
    assert_eq!(acd.agent_state(agents[1]), AgentState::Busy);
    assert_eq!(acd.key(first), None);
    // Withdrawing an offer gives the agent back its idle place.
    acd.set_state(agents[0], AgentState::Available, 6).unwrap();
    let offer = acd.offer(7).unwrap();
    assert_eq!(offer.entry, second);
    assert!(acd.remove(second, 8));
    assert_eq!(acd.agent_state(agents[0]), AgentState::Available);
    assert_eq!(acd.agents_available(q), 1);
    acd.release(agents[1], 9);
    acd.enqueue(q, 0, SkillSet::EMPTY, 10);
    assert_eq!(acd.route(10).unwrap().agent, agents[0], "idle since 6, before agent 1's 9");
}

#[test]
fn from_center_builds_queues_and_roster() {
    let text = "queues:\n  Support:\n    skills: [support]\n  Billing: {}\nagents:\n  - name: alice\n    skills: [billing]\n    queues: [Support, Billing]\n    wrap_up: 30s\n  - name: bob\n    queues: [Support]\n";
    let (center, diags) = crate::model::center::load_center(crate::source::FileId::default(), text);
    assert!(diags.is_empty(), "{diags:?}");
    let acd = Acd::from_center(&center.unwrap()).unwrap();
    let support = acd.queue_id("Support").unwrap();
    let billing = acd.queue_id("Billing").unwrap();
    assert_eq!(acd.queue_name(support), "Support");
    assert_eq!(acd.agents_staffed(support), 2);
    assert_eq!(acd.agents_available(billing), 1);
    assert!(!acd.queue_default_skills(support).is_empty());
    assert_eq!(acd.agent_name(acd.agent_id("alice").unwrap()), "alice");
}

#[test]
fn try_add_agent_reports_what_add_agent_forgives() {
    let mut acd = Acd::new();
    let q = acd.add_queue("Q");
    assert_eq!(acd.add_queue("Q"), q);
    let spec = |name: &str| AgentSpec { name: name.into(), skills: vec![], queues: vec![q, q], wrap_up: 0 };
    acd.try_add_agent(spec("a")).unwrap();
    assert_eq!(acd.agents_staffed(q), 1, "a queue listed twice counts once");
    assert!(matches!(acd.try_add_agent(spec("a")), Err(AcdError::DuplicateAgent(_))));
    let many: Vec<String> = (0..=MAX_SKILLS).map(|i| format!("s{i}")).collect();
    let err = acd.try_add_agent(AgentSpec { skills: many.clone(), ..spec("b") });
    assert!(matches!(err, Err(AcdError::TooManySkills { .. })));
    // Past the table, a required skill makes the entry unservable rather than served by anyone.
    acd.add_agent(AgentSpec { skills: many.clone(), ..spec("c") });
    acd.enqueue(q, 0, &[many[MAX_SKILLS].as_str()], 0);
    assert_eq!(acd.route(0), None);
}

// ---- property test: random traffic against a brute-force model ----

#[derive(Debug, Clone)]
enum Op {
    Enqueue { queue: u32, priority: i64, skills: u8 },
    Remove(usize),
    TakeOver(usize),
    Route,
    Release(u32),
    FinishWrapUp(u32),
    SetState(u32, u8),
    Advance(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..2u32, 0..3i64, 0..4u8).prop_map(|(queue, priority, skills)| Op::Enqueue { queue, priority, skills }),
        1 => any::<usize>().prop_map(Op::Remove),
        1 => any::<usize>().prop_map(Op::TakeOver),
        3 => Just(Op::Route),
        2 => (0..4u32).prop_map(Op::Release),
        1 => (0..4u32).prop_map(Op::FinishWrapUp),
        1 => (0..4u32, 0..5u8).prop_map(|(a, s)| Op::SetState(a, s)),
        2 => (0..4i64).prop_map(Op::Advance),
    ]
}

struct Model {
    acd: Acd,
    queues: [QueueId; 2],
    agents: Vec<AgentId>,
    agent_skills: Vec<SkillSet>,
    agent_queues: Vec<Vec<QueueId>>,
    idle_since: Vec<Micros>,
    skills: [SkillSet; 4],
    /// Every id handed out, with its queue and needs, waiting or not.
    entries: Vec<(EntryId, QueueId, SkillSet)>,
    served: HashSet<EntryId>,
    now: Micros,
}

impl Model {
    fn new() -> Model {
        let mut acd = Acd::new();
        let queues = [acd.add_queue("Q0"), acd.add_queue("Q1")];
        let roster: [(&[&str], &[usize], Micros); 4] =
            [(&[], &[0], 0), (&["a"], &[0, 1], 0), (&["a", "b"], &[1], 2), (&["b"], &[0], 3)];
        let mut agents = Vec::new();
        let mut agent_skills = Vec::new();
        let mut agent_queues = Vec::new();
        for (i, (skills, qs, wrap_up)) in roster.iter().enumerate() {
            let qs: Vec<QueueId> = qs.iter().map(|&q| queues[q]).collect();
            agents.push(acd.add_agent(AgentSpec {
                name: format!("a{i}"),
                skills: skills.iter().map(|s| s.to_string()).collect(),
                queues: qs.clone(),
                wrap_up: *wrap_up,
            }));
            agent_skills.push(acd.skill_set(skills));
            agent_queues.push(qs);
        }
        let skills = [
            acd.skill_set::<&str>(&[]),
            acd.skill_set(&["a"]),
            acd.skill_set(&["b"]),
            acd.skill_set(&["a", "b"]),
        ];
        Model {
            acd,
            queues,
            agents,
            agent_skills,
            agent_queues,
            idle_since: vec![0; 4],
            skills,
            entries: Vec::new(),
            served: HashSet::new(),
            now: 0,
        }
    }

    fn eligible(&self, agent: usize, queue: QueueId, skills: SkillSet) -> bool {
        self.acd.agent_state(self.agents[agent]) == AgentState::Available
            && self.agent_queues[agent].contains(&queue)
            && self.agent_skills[agent].covers(skills)
    }

    /// What the routing rules say should happen next.
    fn expected(&self) -> Option<(EntryId, AgentId)> {
        let (entry, queue, skills) = self
            .entries
            .iter()
            .filter(|(e, q, s)| self.acd.key(*e).is_some() && (0..4).any(|a| self.eligible(a, *q, *s)))
            .min_by_key(|(e, q, _)| (self.acd.key(*e).unwrap(), *q))?;
        let agent =
            (0..4).filter(|&a| self.eligible(a, *queue, *skills)).min_by_key(|&a| (self.idle_since[a], a))?;
        Some((*entry, self.agents[agent]))
    }

    fn apply(&mut self, op: &Op) {
        let before: Vec<AgentState> = self.agents.iter().map(|&a| self.acd.agent_state(a)).collect();
        let now = self.now;
        match *op {
            Op::Enqueue { queue, priority, skills } => {
                let (q, s) = (self.queues[queue as usize], self.skills[skills as usize]);
                let e = self.acd.enqueue(q, priority, s, now);
                self.entries.push((e, q, s));
            }
            Op::Remove(i) if !self.entries.is_empty() => {
                let (e, _, _) = self.entries[i % self.entries.len()];
                let was = self.acd.key(e).is_some();
                assert_eq!(self.acd.remove(e, now), was);
                assert_eq!(self.acd.key(e), None);
            }
            Op::TakeOver(i) if !self.entries.is_empty() => {
                let (e, q, s) = self.entries[i % self.entries.len()];
                let key = self.acd.key(e);
                match self.acd.take_over(e, now) {
                    Some(new) => {
                        assert_eq!(self.acd.key(new), key);
                        self.entries.push((new, q, s));
                    }
                    None => assert_eq!(key, None),
                }
            }
            Op::Route => loop {
                let states: Vec<AgentState> = self.agents.iter().map(|&a| self.acd.agent_state(a)).collect();
                let expected = self.expected();
                let got = self.acd.route(now);
                assert_eq!(got.map(|a| (a.entry, a.agent)), expected);
                let Some(a) = got else { break };
                assert_eq!(states[a.agent.index()], AgentState::Available, "assigned a non-available agent");
                assert!(self.served.insert(a.entry), "entry assigned twice");
                assert_eq!(self.acd.agent_state(a.agent), AgentState::Busy);
            },
            Op::Release(a) => {
                self.acd.release(self.agents[a as usize], now);
            }
            Op::FinishWrapUp(a) => {
                self.acd.finish_wrap_up(self.agents[a as usize], now);
            }
            Op::SetState(a, s) => {
                let state = [
                    AgentState::Available,
                    AgentState::Alerting,
                    AgentState::Busy,
                    AgentState::WrapUp,
                    AgentState::NotAvailable,
                ][s as usize];
                let _ = self.acd.set_state(self.agents[a as usize], state, now);
            }
            Op::Advance(dt) => self.now += dt,
            _ => {}
        }
        for (i, &a) in self.agents.iter().enumerate() {
            if self.acd.agent_state(a) == AgentState::Available && before[i] != AgentState::Available {
                self.idle_since[i] = now;
            }
        }
        self.check_counters();
    }

    fn check_counters(&self) {
        for &q in &self.queues {
            let waiting =
                self.entries.iter().filter(|(e, eq, _)| *eq == q && self.acd.key(*e).is_some()).count();
            assert_eq!(self.acd.waiting(q), waiting);
            let members: Vec<usize> = (0..4).filter(|&a| self.agent_queues[a].contains(&q)).collect();
            let state = |a: usize| self.acd.agent_state(self.agents[a]);
            let available = members.iter().filter(|&&a| state(a) == AgentState::Available).count();
            let staffed = members.iter().filter(|&&a| state(a).is_staffed()).count();
            assert_eq!(self.acd.agents_available(q) as usize, available);
            assert_eq!(self.acd.agents_staffed(q) as usize, staffed);
        }
        // Positions within a queue are 1..=n, each once, in the order of the keys.
        for &q in &self.queues {
            let mut pos: Vec<(PositionKey, u32)> = self
                .entries
                .iter()
                .filter(|(_, eq, _)| *eq == q)
                .filter_map(|(e, _, _)| Some((self.acd.key(*e)?, self.acd.position(*e)?)))
                .collect();
            pos.sort_unstable_by_key(|(k, _)| *k);
            assert!(pos.iter().enumerate().all(|(i, &(_, p))| p as usize == i + 1), "{pos:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn random_traffic_keeps_the_invariants(ops in prop::collection::vec(op(), 1..200)) {
        let mut m = Model::new();
        for op in &ops {
            m.apply(op);
        }
        // Free every agent until nothing moves: everything some member can serve gets served.
        for _ in 0..1000 {
            m.apply(&Op::Advance(5));
            for a in 0..4 {
                m.apply(&Op::Release(a));
                m.apply(&Op::FinishWrapUp(a));
                m.apply(&Op::SetState(a, 0));
            }
            let served = m.served.len();
            m.apply(&Op::Route);
            // Wrap-ups may still be running (then nothing is routed this round but agents return).
            let wrapping = m.agents.iter().any(|&a| m.acd.agent_state(a) == AgentState::WrapUp);
            if m.served.len() == served && !wrapping { break; }
        }
        for &(e, q, s) in &m.entries {
            if m.acd.key(e).is_some() {
                let servable = (0..4).any(|a| m.agent_queues[a].contains(&q) && m.agent_skills[a].covers(s));
                prop_assert!(!servable, "entry {e:?} still waits though an agent can serve it");
            }
        }
    }
}

// ---- micro-benchmark ----

/// `cargo test --release --lib acd -- --ignored --nocapture`
///
/// 50 agents in one queue kept busy: each cycle a call arrives (route finds nobody), the agent
/// busy longest releases, and routing gives it the waiting call — the engine's pattern of a
/// route after every enqueue and every release.
#[test]
#[ignore]
fn bench_enqueue_route_release() {
    const AGENTS: usize = 50;
    const CYCLES: u64 = 1_000_000;
    let (mut acd, q, _) = one_queue(AGENTS, 0);
    let mut busy = std::collections::VecDeque::with_capacity(AGENTS);
    let mut now: Micros = 0;
    for _ in 0..AGENTS {
        acd.enqueue(q, 0, SkillSet::EMPTY, now);
        busy.push_back(acd.route(now).unwrap().agent);
    }
    let start = std::time::Instant::now();
    for _ in 0..CYCLES {
        now += 1;
        acd.enqueue(q, 0, SkillSet::EMPTY, now);
        assert!(acd.route(now).is_none());
        let agent = busy.pop_front().unwrap();
        acd.release(agent, now);
        let a = acd.route(now).unwrap();
        busy.push_back(a.agent);
    }
    let saturated = start.elapsed();

    // Idle agents: every call is served at once.
    let (mut acd, q, _) = one_queue(AGENTS, 0);
    let start = std::time::Instant::now();
    for i in 0..CYCLES as i64 {
        acd.enqueue(q, 0, SkillSet::EMPTY, i);
        let a = acd.route(i).unwrap();
        acd.release(a.agent, i);
        assert!(acd.route(i).is_none());
    }
    let idle = start.elapsed();
    for (what, d) in [("saturated", saturated), ("idle agents", idle)] {
        println!(
            "acd {what}: {CYCLES} enqueue+route+release cycles in {:.3} s: {:.2}M cycles/s ({:.0} ns/cycle)",
            d.as_secs_f64(),
            CYCLES as f64 / d.as_secs_f64() / 1e6,
            d.as_nanos() as f64 / CYCLES as f64
        );
    }
}

#[test]
fn an_owned_callback_waits_for_its_owner_without_blocking_others() {
    let (mut acd, q, agents) = one_queue(2, 0);
    for &a in &agents {
        acd.set_state(a, AgentState::NotAvailable, 0).unwrap();
    }
    let key = PositionKey { priority: 0, enqueued_at: 0, seq: 0 };
    let owned = acd.enqueue_callback(
        q,
        key,
        SkillSet::EMPTY,
        CallbackRouting { owner: Some(agents[1]), offer: false },
        0,
    );
    let call = acd.enqueue(q, 0, SkillSet::EMPTY, 5);
    // The other agent takes the later call, not the owned callback ahead of it.
    acd.set_state(agents[0], AgentState::Available, 10).unwrap();
    let a = acd.route(10).unwrap();
    assert_eq!((a.entry, a.agent), (call, agents[0]));
    assert_eq!(acd.route(10), None, "the owned callback waits for its owner");
    acd.set_state(agents[1], AgentState::Available, 20).unwrap();
    let b = acd.route(20).unwrap();
    assert_eq!((b.entry, b.agent), (owned, agents[1]));
}

#[test]
fn an_offered_callback_alerts_and_a_reject_keeps_its_place() {
    let (mut acd, q, agents) = one_queue(1, 0);
    acd.set_state(agents[0], AgentState::NotAvailable, 0).unwrap();
    let key = PositionKey { priority: 0, enqueued_at: 0, seq: 0 };
    let cb = acd.enqueue_callback(q, key, SkillSet::EMPTY, CallbackRouting { owner: None, offer: true }, 0);
    let later = acd.enqueue(q, 0, SkillSet::EMPTY, 5);
    acd.set_state(agents[0], AgentState::Available, 10).unwrap();
    let a = acd.route(10).unwrap();
    assert!(a.offered);
    assert_eq!(a.entry, cb);
    assert_eq!(acd.agent_state(agents[0]), AgentState::Alerting);
    assert_eq!(acd.reject(agents[0], 12), Some(cb));
    assert_eq!(acd.position(cb), Some(1), "still ahead of the later call");
    acd.set_state(agents[0], AgentState::Available, 13).unwrap();
    let again = acd.route(13).unwrap();
    assert_eq!(again.entry, cb);
    assert_eq!(acd.accept(agents[0], 14), Some(cb));
    assert_eq!(acd.agent_state(agents[0]), AgentState::Busy);
    assert_eq!(acd.position(later), Some(1));
}

// ---- many skill classes ----

/// One step of traffic over a queue with many skill classes and owned callbacks.
#[derive(Debug, Clone)]
enum ClassOp {
    /// A call needing skills `a` and `b` (the same skill twice: one skill).
    Call(u8, u8),
    /// A callback owned by the agent, needing skill `a`.
    Owned(u8, u8),
    Route,
    Release(u8),
    Away(u8),
    Back(u8),
}

fn class_op() -> impl Strategy<Value = ClassOp> {
    prop_oneof![
        4 => (0..12u8, 0..12u8).prop_map(|(a, b)| ClassOp::Call(a, b)),
        1 => (0..6u8, 0..12u8).prop_map(|(o, a)| ClassOp::Owned(o, a)),
        3 => Just(ClassOp::Route),
        3 => (0..6u8).prop_map(ClassOp::Release),
        1 => (0..6u8).prop_map(ClassOp::Away),
        1 => (0..6u8).prop_map(ClassOp::Back),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    /// Routing looks only at candidate classes (a class found unservable is skipped until an agent
    /// who can take it becomes available). With up to 12 skills, pairs of them and owners — more
    /// classes than `class_for` compares in turn — every `select` in this debug build is checked
    /// against a scan of all classes, and at the end nothing servable is left waiting.
    #[test]
    fn routing_over_many_classes_matches_a_full_scan(ops in prop::collection::vec(class_op(), 1..300)) {
        let mut acd = Acd::new();
        let q = acd.add_queue("Q");
        let names: Vec<String> = (0..12).map(|i| format!("s{i}")).collect();
        let mut agents = Vec::new();
        let mut held = Vec::new();
        for i in 0..6usize {
            let skills: Vec<String> = (0..4).map(|j| names[(i * 2 + j) % 12].clone()).collect();
            held.push(acd.skill_set(&skills));
            agents.push(acd.add_agent(AgentSpec { name: format!("a{i}"), skills, queues: vec![q], wrap_up: 0 }));
        }
        let mut waiting = Vec::new();
        let mut now: Micros = 0;
        for op in &ops {
            now += 1;
            match *op {
                ClassOp::Call(a, b) => {
                    let s = acd.skill_set(&[&names[a as usize], &names[b as usize]]);
                    waiting.push((acd.enqueue(q, 0, s, now), s, None));
                }
                ClassOp::Owned(o, a) => {
                    let s = acd.skill_set(&[&names[a as usize]]);
                    let key = acd.fresh_key(0, now);
                    let owner = Some(agents[o as usize]);
                    let routing = CallbackRouting { owner, offer: false };
                    waiting.push((acd.enqueue_callback(q, key, s, routing, now), s, owner));
                }
                ClassOp::Route => while acd.route(now).is_some() {},
                ClassOp::Release(a) => {
                    if acd.agent_on_call(agents[a as usize]) {
                        acd.release(agents[a as usize], now);
                    }
                }
                ClassOp::Away(a) => {
                    let _ = acd.set_state(agents[a as usize], AgentState::NotAvailable, now);
                }
                ClassOp::Back(a) => {
                    if !acd.agent_on_call(agents[a as usize]) {
                        let _ = acd.set_state(agents[a as usize], AgentState::Available, now);
                    }
                }
            }
        }
        while acd.route(now).is_some() {}
        for (e, s, owner) in waiting {
            if acd.key(e).is_none() {
                continue;
            }
            let can = agents.iter().zip(&held).any(|(&a, have)| {
                acd.agent_state(a) == AgentState::Available && owner.is_none_or(|o| o == a) && have.covers(s)
            });
            prop_assert!(!can, "entry {e:?} still waits though an available agent can take it");
        }
    }
}

/// An agent sent on a break in the middle of a call works on until it ends (or until the break
/// ends first and they are busy again): that stretch is kept when tracked, and only then.
#[test]
fn time_worked_past_being_sent_off_is_kept_when_tracked() {
    for track in [false, true] {
        let (mut acd, q, agents) = one_queue(1, secs(30));
        if track {
            acd.track_worked_off();
        }
        let a = agents[0];
        acd.enqueue(q, 0, SkillSet::EMPTY, 0);
        assert_eq!(acd.route(0).map(|x| x.agent), Some(a));
        acd.set_state(a, AgentState::NotAvailable, 10).unwrap(); // the break starts
        assert_eq!(acd.release(a, 25), 0, "no wrap-up: the agent is on the break");
        // Another call, through a whole break that ends during it.
        acd.set_state(a, AgentState::Available, 40).unwrap();
        acd.enqueue(q, 0, SkillSet::EMPTY, 40);
        assert_eq!(acd.route(40).map(|x| x.agent), Some(a));
        acd.set_state(a, AgentState::NotAvailable, 50).unwrap();
        acd.set_state(a, AgentState::Busy, 70).unwrap(); // back from it, still talking
        acd.release(a, 90);
        let want: &[(AgentId, Micros, Micros)] = if track { &[(a, 10, 25), (a, 50, 70)] } else { &[] };
        assert_eq!(acd.worked_off(), want);
    }
}
