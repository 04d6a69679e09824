//! `serve --live-data`: data actions make their HTTP requests for real (HTTPS with the Mozilla
//! roots, or HTTP), on the blocking pool so the engine's thread never waits on a socket. Secrets
//! named in templates (`{env.CRM_TOKEN}`) are read from the server's environment; they go into
//! the request only, never into a trace or a log line.

use crate::runtime::data_action::{DataGateway, DataResult, HttpCall};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// The most of an error answer's body a failure quotes.
const QUOTE: usize = 200;

pub struct HttpGateway;

impl DataGateway for HttpGateway {
    fn call(&self, call: HttpCall) -> Pin<Box<dyn Future<Output = DataResult>>> {
        Box::pin(async move {
            let (method, url) = (call.method, call.url.clone());
            let started = std::time::Instant::now();
            let result = match tokio::task::spawn_blocking(move || request(call)).await {
                Ok(r) => r,
                Err(e) => DataResult::Failure(format!("the request stopped: {e}")),
            };
            // The URL may carry inputs (a caller's number) but never a secret unless the
            // project put one in its path; only the host is logged.
            let host = url.split('/').nth(2).unwrap_or_default().to_string();
            let outcome = match &result {
                DataResult::Success(_) => "success",
                DataResult::Failure(_) => "failure",
                DataResult::TimedOut => "timeout",
            };
            tracing::info!(method, host, outcome, ms = started.elapsed().as_millis() as u64, "data action");
            result
        })
    }

    fn env(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

/// One request, blocking, within its timeout.
fn request(call: HttpCall) -> DataResult {
    let timeout = Duration::from_micros(call.timeout.max(1) as u64);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut builder = ureq::http::Request::builder().method(call.method).uri(&call.url);
    for (k, v) in &call.headers {
        builder = builder.header(k, v);
    }
    if call.body.is_some() {
        builder = builder.header("Content-Type", "application/json");
    }
    let req = match builder.body(call.body.unwrap_or_default()) {
        Ok(r) => r,
        Err(e) => return DataResult::Failure(format!("the request cannot be made: {e}")),
    };
    match agent.run(req) {
        Ok(mut response) => {
            let status = response.status();
            let text = response.body_mut().read_to_string().unwrap_or_default();
            if !status.is_success() {
                let quote: String = text.chars().take(QUOTE).collect();
                return DataResult::Failure(format!("HTTP {}: {quote}", status.as_u16()));
            }
            match serde_json::from_str(&text) {
                Ok(body) => DataResult::Success(body),
                Err(e) => DataResult::Failure(format!("the answer is not JSON: {e}")),
            }
        }
        Err(ureq::Error::Timeout(_)) => DataResult::TimedOut,
        Err(e) => DataResult::Failure(e.to_string()),
    }
}
