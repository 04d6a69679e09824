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
        // A new arrival usually comes last: no search.
        if self.items.back().is_none_or(|last| *last < (key, slot)) {
            self.items.push_back((key, slot));
            return;
        }
        let at = self.items.partition_point(|i| *i < (key, slot));
        self.items.insert(at, (key, slot));
    }

    /// Takes the entry out; nothing happens if it is not there.
    pub(crate) fn remove(&mut self, key: PositionKey, slot: u32) {
        // Service usually takes the first: no search.
        if self.items.front() == Some(&(key, slot)) {
            self.items.pop_front();
            return;
        }
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

#[cfg(test)]
mod tests {
    use super::{PositionKey, WaitingOrder};

    /// Arrivals at the back, service from the front and abandonments from the middle, mixed with
    /// priorities and keys taken over from earlier: the order answers every position as a sorted
    /// list of everything waiting does (the fast paths for back and front change nothing).
    #[test]
    fn positions_match_a_sorted_list() {
        let mut order = WaitingOrder::default();
        let mut reference: Vec<(PositionKey, u32)> = Vec::new();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        for seq in 0..5_000u64 {
            match next(10) {
                // Mostly fresh arrivals, now and then a high priority or an old key.
                0..=4 => {
                    let priority = if next(8) == 0 { 5 } else { 0 };
                    let enqueued_at = if next(8) == 0 { next(seq + 1) as i64 } else { seq as i64 };
                    let key = PositionKey { priority, enqueued_at, seq };
                    let slot = seq as u32;
                    order.insert(key, slot);
                    reference.push((key, slot));
                    reference.sort();
                }
                5..=7 if !reference.is_empty() => {
                    let (key, slot) = reference.remove(0);
                    order.remove(key, slot);
                }
                _ if !reference.is_empty() => {
                    let i = next(reference.len() as u64) as usize;
                    let (key, slot) = reference.remove(i);
                    order.remove(key, slot);
                }
                _ => {}
            }
            assert_eq!(order.len(), reference.len());
            if let Some(&(key, slot)) = reference.get(next(reference.len() as u64 + 1) as usize) {
                let ahead = reference.iter().take_while(|i| **i < (key, slot)).count();
                assert_eq!(order.ahead_of(key, slot), ahead);
            }
        }
    }
}
