//! Streaming statistics of a simulation run: counts, sums and wait histograms, with no per-call
//! storage, so memory stays flat however many calls run.
//!
//! # Which events to record
//!
//! - [`Metrics::record_offered`]`(None, i)` when a call arrives (enters the flow);
//!   `record_offered(Some(queue), i)` each time it enters a queue. A call that queues is therefore
//!   recorded twice: once as an arrival, once as offered to its queue.
//! - Then exactly one of [`record_answered`](Metrics::record_answered),
//!   [`record_abandoned`](Metrics::record_abandoned) or
//!   [`record_callback_created`](Metrics::record_callback_created) per queue entry (a call still
//!   waiting when the run ends gets none), with its wait in that queue.
//! - [`record_disconnected_in_flow`](Metrics::record_disconnected_in_flow) for a call that ended in
//!   the IVR without queueing; [`record_flow_error`](Metrics::record_flow_error) for one that ended
//!   on a runtime error.
//! - [`record_agent_busy`](Metrics::record_agent_busy) with each call's talk time (occupancy).
//!
//! `interval` is the reporting interval (see
//! [`Traffic::interval_of`](super::scenario::Traffic::interval_of)) the call **arrived or was
//! offered in**, also for its answer or abandonment, so each interval's ratios are about its own
//! calls, as workforce-management reports count them.
//!
//! # Speed
//!
//! Recording does not allocate in steady state: queues live in a small `Vec` found by name
//! (the last one used is checked first; allocation only when a queue is first seen), intervals in a
//! `Vec` indexed by number (grown when a later interval is first seen), and waits go into
//! [`hdrhistogram`] histograms in milliseconds at 3 significant digits, whose size depends only on
//! the longest wait.

use super::report::{
    IntervalReport, QueueInterval, QueueReport, Report, ServiceLevel, WaitPercentiles, round6,
};
use crate::time::{MICROS_PER_SEC, Micros};
use hdrhistogram::Histogram;
use std::collections::BTreeMap;

/// Intervals beyond this are folded into the last one, so a wild interval number cannot exhaust
/// memory (2^16 half-hours is about 3.7 years; the table is then about 5 MB).
pub const MAX_INTERVALS: usize = 1 << 16;

/// Counts and sums for one queue or for all queues together.
#[derive(Debug, Clone)]
struct WaitStats {
    offered: u64,
    answered: u64,
    abandoned: u64,
    callbacks: u64,
    /// Entries that waited longer than zero before being answered, abandoning or taking a callback.
    waited: u64,
    answered_within: u64,
    abandoned_within: u64,
    wait_answered: i128,
    wait_abandoned: i128,
    max_answered_wait: Micros,
    busy: i128,
    /// Waits of answered calls, in milliseconds. For all queues together it holds only the calls
    /// answered without a queue; the queues' histograms are added in at the end, so the hot path
    /// records each wait once.
    hist: Histogram<u64>,
}

impl WaitStats {
    fn new() -> WaitStats {
        WaitStats {
            offered: 0,
            answered: 0,
            abandoned: 0,
            callbacks: 0,
            waited: 0,
            answered_within: 0,
            abandoned_within: 0,
            wait_answered: 0,
            wait_abandoned: 0,
            max_answered_wait: 0,
            busy: 0,
            hist: new_histogram(),
        }
    }

    #[inline]
    fn answered(&mut self, wait: Micros, threshold: Micros, histogram: bool) {
        let wait = wait.max(0);
        self.answered += 1;
        self.waited += u64::from(wait > 0);
        self.answered_within += u64::from(wait <= threshold);
        self.wait_answered += i128::from(wait);
        self.max_answered_wait = self.max_answered_wait.max(wait);
        // Nearest millisecond; the histogram grows (rarely) for a longer wait than any before.
        let ms = ((wait + 500) / 1000) as u64;
        if histogram && self.hist.record(ms).is_err() {
            self.hist.saturating_record(ms);
        }
    }

    #[inline]
    fn abandoned(&mut self, wait: Micros, threshold: Micros) {
        let wait = wait.max(0);
        self.abandoned += 1;
        self.waited += u64::from(wait > 0);
        self.abandoned_within += u64::from(wait <= threshold);
        self.wait_abandoned += i128::from(wait);
    }

    #[inline]
    fn callback(&mut self, wait: Micros) {
        self.callbacks += 1;
        self.waited += u64::from(wait > 0);
    }

    fn service_level(&self, threshold: Micros) -> ServiceLevel {
        service_level(self.offered, self.answered, self.answered_within, self.abandoned_within, threshold)
    }

    fn percentiles(&self, hist: &Histogram<u64>) -> WaitPercentiles {
        let q = |q: f64| {
            if hist.is_empty() {
                return 0.0;
            }
            let ms = hist.median_equivalent(hist.value_at_quantile(q));
            round6(ms as f64 / 1000.0)
        };
        WaitPercentiles {
            p50: q(0.50),
            p80: q(0.80),
            p90: q(0.90),
            p95: q(0.95),
            p99: q(0.99),
            max: round6(self.max_answered_wait as f64 / MICROS_PER_SEC as f64),
        }
    }

    fn queue_report(&self, threshold: Micros, agent_time: f64, hist: &Histogram<u64>) -> QueueReport {
        QueueReport {
            offered: self.offered,
            answered: self.answered,
            abandoned: self.abandoned,
            asa_seconds: mean_secs(self.wait_answered, self.answered),
            p_wait: ratio(self.waited, self.offered),
            occupancy: round6(if agent_time > 0.0 { self.busy as f64 / agent_time } else { 0.0 }),
            service_level: self.service_level(threshold),
            mean_wait_all_seconds: mean_secs(
                self.wait_answered + self.wait_abandoned,
                self.answered + self.abandoned,
            ),
            wait_percentiles_seconds: self.percentiles(hist),
            abandon_rate: ratio(self.abandoned, self.offered),
            callbacks_created: self.callbacks,
            talk_seconds: round6(self.busy as f64 / MICROS_PER_SEC as f64),
        }
    }
}

/// Waits in milliseconds, 3 significant digits, sized for an hour up front and growing past it.
fn new_histogram() -> Histogram<u64> {
    let mut h = Histogram::new_with_max(3_600_000, 3)
        .or_else(|_| Histogram::new(3))
        .expect("3 significant digits is a valid precision");
    h.auto(true);
    h
}

/// Counts for one reporting interval.
#[derive(Debug, Clone, Copy, Default)]
struct IntervalStats {
    arrived: u64,
    offered: u64,
    answered: u64,
    abandoned: u64,
    answered_within: u64,
    abandoned_within: u64,
    wait_answered: i128,
    /// Callers who left a queue for a callback.
    callbacks: u64,
    /// Every wait in a queue of the interval's callers (answered, abandoned or leaving for a
    /// callback), for the mean queue length by Little's law.
    wait_all: i128,
}

impl IntervalStats {
    /// A caller offered in the interval was answered after `wait` (≥ 0); `queued`: in a queue
    /// (a wait outside one, such as an agent's transfer, is no queue's length).
    #[inline]
    fn answer(&mut self, wait: Micros, threshold: Micros, queued: bool) {
        self.answered += 1;
        self.answered_within += u64::from(wait <= threshold);
        self.wait_answered += i128::from(wait);
        if queued {
            self.wait_all += i128::from(wait);
        }
    }

    /// A caller offered in the interval hung up after `wait` (≥ 0).
    #[inline]
    fn abandon(&mut self, wait: Micros, threshold: Micros) {
        self.abandoned += 1;
        self.abandoned_within += u64::from(wait <= threshold);
        self.wait_all += i128::from(wait);
    }

    /// A caller offered in the interval left for a callback after `wait` (≥ 0).
    #[inline]
    fn leave_for_callback(&mut self, wait: Micros) {
        self.callbacks += 1;
        self.wait_all += i128::from(wait);
    }

    fn service_level(&self, threshold: Micros) -> ServiceLevel {
        service_level(self.offered, self.answered, self.answered_within, self.abandoned_within, threshold)
    }
}

/// `None` over nothing: a ratio with no denominator has no value (see the report's definitions).
fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| round6(num as f64 / den as f64))
}

fn mean_secs(sum: i128, n: u64) -> Option<f64> {
    (n > 0).then(|| round6(sum as f64 / n as f64 / MICROS_PER_SEC as f64))
}

fn service_level(
    offered: u64,
    answered: u64,
    answered_within: u64,
    abandoned_within: u64,
    threshold: Micros,
) -> ServiceLevel {
    ServiceLevel {
        threshold_seconds: round6(threshold as f64 / MICROS_PER_SEC as f64),
        answered_within_over_offered: ratio(answered_within, offered),
        answered_within_over_answered: ratio(answered_within, answered),
        answered_within_over_offered_minus_short_abandons: ratio(
            answered_within,
            offered.saturating_sub(abandoned_within),
        ),
    }
}

/// Streaming statistics of a run. See the module docs for which events to record.
#[derive(Debug, Clone)]
pub struct Metrics {
    threshold: Micros,
    arrived: u64,
    disconnected_in_flow: u64,
    flow_errors: u64,
    all: WaitStats,
    queues: Vec<(String, WaitStats)>,
    last_queue: usize,
    intervals: Vec<IntervalStats>,
    /// Per queue (in the order of `queues`), its own intervals: each queue's service level
    /// interval by interval, as a forecast per queue is planned.
    queue_intervals: Vec<Vec<IntervalStats>>,
    /// The reporting interval's length, for queue lengths per interval (0: not reported).
    interval_len: Micros,
}

impl Metrics {
    /// Empty statistics; waits `≤ sl_threshold` count as within the service level.
    pub fn new(sl_threshold: Micros) -> Metrics {
        Metrics {
            threshold: sl_threshold,
            arrived: 0,
            disconnected_in_flow: 0,
            flow_errors: 0,
            all: WaitStats::new(),
            queues: Vec::new(),
            last_queue: 0,
            intervals: Vec::new(),
            queue_intervals: Vec::new(),
            interval_len: 0,
        }
    }

    /// Reports each interval's mean queue length too: the waits of its callers over `len`.
    pub fn with_interval_len(mut self, len: Micros) -> Metrics {
        self.interval_len = len;
        self
    }

    /// The service-level threshold given to [`Metrics::new`].
    pub fn sl_threshold(&self) -> Micros {
        self.threshold
    }

    /// Arrivals so far (`record_offered(None, _)`).
    pub fn arrived(&self) -> u64 {
        self.arrived
    }

    /// Queue entries so far (`record_offered(Some(_), _)`).
    pub fn offered(&self) -> u64 {
        self.all.offered
    }

    #[inline]
    fn queue(&mut self, name: &str) -> &mut WaitStats {
        let i = self.queue_index(name);
        &mut self.queues[i].1
    }

    #[inline]
    fn queue_index(&mut self, name: &str) -> usize {
        let i = if self.queues.get(self.last_queue).is_some_and(|(n, _)| n == name) {
            self.last_queue
        } else if let Some(i) = self.queues.iter().position(|(n, _)| n == name) {
            i
        } else {
            self.queues.push((name.to_owned(), WaitStats::new()));
            self.queue_intervals.push(Vec::new());
            self.queues.len() - 1
        };
        self.last_queue = i;
        i
    }

    #[inline]
    fn interval(&mut self, i: usize) -> &mut IntervalStats {
        let i = i.min(MAX_INTERVALS - 1);
        if i >= self.intervals.len() {
            self.intervals.resize(i + 1, IntervalStats::default());
        }
        &mut self.intervals[i]
    }

    /// Queue `qi`'s own interval `i`.
    #[inline]
    fn queue_interval(&mut self, qi: usize, i: usize) -> &mut IntervalStats {
        let i = i.min(MAX_INTERVALS - 1);
        let v = &mut self.queue_intervals[qi];
        if i >= v.len() {
            v.resize(i + 1, IntervalStats::default());
        }
        &mut v[i]
    }

    /// `None`: a call arrived. `Some(queue)`: a call entered `queue`.
    #[inline]
    pub fn record_offered(&mut self, queue: Option<&str>, interval: usize) {
        match queue {
            None => {
                self.arrived += 1;
                self.interval(interval).arrived += 1;
            }
            Some(q) => {
                self.all.offered += 1;
                let qi = self.queue_index(q);
                self.queues[qi].1.offered += 1;
                self.queue_interval(qi, interval).offered += 1;
                self.interval(interval).offered += 1;
            }
        }
    }

    /// A call in `queue` was answered after waiting `wait`.
    #[inline]
    pub fn record_answered(&mut self, queue: Option<&str>, interval: usize, wait: Micros) {
        let t = self.threshold;
        self.all.answered(wait, t, queue.is_none());
        let w = wait.max(0);
        if let Some(q) = queue {
            let qi = self.queue_index(q);
            self.queues[qi].1.answered(wait, t, true);
            self.queue_interval(qi, interval).answer(w, t, true);
        }
        self.interval(interval).answer(w, t, queue.is_some());
    }

    /// A call entered `queue`, was answered after waiting `wait`, and its agent talked for
    /// `busy`: the same as [`record_offered`](Metrics::record_offered)`(Some(queue), ..)`,
    /// [`record_answered`](Metrics::record_answered) and
    /// [`record_agent_busy`](Metrics::record_agent_busy), with one lookup of the queue (the
    /// simulator's most common call).
    #[inline]
    pub fn record_answered_call(&mut self, queue: &str, interval: usize, wait: Micros, busy: Micros) {
        let t = self.threshold;
        let busy = i128::from(busy.max(0));
        self.all.offered += 1;
        self.all.answered(wait, t, false);
        self.all.busy += busy;
        let qi = self.queue_index(queue);
        let q = &mut self.queues[qi].1;
        q.offered += 1;
        q.answered(wait, t, true);
        q.busy += busy;
        let wait = wait.max(0);
        let s = self.queue_interval(qi, interval);
        s.offered += 1;
        s.answer(wait, t, true);
        let s = self.interval(interval);
        s.offered += 1;
        s.answer(wait, t, true);
    }

    /// A caller in `queue` hung up after waiting `wait`.
    #[inline]
    pub fn record_abandoned(&mut self, queue: Option<&str>, interval: usize, wait: Micros) {
        let t = self.threshold;
        self.all.abandoned(wait, t);
        if let Some(q) = queue {
            let qi = self.queue_index(q);
            self.queues[qi].1.abandoned(wait, t);
            self.queue_interval(qi, interval).abandon(wait.max(0), t);
        }
        self.interval(interval).abandon(wait.max(0), t);
    }

    /// A call ended in the flow without entering a queue.
    #[inline]
    pub fn record_disconnected_in_flow(&mut self, interval: usize) {
        self.disconnected_in_flow += 1;
        let _ = self.interval(interval);
    }

    /// A call ended on a runtime error in the flow.
    #[inline]
    pub fn record_flow_error(&mut self, interval: usize) {
        self.flow_errors += 1;
        let _ = self.interval(interval);
    }

    /// A caller in `queue` left the queue for a callback after waiting `wait_before`.
    #[inline]
    pub fn record_callback_created(&mut self, queue: Option<&str>, interval: usize, wait_before: Micros) {
        self.all.callback(wait_before);
        if let Some(q) = queue {
            let qi = self.queue_index(q);
            self.queues[qi].1.callback(wait_before);
            self.queue_interval(qi, interval).leave_for_callback(wait_before.max(0));
        }
        self.interval(interval).leave_for_callback(wait_before.max(0));
    }

    /// An agent talked for `busy` on a call from `queue` (wrap-up excluded).
    #[inline]
    pub fn record_agent_busy(&mut self, queue: Option<&str>, busy: Micros) {
        let busy = i128::from(busy.max(0));
        self.all.busy += busy;
        if let Some(q) = queue {
            self.queue(q).busy += busy;
        }
    }

    /// Each queue's figures in interval `i`, when calls entered more than one queue.
    fn queue_interval_reports(&self, i: usize) -> BTreeMap<String, QueueInterval> {
        if self.queues.len() < 2 {
            return BTreeMap::new();
        }
        let t = self.threshold;
        self.queues
            .iter()
            .zip(&self.queue_intervals)
            .map(|((name, _), intervals)| {
                let s = intervals.get(i).copied().unwrap_or_default();
                let figures = QueueInterval {
                    offered: s.offered,
                    answered: s.answered,
                    abandoned: s.abandoned,
                    callbacks_created: s.callbacks,
                    asa_seconds: mean_secs(s.wait_answered, s.answered),
                    service_level: s.service_level(t),
                };
                (name.clone(), figures)
            })
            .collect()
    }

    /// The report: `duration` is the simulated time (for occupancy), `agents` the number of agents,
    /// `interval_label` the local start time of reporting interval `i`
    /// ([`Traffic::interval_label`](super::scenario::Traffic::interval_label)).
    pub fn finish(&self, duration: Micros, agents: u32, interval_label: &dyn Fn(usize) -> String) -> Report {
        let t = self.threshold;
        let agent_time = duration.max(0) as f64 * f64::from(agents);
        let mut hist = self.all.hist.clone();
        for (_, q) in &self.queues {
            // Cannot fail with auto-resize; if it did, the percentiles would cover fewer calls.
            let _ = hist.add(&q.hist);
        }
        let all = self.all.queue_report(t, agent_time, &hist);
        let per_queue: BTreeMap<String, QueueReport> = self
            .queues
            .iter()
            .map(|(name, s)| (name.clone(), s.queue_report(t, agent_time, &s.hist)))
            .collect();
        let per_interval = self
            .intervals
            .iter()
            .enumerate()
            .map(|(i, s)| IntervalReport {
                start: interval_label(i),
                arrived: s.arrived,
                offered: s.offered,
                answered: s.answered,
                abandoned: s.abandoned,
                asa_seconds: mean_secs(s.wait_answered, s.answered),
                service_level: s.service_level(t),
                callbacks_created: s.callbacks,
                mean_queue_length: if self.interval_len > 0 {
                    round6(s.wait_all as f64 / self.interval_len as f64)
                } else {
                    0.0
                },
                agents: f64::from(agents),
                occupancy_per_group: BTreeMap::new(),
                callbacks: None,
                per_queue: self.queue_interval_reports(i),
            })
            .collect();
        Report {
            offered: all.offered,
            answered: all.answered,
            abandoned: all.abandoned,
            asa_seconds: all.asa_seconds,
            p_wait: all.p_wait,
            occupancy: all.occupancy,
            service_level: all.service_level,
            mean_wait_all_seconds: all.mean_wait_all_seconds,
            wait_percentiles_seconds: all.wait_percentiles_seconds,
            abandon_rate: all.abandon_rate,
            arrived: self.arrived,
            retrials: 0,
            disconnected_in_flow: self.disconnected_in_flow,
            flow_errors: self.flow_errors,
            // Each call that ended counted once: offered (with its outcome in the queue), in the
            // flow, or as an error. The rest were still in the system.
            unfinished: self
                .arrived
                .saturating_sub(all.offered + self.disconnected_in_flow + self.flow_errors),
            callbacks_created: all.callbacks_created,
            agents,
            simulated_seconds: round6(duration as f64 / MICROS_PER_SEC as f64),
            per_queue,
            per_interval,
            callbacks: None,
            data_actions: BTreeMap::new(),
            per_group: BTreeMap::new(),
            campaigns: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const S: Micros = MICROS_PER_SEC;

    fn label(i: usize) -> String {
        format!("interval {i}")
    }

    /// Seven arrivals; six queue entries (four Support, two Billing) over two intervals.
    pub(crate) fn sample() -> Metrics {
        let mut m = Metrics::new(20 * S);
        for _ in 0..5 {
            m.record_offered(None, 0);
        }
        m.record_offered(None, 1);
        m.record_offered(None, 1);
        m.record_disconnected_in_flow(0);
        m.record_flow_error(0);
        for wait in [0, 10 * S, 30 * S] {
            m.record_offered(Some("Support"), 0);
            m.record_answered(Some("Support"), 0, wait);
            m.record_agent_busy(Some("Support"), 100 * S);
        }
        m.record_offered(Some("Support"), 1);
        m.record_abandoned(Some("Support"), 1, 5 * S);
        m.record_offered(Some("Billing"), 1);
        m.record_abandoned(Some("Billing"), 1, 40 * S);
        m.record_offered(Some("Billing"), 1);
        m.record_callback_created(Some("Billing"), 1, 25 * S);
        m
    }

    #[test]
    fn answered_call_is_offered_answered_and_busy_in_one() {
        let (mut three, mut one) = (Metrics::new(20 * S), Metrics::new(20 * S));
        for (q, interval, wait, busy) in
            [("Support", 0, 0, 90 * S), ("Billing", 1, 25 * S, 30 * S), ("Support", 1, 5 * S, 60 * S)]
        {
            three.record_offered(Some(q), interval);
            three.record_answered(Some(q), interval, wait);
            three.record_agent_busy(Some(q), busy);
            one.record_answered_call(q, interval, wait, busy);
        }
        assert_eq!(three.finish(3600 * S, 3, &label), one.finish(3600 * S, 3, &label));
    }

    #[test]
    fn figures_of_a_hand_made_run() {
        let r = sample().finish(1000 * S, 2, &label);
        assert_eq!((r.arrived, r.offered, r.answered, r.abandoned), (7, 6, 3, 2));
        assert_eq!((r.disconnected_in_flow, r.flow_errors, r.callbacks_created), (1, 1, 1));
        assert_eq!(r.asa_seconds, Some(13.333333));
        assert_eq!(r.p_wait, Some(0.833333)); // 5 of 6 entries waited
        assert_eq!(r.occupancy, 0.15); // 300 s talk / (1000 s × 2 agents)
        assert_eq!(r.mean_wait_all_seconds, Some(17.0)); // (0 + 10 + 30 + 5 + 40) / 5
        assert_eq!(r.abandon_rate, Some(0.333333));
        assert_eq!(r.simulated_seconds, 1000.0);
        let sl = &r.service_level;
        assert_eq!(sl.threshold_seconds, 20.0);
        assert_eq!(sl.answered_within_over_offered, Some(0.333333)); // 2 / 6
        assert_eq!(sl.answered_within_over_answered, Some(0.666667)); // 2 / 3
        assert_eq!(sl.answered_within_over_offered_minus_short_abandons, Some(0.4)); // 2 / (6 − 1)
        let p = &r.wait_percentiles_seconds;
        assert_eq!(p.max, 30.0);
        assert!((p.p50 - 10.0).abs() < 0.02, "{p:?}");
        assert!((p.p99 - 30.0).abs() < 0.05, "{p:?}");

        let support = &r.per_queue["Support"];
        assert_eq!((support.offered, support.answered, support.abandoned), (4, 3, 1));
        assert_eq!(support.occupancy, 0.15);
        assert_eq!(support.talk_seconds, 300.0);
        assert_eq!(support.service_level.answered_within_over_offered, Some(0.5));
        assert_eq!(support.service_level.answered_within_over_offered_minus_short_abandons, Some(0.666667));
        let billing = &r.per_queue["Billing"];
        assert_eq!(
            (billing.offered, billing.answered, billing.abandoned, billing.callbacks_created),
            (2, 0, 1, 1)
        );
        assert_eq!(billing.p_wait, Some(1.0));
        // Nobody answered: no speed of answer (not 0 s, which would read as perfect service).
        assert_eq!(billing.asa_seconds, None);
        assert_eq!(billing.occupancy, 0.0);

        assert_eq!(r.per_interval.len(), 2);
        let (a, b) = (&r.per_interval[0], &r.per_interval[1]);
        assert_eq!(a.start, "interval 0");
        assert_eq!((a.arrived, a.offered, a.answered, a.abandoned), (5, 3, 3, 0));
        assert_eq!(a.asa_seconds, Some(13.333333));
        assert_eq!(a.service_level.answered_within_over_offered, Some(0.666667));
        assert_eq!((b.arrived, b.offered, b.answered, b.abandoned), (2, 3, 0, 2));
        assert_eq!(b.service_level.answered_within_over_offered, Some(0.0));
        assert_eq!(b.service_level.answered_within_over_offered_minus_short_abandons, Some(0.0));
        assert_eq!(b.service_level.answered_within_over_answered, None);
        assert_eq!(b.asa_seconds, None);
        // Each queue interval by interval: Support answered its three at 08:00, Billing lost one
        // and gave one to a callback at 08:30 (and had nothing at 08:00: no ratio).
        let (sa, ba) = (&a.per_queue["Support"], &a.per_queue["Billing"]);
        assert_eq!((sa.offered, sa.answered, sa.asa_seconds), (3, 3, Some(13.333333)));
        assert_eq!(sa.service_level.answered_within_over_offered, Some(0.666667));
        assert_eq!((ba.offered, ba.service_level.answered_within_over_offered), (0, None));
        let (sb, bb) = (&b.per_queue["Support"], &b.per_queue["Billing"]);
        assert_eq!((sb.offered, sb.abandoned, sb.callbacks_created), (1, 1, 0));
        assert_eq!((bb.offered, bb.abandoned, bb.callbacks_created), (2, 1, 1));
        let json = r.to_json();
        assert!(json.contains("\"asa_seconds\": null"), "{json}");
        // One queue: its figures are the interval's own, and are not repeated.
        let mut one = Metrics::new(20 * S);
        one.record_answered_call("Support", 0, S, S);
        assert!(one.finish(S, 1, &label).per_interval[0].per_queue.is_empty());
    }

    #[test]
    fn empty_run_has_no_ratios_and_no_nan() {
        let r = Metrics::new(20 * S).finish(0, 0, &label);
        assert_eq!((r.offered, r.answered, r.occupancy), (0, 0, 0.0));
        assert_eq!(
            (r.asa_seconds, r.p_wait, r.abandon_rate, r.mean_wait_all_seconds),
            (None, None, None, None)
        );
        assert_eq!(r.service_level.answered_within_over_offered, None);
        assert_eq!(r.wait_percentiles_seconds.p99, 0.0);
        assert!(r.per_interval.is_empty() && r.per_queue.is_empty());
        assert!(!r.to_json().contains("NaN"));
    }

    #[test]
    fn threshold_is_inclusive_and_unqueued_calls_count_only_overall() {
        let mut m = Metrics::new(20 * S);
        m.record_offered(Some("Q"), 0);
        m.record_answered(Some("Q"), 0, 20 * S);
        m.record_offered(Some("Q"), 0);
        m.record_answered(Some("Q"), 0, 20 * S + 1);
        m.record_answered(None, 0, 0);
        let r = m.finish(S, 1, &label);
        assert_eq!(r.answered, 3);
        assert_eq!(r.per_queue["Q"].answered, 2);
        assert_eq!(r.per_queue["Q"].service_level.answered_within_over_answered, Some(0.5));
    }

    #[test]
    fn memory_stays_flat_as_calls_grow() {
        let mut m = Metrics::new(20 * S);
        for i in 0..200_000i64 {
            let q = if i % 3 == 0 { "A" } else { "B" };
            m.record_offered(None, 0);
            m.record_offered(Some(q), 0);
            m.record_answered(Some(q), 0, (i * 7919) % (600 * S));
        }
        let before = m.queues[0].1.hist.distinct_values();
        for i in 0..200_000i64 {
            m.record_offered(Some("A"), 1);
            m.record_answered(Some("A"), 1, (i * 104_729) % (600 * S));
        }
        assert_eq!(m.queues.len(), 2);
        assert_eq!(m.intervals.len(), 2);
        assert_eq!(m.queues[0].1.hist.distinct_values(), before); // same buckets, no growth
        // A wild interval number is folded, not allocated.
        m.record_offered(None, usize::MAX);
        assert_eq!(m.intervals.len(), MAX_INTERVALS);
    }
}
