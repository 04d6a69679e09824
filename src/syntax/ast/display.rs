//! Printing expressions back as flow text, for graph labels, traces and messages.

use super::{BinaryOp, Expr, ExprKind, Path, StrPart, UnaryOp, Unit};
use crate::time::format_duration;
use std::fmt;

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.dotted())?;
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
            ExprKind::Unary(UnaryOp::Not, e) => write!(f, "not {e}"),
            ExprKind::Unary(UnaryOp::Neg, e) => write!(f, "-{e}"),
            ExprKind::Binary(op, l, r) => {
                let wrap = |e: &Expr| matches!(e.kind, ExprKind::Binary(..));
                let (lo, lc) = if wrap(l) { ("(", ")") } else { ("", "") };
                let (ro, rc) = if wrap(r) { ("(", ")") } else { ("", "") };
                write!(f, "{lo}{l}{lc} {} {ro}{r}{rc}", op_symbol(*op))
            }
            ExprKind::As(e, unit) => {
                let u = match unit.node {
                    Unit::Seconds => "seconds",
                    Unit::Minutes => "minutes",
                    Unit::Hours => "hours",
                };
                write!(f, "{e} as {u}")
            }
        }
    }
}

fn op_symbol(op: BinaryOp) -> &'static str {
    op.symbol()
}
