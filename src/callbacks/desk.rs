//! Agents who are people: a desk (the service's agent desktop) that shows a callback offer to a
//! signed-in agent and tells the engine whether they accepted or rejected it, whether they are
//! ready for work, and when they end the call. Without one, the people model
//! ([`super::people`]) answers for simulated agents. `serve --agents people` plugs one in.
//!
//! The engine keeps the queue's offer time-out itself (it races [`AgentDesk::offer`] with its
//! clock): an offer nobody answers is redirected whatever the desk does.

use super::people::{AgentResponse, DialResult};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

/// A callback offered to one agent for preview (seed 001: the case information a preview shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub callback_id: String,
    pub agent: String,
    pub queue: String,
    /// E.164.
    pub number: String,
    pub customer_name: String,
    /// The callback's data: the flow's attached data, the reason, the customer's time zone.
    pub data: BTreeMap<String, String>,
    /// How long the agent has before the offer is redirected.
    pub timeout_secs: i64,
}

/// Where an agent's callback call is, as the desk shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallStatus {
    /// Attempt `n` is being dialled.
    Dialling(u32),
    /// The dial ended without a conversation (the callback is retried or ends, as its rules say).
    NotConnected(DialResult),
    /// Talking with the customer (or leaving a message on their machine).
    Connected,
}

/// A person's desk. Futures are polled on the dispatcher's runtime.
pub trait AgentDesk {
    /// Shows `offer`; answers when the agent accepts or rejects. Dropped unanswered when the
    /// offer times out (the engine then calls [`AgentDesk::timed_out`]).
    fn offer(&self, offer: Offer) -> Pin<Box<dyn Future<Output = AgentResponse>>>;
    /// The agent let `callback_id` time out: they are "not responding" until they say otherwise
    /// (Genesys puts such an agent in Not Responding).
    fn timed_out(&self, agent: &str, callback_id: &str);
    /// A preview's time ran out: the record leaves the desk's preview and is dialled (the agent
    /// stays responding: the preview was theirs to read).
    fn previewed(&self, agent: &str, callback_id: &str);
    /// Whether `agent` is ready for work now (signed in and ready, not on a break).
    fn ready(&self, agent: &str) -> bool;
    /// The call of `callback_id` moved on for `agent`.
    fn call(&self, agent: &str, callback_id: &str, status: CallStatus);
    /// Ends when the agent ends the connected call (End call on the desk).
    fn talk(&self, agent: &str, callback_id: &str) -> Pin<Box<dyn Future<Output = ()>>>;
}
