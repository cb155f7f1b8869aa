//! What the operator subcommands that call a running service share: the
//! `--target`/`--token` options, the connection and the bearer header.

use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use tonic::{
    metadata::{Ascii, MetadataValue},
    transport::{Channel, Endpoint},
};

/// Where the resolution service listens under `redress dev`.
pub const DEFAULT_RESOLUTION_TARGET: &str = "http://127.0.0.1:50052";

/// How to reach the resolution service.
#[derive(Debug, Clone, Args)]
pub struct ResolutionTarget {
    /// The resolution service's gRPC endpoint (plaintext).
    #[arg(long, default_value = DEFAULT_RESOLUTION_TARGET)]
    pub target: String,
    /// A bearer token for the tenant (see `redress token`).
    #[arg(long, env = "REDRESS_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Deadline of each call, in seconds.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub timeout_secs: u64,
}

/// A connected channel and the `authorization` header every call carries.
pub struct Connection {
    /// The HTTP/2 channel.
    pub channel: Channel,
    auth: MetadataValue<Ascii>,
}

impl Connection {
    /// Checks the token and connects to the target.
    pub async fn open(target: &ResolutionTarget) -> anyhow::Result<Connection> {
        let token = target.token.trim();
        if token.is_empty() {
            bail!("--token (or REDRESS_TOKEN) is empty; mint one with `redress token`");
        }
        let auth: MetadataValue<Ascii> =
            format!("Bearer {token}").parse().context("--token contains characters that cannot go in a header")?;
        let url = normalise_target(&target.target)?;
        let channel = Endpoint::from_shared(url.clone())
            .with_context(|| format!("--target {url} is not a valid URL"))?
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(target.timeout_secs))
            .connect()
            .await
            .with_context(|| format!("cannot connect to {url}"))?;
        Ok(Connection { channel, auth })
    }

    /// Wraps `message` in a request that carries the bearer token.
    pub fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request.metadata_mut().insert("authorization", self.auth.clone());
        request
    }
}

/// Accepts `host:port` as well as `http://host:port`.
pub fn normalise_target(target: &str) -> anyhow::Result<String> {
    let target = target.trim().trim_end_matches('/');
    if target.is_empty() {
        bail!("--target must not be empty");
    }
    if target.starts_with("https://") {
        bail!("--target: TLS is not supported; use a plaintext http:// endpoint");
    }
    if target.starts_with("http://") {
        Ok(target.to_owned())
    } else if target.contains("://") {
        bail!("--target must be an http:// URL, got {target}");
    } else {
        Ok(format!("http://{target}"))
    }
}

/// A failed call as one line: what was called, the gRPC code and the
/// server's message, with a hint for the codes an operator can act on.
pub fn call_failed(what: &str, status: &tonic::Status) -> anyhow::Error {
    let hint = match status.code() {
        tonic::Code::Unauthenticated => " (is the token valid and signed with the service's secret?)",
        tonic::Code::PermissionDenied => " (the token's roles do not allow this call)",
        tonic::Code::Unavailable => " (is the service running at --target?)",
        _ => "",
    };
    anyhow::anyhow!("{what} failed: {:?}: {}{hint}", status.code(), status.message())
}

/// A timestamp as RFC 3339 in UTC with microseconds, e.g.
/// `2026-10-01T09:30:00.000000Z`; empty when absent or out of range.
pub fn format_time(time: Option<&prost_types::Timestamp>) -> String {
    let Some(time) = time else { return String::new() };
    let nanos = u32::try_from(time.nanos).unwrap_or(0);
    chrono::DateTime::from_timestamp(time.seconds, nanos)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn targets_get_a_scheme_and_tls_is_refused() {
        assert_eq!(normalise_target("127.0.0.1:50052").unwrap(), "http://127.0.0.1:50052");
        assert_eq!(normalise_target(" http://h:1/ ").unwrap(), "http://h:1");
        assert!(normalise_target("https://h:1").is_err());
        assert!(normalise_target("grpc://h:1").is_err());
        assert!(normalise_target("").is_err());
    }

    #[test]
    fn times_are_rfc3339_utc_with_microseconds() {
        let t = prost_types::Timestamp { seconds: 1_790_000_000, nanos: 123_456_789 };
        assert_eq!(format_time(Some(&t)), "2026-09-21T14:13:20.123456Z");
        assert_eq!(format_time(None), "");
        assert_eq!(format_time(Some(&prost_types::Timestamp { seconds: i64::MAX, nanos: 0 })), "");
    }

    #[test]
    fn failed_calls_name_the_code_and_a_hint() {
        let err = call_failed("VerifyCaseHistory", &tonic::Status::permission_denied("needs supervisor"));
        assert_eq!(
            err.to_string(),
            "VerifyCaseHistory failed: PermissionDenied: needs supervisor (the token's roles do not allow this call)"
        );
    }
}
