//! Intake's gRPC API: turns requests into domain calls and stored rows, checks
//! roles, and writes every change with its outbox rows in one transaction.

pub mod convert;
mod outbox;

use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use prost::Message;
use redress_auth::{Caller, Role};
use redress_db::{Inserts, Stored, new_id, now};
use redress_errors::{ApiError, Violations};
use redress_idempotency::fingerprint;
use redress_outbox::{OutboxMessage, Relay};
use redress_paging::PageTokens;
use redress_policy::PolicyTable;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, ComplaintKind, ComplaintStatus, Outcome},
    feedback::v1::EventType,
    intake::v1::{
        AddPlayerMessageRequest, AddPlayerMessageResponse, ApplyCaseUpdateRequest, ApplyCaseUpdateResponse,
        GetComplaintRequest, GetComplaintResponse, ListComplaintsRequest, ListComplaintsResponse,
        ListInteractionsRequest, ListInteractionsResponse, PlayerDecision, SubmitComplaintRequest,
        SubmitComplaintResponse, SubmitPlayerDecisionRequest, SubmitPlayerDecisionResponse, WithdrawComplaintRequest,
        WithdrawComplaintResponse, intake_internal_service_server::IntakeInternalService,
        intake_service_server::IntakeService, interaction,
    },
};
use sea_orm::{DatabaseConnection, DatabaseTransaction};

use crate::{
    domain::{self, triage, validate},
    store::{self, complaint, interaction as interaction_row},
};

/// Roles that may file and change complaints on a player's behalf.
const WRITERS: &[Role] = &[Role::Backend, Role::Agent, Role::Supervisor, Role::Admin];
/// Roles that may read complaints: any.
const READERS: &[Role] = &Role::ALL;

/// Everything the handlers share.
pub struct IntakeApi {
    db: DatabaseConnection,
    relay: Arc<Relay>,
    policy: Arc<PolicyTable>,
    page_tokens: PageTokens,
    reference_prefix: String,
    references: store::ReferenceAllocator,
}

/// Reference numbers reserved per round trip to the counter row.
const REFERENCE_BLOCK: i64 = 20;

impl IntakeApi {
    /// The API over a database, its outbox relay and the deadline policy.
    pub fn new(
        db: DatabaseConnection,
        relay: Arc<Relay>,
        policy: Arc<PolicyTable>,
        page_tokens: PageTokens,
        reference_prefix: String,
    ) -> Self {
        Self {
            db,
            relay,
            policy,
            page_tokens,
            reference_prefix,
            references: store::ReferenceAllocator::new(REFERENCE_BLOCK),
        }
    }

    async fn load(&self, tenant: &str, name: &str, field: &str) -> Result<complaint::Model, ApiError> {
        let id = validate::complaint_name(name, field)?;
        store::find_complaint(&self.db, tenant, &id).await?.ok_or_else(|| ApiError::not_found(name))
    }

    /// Runs a keyed write of `method` (see `redress_outbox::keyed_write`).
    async fn keyed_write<R, F>(
        &self,
        tenant: &str,
        method: &str,
        request_id: &str,
        fingerprint: &str,
        write: F,
    ) -> Result<(R, bool), ApiError>
    where
        R: Message + Default,
        F: AsyncFnOnce(&DatabaseTransaction, &mut Inserts) -> Result<(R, Vec<OutboxMessage>), ApiError>,
    {
        let key = redress_idempotency::Key { tenant, method, request_id, fingerprint: fingerprint.to_owned() };
        redress_outbox::keyed_write(&self.db, &self.relay, &key, write).await
    }
}

/// What SubmitComplaint settled before its transaction: the reference
/// number it reserved and the times it validated against.
struct Filing {
    reference: String,
    incident_at: DateTime<Utc>,
    now: DateTime<Utc>,
}

fn status_of(row: &complaint::Model) -> ComplaintStatus {
    row.status.get()
}

/// A validated channel number as stored.
fn channel_of(value: i32) -> Stored<Channel> {
    Stored(Channel::try_from(value).unwrap_or(Channel::Unspecified))
}

#[allow(clippy::too_many_arguments)]
fn new_interaction(
    tenant: &str,
    complaint_id: &str,
    kind: interaction::Kind,
    direction: interaction::Direction,
    channel: i32,
    body: String,
    author: &str,
    status: Option<ComplaintStatus>,
    at: DateTime<Utc>,
) -> interaction_row::Model {
    interaction_row::Model {
        id: new_id(),
        tenant_id: tenant.to_owned(),
        complaint_id: complaint_id.to_owned(),
        kind: Stored(kind),
        direction: Stored(direction),
        channel: channel_of(channel),
        body,
        author: author.to_owned(),
        status: status.map(Stored),
        created_at: at,
    }
}

fn open_status_names() -> Vec<&'static str> {
    [
        ComplaintStatus::Received,
        ComplaintStatus::InProgress,
        ComplaintStatus::AwaitingPlayer,
        ComplaintStatus::ResolutionProposed,
        ComplaintStatus::ReferredToAdr,
    ]
    .into_iter()
    .filter(|s| domain::is_open(*s))
    .map(|s| s.as_str_name())
    .collect()
}

impl IntakeApi {
    async fn submit_complaint(
        &self,
        caller: Caller,
        req: SubmitComplaintRequest,
    ) -> Result<SubmitComplaintResponse, ApiError> {
        let now = now();

        let mut v = Violations::new();
        validate::request_id(&mut v, &req.request_id);
        validate::player(&mut v, req.player.as_ref());
        validate::category(&mut v, req.category);
        validate::channel(&mut v, req.channel, "channel");
        v.text(&req.subject, "subject", true, validate::MAX_SUBJECT);
        v.text(&req.description, "description", true, validate::MAX_BODY);
        validate::money(&mut v, req.disputed_amount.as_ref(), "disputed_amount");
        let incident = match &req.incident_time {
            Some(ts) => match convert::from_timestamp(ts) {
                Some(at) => Some(at),
                None => {
                    v.add("incident_time", "is not a valid timestamp");
                    None
                }
            },
            None => None,
        };
        let player = req.player.clone().unwrap_or_default();
        let (_, policy) = self.policy.lookup(&player.jurisdiction);
        validate::incident_time(&mut v, incident, now, policy.complaint_window_days);
        let given_category = ComplaintCategory::try_from(req.category).unwrap_or(ComplaintCategory::Unspecified);
        // Required references apply to a category the caller chose; an
        // inferred category must not reject a free-text e-mail complaint.
        if given_category != ComplaintCategory::Unspecified {
            validate::references(&mut v, req.transaction_references.as_ref(), given_category);
        } else {
            validate::references(&mut v, req.transaction_references.as_ref(), ComplaintCategory::Other);
        }
        v.into_result()?;

        let key = fingerprint(&req, |r| r.request_id.clear());
        let tenant = caller.tenant.clone();
        // Reserved before the transaction (see `ReferenceAllocator`), from
        // memory but for one upsert per block. A retry that turns out to be a
        // replay leaves a gap, as a crash does; checking for the replay first
        // would cost every new complaint a round trip to spare that number.
        let sequence = self.references.next(&self.db, &tenant, now.year()).await?;
        let (mut response, replayed) = self
            .keyed_write(&tenant, "SubmitComplaint", &req.request_id, &key, async |txn, inserts| {
                let filing = Filing {
                    reference: domain::reference(&self.reference_prefix, now.year(), sequence),
                    incident_at: incident.unwrap_or(now),
                    now,
                };
                self.file_complaint(txn, inserts, &caller, &req, filing).await
            })
            .await?;
        response.replayed = replayed;
        Ok(response)
    }

    /// Files a validated complaint inside `txn`; returns the response and the
    /// outbox rows to write with it.
    async fn file_complaint(
        &self,
        txn: &DatabaseTransaction,
        inserts: &mut Inserts,
        caller: &Caller,
        req: &SubmitComplaintRequest,
        filing: Filing,
    ) -> Result<(SubmitComplaintResponse, Vec<OutboxMessage>), ApiError> {
        let Filing { reference, incident_at, now } = filing;
        let tenant = caller.tenant.as_str();
        let mut player = req.player.clone().unwrap_or_default();
        player.jurisdiction = player.jurisdiction.to_ascii_uppercase();
        if player.preferred_channel == Channel::Unspecified as i32 {
            player.preferred_channel = req.channel;
        }
        let refs = req.transaction_references.clone().unwrap_or_default();
        let triage = triage::triage(triage::TriageInput {
            category: ComplaintCategory::try_from(req.category).unwrap_or(ComplaintCategory::Unspecified),
            subject: &req.subject,
            description: &req.description,
            disputed_amount: req.disputed_amount.as_ref(),
            self_excluded: player.self_excluded,
            at_risk: player.at_risk,
        });
        let deadlines = self.policy.deadlines(&player.jurisdiction, triage.responsible_gambling, now);
        let duplicate_key = domain::duplicate_key(&refs);
        let original = match &duplicate_key {
            Some(key) => store::find_open_duplicate(txn, tenant, &player.player_id, key, &open_status_names()).await?,
            None => None,
        };

        let id = new_id();
        let row = complaint::Model {
            id: id.clone(),
            tenant_id: tenant.to_owned(),
            reference,
            player_id: player.player_id.clone(),
            jurisdiction: player.jurisdiction.clone(),
            player: player.encode_to_vec(),
            transaction_references: refs.encode_to_vec(),
            duplicate_key,
            category: Stored(triage.category),
            category_inferred: triage.category_inferred,
            subject: req.subject.trim().to_owned(),
            description: req.description.clone(),
            channel: channel_of(req.channel),
            incident_at,
            disputed_amount_minor: req.disputed_amount.as_ref().map(|m| m.amount_minor),
            disputed_currency: req.disputed_amount.as_ref().map(|m| m.currency_code.clone()),
            status: original.as_ref().map_or(Stored(ComplaintStatus::Received), |o| o.status),
            priority: Stored(triage.priority),
            kind: Stored(ComplaintKind::Complaint),
            responsible_gambling: triage.responsible_gambling,
            harm_indicators: triage.harm_indicators.join(","),
            duplicate_of: original.as_ref().map(|o| o.id.clone()),
            acknowledge_due_at: deadlines.acknowledge_due,
            final_response_due_at: deadlines.final_response_due,
            policy_jurisdiction: deadlines.jurisdiction,
            policy_version: deadlines.version,
            outcome: Stored(Outcome::Unspecified),
            case_name: original.as_ref().and_then(|o| o.case_name.clone()),
            last_case_sequence: 0,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        store::insert_complaint(inserts, row.clone());
        let filed = new_interaction(
            tenant,
            &id,
            interaction::Kind::ComplaintFiled,
            interaction::Direction::Inbound,
            req.channel,
            format!("{}\n\n{}", req.subject.trim(), req.description),
            &player.player_id,
            Some(ComplaintStatus::Received),
            now,
        );
        store::insert_interaction(inserts, filed.clone());

        let complaint = convert::complaint(&row);
        let mut messages = Vec::new();
        match &original {
            None => {
                messages.push(outbox::open_case(tenant, &complaint, now));
                messages.push(outbox::complaint_received(tenant, &id, &complaint, &player));
                messages.push(outbox::event(
                    tenant,
                    format!("intake:{id}:submitted"),
                    EventType::Submitted,
                    &complaint,
                    now,
                ));
            }
            Some(original) => {
                // The same problem again (often on another channel): it joins
                // the open complaint's history and case instead of a new case.
                let note = new_interaction(
                    tenant,
                    &original.id,
                    interaction::Kind::PlayerMessage,
                    interaction::Direction::Inbound,
                    req.channel,
                    format!("Reported again as {} ({}): {}", row.reference, complaint.name, req.description),
                    &player.player_id,
                    None,
                    now,
                );
                store::insert_interaction(inserts, note.clone());
                let original_proto = convert::complaint(original);
                messages.push(outbox::player_message(
                    tenant,
                    &original_proto.name,
                    &format!("complaints/{}/interactions/{}", original.id, note.id),
                    req.channel,
                    &note.body,
                    now,
                ));
                messages.push(outbox::complaint_received(tenant, &id, &original_proto, &player));
                messages.push(outbox::event(
                    tenant,
                    format!("intake:{id}:duplicate"),
                    EventType::PlayerMessage,
                    &original_proto,
                    now,
                ));
            }
        }
        Ok((SubmitComplaintResponse { complaint: Some(complaint), replayed: false }, messages))
    }

    async fn list_complaints(
        &self,
        caller: Caller,
        req: ListComplaintsRequest,
    ) -> Result<ListComplaintsResponse, ApiError> {
        let mut v = Violations::new();
        let enum_filter = |v: &mut Violations, value: i32, field: &str, name: Option<&str>| -> Option<String> {
            match (value, name) {
                (0, _) => None,
                (_, Some(n)) => Some(n.to_owned()),
                (_, None) => {
                    v.add(field, "is not a known value");
                    None
                }
            }
        };
        let filter = store::ComplaintFilter {
            status: enum_filter(
                &mut v,
                req.status,
                "status",
                ComplaintStatus::try_from(req.status).ok().map(|s| s.as_str_name()),
            ),
            category: enum_filter(
                &mut v,
                req.category,
                "category",
                ComplaintCategory::try_from(req.category).ok().map(|s| s.as_str_name()),
            ),
            channel: enum_filter(
                &mut v,
                req.channel,
                "channel",
                Channel::try_from(req.channel).ok().map(|s| s.as_str_name()),
            ),
            player_id: (!req.player_id.is_empty()).then(|| req.player_id.clone()),
            jurisdiction: (!req.jurisdiction.is_empty()).then(|| req.jurisdiction.to_ascii_uppercase()),
            created_from: v.timestamp(req.create_time_start.as_ref(), "create_time_start"),
            created_to: v.timestamp(req.create_time_end.as_ref(), "create_time_end"),
        };
        let size = redress_paging::page_size(req.page_size, 50, 1000);
        if let Err(err) = &size {
            v.add("page_size", err.message.clone());
        }
        v.into_result()?;
        let size = size?;
        let filter_key = format!("{filter:?}");
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter_key)?;
        let mut rows = store::list_complaints(&self.db, &caller.tenant, &filter, after.as_deref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &filter_key, |last| last.id.clone());
        Ok(ListComplaintsResponse { complaints: rows.iter().map(convert::complaint).collect(), next_page_token })
    }

    async fn add_player_message(
        &self,
        caller: Caller,
        req: AddPlayerMessageRequest,
    ) -> Result<AddPlayerMessageResponse, ApiError> {
        let mut v = Violations::new();
        validate::request_id(&mut v, &req.request_id);
        validate::channel(&mut v, req.channel, "channel");
        v.text(&req.body, "body", true, validate::MAX_BODY);
        v.into_result()?;
        let row = self.load(&caller.tenant, &req.complaint, "complaint").await?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        let tenant = caller.tenant.clone();
        let (response, _) = self
            .keyed_write(&tenant, "AddPlayerMessage", &req.request_id, &key, async |txn, inserts| {
                // The status decides, so it is read again under a lock.
                let row = store::lock_complaint(txn, &tenant, &row.id)
                    .await?
                    .ok_or_else(|| ApiError::not_found(&req.complaint))?;
                let status = status_of(&row);
                if !domain::accepts_messages(status) {
                    return Err(ApiError::failed_precondition(
                        "COMPLAINT_NOT_OPEN",
                        format!("the complaint is {}; it accepts no more messages", status.as_str_name()),
                    )
                    .with_metadata("status", status.as_str_name()));
                }
                let now = now();
                let author = inbound_author(&caller, &row.player_id);
                let message = new_interaction(
                    &tenant,
                    &row.id,
                    interaction::Kind::PlayerMessage,
                    interaction::Direction::Inbound,
                    req.channel,
                    req.body.clone(),
                    &author,
                    None,
                    now,
                );
                store::insert_interaction(inserts, message.clone());
                // A duplicate's messages belong to the case of its original.
                let target = row.duplicate_of.clone().unwrap_or_else(|| row.id.clone());
                let complaint = convert::complaint(&row);
                let interaction = convert::interaction(&message);
                let messages = vec![
                    outbox::player_message(
                        &tenant,
                        &convert::complaint_name(&target),
                        &interaction.name,
                        req.channel,
                        &req.body,
                        now,
                    ),
                    outbox::event(
                        &tenant,
                        format!("intake:{}:message", message.id),
                        EventType::PlayerMessage,
                        &complaint,
                        now,
                    ),
                ];
                Ok((AddPlayerMessageResponse { interaction: Some(interaction) }, messages))
            })
            .await?;
        Ok(response)
    }

    async fn submit_player_decision(
        &self,
        caller: Caller,
        req: SubmitPlayerDecisionRequest,
    ) -> Result<SubmitPlayerDecisionResponse, ApiError> {
        let mut v = Violations::new();
        validate::request_id(&mut v, &req.request_id);
        validate::channel(&mut v, req.channel, "channel");
        v.text(&req.comment, "comment", false, 2000);
        let decision = PlayerDecision::try_from(req.decision).unwrap_or(PlayerDecision::Unspecified);
        v.check(decision == PlayerDecision::Unspecified, "decision", "must be ACCEPT or REJECT");
        v.into_result()?;
        let row = self.load(&caller.tenant, &req.complaint, "complaint").await?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        let tenant = caller.tenant.clone();
        let (response, _) = self
            .keyed_write(&tenant, "SubmitPlayerDecision", &req.request_id, &key, async |txn, inserts| {
                // The status decides, so it is read again under a lock.
                let row = store::lock_complaint(txn, &tenant, &row.id)
                    .await?
                    .ok_or_else(|| ApiError::not_found(&req.complaint))?;
                let status = status_of(&row);
                if status != ComplaintStatus::ResolutionProposed {
                    return Err(ApiError::failed_precondition(
                        "NO_PROPOSAL_PENDING",
                        format!("the complaint is {}; there is no proposal to decide on", status.as_str_name()),
                    )
                    .with_metadata("status", status.as_str_name()));
                }
                let now = now();
                let verb = if decision == PlayerDecision::Accept { "accepted" } else { "rejected" };
                let body = if req.comment.is_empty() {
                    format!("The player {verb} the proposed resolution")
                } else {
                    format!("The player {verb} the proposed resolution: {}", req.comment)
                };
                let author = inbound_author(&caller, &row.player_id);
                let record = new_interaction(
                    &tenant,
                    &row.id,
                    interaction::Kind::PlayerDecision,
                    interaction::Direction::Inbound,
                    req.channel,
                    body,
                    &author,
                    None,
                    now,
                );
                store::insert_interaction(inserts, record.clone());
                let interaction = convert::interaction(&record);
                let messages = vec![outbox::player_decision(
                    &tenant,
                    &convert::complaint_name(&row.id),
                    &interaction.name,
                    decision,
                    &req.comment,
                    now,
                )];
                Ok((SubmitPlayerDecisionResponse { interaction: Some(interaction) }, messages))
            })
            .await?;
        Ok(response)
    }

    async fn withdraw_complaint(
        &self,
        caller: Caller,
        req: WithdrawComplaintRequest,
    ) -> Result<WithdrawComplaintResponse, ApiError> {
        let mut v = Violations::new();
        validate::request_id(&mut v, &req.request_id);
        v.text(&req.reason, "reason", false, 2000);
        v.into_result()?;
        let id = validate::complaint_name(&req.name, "name")?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        let tenant = caller.tenant.clone();
        let (response, _) = self
            .keyed_write(&tenant, "WithdrawComplaint", &req.request_id, &key, async |txn, inserts| {
                let mut row =
                    store::find_complaint(txn, &tenant, &id).await?.ok_or_else(|| ApiError::not_found(&req.name))?;
                if !req.etag.is_empty() && req.etag != convert::etag(row.version) {
                    return Err(ApiError::stale_etag(&req.name));
                }
                let status = status_of(&row);
                if !domain::can_withdraw(status) {
                    return Err(ApiError::failed_precondition(
                        "COMPLAINT_NOT_WITHDRAWABLE",
                        format!("the complaint is {}; it can no longer be withdrawn", status.as_str_name()),
                    )
                    .with_metadata("status", status.as_str_name()));
                }
                let now = now();
                let expected = row.version;
                row.status = Stored(ComplaintStatus::Withdrawn);
                row.version += 1;
                row.updated_at = now;
                if !store::update_complaint(txn, row.clone(), expected).await? {
                    return Err(ApiError::stale_etag(&req.name));
                }
                let body = if req.reason.is_empty() {
                    "The player withdrew the complaint".to_owned()
                } else {
                    format!("The player withdrew the complaint: {}", req.reason)
                };
                let author = inbound_author(&caller, &row.player_id);
                let record = new_interaction(
                    &tenant,
                    &row.id,
                    interaction::Kind::Withdrawn,
                    interaction::Direction::Inbound,
                    Channel::Unspecified as i32,
                    body,
                    &author,
                    Some(ComplaintStatus::Withdrawn),
                    now,
                );
                store::insert_interaction(inserts, record.clone());
                let complaint = convert::complaint(&row);
                let mut messages = vec![outbox::event(
                    &tenant,
                    format!("intake:{}:withdrawn", row.id),
                    EventType::Withdrawn,
                    &complaint,
                    now,
                )];
                if row.duplicate_of.is_none() {
                    messages.push(outbox::withdrawal(
                        &tenant,
                        &complaint.name,
                        &convert::interaction(&record).name,
                        &req.reason,
                        now,
                    ));
                }
                Ok((WithdrawComplaintResponse { complaint: Some(complaint) }, messages))
            })
            .await?;
        Ok(response)
    }

    async fn list_interactions(
        &self,
        caller: Caller,
        req: ListInteractionsRequest,
    ) -> Result<ListInteractionsResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 100, 1000)?;
        let row = self.load(&caller.tenant, &req.parent, "parent").await?;
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &req.parent)?;
        let mut rows = store::list_interactions(&self.db, &caller.tenant, &row.id, after.as_deref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &req.parent, |last| last.id.clone());
        Ok(ListInteractionsResponse { interactions: rows.iter().map(convert::interaction).collect(), next_page_token })
    }

    async fn apply_case_update(
        &self,
        caller: Caller,
        req: ApplyCaseUpdateRequest,
    ) -> Result<ApplyCaseUpdateResponse, ApiError> {
        let mut v = Violations::new();
        v.text(&req.event_id, "event_id", true, validate::MAX_REQUEST_ID);
        v.text(&req.case, "case", true, 128);
        let status = ComplaintStatus::try_from(req.status).unwrap_or(ComplaintStatus::Unspecified);
        v.check(status == ComplaintStatus::Unspecified, "status", "must be a known, specified status");
        v.check(req.case_event_sequence <= 0, "case_event_sequence", "must be positive");
        v.text(&req.player_message, "player_message", false, validate::MAX_BODY);
        v.into_result()?;
        let id = validate::complaint_name(&req.complaint, "complaint")?;
        let key = fingerprint(&req, |r| r.event_id.clear());
        let tenant = caller.tenant.clone();
        let (response, _) = self
            .keyed_write(&tenant, "ApplyCaseUpdate", &req.event_id, &key, async |txn, inserts| {
                let mut row = store::find_complaint(txn, &tenant, &id)
                    .await?
                    .ok_or_else(|| ApiError::not_found(&req.complaint))?;
                // Out-of-order deliveries: an older case event never
                // overwrites a newer one.
                if req.case_event_sequence <= row.last_case_sequence {
                    return Ok((ApplyCaseUpdateResponse { complaint: Some(convert::complaint(&row)) }, Vec::new()));
                }
                let now = now();
                let previous = status_of(&row);
                let expected = row.version;
                // A withdrawal by the player stands; the case only closes.
                if previous != ComplaintStatus::Withdrawn {
                    row.status = Stored(status);
                }
                if let Ok(outcome) = Outcome::try_from(req.outcome)
                    && outcome != Outcome::Unspecified
                {
                    row.outcome = Stored(outcome);
                }
                if let Ok(kind) = ComplaintKind::try_from(req.kind)
                    && kind != ComplaintKind::Unspecified
                {
                    row.kind = Stored(kind);
                }
                row.case_name = Some(req.case.clone());
                row.last_case_sequence = req.case_event_sequence;
                row.version += 1;
                row.updated_at = now;
                if !store::update_complaint(txn, row.clone(), expected).await? {
                    return Err(ApiError::new(
                        redress_errors::ErrorCode::Aborted,
                        "CONCURRENT_UPDATE",
                        "the complaint changed concurrently; retry",
                    ));
                }
                let actor = if req.actor.is_empty() { caller.subject.clone() } else { req.actor.clone() };
                let new_status = status_of(&row);
                if new_status != previous {
                    let change = new_interaction(
                        &tenant,
                        &row.id,
                        interaction::Kind::StatusChanged,
                        interaction::Direction::System,
                        Channel::Unspecified as i32,
                        format!("Status changed from {} to {}", previous.as_str_name(), new_status.as_str_name()),
                        &actor,
                        Some(new_status),
                        now,
                    );
                    store::insert_interaction(inserts, change);
                }
                if !req.player_message.is_empty() {
                    let message = new_interaction(
                        &tenant,
                        &row.id,
                        interaction::Kind::AgentMessage,
                        interaction::Direction::Outbound,
                        req.channel,
                        req.player_message.clone(),
                        &actor,
                        None,
                        now,
                    );
                    store::insert_interaction(inserts, message);
                }
                Ok((ApplyCaseUpdateResponse { complaint: Some(convert::complaint(&row)) }, Vec::new()))
            })
            .await?;
        Ok(response)
    }
}

/// Who wrote an inbound record: the player when a backend relays them, else
/// the agent who captured it.
fn inbound_author(caller: &Caller, player_id: &str) -> String {
    if caller.roles.contains(&Role::Backend) { player_id.to_owned() } else { caller.subject.clone() }
}

impl IntakeApi {
    pub(crate) async fn get_complaint(
        &self,
        caller: Caller,
        req: GetComplaintRequest,
    ) -> Result<GetComplaintResponse, ApiError> {
        let row = self.load(&caller.tenant, &req.name, "name").await?;
        Ok(GetComplaintResponse { complaint: Some(convert::complaint(&row)) })
    }
}

redress_server::delegate! {
    /// The public service.
    pub struct PublicService(IntakeApi): IntakeService {
        submit_complaint(SubmitComplaintRequest) -> SubmitComplaintResponse = WRITERS;
        get_complaint(GetComplaintRequest) -> GetComplaintResponse = READERS;
        list_complaints(ListComplaintsRequest) -> ListComplaintsResponse = READERS;
        add_player_message(AddPlayerMessageRequest) -> AddPlayerMessageResponse = WRITERS;
        submit_player_decision(SubmitPlayerDecisionRequest) -> SubmitPlayerDecisionResponse = WRITERS;
        withdraw_complaint(WithdrawComplaintRequest) -> WithdrawComplaintResponse = WRITERS;
        list_interactions(ListInteractionsRequest) -> ListInteractionsResponse = READERS;
    }
}

redress_server::delegate! {
    /// The internal service (role `service`).
    pub struct InternalService(IntakeApi): IntakeInternalService {
        apply_case_update(ApplyCaseUpdateRequest) -> ApplyCaseUpdateResponse = &[Role::Service];
    }
}
