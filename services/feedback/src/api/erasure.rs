//! ErasePlayerRecords (intake's outbox): pseudonymises the player's
//! surveys: the name and the comment go; scores, outcome, category, times
//! and the analytics events (which hold no personal text) stay.

use redress_auth::Caller;
use redress_db::erasure::{ERASED, needles};
use redress_errors::{ApiError, Violations};
use redress_idempotency::Key;
use redress_proto::feedback::v1::{ErasePlayerRecordsRequest, ErasePlayerRecordsResponse};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, sea_query::Expr};

use super::{FeedbackApi, convert};
use crate::store::survey;

impl FeedbackApi {
    pub(super) async fn erase_player_records(
        &self,
        caller: Caller,
        req: ErasePlayerRecordsRequest,
    ) -> Result<ErasePlayerRecordsResponse, ApiError> {
        let mut v = Violations::new();
        v.check(!req.erasure.starts_with("erasures/"), "erasure", "must be erasures/{erasure}");
        v.text(&req.player_id, "player_id", true, 128);
        v.into_result()?;
        let complaint_ids: Vec<String> =
            req.complaints.iter().map(|c| c.trim_start_matches("complaints/").to_owned()).collect();
        let tenant = caller.tenant.clone();
        let key = Key::of(&tenant, "ErasePlayerRecords", &req.erasure, &req, |r| r.erasure.clear());
        let (response, _) = redress_idempotency::run(&self.db, &key, async |txn, _| {
            let mut which = Condition::any().add(survey::Column::ComplaintId.is_in(complaint_ids.iter().cloned()));
            if req.all_records {
                which = which.add(survey::Column::PlayerId.eq(&req.player_id));
            }
            // Remembered before the read, so a late write waits or is read.
            redress_db::erasure::remember_erased(txn, &tenant, &req.erasure, &req.complaints).await?;
            let rows =
                survey::Entity::find().filter(survey::Column::TenantId.eq(&tenant)).filter(which).all(txn).await?;
            let found: Vec<String> = rows.iter().map(|r| convert::complaint_name(&r.complaint_id)).collect();
            redress_db::erasure::remember_erased(txn, &tenant, &req.erasure, &found).await?;
            let mut found = Vec::new();
            let mut erased_count = 0i64;
            for row in rows {
                let comment = row.comment.filter(|c| !c.is_empty() && c != ERASED);
                if row.player_display_name.is_empty() && comment.is_none() {
                    continue;
                }
                found.push(row.player_display_name.clone());
                found.push(convert::complaint_name(&row.complaint_id));
                found.push(row.case_name.clone());
                found.extend(comment.clone());
                survey::Entity::update_many()
                    .col_expr(survey::Column::PlayerDisplayName, Expr::value(String::new()))
                    .col_expr(survey::Column::Comment, Expr::value(comment.map(|_| ERASED.to_owned())))
                    .filter(survey::Column::TenantId.eq(&tenant))
                    .filter(survey::Column::Id.eq(&row.id))
                    .exec(txn)
                    .await?;
                erased_count += 1;
            }
            let needles = needles(found.iter().map(String::as_str));
            erased_count += redress_idempotency::forget_responses_containing(txn, &tenant, &needles).await? as i64;
            erased_count += redress_outbox::forget_containing(txn, &tenant, &needles).await? as i64;
            Ok(ErasePlayerRecordsResponse { erased_count })
        })
        .await?;
        tracing::info!(erasure = %req.erasure, erased = response.erased_count, "player records erased");
        Ok(response)
    }
}
