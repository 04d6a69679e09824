//! Simulation: scenarios, traffic, metrics, and queueing theory to check them against.
pub mod campaigns;
pub mod dist;
pub mod erlang;
pub mod forecast;
pub mod html_report;
pub mod local_clock;
pub mod metrics;
pub mod observed;
pub mod replications;
pub mod report;
mod roster;
pub mod roster_file;
pub mod scenario;
mod scenario_parser;
pub mod shard;
pub mod simulator;
pub mod staffing;
pub mod sweep;
