//! PostgreSQL store and dispatcher figures: creations/s through the one create path (the CB rules
//! under the database's advisory locks) with 1, 2 and 4 writers, and — with `--pending` callbacks
//! waiting far ahead — release lateness (due time → QUEUED, from the transitions table) and
//! releases/s with 1, 2 and 4 dispatcher processes.
//!
//! ```sh
//! cargo build --release
//! CALLWRIGHT_TEST_PG=postgres://postgres@127.0.0.1:5432/test \
//!   cargo run --release --example pg_bench -- --pending 1000000 --due 1000 --spread 30
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
    let (pending, due, spread) =
        (arg(&args, "--pending", 100_000), arg(&args, "--due", 1_000), arg(&args, "--spread", 30));
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
    c.batch_execute("ANALYZE callbacks").unwrap();

    println!();
    println!("| dispatchers | pending | due | releases/s | lateness p50 | p90 | p99 | max |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for dispatchers in [1u64, 2, 4] {
        // `due` callbacks whose windows open evenly over `spread` seconds, starting once they are
        // all created (about 10 ms each) plus 10 s.
        let mut store = PgStore::open(&url, false).unwrap();
        // Whole seconds: a window's start is kept to the second.
        let soon = chrono::Utc::now() + chrono::Duration::milliseconds(10_000 + 15 * due as i64);
        let t0 = chrono::DateTime::from_timestamp(soon.timestamp(), 0).unwrap();
        let ids: Vec<String> = (0..due)
            .map(|i| {
                let at = t0 + chrono::Duration::seconds((i * spread / due) as i64);
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
        serial += due;
        let children: Vec<_> = (0..dispatchers)
            .map(|d| {
                Command::new(&bin)
                    .args([
                        "callbacks",
                        "--db",
                        &url,
                        "dispatch",
                        "--agents",
                        "200",
                        "--handle",
                        "1s",
                        "--answer",
                        "1",
                    ])
                    .args(["--seed", &(d + 1).to_string(), "--deadline", "10m"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let ids_sql = ids.clone();
        let waited = Instant::now();
        loop {
            let released: i64 = c
                .query_one(
                    "SELECT count(DISTINCT callback_id) FROM transitions WHERE callback_id = ANY($1) AND to_state = 'QUEUED'",
                    &[&ids_sql],
                )
                .unwrap()
                .get(0);
            if released as u64 == due || waited.elapsed() > Duration::from_secs(spread + 120) {
                break;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        let row = c
            .query_one(
                "SELECT count(*), \
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY late), percentile_cont(0.9) WITHIN GROUP (ORDER BY late), \
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY late), max(late), min(at), max(at) \
                 FROM (SELECT DISTINCT ON (t.callback_id) ((t.at - c.due_at_utc) / 1000.0)::float8 AS late, t.at \
                       FROM transitions t JOIN callbacks c ON c.id = t.callback_id \
                       WHERE t.callback_id = ANY($1) AND t.from_state = 'SCHEDULED' AND t.to_state = 'QUEUED' \
                       ORDER BY t.callback_id, t.seq) x",
                &[&ids_sql],
            )
            .unwrap();
        let n: i64 = row.get(0);
        if n == 0 {
            println!("| {dispatchers} | {pending} | 0 | - | - | - | - | - |");
            continue;
        }
        let (p50, p90, p99): (f64, f64, f64) = (row.get(1), row.get(2), row.get(3));
        let max: f64 = row.get::<_, f64>(4);
        let (first, last): (i64, i64) = (row.get(5), row.get(6));
        let rate = n as f64 / ((last - first).max(1) as f64 / 1e6);
        println!(
            "| {dispatchers} | {} | {n} | {rate:.0} | {p50:.1} ms | {p90:.1} ms | {p99:.1} ms | {max:.1} ms |",
            pending
        );
        for mut ch in children {
            let _ = ch.kill();
            let _ = ch.wait();
        }
        // Their claims go back at once for the next round.
        c.batch_execute(
            "UPDATE callbacks SET claimed_by = NULL WHERE claimed_by IS NOT NULL; DELETE FROM dispatchers",
        )
        .unwrap();
    }
    admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).unwrap();
}
