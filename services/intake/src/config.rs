//! Intake's configuration: defaults here, then an optional TOML file, then
//! `REDRESS_INTAKE__…` environment variables (see README's reference).

use std::path::PathBuf;

use redress_auth::AuthConfig;
use redress_config::Secret;
use redress_db::DatabaseConfig;
use redress_outbox::{PeerConfig, RelayConfig};
use redress_server::ServerConfig;
use redress_telemetry::LogConfig;
use serde::{Deserialize, Serialize};

/// Everything the intake service reads at start.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IntakeConfig {
    /// Listener, limits and shutdown.
    pub server: ServerConfig,
    /// The service's own database.
    pub database: DatabaseConfig,
    /// Token verification and service-token signing.
    pub auth: AuthConfig,
    /// Logs.
    pub log: LogConfig,
    /// Outbox relay and the peers it calls.
    pub outbox: RelayConfig,
    /// A jurisdiction policy TOML replacing the shipped one.
    pub policy_file: Option<PathBuf>,
    /// Secret that signs page tokens. Empty: derived from the auth secret.
    pub page_token_secret: Secret,
    /// Prefix of human references, e.g. `RDR` → `RDR-2026-000123`.
    pub reference_prefix: String,
    /// How often the retention sweep runs (policy `[retention]`), in
    /// milliseconds; 0: never (tests drive it).
    #[serde(default = "default_retention_sweep_interval_ms")]
    pub retention_sweep_interval_ms: u64,
}

fn default_retention_sweep_interval_ms() -> u64 {
    3_600_000
}

impl Default for IntakeConfig {
    fn default() -> Self {
        let mut outbox = RelayConfig::default();
        for peer in ["resolution", "notification", "feedback"] {
            outbox.peers.insert(peer.into(), PeerConfig { url: String::new() });
        }
        Self {
            server: ServerConfig { listen: "0.0.0.0:50051".into(), ..ServerConfig::default() },
            database: DatabaseConfig::for_url("sqlite://intake.db?mode=rwc"),
            auth: AuthConfig::default(),
            log: LogConfig::default(),
            outbox,
            policy_file: None,
            page_token_secret: Secret::default(),
            reference_prefix: "RDR".into(),
            retention_sweep_interval_ms: default_retention_sweep_interval_ms(),
        }
    }
}
