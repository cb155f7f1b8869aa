//! The error every call returns: the gRPC status decoded into what a caller
//! acts on, with the raw status kept.

use std::{collections::HashMap, fmt, time::Duration};

use tonic::Code;
use tonic_types::StatusExt;

/// A result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One bad field of a request, from the `google.rpc.BadRequest` the server
/// sent with INVALID_ARGUMENT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// The field's path in the request, e.g. `player.jurisdiction`.
    pub field: String,
    /// What is wrong with it, in English.
    pub description: String,
    /// A stable UPPER_SNAKE code for the problem, when the server gave one.
    pub reason: String,
}

/// A failed call, by what the caller can do about it.
///
/// Every variant that comes from the server keeps the raw [`tonic::Status`]
/// (see [`Error::status`]); `reason` is the `google.rpc.ErrorInfo` reason,
/// a stable UPPER_SNAKE code documented in the proto (empty when the server
/// sent none).
///
/// ```
/// # use redress_sdk::Error;
/// fn explain(err: &Error) -> String {
///     match err {
///         Error::InvalidArgument { violations, .. } => violations
///             .iter()
///             .map(|v| format!("{}: {}", v.field, v.description))
///             .collect::<Vec<_>>()
///             .join("; "),
///         Error::NotFound { .. } => "no such complaint".into(),
///         Error::FailedPrecondition { reason, .. } => format!("not now: {reason}"),
///         other => other.to_string(),
///     }
/// }
/// # let _ = explain;
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// INVALID_ARGUMENT: the request is malformed; `violations` names every
    /// bad field at once. Fix the request; retrying does not help.
    InvalidArgument {
        /// The bad fields.
        violations: Vec<FieldViolation>,
        /// The ErrorInfo reason, e.g. `VALIDATION_FAILED` or `ADR_BODY_REQUIRED`.
        reason: String,
        /// The raw status.
        status: Box<tonic::Status>,
    },
    /// NOT_FOUND: the resource does not exist for the caller's tenant
    /// (another tenant's resource answers the same).
    NotFound {
        /// The ErrorInfo reason, e.g. `SURVEY_NOT_FOUND`.
        reason: String,
        /// The raw status.
        status: Box<tonic::Status>,
    },
    /// ALREADY_EXISTS: e.g. `IDEMPOTENCY_KEY_REUSED`, a `request_id` reused
    /// with a different payload; nothing changed.
    AlreadyExists {
        /// The ErrorInfo reason.
        reason: String,
        /// The raw status.
        status: Box<tonic::Status>,
    },
    /// FAILED_PRECONDITION: the resource is not in a state that allows the
    /// call, e.g. `ILLEGAL_STATE_TRANSITION` with `metadata["state"]`.
    FailedPrecondition {
        /// The ErrorInfo reason.
        reason: String,
        /// The ErrorInfo metadata.
        metadata: HashMap<String, String>,
        /// The raw status.
        status: Box<tonic::Status>,
    },
    /// ABORTED: the `etag` given was stale (`ETAG_MISMATCH`); read the
    /// resource again and retry.
    Aborted {
        /// The ErrorInfo reason.
        reason: String,
        /// The raw status.
        status: Box<tonic::Status>,
    },
    /// UNAUTHENTICATED: no token, or an invalid or expired one.
    Unauthenticated {
        /// The raw status.
        status: Box<tonic::Status>,
    },
    /// PERMISSION_DENIED: the token's roles do not allow the call.
    PermissionDenied {
        /// The raw status.
        status: Box<tonic::Status>,
    },
    /// RESOURCE_EXHAUSTED: a rate limit; the SDK already retried within the
    /// call's deadline. `retry_after` is the server's RetryInfo, if any.
    ResourceExhausted {
        /// How long the server asked to wait.
        retry_after: Option<Duration>,
        /// The raw status.
        status: Box<tonic::Status>,
    },
    /// UNAVAILABLE: the service could not be reached or is not serving; the
    /// SDK already retried within the call's deadline.
    Unavailable {
        /// The raw status.
        status: Box<tonic::Status>,
    },
    /// DEADLINE_EXCEEDED: the call's deadline passed.
    DeadlineExceeded {
        /// The raw status.
        status: Box<tonic::Status>,
    },
    /// Any other status (INTERNAL, UNKNOWN, UNIMPLEMENTED, CANCELLED, ...).
    Other {
        /// The ErrorInfo reason, if any.
        reason: String,
        /// The raw status.
        status: Box<tonic::Status>,
    },
    /// The token provider failed; no call was made.
    Token(String),
    /// The client was configured wrongly (a bad endpoint URL, a bad CA
    /// certificate, ...), or a name did not parse.
    Config(String),
    /// Reading local content to upload or writing a download failed (an
    /// upload is then refused by the service, nothing stored).
    Io {
        /// What failed, with the cause.
        message: String,
        /// The cause.
        source: std::io::Error,
    },
}

impl Error {
    /// A local I/O failure, `what` saying what failed.
    pub(crate) fn io(what: &str, source: std::io::Error) -> Error {
        Error::Io { message: format!("{what}: {source}"), source }
    }

    /// Decodes a status with its `google.rpc` details.
    pub fn from_status(status: tonic::Status) -> Error {
        let details = status.get_error_details();
        let info = details.error_info();
        let reason = info.map(|i| i.reason.clone()).unwrap_or_default();
        let status = Box::new(status);
        match status.code() {
            Code::InvalidArgument => Error::InvalidArgument {
                violations: details
                    .bad_request()
                    .map(|b| {
                        b.field_violations
                            .iter()
                            .map(|v| FieldViolation {
                                field: v.field.clone(),
                                description: v.description.clone(),
                                reason: v.reason.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                reason,
                status,
            },
            Code::NotFound => Error::NotFound { reason, status },
            Code::AlreadyExists => Error::AlreadyExists { reason, status },
            Code::FailedPrecondition => Error::FailedPrecondition {
                reason,
                metadata: info.map(|i| i.metadata.clone()).unwrap_or_default(),
                status,
            },
            Code::Aborted => Error::Aborted { reason, status },
            Code::Unauthenticated => Error::Unauthenticated { status },
            Code::PermissionDenied => Error::PermissionDenied { status },
            Code::ResourceExhausted => {
                Error::ResourceExhausted { retry_after: details.retry_info().and_then(|r| r.retry_delay), status }
            }
            Code::Unavailable => Error::Unavailable { status },
            Code::DeadlineExceeded => Error::DeadlineExceeded { status },
            _ => Error::Other { reason, status },
        }
    }

    /// The raw status, when the error came from a call.
    pub fn status(&self) -> Option<&tonic::Status> {
        match self {
            Error::InvalidArgument { status, .. }
            | Error::NotFound { status, .. }
            | Error::AlreadyExists { status, .. }
            | Error::FailedPrecondition { status, .. }
            | Error::Aborted { status, .. }
            | Error::Unauthenticated { status }
            | Error::PermissionDenied { status }
            | Error::ResourceExhausted { status, .. }
            | Error::Unavailable { status }
            | Error::DeadlineExceeded { status }
            | Error::Other { status, .. } => Some(status),
            Error::Token(_) | Error::Config(_) | Error::Io { .. } => None,
        }
    }

    /// The gRPC code; `Unauthenticated` for a token provider failure and
    /// `InvalidArgument` for a configuration error.
    pub fn code(&self) -> Code {
        match self {
            Error::Token(_) => Code::Unauthenticated,
            Error::Config(_) => Code::InvalidArgument,
            Error::Io { .. } => Code::Unknown,
            other => other.status().map_or(Code::Unknown, tonic::Status::code),
        }
    }

    /// The ErrorInfo reason, empty when the server gave none.
    pub fn reason(&self) -> &str {
        match self {
            Error::InvalidArgument { reason, .. }
            | Error::NotFound { reason, .. }
            | Error::AlreadyExists { reason, .. }
            | Error::FailedPrecondition { reason, .. }
            | Error::Aborted { reason, .. }
            | Error::Other { reason, .. } => reason,
            _ => "",
        }
    }

    /// The server's message, or the local one.
    pub fn message(&self) -> &str {
        match self {
            Error::Token(m) | Error::Config(m) | Error::Io { message: m, .. } => m,
            other => other.status().map_or("", tonic::Status::message),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Token(m) => write!(f, "token provider failed: {m}"),
            Error::Config(m) => write!(f, "invalid client configuration: {m}"),
            Error::Io { message, .. } => write!(f, "{message}"),
            other => {
                write!(f, "{:?}", other.code())?;
                if !other.reason().is_empty() {
                    write!(f, " ({})", other.reason())?;
                }
                write!(f, ": {}", other.message())?;
                if let Error::InvalidArgument { violations, .. } = other {
                    for v in violations {
                        write!(f, "; {}: {}", v.field, v.description)?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<tonic::Status> for Error {
    fn from(status: tonic::Status) -> Self {
        Error::from_status(status)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use tonic_types::{ErrorDetails, StatusExt};

    use super::*;

    #[test]
    fn details_are_decoded_into_variants() {
        let mut details = ErrorDetails::with_bad_request_violation("player.jurisdiction", "required");
        details.set_error_info("VALIDATION_FAILED", "redress", HashMap::new());
        let status = tonic::Status::with_error_details(Code::InvalidArgument, "bad request", details);
        let err = Error::from(status);
        let Error::InvalidArgument { violations, reason, .. } = &err else { panic!("{err:?}") };
        assert_eq!(violations[0].field, "player.jurisdiction");
        assert_eq!(reason, "VALIDATION_FAILED");
        assert_eq!(err.to_string(), "InvalidArgument (VALIDATION_FAILED): bad request; player.jurisdiction: required");

        let details = ErrorDetails::with_error_info(
            "ILLEGAL_STATE_TRANSITION",
            "redress",
            HashMap::from([("state".to_owned(), "STATE_CLOSED".to_owned())]),
        );
        let err = Error::from(tonic::Status::with_error_details(Code::FailedPrecondition, "case is closed", details));
        let Error::FailedPrecondition { reason, metadata, status } = &err else { panic!("{err:?}") };
        assert_eq!(reason, "ILLEGAL_STATE_TRANSITION");
        assert_eq!(metadata["state"], "STATE_CLOSED");
        assert_eq!(status.message(), "case is closed");

        let details = ErrorDetails::with_retry_info(Some(Duration::from_millis(1500)));
        let err = Error::from(tonic::Status::with_error_details(Code::ResourceExhausted, "slow down", details));
        assert!(
            matches!(err, Error::ResourceExhausted { retry_after: Some(d), .. } if d == Duration::from_millis(1500))
        );

        let err = Error::from(tonic::Status::internal("boom"));
        assert_eq!(err.code(), Code::Internal);
        assert_eq!(err.reason(), "");
        assert!(matches!(Error::from(tonic::Status::not_found("x")), Error::NotFound { .. }));
    }
}
