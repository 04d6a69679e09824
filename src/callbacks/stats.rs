//! Streaming callback figures for a run: counts by outcome, attempts, and time to callback.
//!
//! Time to callback is the service level of callbacks (seed 004: "time to callback, not speed of
//! answer"): from when the callback could first be served (created, or its window opened) until
//! the customer is connected with an agent. No per-callback storage: histograms in milliseconds.

use super::EndReason;
use crate::time::Micros;
use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct CallbackStats {
    /// Callers who reached a callback offer (an `ask` that leads to Create Callback).
    pub offered: u64,
    pub created: u64,
    /// Refused at creation (invalid number, unknown queue, duplicate).
    pub refused: u64,
    pub ended: BTreeMap<EndReason, u64>,
    /// Dials placed (every attempt, the first included).
    pub attempts: u64,
    pub rejected_offers: u64,
    pub offer_timeouts: u64,
    /// Attempts that got no answer or busy and were scheduled again.
    pub retries: u64,
    /// From ready to connected, in milliseconds.
    time_to_callback: Histogram<u64>,
    /// From the original caller's enqueue to an agent taking the callback, in milliseconds: what a
    /// callback that keeps its FIFO place waits (Erlang C, as it cannot abandon).
    wait_for_agent: Histogram<u64>,
    waited_for_agent: u64,
    pub target: Micros,
    within_target: u64,
}

impl Default for CallbackStats {
    fn default() -> Self {
        CallbackStats {
            offered: 0,
            created: 0,
            refused: 0,
            ended: BTreeMap::new(),
            attempts: 0,
            rejected_offers: 0,
            offer_timeouts: 0,
            retries: 0,
            time_to_callback: histogram(),
            wait_for_agent: histogram(),
            waited_for_agent: 0,
            target: 3_600_000_000,
            within_target: 0,
        }
    }
}

fn histogram() -> Histogram<u64> {
    // Up to 31 days in milliseconds, 3 significant digits.
    Histogram::new_with_max(31 * 86_400_000, 3)
        .unwrap_or_else(|_| Histogram::new(3).expect("3 digits is valid"))
}

fn ms(d: Micros) -> u64 {
    (d.max(0) / 1000) as u64
}

/// The callback part of a simulation report.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct CallbackReport {
    pub offered: u64,
    pub accepted: u64,
    pub refused: u64,
    pub completed: u64,
    /// Failed, expired and cancelled callbacks, by end reason.
    pub ended_by_reason: BTreeMap<String, u64>,
    pub pending_at_end: u64,
    pub attempts: u64,
    pub attempts_per_callback: f64,
    pub retries: u64,
    pub rejected_offers: u64,
    pub offer_timeouts: u64,
    pub time_to_callback_seconds: Percentiles,
    /// Completed within `target_seconds` of being ready / completed.
    pub service_level: f64,
    pub target_seconds: f64,
    pub wait_for_agent_seconds: Percentiles,
    /// Callbacks that waited longer than zero for an agent / callbacks an agent took.
    pub p_wait_for_agent: f64,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Percentiles {
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Percentiles {
    fn of(h: &Histogram<u64>) -> Percentiles {
        let s = |ms: u64| ms as f64 / 1000.0;
        if h.is_empty() {
            return Percentiles { mean: 0.0, p50: 0.0, p90: 0.0, p99: 0.0, max: 0.0 };
        }
        Percentiles {
            mean: h.mean() / 1000.0,
            p50: s(h.value_at_quantile(0.5)),
            p90: s(h.value_at_quantile(0.9)),
            p99: s(h.value_at_quantile(0.99)),
            max: s(h.max()),
        }
    }
}

impl CallbackStats {
    pub fn ended(&mut self, reason: EndReason) {
        *self.ended.entry(reason).or_default() += 1;
    }

    pub fn connected(&mut self, time_to_callback: Micros) {
        let _ = self.time_to_callback.record(ms(time_to_callback));
        if time_to_callback <= self.target {
            self.within_target += 1;
        }
    }

    pub fn agent_took(&mut self, waited: Micros) {
        let _ = self.wait_for_agent.record(ms(waited));
        if waited > 0 {
            self.waited_for_agent += 1;
        }
    }

    pub fn completed(&self) -> u64 {
        self.ended.get(&EndReason::Completed).copied().unwrap_or(0)
    }

    pub fn report(&self) -> CallbackReport {
        let ended_total: u64 = self.ended.values().sum();
        let completed = self.completed();
        let took = self.wait_for_agent.len();
        CallbackReport {
            offered: self.offered,
            accepted: self.created,
            refused: self.refused,
            completed,
            ended_by_reason: self
                .ended
                .iter()
                .filter(|(r, _)| **r != EndReason::Completed)
                .map(|(r, n)| (r.as_str().to_string(), *n))
                .collect(),
            pending_at_end: self.created.saturating_sub(ended_total),
            attempts: self.attempts,
            attempts_per_callback: if ended_total == 0 {
                0.0
            } else {
                self.attempts as f64 / ended_total as f64
            },
            retries: self.retries,
            rejected_offers: self.rejected_offers,
            offer_timeouts: self.offer_timeouts,
            time_to_callback_seconds: Percentiles::of(&self.time_to_callback),
            service_level: if completed == 0 { 0.0 } else { self.within_target as f64 / completed as f64 },
            target_seconds: self.target as f64 / 1e6,
            wait_for_agent_seconds: Percentiles::of(&self.wait_for_agent),
            p_wait_for_agent: if took == 0 { 0.0 } else { self.waited_for_agent as f64 / took as f64 },
        }
    }
}
