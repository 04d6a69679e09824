//! Tests of the callback model and validation, one rule each.

use super::*;
use crate::callbacks::model::{self, EndReason, can_move};
use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn utc(y: i32, mo: u32, day: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, day, h, mi, 0).unwrap()
}

/// 2026-01-15 12:00 UTC = 13:00 in Amsterdam.
fn now() -> DateTime<Utc> {
    utc(2026, 1, 15, 12, 0)
}

fn settings() -> CallbackSettings {
    CallbackSettings::default()
}

/// A valid request: 2026-01-16 10:00–11:00 in Amsterdam (09:00–10:00 UTC).
fn request() -> ScheduleRequest {
    ScheduleRequest::scheduled(
        "+31201234567",
        "Europe/Amsterdam",
        d(2026, 1, 16),
        t(10, 0),
        t(11, 0),
        "Support",
    )
}

fn new_callback(req: &ScheduleRequest, now: DateTime<Utc>, existing: &[Callback], id: &str) -> Callback {
    match validate_request(req, &settings(), now, existing) {
        Ok(ValidatedCallback::New(new)) => new.into_callback(id, 1),
        other => panic!("expected a new callback, got {other:?}"),
    }
}

fn errors(req: &ScheduleRequest, now: DateTime<Utc>, existing: &[Callback]) -> Vec<CallbackValidationError> {
    match validate_request(req, &settings(), now, existing) {
        Err(errors) => errors,
        Ok(v) => panic!("expected errors, got {v:?}"),
    }
}

fn codes(req: &ScheduleRequest, now: DateTime<Utc>) -> Vec<CallbackErrorCode> {
    errors(req, now, &[]).iter().map(|e| e.code).collect()
}

fn only(req: &ScheduleRequest, now: DateTime<Utc>) -> CallbackValidationError {
    let mut errors = errors(req, now, &[]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.remove(0)
}

// ---- model -------------------------------------------------------------------------------------

#[test]
fn final_states_are_completed_cancelled_failed_expired() {
    let finals: Vec<State> = State::ALL.iter().copied().filter(|s| s.is_final()).collect();
    assert_eq!(finals, [State::Completed, State::Cancelled, State::Failed, State::Expired]);
}

#[test]
fn happy_path_moves_are_allowed() {
    use State::*;
    for (from, to) in [(Scheduled, Queued), (Queued, Routing), (Routing, Processing), (Processing, Completed)]
    {
        assert!(can_move(from, to), "{from} → {to}");
    }
}

#[test]
fn reject_or_offer_timeout_returns_routing_to_queued() {
    assert!(can_move(State::Routing, State::Queued));
}

#[test]
fn retry_returns_processing_to_queued_or_scheduled() {
    assert!(can_move(State::Processing, State::Queued));
    assert!(can_move(State::Processing, State::Scheduled));
}

#[test]
fn any_pending_state_can_be_cancelled_expired_or_failed() {
    for from in State::ALL.iter().copied().filter(|s| !s.is_final()) {
        for to in [State::Cancelled, State::Expired, State::Failed] {
            assert!(can_move(from, to), "{from} → {to}");
        }
    }
}

#[test]
fn final_states_never_move() {
    for from in State::ALL.iter().copied().filter(|s| s.is_final()) {
        for &to in State::ALL {
            assert!(!can_move(from, to), "{from} → {to}");
        }
    }
}

#[test]
fn shortcuts_are_not_allowed() {
    use State::*;
    for (from, to) in [
        (Scheduled, Routing),
        (Scheduled, Processing),
        (Scheduled, Completed),
        (Queued, Processing),
        (Queued, Completed),
        (Routing, Completed),
        (Queued, Scheduled),
        (Routing, Scheduled),
        (Queued, Queued),
    ] {
        assert!(!can_move(from, to), "{from} → {to}");
    }
}

#[test]
fn end_reason_strings_are_stable_snake_case() {
    let all: Vec<&str> = EndReason::ALL.iter().map(|r| r.as_str()).collect();
    for expected in [
        "completed",
        "cancelled_by_agent",
        "cancelled_by_customer",
        "cancelled_by_supervisor",
        "attempts_exhausted",
        "invalid_number",
        "ownership_expired",
        "window_missed",
        "inactive",
        "duplicate",
    ] {
        assert!(all.contains(&expected), "{expected}");
    }
    for &r in EndReason::ALL {
        assert_eq!(EndReason::parse(r.as_str()), Some(r));
        assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{}\"", r.as_str()));
        assert!(r.final_state().is_final());
    }
}

#[test]
fn position_serves_higher_priority_then_earlier_then_lower_seq() {
    let p = |priority, enqueued_at, seq| Position { priority, enqueued_at, seq };
    let mut v = [p(0, 5, 1), p(1, 9, 3), p(0, 5, 0), p(0, 1, 7)];
    v.sort_by_key(Position::queue_order);
    assert_eq!(v, [p(1, 9, 3), p(0, 1, 7), p(0, 5, 0), p(0, 5, 1)]);
}

#[test]
fn origin_converts_from_book_origin() {
    let flow = crate::callbacks::Origin::Flow { flow: "Main".into() };
    assert_eq!(model::Origin::from(flow), model::Origin::Flow { flow: "Main".into() });
    assert_eq!(model::Origin::from(crate::callbacks::Origin::Api), model::Origin::Api);
}

#[test]
fn callback_round_trips_through_json() {
    let cb = new_callback(&request(), now(), &[], "cb-1");
    let json = serde_json::to_string(&cb).unwrap();
    assert!(json.contains("\"window_start_utc\":\"2026-01-16T09:00:00.000000Z\""), "{json}");
    assert!(json.contains("\"schedule_date\":\"2026-01-16\""), "{json}");
    assert!(json.contains("\"window_start\":\"10:00:00\""), "{json}");
    let back: Callback = serde_json::from_str(&json).unwrap();
    assert_eq!(back, cb);
}

#[test]
fn error_round_trips_through_json_with_its_code() {
    let e = only(&ScheduleRequest { callback_number: Some("hello".into()), ..request() }, now());
    let json = serde_json::to_string(&e).unwrap();
    assert!(json.contains("\"code\":\"CB002\""), "{json}");
    assert!(json.contains("\"field\":\"callback_number\""), "{json}");
    assert_eq!(serde_json::from_str::<CallbackValidationError>(&json).unwrap(), e);
}

#[test]
fn error_codes_are_unique_and_numbered() {
    let all = CallbackErrorCode::ALL;
    for (i, c) in all.iter().enumerate() {
        assert_eq!(c.as_str(), format!("CB{:03}", i + 1));
        assert_eq!(CallbackErrorCode::parse(c.as_str()), Some(*c));
        assert!(!c.title().is_empty());
    }
}

// ---- numbers -----------------------------------------------------------------------------------

#[test]
fn number_with_spaces_is_normalised_to_e164() {
    assert_eq!(normalize_number("+31 20 123 4567", None).unwrap(), "+31201234567");
}

#[test]
fn national_number_uses_default_region() {
    assert_eq!(normalize_number("020 123 4567", Some("NL")).unwrap(), "+31201234567");
    assert_eq!(normalize_number("(408) 526-7209", Some("us")).unwrap(), "+14085267209");
}

#[test]
fn too_short_number_is_rejected() {
    let e = normalize_number("+3120123", None).unwrap_err();
    assert_eq!(e.code, CallbackErrorCode::InvalidNumber);
    assert_eq!(e.field, Field::CallbackNumber);
    assert!(e.message.contains("+3120123"), "{}", e.message);
}

#[test]
fn text_is_not_a_number() {
    assert_eq!(normalize_number("hello", None).unwrap_err().code, CallbackErrorCode::InvalidNumber);
}

#[test]
fn national_number_without_region_is_rejected() {
    assert_eq!(normalize_number("020 123 4567", None).unwrap_err().code, CallbackErrorCode::InvalidNumber);
}

#[test]
fn unknown_region_is_rejected() {
    let e = normalize_number("020 123 4567", Some("XX")).unwrap_err();
    assert!(e.message.contains("XX"), "{}", e.message);
}

#[test]
fn invalid_number_in_request_is_cb002() {
    let req = ScheduleRequest { callback_number: Some("+3120123".into()), ..request() };
    assert_eq!(codes(&req, now()), [CallbackErrorCode::InvalidNumber]);
}

#[test]
fn request_number_is_stored_in_e164() {
    let req = ScheduleRequest { callback_number: Some("+31 20 123 4567".into()), ..request() };
    assert_eq!(new_callback(&req, now(), &[], "a").callback_number, "+31201234567");
}

// ---- time zones --------------------------------------------------------------------------------

#[test]
fn unknown_zone_is_named_with_a_suggestion() {
    let e = resolve_local(d(2026, 1, 16), t(10, 0), "Europe/Amsterdm").unwrap_err();
    assert_eq!(e.code, CallbackErrorCode::UnknownTimeZone);
    assert_eq!(e.field, Field::Timezone);
    assert!(e.message.contains("Europe/Amsterdm"), "{}", e.message);
    assert_eq!(e.help.as_deref(), Some("did you mean `Europe/Amsterdam`?"));
}

#[test]
fn unknown_zone_in_request_is_cb003() {
    let req = ScheduleRequest { timezone: Some("Mars/Olympus".into()), ..request() };
    assert_eq!(codes(&req, now()), [CallbackErrorCode::UnknownTimeZone]);
}

#[test]
fn trap_004_new_york_14_00_is_19_00_utc_in_winter() {
    let (at, note) = resolve_local(d(2026, 1, 15), t(14, 0), "America/New_York").unwrap();
    assert_eq!(at, utc(2026, 1, 15, 19, 0));
    assert_eq!(note, None);
}

#[test]
fn trap_004_new_york_14_00_is_18_00_utc_in_summer() {
    let (at, _) = resolve_local(d(2026, 7, 15), t(14, 0), "America/New_York").unwrap();
    assert_eq!(at, utc(2026, 7, 15, 18, 0));
}

#[test]
fn trap_004_time_without_offset_and_zone_is_refused_not_read_as_utc() {
    let e = parse_instant("2026-01-15T14:00:00", None).unwrap_err();
    assert_eq!(e.code, CallbackErrorCode::TimeWithoutZone);
    assert!(e.message.contains("not read as UTC"), "{}", e.message);
}

#[test]
fn trap_004_time_without_offset_is_read_in_the_zone() {
    let (at, _) = parse_instant("2026-01-15T14:00:00", Some("America/New_York")).unwrap();
    assert_eq!(at, utc(2026, 1, 15, 19, 0));
}

#[test]
fn time_with_offset_is_that_instant() {
    assert_eq!(parse_instant("2026-01-15T14:00:00-05:00", None).unwrap().0, utc(2026, 1, 15, 19, 0));
    assert_eq!(
        parse_instant("2026-01-15T14:00:00Z", Some("America/New_York")).unwrap().0,
        utc(2026, 1, 15, 14, 0)
    );
}

#[test]
fn unreadable_time_is_cb017() {
    assert_eq!(parse_instant("tomorrow at two", None).unwrap_err().code, CallbackErrorCode::BadDateTime);
}

#[test]
fn amsterdam_spring_gap_names_the_missing_time() {
    let e = resolve_local(d(2026, 3, 29), t(2, 30), "Europe/Amsterdam").unwrap_err();
    assert_eq!(e.code, CallbackErrorCode::NonexistentLocalTime);
    assert_eq!(
        e.message,
        "02:30 on 2026-03-29 does not exist in Europe/Amsterdam: clocks go from 02:00 to 03:00"
    );
}

#[test]
fn amsterdam_gap_edges_exist() {
    assert_eq!(
        resolve_local(d(2026, 3, 29), t(1, 59), "Europe/Amsterdam").unwrap().0,
        utc(2026, 3, 29, 0, 59)
    );
    assert_eq!(resolve_local(d(2026, 3, 29), t(3, 0), "Europe/Amsterdam").unwrap().0, utc(2026, 3, 29, 1, 0));
    assert!(resolve_local(d(2026, 3, 29), t(2, 0), "Europe/Amsterdam").is_err());
}

#[test]
fn amsterdam_autumn_overlap_takes_the_earlier_offset_and_says_so() {
    let (at, note) = resolve_local(d(2026, 10, 25), t(2, 30), "Europe/Amsterdam").unwrap();
    assert_eq!(at, utc(2026, 10, 25, 0, 30));
    assert_eq!(
        note.as_deref(),
        Some("02:30 on 2026-10-25 happens twice in Europe/Amsterdam; the first (CEST, +02:00) was used")
    );
}

#[test]
fn amsterdam_01_30_on_the_autumn_day_is_not_ambiguous() {
    let (at, note) = resolve_local(d(2026, 10, 25), t(1, 30), "Europe/Amsterdam").unwrap();
    assert_eq!((at, note), (utc(2026, 10, 24, 23, 30), None));
}

#[test]
fn new_york_spring_gap_names_the_missing_time() {
    let e = resolve_local(d(2026, 3, 8), t(2, 30), "America/New_York").unwrap_err();
    assert_eq!(
        e.message,
        "02:30 on 2026-03-08 does not exist in America/New_York: clocks go from 02:00 to 03:00"
    );
}

#[test]
fn new_york_autumn_overlap_takes_edt() {
    let (at, note) = resolve_local(d(2026, 11, 1), t(1, 30), "America/New_York").unwrap();
    assert_eq!(at, utc(2026, 11, 1, 5, 30));
    assert_eq!(
        note.as_deref(),
        Some("01:30 on 2026-11-01 happens twice in America/New_York; the first (EDT, -04:00) was used")
    );
}

#[test]
fn sydney_april_overlap_takes_aedt() {
    // Southern hemisphere: summer time ends on the first Sunday of April.
    let (at, note) = resolve_local(d(2026, 4, 5), t(2, 30), "Australia/Sydney").unwrap();
    assert_eq!(at, utc(2026, 4, 4, 15, 30));
    assert_eq!(
        note.as_deref(),
        Some("02:30 on 2026-04-05 happens twice in Australia/Sydney; the first (AEDT, +11:00) was used")
    );
}

#[test]
fn sydney_october_gap_names_the_missing_time() {
    let e = resolve_local(d(2026, 10, 4), t(2, 30), "Australia/Sydney").unwrap_err();
    assert_eq!(
        e.message,
        "02:30 on 2026-10-04 does not exist in Australia/Sydney: clocks go from 02:00 to 03:00"
    );
}

#[test]
fn kolkata_has_no_gap_or_overlap() {
    for date in
        [d(2026, 3, 29), d(2026, 10, 25), d(2026, 3, 8), d(2026, 11, 1), d(2026, 4, 5), d(2026, 10, 4)]
    {
        for h in 0..24 {
            let (at, note) = resolve_local(date, t(h, 30), "Asia/Kolkata").unwrap();
            assert_eq!(at, date.and_time(t(h, 30)).and_utc() - Duration::minutes(330));
            assert_eq!(note, None);
        }
    }
}

#[test]
fn request_with_window_start_in_gap_is_cb004_on_window_start() {
    let now = utc(2026, 3, 20, 12, 0);
    let req = ScheduleRequest {
        schedule_date: Some(d(2026, 3, 29)),
        window_start: Some(t(2, 30)),
        window_end: Some(t(4, 0)),
        ..request()
    };
    let e = only(&req, now);
    assert_eq!((e.code, e.field), (CallbackErrorCode::NonexistentLocalTime, Field::WindowStart));
}

#[test]
fn request_with_window_end_in_gap_is_cb004_on_window_end() {
    let now = utc(2026, 3, 20, 12, 0);
    let req = ScheduleRequest {
        schedule_date: Some(d(2026, 3, 29)),
        window_start: Some(t(1, 0)),
        window_end: Some(t(2, 15)),
        ..request()
    };
    let e = only(&req, now);
    assert_eq!((e.code, e.field), (CallbackErrorCode::NonexistentLocalTime, Field::WindowEnd));
}

#[test]
fn request_in_overlap_records_the_dst_note() {
    let now = utc(2026, 10, 20, 12, 0);
    let req = ScheduleRequest {
        schedule_date: Some(d(2026, 10, 25)),
        window_start: Some(t(2, 30)),
        window_end: Some(t(4, 0)),
        ..request()
    };
    let cb = new_callback(&req, now, &[], "a");
    assert!(cb.dst_note.as_deref().unwrap().contains("the first (CEST, +02:00) was used"));
    let s = cb.schedule.unwrap();
    // 02:30 CEST → 04:00 CET is 2 h 30 min of real time.
    assert_eq!(s.window_end_utc - s.window_start_utc, Duration::minutes(150));
}

#[test]
fn request_without_overlap_has_no_note() {
    assert_eq!(new_callback(&request(), now(), &[], "a").dst_note, None);
}

#[test]
fn stored_window_keeps_local_times_zone_and_utc() {
    let s = new_callback(&request(), now(), &[], "a").schedule.unwrap();
    assert_eq!(s.timezone, "Europe/Amsterdam");
    assert_eq!((s.schedule_date, s.window_start, s.window_end), (d(2026, 1, 16), t(10, 0), t(11, 0)));
    assert_eq!((s.window_start_utc, s.window_end_utc), (utc(2026, 1, 16, 9, 0), utc(2026, 1, 16, 10, 0)));
}

#[test]
fn dispatch_recomputes_utc_from_local_time_and_zone() {
    let mut cb = new_callback(&request(), now(), &[], "a");
    // Pretend the instants were computed under other rules: dispatch trusts local + zone.
    let s = cb.schedule.as_mut().unwrap();
    s.window_start_utc = utc(2026, 1, 16, 10, 0);
    s.window_end_utc = utc(2026, 1, 16, 11, 0);
    assert_eq!(utc_window_at_dispatch(&cb), Some((utc(2026, 1, 16, 9, 0), utc(2026, 1, 16, 10, 0))));
}

#[test]
fn dispatch_moves_a_time_that_fell_into_a_gap_forward() {
    let mut cb = new_callback(&request(), now(), &[], "a");
    let s = cb.schedule.as_mut().unwrap();
    s.schedule_date = d(2026, 3, 29);
    s.window_start = t(2, 30);
    s.window_end = t(4, 0);
    // 02:30 with the pre-gap offset (+01:00) is 01:30 UTC = 03:30 CEST.
    assert_eq!(utc_window_at_dispatch(&cb), Some((utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 2, 0))));
}

#[test]
fn dispatch_falls_back_to_stored_instants_for_an_unknown_zone() {
    let mut cb = new_callback(&request(), now(), &[], "a");
    cb.schedule.as_mut().unwrap().timezone = "Gone/Zone".into();
    assert_eq!(utc_window_at_dispatch(&cb), cb.stored_utc_window());
}

#[test]
fn dispatch_of_unscheduled_callback_is_none() {
    let req = ScheduleRequest {
        callback_type: CallbackType::InQueue,
        callback_number: Some("+31201234567".into()),
        queue: Some("Support".into()),
        ..ScheduleRequest::default()
    };
    let cb = new_callback(&req, now(), &[], "a");
    assert_eq!(cb.state, State::Queued);
    assert_eq!(utc_window_at_dispatch(&cb), None);
}

// ---- required fields ---------------------------------------------------------------------------

#[test]
fn empty_scheduled_request_reports_every_missing_field() {
    let errs = errors(&ScheduleRequest::default(), now(), &[]);
    let fields: Vec<Field> = errs.iter().map(|e| e.field).collect();
    assert!(errs.iter().all(|e| e.code == CallbackErrorCode::MissingField), "{errs:#?}");
    assert_eq!(
        fields,
        [
            Field::CallbackNumber,
            Field::Queue,
            Field::Timezone,
            Field::ScheduleDate,
            Field::WindowStart,
            Field::WindowEnd
        ]
    );
}

#[test]
fn blank_strings_count_as_missing() {
    let req = ScheduleRequest { callback_number: Some("  ".into()), queue: Some(String::new()), ..request() };
    let errs = errors(&req, now(), &[]);
    assert_eq!(
        errs.iter().map(|e| (e.code, e.field)).collect::<Vec<_>>(),
        [
            (CallbackErrorCode::MissingField, Field::CallbackNumber),
            (CallbackErrorCode::MissingField, Field::Queue)
        ]
    );
}

#[test]
fn in_queue_callback_needs_no_schedule() {
    let req = ScheduleRequest {
        callback_type: CallbackType::InQueue,
        callback_number: Some("+31201234567".into()),
        queue: Some("Support".into()),
        ..ScheduleRequest::default()
    };
    assert!(validate_request(&req, &settings(), now(), &[]).is_ok());
}

#[test]
fn in_queue_callback_with_part_of_a_schedule_needs_all_of_it() {
    let req = ScheduleRequest {
        callback_type: CallbackType::InQueue,
        callback_number: Some("+31201234567".into()),
        queue: Some("Support".into()),
        schedule_date: Some(d(2026, 1, 16)),
        ..ScheduleRequest::default()
    };
    let fields: Vec<Field> = errors(&req, now(), &[]).iter().map(|e| e.field).collect();
    assert_eq!(fields, [Field::Timezone, Field::WindowStart, Field::WindowEnd]);
}

#[test]
fn in_queue_callback_inherits_the_callers_position() {
    let caller = Position { priority: 5, enqueued_at: 42, seq: 9 };
    let req = ScheduleRequest {
        callback_type: CallbackType::InQueue,
        callback_number: Some("+31201234567".into()),
        queue: Some("Support".into()),
        inherit_position: Some(caller),
        ..ScheduleRequest::default()
    };
    assert_eq!(new_callback(&req, now(), &[], "a").position, caller);
}

#[test]
fn new_callback_gets_id_seq_and_enqueue_time_from_now() {
    let cb = new_callback(&request(), now(), &[], "cb-7");
    assert_eq!(cb.id, "cb-7");
    assert_eq!(cb.position, Position { priority: 0, enqueued_at: now().timestamp_micros(), seq: 1 });
    assert_eq!((cb.created_at, cb.updated_at), (now(), now()));
    assert_eq!((cb.state, cb.end_reason, cb.attempts_made), (State::Scheduled, None, 0));
    assert_eq!((cb.max_attempts, cb.retry_interval_secs), (3, 300));
}

#[test]
fn customer_name_defaults_to_the_number() {
    let req = ScheduleRequest { callback_number: Some("+31 20 123 4567".into()), ..request() };
    assert_eq!(new_callback(&req, now(), &[], "a").customer_name, "+31201234567");
}

#[test]
fn customer_name_is_kept_when_given() {
    let req = ScheduleRequest { customer_name: Some("Ada".into()), ..request() };
    assert_eq!(new_callback(&req, now(), &[], "a").customer_name, "Ada");
}

#[test]
fn agent_owned_callback_needs_an_owner() {
    let req = ScheduleRequest { callback_type: CallbackType::AgentOwned, ..request() };
    assert_eq!(codes(&req, now()), [CallbackErrorCode::OwnerRequired]);
    let owned = ScheduleRequest { owner: Some("alice".into()), ..req };
    assert_eq!(new_callback(&owned, now(), &[], "a").owner.as_deref(), Some("alice"));
}

#[test]
fn attempts_outside_1_to_20_are_cb012() {
    let req = |n| ScheduleRequest { max_attempts: Some(n), ..request() };
    assert_eq!(codes(&req(0), now()), [CallbackErrorCode::AttemptsOutOfBounds]);
    assert_eq!(codes(&req(21), now()), [CallbackErrorCode::AttemptsOutOfBounds]);
    assert_eq!(new_callback(&req(1), now(), &[], "a").max_attempts, 1);
    assert_eq!(new_callback(&req(20), now(), &[], "a").max_attempts, 20);
}

#[test]
fn retry_interval_above_24_hours_is_cb013() {
    let req = |s| ScheduleRequest { retry_interval_secs: Some(s), ..request() };
    assert_eq!(codes(&req(24 * 3600 + 1), now()), [CallbackErrorCode::RetryIntervalOutOfBounds]);
    assert_eq!(codes(&req(0), now()), [CallbackErrorCode::RetryIntervalOutOfBounds]);
    assert_eq!(new_callback(&req(24 * 3600), now(), &[], "a").retry_interval_secs, 24 * 3600);
}

#[test]
fn many_problems_are_reported_together() {
    let req = ScheduleRequest {
        callback_number: Some("hello".into()),
        window_start: Some(t(11, 0)),
        window_end: Some(t(10, 0)),
        max_attempts: Some(99),
        ..request()
    };
    assert_eq!(
        codes(&req, now()),
        [
            CallbackErrorCode::InvalidNumber,
            CallbackErrorCode::WindowReversed,
            CallbackErrorCode::AttemptsOutOfBounds
        ]
    );
}

// ---- lead time ---------------------------------------------------------------------------------

/// A request whose window starts `lead` after `now()` (Amsterdam, winter: UTC+1) and lasts 1 h.
fn starting_in(lead: Duration) -> ScheduleRequest {
    let start = (now() + lead).with_timezone(&chrono_tz::Europe::Amsterdam).naive_local();
    ScheduleRequest {
        schedule_date: Some(start.date()),
        window_start: Some(start.time()),
        window_end: Some(start.time() + Duration::hours(1)),
        ..request()
    }
}

#[test]
fn lead_of_exactly_30_minutes_is_accepted() {
    assert!(validate_request(&starting_in(Duration::minutes(30)), &settings(), now(), &[]).is_ok());
}

#[test]
fn lead_of_29_minutes_is_cb005() {
    let e = only(&starting_in(Duration::minutes(29)), now());
    assert_eq!((e.code, e.field), (CallbackErrorCode::TooSoon, Field::WindowStart));
    assert!(e.message.contains("29 minutes"), "{}", e.message);
}

#[test]
fn window_in_the_past_is_cb005() {
    let e = only(&starting_in(Duration::hours(-2)), now());
    assert_eq!(e.code, CallbackErrorCode::TooSoon);
    assert!(e.message.contains("in the past"), "{}", e.message);
}

#[test]
fn lead_follows_the_queue_setting() {
    let s = CallbackSettings { min_lead_secs: 0, ..settings() };
    assert!(validate_request(&starting_in(Duration::minutes(1)), &s, now(), &[]).is_ok());
}

// ---- days ahead --------------------------------------------------------------------------------

fn on(date: NaiveDate) -> ScheduleRequest {
    ScheduleRequest { schedule_date: Some(date), ..request() }
}

#[test]
fn thirty_days_ahead_is_accepted() {
    assert!(validate_request(&on(d(2026, 2, 14)), &settings(), now(), &[]).is_ok());
}

#[test]
fn thirty_one_days_ahead_is_cb006_by_default() {
    let e = only(&on(d(2026, 2, 15)), now());
    assert_eq!((e.code, e.field), (CallbackErrorCode::TooFarAhead, Field::ScheduleDate));
    assert!(e.message.contains("31 days"), "{}", e.message);
    assert_eq!(e.help.as_deref(), Some("pick 2026-02-14 or earlier"));
}

#[test]
fn thirty_one_days_ahead_is_accepted_with_webex_setting() {
    let s = CallbackSettings { max_days_ahead: 31, ..settings() };
    assert!(validate_request(&on(d(2026, 2, 15)), &s, now(), &[]).is_ok());
}

#[test]
fn days_ahead_count_on_the_customers_calendar() {
    // 2026-01-15 20:00 UTC is already 2026-01-16 in Sydney: day 30 there is 2026-02-15.
    let now = utc(2026, 1, 15, 20, 0);
    let req = ScheduleRequest { timezone: Some("Australia/Sydney".into()), ..on(d(2026, 2, 15)) };
    assert!(validate_request(&req, &settings(), now, &[]).is_ok());
    let req = ScheduleRequest { timezone: Some("Australia/Sydney".into()), ..on(d(2026, 2, 16)) };
    assert_eq!(codes(&req, now), [CallbackErrorCode::TooFarAhead]);
}

// ---- window length -----------------------------------------------------------------------------

fn window(start: NaiveTime, end: NaiveTime) -> ScheduleRequest {
    ScheduleRequest { window_start: Some(start), window_end: Some(end), ..request() }
}

#[test]
fn window_of_30_minutes_is_accepted() {
    assert!(validate_request(&window(t(10, 0), t(10, 30)), &settings(), now(), &[]).is_ok());
}

#[test]
fn window_of_29_minutes_is_cb008() {
    let e = only(&window(t(10, 0), t(10, 29)), now());
    assert_eq!((e.code, e.field), (CallbackErrorCode::WindowTooShort, Field::WindowEnd));
}

#[test]
fn window_of_8_hours_is_accepted() {
    assert!(validate_request(&window(t(9, 0), t(17, 0)), &settings(), now(), &[]).is_ok());
}

#[test]
fn window_of_8_hours_1_minute_is_cb009() {
    let e = only(&window(t(9, 0), t(17, 1)), now());
    assert_eq!(e.code, CallbackErrorCode::WindowTooLong);
    assert!(e.message.contains("8 hours 1 minute"), "{}", e.message);
}

#[test]
fn window_ending_before_it_starts_is_cb007() {
    assert_eq!(codes(&window(t(11, 0), t(10, 0)), now()), [CallbackErrorCode::WindowReversed]);
}

#[test]
fn empty_window_is_cb007() {
    assert_eq!(codes(&window(t(10, 0), t(10, 0)), now()), [CallbackErrorCode::WindowReversed]);
}

#[test]
fn window_length_is_real_time_across_a_clock_change() {
    // On the spring day 01:30 CET → 03:15 CEST is 45 real minutes, not 1 h 45 min.
    let now = utc(2026, 3, 20, 12, 0);
    let req = ScheduleRequest {
        schedule_date: Some(d(2026, 3, 29)),
        window_start: Some(t(1, 30)),
        window_end: Some(t(3, 15)),
        ..request()
    };
    assert!(validate_request(&req, &settings(), now, &[]).is_ok());
    let req = ScheduleRequest { window_end: Some(t(2, 59)), ..req };
    assert_eq!(codes(&req, now), [CallbackErrorCode::NonexistentLocalTime]);
    let req = ScheduleRequest { window_start: Some(t(1, 50)), window_end: Some(t(3, 15)), ..req };
    // 01:50 CET → 03:15 CEST is 25 real minutes.
    assert_eq!(codes(&req, now), [CallbackErrorCode::WindowTooShort]);
}

/// The last slot of a day (23:30 to midnight) is 30 minutes: its end, 23:59:59 on the day, stands
/// for midnight. 23:31 to midnight is still too short.
#[test]
fn a_window_to_midnight_counts_its_last_second() {
    let now = utc(2026, 3, 20, 12, 0);
    let midnight = NaiveTime::from_hms_opt(23, 59, 59).unwrap();
    let req = ScheduleRequest {
        schedule_date: Some(d(2026, 3, 24)),
        window_start: Some(t(23, 30)),
        window_end: Some(midnight),
        ..request()
    };
    assert!(validate_request(&req, &settings(), now, &[]).is_ok());
    let req = ScheduleRequest { window_start: Some(t(23, 31)), ..req };
    assert_eq!(codes(&req, now), [CallbackErrorCode::WindowTooShort]);
    // A requested moment in the day's last second: its window, cut at midnight, is that second.
    let req = ScheduleRequest { window_start: Some(midnight), implied_window: true, ..req };
    assert!(validate_request(&req, &settings(), now, &[]).is_ok(), "{:?}", codes(&req, now));
    // A window given as starting and ending then still ends where it starts.
    let req = ScheduleRequest { implied_window: false, ..req };
    assert_eq!(codes(&req, now), [CallbackErrorCode::WindowReversed]);
}

// ---- duplicates --------------------------------------------------------------------------------

/// A pending callback for +31201234567 whose window starts at `start`.
fn pending_at(id: &str, start: DateTime<Utc>) -> Callback {
    let local = start.with_timezone(&chrono_tz::Europe::Amsterdam).naive_local();
    let req = ScheduleRequest {
        schedule_date: Some(local.date()),
        window_start: Some(local.time()),
        window_end: Some(local.time() + Duration::hours(1)),
        ..request()
    };
    new_callback(&req, now(), &[], id)
}

#[test]
fn duplicate_within_48_hours_is_refused_with_the_existing_id() {
    let existing = [pending_at("cb-1", utc(2026, 1, 17, 9, 0))];
    let errs = errors(&request(), now(), &existing);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!((errs[0].code, errs[0].field), (CallbackErrorCode::Duplicate, Field::CallbackNumber));
    assert_eq!(errs[0].existing_id.as_deref(), Some("cb-1"));
    assert!(errs[0].message.contains("cb-1"), "{}", errs[0].message);
}

#[test]
fn duplicate_is_found_whatever_way_the_number_was_written() {
    let existing = [pending_at("cb-1", utc(2026, 1, 17, 9, 0))];
    let req = ScheduleRequest {
        callback_number: Some("020 123 4567".into()),
        default_region: Some("NL".into()),
        ..request()
    };
    assert_eq!(errors(&req, now(), &existing)[0].code, CallbackErrorCode::Duplicate);
}

#[test]
fn duplicate_at_exactly_48_hours_is_refused_and_just_after_is_allowed() {
    // The request starts 2026-01-16 09:00 UTC.
    let at_edge = [pending_at("cb-1", utc(2026, 1, 18, 9, 0))];
    assert_eq!(errors(&request(), now(), &at_edge)[0].code, CallbackErrorCode::Duplicate);
    let beyond = [pending_at("cb-1", utc(2026, 1, 18, 9, 1))];
    assert!(validate_request(&request(), &settings(), now(), &beyond).is_ok());
}

#[test]
fn duplicate_is_allowed_with_force() {
    let existing = [pending_at("cb-1", utc(2026, 1, 17, 9, 0))];
    let req = ScheduleRequest { force: true, ..request() };
    assert!(validate_request(&req, &settings(), now(), &existing).is_ok());
}

#[test]
fn duplicate_rule_ignores_final_callbacks() {
    let mut done = pending_at("cb-1", utc(2026, 1, 17, 9, 0));
    done.state = State::Completed;
    done.end_reason = Some(EndReason::Completed);
    assert!(validate_request(&request(), &settings(), now(), &[done]).is_ok());
}

#[test]
fn duplicate_rule_ignores_other_numbers() {
    let mut other = pending_at("cb-1", utc(2026, 1, 17, 9, 0));
    other.callback_number = "+14085267209".into();
    assert!(validate_request(&request(), &settings(), now(), &[other]).is_ok());
}

#[test]
fn pending_unscheduled_callback_counts_as_due_now() {
    let req = ScheduleRequest {
        callback_type: CallbackType::InQueue,
        callback_number: Some("+31201234567".into()),
        queue: Some("Support".into()),
        ..ScheduleRequest::default()
    };
    let queued = new_callback(&req, now(), &[], "cb-1");
    // The new request starts 21 h from now: within 48 h of "now".
    assert_eq!(errors(&request(), now(), &[queued])[0].existing_id.as_deref(), Some("cb-1"));
}

#[test]
fn duplicate_window_of_zero_turns_the_rule_off() {
    let existing = [pending_at("cb-1", utc(2026, 1, 16, 9, 0))];
    let s = CallbackSettings { duplicate_window_secs: 0, ..settings() };
    assert!(validate_request(&request(), &s, now(), &existing).is_ok());
}

// ---- idempotency -------------------------------------------------------------------------------

#[test]
fn idempotency_key_returns_the_same_callback() {
    let req = ScheduleRequest { idempotency_key: Some("req-1".into()), ..request() };
    let first = new_callback(&req, now(), &[], "cb-1");
    assert_eq!(first.idempotency_key.as_deref(), Some("req-1"));
    let retry =
        validate_request(&req, &settings(), now() + Duration::seconds(5), std::slice::from_ref(&first));
    assert_eq!(retry, Ok(ValidatedCallback::Existing(first)));
}

#[test]
fn idempotency_key_wins_over_the_duplicate_rule_and_the_clock() {
    let req = ScheduleRequest { idempotency_key: Some("req-1".into()), ..request() };
    let first = new_callback(&req, now(), &[], "cb-1");
    // A day later the lead time would fail; the retry still gets the original.
    let later = now() + Duration::days(1);
    match validate_request(&req, &settings(), later, std::slice::from_ref(&first)) {
        Ok(ValidatedCallback::Existing(cb)) => assert_eq!(cb.id, "cb-1"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn different_idempotency_key_is_a_new_request() {
    let first =
        new_callback(&ScheduleRequest { idempotency_key: Some("a".into()), ..request() }, now(), &[], "cb-1");
    let req = ScheduleRequest { idempotency_key: Some("b".into()), ..request() };
    assert_eq!(errors(&req, now(), &[first])[0].code, CallbackErrorCode::Duplicate);
}

// ---- edits -------------------------------------------------------------------------------------

fn owned(owner: Option<&str>) -> Callback {
    let mut cb = new_callback(&request(), now(), &[], "cb-1");
    cb.owner = owner.map(str::to_string);
    cb
}

#[test]
fn owned_callback_edit_is_refused_within_15_minutes() {
    // The window starts 2026-01-16 09:00 UTC.
    let e = check_edit(&owned(Some("alice")), utc(2026, 1, 16, 8, 46)).unwrap_err();
    assert_eq!((e.code, e.field), (CallbackErrorCode::EditFrozen, Field::WindowStart));
    assert!(e.message.contains("alice"), "{}", e.message);
}

#[test]
fn owned_callback_edit_is_allowed_exactly_15_minutes_before() {
    assert!(check_edit(&owned(Some("alice")), utc(2026, 1, 16, 8, 45)).is_ok());
}

#[test]
fn owned_callback_edit_is_refused_once_the_window_started() {
    assert_eq!(
        check_edit(&owned(Some("alice")), utc(2026, 1, 16, 9, 30)).unwrap_err().code,
        CallbackErrorCode::EditFrozen
    );
}

#[test]
fn unowned_callback_can_be_edited_close_to_its_time() {
    assert!(check_edit(&owned(None), utc(2026, 1, 16, 8, 59)).is_ok());
}

#[test]
fn ended_callback_cannot_be_edited() {
    let mut cb = owned(None);
    cb.state = State::Cancelled;
    cb.end_reason = Some(EndReason::CancelledBySupervisor);
    let e = check_edit(&cb, now()).unwrap_err();
    assert_eq!(e.code, CallbackErrorCode::AlreadyEnded);
    assert!(e.message.contains("cancelled_by_supervisor"), "{}", e.message);
}

// ---- inactive ----------------------------------------------------------------------------------

fn undated() -> Callback {
    let req = ScheduleRequest {
        callback_type: CallbackType::InQueue,
        callback_number: Some("+31201234567".into()),
        queue: Some("Support".into()),
        ..ScheduleRequest::default()
    };
    new_callback(&req, now(), &[], "cb-1")
}

#[test]
fn undated_callback_is_inactive_after_14_days() {
    assert!(inactive(&undated(), now() + Duration::days(14), &settings()));
}

#[test]
fn undated_callback_is_active_just_before_14_days() {
    assert!(!inactive(&undated(), now() + Duration::days(14) - Duration::seconds(1), &settings()));
}

#[test]
fn an_update_restarts_the_inactivity_clock() {
    let mut cb = undated();
    cb.updated_at = now() + Duration::days(10);
    assert!(!inactive(&cb, now() + Duration::days(20), &settings()));
    assert!(inactive(&cb, now() + Duration::days(24), &settings()));
}

#[test]
fn dated_callback_is_never_inactive() {
    assert!(!inactive(&owned(None), now() + Duration::days(60), &settings()));
}

#[test]
fn final_callback_is_not_inactive() {
    let mut cb = undated();
    cb.state = State::Completed;
    assert!(!inactive(&cb, now() + Duration::days(60), &settings()));
}
