//! Every example under flows/ passes `callwright check` with no errors.

mod common;
use common::{Test, root};

#[test]
fn acme_checks_clean() {
    Test::new().args(["check", "flows/acme"]).stderr_contains("0 errors").run();
}

#[test]
fn every_project_under_flows_checks_without_errors() {
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("flows")).unwrap() {
        let path = entry.unwrap().path();
        // `flows/corpus` holds projects, one per folder (see the next test).
        if path.is_dir() && !path.ends_with("corpus") {
            let rel = path.strip_prefix(root()).unwrap().display().to_string();
            Test::new().args(["check", "--format", "json"]).arg(rel).run();
            checked += 1;
        }
    }
    assert!(checked >= 1, "no example projects found");
}

#[test]
fn acme_has_no_warnings_either() {
    let out = Test::new().args(["check", "--format", "json", "flows/acme"]).run();
    let diags: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(diags.as_array().unwrap().len(), 0, "{}", out.stdout);
}

/// Each project of the corpus (`flows/corpus/*`, real lines written from public descriptions)
/// checks clean, passes its flow tests, and covers at least 90% of its edges.
#[test]
fn every_corpus_project_passes_its_tests_with_90_percent_edge_coverage() {
    let mut projects = 0;
    for entry in std::fs::read_dir(root().join("flows/corpus")).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_dir() {
            continue;
        }
        let rel = path.strip_prefix(root()).unwrap().display().to_string();
        Test::new().args(["check"]).arg(&rel).stderr_contains("0 errors, 0 warnings").run();
        let out = Test::new().args(["test", "--coverage", "--format", "json"]).arg(&rel).run();
        let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(report["failed"], 0, "{rel}: {}", out.stdout);
        let edges = report["coverage"][0]["edges"]["percent"].as_f64().unwrap();
        assert!(edges >= 90.0, "{rel}: edge coverage {edges}%");
        projects += 1;
    }
    assert!(projects >= 1, "no corpus projects");
}
