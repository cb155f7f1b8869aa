//! Alternative dispute resolution: ReferToAdr, AnswerAdrEnquiry,
//! RecordAdrOutcome.

use prost::Message;
use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::{
    common::v1::Outcome,
    resolution::v1::{
        AnswerAdrEnquiryRequest, AnswerAdrEnquiryResponse, RecordAdrOutcomeRequest, RecordAdrOutcomeResponse,
        ReferToAdrRequest, ReferToAdrResponse,
    },
};

use super::{MAX_BODY, ResolutionApi, Target, convert, fingerprint, now, past_time, request_id};
use crate::domain::{deadlines, machine::Command};

impl ResolutionApi {
    pub(super) async fn refer_to_adr(
        &self,
        caller: Caller,
        req: ReferToAdrRequest,
    ) -> Result<ReferToAdrResponse, ApiError> {
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
                let rule = deadlines::adr_enquiry(policy);
                Ok(Command::ReferToAdr {
                    adr_body: req.adr_body.clone(),
                    adr_reference: req.adr_reference.clone(),
                    enquiry_receive_time: received,
                    enquiry_due: deadlines::due(policy, rule, received),
                    working_days: deadlines::working_days(rule),
                })
            },
            |a| ReferToAdrResponse { case: Some(a.case) },
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
}
