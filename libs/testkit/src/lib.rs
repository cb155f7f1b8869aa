//! The test kit: throwaway databases on SQLite and on the local PostgreSQL
//! server, tokens for any tenant and role, and gRPC channels to services that
//! tests start on `127.0.0.1:0`, and an OTLP receiver ([`otlp::Receiver`])
//! to export telemetry to.
//!
//! PostgreSQL tests use `REDRESS_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`): each test creates its own
//! database there and drops it afterwards. They FAIL when the server cannot
//! be reached, so a missing PostgreSQL never passes in silence; set
//! `REDRESS_TEST_POSTGRES=skip` to skip them knowingly (CI never does).

pub mod otlp;
mod peers;
mod process;
mod raw;
pub use peers::{Received, RecordingPeer};
pub use process::{HungPeer, ServiceProcess, free_port};
pub use raw::RawCodec;

use std::time::Duration;

use redress_auth::{AuthConfig, Issuer, Role};
use redress_config::Secret;
use redress_db::DatabaseConfig;
use sea_orm::{ConnectionTrait, Database};

/// The HS256 secret every test service trusts.
pub const TEST_SECRET: &str = "redress-test-secret";

/// Authentication settings that trust [`TEST_SECRET`].
pub fn auth_config() -> AuthConfig {
    AuthConfig { hs256_secret: Secret::new(TEST_SECRET), ..AuthConfig::default() }
}

/// A token for `tenant` with `roles`, valid for an hour.
pub fn token(tenant: &str, roles: &[Role]) -> String {
    Issuer::hs256(TEST_SECRET, "redress", "redress")
        .mint(tenant, "test-user", roles, Duration::from_secs(3600))
        .unwrap_or_default()
}

/// Wraps a message in a request that carries a bearer token.
pub fn authed<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Ok(value) = format!("Bearer {token}").parse() {
        request.metadata_mut().insert("authorization", value);
    }
    request
}

/// The fields an INVALID_ARGUMENT's BadRequest names, sorted.
pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt as _;
    let mut fields: Vec<String> = status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|f| f.field).collect())
        .unwrap_or_default();
    fields.sort();
    fields
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file in a temporary folder.
    Sqlite,
    /// A fresh database on the local PostgreSQL server.
    Postgres,
}

/// A throwaway database, removed when dropped.
pub struct TestDb {
    /// Settings to hand to the service under test.
    pub config: DatabaseConfig,
    /// Which backend this is.
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// A new database on `backend`.
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => Self::sqlite(),
            Backend::Postgres => Self::postgres().await,
        }
    }

    /// A new SQLite database file.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let path = dir.path().join("test.db");
        TestDb {
            config: DatabaseConfig::for_url(format!("sqlite://{}?mode=rwc", path.display())),
            backend: Backend::Sqlite,
            _dir: Some(dir),
            pg: None,
        }
    }

    /// A new database on the local PostgreSQL server. Panics (failing the
    /// test) when the server is unreachable, unless PostgreSQL tests are
    /// explicitly skipped.
    pub async fn postgres() -> TestDb {
        let admin_url = postgres_admin_url();
        let name = format!("redress_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(admin_url.as_str())
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is required for this test ({e}); see libs/testkit"));
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("create database {name}: {e}"));
        let _ = admin.close().await;
        let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
        let mut config = DatabaseConfig::for_url(format!("{base}/{name}"));
        config.max_connections = 8;
        TestDb { config, backend: Backend::Postgres, _dir: None, pg: Some((admin_url, name)) }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.pg.take() else { return };
        // Drop runs inside the test's runtime; use a thread with its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async {
                if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("REDRESS_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// True when PostgreSQL tests were explicitly switched off.
pub fn postgres_skipped() -> bool {
    std::env::var("REDRESS_TEST_POSTGRES").is_ok_and(|v| v == "skip")
}

/// A lazily connecting channel to a service on `addr`.
pub fn channel(addr: std::net::SocketAddr) -> tonic::transport::Channel {
    tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .unwrap_or_else(|e| panic!("endpoint: {e}"))
        .connect_lazy()
}

/// Polls `check` every 50 ms until it returns true or `timeout` passes.
pub async fn eventually<F, Fut>(timeout: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs an async test body once on SQLite and once on PostgreSQL:
/// `backend_tests!(my_test);` next to `async fn my_test(db: TestDb)` creates
/// `sqlite::my_test` and `postgres::my_test`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::init_test_logging();
                    super::$name($crate::TestDb::sqlite()).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if $crate::postgres_skipped() {
                        eprintln!("SKIPPED (REDRESS_TEST_POSTGRES=skip): {}", stringify!($name));
                        return;
                    }
                    $crate::init_test_logging();
                    super::$name($crate::TestDb::postgres().await).await;
                }
            )+
        }
    };
}

/// Quiet logs unless `TEST_LOG` is set.
pub fn init_test_logging() {
    redress_telemetry::init_for_tests();
}

/// The text a Prometheus scrape of `GET /metrics` on `addr` returns (the
/// whole HTTP response, headers included); empty when nothing answers.
pub async fn scrape_metrics(addr: std::net::SocketAddr) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else { return String::new() };
    let request = format!("GET /metrics HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).await.is_err() {
        return String::new();
    }
    let mut body = String::new();
    let _ = stream.read_to_string(&mut body).await;
    body
}

/// The value of the first sample in a Prometheus scrape whose line starts
/// with `name{` and contains every label in `labels` (`peer="resolution"`).
pub fn metric_sample(scrape: &str, name: &str, labels: &[&str]) -> Option<f64> {
    let prefix = format!("{name}{{");
    scrape
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .find(|l| labels.iter().all(|label| l.contains(label)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}
