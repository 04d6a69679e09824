//! The one duration grammar: one or more `<whole number><unit>` parts with the units `d`, `h`,
//! `m`, `s` and `ms` (`30s`, `5m`, `1h30m`, `2d`, `500ms`), or a bare whole number of seconds
//! (`300`). Flows (`hold 1m`), `center.yaml`, scenarios, flow-test files and every CLI flag
//! (`--handle`, `--aht`, `--window`) read durations through [`parse_duration`], so a duration
//! that works in one place works in all of them. No fractions (`1.5h` is `1h30m`), no words
//! (`5 minutes` is `5m`), no signs: the error says what to write instead.

use super::{MICROS_PER_SEC, Micros};

/// Microseconds in a duration such as `1h30m` or `250ms`. The error says what is wrong, without
/// repeating the text (callers name the flag, field or span).
pub fn parse_duration(text: &str) -> Result<Micros, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("it is empty".into());
    }
    if s.starts_with('-') {
        return Err("a duration cannot be negative".into());
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse::<i64>()
            .ok()
            .and_then(|n| n.checked_mul(MICROS_PER_SEC))
            .ok_or_else(|| "it is too long".to_string());
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
        let micros = match unit {
            "d" => n.checked_mul(86_400 * MICROS_PER_SEC),
            "h" => n.checked_mul(3_600 * MICROS_PER_SEC),
            "m" => n.checked_mul(60 * MICROS_PER_SEC),
            "s" => n.checked_mul(MICROS_PER_SEC),
            "ms" => n.checked_mul(1_000),
            "" if i == bytes.len() => {
                return Err(format!("`{}` has no unit", &s[start..]));
            }
            "" => {
                let ch = s[i..].chars().next().unwrap_or(' ');
                if ch.is_whitespace() {
                    return Err("write it without spaces, such as `1h30m`".into());
                }
                if ch == '.' || ch == ',' {
                    return Err("write whole numbers, such as `1h30m` for an hour and a half".into());
                }
                return Err(format!("unexpected `{ch}`"));
            }
            other => return Err(format!("`{other}` is not a unit (use d, h, m, s or ms)")),
        };
        total = micros.and_then(|v| total.checked_add(v)).ok_or("it is too long")?;
    }
    Ok(total)
}

/// Whole seconds in a duration: [`parse_duration`], with milliseconds rounded up (`1500ms` → 2),
/// for the places that count in seconds (flow Duration values, `center.yaml` settings).
pub fn parse_duration_secs(text: &str) -> Result<i64, String> {
    parse_duration(text).map(|m| m / MICROS_PER_SEC + i64::from(m % MICROS_PER_SEC != 0))
}

/// Durations as people say them: `90` → `1m30s`, never `PT1M30S`. Reads back with
/// [`parse_duration_secs`].
pub fn format_duration(secs: i64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let sign = if secs < 0 { "-" } else { "" };
    let mut s = secs.unsigned_abs();
    let mut out = String::from(sign);
    for (unit, size) in [("d", 86_400u64), ("h", 3_600), ("m", 60), ("s", 1)] {
        if s >= size {
            out.push_str(&format!("{}{unit}", s / size));
            s %= size;
        }
    }
    out
}

/// [`format_duration`] for microseconds, with `ms` for a part below a second.
pub fn format_micros(m: Micros) -> String {
    let (secs, rest) = (m / MICROS_PER_SEC, (m % MICROS_PER_SEC).abs());
    match (secs, rest / 1000) {
        (_, 0) => format_duration(secs),
        (0, ms) => format!("{}{ms}ms", if m < 0 { "-" } else { "" }),
        (_, ms) => format!("{}{ms}ms", format_duration(secs)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(text: &str) -> Result<i64, String> {
        parse_duration_secs(text)
    }

    #[test]
    fn parses_units_and_bare_seconds() {
        assert_eq!(secs("30s"), Ok(30));
        assert_eq!(secs("5m"), Ok(300));
        assert_eq!(secs("1h30m"), Ok(5400));
        assert_eq!(secs("2d"), Ok(172_800));
        assert_eq!(secs("300"), Ok(300));
        assert_eq!(secs(" 0 "), Ok(0));
        assert_eq!(secs("1500ms"), Ok(2));
        assert_eq!(parse_duration("250ms"), Ok(250_000));
        assert_eq!(parse_duration("1m500ms"), Ok(60_500_000));
    }

    #[test]
    fn rejects_garbage_saying_what_to_write() {
        for bad in
            ["", "-5", "5 minutes", "m", "1h30", "1.5h", "5x", "99999999999999999999", "9999999999999999d"]
        {
            assert!(parse_duration(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(secs("5 minutes"), Err("write it without spaces, such as `1h30m`".into()));
        assert_eq!(secs("1.5h"), Err("write whole numbers, such as `1h30m` for an hour and a half".into()));
        assert_eq!(secs("5min"), Err("`min` is not a unit (use d, h, m, s or ms)".into()));
        assert_eq!(secs("1h30"), Err("`30` has no unit".into()));
    }

    #[test]
    fn formats_round_trip() {
        for s in [0, 1, 59, 60, 90, 3600, 5400, 86_400, 90_061, 30 * 86_400] {
            assert_eq!(secs(&format_duration(s)), Ok(s));
        }
        assert_eq!(format_duration(90_000), "1d1h");
        for m in [0, 250_000, 60_500_000, 3_600_000_000] {
            assert_eq!(parse_duration(&format_micros(m)), Ok(m));
        }
    }
}

/// A trace's virtual time: `m:ss.t` (minutes padded to 3) within the first hour, `h:mm:ss.t`
/// after, so a callback made the next day reads `22:00:00.0`, not `1320:00.0`. Every trace (run,
/// flow-test failures, dispatch) prints time this way.
pub fn format_clock(at: Micros) -> String {
    let tenths = at / 100_000;
    let (m, rest) = (tenths / 600, tenths % 600);
    if m < 60 {
        format!("{m:>3}:{:02}.{}", rest / 10, rest % 10)
    } else {
        format!("{}:{:02}:{:02}.{}", m / 60, m % 60, rest / 10, rest % 10)
    }
}

#[cfg(test)]
mod clock_tests {
    use super::format_clock;

    #[test]
    fn hours_are_written_as_hours() {
        assert_eq!(format_clock(83_000_000), "  1:23.0");
        assert_eq!(format_clock((60 * 3600 + 30 * 60 + 20) * 1_000_000 + 700_000), "60:30:20.7");
    }
}
