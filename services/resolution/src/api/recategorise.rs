//! RecategoriseCase: an agent corrects a case's category (and root cause)
//! with a reason. The state machine records it in the history; the outbox
//! tells intake and feedback.

use prost::Message;
use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::{
    common::v1::{ComplaintCategory, RootCause},
    resolution::v1::{RecategoriseCaseRequest, RecategoriseCaseResponse, case::State},
};

use super::{ResolutionApi, Target, convert, fingerprint, is_supervisor, request_id};
use crate::domain::{
    machine::Command,
    routing::{self, Facts},
    rules,
};

/// Longest recategorisation reason.
const MAX_REASON: usize = 2000;

impl ResolutionApi {
    pub(super) async fn recategorise_case(
        &self,
        caller: Caller,
        req: RecategoriseCaseRequest,
    ) -> Result<RecategoriseCaseResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&req.reason, "reason", true, MAX_REASON);
        let category = ComplaintCategory::try_from(req.category).unwrap_or(ComplaintCategory::Unspecified);
        v.check(category == ComplaintCategory::Unspecified, "category", "must be a known, specified category");
        let root_cause: RootCause = v.enum_value(req.root_cause, "root_cause").unwrap_or_default();
        v.into_result()?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        let supervisor = is_supervisor(&caller);
        // Routing follows the new category (not for an escalated case, which
        // stays where its escalation sent it).
        let queues = self.queue_definitions(&self.db, &caller.tenant).await?;
        self.change(
            &caller,
            "RecategoriseCase",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |case| {
                if !rules::may_recategorise(supervisor, &caller.subject, &case.assignee) {
                    return Err(ApiError::permission_denied(
                        "an agent may only recategorise an unassigned case or their own",
                    ));
                }
                let escalated = case.state == State::Escalated as i32;
                let queue = (!escalated)
                    .then(|| routing::route(&queues, &Facts { category: category.into(), ..Facts::of_case(case) }))
                    .flatten();
                Ok(Command::Recategorise { category, root_cause, reason: req.reason.clone(), queue })
            },
            |a| RecategoriseCaseResponse { case: Some(a.case) },
        )
        .await
    }
}
