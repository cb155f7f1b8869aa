//! Intake's API tests: the real service on 127.0.0.1:0, over gRPC, on SQLite
//! and on PostgreSQL (each test runs on both; see `backend_tests!`).

mod helpers;
mod outbox;
mod submit;
mod workflow;
