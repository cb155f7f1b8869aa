//! Replicas on one PostgreSQL database: started together, they migrate one at
//! a time (an advisory lock) and both serve; complaints filed through either
//! get distinct references.

use std::time::Duration;

use redress_testkit::TestDb;

use crate::helpers::{TestIntake, config, withdrawal_complaint};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_started_together_migrate_once_and_both_serve() {
    if redress_testkit::postgres_skipped() {
        eprintln!("SKIPPED (REDRESS_TEST_POSTGRES=skip): two_replicas_started_together_migrate_once_and_both_serve");
        return;
    }
    redress_testkit::init_test_logging();
    let db = TestDb::postgres().await;
    let (a, b) = tokio::time::timeout(Duration::from_secs(30), async {
        tokio::join!(TestIntake::start_with(config(&db, None)), TestIntake::start_with(config(&db, None)))
    })
    .await
    .expect("both replicas start; neither waits forever on the migration lock");
    let (mut a, mut b) = (a, b);
    // A third start finds everything migrated.
    let c = tokio::time::timeout(Duration::from_secs(30), TestIntake::start_with(config(&db, None))).await.unwrap();
    let first = a.client.submit_complaint(a.req(withdrawal_complaint("r-1", "p-1", "w-1"))).await.unwrap();
    let second = b.client.submit_complaint(b.req(withdrawal_complaint("r-2", "p-2", "w-2"))).await.unwrap();
    assert_ne!(first.into_inner().complaint.unwrap().reference, second.into_inner().complaint.unwrap().reference);
    a.intake.shutdown().await;
    b.intake.shutdown().await;
    c.intake.shutdown().await;
}
