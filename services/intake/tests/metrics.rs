//! The Prometheus endpoint of a real intake process: after traffic it shows
//! the RPC histogram by method and code, and the outbox backlog rises while
//! the resolution peer is down and falls back to zero once it is up; the
//! database pool's size and waits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{process::Command, time::Duration};

use redress_auth::Role;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::{SubmitComplaintRequest, intake_service_client::IntakeServiceClient},
    resolution::v1::{
        FlagFollowUpRequest, FlagFollowUpResponse, OpenCaseRequest, OpenCaseResponse, RecordPlayerDecisionRequest,
        RecordPlayerDecisionResponse, RecordPlayerMessageRequest, RecordPlayerMessageResponse, RecordWithdrawalRequest,
        RecordWithdrawalResponse,
        resolution_internal_service_server::{ResolutionInternalService, ResolutionInternalServiceServer},
    },
};
use redress_testkit::{ServiceProcess, TEST_SECRET, authed, eventually, free_port, metric_sample, token};
use tonic::{Request, Response, Status};

/// A resolution peer that accepts every call.
struct Accepting;

#[tonic::async_trait]
impl ResolutionInternalService for Accepting {
    async fn open_case(&self, _: Request<OpenCaseRequest>) -> Result<Response<OpenCaseResponse>, Status> {
        Ok(Response::new(OpenCaseResponse::default()))
    }
    async fn record_player_message(
        &self,
        _: Request<RecordPlayerMessageRequest>,
    ) -> Result<Response<RecordPlayerMessageResponse>, Status> {
        Ok(Response::new(RecordPlayerMessageResponse::default()))
    }
    async fn record_player_decision(
        &self,
        _: Request<RecordPlayerDecisionRequest>,
    ) -> Result<Response<RecordPlayerDecisionResponse>, Status> {
        Ok(Response::new(RecordPlayerDecisionResponse::default()))
    }
    async fn record_withdrawal(
        &self,
        _: Request<RecordWithdrawalRequest>,
    ) -> Result<Response<RecordWithdrawalResponse>, Status> {
        Ok(Response::new(RecordWithdrawalResponse::default()))
    }
    async fn flag_follow_up(&self, _: Request<FlagFollowUpRequest>) -> Result<Response<FlagFollowUpResponse>, Status> {
        Ok(Response::new(FlagFollowUpResponse::default()))
    }
    async fn record_evidence_scan(
        &self,
        _: Request<redress_proto::resolution::v1::RecordEvidenceScanRequest>,
    ) -> Result<Response<redress_proto::resolution::v1::RecordEvidenceScanResponse>, Status> {
        Ok(Response::new(Default::default()))
    }
    async fn erase_player_records(
        &self,
        _: Request<redress_proto::resolution::v1::ErasePlayerRecordsRequest>,
    ) -> Result<Response<redress_proto::resolution::v1::ErasePlayerRecordsResponse>, Status> {
        Ok(Response::new(Default::default()))
    }

    type ExportPlayerRecordsStream =
        tokio_stream::Empty<Result<redress_proto::resolution::v1::ExportPlayerRecordsResponse, Status>>;
    async fn export_player_records(
        &self,
        _: Request<redress_proto::resolution::v1::ExportPlayerRecordsRequest>,
    ) -> Result<Response<Self::ExportPlayerRecordsStream>, Status> {
        Ok(Response::new(tokio_stream::empty()))
    }
}

fn complaint(i: usize) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: format!("metrics-{i}"),
        player: Some(Player { player_id: format!("p-{i}"), jurisdiction: "MT".into(), ..Default::default() }),
        transaction_references: Some(TransactionReferences { withdrawal_id: format!("w-{i}"), ..Default::default() }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: "Withdrawal".into(),
        description: "Not paid".into(),
        channel: Channel::Email.into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_show_rpcs_and_an_outbox_backlog_that_rises_and_falls() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, metrics, peer) = (free_port(), free_port(), free_port());
    let mut intake = Command::new(env!("CARGO_BIN_EXE_redress-intake"));
    intake
        .env("REDRESS_INTAKE__SERVER__LISTEN", addr.to_string())
        .env("REDRESS_INTAKE__SERVER__METRICS_LISTEN", metrics.to_string())
        .env("REDRESS_INTAKE__DATABASE__URL", format!("sqlite://{}/intake.db?mode=rwc", dir.path().display()))
        .env("REDRESS_INTAKE__AUTH__HS256_SECRET", TEST_SECRET)
        .env("REDRESS_INTAKE__OUTBOX__PEERS__RESOLUTION__URL", format!("http://{peer}"))
        .env("REDRESS_INTAKE__OUTBOX__POLL_INTERVAL_MS", "100")
        .env("REDRESS_INTAKE__OUTBOX__INITIAL_BACKOFF_MS", "50")
        .env("REDRESS_INTAKE__OUTBOX__MAX_BACKOFF_MS", "200")
        .env("RUST_LOG", "warn");
    let mut intake = ServiceProcess::spawn(intake);
    intake.serving(addr, Duration::from_secs(30)).await;

    let client = IntakeServiceClient::new(redress_testkit::channel(addr));
    let backend = token("casino-m", &[Role::Backend]);
    for i in 0..3 {
        let submitted = client.clone().submit_complaint(authed(complaint(i), &backend)).await;
        assert!(submitted.is_ok(), "{submitted:?}; intake's log:\n{}", intake.log());
    }
    let mut bad = client.clone();
    let _ = bad.submit_complaint(authed(SubmitComplaintRequest::default(), &backend)).await;

    // The peer is down: three OpenCase rows wait.
    let backlog = eventually(Duration::from_secs(20), || async move {
        let text = redress_testkit::scrape_metrics(metrics).await;
        metric_sample(&text, "redress_outbox_pending", &["peer=\"resolution\""]) == Some(3.0)
    })
    .await;
    let text = redress_testkit::scrape_metrics(metrics).await;
    assert!(backlog, "backlog of 3 for resolution: {text}; intake's log:\n{}", intake.log());
    let ok = metric_sample(
        &text,
        "rpc_server_duration_milliseconds_count",
        &["rpc_method=\"SubmitComplaint\"", "rpc_grpc_status_code=\"0\""],
    );
    assert_eq!(ok, Some(3.0), "{text}");
    let invalid = metric_sample(
        &text,
        "rpc_server_duration_milliseconds_count",
        &["rpc_method=\"SubmitComplaint\"", "rpc_grpc_status_code=\"3\""],
    );
    assert_eq!(invalid, Some(1.0), "{text}");
    assert!(
        metric_sample(&text, "redress_outbox_oldest_pending_age_seconds", &["peer=\"resolution\""]).unwrap_or(0.0)
            > 0.0
    );
    assert!(text.contains("process_memory_usage_bytes"), "{text}");
    // The database pool: SQLite's single connection, and the waits for it.
    let pool = "db_client_connection_pool_name=\"intake\"";
    assert_eq!(metric_sample(&text, "db_client_connection_max", &[pool]), Some(1.0), "{text}");
    assert!(
        metric_sample(&text, "db_client_connection_wait_time_seconds_count", &[pool]).unwrap_or(0.0) > 0.0,
        "{text}"
    );
    assert!(!text.contains("p-1") && !text.contains("Not paid"), "personal data in metrics: {text}");

    // The peer comes up: the backlog drains to zero.
    let listener = tokio::net::TcpListener::bind(peer).await.unwrap();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(ResolutionInternalServiceServer::new(Accepting))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    let drained = eventually(Duration::from_secs(30), || async move {
        let text = redress_testkit::scrape_metrics(metrics).await;
        metric_sample(&text, "redress_outbox_pending", &["peer=\"resolution\""]) == Some(0.0)
    })
    .await;
    let text = redress_testkit::scrape_metrics(metrics).await;
    intake.kill();
    assert!(drained, "backlog drained: {text}; intake's log:\n{}", intake.log());
    assert!(
        metric_sample(&text, "redress_outbox_deliveries_total", &["peer=\"resolution\"", "result=\"delivered\""])
            >= Some(3.0),
        "{text}"
    );
}
