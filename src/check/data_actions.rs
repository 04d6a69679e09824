//! Data actions: their declarations (a request, typed outputs read by JSON Pointer, a timeout,
//! templates naming only inputs and `env.NAME`) and each `call data` (the inputs given, the
//! outputs stored in `Flow.`/`Task.` variables), all under E1001.

use super::Type;
use super::flow_checker::FlowChecker;
use super::symbols::output_type;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{Span, suggest::help_for};
use crate::syntax::ast::{CallData, DataAction, Expr, ExprKind, StrPart};
use crate::time::format_duration;

fn bad(span: Span, message: impl Into<String>, label: &str) -> Diagnostic {
    Diagnostic::new(Code::BadDataAction, span, message).with_label(label)
}

/// Checks one declaration.
pub(super) fn check_declaration(a: &DataAction, diags: &mut Vec<Diagnostic>) {
    let name = &a.name.name;
    match &a.request {
        None => diags.push(
            bad(a.name.span, format!("data action `{name}` has no request"), "no request line").with_help(
                "add the method and URL: `get \"https://crm.example.com/customers?phone={phone}\"`",
            ),
        ),
        Some((_, url)) => {
            let starts_http = match &url.kind {
                ExprKind::Str(parts) => match parts.first() {
                    Some(StrPart::Text(t)) => t.starts_with("https://") || t.starts_with("http://"),
                    // The base URL from the environment (`{env.CRM_URL}/customers`).
                    Some(StrPart::Expr(x)) => {
                        matches!(&x.kind, ExprKind::Path(p) if p.segments.len() == 2 && p.segments[0].name == "env")
                    }
                    _ => false,
                },
                _ => false,
            };
            if !starts_http {
                diags.push(
                    bad(
                        url.span,
                        format!("the URL of `{name}` does not start with https://, http:// or {{env.NAME}}"),
                        "not a URL",
                    )
                    .with_help("write the whole URL; only its path and query may have `{input}` parts"),
                );
            }
            template(a, url, diags);
        }
    }
    for (_, value) in &a.headers {
        template(a, value, diags);
    }
    if let Some(body) = &a.body {
        template(a, body, diags);
    }
    let mut seen: Vec<(&str, Span)> = Vec::new();
    let names = a
        .inputs
        .iter()
        .map(|i| (&i.name, i.span, "input"))
        .chain(a.outputs.iter().map(|o| (&o.name.name, o.name.span, "output")));
    for (n, span, what) in names {
        if let Some((_, first)) = seen.iter().find(|(s, _)| *s == n.as_str()) {
            diags.push(
                Diagnostic::new(Code::DuplicateName, span, format!("`{n}` is declared twice in `{name}`"))
                    .with_label(format!("this {what} again"))
                    .with_secondary(*first, "first here"),
            );
        } else {
            seen.push((n, span));
        }
    }
    for o in &a.outputs {
        if output_type(&o.ty.name).is_none() {
            diags.push(
                bad(o.ty.span, format!("`{}` is not a type an output can have", o.ty.name), "unknown type")
                    .with_help(help_for(&o.ty.name, "type", ["String", "Integer", "Boolean"])),
            );
        }
        let p = &o.pointer.value;
        if !p.is_empty() && !p.starts_with('/') {
            diags.push(
                bad(o.pointer.span, format!("\"{p}\" is not a JSON Pointer"), "a JSON Pointer starts with /")
                    .with_help(format!("write \"/{p}\" (RFC 6901: `/customer/name`, `/items/0/id`)")),
            );
        }
    }
    if let Some(t) = &a.timeout {
        match t.kind {
            ExprKind::Duration(secs) if (1..=60).contains(&secs) => {}
            ExprKind::Duration(secs) => diags.push(bad(
                t.span,
                format!("a timeout of {} is out of range", format_duration(secs)),
                "allowed: 1s to 60s",
            )),
            _ => diags.push(bad(t.span, "the timeout is a duration such as `3s`", "not a duration")),
        }
    }
}

/// A template may name only the action's inputs (`{phone}`) and secrets (`{env.CRM_TOKEN}`).
fn template(a: &DataAction, e: &Expr, diags: &mut Vec<Diagnostic>) {
    let ExprKind::Str(parts) = &e.kind else { return };
    for part in parts {
        let StrPart::Expr(x) = part else { continue };
        let ok = match &x.kind {
            ExprKind::Path(p) if p.index.is_none() => match p.segments.as_slice() {
                [one] => a.inputs.iter().any(|i| i.name == one.name),
                [root, _] => root.name == "env",
                _ => false,
            },
            _ => false,
        };
        if !ok {
            let inputs = a.inputs.iter().map(|i| i.name.as_str());
            diags.push(
                bad(
                    x.span,
                    format!("`{x}` is not an input of `{}` or `env.NAME`", a.name.name),
                    "not an input",
                )
                .with_help(format!(
                    "a template names the action's inputs and secrets from the environment; {}",
                    help_for(&x.to_string(), "input", inputs)
                )),
            );
        }
    }
}

impl FlowChecker<'_> {
    /// `call data Action with { … } into { … }`.
    pub(super) fn call_data(&mut self, c: &CallData) {
        let name = &c.action.name;
        let Some(sig) = self.symbols.data_actions.get(name).cloned() else {
            let known = self.symbols.data_actions.keys().map(String::as_str);
            let d = Diagnostic::new(Code::UnknownName, c.action.span, format!("no data action `{name}`"))
                .with_label("not declared")
                .with_help(format!(
                    "{} (declare it with `data action {name} {{ … }}`)",
                    help_for(name, "data action", known)
                ));
            self.diags.push(d);
            for (_, v) in &c.inputs {
                self.type_of(v);
            }
            return;
        };
        let mut given: Vec<&str> = Vec::new();
        for (k, v) in &c.inputs {
            self.type_of(v);
            if !sig.inputs.contains(&k.name) {
                self.diags.push(
                    bad(k.span, format!("`{name}` has no input `{}`", k.name), "not an input")
                        .with_help(help_for(&k.name, "input", sig.inputs.iter().map(String::as_str))),
                );
            } else if given.contains(&k.name.as_str()) {
                self.diags.push(bad(k.span, format!("the input `{}` is given twice", k.name), "given again"));
            } else {
                given.push(&k.name);
            }
        }
        let missing: Vec<&str> =
            sig.inputs.iter().map(String::as_str).filter(|i| !given.contains(i)).collect();
        if !missing.is_empty() {
            let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
            self.diags.push(
                bad(c.action.span, format!("`{name}` needs the input(s) {list}"), "inputs missing")
                    .with_help(format!("give them: `with {{ {}: … }}`", missing[0])),
            );
        }
        for (target, output) in &c.into {
            let dotted = target.dotted();
            let user = (dotted.starts_with("Flow.") || dotted.starts_with("Task."))
                && target.segments.len() == 2
                && target.index.is_none();
            let ty = match sig.outputs.iter().find(|(o, _)| *o == output.name) {
                Some((_, t)) => *t,
                None => {
                    self.diags.push(
                        bad(
                            output.span,
                            format!("`{name}` has no output `{}`", output.name),
                            "not an output",
                        )
                        .with_help(help_for(
                            &output.name,
                            "output",
                            sig.outputs.iter().map(|(o, _)| o.as_str()),
                        )),
                    );
                    Type::Unknown
                }
            };
            if user {
                self.record_var(&dotted, ty, target.span, output.span);
            } else {
                self.diags.push(
                    bad(
                        target.span,
                        format!("an output goes into a `Flow.` or `Task.` variable, not `{dotted}`"),
                        "not a flow variable",
                    )
                    .with_help(format!("write `Task.{} = {}`", output.name, output.name)),
                );
            }
        }
        if let Some(b) = &c.on_failure {
            self.block(b);
        }
        if let Some(b) = &c.on_timeout {
            self.block(b);
        }
    }
}
