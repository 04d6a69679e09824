//! Parse, check and compile a one-file project (with the acme center.yaml): diagnostics, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

const CENTER: &str = include_str!("../../flows/acme/center.yaml");

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let project = callwright::project::Project::from_sources(
            vec![("main.flow".into(), text.to_string())],
            Some(("center.yaml".into(), CENTER.to_string())),
        );
        let _ = project.check();
    }
});
