//! Flow-test throughput: generates N cases (default 10,000) from the acme flow's paths (the
//! skeletons of `callwright test --generate AcmeSupport`, repeated), then loads and runs them as
//! `callwright test` does, and prints cases per second.
//!
//!     cargo run --release --example test_bench -- 10000
//!
//! The suite is written to target/bench/acme-bench/ (a copy of flows/acme with the generated
//! file), so the binary can be timed on it too:
//!
//!     time target/release/callwright test target/bench/acme-bench/generated.test.yaml

// The binary uses mimalloc; so does this measurement.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use callwright::testing::{Suite, generate, load_project};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench/acme-bench");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create target/bench/acme-bench");
    for f in ["support.flow", "callback.flow", "center.yaml"] {
        std::fs::copy(root.join("flows/acme").join(f), dir.join(f)).expect("copy the acme project");
    }
    let project = load_project(&dir).unwrap_or_else(|_| panic!("the acme flows check"));
    let skeleton = generate::skeleton(&project, "AcmeSupport", 1).expect("generate");
    let (head, body) = skeleton.split_once("cases:\n").expect("a cases list");
    let cases: Vec<&str> = body.split("\n  - name: ").map(|c| c.trim_start_matches("  - name: ")).collect();
    let mut text = format!("{head}cases:\n");
    for i in 0..n {
        let case = cases[i % cases.len()].trim_end();
        // Names must be unique: prefix the round.
        let case = case.replacen('"', &format!("\"{} ", i / cases.len() + 1), 1);
        text.push_str("  - name: ");
        text.push_str(&case);
        text.push('\n');
    }
    let file: PathBuf = dir.join("generated.test.yaml");
    std::fs::write(&file, &text).expect("write the generated suite");

    let t0 = Instant::now();
    let suite = match Suite::load(std::slice::from_ref(&file)) {
        Ok(s) => s,
        Err(_) => panic!("the generated suite loads"),
    };
    let load = t0.elapsed();
    let t1 = Instant::now();
    let result = suite.run(None, true);
    let run = t1.elapsed();
    let total = t0.elapsed();
    println!(
        "{} cases ({} distinct paths): load {:.3} s, run {:.3} s (with coverage); {} passed, {} failed",
        result.cases.len(),
        cases.len(),
        load.as_secs_f64(),
        run.as_secs_f64(),
        result.passed(),
        result.failed()
    );
    println!(
        "{:.0} cases/s running, {:.0} cases/s including loading",
        result.cases.len() as f64 / run.as_secs_f64(),
        result.cases.len() as f64 / total.as_secs_f64()
    );
}
