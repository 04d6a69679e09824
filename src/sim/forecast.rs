//! A forecast file, as WFM tools export one: offered calls and average handle time per interval,
//! for the center as a whole or per queue.
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
//! `aht` (optional) the average handle time in seconds or as a duration (`5m`).
//!
//! With a `queue` column, each row is one queue's interval, as NICE, Verint and Genesys WEM export
//! a forecast per queue (or skill, or planning group):
//!
//! ```csv
//! interval,queue,offered,aht
//! 08:00,Billing,21,240
//! 08:00,Support,39,330
//! 08:30,Billing,30,240
//! ```
//!
//! The rows may come in any order (an export sorted by queue, then interval, is fine); a queue
//! without a row in an interval expects no calls in it; two rows for one queue and interval are an
//! error. The same table may be written in YAML (`forecast.yaml`: a list of rows,
//! `- { interval: "08:00", queue: Billing, offered: 21, aht: 4m }`). Every problem is reported at
//! its `file:line:col`.

use super::scenario::ScenarioError;
use crate::input::{Cell, CsvTable};
use crate::source::{FileId, Span};
use crate::time::{MICROS_PER_SEC, Micros};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// A forecast, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The first interval's local start.
    pub start: NaiveDateTime,
    pub interval: Micros,
    /// Per interval, every queue's calls together.
    pub offered: Vec<f64>,
    /// Per interval, when the file has an `aht` column and no `queue` column (each queue's AHT is
    /// its own, in `queues`).
    pub aht: Option<Vec<Micros>>,
    /// Per queue, when the file has a `queue` column; empty otherwise.
    pub queues: Vec<QueueForecast>,
}

/// One queue's part of a forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueForecast {
    pub name: String,
    /// Where the name is first written, for the problems only the project can tell (a queue it
    /// lacks, one its flow never transfers to).
    pub place: ScenarioError,
    /// Expected calls per interval (0 where the queue has no row).
    pub offered: Vec<f64>,
    /// Average handle time per interval, when the file has an `aht` column (0 where the queue has
    /// no row: no call of it arrives then).
    pub aht: Option<Vec<Micros>>,
}

impl QueueForecast {
    /// A problem with this queue, reported where its name is first written.
    pub fn error(&self, message: String, help: Option<String>) -> ScenarioError {
        ScenarioError { message, help, ..self.place.clone() }
    }
}

/// Reads `path` (CSV, or YAML when it ends in `.yaml` or `.yml`). `start` is the scenario's
/// `traffic.start`, whose date an undated forecast (`08:00`) takes (2026-12-01 without it).
pub fn read_forecast(
    path: &std::path::Path,
    start: Option<NaiveDateTime>,
) -> Result<Forecast, ScenarioError> {
    let name = path.display().to_string();
    let text = crate::input::read_regular(path).map_err(|e| {
        let help = "name a CSV file relative to the scenario, with columns interval, offered and aht";
        ScenarioError::whole_file(&name, format!("cannot read the forecast {name}: {e}"), Some(help.into()))
    })?;
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    parse_forecast_as(&text, &name, start, yaml)
}

/// Checks forecast CSV text; `name` is used in errors.
pub fn parse_forecast(
    text: &str,
    name: &str,
    start: Option<NaiveDateTime>,
) -> Result<Forecast, ScenarioError> {
    parse_forecast_as(text, name, start, false)
}

/// One row, read.
struct Row<'a> {
    when: NaiveDateTime,
    /// The `interval` cell, for errors about the spacing.
    at: &'a Cell,
    offered: f64,
    aht: Option<Micros>,
    queue: Option<&'a Cell>,
}

/// Checks forecast text, CSV or (`yaml`) a YAML table.
pub fn parse_forecast_as(
    text: &str,
    name: &str,
    start: Option<NaiveDateTime>,
    yaml: bool,
) -> Result<Forecast, ScenarioError> {
    let at = |span: Span, message: String, help: Option<&str>| {
        ScenarioError::in_text(name, text, span, message, help)
    };
    let parsed = if yaml { CsvTable::from_yaml(FileId(0), text) } else { CsvTable::parse(FileId(0), text) };
    let table = parsed.map_err(|(m, s)| at(s, m, None))?;
    let top = Span::new(FileId(0), 0, 0);
    let column = |c: &str| table.column(c);
    let (Some(ic), Some(oc)) = (column("interval"), column("offered")) else {
        let missing = if column("interval").is_none() { "interval" } else { "offered" };
        return Err(at(
            table.header.first().map_or(top, |c| c.span),
            format!("the forecast has no `{missing}` column"),
            Some(
                "the header is `interval,offered,aht` (aht is optional), or `interval,queue,offered,aht` per queue",
            ),
        ));
    };
    let (ac, qc) = (column("aht"), column("queue"));
    if table.rows.is_empty() {
        return Err(at(
            top,
            "the forecast has no intervals".into(),
            Some("add a row per interval: `08:00,60,300`"),
        ));
    }
    let date = start.map_or_else(|| NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(), |s| s.date());
    let mut rows: Vec<Row<'_>> = Vec::with_capacity(table.rows.len());
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
        // Without queues the rows are the day in order; with them an export may sort by queue.
        if qc.is_none()
            && let Some(prev) = rows.last()
            && when <= prev.when
        {
            return Err(at(i.span, format!("`{}` does not come after the interval before it", i.text), None));
        }
        let o = cell(oc)?;
        let offered: f64 = o
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
        let aht = match ac {
            None => None,
            Some(ac) => {
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
                Some(m)
            }
        };
        let queue = match qc {
            None => None,
            Some(qc) => {
                let q = cell(qc)?;
                if q.text.trim().is_empty() {
                    return Err(at(q.span, "the queue is empty".into(), Some("name a queue of center.yaml")));
                }
                Some(q)
            }
        };
        rows.push(Row { when, at: i, offered, aht, queue });
    }
    // The intervals, in order (once each when several queues share one).
    let mut starts: Vec<NaiveDateTime> = rows.iter().map(|r| r.when).collect();
    starts.sort();
    starts.dedup();
    // One interval: a half-hour forecast.
    let interval = match starts.as_slice() {
        [a, b, ..] => (*b - *a).num_seconds() * MICROS_PER_SEC,
        _ => 30 * 60 * MICROS_PER_SEC,
    };
    for w in starts.windows(2) {
        if (w[1] - w[0]).num_seconds() * MICROS_PER_SEC != interval {
            let first = rows.iter().find(|r| r.when == w[1]).map_or(top, |r| r.at.span);
            return Err(at(
                first,
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
    let index = |when: NaiveDateTime| starts.binary_search(&when).unwrap_or_default();
    let mut offered = vec![0.0; starts.len()];
    let mut queues: Vec<QueueForecast> = Vec::new();
    // (queue, interval) of every row so far: a second row is a duplicate.
    let mut written = std::collections::HashSet::new();
    for r in &rows {
        let i = index(r.when);
        offered[i] += r.offered;
        let Some(q) = r.queue else { continue };
        let name = q.text.trim();
        let k = match queues.iter().position(|f| f.name == name) {
            Some(k) => k,
            None => {
                queues.push(QueueForecast {
                    name: name.to_string(),
                    place: at(q.span, String::new(), None),
                    offered: vec![0.0; starts.len()],
                    aht: ac.map(|_| vec![0; starts.len()]),
                });
                queues.len() - 1
            }
        };
        if !written.insert((k, i)) {
            return Err(at(
                q.span,
                format!("a second row for `{name}` at {}", r.at.text),
                Some("give each queue one row per interval"),
            ));
        }
        let f = &mut queues[k];
        f.offered[i] = r.offered;
        if let (Some(a), Some(m)) = (&mut f.aht, r.aht) {
            a[i] = m;
        }
    }
    // Without queues, each row's AHT; with them, each queue's own (in `queues`).
    let aht =
        ac.filter(|_| queues.is_empty()).map(|_| rows.iter().map(|r| r.aht.unwrap_or_default()).collect());
    if offered.iter().all(|x| *x == 0.0) {
        return Err(at(top, "every interval has zero calls; no call would arrive".into(), None));
    }
    Ok(Forecast { start: starts[0], interval, offered, aht, queues })
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
    fn a_forecast_per_queue_splits_each_interval() {
        // Sorted by queue, as exports often are; Support has no 09:00 row.
        let text = "interval,queue,offered,aht\n08:00,Support,30,360\n08:30,Support,40,300\n\
                    08:00,Billing,10,120\n08:30,Billing,0,120\n09:00,Billing,20,4m\n";
        let f = parse_forecast(text, "f.csv", None).unwrap();
        assert_eq!(f.start.to_string(), "2026-12-01 08:00:00");
        assert_eq!(f.offered, [40.0, 40.0, 20.0]);
        let names: Vec<&str> = f.queues.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(names, ["Support", "Billing"]);
        assert_eq!(f.queues[0].offered, [30.0, 40.0, 0.0]);
        assert_eq!(f.queues[1].offered, [10.0, 0.0, 20.0]);
        let s = MICROS_PER_SEC;
        assert_eq!(f.queues[1].aht, Some(vec![120 * s, 120 * s, 240 * s]));
        assert_eq!(f.aht, None, "each queue has its own");
        // Where a queue's name is first written, for errors only the project can tell.
        let e = f.queues[1].error("no such queue".into(), None);
        assert_eq!((e.file.as_str(), e.line, e.column), ("f.csv", Some(4), Some(7)));
        // A second row for a queue and interval is an error at its queue cell.
        let x = parse_forecast("interval,queue,offered\n08:00,A,1\n08:30,A,1\n08:00,A,2\n", "f.csv", None)
            .unwrap_err();
        assert_eq!((x.line, x.column), (Some(4), Some(7)));
        assert!(x.message.contains("a second row for `A` at 08:00"), "{}", x.message);
        // The spacing is checked over the intervals of every queue together.
        let x = parse_forecast(
            "interval,queue,offered\n08:00,A,1\n09:00,B,1\n08:30,A,1\n09:45,B,1\n",
            "f.csv",
            None,
        )
        .unwrap_err();
        assert_eq!(x.line, Some(5));
        assert!(x.message.contains("not equally spaced: 09:45 after 09:00"), "{}", x.message);
        let x = parse_forecast("interval,queue,offered\n08:00, ,1\n", "f.csv", None).unwrap_err();
        assert!(x.message.contains("the queue is empty"), "{}", x.message);
    }

    #[test]
    fn a_forecast_may_be_a_yaml_table() {
        let text = "- { interval: \"08:00\", queue: Billing, offered: 21, aht: 4m }\n\
                    - { interval: \"08:30\", queue: Billing, offered: 30.5, aht: 250 }\n";
        let f = parse_forecast_as(text, "f.yaml", None, true).unwrap();
        assert_eq!(f.offered, [21.0, 30.5]);
        assert_eq!(f.queues[0].aht, Some(vec![240 * MICROS_PER_SEC, 250 * MICROS_PER_SEC]));
        let x = parse_forecast_as("- { interval: \"08:00\", offered: many }\n", "f.yaml", None, true)
            .unwrap_err();
        assert_eq!(x.line, Some(1));
        assert!(x.message.contains("`many` is not a number of calls"), "{}", x.message);
    }

    proptest::proptest! {
        /// Any text made of a forecast's pieces, as CSV or as YAML, is read or refused: never a panic.
        #[test]
        fn no_text_makes_the_reader_panic(pieces in proptest::collection::vec(0usize..26, 0..60)) {
            const PIECES: [&str; 26] = [
                "interval", "queue", "offered", "aht", "08:00", "08:30", "09:15", "2026-12-01T09:00",
                "Billing", "A", ",", "\n", "\"", "5", "-1", "1e400", "4m", "", " ", "- ", "{", "}",
                ": ", "0", "23:59", "NaN",
            ];
            let text: String = pieces.iter().map(|&i| PIECES[i]).collect();
            let _ = parse_forecast(&text, "f.csv", None);
            let _ = parse_forecast_as(&text, "f.yaml", None, true);
            let header = format!("interval,queue,offered,aht\n{text}");
            let _ = parse_forecast(&header, "f.csv", None);
        }
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
