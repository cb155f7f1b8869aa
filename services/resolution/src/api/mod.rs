//! Resolution's gRPC API: turns requests into state-machine commands and
//! stored rows, and writes every change with its case events and outbox rows
//! in one transaction (`write`).
//!
//! Each RPC is a handler `(Caller, request) -> response` in the module of its
//! resource (`cases`, `conversation`, `outcomes`, `adr`, `history`,
//! `returns`, `macros`, `evidence`, `queues`; `internal` for peers). The streaming
//! evidence methods are written out after their tables. The `delegate!` tables at the
//! end are each method's roles; a handler checks only finer rules (e.g. who
//! may close a follow-up), validates, asks the domain, writes and converts.

mod adr;
mod agents;
mod cases;
mod conversation;
pub mod convert;
mod erasure;
mod evidence;
mod export;
mod history;
mod internal;
mod macros;
mod outbox;
mod outcomes;
mod queues;
mod recategorise;
mod returns;
mod write;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use redress_auth::{Caller, Role};
use redress_db::{new_id, now};
use redress_errors::{ApiError, Violations};
use redress_idempotency::fingerprint;
use redress_outbox::Relay;
use redress_paging::PageTokens;
use redress_policy::{JurisdictionPolicy, PolicyTable};
use redress_proto::resolution::v1::{
    AddInternalNoteRequest, AddInternalNoteResponse, AnswerAdrEnquiryRequest, AnswerAdrEnquiryResponse,
    AssignCaseRequest, AssignCaseResponse, Case, CloseCaseRequest, CloseCaseResponse, DownloadEvidenceRequest,
    ErasePlayerRecordsRequest, ErasePlayerRecordsResponse, EscalateCaseRequest, EscalateCaseResponse,
    ExportPlayerRecordsRequest, FlagFollowUpRequest, FlagFollowUpResponse, GetCaseRequest, GetCaseResponse,
    GetEvidenceRequest, GetEvidenceResponse, GetRegulatoryReturnRequest, GetRegulatoryReturnResponse,
    ListCaseEventsRequest, ListCaseEventsResponse, ListCasesRequest, ListCasesResponse, ListEvidenceRequest,
    ListEvidenceResponse, ListMacrosRequest, ListMacrosResponse, OpenCaseRequest, OpenCaseResponse,
    ProposeResolutionRequest, ProposeResolutionResponse, RecategoriseCaseRequest, RecategoriseCaseResponse,
    RecordAdrOutcomeRequest, RecordAdrOutcomeResponse, RecordEvidenceScanRequest, RecordEvidenceScanResponse,
    RecordPlayerDecisionRequest, RecordPlayerDecisionResponse, RecordPlayerMessageRequest, RecordPlayerMessageResponse,
    RecordWithdrawalRequest, RecordWithdrawalResponse, ReferToAdrRequest, ReferToAdrResponse, RenderMacroRequest,
    RenderMacroResponse, ReopenCaseRequest, ReopenCaseResponse, RequestInformationRequest, RequestInformationResponse,
    ResolveCaseRequest, ResolveCaseResponse, RespondToPlayerRequest, RespondToPlayerResponse, UpdateMacroRequest,
    UpdateMacroResponse, UploadEvidenceRequest, UploadEvidenceResponse, VerifyCaseHistoryRequest,
    VerifyCaseHistoryResponse, resolution_internal_service_server::ResolutionInternalService,
    resolution_service_server::ResolutionService,
};
// Queues and agents (queues.rs).
use redress_proto::resolution::v1::{
    CreateQueueRequest, CreateQueueResponse, DeleteQueueRequest, DeleteQueueResponse, GetQueueRequest,
    GetQueueResponse, ListAgentsRequest, ListAgentsResponse, ListQueuesRequest, ListQueuesResponse,
    SetAgentAvailabilityRequest, SetAgentAvailabilityResponse, UpdateQueueRequest, UpdateQueueResponse,
};
use sea_orm::DatabaseConnection;

pub use write::Applied;
use write::Target;

use crate::{
    domain::{evidence::EvidencePolicy, playbook::Playbooks, staff::StaffDirectory},
    store::{self, case},
};

/// Roles that may read cases.
const READERS: &[Role] = &[Role::Agent, Role::Supervisor, Role::Analyst, Role::Admin, Role::Backend];
/// Roles that work cases.
const WORKERS: &[Role] = &[Role::Agent, Role::Supervisor, Role::Admin];
/// Roles with authority over any case.
const SUPERVISORS: &[Role] = &[Role::Supervisor, Role::Admin];
/// Roles that may read a case's history: staff, not the casino backend.
const HISTORY_READERS: &[Role] = &[Role::Agent, Role::Supervisor, Role::Analyst, Role::Admin];
/// Roles that may check the history's integrity.
const AUDITORS: &[Role] = &[Role::Supervisor, Role::Analyst, Role::Admin];
/// Roles that may pull a regulatory return.
const REPORTERS: &[Role] = &[Role::Analyst, Role::Supervisor, Role::Admin];
/// Roles that attach evidence: staff working cases, and the casino backend
/// on the player's behalf. Not analysts: evidence is personal data.
const EVIDENCE_WRITERS: &[Role] = &[Role::Agent, Role::Supervisor, Role::Admin, Role::Backend];
/// Roles that read evidence: its writers, and a scanner (role `service`).
const EVIDENCE_READERS: &[Role] = &[Role::Agent, Role::Supervisor, Role::Admin, Role::Backend, Role::Service];
/// Peers: the internal service's only role.
const SERVICE: &[Role] = &[Role::Service];

/// Longest free text: a message, a note.
const MAX_BODY: usize = 20_000;
/// Longest idempotency key.
const MAX_REQUEST_ID: usize = 128;

/// Everything the handlers share.
pub struct ResolutionApi {
    db: DatabaseConnection,
    relay: Arc<Relay>,
    policy: Arc<PolicyTable>,
    playbooks: Arc<Playbooks>,
    page_tokens: PageTokens,
    escalation_queue: String,
    /// Staff addresses for deadline warnings, by tenant.
    staff: std::collections::BTreeMap<String, StaffDirectory>,
    /// Evidence limits, by tenant (the others get the defaults).
    evidence: std::collections::BTreeMap<String, EvidencePolicy>,
}

impl ResolutionApi {
    /// The API over a database, its outbox relay, the deadline policy and
    /// the playbooks.
    pub fn new(
        db: DatabaseConnection,
        relay: Arc<Relay>,
        policy: Arc<PolicyTable>,
        playbooks: Arc<Playbooks>,
        page_tokens: PageTokens,
        escalation_queue: String,
        staff: std::collections::BTreeMap<String, StaffDirectory>,
    ) -> Self {
        let evidence = std::collections::BTreeMap::new();
        Self { db, relay, policy, playbooks, page_tokens, escalation_queue, staff, evidence }
    }

    /// With the tenants' evidence limits.
    pub fn with_evidence_policies(mut self, evidence: std::collections::BTreeMap<String, EvidencePolicy>) -> Self {
        self.evidence = evidence;
        self
    }

    /// The jurisdiction policy of a case's player.
    fn policy_of(&self, case: &Case) -> &JurisdictionPolicy {
        let jurisdiction = case.player.as_ref().map(|p| p.jurisdiction.as_str()).unwrap_or_default();
        self.policy.lookup(jurisdiction).1
    }

    /// Wakes the relay after a commit that wrote outbox rows.
    pub(crate) fn notify_relay(&self) {
        self.relay.notify();
    }

    /// A case of the tenant as the API returns it.
    fn present(&self, row: &case::Model) -> Case {
        convert::case(row, &self.playbooks, now())
    }

    /// The tenant's case named in `field`, or NOT_FOUND (another tenant's too).
    async fn load(&self, tenant: &str, name: &str, field: &str) -> Result<case::Model, ApiError> {
        let id = convert::case_id(name, field)?;
        store::find_case(&self.db, tenant, &id).await?.ok_or_else(|| ApiError::not_found(name))
    }
}

/// True when the caller has authority over any case: the finer rules that
/// a role list cannot say (assigning, reopening, closing) ask it.
fn is_supervisor(caller: &Caller) -> bool {
    SUPERVISORS.iter().any(|r| caller.roles.contains(r))
}

/// Checks an idempotency key: required, at most [`MAX_REQUEST_ID`] long.
fn request_id(v: &mut Violations, value: &str, field: &str) {
    v.text(value, field, true, MAX_REQUEST_ID);
}

/// A client-given time: defaults to `now`, never in the future.
fn past_time(
    v: &mut Violations,
    ts: Option<&prost_types::Timestamp>,
    field: &str,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    match ts {
        None => now,
        Some(ts) => match crate::domain::from_timestamp(ts) {
            Some(at) if at <= now => at,
            Some(_) => {
                v.add(field, "must not be in the future");
                now
            }
            None => {
                v.add(field, "is not a valid timestamp");
                now
            }
        },
    }
}

redress_server::delegate! {
    /// The public service.
    pub struct PublicService(ResolutionApi): ResolutionService {
        get_case(GetCaseRequest) -> GetCaseResponse = READERS;
        list_cases(ListCasesRequest) -> ListCasesResponse = READERS;
        assign_case(AssignCaseRequest) -> AssignCaseResponse = WORKERS;
        respond_to_player(RespondToPlayerRequest) -> RespondToPlayerResponse = WORKERS;
        request_information(RequestInformationRequest) -> RequestInformationResponse = WORKERS;
        add_internal_note(AddInternalNoteRequest) -> AddInternalNoteResponse = WORKERS;
        propose_resolution(ProposeResolutionRequest) -> ProposeResolutionResponse = WORKERS;
        resolve_case(ResolveCaseRequest) -> ResolveCaseResponse = WORKERS;
        escalate_case(EscalateCaseRequest) -> EscalateCaseResponse = WORKERS;
        refer_to_adr(ReferToAdrRequest) -> ReferToAdrResponse = WORKERS;
        answer_adr_enquiry(AnswerAdrEnquiryRequest) -> AnswerAdrEnquiryResponse = WORKERS;
        record_adr_outcome(RecordAdrOutcomeRequest) -> RecordAdrOutcomeResponse = WORKERS;
        reopen_case(ReopenCaseRequest) -> ReopenCaseResponse = WORKERS;
        close_case(CloseCaseRequest) -> CloseCaseResponse = WORKERS;
        list_case_events(ListCaseEventsRequest) -> ListCaseEventsResponse = HISTORY_READERS;
        verify_case_history(VerifyCaseHistoryRequest) -> VerifyCaseHistoryResponse = AUDITORS;
        get_regulatory_return(GetRegulatoryReturnRequest) -> GetRegulatoryReturnResponse = REPORTERS;
        list_macros(ListMacrosRequest) -> ListMacrosResponse = WORKERS;
        update_macro(UpdateMacroRequest) -> UpdateMacroResponse = SUPERVISORS;
        render_macro(RenderMacroRequest) -> RenderMacroResponse = WORKERS;
        get_evidence(GetEvidenceRequest) -> GetEvidenceResponse = EVIDENCE_READERS;
        list_evidence(ListEvidenceRequest) -> ListEvidenceResponse = EVIDENCE_READERS;
        recategorise_case(RecategoriseCaseRequest) -> RecategoriseCaseResponse = WORKERS;
        create_queue(CreateQueueRequest) -> CreateQueueResponse = SUPERVISORS;
        get_queue(GetQueueRequest) -> GetQueueResponse = HISTORY_READERS;
        list_queues(ListQueuesRequest) -> ListQueuesResponse = HISTORY_READERS;
        update_queue(UpdateQueueRequest) -> UpdateQueueResponse = SUPERVISORS;
        delete_queue(DeleteQueueRequest) -> DeleteQueueResponse = SUPERVISORS;
        set_agent_availability(SetAgentAvailabilityRequest) -> SetAgentAvailabilityResponse = WORKERS;
        list_agents(ListAgentsRequest) -> ListAgentsResponse = HISTORY_READERS;
        @streaming {
            type DownloadEvidenceStream = evidence::DownloadStream;

            async fn upload_evidence(
                &self,
                request: tonic::Request<tonic::Streaming<UploadEvidenceRequest>>,
            ) -> Result<tonic::Response<UploadEvidenceResponse>, tonic::Status> {
                redress_server::handlers::handle(&self.0, request, EVIDENCE_WRITERS, |api, caller, stream| async move {
                    api.upload_evidence(caller, stream).await
                })
                .await
            }

            async fn download_evidence(
                &self,
                request: tonic::Request<DownloadEvidenceRequest>,
            ) -> Result<tonic::Response<Self::DownloadEvidenceStream>, tonic::Status> {
                redress_server::handlers::handle(&self.0, request, EVIDENCE_READERS, |api, caller, req| async move {
                    api.download_evidence(caller, req).await
                })
                .await
            }
        }
    }
}

redress_server::delegate! {
    /// The internal service (role `service`).
    pub struct InternalService(ResolutionApi): ResolutionInternalService {
        open_case(OpenCaseRequest) -> OpenCaseResponse = SERVICE;
        record_player_message(RecordPlayerMessageRequest) -> RecordPlayerMessageResponse = SERVICE;
        record_player_decision(RecordPlayerDecisionRequest) -> RecordPlayerDecisionResponse = SERVICE;
        record_withdrawal(RecordWithdrawalRequest) -> RecordWithdrawalResponse = SERVICE;
        flag_follow_up(FlagFollowUpRequest) -> FlagFollowUpResponse = SERVICE;
        record_evidence_scan(RecordEvidenceScanRequest) -> RecordEvidenceScanResponse = SERVICE;
        erase_player_records(ErasePlayerRecordsRequest) -> ErasePlayerRecordsResponse = SERVICE;
        @streaming {
            type ExportPlayerRecordsStream = export::ExportStream;

            async fn export_player_records(
                &self,
                request: tonic::Request<ExportPlayerRecordsRequest>,
            ) -> Result<tonic::Response<Self::ExportPlayerRecordsStream>, tonic::Status> {
                redress_server::handlers::handle(&self.0, request, SERVICE, |api, caller, req| async move {
                    api.export_player_records(caller, req).await
                })
                .await
            }
        }
    }
}
