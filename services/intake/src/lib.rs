//! The Redress intake service: the front door where a casino backend files a
//! player's complaint on any channel, and reads back its status and its whole
//! interaction history.
//!
//! Layers: `api` (proto ↔ domain, roles, transactions), `domain` (pure rules:
//! validation, triage, deadline policy), `store` (entities, queries, schema).

pub mod api;
pub mod app;
pub mod config;
pub mod domain;
pub mod exporter;
pub mod store;

pub use app::Intake;
pub use config::{ExportConfig, IntakeConfig};
