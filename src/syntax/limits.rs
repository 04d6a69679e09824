//! Bounds on how deeply a flow may nest, checked on the text before the parser runs: the parser,
//! the checker, the compiler and the evaluator all recurse over the tree, and a file with thousands
//! of nested `if`s, parentheses or operators would otherwise exhaust the stack (an abort with no
//! message). Real flows stay far below these.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// Blocks and parentheses open at once.
pub const MAX_NESTING: usize = 64;
/// `else if` branches in one chain.
pub const MAX_ELSE_IF: usize = 200;
/// Operators (`+`, `and`, `not`, `==`, unary `-`, ...) on one line.
pub const MAX_OPERATORS_PER_LINE: usize = 256;

/// The first bound the text goes past, as a diagnostic at the place it happens.
pub fn check(file: FileId, text: &str) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    // Per depth: length of the `if` / `else if` chain that ended last at that depth.
    let mut chain: Vec<usize> = vec![0; 8];
    let mut ops_on_line = 0usize;
    let mut i = 0;
    let too_deep = |at: usize, what: &str, limit: usize, help: &str| {
        Some(
            Diagnostic::new(
                Code::TooDeep,
                Span::new(file, at, (at + 1).min(text.len())),
                format!("{what} (the limit is {limit})"),
            )
            .with_label("too deep here")
            .with_help(help.to_string()),
        )
    };
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' => {
                // Skip a quoted text (with escapes).
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\n' => ops_on_line = 0,
            b'{' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return too_deep(
                        i,
                        &format!("blocks and parentheses nest {depth} deep"),
                        MAX_NESTING,
                        "move deep branches into tasks (`call Name`), or split the expression with `set`",
                    );
                }
                if chain.len() <= depth {
                    chain.resize(depth + 1, 0);
                }
            }
            b'}' | b')' => depth = depth.saturating_sub(1),
            // `==`, `<=`, `=>` count once; a `-` inside a date or a range counts harmlessly.
            b'+' | b'*' | b'/' | b'<' | b'>' | b'=' | b'!' | b'-'
                if !(i > 0 && matches!(bytes[i - 1], b'=' | b'<' | b'>' | b'!')) =>
            {
                ops_on_line += 1;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
                {
                    i += 1;
                }
                let word = &text[start..i];
                match word {
                    "and" | "or" | "not" => ops_on_line += 1,
                    "if" => {
                        let after_else = text[..start].trim_end().ends_with("else");
                        let d = depth.min(chain.len() - 1);
                        chain[d] = if after_else { chain[d] + 1 } else { 1 };
                        if chain[d] - 1 > MAX_ELSE_IF {
                            return too_deep(
                                start,
                                &format!("an `if` chain has {} `else if` branches", chain[d] - 1),
                                MAX_ELSE_IF,
                                "use `switch` for many values, or a menu",
                            );
                        }
                    }
                    _ => {}
                }
                if ops_on_line > MAX_OPERATORS_PER_LINE {
                    return too_deep(
                        start,
                        &format!("one line has more than {MAX_OPERATORS_PER_LINE} operators"),
                        MAX_OPERATORS_PER_LINE,
                        "split the expression into steps with `set`",
                    );
                }
                continue;
            }
            _ => {}
        }
        if ops_on_line > MAX_OPERATORS_PER_LINE {
            return too_deep(
                i,
                &format!("one line has more than {MAX_OPERATORS_PER_LINE} operators"),
                MAX_OPERATORS_PER_LINE,
                "split the expression into steps with `set`",
            );
        }
        i += 1;
    }
    None
}
