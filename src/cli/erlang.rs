//! `callwright erlang c|a ...`

use super::exit;
use super::output::Output;
use callwright::sim::erlang::{self, Load, Model};
use serde_json::{Value, json};

/// Queueing formulas for sizing a team: Erlang C (callers wait as long as it takes) and Erlang A
/// (callers hang up after an exponentially distributed patience).
///
/// Give the traffic as --calls per --interval, or as --rate calls per second; the handle time
/// with --aht; then either --agents to evaluate a staffing level, or --target-sl to find the
/// smallest one meeting a service level (or both). Durations are a number with a unit: 20s, 5m,
/// 1h, 1m30s; a bare number is seconds. Exit status: 0 fine, 1 a bad value or an unstable Erlang
/// C queue, 2 usage error.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  callwright erlang c --calls 100 --interval 30m --aht 180s --agents 14 --threshold 20s
  callwright erlang c --rate 0.0556 --aht 3m --target-sl 0.8
  callwright erlang a --calls 100 --interval 30m --aht 180s --agents 14 --patience 120s
  callwright erlang a --calls 2400 --interval 1h --aht 240s --patience 90s --target-sl 0.8 --format json")]
pub struct ErlangArgs {
    #[command(subcommand)]
    pub model: ModelCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum ModelCommand {
    /// Erlang C (M/M/N): nobody abandons; needs more agents than Erlangs offered.
    #[command(after_help = "\
Examples:
  callwright erlang c --calls 100 --interval 30m --aht 180s --agents 14 --threshold 20s
  callwright erlang c --rate 0.0556 --aht 3m --target-sl 0.8 --format json")]
    C(CommonArgs),
    /// Erlang A (M/M/N+M): callers abandon after an exponential patience with mean --patience.
    ///
    /// Reports three service levels, all counting calls answered within the threshold:
    /// offered (divided by all calls), answered (by answered calls) and excl. short abandons
    /// (by calls minus those abandoned within the threshold). --target-sl uses "offered".
    #[command(after_help = "\
Examples:
  callwright erlang a --calls 100 --interval 30m --aht 180s --agents 14 --patience 120s
  callwright erlang a --rate 0.5 --aht 300s --patience 1m --target-sl 0.8 --threshold 30s")]
    A(AArgs),
}

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("traffic").required(true).args(["calls", "rate"])))]
#[command(group(clap::ArgGroup::new("staffing").required(true).multiple(true).args(["agents", "target_sl"])))]
pub struct CommonArgs {
    /// Calls offered per --interval.
    #[arg(long, value_name = "N", requires = "interval", allow_negative_numbers = true)]
    pub calls: Option<String>,
    /// The interval --calls arrive in (e.g. 30m, 1h, 900).
    #[arg(long, value_name = "DURATION", requires = "calls", allow_hyphen_values = true)]
    pub interval: Option<String>,
    /// Arrival rate in calls per second (instead of --calls/--interval).
    #[arg(long, value_name = "R", allow_negative_numbers = true)]
    pub rate: Option<String>,
    /// Average handle time (talk + hold + wrap-up), e.g. 180s or 3m.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub aht: String,
    /// Agents staffed.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub agents: Option<String>,
    /// Find the fewest agents whose service level reaches this fraction, e.g. 0.8.
    #[arg(long, value_name = "FRACTION", allow_negative_numbers = true)]
    pub target_sl: Option<String>,
    /// Service-level threshold: calls answered within it count as answered in time.
    #[arg(long, value_name = "DURATION", default_value = "20s", allow_hyphen_values = true)]
    pub threshold: String,
    /// text: a readable summary and a staffing table; json: one object on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(clap::Args, Debug)]
pub struct AArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Mean caller patience (exponentially distributed), e.g. 120s or 2m.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub patience: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Seconds in a duration of the one grammar (`20s`, `5m`, `1h30m`, `500ms`, or bare seconds).
pub fn parse_duration(text: &str) -> Result<f64, String> {
    callwright::time::parse_duration(text).map(callwright::time::secs_f64).map_err(|e| {
        format!("`{text}` is not a duration: {e}; write e.g. 20s, 5m, 1h30m or a number of seconds")
    })
}

/// Formats seconds back as a short duration: 20s, 30m, 1h, 1m30s, 2.5s.
fn show_duration(secs: f64) -> String {
    if secs.fract() != 0.0 || secs < 60.0 {
        return format!("{}s", trim_float(secs));
    }
    let s = secs as u64;
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    let mut out = String::new();
    if h > 0 {
        out += &format!("{h}h");
    }
    if m > 0 {
        out += &format!("{m}m");
    }
    if s > 0 {
        out += &format!("{s}s");
    }
    out
}

fn trim_float(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn parse_number(flag: &str, text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(format!("{flag}: `{text}` is not a number")),
    }
}

fn parse_flag_duration(flag: &str, text: &str) -> Result<f64, String> {
    parse_duration(text).map_err(|e| format!("{flag}: {e}"))
}

/// Everything validated.
struct Inputs {
    rate: f64,
    traffic: String,
    aht: f64,
    agents: Option<u32>,
    target_sl: Option<f64>,
    threshold: f64,
    model: Model,
    format: Format,
}

fn validate(common: &CommonArgs, patience: Option<&str>) -> Result<Inputs, String> {
    let (rate, traffic) = match (&common.rate, &common.calls, &common.interval) {
        (Some(r), _, _) => {
            let rate = parse_number("--rate", r)?;
            if rate < 0.0 {
                return Err(format!("--rate: the arrival rate must not be negative, got {r}"));
            }
            (rate, format!("{} calls/s", trim_float(rate)))
        }
        (None, Some(c), Some(i)) => {
            let calls = parse_number("--calls", c)?;
            if calls < 0.0 {
                return Err(format!("--calls: the number of calls must not be negative, got {c}"));
            }
            let interval = parse_flag_duration("--interval", i)?;
            if interval <= 0.0 {
                return Err(format!("--interval: must be longer than zero, got {i}"));
            }
            (calls / interval, format!("{} calls per {}", trim_float(calls), show_duration(interval)))
        }
        _ => return Err("give the traffic as --calls N --interval DURATION, or --rate R".into()),
    };
    let aht = parse_flag_duration("--aht", &common.aht)?;
    if aht <= 0.0 {
        return Err(format!("--aht: the average handle time must be longer than zero, got {}", common.aht));
    }
    let agents = match &common.agents {
        None => None,
        Some(a) => match a.trim().parse::<u32>() {
            Ok(n) if n >= 1 => Some(n),
            _ => return Err(format!("--agents: expected a whole number of agents, at least 1, got `{a}`")),
        },
    };
    let target_sl = match &common.target_sl {
        None => None,
        Some(t) => {
            let x = parse_number("--target-sl", t)?;
            if !(x > 0.0 && x < 1.0) {
                return Err(format!(
                    "--target-sl: the target service level is a fraction between 0 and 1 (exclusive), e.g. 0.8; got {t}"
                ));
            }
            Some(x)
        }
    };
    let threshold = parse_flag_duration("--threshold", &common.threshold)?;
    if threshold < 0.0 {
        return Err(format!("--threshold: must not be negative, got {}", common.threshold));
    }
    let model = match patience {
        None => Model::C,
        Some(p) => {
            let patience_secs = parse_flag_duration("--patience", p)?;
            if patience_secs <= 0.0 {
                return Err(format!("--patience: the mean patience must be longer than zero, got {p}"));
            }
            Model::A { patience_secs }
        }
    };
    Ok(Inputs { rate, traffic, aht, agents, target_sl, threshold, model, format: common.format })
}

pub fn run(args: ErlangArgs, out: &mut Output) -> i32 {
    let inputs = match &args.model {
        ModelCommand::C(c) => validate(c, None),
        ModelCommand::A(a) => validate(&a.common, Some(&a.patience)),
    };
    let inputs = match inputs {
        Ok(i) => i,
        Err(e) => {
            out.error(&e);
            return exit::PROBLEMS;
        }
    };
    match report(&inputs) {
        Ok(text) => {
            out.stdout(&text);
            exit::OK
        }
        Err(e) => {
            out.error(&e);
            exit::PROBLEMS
        }
    }
}

/// One staffing level, either model.
struct Figures {
    agents: u32,
    occupancy: f64,
    p_wait: f64,
    asa: f64,
    /// offered, answered, excl. short abandons (all equal for Erlang C).
    sl: [f64; 3],
    a: Option<erlang::ErlangA>,
}

fn figures(i: &Inputs, agents: u32) -> Option<Figures> {
    let load = Load::new(i.rate, i.aht, agents);
    match i.model {
        Model::C => erlang::erlang_c(&load, i.threshold).map(|c| Figures {
            agents,
            occupancy: c.occupancy,
            p_wait: c.p_wait,
            asa: c.asa_secs,
            sl: [c.service_level; 3],
            a: None,
        }),
        Model::A { patience_secs } => {
            let a = erlang::erlang_a(&load, patience_secs, i.threshold);
            (!a.p_wait.is_nan()).then_some(Figures {
                agents,
                occupancy: a.occupancy,
                p_wait: a.p_wait,
                asa: a.asa_secs,
                sl: [a.sl_offered, a.sl_answered, a.sl_excl],
                a: Some(a),
            })
        }
    }
}

const SL_NAMES: [&str; 3] = ["offered", "answered", "excl_short_abandons"];

fn report(i: &Inputs) -> Result<String, String> {
    let offered = i.rate * i.aht;
    let needed = match i.target_sl {
        None => None,
        Some(target) => {
            Some(erlang::agents_for_service_level(i.rate, i.aht, i.threshold, target, i.model).ok_or_else(
                || format!("--target-sl: no staffing up to {} agents reaches {target}", erlang::MAX_AGENTS),
            )?)
        }
    };
    let agents = match (i.agents, needed) {
        (Some(n), _) | (None, Some(n)) => n,
        (None, None) => return Err("give --agents N, or --target-sl to find the staffing".into()),
    };
    let Some(f) = figures(i, agents) else {
        return Err(match i.model {
            Model::C => format!(
                "unstable: {offered:.1} Erlangs offered to {agents} agents; Erlang C needs more agents than \
                 Erlangs (try --agents {} or more, --target-sl, or `erlang a` to model abandonment)",
                offered.floor() as u64 + 1
            ),
            Model::A { .. } => "the Erlang A figures could not be computed for these inputs".into(),
        });
    };
    let table: Vec<Figures> =
        (agents.saturating_sub(2).max(1)..=agents.saturating_add(3)).filter_map(|n| figures(i, n)).collect();
    Ok(match i.format {
        Format::Json => json_report(i, offered, &f, needed, &table),
        Format::Text => text_report(i, offered, &f, needed, &table),
    })
}

fn json_report(i: &Inputs, offered: f64, f: &Figures, needed: Option<u32>, table: &[Figures]) -> String {
    let service_level = |sl: &[f64; 3]| {
        let mut m = serde_json::Map::new();
        m.insert("threshold_seconds".into(), json!(i.threshold));
        for (name, v) in SL_NAMES.iter().zip(sl) {
            m.insert((*name).into(), json!(v));
        }
        Value::Object(m)
    };
    let mut v = json!({
        "model": match i.model { Model::C => "erlang_c", Model::A { .. } => "erlang_a" },
        "arrival_rate_per_second": i.rate,
        "aht_seconds": i.aht,
        "offered_erlangs": offered,
        "agents": f.agents,
        "occupancy": f.occupancy,
        "p_wait": f.p_wait,
        "asa_seconds": f.asa,
        "service_level": service_level(&f.sl),
    });
    let m = v.as_object_mut().expect("an object");
    if let (Model::A { patience_secs }, Some(a)) = (i.model, &f.a) {
        m.insert("mean_patience_seconds".into(), json!(patience_secs));
        m.insert("p_abandon".into(), json!(a.p_abandon));
        m.insert("p_abandon_within_threshold".into(), json!(a.p_abandon_within_threshold));
        m.insert("mean_wait_answered_seconds".into(), json!(a.mean_wait_answered_secs));
    }
    if let (Some(target), Some(n)) = (i.target_sl, needed) {
        m.insert("target_service_level".into(), json!(target));
        m.insert("agents_needed".into(), json!(n));
    }
    let rows: Vec<Value> = table
        .iter()
        .map(|r| {
            let mut row = json!({
                "agents": r.agents,
                "occupancy": r.occupancy,
                "p_wait": r.p_wait,
                "asa_seconds": r.asa,
                "service_level": r.sl[0],
            });
            if let Some(a) = &r.a {
                row["p_abandon"] = json!(a.p_abandon);
            }
            row
        })
        .collect();
    m.insert("staffing_table".into(), Value::Array(rows));
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

fn text_report(i: &Inputs, offered: f64, f: &Figures, needed: Option<u32>, table: &[Figures]) -> String {
    use std::fmt::Write;
    let t = show_duration(i.threshold);
    let mut s = String::new();
    let _ = match i.model {
        Model::C => writeln!(s, "Erlang C (M/M/N: callers wait until answered)"),
        Model::A { patience_secs } => {
            writeln!(s, "Erlang A (M/M/N+M: callers abandon, mean patience {})", show_duration(patience_secs))
        }
    };
    let _ = writeln!(s, "  traffic            {}, AHT {}s", i.traffic, trim_float(i.aht));
    let _ = writeln!(s, "  offered load       {offered:.4} Erlangs");
    if let (Some(target), Some(n)) = (i.target_sl, needed) {
        let _ = writeln!(s, "  agents needed      {n} for a service level of {} within {t}", pct(target));
    }
    let _ = writeln!(s, "  agents             {}", f.agents);
    let _ = writeln!(s, "  occupancy          {}", pct(f.occupancy));
    let _ = writeln!(s, "  P(wait)            {:.7} ({} of calls queue)", f.p_wait, pct(f.p_wait));
    match &f.a {
        None => {
            let _ = writeln!(s, "  ASA                {:.5} s (mean wait over all calls)", f.asa);
            let _ = writeln!(s, "  service level      {:.5} ({}) answered within {t}", f.sl[0], pct(f.sl[0]));
        }
        Some(a) => {
            let _ = writeln!(
                s,
                "  P(abandon)         {:.6} ({} of calls hang up)",
                a.p_abandon,
                pct(a.p_abandon)
            );
            let _ = writeln!(
                s,
                "  ASA                {:.5} s (mean wait over all calls, abandoned included)",
                f.asa
            );
            let _ =
                writeln!(s, "  mean wait answered {:.5} s (answered calls only)", a.mean_wait_answered_secs);
            let _ = writeln!(s, "  service level within {t}:");
            let _ = writeln!(
                s,
                "    offered          {:.6} ({})  answered within {t} / offered",
                f.sl[0],
                pct(f.sl[0])
            );
            let _ = writeln!(
                s,
                "    answered         {:.6} ({})  answered within {t} / answered",
                f.sl[1],
                pct(f.sl[1])
            );
            let _ = writeln!(
                s,
                "    excl. abandons   {:.6} ({})  answered within {t} / (offered - abandoned within {t})",
                f.sl[2],
                pct(f.sl[2])
            );
        }
    }
    let _ = writeln!(s);
    let abandon_col = f.a.is_some();
    let _ = writeln!(
        s,
        "  agents  occupancy  P(wait)  {}ASA (s)  SL {t}",
        if abandon_col { "P(abandon)  " } else { "" }
    );
    for r in table {
        let mark = if r.agents == f.agents { " <" } else { "" };
        let abandon = r.a.as_ref().map_or(String::new(), |a| format!("{:>10}  ", pct(a.p_abandon)));
        let _ = writeln!(
            s,
            "  {:>6}  {:>9}  {:>7}  {abandon}{:>7.2}  {:>6}{mark}",
            r.agents,
            pct(r.occupancy),
            pct(r.p_wait),
            r.asa,
            pct(r.sl[0])
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("20s"), Ok(20.0));
        assert_eq!(parse_duration("5m"), Ok(300.0));
        assert_eq!(parse_duration("1h"), Ok(3600.0));
        assert_eq!(parse_duration("1m30s"), Ok(90.0));
        assert_eq!(parse_duration("1h30m"), Ok(5400.0));
        assert_eq!(parse_duration("180"), Ok(180.0));
        assert_eq!(parse_duration("500ms"), Ok(0.5));
        for bad in ["", "s", "3x", "3 s", "1..2s", "inf", "NaN", "m5", "--aht", "1.5h", "-3s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(show_duration(1800.0), "30m");
        assert_eq!(show_duration(90.0), "1m30s");
        assert_eq!(show_duration(20.0), "20s");
        assert_eq!(show_duration(2.5), "2.5s");
    }
}
