//! PostgreSQL store and dispatcher figures: creations/s through the one create path (the CB rules
//! under the database's advisory locks) with 1, 2 and 4 writers, and — with `--pending` callbacks
//! waiting far ahead — release lateness (due time → QUEUED, from the transitions table) and
//! releases/s (`--burst` callbacks due at the same second) with 1, 2 and 4 dispatcher processes.
//!
//! ```sh
//! cargo build --release
//! CALLWRIGHT_TEST_PG=postgres://postgres@127.0.0.1:5432/test \
//!   cargo run --release --example pg_bench -- --pending 1000000 --due 600 --spread 30 --burst 2000
//! ```
//! `CALLWRIGHT_BIN` names the binary (default `target/release/callwright`).

use callwright::callbacks::model::Origin;
use callwright::callbacks::store::PgStore;
use callwright::callbacks::{CallbackType, ScheduleRequest, create_stored};
use callwright::model::center::CallbackSettings;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn arg(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().unwrap_or_else(|_| panic!("{name} N")))
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (pending, due, spread, burst) = (
        arg(&args, "--pending", 100_000),
        arg(&args, "--due", 1_000),
        arg(&args, "--spread", 30),
        arg(&args, "--burst", 2_000),
    );
    let base = std::env::var("CALLWRIGHT_TEST_PG").expect("set CALLWRIGHT_TEST_PG to a PostgreSQL URL");
    let bin = std::env::var("CALLWRIGHT_BIN").unwrap_or_else(|_| "target/release/callwright".into());
    let schema = format!("cw_bench_{}", std::process::id());
    let mut admin = postgres::Client::connect(&base, postgres::NoTls).expect("connect");
    admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).unwrap();
    let url = callwright::callbacks::store::in_schema(&base, &schema);
    drop(PgStore::open(&url, true).unwrap());
    let settings = CallbackSettings { min_lead_secs: 0, ..CallbackSettings::default() };
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).date_naive();
    let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();

    println!("| writers | creations | creations/s |");
    println!("| ---: | ---: | ---: |");
    let mut serial = 0u64;
    for writers in [1u64, 2, 4] {
        let per = 2_000 / writers;
        let start = Instant::now();
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let (url, settings) = (url.clone(), settings.clone());
                let first = serial + w * per;
                std::thread::spawn(move || {
                    let mut store = PgStore::open(&url, false).unwrap();
                    for i in first..first + per {
                        let mut req = ScheduleRequest::scheduled(
                            &format!("+3165{:07}", i),
                            "UTC",
                            tomorrow,
                            t(10, 0),
                            t(10, 30),
                            "Support",
                        );
                        req.origin = Origin::Api;
                        req.callback_type = CallbackType::for_request(true, false);
                        create_stored(&mut store, &req, &settings, chrono::Utc::now()).unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        serial += writers * per;
        let secs = start.elapsed().as_secs_f64();
        println!("| {writers} | {} | {:.0} |", writers * per, (writers * per) as f64 / secs);
    }

    // The rest of the pending callbacks, copied from one of them in one statement (due tomorrow:
    // beyond every dispatcher's look-ahead, so they only weigh on the tables and indexes).
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let bulk = pending.saturating_sub(serial) as i64;
    let filled = Instant::now();
    c.execute(
        "INSERT INTO callbacks (id, number, queue, owner, state, due_at_utc, payload_json, attempts_made, \
         idempotency_key, updated_at) \
         SELECT 'bulk-' || g, '+3166' || lpad(g::text, 7, '0'), queue, NULL, state, due_at_utc, payload_json, 0, NULL, \
                updated_at FROM (SELECT * FROM callbacks LIMIT 1) t, generate_series(1, $1::bigint) g",
        &[&bulk],
    )
    .unwrap();
    eprintln!("{} pending in {:.1}s", serial as i64 + bulk, filled.elapsed().as_secs_f64());
    // Vacuumed and analysed now, as a table long in service would be: else autovacuum wakes for
    // the million new rows in the middle of a round and takes a core from the dispatchers.
    c.batch_execute("VACUUM (ANALYZE) callbacks").unwrap();

    let mut store = PgStore::open(&url, false).unwrap();
    let mut make = |count: u64, spread: u64| -> Vec<String> {
        // `count` callbacks whose windows open evenly over `spread` seconds (whole seconds: a
        // window's start is kept to the second), starting once they are all created (about
        // 10 ms each) plus 10 s.
        let soon = chrono::Utc::now() + chrono::Duration::milliseconds(10_000 + 15 * count as i64);
        let t0 = chrono::DateTime::from_timestamp(soon.timestamp(), 0).unwrap();
        let ids = (0..count)
            .map(|i| {
                let at = t0 + chrono::Duration::seconds((i * spread / count) as i64);
                let start = at.time();
                let end = start + chrono::Duration::minutes(30);
                let mut req = ScheduleRequest::scheduled(
                    &format!("+3162{:07}", serial + i),
                    "UTC",
                    at.date_naive(),
                    start,
                    end,
                    "Support",
                );
                req.origin = Origin::Api;
                match create_stored(&mut store, &req, &settings, chrono::Utc::now()).unwrap() {
                    callwright::callbacks::Created::New(cb)
                    | callwright::callbacks::Created::Existing(cb) => cb.id,
                }
            })
            .collect();
        serial += count;
        ids
    };

    println!();
    println!("Release lateness: {due} callbacks falling due over {spread} s, {pending} pending.");
    println!();
    println!("| dispatchers | released | lateness p50 | p90 | p99 | max |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for dispatchers in [1u64, 2, 4] {
        let ids = make(due, spread);
        let r = round(&bin, &url, &mut c, dispatchers, 200, &ids, spread);
        println!(
            "| {dispatchers} | {} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            r.n, r.p50, r.p90, r.p99, r.max
        );
    }
    println!();
    println!("Releases/s: {burst} callbacks due at the same second, {pending} pending.");
    println!();
    println!("| dispatchers | released | all released after | releases/s |");
    println!("| ---: | ---: | ---: | ---: |");
    for dispatchers in [1u64, 2, 4] {
        let ids = make(burst, 0);
        let r = round(&bin, &url, &mut c, dispatchers, burst.div_ceil(2 * dispatchers) + 10, &ids, 0);
        println!(
            "| {dispatchers} | {} | {:.0} ms | {:.0} |",
            r.n,
            r.max,
            r.n as f64 / (r.max / 1000.0).max(1e-3)
        );
    }
    admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).unwrap();
}

/// Where dispatcher `d`'s output goes: `$CALLWRIGHT_BENCH_LOGS/dispatcher-D.out|err` when that
/// names a folder (to see what a slow round did), else nowhere.
fn log(d: u64, stream: &str) -> Stdio {
    match std::env::var_os("CALLWRIGHT_BENCH_LOGS") {
        Some(dir) => {
            std::fs::File::create(std::path::Path::new(&dir).join(format!("dispatcher-{d}.{stream}")))
                .map(Stdio::from)
                .unwrap_or_else(|e| panic!("CALLWRIGHT_BENCH_LOGS: {e}"))
        }
        None => Stdio::null(),
    }
}

/// Release lateness (due → QUEUED, from the transitions table) of one round, in milliseconds.
struct Round {
    n: i64,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
}

/// Starts `dispatchers` dispatcher processes with `agents` agents each, waits until `ids` are
/// all released (or `spread` + 120 s pass), stops them and gives their claims back.
fn round(
    bin: &str,
    url: &str,
    c: &mut postgres::Client,
    dispatchers: u64,
    agents: u64,
    ids: &[String],
    spread: u64,
) -> Round {
    let children: Vec<_> = (0..dispatchers)
        .map(|d| {
            Command::new(bin)
                .args(["callbacks", "--db", url, "dispatch", "--agents", &agents.to_string()])
                .args([
                    "--handle",
                    "1s",
                    "--answer",
                    "1",
                    "--seed",
                    &(d + 1).to_string(),
                    "--deadline",
                    "10m",
                ])
                .stdout(log(d, "out"))
                .stderr(log(d, "err"))
                .spawn()
                .unwrap()
        })
        .collect();
    let ids = ids.to_vec();
    let waited = Instant::now();
    loop {
        let released: i64 = c
            .query_one(
                "SELECT count(DISTINCT callback_id) FROM transitions WHERE callback_id = ANY($1) AND to_state = 'QUEUED'",
                &[&ids],
            )
            .unwrap()
            .get(0);
        if released as usize == ids.len() || waited.elapsed() > Duration::from_secs(spread + 120) {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let row = c
        .query_one(
            "SELECT count(*), \
               coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY late), 0), \
               coalesce(percentile_cont(0.9) WITHIN GROUP (ORDER BY late), 0), \
               coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY late), 0), coalesce(max(late), 0) \
             FROM (SELECT DISTINCT ON (t.callback_id) ((t.at - c.due_at_utc) / 1000.0)::float8 AS late \
                   FROM transitions t JOIN callbacks c ON c.id = t.callback_id \
                   WHERE t.callback_id = ANY($1) AND t.from_state = 'SCHEDULED' AND t.to_state = 'QUEUED' \
                   ORDER BY t.callback_id, t.seq) x",
            &[&ids],
        )
        .unwrap();
    for mut ch in children {
        let _ = ch.kill();
        let _ = ch.wait();
    }
    // The round's callbacks still in a call are ended, and every claim goes back, so the next
    // round's dispatchers start with free agents and room to claim (else they spend the round
    // finishing this one's calls, and its lateness measures that).
    c.execute(
        "UPDATE callbacks SET state = 'CANCELLED' WHERE id = ANY($1) \
         AND state NOT IN ('COMPLETED', 'CANCELLED', 'FAILED', 'EXPIRED')",
        &[&ids],
    )
    .unwrap();
    c.batch_execute(
        "UPDATE callbacks SET claimed_by = NULL WHERE claimed_by IS NOT NULL; DELETE FROM dispatchers",
    )
    .unwrap();
    Round { n: row.get(0), p50: row.get(1), p90: row.get(2), p99: row.get(3), max: row.get(4) }
}
