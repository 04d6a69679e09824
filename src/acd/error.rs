//! What can go wrong while building or driving an ACD.

use super::MAX_SKILLS;

/// Errors of [`Acd`](super::Acd) set-up and of agent state changes the model forbids. Routing
/// itself never fails: "nothing to route" is `None`, and operations on an entry that is already
/// gone answer `false`/`None`, because in a live system a hang-up and an assignment can cross.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcdError {
    #[error("agent `{0}` is added twice")]
    DuplicateAgent(String),
    #[error("agent `{agent}` is a member of queue `{queue}`, which this ACD does not have")]
    UnknownQueue { agent: String, queue: String },
    #[error(
        "skill `{skill}` of `{owner}` is one more than the {MAX_SKILLS} distinct skills an ACD can tell apart"
    )]
    TooManySkills { owner: String, skill: String },
    #[error("agent `{0}` can only become Alerting through an offer")]
    AlertingByHand(String),
    #[error("agent `{0}` is on a call: release it before making the agent available")]
    OnCall(String),
}
