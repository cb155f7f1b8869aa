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
    /// The subject-access export worker.
    #[serde(default)]
    pub export: ExportConfig,
}

fn default_retention_sweep_interval_ms() -> u64 {
    3_600_000
}

/// The subject-access export worker (`[export]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportConfig {
    /// How often the worker looks for due exports when not woken; 0 runs
    /// no worker (tests drive it with `ExportWorker::run_once`).
    pub poll_interval_ms: u64,
    /// How long an archive is kept after it is complete (7 days).
    pub retention_hours: u64,
    /// Failed attempts of a part before the export FAILS.
    pub max_attempts: i32,
    /// The delay before the first retry of a failed part; doubles up to
    /// `max_backoff_ms`.
    pub initial_backoff_ms: u64,
    pub max_backoff_ms: u64,
    /// How long a replica holds an export it works on before another may
    /// take it over (a crashed replica's export resumes after this).
    pub lease_seconds: u64,
    /// The longest wait for a peer's next message while gathering.
    pub peer_idle_timeout_ms: u64,
}

impl Default for ExportConfig {
    fn default() -> Self {
        Self {
            poll_interval_ms: 2_000,
            retention_hours: 7 * 24,
            max_attempts: 10,
            initial_backoff_ms: 1_000,
            max_backoff_ms: 60_000,
            lease_seconds: 300,
            peer_idle_timeout_ms: 30_000,
        }
    }
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
            export: ExportConfig::default(),
        }
    }
}
