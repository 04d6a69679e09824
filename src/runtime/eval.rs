//! Evaluating expressions against a call.

use super::{CallContext, Value};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, StrPart, UnaryOp, Unit};
use crate::time::Micros;
use chrono::{Datelike, Timelike};
use std::fmt::Write;

/// What expressions may ask of the world outside the call.
pub trait World {
    fn schedule_open(&self, schedule: &str, ctx: &CallContext, now: Micros) -> bool;
    fn holiday(&self, schedule: &str, ctx: &CallContext, now: Micros) -> bool;
    fn agents_available(&self, queue: &str) -> i64;
    fn agents_staffed(&self, queue: &str) -> i64;
    fn calls_waiting(&self, queue: &str) -> i64;
    /// Whether a switch of center.yaml is on now.
    fn switched(&self, switch: &str) -> bool;
    /// A prompt resource's text in `language` (its first text when it has none in it).
    fn prompt(&self, prompt: &str, language: &str) -> String;
    /// The call's position in its queue and estimated wait, now (`None`: not known or not
    /// queued); read through [`CallContext::queue_facts`], which keeps them for the step.
    fn queue_facts(&self, ctx: &CallContext) -> (Option<u32>, Option<Micros>);
    /// A version of everything `queue_facts` reads besides the call's entry: facts worked out
    /// at the same version, for the same entry, are the same (`None`: no such version, so they
    /// are worked out whenever a step asks).
    fn facts_version(&self) -> Option<u64> {
        None
    }
}

/// Evaluates a checked expression. Type errors cannot happen after `check`; anything odd at run
/// time (division by zero, an unknown value) yields `Unknown`, which compares false.
pub fn eval(e: &Expr, ctx: &CallContext, now: Micros, world: &dyn World) -> Value {
    match &e.kind {
        ExprKind::Str(parts) => {
            if let [StrPart::Text(t)] = parts.as_slice() {
                return Value::Str(t.clone());
            }
            // Sized once for the text and a short value per interpolation: an announcement
            // grown push by push reallocated two or three times (2% of a large simulation).
            let room = parts
                .iter()
                .map(|p| match p {
                    StrPart::Text(t) => t.len(),
                    StrPart::Expr(_) => 16,
                })
                .sum();
            let mut s = String::with_capacity(room);
            for p in parts {
                match p {
                    StrPart::Text(t) => s.push_str(t),
                    // Text read where it is (the caller's number in "we will call you back at
                    // {Call.Ani}") is not copied out and back in.
                    StrPart::Expr(x) if let Some(t) = text_ref(x, ctx) => s.push_str(t),
                    StrPart::Expr(x) => match eval(x, ctx, now, world) {
                        Value::Str(t) | Value::Phone(t) => s.push_str(&t),
                        Value::Int(i) => push_int(&mut s, i),
                        // Written in place: the same text `to_string` gives, without a copy.
                        v => {
                            let _ = write!(s, "{v}");
                        }
                    },
                }
            }
            Value::Str(s)
        }
        ExprKind::Int(i) => Value::Int(*i),
        ExprKind::Bool(b) => Value::Bool(*b),
        ExprKind::Duration(s) => Value::Duration(*s),
        ExprKind::DateTime(dt) => Value::DateTime(*dt),
        ExprKind::Phone(p) => Value::Phone(p.clone()),
        ExprKind::Path(p) => {
            if let Some(ix) = &p.index {
                let value = match text_ref(ix, ctx) {
                    Some(key) => ctx.data().get(key),
                    None => ctx.data().get(&eval(ix, ctx, now, world).into_text()),
                };
                return Value::Str(value.cloned().unwrap_or_default());
            }
            builtin(p.name(), ctx, now, world)
        }
        ExprKind::Call { func, args } => call(&func.name, args, ctx, now, world),
        ExprKind::Unary(op, x) => match (op, eval(x, ctx, now, world)) {
            (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
            (UnaryOp::Not, Value::Unknown) => Value::Bool(true),
            (UnaryOp::Neg, Value::Int(i)) => i.checked_neg().map_or_else(|| overflow(ctx), Value::Int),
            (UnaryOp::Neg, Value::Duration(d)) => {
                d.checked_neg().map_or_else(|| overflow(ctx), Value::Duration)
            }
            _ => Value::Unknown,
        },
        ExprKind::Binary(op, l, r) => binary(*op, l, r, ctx, now, world),
        ExprKind::As(x, unit) => match eval(x, ctx, now, world) {
            // Rounded to the nearest unit, as an announcement would say it.
            Value::Duration(s) => match unit.node {
                Unit::Seconds => Some(s),
                Unit::Minutes => s.checked_add(30).map(|s| s.div_euclid(60)),
                Unit::Hours => s.checked_add(1800).map(|s| s.div_euclid(3600)),
            }
            .map_or_else(|| overflow(ctx), Value::Int),
            _ => Value::Unknown,
        },
    }
}

/// Arithmetic out of range: noted on the call (the interpreter takes the failure path) and
/// `Unknown`, never a wrapped number.
#[cold]
fn overflow(ctx: &CallContext) -> Value {
    ctx.fault.set(Some("arithmetic overflow"));
    Value::Unknown
}

/// A date-time moved by `secs` seconds, or an overflow past the calendar.
fn shift(ctx: &CallContext, t: chrono::NaiveDateTime, secs: i64) -> Value {
    match chrono::TimeDelta::try_seconds(secs).and_then(|d| t.checked_add_signed(d)) {
        Some(t) => Value::DateTime(t),
        None => {
            ctx.fault.set(Some("a date out of range"));
            Value::Unknown
        }
    }
}

/// Appends `i` in decimal, as `{i}` formats it, without the formatting machinery (announcements
/// interpolate numbers on every round of an in-queue flow).
fn push_int(s: &mut String, i: i64) {
    s.push_str(itoa::Buffer::new().format(i));
}

fn secs(m: Micros) -> i64 {
    m.div_euclid(1_000_000)
}

fn builtin(name: &str, ctx: &CallContext, now: Micros, world: &dyn World) -> Value {
    match name {
        "Call.Ani" => Value::Phone(ctx.spec.ani.clone()),
        "Call.Dnis" => Value::Phone(ctx.spec.dnis.to_string()),
        "Call.CallerName" => Value::Str(ctx.spec.caller_name.clone()),
        "Call.Id" => Value::Str(ctx.spec.id.to_string()),
        "Call.Queue" => Value::Str(ctx.queue.as_deref().unwrap_or("").to_string()),
        "Call.Priority" => Value::Int(ctx.priority),
        "Call.Skills" => Value::Str(ctx.skills.join(", ")),
        "Call.Language" => Value::Str(ctx.language.clone().unwrap_or_else(|| "en-US".into())),
        "Call.EstimatedWaitTime" => {
            ctx.queue_facts(world).1.map_or(Value::Unknown, |m| Value::Duration(secs(m)))
        }
        "Call.PositionInQueue" => ctx.queue_facts(world).0.map_or(Value::Unknown, |p| Value::Int(p as i64)),
        "Call.TimeInQueue" => ctx.enqueued_at.map_or(Value::Duration(0), |t| Value::Duration(secs(now - t))),
        "Call.AnsweringMachine" => Value::Bool(ctx.machine),
        "Flow.StartTime" => Value::DateTime(ctx.local_time(ctx.flow_started_at)),
        "Flow.Name" => Value::Str(ctx.flow_name.to_string()),
        "Flow.ErrorType" => Value::Str(ctx.error.as_ref().map_or("", |e| e.0).to_string()),
        "Flow.ErrorMessage" => Value::Str(ctx.error.as_ref().map_or("", |e| e.1.as_str()).to_string()),
        "Now" => Value::DateTime(ctx.local_time(now)),
        other => ctx.vars.get(other).cloned().unwrap_or(Value::Unknown),
    }
}

/// The text `e` evaluates to, borrowed, when it is text that needs no evaluating: a literal
/// string, `Call.Data` at a literal key (empty when it has none, as `eval` gives it), a `Task.`
/// variable holding text (no built-in is named `Task.`, so the variable is what `eval` reads),
/// or the caller's number or name (`builtin` reads them from the call as it arrived). `None`:
/// evaluate it.
fn text_ref<'a>(e: &'a Expr, ctx: &'a CallContext) -> Option<&'a str> {
    match &e.kind {
        ExprKind::Str(parts) => match parts.as_slice() {
            [StrPart::Text(t)] => Some(t),
            [] => Some(""),
            _ => None,
        },
        ExprKind::Path(p) => match &p.index {
            Some(ix) => text_ref(ix, ctx).map(|key| ctx.data().get(key).map_or("", String::as_str)),
            None if p.name().starts_with("Task.") => match ctx.vars.get(p.name()) {
                Some(Value::Str(t) | Value::Phone(t)) => Some(t),
                _ => None,
            },
            None => match p.name() {
                "Call.Ani" => Some(&ctx.spec.ani),
                "Call.CallerName" => Some(&ctx.spec.caller_name),
                _ => None,
            },
        },
        _ => None,
    }
}

fn bare_name(e: &Expr) -> &str {
    match &e.kind {
        ExprKind::Path(p) => p.segments.first().map_or("", |s| s.name.as_str()),
        _ => "",
    }
}

fn call(name: &str, args: &[Expr], ctx: &CallContext, now: Micros, world: &dyn World) -> Value {
    let arg = |i: usize| args.get(i).map_or(Value::Unknown, |a| eval(a, ctx, now, world));
    let text = |i: usize| match arg(i) {
        Value::Str(s) | Value::Phone(s) => Some(s),
        _ => None,
    };
    match name {
        "open" => Value::Bool(world.schedule_open(bare_name(&args[0]), ctx, now)),
        "holiday" => Value::Bool(world.holiday(bare_name(&args[0]), ctx, now)),
        "agents_available" => Value::Int(world.agents_available(bare_name(&args[0]))),
        "agents_staffed" => Value::Int(world.agents_staffed(bare_name(&args[0]))),
        "calls_waiting" => Value::Int(world.calls_waiting(bare_name(&args[0]))),
        "is_known" => Value::Bool(arg(0).is_known()),
        "switched" => Value::Bool(world.switched(bare_name(&args[0]))),
        "prompt" => Value::Str(world.prompt(bare_name(&args[0]), ctx.language.as_deref().unwrap_or("en-US"))),
        "len" => text(0).map_or(Value::Unknown, |s| Value::Int(s.chars().count() as i64)),
        "contains" => match (text(0), text(1)) {
            (Some(a), Some(b)) => Value::Bool(a.contains(&b)),
            _ => Value::Unknown,
        },
        "starts_with" => match (text(0), text(1)) {
            (Some(a), Some(b)) => Value::Bool(a.starts_with(&b)),
            _ => Value::Unknown,
        },
        "upper" => text(0).map_or(Value::Unknown, |s| Value::Str(s.to_uppercase())),
        "lower" => text(0).map_or(Value::Unknown, |s| Value::Str(s.to_lowercase())),
        "to_string" => Value::Str(arg(0).to_string()),
        "to_int" => Value::Int(text(0).and_then(|s| s.trim().parse().ok()).unwrap_or(0)),
        "phone" => text(0).map_or(Value::Unknown, Value::Phone),
        "hour" => match arg(0) {
            Value::DateTime(dt) => Value::Int(dt.hour() as i64),
            _ => Value::Unknown,
        },
        "weekday" => match arg(0) {
            Value::DateTime(dt) => Value::Int(dt.weekday().number_from_monday() as i64),
            _ => Value::Unknown,
        },
        "seconds" => arg(0).as_int().map_or(Value::Unknown, Value::Duration),
        "minutes" => arg(0)
            .as_int()
            .map_or(Value::Unknown, |m| m.checked_mul(60).map_or_else(|| overflow(ctx), Value::Duration)),
        "trim" => text(0).map_or(Value::Unknown, |s| Value::Str(s.trim().to_string())),
        "substring" => match (text(0), arg(1).as_int(), arg(2).as_int()) {
            (Some(t), Some(start), Some(n)) => {
                Value::Str(t.chars().skip(start.max(0) as usize).take(n.max(0) as usize).collect())
            }
            _ => Value::Unknown,
        },
        "replace" => match (text(0), text(1), text(2)) {
            (Some(t), Some(a), Some(b)) if !a.is_empty() => Value::Str(t.replace(&a, &b)),
            (Some(t), Some(_), Some(_)) => Value::Str(t),
            _ => Value::Unknown,
        },
        "ends_with" => match (text(0), text(1)) {
            (Some(a), Some(b)) => Value::Bool(a.ends_with(&b)),
            _ => Value::Unknown,
        },
        "matches" => match (text(0), text(1)) {
            // Anchored: the whole text must match, as input validation means it.
            (Some(t), Some(p)) => regex::Regex::new(&format!("^(?:{p})$"))
                .map_or(Value::Unknown, |r| Value::Bool(r.is_match(&t))),
            _ => Value::Unknown,
        },
        "luhn" => text(0).map_or(Value::Unknown, |t| Value::Bool(luhn(&t))),
        "digits" => {
            text(0).map_or(Value::Unknown, |t| Value::Str(t.chars().filter(char::is_ascii_digit).collect()))
        }
        "last" => match (text(0), arg(1).as_int()) {
            (Some(t), Some(n)) => {
                let count = t.chars().count();
                Value::Str(t.chars().skip(count.saturating_sub(n.max(0) as usize)).collect())
            }
            _ => Value::Unknown,
        },
        "now_utc" => Value::DateTime(ctx.utc(now)),
        "now_in" => match text(0).and_then(|z| z.parse::<chrono_tz::Tz>().ok()) {
            Some(tz) => {
                use chrono::TimeZone;
                Value::DateTime(tz.from_utc_datetime(&ctx.utc(now)).naive_local())
            }
            None => Value::Unknown,
        },
        "date_text" => match arg(0) {
            Value::DateTime(dt) => Value::Str(dt.format("%Y-%m-%d %H:%M").to_string()),
            _ => Value::Unknown,
        },
        "day_start" => match arg(0) {
            Value::DateTime(dt) => Value::DateTime(dt.date().and_time(chrono::NaiveTime::MIN)),
            _ => Value::Unknown,
        },
        "days_until" => match arg(0) {
            Value::DateTime(dt) => Value::Int((dt - ctx.local_time(now)).num_days()),
            _ => Value::Unknown,
        },
        _ => Value::Unknown,
    }
}

/// The Luhn check digit test: every second digit from the right doubled; the sum a multiple of 10.
/// Text that is not all digits (or has fewer than two) fails.
fn luhn(t: &str) -> bool {
    let digits: Vec<u32> = t.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() < 2 || digits.len() != t.chars().count() {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d })
        .sum();
    sum.is_multiple_of(10)
}

fn binary(op: BinaryOp, l: &Expr, r: &Expr, ctx: &CallContext, now: Micros, world: &dyn World) -> Value {
    use Value::*;
    // `and` / `or` short-circuit, so a guard can protect what follows it.
    match op {
        BinaryOp::And => {
            return Bool(eval(l, ctx, now, world).truthy() && eval(r, ctx, now, world).truthy());
        }
        BinaryOp::Or => {
            return Bool(eval(l, ctx, now, world).truthy() || eval(r, ctx, now, world).truthy());
        }
        _ => {}
    }
    // Text compared with text, read where it is rather than copied out (`Task.Choice == "1"`
    // every round of an in-queue flow, `Call.Data["reason"] == "support"` in every callback's
    // greeting): the answer `eval` would give, without an allocation per side.
    if matches!(op, BinaryOp::Eq | BinaryOp::Ne)
        && let (Some(x), Some(y)) = (text_ref(l, ctx), text_ref(r, ctx))
    {
        return Bool((x == y) == (op == BinaryOp::Eq));
    }
    let (a, b) = (eval(l, ctx, now, world), eval(r, ctx, now, world));
    if !a.is_known() || !b.is_known() {
        return match op {
            BinaryOp::Eq => Bool(a == b),
            BinaryOp::Ne => Bool(a != b),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => Bool(false),
            _ => Unknown,
        };
    }
    let ord = match (&a, &b) {
        (Int(x), Int(y)) => Some(x.cmp(y)),
        (Duration(x), Duration(y)) => Some(x.cmp(y)),
        (DateTime(x), DateTime(y)) => Some(x.cmp(y)),
        (Str(x) | Phone(x), Str(y) | Phone(y)) => Some(x.cmp(y)),
        (Bool(x), Bool(y)) => Some(x.cmp(y)),
        _ => None,
    };
    use std::cmp::Ordering::*;
    match op {
        BinaryOp::Eq => Bool(ord == Some(Equal)),
        BinaryOp::Ne => Bool(ord != Some(Equal)),
        BinaryOp::Lt => Bool(ord == Some(Less)),
        BinaryOp::Le => Bool(matches!(ord, Some(Less | Equal))),
        BinaryOp::Gt => Bool(ord == Some(Greater)),
        BinaryOp::Ge => Bool(matches!(ord, Some(Greater | Equal))),
        BinaryOp::Add => match (a, b) {
            (Int(x), Int(y)) => x.checked_add(y).map_or_else(|| overflow(ctx), Int),
            (Duration(x), Duration(y)) => x.checked_add(y).map_or_else(|| overflow(ctx), Duration),
            (DateTime(t), Duration(d)) | (Duration(d), DateTime(t)) => shift(ctx, t, d),
            (Str(x), Str(y)) => Str(x + &y),
            _ => Unknown,
        },
        BinaryOp::Sub => match (a, b) {
            (Int(x), Int(y)) => x.checked_sub(y).map_or_else(|| overflow(ctx), Int),
            (Duration(x), Duration(y)) => x.checked_sub(y).map_or_else(|| overflow(ctx), Duration),
            (DateTime(t), Duration(d)) => match d.checked_neg() {
                Some(d) => shift(ctx, t, d),
                None => overflow(ctx),
            },
            (DateTime(x), DateTime(y)) => Duration((x - y).num_seconds()),
            _ => Unknown,
        },
        BinaryOp::Mul => match (a, b) {
            (Int(x), Int(y)) => x.checked_mul(y).map_or_else(|| overflow(ctx), Int),
            (Duration(d), Int(n)) | (Int(n), Duration(d)) => {
                d.checked_mul(n).map_or_else(|| overflow(ctx), Duration)
            }
            _ => Unknown,
        },
        BinaryOp::Div => match (a, b) {
            (Int(_), Int(0)) | (Duration(_), Int(0)) => Unknown,
            (Int(x), Int(y)) => x.checked_div(y).map_or_else(|| overflow(ctx), Int),
            (Duration(d), Int(n)) => d.checked_div(n).map_or_else(|| overflow(ctx), Duration),
            _ => Unknown,
        },
        BinaryOp::And | BinaryOp::Or => unreachable!("handled above"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn integers_are_written_as_display_writes_them() {
        for i in [0, 1, 9, 10, -1, -10, 42, 1_000_000, i64::MAX, i64::MIN, i64::MIN + 1] {
            let mut s = String::from("x");
            super::push_int(&mut s, i);
            assert_eq!(s, format!("x{i}"));
        }
    }
}

#[cfg(test)]
mod text_ref_tests {
    use super::{CallContext, Value, eval};
    use crate::runtime::CallSpec;
    use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Ident, Path, StrPart};

    /// The test world: nothing open, nothing staffed (no operand here reads queue facts).
    use super::facts_cache_tests::Counting as TestWorld;

    fn e(kind: ExprKind) -> Expr {
        Expr { kind, span: Default::default() }
    }
    fn text(t: &str) -> Expr {
        e(ExprKind::Str(vec![StrPart::Text(t.into())]))
    }
    fn path(name: &str, index: Option<Expr>) -> Expr {
        let segments = name.split('.').map(|s| Ident { name: s.into(), span: Default::default() }).collect();
        e(ExprKind::Path(Path::new(segments, index.map(Box::new), Default::default())))
    }

    /// `==` and `!=` over text read in place give what comparing the evaluated values gives,
    /// for every pairing of literals, data keys present and absent, variables holding text, a
    /// number or nothing, and a built-in that is evaluated.
    #[test]
    fn comparing_text_in_place_agrees_with_evaluating_it() {
        let spec = CallSpec {
            id: 1,
            ani: "+31612345678".into(),
            ani_is_e164: true,
            dnis: "".into(),
            caller_name: "Ann".into(),
            start: chrono::TimeZone::from_utc_datetime(
                &chrono_tz::Tz::UTC,
                &chrono::NaiveDateTime::default(),
            ),
            data: [("reason".to_string(), "support".to_string())].into(),
        };
        let world = TestWorld::default();
        let mut ctx = CallContext::new(spec, 0);
        ctx.vars.insert("Task.Choice".into(), Value::Str("1".into()));
        ctx.vars.insert("Task.Tries".into(), Value::Int(1));
        let operands = || {
            vec![
                text("1"),
                text("support"),
                text(""),
                e(ExprKind::Str(vec![])),
                path("Call.Data", Some(text("reason"))),
                path("Call.Data", Some(text("missing"))),
                path("Task.Choice", None),
                path("Task.Tries", None),
                path("Task.Unset", None),
                path("Call.CallerName", None),
                path("Call.Ani", None),
                text("+31612345678"),
                text("Ann"),
                e(ExprKind::Int(1)),
            ]
        };
        for l in operands() {
            for r in operands() {
                for op in [BinaryOp::Eq, BinaryOp::Ne] {
                    let got = eval(
                        &e(ExprKind::Binary(op, Box::new(l.clone()), Box::new(r.clone()))),
                        &ctx,
                        0,
                        &world,
                    );
                    // The general path: the same comparison between the two evaluated values.
                    let (a, b) = (eval(&l, &ctx, 0, &world), eval(&r, &ctx, 0, &world));
                    let equal = match (&a, &b) {
                        (Value::Str(x) | Value::Phone(x), Value::Str(y) | Value::Phone(y)) => x == y,
                        _ => a == b,
                    };
                    assert_eq!(got, Value::Bool(equal == (op == BinaryOp::Eq)), "{l:?} {op:?} {r:?}");
                }
            }
        }
        // Interpolated, each operand gives the text its evaluated value writes.
        for x in operands() {
            let written = match eval(&x, &ctx, 0, &world) {
                Value::Str(t) | Value::Phone(t) => t,
                v => v.to_string(),
            };
            let parts = vec![StrPart::Text("<".into()), StrPart::Expr(x.clone()), StrPart::Text(">".into())];
            let got = eval(&e(ExprKind::Str(parts)), &ctx, 0, &world);
            assert_eq!(got, Value::Str(format!("<{written}>")), "{x:?}");
        }
    }
}

#[cfg(test)]
mod function_tests {
    use super::luhn;

    #[test]
    fn luhn_accepts_valid_numbers_and_nothing_else() {
        for good in ["4111111111111111", "5500005555555559", "79927398713"] {
            assert!(luhn(good), "{good}");
        }
        for bad in ["4111111111111112", "1", "", "4111 1111 1111 1111", "79927398710"] {
            assert!(!luhn(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod facts_cache_tests {
    use super::{CallContext, Micros, World};
    use crate::acd::EntryId;
    use crate::runtime::CallSpec;
    use std::cell::Cell;

    /// A world whose facts are its count of `queue_facts` calls, at a version the test sets;
    /// otherwise nothing is open or staffed. The other test modules here use it too.
    #[derive(Default)]
    pub(super) struct Counting {
        asked: Cell<u32>,
        version: Option<u64>,
    }
    impl World for Counting {
        fn schedule_open(&self, _: &str, _: &CallContext, _: Micros) -> bool {
            false
        }
        fn holiday(&self, _: &str, _: &CallContext, _: Micros) -> bool {
            false
        }
        fn agents_available(&self, _: &str) -> i64 {
            0
        }
        fn agents_staffed(&self, _: &str) -> i64 {
            0
        }
        fn calls_waiting(&self, _: &str) -> i64 {
            0
        }
        fn switched(&self, _: &str) -> bool {
            false
        }
        fn prompt(&self, _: &str, _: &str) -> String {
            String::new()
        }
        fn queue_facts(&self, _: &CallContext) -> (Option<u32>, Option<Micros>) {
            self.asked.set(self.asked.get() + 1);
            (Some(self.asked.get()), None)
        }
        fn facts_version(&self) -> Option<u64> {
            self.version
        }
    }

    fn ctx() -> CallContext {
        let start =
            chrono::TimeZone::from_utc_datetime(&chrono_tz::Tz::UTC, &chrono::NaiveDateTime::default());
        let spec = CallSpec {
            id: 1,
            ani: String::new(),
            ani_is_e164: false,
            dnis: "".into(),
            caller_name: String::new(),
            start,
            data: Default::default(),
        };
        let mut ctx = CallContext::new(spec, 0);
        ctx.entry = Some(EntryId { slot: 0, generation: 0 });
        ctx
    }

    /// A stale step works the facts out again only when the world's version or the entry moved;
    /// a fresh step never does; a world without versions is asked at every stale step.
    #[test]
    fn stale_facts_are_worked_out_again_only_when_they_could_differ() {
        let mut ctx = ctx();
        let mut world = Counting { asked: Cell::new(0), version: Some(7) };
        let read = |ctx: &CallContext, world: &Counting, stale: bool| {
            ctx.facts_stale.set(stale);
            ctx.queue_facts(world).0
        };
        assert_eq!(read(&ctx, &world, true), Some(1), "first read");
        assert_eq!(read(&ctx, &world, true), Some(1), "same version, same entry");
        assert_eq!(read(&ctx, &world, false), Some(1), "not stale");
        world.version = Some(8);
        assert_eq!(read(&ctx, &world, false), Some(1), "not stale: kept, whatever the version");
        assert_eq!(read(&ctx, &world, true), Some(2), "a new version");
        ctx.entry = Some(EntryId { slot: 0, generation: 1 });
        assert_eq!(read(&ctx, &world, true), Some(3), "another entry");
        world.version = None;
        assert_eq!(read(&ctx, &world, true), Some(4), "no versions");
        assert_eq!(read(&ctx, &world, true), Some(5), "no versions, again");
    }

    /// The engine's version moves with every mutable borrow of its ACD, and only then.
    #[test]
    fn the_acd_version_counts_mutable_borrows() {
        let cell = crate::runtime::acd_cell::AcdCell::new(crate::acd::Acd::new());
        let v = cell.version();
        drop(cell.borrow());
        assert_eq!(cell.version(), v);
        cell.borrow_mut().add_queue("Q");
        assert_eq!(cell.version(), v + 1);
        assert_eq!(cell.borrow().queue_count(), 1);
    }
}
