//! Metrics, defined once: every instrument Redress records is named here,
//! in one scheme — the OpenTelemetry conventions where one exists
//! (`rpc.server.duration`), `redress.<area>.<noun>` otherwise. They are
//! exported over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set and always
//! kept for the Prometheus scrape endpoint ([`serve_prometheus`]), where the
//! dots become underscores and the unit a suffix
//! (`rpc_server_duration_milliseconds`).
//!
//! Labels never carry personal data: methods, codes, tenants, peers, queues,
//! channels, jurisdictions.

use std::{convert::Infallible, sync::OnceLock};

use opentelemetry::{
    KeyValue,
    metrics::{Counter, Gauge, Histogram, Meter},
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
