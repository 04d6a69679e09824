//! Facts a flow test pins down instead of letting the clock, the schedules or the ACD decide
//! them (Amazon Connect's test overrides, kept for the whole call). Empty by default: `run` and
//! `simulate` never set one, and each check is a single `Option` test.

use crate::time::Micros;
use std::collections::HashMap;

/// What a schedule is taken to say, whatever the call's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleState {
    Open,
    Closed,
    /// Closed for a holiday: `holiday(...)` is true and `open(...)` false.
    Holiday,
}

#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Every schedule, unless named in `schedules`.
    pub all_schedules: Option<ScheduleState>,
    pub schedules: HashMap<String, ScheduleState>,
    /// `Some(None)`: the estimated wait is unknown, as in Genesys before a queue has history.
    pub estimated_wait: Option<Option<Micros>>,
    pub position: Option<u32>,
    /// Queues that refuse calls (the transfer takes its failure path); `all_queues_full` for any.
    pub full_queues: Vec<String>,
    pub all_queues_full: bool,
    /// Switches of center.yaml a case sets (`given: switches: { Emergency: on }`).
    pub switches: HashMap<String, bool>,
}

/// The switches of center.yaml as a run sees them: shared, so a server flips them (`PUT
/// /api/v2/switches/NAME`) for the calls its dispatcher's engine runs on another thread.
pub type Switches = std::sync::Arc<std::sync::RwLock<std::collections::BTreeMap<String, bool>>>;

/// The switches with their values at start.
pub fn switches_of(center: Option<&crate::model::center::Center>) -> Switches {
    let map = center.iter().flat_map(|c| c.switches.iter().map(|(n, on, _)| (n.clone(), *on))).collect();
    std::sync::Arc::new(std::sync::RwLock::new(map))
}

impl Overrides {
    pub fn schedule(&self, name: &str) -> Option<ScheduleState> {
        if self.schedules.is_empty() {
            return self.all_schedules;
        }
        self.schedules.get(name).copied().or(self.all_schedules)
    }

    pub fn queue_full(&self, queue: &str) -> bool {
        self.all_queues_full || self.full_queues.iter().any(|q| q == queue)
    }
}
