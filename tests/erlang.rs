//! `callwright erlang`: the published Erlang C and Erlang A vectors through the real binary.

mod common;
use common::Test;

const PUBLISHED: [&str; 11] =
    ["erlang", "c", "--calls", "100", "--interval", "30m", "--aht", "180s", "--agents", "14", "--threshold"];

fn json(args: &[&str]) -> serde_json::Value {
    let mut t = Test::new();
    for a in args {
        t = t.arg(*a);
    }
    let out = t.arg("--format").arg("json").status(0).run();
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", out.stdout))
}

fn close(v: &serde_json::Value, expected: f64, tol: f64) {
    let x = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((x - expected).abs() <= tol, "expected {expected}, got {x}");
}

#[test]
fn erlang_c_published_vector_in_text() {
    Test::new()
        .args(PUBLISHED)
        .arg("20s")
        .status(0)
        .stdout_contains("Erlang C")
        .stdout_contains("10.0000 Erlangs")
        .stdout_contains("71.43%")
        .stdout_contains("P(wait)            0.1741319")
        .stdout_contains("7.83594 s")
        .stdout_contains("0.88835")
        .stdout_contains("answered within 20s")
        .run();
}

#[test]
fn erlang_c_published_vector_in_json() {
    let mut args = PUBLISHED.to_vec();
    args.push("20s");
    let v = json(&args);
    assert_eq!(v["model"], "erlang_c");
    assert_eq!(v["agents"], 14);
    close(&v["offered_erlangs"], 10.0, 1e-9);
    close(&v["occupancy"], 0.714286, 1e-6);
    close(&v["p_wait"], 0.1741319, 1e-7);
    close(&v["asa_seconds"], 7.83594, 1e-5);
    close(&v["service_level"]["offered"], 0.88835, 1e-5);
    close(&v["service_level"]["threshold_seconds"], 20.0, 0.0);
    assert!(v.get("p_abandon").is_none());
    assert!(v.get("agents_needed").is_none());
    let table = v["staffing_table"].as_array().unwrap();
    let agents: Vec<u64> = table.iter().map(|r| r["agents"].as_u64().unwrap()).collect();
    assert_eq!(agents, [12, 13, 14, 15, 16, 17]);
}

#[test]
fn rate_and_calls_per_interval_agree() {
    let v = json(&["erlang", "c", "--rate", "0.05555555555555555", "--aht", "3m", "--agents", "14"]);
    close(&v["p_wait"], 0.1741319, 1e-7);
    close(&v["service_level"]["offered"], 0.88835, 1e-5); // default threshold 20s
    let v = json(&["erlang", "c", "--calls", "200", "--interval", "1h", "--aht", "180", "--agents", "14"]);
    close(&v["asa_seconds"], 7.83594, 1e-5);
}

#[test]
fn erlang_a_vector_in_text_and_json() {
    let base = [
        "erlang",
        "a",
        "--calls",
        "100",
        "--interval",
        "30m",
        "--aht",
        "180s",
        "--agents",
        "14",
        "--patience",
        "120s",
    ];
    Test::new()
        .args(base)
        .status(0)
        .stdout_contains("Erlang A")
        .stdout_contains("0.1269763")
        .stdout_contains("P(abandon)         0.022839")
        .stdout_contains("0.932730")
        .stdout_contains("answered within 20s / offered")
        .stdout_contains("answered within 20s / answered")
        .stdout_contains("answered within 20s / (offered - abandoned within 20s)")
        .run();
    let v = json(&base);
    assert_eq!(v["model"], "erlang_a");
    close(&v["p_wait"], 0.126976, 1e-5);
    close(&v["p_abandon"], 0.022839, 1e-5);
    close(&v["service_level"]["offered"], 0.932730, 1e-5);
    close(&v["service_level"]["answered"], 0.954530, 1e-5);
    close(&v["service_level"]["excl_short_abandons"], 0.946220, 1e-5);
    close(&v["service_level"]["threshold_seconds"], 20.0, 0.0);
    // Mean wait over all arrivals = P(abandon) × mean patience.
    close(&v["asa_seconds"], v["p_abandon"].as_f64().unwrap() * 120.0, 1e-9);
}

#[test]
fn staffing_for_a_target_service_level() {
    // 80/20: 13 agents give 79.56%, so Erlang C needs 14.
    let v =
        json(&["erlang", "c", "--calls", "100", "--interval", "30m", "--aht", "180s", "--target-sl", "0.8"]);
    assert_eq!(v["agents_needed"], 14);
    assert_eq!(v["agents"], 14);
    close(&v["target_service_level"], 0.8, 0.0);
    close(&v["service_level"]["offered"], 0.88835, 1e-5);
    let v =
        json(&["erlang", "c", "--calls", "100", "--interval", "30m", "--aht", "180s", "--target-sl", "0.79"]);
    assert_eq!(v["agents_needed"], 13);
    // With abandonment fewer agents meet 80% of offered calls within 20 s.
    let v = json(&[
        "erlang",
        "a",
        "--calls",
        "100",
        "--interval",
        "30m",
        "--aht",
        "180s",
        "--patience",
        "2m",
        "--target-sl",
        "0.8",
    ]);
    assert_eq!(v["agents_needed"], 12);
    // Both: figures at the given staffing, plus what the target needs.
    let v = json(&[
        "erlang",
        "c",
        "--calls",
        "100",
        "--interval",
        "30m",
        "--aht",
        "180s",
        "--agents",
        "20",
        "--target-sl",
        "0.8",
    ]);
    assert_eq!((v["agents"].as_u64(), v["agents_needed"].as_u64()), (Some(20), Some(14)));
    Test::new()
        .args(["erlang", "c", "--calls", "100", "--interval", "30m", "--aht", "180s", "--target-sl", "0.8"])
        .status(0)
        .stdout_contains("agents needed      14")
        .run();
}

#[test]
fn large_groups_answer_quickly_and_sanely() {
    let v = json(&[
        "erlang",
        "a",
        "--rate",
        "27.2222",
        "--aht",
        "180s",
        "--patience",
        "120s",
        "--target-sl",
        "0.8",
    ]);
    let n = v["agents_needed"].as_u64().unwrap();
    assert!(n > 3920 && n < 5000, "{n}");
    let v = json(&["erlang", "c", "--rate", "10.8333", "--aht", "180s", "--agents", "2000"]);
    let p = v["p_wait"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p), "{p}");
}

#[test]
fn bad_values_exit_1_naming_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (&["c", "--rate", "1", "--aht", "0s", "--agents", "3"], "--aht"),
        (&["c", "--rate", "1", "--aht", "-5", "--agents", "3"], "--aht"),
        (&["c", "--rate", "-1", "--aht", "10", "--agents", "3"], "--rate"),
        (&["c", "--rate", "abc", "--aht", "10", "--agents", "3"], "--rate"),
        (&["c", "--calls", "-5", "--interval", "1h", "--aht", "10", "--agents", "3"], "--calls"),
        (&["c", "--calls", "5", "--interval", "0", "--aht", "10", "--agents", "3"], "--interval"),
        (&["c", "--calls", "5", "--interval", "half an hour", "--aht", "10", "--agents", "3"], "--interval"),
        (&["c", "--rate", "1", "--aht", "10x", "--agents", "3"], "--aht"),
        (&["c", "--rate", "1", "--aht", "3mins5", "--agents", "3"], "--aht"),
        (&["c", "--rate", "1", "--aht", "10", "--agents", "30", "--threshold", "-5s"], "--threshold"),
        (&["c", "--rate", "1", "--aht", "10", "--agents", "30", "--threshold", "soon"], "--threshold"),
        (&["c", "--rate", "1", "--aht", "10", "--agents", "0"], "--agents"),
        (&["c", "--rate", "1", "--aht", "10", "--agents", "2.5"], "--agents"),
        (&["c", "--rate", "1", "--aht", "10", "--target-sl", "1.2"], "--target-sl"),
        (&["c", "--rate", "1", "--aht", "10", "--target-sl", "0"], "--target-sl"),
        (&["c", "--rate", "1", "--aht", "10", "--target-sl", "80%"], "--target-sl"),
        (&["a", "--rate", "1", "--aht", "10", "--agents", "3", "--patience", "0s"], "--patience"),
        (&["a", "--rate", "1", "--aht", "10", "--agents", "3", "--patience", "forever"], "--patience"),
    ];
    for (args, flag) in cases {
        let mut t = Test::new().arg("erlang");
        for a in *args {
            t = t.arg(*a);
        }
        t.status(1).stderr_contains("error:").stderr_contains(*flag).run();
    }
}

#[test]
fn unstable_erlang_c_exits_1() {
    Test::new()
        .args(["erlang", "c", "--calls", "100", "--interval", "30m", "--aht", "180s", "--agents", "9"])
        .status(1)
        .stderr_contains(
            "unstable: 10.0 Erlangs offered to 9 agents; Erlang C needs more agents than Erlangs",
        )
        .run();
    Test::new()
        .args(["erlang", "c", "--rate", "1", "--aht", "10s", "--agents", "10", "--format", "json"])
        .status(1)
        .stderr_contains("unstable")
        .stdout("")
        .run();
    // Erlang A is stable however overloaded.
    Test::new()
        .args(["erlang", "a", "--calls", "100", "--interval", "30m", "--aht", "180s", "--agents", "9"])
        .args(["--patience", "2m"])
        .status(0)
        .stdout_contains("P(abandon)")
        .run();
}

#[test]
fn usage_errors_exit_2() {
    // Neither or both traffic forms, no staffing, missing patience.
    Test::new().args(["erlang", "c", "--aht", "10", "--agents", "3"]).status(2).run();
    Test::new()
        .args(["erlang", "c", "--rate", "1", "--calls", "3", "--interval", "1h", "--aht", "10"])
        .status(2)
        .run();
    Test::new().args(["erlang", "c", "--calls", "3", "--aht", "10", "--agents", "3"]).status(2).run();
    Test::new().args(["erlang", "c", "--rate", "1", "--aht", "10"]).status(2).run();
    Test::new()
        .args(["erlang", "a", "--rate", "1", "--aht", "10", "--agents", "3"])
        .status(2)
        .stderr_contains("--patience")
        .run();
    Test::new().args(["erlang"]).status(2).run();
}

#[test]
fn help_has_examples() {
    Test::new()
        .args(["erlang", "--help"])
        .status(0)
        .stdout_contains("Examples:")
        .stdout_contains(
            "callwright erlang c --calls 100 --interval 30m --aht 180s --agents 14 --threshold 20s",
        )
        .run();
    Test::new()
        .args(["erlang", "a", "--help"])
        .status(0)
        .stdout_contains("--patience")
        .stdout_contains("Examples:")
        .run();
    Test::new().args(["--help"]).status(0).stdout_contains("erlang").run();
}
