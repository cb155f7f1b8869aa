//! `redress webhooks`: the tenant's webhook endpoints (where live-chat,
//! in-app and SMS notifications go), through the SDK's generated client:
//! create (prints the signing secret once), list, get, update, delete,
//! rotate (prints the new secret once) and test.

use anyhow::Context;
use clap::{Args, Subcommand};
use redress_sdk::{
    Client, Idempotency, Service, new_request_id,
    proto::notification::v1::{
        CreateWebhookEndpointRequest, DeleteWebhookEndpointRequest, GetWebhookEndpointRequest,
        ListWebhookEndpointsRequest, NotificationEvent, RotateWebhookEndpointSecretRequest, TestWebhookEndpointRequest,
        UpdateWebhookEndpointRequest, WebhookEndpoint, notification_service_client::NotificationServiceClient,
    },
};
use serde_json::json;

use crate::remote::{Record, Remote, exit, format_time, parse_enum, render_list, render_one};

/// Arguments of `redress webhooks`.
#[derive(Debug, Args)]
pub struct WebhooksArgs {
    #[command(subcommand)]
    command: WebhooksCommand,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, Subcommand)]
enum WebhooksCommand {
    /// Registers an endpoint and prints its signing secret (shown only now).
    Create(CreateArgs),
    /// Lists the tenant's endpoints, oldest first.
    List(ListArgs),
    /// Shows one endpoint with its delivery statistics.
    Get(NameArg),
    /// Changes an endpoint's URL, description, events or disabled flag.
    Update(UpdateArgs),
    /// Deletes an endpoint.
    Delete(EtagArgs),
    /// Generates a new signing secret and prints it (shown only now); the old
    /// one keeps signing for the overlap.
    Rotate(RotateArgs),
    /// Sends a signed test webhook now and prints what the endpoint answered.
    Test(NameArg),
}

#[derive(Debug, Args)]
struct CreateArgs {
    /// The URL: https://, or http:// to localhost or 127.0.0.1 for development.
    #[arg(long)]
    url: String,
    /// What the endpoint is for.
    #[arg(long, default_value = "")]
    description: String,
    /// Only these events, e.g. complaint-received (repeat or comma-separate);
    /// none means every event.
    #[arg(long = "event", value_delimiter = ',')]
    events: Vec<String>,
    /// Register it disabled.
    #[arg(long)]
    disabled: bool,
}

#[derive(Debug, Args)]
struct ListArgs {
    /// At most this many endpoints.
    #[arg(long, default_value_t = 100)]
    limit: usize,
}

#[derive(Debug, Args)]
struct NameArg {
    /// The endpoint, `webhookEndpoints/{id}` (a bare id works too).
    #[arg(value_name = "ENDPOINT")]
    name: String,
}

#[derive(Debug, Args)]
struct EtagArgs {
    /// The endpoint, `webhookEndpoints/{id}` (a bare id works too).
    #[arg(value_name = "ENDPOINT")]
    name: String,
    /// Fail if the endpoint changed since this etag was read.
    #[arg(long, default_value = "")]
    etag: String,
}

#[derive(Debug, Args)]
struct UpdateArgs {
    #[command(flatten)]
    target: EtagArgs,
    /// A new URL.
    #[arg(long)]
    url: Option<String>,
    /// A new description.
    #[arg(long)]
    description: Option<String>,
    /// The events to subscribe to, replacing the current ones (repeat or
    /// comma-separate); `all` for every event.
    #[arg(long = "event", value_delimiter = ',')]
    events: Vec<String>,
    /// Stop deliveries to the endpoint.
    #[arg(long, conflicts_with = "enable")]
    disable: bool,
    /// Resume deliveries to the endpoint.
    #[arg(long)]
    enable: bool,
}

#[derive(Debug, Args)]
struct RotateArgs {
    /// The endpoint, `webhookEndpoints/{id}` (a bare id works too).
    #[arg(value_name = "ENDPOINT")]
    name: String,
    /// How long the old secret keeps signing: e.g. 24h, 90m, 7d, 0 (retire
    /// it at once). Default: 24h.
    #[arg(long, value_parser = parse_overlap)]
    overlap: Option<i64>,
}

/// A duration like `24h`, `90m`, `30s`, `7d` or `0`, in seconds.
fn parse_overlap(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let n: i64 = number.parse().map_err(|_| format!("expected a duration like 24h, 90m or 0, got {text:?}"))?;
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("unknown unit {unit:?}: use s, m, h or d")),
    };
    n.checked_mul(scale).ok_or_else(|| "the overlap is too long".to_owned())
}

fn endpoint_name(arg: &str) -> String {
    let arg = arg.trim();
    if arg.starts_with("webhookEndpoints/") { arg.to_owned() } else { format!("webhookEndpoints/{arg}") }
}

fn events(names: &[String]) -> anyhow::Result<Vec<i32>> {
    names
        .iter()
        .filter(|n| !n.trim().is_empty() && n.trim() != "all")
        .map(|n| parse_enum(n, "NOTIFICATION_EVENT_", NotificationEvent::from_str_name).map(i32::from))
        .collect()
}

/// Runs a webhooks subcommand.
pub async fn run(args: WebhooksArgs) -> anyhow::Result<u8> {
    let (text, code) = execute(&args).await?;
    print!("{text}");
    Ok(code)
}

macro_rules! call {
    ($client:expr, $idempotency:expr, $method:ident, $request:expr) => {
        $client
            .call(Service::Notification, $idempotency, $request, |channel, request| async move {
                NotificationServiceClient::new(channel).$method(request).await
            })
            .await
            .context(stringify!($method))
    };
}

/// Runs a subcommand and returns what it prints and its exit code.
pub async fn execute(args: &WebhooksArgs) -> anyhow::Result<(String, u8)> {
    let output = args.remote.output;
    let client: Client = args.remote.client()?;
    let text = match &args.command {
        WebhooksCommand::Create(c) => {
            let request = CreateWebhookEndpointRequest {
                request_id: new_request_id(),
                webhook_endpoint: Some(WebhookEndpoint {
                    url: c.url.clone(),
                    description: c.description.clone(),
                    events: events(&c.events)?,
                    disabled: c.disabled,
                    ..Default::default()
                }),
            };
            let created = call!(client, Idempotency::Keyed, create_webhook_endpoint, request)?;
            let mut record = endpoint_record(&created.webhook_endpoint.unwrap_or_default());
            record.push(("secret", json!(created.secret)));
            render_one(output, &record)
        }
        WebhooksCommand::List(l) => {
            let mut all = Vec::new();
            let mut page_token = String::new();
            loop {
                let request = ListWebhookEndpointsRequest {
                    page_size: i32::try_from(l.limit.clamp(1, 1000)).unwrap_or(1000),
                    page_token,
                };
                let page = call!(client, Idempotency::Safe, list_webhook_endpoints, request)?;
                all.extend(page.webhook_endpoints);
                if page.next_page_token.is_empty() || all.len() >= l.limit {
                    break;
                }
                page_token = page.next_page_token;
            }
            all.truncate(l.limit);
            render_list(output, &all.iter().map(endpoint_record).collect::<Vec<_>>())
        }
        WebhooksCommand::Get(g) => {
            let request = GetWebhookEndpointRequest { name: endpoint_name(&g.name) };
            let got = call!(client, Idempotency::Safe, get_webhook_endpoint, request)?;
            render_one(output, &endpoint_record(&got.webhook_endpoint.unwrap_or_default()))
        }
        WebhooksCommand::Update(u) => {
            let mut paths = Vec::new();
            let mut endpoint = WebhookEndpoint { name: endpoint_name(&u.target.name), ..Default::default() };
            if let Some(url) = &u.url {
                endpoint.url = url.clone();
                paths.push("url".to_owned());
            }
            if let Some(description) = &u.description {
                endpoint.description = description.clone();
                paths.push("description".to_owned());
            }
            if !u.events.is_empty() {
                endpoint.events = events(&u.events)?;
                paths.push("events".to_owned());
            }
            if u.disable || u.enable {
                endpoint.disabled = u.disable;
                paths.push("disabled".to_owned());
            }
            if paths.is_empty() {
                anyhow::bail!("nothing to change: give --url, --description, --event, --disable or --enable");
            }
            let request = UpdateWebhookEndpointRequest {
                webhook_endpoint: Some(endpoint),
                update_mask: Some(prost_types::FieldMask { paths }),
                etag: u.target.etag.clone(),
            };
            let updated = call!(client, Idempotency::Unsafe, update_webhook_endpoint, request)?;
            render_one(output, &endpoint_record(&updated.webhook_endpoint.unwrap_or_default()))
        }
        WebhooksCommand::Delete(d) => {
            let name = endpoint_name(&d.name);
            let request = DeleteWebhookEndpointRequest { name: name.clone(), etag: d.etag.clone() };
            call!(client, Idempotency::Unsafe, delete_webhook_endpoint, request)?;
            render_one(output, &vec![("deleted", json!(name))])
        }
        WebhooksCommand::Rotate(r) => {
            let request = RotateWebhookEndpointSecretRequest {
                name: endpoint_name(&r.name),
                request_id: new_request_id(),
                overlap: r.overlap.map(|seconds| prost_types::Duration { seconds, nanos: 0 }),
                etag: String::new(),
            };
            let rotated = call!(client, Idempotency::Keyed, rotate_webhook_endpoint_secret, request)?;
            let mut record = endpoint_record(&rotated.webhook_endpoint.unwrap_or_default());
            record.push(("secret", json!(rotated.secret)));
            render_one(output, &record)
        }
        WebhooksCommand::Test(t) => {
            let request = TestWebhookEndpointRequest { name: endpoint_name(&t.name) };
            let answer = call!(client, Idempotency::Unsafe, test_webhook_endpoint, request)?;
            let latency_ms = answer.latency.map(|d| d.seconds * 1000 + i64::from(d.nanos) / 1_000_000).unwrap_or(0);
            let record = vec![
                ("result", json!(answer.result().as_str_name().trim_start_matches("RESULT_"))),
                ("status_code", json!(answer.status_code)),
                ("response", json!(answer.response)),
                ("error", json!(answer.error_message)),
                ("start_time", json!(format_time(answer.start_time.as_ref()))),
                ("latency_ms", json!(latency_ms)),
            ];
            render_one(output, &record)
        }
    };
    Ok((text, exit::OK))
}

/// An endpoint as a row.
fn endpoint_record(e: &WebhookEndpoint) -> Record {
    let stats = e.stats.unwrap_or_default();
    let events: Vec<&str> = e
        .events
        .iter()
        .map(|v| {
            NotificationEvent::try_from(*v)
                .unwrap_or(NotificationEvent::Unspecified)
                .as_str_name()
                .trim_start_matches("NOTIFICATION_EVENT_")
        })
        .collect();
    vec![
        ("name", json!(e.name)),
        ("url", json!(e.url)),
        ("events", json!(if events.is_empty() { "all".to_owned() } else { events.join(",").to_lowercase() })),
        ("disabled", json!(e.disabled)),
        ("secret_hint", json!(e.secret_hint)),
        ("previous_secret_expires", json!(format_time(e.previous_secret_expire_time.as_ref()))),
        ("delivered", json!(stats.delivered_count)),
        ("failed", json!(stats.failed_attempt_count)),
        ("last_status", json!(stats.last_status_code)),
        ("last_attempt", json!(format_time(stats.last_attempt_time.as_ref()))),
        ("etag", json!(e.etag)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlaps_read_as_seconds_with_a_unit() {
        assert_eq!(parse_overlap("24h"), Ok(86_400));
        assert_eq!(parse_overlap("90m"), Ok(5_400));
        assert_eq!(parse_overlap("0"), Ok(0));
        assert_eq!(parse_overlap("7d"), Ok(604_800));
        assert!(parse_overlap("1w").is_err());
        assert!(parse_overlap("h").is_err());
        assert_eq!(endpoint_name("0190"), "webhookEndpoints/0190");
        assert_eq!(endpoint_name("webhookEndpoints/0190"), "webhookEndpoints/0190");
    }
}
