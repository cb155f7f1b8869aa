//! Notification's metrics, defined once (the scheme: see
//! `redress_telemetry::metrics`). Labels are channels, results and reasons:
//! never a recipient, an address or a tenant's text.

use std::sync::OnceLock;

use redress_telemetry::metrics::{Counter, Histogram, KeyValue};

/// Notification's instruments.
pub struct Metrics {
    /// Delivery attempts, by channel and result (`accepted`,
    /// `transient_failure`, `permanent_failure`).
    pub deliveries: Counter<u64>,
    /// Failed attempts that will be tried again, by channel.
    pub retries: Counter<u64>,
    /// Notifications given up on, by channel and reason (`attempts_exhausted`,
    /// `permanent_failure`, `render_failed`, `no_destination`).
    pub dead_letters: Counter<u64>,
    /// How long one attempt took (the SMTP or webhook exchange), by channel
    /// and result, in seconds.
    pub attempt_duration: Histogram<f64>,
    /// From acceptance to the provider's acceptance, by channel, in seconds:
    /// what the player waits, retries included.
    pub delivery_latency: Histogram<f64>,
}

/// The instruments, created on first use (after the telemetry is set up).
pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let m = redress_telemetry::metrics::meter();
        Metrics {
            deliveries: m
                .u64_counter("redress.notification.deliveries")
                .with_description("delivery attempts, by channel and result")
                .build(),
            retries: m
                .u64_counter("redress.notification.retries")
                .with_description("failed delivery attempts that will be retried, by channel")
                .build(),
            dead_letters: m
                .u64_counter("redress.notification.dead_letters")
                .with_description("notifications dead-lettered, by channel and reason")
                .build(),
            attempt_duration: m
                .f64_histogram("redress.notification.attempt.duration")
                .with_unit("s")
                .with_description("duration of one delivery attempt, by channel and result")
                .with_boundaries(vec![0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0])
                .build(),
            delivery_latency: m
                .f64_histogram("redress.notification.delivery.latency")
                .with_unit("s")
                .with_description("time from acceptance to delivery, by channel")
                .with_boundaries(vec![0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 14400.0, 86400.0])
                .build(),
        }
    })
}

/// `CHANNEL_EMAIL` → `email`; the stored proto names are the label values'
/// source, lowercased and without the prefix.
pub fn channel_label(stored: &str) -> KeyValue {
    KeyValue::new("channel", short(stored, "CHANNEL_"))
}

/// `RESULT_TRANSIENT_FAILURE` → `transient_failure`.
pub fn short(stored: &str, prefix: &str) -> String {
    stored.strip_prefix(prefix).unwrap_or(stored).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_short_lowercase_names() {
        assert_eq!(channel_label("CHANNEL_EMAIL").value.as_str(), "email");
        assert_eq!(short("DEAD_LETTER_REASON_ATTEMPTS_EXHAUSTED", "DEAD_LETTER_REASON_"), "attempts_exhausted");
    }
}
