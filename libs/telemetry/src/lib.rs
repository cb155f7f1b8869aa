//! Telemetry for every Redress process, written once: `tracing` logs (JSON in
//! production, human-readable in development) that carry trace ids, and
//! OpenTelemetry traces exported over OTLP when the standard
//! `OTEL_EXPORTER_OTLP_ENDPOINT` variable is set. W3C trace context crosses
//! every gRPC call (both ways) and every outbox row.

pub mod metrics;
mod rpc;

use std::{collections::HashMap, io::IsTerminal, time::Duration};

use opentelemetry::{
    Context,
    propagation::{Extractor, Injector},
    trace::TracerProvider as _,
};
use opentelemetry_sdk::{
    Resource, metrics::SdkMeterProvider, propagation::TraceContextPropagator, trace::SdkTracerProvider,
};
use serde::{Deserialize, Serialize};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::{EnvFilter, Layer, filter::filter_fn, layer::SubscriberExt, util::SubscriberInitExt};

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line, with span fields (trace_id) included.
    #[default]
    Json,
    /// Human-readable, for a terminal.
    Pretty,
}

/// Logging settings (`[log]` in every service's configuration).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogConfig {
    /// An `EnvFilter` directive, e.g. `info` or `info,redress_intake=debug`.
    /// `RUST_LOG`, when set, wins.
    pub level: String,
    /// `json` or `pretty`.
    pub format: LogFormat,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { level: "info".into(), format: LogFormat::Json }
    }
}

/// Owns the OpenTelemetry provider; flushes and shuts it down on drop, under a
/// timeout so a dead collector never blocks the exit.
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
    meters: Option<SdkMeterProvider>,
}

impl TelemetryGuard {
    /// Flushes and shuts down traces and metrics, concurrently, within
    /// `budget`: what is not exported by then is dropped, so a hung collector
    /// never delays the exit beyond the drain deadline.
    pub fn shutdown_within(mut self, budget: Duration) {
        shutdown_providers(self.provider.take(), self.meters.take(), budget);
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        shutdown_providers(self.provider.take(), self.meters.take(), Duration::from_secs(2));
    }
}

/// Shuts the providers down on threads of their own and waits for them at
/// most `budget`. The SDK's own timeouts do not bound everything (a periodic
/// metric reader waits for its export timeout whatever it is given), so a
/// shutdown still running at the deadline is left behind: the process exits.
fn shutdown_providers(provider: Option<SdkTracerProvider>, meters: Option<SdkMeterProvider>, budget: Duration) {
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let mut running = 0;
    if let Some(provider) = provider {
        let done = done.clone();
        running += 1;
        std::thread::spawn(move || {
            if let Err(err) = provider.shutdown_with_timeout(budget) {
                eprintln!("telemetry shutdown failed: {err}");
            }
            let _ = done.send(());
        });
    }
    if let Some(meters) = meters {
        let done = done.clone();
        running += 1;
        std::thread::spawn(move || {
            if let Err(err) = meters.shutdown_with_timeout(budget) {
                eprintln!("metrics shutdown failed: {err}");
            }
            let _ = done.send(());
        });
    }
    let deadline = std::time::Instant::now() + budget;
    for _ in 0..running {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if finished.recv_timeout(left).is_err() {
            eprintln!("telemetry not flushed within {} ms; exiting without it", budget.as_millis());
            return;
        }
    }
}

/// The meter provider: a Prometheus reader always (for the scrape
/// endpoint), an OTLP exporter when an endpoint is configured.
fn meter_provider(service_name: &str, exporting: bool) -> Option<SdkMeterProvider> {
    let registry = prometheus::Registry::new();
    let reader = match opentelemetry_prometheus::exporter().with_registry(registry.clone()).build() {
        Ok(reader) => reader,
        Err(err) => {
            eprintln!("prometheus metrics disabled: {err}");
            return None;
        }
    };
    let mut builder = SdkMeterProvider::builder()
        .with_resource(Resource::builder().with_service_name(service_name.to_owned()).build())
        .with_reader(reader);
    if exporting {
        match opentelemetry_otlp::MetricExporter::builder().with_tonic().build() {
            Ok(exporter) => builder = builder.with_periodic_exporter(exporter),
            Err(err) => eprintln!("otlp metrics exporter disabled: {err}"),
        }
    }
    let _ = metrics::registry().set(registry);
    Some(builder.build())
}

/// Targets whose spans must never reach the exporter: the exporter's own gRPC
/// traffic would otherwise trace itself, thousands of spans a second.
const NOISY_TARGETS: &[&str] = &["h2", "hyper", "tonic", "tower", "opentelemetry", "sqlx", "sea_orm"];

/// Installs the global subscriber and the W3C propagator. Call once, first
/// thing in `main`. A second call (tests, `redress dev`) keeps the first setup.
pub fn init(service_name: &str, config: &LogConfig) -> TelemetryGuard {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());

    // The SDK announces itself at info level; that is noise in service logs.
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(format!("{},opentelemetry=warn", config.level)))
        .unwrap_or_else(|_| EnvFilter::new("info"));

    // A provider always exists, so spans get trace ids that logs and outbox
    // rows carry; it exports only when an OTLP endpoint is configured.
    let mut builder = SdkTracerProvider::builder()
        .with_resource(Resource::builder().with_service_name(service_name.to_owned()).build());
    let exporting = std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT").is_some();
    if exporting {
        match opentelemetry_otlp::SpanExporter::builder().with_tonic().build() {
            Ok(exporter) => builder = builder.with_batch_exporter(exporter),
            Err(err) => eprintln!("otlp exporter disabled: {err}"),
        }
    }
    let provider = builder.build();
    let otel_layer = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer(service_name.to_owned()))
        .with_filter(filter_fn(|meta| !NOISY_TARGETS.iter().any(|t| meta.target().starts_with(t))));

    let fmt_layer = match config.format {
        LogFormat::Json => {
            tracing_subscriber::fmt::layer().json().with_current_span(true).with_span_list(false).boxed()
        }
        // Colour only on a terminal: redirected logs stay plain text.
        LogFormat::Pretty => {
            tracing_subscriber::fmt::layer().compact().with_ansi(std::io::stdout().is_terminal()).boxed()
        }
    };

    // The level filter applies to logs only: spans are always built, so trace
    // context reaches the outbox and peers even when logs are quiet.
    let installed =
        tracing_subscriber::registry().with(otel_layer).with(fmt_layer.with_filter(filter)).try_init().is_ok();
    if installed {
        opentelemetry::global::set_tracer_provider(provider.clone());
    }
    let meters = if installed { meter_provider(service_name, exporting) } else { None };
    if let Some(meters) = &meters {
        opentelemetry::global::set_meter_provider(meters.clone());
        metrics::register_process_metrics(&metrics::meter());
    }
    TelemetryGuard { provider: installed.then_some(provider), meters }
}

/// Installs a quiet subscriber for tests: logs only when `TEST_LOG` is set.
pub fn init_for_tests() {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let level = if std::env::var_os("TEST_LOG").is_some() { "debug" } else { "off" };
    let provider = SdkTracerProvider::builder().build();
    let _ = tracing_subscriber::registry()
        .with(
            tracing_opentelemetry::layer()
                .with_tracer(provider.tracer("test"))
                .with_filter(filter_fn(|meta| !NOISY_TARGETS.iter().any(|t| meta.target().starts_with(t)))),
        )
        .with(tracing_subscriber::fmt::layer().with_test_writer().with_filter(EnvFilter::new(level)))
        .try_init();
}

pub(crate) struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }
    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

struct MetadataInjector<'a>(&'a mut tonic::metadata::MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(key), Ok(value)) =
            (tonic::metadata::MetadataKey::from_bytes(key.as_bytes()), tonic::metadata::MetadataValue::try_from(&value))
        {
            self.0.insert(key, value);
        }
    }
}

pub use rpc::{ObserveLayer, TenantSlot, code_name, is_server_failure, split_path};

/// Writes the current span's W3C trace context into outgoing gRPC metadata.
pub fn inject_current(metadata: &mut tonic::metadata::MetadataMap) {
    inject_context(&tracing::Span::current().context(), metadata);
}

/// Writes a given trace context into outgoing gRPC metadata.
pub fn inject_context(cx: &Context, metadata: &mut tonic::metadata::MetadataMap) {
    opentelemetry::global::get_text_map_propagator(|p| p.inject_context(cx, &mut MetadataInjector(metadata)));
}

/// The current span's W3C trace context as a map (`traceparent`,
/// `tracestate`), to store with an outbox row.
pub fn current_context_map() -> HashMap<String, String> {
    let mut map = HashMap::new();
    let cx = tracing::Span::current().context();
    opentelemetry::global::get_text_map_propagator(|p| p.inject_context(&cx, &mut map));
    map
}

/// Rebuilds a trace context stored with [`current_context_map`].
pub fn context_from_map(map: &HashMap<String, String>) -> Context {
    opentelemetry::global::get_text_map_propagator(|p| p.extract(map))
}

/// Makes `span` a child of a stored trace context, so a trace continues
/// through the outbox.
pub fn set_parent_from_map(span: &tracing::Span, map: &HashMap<String, String>) {
    let _ = span.set_parent(context_from_map(map));
}

/// Records `span`'s trace id in its `trace_id` field, so every log line
/// written inside it (JSON logs carry the current span) names the trace.
pub fn record_trace_id(span: &tracing::Span) {
    use opentelemetry::trace::TraceContextExt;
    let trace_id = span.context().span().span_context().trace_id();
    span.record("trace_id", tracing::field::display(trace_id));
}

/// A tonic client interceptor that propagates the current trace context.
#[derive(Debug, Clone, Copy, Default)]
pub struct PropagateTraceContext;

impl tonic::service::Interceptor for PropagateTraceContext {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        inject_current(request.metadata_mut());
        Ok(request)
    }
}
