//! Where a case ends up: ProposeResolution, ResolveCase, EscalateCase,
//! ReopenCase, CloseCase.

use prost::Message;
use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::{
    common::v1::{Outcome, RootCause},
    resolution::v1::{
        CloseCaseRequest, CloseCaseResponse, CloseReason, EscalateCaseRequest, EscalateCaseResponse, Proposal,
        ProposeResolutionRequest, ProposeResolutionResponse, ReopenCaseRequest, ReopenCaseResponse, ResolutionType,
        ResolveCaseRequest, ResolveCaseResponse, escalation::Reason as EscalationReason,
    },
};

use super::{MAX_BODY, ResolutionApi, Target, convert, fingerprint, is_supervisor, new_id, now, request_id};
use crate::domain::{
    deadlines,
    machine::Command,
    rules::{self, Amount},
};

impl ResolutionApi {
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
        let amount = rules::amount_of(kind);
        match &req.amount {
            None => v.check(amount == Amount::Required, "amount", "is required for this resolution type"),
            Some(m) => {
                v.check(amount == Amount::Forbidden, "amount", "is not allowed for this resolution type");
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
                    vulnerable: rules::is_vulnerable(case),
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
                let adr_body = rules::adr_body(&req.adr_body, self.policy_of(case)).map_err(|_| ApiError {
                    reason: "ADR_BODY_REQUIRED".into(),
                    ..ApiError::invalid_field(
                        "adr_body",
                        "the jurisdiction requires the final response to name an adr body",
                    )
                })?;
                Ok(Command::Resolve {
                    outcome,
                    root_cause,
                    text: text.clone(),
                    adr_body,
                    macro_name: req.r#macro.clone(),
                    applied_proposal_id: req.applied_proposal_id.clone(),
                    channel: rules::reply_channel(case),
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
        // Read before the write: queue definitions change rarely, and a
        // definition changed meanwhile routes as it would have a moment ago.
        let queues =
            if req.queue.is_empty() { self.queue_definitions(&self.db, &caller.tenant).await? } else { vec![] };
        self.change(
            &caller,
            "EscalateCase",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |case| {
                Ok(Command::Escalate {
                    reason,
                    comment: req.comment.clone(),
                    queue: if req.queue.is_empty() {
                        self.escalation_queue_for(&queues, case)
                    } else {
                        req.queue.clone()
                    },
                    assignee: req.assignee.clone(),
                    mark_as_dispute: req.mark_as_dispute,
                })
            },
            |a| EscalateCaseResponse { case: Some(a.case) },
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
                    final_response_due: deadlines::due(policy, policy.final_response, now),
                    working_days: deadlines::working_days(policy.final_response),
                    consequence: deadlines::consequence_name(policy.on_final_response_expiry).to_owned(),
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
}
