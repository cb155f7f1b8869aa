//! What operators do with a delivery that went wrong: RedriveNotification
//! (the same notification, a fresh attempt budget) and ResendNotification
//! (a new notification, possibly to a corrected address). Each checks the
//! notification's state in the transaction that writes.

use std::collections::BTreeMap;

use prost::Message;
use redress_auth::Caller;
use redress_db::{Stored, now, number_or_empty};
use redress_errors::{ApiError, Violations};
use redress_proto::{
    common::v1::Channel,
    notification::v1::{
        RedriveNotificationRequest, RedriveNotificationResponse, ResendNotificationRequest, ResendNotificationResponse,
        notification::{DeadLetterReason, State},
    },
};
use sea_orm::{DatabaseTransaction, TransactionTrait};

use super::{MAX_KEY, NotificationApi, Origin, convert, fingerprint, known_channel, notification_id};
use crate::{domain::deliveries, store};

impl NotificationApi {
    /// Runs a keyed write (see `redress_idempotency::run`) and wakes the
    /// sender when something was written.
    async fn keyed_write<R, F>(
        &self,
        tenant: &str,
        method: &str,
        request_id: &str,
        fingerprint: &str,
        write: F,
    ) -> Result<R, ApiError>
    where
        R: Message + Default,
        F: AsyncFnOnce(&DatabaseTransaction, &mut redress_db::Inserts) -> Result<R, ApiError>,
    {
        let key = redress_idempotency::Key { tenant, method, request_id, fingerprint: fingerprint.to_owned() };
        let (response, replayed) = redress_idempotency::run(&self.db, &key, write).await?;
        if !replayed {
            self.sender.notify();
        }
        Ok(response)
    }

    pub(crate) async fn redrive_notification(
        &self,
        caller: Caller,
        req: RedriveNotificationRequest,
    ) -> Result<RedriveNotificationResponse, ApiError> {
        let mut v = Violations::new();
        v.text(&req.request_id, "request_id", true, MAX_KEY);
        v.text(&req.reason, "reason", false, 2000);
        v.into_result()?;
        let id = notification_id(&req.name, "name")?;
        let key = fingerprint(&req, |r| {
            r.request_id.clear();
            Vec::new()
        });
        let tenant = caller.tenant.clone();
        self.keyed_write(&tenant, "RedriveNotification", &req.request_id, &key, async |txn, _| {
            let mut row =
                store::find_notification(txn, &tenant, &id).await?.ok_or_else(|| ApiError::not_found(&req.name))?;
            if !req.etag.is_empty() && req.etag != convert::etag(row.version) {
                return Err(ApiError::stale_etag(&req.name));
            }
            let redrive = deliveries::redrive(
                row.state.get(),
                // An unknown stored reason fails loudly instead of reading as none.
                DeadLetterReason::try_from(number_or_empty::<DeadLetterReason>(&row.dead_letter_reason)?)
                    .ok()
                    .filter(|r| *r != DeadLetterReason::Unspecified),
                row.attempt_count,
                self.config.max_attempts(&tenant),
            )?;
            let now = now();
            let expected = row.version;
            if redrive.render_again {
                row.subject = None;
                row.body_text = None;
                row.body_html = None;
                row.sealed_message = None;
            }
            row.state = Stored(State::Pending);
            row.dead_letter_reason = String::new();
            row.max_attempts = redrive.max_attempts;
            row.redrive_count += 1;
            row.next_attempt_at = Some(now);
            row.lease_until = None;
            row.version += 1;
            row.updated_at = now;
            if !store::update_notification(txn, row.clone(), expected).await? {
                return Err(ApiError::stale_etag(&req.name));
            }
            tracing::info!(notification = %row.id, by = %caller.subject, reason = %req.reason, "notification redriven");
            Ok(RedriveNotificationResponse { notification: Some(self.to_proto(txn, &row).await?) })
        })
        .await
    }

    pub(crate) async fn resend_notification(
        &self,
        caller: Caller,
        req: ResendNotificationRequest,
    ) -> Result<ResendNotificationResponse, ApiError> {
        let mut v = Violations::new();
        v.text(&req.request_id, "request_id", true, MAX_KEY);
        v.text(&req.reason, "reason", true, 2000);
        let channel = known_channel(req.channel);
        v.check(channel.is_none(), "channel", "must be a known channel");
        v.into_result()?;
        let id = notification_id(&req.name, "name")?;
        // The original stays locked until the resend is stored, so a
        // concurrent redrive cannot put it back in delivery in between.
        let txn = self.db.begin().await?;
        let original = store::find_notification_for_update(&txn, &caller.tenant, &id)
            .await?
            .ok_or_else(|| ApiError::not_found(&req.name))?;
        deliveries::check_resendable(original.state.get())?;
        let old_player = original.recipient.get().clone();
        let recipient = deliveries::resend_recipient(old_player, req.recipient.as_ref())?;
        let key = fingerprint(&req, |r| {
            r.request_id.clear();
            Vec::new()
        });
        // A resend goes to the same player, so it carries the secrets too;
        // variables that do not parse are not copied as none.
        let unreadable =
            |err| ApiError::internal(format_args!("notification {id}: stored variables do not parse: {err}"));
        let variables = deliveries::resend_variables(
            serde_json::from_str(&original.variables).map_err(unreadable)?,
            serde_json::from_str::<BTreeMap<String, String>>(&original.secret_variables).map_err(unreadable)?,
        );
        let event = original.event.get();
        let purpose = original.purpose.get();
        let accepted =
            deliveries::accept(event, purpose, recipient, channel.unwrap_or(Channel::Unspecified), &variables);
        let dedupe_key = deliveries::resend_dedupe_key(&original.id, &req.request_id);
        let resend_of = convert::notification_name(&original.id);
        let origin = Origin {
            tenant: &caller.tenant,
            dedupe_key: &dedupe_key,
            fingerprint: key,
            complaint: &original.complaint,
            complaint_reference: &original.complaint_reference,
            creator: &caller.subject,
            resend_of: &resend_of,
        };
        let row = self.new_row(origin, accepted);
        let (notification, _) = self.insert_deduped(Some(txn), row).await?;
        tracing::info!(original = %original.id, by = %caller.subject, reason = %req.reason, "notification resent");
        Ok(ResendNotificationResponse { notification: Some(notification) })
    }
}
