//! The Redress error model, written once.
//!
//! Every service error is an [`ApiError`]: a code from the closed set
//! [`ErrorCode`], a stable UPPER_SNAKE `reason` that clients can match on, a
//! lowercase human message and, for bad input, one field violation per bad
//! field. [`ApiError`] turns into a `tonic::Status` carrying
//! `google.rpc.ErrorInfo` and `google.rpc.BadRequest` in one place, so no
//! handler builds a status by hand.

use std::collections::HashMap;

use chrono::{DateTime, SubsecRound, TimeZone, Utc};

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

/// The `domain` of every `google.rpc.ErrorInfo` that Redress returns.
pub const ERROR_DOMAIN: &str = "redress.dev";

/// The closed set of error codes a Redress service may answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The request is malformed; see the field violations.
    InvalidArgument,
    /// The resource does not exist for the caller's tenant.
    NotFound,
    /// The resource, or an idempotency key, already exists.
    AlreadyExists,
    /// The resource is not in a state that allows the call.
    FailedPrecondition,
    /// A concurrent change won (stale etag).
    Aborted,
    /// No valid credentials.
    Unauthenticated,
    /// Valid credentials without the role the call needs.
    PermissionDenied,
    /// A rate or size limit was hit.
    ResourceExhausted,
    /// A dependency (the database, a peer) is unreachable; retry later.
    Unavailable,
    /// The service or method is not served on this port.
    Unimplemented,
    /// A bug or an unexpected failure; details are in the server log only.
    Internal,
    /// Stored data no longer matches what was recorded (corruption or
    /// tampering); retrying does not help.
    DataLoss,
}

impl ErrorCode {
    /// The gRPC status code for this error code. The only mapping in Redress.
    pub fn grpc_code(self) -> Code {
        match self {
            ErrorCode::InvalidArgument => Code::InvalidArgument,
            ErrorCode::NotFound => Code::NotFound,
            ErrorCode::AlreadyExists => Code::AlreadyExists,
            ErrorCode::FailedPrecondition => Code::FailedPrecondition,
            ErrorCode::Aborted => Code::Aborted,
            ErrorCode::Unauthenticated => Code::Unauthenticated,
            ErrorCode::PermissionDenied => Code::PermissionDenied,
            ErrorCode::ResourceExhausted => Code::ResourceExhausted,
            ErrorCode::Unavailable => Code::Unavailable,
            ErrorCode::Unimplemented => Code::Unimplemented,
            ErrorCode::Internal => Code::Internal,
            ErrorCode::DataLoss => Code::DataLoss,
        }
    }
}

/// One bad field of a request: its path (`player.player_id`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The field path in the request message, dotted, as in the proto.
    pub field: String,
    /// What is wrong with it, lowercase, e.g. "must not be empty".
    pub description: String,
}

/// An error a Redress service answers with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code:?} {reason}: {message}")]
pub struct ApiError {
    /// The code, which decides the gRPC status.
    pub code: ErrorCode,
    /// A stable UPPER_SNAKE reason, sent as `google.rpc.ErrorInfo.reason`.
    pub reason: String,
    /// A lowercase message for humans.
    pub message: String,
    /// Field violations, sent as `google.rpc.BadRequest`.
    pub violations: Vec<Violation>,
    /// Extra `ErrorInfo` metadata, e.g. the current state of a resource.
    pub metadata: Vec<(String, String)>,
    /// When set, sent as `google.rpc.RetryInfo`: the client may retry after this delay.
    pub retry_after: Option<std::time::Duration>,
}

impl ApiError {
    /// An error with a code, a reason and a message.
    pub fn new(code: ErrorCode, reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
            message: message.into(),
            violations: Vec::new(),
            metadata: Vec::new(),
            retry_after: None,
        }
    }

    /// INVALID_ARGUMENT with field violations.
    pub fn invalid_argument(violations: Vec<Violation>) -> Self {
        let message = match violations.as_slice() {
            [one] => format!("invalid {}: {}", one.field, one.description),
            many => format!("{} invalid fields", many.len()),
        };
        Self { violations, ..Self::new(ErrorCode::InvalidArgument, "INVALID_ARGUMENT", message) }
    }

    /// INVALID_ARGUMENT for one field.
    pub fn invalid_field(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self::invalid_argument(vec![Violation { field: field.into(), description: description.into() }])
    }

    /// NOT_FOUND for a resource name. Also the answer for another tenant's resource.
    pub fn not_found(name: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::NotFound, "NOT_FOUND", format!("{name} not found"))
    }

    /// FAILED_PRECONDITION with a reason.
    pub fn failed_precondition(reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::FailedPrecondition, reason, message)
    }

    /// ABORTED because the caller's etag is stale.
    pub fn stale_etag(name: impl std::fmt::Display) -> Self {
        Self::new(
            ErrorCode::Aborted,
            "ETAG_MISMATCH",
            format!("{name} changed since it was read; read it again and retry"),
        )
    }

    /// ALREADY_EXISTS with a reason.
    pub fn already_exists(reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::AlreadyExists, reason, message)
    }

    /// UNAUTHENTICATED.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthenticated, "UNAUTHENTICATED", message)
    }

    /// PERMISSION_DENIED because the caller lacks a role.
    pub fn permission_denied(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::PermissionDenied, "MISSING_ROLE", message)
    }

    /// UNAVAILABLE: a dependency is down; the client may retry.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unavailable, "DEPENDENCY_UNAVAILABLE", message)
    }

    /// INTERNAL. The cause is logged here and never sent to the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(ErrorCode::Internal, "INTERNAL", "internal error")
    }

    /// Adds a `google.rpc.RetryInfo` hint.
    pub fn with_retry_after(mut self, delay: std::time::Duration) -> Self {
        self.retry_after = Some(delay);
        self
    }

    /// Adds an `ErrorInfo` metadata entry.
    pub fn with_metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.push((key.into(), value.into()));
        self
    }
}

// Limits on what one status carries, so that its trailers (details are sent
// base64-encoded) stay well under the 8 KB header lists clients accept.
/// The longest message, in characters, a status carries.
pub const MAX_MESSAGE_CHARS: usize = 512;
/// The longest `ErrorInfo` metadata value or field violation text, in characters.
pub const MAX_DETAIL_CHARS: usize = 128;
/// The most field violations one status carries.
pub const MAX_VIOLATIONS: usize = 10;

/// Runs `write` again, up to `retries` more times, while it fails with
/// ABORTED: it lost an optimistic-concurrency race to a concurrent write
/// (e.g. a peer's update arriving through the outbox). Only for a caller who
/// sent no etag, and so asked for the change on whatever is current; with an
/// etag, ABORTED is the answer.
pub async fn retry_aborted<T, F, Fut>(retries: u32, mut write: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let mut attempt = 0;
    loop {
        match write().await {
            Err(err) if err.code == ErrorCode::Aborted && attempt < retries => attempt += 1,
            other => return other,
        }
    }
}

/// `text` cut to at most `max` characters, marked with `…` when cut. Every
/// status passes its texts through here: errors echo client input (resource
/// names, field values), and unbounded echoes made trailers clients could not
/// read (a 10,000-character name gave 23 KB).
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((cut, _)) if text.chars().count() > max => format!("{}…", &text[..cut]),
        _ => text.to_owned(),
    }
}

impl From<ApiError> for Status {
    fn from(err: ApiError) -> Self {
        let metadata: HashMap<String, String> = err
            .metadata
            .into_iter()
            .map(|(k, v)| (truncate(&k, MAX_DETAIL_CHARS), truncate(&v, MAX_DETAIL_CHARS)))
            .collect();
        let mut details = ErrorDetails::with_error_info(err.reason, ERROR_DOMAIN, metadata);
        if !err.violations.is_empty() {
            details.set_bad_request(
                err.violations
                    .into_iter()
                    .take(MAX_VIOLATIONS)
                    .map(|v| {
                        FieldViolation::new(
                            truncate(&v.field, MAX_DETAIL_CHARS),
                            truncate(&v.description, MAX_DETAIL_CHARS),
                        )
                    })
                    .collect::<Vec<_>>(),
            );
        }
        if let Some(retry) = err.retry_after {
            details.set_retry_info(Some(retry));
        }
        Status::with_error_details(err.code.grpc_code(), truncate(&err.message, MAX_MESSAGE_CHARS), details)
    }
}

/// How long a client should wait before retrying a call that met an
/// unavailable database (sent as `google.rpc.RetryInfo`).
pub const DATABASE_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// True for database errors that mean "the server is gone or restarting":
/// no pooled connection, a connection that broke (I/O, TLS, protocol, EOF
/// such as "expected to read 5 bytes, got 0"), and SQLSTATE classes 08
/// (connection exception), 53 (insufficient resources, e.g. too many
/// connections) and 57 (operator intervention: shutdown, admin termination,
/// cancellation). The one classification in Redress.
pub fn is_db_unavailable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, sqlx::Error as Sqlx};
    let runtime = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
        _ => return false,
    };
    let RuntimeErr::SqlxError(sqlx) = runtime else { return false };
    match sqlx.as_ref() {
        Sqlx::Io(_)
        | Sqlx::Tls(_)
        | Sqlx::Protocol(_)
        | Sqlx::PoolTimedOut
        | Sqlx::PoolClosed
        | Sqlx::WorkerCrashed => true,
        Sqlx::Database(db) => db.code().is_some_and(|code| unavailable_code(&code)),
        _ => false,
    }
}

/// PostgreSQL SQLSTATEs (always five characters) of classes 08, 53 and 57;
/// SQLite's extended result codes (shorter numbers) whose primary code is
/// SQLITE_BUSY (5) or SQLITE_LOCKED (6): the file stayed locked past the busy
/// timeout, which a retry can outlast.
fn unavailable_code(code: &str) -> bool {
    if code.len() == 5 {
        return ["08", "53", "57"].iter().any(|class| code.starts_with(class));
    }
    code.parse::<u32>().is_ok_and(|extended| matches!(extended & 0xff, 5 | 6))
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        if is_db_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            ApiError::unavailable("the database is unavailable; retry later").with_retry_after(DATABASE_RETRY_AFTER)
        } else {
            ApiError::internal(err)
        }
    }
}

impl From<sea_orm::TransactionError<ApiError>> for ApiError {
    fn from(err: sea_orm::TransactionError<ApiError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(api) => api,
        }
    }
}

/// The one text rule of Redress, applied to every string field of every
/// request (by the server's gate, by field) and by [`Violations::text`]:
///
/// - no control characters (C0, DEL, C1; NUL especially, which PostgreSQL
///   refuses and SQLite stores), except line feed, tab and CR-LF in
///   multi-line fields (bodies, descriptions, comments, notes);
/// - text made only of invisible characters (whitespace, zero-width
///   characters, bidi controls, the BOM) counts as empty;
/// - bidi controls never reach an e-mail header ([`text::header_safe`]).
pub mod text {
    /// True for characters that show nothing: whitespace, zero-width and
    /// joiner characters, bidi controls, the BOM, fillers.
    pub fn is_invisible(c: char) -> bool {
        c.is_whitespace()
            || is_bidi_control(c)
            || matches!(
                c,
                '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{180E}' | '\u{200B}'..='\u{200D}'
                    | '\u{2060}'..='\u{2064}' | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}'
            )
    }

    /// True for the bidi marks, embeddings, overrides and isolates.
    pub fn is_bidi_control(c: char) -> bool {
        matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    }

    /// True when `value` is empty or shows nothing.
    pub fn is_blank(value: &str) -> bool {
        value.chars().all(is_invisible)
    }

    /// What breaks the rule in `value`, if anything.
    pub fn problem(value: &str, multiline: bool) -> Option<&'static str> {
        let mut chars = value.chars().peekable();
        while let Some(c) = chars.next() {
            if !c.is_control() {
                continue;
            }
            let allowed = multiline && (c == '\n' || c == '\t' || (c == '\r' && chars.peek() == Some(&'\n')));
            if !allowed {
                return Some(match (c, multiline) {
                    ('\0', _) => "must not contain nul characters",
                    (_, true) => "must not contain control characters other than line breaks and tabs",
                    (_, false) => "must not contain control characters (line breaks included)",
                });
            }
        }
        None
    }

    /// `value` fit for a one-line mail header: control characters become
    /// spaces, bidi controls are removed (they can make a subject read
    /// backwards), whitespace runs collapse.
    pub fn header_safe(value: &str) -> String {
        let cleaned: String =
            value.chars().filter(|c| !is_bidi_control(*c)).map(|c| if c.is_control() { ' ' } else { c }).collect();
        cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// `google.protobuf.Timestamp`'s range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
const MIN_TIMESTAMP_SECONDS: i64 = -62_135_596_800;
const MAX_TIMESTAMP_SECONDS: i64 = 253_402_300_799;

/// A time as a protobuf timestamp.
pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: at.timestamp(), nanos: at.timestamp_subsec_nanos() as i32 }
}

/// A protobuf timestamp as a time at microsecond precision (what both
/// databases store, so a filter compares as the stored value does); `None`
/// outside `google.protobuf.Timestamp`'s range or with bad nanos. The one
/// conversion of client times in Redress.
pub fn from_timestamp(ts: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
    if !(0..1_000_000_000).contains(&ts.nanos) || !(MIN_TIMESTAMP_SECONDS..=MAX_TIMESTAMP_SECONDS).contains(&ts.seconds)
    {
        return None;
    }
    Utc.timestamp_opt(ts.seconds, ts.nanos as u32).single().map(|t| t.trunc_subsecs(6))
}

/// Collects field violations while a request is validated, then fails with
/// all of them at once (clients fix every field in one round trip).
#[derive(Debug, Default)]
pub struct Violations(Vec<Violation>);

/// The id in a resource name `{collection}/{id}` (AIP-122), by the one rule
/// every service applies: 1–64 ASCII letters, digits or `-` (ids are UUIDv7s
/// or client-chosen slugs). Anything else is INVALID_ARGUMENT on `field`,
/// e.g. "must be cases/{case_id}".
pub fn resource_id(name: &str, collection: &str, field: &str) -> Result<String, ApiError> {
    let id = name.strip_prefix(collection).and_then(|rest| rest.strip_prefix('/'));
    match id {
        Some(id) if (1..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            Ok(id.to_owned())
        }
        _ => {
            let singular = collection.strip_suffix('s').unwrap_or(collection);
            Err(ApiError::invalid_field(field, format!("must be {collection}/{{{singular}_id}}")))
        }
    }
}

/// True for the shape of a BCP 47 language tag, the one rule every service
/// applies: a primary language of 2–3 letters, then subtags of 1–8 letters
/// or digits separated by `-`, at most 35 characters (`pl`, `en-GB`,
/// `sr-Latn-RS`).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    tag.len() <= 35
        && parts.next().is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()))
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

impl Violations {
    /// No violations yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a violation of `field`.
    pub fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push(Violation { field: field.into(), description: description.into() });
    }

    /// Records a violation when `bad` holds.
    pub fn check(&mut self, bad: bool, field: &str, description: &str) {
        if bad {
            self.add(field, description);
        }
    }

    /// Checks a (multi-line) text field by the [`text`] rule, for presence
    /// (invisible-only text is empty) and a maximum length in characters.
    pub fn text(&mut self, value: &str, field: &str, required: bool, max_chars: usize) {
        self.checked_text(value, field, required, max_chars, true);
    }

    /// Like [`Violations::text`] for a one-line field: no line breaks or tabs.
    pub fn line(&mut self, value: &str, field: &str, required: bool, max_chars: usize) {
        self.checked_text(value, field, required, max_chars, false);
    }

    fn checked_text(&mut self, value: &str, field: &str, required: bool, max_chars: usize, multiline: bool) {
        if let Some(problem) = text::problem(value, multiline) {
            self.add(field, problem);
        } else if text::is_blank(value) {
            if required {
                self.add(field, "must not be empty");
            }
        } else if value.chars().count() > max_chars {
            self.add(field, format!("must be at most {max_chars} characters"));
        }
    }

    /// A language: a BCP 47 tag's shape ([`is_language_tag`]), e.g. `pl` or
    /// `en-GB`; empty is a violation only when `required`.
    pub fn language_tag(&mut self, value: &str, field: &str, required: bool) {
        if value.is_empty() {
            self.check(required, field, "must not be empty");
        } else if !is_language_tag(value) {
            self.add(field, "must be a BCP 47 language tag, e.g. pl or en-GB");
        }
    }

    /// A client-given timestamp: `None` when absent; when present but
    /// outside what `google.protobuf.Timestamp` allows (years 0001 to 9999,
    /// nanos 0 to 999,999,999) a violation of `field`, never a silently
    /// dropped filter.
    pub fn timestamp(&mut self, ts: Option<&prost_types::Timestamp>, field: &str) -> Option<DateTime<Utc>> {
        let ts = ts?;
        let at = from_timestamp(ts);
        if at.is_none() {
            self.add(field, "must be a valid timestamp (years 0001 to 9999, nanos 0 to 999999999)");
        }
        at
    }

    /// A client-given enum value: `None` and a violation of `field` when the
    /// number is not a value of `E` (0, unspecified, is a value).
    pub fn enum_value<E: TryFrom<i32>>(&mut self, value: i32, field: &str) -> Option<E> {
        let known = E::try_from(value).ok();
        if known.is_none() {
            self.add(field, format!("{value} is not a known value"));
        }
        known
    }

    /// A client-given enum filter: `None` for 0 (unspecified: no filter),
    /// the value when it is known, and a violation of `field` when not.
    pub fn enum_filter<E: TryFrom<i32>>(&mut self, value: i32, field: &str) -> Option<E> {
        if value == 0 {
            return None;
        }
        self.enum_value(value, field)
    }

    /// A repeated enum filter: the known values; each unknown one is a
    /// violation of `field[i]`.
    pub fn enum_values<E: TryFrom<i32>>(&mut self, values: &[i32], field: &str) -> Vec<E> {
        values.iter().enumerate().filter_map(|(i, v)| self.enum_value(*v, &format!("{field}[{i}]"))).collect()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was recorded, else INVALID_ARGUMENT with all violations.
    pub fn into_result(self) -> Result<(), ApiError> {
        if self.0.is_empty() { Ok(()) } else { Err(ApiError::invalid_argument(self.0)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names_have_one_rule_everywhere() {
        assert_eq!(resource_id("cases/0190-ab", "cases", "name").unwrap(), "0190-ab");
        for bad in ["cases/", "cases", "complaints/1", "cases/a/b", "cases/../x", "cases/a b", "casesx/1"] {
            let err = resource_id(bad, "cases", "name").unwrap_err();
            assert!(format!("{err:?}").contains("must be cases/{case_id}"), "{bad}: {err:?}");
        }
        assert!(resource_id(&format!("cases/{}", "a".repeat(65)), "cases", "name").is_err());
    }

    #[test]
    fn language_tags_have_one_shape_everywhere() {
        for good in ["pl", "en-GB", "sr-Latn-RS", "es-419", "fil"] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in ["", "e", "english", "en_GB", "en-", "-GB", "pl-toolongsubtag", "en GB", "1a"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
        let mut v = Violations::new();
        v.language_tag("", "optional", false);
        v.language_tag("", "required", true);
        v.language_tag("en_GB", "bad", false);
        assert!(v.into_result().is_err());
    }

    #[test]
    fn invalid_argument_carries_every_field_violation_and_error_info() {
        let mut v = Violations::new();
        v.text("", "subject", true, 10);
        v.text("far too long text", "description", true, 5);
        let status: Status = v.into_result().unwrap_err().into();
        assert_eq!(status.code(), Code::InvalidArgument);
        let bad = status.get_details_bad_request().unwrap();
        let fields: Vec<_> = bad.field_violations.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["subject", "description"]);
        assert_eq!(status.get_details_error_info().unwrap().reason, "INVALID_ARGUMENT");
    }

    #[test]
    fn echoed_input_is_truncated_so_trailers_stay_small() {
        let name = format!("complaints/{}", "x".repeat(10_000));
        let mut v = Violations::new();
        for i in 0..100 {
            v.add(format!("{name}.{i}"), format!("bad {name}"));
        }
        for err in [
            ApiError::not_found(&name),
            ApiError::stale_etag(&name).with_metadata("name", name.clone()),
            v.into_result().unwrap_err(),
        ] {
            let status: Status = err.into();
            assert!(status.message().chars().count() <= MAX_MESSAGE_CHARS + 1, "{}", status.message().len());
            assert!(status.details().len() < 4096, "details are {} bytes", status.details().len());
        }
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
        assert_eq!(truncate("żółw", 2), "ż…");
    }

    #[test]
    fn timestamps_out_of_range_or_with_bad_nanos_are_violations_naming_the_field() {
        use prost_types::Timestamp;
        let mut v = Violations::new();
        let ok = Timestamp { seconds: 1_700_000_000, nanos: 123_456_789 };
        assert_eq!(v.timestamp(Some(&ok), "a").unwrap().timestamp_subsec_nanos(), 123_456_000);
        assert_eq!(v.timestamp(None, "absent"), None);
        assert!(v.is_empty());
        assert_eq!(v.timestamp(Some(&Timestamp { seconds: 1 << 62, nanos: 0 }), "create_time_start"), None);
        assert_eq!(v.timestamp(Some(&Timestamp { seconds: 0, nanos: -1 }), "create_time_end"), None);
        assert_eq!(v.timestamp(Some(&Timestamp { seconds: MAX_TIMESTAMP_SECONDS + 1, nanos: 0 }), "c"), None);
        assert!(v.timestamp(Some(&Timestamp { seconds: MIN_TIMESTAMP_SECONDS, nanos: 0 }), "d").is_some());
        let status: Status = v.into_result().unwrap_err().into();
        let bad = status.get_details_bad_request().unwrap();
        let fields: Vec<_> = bad.field_violations.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["create_time_start", "create_time_end", "c"]);
    }

    #[test]
    fn unknown_enum_values_are_violations() {
        #[derive(Debug, PartialEq)]
        enum State {
            Unspecified,
            Open,
        }
        impl TryFrom<i32> for State {
            type Error = ();
            fn try_from(v: i32) -> Result<Self, ()> {
                match v {
                    0 => Ok(State::Unspecified),
                    1 => Ok(State::Open),
                    _ => Err(()),
                }
            }
        }
        let mut v = Violations::new();
        assert_eq!(v.enum_value::<State>(99, "state"), None);
        assert_eq!(v.enum_value::<State>(0, "state"), Some(State::Unspecified));
        assert_eq!(v.enum_values::<State>(&[1, 99, -1], "states"), vec![State::Open]);
        let fields: Vec<_> = v.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["state", "states[1]", "states[2]"]);
    }

    #[test]
    fn the_text_rule_refuses_control_characters_and_treats_invisible_text_as_empty() {
        let mut v = Violations::new();
        v.text("a\0b", "nul", true, 100);
        v.text("line\nnext\ttab\r\nwindows", "body", true, 100);
        v.line("line\nnext", "subject", true, 100);
        v.text("bell\u{7}", "bell", true, 100);
        v.text("c1\u{85}", "c1", true, 100);
        v.text("\u{200B}\u{202E}\u{FEFF} \u{2066}", "invisible", true, 100);
        v.text("\u{200B}", "optional", false, 100);
        v.text("żółw \u{202E}ok", "visible", true, 100);
        let fields: Vec<_> = v.0.iter().map(|f| (f.field.as_str(), f.description.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("nul", "must not contain nul characters"),
                ("subject", "must not contain control characters (line breaks included)"),
                ("bell", "must not contain control characters other than line breaks and tabs"),
                ("c1", "must not contain control characters other than line breaks and tabs"),
                ("invisible", "must not be empty"),
            ]
        );
        assert_eq!(text::header_safe("Re: \u{202E}gnp.exe\r\nBcc: x"), "Re: gnp.exe Bcc: x");
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let status: Status = ApiError::internal("secret connection string").into();
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("secret"));
    }
}
