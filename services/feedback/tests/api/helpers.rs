//! Starting feedback for a test, a recording peer for its outbox, and
//! request builders.

use std::{net::SocketAddr, time::Duration};

use chrono::{DateTime, Utc};
use redress_auth::Role;
use redress_feedback::{Feedback, FeedbackConfig};
use redress_outbox::PeerConfig;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome, Player, TransactionReferences},
    feedback::v1::{
        EventType, RecordCaseOutcomeRequest, RecordEventRequest,
        feedback_internal_service_client::FeedbackInternalServiceClient,
        feedback_service_client::FeedbackServiceClient,
    },
};
use redress_testkit::{TestDb, auth_config, authed, eventually, token};
use tonic::{Request, transport::Channel as GrpcChannel};

pub const TENANT: &str = "casino-a";
pub const OTHER_TENANT: &str = "casino-b";

/// A running feedback service, clients for it, and the peer it calls.
pub struct TestFeedback {
    pub feedback: Feedback,
    pub client: FeedbackServiceClient<GrpcChannel>,
    pub internal: FeedbackInternalServiceClient<GrpcChannel>,
    pub peer: RecordingPeer,
    stop_peer: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Feedback's configuration for a test database, with peers at `peer`.
pub fn config(db: &TestDb, peer: Option<SocketAddr>) -> FeedbackConfig {
    let mut config = FeedbackConfig::default();
    config.server.listen = "127.0.0.1:0".into();
    config.database = db.config.clone();
    config.auth = auth_config();
    config.outbox.initial_backoff_ms = 50;
    config.outbox.max_backoff_ms = 200;
    config.outbox.poll_interval_ms = 100;
    // Tests drive the sweeper themselves, at a time of their choosing.
    config.follow_up_interval_ms = 3_600_000;
    config.spike_check_interval_ms = 0;
    config.survey_base_url = "https://casino-a.example/survey".into();
    let url = peer.map(|a| format!("http://{a}")).unwrap_or_default();
    for name in ["resolution", "notification"] {
        config.outbox.peers.insert(name.into(), PeerConfig { url: url.clone() });
    }
    config
}

impl TestFeedback {
    /// Feedback with a recording peer standing in for notification and
    /// resolution.
    pub async fn start(db: &TestDb) -> TestFeedback {
        let peer_addr = free_port();
        let peer = RecordingPeer::default();
        let stop_peer = peer.serve_on(peer_addr).await;
        Self::start_with(config(db, Some(peer_addr)), peer, Some(stop_peer)).await
    }

    pub async fn start_with(
        config: FeedbackConfig,
        peer: RecordingPeer,
        stop_peer: Option<tokio::sync::oneshot::Sender<()>>,
    ) -> TestFeedback {
        let feedback = Feedback::start(config).await.unwrap();
        let channel = redress_testkit::channel(feedback.local_addr());
        TestFeedback {
            feedback,
            client: FeedbackServiceClient::new(channel.clone()),
            internal: FeedbackInternalServiceClient::new(channel),
            peer,
            stop_peer,
        }
    }

    /// A request from another Redress service, for `TENANT`.
    pub fn service<T>(&self, message: T) -> Request<T> {
        authed(message, &token(TENANT, &[Role::Service]))
    }

    /// A request from the casino backend of `TENANT`.
    pub fn backend<T>(&self, message: T) -> Request<T> {
        authed(message, &token(TENANT, &[Role::Backend]))
    }

    /// A request from an analyst of `TENANT`.
    pub fn analyst<T>(&self, message: T) -> Request<T> {
        authed(message, &token(TENANT, &[Role::Analyst]))
    }

    /// Waits until the outbox is empty.
    pub async fn drained(&self) {
        let relay = self.feedback.relay().clone();
        assert!(eventually(Duration::from_secs(15), || async { relay.pending().await.unwrap() == 0 }).await);
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop_peer.take() {
            let _ = stop.send(());
        }
        self.feedback.shutdown().await;
    }
}

/// One event of complaint `complaint_id`.
pub fn event(event_id: &str, kind: EventType, complaint_id: &str, at: DateTime<Utc>) -> RecordEventRequest {
    RecordEventRequest {
        event_id: event_id.into(),
        r#type: kind.into(),
        occur_time: Some(ts(at)),
        complaint: format!("complaints/{complaint_id}"),
        category: ComplaintCategory::Withdrawal.into(),
        channel: Channel::Email.into(),
        jurisdiction: "PL".into(),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: format!("w-{complaint_id}"),
            payment_method: "blik".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The outcome of a resolved withdrawal case for player `player_id`.
pub fn case_outcome(case_id: &str, complaint_id: &str, resolve: DateTime<Utc>) -> RecordCaseOutcomeRequest {
    RecordCaseOutcomeRequest {
        case: format!("cases/{case_id}"),
        complaint: format!("complaints/{complaint_id}"),
        complaint_reference: "RDR-2026-000001".into(),
        player: Some(Player {
            player_id: "p-1".into(),
            display_name: "Anna".into(),
            email: "anna@example.pl".into(),
            language_code: "pl".into(),
            jurisdiction: "PL".into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        category: ComplaintCategory::Withdrawal.into(),
        outcome: Outcome::Upheld.into(),
        agent: "agent-7".into(),
        resolve_time: Some(ts(resolve)),
        channel: Channel::Email.into(),
        transaction_references: Some(TransactionReferences { payment_method: "blik".into(), ..Default::default() }),
        responsible_gambling: false,
    }
}

pub fn ts(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: at.timestamp(), nanos: at.timestamp_subsec_nanos() as i32 }
}

pub use redress_testkit::RecordingPeer;
pub use redress_testkit::free_port;
