//! The Redress notification service: every player-facing step of a complaint
//! becomes a message rendered from the tenant's template in the player's
//! language, delivered on the player's channel (e-mail over SMTP, or a
//! signed webhook to the casino backend), with every attempt recorded and a
//! proof of delivery kept.
//!
//! Layers: `api` (proto ↔ domain, roles), `domain` (pure rules: suppression,
//! routing, locale fallback, backoff, rendering), `store` (entities, queries,
//! schema), `catalog` (template selection over the store and the built-ins),
//! `delivery` (the background sender and its channels), `metrics` (its
//! instruments), `sealing` (webhook secrets encrypted at rest).

pub mod api;
pub mod app;
pub mod catalog;
pub mod config;
pub mod delivery;
pub mod domain;
pub mod metrics;
pub mod sealing;
pub mod store;

pub use app::Notification;
pub use config::NotificationConfig;
