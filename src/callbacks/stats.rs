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
    /// The reporting interval's length for [`CallbackStats::per_interval`]; 0: not kept.
    interval_len: Micros,
    /// Per reporting interval, counted by when each thing happened (an offer, a creation, a
    /// dial, a connection, an end): what a WFM report shows of callbacks across the day.
    intervals: Vec<IntervalCounts>,
    /// Dials and their results per queue (by queue index): a campaign's figures.
    queues: Vec<QueueDials>,
}

/// The dials of one queue's callbacks and what came of them (a campaign's queue).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueDials {
    pub dials: u64,
    /// A live voice answered.
    pub answered: u64,
    pub machine: u64,
    pub busy: u64,
    pub no_answer: u64,
    /// Customers connected with an agent (right-party contacts).
    pub connected: u64,
    /// Customers who answered and got no agent within the connect time.
    pub abandoned: u64,
    /// Per reporting interval: (dials, answered, abandoned), by when each happened.
    pub intervals: Vec<(u64, u64, u64)>,
}

/// The most intervals kept; later events fold into the last (as the simulator's own figures).
const MAX_INTERVALS: usize = 1 << 16;

/// Callback counts of one reporting interval.
#[derive(Debug, Clone, Copy, Default)]
struct IntervalCounts {
    offered: u64,
    created: u64,
    dialled: u64,
    connected: u64,
    ended: u64,
    /// Time to callback of the callbacks connected in the interval, in microseconds.
    time_to_callback: i128,
    within_target: u64,
}

/// The callbacks of one reporting interval in a simulation report.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct IntervalCallbacks {
    /// Callers who reached a callback offer in the interval.
    pub offered: u64,
    /// Callbacks created (accepted) in the interval.
    pub accepted: u64,
    /// Dials placed in the interval (every attempt).
    pub dialled: u64,
    /// Callbacks whose customer was connected with an agent in the interval.
    pub connected: u64,
    /// Callbacks created and not yet ended at the end of the interval: the backlog.
    pub pending: u64,
    /// The mean time to callback of the interval's connected callbacks; `None` (`null`) when
    /// none connected in it.
    pub time_to_callback_seconds: Option<f64>,
    /// Of the interval's connected callbacks, the share within the time-to-callback target;
    /// `None` (`null`) when none connected in it.
    pub within_target: Option<f64>,
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
            interval_len: 0,
            intervals: Vec::new(),
            queues: Vec::new(),
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
    /// Keeps the figures per reporting interval of `len` too (see [`CallbackStats::per_interval`]).
    pub fn by_interval(&mut self, len: Micros) {
        self.interval_len = len.max(0);
    }

    /// The counts of the interval `now` falls in, when intervals are kept.
    fn at(&mut self, now: Micros) -> Option<&mut IntervalCounts> {
        if self.interval_len == 0 {
            return None;
        }
        let i = usize::try_from(now.max(0) / self.interval_len).unwrap_or(usize::MAX).min(MAX_INTERVALS - 1);
        if self.intervals.len() <= i {
            self.intervals.resize(i + 1, IntervalCounts::default());
        }
        Some(&mut self.intervals[i])
    }

    /// A caller reached a callback offer at `now`.
    pub fn offered(&mut self, now: Micros) {
        self.offered += 1;
        if let Some(c) = self.at(now) {
            c.offered += 1;
        }
    }

    /// A callback was created at `now`.
    pub fn created(&mut self, now: Micros) {
        self.created += 1;
        if let Some(c) = self.at(now) {
            c.created += 1;
        }
    }

    fn queue_dials(&mut self, queue: usize) -> &mut QueueDials {
        if self.queues.len() <= queue {
            self.queues.resize_with(queue + 1, QueueDials::default);
        }
        &mut self.queues[queue]
    }

    /// The interval `now` falls in for `queue`'s counts (0 when intervals are not kept).
    fn queue_interval(&mut self, queue: usize, now: Micros) -> &mut (u64, u64, u64) {
        let i = if self.interval_len == 0 {
            0
        } else {
            usize::try_from(now.max(0) / self.interval_len).unwrap_or(usize::MAX).min(MAX_INTERVALS - 1)
        };
        let q = self.queue_dials(queue);
        if q.intervals.len() <= i {
            q.intervals.resize(i + 1, (0, 0, 0));
        }
        &mut q.intervals[i]
    }

    /// A dial of a callback in `queue` placed at `placed` came back with `result` (counted in the
    /// interval it was placed in, so a campaign's dials show within its calling hours).
    pub fn dial_result(&mut self, placed: Micros, queue: usize, result: super::people::DialResult) {
        use super::people::DialResult::*;
        let q = self.queue_dials(queue);
        q.dials += 1;
        match result {
            Answered => q.answered += 1,
            Machine => q.machine += 1,
            Busy => q.busy += 1,
            NoAnswer => q.no_answer += 1,
        }
        let slot = self.queue_interval(queue, placed);
        slot.0 += 1;
        slot.1 += u64::from(result == Answered);
    }

    /// A customer of `queue` who answered got no agent in time, at `now`.
    pub fn abandoned_in(&mut self, now: Micros, queue: usize) {
        self.queue_dials(queue).abandoned += 1;
        self.queue_interval(queue, now).2 += 1;
    }

    /// A customer of `queue` was connected with an agent.
    pub fn connected_in(&mut self, queue: usize) {
        self.queue_dials(queue).connected += 1;
    }

    /// The dials of `queue` so far.
    pub fn queue(&self, queue: usize) -> Option<&QueueDials> {
        self.queues.get(queue)
    }

    /// A dial was placed at `now`.
    pub fn dialled(&mut self, now: Micros) {
        self.attempts += 1;
        if let Some(c) = self.at(now) {
            c.dialled += 1;
        }
    }

    pub fn ended(&mut self, now: Micros, reason: EndReason) {
        *self.ended.entry(reason).or_default() += 1;
        if let Some(c) = self.at(now) {
            c.ended += 1;
        }
    }

    /// The customer was connected with an agent at `now`, `time_to_callback` after the callback
    /// was ready.
    pub fn connected(&mut self, now: Micros, time_to_callback: Micros) {
        let _ = self.time_to_callback.record(ms(time_to_callback));
        let within = time_to_callback <= self.target;
        self.within_target += u64::from(within);
        if let Some(c) = self.at(now) {
            c.connected += 1;
            c.time_to_callback += i128::from(time_to_callback.max(0));
            c.within_target += u64::from(within);
        }
    }

    /// The figures per reporting interval (empty unless [`CallbackStats::by_interval`] was set),
    /// from the first interval to the last with any event.
    pub fn per_interval(&self) -> Vec<IntervalCallbacks> {
        let (mut created, mut ended) = (0u64, 0u64);
        let r6 = |x: f64| (x * 1e6).round() / 1e6;
        self.intervals
            .iter()
            .map(|c| {
                created += c.created;
                ended += c.ended;
                IntervalCallbacks {
                    offered: c.offered,
                    accepted: c.created,
                    dialled: c.dialled,
                    connected: c.connected,
                    pending: created.saturating_sub(ended),
                    time_to_callback_seconds: (c.connected > 0)
                        .then(|| r6(c.time_to_callback as f64 / c.connected as f64 / 1e6)),
                    within_target: (c.connected > 0).then(|| r6(c.within_target as f64 / c.connected as f64)),
                }
            })
            .collect()
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
