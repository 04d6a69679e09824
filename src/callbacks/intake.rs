//! The boundary between flows and the callback subsystem: a Create Callback node hands a
//! [`CallbackRequest`] here, and it is validated by the same CB rules
//! ([`validate_request`](super::validate_request)) as a
//! callback scheduled from the CLI, with the run's clock as "now".

use super::model::{Callback, CallbackType};
use super::validate::{
    CallbackErrorCode, CallbackValidationError, Field, ScheduleRequest, ValidatedCallback, end_on_start_day,
    request_number, validate_normalized,
};
use crate::fast_hash::FastMap;
use crate::model::CallbackMode;
use crate::model::center::CallbackSettings;
use chrono::{DateTime, NaiveDateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallbackId(pub u64);

impl CallbackId {
    /// Whether `text` is this id as [`Display`](std::fmt::Display) writes it (`cb-7`), read
    /// without writing the id out: settling a callback formatted one per call (0.5% of acme
    /// x100).
    pub fn is(self, text: &str) -> bool {
        let Some(n) = text.strip_prefix("cb-") else { return false };
        // Only the digits `Display` writes: no sign, no leading zero.
        let canonical =
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n == "0" || !n.starts_with('0'));
        canonical && n.parse::<u64>() == Ok(self.0)
    }

    /// The id as [`Display`](std::fmt::Display) writes it (`cb-7`), without `format!`: the
    /// formatting machinery cost more than the rest of naming a flow's callback.
    pub fn text(self) -> String {
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(self.0);
        let mut text = String::with_capacity(3 + digits.len());
        text.push_str("cb-");
        text.push_str(digits);
        text
    }
}

impl std::fmt::Display for CallbackId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cb-{}", self.0)
    }
}

/// Where a callback came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Flow { flow: String },
    Agent { agent: String },
    Api,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallbackRequest {
    pub number: String,
    /// `number` is already valid E.164 as the validation would write it (the caller's own number,
    /// when the call says so: `CallSpec::ani_is_e164`), so it is not parsed again.
    pub number_is_e164: bool,
    pub name: String,
    pub queue: String,
    pub at: Option<NaiveDateTime>,
    pub window: Option<(NaiveDateTime, NaiveDateTime)>,
    pub timezone: Option<String>,
    pub attempts: i64,
    pub retry_every_secs: i64,
    pub mode: CallbackMode,
    pub owner: Option<String>,
    pub data: std::collections::BTreeMap<String, String>,
    pub origin: Origin,
    /// In an in-queue flow the callback takes over the caller's place in the queue.
    pub keeps_position: bool,
    /// Booked by the outbound call serving this callback: left out of the duplicate rule, so
    /// the flow can book the customer's next callback while this one is still being served.
    pub serving: Option<CallbackId>,
}

/// Why a flow's callback was not created.
#[derive(Debug, Clone, PartialEq)]
pub enum CallbackError {
    /// The queue is not one of the run's.
    UnknownQueue(String),
    /// The callback breaks the CB rules (the same codes the CLI and the API give).
    Rules(Vec<CallbackValidationError>),
}

impl CallbackError {
    /// The first rule code, e.g. `CB006`, for traces and flow tests.
    pub fn code(&self) -> Option<CallbackErrorCode> {
        match self {
            CallbackError::UnknownQueue(_) => None,
            CallbackError::Rules(errors) => errors.first().map(|e| e.code),
        }
    }
}

impl std::fmt::Display for CallbackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallbackError::UnknownQueue(q) => write!(f, "unknown queue {q}"),
            CallbackError::Rules(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{}: {}", e.code, e.message)?;
                }
                Ok(())
            }
        }
    }
}

impl Default for CallbackIntake {
    fn default() -> Self {
        CallbackIntake { next: 0, keep_history: true, pending: FastMap::default(), created: Vec::new() }
    }
}

/// A flow's request in the shape every creator uses: `at T` is a window from T lasting the
/// queue's `window_min`, `window A to B` that window on A's date, in the callback's zone or the
/// call's; without either the callback is due now.
pub fn schedule_request(
    req: &CallbackRequest,
    settings: &CallbackSettings,
    call_zone: &str,
) -> ScheduleRequest {
    ScheduleRequest { data: req.data.clone(), ..request_without_data(req, &req.data, settings, call_zone) }
}

/// [`schedule_request`] with empty `data`, for the intake, which validates the request and keeps
/// the callback only for the duplicate rule: neither reads the data, and copying a map for each
/// was two of the five copies a flow's callback made of it. `data` is the request's, read for
/// whether it is a campaign's.
fn request_without_data(
    req: &CallbackRequest,
    data: &std::collections::BTreeMap<String, String>,
    settings: &CallbackSettings,
    call_zone: &str,
) -> ScheduleRequest {
    let window = match (req.window, req.at) {
        (Some(w), _) => Some(w),
        (None, Some(at)) => Some((at, at + chrono::Duration::seconds(settings.window_min_secs))),
        (None, None) => None,
    };
    let scheduled = window.is_some();
    ScheduleRequest {
        callback_type: match CallbackType::for_request(scheduled, req.owner.is_some()) {
            // Booked with a time for a campaign's contact (a "call me later" in the campaign's
            // outbound flow): a campaign callback, for any agent of the campaign.
            CallbackType::Scheduled if data.contains_key("campaign") => CallbackType::Campaign,
            t => t,
        },
        origin: req.origin.clone().into(),
        callback_number: Some(req.number.clone()),
        customer_name: Some(req.name.clone()),
        timezone: scheduled.then(|| req.timezone.clone().unwrap_or_else(|| call_zone.to_string())),
        schedule_date: window.map(|w| w.0.date()),
        window_start: window.map(|w| w.0.time()),
        window_end: window.map(|(a, b)| end_on_start_day(a, b)),
        queue: Some(req.queue.clone()),
        owner: req.owner.clone(),
        max_attempts: Some(req.attempts),
        retry_interval_secs: Some(req.retry_every_secs),
        implied_window: req.window.is_none() && req.at.is_some(),
        ..ScheduleRequest::default()
    }
}

/// Callbacks created by flows during a run: the flow's end of the one create → validate → store
/// pipeline. Every request goes through [`validate_request`](super::validate_request)'s rules with
/// its queue's settings and the run's clock, so a flow's callback obeys every CB rule the CLI's
/// does, with the same code.
#[derive(Debug)]
pub struct CallbackIntake {
    next: u64,
    /// Keep every request (run, tests); a long simulation turns this off so memory stays flat.
    pub keep_history: bool,
    /// Pending callbacks by E.164 number, for the duplicate rule (CB010), without their data
    /// (the rule does not read it). Hashed, not ordered: only looked up by number, never walked,
    /// and a `BTreeMap` of thousands of pending numbers compared ~60 strings per created callback
    /// (7% of acme x100). FxHash is enough: the keys are validated E.164 numbers, one per
    /// callback a call asked for.
    pending: FastMap<String, Vec<Callback>>,
    pub created: Vec<(CallbackId, CallbackRequest)>,
}

impl CallbackIntake {
    /// Validates `req` against the CB rules and records it; answers its id and the number in E.164.
    ///
    /// `now` is the run's clock; `call_zone` the zone of a time written without `timezone`. A flow's
    /// `at T` is a window from T lasting the queue's `window_min`; `window A to B` is that window
    /// (on A's date). Without either the callback is due now, and only the number, owner, attempts,
    /// retry and duplicate rules apply.
    ///
    /// The request is borrowed: the flow hands the same record on to the callback's lifecycle,
    /// and only a run that keeps its history copies it (two copies of its strings and data per
    /// callback were a tenth of creating one).
    pub fn create(
        &mut self,
        req: &CallbackRequest,
        settings: &CallbackSettings,
        now: DateTime<Utc>,
        call_zone: &str,
    ) -> Result<(CallbackId, String), CallbackError> {
        let request = request_without_data(req, &req.data, settings, call_zone);
        // Only callbacks for the same number can be duplicates: look them up by the normalised
        // number, normalised once and handed to the validation, which reports one that does not
        // normalise.
        let number = match req.number_is_e164 {
            true => Some(Ok(req.number.clone())),
            false => request_number(&request),
        };
        let mut existing: &[Callback] = number
            .as_ref()
            .and_then(|n| n.as_ref().ok())
            .and_then(|n| self.pending.get(n))
            .map_or(&[], Vec::as_slice);
        let others: Vec<Callback>;
        if let Some(serving) = req.serving.map(|id| id.to_string()) {
            others = existing.iter().filter(|c| c.id != serving).cloned().collect();
            existing = &others;
        }
        let new = match validate_normalized(&request, settings, now, existing, number) {
            Ok(ValidatedCallback::New(new)) => new,
            // Flows send no idempotency key.
            Ok(ValidatedCallback::Existing(c)) => return Err(CallbackError::Rules(vec![duplicate_of(&c)])),
            Err(errors) => return Err(CallbackError::Rules(errors)),
        };
        self.next += 1;
        let id = CallbackId(self.next);
        let callback = new.into_callback(id.text(), self.next);
        let number = callback.callback_number.clone();
        if self.keep_history {
            let mut kept = req.clone();
            if kept.name.is_empty() {
                kept.name = number.clone();
            }
            kept.number = number.clone();
            self.created.push((id, kept));
        }
        // Room for one: a number nearly always has one pending callback, and an empty `Vec`'s
        // first push makes room for four records of half a kilobyte.
        self.pending.entry(number.clone()).or_insert_with(|| Vec::with_capacity(1)).push(callback);
        Ok((id, number))
    }

    /// How many callbacks flows created.
    pub fn count(&self) -> u64 {
        self.next
    }

    /// The callback `id` for `number` (E.164, as [`create`](Self::create) answered it) ended or was
    /// never handed over: the number is free for a new one.
    pub fn settle(&mut self, id: CallbackId, number: &str) {
        if let Some(list) = self.pending.get_mut(number) {
            list.retain(|c| !id.is(&c.id));
            if list.is_empty() {
                self.pending.remove(number);
            }
        }
    }
}

fn duplicate_of(c: &Callback) -> CallbackValidationError {
    CallbackValidationError::new(
        CallbackErrorCode::Duplicate,
        Field::CallbackNumber,
        format!("callback {} for {} is already pending", c.id, c.callback_number),
    )
}

#[cfg(test)]
mod callback_id_tests {
    use super::CallbackId;

    /// `is` answers exactly what comparing with the written id would.
    #[test]
    fn is_agrees_with_the_written_id() {
        let ids = [0, 1, 7, 10, 99, 100, 12_345, u64::MAX];
        let texts =
            ["cb-", "cb-+7", "cb-07", "cb-00", "cb-7 ", "cb7", "CB-7", "cb--7", "cb-18446744073709551616"];
        for id in ids.map(CallbackId) {
            for other in ids.map(CallbackId) {
                assert_eq!(id.is(&other.to_string()), id == other, "{id} against {other}");
            }
            for t in texts {
                assert_eq!(id.is(t), id.to_string() == t, "{id} against {t:?}");
            }
            assert_eq!(id.text(), id.to_string());
        }
    }
}

#[cfg(test)]
mod implied_window_tests {
    use super::{CallbackRequest, Origin, schedule_request};
    use crate::callbacks::validate::{CallbackErrorCode, validate_request};
    use crate::model::CallbackMode;
    use crate::model::center::CallbackSettings;
    use chrono::{NaiveDate, TimeZone, Utc};

    /// A flow's request for `at` (a moment) or `window` (a window the flow chose), on one day.
    fn request(at: Option<&str>, window: Option<(&str, &str)>) -> CallbackRequest {
        let time = |t: &str| NaiveDate::from_ymd_opt(2026, 3, 24).unwrap().and_time(t.parse().unwrap());
        CallbackRequest {
            number: "+31201234567".into(),
            number_is_e164: true,
            name: "Ada".into(),
            queue: "Q".into(),
            at: at.map(time),
            window: window.map(|(a, b)| (time(a), time(b))),
            timezone: Some("Europe/Amsterdam".into()),
            attempts: 1,
            retry_every_secs: 600,
            mode: CallbackMode::AgentFirst,
            owner: None,
            data: Default::default(),
            origin: Origin::Flow { flow: "Main".into() },
            keeps_position: false,
            serving: None,
        }
    }

    /// `at 23:45` is a moment: its window (the queue's shortest, cut at midnight) is booked,
    /// while a window the flow chose, 23:45 to midnight, is too short (CB008).
    #[test]
    fn a_late_at_is_booked_and_a_late_short_window_is_not() {
        let settings = CallbackSettings::default();
        let now = Utc.with_ymd_and_hms(2026, 3, 20, 12, 0, 0).unwrap();
        let at = schedule_request(&request(Some("23:45:00"), None), &settings, "UTC");
        assert!(validate_request(&at, &settings, now, &[]).is_ok());
        let chosen = schedule_request(&request(None, Some(("23:45:00", "23:59:59"))), &settings, "UTC");
        let codes: Vec<_> =
            validate_request(&chosen, &settings, now, &[]).unwrap_err().iter().map(|e| e.code).collect();
        assert_eq!(codes, [CallbackErrorCode::WindowTooShort]);
    }
}
