//! Database connection and migration, one way for every Redress service.
//!
//! The same code and migrations run on embedded SQLite (development, a
//! single-node install) and PostgreSQL (production). SQLite runs in WAL mode
//! behind a pool of ONE connection: every transaction is serialised in the
//! process, so concurrent writers never meet "database is locked" (measured
//! here: deferred read-then-write transactions failed 87–90 % of the time
//! under 8 writers with a larger pool). Long analytical reads can take a
//! second, read-only pool ([`connect_readers`]) so they neither wait for the
//! writer nor hold it. PostgreSQL gets a real pool with acquire and connect
//! timeouts, and a server-side limit on idle transactions.

mod encoded;
pub mod erasure;
mod inserts;
mod stored;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use redress_config::Secret;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, TransactionTrait};
use sea_orm_migration::MigratorTrait;
use serde::{Deserialize, Serialize};

pub use encoded::Encoded;
pub use inserts::Inserts;
pub use sea_orm;
pub use stored::{Stored, number_or_empty};

/// Database settings (`[database]` in every service's configuration).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DatabaseConfig {
    /// `sqlite://path/to/file.db?mode=rwc` or `postgres://user:pass@host/db`.
    pub url: Secret,
    /// PostgreSQL pool size. SQLite always uses one connection.
    pub max_connections: u32,
    /// How long a request may wait for a pooled connection, in milliseconds.
    pub acquire_timeout_ms: u64,
    /// How long opening a connection may take, in milliseconds.
    pub connect_timeout_ms: u64,
    /// PostgreSQL `idle_in_transaction_session_timeout`, in milliseconds: a
    /// transaction left open by a cancelled request is rolled back by the
    /// server instead of holding locks.
    pub idle_in_transaction_timeout_ms: u64,
    /// A pooled PostgreSQL connection idle this long, in milliseconds, is
    /// pinged before use (a busy one is not: the ping is a round trip).
    pub ping_idle_after_ms: u64,
    /// Run migrations at start (`false` when a Kubernetes Job runs them).
    pub migrate_on_start: bool,
}

impl DatabaseConfig {
    /// A configuration for `url` with production defaults.
    pub fn for_url(url: impl Into<String>) -> Self {
        Self { url: Secret::new(url), ..Self::default() }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: Secret::new("sqlite://redress.db?mode=rwc"),
            max_connections: 16,
            acquire_timeout_ms: 5_000,
            connect_timeout_ms: 5_000,
            idle_in_transaction_timeout_ms: 30_000,
            ping_idle_after_ms: 10_000,
            migrate_on_start: true,
        }
    }
}

/// Opens the database described by `config`.
pub async fn connect(config: &DatabaseConfig) -> Result<DatabaseConnection, DbErr> {
    let url = config.url.expose();
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .acquire_timeout(Duration::from_millis(config.acquire_timeout_ms))
        .connect_timeout(Duration::from_millis(config.connect_timeout_ms))
        .sqlx_logging(false);
    // sqlx reports every acquire's wait as a trace event; the telemetry
    // turns it into `db.client.connection.wait_time`.
    let wait_level = log::LevelFilter::Trace;
    if url.starts_with("sqlite:") {
        // No ping on acquire: a file is not dropped by a server or a
        // firewall, and each ping is one more hand-off to the one writer.
        options.test_before_acquire(false);
        options.max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None);
        options.map_sqlx_sqlite_pool_opts(move |o| o.acquire_time_level(wait_level));
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    } else {
        let idle = config.idle_in_transaction_timeout_ms.to_string();
        options.max_connections(config.max_connections).min_connections(1);
        // sqlx pings a pooled connection on every acquire by default: one
        // more round trip per statement outside a transaction (and sqlx pings
        // again on release). A busy connection is known alive; one idle long
        // enough for a server restart, a proxy or a firewall to have dropped
        // it is pinged first.
        options.test_before_acquire_if_idle_for(Duration::from_millis(config.ping_idle_after_ms));
        options.map_sqlx_postgres_pool_opts(move |o| o.acquire_time_level(wait_level));
        options.map_sqlx_postgres_opts(move |o| o.options([("idle_in_transaction_session_timeout", idle.as_str())]));
    }
    Database::connect(options).await
}

/// Read-only connections beside [`connect`]'s writer on SQLite.
const SQLITE_READERS: u32 = 2;

/// Where long read-only queries (analytics over many rows) should run. On
/// PostgreSQL that is `writer` itself: its pool already serves reads
/// concurrently. On a SQLite file it is a pool of [`SQLITE_READERS`]
/// read-only connections to the same file: in WAL mode they read the last
/// committed state beside the one writer connection, so such a query neither
/// waits behind the writes nor holds them up, and independent reads of one
/// request run in parallel. An in-memory SQLite database has no file to
/// share: `writer` again. Open the writer (and migrate) first; a reader sees
/// what has been committed, so read-your-writes holds after a commit.
pub async fn connect_readers(
    config: &DatabaseConfig,
    writer: &DatabaseConnection,
) -> Result<DatabaseConnection, DbErr> {
    let url = config.url.expose();
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    if writer.get_database_backend() != DbBackend::Sqlite || in_memory {
        return Ok(writer.clone());
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .acquire_timeout(Duration::from_millis(config.acquire_timeout_ms))
        .connect_timeout(Duration::from_millis(config.connect_timeout_ms))
        .sqlx_logging(false)
        .max_connections(SQLITE_READERS)
        // Both open at start: a reader opened by the first concurrent read
        // would make that request pay for the connect.
        .min_connections(SQLITE_READERS)
        .idle_timeout(None)
        .max_lifetime(None);
    options.map_sqlx_sqlite_opts(|o| {
        o.read_only(true)
            .create_if_missing(false)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            // Reads of a large file straight from the OS page cache (no copy
            // into SQLite's own), and a larger page cache than the 2 MiB
            // default for the rollup rows a year's window reads again.
            .pragma("mmap_size", "268435456")
            .pragma("cache_size", "-16384")
    });
    Database::connect(options).await
}

/// Reports `db`'s pool in the pool gauges (`db.client.connection.count` by
/// state, `db.client.connection.max`) as `name`, while the returned guard
/// lives: keep it with the service.
pub fn observe_pool(db: &DatabaseConnection, name: &str) -> redress_telemetry::metrics::PoolObservation {
    use redress_telemetry::metrics::PoolStats;
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool().clone();
            redress_telemetry::metrics::observe_pool(name, move || PoolStats {
                open: pool.size(),
                idle: pool.num_idle() as u32,
                max: pool.options().get_max_connections(),
            })
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool().clone();
            redress_telemetry::metrics::observe_pool(name, move || PoolStats {
                open: pool.size(),
                idle: pool.num_idle() as u32,
                max: pool.options().get_max_connections(),
            })
        }
        _ => redress_telemetry::metrics::observe_pool(name, PoolStats::default),
    }
}

/// A transaction that reads before it writes. On SQLite it takes the write
/// lock at BEGIN (IMMEDIATE): a deferred one that reads first fails its
/// upgrade to a writer at once with SQLITE_BUSY when another process on the
/// same file writes, where this one waits `busy_timeout`. PostgreSQL ignores
/// the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    let options = sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    db.begin_with_options(options).await
}

/// Opens the database and, when configured, brings its schema up to date.
pub async fn connect_and_migrate<M: MigratorTrait>(config: &DatabaseConfig) -> Result<DatabaseConnection, DbErr> {
    let db = connect(config).await?;
    if config.migrate_on_start {
        migrate::<M>(&db).await?;
    }
    Ok(db)
}

/// Applies pending migrations. On PostgreSQL they run in one transaction
/// holding a transaction-scoped advisory lock, so replicas that start
/// together migrate one at a time and the lock can never outlive its
/// transaction (a session lock taken on one pooled connection and released on
/// another would leak, and the next replica would wait forever).
///
/// A schema AHEAD of the binary (a rollback to an older release after a
/// newer one migrated) is left as it is when every migration of this binary
/// is applied: migrations are additive, so the older binary runs on it.
/// sea-orm alone would refuse ("migration file … is missing") and the init
/// container of every rolled-back pod would fail.
pub async fn migrate<M: MigratorTrait>(db: &DatabaseConnection) -> Result<(), DbErr> {
    const LOCK_KEY: i64 = 0x0052_4544_5245_5353; // "REDRESS" in ASCII
    if db.get_database_backend() != DbBackend::Postgres {
        return migrate_locked::<M, _>(db).await;
    }
    let txn = db.begin().await?;
    txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({LOCK_KEY})")).await?;
    migrate_locked::<M, _>(&txn).await?;
    txn.commit().await
}

async fn migrate_locked<M: MigratorTrait, C: ConnectionTrait>(c: &C) -> Result<(), DbErr>
where
    for<'c> &'c C: sea_orm_migration::IntoSchemaManagerConnection<'c>,
{
    let known = migration_names::<M>();
    let applied = applied_migrations(c).await?;
    let unknown: Vec<&String> = applied.iter().filter(|v| !known.contains(v)).collect();
    if !unknown.is_empty() {
        if known.iter().all(|k| applied.contains(k)) {
            tracing::warn!(
                newer = unknown.len(),
                first_newer = %unknown[0],
                "the schema is ahead of this binary (a rollback?); nothing to apply"
            );
            return Ok(());
        }
        return Err(DbErr::Migration(format!(
            "the schema has migrations this binary does not know ({}) and lacks some it needs: roll forward",
            unknown[0]
        )));
    }
    M::up(c, None).await
}

/// The names of `M`'s migrations, oldest first.
fn migration_names<M: MigratorTrait>() -> Vec<String> {
    M::migrations().iter().map(|m| m.name().to_owned()).collect()
}

/// The migrations recorded as applied (none when the table does not exist;
/// asked first, since a failed query would abort a PostgreSQL transaction).
async fn applied_migrations<C: ConnectionTrait>(c: &C) -> Result<Vec<String>, DbErr>
where
    for<'c> &'c C: sea_orm_migration::IntoSchemaManagerConnection<'c>,
{
    if !sea_orm_migration::SchemaManager::new(c).has_table("seaql_migrations").await? {
        return Ok(Vec::new());
    }
    let stmt = sea_orm::Statement::from_string(c.get_database_backend(), "SELECT version FROM seaql_migrations");
    let rows = c.query_all_raw(stmt).await?;
    Ok(rows.iter().filter_map(|r| r.try_get::<String>("", "version").ok()).collect())
}

/// Creates index `name` on `table` over `cols` in a migration.
pub async fn create_index<C: sea_orm::sea_query::IntoIden>(
    manager: &sea_orm_migration::SchemaManager<'_>,
    name: &str,
    table: impl sea_orm::sea_query::IntoIden,
    cols: impl IntoIterator<Item = C>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = sea_orm::sea_query::Index::create().name(name).table(table).to_owned();
    if unique {
        index.unique();
    }
    for col in cols {
        index.col(col);
    }
    manager.create_index(index).await
}

/// The current time at the precision both databases store (microseconds),
/// so what a write returns equals what a later read returns.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// A new row id: a UUIDv7, which sorts by creation time as a string, so ids
/// double as list cursors.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// True when the database answers; drives the gRPC health status.
pub async fn is_reachable(db: &DatabaseConnection) -> bool {
    tokio::time::timeout(Duration::from_secs(2), db.ping()).await.is_ok_and(|r| r.is_ok())
}

/// What readiness asks of a service's database: that it answers, and that
/// its schema is at the version this binary expects. A pod whose database was
/// never migrated (or whose migration Job has not run yet) must not receive
/// traffic: every call would fail with "relation does not exist".
#[derive(Clone)]
pub struct Readiness {
    db: DatabaseConnection,
    expected: Arc<[String]>,
    // The schema never goes back, so once current it is not queried again.
    schema_current: Arc<AtomicBool>,
}

/// The database as readiness sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseState {
    /// Reachable, with every migration of this binary applied.
    Ready,
    /// Not answering.
    Unreachable,
    /// Reachable, but these migrations of this binary are not applied.
    SchemaBehind {
        /// Names of the missing migrations, oldest first.
        pending: Vec<String>,
    },
}

impl Readiness {
    /// Readiness of `db` for the schema of migrator `M`.
    pub fn new<M: MigratorTrait>(db: DatabaseConnection) -> Self {
        let expected: Arc<[String]> = migration_names::<M>().into();
        Self { db, expected, schema_current: Arc::new(AtomicBool::new(false)) }
    }

    /// Pings the database and, until it has once been current, compares its
    /// applied migrations with this binary's. Reads only: the runtime role
    /// may lack the right to create the migrations table.
    pub async fn check(&self) -> DatabaseState {
        if !is_reachable(&self.db).await {
            return DatabaseState::Unreachable;
        }
        if self.schema_current.load(Ordering::Relaxed) {
            return DatabaseState::Ready;
        }
        let applied = match tokio::time::timeout(Duration::from_secs(2), applied_migrations(&self.db)).await {
            Ok(Ok(applied)) => applied,
            Err(_) | Ok(Err(_)) => return DatabaseState::Unreachable,
        };
        let pending: Vec<String> = self.expected.iter().filter(|m| !applied.contains(m)).cloned().collect();
        if pending.is_empty() {
            self.schema_current.store(true, Ordering::Relaxed);
            DatabaseState::Ready
        } else {
            DatabaseState::SchemaBehind { pending }
        }
    }
}

/// True for errors that mean "the database is unreachable right now".
pub fn is_unavailable(err: &DbErr) -> bool {
    redress_errors::is_db_unavailable(err)
}

/// True when an insert failed on a unique constraint (idempotency races).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}
