//! The flow parser on any text: a diagnostic or a tree, never a panic or a stack overflow.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = callwright::syntax::parse(callwright::source::FileId(0), text);
    }
});
