//! A queue's waiting entries in serving order, so a caller's position is a binary search.
//!
//! The routing heaps are per skill class and lazily deleted, so they cannot say how many entries
//! of the whole queue come before one; scanning them made every "you are number N" announcement
//! cost the length of the queue (75% of a 100× acme day). Here the entries sit sorted in blocks of
//! at most `2 × block` (a two-level B-tree, as Python's `sortedcontainers`), with a Fenwick tree
//! over the blocks' lengths: a position is a binary search over the blocks, one over a block and
//! a prefix sum, all O(log n). New arrivals join at the back and service takes from the front, both
//! O(1) moves after the search; an abandonment or a callback taking over a caller's place moves at
//! most a block's shorter side. In one sorted deque, as before, those middle removals moved half a
//! queue of thousands each time: 5% of a 100× acme day.

use super::PositionKey;
use std::collections::VecDeque;

/// (key, entry slot) packed into two words that compare as the pair does: the order of service,
/// with the slot to tell equal keys apart. Searches compare items a dozen times per position;
/// two 128-bit comparisons cost a few instructions where the key's three fields, compared in
/// turn with the priority reversed, and then the slot cost several times that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Item {
    /// The priority, reversed (higher comes first), above the enqueue time, each with its sign
    /// bit flipped so that signed order is unsigned order.
    when: u128,
    /// The sequence number above the slot.
    tie: u128,
}

impl Item {
    fn new(key: PositionKey, slot: u32) -> Item {
        const SIGN: u64 = 1 << 63;
        let priority = !((key.priority as u64) ^ SIGN);
        let enqueued = (key.enqueued_at as u64) ^ SIGN;
        Item {
            when: (u128::from(priority) << 64) | u128::from(enqueued),
            tie: (u128::from(key.seq) << 32) | u128::from(slot),
        }
    }
}

/// Entries per block before a new one starts at the back; a block split in the middle keeps half.
/// An arrival ahead of the back (a higher priority, a callback taking over a place) moves a
/// quarter of a block on average: at 512 those moves were 1.3% of a 100× acme day, where the
/// queue mixes priorities 0 and 5. A search crosses two more blocks for it (README, "Speed").
const BLOCK: usize = 128;

#[derive(Debug, Clone)]
pub(crate) struct WaitingOrder {
    /// Blocks, each ascending, every item of one before every item of the next; none empty but
    /// a sole one.
    blocks: Vec<VecDeque<Item>>,
    /// Fenwick tree (1-based) over `blocks`' lengths, rebuilt when a block starts or ends (once
    /// per `block` arrivals or services at most), updated in O(log n) otherwise.
    counts: Vec<u32>,
    len: usize,
    /// `BLOCK`; smaller in tests, so they cross many blocks.
    block: usize,
}

impl Default for WaitingOrder {
    fn default() -> Self {
        WaitingOrder::with_block(BLOCK)
    }
}

impl WaitingOrder {
    fn with_block(block: usize) -> Self {
        WaitingOrder { blocks: Vec::new(), counts: vec![0], len: 0, block: block.max(1) }
    }

    pub(crate) fn insert(&mut self, key: PositionKey, slot: u32) {
        let item = Item::new(key, slot);
        self.len += 1;
        let Some(last) = self.blocks.last_mut() else {
            self.blocks.push(VecDeque::from([item]));
            return self.rebuild();
        };
        // A new arrival usually comes last: no search, and a full last block starts a new one.
        if last.back().is_none_or(|b| *b < item) {
            if last.len() >= self.block {
                self.blocks.push(VecDeque::from([item]));
                return self.rebuild();
            }
            last.push_back(item);
            return self.add(self.blocks.len() - 1, 1);
        }
        let i = self.block_of(&item).min(self.blocks.len() - 1);
        let b = &mut self.blocks[i];
        let at = b.partition_point(|x| *x < item);
        b.insert(at, item);
        if b.len() > 2 * self.block {
            let tail = b.split_off(self.block);
            self.blocks.insert(i + 1, tail);
            return self.rebuild();
        }
        self.add(i, 1);
    }

    /// Takes the entry out; nothing happens if it is not there.
    pub(crate) fn remove(&mut self, key: PositionKey, slot: u32) {
        let item = Item::new(key, slot);
        // Service usually takes the first: no search.
        let first = self.blocks.first().and_then(|b| b.front()) == Some(&item);
        let i = if first { 0 } else { self.block_of(&item) };
        let Some(b) = self.blocks.get_mut(i) else { return };
        if first {
            b.pop_front();
        } else if let Ok(at) = b.binary_search(&item) {
            b.remove(at);
        } else {
            return;
        }
        self.len -= 1;
        // The last block stays, empty, for the next arrival: a queue that empties after every
        // call (most calls answered at once) allocates nothing.
        if b.is_empty() && self.blocks.len() > 1 {
            self.blocks.remove(i);
            return self.rebuild();
        }
        self.add(i, -1);
    }

    /// How many waiting entries come before `(key, slot)`.
    pub(crate) fn ahead_of(&self, key: PositionKey, slot: u32) -> usize {
        let item = Item::new(key, slot);
        let i = self.block_of(&item);
        let within = self.blocks.get(i).map_or(0, |b| b.partition_point(|x| *x < item));
        self.before(i) + within
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The first block whose last item is not before `item` (`blocks.len()`: none).
    fn block_of(&self, item: &Item) -> usize {
        self.blocks.partition_point(|b| b.back().is_some_and(|x| x < item))
    }

    /// Items in the blocks before block `i`.
    fn before(&self, i: usize) -> usize {
        let (mut i, mut sum) = (i, 0);
        while i > 0 {
            sum += self.counts[i] as usize;
            i &= i - 1;
        }
        sum
    }

    fn add(&mut self, block: usize, delta: i32) {
        let mut i = block + 1;
        while i < self.counts.len() {
            self.counts[i] = self.counts[i].wrapping_add_signed(delta);
            i += i & i.wrapping_neg();
        }
    }

    fn rebuild(&mut self) {
        self.counts.clear();
        self.counts.push(0);
        self.counts.extend(self.blocks.iter().map(|b| b.len() as u32));
        for i in 1..self.counts.len() {
            let parent = i + (i & i.wrapping_neg());
            if parent < self.counts.len() {
                self.counts[parent] += self.counts[i];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{PositionKey, WaitingOrder};

    /// Items order as (key, slot) pairs do, at the ends of every field's range too.
    #[test]
    fn packed_items_order_as_their_keys() {
        let priorities = [i64::MIN, -5, -1, 0, 1, 5, i64::MAX];
        let times = [i64::MIN, -1, 0, 1, 1_000_000, i64::MAX];
        let seqs = [0, 1, u64::MAX >> 1, u64::MAX];
        let slots = [0, 1, u32::MAX];
        let mut all = Vec::new();
        for &priority in &priorities {
            for &enqueued_at in &times {
                for &seq in &seqs {
                    for &slot in &slots {
                        all.push((PositionKey { priority, enqueued_at, seq }, slot));
                    }
                }
            }
        }
        for a in &all {
            for b in &all {
                assert_eq!(
                    super::Item::new(a.0, a.1).cmp(&super::Item::new(b.0, b.1)),
                    a.cmp(b),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    /// Arrivals at the back, service from the front and abandonments from the middle, mixed with
    /// priorities and keys taken over from earlier: the order answers every position as a sorted
    /// list of everything waiting does (the fast paths for back and front change nothing).
    #[test]
    fn positions_match_a_sorted_list() {
        // Blocks of 4 to 8: the queue's hundreds of entries cross hundreds of blocks, which start,
        // split and end all through the run.
        let mut order = WaitingOrder::with_block(4);
        let mut reference: Vec<(PositionKey, u32)> = Vec::new();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let (mut peak, mut peak_blocks) = (0, 0);
        for seq in 0..6_000u64 {
            // Arrivals outrun service for the first half (the queue grows past 600), then service
            // drains it to nothing.
            let arrivals = if seq < 3_000 { 0..=5 } else { 0..=3 };
            match next(10) {
                // Mostly fresh arrivals, now and then a high priority or an old key.
                n if arrivals.contains(&n) => {
                    let priority = if next(8) == 0 { 5 } else { 0 };
                    let enqueued_at = if next(8) == 0 { next(seq + 1) as i64 } else { seq as i64 };
                    let key = PositionKey { priority, enqueued_at, seq };
                    let slot = seq as u32;
                    order.insert(key, slot);
                    reference.push((key, slot));
                    reference.sort();
                }
                6..=7 if !reference.is_empty() => {
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
            // Taking out what is not there changes nothing.
            order.remove(PositionKey { priority: -1, enqueued_at: 0, seq: 0 }, u32::MAX);
            assert_eq!(order.len(), reference.len());
            peak = peak.max(reference.len());
            peak_blocks = peak_blocks.max(order.blocks.len());
            if let Some(&(key, slot)) = reference.get(next(reference.len() as u64 + 1) as usize) {
                let ahead = reference.iter().take_while(|i| **i < (key, slot)).count();
                assert_eq!(order.ahead_of(key, slot), ahead);
            }
        }
        // The run did what it is for: hundreds waiting in over a hundred blocks, then none (the
        // sole block left empty).
        assert!(peak >= 500 && peak_blocks >= 100, "peak {peak} in {peak_blocks} blocks");
        assert_eq!((order.len(), order.blocks.len()), (0, 1));
    }
}
