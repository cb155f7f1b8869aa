//! One tracer per service in the process. A standalone service has one; `redress
//! dev` runs all four in one process, and each span must still be exported with
//! the `service.name` of the service that did the work (`intake`, not
//! `redress-dev`), as the standalone binaries do.
//!
//! `service.name` is a resource attribute, fixed per tracer provider, so the
//! process keeps one provider per service and [`ServiceTracer`] picks one per
//! span from a [`ServiceTag`] in the span's parent context. Root spans get the
//! tag where a service's work starts (the server span of a request, the span of
//! an outbox row or a notification); every child inherits it, because
//! tracing-opentelemetry builds a child's parent context from its parent's
//! context, values included.

use std::{collections::HashMap, sync::Arc};

use opentelemetry::{
    Context,
    trace::{SpanBuilder, Tracer},
};
use opentelemetry_sdk::trace::{SdkTracer, Span};

/// The service whose work a context belongs to.
#[derive(Debug, Clone)]
pub(crate) struct ServiceTag(pub(crate) Arc<str>);

/// `cx` marked as the context of work done by `service`: spans started under it
/// are exported as that service's when the process runs several.
pub fn for_service(cx: Context, service: &str) -> Context {
    cx.with_value(ServiceTag(service.into()))
}

/// The service a context's work belongs to, if it was marked.
pub fn service_of(cx: &Context) -> Option<&str> {
    cx.get::<ServiceTag>().map(|t| t.0.as_ref())
}

/// A tracer that hands each span to the tracer of its service.
#[derive(Debug, Clone)]
pub(crate) struct ServiceTracer {
    /// For spans of no (known) service.
    default: SdkTracer,
    by_service: Arc<HashMap<String, SdkTracer>>,
}

impl ServiceTracer {
    pub(crate) fn new(default: SdkTracer, by_service: HashMap<String, SdkTracer>) -> Self {
        Self { default, by_service: Arc::new(by_service) }
    }
}

impl Tracer for ServiceTracer {
    type Span = Span;

    fn build_with_context(&self, builder: SpanBuilder, parent_cx: &Context) -> Span {
        let tracer = service_of(parent_cx).and_then(|s| self.by_service.get(s)).unwrap_or(&self.default);
        tracer.build_with_context(builder, parent_cx)
    }
}
