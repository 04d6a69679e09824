//! A dialer outside the engine: a telephony platform that places the callback's call and reports
//! how it went. Without one, the people model ([`super::people`]) answers for the customer.
//! `serve --dialer webhook URL` plugs one in (the service's webhook dialer).

use super::people::DialResult;
use std::future::Future;
use std::pin::Pin;

/// One dial to place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialRequest {
    pub callback_id: String,
    /// Counts from 1; claimed in the store before this request is made.
    pub attempt: u32,
    /// E.164.
    pub number: String,
    /// The queue's caller id (`ani` in center.yaml), if any.
    pub caller_id: Option<String>,
}

/// Places dials and waits for their results. The future is polled on the dispatcher's runtime;
/// it must end (a platform that never reports is a no-answer after its own time-out).
pub trait ExternalDialer {
    fn dial(&self, request: DialRequest) -> Pin<Box<dyn Future<Output = DialResult>>>;
}
