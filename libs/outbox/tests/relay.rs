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
        vec![Box::new(redress_outbox::migration::CreateOutbox)]
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
        *self.0.lock().unwrap().entry(request.into_inner().event_id).or_default() += 1;
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
    let a = Relay::new(conn.clone(), config("intake", format!("http://{addr}")), issuer.clone(), "a");
    let b = Relay::new(conn_b, config("intake", format!("http://{addr}")), issuer, "b");
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
        Relay::new(conn, config("feedback", String::new()), Issuer::hs256(TEST_SECRET, "redress", "redress"), "a");
    assert_eq!(relay.run_once().await.unwrap(), 0);
    assert_eq!(relay.pending().await.unwrap(), 1);
}

backend_tests!(two_relays_deliver_every_row_exactly_once, rows_for_an_unconfigured_peer_wait);
