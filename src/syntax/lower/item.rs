//! Files, schedules, flows and tasks.

use super::Lowerer;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Spanned;
use crate::syntax::ast::*;
use crate::syntax::parser::Rule;
use pest::iterators::Pair;

pub(crate) fn lower_file(lw: &mut Lowerer, pair: Pair<Rule>) -> SourceFile {
    let span = lw.span(&pair);
    let mut file = SourceFile {
        schedules: Vec::new(),
        data_actions: Vec::new(),
        tables: Vec::new(),
        prompts: Vec::new(),
        tasks: Vec::new(),
        flows: Vec::new(),
        uses: Vec::new(),
        span,
    };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::use_decl => {
                let target = p.into_inner().find(|p| p.as_rule() == Rule::plain_string).expect("module path");
                file.uses.push(plain_string(lw, target));
            }
            Rule::schedule => file.schedules.push(schedule(lw, p)),
            Rule::data_action => file.data_actions.push(data_action(lw, p)),
            Rule::table_decl => file.tables.push(table_decl(lw, p)),
            Rule::prompt_decl => file.prompts.push(prompt_decl(lw, p)),
            Rule::task => file.tasks.push(task(lw, p)),
            Rule::flow => file.flows.push(flow(lw, p)),
            _ => {}
        }
    }
    file
}

pub(super) fn ident(lw: &Lowerer, p: Pair<Rule>) -> Ident {
    Ident { name: p.as_str().to_string(), span: lw.span(&p) }
}

/// A `plain_string`: a string without `{…}` parts.
pub(super) fn plain_string(lw: &mut Lowerer, p: Pair<Rule>) -> StrLit {
    let span = lw.span(&p);
    let expr = super::expr::string(lw, p.into_inner().next().expect("plain_string wraps string"));
    let mut value = String::new();
    if let ExprKind::Str(parts) = expr.kind {
        for part in parts {
            match part {
                StrPart::Text(t) => value.push_str(&t),
                StrPart::Expr(e) => lw.diagnostics.push(
                    Diagnostic::new(Code::Syntax, e.span, "this text cannot contain `{…}` parts")
                        .with_label("interpolation not allowed here")
                        .with_help("write `\\{` for a literal brace"),
                ),
            }
        }
    }
    StrLit { value, span }
}

fn prompt_decl(lw: &mut Lowerer, pair: Pair<Rule>) -> PromptDecl {
    let span = lw.span(&pair);
    let mut it = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
    let name = ident(lw, it.next().expect("prompt name"));
    let texts = it
        .map(|t| {
            let mut parts = t.into_inner();
            let lang = plain_string(lw, parts.next().expect("language"));
            let text = plain_string(lw, parts.next().expect("text"));
            let audio = parts
                .next()
                .and_then(|a| a.into_inner().find(|p| !is_keyword(p.as_rule())))
                .map(|a| plain_string(lw, a));
            PromptText { lang, text, audio }
        })
        .collect();
    PromptDecl { name, texts, span }
}

fn table_decl(lw: &mut Lowerer, pair: Pair<Rule>) -> TableDecl {
    let span = lw.span(&pair);
    let mut it = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
    let name = ident(lw, it.next().expect("table name"));
    let file = plain_string(lw, it.next().expect("table file"));
    let key = ident(lw, it.next().expect("table key"));
    let columns = it
        .map(|c| {
            let mut parts = c.into_inner();
            let col = ident(lw, parts.next().expect("column"));
            let ty = ident(lw, parts.next().expect("type"));
            (col, ty)
        })
        .collect();
    TableDecl { name, file, key, columns, span }
}

fn data_action(lw: &mut Lowerer, pair: Pair<Rule>) -> DataAction {
    let span = lw.span(&pair);
    let mut it = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
    let name = ident(lw, it.next().expect("data action name"));
    let mut a = DataAction {
        name,
        request: None,
        headers: Vec::new(),
        body: None,
        inputs: Vec::new(),
        outputs: Vec::new(),
        timeout: None,
        span,
    };
    let twice = |lw: &mut Lowerer, span: crate::source::Span, what: &str| {
        lw.diagnostics.push(
            Diagnostic::new(Code::DuplicateOption, span, format!("`{what}` is given twice"))
                .with_label("second time here")
                .with_help(format!("a data action has one {what}")),
        );
    };
    for item in it {
        let item_span = lw.span(&item);
        let rule = item.as_rule();
        let mut parts = item.into_inner().filter(|p| !is_keyword(p.as_rule()));
        match rule {
            Rule::da_request => {
                let m = parts.next().expect("method");
                let method = match m.as_str() {
                    "post" => HttpMethod::Post,
                    "put" => HttpMethod::Put,
                    "patch" => HttpMethod::Patch,
                    "delete" => HttpMethod::Delete,
                    _ => HttpMethod::Get,
                };
                let method = Spanned::new(method, lw.span(&m));
                let url = super::expr::string(lw, parts.next().expect("url"));
                if a.request.is_some() {
                    twice(lw, item_span, "request");
                } else {
                    a.request = Some((method, url));
                }
            }
            Rule::da_header => {
                let key = plain_string(lw, parts.next().expect("header name"));
                let value = super::expr::string(lw, parts.next().expect("header value"));
                a.headers.push((key, value));
            }
            Rule::da_body => {
                let body = super::expr::string(lw, parts.next().expect("body"));
                if a.body.is_some() {
                    twice(lw, item_span, "body");
                } else {
                    a.body = Some(body);
                }
            }
            Rule::da_input => a.inputs.extend(parts.map(|p| ident(lw, p))),
            Rule::da_output => {
                let name = ident(lw, parts.next().expect("output name"));
                let ty = ident(lw, parts.next().expect("output type"));
                let pointer = plain_string(lw, parts.next().expect("pointer"));
                a.outputs.push(DataOutput { name, ty, pointer });
            }
            _ => {
                let t = super::expr::expr(lw, parts.next().expect("timeout"));
                if a.timeout.is_some() {
                    twice(lw, item_span, "timeout");
                } else {
                    a.timeout = Some(t);
                }
            }
        }
    }
    a
}

fn schedule(lw: &mut Lowerer, pair: Pair<Rule>) -> Schedule {
    let span = lw.span(&pair);
    let mut it = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
    let name = ident(lw, it.next().expect("schedule name"));
    let zone = plain_string(lw, it.next().expect("schedule zone"));
    let mut hours = Vec::new();
    let mut closed = Vec::new();
    for entry in it {
        match entry.as_rule() {
            Rule::open_hours => hours.push(open_hours(lw, entry)),
            Rule::closed_days => {
                for item in entry.into_inner().filter(|p| p.as_rule() == Rule::closed_item) {
                    closed.push(closed_item(lw, item));
                }
            }
            _ => {}
        }
    }
    Schedule { name, zone, hours, closed, span }
}

fn open_hours(lw: &mut Lowerer, pair: Pair<Rule>) -> OpenHours {
    let span = lw.span(&pair);
    let mut days = Vec::new();
    let mut ranges = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::day_range => {
                let span = lw.span(&p);
                let mut d = p.into_inner().map(|d| day(d.as_str()));
                let from = d.next().expect("day");
                days.push(DayRange { from, to: d.next(), span });
            }
            Rule::time_range => {
                let span = lw.span(&p);
                let mut c = p.into_inner().map(|c| clock(lw, c));
                let start = c.next().expect("start");
                let end = c.next().expect("end");
                ranges.push(TimeRange { start, end, span });
            }
            _ => {}
        }
    }
    OpenHours { days, ranges, span }
}

fn day(s: &str) -> Day {
    Day(Day::NAMES.iter().position(|n| *n == s).unwrap_or(0) as u8)
}

pub(super) fn clock(lw: &Lowerer, p: Pair<Rule>) -> Clock {
    let span = lw.span(&p);
    let (h, m) = p.as_str().split_once(':').unwrap_or(("0", "0"));
    Clock { hour: h.parse().unwrap_or(99), minute: m.parse().unwrap_or(99), span }
}

fn date(lw: &Lowerer, p: Pair<Rule>) -> DateLit {
    let span = lw.span(&p);
    let mut parts = p.as_str().split('-').map(|x| x.parse::<i64>().unwrap_or(0));
    let year = parts.next().unwrap_or(0) as i32;
    let month = parts.next().unwrap_or(0) as u32;
    let day = parts.next().unwrap_or(0) as u32;
    DateLit { year, month, day, span }
}

fn closed_item(lw: &mut Lowerer, pair: Pair<Rule>) -> ClosedDays {
    let span = lw.span(&pair);
    let mut from = None;
    let mut to = None;
    let mut label = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::date if from.is_none() => from = Some(date(lw, p)),
            Rule::date => to = Some(date(lw, p)),
            Rule::plain_string => label = Some(plain_string(lw, p)),
            _ => {}
        }
    }
    ClosedDays { from: from.expect("closed date"), to, label, span }
}

fn task(lw: &mut Lowerer, p: Pair<Rule>) -> Task {
    let span = lw.span(&p);
    let mut t = p.into_inner().filter(|p| !is_keyword(p.as_rule()));
    let name = ident(lw, t.next().expect("task name"));
    let body = super::stmt::block(lw, t.next().expect("task body"));
    Task { name, body, span }
}

fn flow(lw: &mut Lowerer, pair: Pair<Rule>) -> Flow {
    let span = lw.span(&pair);
    let mut it = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
    let kind_pair = it.next().expect("flow kind");
    let kind = Spanned::new(
        match kind_pair.as_str() {
            "inqueue" => FlowKind::Inqueue,
            "outbound" => FlowKind::Outbound,
            "secure" => FlowKind::Secure,
            _ => FlowKind::Inbound,
        },
        lw.span(&kind_pair),
    );
    let name = ident(lw, it.next().expect("flow name"));
    let mut languages = Vec::new();
    let mut stmts = Vec::new();
    let mut tasks = Vec::new();
    let mut body_span: Option<crate::source::Span> = None;
    for p in it {
        let s = lw.span(&p);
        body_span = Some(body_span.map_or(s, |b| b.to(s)));
        match p.as_rule() {
            Rule::flow_languages => {
                for l in p.into_inner().filter(|p| p.as_rule() == Rule::flow_language) {
                    let mut parts = l.into_inner().filter(|p| !is_keyword(p.as_rule()));
                    let tag = plain_string(lw, parts.next().expect("language"));
                    let voice = parts.next().map(|v| plain_string(lw, v));
                    languages.push(FlowLanguage { tag, voice });
                }
                continue;
            }
            Rule::task => tasks.push(task(lw, p)),
            Rule::on_error | Rule::on_key => tasks.push(handler(lw, p)),
            Rule::stmt => stmts.push(super::stmt::stmt(lw, p)),
            _ => {}
        }
    }
    let body = Block { stmts, span: body_span.unwrap_or(name.span) };
    Flow { kind, name, languages, body, tasks, span }
}

/// `on error { … }` and `on key "0" { … }`, lowered as tasks of names no `call` can write
/// (`on error`, `on key 0`): checked, compiled and covered like tasks, entered from the flow's start
/// along its `error` / `any time` edge. The name's span is the words up to the key.
fn handler(lw: &mut Lowerer, pair: Pair<Rule>) -> Task {
    let span = lw.span(&pair);
    let words = pair.clone().into_inner().filter(|p| is_keyword(p.as_rule())).map(|p| lw.span(&p));
    let words = words.reduce(|a, b| a.to(b)).unwrap_or(span);
    // `[key,] block`
    let mut parts: Vec<Pair<Rule>> = pair.into_inner().filter(|p| !is_keyword(p.as_rule())).collect();
    let body = super::stmt::block(lw, parts.pop().expect("handler body"));
    let name = match parts.pop() {
        Some(key) => {
            let key = plain_string(lw, key);
            Ident { name: format!("{KEY_HANDLER}{}", key.value), span: words.to(key.span) }
        }
        None => Ident { name: ERROR_HANDLER.to_string(), span: words },
    };
    Task { name, body, span }
}

/// Keyword tokens appear as pairs (they must be atomic); lowering skips them.
pub(super) fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_schedule
            | Rule::kw_music
            | Rule::kw_audio
            | Rule::kw_voice
            | Rule::kw_languages
            | Rule::kw_in
            | Rule::kw_closed
            | Rule::kw_flow
            | Rule::kw_task
            | Rule::kw_play
            | Rule::kw_estimated
            | Rule::kw_wait
            | Rule::kw_position
            | Rule::kw_menu
            | Rule::kw_retries
            | Rule::kw_timeout
            | Rule::kw_noinput
            | Rule::kw_nomatch
            | Rule::kw_exhausted
            | Rule::kw_ask
            | Rule::kw_digits
            | Rule::kw_terminator
            | Rule::kw_on
            | Rule::kw_if
            | Rule::kw_else
            | Rule::kw_switch
            | Rule::kw_set
            | Rule::kw_transfer
            | Rule::kw_to
            | Rule::kw_with
            | Rule::kw_priority
            | Rule::kw_skills
            | Rule::kw_failure
            | Rule::kw_create
            | Rule::kw_callback
            | Rule::kw_number
            | Rule::kw_name
            | Rule::kw_queue
            | Rule::kw_at
            | Rule::kw_window
            | Rule::kw_timezone
            | Rule::kw_attempts
            | Rule::kw_retry
            | Rule::kw_every
            | Rule::kw_mode
            | Rule::kw_owner
            | Rule::kw_data
            | Rule::kw_hold
            | Rule::kw_action
            | Rule::kw_header
            | Rule::kw_body
            | Rule::kw_input
            | Rule::kw_output
            | Rule::kw_into
            | Rule::kw_secure
            | Rule::kw_table
            | Rule::kw_from
            | Rule::kw_key
            | Rule::kw_lookup
            | Rule::kw_found
            | Rule::kw_error
            | Rule::kw_preferred
            | Rule::kw_for
            | Rule::kw_leave
            | Rule::kw_use
            | Rule::kw_interdigit
            | Rule::kw_later
            | Rule::kw_voicemail
            | Rule::kw_prompt
            | Rule::kw_disconnect
            | Rule::kw_connect
            | Rule::kw_agent
            | Rule::kw_call
            | Rule::kw_jump
            | Rule::kw_return
            | Rule::kw_as
    )
}
