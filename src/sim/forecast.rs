//! A forecast file, as WFM tools export one: offered calls and average handle time per interval.
//!
//! ```csv
//! interval,offered,aht
//! 08:00,60,300
//! 08:30,90,290
//! 09:00,120,280
//! ```
//!
//! `interval` is the local start of each interval (`08:00`, or `2026-12-01T08:00` for a dated
//! forecast such as a week), equally spaced; `offered` the expected calls (a decimal is fine);
//! `aht` (optional) the average handle time in seconds or as a duration (`5m`). Every problem is
//! reported at its `file:line:col`.

use super::scenario::ScenarioError;
use crate::input::CsvTable;
use crate::source::{FileId, Span};
use crate::time::{MICROS_PER_SEC, Micros};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// A forecast, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The first interval's local start.
    pub start: NaiveDateTime,
    pub interval: Micros,
    pub offered: Vec<f64>,
    /// Per interval, when the file has an `aht` column.
    pub aht: Option<Vec<Micros>>,
}

/// Reads `path`. `start` is the scenario's `traffic.start`, whose date an undated forecast
/// (`08:00`) takes (2026-12-01 without it).
pub fn read_forecast(
    path: &std::path::Path,
    start: Option<NaiveDateTime>,
) -> Result<Forecast, ScenarioError> {
    let name = path.display().to_string();
    let text = crate::input::read_regular(path).map_err(|e| {
        let help = "name a CSV file relative to the scenario, with columns interval, offered and aht";
        ScenarioError::whole_file(&name, format!("cannot read the forecast {name}: {e}"), Some(help.into()))
    })?;
    parse_forecast(&text, &name, start)
}

/// Checks forecast text; `name` is used in errors.
pub fn parse_forecast(
    text: &str,
    name: &str,
    start: Option<NaiveDateTime>,
) -> Result<Forecast, ScenarioError> {
    let at = |span: Span, message: String, help: Option<&str>| {
        ScenarioError::in_text(name, text, span, message, help)
    };
    let table = CsvTable::parse(FileId(0), text).map_err(|(m, s)| at(s, m, None))?;
    let top = Span::new(FileId(0), 0, 0);
    let column = |c: &str| table.column(c);
    let (Some(ic), Some(oc)) = (column("interval"), column("offered")) else {
        let missing = if column("interval").is_none() { "interval" } else { "offered" };
        return Err(at(
            table.header.first().map_or(top, |c| c.span),
            format!("the forecast has no `{missing}` column"),
            Some("the header is `interval,offered,aht` (aht is optional)"),
        ));
    };
    let ac = column("aht");
    if table.rows.is_empty() {
        return Err(at(
            top,
            "the forecast has no intervals".into(),
            Some("add a row per interval: `08:00,60,300`"),
        ));
    }
    let date = start.map_or_else(|| NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(), |s| s.date());
    let (mut starts, mut offered, mut aht) = (Vec::new(), Vec::new(), Vec::new());
    for row in &table.rows {
        let cell = |c: usize| {
            row.get(c).ok_or_else(|| {
                at(
                    row.last().map_or(top, |c| c.span),
                    format!("this row has {} cells; the header has {}", row.len(), table.header.len()),
                    None,
                )
            })
        };
        let i = cell(ic)?;
        let when = NaiveDateTime::parse_from_str(&i.text, "%Y-%m-%dT%H:%M")
            .ok()
            .or_else(|| NaiveTime::parse_from_str(&i.text, "%H:%M").ok().map(|t| date.and_time(t)))
            .ok_or_else(|| {
                at(
                    i.span,
                    format!("`{}` is not an interval start", i.text),
                    Some("write `08:30` or `2026-12-01T08:30`"),
                )
            })?;
        if let Some(&prev) = starts.last()
            && when <= prev
        {
            return Err(at(i.span, format!("`{}` does not come after the interval before it", i.text), None));
        }
        starts.push(when);
        let o = cell(oc)?;
        let x: f64 = o
            .text
            .parse()
            .ok()
            .filter(|x: &f64| {
                x.is_finite() && *x >= 0.0 && *x <= crate::model::bounds::CALLS_PER_INTERVAL_MAX
            })
            .ok_or_else(|| {
                at(
                    o.span,
                    format!("`{}` is not a number of calls", o.text),
                    Some("write the expected calls, e.g. `60` or `57.5`"),
                )
            })?;
        offered.push(x);
        if let Some(ac) = ac {
            let a = cell(ac)?;
            let m = cell_duration(&a.text)
                .filter(|m| *m > 0 && *m <= 24 * 3600 * MICROS_PER_SEC)
                .ok_or_else(|| {
                    at(
                        a.span,
                        format!("`{}` is not a handle time", a.text),
                        Some("write seconds (`300`) or a duration (`5m`), above 0"),
                    )
                })?;
            aht.push(m);
        }
    }
    // One row: a half-hour forecast.
    let interval = match starts.as_slice() {
        [a, b, ..] => (*b - *a).num_seconds() * MICROS_PER_SEC,
        _ => 30 * 60 * MICROS_PER_SEC,
    };
    for (k, w) in starts.windows(2).enumerate() {
        if (w[1] - w[0]).num_seconds() * MICROS_PER_SEC != interval {
            let span = table.rows[k + 1][ic].span;
            return Err(at(
                span,
                format!(
                    "the intervals are not equally spaced: {} after {}",
                    w[1].format("%H:%M"),
                    w[0].format("%H:%M")
                ),
                Some(
                    "give every interval of the day, 15 or 30 minutes apart (0 calls where none are expected)",
                ),
            ));
        }
    }
    if offered.iter().all(|x| *x == 0.0) {
        return Err(at(top, "every interval has zero calls; no call would arrive".into(), None));
    }
    Ok(Forecast { start: starts[0], interval, offered, aht: ac.map(|_| aht) })
}

/// A duration cell as WFM tools and ACD exports write it: seconds (`300`, `12.5`) or a duration
/// (`5m`, `4m30s`).
pub(super) fn cell_duration(text: &str) -> Option<Micros> {
    let secs = text.parse::<f64>().ok().filter(|s| s.is_finite() && s.abs() < 1e12);
    secs.map(|s| (s * MICROS_PER_SEC as f64).round() as Micros)
        .or_else(|| crate::time::parse_duration(text).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forecast_gives_the_profile_and_the_aht() {
        let f = parse_forecast("interval,offered,aht\n08:00,60,300\n08:30,90.5,4m\n", "f.csv", None).unwrap();
        assert_eq!(f.start.to_string(), "2026-12-01 08:00:00");
        assert_eq!(f.interval, 1800 * MICROS_PER_SEC);
        assert_eq!(f.offered, [60.0, 90.5]);
        assert_eq!(f.aht, Some(vec![300 * MICROS_PER_SEC, 240 * MICROS_PER_SEC]));
        let f = parse_forecast("offered,interval\n5,2026-12-07T09:00\n", "f.csv", None).unwrap();
        assert_eq!(f.start.to_string(), "2026-12-07 09:00:00");
        assert_eq!(f.aht, None);
    }

    #[test]
    fn bad_cells_are_reported_where_they_are() {
        let e = |text: &str| parse_forecast(text, "f.csv", None).unwrap_err();
        let x = e("interval,offered\n08:00,60\n08:30,lots\n");
        assert_eq!((x.line, x.column), (Some(3), Some(7)));
        assert!(x.message.contains("`lots` is not a number of calls"), "{}", x.message);
        let x = e("interval,offered\n08:00,60\n08:30,60\n09:15,60\n");
        assert_eq!(x.line, Some(4));
        assert!(x.message.contains("not equally spaced"));
        let x = e("start,offered\n08:00,60\n");
        assert!(x.message.contains("no `interval` column"));
        let x = e("interval,offered,aht\n08:00,60,0\n");
        assert_eq!((x.line, x.column), (Some(2), Some(10)));
        let x = e("interval,offered\n8am,60\n");
        assert!(x.message.contains("`8am` is not an interval start"));
    }
}
