//! Intake's gRPC API. Each handler authorizes (the delegate tables below),
//! validates, calls the domain, stores and converts; every change is written
//! with its outbox rows in one keyed transaction. By resource:
//! `filing` (SubmitComplaint), `complaints` (read, list, withdraw),
//! `interactions` (the player's messages and decisions), `internal`
//! (resolution's case updates).

mod complaints;
pub mod convert;
mod erasure;
mod export;
mod filing;
mod interactions;
mod internal;
mod outbox;
mod retention;
mod story;

pub use retention::RetentionSweeper;

use std::sync::Arc;

pub use export::{export, export_name};

use chrono::{DateTime, Utc};
use redress_auth::{Caller, Role};
use redress_db::{Stored, new_id};
use redress_errors::ApiError;
use redress_outbox::Relay;
use redress_paging::PageTokens;
use redress_policy::PolicyTable;
use redress_proto::{
    common::v1::{Channel, ComplaintStatus},
    intake::v1::{
        AddPlayerMessageRequest, AddPlayerMessageResponse, ApplyCaseUpdateRequest, ApplyCaseUpdateResponse,
        DownloadPlayerDataExportRequest, ExportPlayerDataRequest, ExportPlayerDataResponse, GetComplaintRequest,
        GetComplaintResponse, GetPlayerDataExportRequest, GetPlayerDataExportResponse, GetPlayerStoryRequest,
        GetPlayerStoryResponse, ListComplaintsRequest, ListComplaintsResponse, ListInteractionsRequest,
        ListInteractionsResponse, SubmitComplaintRequest, SubmitComplaintResponse, SubmitPlayerDecisionRequest,
        SubmitPlayerDecisionResponse, WithdrawComplaintRequest, WithdrawComplaintResponse,
        intake_internal_service_server::IntakeInternalService, intake_service_server::IntakeService, interaction,
    },
};
// Legal holds, erasures and retention (erasure.rs).
use redress_proto::intake::v1::{
    CreateLegalHoldRequest, CreateLegalHoldResponse, ErasePlayerDataRequest, ErasePlayerDataResponse,
    GetErasureRequest, GetErasureResponse, ListErasuresRequest, ListErasuresResponse, ListLegalHoldsRequest,
    ListLegalHoldsResponse, ListRetentionSweepsRequest, ListRetentionSweepsResponse, ReleaseLegalHoldRequest,
    ReleaseLegalHoldResponse,
};
use sea_orm::DatabaseConnection;

use crate::{
    domain::{history, validate},
    store::{self, complaint, interaction as interaction_row},
};

/// Roles that may file and change complaints on a player's behalf.
const WRITERS: &[Role] = &[Role::Backend, Role::Agent, Role::Supervisor, Role::Admin];
/// Roles that may read complaints: any.
const READERS: &[Role] = &Role::ALL;
/// Roles that read a player's whole story.
const STORY_READERS: &[Role] = &[Role::Backend, Role::Agent, Role::Supervisor, Role::Analyst, Role::Admin];
/// Roles that export, hold and erase a player's data: the data-protection
/// officer and the tenant's administrator.
const DPO: &[Role] = &[Role::Dpo, Role::Admin];

redress_server::delegate! {
    /// The public service.
    pub struct PublicService(IntakeApi): IntakeService {
        submit_complaint(SubmitComplaintRequest) -> SubmitComplaintResponse = WRITERS;
        get_complaint(GetComplaintRequest) -> GetComplaintResponse = READERS;
        list_complaints(ListComplaintsRequest) -> ListComplaintsResponse = READERS;
        add_player_message(AddPlayerMessageRequest) -> AddPlayerMessageResponse = WRITERS;
        submit_player_decision(SubmitPlayerDecisionRequest) -> SubmitPlayerDecisionResponse = WRITERS;
        withdraw_complaint(WithdrawComplaintRequest) -> WithdrawComplaintResponse = WRITERS;
        list_interactions(ListInteractionsRequest) -> ListInteractionsResponse = READERS;
        get_player_story(GetPlayerStoryRequest) -> GetPlayerStoryResponse = STORY_READERS;
        create_legal_hold(CreateLegalHoldRequest) -> CreateLegalHoldResponse = DPO;
        list_legal_holds(ListLegalHoldsRequest) -> ListLegalHoldsResponse = DPO;
        release_legal_hold(ReleaseLegalHoldRequest) -> ReleaseLegalHoldResponse = DPO;
        erase_player_data(ErasePlayerDataRequest) -> ErasePlayerDataResponse = DPO;
        get_erasure(GetErasureRequest) -> GetErasureResponse = DPO;
        list_erasures(ListErasuresRequest) -> ListErasuresResponse = DPO;
        list_retention_sweeps(ListRetentionSweepsRequest) -> ListRetentionSweepsResponse = DPO;
        export_player_data(ExportPlayerDataRequest) -> ExportPlayerDataResponse = DPO;
        get_player_data_export(GetPlayerDataExportRequest) -> GetPlayerDataExportResponse = DPO;
        @streaming {
            type DownloadPlayerDataExportStream = export::DownloadStream;

            async fn download_player_data_export(
                &self,
                request: tonic::Request<DownloadPlayerDataExportRequest>,
            ) -> Result<tonic::Response<Self::DownloadPlayerDataExportStream>, tonic::Status> {
                redress_server::handlers::handle(&self.0, request, DPO, |api, caller, req| async move {
                    api.download_player_data_export(caller, req).await
                })
                .await
            }
        }
    }
}

redress_server::delegate! {
    /// The internal service (role `service`).
    pub struct InternalService(IntakeApi): IntakeInternalService {
        apply_case_update(ApplyCaseUpdateRequest) -> ApplyCaseUpdateResponse = &[Role::Service];
    }
}

/// Everything the handlers share.
pub struct IntakeApi {
    db: DatabaseConnection,
    /// Where a submission's player lookup reads (`redress_db::connect_readers`):
    /// `db` on PostgreSQL; on SQLite, read-only connections beside the one
    /// writer, so the lookup takes no turn of the writer.
    readers: DatabaseConnection,
    relay: Arc<Relay>,
    policy: Arc<PolicyTable>,
    page_tokens: PageTokens,
    reference_prefix: String,
    references: store::ReferenceAllocator,
    exports: Arc<crate::exporter::ExportWorker>,
}

/// Reference numbers reserved per round trip to the counter row.
const REFERENCE_BLOCK: i64 = 20;

impl IntakeApi {
    /// The API over a database (and its readers), its outbox relay and the
    /// deadline policy.
    pub fn new(
        db: DatabaseConnection,
        readers: DatabaseConnection,
        relay: Arc<Relay>,
        policy: Arc<PolicyTable>,
        page_tokens: PageTokens,
        reference_prefix: String,
        exports: Arc<crate::exporter::ExportWorker>,
    ) -> Self {
        Self {
            db,
            readers,
            relay,
            policy,
            page_tokens,
            reference_prefix,
            references: store::ReferenceAllocator::new(REFERENCE_BLOCK),
            exports,
        }
    }

    async fn load(&self, tenant: &str, name: &str, field: &str) -> Result<complaint::Model, ApiError> {
        let id = validate::complaint_name(name, field)?;
        store::find_complaint(&self.db, tenant, &id).await?.ok_or_else(|| ApiError::not_found(name))
    }
}

/// A validated channel number as stored.
fn channel_of(value: i32) -> Stored<Channel> {
    Stored(Channel::try_from(value).unwrap_or(Channel::Unspecified))
}

/// Who wrote an inbound record of `player_id`'s complaint.
fn inbound_author(caller: &Caller, player_id: &str) -> String {
    history::inbound_author(caller.roles.contains(&Role::Backend), player_id, &caller.subject)
}

/// FAILED_PRECONDITION for an action the complaint's status does not allow.
fn refused_in(status: ComplaintStatus, reason: &'static str, consequence: &str) -> ApiError {
    ApiError::failed_precondition(reason, format!("the complaint is {}; {consequence}", status.as_str_name()))
        .with_metadata("status", status.as_str_name())
}

/// FAILED_PRECONDITION for new words of the player on a complaint whose
/// player data was erased: they would be personal data again.
fn refuse_erased(row: &crate::store::complaint::Model) -> Result<(), ApiError> {
    match row.erased_at {
        Some(_) => Err(ApiError::failed_precondition(
            "COMPLAINT_ERASED",
            "the complaint's player data was erased; it takes no more of the player's words (file a new complaint)",
        )),
        None => Ok(()),
    }
}

/// One new entry of a complaint's interaction history.
struct Entry<'a> {
    kind: interaction::Kind,
    direction: interaction::Direction,
    channel: i32,
    body: String,
    author: &'a str,
    /// The status it records, for entries that change it.
    status: Option<ComplaintStatus>,
}

impl Entry<'_> {
    /// The entry as a row of `complaint_id`'s history.
    fn row(self, tenant: &str, complaint_id: &str, at: DateTime<Utc>) -> interaction_row::Model {
        interaction_row::Model {
            id: new_id(),
            tenant_id: tenant.to_owned(),
            complaint_id: complaint_id.to_owned(),
            kind: Stored(self.kind),
            direction: Stored(self.direction),
            channel: channel_of(self.channel),
            body: self.body,
            author: self.author.to_owned(),
            status: self.status.map(Stored),
            created_at: at,
        }
    }
}
