//! ErasePlayerRecords (intake's outbox): pseudonymises the player's
//! notifications and their delivery attempts.

use chrono::{DateTime, Utc};
use redress_auth::Caller;
use redress_db::{
    Encoded, Stored,
    erasure::{erase_player, erase_text, needles},
};
use redress_errors::{ApiError, Violations};
use redress_idempotency::Key;
use redress_proto::notification::v1::{ErasePlayerRecordsRequest, ErasePlayerRecordsResponse};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

use super::NotificationApi;
use crate::{
    domain::erasure::{erase_unsent, variable_values},
    store::{attempt, notification},
};

impl NotificationApi {
    pub(crate) async fn erase_player_records(
        &self,
        caller: Caller,
        req: ErasePlayerRecordsRequest,
    ) -> Result<ErasePlayerRecordsResponse, ApiError> {
        let mut v = Violations::new();
        v.check(!req.erasure.starts_with("erasures/"), "erasure", "must be erasures/{erasure}");
        v.text(&req.player_id, "player_id", true, 128);
        v.into_result()?;
        let tenant = caller.tenant.clone();
        let key = Key::of(&tenant, "ErasePlayerRecords", &req.erasure, &req, |r| r.erasure.clear());
        let (response, _) = redress_idempotency::run(&self.db, &key, async |txn, _| {
            // Remembered before the read, so a late message waits or is read.
            redress_db::erasure::remember_erased(txn, &tenant, &req.erasure, &req.complaints).await?;
            let mut which = Condition::any().add(notification::Column::Complaint.is_in(req.complaints.iter().cloned()));
            if req.all_records {
                which = which.add(notification::Column::PlayerId.eq(&req.player_id));
            }
            let rows = notification::Entity::find()
                .filter(notification::Column::TenantId.eq(&tenant))
                .filter(which)
                .all(txn)
                .await?;
            let found_complaints: Vec<String> = rows.iter().map(|r| r.complaint.clone()).collect();
            redress_db::erasure::remember_erased(txn, &tenant, &req.erasure, &found_complaints).await?;
            let mut found = Vec::new();
            let mut erased_count = 0i64;
            for row in rows {
                let (recipient, mut values) = erase_player(row.recipient.get());
                values.extend(variable_values(&row.variables));
                values.extend(variable_values(&row.secret_variables));
                let text = |t: &Option<String>, found: &mut Vec<String>| t.as_deref().map(|t| erase_text(t, found));
                let subject = text(&row.subject, &mut values);
                let body_text = text(&row.body_text, &mut values);
                let body_html = text(&row.body_html, &mut values);
                let destination = erase_text(&row.destination, &mut values);
                // Not yet delivered: never sent now (there is no address).
                let unsent = erase_unsent(row.state.get());
                if values.is_empty() && row.sealed_message.is_none() && unsent.is_none() {
                    continue;
                }
                let mut update = notification::Entity::update_many();
                if let Some((state, reason)) = unsent {
                    update = update
                        .col_expr(notification::Column::State, Expr::value(Stored(state)))
                        .col_expr(notification::Column::SuppressionReason, Expr::value(reason.as_str_name()))
                        .col_expr(notification::Column::DeadLetterReason, Expr::value(""))
                        .col_expr(notification::Column::NextAttemptAt, Expr::value(Option::<DateTime<Utc>>::None));
                }
                update
                    .col_expr(notification::Column::Recipient, Expr::value(Encoded(recipient)))
                    .col_expr(notification::Column::Variables, Expr::value("{}"))
                    .col_expr(notification::Column::SecretVariables, Expr::value("{}"))
                    .col_expr(notification::Column::SealedMessage, Expr::value(Option::<String>::None))
                    .col_expr(notification::Column::Subject, Expr::value(subject))
                    .col_expr(notification::Column::BodyText, Expr::value(body_text))
                    .col_expr(notification::Column::BodyHtml, Expr::value(body_html))
                    .col_expr(notification::Column::Destination, Expr::value(destination))
                    .col_expr(notification::Column::Version, Expr::col(notification::Column::Version).add(1))
                    .filter(notification::Column::Id.eq(&row.id))
                    .exec(txn)
                    .await?;
                erased_count += 1;
                let attempts = attempt::Entity::find()
                    .filter(attempt::Column::TenantId.eq(&tenant))
                    .filter(attempt::Column::NotificationId.eq(&row.id))
                    .all(txn)
                    .await?;
                for a in attempts {
                    let destination = erase_text(&a.destination, &mut values);
                    let provider_response = erase_text(&a.provider_response, &mut values);
                    let error_message = erase_text(&a.error_message, &mut values);
                    attempt::Entity::update_many()
                        .col_expr(attempt::Column::Destination, Expr::value(destination))
                        .col_expr(attempt::Column::ProviderResponse, Expr::value(provider_response))
                        .col_expr(attempt::Column::ErrorMessage, Expr::value(error_message))
                        .filter(attempt::Column::Id.eq(&a.id))
                        .exec(txn)
                        .await?;
                    erased_count += 1;
                }
                found.extend(values);
                found.push(format!("notifications/{}", row.id));
                if !row.complaint.is_empty() {
                    found.push(row.complaint.clone());
                }
            }
            let needles = needles(found.iter().map(String::as_str));
            erased_count += redress_idempotency::forget_responses_containing(txn, &tenant, &needles).await? as i64;
            Ok(ErasePlayerRecordsResponse { erased_count })
        })
        .await?;
        tracing::info!(erasure = %req.erasure, erased = response.erased_count, "player records erased");
        Ok(response)
    }
}
