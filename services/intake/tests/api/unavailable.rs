//! A request whose database connection dies (PostgreSQL: the backend is
//! terminated mid-statement) or stays locked past the busy timeout (SQLite)
//! answers UNAVAILABLE with a RetryInfo hint, never INTERNAL: clients retry
//! by that code.

use std::time::Duration;

use redress_testkit::{Backend, TestDb, backend_tests, eventually};
use sea_orm::{ConnectionTrait, Database, TransactionTrait};
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::{TestIntake, withdrawal_complaint};

async fn a_request_whose_database_connection_dies_is_unavailable_with_a_retry_hint(db: TestDb) {
    let t = TestIntake::start(&db).await;
    // A second connection takes the lock every submit needs, so the request
    // is in flight, inside its transaction, when its connection goes.
    let blocker = Database::connect(db.config.url.expose()).await.unwrap();
    let lock = blocker.begin().await.unwrap();
    let take_lock = match db.backend {
        Backend::Postgres => "LOCK TABLE complaints IN ACCESS EXCLUSIVE MODE",
        // Any write takes SQLite's one write lock until the transaction ends.
        Backend::Sqlite => "CREATE TABLE test_blocker (x INTEGER)",
    };
    lock.execute_unprepared(take_lock).await.unwrap();

    let mut client = t.client.clone();
    let request = t.req(withdrawal_complaint("req-dies", "player-1", "wd-1"));
    let call = tokio::spawn(async move { client.submit_complaint(request).await });

    if db.backend == Backend::Postgres {
        let name = db.config.url.expose().rsplit('/').next().unwrap().to_owned();
        let admin = Database::connect(redress_testkit::postgres_admin_url()).await.unwrap();
        let waiting = format!(
            "SELECT pid FROM pg_stat_activity WHERE datname = '{name}' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        );
        assert!(
            eventually(Duration::from_secs(10), || async {
                admin
                    .query_all_raw(sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, waiting.clone()))
                    .await
                    .is_ok_and(|rows| !rows.is_empty())
            })
            .await,
            "the submit never waited on the lock"
        );
        admin
            .execute_unprepared(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND wait_event_type = 'Lock'"
            ))
            .await
            .unwrap();
    }

    let status = tokio::time::timeout(Duration::from_secs(30), call).await.unwrap().unwrap().unwrap_err();
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    assert!(status.get_details_retry_info().and_then(|r| r.retry_delay).is_some(), "no retry hint: {status:?}");
    let _ = lock.rollback().await;

    // The service recovers: the same request, retried, is filed.
    let mut client = t.client.clone();
    let retried = client.submit_complaint(t.req(withdrawal_complaint("req-dies", "player-1", "wd-1"))).await;
    assert!(retried.is_ok(), "{retried:?}");
    t.intake.shutdown().await;
}

backend_tests!(a_request_whose_database_connection_dies_is_unavailable_with_a_retry_hint);
