//! Signed webhooks to the casino backend (see `WebhookPayload` in the proto):
//! a JSON body in the proto3 JSON mapping, signed with HMAC-SHA256 over
//! `{timestamp}.{body}` with each of the endpoint's active secrets.

use std::{collections::BTreeMap, time::Duration};

use hmac::{Hmac, Mac};
use redress_config::Secret;
use redress_proto::common::v1::{Channel, Player};
use serde_json::{Value, json};
use sha2::Sha256;

use super::Outcome;
use crate::domain::templates::Rendered;

/// What goes into the webhook body.
pub struct Payload<'a> {
    pub notification: &'a str,
    pub event: &'a str,
    pub purpose: &'a str,
    pub channel: Channel,
    pub recipient: &'a Player,
    pub locale: &'a str,
    pub complaint: &'a str,
    pub complaint_reference: &'a str,
    pub message: &'a Rendered,
    pub variables: &'a BTreeMap<String, String>,
    pub template: &'a str,
    pub template_version: i32,
    pub attempt_number: i32,
    pub create_time: String,
}

fn channel_name(value: i32) -> &'static str {
    Channel::try_from(value).unwrap_or(Channel::Unspecified).as_str_name()
}

/// The body bytes, exactly as signed and sent.
pub fn body(p: &Payload<'_>) -> Vec<u8> {
    let r = p.recipient;
    let value: Value = json!({
        "notification": p.notification,
        "event": p.event,
        "purpose": p.purpose,
        "channel": p.channel.as_str_name(),
        "recipient": {
            "playerId": r.player_id,
            "displayName": r.display_name,
            "email": r.email,
            "languageCode": r.language_code,
            "jurisdiction": r.jurisdiction,
            "preferredChannel": channel_name(r.preferred_channel),
            "selfExcluded": r.self_excluded,
            "atRisk": r.at_risk,
        },
        "locale": p.locale,
        "complaint": p.complaint,
        "complaintReference": p.complaint_reference,
        "message": {
            "subject": p.message.subject,
            "bodyText": p.message.body_text,
            "bodyHtml": p.message.body_html,
        },
        "variables": p.variables,
        "template": p.template,
        "templateVersion": p.template_version,
        "attemptNumber": p.attempt_number,
        "createTime": p.create_time,
    });
    serde_json::to_vec(&value).unwrap_or_default()
}

/// The `Redress-Signature` header: one `v1=` signature per active secret.
pub fn signature(secrets: &[Secret], timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .filter_map(|secret| {
            let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()).ok()?;
            mac.update(timestamp.to_string().as_bytes());
            mac.update(b".");
            mac.update(body);
            Some(format!("v1={}", hex::encode(mac.finalize().into_bytes())))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A webhook client: no redirects (a redirect is a failure, per the
/// contract), a deadline per call.
pub fn client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(timeout).build()
}

/// The headers that name the notification, event and attempt.
pub struct Meta<'a> {
    pub notification: &'a str,
    pub event: &'a str,
    pub attempt_number: i32,
    /// `webhookEndpoints/{id}`; empty for the TOML bootstrap endpoint.
    pub endpoint: &'a str,
    /// A TestWebhookEndpoint send, not a notification.
    pub test: bool,
}

/// POSTs one attempt, signed now.
pub async fn post(client: &reqwest::Client, url: &str, secrets: &[Secret], meta: &Meta<'_>, body: Vec<u8>) -> Outcome {
    let timestamp = chrono::Utc::now().timestamp();
    let signature = signature(secrets, timestamp, &body);
    let mut request = client.post(url);
    if !meta.endpoint.is_empty() {
        request = request.header("redress-webhook-endpoint", meta.endpoint);
    }
    if meta.test {
        request = request.header("redress-test", "true");
    }
    let response = request
        .header("content-type", "application/json")
        .header("redress-notification", meta.notification)
        .header("redress-event", meta.event)
        .header("redress-attempt", meta.attempt_number.to_string())
        .header("redress-timestamp", timestamp.to_string())
        .header("redress-signature", signature)
        .body(body)
        .send()
        .await;
    match response {
        Ok(response) => {
            let status = response.status();
            let message_id = response
                .headers()
                .get("redress-message-id")
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(256).collect::<String>())
                .unwrap_or_default();
            let text = response.text().await.unwrap_or_default();
            let line = format!("HTTP {status} {}", text.chars().take(900).collect::<String>());
            let code = i32::from(status.as_u16());
            if status.is_success() {
                Outcome::accepted(code, line, message_id)
            } else {
                Outcome::transient(code, line, "")
            }
        }
        Err(err) => {
            let what = if err.is_timeout() {
                "timeout".to_owned()
            } else if err.is_connect() {
                format!("connect failed: {err}")
            } else {
                err.to_string()
            };
            Outcome::transient(0, "", what)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_the_documented_example_shape_and_covers_each_secret() {
        let secrets = [Secret::new("new"), Secret::new("old")];
        let sig = signature(&secrets, 1_767_225_600, b"{}");
        let parts: Vec<&str> = sig.split(", ").collect();
        assert_eq!(parts.len(), 2);
        let mut mac = Hmac::<Sha256>::new_from_slice(b"new").unwrap();
        mac.update(b"1767225600.{}");
        assert_eq!(parts[0], format!("v1={}", hex::encode(mac.finalize().into_bytes())));
        assert_eq!(parts[0].len(), 3 + 64);
    }
}
