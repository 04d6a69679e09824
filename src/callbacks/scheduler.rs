//! The one scheduler: a time-ordered store of due times, apart from the simulation's hot event heap.
//!
//! Every callback that is not in a queue yet (scheduled by an agent or through the command line,
//! created in an inbound flow for later, waiting for its next attempt) sits here until it is due.
//! The event heap of the virtual runtime holds wake-ups of running tasks and churns millions of
//! times per simulated hour; due callbacks are few, long-lived, cancellable and listable, so they
//! get their own ordered map: inserting, cancelling and popping the earliest are O(log n), and a
//! driver needs only one timer, for [`Scheduler::next_due`], however many callbacks wait.
//!
//! The scheduler has no clock and never acts on its own (like the ACD): a driver asks for
//! [`Scheduler::next_due`], sleeps until then or until something earlier is inserted, and takes
//! [`Scheduler::pop_due`]. The virtual-time driver is in `lifecycle.rs`; the real-time one in
//! `cli/callbacks/dispatch.rs` runs the same loop on tokio (mini-redis's `select!` of
//! `sleep_until(next_due)` and `notified()`).

use std::collections::BTreeMap;

/// A handle to one scheduled item, for [`Scheduler::cancel`] and [`Scheduler::reschedule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ticket {
    due: i64,
    seq: u64,
}

impl Ticket {
    pub fn due(&self) -> i64 {
        self.due
    }
}

/// Items ordered by (due time, insertion order): two items due at the same instant are released
/// in the order they were scheduled, so runs are reproducible.
#[derive(Debug, Clone)]
pub struct Scheduler<T> {
    items: BTreeMap<Ticket, T>,
    next_seq: u64,
}

impl<T> Default for Scheduler<T> {
    fn default() -> Self {
        Scheduler { items: BTreeMap::new(), next_seq: 0 }
    }
}

impl<T> Scheduler<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules `item` for `due` (any time unit, as long as the driver is consistent).
    pub fn insert(&mut self, due: i64, item: T) -> Ticket {
        let ticket = Ticket { due, seq: self.next_seq };
        self.next_seq += 1;
        self.items.insert(ticket, item);
        ticket
    }

    /// Takes an item out before it is due; `None` if it was already released or cancelled.
    pub fn cancel(&mut self, ticket: Ticket) -> Option<T> {
        self.items.remove(&ticket)
    }

    /// Moves an item to another due time; `None` (and nothing changes) if it is gone.
    pub fn reschedule(&mut self, ticket: Ticket, due: i64) -> Option<Ticket> {
        let item = self.items.remove(&ticket)?;
        Some(self.insert(due, item))
    }

    /// The earliest due time, if anything is scheduled: when the driver should wake.
    pub fn next_due(&self) -> Option<i64> {
        self.items.keys().next().map(|t| t.due)
    }

    /// Removes and returns, in order, every item due at or before `now`.
    ///
    /// The due items are cut off the map in one piece (`split_off` at the first ticket due after
    /// `now`, O(log n) plus the size of the smaller side) rather than removed one by one from
    /// the front, which rebalances the tree at every step: in a scheduler of 1M items a release
    /// costs 65–100 ns per item this way against 95–150 ns one by one, which matters when
    /// thousands fall due in the same millisecond (`examples/scheduler_bench.rs`).
    pub fn pop_due(&mut self, now: i64) -> Vec<(Ticket, T)> {
        match self.items.first_key_value() {
            Some((first, _)) if first.due <= now => {}
            _ => return Vec::new(),
        }
        let due = match now.checked_add(1) {
            Some(after) => {
                let later = self.items.split_off(&Ticket { due: after, seq: 0 });
                std::mem::replace(&mut self.items, later)
            }
            None => std::mem::take(&mut self.items),
        };
        due.into_iter().collect()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Scheduled items in due order (for listings).
    pub fn iter(&self) -> impl Iterator<Item = (&Ticket, &T)> {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_in_due_then_insertion_order() {
        let mut s = Scheduler::new();
        s.insert(30, "c");
        s.insert(10, "a");
        s.insert(10, "b");
        s.insert(50, "d");
        assert_eq!(s.next_due(), Some(10));
        let due: Vec<_> = s.pop_due(30).into_iter().map(|(_, v)| v).collect();
        assert_eq!(due, ["a", "b", "c"]);
        assert_eq!(s.next_due(), Some(50));
        assert!(s.pop_due(49).is_empty());
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn pop_due_takes_exactly_the_due_items() {
        let mut s = Scheduler::new();
        for (due, v) in [(5, 'e'), (i64::MIN, 'a'), (3, 'c'), (3, 'd'), (i64::MAX, 'z'), (-1, 'b'), (6, 'f')]
        {
            s.insert(due, v);
        }
        assert!(s.pop_due(i64::MIN).iter().map(|(_, v)| *v).eq(['a']));
        assert!(s.pop_due(-2).is_empty());
        assert!(s.pop_due(3).iter().map(|(_, v)| *v).eq(['b', 'c', 'd']));
        assert_eq!(s.next_due(), Some(5));
        assert!(s.pop_due(5).iter().map(|(_, v)| *v).eq(['e']));
        assert_eq!(s.len(), 2);
        assert!(s.pop_due(i64::MAX).iter().map(|(_, v)| *v).eq(['f', 'z']));
        assert!(s.is_empty());
        assert!(s.pop_due(i64::MAX).is_empty());
        // Many due at once, in due then insertion order, the rest untouched.
        let mut s = Scheduler::new();
        let tickets: Vec<_> = (0..10_000).map(|i| s.insert(i % 100, i)).collect();
        let due = s.pop_due(49);
        assert_eq!(due.len(), 5_000);
        assert!(due.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(due.iter().all(|(t, i)| t.due() <= 49 && tickets[*i as usize] == *t));
        assert_eq!(s.len(), 5_000);
        assert_eq!(s.next_due(), Some(50));
    }

    #[test]
    fn cancel_and_reschedule() {
        let mut s = Scheduler::new();
        let a = s.insert(10, 'a');
        let b = s.insert(20, 'b');
        assert_eq!(s.cancel(a), Some('a'));
        assert_eq!(s.cancel(a), None, "a cancelled ticket is gone");
        let b2 = s.reschedule(b, 5).unwrap();
        assert_eq!(b2.due(), 5);
        assert!(s.reschedule(b, 7).is_none(), "the old ticket no longer names anything");
        assert_eq!(s.pop_due(5).len(), 1);
        assert!(s.is_empty());
    }
}
