//! An OTLP/gRPC receiver for tests: a real collector endpoint (traces and
//! metrics) on `127.0.0.1:0` that keeps everything it is sent, so a test can
//! point a service's exporter at it and assert on the exported spans,
//! attributes and metric labels.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex, PoisonError},
};

use opentelemetry_proto::tonic::{
    collector::{
        metrics::v1::{
            ExportMetricsServiceRequest, ExportMetricsServiceResponse,
            metrics_service_server::{MetricsService, MetricsServiceServer},
        },
        trace::v1::{
            ExportTraceServiceRequest, ExportTraceServiceResponse,
            trace_service_server::{TraceService, TraceServiceServer},
        },
    },
    common::v1::{AnyValue, KeyValue, any_value::Value},
    metrics::v1::metric::Data,
    resource::v1::Resource,
    trace::v1::{Span, span::SpanKind},
};
use tonic::{Request, Response, Status};

/// One exported span with the `service.name` of the resource it came with.
#[derive(Debug, Clone)]
pub struct ExportedSpan {
    /// The exporting service (`service.name` of the resource).
    pub service: String,
    /// The span as exported.
    pub span: Span,
}

impl ExportedSpan {
    /// The trace id, lowercase hex.
    pub fn trace_id(&self) -> String {
        hex(&self.span.trace_id)
    }

    /// The span id, lowercase hex.
    pub fn span_id(&self) -> String {
        hex(&self.span.span_id)
    }

    /// The parent's span id, lowercase hex (empty for a root).
    pub fn parent_id(&self) -> String {
        hex(&self.span.parent_span_id)
    }

    /// The span's name.
    pub fn name(&self) -> &str {
        &self.span.name
    }

    /// The span's kind.
    pub fn kind(&self) -> SpanKind {
        SpanKind::try_from(self.span.kind).unwrap_or(SpanKind::Unspecified)
    }

    /// An attribute as text (integers in decimal), if present.
    pub fn attr(&self, key: &str) -> Option<String> {
        find(&self.span.attributes, key)
    }

    /// True when the span's status is Error.
    pub fn is_error(&self) -> bool {
        self.span.status.as_ref().is_some_and(|s| s.code == 2)
    }

    /// Every string this span exports: name, attribute keys and values,
    /// events and their attributes, status message (for leak checks).
    pub fn texts(&self) -> Vec<String> {
        let mut out = vec![self.span.name.clone()];
        let mut push = |attrs: &[KeyValue]| {
            for kv in attrs {
                out.push(kv.key.clone());
                out.push(kv.value.as_ref().map(text).unwrap_or_default());
            }
        };
        push(&self.span.attributes);
        for event in &self.span.events {
            push(&event.attributes);
        }
        for event in &self.span.events {
            out.push(event.name.clone());
        }
        if let Some(status) = &self.span.status {
            out.push(status.message.clone());
        }
        out
    }
}

/// One exported metric data point: the metric's name and the point's labels.
#[derive(Debug, Clone)]
pub struct ExportedPoint {
    /// The exporting service (`service.name` of the resource).
    pub service: String,
    /// The metric's OpenTelemetry name, e.g. `rpc.server.duration`.
    pub metric: String,
    /// The point's attributes as text.
    pub labels: Vec<(String, String)>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn text(value: &AnyValue) -> String {
    match &value.value {
        Some(Value::StringValue(s)) => s.clone(),
        Some(Value::IntValue(i)) => i.to_string(),
        Some(Value::BoolValue(b)) => b.to_string(),
        Some(Value::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn find(attrs: &[KeyValue], key: &str) -> Option<String> {
    attrs.iter().find(|kv| kv.key == key).and_then(|kv| kv.value.as_ref()).map(text)
}

fn service_of(resource: Option<&Resource>) -> String {
    resource.and_then(|r| find(&r.attributes, "service.name")).unwrap_or_default()
}

#[derive(Clone, Default)]
struct Store {
    spans: Arc<Mutex<Vec<ExportedSpan>>>,
    points: Arc<Mutex<Vec<ExportedPoint>>>,
}

#[tonic::async_trait]
impl TraceService for Store {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        let mut spans = self.spans.lock().unwrap_or_else(PoisonError::into_inner);
        for resource_spans in request.into_inner().resource_spans {
            let service = service_of(resource_spans.resource.as_ref());
            for scope in resource_spans.scope_spans {
                spans.extend(scope.spans.into_iter().map(|span| ExportedSpan { service: service.clone(), span }));
            }
        }
        Ok(Response::new(ExportTraceServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl MetricsService for Store {
    async fn export(
        &self,
        request: Request<ExportMetricsServiceRequest>,
    ) -> Result<Response<ExportMetricsServiceResponse>, Status> {
        let mut points = self.points.lock().unwrap_or_else(PoisonError::into_inner);
        for resource_metrics in request.into_inner().resource_metrics {
            let service = service_of(resource_metrics.resource.as_ref());
            for scope in resource_metrics.scope_metrics {
                for metric in scope.metrics {
                    let attribute_sets: Vec<&Vec<KeyValue>> = match &metric.data {
                        Some(Data::Gauge(g)) => g.data_points.iter().map(|p| &p.attributes).collect(),
                        Some(Data::Sum(s)) => s.data_points.iter().map(|p| &p.attributes).collect(),
                        Some(Data::Histogram(h)) => h.data_points.iter().map(|p| &p.attributes).collect(),
                        Some(Data::ExponentialHistogram(h)) => h.data_points.iter().map(|p| &p.attributes).collect(),
                        Some(Data::Summary(s)) => s.data_points.iter().map(|p| &p.attributes).collect(),
                        None => Vec::new(),
                    };
                    for attributes in attribute_sets {
                        points.push(ExportedPoint {
                            service: service.clone(),
                            metric: metric.name.clone(),
                            labels: attributes
                                .iter()
                                .map(|kv| (kv.key.clone(), kv.value.as_ref().map(text).unwrap_or_default()))
                                .collect(),
                        });
                    }
                }
            }
        }
        Ok(Response::new(ExportMetricsServiceResponse::default()))
    }
}

/// A running OTLP/gRPC receiver; it stops with the test's runtime.
#[derive(Clone)]
pub struct Receiver {
    addr: SocketAddr,
    store: Store,
}

impl Receiver {
    /// Starts a receiver on a free loopback port.
    pub async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("addr: {e}"));
        let store = Store::default();
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(TraceServiceServer::new(store.clone()))
                .add_service(MetricsServiceServer::new(store.clone()))
                .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
        );
        Receiver { addr, store }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The endpoint to configure an exporter with
    /// (`OTEL_EXPORTER_OTLP_ENDPOINT`), e.g. `http://127.0.0.1:4317`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every span received so far.
    pub fn spans(&self) -> Vec<ExportedSpan> {
        self.store.spans.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The spans of one trace.
    pub fn trace(&self, trace_id: &str) -> Vec<ExportedSpan> {
        self.spans().into_iter().filter(|s| s.trace_id() == trace_id).collect()
    }

    /// Every metric data point received so far.
    pub fn metric_points(&self) -> Vec<ExportedPoint> {
        self.store.points.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}
