//! `simulate --report day.html`: one self-contained HTML file (inline SVG and CSS, no script, no
//! request to anywhere) with the day interval by interval — calls offered, answered and abandoned;
//! service level against its target; ASA; callers waiting; occupancy per agent group; callbacks
//! offered, accepted, dialled and pending, and their time to callback against its target; the
//! agents scheduled — and the headline figures. With
//! `--replications N` every figure is the mean of the runs and the charts draw its 95% confidence
//! band.
//!
//! It reads the summary of [`super::replications::summarise`] (one run is a summary of one), so a
//! single run and many take the same path.

use serde_json::Value;
use std::fmt::Write;

/// The service-level target drawn on the chart (80% answered within the threshold: "80/20").
pub const SL_TARGET: f64 = 0.8;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 36.0;
const TOP: f64 = 16.0;

/// Colours for series that vary in number (agent groups).
const PALETTE: [&str; 10] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf",
];

/// (mean, low, high) of a summarised number at `path` under `v`.
fn est(v: &Value, path: &[&str]) -> Option<(f64, f64, f64)> {
    let mut x = v;
    for p in path {
        x = x.get(p)?;
    }
    let mean = x.get("mean")?.as_f64()?;
    let ci = x.get("ci95")?.as_array()?;
    Some((mean, ci.first()?.as_f64()?, ci.get(1)?.as_f64()?))
}

/// One series of a chart: its name, colour and a value (mean, low, high) per interval.
pub(super) struct Series<'a> {
    pub(super) name: &'a str,
    pub(super) colour: &'a str,
    /// (value, low, high) per interval; low = high = value draws no band.
    pub(super) points: Vec<(f64, f64, f64)>,
}

/// A value per interval with its 95% bounds: (value, low, high).
type Points = Vec<(f64, f64, f64)>;

/// One line per name (a queue, an agent group), coloured in turn.
fn lines<'a>(names: &'a [String], points: &dyn Fn(&str) -> Points) -> Vec<Series<'a>> {
    let colours = PALETTE.iter().cycle();
    names.iter().zip(colours).map(|(n, colour)| Series { name: n, colour, points: points(n) }).collect()
}

/// HTML-escapes text for element content and attributes.
pub(super) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A line chart over the intervals, with each series' confidence band and an optional
/// horizontal target line.
/// `cap`: the top of the axis for a share (a confidence band above 100% is cut there).
pub(super) fn chart(
    title: &str,
    labels: &[String],
    series: &[Series],
    unit: &dyn Fn(f64) -> String,
    target: Option<(f64, &str)>,
    cap: Option<f64>,
) -> String {
    let mut s = String::new();
    let n = labels.len().max(1);
    let top_value = series
        .iter()
        .flat_map(|x| x.points.iter().filter(|p| p.0.is_finite()).map(|p| p.2.max(p.0)))
        .chain(target.map(|t| t.0))
        .fold(0.0_f64, f64::max);
    let ymax = match cap {
        Some(c) => c,
        None if top_value <= 0.0 => 1.0,
        None => nice_ceiling(top_value),
    };
    let plot_w = WIDTH - LEFT - 12.0;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |i: usize| LEFT + plot_w * (i as f64 + 0.5) / n as f64;
    let y = |v: f64| TOP + plot_h * (1.0 - (v / ymax).clamp(0.0, 1.0));
    let _ = writeln!(s, "<figure><figcaption>{}</figcaption>", esc(title));
    let _ = writeln!(
        s,
        "<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" aria-label=\"{}\">",
        esc(title)
    );
    // Grid and axis labels: 0, ½ and the top.
    for k in 0..=4 {
        let v = ymax * f64::from(k) / 4.0;
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" class=\"grid\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"axis\" text-anchor=\"end\">{}</text>",
            LEFT + plot_w,
            y(v),
            y(v),
            LEFT - 6.0,
            y(v) + 4.0,
            esc(&unit(v))
        );
    }
    let step = n.div_ceil(12).max(1);
    for (i, l) in labels.iter().enumerate().step_by(step) {
        let time = l.split('T').nth(1).unwrap_or(l);
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"axis\" text-anchor=\"middle\">{}</text>",
            x(i),
            HEIGHT - 12.0,
            esc(time)
        );
    }
    if let Some((t, label)) = target {
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" class=\"target\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"axis target-label\" text-anchor=\"end\">{}</text>",
            LEFT + plot_w,
            y(t),
            y(t),
            LEFT + plot_w,
            y(t) - 4.0,
            esc(label)
        );
    }
    for se in series {
        // Each run of intervals with a value is drawn on its own: an interval without one (no
        // calls offered, a group with nobody scheduled) leaves a gap rather than a false zero.
        let mut k = 0;
        while k < se.points.len() {
            if !se.points[k].0.is_finite() {
                k += 1;
                continue;
            }
            let from = k;
            while k < se.points.len() && se.points[k].0.is_finite() {
                k += 1;
            }
            let run = &se.points[from..k];
            // The band: high values left to right, then low values back.
            if run.iter().any(|p| p.2 > p.1) {
                let mut d = String::new();
                for (i, p) in run.iter().enumerate() {
                    let _ = write!(d, "{}{:.1},{:.1} ", if i == 0 { "M" } else { "L" }, x(from + i), y(p.2));
                }
                for (i, p) in run.iter().enumerate().rev() {
                    let _ = write!(d, "L{:.1},{:.1} ", x(from + i), y(p.1));
                }
                let _ = writeln!(
                    s,
                    "<path d=\"{}Z\" fill=\"{}\" fill-opacity=\"0.15\" stroke=\"none\"/>",
                    d, se.colour
                );
            }
            let pts: Vec<String> =
                run.iter().enumerate().map(|(i, p)| format!("{:.1},{:.1}", x(from + i), y(p.0))).collect();
            let _ = writeln!(
                s,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"><title>{}</title></polyline>",
                pts.join(" "),
                se.colour,
                esc(se.name)
            );
        }
    }
    let _ = writeln!(s, "</svg>");
    let legend: Vec<String> = series
        .iter()
        .map(|se| format!("<span><i style=\"background:{}\"></i>{}</span>", se.colour, esc(se.name)))
        .collect();
    let _ = writeln!(s, "<div class=\"legend\">{}</div></figure>", legend.join(" "));
    s
}

/// The page's head and heading: the one style of every callwright report page (the day, the
/// staffing curve, a sweep).
pub(super) fn page_head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\n\
         <style>body{{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:800px}}h1{{font-size:20px}}\
         table{{border-collapse:collapse;margin:8px 0 20px}}td,th{{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}}\
         th:first-child,td:first-child{{text-align:left}}figure{{margin:18px 0}}figcaption{{font-weight:600;margin-bottom:4px}}\
         .grid{{stroke:#e5e5e5}}.axis{{font-size:11px;fill:#666}}.target{{stroke:#c00;stroke-dasharray:6 4}}.target-label{{fill:#c00}}\
         .legend span{{margin-right:14px;font-size:12px}}.legend i{{display:inline-block;width:12px;height:3px;margin-right:5px;vertical-align:middle}}\
         .wide{{overflow-x:auto}}.wide table{{font-size:12px}}.wide td,.wide th{{white-space:nowrap;padding:2px 6px}}</style>\n\
         </head><body>\n<h1>{t}</h1>\n",
        t = esc(title)
    )
}

/// A duration short enough for an axis label: `45 s`, `12 min`, `2.5 h`.
pub(super) fn axis_duration(v: f64) -> String {
    if v < 120.0 {
        format!("{v:.0} s")
    } else if v < 7200.0 {
        format!("{:.0} min", v / 60.0)
    } else {
        format!("{:.1} h", v / 3600.0)
    }
}

/// 1, 2, 2.5, 5 × 10ⁿ at or above `v`.
fn nice_ceiling(v: f64) -> f64 {
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * p).find(|c| *c >= v).unwrap_or(10.0 * p)
}

/// The report page for a summary (`replications` runs; 1 for a single run).
pub fn to_html(summary: &Value, title: &str, replications: u32) -> String {
    let empty = Vec::new();
    let intervals = summary.get("per_interval").and_then(Value::as_array).unwrap_or(&empty);
    let labels: Vec<String> =
        intervals.iter().map(|i| i.get("start").and_then(Value::as_str).unwrap_or("").to_string()).collect();
    let column = |path: &[&str]| -> Vec<(f64, f64, f64)> {
        intervals.iter().map(|i| est(i, path).unwrap_or((0.0, 0.0, 0.0))).collect()
    };
    // A ratio is drawn only where it has a denominator: intervals where `base` was above zero.
    let nan = (f64::NAN, f64::NAN, f64::NAN);
    let column_where = |path: &[&str], base: &[&str]| -> Vec<(f64, f64, f64)> {
        intervals
            .iter()
            .map(|i| match est(i, base) {
                Some(b) if b.0 > 0.0 => est(i, path).unwrap_or(nan),
                _ => nan,
            })
            .collect()
    };
    // A share that an interval lacks (a group nobody of was scheduled) is a gap.
    let column_or_gap = |path: &[&str]| -> Vec<(f64, f64, f64)> {
        intervals.iter().map(|i| est(i, path).unwrap_or(nan)).collect()
    };
    let count = |v: f64| format!("{v:.0}");
    let pct = |v: f64| format!("{:.0}%", v * 100.0);
    let secs = |v: f64| format!("{v:.0} s");
    let threshold = est(summary, &["service_level", "threshold_seconds"]).map_or(20.0, |e| e.0);
    let mut h = String::new();
    h.push_str(&page_head(title));
    let runs = if replications > 1 {
        format!(
            "{replications} replications: each figure is their mean, with its 95% confidence interval; the bands on the charts are those intervals."
        )
    } else {
        "One run (add <code>--replications N</code> for confidence intervals).".to_string()
    };
    let _ = writeln!(h, "<p>{runs}</p>");
    // Headline figures.
    let _ = writeln!(h, "<table><tr><th>figure</th><th>value</th><th>95% interval</th></tr>");
    type Show<'f> = &'f dyn Fn(f64) -> String;
    let rows: [(&str, &[&str], Show); 9] = [
        ("Offered", &["offered"], &count),
        ("Answered", &["answered"], &count),
        ("Abandoned", &["abandoned"], &count),
        (
            "Service level (answered within threshold / offered)",
            &["service_level", "answered_within_over_offered"],
            &pct,
        ),
        ("ASA", &["asa_seconds"], &|v| format!("{v:.1} s")),
        ("Abandon rate", &["abandon_rate"], &|v| format!("{:.1}%", v * 100.0)),
        ("Occupancy", &["occupancy"], &|v| format!("{:.1}%", v * 100.0)),
        ("Callbacks created", &["callbacks_created"], &count),
        ("Time to callback within target", &["callbacks", "service_level"], &|v| {
            format!("{:.1}%", v * 100.0)
        }),
    ];
    for (label, path, show) in rows {
        if let Some((m, lo, hi)) = est(summary, path) {
            let interval = if hi > lo { format!("{} – {}", show(lo), show(hi)) } else { "—".into() };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(label),
                esc(&show(m)),
                esc(&interval)
            );
        }
    }
    let _ = writeln!(h, "</table>");
    let _ = write!(
        h,
        "{}",
        chart(
            "Calls per interval",
            &labels,
            &[
                Series { name: "offered", colour: "#1f77b4", points: column(&["offered"]) },
                Series { name: "answered", colour: "#2ca02c", points: column(&["answered"]) },
                Series { name: "abandoned", colour: "#d62728", points: column(&["abandoned"]) },
            ],
            &count,
            None,
            None,
        )
    );
    let target_label = format!("target {:.0}% in {threshold:.0} s", SL_TARGET * 100.0);
    let _ = write!(
        h,
        "{}",
        chart(
            &format!("Service level (answered within {threshold:.0} s / offered)"),
            &labels,
            &[Series {
                name: "service level",
                colour: "#9467bd",
                points: column_where(&["service_level", "answered_within_over_offered"], &["offered"])
            }],
            &pct,
            Some((SL_TARGET, &target_label)),
            Some(1.0),
        )
    );
    let _ = write!(
        h,
        "{}",
        chart(
            "Average speed of answer",
            &labels,
            &[Series {
                name: "ASA",
                colour: "#ff7f0e",
                points: column_where(&["asa_seconds"], &["answered"])
            }],
            &secs,
            None,
            None,
        )
    );
    let _ = write!(
        h,
        "{}",
        chart(
            "Callers waiting (mean, by Little's law) and callers taking a callback",
            &labels,
            &[
                Series { name: "waiting", colour: "#9467bd", points: column(&["mean_queue_length"]) },
                Series { name: "callbacks", colour: "#8c564b", points: column(&["callbacks_created"]) },
            ],
            &|v| format!("{v:.0}"),
            None,
            None,
        )
    );
    // Each queue's service level, when the calls entered more than one queue.
    let queues = super::replications::keys_of(intervals, "per_queue");
    if !queues.is_empty() {
        let series = lines(&queues, &|q| {
            column_where(
                &["per_queue", q, "service_level", "answered_within_over_offered"],
                &["per_queue", q, "offered"],
            )
        });
        let _ = write!(
            h,
            "{}",
            chart(
                &format!("Service level per queue (answered within {threshold:.0} s / the queue's offered)"),
                &labels,
                &series,
                &pct,
                Some((SL_TARGET, &target_label)),
                Some(1.0),
            )
        );
    }
    // Occupancy per agent group, interval by interval.
    let groups = super::replications::keys_of(intervals, "occupancy_per_group");
    if !groups.is_empty() {
        let series = lines(&groups, &|g| column_or_gap(&["occupancy_per_group", g]));
        let _ = write!(
            h,
            "{}",
            chart(
                "Occupancy per agent group (talk time / the group's scheduled time)",
                &labels,
                &series,
                &pct,
                None,
                Some(1.0),
            )
        );
    }
    let with_callbacks = intervals.iter().any(|iv| iv.get("callbacks").is_some());
    if with_callbacks {
        let _ = write!(
            h,
            "{}",
            chart(
                "Callbacks: offered and accepted, dials placed, backlog at the interval's end",
                &labels,
                &[
                    Series { name: "offered", colour: "#1f77b4", points: column(&["callbacks", "offered"]) },
                    Series {
                        name: "accepted",
                        colour: "#2ca02c",
                        points: column(&["callbacks", "accepted"])
                    },
                    Series { name: "dialled", colour: "#ff7f0e", points: column(&["callbacks", "dialled"]) },
                    Series { name: "pending", colour: "#8c564b", points: column(&["callbacks", "pending"]) },
                ],
                &count,
                None,
                None,
            )
        );
        let target = est(summary, &["callbacks", "target_seconds"]).map(|e| e.0);
        let target_label = target.map(|t| format!("target {}", super::report::secs(t)));
        let _ = write!(
            h,
            "{}",
            chart(
                "Time to callback (mean of the interval's connected callbacks)",
                &labels,
                &[Series {
                    name: "time to callback",
                    colour: "#e377c2",
                    points: column_where(
                        &["callbacks", "time_to_callback_seconds"],
                        &["callbacks", "connected"]
                    ),
                }],
                &axis_duration,
                target.zip(target_label.as_deref()),
                None,
            )
        );
    }
    let _ = write!(
        h,
        "{}",
        chart(
            "Agents scheduled (logged in, not on a break)",
            &labels,
            &[Series { name: "agents", colour: "#17becf", points: column(&["agents"]) }],
            &|v| format!("{v:.0}"),
            None,
            None,
        )
    );
    // The per-interval table, for copying into a spreadsheet.
    let _ = write!(
        h,
        "<div class=\"wide\"><table><tr><th>interval</th><th>offered</th><th>answered</th><th>abandoned</th><th>SL</th><th>ASA</th><th>waiting</th><th>callbacks</th><th>agents</th>"
    );
    if with_callbacks {
        let _ = write!(h, "<th>dialled</th><th>backlog</th><th>time to callback</th>");
    }
    for g in &groups {
        let _ = write!(h, "<th>{}</th>", esc(g));
    }
    let _ = writeln!(h, "</tr>");
    for (i, iv) in intervals.iter().enumerate() {
        let g = |p: &[&str]| est(iv, p).map_or(0.0, |e| e.0);
        // A ratio with no value (nothing offered, nobody answered or connected, nobody of the
        // group scheduled) is a dash, not 0.
        let or_dash =
            |p: &[&str], show: &dyn Fn(f64) -> String| est(iv, p).map_or("—".to_string(), |e| show(e.0));
        let (pct1, secs1) = (|v: f64| format!("{:.1}%", v * 100.0), |v: f64| format!("{v:.1} s"));
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td>{}</td><td>{}</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td>",
            esc(&labels[i]),
            g(&["offered"]),
            g(&["answered"]),
            g(&["abandoned"]),
            or_dash(&["service_level", "answered_within_over_offered"], &pct1),
            or_dash(&["asa_seconds"], &secs1),
            g(&["mean_queue_length"]),
            g(&["callbacks_created"]),
            g(&["agents"])
        );
        if with_callbacks {
            let _ = write!(
                h,
                "<td>{:.1}</td><td>{:.1}</td><td>{}</td>",
                g(&["callbacks", "dialled"]),
                g(&["callbacks", "pending"]),
                esc(&or_dash(&["callbacks", "time_to_callback_seconds"], &super::report::secs))
            );
        }
        for name in &groups {
            let _ = write!(h, "<td>{}</td>", or_dash(&["occupancy_per_group", name], &pct1));
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</table></div>\n</body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_are_round_numbers() {
        assert_eq!(nice_ceiling(0.93), 1.0);
        assert_eq!(nice_ceiling(160.0), 200.0);
        assert_eq!(nice_ceiling(21.0), 25.0);
    }

    #[test]
    fn the_page_is_self_contained() {
        let summary = serde_json::json!({
            "offered": {"mean": 10.0, "ci95": [9.0, 11.0]},
            "per_interval": [
                {"start": "2026-12-01T08:00", "offered": {"mean": 5.0, "ci95": [4.0, 6.0]}, "agents": {"mean": 3.0, "ci95": [3.0, 3.0]}},
                {"start": "2026-12-01T08:30", "offered": {"mean": 5.0, "ci95": [5.0, 5.0]}, "agents": {"mean": 2.0, "ci95": [2.0, 2.0]}}
            ]
        });
        let html = to_html(&summary, "A <day>", 3);
        assert!(html.contains("<title>A &lt;day&gt;</title>"));
        assert_eq!(html.matches("<svg").count(), 5);
        assert!(html.contains("fill-opacity=\"0.15\""), "a confidence band");
        assert!(!html.contains("http"), "no request to anywhere");
        assert!(!html.contains("<script"));
    }
}
