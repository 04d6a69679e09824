//! Queues, agents, routing and estimated wait.
//!
//! The [`Acd`] is a synchronous data structure on the simulator's hot path: no clock of its own
//! (every method takes `now`), small integer ids, lazily deleted heaps over reused storage, so
//! steady-state traffic allocates nothing. Live calls and callbacks are the same thing to it: an
//! entry with a [`PositionKey`], which a callback can take over to keep the caller's place.

mod agent;
mod distributor;
mod entry;
mod error;
pub mod ewt;
mod ids;
mod position_key;
mod queue;
mod skills;
mod waiting_order;

#[cfg(test)]
mod tests;

pub use agent::{AgentSpec, AgentState};
pub use distributor::{Acd, Assignment, CallbackRouting};
pub use error::AcdError;
pub use ids::{AgentId, EntryId, QueueId};
pub use position_key::PositionKey;
pub use skills::{MAX_SKILLS, RequiredSkills, SkillSet, SkillTable};
