//! Traces leave the process over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is
//! set: the intake process is started against a real OTLP/gRPC receiver, and
//! the spans must continue the caller's W3C trace, carry it through the
//! outbox, and never include the exporter's own traffic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    net::SocketAddr,
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
    trace_service_server::{TraceService, TraceServiceServer},
};
use redress_auth::Role;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::{SubmitComplaintRequest, intake_service_client::IntakeServiceClient},
};
use redress_testkit::{TEST_SECRET, authed, eventually, token};
use tonic::{Request, Response, Status};

/// (trace id hex, span name, service.name)
type Spans = Arc<Mutex<Vec<(String, String, String)>>>;

#[derive(Clone, Default)]
struct Collector(Spans);

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        let mut spans = self.0.lock().unwrap();
        for resource_spans in request.into_inner().resource_spans {
            let service = resource_spans
                .resource
                .iter()
                .flat_map(|r| r.attributes.iter())
                .find(|kv| kv.key == "service.name")
                .and_then(|kv| kv.value.as_ref())
                .map(|v| format!("{:?}", v.value))
                .unwrap_or_default();
            for scope in resource_spans.scope_spans {
                for span in scope.spans {
                    spans.push((hex::encode(&span.trace_id), span.name, service.clone()));
                }
            }
        }
        Ok(Response::new(ExportTraceServiceResponse::default()))
    }
}

fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_are_exported_over_otlp_and_continue_the_callers_trace() {
    let collector = Collector::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let otlp = listener.local_addr().unwrap();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(collector.clone()))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );

    let dir = tempfile::tempdir().unwrap();
    let addr = free_port();
    let peer = free_port(); // nobody listens: the relay still attempts, and traces the attempt
    let mut child = Command::new(env!("CARGO_BIN_EXE_redress-intake"))
        .env("REDRESS_INTAKE__SERVER__LISTEN", addr.to_string())
        .env("REDRESS_INTAKE__DATABASE__URL", format!("sqlite://{}/intake.db?mode=rwc", dir.path().display()))
        .env("REDRESS_INTAKE__AUTH__HS256_SECRET", TEST_SECRET)
        .env("REDRESS_INTAKE__OUTBOX__PEERS__RESOLUTION__URL", format!("http://{peer}"))
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{otlp}"))
        .env("OTEL_BSP_SCHEDULE_DELAY", "200")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let client = IntakeServiceClient::new(redress_testkit::channel(addr));
    let backend = token("casino-a", &[Role::Backend]);
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let request = SubmitComplaintRequest {
        request_id: "traced-1".into(),
        player: Some(Player { player_id: "p-1".into(), jurisdiction: "MT".into(), ..Default::default() }),
        transaction_references: Some(TransactionReferences { withdrawal_id: "w-1".into(), ..Default::default() }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: "Withdrawal".into(),
        description: "Not paid".into(),
        channel: Channel::Email.into(),
        ..Default::default()
    };
    let submitted = eventually(Duration::from_secs(20), || {
        let mut client = client.clone();
        let mut req = authed(request.clone(), &backend);
        req.metadata_mut().insert("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01").parse().unwrap());
        async move { client.submit_complaint(req).await.is_ok() }
    })
    .await;
    assert!(submitted, "intake did not answer");

    let spans = collector.0.clone();
    let seen = eventually(Duration::from_secs(20), || {
        let spans = spans.clone();
        async move {
            let spans = spans.lock().unwrap();
            let server = spans.iter().any(|(t, n, _)| t == trace_id && n.ends_with("IntakeService/SubmitComplaint"));
            let relay = spans.iter().any(|(t, n, _)| t == trace_id && n == "outbox.deliver");
            server && relay
        }
    })
    .await;
    child.kill().unwrap();
    child.wait().unwrap();
    let spans = collector.0.lock().unwrap().clone();
    assert!(seen, "the request span and the outbox delivery continue the caller's trace: {spans:?}");
    assert!(spans.iter().all(|(_, _, service)| service.contains("intake")), "{spans:?}");
    assert!(
        !spans.iter().any(|(_, n, _)| n.contains("TraceService") || n.contains("opentelemetry")),
        "the exporter traced itself: {spans:?}"
    );
}
