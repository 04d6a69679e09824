//! Who is connected first when a callback is served.

/// `agent_first` reserves an agent, then dials the customer (Genesys's default); `customer_first`
/// dials customers ahead of free agents, paced by the queue's `pacing_modifier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallbackMode {
    AgentFirst,
    CustomerFirst,
}
