//! Prints the Markdown tables the README publishes (flow kinds × actions, diagnostic codes, flow-test
//! file codes), so
//! the README can be refreshed from the code: `cargo run --example doc_tables`.
//! A test (tests/readme.rs) fails when the README's copy drifts.

fn main() {
    print!("{}", callwright::check::kinds::markdown());
    println!();
    print!("{}", callwright::diagnostics::markdown_table());
    println!();
    print!("{}", callwright::testing::TestFileCode::markdown_table());
}
