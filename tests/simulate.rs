//! The simulator agrees with queueing theory, and the same seed gives the same output.
//!
//! Tolerances are about four standard deviations of the run-to-run spread measured for these
//! runs (400,000 calls, seeds 1-8, release build): P(wait) 1.6%, ASA 4%, service level 0.3% for
//! the Erlang C case; the Erlang A case spreads less.

mod common;
use callwright::sim::erlang::{Load, erlang_a, erlang_c};
use common::Test;

fn simulate(args: &[&str]) -> serde_json::Value {
    let mut t = Test::new().args(["simulate", "flows/bench/mmc.yaml", "--format", "json"]);
    for a in args {
        t = t.arg(*a);
    }
    serde_json::from_str(&t.run().stdout).expect("simulate prints JSON")
}

fn close(what: &str, got: f64, want: f64, rel: f64) {
    assert!(
        (got - want).abs() <= rel * want,
        "{what}: simulated {got}, theory {want} (tolerance {}%)",
        rel * 100.0
    );
}

/// 100 calls per 30 minutes, AHT 180 s, 14 agents, threshold 20 s.
fn published_load() -> Load {
    Load { arrival_rate_per_sec: 100.0 / 1800.0, aht_secs: 180.0, agents: 14 }
}

#[test]
fn erlang_c_published_case() {
    let theory = erlang_c(&published_load(), 20.0).unwrap();
    // The published figures, so the reference itself is pinned.
    assert!((theory.p_wait - 0.1741319).abs() < 1e-6);
    assert!((theory.asa_secs - 7.83594).abs() < 1e-4);
    let r = simulate(&["--calls", "400000", "--seed", "1"]);
    assert_eq!(r["offered"], 400_000);
    assert_eq!(r["abandoned"], 0);
    close("P(wait)", r["p_wait"].as_f64().unwrap(), theory.p_wait, 0.065);
    close("ASA", r["asa_seconds"].as_f64().unwrap(), theory.asa_secs, 0.16);
    let sl = r["service_level"]["answered_within_over_offered"].as_f64().unwrap();
    close("service level", sl, theory.service_level, 0.012);
    close("occupancy", r["occupancy"].as_f64().unwrap(), 10.0 / 14.0, 0.02);
}

#[test]
fn erlang_a_case_with_patience() {
    let theory = erlang_a(&published_load(), 120.0, 20.0);
    assert!((theory.p_abandon - 0.022839).abs() < 1e-5);
    let r = simulate(&["--calls", "400000", "--seed", "3", "--patience", "120s"]);
    close("P(wait)", r["p_wait"].as_f64().unwrap(), theory.p_wait, 0.065);
    close("P(abandon)", r["abandon_rate"].as_f64().unwrap(), theory.p_abandon, 0.10);
    let sl = r["service_level"]["answered_within_over_offered"].as_f64().unwrap();
    close("service level (answered within t / offered)", sl, theory.sl_offered, 0.012);
    // The per-interval queue length (Little's law on the interval's callers), over the whole
    // intervals of the run, is Erlang A's mean number waiting.
    let intervals = r["per_interval"].as_array().unwrap();
    let whole = &intervals[..intervals.len() - 1];
    let lq = whole.iter().map(|i| i["mean_queue_length"].as_f64().unwrap()).sum::<f64>() / whole.len() as f64;
    close("mean queue length", lq, theory.mean_queue_length, 0.16);
}

#[test]
fn same_seed_gives_byte_identical_json() {
    for scenario in ["flows/bench/mmc.yaml", "flows/acme/scenario.yaml"] {
        let run = || {
            Test::new()
                .args(["simulate", scenario, "--format", "json", "--calls", "20000", "--seed", "42"])
                .run()
                .stdout
        };
        let (a, b) = (run(), run());
        assert_eq!(a, b, "{scenario}: two runs with seed 42 differ");
        let c = Test::new()
            .args(["simulate", scenario, "--format", "json", "--calls", "20000", "--seed", "43"])
            .run()
            .stdout;
        assert_ne!(a, c, "{scenario}: a different seed gave the same output");
    }
}

#[test]
fn acme_day_runs_through_menus_queues_and_callbacks() {
    let out = Test::new().args(["simulate", "flows/acme/scenario.yaml", "--format", "json"]).run();
    let r: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(r["flow_errors"], 0, "{}", out.stdout);
    assert!(r["answered"].as_u64().unwrap() > 1000);
    assert!(r["disconnected_in_flow"].as_u64().unwrap() > 0, "menu choice 3 ends in the IVR");
    for q in ["Billing", "Support"] {
        assert!(r["per_queue"][q]["offered"].as_u64().unwrap() > 0, "no calls reached {q}");
    }
    assert!(r["per_interval"].as_array().unwrap().len() >= 20);
    for key in ["offered", "answered", "abandoned", "asa_seconds", "p_wait", "occupancy", "service_level"] {
        assert!(!r[key].is_null(), "missing {key}");
    }
}

#[test]
fn text_report_names_each_service_level_definition() {
    Test::new()
        .args(["simulate", "flows/bench/mmc.yaml", "--calls", "2000"])
        .stdout_contains("answered within 20 s / offered")
        .stdout_contains("answered within 20 s / answered")
        .stdout_contains("(offered - abandoned within 20 s)")
        .run();
}

/// Shifts and breaks: agents log in and out on schedule, the per-interval staff shows each
/// lunch dip, service suffers in it, and nobody on a break or off shift answers.
/// An interval in which nobody was answered has no speed of answer: `null` in the JSON and `-` in
/// the text, not 0 s, which would read as the best service of the day. Its service level over
/// offered calls is a real 0%; over answered calls it has none. Across replications the mean
/// leaves out the runs without a value.
#[test]
fn a_ratio_with_nothing_to_divide_by_has_no_value() {
    // One agent on a 100-hour call from the first minute: every later caller abandons.
    let args = ["--calls", "300", "--agents", "1", "--aht", "100h", "--patience", "10s"];
    let r = simulate(&args);
    let later = &r["per_interval"][1];
    assert_eq!((later["offered"].as_u64(), later["answered"].as_u64()), (Some(94), Some(0)));
    assert!(later["asa_seconds"].is_null(), "{later}");
    assert_eq!(later["service_level"]["answered_within_over_offered"], 0.0);
    assert!(later["service_level"]["answered_within_over_answered"].is_null());
    assert_eq!(r["per_interval"][0]["asa_seconds"], 0.0); // the one call answered at once
    let text = Test::new().args(["simulate", "flows/bench/mmc.yaml"]).args(args).run().stdout;
    let row = text.lines().find(|l| l.contains("2026-12-01T08:30")).expect("the 08:30 row");
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>(),
        ["2026-12-01T08:30", "94", "94", "0", "94", "-", "0.00%", "1.0"]
    );
    let three =
        Test::new().args(["simulate", "flows/bench/mmc.yaml", "--replications", "3"]).args(args).run().stdout;
    let row = three.lines().find(|l| l.starts_with("2026-12-01T08:30")).expect("the 08:30 row");
    assert!(row.ends_with(" -"), "no ASA in any run: {row}");
}

/// Agents finish their call before a break, so they work past the schedule; that time counts as
/// worked, so no group is ever more than 100% occupied in an interval (acme's day had 125% in
/// support_late's 11:30 break before it did), and the time is not lost: the day's occupancy per
/// group stays talk over time worked.
#[test]
fn occupancy_counts_the_time_worked_past_a_break() {
    let r: serde_json::Value = serde_json::from_str(
        &Test::new().args(["simulate", "flows/acme/day.yaml", "--format", "json"]).run().stdout,
    )
    .unwrap();
    let mut highest = ("", "", 0.0);
    for iv in r["per_interval"].as_array().unwrap() {
        for (group, v) in iv["occupancy_per_group"].as_object().into_iter().flatten() {
            if v.as_f64().unwrap() > highest.2 {
                highest = (iv["start"].as_str().unwrap(), group.as_str(), v.as_f64().unwrap());
            }
        }
    }
    assert!(highest.2 <= 1.0, "{highest:?}");
    assert!(highest.2 > 0.9, "{highest:?}"); // a busy day: some interval is nearly all talk
    for (group, g) in r["per_group"].as_object().unwrap() {
        let occupancy = g["occupancy"].as_f64().unwrap();
        assert!((0.5..1.0).contains(&occupancy), "{group}: {occupancy}");
    }
}

#[test]
fn a_roster_with_lunches_shows_the_dip() {
    let out = Test::new().args(["simulate", "flows/bench/roster.yaml", "--format", "json"]).run();
    let r: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let iv = r["per_interval"].as_array().expect("intervals");
    let at = |start: &str| iv.iter().find(|i| i["start"] == start).unwrap_or_else(|| panic!("{start}"));
    let agents = |start: &str| at(start)["agents"].as_f64().unwrap();
    let sl = |start: &str| at(start)["service_level"]["answered_within_over_offered"].as_f64().unwrap();
    assert_eq!(agents("2026-12-01T08:00"), 8.0); // the late group has not started
    assert_eq!(agents("2026-12-01T10:00"), 12.0); // early's 15-minute break: 16 for half the interval, 8 for the other
    assert_eq!(agents("2026-12-01T12:00"), 8.0); // early's lunch
    assert_eq!(agents("2026-12-01T12:30"), 16.0);
    assert_eq!(agents("2026-12-01T17:00"), 8.0); // early has gone home
    assert!(sl("2026-12-01T12:00") < sl("2026-12-01T12:30"), "the lunch hurts the service level");
    // Occupancy is over the agent time scheduled: about load / staff, never above 1.
    let occupancy = r["occupancy"].as_f64().unwrap();
    assert!(occupancy > 0.6 && occupancy <= 1.0, "{occupancy}");
    Test::new()
        .args(["simulate", "flows/bench/roster.yaml"])
        .stdout_contains("agents")
        .stdout_contains("2026-12-01T12:00")
        .run();
}

/// A forecast and a roster are in local time, across a daylight-saving change too: acme's Friday
/// to Monday over the end of summer time (Sunday 25 October 2026), a weekday shift of 08:00-17:00 and 20
/// calls in each weekday half hour from 08:00 to 18:00. Monday's calls come from 08:00 local, when
/// the flow's business hours open, and its agents log in at 08:00: read by elapsed time, both came
/// an hour early, and the flow turned Monday's first hour of calls away as closed.
#[test]
fn a_forecast_and_a_roster_follow_the_local_clock_over_daylight_saving() {
    let dir = std::env::temp_dir().join(format!("callwright-dst-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut forecast = String::from("interval,offered,aht\n");
    for day in [23, 24, 25, 26] {
        for half in 0..48 {
            let (h, m) = (half / 2, half % 2 * 30);
            let weekday = day == 23 || day == 26;
            // Monday's last hour too, after hours: the run must reach the forecast's end on the
            // local clock (an hour more elapsed time than its 96 rows of half hours).
            let offered = if weekday && (8..18).contains(&h) || (day == 26 && h == 23) { 20 } else { 0 };
            forecast.push_str(&format!("2026-10-{day}T{h:02}:{m:02},{offered},300\n"));
        }
    }
    std::fs::write(dir.join("fc.csv"), forecast).unwrap();
    let project = std::fs::canonicalize("flows/acme").unwrap().display().to_string();
    let scenario = format!(
        "project: {project}\nflow: AcmeSupport\nseed: 1\n\
         traffic: {{ timezone: Europe/Amsterdam, forecast: fc.csv }}\n\
         callers: {{ patience: {{ exponential: 4m }}, handle_time: {{ exponential: 5m }} }}\n\
         agents:\n  - {{ name: day, count: 12, queues: [Support, Billing], skills: [support], shift: 08:00-17:00, days: mon..fri }}\n"
    );
    std::fs::write(dir.join("dst.yaml"), scenario).unwrap();
    let run = |command: &str, format: &str| {
        let scenario = dir.join("dst.yaml").display().to_string();
        Test::new().arg(command).arg(scenario).args(["--format", format]).run().stdout
    };
    let r: serde_json::Value = serde_json::from_str(&run("simulate", "json")).unwrap();
    let at = |start: &str| {
        let ivs = r["per_interval"].as_array().unwrap();
        ivs.iter().find(|iv| iv["start"] == start).unwrap_or_else(|| panic!("no interval {start}")).clone()
    };
    // Every caller of the forecast's open hours reaches a queue: only Monday's 23:00 callers hear
    // "closed", and they all call.
    let late = ["2026-10-26T23:00", "2026-10-26T23:30"].map(|t| at(t)["arrived"].as_u64().unwrap());
    assert!(late.iter().all(|&n| n > 5), "{late:?}");
    assert_eq!(r["disconnected_in_flow"].as_u64(), Some(late[0] + late[1]));
    for early in ["2026-10-26T07:00", "2026-10-26T07:30"] {
        assert_eq!(
            (at(early)["arrived"].as_u64(), at(early)["agents"].as_f64()),
            (Some(0), Some(0.0)),
            "{early}"
        );
    }
    assert!(at("2026-10-26T08:00")["arrived"].as_u64().unwrap() > 5);
    assert_eq!(at("2026-10-26T08:00")["agents"], 12.0);
    assert_eq!(at("2026-10-26T16:30")["agents"], 12.0);
    assert_eq!(at("2026-10-26T17:00")["agents"], 0.0);
    // Friday, before the change, is as written too; the weekend is off (`days: mon..fri`).
    assert_eq!(at("2026-10-23T08:00")["agents"], 12.0);
    assert_eq!(at("2026-10-24T10:00")["agents"], 0.0);
    assert_eq!(at("2026-10-25T10:00")["agents"], 0.0);
    assert_eq!(at("2026-10-23T07:30")["arrived"], 0);
    // The staffing table labels each forecast row with its own local time (it said 07:00 for
    // Monday's 08:00 row), and reads the roster at that time.
    let table = run("staff", "csv");
    let row = |start: &str| {
        let line =
            table.lines().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("{start} in\n{table}"));
        let cells: Vec<String> = line.split(',').map(str::to_string).collect();
        (cells[1].clone(), cells.last().cloned().unwrap_or_default())
    };
    assert_eq!(row("2026-10-26T07:30"), ("0".to_string(), "0".to_string()));
    assert_eq!(row("2026-10-26T08:00"), ("20".to_string(), "12".to_string()));
    std::fs::remove_dir_all(&dir).ok();
}

/// `agents: roster.csv`: the groups of a roster file are the groups written in the scenario
/// (acme's day as YAML groups gives the same report, byte for byte); a bad cell is reported at
/// its `file:line:col`.
#[test]
fn a_roster_file_is_the_groups_it_lists() {
    let dir = std::env::temp_dir().join(format!("callwright-roster-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy("flows/acme/forecast.csv", dir.join("forecast.csv")).unwrap();
    let day = std::fs::read_to_string("flows/acme/day.yaml").unwrap();
    let project = std::fs::canonicalize("flows/acme").unwrap().display().to_string();
    let day = day.replace("project: .", &format!("project: {project}"));
    let groups = "agents:\n\
        \x20 - { name: support_early, count: 7, queues: [Support], skills: [support], shift: 08:00-16:30, breaks: [\"10:00 15m\", \"12:00 30m\", \"14:30 15m\"] }\n\
        \x20 - { name: support_late, count: 6, queues: [Support], skills: [support], shift: 09:30-18:00, breaks: [\"11:45 15m\", \"13:00 30m\", \"15:45 15m\"] }\n\
        \x20 - { name: billing, count: 6, queues: [Billing], shift: 08:00-16:30, breaks: [\"10:15 15m\", \"12:30 30m\", \"14:45 15m\"] }\n\
        \x20 - { name: floater, count: 2, queues: [Support, Billing], skills: [support], wrap_up: 30s }\n";
    let line = day.lines().find(|l| l.starts_with("agents:")).expect("day.yaml names its roster").to_string();
    let yaml = dir.join("yaml.yaml");
    std::fs::write(&yaml, day.replace(&format!("{line}\n"), groups)).unwrap();
    let with_csv = Test::new().args(["simulate", "flows/acme/day.yaml", "--format", "json"]).run().stdout;
    let with_yaml =
        Test::new().arg("simulate").arg(yaml.display().to_string()).args(["--format", "json"]).run().stdout;
    assert_eq!(with_csv, with_yaml);
    let csv = dir.join("csv.yaml");
    std::fs::write(&csv, day.replace(&line, "agents: bad.csv")).unwrap();
    std::fs::write(
        dir.join("bad.csv"),
        "name,count,shift,breaks\nearly,8,08:00-16:30,12:00 30m\nlate,8,09:30-18:00,19:00 30m\n",
    )
    .unwrap();
    Test::new()
        .arg("simulate")
        .arg(csv.display().to_string())
        .status(1)
        .stderr_contains("bad.csv:3:20")
        .stderr_contains("`19:00 30m` is not a break: it is not within the shift 09:30-18:00")
        .run();
    std::fs::write(&csv, day.replace(&line, "agents: missing.csv")).unwrap();
    Test::new()
        .arg("simulate")
        .arg(csv.display().to_string())
        .status(1)
        .stderr_contains("cannot read the roster")
        .run();
}

/// Acme's planned day: the forecast gives the calls and the AHT per half hour and the length of
/// the run, the roster the staff per interval; a bad forecast cell is reported at its place.
#[test]
fn acme_day_from_a_forecast_and_a_roster() {
    let out = Test::new().args(["simulate", "flows/acme/day.yaml", "--format", "json"]).run();
    let r: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let iv = r["per_interval"].as_array().expect("intervals");
    // The forecast's 20 half hours, then the evening in which the floaters work off the
    // callbacks' backlog (no calls arrive, dials go out).
    assert!(iv.len() > 20, "the forecast's 20 half hours and the callbacks' evening");
    assert_eq!(iv[0]["start"], "2026-12-01T08:00");
    for later in &iv[20..] {
        assert_eq!(later["arrived"], 0);
    }
    // Callbacks per interval add up to the day's, and the backlog at the end is the day's.
    let cb = &r["callbacks"];
    let sum = |key: &str| iv.iter().map(|i| i["callbacks"][key].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("offered"), cb["offered"].as_u64().unwrap());
    assert_eq!(sum("accepted"), cb["accepted"].as_u64().unwrap());
    assert_eq!(sum("dialled"), cb["attempts"].as_u64().unwrap());
    assert_eq!(iv.last().unwrap()["callbacks"]["pending"], cb["pending_at_end"]);
    assert!(iv[25]["callbacks"]["dialled"].as_u64().unwrap() > 0, "dials in the evening");
    // Occupancy per group and interval: only where the group is scheduled.
    let occ = |i: usize, g: &str| iv[i]["occupancy_per_group"].get(g).and_then(|o| o.as_f64());
    assert_eq!(occ(0, "support_late"), None, "the late shift has not started at 08:00");
    assert!(occ(6, "support_late").is_some_and(|o| o > 0.5 && o <= 1.0), "{:?}", occ(6, "support_late"));
    assert_eq!(occ(25, "billing"), None, "billing has gone home");
    assert!(occ(25, "floater").is_some_and(|o| o > 0.0), "the floaters work the callbacks");
    let agents = |i: usize| iv[i]["agents"].as_f64().unwrap();
    assert_eq!(agents(0), 15.0); // early support + billing + floaters
    assert_eq!(agents(6), 21.0); // 11:00: everyone
    assert!(agents(8) < agents(6), "lunch at 12:00");
    assert_eq!(agents(17), 8.0); // 16:30: the late shift and the floaters
    let arrived = r["arrived"].as_u64().unwrap();
    assert!((2000..2600).contains(&arrived), "{arrived} calls for a forecast of 2,310");
    // Occupancy per agent group, over each group's own scheduled time (calls and callbacks).
    let groups = r["per_group"].as_object().expect("per_group");
    assert_eq!(groups.len(), 4);
    for (name, g) in groups {
        let o = g["occupancy"].as_f64().unwrap();
        assert!(o > 0.3 && o <= 1.0, "{name}: {o}");
    }
    assert_eq!(groups["support_early"]["agents"], 7);
    let dir = std::env::temp_dir().join(format!("callwright-fc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("f.csv"), "interval,offered,aht\n08:00,60,300\n08:30,many,300\n").unwrap();
    let sc = dir.join("s.yaml");
    std::fs::write(&sc, format!("project: {}\ntraffic:\n  forecast: f.csv\ncallers:\n  handle_time: {{ exponential: 1s }}\nagents: 2\n", std::fs::canonicalize("flows/bench").unwrap().display())).unwrap();
    Test::new()
        .arg("simulate")
        .arg(sc.display().to_string())
        .status(1)
        .stderr_contains("f.csv:3:7")
        .stderr_contains("`many` is not a number of calls")
        .run();
    std::fs::write(&sc, "project: .\ntraffic:\n  forecast: missing.csv\ncallers:\n  handle_time: { exponential: 1s }\nagents: 2\n").unwrap();
    Test::new()
        .arg("simulate")
        .arg(sc.display().to_string())
        .status(1)
        .stderr_contains("s.yaml:3:")
        .stderr_contains("cannot read the forecast")
        .run();
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn bad_flags_and_scenarios_are_clear_errors() {
    Test::new()
        .args(["simulate", "flows/bench/mmc.yaml", "--aht", "0s"])
        .status(1)
        .stderr_contains("--aht")
        .run();
    Test::new()
        .args(["simulate", "flows/bench/mmc.yaml", "--arrival-rate", "45/fortnight"])
        .status(1)
        .stderr_contains("--arrival-rate")
        .run();
    Test::new().args(["simulate", "flows/bench/mmc.yaml", "--patience", "soon"]).status(1).run();
    Test::new().args(["simulate", "no/such.yaml"]).status(1).run();
    let dir = std::env::temp_dir().join(format!("callwright-sc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "project: .\nlength: { calls: 10 }\ntraffic:\n  rate: 1/s\ncallers:\n  handle_time: { exponential: 1s }\n  patiense: none\nagents: 2\n").unwrap();
    Test::new()
        .arg("simulate")
        .arg(bad.display().to_string())
        .status(1)
        .stderr_contains("patiense")
        .stderr_contains("patience")
        .run();
    // Shifts and breaks that cannot be: each names its place.
    let roster = |agents: &str| {
        format!(
            "project: .\nlength: {{ hours: 1 }}\ntraffic:\n  rate: 1/s\ncallers:\n  handle_time: {{ exponential: 1s }}\nagents:\n{agents}"
        )
    };
    for (agents, want) in [
        ("  - { name: a, shift: 8-16 }\n", "bad.yaml:8:"),
        (
            "  - { name: a, shift: 08:00-16:00, breaks: [\"17:00 15m\"] }\n",
            "is not within the shift 08:00-16:00",
        ),
        (
            "  - { name: a, shift: 08:00-16:00, breaks: [\"12:00 30m\", \"12:15 15m\"] }\n",
            "overlaps the break at 12:00",
        ),
        ("  - { name: a, breaks: [\"12:00 30m\"] }\n", "breaks without a shift"),
        ("  - { name: a, shift: 08:00-16:00, breaks: [\"12:00\"] }\n", "no length after the start"),
    ] {
        std::fs::write(&bad, roster(agents)).unwrap();
        Test::new().arg("simulate").arg(bad.display().to_string()).status(1).stderr_contains(want).run();
    }
    std::fs::remove_dir_all(dir).ok();
}

/// A callback that keeps its FIFO place and cannot abandon sees the Erlang C wait until an agent
/// takes it: every caller who would wait leaves a callback at once (flows/callback-bench), so the
/// share of callers who take one is P(wait), their wait for an agent is exponential with mean
/// h / (N − A), and the callback service level is P(W ≤ t | W > 0) = 1 − exp(−(N − A)·t / h).
#[test]
fn a_callback_that_keeps_its_place_sees_the_erlang_c_wait() {
    let load = published_load();
    let theory = erlang_c(&load, 20.0).unwrap();
    let out = Test::new()
        .args(["simulate", "flows/callback-bench/scenario.yaml", "--format", "json", "--calls", "400000"])
        .run();
    let r: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let cb = &r["callbacks"];
    let created = cb["accepted"].as_f64().unwrap();
    close("P(wait) = callbacks / offered", created / 400_000.0, theory.p_wait, 0.065);
    assert_eq!(cb["completed"], cb["accepted"], "every callback is served");
    let (n, a, h) = (14.0, 10.0, 180.0);
    close(
        "mean wait of a callback for an agent",
        cb["wait_for_agent_seconds"]["mean"].as_f64().unwrap(),
        h / (n - a),
        0.08,
    );
    let conditional_sl = 1.0 - (-(n - a) * 20.0 / h).exp();
    close("callbacks connected within 20 s", cb["service_level"].as_f64().unwrap(), conditional_sl, 0.05);
    close("occupancy", r["occupancy"].as_f64().unwrap(), a / n, 0.02);
}

/// A scenario's data action mix is drawn per call and its latency is what callers wait: with a
/// 400 ms answer and a 3 s timeout, the mean wait is exactly 0.4 s for the calls that were
/// answered or failed and 3 s for those that timed out; the shares are near the scenario's.
#[test]
fn a_data_action_mix_and_latency_show_in_the_report() {
    let out =
        Test::new().args(["simulate", "flows/corpus/retail-bank/scenario.yaml", "--format", "json"]).run();
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let d = &report["data_actions"]["CustomerLookup"];
    let calls = d["calls"].as_f64().unwrap();
    assert_eq!(calls, report["arrived"].as_f64().unwrap(), "{d}");
    let (failed, timed_out) = (d["failed"].as_f64().unwrap(), d["timed_out"].as_f64().unwrap());
    assert!((0.0..0.06).contains(&(failed / calls)) && failed > 0.0, "{d}");
    assert!((0.0..0.04).contains(&(timed_out / calls)) && timed_out > 0.0, "{d}");
    let expected = (0.4 * (calls - timed_out) + 3.0 * timed_out) / calls;
    assert!((d["mean_seconds"].as_f64().unwrap() - expected).abs() < 1e-6, "{d} vs {expected}");
}

/// Handle times drawn from observed durations (`{ empirical: talk.csv }`) and from a gamma fit:
/// with agents always free, the simulated mean talk time is the file's mean (or the gamma's), a
/// forecast's AHT moves it while keeping the shape, and a bad cell is reported at its place.
#[test]
fn empirical_and_gamma_handle_times() {
    let dir = std::env::temp_dir().join(format!("callwright-emp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Observed talk times: mean (60 + 120 + 240 + 480) / 4 = 225 s.
    std::fs::write(dir.join("talk.csv"), "call,duration\nc1,60\nc2,2m\nc3,240\nc4,8m\n").unwrap();
    let bench = std::fs::canonicalize("flows/bench").unwrap();
    let scenario = |handle: &str, traffic: &str| {
        let sc = dir.join("s.yaml");
        std::fs::write(
            &sc,
            format!(
                "project: {}\nflow: Bench\nlength: {{ calls: 20000 }}\ntraffic:\n{traffic}\ncallers:\n  handle_time: {handle}\nagents: 100\n",
                bench.display()
            ),
        )
        .unwrap();
        let out =
            Test::new().arg("simulate").arg(sc.display().to_string()).args(["--format", "json"]).run().stdout;
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let q = v["per_queue"].as_object().unwrap().values().next().unwrap().clone();
        q["talk_seconds"].as_f64().unwrap() / q["answered"].as_f64().unwrap()
    };
    let mean = scenario("{ empirical: talk.csv }", "  rate: 10/min");
    assert!((mean - 225.0).abs() < 225.0 * 0.03, "empirical mean talk {mean}");
    let mean = scenario("{ gamma: { mean: 200s, sd: 100s } }", "  rate: 10/min");
    assert!((mean - 200.0).abs() < 200.0 * 0.03, "gamma mean talk {mean}");
    // A forecast's AHT of 450 s doubles every observed duration.
    std::fs::write(dir.join("f.csv"), "interval,offered,aht\n08:00,300,450\n08:30,300,450\n").unwrap();
    let mean = scenario("{ empirical: talk.csv }", "  forecast: f.csv");
    assert!((mean - 450.0).abs() < 450.0 * 0.06, "moved empirical mean talk {mean}");
    std::fs::write(dir.join("talk.csv"), "duration\n60\n\n1O0\n").unwrap();
    let sc = dir.join("s.yaml");
    Test::new()
        .arg("simulate")
        .arg(sc.display().to_string())
        .status(1)
        .stderr_contains("talk.csv:4:1")
        .stderr_contains("`1O0` is not a duration")
        .run();
    std::fs::remove_dir_all(dir).ok();
}

/// `traffic.overdispersion: 0.3`: the calls per half hour vary as a negative binomial, variance
/// m + (0.3·m)² = 1,000 for m = 100, against Poisson's 100 without it; the mean stays 100.
#[test]
fn overdispersed_arrivals_vary_more_than_poisson() {
    let dir = std::env::temp_dir().join(format!("callwright-od-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bench = std::fs::canonicalize("flows/bench").unwrap();
    let moments = |od: &str| {
        let sc = dir.join("s.yaml");
        std::fs::write(
            &sc,
            format!(
                "project: {}\nflow: Bench\nlength: {{ hours: 150 }}\ntraffic:\n  rate: 100/30m\n{od}\ncallers:\n  handle_time: {{ exponential: 1s }}\nagents: 5\n",
                bench.display()
            ),
        )
        .unwrap();
        let out =
            Test::new().arg("simulate").arg(sc.display().to_string()).args(["--format", "json"]).run().stdout;
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let xs: Vec<f64> =
            v["per_interval"].as_array().unwrap().iter().map(|i| i["arrived"].as_f64().unwrap()).collect();
        assert_eq!(xs.len(), 300);
        let m = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        (m, var)
    };
    let (m, var) = moments("");
    assert!((m - 100.0).abs() < 3.0 && (70.0..140.0).contains(&var), "Poisson: mean {m}, variance {var}");
    let (m, var) = moments("  overdispersion: 30%");
    assert!(
        (m - 100.0).abs() < 8.0 && (650.0..1500.0).contains(&var),
        "over-dispersed: mean {m}, variance {var}"
    );
    std::fs::remove_dir_all(dir).ok();
}

/// `callers.retrial`: half of the callers who abandon call again after a while; the retrials are
/// arrivals of their own (counted apart from `length.calls`), about half of the abandons, and a
/// bad setting is an error at its place.
#[test]
fn abandoned_callers_call_again() {
    let dir = std::env::temp_dir().join(format!("callwright-retrial-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bench = std::fs::canonicalize("flows/bench").unwrap();
    let sc = dir.join("s.yaml");
    let run = |retrial: &str| {
        std::fs::write(
            &sc,
            format!(
                "project: {}\nflow: Bench\nlength: {{ calls: 20000 }}\ntraffic:\n  rate: 120/30m\ncallers:\n  patience: {{ exponential: 60s }}\n  handle_time: {{ exponential: 180s }}\n{retrial}\nagents: 11\n",
                bench.display()
            ),
        )
        .unwrap();
        let out =
            Test::new().arg("simulate").arg(sc.display().to_string()).args(["--format", "json"]).run().stdout;
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let none = run("");
    assert!(none.get("retrials").is_none(), "no retrials, no key");
    assert_eq!(none["arrived"], 20000);
    let r = run("  retrial: { probability: 0.5, after: { exponential: 5m }, max: 100 }");
    let (retrials, abandoned) = (r["retrials"].as_f64().unwrap(), r["abandoned"].as_f64().unwrap());
    assert_eq!(r["arrived"].as_f64().unwrap(), 20000.0 + retrials);
    let share = retrials / abandoned;
    assert!((0.46..0.54).contains(&share), "{retrials} retrials of {abandoned} abandons: {share}");
    assert!(r["abandoned"].as_f64().unwrap() > none["abandoned"].as_f64().unwrap(), "retrials add load");
    let once = run("  retrial: { probability: 1, after: { fixed: 1m }, max: 1 }");
    // Every first-call abandon retries once, and a retrial that abandons does not: fewer
    // retrials than abandons, but most of them.
    let (retrials, abandoned) = (once["retrials"].as_f64().unwrap(), once["abandoned"].as_f64().unwrap());
    assert!(retrials < abandoned && retrials > 0.5 * abandoned, "{retrials} retrials, {abandoned} abandons");
    std::fs::write(
        &sc,
        "project: .\nlength: { calls: 5 }\ntraffic: { rate: 1/s }\ncallers:\n  handle_time: { exponential: 1s }\n  retrial: { probability: 2, after: { fixed: 1m } }\nagents: 1\n",
    )
    .unwrap();
    Test::new()
        .arg("simulate")
        .arg(sc.display().to_string())
        .status(1)
        .stderr_contains("callers.retrial.probability: a probability is from 0 to 1, not 2")
        .run();
    std::fs::remove_dir_all(dir).ok();
}

/// An agent group's `absence: 20%`: about a fifth of its agents are away each day — fewer agents
/// scheduled, a lower service level than the full group — and a bad share is an error.
#[test]
fn absent_agents_are_not_at_work() {
    let dir = std::env::temp_dir().join(format!("callwright-absence-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bench = std::fs::canonicalize("flows/bench").unwrap();
    let sc = dir.join("s.yaml");
    let run = |absence: &str| {
        std::fs::write(
            &sc,
            format!(
                "project: {}\nflow: Bench\nlength: {{ hours: 72 }}\ntraffic:\n  rate: 250/30m\ncallers:\n  handle_time: {{ exponential: 180s }}\n  patience: {{ exponential: 120s }}\nagents:\n  - {{ name: team, count: 40{absence} }}\n",
                bench.display()
            ),
        )
        .unwrap();
        let out = Test::new().arg("simulate").arg(sc.display().to_string()).args(["--format", "json"]);
        let out = out.run().stdout;
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let full = run("");
    let away = run(", absence: 20%");
    let mean_agents = |r: &serde_json::Value| {
        let iv = r["per_interval"].as_array().unwrap();
        iv.iter().map(|i| i["agents"].as_f64().unwrap()).sum::<f64>() / iv.len() as f64
    };
    assert_eq!(mean_agents(&full), 40.0);
    let m = mean_agents(&away);
    assert!((28.0..36.0).contains(&m), "{m} of 40 agents at work over three days with 20% away");
    let sl = |r: &serde_json::Value| r["service_level"]["answered_within_over_offered"].as_f64().unwrap();
    assert!(sl(&away) < sl(&full), "{} vs {}", sl(&away), sl(&full));
    let o = away["per_group"]["team"]["occupancy"].as_f64().unwrap();
    assert!(o > 0.6 && o <= 1.0, "occupancy over the agents at work: {o}");
    std::fs::write(
        &sc,
        "project: .\nlength: { calls: 5 }\ntraffic: { rate: 1/s }\ncallers:\n  handle_time: { exponential: 1s }\nagents:\n  - { name: team, absence: 100% }\n",
    )
    .unwrap();
    Test::new()
        .arg("simulate")
        .arg(sc.display().to_string())
        .status(1)
        .stderr_contains("agents[0].absence: expected the share of agents away each day")
        .run();
    std::fs::remove_dir_all(dir).ok();
}

/// `callbacks.do_not_call: dnc.txt` in a scenario: callbacks to listed numbers end as
/// `do_not_call` and are never dialled; the others are dialled as before.
#[test]
fn a_scenario_do_not_call_list_stops_those_dials() {
    let dir = std::env::temp_dir().join(format!("callwright-sim-dnc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let numbers: String = (1..=3000).map(|i| format!("+3161{i:07}\n")).collect();
    std::fs::write(dir.join("dnc.txt"), numbers).unwrap();
    let project = std::fs::canonicalize("flows/acme").unwrap().display().to_string();
    let scenario = std::fs::read_to_string("flows/acme/scenario.yaml")
        .unwrap()
        .replace("project: .", &format!("project: {project}"));
    let line = scenario
        .lines()
        .find(|l| l.starts_with("callbacks:"))
        .expect("acme's scenario has callbacks")
        .to_string();
    let with = scenario.replace(&line, "callbacks:\n  do_not_call: dnc.txt");
    let path = dir.join("s.yaml");
    std::fs::write(&path, &with).unwrap();
    let run = |p: &std::path::Path| -> serde_json::Value {
        let out = Test::new()
            .arg("simulate")
            .arg(p.display().to_string())
            .args(["--calls", "3000", "--format", "json"])
            .run()
            .stdout;
        serde_json::from_str(&out).unwrap()
    };
    let listed = run(&path);
    let cb = &listed["callbacks"];
    let ended = cb["ended_by_reason"]["do_not_call"].as_u64().unwrap_or(0);
    assert!(ended > 0, "{cb}");
    assert_eq!(
        ended,
        cb["accepted"].as_u64().unwrap() - cb["pending_at_end"].as_u64().unwrap(),
        "every callback of the run was to a listed number"
    );
    assert_eq!(cb["attempts"], 0, "no dial placed");
    std::fs::write(dir.join("dnc.txt"), "+31610000001\nnope\n").unwrap();
    Test::new()
        .arg("simulate")
        .arg(path.display().to_string())
        .status(1)
        .stderr_contains("dnc.txt:2:1")
        .run();
}

/// A forecast per queue (`interval,queue,offered,aht`): each queue is offered its own calls, with
/// its own handle time, and they reach it through the flow's menu.
#[test]
fn a_forecast_per_queue_sends_each_queue_its_calls() {
    let dir = std::env::temp_dir().join(format!("callwright-by-queue-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Sorted by queue, as exports often are. Tuesday 10:00-12:00, when acme is open.
    let mut forecast = String::from("interval,queue,offered,aht\n");
    for (queue, offered, aht) in [("Support", 50, 600), ("Billing", 100, 120)] {
        for t in ["10:00", "10:30", "11:00", "11:30"] {
            forecast.push_str(&format!("{t},{queue},{offered},{aht}\n"));
        }
    }
    std::fs::write(dir.join("fc.csv"), forecast).unwrap();
    let project = std::fs::canonicalize("flows/acme").unwrap().display().to_string();
    // The scenario's callers mostly press 2 (Support); those headed for Billing press 1 all the same.
    let scenario = |forecast: &str| {
        format!(
            "project: {project}\nflow: AcmeSupport\nseed: 3\n\
             traffic: {{ timezone: Europe/Amsterdam, forecast: {forecast} }}\n\
             callers:\n  handle_time: {{ exponential: 5m }}\n  menus: {{ MainMenu: {{ \"1\": 0.1, \"2\": 0.8, \"3\": 0.1 }} }}\n\
             agents:\n  - {{ name: all, count: 80, queues: [Support, Billing], skills: [support] }}\n"
        )
    };
    std::fs::write(dir.join("q.yaml"), scenario("fc.csv")).unwrap();
    let sc = dir.join("q.yaml").display().to_string();
    let out = Test::new().args(["simulate", &sc, "--format", "json"]).run().stdout;
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let q = |name: &str, field: &str| r["per_queue"][name][field].as_f64().unwrap();
    // 400 and 200 expected: within four standard deviations of Poisson (20 and 14).
    assert!((320.0..=480.0).contains(&q("Billing", "offered")), "{}", q("Billing", "offered"));
    assert!((144.0..=256.0).contains(&q("Support", "offered")), "{}", q("Support", "offered"));
    // Nobody ends in the IVR (key 3 would): every call is one queue's and goes to it.
    assert_eq!(r["disconnected_in_flow"], 0);
    assert_eq!(q("Billing", "offered") + q("Support", "offered"), r["arrived"].as_f64().unwrap());
    // Each queue's own handle time: 120 s and 600 s on average (exponential, some hundred calls).
    let aht = |name: &str| q(name, "talk_seconds") / q(name, "answered");
    assert!((100.0..=140.0).contains(&aht("Billing")), "{}", aht("Billing"));
    assert!((500.0..=700.0).contains(&aht("Support")), "{}", aht("Support"));
    // Each queue's own figures interval by interval, in the JSON, the CSV and the page.
    for iv in r["per_interval"].as_array().unwrap() {
        let pq = &iv["per_queue"];
        let sum = pq["Billing"]["offered"].as_u64().unwrap() + pq["Support"]["offered"].as_u64().unwrap();
        assert_eq!(Some(sum), iv["offered"].as_u64(), "{iv}");
    }
    let csv = Test::new().args(["simulate", &sc, "--format", "csv"]).run().stdout;
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let column =
        |name: &str| header.iter().position(|c| *c == name).unwrap_or_else(|| panic!("{name}: {header:?}"));
    let first: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let billing_10 = r["per_interval"][0]["per_queue"]["Billing"]["offered"].as_u64().unwrap();
    assert_eq!(first[column("offered_Billing")], billing_10.to_string());
    column("service_level_Support");
    let page = dir.join("q.html");
    Test::new().args(["simulate", &sc, "--report"]).arg(page.display().to_string()).run();
    assert!(std::fs::read_to_string(&page).unwrap().contains("Service level per queue"));
    // The same forecast as a YAML table.
    let mut yaml = String::new();
    for line in std::fs::read_to_string(dir.join("fc.csv")).unwrap().lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        yaml.push_str(&format!(
            "- {{ interval: \"{}\", queue: {}, offered: {}, aht: {} }}\n",
            c[0], c[1], c[2], c[3]
        ));
    }
    std::fs::write(dir.join("fc.yaml"), yaml).unwrap();
    std::fs::write(dir.join("y.yaml"), scenario("fc.yaml")).unwrap();
    let y =
        Test::new().arg("simulate").arg(dir.join("y.yaml").display().to_string()).args(["--format", "json"]);
    assert_eq!(y.run().stdout, out);
    // A caller who abandons calls the same queue again, with its handle time: in a row where the
    // forecast has no calls (so no AHT) for that queue, the scenario's (5m), not nothing.
    std::fs::write(
        dir.join("retry.csv"),
        "interval,queue,offered,aht\n10:00,Billing,40,300\n10:30,Support,1,300\n",
    )
    .unwrap();
    let retry = scenario("retry.csv")
        .replace("count: 80", "count: 1")
        .replace("callers:\n", "callers:\n  patience: { exponential: 30s }\n  retrial: { probability: 1, after: { fixed: 30m }, max: 1 }\n");
    std::fs::write(dir.join("retry.yaml"), retry).unwrap();
    let out = Test::new()
        .arg("simulate")
        .arg(dir.join("retry.yaml").display().to_string())
        .args(["--format", "json"])
        .run();
    let r: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(r["retrials"].as_u64().unwrap() > 10, "{}", r["retrials"]);
    let billing = &r["per_queue"]["Billing"];
    let aht = billing["talk_seconds"].as_f64().unwrap() / billing["answered"].as_f64().unwrap();
    assert!(aht > 100.0, "Billing's handle time {aht} s");
    // A queue the project lacks is an error where the forecast names it.
    std::fs::write(dir.join("bad.csv"), "interval,queue,offered\n10:00,Bilingg,5\n").unwrap();
    std::fs::write(dir.join("bad.yaml"), scenario("bad.csv")).unwrap();
    Test::new()
        .arg("simulate")
        .arg(dir.join("bad.yaml").display().to_string())
        .status(1)
        .stderr_contains("bad.csv:2:7")
        .stderr_contains("the forecast's queue `Bilingg` is not a queue of the project")
        .stderr_contains("Billing")
        .run();
    // A queue the flow never transfers to could never be offered its calls.
    let other = dir.join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(
        other.join("lines.flow"),
        "inbound flow Front {\n  transfer to Sales\n  disconnect\n}\ninbound flow Back {\n  transfer to Service\n  disconnect\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("svc.csv"), "interval,queue,offered\n10:00,Sales,5\n10:00,Service,5\n").unwrap();
    std::fs::write(
        dir.join("svc.yaml"),
        "project: other\nflow: Front\ntraffic: { forecast: svc.csv }\ncallers: { handle_time: { exponential: 1m } }\nagents: 2\n",
    )
    .unwrap();
    Test::new()
        .arg("simulate")
        .arg(dir.join("svc.yaml").display().to_string())
        .status(1)
        .stderr_contains("svc.csv:3:7")
        .stderr_contains("no path through flow `Front` transfers to `Service`")
        .run();
    std::fs::remove_dir_all(dir).ok();
}
