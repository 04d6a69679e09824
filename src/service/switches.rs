//! The switches of center.yaml (`switches: { Emergency: false }`): read by anyone, flipped by a
//! supervisor or an admin without redeploying — the flows' `switched(Emergency)` sees the new value
//! on the next call that asks, on this server's engine. Each flip is logged and announced on the
//! event stream. A restart starts again from center.yaml's values.

use super::ServiceState;
use super::auth::Scope;
use super::genesys::{Body, body};
use super::problem::Problem;
use axum::Json;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SwitchBody {
    pub on: bool,
}

/// `GET /api/v2/switches`: every switch and whether it is on.
#[utoipa::path(get, path = "/api/v2/switches", tag = "switches",
    responses((status = 200, body = BTreeMap<String, bool>)), security(("bearer" = [])))]
pub async fn list(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
) -> Result<Json<BTreeMap<String, bool>>, Problem> {
    state.tokens.caller(&headers, Scope::Read)?;
    Ok(Json(state.switches.read().map(|m| m.clone()).unwrap_or_default()))
}

/// `PUT /api/v2/switches/{name}`: turns a switch on or off (supervisors and admins).
#[utoipa::path(put, path = "/api/v2/switches/{name}", tag = "switches", request_body = SwitchBody,
    params(("name" = String, Path)),
    responses((status = 200, body = BTreeMap<String, bool>), (status = 400, description = "a body that cannot be read"),
        (status = 403, description = "an agent's token"),
        (status = 404, description = "no such switch in center.yaml"), (status = 413), (status = 415), (status = 422, description = "a body that cannot be read")),
    security(("bearer" = [])))]
pub async fn put(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(name): Path<String>,
    req: Body<SwitchBody>,
) -> Result<Json<BTreeMap<String, bool>>, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Write)?;
    if !caller.is_supervisor() {
        return Err(Problem::forbidden("only a supervisor or an admin flips a switch"));
    }
    let req = body(req)?;
    let mut map = state.switches.write().map_err(|_| Problem::internal("the switches are unavailable"))?;
    let Some(value) = map.get_mut(&name) else {
        let known: Vec<&str> = map.keys().map(String::as_str).collect();
        let help = crate::source::suggest::help_for(&name, "switch", known.iter().copied());
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "unknown_switch",
            "no such switch",
            format!("center.yaml has no switch `{name}`; {help}"),
        ));
    };
    *value = req.on;
    tracing::info!(switch = name, on = req.on, "switch flipped");
    let all = map.clone();
    drop(map);
    state.events.switched(&name, req.on);
    Ok(Json(all))
}
