//! The worst case of a drain: SIGTERM while a client holds a request open,
//! the relay is inside a call to a peer that never answers and the trace
//! collector accepts connections but never answers either. The process must
//! still exit, cleanly, within `server.shutdown_grace_ms`: Kubernetes'
//! terminationGracePeriodSeconds is derived from it, and SIGKILL follows.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    process::Command,
    time::{Duration, Instant},
};

use redress_auth::Role;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::{SubmitComplaintRequest, intake_service_client::IntakeServiceClient},
};
use redress_testkit::{HungPeer, RawCodec, ServiceProcess, TEST_SECRET, TestDb, authed, eventually, free_port, token};

fn complaint() -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: "drain-1".into(),
        player: Some(Player { player_id: "p-1".into(), jurisdiction: "GB".into(), ..Default::default() }),
        transaction_references: Some(TransactionReferences { withdrawal_id: "w-1".into(), ..Default::default() }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: "Withdrawal missing".into(),
        description: "My withdrawal never arrived".into(),
        channel: Channel::InApp.into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_a_hung_client_hung_peers_and_a_hung_collector_exits_within_the_grace() {
    const GRACE_MS: u64 = 3_000;
    let db = TestDb::sqlite();
    let hung_peer = HungPeer::start().await;
    let (peer, collector) = (hung_peer.addr, HungPeer::start().await.addr);
    let addr = free_port();
    let mut intake = Command::new(env!("CARGO_BIN_EXE_redress-intake"));
    intake
        .env("REDRESS_INTAKE__SERVER__LISTEN", addr.to_string())
        .env("REDRESS_INTAKE__SERVER__SHUTDOWN_GRACE_MS", GRACE_MS.to_string())
        .env("REDRESS_INTAKE__DATABASE__URL", db.config.url.expose())
        .env("REDRESS_INTAKE__AUTH__HS256_SECRET", TEST_SECRET)
        // Far longer than the grace: only the drain deadline can end the call.
        .env("REDRESS_INTAKE__OUTBOX__CALL_TIMEOUT_MS", "600000")
        .env("REDRESS_INTAKE__OUTBOX__PEERS__RESOLUTION__URL", format!("http://{peer}"))
        .env("REDRESS_INTAKE__OUTBOX__PEERS__NOTIFICATION__URL", format!("http://{peer}"))
        .env("REDRESS_INTAKE__OUTBOX__PEERS__FEEDBACK__URL", format!("http://{peer}"))
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{collector}"))
        .env("OTEL_EXPORTER_OTLP_TIMEOUT", "600000")
        .env("RUST_LOG", "warn");
    let mut intake = ServiceProcess::spawn(intake);
    intake.serving(addr, Duration::from_secs(30)).await;

    let backend = token("casino-a", &[Role::Backend]);
    let mut client = IntakeServiceClient::new(redress_testkit::channel(addr));
    // Outbox rows for all three peers: the relay calls the hung peer.
    client.submit_complaint(authed(complaint(), &backend)).await.unwrap();
    assert!(eventually(Duration::from_secs(10), || async { hung_peer.accepted() > 0 }).await);

    // A client that starts a request and never finishes sending it.
    let mut grpc = tonic::client::Grpc::new(redress_testkit::channel(addr));
    grpc.ready().await.unwrap();
    let mut request = tonic::Request::new(futures::stream::pending::<Vec<u8>>());
    request.metadata_mut().insert("authorization", format!("Bearer {backend}").parse().unwrap());
    let path = http::uri::PathAndQuery::from_static("/redress.intake.v1.IntakeService/ListComplaints");
    let hung_call = tokio::spawn(async move { grpc.client_streaming(request, path, RawCodec).await });

    let started = Instant::now();
    let term = Command::new("kill").args(["-TERM", &intake.id().to_string()]).status().unwrap();
    assert!(term.success());
    let (status, intake) = tokio::task::spawn_blocking(move || (intake.wait(), intake)).await.unwrap();
    let took = started.elapsed();
    eprintln!("drain with hung client, peers and collector: {} ms (grace {GRACE_MS} ms)", took.as_millis());
    eprintln!("{}", intake.log());
    assert!(status.success(), "exit status {status:?}");
    // The deadline is the whole budget; the margin covers process teardown
    // on a loaded machine, not a second drain.
    assert!(took < Duration::from_millis(GRACE_MS + 1_000), "took {took:?} for a {GRACE_MS} ms grace");
    hung_call.abort();
}
