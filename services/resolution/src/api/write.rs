//! The write path every change of a case takes: in one transaction, read
//! the case, let the state machine decide, append the events to the hash
//! chain, write the case, its outbox rows and (for a keyed write) the saved
//! response.

use chrono::{DateTime, Utc};
use prost::Message;
use redress_auth::Caller;
use redress_db::{Inserts, now};
use redress_errors::{ApiError, ErrorCode};
use redress_idempotency::Key;
use redress_outbox::OutboxMessage;
use redress_proto::resolution::v1::{Case, CaseEvent, case_event::Type};
use sea_orm::{DatabaseTransaction, TransactionTrait};

use super::{ResolutionApi, convert, outbox};
use crate::{
    domain::{
        business_hours::Schedule,
        chain, clocks,
        machine::{self, Command, Decision, Refusal, RefusalKind},
        staff, timestamp,
    },
    store::{self, case},
};

/// The outcome of one applied command.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The case after the command, as the API returns it.
    pub case: Case,
    /// The events appended (none when nothing changed).
    pub events: Vec<CaseEvent>,
    /// The outbox rows to write with them.
    pub messages: Vec<OutboxMessage>,
    /// The stored row after the command.
    pub row: case::Model,
}

/// Which case a write addresses.
pub(super) enum Target<'a> {
    /// By `cases/{id}`.
    Case { id: String, name: &'a str },
    /// By the intake complaint (internal methods).
    Complaint { id: String, name: &'a str },
}

impl ResolutionApi {
    /// Commits, then wakes the relay so the outbox rows go out at once.
    pub(super) async fn commit(&self, txn: DatabaseTransaction) -> Result<(), ApiError> {
        txn.commit().await?;
        self.relay.notify();
        Ok(())
    }

    /// Applies a decided command to a stored case inside `txn`: appends the
    /// events to the hash chain, writes the case if nobody changed it
    /// meanwhile, and builds the outbox rows.
    pub(crate) async fn apply(
        &self,
        txn: &DatabaseTransaction,
        row: case::Model,
        decision: Decision,
        actor: &str,
        payload: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Applied, ApiError> {
        if decision.events.is_empty() {
            return Ok(Applied { case: self.present(&row), events: Vec::new(), messages: Vec::new(), row });
        }
        let tenant = row.tenant_id.clone();
        let before = convert::body_of(&row);
        let mut body = decision.case;
        let payload_hash = chain::sha256_hex(payload);
        let first_response_now = before.first_response_time.is_none() && body.first_response_time.is_some();
        let entry = chain::Entry {
            case_id: &row.id,
            actor,
            state: body.state,
            payload_hash: &payload_hash,
            create_time: timestamp(now),
        };
        let events = chain::append(row.last_event_sequence, &row.head_hash, &entry, &decision.events);
        let models = events.iter().map(|e| convert::event_row(&row.id, &tenant, e, payload, now)).collect();
        body.last_event_sequence = events.last().map_or(row.last_event_sequence, |e| e.sequence);
        body.update_time = Some(timestamp(now));
        // The case's queue definition: its staffed hours time the warnings
        // (the sweep time), its supervisors hear of them. Read only while a
        // clock runs or a warning or breach goes out.
        let warns = decision.events.iter().any(|e| matches!(e.kind, Type::ClockWarned | Type::ClockBreached));
        let queue = if !body.queue.is_empty() && (warns || body.clocks.iter().any(clocks::is_running)) {
            store::queues::find_queue(txn, &tenant, &body.queue).await?
        } else {
            None
        };
        let hours = queue.as_ref().and_then(|q| Schedule::of(q.spec.get().business_hours.as_ref()));
        let mut next = convert::row_of(&row.id, &tenant, &body, row.version + 1, row.created_at, hours.as_ref());
        next.head_hash = events.last().map_or_else(|| row.head_hash.clone(), |e| e.hash.clone());
        // A dispute stays counted in the period it became one.
        next.disputed_at = row.disputed_at.or(next.disputed_at.map(|_| now));
        if !store::update_case(txn, next.clone(), row.version).await? {
            return Err(ApiError::stale_etag(convert::case_name(&row.id)));
        }
        store::insert_events(txn, models).await?;
        let case = self.present(&next);
        let policy = self.policy_of(&case);
        let mut staff = self.staff.get(&tenant).cloned().unwrap_or_default();
        // A deadline warning also reaches the supervisors the case's queue
        // definition names.
        if warns && let Some(queue) = &queue {
            staff = staff::with_queue_supervisors(staff, &case.queue, &queue.spec.get().supervisors);
        }
        let mut messages = Vec::new();
        for (event, new) in events.iter().zip(&decision.events) {
            let first = first_response_now && new.message.is_some() && new.kind != Type::CaseOpened;
            messages.extend(outbox::for_event(&tenant, &case, event, new, first, policy));
            messages.extend(outbox::staff_warnings(&tenant, &case, event, new, &staff));
        }
        Ok(Applied { case, events, messages, row: next })
    }

    /// Changes one case: loads it in a transaction, checks the etag, lets
    /// `build` turn the request into a command, decides and applies it, and
    /// writes the outbox rows. With a key, the response is saved and a
    /// repeat of the same request replays it. A caller without an etag who
    /// loses a race with another writer is retried on the fresh case.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn change<R, B, F>(
        &self,
        caller: &Caller,
        method: &str,
        key: Option<(&str, String)>,
        target: Target<'_>,
        etag: &str,
        payload: Vec<u8>,
        build: B,
        finish: F,
    ) -> Result<R, ApiError>
    where
        R: Message + Default,
        B: Fn(&Case) -> Result<Command, ApiError>,
        F: Fn(Applied) -> R,
    {
        let retries = if etag.is_empty() { 8 } else { 0 };
        redress_errors::retry_aborted(retries, || {
            self.change_once(caller, method, &key, &target, etag, &payload, &build, &finish)
        })
        .await
    }

    /// One attempt of [`Self::change`]. A keyed write goes through
    /// `redress_outbox::keyed_write` (replay, write, saved response and
    /// outbox rows in one transaction); an unkeyed one commits its own.
    #[allow(clippy::too_many_arguments)]
    async fn change_once<R, B, F>(
        &self,
        caller: &Caller,
        method: &str,
        key: &Option<(&str, String)>,
        target: &Target<'_>,
        etag: &str,
        payload: &[u8],
        build: &B,
        finish: &F,
    ) -> Result<R, ApiError>
    where
        R: Message + Default,
        B: Fn(&Case) -> Result<Command, ApiError>,
        F: Fn(Applied) -> R,
    {
        if let Some((request_id, fingerprint)) = key {
            let key = Key { tenant: &caller.tenant, method, request_id, fingerprint: fingerprint.clone() };
            let write = async |txn: &DatabaseTransaction, _: &mut Inserts| {
                self.decide_and_apply(txn, caller, target, etag, payload, build, finish).await
            };
            let (response, _replayed) = redress_outbox::keyed_write(&self.db, &self.relay, &key, write).await?;
            return Ok(response);
        }
        let txn = self.db.begin().await?;
        let (response, messages) = self.decide_and_apply(&txn, caller, target, etag, payload, build, finish).await?;
        redress_outbox::enqueue(&txn, messages).await?;
        self.commit(txn).await?;
        Ok(response)
    }

    /// Inside `txn`: reads the case (so every state check sees what the
    /// write changes), checks the etag, decides the command `build` makes
    /// and applies it. Returns the response and the outbox rows to write.
    #[allow(clippy::too_many_arguments)]
    async fn decide_and_apply<R, B, F>(
        &self,
        txn: &DatabaseTransaction,
        caller: &Caller,
        target: &Target<'_>,
        etag: &str,
        payload: &[u8],
        build: &B,
        finish: &F,
    ) -> Result<(R, Vec<OutboxMessage>), ApiError>
    where
        B: Fn(&Case) -> Result<Command, ApiError>,
        F: Fn(Applied) -> R,
    {
        let tenant = caller.tenant.as_str();
        let (row, name) = match target {
            Target::Case { id, name } => (store::find_case(txn, tenant, id).await?, *name),
            Target::Complaint { id, name } => {
                let row = store::find_case_by_complaint(txn, tenant, id).await?;
                if row.is_none() {
                    return Err(ApiError::failed_precondition(
                        "CASE_NOT_OPENED",
                        format!("{name} has no case yet; retry after OpenCase"),
                    ));
                }
                (row, *name)
            }
        };
        let row = row.ok_or_else(|| ApiError::not_found(name))?;
        if !etag.is_empty() && etag != convert::etag(row.version) {
            return Err(ApiError::stale_etag(name));
        }
        let now = now();
        let body = convert::body_of(&row);
        let mut command = build(&body)?;
        // Deliveries are not ordered: the player's words may arrive after
        // the complaint's erasure did (looked up here, in the transaction,
        // so a retry after a lost race looks again). Then neither they nor
        // the request that carried them are kept.
        let mut payload = payload;
        if let Some(words) = command.player_words().filter(|w| !w.is_empty()) {
            let complaint = format!("complaints/{}", row.complaint_id);
            if redress_db::erasure::erasure_of(txn, tenant, &complaint).await?.is_some() {
                *words = redress_db::erasure::erased(words);
                payload = &[];
            }
        }
        let decision = machine::decide(&body, command, &caller.subject, now).map_err(refusal)?;
        let applied = self.apply(txn, row, decision, &caller.subject, payload, now).await?;
        let messages = applied.messages.clone();
        Ok((finish(applied), messages))
    }
}

/// A refusal of the state machine as the API error.
fn refusal(r: Refusal) -> ApiError {
    let code = match r.kind {
        RefusalKind::Precondition => ErrorCode::FailedPrecondition,
        RefusalKind::Permission => ErrorCode::PermissionDenied,
    };
    ApiError::new(code, r.reason, r.message).with_metadata("state", r.state.as_str_name())
}
