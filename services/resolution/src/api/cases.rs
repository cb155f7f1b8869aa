//! Reading and assigning cases: GetCase, ListCases (the queues), AssignCase.

use prost::Message;
use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::{
    common::v1::ComplaintCategory,
    resolution::v1::{
        AssignCaseRequest, AssignCaseResponse, GetCaseRequest, GetCaseResponse, ListCasesRequest, ListCasesResponse,
        case::State,
    },
};

use super::{ResolutionApi, Target, convert, is_supervisor, now};
use crate::{
    domain::{self, machine::Command, rules},
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
            states,
            assignee: Some(req.assignee.clone()).filter(|s| !s.is_empty()),
            unassigned: req.unassigned,
            priority_ranks: req.priorities.iter().map(|p| convert::priority_rank(*p)).collect(),
            categories,
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
        let filter_key = redress_paging::filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
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
        self.change(
            &caller,
            "AssignCase",
            None,
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |case| {
                if !rules::may_assign(supervisor, &caller.subject, &case.assignee, &req.assignee) {
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
}
