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

/// Every `$ callwright …` excerpt in the README is what the binary prints today: each line of the
/// excerpt (`...` skips ahead) appears in the output, in order. Timings in parentheses are free.
#[test]
fn readme_command_excerpts_match_the_binary() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let timing = regex::Regex::new(r"\(\d+\.\d+s\)").unwrap();
    let norm = |l: &str| timing.replace_all(l.trim_end(), "(T)").into_owned();
    let mut checked = 0;
    let blocks = readme.split("```text\n").skip(1);
    for block in blocks {
        let body = block.split("```").next().unwrap_or("");
        let mut lines = body.lines();
        let Some(command) = lines.next().and_then(|l| l.strip_prefix("$ callwright ")) else { continue };
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_callwright"))
            .args(command.split_whitespace())
            .current_dir(root)
            .env("NO_COLOR", "1")
            .output()
            .expect("run callwright");
        let printed: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(norm).collect();
        let mut at = 0;
        for line in lines.filter(|l| l.trim() != "...") {
            let want = norm(line);
            match printed[at..].iter().position(|p| *p == want) {
                Some(i) => at += i + 1,
                None => panic!(
                    "README excerpt of `callwright {command}` is stale: this line is not printed (in order):\n{line}\n--- the binary printed\n{}",
                    printed.join("\n")
                ),
            }
        }
        checked += 1;
    }
    assert!(checked >= 2, "the README's command excerpts were not found");
}
