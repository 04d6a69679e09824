//! `callwright run PROJECT`: one inbound call, with a readable trace.

use super::exit;
use super::output::Output;
use callwright::acd::Acd;
use callwright::callbacks::{AgentResponse, DialResult};
use callwright::model::AgentsSpec;
use callwright::project::{CheckedProject, Project};
use callwright::runtime::{
    CallContext, CallOutcome, CallPlan, CallSpec, CallTask, DtmfScript, Engine, Event, Recorder, Runtime,
    VirtualRuntime, run_call,
};
use callwright::syntax::ast::FlowKind;
use callwright::time::Micros;
use callwright::time::format_duration;
use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde_json::json;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

/// Run one inbound call through a project's flows on the virtual clock and print what happened.
///
/// The caller's keys come from --press, a DTMF script: each key is pressed at the next menu or
/// ask (an `ask` takes as many keys as it wants digits), `w` waits half a second first, and when
/// the script runs out the caller stays silent (the prompt times out). The run is deterministic:
/// the same flags give the same trace.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  callwright run flows/acme --press 2
  callwright run flows/acme --press 1 --agents 0 --max-wait 20m
  callwright run flows/acme --at 2026-12-25T10:00           (a holiday)
  callwright run flows/acme --press w9w9w9 --format json     (three wrong keys)")]
pub struct RunArgs {
    /// A project folder or a .flow file.
    pub project: PathBuf,
    /// The inbound flow to call (default: the project's only inbound flow).
    #[arg(long)]
    pub flow: Option<String>,
    /// The caller's number (E.164).
    #[arg(long, default_value = "+31612345678")]
    pub ani: String,
    /// The number dialled.
    #[arg(long, default_value = "+31201234500")]
    pub dnis: String,
    /// The caller's name from caller ID.
    #[arg(long, default_value = "")]
    pub name: String,
    /// When the call starts: YYYY-MM-DDTHH:MM in --tz, or `now`. The default is a fixed Tuesday
    /// morning (2026-12-01T10:00) so traces are reproducible.
    #[arg(long, default_value = DEFAULT_AT)]
    pub at: String,
    /// The call's IANA time zone (default: the zone of the project's first schedule, else UTC).
    #[arg(long)]
    pub tz: Option<String>,
    /// The caller's language (`Call.Language`), e.g. `nl-NL`: prompts speak it; a flow that
    /// declares its languages speaks its default when this is not one of them.
    #[arg(long, value_name = "TAG")]
    pub language: Option<String>,
    /// Keys the caller presses, e.g. `2`, `1w2`, `123456#`; `[lost card]` in the script is the
    /// caller saying those words at that prompt (`1[billing]`).
    #[arg(long, default_value = "")]
    pub press: String,
    /// Words the caller says at the first prompts, before any `--press` keys (speech
    /// recognition's text): `--say "lost card"`; repeat for several prompts.
    #[arg(long, value_name = "WORDS")]
    pub say: Vec<String>,
    /// Participant data the call arrives with (`Call.Data["key"]`), as from an IVR or CTI before
    /// the flow; repeat for several: `--data reason=billing --data vip=yes`.
    #[arg(long, value_name = "KEY=VALUE")]
    pub data: Vec<String>,
    /// How a data action answers, as no real system is called: a JSON body
    /// (`--mock 'CustomerLookup={"tier":"gold"}'`), `fails`, `times_out`, or a mix
    /// (`{"returns":{…},"failure":"5%","latency":"300ms"}`). An action without one fails.
    #[arg(long, value_name = "ACTION=RESULT")]
    pub mock: Vec<String>,
    /// Agents on every queue (default: the roster in center.yaml, or one per queue without one).
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=callwright::model::bounds::AGENTS_MAX as i64))]
    pub agents: Option<u32>,
    /// Talk time once an agent answers.
    #[arg(long, default_value = "3m")]
    pub handle: String,
    /// The caller hangs up after waiting this long in queue (default: never).
    #[arg(long)]
    pub patience: Option<String>,
    /// Calls already waiting in every queue when this one arrives (agents serve them first, each
    /// taking --handle): a way to see the in-queue flow and the callback offer.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=callwright::model::bounds::AHEAD_MAX as i64))]
    pub ahead: u32,
    /// The caller hangs up this long after calling, wherever the call is (IVR, queue, or talking).
    #[arg(long, value_name = "DURATION")]
    pub hang_up_after: Option<String>,
    /// How the customer answers each callback dial, in order: answer, no_answer, busy, machine
    /// (comma-separated; after the list, customers answer). E.g. `no_answer,busy,answer`.
    #[arg(long, value_name = "LIST", default_value = "")]
    pub callback_answers: String,
    /// What agents do with each callback offered to them: accept, reject, timeout
    /// (comma-separated; after the list, agents accept). E.g. `reject,accept`.
    #[arg(long, value_name = "LIST", default_value = "")]
    pub agent_responses: String,
    /// Stop the run after this much call time (at most 7d).
    #[arg(long, default_value = "4h")]
    pub max_wait: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Reads `30s`, `5m`, `1h30m`, or bare seconds.
pub fn parse_duration(flag: &str, s: &str) -> Result<Micros, String> {
    callwright::time::parse_duration(s).map_err(|e| format!("--{flag} {s:?}: {e}"))
}

pub fn run(args: RunArgs, out: &mut Output) -> i32 {
    match run_inner(args, out) {
        Ok(code) => code,
        Err((code, message)) => {
            out.error(&message);
            code
        }
    }
}

/// Loads and checks a project, printing its errors; the project when it has none.
pub fn load_checked(path: &std::path::Path, out: &mut Output) -> Result<CheckedProject, (i32, String)> {
    let project = Project::load(path).map_err(|e| (exit::USAGE, e.to_string()))?;
    let checked = project.check();
    let errors: Vec<_> = checked.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    if !errors.is_empty() {
        out.diagnostics(&errors, checked.sources());
        return Err((
            exit::PROBLEMS,
            "the flows have errors; fix them first (see `callwright check`)".into(),
        ));
    }
    Ok(checked)
}

/// The ACD for one call: `--agents N` on every queue, else the center.yaml roster, else one agent.
fn build_acd(checked: &CheckedProject, agents: Option<u32>) -> Result<Acd, (i32, String)> {
    let spec =
        agents.map_or_else(|| AgentsSpec::roster_or_one(checked.project.center.as_ref()), AgentsSpec::Count);
    callwright::runtime::build_acd(checked, &spec).map(|(acd, _)| acd).map_err(|e| (exit::PROBLEMS, e))
}

fn call_zone(checked: &CheckedProject, tz: &Option<String>) -> Result<Tz, (i32, String)> {
    if let Some(name) = tz {
        return name.parse::<Tz>().map_err(|_| {
            let names = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name());
            let help = callwright::source::suggest::did_you_mean(name, names)
                .map(|b| format!("; did you mean {b}?"))
                .unwrap_or_default();
            (exit::PROBLEMS, format!("--tz {name:?} is not an IANA time zone{help}"))
        });
    }
    Ok(checked.default_zone())
}

fn run_inner(args: RunArgs, out: &mut Output) -> Result<i32, (i32, String)> {
    let script = DtmfScript::parse(&args.press).map_err(|c| {
        (
            exit::PROBLEMS,
            format!(
                "--press {:?}: `{c}` is not a key; use 0-9, *, # and w (a half-second pause), or [words] said",
                args.press
            ),
        )
    })?
    .saying_first(&args.say);
    let bad = |e: String| (exit::PROBLEMS, e);
    let handle = parse_duration("handle", &args.handle).map_err(bad)?;
    let patience =
        args.patience.as_deref().map(|p| parse_duration("patience", p)).transpose().map_err(bad)?;
    let max_wait = parse_duration("max-wait", &args.max_wait).map_err(bad)?;
    // The virtual clock runs until the call ends or this: a year of call time is plenty, and
    // bounds the work a typo can ask for.
    if max_wait > MAX_WAIT_LIMIT {
        return Err(bad(format!(
            "--max-wait {}: the limit is {}",
            args.max_wait,
            callwright::time::format_micros(MAX_WAIT_LIMIT)
        )));
    }
    let hang_up =
        args.hang_up_after.as_deref().map(|h| parse_duration("hang-up-after", h)).transpose().map_err(bad)?;
    for (flag, n) in [("ani", &args.ani), ("dnis", &args.dnis)] {
        let ok = phonenumber::parse(None, n).map(|p| phonenumber::is_valid(&p)).unwrap_or(false);
        if !ok {
            return Err((
                exit::PROBLEMS,
                format!("--{flag} {n:?} is not a valid E.164 number (write +, country code, number)"),
            ));
        }
    }
    if let Some(tag) = args.language.as_deref().filter(|t| !callwright::source::looks_like_language_tag(t)) {
        return Err((
            exit::PROBLEMS,
            format!("--language {tag:?} is not a language tag (write e.g. en-US or nl-NL)"),
        ));
    }
    let checked = load_checked(&args.project, out)?;
    let zone = call_zone(&checked, &args.tz)?;
    let start = if args.at == "now" {
        chrono::Utc::now().with_timezone(&zone)
    } else {
        let naive = NaiveDateTime::parse_from_str(&args.at, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(&args.at, "%Y-%m-%dT%H:%M:%S"))
            .map_err(|_| {
                (
                    exit::PROBLEMS,
                    format!("--at {:?}: write YYYY-MM-DDTHH:MM (local time in {zone}) or `now`", args.at),
                )
            })?;
        zone.from_local_datetime(&naive).earliest().ok_or_else(|| {
            (
                exit::PROBLEMS,
                format!("--at {}: that local time does not exist in {zone} (a DST change)", args.at),
            )
        })?
    };
    let inbound: Vec<_> = checked.graphs.iter().filter(|g| g.kind() == FlowKind::Inbound).collect();
    let flow = match &args.flow {
        Some(name) if checked.graph(name).is_some_and(|g| g.kind() != FlowKind::Inbound) => {
            let kind = checked.graph(name).map(|g| g.kind().as_str()).unwrap_or_default();
            let inbound: Vec<_> = inbound.iter().map(|g| g.name()).collect();
            return Err((
                exit::PROBLEMS,
                format!(
                    "--flow {name} is an {kind} flow; a call enters an inbound flow ({})",
                    if inbound.is_empty() { "the project has none".to_string() } else { inbound.join(", ") }
                ),
            ));
        }
        Some(name) => checked.graph(name).ok_or_else(|| {
            let names = checked.graphs.iter().map(|g| g.name());
            (
                exit::PROBLEMS,
                format!(
                    "no flow named `{name}`; {}",
                    callwright::source::suggest::help_for(name, "flow", names)
                ),
            )
        })?,
        None => match inbound.as_slice() {
            [one] => *one,
            [] => return Err((exit::PROBLEMS, "the project has no inbound flow to call".into())),
            many => {
                let names: Vec<_> = many.iter().map(|g| g.name()).collect();
                return Err((
                    exit::PROBLEMS,
                    format!("several inbound flows; pick one with --flow: {}", names.join(", ")),
                ));
            }
        },
    };

    let mut data = std::collections::BTreeMap::new();
    for pair in &args.data {
        match pair.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                data.insert(k.trim().to_string(), v.to_string());
            }
            _ => {
                return Err((
                    exit::PROBLEMS,
                    format!("--data `{pair}` is not KEY=VALUE (e.g. --data reason=billing)"),
                ));
            }
        }
    }
    let mocks = parse_mocks(&args.mock, &checked)?;
    let rt = VirtualRuntime::new(args.seed);
    let customer_script = parse_list("callback-answers", &args.callback_answers, DialResult::parse)?;
    let agent_script = parse_list("agent-responses", &args.agent_responses, AgentResponse::parse)?;
    let engine = Engine::builder(rt.clone(), &checked, build_acd(&checked, args.agents)?)
        .callback_handle(move |_| handle)
        .people(|people| {
            people.customer_script = customer_script;
            people.agent_script = agent_script;
        })
        .ledger(callwright::callbacks::ledger::MemoryLedger::default())
        .data_mocks(mocks)
        .build();
    let engine = Rc::new(engine);
    engine.queue_ahead(args.ahead, handle);
    let recorder = Recorder::default();
    let spec = CallSpec {
        id: 1,
        ani: args.ani.clone(),
        ani_is_e164: false,
        dnis: args.dnis.as_str().into(),
        caller_name: args.name.clone(),
        start,
        data,
    };
    let outcome: Rc<RefCell<Option<CallOutcome>>> = Rc::default();
    {
        let task = CallTask {
            engine: engine.clone(),
            ctx: Box::new({
                let mut ctx = CallContext::new(spec, 0);
                ctx.language = args.language.clone();
                ctx
            }),
            caller: script,
            plan: CallPlan { patience, handle, hang_up },
            obs: recorder.clone(),
        };
        let Some(graph) = engine.flow(flow.name()) else {
            return Err((exit::PROBLEMS, format!("no flow {}", flow.name())));
        };
        let outcome = outcome.clone();
        rt.spawn(async move {
            let o = run_call(task, graph).await;
            *outcome.borrow_mut() = Some(o);
        });
    }
    rt.run_until(max_wait);
    let outcome = outcome.borrow().clone();
    let events = recorder.events();
    let text = match args.format {
        Format::Text => {
            let when = format!("{} {}", start.format("%a %Y-%m-%d %H:%M"), start.timezone().name());
            let header = CallHeader { when, default_time: args.at == DEFAULT_AT };
            render_text(&checked, flow.name(), &header, &events, outcome.as_ref(), max_wait)
        }
        Format::Json => render_json(&checked, flow.name(), &events, outcome.as_ref()),
    };
    out.stdout(&text);
    Ok(exit::OK)
}

/// A comma-separated list of words, each read by `parse`.
fn parse_list<T>(
    flag: &str,
    text: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<std::collections::VecDeque<T>, (i32, String)> {
    text.split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(|w| {
            parse(w).ok_or_else(|| {
                (exit::PROBLEMS, format!("--{flag}: `{w}` is not one of the allowed words (see --help)"))
            })
        })
        .collect()
}

fn clock(at: Micros) -> String {
    callwright::time::format_clock(at)
}

/// The longest `--max-wait`.
const MAX_WAIT_LIMIT: Micros = 7 * 86_400 * 1_000_000;

/// `run`'s fixed default call time: a Tuesday morning, so traces are reproducible.
const DEFAULT_AT: &str = "2026-12-01T10:00";

/// When the call is made, for the trace's first line.
struct CallHeader {
    when: String,
    /// The time is `run`'s default, not one the user chose.
    default_time: bool,
}

fn render_text(
    checked: &CheckedProject,
    flow: &str,
    header: &CallHeader,
    events: &[(Micros, Event)],
    outcome: Option<&CallOutcome>,
    max_wait: Micros,
) -> String {
    let sources = checked.sources();
    let mut s = format!("call into {flow} on {}\n", header.when);
    // Opening hours decide the path: say when the time was not the user's choice, so a
    // "closed" path is not a surprise.
    let reads_hours = events.iter().any(|(_, e)| {
        matches!(e, Event::Step { action, .. } if action.contains("open(") || action.contains("holiday("))
    });
    if header.default_time && reads_hours {
        s.push_str("(run's default time; the flow checks opening hours, so pass --at YYYY-MM-DDTHH:MM or --at now to call at another time)\n");
    }
    s.push('\n');
    for (at, e) in events {
        match e {
            Event::Step { flow, span, action, .. } => {
                let place = sources.file_line(*span);
                let short = place.rsplit('/').next().unwrap_or(&place);
                s.push_str(&format!("{}  {flow:<18} {short:<18} {action}\n", clock(*at)));
            }
            Event::Prompt(t) => s.push_str(&format!("{:>41}plays \"{t}\"\n", "")),
            Event::Input(d) => s.push_str(&format!("{}{:>34}caller presses {d}\n", clock(*at), "")),
            Event::Said(w) => s.push_str(&format!("{}{:>34}caller says {w:?}\n", clock(*at), "")),
            Event::NoInput => s.push_str(&format!("{}{:>34}no input (timeout)\n", clock(*at), "")),
            Event::Edge(o) => s.push_str(&format!("{:>41}→ {o}\n", "")),
            Event::Queued { queue, position } => s.push_str(&format!(
                "{}{:>34}queued in {queue}{}\n",
                clock(*at),
                "",
                position.map(|p| format!(" at position {p}")).unwrap_or_default()
            )),
            Event::Answered { agent, waited } => s.push_str(&format!(
                "{}{:>34}agent {agent} answers after {}\n",
                clock(*at),
                "",
                human(*waited)
            )),
            Event::Abandoned { queue, waited } => s.push_str(&format!(
                "{}{:>34}caller hangs up after {} in {queue}\n",
                clock(*at),
                "",
                human(*waited)
            )),
            Event::CallbackCreated { queue, position, number } => s.push_str(&format!(
                "{}{:>34}callback for {number} created in {queue}{}\n",
                clock(*at),
                "",
                position.map(|p| format!(", keeping position {p}")).unwrap_or_default()
            )),
            // The callback's own steps say who took it.
            Event::CallbackServed { .. } => {}
            Event::Callback { id, step } => {
                s.push_str(&format!("{}{:>34}callback {id}: {}\n", clock(*at), "", step.describe(&clock)))
            }
            Event::Note(n) => s.push_str(&format!("{}{:>34}{n}\n", clock(*at), "")),
        }
    }
    s.push('\n');
    s.push_str(&format!("outcome: {}\n", describe(checked, outcome, events, max_wait)));
    s
}

fn human(m: Micros) -> String {
    format_duration((m + 500_000) / 1_000_000)
}

fn describe(
    checked: &CheckedProject,
    outcome: Option<&CallOutcome>,
    events: &[(Micros, Event)],
    max_wait: Micros,
) -> String {
    let node_place = |flow: &str, node: callwright::compile::NodeId| {
        checked.graph(flow).map(|g| checked.sources().file_line(g.node(node).span)).unwrap_or_default()
    };
    let served = events.iter().find_map(|(_, e)| match e {
        Event::CallbackServed { agent, at } => Some((agent.clone(), *at)),
        _ => None,
    });
    match outcome {
        // The run stopped first: say how far the call got (an answered call is still talking).
        None => match events.iter().rev().find_map(|(_, e)| match e {
            Event::Answered { agent, waited } => Some((agent, *waited)),
            _ => None,
        }) {
            Some((agent, waited)) => format!(
                "answered by agent {agent} after waiting {}; still talking when the run stopped after {} (--max-wait)",
                human(waited),
                human(max_wait)
            ),
            None => format!("still waiting after {} (--max-wait)", human(max_wait)),
        },
        Some(CallOutcome::Answered { queue, agent, waited }) => {
            format!("answered by agent {agent} in {queue} after waiting {}", human(*waited))
        }
        Some(CallOutcome::Abandoned { queue, waited }) => {
            format!("abandoned after {} in {queue}", human(*waited))
        }
        Some(CallOutcome::TransferredOut { flow, node, to }) => {
            format!("transferred to {to} by flow {flow} at {} ({node})", node_place(flow, *node))
        }
        Some(CallOutcome::VoicemailLeft { flow, node }) => {
            format!("voicemail left by flow {flow} at {} ({node})", node_place(flow, *node))
        }
        Some(CallOutcome::RetryLater { flow, node }) => {
            format!("retry later, by flow {flow} at {} ({node})", node_place(flow, *node))
        }
        Some(CallOutcome::Disconnected { flow, node, .. }) => {
            format!(
                "disconnected by flow {flow} at {} ({node}){}",
                node_place(flow, *node),
                callbacks_tail(events)
            )
        }
        Some(CallOutcome::CallbackCreated { queue, position, waited }) => {
            let pos = position.map(|p| format!(" at position {p}")).unwrap_or_default();
            let serve = match served {
                Some((agent, at)) => format!("; served by agent {agent} at {}", clock(at).trim()),
                None => "; not yet served when the run stopped".into(),
            };
            let end = callback_end(events)
                .map(|(state, reason, attempts)| format!("; {}", ended_after(&state, &reason, attempts)));
            format!(
                "callback created in {queue}{pos} after waiting {}{serve}{}",
                human(*waited),
                end.unwrap_or_default()
            )
        }
        Some(CallOutcome::ConnectedToAgent { flow }) => format!("connected to the agent by {flow}"),
        Some(CallOutcome::FlowError { flow, node, message }) => {
            format!("flow error in {flow} at {} ({node}): {message}", node_place(flow, *node))
        }
        Some(CallOutcome::HungUp { flow, node }) => {
            format!("the caller hung up in {flow} at {} ({node})", node_place(flow, *node))
        }
    }
}

/// How the run's callbacks ended, in the order they ended: id, state, reason, and the dial
/// attempts of that callback (not of the run: two callbacks of one attempt each are not "2
/// attempts").
fn callback_ends(events: &[(Micros, Event)]) -> Vec<(String, String, String, u32)> {
    use callwright::callbacks::CallbackStep;
    let attempts = |id: &str| {
        events
            .iter()
            .filter(|(_, e)| matches!(e, Event::Callback { id: i, step: CallbackStep::Dialing { .. } } if i == id))
            .count() as u32
    };
    events
        .iter()
        .filter_map(|(_, e)| match e {
            Event::Callback { id, step: CallbackStep::Ended { state, reason } } => {
                Some((id.clone(), state.to_string(), reason.to_string(), attempts(id)))
            }
            _ => None,
        })
        .collect()
}

/// The first callback's end: state, reason, its attempts.
fn callback_end(events: &[(Micros, Event)]) -> Option<(String, String, u32)> {
    callback_ends(events).into_iter().next().map(|(_, state, reason, attempts)| (state, reason, attempts))
}

/// "completed after 1 attempt", or "failed (no_answer) after 3 attempts".
fn ended_after(state: &str, reason: &str, attempts: u32) -> String {
    let why = if reason == "completed" { String::new() } else { format!(" ({reason})") };
    let tries = if attempts == 1 { "1 attempt".to_string() } else { format!("{attempts} attempts") };
    format!("{state}{why} after {tries}")
}

/// The outcome line's tail for the callbacks a disconnected call left: one, or each of several.
fn callbacks_tail(events: &[(Micros, Event)]) -> String {
    let ends = callback_ends(events);
    match ends.as_slice() {
        [] => String::new(),
        [(_, state, reason, attempts)] => format!("; its callback {}", ended_after(state, reason, *attempts)),
        many => {
            let each: Vec<String> = many
                .iter()
                .map(|(id, state, reason, n)| format!("{id} {}", ended_after(state, reason, *n)))
                .collect();
            format!("; its {} callbacks: {}", many.len(), each.join(", "))
        }
    }
}

fn render_json(
    checked: &CheckedProject,
    flow: &str,
    events: &[(Micros, Event)],
    outcome: Option<&CallOutcome>,
) -> String {
    let sources = checked.sources();
    let secs = |m: Micros| m as f64 / 1e6;
    let evs: Vec<_> = events
        .iter()
        .map(|(at, e)| {
            let mut v = match e {
                Event::Step { flow, node, span, action } => {
                    let lc = sources.line_col(*span);
                    json!({"kind": "step", "flow": flow, "node": node.to_string(), "file": sources.name(span.file), "line": lc.line, "action": action})
                }
                Event::Prompt(t) => json!({"kind": "prompt", "text": t}),
                Event::Input(d) => json!({"kind": "input", "digits": d}),
                Event::Said(w) => json!({"kind": "speech", "words": w}),
                Event::NoInput => json!({"kind": "noinput"}),
                Event::Edge(o) => json!({"kind": "edge", "outcome": o.to_string()}),
                Event::Queued { queue, position } => json!({"kind": "queued", "queue": queue, "position": position}),
                Event::Answered { agent, waited } => json!({"kind": "answered", "agent": agent, "waited_seconds": secs(*waited)}),
                Event::Abandoned { queue, waited } => json!({"kind": "abandoned", "queue": queue, "waited_seconds": secs(*waited)}),
                Event::CallbackCreated { queue, position, number } => json!({"kind": "callback_created", "queue": queue, "position": position, "number": number}),
                Event::CallbackServed { agent, .. } => json!({"kind": "callback_served", "agent": agent}),
                Event::Callback { id, step } => {
                    let mut v = step.to_json();
                    v["kind"] = json!("callback");
                    v["id"] = json!(id);
                    v
                }
                Event::Note(n) => json!({"kind": "note", "text": n}),
            };
            v["at_seconds"] = json!(secs(*at));
            v
        })
        .collect();
    let outcome = match outcome {
        None => json!({"kind": "still_waiting"}),
        Some(CallOutcome::Answered { queue, agent, waited }) => {
            json!({"kind": "answered", "queue": &**queue, "agent": &**agent, "waited_seconds": secs(*waited)})
        }
        Some(CallOutcome::Abandoned { queue, waited }) => {
            json!({"kind": "abandoned", "queue": &**queue, "waited_seconds": secs(*waited)})
        }
        Some(CallOutcome::TransferredOut { flow, node, to }) => {
            json!({"kind": "transferred_out", "flow": flow, "node": node.to_string(), "to": to})
        }
        Some(CallOutcome::VoicemailLeft { flow, node }) => {
            json!({"kind": "voicemail_left", "flow": flow, "node": node.to_string()})
        }
        Some(CallOutcome::RetryLater { flow, node }) => {
            json!({"kind": "retry_later", "flow": flow, "node": node.to_string()})
        }
        Some(CallOutcome::Disconnected { flow, node, .. }) => {
            let callbacks: Vec<_> = callback_ends(events)
                .into_iter()
                .map(|(id, state, reason, attempts)| json!({"id": id, "state": state, "reason": reason, "attempts": attempts}))
                .collect();
            json!({"kind": "disconnected", "flow": flow, "node": node.to_string(), "callbacks": callbacks})
        }
        Some(CallOutcome::CallbackCreated { queue, position, waited }) => {
            let end = callback_end(events).map(
                |(state, reason, attempts)| json!({"state": state, "reason": reason, "attempts": attempts}),
            );
            json!({"kind": "callback_created", "queue": &**queue, "position": position, "waited_seconds": secs(*waited), "callback": end})
        }
        Some(CallOutcome::ConnectedToAgent { flow }) => json!({"kind": "connected_to_agent", "flow": flow}),
        Some(CallOutcome::FlowError { flow, node, message }) => {
            json!({"kind": "flow_error", "flow": flow, "node": node.to_string(), "message": message})
        }
        Some(CallOutcome::HungUp { flow, node }) => {
            json!({"kind": "hung_up", "flow": flow, "node": node.to_string()})
        }
    };
    let doc = json!({"flow": flow, "events": evs, "outcome": outcome});
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// `--mock ACTION=RESULT`, each naming a data action of the project.
fn parse_mocks(
    given: &[String],
    checked: &callwright::project::CheckedProject,
) -> Result<std::collections::HashMap<String, callwright::runtime::data_action::DataMock>, (i32, String)> {
    let declared = checked.data_action_names();
    let mut mocks = std::collections::HashMap::new();
    for item in given {
        let Some((name, result)) = item.split_once('=') else {
            return Err((
                exit::PROBLEMS,
                format!("--mock `{item}` is not ACTION=RESULT (e.g. --mock CustomerLookup=fails)"),
            ));
        };
        let name = name.trim();
        if !declared.contains(&name) {
            let help = callwright::source::suggest::help_for(name, "data action", declared.iter().copied());
            return Err((exit::PROBLEMS, format!("--mock: the project has no data action `{name}`; {help}")));
        }
        // JSON when it reads as JSON, else a word (`fails`, `times_out`).
        let value = serde_json::from_str(result)
            .unwrap_or_else(|_| serde_json::Value::String(result.trim().to_string()));
        let mock = callwright::runtime::data_action::DataMock::parse(&value)
            .map_err(|e| (exit::PROBLEMS, format!("--mock {name}: {e}")))?;
        mocks.insert(name.to_string(), mock);
    }
    Ok(mocks)
}
