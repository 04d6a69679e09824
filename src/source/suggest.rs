//! "Did you mean …?" for misspelt names.

/// The closest candidate to `name`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    // `is_open` for `open`: a candidate inside the name (or the name inside it) is a good guess.
    if let Some(c) = candidates.iter().copied().filter(|c| c.len() >= 3).find(|c| {
        let c = c.to_lowercase();
        c != lower && (lower.contains(&c) || c.contains(&lower)) && lower.len().abs_diff(c.len()) <= 4
    }) {
        return Some(c);
    }
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// A help line: "did you mean `X`?", or a fallback listing what exists.
pub fn help_for<'a>(name: &str, what: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let all: Vec<&str> = candidates.into_iter().collect();
    if let Some(best) = did_you_mean(name, all.iter().copied()) {
        return format!("did you mean `{best}`?");
    }
    match all.len() {
        0 => format!("no {what} is defined"),
        1..=8 => {
            format!("known {what}s: {}", all.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "))
        }
        n => format!("{n} {what}s are defined; none is close to `{name}`"),
    }
}
