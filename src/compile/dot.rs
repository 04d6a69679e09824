//! Graphviz DOT export of a [`FlowGraph`], optionally painted with coverage.
//!
//! The output is deterministic (nodes in id order, edges in insertion order, tasks in name order)
//! so it can be snapshotted. Labels, shapes and colours are shared with the SVG renderer
//! ([`super::svg`]) through [`NodeLook`].

use super::{Action, FlowGraph, Node, NodeId, Outcome};
use crate::source::SourceMap;
use crate::syntax::ast::{ERROR_HANDLER, Expr, ExprKind, FlowKind, KEY_HANDLER, StrPart};
use std::collections::HashSet;
use std::fmt::Write as _;

/// Which nodes and edges a run (or a set of test runs) went through. Everything not listed is
/// painted as uncovered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paint {
    pub covered_nodes: HashSet<NodeId>,
    pub covered_edges: HashSet<(NodeId, NodeId, Outcome)>,
}

impl Paint {
    pub fn node(&self, id: NodeId) -> bool {
        self.covered_nodes.contains(&id)
    }

    pub fn edge(&self, from: NodeId, to: NodeId, outcome: &Outcome) -> bool {
        self.covered_edges.contains(&(from, to, outcome.clone()))
    }
}

/// Colours used for coverage painting.
pub(crate) const COVERED: &str = "#1b5e20";
pub(crate) const UNCOVERED: &str = "#c62828";
/// Default outline / edge colour.
pub(crate) const INK: &str = "#455a64";

/// Widest label line, in characters, before wrapping.
const WRAP: usize = 32;
/// Most lines a wrapped text may take.
const MAX_LINES: usize = 3;

/// What kind of node this is, for shape and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Category {
    /// start, end, task entry, return.
    Terminus,
    /// play, hold, set.
    Prompt,
    /// if, switch.
    Decision,
    /// menu, ask: a decision the caller makes.
    Input,
    /// transfer: leaves the flow for a queue.
    Queue,
    CallbackReq,
    /// disconnect, connect agent.
    Terminal,
    /// call, jump.
    Task,
}

impl Category {
    pub(crate) fn of(action: &Action) -> Category {
        match action {
            Action::Start | Action::End | Action::TaskStart(_) | Action::Return { .. } => Category::Terminus,
            Action::Play(_)
            | Action::PlayEstimatedWait
            | Action::PlayPosition
            | Action::Hold(..)
            | Action::Set { .. } => Category::Prompt,
            Action::Decision(_) | Action::Switch { .. } => Category::Decision,
            Action::Menu { .. } | Action::Ask { .. } => Category::Input,
            Action::Transfer { .. } | Action::TransferOut(_) => Category::Queue,
            Action::CallData(_) | Action::Lookup(_) => Category::Task,
            Action::CreateCallback(_) => Category::CallbackReq,
            Action::Disconnect | Action::ConnectAgent | Action::LeaveVoicemail(_) | Action::RetryLater => {
                Category::Terminal
            }
            Action::CallTask(_) | Action::JumpTask(_) => Category::Task,
        }
    }

    /// Sober fill colours.
    pub(crate) fn fill(self) -> &'static str {
        match self {
            Category::Terminus => "#eceff1",
            Category::Prompt => "#e3f2fd",
            Category::Decision => "#fff8e1",
            Category::Input => "#fff3e0",
            Category::Queue => "#ede7f6",
            Category::CallbackReq => "#fce4ec",
            Category::Terminal => "#cfd8dc",
            Category::Task => "#f1f8e9",
        }
    }

    fn dot_shape(self) -> &'static str {
        match self {
            Category::Terminus => "ellipse",
            Category::Decision => "diamond",
            Category::Input => "hexagon",
            _ => "box",
        }
    }
}

/// How one node is drawn: its label lines, category, whether it ends the call here, and where it
/// was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NodeLook {
    pub lines: Vec<String>,
    pub category: Category,
    /// Terminal actions (the call leaves the flow) get a doubled / bold outline.
    pub terminal: bool,
    pub tooltip: String,
}

impl NodeLook {
    pub(crate) fn new(graph: &FlowGraph, node: &Node, sources: &SourceMap) -> NodeLook {
        NodeLook {
            lines: label_lines(graph, node),
            category: Category::of(&node.action),
            terminal: node.action.is_terminal(),
            tooltip: sources.file_line(node.span),
        }
    }
}

/// An expression as a label shows it: strings without escapes (`"Press 1 for {Flow.Name}"`),
/// everything else as written.
fn expr_text(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Str(parts) => {
            let mut s = String::from("\"");
            for p in parts {
                match p {
                    StrPart::Text(t) => s.push_str(t),
                    StrPart::Expr(e) => {
                        let _ = write!(s, "{{{e}}}");
                    }
                }
            }
            s.push('"');
            s
        }
        _ => e.to_string(),
    }
}

/// Word-wraps `text` to `width` characters, at most `max` lines; cut text ends in `…`.
/// Whitespace (including newlines in prompts) collapses to single spaces.
pub(crate) fn wrap(text: &str, width: usize, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut truncated = false;
    let mut words: Vec<String> = Vec::new();
    for w in text.split_whitespace() {
        // Break words longer than a line.
        let chars: Vec<char> = w.chars().collect();
        for chunk in chars.chunks(width) {
            words.push(chunk.iter().collect());
        }
    }
    for w in words {
        let cur_len = cur.chars().count();
        if cur.is_empty() {
            cur = w;
        } else if cur_len + 1 + w.chars().count() <= width {
            cur.push(' ');
            cur.push_str(&w);
        } else {
            lines.push(std::mem::take(&mut cur));
            if lines.len() == max {
                truncated = true;
                break;
            }
            cur = w;
        }
    }
    if !truncated && !cur.is_empty() {
        lines.push(cur);
    }
    if truncated && let Some(last) = lines.last_mut() {
        while last.chars().count() + 1 > width {
            last.pop();
        }
        last.push('…');
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Attributes joined with ` · `, wrapped at attribute boundaries.
fn attr_lines(attrs: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for a in attrs {
        if cur.is_empty() {
            cur = a.clone();
        } else if cur.chars().count() + 3 + a.chars().count() <= WRAP {
            cur.push_str(" · ");
            cur.push_str(a);
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = a.clone();
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines.into_iter().flat_map(|l| wrap(&l, WRAP + 8, MAX_LINES)).collect()
}

/// The label of a node, one entry per line (unescaped).
pub(crate) fn label_lines(graph: &FlowGraph, node: &Node) -> Vec<String> {
    let text = |e: &Expr| wrap(&expr_text(e), WRAP, MAX_LINES);
    let mut lines = Vec::new();
    match &node.action {
        Action::Start => {
            lines.push(format!("start {} ({})", graph.name(), graph.kind().as_str()));
        }
        Action::End => {
            if graph.kind() == FlowKind::Inqueue {
                lines.push("end → restart".into());
            } else {
                lines.push("end".into());
            }
        }
        Action::TaskStart(name) if name == ERROR_HANDLER || name.starts_with(KEY_HANDLER) => {
            lines.push(name.clone())
        }
        Action::TaskStart(name) => lines.push(format!("task {name}")),
        Action::Play(e) => {
            lines.push("play".into());
            lines.extend(text(e));
        }
        Action::Menu { name, prompt, retries, timeout } => {
            lines.push(format!("menu {name}"));
            lines.extend(text(prompt));
            let mut attrs = vec![format!("retries {retries}")];
            if let Some(t) = timeout {
                attrs.push(format!("timeout {}", expr_text(t)));
            }
            lines.extend(attr_lines(&attrs));
        }
        Action::Ask { target, prompt, min_digits, max_digits, timeout, interdigit, terminator, secure } => {
            lines.push(format!("ask {target}"));
            lines.extend(text(prompt));
            let mut attrs = Vec::new();
            if min_digits == max_digits {
                attrs.push(format!("digits {min_digits}"));
            } else {
                attrs.push(format!("digits {min_digits}..{max_digits}"));
            }
            if let Some(t) = timeout {
                attrs.push(format!("timeout {}", expr_text(t)));
            }
            if let Some(t) = interdigit {
                attrs.push(format!("interdigit {}", expr_text(t)));
            }
            if let Some(t) = terminator {
                attrs.push(format!("terminator {t}"));
            }
            if *secure {
                attrs.push("secure".into());
            }
            lines.extend(attr_lines(&attrs));
        }
        Action::Decision(cond) => {
            lines.push("if".into());
            lines.extend(wrap(&expr_text(cond), WRAP, MAX_LINES));
        }
        Action::Switch { subject, .. } => {
            lines.push("switch".into());
            lines.extend(wrap(&expr_text(subject), WRAP, MAX_LINES));
        }
        Action::Set { target, value } => {
            lines.push(format!("set {target}"));
            lines.extend(wrap(&format!("= {}", expr_text(value)), WRAP, MAX_LINES));
        }
        Action::Transfer { queue, inqueue_flow, priority, skills, preferred } => {
            lines.push(format!("transfer to {}", queue.name));
            let mut attrs = Vec::new();
            if let Some(f) = inqueue_flow {
                attrs.push(format!("with {}", f.name));
            }
            if let Some(p) = priority {
                attrs.push(format!("priority {}", expr_text(p)));
            }
            if !skills.is_empty() {
                let s: Vec<&str> = skills.iter().map(|s| s.value.as_str()).collect();
                attrs.push(format!("skills {}", s.join(", ")));
            }
            if let Some((agent, period)) = preferred {
                let period = period.as_ref().map(|p| format!(" for {}", expr_text(p))).unwrap_or_default();
                attrs.push(format!("preferred agent {}{period}", expr_text(agent)));
            }
            lines.extend(attr_lines(&attrs));
        }
        Action::TransferOut(t) => {
            use crate::syntax::ast::TransferTarget;
            lines.push(match &t.target {
                TransferTarget::Number(e) => format!("transfer to number {}", expr_text(e)),
                TransferTarget::Voicemail(q) => format!("transfer to voicemail {}", q.name),
                TransferTarget::Flow(f) => format!("transfer to flow {}", f.name),
                TransferTarget::SecureFlow(f) => format!("transfer to secure flow {}", f.name),
                TransferTarget::Agent(e) => format!("transfer to agent {}", expr_text(e)),
                TransferTarget::AgentVoicemail(e) => format!("transfer to voicemail agent {}", expr_text(e)),
            });
        }
        Action::Lookup(l) => {
            lines.push(format!("lookup {}", l.table.name));
            let mut attrs = vec![format!("key {}", expr_text(&l.key))];
            attrs.extend(l.into.iter().map(|(t, o)| format!("{t} = {}", o.name)));
            lines.extend(attr_lines(&attrs));
        }
        Action::CallData(c) => {
            lines.push(format!("call data {}", c.action.name));
            let mut attrs: Vec<String> =
                c.inputs.iter().map(|(k, v)| format!("{}: {}", k.name, expr_text(v))).collect();
            attrs.extend(c.into.iter().map(|(t, o)| format!("{t} = {}", o.name)));
            lines.extend(attr_lines(&attrs));
        }
        Action::CreateCallback(cb) => {
            lines.push("create callback".into());
            let mut attrs = Vec::new();
            if let Some(n) = &cb.number {
                attrs.push(format!("number {}", expr_text(n)));
            }
            if let Some(q) = &cb.queue {
                attrs.push(format!("queue {}", q.name));
            }
            if let Some(a) = &cb.at {
                attrs.push(format!("at {}", expr_text(a)));
            }
            if let Some((from, to)) = &cb.window {
                attrs.push(format!("window {} to {}", expr_text(from), expr_text(to)));
            }
            if let Some(a) = &cb.attempts {
                attrs.push(format!("attempts {}", expr_text(a)));
            }
            if let Some(r) = &cb.retry_every {
                attrs.push(format!("retry every {}", expr_text(r)));
            }
            lines.extend(attr_lines(&attrs));
        }
        Action::Hold(e, None) => lines.push(format!("hold {}", expr_text(e))),
        Action::Hold(e, Some(m)) => lines.push(format!("hold {} music \"{}\"", expr_text(e), m.value)),
        Action::PlayEstimatedWait
        | Action::PlayPosition
        | Action::Disconnect
        | Action::ConnectAgent
        | Action::RetryLater
        | Action::Return { .. } => lines.push(node.action.keyword().into()),
        Action::LeaveVoicemail(e) => {
            lines.push("leave voicemail".into());
            lines.extend(wrap(&expr_text(e), WRAP, MAX_LINES));
        }
        Action::CallTask(t) => lines.push(format!("call {t}")),
        Action::JumpTask(t) => lines.push(format!("jump {t}")),
    }
    lines
}

/// The label an edge shows: `next` edges go unlabelled.
pub(crate) fn edge_label(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Next => String::new(),
        o => o.to_string(),
    }
}

/// Quotes a DOT string: `"` and `\` escaped, newlines as `\n`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The flow as a DOT digraph.
pub fn to_dot(graph: &FlowGraph, sources: &SourceMap) -> String {
    to_dot_painted(graph, sources, None)
}

/// The flow as a DOT digraph; with `paint`, covered nodes and edges are drawn solid dark green and
/// uncovered ones dashed red, and a legend is added.
pub fn to_dot_painted(graph: &FlowGraph, sources: &SourceMap, paint: Option<&Paint>) -> String {
    let mut out = String::new();
    let title = format!("{} flow {}", graph.kind().as_str(), graph.name());
    let _ = writeln!(out, "digraph {} {{", escape(graph.name()));
    let mut glabel = title;
    if let Some(p) = paint {
        // Count what is drawn: an `end` no path reaches is neither drawn nor coverable.
        let nodes = graph.drawn_nodes().filter(|n| p.node(n.id)).count();
        let edges = graph.edges().filter(|e| p.edge(e.from, e.to, e.outcome)).count();
        let _ = write!(
            glabel,
            "\ncovered {nodes}/{} nodes · {edges}/{} edges",
            graph.drawn_nodes().count(),
            graph.edge_count()
        );
    }
    let _ = writeln!(
        out,
        "  graph [label={}, labelloc=t, fontname=\"Helvetica\", fontsize=14, rankdir=TB, \
         nodesep=0.4, ranksep=0.45];",
        escape(&glabel)
    );
    let _ = writeln!(
        out,
        "  node [fontname=\"Helvetica\", fontsize=11, shape=box, style=\"rounded,filled\", \
         color=\"{INK}\", margin=\"0.15,0.06\"];"
    );
    let _ = writeln!(
        out,
        "  edge [fontname=\"Helvetica\", fontsize=10, color=\"{INK}\", fontcolor=\"{INK}\", \
         arrowsize=0.7];"
    );

    // Main body first, then one cluster per task (in name order).
    let node_line = |n: &Node| -> String {
        let look = NodeLook::new(graph, n, sources);
        let mut attrs = vec![
            format!("label={}", escape(&look.lines.join("\n"))),
            format!("tooltip={}", escape(&look.tooltip)),
            format!("fillcolor=\"{}\"", look.category.fill()),
        ];
        let shape = look.category.dot_shape();
        if shape != "box" {
            attrs.push(format!("shape={shape}"));
        }
        let mut style = vec!["filled"];
        if shape == "box" {
            style.insert(0, "rounded");
        }
        if look.terminal {
            attrs.push("peripheries=2".into());
            attrs.push("penwidth=1.6".into());
        }
        if let Some(p) = paint {
            if p.node(n.id) {
                attrs.push(format!("color=\"{COVERED}\""));
                if !look.terminal {
                    attrs.push("penwidth=2".into());
                }
            } else {
                attrs.push(format!("color=\"{UNCOVERED}\""));
                attrs.push(format!("fontcolor=\"{UNCOVERED}\""));
                style.push("dashed");
            }
        }
        if style != ["rounded", "filled"] {
            attrs.push(format!("style=\"{}\"", style.join(",")));
        }
        format!("{} [{}];", n.id, attrs.join(", "))
    };

    for n in graph.drawn_nodes().filter(|n| n.task.is_none()) {
        let _ = writeln!(out, "  {}", node_line(n));
    }
    for (task, _) in graph.tasks() {
        let _ = writeln!(out, "  subgraph {} {{", escape(&format!("cluster_task_{task}")));
        let _ = writeln!(
            out,
            "    graph [label={}, style=\"rounded,dashed\", color=\"#90a4ae\", fontsize=12];",
            escape(&if task == ERROR_HANDLER || task.starts_with(KEY_HANDLER) {
                task.to_string()
            } else {
                format!("task {task}")
            })
        );
        for n in graph.drawn_nodes().filter(|n| n.task.as_deref() == Some(task)) {
            let _ = writeln!(out, "    {}", node_line(n));
        }
        let _ = writeln!(out, "  }}");
    }
    // Nodes of a task that has no entry in `tasks()` (should not happen), so none is lost.
    let known: HashSet<&str> = graph.tasks().map(|(t, _)| t).collect();
    for n in graph.drawn_nodes().filter(|n| n.task.as_deref().is_some_and(|t| !known.contains(t))) {
        let _ = writeln!(out, "  {}", node_line(n));
    }

    for e in graph.edges() {
        let mut attrs = Vec::new();
        let label = edge_label(e.outcome);
        if !label.is_empty() {
            attrs.push(format!("label={}", escape(&label)));
        }
        if matches!(
            e.outcome,
            Outcome::Call
                | Outcome::Jump
                | Outcome::Restart
                | Outcome::Retry
                | Outcome::Error
                | Outcome::AnyTime(_)
        ) {
            // Jumps into tasks and loops back should not pull the layout around.
            attrs.push("constraint=false".into());
        }
        if let Some(p) = paint {
            if p.edge(e.from, e.to, e.outcome) {
                attrs.push(format!("color=\"{COVERED}\""));
                attrs.push(format!("fontcolor=\"{COVERED}\""));
                attrs.push("penwidth=2".into());
            } else {
                attrs.push(format!("color=\"{UNCOVERED}\""));
                attrs.push(format!("fontcolor=\"{UNCOVERED}\""));
                attrs.push("style=dashed".into());
            }
        }
        if attrs.is_empty() {
            let _ = writeln!(out, "  {} -> {};", e.from, e.to);
        } else {
            let _ = writeln!(out, "  {} -> {} [{}];", e.from, e.to, attrs.join(", "));
        }
    }

    if paint.is_some() {
        out.push_str("  subgraph cluster_legend {\n");
        out.push_str("    graph [label=\"legend\", style=\"rounded\", color=\"#b0bec5\", fontsize=11];\n");
        let _ = writeln!(
            out,
            "    legend_covered [label=\"covered\", fillcolor=\"white\", color=\"{COVERED}\", \
             fontcolor=\"{COVERED}\", penwidth=2];"
        );
        let _ = writeln!(
            out,
            "    legend_uncovered [label=\"not covered\", fillcolor=\"white\", \
             color=\"{UNCOVERED}\", fontcolor=\"{UNCOVERED}\", style=\"rounded,filled,dashed\"];"
        );
        out.push_str("    legend_covered -> legend_uncovered [style=invis];\n");
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile_flow;
    use crate::source::FileId;

    pub(crate) fn graph_of(text: &str) -> (FlowGraph, SourceMap) {
        let mut sources = SourceMap::new();
        let file = sources.add("main.flow", text.to_string());
        let (ast, diags) = crate::syntax::parse(file, text);
        let ast = ast.unwrap_or_else(|| panic!("parse failed: {diags:?}"));
        assert_eq!(file, FileId(0));
        (compile_flow(&ast.flows[0]), sources)
    }

    const FLOW: &str = r#"inbound flow Acme {
  if not open(BusinessHours) {
    play "We are closed. Please call back tomorrow between eight and six."
    disconnect
  }
  menu MainMenu "For billing press 1, for support press 2." retries 2 timeout 5s {
    1 => transfer to Billing with HoldMusic priority 5
    2 => call Verify
    noinput => play "Sorry, I did not hear you."
    exhausted => disconnect
  }
  disconnect
  task Verify {
    ask Flow.Account "Enter your \"account\" number" digits 6..10
    return
  }
}
"#;

    #[test]
    fn every_node_and_labelled_edge_is_in_the_dot() {
        let (g, src) = graph_of(FLOW);
        let dot = to_dot(&g, &src);
        for n in g.drawn_nodes() {
            assert!(dot.contains(&format!("  {} [label=", n.id)), "missing {}:\n{dot}", n.id);
        }
        for e in g.edges() {
            let head = format!("{} -> {}", e.from, e.to);
            let line = dot.lines().find(|l| l.trim_start().starts_with(&head));
            let line = line.unwrap_or_else(|| panic!("missing edge {head}:\n{dot}"));
            if *e.outcome != Outcome::Next {
                let lbl = format!("label={}", escape(&e.outcome.to_string()));
                assert!(dot.contains(&format!("{head} [{lbl}")), "{head} unlabelled: {line}");
            }
        }
        assert!(dot.contains("label=\"press 1\""));
        assert!(dot.contains("label=\"exhausted\""));
        assert!(dot.contains("label=\"yes\""));
        assert!(dot.contains("label=\"retry\""));
        assert!(dot.contains("subgraph \"cluster_task_Verify\""));
        assert!(dot.contains("tooltip=\"main.flow:2\""));
        assert!(dot.contains("if\\nnot open(BusinessHours)"));
        assert!(dot.contains("menu MainMenu\\n"));
        assert!(dot.contains("retries 2 · timeout 5s"));
        assert!(dot.contains("transfer to Billing\\nwith HoldMusic · priority 5"));
        assert!(dot.contains("start Acme (inbound)"));
        // Deterministic.
        assert_eq!(dot, to_dot(&g, &src));
        assert!(dot.starts_with("digraph \"Acme\" {"));
        assert!(dot.ends_with("}\n"));
    }

    #[test]
    fn dot_parses() {
        let (g, src) = graph_of(FLOW);
        let mut paint = Paint::default();
        paint.covered_nodes.insert(NodeId(0));
        for dot in [to_dot(&g, &src), to_dot_painted(&g, &src, Some(&paint))] {
            let mut parser = layout::gv::DotParser::new(&dot);
            assert!(parser.process().is_ok(), "layout-rs cannot parse:\n{dot}");
        }
    }

    #[test]
    fn escaping() {
        assert_eq!(escape(r#"say "hi" \ bye"#), r#""say \"hi\" \\ bye""#);
        assert_eq!(escape("a\nb"), "\"a\\nb\"");
        let (g, src) = graph_of(FLOW);
        let dot = to_dot(&g, &src);
        // The ask prompt contains quotes: each is escaped, none ends the DOT string.
        assert!(dot.contains(r#"\"Enter your \"account\" number\""#), "{dot}");
    }

    #[test]
    fn wrapping_caps_lines() {
        let lines = wrap(&"word ".repeat(40), 32, 3);
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.chars().count() <= 32));
        assert!(lines[2].ends_with('…'));
        assert_eq!(wrap("short", 32, 3), vec!["short"]);
        let long = wrap(&"x".repeat(100), 32, 3);
        assert!(long.iter().all(|l| l.chars().count() <= 32));
    }

    #[test]
    fn painting_marks_covered_and_uncovered() {
        let (g, src) = graph_of(FLOW);
        let mut paint = Paint::default();
        paint.covered_nodes.insert(NodeId(0));
        paint.covered_nodes.insert(NodeId(1));
        let e = g.outgoing(NodeId(0))[0];
        paint.covered_edges.insert((e.from, e.to, e.outcome.clone()));
        let dot = to_dot_painted(&g, &src, Some(&paint));
        let line =
            |prefix: &str| dot.lines().find(|l| l.trim_start().starts_with(prefix)).unwrap().to_string();
        assert!(line("n0 [").contains(COVERED));
        assert!(line("n1 [").contains(COVERED));
        assert!(line("n2 [").contains(UNCOVERED) && line("n2 [").contains("dashed"));
        assert!(line("n0 -> n1").contains(COVERED));
        let other = g.outgoing(NodeId(1))[0];
        let l = line(&format!("{} -> {}", other.from, other.to));
        assert!(l.contains(UNCOVERED) && l.contains("style=dashed"), "{l}");
        assert!(dot.contains("cluster_legend"));
        assert!(dot.contains(&format!("covered 2/{} nodes", g.drawn_nodes().count())));
        assert!(!to_dot(&g, &src).contains(COVERED));
    }

    #[test]
    fn inqueue_end_restarts() {
        let (g, src) = graph_of("inqueue flow Wait { play estimated wait hold 1m }");
        let dot = to_dot(&g, &src);
        assert!(dot.contains("end → restart"), "{dot}");
        assert!(dot.contains("label=\"restart\""));
        assert!(dot.contains("\"hold 1m\""));
    }
}
