//! The flow-test file codes (`T001`…). Long texts are in `docs/codes.md`.

/// Stable codes for bad test files; documented in `docs/flow-tests.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestFileCode {
    /// The file cannot be read, or is not YAML.
    Unreadable,
    UnknownField,
    /// A value has the wrong type or form.
    BadValue,
    Missing,
    UnknownFlow,
    UnknownNode,
    /// A prompt pattern (regular expression) does not compile.
    BadPattern,
    DuplicateCase,
    /// A queue or schedule the project does not have.
    UnknownName,
    /// The project the file names cannot be loaded.
    BadProject,
}

impl TestFileCode {
    pub const ALL: &'static [TestFileCode] = &[
        TestFileCode::Unreadable,
        TestFileCode::UnknownField,
        TestFileCode::BadValue,
        TestFileCode::Missing,
        TestFileCode::UnknownFlow,
        TestFileCode::UnknownNode,
        TestFileCode::BadPattern,
        TestFileCode::DuplicateCase,
        TestFileCode::UnknownName,
        TestFileCode::BadProject,
    ];

    /// One line for the code table in the README and docs/flow-tests.md.
    pub fn describe(self) -> &'static str {
        match self {
            TestFileCode::Unreadable => "the test file cannot be read, or is not YAML",
            TestFileCode::UnknownField => "a field the format does not have (with the closest one)",
            TestFileCode::BadValue => "a value of the wrong type or form (duration, keys, date, state)",
            TestFileCode::Missing => "a required field is missing (`cases`, a case's `name`, the flow)",
            TestFileCode::UnknownFlow => "the project has no flow of that name",
            TestFileCode::UnknownNode => "a node reference names no node (`support.flow:99`, `Flow.n99`)",
            TestFileCode::BadPattern => "a prompt pattern (regular expression) does not compile",
            TestFileCode::DuplicateCase => "two cases of a file have the same name",
            TestFileCode::UnknownName => "the project has no queue or schedule of that name",
            TestFileCode::BadProject => "`project:` is not a folder of flows",
        }
    }

    /// The table of codes, as published in the README.
    pub fn markdown_table() -> String {
        let mut s = String::from("| code | meaning |\n|---|---|\n");
        for c in Self::ALL {
            s.push_str(&format!("| `{}` | {} |\n", c.as_str(), c.describe()));
        }
        s
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TestFileCode::Unreadable => "T001",
            TestFileCode::UnknownField => "T002",
            TestFileCode::BadValue => "T003",
            TestFileCode::Missing => "T004",
            TestFileCode::UnknownFlow => "T005",
            TestFileCode::UnknownNode => "T006",
            TestFileCode::BadPattern => "T007",
            TestFileCode::DuplicateCase => "T008",
            TestFileCode::UnknownName => "T009",
            TestFileCode::BadProject => "T010",
        }
    }
}
