//! ExportPlayerRecords: a player's notifications with their delivery
//! attempts, streamed to intake's subject-access export. Read-only. A
//! player's notifications are few and small, so they are read at once and
//! sent from memory.

use std::pin::Pin;

use futures::Stream;
use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::notification::v1::{
    ExportPlayerRecordsRequest, ExportPlayerRecordsResponse, export_player_records_response::Record,
};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use tonic::Status;

use super::{NotificationApi, convert};
use crate::store::{self, notification as notification_row};

/// The messages of an export, as tonic sends them.
pub type ExportStream = Pin<Box<dyn Stream<Item = Result<ExportPlayerRecordsResponse, Status>> + Send>>;

/// The most complaints one request may name.
const MAX_COMPLAINTS: usize = 10_000;
/// The most attempts exported per notification.
const MAX_ATTEMPTS: u64 = 10_000;

impl NotificationApi {
    pub(super) async fn export_player_records(
        &self,
        caller: Caller,
        req: ExportPlayerRecordsRequest,
    ) -> Result<ExportStream, ApiError> {
        let mut v = Violations::new();
        v.line(&req.player_id, "player_id", true, 128);
        v.check(req.complaints.len() > MAX_COMPLAINTS, "complaints", "at most 10000");
        v.into_result()?;
        use notification_row::Column as Col;
        let mut of_player = Condition::any().add(Col::PlayerId.eq(req.player_id.as_str()));
        if !req.complaints.is_empty() {
            of_player = of_player.add(Col::Complaint.is_in(req.complaints.iter().map(String::as_str)));
        }
        let rows = notification_row::Entity::find()
            .filter(Col::TenantId.eq(caller.tenant.as_str()))
            .filter(of_player)
            .order_by_asc(Col::Id)
            .all(&self.db)
            .await?;
        let mut records = Vec::new();
        for row in &rows {
            let attempts = store::list_attempts(&self.db, &caller.tenant, &row.id, None, MAX_ATTEMPTS).await?;
            records.push(Record::Notification(convert::notification(row, attempts.last())?));
            records.extend(attempts.iter().map(|a| Record::Attempt(convert::attempt(a))));
        }
        let messages = records.into_iter().map(|record| Ok(ExportPlayerRecordsResponse { record: Some(record) }));
        Ok(Box::pin(futures::stream::iter(messages)))
    }
}
