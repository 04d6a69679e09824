//! A person on a live line — the service's web phone: keys arrive as they are pressed, what the
//! flow says goes back as it is said, and hanging up ends the call wherever it is.
//!
//! The interpreter asks its caller for a line ([`super::Caller::line`]); scripted and simulated
//! callers have none and pay nothing for it. The engine learns of new calls, and rings a person
//! for a callback, through the [`Switchboard`] the service plugs in.

use super::Runtime;
use super::caller::{Caller, Keys, Prompt};
use super::select::{Either, select};
use super::trace::{Event, Observer};
use crate::callbacks::CallbackStep;
use crate::time::Micros;
use std::future::Future;
use std::pin::Pin;
use tokio::sync::{broadcast, mpsc, watch};

/// After the first key, how long the next one may take before the input is over (Genesys's
/// inter-digit timeout; Connect's default is 5 s, Twilio's 5 s, Genesys 3 s; a person on a
/// web keypad needs the longer one).
pub const INTER_DIGIT: Micros = 5_000_000;

/// What the person on the line hears and sees.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LineEvent {
    /// Ringing: a callback dials this phone (`from`: the queue's caller id).
    Ringing { callback_id: String, from: Option<String> },
    /// The call is connected to the flow `flow`.
    Connected { flow: String },
    /// A prompt being played, as text.
    Prompt { text: String },
    /// Keys the flow took.
    Keys { keys: String },
    /// The flow waited for keys and none came.
    NoInput,
    /// Waiting in `queue`: the position (1 = next) and the estimated wait, when known.
    Waiting { queue: String, position: Option<u32>, ewt_secs: Option<i64> },
    /// An agent is on the call.
    Agent { agent: String },
    /// The agent put the call on hold (`on`), or took it off.
    Hold { on: bool },
    /// The agent pressed keys on their desk's keypad (the person hears the tones).
    AgentKeys { keys: String },
    /// A callback was booked for `number`.
    CallbackBooked { number: String, queue: String },
    /// The call ended; why, in words.
    Ended { reason: String },
}

/// One live call's line, as the engine holds it.
pub struct LiveLine {
    /// The keys pressed, in order (keys pressed during a prompt wait for the next input, as on a
    /// phone with type-ahead).
    keys: mpsc::UnboundedReceiver<char>,
    /// Everything the person is told; nobody listening is not an error (the page closed).
    events: broadcast::Sender<LineEvent>,
    /// Turns `true` when the person hangs up; a dropped sender counts as hanging up.
    hung_up: watch::Receiver<bool>,
}

impl LiveLine {
    pub fn new(
        keys: mpsc::UnboundedReceiver<char>,
        events: broadcast::Sender<LineEvent>,
        hung_up: watch::Receiver<bool>,
    ) -> Self {
        LiveLine { keys, events, hung_up }
    }

    pub fn say(&self, event: LineEvent) {
        let _ = self.events.send(event);
    }

    /// Ends when the person hangs up (at once when they already have).
    pub fn hang_up(&self) -> impl Future<Output = ()> + 'static {
        let mut rx = self.hung_up.clone();
        async move {
            let _ = rx.wait_for(|h| *h).await;
        }
    }

    /// An observer that tells the person what the flow does.
    pub fn observer(&self) -> LineObserver {
        LineObserver { events: self.events.clone(), last_wait: std::rc::Rc::default() }
    }

    /// Waits for up to `max` keys: the first within `timeout`, each next one within
    /// [`INTER_DIGIT`], stopping early at `terminator` (which is kept, as the interpreter strips
    /// it). `None`: no key came.
    pub async fn gather<R: Runtime>(
        &mut self,
        rt: &R,
        max: usize,
        terminator: Option<char>,
        timeout: Micros,
        interdigit: Micros,
    ) -> Option<String> {
        let mut digits = String::new();
        let mut taken = 0;
        while taken < max.max(1) {
            let wait = if digits.is_empty() { timeout } else { interdigit };
            match select(self.keys.recv(), rt.sleep(wait)).await {
                Either::Left(Some(key)) => {
                    digits.push(key);
                    if Some(key) == terminator {
                        break;
                    }
                    taken += 1;
                }
                // The page went away (no more keys) or the time ran out.
                Either::Left(None) | Either::Right(()) => break,
            }
        }
        (!digits.is_empty()).then_some(digits)
    }
}

/// A person calling in on a live line.
pub struct InboundCall {
    /// The call's id (`call-N` on the agent desk), for logs and the desk.
    pub id: u64,
    /// The inbound flow the dialled number reaches.
    pub flow: String,
    /// The caller's number (`Call.Ani`) and name (`Call.CallerName`).
    pub ani: String,
    pub name: String,
    /// The number dialled (`Call.Dnis`).
    pub dnis: String,
    pub line: LiveLine,
}

/// How the engine meets the people on live lines: it takes the calls they placed, and rings them
/// when a callback dials their number.
pub trait Switchboard {
    /// Calls placed since the last look.
    fn incoming(&self) -> Vec<InboundCall>;
    /// Rings the phone registered for `number`, if any: `None` when no phone has the number
    /// (another dialer places the call); else a future that answers the line when the person
    /// picks up, or `None` when they decline or let it ring out.
    #[allow(clippy::type_complexity)]
    fn ring(
        &self,
        number: &str,
        callback_id: &str,
        caller_id: Option<&str>,
    ) -> Option<Pin<Box<dyn Future<Output = Option<LiveLine>>>>>;
}

/// The caller on a live line: the keys come from the line, never from a script.
pub struct LiveCaller {
    pub line: LiveLine,
}

impl Caller for LiveCaller {
    fn respond(&mut self, _: Prompt<'_>, _: &mut dyn FnMut() -> f64) -> Keys {
        Keys::Silence
    }

    fn line(&mut self) -> Option<&mut LiveLine> {
        Some(&mut self.line)
    }
}

/// A waiting call's position and estimated wait in seconds, as last told.
type WaitFacts = (Option<u32>, Option<i64>);

/// Tells the person on the line what the flow does: prompts, keys taken, the queue, the agent.
#[derive(Clone)]
pub struct LineObserver {
    events: broadcast::Sender<LineEvent>,
    /// The position and estimate last told: the flow reads them often, the person hears of a
    /// change once.
    last_wait: std::rc::Rc<std::cell::Cell<Option<WaitFacts>>>,
}

impl Observer for LineObserver {
    fn enabled(&self) -> bool {
        true
    }

    fn record(&self, _at: Micros, event: Event) {
        let said = match event {
            Event::Prompt(text) => LineEvent::Prompt { text },
            Event::Input(keys) | Event::Said(keys) => LineEvent::Keys { keys },
            Event::NoInput => LineEvent::NoInput,
            Event::Queued { queue, position } => {
                self.last_wait.set(Some((position, None)));
                LineEvent::Waiting { queue, position, ewt_secs: None }
            }
            Event::Answered { agent, .. } => LineEvent::Agent { agent },
            Event::CallbackCreated { queue, number, .. } => LineEvent::CallbackBooked { number, queue },
            Event::Callback { step: CallbackStep::Connected { agent }, .. } => LineEvent::Agent { agent },
            _ => return,
        };
        let _ = self.events.send(said);
    }

    fn waiting(&self, _at: Micros, queue: &str, position: Option<u32>, ewt: Option<Micros>) {
        let ewt_secs = ewt.map(|e| e / 1_000_000);
        if self.last_wait.replace(Some((position, ewt_secs))) == Some((position, ewt_secs)) {
            return;
        }
        let _ = self.events.send(LineEvent::Waiting { queue: queue.to_string(), position, ewt_secs });
    }
}

/// Runs a person's call on `engine` from its inbound flow to its end (or their hanging up),
/// telling them each step and how it ended.
pub async fn serve_inbound<R: Runtime>(engine: std::rc::Rc<super::Engine<R>>, call: InboundCall) {
    use super::{CallContext, CallOutcome, CallPlan, CallSpec, CallTask, run_call_until};
    let InboundCall { id, flow, ani, name, dnis, line } = call;
    let Some(graph) = engine.flow(&flow) else {
        line.say(LineEvent::Ended {
            reason: format!("the number reaches flow `{flow}`, which is not loaded"),
        });
        return;
    };
    let start = engine.callback_side.epoch.borrow().unwrap_or_else(|| {
        chrono::TimeZone::from_utc_datetime(&chrono_tz::Tz::UTC, &chrono::NaiveDateTime::default())
    });
    let spec = CallSpec {
        id,
        ani,
        ani_is_e164: false,
        dnis: std::rc::Rc::from(dnis.as_str()),
        caller_name: name,
        start,
        data: std::collections::BTreeMap::new(),
    };
    let ctx = Box::new(CallContext::new(spec, engine.rt.now()));
    line.say(LineEvent::Connected { flow: flow.clone() });
    let (obs, hang_up) = (line.observer(), line.hang_up());
    // A simulated agent who answers talks for the engine's callback handle time; a person at a
    // desk talks until they end the call.
    let handle = (engine.callback_handle)(&engine.rt);
    let plan = CallPlan { patience: None, handle, hang_up: None };
    let mut task = CallTask { engine: engine.clone(), ctx, caller: LiveCaller { line }, plan, obs };
    let outcome = run_call_until(&mut task, graph, hang_up).await;
    let reason = match outcome {
        CallOutcome::Answered { agent, .. } => format!("the call with {agent} ended"),
        CallOutcome::Abandoned { .. } | CallOutcome::HungUp { .. } => "you hung up".to_string(),
        CallOutcome::CallbackCreated { .. } => "the callback keeps your place; we will call you".to_string(),
        CallOutcome::Disconnected { .. } => "the flow ended the call".to_string(),
        CallOutcome::TransferredOut { to, .. } => format!("transferred to {to}"),
        CallOutcome::ConnectedToAgent { .. } => "connected".to_string(),
        CallOutcome::VoicemailLeft { .. } => "a message was left".to_string(),
        CallOutcome::RetryLater { .. } => "we will call again later".to_string(),
        CallOutcome::FlowError { message, .. } => format!("the flow stopped: {message}"),
    };
    tracing::info!(call = id, flow, reason, "live call ended");
    task.caller.line.say(LineEvent::Ended { reason });
}
