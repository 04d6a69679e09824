//! Finding a field in YAML text, for line and column in errors. Heuristic: block-style mappings
//! and lists by indentation, then flow-style (`{ calls: 5 }`) keys on the same line. Used by the
//! scenario and flow-test loaders ([`locate_field`](super::locate_field) follows flow-style lists
//! further).

use super::Seg;

/// Where serde_yaml found a syntax error: 1-based line and column, when it knows them.
pub fn yaml_error_position(e: &serde_yaml::Error) -> (Option<u32>, Option<u32>) {
    let loc = e.location();
    (
        loc.as_ref().and_then(|l| u32::try_from(l.line()).ok()),
        loc.as_ref().and_then(|l| u32::try_from(l.column()).ok()),
    )
}

/// 1-based line and column of the field at `path`, as deep as it can be found.
pub fn locate(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut lo = 0;
    let mut hi = lines.len();
    let mut parent: isize = -1;
    // 1-based line, 0-based column of the deepest part found.
    let mut found: Option<(usize, usize)> = None;
    for (depth, seg) in path.iter().enumerate() {
        let hit = match seg {
            Seg::Key(key) => find_key_line(&lines, lo, hi, parent, key),
            Seg::Index(i) => find_item_line(&lines, lo, hi, parent, *i),
        };
        let Some((line, col)) = hit else {
            // Flow style: look for the rest of the path on the line found so far.
            let (line, mut col) = found?;
            for seg in &path[depth..] {
                let Seg::Key(key) = seg else { break };
                match find_inline_key(lines[line - 1], col + 1, key) {
                    Some(c) => col = c,
                    None => break,
                }
            }
            return Some((line, col + 1));
        };
        found = Some((line + 1, col));
        match seg {
            Seg::Key(_) => {
                // The value is indented more, or is a list whose dashes line up with the key.
                lo = line + 1;
                hi = (lo..hi)
                    .find(|&i| {
                        let l = lines[i];
                        !is_blank(l)
                            && (indent_of(l) < col
                                || (indent_of(l) == col && !l.trim_start().starts_with('-')))
                    })
                    .unwrap_or(hi);
            }
            Seg::Index(_) => {
                // The item's first key is on the dash's line.
                lo = line;
                hi =
                    (line + 1..hi).find(|&i| !is_blank(lines[i]) && indent_of(lines[i]) <= col).unwrap_or(hi);
            }
        }
        parent = col as isize;
    }
    found.map(|(l, c)| (l, c + 1))
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn is_blank(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

fn key_at(rest: &str, key: &str) -> bool {
    for quoted in [key.to_string(), format!("\"{key}\""), format!("'{key}'")] {
        if let Some(after) = rest.strip_prefix(&quoted)
            && after.trim_start().starts_with(':')
        {
            return true;
        }
    }
    false
}

/// `(line, column of the key)` of `key:` in lines `lo..hi`, indented more than `parent`.
fn find_key_line(lines: &[&str], lo: usize, hi: usize, parent: isize, key: &str) -> Option<(usize, usize)> {
    let keys: Vec<(usize, usize, &str)> = lines
        .iter()
        .enumerate()
        .take(hi)
        .skip(lo)
        .filter(|(_, line)| !is_blank(line))
        .map(|(i, line)| {
            let mut col = indent_of(line);
            let mut rest = line.trim_start();
            // `- key:` in a list item.
            if let Some(r) = rest.strip_prefix("- ") {
                col += 2 + (r.len() - r.trim_start().len());
                rest = r.trim_start();
            }
            (i, col, rest)
        })
        .filter(|(_, col, _)| *col as isize > parent)
        .collect();
    // Only direct children: a deeper `key:` of the same name (a flow test's `- expect:` step inside
    // `caller:`, say) is not the one asked for.
    let child = keys.iter().map(|(_, col, _)| *col).min()?;
    keys.into_iter().find(|(_, col, rest)| *col == child && key_at(rest, key)).map(|(i, col, _)| (i, col))
}

/// `(line, column of the dash)` of item `n` of a block list in lines `lo..hi`.
fn find_item_line(lines: &[&str], lo: usize, hi: usize, parent: isize, n: usize) -> Option<(usize, usize)> {
    let items: Vec<(usize, usize)> = (lo..hi)
        .filter(|&i| !is_blank(lines[i]))
        .map(|i| (i, indent_of(lines[i])))
        .filter(|&(i, ind)| ind as isize >= parent && lines[i].trim_start().starts_with('-'))
        .collect();
    let top = items.iter().map(|&(_, ind)| ind).min()?;
    items.into_iter().filter(|&(_, ind)| ind == top).nth(n)
}

/// The 0-based column of `key:` in `line` at or after `from`.
fn find_inline_key(line: &str, from: usize, key: &str) -> Option<usize> {
    let mut start = from.min(line.len());
    while start < line.len() {
        if !line.is_char_boundary(start) {
            start += 1;
            continue;
        }
        let rest = &line[start..];
        let boundary = start == 0 || {
            let prev = line[..start].chars().next_back().unwrap_or(' ');
            !(prev.is_alphanumeric() || prev == '_' || prev == '.')
        };
        if boundary && key_at(rest, key) {
            return Some(start);
        }
        start += 1;
    }
    None
}
