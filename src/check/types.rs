//! The types of the flow language.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    String,
    Integer,
    Boolean,
    Duration,
    DateTime,
    PhoneNumber,
    /// After an error: compatible with everything, so one mistake is reported once.
    Unknown,
}

impl Type {
    pub fn compatible(self, other: Type) -> bool {
        self == other
            || self == Type::Unknown
            || other == Type::Unknown
            || matches!((self, other), (Type::String, Type::PhoneNumber) | (Type::PhoneNumber, Type::String))
    }
}

impl Type {
    /// "a String", "an Integer": for messages.
    pub fn a(self) -> String {
        let name = self.to_string();
        let article = if matches!(self, Type::Integer | Type::Unknown) { "an" } else { "a" };
        format!("{article} {name}")
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::String => "String",
            Type::Integer => "Integer",
            Type::Boolean => "Boolean",
            Type::Duration => "Duration",
            Type::DateTime => "DateTime",
            Type::PhoneNumber => "PhoneNumber",
            Type::Unknown => "unknown",
        })
    }
}
