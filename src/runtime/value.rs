//! Values flows compute with.

use crate::time::format_duration;
use chrono::NaiveDateTime;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Bool(bool),
    /// Whole seconds, as flows write them.
    Duration(i64),
    /// Local time in the call's time zone.
    DateTime(NaiveDateTime),
    Phone(String),
    /// Not set: an estimated wait before there is data, a variable never assigned. Comparisons
    /// with it are false, and `is_known` tells it apart.
    Unknown,
}

impl Value {
    pub fn truthy(&self) -> bool {
        matches!(self, Value::Bool(true))
    }

    pub fn is_known(&self) -> bool {
        !matches!(self, Value::Unknown)
    }

    /// The value as text, as `to_string` would give it, without copying a string value.
    pub fn into_text(self) -> String {
        match self {
            Value::Str(s) | Value::Phone(s) => s,
            other => other.to_string(),
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) | Value::Phone(s) => f.write_str(s),
            Value::Int(i) => write!(f, "{i}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Duration(s) => f.write_str(&format_duration(*s)),
            Value::DateTime(dt) => write!(f, "{}", dt.format("%Y-%m-%d %H:%M")),
            Value::Unknown => f.write_str("unknown"),
        }
    }
}
