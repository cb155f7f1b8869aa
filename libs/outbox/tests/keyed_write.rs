//! The keyed write every service uses: the write's own rows, its outbox
//! messages and its saved response reach the database in one batch (one
//! statement on PostgreSQL) and commit together or not at all.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use redress_auth::Issuer;
use redress_errors::ApiError;
use redress_idempotency::Key;
use redress_outbox::{OutboxMessage, PeerConfig, Relay, RelayConfig};
use redress_proto::intake::v1::{ApplyCaseUpdateRequest, ApplyCaseUpdateResponse};
use redress_testkit::{TEST_SECRET, TestDb, backend_tests};
use sea_orm_migration::{MigrationTrait, MigratorTrait};

struct Schema;

#[async_trait::async_trait]
impl MigratorTrait for Schema {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(redress_outbox::migration::CreateOutbox),
            Box::new(redress_outbox::migration::AddErasedFlag),
            Box::new(redress_idempotency::migration::CreateIdempotencyRecords),
        ]
    }
}

fn key(request_id: &str) -> Key<'_> {
    Key { tenant: "t", method: "ApplyCaseUpdate", request_id, fingerprint: "f".into() }
}

fn message(i: usize) -> OutboxMessage {
    let request = ApplyCaseUpdateRequest { event_id: format!("e-{i}"), ..Default::default() };
    OutboxMessage::grpc("t", "intake", "/redress.intake.v1.IntakeInternalService/ApplyCaseUpdate", &request)
}

async fn setup(db: &TestDb) -> (sea_orm::DatabaseConnection, std::sync::Arc<Relay>) {
    let conn = redress_db::connect(&db.config).await.unwrap();
    redress_db::migrate::<Schema>(&conn).await.unwrap();
    let mut config = RelayConfig::default();
    config.peers.insert("intake".into(), PeerConfig { url: "http://127.0.0.1:9".into() });
    let relay = Relay::new(conn.clone(), config, Issuer::hs256(TEST_SECRET, "redress", "redress"), "t").unwrap();
    (conn, relay)
}

async fn rows_messages_and_response_commit_together_and_replay(db: TestDb) {
    let (conn, relay) = setup(&db).await;
    let response = ApplyCaseUpdateResponse::default();
    // The write's own row: another saved response stands in for a domain row.
    let write = async |_: &sea_orm::DatabaseTransaction, inserts: &mut redress_db::Inserts| {
        redress_idempotency::save_into(inserts, &key("own-row"), &response);
        Ok((response.clone(), vec![message(1), message(2), message(3)]))
    };
    let (_, replayed) = redress_outbox::keyed_write(&conn, &relay, &key("k"), write).await.unwrap();
    assert!(!replayed);
    assert_eq!(relay.pending().await.unwrap(), 3);
    assert!(redress_idempotency::replay::<ApplyCaseUpdateResponse>(&conn, &key("own-row")).await.unwrap().is_some());

    // The retry replays and writes nothing.
    let again =
        async |_: &sea_orm::DatabaseTransaction, _: &mut redress_db::Inserts| Ok((response.clone(), vec![message(4)]));
    let (_, replayed) = redress_outbox::keyed_write(&conn, &relay, &key("k"), again).await.unwrap();
    assert!(replayed);
    assert_eq!(relay.pending().await.unwrap(), 3);
}

async fn a_batch_that_fails_leaves_nothing_behind(db: TestDb) {
    let (conn, relay) = setup(&db).await;
    let response = ApplyCaseUpdateResponse::default();
    redress_idempotency::save(&conn, &key("taken"), &response).await.unwrap();
    // A fresh row, then one that violates a unique key: neither the fresh
    // row, nor the messages, nor the response may remain, whether the batch
    // ran in a keyed write's transaction or as a keyed insert.
    let rows = |inserts: &mut redress_db::Inserts| -> Result<(ApplyCaseUpdateResponse, Vec<OutboxMessage>), ApiError> {
        redress_idempotency::save_into(inserts, &key("fresh"), &response);
        redress_idempotency::save_into(inserts, &key("taken"), &response);
        Ok((response.clone(), vec![message(1), message(2)]))
    };
    let in_transaction = async |_: &sea_orm::DatabaseTransaction, inserts: &mut redress_db::Inserts| rows(inserts);
    let failed = redress_outbox::keyed_write(&conn, &relay, &key("k"), in_transaction).await;
    assert!(failed.is_err(), "{failed:?}");
    let as_insert = async |inserts: &mut redress_db::Inserts| rows(inserts);
    let failed = redress_outbox::keyed_insert(&conn, &relay, &key("k"), as_insert).await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(relay.pending().await.unwrap(), 0);
    for absent in ["fresh", "k"] {
        let found = redress_idempotency::replay::<ApplyCaseUpdateResponse>(&conn, &key(absent)).await.unwrap();
        assert!(found.is_none(), "{absent} was written by a failed batch");
    }
}

// `keyed_insert`: the insert first, the replay only when the saved
// response's key is taken; no transaction on PostgreSQL.

/// A write that fails on what it read (the state moved on since).
async fn failing(_: &mut redress_db::Inserts) -> Result<(ApplyCaseUpdateResponse, Vec<OutboxMessage>), ApiError> {
    Err(ApiError::failed_precondition("MOVED_ON", "the state moved on"))
}

async fn an_insert_only_write_commits_once_and_its_retries_replay(db: TestDb) {
    let (conn, relay) = setup(&db).await;
    let response = ApplyCaseUpdateResponse::default();
    let write = async |inserts: &mut redress_db::Inserts| {
        redress_idempotency::save_into(inserts, &key("own-row"), &response);
        Ok((response.clone(), vec![message(1), message(2), message(3)]))
    };
    let (_, replayed) = redress_outbox::keyed_insert(&conn, &relay, &key("k"), write).await.unwrap();
    assert!(!replayed);
    assert_eq!(relay.pending().await.unwrap(), 3);

    // The retry's rows trip the saved response's key: nothing of it stays.
    let again = async |inserts: &mut redress_db::Inserts| {
        redress_idempotency::save_into(inserts, &key("retry-row"), &response);
        Ok((response.clone(), vec![message(4)]))
    };
    let (_, replayed) = redress_outbox::keyed_insert(&conn, &relay, &key("k"), again).await.unwrap();
    assert!(replayed);
    assert_eq!(relay.pending().await.unwrap(), 3);
    let retry_row = redress_idempotency::replay::<ApplyCaseUpdateResponse>(&conn, &key("retry-row")).await.unwrap();
    assert!(retry_row.is_none());

    // A retry whose write now fails still gets the saved response.
    let (_, replayed) = redress_outbox::keyed_insert(&conn, &relay, &key("k"), failing).await.unwrap();
    assert!(replayed);
    // A fresh key whose write fails gets the failure.
    let failed = redress_outbox::keyed_insert(&conn, &relay, &key("fresh"), failing).await;
    assert_eq!(failed.unwrap_err().reason, "MOVED_ON");

    // The same key with another request is refused and writes nothing.
    let other = Key { fingerprint: "other".into(), ..key("k") };
    let reused = redress_outbox::keyed_insert(&conn, &relay, &other, async |_: &mut redress_db::Inserts| {
        Ok((response.clone(), vec![message(5)]))
    })
    .await;
    assert_eq!(reused.unwrap_err().reason, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(relay.pending().await.unwrap(), 3);
}

async fn racing_insert_only_twins_write_once(db: TestDb) {
    let (conn, relay) = setup(&db).await;
    let response = ApplyCaseUpdateResponse::default();
    let twin = key("k");
    let twins: Vec<_> = (0..8)
        .map(|_| {
            let write = async |_: &mut redress_db::Inserts| Ok((response.clone(), vec![message(1), message(2)]));
            redress_outbox::keyed_insert(&conn, &relay, &twin, write)
        })
        .collect();
    let outcomes = futures::future::join_all(twins).await;
    let written = outcomes.iter().filter(|o| matches!(o, Ok((_, false)))).count();
    let replayed = outcomes.iter().filter(|o| matches!(o, Ok((_, true)))).count();
    assert_eq!((written, replayed), (1, 7), "{outcomes:?}");
    assert_eq!(relay.pending().await.unwrap(), 2);
}

backend_tests!(
    rows_messages_and_response_commit_together_and_replay,
    a_batch_that_fails_leaves_nothing_behind,
    an_insert_only_write_commits_once_and_its_retries_replay,
    racing_insert_only_twins_write_once
);
