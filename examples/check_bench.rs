//! Checks a generated flow file of N lines (default 10,000) and prints the time per phase.
//!
//!     cargo run --release --example check_bench -- 10000
//!
//! It also writes the file to target/bench/big.flow, so the binary can be timed on it:
//!
//!     time target/release/callwright check target/bench/big.flow

use callwright::project::Project;
use std::time::Instant;

fn generate(lines: usize) -> String {
    let mut s = String::from(
        "schedule Hours in \"Europe/Amsterdam\" {\n  mon..fri 08:00-18:00\n  closed 2026-12-25\n}\n\n",
    );
    let mut flow = 0;
    while s.lines().count() < lines {
        s.push_str(&format!("inbound flow Line{flow} {{\n  play \"Welcome to line {flow}.\"\n"));
        s.push_str("  if not open(Hours) {\n    play \"We are closed.\"\n    disconnect\n  }\n");
        for m in 0..20 {
            s.push_str(&format!(
                "  menu Menu{m} \"For sales press 1, for support press 2.\" retries 2 timeout 5s {{\n\
                 \x20   1 => {{\n      set Flow.Choice{m} = \"sales\"\n      set Call.Priority = {m}\n      call Log\n    }}\n\
                 \x20   2 => transfer to Support with Hold priority 3 on failure {{ play \"Sorry.\" }}\n\
                 \x20   noinput 1 => play \"I did not hear anything.\"\n\
                 \x20   nomatch => play \"That is not a choice.\"\n\
                 \x20   exhausted => transfer to Support with Hold\n  }}\n"
            ));
        }
        s.push_str("  disconnect\n  task Log {\n    set Call.Data[\"seen\"] = \"yes\"\n  }\n}\n\n");
        flow += 1;
    }
    s.push_str(
        "inqueue flow Hold {\n  play \"Your wait is {Call.EstimatedWaitTime as minutes} minutes.\"\n  hold 1m\n}\n",
    );
    s
}

fn main() {
    let lines: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let text = generate(lines);
    let n = text.lines().count();
    std::fs::create_dir_all("target/bench").expect("create target/bench");
    std::fs::write("target/bench/big.flow", &text).expect("write big.flow");

    let t0 = Instant::now();
    let project = Project::from_sources(vec![("big.flow".into(), text.clone())], None);
    let parsed = t0.elapsed();
    let checked = project.check();
    let total = t0.elapsed();
    let nodes: usize = checked.graphs.iter().map(|g| g.node_count()).sum();
    println!(
        "{n} lines, {} bytes, {} flows, {nodes} graph nodes, {} diagnostics",
        text.len(),
        checked.graphs.len(),
        checked.diagnostics.len()
    );
    println!(
        "parse {:.1} ms, check+compile {:.1} ms, total {:.1} ms ({:.0} lines/s)",
        parsed.as_secs_f64() * 1e3,
        (total - parsed).as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        n as f64 / total.as_secs_f64()
    );
}
