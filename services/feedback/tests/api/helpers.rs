//! Starting feedback for a test, a recording peer for its outbox, and
//! request builders.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

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
    notification::v1::{
        SendNotificationRequest, SendNotificationResponse,
        notification_internal_service_server::{NotificationInternalService, NotificationInternalServiceServer},
    },
    resolution::v1::{
        FlagFollowUpRequest, FlagFollowUpResponse, OpenCaseRequest, OpenCaseResponse, RecordPlayerDecisionRequest,
        RecordPlayerDecisionResponse, RecordPlayerMessageRequest, RecordPlayerMessageResponse, RecordWithdrawalRequest,
        RecordWithdrawalResponse,
        resolution_internal_service_server::{ResolutionInternalService, ResolutionInternalServiceServer},
    },
};
use redress_testkit::{TestDb, auth_config, authed, eventually, token};
use tonic::{Request, Response, Status, transport::Channel as GrpcChannel};

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
        let stop_peer = peer.serve(peer_addr).await;
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

/// What the peer received, by method.
#[derive(Default, Debug)]
pub struct Received {
    pub notifications: Vec<SendNotificationRequest>,
    pub follow_ups: Vec<FlagFollowUpRequest>,
}

/// A real gRPC server standing in for notification and resolution, which
/// records what it receives.
#[derive(Clone, Default)]
pub struct RecordingPeer(pub Arc<Mutex<Received>>);

impl RecordingPeer {
    /// Serves the peer on `addr` until the returned sender is dropped or fired.
    pub async fn serve(&self, addr: SocketAddr) -> tokio::sync::oneshot::Sender<()> {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = tonic::transport::Server::builder()
            .add_service(ResolutionInternalServiceServer::new(self.clone()))
            .add_service(NotificationInternalServiceServer::new(self.clone()));
        tokio::spawn(router.serve_with_incoming_shutdown(
            tokio_stream::wrappers::TcpListenerStream::new(listener),
            async {
                let _ = rx.await;
            },
        ));
        tx
    }

    pub fn notifications(&self) -> Vec<SendNotificationRequest> {
        self.0.lock().unwrap().notifications.clone()
    }

    pub fn follow_ups(&self) -> Vec<FlagFollowUpRequest> {
        self.0.lock().unwrap().follow_ups.clone()
    }
}

#[tonic::async_trait]
impl ResolutionInternalService for RecordingPeer {
    async fn open_case(&self, _: Request<OpenCaseRequest>) -> Result<Response<OpenCaseResponse>, Status> {
        Err(Status::unimplemented("not a call feedback makes"))
    }
    async fn record_player_message(
        &self,
        _: Request<RecordPlayerMessageRequest>,
    ) -> Result<Response<RecordPlayerMessageResponse>, Status> {
        Err(Status::unimplemented("not a call feedback makes"))
    }
    async fn record_player_decision(
        &self,
        _: Request<RecordPlayerDecisionRequest>,
    ) -> Result<Response<RecordPlayerDecisionResponse>, Status> {
        Err(Status::unimplemented("not a call feedback makes"))
    }
    async fn record_withdrawal(
        &self,
        _: Request<RecordWithdrawalRequest>,
    ) -> Result<Response<RecordWithdrawalResponse>, Status> {
        Err(Status::unimplemented("not a call feedback makes"))
    }
    async fn flag_follow_up(
        &self,
        request: Request<FlagFollowUpRequest>,
    ) -> Result<Response<FlagFollowUpResponse>, Status> {
        self.0.lock().unwrap().follow_ups.push(request.into_inner());
        Ok(Response::new(FlagFollowUpResponse::default()))
    }
}

#[tonic::async_trait]
impl NotificationInternalService for RecordingPeer {
    async fn send_notification(
        &self,
        request: Request<SendNotificationRequest>,
    ) -> Result<Response<SendNotificationResponse>, Status> {
        self.0.lock().unwrap().notifications.push(request.into_inner());
        Ok(Response::new(SendNotificationResponse::default()))
    }
}

pub use redress_testkit::free_port;
