//! No input makes the parser or the checker panic: truncated, shuffled, garbled and random flows
//! all come back as diagnostics.

use callwright::project::Project;
use proptest::prelude::*;

fn acme() -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::read_to_string(format!("{root}/flows/acme/support.flow")).unwrap()
}

fn center() -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::read_to_string(format!("{root}/flows/acme/center.yaml")).unwrap()
}

/// Parses, checks and compiles; rendering every diagnostic too, since that walks the spans.
fn check(text: String, with_center: bool) {
    let c = with_center.then(|| ("center.yaml".to_string(), center()));
    let checked = Project::from_sources(vec![("t.flow".into(), text)], c).check();
    for d in &checked.diagnostics {
        let _ = callwright::diagnostics::render(d, checked.sources(), false);
        let _ = callwright::diagnostics::to_json(d, checked.sources());
    }
}

const WORDS: &[&str] = &[
    "inbound", "inqueue", "outbound", "flow", "task", "schedule", "in", "play", "menu", "ask", "if",
    "else", "switch", "set", "transfer", "to", "with", "create", "callback", "hold", "disconnect",
    "connect", "agent", "call", "jump", "return", "noinput", "nomatch", "exhausted", "on", "failure",
    "{", "}", "(", ")", "=>", "=", "==", "and", "or", "not", "\"hi {Call.Ani}\"", "1", "30s", "5m",
    "Call.Ani", "Flow.X", "X", "open(X)", "+31201234567", "2026-12-25", "08:00-18:00", "mon..fri",
    "closed", "retries", "timeout", "digits", "as", "minutes", ",", ";", "#", "\n", "\"",
    "window", "2026-12-01T10:00", "attempts", "retry", "every", "data", ":", "[", "]", "*",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn truncated_acme_never_panics(cut in 0usize..10_000) {
        let text = acme();
        let mut cut = cut % (text.len() + 1);
        while !text.is_char_boundary(cut) { cut -= 1; }
        check(text[..cut].to_string(), true);
    }

    #[test]
    fn shuffled_lines_never_panic(seed in any::<u64>()) {
        let text = acme();
        let mut lines: Vec<&str> = text.lines().collect();
        // A seeded Fisher-Yates, so failures reproduce from the seed proptest prints.
        let mut s = seed | 1;
        for i in (1..lines.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            lines.swap(i, (s % (i as u64 + 1)) as usize);
        }
        check(lines.join("\n"), true);
    }

    #[test]
    fn garbled_bytes_never_panic(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..20)) {
        let mut bytes = acme().into_bytes();
        for (pos, b) in edits {
            let n = bytes.len();
            bytes[pos % n] = b;
        }
        check(String::from_utf8_lossy(&bytes).into_owned(), false);
    }

    #[test]
    fn token_soup_never_panics(tokens in proptest::collection::vec(0usize..WORDS.len(), 0..80)) {
        let text = tokens.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ");
        check(text, true);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        check(text, false);
    }

    #[test]
    fn arbitrary_center_yaml_never_panics(text in "[a-z_: \\-\\[\\]\\n0-9{}\"]{0,300}") {
        let checked = Project::from_sources(
            vec![("t.flow".into(), "inbound flow A { disconnect }".into())],
            Some(("center.yaml".into(), text)),
        ).check();
        for d in &checked.diagnostics {
            let _ = callwright::diagnostics::render(d, checked.sources(), false);
        }
    }
}
