//! The flow-test file reader on any text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = callwright::testing::parse_raw(text, "fuzz.test.yaml", std::path::Path::new("/nonexistent"));
    }
});
