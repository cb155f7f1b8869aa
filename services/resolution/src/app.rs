//! Wiring: database, outbox relay, SLA sweeper, evidence janitor, API and server. Used by the
//! binary, by `redress dev` and by the tests, so all three run the same
//! service.

use std::sync::Arc;

use anyhow::Context;
use redress_auth::{Issuer, Verifier};
use redress_outbox::Relay;
use redress_paging::PageTokens;
use redress_policy::PolicyTable;
use redress_proto::resolution::v1::{
    resolution_internal_service_server::ResolutionInternalServiceServer,
    resolution_service_server::ResolutionServiceServer,
};
use redress_server::{Authenticator, ServeOptions};
use redress_service::Running;

use crate::{
    api::{InternalService, PublicService, ResolutionApi},
    config::ResolutionConfig,
    domain::playbook::Playbooks,
    janitor::EvidenceJanitor,
    store::migration::Migrator,
    sweeper::Sweeper,
};

/// The service name in logs, traces and service tokens.
pub const SERVICE_NAME: &str = "resolution";

/// A running resolution service.
pub struct Resolution {
    running: Running,
    relay: Arc<Relay>,
    sweeper: Arc<Sweeper>,
    janitor: Arc<EvidenceJanitor>,
}

impl Resolution {
    /// Connects, migrates and starts serving on `listener` (`start` binds
    /// `server.listen` first).
    pub async fn start_on(config: ResolutionConfig, listener: tokio::net::TcpListener) -> anyhow::Result<Resolution> {
        let policy = PolicyTable::load(config.policy_file.as_deref())?;
        let playbooks = Playbooks::shipped().map_err(anyhow::Error::msg)?;
        let verifier = Arc::new(Verifier::from_config(&config.auth)?);
        let issuer = Issuer::for_service(&config.auth)?;
        let db = redress_db::connect_and_migrate::<Migrator>(&config.database).await.context("database")?;

        let relay = Relay::new(db.clone(), config.outbox.clone(), issuer, SERVICE_NAME)?;
        let relay_worker = relay.spawn();

        let api = Arc::new(
            ResolutionApi::new(
                db.clone(),
                Arc::clone(&relay),
                Arc::new(policy),
                Arc::new(playbooks),
                PageTokens::configured(config.page_token_secret.expose(), config.auth.hs256_secret.expose()),
                config.escalation_queue.clone(),
                config.tenants.iter().map(|(k, v)| (k.clone(), v.staff_notifications.clone())).collect(),
            )
            .with_evidence_policies(config.tenants.iter().map(|(k, v)| (k.clone(), v.evidence.clone())).collect()),
        );
        let auth = Authenticator::new(Arc::clone(&verifier));
        let max = config.server.max_message_bytes;
        let sweeper = Sweeper::new(db.clone(), Arc::clone(&api));
        let sweeper_worker = (config.sweep_interval_ms > 0)
            .then(|| sweeper.spawn(std::time::Duration::from_millis(config.sweep_interval_ms)));
        let janitor =
            EvidenceJanitor::new(db.clone(), std::time::Duration::from_millis(config.evidence_orphan_after_ms));
        let janitor_worker = (config.evidence_janitor_interval_ms > 0)
            .then(|| janitor.spawn(std::time::Duration::from_millis(config.evidence_janitor_interval_ms)));
        let routes = redress_server::routes!(auth, max;
            ResolutionServiceServer::new(PublicService(Arc::clone(&api))),
            ResolutionInternalServiceServer::new(InternalService(api)),
        );
        let server = redress_server::spawn(
            listener,
            routes,
            ServeOptions {
                config: config.server.clone(),
                verifier,
                services: vec![
                    "redress.resolution.v1.ResolutionService".into(),
                    "redress.resolution.v1.ResolutionInternalService".into(),
                ],
                database: Some(redress_db::Readiness::new::<Migrator>(db.clone())),
            },
        )?;
        let workers = std::iter::once(relay_worker).chain(sweeper_worker).chain(janitor_worker).collect();
        let running = Running::new(SERVICE_NAME, server, workers, &config.server, db);
        Ok(Resolution { running, relay, sweeper, janitor })
    }

    /// The outbox relay (tests read its backlog).
    pub fn relay(&self) -> &Arc<Relay> {
        &self.relay
    }

    /// The SLA sweeper (tests call `run_once` and move its clock).
    pub fn sweeper(&self) -> &Arc<Sweeper> {
        &self.sweeper
    }

    /// The evidence janitor (tests call `run_once`).
    pub fn janitor(&self) -> &Arc<EvidenceJanitor> {
        &self.janitor
    }
}

redress_service::service!(Resolution, ResolutionConfig, Migrator, SERVICE_NAME);
