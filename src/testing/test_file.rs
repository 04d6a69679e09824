//! A loaded `*.test.yaml`: cases with their call, overrides, caller script and expectations,
//! resolved against the project (flow names, node references, prompt patterns) so a run cannot
//! meet a name it does not know.

use crate::callbacks::{AgentResponse, DialResult, EndReason, State};
use crate::compile::NodeId;
use crate::input::Seg;
use crate::runtime::Overrides;
use crate::time::Micros;
use chrono::{DateTime, NaiveDateTime};
use chrono_tz::Tz;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;

/// Where in the test file something was written: a field path, turned into a line when a
/// failure is reported (locating every step up front would make big suites quadratic).
pub type FieldPath = Vec<Seg>;

#[derive(Debug)]
pub struct TestFile {
    /// The file as it is shown (the path given, or found under a folder).
    pub name: String,
    pub text: Rc<str>,
    /// The project folder the cases run against.
    pub project: PathBuf,
    pub cases: Vec<TestCase>,
}

#[derive(Debug)]
pub struct TestCase {
    pub name: String,
    /// Index in `cases`, for field paths.
    pub index: usize,
    /// 1-based line of the case's `-`.
    pub line: u32,
    pub flow: String,
    pub call: CallSetup,
    pub given: Given,
    pub script: Vec<Step>,
    pub expect: Expect,
}

#[derive(Debug, Clone)]
pub struct CallSetup {
    pub ani: String,
    pub dnis: String,
    pub caller_name: String,
    /// The call's language (`Call.Language`) when the case gives one.
    pub language: Option<String>,
    pub start: DateTime<Tz>,
    /// An answering machine picked up (`Call.AnsweringMachine`, outbound flows).
    pub answering_machine: bool,
}

/// Who answers calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agents {
    /// center.yaml's roster (one agent per queue without one).
    Roster,
    /// This many agents, each in every queue with every skill; 0 means nobody is staffed.
    Count(u32),
}

#[derive(Debug, Clone)]
pub struct Given {
    pub overrides: Overrides,
    pub agents: Agents,
    /// Calls already waiting in every queue.
    pub ahead: u32,
    /// Roster agents logged out for the whole case.
    pub away: Vec<String>,
    pub data: BTreeMap<String, String>,
    pub handle: Micros,
    pub patience: Option<Micros>,
    /// How much virtual time the case may take before it stops (the call may still be waiting).
    pub run_for: Micros,
    /// How the customer answers each callback dial, in order (then: answers).
    pub callback_answers: Vec<DialResult>,
    /// What agents do with each callback offered to them, in order (then: accept).
    pub agent_responses: Vec<AgentResponse>,
    /// How each data action answers (`CustomerLookup: { returns: {…} }`, `fails`, `times_out`).
    pub data_actions: std::collections::HashMap<String, crate::runtime::data_action::DataMock>,
}

#[derive(Debug)]
pub struct Step {
    pub kind: StepKind,
    /// Index in the case's `caller` list.
    pub index: usize,
}

#[derive(Debug)]
pub enum StepKind {
    /// The next prompts include one that matches (before the next key press).
    Expect(PromptMatch),
    /// Keys for the next menu or ask, the first one `after` the prompt finished.
    Press { digits: String, after: Micros },
    /// Words said at the next menu or ask (speech recognition's text), `after` the prompt.
    Say { words: String, after: Micros },
    /// No input at the next menu or ask: it times out.
    Silent,
    /// The caller hangs up this long after the call began, wherever it is.
    HangUp(Micros),
}

impl StepKind {
    pub fn is_input(&self) -> bool {
        matches!(self, StepKind::Press { .. } | StepKind::Say { .. } | StepKind::Silent)
    }

    pub fn describe(&self) -> String {
        match self {
            StepKind::Expect(m) => format!("expect a prompt {}", m.describe()),
            StepKind::Press { digits, .. } => format!("press {digits}"),
            StepKind::Say { words, .. } => format!("say {words:?}"),
            StepKind::Silent => "stay silent".into(),
            StepKind::HangUp(d) => {
                format!("hang up after {}", crate::time::format_duration(d / 1_000_000))
            }
        }
    }
}

#[derive(Debug, Clone)]
pub enum PromptMatch {
    Contains(String),
    Matches(regex::Regex),
}

impl PromptMatch {
    pub fn is_match(&self, text: &str) -> bool {
        match self {
            PromptMatch::Contains(s) => text.contains(s.as_str()),
            PromptMatch::Matches(r) => r.is_match(text),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            PromptMatch::Contains(s) => format!("containing {s:?}"),
            PromptMatch::Matches(r) => format!("matching /{}/", r.as_str()),
        }
    }
}

/// A node of a flow, by the flow's (shared) name and the node's id.
pub type FlowNode = (Rc<str>, NodeId);

/// A node reference as written (`support.flow:24`, `HoldWithCallback.n7`, `n9`) and the nodes
/// it names.
#[derive(Debug, Clone)]
pub struct NodeRef {
    pub written: String,
    pub nodes: Vec<FlowNode>,
    pub field: FieldPath,
}

impl NodeRef {
    pub fn matches(&self, flow: &str, node: NodeId) -> bool {
        self.nodes.iter().any(|(f, n)| *n == node && &**f == flow)
    }
}

#[derive(Debug, Default)]
pub struct Expect {
    pub outcome: Option<(OutcomeExpect, FieldPath)>,
    pub variables: Vec<(String, String, FieldPath)>,
    pub data: Vec<(String, String, FieldPath)>,
    /// Visited in this order (other nodes may come between).
    pub path: Vec<NodeRef>,
    /// Visited, in any order.
    pub visits: Vec<NodeRef>,
    pub never: Vec<(Never, FieldPath)>,
}

#[derive(Debug)]
pub enum OutcomeExpect {
    /// The call entered this queue (whatever happened there) with this priority.
    Transferred {
        queue: String,
        priority: Option<i64>,
    },
    Answered {
        queue: Option<String>,
        agent: Option<String>,
    },
    Disconnected {
        at: Option<NodeRef>,
    },
    Callback(CallbackExpect),
    Abandoned {
        queue: Option<String>,
    },
    HungUp {
        at: Option<NodeRef>,
    },
    /// Still waiting in a queue when the case stopped.
    Waiting {
        queue: Option<String>,
    },
    /// An outbound flow connected the customer to the agent.
    Connected,
    /// An outbound flow left a message on the answering machine.
    VoicemailLeft,
    /// An outbound flow ended the attempt for the callback to dial again.
    RetryLater,
    /// The call left for a number (E.164) or a voicemail box (`voicemail of QUEUE`).
    TransferredOut {
        to: Option<String>,
    },
    FlowError {
        contains: Option<String>,
    },
}

#[derive(Debug, Default)]
pub struct CallbackExpect {
    pub number: Option<String>,
    pub queue: Option<String>,
    pub window: Option<(NaiveDateTime, NaiveDateTime)>,
    pub position: Option<u32>,
    /// The callback took over the caller's entry (their place in line).
    pub keeps_position: Option<bool>,
    /// An agent took the callback before the case stopped.
    pub served: Option<bool>,
    pub data: Vec<(String, String)>,
    /// The customer was dialled at least once.
    pub dispatched: Option<bool>,
    /// Dial attempts made.
    pub attempts: Option<u32>,
    /// Some dial was answered by the customer.
    pub answered: Option<bool>,
    /// More than one attempt was made.
    pub retried: Option<bool>,
    /// Every attempt went unanswered (ended `failed`, `attempts_exhausted`).
    pub exhausted: Option<bool>,
    /// The agent the customer talked with (`connected: true` for anyone).
    pub connected: Option<Option<String>>,
    pub ownership_expired: Option<bool>,
    /// How it ended, by the end of the case.
    pub state: Option<State>,
    pub reason: Option<EndReason>,
}

#[derive(Debug)]
pub enum Never {
    Node(NodeRef),
    Prompt(PromptMatch),
    Queue(String),
    Callback,
    Abandoned,
}
