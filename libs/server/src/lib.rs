//! The gRPC server chassis every Redress service runs on: health
//! (`grpc.health.v1`, NOT_SERVING while the database is unreachable),
//! reflection v1 and v1alpha, one tower stack (request timeout, global
//! concurrency limit with load shedding, message size limits), bearer-token
//! authentication, and a graceful shutdown with a hard deadline.

mod gate;
pub mod handlers;
mod incoming;
pub mod limits;
mod scan;
mod signal;

use std::{net::SocketAddr, sync::Arc, time::Duration};

pub use limits::{MethodClass, Rate, RateLimits, TenantRates};

use redress_auth::Verifier;
use serde::{Deserialize, Serialize};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use tonic::{service::Routes, transport::Server};
use tonic_health::ServingStatus;

pub use signal::shutdown_signal;

/// Server settings (`[server]` in every service's configuration).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerConfig {
    /// Address to listen on, e.g. `0.0.0.0:50051`; port 0 picks a free port.
    pub listen: String,
    /// Deadline of one request, in milliseconds (a shorter client deadline wins).
    pub request_timeout_ms: u64,
    /// Public requests served at once across all connections; more are shed
    /// at once with RESOURCE_EXHAUSTED, reason `SERVER_OVERLOADED`, and a
    /// RetryInfo hint, instead of queueing without bound.
    pub concurrency_limit: usize,
    /// The share (0–1] of `concurrency_limit` one tenant may hold, so one
    /// tenant's flood cannot take the whole budget.
    pub tenant_concurrency_share: f64,
    /// Internal (role `service`) requests served at once: their own budget,
    /// never shed by public traffic.
    pub internal_concurrency_limit: usize,
    /// Token buckets per tenant and method class; a call over its rate is
    /// refused with RESOURCE_EXHAUSTED, reason `RATE_LIMITED`, and RetryInfo.
    pub rate_limits: RateLimits,
    /// Largest request or response message, in bytes; a larger request is
    /// refused with RESOURCE_EXHAUSTED, reason `MESSAGE_TOO_LARGE`.
    pub max_message_bytes: usize,
    /// Time a new connection has to send its HTTP/2 preface, in milliseconds;
    /// then it is closed.
    pub handshake_timeout_ms: u64,
    /// Connections open at once; more are closed as they are accepted.
    pub max_connections: usize,
    /// HTTP/2 keepalive ping interval, in milliseconds: a peer that does not
    /// answer within `http2_keepalive_timeout_ms` is disconnected.
    pub http2_keepalive_interval_ms: u64,
    /// How long a keepalive ping may go unanswered, in milliseconds.
    pub http2_keepalive_timeout_ms: u64,
    /// Oldest a connection may grow, in milliseconds, before the server asks
    /// the client to reconnect (GOAWAY): bounds idle connections and spreads
    /// clients over new replicas. 0 = no limit.
    pub max_connection_age_ms: u64,
    /// The one deadline from a shutdown signal to the exit of the process,
    /// in milliseconds. In-flight requests and the background workers' rounds
    /// share it (concurrently) up to [`ServerConfig::drain_deadline`]; the
    /// rest is for flushing telemetry. Then the process exits regardless (idle
    /// HTTP/2 clients, hung peers or a hung collector never hold it open).
    /// Kubernetes' `terminationGracePeriodSeconds` must exceed it plus preStop.
    pub shutdown_grace_ms: u64,
    /// How often the database is probed for the health status, in milliseconds.
    pub health_probe_interval_ms: u64,
    /// Address of the Prometheus scrape endpoint (`GET /metrics`), e.g.
    /// `0.0.0.0:9464`; empty: no endpoint (metrics still go over OTLP when
    /// an endpoint is configured).
    pub metrics_listen: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "0.0.0.0:50051".into(),
            request_timeout_ms: 15_000,
            concurrency_limit: 512,
            tenant_concurrency_share: 0.5,
            internal_concurrency_limit: 256,
            rate_limits: RateLimits::default(),
            max_message_bytes: 4 * 1024 * 1024,
            handshake_timeout_ms: 10_000,
            max_connections: 4_096,
            http2_keepalive_interval_ms: 30_000,
            http2_keepalive_timeout_ms: 10_000,
            max_connection_age_ms: 3_600_000,
            shutdown_grace_ms: 10_000,
            health_probe_interval_ms: 2_000,
            metrics_listen: String::new(),
        }
    }
}

impl ServerConfig {
    /// The part of `shutdown_grace_ms` kept for flushing traces and metrics
    /// after the drain: a quarter, at most two seconds.
    pub fn flush_reserve(&self) -> Duration {
        Duration::from_millis((self.shutdown_grace_ms / 4).min(2_000))
    }

    /// How long requests and workers may drain after a shutdown signal.
    pub fn drain_deadline(&self) -> Duration {
        Duration::from_millis(self.shutdown_grace_ms) - self.flush_reserve()
    }

    /// The whole budget from a shutdown signal to exit.
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_millis(self.shutdown_grace_ms)
    }
}

/// How long closing a service's database pool may take at the end of a drain.
pub const DB_CLOSE_TIMEOUT: Duration = Duration::from_millis(500);

/// The tonic interceptor that authenticates every call of a Redress service
/// and puts the [`redress_auth::Caller`] into the request's extensions.
#[derive(Clone, Debug)]
pub struct Authenticator(Arc<Verifier>);

impl Authenticator {
    /// An authenticator over a verifier.
    pub fn new(verifier: Arc<Verifier>) -> Self {
        Self(verifier)
    }
}

impl tonic::service::Interceptor for Authenticator {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        // The server's gate has verified the token already.
        if let Some(caller) = request.extensions().get::<redress_auth::Caller>() {
            if let Some(slot) = request.extensions().get::<redress_telemetry::TenantSlot>() {
                slot.set(&caller.tenant);
            }
            return Ok(request);
        }
        let header = request.metadata().get("authorization").and_then(|v| v.to_str().ok());
        let caller = self.0.verify_header(header)?;
        if let Some(slot) = request.extensions().get::<redress_telemetry::TenantSlot>() {
            slot.set(&caller.tenant);
        }
        request.extensions_mut().insert(caller);
        Ok(request)
    }
}

/// What a service hands the chassis to serve.
pub struct ServeOptions {
    /// Server settings.
    pub config: ServerConfig,
    /// The gRPC services this port serves, e.g.
    /// `redress.intake.v1.IntakeService`: reported in `grpc.health.v1`,
    /// advertised by reflection, and the only ones routed (any other answers
    /// UNIMPLEMENTED naming the service that has it).
    pub services: Vec<String>,
    /// Verifies the bearer token of every call before the limits, which are
    /// kept per verified tenant.
    pub verifier: Arc<Verifier>,
    /// The database whose reachability and schema version decide the health
    /// status (readiness).
    pub database: Option<redress_db::Readiness>,
}

/// A server running in the background.
pub struct RunningServer {
    /// The bound address (useful with port 0).
    pub local_addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    join: JoinHandle<Result<(), tonic::transport::Error>>,
    probe: JoinHandle<()>,
    health: Health,
    grace: Duration,
}

impl RunningServer {
    /// Reports NOT_SERVING (so health watchers and balancers move away),
    /// stops accepting, lets in-flight requests finish within the grace
    /// period, then stops regardless.
    pub async fn shutdown(mut self) {
        self.probe.abort();
        self.health.set(ServingStatus::NotServing).await;
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match tokio::time::timeout(self.grace, &mut self.join).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(err))) => tracing::warn!(error = %err, "server stopped with an error"),
            Ok(Err(err)) => tracing::warn!(error = %err, "server task failed"),
            Err(_) => {
                tracing::warn!(
                    grace_ms = self.grace.as_millis() as u64,
                    "grace period over; closing remaining connections"
                );
                self.join.abort();
            }
        }
    }

    /// Stops the server at once, as a crash would (for fault tests).
    pub fn abort(self) {
        self.probe.abort();
        self.join.abort();
    }
}

/// Binds `listen` (port 0 picks a free port).
pub async fn bind(listen: &str) -> std::io::Result<TcpListener> {
    TcpListener::bind(listen).await
}

/// A reflection builder that advertises exactly what this port serves.
///
/// A plain function on purpose: the same builder written as a closure called
/// twice made the release build (rustc 1.95) crash with SIGSEGV inside
/// tonic-reflection's descriptor parsing; the debug build did not.
fn reflection(services: &[String]) -> tonic_reflection::server::Builder<'static> {
    let builder = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(redress_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .with_service_name("grpc.health.v1.Health");
    services.iter().fold(builder, |b, name| b.with_service_name(name.clone()))
}

/// Serves `routes` plus health and reflection on `listener`, in the background.
pub fn spawn(listener: TcpListener, routes: Routes, options: ServeOptions) -> std::io::Result<RunningServer> {
    let local_addr = listener.local_addr()?;
    let config = options.config;
    let (reporter, health_service) = tonic_health::server::health_reporter();

    let reflection_v1 = reflection(&options.services)
        .with_service_name("grpc.reflection.v1.ServerReflection")
        .build_v1()
        .map_err(std::io::Error::other)?;
    let reflection_v1alpha = reflection(&options.services)
        .with_service_name("grpc.reflection.v1alpha.ServerReflection")
        .build_v1alpha()
        .map_err(std::io::Error::other)?;

    let routes = routes.add_service(health_service).add_service(reflection_v1).add_service(reflection_v1alpha);

    let limiter = limits::Limiter::new(
        config.rate_limits.clone(),
        config.concurrency_limit,
        config.tenant_concurrency_share,
        config.internal_concurrency_limit,
    );
    let gate = gate::GateLayer(Arc::new(gate::GateState::new(
        options.verifier,
        limiter,
        &options.services,
        config.max_message_bytes,
    )));

    let health = Health { reporter, names: options.services };
    let probe = tokio::spawn(probe_health(
        health.clone(),
        options.database,
        Duration::from_millis(config.health_probe_interval_ms),
    ));

    let (tx, rx) = oneshot::channel::<()>();
    let millis = |ms: u64| (ms > 0).then(|| Duration::from_millis(ms));
    let mut builder = Server::builder()
        .timeout(Duration::from_millis(config.request_timeout_ms))
        .http2_keepalive_interval(millis(config.http2_keepalive_interval_ms))
        .http2_keepalive_timeout(millis(config.http2_keepalive_timeout_ms));
    if let Some(age) = millis(config.max_connection_age_ms) {
        builder = builder.max_connection_age(age);
    }
    // Outermost, so refused and timed-out requests are traced and logged too.
    let server = builder.layer(redress_telemetry::ObserveLayer::new(local_addr)).layer(gate).add_routes(routes);
    let incoming = incoming::guarded(
        listener,
        incoming::Guard {
            handshake_timeout: Duration::from_millis(config.handshake_timeout_ms),
            max_connections: config.max_connections,
        },
    );
    let join = tokio::spawn(server.serve_with_incoming_shutdown(incoming, async {
        let _ = rx.await;
    }));
    Ok(RunningServer { local_addr, shutdown: Some(tx), join, probe, health, grace: config.drain_deadline() })
}

/// The health name for liveness probes: SERVING while the process serves at
/// all, whatever the database does, so an outage of the database never makes
/// Kubernetes restart every replica.
pub const LIVENESS_SERVICE: &str = "liveness";

/// The readiness names of one port: `""` and every served service.
#[derive(Clone)]
struct Health {
    reporter: tonic_health::server::HealthReporter,
    names: Vec<String>,
}

impl Health {
    async fn set(&self, status: ServingStatus) {
        self.reporter.set_service_status("", status).await;
        for name in &self.names {
            self.reporter.set_service_status(name.as_str(), status).await;
        }
    }
}

/// Keeps readiness true to the database: SERVING only while it answers and
/// its schema is the one this binary expects. Liveness is SERVING throughout.
async fn probe_health(health: Health, database: Option<redress_db::Readiness>, interval: Duration) {
    use redress_db::DatabaseState;
    health.reporter.set_service_status(LIVENESS_SERVICE, ServingStatus::Serving).await;
    if database.is_some() {
        // Not ready until the first check says so.
        health.set(ServingStatus::NotServing).await;
    }
    let mut last: Option<DatabaseState> = None;
    loop {
        let state = match &database {
            Some(database) => database.check().await,
            None => DatabaseState::Ready,
        };
        if last.as_ref() != Some(&state) {
            match &state {
                DatabaseState::Ready if last.is_some() => tracing::info!("database ready; reporting SERVING"),
                DatabaseState::Ready => {}
                DatabaseState::Unreachable => tracing::warn!("database unreachable; reporting NOT_SERVING"),
                DatabaseState::SchemaBehind { pending } => tracing::warn!(
                    pending = pending.len(),
                    first_pending = %pending.first().map_or("", String::as_str),
                    "database schema is behind this binary; reporting NOT_SERVING until `migrate` has run"
                ),
            }
            let serving = state == DatabaseState::Ready;
            health.set(if serving { ServingStatus::Serving } else { ServingStatus::NotServing }).await;
            last = Some(state);
        }
        tokio::time::sleep(interval).await;
    }
}
