//! The tamper-evident case history: ListCaseEvents (the events under
//! `cases/{case_id}`, AIP-132), VerifyCaseHistory.

use redress_auth::Caller;
use redress_errors::ApiError;
use redress_proto::resolution::v1::{
    ListCaseEventsRequest, ListCaseEventsResponse, VerifyCaseHistoryRequest, VerifyCaseHistoryResponse,
};

use super::{ResolutionApi, convert, now};
use crate::{
    domain::{chain, timestamp},
    store,
};

impl ResolutionApi {
    pub(super) async fn list_case_events(
        &self,
        caller: Caller,
        req: ListCaseEventsRequest,
    ) -> Result<ListCaseEventsResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 100, 1000)?;
        let row = self.load(&caller.tenant, &req.parent, "parent").await?;
        let after: Option<i64> = self.page_tokens.decode(&req.page_token, &caller.tenant, &req.parent)?;
        let mut rows =
            store::list_events(&self.db, &caller.tenant, &row.id, after.unwrap_or(0), Some(size + 1)).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &req.parent, |last| last.sequence);
        Ok(ListCaseEventsResponse { events: rows.iter().map(convert::event).collect(), next_page_token })
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
}
