//! Feedback's API tests: the real service on 127.0.0.1:0, over gRPC, on
//! SQLite and on PostgreSQL (each test runs on both; see `backend_tests!`).

// Test code may panic on the unexpected: that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod events;
mod helpers;
mod insights;
mod rollups;
mod storage;
mod surveys;
