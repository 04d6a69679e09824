//! Running calls: the async interpreter over a [`crate::compile::FlowGraph`], and the clocks it
//! runs on.

mod acd_cell;
mod agent_name;
mod agent_talk;
pub mod callback_lifecycle;
mod caller;
mod claiming_dispatcher;
mod context;
pub mod data_action;
mod engine;
mod engine_builder;
mod engine_callbacks;
mod eval;
mod interpreter;
mod live_line;
pub mod lookup_table;
mod overrides;
pub mod predictive_pacer;
mod realtime_dispatcher;
mod runtime_trait;
mod schedule;
mod select;
mod staffing;

mod tokio_runtime;
mod trace;
mod value;
mod virtual_runtime;

pub use agent_name::AgentName;
pub use caller::{Caller, DtmfScript, Keys, Prompt, SCRIPT_PAUSE};
pub use context::{CallContext, CallSpec};
pub use engine::{CallPlan, CallTask, Engine, EngineConfig, Waiter};
pub use engine_builder::EngineBuilder;
pub use engine_callbacks::EngineCallbacks;
pub use eval::{World, eval};
pub use interpreter::{CallOutcome, run_call, run_call_detached, run_call_until, run_call_with};
pub use live_line::{INTER_DIGIT, InboundCall, LineEvent, LineObserver, LiveCaller, LiveLine, Switchboard};
pub use overrides::{Overrides, ScheduleState, Switches, switches_of};
pub use realtime_dispatcher::{DispatchOptions, StoreDispatch, dispatch_acd, dispatch_store, run_dispatcher};
pub use runtime_trait::{Runtime, Signal};
pub use schedule::ScheduleTable;
pub use select::{Either, Select, select};
pub use staffing::build_acd;

pub use tokio_runtime::{TokioRuntime, TokioSignal};
pub use trace::{Event, NoTrace, Observer, Recorder};
pub use value::Value;
pub use virtual_runtime::{HandlerId, VirtualRuntime, VirtualSignal, VirtualSleep};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_callbacks;
