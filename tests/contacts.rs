//! `callwright contacts import`: a contact list into the callback database — each bad row named
//! by file:line:col and skipped, the good rows stored (found again by number), the do-not-call
//! list counted.

mod common;
use callwright::callbacks::store::{ContactStore, SqliteStore};
use common::Test;

#[test]
fn a_contact_list_loads_its_good_rows_and_names_its_bad_ones() {
    let dir = std::env::temp_dir().join(format!("callwright-contacts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("customers.csv");
    std::fs::write(
        &list,
        "name,timezone,home,mobile,mobile_hours\n\
         Ada Lovelace,Europe/London,,+447911123456,09:00-20:00\n\
         Jan Jansen,,020 123 4567,06 12345678,\n\
         Bad Zone,Mars/Base,,+31612345670,\n\
         Bad Hours,,,+31612345671,20:00-09:00\n\
         Piet,,,+31612345672,\n",
    )
    .unwrap();
    let dnc = dir.join("dnc.txt");
    std::fs::write(&dnc, "+31612345678\n").unwrap();
    let db = dir.join("c.db");
    let _ = std::fs::remove_file(&db);
    let (list_s, db_s, dnc_s) =
        (list.display().to_string(), db.display().to_string(), dnc.display().to_string());
    Test::new()
        .args(["contacts", "import", &list_s, "--region", "NL", "--dnc", &dnc_s, "--db", &db_s])
        .status(1)
        .stderr_contains(format!("{list_s}:4:10: `Mars/Base` is not an IANA time zone"))
        .stderr_contains(format!("{list_s}:5:26: `20:00-09:00`: the hours must end after they start"))
        .stderr_contains("imported 3 contact(s) with 4 number(s)")
        .stderr_contains("2 row(s) not imported")
        .stderr_contains("1 of the numbers are on the do-not-call list")
        .run();
    let store = SqliteStore::open(&db).unwrap();
    let jan = store.contacts_by_number("+31201234567").unwrap();
    assert_eq!(jan.len(), 1);
    assert_eq!(jan[0].name, "Jan Jansen");
    assert_eq!(jan[0].timezone.as_deref(), Some("Europe/Amsterdam"));
    assert_eq!(jan[0].numbers[1].number, "+31612345678");
    let ada = store.contacts_by_name("Ada", 10).unwrap();
    assert_eq!(ada[0].numbers[0].hours.unwrap().to_string(), "09:00-20:00");
    assert!(store.contacts_by_name("Bad", 10).unwrap().is_empty());
    // A header that cannot be a contact list imports nothing.
    std::fs::write(&list, "name,phone\nAda,+31612345678\n").unwrap();
    Test::new()
        .args(["contacts", "import", &list_s, "--db", &db_s])
        .status(1)
        .stderr_contains(format!("{list_s}:1:6: `phone` is not a contact-list column"))
        .stderr_contains("nothing imported")
        .run();
}
