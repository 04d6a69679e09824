//! Several dispatcher processes on one PostgreSQL database (run when `CALLWRIGHT_TEST_PG` names
//! one; CI sets it): every callback is dialled exactly once, counted from the attempts table, and
//! the work is shared; a database that is behind is refused until migrated, one that is newer is
//! refused untouched.

mod common;

use callwright::callbacks::model::Origin;
use callwright::callbacks::store::{CallbackStore, PgStore};
use callwright::callbacks::{CallbackType, ScheduleRequest, create_stored};
use callwright::model::center::CallbackSettings;
use common::server::BIN;
use std::process::Command;

/// A fresh schema in the test database, dropped at the end; `None` without `CALLWRIGHT_TEST_PG`.
struct Schema {
    admin_url: String,
    name: String,
    url: String,
}

impl Schema {
    fn new(tag: &str) -> Option<Schema> {
        let admin_url = std::env::var("CALLWRIGHT_TEST_PG").ok().filter(|u| !u.trim().is_empty())?;
        let name = format!("cw_{tag}_{}", std::process::id());
        let mut c = postgres::Client::connect(&admin_url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("CALLWRIGHT_TEST_PG={admin_url}: cannot connect: {e}"));
        c.batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}")).unwrap();
        let url = callwright::callbacks::store::in_schema(&admin_url, &name);
        Some(Schema { admin_url, name, url })
    }

    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin_url, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_database_is_migrated_only_when_asked_and_a_newer_one_is_refused() {
    let Some(db) = Schema::new("migrate") else { return };
    let (code, _, err) = cli(&["callbacks", "--db", &db.url, "list"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("callwright db migrate"), "{err}");
    let (code, out, err) = cli(&["db", "migrate", "--db", &db.url]);
    assert_eq!(code, 0, "{err}");
    let version = callwright::callbacks::store::PG_SCHEMA_VERSION;
    assert!(out.contains(&format!("schema version {version}")), "{out}");
    let (code, out, _) = cli(&["db", "status", "--db", &db.url]);
    assert_eq!(code, 0);
    assert!(out.contains("up to date") && out.contains(&format!("  {version}  ")), "{out}");
    // A newer schema (a later callwright migrated it): refused, and nothing is touched.
    db.client()
        .batch_execute("INSERT INTO callwright_schema (version, description) VALUES (99, 'future')")
        .unwrap();
    let (code, _, err) = cli(&[
        "callbacks",
        "--db",
        &db.url,
        "schedule",
        "--number",
        "+31612345678",
        "--queue",
        "Support",
        "--asap",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("newer than this build"), "{err}");
    let n: i64 = db.client().query_one("SELECT count(*) FROM callbacks", &[]).unwrap().get(0);
    assert_eq!(n, 0);
    // A refused connection and a wrong URL are said plainly.
    let (code, _, err) = cli(&["db", "status", "--db", "postgres://postgres@127.0.0.1:1/test"]);
    assert!(code == 2 && err.contains("cannot connect"), "{err}");
}

#[test]
fn four_dispatchers_dial_each_callback_exactly_once() {
    let Some(db) = Schema::new("dispatch") else { return };
    const N: usize = 10_000;
    let store = PgStore::open(&db.url, true).unwrap();
    let settings = CallbackSettings::default();
    let now = chrono::Utc::now();
    // Created through the one create path (the CB rules under the database's locks), four
    // writers at once.
    std::thread::scope(|s| {
        for w in 0..4 {
            let (url, settings) = (&db.url, &settings);
            s.spawn(move || {
                let mut store = PgStore::open(url, false).unwrap();
                for i in (w..N).step_by(4) {
                    let req = ScheduleRequest {
                        callback_type: CallbackType::for_request(false, false),
                        origin: Origin::Api,
                        callback_number: Some(format!("+316{:08}", 10_000_000 + i)),
                        queue: Some("Support".into()),
                        ..ScheduleRequest::default()
                    };
                    create_stored(&mut store, &req, settings, now).unwrap();
                }
            });
        }
    });
    // Output to files, not pipes: a pipe nobody reads fills up and blocks its dispatcher.
    let logs: Vec<_> = (0..4).map(|i| std::env::temp_dir().join(format!("{}-{i}.log", db.name))).collect();
    let children: Vec<_> = logs
        .iter()
        .enumerate()
        .map(|(i, log)| {
            let file = std::fs::File::create(log).unwrap();
            Command::new(BIN)
                .args(["callbacks", "--db", &db.url, "dispatch", "--agents", "25", "--speed", "1000"])
                .args(["--answer", "1", "--seed", &(i + 1).to_string(), "--deadline", "5m"])
                .stdout(file.try_clone().unwrap())
                .stderr(file)
                .spawn()
                .unwrap()
        })
        .collect();
    let mut served = Vec::new();
    for (mut child, log) in children.into_iter().zip(&logs) {
        let status = child.wait().unwrap();
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let _ = std::fs::remove_file(log);
        assert!(status.success(), "{text}");
        served.push(text.lines().filter(|l| l.ends_with(" completed")).count());
    }
    let mut c = db.client();
    let attempts: i64 = c.query_one("SELECT count(*) FROM attempts", &[]).unwrap().get(0);
    let twice: i64 = c
        .query_one(
            "SELECT count(*) FROM (SELECT callback_id FROM attempts GROUP BY 1 HAVING count(*) > 1) t",
            &[],
        )
        .unwrap()
        .get(0);
    let completed: i64 =
        c.query_one("SELECT count(*) FROM callbacks WHERE state = 'COMPLETED'", &[]).unwrap().get(0);
    assert_eq!((attempts, twice, completed), (N as i64, 0, N as i64), "served per dispatcher: {served:?}");
    assert!(served.iter().filter(|n| **n > 0).count() >= 2, "the work was not shared: {served:?}");
    assert!(store.count_by_state().unwrap().iter().all(|(s, _)| s == "COMPLETED"));
}

/// Two `serve` processes on one PostgreSQL database: what one creates the other sees, the 48-hour
/// duplicate rule holds across them (409 with the first one's id), contacts are shared, and their
/// in-process dispatchers share the callbacks, none dialled twice.
#[test]
fn two_servers_share_one_database() {
    use common::server::{http, start_with, token};
    let Some(db) = Schema::new("serve") else { return };
    let data = |tag: &str| {
        let d = std::env::temp_dir().join(format!("callwright-pg-serve-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    };
    let (da, dbb) = (data("a"), data("b"));
    let (ta, tb) = (token(&da, &["--role", "admin"]), token(&dbb, &["--role", "admin"]));
    let a = start_with("flows/acme", &["--db", &db.url, "--migrate"], da.clone());
    let b = start_with("flows/acme", &["--db", &db.url], dbb.clone());
    let body = |n: &str| format!(r#"{{"target":{{"id":"{n}","type":"phoneNumber"}},"queueId":"Support"}}"#);
    let (status, _, first) = http(&a, "POST", "/api/v2/callbacks", Some(&ta), Some(&body("+31612345678")));
    assert_eq!(status, 201, "{first}");
    let (status, _, dup) = http(&b, "POST", "/api/v2/callbacks", Some(&tb), Some(&body("+31 6 1234 5678")));
    assert_eq!((status, dup["code"].as_str()), (409, Some("CB010")), "{dup}");
    assert_eq!(dup["existingId"], first["id"], "{dup}");
    let mut ids = vec![first["id"].as_str().unwrap().to_string()];
    for i in 0..20 {
        let (server, t) = if i % 2 == 0 { (&a, &ta) } else { (&b, &tb) };
        let (status, _, cb) =
            http(server, "POST", "/api/v2/callbacks", Some(t), Some(&body(&format!("+3162000{i:04}"))));
        assert_eq!(status, 201, "{cb}");
        ids.push(cb["id"].as_str().unwrap().to_string());
    }
    // One token given to both servers (its record copied into the second's token file): its
    // creations are counted in one bucket in the database, not once per server.
    let limited = token(&da, &["--role", "admin", "--rate", "5"]);
    let record = std::fs::read_to_string(da.join("tokens.jsonl")).unwrap();
    let mut file = std::fs::OpenOptions::new().append(true).open(dbb.join("tokens.jsonl")).unwrap();
    std::io::Write::write_all(&mut file, record.lines().last().unwrap().as_bytes()).unwrap();
    std::io::Write::write_all(&mut file, b"\n").unwrap();
    let started = std::time::Instant::now();
    let mut answers = Vec::new();
    for i in 0..16 {
        let server = if i % 2 == 0 { &a } else { &b };
        let (status, _, _) = http(
            server,
            "POST",
            "/api/v2/callbacks",
            Some(&limited),
            Some(&body(&format!("+3163000{i:04}"))),
        );
        answers.push(status);
    }
    let granted = answers.iter().filter(|s| **s == 201).count();
    // 5 at once, then 5 a second: counted per server it would be 10 or more.
    let most = 5 + (started.elapsed().as_secs_f64() * 5.0).floor() as usize;
    assert!(
        answers.iter().all(|s| *s == 201 || *s == 429) && granted >= 5 && granted <= most && granted < 10,
        "{answers:?} in {:?}",
        started.elapsed()
    );
    let (status, _, c) = http(
        &a,
        "POST",
        "/api/v2/contacts",
        Some(&ta),
        Some(r#"{"name":"Ada","numbers":[{"number":"+31201234567"}]}"#),
    );
    assert_eq!(status, 201, "{c}");
    let (status, _, seen) =
        http(&b, "GET", &format!("/api/v2/contacts/{}", c["id"].as_str().unwrap()), Some(&tb), None);
    assert_eq!((status, seen["name"].as_str()), (200, Some("Ada")), "{seen}");
    // Both dispatchers work the database (their agents talk in real time, minutes per call: the
    // first dials show it), and no callback is dialled twice.
    let mut client = db.client();
    let start = std::time::Instant::now();
    loop {
        let dialled: i64 =
            client.query_one("SELECT count(DISTINCT callback_id) FROM attempts", &[]).unwrap().get(0);
        let holders: i64 = client
            .query_one("SELECT count(DISTINCT claimed_by) FROM callbacks WHERE claimed_by IS NOT NULL", &[])
            .unwrap()
            .get(0);
        if dialled >= 2 && holders == 2 {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "{dialled} dialled, {holders} dispatcher(s)"
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    let twice: i64 = client
        .query_one(
            "SELECT count(*) FROM (SELECT callback_id FROM attempts GROUP BY 1 HAVING count(*) > 1) t",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(twice, 0);
}

/// `callwright contacts import` into PostgreSQL: the good rows in one transaction, found again by
/// number; a bad row named and skipped.
#[test]
fn a_contact_list_imports_into_postgres() {
    use callwright::callbacks::store::ContactStore;
    let Some(db) = Schema::new("contacts") else { return };
    let list = std::env::temp_dir().join(format!("callwright-pg-contacts-{}.csv", std::process::id()));
    let mut text = String::from("name,mobile\n");
    for i in 0..500 {
        text += &format!("Customer {i},+3161{i:07}\n");
    }
    text += "Broken,06-12\n";
    std::fs::write(&list, text).unwrap();
    let (code, _, err) =
        cli(&["contacts", "import", &list.display().to_string(), "--db", &db.url, "--migrate"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(":502:8: mobile: `06-12` is not a valid phone number"), "{err}");
    assert!(err.contains("imported 500 contact(s)"), "{err}");
    let store = PgStore::open(&db.url, false).unwrap();
    let found = store.contacts_by_number("+31610000042").unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "Customer 42");
}
