//! The predictive pacer of a campaign queue, on either runtime: the simulator starts one per
//! predictive campaign for its calling hours, the real-time dispatcher one per predictive campaign
//! of center.yaml for as long as it runs. Every 10 s it reads the queue's answered and abandoned
//! dials and moves the planned abandonment [`EngineCallbacks::set_predictive`] dials for: tighter
//! fast when the last 15 minutes near the target, looser slowly when well under — so measured
//! abandonment holds under the target while more agents are kept talking than one dial per free
//! agent allows.
//!
//! [`EngineCallbacks::set_predictive`]: super::EngineCallbacks::set_predictive

use super::{Engine, Runtime};
use crate::acd::QueueId;
use crate::time::{MICROS_PER_SEC, Micros};
use std::rc::Rc;

/// How often the pacer looks, and over how long a past it measures abandonment.
const PACER_TICK: Micros = 10 * MICROS_PER_SEC;
const PACER_WINDOW_TICKS: usize = 90;
/// Ticks between two changes of the plan.
const COOLDOWN_TICKS: usize = 18;

/// Paces queue `q` predictively until `close` (run time), holding its abandoned / answered under
/// `target`.
pub async fn pace<R: Runtime>(engine: &Rc<Engine<R>>, q: QueueId, target: f64, close: Micros) {
    let rt = engine.runtime().clone();
    // The target the dials are planned for: the campaign's, moved by what the last 15 minutes
    // measured (abandonment the plan does not see — blended agents taken by inbound callers,
    // offers declined — is paid for by planning tighter).
    let mut planned = target / 4.0;
    let mut cooldown = 0usize;
    // (answered, abandoned) at each tick, the last PACER_WINDOW_TICKS of them.
    let mut past: std::collections::VecDeque<(u64, u64)> = std::collections::VecDeque::new();
    engine.callback_side.set_predictive(q, 0.3, planned);
    while rt.now() < close {
        rt.sleep(PACER_TICK).await;
        let (answered, abandoned, dials) = {
            let stats = engine.callback_side.stats.borrow();
            stats.queue(q.index()).map_or((0, 0, 0), |d| (d.answered, d.abandoned, d.dials))
        };
        past.push_back((answered, abandoned));
        if past.len() > PACER_WINDOW_TICKS {
            past.pop_front();
        }
        let (a0, b0) = past.front().copied().unwrap_or((0, 0));
        let (recent_answered, recent_abandoned) = (answered - a0, abandoned - b0);
        let rate = if recent_answered == 0 { 0.0 } else { recent_abandoned as f64 / recent_answered as f64 };
        // The answer rate so far (a guess of 30% until there are dials to learn from).
        let answer_rate = if dials < 20 { 0.3 } else { answered as f64 / dials as f64 };
        // Judged on enough answers only: tighter fast when abandonment nears the target, looser
        // slowly when it is well under (overshooting costs abandoned customers). Below the
        // progressive level (0) it dials for fewer agents than are free.
        // Abandons are few and lumpy: a change waits for 3 minutes of calls after the last one,
        // is judged on the last 15 minutes with enough answers, and never loosens while the day
        // so far (what the target is measured on) is over it.
        let day_rate = if answered == 0 { 0.0 } else { abandoned as f64 / answered as f64 };
        cooldown = cooldown.saturating_sub(1);
        let over = recent_answered >= 20 && rate > target;
        let under = recent_answered >= 20 && rate < 0.5 * target && day_rate < target;
        if cooldown == 0 && (over || under) {
            cooldown = COOLDOWN_TICKS;
            if over {
                planned = if planned > target / 50.0 {
                    planned * 0.6
                } else if planned > 0.0 {
                    0.0
                } else {
                    // Abandoned even at one dial per free agent (blended agents taken by
                    // inbound callers mid-ring): dial for fewer agents than are free.
                    (planned - 0.15).max(-0.75)
                };
            } else {
                planned = if planned < 0.0 {
                    (planned + 0.15).min(0.0)
                } else if planned == 0.0 {
                    target / 8.0
                } else {
                    (planned * 1.4).min(target)
                };
            }
        }
        engine.callback_side.set_predictive(q, answer_rate, planned);
        engine.dispatch();
    }
}
