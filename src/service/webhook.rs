//! `serve --dialer webhook URL`: each dial is POSTed to the URL (a telephony platform's endpoint)
//! as JSON — `{callbackId, attempt, number, callerId, reportTo}` — and the platform reports how it
//! went with `POST /api/v2/callbacks/{id}/attempts/{attempt}/result` (`{"result": "answered" |
//! "no_answer" | "busy" | "machine"}`). A dial whose result does not come within
//! [`RESULT_TIMEOUT`], or whose webhook cannot be delivered, counts as not answered (the queue's
//! retry rules go on). The attempt was claimed in the store before the POST, so a restart never
//! places it again.

use super::ServiceState;
use super::auth::Scope;
use super::problem::Problem;
use crate::callbacks::dialer::{DialRequest, ExternalDialer};
use crate::callbacks::people::DialResult;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::future::Future;
use std::io::{Read, Write};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use utoipa::ToSchema;

/// How long a dial waits for its result.
pub const RESULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Dials waiting for their result, by (callback id, attempt).
pub type Waiting = Arc<Mutex<HashMap<(String, u32), oneshot::Sender<DialResult>>>>;

/// The dialer the dispatcher uses.
pub struct WebhookDialer {
    url: Url,
    waiting: Waiting,
}

/// An `http://host[:port]/path` URL (the webhook is a service on the operator's network).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    host: String,
    port: u16,
    path: String,
}

impl Url {
    pub fn parse(text: &str) -> Result<Url, String> {
        let rest = text.strip_prefix("http://").ok_or_else(|| {
            format!(
                "`{text}` is not an http:// URL (put a TLS-terminating proxy in front of an https endpoint)"
            )
        })?;
        let (authority, path) =
            rest.split_once('/').map_or((rest, "/".to_string()), |(a, p)| (a, format!("/{p}")));
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => {
                (h.to_string(), p.parse().map_err(|_| format!("`{p}` in `{text}` is not a port"))?)
            }
            None => (authority.to_string(), 80),
        };
        if host.is_empty() {
            return Err(format!("`{text}` has no host"));
        }
        Ok(Url { host, port, path })
    }
}

impl WebhookDialer {
    pub fn new(url: Url, waiting: Waiting) -> WebhookDialer {
        WebhookDialer { url, waiting }
    }
}

/// The webhook's body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Webhook<'a> {
    callback_id: &'a str,
    attempt: u32,
    number: &'a str,
    caller_id: Option<&'a str>,
    /// Where to POST the result.
    report_to: String,
}

/// POSTs `body` to `url`; answers the status code.
fn post(url: &Url, body: &str) -> Result<u16, String> {
    let addr = format!("{}:{}", url.host, url.port);
    let mut s = std::net::TcpStream::connect(&addr).map_err(|e| format!("{addr}: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    s.set_write_timeout(Some(Duration::from_secs(10))).ok();
    let req = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        url.path,
        url.host,
        body.len()
    );
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut head = [0u8; 64];
    let n = s.read(&mut head).map_err(|e| e.to_string())?;
    let line = String::from_utf8_lossy(&head[..n]);
    line.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("not an HTTP answer: {line}"))
}

impl ExternalDialer for WebhookDialer {
    fn dial(&self, request: DialRequest) -> Pin<Box<dyn Future<Output = DialResult>>> {
        let (tx, rx) = oneshot::channel();
        let key = (request.callback_id.clone(), request.attempt);
        self.waiting.lock().unwrap_or_else(|e| e.into_inner()).insert(key.clone(), tx);
        let body = serde_json::to_string(&Webhook {
            callback_id: &request.callback_id,
            attempt: request.attempt,
            number: &request.number,
            caller_id: request.caller_id.as_deref(),
            report_to: format!(
                "/api/v2/callbacks/{}/attempts/{}/result",
                request.callback_id, request.attempt
            ),
        })
        .unwrap_or_default();
        let url = self.url.clone();
        let waiting = self.waiting.clone();
        Box::pin(async move {
            // The POST blocks on the network: off the dispatcher's thread.
            let delivered = tokio::task::spawn_blocking(move || post(&url, &body)).await;
            let ok = matches!(delivered, Ok(Ok(code)) if (200..300).contains(&code));
            if !ok {
                tracing::warn!(
                    callback = key.0,
                    attempt = key.1,
                    "the dial webhook was not accepted: {delivered:?}"
                );
                waiting.lock().unwrap_or_else(|e| e.into_inner()).remove(&key);
                return DialResult::NoAnswer;
            }
            match tokio::time::timeout(RESULT_TIMEOUT, rx).await {
                Ok(Ok(result)) => result,
                _ => {
                    waiting.lock().unwrap_or_else(|e| e.into_inner()).remove(&key);
                    tracing::warn!(
                        callback = key.0,
                        attempt = key.1,
                        "no dial result in time: counted as not answered"
                    );
                    DialResult::NoAnswer
                }
            }
        })
    }
}

/// The result a telephony platform reports.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialReport {
    /// answered, no_answer, busy or machine.
    pub result: String,
}

/// `POST /api/v2/callbacks/{id}/attempts/{attempt}/result`.
#[utoipa::path(post, path = "/api/v2/callbacks/{id}/attempts/{attempt}/result", tag = "dialer",
    params(("id" = String, Path), ("attempt" = u32, Path)), request_body = DialReport,
    responses((status = 202, description = "the waiting dial has its result"),
        (status = 400),
        (status = 404, description = "no dial of this attempt is waiting (already reported, timed out, or not a webhook server)"),
        (status = 415), (status = 422)),
    security(("bearer" = [])))]
pub async fn report(
    AxState(state): AxState<Arc<ServiceState>>,
    headers: HeaderMap,
    path: Result<Path<(String, u32)>, axum::extract::rejection::PathRejection>,
    b: super::genesys::Body<DialReport>,
) -> Result<StatusCode, Problem> {
    let Path((id, attempt)) =
        path.map_err(|_| Problem::bad_request("path", "attempt", "the attempt is a whole number from 1"))?;
    let caller = state.tokens.caller(&headers, Scope::Task)?;
    if !caller.is_supervisor() {
        return Err(Problem::forbidden(
            "dial results come from the dialer's integration token, not an agent's",
        ));
    }
    let body = super::genesys::body(b)?;
    let result = DialResult::parse(&body.result).ok_or_else(|| {
        Problem::bad_request(
            "body",
            "result",
            format!("`{}` is not answered, no_answer, busy or machine", body.result),
        )
    })?;
    let waiting = state.dial_waits.lock().unwrap_or_else(|e| e.into_inner()).remove(&(id.clone(), attempt));
    match waiting.map(|tx| tx.send(result)) {
        Some(Ok(())) => Ok(StatusCode::ACCEPTED),
        _ => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no dial is waiting",
            format!(
                "attempt {attempt} of callback {id} is not waiting for a result (reported already, timed out, or never dialled through the webhook)"
            ),
        )),
    }
}
