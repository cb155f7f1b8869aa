//! Notification's API tests: the real service on 127.0.0.1:0 over gRPC, a
//! real SMTP server and a real webhook receiver started by the test, on
//! SQLite and on PostgreSQL (each test runs on both; see `backend_tests!`).

// Test code may panic on the unexpected: that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod delivery;
mod end_to_end;
mod endpoints;
mod health;
mod helpers;
mod secrets;
mod send;
mod sessions;
mod smtp;
mod storage;
mod templates;
mod webhook;
mod webhooks;
