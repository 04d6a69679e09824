//! `/flows`: each flow of the served project as its graph (SVG) with its diagnostics, and — when
//! the project has flow tests — the coverage of those tests painted on the graph (green: taken,
//! red: never taken), as `callwright graph --coverage` draws it.
//!
//! The flows are drawn on the first request and kept (a server serves one checked project). The
//! coverage comes from a [`CoverageSource`] the CLI hands in: running flow tests belongs to the
//! `testing` layer, which the service does not use.

use crate::compile::dot::Paint;
use crate::compile::svg;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// Runs the project's flow tests and answers, per flow, the paint of what they covered and a
/// one-line summary (`nodes 12/14, edges 20/25`).
/// Per flow: the paint of what the tests covered, and the summary line.
pub type Painted = BTreeMap<String, (Paint, String)>;

#[derive(Clone)]
pub struct CoverageSource(pub Arc<dyn Fn() -> Result<Painted, String> + Send + Sync>);

impl std::fmt::Debug for CoverageSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CoverageSource")
    }
}

/// One flow as the page shows it.
struct FlowView {
    name: String,
    svg: String,
    coverage: Option<String>,
}

/// The page, drawn once.
struct Drawn {
    flows: Vec<FlowView>,
    /// Warnings of the check, rendered as `check` prints them (a served project has no errors).
    diagnostics: Vec<String>,
    /// Why there is no coverage (no tests, or they could not run).
    coverage_note: Option<String>,
}

/// The served project's flows, drawn on first use.
pub struct Flows {
    project: Option<std::path::PathBuf>,
    coverage: Option<CoverageSource>,
    drawn: OnceLock<Result<Drawn, String>>,
}

impl Flows {
    pub fn new(project: Option<std::path::PathBuf>, coverage: Option<CoverageSource>) -> Flows {
        Flows { project, coverage, drawn: OnceLock::new() }
    }

    fn drawn(&self) -> &Result<Drawn, String> {
        self.drawn.get_or_init(|| {
            let Some(dir) = &self.project else {
                return Err("this server was started without a project: `callwright serve PROJECT`".into());
            };
            let checked = crate::project::Project::load(dir).map_err(|e| e.to_string())?.check();
            let (paints, coverage_note) = match &self.coverage {
                None => {
                    (BTreeMap::new(), Some("no coverage: the project was served without its tests".into()))
                }
                Some(run) => match (run.0)() {
                    Ok(p) if p.is_empty() => (p, Some("no coverage: the project has no flow tests".into())),
                    Ok(p) => (p, None),
                    Err(e) => {
                        (BTreeMap::new(), Some(format!("no coverage: the flow tests did not run ({e})")))
                    }
                },
            };
            let sources = checked.sources();
            let mut flows = Vec::new();
            for g in &checked.graphs {
                let painted = paints.get(g.name());
                let svg = svg::to_svg(g, sources, painted.map(|(p, _)| p))
                    .map_err(|e| format!("could not draw `{}`: {e}", g.name()))?;
                flows.push(FlowView {
                    name: g.name().to_string(),
                    svg,
                    coverage: painted.map(|(_, s)| s.clone()),
                });
            }
            let diagnostics =
                checked.diagnostics.iter().map(|d| crate::diagnostics::render(d, sources, false)).collect();
            Ok(Drawn { flows, diagnostics, coverage_note })
        })
    }
}

/// Draws the flows (and runs their tests) on a blocking thread the first time: seconds of work
/// that must not hold one of the server's two runtime workers.
async fn drawn_off_the_runtime(state: &Arc<super::ServiceState>) {
    if state.flows.drawn.get().is_none() {
        let state = state.clone();
        let _ = tokio::task::spawn_blocking(move || {
            state.flows.drawn();
        })
        .await;
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `GET /flows`: the page (no token: it shows the project's source, not its callbacks).
pub async fn page(AxState(state): AxState<Arc<super::ServiceState>>) -> Response {
    drawn_off_the_runtime(&state).await;
    let body = match state.flows.drawn() {
        Err(e) => format!("<p class=\"form-error\">{}</p>", escape(e)),
        Ok(d) => {
            let mut html = String::new();
            html.push_str("<nav aria-label=\"Flows\"><ul>");
            for f in &d.flows {
                let n = escape(&f.name);
                html.push_str(&format!("<li><a href=\"#flow-{n}\">{n}</a></li>"));
            }
            html.push_str("</ul></nav>");
            if let Some(note) = &d.coverage_note {
                html.push_str(&format!("<p class=\"muted\">{}</p>", escape(note)));
            }
            html.push_str("<section aria-labelledby=\"diag-title\"><h2 id=\"diag-title\">Diagnostics</h2>");
            if d.diagnostics.is_empty() {
                html.push_str("<p>No warnings.</p>");
            } else {
                for text in &d.diagnostics {
                    html.push_str(&format!("<pre class=\"diagnostic\">{}</pre>", escape(text)));
                }
            }
            html.push_str("</section>");
            for f in &d.flows {
                let n = escape(&f.name);
                let cov = f.coverage.as_deref().map(|c| format!(" — covered by the tests: {}", escape(c)));
                html.push_str(&format!(
                    "<section id=\"flow-{n}\" aria-labelledby=\"title-{n}\"><h2 id=\"title-{n}\">{n}{}</h2>\
                     <div class=\"graph\"><img src=\"/flows/{n}.svg\" alt=\"the graph of flow {n}\"></div></section>",
                    cov.unwrap_or_default()
                ));
            }
            html
        }
    };
    let html = include_str!("pages/flows.html").replace("<!--flows-->", &body);
    super::pages::html(html)
}

/// `GET /flows/{name}.svg`: one flow's graph.
pub async fn graph(AxState(state): AxState<Arc<super::ServiceState>>, Path(file): Path<String>) -> Response {
    drawn_off_the_runtime(&state).await;
    let found = file.strip_suffix(".svg").and_then(|name| {
        state.flows.drawn().as_ref().ok()?.flows.iter().find(|f| f.name == name).map(|f| f.svg.clone())
    });
    match found {
        Some(svg) => {
            let mut r = (StatusCode::OK, svg).into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
            r
        }
        None => super::problem::Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such flow",
            format!("`{file}` is not a flow of the served project; see /flows"),
        )
        .into_response(),
    }
}
