//! Golden DOT for every example flow, and the SVG picture drawn without Graphviz.

mod common;
use common::{Test, assert_golden, root};

/// (project, flow) for every flow under flows/.
fn example_flows() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let list = |d: std::path::PathBuf| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(d).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect()
    };
    // `flows/corpus` holds projects, one per folder.
    let mut dirs: Vec<_> = list(root().join("flows"))
        .into_iter()
        .flat_map(|d| if d.ends_with("corpus") { list(d) } else { vec![d] })
        .collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.is_dir()) {
        let checked = callwright::project::Project::load(&dir).unwrap().check();
        let rel = dir.strip_prefix(root()).unwrap().display().to_string();
        for g in &checked.graphs {
            out.push((rel.clone(), g.name().to_string()));
        }
    }
    out
}

#[test]
fn every_example_graph_matches_its_golden_dot() {
    let flows = example_flows();
    assert!(flows.len() >= 3, "expected the acme flows, found {flows:?}");
    for (project, flow) in flows {
        let out = Test::new().args(["graph", "--flow", &flow]).arg(&project).run();
        assert!(out.stdout.starts_with(&format!("digraph \"{flow}\"")), "{}", out.stdout);
        let name = project.trim_start_matches("flows/").replace('/', "_");
        assert_golden(&root().join(format!("tests/golden/graphs/{name}.{flow}.dot")), &out.stdout);
    }
}

#[test]
fn svg_is_drawn_in_rust_and_shows_the_actions() {
    let out = Test::new().args(["graph", "flows/acme", "--flow", "AcmeSupport", "--format", "svg"]).run();
    assert!(out.stdout.trim_start().starts_with("<svg") || out.stdout.trim_start().starts_with("<?xml"));
    for text in ["menu MainMenu", "transfer to Billing", "press 1", "noinput 1", "exhausted", "failure"] {
        assert!(out.stdout.contains(text), "SVG lacks {text:?}");
    }
}

#[test]
fn svg_of_a_whole_project_stacks_every_flow() {
    let dir = std::env::temp_dir().join(format!("callwright-svg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("all.svg");
    Test::new().args(["graph", "flows/acme", "--format", "svg", "-o"]).arg(file.display().to_string()).run();
    let svg = std::fs::read_to_string(&file).unwrap();
    for flow in ["AcmeSupport", "HoldWithCallback", "CallbackGreeting"] {
        assert!(svg.contains(flow), "stacked SVG lacks {flow}");
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn unknown_flow_name_suggests_the_right_one() {
    Test::new()
        .args(["graph", "flows/acme", "--flow", "AcmeSuport"])
        .status(1)
        .stderr_contains("did you mean `AcmeSupport`?")
        .run();
}

#[test]
fn a_flow_with_errors_is_not_drawn() {
    Test::new()
        .args(["graph", "tests/fixtures/diagnostics/E0101"])
        .status(1)
        .stderr_contains("error[E0101]")
        .run();
}

#[test]
fn graph_node_ids_map_back_to_source_lines() {
    let checked = callwright::project::Project::load(&root().join("flows/acme")).unwrap().check();
    let g = checked.graph("AcmeSupport").unwrap();
    let menu = g.find(|a| matches!(a, callwright::compile::Action::Menu { .. })).next().unwrap();
    let line = checked.sources().file_line(menu.span);
    assert!(line.ends_with("support.flow:22"), "{line}");
    // Ids are assigned in source order, so recompiling gives the same ids.
    let again = callwright::project::Project::load(&root().join("flows/acme")).unwrap().check();
    let g2 = again.graph("AcmeSupport").unwrap();
    assert_eq!(g.node_count(), g2.node_count());
    for (a, b) in g.nodes().zip(g2.nodes()) {
        assert_eq!((a.id, a.span), (b.id, b.span));
    }
}
