//! The gRPC server chassis every Redress service runs on: health
//! (`grpc.health.v1`, NOT_SERVING while the database is unreachable),
//! reflection v1 and v1alpha, one tower stack (request timeout, global
//! concurrency limit with load shedding, message size limits), bearer-token
//! authentication, and a graceful shutdown with a hard deadline.

mod signal;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use redress_auth::Verifier;
use sea_orm::DatabaseConnection;
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
    /// Requests served at once across all connections; more are shed with
    /// UNAVAILABLE instead of queueing without bound.
    pub concurrency_limit: usize,
    /// Largest request or response message, in bytes.
    pub max_message_bytes: usize,
    /// How long in-flight requests may finish after a shutdown signal, in
    /// milliseconds; then the server stops regardless (idle HTTP/2 clients can
    /// otherwise hold a graceful shutdown open forever).
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
            max_message_bytes: 4 * 1024 * 1024,
            shutdown_grace_ms: 10_000,
            health_probe_interval_ms: 2_000,
            metrics_listen: String::new(),
        }
    }
}

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
    /// The gRPC service names to report in `grpc.health.v1`, e.g.
    /// `redress.intake.v1.IntakeService`.
    pub health_names: Vec<String>,
    /// The database whose reachability decides the health status.
    pub db: Option<DatabaseConnection>,
}

/// A server running in the background.
pub struct RunningServer {
    /// The bound address (useful with port 0).
    pub local_addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    join: JoinHandle<Result<(), tonic::transport::Error>>,
    probe: JoinHandle<()>,
    grace: Duration,
}

impl RunningServer {
    /// Stops accepting, lets in-flight requests finish within the grace
    /// period, then stops regardless.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.probe.abort();
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

/// Serves `routes` plus health and reflection on `listener`, in the background.
pub fn spawn(listener: TcpListener, routes: Routes, options: ServeOptions) -> std::io::Result<RunningServer> {
    let local_addr = listener.local_addr()?;
    let config = options.config;
    let (reporter, health_service) = tonic_health::server::health_reporter();

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(redress_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .map_err(std::io::Error::other)?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(redress_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()
        .map_err(std::io::Error::other)?;

    let routes = routes.add_service(health_service).add_service(reflection_v1).add_service(reflection_v1alpha);

    let probe = tokio::spawn(probe_health(
        reporter,
        options.health_names,
        options.db,
        Duration::from_millis(config.health_probe_interval_ms),
    ));

    let (tx, rx) = oneshot::channel::<()>();
    let server = Server::builder()
        .timeout(Duration::from_millis(config.request_timeout_ms))
        .http2_keepalive_interval(Some(Duration::from_secs(30)))
        .http2_keepalive_timeout(Some(Duration::from_secs(10)))
        // Outermost, so shed and timed-out requests are traced and logged too.
        .layer(redress_telemetry::ObserveLayer::new(local_addr))
        .layer(tower::load_shed::LoadShedLayer::new())
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(config.concurrency_limit))
        .add_routes(routes);
    // Nodelay must be set on the accepted sockets: the builder's `tcp_nodelay`
    // only applies when tonic binds the listener itself, and without it every
    // unary reply waited ~40 ms for a delayed ACK.
    let incoming = tonic::transport::server::TcpIncoming::from(listener)
        .with_nodelay(Some(true))
        .with_keepalive(Some(Duration::from_secs(60)));
    let join = tokio::spawn(server.serve_with_incoming_shutdown(incoming, async {
        let _ = rx.await;
    }));
    Ok(RunningServer {
        local_addr,
        shutdown: Some(tx),
        join,
        probe,
        grace: Duration::from_millis(config.shutdown_grace_ms),
    })
}

/// The health name for liveness probes: SERVING while the process serves at
/// all, whatever the database does, so an outage of the database never makes
/// Kubernetes restart every replica.
pub const LIVENESS_SERVICE: &str = "liveness";

async fn probe_health(
    reporter: tonic_health::server::HealthReporter,
    names: Vec<String>,
    db: Option<DatabaseConnection>,
    interval: Duration,
) {
    reporter.set_service_status(LIVENESS_SERVICE, ServingStatus::Serving).await;
    let mut last = None;
    loop {
        let serving = match &db {
            Some(db) => redress_db::is_reachable(db).await,
            None => true,
        };
        if last != Some(serving) {
            let status = if serving { ServingStatus::Serving } else { ServingStatus::NotServing };
            if !serving {
                tracing::warn!("database unreachable; reporting NOT_SERVING");
            } else if last.is_some() {
                tracing::info!("database reachable again; reporting SERVING");
            }
            reporter.set_service_status("", status).await;
            for name in &names {
                reporter.set_service_status(name.as_str(), status).await;
            }
            last = Some(serving);
        }
        tokio::time::sleep(interval).await;
    }
}
