//! Resolution's case updates: the status, outcome and agent messages the
//! player sees follow the case, in case-event order.

use redress_auth::Caller;
use redress_db::{Stored, now};
use redress_errors::{ApiError, Violations};
use redress_idempotency::Key;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, ComplaintKind, ComplaintStatus, Outcome},
    intake::v1::{ApplyCaseUpdateRequest, ApplyCaseUpdateResponse, interaction},
};

use super::{Entry, IntakeApi, convert};
use crate::{
    domain::{
        case_update::{self, Standing, Update},
        history, validate,
    },
    store,
};

impl IntakeApi {
    pub(super) async fn apply_case_update(
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
        let category: ComplaintCategory = v.enum_value(req.category, "category").unwrap_or_default();
        v.into_result()?;
        let id = validate::complaint_name(&req.name, "name")?;
        let tenant = caller.tenant.clone();
        let key = Key::of(&tenant, "ApplyCaseUpdate", &req.event_id, &req, |r| r.event_id.clear());
        let (response, _) = redress_outbox::keyed_write(&self.db, &self.relay, &key, async |txn, inserts| {
            let mut row =
                store::find_complaint(txn, &tenant, &id).await?.ok_or_else(|| ApiError::not_found(&req.name))?;
            let previous = Standing {
                status: row.status.get(),
                outcome: row.outcome.get(),
                kind: row.kind.get(),
                category: row.category.get(),
            };
            let update = Update {
                sequence: req.case_event_sequence,
                status,
                outcome: Outcome::try_from(req.outcome).unwrap_or_default(),
                kind: ComplaintKind::try_from(req.kind).unwrap_or_default(),
                category,
            };
            let Some(next) = case_update::apply(previous, row.last_case_sequence, update) else {
                return Ok((ApplyCaseUpdateResponse { complaint: Some(convert::complaint(&row)) }, Vec::new()));
            };
            let now = now();
            let expected = row.version;
            row.status = Stored(next.status);
            row.outcome = Stored(next.outcome);
            row.kind = Stored(next.kind);
            row.category = Stored(next.category);
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
            if next.status != previous.status {
                let change = Entry {
                    kind: interaction::Kind::StatusChanged,
                    direction: interaction::Direction::System,
                    channel: Channel::Unspecified as i32,
                    body: history::status_change_text(previous.status, next.status),
                    author: &actor,
                    status: Some(next.status),
                };
                store::insert_interaction(inserts, change.row(&tenant, &row.id, now));
            }
            if next.category != previous.category {
                let change = Entry {
                    kind: interaction::Kind::Recategorised,
                    direction: interaction::Direction::System,
                    channel: Channel::Unspecified as i32,
                    body: history::category_change_text(previous.category, next.category),
                    author: &actor,
                    status: None,
                };
                store::insert_interaction(inserts, change.row(&tenant, &row.id, now));
            }
            if !req.player_message.is_empty() {
                let message = Entry {
                    kind: interaction::Kind::AgentMessage,
                    direction: interaction::Direction::Outbound,
                    channel: req.channel,
                    // Deliveries are not ordered: the message may arrive
                    // after the complaint's erasure.
                    body: if row.erased_at.is_some() {
                        redress_db::erasure::erased(&req.player_message)
                    } else {
                        req.player_message.clone()
                    },
                    author: &actor,
                    status: None,
                };
                store::insert_interaction(inserts, message.row(&tenant, &row.id, now));
            }
            Ok((ApplyCaseUpdateResponse { complaint: Some(convert::complaint(&row)) }, Vec::new()))
        })
        .await?;
        Ok(response)
    }
}
