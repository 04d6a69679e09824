//! The one way to assemble an [`Engine`]: `run`, `simulate`, flow tests and `callbacks dispatch` all
//! start from [`Engine::builder`], so a new part of the engine is wired in one place.

use super::{Engine, Overrides, Runtime, ScheduleTable};
use crate::acd::Acd;
use crate::callbacks::PeopleModel;
use crate::callbacks::ledger::Ledger;
use crate::compile::FlowGraph;
use crate::project::CheckedProject;
use crate::time::Micros;
use std::collections::HashMap;
use std::rc::Rc;

/// Flows by name and schedule tables by name, compiled once.
type Compiled = (HashMap<String, Rc<FlowGraph>>, HashMap<String, ScheduleTable>);
/// Draws a callback's agent talk time.
type HandleTime<R> = Box<dyn Fn(&R) -> Micros>;
/// Sets up how simulated people answer.
type PeopleSetup<'p> = Box<dyn FnOnce(&mut PeopleModel) + 'p>;

/// Settings of an engine still to be built. Every field has the default a traced `run` uses.
pub struct EngineBuilder<'p, R: Runtime> {
    rt: R,
    project: &'p CheckedProject,
    acd: Acd,
    /// Flows and schedules compiled once and shared by many short runs (flow tests).
    shared: Option<Compiled>,
    /// Agent talk time per callback; 5 minutes unless set.
    callback_handle: Option<HandleTime<R>>,
    overrides: Overrides,
    /// Where callback moves are recorded; none unless set.
    ledger: Option<Box<dyn Ledger>>,
    people: Option<PeopleSetup<'p>>,
    /// The do-not-call list, when the command has one.
    do_not_call: Option<crate::callbacks::do_not_call::DoNotCall>,
    /// Keep every flow callback request (traces, tests); a long simulation turns it off.
    keep_history: bool,
    /// The local instant at runtime zero for callbacks' outbound flows.
    epoch: Option<chrono::DateTime<chrono_tz::Tz>>,
    /// How data actions answer, by action name.
    data_mocks: HashMap<String, super::data_action::DataMock>,
    /// Switches shared with a server; `None`: the center's values at start.
    switches: Option<super::overrides::Switches>,
}

impl<R: Runtime> Engine<R> {
    /// Starts assembling an engine for `project` on `rt`, with `acd` (see [`super::build_acd`]).
    pub fn builder(rt: R, project: &CheckedProject, acd: Acd) -> EngineBuilder<'_, R> {
        EngineBuilder {
            rt,
            project,
            acd,
            shared: None,
            callback_handle: None,
            overrides: Overrides::default(),
            ledger: None,
            people: None,
            do_not_call: None,
            keep_history: true,
            epoch: None,
            data_mocks: HashMap::new(),
            switches: None,
        }
    }
}

impl<'p, R: Runtime> EngineBuilder<'p, R> {
    /// Flows and schedules compiled once and shared: cloning every graph per flow-test case would
    /// dominate a suite.
    pub fn shared(
        mut self,
        flows: HashMap<String, Rc<FlowGraph>>,
        schedules: HashMap<String, ScheduleTable>,
    ) -> Self {
        self.shared = Some((flows, schedules));
        self
    }

    /// Agent talk time for each callback served, drawn per callback.
    pub fn callback_handle(mut self, f: impl Fn(&R) -> Micros + 'static) -> Self {
        self.callback_handle = Some(Box::new(f));
        self
    }

    /// Facts a flow test pins down (schedules, queue facts).
    pub fn overrides(mut self, overrides: Overrides) -> Self {
        self.overrides = overrides;
        self
    }

    /// Records every callback move (a durable store, or memory for traces).
    pub fn ledger(mut self, ledger: impl Ledger + 'static) -> Self {
        self.ledger = Some(Box::new(ledger));
        self
    }

    /// Numbers no callback may dial (the do-not-call list).
    pub fn do_not_call(mut self, list: crate::callbacks::do_not_call::DoNotCall) -> Self {
        self.do_not_call = Some(list);
        self
    }

    /// How simulated customers and agents answer callbacks.
    pub fn people(mut self, set: impl FnOnce(&mut PeopleModel) + 'p) -> Self {
        self.people = Some(Box::new(set));
        self
    }

    /// Forget flow callback requests once made, so a long simulation's memory stays flat.
    pub fn forget_callback_requests(mut self) -> Self {
        self.keep_history = false;
        self
    }

    /// The local instant at runtime zero, the `Now` of callbacks' outbound flows.
    pub fn epoch(mut self, epoch: chrono::DateTime<chrono_tz::Tz>) -> Self {
        self.epoch = Some(epoch);
        self
    }

    /// How the project's data actions answer (`run --data`, a test case's `given: data:`, a
    /// scenario's `data_actions:`); an action without one fails.
    pub fn data_mocks(mut self, mocks: HashMap<String, super::data_action::DataMock>) -> Self {
        self.data_mocks = mocks;
        self
    }

    /// Switches shared with whoever flips them (a server's API).
    pub fn switches(mut self, switches: super::overrides::Switches) -> Self {
        self.switches = Some(switches);
        self
    }

    pub fn build(self) -> Engine<R> {
        let (flows, schedules) = self.shared.unwrap_or_else(|| {
            (
                self.project.graphs.iter().map(|g| (g.name().to_string(), Rc::new(g.clone()))).collect(),
                ScheduleTable::tables(self.project).collect(),
            )
        });
        let mut engine = Engine::assemble(self.rt, self.project, flows, schedules, self.acd);
        if let Some(handle) = self.callback_handle {
            engine.callback_handle = handle;
        }
        engine.overrides = self.overrides;
        engine.data.mocks = self.data_mocks;
        if let Some(s) = self.switches {
            engine.switches = s;
        }
        engine.callbacks.get_mut().keep_history = self.keep_history;
        if let Some(ledger) = self.ledger {
            *engine.callback_side.ledger.get_mut() = ledger;
        }
        if let Some(set) = self.people {
            set(engine.callback_side.parties.get_mut());
        }
        if let Some(list) = self.do_not_call {
            engine.callback_side.do_not_call = list;
        }
        if self.epoch.is_some() {
            *engine.callback_side.epoch.get_mut() = self.epoch;
        }
        engine
    }
}
