//! Simulation: scenarios, traffic, metrics, and queueing theory to check them against.
pub mod erlang;
pub mod metrics;
pub mod report;
pub mod scenario;
pub mod simulator;
