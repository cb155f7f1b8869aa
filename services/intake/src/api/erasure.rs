//! Legal holds and erasures (dpo, admin): CreateLegalHold, ListLegalHolds,
//! ReleaseLegalHold, ErasePlayerData, GetErasure, ListErasures,
//! ListRetentionSweeps. Intake erases its own records in the request's
//! transaction and tells the other services through its outbox; an
//! erasure's progress per service is read back from that outbox.

use chrono::{DateTime, Utc};
use redress_auth::Caller;
use redress_db::{Encoded, erasure::needles, new_id, now};
use redress_errors::{ApiError, Violations};
use redress_idempotency::Key;
use redress_outbox::OutboxMessage;
use redress_proto::intake::v1::{
    CreateLegalHoldRequest, CreateLegalHoldResponse, ErasePlayerDataRequest, ErasePlayerDataResponse, Erasure,
    GetErasureRequest, GetErasureResponse, LegalHold, ListErasuresRequest, ListErasuresResponse, ListLegalHoldsRequest,
    ListLegalHoldsResponse, ListRetentionSweepsRequest, ListRetentionSweepsResponse, ReleaseLegalHoldRequest,
    ReleaseLegalHoldResponse, RetentionSweep, erasure,
};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

use super::{
    IntakeApi, convert,
    outbox::{self, ErasureOrder},
};
use crate::{
    domain::{erasure as rules, validate},
    store::{
        self, complaint,
        erasure::{self as erasures, legal_hold, retention_sweep},
    },
};

/// Longest reason of a hold, a release or an erasure.
const MAX_REASON: usize = 1000;
/// The requester of the retention sweep's erasures.
pub const RETENTION_SWEEPER: &str = "retention-sweeper";

/// A new erasure, before it is written.
pub(super) struct NewErasure<'a> {
    pub tenant: &'a str,
    pub player_id: &'a str,
    pub trigger: erasure::Trigger,
    pub reason: String,
    pub requester: &'a str,
    pub complaints: Vec<complaint::Model>,
}

impl IntakeApi {
    pub(super) async fn create_legal_hold(
        &self,
        caller: Caller,
        req: CreateLegalHoldRequest,
    ) -> Result<CreateLegalHoldResponse, ApiError> {
        let now = now();
        let mut v = Violations::new();
        validate::request_id(&mut v, &req.request_id);
        let hold = req.legal_hold.clone().unwrap_or_default();
        v.text(&hold.reason, "legal_hold.reason", true, MAX_REASON);
        let end = v.timestamp(hold.end_time.as_ref(), "legal_hold.end_time");
        v.check(hold.end_time.is_none(), "legal_hold.end_time", "is required");
        v.check(end.is_some_and(|e| e <= now), "legal_hold.end_time", "must be in the future");
        v.into_result()?;
        let player_id = rules::player_id(&req.parent, "parent")?;
        let end = end.ok_or_else(|| ApiError::invalid_field("legal_hold.end_time", "is required"))?;
        let tenant = caller.tenant.clone();
        let key = Key::of(&tenant, "CreateLegalHold", &req.request_id, &req, |r| r.request_id.clear());
        let (response, _) = redress_outbox::keyed_write(&self.db, &self.relay, &key, async |txn, _| {
            let row = legal_hold::Model {
                id: new_id(),
                tenant_id: tenant.clone(),
                player_id: player_id.clone(),
                reason: hold.reason.clone(),
                end_at: end,
                creator: caller.subject.clone(),
                created_at: now,
                released_at: None,
                releaser: String::new(),
                release_reason: String::new(),
                version: 1,
            };
            erasures::insert_hold(txn, row.clone()).await?;
            tracing::info!(hold = %hold_name(&row), end = %end, "legal hold placed");
            Ok((CreateLegalHoldResponse { legal_hold: Some(hold_of(&row, now)) }, Vec::new()))
        })
        .await?;
        Ok(response)
    }

    pub(super) async fn list_legal_holds(
        &self,
        caller: Caller,
        req: ListLegalHoldsRequest,
    ) -> Result<ListLegalHoldsResponse, ApiError> {
        let player_id = rules::player_id(&req.parent, "parent")?;
        let size = redress_paging::page_size(req.page_size, 50, 1000)?;
        let filter = redress_paging::filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter)?;
        let mut rows = erasures::list_holds(&self.db, &caller.tenant, &player_id, after.as_deref(), size + 1).await?;
        let next_page_token = self.page_tokens.next_page(&mut rows, size, &caller.tenant, &filter, |l| l.id.clone());
        let now = now();
        Ok(ListLegalHoldsResponse { legal_holds: rows.iter().map(|r| hold_of(r, now)).collect(), next_page_token })
    }

    pub(super) async fn release_legal_hold(
        &self,
        caller: Caller,
        req: ReleaseLegalHoldRequest,
    ) -> Result<ReleaseLegalHoldResponse, ApiError> {
        let mut v = Violations::new();
        v.text(&req.reason, "reason", false, MAX_REASON);
        v.into_result()?;
        let (player_id, id) = rules::hold_ids(&req.name, "name")?;
        let now = now();
        let mut row = erasures::find_hold(&self.db, &caller.tenant, &player_id, &id)
            .await?
            .ok_or_else(|| ApiError::not_found(&req.name))?;
        if !req.etag.is_empty() && req.etag != convert::etag(row.version) {
            return Err(ApiError::stale_etag(&req.name));
        }
        if row.released_at.is_some() {
            return Ok(ReleaseLegalHoldResponse { legal_hold: Some(hold_of(&row, now)) });
        }
        let expected = row.version;
        row.released_at = Some(now);
        row.releaser = caller.subject.clone();
        row.release_reason = req.reason.clone();
        row.version += 1;
        if !erasures::release_hold(&self.db, row.clone(), expected).await? {
            return Err(ApiError::stale_etag(&req.name));
        }
        tracing::info!(hold = %req.name, "legal hold released");
        Ok(ReleaseLegalHoldResponse { legal_hold: Some(hold_of(&row, now)) })
    }

    pub(super) async fn erase_player_data(
        &self,
        caller: Caller,
        req: ErasePlayerDataRequest,
    ) -> Result<ErasePlayerDataResponse, ApiError> {
        let mut v = Violations::new();
        validate::request_id(&mut v, &req.request_id);
        v.text(&req.reason, "reason", false, MAX_REASON);
        v.into_result()?;
        let player_id = rules::player_id(&req.player, "player")?;
        let tenant = caller.tenant.clone();
        let key = Key::of(&tenant, "ErasePlayerData", &req.request_id, &req, |r| r.request_id.clear());
        // A case update landing on one of the complaints meanwhile aborts
        // the attempt; the erasure is then simply made again.
        let (mut response, replayed) = redress_errors::retry_aborted(8, || {
            redress_outbox::keyed_write(&self.db, &self.relay, &key, async |txn, _| {
                let now = now();
                refuse_if_held(txn, &tenant, &player_id, now).await?;
                let complaints = erasures::complaints_of_player(txn, &tenant, &player_id).await?;
                let new = NewErasure {
                    tenant: &tenant,
                    player_id: &player_id,
                    trigger: erasure::Trigger::Request,
                    reason: req.reason.clone(),
                    requester: &caller.subject,
                    complaints,
                };
                let (row, messages) = self.erase(txn, new, now).await?;
                Ok((ErasePlayerDataResponse { erasure: Some(erasure_of(&row)), replayed: false }, messages))
            })
        })
        .await?;
        response.replayed = replayed;
        Ok(response)
    }

    pub(super) async fn get_erasure(
        &self,
        caller: Caller,
        req: GetErasureRequest,
    ) -> Result<GetErasureResponse, ApiError> {
        let id = redress_errors::resource_id(&req.name, "erasures", "name")?;
        let row = erasures::find_erasure(&self.db, &caller.tenant, &id)
            .await?
            .ok_or_else(|| ApiError::not_found(&req.name))?;
        let row = self.settle(row).await?;
        Ok(GetErasureResponse { erasure: Some(erasure_of(&row)) })
    }

    pub(super) async fn list_erasures(
        &self,
        caller: Caller,
        req: ListErasuresRequest,
    ) -> Result<ListErasuresResponse, ApiError> {
        let player_id = if req.player.is_empty() { None } else { Some(rules::player_id(&req.player, "player")?) };
        let size = redress_paging::page_size(req.page_size, 50, 1000)?;
        let filter = redress_paging::filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter)?;
        let mut rows =
            erasures::list_erasures(&self.db, &caller.tenant, player_id.as_deref(), after.as_deref(), size + 1).await?;
        let next_page_token = self.page_tokens.next_page(&mut rows, size, &caller.tenant, &filter, |l| l.id.clone());
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(erasure_of(&self.settle(row).await?));
        }
        Ok(ListErasuresResponse { erasures: out, next_page_token })
    }

    pub(super) async fn list_retention_sweeps(
        &self,
        caller: Caller,
        req: ListRetentionSweepsRequest,
    ) -> Result<ListRetentionSweepsResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 50, 1000)?;
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, "retentionSweeps")?;
        let mut rows = erasures::list_sweeps(&self.db, &caller.tenant, after.as_deref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, "retentionSweeps", |l| l.id.clone());
        Ok(ListRetentionSweepsResponse { retention_sweeps: rows.iter().map(sweep_of).collect(), next_page_token })
    }

    /// Erases `new.complaints` (their rows, interactions, and the stored
    /// copies of what they held) inside `txn`, records the erasure, and
    /// returns it with the outbox rows that carry it to the other services.
    pub(super) async fn erase(
        &self,
        txn: &DatabaseTransaction,
        new: NewErasure<'_>,
        now: DateTime<Utc>,
    ) -> Result<(erasures::erasure_record::Model, Vec<OutboxMessage>), ApiError> {
        let mut found = Vec::new();
        for row in &new.complaints {
            erase_complaint(txn, row.clone(), now, &mut found).await?;
            // Stored copies about the complaint name it.
            found.push(format!("complaints/{}", row.id));
        }
        let needles = needles(found.iter().map(String::as_str));
        let blanked = redress_idempotency::forget_responses_containing(txn, new.tenant, &needles).await?;
        let deleted = redress_outbox::forget_containing(txn, new.tenant, &needles).await?;
        let row = erasures::erasure_record::Model {
            id: new_id(),
            tenant_id: new.tenant.to_owned(),
            player_id: new.player_id.to_owned(),
            trigger: new.trigger.as_str_name().to_owned(),
            reason: new.reason,
            complaints: new.complaints.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(","),
            requester: new.requester.to_owned(),
            created_at: now,
            resolution_done_at: None,
            notification_done_at: None,
            feedback_done_at: None,
            completed_at: None,
        };
        erasures::insert_erasure(txn, row.clone()).await?;
        let complaints = complaint_names(&row);
        let order = order_of(&row, &complaints);
        tracing::info!(
            erasure = %format!("erasures/{}", row.id),
            complaints = new.complaints.len(),
            idempotency_records_blanked = blanked,
            outbox_rows_deleted = deleted,
            "intake records erased; the other services are told through the outbox"
        );
        Ok((row.clone(), outbox::erasure(new.tenant, &order)))
    }

    /// The erasure with each peer's confirmation read from the outbox (its
    /// ErasePlayerRecords row delivered), saved once seen.
    pub(crate) async fn settle(
        &self,
        mut row: erasures::erasure_record::Model,
    ) -> Result<erasures::erasure_record::Model, ApiError> {
        if row.completed_at.is_some() {
            return Ok(row);
        }
        let complaints = complaint_names(&row);
        let payload = outbox::erasure_payload(&order_of(&row, &complaints));
        let mut changed = false;
        for (peer, method) in outbox::ERASURE_PEERS {
            let slot = match peer {
                outbox::RESOLUTION => &mut row.resolution_done_at,
                outbox::NOTIFICATION => &mut row.notification_done_at,
                _ => &mut row.feedback_done_at,
            };
            if slot.is_none()
                && let Some(at) =
                    erasures::delivered_at(&self.db, &row.tenant_id, peer, method, payload.clone()).await?
            {
                *slot = Some(at);
                changed = true;
            }
        }
        let done = [row.resolution_done_at, row.notification_done_at, row.feedback_done_at];
        if done.iter().all(Option::is_some) {
            row.completed_at = done.into_iter().flatten().max();
            tracing::info!(erasure = %format!("erasures/{}", row.id), "erasure confirmed by every service");
        }
        if changed {
            erasures::update_erasure(&self.db, row.clone()).await?;
        }
        Ok(row)
    }
}

/// FAILED_PRECONDITION (LEGAL_HOLD) while the player is under an active
/// hold, naming the longest-lasting one.
pub(super) async fn refuse_if_held<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    player_id: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let holds = erasures::active_holds(c, tenant, player_id, now).await?;
    let Some(hold) = holds.first() else { return Ok(()) };
    let name = hold_name(hold);
    Err(ApiError::failed_precondition(
        "LEGAL_HOLD",
        format!("players/{player_id} is under legal hold {name} until {}; release it first", hold.end_at.to_rfc3339()),
    )
    .with_metadata("legal_hold", name)
    .with_metadata("end_time", hold.end_at.to_rfc3339()))
}

/// Pseudonymises one complaint and its interactions; adds what they held
/// to `found`. An erased complaint is erased again harmlessly.
async fn erase_complaint(
    txn: &DatabaseTransaction,
    mut row: complaint::Model,
    now: DateTime<Utc>,
    found: &mut Vec<String>,
) -> Result<(), ApiError> {
    let (player, removed) = redress_db::erasure::erase_player(row.player.get());
    found.extend(removed);
    let expected = row.version;
    row.player = Encoded(player);
    row.subject = redress_db::erasure::erase_text(&row.subject, found);
    row.description = redress_db::erasure::erase_text(&row.description, found);
    row.erased_at = row.erased_at.or(Some(now));
    row.version += 1;
    let id = row.id.clone();
    let tenant = row.tenant_id.clone();
    if !store::update_complaint(txn, row, expected).await? {
        return Err(ApiError::new(
            redress_errors::ErrorCode::Aborted,
            "CONCURRENT_UPDATE",
            "a complaint changed during the erasure; retry",
        ));
    }
    found.extend(erasures::erase_interactions(txn, &tenant, &id).await?);
    Ok(())
}

fn complaint_names(row: &erasures::erasure_record::Model) -> Vec<String> {
    row.complaints.split(',').filter(|c| !c.is_empty()).map(|c| format!("complaints/{c}")).collect()
}

fn order_of<'a>(row: &'a erasures::erasure_record::Model, complaints: &'a [String]) -> ErasureOrder<'a> {
    ErasureOrder {
        erasure: format!("erasures/{}", row.id),
        player_id: &row.player_id,
        complaints,
        all_records: row.trigger == erasure::Trigger::Request.as_str_name(),
    }
}

fn hold_name(row: &legal_hold::Model) -> String {
    format!("players/{}/legalHolds/{}", row.player_id, row.id)
}

fn hold_of(row: &legal_hold::Model, now: DateTime<Utc>) -> LegalHold {
    LegalHold {
        name: hold_name(row),
        reason: row.reason.clone(),
        end_time: Some(convert::timestamp(row.end_at)),
        state: rules::hold_state(row.released_at.is_some(), row.end_at, now).into(),
        creator: row.creator.clone(),
        create_time: Some(convert::timestamp(row.created_at)),
        release_time: row.released_at.map(convert::timestamp),
        releaser: row.releaser.clone(),
        release_reason: row.release_reason.clone(),
        etag: convert::etag(row.version),
    }
}

fn erasure_of(row: &erasures::erasure_record::Model) -> Erasure {
    let progress = |service: &str, at: Option<DateTime<Utc>>| erasure::ServiceProgress {
        service: service.to_owned(),
        complete_time: at.map(convert::timestamp),
    };
    Erasure {
        name: format!("erasures/{}", row.id),
        player: format!("players/{}", row.player_id),
        trigger: erasure::Trigger::from_str_name(&row.trigger).unwrap_or_default().into(),
        reason: row.reason.clone(),
        complaints: complaint_names(row),
        state: if row.completed_at.is_some() { erasure::State::Succeeded } else { erasure::State::InProgress }.into(),
        services: vec![
            progress("intake", Some(row.created_at)),
            progress(outbox::RESOLUTION, row.resolution_done_at),
            progress(outbox::NOTIFICATION, row.notification_done_at),
            progress(outbox::FEEDBACK, row.feedback_done_at),
        ],
        requester: row.requester.clone(),
        create_time: Some(convert::timestamp(row.created_at)),
        complete_time: row.completed_at.map(convert::timestamp),
    }
}

pub(super) fn sweep_of(row: &retention_sweep::Model) -> RetentionSweep {
    let list = |s: &str| s.split(',').filter(|x| !x.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    RetentionSweep {
        name: format!("retentionSweeps/{}", row.id),
        run_time: Some(convert::timestamp(row.run_at)),
        examined_count: row.examined,
        erased_count: row.erased,
        held_count: row.held,
        erasures: list(&row.erasures).into_iter().map(|e| format!("erasures/{e}")).collect(),
        holds: list(&row.holds),
    }
}
