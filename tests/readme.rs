//! The README's tables are the code's tables (regenerate with `cargo run --example doc_tables`).

#[test]
fn readme_publishes_the_current_flow_kind_table() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(callwright::check::kinds::markdown().trim_end()),
        "README flow-kind table is stale"
    );
}

#[test]
fn readme_lists_every_diagnostic_code() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(callwright::diagnostics::markdown_table().trim_end()),
        "README code table is stale"
    );
}

#[test]
fn readme_lists_every_test_file_error_code() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/flow-tests.md")).unwrap();
    let table = callwright::testing::TestFileCode::markdown_table();
    assert!(readme.contains(table.trim_end()), "README test-file code table is stale:\n{table}");
    assert!(docs.contains(table.trim_end()), "docs/flow-tests.md code table is stale:\n{table}");
}
