//! Traces leave the process over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is
//! set: the intake process is started against a real OTLP/gRPC receiver, and
//! the spans must continue the caller's W3C trace, carry it through the
//! outbox, and never include the exporter's own traffic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{process::Command, time::Duration};

use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use redress_auth::Role;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::{ListComplaintsRequest, SubmitComplaintRequest, intake_service_client::IntakeServiceClient},
};
use redress_testkit::{
    HungPeer, ServiceProcess, TEST_SECRET, authed, eventually, free_port, metric_sample, otlp::Receiver, token,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_are_exported_over_otlp_and_continue_the_callers_trace() {
    let collector = Receiver::start().await;
    let otlp = collector.addr();

    let dir = tempfile::tempdir().unwrap();
    let addr = free_port();
    let peer = free_port(); // nobody listens: the relay still attempts, and traces the attempt
    let mut intake = Command::new(env!("CARGO_BIN_EXE_redress-intake"));
    intake
        .env("REDRESS_INTAKE__SERVER__LISTEN", addr.to_string())
        .env("REDRESS_INTAKE__DATABASE__URL", format!("sqlite://{}/intake.db?mode=rwc", dir.path().display()))
        .env("REDRESS_INTAKE__AUTH__HS256_SECRET", TEST_SECRET)
        .env("REDRESS_INTAKE__OUTBOX__PEERS__RESOLUTION__URL", format!("http://{peer}"))
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{otlp}"))
        .env("OTEL_BSP_SCHEDULE_DELAY", "200")
        .env("RUST_LOG", "warn");
    let mut intake = ServiceProcess::spawn(intake);
    intake.serving(addr, Duration::from_secs(30)).await;

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
    let mut req = authed(request, &backend);
    req.metadata_mut().insert("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01").parse().unwrap());
    let submitted = client.clone().submit_complaint(req).await;
    assert!(submitted.is_ok(), "{submitted:?}; intake's log:\n{}", intake.log());
    // Probes are not traced.
    let mut health = tonic_health::pb::health_client::HealthClient::new(redress_testkit::channel(addr));
    health.check(tonic_health::pb::HealthCheckRequest { service: String::new() }).await.unwrap();

    let seen = eventually(Duration::from_secs(20), || {
        let spans = collector.trace(trace_id);
        async move {
            let server = spans.iter().any(|s| s.name().ends_with("IntakeService/SubmitComplaint"));
            let relay = spans.iter().any(|s| s.name() == "outbox.deliver");
            let client = spans.iter().any(|s| s.name().ends_with("ResolutionInternalService/OpenCase"));
            server && relay && client
        }
    })
    .await;
    intake.kill();
    let spans = collector.spans();
    let names: Vec<(String, String, String)> =
        spans.iter().map(|s| (s.trace_id(), s.name().to_owned(), s.service.clone())).collect();
    assert!(seen, "the request span and the outbox delivery continue the caller's trace: {names:?}");
    assert!(spans.iter().all(|s| s.service == "intake"), "{names:?}");
    assert!(
        !spans.iter().any(|s| s.name().contains("TraceService") || s.name().contains("opentelemetry")),
        "the exporter traced itself: {names:?}"
    );
    assert!(!spans.iter().any(|s| s.name().contains("grpc.health")), "health checks are traced: {names:?}");

    let server = spans.iter().find(|s| s.name().ends_with("IntakeService/SubmitComplaint")).unwrap();
    assert_eq!(server.kind(), SpanKind::Server);
    assert_eq!(server.attr("rpc.system").as_deref(), Some("grpc"));
    assert_eq!(server.attr("rpc.service").as_deref(), Some("redress.intake.v1.IntakeService"));
    assert_eq!(server.attr("rpc.method").as_deref(), Some("SubmitComplaint"));
    assert_eq!(server.attr("rpc.grpc.status_code").as_deref(), Some("0"));
    assert_eq!(server.attr("server.port"), Some(addr.port().to_string()));
    assert_eq!(server.attr("redress.tenant").as_deref(), Some("casino-a"));
    assert!(server.attr("network.peer.address").is_some());
    // The peer is down: the CLIENT span of the outbox call is an error.
    let client = spans.iter().find(|s| s.name().ends_with("ResolutionInternalService/OpenCase")).unwrap();
    assert_eq!(client.kind(), SpanKind::Client);
    assert_eq!(client.attr("rpc.method").as_deref(), Some("OpenCase"));
    assert!(client.is_error(), "client span status is Error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_dropped_while_the_collector_hangs_are_counted() {
    let collector = HungPeer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (addr, metrics) = (free_port(), free_port());
    let mut intake = Command::new(env!("CARGO_BIN_EXE_redress-intake"));
    intake
        .env("REDRESS_INTAKE__SERVER__LISTEN", addr.to_string())
        .env("REDRESS_INTAKE__SERVER__METRICS_LISTEN", metrics.to_string())
        .env("REDRESS_INTAKE__DATABASE__URL", format!("sqlite://{}/intake.db?mode=rwc", dir.path().display()))
        .env("REDRESS_INTAKE__AUTH__HS256_SECRET", TEST_SECRET)
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{}", collector.addr))
        // A queue of two spans, exported one at a time to a collector that
        // never answers: the first export hangs and the queue overflows.
        .env("OTEL_BSP_MAX_QUEUE_SIZE", "2")
        .env("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "1")
        .env("OTEL_EXPORTER_OTLP_TIMEOUT", "600000")
        .env("RUST_LOG", "warn");
    let mut intake = ServiceProcess::spawn(intake);
    intake.serving(addr, Duration::from_secs(30)).await;

    let mut client = IntakeServiceClient::new(redress_testkit::channel(addr));
    let backend = token("casino-a", &[Role::Backend]);
    for _ in 0..10 {
        let listed = client.list_complaints(authed(ListComplaintsRequest::default(), &backend)).await;
        assert!(listed.is_ok(), "a hung collector never costs a request: {listed:?}");
    }
    let dropped = "otel_sdk_processor_span_processed_total";
    let counted = eventually(Duration::from_secs(20), || async move {
        let text = redress_testkit::scrape_metrics(metrics).await;
        metric_sample(&text, dropped, &["error_type=\"queue_full\""]).unwrap_or(0.0) > 0.0
    })
    .await;
    let text = redress_testkit::scrape_metrics(metrics).await;
    intake.kill();
    assert!(counted, "dropped spans counted: {text}");
}
