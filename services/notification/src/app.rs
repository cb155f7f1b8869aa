//! Wiring: database, template catalog, sender, API and server. Used by the
//! binary, by `redress dev` and by the tests, so all three run the same
//! service.

use std::sync::Arc;

use anyhow::Context;
use redress_auth::Verifier;
use redress_paging::PageTokens;
use redress_proto::notification::v1::{
    notification_internal_service_server::NotificationInternalServiceServer,
    notification_service_server::NotificationServiceServer,
};
use redress_server::{Authenticator, ServeOptions};
use redress_service::Running;
use redress_worker::Worker;

use crate::{
    api::{InternalService, NotificationApi, PublicService},
    catalog::Catalog,
    config::{EmailTransport, NotificationConfig},
    delivery::Sender,
    sealing::SealingKey,
    store::migration::Migrator,
};

/// The service name in logs, traces and service tokens.
pub const SERVICE_NAME: &str = "notification";

/// A running notification service.
pub struct Notification {
    running: Running,
    sender: Arc<Sender>,
}

impl Notification {
    /// Connects, migrates and starts serving on `listener` (`start` binds
    /// `server.listen` first).
    pub async fn start_on(
        config: NotificationConfig,
        listener: tokio::net::TcpListener,
    ) -> anyhow::Result<Notification> {
        let catalog = Arc::new(Catalog::new().context("built-in templates")?);
        let verifier = Arc::new(Verifier::from_config(&config.auth)?);
        let db = redress_db::connect_and_migrate::<Migrator>(&config.database).await.context("database")?;
        // A key file that is configured but unreadable stops the start: every
        // endpoint's deliveries would fail otherwise.
        let sealing = match &config.webhook_secret_key_file {
            Some(path) => {
                Some(SealingKey::from_file(path).map_err(anyhow::Error::msg).context("webhook_secret_key_file")?)
            }
            None => {
                tracing::info!("no webhook_secret_key_file: webhook endpoints cannot be registered through the api");
                None
            }
        };
        let config = Arc::new(config);

        let sender = Sender::new(db.clone(), Arc::clone(&config), Arc::clone(&catalog), sealing.clone())
            .context("webhook client")?;
        let workers: Vec<Worker> = config.delivery.enabled.then(|| sender.spawn()).into_iter().collect();
        match config.email.transport {
            EmailTransport::File => {
                tracing::info!(dir = %config.email.file_dir.display(), "e-mail is written as .eml files, not sent")
            }
            EmailTransport::Smtp => {
                if config.email.smtp_tls != crate::config::SmtpTls::None {
                    // A CA file that cannot be read stops the start, not every send.
                    crate::delivery::email::tls_parameters(&config.email).map_err(anyhow::Error::msg)?;
                }
                tracing::info!(
                    host = %config.email.smtp_host,
                    port = config.email.smtp_port,
                    tls = ?config.email.smtp_tls,
                    "e-mail goes out over smtp"
                )
            }
        }

        let api = Arc::new(NotificationApi::new(
            db.clone(),
            Arc::clone(&config),
            catalog,
            Arc::clone(&sender),
            PageTokens::configured(config.page_token_secret.expose(), config.auth.hs256_secret.expose()),
            sealing,
        ));
        let auth = Authenticator::new(Arc::clone(&verifier));
        let max = config.server.max_message_bytes;
        let routes = redress_server::routes!(auth, max;
            NotificationServiceServer::new(PublicService(Arc::clone(&api))),
            NotificationInternalServiceServer::new(InternalService(api)),
        );
        let server = redress_server::spawn(
            listener,
            routes,
            ServeOptions {
                config: config.server.clone(),
                verifier,
                services: vec![
                    "redress.notification.v1.NotificationService".into(),
                    "redress.notification.v1.NotificationInternalService".into(),
                ],
                database: Some(redress_db::Readiness::new::<Migrator>(db.clone())),
            },
        )?;
        let running = Running::new(SERVICE_NAME, server, workers, &config.server, db);
        Ok(Notification { running, sender })
    }

    /// The background sender (tests drive rounds by hand).
    pub fn sender(&self) -> &Arc<Sender> {
        &self.sender
    }
}

redress_service::service!(Notification, NotificationConfig, Migrator, SERVICE_NAME);
