//! Time at the bottom of the library: whole microseconds since the start of a run (exact on the
//! virtual clock), and the one duration grammar that flows, YAML files and every CLI flag share.

mod duration;
mod regions;

pub use duration::{format_clock, format_duration, format_micros, parse_duration, parse_duration_secs};
pub use regions::{zone_of_region, zones_of_region};

/// Microseconds since the run started. Integer, so virtual time never drifts or rounds.
pub type Micros = i64;

pub const MICROS_PER_SEC: Micros = 1_000_000;

pub fn secs(s: i64) -> Micros {
    s * MICROS_PER_SEC
}

pub fn secs_f64(m: Micros) -> f64 {
    m as f64 / MICROS_PER_SEC as f64
}
