//! Stored rows to proto messages and back.

use std::collections::HashMap;

use prost::Message;
use redress_proto::{
    common::v1::{Channel, Player},
    notification::v1::{
        DeliveryAttempt, DeliveryProof, MessagePurpose, Notification, NotificationEvent, RenderedMessage, Template,
        delivery_attempt, notification,
    },
};

use crate::{
    catalog::Selected,
    store::{attempt, notification as notification_row},
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

/// A stored enum name back to its proto value; unknown names read as 0.
pub fn enum_value<E: Into<i32>>(name: &str, from_str: fn(&str) -> Option<E>) -> i32 {
    from_str(name).map(Into::into).unwrap_or(0)
}

/// A stored attempt as the proto message.
pub fn attempt(row: &attempt::Model) -> DeliveryAttempt {
    DeliveryAttempt {
        name: format!("notifications/{}/attempts/{}", row.notification_id, row.id),
        attempt_number: row.attempt_number,
        channel: enum_value(&row.channel, Channel::from_str_name),
        destination: row.destination.clone(),
        start_time: Some(timestamp(row.started_at)),
        end_time: row.ended_at.map(timestamp),
        result: row.result.as_deref().map(|r| enum_value(r, delivery_attempt::Result::from_str_name)).unwrap_or(0),
        provider_status_code: row.provider_status_code,
        provider_response: row.provider_response.clone(),
        provider_message_id: row.provider_message_id.clone(),
        error_message: row.error_message.clone(),
    }
}

/// A stored notification (with its latest attempt) as the proto resource.
pub fn notification(row: &notification_row::Model, last: Option<&attempt::Model>) -> Notification {
    let variables: HashMap<String, String> = serde_json::from_str(&row.variables).unwrap_or_default();
    let rendered = row.subject.as_ref().map(|subject| RenderedMessage {
        subject: subject.clone(),
        body_text: row.body_text.clone().unwrap_or_default(),
        body_html: row.body_html.clone().unwrap_or_default(),
    });
    let delivery = row.accepted_at.map(|at| DeliveryProof {
        accept_time: Some(timestamp(at)),
        attempt: format!("notifications/{}/attempts/{}", row.id, row.accepted_attempt),
        provider_message_id: row.provider_message_id.clone(),
        channel: enum_value(&row.channel, Channel::from_str_name),
        destination: row.destination.clone(),
        locale: row.locale.clone(),
        template: row.template_name.clone(),
        template_version: row.template_version,
        content_sha256: row.content_sha256.clone(),
    });
    let recipient = Player::decode(row.recipient.as_slice()).ok().filter(|p| *p != Player::default());
    Notification {
        name: notification_name(&row.id),
        dedupe_key: row.dedupe_key.clone(),
        event: enum_value(&row.event, NotificationEvent::from_str_name),
        purpose: enum_value(&row.purpose, MessagePurpose::from_str_name),
        recipient,
        complaint: row.complaint.clone(),
        complaint_reference: row.complaint_reference.clone(),
        variables,
        channel: enum_value(&row.channel, Channel::from_str_name),
        locale: row.locale.clone(),
        template: row.template_name.clone(),
        template_version: row.template_version,
        rendered,
        state: enum_value(&row.state, notification::State::from_str_name),
        suppression_reason: enum_value(&row.suppression_reason, notification::SuppressionReason::from_str_name),
        dead_letter_reason: enum_value(&row.dead_letter_reason, notification::DeadLetterReason::from_str_name),
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
    }
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
