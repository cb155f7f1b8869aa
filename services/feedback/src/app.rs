//! Wiring: database, outbox relay, follow-up sweeper, API and server. Used by
//! the binary, by `redress dev` and by the tests, so all three run the same
//! service.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use redress_auth::{Issuer, Verifier};
use redress_outbox::Relay;
use redress_paging::PageTokens;
use redress_proto::feedback::v1::{
    feedback_internal_service_server::FeedbackInternalServiceServer, feedback_service_server::FeedbackServiceServer,
};
use redress_server::{Authenticator, ServeOptions};
use redress_service::Running;

use crate::{
    api::{FeedbackApi, InternalService, PublicService},
    config::FeedbackConfig,
    follow_up::FollowUps,
    spikes::SpikeWatch,
    store::migration::Migrator,
};

/// The service name in logs, traces and service tokens.
pub const SERVICE_NAME: &str = "feedback";

/// A running feedback service.
pub struct Feedback {
    running: Running,
    relay: Arc<Relay>,
    follow_ups: Arc<FollowUps>,
    spikes: Arc<SpikeWatch>,
}

impl Feedback {
    /// Connects, migrates and starts serving on `listener` (`start` binds
    /// `server.listen` first).
    pub async fn start_on(config: FeedbackConfig, listener: tokio::net::TcpListener) -> anyhow::Result<Feedback> {
        let verifier = Arc::new(Verifier::from_config(&config.auth)?);
        let issuer = Issuer::for_service(&config.auth)?;
        let db = redress_db::connect_and_migrate::<Migrator>(&config.database).await.context("database")?;
        let readers = redress_db::connect_readers(&config.database, &db).await.context("database readers")?;

        let relay = Relay::new(db.clone(), config.outbox.clone(), issuer, SERVICE_NAME)?;
        let relay_worker = relay.spawn();
        let follow_ups = FollowUps::new(db.clone(), Arc::clone(&relay));
        let follow_up_worker = follow_ups.spawn(Duration::from_millis(config.follow_up_interval_ms.max(100)));

        let max = config.server.max_message_bytes;
        let server_config = config.server.clone();
        let page_tokens = PageTokens::configured(config.page_token_secret.expose(), config.auth.hs256_secret.expose());
        let config = Arc::new(config);
        let spikes = SpikeWatch::new(db.clone(), Arc::clone(&relay), Arc::clone(&config));
        let spike_worker = (config.spike_check_interval_ms > 0)
            .then(|| spikes.spawn(Duration::from_millis(config.spike_check_interval_ms)));
        let api = Arc::new(FeedbackApi::new(db.clone(), readers, Arc::clone(&relay), page_tokens, config));
        let auth = Authenticator::new(Arc::clone(&verifier));
        let routes = redress_server::routes!(auth, max;
            FeedbackServiceServer::new(PublicService(Arc::clone(&api))),
            FeedbackInternalServiceServer::new(InternalService(api)),
        );
        let server = redress_server::spawn(
            listener,
            routes,
            ServeOptions {
                config: server_config.clone(),
                verifier,
                services: vec![
                    "redress.feedback.v1.FeedbackService".into(),
                    "redress.feedback.v1.FeedbackInternalService".into(),
                ],
                database: Some(redress_db::Readiness::new::<Migrator>(db.clone())),
            },
        )?;
        let workers = [relay_worker, follow_up_worker].into_iter().chain(spike_worker).collect();
        let running = Running::new(SERVICE_NAME, server, workers, &server_config, db);
        Ok(Feedback { running, relay, follow_ups, spikes })
    }

    /// The outbox relay (tests read its backlog).
    pub fn relay(&self) -> &Arc<Relay> {
        &self.relay
    }

    /// The follow-up sweeper (tests run it at a chosen time).
    pub fn follow_ups(&self) -> &Arc<FollowUps> {
        &self.follow_ups
    }

    /// The spike watch (tests drive it with `run_once`).
    pub fn spikes(&self) -> &Arc<SpikeWatch> {
        &self.spikes
    }
}

redress_service::service!(Feedback, FeedbackConfig, Migrator, SERVICE_NAME);
