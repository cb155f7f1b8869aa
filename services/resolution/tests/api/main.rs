//! Resolution's API tests: the real service on 127.0.0.1:0, over gRPC, on
//! SQLite and on PostgreSQL (each test runs on both; see `backend_tests!`).

// Test code may panic on the unexpected: that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod complaint_evidence;
mod contract;
mod erasure;
mod evidence;
mod helpers;
mod history;
mod intake;
mod macros;
mod queue;
mod queues;
mod recategorise;
mod returns;
mod scale;
mod storage;
mod sweeper;
mod workflow;
