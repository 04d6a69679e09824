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
    // A table's file, for the generated flows that look up `T0`.
    let csv = ("t.csv".to_string(), "k,a\n1,x\n2,\"y, z\"\n".to_string());
    let checked = Project::from_sources(vec![("t.flow".into(), text), csv], c).check();
    for d in &checked.diagnostics {
        let _ = callwright::diagnostics::render(d, checked.sources(), false);
        let _ = callwright::diagnostics::to_json(d, checked.sources());
    }
}

const WORDS: &[&str] = &[
    "inbound",
    "inqueue",
    "outbound",
    "flow",
    "task",
    "schedule",
    "in",
    "play",
    "menu",
    "ask",
    "if",
    "else",
    "switch",
    "set",
    "transfer",
    "to",
    "with",
    "create",
    "callback",
    "hold",
    "disconnect",
    "connect",
    "agent",
    "call",
    "jump",
    "return",
    "noinput",
    "nomatch",
    "exhausted",
    "on",
    "failure",
    "{",
    "}",
    "(",
    ")",
    "=>",
    "=",
    "==",
    "and",
    "or",
    "not",
    "\"hi {Call.Ani}\"",
    "1",
    "30s",
    "5m",
    "Call.Ani",
    "Flow.X",
    "X",
    "open(X)",
    "+31201234567",
    "2026-12-25",
    "08:00-18:00",
    "mon..fri",
    "closed",
    "retries",
    "timeout",
    "digits",
    "as",
    "minutes",
    ",",
    ";",
    "#",
    "\n",
    "\"",
    "window",
    "2026-12-01T10:00",
    "attempts",
    "retry",
    "every",
    "data",
    "action",
    "call",
    "get",
    "\"https://x/{p}\"",
    "input",
    "output",
    "into",
    "table",
    "lookup",
    "key",
    "found",
    "with",
    "String",
    "\"/a/b\"",
    ":",
    "[",
    "]",
    "*",
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

/// Statements that parse, with holes for nesting, so the checker and graph lints (not just the
/// parser) meet odd but well-formed flows: loops, dead code, tasks that call themselves.
fn statement(choice: &[u8], depth: usize) -> String {
    let pick = |i: usize| choice.get(i).copied().unwrap_or(0) as usize;
    let inner = |start: usize| -> String {
        if depth == 0 || choice.len() <= start {
            return "disconnect".into();
        }
        let n = pick(start) % 3;
        (0..n)
            .map(|k| statement(&choice[(start + 1 + k * 3).min(choice.len())..], depth - 1))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match pick(0) % 24 {
        0 => "play \"hello {Call.Ani}\"".into(),
        1 => format!("if Flow.X > {} {{ {} }} else {{ {} }}", pick(1), inner(2), inner(5)),
        2 => format!(
            "menu M{} \"press\" retries {} {{ 1 => {{ {} }} noinput => {{ {} }} exhausted => disconnect }}",
            pick(1),
            pick(2) % 4,
            inner(3),
            inner(6)
        ),
        3 => "set Flow.X = Flow.X + 1".into(),
        4 => "jump T".into(),
        5 => "call T".into(),
        6 => "return".into(),
        7 => format!("transfer to Q{} with H on failure {{ {} }}", pick(1) % 2, inner(2)),
        8 => "create callback number Call.Ani attempts 3 retry every 10m".into(),
        9 => "hold 10s".into(),
        10 => "disconnect".into(),
        11 => format!("switch Flow.S {{ \"a\" => {{ {} }} else => {{ {} }} }}", inner(1), inner(4)),
        12 => {
            "ask Task.C \"digits\" digits 1..3 timeout 5s interdigit 2s on noinput => play \"nothing\"".into()
        }
        13 => "connect agent".into(),
        14 => "play estimated wait".into(),
        16 => format!(
            "lookup T{} key Call.Ani into {{ Task.A = a }} on not found => {{ {} }}",
            pick(1) % 2,
            inner(2)
        ),
        15 => format!(
            "call data L{} with {{ p: Call.Ani }} into {{ Task.N = n }} on failure => {{ {} }} on timeout => {{ {} }}",
            pick(1) % 2,
            inner(2),
            inner(5)
        ),
        18 => "if Call.AnsweringMachine { leave voicemail \"call us {Call.Dnis}\" }".into(),
        19 => "retry later".into(),
        20 => format!("transfer to Q{} preferred agent Flow.S for {}s", pick(1) % 2, pick(2)),
        17 => "set Call.Skills = Flow.S + \", b\"".into(),
        21 => "hold 5s music \"audio/x.wav\"".into(),
        22 => format!("transfer to secure flow S on failure {{ {} }}", inner(1)),
        _ => "set Flow.S = \"a\"".into(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn generated_flows_never_panic(
        kind in 0usize..4,
        body in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..24), 0..8),
        task in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..24), 0..4),
        handler in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..24), 0..3),
    ) {
        let kind = ["inbound", "inqueue", "outbound", "secure"][kind];
        let body: Vec<String> = body.iter().map(|c| statement(c, 2)).collect();
        let task: Vec<String> = task.iter().map(|c| statement(c, 2)).collect();
        // An `on error` handler when the generator gives it statements (reading the error).
        let handler = match handler.iter().map(|c| statement(c, 2)).collect::<Vec<_>>() {
            h if h.is_empty() => String::new(),
            h => format!(
                "on error {{\nplay \"{{Flow.ErrorType}} {{Flow.ErrorMessage}}\"\n{}\n}}\non key \"{}\" {{ {} }}\n",
                h.join("\n"),
                h.len() % 10,
                h[0]
            ),
        };
        let text = format!(
            "table T0 from \"t.csv\" key k {{ a: String }}\ndata action L0 {{ get \"https://x/{{p}}\" input p output n: String = \"/n\" timeout 2s }}\n{kind} flow F {{\n{handler}{}\ntask T {{\n{}\n}}\n}}\ninqueue flow H {{ hold 1m }}\nsecure flow S {{ ask Task.P \"pin\" digits 4 timeout 5s\nset Call.Data[\"p\"] = last(Task.P, 1) }}\n",
            body.join("\n"),
            task.join("\n")
        );
        let parsed = callwright::syntax::parse(callwright::source::FileId(0), &text);
        prop_assert!(parsed.0.is_some(), "generator produced a syntax error: {:?}\n{text}", parsed.1);
        check(text, false);
    }
}
