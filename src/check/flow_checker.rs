//! Checking one flow's statements: kinds, names, menus, types.

use super::symbols::{Symbols, duplicate};
use super::{Type, kinds};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::bounds;
use crate::model::center::Center;
use crate::source::Span;
use crate::source::suggest::help_for;
use crate::syntax::ast::*;
use crate::time::format_duration;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(super) struct FlowChecker<'a> {
    pub flow: &'a Flow,
    pub symbols: &'a Symbols,
    pub center: Option<&'a Center>,
    /// User variables with the type of their first assignment.
    pub vars: HashMap<String, (Type, Span)>,
    /// Every user variable assigned anywhere in the flow (reads may come before, in source order).
    pub assigned: BTreeSet<String>,
    /// Variables filled by secure input (`ask … secure`, any ask of a secure flow): they may not
    /// be written whole into `Call.Data`, which agents, logs and other flows see.
    secret: BTreeSet<String>,
    pub tasks: BTreeMap<String, Span>,
    menus: HashMap<String, Span>,
    in_task: bool,
    pub diags: &'a mut Vec<Diagnostic>,
}

impl<'a> FlowChecker<'a> {
    pub fn new(
        flow: &'a Flow,
        symbols: &'a Symbols,
        center: Option<&'a Center>,
        diags: &'a mut Vec<Diagnostic>,
    ) -> Self {
        FlowChecker {
            flow,
            symbols,
            center,
            vars: HashMap::new(),
            assigned: BTreeSet::new(),
            secret: BTreeSet::new(),
            tasks: BTreeMap::new(),
            menus: HashMap::new(),
            in_task: false,
            diags,
        }
    }

    pub fn run(mut self) {
        let flow = self.flow;
        self.declared_languages();
        for task in &flow.tasks {
            if let Some(first) = self.tasks.get(&task.name.name) {
                let d = duplicate("task", &task.name.name, task.name.span, *first);
                let d = if let Some(key) = task.name.name.strip_prefix(KEY_HANDLER) {
                    Diagnostic::new(
                        Code::BadMenuChoice,
                        task.name.span,
                        format!("the key `{key}` has a second `on key` handler"),
                    )
                    .with_label("handled again here")
                    .with_secondary(*first, "first handled here")
                    .with_help("each key the caller may press at any time is handled once")
                } else if task.name.name == ERROR_HANDLER {
                    Diagnostic::new(
                        Code::DuplicateName,
                        task.name.span,
                        "the flow has a second `on error` handler",
                    )
                    .with_label("defined again here")
                    .with_secondary(*first, "first defined here")
                    .with_help("a flow has one error handler: merge them")
                } else {
                    d
                };
                self.diags.push(d);
            } else {
                self.tasks.insert(task.name.name.clone(), task.name.span);
            }
        }
        for task in &flow.tasks {
            let Some(key) = task.name.name.strip_prefix(KEY_HANDLER) else { continue };
            let one_key = key.len() == 1 && key.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#');
            if !one_key {
                self.diags.push(
                    Diagnostic::new(
                        Code::BadMenuChoice,
                        task.name.span,
                        format!("`{key}` is not a key on a phone"),
                    )
                    .with_label("`on key` takes one key")
                    .with_help("write `on key \"9\" { ... }` (0-9, \"*\" or \"#\")"),
                );
            }
        }
        let secure = flow.kind.node == FlowKind::Secure;
        collect_assigned(&flow.body, &mut self.assigned);
        collect_secret(&flow.body, secure, &mut self.secret);
        for t in &flow.tasks {
            collect_assigned(&t.body, &mut self.assigned);
            collect_secret(&t.body, secure, &mut self.secret);
        }
        self.block(&flow.body);
        self.in_task = true;
        for t in &flow.tasks {
            self.block(&t.body);
        }
    }

    pub(super) fn block(&mut self, b: &Block) {
        for s in &b.stmts {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        let kw = s.kind.keyword();
        if let Some(why) = kinds::not_allowed(kw, self.flow.kind.node) {
            let kinds = match kinds::allowed_kinds(kw).as_slice() {
                [] => String::new(),
                [one] => one.to_string(),
                [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            };
            self.diags.push(
                Diagnostic::new(
                    Code::ActionNotAllowed,
                    s.keyword_span(),
                    format!("`{kw}` is not allowed in an {} flow", self.flow.kind.node.as_str()),
                )
                .with_label(format!("not allowed in {} flows", self.flow.kind.node.as_str()))
                .with_secondary(self.flow.kind.span, "the flow's kind")
                .with_help(format!("`{kw}` is allowed in {kinds} flows: {why}")),
            );
        }
        match &s.kind {
            StmtKind::Play(e) => {
                self.expect(e, Type::String, "the text to play");
            }
            StmtKind::PlayEstimatedWait | StmtKind::PlayPosition | StmtKind::Disconnect => {}
            StmtKind::ConnectAgent | StmtKind::RetryLater => {}
            StmtKind::LeaveVoicemail(e) => {
                self.expect(e, Type::String, "the message to leave");
            }
            StmtKind::Menu(m) => self.menu(m),
            StmtKind::Ask(a) => self.ask(a),
            StmtKind::If(i) => {
                self.condition(&i.cond);
                self.block(&i.then);
                if let Some(b) = &i.otherwise {
                    self.block(b);
                }
            }
            StmtKind::Switch(sw) => {
                let t = self.type_of(&sw.subject);
                let mut seen: Vec<(String, Span)> = Vec::new();
                for case in &sw.cases {
                    for v in &case.values {
                        self.expect(v, t, "a case value");
                        let text = v.to_string();
                        if let Some((_, first)) = seen.iter().find(|(s, _)| *s == text) {
                            self.diags.push(
                                Diagnostic::new(
                                    Code::DuplicateName,
                                    v.span,
                                    format!("the case {text} is listed twice"),
                                )
                                .with_label("repeated case")
                                .with_secondary(*first, "first listed here")
                                .with_help("the first matching case wins, so this one can never run"),
                            );
                        } else {
                            seen.push((text, v.span));
                        }
                    }
                    self.block(&case.body);
                }
                if let Some(b) = &sw.default {
                    self.block(b);
                }
            }
            StmtKind::Set { target, value } => self.assign(target, value),
            StmtKind::Transfer(t) => self.transfer(t),
            StmtKind::TransferOut(t) => self.transfer_out(t),
            StmtKind::CallData(c) => self.call_data(c),
            StmtKind::Lookup(l) => self.lookup(l),
            StmtKind::CreateCallback(c) => {
                self.callback(c, s.span);
                if let Some(b) = &c.on_failure {
                    self.block(b);
                }
            }
            StmtKind::Hold(e, _) => {
                self.expect(e, Type::Duration, "the hold time");
                if let ExprKind::Duration(secs) = e.kind
                    && secs <= 0
                {
                    self.diags.push(
                        Diagnostic::new(Code::BadPromptSetting, e.span, "a hold must last longer than 0s")
                            .with_label("no time passes"),
                    );
                }
            }
            StmtKind::Call(t) | StmtKind::Jump(t) => self.task_ref(t),
            StmtKind::Return => {
                // A secure flow's `return` goes back to the flow that transferred to it.
                if !self.in_task && self.flow.kind.node != FlowKind::Secure {
                    self.diags.push(
                        Diagnostic::new(Code::ReturnOutsideTask, s.span, "`return` outside a task")
                            .with_label("the main body of a flow has nothing to return to")
                            .with_help("end the main body with `disconnect` or a transfer"),
                    );
                }
            }
        }
    }

    fn condition(&mut self, e: &Expr) {
        let t = self.type_of(e);
        if !t.compatible(Type::Boolean) {
            self.diags.push(
                Diagnostic::new(
                    Code::ConditionNotBoolean,
                    e.span,
                    format!("a condition must be a Boolean, but this is {}", t.a()),
                )
                .with_label("not true or false")
                .with_help("compare it: `Call.PositionInQueue > 5`, `Flow.Choice == \"1\"`"),
            );
        }
    }

    fn assign(&mut self, target: &Path, value: &Expr) {
        let vt = self.type_of(value);
        let tt = self.path_type(target, true);
        let dotted = target.dotted();
        let is_user = !dotted.starts_with("Call.") && crate::check::builtins::variable(&dotted).is_none();
        if is_user {
            self.record_var(&dotted, vt, target.span, value.span);
        } else if !vt.compatible(tt) {
            self.mismatch(value, vt, &format!("`{dotted}` holds {}", tt.a()));
        } else if dotted == "Call.Skills" && target.index.is_none() {
            self.check_skill_names(value);
        } else if dotted == "Call.Language" && target.index.is_none() {
            self.check_language_set(value);
        } else if dotted == "Call.Data" {
            self.check_no_secret(value);
        }
    }

    /// `languages "nl-NL" voice "Lotte", …`: tags shaped like language tags, each once, voices
    /// named.
    fn declared_languages(&mut self) {
        let mut seen: Vec<&crate::syntax::ast::StrLit> = Vec::new();
        for l in &self.flow.languages {
            if !crate::source::looks_like_language_tag(&l.tag.value) {
                self.diags.push(bad_language_tag(&l.tag));
            } else if let Some(first) = seen.iter().find(|s| s.value.eq_ignore_ascii_case(&l.tag.value)) {
                self.diags.push(duplicate("language of the flow", &l.tag.value, l.tag.span, first.span));
            } else {
                seen.push(&l.tag);
            }
            if let Some(v) = l.voice.as_ref().filter(|v| v.value.trim().is_empty()) {
                self.diags.push(
                    Diagnostic::new(Code::BadLanguage, v.span, "the voice has no name")
                        .with_label("empty voice")
                        .with_help("name the TTS voice (`voice \"Lotte\"`), or leave `voice` out"),
                );
            }
        }
    }

    /// `set Call.Language = "…"` written out, in a flow that declares its languages: one of them.
    fn check_language_set(&mut self, value: &Expr) {
        if self.flow.languages.is_empty() {
            return;
        }
        let ExprKind::Str(parts) = &value.kind else { return };
        let [StrPart::Text(tag)] = parts.as_slice() else { return };
        let declared = |l: &crate::syntax::ast::FlowLanguage| crate::source::same_language(&l.tag.value, tag);
        if !self.flow.languages.iter().any(declared) {
            let list: Vec<String> =
                self.flow.languages.iter().map(|l| format!("`{}`", l.tag.value)).collect();
            self.diags.push(
                Diagnostic::new(
                    Code::BadLanguage,
                    value.span,
                    format!("flow `{}` does not speak `{tag}`", self.flow.name.name),
                )
                .with_label("not one of the flow's languages")
                .with_help(format!("the flow declares {}; add `{tag}` to its `languages`", list.join(", "))),
            );
        }
    }

    /// `prompt(Name)` in a flow that declares its languages should have a text in each (W0703).
    pub(super) fn prompt_in_flow_languages(&mut self, arg: &Expr) {
        let ExprKind::Path(p) = &arg.kind else { return };
        let Some((_, texts)) = self.symbols.prompts.get(&p.dotted()) else { return };
        let missing: Vec<&str> = self
            .flow
            .languages
            .iter()
            .map(|l| l.tag.value.as_str())
            .filter(|tag| !texts.iter().any(|t| crate::source::same_language(t, tag)))
            .collect();
        if let Some(first) = missing.first() {
            self.diags.push(
                Diagnostic::new(
                    Code::PromptMissingLanguage,
                    arg.span,
                    format!(
                        "prompt `{}` has no text in {}, which flow `{}` speaks",
                        p.dotted(),
                        missing.join(", "),
                        self.flow.name.name
                    ),
                )
                .with_label("missing a language of the flow")
                .with_help(format!(
                    "add `\"{first}\": \"…\"` to the prompt; until then a caller in that language hears its first text"
                )),
            );
        }
    }

    /// A secret input written whole into `Call.Data` (where agents, logs and the calling flow
    /// would see it) is E0303; a value computed from it by a function (`last(Task.Card, 4)`,
    /// `luhn(Task.Card)`) is not the secret.
    fn check_no_secret(&mut self, value: &Expr) {
        fn bare_reads<'e>(e: &'e Expr, out: &mut Vec<&'e crate::syntax::ast::Path>) {
            match &e.kind {
                ExprKind::Path(p) => out.push(p),
                ExprKind::Str(parts) => {
                    for part in parts {
                        if let StrPart::Expr(x) = part {
                            bare_reads(x, out);
                        }
                    }
                }
                ExprKind::Unary(_, x) | ExprKind::As(x, _) => bare_reads(x, out),
                ExprKind::Binary(_, a, b) => {
                    bare_reads(a, out);
                    bare_reads(b, out);
                }
                _ => {}
            }
        }
        let mut reads = Vec::new();
        bare_reads(value, &mut reads);
        if let Some(p) = reads.into_iter().find(|p| self.secret.contains(&p.dotted())) {
            self.diags.push(
                Diagnostic::new(
                    Code::SecretLeaves,
                    p.span,
                    format!("`{}` holds secure input and would be kept in `Call.Data`", p.dotted()),
                )
                .with_label("secure input")
                .with_help("keep only what the rest of the call needs, e.g. `last(Task.Card, 4)` or the payment's result"),
            );
        }
    }

    /// Skills written out in `set Call.Skills = "…"` must be some agent's in center.yaml (a
    /// computed one is checked when the call runs: the flow's error handler gets it).
    fn check_skill_names(&mut self, value: &Expr) {
        let Some(center) = self.center.filter(|c| !c.agents.is_empty()) else { return };
        let ExprKind::Str(parts) = &value.kind else { return };
        let [StrPart::Text(text)] = parts.as_slice() else { return };
        let known: BTreeSet<&str> =
            center.agents.iter().flat_map(|a| a.skills.iter().map(String::as_str)).collect();
        for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !known.contains(name) {
                let help = help_for(name, "skill", known.iter().copied());
                self.diags.push(
                    Diagnostic::new(
                        Code::UnknownName,
                        value.span,
                        format!("no agent has the skill `{name}`"),
                    )
                    .with_label("unknown skill")
                    .with_help(help),
                );
            }
        }
    }

    pub(super) fn record_var(&mut self, name: &str, t: Type, target_span: Span, value_span: Span) {
        match self.vars.get(name) {
            Some((first, first_span)) if !first.compatible(t) => {
                let (first, first_span) = (*first, *first_span);
                self.diags.push(
                    Diagnostic::new(
                        Code::InconsistentVariable,
                        value_span,
                        format!("`{name}` was {}, and is set to {} here", first.a(), t.a()),
                    )
                    .with_label(t.a())
                    .with_secondary(first_span, format!("first set to {} here", first.a()))
                    .with_help("a variable keeps one type; use another variable"),
                );
            }
            Some(_) => {}
            None if t != Type::Unknown => {
                self.vars.insert(name.to_string(), (t, target_span));
            }
            None => {}
        }
    }

    fn task_ref(&mut self, t: &Ident) {
        if !self.tasks.contains_key(&t.name) {
            let help = help_for(
                &t.name,
                "task",
                self.tasks
                    .keys()
                    .map(String::as_str)
                    .filter(|k| *k != ERROR_HANDLER && !k.starts_with(KEY_HANDLER)),
            );
            self.diags.push(
                Diagnostic::new(Code::UnknownName, t.span, format!("unknown task `{}`", t.name))
                    .with_label("no task with this name in this flow")
                    .with_help(help),
            );
        }
    }

    /// An in-queue flow that transfers to a queue with itself as the in-queue flow (or with none,
    /// so it keeps running) puts the caller at the back of the line on every pass; after
    /// [`bounds::QUEUE_TRANSFERS_MAX`] transfers the transfer fails at run time, as in Genesys.
    fn requeue_loop(&mut self, t: &Transfer) {
        if self.flow.kind.node != FlowKind::Inqueue {
            return;
        }
        let again = t.inqueue_flow.as_ref().is_none_or(|f| f.name == self.flow.name.name);
        if again {
            self.diags.push(
                Diagnostic::new(
                    Code::RequeueLoop,
                    t.queue.span,
                    format!("`{}` transfers its caller into `{}` again, behind everyone waiting", self.flow.name.name, t.queue.name),
                )
                .with_label("re-enters a queue from its own in-queue flow")
                .with_help(format!(
                    "each pass loses the caller's place; after {} transfers it fails (take `on failure`). To keep the place, let the flow restart at its end instead",
                    bounds::QUEUE_TRANSFERS_MAX
                )),
            );
        }
    }

    /// With a roster in center.yaml, a transfer whose skills (with the queue's own) no member of
    /// the queue has would wait for ever.
    fn skills_nobody_has(&mut self, t: &Transfer) {
        let Some(center) = self.center else { return };
        let Some(queue) = center.queue(&t.queue.name) else { return };
        if center.agents.is_empty() {
            return;
        }
        let needed: Vec<&str> = t
            .skills
            .iter()
            .map(|s| s.value.as_str())
            .chain(queue.skills.iter().map(String::as_str))
            .collect();
        if needed.is_empty() {
            return;
        }
        let members = center.agents.iter().filter(|a| a.queues.is_empty() || a.queues.contains(&queue.name));
        let served = members.clone().any(|a| needed.iter().all(|n| a.skills.iter().any(|s| s == n)));
        if !served {
            let span = t.skills.first().map_or(t.queue.span, |s| s.span);
            let count = members.count();
            self.diags.push(
                Diagnostic::new(
                    Code::NoAgentHasSkills,
                    span,
                    format!(
                        "none of the {count} agents of `{}` has every skill of {}",
                        queue.name,
                        needed.join(", ")
                    ),
                )
                .with_label("no agent can take this call")
                .with_help("give an agent these skills in center.yaml, or check the skill's spelling"),
            );
        }
    }

    /// `preferred agent EXPR for D`: a text naming an agent (written out: one of center.yaml's,
    /// a member of the queue), for a duration within the bounds of a wait.
    fn preferred_agent(&mut self, t: &Transfer, agent: &Expr, period: Option<&Expr>) {
        self.expect(agent, Type::String, "the preferred agent");
        if let Some(p) = period {
            self.expect(p, Type::Duration, "how long the agent is preferred");
            if let ExprKind::Duration(secs) = p.kind
                && !(1..=bounds::PREFERRED_AGENT_MAX_SECS).contains(&secs)
            {
                self.diags.push(
                    Diagnostic::new(
                        Code::BadPromptSetting,
                        p.span,
                        "a preferred agent is waited for 1 s to 1 h",
                    )
                    .with_label(format!("{} is out of range", format_duration(secs)))
                    .with_help("after this time any agent of the queue may answer; `for 2m` is usual"),
                );
            }
        }
        self.check_agent_name(agent, Some(&t.queue.name));
    }

    /// An agent's name written out must be one of center.yaml's (and a member of `queue`, when
    /// given); a computed one is checked when the call runs.
    fn check_agent_name(&mut self, agent: &Expr, queue: Option<&str>) {
        let Some(center) = self.center.filter(|c| !c.agents.is_empty()) else { return };
        let ExprKind::Str(parts) = &agent.kind else { return };
        let [StrPart::Text(name)] = parts.as_slice() else { return };
        match center.agents.iter().find(|a| a.name == *name) {
            None => {
                let help = help_for(name, "agent", center.agents.iter().map(|a| a.name.as_str()));
                self.diags.push(
                    Diagnostic::new(
                        Code::UnknownName,
                        agent.span,
                        format!("no agent `{name}` in center.yaml"),
                    )
                    .with_label("unknown agent")
                    .with_help(help),
                );
            }
            Some(a) if queue.is_some_and(|q| !a.queues.is_empty() && !a.queues.iter().any(|x| x == q)) => {
                let queue = queue.unwrap_or_default();
                self.diags.push(
                    Diagnostic::new(
                        Code::UnknownName,
                        agent.span,
                        format!("agent `{name}` does not take calls from `{queue}`"),
                    )
                    .with_label("not a member of the queue")
                    .with_help(format!(
                        "`{name}` serves {}; add the queue to the agent in center.yaml",
                        a.queues.join(", ")
                    )),
                );
            }
            Some(_) => {}
        }
    }

    pub(super) fn check_queue(&mut self, q: &Ident) {
        if let Some(queues) = &self.symbols.queues
            && !queues.contains(&q.name)
        {
            let help = help_for(&q.name, "queue", queues.iter().map(String::as_str));
            self.diags.push(
                Diagnostic::new(
                    Code::UndeclaredQueue,
                    q.span,
                    format!("the queue `{}` is not declared in center.yaml", q.name),
                )
                .with_label("unknown queue")
                .with_help(format!("{help}; or add it under `queues:` in center.yaml")),
            );
        }
    }

    /// A flow named by `transfer to flow` (inbound) or `transfer to secure flow` (secure).
    fn flow_of_kind(&mut self, f: &Ident, want: FlowKind) {
        let article = |k: FlowKind| if k == FlowKind::Inbound || k == FlowKind::Inqueue { "an" } else { "a" };
        match self.symbols.flows.get(&f.name) {
            None => {
                let of_kind =
                    self.symbols.flows.iter().filter(|(_, (k, _))| *k == want).map(|(n, _)| n.as_str());
                self.diags.push(
                    Diagnostic::new(Code::UnknownName, f.span, format!("unknown flow `{}`", f.name))
                        .with_label("no flow with this name")
                        .with_help(help_for(&f.name, &format!("{} flow", want.as_str()), of_kind)),
                );
            }
            Some((kind, def)) if *kind != want => {
                self.diags.push(
                    Diagnostic::new(
                        Code::WrongFlowKind,
                        f.span,
                        format!(
                            "`{}` is {} {} flow; this transfer goes to {} {} flow",
                            f.name,
                            article(*kind),
                            kind.as_str(),
                            article(want),
                            want.as_str()
                        ),
                    )
                    .with_label(format!("not {} {} flow", article(want), want.as_str()))
                    .with_secondary(*def, "defined here"),
                );
            }
            Some(_) => {}
        }
    }

    /// `transfer to number|voicemail|flow|secure flow`.
    fn transfer_out(&mut self, t: &crate::syntax::ast::TransferOut) {
        use crate::syntax::ast::TransferTarget;
        match &t.target {
            TransferTarget::Number(e) => {
                self.expect(e, Type::PhoneNumber, "the number to transfer to");
                if let ExprKind::Phone(p) = &e.kind {
                    super::callback::check_phone(p, e.span, self.diags);
                }
            }
            TransferTarget::Voicemail(q) => self.check_queue(q),
            TransferTarget::Agent(e) | TransferTarget::AgentVoicemail(e) => {
                self.expect(e, Type::String, "the agent");
                self.check_agent_name(e, None);
            }
            TransferTarget::Flow(f) => self.flow_of_kind(f, FlowKind::Inbound),
            TransferTarget::SecureFlow(f) => self.flow_of_kind(f, FlowKind::Secure),
        }
        if let Some(b) = &t.on_failure {
            self.block(b);
        }
    }

    fn transfer(&mut self, t: &Transfer) {
        self.check_queue(&t.queue);
        self.requeue_loop(t);
        self.skills_nobody_has(t);
        if let Some(f) = &t.inqueue_flow {
            match self.symbols.flows.get(&f.name) {
                None => {
                    let inqueue = self
                        .symbols
                        .flows
                        .iter()
                        .filter(|(_, (k, _))| *k == FlowKind::Inqueue)
                        .map(|(n, _)| n.as_str());
                    let help = help_for(&f.name, "in-queue flow", inqueue);
                    self.diags.push(
                        Diagnostic::new(Code::UnknownName, f.span, format!("unknown flow `{}`", f.name))
                            .with_label("no flow with this name")
                            .with_help(help),
                    );
                }
                Some((kind, def)) if *kind != FlowKind::Inqueue => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::WrongFlowKind,
                            f.span,
                            format!(
                                "`{}` is an {} flow, but `with` needs an inqueue flow",
                                f.name,
                                kind.as_str()
                            ),
                        )
                        .with_label("not an inqueue flow")
                        .with_secondary(*def, "defined here")
                        .with_help("`with` names the in-queue flow that runs while the caller waits"),
                    );
                }
                Some(_) => {}
            }
        }
        if let Some(p) = &t.priority {
            self.expect(p, Type::Integer, "the priority");
        }
        if let Some((agent, period)) = &t.preferred {
            self.preferred_agent(t, agent, period.as_ref());
        }
        if let Some(b) = &t.on_failure {
            self.block(b);
        }
    }

    fn menu(&mut self, m: &Menu) {
        if let Some(first) = self.menus.get(&m.name.name) {
            self.diags.push(duplicate("menu", &m.name.name, m.name.span, *first));
        } else {
            self.menus.insert(m.name.name.clone(), m.name.span);
        }
        self.expect(&m.prompt, Type::String, "the menu prompt");
        if let Some(r) = &m.retries
            && !(0..=10).contains(&r.node)
        {
            self.diags.push(
                Diagnostic::new(
                    Code::BadPromptSetting,
                    r.span,
                    format!("{} retries is out of range", r.node),
                )
                .with_label("allowed: 0 to 10")
                .with_help("callers rarely succeed after 3 tries; 2 is usual"),
            );
        }
        if let Some(t) = &m.timeout {
            self.timeout(t);
        }
        let mut seen: HashMap<ChoiceKey, Span> = HashMap::new();
        let mut digits = 0;
        for choice in &m.choices {
            for key in &choice.keys {
                if let ChoiceKey::Word(w) = &key.node {
                    digits += 1;
                    let valid = w.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '\'' | '-'));
                    if !valid {
                        self.diags.push(
                            Diagnostic::new(
                                Code::BadMenuChoice,
                                key.span,
                                format!("`{w}` is not words a caller can say"),
                            )
                            .with_label("a spoken choice is letters, digits and spaces")
                            .with_help(
                                "write the keyword as the caller says it: `\"billing\"`, `\"lost card\"`",
                            ),
                        );
                    }
                }
                if let ChoiceKey::Digit(d) = &key.node {
                    digits += 1;
                    let valid = d.len() == 1 && d.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#');
                    if !valid {
                        self.diags.push(
                            Diagnostic::new(
                                Code::BadMenuChoice,
                                key.span,
                                format!("`{d}` is not a key on a phone"),
                            )
                            .with_label("a menu choice is one key")
                            .with_help("use 0-9, \"*\" or \"#\"; for longer input use `ask ... digits N`"),
                        );
                    }
                }
                if matches!(key.node, ChoiceKey::NoInput(Some(0)) | ChoiceKey::NoMatch(Some(0))) {
                    self.diags.push(
                        Diagnostic::new(Code::BadMenuChoice, key.span, "counts start at 1")
                            .with_label("`noinput 1` is the first time"),
                    );
                }
                if let Some(first) = seen.get(&key.node) {
                    self.diags.push(
                        Diagnostic::new(
                            Code::BadMenuChoice,
                            key.span,
                            format!("the choice `{}` is handled twice", key.node.label()),
                        )
                        .with_label("repeated choice")
                        .with_secondary(*first, "first handled here")
                        .with_help("each key and each of noinput/nomatch/exhausted is handled once"),
                    );
                } else {
                    seen.insert(key.node.clone(), key.span);
                }
            }
            self.block(&choice.body);
        }
        if digits == 0 {
            self.diags.push(
                Diagnostic::new(
                    Code::BadMenuChoice,
                    m.name.span,
                    format!("the menu `{}` has no key choices", m.name.name),
                )
                .with_label("nothing the caller can press")
                .with_help("add choices such as `1 => transfer to Sales`"),
            );
        }
    }

    fn timeout(&mut self, t: &Expr) {
        self.expect(t, Type::Duration, "the timeout");
        if let ExprKind::Duration(secs) = t.kind
            && !(1..=60).contains(&secs)
        {
            self.diags.push(
                Diagnostic::new(
                    Code::BadPromptSetting,
                    t.span,
                    format!("a timeout of {} is out of range", format_duration(secs)),
                )
                .with_label("allowed: 1s to 60s"),
            );
        }
    }

    fn ask(&mut self, a: &Ask) {
        self.expect(&a.prompt, Type::String, "the prompt");
        let tt = self.path_type(&a.target, true);
        let dotted = a.target.dotted();
        if dotted.starts_with("Flow.") || dotted.starts_with("Task.") {
            self.record_var(&dotted, Type::String, a.target.span, a.target.span);
        } else if !tt.compatible(Type::String) {
            self.diags.push(
                Diagnostic::new(
                    Code::TypeMismatch,
                    a.target.span,
                    format!("`ask` stores text, but `{dotted}` holds {}", tt.a()),
                )
                .with_label("not a String"),
            );
        }
        if let (Some(lo), Some(hi)) = (&a.min_digits, &a.max_digits) {
            for d in [lo, hi] {
                if !(1..=32).contains(&d.node) {
                    self.diags.push(
                        Diagnostic::new(
                            Code::BadPromptSetting,
                            d.span,
                            format!("{} digits is out of range", d.node),
                        )
                        .with_label("allowed: 1 to 32"),
                    );
                }
            }
            if hi.node < lo.node {
                self.diags.push(
                    Diagnostic::new(Code::BadPromptSetting, hi.span, "the digit range runs backwards")
                        .with_label(format!("{}..{}", lo.node, hi.node)),
                );
            }
        }
        if let Some(t) = &a.timeout {
            self.timeout(t);
        }
        if let Some(t) = &a.interdigit {
            self.timeout(t);
        }
        if let Some(term) = &a.terminator
            && !matches!(term.value.as_str(), "#" | "*")
        {
            self.diags.push(
                Diagnostic::new(
                    Code::BadPromptSetting,
                    term.span,
                    format!("\"{}\" cannot end input", term.value),
                )
                .with_label("the terminator is \"#\" or \"*\""),
            );
        }
        if let Some(b) = &a.on_noinput {
            self.block(b);
        }
    }
}

/// Names of `Flow.` / `Task.` variables assigned anywhere in a block.
fn collect_assigned(b: &Block, out: &mut BTreeSet<String>) {
    each_stmt(b, &mut |s| match &s.kind {
        StmtKind::Set { target, .. } => {
            out.insert(target.dotted());
        }
        StmtKind::Ask(a) => {
            out.insert(a.target.dotted());
        }
        StmtKind::Lookup(l) => out.extend(l.into.iter().map(|(t, _)| t.dotted())),
        StmtKind::CallData(c) => out.extend(c.into.iter().map(|(t, _)| t.dotted())),
        _ => {}
    });
    out.retain(|n| n.starts_with("Flow.") || n.starts_with("Task."));
}

/// Variables a secure input fills: a `secure` ask's, and every ask's in a secure flow.
fn collect_secret(b: &Block, secure_flow: bool, out: &mut BTreeSet<String>) {
    each_stmt(b, &mut |s| {
        if let StmtKind::Ask(a) = &s.kind
            && (a.secure.is_some() || secure_flow)
        {
            out.insert(a.target.dotted());
        }
    });
}

/// Calls `f` on every statement of `b`, nested blocks included, in source order.
fn each_stmt<'b>(b: &'b Block, f: &mut impl FnMut(&'b crate::syntax::ast::Stmt)) {
    for s in &b.stmts {
        f(s);
        let nested: Vec<&Block> = match &s.kind {
            StmtKind::Ask(a) => a.on_noinput.iter().collect(),
            StmtKind::Menu(m) => m.choices.iter().map(|c| &c.body).collect(),
            StmtKind::If(i) => std::iter::once(&i.then).chain(i.otherwise.iter()).collect(),
            StmtKind::Switch(sw) => sw.cases.iter().map(|c| &c.body).chain(sw.default.iter()).collect(),
            StmtKind::Transfer(t) => t.on_failure.iter().collect(),
            StmtKind::CreateCallback(c) => c.on_failure.iter().collect(),
            StmtKind::TransferOut(t) => t.on_failure.iter().collect(),
            StmtKind::Lookup(l) => l.on_not_found.iter().collect(),
            StmtKind::CallData(c) => [&c.on_failure, &c.on_timeout].into_iter().flatten().collect(),
            _ => Vec::new(),
        };
        for x in nested {
            each_stmt(x, f);
        }
    }
}

/// E0705 for a text that is not shaped like a language tag.
pub(super) fn bad_language_tag(tag: &crate::syntax::ast::StrLit) -> Diagnostic {
    Diagnostic::new(Code::BadLanguage, tag.span, format!("`{}` is not a language tag", tag.value))
        .with_label("expected a language tag")
        .with_help("write a language and region, as `en-US` or `nl-NL` (or the language alone, `nl`)")
}
