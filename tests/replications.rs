//! `simulate --replications N`: confidence intervals that cover the truth, and output that does
//! not depend on the number of threads.

mod common;
use callwright::sim::erlang::{Load, erlang_c};
use callwright::sim::replications::{Estimate, run_replications};
use callwright::sim::scenario::load_scenario;
use common::Test;
use std::path::Path;

/// The 95% intervals of P(wait) from 5 replications of the published Erlang C case (100 calls
/// per 30 minutes, AHT 180 s, 14 agents; 5,000 calls each) hold the Erlang C value in at least
/// 45 of 50 independently seeded runs (nominally 95%: 47.5 expected).
#[test]
fn confidence_intervals_cover_the_erlang_c_value() {
    let theory = erlang_c(&Load { arrival_rate_per_sec: 100.0 / 1800.0, aht_secs: 180.0, agents: 14 }, 20.0)
        .expect("a stable load");
    let base = load_scenario(Path::new("flows/bench/mmc.yaml")).expect("the bench scenario").with_calls(5000);
    let load = || {
        callwright::project::Project::load(Path::new("flows/bench"))
            .map(|p| p.check())
            .map_err(|e| e.to_string())
    };
    let mut covered = 0;
    let mut missed = Vec::new();
    for seed in 1..=50u64 {
        let reports = run_replications(&base.clone().with_seed(seed * 1000), 5, 2, &load).expect("runs");
        let xs: Vec<f64> = reports.iter().map(|r| r.p_wait.expect("5,000 calls were offered")).collect();
        let e = Estimate::of(&xs);
        if e.low() <= theory.p_wait && theory.p_wait <= e.high() {
            covered += 1;
        } else {
            missed.push(format!("seed {}: {:.4} ± {:.4}", seed * 1000, e.mean, e.half_width));
        }
    }
    eprintln!("{covered}/50 intervals hold the Erlang C P(wait)");
    assert!(covered >= 45, "{covered}/50 intervals hold P(wait) = {:.4}; missed: {missed:?}", theory.p_wait);
}

/// The same replications give the same bytes on one thread or two, and the first replication is
/// the single run with the scenario's seed.
#[test]
fn replications_do_not_depend_on_the_thread_count() {
    let run = |threads: &str| {
        Test::new()
            .args([
                "simulate",
                "flows/bench/mmc.yaml",
                "--calls",
                "3000",
                "--replications",
                "6",
                "--format",
                "json",
            ])
            .args(["--threads", threads])
            .run()
            .stdout
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    let v: serde_json::Value = serde_json::from_str(&one).expect("JSON");
    assert_eq!(v["replications"], 6);
    assert_eq!(v["seeds"][0], 1);
    let offered = &v["summary"]["offered"];
    assert_eq!(offered["mean"], 3000.0);
    let single: serde_json::Value = serde_json::from_str(
        &Test::new()
            .args(["simulate", "flows/bench/mmc.yaml", "--calls", "3000", "--format", "json"])
            .run()
            .stdout,
    )
    .expect("JSON");
    let min = v["summary"]["asa_seconds"]["min"].as_f64().unwrap();
    let max = v["summary"]["asa_seconds"]["max"].as_f64().unwrap();
    let asa = single["asa_seconds"].as_f64().unwrap();
    assert!(min <= asa && asa <= max, "{min} ≤ {asa} ≤ {max}");
    // Text: each figure with its interval; a bad count is a clear error.
    Test::new()
        .args(["simulate", "flows/bench/mmc.yaml", "--calls", "2000", "--replications", "3"])
        .stdout_contains("3 replications (seeds 1, ")
        .stdout_contains("Service level (of offered)  ")
        .stdout_contains("% ± ")
        .run();
    Test::new()
        .args(["simulate", "flows/bench/mmc.yaml", "--replications", "0"])
        .status(2)
        .stderr_contains("--replications")
        .run();
}

/// `--sweep agents=12..16:2`: one row per staffing level, service level rising with the staff, the
/// 14-agent point near the Erlang C value; a bad range is a clear error.
#[test]
fn a_sweep_over_agents_gives_one_row_per_level() {
    let out = Test::new()
        .args(["simulate", "flows/bench/mmc.yaml", "--calls", "10000", "--format", "json"])
        .args(["--sweep", "agents=12..16:2", "--replications", "3", "--threads", "2"])
        .run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let points = v["points"].as_array().expect("points");
    let levels: Vec<u64> = points.iter().map(|p| p["agents"].as_u64().unwrap()).collect();
    assert_eq!(levels, [12, 14, 16]);
    let sl: Vec<f64> = points
        .iter()
        .map(|p| p["summary"]["service_level"]["answered_within_over_offered"]["mean"].as_f64().unwrap())
        .collect();
    assert!(sl[0] < sl[1] && sl[1] < sl[2], "{sl:?}");
    let theory =
        erlang_c(&Load { arrival_rate_per_sec: 100.0 / 1800.0, aht_secs: 180.0, agents: 14 }, 20.0).unwrap();
    assert!((sl[1] - theory.service_level).abs() < 0.05, "{} vs {}", sl[1], theory.service_level);
    Test::new()
        .args(["simulate", "flows/bench/mmc.yaml", "--calls", "2000", "--sweep", "agents=13..14"])
        .stdout_contains("Sweep over agents (one run per point")
        .stdout_contains("      13  ")
        .run();
    Test::new()
        .args(["simulate", "flows/bench/mmc.yaml", "--sweep", "agents=14..12"])
        .status(1)
        .stderr_contains("--sweep \"agents=14..12\": 14..12 is empty")
        .run();
}

/// `--report day.html`: one self-contained page (inline SVG, no script, nothing fetched) with the
/// day's charts and tables, for a single run and for replications (with confidence bands).
#[test]
fn the_html_report_is_one_self_contained_page() {
    let dir = std::env::temp_dir().join(format!("callwright-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("day.html");
    let p = page.to_string_lossy().to_string();
    Test::new().args(["simulate", "flows/acme/day.yaml", "--report", &p]).run();
    let html = std::fs::read_to_string(&page).expect("the report is written");
    assert_eq!(
        html.matches("<svg").count(),
        9,
        "calls, service level, ASA, queue and callbacks, service level per queue, occupancy per group, callbacks, time to callback, agents"
    );
    assert!(html.contains("Service level per queue"), "Billing and Support each have their line");
    assert!(html.contains("<th>support_late</th>"), "occupancy per group in the table");
    assert!(html.contains("target 1h00m00s"), "the time-to-callback target line");
    assert!(html.contains("target 80% in 20 s"));
    assert!(html.contains("<td>2026-12-01T12:00</td>"));
    assert!(!html.contains("http") && !html.contains("<script") && !html.contains("src="), "self-contained");
    assert!(!html.contains("fill-opacity"), "one run draws no confidence band");
    Test::new().args(["simulate", "flows/acme/day.yaml", "--replications", "3", "--report", &p]).run();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("3 replications") && html.contains("fill-opacity"), "bands with replications");
    Test::new()
        .args(["simulate", "flows/bench/mmc.yaml", "--calls", "10", "--report", "/nonexistent/dir/x.html"])
        .status(2)
        .stderr_contains("--report /nonexistent/dir/x.html")
        .run();
    std::fs::remove_dir_all(dir).ok();
}

/// Four shards of a 4-replication run, each run on its own and merged, print exactly what the
/// 4-replication run prints — text, JSON and the HTML page — on acme's day (callbacks, agent
/// groups, a forecast); a sharded sweep merges to the sweep; shards of another run are refused.
#[test]
fn four_shards_merged_equal_one_four_replication_run() {
    let dir = std::env::temp_dir().join(format!("callwright-shards-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let at = |name: &str| dir.join(name).display().to_string();
    let day = ["simulate", "flows/acme/day.yaml", "--replications", "4"];
    for k in 1..=4 {
        Test::new().args(day).args(["--shard", &format!("{k}/4"), "--out", &at(&format!("s{k}.json"))]).run();
    }
    let shards: Vec<String> = (1..=4).map(|k| at(&format!("s{k}.json"))).collect();
    let merge = |extra: &[&str]| {
        let mut t = Test::new().arg("merge");
        for s in &shards {
            t = t.arg(s.as_str());
        }
        for e in extra {
            t = t.arg(*e);
        }
        t.run().stdout
    };
    let whole_page = at("whole.html");
    let whole = Test::new().args(day).args(["--report", &whole_page]).run().stdout;
    let merged_page = at("merged.html");
    assert_eq!(merge(&["--report", &merged_page]), whole);
    assert!(whole.contains("4 replications"), "{whole}");
    assert_eq!(std::fs::read(&merged_page).unwrap(), std::fs::read(&whole_page).unwrap());
    let json = Test::new().args(day).args(["--format", "json"]).run().stdout;
    assert_eq!(merge(&["--format", "json"]), json);

    // A sweep of 3 points × 2 replications in 4 shards.
    let sweep = [
        "simulate",
        "flows/bench/mmc.yaml",
        "--calls",
        "2000",
        "--sweep",
        "agents=13..15",
        "--replications",
        "2",
    ];
    for k in 1..=4 {
        Test::new()
            .args(sweep)
            .args(["--shard", &format!("{k}/4"), "--out", &at(&format!("w{k}.json"))])
            .run();
    }
    let mut t = Test::new().arg("merge");
    for k in 1..=4 {
        t = t.arg(at(&format!("w{k}.json")));
    }
    let merged_page = at("merged-sweep.html");
    assert_eq!(
        t.args(["--report", &merged_page]).run().stdout,
        Test::new().args(sweep).args(["--report", &at("sweep.html")]).run().stdout
    );
    // The sweep's page: each figure against the staffing level, with bands; merged, the same page.
    let page = std::fs::read_to_string(at("sweep.html")).expect("the sweep's page");
    assert_eq!(page, std::fs::read_to_string(&merged_page).unwrap());
    assert_eq!(page.matches("<svg").count(), 4, "service level, ASA, abandon rate, occupancy");
    assert!(page.contains("Service level (answered within 20 s / offered) by agents"));
    assert!(page.contains("target 80% in 20 s") && page.contains("fill-opacity"));
    assert!(page.contains("<tr><td>14</td>"), "a row per level");
    assert!(!page.contains("<script") && !page.contains("http"));

    // Shards of another run (another seed), a missing shard, a repeated one.
    Test::new().args(day).args(["--seed", "9", "--shard", "2/4", "--out", &at("other.json")]).run();
    Test::new()
        .arg("merge")
        .args([shards[0].as_str(), &at("other.json"), shards[2].as_str(), shards[3].as_str()])
        .status(1)
        .stderr_contains("are shards of different runs")
        .run();
    Test::new()
        .arg("merge")
        .args([shards[0].as_str(), shards[1].as_str(), shards[3].as_str()])
        .status(1)
        .stderr_contains("missing shards: 3/4")
        .run();
    Test::new()
        .args(["simulate", "flows/bench/mmc.yaml", "--shard", "5/4"])
        .status(1)
        .stderr_contains("shard 5 of 4 does not exist")
        .run();
}

/// `--format csv`: the per-interval table, one row per interval, the same numbers as the JSON
/// (with replications, each with its 95% bounds); a sweep refuses it.
#[test]
fn the_per_interval_table_as_csv() {
    let csv = Test::new().args(["simulate", "flows/acme/day.yaml", "--format", "csv"]).run().stdout;
    let json: serde_json::Value = serde_json::from_str(
        &Test::new().args(["simulate", "flows/acme/day.yaml", "--format", "json"]).run().stdout,
    )
    .unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[..3], ["interval", "arrived", "offered"]);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let intervals = json["per_interval"].as_array().unwrap();
    assert_eq!(rows.len(), intervals.len());
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for (row, iv) in rows.iter().zip(intervals) {
        assert_eq!(row[0], iv["start"].as_str().unwrap());
        assert_eq!(row[col("offered")].parse::<f64>().unwrap(), iv["offered"].as_f64().unwrap());
        assert_eq!(
            row[col("mean_queue_length")].parse::<f64>().unwrap(),
            iv["mean_queue_length"].as_f64().unwrap()
        );
    }
    let reps = Test::new()
        .args(["simulate", "flows/acme/day.yaml", "--format", "csv", "--replications", "3"])
        .run()
        .stdout;
    assert!(reps.starts_with("interval,arrived,arrived_low,arrived_high,offered,"), "{reps}");
    let header = reps.lines().next().unwrap();
    assert!(
        header.contains(",occupancy_support_late,occupancy_support_late_low,occupancy_support_late_high,")
    );
    // Each queue's own figures close the row.
    assert!(header.ends_with(",service_level_Support,service_level_Support_low,service_level_Support_high"));
    // The replications' evenings last as long as the longest one's callbacks.
    assert!(reps.lines().count() >= 21, "{reps}");
    let header = reps.lines().next().unwrap();
    for column in ["callbacks_dialled", "callbacks_pending", "time_to_callback_seconds", "occupancy_floater"]
    {
        assert!(header.split(',').any(|h| h == column), "{column} in {header}");
    }
    Test::new()
        .args(["simulate", "flows/bench/mmc.yaml", "--sweep", "agents=13..14", "--format", "csv"])
        .status(2)
        .stderr_contains("a sweep prints text or json")
        .run();
}

/// `--sweep callback_attempts=1..2` and `retry_interval=…`: the callback settings move every
/// callback, the flow's own `attempts 3 retry every 10m` included — one attempt means one dial per
/// callback and fewer completed.
#[test]
fn a_sweep_over_callback_settings() {
    let out = Test::new()
        .args([
            "simulate",
            "flows/acme/scenario.yaml",
            "--sweep",
            "callback_attempts=1..2",
            "--replications",
            "2",
        ])
        .args(["--format", "json"])
        .run()
        .stdout;
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let points = v["points"].as_array().unwrap();
    // Its page draws the callbacks' figures against the setting.
    let page = std::env::temp_dir().join(format!("callwright-cb-sweep-{}.html", std::process::id()));
    Test::new()
        .args(["simulate", "flows/acme/scenario.yaml", "--sweep", "callback_attempts=1..2", "--report"])
        .arg(page.display().to_string())
        .run();
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<svg").count(), 5, "service level and four callback figures");
    assert!(html.contains("Dial attempts per callback by callback_attempts"));
    let attempts =
        |p: usize| points[p]["summary"]["callbacks"]["attempts_per_callback"]["max"].as_f64().unwrap();
    assert_eq!(attempts(0), 1.0, "one attempt each");
    assert!(attempts(1) > 1.0, "a second attempt for some");
    let done = |p: usize| {
        let c = &points[p]["summary"]["callbacks"];
        c["completed"]["mean"].as_f64().unwrap() / c["accepted"]["mean"].as_f64().unwrap()
    };
    assert!(done(0) < done(1), "{} vs {}", done(0), done(1));
    Test::new()
        .args(["simulate", "flows/acme/scenario.yaml", "--sweep", "retry_interval=2m..20m:9m"])
        .stdout_contains("retry_interval  Service level       Callbacks done")
        .stdout_contains("           11m  ")
        .run();
}
