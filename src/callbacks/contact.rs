//! A contact: the customer behind callbacks, with several numbers, each with a type (home, mobile,
//! work) and the local hours it may be called, and the customer's time zone (seeds 001/002: the
//! agent picks another of the contact's numbers when rescheduling, or adds one with its type and
//! hours). A callback booked from a contact keeps its number; the contact's history is the
//! callbacks of its numbers, read from the store, so nothing is kept twice.

use super::validate::{CallbackErrorCode, CallbackValidationError, Field};
use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// What kind of line a number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberType {
    Home,
    Mobile,
    Work,
    Other,
}

impl NumberType {
    pub fn parse(text: &str) -> Option<NumberType> {
        match text.trim().to_ascii_lowercase().as_str() {
            "home" => Some(NumberType::Home),
            "mobile" | "cell" => Some(NumberType::Mobile),
            "work" | "business" => Some(NumberType::Work),
            "other" => Some(NumberType::Other),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NumberType::Home => "home",
            NumberType::Mobile => "mobile",
            NumberType::Work => "work",
            NumberType::Other => "other",
        }
    }
}

/// The local hours a number may be called, `09:00-18:00`, in the contact's zone; the end is
/// after the start (a number callable overnight is written as two numbers' worth of hours, not
/// supported: no contact center calls a customer at 02:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CallableHours {
    pub from: NaiveTime,
    pub to: NaiveTime,
}

impl CallableHours {
    /// Reads `HH:MM-HH:MM`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<CallableHours, String> {
        let bad = || format!("`{text}` is not callable hours; write them as HH:MM-HH:MM, e.g. 09:00-18:00");
        let (a, b) = text.trim().split_once('-').ok_or_else(bad)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
        let (from, to) = (time(a)?, time(b)?);
        if to <= from {
            return Err(format!("`{text}`: the hours must end after they start"));
        }
        Ok(CallableHours { from, to })
    }

    /// Whether a local window lies within these hours.
    pub fn holds(&self, start: NaiveTime, end: NaiveTime) -> bool {
        start >= self.from && end <= self.to
    }

    pub fn contains(&self, t: NaiveTime) -> bool {
        t >= self.from && t < self.to
    }
}

impl TryFrom<String> for CallableHours {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        CallableHours::parse(&text)
    }
}

impl From<CallableHours> for String {
    fn from(h: CallableHours) -> String {
        h.to_string()
    }
}

impl std::fmt::Display for CallableHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.from.format("%H:%M"), self.to.format("%H:%M"))
    }
}

/// One of a contact's numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactNumber {
    /// E.164.
    pub number: String,
    #[serde(rename = "type")]
    pub kind: NumberType,
    /// `None`: any time the queue calls.
    pub hours: Option<CallableHours>,
}

/// A customer with their numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: String,
    pub name: String,
    /// IANA; pre-filled from the first number whose country has one offset.
    pub timezone: Option<String>,
    pub numbers: Vec<ContactNumber>,
    #[serde(with = "super::model::serde_utc")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "super::model::serde_utc")]
    pub updated_at: DateTime<Utc>,
}

/// The longest contact name kept (as a callback's customer name, CB019).
pub const NAME_MAX: usize = 250;
/// Numbers one contact may have.
pub const NUMBERS_MAX: usize = 10;

impl Contact {
    pub fn number(&self, e164: &str) -> Option<&ContactNumber> {
        self.numbers.iter().find(|n| n.number == e164)
    }

    /// The number to call: the first of `kind` when asked, else the first callable at `local`
    /// (a window's local start), else the first.
    pub fn pick(&self, kind: Option<NumberType>, local: Option<NaiveTime>) -> Option<&ContactNumber> {
        if let Some(kind) = kind {
            return self.numbers.iter().find(|n| n.kind == kind);
        }
        local
            .and_then(|t| self.numbers.iter().find(|n| n.hours.is_none_or(|h| h.contains(t))))
            .or_else(|| self.numbers.first())
    }

    /// Fills the zone from the numbers when the contact has none.
    pub fn prefill_zone(&mut self) {
        if self.timezone.is_none() {
            self.timezone = self.numbers.iter().find_map(|n| zone_of_number(&n.number)).map(str::to_string);
        }
    }
}

/// The zone of an E.164 number's country, when that country keeps one UTC offset.
pub fn zone_of_number(e164: &str) -> Option<&'static str> {
    let parsed = phonenumber::parse(None, e164).ok()?;
    let region = parsed.country().id()?;
    crate::time::zone_of_region(region.as_ref())
}

/// CB022: a window outside the chosen number's callable hours.
pub fn check_hours(
    number: &ContactNumber,
    zone: &str,
    start: NaiveTime,
    end: NaiveTime,
) -> Result<(), CallbackValidationError> {
    match number.hours {
        Some(h) if !h.holds(start, end) => Err(CallbackValidationError::new(
            CallbackErrorCode::OutsideCallableHours,
            Field::WindowStart,
            format!(
                "the window {}-{} ({zone}) is outside the hours {} ({}) may be called: {h}",
                start.format("%H:%M"),
                end.format("%H:%M"),
                number.number,
                number.kind.as_str(),
            ),
        )
        .with_help("choose a window within those hours, or another of the contact's numbers")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    #[test]
    fn hours_parse_and_hold() {
        let h = CallableHours::parse("09:00-18:00").unwrap();
        assert!(h.holds(t("09:00"), t("18:00")));
        assert!(!h.holds(t("17:30"), t("18:30")));
        assert!(CallableHours::parse("18:00-09:00").unwrap_err().contains("end after"));
        assert!(CallableHours::parse("9-5").unwrap_err().contains("HH:MM-HH:MM"));
    }

    #[test]
    fn a_number_is_picked_by_type_then_by_hours() {
        let now = Utc::now();
        let mut c = Contact {
            id: "c1".into(),
            name: "Ada".into(),
            timezone: None,
            numbers: vec![
                ContactNumber {
                    number: "+31201234567".into(),
                    kind: NumberType::Work,
                    hours: Some(CallableHours::parse("09:00-17:00").unwrap()),
                },
                ContactNumber { number: "+31612345678".into(), kind: NumberType::Mobile, hours: None },
            ],
            created_at: now,
            updated_at: now,
        };
        assert_eq!(c.pick(Some(NumberType::Mobile), None).unwrap().number, "+31612345678");
        assert_eq!(c.pick(None, Some(t("10:00"))).unwrap().number, "+31201234567");
        assert_eq!(c.pick(None, Some(t("19:00"))).unwrap().number, "+31612345678");
        assert!(c.pick(Some(NumberType::Home), None).is_none());
        c.prefill_zone();
        assert_eq!(c.timezone.as_deref(), Some("Europe/Amsterdam"));
        let e = check_hours(&c.numbers[0], "Europe/Amsterdam", t("18:00"), t("19:00")).unwrap_err();
        assert_eq!(e.code, CallbackErrorCode::OutsideCallableHours);
        assert_eq!(zone_of_number("+12125550123"), None, "+1 spans several offsets");
    }
}
