//! The internal service, for peers (role `service`): OpenCase from intake,
//! the player's messages, decisions and withdrawals, FlagFollowUp from
//! feedback.

use prost::Message;
use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::{
    common::v1::ComplaintCategory,
    resolution::v1::{
        Case, FlagFollowUpRequest, FlagFollowUpResponse, FollowUp, FollowUpReason, OpenCaseRequest, OpenCaseResponse,
        PlayerDecision, RecordPlayerDecisionRequest, RecordPlayerDecisionResponse, RecordPlayerMessageRequest,
        RecordPlayerMessageResponse, RecordWithdrawalRequest, RecordWithdrawalResponse, clock::Kind,
    },
};

use super::{ResolutionApi, Target, consequence_name, convert, due, fingerprint, new_id, now, request_id};
use crate::{
    domain::{self, clocks, machine::Command, timestamp},
    store,
};

impl ResolutionApi {
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
