//! `connect_readers` on SQLite: read-only connections beside the one writer.

#![allow(clippy::unwrap_used)]

use redress_db::DatabaseConfig;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

async fn count(c: &impl ConnectionTrait) -> i64 {
    let row = c.query_one_raw(Statement::from_string(DbBackend::Sqlite, "SELECT count(*) AS n FROM facts")).await;
    row.unwrap().unwrap().try_get("", "n").unwrap()
}

#[tokio::test]
async fn readers_see_commits_and_read_while_the_writer_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = DatabaseConfig::for_url(format!("sqlite://{}?mode=rwc", dir.path().join("r.db").display()));
    // A reader that waited for the writer would fail fast instead of hanging.
    config.acquire_timeout_ms = 500;
    let writer = redress_db::connect(&config).await.unwrap();
    writer.execute_unprepared("CREATE TABLE facts (id INTEGER PRIMARY KEY)").await.unwrap();
    writer.execute_unprepared("INSERT INTO facts (id) VALUES (1)").await.unwrap();
    let readers = redress_db::connect_readers(&config, &writer).await.unwrap();
    assert_eq!(count(&readers).await, 1);

    // The writer's only connection is in a write transaction: the readers
    // still answer, from the last commit.
    let txn = redress_db::begin_write(&writer).await.unwrap();
    txn.execute_unprepared("INSERT INTO facts (id) VALUES (2)").await.unwrap();
    let (a, b) = tokio::join!(count(&readers), count(&readers));
    assert_eq!((a, b), (1, 1));
    txn.commit().await.unwrap();
    assert_eq!(count(&readers).await, 2);

    // Read-only: a write through them fails.
    let denied = readers.execute_unprepared("INSERT INTO facts (id) VALUES (3)").await;
    assert!(denied.is_err(), "{denied:?}");
    let txn = readers.begin().await.unwrap();
    assert!(txn.execute_unprepared("DELETE FROM facts").await.is_err());
}

#[tokio::test]
async fn an_in_memory_database_reads_through_its_writer() {
    let config = DatabaseConfig::for_url("sqlite::memory:");
    let writer = redress_db::connect(&config).await.unwrap();
    writer.execute_unprepared("CREATE TABLE facts (id INTEGER PRIMARY KEY)").await.unwrap();
    let readers = redress_db::connect_readers(&config, &writer).await.unwrap();
    assert_eq!(count(&readers).await, 0);
}
