//! Feedback's metrics, defined once (the scheme: see
//! `redress_telemetry::metrics`). Labels are the answer's scores: never the
//! player, the comment or the token.

use std::sync::OnceLock;

use redress_proto::feedback::v1::SurveyAnswer;
use redress_telemetry::metrics::{Counter, KeyValue};

/// Feedback's instruments.
pub struct Metrics {
    /// Survey answers, by CSAT score (`1`–`5`) and whether the problem was
    /// solved (`yes`, `no`).
    pub survey_responses: Counter<u64>,
}

/// The instruments, created on first use (after the telemetry is set up).
pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let m = redress_telemetry::metrics::meter();
        Metrics {
            survey_responses: m
                .u64_counter("redress.feedback.survey.responses")
                .with_description("survey answers, by csat score and whether the problem was solved")
                .build(),
        }
    })
}

/// Counts one accepted answer.
pub fn survey_answered(answer: &SurveyAnswer) {
    let solved = answer.problem_solved().as_str_name();
    let solved = solved.strip_prefix("PROBLEM_SOLVED_").unwrap_or(solved).to_ascii_lowercase();
    metrics()
        .survey_responses
        .add(1, &[KeyValue::new("csat", i64::from(answer.csat)), KeyValue::new("solved", solved)]);
}
