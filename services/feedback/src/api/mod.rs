//! Feedback's gRPC API: turns requests into domain calls and stored rows,
//! and writes every change with its outbox rows in one transaction. Which
//! roles may call which method is the delegate tables at the end; the
//! handlers are grouped by resource in the submodules.

pub mod convert;
mod erasure;
mod events;
mod export;
mod insights;
pub mod outbox;
mod surveys;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use redress_auth::Role;
use redress_errors::{ApiError, ErrorCode};
use redress_outbox::Relay;
use redress_paging::PageTokens;
use redress_proto::feedback::v1::{
    ErasePlayerRecordsRequest, ErasePlayerRecordsResponse, ExportPlayerRecordsRequest, GetInsightsRequest,
    GetInsightsResponse, GetSurveyRequest, GetSurveyResponse, ListRecurringProblemsRequest,
    ListRecurringProblemsResponse, ListSurveysRequest, ListSurveysResponse, RecordCaseOutcomeRequest,
    RecordCaseOutcomeResponse, RecordEventRequest, RecordEventResponse, SubmitSurveyResponseRequest,
    SubmitSurveyResponseResponse, feedback_internal_service_server::FeedbackInternalService,
    feedback_service_server::FeedbackService,
};
use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};
use serde::{Deserialize, Serialize};

use crate::{
    config::FeedbackConfig,
    domain::{Window, facts::Fact, rollup},
    store,
};

/// Roles that act for a player holding a survey token.
const SURVEY_ROLES: &[Role] = &[Role::Backend, Role::Admin];
/// Roles that read a player's surveys.
const SURVEY_READERS: &[Role] = &[Role::Agent, Role::Supervisor, Role::Analyst, Role::Admin, Role::Backend];
/// Roles that read insights.
const ANALYSTS: &[Role] = &[Role::Analyst, Role::Supervisor, Role::Admin];
/// Other Redress services.
const SERVICES: &[Role] = &[Role::Service];

/// Everything the handlers share.
pub struct FeedbackApi {
    db: DatabaseConnection,
    /// Where insights read (`redress_db::connect_readers`): `db` on
    /// PostgreSQL, read-only connections beside the writer on SQLite.
    readers: DatabaseConnection,
    relay: Arc<Relay>,
    page_tokens: PageTokens,
    config: Arc<FeedbackConfig>,
}

/// A page position, with the window it was computed for (a defaulted window
/// moves with the clock; later pages keep the first page's).
#[derive(Serialize, Deserialize)]
struct Cursor {
    offset: u64,
    start: i64,
    end: i64,
}

impl Cursor {
    fn new(offset: u64, w: &Window) -> Self {
        Cursor { offset, start: w.start.timestamp_micros(), end: w.end.timestamp_micros() }
    }

    fn window(&self) -> Option<Window> {
        Some(Window {
            start: DateTime::from_timestamp_micros(self.start)?,
            end: DateTime::from_timestamp_micros(self.end)?,
        })
    }
}

impl FeedbackApi {
    /// The API over a database (and its readers), its outbox relay and the
    /// configuration.
    pub fn new(
        db: DatabaseConnection,
        readers: DatabaseConnection,
        relay: Arc<Relay>,
        page_tokens: PageTokens,
        config: Arc<FeedbackConfig>,
    ) -> Self {
        Self { db, readers, relay, page_tokens, config }
    }

    async fn begin(&self) -> Result<DatabaseTransaction, ApiError> {
        Ok(self.db.begin().await?)
    }

    /// Commits, then wakes the relay so the outbox rows go out at once.
    async fn commit(&self, txn: DatabaseTransaction) -> Result<(), ApiError> {
        txn.commit().await?;
        self.relay.notify();
        Ok(())
    }

    /// Loads a complaint's fact (locked) or starts one, lets `change` fold
    /// into it, and writes it back with the rollups' change.
    async fn update_fact(
        &self,
        txn: &DatabaseTransaction,
        tenant: &str,
        complaint_id: &str,
        now: DateTime<Utc>,
        change: impl FnOnce(&mut Fact),
    ) -> Result<(), ApiError> {
        let existing = store::find_fact_for_update(txn, tenant, complaint_id).await?;
        let old = existing.as_ref().map(store::to_fact);
        let mut fact = old.clone().unwrap_or_else(|| Fact::new(complaint_id));
        change(&mut fact);
        // The rollups move with the fact, in its transaction: its old
        // contribution out, the new one in.
        let rollup_change = rollup::change(old.as_ref(), &fact);
        let (removed, added) = rollup::days_moved(old.as_ref(), &fact);
        match store::save_fact(txn, store::from_fact(tenant, fact, now), existing.is_some()).await {
            Ok(()) => {
                store::rollup::apply(txn, tenant, &rollup_change).await?;
                store::rollup::move_fact_days(txn, tenant, complaint_id, &removed, &added).await?;
                Ok(())
            }
            // Two first events of one complaint raced to create its fact;
            // the caller (an outbox relay) retries and folds into the winner.
            Err(err) if redress_db::is_unique_violation(&err) => {
                Err(ApiError::new(ErrorCode::Aborted, "CONCURRENT_UPDATE", "the complaint changed concurrently; retry"))
            }
            Err(err) => Err(err.into()),
        }
    }
}

redress_server::delegate! {
    /// The public service.
    pub struct PublicService(FeedbackApi): FeedbackService {
        get_survey(GetSurveyRequest) -> GetSurveyResponse = SURVEY_ROLES;
        submit_survey_response(SubmitSurveyResponseRequest) -> SubmitSurveyResponseResponse = SURVEY_ROLES;
        list_surveys(ListSurveysRequest) -> ListSurveysResponse = SURVEY_READERS;
        get_insights(GetInsightsRequest) -> GetInsightsResponse = ANALYSTS;
        list_recurring_problems(ListRecurringProblemsRequest) -> ListRecurringProblemsResponse = ANALYSTS;
    }
}

redress_server::delegate! {
    /// The internal service (role `service`).
    pub struct InternalService(FeedbackApi): FeedbackInternalService {
        record_case_outcome(RecordCaseOutcomeRequest) -> RecordCaseOutcomeResponse = SERVICES;
        record_event(RecordEventRequest) -> RecordEventResponse = SERVICES;
        erase_player_records(ErasePlayerRecordsRequest) -> ErasePlayerRecordsResponse = SERVICES;
        @streaming {
            type ExportPlayerRecordsStream = export::ExportStream;

            async fn export_player_records(
                &self,
                request: tonic::Request<ExportPlayerRecordsRequest>,
            ) -> Result<tonic::Response<Self::ExportPlayerRecordsStream>, tonic::Status> {
                redress_server::handlers::handle(&self.0, request, SERVICES, |api, caller, req| async move {
                    api.export_player_records(caller, req).await
                })
                .await
            }
        }
    }
}
