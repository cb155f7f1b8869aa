//! SubmitComplaint: validate, triage, link a repeat to its open original,
//! and file the complaint with its first history entry and outbox rows in
//! one keyed insert.

use chrono::{DateTime, Datelike, Utc};
use redress_auth::Caller;
use redress_db::{Encoded, Inserts, Stored, new_id, now};
use redress_errors::{ApiError, Violations};
use redress_idempotency::Key;
use redress_outbox::OutboxMessage;
use redress_proto::{
    common::v1::{ComplaintCategory, ComplaintKind, ComplaintStatus, Outcome},
    feedback::v1::EventType,
    intake::v1::{SubmitComplaintRequest, SubmitComplaintResponse, interaction},
};

use super::{Entry, IntakeApi, channel_of, convert, outbox};
use crate::{
    domain::{self, history, triage, validate},
    store::{self, complaint},
};

/// What SubmitComplaint settled before its transaction: the reference
/// number it reserved and the times it validated against.
struct Filing {
    reference: String,
    incident_at: DateTime<Utc>,
    now: DateTime<Utc>,
}

/// The stored names of the statuses a repeat may join.
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
    pub(super) async fn submit_complaint(
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
        validate::references(&mut v, req.transaction_references.as_ref(), domain::references_category(given_category));
        v.into_result()?;

        let tenant = caller.tenant.clone();
        let key = Key::of(&tenant, "SubmitComplaint", &req.request_id, &req, |r| r.request_id.clear());
        // Reserved before the transaction (see `ReferenceAllocator`), from
        // memory but for one upsert per block. A retry that turns out to be a
        // replay leaves a gap, as a crash does; checking for the replay first
        // would cost every new complaint a round trip to spare that number.
        let sequence = self.references.next(&self.db, &tenant, now.year()).await?;
        let (mut response, replayed) = redress_outbox::keyed_insert(&self.db, &self.relay, &key, async |inserts| {
            let filing = Filing {
                reference: domain::reference(&self.reference_prefix, now.year(), sequence),
                incident_at: incident.unwrap_or(now),
                now,
            };
            self.file_complaint(inserts, &caller, &req, filing).await
        })
        .await?;
        response.replayed = replayed;
        Ok(response)
    }

    /// Files a validated complaint: adds its rows to `inserts`; returns the
    /// response and the outbox rows to write with it.
    async fn file_complaint(
        &self,
        inserts: &mut Inserts,
        caller: &Caller,
        req: &SubmitComplaintRequest,
        filing: Filing,
    ) -> Result<(SubmitComplaintResponse, Vec<OutboxMessage>), ApiError> {
        let Filing { reference, incident_at, now } = filing;
        let tenant = caller.tenant.as_str();
        let mut player = domain::filing_player(req.player.clone().unwrap_or_default(), req.channel);
        let refs = req.transaction_references.clone().unwrap_or_default();
        let duplicate_key = domain::duplicate_key(&refs);
        // Read before the insert, outside any transaction (see
        // `keyed_insert`), from what is committed. The complaint-frequency rule
        // (`redress_policy::ComplaintFrequency`) is a harm marker, not a
        // limit: two complaints filed at the same instant may both miss it,
        // and the next one is marked. Likewise two repeats of one problem
        // filed at the same instant may both stand as originals; a later
        // repeat joins the older one.
        let rule = self.policy.complaint_frequency(tenant).filter(|r| r.complaints > 0);
        let open_statuses = open_status_names();
        let standing = store::player_standing(
            &self.readers,
            tenant,
            &player.player_id,
            rule.map(|r| now - chrono::Duration::days(r.days.into())),
            duplicate_key
                .as_deref()
                .map(|duplicate_key| store::SameTransaction { duplicate_key, open_statuses: &open_statuses }),
        )
        .await?;
        let frequent = rule.is_some_and(|r| r.marks_at_risk(standing.recent));
        let original = standing.open_original;
        let triage = triage::triage(triage::TriageInput {
            category: ComplaintCategory::try_from(req.category).unwrap_or(ComplaintCategory::Unspecified),
            subject: &req.subject,
            description: &req.description,
            disputed_amount: req.disputed_amount.as_ref(),
            self_excluded: player.self_excluded,
            at_risk: player.at_risk,
            frequent_complainant: frequent,
        });
        player.at_risk |= frequent;
        let deadlines = self.policy.deadlines(&player.jurisdiction, triage.responsible_gambling, now);

        let id = new_id();
        let row = complaint::Model {
            id: id.clone(),
            tenant_id: tenant.to_owned(),
            reference,
            player_id: player.player_id.clone(),
            jurisdiction: player.jurisdiction.clone(),
            player: Encoded(player.clone()),
            transaction_references: Encoded(refs.clone()),
            duplicate_key,
            category: Stored(triage.category),
            category_inferred: triage.category_inferred,
            original_category: Stored(triage.category),
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
            erased_at: None,
        };
        store::insert_complaint(inserts, row.clone());
        let filed = Entry {
            kind: interaction::Kind::ComplaintFiled,
            direction: interaction::Direction::Inbound,
            channel: req.channel,
            body: format!("{}\n\n{}", req.subject.trim(), req.description),
            author: &player.player_id,
            status: Some(ComplaintStatus::Received),
        };
        store::insert_interaction(inserts, filed.row(tenant, &id, now));

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
                let note = Entry {
                    kind: interaction::Kind::PlayerMessage,
                    direction: interaction::Direction::Inbound,
                    channel: req.channel,
                    body: history::repeat_text(&row.reference, &complaint.name, &req.description),
                    author: &player.player_id,
                    status: None,
                }
                .row(tenant, &original.id, now);
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
}
