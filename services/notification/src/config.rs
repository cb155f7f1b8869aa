//! Notification's configuration: defaults here, then an optional TOML file,
//! then `REDRESS_NOTIFICATION__…` environment variables.

use std::{collections::BTreeMap, path::PathBuf};

use redress_auth::AuthConfig;
use redress_config::Secret;
use redress_db::DatabaseConfig;
use redress_server::ServerConfig;
use redress_telemetry::LogConfig;
use serde::{Deserialize, Serialize};

/// Everything the notification service reads at start.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotificationConfig {
    /// Listener, limits and shutdown.
    pub server: ServerConfig,
    /// The service's own database.
    pub database: DatabaseConfig,
    /// Token verification.
    pub auth: AuthConfig,
    /// Logs.
    pub log: LogConfig,
    /// Secret that signs page tokens. Empty: derived from the auth secret.
    pub page_token_secret: Secret,
    /// The locale used when neither the player's language nor its primary
    /// language has a template, for tenants without their own setting.
    pub default_locale: String,
    /// Per-tenant settings, by tenant id (in the TOML file: tenant ids may
    /// contain characters environment variable names cannot).
    // An empty map does not survive the `config` crate's layering, so it
    // must be allowed to be absent.
    #[serde(default)]
    pub tenants: BTreeMap<String, TenantConfig>,
    /// How e-mail leaves.
    pub email: EmailConfig,
    /// The background sender.
    pub delivery: DeliveryConfig,
    /// A file holding the 32-byte key (raw, or 64 hex characters) that
    /// encrypts the signing secrets of webhook endpoints registered through
    /// the API. Unset: CreateWebhookEndpoint fails with FAILED_PRECONDITION
    /// (WEBHOOK_SECRET_KEY_MISSING); the TOML bootstrap endpoints still work.
    /// Losing or changing the key makes every stored secret unreadable.
    #[serde(default)]
    pub webhook_secret_key_file: Option<PathBuf>,
}

/// One tenant's (casino brand's) settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantConfig {
    /// The tenant's default locale; empty uses the service default.
    pub default_locale: String,
    /// The casino backend's webhook endpoint for chat, in-app and SMS.
    pub webhook_url: String,
    /// The webhook signing secrets. The first signs; during a rotation list
    /// the new one first and the old one second: both signatures are sent.
    /// The URL and secrets are the bootstrap endpoint: used only while the
    /// tenant has no endpoint registered through the API.
    pub webhook_secrets: Vec<Secret>,
    /// Where operations alerts go.
    pub operations_email: String,
    /// The sender address; empty uses `email.from`.
    pub email_from: String,
    /// Attempts before a dead letter; 0 uses `delivery.max_attempts`.
    pub max_attempts: i32,
}

/// How e-mail is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTransport {
    /// Over SMTP to `email.smtp`.
    Smtp,
    /// Each message as an `.eml` file in `email.file_dir` (development).
    File,
}

/// Transport security of the SMTP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text (a local relay or a test server only).
    None,
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// E-mail settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailConfig {
    /// `smtp` or `file`.
    pub transport: EmailTransport,
    /// The default sender, e.g. `Casino Support <support@casino.example>`.
    pub from: String,
    /// Folder for the file transport.
    pub file_dir: PathBuf,
    /// SMTP relay host.
    pub smtp_host: String,
    /// SMTP relay port.
    pub smtp_port: u16,
    /// `none`, `starttls` or `tls`.
    pub smtp_tls: SmtpTls,
    /// SMTP user name; empty sends without authentication.
    pub smtp_username: String,
    /// SMTP password (or `{ file = "/run/secrets/…" }`).
    pub smtp_password: Secret,
    /// A PEM file of extra root certificates trusted for the relay's TLS
    /// (a private relay's CA); the public roots are always trusted.
    pub smtp_ca_file: Option<PathBuf>,
    /// Deadline of one SMTP conversation, in milliseconds. Keep it well below
    /// `delivery.lease_ms`, so no other replica takes over a send in flight.
    pub smtp_timeout_ms: u64,
    /// SMTP sessions kept open between messages (0: one session per
    /// message). Keep it at least `delivery.max_in_flight` so a busy sender
    /// does not open and close sessions, and below the relay's limit of
    /// connections per client.
    pub smtp_pool_size: u32,
    /// An open SMTP session unused for this long, in milliseconds, is closed
    /// instead of reused (relays drop idle clients, Postfix after 300 s).
    pub smtp_idle_timeout_ms: u64,
}

impl Default for EmailConfig {
    fn default() -> Self {
        Self {
            transport: EmailTransport::File,
            from: "Redress <noreply@redress.invalid>".into(),
            file_dir: PathBuf::from("notification-mail"),
            smtp_host: "localhost".into(),
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_username: String::new(),
            smtp_password: Secret::default(),
            smtp_ca_file: None,
            smtp_timeout_ms: 20_000,
            smtp_pool_size: 32,
            smtp_idle_timeout_ms: 30_000,
        }
    }
}

/// The background sender's settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeliveryConfig {
    /// Run the sender in this process (tests may switch it off).
    pub enabled: bool,
    /// Attempts before a notification becomes a dead letter.
    pub max_attempts: i32,
    /// First retry delay, in milliseconds; doubles per failure.
    pub initial_backoff_ms: u64,
    /// Longest retry delay, in milliseconds.
    pub max_backoff_ms: u64,
    /// How long a claimed notification is reserved for one sender, in
    /// milliseconds. After a crash, it is retried once the lease runs out.
    pub lease_ms: u64,
    /// How often the sender looks for due notifications, in milliseconds.
    pub poll_interval_ms: u64,
    /// Notifications claimed per statement.
    pub batch_size: u32,
    /// Deliveries in flight at once: a sliding window, refilled by
    /// `batch_size` as deliveries finish, so one slow recipient holds up
    /// only its own slot.
    pub max_in_flight: u32,
    /// Deadline of one webhook call, in milliseconds.
    pub webhook_timeout_ms: u64,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            max_attempts: 10,
            initial_backoff_ms: 30_000,
            max_backoff_ms: 3_600_000,
            lease_ms: 60_000,
            poll_interval_ms: 1_000,
            batch_size: 16,
            max_in_flight: 32,
            webhook_timeout_ms: 10_000,
        }
    }
}

impl Default for NotificationConfig {
    fn default() -> Self {
        Self {
            server: ServerConfig { listen: "0.0.0.0:50053".into(), ..ServerConfig::default() },
            database: DatabaseConfig::for_url("sqlite://notification.db?mode=rwc"),
            auth: AuthConfig::default(),
            log: LogConfig::default(),
            page_token_secret: Secret::default(),
            default_locale: "en".into(),
            tenants: BTreeMap::new(),
            email: EmailConfig::default(),
            delivery: DeliveryConfig::default(),
            webhook_secret_key_file: None,
        }
    }
}

impl NotificationConfig {
    /// A tenant's settings (defaults when the tenant is not configured).
    pub fn tenant(&self, tenant: &str) -> TenantConfig {
        self.tenants.get(tenant).cloned().unwrap_or_default()
    }

    /// A tenant's attempt budget.
    pub fn max_attempts(&self, tenant: &str) -> i32 {
        let own = self.tenants.get(tenant).map(|t| t.max_attempts).unwrap_or_default();
        if own > 0 { own } else { self.delivery.max_attempts.max(1) }
    }

    /// A tenant's default locale.
    pub fn default_locale(&self, tenant: &str) -> String {
        let own = self.tenants.get(tenant).map(|t| t.default_locale.clone()).unwrap_or_default();
        if own.is_empty() { self.default_locale.clone() } else { own }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_variables_choose_the_smtp_transport_and_its_security() {
        let env = [
            ("REDRESS_NOTIFICATION__EMAIL__TRANSPORT", "smtp"),
            ("REDRESS_NOTIFICATION__EMAIL__SMTP_TLS", "tls"),
            ("REDRESS_NOTIFICATION__EMAIL__SMTP_PORT", "465"),
            ("REDRESS_NOTIFICATION__DELIVERY__MAX_ATTEMPTS", "4"),
        ];
        let sources = redress_config::Sources {
            file: None,
            env: Some(env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
        };
        let config: NotificationConfig =
            redress_config::load("notification", &NotificationConfig::default(), &sources).unwrap();
        assert_eq!(config.email.transport, EmailTransport::Smtp);
        assert_eq!(config.email.smtp_tls, SmtpTls::Tls);
        assert_eq!(config.email.smtp_port, 465);
        assert_eq!(config.max_attempts("any"), 4);
    }

    #[test]
    fn development_defaults_write_files_and_tenants_fall_back_to_the_service_locale() {
        let config = NotificationConfig::default();
        assert_eq!(config.email.transport, EmailTransport::File);
        assert_eq!(config.default_locale("casino-a"), "en");
        assert_eq!(config.max_attempts("casino-a"), 10);
    }

    #[test]
    fn a_config_file_sets_per_tenant_webhooks_and_locales() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notification.toml");
        std::fs::write(
            &path,
            "[tenants.casino-a]\ndefault_locale = \"pl\"\nwebhook_url = \"https://backend.example/hook\"\n\
             webhook_secrets = [\"new\", \"old\"]\nmax_attempts = 3\n",
        )
        .unwrap();
        let sources = redress_config::Sources { file: Some(path), env: Some(Default::default()) };
        let config: NotificationConfig =
            redress_config::load("notification", &NotificationConfig::default(), &sources).unwrap();
        assert_eq!(config.default_locale("casino-a"), "pl");
        assert_eq!(config.tenant("casino-a").webhook_secrets.len(), 2);
        assert_eq!(config.max_attempts("casino-a"), 3);
        assert_eq!(config.default_locale("casino-b"), "en");
    }
}
