//! Can the one scheduler release a million pending callbacks, each within 10 ms of its due time?
//!
//! ```text
//! cargo run --release --example scheduler_bench -- 1000000 [SPREAD_SECS]
//! ```
//!
//! 1. Inserts N items (callback numbers, `u64`) into a [`Scheduler`] with due times spread
//!    uniformly at random over SPREAD_SECS (default 5) of wall time, and reports the insert rate.
//! 2. Measures scheduling one more item into the scheduler now holding N items, against one
//!    holding 10,000 (O(log n): the ratio stays small while the size grows 100×).
//! 3. Runs the real-time dispatcher loop on a tokio current-thread runtime, in the mini-redis
//!    style: `select!` on `sleep_until(next_due)` and a `Notify` that an earlier insert rings,
//!    then every due item is popped in one batch. A producer inserts more items while it runs
//!    (due 1–20 ms after they are inserted, so some land before the loop's current deadline and
//!    must ring the `Notify`). Every release's lateness (release instant − due instant) goes
//!    into an HDR histogram; p50, p99, p99.9 and max are printed, with the peak RSS.
//!
//! Due times are microseconds after an epoch fixed 200 ms after the last bulk insert: the items
//! start falling due shortly after insertion, however long insertion took on a busy machine.

use callwright::callbacks::Scheduler;
use hdrhistogram::Histogram;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cell::{Cell, RefCell};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::{Instant, sleep_until};

/// What the dispatcher and the producer share (one thread: `Rc` and `RefCell` suffice).
struct Shared {
    scheduler: RefCell<Scheduler<u64>>,
    /// Rung by an insert due before the dispatcher's current deadline.
    earlier: Notify,
    /// The deadline the dispatcher sleeps until (µs after the epoch), `i64::MAX` when idle.
    sleeping_until: Cell<i64>,
    producer_done: Cell<bool>,
    epoch: Instant,
}

impl Shared {
    fn micros(&self, t: Instant) -> i64 {
        t.saturating_duration_since(self.epoch).as_micros() as i64
    }

    fn at(&self, micros: i64) -> Instant {
        self.epoch + Duration::from_micros(micros.max(0) as u64)
    }

    /// Schedules `item`; rings the dispatcher if it now has to wake earlier.
    fn schedule(&self, due: i64, item: u64) {
        self.scheduler.borrow_mut().insert(due, item);
        if due < self.sleeping_until.get() {
            self.earlier.notify_one();
        }
    }
}

struct Stats {
    released: u64,
    wakeups: u64,
    notified: u64,
    largest_batch: usize,
    /// How long after the deadline the timer woke the loop (µs): the OS and the timer wheel.
    oversleep: Histogram<u64>,
    /// How long one round of popping and recording took (µs): the loop's own cost.
    work: Histogram<u64>,
}

impl Default for Stats {
    fn default() -> Self {
        let h = || Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
        Stats { released: 0, wakeups: 0, notified: 0, largest_batch: 0, oversleep: h(), work: h() }
    }
}

/// The dispatcher: sleep until the earliest due time or an earlier insert, release what is due.
async fn dispatch(shared: &Shared, lateness: &mut Histogram<u64>, expected: u64) -> Stats {
    let mut stats = Stats::default();
    let mut deadline: Option<i64> = None;
    loop {
        let next = {
            let woke = Instant::now();
            if let Some(d) = deadline.take() {
                stats.oversleep.saturating_record((shared.micros(woke) - d).max(1) as u64);
            }
            let mut scheduler = shared.scheduler.borrow_mut();
            let due = scheduler.pop_due(shared.micros(woke));
            let released = shared.micros(Instant::now());
            stats.largest_batch = stats.largest_batch.max(due.len());
            stats.released += due.len() as u64;
            for (ticket, _item) in &due {
                // A release is never early: pop_due only returns items due at or before now.
                let late = (released - ticket.due()).max(0) as u64;
                lateness.saturating_record(late.max(1));
            }
            stats.work.saturating_record(woke.elapsed().as_micros().max(1) as u64);
            scheduler.next_due()
        };
        if next.is_none() && shared.producer_done.get() && stats.released >= expected {
            return stats;
        }
        shared.sleeping_until.set(next.unwrap_or(i64::MAX));
        stats.wakeups += 1;
        match next {
            Some(due) => tokio::select! {
                () = sleep_until(shared.at(due)) => deadline = Some(due),
                () = shared.earlier.notified() => stats.notified += 1,
            },
            None => {
                shared.earlier.notified().await;
                stats.notified += 1;
            }
        }
    }
}

/// Inserts `count` items while the dispatcher runs, 50 every 10 ms, each due 1–20 ms later.
async fn produce(shared: &Shared, count: u64, start: i64) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let mut made = 0;
    tokio::time::sleep_until(shared.at(start)).await;
    while made < count {
        for _ in 0..50.min(count - made) {
            let due = shared.micros(Instant::now()) + 1_000 + rng.random_range(0..19_000) as i64;
            shared.schedule(due, made);
            made += 1;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    shared.producer_done.set(true);
    shared.earlier.notify_one();
}

/// Mean nanoseconds to schedule one item into `scheduler` (dues spread like the bulk's), the
/// items taken out again afterwards so the size is what it was.
fn ns_per_insert(scheduler: &mut Scheduler<u64>, spread: i64, rng: &mut Xoshiro256PlusPlus) -> f64 {
    const K: usize = 100_000;
    let dues: Vec<i64> = (0..K).map(|_| rng.random_range(0..spread as u64) as i64).collect();
    let mut tickets = Vec::with_capacity(K);
    let start = std::time::Instant::now();
    for (i, due) in dues.iter().enumerate() {
        tickets.push(scheduler.insert(*due, i as u64));
    }
    let ns = start.elapsed().as_nanos() as f64 / K as f64;
    for t in tickets {
        scheduler.cancel(t);
    }
    ns
}

/// Peak resident set size (VmHWM) in MiB, if /proc says.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let spread_secs: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5.0);
    let spread = (spread_secs * 1e6) as i64;
    let produced = 5_000u64.min(n);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("tokio runtime");
    let _guard = runtime.enter();

    // 1. Bulk insert.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let dues: Vec<i64> = (0..n).map(|_| rng.random_range(0..spread as u64) as i64).collect();
    let mut scheduler = Scheduler::new();
    let start = std::time::Instant::now();
    for (i, due) in dues.iter().enumerate() {
        scheduler.insert(*due, i as u64);
    }
    let insert_secs = start.elapsed().as_secs_f64();
    drop(dues);
    println!(
        "inserted {n} items in {:.0} ms: {:.2} M inserts/s ({:.0} ns each), due over {spread_secs} s",
        insert_secs * 1e3,
        n as f64 / insert_secs / 1e6,
        insert_secs * 1e9 / n as f64
    );

    // 2. One more insert at N items and at 10k.
    let big = ns_per_insert(&mut scheduler, spread, &mut rng);
    let mut small_scheduler = Scheduler::new();
    for i in 0..10_000 {
        small_scheduler.insert(rng.random_range(0..spread as u64) as i64, i);
    }
    let small = ns_per_insert(&mut small_scheduler, spread, &mut rng);
    println!(
        "scheduling one item: {big:.0} ns with {} pending, {small:.0} ns with 10,000 pending (×{:.2} for ×{:.0} the items)",
        scheduler.len(),
        big / small,
        scheduler.len() as f64 / 10_000.0
    );
    drop(small_scheduler);

    // 3. The real-time dispatcher.
    let shared = Shared {
        scheduler: RefCell::new(scheduler),
        earlier: Notify::new(),
        sleeping_until: Cell::new(i64::MAX),
        producer_done: Cell::new(false),
        epoch: Instant::now() + Duration::from_millis(200),
    };
    let mut lateness = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
    let run = std::time::Instant::now();
    let stats = runtime.block_on(async {
        let (stats, ()) = tokio::join!(
            dispatch(&shared, &mut lateness, n + produced),
            produce(&shared, produced, spread / 4)
        );
        stats
    });
    let ms = |us: u64| us as f64 / 1e3;
    println!(
        "released {} items ({n} bulk + {produced} inserted while running) in {:.2} s: {} wake-ups ({} by Notify), at most {} items per wake-up",
        stats.released,
        run.elapsed().as_secs_f64(),
        stats.wakeups,
        stats.notified,
        stats.largest_batch
    );
    println!(
        "lateness (release − due): p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms; {} of {} over 10 ms",
        ms(lateness.value_at_quantile(0.5)),
        ms(lateness.value_at_quantile(0.99)),
        ms(lateness.value_at_quantile(0.999)),
        ms(lateness.max()),
        lateness.len() - lateness.count_between(0, 10_000),
        lateness.len()
    );
    println!(
        "  where it goes: timer wake-up after the deadline p50 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms; one round of popping p50 {:.3} ms, max {:.2} ms",
        ms(stats.oversleep.value_at_quantile(0.5)),
        ms(stats.oversleep.value_at_quantile(0.999)),
        ms(stats.oversleep.max()),
        ms(stats.work.value_at_quantile(0.5)),
        ms(stats.work.max())
    );
    match peak_rss_mib() {
        Some(mib) => println!("peak RSS (VmHWM): {mib:.0} MiB"),
        None => println!("peak RSS: /proc/self/status not readable"),
    }
}
