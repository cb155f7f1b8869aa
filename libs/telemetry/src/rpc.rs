//! One server span and one access-log line per gRPC request, following the
//! OpenTelemetry RPC conventions (`rpc.system`, `rpc.service`, `rpc.method`,
//! `rpc.grpc.status_code`, `server.*`, `network.peer.*`). Health checks and
//! reflection are neither traced nor logged: kubelet probes alone would be a
//! trace every few seconds per pod.

use std::{
    error::Error,
    future::Future,
    net::SocketAddr,
    pin::Pin,
    sync::{Arc, OnceLock},
    task::{Context, Poll},
    time::Instant,
};

use opentelemetry::KeyValue;
use tracing::{Instrument, field::Empty};
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::HeaderExtractor;

/// Paths that are never traced or logged.
const UNTRACED_PREFIXES: &[&str] = &["/grpc.health.", "/grpc.reflection."];

/// True for health and reflection calls.
pub fn untraced(path: &str) -> bool {
    UNTRACED_PREFIXES.iter().any(|p| path.starts_with(p))
}

/// `/redress.intake.v1.IntakeService/SubmitComplaint` →
/// (`redress.intake.v1.IntakeService`, `SubmitComplaint`).
pub fn split_path(path: &str) -> (&str, &str) {
    let trimmed = path.trim_start_matches('/');
    trimmed.rsplit_once('/').unwrap_or((trimmed, ""))
}

/// The Redress service a method belongs to, from its package:
/// `/redress.intake.v1.IntakeService/SubmitComplaint` → `intake`. Its spans
/// are that service's (see `tracer`).
fn service_of_path(path: &str) -> Option<&str> {
    path.trim_start_matches('/').strip_prefix("redress.")?.split('.').next().filter(|s| !s.is_empty())
}

/// The gRPC codes that mean the SERVER failed, so the server span's status is
/// Error (the RPC conventions); the others are the client's doing.
pub fn is_server_failure(code: i32) -> bool {
    matches!(code, 2 | 4 | 12 | 13 | 14 | 15)
}

/// The canonical name of a gRPC code, e.g. `NOT_FOUND`.
pub fn code_name(code: i32) -> &'static str {
    match code {
        0 => "OK",
        1 => "CANCELLED",
        2 => "UNKNOWN",
        3 => "INVALID_ARGUMENT",
        4 => "DEADLINE_EXCEEDED",
        5 => "NOT_FOUND",
        6 => "ALREADY_EXISTS",
        7 => "PERMISSION_DENIED",
        8 => "RESOURCE_EXHAUSTED",
        9 => "FAILED_PRECONDITION",
        10 => "ABORTED",
        11 => "OUT_OF_RANGE",
        12 => "UNIMPLEMENTED",
        13 => "INTERNAL",
        14 => "UNAVAILABLE",
        15 => "DATA_LOSS",
        16 => "UNAUTHENTICATED",
        _ => "UNKNOWN",
    }
}

/// Where the authenticator leaves the caller's tenant for the access log and
/// the span: the layer puts an empty slot into the request's extensions, the
/// auth interceptor fills it.
#[derive(Debug, Clone, Default)]
pub struct TenantSlot(Arc<OnceLock<String>>);

impl TenantSlot {
    /// Records the tenant (the first write wins).
    pub fn set(&self, tenant: &str) {
        let _ = self.0.set(tenant.to_owned());
    }

    /// The tenant, once authenticated.
    pub fn get(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }
}

/// The tower layer that observes every request of a server listening on
/// `local`.
#[derive(Debug, Clone, Copy)]
pub struct ObserveLayer {
    local: SocketAddr,
}

impl ObserveLayer {
    /// A layer for the server bound to `local`.
    pub fn new(local: SocketAddr) -> Self {
        Self { local }
    }
}

impl<S> tower::Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe { inner, local: self.local }
    }
}

/// See [`ObserveLayer`].
#[derive(Debug, Clone)]
pub struct Observe<S> {
    inner: S,
    local: SocketAddr,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, B, RB, E> tower::Service<http::Request<B>> for Observe<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<RB>, Error = E>,
    S::Future: Send + 'static,
    E: LayerError + Send + 'static,
    RB: Send + 'static,
{
    type Response = http::Response<RB>;
    type Error = E;
    type Future = BoxFuture<Result<http::Response<RB>, E>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        if untraced(request.uri().path()) {
            return Box::pin(self.inner.call(request));
        }
        let span = server_span(&request, self.local);
        let tenant = TenantSlot::default();
        request.extensions_mut().insert(tenant.clone());
        let started = Instant::now();
        let (service, method) = {
            let (s, m) = split_path(request.uri().path());
            (s.to_owned(), m.to_owned())
        };
        // Interceptors run inside `call`, so they already see the span.
        let future = span.in_scope(|| self.inner.call(request));
        Box::pin(
            async move {
                let result = future.await;
                let code = match &result {
                    Ok(response) => grpc_status(response.headers()),
                    Err(err) => err.grpc_code(),
                };
                finish(code, started, tenant.get(), &service, &method);
                result
            }
            .instrument(span),
        )
    }
}

/// The code of a response: trailers-only responses (every error of a unary
/// call) carry `grpc-status` in the headers; a response without it succeeded
/// and sends `grpc-status: 0` in its trailers.
fn grpc_status(headers: &http::HeaderMap) -> i32 {
    headers.get("grpc-status").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// An error of the service under the layer, as the gRPC code tonic answers
/// for it.
pub trait LayerError {
    /// The code.
    fn grpc_code(&self) -> i32;
}

impl LayerError for std::convert::Infallible {
    fn grpc_code(&self) -> i32 {
        match *self {}
    }
}

impl LayerError for Box<dyn Error + Send + Sync> {
    fn grpc_code(&self) -> i32 {
        error_code(self.as_ref())
    }
}

/// The code tonic answers for an error raised by a layer (load shedding,
/// timeouts) rather than by a handler.
fn error_code(err: &(dyn Error + Send + Sync + 'static)) -> i32 {
    if let Some(status) = err.downcast_ref::<tonic::Status>() {
        return status.code() as i32;
    }
    if err.is::<tower::load_shed::error::Overloaded>() {
        return tonic::Code::ResourceExhausted as i32;
    }
    if err.is::<tower::timeout::error::Elapsed>() {
        return tonic::Code::DeadlineExceeded as i32;
    }
    tonic::Code::Unknown as i32
}

fn server_span<B>(request: &http::Request<B>, local: SocketAddr) -> tracing::Span {
    let parent = opentelemetry::global::get_text_map_propagator(|p| p.extract(&HeaderExtractor(request.headers())));
    let path = request.uri().path();
    let (service, method) = split_path(path);
    let peer = request.extensions().get::<tonic::transport::server::TcpConnectInfo>().and_then(|c| c.remote_addr());
    let span = tracing::info_span!(
        "grpc.server",
        otel.name = %path.trim_start_matches('/'),
        otel.kind = "server",
        otel.status_code = Empty,
        rpc.system = "grpc",
        rpc.service = %service,
        rpc.method = %method,
        rpc.grpc.status_code = Empty,
        server.address = %local.ip(),
        server.port = local.port(),
        network.peer.address = peer.map(|p| p.ip().to_string()),
        network.peer.port = peer.map(|p| p.port()),
        redress.tenant = Empty,
        trace_id = Empty,
    );
    let parent = match service_of_path(path) {
        Some(own) => crate::for_service(parent, own),
        None => parent,
    };
    let _ = span.set_parent(parent);
    crate::record_trace_id(&span);
    span
}

/// Records the outcome on the current (request) span and writes the access
/// line. Never personal data: the method, the code, the time, the tenant.
fn finish(code: i32, started: Instant, tenant: Option<&str>, service: &str, method: &str) {
    let span = tracing::Span::current();
    span.record("rpc.grpc.status_code", code);
    if let Some(tenant) = tenant {
        span.record("redress.tenant", tenant);
    }
    if is_server_failure(code) {
        span.record("otel.status_code", "ERROR");
    }
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let instruments = crate::metrics::instruments();
    instruments.rpc_server_duration.record(
        duration_ms,
        &[
            KeyValue::new("rpc.service", service.to_owned()),
            KeyValue::new("rpc.method", method.to_owned()),
            KeyValue::new("rpc.grpc.status_code", i64::from(code)),
        ],
    );

    tracing::info!(
        target: "redress::access",
        code = code_name(code),
        duration_ms,
        tenant = tenant.unwrap_or(""),
        "rpc"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_service_and_method() {
        assert_eq!(
            split_path("/redress.intake.v1.IntakeService/SubmitComplaint"),
            ("redress.intake.v1.IntakeService", "SubmitComplaint")
        );
        assert_eq!(split_path("/nonsense"), ("nonsense", ""));
    }

    #[test]
    fn the_package_names_the_service() {
        assert_eq!(service_of_path("/redress.intake.v1.IntakeService/SubmitComplaint"), Some("intake"));
        assert_eq!(
            service_of_path("/redress.notification.v1.NotificationInternalService/SendNotification"),
            Some("notification")
        );
        assert_eq!(service_of_path("/grpc.health.v1.Health/Check"), None);
        assert_eq!(service_of_path("/redress..x/Y"), None);
    }

    #[test]
    fn health_and_reflection_are_untraced() {
        assert!(untraced("/grpc.health.v1.Health/Check"));
        assert!(untraced("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"));
        assert!(untraced("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"));
        assert!(!untraced("/redress.intake.v1.IntakeService/GetComplaint"));
    }

    #[test]
    fn only_server_side_codes_mark_the_server_span_as_error() {
        let errors: Vec<_> = (0..=16).filter(|c| is_server_failure(*c)).map(code_name).collect();
        assert_eq!(errors, ["UNKNOWN", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS"]);
    }

    #[tokio::test]
    async fn codes_come_from_headers_and_from_layer_errors() {
        use tower::{Layer, Service, ServiceExt};
        type BoxError = Box<dyn Error + Send + Sync>;
        let ok = tower::service_fn(|_req: http::Request<()>| async {
            Ok::<_, BoxError>(http::Response::builder().header("grpc-status", "5").body(()).unwrap_or_default())
        });
        let mut svc = ObserveLayer::new(SocketAddr::from(([127, 0, 0, 1], 1))).layer(ok);
        let response = svc
            .ready()
            .await
            .unwrap()
            .call(http::Request::builder().uri("/a.B/C").body(()).unwrap_or_default())
            .await
            .unwrap();
        assert_eq!(grpc_status(response.headers()), 5);
        assert_eq!(error_code(&tower::load_shed::error::Overloaded::new()), 8);
        assert_eq!(error_code(&tonic::Status::not_found("x")), 5);
    }
}
