//! gRPC health follows the database: SERVING while it answers with the
//! schema this binary expects, NOT_SERVING while it does not answer or was
//! never migrated, SERVING again when it is back or migrated.

use std::time::Duration;

use redress_testkit::{TestDb, backend_tests, eventually};
use sea_orm::{ConnectionTrait, Database};
use tonic::transport::Channel;
use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient};

use crate::helpers::{TestIntake, config};

async fn status(health: &HealthClient<Channel>, service: &str) -> Option<ServingStatus> {
    let mut health = health.clone();
    health.check(HealthCheckRequest { service: service.into() }).await.ok().map(|r| r.into_inner().status())
}

async fn becomes(health: &HealthClient<Channel>, want: ServingStatus) -> bool {
    eventually(Duration::from_secs(15), || async {
        status(health, "redress.intake.v1.IntakeService").await == Some(want)
    })
    .await
}

async fn health_reports_serving_with_a_reachable_database(db: TestDb) {
    let t = TestIntake::start(&db).await;
    let health = HealthClient::new(redress_testkit::channel(t.intake.local_addr()));
    assert!(becomes(&health, ServingStatus::Serving).await);
    assert_eq!(status(&health, "").await, Some(ServingStatus::Serving));
    t.intake.shutdown().await;
}

async fn an_unmigrated_database_is_not_serving_until_migrate_has_run(db: TestDb) {
    let mut cfg = config(&db, None);
    cfg.database.migrate_on_start = false;
    cfg.server.health_probe_interval_ms = 100;
    let t = TestIntake::start_with(cfg).await;
    let health = HealthClient::new(redress_testkit::channel(t.intake.local_addr()));
    assert!(becomes(&health, ServingStatus::NotServing).await);
    assert_eq!(status(&health, "").await, Some(ServingStatus::NotServing));
    assert_eq!(status(&health, redress_server::LIVENESS_SERVICE).await, Some(ServingStatus::Serving));
    // What the migration Job (or init container) does.
    let conn = redress_db::connect(&db.config).await.unwrap();
    redress_db::migrate::<redress_intake::store::migration::Migrator>(&conn).await.unwrap();
    assert!(becomes(&health, ServingStatus::Serving).await, "SERVING once migrated");
    assert_eq!(status(&health, "").await, Some(ServingStatus::Serving));
    let _ = conn.close().await;
    t.intake.shutdown().await;
}

/// A migration only a newer release has.
struct FromANewerRelease;

impl sea_orm_migration::MigrationName for FromANewerRelease {
    fn name(&self) -> &str {
        "m20991231_000001_from_a_newer_release"
    }
}

#[async_trait::async_trait]
impl sea_orm_migration::MigrationTrait for FromANewerRelease {
    async fn up(&self, manager: &sea_orm_migration::SchemaManager) -> Result<(), sea_orm::DbErr> {
        manager.get_connection().execute_unprepared("CREATE TABLE newer_release_table (id TEXT PRIMARY KEY)").await?;
        Ok(())
    }
}

struct NewerRelease;

impl sea_orm_migration::MigratorTrait for NewerRelease {
    fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        let mut all = redress_intake::store::migration::Migrator::migrations();
        all.push(Box::new(FromANewerRelease));
        all
    }
}

async fn a_rolled_back_binary_starts_on_the_schema_a_newer_release_migrated(db: TestDb) {
    let conn = redress_db::connect(&db.config).await.unwrap();
    redress_db::migrate::<NewerRelease>(&conn).await.unwrap();
    // The older binary's migrate (its init container) has nothing to do...
    redress_db::migrate::<redress_intake::store::migration::Migrator>(&conn).await.unwrap();
    let _ = conn.close().await;
    // ...and it starts, migrating on start, and is ready.
    let mut cfg = config(&db, None);
    cfg.server.health_probe_interval_ms = 100;
    let t = TestIntake::start_with(cfg).await;
    let health = HealthClient::new(redress_testkit::channel(t.intake.local_addr()));
    assert!(becomes(&health, ServingStatus::Serving).await);
    t.intake.shutdown().await;
}

backend_tests!(
    health_reports_serving_with_a_reachable_database,
    an_unmigrated_database_is_not_serving_until_migrate_has_run,
    a_rolled_back_binary_starts_on_the_schema_a_newer_release_migrated
);

/// Only PostgreSQL can be taken away from a running process and given back.
mod pg_outage {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn health_is_not_serving_while_the_database_is_unreachable() {
        if redress_testkit::postgres_skipped() {
            eprintln!("SKIPPED (REDRESS_TEST_POSTGRES=skip): health_is_not_serving_while_the_database_is_unreachable");
            return;
        }
        let db = TestDb::postgres().await;
        let mut cfg = config(&db, None);
        cfg.server.health_probe_interval_ms = 100;
        let t = TestIntake::start_with(cfg).await;
        let health = HealthClient::new(redress_testkit::channel(t.intake.local_addr()));
        assert!(becomes(&health, ServingStatus::Serving).await);

        let name = db.config.url.expose().rsplit('/').next().unwrap().to_owned();
        let admin = Database::connect(redress_testkit::postgres_admin_url()).await.unwrap();
        admin.execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).await.unwrap();
        admin
            .execute_unprepared(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ))
            .await
            .unwrap();
        assert!(becomes(&health, ServingStatus::NotServing).await, "NOT_SERVING while the database is gone");
        // Liveness does not follow the database: Kubernetes must not restart the pod.
        assert_eq!(status(&health, redress_server::LIVENESS_SERVICE).await, Some(ServingStatus::Serving));

        admin.execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).await.unwrap();
        assert!(becomes(&health, ServingStatus::Serving).await, "SERVING again once it is back");
        let _ = admin.close().await;
        t.intake.shutdown().await;
    }
}
