//! The internal method other services call: SendNotification.

use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::{
    common::v1::Channel,
    notification::v1::{MessagePurpose, NotificationEvent, SendNotificationRequest, SendNotificationResponse},
};

use super::{MAX_KEY, NotificationApi, Origin, check_variables, fingerprint, known_channel};
use crate::domain::deliveries;

impl NotificationApi {
    pub(crate) async fn send_notification(
        &self,
        caller: Caller,
        req: SendNotificationRequest,
    ) -> Result<SendNotificationResponse, ApiError> {
        let mut v = Violations::new();
        v.text(&req.dedupe_key, "dedupe_key", true, MAX_KEY);
        let event = NotificationEvent::try_from(req.event).unwrap_or(NotificationEvent::Unspecified);
        v.check(event == NotificationEvent::Unspecified, "event", "must be a known, specified event");
        let purpose = MessagePurpose::try_from(req.purpose).unwrap_or(MessagePurpose::Unspecified);
        v.check(purpose == MessagePurpose::Unspecified, "purpose", "must be a known, specified purpose");
        let recipient = req.recipient.clone().unwrap_or_default();
        if event != NotificationEvent::OperationsAlert {
            v.text(&recipient.player_id, "recipient.player_id", true, 128);
            v.language_tag(&recipient.language_code, "recipient.language_code", false);
        }
        v.text(&recipient.display_name, "recipient.display_name", false, 200);
        v.text(&recipient.email, "recipient.email", false, 320);
        let channel = known_channel(req.channel);
        v.check(channel.is_none(), "channel", "must be a known channel");
        v.check(
            !req.complaint.is_empty() && !req.complaint.starts_with("complaints/"),
            "complaint",
            "must be complaints/{complaint_id}",
        );
        v.text(&req.complaint_reference, "complaint_reference", false, 64);
        check_variables(&mut v, &req.variables, "variables");
        v.into_result()?;

        let key = fingerprint(&req, |r| {
            r.dedupe_key.clear();
            std::mem::take(&mut r.variables).into_iter().collect()
        });
        let mut accepted =
            deliveries::accept(event, purpose, recipient, channel.unwrap_or(Channel::Unspecified), &req.variables);
        // Deliveries are not ordered: this may arrive after its complaint's
        // erasure did. Looked up in the inserting transaction, which holds
        // the complaint's erasure lock (an erasure at the same time waits).
        let txn = if req.complaint.is_empty() {
            None
        } else {
            let txn = redress_db::begin_write(&self.db).await?;
            if redress_db::erasure::erasure_of(&txn, &caller.tenant, &req.complaint).await?.is_some() {
                accepted = deliveries::erased(accepted);
            }
            Some(txn)
        };
        let origin = Origin {
            tenant: &caller.tenant,
            dedupe_key: &req.dedupe_key,
            fingerprint: key,
            complaint: &req.complaint,
            complaint_reference: &req.complaint_reference,
            creator: &caller.subject,
            resend_of: "",
        };
        let row = self.new_row(origin, accepted);
        let (notification, replayed) = self.insert_deduped(txn, row).await?;
        Ok(SendNotificationResponse { notification: Some(notification), replayed })
    }
}
