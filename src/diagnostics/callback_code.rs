//! The callback rule codes (`CB001`…): one table, used by every way a callback is created or edited
//! (the CLI, a flow's Create Callback, and later the service). Long texts are in `docs/codes.md`.

use serde::{Deserialize, Serialize};

macro_rules! error_codes {
    ($( $variant:ident = $text:literal, $title:literal; )*) => {
        /// A stable callback validation code such as `CB001`. A code never changes meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum CallbackErrorCode { $( $variant, )* }

        impl CallbackErrorCode {
            pub const ALL: &'static [CallbackErrorCode] = &[ $( CallbackErrorCode::$variant, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( CallbackErrorCode::$variant => $text, )* }
            }

            /// One line saying what the code means.
            pub fn title(self) -> &'static str {
                match self { $( CallbackErrorCode::$variant => $title, )* }
            }

            pub fn parse(s: &str) -> Option<CallbackErrorCode> {
                CallbackErrorCode::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(s))
            }
        }
    };
}

error_codes! {
    MissingField = "CB001", "a required field is missing";
    InvalidNumber = "CB002", "the callback number is not a valid phone number";
    UnknownTimeZone = "CB003", "the time zone is not an IANA name";
    NonexistentLocalTime = "CB004", "a local time does not exist in the zone (DST gap)";
    TooSoon = "CB005", "the window starts too soon (or in the past)";
    TooFarAhead = "CB006", "the date is too far ahead";
    WindowReversed = "CB007", "the window does not end after it starts";
    WindowTooShort = "CB008", "the window is shorter than the queue allows";
    WindowTooLong = "CB009", "the window is longer than the queue allows";
    Duplicate = "CB010", "a pending callback for the same number is close in time";
    OwnerRequired = "CB011", "an agent-owned callback has no owner";
    AttemptsOutOfBounds = "CB012", "dial attempts are outside the allowed bounds";
    RetryIntervalOutOfBounds = "CB013", "the retry interval is outside the allowed bounds";
    EditFrozen = "CB014", "an owned callback is too close to its window to be edited";
    AlreadyEnded = "CB015", "the callback has ended and cannot be changed";
    TimeWithoutZone = "CB016", "a time has no offset and no time zone (never read as UTC)";
    BadDateTime = "CB017", "a date or time cannot be read";
    UnknownOwner = "CB018", "the owner is not an agent of the center";
    NameTooLong = "CB019", "the customer name is longer than 250 characters";
    SlotFull = "CB020", "the booking slot is full";
    SlotClosed = "CB021", "the booking slot is closed (outside the queue's opening hours)";
    OutsideCallableHours = "CB022", "the window is outside the hours the contact's number may be called";
}

impl std::fmt::Display for CallbackErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CallbackErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CallbackErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        CallbackErrorCode::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown callback error code `{text}`")))
    }
}
