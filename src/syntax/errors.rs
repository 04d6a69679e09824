//! Turning pest's parse errors into diagnostics in the user's words. Rule names never leave here.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::parser::Rule;
use pest::error::{Error, ErrorVariant, InputLocation};

const STATEMENTS: &[Rule] = &[
    Rule::kw_play,
    Rule::kw_menu,
    Rule::kw_ask,
    Rule::kw_if,
    Rule::kw_switch,
    Rule::kw_set,
    Rule::kw_transfer,
    Rule::kw_create,
    Rule::kw_hold,
    Rule::kw_disconnect,
    Rule::kw_connect,
    Rule::kw_call,
    Rule::kw_jump,
    Rule::kw_return,
    Rule::kw_leave,
];

const OPERANDS: &[Rule] = &[
    Rule::datetime,
    Rule::duration,
    Rule::phone,
    Rule::int,
    Rule::boolean,
    Rule::string,
    Rule::func_call,
    Rule::path,
    Rule::op_not,
    Rule::op_neg,
];

/// What a rule looks like to a flow author.
fn describe(rule: Rule) -> String {
    let name = format!("{rule:?}");
    if let Some(word) = name.strip_prefix("kw_") {
        return format!("`{word}`");
    }
    if name.starts_with("op_") || rule == Rule::as_unit {
        return "an operator".into();
    }
    match rule {
        Rule::EOI => "the end of the file",
        Rule::ident => "a name",
        Rule::expr => "an expression",
        Rule::int => "a whole number",
        Rule::duration => "a duration such as `30s`, `5m` or `1h30m`",
        Rule::string | Rule::plain_string => "a quoted text",
        Rule::datetime => "a date and time such as `2026-12-01T09:30`",
        Rule::date => "a date such as `2026-12-25`",
        Rule::clock => "a time of day such as `08:30`",
        Rule::time_range => "opening hours such as `08:00-18:00`",
        Rule::day | Rule::day_range | Rule::open_hours => "a weekday (`mon` .. `sun`)",
        Rule::flow_kind | Rule::flow => "a flow (`inbound flow Name {`, `inqueue flow`, `outbound flow`)",
        Rule::schedule => "a schedule",
        Rule::dtmf | Rule::choice_key | Rule::menu_choice => {
            "a menu choice (a key, `noinput`, `nomatch` or `exhausted`)"
        }
        Rule::key_noinput => "`noinput`",
        Rule::key_nomatch => "`nomatch`",
        Rule::key_exhausted => "`exhausted`",
        Rule::path => "a variable such as `Flow.Count`",
        Rule::func_call => "a function call",
        Rule::phone => "a phone number such as `+31201234567`",
        Rule::boolean => "`true` or `false`",
        Rule::callback_mode => "`agent_first` or `customer_first`",
        Rule::unit => "`seconds`, `minutes` or `hours`",
        Rule::block => "a block `{ ... }`",
        Rule::body => "a statement or a block `{ ... }`",
        Rule::task => "`task`",
        Rule::stmt => "a statement",
        Rule::menu_option | Rule::retries_opt | Rule::timeout_opt => "a menu option (`retries`, `timeout`)",
        Rule::callback_option => "a callback option (`number`, `name`, `queue`, `at`, `window`, ...)",
        Rule::transfer_option => "a transfer option (`with`, `priority`, `skills`, `preferred agent`)",
        Rule::data_entry => "a data entry `key: value`",
        Rule::data_action => "a data action",
        Rule::http_method | Rule::da_request => "a request such as `get \"https://…\"`",
        Rule::da_header => "`header`",
        Rule::da_body => "`body`",
        Rule::da_input => "`input`",
        Rule::da_output => "an output such as `output name: String = \"/customer/name\"`",
        Rule::da_timeout => "`timeout`",
        Rule::dc_with => "`with { input: value }`",
        Rule::dc_into => "`into { Task.Variable = output }`",
        Rule::into_entry => "an output mapping `Task.Variable = output`",
        Rule::on_timeout => "`on timeout`",
        Rule::on_error => "`on error { ... }`",
        Rule::use_decl => "`use \"folder\"`",
        Rule::on_key => "`on key \"9\" { ... }`",
        Rule::table_decl => "a table",
        Rule::table_column => "a column such as `name: String`",
        Rule::lookup => "`lookup`",
        Rule::on_not_found => "`on not found`",
        Rule::prompt_decl => "a prompt",
        Rule::prompt_text => "a text such as `\"nl-NL\": \"Welkom\"`",
        Rule::transfer_out
        | Rule::out_number
        | Rule::out_voicemail
        | Rule::out_flow
        | Rule::out_agent
        | Rule::out_agent_voicemail => {
            "a queue, `number …`, `voicemail Queue`, `flow Name`, `agent \"name\"` or `voicemail agent \"name\"`"
        }
        Rule::closed_item => "a date such as `2026-12-25`",
        Rule::case => "a case `value => ...`",
        _ => "something else",
    }
    .to_string()
}

fn expected_list(positives: &[Rule]) -> String {
    let mut words: Vec<String> = Vec::new();
    let stmt_count = positives.iter().filter(|r| STATEMENTS.contains(r)).count();
    let operand_count = positives.iter().filter(|r| OPERANDS.contains(r)).count();
    for &r in positives {
        let w = if stmt_count >= 4 && STATEMENTS.contains(&r) {
            "a statement (`play`, `menu`, `transfer`, `disconnect`, ...)".to_string()
        } else if operand_count >= 3 && OPERANDS.contains(&r) {
            "an expression".to_string()
        } else {
            describe(r)
        };
        if w != "something else" && !words.contains(&w) {
            words.push(w);
        }
    }
    match words.len() {
        0 => "something else".into(),
        1 => words.remove(0),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

/// The word at a byte offset, as the user would see it.
fn found_at(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    let tok: String = rest.chars().take_while(|c| !c.is_whitespace()).take(24).collect();
    if tok.is_empty() {
        if rest.is_empty() { "the end of the file".into() } else { "a line break".into() }
    } else if tok.starts_with('"') {
        "a quoted text".into()
    } else if tok.starts_with('\'') {
        "`'`".into()
    } else {
        let word: String = if tok.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            tok.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.').collect()
        } else {
            tok.chars().take(2).collect()
        };
        format!("`{word}`")
    }
}

pub(crate) fn to_diagnostic(err: Error<Rule>, file: FileId, text: &str) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let found = found_at(text, pos);
    let end = (pos + found.len().saturating_sub(2).max(1)).min(text.len()).max(pos);
    let end = (pos..=end).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(pos);
    let span = Span::new(file, pos, end);
    let (message, help) = match err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            // After a complete statement, "an operator" (the last expression could go on) is noise.
            let wants_statement = positives.iter().any(|r| STATEMENTS.contains(r) || *r == Rule::stmt);
            let shown: Vec<Rule> = positives
                .iter()
                .copied()
                .filter(|r| {
                    !(wants_statement
                        && (format!("{r:?}").starts_with("op_") || matches!(r, Rule::as_unit | Rule::kw_as)))
                })
                .collect();
            let expected = expected_list(&shown);
            if let Some(d) = common_mistake(&positives, text, pos, file, span) {
                return d;
            }
            let help = hint(&positives, text, pos);
            (format!("expected {expected}, found {found}"), help)
        }
        ErrorVariant::CustomError { message } => (message, None),
    };
    let mut d = Diagnostic::new(Code::Syntax, span, message).with_label("unexpected here");
    d.help = help.or_else(|| Some("see the language reference in grammar/README.md".into()));
    d
}

/// The commonest typing mistakes, each with a message that says what to write instead of what
/// the grammar expected (golden files in tests/fixtures/diagnostics/syntax/).
fn common_mistake(
    positives: &[Rule],
    text: &str,
    pos: usize,
    file: FileId,
    span: Span,
) -> Option<Diagnostic> {
    let rest = text.get(pos..).unwrap_or("");
    let before = text.get(..pos).unwrap_or("");
    let word: String =
        rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_').collect();
    let syntax = |message: String, label: &str, help: String| {
        Some(Diagnostic::new(Code::Syntax, span, message).with_label(label.to_string()).with_help(help))
    };
    // `timeout 5 sec`: a number, a space, a unit word.
    let number_before: String = before.trim_end().chars().rev().take_while(|c| c.is_ascii_digit()).collect();
    if let Some(unit) = unit_letter(&word)
        && !number_before.is_empty()
        && before.ends_with(char::is_whitespace)
    {
        let n: String = number_before.chars().rev().collect();
        return syntax(
            format!("a duration is written without a space: `{n}{unit}`, not `{n} {word}`"),
            "unit apart from its number",
            format!("write `{n}{unit}` (units: `s`, `m`, `h`, `d`; combine them as `1h30m`)"),
        );
    }
    // `10min`, `5sec`, `2hrs`, `1.5h`: a number glued to a unit the grammar does not know.
    let digits: String = word.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() && digits.len() < word.len() {
        let tail = &word[digits.len()..];
        if tail.starts_with('.') {
            return syntax(
                format!("`{word}`: durations are whole numbers"),
                "a fraction",
                "write whole numbers with smaller units, such as `1h30m` or `90s`".into(),
            );
        }
        if let Some(unit) = unit_letter(tail) {
            return syntax(
                format!("`{word}` is not a duration; write `{digits}{unit}`"),
                "unknown unit",
                "durations use `s`, `m`, `h` and `d`, such as `30s`, `10m`, `1h30m`".into(),
            );
        }
    }
    // `mon-fri`: a weekday range with a dash.
    let day_before: String = before.chars().rev().take_while(|c| c.is_ascii_alphabetic()).collect();
    let day_before: String = day_before.chars().rev().collect();
    const DAYS: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    if rest.starts_with('-') && DAYS.contains(&day_before.as_str()) {
        let next: String = rest[1..].chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        return syntax(
            format!("a range of weekdays is written with two dots: `{day_before}..{next}`"),
            "a dash between weekdays",
            format!("write `{day_before}..{next}` (a dash separates times: `08:00-18:00`)"),
        );
    }
    // `1 disconnect` in a menu: a key without `=>`.
    let wants_choice =
        positives.iter().any(|r| matches!(r, Rule::menu_choice | Rule::choice_key | Rule::dtmf));
    let key: String =
        rest.chars().take_while(|c| c.is_ascii_digit() || *c == '*' || *c == '"' || *c == '#').collect();
    let after_key = rest.get(key.len()..).unwrap_or("").trim_start();
    if wants_choice && !key.is_empty() && !after_key.starts_with("=>") {
        // A wrong arrow (`->`, `:`, `=`) is dropped from the suggestion.
        let wrong_arrow = ["->", "=", ":", ">"].iter().find(|a| after_key.starts_with(**a));
        let what = wrong_arrow.map_or(after_key, |a| after_key[a.len()..].trim_start());
        let what: String = what.chars().take_while(|c| *c != '\n').collect();
        return syntax(
            format!("a menu choice needs `=>` between the key and what happens: `{key} => {}`", what.trim()),
            "no `=>` after this key",
            format!("write `{key} => {}`", what.trim()),
        );
    }
    // A flow or schedule starts while a block is still open: a `}` is missing. Point at the `{`
    // that was never closed, not only where the parser noticed.
    let wants_statement = positives.iter().any(|r| STATEMENTS.contains(r) || *r == Rule::stmt);
    let starts_item = ["inbound", "inqueue", "outbound", "schedule"].contains(&word.as_str());
    let at_end = rest.trim().is_empty();
    if wants_statement && (starts_item || at_end) {
        let (message, label) = if at_end {
            (
                "a `}` is missing at the end of the file: a block is never closed".to_string(),
                "the file ends here",
            )
        } else {
            (
                format!("a `}}` is missing before this `{word}`: a block above is never closed"),
                "the next item starts while a block is open",
            )
        };
        let mut d = Diagnostic::new(Code::Syntax, span, message)
            .with_label(label)
            .with_help("close every `{` with a `}` at the same indentation");
        if let Some(open) = unclosed_brace(before) {
            d = d.with_secondary(Span::new(file, open, open + 1), "this `{` is never closed");
        }
        return Some(d);
    }
    None
}

/// The one-letter unit of a unit word people write (`sec`, `mins`, `hours`, ...).
fn unit_letter(word: &str) -> Option<char> {
    match word.to_ascii_lowercase().as_str() {
        "sec" | "secs" | "second" | "seconds" => Some('s'),
        "min" | "mins" | "minute" | "minutes" => Some('m'),
        "hr" | "hrs" | "hour" | "hours" => Some('h'),
        "day" | "days" => Some('d'),
        _ => None,
    }
}

/// The offset of the `{` that is still open at the end of `text` and whose line has no `}` at
/// the same indentation after it (the one the author forgot to close). Strings and comments are
/// skipped.
fn unclosed_brace(text: &str) -> Option<usize> {
    let mut open: Vec<usize> = Vec::new();
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            '\n' => in_comment = false,
            _ if in_comment => {}
            '\\' if in_string => escaped = !escaped,
            '"' if !escaped => in_string = !in_string,
            '#' if !in_string => in_comment = true,
            '{' if !in_string => open.push(i),
            '}' if !in_string => {
                open.pop();
            }
            _ => {}
        }
        if c != '\\' {
            escaped = false;
        }
    }
    let indent_of = |at: usize| {
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        text[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').count()
    };
    // By indentation: an opener is closed by the first later line at its indentation or less,
    // if that line is a `}`. The last opener that is not is the one the author forgot.
    let openers: Vec<usize> =
        text.match_indices('{').map(|(i, _)| i).filter(|i| !in_text(text, *i)).collect();
    openers
        .into_iter()
        .rfind(|&at| {
            let indent = indent_of(at);
            let next = text[at..].lines().skip(1).find(|l| {
                let t = l.trim_start();
                !t.is_empty() && !t.starts_with('#') && l.len() - t.len() <= indent
            });
            !next.is_some_and(|l| l.trim_start().starts_with('}'))
        })
        .or(open.last().copied())
}

/// Whether byte `at` is inside a quoted text or a comment of its line.
fn in_text(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let mut in_string = false;
    for c in text[line_start..at].chars() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return true,
            _ => {}
        }
    }
    in_string
}

/// A targeted hint for the mistakes people actually make.
fn hint(positives: &[Rule], text: &str, pos: usize) -> Option<String> {
    let rest = text.get(pos..).unwrap_or("");
    if rest.starts_with('\'') {
        return Some("texts are written in double quotes: \"like this\"".into());
    }
    let wants_statement = positives.iter().any(|r| STATEMENTS.contains(r) || *r == Rule::stmt);
    if wants_statement && rest.trim().is_empty() {
        return Some("a `}` is missing: every `{` needs a matching `}`".into());
    }
    if wants_statement {
        let word: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !word.is_empty() {
            const KEYWORDS: &[&str] = &[
                "play",
                "menu",
                "ask",
                "if",
                "switch",
                "set",
                "transfer",
                "create",
                "hold",
                "disconnect",
                "connect",
                "call",
                "jump",
                "return",
                "task",
            ];
            if let Some(k) = crate::source::suggest::did_you_mean(&word, KEYWORDS.iter().copied()) {
                return Some(format!("did you mean `{k}`?"));
            }
        }
    }
    if rest.starts_with('}') && positives.iter().any(|r| OPERANDS.contains(r)) {
        return Some("the statement before this brace is incomplete".into());
    }
    None
}
