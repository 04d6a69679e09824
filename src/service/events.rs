//! The event stream: every callback state change the service makes or sees — creations, edits and
//! cancels through the API, releases, dials and endings by the in-process dispatcher — as one JSON
//! object per change, sent to every `GET /api/v2/callbacks/events` (server-sent events) listener.
//! The supervisor page refreshes from it (the Genesys view does not refresh by itself, seed 003).

use crate::callbacks::{Callback, State};
use serde_json::{Value, json};
use tokio::sync::broadcast;

/// How many changes a slow listener may fall behind before it is told it missed some (it then
/// reads the list again).
const BACKLOG: usize = 1024;

/// The sending side of the stream; cheap to share.
#[derive(Debug, Clone)]
pub struct Events {
    tx: broadcast::Sender<Value>,
}

impl Default for Events {
    fn default() -> Self {
        Events { tx: broadcast::channel(BACKLOG).0 }
    }
}

impl Events {
    /// A listener: every change from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Value> {
        self.tx.subscribe()
    }

    /// A change the API made to `cb` (now in its new state) from `from` (`None`: created).
    pub fn changed(&self, cb: &Callback, from: Option<State>, reason: &str) {
        self.publish(json!({
            "id": cb.id,
            "from": from.map(State::as_str),
            "to": cb.state.as_str(),
            "reason": reason,
            "queueId": cb.queue,
            "agentId": cb.owner,
            "at": chrono::Utc::now().to_rfc3339(),
        }));
    }

    /// A supervisor flipped a switch of center.yaml.
    pub fn switched(&self, name: &str, on: bool) {
        self.publish(json!({ "switch": name, "on": on, "at": chrono::Utc::now().to_rfc3339() }));
    }

    /// A supervisor started, paused, resumed or stopped a campaign (or it finished): its
    /// agents' desktops warn them.
    pub fn campaign(&self, name: &str, status: super::campaigns::Status) {
        self.publish(json!({ "campaign": name, "status": status, "at": chrono::Utc::now().to_rfc3339() }));
    }

    /// A change the dispatcher committed (it knows only the id and the states).
    pub fn moved(&self, id: &str, from: State, to: State, reason: &str) {
        self.publish(json!({
            "id": id,
            "from": from.as_str(),
            "to": to.as_str(),
            "reason": reason,
            "at": chrono::Utc::now().to_rfc3339(),
        }));
    }

    /// Something happened on `agent`'s desk (`offered`, `offer_timed_out`, `call`): their desktop
    /// reads its desk again.
    pub fn agent(&self, agent: &str, what: &str, id: &str) {
        self.publish(json!({
            "agent": agent,
            "desk": what,
            "id": id,
            "at": chrono::Utc::now().to_rfc3339(),
        }));
    }

    fn publish(&self, event: Value) {
        // No listener is not an error: the change is stored either way.
        let _ = self.tx.send(event);
    }
}
