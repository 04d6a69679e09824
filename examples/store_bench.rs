//! How fast the SQLite callback store creates callbacks durably, and how lookups scale.
//!
//! ```text
//! cargo run --release --example store_bench -- 20000
//! ```
//!
//! 1. Creations per second on a file database (WAL, `synchronous=FULL`: every commit is fsynced
//!    before it returns) for batch sizes 1 (`insert`, one commit per callback), 100 and 1000
//!    (`insert_batch`, one commit per batch). Every row carries an idempotency key and a payload
//!    the size of the command line's, so each creation maintains all three indexes and writes its
//!    creation transition. Batch size 1 stops after 10 s if the disk is slow, and says so.
//! 2. Lookup time (`by_number`, `by_idempotency_key`, `get`, `next_seq`) at 10,000 rows and again
//!    at 1,000,000 rows, against a full read of the table (what `callbacks schedule` did before
//!    it used the indexes). O(log n) shows as a small ratio between the two sizes.
//!
//! The database files go to `$CALLWRIGHT_BENCH_DIR` or the temp directory, and are removed.

use callwright::callbacks::store::{CallbackStore, InsertOutcome, ListFilter, SqliteStore, StoredCallback};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SINGLE_BUDGET: Duration = Duration::from_secs(10);
const LOOKUPS: usize = 20_000;

/// The number of callback `i`: callbacks 2m and 2m+1 share one (a bijective scramble of m), so
/// a lookup of a stored number finds two callbacks at every database size.
fn number(i: u64) -> String {
    format!("+1{:010}", (i / 2).wrapping_mul(2_654_435_761) % 10_000_000_000)
}

/// A payload like the one `callbacks schedule` stores (about 600 bytes of JSON).
fn full_payload(id: &str, number: &str) -> String {
    format!(
        r#"{{"id":"{id}","callback_type":"scheduled","origin":{{"kind":"command_line"}},"customer_name":"Ann Lee","callback_number":"{number}","schedule":{{"timezone":"America/New_York","schedule_date":"2026-12-03","window_start":"14:00:00","window_end":"16:00:00","window_start_utc":"2026-12-03T19:00:00Z","window_end_utc":"2026-12-03T21:00:00Z"}},"queue":"Support","reason":"billing question","owner":null,"attempts_made":0,"max_attempts":3,"retry_interval_secs":300,"position":{{"priority":0,"enqueued_at":1796115600000000,"seq":1}},"data":{{}},"created_at":"2026-12-01T09:00:00Z","updated_at":"2026-12-01T09:00:00Z","idempotency_key":"req-{id}","state":"scheduled","end_reason":null,"dst_note":null}}"#
    )
}

fn callback(i: u64, rng: &mut Xoshiro256PlusPlus, full: bool) -> StoredCallback {
    let id = format!("cb-20261201-{i}");
    let number = number(i);
    let payload_json = if full { full_payload(&id, &number) } else { format!(r#"{{"id":"{id}"}}"#) };
    StoredCallback {
        idempotency_key: Some(format!("req-{id}")),
        id,
        number,
        queue: "Support".to_string(),
        owner: None,
        state: "SCHEDULED".to_string(),
        due_at_utc: 1_796_000_000_000_000 + rng.random_range(0..30 * 86_400) as i64 * 1_000_000,
        payload_json,
        attempts_made: 0,
        updated_at: 1_796_115_600_000_000,
    }
}

/// A database path that is removed, with its WAL and SHM files, on drop.
struct TempDb(PathBuf);

impl TempDb {
    fn new(dir: &Path, tag: &str) -> Self {
        let db = TempDb(dir.join(format!("callwright-store-bench-{tag}-{}.db", std::process::id())));
        db.remove();
        db
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
}

fn creations(dir: &Path, n: usize, batch: usize) {
    let tmp = TempDb::new(dir, &format!("batch{batch}"));
    let mut store = SqliteStore::open(&tmp.0).expect("open the bench database");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(batch as u64);
    let rows: Vec<StoredCallback> = (1..=n as u64).map(|i| callback(i, &mut rng, true)).collect();
    let start = Instant::now();
    let mut done = 0;
    let mut cut_short = false;
    for chunk in rows.chunks(batch) {
        let outcomes = if batch == 1 {
            vec![store.insert(&chunk[0]).expect("insert")]
        } else {
            store.insert_batch(chunk).expect("insert_batch")
        };
        assert!(outcomes.iter().all(|o| *o == InsertOutcome::Inserted));
        done += chunk.len();
        if batch == 1 && start.elapsed() > SINGLE_BUDGET {
            cut_short = done < n;
            break;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let commits = done.div_ceil(batch);
    println!(
        "  batch {batch:>5}: {done:>7} creations in {secs:>6.2} s = {:>8.0} creations/s  ({commits} commits, {:.2} ms per commit){}",
        done as f64 / secs,
        secs * 1e3 / commits as f64,
        if cut_short { "  [stopped after 10 s]" } else { "" }
    );
}

/// Mean time of `f` over `keys`, in microseconds.
fn mean_us<K>(keys: &[K], mut f: impl FnMut(&K)) -> f64 {
    let start = Instant::now();
    for k in keys {
        f(k);
    }
    start.elapsed().as_secs_f64() * 1e6 / keys.len() as f64
}

struct Lookups {
    by_number: f64,
    by_key: f64,
    get: f64,
    next_seq: f64,
    full_read_ms: f64,
}

fn lookups(store: &SqliteStore, rows: u64, rng: &mut Xoshiro256PlusPlus) -> Lookups {
    // Stored callbacks picked at random: every lookup finds something (two callbacks by number).
    let ids: Vec<u64> = (0..LOOKUPS).map(|_| 2 + rng.random_range(0..rows - 2)).collect();
    let numbers: Vec<String> = ids.iter().map(|i| number(*i)).collect();
    let mut found = 0usize;
    let by_number = mean_us(&numbers, |n| found += store.by_number(n).expect("by_number").len());
    let by_key = mean_us(&ids, |i| {
        found += store.by_idempotency_key(&format!("req-cb-20261201-{i}")).expect("key").is_some() as usize
    });
    let get =
        mean_us(&ids, |i| found += store.get(&format!("cb-20261201-{i}")).expect("get").is_some() as usize);
    let next_seq = mean_us(&ids[..1000], |_| found += store.next_seq().expect("next_seq") as usize % 2);
    let start = Instant::now();
    let all = store.list(&ListFilter::default()).expect("list");
    let full_read_ms = start.elapsed().as_secs_f64() * 1e3;
    assert_eq!(all.len() as u64, rows);
    assert!(found >= 4 * LOOKUPS);
    std::hint::black_box(found);
    Lookups { by_number, by_key, get, next_seq, full_read_ms }
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let dir = std::env::var_os("CALLWRIGHT_BENCH_DIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    println!("SQLite callback store, file database in {} (WAL, synchronous=FULL)", dir.display());
    println!("durable creations (acknowledged after the commit's fsync), {n} callbacks:");
    for batch in [1, 100, 1000] {
        creations(&dir, n, batch);
    }

    println!(
        "lookups (mean of {LOOKUPS} of stored callbacks, warm OS cache; small payloads, the same indexes):"
    );
    let tmp = TempDb::new(&dir, "lookup");
    let mut store = SqliteStore::open(&tmp.0).expect("open the bench database");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
    let mut stored = 0u64;
    let mut results = Vec::new();
    for target in [10_000u64, 1_000_000] {
        let fill = Instant::now();
        while stored < target {
            let rows: Vec<StoredCallback> =
                (stored + 1..=(stored + 10_000).min(target)).map(|i| callback(i, &mut rng, false)).collect();
            store.insert_batch(&rows).expect("fill");
            stored += rows.len() as u64;
        }
        let filled = fill.elapsed().as_secs_f64();
        let l = lookups(&store, stored, &mut rng);
        println!(
            "  {stored:>9} rows (filled in {filled:.1} s): by_number {:.1} µs, by_idempotency_key {:.1} µs, get {:.1} µs, next_seq {:.1} µs; reading every row {:.0} ms",
            l.by_number, l.by_key, l.get, l.next_seq, l.full_read_ms
        );
        results.push(l);
    }
    let (small, big) = (&results[0], &results[1]);
    println!(
        "  1M / 10k: by_number ×{:.2}, by_idempotency_key ×{:.2}, get ×{:.2}, next_seq ×{:.2} (rows ×100; reading every row ×{:.0})",
        big.by_number / small.by_number,
        big.by_key / small.by_key,
        big.get / small.get,
        big.next_seq / small.next_seq,
        big.full_read_ms / small.full_read_ms
    );
}
