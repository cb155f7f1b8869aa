//! Starting intake for a test, a recording peer for its outbox, and request
//! builders.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use redress_auth::Role;
use redress_intake::{Intake, IntakeConfig};
use redress_outbox::PeerConfig;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    feedback::v1::{
        RecordCaseOutcomeRequest, RecordCaseOutcomeResponse, RecordEventRequest, RecordEventResponse,
        feedback_internal_service_server::{FeedbackInternalService, FeedbackInternalServiceServer},
    },
    intake::v1::{SubmitComplaintRequest, intake_service_client::IntakeServiceClient},
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
use redress_testkit::{TestDb, auth_config, authed, token};
use tonic::{Request, Response, Status, transport::Channel as GrpcChannel};

pub const TENANT: &str = "casino-a";
pub const OTHER_TENANT: &str = "casino-b";

/// A running intake and a client for it.
pub struct TestIntake {
    pub intake: Intake,
    pub client: IntakeServiceClient<GrpcChannel>,
    pub backend: String,
}

/// Intake's configuration for a test database, with peers at `peer`.
pub fn config(db: &TestDb, peer: Option<SocketAddr>) -> IntakeConfig {
    let mut config = IntakeConfig::default();
    config.server.listen = "127.0.0.1:0".into();
    config.database = db.config.clone();
    config.auth = auth_config();
    config.outbox.initial_backoff_ms = 50;
    config.outbox.max_backoff_ms = 200;
    config.outbox.poll_interval_ms = 100;
    let url = peer.map(|a| format!("http://{a}")).unwrap_or_default();
    for name in ["resolution", "notification", "feedback"] {
        config.outbox.peers.insert(name.into(), PeerConfig { url: url.clone() });
    }
    config
}

impl TestIntake {
    pub async fn start(db: &TestDb) -> TestIntake {
        Self::start_with(config(db, None)).await
    }

    pub async fn start_with(config: IntakeConfig) -> TestIntake {
        let intake = Intake::start(config).await.unwrap();
        let client = IntakeServiceClient::new(redress_testkit::channel(intake.local_addr()));
        TestIntake { intake, client, backend: token(TENANT, &[Role::Backend]) }
    }

    /// A request from the casino backend of `TENANT`.
    pub fn req<T>(&self, message: T) -> Request<T> {
        authed(message, &self.backend)
    }
}

/// A valid withdrawal complaint from a Polish player.
pub fn withdrawal_complaint(request_id: &str, player_id: &str, withdrawal_id: &str) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: request_id.into(),
        player: Some(Player {
            player_id: player_id.into(),
            display_name: "Anna".into(),
            email: "anna@example.pl".into(),
            language_code: "pl".into(),
            jurisdiction: "PL".into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: withdrawal_id.into(),
            payment_method: "blik".into(),
            ..Default::default()
        }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: "Wypłata nie dotarła".into(),
        description: "Moja wypłata 500 PLN czeka od 10 dni.".into(),
        channel: Channel::Email.into(),
        ..Default::default()
    }
}

/// What a peer received, by method.
#[derive(Default, Debug)]
pub struct Received {
    pub open_case: Vec<OpenCaseRequest>,
    pub player_messages: Vec<RecordPlayerMessageRequest>,
    pub decisions: Vec<RecordPlayerDecisionRequest>,
    pub withdrawals: Vec<RecordWithdrawalRequest>,
    pub notifications: Vec<SendNotificationRequest>,
    pub events: Vec<RecordEventRequest>,
    /// Tenants and `traceparent` headers seen, per call.
    pub traceparents: Vec<String>,
}

/// A real gRPC server standing in for the three peers intake calls, which
/// records what it receives. (The real peers arrive with their own issues.)
#[derive(Clone, Default)]
pub struct RecordingPeer(pub Arc<Mutex<Received>>);

impl RecordingPeer {
    fn note<T>(&self, request: &Request<T>) {
        let tp = request.metadata().get("traceparent").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        self.0.lock().unwrap().traceparents.push(tp);
    }

    /// Serves the peer on `addr` until the returned sender is dropped or fired.
    pub async fn serve(&self, addr: SocketAddr) -> tokio::sync::oneshot::Sender<()> {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = tonic::transport::Server::builder()
            .add_service(ResolutionInternalServiceServer::new(self.clone()))
            .add_service(NotificationInternalServiceServer::new(self.clone()))
            .add_service(FeedbackInternalServiceServer::new(self.clone()));
        tokio::spawn(router.serve_with_incoming_shutdown(
            tokio_stream::wrappers::TcpListenerStream::new(listener),
            async {
                let _ = rx.await;
            },
        ));
        tx
    }
}

#[tonic::async_trait]
impl ResolutionInternalService for RecordingPeer {
    async fn open_case(&self, request: Request<OpenCaseRequest>) -> Result<Response<OpenCaseResponse>, Status> {
        self.note(&request);
        self.0.lock().unwrap().open_case.push(request.into_inner());
        Ok(Response::new(OpenCaseResponse::default()))
    }
    async fn record_player_message(
        &self,
        request: Request<RecordPlayerMessageRequest>,
    ) -> Result<Response<RecordPlayerMessageResponse>, Status> {
        self.note(&request);
        self.0.lock().unwrap().player_messages.push(request.into_inner());
        Ok(Response::new(RecordPlayerMessageResponse::default()))
    }
    async fn record_player_decision(
        &self,
        request: Request<RecordPlayerDecisionRequest>,
    ) -> Result<Response<RecordPlayerDecisionResponse>, Status> {
        self.note(&request);
        self.0.lock().unwrap().decisions.push(request.into_inner());
        Ok(Response::new(RecordPlayerDecisionResponse::default()))
    }
    async fn record_withdrawal(
        &self,
        request: Request<RecordWithdrawalRequest>,
    ) -> Result<Response<RecordWithdrawalResponse>, Status> {
        self.note(&request);
        self.0.lock().unwrap().withdrawals.push(request.into_inner());
        Ok(Response::new(RecordWithdrawalResponse::default()))
    }
    async fn flag_follow_up(&self, _: Request<FlagFollowUpRequest>) -> Result<Response<FlagFollowUpResponse>, Status> {
        Err(Status::unimplemented("not a call intake makes"))
    }
}

#[tonic::async_trait]
impl NotificationInternalService for RecordingPeer {
    async fn send_notification(
        &self,
        request: Request<SendNotificationRequest>,
    ) -> Result<Response<SendNotificationResponse>, Status> {
        self.note(&request);
        self.0.lock().unwrap().notifications.push(request.into_inner());
        Ok(Response::new(SendNotificationResponse::default()))
    }
}

#[tonic::async_trait]
impl FeedbackInternalService for RecordingPeer {
    async fn record_case_outcome(
        &self,
        _: Request<RecordCaseOutcomeRequest>,
    ) -> Result<Response<RecordCaseOutcomeResponse>, Status> {
        Err(Status::unimplemented("not a call intake makes"))
    }
    async fn record_event(
        &self,
        request: Request<RecordEventRequest>,
    ) -> Result<Response<RecordEventResponse>, Status> {
        self.note(&request);
        self.0.lock().unwrap().events.push(request.into_inner());
        Ok(Response::new(RecordEventResponse::default()))
    }
}

pub use redress_testkit::free_port;
