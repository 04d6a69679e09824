//! A forecast per queue, as a run uses it: each arrival is one queue's, with the chance of its
//! share of the forecast row's calls; its caller heads for that queue through the entry flow
//! ([`super::headed_caller`]) and its handle time has the queue's AHT for the row (read from
//! the traffic's `queues`, in the same order).

use super::scenario::{CallerModel, Traffic};
use crate::runtime::{Engine, VirtualRuntime};
use std::rc::Rc;

/// A forecast per queue, as the run uses it.
pub struct QueueSplit {
    /// Per forecast row, each queue's share of the row's calls, added up in the queues' order.
    cumulative: Vec<Vec<f64>>,
    /// Per queue (in the forecast's order): callers headed for it through the entry flow.
    callers: Vec<Rc<CallerModel>>,
}

impl QueueSplit {
    /// `None` without a forecast per queue. A queue the project lacks, or one its entry flow never
    /// transfers to, is an error at the forecast's cell that names it.
    pub fn new(
        traffic: &Traffic,
        graph: &Rc<crate::compile::FlowGraph>,
        model: &CallerModel,
        engine: &Engine<VirtualRuntime>,
    ) -> Result<Option<QueueSplit>, String> {
        if traffic.queues.is_empty() {
            return Ok(None);
        }
        // A call's queue is kept in 16 bits (see `Calls::spawn`); a center has far fewer.
        if traffic.queues.len() > usize::from(u16::MAX) {
            return Err(format!(
                "the forecast names {} queues; at most {} are simulated",
                traffic.queues.len(),
                u16::MAX
            ));
        }
        let acd = engine.acd.borrow();
        let mut callers = Vec::with_capacity(traffic.queues.len());
        for q in &traffic.queues {
            if acd.queue_id(&q.name).is_none() {
                let names = (0..acd.queue_count()).map(|i| acd.queue_name(crate::acd::QueueId(i as u32)));
                let help = crate::source::suggest::help_for(&q.name, "queue", names);
                let message = format!("the forecast's queue `{}` is not a queue of the project", q.name);
                return Err(q.error(message, Some(help)).to_string());
            }
            let headed = super::headed_caller::headed_for(graph, &|name| engine.flow(name), model, &q.name)
                .ok_or_else(|| {
                let message = format!(
                    "no path through flow `{}` transfers to `{}`, so its forecast calls could not reach it",
                    graph.name(),
                    q.name
                );
                let help =
                    "forecast the queues the entry flow transfers to, or name another flow with `flow:`";
                q.error(message, Some(help.into())).to_string()
            })?;
            callers.push(Rc::new(headed));
        }
        let rows = traffic.queues[0].offered.len();
        let cumulative = (0..rows)
            .map(|i| {
                let total: f64 = traffic.queues.iter().map(|q| q.offered[i]).sum();
                let mut sum = 0.0;
                traffic
                    .queues
                    .iter()
                    .map(|q| {
                        sum += q.offered[i];
                        if total > 0.0 { sum / total } else { 0.0 }
                    })
                    .collect()
            })
            .collect();
        Ok(Some(QueueSplit { cumulative, callers }))
    }

    /// The queue of a call arriving in forecast row `row` (wrapping like the profile), for a
    /// uniform draw `u`: each with the chance of its share of the row's calls.
    pub fn pick(&self, row: usize, u: f64) -> usize {
        let shares = &self.cumulative[row % self.cumulative.len().max(1)];
        shares.iter().position(|c| u < *c).unwrap_or_else(|| {
            // Rounding left `u` above the last sum: the last queue with calls in the row.
            let before = |k: usize| if k == 0 { 0.0 } else { shares[k - 1] };
            (0..shares.len()).rev().find(|&k| shares[k] > before(k)).unwrap_or(0)
        })
    }

    /// The callers headed for queue `q`.
    pub fn caller(&self, q: usize) -> &Rc<CallerModel> {
        &self.callers[q]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_queue_is_drawn_with_its_share_of_the_row() {
        let split = QueueSplit {
            // Row 0: 25% / 75%; row 1: only the second queue; row 2: no calls at all.
            cumulative: vec![vec![0.25, 1.0], vec![0.0, 1.0], vec![0.0, 0.0]],
            callers: Vec::new(),
        };
        assert_eq!([0.0, 0.2499, 0.25, 0.999].map(|u| split.pick(0, u)), [0, 0, 1, 1]);
        assert_eq!([0.0, 0.5].map(|u| split.pick(1, u)), [1, 1]);
        // Rounding above the last sum: the last queue with calls in the row.
        assert_eq!(split.pick(1, 1.0), 1);
        // The rows repeat like the profile's.
        assert_eq!(split.pick(3, 0.1), 0);
    }
}
