//! Expressions.

use super::Ident;
use crate::source::{Span, Spanned};

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A string, possibly with `{expr}` parts.
    Str(Vec<StrPart>),
    Int(i64),
    Bool(bool),
    /// Whole seconds.
    Duration(i64),
    /// A local date-time without an offset; its zone comes from context (never read as UTC).
    DateTime(chrono::NaiveDateTime),
    /// As written (`+31201234567`); validated by the checker.
    Phone(String),
    Path(Path),
    Call {
        func: Ident,
        args: Vec<Expr>,
    },
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `Call.EstimatedWaitTime as minutes`
    As(Box<Expr>, Spanned<Unit>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum StrPart {
    Text(String),
    Expr(Expr),
}

/// `Call.Ani`, `Flow.Tries`, `Call.Data["ticket"]`, or a bare name such as `Now` or a schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub index: Option<Box<Expr>>,
    pub span: Span,
    /// The segments joined with dots, made once when the path is built: the interpreter looks a
    /// path up by this name on every step that reads it, and joining it there (then checking
    /// the joined bytes were UTF-8) was 2% of a large simulation. Nothing changes `segments`
    /// after [`Path::new`], which is the only way to build a path.
    dotted: Box<str>,
}

impl Path {
    pub fn new(segments: Vec<Ident>, index: Option<Box<Expr>>, span: Span) -> Path {
        let dotted = segments.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(".").into();
        Path { segments, index, span, dotted }
    }

    /// `Call.Ani` (without any index).
    pub fn dotted(&self) -> String {
        self.dotted.to_string()
    }

    /// [`dotted`](Self::dotted) without a copy.
    pub fn name(&self) -> &str {
        &self.dotted
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Seconds,
    Minutes,
    Hours,
}
