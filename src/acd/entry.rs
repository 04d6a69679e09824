//! The entry slab: every live call or callback, in reusable slots.

use super::{AgentId, EntryId, PositionKey, QueueId};
use crate::time::Micros;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryState {
    Free,
    Waiting,
    /// Out of the queue while an agent decides; back to `Waiting`, same id, on reject.
    Offered(AgentId),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub(crate) generation: u32,
    pub(crate) state: EntryState,
    pub(crate) queue: QueueId,
    /// Index of the skill class in its queue.
    pub(crate) class: u32,
    pub(crate) key: PositionKey,
    /// When this entry (not the call whose key it may carry) joined the queue.
    pub(crate) entered_at: Micros,
    /// Routing offers this entry (the agent previews it, then accepts or rejects) instead of
    /// assigning it: agent-first callbacks without auto-answer.
    pub(crate) offer: bool,
}

/// Slots plus a free list, so steady-state traffic allocates nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Entries {
    slots: Vec<Entry>,
    free: Vec<u32>,
}

impl Entries {
    pub(crate) fn alloc(&mut self, queue: QueueId, class: u32, key: PositionKey, now: Micros) -> EntryId {
        let fresh = |generation| Entry {
            generation,
            state: EntryState::Waiting,
            queue,
            class,
            key,
            entered_at: now,
            offer: false,
        };
        match self.free.pop() {
            Some(slot) => {
                let e = &mut self.slots[slot as usize];
                *e = fresh(e.generation);
                EntryId { slot, generation: e.generation }
            }
            None => {
                let slot = self.slots.len() as u32;
                self.slots.push(fresh(0));
                EntryId { slot, generation: 0 }
            }
        }
    }

    /// Frees the slot; the generation moves on so every outstanding id and heap item goes stale.
    pub(crate) fn free(&mut self, slot: u32) {
        let e = &mut self.slots[slot as usize];
        e.state = EntryState::Free;
        e.generation = e.generation.wrapping_add(1);
        self.free.push(slot);
    }

    /// A waiting entry under a new id, as freeing its slot and allocating it again would give:
    /// the next generation (so `id` and its heap items go stale), joined `now`, offered or not.
    pub(crate) fn renew(&mut self, id: EntryId, offer: bool, now: Micros) -> EntryId {
        let e = &mut self.slots[id.slot as usize];
        debug_assert!(e.generation == id.generation && e.state == EntryState::Waiting);
        e.generation = e.generation.wrapping_add(1);
        e.entered_at = now;
        e.offer = offer;
        EntryId { slot: id.slot, generation: e.generation }
    }

    pub(crate) fn get(&self, id: EntryId) -> Option<&Entry> {
        self.slots
            .get(id.slot as usize)
            .filter(|e| e.generation == id.generation && e.state != EntryState::Free)
    }

    pub(crate) fn get_mut(&mut self, id: EntryId) -> Option<&mut Entry> {
        self.slots
            .get_mut(id.slot as usize)
            .filter(|e| e.generation == id.generation && e.state != EntryState::Free)
    }

    pub(crate) fn is_waiting(&self, slot: u32, generation: u32) -> bool {
        let e = &self.slots[slot as usize];
        e.generation == generation && e.state == EntryState::Waiting
    }
}
