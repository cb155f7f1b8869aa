//! The tamper-evident case history: ListCaseEvents (the events under
//! `cases/{case_id}`, AIP-132), VerifyCaseHistory.

use prost::Message;
use redress_auth::Caller;
use redress_errors::ApiError;
use redress_proto::resolution::v1::{
    Evidence, ListCaseEventsRequest, ListCaseEventsResponse, VerifyCaseHistoryRequest, VerifyCaseHistoryResponse,
    case_event::Type, verify_case_history_response::Problem,
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
        let stored = store::list_events(&self.db, &caller.tenant, &row.id, 0, None).await?;
        let events: Vec<_> = stored.iter().map(convert::event).collect();
        let mut result = chain::verify(&events, row.last_event_sequence, &row.head_hash);
        if result.intact
            && let Some((sequence, detail)) = self.evidence_mismatch(&caller.tenant, &stored).await?
        {
            tracing::error!(case = %req.name, %detail, "case history: evidence does not match its attachment event");
            crate::metrics::metrics()
                .evidence_corrupted
                .add(1, &[redress_telemetry::metrics::label("found_by", "verify")]);
            result.intact = false;
            result.first_bad_sequence = sequence;
            result.problem = Problem::EvidenceMismatch;
            result.detail = detail;
        }
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

impl ResolutionApi {
    /// The first attachment event whose evidence no longer matches it: its
    /// stored payload (the Evidence as attached) must hash to the chained
    /// `payload_hash`, and the evidence's stored bytes to the SHA-256 and
    /// size in that payload. Reads one chunk at a time.
    async fn evidence_mismatch(
        &self,
        tenant: &str,
        events: &[store::case_event::Model],
    ) -> Result<Option<(i64, String)>, redress_errors::ApiError> {
        // An erased event's payload, and its evidence's content, are gone
        // by design: the chain still holds their hashes.
        for event in events.iter().filter(|e| e.event_type.get() == Type::EvidenceAttached && e.erased_at.is_none()) {
            let at = event.sequence;
            if chain::sha256_hex(&event.payload) != event.payload_hash {
                return Ok(Some((at, format!("event {at}: stored payload does not match its payload hash"))));
            }
            let Ok(attached) = Evidence::decode(event.payload.as_slice()) else {
                return Ok(Some((at, format!("event {at}: stored payload is not an evidence"))));
            };
            let (parent, id) = convert::evidence_ids(&attached.name, "name")?;
            let Some(row) = store::find_evidence(&self.db, tenant, parent.owner(), &id).await? else {
                return Ok(Some((at, format!("event {at}: {} is missing", attached.name))));
            };
            // Evidence erased before its case opened was adopted erased: its
            // bytes are gone by design, its SHA-256 is in the chain.
            if row.erased_at.is_some() {
                if row.sha256 != attached.sha256 {
                    return Ok(Some((at, format!("event {at}: {} sha256 does not match", attached.name))));
                }
                continue;
            }
            let rehash = super::evidence::rehash(&self.db, &row).await?;
            if rehash.rows_differ
                || rehash.size != attached.size_bytes
                || rehash.sha256 != attached.sha256
                || row.sha256 != attached.sha256
            {
                return Ok(Some((
                    at,
                    format!("event {at}: {} content does not match its recorded sha256", attached.name),
                )));
            }
        }
        Ok(None)
    }
}
