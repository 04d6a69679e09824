//! Queues, agents, routing and estimated wait.
