//! `redress dev` as a newcomer runs it with its output redirected and an OTLP
//! collector configured: each service's spans carry that service's own
//! `service.name` (as the standalone binaries' do, not `redress-dev`), and
//! the log written to a file is plain text, without terminal colour codes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    net::SocketAddr,
    process::{Command, Stdio},
    time::Duration,
};

use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::{SubmitComplaintRequest, intake_service_client::IntakeServiceClient},
};
use redress_testkit::{ServiceProcess, authed, eventually, free_port, otlp::Receiver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_names_each_services_spans_and_writes_plain_text_off_a_terminal() {
    let collector = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("dev.log");
    let out = std::fs::File::create(&out_path).unwrap();
    let ports = [(); 4].map(|()| free_port().port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_redress"))
        .arg("dev")
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["--intake-port", &ports[0].to_string()])
        .args(["--resolution-port", &ports[1].to_string()])
        .args(["--notification-port", &ports[2].to_string()])
        .args(["--feedback-port", &ports[3].to_string()])
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint())
        .env("OTEL_BSP_SCHEDULE_DELAY", "200")
        .env_remove("RUST_LOG")
        .stdout(Stdio::from(out))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // The banner prints a backend token once everything listens.
    let log = || std::fs::read_to_string(&out_path).unwrap_or_default();
    let started = eventually(Duration::from_secs(60), || async { log().contains("Submit a complaint") }).await;
    assert!(started, "redress dev did not start:\n{}", log());
    let text = log();
    let token = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("backend").map(|t| t.trim().to_owned()))
        .expect("a backend token in the banner");

    let intake = SocketAddr::from(([127, 0, 0, 1], ports[0]));
    let trace_id = "7bf92f3577b34da6a3ce929d0e0e4739";
    let mut request = authed(
        SubmitComplaintRequest {
            request_id: "dev-otel".into(),
            player: Some(Player {
                player_id: "p-dev".into(),
                email: "p-dev@example.pl".into(),
                language_code: "pl".into(),
                jurisdiction: "PL".into(),
                preferred_channel: Channel::Email.into(),
                ..Default::default()
            }),
            transaction_references: Some(TransactionReferences { withdrawal_id: "W-dev".into(), ..Default::default() }),
            category: ComplaintCategory::Withdrawal.into(),
            subject: "Wypłata".into(),
            description: "Wypłata nie dotarła.".into(),
            channel: Channel::Email.into(),
            ..Default::default()
        },
        &token,
    );
    request.metadata_mut().insert("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01").parse().unwrap());
    IntakeServiceClient::new(redress_testkit::channel(intake)).submit_complaint(request).await.unwrap();

    // The complaint reaches every service, and the e-mail goes out.
    let services = ["intake", "resolution", "notification", "feedback"];
    let named = eventually(Duration::from_secs(30), || async {
        let spans = collector.trace(trace_id);
        services.iter().all(|s| spans.iter().any(|span| span.service == *s && span.name().starts_with("redress.")))
            && spans.iter().any(|s| s.name() == "notification.deliver" && s.service == "notification")
    })
    .await;
    child.kill().unwrap();
    child.wait().unwrap();
    let spans = collector.trace(trace_id);
    let shape: Vec<_> = spans.iter().map(|s| (s.service.clone(), s.name().to_owned())).collect();
    assert!(named, "every service's spans under its own name: {shape:#?}");
    for span in &spans {
        // A server span belongs to the service whose package it serves.
        if span.kind() == SpanKind::Server {
            let rpc_service = span.attr("rpc.service").unwrap_or_default();
            assert_eq!(rpc_service.split('.').nth(1), Some(span.service.as_str()), "{shape:#?}");
        }
        assert_ne!(span.service, "redress-dev", "{shape:#?}");
    }

    let text = log();
    assert!(!text.contains('\u{1b}'), "colour codes in a redirected log:\n{text}");
    assert!(text.contains("intake serving"), "{text}");
}

/// `redress dev` loads each service's settings the way its binary does, so a
/// `REDRESS_<SERVICE>__…` variable applies in development too: a value of the
/// wrong type stops the start with an error naming the key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_reads_each_services_environment_like_its_binary() {
    let dir = tempfile::tempdir().unwrap();
    let ports = [(); 4].map(|()| free_port().port());
    let mut dev = Command::new(env!("CARGO_BIN_EXE_redress"));
    dev.arg("dev")
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["--intake-port", &ports[0].to_string()])
        .args(["--resolution-port", &ports[1].to_string()])
        .args(["--notification-port", &ports[2].to_string()])
        .args(["--feedback-port", &ports[3].to_string()])
        .env("REDRESS_RESOLUTION__OUTBOX__POLL_INTERVAL_MS", "soon");
    let mut dev = ServiceProcess::spawn(dev);
    // It must refuse to start; one that ignores the variable serves instead.
    let exited = eventually(Duration::from_secs(30), || std::future::ready(dev.exited().is_some())).await;
    let text = dev.log();
    assert!(exited, "started despite a malformed setting:\n{text}");
    assert!(!dev.wait().success(), "{text}");
    assert!(text.contains("REDRESS_RESOLUTION") && text.contains("poll_interval_ms"), "{text}");
}
