//! Simulation: scenarios, traffic, metrics, and queueing theory to check them against.
