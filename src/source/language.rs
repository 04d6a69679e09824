//! Language tags as flows write them (`en-US`, `nl-NL`, `nl`): prompts, flows and calls match them
//! by language when the exact tag is not there.

/// Whether two language tags name the same language (`nl` and `nl-NL`, `en-US` and `en_GB`),
/// ignoring case.
pub fn same_language(a: &str, b: &str) -> bool {
    let primary = |tag: &str| tag.split(['-', '_']).next().unwrap_or(tag).to_ascii_lowercase();
    primary(a) == primary(b)
}

/// Whether `tag` has the shape of a language tag: a 2–3 letter language, then optional
/// subtags of 2–8 letters or digits (`en`, `en-US`, `zh-Hant-TW`, `es-419`).
pub fn looks_like_language_tag(tag: &str) -> bool {
    let mut parts = tag.split(['-', '_']);
    let lang_ok = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()));
    lang_ok && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_by_language() {
        assert!(same_language("nl", "nl-NL"));
        assert!(same_language("en-US", "en_GB"));
        assert!(!same_language("nl-BE", "fr-BE"));
        assert!(looks_like_language_tag("zh-Hant-TW"));
        assert!(looks_like_language_tag("es-419"));
        assert!(!looks_like_language_tag("english"));
        assert!(!looks_like_language_tag("en-"));
    }
}
