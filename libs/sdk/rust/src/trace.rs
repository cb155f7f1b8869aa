//! W3C trace context: the caller's current OpenTelemetry context goes into
//! every call's metadata through the globally installed propagator (a no-op
//! until the application installs one).

/// Injects the current OpenTelemetry context into `metadata`.
#[cfg(feature = "otel")]
pub(crate) fn inject_current(metadata: &mut tonic::metadata::MetadataMap) {
    use opentelemetry::propagation::Injector;

    struct MetadataInjector<'a>(&'a mut tonic::metadata::MetadataMap);

    impl Injector for MetadataInjector<'_> {
        fn set(&mut self, key: &str, value: String) {
            if let (Ok(key), Ok(value)) = (
                tonic::metadata::MetadataKey::from_bytes(key.as_bytes()),
                tonic::metadata::MetadataValue::try_from(value.as_str()),
            ) {
                self.0.insert(key, value);
            }
        }
    }

    let cx = opentelemetry::Context::current();
    opentelemetry::global::get_text_map_propagator(|p| p.inject_context(&cx, &mut MetadataInjector(metadata)));
}

/// Without the `otel` feature there is nothing to inject.
#[cfg(not(feature = "otel"))]
pub(crate) fn inject_current(_metadata: &mut tonic::metadata::MetadataMap) {}

#[cfg(all(test, feature = "otel"))]
#[allow(clippy::unwrap_used)]
mod tests {
    use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};

    #[test]
    fn the_current_context_travels_as_traceparent() {
        opentelemetry::global::set_text_map_propagator(opentelemetry_sdk::propagation::TraceContextPropagator::new());
        let span = SpanContext::new(
            TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
            SpanId::from_hex("00f067aa0ba902b7").unwrap(),
            TraceFlags::SAMPLED,
            true,
            TraceState::default(),
        );
        let _guard = opentelemetry::Context::current().with_remote_span_context(span).attach();
        let mut metadata = tonic::metadata::MetadataMap::new();
        super::inject_current(&mut metadata);
        assert_eq!(metadata.get("traceparent").unwrap(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }
}
