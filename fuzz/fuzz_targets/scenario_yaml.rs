//! The scenario reader on any text (the project is not loaded: only the file is read).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = callwright::sim::scenario::parse_scenario(
            text,
            "fuzz.yaml",
            std::path::Path::new("/nonexistent"),
        );
    }
});
