//! Complaints as resources: get, list by the documented filters, withdraw.

use redress_auth::Caller;
use redress_db::{Stored, now};
use redress_errors::{ApiError, Violations};
use redress_idempotency::Key;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, ComplaintStatus},
    feedback::v1::EventType,
    intake::v1::{
        GetComplaintRequest, GetComplaintResponse, ListComplaintsRequest, ListComplaintsResponse,
        WithdrawComplaintRequest, WithdrawComplaintResponse, interaction,
    },
};

use super::{Entry, IntakeApi, convert, inbound_author, outbox, refused_in};
use crate::{
    domain::{self, history, validate},
    store,
};

impl IntakeApi {
    pub(super) async fn get_complaint(
        &self,
        caller: Caller,
        req: GetComplaintRequest,
    ) -> Result<GetComplaintResponse, ApiError> {
        let row = self.load(&caller.tenant, &req.name, "name").await?;
        Ok(GetComplaintResponse { complaint: Some(convert::complaint(&row)) })
    }

    pub(super) async fn list_complaints(
        &self,
        caller: Caller,
        req: ListComplaintsRequest,
    ) -> Result<ListComplaintsResponse, ApiError> {
        let mut v = Violations::new();
        let filter = store::ComplaintFilter {
            status: v.enum_filter::<ComplaintStatus>(req.status, "status").map(Stored),
            category: v.enum_filter::<ComplaintCategory>(req.category, "category").map(Stored),
            channel: v.enum_filter::<Channel>(req.channel, "channel").map(Stored),
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
        let filter_key = redress_paging::filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter_key)?;
        let mut rows = store::list_complaints(&self.db, &caller.tenant, &filter, after.as_deref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &filter_key, |last| last.id.clone());
        Ok(ListComplaintsResponse { complaints: rows.iter().map(convert::complaint).collect(), next_page_token })
    }

    pub(super) async fn withdraw_complaint(
        &self,
        caller: Caller,
        req: WithdrawComplaintRequest,
    ) -> Result<WithdrawComplaintResponse, ApiError> {
        let mut v = Violations::new();
        validate::request_id(&mut v, &req.request_id);
        v.text(&req.reason, "reason", false, 2000);
        v.into_result()?;
        let id = validate::complaint_name(&req.name, "name")?;
        let tenant = caller.tenant.clone();
        let key = Key::of(&tenant, "WithdrawComplaint", &req.request_id, &req, |r| r.request_id.clear());
        // Without an etag the player withdraws whatever the complaint is now,
        // even if resolution's update landed between the read and the write.
        let retries = if req.etag.is_empty() { 8 } else { 0 };
        let (response, _) = redress_errors::retry_aborted(retries, || {
            redress_outbox::keyed_write(&self.db, &self.relay, &key, async |txn, inserts| {
                let mut row =
                    store::find_complaint(txn, &tenant, &id).await?.ok_or_else(|| ApiError::not_found(&req.name))?;
                if !req.etag.is_empty() && req.etag != convert::etag(row.version) {
                    return Err(ApiError::stale_etag(&req.name));
                }
                let status = row.status.get();
                if !domain::can_withdraw(status) {
                    return Err(refused_in(status, "COMPLAINT_NOT_WITHDRAWABLE", "it can no longer be withdrawn"));
                }
                let now = now();
                let expected = row.version;
                row.status = Stored(ComplaintStatus::Withdrawn);
                row.version += 1;
                row.updated_at = now;
                if !store::update_complaint(txn, row.clone(), expected).await? {
                    return Err(ApiError::stale_etag(&req.name));
                }
                let author = inbound_author(&caller, &row.player_id);
                // The withdrawal counts; an erased player's reason is not kept.
                let reason = match row.erased_at {
                    Some(_) => redress_db::erasure::erased(&req.reason),
                    None => req.reason.clone(),
                };
                let record = Entry {
                    kind: interaction::Kind::Withdrawn,
                    direction: interaction::Direction::Inbound,
                    channel: Channel::Unspecified as i32,
                    body: history::withdrawal_text(&reason),
                    author: &author,
                    status: Some(ComplaintStatus::Withdrawn),
                }
                .row(&tenant, &row.id, now);
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
                        &reason,
                        now,
                    ));
                }
                Ok((WithdrawComplaintResponse { complaint: Some(complaint) }, messages))
            })
        })
        .await?;
        Ok(response)
    }
}
