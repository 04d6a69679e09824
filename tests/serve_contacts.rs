//! `/api/v2/contacts` over HTTP: a contact with several numbers, each with a type and callable
//! hours, its zone pre-filled from the numbers; a callback created or rescheduled from a contact
//! picks one of its numbers (by type, else the first callable in the window) or adds one; a window
//! outside a number's hours is CB022; the contact's history lists its numbers' callbacks.

mod common;

use chrono::TimeZone;
use common::server::*;
use serde_json::Value;

/// Tomorrow at `hh:mm` Amsterdam time, with its offset.
fn tomorrow_at(hh: u32, mm: u32) -> String {
    let tz = chrono_tz::Europe::Amsterdam;
    let day = (chrono::Utc::now().with_timezone(&tz) + chrono::Duration::days(1)).date_naive();
    tz.from_local_datetime(&day.and_hms_opt(hh, mm, 0).unwrap()).unwrap().to_rfc3339()
}

fn post(s: &Server, path: &str, token: &str, body: &str) -> (u16, Value) {
    let (status, _, v) = http(s, "POST", path, Some(token), Some(body));
    (status, v)
}

#[test]
fn contacts_give_callbacks_their_numbers_zone_and_history() {
    let data = std::env::temp_dir().join(format!("callwright-serve-contacts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let admin = token(&data, &["--role", "admin"]);
    let s = start_project("tests/fixtures/serve/slots", data.clone());

    // Bad input names the field at fault.
    let bad = |body: &str| post(&s, "/api/v2/contacts", &admin, body);
    let (status, p) =
        bad(r#"{"name":"Ada","numbers":[{"number":"+31201234567"},{"number":"12","type":"home"}]}"#);
    assert_eq!(
        (status, p["code"].as_str(), p["field"].as_str()),
        (400, Some("CB002"), Some("numbers[1].number")),
        "{p}"
    );
    let (status, p) = bad(r#"{"name":"Ada","numbers":[{"number":"+31201234567","type":"fax"}]}"#);
    assert_eq!((status, p["field"].as_str()), (400, Some("numbers[0].type")), "{p}");
    let (status, p) = bad(r#"{"name":"Ada","numbers":[{"number":"+31201234567","callableHours":"9-5"}]}"#);
    assert_eq!((status, p["field"].as_str()), (400, Some("numbers[0].callableHours")), "{p}");
    let (status, p) = bad(r#"{"name":"Ada","timezone":"CET+1","numbers":[{"number":"+31201234567"}]}"#);
    assert_eq!((status, p["code"].as_str()), (400, Some("CB003")), "{p}");
    let (status, p) = bad(r#"{"name":"Ada","numbers":[]}"#);
    assert_eq!((status, p["field"].as_str()), (400, Some("numbers")), "{p}");

    // The zone comes from the numbers: one offset for the Netherlands, none for +1.
    let (status, us) = bad(r#"{"name":"Bob","numbers":[{"number":"+12125550123","type":"work"}]}"#);
    assert_eq!(status, 201, "{us}");
    assert!(us["timezone"].is_null(), "{us}");
    let (status, ada) = post(
        &s,
        "/api/v2/contacts",
        &admin,
        r#"{"name":"Ada Lovelace","numbers":[
            {"number":"+31 20 123 4567","type":"work","callableHours":"09:00-17:00"},
            {"number":"+31612345678","type":"mobile"}]}"#,
    );
    assert_eq!(status, 201, "{ada}");
    assert_eq!(ada["timezone"], "Europe/Amsterdam");
    assert_eq!(ada["numbers"][0]["number"], "+31201234567", "numbers are kept in E.164");
    assert_eq!(ada["numbers"][0]["callableHours"], "09:00-17:00");
    let id = ada["id"].as_str().unwrap().to_string();

    // No number at all: a clear error.
    let (status, p) = post(&s, "/api/v2/callbacks", &admin, r#"{"queueId":"Team"}"#);
    assert_eq!(
        (status, p["code"].as_str(), p["field"].as_str()),
        (400, Some("CB001"), Some("target.id")),
        "{p}"
    );
    // From the contact, at 10:00: the work number (callable then), the contact's zone and name.
    let create = |extra: &str, hh: u32| {
        format!(
            r#"{{"queueId":"Team","contactId":"{id}","callbackWindow":{{"startTime":"{}","duration":1800}}{extra}}}"#,
            tomorrow_at(hh, 0)
        )
    };
    let (status, cb) = post(&s, "/api/v2/callbacks", &admin, &create("", 10));
    assert_eq!(status, 201, "{cb}");
    assert_eq!(cb["target"]["id"], "+31201234567", "{cb}");
    assert_eq!(cb["callbackWindow"]["timezone"], "Europe/Amsterdam", "{cb}");
    assert_eq!(cb["externalData"]["contactId"], id.as_str(), "{cb}");
    assert_eq!(cb["customerName"], "Ada Lovelace", "{cb}");
    let first = cb["id"].as_str().unwrap().to_string();
    // At 18:00 the first callable number is the mobile; the work number asked for is refused.
    let (status, p) = post(&s, "/api/v2/callbacks", &admin, &create(r#","numberType":"work""#, 18));
    assert_eq!(
        (status, p["code"].as_str(), p["field"].as_str()),
        (400, Some("CB022"), Some("callbackWindow")),
        "{p}"
    );
    assert!(p["detail"].as_str().unwrap().contains("09:00-17:00"), "{p}");
    // A number the contact does not have is added to it, with its type, once the callback is stored.
    let (status, cb) = post(
        &s,
        "/api/v2/callbacks",
        &admin,
        &create(r#","numberType":"home","target":{"id":"+31687654321","type":"phoneNumber"}"#, 19),
    );
    assert_eq!(status, 201, "{cb}");
    assert_eq!(cb["target"]["id"], "+31687654321");
    let (_, _, c) = http(&s, "GET", &format!("/api/v2/contacts/{id}"), Some(&admin), None);
    assert_eq!(c["numbers"].as_array().unwrap().len(), 3, "{c}");
    assert_eq!(c["numbers"][2]["type"], "home", "{c}");
    // A refused callback adds nothing.
    let (status, _) = post(
        &s,
        "/api/v2/callbacks",
        &admin,
        &create(r#","target":{"id":"+31611111111","type":"phoneNumber"},"numberType":"fax""#, 11),
    );
    assert_eq!(status, 400);
    let (_, _, c) = http(&s, "GET", &format!("/api/v2/contacts/{id}"), Some(&admin), None);
    assert_eq!(c["numbers"].as_array().unwrap().len(), 3, "{c}");

    // Reschedule to another of the contact's numbers: the window stays.
    let (status, _, cb) = http(
        &s,
        "PATCH",
        &format!("/api/v2/callbacks/{first}"),
        Some(&admin),
        Some(&format!(r#"{{"contactId":"{id}","numberType":"mobile"}}"#)),
    );
    assert_eq!(status, 200, "{cb}");
    assert_eq!(cb["target"]["id"], "+31612345678", "{cb}");
    assert_eq!(cb["status"], "scheduled", "{cb}");

    // The history: the callbacks of the contact's numbers, newest first.
    let (_, _, c) = http(&s, "GET", &format!("/api/v2/contacts/{id}"), Some(&admin), None);
    let history = c["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{c}");
    assert!(
        history.iter().any(|h| h["callbackId"] == first.as_str() && h["number"] == "+31612345678"),
        "{c}"
    );

    // Search by number and by name; one of them is needed.
    let (_, _, found) = http(&s, "GET", "/api/v2/contacts?number=%2B31612345678", Some(&admin), None);
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    let (_, _, found) = http(&s, "GET", "/api/v2/contacts?name=ada", Some(&admin), None);
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    let (status, _, _) = http(&s, "GET", "/api/v2/contacts", Some(&admin), None);
    assert_eq!(status, 400);

    // Add a number; the same one twice is refused on its own field.
    let path = format!("/api/v2/contacts/{id}/numbers");
    let (status, c) =
        post(&s, &path, &admin, r#"{"number":"+31207654321","type":"work","callableHours":"08:00-12:00"}"#);
    assert_eq!(status, 201, "{c}");
    let (status, p) = post(&s, &path, &admin, r#"{"number":"+31207654321"}"#);
    assert_eq!((status, p["field"].as_str()), (400, Some("number")), "{p}");

    // Replace, then delete: the callbacks stay.
    let (status, _, c) = http(
        &s,
        "PUT",
        &format!("/api/v2/contacts/{id}"),
        Some(&admin),
        Some(
            r#"{"name":"Ada King","timezone":"Europe/London","numbers":[{"number":"+31612345678","type":"mobile"}]}"#,
        ),
    );
    assert_eq!(status, 200, "{c}");
    assert_eq!((c["name"].as_str(), c["timezone"].as_str()), (Some("Ada King"), Some("Europe/London")));
    let (status, _, _) = http(&s, "DELETE", &format!("/api/v2/contacts/{id}"), Some(&admin), None);
    assert_eq!(status, 204);
    let (status, _, p) = http(&s, "GET", &format!("/api/v2/contacts/{id}"), Some(&admin), None);
    assert_eq!(status, 404, "{p}");
    let (status, _, _) = http(&s, "GET", &format!("/api/v2/callbacks/{first}"), Some(&admin), None);
    assert_eq!(status, 200);
}
