//! Telemetry for every Redress process, written once: `tracing` logs (JSON in
//! production, human-readable in development) that carry trace ids, and
//! OpenTelemetry traces exported over OTLP when the standard
//! `OTEL_EXPORTER_OTLP_ENDPOINT` variable is set. W3C trace context crosses
//! every gRPC call (both ways) and every outbox row.

pub mod metrics;
mod rpc;
mod tracer;

use std::{collections::HashMap, io::IsTerminal, time::Duration};

use opentelemetry::{
    Context,
    propagation::{Extractor, Injector},
    trace::TracerProvider as _,
};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::{
    Resource, metrics::SdkMeterProvider, propagation::TraceContextPropagator, trace::SdkTracerProvider,
};
use serde::{Deserialize, Serialize};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::{
    EnvFilter, Layer, filter::filter_fn, fmt::writer::BoxMakeWriter, layer::SubscriberExt, util::SubscriberInitExt,
};

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

/// Owns the OpenTelemetry providers; flushes and shuts them down on drop,
/// under a timeout so a dead collector never blocks the exit.
pub struct TelemetryGuard {
    providers: Vec<SdkTracerProvider>,
    meters: Option<SdkMeterProvider>,
}

impl TelemetryGuard {
    /// Exports every finished span and the current metrics now (tests call
    /// this instead of waiting for the batch and the metric intervals).
    pub fn flush(&self) {
        for provider in &self.providers {
            let _ = provider.force_flush();
        }
        if let Some(meters) = &self.meters {
            let _ = meters.force_flush();
        }
    }

    /// Flushes and shuts down traces and metrics, concurrently, within
    /// `budget`: what is not exported by then is dropped, so a hung collector
    /// never delays the exit beyond the drain deadline.
    pub fn shutdown_within(mut self, budget: Duration) {
        shutdown_providers(std::mem::take(&mut self.providers), self.meters.take(), budget);
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        shutdown_providers(std::mem::take(&mut self.providers), self.meters.take(), Duration::from_secs(2));
    }
}

/// Shuts the providers down (one per service in the process, and the
/// meters) side by side on threads of their own and waits for them at most
/// `budget`. The SDK's own timeouts do not bound everything (a periodic
/// metric reader waits for its export timeout whatever it is given), so a
/// shutdown still running at the deadline is left behind: the process exits.
fn shutdown_providers(providers: Vec<SdkTracerProvider>, meters: Option<SdkMeterProvider>, budget: Duration) {
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let mut running = 0;
    for provider in providers {
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

/// How [`init_with`] sets telemetry up. [`init`] is the usual case: one
/// service, the exporter from the `OTEL_*` variables, logs to stdout.
pub struct Options {
    /// `service.name` of the process, and of spans no service claims.
    pub service_name: String,
    /// Further services that run in this process (`redress dev`): spans of
    /// their work are exported with their own `service.name`.
    pub services: Vec<String>,
    /// Logging settings.
    pub log: LogConfig,
    /// The OTLP/gRPC endpoint; `None` reads `OTEL_EXPORTER_OTLP_ENDPOINT`
    /// (unset: nothing is exported).
    pub otlp_endpoint: Option<String>,
    /// Where log lines go instead of stdout (tests capture them).
    pub log_writer: Option<BoxMakeWriter>,
}

impl Options {
    /// One service, exporting as the `OTEL_*` variables say, logging to stdout.
    pub fn new(service_name: &str, log: &LogConfig) -> Self {
        Self {
            service_name: service_name.to_owned(),
            services: Vec::new(),
            log: log.clone(),
            otlp_endpoint: None,
            log_writer: None,
        }
    }
}

/// The meter provider: a Prometheus reader always (for the scrape
/// endpoint), an OTLP exporter when an endpoint is configured.
fn meter_provider(service_name: &str, otlp: Option<&Option<String>>) -> Option<SdkMeterProvider> {
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
    if let Some(endpoint) = otlp {
        let mut exporter = opentelemetry_otlp::MetricExporter::builder().with_tonic();
        if let Some(endpoint) = endpoint {
            exporter = exporter.with_endpoint(endpoint.clone());
        }
        match exporter.build() {
            Ok(exporter) => builder = builder.with_periodic_exporter(exporter),
            Err(err) => eprintln!("otlp metrics exporter disabled: {err}"),
        }
    }
    let _ = metrics::registry().set(registry);
    Some(builder.build())
}

/// A tracer provider for one service: it always exists, so spans get trace
/// ids that logs and outbox rows carry; it exports only when an OTLP endpoint
/// is configured (`otlp`: `Some(None)` is the `OTEL_*` variables' endpoint).
fn tracer_provider(service_name: &str, otlp: Option<&Option<String>>) -> SdkTracerProvider {
    let mut builder = SdkTracerProvider::builder()
        .with_resource(Resource::builder().with_service_name(service_name.to_owned()).build());
    if let Some(endpoint) = otlp {
        let mut exporter = opentelemetry_otlp::SpanExporter::builder().with_tonic();
        if let Some(endpoint) = endpoint {
            exporter = exporter.with_endpoint(endpoint.clone());
        }
        // The batch processor: a bounded queue that drops spans when the
        // collector is slow or down, never a request's time.
        match exporter.build() {
            Ok(exporter) => builder = builder.with_batch_exporter(exporter),
            Err(err) => eprintln!("otlp exporter disabled: {err}"),
        }
    }
    builder.build()
}

/// Targets whose spans must never reach the exporter: the exporter's own gRPC
/// traffic would otherwise trace itself, thousands of spans a second.
const NOISY_TARGETS: &[&str] = &["h2", "hyper", "tonic", "tower", "opentelemetry", "sqlx", "sea_orm"];

/// Installs the global subscriber and the W3C propagator. Call once, first
/// thing in `main`. A second call (tests, `redress dev`) keeps the first setup.
pub fn init(service_name: &str, config: &LogConfig) -> TelemetryGuard {
    init_with(Options::new(service_name, config))
}

/// [`init`] with every choice spelled out (several services in one process,
/// an explicit exporter endpoint, captured logs).
pub fn init_with(options: Options) -> TelemetryGuard {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let config = &options.log;

    // The SDK announces itself at info level; that is noise in service logs.
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(format!("{},opentelemetry=warn", config.level)))
        .unwrap_or_else(|_| EnvFilter::new("info"));

    let otlp = match &options.otlp_endpoint {
        Some(endpoint) => Some(Some(endpoint.clone())),
        None => std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT").is_some().then_some(None),
    };
    // The first setup in the process owns the globals. Its meter provider is
    // installed before the tracer providers are built: each batch span
    // processor takes its dropped-span counter from the global provider when
    // it is created, and one taken earlier would count into nothing.
    let first = !tracing::dispatcher::has_been_set();
    let meters = if first { meter_provider(&options.service_name, otlp.as_ref()) } else { None };
    if let Some(meters) = &meters {
        opentelemetry::global::set_meter_provider(meters.clone());
    }
    let provider = tracer_provider(&options.service_name, otlp.as_ref());
    let mut providers = vec![provider.clone()];
    let mut by_service = HashMap::new();
    for service in options.services.iter().filter(|s| **s != options.service_name) {
        let own = tracer_provider(service, otlp.as_ref());
        by_service.insert(service.clone(), own.tracer(service.clone()));
        providers.push(own);
    }
    let tracer = tracer::ServiceTracer::new(provider.tracer(options.service_name.clone()), by_service);
    let otel_layer = tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_filter(filter_fn(|meta| !NOISY_TARGETS.iter().any(|t| meta.target().starts_with(t))));

    let writer = options.log_writer.unwrap_or_else(|| BoxMakeWriter::new(std::io::stdout));
    let fmt_layer = match config.format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(writer)
            .boxed(),
        // Colour only on a terminal: redirected logs stay plain text.
        LogFormat::Pretty => tracing_subscriber::fmt::layer()
            .compact()
            .with_ansi(std::io::stdout().is_terminal())
            .with_writer(writer)
            .boxed(),
    };

    // The level filter applies to logs only: spans are always built, so trace
    // context reaches the outbox and peers even when logs are quiet.
    let installed = tracing_subscriber::registry()
        .with(otel_layer)
        .with(fmt_layer.with_filter(filter))
        .with(metrics::PoolWaitLayer::layer(&options.service_name))
        .try_init()
        .is_ok();
    if installed {
        opentelemetry::global::set_tracer_provider(provider);
    }
    if meters.is_some() {
        metrics::register_process_metrics(&metrics::meter());
        metrics::register_pool_metrics(&metrics::meter());
    }
    TelemetryGuard { providers: if installed { providers } else { Vec::new() }, meters }
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
pub use tracer::{for_service, service_of};

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

/// Rebuilds a trace context stored with [`current_context_map`] (an empty
/// context when nothing usable was stored, never the caller's).
pub fn context_from_map(map: &HashMap<String, String>) -> Context {
    opentelemetry::global::get_text_map_propagator(|p| p.extract_with_context(&Context::new(), map))
}

/// Makes `span` a child of a stored trace context, so a trace continues
/// through the outbox.
pub fn set_parent_from_map(span: &tracing::Span, map: &HashMap<String, String>) {
    let _ = span.set_parent(context_from_map(map));
}

/// Starts `service`'s work on a stored row (an outbox row, a notification):
/// `span` becomes a child of the trace context stored with it (the root of
/// a new trace when none was stored), and its `trace_id` field is recorded,
/// so every log line written inside it names the trace.
pub fn continue_stored_trace(span: &tracing::Span, service: &str, map: &HashMap<String, String>) {
    let _ = span.set_parent(for_service(context_from_map(map), service));
    record_trace_id(span);
}

/// Starts `service`'s work that no request asked for (a sweep): `span` is
/// the root of a new trace, with its `trace_id` field recorded.
pub fn start_trace(span: &tracing::Span, service: &str) {
    let _ = span.set_parent(for_service(Context::new(), service));
    record_trace_id(span);
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
