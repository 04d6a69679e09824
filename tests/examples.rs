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
        if path.is_dir() {
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
