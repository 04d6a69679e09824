//! Expressions, by precedence climbing over the flat `expr` pairs.
//!
//! Precedence, loosest first: `or`; `and`; comparisons; `+ -`; `* /`; prefix `not -`; postfix
//! `as minutes`.

use super::Lowerer;
use super::item::ident;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Spanned;
use crate::syntax::ast::*;
use crate::syntax::parser::Rule;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        // `not` binds looser than comparisons: `not Call.Priority > 5` negates the comparison.
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
        .op(Op::postfix(Rule::as_unit))
});

pub(super) fn expr(lw: &mut Lowerer, pair: Pair<Rule>) -> Expr {
    pratt(lw, pair.into_inner())
}

fn pratt(lw: &mut Lowerer, pairs: Pairs<Rule>) -> Expr {
    // The closures all need the lowerer; a RefCell lets them share it.
    let lw = std::cell::RefCell::new(lw);
    PRATT
        .map_primary(|p| primary(&mut lw.borrow_mut(), p))
        .map_prefix(|op, rhs| {
            let l = lw.borrow();
            let span = l.span(&op).to(rhs.span);
            let op = if op.as_rule() == Rule::op_not { UnaryOp::Not } else { UnaryOp::Neg };
            Expr { kind: ExprKind::Unary(op, Box::new(rhs)), span }
        })
        .map_postfix(|lhs, op| {
            let l = lw.borrow();
            let span = lhs.span.to(l.span(&op));
            let unit_pair = op.into_inner().find(|p| p.as_rule() == Rule::unit).expect("unit");
            let unit = match unit_pair.as_str() {
                "seconds" => Unit::Seconds,
                "hours" => Unit::Hours,
                _ => Unit::Minutes,
            };
            let unit = Spanned::new(unit, l.span(&unit_pair));
            Expr { kind: ExprKind::As(Box::new(lhs), unit), span }
        })
        .map_infix(|lhs, op, rhs| {
            let op = match op.as_rule() {
                Rule::op_or => BinaryOp::Or,
                Rule::op_and => BinaryOp::And,
                Rule::op_eq => BinaryOp::Eq,
                Rule::op_ne => BinaryOp::Ne,
                Rule::op_lt => BinaryOp::Lt,
                Rule::op_le => BinaryOp::Le,
                Rule::op_gt => BinaryOp::Gt,
                Rule::op_ge => BinaryOp::Ge,
                Rule::op_add => BinaryOp::Add,
                Rule::op_sub => BinaryOp::Sub,
                Rule::op_mul => BinaryOp::Mul,
                _ => BinaryOp::Div,
            };
            let span = lhs.span.to(rhs.span);
            Expr { kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span }
        })
        .parse(pairs)
}

fn primary(lw: &mut Lowerer, p: Pair<Rule>) -> Expr {
    let span = lw.span(&p);
    let kind = match p.as_rule() {
        Rule::expr => return expr(lw, p),
        Rule::int => match p.as_str().parse::<i64>() {
            Ok(v) => ExprKind::Int(v),
            Err(_) => {
                lw.diagnostics.push(
                    Diagnostic::new(Code::BadLiteral, span, "this number is too large")
                        .with_help("integers must fit in 64 bits"),
                );
                ExprKind::Int(0)
            }
        },
        Rule::boolean => ExprKind::Bool(p.as_str() == "true"),
        Rule::duration => ExprKind::Duration(duration_seconds(lw, p.as_str(), span)),
        Rule::datetime => ExprKind::DateTime(datetime(lw, p.as_str(), span)),
        Rule::date => {
            lw.diagnostics.push(
                Diagnostic::new(Code::BadLiteral, span, "a date alone is not a value")
                    .with_label("date without a time")
                    .with_help(format!("write a date and time: `{}T00:00`", p.as_str())),
            );
            ExprKind::DateTime(datetime(lw, &format!("{}T00:00", p.as_str()), span))
        }
        Rule::phone => ExprKind::Phone(p.as_str().to_string()),
        Rule::string => return string(lw, p),
        Rule::func_call => {
            let mut it = p.into_inner();
            let func = ident(lw, it.next().expect("function name"));
            let args = it.map(|a| expr(lw, a)).collect();
            ExprKind::Call { func, args }
        }
        _ => ExprKind::Path(path(lw, p)),
    };
    Expr { kind, span }
}

pub(super) fn path(lw: &mut Lowerer, p: Pair<Rule>) -> Path {
    let span = lw.span(&p);
    let mut segments = Vec::new();
    let mut index = None;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::ident => segments.push(ident(lw, c)),
            _ => index = Some(Box::new(expr(lw, c))),
        }
    }
    Path::new(segments, index, span)
}

pub(super) fn string(lw: &mut Lowerer, p: Pair<Rule>) -> Expr {
    let span = lw.span(&p);
    let mut parts: Vec<StrPart> = Vec::new();
    let mut text = String::new();
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::str_text => text.push_str(c.as_str()),
            Rule::str_escape => match &c.as_str()[1..] {
                "n" => text.push('\n'),
                "t" => text.push('\t'),
                other => text.push_str(other),
            },
            _ => {
                if !text.is_empty() {
                    parts.push(StrPart::Text(std::mem::take(&mut text)));
                }
                let e = c.into_inner().next().expect("interpolated expr");
                parts.push(StrPart::Expr(expr(lw, e)));
            }
        }
    }
    if !text.is_empty() || parts.is_empty() {
        parts.push(StrPart::Text(text));
    }
    Expr { kind: ExprKind::Str(parts), span }
}

/// `1h30m` → 5400, through the one duration grammar ([`crate::time`]); milliseconds round up to
/// whole seconds. The pest rule already admits only digits and units, so the one error left is
/// a duration too long to count.
fn duration_seconds(lw: &mut Lowerer, s: &str, span: crate::source::Span) -> i64 {
    crate::time::parse_duration_secs(s).unwrap_or_else(|why| {
        lw.diagnostics.push(Diagnostic::new(
            Code::BadLiteral,
            span,
            format!("this duration cannot be read: {why}"),
        ));
        0
    })
}

fn datetime(lw: &mut Lowerer, s: &str, span: crate::source::Span) -> chrono::NaiveDateTime {
    let fmt = if s.len() > 16 { "%Y-%m-%dT%H:%M:%S" } else { "%Y-%m-%dT%H:%M" };
    chrono::NaiveDateTime::parse_from_str(s, fmt).unwrap_or_else(|_| {
        lw.diagnostics.push(
            Diagnostic::new(Code::BadDate, span, format!("`{s}` is not a real date and time"))
                .with_label("no such date or time")
                .with_help("write YYYY-MM-DDTHH:MM with a real day of the month and a 24-hour time"),
        );
        chrono::NaiveDateTime::default()
    })
}
