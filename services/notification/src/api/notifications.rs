//! Reading notifications: GetNotification, ListNotifications and
//! ListDeliveryAttempts.

use redress_auth::Caller;
use redress_db::Stored;
use redress_errors::{ApiError, Violations};
use redress_proto::{
    common::v1::Channel,
    notification::v1::{
        GetNotificationRequest, GetNotificationResponse, ListDeliveryAttemptsRequest, ListDeliveryAttemptsResponse,
        ListNotificationsRequest, ListNotificationsResponse, NotificationEvent, notification::State,
    },
};

use redress_paging::filter_of;

use super::{NotificationApi, convert};
use crate::store;

impl NotificationApi {
    pub(crate) async fn get_notification(
        &self,
        caller: Caller,
        req: GetNotificationRequest,
    ) -> Result<GetNotificationResponse, ApiError> {
        let row = self.load(&caller.tenant, &req.name, "name").await?;
        Ok(GetNotificationResponse { notification: Some(self.to_proto(&self.db, &row).await?) })
    }

    pub(crate) async fn list_notifications(
        &self,
        caller: Caller,
        req: ListNotificationsRequest,
    ) -> Result<ListNotificationsResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 50, 1000)?;
        let mut v = Violations::new();
        let mut filter = store::NotificationFilter::default();
        if !req.complaint.is_empty() {
            v.check(!req.complaint.starts_with("complaints/"), "complaint", "must be complaints/{complaint_id}");
            filter.complaint = Some(req.complaint.clone());
        }
        for state in &req.states {
            match State::try_from(*state) {
                Ok(s) if s != State::Unspecified => filter.states.push(Stored(s)),
                _ => v.add("states", "must be known, specified states"),
            }
        }
        filter.states.sort_by_key(|s| s.as_str());
        filter.states.dedup();
        if !req.player_id.is_empty() {
            filter.player_id = Some(req.player_id.clone());
        }
        filter.event = v.enum_filter::<NotificationEvent>(req.event, "event").map(Stored);
        filter.channel = v.enum_filter::<Channel>(req.channel, "channel").map(Stored);
        for (ts, field, slot) in [
            (&req.create_time_start, "create_time_start", &mut filter.created_from),
            (&req.create_time_end, "create_time_end", &mut filter.created_to),
        ] {
            if let Some(ts) = ts {
                match convert::from_timestamp(ts) {
                    Some(at) => *slot = Some(at),
                    None => v.add(field, "is not a valid timestamp"),
                }
            }
        }
        v.into_result()?;
        let filter_key = filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter_key)?;
        let mut rows = store::list_notifications(&self.db, &caller.tenant, &filter, after.as_deref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &filter_key, |last| last.id.clone());
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let last = store::last_attempts(&self.db, &ids).await?;
        let notifications =
            rows.iter().map(|row| convert::notification(row, last.get(&row.id))).collect::<Result<_, _>>()?;
        Ok(ListNotificationsResponse { notifications, next_page_token })
    }

    pub(crate) async fn list_delivery_attempts(
        &self,
        caller: Caller,
        req: ListDeliveryAttemptsRequest,
    ) -> Result<ListDeliveryAttemptsResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 100, 1000)?;
        let row = self.load(&caller.tenant, &req.parent, "parent").await?;
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &req.parent)?;
        let mut rows = store::list_attempts(&self.db, &caller.tenant, &row.id, after.as_deref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &req.parent, |last| last.id.clone());
        Ok(ListDeliveryAttemptsResponse { attempts: rows.iter().map(convert::attempt).collect(), next_page_token })
    }
}
