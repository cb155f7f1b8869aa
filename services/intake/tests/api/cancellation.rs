//! A SubmitComplaint whose client goes away in the middle of the write. On
//! PostgreSQL its deadline passes while the transaction waits on a lock (at
//! an INSERT, then during the COMMIT itself, held by a deferred trigger: the
//! path that made the server log "there is no transaction in progress"): the
//! write still ends in its own COMMIT, so a retry replays it, the service's
//! connections stay usable, and no backend of the test database is left idle
//! in transaction. On SQLite requests are cut at whatever point 1 ms reaches,
//! and every complaint is still filed exactly once.

use std::time::Duration;

use redress_proto::intake::v1::{ListComplaintsRequest, SubmitComplaintRequest};
use redress_testkit::{Backend, TestDb, backend_tests};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
use tonic::Code;

use crate::helpers::{TestIntake, withdrawal_complaint};

/// Submits with a deadline the write cannot meet; the server gives up on it.
async fn submit_cut_short(t: &mut TestIntake, request: SubmitComplaintRequest) {
    let mut call = t.req(request);
    call.set_timeout(Duration::from_millis(300));
    let err = t.client.submit_complaint(call).await.unwrap_err();
    assert!(matches!(err.code(), Code::DeadlineExceeded | Code::Cancelled), "{err:?}");
}

/// Holds the lock every complaint INSERT needs until the transaction ends.
async fn block_inserts(blocker: &DatabaseConnection) -> DatabaseTransaction {
    let txn = blocker.begin().await.unwrap();
    txn.execute_unprepared("LOCK TABLE complaints IN SHARE ROW EXCLUSIVE MODE").await.unwrap();
    txn
}

/// Backends of the test database (other than ours) idle inside a
/// transaction; polled until none, within a bounded deadline.
async fn assert_no_idle_transactions(blocker: &DatabaseConnection) {
    let count = || async {
        let row = blocker
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() \
                 AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    };
    let clean = redress_testkit::eventually(Duration::from_secs(5), || async { count().await == 0 }).await;
    assert!(clean, "{} connection(s) left idle in transaction", count().await);
}

/// The write went through: it commits on its own (polled, within a bounded
/// deadline: the server finishes it after the client left), a retry then
/// replays it, and the service still reads.
async fn assert_written_and_usable(t: &mut TestIntake, blocker: &DatabaseConnection, request: SubmitComplaintRequest) {
    let player = request.player.as_ref().map(|p| p.player_id.clone()).unwrap_or_default();
    let committed = || async {
        let row = blocker
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "SELECT count(*) AS n FROM complaints WHERE player_id = $1",
                [player.clone().into()],
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap() == 1
    };
    assert!(
        redress_testkit::eventually(Duration::from_secs(10), committed).await,
        "the cut-short write never committed"
    );
    let again = t.client.submit_complaint(t.req(request)).await.unwrap().into_inner();
    assert!(again.replayed, "the cut-short write did not complete");
    let listed = t.client.list_complaints(t.req(ListComplaintsRequest::default())).await.unwrap().into_inner();
    assert!(listed.complaints.iter().any(|c| Some(c) == again.complaint.as_ref()));
}

async fn a_write_cut_short_by_its_client_completes_and_leaves_no_transaction_open(db: TestDb) {
    let mut t = TestIntake::start(&db).await;
    // The first submission reserves a block of reference numbers, so the next
    // ones need no statement outside the transaction.
    t.client.submit_complaint(t.req(withdrawal_complaint("warm-up", "p-0", "w-0"))).await.unwrap();
    let blocker = redress_db::connect(&db.config).await.unwrap();

    if db.backend == Backend::Sqlite {
        // SQLite refuses (SQLITE_BUSY) rather than waits when a transaction
        // that has read must wait for the write lock, so a write cannot be
        // held mid-transaction; cut requests at whatever point 1 ms reaches.
        for i in 0..10 {
            let request = withdrawal_complaint(&format!("cut-{i}"), &format!("p-c{i}"), &format!("w-c{i}"));
            let mut call = t.req(request.clone());
            call.set_timeout(Duration::from_millis(1));
            let _ = t.client.submit_complaint(call).await;
            t.client.submit_complaint(t.req(request)).await.unwrap();
        }
        let listed = t.client.list_complaints(t.req(ListComplaintsRequest::default())).await.unwrap().into_inner();
        assert_eq!(listed.complaints.len(), 11, "each complaint filed once");
    } else {
        let cut = withdrawal_complaint("cut-mid-insert", "p-1", "w-1");
        let lock = block_inserts(&blocker).await;
        submit_cut_short(&mut t, cut.clone()).await;
        lock.rollback().await.unwrap();
        assert_written_and_usable(&mut t, &blocker, cut).await;
        assert_no_idle_transactions(&blocker).await;

        // Cut during COMMIT: a deferred trigger waits on a lock the test holds.
        blocker
            .execute_unprepared(
                "CREATE FUNCTION test_hold_commit() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN PERFORM pg_advisory_xact_lock_shared(4242); RETURN NULL; END $$; \
                 CREATE CONSTRAINT TRIGGER test_hold_commit AFTER INSERT ON complaints \
                 DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_hold_commit();",
            )
            .await
            .unwrap();
        let hold = blocker.begin().await.unwrap();
        hold.execute_unprepared("SELECT pg_advisory_xact_lock(4242)").await.unwrap();
        let cut = withdrawal_complaint("cut-mid-commit", "p-2", "w-2");
        submit_cut_short(&mut t, cut.clone()).await;
        hold.rollback().await.unwrap();
        assert_written_and_usable(&mut t, &blocker, cut).await;
        assert_no_idle_transactions(&blocker).await;
        blocker.execute_unprepared("DROP TRIGGER test_hold_commit ON complaints").await.unwrap();
    }
    // Every pooled connection still works.
    for i in 0..8 {
        let id = format!("after-{i}");
        let request = withdrawal_complaint(&id, &format!("p-a{i}"), &format!("w-a{i}"));
        assert!(!t.client.submit_complaint(t.req(request)).await.unwrap().into_inner().replayed);
    }
    let _ = blocker.close().await;
    t.intake.shutdown().await;
}

backend_tests!(a_write_cut_short_by_its_client_completes_and_leaves_no_transaction_open);
