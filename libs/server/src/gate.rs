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
use redress_errors::{ApiError, ErrorCode, Violations};
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
    /// Served services: their methods and each method's request type.
    served: HashMap<String, HashMap<String, String>>,
    /// Request message descriptors, for the text rule.
    messages: crate::scan::Messages,
    /// Largest request message, in bytes.
    max_message_bytes: usize,
    /// Every Redress service known from the descriptors, by full name.
    known: HashSet<String>,
    /// Client-streaming methods (`service/method`): their body is a stream
    /// of messages of any total length, passed on unread (see `call`).
    client_streaming: HashSet<String>,
}

impl GateState {
    /// A gate for a port serving `services`.
    pub fn new(verifier: Arc<Verifier>, limiter: Arc<Limiter>, services: &[String], max_message_bytes: usize) -> Self {
        let mut methods: HashMap<String, HashMap<String, String>> = HashMap::new();
        let mut client_streaming = HashSet::new();
        let set = prost_types::FileDescriptorSet::decode(redress_proto::FILE_DESCRIPTOR_SET).unwrap_or_default();
        for file in &set.file {
            for service in &file.service {
                let name = format!("{}.{}", file.package(), service.name());
                for method in service.method.iter().filter(|m| m.client_streaming()) {
                    client_streaming.insert(format!("{name}/{}", method.name()));
                }
                let inputs = service.method.iter().map(|m| (m.name().to_owned(), m.input_type().to_owned())).collect();
                methods.insert(name, inputs);
            }
        }
        let messages = crate::scan::Messages::of(&set);
        let known = methods.keys().cloned().collect();
        let served = services.iter().filter_map(|name| methods.get(name).map(|m| (name.clone(), m.clone()))).collect();
        Self { verifier, limiter, served, messages, known, max_message_bytes, client_streaming }
    }

    /// The Redress service (`intake`, …) whose API a gRPC service belongs to,
    /// from its package `redress.<service>.v1`.
    fn owner(service: &str) -> Option<&str> {
        service.strip_prefix("redress.")?.split('.').next()
    }

    /// Checks a call; on success, the caller and its hold on the budget.
    fn admit(self: &Arc<Self>, path: &str, authorization: Option<&str>) -> Result<Option<Admitted>, ApiError> {
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
            Some(methods) if !methods.contains_key(method) => {
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
        // Internal calls carry what the calling service accepted (and rows
        // queued before this rule); they are not checked again, so an old
        // outbox row can never be refused for good.
        let input = match class {
            MethodClass::Internal => String::new(),
            _ => self.served.get(service).and_then(|m| m.get(method)).cloned().unwrap_or_default(),
        };
        let streaming = self.client_streaming.contains(path.trim_start_matches('/'));
        Ok(Some(Admitted { caller, permit, input, streaming }))
    }

    /// The request body of a unary method, read whole and checked by the
    /// text rule; the checked bytes go on to the handler.
    async fn checked_body(&self, body: Body, input: &str) -> Result<Body, ApiError> {
        use http_body_util::BodyExt;
        // One gRPC frame: a flag byte, a 4-byte length, the message.
        let limit = self.max_message_bytes.saturating_add(5);
        let bytes = match http_body_util::Limited::new(body, limit).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(err) if err.is::<http_body_util::LengthLimitError>() => {
                return Err(ApiError::new(
                    ErrorCode::ResourceExhausted,
                    "MESSAGE_TOO_LARGE",
                    format!("the message exceeds the size limit of {} bytes", self.max_message_bytes),
                ));
            }
            // A broken stream: let tonic see what is there and answer.
            Err(_) => return Ok(Body::empty()),
        };
        let mut rest: &[u8] = &bytes;
        let mut v = Violations::new();
        while rest.len() >= 5 {
            let len = u32::from_be_bytes([rest[1], rest[2], rest[3], rest[4]]) as usize;
            let compressed = rest[0] != 0;
            let Some(message) = rest.get(5..5 + len) else { break };
            if !compressed {
                self.messages.check(input, message, &mut v);
            }
            rest = &rest[5 + len..];
        }
        v.into_result()?;
        Ok(Body::new(http_body_util::Full::new(bytes)))
    }
}

/// An admitted call: who, its hold on the budget, its request type.
struct Admitted {
    caller: redress_auth::Caller,
    permit: crate::limits::Permit,
    input: String,
    /// A client-streaming method.
    streaming: bool,
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
        let admitted = match self.state.admit(request.uri().path(), authorization) {
            Ok(admitted) => admitted,
            Err(err) => {
                redress_telemetry::metrics::instruments()
                    .rpc_rejected
                    .add(1, &[redress_telemetry::metrics::label("reason", err.reason.to_ascii_lowercase())]);
                return Box::pin(async move { Ok(answer(err)) });
            }
        };
        // The ready inner service goes to this call; a fresh clone stays.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let state = Arc::clone(&self.state);
        Box::pin(async move {
            let Some(Admitted { caller, permit, input, streaming }) = admitted else {
                return inner.call(request).await.map(rewrite);
            };
            request.extensions_mut().insert(caller);
            let (parts, body) = request.into_parts();
            // A client stream (an evidence upload) is longer than one message
            // may be and must not be held whole in memory: it goes on unread;
            // tonic holds each message to the size limit and the handler
            // checks its text fields by the same rule.
            let body = if streaming {
                body
            } else {
                match state.checked_body(body, &input).await {
                    Ok(body) => body,
                    Err(err) => return Ok(answer(err)),
                }
            };
            let response = inner.call(http::Request::from_parts(parts, body)).await?;
            drop(permit);
            Ok(rewrite(response))
        })
    }
}

fn answer(err: ApiError) -> http::Response<Body> {
    let status: Status = err.into();
    status.into_http()
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
