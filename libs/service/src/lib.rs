//! The process around a Redress service, written once.
//!
//! Every service implements [`Service`] (its name, configuration type,
//! migrator, start and shutdown). Its binary is then one line,
//! `redress_service::main::<Intake>()`, which gives every service the same
//! command line (`serve`, the default, and `migrate` for a Kubernetes Job),
//! the same configuration layering (defaults → `--config` file →
//! `REDRESS_<SERVICE>__…`), the same telemetry, signals and exit codes.
//! `redress dev` and the test sandbox start services through the same trait.

use std::{future::Future, net::SocketAddr, path::PathBuf, process::ExitCode};

pub use anyhow;
use anyhow::Context as _;
pub use redress_db::{DatabaseConfig, sea_orm};
pub use redress_server::ServerConfig;
pub use redress_telemetry::LogConfig;
use sea_orm_migration::MigratorTrait;
use serde::{Serialize, de::DeserializeOwned};

/// Exit code for a configuration error (`EX_CONFIG` from sysexits.h).
pub const EXIT_CONFIG: u8 = 78;

/// A Redress service: what its process, `redress dev` and the tests need to
/// know to run it.
pub trait Service: Sized + Send + 'static {
    /// The service name: `REDRESS_<NAME>__…` configuration, logs, traces,
    /// service tokens, the binary `redress-<name>`.
    const NAME: &'static str;
    /// Its configuration (`[server]`, `[database]`, `[log]`, … sections).
    type Config: Serialize + DeserializeOwned + Default + Send + 'static;
    /// Its schema.
    type Migrator: MigratorTrait;

    /// The database section of `config`.
    fn database(config: &Self::Config) -> &DatabaseConfig;
    /// The log section of `config`.
    fn log(config: &Self::Config) -> &LogConfig;
    /// The server section of `config`.
    fn server(config: &Self::Config) -> &ServerConfig;
    /// Connects, migrates (unless configured not to), binds and starts
    /// serving and its background workers.
    fn start(config: Self::Config) -> impl Future<Output = anyhow::Result<Self>> + Send;
    /// The bound gRPC address.
    fn local_addr(&self) -> SocketAddr;
    /// Drains within the configured deadline and stops.
    fn shutdown(self) -> impl Future<Output = ()> + Send;
}

/// What every started service holds: its server, its background workers,
/// the one drain deadline, and its database (kept in the pool gauges while
/// it runs). A service struct keeps one as its `running` field; the
/// [`service!`] macro gives it `local_addr`, `db`, `shutdown` and `abort`.
pub struct Running {
    server: redress_server::RunningServer,
    workers: Vec<redress_worker::Worker>,
    drain: std::time::Duration,
    db: redress_db::sea_orm::DatabaseConnection,
    _pool_metrics: redress_telemetry::metrics::PoolObservation,
}

impl Running {
    /// The parts of a started service; its database joins the pool gauges
    /// under the service's name.
    pub fn new(
        name: &str,
        server: redress_server::RunningServer,
        workers: Vec<redress_worker::Worker>,
        config: &ServerConfig,
        db: redress_db::sea_orm::DatabaseConnection,
    ) -> Self {
        tracing::info!(addr = %server.local_addr, "{name} serving");
        let pool_metrics = redress_db::observe_pool(&db, name);
        Self { server, workers, drain: config.drain_deadline(), db, _pool_metrics: pool_metrics }
    }

    /// The bound gRPC address.
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr
    }

    /// The database connection (tests inspect rows).
    pub fn db(&self) -> &redress_db::sea_orm::DatabaseConnection {
        &self.db
    }

    /// Graceful stop: in-flight requests finish and the background workers
    /// end their round, concurrently, within the one drain deadline
    /// ([`ServerConfig::drain_deadline`]); then the database closes.
    pub async fn shutdown(self) {
        tokio::join!(self.server.shutdown(), redress_worker::stop_all(self.workers, self.drain));
        let _ = tokio::time::timeout(redress_server::DB_CLOSE_TIMEOUT, self.db.close()).await;
    }

    /// Stops at once, mid-round, as a crash would (fault tests).
    pub fn abort(self) {
        self.server.abort();
        self.workers.into_iter().for_each(redress_worker::Worker::abort);
    }
}

/// Implements [`Service`] for a service type whose configuration has the
/// standard `database`, `log` and `server` sections, which has an inherent
/// `start(config)` and keeps its [`Running`] in a field `running`; also gives
/// it the inherent `local_addr`, `db`, `shutdown` and `abort` of its
/// `running`: `redress_service::service!(Intake, IntakeConfig, Migrator, "intake");`
#[macro_export]
macro_rules! service {
    ($service:ty, $config:ty, $migrator:ty, $name:expr) => {
        impl $service {
            /// Connects, migrates, binds `server.listen` and starts serving
            /// and the background workers (see `start_on`).
            pub async fn start(config: $config) -> $crate::anyhow::Result<Self> {
                let listener = $crate::bind_listener(&config.server).await?;
                Self::start_on(config, listener).await
            }

            /// The bound gRPC address.
            pub fn local_addr(&self) -> std::net::SocketAddr {
                self.running.local_addr()
            }

            /// The database connection (tests inspect rows).
            pub fn db(&self) -> &$crate::sea_orm::DatabaseConnection {
                self.running.db()
            }

            /// Graceful stop within the drain deadline (see [`$crate::Running::shutdown`]).
            pub async fn shutdown(self) {
                self.running.shutdown().await
            }

            /// Stops at once, mid-round, as a crash would (fault tests).
            pub fn abort(self) {
                self.running.abort()
            }
        }

        impl $crate::Service for $service {
            const NAME: &'static str = $name;
            type Config = $config;
            type Migrator = $migrator;

            fn database(config: &$config) -> &$crate::DatabaseConfig {
                &config.database
            }

            fn log(config: &$config) -> &$crate::LogConfig {
                &config.log
            }

            fn server(config: &$config) -> &$crate::ServerConfig {
                &config.server
            }

            async fn start(config: $config) -> $crate::anyhow::Result<Self> {
                <$service>::start(config).await
            }

            fn local_addr(&self) -> std::net::SocketAddr {
                self.running.local_addr()
            }

            async fn shutdown(self) {
                self.running.shutdown().await
            }
        }
    };
}

/// Binds `server.listen`; the error names the key and the address.
pub async fn bind_listener(server: &ServerConfig) -> anyhow::Result<tokio::net::TcpListener> {
    redress_server::bind(&server.listen).await.with_context(|| format!("server.listen: cannot bind {}", server.listen))
}

/// Runs `S` until SIGTERM/SIGINT, then drains it. Serves the process's
/// metrics on `server.metrics_listen` when it is set. Returns the exit
/// deadline: the signal's time plus `server.shutdown_grace_ms` (what is left
/// of it is the telemetry flush's).
pub async fn run<S: Service>(config: S::Config) -> anyhow::Result<tokio::time::Instant> {
    let grace = S::server(&config).shutdown_grace();
    let metrics_listen = S::server(&config).metrics_listen.clone();
    if !metrics_listen.is_empty() {
        let listener = tokio::net::TcpListener::bind(&metrics_listen)
            .await
            .with_context(|| format!("server.metrics_listen: cannot bind {metrics_listen}"))?;
        tracing::info!(addr = %metrics_listen, "prometheus metrics at /metrics");
        tokio::spawn(redress_telemetry::metrics::serve_prometheus(listener));
    }
    let service = S::start(config).await?;
    redress_server::shutdown_signal().await;
    let deadline = tokio::time::Instant::now() + grace;
    service.shutdown().await;
    Ok(deadline)
}

/// Applies `S`'s migrations and returns.
pub async fn migrate<S: Service>(config: &S::Config) -> anyhow::Result<()> {
    let db = redress_db::connect(S::database(config)).await?;
    redress_db::migrate::<S::Migrator>(&db).await?;
    tracing::info!("migrations applied");
    Ok(())
}

/// Loads `S`'s configuration from its layered sources.
pub fn load_config<S: Service>(sources: &redress_config::Sources) -> Result<S::Config, redress_config::ConfigError> {
    redress_config::load(S::NAME, &S::Config::default(), sources)
}

/// The whole `main` of a service binary: parses the command line, loads the
/// configuration (exit 78 when it is invalid, naming the key), starts
/// telemetry, then serves or migrates (exit 1 on failure).
pub fn main<S: Service>() -> ExitCode {
    let binary = format!("redress-{}", S::NAME);
    let command = clap::Command::new(binary.clone())
        .version(env!("CARGO_PKG_VERSION"))
        .about(format!("Redress {} service", S::NAME))
        .arg(
            clap::Arg::new("config")
                .long("config")
                .env(format!("REDRESS_{}_CONFIG", S::NAME.to_ascii_uppercase()))
                .value_parser(clap::value_parser!(PathBuf))
                .help(format!(
                    "Optional TOML configuration file (environment variables REDRESS_{}__… override it)",
                    S::NAME.to_ascii_uppercase()
                )),
        )
        .subcommand(clap::Command::new("serve").about("Serve gRPC (the default)"))
        .subcommand(clap::Command::new("migrate").about("Apply database migrations and exit"));
    let matches = command.get_matches();
    let sources = redress_config::Sources { file: matches.get_one::<PathBuf>("config").cloned(), env: None };
    let config = match load_config::<S>(&sources) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("{binary}: {err}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("{binary}: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let migrate_only = matches.subcommand_name() == Some("migrate");
    let flush_reserve = S::server(&config).flush_reserve();
    let result = runtime.block_on(async {
        let telemetry = redress_telemetry::init(S::NAME, S::log(&config));
        let (result, deadline) = if migrate_only {
            (migrate::<S>(&config).await, None)
        } else {
            match run::<S>(config).await {
                Ok(deadline) => (Ok(()), Some(deadline)),
                Err(err) => (Err(err), None),
            }
        };
        if let Err(err) = &result {
            tracing::error!(error = format!("{err:#}"), "{binary} failed");
        }
        let budget = deadline.map_or(flush_reserve, |d| d.saturating_duration_since(tokio::time::Instant::now()));
        telemetry.shutdown_within(budget);
        result
    });
    // Blocking tasks still running (a DNS lookup of a hung resolver) must not
    // hold the exit past the deadline.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{binary}: {err:#}");
            ExitCode::FAILURE
        }
    }
}
