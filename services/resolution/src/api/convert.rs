//! Stored rows to proto messages and back.

use chrono::{DateTime, Utc};
use redress_db::{Encoded, Stored};
use redress_proto::{
    common::v1::{ComplaintCategory, Priority},
    resolution::v1::{Case, CaseEvent, Evidence, case::State, case_event::Type, evidence::Uploader},
};

use crate::{
    domain::{business_hours::Schedule, clocks, playbook::Playbooks, returns, timestamp},
    store::{self, case, case_event, evidence},
};

/// The etag of a stored version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The resource name of a case id.
pub fn case_name(id: &str) -> String {
    format!("cases/{id}")
}

/// The id in `cases/{id}`, or INVALID_ARGUMENT on `field`.
pub fn case_id(name: &str, field: &str) -> Result<String, redress_errors::ApiError> {
    redress_errors::resource_id(name, "cases", field)
}

/// The id in `complaints/{id}`, or INVALID_ARGUMENT on `field`.
pub fn complaint_id(name: &str, field: &str) -> Result<String, redress_errors::ApiError> {
    redress_errors::resource_id(name, "complaints", field)
}

/// The resource name of an evidence.
pub fn evidence_name(case_id: &str, id: &str) -> String {
    format!("cases/{case_id}/evidence/{id}")
}

/// Where evidence hangs: its case, or (uploaded before the case opened,
/// and as an alias afterwards) its intake complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceParent {
    Case(String),
    Complaint(String),
}

impl EvidenceParent {
    /// The store's filter for it.
    pub fn owner(&self) -> store::EvidenceOwner<'_> {
        match self {
            EvidenceParent::Case(id) => store::EvidenceOwner::Case(id),
            EvidenceParent::Complaint(id) => store::EvidenceOwner::Complaint(id),
        }
    }
}

/// The parent in `cases/{case_id}` or `complaints/{complaint_id}`, or
/// INVALID_ARGUMENT on `field`.
pub fn evidence_parent(name: &str, field: &str) -> Result<EvidenceParent, redress_errors::ApiError> {
    let bad = || redress_errors::ApiError::invalid_field(field, "must be cases/{case_id} or complaints/{complaint_id}");
    if name.starts_with("complaints/") {
        return complaint_id(name, field).map(EvidenceParent::Complaint).map_err(|_| bad());
    }
    case_id(name, field).map(EvidenceParent::Case).map_err(|_| bad())
}

/// The parent and evidence id in `cases/{case_id}/evidence/{evidence_id}`
/// or `complaints/{complaint_id}/evidence/{evidence_id}`, or
/// INVALID_ARGUMENT on `field`.
pub fn evidence_ids(name: &str, field: &str) -> Result<(EvidenceParent, String), redress_errors::ApiError> {
    let bad = || {
        redress_errors::ApiError::invalid_field(
            field,
            "must be cases/{case_id}/evidence/{evidence_id} or complaints/{complaint_id}/evidence/{evidence_id}",
        )
    };
    let (parent, id) = name.split_once("/evidence/").ok_or_else(bad)?;
    let parent = evidence_parent(parent, field).map_err(|_| bad())?;
    let id = redress_errors::resource_id(&format!("evidence/{id}"), "evidence", field).map_err(|_| bad())?;
    Ok((parent, id))
}

/// A stored evidence as the proto resource.
pub fn evidence(row: &evidence::Model) -> Evidence {
    Evidence {
        // Pending evidence is named by its complaint until OpenCase adopts it.
        name: if row.case_id.is_empty() {
            format!("complaints/{}/evidence/{}", row.complaint_id, row.id)
        } else {
            evidence_name(&row.case_id, &row.id)
        },
        filename: row.filename.clone(),
        content_type: row.content_type.clone(),
        declared_content_type: row.declared_content_type.clone(),
        size_bytes: row.size_bytes,
        sha256: row.sha256.clone(),
        uploaded_by: Some(Uploader { subject: row.uploader_subject.clone(), role: row.uploader_role.clone() }),
        description: row.description.clone(),
        state: row.state.number(),
        scan_reason: row.scan_reason.clone(),
        create_time: Some(timestamp(row.created_at)),
        scan_time: row.scan_time.map(timestamp),
        event_sequence: row.event_sequence,
        erase_time: row.erased_at.map(timestamp),
    }
}

/// Queue order of a priority: urgent first.
pub fn priority_rank(priority: i32) -> i32 {
    match Priority::try_from(priority).unwrap_or(Priority::Unspecified) {
        Priority::Urgent => 0,
        Priority::High => 1,
        Priority::Normal => 2,
        Priority::Low => 3,
        Priority::Unspecified => 4,
    }
}

/// The stored row of a case body: the columns the queue and the sweeper use
/// (the sweep time with its queue's staffed `hours`, which time warnings).
pub fn row_of(
    id: &str,
    tenant: &str,
    body: &Case,
    version: i64,
    created_at: DateTime<Utc>,
    hours: Option<&Schedule>,
) -> case::Model {
    let player = body.player.clone().unwrap_or_default();
    let never = store::never();
    case::Model {
        id: id.to_owned(),
        tenant_id: tenant.to_owned(),
        complaint_id: body.complaint.trim_start_matches("complaints/").to_owned(),
        state: Stored(State::try_from(body.state).unwrap_or(State::Unspecified)),
        assignee: body.assignee.clone(),
        queue: body.queue.clone(),
        priority_rank: priority_rank(body.priority),
        category: Stored(ComplaintCategory::try_from(body.category).unwrap_or(ComplaintCategory::Unspecified)),
        jurisdiction: player.jurisdiction.to_ascii_uppercase(),
        player_id: player.player_id,
        responsible_gambling: body.responsible_gambling,
        follow_up_pending: body.follow_up_pending,
        due_at: clocks::next_due(&body.clocks).unwrap_or(never),
        warn_at: clocks::next_warning(&body.clocks).unwrap_or(never),
        sweep_at: clocks::next_sweep(&body.clocks, hours).unwrap_or(never),
        disputed_at: (body.kind == redress_proto::common::v1::ComplaintKind::Dispute as i32).then_some(created_at),
        referred_at: body
            .adr_referral
            .as_ref()
            .and_then(|r| r.enquiry_receive_time.as_ref())
            .and_then(crate::domain::from_timestamp),
        last_event_sequence: body.last_event_sequence,
        head_hash: String::new(),
        version,
        body: Encoded(body.clone()),
        created_at,
        updated_at: body.update_time.as_ref().and_then(crate::domain::from_timestamp).unwrap_or(created_at),
    }
}

/// The case body as stored, without the output-only fields computed on read.
pub fn body_of(row: &case::Model) -> Case {
    row.body.get().clone()
}

/// A stored case as the proto resource, with its risk at `now`.
pub fn case(row: &case::Model, playbooks: &Playbooks, now: DateTime<Utc>) -> Case {
    let mut c = body_of(row);
    c.name = case_name(&row.id);
    c.etag = etag(row.version);
    c.last_event_sequence = row.last_event_sequence;
    c.next_due_time = clocks::next_due(&c.clocks).map(timestamp);
    c.deadline_risk = clocks::risk(&c.clocks, now).into();
    c.playbook = playbooks.for_category(ComplaintCategory::try_from(c.category).unwrap_or_default());
    // Bodies stored before `original_category` existed were never
    // recategorised: their category is the original one.
    if c.original_category == ComplaintCategory::Unspecified as i32 {
        c.original_category = c.category;
    }
    c
}

/// A stored event as the proto resource (exactly what was hashed).
pub fn event(row: &case_event::Model) -> CaseEvent {
    CaseEvent {
        name: format!("cases/{}/events/{}", row.case_id, row.sequence),
        sequence: row.sequence,
        r#type: row.event_type.number(),
        actor: row.actor.clone(),
        create_time: Some(timestamp(row.created_at)),
        state: row.state.number(),
        payload_summary: row.payload_summary.clone(),
        payload_hash: row.payload_hash.clone(),
        previous_hash: row.previous_hash.clone(),
        hash: row.hash.clone(),
        chain_version: row.chain_version,
        summary_hash: row.summary_hash.clone(),
        summary_salt: row.summary_salt.clone(),
        erase_time: row.erased_at.map(timestamp),
    }
}

/// The stored row of an appended event of case `case_id`, with the request
/// that made it.
pub fn event_row(
    case_id: &str,
    tenant: &str,
    event: &CaseEvent,
    payload: &[u8],
    created_at: DateTime<Utc>,
) -> case_event::Model {
    case_event::Model {
        case_id: case_id.to_owned(),
        sequence: event.sequence,
        tenant_id: tenant.to_owned(),
        event_type: Stored(Type::try_from(event.r#type).unwrap_or_default()),
        actor: event.actor.clone(),
        state: Stored(State::try_from(event.state).unwrap_or_default()),
        payload_summary: event.payload_summary.clone(),
        payload: payload.to_vec(),
        payload_hash: event.payload_hash.clone(),
        previous_hash: event.previous_hash.clone(),
        hash: event.hash.clone(),
        created_at,
        chain_version: event.chain_version,
        summary_hash: event.summary_hash.clone(),
        summary_salt: event.summary_salt.clone(),
        erased_at: event.erase_time.as_ref().and_then(crate::domain::from_timestamp),
    }
}

/// A stored case as a regulatory return counts it: by the row's dates, which
/// keep a dispute in the period it became one.
pub fn counted(row: &case::Model) -> returns::Counted {
    returns::Counted {
        name: case_name(&row.id),
        player_id: row.player_id.clone(),
        body: body_of(row),
        created_at: row.created_at,
        disputed_at: row.disputed_at,
        referred_at: row.referred_at,
    }
}
