//! SVG rendering of a [`FlowGraph`], entirely in Rust: layout by `layout-rs` (its `topo` placer),
//! drawing by our own [`RenderBackend`] so that shapes, fonts, colours and coverage painting are
//! ours. Labels and categories are shared with the DOT export ([`super::dot`]).
//!
//! layout-rs only knows boxes and ellipses; each element carries a key (`n3`, `e7`) in its
//! `properties`, and the backend looks the key up to draw hexagons for decisions, double outlines
//! for terminal actions, tooltips and coverage colours.

use super::dot::{COVERED, Category, INK, NodeLook, Paint, UNCOVERED, edge_label};
use super::{FlowGraph, Outcome};
use crate::source::SourceMap;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;
use std::collections::HashMap;
use std::fmt::Write as _;

const FONT: &str = "Helvetica, Arial, sans-serif";
const NODE_FONT_PX: f64 = 13.0;
const EDGE_FONT_PX: f64 = 11.5;
const LINE_H: f64 = 17.0;
/// Average advance of a character at [`NODE_FONT_PX`] (bold first line a bit wider).
const CHAR_W: f64 = 7.0;
const CHAR_W_BOLD: f64 = 7.6;
/// Width layout-rs reserves per character of an edge label (its connector size is
/// `chars × font_size + 10`): matches [`EDGE_FONT_PX`] text.
const EDGE_SIZE_FONT: usize = 7;
/// How far the points of a decision hexagon stick out beyond the text box.
const HEX_INSET: f64 = 14.0;
const TITLE_H: f64 = 34.0;
const MARGIN: f64 = 12.0;

/// Renders the flow as a standalone SVG document. With `paint`, covered nodes and edges are drawn
/// solid dark green, uncovered ones dashed red, with a legend and counts in the title.
pub fn to_svg(graph: &FlowGraph, sources: &SourceMap, paint: Option<&Paint>) -> Result<String, String> {
    let mut nodes: HashMap<String, NodeStyle> = HashMap::new();
    let mut edge_colours: HashMap<String, &'static str> = HashMap::new();
    // layout-rs builds top-down graphs from elements oriented left-to-right (see its gv builder):
    // edge labels then sit beside their edge instead of on it.
    let mut vg = VisualGraph::new(Orientation::TopToBottom);
    let elem_dir = Orientation::LeftToRight;
    let mut handles = Vec::new();
    for node in graph.drawn_nodes() {
        let look = NodeLook::new(graph, node, sources);
        let text_w = look
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| l.chars().count() as f64 * if i == 0 { CHAR_W_BOLD } else { CHAR_W })
            .fold(0.0, f64::max);
        let text_h = look.lines.len() as f64 * LINE_H;
        let (shape, size) = match look.category {
            Category::Terminus => {
                (ShapeKind::Circle(String::new()), Point::new(text_w * 1.15 + 30.0, text_h + 18.0))
            }
            Category::Decision | Category::Input => {
                (ShapeKind::Box(String::new()), Point::new(text_w + 2.0 * HEX_INSET + 16.0, text_h + 14.0))
            }
            _ => (ShapeKind::Box(String::new()), Point::new(text_w + 24.0, text_h + 14.0)),
        };
        let key = node.id.to_string();
        let covered = paint.map(|p| p.node(node.id));
        // The text is drawn by our backend from the side table; the element's own label stays
        // empty so layout-rs does not size it.
        let style = StyleAttr::new(Color::fast("black"), 1, None, 0, NODE_FONT_PX as usize);
        let elem = Element::create_with_properties(shape, style, elem_dir, size, key.clone());
        nodes.insert(key, NodeStyle { look, covered });
        handles.push(vg.add_node(elem));
    }
    for (i, e) in graph.edges().enumerate() {
        let key = format!("e{i}");
        let colour = match paint {
            None => INK,
            Some(p) if p.edge(e.from, e.to, e.outcome) => COVERED,
            Some(_) => UNCOVERED,
        };
        let dashed = colour == UNCOVERED
            || matches!(e.outcome, Outcome::Call | Outcome::Jump | Outcome::Error | Outcome::AnyTime(_));
        let width = if colour == COVERED { 2 } else { 1 };
        let look = StyleAttr::new(Color::fast(colour), width, None, 0, EDGE_SIZE_FONT);
        let arrow = Arrow::with_properties(
            LineEndKind::None,
            LineEndKind::Arrow,
            if dashed { LineStyleKind::Dashed } else { LineStyleKind::Normal },
            &tagged_label(colour, &edge_label(e.outcome)),
            &look,
            key.clone(),
            &None,
            &None,
        );
        edge_colours.insert(key, colour);
        vg.add_edge(arrow, handles[e.from.0 as usize], handles[e.to.0 as usize]);
    }

    let mut canvas = Canvas::new(nodes, edge_colours);
    let laid_out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        vg.do_it(false, false, false, &mut canvas);
        canvas
    }));
    let canvas = laid_out.map_err(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown error".into());
        format!("could not lay out flow `{}`: {msg}", graph.name())
    })?;

    let mut title = format!("{} flow {}", graph.kind().as_str(), graph.name());
    let mut legend = false;
    if let Some(p) = paint {
        // Count what is drawn: an `end` no path reaches is neither drawn nor coverable.
        let n = graph.drawn_nodes().filter(|n| p.node(n.id)).count();
        let e = graph.edges().filter(|e| p.edge(e.from, e.to, e.outcome)).count();
        let drawn = graph.drawn_nodes().count();
        let _ = write!(title, " — covered {n}/{drawn} nodes · {e}/{} edges", graph.edge_count());
        legend = true;
    }
    Ok(canvas.finish(&title, legend))
}

/// Stacks several SVG documents made by [`to_svg`] into one, top to bottom (one picture per flow).
pub fn stack(parts: &[String]) -> String {
    const GAP: f64 = 24.0;
    if parts.len() == 1 {
        return parts[0].clone();
    }
    let dim = |svg: &str, attr: &str| -> f64 {
        let head = &svg[..svg.find('>').unwrap_or(svg.len())];
        let key = format!(" {attr}=\"");
        head.find(&key)
            .and_then(|i| {
                let rest = &head[i + key.len()..];
                rest[..rest.find('"')?].parse().ok()
            })
            .unwrap_or(0.0)
    };
    let width = parts.iter().map(|p| dim(p, "width")).fold(0.0, f64::max);
    let height: f64 =
        parts.iter().map(|p| dim(p, "height")).sum::<f64>() + GAP * parts.len().saturating_sub(1) as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    let mut y = 0.0;
    for (i, p) in parts.iter().enumerate() {
        // Marker ids must stay unique across the nested documents.
        let p = p
            .replace("id=\"end-", &format!("id=\"f{i}-end-"))
            .replace("id=\"start-", &format!("id=\"f{i}-start-"))
            .replace("url(#end-", &format!("url(#f{i}-end-"))
            .replace("url(#start-", &format!("url(#f{i}-start-"));
        let p = p.replacen("<svg ", &format!("<svg x=\"0\" y=\"{y:.0}\" "), 1);
        out.push_str(&p);
        y += dim(&p, "height") + GAP;
    }
    out.push_str("</svg>\n");
    out
}

struct NodeStyle {
    look: NodeLook,
    covered: Option<bool>,
}

/// Our SVG backend. Node shapes are written at once; edges and their labels are buffered so that
/// labels end up on top of every line.
struct Canvas {
    nodes: HashMap<String, NodeStyle>,
    edge_colours: HashMap<String, &'static str>,
    shapes: String,
    edges: String,
    labels: String,
    /// The node whose text comes next (layout-rs draws a shape, then its text).
    pending: Option<String>,
    min: Point,
    max: Point,
}

/// layout-rs may move an edge label onto another (unstyled) connector of the same edge, losing
/// its style; the label's colour therefore travels in the text itself, as a leading tag character.
fn tagged_label(colour: &str, label: &str) -> String {
    if label.is_empty() {
        return String::new();
    }
    let tag = match colour {
        COVERED => '\u{2}',
        UNCOVERED => '\u{3}',
        _ => '\u{1}',
    };
    format!("{tag}{label}")
}

fn marker_id(colour: &str) -> &'static str {
    match colour {
        COVERED => "covered",
        UNCOVERED => "uncovered",
        _ => "ink",
    }
}

impl Canvas {
    fn new(nodes: HashMap<String, NodeStyle>, edge_colours: HashMap<String, &'static str>) -> Self {
        Canvas {
            nodes,
            edge_colours,
            shapes: String::new(),
            edges: String::new(),
            labels: String::new(),
            pending: None,
            min: Point::new(f64::MAX, f64::MAX),
            max: Point::new(f64::MIN, f64::MIN),
        }
    }

    fn grow(&mut self, p: Point) {
        self.min = Point::new(self.min.x.min(p.x), self.min.y.min(p.y));
        self.max = Point::new(self.max.x.max(p.x), self.max.y.max(p.y));
    }

    /// Outline colour, width and dash of a node.
    fn stroke(style: &NodeStyle) -> (&'static str, f64, &'static str) {
        let width = if style.look.terminal { 1.6 } else { 1.2 };
        match style.covered {
            None => (INK, width, ""),
            Some(true) => (COVERED, 2.2, ""),
            Some(false) => (UNCOVERED, width, " stroke-dasharray=\"5,3\""),
        }
    }

    fn node_shape(&mut self, key: &str, center: Point, size: Point) {
        let Some(style) = self.nodes.get(key) else { return };
        let (stroke, width, dash) = Self::stroke(style);
        let fill = style.look.category.fill();
        let (x0, y0) = (center.x - size.x / 2.0, center.y - size.y / 2.0);
        let (x1, y1) = (center.x + size.x / 2.0, center.y + size.y / 2.0);
        let mut s = String::new();
        let _ = write!(
            s,
            "<g class=\"node\" id=\"{key}\"><title>{}</title>",
            crate::source::xml::escape(&format!("{key} · {}", style.look.tooltip))
        );
        let paint = format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{width}\"{dash}");
        match style.look.category {
            Category::Terminus => {
                let _ = write!(
                    s,
                    "<ellipse cx=\"{:.1}\" cy=\"{:.1}\" rx=\"{:.1}\" ry=\"{:.1}\" {paint}/>",
                    center.x,
                    center.y,
                    size.x / 2.0,
                    size.y / 2.0
                );
            }
            Category::Decision | Category::Input => {
                let _ = write!(
                    s,
                    "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1} \
                     {:.1},{:.1}\" {paint}/>",
                    x0,
                    center.y,
                    x0 + HEX_INSET,
                    y0,
                    x1 - HEX_INSET,
                    y0,
                    x1,
                    center.y,
                    x1 - HEX_INSET,
                    y1,
                    x0 + HEX_INSET,
                    y1
                );
            }
            _ => {
                let _ = write!(
                    s,
                    "<rect x=\"{x0:.1}\" y=\"{y0:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"8\" \
                     {paint}/>",
                    size.x, size.y
                );
                if style.look.terminal {
                    // A doubled outline: the call leaves the flow here.
                    let _ = write!(
                        s,
                        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"6\" \
                         fill=\"none\" stroke=\"{stroke}\" stroke-width=\"1\"{dash}/>",
                        x0 + 3.5,
                        y0 + 3.5,
                        size.x - 7.0,
                        size.y - 7.0
                    );
                }
            }
        }
        self.shapes.push_str(&s);
        self.grow(Point::new(x0 - 2.0, y0 - 2.0));
        self.grow(Point::new(x1 + 2.0, y1 + 2.0));
        self.pending = Some(key.to_string());
    }

    fn node_text(&mut self, key: &str, center: Point) {
        let Some(style) = self.nodes.get(key) else { return };
        let colour = if style.covered == Some(false) { UNCOVERED } else { "#212121" };
        let lines = &style.look.lines;
        let top = center.y - lines.len() as f64 * LINE_H / 2.0;
        let mut s = String::new();
        let _ = write!(s, "<text text-anchor=\"middle\" font-size=\"{NODE_FONT_PX}\" fill=\"{colour}\">");
        for (i, line) in lines.iter().enumerate() {
            let weight = if i == 0 { " font-weight=\"bold\"" } else { "" };
            let _ = write!(
                s,
                "<tspan x=\"{:.1}\" y=\"{:.1}\"{weight}>{}</tspan>",
                center.x,
                top + LINE_H * (i as f64 + 0.5) + NODE_FONT_PX * 0.35,
                crate::source::xml::escape(line)
            );
        }
        s.push_str("</text></g>\n");
        self.shapes.push_str(&s);
    }

    /// An edge label. layout-rs puts it in a connector node whose right edge the line passes
    /// through; the text is drawn right-aligned just left of the line.
    fn edge_text(&mut self, xy: Point, text: &str, size_font: usize) {
        let connector_w = text.chars().count() as f64 * size_font as f64 + 10.0;
        let line_x = xy.x + connector_w / 2.0;
        let mut chars = text.chars();
        let (colour, text) = match chars.next() {
            Some('\u{2}') => (COVERED, chars.as_str()),
            Some('\u{3}') => (UNCOVERED, chars.as_str()),
            Some('\u{1}') => ("#37474f", chars.as_str()),
            _ => ("#37474f", text),
        };
        let _ = writeln!(
            self.labels,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"{EDGE_FONT_PX}\" \
             fill=\"{colour}\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\" \
             stroke-linejoin=\"round\">{}</text>",
            line_x - 4.0,
            xy.y + EDGE_FONT_PX * 0.35,
            crate::source::xml::escape(text)
        );
        let w = text.chars().count() as f64 * 7.0;
        self.grow(Point::new(line_x - 4.0 - w, xy.y - 8.0));
        self.grow(Point::new(line_x, xy.y + 8.0));
    }

    fn finish(self, title: &str, legend: bool) -> String {
        let (min, max) = if self.min.x > self.max.x {
            (Point::zero(), Point::new(100.0, 50.0))
        } else {
            (self.min, self.max)
        };
        let legend_w = if legend { 330.0 } else { 0.0 };
        let title_w = title.chars().count() as f64 * 8.5 + 2.0 * MARGIN;
        let width = (max.x - min.x + 2.0 * MARGIN).max(title_w).max(legend_w + 2.0 * MARGIN);
        let height = max.y - min.y + 2.0 * MARGIN + TITLE_H + if legend { 26.0 } else { 0.0 };
        let dx = MARGIN - min.x;
        let dy = MARGIN + TITLE_H + if legend { 26.0 } else { 0.0 } - min.y;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
             viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"{FONT}\">"
        );
        s.push_str("<defs>\n");
        for (id, colour) in [("ink", INK), ("covered", COVERED), ("uncovered", UNCOVERED)] {
            let _ = writeln!(
                s,
                "<marker id=\"end-{id}\" markerWidth=\"10\" markerHeight=\"7\" refX=\"10\" \
                 refY=\"3.5\" orient=\"auto\" markerUnits=\"userSpaceOnUse\"><polygon \
                 points=\"0 0, 10 3.5, 0 7\" fill=\"{colour}\"/></marker>"
            );
            let _ = writeln!(
                s,
                "<marker id=\"start-{id}\" markerWidth=\"10\" markerHeight=\"7\" refX=\"0\" \
                 refY=\"3.5\" orient=\"auto\" markerUnits=\"userSpaceOnUse\"><polygon \
                 points=\"10 0, 10 7, 0 3.5\" fill=\"{colour}\"/></marker>"
            );
        }
        s.push_str("</defs>\n");
        s.push_str("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        let _ = writeln!(
            s,
            "<text x=\"{MARGIN}\" y=\"{:.1}\" font-size=\"16\" font-weight=\"bold\" \
             fill=\"#263238\">{}</text>",
            MARGIN + 14.0,
            crate::source::xml::escape(title)
        );
        if legend {
            let y = MARGIN + TITLE_H + 4.0;
            let x = MARGIN;
            let _ = writeln!(
                s,
                "<g class=\"legend\" font-size=\"12\"><rect x=\"{x}\" y=\"{:.1}\" width=\"26\" \
                 height=\"14\" rx=\"4\" fill=\"white\" stroke=\"{COVERED}\" stroke-width=\"2.2\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" fill=\"{COVERED}\">covered</text><rect x=\"{:.1}\" \
                 y=\"{:.1}\" width=\"26\" height=\"14\" rx=\"4\" fill=\"white\" \
                 stroke=\"{UNCOVERED}\" stroke-dasharray=\"5,3\"/><text x=\"{:.1}\" y=\"{:.1}\" \
                 fill=\"{UNCOVERED}\">not covered</text></g>",
                y - 12.0,
                x + 32.0,
                y,
                x + 110.0,
                y - 12.0,
                x + 142.0,
                y
            );
        }
        let _ = writeln!(s, "<g transform=\"translate({dx:.1},{dy:.1})\">");
        s.push_str(&self.edges);
        s.push_str(&self.shapes);
        s.push_str(&self.labels);
        s.push_str("</g>\n</svg>\n");
        s
    }
}

impl RenderBackend for Canvas {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        match properties {
            Some(key) => {
                let center = Point::new(xy.x + size.x / 2.0, xy.y + size.y / 2.0);
                self.node_shape(&key, center, size)
            }
            None => self.pending = None,
        }
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, xy: Point, size: Point, _look: &StyleAttr, properties: Option<String>) {
        match properties {
            Some(key) => self.node_shape(&key, xy, size),
            None => self.pending = None,
        }
    }

    fn draw_text(&mut self, xy: Point, text: &str, look: &StyleAttr) {
        match self.pending.take() {
            Some(key) => self.node_text(&key, xy),
            None if !text.is_empty() => self.edge_text(xy, text, look.font_size),
            None => {}
        }
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        dashed: bool,
        head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        if path.len() < 2 {
            return;
        }
        let colour = properties.as_deref().and_then(|k| self.edge_colours.get(k).copied()).unwrap_or(INK);
        let width = if colour == COVERED { 2.0 } else { 1.2 };
        let mut d = format!(
            "M {:.1} {:.1} C {:.1} {:.1}, {:.1} {:.1}, {:.1} {:.1}",
            path[0].0.x,
            path[0].0.y,
            path[0].1.x,
            path[0].1.y,
            path[1].0.x,
            path[1].0.y,
            path[1].1.x,
            path[1].1.y
        );
        for p in &path[2..] {
            let _ = write!(d, " S {:.1} {:.1}, {:.1} {:.1}", p.0.x, p.0.y, p.1.x, p.1.y);
        }
        for p in path {
            self.grow(p.0);
            self.grow(p.1);
        }
        let id = marker_id(colour);
        let mut attrs = String::new();
        if dashed {
            attrs.push_str(" stroke-dasharray=\"6,4\"");
        }
        if head.0 {
            let _ = write!(attrs, " marker-start=\"url(#start-{id})\"");
        }
        if head.1 {
            let _ = write!(attrs, " marker-end=\"url(#end-{id})\"");
        }
        let _ = writeln!(
            self.edges,
            "<path class=\"edge\" d=\"{d}\" fill=\"none\" stroke=\"{colour}\" \
             stroke-width=\"{width}\"{attrs}/>"
        );
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::{NodeId, compile_flow};

    fn graph_of(text: &str) -> (FlowGraph, SourceMap) {
        let mut sources = SourceMap::new();
        let file = sources.add("main.flow", text.to_string());
        let (ast, diags) = crate::syntax::parse(file, text);
        let ast = ast.unwrap_or_else(|| panic!("parse failed: {diags:?}"));
        (compile_flow(&ast.flows[0]), sources)
    }

    const FLOW: &str = r#"inbound flow Acme {
  if not open(BusinessHours) {
    play "We are closed & will be back <soon>."
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
    ask Flow.Account "Enter your account number" digits 6..10
    return
  }
}
"#;

    #[test]
    fn svg_contains_every_label() {
        let (g, src) = graph_of(FLOW);
        let svg = to_svg(&g, &src, None).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..100]);
        assert!(svg.trim_end().ends_with("</svg>"));
        for n in g.drawn_nodes() {
            assert!(svg.contains(&format!("id=\"{}\"", n.id)), "missing node {}", n.id);
        }
        assert!(svg.contains(">menu MainMenu<"));
        assert!(svg.contains(">not open(BusinessHours)<"));
        assert!(svg.contains("&amp; will be back"));
        assert!(svg.contains("&lt;soon&gt;"));
        assert!(svg.contains(">press 1<"));
        assert!(svg.contains(">exhausted<"));
        assert!(svg.contains(">retry<"));
        assert!(svg.contains("<title>n1 · main.flow:2</title>"));
        assert_eq!(svg.matches("class=\"edge\"").count(), g.edge_count());
        // Deterministic.
        assert_eq!(svg, to_svg(&g, &src, None).unwrap());
        assert!(!svg.contains(&format!("stroke=\"{UNCOVERED}\"")));
    }

    #[test]
    fn painting_colours_nodes_and_edges() {
        let (g, src) = graph_of(FLOW);
        let mut paint = Paint::default();
        paint.covered_nodes.insert(NodeId(0));
        paint.covered_nodes.insert(NodeId(1));
        let e = g.outgoing(NodeId(0))[0];
        paint.covered_edges.insert((e.from, e.to, e.outcome.clone()));
        let svg = to_svg(&g, &src, Some(&paint)).unwrap();
        let node = |id: &str| {
            let start = svg.find(&format!("id=\"{id}\"")).unwrap();
            svg[start..start + svg[start..].find("</g>").unwrap()].to_string()
        };
        assert!(node("n0").contains(COVERED));
        assert!(node("n2").contains(UNCOVERED) && node("n2").contains("stroke-dasharray"));
        assert_eq!(svg.matches("class=\"edge\" d=").count(), g.edge_count());
        let covered_edges = svg.lines().filter(|l| l.contains("class=\"edge\"") && l.contains(COVERED));
        assert_eq!(covered_edges.count(), 1);
        assert!(svg.contains("not covered"));
        assert!(svg.contains(&format!("covered 2/{} nodes", g.drawn_nodes().count())));
    }

    #[test]
    fn stacking_keeps_every_flow() {
        let (a, src) = graph_of(FLOW);
        let (b, src_b) = graph_of("outbound flow Greet { play \"Hello\" connect agent }");
        let parts = vec![to_svg(&a, &src, None).unwrap(), to_svg(&b, &src_b, None).unwrap()];
        let all = stack(&parts);
        assert!(all.starts_with("<svg"));
        assert!(all.contains("inbound flow Acme") && all.contains("outbound flow Greet"));
        assert!(all.contains("id=\"f1-end-ink\"") && all.contains("url(#f1-end-ink)"));
        assert_eq!(stack(&parts[..1]), parts[0]);
    }

    #[test]
    fn self_loops_and_restarts_render() {
        let (g, src) = graph_of(
            "inqueue flow Wait { play estimated wait menu M \"Press 1\" { 1 => connect agent noinput => {} } hold 1m }",
        );
        let svg = to_svg(&g, &src, None).unwrap();
        assert!(svg.contains(">restart<"));
        assert!(svg.contains(">noinput<"));
        assert!(svg.contains("end → restart"));
    }
}
