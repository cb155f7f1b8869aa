//! The messages feedback sends its peers through the outbox. Each carries an
//! idempotency key derived from feedback's own ids, so a redelivery is a
//! no-op at the peer.

use chrono::{DateTime, Utc};
use redress_outbox::OutboxMessage;
use redress_proto::notification::v1::methods::notification_internal_service::SEND_NOTIFICATION;
use redress_proto::resolution::v1::methods::resolution_internal_service::FLAG_FOLLOW_UP;
use redress_proto::{
    common::v1::{Channel, Player},
    feedback::v1::{RecurringProblem, ReferenceKind},
    notification::v1::{MessagePurpose, NotificationEvent, SendNotificationRequest},
    resolution::v1::{FlagFollowUpRequest, FollowUpReason},
};

use crate::domain::{Window, timestamp};

/// Peer names, keys of `[outbox.peers]`.
pub const NOTIFICATION: &str = "notification";
/// The resolution service.
pub const RESOLUTION: &str = "resolution";

/// The link in an invitation: the casino's survey page with the token.
pub fn survey_url(base: &str, token: &str) -> String {
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}token={token}")
}

/// What an invitation says about its survey.
pub struct Invitation<'a> {
    pub survey_id: &'a str,
    pub complaint: &'a str,
    pub complaint_reference: &'a str,
    pub token: &'a str,
    pub url: String,
    pub expire_at: DateTime<Utc>,
}

/// notification.SendNotification(survey_invitation), in the player's
/// language on their channel. The only place the token ever leaves.
pub fn survey_invitation(tenant: &str, player: &Player, invitation: Invitation<'_>) -> OutboxMessage {
    let variables = [
        ("survey_token", invitation.token.to_owned()),
        ("survey_url", invitation.url),
        ("player_name", player.display_name.clone()),
        ("survey_expire_time", invitation.expire_at.to_rfc3339()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let request = SendNotificationRequest {
        dedupe_key: format!("feedback:{}:invitation", invitation.survey_id),
        event: NotificationEvent::SurveyInvitation.into(),
        purpose: MessagePurpose::Survey.into(),
        recipient: Some(player.clone()),
        complaint: invitation.complaint.to_owned(),
        complaint_reference: invitation.complaint_reference.to_owned(),
        variables,
        ..Default::default()
    };
    OutboxMessage::grpc(tenant, NOTIFICATION, SEND_NOTIFICATION, &request)
}

/// resolution.FlagFollowUp: an agent should call the player back. Keyed on
/// the survey, so a case is flagged at most once per survey.
pub fn flag_follow_up(
    tenant: &str,
    case_name: &str,
    survey_id: &str,
    reason: FollowUpReason,
    score: i32,
    comment: &str,
    at: DateTime<Utc>,
) -> OutboxMessage {
    let request = FlagFollowUpRequest {
        name: case_name.to_owned(),
        feedback_id: survey_id.to_owned(),
        reason: reason.into(),
        score,
        comment: comment.to_owned(),
        create_time: Some(timestamp(at)),
    };
    OutboxMessage::grpc(tenant, RESOLUTION, FLAG_FOLLOW_UP, &request)
}

/// notification.SendNotification(operations_alert) about a spike. The
/// notification service owns the tenant's operations contact and routes it.
pub fn spike_alert(tenant: &str, alert_id: &str, p: &RecurringProblem, w: &Window) -> OutboxMessage {
    let category =
        redress_proto::common::v1::ComplaintCategory::try_from(p.category).map(|c| c.as_str_name()).unwrap_or_default();
    let kind = ReferenceKind::try_from(p.reference_kind).map(|k| k.as_str_name()).unwrap_or_default();
    let variables = [
        ("alert_title", format!("spike of {category} complaints about {}", p.reference)),
        (
            "alert_detail",
            format!(
                "{} complaints between {} and {} against {} in the window before",
                p.count,
                w.start.to_rfc3339(),
                w.end.to_rfc3339(),
                p.previous_count
            ),
        ),
        ("category", category.to_owned()),
        ("reference_kind", kind.to_owned()),
        ("reference", p.reference.clone()),
        ("count", p.count.to_string()),
        ("previous_count", p.previous_count.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let request = SendNotificationRequest {
        dedupe_key: format!("feedback:{alert_id}:operations_alert"),
        event: NotificationEvent::OperationsAlert.into(),
        purpose: MessagePurpose::Service.into(),
        recipient: Some(Player {
            player_id: "operations".into(),
            display_name: "Operations".into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        variables,
        ..Default::default()
    };
    OutboxMessage::grpc(tenant, NOTIFICATION, SEND_NOTIFICATION, &request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_survey_url_appends_the_token() {
        assert_eq!(survey_url("https://c.example/s", "abc"), "https://c.example/s?token=abc");
        assert_eq!(survey_url("https://c.example/s?lang=pl", "abc"), "https://c.example/s?lang=pl&token=abc");
    }
}
