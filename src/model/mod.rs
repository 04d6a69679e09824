//! The contact center as data, at the bottom of the library: `center.yaml`'s queues, agents and
//! callback settings ([`center`]), every numeric bound and default a callback obeys ([`bounds`],
//! with the source of each), and the callback modes. The checker, the center loader, the callback
//! rules and the scheduler all read their limits from here, so they cannot disagree.

mod agents;
pub mod bounds;
mod callback_mode;
pub mod center;
mod dial_mode;

pub use agents::{AgentGroup, AgentsSpec, EVERY_DAY, Shift};
pub use callback_mode::CallbackMode;
pub use dial_mode::{CAMPAIGN_PRIORITY, CONNECT_WITHIN_SECS, DialMode};
