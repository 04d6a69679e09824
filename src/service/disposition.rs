//! `POST /api/v2/callbacks/{id}/disposition`: the agent closes a callback it worked with one of
//! the queue's disposition codes (`dispositions` in center.yaml) and free-text notes (seed 001).
//! Kept in the callback's data (`disposition`, `dispositionNotes`, `dispositionBy`,
//! `dispositionAt`), recorded in its history, shown by both API shapes and counted by the report.

use super::auth::{Role, Scope};
use super::genesys_model::{GenesysCallback, view};
use super::problem::Problem;
use super::{ServiceState, ops};
use crate::callbacks::State;
use crate::callbacks::store::CallbackStore;
use crate::callbacks::store::codec::{encode, store_state};
use axum::Json;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// Longest notes kept.
const NOTES_MAX: usize = 2000;

/// The disposition body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispositionBody {
    /// One of the queue's disposition codes.
    pub code: String,
    /// Free text, at most 2,000 characters.
    #[serde(default)]
    pub notes: Option<String>,
}

#[utoipa::path(post, path = "/api/v2/callbacks/{id}/disposition", tag = "genesys", params(("id" = String, Path)),
    request_body = DispositionBody,
    responses((status = 200, body = GenesysCallback),
        (status = 400), (status = 404),
        (status = 409, description = "not dialled yet, or changed meanwhile"),
        (status = 415), (status = 422)),
    security(("bearer" = [])))]
pub async fn dispose(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: super::genesys::Body<DispositionBody>,
) -> Result<Json<GenesysCallback>, Problem> {
    let caller = state.tokens.caller(&headers, Scope::Task)?;
    let body = super::genesys::body(b)?;
    // An agent closes the callbacks they own and the queue callbacks they worked at their desk.
    let worked = matches!(&caller.role, Role::Agent { agent } if state.desk.worked(agent, &id));
    let mut cb = ops::load(&state, if worked { &Role::Admin } else { &caller.role }, &id)?;
    let codes = state.settings(&cb.queue).unwrap_or_default().dispositions;
    if !codes.contains(&body.code) {
        return Err(Problem::bad_request(
            "body",
            "code",
            format!(
                "`{}` is not a disposition of queue {}; use one of {}",
                body.code,
                cb.queue,
                codes.join(", ")
            ),
        ));
    }
    let notes = body.notes.unwrap_or_default();
    if notes.chars().count() > NOTES_MAX {
        return Err(Problem::bad_request(
            "body",
            "notes",
            format!("the notes are longer than {NOTES_MAX} characters"),
        ));
    }
    if cb.attempts_made == 0 && !matches!(cb.state, State::Processing | State::Completed) {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "not_called",
            "not called yet",
            format!(
                "callback {id} is {} and has not been dialled; a disposition closes a callback that was worked",
                cb.state
            ),
        ));
    }
    let by = match &caller.role {
        Role::Agent { agent } => agent.clone(),
        Role::Supervisor => "supervisor".into(),
        Role::Admin => "admin".into(),
    };
    // The dispatcher may close the callback while the agent writes the disposition (End call
    // frees the agent and completes it): read it again and write on the new state.
    let mut tries = 0;
    loop {
        let now = chrono::Utc::now();
        cb.data.insert("disposition".into(), body.code.clone());
        cb.data.insert("dispositionNotes".into(), notes.clone());
        cb.data.insert("dispositionBy".into(), by.clone());
        cb.data.insert("dispositionAt".into(), now.to_rfc3339());
        cb.updated_at = now;
        let row_state = store_state(cb.state);
        let update = encode(&cb, now).map_err(Problem::internal)?;
        let moved = state
            .lock_store()?
            .transition(
                &id,
                &row_state,
                &row_state,
                Some("disposition"),
                now.timestamp_micros(),
                Some(&update),
            )
            .map_err(|e| Problem::internal(e.to_string()))?;
        if moved {
            break;
        }
        tries += 1;
        if tries >= 5 {
            return Err(Problem::changed(&id));
        }
        cb = ops::load(&state, &Role::Admin, &id)?;
    }
    state.events.changed(&cb, Some(cb.state), "disposition");
    if let Role::Agent { agent } = &caller.role
        && state.desk.done(agent, &id)
    {
        state.agents.set(agent, super::agents::Presence::LoggedOut);
        state.events.agent(agent, "logged_out", &id);
        tracing::info!(agent, "logged out after their last record (negotiated logout)");
    }
    Ok(Json(view(&cb)))
}
