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
/// Every exported span in full, for attribute checks.
type FullSpans = Arc<Mutex<Vec<opentelemetry_proto::tonic::trace::v1::Span>>>;

#[derive(Clone, Default)]
struct Collector(Spans, FullSpans);

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
                    spans.push((hex::encode(&span.trace_id), span.name.clone(), service.clone()));
                    self.1.lock().unwrap().push(span);
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
    // Probes are not traced.
    let mut health = tonic_health::pb::health_client::HealthClient::new(redress_testkit::channel(addr));
    health.check(tonic_health::pb::HealthCheckRequest { service: String::new() }).await.unwrap();

    let spans = collector.0.clone();
    let seen = eventually(Duration::from_secs(20), || {
        let spans = spans.clone();
        async move {
            let spans = spans.lock().unwrap();
            let server = spans.iter().any(|(t, n, _)| t == trace_id && n.ends_with("IntakeService/SubmitComplaint"));
            let relay = spans.iter().any(|(t, n, _)| t == trace_id && n == "outbox.deliver");
            let client =
                spans.iter().any(|(t, n, _)| t == trace_id && n.ends_with("ResolutionInternalService/OpenCase"));
            server && relay && client
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
    assert!(!spans.iter().any(|(_, n, _)| n.contains("grpc.health")), "health checks are traced: {spans:?}");

    let full = collector.1.lock().unwrap().clone();
    let attr = |span: &opentelemetry_proto::tonic::trace::v1::Span, key: &str| {
        span.attributes.iter().find(|kv| kv.key == key).and_then(|kv| kv.value.clone()).and_then(|v| v.value).map(|v| {
            match v {
                opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(s) => s,
                opentelemetry_proto::tonic::common::v1::any_value::Value::IntValue(i) => i.to_string(),
                other => format!("{other:?}"),
            }
        })
    };
    let server = full.iter().find(|s| s.name.ends_with("IntakeService/SubmitComplaint")).unwrap();
    assert_eq!(server.kind, 2, "SERVER kind");
    assert_eq!(attr(server, "rpc.system").as_deref(), Some("grpc"));
    assert_eq!(attr(server, "rpc.service").as_deref(), Some("redress.intake.v1.IntakeService"));
    assert_eq!(attr(server, "rpc.method").as_deref(), Some("SubmitComplaint"));
    assert_eq!(attr(server, "rpc.grpc.status_code").as_deref(), Some("0"));
    assert_eq!(attr(server, "server.port"), Some(addr.port().to_string()));
    assert_eq!(attr(server, "redress.tenant").as_deref(), Some("casino-a"));
    assert!(attr(server, "network.peer.address").is_some());
    // The peer is down: the CLIENT span of the outbox call is an error.
    let client = full.iter().find(|s| s.name.ends_with("ResolutionInternalService/OpenCase")).unwrap();
    assert_eq!(client.kind, 3, "CLIENT kind");
    assert_eq!(attr(client, "rpc.method").as_deref(), Some("OpenCase"));
    assert_eq!(client.status.as_ref().map(|s| s.code), Some(2), "client span status is Error");
}
