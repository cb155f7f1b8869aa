//! The handlers, one per RPC.

use prost::Message;
use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::{
    common::v1::{ComplaintCategory, Outcome, RootCause},
    resolution::v1::{
        AddInternalNoteRequest, AddInternalNoteResponse, AnswerAdrEnquiryRequest, AnswerAdrEnquiryResponse,
        AssignCaseRequest, AssignCaseResponse, Case, CloseCaseRequest, CloseCaseResponse, CloseReason,
        EscalateCaseRequest, EscalateCaseResponse, FlagFollowUpRequest, FlagFollowUpResponse, FollowUp, FollowUpReason,
        GetCaseHistoryRequest, GetCaseHistoryResponse, GetCaseRequest, GetCaseResponse, GetRegulatoryReturnRequest,
        GetRegulatoryReturnResponse, ListCasesRequest, ListCasesResponse, OpenCaseRequest, OpenCaseResponse,
        PlayerDecision, Proposal, ProposeResolutionRequest, ProposeResolutionResponse, RecordAdrOutcomeRequest,
        RecordAdrOutcomeResponse, RecordPlayerDecisionRequest, RecordPlayerDecisionResponse,
        RecordPlayerMessageRequest, RecordPlayerMessageResponse, RecordWithdrawalRequest, RecordWithdrawalResponse,
        ReopenCaseRequest, ReopenCaseResponse, RequestInformationRequest, RequestInformationResponse, ResolutionType,
        ResolveCaseRequest, ResolveCaseResponse, RespondToPlayerRequest, RespondToPlayerResponse,
        VerifyCaseHistoryRequest, VerifyCaseHistoryResponse, case::State, case_event::Type, clock::Kind,
        escalation::Reason as EscalationReason,
    },
};

use super::{
    MAX_BODY, ResolutionApi, SUPERVISORS, Target, consequence_name, convert, due, fingerprint, is_supervisor, new_id,
    now, past_time, request_id,
};
use crate::{
    domain::{self, chain, clocks, machine::Command, timestamp},
    store::{self, CaseFilter, QueueCursor},
};

impl ResolutionApi {
    pub(super) async fn get_case(&self, caller: Caller, req: GetCaseRequest) -> Result<GetCaseResponse, ApiError> {
        let row = self.load(&caller.tenant, &req.name, "name").await?;
        Ok(GetCaseResponse { case: Some(self.present(&row)) })
    }

    pub(super) async fn list_cases(
        &self,
        caller: Caller,
        req: ListCasesRequest,
    ) -> Result<ListCasesResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 50, 1000)?;
        let mut v = Violations::new();
        v.check(req.unassigned && !req.assignee.is_empty(), "unassigned", "cannot be combined with assignee");
        v.into_result()?;
        let now = now();
        // Unknown enum values are refused, as in every List.
        let mut v = Violations::new();
        let listed: Vec<State> = v.enum_values(&req.states, "states");
        let categories: Vec<ComplaintCategory> = v.enum_values(&req.categories, "categories");
        let _: Vec<redress_proto::common::v1::Priority> = v.enum_values(&req.priorities, "priorities");
        let risk: redress_proto::resolution::v1::DeadlineRisk =
            v.enum_value(req.deadline_risk, "deadline_risk").unwrap_or_default();
        v.into_result()?;
        let states: Vec<State> =
            if req.states.is_empty() { domain::default_list_states(req.follow_up_pending) } else { listed };
        let filter = CaseFilter {
            states: states.iter().map(|s| s.as_str_name().to_owned()).collect(),
            assignee: Some(req.assignee.clone()).filter(|s| !s.is_empty()),
            unassigned: req.unassigned,
            priority_ranks: req.priorities.iter().map(|p| convert::priority_rank(*p)).collect(),
            categories: categories.iter().map(|c| c.as_str_name().to_owned()).collect(),
            jurisdiction: Some(req.jurisdiction.to_ascii_uppercase()).filter(|s| !s.is_empty()),
            responsible_gambling: req.responsible_gambling,
            queue: Some(req.queue.clone()).filter(|s| !s.is_empty()),
            player_id: Some(req.player_id.clone()).filter(|s| !s.is_empty()),
            complaint_id: if req.complaint.is_empty() {
                None
            } else {
                Some(convert::complaint_id(&req.complaint, "complaint")?)
            },
            follow_up_pending: req.follow_up_pending,
            warn_before: (risk == redress_proto::resolution::v1::DeadlineRisk::AtRisk).then_some(now),
            due_before: (risk == redress_proto::resolution::v1::DeadlineRisk::Breached).then_some(now),
        };
        // The token is bound to every filter: the request without paging.
        let mut bound = req.clone();
        bound.page_size = 0;
        bound.page_token.clear();
        let filter_key = hex::encode(bound.encode_to_vec());
        let after: Option<QueueCursor> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter_key)?;
        let mut rows = store::list_cases(&self.db, &caller.tenant, &filter, after.as_ref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &filter_key, |last| QueueCursor {
                due_at: last.due_at,
                priority_rank: last.priority_rank,
                created_at: last.created_at,
                id: last.id.clone(),
            });
        Ok(ListCasesResponse { cases: rows.iter().map(|r| self.present(r)).collect(), next_page_token })
    }

    pub(super) async fn assign_case(
        &self,
        caller: Caller,
        req: AssignCaseRequest,
    ) -> Result<AssignCaseResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let mut v = Violations::new();
        v.text(&req.assignee, "assignee", false, 128);
        v.text(&req.queue, "queue", false, 100);
        v.into_result()?;
        let supervisor = is_supervisor(&caller);
        let me = caller.subject.clone();
        self.change(
            &caller,
            "AssignCase",
            None,
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |case| {
                // An agent may take an unassigned case or release their own.
                let take = req.assignee == me && case.assignee.is_empty();
                let release = req.assignee.is_empty() && case.assignee == me;
                let same = req.assignee == case.assignee;
                if !(supervisor || take || release || same) {
                    return Err(ApiError::permission_denied(
                        "an agent may only take an unassigned case or release their own",
                    ));
                }
                Ok(Command::Assign { assignee: req.assignee.clone(), queue: req.queue.clone() })
            },
            |a| AssignCaseResponse { case: Some(a.case) },
        )
        .await
    }

    pub(super) async fn respond_to_player(
        &self,
        caller: Caller,
        req: RespondToPlayerRequest,
    ) -> Result<RespondToPlayerResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let body =
            self.text_or_macro(&caller.tenant, &req.name, &req.body, &req.r#macro, None, &caller.subject).await?;
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&body, "body", true, MAX_BODY);
        v.into_result()?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        self.change(
            &caller,
            "RespondToPlayer",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |_| Ok(Command::Respond { body: body.clone(), channel: req.channel }),
            |a| RespondToPlayerResponse { case: Some(a.case), event: a.events.into_iter().next() },
        )
        .await
    }

    pub(super) async fn request_information(
        &self,
        caller: Caller,
        req: RequestInformationRequest,
    ) -> Result<RequestInformationResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let body =
            self.text_or_macro(&caller.tenant, &req.name, &req.body, &req.r#macro, None, &caller.subject).await?;
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&body, "body", true, MAX_BODY);
        v.text(&req.reason, "reason", true, 500);
        v.into_result()?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        self.change(
            &caller,
            "RequestInformation",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |case| {
                Ok(Command::RequestInformation {
                    body: body.clone(),
                    reason: req.reason.clone(),
                    pause_allowed: self.policy_of(case).clock_pause_allowed,
                })
            },
            |a| RequestInformationResponse {
                clock_paused: a.events.iter().any(|e| e.r#type == Type::ClockPaused as i32),
                case: Some(a.case),
            },
        )
        .await
    }

    pub(super) async fn add_internal_note(
        &self,
        caller: Caller,
        req: AddInternalNoteRequest,
    ) -> Result<AddInternalNoteResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&req.body, "body", true, MAX_BODY);
        v.into_result()?;
        if req.close_follow_up {
            caller.require_any(SUPERVISORS)?;
        }
        let key = fingerprint(&req, |r| r.request_id.clear());
        self.change(
            &caller,
            "AddInternalNote",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |_| Ok(Command::Note { body: req.body.clone(), close_follow_up: req.close_follow_up }),
            |a| AddInternalNoteResponse { case: Some(a.case), event: a.events.into_iter().next() },
        )
        .await
    }

    pub(super) async fn propose_resolution(
        &self,
        caller: Caller,
        req: ProposeResolutionRequest,
    ) -> Result<ProposeResolutionResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let message = self
            .text_or_macro(&caller.tenant, &req.name, &req.message, &req.r#macro, req.amount.as_ref(), &caller.subject)
            .await?;
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&message, "message", true, MAX_BODY);
        v.text(&req.rationale, "rationale", false, 5000);
        let kind = ResolutionType::try_from(req.resolution_type).unwrap_or(ResolutionType::Unspecified);
        v.check(kind == ResolutionType::Unspecified, "resolution_type", "must be a known, specified type");
        let needs_amount =
            matches!(kind, ResolutionType::Refund | ResolutionType::BonusCredit | ResolutionType::Goodwill);
        let no_amount = matches!(kind, ResolutionType::Explanation | ResolutionType::Rejection);
        match &req.amount {
            None => v.check(needs_amount, "amount", "is required for this resolution type"),
            Some(m) => {
                v.check(no_amount, "amount", "is not allowed for this resolution type");
                v.check(m.amount_minor <= 0, "amount.amount_minor", "must be positive");
                let code_ok = m.currency_code.len() == 3 && m.currency_code.chars().all(|c| c.is_ascii_uppercase());
                v.check(!code_ok, "amount.currency_code", "must be an upper-case ISO 4217 code");
            }
        }
        v.into_result()?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        self.change(
            &caller,
            "ProposeResolution",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |case| {
                let player = case.player.clone().unwrap_or_default();
                Ok(Command::Propose {
                    proposal: Proposal {
                        proposal_id: new_id(),
                        resolution_type: kind.into(),
                        amount: req.amount.clone(),
                        message: message.clone(),
                        rationale: req.rationale.clone(),
                        r#macro: req.r#macro.clone(),
                        ..Default::default()
                    },
                    vulnerable: player.self_excluded || player.at_risk || case.responsible_gambling,
                })
            },
            |a| ProposeResolutionResponse { proposal: a.case.proposals.last().cloned(), case: Some(a.case) },
        )
        .await
    }

    pub(super) async fn resolve_case(
        &self,
        caller: Caller,
        req: ResolveCaseRequest,
    ) -> Result<ResolveCaseResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let text = self
            .text_or_macro(&caller.tenant, &req.name, &req.final_response, &req.r#macro, None, &caller.subject)
            .await?;
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&text, "final_response", true, MAX_BODY);
        v.text(&req.adr_body, "adr_body", false, 200);
        let outcome = Outcome::try_from(req.outcome).unwrap_or(Outcome::Unspecified);
        v.check(outcome == Outcome::Unspecified, "outcome", "must be a known, specified outcome");
        let root_cause = RootCause::try_from(req.root_cause).unwrap_or(RootCause::Unspecified);
        v.check(root_cause == RootCause::Unspecified, "root_cause", "must be a known, specified root cause");
        v.into_result()?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        self.change(
            &caller,
            "ResolveCase",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |case| {
                let policy = self.policy_of(case);
                let adr_body = if req.adr_body.is_empty() && policy.adr_required {
                    policy.adr_bodies.first().cloned().unwrap_or_default()
                } else {
                    req.adr_body.clone()
                };
                if policy.adr_required && adr_body.is_empty() {
                    return Err(ApiError {
                        reason: "ADR_BODY_REQUIRED".into(),
                        ..ApiError::invalid_field(
                            "adr_body",
                            "the jurisdiction requires the final response to name an adr body",
                        )
                    });
                }
                let player = case.player.clone().unwrap_or_default();
                Ok(Command::Resolve {
                    outcome,
                    root_cause,
                    text: text.clone(),
                    adr_body,
                    macro_name: req.r#macro.clone(),
                    applied_proposal_id: req.applied_proposal_id.clone(),
                    channel: if player.preferred_channel != 0 { player.preferred_channel } else { case.channel },
                })
            },
            |a| ResolveCaseResponse { case: Some(a.case) },
        )
        .await
    }

    pub(super) async fn escalate_case(
        &self,
        caller: Caller,
        req: EscalateCaseRequest,
    ) -> Result<EscalateCaseResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&req.comment, "comment", true, 5000);
        v.text(&req.queue, "queue", false, 100);
        let reason = EscalationReason::try_from(req.reason).unwrap_or(EscalationReason::Unspecified);
        v.check(
            matches!(reason, EscalationReason::Unspecified | EscalationReason::SlaBreach),
            "reason",
            "must be a known reason other than SLA_BREACH (set by the sla sweeper only)",
        );
        v.into_result()?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        let queue = if req.queue.is_empty() { self.escalation_queue.clone() } else { req.queue.clone() };
        self.change(
            &caller,
            "EscalateCase",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |_| {
                Ok(Command::Escalate {
                    reason,
                    comment: req.comment.clone(),
                    queue: queue.clone(),
                    assignee: req.assignee.clone(),
                    mark_as_dispute: req.mark_as_dispute,
                })
            },
            |a| EscalateCaseResponse { case: Some(a.case) },
        )
        .await
    }

    pub(super) async fn refer_to_adr(
        &self,
        caller: Caller,
        req: redress_proto::resolution::v1::ReferToAdrRequest,
    ) -> Result<redress_proto::resolution::v1::ReferToAdrResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let now = now();
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&req.adr_body, "adr_body", true, 200);
        v.text(&req.adr_reference, "adr_reference", true, 200);
        let received = past_time(&mut v, req.enquiry_receive_time.as_ref(), "enquiry_receive_time", now);
        v.into_result()?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        self.change(
            &caller,
            "ReferToAdr",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |case| {
                let policy = self.policy_of(case);
                let rule = policy.adr_enquiry.unwrap_or(super::DEFAULT_ADR_ENQUIRY);
                Ok(Command::ReferToAdr {
                    adr_body: req.adr_body.clone(),
                    adr_reference: req.adr_reference.clone(),
                    enquiry_receive_time: received,
                    enquiry_due: due(policy, rule, received),
                    working_days: rule.unit == redress_policy::ClockUnit::WorkingDays,
                })
            },
            |a| redress_proto::resolution::v1::ReferToAdrResponse { case: Some(a.case) },
        )
        .await
    }

    pub(super) async fn answer_adr_enquiry(
        &self,
        caller: Caller,
        req: AnswerAdrEnquiryRequest,
    ) -> Result<AnswerAdrEnquiryResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let now = now();
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&req.answer, "answer", true, MAX_BODY);
        let sent = past_time(&mut v, req.send_time.as_ref(), "send_time", now);
        v.into_result()?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        self.change(
            &caller,
            "AnswerAdrEnquiry",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |_| Ok(Command::AnswerAdrEnquiry { answer: req.answer.clone(), send_time: sent }),
            |a| AnswerAdrEnquiryResponse { case: Some(a.case) },
        )
        .await
    }

    pub(super) async fn record_adr_outcome(
        &self,
        caller: Caller,
        req: RecordAdrOutcomeRequest,
    ) -> Result<RecordAdrOutcomeResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let now = now();
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&req.conclusion, "conclusion", true, 5000);
        let outcome = Outcome::try_from(req.outcome).unwrap_or(Outcome::Unspecified);
        v.check(outcome == Outcome::Unspecified, "outcome", "must be a known, specified outcome");
        if let Some(m) = &req.award {
            v.check(m.amount_minor < 0, "award.amount_minor", "must not be negative");
        }
        let decided = past_time(&mut v, req.decision_time.as_ref(), "decision_time", now);
        v.into_result()?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        self.change(
            &caller,
            "RecordAdrOutcome",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |_| {
                Ok(Command::RecordAdrOutcome {
                    outcome,
                    binding: req.binding,
                    award: req.award.clone(),
                    conclusion: req.conclusion.clone(),
                    decision_time: decided,
                })
            },
            |a| RecordAdrOutcomeResponse { case: Some(a.case) },
        )
        .await
    }

    pub(super) async fn reopen_case(
        &self,
        caller: Caller,
        req: ReopenCaseRequest,
    ) -> Result<ReopenCaseResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&req.reason, "reason", true, 5000);
        v.into_result()?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        let privileged = is_supervisor(&caller);
        let now = now();
        self.change(
            &caller,
            "ReopenCase",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |case| {
                let policy = self.policy_of(case);
                Ok(Command::Reopen {
                    reason: req.reason.clone(),
                    final_response_due: due(policy, policy.final_response, now),
                    working_days: policy.final_response.unit == redress_policy::ClockUnit::WorkingDays,
                    consequence: consequence_name(policy.on_final_response_expiry).to_owned(),
                    privileged,
                })
            },
            |a| ReopenCaseResponse { case: Some(a.case) },
        )
        .await
    }

    pub(super) async fn close_case(
        &self,
        caller: Caller,
        req: CloseCaseRequest,
    ) -> Result<CloseCaseResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&req.comment, "comment", false, 5000);
        let reason = CloseReason::try_from(req.reason).unwrap_or(CloseReason::Unspecified);
        v.check(reason == CloseReason::Withdrawn, "reason", "WITHDRAWN is set only by the player's withdrawal");
        v.into_result()?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        let privileged = is_supervisor(&caller);
        self.change(
            &caller,
            "CloseCase",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |_| Ok(Command::Close { reason, comment: req.comment.clone(), privileged }),
            |a| CloseCaseResponse { case: Some(a.case) },
        )
        .await
    }

    pub(super) async fn get_case_history(
        &self,
        caller: Caller,
        req: GetCaseHistoryRequest,
    ) -> Result<GetCaseHistoryResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 100, 1000)?;
        let row = self.load(&caller.tenant, &req.name, "name").await?;
        let after: Option<i64> = self.page_tokens.decode(&req.page_token, &caller.tenant, &req.name)?;
        let mut rows =
            store::list_events(&self.db, &caller.tenant, &row.id, after.unwrap_or(0), Some(size + 1)).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &req.name, |last| last.sequence);
        Ok(GetCaseHistoryResponse { events: rows.iter().map(convert::event).collect(), next_page_token })
    }

    pub(super) async fn verify_case_history(
        &self,
        caller: Caller,
        req: VerifyCaseHistoryRequest,
    ) -> Result<VerifyCaseHistoryResponse, ApiError> {
        let row = self.load(&caller.tenant, &req.name, "name").await?;
        let events: Vec<_> =
            store::list_events(&self.db, &caller.tenant, &row.id, 0, None).await?.iter().map(convert::event).collect();
        let result = chain::verify(&events, row.last_event_sequence, &row.head_hash);
        Ok(VerifyCaseHistoryResponse {
            intact: result.intact,
            event_count: result.event_count,
            head_hash: result.head_hash,
            first_bad_sequence: result.first_bad_sequence,
            problem: result.problem.into(),
            detail: result.detail,
            verify_time: Some(timestamp(now())),
        })
    }

    pub(super) async fn get_regulatory_return(
        &self,
        caller: Caller,
        req: GetRegulatoryReturnRequest,
    ) -> Result<GetRegulatoryReturnResponse, ApiError> {
        use redress_proto::resolution::v1::{
            MgaAdrEntry, MgaAdrReport, Regulator, UkgcCategoryCount, UkgcReturn, get_regulatory_return_response::Report,
        };
        let mut v = Violations::new();
        let regulator = Regulator::try_from(req.regulator).unwrap_or(Regulator::Unspecified);
        v.check(regulator == Regulator::Unspecified, "regulator", "must be UKGC or MGA");
        let start = v.timestamp(req.period_start_time.as_ref(), "period_start_time");
        let end = v.timestamp(req.period_end_time.as_ref(), "period_end_time");
        v.check(req.period_start_time.is_none(), "period_start_time", "is required");
        v.check(req.period_end_time.is_none(), "period_end_time", "is required");
        if let (Some(s), Some(e)) = (start, end) {
            v.check(e <= s, "period_end_time", "must be after period_start_time");
            v.check(e - s > chrono::Duration::days(366), "period_end_time", "must be at most 366 days after the start");
        }
        v.into_result()?;
        let (Some(start), Some(end)) = (start, end) else {
            return Err(ApiError::invalid_field("period_start_time", "is required"));
        };
        let within = |t: Option<chrono::DateTime<chrono::Utc>>| t.is_some_and(|t| t >= start && t < end);
        let jurisdiction = if regulator == Regulator::Ukgc { "GB" } else { "MT" };
        let rows = store::cases_in_period(&self.db, &caller.tenant, jurisdiction, start, end).await?;
        let report = match regulator {
            Regulator::Ukgc => {
                let mut total = UkgcReturn::default();
                let mut by_category: std::collections::BTreeMap<i32, UkgcCategoryCount> = Default::default();
                for row in &rows {
                    let body = convert::body_of(row);
                    let counts =
                        [within(Some(row.created_at)), within(row.disputed_at), within(row.referred_at)].map(i64::from);
                    let entry = by_category
                        .entry(body.category)
                        .or_insert_with(|| UkgcCategoryCount { category: body.category, ..Default::default() });
                    entry.complaints += counts[0];
                    entry.disputes += counts[1];
                    entry.disputes_referred_to_adr += counts[2];
                    total.complaints += counts[0];
                    total.disputes += counts[1];
                    total.disputes_referred_to_adr += counts[2];
                }
                total.categories = by_category.into_values().collect();
                Report::Ukgc(total)
            }
            _ => {
                let mut entries: Vec<(chrono::DateTime<chrono::Utc>, MgaAdrEntry)> = rows
                    .iter()
                    .filter(|row| within(row.referred_at))
                    .filter_map(|row| {
                        let body = convert::body_of(row);
                        let referral = body.adr_referral.clone()?;
                        Some((
                            row.referred_at?,
                            MgaAdrEntry {
                                player_id: row.player_id.clone(),
                                subject: body.subject.clone(),
                                category: body.category,
                                outcome: referral.outcome,
                                conclusion: referral.conclusion,
                                adr_body: referral.adr_body,
                                adr_reference: referral.adr_reference,
                                referral_time: referral.enquiry_receive_time,
                                case: convert::case_name(&row.id),
                                complaint_reference: body.complaint_reference,
                            },
                        ))
                    })
                    .collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.case.cmp(&b.1.case)));
                Report::Mga(MgaAdrReport { entries: entries.into_iter().map(|(_, e)| e).collect() })
            }
        };
        Ok(GetRegulatoryReturnResponse {
            regulator: regulator.into(),
            period_start_time: req.period_start_time,
            period_end_time: req.period_end_time,
            generate_time: Some(timestamp(now())),
            report: Some(report),
        })
    }

    pub(super) async fn open_case(&self, caller: Caller, req: OpenCaseRequest) -> Result<OpenCaseResponse, ApiError> {
        let complaint_id = convert::complaint_id(&req.complaint, "complaint")?;
        let mut v = Violations::new();
        v.check(req.player.as_ref().is_none_or(|p| p.player_id.is_empty()), "player.player_id", "must not be empty");
        v.into_result()?;
        let tenant = caller.tenant.as_str();
        if let Some(row) = store::find_case_by_complaint(&self.db, tenant, &complaint_id).await? {
            return Ok(OpenCaseResponse { case: Some(self.present(&row)) });
        }
        let now = now();
        let submitted = req.submit_time.as_ref().and_then(domain::from_timestamp).unwrap_or(now);
        let mut player = req.player.clone().unwrap_or_default();
        player.jurisdiction = player.jurisdiction.to_ascii_uppercase();
        let policy = self.policy.lookup(&player.jurisdiction).1;
        let deadlines = req.deadlines.clone().unwrap_or_default();
        let ack_rule = match (req.responsible_gambling, policy.responsible_gambling_acknowledge) {
            (true, Some(rule)) => rule,
            _ => policy.acknowledge,
        };
        // Intake computed the deadlines at submission; recompute only when
        // it sent none.
        let ack_due = deadlines
            .acknowledge_due_time
            .as_ref()
            .and_then(domain::from_timestamp)
            .unwrap_or_else(|| due(policy, ack_rule, submitted));
        let final_due = deadlines
            .final_response_due_time
            .as_ref()
            .and_then(domain::from_timestamp)
            .unwrap_or_else(|| due(policy, policy.final_response, submitted));
        let working = |rule: redress_policy::ClockRule| rule.unit == redress_policy::ClockUnit::WorkingDays;
        let category = ComplaintCategory::try_from(req.category).unwrap_or(ComplaintCategory::Unspecified);
        let id = new_id();
        let body = Case {
            name: convert::case_name(&id),
            complaint: req.complaint.clone(),
            complaint_reference: req.complaint_reference.clone(),
            player: Some(player),
            transaction_references: req.transaction_references.clone(),
            category: req.category,
            priority: req.priority,
            kind: req.kind,
            responsible_gambling: req.responsible_gambling,
            harm_indicators: req.harm_indicators.clone(),
            channel: req.channel,
            subject: req.subject.clone(),
            description: req.description.clone(),
            disputed_amount: req.disputed_amount.clone(),
            queue: domain::route(category, req.responsible_gambling).to_owned(),
            clocks: vec![
                clocks::start(Kind::Acknowledge, submitted, ack_due, working(ack_rule), "escalate"),
                clocks::start(
                    Kind::FinalResponse,
                    submitted,
                    final_due,
                    working(policy.final_response),
                    consequence_name(policy.on_final_response_expiry),
                ),
            ],
            deadlines: Some(deadlines),
            submit_time: Some(timestamp(submitted)),
            create_time: Some(timestamp(now)),
            update_time: Some(timestamp(now)),
            ..Default::default()
        };
        let decision = domain::machine::open(body);
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        // Version 0, so `apply` writes the case at version 1 with its event.
        let mut seed = convert::row_of(&id, tenant, &decision.case, 0, now);
        seed.state = "STATE_UNSPECIFIED".into();
        if let Err(err) = store::insert_case(&txn, seed.clone()).await {
            drop(txn);
            if redress_db::is_unique_violation(&err) {
                // A concurrent delivery of the same OpenCase won.
                let row = store::find_case_by_complaint(&self.db, tenant, &complaint_id)
                    .await?
                    .ok_or_else(|| ApiError::internal(err))?;
                return Ok(OpenCaseResponse { case: Some(self.present(&row)) });
            }
            return Err(err.into());
        }
        let applied = self.apply(&txn, seed, decision, &caller.subject, &req.encode_to_vec(), now).await?;
        redress_outbox::enqueue(&txn, applied.messages).await?;
        self.commit(txn).await?;
        Ok(OpenCaseResponse { case: Some(applied.case) })
    }

    pub(super) async fn record_player_message(
        &self,
        caller: Caller,
        req: RecordPlayerMessageRequest,
    ) -> Result<RecordPlayerMessageResponse, ApiError> {
        let id = convert::complaint_id(&req.complaint, "complaint")?;
        let mut v = Violations::new();
        request_id(&mut v, &req.message_id, "message_id");
        v.into_result()?;
        let key = fingerprint(&req, |r| r.message_id.clear());
        self.change(
            &caller,
            "RecordPlayerMessage",
            Some((&req.message_id, key)),
            Target::Complaint { id, name: &req.complaint },
            "",
            req.encode_to_vec(),
            |_| Ok(Command::PlayerMessage { body: req.body.clone() }),
            |a| RecordPlayerMessageResponse { case: Some(a.case) },
        )
        .await
    }

    pub(super) async fn record_player_decision(
        &self,
        caller: Caller,
        req: RecordPlayerDecisionRequest,
    ) -> Result<RecordPlayerDecisionResponse, ApiError> {
        let id = convert::complaint_id(&req.complaint, "complaint")?;
        let mut v = Violations::new();
        request_id(&mut v, &req.decision_id, "decision_id");
        let decision = PlayerDecision::try_from(req.decision).unwrap_or(PlayerDecision::Unspecified);
        v.check(decision == PlayerDecision::Unspecified, "decision", "must be ACCEPT or REJECT");
        v.into_result()?;
        let key = fingerprint(&req, |r| r.decision_id.clear());
        self.change(
            &caller,
            "RecordPlayerDecision",
            Some((&req.decision_id, key)),
            Target::Complaint { id, name: &req.complaint },
            "",
            req.encode_to_vec(),
            |_| {
                Ok(Command::PlayerDecision {
                    accept: decision == PlayerDecision::Accept,
                    proposal_id: req.proposal_id.clone(),
                    comment: req.comment.clone(),
                })
            },
            |a| RecordPlayerDecisionResponse { case: Some(a.case) },
        )
        .await
    }

    pub(super) async fn record_withdrawal(
        &self,
        caller: Caller,
        req: RecordWithdrawalRequest,
    ) -> Result<RecordWithdrawalResponse, ApiError> {
        let id = convert::complaint_id(&req.complaint, "complaint")?;
        let mut v = Violations::new();
        request_id(&mut v, &req.withdrawal_id, "withdrawal_id");
        v.into_result()?;
        let key = fingerprint(&req, |r| r.withdrawal_id.clear());
        self.change(
            &caller,
            "RecordWithdrawal",
            Some((&req.withdrawal_id, key)),
            Target::Complaint { id, name: &req.complaint },
            "",
            req.encode_to_vec(),
            |_| Ok(Command::Withdraw { reason: req.reason.clone() }),
            |a| RecordWithdrawalResponse { case: Some(a.case) },
        )
        .await
    }

    pub(super) async fn flag_follow_up(
        &self,
        caller: Caller,
        req: FlagFollowUpRequest,
    ) -> Result<FlagFollowUpResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let mut v = Violations::new();
        request_id(&mut v, &req.feedback_id, "feedback_id");
        let reason = FollowUpReason::try_from(req.reason).unwrap_or(FollowUpReason::Unspecified);
        v.check(reason == FollowUpReason::Unspecified, "reason", "must be a known, specified reason");
        v.check(!(0..=5).contains(&req.score), "score", "must be 0 to 5");
        v.into_result()?;
        let key = fingerprint(&req, |r| r.feedback_id.clear());
        let now = now();
        self.change(
            &caller,
            "FlagFollowUp",
            Some((&req.feedback_id, key)),
            Target::Case { id, name: &req.name },
            "",
            req.encode_to_vec(),
            |_| {
                Ok(Command::FlagFollowUp {
                    follow_up: FollowUp {
                        feedback_id: req.feedback_id.clone(),
                        reason: reason.into(),
                        score: req.score,
                        comment: req.comment.clone(),
                        flag_time: Some(req.create_time.unwrap_or_else(|| timestamp(now))),
                    },
                })
            },
            |a| FlagFollowUpResponse { case: Some(a.case) },
        )
        .await
    }
}
