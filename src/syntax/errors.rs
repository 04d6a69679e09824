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
        Rule::transfer_option => "a transfer option (`with`, `priority`, `skills`)",
        Rule::data_entry => "a data entry `key: value`",
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
            let help = hint(&positives, text, pos);
            (format!("expected {expected}, found {found}"), help)
        }
        ErrorVariant::CustomError { message } => (message, None),
    };
    let mut d = Diagnostic::new(Code::Syntax, span, message).with_label("unexpected here");
    d.help = help.or_else(|| Some("see the language reference in grammar/README.md".into()));
    d
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
