//! Resolution's metrics, defined once (the scheme: see
//! `redress_telemetry::metrics`). Labels are jurisdictions, clocks and
//! queues: never a player, an agent or a case's text.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, OnceLock},
};

use redress_telemetry::metrics::{Counter, KeyValue, ObservableGauge};

/// Resolution's instruments.
pub struct Metrics {
    /// Clocks that passed a warning threshold, by jurisdiction, clock
    /// (`acknowledge`, `final_response`, `adr_enquiry`) and threshold (%).
    pub deadline_warnings: Counter<u64>,
    /// Clocks that ran out, by jurisdiction and clock.
    pub deadline_breaches: Counter<u64>,
    /// Complaints deemed accepted because the final response came too late
    /// (Poland), by jurisdiction.
    pub deemed_acceptances: Counter<u64>,
    /// Evidence attached, by sniffed content type (a fixed set).
    pub evidence_uploads: Counter<u64>,
    /// Bytes of evidence attached, by sniffed content type.
    pub evidence_bytes: Counter<u64>,
    /// Evidence whose stored bytes no longer match the recorded SHA-256, by
    /// where it was found (`download`, `verify`).
    pub evidence_corrupted: Counter<u64>,
    /// Open cases by queue, as last counted (see [`Metrics::set_open_cases`]).
    open_cases: Arc<Mutex<BTreeMap<String, u64>>>,
    _open_cases_gauge: ObservableGauge<u64>,
}

impl Metrics {
    /// Replaces the open-case counts the gauge reports. A queue counted
    /// before and empty now reports 0, so an emptied queue shows as empty.
    pub fn set_open_cases(&self, counts: impl IntoIterator<Item = (String, u64)>) {
        let Ok(mut known) = self.open_cases.lock() else { return };
        known.values_mut().for_each(|v| *v = 0);
        known.extend(counts);
    }
}

/// The instruments, created on first use (after the telemetry is set up).
pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let m = redress_telemetry::metrics::meter();
        let open_cases = Arc::new(Mutex::new(BTreeMap::<String, u64>::new()));
        let read = Arc::clone(&open_cases);
        Metrics {
            deadline_warnings: m
                .u64_counter("redress.resolution.deadline.warnings")
                .with_description("clocks past a warning threshold, by jurisdiction, clock and threshold")
                .build(),
            deadline_breaches: m
                .u64_counter("redress.resolution.deadline.breaches")
                .with_description("clocks that ran out, by jurisdiction and clock")
                .build(),
            deemed_acceptances: m
                .u64_counter("redress.resolution.deemed_acceptances")
                .with_description("complaints deemed accepted at a final-response breach, by jurisdiction")
                .build(),
            evidence_uploads: m
                .u64_counter("redress.resolution.evidence.uploads")
                .with_description("evidence attached to cases, by sniffed content type")
                .build(),
            evidence_bytes: m
                .u64_counter("redress.resolution.evidence.uploaded")
                .with_unit("By")
                .with_description("bytes of evidence attached, by sniffed content type")
                .build(),
            evidence_corrupted: m
                .u64_counter("redress.resolution.evidence.corrupted")
                .with_description(
                    "evidence whose stored bytes no longer match its recorded sha256, by where it was found",
                )
                .build(),
            // Observed at each collection from the counts the sweeper keeps
            // fresh: a scrape never queries the database.
            _open_cases_gauge: m
                .u64_observable_gauge("redress.resolution.cases.open")
                .with_description("open cases by queue (counted at most every 15 s)")
                .with_callback(move |o| {
                    if let Ok(counts) = read.lock() {
                        for (queue, count) in counts.iter() {
                            o.observe(*count, &[KeyValue::new("queue", queue.clone())]);
                        }
                    }
                })
                .build(),
            open_cases,
        }
    })
}

/// The jurisdiction label (`none` when the player named none).
pub fn jurisdiction(code: &str) -> KeyValue {
    KeyValue::new("jurisdiction", if code.is_empty() { "none".to_owned() } else { code.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emptied_queue_reports_zero() {
        let m = metrics();
        m.set_open_cases([("payments".to_owned(), 3), ("kyc".to_owned(), 1)]);
        m.set_open_cases([("kyc".to_owned(), 2)]);
        let counts = m.open_cases.lock().unwrap().clone();
        assert_eq!(counts, BTreeMap::from([("kyc".to_owned(), 2), ("payments".to_owned(), 0)]));
    }
}
