//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` annotations and the
//! wire types, served at `/openapi.json`; and `/docs`, a page rendered from that document on the
//! server (no script, no CDN: it works offline and behind any proxy).

use super::{
    agents, auth, campaigns, contacts, desk, disposition, genesys, genesys_model, health, phone, problem,
    report, slots, switches, webex, webex_model, webhook,
};
use axum::Json;
use axum::response::Html;
use serde_json::Value;
use std::fmt::Write;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "callwright callback service",
        description = "Callbacks of a callwright project: the Genesys Cloud shape (seed 004) and the Webex shape (seed 000) over the same callbacks, booking slots, an event stream. Errors are application/problem+json with a stable code (CB001…). Authenticate with `Authorization: Bearer TOKEN` (`callwright serve token create`)."
    ),
    paths(
        genesys::create, genesys::list, genesys::get_one, genesys::patch, genesys::delete, genesys::batch,
        webex::create, webex::list, webex::get_one, webex::put, webex::delete,
        disposition::dispose, slots::slots, report::report, webhook::report, agents::list, agents::set_presence, agents::availability, desk::get_desk, desk::answer_offer, desk::end_call, desk::hold, desk::keys, contacts::create, contacts::list, contacts::get_one, contacts::put, contacts::add_number, contacts::delete,
        health::events, health::readyz, health::metrics, auth::me,
        switches::list, switches::put,
        campaigns::list, campaigns::get_one, campaigns::act, campaigns::reschedule,
        phone::numbers, phone::create_line, phone::delete_line, phone::dial, phone::keys, phone::answer, phone::hang_up, phone::events,
    ),
    components(schemas(
        genesys_model::CreateBody, genesys_model::PatchBody, genesys_model::GenesysCallback,
        genesys_model::CallbackPage, genesys_model::BatchBody, genesys_model::BatchAnswer,
        webex_model::ScheduledCallback, webex_model::WebexCallback, webex_model::WebexPage,
        slots::SlotGrid, agents::AgentView, agents::QueueAvailability, agents::PresenceBody, desk::DeskView, desk::OfferView, desk::CallView, desk::KeysBody, contacts::ContactBody, contacts::NumberBody, contacts::ContactView, contacts::NumberView, contacts::HistoryItem,
        report::Report, webhook::DialReport, disposition::DispositionBody, health::Readiness, problem::ProblemDoc, auth::Me,
        switches::SwitchBody,
        campaigns::CampaignView, campaigns::Change, campaigns::Status, campaigns::AgentCampaign, campaigns::RescheduleBody,
        phone::NewLine, phone::LineView, phone::DirectoryEntry, phone::Dial, phone::Keys,
    )),
    modifiers(&Bearer, &Problems),
    tags(
        (name = "genesys", description = "Seed 004: POST/GET/PATCH/DELETE /api/v2/callbacks"),
        (name = "webex", description = "Seed 000: scheduled callbacks of an organization"),
        (name = "slots", description = "The booking grid: places left per slot"),
        (name = "reporting", description = "Time to Callback against a service level, per queue and agent (seed 004)"),
        (name = "dialer", description = "Results from a telephony platform behind `--dialer webhook URL`"),
        (name = "agents", description = "Agent presence and availability per queue"),
        (name = "events", description = "Callback changes as server-sent events"),
        (name = "switches", description = "center.yaml's switches, flipped by a supervisor without redeploying"),
        (name = "campaigns", description = "Outbound campaigns of center.yaml: start, pause, resume, stop, progress; rescheduling a campaign call (seed 002)"),
        (name = "phone", description = "The web phone: dial the project's numbers, press keys, get rung by callbacks"),
        (name = "operations", description = "Readiness and metrics"),
    )
)]
pub struct ApiDoc;

/// The bearer-token security scheme the paths refer to.
struct Bearer;

impl utoipa::Modify for Bearer {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every error answer is the same problem+json body, and every operation behind a token can
/// answer 401 and 403: said once here rather than on each of the handlers' annotations, which
/// list only the statuses particular to their operation.
struct Problems;

impl utoipa::Modify for Problems {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let content = || ContentBuilder::new().schema(Some(Ref::from_schema_name("ProblemDoc"))).build();
        for item in api.paths.paths.values_mut() {
            let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for op in ops.into_iter().flatten() {
                let responses = &mut op.responses.responses;
                if op.security.is_some() {
                    for status in ["401", "403"] {
                        responses
                            .entry(status.to_string())
                            .or_insert_with(|| RefOr::T(ResponseBuilder::new().build()));
                    }
                }
                for (status, response) in responses.iter_mut() {
                    let RefOr::T(response) = response else { continue };
                    let Some(why) = problem_status(status) else { continue };
                    if response.description.is_empty() {
                        response.description = why.to_string();
                    }
                    response.content.insert("application/problem+json".to_string(), content());
                }
            }
        }
    }
}

/// What an error status means in this API; `None` for a success.
fn problem_status(status: &str) -> Option<&'static str> {
    Some(match status {
        "400" => "the request breaks a rule or a field cannot be read (code and field in the body)",
        "401" => "no token, or one this server does not know",
        "403" => "the token lacks the scope or the role for this request",
        "404" => "no such resource (or not one this token may see)",
        "409" => "a conflict with stored callbacks",
        "413" => "the body is over 256 KB",
        "415" => "the body is not application/json",
        "422" => "JSON that does not fit the body",
        "429" => "over the token's rate; see Retry-After",
        _ => return None,
    })
}

/// The document as JSON.
pub fn document() -> Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null)
}

pub async fn openapi_json() -> Json<Value> {
    Json(document())
}

/// `/docs`: every path with its parameters, body and answers, then every schema.
pub async fn docs() -> Html<String> {
    Html(render(&document()))
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The name a `$ref` points at, or the type of an inline schema.
fn type_name(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    if let Some(items) = schema.get("items") {
        return format!("array of {}", type_name(items));
    }
    if let Some(any) = schema.get("oneOf").and_then(Value::as_array) {
        return any.iter().map(type_name).collect::<Vec<_>>().join(" or ");
    }
    match schema.get("type") {
        Some(Value::String(t)) => esc(t),
        Some(Value::Array(ts)) => {
            ts.iter().filter_map(Value::as_str).map(esc).collect::<Vec<_>>().join(" or ")
        }
        _ => "any".into(),
    }
}

fn render(doc: &Value) -> String {
    let mut out = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>callwright API</title><style>\
         body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}\
         code,.path{font-family:ui-monospace,monospace}.op{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}\
         .m{display:inline-block;min-width:4.5rem;font-weight:bold}.get{color:#06c}.post{color:#080}.put,.patch{color:#a60}.delete{color:#c00}\
         table{border-collapse:collapse}td,th{border-bottom:1px solid #eee;padding:2px 8px;text-align:left;vertical-align:top}\
         </style></head><body>",
    );
    let info = &doc["info"];
    let _ = write!(
        out,
        "<h1>{}</h1><p>{}</p><p>OpenAPI {} document: <a href=\"/openapi.json\">/openapi.json</a></p>",
        esc(info["title"].as_str().unwrap_or("")),
        esc(info["description"].as_str().unwrap_or("")),
        esc(doc["openapi"].as_str().unwrap_or(""))
    );
    if let Some(paths) = doc["paths"].as_object() {
        for (path, ops) in paths {
            for (method, op) in ops.as_object().into_iter().flatten() {
                let _ = write!(
                    out,
                    "<div class=\"op\"><p><span class=\"m {m}\">{M}</span> <span class=\"path\">{p}</span></p>",
                    m = esc(method),
                    M = esc(&method.to_uppercase()),
                    p = esc(path)
                );
                if let Some(d) = op["description"].as_str().or(op["summary"].as_str()) {
                    let _ = write!(out, "<p>{}</p>", esc(d));
                }
                if let Some(params) = op["parameters"].as_array() {
                    out.push_str("<table><tr><th>parameter</th><th>in</th><th>type</th><th></th></tr>");
                    for p in params {
                        let _ = write!(
                            out,
                            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                            esc(p["name"].as_str().unwrap_or("")),
                            esc(p["in"].as_str().unwrap_or("")),
                            type_name(&p["schema"]),
                            esc(p["description"].as_str().unwrap_or(""))
                        );
                    }
                    out.push_str("</table>");
                }
                if let Some(body) = op["requestBody"]["content"].as_object().and_then(|c| c.values().next()) {
                    let _ = write!(out, "<p>Body: {}</p>", type_name(&body["schema"]));
                }
                out.push_str("<table><tr><th>answer</th><th></th><th></th></tr>");
                for (status, r) in op["responses"].as_object().into_iter().flatten() {
                    let body = r["content"]
                        .as_object()
                        .and_then(|c| c.values().next())
                        .map(|c| type_name(&c["schema"]));
                    let _ = write!(
                        out,
                        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(status),
                        body.unwrap_or_default(),
                        esc(r["description"].as_str().unwrap_or(""))
                    );
                }
                out.push_str("</table></div>");
            }
        }
    }
    out.push_str("<h2>Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let _ = write!(out, "<h3 id=\"schema-{0}\">{0}</h3>", esc(name));
            if let Some(d) = schema["description"].as_str() {
                let _ = write!(out, "<p>{}</p>", esc(d));
            }
            let required: Vec<&str> =
                schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            out.push_str("<table>");
            for (field, s) in schema["properties"].as_object().into_iter().flatten() {
                let _ = write!(
                    out,
                    "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(field),
                    if required.contains(&field.as_str()) { " *" } else { "" },
                    type_name(s),
                    esc(s["description"].as_str().unwrap_or(""))
                );
            }
            out.push_str("</table>");
        }
    }
    out.push_str("</body></html>");
    out
}
