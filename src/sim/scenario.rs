//! The scenario file (`*.yaml`) read by `callwright simulate`: which project and flow to run, how
//! calls arrive, how callers behave, how many agents answer, and for how long.
//!
//! # Example
//!
//! ```yaml
//! # flows/bench/mmc.yaml
//! project: .                  # project folder, relative to this file (default `.`)
//! flow: Bench                 # inbound entry flow (optional when the project has exactly one)
//! seed: 7                     # default 1
//! length: { calls: 1000000 }  # or { hours: 8 } — exactly one of them
//! traffic:
//!   start: 2026-12-01T08:00   # local time in `timezone` (default 2026-12-01T08:00)
//!   timezone: Europe/Amsterdam # default UTC
//!   rate: 45/s                # constant Poisson rate: "45/s", "100/30m", "2700/h", "160/min"
//!   # or a daily profile: interval + calls per interval, cycling if the run is longer
//!   # interval: 30m
//!   # calls_per_interval: [40, 80, 120, 160, 160, 120]
//! callers:
//!   patience: none            # or { exponential: 120s } | { fixed: 60s } | { uniform: [30s, 90s] }
//!   handle_time: { exponential: 1s }   # same forms; also { lognormal: { mean: 180s, sd: 60s } }
//!   menus:                    # per menu name: probability of each key, `silence` = no input
//!     MainMenu: { "1": 0.4, "2": 0.55, silence: 0.05 }
//!   asks:                     # per variable name of an `ask`
//!     Task.Choice: { "1": 0.6, silence: 0.4 }
//!   default_keys: silence     # for menus/asks not listed: `silence` or a key such as "1"
//! agents: 50                  # a count (every agent in every queue) ...
//! # agents: roster            # ... or center.yaml's roster
//! # agents: [ { name: a, count: 10, queues: [Support], skills: [x], wrap_up: 30s } ]
//! # agents: roster.csv       # ... or the same groups from a roster file, a row per group
//! # campaigns:                # outbound campaigns beside the inbound traffic (see sim::campaigns)
//! #   - { name: renewals, queue: Renewals, mode: predictive, contacts: 1500, hours: 09:00-17:00,
//! #       attempts: 3, retry: 1h, max_abandon: 3%, preview: 20s }
//! #   (contacts: a count of generated contacts, or a list `customers.csv` with `region: NL`)
//! service_level: { threshold: 20s }
//! ```
//!
//! # Reference
//!
//! | field | value | default |
//! | --- | --- | --- |
//! | `project` | folder of the project, relative to the scenario file | `.` |
//! | `flow` | name of the inbound flow calls enter | the project's only inbound flow |
//! | `seed` | whole number ≥ 0; the same seed gives the same run | 1 |
//! | `length` | `{ calls: N }` (N ≥ 1 arrivals) or `{ hours: H }` (H > 0, may be fractional) | required |
//! | `traffic.start` | `YYYY-MM-DDTHH:MM[:SS]`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD` (midnight), local time | `2026-12-01T08:00` |
//! | `traffic.timezone` | IANA name such as `Europe/Amsterdam` | `UTC` |
//! | `traffic.rate` | `<calls>/<period>`; period `s`, `min`, `h`, `d` or a duration such as `30m` | |
//! | `traffic.interval` + `traffic.calls_per_interval` | a profile: expected calls in each interval, repeated | |
//! | `traffic.overdispersion` | the coefficient of variation of each interval's rate, 0 to 2 (`0.15` or `15%`): every interval's rate times its own gamma factor with mean 1, so calls per interval vary as days do around a forecast | `0` (Poisson) |
//! | `traffic.forecast` | a forecast CSV (relative to the scenario): columns `interval` (`08:00` or `2026-12-01T08:00`, equally spaced), `offered` (expected calls) and optionally `aht` (`300`, `5m`): the profile, the start time of day, the handle-time mean per interval, and (without `length`) the run's length; with a `queue` column, one row per queue and interval, each queue offered its own calls through the entry flow's menus (see [`super::forecast`]); `.yaml` for the same table in YAML | |
//! | `callers.patience` | `none` or a distribution (time a caller waits in queue before hanging up) | `none` |
//! | `callers.handle_time` | a distribution (talk time) | required |
//! | `callers.menus.<Menu>` | key → probability | |
//! | `callers.asks.<Variable>` | input → probability | |
//! | `callers.retrial` | `{ probability: 0.4, after: { exponential: 10m }, max: 3 }`: a caller who abandons a queue calls again with that probability after that delay, at most `max` times (default 3); retrials count as arrivals (`retrials` in the report), not toward `length.calls` | nobody retries |
//! | `callers.default_keys` | `silence` or a key, for menus and asks not listed | `silence` |
//! | `agents` | a count ≥ 1, `roster`, a list of groups, or a roster file: `roster.csv` (a group per row, see [`super::roster_file`]) or `roster.yaml` (the same list of groups in a file of its own) | required |
//! | `service_level.threshold` | a duration ≥ 0s | `20s` |
//!
//! Exactly one of `traffic.rate` and the profile pair must be given.
//!
//! Distributions: `{ fixed: D }`, `{ exponential: MEAN }`, `{ uniform: [LO, HI] }`,
//! `{ lognormal: { mean: M, sd: S } }`, `{ gamma: { mean: M, sd: S } }` and
//! `{ empirical: FILE.csv }` — observed durations (relative to the scenario; a column `duration`,
//! `seconds`, `handle_time` or `aht`, or the only column; seconds or `4m32s`), each drawn with
//! equal probability. Means must be above zero, `LO ≤ HI`, `S ≥ 0` (`S > 0` for gamma). A
//! forecast's AHT moves any of them to its mean, keeping the shape.
//!
//! Durations are written as in `center.yaml` (`30s`, `5m`, `1h30m`, `2d`, or a bare number of
//! seconds); here `500ms` keeps its milliseconds instead of rounding up to a second.
//!
//! Key choices: probabilities are each in `[0, 1]` and may sum to at most 1; **whatever is left
//! below 1 is silence** (no input), so `{ "1": 0.4, "2": 0.5 }` means 10% silence. Keys may be
//! written unquoted (`1: 0.4`). Options are drawn in the order written.
//!
//! Agent groups (`agents: [...]`): `name` (required, unique), `count` (≥ 1, default 1), `queues`
//! (default `[]` = every queue), `skills` (default `[]`), `wrap_up` (default `0s`), `shift`
//! (`08:00-16:30`, local time, every day; may run past midnight; default: logged in all the time)
//! and `breaks` (`["10:00 15m", "12:00 30m"]`: start and length, within the shift, not
//! overlapping), and `absence` (`8%`: each agent is away a whole day with that chance — the
//! unplanned shrinkage; drawn per agent and day from the seed). Agents log in and out on schedule; one talking when a break or the end of the
//! shift comes finishes the call first (taking no new one), and the break ends on time. The report
//! gives the scheduled agents per interval (`agents`), and occupancy over the agent time
//! scheduled.
//!
//! Loading never panics: every problem is a [`ScenarioError`] naming the field, with a line and
//! column when they can be found.

pub use super::dist::{Dist, Empirical};
pub use super::scenario_parser::{ScenarioError, load_scenario, parse_rate, parse_scenario};
use crate::model::AgentsSpec;
use crate::time::{MICROS_PER_SEC, Micros};
use chrono::{Duration as ChronoDuration, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Reporting interval used when traffic has a constant rate.
pub const CONSTANT_RATE_INTERVAL: Micros = 30 * 60 * MICROS_PER_SEC;
/// Default `service_level.threshold`.
pub const DEFAULT_SL_THRESHOLD: Micros = 20 * MICROS_PER_SEC;
/// Default `seed`.
pub const DEFAULT_SEED: u64 = 1;

/// A loaded, checked scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The project folder, resolved against the scenario file's folder.
    pub project: PathBuf,
    /// The inbound entry flow; `None` when the project is expected to have exactly one.
    pub flow: Option<String>,
    pub seed: u64,
    pub length: Length,
    pub traffic: Traffic,
    pub callers: CallerModel,
    pub agents: AgentsSpec,
    /// The service-level threshold `t`.
    pub sl_threshold: Micros,
    /// How agents and customers behave on callbacks, and the time-to-callback target.
    pub callbacks: CallbackModel,
    /// How each data action answers: its body, its failure and time-out shares, its latency.
    pub data_actions: std::collections::HashMap<String, crate::runtime::data_action::DataMock>,
    /// Outbound campaigns dialled beside the inbound traffic.
    pub campaigns: Vec<Campaign>,
    /// Every call walks its flow in the interpreter, even where the flow goes straight to a
    /// queue and the simulator would place it there itself (`simulate --interpreted`: the same
    /// report, more slowly; for checking that, and for measuring the interpreter).
    pub interpreted: bool,
}

pub use crate::model::DialMode;

/// Who a campaign dials.
#[derive(Debug, Clone, PartialEq)]
pub enum CampaignList {
    /// This many generated contacts (+3162… numbered from 1), callable all day.
    Generated(u32),
    /// A contact list read from CSV (`contacts: customers.csv`): each contact's first number whose
    /// callable hours (in the contact's zone) meet the campaign's is dialled within both.
    File(Vec<crate::callbacks::contact::Contact>),
}

impl CampaignList {
    pub fn len(&self) -> usize {
        match self {
            CampaignList::Generated(n) => *n as usize,
            CampaignList::File(list) => list.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An outbound campaign: a list of contacts dialled through its queue's callbacks (the one
/// callback pipeline), by its queue's agents, within its calling hours.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub name: String,
    /// A queue of center.yaml: its agents take the campaign's calls (with inbound ones if they are
    /// members of inbound queues too: blending), its outbound flow greets answering customers.
    pub queue: String,
    pub mode: DialMode,
    /// The contacts it dials.
    pub contacts: CampaignList,
    /// Local calling hours of the run's day, seconds since midnight: `[from, to)`.
    pub hours: (u32, u32),
    /// Dials per contact, the first included, and the time between them (busy, no answer).
    pub attempts: u32,
    pub retry: Micros,
    /// Predictive: abandoned / answered at most (3%, the usual regulatory ceiling).
    pub max_abandon: f64,
    /// Preview: the time an agent reads the record before dialling.
    pub preview: Micros,
}

/// The `callbacks:` section: odds and timings of the people on callbacks.
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackModel {
    pub odds: crate::callbacks::people::Odds,
    pub timings: crate::callbacks::people::Timings,
    /// Time-to-callback service level threshold.
    pub target: Micros,
    /// What-if overrides of every queue's center.yaml callback settings (`--sweep`).
    pub overrides: CallbackOverrides,
    /// `do_not_call: dnc.txt`: numbers no callback dials (they end as `do_not_call`).
    pub do_not_call: crate::callbacks::do_not_call::DoNotCall,
}

/// Callback settings a what-if run sets for every queue, over center.yaml's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallbackOverrides {
    /// Dial attempts per callback.
    pub attempts: Option<u32>,
    /// Seconds between attempts.
    pub retry_interval_secs: Option<u32>,
    /// Callbacks one booking slot takes.
    pub slot_capacity: Option<u32>,
}

impl CallbackOverrides {
    /// `settings` with the queue-level override applied: the slot capacity. (Attempts and the
    /// retry interval go to the engine's what-if values, which also win over a flow's own.)
    pub fn apply(
        &self,
        mut settings: crate::model::center::CallbackSettings,
    ) -> crate::model::center::CallbackSettings {
        if let Some(c) = self.slot_capacity {
            settings.slots.capacity = Some(c);
        }
        settings
    }
}

impl Default for CallbackModel {
    fn default() -> Self {
        CallbackModel {
            odds: Default::default(),
            timings: Default::default(),
            target: 3_600 * MICROS_PER_SEC,
            overrides: CallbackOverrides::default(),
            do_not_call: Default::default(),
        }
    }
}

/// How long a run lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// Stop after this many arrivals (calls then in progress are finished).
    Calls(u64),
    /// Stop arrivals after this much virtual time.
    Duration(Micros),
}

/// When and how fast calls arrive.
#[derive(Debug, Clone)]
pub struct Traffic {
    /// Local wall-clock time of virtual time 0, in `timezone`.
    pub start: NaiveDateTime,
    pub timezone: Tz,
    pub arrivals: Arrivals,
    /// The forecast's average handle time per interval (repeating like the calls), when it gives
    /// one: each call's handle time is drawn from `callers.handle_time` moved to this mean.
    pub aht: Option<Vec<Micros>>,
    /// A forecast per queue: each queue's calls and AHT per interval (their sum is the profile).
    /// Each arrival is one queue's with the chance of its share of the interval's calls, and its
    /// caller heads for that queue through the flow. Empty: callers choose as `callers` says.
    pub queues: Vec<super::forecast::QueueForecast>,
    /// The coefficient of variation of each interval's rate (0: plain Poisson). Each interval's
    /// rate is multiplied by its own gamma-distributed factor with mean 1, so the calls per
    /// interval vary more than Poisson (negative binomial: variance m + (cv·m)²), as real days
    /// vary around their forecast.
    pub overdispersion: f64,
}

/// The Poisson arrival rate over time.
#[derive(Debug, Clone, PartialEq)]
pub enum Arrivals {
    /// The same rate all the time.
    Constant { per_sec: f64 },
    /// Expected calls per interval; the list repeats when the run is longer.
    Profile { interval: Micros, calls: Vec<f64> },
}

impl Arrivals {
    /// Calls per second at virtual time `t` (times before 0 count as 0).
    pub fn rate_at(&self, t: Micros) -> f64 {
        match self {
            Arrivals::Constant { per_sec } => *per_sec,
            Arrivals::Profile { interval, calls } => {
                if calls.is_empty() || *interval <= 0 {
                    return 0.0;
                }
                let i = self.interval_of(t) % calls.len();
                calls[i] / (*interval as f64 / MICROS_PER_SEC as f64)
            }
        }
    }

    /// The highest rate at any time (for thinning an inhomogeneous Poisson process).
    pub fn max_rate(&self) -> f64 {
        match self {
            Arrivals::Constant { per_sec } => *per_sec,
            Arrivals::Profile { interval, calls } => {
                let top = calls.iter().copied().fold(0.0, f64::max);
                top / (*interval as f64 / MICROS_PER_SEC as f64)
            }
        }
    }

    /// The reporting interval: the profile's, or [`CONSTANT_RATE_INTERVAL`] for a constant rate.
    pub fn interval_len(&self) -> Micros {
        match self {
            Arrivals::Constant { .. } => CONSTANT_RATE_INTERVAL,
            Arrivals::Profile { interval, .. } => (*interval).max(1),
        }
    }

    /// The reporting interval `t` falls in, counted from the start of the run (not wrapped).
    pub fn interval_of(&self, t: Micros) -> usize {
        usize::try_from(t.max(0) / self.interval_len()).unwrap_or(usize::MAX)
    }
}

impl Traffic {
    /// Calls per second at virtual time `t`.
    pub fn rate_at(&self, t: Micros) -> f64 {
        self.arrivals.rate_at(t)
    }

    /// See [`Arrivals::interval_of`].
    pub fn interval_of(&self, t: Micros) -> usize {
        self.arrivals.interval_of(t)
    }

    /// See [`Arrivals::interval_len`].
    pub fn interval_len(&self) -> Micros {
        self.arrivals.interval_len()
    }

    /// The local start time of reporting interval `i`, such as `2026-12-01T08:30`; daylight-saving
    /// changes are followed (the run advances in real elapsed time).
    pub fn interval_label(&self, i: usize) -> String {
        let offset = i64::try_from(i).unwrap_or(i64::MAX).saturating_mul(self.interval_len());
        self.local_time(offset)
    }

    /// The local start of forecast row `i` (the `i`-th interval of local wall-clock time, as the
    /// forecast file writes it): [`interval_label`](Traffic::interval_label) but on the local
    /// clock, so across a daylight-saving change a row keeps its own time.
    pub fn row_label(&self, i: usize) -> String {
        let offset = i64::try_from(i).unwrap_or(i64::MAX).saturating_mul(self.interval_len());
        let at = self.start.checked_add_signed(ChronoDuration::microseconds(offset)).unwrap_or(self.start);
        at.format("%Y-%m-%dT%H:%M").to_string()
    }

    /// The local wall-clock time at virtual time `t`, as `YYYY-MM-DDTHH:MM[:SS]`.
    pub fn local_time(&self, t: Micros) -> String {
        let Some(start) = self.timezone.from_local_datetime(&self.start).earliest() else {
            return format!("{}", self.start.format("%Y-%m-%dT%H:%M"));
        };
        let at = start.checked_add_signed(ChronoDuration::microseconds(t)).unwrap_or(start);
        let mut text = if at.format("%S").to_string() == "00" {
            at.format("%Y-%m-%dT%H:%M").to_string()
        } else {
            at.format("%Y-%m-%dT%H:%M:%S").to_string()
        };
        // The hour the autumn change repeats happens twice: its offset tells the two apart
        // (`02:00+02:00`, then `02:00+01:00`), so every interval has a label of its own.
        if matches!(self.timezone.from_local_datetime(&at.naive_local()), chrono::LocalResult::Ambiguous(..))
        {
            text.push_str(&at.format("%:z").to_string());
        }
        text
    }
}

/// A caller's choice among keys, as cumulative probabilities in the order written. Whatever is left
/// below 1 is silence.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyChoice {
    /// `(key, cumulative probability)`; `None` is silence.
    pub options: Vec<(Option<String>, f64)>,
}

impl KeyChoice {
    /// Always this key (`None`: always silence).
    pub fn always(key: Option<&str>) -> KeyChoice {
        KeyChoice { options: vec![(key.map(str::to_owned), 1.0)] }
    }

    /// The choice for a uniform draw `u` in `[0, 1)`: `None` is silence.
    pub fn pick(&self, u: f64) -> Option<&str> {
        self.options.iter().find(|(_, cum)| u < *cum).and_then(|(key, _)| key.as_deref())
    }

    /// The probability of `key` (`None`: of silence, including the remainder below 1).
    pub fn probability(&self, key: Option<&str>) -> f64 {
        let mut prev = 0.0;
        let mut p = 0.0;
        for (k, cum) in &self.options {
            if k.as_deref() == key {
                p += cum - prev;
            }
            prev = *cum;
        }
        if key.is_none() {
            p += (1.0 - prev).max(0.0);
        }
        p
    }
}

/// How callers behave.
#[derive(Debug, Clone)]
pub struct CallerModel {
    /// How long a caller waits in a queue before hanging up; `None`: callers never abandon.
    pub patience: Option<Dist>,
    /// Talk time with an agent.
    pub handle_time: Dist,
    /// By menu name.
    pub menus: BTreeMap<String, KeyChoice>,
    /// By the variable name of an `ask`.
    pub asks: BTreeMap<String, KeyChoice>,
    /// The key pressed at menus and asks not listed; `None` is silence.
    pub default_keys: Option<String>,
    /// Callers who abandon a queue and call again; `None`: nobody does.
    pub retrial: Option<Retrial>,
}

/// `callers.retrial`: an abandoned caller calls again with `probability`, after a delay drawn
/// from `after`, at most `max` times.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrial {
    pub probability: f64,
    pub after: Dist,
    pub max: u32,
}

impl CallerModel {
    /// The choice at menu `name`, if the scenario lists it.
    pub fn menu(&self, name: &str) -> Option<&KeyChoice> {
        self.menus.get(name)
    }

    /// The choice at the `ask` into `variable`, if the scenario lists it.
    pub fn ask(&self, variable: &str) -> Option<&KeyChoice> {
        self.asks.get(variable)
    }
}

impl Scenario {
    /// `--calls N`: run for `n` arrivals.
    pub fn with_calls(mut self, n: u64) -> Scenario {
        self.length = Length::Calls(n);
        self
    }

    /// `--seed S`.
    pub fn with_seed(mut self, seed: u64) -> Scenario {
        self.seed = seed;
        self
    }

    /// `--agents N`: `n` identical agents in every queue (replaces a roster or list).
    pub fn with_agents(mut self, n: u32) -> Scenario {
        self.agents = AgentsSpec::Count(n);
        self
    }

    /// `--rate R`: a constant rate of `per_sec` calls per second (replaces a profile).
    pub fn with_rate(mut self, per_sec: f64) -> Scenario {
        self.traffic.arrivals = Arrivals::Constant { per_sec };
        self.traffic.aht = None;
        self.traffic.queues.clear();
        self
    }

    /// `--aht D`: moves the handle-time mean to `mean`, keeping the family and its shape
    /// ([`Dist::with_mean`]): an exponential stays exponential, a fixed time stays fixed, uniform
    /// and log-normal are scaled.
    pub fn with_aht(mut self, mean: Micros) -> Scenario {
        self.callers.handle_time = self.callers.handle_time.with_mean(mean);
        self.traffic.aht = None;
        for q in &mut self.traffic.queues {
            q.aht = None;
        }
        self
    }

    /// `--patience D` / `--patience none`: exponential patience with mean `mean`; `None`: callers
    /// never abandon.
    pub fn with_patience(mut self, mean: Option<Micros>) -> Scenario {
        self.callers.patience = mean.map(|mean| Dist::Exponential { mean });
        self
    }
}
