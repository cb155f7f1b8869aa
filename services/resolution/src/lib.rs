//! The Redress resolution service: where complaints get handled. Every
//! complaint intake accepts becomes a case that sits in a queue, moves through
//! one state machine, holds the jurisdiction's clocks, and keeps an
//! append-only, hash-chained history a regulator can verify.
//!
//! Layers: `api` (proto ↔ domain, roles, transactions, outbox rows), `domain`
//! (pure rules: the state machine, clocks and deadlines, opening a case, who
//! may do what, the regulatory returns, the hash chain), `store` (entities,
//! queries, schema), `metrics` (its instruments); the background jobs are
//! `sweeper` (the SLA clocks) and `janitor` (unfinished evidence uploads).

pub mod api;
pub mod app;
pub mod config;
pub mod domain;
pub mod janitor;
pub mod metrics;
pub mod store;
pub mod sweeper;

pub use app::Resolution;
pub use config::ResolutionConfig;
