//! The serde shape of `center.yaml`, before bounds are checked.
//!
//! Every setting is an `Option<Field<T>>`: absent (or `~`) is `None`, and a value of the wrong type
//! is kept as an error message in the [`Field`] instead of aborting the whole file, so that every
//! problem is reported at once. Unknown keys are found and removed before these structs are filled
//! (see `check_keys` in the parent module), using the field lists serde derives for them.

use super::{AnsweringMachine, OwnerAway};
use crate::model::CallbackMode;
use crate::time::parse_duration_secs as parse_duration;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Visitor};
use serde_yaml::{Mapping, Value};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCenter {
    pub queues: Option<Field<Mapping>>,
    pub agents: Option<Field<Vec<Value>>>,
    pub numbers: Option<Field<Mapping>>,
    pub switches: Option<Field<Mapping>>,
    pub campaigns: Option<Field<Mapping>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQueue {
    pub ani: Option<Field<Phone>>,
    pub skills: Option<Field<Names>>,
    pub hold_music: Option<Field<String>>,
    pub callback: Option<Field<RawCallback>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCallback {
    pub mode: Option<Field<CallbackMode>>,
    pub pacing_modifier: Option<Field<i64>>,
    pub attempts: Option<Field<i64>>,
    pub retry_interval: Option<Field<Dur>>,
    pub max_days_ahead: Option<Field<i64>>,
    pub min_lead: Option<Field<Dur>>,
    pub window_min: Option<Field<Dur>>,
    pub window_max: Option<Field<Dur>>,
    pub preserve_skills_priority: Option<Field<bool>>,
    pub ownership_period: Option<Field<Dur>>,
    pub assign_to_queue_on_expiry: Option<Field<bool>>,
    pub auto_answer: Option<Field<bool>>,
    pub auto_dial_delay: Option<Field<Dur>>,
    pub auto_end: Option<Field<bool>>,
    pub offer_timeout: Option<Field<Dur>>,
    pub answering_machine: Option<Field<AnsweringMachine>>,
    pub duplicate_window: Option<Field<Dur>>,
    pub inactive_after: Option<Field<Dur>>,
    pub outbound_flow: Option<Field<String>>,
    pub slot_length: Option<Field<Dur>>,
    pub slot_capacity: Option<Field<i64>>,
    pub open_hours: Option<Field<String>>,
    pub open_days: Option<Field<Names>>,
    pub hours_timezone: Option<Field<String>>,
    pub owner_away: Option<Field<OwnerAway>>,
    pub dispositions: Option<Field<Names>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAgent {
    pub name: Option<Field<String>>,
    pub skills: Option<Field<Names>>,
    pub queues: Option<Field<Names>>,
    pub wrap_up: Option<Field<Dur>>,
}

/// A setting's value, or why it could not be read (a sentence fragment: "must be a whole number,
/// not `three`").
#[derive(Debug)]
pub(super) struct Field<T>(pub Result<T, String>);

impl<'de, T: Expected> Deserialize<'de> for Field<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Ok(Field(T::deserialize(value.clone()).map_err(|e| T::reason(&value, e))))
    }
}

/// What a setting's type expects, for "must be ..." messages.
pub(super) trait Expected: DeserializeOwned {
    const WHAT: &'static str;
    const HELP: Option<&'static str> = None;
    fn reason(value: &Value, _err: serde_yaml::Error) -> String {
        format!("must be {}, not {}", Self::WHAT, show(value))
    }
}

impl Expected for i64 {
    const WHAT: &'static str = "a whole number";
}
impl Expected for bool {
    const WHAT: &'static str = "`true` or `false`";
}
impl Expected for String {
    const WHAT: &'static str = "a name";
}
impl Expected for Mapping {
    const WHAT: &'static str = "a mapping from queue name to its settings";
}
impl Expected for Vec<Value> {
    const WHAT: &'static str = "a list of agents (`- name: ...`)";
}
impl Expected for CallbackMode {
    const WHAT: &'static str = "`agent_first` or `customer_first`";
}
impl Expected for AnsweringMachine {
    const WHAT: &'static str = "`hang_up`, `connect` or `leave_message`";
}
impl Expected for OwnerAway {
    const WHAT: &'static str = "`keep`, `peer` or `queue`";
}
impl Expected for RawCallback {
    const WHAT: &'static str = "a mapping of callback settings";
}

/// A phone number. YAML reads an unquoted `+31201234567` as a number, so only text is accepted.
#[derive(Debug)]
pub(super) struct Phone(pub String);

impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Phone)
    }
}

impl Expected for Phone {
    const WHAT: &'static str = "a phone number in quotes, such as \"+31201234567\"";
    const HELP: Option<&'static str> =
        Some("YAML reads an unquoted `+31201234567` as a number; put it in quotes");
}

/// A list of names; a single name is accepted as a list of one.
#[derive(Debug)]
pub(super) struct Names(pub Vec<String>);

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Names(vec![s])),
            Value::Sequence(items) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    other => Err(de::Error::custom(show(&other))),
                })
                .collect::<Result<_, _>>()
                .map(Names),
            _ => Err(de::Error::custom("not a list")),
        }
    }
}

impl Expected for Names {
    const WHAT: &'static str = "a list of names, such as [support, billing]";
    fn reason(value: &Value, err: serde_yaml::Error) -> String {
        match value {
            Value::Sequence(_) => format!("must list names only, not {err}"),
            _ => format!("must be {}, not {}", Self::WHAT, show(value)),
        }
    }
}

/// A duration in whole seconds: `30s`, `5m`, `1h30m`, `2d`, or a bare number of seconds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Dur(pub i64);

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let shown = show(&value);
        let secs = match value {
            Value::Number(n) => match n.as_i64() {
                Some(s) if s >= 0 => Ok(s),
                Some(_) => Err("a duration cannot be negative".to_string()),
                None if n.is_f64() => Err("use whole seconds or units, such as `90s` or `1m30s`".into()),
                None => Err("it is too long".into()),
            },
            Value::String(s) => parse_duration(&s),
            _ => Err("it is not text or a number".into()),
        };
        secs.map(Dur).map_err(|why| de::Error::custom(format!("is not a duration: {shown} ({why})")))
    }
}

impl Expected for Dur {
    const WHAT: &'static str = "a duration";
    const HELP: Option<&'static str> =
        Some("write durations like `30s`, `5m`, `1h30m` or `2d`; a bare number means seconds");
    fn reason(_value: &Value, err: serde_yaml::Error) -> String {
        err.to_string()
    }
}

/// A value as a message shows it: `` `three` ``, `` `25` ``, "a list", "a mapping".
pub(super) fn show(value: &Value) -> String {
    let text = match value {
        Value::Null => return "nothing".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Sequence(_) => return "a list".into(),
        Value::Mapping(_) => return "a mapping".into(),
        Value::Tagged(t) => return format!("a value tagged `{}`", t.tag),
    };
    let mut short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    format!("`{short}`")
}

/// The keys serde accepts for a `deny_unknown_fields` struct, read from its derived impl.
pub(super) fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);

    impl<'de> de::Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("probe"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("probe"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}
