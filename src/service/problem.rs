//! Every 4xx answer is `application/problem+json` (RFC 9457), with the stable code (`CB010`, …),
//! the JSON field at fault and a message a person can act on.

use crate::callbacks::CallbackValidationError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error answer (boxed: handlers pass it up through `?`, and results stay small).
#[derive(Debug)]
pub struct Problem(Box<ProblemBody>);

/// What a [`Problem`] says.
#[derive(Debug)]
pub struct ProblemBody {
    pub status: StatusCode,
    pub title: String,
    pub detail: String,
    /// Stable code (`CB006`, `auth`, `not_found`, …).
    pub code: String,
    /// The request field at fault, in the request's own names (`requestedTime`).
    pub field: Option<String>,
    /// Anything else the client needs (`existingId` of a duplicate).
    pub extra: Value,
    /// Seconds to wait, for a 429 (sent as `Retry-After`).
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem(Box::new(ProblemBody {
            status,
            title: title.into(),
            detail: detail.into(),
            code: code.into(),
            field: None,
            extra: Value::Null,
            retry_after: None,
        }))
    }

    pub fn field(mut self, field: &str) -> Problem {
        self.field = Some(field.into());
        self
    }

    pub fn bad_request(code: &str, field: &str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, code, "the request is not valid", detail).field(field)
    }

    pub fn not_found(id: &str) -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such callback",
            format!("no callback with id {id}"),
        )
    }

    pub fn forbidden(detail: &str) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", "not allowed", detail)
    }

    /// Someone else changed the callback between this request's read and its write.
    pub fn changed(id: &str) -> Problem {
        Problem::new(
            StatusCode::CONFLICT,
            "conflict",
            "the callback changed",
            format!("callback {id} moved on while this request was made; read it again"),
        )
    }

    pub fn internal(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, "store", "the callback store cannot answer", detail)
    }

    /// The body as JSON: the answer's, and a batch's per-item result.
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "type": format!("https://callwright.dev/problems/{}", self.code),
            "status": self.status.as_u16(),
            "code": self.code,
            "title": self.title,
            "detail": self.detail,
        });
        if let Some(f) = &self.field {
            body["field"] = json!(f);
        }
        if let Value::Object(extra) = &self.extra {
            for (k, v) in extra {
                if !v.is_null() {
                    body[k] = v.clone();
                }
            }
        }
        body
    }

    /// The CB rule errors of a request: 409 with the existing id for a duplicate (the seed's
    /// "callback already exists") or a full slot, when that is all that is wrong; else 400 with
    /// every problem (a request that breaks a rule of its own must be mended first, whatever it
    /// conflicts with — the list still names the duplicate and its id).
    pub fn rules(
        errors: &[CallbackValidationError],
        field_name: impl Fn(&CallbackValidationError) -> String,
    ) -> Problem {
        let Some(first) = errors.first() else {
            return Problem::internal("the rules refused the callback without saying why");
        };
        let duplicate = errors.iter().find(|e| e.code.as_str() == "CB010");
        // A full slot is a conflict with other bookings, like a duplicate: 409.
        let full = errors.iter().find(|e| e.code.as_str() == "CB020");
        let own = errors.iter().find(|e| !matches!(e.code.as_str(), "CB010" | "CB020"));
        let (mut p, at) = match (own, duplicate, full) {
            (None, Some(d), _) => {
                (Problem::new(StatusCode::CONFLICT, "CB010", "callback already exists", d.message.clone()), d)
            }
            (None, None, Some(f)) => {
                (Problem::new(StatusCode::CONFLICT, "CB020", "the slot is full", f.message.clone()), f)
            }
            (own, _, _) => {
                let e = own.unwrap_or(first);
                let p = Problem::new(
                    StatusCode::BAD_REQUEST,
                    e.code.as_str(),
                    "the callback breaks a rule",
                    e.message.clone(),
                );
                (p, e)
            }
        };
        p.field = Some(field_name(at));
        let all: Vec<Value> = errors
            .iter()
            .map(|e| json!({"code": e.code.as_str(), "field": field_name(e), "message": e.message, "help": e.help}))
            .collect();
        p.extra = json!({"errors": all, "existingId": duplicate.and_then(|d| d.existing_id.clone())});
        p
    }
}

impl std::ops::Deref for Problem {
    type Target = ProblemBody;
    fn deref(&self) -> &ProblemBody {
        &self.0
    }
}

impl std::ops::DerefMut for Problem {
    fn deref_mut(&mut self) -> &mut ProblemBody {
        &mut self.0
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = self.to_json();
        let this = *self.0;
        let mut response = (this.status, body.to_string()).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(secs) = this.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// The problem+json body, for the OpenAPI document (built by [`Problem::into_response`]).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProblemDoc {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable: CB001…, unauthorized, forbidden, not_found, rate_limited, idempotency_key_reused, …
    pub code: String,
    /// The request field at fault, in the request's own names.
    pub field: Option<String>,
    /// Every rule the request broke.
    pub errors: Option<Vec<RuleError>>,
    /// The pending callback a duplicate (CB010) points at.
    pub existing_id: Option<String>,
}

/// One broken rule.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RuleError {
    pub code: String,
    pub field: String,
    pub message: String,
    pub help: Option<String>,
}
