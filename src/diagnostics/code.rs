//! The stable diagnostic codes. A code never changes meaning once published; retire, don't reuse.

use crate::diagnostics::Severity;
use serde::Serialize;

macro_rules! codes {
    ($( $variant:ident = $text:literal, $sev:ident, $title:literal; )*) => {
        /// A stable diagnostic code such as `E0101`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            /// Default severity: `E` codes are errors, `W` codes warnings.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// One line saying what the code means (README table, `--explain`).
            pub fn title(self) -> &'static str {
                match self { $( Code::$variant => $title, )* }
            }

            pub fn parse(s: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(s))
            }
        }
    };
}

codes! {
    // E00xx: reading the text
    Syntax = "E0001", Error, "the text is not valid flow syntax";
    DuplicateOption = "E0002", Error, "an option is given twice on one action";
    BadLiteral = "E0003", Error, "a literal (number, duration, date, time) cannot be read";
    TooDeep = "E0004", Error, "the text nests deeper, or chains longer, than callwright reads";
    // E01xx: names
    UnknownName = "E0101", Error, "a flow, task, queue, schedule or menu name is not defined";
    DuplicateName = "E0102", Error, "a name is defined twice";
    UnknownVariable = "E0103", Error, "a variable or built-in is not known";
    ReadOnly = "E0104", Error, "a built-in that flows may read but not set";
    UndeclaredQueue = "E0105", Error, "a queue is not declared in center.yaml";
    WrongFlowKind = "E0106", Error, "a flow of the wrong kind is named (e.g. `with` needs an inqueue flow)";
    UnknownFunction = "E0107", Error, "a function is not known or has the wrong number of arguments";
    BadModule = "E0108", Error, "a `use` names no module, or modules use each other in a cycle";
    // E02xx: types
    TypeMismatch = "E0201", Error, "an expression has the wrong type";
    ConditionNotBoolean = "E0202", Error, "a condition is not a Boolean";
    InconsistentVariable = "E0203", Error, "a variable is set to values of different types";
    // E03xx: flow kinds
    ActionNotAllowed = "E0301", Error, "the action is not allowed in this kind of flow";
    ReturnOutsideTask = "E0302", Error, "`return` outside a task";
    SecretLeaves = "E0303", Error, "secure input is written whole into `Call.Data`";
    // E04xx: paths through a flow
    MissingTerminal = "E0401", Error, "a path can end without a terminal action";
    SpinningLoop = "E0402", Error, "a loop can repeat without waiting for anything";
    Unreachable = "W0403", Warning, "an action can never run";
    UnusedTask = "W0404", Warning, "a task is never called or jumped to";
    CallbackStaysQueued = "W0405", Warning, "an in-queue flow creates a callback but the caller stays in queue";
    RequeueLoop = "W0406", Warning, "an in-queue flow transfers the caller back into a queue it serves";
    NoAgentHasSkills = "W0407", Warning, "no agent of center.yaml can take a transfer with these skills";
    // E05xx: schedules and time
    UnknownTimeZone = "E0501", Error, "a time zone is not an IANA name";
    BadTimeRange = "E0502", Error, "a time range is empty, reversed or out of the day";
    BadDate = "E0503", Error, "a date does not exist";
    BadDayRange = "E0504", Error, "a weekday range is reversed or repeats a day";
    // E06xx: callbacks
    CallbackOutOfBounds = "E0601", Error, "a callback attribute is outside the allowed bounds";
    BadPhoneNumber = "E0602", Error, "a phone number is not a valid E.164 number";
    BadCallbackWindow = "E0603", Error, "a callback window is reversed, too short or too long";
    CallbackWithoutQueue = "E0604", Error, "a Create Callback outside an in-queue flow names no queue";
    // E07xx: menus and input
    BadMenuChoice = "E0701", Error, "a menu choice is repeated or is not a DTMF key";
    BadPromptSetting = "E0702", Error, "a retry count, timeout or digit count is out of range";
    PromptMissingLanguage = "W0703", Warning, "a prompt has no text in a language other prompts of the project, or the flow playing it, have";
    AudioMissing = "W0704", Warning, "a recording a prompt or hold music names is not a file of the project";
    BadLanguage = "E0705", Error, "a language tag is malformed, or a flow sets a language it does not declare";
    // E08xx: center.yaml
    BadCenterFile = "E0801", Error, "center.yaml cannot be read";
    BadCenterValue = "E0802", Error, "a center.yaml setting is out of bounds or refers to something unknown";
    // E09xx: projects
    NoFlows = "E0901", Error, "a project folder has no .flow files";
    // E10xx: data actions
    BadDataAction = "E1001", Error, "a data action is declared or called wrongly (request, inputs, outputs, templates)";
    BadTable = "E1002", Error, "a lookup table's file, columns or cells do not fit its declaration, or a lookup uses it wrongly";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The code table as Markdown, for the README.
pub fn markdown_table() -> String {
    let mut s = String::from("| code | severity | meaning |\n|---|---|---|\n");
    for c in Code::ALL {
        let sev = match c.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        s.push_str(&format!("| `{}` | {sev} | {} |\n", c.as_str(), c.title()));
    }
    s
}
