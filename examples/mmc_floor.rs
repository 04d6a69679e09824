//! The floor for the M/M/c speed benchmark: the same model as
//! `callwright simulate flows/bench/mmc.yaml --calls N --agents 50 --arrival-rate 45/s --aht 1s`
//! (Poisson arrivals, exponential handle times, FIFO, 50 agents, ρ = 0.9) as a bare event loop —
//! a binary heap of departures, a FIFO of arrival times, one xoshiro stream and `ln` per draw, the
//! service level counted, nothing else. No flows, no ACD, no report: what a hand-written
//! simulator of this one model costs, so `benches/speed_ratio.sh` can say how far the real one
//! is from it.
//!
//! `cargo run --release --example mmc_floor -- 1000000` prints calls/s and the service level
//! (which should agree with callwright's within noise: the models are the same).

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

fn main() {
    let calls: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let (agents, rate, aht, threshold) = (50usize, 45.0_f64, 1.0_f64, 20.0_f64);
    let started = std::time::Instant::now();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let mut exp = |mean: f64| -> f64 { -(1.0 - rng.random::<f64>()).ln() * mean };
    // Departures in microseconds (integer keys, as a real simulator keeps time).
    let mut busy: BinaryHeap<Reverse<u64>> = BinaryHeap::with_capacity(agents);
    let mut waiting: VecDeque<u64> = VecDeque::new();
    let (mut now, mut arrived, mut within, mut answered, mut wait_sum) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut next_arrival = (exp(1.0 / rate) * 1e6) as u64;
    while answered < calls {
        let next_departure = busy.peek().map_or(u64::MAX, |r| r.0);
        if arrived < calls && next_arrival <= next_departure {
            now = next_arrival;
            arrived += 1;
            if busy.len() < agents {
                within += 1;
                answered += 1;
                busy.push(Reverse(now + (exp(aht) * 1e6) as u64));
            } else {
                waiting.push_back(now);
            }
            next_arrival = now + (exp(1.0 / rate) * 1e6) as u64;
        } else {
            now = next_departure;
            busy.pop();
            if let Some(since) = waiting.pop_front() {
                let wait = now - since;
                wait_sum += wait;
                within += u64::from(wait as f64 <= threshold * 1e6);
                answered += 1;
                busy.push(Reverse(now + (exp(aht) * 1e6) as u64));
            }
        }
    }
    let wall = started.elapsed().as_secs_f64();
    println!(
        "floor M/M/{agents}: {calls} calls in {wall:.3} s: {:.0} calls/s; service level {:.4}, ASA {:.4} s, simulated {:.0} s",
        calls as f64 / wall,
        within as f64 / answered as f64,
        wait_sum as f64 / answered as f64 / 1e6,
        now as f64 / 1e6
    );
}
