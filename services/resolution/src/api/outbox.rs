//! The messages resolution sends its peers through the outbox, written in
//! the same transaction as the case events. Each carries an idempotency key
//! derived from the case event, so a redelivery is a no-op at the peer.

use redress_proto::feedback::v1::methods::feedback_internal_service::{RECORD_CASE_OUTCOME, RECORD_EVENT};
use redress_proto::intake::v1::methods::intake_internal_service::APPLY_CASE_UPDATE;
use redress_proto::notification::v1::methods::notification_internal_service::SEND_NOTIFICATION;
use std::collections::HashMap;

use redress_outbox::OutboxMessage;
use redress_policy::JurisdictionPolicy;
use redress_proto::{
    common::v1::{Channel, ComplaintStatus, Player},
    feedback::v1::{EventType, RecordCaseOutcomeRequest, RecordEventRequest},
    intake::v1::ApplyCaseUpdateRequest,
    notification::v1::{MessagePurpose, NotificationEvent, SendNotificationRequest},
    resolution::v1::{Case, CaseEvent, CloseReason, case::State, case_event::Type},
};

use crate::domain::{
    clocks, letters,
    machine::{NewEvent, Notice},
    player_status,
    staff::{self, StaffDirectory},
};

/// Peer names, keys of `[outbox.peers]`.
pub const INTAKE: &str = "intake";
/// The notification service.
pub const NOTIFICATION: &str = "notification";
/// The feedback service.
pub const FEEDBACK: &str = "feedback";

/// The event id peers deduplicate on: the case and the event's sequence.
fn event_key(case: &Case, event: &CaseEvent) -> String {
    format!("resolution:{}:{}", case.name.trim_start_matches("cases/"), event.sequence)
}

/// An analytics event of `case` at `event`, with the case's dimensions and
/// no type yet.
fn case_fact(case: &Case, event: &CaseEvent, player: &Player) -> RecordEventRequest {
    RecordEventRequest {
        occur_time: event.create_time,
        complaint: case.complaint.clone(),
        case: case.name.clone(),
        category: case.category,
        channel: case.channel,
        jurisdiction: player.jurisdiction.clone(),
        agent: event.actor.clone(),
        transaction_references: case.transaction_references.clone(),
        priority: case.priority,
        responsible_gambling: case.responsible_gambling,
        ..Default::default()
    }
}

/// Events that change nothing the player sees or the analytics count.
fn is_internal(kind: Type) -> bool {
    matches!(
        kind,
        Type::NoteAdded
            | Type::FollowUpFlagged
            | Type::ClockWarned
            | Type::ClockPaused
            | Type::ClockResumed
            | Type::EvidenceAttached
            | Type::EvidenceScanned
    )
}

/// The outbox rows of one case event. `case` is the case after the whole
/// command; `first_response` when this event was the first message to the
/// player; `durable_medium` when the jurisdiction wants the final response
/// on a durable medium (e-mail) whatever the player's channel; `policy` is
/// the case's jurisdiction policy (durable medium, ADR bodies).
pub fn for_event(
    tenant: &str,
    case: &Case,
    event: &CaseEvent,
    new: &NewEvent,
    first_response: bool,
    policy: &JurisdictionPolicy,
) -> Vec<OutboxMessage> {
    let durable_medium = policy.durable_medium_required;
    let mut out = Vec::new();
    let kind = new.kind;
    let player = case.player.clone().unwrap_or_default();
    let state = State::try_from(event.state).unwrap_or(State::Unspecified);
    let close_reason = CloseReason::try_from(case.close_reason).unwrap_or(CloseReason::Unspecified);
    let channel = match new.message.as_ref().map(|(_, n)| *n) {
        Some(_) if new.channel != Channel::Unspecified as i32 => new.channel,
        Some(_) if player.preferred_channel != Channel::Unspecified as i32 => player.preferred_channel,
        Some(_) => case.channel,
        None => Channel::Unspecified as i32,
    };
    if !is_internal(kind) || new.message.is_some() {
        let status = player_status(state, close_reason);
        let request = ApplyCaseUpdateRequest {
            name: case.complaint.clone(),
            case: case.name.clone(),
            event_id: event_key(case, event),
            case_event_sequence: event.sequence,
            status: status.into(),
            outcome: if state == State::Resolved { case.outcome } else { 0 },
            kind: case.kind,
            player_message: new.message.as_ref().map(|(text, _)| text.clone()).unwrap_or_default(),
            channel,
            actor: event.actor.clone(),
            // Only a recategorisation moves the complaint (0: unchanged).
            category: if kind == Type::Recategorised { case.category } else { 0 },
        };
        // The player never sees a status step backwards from WITHDRAWN.
        if status != ComplaintStatus::Unspecified {
            out.push(OutboxMessage::grpc(tenant, INTAKE, APPLY_CASE_UPDATE, &request));
        }
    }
    if let Some((text, notice)) = &new.message {
        let (event_kind, purpose) = match notice {
            Notice::InformationRequested => (NotificationEvent::InformationRequested, MessagePurpose::Service),
            Notice::AgentMessage => (NotificationEvent::AgentMessage, MessagePurpose::Service),
            Notice::ResolutionProposed => (NotificationEvent::ResolutionProposed, MessagePurpose::Service),
            Notice::FinalResponse => (NotificationEvent::FinalResponse, MessagePurpose::LegallyRequired),
            Notice::AdrRightsNotice => (NotificationEvent::AdrRightsNotice, MessagePurpose::LegallyRequired),
        };
        // The final letter names the ADR body it recorded; the ADR-rights
        // notice the jurisdiction's default.
        let adr = match notice {
            Notice::FinalResponse => case.final_response.as_ref().and_then(|fr| policy.adr_contact(&fr.adr_body)),
            Notice::AdrRightsNotice => policy.default_adr_contact(),
            _ => None,
        };
        let variables = letters::variables(case, text, *notice, adr.as_ref());
        let request = SendNotificationRequest {
            dedupe_key: format!("{}:notify", event_key(case, event)),
            event: event_kind.into(),
            purpose: purpose.into(),
            recipient: Some(player.clone()),
            complaint: case.complaint.clone(),
            complaint_reference: case.complaint_reference.clone(),
            variables,
            channel,
        };
        // PL: the final response must reach the player on a durable medium,
        // so it also goes by e-mail when their channel is another one.
        if *notice == Notice::FinalResponse && durable_medium && channel != Channel::Email as i32 {
            let mut copy = request.clone();
            copy.dedupe_key = format!("{}:notify:durable", event_key(case, event));
            copy.channel = Channel::Email.into();
            out.push(OutboxMessage::grpc(tenant, NOTIFICATION, SEND_NOTIFICATION, &copy));
        }
        out.push(OutboxMessage::grpc(tenant, NOTIFICATION, SEND_NOTIFICATION, &request));
    }
    let analytics = match kind {
        Type::RespondedToPlayer if first_response => Some(EventType::FirstResponse),
        Type::InformationRequested => Some(EventType::InformationRequested),
        Type::ResolutionProposed => Some(EventType::ResolutionProposed),
        Type::Resolved | Type::AdrOutcomeRecorded => Some(EventType::Resolved),
        Type::Escalated => Some(EventType::Escalated),
        Type::ReferredToAdr => Some(EventType::ReferredToAdr),
        Type::Reopened => Some(EventType::Reopened),
        Type::ClockWarned => Some(EventType::DeadlineWarned),
        Type::ClockBreached => Some(EventType::DeadlineBreached),
        Type::Withdrawn => Some(EventType::Withdrawn),
        Type::PlayerMessageReceived => Some(EventType::PlayerMessage),
        Type::Closed => Some(EventType::Closed),
        Type::Recategorised => Some(EventType::Recategorised),
        _ => None,
    };
    if let Some(event_type) = analytics {
        let request = RecordEventRequest {
            event_id: event_key(case, event),
            r#type: event_type.into(),
            occur_time: event.create_time,
            complaint: case.complaint.clone(),
            case: case.name.clone(),
            category: case.category,
            channel: case.channel,
            jurisdiction: player.jurisdiction.clone(),
            agent: event.actor.clone(),
            transaction_references: case.transaction_references.clone(),
            priority: case.priority,
            responsible_gambling: case.responsible_gambling,
            outcome: if matches!(kind, Type::Resolved) { case.outcome } else { 0 },
            clock: new.clock.to_owned(),
            // For a resolution: whether the final response met its deadline.
            clock_met: kind == Type::Resolved
                && case
                    .clocks
                    .iter()
                    .rev()
                    .find(|c| c.kind == redress_proto::resolution::v1::clock::Kind::FinalResponse as i32)
                    .is_some_and(|c| c.met),
            original_category: if kind == Type::Recategorised { case.original_category } else { 0 },
        };
        out.push(OutboxMessage::grpc(tenant, FEEDBACK, RECORD_EVENT, &request));
    }
    // A first response given by a question, a proposal or the final response
    // counts as the first response too.
    if first_response && kind != Type::RespondedToPlayer {
        let request = RecordEventRequest {
            event_id: format!("{}:first_response", event_key(case, event)),
            r#type: EventType::FirstResponse.into(),
            ..case_fact(case, event, &player)
        };
        out.push(OutboxMessage::grpc(tenant, FEEDBACK, RECORD_EVENT, &request));
    }
    // The first response stopped the acknowledge clock: analytics count
    // whether it came in time (first-response compliance).
    if first_response && let Some(met) = clocks::acknowledgment(&case.clocks) {
        let request = RecordEventRequest {
            event_id: format!("{}:acknowledged", event_key(case, event)),
            r#type: EventType::Acknowledged.into(),
            clock: "acknowledge".into(),
            clock_met: met,
            ..case_fact(case, event, &player)
        };
        out.push(OutboxMessage::grpc(tenant, FEEDBACK, RECORD_EVENT, &request));
    }
    if kind == Type::Resolved {
        let request = RecordCaseOutcomeRequest {
            case: case.name.clone(),
            complaint: case.complaint.clone(),
            complaint_reference: case.complaint_reference.clone(),
            player: Some(player),
            category: case.category,
            outcome: case.outcome,
            agent: event.actor.clone(),
            resolve_time: event.create_time,
            channel: case.channel,
            transaction_references: case.transaction_references.clone(),
            responsible_gambling: case.responsible_gambling,
        };
        out.push(OutboxMessage::grpc(tenant, FEEDBACK, RECORD_CASE_OUTCOME, &request));
    }
    out
}

/// The staff e-mails of a deadline warning or breach: one per person the
/// tenant's directory names for the case (its assignee, else its queue's
/// supervisors, as the case stands after the event; after a breach's
/// escalation, the escalation queue's).
pub fn staff_warnings(
    tenant: &str,
    case: &Case,
    event: &CaseEvent,
    new: &NewEvent,
    directory: &StaffDirectory,
) -> Vec<OutboxMessage> {
    if !matches!(new.kind, Type::ClockWarned | Type::ClockBreached) || new.threshold == 0 {
        return Vec::new();
    }
    let due = clocks::latest_of(&case.clocks, new.clock)
        .and_then(|c| c.due_time.as_ref())
        .and_then(crate::domain::from_timestamp)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let variables: HashMap<String, String> = [
        ("case", case.name.clone()),
        ("clock", new.clock.to_owned()),
        ("threshold", new.threshold.to_string()),
        ("due_time", due),
        ("queue", case.queue.clone()),
        ("assignee", case.assignee.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    staff::deadline_recipients(directory, &case.assignee, &case.queue)
        .into_iter()
        .map(|contact| {
            let request = SendNotificationRequest {
                dedupe_key: format!("{}:staff:{}:{}", event_key(case, event), contact.id, contact.email),
                event: NotificationEvent::DeadlineWarning.into(),
                purpose: MessagePurpose::Service.into(),
                recipient: Some(Player {
                    player_id: contact.id,
                    email: contact.email,
                    language_code: directory.language_code.clone(),
                    preferred_channel: Channel::Email.into(),
                    ..Default::default()
                }),
                complaint: case.complaint.clone(),
                complaint_reference: case.complaint_reference.clone(),
                variables: variables.clone(),
                channel: Channel::Email.into(),
            };
            OutboxMessage::grpc(tenant, NOTIFICATION, SEND_NOTIFICATION, &request)
        })
        .collect()
}
