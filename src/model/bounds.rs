//! Every numeric callback bound, with its source (see docs/callback-rules.md).
//! Checker, center.yaml validation and (later) the scheduler read these, so they agree.

/// Dial attempts (the first dial included) a queue or a Create Callback node may ask for.
/// Genesys lets a queue set 0–20 retries; Amazon Connect needs at least one attempt. callwright
/// counts every dial, so `attempts 1` means "no retry", and caps the total at 20.
pub const ATTEMPTS_MIN: i64 = 1;
pub const ATTEMPTS_MAX: i64 = 20;
/// Longest retry interval (Genesys: up to 24 hours).
pub const RETRY_INTERVAL_MAX_SECS: i64 = 24 * 3600;
/// Shortest call-between window (Webex API spec: 30 minutes; the lab text says 40).
pub const WINDOW_MIN_SECS: i64 = 30 * 60;
/// Longest call-between window (Webex: 8 hours).
pub const WINDOW_MAX_SECS: i64 = 8 * 3600;
/// How far ahead a callback may be scheduled by default (Genesys 30 days; Webex 31).
pub const DAYS_AHEAD_DEFAULT: i64 = 30;
/// The largest `max_days_ahead` a queue may set (Webex's 31).
pub const DAYS_AHEAD_MAX: i64 = 31;
/// Earliest start of a scheduled callback, from now (Webex).
pub const MIN_LEAD_SECS: i64 = 30 * 60;
/// Customer-first pacing modifier (Genesys: 1–10 customers dialled per available agent).
pub const PACING_MIN: i64 = 1;
pub const PACING_MAX: i64 = 10;
/// Ownership period of an agent-owned callback (Genesys: 1 hour to 30 days).
pub const OWNERSHIP_MIN_SECS: i64 = 3600;
pub const OWNERSHIP_MAX_SECS: i64 = 30 * 86_400;
/// Auto-dial delay after an agent accepts (Genesys: 0–1200 s, default 300).
pub const AUTO_DIAL_DELAY_MAX_SECS: i64 = 1200;
pub const AUTO_DIAL_DELAY_DEFAULT_SECS: i64 = 300;
/// Default dial attempts and spacing (Genesys on-prem callback service: 3 attempts 300 s apart).
pub const ATTEMPTS_DEFAULT: i64 = 3;
pub const RETRY_INTERVAL_DEFAULT_SECS: i64 = 300;
/// A pending callback for the same number within this span is a duplicate (004: 48 hours).
pub const DUPLICATE_WINDOW_SECS: i64 = 48 * 3600;
/// Owned callbacks cannot be edited this close to their time (003: 15 minutes).
pub const OWNED_EDIT_FREEZE_SECS: i64 = 15 * 60;
/// Callbacks with no date and no update for this long are ended as inactive (003: 14 days).
pub const INACTIVE_AFTER_SECS: i64 = 14 * 86_400;
/// A callback in progress (queued, routing, processing) this long without a change is stuck and
/// shown as such (seed 004, edge case 4: pending for more than 4 hours).
pub const STUCK_AFTER_SECS: i64 = 4 * 3600;
/// Distinct skill names one center may use (the ACD keeps skills as a 256-bit set, one bit kept
/// back); more is refused by `check` rather than leaving calls unservable.
pub const SKILLS_MAX: usize = 255;
/// Transfers into a queue one call may make from in-queue flows before the transfer fails
/// (Genesys stops an in-queue flow's re-queue loop the same way).
pub const QUEUE_TRANSFERS_MAX: u32 = 30;
/// Agents in one center, scenario or run: far above any real site, low enough that a typo
/// (`100000000`) is an error rather than minutes of work and gigabytes of memory.
pub const AGENTS_MAX: u32 = 100_000;
/// Calls already waiting per queue that `run --ahead` may put in.
pub const AHEAD_MAX: u32 = 100_000;
/// The highest arrival rate a scenario or `--arrival-rate` may give (calls per second).
pub const RATE_MAX_PER_SEC: f64 = 100_000.0;
/// The most calls one interval of a forecast may hold.
pub const CALLS_PER_INTERVAL_MAX: f64 = 10_000_000.0;

/// Longest customer name (Webex: `customerName` ≤ 250 characters).
pub const CUSTOMER_NAME_MAX: usize = 250;

/// How long a transfer's `preferred agent` may hold the call for that agent (Genesys's preferred
/// agent routing waits seconds to minutes before any agent may answer).
pub const PREFERRED_AGENT_MAX_SECS: i64 = 3600;
/// The wait for a preferred agent when the flow does not say (`preferred agent X` alone).
pub const PREFERRED_AGENT_DEFAULT_SECS: i64 = 60;
