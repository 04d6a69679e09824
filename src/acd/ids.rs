//! Small integer handles for queues, agents and entries.

/// A queue of one [`Acd`](super::Acd).
///
/// A `u32` index rather than the queue's name so that the hot path indexes a `Vec` instead of
/// hashing a string; names are looked up once, with [`Acd::queue_id`](super::Acd::queue_id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QueueId(pub(crate) u32);

/// An agent of one [`Acd`](super::Acd); an index for the same reason as [`QueueId`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgentId(pub(crate) u32);

/// A live call or a callback waiting in a queue.
///
/// Entry slots are reused, so the id carries the slot's generation: an id kept after its entry
/// was served, removed or taken over never names the entry that reuses the slot (a caller who
/// hangs up after a callback took their place must not remove the callback).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId {
    pub(crate) slot: u32,
    pub(crate) generation: u32,
}

impl QueueId {
    /// The index, for callers that keep per-queue data in their own `Vec`s.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl AgentId {
    /// The index, for callers that keep per-agent data in their own `Vec`s.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
