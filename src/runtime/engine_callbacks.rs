//! The callback side of a run's engine: queue settings, the scheduler and its driver, the
//! customer-first pacer, the people model, the ledger and the figures.
//!
//! Kept in one value so the engine carries callbacks as a single field, and so the same desk
//! works on the virtual clock and on tokio (it only knows the runtime's `Signal`).

use crate::acd::{Acd, PositionKey, QueueId};
use crate::callbacks::ledger::{Ledger, NoLedger};
use crate::callbacks::people::PeopleModel;
use crate::callbacks::scheduler::Scheduler;
use crate::callbacks::stats::CallbackStats;
use crate::model::center::{CallbackSettings, Center};
use crate::runtime::Signal;
use crate::time::Micros;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Customer-first callbacks of one queue waiting for a dial slot, in queue order.
struct Pacing<S> {
    waiting: BTreeMap<PositionKey, S>,
    /// Dials in progress (slots granted and not yet given back).
    dialing: u32,
    /// Predictive pacing, when a pacer sets it: (the answer rate, the pacing level of
    /// [`predictive_dials`]); `None`: the queue's whole-number pacing modifier.
    predictive: Option<(f64, f64)>,
    /// The most dials in progress per available agent at any grant, for the figures.
    peak: f64,
}

/// Callback values a what-if run imposes on every callback, over both the queue's settings and
/// the values a flow's `create callback` gives (a simulation's `--sweep retry_interval=…` must
/// move every callback, including those of a flow that writes `retry every 10m`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WhatIf {
    pub attempts: Option<i64>,
    pub retry_interval_secs: Option<i64>,
}

pub struct EngineCallbacks<S: Signal> {
    /// Shared, not copied, by every callback served: a copy (its strings and lists) per callback
    /// was 1.7% of acme x100's instructions.
    settings: Vec<Rc<CallbackSettings>>,
    /// Empty outside what-if runs.
    pub what_if: WhatIf,
    queue_ani: Vec<Option<Rc<str>>>,
    default_settings: Rc<CallbackSettings>,
    /// Due times of callbacks that are not in a queue yet: the one scheduler.
    pub scheduler: RefCell<Scheduler<S>>,
    /// While the scheduler's driver runs: the signal that makes it look again, and the due time
    /// it sleeps until.
    pub(crate) driver: RefCell<Option<(S, Micros)>>,
    pub parties: RefCell<PeopleModel>,
    /// Numbers never dialled: a callback to one ends as `do_not_call` before any agent is
    /// reserved or any dial placed (every dial goes through the one lifecycle, so every dial
    /// respects it).
    pub do_not_call: crate::callbacks::do_not_call::DoNotCall,
    /// Places the dials when set (a telephony platform); the people model answers otherwise.
    pub dialer: RefCell<Option<Rc<dyn crate::callbacks::dialer::ExternalDialer>>>,
    /// Shows offers to people and follows their presence when set; the people model answers
    /// for simulated agents otherwise.
    pub desk: RefCell<Option<Rc<dyn crate::callbacks::desk::AgentDesk>>>,
    /// People on live lines (the service's web phone): calls they place, phones a callback rings.
    pub switchboard: RefCell<Option<Rc<dyn super::Switchboard>>>,
    /// Answered live lines by callback id, from the dial until the call ends.
    pub lines: RefCell<std::collections::HashMap<Rc<str>, super::LiveLine>>,
    pub ledger: RefCell<Box<dyn Ledger>>,
    pub stats: RefCell<CallbackStats>,
    pacing: RefCell<Vec<Pacing<S>>>,
    pacing_waiting: Cell<usize>,
    /// The local instant at runtime zero, for the outbound flows callbacks run (their `Now`).
    pub epoch: RefCell<Option<chrono::DateTime<chrono_tz::Tz>>>,
}

impl<S: Signal> EngineCallbacks<S> {
    /// Settings per queue from `center.yaml` (the defaults for queues it does not describe).
    pub fn new(acd: &Acd, center: Option<&Center>) -> Self {
        let n = acd.queue_count();
        let config = |q: usize| center.and_then(|c| c.queue(acd.queue_name(QueueId(q as u32))));
        EngineCallbacks {
            settings: (0..n)
                .map(|q| Rc::new(config(q).map(|c| c.callback.clone()).unwrap_or_default()))
                .collect(),
            queue_ani: (0..n).map(|q| config(q).and_then(|c| c.ani.as_deref().map(Rc::from))).collect(),
            what_if: WhatIf::default(),
            default_settings: Rc::default(),
            scheduler: RefCell::new(Scheduler::new()),
            driver: RefCell::new(None),
            parties: RefCell::new(PeopleModel::default()),
            do_not_call: Default::default(),
            dialer: RefCell::new(None),
            desk: RefCell::new(None),
            switchboard: RefCell::new(None),
            lines: RefCell::new(std::collections::HashMap::new()),
            ledger: RefCell::new(Box::new(NoLedger)),
            stats: RefCell::new(CallbackStats::default()),
            pacing: RefCell::new(
                (0..n)
                    .map(|_| Pacing { waiting: BTreeMap::new(), dialing: 0, predictive: None, peak: 0.0 })
                    .collect(),
            ),
            pacing_waiting: Cell::new(0),
            epoch: RefCell::new(None),
        }
    }

    /// The live line answered for callback `id`, taken out. With no lines (every simulation) it
    /// answers at once rather than hashing the id: SipHash of it, twice per callback dialled, was
    /// 0.5% of acme x100.
    pub fn take_line(&self, id: &str) -> Option<super::LiveLine> {
        let mut lines = self.lines.borrow_mut();
        if lines.is_empty() {
            return None;
        }
        lines.remove(id)
    }

    pub fn settings(&self, queue: QueueId) -> &Rc<CallbackSettings> {
        self.settings.get(queue.index()).unwrap_or(&self.default_settings)
    }

    /// A flow callback's attempts and retry interval (seconds) in `queue`: a what-if value, else
    /// the flow's own (`attempts 3 retry every 10m`), else the queue's setting.
    pub fn attempts_and_retry(
        &self,
        queue: QueueId,
        attempts: Option<i64>,
        retry_secs: Option<i64>,
    ) -> (i64, i64) {
        let s = self.settings(queue);
        (
            self.what_if.attempts.or(attempts).unwrap_or(s.attempts),
            self.what_if.retry_interval_secs.or(retry_secs).unwrap_or(s.retry_interval_secs),
        )
    }

    /// Overrides one queue's settings (tests, what-if runs).
    pub fn set_settings(&mut self, queue: QueueId, settings: CallbackSettings) {
        if let Some(s) = self.settings.get_mut(queue.index()) {
            *s = Rc::new(settings);
        }
    }

    /// The caller id a callback from this queue dials with (the queue's ANI, seed 003).
    pub fn queue_ani(&self, queue: QueueId) -> Option<&str> {
        self.queue_ani.get(queue.index()).and_then(|a| a.as_deref())
    }

    /// [`queue_ani`](Self::queue_ani), shared: the number a callback's greeting was dialled from
    /// (its `Call.Dnis`), without a copy per greeting.
    pub fn queue_ani_shared(&self, queue: QueueId) -> Option<Rc<str>> {
        self.queue_ani.get(queue.index()).and_then(Clone::clone)
    }

    /// A customer-first callback waits for a dial slot; `signal` fires when it is granted.
    pub(crate) fn wait_for_dial_slot(&self, queue: QueueId, key: PositionKey, signal: S) {
        if let Some(p) = self.pacing.borrow_mut().get_mut(queue.index()) {
            p.waiting.insert(key, signal);
            self.pacing_waiting.set(self.pacing_waiting.get() + 1);
        }
    }

    /// Paces `queue` predictively at `level` with `answer` the chance a dial is answered (see
    /// [`predictive_dials`]: above 0 the planned abandoned / answered, 0 progressive, below 0
    /// fewer dials than free agents).
    pub fn set_predictive(&self, queue: QueueId, answer: f64, target: f64) {
        if let Some(p) = self.pacing.borrow_mut().get_mut(queue.index()) {
            p.predictive = Some((answer.clamp(0.01, 1.0), target.max(-1.0)));
        }
    }

    /// The most dials in progress per available agent at any grant so far in `queue`.
    pub fn pacing_peak(&self, queue: QueueId) -> f64 {
        self.pacing.borrow().get(queue.index()).map_or(0.0, |p| p.peak)
    }

    /// A dial finished: its slot is free again.
    pub(crate) fn dial_done(&self, queue: QueueId) {
        if let Some(p) = self.pacing.borrow_mut().get_mut(queue.index()) {
            p.dialing = p.dialing.saturating_sub(1);
        }
    }

    /// Whether a customer-first callback waits for a dial slot: the engine's routing pass (the
    /// simulator's hot path) asks this before it borrows the ACD to [`pace`](Self::pace).
    pub fn pacing_needed(&self) -> bool {
        self.pacing_waiting.get() > 0
    }

    /// Grants dial slots in queue order while fewer than pacing modifier × available agents
    /// dials are in progress (Genesys's customer-first pacing), or, for a queue paced
    /// predictively, fewer than [`predictive_dials`] allows.
    pub fn pace(&self, acd: &Acd) {
        if !self.pacing_needed() {
            return;
        }
        let mut pacing = self.pacing.borrow_mut();
        for (q, p) in pacing.iter_mut().enumerate() {
            if p.waiting.is_empty() {
                continue;
            }
            let queue = QueueId(q as u32);
            let available = acd.agents_available(queue);
            let allowed = match p.predictive {
                Some((answer, level)) => predictive_dials(available, answer, level),
                None => self.settings(queue).pacing_modifier.max(1) as u32 * available,
            };
            while p.dialing < allowed {
                let Some((_, signal)) = p.waiting.pop_first() else { break };
                p.dialing += 1;
                p.peak = p.peak.max(f64::from(p.dialing) / f64::from(available.max(1)));
                self.pacing_waiting.set(self.pacing_waiting.get() - 1);
                signal.fire();
            }
        }
    }
}

/// The most dials to have in progress for `free` free agents when each is answered with chance
/// `answer`, at pacing `level`: for a level above 0, the largest n whose expected excess answers
/// (answers beyond the free agents, who are abandoned) over expected answers is at most `level`;
/// at 0, one dial per free agent (the progressive level); below 0 (down to −1), that share of the
/// free agents left without a dial — room for blended agents taken by inbound calls mid-ring.
pub fn predictive_dials(free: u32, answer: f64, level: f64) -> u32 {
    if free == 0 {
        return 0;
    }
    if level < 0.0 {
        return (f64::from(free) * (1.0 + level.max(-1.0))).floor() as u32;
    }
    if level == 0.0 {
        return free;
    }
    let target = level;
    if answer >= 0.999 {
        return free; // everyone answers: a dial ahead is an abandoned call
    }
    let p = answer.max(0.01);
    let mut best = free;
    for n in free + 1..=free.saturating_mul(8).min(2_000) {
        // Binomial(n, p): the expected answers beyond `free`.
        let (mut prob, mut excess) = ((1.0 - p).powi(n as i32), 0.0);
        for j in 0..=n {
            if j > 0 {
                prob *= (f64::from(n - j + 1) / f64::from(j)) * (p / (1.0 - p).max(1e-12));
            }
            if j > free {
                excess += prob * f64::from(j - free);
            }
        }
        if excess / (f64::from(n) * p) <= target {
            best = n;
        } else {
            break;
        }
    }
    best
}

#[cfg(test)]
mod predictive_tests {
    use super::predictive_dials;

    #[test]
    fn predictive_dials_more_when_more_agents_are_free_and_never_below_progressive() {
        assert_eq!(predictive_dials(0, 0.3, 0.03), 0);
        assert_eq!(predictive_dials(1, 0.3, 0.03), 1, "one free agent: a second dial risks 15%");
        let ten = predictive_dials(10, 0.3, 0.03);
        assert!(ten > 15 && ten < 40, "{ten}");
        assert!(predictive_dials(10, 0.3, 0.01) < ten);
        assert_eq!(predictive_dials(4, 1.0, 0.03), 4, "everyone answers: no dialling ahead");
        assert_eq!(predictive_dials(6, 0.3, 0.0), 6, "level 0: progressive");
        assert_eq!(predictive_dials(6, 0.3, -0.5), 3, "below 0: half the free agents dialled for");
    }
}
