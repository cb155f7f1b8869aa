//! The export job's lease on both backends: one replica at a time holds an
//! export; once its lease expires another may take it over, and the replica
//! that lost it can neither renew it nor save over the new holder's work.

use chrono::{Duration, SubsecRound, Utc};
use redress_intake::{exporter::new_job, store::export};
use redress_testkit::{TestDb, backend_tests};

use crate::helpers::{TestIntake, config};

async fn one_replica_holds_an_export_and_a_lost_lease_saves_nothing(db: TestDb) {
    let mut config = config(&db, None);
    // The test is the only worker.
    config.export.poll_interval_ms = 0;
    let t = TestIntake::start_with(config).await;
    let conn = t.intake.db();
    let at = Utc::now().trunc_subsecs(3);
    export::insert(conn, new_job("e-lease".into(), "casino-a", "r-1", "p-1", "dpo", at)).await.unwrap();
    let duplicate = export::insert(conn, new_job("e-dup".into(), "casino-a", "r-1", "p-2", "dpo", at)).await;
    assert!(duplicate.is_err_and(|e| redress_db::is_unique_violation(&e)), "request ids are unique per tenant");

    let first_lease = at + Duration::seconds(60);
    let first = export::claim(conn, at, first_lease).await.unwrap().expect("a pending export is due");
    assert_eq!(first.lease_until, Some(first_lease));
    assert!(export::claim(conn, at, first_lease).await.unwrap().is_none(), "held");

    // The first replica stalls past its lease; a second takes the export over.
    let later = at + Duration::seconds(61);
    let second_lease = later + Duration::seconds(60);
    let second = export::claim(conn, later, second_lease).await.unwrap().expect("an expired lease is free");
    assert_eq!(second.id, first.id);
    assert!(!export::renew_lease(conn, &first.id, first_lease, later + Duration::seconds(90)).await.unwrap());
    let mut stale = first.clone();
    stale.parts_done = "intake".into();
    assert!(!export::save_leased(conn, stale, first_lease).await.unwrap(), "the lost lease saves nothing");
    assert!(export::renew_lease(conn, &first.id, second_lease, later + Duration::seconds(120)).await.unwrap());
    let now = export::find(conn, "casino-a", &first.id).await.unwrap().unwrap();
    assert!(now.parts_done.is_empty());
    assert!(export::find(conn, "casino-b", &first.id).await.unwrap().is_none(), "tenant-scoped");
    t.intake.shutdown().await;
}

backend_tests!(one_replica_holds_an_export_and_a_lost_lease_saves_nothing);
