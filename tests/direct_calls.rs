//! A flow that goes straight to a queue runs without the interpreter (`src/sim/direct_calls.rs`),
//! and gives the report the interpreter gives, byte for byte: with and without patience, with
//! retrials (after a delay and at once), zero-length talks, wrap-up, shifts and breaks, ties on
//! fixed times, over-dispersed arrivals. And it is taken: far fewer polls.

use callwright::project::Project;
use callwright::sim::scenario::{Scenario, parse_scenario};
use callwright::sim::simulator::simulate;

/// The scenario `body` on the bare M/M/c flow (`flows/bench`); `talk.csv` beside it holds
/// observed talk times of 0, 0, 1 and 2 seconds.
fn scenario(body: &str) -> Scenario {
    let bench = std::fs::canonicalize("flows/bench").unwrap();
    let dir = std::env::temp_dir().join(format!("callwright-direct-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("talk.csv"), "duration\n0\n0\n1\n2\n").unwrap();
    let text = format!("project: {}\nflow: Bench\n{body}", bench.display());
    parse_scenario(&text, "direct.yaml", &dir).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Runs `sc` both ways; the reports as JSON, and the polls of each run.
fn both(sc: &Scenario) -> ((String, u64), (String, u64)) {
    let checked = Project::load(&sc.project).unwrap().check();
    let run = |interpreted: bool| {
        let mut sc = sc.clone();
        sc.interpreted = interpreted;
        let run = simulate(&checked, &sc, &|_| {}).unwrap();
        (serde_json::to_string_pretty(&run.report).unwrap(), run.polls)
    };
    (run(false), run(true))
}

fn same_report(name: &str, body: &str) {
    let sc = scenario(body);
    let ((direct, direct_polls), (interpreted, interpreted_polls)) = both(&sc);
    assert_eq!(direct, interpreted, "{name}: the direct calls' report differs from the interpreter's");
    let offered = serde_json::from_str::<serde_json::Value>(&direct).unwrap()["offered"].as_u64().unwrap();
    assert!(offered > 1000, "{name}: {offered} calls offered");
    // The interpreter polls every call's task at least once; direct calls have none (what
    // polls is the arrival loop, and the timers of retrials).
    assert!(
        direct_polls + offered <= interpreted_polls,
        "{name}: {direct_polls} polls direct, {interpreted_polls} interpreted: the direct path was not taken"
    );
}

#[test]
fn endless_patience_erlang_c() {
    same_report(
        "M/M/c",
        "seed: 5\nlength: { calls: 20000 }\ntraffic: { rate: 40/s }\ncallers:\n  patience: none\n  handle_time: { exponential: 1s }\nagents: 44\n",
    );
}

#[test]
fn patience_and_retrials() {
    same_report(
        "Erlang A with retrials",
        "seed: 7\nlength: { calls: 20000 }\ntraffic: { rate: 40/s }\ncallers:\n  patience: { exponential: 2s }\n  handle_time: { exponential: 1s }\n  retrial: { probability: 0.5, after: { exponential: 3s }, max: 3 }\nagents: 38\nservice_level: { threshold: 1s }\n",
    );
    same_report(
        "retrials at once, over-dispersed arrivals",
        "seed: 11\nlength: { calls: 20000 }\ntraffic:\n  rate: 30/s\n  overdispersion: 0.3\ncallers:\n  patience: { exponential: 3s }\n  handle_time: { lognormal: { mean: 1s, sd: 500ms } }\n  retrial: { probability: 0.3, after: { empirical: talk.csv }, max: 2 }\nagents: 28\nservice_level: { threshold: 2s }\n",
    );
}

/// Fixed times tie (a talk ends as another's patience runs out), a zero talk releases the agent
/// at once, and wrap-up follows each talk on its own timer.
#[test]
fn ties_zero_talks_and_wrap_up() {
    same_report(
        "fixed times",
        "seed: 3\nlength: { calls: 10000 }\ntraffic: { rate: 20/s }\ncallers:\n  patience: { fixed: 2s }\n  handle_time: { fixed: 1s }\nagents: 19\n",
    );
    same_report(
        "zero talks with wrap-up",
        "seed: 9\nlength: { calls: 10000 }\ntraffic: { rate: 20/s }\ncallers:\n  patience: { exponential: 1s }\n  handle_time: { empirical: talk.csv }\nagents:\n  - { name: desk, count: 20, wrap_up: 500ms }\n",
    );
}

/// Shifts, breaks and lunches: agents log out in the middle of calls and finish them first.
#[test]
fn a_roster_with_breaks() {
    same_report(
        "roster",
        "seed: 3\nlength: { hours: 10 }\ntraffic:\n  start: 2026-12-01T08:00\n  timezone: Europe/Amsterdam\n  interval: 30m\n  calls_per_interval: [100]\ncallers:\n  patience: { exponential: 3m }\n  handle_time: { exponential: 180s }\nagents:\n  - { name: early, count: 8, shift: 08:00-16:30, breaks: [\"10:00 15m\", \"12:00 30m\", \"14:30 15m\"] }\n  - { name: late, count: 8, shift: 09:30-18:00, breaks: [\"11:30 15m\", \"13:00 30m\", \"16:00 15m\"] }\n",
    );
}

/// Agents gone for the day, callers who never hang up: the calls still waiting at the end are
/// the same calls either way, and the report counts them as unfinished.
#[test]
fn calls_left_waiting_when_the_agents_go() {
    let body = "seed: 5\nlength: { hours: 4 }\ntraffic:\n  start: 2026-12-01T08:00\n  timezone: Europe/Amsterdam\n  interval: 30m\n  calls_per_interval: [100]\ncallers:\n  patience: none\n  handle_time: { exponential: 180s }\nagents:\n  - { name: early, count: 6, shift: 08:00-10:00 }\n";
    let sc = scenario(body);
    let ((direct, _), (interpreted, _)) = both(&sc);
    assert_eq!(direct, interpreted);
    let r: serde_json::Value = serde_json::from_str(&direct).unwrap();
    let (arrived, offered) = (r["arrived"].as_u64().unwrap(), r["offered"].as_u64().unwrap());
    let unfinished = r["unfinished"].as_u64().unwrap();
    assert!(unfinished > 300, "most of the day's callers are left waiting: {r}");
    assert_eq!(arrived, offered + unfinished, "every arrival is offered or unfinished");
}

/// A flow with anything before its transfer (every acme flow: menus, prompts, schedules) keeps
/// the interpreter; the bench flow goes straight to its queue.
#[test]
fn a_flow_that_does_more_keeps_the_interpreter() {
    let checked = Project::load(std::path::Path::new("flows/acme")).unwrap().check();
    for g in &checked.graphs {
        assert!(g.straight_to_queue().is_none(), "{} does more than transfer", g.name());
    }
    let bench = Project::load(std::path::Path::new("flows/bench")).unwrap().check();
    assert_eq!(bench.graph("Bench").unwrap().straight_to_queue(), Some("Agents"));
}
