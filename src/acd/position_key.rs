//! The order of a queue.

use crate::time::Micros;
use std::cmp::Ordering;

/// Where an entry stands in its queue: (priority, original enqueue time, sequence number).
///
/// The key is a value of its own, not a place in a container, so a callback can take over a
/// caller's key and be served exactly when the caller would have been (DESIGN, "the callback
/// hand-over"). `Ord` reads "comes before": `a < b` means `a` is served first — higher priority
/// first, then the earlier enqueue, then the lower sequence number (which makes keys minted by one
/// [`Acd`](super::Acd) totally ordered even when two entries arrive in the same microsecond).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PositionKey {
    /// Higher is served first.
    pub priority: i64,
    /// When the entry (or the call it replaces) first joined the queue.
    pub enqueued_at: Micros,
    /// Tie-break in arrival order.
    pub seq: u64,
}

impl Ord for PositionKey {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .priority
            .cmp(&self.priority)
            .then(self.enqueued_at.cmp(&other.enqueued_at))
            .then(self.seq.cmp(&other.seq))
    }
}

impl PartialOrd for PositionKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
