//! Where a field of a test file is, for `file:line:col` in errors and failure reports: the
//! scenario loader's locator (block mappings and lists by indentation), followed into flow-style
//! lists and mappings on one line, and the line of every case in one pass.

use super::{Seg, locate};

/// Line and column of a field, following flow-style lists and mappings (`caller: [{ press: "1" }]`)
/// down to the item at fault, where the shared locator stops at the line.
pub fn locate_field(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let found = locate(text, path)?;
    // The shallowest prefix whose child sits on the same line: from there on, the text is inline.
    let mut k = 1;
    while k < path.len() {
        let here = locate(text, &path[..k]);
        let next = locate(text, &path[..k + 1]);
        if let (Some(h), Some(n)) = (here, next)
            && h.0 == n.0
        {
            break;
        }
        k += 1;
    }
    if k >= path.len() {
        return Some(found);
    }
    let (line_no, col) = locate(text, &path[..k])?;
    let line: Vec<char> = text.lines().nth(line_no - 1)?.chars().collect();
    let mut pos = col.saturating_sub(1);
    for seg in &path[k..] {
        pos = match seg {
            Seg::Key(key) => inline_key(&line, pos, key)?,
            Seg::Index(i) => inline_item(&line, pos, *i)?,
        };
    }
    Some((line_no, pos + 1))
}

/// The column of `key:` at or after `from` (outside quotes).
fn inline_key(line: &[char], from: usize, key: &str) -> Option<usize> {
    let k: Vec<char> = key.chars().collect();
    (from..line.len()).find(|&i| {
        line[i..].starts_with(&k)
            && (i == 0 || !(line[i - 1].is_alphanumeric() || line[i - 1] == '_' || line[i - 1] == '.'))
            && line[i + k.len()..].iter().find(|c| !c.is_whitespace()) == Some(&':')
    })
}

/// The column where item `n` of the first `[...]` list at or after `from` begins.
fn inline_item(line: &[char], from: usize, n: usize) -> Option<usize> {
    let open = (from..line.len()).find(|&i| line[i] == '[')?;
    let (mut depth, mut item, mut quote) = (0i32, 0usize, None::<char>);
    let mut at_start = true;
    for (i, &c) in line.iter().enumerate().skip(open) {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if depth == 1 && at_start && !c.is_whitespace() && c != ',' && c != ']' {
            if item == n {
                return Some(i);
            }
            at_start = false;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return None;
                }
            }
            ',' if depth == 1 => {
                item += 1;
                at_start = true;
            }
            _ => {}
        }
    }
    None
}

/// The 1-based line of each item of the top-level `cases:` list, in one pass over the text.
pub fn item_lines(text: &str, count: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(count);
    let mut in_cases = false;
    let mut indent: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = line.len() - t.len();
        if ind == 0 && !t.starts_with('-') {
            in_cases = t.starts_with("cases:");
            continue;
        }
        if in_cases && t.starts_with('-') && *indent.get_or_insert(ind) == ind {
            out.push(i as u32 + 1);
        }
    }
    out
}
