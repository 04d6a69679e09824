//! Durations in `center.yaml`, written as in the flow language: `30s`, `5m`, `1h30m`, `2d`, `500ms`.
//! A bare whole number means seconds.

/// Seconds in a duration such as `1h30m`. The error says what is wrong, without repeating the text.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("it is empty".into());
    }
    if s.starts_with('-') {
        return Err("a duration cannot be negative".into());
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i64>().map_err(|_| "it is too long".to_string());
    }
    let bytes = s.as_bytes();
    let mut total: i64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if start == i {
            let rest: String = s[i..].chars().take(12).collect();
            return Err(format!("expected a number at `{rest}`"));
        }
        let n: i64 = s[start..i].parse().map_err(|_| "it is too long".to_string())?;
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit = &s[unit_start..i];
        let secs = match unit {
            "d" => n.checked_mul(86_400),
            "h" => n.checked_mul(3_600),
            "m" => n.checked_mul(60),
            "s" => Some(n),
            // Milliseconds round up to whole seconds, as in the flow language.
            "ms" => Some(n / 1000 + i64::from(n % 1000 != 0)),
            "" if i == bytes.len() => {
                return Err(format!("`{}` has no unit", &s[start..]));
            }
            "" => {
                let ch = s[i..].chars().next().unwrap_or(' ');
                if ch.is_whitespace() {
                    return Err("write it without spaces, such as `1h30m`".into());
                }
                return Err(format!("unexpected `{ch}`"));
            }
            other => return Err(format!("`{other}` is not a unit (use d, h, m or s)")),
        };
        total = secs.and_then(|v| total.checked_add(v)).ok_or("it is too long")?;
    }
    Ok(total)
}

/// `5400` → `1h30m`, the same spelling flows use.
pub(crate) use crate::syntax::ast::format_duration;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_bare_seconds() {
        assert_eq!(parse_duration("30s"), Ok(30));
        assert_eq!(parse_duration("5m"), Ok(300));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("2d"), Ok(172_800));
        assert_eq!(parse_duration("300"), Ok(300));
        assert_eq!(parse_duration(" 0 "), Ok(0));
        assert_eq!(parse_duration("1500ms"), Ok(2));
    }

    #[test]
    fn rejects_garbage() {
        for bad in
            ["", "-5", "5 minutes", "m", "1h30", "1.5h", "5x", "99999999999999999999", "9999999999999999d"]
        {
            assert!(parse_duration(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(parse_duration("5 minutes"), Err("write it without spaces, such as `1h30m`".into()));
        assert_eq!(parse_duration("1.5h"), Err("unexpected `.`".into()));
        assert_eq!(parse_duration("5min"), Err("`min` is not a unit (use d, h, m or s)".into()));
        assert_eq!(parse_duration("1h30"), Err("`30` has no unit".into()));
    }

    #[test]
    fn formats_round_trip() {
        for secs in [0, 1, 59, 60, 90, 3600, 5400, 86_400, 90_061, 30 * 86_400] {
            assert_eq!(parse_duration(&format_duration(secs)), Ok(secs));
        }
        assert_eq!(format_duration(90_000), "1d1h");
    }
}
