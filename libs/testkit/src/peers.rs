//! A stand-in for every internal service: a real gRPC server that records
//! what a service under test sends its peers (the outbox's calls), so a
//! test can start one service alone and see exactly what it told the others.

#![allow(clippy::unwrap_used)]

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard},
};

use redress_proto::{
    feedback::v1::{
        RecordCaseOutcomeRequest, RecordCaseOutcomeResponse, RecordEventRequest, RecordEventResponse,
        feedback_internal_service_server::{FeedbackInternalService, FeedbackInternalServiceServer},
    },
    intake::v1::{
        ApplyCaseUpdateRequest, ApplyCaseUpdateResponse,
        intake_internal_service_server::{IntakeInternalService, IntakeInternalServiceServer},
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
use tonic::{Request, Response, Status};

/// What the peers received, by method, in arrival order.
#[derive(Default, Debug)]
pub struct Received {
    /// IntakeInternalService/ApplyCaseUpdate.
    pub updates: Vec<ApplyCaseUpdateRequest>,
    /// ResolutionInternalService/OpenCase.
    pub open_case: Vec<OpenCaseRequest>,
    /// ResolutionInternalService/RecordPlayerMessage.
    pub player_messages: Vec<RecordPlayerMessageRequest>,
    /// ResolutionInternalService/RecordPlayerDecision.
    pub decisions: Vec<RecordPlayerDecisionRequest>,
    /// ResolutionInternalService/RecordWithdrawal.
    pub withdrawals: Vec<RecordWithdrawalRequest>,
    /// ResolutionInternalService/FlagFollowUp.
    pub follow_ups: Vec<FlagFollowUpRequest>,
    /// NotificationInternalService/SendNotification.
    pub notifications: Vec<SendNotificationRequest>,
    /// FeedbackInternalService/RecordEvent.
    pub events: Vec<RecordEventRequest>,
    /// FeedbackInternalService/RecordCaseOutcome.
    pub outcomes: Vec<RecordCaseOutcomeRequest>,
    /// The `traceparent` header of every call, in arrival order.
    pub traceparents: Vec<String>,
}

/// The four internal services in one server, recording every call and
/// answering each with an empty success.
#[derive(Clone, Default)]
pub struct RecordingPeer(pub Arc<Mutex<Received>>);

impl RecordingPeer {
    /// Serves on a port of its own until the returned sender fires or drops.
    pub async fn serve(&self) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        (addr, self.serve_listener(listener))
    }

    /// Serves on `addr` (a service's configuration named it before the peer
    /// started) until the returned sender fires or drops.
    pub async fn serve_on(&self, addr: SocketAddr) -> tokio::sync::oneshot::Sender<()> {
        self.serve_listener(tokio::net::TcpListener::bind(addr).await.unwrap())
    }

    fn serve_listener(&self, listener: tokio::net::TcpListener) -> tokio::sync::oneshot::Sender<()> {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = tonic::transport::Server::builder()
            .add_service(IntakeInternalServiceServer::new(self.clone()))
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

    /// What was received so far.
    pub fn received(&self) -> MutexGuard<'_, Received> {
        self.0.lock().unwrap()
    }

    /// Records one call: its trace header, then the request.
    fn record<T, R: Default>(
        &self,
        request: Request<T>,
        into: impl FnOnce(&mut Received) -> &mut Vec<T>,
    ) -> Result<Response<R>, Status> {
        let traceparent =
            request.metadata().get("traceparent").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let mut received = self.received();
        received.traceparents.push(traceparent);
        into(&mut received).push(request.into_inner());
        Ok(Response::new(R::default()))
    }
}

#[tonic::async_trait]
impl IntakeInternalService for RecordingPeer {
    async fn apply_case_update(
        &self,
        request: Request<ApplyCaseUpdateRequest>,
    ) -> Result<Response<ApplyCaseUpdateResponse>, Status> {
        self.record(request, |r| &mut r.updates)
    }
}

#[tonic::async_trait]
impl ResolutionInternalService for RecordingPeer {
    async fn open_case(&self, request: Request<OpenCaseRequest>) -> Result<Response<OpenCaseResponse>, Status> {
        self.record(request, |r| &mut r.open_case)
    }

    async fn record_player_message(
        &self,
        request: Request<RecordPlayerMessageRequest>,
    ) -> Result<Response<RecordPlayerMessageResponse>, Status> {
        self.record(request, |r| &mut r.player_messages)
    }

    async fn record_player_decision(
        &self,
        request: Request<RecordPlayerDecisionRequest>,
    ) -> Result<Response<RecordPlayerDecisionResponse>, Status> {
        self.record(request, |r| &mut r.decisions)
    }

    async fn record_withdrawal(
        &self,
        request: Request<RecordWithdrawalRequest>,
    ) -> Result<Response<RecordWithdrawalResponse>, Status> {
        self.record(request, |r| &mut r.withdrawals)
    }

    async fn flag_follow_up(
        &self,
        request: Request<FlagFollowUpRequest>,
    ) -> Result<Response<FlagFollowUpResponse>, Status> {
        self.record(request, |r| &mut r.follow_ups)
    }

    /// No Redress service sends it (a malware scanner does); not recorded.
    async fn record_evidence_scan(
        &self,
        _request: Request<redress_proto::resolution::v1::RecordEvidenceScanRequest>,
    ) -> Result<Response<redress_proto::resolution::v1::RecordEvidenceScanResponse>, Status> {
        Err(Status::unimplemented("the recording peer does not record evidence scans"))
    }

    /// Acknowledged, not recorded (erasures are tested across the real services).
    async fn erase_player_records(
        &self,
        _request: Request<redress_proto::resolution::v1::ErasePlayerRecordsRequest>,
    ) -> Result<Response<redress_proto::resolution::v1::ErasePlayerRecordsResponse>, Status> {
        Ok(Response::new(Default::default()))
    }

    type ExportPlayerRecordsStream =
        tokio_stream::Empty<Result<redress_proto::resolution::v1::ExportPlayerRecordsResponse, Status>>;

    /// Exports are read from the real services; the recording peer holds no records.
    async fn export_player_records(
        &self,
        _request: Request<redress_proto::resolution::v1::ExportPlayerRecordsRequest>,
    ) -> Result<Response<Self::ExportPlayerRecordsStream>, Status> {
        Ok(Response::new(tokio_stream::empty()))
    }
}

#[tonic::async_trait]
impl NotificationInternalService for RecordingPeer {
    async fn send_notification(
        &self,
        request: Request<SendNotificationRequest>,
    ) -> Result<Response<SendNotificationResponse>, Status> {
        self.record(request, |r| &mut r.notifications)
    }

    /// Acknowledged, not recorded (erasures are tested across the real services).
    async fn erase_player_records(
        &self,
        _request: Request<redress_proto::notification::v1::ErasePlayerRecordsRequest>,
    ) -> Result<Response<redress_proto::notification::v1::ErasePlayerRecordsResponse>, Status> {
        Ok(Response::new(Default::default()))
    }

    type ExportPlayerRecordsStream =
        tokio_stream::Empty<Result<redress_proto::notification::v1::ExportPlayerRecordsResponse, Status>>;

    /// Exports are read from the real services; the recording peer holds no records.
    async fn export_player_records(
        &self,
        _request: Request<redress_proto::notification::v1::ExportPlayerRecordsRequest>,
    ) -> Result<Response<Self::ExportPlayerRecordsStream>, Status> {
        Ok(Response::new(tokio_stream::empty()))
    }
}

#[tonic::async_trait]
impl FeedbackInternalService for RecordingPeer {
    async fn record_case_outcome(
        &self,
        request: Request<RecordCaseOutcomeRequest>,
    ) -> Result<Response<RecordCaseOutcomeResponse>, Status> {
        self.record(request, |r| &mut r.outcomes)
    }

    async fn record_event(
        &self,
        request: Request<RecordEventRequest>,
    ) -> Result<Response<RecordEventResponse>, Status> {
        self.record(request, |r| &mut r.events)
    }

    /// Acknowledged, not recorded (erasures are tested across the real services).
    async fn erase_player_records(
        &self,
        _request: Request<redress_proto::feedback::v1::ErasePlayerRecordsRequest>,
    ) -> Result<Response<redress_proto::feedback::v1::ErasePlayerRecordsResponse>, Status> {
        Ok(Response::new(Default::default()))
    }

    type ExportPlayerRecordsStream =
        tokio_stream::Empty<Result<redress_proto::feedback::v1::ExportPlayerRecordsResponse, Status>>;

    /// Exports are read from the real services; the recording peer holds no records.
    async fn export_player_records(
        &self,
        _request: Request<redress_proto::feedback::v1::ExportPlayerRecordsRequest>,
    ) -> Result<Response<Self::ExportPlayerRecordsStream>, Status> {
        Ok(Response::new(tokio_stream::empty()))
    }
}
