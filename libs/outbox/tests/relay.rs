//! The relay against real databases: two relays sharing one outbox deliver
//! every row exactly once when nothing fails (SKIP LOCKED + leases), and rows
//! for a peer that is not configured stay pending.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use redress_auth::Issuer;
use redress_outbox::{OutboxMessage, PeerConfig, Relay, RelayConfig};
use redress_proto::intake::v1::{
    ApplyCaseUpdateRequest, ApplyCaseUpdateResponse,
    intake_internal_service_server::{IntakeInternalService, IntakeInternalServiceServer},
};
use redress_testkit::{TEST_SECRET, TestDb, backend_tests, eventually};
use sea_orm::TransactionTrait;
use sea_orm_migration::{MigrationTrait, MigratorTrait};
use tonic::{Request, Response, Status};

struct OutboxOnly;

#[async_trait::async_trait]
impl MigratorTrait for OutboxOnly {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(redress_outbox::migration::CreateOutbox),
            Box::new(redress_outbox::migration::IndexPendingRows),
            Box::new(redress_outbox::migration::AddErasedFlag),
        ]
    }
}

/// Counts deliveries per event id.
#[derive(Clone, Default)]
struct Counter(Arc<Mutex<HashMap<String, usize>>>);

#[tonic::async_trait]
impl IntakeInternalService for Counter {
    async fn apply_case_update(
        &self,
        request: Request<ApplyCaseUpdateRequest>,
    ) -> Result<Response<ApplyCaseUpdateResponse>, Status> {
        let event_id = request.into_inner().event_id;
        *self.0.lock().unwrap().entry(event_id.clone()).or_default() += 1;
        // Rows marked to fail stand for a peer refusing some calls.
        if event_id.ends_with("-refused") {
            return Err(Status::unavailable("refused"));
        }
        Ok(Response::new(ApplyCaseUpdateResponse::default()))
    }
}

async fn serve(counter: Counter) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(IntakeInternalServiceServer::new(counter))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    addr
}

fn config(peer: &str, url: String) -> RelayConfig {
    let mut config = RelayConfig { batch_size: 16, poll_interval_ms: 50, ..RelayConfig::default() };
    config.peers.insert(peer.into(), PeerConfig { url });
    config
}

fn message(i: usize, destination: &str) -> OutboxMessage {
    let request = ApplyCaseUpdateRequest { event_id: format!("e-{i}"), ..Default::default() };
    OutboxMessage::grpc("t", destination, "/redress.intake.v1.IntakeInternalService/ApplyCaseUpdate", &request)
}

async fn two_relays_deliver_every_row_exactly_once(db: TestDb) {
    let conn = redress_db::connect(&db.config).await.unwrap();
    redress_db::migrate::<OutboxOnly>(&conn).await.unwrap();
    let counter = Counter::default();
    let addr = serve(counter.clone()).await;

    const ROWS: usize = 300;
    let txn = conn.begin().await.unwrap();
    redress_outbox::enqueue(&txn, (0..ROWS).map(|i| message(i, "intake")).collect()).await.unwrap();
    txn.commit().await.unwrap();

    let issuer = Issuer::hs256(TEST_SECRET, "redress", "redress");
    // Each relay has its own pool, as two replicas would.
    let conn_b = redress_db::connect(&db.config).await.unwrap();
    let a = Relay::new(conn.clone(), config("intake", format!("http://{addr}")), issuer.clone(), "a").unwrap();
    // The second replica finds the peer through DNS, as a headless Service.
    let b = Relay::new(conn_b, config("intake", format!("dns:///localhost:{}", addr.port())), issuer, "b").unwrap();
    let (ha, hb) = (a.spawn(), b.spawn());
    let relay = a.clone();
    assert!(eventually(Duration::from_secs(30), || async { relay.pending().await.unwrap() == 0 }).await);
    ha.stop(Duration::from_secs(10)).await;
    hb.stop(Duration::from_secs(10)).await;

    let counts = counter.0.lock().unwrap().clone();
    assert_eq!(counts.len(), ROWS, "every row delivered");
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "rows delivered more than once: {twice:?}");
}

async fn rows_for_an_unconfigured_peer_wait(db: TestDb) {
    let conn = redress_db::connect(&db.config).await.unwrap();
    redress_db::migrate::<OutboxOnly>(&conn).await.unwrap();
    let txn = conn.begin().await.unwrap();
    redress_outbox::enqueue(&txn, vec![message(1, "feedback")]).await.unwrap();
    txn.commit().await.unwrap();
    let relay =
        Relay::new(conn, config("feedback", String::new()), Issuer::hs256(TEST_SECRET, "redress", "redress"), "a")
            .unwrap();
    assert_eq!(relay.run_once().await.unwrap(), 0);
    assert_eq!(relay.pending().await.unwrap(), 1);
}

async fn a_hung_peer_fails_the_call_within_its_timeout_and_the_row_is_retried(db: TestDb) {
    let conn = redress_db::connect(&db.config).await.unwrap();
    redress_db::migrate::<OutboxOnly>(&conn).await.unwrap();
    let txn = conn.begin().await.unwrap();
    redress_outbox::enqueue(&txn, vec![message(1, "intake")]).await.unwrap();
    txn.commit().await.unwrap();
    let mut config = config("intake", format!("http://{}", redress_testkit::HungPeer::start().await.addr));
    config.call_timeout_ms = 300;
    let relay = Relay::new(conn, config, Issuer::hs256(TEST_SECRET, "redress", "redress"), "a").unwrap();
    // run_once returns (the round is not held by the peer) and the row waits.
    assert_eq!(relay.run_once().await.unwrap(), 1);
    assert_eq!(relay.pending().await.unwrap(), 1);
}

/// One round: the delivered rows are marked together, each refused row keeps
/// its own retry; nothing is delivered twice or lost.
async fn a_round_marks_its_deliveries_together_and_retries_each_refusal(db: TestDb) {
    let conn = redress_db::connect(&db.config).await.unwrap();
    redress_db::migrate::<OutboxOnly>(&conn).await.unwrap();
    let counter = Counter::default();
    let addr = serve(counter.clone()).await;
    let mut rows: Vec<OutboxMessage> = (0..10).map(|i| message(i, "intake")).collect();
    for i in 0..3 {
        let request = ApplyCaseUpdateRequest { event_id: format!("e-{i}-refused"), ..Default::default() };
        rows.push(OutboxMessage::grpc(
            "t",
            "intake",
            "/redress.intake.v1.IntakeInternalService/ApplyCaseUpdate",
            &request,
        ));
    }
    let txn = conn.begin().await.unwrap();
    redress_outbox::enqueue(&txn, rows).await.unwrap();
    txn.commit().await.unwrap();
    let relay = Relay::new(
        conn,
        config("intake", format!("http://{addr}")),
        Issuer::hs256(TEST_SECRET, "redress", "redress"),
        "a",
    )
    .unwrap();
    assert_eq!(relay.run_once().await.unwrap(), 13);
    assert_eq!(relay.pending().await.unwrap(), 3, "only the refused rows wait");
    // The refused rows are not due again before their backoff.
    assert_eq!(relay.run_once().await.unwrap(), 0);
    let counts = counter.0.lock().unwrap().clone();
    assert_eq!(counts.len(), 13);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
}

/// An erasure forgets the rows holding an erased value: a delivered one at
/// once; a pending one is still delivered (the peer erases it on arrival)
/// and then deleted instead of kept; other rows and the erasure's own rows
/// stay.
async fn rows_an_erasure_found_are_delivered_and_not_kept(db: TestDb) {
    let conn = redress_db::connect(&db.config).await.unwrap();
    redress_db::migrate::<OutboxOnly>(&conn).await.unwrap();
    let counter = Counter::default();
    let addr = serve(counter.clone()).await;
    let update = |event_id: &str, player_message: &str| {
        let request = ApplyCaseUpdateRequest {
            event_id: event_id.into(),
            player_message: player_message.into(),
            ..Default::default()
        };
        OutboxMessage::grpc("t", "intake", "/redress.intake.v1.IntakeInternalService/ApplyCaseUpdate", &request)
    };
    let relay = Relay::new(
        conn.clone(),
        config("intake", format!("http://{addr}")),
        Issuer::hs256(TEST_SECRET, "redress", "redress"),
        "a",
    )
    .unwrap();
    redress_outbox::enqueue(&conn, vec![update("delivered", "Dear CANARY, paid")]).await.unwrap();
    assert_eq!(relay.run_once().await.unwrap(), 1);
    let rows = vec![
        update("pending", "Dear CANARY, checking"),
        update("other", "Dear Bo"),
        // For a peer this relay does not serve: it stays pending.
        OutboxMessage::grpc(
            "t",
            "resolution",
            "/redress.resolution.v1.ResolutionInternalService/ErasePlayerRecords",
            &ApplyCaseUpdateRequest { event_id: "CANARY".into(), ..Default::default() },
        ),
    ];
    redress_outbox::enqueue(&conn, rows).await.unwrap();

    let needles = vec!["CANARY".to_owned()];
    assert_eq!(redress_outbox::forget_containing(&conn, "t", &needles).await.unwrap(), 2, "one deleted, one marked");
    assert_eq!(redress_outbox::forget_containing(&conn, "other-tenant", &needles).await.unwrap(), 0);
    let left = || async {
        use sea_orm::{EntityTrait, QueryOrder};
        let rows = redress_outbox::entity::Entity::find()
            .order_by_asc(redress_outbox::entity::Column::Id)
            .all(&conn)
            .await
            .unwrap();
        rows.into_iter().map(|r| (r.delivered_at.is_some(), r.erased)).collect::<Vec<_>>()
    };
    assert_eq!(left().await, [(false, true), (false, false), (false, false)]);
    assert_eq!(relay.run_once().await.unwrap(), 2);
    assert_eq!(left().await, [(true, false), (false, false)], "the erased row is gone once delivered");
    let counts = counter.0.lock().unwrap().clone();
    assert_eq!(counts.get("pending"), Some(&1), "the erased row was still delivered");
}

backend_tests!(
    rows_an_erasure_found_are_delivered_and_not_kept,
    a_round_marks_its_deliveries_together_and_retries_each_refusal,
    two_relays_deliver_every_row_exactly_once,
    rows_for_an_unconfigured_peer_wait,
    a_hung_peer_fails_the_call_within_its_timeout_and_the_row_is_retried
);

#[tokio::test]
async fn a_bad_peer_url_stops_the_start_naming_its_key() {
    let db = TestDb::sqlite();
    let conn = redress_db::connect(&db.config).await.unwrap();
    let issuer = Issuer::hs256(TEST_SECRET, "redress", "redress");
    let Err(err) = Relay::new(conn, config("resolution", "resolution:50051".into()), issuer, "a") else {
        panic!("a URL without a scheme was accepted");
    };
    assert!(err.to_string().starts_with("outbox.peers.resolution.url: "), "{err}");
}

/// A resolver the test controls: the addresses a headless Service would have.
struct Replicas(Mutex<Vec<std::net::SocketAddr>>);

impl redress_outbox::Resolve for Replicas {
    fn resolve<'a>(
        &'a self,
        _host: &'a str,
        _port: u16,
    ) -> futures::future::BoxFuture<'a, std::io::Result<Vec<std::net::SocketAddr>>> {
        let addrs = self.0.lock().unwrap().clone();
        Box::pin(async move { Ok(addrs) })
    }
}

async fn serve_on(counter: Counter, addr: std::net::SocketAddr) {
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(IntakeInternalServiceServer::new(counter))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
}

#[tokio::test]
async fn a_dns_peer_spreads_calls_over_every_replica_and_follows_changes() {
    use redress_proto::intake::v1::intake_internal_service_client::IntakeInternalServiceClient;
    // Two replicas on one port, as pods behind a headless Service.
    let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let (one, two) = (Counter::default(), Counter::default());
    let a: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let b: std::net::SocketAddr = format!("127.0.0.2:{port}").parse().unwrap();
    serve_on(one.clone(), a).await;
    serve_on(two.clone(), b).await;
    let replicas = Arc::new(Replicas(Mutex::new(vec![a, b])));
    let peer = redress_outbox::PeerAddress::parse(&format!("dns:///intake-headless:{port}")).unwrap();
    let channel = peer.channel_with(replicas.clone(), Duration::from_secs(2), Duration::from_millis(50)).unwrap();
    let mut client = IntakeInternalServiceClient::new(channel);
    let call = |client: &mut IntakeInternalServiceClient<tonic::transport::Channel>, i: usize| {
        let mut client = client.clone();
        async move {
            let request = ApplyCaseUpdateRequest { event_id: format!("e-{i}"), ..Default::default() };
            client.apply_case_update(request).await.is_ok()
        }
    };
    // Both replicas are found before the balancer is ready.
    assert!(eventually(Duration::from_secs(10), || call(&mut client, 0)).await);
    for i in 1..200 {
        assert!(call(&mut client, i).await);
    }
    let (to_one, to_two) = (one.0.lock().unwrap().len(), two.0.lock().unwrap().len());
    assert!(to_one > 0 && to_two > 0, "calls not spread: {to_one} and {to_two}");
    // The second pod goes away: calls go to the first only.
    replicas.0.lock().unwrap().retain(|r| *r == a);
    let before = two.0.lock().unwrap().len();
    let mut round = 0;
    // Polled within a bounded deadline: the resolver loop drops the replica
    // on its next refresh (50 ms), then a batch of calls leaves it untouched.
    let gone = eventually(Duration::from_secs(5), || {
        round += 1;
        let (mut client, two) = (client.clone(), two.clone());
        async move {
            let start = two.0.lock().unwrap().len();
            for i in 0..20 {
                let request = ApplyCaseUpdateRequest { event_id: format!("r-{round}-{i}"), ..Default::default() };
                assert!(client.apply_case_update(request).await.is_ok());
            }
            two.0.lock().unwrap().len() == start
        }
    })
    .await;
    assert!(gone, "the removed replica kept receiving calls (had {before})");
}
