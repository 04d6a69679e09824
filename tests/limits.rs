//! Hostile sizes meet limits, not crashes: a flow nested or chained past the bounds of
//! `src/syntax/limits.rs` gets E0004 from every command; one right at the bounds runs through
//! check, graph and run without exhausting the stack (in the debug build, whose frames are largest).

mod common;
use common::Test;

fn nested_ifs(n: usize) -> String {
    format!(
        "inbound flow Main {{\n{}  disconnect\n{}  disconnect\n}}\n",
        "if true {\n".repeat(n),
        "}\n".repeat(n)
    )
}

fn else_ifs(n: usize) -> String {
    let branches: String =
        (1..=n).map(|i| format!(" else if Flow.X == {i} {{\n    disconnect\n  }}")).collect();
    format!(
        "inbound flow Main {{\n  set Flow.X = 3\n  if Flow.X == 0 {{\n    disconnect\n  }}{branches}\n  disconnect\n}}\n"
    )
}

fn parens(n: usize) -> String {
    format!("inbound flow Main {{\n  set Flow.X = {}1{}\n  disconnect\n}}\n", "(".repeat(n), ")".repeat(n))
}

fn plus_chain(n: usize) -> String {
    format!(
        "inbound flow Main {{\n  set Flow.X = 1{}\n  play \"{{Flow.X}}\"\n  disconnect\n}}\n",
        " + 1".repeat(n)
    )
}

fn nots(n: usize) -> String {
    format!(
        "inbound flow Main {{\n  if {}true {{\n    play \"yes\"\n  }}\n  disconnect\n}}\n",
        "not ".repeat(n)
    )
}

fn negs(n: usize) -> String {
    format!("inbound flow Main {{\n  set Flow.X = {}1\n  disconnect\n}}\n", "-".repeat(n))
}

fn write(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("callwright-limits-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.flow"), text).unwrap();
    dir.to_string_lossy().to_string()
}

type Gen = fn(usize) -> String;

/// (name, generator, the largest size allowed, a hostile size)
const CASES: &[(&str, Gen, usize, usize)] = &[
    ("ifs", nested_ifs, 63, 2_000),
    ("elseifs", else_ifs, 200, 5_000),
    ("parens", parens, 62, 10_000),
    ("plus", plus_chain, 255, 20_000),
    ("not", nots, 250, 20_000),
    ("neg", negs, 250, 20_000),
];

#[test]
fn at_the_limits_every_command_runs() {
    for (name, make, limit, _) in CASES {
        let dir = write(&format!("{name}-ok"), &make(*limit));
        for args in [vec!["check"], vec!["graph", "--flow", "Main"], vec!["run"]] {
            let mut t = Test::new();
            for a in &args {
                t = t.arg(*a);
            }
            let out = t.arg(dir.clone()).any_status().run();
            assert!(
                matches!(out.status, 0 | 1),
                "{name} at {limit}: {args:?} exited {}:\n{}",
                out.status,
                out.stderr
            );
            assert!(!out.stderr.contains("E0004"), "{name} at {limit} is within the bounds:\n{}", out.stderr);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn past_the_limits_every_command_says_e0004() {
    for (name, make, _, hostile) in CASES {
        let dir = write(&format!("{name}-hostile"), &make(*hostile));
        for sub in ["check", "run"] {
            Test::new().arg(sub).arg(dir.clone()).status(1).stderr_contains("E0004").run();
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The project walk does not loop on symlinks, and what is not a regular file (a device, a
/// folder named center.yaml, a FIFO) is an error instead of a hang or silence.
#[test]
fn symlink_loops_devices_and_fifos_are_refused_not_followed() {
    let dir = write("walk", "inbound flow Main {\n  disconnect\n}\n");
    let p = std::path::Path::new(&dir);
    std::os::unix::fs::symlink(".", p.join("a")).unwrap();
    std::os::unix::fs::symlink(".", p.join("b")).unwrap();
    let started = std::time::Instant::now();
    Test::new().arg("check").arg(dir.clone()).stderr_contains("checked 1 file").run();
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "the walk looped");

    Test::new()
        .args(["check", "/dev/null"])
        .status(2)
        .stderr_contains("is not a flow file or a project folder")
        .run();
    Test::new().args(["test", "/dev/null"]).status(2).stderr_contains("not a regular file").run();

    std::fs::create_dir(p.join("center.yaml")).unwrap();
    Test::new().arg("check").arg(dir.clone()).status(2).stderr_contains("center.yaml is a folder").run();
    std::fs::remove_dir(p.join("center.yaml")).unwrap();
    let fifo = std::process::Command::new("mkfifo").arg(p.join("center.yaml")).status();
    if fifo.is_ok_and(|s| s.success()) {
        Test::new().arg("check").arg(dir.clone()).status(2).stderr_contains("not a regular file").run();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Absurd sizes are refused with the bound, before any work: rates, forecast intervals, agents,
/// calls ahead.
#[test]
fn absurd_sizes_are_refused_with_their_bound() {
    let dir = write("sizes", "inbound flow Main {\n  transfer to Support\n  disconnect\n}\n");
    let p = std::path::Path::new(&dir);
    let scenario = |traffic: &str| {
        let path = p.join("s.yaml");
        std::fs::write(
            &path,
            format!("project: .\nlength: {{ calls: 10 }}\ntraffic:\n{traffic}\ncallers:\n  handle_time: {{ fixed: 60s }}\nagents: 5\n"),
        )
        .unwrap();
        path.to_string_lossy().to_string()
    };
    Test::new()
        .args(["simulate"])
        .arg(scenario("  rate: 1000000000/s"))
        .status(1)
        .stderr_contains("above the limit of 100000 calls per second")
        .run();
    Test::new()
        .args(["simulate"])
        .arg(scenario("  interval: 30m\n  calls_per_interval: [1e9]"))
        .status(1)
        .stderr_contains("above the limit of 10000000")
        .run();
    let ok = scenario("  rate: 1/s");
    Test::new()
        .args(["simulate", &ok, "--arrival-rate", "1e308/s"])
        .status(1)
        .stderr_contains("above the limit")
        .run();
    Test::new().args(["simulate", &ok, "--agents", "100000000"]).status(2).stderr_contains("100000").run();
    Test::new()
        .arg("run")
        .arg(dir.clone())
        .args(["--ahead", "10000000"])
        .status(2)
        .stderr_contains("100000")
        .run();
    Test::new()
        .arg("run")
        .arg(dir.clone())
        .args(["--agents", "100000000"])
        .status(2)
        .stderr_contains("100000")
        .run();
    Test::new()
        .args(["callbacks", "dispatch", "--agents", "100000000"])
        .status(2)
        .stderr_contains("100000")
        .run();

    let agents: String = (0..100_001).map(|i| format!("- {{name: a{i}}}\n")).collect();
    std::fs::write(p.join("center.yaml"), format!("queues:\n  Support: {{}}\nagents:\n{agents}")).unwrap();
    Test::new()
        .arg("check")
        .arg(dir.clone())
        .status(1)
        .stderr_contains("100001 agents is above the limit of 100000")
        .run();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The smaller ones: a two-digit year, a negative attempt count, an in-queue flow as the entry,
/// unskilled `--agents`, a call still talking at --max-wait, an endless --max-wait.
#[test]
fn small_input_mistakes_get_clear_answers() {
    let db = std::env::temp_dir().join(format!("callwright-limits-small-{}.db", std::process::id()));
    let db = db.to_string_lossy().to_string();
    let schedule = ["callbacks", "schedule", "--db", &db, "--number", "+31612345678", "--queue", "Support"];
    Test::new()
        .args(schedule)
        .args(["--date", "27-03-05", "--window", "10:00-12:00", "--tz", "Europe/Amsterdam"])
        .status(1)
        .stderr_contains("`27-03-05` is not a YYYY-MM-DD date")
        .run();
    Test::new().args(schedule).args(["--asap", "--attempts", "-1"]).status(1).stderr_contains("CB012").run();
    Test::new()
        .args(["run", "flows/acme", "--flow", "HoldWithCallback"])
        .status(1)
        .stderr_contains("is an inqueue flow; a call enters an inbound flow (AcmeSupport)")
        .run();
    Test::new()
        .args(["run", "flows/acme", "--press", "2", "--agents", "2"])
        .stdout_contains("outcome: answered by agent agent1 in Support")
        .run();
    Test::new()
        .args(["run", "flows/acme", "--press", "2", "--handle", "4h01m"])
        .stdout_contains(
            "answered by agent anna after waiting 0s; still talking when the run stopped after 4h",
        )
        .run();
    Test::new()
        .args(["run", "flows/acme", "--max-wait", "106751991d"])
        .status(1)
        .stderr_contains("the limit is 7d")
        .run();
    let _ = std::fs::remove_file(&db);
}

/// Escape sequences in names, prompts and files never reach the terminal raw (colour codes are
/// callwright's own and `--color never` has none); JSON keeps the value, escaped as JSON does.
#[test]
fn terminal_escapes_are_printed_escaped() {
    let evil = "\u{1b}]0;PWNED\u{7}\u{1b}[2J";
    let raw = |s: &str| s.contains('\u{1b}') || s.contains('\u{7}');
    let db = std::env::temp_dir().join(format!("callwright-limits-esc-{}.db", std::process::id()));
    let db = db.to_string_lossy().to_string();
    let out = Test::new()
        .args(["--color", "never", "callbacks", "schedule", "--db", &db, "--number", "+31612345678"])
        .args(["--queue", "Support", "--asap", "--name", evil])
        .run();
    assert!(!raw(&out.stdout) && out.stdout.contains("\\u{1b}]0;PWNED"), "{:?}", out.stdout);
    let list = Test::new().args(["--color", "never", "callbacks", "list", "--db", &db]).run();
    assert!(!raw(&list.stdout), "{:?}", list.stdout);
    let json = Test::new().args(["callbacks", "list", "--db", &db, "--format", "json"]).run();
    assert!(json.stdout.contains("\\u001b]0;PWNED"), "{}", json.stdout);
    let _ = std::fs::remove_file(&db);

    let dir = write("esc", &format!("inbound flow Main {{\n  play \"{evil}\"\n  dsiconnect\n}}\n"));
    let check = Test::new().args(["--color", "never", "check"]).arg(dir.clone()).status(1).run();
    assert!(!raw(&check.stderr), "{:?}", check.stderr);
    std::fs::write(
        std::path::Path::new(&dir).join("main.flow"),
        format!("inbound flow Main {{\n  play \"{evil}\"\n  disconnect\n}}\n"),
    )
    .unwrap();
    let run = Test::new().args(["--color", "never", "run"]).arg(dir.clone()).run();
    assert!(!raw(&run.stdout), "{:?}", run.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}
