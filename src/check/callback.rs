//! Create Callback attributes: types, and the bounds of callback-rules.md when written as literals.

use super::Type;
use super::flow_checker::FlowChecker;
use super::schedules::check_zone;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::bounds;
use crate::source::Span;
use crate::syntax::ast::{CreateCallback, ExprKind, FlowKind};
use crate::time::format_duration;

/// Validates a phone-number literal as E.164.
pub fn check_phone(text: &str, span: Span, diags: &mut Vec<Diagnostic>) {
    let valid = phonenumber::parse(None, text).map(|n| phonenumber::is_valid(&n)).unwrap_or(false);
    if !valid {
        diags.push(
            Diagnostic::new(Code::BadPhoneNumber, span, format!("{text} is not a valid phone number"))
                .with_label("not a valid E.164 number")
                .with_help(
                    "write the full international number: + country code, then the number, e.g. +31201234567",
                ),
        );
    }
}

fn out_of_bounds(span: Span, message: String, allowed: String) -> Diagnostic {
    Diagnostic::new(Code::CallbackOutOfBounds, span, message)
        .with_label(format!("allowed: {allowed}"))
        .with_help("the bounds come from the reference products; see the callback rules in the README")
}

impl FlowChecker<'_> {
    pub(super) fn callback(&mut self, c: &CreateCallback, span: Span) {
        // Only an in-queue flow has a queue of its own (the caller's); elsewhere `run` would
        // refuse the callback, so `check` does.
        if c.queue.is_none() && self.flow.kind.node != FlowKind::Inqueue {
            self.diags.push(
                Diagnostic::new(
                    Code::CallbackWithoutQueue,
                    span,
                    format!(
                        "this callback has no queue: an {} flow is in no queue",
                        self.flow.kind.node.as_str()
                    ),
                )
                .with_label("no `queue`")
                .with_help("name the queue that will serve it: `create callback queue Support ...`"),
            );
        }
        if let Some(n) = &c.number {
            let t = self.type_of(n);
            if !t.compatible(Type::PhoneNumber) {
                self.mismatch(n, t, "the callback number must be a PhoneNumber or a String");
            }
        }
        if let Some(n) = &c.name {
            self.expect(n, Type::String, "the callee name");
        }
        if let Some(o) = &c.owner {
            self.expect(o, Type::String, "the owner (an agent's name)");
        }
        if let Some(q) = &c.queue {
            self.check_queue(q);
        }
        let queue_name = c.queue.as_ref().map(|q| q.name.as_str());
        let settings =
            self.center.zip(queue_name).and_then(|(center, q)| center.queue(q)).map(|q| &q.callback);
        if let Some(tz) = &c.timezone {
            check_zone(tz, self.diags);
        }
        if let Some(at) = &c.at {
            self.expect(at, Type::DateTime, "the callback time");
        }
        if let Some((start, end)) = &c.window {
            self.expect(start, Type::DateTime, "the window start");
            self.expect(end, Type::DateTime, "the window end");
            if let (ExprKind::DateTime(a), ExprKind::DateTime(b)) = (&start.kind, &end.kind) {
                let secs = (*b - *a).num_seconds();
                let min = settings.map_or(bounds::WINDOW_MIN_SECS, |s| s.window_min_secs);
                let max = settings.map_or(bounds::WINDOW_MAX_SECS, |s| s.window_max_secs);
                let span = start.span.to(end.span);
                if secs <= 0 {
                    self.diags.push(
                        Diagnostic::new(
                            Code::BadCallbackWindow,
                            span,
                            "the callback window ends before it starts",
                        )
                        .with_label("reversed window"),
                    );
                } else if secs < min || secs > max {
                    self.diags.push(
                        Diagnostic::new(
                            Code::BadCallbackWindow,
                            span,
                            format!("a callback window of {} is out of bounds", format_duration(secs)),
                        )
                        .with_label(format!("allowed: {} to {}", format_duration(min), format_duration(max)))
                        .with_help(
                            "a call-between window lasts at least 30 minutes and at most 8 hours (Webex)",
                        ),
                    );
                }
            }
        }
        if let (Some(at), Some(_)) = (&c.at, &c.window) {
            self.diags.push(
                Diagnostic::new(Code::BadCallbackWindow, at.span, "give either `at` or `window`, not both")
                    .with_label("conflicts with `window`")
                    .with_help("`at` asks for one time; `window A to B` for any time between A and B"),
            );
        }
        if let Some(a) = &c.attempts {
            self.expect(a, Type::Integer, "the number of attempts");
            if let ExprKind::Int(n) = a.kind
                && !(bounds::ATTEMPTS_MIN..=bounds::ATTEMPTS_MAX).contains(&n)
            {
                self.diags.push(out_of_bounds(
                    a.span,
                    format!("{n} attempts is out of bounds"),
                    format!("{} to {} dial attempts", bounds::ATTEMPTS_MIN, bounds::ATTEMPTS_MAX),
                ));
            }
        }
        if let Some(r) = &c.retry_every {
            self.expect(r, Type::Duration, "the retry interval");
            if let ExprKind::Duration(secs) = r.kind
                && !(1..=bounds::RETRY_INTERVAL_MAX_SECS).contains(&secs)
            {
                self.diags.push(out_of_bounds(
                    r.span,
                    format!("a retry interval of {} is out of bounds", format_duration(secs)),
                    "1s to 24h".into(),
                ));
            }
        }
        let mut keys: Vec<&crate::syntax::ast::Ident> = Vec::new();
        for (k, v) in &c.data {
            self.type_of(v);
            if let Some(first) = keys.iter().find(|x| x.name == k.name) {
                self.diags.push(super::symbols::duplicate("data key", &k.name, k.span, first.span));
            } else {
                keys.push(k);
            }
        }
    }
}
