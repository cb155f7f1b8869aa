//! What the operator subcommands share: where the services are, the token,
//! the SDK client built from them, output as a table or JSON, and exit codes
//! by error class.

use std::{path::PathBuf, process::ExitCode, time::Duration};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use redress_sdk::{Client, Service};
use serde_json::{Map, Value};

/// Where the services listen under `redress dev`.
pub const DEFAULT_INTAKE: &str = "http://127.0.0.1:50051";
/// Where resolution listens under `redress dev`.
pub const DEFAULT_RESOLUTION: &str = "http://127.0.0.1:50052";
/// Where notification listens under `redress dev`.
pub const DEFAULT_NOTIFICATION: &str = "http://127.0.0.1:50053";
/// Where feedback listens under `redress dev`.
pub const DEFAULT_FEEDBACK: &str = "http://127.0.0.1:50054";

/// Exit codes by error class; `--help` and docs/sdk.md list them.
pub mod exit {
    /// The command did what was asked.
    pub const OK: u8 = 0;
    /// The answer is negative: `cases verify` found the history broken.
    pub const NEGATIVE: u8 = 1;
    /// Bad arguments or a local problem (also clap's code for usage errors).
    pub const USAGE: u8 = 2;
    /// The server rejected the request as invalid (INVALID_ARGUMENT).
    pub const INVALID: u8 = 3;
    /// The resource does not exist for this tenant (NOT_FOUND).
    pub const NOT_FOUND: u8 = 4;
    /// The resource's state forbids it: FAILED_PRECONDITION, ABORTED (stale
    /// etag), ALREADY_EXISTS.
    pub const CONFLICT: u8 = 5;
    /// The token is missing, invalid, or its roles do not allow the call.
    pub const AUTH: u8 = 6;
    /// The service is unreachable, overloaded or too slow; try again later.
    pub const UNAVAILABLE: u8 = 7;
    /// Any other server error.
    pub const SERVER: u8 = 8;
}

/// The exit code table for `--help`.
pub const EXIT_CODES_HELP: &str = "Exit codes: 0 ok; 1 negative answer (cases verify: history broken); 2 bad \
                                   arguments or local error; 3 invalid request (INVALID_ARGUMENT); 4 not found; 5 \
                                   conflict (FAILED_PRECONDITION, ABORTED, ALREADY_EXISTS); 6 not authenticated or \
                                   not allowed; 7 unavailable or timed out (retry later); 8 other server error.";

/// The exit code for a failed command.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    use redress_sdk::Error as E;
    match err.downcast_ref::<redress_sdk::Error>() {
        None => exit::USAGE,
        Some(E::Config(_) | E::Io { .. }) => exit::USAGE,
        Some(E::InvalidArgument { .. }) => exit::INVALID,
        Some(E::NotFound { .. }) => exit::NOT_FOUND,
        Some(E::FailedPrecondition { .. } | E::Aborted { .. } | E::AlreadyExists { .. }) => exit::CONFLICT,
        Some(E::Unauthenticated { .. } | E::PermissionDenied { .. } | E::Token(_)) => exit::AUTH,
        Some(E::Unavailable { .. } | E::DeadlineExceeded { .. } | E::ResourceExhausted { .. }) => exit::UNAVAILABLE,
        Some(_) => exit::SERVER,
    }
}

/// Prints a failed command and returns its exit code.
pub fn report_failure(err: &anyhow::Error) -> ExitCode {
    let hint = match err.downcast_ref::<redress_sdk::Error>() {
        Some(redress_sdk::Error::Unauthenticated { .. }) => {
            " (is the token valid and signed with the service's secret?)"
        }
        Some(redress_sdk::Error::PermissionDenied { .. }) => " (the token's roles do not allow this call)",
        Some(redress_sdk::Error::Unavailable { .. }) => " (is the service running at the given endpoint?)",
        _ => "",
    };
    eprintln!("redress: {err:#}{hint}");
    ExitCode::from(exit_code(err))
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Output {
    /// Aligned columns for people.
    #[default]
    Table,
    /// JSON for scripts: an object per resource, an array for lists.
    Json,
}

/// Where the services are and who is calling. Every option is global, so
/// it may come before or after the subcommand.
#[derive(Debug, Clone, Args)]
pub struct Remote {
    /// One endpoint for every service (e.g. a gateway); overrides the
    /// per-service defaults.
    #[arg(long, global = true, env = "REDRESS_ENDPOINT")]
    pub endpoint: Option<String>,
    /// The intake service's endpoint.
    #[arg(long, global = true, default_value = DEFAULT_INTAKE)]
    pub intake: String,
    /// The resolution service's endpoint (`--target` is an alias).
    #[arg(long, global = true, alias = "target", default_value = DEFAULT_RESOLUTION)]
    pub resolution: String,
    /// The notification service's endpoint.
    #[arg(long, global = true, default_value = DEFAULT_NOTIFICATION)]
    pub notification: String,
    /// The feedback service's endpoint.
    #[arg(long, global = true, default_value = DEFAULT_FEEDBACK)]
    pub feedback: String,
    /// A bearer token for the tenant (see `redress token`).
    #[arg(long, global = true, env = "REDRESS_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// A PEM CA certificate to trust for https:// endpoints (default: the
    /// system's roots).
    #[arg(long, global = true)]
    pub ca_file: Option<PathBuf>,
    /// Deadline of each call, retries included, in seconds.
    #[arg(long, global = true, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub timeout_secs: u64,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Output::Table)]
    pub output: Output,
}

impl Remote {
    /// Defaults with `token`, for tests.
    #[cfg(test)]
    pub fn with_token(token: &str) -> Remote {
        Remote {
            endpoint: None,
            intake: DEFAULT_INTAKE.into(),
            resolution: DEFAULT_RESOLUTION.into(),
            notification: DEFAULT_NOTIFICATION.into(),
            feedback: DEFAULT_FEEDBACK.into(),
            token: Some(token.into()),
            ca_file: None,
            timeout_secs: 10,
            output: Output::Table,
        }
    }

    /// The SDK client for these settings.
    pub fn client(&self) -> anyhow::Result<Client> {
        let token = self.token.as_deref().map(str::trim).unwrap_or_default();
        if token.is_empty() {
            bail!("--token (or REDRESS_TOKEN) is missing; mint one with `redress token`");
        }
        let mut builder = Client::builder().token(token).timeout(Duration::from_secs(self.timeout_secs));
        match &self.endpoint {
            Some(all) => builder = builder.endpoint(all.trim()),
            None => {
                for (service, url) in [
                    (Service::Intake, &self.intake),
                    (Service::Resolution, &self.resolution),
                    (Service::Notification, &self.notification),
                    (Service::Feedback, &self.feedback),
                ] {
                    builder = builder.service_endpoints(service, [url.trim()]);
                }
            }
        }
        if let Some(path) = &self.ca_file {
            let pem = std::fs::read(path).with_context(|| format!("cannot read --ca-file {}", path.display()))?;
            builder = builder.tls_ca_pem(pem);
        }
        builder.build().context("cannot set up the client")
    }
}

/// One resource as named fields, printed as a table row or a JSON object.
pub type Record = Vec<(&'static str, Value)>;

/// Renders records: a table with a header row, or a JSON array.
pub fn render_list(output: Output, records: &[Record]) -> String {
    match output {
        Output::Json => {
            let list: Vec<Value> = records.iter().map(to_object).collect();
            format!("{}\n", serde_json::to_string_pretty(&list).unwrap_or_default())
        }
        Output::Table => {
            let Some(first) = records.first() else { return "(none)\n".into() };
            let header: Vec<String> = first.iter().map(|(k, _)| k.to_uppercase()).collect();
            let rows: Vec<Vec<String>> = records.iter().map(|r| r.iter().map(|(_, v)| cell(v)).collect()).collect();
            let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
            for row in &rows {
                for (w, c) in widths.iter_mut().zip(row) {
                    *w = (*w).max(c.chars().count());
                }
            }
            let mut out = String::new();
            for row in std::iter::once(&header).chain(&rows) {
                let line: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
                out.push_str(line.join("  ").trim_end());
                out.push('\n');
            }
            out
        }
    }
}

/// Renders one record: `key  value` lines, or a JSON object.
pub fn render_one(output: Output, record: &Record) -> String {
    match output {
        Output::Json => format!("{}\n", serde_json::to_string_pretty(&to_object(record)).unwrap_or_default()),
        Output::Table => {
            let width = record.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            record.iter().map(|(k, v)| format!("{k:<width$}  {}\n", cell(v))).collect()
        }
    }
}

pub fn to_object(record: &Record) -> Value {
    Value::Object(record.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect::<Map<_, _>>())
}

/// A value as a table cell: strings unquoted, control characters replaced
/// so server text cannot break the layout.
fn cell(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    printable(&text)
}

/// Server text with control characters replaced.
pub fn printable(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
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

/// A timestamp at 00:00 UTC of `date`.
pub fn midnight_utc(date: chrono::NaiveDate) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp(), nanos: 0 }
}

/// A proto enum from its name without the type prefix, any case, `-` for
/// `_`: `partially-upheld` is `OUTCOME_PARTIALLY_UPHELD`.
pub fn parse_enum<T>(text: &str, prefix: &str, from_name: fn(&str) -> Option<T>) -> anyhow::Result<T> {
    let upper = text.trim().to_uppercase().replace('-', "_");
    // The short name (`bonus`) or the proto's full one (`COMPLAINT_CATEGORY_BONUS`).
    let name = if upper.starts_with(prefix) { upper } else { format!("{prefix}{upper}") };
    from_name(&name).ok_or_else(|| {
        anyhow::anyhow!("unknown value {text:?}: expected a {prefix}* name from the proto without its prefix")
    })
}

/// An amount like `25` or `25.50` in `currency`, as minor units (cents).
pub fn parse_money(amount: &str, currency: &str) -> anyhow::Result<redress_sdk::proto::common::v1::Money> {
    let amount = amount.trim();
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    if whole.is_empty() || fraction.len() > 2 || !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit()) {
        bail!("--amount must be a positive decimal with at most two decimals, e.g. 25.50; got {amount:?}");
    }
    let whole: i64 = whole.parse().context("--amount is too large")?;
    let fraction: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    let minor = whole.checked_mul(100).and_then(|w| w.checked_add(fraction)).context("--amount is too large")?;
    let currency = currency.trim().to_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        bail!("--currency must be an ISO 4217 code such as GBP; got {currency:?}");
    }
    Ok(redress_sdk::proto::common::v1::Money { amount_minor: minor, currency_code: currency })
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|e| format!("expected a date as YYYY-MM-DD, e.g. 2026-10-01 ({e})"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn times_are_rfc3339_utc_with_microseconds() {
        let t = prost_types::Timestamp { seconds: 1_790_000_000, nanos: 123_456_789 };
        assert_eq!(format_time(Some(&t)), "2026-09-21T14:13:20.123456Z");
        assert_eq!(format_time(None), "");
        assert_eq!(format_time(Some(&prost_types::Timestamp { seconds: i64::MAX, nanos: 0 })), "");
    }

    #[test]
    fn errors_map_to_exit_codes_by_class() {
        let sdk = |status: tonic::Status| anyhow::Error::from(redress_sdk::Error::from(status));
        assert_eq!(exit_code(&sdk(tonic::Status::invalid_argument("x"))), exit::INVALID);
        assert_eq!(exit_code(&sdk(tonic::Status::not_found("x")).context("get")), exit::NOT_FOUND);
        assert_eq!(exit_code(&sdk(tonic::Status::failed_precondition("x"))), exit::CONFLICT);
        assert_eq!(exit_code(&sdk(tonic::Status::aborted("x"))), exit::CONFLICT);
        assert_eq!(exit_code(&sdk(tonic::Status::permission_denied("x"))), exit::AUTH);
        assert_eq!(exit_code(&sdk(tonic::Status::unavailable("x"))), exit::UNAVAILABLE);
        assert_eq!(exit_code(&sdk(tonic::Status::internal("x"))), exit::SERVER);
        assert_eq!(exit_code(&anyhow::anyhow!("bad date")), exit::USAGE);
    }

    #[test]
    fn records_render_as_tables_and_json() {
        let records = vec![
            vec![("name", json!("cases/1")), ("count", json!(3))],
            vec![("name", json!("cases/22\n")), ("count", json!(10))],
        ];
        assert_eq!(render_list(Output::Table, &records), "NAME       COUNT\ncases/1    3\ncases/22?  10\n");
        let json: Value = serde_json::from_str(&render_list(Output::Json, &records)).unwrap();
        assert_eq!(json[1]["count"], 10);
        assert_eq!(render_list(Output::Table, &[]), "(none)\n");
        assert_eq!(render_one(Output::Table, &records[0]), "name   cases/1\ncount  3\n");
    }

    #[test]
    fn enums_and_money_parse_from_operator_text() {
        use redress_sdk::proto::common::v1::Outcome;
        assert_eq!(
            parse_enum("partially-upheld", "OUTCOME_", Outcome::from_str_name).unwrap(),
            Outcome::PartiallyUpheld
        );
        assert!(parse_enum("maybe", "OUTCOME_", Outcome::from_str_name).is_err());
        assert_eq!(parse_money("25.5", "gbp").unwrap().amount_minor, 2550);
        assert_eq!(parse_money("7", "EUR").unwrap().amount_minor, 700);
        for bad in ["", "-1", "1.234", "1,00", "x"] {
            assert!(parse_money(bad, "GBP").is_err(), "{bad:?}");
        }
        assert!(parse_money("1", "POUNDS").is_err());
    }

    #[test]
    fn the_client_needs_a_token() {
        let mut remote = Remote::with_token(" ");
        assert!(remote.client().unwrap_err().to_string().contains("--token"));
        remote.token = None;
        assert!(remote.client().is_err());
    }
}
