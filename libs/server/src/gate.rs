//! The gate every call passes before it reaches a handler, written once for
//! all services: routing of unknown services and methods to a named
//! UNIMPLEMENTED, authentication, per-tenant rate limits and the concurrency
//! budget; and on the way out, tonic's decode failures rewritten to the codes
//! of the gRPC spec. Health and reflection calls bypass authentication and
//! every limit (probes must answer while the server is saturated).

use std::{
    collections::{HashMap, HashSet},
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use prost::Message;
use redress_auth::{Role, Verifier};
use redress_errors::{ApiError, ErrorCode};
use tonic::{Status, body::Body};

use crate::limits::{Limiter, MethodClass, Refusal};

/// Services that bypass authentication and limits.
const BYPASS: [&str; 3] =
    ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"];

/// What the gate knows about the port it guards.
#[derive(Debug)]
pub struct GateState {
    verifier: Arc<Verifier>,
    limiter: Arc<Limiter>,
    /// Served services and their methods.
    served: HashMap<String, HashSet<String>>,
    /// Every Redress service known from the descriptors, by full name.
    known: HashSet<String>,
}

impl GateState {
    /// A gate for a port serving `services`.
    pub fn new(verifier: Arc<Verifier>, limiter: Arc<Limiter>, services: &[String]) -> Self {
        let mut methods: HashMap<String, HashSet<String>> = HashMap::new();
        if let Ok(set) = prost_types::FileDescriptorSet::decode(redress_proto::FILE_DESCRIPTOR_SET) {
            for file in set.file {
                let package = file.package.unwrap_or_default();
                for service in file.service {
                    let name = format!("{package}.{}", service.name.unwrap_or_default());
                    let names = service.method.into_iter().filter_map(|m| m.name).collect();
                    methods.insert(name, names);
                }
            }
        }
        let known = methods.keys().cloned().collect();
        let served = services.iter().filter_map(|name| methods.get(name).map(|m| (name.clone(), m.clone()))).collect();
        Self { verifier, limiter, served, known }
    }

    /// The Redress service (`intake`, …) whose API a gRPC service belongs to,
    /// from its package `redress.<service>.v1`.
    fn owner(service: &str) -> Option<&str> {
        service.strip_prefix("redress.")?.split('.').next()
    }

    /// Checks a call; on success, the caller and its hold on the budget.
    fn admit(
        self: &Arc<Self>,
        path: &str,
        authorization: Option<&str>,
    ) -> Result<Option<(redress_auth::Caller, crate::limits::Permit)>, ApiError> {
        let (service, method) = path.trim_start_matches('/').split_once('/').unwrap_or((path, ""));
        if BYPASS.contains(&service) {
            return Ok(None);
        }
        let echo = |s: &str| redress_errors::truncate(s, 120);
        match self.served.get(service) {
            None => {
                let message = match (self.known.contains(service), Self::owner(service)) {
                    (true, Some(owner)) => {
                        format!("{} is not served here; it is served by the {owner} service", echo(service))
                    }
                    _ => format!("unknown service {}", echo(service)),
                };
                return Err(ApiError::new(ErrorCode::Unimplemented, "UNKNOWN_SERVICE", message)
                    .with_metadata("service", service));
            }
            Some(methods) if !methods.contains(method) => {
                return Err(ApiError::new(
                    ErrorCode::Unimplemented,
                    "UNKNOWN_METHOD",
                    format!("{} has no method {}", echo(service), echo(method)),
                )
                .with_metadata("service", service)
                .with_metadata("method", method));
            }
            Some(_) => {}
        }
        let caller = self.verifier.verify_header(authorization)?;
        let class = match MethodClass::of(service, method) {
            // Only the service role draws on the internal budget; anyone
            // else calling an internal method is refused by its handler.
            MethodClass::Internal if !caller.roles.contains(&Role::Service) => MethodClass::Write,
            class => class,
        };
        let refused = |refusal| match refusal {
            Refusal::RateLimited(wait) => ApiError::new(
                ErrorCode::ResourceExhausted,
                "RATE_LIMITED",
                "the tenant's rate limit for this kind of call is reached; retry later",
            )
            .with_retry_after(wait),
            Refusal::Overloaded(wait) => ApiError::new(
                ErrorCode::ResourceExhausted,
                "SERVER_OVERLOADED",
                "the server is at its concurrency limit; retry later",
            )
            .with_retry_after(wait),
        };
        self.limiter.check_rate(&caller.tenant, class).map_err(refused)?;
        let permit = self.limiter.acquire(&caller.tenant, class).map_err(refused)?;
        Ok(Some((caller, permit)))
    }
}

/// The gate as a tower layer.
#[derive(Debug, Clone)]
pub struct GateLayer(pub Arc<GateState>);

impl<S> tower::Layer<S> for GateLayer {
    type Service = Gate<S>;
    fn layer(&self, inner: S) -> Self::Service {
        Gate { state: Arc::clone(&self.0), inner }
    }
}

/// The gate in front of a service.
#[derive(Debug, Clone)]
pub struct Gate<S> {
    state: Arc<GateState>,
    inner: S,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

impl<S> tower::Service<http::Request<Body>> for Gate<S>
where
    S: tower::Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<Body>) -> Self::Future {
        let authorization = request.headers().get("authorization").and_then(|v| v.to_str().ok());
        let permit = match self.state.admit(request.uri().path(), authorization) {
            Ok(Some((caller, permit))) => {
                request.extensions_mut().insert(caller);
                Some(permit)
            }
            Ok(None) => None,
            Err(err) => {
                let status: Status = err.into();
                return Box::pin(async move { Ok(status.into_http()) });
            }
        };
        // The ready inner service goes to this call; a fresh clone stays.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let response = inner.call(request).await?;
            drop(permit);
            Ok(rewrite(response))
        })
    }
}

/// tonic answers a message it cannot decode with INTERNAL and an oversized
/// one with OUT_OF_RANGE; the gRPC spec says INVALID_ARGUMENT and
/// RESOURCE_EXHAUSTED, and clients retry by code.
fn rewrite(response: http::Response<Body>) -> http::Response<Body> {
    let Some(status) =
        response.extensions().get::<Status>().cloned().or_else(|| Status::from_header_map(response.headers()))
    else {
        return response;
    };
    let message = status.message();
    let replacement = match status.code() {
        tonic::Code::Internal if message.starts_with("failed to decode Protobuf message") => ApiError::new(
            ErrorCode::InvalidArgument,
            "MALFORMED_MESSAGE",
            format!("the request is not a valid protobuf message: {}", message.to_lowercase()),
        ),
        tonic::Code::OutOfRange if message.contains("message length too large") => ApiError::new(
            ErrorCode::ResourceExhausted,
            "MESSAGE_TOO_LARGE",
            format!("the message exceeds the size limit: {}", message.to_lowercase()),
        ),
        _ => return response,
    };
    let status: Status = replacement.into();
    status.into_http()
}
