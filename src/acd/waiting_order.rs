//! A queue's waiting entries in serving order, so a caller's position is a binary search.
//!
//! The routing heaps are per skill class and lazily deleted, so they cannot say how many entries
//! of the whole queue come before one; scanning them made every "you are number N" announcement
//! cost the length of the queue (75% of a 100× acme day). This sorted deque answers it in
//! O(log n). New arrivals join at the back and service takes from the front, both O(1) moves
//! after the O(log n) search; an abandonment from the middle moves the shorter side (memmove of
//! 16-byte items).

use super::PositionKey;
use std::collections::VecDeque;

#[derive(Debug, Clone, Default)]
pub(crate) struct WaitingOrder {
    /// (key, entry slot), ascending: the order of service, with the slot to tell equal keys apart.
    items: VecDeque<(PositionKey, u32)>,
}

impl WaitingOrder {
    pub(crate) fn insert(&mut self, key: PositionKey, slot: u32) {
        let at = self.items.partition_point(|i| *i < (key, slot));
        self.items.insert(at, (key, slot));
    }

    /// Takes the entry out; nothing happens if it is not there.
    pub(crate) fn remove(&mut self, key: PositionKey, slot: u32) {
        if let Ok(at) = self.items.binary_search(&(key, slot)) {
            self.items.remove(at);
        }
    }

    /// How many waiting entries come before `(key, slot)`.
    pub(crate) fn ahead_of(&self, key: PositionKey, slot: u32) -> usize {
        self.items.partition_point(|i| *i < (key, slot))
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }
}
