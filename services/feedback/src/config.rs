//! Feedback's configuration: defaults here, then an optional TOML file, then
//! `REDRESS_FEEDBACK__…` environment variables (see this crate's README.md).

use std::collections::BTreeMap;

use redress_auth::AuthConfig;
use redress_config::Secret;
use redress_db::DatabaseConfig;
use redress_outbox::{PeerConfig, RelayConfig};
use redress_server::ServerConfig;
use redress_telemetry::LogConfig;
use serde::{Deserialize, Serialize};

/// Everything the feedback service reads at start.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FeedbackConfig {
    /// Listener, limits and shutdown.
    pub server: ServerConfig,
    /// The service's own database.
    pub database: DatabaseConfig,
    /// Token verification and service-token signing.
    pub auth: AuthConfig,
    /// Logs.
    pub log: LogConfig,
    /// Outbox relay and the peers it calls (`notification`, `resolution`).
    pub outbox: RelayConfig,
    /// Secret that signs page tokens. Empty: derived from the auth secret.
    pub page_token_secret: Secret,
    /// Where the casino shows surveys; the invitation links to
    /// `{survey_base_url}?token={token}`. Each brand usually has its own:
    /// `tenants.<id>.survey_base_url` overrides it.
    pub survey_base_url: String,
    /// Tenant defaults, overridable per tenant in `tenants`.
    pub defaults: TenantSettings,
    /// Per-tenant overrides of `defaults`, keyed by tenant id.
    // `default`: the config crate drops empty maps of the defaults.
    #[serde(default)]
    pub tenants: BTreeMap<String, TenantOverrides>,
    /// How often the follow-up sweeper looks for due checks, in milliseconds.
    pub follow_up_interval_ms: u64,
    /// How often the spike watch compares each tenant's recurring problems
    /// with the window before, in milliseconds; 0 runs no watch (tests drive
    /// it themselves).
    pub spike_check_interval_ms: u64,
    /// The spike watch's window, in days (compared with as many days before).
    pub spike_window_days: i64,
}

/// The settings a tenant may change.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TenantSettings {
    /// How long a survey token works, in days.
    pub survey_expire_days: i64,
    /// How long after the resolution the follow-up check runs, in days.
    pub follow_up_days: i64,
    /// The recurring-problem threshold when a request does not set one.
    pub recurring_min_count: i32,
    /// The spike factor when a request does not set one.
    pub spike_factor: f64,
    /// The survey language for players without one (BCP 47).
    pub language_code: String,
}

impl Default for TenantSettings {
    fn default() -> Self {
        Self {
            survey_expire_days: 14,
            follow_up_days: 7,
            recurring_min_count: 3,
            spike_factor: 2.0,
            language_code: "en".into(),
        }
    }
}

/// A tenant's overrides; unset fields keep the defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TenantOverrides {
    pub survey_expire_days: Option<i64>,
    pub follow_up_days: Option<i64>,
    pub recurring_min_count: Option<i32>,
    pub spike_factor: Option<f64>,
    pub language_code: Option<String>,
    /// This brand's survey page; unset uses the top-level `survey_base_url`.
    pub survey_base_url: Option<String>,
}

impl FeedbackConfig {
    /// Where `tenant`'s players answer surveys.
    pub fn survey_base_url(&self, tenant: &str) -> &str {
        self.tenants.get(tenant).and_then(|o| o.survey_base_url.as_deref()).unwrap_or(&self.survey_base_url)
    }

    /// The effective settings of `tenant`.
    pub fn tenant(&self, tenant: &str) -> TenantSettings {
        let d = &self.defaults;
        match self.tenants.get(tenant) {
            None => d.clone(),
            Some(o) => TenantSettings {
                survey_expire_days: o.survey_expire_days.unwrap_or(d.survey_expire_days),
                follow_up_days: o.follow_up_days.unwrap_or(d.follow_up_days),
                recurring_min_count: o.recurring_min_count.unwrap_or(d.recurring_min_count),
                spike_factor: o.spike_factor.unwrap_or(d.spike_factor),
                language_code: o.language_code.clone().unwrap_or_else(|| d.language_code.clone()),
            },
        }
    }
}

impl Default for FeedbackConfig {
    fn default() -> Self {
        let mut outbox = RelayConfig::default();
        for peer in ["notification", "resolution"] {
            outbox.peers.insert(peer.into(), PeerConfig { url: String::new() });
        }
        Self {
            server: ServerConfig { listen: "0.0.0.0:50054".into(), ..ServerConfig::default() },
            database: DatabaseConfig::for_url("sqlite://feedback.db?mode=rwc"),
            auth: AuthConfig::default(),
            log: LogConfig::default(),
            outbox,
            page_token_secret: Secret::default(),
            survey_base_url: "https://casino.example/survey".into(),
            defaults: TenantSettings::default(),
            tenants: BTreeMap::new(),
            follow_up_interval_ms: 60_000,
            spike_check_interval_ms: 900_000,
            spike_window_days: 7,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_load_and_the_environment_sets_tenants() {
        let sources = redress_config::Sources { file: None, env: Some(Default::default()) };
        let loaded = redress_config::load("feedback", &FeedbackConfig::default(), &sources);
        assert!(loaded.is_ok(), "{:?}", loaded.err());
        let env = [("REDRESS_FEEDBACK__TENANTS__ACME__FOLLOW_UP_DAYS".to_owned(), "2".to_owned())];
        let sources = redress_config::Sources { file: None, env: Some(env.into_iter().collect()) };
        let config = redress_config::load("feedback", &FeedbackConfig::default(), &sources).ok();
        let config = config.unwrap_or_default();
        assert_eq!(config.tenant("acme").follow_up_days, 2);
    }

    #[test]
    fn tenant_overrides_replace_only_what_they_set() {
        let mut config = FeedbackConfig::default();
        config.tenants.insert("a".into(), TenantOverrides { follow_up_days: Some(3), ..Default::default() });
        assert_eq!(config.tenant("a").follow_up_days, 3);
        assert_eq!(config.tenant("a").survey_expire_days, 14);
        assert_eq!(config.tenant("b"), TenantSettings::default());
    }

    #[test]
    fn each_brand_can_have_its_own_survey_page() {
        let mut config = FeedbackConfig::default();
        let page = Some("https://casino-a.example/feedback".to_owned());
        config.tenants.insert("a".into(), TenantOverrides { survey_base_url: page, ..Default::default() });
        assert_eq!(config.survey_base_url("a"), "https://casino-a.example/feedback");
        assert_eq!(config.survey_base_url("b"), "https://casino.example/survey");
    }
}
