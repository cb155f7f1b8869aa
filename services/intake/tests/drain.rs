//! The worst case of a drain: SIGTERM while a client holds a request open,
//! the relay is inside a call to a peer that never answers and the trace
//! collector accepts connections but never answers either. The process must
//! still exit, cleanly, within `server.shutdown_grace_ms`: Kubernetes'
//! terminationGracePeriodSeconds is derived from it, and SIGKILL follows.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    net::SocketAddr,
    process::{Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use redress_auth::Role;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::{ListComplaintsRequest, SubmitComplaintRequest, intake_service_client::IntakeServiceClient},
};
use redress_testkit::{RawCodec, TEST_SECRET, TestDb, authed, eventually, token};

/// Accepts connections and never writes a byte; counts what it accepted.
async fn hung_listener() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    (addr, accepted)
}

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
    let log = tempfile::NamedTempFile::new().unwrap();
    let (peer, peer_accepted) = hung_listener().await;
    let (collector, _) = hung_listener().await;
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_redress-intake"))
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
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log.reopen().unwrap())
        .spawn()
        .unwrap();

    let backend = token("casino-a", &[Role::Backend]);
    let mut client = IntakeServiceClient::new(redress_testkit::channel(addr));
    let up = eventually(Duration::from_secs(20), || {
        let mut c = client.clone();
        let backend = backend.clone();
        async move { c.list_complaints(authed(ListComplaintsRequest::default(), &backend)).await.is_ok() }
    })
    .await;
    assert!(up, "intake did not come up");
    // Outbox rows for all three peers: the relay calls the hung peer.
    client.submit_complaint(authed(complaint(), &backend)).await.unwrap();
    assert!(eventually(Duration::from_secs(10), || async { peer_accepted.load(Ordering::SeqCst) > 0 }).await);

    // A client that starts a request and never finishes sending it.
    let mut grpc = tonic::client::Grpc::new(redress_testkit::channel(addr));
    grpc.ready().await.unwrap();
    let mut request = tonic::Request::new(futures::stream::pending::<Vec<u8>>());
    request.metadata_mut().insert("authorization", format!("Bearer {backend}").parse().unwrap());
    let path = http::uri::PathAndQuery::from_static("/redress.intake.v1.IntakeService/ListComplaints");
    let hung_call = tokio::spawn(async move { grpc.client_streaming(request, path, RawCodec).await });

    let started = Instant::now();
    let term = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(term.success());
    let status = tokio::task::spawn_blocking(move || child.wait()).await.unwrap().unwrap();
    let took = started.elapsed();
    eprintln!("drain with hung client, peers and collector: {} ms (grace {GRACE_MS} ms)", took.as_millis());
    eprintln!("{}", std::fs::read_to_string(log.path()).unwrap_or_default());
    assert!(status.success(), "exit status {status:?}");
    // The deadline is the whole budget; the margin covers process teardown
    // on a loaded machine, not a second drain.
    assert!(took < Duration::from_millis(GRACE_MS + 1_000), "took {took:?} for a {GRACE_MS} ms grace");
    hung_call.abort();
}
