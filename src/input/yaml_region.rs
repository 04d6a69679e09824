//! Finding where a setting was written in the `center.yaml` text.
//!
//! serde_yaml gives positions only for syntax errors, so value problems are placed by searching the
//! text: find the block a key opens (its line plus the more-indented lines after it), then the key
//! inside it. Every search can fail (flow style, anchors, odd quoting); callers fall back to the
//! enclosing block and finally to the start of the file. Nothing here can panic on any input.

use crate::source::{FileId, Span};
use std::ops::Range;

/// A byte range of the text holding one YAML block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub lo: usize,
    pub hi: usize,
}

/// One `key: value` found in the text.
#[derive(Debug, Clone)]
pub struct KeyHit {
    /// The key itself, without quotes.
    pub key: Range<usize>,
    /// `key: value` up to the end of the line, a comment, or the `,`/`}` ending a flow entry.
    pub entry: Range<usize>,
    /// The value on the key's line (may be empty when the value is a block below).
    pub value: Range<usize>,
    /// The key's line and every more-indented line after it.
    pub block: Region,
}

pub struct Locator<'a> {
    pub file: FileId,
    pub text: &'a str,
}

impl<'a> Locator<'a> {
    pub fn new(file: FileId, text: &'a str) -> Self {
        Locator { file, text }
    }

    pub fn whole(&self) -> Region {
        Region { lo: 0, hi: self.text.len() }
    }

    pub fn span(&self, r: Range<usize>) -> Span {
        Span::new(self.file, r.start, r.end)
    }

    /// The fallback position: the start of the file.
    pub fn start(&self) -> Span {
        let end = self.line_end(0);
        Span::new(self.file, 0, end)
    }

    pub fn region_span(&self, r: Region) -> Span {
        let text = &self.text[r.lo..r.hi];
        let trimmed = text.trim_end();
        Span::new(self.file, r.lo, r.lo + trimmed.len())
    }

    /// Byte offset of a 1-based line and (character) column, clamped to the text.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let mut lo = 0;
        for _ in 1..line.max(1) {
            match self.text[lo..].find('\n') {
                Some(nl) => lo += nl + 1,
                None => return self.text.len(),
            }
        }
        let end = self.line_end(lo);
        self.text[lo..end].char_indices().nth(column.saturating_sub(1)).map(|(i, _)| lo + i).unwrap_or(end)
    }

    /// The one character at `offset` (empty at the end of the text or of a line).
    pub fn char_span(&self, offset: usize) -> Span {
        let offset = self.floor(offset);
        let len = self.text[offset..].chars().next().filter(|c| *c != '\n').map_or(0, char::len_utf8);
        Span::new(self.file, offset, offset + len)
    }

    fn floor(&self, mut p: usize) -> usize {
        p = p.min(self.text.len());
        while !self.text.is_char_boundary(p) {
            p -= 1;
        }
        p
    }

    fn line_start(&self, p: usize) -> usize {
        self.text[..p].rfind('\n').map_or(0, |i| i + 1)
    }

    fn line_end(&self, p: usize) -> usize {
        let end = self.text[p..].find('\n').map_or(self.text.len(), |i| p + i);
        if end > p && self.text.as_bytes()[end - 1] == b'\r' { end - 1 } else { end }
    }

    fn next_line(&self, p: usize) -> Option<usize> {
        self.text[p..].find('\n').map(|i| p + i + 1).filter(|&n| n < self.text.len())
    }

    /// The first `key:` in `region`; with `column`, only a key starting that many bytes into its line.
    pub fn find_key(&self, region: Region, key: &str, column: Option<usize>) -> Option<KeyHit> {
        if key.is_empty() || region.lo > region.hi || region.hi > self.text.len() {
            return None;
        }
        let bytes = self.text.as_bytes();
        let hay = self.text.get(region.lo..region.hi)?;
        for (i, _) in hay.match_indices(key) {
            let p = region.lo + i;
            let mut after = p + key.len();
            let mut klo = p;
            // A quoted key: "Support": or 'Support':
            if p > 0 && (bytes[p - 1] == b'"' || bytes[p - 1] == b'\'') {
                if bytes.get(after) != Some(&bytes[p - 1]) {
                    continue;
                }
                klo = p - 1;
                after += 1;
            }
            let ls = self.line_start(klo);
            let prefix = &self.text[ls..klo];
            let flow = prefix.trim_end().ends_with(['{', ',']);
            let block = prefix.chars().all(|c| c == ' ' || c == '-')
                && (prefix.trim().is_empty() || prefix.ends_with(' '));
            if !(flow || block) {
                continue;
            }
            if column.is_some_and(|c| c != klo - ls || !prefix.chars().all(|c| c == ' ')) {
                continue;
            }
            // Then optional blanks and a colon that is followed by a blank or the end of the line.
            let mut q = after;
            while q < bytes.len() && (bytes[q] == b' ' || bytes[q] == b'\t') {
                q += 1;
            }
            if bytes.get(q) != Some(&b':') {
                continue;
            }
            let colon = q;
            let next = bytes.get(colon + 1);
            let ends_key = matches!(next, None | Some(b' ' | b'\t' | b'\n' | b'\r'))
                || (flow && matches!(next, Some(b',' | b'}')));
            if !ends_key {
                continue;
            }
            let value_end = self.value_end(colon + 1, flow);
            let mut value_start = colon + 1;
            while value_start < value_end && (bytes[value_start] == b' ' || bytes[value_start] == b'\t') {
                value_start += 1;
            }
            let value_empty = value_start == value_end;
            let block = Region { lo: ls, hi: self.block_end(ls, klo - ls, value_empty) };
            return Some(KeyHit {
                key: p..p + key.len(),
                entry: klo..value_end,
                value: value_start..value_end,
                block,
            });
        }
        None
    }

    /// The first key in `parent`'s block at the indentation of its first child line.
    pub fn find_child_key(&self, parent: Region, key: &str) -> Option<KeyHit> {
        let first = self.next_line(parent.lo).filter(|&n| n < parent.hi);
        let column = first.and_then(|n| self.first_content_line(n, parent.hi)).map(|(_, ind)| ind);
        match column {
            Some(c) => self.find_key(parent, key, Some(c)).or_else(|| self.find_key(parent, key, None)),
            None => self.find_key(parent, key, None),
        }
    }

    /// Where a scalar equal to `value` is written in `region` (a list item, a name).
    pub fn find_value(&self, region: Region, value: &str) -> Option<Range<usize>> {
        if value.is_empty() || region.lo > region.hi || region.hi > self.text.len() {
            return None;
        }
        let bytes = self.text.as_bytes();
        let hay = self.text.get(region.lo..region.hi)?;
        hay.match_indices(value).map(|(i, _)| region.lo + i).find_map(|p| {
            let end = p + value.len();
            let before_ok =
                p == 0 || matches!(bytes[p - 1], b' ' | b'\t' | b'[' | b',' | b'"' | b'\'' | b'\n');
            let after_ok = matches!(
                bytes.get(end),
                None | Some(b' ' | b'\t' | b']' | b',' | b'}' | b'"' | b'\'' | b'\n' | b'\r' | b'#')
            );
            (before_ok && after_ok).then_some(p..end)
        })
    }

    /// The regions of the items of a block sequence inside `parent` (`- name: alice` ...).
    /// Empty when the list is not written in block style.
    pub fn list_items(&self, parent: Region) -> Vec<Region> {
        let mut items = Vec::new();
        let Some(mut line) = self.next_line(parent.lo).filter(|&n| n < parent.hi) else {
            return items;
        };
        let mut item_indent = None;
        loop {
            let end = self.line_end(line);
            let content = &self.text[line..end];
            let trimmed = content.trim_start();
            let indent = content.len() - trimmed.len();
            if !(trimmed.is_empty() || trimmed.starts_with('#')) {
                let is_item = trimmed == "-" || trimmed.starts_with("- ");
                match item_indent {
                    None if is_item => item_indent = Some(indent),
                    None => return Vec::new(),
                    Some(_) => {}
                }
                if is_item && item_indent == Some(indent) {
                    if let Some(last) = items.last_mut() {
                        last.hi = self.trim_region_end(last.lo, line);
                    }
                    items.push(Region { lo: line + indent, hi: end });
                } else if let Some(last) = items.last_mut() {
                    last.hi = end;
                }
            }
            match self.next_line(line).filter(|&n| n < parent.hi) {
                Some(n) => line = n,
                None => break,
            }
        }
        items
    }

    fn trim_region_end(&self, lo: usize, hi: usize) -> usize {
        lo + self.text[lo..hi].trim_end().len()
    }

    /// The first line at or after `line` (and before `hi`) that is not blank or a comment.
    fn first_content_line(&self, mut line: usize, hi: usize) -> Option<(usize, usize)> {
        loop {
            if line >= hi {
                return None;
            }
            let content = &self.text[line..self.line_end(line)];
            let trimmed = content.trim_start();
            if !(trimmed.is_empty() || trimmed.starts_with('#')) {
                return Some((line, content.len() - trimmed.len()));
            }
            line = self.next_line(line)?;
        }
    }

    /// End of the block opened by the key at `column` of the line at `ls`.
    fn block_end(&self, ls: usize, column: usize, value_below: bool) -> usize {
        let mut hi = self.line_end(ls);
        let mut line = ls;
        while let Some(next) = self.next_line(line) {
            line = next;
            let end = self.line_end(line);
            let content = &self.text[line..end];
            let trimmed = content.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = content.len() - trimmed.len();
            let same_level_list =
                value_below && indent == column && (trimmed == "-" || trimmed.starts_with("- "));
            if indent > column || same_level_list {
                hi = end;
            } else {
                break;
            }
        }
        hi
    }

    /// End of a value starting at `p`: the end of its line without a trailing comment, or in flow
    /// context the `,`, `}` or `]` that closes it.
    fn value_end(&self, p: usize, flow: bool) -> usize {
        let bytes = self.text.as_bytes();
        let mut depth = 0usize;
        let mut quote: Option<u8> = None;
        let mut i = p;
        let mut last_content = p;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'\n' || b == b'\r' {
                break;
            }
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None => match b {
                    b'"' | b'\'' => quote = Some(b),
                    b'#' if i == p || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t' => break,
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' if depth > 0 => depth -= 1,
                    b',' | b']' | b'}' if flow && depth == 0 => break,
                    _ => {}
                },
            }
            if b != b' ' && b != b'\t' {
                last_content = i + 1;
            }
            i += 1;
        }
        last_content
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "queues:\n  Support:\n    ani: \"+31\"  # id\n    callback:\n      attempts: 3\n  Billing: {skills: [a, b], callback: {attempts: 50}}\nagents:\n- name: alice\n  queues: [Support]\n- name: bob\n";

    #[test]
    fn finds_keys_blocks_and_items() {
        let loc = Locator::new(FileId(0), TEXT);
        let queues = loc.find_key(loc.whole(), "queues", Some(0)).unwrap();
        let support = loc.find_child_key(queues.block, "Support").unwrap();
        assert_eq!(&TEXT[support.key.clone()], "Support");
        let ani = loc.find_key(support.block, "ani", None).unwrap();
        assert_eq!(&TEXT[ani.entry.clone()], "ani: \"+31\"");
        let cb = loc.find_key(support.block, "callback", None).unwrap();
        let attempts = loc.find_key(cb.block, "attempts", None).unwrap();
        assert_eq!(&TEXT[attempts.entry], "attempts: 3");
        let billing = loc.find_child_key(queues.block, "Billing").unwrap();
        let attempts = loc.find_key(billing.block, "attempts", None).unwrap();
        assert_eq!(&TEXT[attempts.entry], "attempts: 50");
        let agents = loc.find_key(loc.whole(), "agents", Some(0)).unwrap();
        let items = loc.list_items(agents.block);
        assert_eq!(items.len(), 2);
        assert_eq!(&TEXT[items[0].lo..items[0].hi], "- name: alice\n  queues: [Support]");
        let q = loc.find_key(items[0], "queues", None).unwrap();
        let r = loc.find_value(q.block, "Support").unwrap();
        assert_eq!(&TEXT[r.start - 1..r.end + 1], "[Support]");
    }

    #[test]
    fn offsets_count_characters() {
        let loc = Locator::new(FileId(0), "é: x\n  bé: {\n");
        assert_eq!(loc.offset(2, 4), 6 + 3);
        assert_eq!(loc.offset(1, 2), 2);
        assert_eq!(loc.offset(9, 9), 15);
        assert_eq!(loc.char_span(100).lo, 15);
    }
}
