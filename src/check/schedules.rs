//! Schedules: time zones, opening hours, closed days.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::suggest::did_you_mean;
use crate::syntax::ast::{Clock, DateLit, Schedule, StrLit};
use chrono_tz::Tz;

/// Reports an unknown IANA zone; `true` if the zone is valid.
pub fn check_zone(zone: &StrLit, diags: &mut Vec<Diagnostic>) -> bool {
    if zone.value.parse::<Tz>().is_ok() {
        return true;
    }
    let names = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name());
    let help = match did_you_mean(&zone.value, names) {
        Some(best) => format!("did you mean \"{best}\"?"),
        None => "use an IANA time zone name such as \"Europe/Amsterdam\" or \"America/New_York\"".into(),
    };
    diags.push(
        Diagnostic::new(Code::UnknownTimeZone, zone.span, format!("unknown time zone \"{}\"", zone.value))
            .with_label("not an IANA time zone")
            .with_help(help),
    );
    false
}

fn clock_ok(c: Clock, is_end: bool, diags: &mut Vec<Diagnostic>) -> bool {
    let ok = c.minute < 60 && (c.hour < 24 || (is_end && c.hour == 24 && c.minute == 0));
    if !ok {
        diags.push(
            Diagnostic::new(
                Code::BadTimeRange,
                c.span,
                format!("{:02}:{:02} is not a time of day", c.hour, c.minute),
            )
            .with_label("hours run 00–23 and minutes 00–59")
            .with_help("write 24:00 for the end of the day"),
        );
    }
    ok
}

pub fn check_date(d: DateLit, diags: &mut Vec<Diagnostic>) -> Option<chrono::NaiveDate> {
    let date = d.to_date();
    if date.is_none() {
        diags.push(
            Diagnostic::new(
                Code::BadDate,
                d.span,
                format!("{:04}-{:02}-{:02} is not a date", d.year, d.month, d.day),
            )
            .with_label("no such day")
            .with_help("dates are YYYY-MM-DD with a real month and day"),
        );
    }
    date
}

pub fn check_schedule(s: &Schedule, diags: &mut Vec<Diagnostic>) {
    check_zone(&s.zone, diags);
    let mut seen_days = [None; 7];
    for hours in &s.hours {
        for r in &hours.days {
            let to = r.to.unwrap_or(r.from);
            if to < r.from {
                diags.push(
                    Diagnostic::new(
                        Code::BadDayRange,
                        r.span,
                        format!("the day range {}..{} runs backwards", r.from.name(), to.name()),
                    )
                    .with_label("reversed")
                    .with_help("weeks run mon..sun; split a range that wraps, e.g. `fri..sun, mon`"),
                );
                continue;
            }
            for d in r.from.0..=to.0 {
                if let Some(first) = seen_days[d as usize] {
                    diags.push(
                        Diagnostic::new(
                            Code::BadDayRange,
                            r.span,
                            format!(
                                "{} already has opening hours in this schedule",
                                crate::syntax::ast::Day(d).name()
                            ),
                        )
                        .with_label("repeated day")
                        .with_secondary(first, "first given here")
                        .with_help(
                            "list every time range of a day on one line: `mon 08:00-12:00, 13:00-17:00`",
                        ),
                    );
                    break;
                }
                seen_days[d as usize] = Some(r.span);
            }
        }
        let mut ranges: Vec<(u32, u32, crate::source::Span)> = Vec::new();
        for r in &hours.ranges {
            let ok = clock_ok(r.start, false, diags) & clock_ok(r.end, true, diags);
            if !ok {
                continue;
            }
            if r.end.minutes() <= r.start.minutes() {
                diags.push(
                    Diagnostic::new(Code::BadTimeRange, r.span, "this time range is empty or reversed")
                        .with_label("ends before it starts")
                        .with_help(
                            "a range ends after it starts; for hours past midnight, open the next day too",
                        ),
                );
                continue;
            }
            if let Some(other) =
                ranges.iter().find(|(a, b, _)| r.start.minutes() < *b && *a < r.end.minutes())
            {
                diags.push(
                    Diagnostic::new(Code::BadTimeRange, r.span, "these opening hours overlap")
                        .with_label("overlaps")
                        .with_secondary(other.2, "with this range"),
                );
            }
            ranges.push((r.start.minutes(), r.end.minutes(), r.span));
        }
    }
    for c in &s.closed {
        let from = check_date(c.from, diags);
        let to = c.to.and_then(|t| check_date(t, diags));
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            diags.push(
                Diagnostic::new(Code::BadDate, c.span, "this range of closed days runs backwards")
                    .with_label("ends before it starts"),
            );
        }
    }
}
