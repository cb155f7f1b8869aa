//! The analytics event store: RecordEvent (intake, resolution → feedback),
//! and the request dimensions every stored fact is grouped by.

use chrono::{DateTime, Utc};
use redress_auth::Caller;
use redress_db::{Stored, now};
use redress_errors::{ApiError, Violations};
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome, Priority, TransactionReferences},
    feedback::v1::{EventType, RecordEventRequest, RecordEventResponse},
};

use super::{FeedbackApi, convert};
use crate::{
    domain::{
        self,
        facts::{Dims, Event},
    },
    store::{self, event as event_row},
};

/// A request's dimensions as stored values (empty for unset).
pub(super) fn dims(
    category: i32,
    channel: i32,
    jurisdiction: &str,
    agent: &str,
    refs: Option<&TransactionReferences>,
    priority: i32,
) -> Dims {
    let refs = refs.cloned().unwrap_or_default();
    Dims {
        category: convert::enum_name::<ComplaintCategory>(category, ComplaintCategory::as_str_name),
        channel: convert::enum_name::<Channel>(channel, Channel::as_str_name),
        jurisdiction: jurisdiction.trim().to_ascii_uppercase(),
        agent: agent.trim().to_owned(),
        game_id: refs.game_id.trim().to_owned(),
        game_provider: refs.game_provider.trim().to_owned(),
        payment_method: refs.payment_method.trim().to_owned(),
        bonus_id: refs.bonus_id.trim().to_owned(),
        priority: convert::enum_name::<Priority>(priority, Priority::as_str_name),
    }
}

pub(super) fn check_dims(v: &mut Violations, jurisdiction: &str, agent: &str, refs: Option<&TransactionReferences>) {
    v.text(jurisdiction, "jurisdiction", false, 8);
    v.text(agent, "agent", false, 128);
    if let Some(r) = refs {
        for (value, field) in [
            (&r.game_id, "game_id"),
            (&r.game_provider, "game_provider"),
            (&r.payment_method, "payment_method"),
            (&r.bonus_id, "bonus_id"),
        ] {
            v.text(value, &format!("transaction_references.{field}"), false, 128);
        }
    }
}

/// A required timestamp field, reported as a violation when unset or invalid.
pub(super) fn time(v: &mut Violations, ts: Option<&prost_types::Timestamp>, field: &str) -> Option<DateTime<Utc>> {
    match ts {
        None => {
            v.add(field, "is required");
            None
        }
        Some(ts) => {
            let at = domain::from_timestamp(ts);
            if at.is_none() {
                v.add(field, "is not a valid timestamp");
            }
            at
        }
    }
}

impl FeedbackApi {
    pub(crate) async fn record_event(
        &self,
        caller: Caller,
        req: RecordEventRequest,
    ) -> Result<RecordEventResponse, ApiError> {
        let tenant = caller.tenant.as_str();
        let mut v = Violations::new();
        v.text(&req.event_id, "event_id", true, domain::MAX_REQUEST_ID);
        let kind = EventType::try_from(req.r#type).unwrap_or(EventType::Unspecified);
        v.check(kind == EventType::Unspecified, "type", "must be a known, specified event type");
        let occur_at = time(&mut v, req.occur_time.as_ref(), "occur_time");
        let complaint_id = domain::parse_name(&mut v, &req.complaint, "complaints", "complaint").to_owned();
        if !req.case.is_empty() {
            domain::parse_name(&mut v, &req.case, "cases", "case");
        }
        check_dims(&mut v, &req.jurisdiction, &req.agent, req.transaction_references.as_ref());
        v.text(&req.clock, "clock", false, 64);
        v.into_result()?;
        let Some(occur_at) = occur_at else { return Err(ApiError::invalid_field("occur_time", "is required")) };

        let event = Event {
            kind,
            occur_at,
            case_name: req.case.clone(),
            dims: dims(
                req.category,
                req.channel,
                &req.jurisdiction,
                &req.agent,
                req.transaction_references.as_ref(),
                req.priority,
            ),
            original_category: convert::enum_name::<ComplaintCategory>(
                req.original_category,
                ComplaintCategory::as_str_name,
            ),
            responsible_gambling: req.responsible_gambling,
            outcome: convert::enum_name::<Outcome>(req.outcome, Outcome::as_str_name),
            clock: req.clock.trim().to_owned(),
            clock_met: req.clock_met,
        };
        let now = now();
        let row = event_row::Model {
            tenant_id: tenant.to_owned(),
            event_id: req.event_id.clone(),
            complaint_id: complaint_id.clone(),
            case_name: event.case_name.clone(),
            kind: Stored(kind),
            occur_at,
            category: event.dims.category.clone(),
            channel: event.dims.channel.clone(),
            jurisdiction: event.dims.jurisdiction.clone(),
            agent: event.dims.agent.clone(),
            game_id: event.dims.game_id.clone(),
            game_provider: event.dims.game_provider.clone(),
            payment_method: event.dims.payment_method.clone(),
            bonus_id: event.dims.bonus_id.clone(),
            priority: event.dims.priority.clone(),
            responsible_gambling: event.responsible_gambling,
            outcome: event.outcome.clone(),
            clock: event.clock.clone(),
            clock_met: event.clock_met,
            received_at: now,
        };
        // Two first events of one complaint may race to create its fact; the
        // loser folds into the winner's row on a second try.
        redress_errors::retry_aborted(3, || self.store_event(tenant, &row, &event)).await?;
        Ok(RecordEventResponse {})
    }

    /// Stores a new event and folds it into its complaint's fact, in one
    /// transaction; a repeat of a stored event id changes nothing.
    async fn store_event(&self, tenant: &str, row: &event_row::Model, event: &Event) -> Result<(), ApiError> {
        let txn = self.begin().await?;
        // A redelivery: acknowledged, stored once.
        if store::event_exists(&txn, tenant, &row.event_id).await? {
            return Ok(());
        }
        match store::insert_event(&txn, row.clone()).await {
            Ok(()) => {}
            // A concurrent twin stored it first.
            Err(err) if redress_db::is_unique_violation(&err) => return Ok(()),
            Err(err) => return Err(err.into()),
        }
        self.update_fact(&txn, tenant, &row.complaint_id, row.received_at, |fact| fact.apply(event)).await?;
        txn.commit().await?;
        Ok(())
    }
}
