//! Typing expressions.

use super::Type;
use super::builtins::{self, Param};
use super::flow_checker::FlowChecker;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::suggest::help_for;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Path, StrPart, UnaryOp};

impl FlowChecker<'_> {
    /// The type of an expression, reporting every problem inside it.
    pub(super) fn type_of(&mut self, e: &Expr) -> Type {
        match &e.kind {
            ExprKind::Str(parts) => {
                for p in parts {
                    if let StrPart::Expr(inner) = p {
                        self.type_of(inner);
                    }
                }
                Type::String
            }
            ExprKind::Int(_) => Type::Integer,
            ExprKind::Bool(_) => Type::Boolean,
            ExprKind::Duration(_) => Type::Duration,
            ExprKind::DateTime(_) => Type::DateTime,
            ExprKind::Phone(p) => {
                super::callback::check_phone(p, e.span, self.diags);
                Type::PhoneNumber
            }
            ExprKind::Path(p) => self.path_type(p, false),
            ExprKind::Call { func, args } => self.call_type(func, args, e),
            ExprKind::Unary(op, inner) => {
                let t = self.type_of(inner);
                let (want, name): (&[Type], _) = match op {
                    UnaryOp::Not => (&[Type::Boolean], "not"),
                    UnaryOp::Neg => (&[Type::Integer, Type::Duration], "-"),
                };
                if t != Type::Unknown && !want.contains(&t) {
                    self.mismatch(inner, t, &format!("`{name}` needs {}", list(want)));
                    return Type::Unknown;
                }
                t
            }
            ExprKind::Binary(op, l, r) => self.binary_type(*op, l, r, e),
            ExprKind::As(inner, unit) => {
                let t = self.type_of(inner);
                if !t.compatible(Type::Duration) {
                    let _ = unit;
                    self.mismatch(inner, t, "`as seconds|minutes|hours` converts a Duration");
                }
                Type::Integer
            }
        }
    }

    /// Reports an expression of the wrong type.
    pub(super) fn mismatch(&mut self, e: &Expr, found: Type, what: &str) {
        self.diags.push(
            Diagnostic::new(Code::TypeMismatch, e.span, format!("{what}, but this is {}", found.a()))
                .with_label(format!("{found}")),
        );
    }

    /// Checks that `e` has type `want`; returns its type.
    pub(super) fn expect(&mut self, e: &Expr, want: Type, context: &str) -> Type {
        let t = self.type_of(e);
        if !t.compatible(want) {
            let mut d = Diagnostic::new(
                Code::TypeMismatch,
                e.span,
                format!("{context} must be {}, but this is {}", want.a(), t.a()),
            )
            .with_label(format!("expected {want}"));
            if want == Type::String {
                d = d.with_help(format!("put the value inside a text: \"{{{e}}}\""));
            } else if want == Type::Duration && t == Type::Integer {
                d = d.with_help("write a duration with its unit: `30s`, `5m`, `1h`");
            }
            self.diags.push(d);
        }
        t
    }

    pub(super) fn path_type(&mut self, p: &Path, for_write: bool) -> Type {
        let dotted = p.dotted();
        if let Some(ix) = &p.index {
            if dotted == "Call.Data" {
                self.expect(ix, Type::String, "a `Call.Data` key");
                return Type::String;
            }
            self.diags.push(
                Diagnostic::new(Code::UnknownVariable, p.span, format!("`{dotted}` cannot be indexed"))
                    .with_label("only `Call.Data[\"key\"]` takes an index"),
            );
            return Type::Unknown;
        }
        if let Some((t, settable)) = builtins::variable(&dotted) {
            if for_write && !settable {
                self.diags.push(
                    Diagnostic::new(Code::ReadOnly, p.span, format!("`{dotted}` cannot be set"))
                        .with_label("read-only built-in")
                        .with_help("flows may set `Call.Priority`, `Call.Language`, `Call.Skills`, `Call.Data[\"key\"]`, and their own `Flow.` and `Task.` variables"),
                );
            }
            return t;
        }
        let root = p.segments[0].name.as_str();
        let user_scope = (root == "Flow" || root == "Task") && p.segments.len() == 2;
        if user_scope {
            if let Some((t, _)) = self.vars.get(&dotted) {
                return *t;
            }
            if for_write || self.assigned.contains(&dotted) {
                return Type::Unknown;
            }
        }
        let candidates: Vec<&str> =
            builtins::VARIABLES.iter().map(|v| v.0).chain(self.assigned.iter().map(String::as_str)).collect();
        let help = if user_scope {
            format!(
                "{} (a `Flow.` or `Task.` variable exists once a `set` or `ask` assigns it)",
                help_for(&dotted, "variable", candidates)
            )
        } else {
            help_for(&dotted, "variable", candidates)
        };
        self.diags.push(
            Diagnostic::new(Code::UnknownVariable, p.span, format!("unknown variable `{dotted}`"))
                .with_label("not defined")
                .with_help(help),
        );
        Type::Unknown
    }

    fn call_type(&mut self, func: &crate::syntax::ast::Ident, args: &[Expr], e: &Expr) -> Type {
        let Some((params, result)) = builtins::function(&func.name) else {
            let help = help_for(&func.name, "function", builtins::FUNCTIONS.iter().map(|f| f.0));
            self.diags.push(
                Diagnostic::new(
                    Code::UnknownFunction,
                    func.span,
                    format!("unknown function `{}`", func.name),
                )
                .with_label("not a function")
                .with_help(help),
            );
            // Bare names are probably schedules or queues meant for the real function.
            for a in args {
                let bare = matches!(&a.kind, ExprKind::Path(p) if p.segments.len() == 1 && p.index.is_none());
                if !bare {
                    self.type_of(a);
                }
            }
            return Type::Unknown;
        };
        if params.len() != args.len() {
            self.diags.push(
                Diagnostic::new(
                    Code::UnknownFunction,
                    e.span,
                    format!(
                        "`{}` takes {} argument{}, but {} {} given",
                        func.name,
                        params.len(),
                        if params.len() == 1 { "" } else { "s" },
                        args.len(),
                        if args.len() == 1 { "was" } else { "were" }
                    ),
                )
                .with_label("wrong number of arguments"),
            );
            return result;
        }
        for (param, arg) in params.iter().zip(args) {
            match param {
                Param::Any => {
                    self.type_of(arg);
                }
                Param::Value(t) => {
                    self.expect(arg, *t, &format!("the argument of `{}`", func.name));
                }
                Param::Schedule => self.named_arg(arg, "schedule", &func.name),
                Param::Queue => self.named_arg(arg, "queue", &func.name),
                Param::Switch => self.named_arg(arg, "switch", &func.name),
                Param::Prompt => {
                    self.named_arg(arg, "prompt", &func.name);
                    self.prompt_in_flow_languages(arg);
                }
            }
        }
        // Literal arguments that can be judged now: a pattern, a zone.
        let literal = |a: &Expr| match &a.kind {
            ExprKind::Str(parts) => match parts.as_slice() {
                [crate::syntax::ast::StrPart::Text(t)] => Some(t.clone()),
                [] => Some(String::new()),
                _ => None,
            },
            _ => None,
        };
        match (func.name.as_str(), args) {
            ("matches", [_, p]) => {
                // `"\\d{4}"` reads `{4}` as an interpolation: almost surely a quantifier.
                if let ExprKind::Str(parts) = &p.kind
                    && let Some(x) = parts.iter().find_map(|part| match part {
                        crate::syntax::ast::StrPart::Expr(x) if matches!(x.kind, ExprKind::Int(_)) => Some(x),
                        _ => None,
                    })
                {
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnknownFunction,
                            x.span,
                            format!("`{{{x}}}` in a pattern is read as an interpolation"),
                        )
                        .with_label("a quantifier?")
                        .with_help(format!(
                            "write `\\{{{x}\\}}` for the quantifier (braces in any text are escaped)"
                        )),
                    );
                }
                if let Some(pattern) = literal(p)
                    && let Err(err) = regex::Regex::new(&pattern)
                {
                    let first = err.to_string().lines().last().unwrap_or_default().trim().to_string();
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnknownFunction,
                            p.span,
                            format!("`{pattern}` is not a regular expression"),
                        )
                        .with_label(first)
                        .with_help("write a pattern such as \"\\d{4}\" (four digits) or \"[A-Z]{2}\\d+\""),
                    );
                }
            }
            ("now_in", [z]) => {
                if let Some(zone) = literal(z) {
                    let zone = crate::syntax::ast::StrLit { value: zone, span: z.span };
                    super::schedules::check_zone(&zone, self.diags);
                }
            }
            _ => {}
        }
        result
    }

    /// `open(BusinessHours)`: the argument is the bare name of a schedule or queue.
    fn named_arg(&mut self, arg: &Expr, what: &str, func: &str) {
        let name = match &arg.kind {
            ExprKind::Path(p) if p.segments.len() == 1 && p.index.is_none() => &p.segments[0],
            _ => {
                self.diags.push(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        arg.span,
                        format!("`{func}` takes the name of a {what}"),
                    )
                    .with_label(format!("expected a {what} name")),
                );
                return;
            }
        };
        if what == "schedule" {
            if !self.symbols.schedules.contains_key(&name.name) {
                let help =
                    help_for(&name.name, "schedule", self.symbols.schedules.keys().map(String::as_str));
                self.diags.push(
                    Diagnostic::new(
                        Code::UnknownName,
                        name.span,
                        format!("unknown schedule `{}`", name.name),
                    )
                    .with_label("no schedule with this name")
                    .with_help(help),
                );
            }
        } else if what == "prompt" {
            if !self.symbols.prompts.contains_key(&name.name) {
                self.diags.push(
                    Diagnostic::new(Code::UnknownName, name.span, format!("unknown prompt `{}`", name.name))
                        .with_label("no prompt with this name")
                        .with_help(help_for(
                            &name.name,
                            "prompt",
                            self.symbols.prompts.keys().map(String::as_str),
                        )),
                );
            }
        } else if what == "switch" {
            let switches: Vec<&str> =
                self.center.iter().flat_map(|c| c.switches.iter().map(|s| s.0.as_str())).collect();
            if !switches.contains(&name.name.as_str()) {
                self.diags.push(
                    Diagnostic::new(Code::UnknownName, name.span, format!("unknown switch `{}`", name.name))
                        .with_label("not in center.yaml's `switches`")
                        .with_help(format!(
                            "{} (declare it: `switches: {{ {}: false }}`)",
                            help_for(&name.name, "switch", switches.iter().copied()),
                            name.name
                        )),
                );
            }
        } else {
            self.check_queue(name);
        }
    }

    fn binary_type(&mut self, op: BinaryOp, l: &Expr, r: &Expr, e: &Expr) -> Type {
        use Type::*;
        let lt = self.type_of(l);
        let rt = self.type_of(r);
        if lt == Unknown || rt == Unknown {
            return match op {
                BinaryOp::Or
                | BinaryOp::And
                | BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::Lt
                | BinaryOp::Le
                | BinaryOp::Gt
                | BinaryOp::Ge => Boolean,
                _ => Unknown,
            };
        }
        let result = match op {
            BinaryOp::Or | BinaryOp::And => (lt == Boolean && rt == Boolean).then_some(Boolean),
            BinaryOp::Eq | BinaryOp::Ne => lt.compatible(rt).then_some(Boolean),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                (lt == rt && matches!(lt, Integer | Duration | DateTime)).then_some(Boolean)
            }
            BinaryOp::Add => match (lt, rt) {
                (Integer, Integer) => Some(Integer),
                (Duration, Duration) => Some(Duration),
                (DateTime, Duration) | (Duration, DateTime) => Some(DateTime),
                (String, String) => Some(String),
                _ => None,
            },
            BinaryOp::Sub => match (lt, rt) {
                (Integer, Integer) => Some(Integer),
                (Duration, Duration) => Some(Duration),
                (DateTime, Duration) => Some(DateTime),
                (DateTime, DateTime) => Some(Duration),
                _ => None,
            },
            BinaryOp::Mul => match (lt, rt) {
                (Integer, Integer) => Some(Integer),
                (Duration, Integer) | (Integer, Duration) => Some(Duration),
                _ => None,
            },
            BinaryOp::Div => match (lt, rt) {
                (Integer, Integer) => Some(Integer),
                (Duration, Integer) => Some(Duration),
                _ => None,
            },
        };
        result.unwrap_or_else(|| {
            self.diags.push(
                Diagnostic::new(
                    Code::TypeMismatch,
                    e.span,
                    format!("`{}` cannot combine {} and {}", op.symbol(), lt.a(), rt.a()),
                )
                .with_label(format!("{lt} {} {rt}", op.symbol()))
                .with_help(binary_help(op)),
            );
            Unknown
        })
    }
}

fn binary_help(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Or | BinaryOp::And => "`and` and `or` join two conditions (Booleans)",
        BinaryOp::Eq | BinaryOp::Ne => "compare values of the same type",
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            "order comparisons work on two Integers, two Durations or two DateTimes"
        }
        _ => "arithmetic works on Integers, on Durations (times an Integer), and on DateTime ± Duration",
    }
}

fn list(ts: &[Type]) -> String {
    ts.iter().map(|t| t.a()).collect::<Vec<_>>().join(" or ")
}
