//! Text safe for a terminal. Names, reasons, prompts and file contents come from users and files;
//! printed raw, an escape sequence in them (`ESC ] 0 ; … BEL` retitles the terminal, `ESC [ 2 J`
//! clears it) would act on the reader's terminal. Every human-readable line callwright prints goes
//! through [`printable`]; JSON output keeps the value, escaped as JSON does.

use std::borrow::Cow;

/// `text` with every control character except newline and tab written as `\u{1b}`-style escapes;
/// colour codes (`ESC [ digits ; … m`, which callwright itself writes) are kept.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}'
            && let Some(len) = colour_code(rest)
        {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// The length of an SGR colour sequence at the start of `s` (`ESC [ 1 ; 31 m`), if it is one.
fn colour_code(s: &str) -> Option<usize> {
    let body = s.strip_prefix("\u{1b}[")?;
    let digits = body.bytes().take_while(|b| b.is_ascii_digit() || *b == b';').count();
    (body.as_bytes().get(digits) == Some(&b'm')).then_some(2 + digits + 1)
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn escapes_control_sequences_but_keeps_colours_and_lines() {
        assert_eq!(printable("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(printable("\u{1b}]0;PWNED\u{7}\u{1b}[2J"), "\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J");
        assert_eq!(printable("\u{1b}[1;31merror\u{1b}[0m: x"), "\u{1b}[1;31merror\u{1b}[0m: x");
    }
}
