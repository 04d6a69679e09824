//! Handle-time statistics per queue, and the estimated wait a flow reads.
//!
//! # The estimator
//!
//! ```text
//! EWT = max(0, position − agents available) × smoothed handle time / agents staffed
//! ```
//!
//! With every staffed agent busy, agents free up on average one per `handle / staffed`, and the
//! entry at `position` is served after `position` of those departures (exact in expectation for
//! M/M/c without abandonment). Idle agents serve the first `available` positions at once, hence
//! the subtraction. "Handle time" is the agent's occupied time per entry: from assignment to
//! [`release`](super::Acd::release), plus the agent's wrap-up, because wrap-up also keeps the
//! agent from the next entry.
//!
//! The estimate is unknown (`None`) until the queue has seen [`EWT_MIN_SAMPLES`] completed
//! handles, and whenever no agent is staffed: as in Genesys, "unknown" is more honest than a
//! number made from no data, and flows can branch on it.

use crate::time::Micros;

/// Completed handles a queue needs before its estimate is given.
pub const EWT_MIN_SAMPLES: u64 = 5;

/// Weight of the newest sample once warmed up. 0.1 follows the last ~10–20 handles, so the
/// estimate tracks a change of call mix within an interval without jumping on one long call.
pub const EWMA_ALPHA: f64 = 0.1;

/// Running handle-time figures of one queue; constant size, updated on every release.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HandleStats {
    count: u64,
    total: i128,
    ewma: f64,
}

impl HandleStats {
    pub(crate) fn record(&mut self, handle: Micros) {
        self.count += 1;
        self.total += handle as i128;
        // Warm-up: the plain mean of the first 1/α samples (weight 1/k), so the first sample does
        // not weigh 1 − α forever against a zero start.
        let weight = (1.0 / self.count as f64).max(EWMA_ALPHA);
        self.ewma += weight * (handle as f64 - self.ewma);
    }

    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    pub(crate) fn mean(&self) -> Option<Micros> {
        (self.count > 0).then(|| (self.total / self.count as i128) as Micros)
    }

    pub(crate) fn smoothed(&self) -> Option<Micros> {
        (self.count > 0).then(|| self.ewma.round() as Micros)
    }

    /// The estimate for an entry at `position` (1 = next), as described in the module docs.
    pub(crate) fn estimate(&self, position: u32, available: u32, staffed: u32) -> Option<Micros> {
        if staffed == 0 || self.count < EWT_MIN_SAMPLES {
            return None;
        }
        let ahead = position.saturating_sub(available) as f64;
        Some((ahead * self.ewma / staffed as f64).round() as Micros)
    }
}
