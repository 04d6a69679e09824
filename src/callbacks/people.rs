//! How the people on a callback behave: the agent it is offered to and the customer it dials.
//!
//! The lifecycle asks these questions at each step; a run answers them from a script (`run
//! --callback-answers`, flow tests) and then from probabilities (a simulation's `callbacks:`
//! section), so one model serves a single traced call and a day of traffic alike.

use crate::time::Micros;
use std::collections::VecDeque;

/// What an agent does with a callback offered for preview (seed 001: accept, reject, or let the
/// offer time out and be redirected).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentResponse {
    Accept,
    /// Back to the queue, same place; not a dial attempt (Amazon Connect, seed 003).
    Reject,
    /// No answer before the queue's offer timeout: redirected to the next agent.
    Timeout,
}

impl AgentResponse {
    pub fn parse(text: &str) -> Option<AgentResponse> {
        match text.trim() {
            "accept" => Some(AgentResponse::Accept),
            "reject" => Some(AgentResponse::Reject),
            "timeout" | "no_answer" => Some(AgentResponse::Timeout),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AgentResponse::Accept => "accept",
            AgentResponse::Reject => "reject",
            AgentResponse::Timeout => "timeout",
        }
    }
}

/// What dialling the customer gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DialResult {
    /// A live voice.
    Answered,
    NoAnswer,
    Busy,
    /// An answering machine or voicemail picked up.
    Machine,
}

impl DialResult {
    pub fn parse(text: &str) -> Option<DialResult> {
        match text.trim() {
            "answer" | "answered" | "yes" => Some(DialResult::Answered),
            "no_answer" | "no" => Some(DialResult::NoAnswer),
            "busy" => Some(DialResult::Busy),
            "machine" | "voicemail" => Some(DialResult::Machine),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DialResult::Answered => "answered",
            DialResult::NoAnswer => "no_answer",
            DialResult::Busy => "busy",
            DialResult::Machine => "machine",
        }
    }

    /// Only these are retried (seed 003; Amazon Connect).
    pub fn is_retryable(self) -> bool {
        matches!(self, DialResult::NoAnswer | DialResult::Busy)
    }
}

impl std::fmt::Display for DialResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How long things take on a callback, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timings {
    /// An agent previewing an offer decides this fast (accept or reject).
    pub decide: Micros,
    /// An agent who accepted dials by hand after this, unless the queue's auto-dial delay is
    /// shorter.
    pub dial_after: Micros,
    /// Ringing until a customer answers (live voice or machine).
    pub ring_answer: Micros,
    /// Ringing until the dial gives up as unanswered.
    pub ring_timeout: Micros,
    /// Until a busy signal is recognised.
    pub busy: Micros,
    /// An agent who let an offer time out is "not responding" this long before taking work.
    pub not_responding: Micros,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            decide: 3_000_000,
            dial_after: 5_000_000,
            ring_answer: 8_000_000,
            ring_timeout: 30_000_000,
            busy: 3_000_000,
            not_responding: 60_000_000,
        }
    }
}

impl Timings {
    /// Every step instant: a callback behaves like the call it replaces (the Erlang C check).
    pub fn instant() -> Timings {
        Timings { decide: 0, dial_after: 0, ring_answer: 0, ring_timeout: 0, busy: 0, not_responding: 0 }
    }
}

/// Probabilities of each answer; what is left over goes to the last case (`Timeout`, `NoAnswer`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Odds {
    pub accept: f64,
    pub reject: f64,
    pub answer: f64,
    pub busy: f64,
    pub machine: f64,
}

impl Default for Odds {
    /// Agents accept and customers answer: the callback path without surprises.
    fn default() -> Self {
        Odds { accept: 1.0, reject: 0.0, answer: 1.0, busy: 0.0, machine: 0.0 }
    }
}

/// The people on the callbacks of one run: scripted answers first, in order, then the odds.
#[derive(Debug, Clone, Default)]
pub struct PeopleModel {
    pub agent_script: VecDeque<AgentResponse>,
    pub customer_script: VecDeque<DialResult>,
    pub odds: Odds,
    pub timings: Timings,
}

impl PeopleModel {
    pub fn agent_response(&mut self, uniform: &mut dyn FnMut() -> f64) -> AgentResponse {
        if let Some(r) = self.agent_script.pop_front() {
            return r;
        }
        let (accept, reject) = (self.odds.accept, self.odds.reject);
        if accept >= 1.0 {
            return AgentResponse::Accept;
        }
        let u = uniform();
        if u < accept {
            AgentResponse::Accept
        } else if u < accept + reject {
            AgentResponse::Reject
        } else {
            AgentResponse::Timeout
        }
    }

    pub fn dial_result(&mut self, uniform: &mut dyn FnMut() -> f64) -> DialResult {
        if let Some(r) = self.customer_script.pop_front() {
            return r;
        }
        let Odds { answer, busy, machine, .. } = self.odds;
        if answer >= 1.0 {
            return DialResult::Answered;
        }
        let u = uniform();
        if u < answer {
            DialResult::Answered
        } else if u < answer + busy {
            DialResult::Busy
        } else if u < answer + busy + machine {
            DialResult::Machine
        } else {
            DialResult::NoAnswer
        }
    }

    /// How long the dial rings before `result` is known.
    pub fn ring_time(&self, result: DialResult) -> Micros {
        match result {
            DialResult::Answered | DialResult::Machine => self.timings.ring_answer,
            DialResult::NoAnswer => self.timings.ring_timeout,
            DialResult::Busy => self.timings.busy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_come_first_then_the_odds() {
        let mut p = PeopleModel::default();
        p.customer_script.extend([DialResult::NoAnswer, DialResult::Busy]);
        let mut u = || 0.5;
        assert_eq!(p.dial_result(&mut u), DialResult::NoAnswer);
        assert_eq!(p.dial_result(&mut u), DialResult::Busy);
        assert_eq!(p.dial_result(&mut u), DialResult::Answered, "default odds: customers answer");
        p.odds = Odds { accept: 0.2, reject: 0.3, answer: 0.1, busy: 0.1, machine: 0.1 };
        assert_eq!(p.agent_response(&mut || 0.1), AgentResponse::Accept);
        assert_eq!(p.agent_response(&mut || 0.4), AgentResponse::Reject);
        assert_eq!(p.agent_response(&mut || 0.9), AgentResponse::Timeout);
        assert_eq!(p.dial_result(&mut || 0.15), DialResult::Busy);
        assert_eq!(p.dial_result(&mut || 0.25), DialResult::Machine);
        assert_eq!(p.dial_result(&mut || 0.95), DialResult::NoAnswer);
    }

    #[test]
    fn only_no_answer_and_busy_are_retried() {
        assert!(DialResult::NoAnswer.is_retryable());
        assert!(DialResult::Busy.is_retryable());
        assert!(!DialResult::Machine.is_retryable());
        assert!(!DialResult::Answered.is_retryable());
    }
}
