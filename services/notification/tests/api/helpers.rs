//! Starting notification for a test, and request builders.

use std::{net::SocketAddr, time::Duration};

use redress_auth::Role;
use redress_config::Secret;
use redress_notification::{
    Notification, NotificationConfig,
    config::{EmailTransport, SmtpTls, TenantConfig},
};
use redress_proto::{
    common::v1::{Channel, Player},
    notification::v1::{
        GetNotificationRequest, MessagePurpose, Notification as NotificationMessage, NotificationEvent,
        SendNotificationRequest, notification::State,
        notification_internal_service_client::NotificationInternalServiceClient,
        notification_service_client::NotificationServiceClient,
    },
};
use redress_testkit::{TestDb, auth_config, authed, token};
use tonic::{Request, transport::Channel as GrpcChannel};

pub const TENANT: &str = "casino-a";
pub const OTHER_TENANT: &str = "casino-b";
pub const WEBHOOK_SECRET: &str = "whsec-casino-a";

/// A running notification service and clients for it.
pub struct TestNotification {
    pub service: Notification,
    pub public: NotificationServiceClient<GrpcChannel>,
    pub internal: NotificationInternalServiceClient<GrpcChannel>,
    pub mail_dir: tempfile::TempDir,
}

/// The configuration for a test database, sending e-mail to `smtp`.
pub fn config(db: &TestDb, smtp: SocketAddr) -> NotificationConfig {
    let mut config = NotificationConfig::default();
    config.server.listen = "127.0.0.1:0".into();
    config.database = db.config.clone();
    config.auth = auth_config();
    config.email.transport = EmailTransport::Smtp;
    config.email.smtp_host = smtp.ip().to_string();
    config.email.smtp_port = smtp.port();
    config.email.smtp_tls = SmtpTls::None;
    config.email.smtp_timeout_ms = 3_000;
    config.email.from = "Casino A <support@casino-a.example>".into();
    config.delivery.initial_backoff_ms = 100;
    config.delivery.max_backoff_ms = 300;
    config.delivery.poll_interval_ms = 50;
    config.delivery.lease_ms = 5_000;
    config.delivery.max_attempts = 10;
    config.tenants.insert(
        TENANT.into(),
        TenantConfig {
            default_locale: "en".into(),
            operations_email: "ops@casino-a.example".into(),
            ..Default::default()
        },
    );
    config
}

/// Points the tenant's webhooks at `url`.
pub fn with_webhook(mut config: NotificationConfig, url: String) -> NotificationConfig {
    let tenant = config.tenants.entry(TENANT.into()).or_default();
    tenant.webhook_url = url;
    tenant.webhook_secrets = vec![Secret::new(WEBHOOK_SECRET)];
    config
}

/// Gives the service a webhook secret key, written into `dir`.
pub fn with_key(mut config: NotificationConfig, dir: &std::path::Path, key: &str) -> NotificationConfig {
    let path = dir.join(format!("webhook-{key}.key"));
    std::fs::write(&path, key).unwrap();
    config.webhook_secret_key_file = Some(path);
    config
}

/// Two keys, 64 hex characters each.
pub const KEY_A: &str = "0101010101010101010101010101010101010101010101010101010101010101";
pub const KEY_B: &str = "0202020202020202020202020202020202020202020202020202020202020202";

impl TestNotification {
    pub async fn start(config: NotificationConfig) -> TestNotification {
        let mail_dir = tempfile::tempdir().unwrap();
        let mut config = config;
        config.email.file_dir = mail_dir.path().to_path_buf();
        let service = Notification::start(config).await.unwrap();
        let channel = redress_testkit::channel(service.local_addr());
        TestNotification {
            service,
            public: NotificationServiceClient::new(channel.clone()),
            internal: NotificationInternalServiceClient::new(channel),
            mail_dir,
        }
    }

    /// A request from another Redress service of `TENANT`.
    pub fn svc<T>(&self, message: T) -> Request<T> {
        authed(message, &token(TENANT, &[Role::Service]))
    }

    /// A request from a person of `TENANT` with `role`.
    pub fn as_role<T>(&self, role: Role, message: T) -> Request<T> {
        authed(message, &token(TENANT, &[role]))
    }

    pub async fn get(&mut self, name: &str) -> NotificationMessage {
        let req = self.as_role(Role::Agent, GetNotificationRequest { name: name.into() });
        self.public.get_notification(req).await.unwrap().into_inner().notification.unwrap()
    }

    /// Waits until the notification reaches `state`, and returns it.
    pub async fn wait_for(&mut self, name: &str, state: State, timeout: Duration) -> NotificationMessage {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let n = self.get(name).await;
            if n.state() == state {
                return n;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{name} did not reach {state:?}; it is {:?} after {} attempts",
                n.state(),
                n.attempt_count
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A player of `TENANT`.
pub fn player(id: &str, name: &str, language: &str, channel: Channel) -> Player {
    Player {
        player_id: id.into(),
        display_name: name.into(),
        email: format!("{id}@players.example"),
        language_code: language.into(),
        jurisdiction: if language.starts_with("pl") { "PL".into() } else { "GB".into() },
        preferred_channel: channel.into(),
        ..Default::default()
    }
}

/// The "complaint received" acknowledgement intake sends for a complaint.
pub fn complaint_received(dedupe_key: &str, player: Player) -> SendNotificationRequest {
    SendNotificationRequest {
        dedupe_key: dedupe_key.into(),
        event: NotificationEvent::ComplaintReceived.into(),
        purpose: MessagePurpose::LegallyRequired.into(),
        recipient: Some(player),
        complaint: "complaints/0190aaaa-0000-7000-8000-000000000001".into(),
        complaint_reference: "RDR-2026-000123".into(),
        variables: [
            ("acknowledge_due_date".to_owned(), "2026-01-02T10:00:00Z".to_owned()),
            ("final_response_due_date".to_owned(), "2026-01-15T10:00:00Z".to_owned()),
        ]
        .into_iter()
        .collect(),
        channel: Channel::Unspecified.into(),
    }
}

pub use redress_testkit::free_port;
