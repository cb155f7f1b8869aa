//! Stored rows to proto messages and back.

use std::collections::HashMap;

use redress_db::{Stored, number_or_empty};
use redress_errors::ApiError;
use redress_proto::{
    common::v1::Player,
    notification::v1::{
        DeliveryAttempt, DeliveryProof, Notification, NotificationEvent, RenderedMessage, Template, WebhookEndpoint,
        WebhookEndpointStats, notification,
    },
};

use crate::{
    catalog::Selected,
    store::{attempt, notification as notification_row, webhook_endpoint},
};

// The one conversion of times, in the chassis.
pub use redress_errors::{from_timestamp, timestamp};

/// The etag of a stored version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The resource name of a notification id.
pub fn notification_name(id: &str) -> String {
    format!("notifications/{id}")
}

/// A stored attempt as the proto message.
pub fn attempt(row: &attempt::Model) -> DeliveryAttempt {
    DeliveryAttempt {
        name: format!("notifications/{}/attempts/{}", row.notification_id, row.id),
        attempt_number: row.attempt_number,
        channel: row.channel.number(),
        destination: row.destination.clone(),
        start_time: Some(timestamp(row.started_at)),
        end_time: row.ended_at.map(timestamp),
        result: row.result.map(Stored::number).unwrap_or(0),
        provider_status_code: row.provider_status_code,
        provider_response: row.provider_response.clone(),
        provider_message_id: row.provider_message_id.clone(),
        error_message: row.error_message.clone(),
        webhook_endpoint: if row.webhook_endpoint_id.is_empty() {
            String::new()
        } else {
            crate::delivery::endpoint_name(&row.webhook_endpoint_id)
        },
    }
}

/// A stored webhook endpoint as the proto resource, without its secrets;
/// the overlap shows only while the previous secret still signs at `now`.
pub fn webhook_endpoint(row: &webhook_endpoint::Model, now: chrono::DateTime<chrono::Utc>) -> WebhookEndpoint {
    let overlap = row
        .previous_secret_expires_at
        .filter(|at| row.previous_secret_sealed.is_some() && crate::domain::endpoints::previous_active(Some(*at), now));
    WebhookEndpoint {
        name: crate::delivery::endpoint_name(&row.id),
        url: row.url.clone(),
        description: row.description.clone(),
        events: crate::delivery::stored_events(row).into_iter().map(i32::from).collect(),
        disabled: row.disabled,
        secret_hint: row.secret_hint.clone(),
        previous_secret_expire_time: overlap.map(timestamp),
        secret_create_time: Some(timestamp(row.secret_created_at)),
        stats: Some(WebhookEndpointStats {
            delivered_count: row.delivered_count,
            failed_attempt_count: row.failed_attempt_count,
            last_attempt_time: row.last_attempt_at.map(timestamp),
            last_status_code: row.last_status_code,
            last_result: row.last_result.map(Stored::number).unwrap_or(0),
        }),
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
        etag: etag(row.version),
    }
}

/// A stored notification (with its latest attempt) as the proto resource;
/// stored variables that do not parse are INTERNAL, not none.
pub fn notification(row: &notification_row::Model, last: Option<&attempt::Model>) -> Result<Notification, ApiError> {
    let variables: HashMap<String, String> = serde_json::from_str(&row.variables).map_err(|err| {
        ApiError::internal(format_args!("notification {}: stored variables do not parse: {err}", row.id))
    })?;
    let rendered = row.subject.as_ref().map(|subject| RenderedMessage {
        subject: subject.clone(),
        body_text: row.body_text.clone().unwrap_or_default(),
        body_html: row.body_html.clone().unwrap_or_default(),
    });
    let delivery = row.accepted_at.map(|at| DeliveryProof {
        accept_time: Some(timestamp(at)),
        attempt: format!("notifications/{}/attempts/{}", row.id, row.accepted_attempt),
        provider_message_id: row.provider_message_id.clone(),
        channel: row.channel.number(),
        destination: row.destination.clone(),
        locale: row.locale.clone(),
        template: row.template_name.clone(),
        template_version: row.template_version,
        content_sha256: row.content_sha256.clone(),
    });
    let recipient = Some(row.recipient.get().clone()).filter(|p| *p != Player::default());
    Ok(Notification {
        name: notification_name(&row.id),
        dedupe_key: row.dedupe_key.clone(),
        event: row.event.number(),
        purpose: row.purpose.number(),
        recipient,
        complaint: row.complaint.clone(),
        complaint_reference: row.complaint_reference.clone(),
        variables,
        channel: row.channel.number(),
        locale: row.locale.clone(),
        template: row.template_name.clone(),
        template_version: row.template_version,
        rendered,
        state: row.state.number(),
        // Empty: none.
        suppression_reason: number_or_empty::<notification::SuppressionReason>(&row.suppression_reason)?,
        dead_letter_reason: number_or_empty::<notification::DeadLetterReason>(&row.dead_letter_reason)?,
        attempt_count: row.attempt_count,
        max_attempts: row.max_attempts,
        next_attempt_time: row.next_attempt_at.map(timestamp),
        last_attempt: last.map(attempt),
        delivery,
        resend_of: row.resend_of.clone(),
        redrive_count: row.redrive_count,
        creator: row.creator.clone(),
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
        etag: etag(row.version),
    })
}

/// A selected template (stored or built-in) as the proto resource.
pub fn template(event: NotificationEvent, selected: &Selected) -> Template {
    let row = selected.row.as_ref();
    Template {
        name: selected.name.clone(),
        event: event.into(),
        locale: selected.locale.clone(),
        subject: selected.content.subject.clone(),
        body_text: selected.content.body_text.clone(),
        body_html: selected.content.body_html.clone(),
        version: selected.version,
        builtin: row.is_none(),
        updater: row.map(|r| r.updater.clone()).unwrap_or_default(),
        create_time: row.map(|r| timestamp(r.created_at)),
        update_time: row.map(|r| timestamp(r.updated_at)),
        etag: etag(i64::from(selected.version)),
    }
}
