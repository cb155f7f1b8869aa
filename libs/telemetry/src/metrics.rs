//! Metrics, defined once: the chassis's instruments are named here, each
//! service's own in its `metrics` module, in one scheme — the OpenTelemetry
//! conventions where one exists (`rpc.server.duration`,
//! `db.client.connection.count`), `redress.<area>.<noun>` otherwise
//! (`redress.outbox.pending`, `redress.notification.deliveries`). They are
//! exported over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set and always
//! kept for the Prometheus scrape endpoint ([`serve_prometheus`]), where the
//! dots become underscores and the unit a suffix
//! (`rpc_server_duration_milliseconds`).
//!
//! Labels never carry personal data: methods, codes, tenants, peers, queues,
//! channels, jurisdictions.

use std::{
    convert::Infallible,
    sync::{Arc, Mutex, OnceLock, Weak},
};

pub use opentelemetry::{
    KeyValue,
    metrics::{Counter, Gauge, Histogram, Meter, ObservableGauge},
};
use tokio::net::TcpListener;

/// The instruments of the chassis (servers, relays, processes).
pub struct Instruments {
    /// Server-side duration of every RPC, by service, method and code (its
    /// count is the request count, its `code` label the errors).
    pub rpc_server_duration: Histogram<f64>,
    /// Requests refused before a handler ran, by reason (`overloaded`,
    /// `rate_limited`).
    pub rpc_rejected: Counter<u64>,
    /// Outbox rows not yet delivered, by peer.
    pub outbox_pending: Gauge<u64>,
    /// Age of the oldest undelivered outbox row, by peer, in seconds.
    pub outbox_oldest_pending_age: Gauge<f64>,
    /// Outbox delivery attempts, by peer and result (`delivered`, `failed`).
    pub outbox_deliveries: Counter<u64>,
    /// How long taking a connection from the database pool took, in seconds.
    pub db_connection_wait_time: Histogram<f64>,
}

/// The meter every Redress instrument belongs to.
pub fn meter() -> Meter {
    opentelemetry::global::meter("redress")
}

/// The chassis instruments, created on first use (after [`crate::init`]
/// installed the provider; before it, or in tests, they record nothing).
pub fn instruments() -> &'static Instruments {
    static INSTRUMENTS: OnceLock<Instruments> = OnceLock::new();
    INSTRUMENTS.get_or_init(|| {
        let m = meter();
        Instruments {
            rpc_server_duration: m
                .f64_histogram("rpc.server.duration")
                .with_unit("ms")
                .with_description("duration of inbound RPCs")
                .with_boundaries(vec![1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 10000.0])
                .build(),
            rpc_rejected: m
                .u64_counter("redress.rpc.rejected")
                .with_description("requests refused before a handler ran, by reason")
                .build(),
            outbox_pending: m
                .u64_gauge("redress.outbox.pending")
                .with_description("outbox rows not yet delivered, by peer")
                .build(),
            outbox_oldest_pending_age: m
                .f64_gauge("redress.outbox.oldest_pending_age")
                .with_unit("s")
                .with_description("age of the oldest undelivered outbox row, by peer")
                .build(),
            outbox_deliveries: m
                .u64_counter("redress.outbox.deliveries")
                .with_description("outbox delivery attempts, by peer and result")
                .build(),
            db_connection_wait_time: m
                .f64_histogram("db.client.connection.wait_time")
                .with_unit("s")
                .with_description("time to take a connection from the database pool")
                .with_boundaries(vec![0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0])
                .build(),
        }
    })
}

/// Registers the process gauges (resident memory, CPU time, open file
/// descriptors), read from `/proc` at each collection.
pub(crate) fn register_process_metrics(meter: &Meter) {
    let _rss = meter
        .u64_observable_gauge("process.memory.usage")
        .with_unit("By")
        .with_description("resident set size")
        .with_callback(|o| {
            if let Some(rss) = proc_rss_bytes() {
                o.observe(rss, &[]);
            }
        })
        .build();
    let _cpu = meter
        .f64_observable_counter("process.cpu.time")
        .with_unit("s")
        .with_description("CPU time used by the process")
        .with_callback(|o| {
            if let Some(cpu) = proc_cpu_seconds() {
                o.observe(cpu, &[]);
            }
        })
        .build();
    let _fds = meter
        .u64_observable_gauge("process.open_file_descriptor.count")
        .with_description("open file descriptors")
        .with_callback(|o| {
            if let Ok(dir) = std::fs::read_dir("/proc/self/fd") {
                o.observe(dir.count() as u64, &[]);
            }
        })
        .build();
}

/// A database pool as the pool gauges see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolStats {
    /// Open connections (idle and in use).
    pub open: u32,
    /// Open connections nobody uses.
    pub idle: u32,
    /// The pool's upper bound.
    pub max: u32,
}

type PoolReader = dyn Fn() -> PoolStats + Send + Sync;

/// Keeps a pool in the pool gauges; dropped, the pool leaves them (so a
/// pool that was closed is not reported, and the gauges never keep it open).
#[must_use = "the pool is reported only while this lives"]
pub struct PoolObservation {
    _reader: Arc<PoolReader>,
}

/// The observed pools, by name; dead ones are dropped as they are found.
type Pools = Mutex<Vec<(String, Weak<PoolReader>)>>;

fn pools() -> &'static Pools {
    static POOLS: OnceLock<Pools> = OnceLock::new();
    POOLS.get_or_init(Mutex::default)
}

/// Reports a database pool named `name` (the service) in
/// `db.client.connection.count` and `db.client.connection.max`, read by
/// `read` at each collection (cheap: the pool's own counters).
pub fn observe_pool(name: &str, read: impl Fn() -> PoolStats + Send + Sync + 'static) -> PoolObservation {
    let reader: Arc<PoolReader> = Arc::new(read);
    if let Ok(mut pools) = pools().lock() {
        pools.retain(|(_, r)| r.strong_count() > 0);
        pools.push((name.to_owned(), Arc::downgrade(&reader)));
    }
    PoolObservation { _reader: reader }
}

/// Every observed pool that is still alive, with its stats now.
fn pool_stats() -> Vec<(String, PoolStats)> {
    let Ok(pools) = pools().lock() else { return Vec::new() };
    pools.iter().filter_map(|(name, reader)| reader.upgrade().map(|read| (name.clone(), read()))).collect()
}

/// Registers the pool gauges (OpenTelemetry's database client conventions).
pub(crate) fn register_pool_metrics(meter: &Meter) {
    let _count = meter
        .u64_observable_gauge("db.client.connection.count")
        .with_description("database connections by pool and state (used, idle)")
        .with_callback(|o| {
            for (name, stats) in pool_stats() {
                let used = stats.open.saturating_sub(stats.idle);
                for (state, value) in [("used", used), ("idle", stats.idle)] {
                    o.observe(
                        u64::from(value),
                        &[
                            KeyValue::new("db.client.connection.pool.name", name.clone()),
                            KeyValue::new("db.client.connection.state", state),
                        ],
                    );
                }
            }
        })
        .build();
    let _max = meter
        .u64_observable_gauge("db.client.connection.max")
        .with_description("the most connections a database pool opens")
        .with_callback(|o| {
            for (name, stats) in pool_stats() {
                o.observe(u64::from(stats.max), &[KeyValue::new("db.client.connection.pool.name", name)]);
            }
        })
        .build();
}

/// The target of sqlx's "acquired connection" events (enabled by
/// `redress_db::connect`), which carry the wait in `acquired_after_secs`.
const SQLX_ACQUIRE_TARGET: &str = "sqlx::pool::acquire";

/// Turns sqlx's acquire events into `db.client.connection.wait_time`: sqlx
/// measures the wait itself, including time spent opening a connection.
pub(crate) struct PoolWaitLayer {
    /// The pool name when the event happens outside any service's span.
    process: String,
}

impl PoolWaitLayer {
    /// The layer, listening to sqlx's acquire events only.
    pub(crate) fn layer<S>(process: &str) -> impl tracing_subscriber::Layer<S>
    where
        S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    {
        use tracing_subscriber::Layer as _;
        Self { process: process.to_owned() }.with_filter(
            tracing_subscriber::filter::Targets::new().with_target(SQLX_ACQUIRE_TARGET, tracing::Level::TRACE),
        )
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for PoolWaitLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Wait(Option<f64>);
        impl tracing::field::Visit for Wait {
            fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
                if field.name() == "acquired_after_secs" {
                    self.0 = Some(value);
                }
            }
            fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
        }
        let mut wait = Wait(None);
        event.record(&mut wait);
        let Some(seconds) = wait.0 else { return };
        // Inside a request or a worker's span the pool is that service's.
        let cx = opentelemetry::Context::current();
        let pool = crate::service_of(&cx).unwrap_or(&self.process).to_owned();
        instruments().db_connection_wait_time.record(seconds, &[KeyValue::new("db.client.connection.pool.name", pool)]);
    }
}

fn proc_rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn proc_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may contain spaces) in brackets.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// A label.
pub fn label(key: &'static str, value: impl Into<opentelemetry::Value>) -> KeyValue {
    KeyValue::new(key, value)
}

/// The registry the Prometheus endpoint serves, once [`crate::init`] made it.
pub(crate) fn registry() -> &'static OnceLock<prometheus::Registry> {
    static REGISTRY: OnceLock<prometheus::Registry> = OnceLock::new();
    &REGISTRY
}

/// The metrics in the Prometheus text format.
pub fn prometheus_text() -> String {
    use prometheus::Encoder;
    let Some(registry) = registry().get() else { return String::new() };
    let mut out = Vec::new();
    if let Err(err) = prometheus::TextEncoder::new().encode(&registry.gather(), &mut out) {
        tracing::warn!(error = %err, "cannot encode metrics");
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Serves `GET /metrics` (Prometheus text format) on `listener` until the
/// process ends. Any other path is 404.
pub async fn serve_prometheus(listener: TcpListener) {
    use http_body_util::Full;
    use hyper::{Request, Response, body::Incoming, service::service_fn};
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        tokio::spawn(async move {
            let service = service_fn(|request: Request<Incoming>| async move {
                let response = if request.uri().path() == "/metrics" {
                    Response::builder()
                        .header("content-type", "text/plain; version=0.0.4")
                        .body(Full::new(bytes::Bytes::from(prometheus_text())))
                } else {
                    Response::builder().status(404).body(Full::new(bytes::Bytes::from_static(b"not found\n")))
                };
                Ok::<_, Infallible>(response.unwrap_or_default())
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
        });
    }
}
