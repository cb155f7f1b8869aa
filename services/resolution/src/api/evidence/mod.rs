//! Evidence attached to cases: UploadEvidence (client stream), GetEvidence,
//! ListEvidence, DownloadEvidence (server stream), and the scanner's
//! RecordEvidenceScan. The content goes to the database chunk by chunk as it
//! arrives; the attachment is one case event whose chained payload holds the
//! content's SHA-256, and every read of the bytes re-hashes them.

use prost::Message;
use redress_auth::Caller;
use redress_db::Stored;
use redress_errors::{ApiError, ErrorCode, Violation, Violations};
use redress_proto::resolution::v1::{
    GetEvidenceRequest, GetEvidenceResponse, ListEvidenceRequest, ListEvidenceResponse, RecordEvidenceScanRequest,
    RecordEvidenceScanResponse, evidence,
};
use sea_orm::{ConnectionTrait, TransactionTrait};
use sha2::{Digest, Sha256};

use super::{ResolutionApi, convert, now};
use crate::{
    domain::{
        evidence::{self as rules, EvidencePolicy, ScanOutcome},
        machine::{self, Command},
    },
    store::{self, evidence as row},
};

mod download;
mod upload;

pub use download::DownloadStream;

/// INVALID_ARGUMENT with a reason of its own and one field violation.
fn refused(reason: &str, field: &str, description: String) -> ApiError {
    let violations = vec![Violation { field: field.to_owned(), description: description.clone() }];
    ApiError { violations, ..ApiError::new(ErrorCode::InvalidArgument, reason, description) }
}

/// DATA_LOSS for evidence whose bytes no longer match the record.
pub(super) fn corrupted(name: &str, what: &str) -> ApiError {
    ApiError::new(ErrorCode::DataLoss, "EVIDENCE_CORRUPTED", format!("{name}: {what}")).with_metadata("evidence", name)
}

/// What an evidence's stored chunks hash to.
pub(super) struct Rehash {
    pub size: i64,
    pub sha256: String,
    /// A chunk row beyond the recorded count, or one missing.
    pub rows_differ: bool,
}

/// Reads an evidence's chunks one at a time and hashes them.
pub(super) async fn rehash<C: ConnectionTrait>(c: &C, row: &row::Model) -> Result<Rehash, ApiError> {
    let mut hash = Sha256::new();
    let (mut size, mut rows_differ) = (0i64, false);
    for seq in 0..row.chunk_count {
        match store::find_chunk(c, &row.tenant_id, &row.id, seq).await? {
            Some(data) => {
                size += data.len() as i64;
                hash.update(&data);
            }
            None => rows_differ = true,
        }
    }
    rows_differ |= store::find_chunk(c, &row.tenant_id, &row.id, row.chunk_count).await?.is_some();
    Ok(Rehash { size, sha256: hex::encode(hash.finalize()), rows_differ })
}

impl ResolutionApi {
    /// OpenCase's adoption, in its transaction: every evidence uploaded to
    /// the complaint before its case opened gets the case and one chained
    /// TYPE_EVIDENCE_ATTACHED event, like an upload to the case would have
    /// (the uploader as the actor). The caller holds the complaint's erasure
    /// lock, so no upload to the complaint commits in between. For an
    /// erased complaint, evidence not yet erased is erased first.
    pub(super) async fn adopt_pending_evidence(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        applied: super::write::Applied,
        complaint_id: &str,
        erased: bool,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<super::write::Applied, ApiError> {
        let super::write::Applied { events, mut messages, mut row, .. } = applied;
        let tenant = row.tenant_id.clone();
        for mut evidence in store::pending_evidence(txn, &tenant, &[complaint_id.to_owned()]).await? {
            if erased && evidence.erased_at.is_none() {
                let filename = crate::domain::erasure::erased_filename(&evidence.id);
                store::erase_evidence(txn, &evidence, filename.clone(), now).await?;
                evidence.filename = filename;
                evidence.description.clear();
                evidence.erased_at = Some(now);
            }
            let actor = evidence.uploader_subject.clone();
            let (sequence, more, next) = self.record_attachment(txn, row, &evidence, &actor, now).await?;
            if !store::adopt_evidence(txn, &tenant, &evidence.id, &next.id, sequence).await? {
                return Err(ApiError::stale_etag(convert::evidence(&evidence).name));
            }
            messages.extend(more);
            row = next;
        }
        Ok(super::write::Applied { case: self.present(&row), events, messages, row })
    }

    /// The tenant's evidence limits.
    fn evidence_policy(&self, tenant: &str) -> EvidencePolicy {
        self.evidence.get(tenant).cloned().unwrap_or_default()
    }

    /// The tenant's evidence named in `field`, or NOT_FOUND.
    async fn load_evidence<C: ConnectionTrait>(
        &self,
        c: &C,
        tenant: &str,
        name: &str,
        field: &str,
    ) -> Result<row::Model, ApiError> {
        let (parent, id) = convert::evidence_ids(name, field)?;
        store::find_evidence(c, tenant, parent.owner(), &id).await?.ok_or_else(|| ApiError::not_found(name))
    }

    pub(super) async fn get_evidence(
        &self,
        caller: Caller,
        req: GetEvidenceRequest,
    ) -> Result<GetEvidenceResponse, ApiError> {
        let row = self.load_evidence(&self.db, &caller.tenant, &req.name, "name").await?;
        Ok(GetEvidenceResponse { evidence: Some(convert::evidence(&row)) })
    }

    pub(super) async fn list_evidence(
        &self,
        caller: Caller,
        req: ListEvidenceRequest,
    ) -> Result<ListEvidenceResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 50, 1000)?;
        // `cases/-`: every evidence of the tenant (AIP-159), pending ones too.
        let parent = match req.parent.as_str() {
            "cases/-" => None,
            parent => Some(convert::evidence_parent(parent, "parent")?),
        };
        let mut v = Violations::new();
        let state: Option<evidence::State> = v.enum_filter(req.state, "state");
        v.into_result()?;
        // A case must exist; a complaint resolution may not know yet (its
        // case not opened) lists what was uploaded to it, maybe nothing.
        if let Some(convert::EvidenceParent::Case(_)) = &parent {
            self.load(&caller.tenant, &req.parent, "parent").await?;
        }
        let filter_key = redress_paging::filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter_key)?;
        let mut rows = store::list_evidence(
            &self.db,
            &caller.tenant,
            parent.as_ref().map(|p| p.owner()),
            state,
            after.as_deref(),
            size + 1,
        )
        .await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &filter_key, |last| last.id.clone());
        Ok(ListEvidenceResponse { evidence: rows.iter().map(convert::evidence).collect(), next_page_token })
    }

    pub(super) async fn record_evidence_scan(
        &self,
        caller: Caller,
        req: RecordEvidenceScanRequest,
    ) -> Result<RecordEvidenceScanResponse, ApiError> {
        let mut v = Violations::new();
        let verdict: Option<evidence::State> = v.enum_value(req.verdict, "verdict");
        let verdict = verdict.unwrap_or_default();
        v.check(
            !matches!(verdict, evidence::State::Clean | evidence::State::Rejected),
            "verdict",
            "must be STATE_CLEAN or STATE_REJECTED",
        );
        v.line(&req.reason, "reason", verdict == evidence::State::Rejected, 500);
        v.into_result()?;
        let tenant = caller.tenant.as_str();
        let mut attempt = 0;
        loop {
            let txn = self.db.begin().await?;
            let row = self.load_evidence(&txn, tenant, &req.name, "name").await?;
            match rules::record_scan(row.state.get(), verdict, row.scan_time.is_some()) {
                Ok(ScanOutcome::Unchanged) => {
                    return Ok(RecordEvidenceScanResponse { evidence: Some(convert::evidence(&row)) });
                }
                Err(state) => {
                    return Err(ApiError::failed_precondition(
                        "EVIDENCE_ALREADY_SCANNED",
                        format!("{} is {}, not pending a scan", req.name, state.as_str_name()),
                    )
                    .with_metadata("state", state.as_str_name()));
                }
                Ok(ScanOutcome::Changed) => {}
            }
            let now = now();
            let result = async {
                if !store::record_scan(&txn, tenant, &row.id, verdict, &req.reason, now).await? {
                    return Err(ApiError::stale_etag(&req.name));
                }
                // Not adopted yet: the verdict goes into the attachment
                // event OpenCase appends (its payload holds the state).
                if row.case_id.is_empty() {
                    return Ok(());
                }
                let case = store::find_case(&txn, tenant, &row.case_id)
                    .await?
                    .ok_or_else(|| ApiError::not_found(convert::case_name(&row.case_id)))?;
                let summary = format!("evidence {} scanned: {} {}", row.filename, verdict.as_str_name(), req.reason);
                let decision = machine::decide(
                    &convert::body_of(&case),
                    Command::EvidenceScanned { summary: summary.trim_end().to_owned() },
                    &caller.subject,
                    now,
                )
                .map_err(|r| ApiError::failed_precondition(r.reason, r.message))?;
                let applied = self.apply(&txn, case, decision, &caller.subject, &req.encode_to_vec(), now).await?;
                redress_outbox::enqueue(&txn, applied.messages).await?;
                Ok(())
            }
            .await;
            match result {
                Ok(()) => {
                    self.commit(txn).await?;
                    let mut after = row;
                    after.state = Stored(verdict);
                    after.scan_reason = req.reason.clone();
                    after.scan_time = Some(now);
                    return Ok(RecordEvidenceScanResponse { evidence: Some(convert::evidence(&after)) });
                }
                Err(err) if err.code == ErrorCode::Aborted && attempt < 8 => {
                    drop(txn);
                    attempt += 1;
                }
                Err(err) => return Err(err),
            }
        }
    }
}
