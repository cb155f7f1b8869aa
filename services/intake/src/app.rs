//! Wiring: database, outbox relay, API and server. Used by the binary, by
//! `redress dev` and by the tests, so all three run the same service.

use std::sync::Arc;

use anyhow::Context;
use redress_auth::{Issuer, Verifier};
use redress_outbox::Relay;
use redress_paging::PageTokens;
use redress_policy::PolicyTable;
use redress_proto::intake::v1::{
    intake_internal_service_server::IntakeInternalServiceServer, intake_service_server::IntakeServiceServer,
};
use redress_server::{Authenticator, ServeOptions};
use redress_service::Running;

use crate::{
    api::{IntakeApi, InternalService, PublicService, RetentionSweeper},
    config::IntakeConfig,
    exporter::ExportWorker,
    store::migration::Migrator,
};

/// The service name in logs, traces and service tokens.
pub const SERVICE_NAME: &str = "intake";

/// A running intake service.
pub struct Intake {
    running: Running,
    relay: Arc<Relay>,
    retention: Arc<RetentionSweeper>,
    exports: Arc<ExportWorker>,
}

impl Intake {
    /// Connects, migrates and starts serving on `listener` (`start` binds
    /// `server.listen` first).
    pub async fn start_on(config: IntakeConfig, listener: tokio::net::TcpListener) -> anyhow::Result<Intake> {
        let policy = PolicyTable::load(config.policy_file.as_deref())?;
        let verifier = Arc::new(Verifier::from_config(&config.auth)?);
        let issuer = Issuer::for_service(&config.auth)?;
        let db = redress_db::connect_and_migrate::<Migrator>(&config.database).await.context("database")?;
        let readers = redress_db::connect_readers(&config.database, &db).await.context("database readers")?;

        let relay = Relay::new(db.clone(), config.outbox.clone(), issuer, SERVICE_NAME)?;
        let exports = ExportWorker::new(db.clone(), Arc::clone(&relay), config.export.clone());
        let mut workers = vec![relay.spawn()];
        workers.extend(exports.spawn());

        let api = Arc::new(IntakeApi::new(
            db.clone(),
            readers,
            Arc::clone(&relay),
            Arc::new(policy),
            PageTokens::configured(config.page_token_secret.expose(), config.auth.hs256_secret.expose()),
            config.reference_prefix.clone(),
            Arc::clone(&exports),
        ));
        let retention = RetentionSweeper::new(Arc::clone(&api));
        if config.retention_sweep_interval_ms > 0 {
            workers.push(retention.spawn(std::time::Duration::from_millis(config.retention_sweep_interval_ms)));
        }
        let auth = Authenticator::new(Arc::clone(&verifier));
        let max = config.server.max_message_bytes;
        let routes = redress_server::routes!(auth, max;
            IntakeServiceServer::new(PublicService(Arc::clone(&api))),
            IntakeInternalServiceServer::new(InternalService(api)),
        );
        let server = redress_server::spawn(
            listener,
            routes,
            ServeOptions {
                config: config.server.clone(),
                verifier,
                services: vec![
                    "redress.intake.v1.IntakeService".into(),
                    "redress.intake.v1.IntakeInternalService".into(),
                ],
                database: Some(redress_db::Readiness::new::<Migrator>(db.clone())),
            },
        )?;
        let running = Running::new(SERVICE_NAME, server, workers, &config.server, db);
        Ok(Intake { running, relay, retention, exports })
    }

    /// The outbox relay (tests read its backlog).
    pub fn relay(&self) -> &Arc<Relay> {
        &self.relay
    }

    /// The retention sweeper (tests call `sweep_at`).
    pub fn retention(&self) -> &Arc<RetentionSweeper> {
        &self.retention
    }

    /// The subject-access export worker (tests drive its rounds).
    pub fn exports(&self) -> &Arc<ExportWorker> {
        &self.exports
    }
}

redress_service::service!(Intake, IntakeConfig, Migrator, SERVICE_NAME);
