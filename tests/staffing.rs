//! `callwright staff`: the fewest agents per interval, Erlang first and confirmed by simulation —
//! the answer meets the target and one agent fewer does not.

mod common;
use callwright::sim::erlang::{Model, agents_for_service_level};
use common::Test;
use std::path::PathBuf;

/// A day of the bench M/M/c flow (nobody abandons) from a forecast of three half hours.
fn mmc_day(name: &str, forecast: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("callwright-staff-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("forecast.csv"), forecast).unwrap();
    let bench = std::fs::canonicalize("flows/bench").unwrap();
    let sc = dir.join("day.yaml");
    std::fs::write(
        &sc,
        format!(
            "project: {}\nflow: Bench\ntraffic:\n  forecast: forecast.csv\ncallers:\n  handle_time: {{ exponential: 180s }}\nagents: 10\n",
            bench.display()
        ),
    )
    .unwrap();
    sc
}

#[test]
fn the_requirement_meets_the_target_and_one_fewer_does_not() {
    let sc =
        mmc_day("mmc", "interval,offered,aht\n08:00,100,180\n08:30,200,180\n09:00,0,180\n09:30,50,240\n");
    let out = Test::new()
        .arg("staff")
        .arg(sc.display().to_string())
        .args(["--target", "80/20s", "--replications", "20", "--format", "json"])
        .run()
        .stdout;
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let rows = v["intervals"].as_array().expect("intervals");
    assert_eq!(rows.len(), 4);
    assert_eq!(v["first_guess"], "Erlang C");
    for (row, (calls, aht)) in rows.iter().zip([(100.0, 180.0), (200.0, 180.0), (0.0, 180.0), (50.0, 240.0)])
    {
        let required = row["required"].as_u64().unwrap() as u32;
        if calls == 0.0 {
            assert_eq!(required, 0, "no calls, no agents: {row}");
            assert!(row["at_required"].is_null());
            continue;
        }
        let at = row["at_required"]["service_level"].as_f64().unwrap();
        let fewer = row["one_fewer"]["service_level"].as_f64().unwrap();
        assert!(at >= 0.8, "the answer meets 80%: {row}");
        assert!(fewer < 0.8, "one agent fewer misses it: {row}");
        // M/M/c is exactly what Erlang C models: the simulation agrees within an agent.
        let erlang = agents_for_service_level(calls / 1800.0, aht, 20.0, 0.8, Model::C).unwrap();
        assert_eq!(row["erlang"].as_u64().unwrap() as u32, erlang);
        assert!(required.abs_diff(erlang) <= 1, "simulated {required} vs Erlang C {erlang}: {row}");
        assert_eq!(row["scheduled"], 10.0);
    }
    // The same seeds give the same answer, and the thread count does not matter.
    let one = Test::new()
        .arg("staff")
        .arg(sc.display().to_string())
        .args(["--target", "80/20s", "--replications", "20", "--format", "json", "--threads", "1"])
        .run()
        .stdout;
    assert_eq!(one, out);
}

#[test]
fn the_table_csv_and_bad_targets() {
    let sc = mmc_day("csv", "interval,offered,aht\n08:00,100,180\n08:30,150,180\n");
    let path = sc.display().to_string();
    Test::new()
        .args(["staff", &path, "--replications", "5"])
        .stdout_contains("Staffing for 80% answered within 20 s")
        .stdout_contains("Erlang C first guess, confirmed by simulation")
        .stdout_contains("2026-12-01T08:30")
        .stdout_contains("Understaffed in 2 of 2 intervals: 2026-12-01T08:00, 2026-12-01T08:30")
        .run();
    let csv = Test::new().args(["staff", &path, "--replications", "5", "--format", "csv"]).run().stdout;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "interval,offered,aht_seconds,erlang,required,to_schedule,service_level,service_level_one_fewer,abandon_rate,asa_seconds,time_to_callback_seconds,scheduled"
        )
    );
    assert!(lines.next().unwrap().starts_with("2026-12-01T08:00,100,180,"));
    assert_eq!(lines.count(), 1);
    // With patience the first guess is Erlang A and an abandonment cap counts.
    Test::new()
        .args(["staff", "flows/acme/day.yaml", "--replications", "3", "--max-abandon", "3%"])
        .stdout_contains("Staffing for abandon ≤ 3%")
        .stdout_contains("Erlang A first guess")
        .run();
    for (flag, value, says) in [
        ("--target", "80", "write PERCENT/THRESHOLD"),
        ("--target", "120/20s", "above 0 and below 100"),
        ("--target", "80/soon", "--target \"soon\""),
        ("--max-abandon", "none", "expected a percentage"),
        ("--max-asa", "0s", "longer than 0s"),
        ("--target", "Agents=90/20s", "a target for one queue needs a forecast per queue"),
    ] {
        Test::new().args(["staff", &path, flag, value]).status(1).stderr_contains(says).run();
    }
}

/// `staff --report staffing.html`: the staffing curve — required, to roster, rostered — on one
/// self-contained page.
#[test]
fn the_staffing_curve_is_one_self_contained_page() {
    let dir = std::env::temp_dir().join(format!("callwright-staff-page-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("staffing.html");
    let p = page.display().to_string();
    Test::new()
        .args(["staff", "flows/acme/day.yaml", "--replications", "2", "--shrinkage", "25%", "--report", &p])
        .run();
    let html = std::fs::read_to_string(&page).expect("the page is written");
    assert_eq!(html.matches("<svg").count(), 1);
    for want in [
        "required (on the phones)",
        "to roster (with shrinkage)",
        "rostered",
        "<td>2026-12-01T12:00</td>",
        "25% shrinkage",
    ] {
        assert!(html.contains(want), "{want}");
    }
    assert!(!html.contains("http") && !html.contains("<script") && !html.contains("src="), "self-contained");
    std::fs::remove_dir_all(dir).ok();
}

/// `--max-time-to-callback`: acme offers callbacks that keep the caller's place; the requirement
/// meets the callbacks' time-to-callback target (or leaves no callback waiting) together with the
/// abandonment target, and one agent fewer misses one of them.
#[test]
fn a_time_to_callback_target_is_met_by_the_requirement() {
    let out = Test::new()
        .args(["staff", "flows/acme/day.yaml", "--max-abandon", "30%", "--max-time-to-callback", "30m"])
        .args(["--replications", "3", "--format", "json"])
        .run()
        .stdout;
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["targets"]["max_time_to_callback_seconds"], 1800.0);
    let meets = |m: &serde_json::Value| {
        let ttc_ok = match m["time_to_callback_seconds"].as_f64() {
            Some(t) => t <= 1800.0,
            None => m["callbacks_pending"] == 0,
        };
        ttc_ok && m["abandon_rate"].as_f64().unwrap() <= 0.3
    };
    let rows = v["intervals"].as_array().unwrap();
    let mut with_callbacks = 0;
    for r in rows {
        let at = &r["at_required"];
        assert!(meets(at), "{r}");
        if r["required"].as_u64().unwrap() > 1 {
            assert!(!meets(&r["one_fewer"]), "{r}");
        }
        with_callbacks += usize::from(at["time_to_callback_seconds"].is_number());
    }
    assert!(with_callbacks >= 3, "callbacks connect in several intervals: {with_callbacks}");
    let csv = Test::new()
        .args([
            "staff",
            "flows/acme/day.yaml",
            "--max-ttc",
            "30m",
            "--max-abandon",
            "30%",
            "--replications",
            "2",
        ])
        .args(["--format", "csv"])
        .run()
        .stdout;
    assert!(csv.lines().next().unwrap().contains(",time_to_callback_seconds,"), "{csv}");
    Test::new()
        .args(["staff", "flows/acme/day.yaml", "--max-time-to-callback", "0s"])
        .status(1)
        .stderr_contains("must be longer than 0s")
        .run();
}

/// A forecast per queue is staffed per queue: each queue's requirement meets the target with
/// only its own calls (dedicated agents) and one fewer does not; each interval's `(all)` row adds
/// them up against the roster.
#[test]
fn a_forecast_per_queue_is_staffed_per_queue() {
    let dir = std::env::temp_dir().join(format!("callwright-staff-queues-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("fc.csv"),
        "interval,queue,offered,aht\n10:00,Billing,60,240\n10:00,Support,100,330\n10:30,Billing,0,240\n10:30,Support,120,330\n",
    )
    .unwrap();
    let acme = std::fs::canonicalize("flows/acme").unwrap();
    std::fs::write(
        dir.join("q.yaml"),
        format!(
            "project: {}\nflow: AcmeSupport\ntraffic: {{ timezone: Europe/Amsterdam, forecast: fc.csv }}\n\
             callers: {{ handle_time: {{ exponential: 5m }} }}\nagents: 30\n",
            acme.display()
        ),
    )
    .unwrap();
    let sc = dir.join("q.yaml").display().to_string();
    let staff = |format: &str| {
        Test::new()
            .args(["staff", &sc, "--target", "80/20s", "--replications", "10", "--format", format])
            .run()
            .stdout
    };
    let v: serde_json::Value = serde_json::from_str(&staff("json")).expect("JSON");
    let rows = v["intervals"].as_array().expect("intervals");
    let order: Vec<(&str, &str)> =
        rows.iter().map(|r| (r["start"].as_str().unwrap(), r["queue"].as_str().unwrap())).collect();
    assert_eq!(
        order,
        [
            ("2026-12-01T10:00", "Billing"),
            ("2026-12-01T10:00", "Support"),
            ("2026-12-01T10:00", "(all)"),
            ("2026-12-01T10:30", "Billing"),
            ("2026-12-01T10:30", "Support"),
            ("2026-12-01T10:30", "(all)"),
        ]
    );
    for row in rows.iter().filter(|r| r["queue"] != "(all)" && r["offered"].as_f64().unwrap() > 0.0) {
        let at = row["at_required"]["service_level"].as_f64().unwrap();
        let fewer = row["one_fewer"]["service_level"].as_f64().unwrap();
        assert!(at >= 0.8 && fewer < 0.8, "{row}");
        // The queue's own load in Erlang C: callers go straight through the menu to it.
        let (calls, aht) = (row["offered"].as_f64().unwrap(), row["aht_seconds"].as_f64().unwrap());
        let erlang = agents_for_service_level(calls / 1800.0, aht, 20.0, 0.8, Model::C).unwrap();
        let required = row["required"].as_u64().unwrap() as u32;
        assert!(required.abs_diff(erlang) <= 1, "simulated {required} vs Erlang C {erlang}: {row}");
        assert!(row["scheduled"].is_null(), "the roster is set against the total: {row}");
    }
    for (k, total) in rows.iter().enumerate().filter(|(_, r)| r["queue"] == "(all)") {
        let sum = rows[k - 2]["required"].as_u64().unwrap() + rows[k - 1]["required"].as_u64().unwrap();
        assert_eq!(total["required"].as_u64(), Some(sum), "{total}");
        assert_eq!(total["scheduled"], 30.0);
    }
    // Billing has no calls at 10:30, so needs nobody; the CSV names each row's queue.
    assert_eq!(rows[3]["required"], 0);
    let csv = staff("csv");
    assert!(csv.starts_with("interval,queue,offered,"), "{csv}");
    assert!(csv.contains("\n2026-12-01T10:30,(all),120,"), "{csv}");
    // A queue's own target: Billing at 95% in 10 s, Support still at 80% in 20 s.
    let own = Test::new()
        .args(["staff", &sc, "--target", "80/20s", "--target", "Billing=95/10s", "--replications", "10"])
        .args(["--format", "json"])
        .run()
        .stdout;
    let own: serde_json::Value = serde_json::from_str(&own).expect("JSON");
    assert_eq!(own["targets"]["per_queue"]["Billing"]["service_level"], 0.95);
    assert_eq!(own["targets"]["per_queue"]["Billing"]["threshold_seconds"], 10.0);
    let rows_own = own["intervals"].as_array().unwrap();
    let billing = &rows_own[0];
    assert_eq!(billing["queue"], "Billing");
    let (at, fewer) = (&billing["at_required"]["service_level"], &billing["one_fewer"]["service_level"]);
    assert!(at.as_f64().unwrap() >= 0.95 && fewer.as_f64().unwrap() < 0.95, "{billing}");
    assert!(billing["required"].as_u64() > rows[0]["required"].as_u64(), "{billing} against {}", rows[0]);
    assert_eq!(rows_own[1]["required"], rows[1]["required"], "Support keeps its answer");
    for (args, want) in [
        (["--target", "Bilingg=95/10s"], "`Bilingg` is not a queue of the forecast"),
        (["--max-abandon", "Billing=150%"], "--max-abandon"),
    ] {
        Test::new().args(["staff", &sc]).args(args).status(1).stderr_contains(want).run();
    }
    let text = staff("text");
    assert!(text.contains("Queue"), "{text}");
    assert!(text.contains("Understaffed in") || text.contains("meets the requirement"), "{text}");
    std::fs::remove_dir_all(dir).ok();
}
