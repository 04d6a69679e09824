//! The same behavioural tests run against both stores (`store_tests!`), then SQLite-only ones.

use super::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

fn cb(id: &str, number: &str, due: i64) -> StoredCallback {
    StoredCallback {
        id: id.to_string(),
        number: number.to_string(),
        queue: "sales".to_string(),
        owner: None,
        state: SCHEDULED.to_string(),
        due_at_utc: due,
        payload_json: format!(r#"{{"name":"caller {id}"}}"#),
        attempts_made: 0,
        idempotency_key: None,
        updated_at: 1_000,
    }
}

fn ids(v: &[StoredCallback]) -> Vec<&str> {
    v.iter().map(|c| c.id.as_str()).collect()
}

fn insert_get(s: &mut impl CallbackStore) {
    let mut a = cb("cb-1", "+31201234567", 5_000);
    a.owner = Some("agent-7".to_string());
    assert_eq!(s.insert(&a).unwrap(), InsertOutcome::Inserted);
    assert_eq!(s.get("cb-1").unwrap(), Some(a.clone()));
    assert_eq!(s.get("cb-404").unwrap(), None);
    // Reusing an id without an idempotency key is an error, and changes nothing.
    let mut b = cb("cb-1", "+31209999999", 1);
    b.queue = "support".to_string();
    assert!(matches!(s.insert(&b), Err(StoreError::DuplicateId(id)) if id == "cb-1"));
    assert_eq!(s.get("cb-1").unwrap(), Some(a));
}

fn idempotent_insert(s: &mut impl CallbackStore) {
    let mut a = cb("cb-1", "+31201234567", 5_000);
    a.idempotency_key = Some("req-42".to_string());
    assert_eq!(s.insert(&a).unwrap(), InsertOutcome::Inserted);
    // A retry with the same key (a new id, as a client that lost the answer would send).
    let mut retry = cb("cb-2", "+31201234567", 5_000);
    retry.idempotency_key = Some("req-42".to_string());
    assert_eq!(s.insert(&retry).unwrap(), InsertOutcome::Existing("cb-1".to_string()));
    assert_eq!(s.insert(&a).unwrap(), InsertOutcome::Existing("cb-1".into()));
    assert_eq!(s.get("cb-2").unwrap(), None);
    assert_eq!(s.history("cb-1").unwrap().len(), 1);
    // A different key, or none, is a different callback.
    let mut c = cb("cb-3", "+31201234567", 5_000);
    c.idempotency_key = Some("req-43".to_string());
    assert_eq!(s.insert(&c).unwrap(), InsertOutcome::Inserted);
    assert_eq!(s.insert(&cb("cb-4", "+31201234567", 5_000)).unwrap(), InsertOutcome::Inserted);
    assert_eq!(s.by_number("+31201234567").unwrap().len(), 3);
}

fn compare_and_set(s: &mut impl CallbackStore) {
    s.insert(&cb("cb-1", "+31201234567", 5_000)).unwrap();
    assert!(s.transition("cb-1", SCHEDULED, "QUEUED", None, 5_000, None).unwrap());
    // A second dispatcher still believing it is SCHEDULED loses.
    assert!(!s.transition("cb-1", SCHEDULED, "QUEUED", None, 5_001, None).unwrap());
    assert!(!s.transition("cb-1", SCHEDULED, "CANCELLED", Some("supervisor"), 5_002, None).unwrap());
    let now = s.get("cb-1").unwrap().unwrap();
    assert_eq!(now.state, "QUEUED");
    assert_eq!(now.updated_at, 5_000);
    assert_eq!(s.history("cb-1").unwrap().len(), 2);
    // Unknown ids are an error, not "someone else moved it".
    assert!(matches!(
        s.transition("cb-404", SCHEDULED, "QUEUED", None, 1, None),
        Err(StoreError::NotFound(_))
    ));
    // An update must be for the same callback.
    let other = cb("cb-2", "+1", 0);
    assert!(matches!(
        s.transition("cb-1", "QUEUED", "ROUTING", None, 1, Some(&other)),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(s.get("cb-1").unwrap().unwrap().state, "QUEUED");
}

fn transition_with_update(s: &mut impl CallbackStore) {
    let mut a = cb("cb-1", "+31201234567", 5_000);
    a.idempotency_key = Some("k".to_string());
    s.insert(&a).unwrap();
    // Reschedule: new due time, new number and payload; the key and id stay.
    let mut u = a.clone();
    u.due_at_utc = 9_000;
    u.number = "+31207654321".to_string();
    u.payload_json = r#"{"name":"moved"}"#.to_string();
    u.owner = Some("agent-1".to_string());
    u.attempts_made = 1;
    u.idempotency_key = Some("ignored".to_string());
    u.state = "IGNORED".to_string();
    assert!(s.transition("cb-1", SCHEDULED, SCHEDULED, Some("rescheduled"), 6_000, Some(&u)).unwrap());
    let got = s.get("cb-1").unwrap().unwrap();
    assert_eq!(got.state, SCHEDULED);
    assert_eq!(got.due_at_utc, 9_000);
    assert_eq!(got.number, "+31207654321");
    assert_eq!(got.payload_json, r#"{"name":"moved"}"#);
    assert_eq!(got.owner.as_deref(), Some("agent-1"));
    assert_eq!(got.attempts_made, 1);
    assert_eq!(got.idempotency_key.as_deref(), Some("k"));
    assert_eq!(got.updated_at, 6_000);
    assert_eq!(s.by_number("+31201234567").unwrap(), vec![]);
    assert_eq!(ids(&s.by_number("+31207654321").unwrap()), ["cb-1"]);
    assert_eq!(s.next_due_at().unwrap(), Some(9_000));
    assert_eq!(s.history("cb-1").unwrap()[1].attempt, Some(1));
}

fn history_complete_and_ordered(s: &mut impl CallbackStore) {
    s.insert(&cb("cb-1", "+31201234567", 5_000)).unwrap();
    s.insert(&cb("cb-2", "+31201234567", 5_000)).unwrap();
    let path = [
        (SCHEDULED, "QUEUED", None, 5_000),
        ("QUEUED", "ROUTING", Some("offered to agent-3"), 5_100),
        ("ROUTING", "QUEUED", Some("rejected"), 5_200),
        ("QUEUED", "ROUTING", Some("offered to agent-4"), 5_300),
        ("ROUTING", "PROCESSING", None, 5_400),
        ("PROCESSING", "COMPLETED", Some("connected"), 5_500),
    ];
    for (i, (from, to, reason, at)) in path.iter().enumerate() {
        if i == 4 {
            assert!(s.claim_attempt("cb-1", 1, 5_350).unwrap());
        }
        assert!(s.transition("cb-1", from, to, *reason, *at, None).unwrap());
        // Interleave another callback's transitions: they must not leak into cb-1's history.
        if i == 0 {
            assert!(s.transition("cb-2", SCHEDULED, "CANCELLED", None, 5_050, None).unwrap());
        }
    }
    // A failed compare-and-set leaves no trace.
    assert!(!s.transition("cb-1", SCHEDULED, "QUEUED", None, 6_000, None).unwrap());
    let h = s.history("cb-1").unwrap();
    assert_eq!(h.len(), path.len() + 1);
    assert_eq!(
        h[0],
        Transition {
            callback_id: "cb-1".to_string(),
            from_state: None,
            to_state: SCHEDULED.to_string(),
            reason: None,
            at: 1_000,
            attempt: None,
        }
    );
    for (t, (from, to, reason, at)) in h[1..].iter().zip(path) {
        assert_eq!(t.callback_id, "cb-1");
        assert_eq!(t.from_state.as_deref(), Some(from));
        assert_eq!(t.to_state, to);
        assert_eq!(t.reason.as_deref(), reason);
        assert_eq!(t.at, at);
    }
    assert_eq!(h[4].attempt, None);
    assert_eq!(h[5].attempt, Some(1));
    assert_eq!(s.history("cb-2").unwrap().len(), 2);
    assert_eq!(s.history("cb-404").unwrap(), vec![]);
}

fn due_order_and_limit(s: &mut impl CallbackStore) {
    assert_eq!(s.next_due_at().unwrap(), None);
    assert_eq!(s.due(i64::MAX, 10).unwrap(), vec![]);
    // Inserted out of order; ties on due time are broken by id.
    for (id, due) in
        [("cb-e", 500), ("cb-b", 200), ("cb-d", 300), ("cb-c", 200), ("cb-a", 900), ("cb-f", 100)]
    {
        s.insert(&cb(id, "+31201234567", due)).unwrap();
    }
    // Not SCHEDULED any more: never due.
    assert!(s.transition("cb-f", SCHEDULED, "QUEUED", None, 100, None).unwrap());
    assert_eq!(s.next_due_at().unwrap(), Some(200));
    assert_eq!(ids(&s.due(99, 10).unwrap()), Vec::<&str>::new());
    assert_eq!(ids(&s.due(200, 10).unwrap()), ["cb-b", "cb-c"]); // due_at ≤ now
    assert_eq!(ids(&s.due(500, 10).unwrap()), ["cb-b", "cb-c", "cb-d", "cb-e"]);
    assert_eq!(ids(&s.due(500, 3).unwrap()), ["cb-b", "cb-c", "cb-d"]);
    assert_eq!(ids(&s.due(500, 0).unwrap()), Vec::<&str>::new());
    assert_eq!(ids(&s.due(i64::MAX, usize::MAX).unwrap()), ["cb-b", "cb-c", "cb-d", "cb-e", "cb-a"]);
}

fn claim_attempt_once(s: &mut impl CallbackStore) {
    s.insert(&cb("cb-1", "+31201234567", 5_000)).unwrap();
    s.insert(&cb("cb-2", "+31201234567", 5_000)).unwrap();
    assert!(s.claim_attempt("cb-1", 1, 6_000).unwrap());
    assert!(!s.claim_attempt("cb-1", 1, 6_001).unwrap());
    let got = s.get("cb-1").unwrap().unwrap();
    assert_eq!(got.attempts_made, 1);
    assert_eq!(got.updated_at, 6_000); // the refused claim changed nothing
    assert!(s.claim_attempt("cb-1", 2, 7_000).unwrap());
    assert!(!s.claim_attempt("cb-1", 2, 7_001).unwrap());
    assert!(!s.claim_attempt("cb-1", 1, 7_002).unwrap());
    assert_eq!(s.get("cb-1").unwrap().unwrap().attempts_made, 2);
    // Attempts are per callback.
    assert!(s.claim_attempt("cb-2", 1, 6_000).unwrap());
    assert!(matches!(s.claim_attempt("cb-404", 1, 0), Err(StoreError::NotFound(_))));
    assert!(matches!(s.claim_attempt("cb-1", 0, 0), Err(StoreError::Invalid(_))));
}

fn by_number_exact(s: &mut impl CallbackStore) {
    s.insert(&cb("cb-1", "+31201234567", 300)).unwrap();
    s.insert(&cb("cb-2", "+312012345678", 100)).unwrap();
    s.insert(&cb("cb-3", "+31201234567", 100)).unwrap();
    s.insert(&cb("cb-4", "31201234567", 100)).unwrap();
    assert_eq!(ids(&s.by_number("+31201234567").unwrap()), ["cb-3", "cb-1"]);
    assert_eq!(ids(&s.by_number("+3120123456").unwrap()), Vec::<&str>::new());
    assert_eq!(ids(&s.by_number("+3120123456%").unwrap()), Vec::<&str>::new());
    assert_eq!(ids(&s.by_number("31201234567").unwrap()), ["cb-4"]);
}

fn list_filters(s: &mut impl CallbackStore) {
    let mut a = cb("cb-a", "+1", 300);
    a.owner = Some("agent-1".to_string());
    let mut b = cb("cb-b", "+2", 100);
    b.queue = "support".to_string();
    let c = cb("cb-c", "+3", 200);
    for x in [&a, &b, &c] {
        s.insert(x).unwrap();
    }
    assert!(s.transition("cb-c", SCHEDULED, "QUEUED", None, 1, None).unwrap());
    let all = ListFilter::default();
    assert_eq!(ids(&s.list(&all).unwrap()), ["cb-b", "cb-c", "cb-a"]);
    let f = |state: Option<&str>, queue: Option<&str>, owner: Option<&str>, before| ListFilter {
        state: state.map(str::to_string),
        queue: queue.map(str::to_string),
        owner: owner.map(str::to_string),
        due_before: before,
        due_from: None,
    };
    assert_eq!(ids(&s.list(&f(Some(SCHEDULED), None, None, None)).unwrap()), ["cb-b", "cb-a"]);
    assert_eq!(ids(&s.list(&f(Some("QUEUED"), None, None, None)).unwrap()), ["cb-c"]);
    assert_eq!(ids(&s.list(&f(None, Some("sales"), None, None)).unwrap()), ["cb-c", "cb-a"]);
    assert_eq!(ids(&s.list(&f(None, None, Some("agent-1"), None)).unwrap()), ["cb-a"]);
    assert_eq!(ids(&s.list(&f(None, None, None, Some(200))).unwrap()), ["cb-b"]);
    assert_eq!(ids(&s.list(&f(Some(SCHEDULED), Some("sales"), None, Some(301))).unwrap()), ["cb-a"]);
    assert_eq!(
        ids(&s.list(&f(Some(SCHEDULED), Some("support"), Some("agent-1"), None)).unwrap()),
        Vec::<&str>::new()
    );
}

fn pages_and_counts(s: &mut impl CallbackStore) {
    for (i, due) in [(1, 500), (2, 100), (3, 300), (4, 200), (5, 400)] {
        let mut x = cb(&format!("cb-{i}"), &format!("+{i}"), due);
        x.queue = if i % 2 == 0 { "even" } else { "odd" }.to_string();
        s.insert(&x).unwrap();
    }
    let all = ListFilter::default();
    assert_eq!(ids(&s.page(&all, None, 2).unwrap()), ["cb-1", "cb-2"]);
    assert_eq!(ids(&s.page(&all, Some("cb-2"), 2).unwrap()), ["cb-3", "cb-4"]);
    assert_eq!(ids(&s.page(&all, Some("cb-4"), 2).unwrap()), ["cb-5"]);
    assert_eq!(s.count(&all).unwrap(), 5);
    let odd = ListFilter { queue: Some("odd".into()), ..ListFilter::default() };
    assert_eq!(ids(&s.page(&odd, Some("cb-1"), 10).unwrap()), ["cb-3", "cb-5"]);
    assert_eq!(s.count(&odd).unwrap(), 3);
    let window = ListFilter { due_from: Some(200), due_before: Some(400), ..ListFilter::default() };
    assert_eq!(ids(&s.page(&window, None, 10).unwrap()), ["cb-3", "cb-4"]);
    assert_eq!(s.count(&window).unwrap(), 2);
    assert_eq!(s.count_booked("odd", 300, 500).unwrap(), 2);
    assert!(s.transition("cb-5", SCHEDULED, "CANCELLED", None, 1, None).unwrap());
    assert_eq!(s.count_booked("odd", 300, 500).unwrap(), 1, "a cancelled callback frees its place");
    let states: Vec<(String, u64)> = s.count_by_state().unwrap();
    assert_eq!(states, [("CANCELLED".to_string(), 1), (SCHEDULED.to_string(), 4)]);
}

fn lookup_by_idempotency_key(s: &mut impl CallbackStore) {
    assert_eq!(s.by_idempotency_key("req-1").unwrap(), None);
    let mut a = cb("cb-1", "+31201234567", 5_000);
    a.idempotency_key = Some("req-1".to_string());
    s.insert(&a).unwrap();
    s.insert(&cb("cb-2", "+31201234567", 5_000)).unwrap();
    assert_eq!(s.by_idempotency_key("req-1").unwrap(), Some(a));
    assert_eq!(s.by_idempotency_key("req-2").unwrap(), None);
    assert_eq!(s.by_idempotency_key("").unwrap(), None);
}

fn next_seq_grows(s: &mut impl CallbackStore) {
    assert_eq!(s.next_seq().unwrap(), 1);
    s.insert(&cb("cb-x", "+1", 0)).unwrap();
    assert_eq!(s.next_seq().unwrap(), 2);
    s.insert(&cb("cb-a", "+1", 0)).unwrap();
    assert_eq!(s.next_seq().unwrap(), 3);
    // A refused insert and a transition take no number.
    let mut k = cb("cb-k", "+1", 0);
    k.idempotency_key = Some("k".to_string());
    s.insert(&k).unwrap();
    let mut again = cb("cb-k2", "+1", 0);
    again.idempotency_key = Some("k".to_string());
    s.insert(&again).unwrap();
    assert!(s.insert(&cb("cb-a", "+1", 0)).is_err());
    assert!(s.transition("cb-a", SCHEDULED, "QUEUED", None, 1, None).unwrap());
    assert_eq!(s.next_seq().unwrap(), 4);
}

fn batch_insert(s: &mut impl CallbackStore) {
    assert_eq!(s.insert_batch(&[]).unwrap(), vec![]);
    let mut stored = cb("cb-0", "+31201234567", 100);
    stored.idempotency_key = Some("req-0".to_string());
    s.insert(&stored).unwrap();

    let keyed = |id: &str, key: &str| {
        let mut c = cb(id, "+31201234567", 200);
        c.idempotency_key = Some(key.to_string());
        c
    };
    let batch = [
        cb("cb-1", "+31201234567", 300),
        keyed("cb-2", "req-2"),
        keyed("cb-3", "req-0"), // against a stored row
        keyed("cb-4", "req-2"), // against an earlier row of the batch
        cb("cb-5", "+31207654321", 50),
    ];
    assert_eq!(
        s.insert_batch(&batch).unwrap(),
        [
            InsertOutcome::Inserted,
            InsertOutcome::Inserted,
            InsertOutcome::Existing("cb-0".into()),
            InsertOutcome::Existing("cb-2".into()),
            InsertOutcome::Inserted,
        ]
    );
    assert_eq!(ids(&s.by_number("+31201234567").unwrap()), ["cb-0", "cb-2", "cb-1"]);
    assert_eq!(ids(&s.by_number("+31207654321").unwrap()), ["cb-5"]);
    assert_eq!(s.get("cb-3").unwrap(), None);
    assert_eq!(s.get("cb-4").unwrap(), None);
    assert_eq!(s.by_idempotency_key("req-2").unwrap().map(|c| c.id), Some("cb-2".to_string()));
    // Every inserted row has its creation transition.
    for id in ["cb-1", "cb-2", "cb-5"] {
        assert_eq!(s.history(id).unwrap().len(), 1, "{id}");
    }
    assert_eq!(s.next_seq().unwrap(), 5);
    // A repeated batch (a client retrying after a lost answer) creates nothing new.
    assert_eq!(
        s.insert_batch(&[keyed("cb-6", "req-2"), keyed("cb-7", "req-0")]).unwrap(),
        [InsertOutcome::Existing("cb-2".into()), InsertOutcome::Existing("cb-0".into())]
    );
    assert_eq!(s.next_seq().unwrap(), 5);
}

fn batch_is_all_or_nothing(s: &mut impl CallbackStore) {
    s.insert(&cb("cb-0", "+31201234567", 100)).unwrap();
    let fresh = |id: &str, key: &str| {
        let mut c = cb(id, "+31209999999", 200);
        c.idempotency_key = Some(key.to_string());
        c
    };
    // The third row reuses a stored id: the two before it are rolled back with it.
    let err = s.insert_batch(&[fresh("cb-1", "a"), fresh("cb-2", "b"), cb("cb-0", "+1", 0)]).unwrap_err();
    assert!(matches!(err, StoreError::DuplicateId(ref id) if id == "cb-0"), "{err:?}");
    // The last row reuses an id of the batch itself.
    let err = s.insert_batch(&[fresh("cb-3", "c"), cb("cb-4", "+1", 0), cb("cb-3", "+1", 0)]).unwrap_err();
    assert!(matches!(err, StoreError::DuplicateId(ref id) if id == "cb-3"), "{err:?}");
    for id in ["cb-1", "cb-2", "cb-3", "cb-4"] {
        assert_eq!(s.get(id).unwrap(), None, "{id}");
        assert_eq!(s.history(id).unwrap(), vec![], "{id}");
    }
    for key in ["a", "b", "c"] {
        assert_eq!(s.by_idempotency_key(key).unwrap(), None, "{key}");
    }
    assert_eq!(s.by_number("+31209999999").unwrap(), vec![]);
    assert_eq!(s.next_seq().unwrap(), 2);
    // The keys of a rolled-back batch are free again.
    assert_eq!(
        s.insert_batch(&[fresh("cb-1", "a"), fresh("cb-2", "b")]).unwrap(),
        [InsertOutcome::Inserted, InsertOutcome::Inserted]
    );
    assert_eq!(ids(&s.by_number("+31209999999").unwrap()), ["cb-1", "cb-2"]);
}

fn advance_keeps_what_others_wrote(s: &mut impl CallbackStore) {
    s.insert(&cb("cb-1", "+31201234567", 5_000)).unwrap();
    // An API server writes a disposition while the dispatcher holds the callback.
    let mut edited = s.get("cb-1").unwrap().unwrap();
    edited.payload_json = r#"{"name":"caller cb-1","data":{"disposition":"sale"}}"#.to_string();
    assert!(s.transition("cb-1", SCHEDULED, SCHEDULED, Some("disposition"), 5_500, Some(&edited)).unwrap());
    // The dispatcher's moves write only their own fields.
    let release = Step { attempts_made: 0, ..Step::default() };
    assert!(s.advance("cb-1", SCHEDULED, "QUEUED", "due", 6_000, &release).unwrap());
    assert!(!s.advance("cb-1", SCHEDULED, "QUEUED", "due", 6_001, &release).unwrap());
    let retry = Step { attempts_made: 2, due_at_utc: Some(9_000), ended: None };
    assert!(s.advance("cb-1", "QUEUED", SCHEDULED, "retry", 7_000, &retry).unwrap());
    let got = s.get("cb-1").unwrap().unwrap();
    assert_eq!(
        (got.state.as_str(), got.due_at_utc, got.attempts_made, got.updated_at),
        (SCHEDULED, 9_000, 2, 7_000)
    );
    // attempts_made never goes down.
    let end =
        Step { attempts_made: 1, due_at_utc: None, ended: Some(("completed".into(), "answered".into())) };
    assert!(s.advance("cb-1", SCHEDULED, "COMPLETED", "answered", 8_000, &end).unwrap());
    let got = s.get("cb-1").unwrap().unwrap();
    assert_eq!((got.attempts_made, got.due_at_utc), (2, 9_000));
    let payload: serde_json::Value = serde_json::from_str(&got.payload_json).unwrap();
    assert_eq!(payload["data"]["disposition"], "sale");
    assert_eq!(payload["end_reason"], "answered");
    assert_eq!(payload["state"], "completed");
    let history = s.history("cb-1").unwrap();
    assert_eq!(history.len(), 5);
    assert_eq!(history[3].attempt, Some(2));
    assert!(matches!(
        s.advance("cb-404", SCHEDULED, "QUEUED", "due", 1, &release),
        Err(StoreError::NotFound(_))
    ));
}

macro_rules! store_tests {
    ($module:ident, $open:expr) => {
        mod $module {
            use super::*;

            #[test]
            fn insert_and_get() {
                if let Some(mut s) = $open {
                    insert_get(s.as_store());
                }
            }
            #[test]
            fn idempotent_insert_returns_existing() {
                if let Some(mut s) = $open {
                    idempotent_insert(s.as_store());
                }
            }
            #[test]
            fn transition_is_compare_and_set() {
                if let Some(mut s) = $open {
                    compare_and_set(s.as_store());
                }
            }
            #[test]
            fn transition_applies_update() {
                if let Some(mut s) = $open {
                    transition_with_update(s.as_store());
                }
            }
            #[test]
            fn advance_writes_only_the_lifecycle_fields() {
                if let Some(mut s) = $open {
                    advance_keeps_what_others_wrote(s.as_store());
                }
            }
            #[test]
            fn history_is_complete_and_ordered() {
                if let Some(mut s) = $open {
                    history_complete_and_ordered(s.as_store());
                }
            }
            #[test]
            fn due_is_ordered_and_limited() {
                if let Some(mut s) = $open {
                    due_order_and_limit(s.as_store());
                }
            }
            #[test]
            fn claim_attempt_succeeds_once() {
                if let Some(mut s) = $open {
                    claim_attempt_once(s.as_store());
                }
            }
            #[test]
            fn pages_counts_and_booked_places() {
                if let Some(mut s) = $open {
                    pages_and_counts(s.as_store());
                }
            }
            #[test]
            fn by_number_is_exact() {
                if let Some(mut s) = $open {
                    by_number_exact(s.as_store());
                }
            }
            #[test]
            fn list_applies_every_filter() {
                if let Some(mut s) = $open {
                    list_filters(s.as_store());
                }
            }
            #[test]
            fn by_idempotency_key_finds_the_keyed_callback() {
                if let Some(mut s) = $open {
                    lookup_by_idempotency_key(s.as_store());
                }
            }
            #[test]
            fn next_seq_is_above_every_stored_callback() {
                if let Some(mut s) = $open {
                    next_seq_grows(s.as_store());
                }
            }
            #[test]
            fn insert_batch_applies_idempotency_keys() {
                if let Some(mut s) = $open {
                    batch_insert(s.as_store());
                }
            }
            #[test]
            fn insert_batch_is_all_or_nothing() {
                if let Some(mut s) = $open {
                    batch_is_all_or_nothing(s.as_store());
                }
            }
        }
    };
}

store_tests!(memory, Some(MemoryStore::new()));
store_tests!(sqlite, Some(SqliteStore::open_in_memory().unwrap()));
store_tests!(postgres, pg_store());

/// The store a shared test runs against (a PostgreSQL store inside its test schema guard).
trait AsStore {
    type S: CallbackStore;
    fn as_store(&mut self) -> &mut Self::S;
}

impl AsStore for MemoryStore {
    type S = MemoryStore;
    fn as_store(&mut self) -> &mut MemoryStore {
        self
    }
}

impl AsStore for SqliteStore {
    type S = SqliteStore;
    fn as_store(&mut self) -> &mut SqliteStore {
        self
    }
}

/// A PostgreSQL store in a schema of its own, dropped with it.
struct PgTest {
    store: PgStore,
    url: String,
    schema: String,
}

impl AsStore for PgTest {
    type S = PgStore;
    fn as_store(&mut self) -> &mut PgStore {
        &mut self.store
    }
}

impl Drop for PgTest {
    fn drop(&mut self) {
        if let Ok(mut c) = ::postgres::Client::connect(&self.url, ::postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}

/// A fresh, migrated PostgreSQL store when `CALLWRIGHT_TEST_PG` names a database (CI sets it);
/// `None` otherwise. A named database that cannot be reached fails the test: CI must not pass
/// by skipping.
fn pg_store() -> Option<PgTest> {
    let url = std::env::var("CALLWRIGHT_TEST_PG").ok().filter(|u| !u.trim().is_empty())?;
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let schema = format!("cw_test_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
    let mut admin = ::postgres::Client::connect(&url, ::postgres::NoTls)
        .unwrap_or_else(|e| panic!("CALLWRIGHT_TEST_PG={url}: cannot connect: {e}"));
    admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).unwrap();
    let store = PgStore::open(&in_schema(&url, &schema), true).unwrap_or_else(|e| panic!("{e}"));
    Some(PgTest { store, url, schema })
}

/// A unique database path in the temp directory; removes the file and its WAL/SHM on drop.
struct TempDb(PathBuf);

impl TempDb {
    fn new(tag: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        Self(
            std::env::temp_dir()
                .join(format!("callwright-store-{tag}-{}-{nanos}-{n}.db", std::process::id())),
        )
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

#[test]
fn sqlite_file_store_passes_the_shared_tests() {
    let tmp = TempDb::new("shared");
    history_complete_and_ordered(&mut SqliteStore::open(tmp.path()).unwrap());
}

#[test]
fn sqlite_data_survives_close_and_reopen() {
    let tmp = TempDb::new("reopen");
    let mut a = cb("cb-1", "+31201234567", 5_000);
    a.idempotency_key = Some("req-1".to_string());
    {
        let mut s = SqliteStore::open(tmp.path()).unwrap();
        s.insert(&a).unwrap();
        s.insert(&cb("cb-2", "+31201234567", 4_000)).unwrap();
        assert!(s.transition("cb-1", SCHEDULED, "QUEUED", Some("due"), 5_000, None).unwrap());
        assert!(s.claim_attempt("cb-1", 1, 5_100).unwrap());
    }
    let mut s = SqliteStore::open(tmp.path()).unwrap();
    assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    let got = s.get("cb-1").unwrap().unwrap();
    assert_eq!(got.state, "QUEUED");
    assert_eq!(got.attempts_made, 1);
    assert_eq!(got.payload_json, a.payload_json);
    assert_eq!(s.history("cb-1").unwrap().len(), 2);
    assert_eq!(s.history("cb-1").unwrap()[1].reason.as_deref(), Some("due"));
    // The claim and the idempotency key survived too.
    assert!(!s.claim_attempt("cb-1", 1, 6_000).unwrap());
    let mut retry = cb("cb-9", "+31201234567", 5_000);
    retry.idempotency_key = Some("req-1".to_string());
    assert_eq!(s.insert(&retry).unwrap(), InsertOutcome::Existing("cb-1".into()));
    assert_eq!(ids(&s.due(10_000, 10).unwrap()), ["cb-2"]);
    assert_eq!(s.next_due_at().unwrap(), Some(4_000));
}

#[test]
fn sqlite_file_store_uses_wal_and_full_sync() {
    let tmp = TempDb::new("wal");
    let s = SqliteStore::open(tmp.path()).unwrap();
    assert_eq!(s.journal_mode().unwrap().to_lowercase(), "wal");
    assert_eq!(s.synchronous().unwrap(), 2); // FULL
    let fk: i64 = s.conn_for_tests().pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
    assert_eq!(s.path(), tmp.path());
}

#[test]
fn sqlite_garbage_file_is_a_clear_error() {
    let tmp = TempDb::new("garbage");
    std::fs::write(tmp.path(), "this is a callwright flow, not a database\n".repeat(200)).unwrap();
    let err = SqliteStore::open(tmp.path()).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains(&tmp.path().display().to_string()), "{msg}");
    assert!(msg.contains("not a database"), "{msg}");
}

#[test]
fn sqlite_missing_directory_is_a_clear_error() {
    let tmp = TempDb::new("nodir");
    let path = tmp.path().join("no").join("such").join("callbacks.db");
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains(&path.display().to_string()), "{err}");
}

#[test]
fn sqlite_refuses_a_newer_schema() {
    let tmp = TempDb::new("newer");
    {
        let s = SqliteStore::open(tmp.path()).unwrap();
        s.conn_for_tests().pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    }
    let err = SqliteStore::open(tmp.path()).unwrap_err();
    assert!(matches!(err, StoreError::SchemaTooNew { found, .. } if found == SCHEMA_VERSION + 1), "{err:?}");
    assert!(err.to_string().contains(&tmp.path().display().to_string()));
}

#[test]
fn sqlite_transitions_are_append_only() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    s.insert(&cb("cb-1", "+1", 0)).unwrap();
    assert!(s.conn_for_tests().execute("DELETE FROM transitions", []).is_err());
    assert!(s.conn_for_tests().execute("UPDATE transitions SET to_state = 'X'", []).is_err());
    assert_eq!(s.history("cb-1").unwrap().len(), 1);
}

#[test]
fn sqlite_reopen_does_not_migrate_twice() {
    let tmp = TempDb::new("migrate");
    drop(SqliteStore::open(tmp.path()).unwrap());
    let mut conn = rusqlite::Connection::open(tmp.path()).unwrap();
    assert_eq!(migrate(&mut conn, tmp.path()).unwrap(), SCHEMA_VERSION);
}

#[test]
fn sqlite_file_store_batches_survive_reopen() {
    let tmp = TempDb::new("batch");
    {
        let mut s = SqliteStore::open(tmp.path()).unwrap();
        batch_insert(&mut s);
    }
    let s = SqliteStore::open(tmp.path()).unwrap();
    assert_eq!(ids(&s.by_number("+31201234567").unwrap()), ["cb-0", "cb-2", "cb-1"]);
    assert_eq!(s.next_seq().unwrap(), 5);
}

/// A group commit: creations share one transaction, each in a savepoint; a refused one leaves
/// nothing; nothing of a group that was never committed survives a reopen.
#[test]
fn sqlite_group_commit_is_all_or_nothing() {
    let tmp = TempDb::new("group");
    let store = |s: &mut SqliteStore, id: &str, keep: bool| {
        let row = cb(id, "+31201234567", 100);
        s.insert_if("+31201234567", None, None, &mut |_, _, _| keep.then(|| row.clone())).unwrap()
    };
    {
        let mut s = SqliteStore::open(tmp.path()).unwrap();
        s.begin_group().unwrap();
        assert_eq!(store(&mut s, "cb-1", true), Some(InsertOutcome::Inserted));
        assert_eq!(store(&mut s, "cb-2", false), None);
        assert_eq!(store(&mut s, "cb-3", true), Some(InsertOutcome::Inserted));
        s.commit_group().unwrap();
        s.begin_group().unwrap();
        assert_eq!(store(&mut s, "cb-4", true), Some(InsertOutcome::Inserted));
        // Dropped without commit_group: a crash before the commit.
    }
    let s = SqliteStore::open(tmp.path()).unwrap();
    assert_eq!(ids(&s.by_number("+31201234567").unwrap()), ["cb-1", "cb-3"]);
}

/// The lookups that must stay O(log n) as the store grows: SQLite's plan for each is a SEARCH of
/// an index (or of the table's own b-tree), never a SCAN of the table.
#[test]
fn sqlite_lookups_are_index_searches() {
    let s = SqliteStore::open_in_memory().unwrap();
    let plan_with = |sql: &str, params: &[&dyn rusqlite::ToSql]| -> String {
        let mut stmt = s.conn_for_tests().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt.query_map(params, |row| row.get::<_, String>(3)).unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
    };
    let plan = |sql: &str| plan_with(sql, &[]);
    for (what, sql, index) in [
        (
            "by_number",
            "SELECT * FROM callbacks WHERE number = '+1' ORDER BY due_at_utc, id",
            "callbacks_number",
        ),
        (
            "by_idempotency_key",
            "SELECT * FROM callbacks WHERE idempotency_key = 'k'",
            "callbacks_idempotency_key",
        ),
        ("get", "SELECT * FROM callbacks WHERE id = 'cb-1'", "sqlite_autoindex_callbacks_1"),
        (
            "due",
            "SELECT * FROM callbacks WHERE state = 'SCHEDULED' AND due_at_utc <= 5 \
                 ORDER BY due_at_utc, id LIMIT 10",
            "callbacks_state_due",
        ),
    ] {
        let p = plan(sql);
        assert!(p.contains("SEARCH") && p.contains(index) && !p.contains("SCAN"), "{what}: {p}");
    }
    // The parameterised texts the store runs plan the same way.
    let p = plan_with("SELECT id FROM callbacks WHERE idempotency_key = ?1", &[&"k"]);
    assert!(p.contains("SEARCH") && p.contains("callbacks_idempotency_key"), "{p}");
    // max(rowid) is answered from the end of the table's b-tree: SQLite plans it as a single
    // search, not a scan.
    let p = plan("SELECT coalesce(max(rowid), 0) FROM callbacks");
    assert!(p.contains("SEARCH callbacks") && !p.contains("SCAN"), "next_seq: {p}");
}

#[test]
fn contacts_are_stored_found_by_number_and_name_and_survive_a_reopen() {
    use crate::callbacks::contact::{CallableHours, Contact, ContactNumber, NumberType};
    let tmp = TempDb::new("contacts");
    let now = chrono::Utc::now();
    let number = |n: &str, kind| ContactNumber { number: n.into(), kind, hours: None };
    let ada = Contact {
        id: String::new(),
        name: "Ada Lovelace".into(),
        timezone: Some("Europe/London".into()),
        numbers: vec![number("+441234567890", NumberType::Home), number("+31612345678", NumberType::Mobile)],
        created_at: now,
        updated_at: now,
    };
    let id = {
        let mut s = SqliteStore::open(tmp.path()).unwrap();
        let stored = s.insert_contact(&ada).unwrap();
        let other = Contact {
            name: "Alan 100%_".into(),
            numbers: vec![number("+31612345678", NumberType::Work)],
            ..ada.clone()
        };
        s.insert_contact(&other).unwrap();
        stored.id
    };
    let mut s = SqliteStore::open(tmp.path()).unwrap();
    let got = s.get_contact(&id).unwrap().unwrap();
    assert_eq!((got.name.as_str(), got.numbers.len()), ("Ada Lovelace", 2));
    assert_eq!(s.contacts_by_number("+31612345678").unwrap().len(), 2, "a shared number finds both");
    assert_eq!(s.contacts_by_name("ada", 10).unwrap().len(), 1);
    assert_eq!(s.contacts_by_name("Alan 100%", 10).unwrap().len(), 1, "% is literal");
    assert_eq!(s.contacts_by_name("Alan 1000", 10).unwrap().len(), 0);
    let mut changed = got.clone();
    changed.numbers[1].hours = Some(CallableHours::parse("09:00-17:00").unwrap());
    changed.numbers.remove(0);
    assert!(s.update_contact(&changed).unwrap());
    assert!(
        s.contacts_by_number("+441234567890").unwrap().is_empty(),
        "the removed number no longer finds it"
    );
    assert_eq!(s.get_contact(&id).unwrap().unwrap(), changed);
    assert!(s.delete_contact(&id).unwrap());
    assert!(s.get_contact(&id).unwrap().is_none());
    assert!(!s.delete_contact(&id).unwrap());
    assert!(s.get_contact("x").unwrap().is_none(), "an id that is not a number is no contact");
}

#[test]
fn an_export_imports_into_every_store_with_nothing_lost() {
    use super::transfer::{export, import};
    let tmp = TempDb::new("export");
    let mut src = SqliteStore::open(tmp.path()).unwrap();
    let mut keyed = cb("cb-1", "+31201234567", 5_000);
    keyed.idempotency_key = Some("k-1".into());
    src.insert(&keyed).unwrap();
    src.insert(&cb("cb-2", "+31201234568", 6_000)).unwrap();
    assert!(src.transition("cb-1", SCHEDULED, "QUEUED", Some("due"), 7_000, None).unwrap());
    assert!(src.claim_attempt("cb-1", 1, 7_100).unwrap());
    src.record_dial_result("cb-1", 1, "no_answer").unwrap();
    assert!(src.claim_attempt("cb-1", 2, 7_200).unwrap());
    let mut first = Vec::new();
    assert_eq!(export(&src, &mut first).unwrap(), 2);
    let text = String::from_utf8(first.clone()).unwrap() + "{\"id\": 5}\n\n";

    let again = |store: &mut dyn CallbackStore| {
        let done = import(store, &mut text.as_bytes(), "all.jsonl").unwrap();
        assert_eq!((done.restored, done.present), (2, 0));
        assert_eq!(done.problems.len(), 1);
        assert!(done.problems[0].starts_with("all.jsonl:3:"), "{:?}", done.problems);
        let mut second = Vec::new();
        export(&*store, &mut second).unwrap();
        assert_eq!(String::from_utf8(second).unwrap(), String::from_utf8(first.clone()).unwrap());
        assert_eq!(store.attempt_log("cb-1").unwrap()[0].result.as_deref(), Some("no_answer"));
        assert_eq!(store.by_idempotency_key("k-1").unwrap().unwrap().id, "cb-1");
        // Run again: everything is already there.
        let done = import(store, &mut text.as_bytes(), "all.jsonl").unwrap();
        assert_eq!((done.restored, done.present), (0, 2));
    };
    again(&mut MemoryStore::new());
    again(&mut SqliteStore::open_in_memory().unwrap());
    if let Some(mut pg) = pg_store() {
        again(pg.as_store());
    }
}

#[test]
fn rate_buckets_are_kept_in_postgres_and_nowhere_else() {
    assert_eq!(MemoryStore::new().take_rate("k", 3).unwrap(), Bucket::Local);
    let Some(mut pg) = pg_store() else { return };
    let s = pg.as_store();
    // A full bucket of 3, then empty: the wait is about a third of a second.
    for _ in 0..3 {
        assert_eq!(s.take_rate("token-a", 3).unwrap(), Bucket::Taken);
    }
    match s.take_rate("token-a", 3).unwrap() {
        Bucket::Wait(w) => assert!(w > 0.0 && w <= 1.0 / 3.0 + 1e-9, "{w}"),
        other => panic!("{other:?}"),
    }
    // Another token has its own bucket, and the bucket refills with time.
    assert_eq!(s.take_rate("token-b", 3).unwrap(), Bucket::Taken);
    std::thread::sleep(std::time::Duration::from_millis(400));
    assert_eq!(s.take_rate("token-a", 3).unwrap(), Bucket::Taken);
}
