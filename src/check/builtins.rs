//! Built-in variables and functions that flows can use.

use super::Type;

/// (name, type, settable, description). `Call.Data["key"]` is handled apart (String, settable).
pub const VARIABLES: &[(&str, Type, bool, &str)] = &[
    ("Call.Ani", Type::PhoneNumber, false, "the caller's number (E.164)"),
    ("Call.Dnis", Type::PhoneNumber, false, "the number the caller dialled"),
    ("Call.CallerName", Type::String, false, "the caller's name from caller ID, or empty"),
    ("Call.Id", Type::String, false, "the call's id"),
    ("Call.Queue", Type::String, false, "the queue the call is in, or empty"),
    (
        "Call.Priority",
        Type::Integer,
        true,
        "routing priority; higher is served first (set in an in-queue flow, it moves the waiting caller at once)",
    ),
    ("Call.Language", Type::String, true, "the caller's language, e.g. \"en-US\""),
    (
        "Call.Skills",
        Type::String,
        true,
        "the skills the call requires, comma-separated (`\"french, billing\"`); added to the next transfer's, and set in an in-queue flow they apply to the waiting caller at once",
    ),
    (
        "Call.AnsweringMachine",
        Type::Boolean,
        false,
        "in an outbound flow, an answering machine picked up (the queue's `answering_machine: flow`); false elsewhere",
    ),
    ("Call.EstimatedWaitTime", Type::Duration, false, "estimated wait in queue; may be unknown"),
    ("Call.PositionInQueue", Type::Integer, false, "1 for the next call to be answered"),
    ("Call.TimeInQueue", Type::Duration, false, "how long the call has waited so far"),
    ("Flow.StartTime", Type::DateTime, false, "when this flow started"),
    ("Flow.Name", Type::String, false, "the name of this flow"),
    (
        "Flow.ErrorType",
        Type::String,
        false,
        "in an `on error` handler, what went wrong: `arithmetic`, `loop`, `no_path`, `no_return`, `flow_transfers`, `skills`, `language` (empty before)",
    ),
    ("Flow.ErrorMessage", Type::String, false, "in an `on error` handler, the error in words (empty before)"),
    ("Now", Type::DateTime, false, "the current date and time"),
];

pub fn variable(name: &str) -> Option<(Type, bool)> {
    VARIABLES.iter().find(|v| v.0 == name).map(|v| (v.1, v.2))
}

/// What an argument must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    Value(Type),
    /// Any type.
    Any,
    /// The bare name of a schedule.
    Schedule,
    /// The bare name of a queue.
    Queue,
    /// The bare name of a switch of center.yaml.
    Switch,
    /// The bare name of a prompt resource.
    Prompt,
}

/// (name, parameters, result, description)
pub const FUNCTIONS: &[(&str, &[Param], Type, &str)] = &[
    ("open", &[Param::Schedule], Type::Boolean, "the schedule is open now (hours, not a closed day)"),
    ("holiday", &[Param::Schedule], Type::Boolean, "today is one of the schedule's closed days"),
    ("agents_available", &[Param::Queue], Type::Integer, "agents of the queue free to take a call"),
    ("agents_staffed", &[Param::Queue], Type::Integer, "agents of the queue logged in"),
    ("calls_waiting", &[Param::Queue], Type::Integer, "calls waiting in the queue"),
    (
        "prompt",
        &[Param::Prompt],
        Type::String,
        "a prompt resource's text in the call's language (`Call.Language`; its first text when it has none)",
    ),
    (
        "switched",
        &[Param::Switch],
        Type::Boolean,
        "a switch of center.yaml is on (an emergency message flipped without redeploying)",
    ),
    ("is_known", &[Param::Any], Type::Boolean, "the value is set (an estimated wait may be unknown)"),
    ("len", &[Param::Value(Type::String)], Type::Integer, "length of a text"),
    (
        "contains",
        &[Param::Value(Type::String), Param::Value(Type::String)],
        Type::Boolean,
        "text contains another",
    ),
    (
        "starts_with",
        &[Param::Value(Type::String), Param::Value(Type::String)],
        Type::Boolean,
        "text starts with another",
    ),
    ("upper", &[Param::Value(Type::String)], Type::String, "text in capitals"),
    ("lower", &[Param::Value(Type::String)], Type::String, "text in small letters"),
    ("to_string", &[Param::Any], Type::String, "any value as text"),
    ("to_int", &[Param::Value(Type::String)], Type::Integer, "digits as a number (0 if not a number)"),
    ("phone", &[Param::Value(Type::String)], Type::PhoneNumber, "text as a phone number"),
    ("hour", &[Param::Value(Type::DateTime)], Type::Integer, "hour of the day, 0–23"),
    ("weekday", &[Param::Value(Type::DateTime)], Type::Integer, "day of the week, 1 = Monday … 7 = Sunday"),
    ("seconds", &[Param::Value(Type::Integer)], Type::Duration, "a number of seconds as a duration"),
    ("minutes", &[Param::Value(Type::Integer)], Type::Duration, "a number of minutes as a duration"),
    ("trim", &[Param::Value(Type::String)], Type::String, "text without spaces at either end"),
    (
        "substring",
        &[Param::Value(Type::String), Param::Value(Type::Integer), Param::Value(Type::Integer)],
        Type::String,
        "`n` characters of a text from position `start` (0 = the first)",
    ),
    (
        "replace",
        &[Param::Value(Type::String), Param::Value(Type::String), Param::Value(Type::String)],
        Type::String,
        "a text with every `a` replaced by `b`",
    ),
    (
        "ends_with",
        &[Param::Value(Type::String), Param::Value(Type::String)],
        Type::Boolean,
        "text ends with another",
    ),
    (
        "matches",
        &[Param::Value(Type::String), Param::Value(Type::String)],
        Type::Boolean,
        "the whole text matches a regular expression (`\"\\\\d\\{4\\}\"`: braces escaped, as in any text); a bad pattern is E0107",
    ),
    (
        "luhn",
        &[Param::Value(Type::String)],
        Type::Boolean,
        "digits pass the Luhn check (card numbers, IMEIs)",
    ),
    ("digits", &[Param::Value(Type::String)], Type::String, "only the digits of a text"),
    (
        "last",
        &[Param::Value(Type::String), Param::Value(Type::Integer)],
        Type::String,
        "the last `n` characters of a text",
    ),
    ("now_utc", &[], Type::DateTime, "the current date and time in UTC"),
    (
        "now_in",
        &[Param::Value(Type::String)],
        Type::DateTime,
        "the current date and time in an IANA zone (`now_in(\"Asia/Tokyo\")`)",
    ),
    ("date_text", &[Param::Value(Type::DateTime)], Type::String, "a date and time as `2026-12-01 10:30`"),
    (
        "day_start",
        &[Param::Value(Type::DateTime)],
        Type::DateTime,
        "midnight at the start of that day (`day_start(Now) + 1d + 8h`: tomorrow at 08:00)",
    ),
    (
        "days_until",
        &[Param::Value(Type::DateTime)],
        Type::Integer,
        "whole days from now until a date and time (negative when past)",
    ),
];

pub fn function(name: &str) -> Option<(&'static [Param], Type)> {
    FUNCTIONS.iter().find(|f| f.0 == name).map(|f| (f.1, f.2))
}
