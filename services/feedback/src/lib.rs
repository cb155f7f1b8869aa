//! The Redress feedback service: the last step of the handling loop. It asks
//! the player afterwards whether they are satisfied (surveys with single-use
//! tokens, follow-up checks), keeps the analytics event store fed by intake
//! and resolution, and turns it into insights and recurring problems.
//!
//! Layers: `api` (proto ↔ domain, roles, transactions), `domain` (pure rules:
//! validation, per-complaint facts, insight figures, clusters and spikes),
//! `store` (entities, queries, schema), `follow_up` (the background sweeper), `metrics` (its instruments).

pub mod api;
pub mod app;
pub mod config;
pub mod domain;
pub mod follow_up;
pub mod metrics;
pub mod spikes;
pub mod store;

pub use app::Feedback;
pub use config::FeedbackConfig;
