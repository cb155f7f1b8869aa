//! Resolution's gRPC API: turns requests into state-machine commands and
//! stored rows, checks roles, and writes every change with its case events
//! and outbox rows in one transaction.

pub mod convert;
mod macros;
mod outbox;
mod service;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use prost::Message;
use redress_auth::{Caller, Role};
use redress_db::{new_id, now};
use redress_errors::{ApiError, ErrorCode, Violations};
use redress_idempotency::{Key, fingerprint};
use redress_outbox::{OutboxMessage, Relay};
use redress_paging::PageTokens;
use redress_policy::{self as policy, ClockRule, ClockUnit, ExpiryConsequence, JurisdictionPolicy, PolicyTable};
use redress_proto::resolution::v1::{
    AddInternalNoteRequest, AddInternalNoteResponse, AnswerAdrEnquiryRequest, AnswerAdrEnquiryResponse,
    AssignCaseRequest, AssignCaseResponse, Case, CaseEvent, CloseCaseRequest, CloseCaseResponse, EscalateCaseRequest,
    EscalateCaseResponse, FlagFollowUpRequest, FlagFollowUpResponse, GetCaseHistoryRequest, GetCaseHistoryResponse,
    GetCaseRequest, GetCaseResponse, GetRegulatoryReturnRequest, GetRegulatoryReturnResponse, ListCasesRequest,
    ListCasesResponse, ListMacrosRequest, ListMacrosResponse, OpenCaseRequest, OpenCaseResponse,
    ProposeResolutionRequest, ProposeResolutionResponse, RecordAdrOutcomeRequest, RecordAdrOutcomeResponse,
    RecordPlayerDecisionRequest, RecordPlayerDecisionResponse, RecordPlayerMessageRequest, RecordPlayerMessageResponse,
    RecordWithdrawalRequest, RecordWithdrawalResponse, ReferToAdrRequest, ReferToAdrResponse, RenderMacroRequest,
    RenderMacroResponse, ReopenCaseRequest, ReopenCaseResponse, RequestInformationRequest, RequestInformationResponse,
    ResolveCaseRequest, ResolveCaseResponse, RespondToPlayerRequest, RespondToPlayerResponse, UpsertMacroRequest,
    UpsertMacroResponse, VerifyCaseHistoryRequest, VerifyCaseHistoryResponse, case_event::Type,
    resolution_internal_service_server::ResolutionInternalService, resolution_service_server::ResolutionService,
};
use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};

use crate::{
    domain::{
        chain,
        machine::{self, Command, Decision, Refusal, RefusalKind},
        playbook::Playbooks,
        staff::StaffDirectory,
        timestamp,
    },
    store::{self, case, case_event},
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
}

/// The outcome of one applied command.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The case after the command, as the API returns it.
    pub case: Case,
    /// The events appended (none when nothing changed).
    pub events: Vec<CaseEvent>,
    /// The outbox rows to write with them.
    pub messages: Vec<OutboxMessage>,
    /// The stored row after the command.
    pub row: case::Model,
}

/// Which case a write addresses.
enum Target<'a> {
    /// By `cases/{id}`.
    Case { id: String, name: &'a str },
    /// By the intake complaint (internal methods).
    Complaint { id: String, name: &'a str },
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
        Self { db, relay, policy, playbooks, page_tokens, escalation_queue, staff }
    }

    /// The escalation queue.
    pub fn escalation_queue(&self) -> &str {
        &self.escalation_queue
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

    /// Commits, then wakes the relay so the outbox rows go out at once.
    async fn commit(&self, txn: DatabaseTransaction) -> Result<(), ApiError> {
        txn.commit().await?;
        self.relay.notify();
        Ok(())
    }

    /// A case of the tenant as the API returns it.
    fn present(&self, row: &case::Model) -> Case {
        convert::case(row, &self.playbooks, now())
    }

    async fn load(&self, tenant: &str, name: &str, field: &str) -> Result<case::Model, ApiError> {
        let id = convert::case_id(name, field)?;
        store::find_case(&self.db, tenant, &id).await?.ok_or_else(|| ApiError::not_found(name))
    }

    /// Applies a decided command to a stored case inside `txn`: appends the
    /// events to the hash chain, writes the case if nobody changed it
    /// meanwhile, and builds the outbox rows.
    pub(crate) async fn apply(
        &self,
        txn: &DatabaseTransaction,
        row: case::Model,
        decision: Decision,
        actor: &str,
        payload: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Applied, ApiError> {
        if decision.events.is_empty() {
            return Ok(Applied { case: self.present(&row), events: Vec::new(), messages: Vec::new(), row });
        }
        let tenant = row.tenant_id.clone();
        let before = convert::body_of(&row);
        let mut body = decision.case;
        let mut sequence = row.last_event_sequence;
        let mut previous = row.head_hash.clone();
        let payload_hash = chain::sha256_hex(payload);
        let first_response_now = before.first_response_time.is_none() && body.first_response_time.is_some();
        let mut events = Vec::new();
        let mut models = Vec::new();
        for new in &decision.events {
            sequence += 1;
            let mut event = CaseEvent {
                name: format!("cases/{}/events/{sequence}", row.id),
                sequence,
                r#type: new.kind.into(),
                actor: actor.to_owned(),
                create_time: Some(timestamp(now)),
                state: body.state,
                payload_summary: new.summary.clone(),
                payload_hash: payload_hash.clone(),
                ..Default::default()
            };
            chain::seal(&mut event, &previous);
            previous = event.hash.clone();
            models.push(case_event::Model {
                case_id: row.id.clone(),
                sequence,
                tenant_id: tenant.clone(),
                event_type: new.kind.as_str_name().to_owned(),
                actor: actor.to_owned(),
                state: redress_proto::resolution::v1::case::State::try_from(body.state)
                    .unwrap_or_default()
                    .as_str_name()
                    .to_owned(),
                payload_summary: new.summary.clone(),
                payload: payload.to_vec(),
                payload_hash: payload_hash.clone(),
                previous_hash: event.previous_hash.clone(),
                hash: event.hash.clone(),
                created_at: now,
            });
            events.push(event);
        }
        body.last_event_sequence = sequence;
        body.update_time = Some(timestamp(now));
        let mut next = convert::row_of(&row.id, &tenant, &body, row.version + 1, row.created_at);
        next.head_hash = previous;
        // A dispute stays counted in the period it became one.
        next.disputed_at = row.disputed_at.or(next.disputed_at.map(|_| now));
        if !store::update_case(txn, next.clone(), row.version).await? {
            return Err(ApiError::stale_etag(convert::case_name(&row.id)));
        }
        store::insert_events(txn, models).await?;
        let case = self.present(&next);
        let policy = self.policy_of(&case);
        let staff = self.staff.get(&tenant).cloned().unwrap_or_default();
        let mut messages = Vec::new();
        for (event, new) in events.iter().zip(&decision.events) {
            let first = first_response_now && new.message.is_some() && new.kind != Type::CaseOpened;
            messages.extend(outbox::for_event(&tenant, &case, event, new, first, policy));
            messages.extend(outbox::staff_warnings(&tenant, &case, event, new, &staff));
        }
        Ok(Applied { case, events, messages, row: next })
    }

    /// The saved response of a keyed write, if this key was used before
    /// (see `redress_idempotency::replay`).
    async fn replay<R: Message + Default>(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        tenant: &str,
        method: &str,
        request_id: &str,
        fingerprint: &str,
    ) -> Result<Option<R>, ApiError> {
        redress_idempotency::replay(conn, &Key { tenant, method, request_id, fingerprint: fingerprint.to_owned() })
            .await
    }

    /// Changes one case: loads it in a transaction, checks the etag, lets
    /// `build` turn the request into a command, decides and applies it, and
    /// writes the outbox rows. With a key, the response is saved and a
    /// repeat of the same request replays it. A caller without an etag who
    /// loses a race with another writer is retried on the fresh case.
    #[allow(clippy::too_many_arguments)]
    async fn change<R, B, F>(
        &self,
        caller: &Caller,
        method: &str,
        key: Option<(&str, String)>,
        target: Target<'_>,
        etag: &str,
        payload: Vec<u8>,
        build: B,
        finish: F,
    ) -> Result<R, ApiError>
    where
        R: Message + Default,
        B: Fn(&Case) -> Result<Command, ApiError>,
        F: Fn(Applied) -> R,
    {
        let mut attempt = 0;
        loop {
            let result = self.change_once(caller, method, &key, &target, etag, &payload, &build, &finish).await;
            match result {
                Err(err) if err.code == ErrorCode::Aborted && etag.is_empty() && attempt < 8 => attempt += 1,
                other => return other,
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn change_once<R, B, F>(
        &self,
        caller: &Caller,
        method: &str,
        key: &Option<(&str, String)>,
        target: &Target<'_>,
        etag: &str,
        payload: &[u8],
        build: &B,
        finish: &F,
    ) -> Result<R, ApiError>
    where
        R: Message + Default,
        B: Fn(&Case) -> Result<Command, ApiError>,
        F: Fn(Applied) -> R,
    {
        let tenant = caller.tenant.as_str();
        let txn = self.db.begin().await?;
        if let Some((request_id, fingerprint)) = key
            && let Some(saved) = self.replay(&txn, tenant, method, request_id, fingerprint).await?
        {
            return Ok(saved);
        }
        let (row, name) = match target {
            Target::Case { id, name } => (store::find_case(&txn, tenant, id).await?, *name),
            Target::Complaint { id, name } => {
                let row = store::find_case_by_complaint(&txn, tenant, id).await?;
                if row.is_none() {
                    return Err(ApiError::failed_precondition(
                        "CASE_NOT_OPENED",
                        format!("{name} has no case yet; retry after OpenCase"),
                    ));
                }
                (row, *name)
            }
        };
        let row = row.ok_or_else(|| ApiError::not_found(name))?;
        if !etag.is_empty() && etag != convert::etag(row.version) {
            return Err(ApiError::stale_etag(name));
        }
        let now = now();
        let body = convert::body_of(&row);
        let command = build(&body)?;
        let decision = machine::decide(&body, command, &caller.subject, now).map_err(refusal)?;
        let applied = self.apply(&txn, row, decision, &caller.subject, payload, now).await?;
        let messages = applied.messages.clone();
        let response = finish(applied);
        redress_outbox::enqueue(&txn, messages).await?;
        if let Some((request_id, fingerprint)) = key {
            let key = Key { tenant, method, request_id, fingerprint: fingerprint.clone() };
            let saved = redress_idempotency::save(&txn, &key, &response).await;
            if let Err(err) = saved {
                if redress_db::is_unique_violation(&err) {
                    // A concurrent twin committed first: answer what it answered.
                    drop(txn);
                    let saved = self.replay(&self.db, tenant, method, request_id, fingerprint).await?;
                    return saved.ok_or_else(|| ApiError::internal(err));
                }
                return Err(err.into());
            }
        }
        self.commit(txn).await?;
        Ok(response)
    }
}

/// A refusal of the state machine as the API error.
fn refusal(r: Refusal) -> ApiError {
    let code = match r.kind {
        RefusalKind::Precondition => ErrorCode::FailedPrecondition,
        RefusalKind::Permission => ErrorCode::PermissionDenied,
    };
    ApiError::new(code, r.reason, r.message).with_metadata("state", r.state.as_str_name())
}

fn is_supervisor(caller: &Caller) -> bool {
    SUPERVISORS.iter().any(|r| caller.roles.contains(r))
}

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

/// The policy's name for a consequence, as clocks record it.
fn consequence_name(c: ExpiryConsequence) -> &'static str {
    match c {
        ExpiryConsequence::Escalate => "escalate",
        ExpiryConsequence::DeemedAccepted => "deemed_accepted",
        ExpiryConsequence::AdrRights => "adr_rights",
    }
}

/// The ADR enquiry clock where the policy sets none: 10 working days.
const DEFAULT_ADR_ENQUIRY: ClockRule = ClockRule { amount: 10, unit: ClockUnit::WorkingDays };

/// The due time of a clock rule from `start` under `policy`.
fn due(policy: &JurisdictionPolicy, rule: ClockRule, start: DateTime<Utc>) -> DateTime<Utc> {
    policy::add(start, rule, &policy.holidays)
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
        get_case_history(GetCaseHistoryRequest) -> GetCaseHistoryResponse = HISTORY_READERS;
        verify_case_history(VerifyCaseHistoryRequest) -> VerifyCaseHistoryResponse = AUDITORS;
        get_regulatory_return(GetRegulatoryReturnRequest) -> GetRegulatoryReturnResponse = REPORTERS;
        list_macros(ListMacrosRequest) -> ListMacrosResponse = WORKERS;
        upsert_macro(UpsertMacroRequest) -> UpsertMacroResponse = SUPERVISORS;
        render_macro(RenderMacroRequest) -> RenderMacroResponse = WORKERS;
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
    }
}
