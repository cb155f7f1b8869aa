//! Feedback's domain: pure rules with no I/O. Request validation, survey
//! rules, the per-complaint fact fold, insight figures and recurring-problem
//! clusters.

pub mod facts;
pub mod histogram;
pub mod insights;
pub mod recurring;
pub mod rollup;
pub mod surveys;

use chrono::{DateTime, Duration, Utc};
use redress_errors::{ApiError, Violations};
use redress_proto::{
    feedback::v1::{SurveyAnswer, TimeWindow, survey::State, survey_answer::ProblemSolved},
    resolution::v1::FollowUpReason,
};
use sha2::{Digest, Sha256};

/// Longest idempotency key.
pub const MAX_REQUEST_ID: usize = 128;
/// Longest survey token accepted.
pub const MAX_TOKEN: usize = 256;
/// Longest survey comment.
pub const MAX_COMMENT: usize = 2000;
/// Longest window a query may cover.
pub const MAX_WINDOW_DAYS: i64 = 366;
/// Default window length.
pub const DEFAULT_WINDOW_DAYS: i64 = 7;

/// A half-open time range [start, end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Window {
    /// True when `at` is set and falls in the window.
    pub fn contains(&self, at: Option<DateTime<Utc>>) -> bool {
        at.is_some_and(|at| self.start <= at && at < self.end)
    }

    /// The window of the same length just before this one.
    pub fn previous(&self) -> Window {
        Window { start: self.start - (self.end - self.start), end: self.start }
    }

    /// As the proto message.
    pub fn to_proto(self) -> TimeWindow {
        TimeWindow { start_time: Some(timestamp(self.start)), end_time: Some(timestamp(self.end)) }
    }
}

// The one conversion of times, in the chassis.
pub use redress_errors::{from_timestamp, timestamp};

/// The window a request asks for, with defaults: end now, start 7 days before.
pub fn window(requested: Option<&TimeWindow>, now: DateTime<Utc>) -> Result<Window, ApiError> {
    let mut v = Violations::new();
    let requested = requested.cloned().unwrap_or_default();
    let end = match &requested.end_time {
        Some(ts) => from_timestamp(ts).unwrap_or_else(|| {
            v.add("window.end_time", "is not a valid timestamp");
            now
        }),
        None => now,
    };
    let start = match &requested.start_time {
        Some(ts) => from_timestamp(ts).unwrap_or_else(|| {
            v.add("window.start_time", "is not a valid timestamp");
            end
        }),
        None => end - Duration::days(DEFAULT_WINDOW_DAYS),
    };
    if v.is_empty() {
        v.check(end <= start, "window.end_time", "must be after window.start_time");
        v.check(end - start > Duration::days(MAX_WINDOW_DAYS), "window", "must be at most 366 days long");
    }
    v.into_result()?;
    Ok(Window { start, end })
}

/// The id inside a resource name `{collection}/{id}`.
pub fn parse_name<'a>(v: &mut Violations, name: &'a str, collection: &str, field: &str) -> &'a str {
    let id = name.strip_prefix(collection).and_then(|rest| rest.strip_prefix('/')).unwrap_or_default();
    if id.is_empty() || id.len() > 128 || id.contains('/') || id.chars().any(char::is_control) {
        v.add(field, format!("must be a resource name like {collection}/{{id}}"));
    }
    id
}

/// Checks a player's answers.
pub fn answer(v: &mut Violations, answer: Option<&SurveyAnswer>) {
    let Some(a) = answer else {
        v.add("answer", "is required");
        return;
    };
    v.check(!(1..=5).contains(&a.csat), "answer.csat", "must be from 1 to 5");
    match ProblemSolved::try_from(a.problem_solved) {
        Ok(ProblemSolved::Yes | ProblemSolved::No) => {}
        _ => v.add("answer.problem_solved", "must be YES or NO"),
    }
    v.check(!(0..=5).contains(&a.fairness), "answer.fairness", "must be 0 (skipped) or from 1 to 5");
    v.text(&a.comment, "answer.comment", false, MAX_COMMENT);
}

/// Checks a survey token's shape (never its value: it goes nowhere else).
pub fn token(v: &mut Violations, token: &str) {
    let ok = !token.is_empty()
        && token.len() <= MAX_TOKEN
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'=' | b'.' | b'~'));
    v.check(!ok, "token", "must be the survey token from the invitation link");
}

/// The stored form of a survey token: its SHA-256, so a database leak does
/// not leak working links.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Why an answer flags the case back to resolution, if it does: the problem
/// not solved, or CSAT or fairness of 1 or 2.
pub fn follow_up_reason(a: &SurveyAnswer) -> Option<FollowUpReason> {
    if a.problem_solved == ProblemSolved::No as i32 {
        Some(FollowUpReason::NotSolved)
    } else if a.csat <= 2 || (1..=2).contains(&a.fairness) {
        Some(FollowUpReason::LowCsat)
    } else {
        None
    }
}

/// The page of `items` at `offset`, and the offset of the next page if any.
pub fn paginate<T>(items: Vec<T>, offset: u64, size: u64) -> (Vec<T>, Option<u64>) {
    let total = items.len() as u64;
    let page: Vec<T> = items.into_iter().skip(offset as usize).take(size as usize).collect();
    let next = (offset + size < total).then_some(offset + size);
    (page, next)
}

/// The state a player sees: an open survey past its expiry is expired.
pub fn effective_state(stored: State, expire_at: DateTime<Utc>, now: DateTime<Utc>) -> State {
    if stored == State::Open && now >= expire_at { State::Expired } else { stored }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer_of(csat: i32, solved: ProblemSolved, fairness: i32) -> SurveyAnswer {
        SurveyAnswer { csat, problem_solved: solved.into(), fairness, ..Default::default() }
    }

    #[test]
    fn poor_answers_flag_the_case() {
        assert_eq!(follow_up_reason(&answer_of(5, ProblemSolved::No, 5)), Some(FollowUpReason::NotSolved));
        assert_eq!(follow_up_reason(&answer_of(2, ProblemSolved::Yes, 0)), Some(FollowUpReason::LowCsat));
        assert_eq!(follow_up_reason(&answer_of(4, ProblemSolved::Yes, 1)), Some(FollowUpReason::LowCsat));
        assert_eq!(follow_up_reason(&answer_of(3, ProblemSolved::Yes, 0)), None);
    }

    #[test]
    fn answers_out_of_range_are_each_reported() {
        let mut v = Violations::new();
        answer(&mut v, Some(&answer_of(6, ProblemSolved::Unspecified, 9)));
        let err = v.into_result().err().map(|e| e.violations.len());
        assert_eq!(err, Some(3));
    }

    #[test]
    fn windows_default_to_the_last_seven_days_and_are_bounded() {
        let now = Utc::now();
        let w = window(None, now).unwrap_or(Window { start: now, end: now });
        assert_eq!(w.end - w.start, Duration::days(7));
        assert_eq!(w.previous().end, w.start);
        let long =
            TimeWindow { start_time: Some(timestamp(now - Duration::days(400))), end_time: Some(timestamp(now)) };
        assert!(window(Some(&long), now).is_err());
    }

    #[test]
    fn an_open_survey_expires_at_its_expiry() {
        let now = Utc::now();
        assert_eq!(effective_state(State::Open, now, now), State::Expired);
        assert_eq!(effective_state(State::Open, now + Duration::seconds(1), now), State::Open);
        assert_eq!(effective_state(State::Answered, now, now), State::Answered);
    }

    #[test]
    fn pages_end_where_the_items_do() {
        assert_eq!(paginate(vec![1, 2, 3], 0, 2), (vec![1, 2], Some(2)));
        assert_eq!(paginate(vec![1, 2, 3], 2, 2), (vec![3], None));
        assert_eq!(paginate(vec![1, 2], 0, 2), (vec![1, 2], None));
    }

    #[test]
    fn names_must_name_the_collection() {
        let mut v = Violations::new();
        assert_eq!(parse_name(&mut v, "cases/c-1", "cases", "case"), "c-1");
        assert!(v.is_empty());
        parse_name(&mut v, "complaints/x", "cases", "case");
        assert!(!v.is_empty());
    }
}
