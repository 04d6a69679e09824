//! Statements.

use super::Lowerer;
use super::expr::{expr, path};
use super::item::{ident, is_keyword, plain_string};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::CallbackMode;
use crate::source::{Span, Spanned};
use crate::syntax::ast::*;
use crate::syntax::parser::Rule;
use pest::iterators::Pair;

fn inner(pair: Pair<Rule>) -> impl Iterator<Item = Pair<Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

pub(super) fn block(lw: &mut Lowerer, pair: Pair<Rule>) -> Block {
    let span = lw.span(&pair);
    let stmts = pair.into_inner().map(|p| stmt(lw, p)).collect();
    Block { stmts, span }
}

/// A branch body: `{ ... }` or a single statement (wrapped in a block of its own span).
fn body(lw: &mut Lowerer, pair: Pair<Rule>) -> Block {
    let p = pair.into_inner().next().expect("body has a child");
    match p.as_rule() {
        Rule::block => block(lw, p),
        _ => {
            let s = stmt(lw, p);
            Block { span: s.span, stmts: vec![s] }
        }
    }
}

fn int_of(lw: &mut Lowerer, p: Pair<Rule>) -> Spanned<i64> {
    let span = lw.span(&p);
    let v = p.as_str().parse::<i64>().unwrap_or_else(|_| {
        lw.diagnostics.push(Diagnostic::new(Code::BadLiteral, span, "this number is too large"));
        0
    });
    Spanned::new(v, span)
}

/// Reports an option given twice (`retries 2 retries 3`) and keeps the first.
fn once<T>(lw: &mut Lowerer, slot: &mut Option<T>, value: T, span: Span, what: &str) {
    if slot.is_some() {
        lw.diagnostics.push(
            Diagnostic::new(Code::DuplicateOption, span, format!("`{what}` is given twice"))
                .with_label("second time here")
                .with_help(if what == "skills" {
                    "list every skill once: `skills \"french\", \"billing\"`".to_string()
                } else {
                    format!("remove one of the `{what}` options")
                }),
        );
    } else {
        *slot = Some(value);
    }
}

pub(super) fn stmt(lw: &mut Lowerer, pair: Pair<Rule>) -> Stmt {
    let span = lw.span(&pair);
    let p = pair.into_inner().next().expect("stmt has a child");
    let kind = match p.as_rule() {
        Rule::play => StmtKind::Play(expr(lw, inner(p).next().expect("play text"))),
        Rule::play_wait => StmtKind::PlayEstimatedWait,
        Rule::play_position => StmtKind::PlayPosition,
        Rule::menu => StmtKind::Menu(Box::new(menu(lw, p))),
        Rule::ask => StmtKind::Ask(Box::new(ask(lw, p))),
        Rule::if_stmt => StmtKind::If(Box::new(if_stmt(lw, p))),
        Rule::switch_stmt => StmtKind::Switch(Box::new(switch(lw, p))),
        Rule::set_stmt => {
            let mut it = inner(p);
            let target = path(lw, it.next().expect("target"));
            let value = expr(lw, it.next().expect("value"));
            StmtKind::Set { target, value }
        }
        Rule::transfer if inner(p.clone()).any(|c| c.as_rule() == Rule::transfer_out) => {
            StmtKind::TransferOut(Box::new(transfer_out(lw, p)))
        }
        Rule::transfer => StmtKind::Transfer(Box::new(transfer(lw, p))),
        Rule::callback => StmtKind::CreateCallback(Box::new(callback(lw, p))),
        Rule::data_call => StmtKind::CallData(Box::new(data_call(lw, p))),
        Rule::lookup => StmtKind::Lookup(Box::new(lookup(lw, p))),
        Rule::hold => {
            let mut parts = inner(p);
            let time = expr(lw, parts.next().expect("hold time"));
            let music = parts.next().and_then(|m| inner(m).next()).map(|s| super::item::plain_string(lw, s));
            StmtKind::Hold(time, music)
        }
        Rule::disconnect => StmtKind::Disconnect,
        Rule::connect_agent => StmtKind::ConnectAgent,
        Rule::leave_voicemail => StmtKind::LeaveVoicemail(expr(lw, inner(p).next().expect("message"))),
        Rule::retry_later => StmtKind::RetryLater,
        Rule::call_task => StmtKind::Call(ident(lw, inner(p).next().expect("task"))),
        Rule::jump_task => StmtKind::Jump(ident(lw, inner(p).next().expect("task"))),
        _ => StmtKind::Return,
    };
    Stmt { kind, span }
}

fn menu(lw: &mut Lowerer, pair: Pair<Rule>) -> Menu {
    let mut it = inner(pair);
    let name = ident(lw, it.next().expect("menu name"));
    let prompt = expr(lw, it.next().expect("menu prompt"));
    let mut m = Menu { name, prompt, retries: None, timeout: None, choices: Vec::new() };
    for p in it {
        match p.as_rule() {
            Rule::menu_option => {
                let opt = p.into_inner().next().expect("option");
                let span = lw.span(&opt);
                let value = inner(opt.clone()).next().expect("option value");
                match opt.as_rule() {
                    Rule::retries_opt => {
                        let v = int_of(lw, value);
                        once(lw, &mut m.retries, v, span, "retries")
                    }
                    _ => {
                        let v = expr(lw, value);
                        once(lw, &mut m.timeout, v, span, "timeout")
                    }
                }
            }
            Rule::menu_choice => {
                let span = lw.span(&p);
                let mut keys = Vec::new();
                let mut body_block = None;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::choice_key => keys.push(choice_key(lw, c)),
                        Rule::body => body_block = Some(body(lw, c)),
                        _ => {}
                    }
                }
                let body = body_block.expect("choice body");
                m.choices.push(MenuChoice { keys, body, span });
            }
            _ => {}
        }
    }
    m
}

fn choice_key(lw: &mut Lowerer, pair: Pair<Rule>) -> Spanned<ChoiceKey> {
    let span = lw.span(&pair);
    let p = pair.into_inner().next().expect("key");
    let count = |lw: &mut Lowerer, p: Pair<Rule>| {
        inner(p).next().map(|n| int_of(lw, n).node.clamp(0, u32::MAX as i64) as u32)
    };
    let key = match p.as_rule() {
        Rule::key_noinput => ChoiceKey::NoInput(count(lw, p)),
        Rule::key_nomatch => ChoiceKey::NoMatch(count(lw, p)),
        Rule::key_exhausted => ChoiceKey::Exhausted,
        Rule::plain_string => {
            let text = plain_string(lw, p).value;
            // A quoted choice with a letter is a spoken keyword; "#" and "*" are keys.
            if text.chars().any(char::is_alphabetic) {
                ChoiceKey::Word(text.trim().to_lowercase())
            } else {
                ChoiceKey::Digit(text)
            }
        }
        _ => ChoiceKey::Digit(p.as_str().to_string()),
    };
    Spanned::new(key, span)
}

fn ask(lw: &mut Lowerer, pair: Pair<Rule>) -> Ask {
    let mut it = inner(pair);
    let target = path(lw, it.next().expect("ask target"));
    let prompt = expr(lw, it.next().expect("ask prompt"));
    let mut a = Ask {
        target,
        prompt,
        min_digits: None,
        max_digits: None,
        timeout: None,
        interdigit: None,
        terminator: None,
        secure: None,
        on_noinput: None,
    };
    for p in it {
        match p.as_rule() {
            Rule::ask_option => {
                let opt = p.into_inner().next().expect("option");
                let span = lw.span(&opt);
                match opt.as_rule() {
                    Rule::digits_opt => {
                        let mut ns = inner(opt);
                        let lo = int_of(lw, ns.next().expect("digits"));
                        let hi = ns.next().map(|n| int_of(lw, n));
                        let had = a.min_digits.is_some();
                        once(lw, &mut a.min_digits, lo.clone(), span, "digits");
                        if !had {
                            a.max_digits = Some(hi.unwrap_or(lo));
                        }
                    }
                    Rule::timeout_opt => {
                        let v = expr(lw, inner(opt).next().expect("timeout"));
                        once(lw, &mut a.timeout, v, span, "timeout")
                    }
                    Rule::secure_opt => once(lw, &mut a.secure, span, span, "secure"),
                    Rule::interdigit_opt => {
                        let v = expr(lw, inner(opt).next().expect("interdigit"));
                        once(lw, &mut a.interdigit, v, span, "interdigit")
                    }
                    _ => {
                        let v = plain_string(lw, inner(opt).next().expect("terminator"));
                        once(lw, &mut a.terminator, v, span, "terminator")
                    }
                }
            }
            Rule::on_noinput => {
                a.on_noinput = Some(body(lw, inner(p).next().expect("noinput body")));
            }
            _ => {}
        }
    }
    a
}

fn if_stmt(lw: &mut Lowerer, pair: Pair<Rule>) -> If {
    let mut it = inner(pair);
    let cond = expr(lw, it.next().expect("condition"));
    let then = block(lw, it.next().expect("then"));
    let otherwise = it.next().map(|p| match p.as_rule() {
        Rule::if_stmt => {
            let span = lw.span(&p);
            let nested = if_stmt(lw, p);
            Block { stmts: vec![Stmt { kind: StmtKind::If(Box::new(nested)), span }], span }
        }
        _ => block(lw, p),
    });
    If { cond, then, otherwise }
}

fn switch(lw: &mut Lowerer, pair: Pair<Rule>) -> Switch {
    let mut it = inner(pair);
    let subject = expr(lw, it.next().expect("subject"));
    let mut s = Switch { subject, cases: Vec::new(), default: None };
    for p in it {
        match p.as_rule() {
            Rule::case => {
                let span = lw.span(&p);
                let mut values = Vec::new();
                let mut case_body = None;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::expr => values.push(expr(lw, c)),
                        Rule::body => case_body = Some(body(lw, c)),
                        _ => {}
                    }
                }
                s.cases.push(Case { values, body: case_body.expect("case body"), span });
            }
            Rule::default_case => {
                s.default = Some(body(lw, inner(p).next().expect("default body")));
            }
            _ => {}
        }
    }
    s
}

fn transfer(lw: &mut Lowerer, pair: Pair<Rule>) -> Transfer {
    let mut it = inner(pair);
    let queue = ident(lw, it.next().expect("queue"));
    let mut t = Transfer {
        queue,
        inqueue_flow: None,
        priority: None,
        skills: Vec::new(),
        preferred: None,
        on_failure: None,
    };
    let mut skills_seen: Option<()> = None;
    for p in it {
        match p.as_rule() {
            Rule::transfer_option => {
                let opt = p.into_inner().next().expect("option");
                let span = lw.span(&opt);
                match opt.as_rule() {
                    Rule::with_opt => {
                        let v = ident(lw, inner(opt).next().expect("flow"));
                        once(lw, &mut t.inqueue_flow, v, span, "with")
                    }
                    Rule::priority_opt => {
                        let v = expr(lw, inner(opt).next().expect("priority"));
                        once(lw, &mut t.priority, v, span, "priority")
                    }
                    Rule::preferred_opt => {
                        let mut parts = inner(opt);
                        let agent = expr(lw, parts.next().expect("preferred agent"));
                        let period = parts.next().map(|p| expr(lw, p));
                        once(lw, &mut t.preferred, (agent, period), span, "preferred agent")
                    }
                    _ => {
                        let first = skills_seen.is_none();
                        once(lw, &mut skills_seen, (), span, "skills");
                        if first {
                            t.skills = inner(opt).map(|s| plain_string(lw, s)).collect();
                        }
                    }
                }
            }
            Rule::on_failure => {
                t.on_failure = Some(body(lw, inner(p).next().expect("failure body")));
            }
            _ => {}
        }
    }
    t
}

fn callback(lw: &mut Lowerer, pair: Pair<Rule>) -> CreateCallback {
    let mut c = CreateCallback::default();
    let mut data_seen: Option<()> = None;
    for p in inner(pair) {
        if p.as_rule() == Rule::on_failure {
            c.on_failure = Some(body(lw, inner(p).next().expect("failure body")));
            continue;
        }
        let opt = p.into_inner().next().expect("option");
        let span = lw.span(&opt);
        let rule = opt.as_rule();
        let mut vals = inner(opt);
        match rule {
            Rule::cb_number => {
                let v = expr(lw, vals.next().expect("number"));
                once(lw, &mut c.number, v, span, "number")
            }
            Rule::cb_name => {
                let v = expr(lw, vals.next().expect("name"));
                once(lw, &mut c.name, v, span, "name")
            }
            Rule::cb_queue => {
                let v = ident(lw, vals.next().expect("queue"));
                once(lw, &mut c.queue, v, span, "queue")
            }
            Rule::cb_at => {
                let v = expr(lw, vals.next().expect("time"));
                once(lw, &mut c.at, v, span, "at")
            }
            Rule::cb_window => {
                let a = expr(lw, vals.next().expect("start"));
                let b = expr(lw, vals.next().expect("end"));
                once(lw, &mut c.window, (a, b), span, "window")
            }
            Rule::cb_timezone => {
                let v = plain_string(lw, vals.next().expect("zone"));
                once(lw, &mut c.timezone, v, span, "timezone")
            }
            Rule::cb_attempts => {
                let v = expr(lw, vals.next().expect("attempts"));
                once(lw, &mut c.attempts, v, span, "attempts")
            }
            Rule::cb_retry => {
                let v = expr(lw, vals.next().expect("retry"));
                once(lw, &mut c.retry_every, v, span, "retry every")
            }
            Rule::cb_mode => {
                let m = vals.next().expect("mode");
                let mode = if m.as_str() == "customer_first" {
                    CallbackMode::CustomerFirst
                } else {
                    CallbackMode::AgentFirst
                };
                let v = Spanned::new(mode, lw.span(&m));
                once(lw, &mut c.mode, v, span, "mode")
            }
            Rule::cb_owner => {
                let v = expr(lw, vals.next().expect("owner"));
                once(lw, &mut c.owner, v, span, "owner")
            }
            _ => {
                let first = data_seen.is_none();
                once(lw, &mut data_seen, (), span, "data");
                if first {
                    for entry in vals {
                        let mut kv = entry.into_inner();
                        let k = ident(lw, kv.next().expect("key"));
                        let v = expr(lw, kv.next().expect("value"));
                        c.data.push((k, v));
                    }
                }
            }
        }
    }
    c
}

fn data_call(lw: &mut Lowerer, pair: Pair<Rule>) -> CallData {
    let mut it = inner(pair);
    let action = ident(lw, it.next().expect("data action name"));
    let mut c = CallData { action, inputs: Vec::new(), into: Vec::new(), on_failure: None, on_timeout: None };
    for p in it {
        let span = lw.span(&p);
        match p.as_rule() {
            Rule::dc_with => {
                for entry in inner(p) {
                    let mut kv = entry.into_inner();
                    let k = ident(lw, kv.next().expect("input"));
                    let v = expr(lw, kv.next().expect("value"));
                    c.inputs.push((k, v));
                }
            }
            Rule::dc_into => {
                for entry in inner(p) {
                    let mut kv = entry.into_inner();
                    let target = path(lw, kv.next().expect("target"));
                    let output = ident(lw, kv.next().expect("output"));
                    c.into.push((target, output));
                }
            }
            Rule::on_failure => {
                let b = body(lw, inner(p).next().expect("failure body"));
                once(lw, &mut c.on_failure, b, span, "on failure")
            }
            _ => {
                let b = body(lw, inner(p).next().expect("timeout body"));
                once(lw, &mut c.on_timeout, b, span, "on timeout")
            }
        }
    }
    c
}

fn lookup(lw: &mut Lowerer, pair: Pair<Rule>) -> Lookup {
    let mut it = inner(pair);
    let table = ident(lw, it.next().expect("table"));
    let key = expr(lw, it.next().expect("key"));
    let mut l = Lookup { table, key, into: Vec::new(), on_not_found: None };
    for p in it {
        match p.as_rule() {
            Rule::dc_into => {
                for entry in inner(p) {
                    let mut kv = entry.into_inner();
                    let target = path(lw, kv.next().expect("target"));
                    let column = ident(lw, kv.next().expect("column"));
                    l.into.push((target, column));
                }
            }
            _ => l.on_not_found = Some(body(lw, inner(p).next().expect("not found body"))),
        }
    }
    l
}

fn transfer_out(lw: &mut Lowerer, pair: Pair<Rule>) -> TransferOut {
    let mut target = None;
    let mut on_failure = None;
    for p in inner(pair) {
        match p.as_rule() {
            Rule::transfer_out => {
                let t = p.into_inner().next().expect("target");
                let rule = t.as_rule();
                let v = inner(t).next().expect("target value");
                target = Some(match rule {
                    Rule::out_number => TransferTarget::Number(expr(lw, v)),
                    Rule::out_voicemail => TransferTarget::Voicemail(ident(lw, v)),
                    Rule::out_agent => TransferTarget::Agent(expr(lw, v)),
                    Rule::out_agent_voicemail => TransferTarget::AgentVoicemail(expr(lw, v)),
                    Rule::out_secure_flow => TransferTarget::SecureFlow(ident(lw, v)),
                    _ => TransferTarget::Flow(ident(lw, v)),
                });
            }
            Rule::on_failure => on_failure = Some(body(lw, inner(p).next().expect("failure body"))),
            _ => {}
        }
    }
    TransferOut { target: target.expect("a transfer_out has a target"), on_failure }
}
