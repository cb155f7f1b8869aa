//! Resolution's configuration: defaults here, then an optional TOML file,
//! then `REDRESS_RESOLUTION__…` environment variables.

use std::{collections::BTreeMap, path::PathBuf};

use redress_auth::AuthConfig;
use redress_config::Secret;
use redress_db::DatabaseConfig;
use redress_outbox::{PeerConfig, RelayConfig};
use redress_server::ServerConfig;
use redress_telemetry::LogConfig;
use serde::{Deserialize, Serialize};

pub use crate::domain::{evidence::EvidencePolicy, staff::StaffDirectory};

/// Everything the resolution service reads at start.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResolutionConfig {
    /// Listener, limits and shutdown.
    pub server: ServerConfig,
    /// The service's own database.
    pub database: DatabaseConfig,
    /// Token verification and service-token signing.
    pub auth: AuthConfig,
    /// Logs.
    pub log: LogConfig,
    /// Outbox relay and the peers it calls (`intake`, `notification`, `feedback`).
    pub outbox: RelayConfig,
    /// A jurisdiction policy TOML replacing the shipped one.
    pub policy_file: Option<PathBuf>,
    /// Secret that signs page tokens. Empty: derived from the auth secret.
    pub page_token_secret: Secret,
    /// The queue escalated cases move to when the caller names none.
    pub escalation_queue: String,
    /// How often the SLA sweeper runs, in milliseconds; 0 turns the
    /// background sweeper off (tests call `run_once`).
    pub sweep_interval_ms: u64,
    /// How often the evidence janitor removes the chunks of uploads a crash
    /// cut off, in milliseconds; 0 turns it off (tests call `run_once`).
    pub evidence_janitor_interval_ms: u64,
    /// How old an evidence chunk without an evidence row must be before the
    /// janitor removes it, in milliseconds: longer than any upload takes
    /// (`server.request_timeout_ms` bounds one).
    pub evidence_orphan_after_ms: u64,
    /// Per-tenant settings, by tenant id (the token's `tenant`).
    #[serde(default)]
    pub tenants: BTreeMap<String, TenantConfig>,
}

/// One tenant's settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantConfig {
    /// Where the SLA sweeper's deadline warnings (75 %, 90 %, breach) go: the
    /// assignee's address, else the supervisors of the case's queue. Without
    /// an address nobody is e-mailed; the warning stays in the case history.
    pub staff_notifications: StaffDirectory,
    /// Evidence limits: largest file, allowed sniffed types, whether a
    /// malware scan must pass before download. Unconfigured tenants get the
    /// defaults (10 MiB; PNG, JPEG, GIF, WEBP, PDF, plain text; no scan).
    pub evidence: EvidencePolicy,
}

impl Default for ResolutionConfig {
    fn default() -> Self {
        let mut outbox = RelayConfig::default();
        for peer in ["intake", "notification", "feedback"] {
            outbox.peers.insert(peer.into(), PeerConfig { url: String::new() });
        }
        Self {
            server: ServerConfig { listen: "0.0.0.0:50052".into(), ..ServerConfig::default() },
            database: DatabaseConfig::for_url("sqlite://resolution.db?mode=rwc"),
            auth: AuthConfig::default(),
            log: LogConfig::default(),
            outbox,
            policy_file: None,
            page_token_secret: Secret::default(),
            escalation_queue: "escalations".into(),
            sweep_interval_ms: 30_000,
            evidence_janitor_interval_ms: 600_000,
            evidence_orphan_after_ms: 3_600_000,
            tenants: BTreeMap::new(),
        }
    }
}
