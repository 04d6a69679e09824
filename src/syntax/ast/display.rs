//! Printing expressions back as flow text, for graph labels, traces and messages.

use super::{BinaryOp, Expr, ExprKind, Path, StrPart, UnaryOp, Unit};
use crate::time::format_duration;
use std::fmt;

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        if let Some(ix) = &self.index {
            write!(f, "[{ix}]")?;
        }
        Ok(())
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Str(parts) => {
                f.write_str("\"")?;
                for p in parts {
                    match p {
                        StrPart::Text(t) => {
                            f.write_str(&t.replace('\\', "\\\\").replace('"', "\\\"").replace('{', "\\{"))?
                        }
                        StrPart::Expr(e) => write!(f, "{{{e}}}")?,
                    }
                }
                f.write_str("\"")
            }
            ExprKind::Int(i) => write!(f, "{i}"),
            ExprKind::Bool(b) => write!(f, "{b}"),
            ExprKind::Duration(s) => f.write_str(&format_duration(*s)),
            ExprKind::DateTime(dt) => write!(f, "{}", dt.format("%Y-%m-%dT%H:%M")),
            ExprKind::Phone(p) => f.write_str(p),
            ExprKind::Path(p) => write!(f, "{p}"),
            ExprKind::Call { func, args } => {
                write!(f, "{}(", func.name)?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
            // Parentheses exactly where the parser needs them (see `precedence`), so printing
            // and parsing again gives the same tree; `not` keeps them around any operator, for
            // the reader.
            ExprKind::Unary(UnaryOp::Not, e) => {
                let wrap = matches!(e.kind, ExprKind::Binary(..)) || precedence(e) < NOT;
                write!(f, "not ")?;
                parenthesized(f, e, wrap)
            }
            ExprKind::Unary(UnaryOp::Neg, e) => {
                f.write_str("-")?;
                parenthesized(f, e, precedence(e) <= NEG)
            }
            ExprKind::Binary(op, l, r) => {
                let p = precedence(self);
                // Left-associative: a left operand may share the level, a right one may not.
                parenthesized(f, l, precedence(l) < p)?;
                write!(f, " {} ", op_symbol(*op))?;
                parenthesized(f, r, precedence(r) <= p)
            }
            ExprKind::As(e, unit) => {
                let u = match unit.node {
                    Unit::Seconds => "seconds",
                    Unit::Minutes => "minutes",
                    Unit::Hours => "hours",
                };
                parenthesized(f, e, precedence(e) < AS)?;
                write!(f, " as {u}")
            }
        }
    }
}

// Binding strength, loosest first, as the parser's precedence climber has it
// (src/syntax/lower/expr.rs): or, and, `not`, comparisons, + -, * /, unary -, `as`, then atoms.
const NOT: u8 = 3;
const NEG: u8 = 7;
const AS: u8 = 8;

fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, ..) => match op {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div => 6,
        },
        ExprKind::Unary(UnaryOp::Not, _) => NOT,
        ExprKind::Unary(UnaryOp::Neg, _) => NEG,
        ExprKind::As(..) => AS,
        // A negative literal prints with a sign, so it sits where a unary minus would.
        ExprKind::Int(i) if *i < 0 => NEG,
        ExprKind::Duration(d) if *d < 0 => NEG,
        _ => 9,
    }
}

fn parenthesized(f: &mut fmt::Formatter<'_>, e: &Expr, wrap: bool) -> fmt::Result {
    if wrap { write!(f, "({e})") } else { write!(f, "{e}") }
}

fn op_symbol(op: BinaryOp) -> &'static str {
    op.symbol()
}
