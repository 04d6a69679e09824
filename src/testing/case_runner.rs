//! Running one case: the same interpreter, engine and virtual clock as `callwright run`, with the
//! case's overrides in the engine and its script as the caller.

use super::project_under_test::ProjectUnderTest;
use super::test_file::{StepKind, TestCase};
use crate::callbacks::{CallbackId, CallbackRequest};
use crate::runtime::{
    CallContext, CallOutcome, CallPlan, CallSpec, CallTask, Caller, Engine, Event, Keys, Observer, Prompt,
    Runtime, VirtualRuntime, run_call_with,
};
use crate::time::Micros;
use std::cell::RefCell;
use std::rc::Rc;

/// The note the interpreter records when the caller hangs up; a case that reaches its `run_for`
/// ends the call the same way, so the context (variables, data) can still be read.
pub const HANG_UP_NOTE: &str = "caller hangs up";

/// What one case did.
pub struct CaseRun {
    pub events: Vec<(Micros, Event)>,
    pub outcome: CallOutcome,
    /// The case reached `run_for` with the call still going (`outcome` says where it was).
    pub stopped: bool,
    pub ctx: Box<CallContext>,
    /// For each time the flow asked for input: the script step that answered (`None`: the
    /// script had no more input steps, so the caller stayed silent).
    pub answers: Vec<Option<usize>>,
    pub callbacks: Vec<(CallbackId, CallbackRequest)>,
    pub ended_at: Micros,
}

/// Keeps every event; the case owns the only copy.
#[derive(Clone, Default)]
pub struct TraceLog(Rc<RefCell<Vec<(Micros, Event)>>>);

impl Observer for TraceLog {
    fn enabled(&self) -> bool {
        true
    }
    fn record(&self, at: Micros, event: Event) {
        self.0.borrow_mut().push((at, event));
    }
}

/// Answers each menu or ask with the next input step of the script, and remembers which.
pub struct ScriptedCaller {
    inputs: Vec<(usize, Keys)>,
    next: usize,
    answers: Vec<Option<usize>>,
}

impl ScriptedCaller {
    pub fn new(case: &TestCase) -> Self {
        let inputs = case
            .script
            .iter()
            .filter_map(|s| match &s.kind {
                StepKind::Press { digits, after } => {
                    Some((s.index, Keys::Digits { digits: digits.clone(), after: *after }))
                }
                StepKind::Say { words, after } => {
                    Some((s.index, Keys::Speech { words: words.clone(), after: *after }))
                }
                StepKind::Silent => Some((s.index, Keys::Silence)),
                _ => None,
            })
            .collect();
        ScriptedCaller { inputs, next: 0, answers: Vec::new() }
    }
}

impl Caller for ScriptedCaller {
    fn respond(&mut self, _prompt: Prompt<'_>, _uniform: &mut dyn FnMut() -> f64) -> Keys {
        match self.inputs.get(self.next) {
            Some((step, keys)) => {
                self.next += 1;
                self.answers.push(Some(*step));
                keys.clone()
            }
            None => {
                self.answers.push(None);
                Keys::Silence
            }
        }
    }
}

type Finished = (CallOutcome, Box<CallContext>, ScriptedCaller, Micros);

pub fn run_case(project: &ProjectUnderTest, case: &TestCase, id: u64) -> CaseRun {
    let given = &case.given;
    let rt = VirtualRuntime::new(1);
    let mut acd = project.acd(given.agents);
    for name in &given.away {
        if let Some(agent) = acd.agent_id(name) {
            // Logged out from the start: nothing is assigned to them, so the set cannot fail.
            let _ = acd.set_state(agent, crate::acd::AgentState::NotAvailable, 0);
        }
    }
    let handle = given.handle;
    let engine = Engine::builder(rt.clone(), &project.checked, acd)
        .shared(project.flows.clone(), project.schedules.clone())
        .overrides(given.overrides.clone())
        .data_mocks(given.data_actions.clone())
        .callback_handle(move |_| handle)
        .people(|people| {
            people.customer_script = given.callback_answers.iter().copied().collect();
            people.agent_script = given.agent_responses.iter().copied().collect();
        })
        .build();
    let engine = Rc::new(engine);
    engine.queue_ahead(given.ahead, handle);
    let scripted_hang_up = case.script.iter().find_map(|s| match s.kind {
        StepKind::HangUp(d) => Some(d),
        _ => None,
    });
    let limit = given.run_for;
    let hang_up = scripted_hang_up.unwrap_or(limit).min(limit);
    let stopped_by_limit = scripted_hang_up.is_none_or(|h| h > limit);
    let spec = CallSpec {
        id,
        ani: case.call.ani.clone(),
        ani_is_e164: false,
        dnis: case.call.dnis.as_str().into(),
        caller_name: case.call.caller_name.clone(),
        start: case.call.start,
        data: given.data.clone(),
    };
    let log = TraceLog::default();
    let mut task = CallTask {
        engine: engine.clone(),
        ctx: Box::new({
            let mut ctx = CallContext::new(spec.clone(), 0);
            ctx.language = case.call.language.clone();
            ctx.machine = case.call.answering_machine;
            ctx
        }),
        caller: ScriptedCaller::new(case),
        plan: CallPlan { patience: given.patience, handle, hang_up: Some(hang_up) },
        obs: log.clone(),
    };
    let graph = engine.flows[&case.flow].clone();
    let slot: Rc<RefCell<Option<Finished>>> = Rc::default();
    {
        let slot = slot.clone();
        let rt2 = rt.clone();
        rt.spawn(async move {
            let outcome = run_call_with(&mut task, graph).await;
            *slot.borrow_mut() = Some((outcome, task.ctx, task.caller, rt2.now()));
        });
    }
    rt.run_until(limit);
    let finished = slot.borrow_mut().take();
    let callbacks = std::mem::take(&mut engine.callbacks.borrow_mut().created);
    let events = std::mem::take(&mut *log.0.borrow_mut());
    // The hang-up at `run_for` ends every call; should one still be running, say so, not panic.
    let (outcome, ctx, caller, ended_at) = finished.unwrap_or_else(|| {
        let outcome = CallOutcome::FlowError {
            flow: case.flow.clone(),
            node: crate::compile::NodeId(0),
            message: "the call did not finish within run_for".into(),
        };
        (outcome, Box::new(CallContext::new(spec, 0)), ScriptedCaller::new(case), rt.now())
    });
    let stopped = stopped_by_limit
        && ended_at >= limit
        && matches!(events.last(), Some((_, Event::Note(n))) if n == HANG_UP_NOTE);
    CaseRun { events, outcome, stopped, ctx, answers: caller.answers, callbacks, ended_at }
}
