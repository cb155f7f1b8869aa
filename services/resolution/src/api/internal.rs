//! The internal service, for peers (role `service`): OpenCase from intake,
//! the player's messages, decisions and withdrawals, FlagFollowUp from
//! feedback. Outbox deliveries are not ordered, so any of them may arrive
//! after an erasure of its complaint: the player's words are then stored
//! erased (`erased_complaints`, see `redress_db::erasure::erasure_of`; for
//! the writes on a case, in `write.rs`).

use prost::Message;
use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::{
    common::v1::PlayerDecision,
    resolution::v1::{
        FlagFollowUpRequest, FlagFollowUpResponse, FollowUp, FollowUpReason, OpenCaseRequest, OpenCaseResponse,
        RecordPlayerDecisionRequest, RecordPlayerDecisionResponse, RecordPlayerMessageRequest,
        RecordPlayerMessageResponse, RecordWithdrawalRequest, RecordWithdrawalResponse,
    },
};

use super::{ResolutionApi, Target, convert, fingerprint, new_id, now, request_id};
use crate::{
    domain::{erasure::erase_open_case, machine::Command, opening, timestamp},
    store,
};

impl ResolutionApi {
    pub(super) async fn open_case(
        &self,
        caller: Caller,
        mut req: OpenCaseRequest,
    ) -> Result<OpenCaseResponse, ApiError> {
        let complaint_id = convert::complaint_id(&req.complaint, "complaint")?;
        let mut v = Violations::new();
        v.check(req.player.as_ref().is_none_or(|p| p.player_id.is_empty()), "player.player_id", "must not be empty");
        v.into_result()?;
        let tenant = caller.tenant.as_str();
        let policy = self.policy.lookup(&opening::jurisdiction(&req)).1;
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        // Looked up in the transaction that inserts, so the check and the
        // write see one database; a twin committing in between trips the
        // unique index below.
        if let Some(row) = store::find_case_by_complaint(&txn, tenant, &complaint_id).await? {
            return Ok(OpenCaseResponse { case: Some(self.present(&row)) });
        }
        // Also the complaint's lock that orders evidence uploads to the
        // complaint against this opening (see the adoption below).
        let erased = redress_db::erasure::erasure_of(&txn, tenant, &req.complaint).await?.is_some();
        if erased {
            erase_open_case(&mut req);
        }
        let now = now();
        let id = new_id();
        let queue = self.routed_queue(&txn, tenant, &req).await?;
        let decision = opening::open_in(&req, policy, convert::case_name(&id), now, queue);
        // Version 0, so `apply` writes the case at version 1 with its event.
        // `apply` writes the sweep time with the queue's hours.
        let mut seed = convert::row_of(&id, tenant, &decision.case, 0, now, None);
        seed.state = redress_db::Stored(redress_proto::resolution::v1::case::State::Unspecified);
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
        let applied = self.auto_assign(&txn, applied, now).await?;
        let applied = self.adopt_pending_evidence(&txn, applied, &complaint_id, erased, now).await?;
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
