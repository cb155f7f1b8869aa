//! The messages intake sends its peers through the outbox. Each carries an
//! idempotency key derived from intake's own ids, so a redelivery is a no-op
//! at the peer.

use chrono::{DateTime, Utc};
use redress_outbox::OutboxMessage;
use redress_proto::feedback::v1::methods::feedback_internal_service::RECORD_EVENT;
use redress_proto::notification::v1::methods::notification_internal_service::SEND_NOTIFICATION;
use redress_proto::resolution::v1::methods::resolution_internal_service::{
    OPEN_CASE, RECORD_PLAYER_DECISION, RECORD_PLAYER_MESSAGE, RECORD_WITHDRAWAL,
};
use redress_proto::{
    common::v1::{Player, PlayerDecision},
    feedback::v1::{EventType, RecordEventRequest},
    intake::v1::Complaint,
    notification::v1::{MessagePurpose, NotificationEvent, SendNotificationRequest},
    resolution::v1::{
        OpenCaseRequest, RecordPlayerDecisionRequest, RecordPlayerMessageRequest, RecordWithdrawalRequest,
    },
};

use super::convert::timestamp;

/// Peer names, keys of `[outbox.peers]`.
pub const RESOLUTION: &str = "resolution";
/// The notification service.
pub const NOTIFICATION: &str = "notification";
/// The feedback service.
pub const FEEDBACK: &str = "feedback";

/// resolution.OpenCase for a new (non-duplicate) complaint.
pub fn open_case(tenant: &str, c: &Complaint, submitted: DateTime<Utc>) -> OutboxMessage {
    let request = OpenCaseRequest {
        complaint: c.name.clone(),
        complaint_reference: c.reference.clone(),
        player: c.player.clone(),
        transaction_references: c.transaction_references.clone(),
        category: c.category,
        priority: c.priority,
        kind: c.kind,
        responsible_gambling: c.responsible_gambling,
        harm_indicators: c.harm_indicators.clone(),
        channel: c.channel,
        subject: c.subject.clone(),
        description: c.description.clone(),
        disputed_amount: c.disputed_amount.clone(),
        deadlines: c.deadlines.clone(),
        submit_time: Some(timestamp(submitted)),
        incident_time: c.incident_time,
    };
    OutboxMessage::grpc(tenant, RESOLUTION, OPEN_CASE, &request)
}

/// resolution.RecordPlayerMessage: a player's message on `complaint`.
pub fn player_message(
    tenant: &str,
    complaint: &str,
    message_id: &str,
    channel: i32,
    body: &str,
    at: DateTime<Utc>,
) -> OutboxMessage {
    let request = RecordPlayerMessageRequest {
        complaint: complaint.to_owned(),
        message_id: message_id.to_owned(),
        channel,
        body: body.to_owned(),
        create_time: Some(timestamp(at)),
    };
    OutboxMessage::grpc(tenant, RESOLUTION, RECORD_PLAYER_MESSAGE, &request)
}

/// resolution.RecordPlayerDecision.
pub fn player_decision(
    tenant: &str,
    complaint: &str,
    decision_id: &str,
    decision: PlayerDecision,
    comment: &str,
    at: DateTime<Utc>,
) -> OutboxMessage {
    let request = RecordPlayerDecisionRequest {
        complaint: complaint.to_owned(),
        decision_id: decision_id.to_owned(),
        decision: decision.into(),
        comment: comment.to_owned(),
        create_time: Some(timestamp(at)),
        ..Default::default()
    };
    OutboxMessage::grpc(tenant, RESOLUTION, RECORD_PLAYER_DECISION, &request)
}

/// resolution.RecordWithdrawal.
pub fn withdrawal(
    tenant: &str,
    complaint: &str,
    withdrawal_id: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> OutboxMessage {
    let request = RecordWithdrawalRequest {
        complaint: complaint.to_owned(),
        withdrawal_id: withdrawal_id.to_owned(),
        reason: reason.to_owned(),
        create_time: Some(timestamp(at)),
    };
    OutboxMessage::grpc(tenant, RESOLUTION, RECORD_WITHDRAWAL, &request)
}

/// notification.SendNotification(complaint_received): the acknowledgment of
/// receipt, legally required, in the player's language on their channel.
/// `c` is the complaint the player should quote (the original for a duplicate).
pub fn complaint_received(tenant: &str, submitted_id: &str, c: &Complaint, player: &Player) -> OutboxMessage {
    let deadlines = c.deadlines.clone().unwrap_or_default();
    let date = |ts: Option<prost_types::Timestamp>| {
        ts.and_then(|t| super::convert::from_timestamp(&t)).map(|d| d.to_rfc3339()).unwrap_or_default()
    };
    let variables = [
        ("complaint_reference", c.reference.clone()),
        ("player_name", player.display_name.clone()),
        ("complaint_subject", c.subject.clone()),
        ("acknowledge_due_date", date(deadlines.acknowledge_due_time)),
        ("final_response_due_date", date(deadlines.final_response_due_time)),
        ("jurisdiction", deadlines.policy_jurisdiction.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let request = SendNotificationRequest {
        dedupe_key: format!("intake:{submitted_id}:complaint_received"),
        event: NotificationEvent::ComplaintReceived.into(),
        purpose: MessagePurpose::LegallyRequired.into(),
        recipient: Some(player.clone()),
        complaint: c.name.clone(),
        complaint_reference: c.reference.clone(),
        variables,
        ..Default::default()
    };
    OutboxMessage::grpc(tenant, NOTIFICATION, SEND_NOTIFICATION, &request)
}

/// feedback.RecordEvent for an event in a complaint's life.
pub fn event(tenant: &str, event_id: String, kind: EventType, c: &Complaint, at: DateTime<Utc>) -> OutboxMessage {
    let player = c.player.clone().unwrap_or_default();
    let request = RecordEventRequest {
        event_id,
        r#type: kind.into(),
        occur_time: Some(timestamp(at)),
        complaint: c.name.clone(),
        case: c.case.clone(),
        category: c.category,
        channel: c.channel,
        jurisdiction: player.jurisdiction,
        transaction_references: c.transaction_references.clone(),
        priority: c.priority,
        responsible_gambling: c.responsible_gambling,
        outcome: c.outcome,
        ..Default::default()
    };
    OutboxMessage::grpc(tenant, FEEDBACK, RECORD_EVENT, &request)
}

/// What an erasure tells each peer: the erasure, the player, the
/// complaints, and whether every record of the player goes.
pub struct ErasureOrder<'a> {
    /// `erasures/{id}`.
    pub erasure: String,
    /// The player id.
    pub player_id: &'a str,
    /// `complaints/{id}` names.
    pub complaints: &'a [String],
    /// A player's erasure (true) or one complaint's retention (false).
    pub all_records: bool,
}

/// The peers an erasure reaches, each with its ErasePlayerRecords method.
pub const ERASURE_PEERS: [(&str, &str); 3] = [
    (RESOLUTION, redress_proto::resolution::v1::methods::resolution_internal_service::ERASE_PLAYER_RECORDS),
    (NOTIFICATION, redress_proto::notification::v1::methods::notification_internal_service::ERASE_PLAYER_RECORDS),
    (FEEDBACK, redress_proto::feedback::v1::methods::feedback_internal_service::ERASE_PLAYER_RECORDS),
];

/// The encoded ErasePlayerRecords request for `peer` (the three packages'
/// requests have the same fields, so the same bytes).
pub fn erasure_payload(order: &ErasureOrder<'_>) -> Vec<u8> {
    use prost::Message;
    redress_proto::resolution::v1::ErasePlayerRecordsRequest {
        erasure: order.erasure.clone(),
        player_id: order.player_id.to_owned(),
        complaints: order.complaints.to_vec(),
        all_records: order.all_records,
    }
    .encode_to_vec()
}

/// ErasePlayerRecords for every peer.
pub fn erasure(tenant: &str, order: &ErasureOrder<'_>) -> Vec<OutboxMessage> {
    ERASURE_PEERS
        .iter()
        .map(|(peer, method)| OutboxMessage {
            tenant_id: tenant.to_owned(),
            destination: (*peer).to_owned(),
            method: (*method).to_owned(),
            payload: erasure_payload(order),
        })
        .collect()
}
