//! Evidence attached to cases: UploadEvidence (client stream), GetEvidence,
//! ListEvidence, DownloadEvidence (server stream), and the scanner's
//! RecordEvidenceScan. The content goes to the database chunk by chunk as it
//! arrives; the attachment is one case event whose chained payload holds the
//! content's SHA-256, and every read of the bytes re-hashes them.

use futures::{Stream, StreamExt};
use prost::Message;
use redress_auth::{Caller, Role};
use redress_db::Stored;
use redress_errors::{ApiError, ErrorCode, Violation, Violations};
use redress_idempotency::Key;
use redress_proto::resolution::v1::{
    DownloadEvidenceRequest, DownloadEvidenceResponse, GetEvidenceRequest, GetEvidenceResponse, ListEvidenceRequest,
    ListEvidenceResponse, RecordEvidenceScanRequest, RecordEvidenceScanResponse, UploadEvidenceRequest,
    UploadEvidenceResponse, download_evidence_response, evidence, upload_evidence_request,
};
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use tonic::Status;
use tracing::Instrument as _;

use super::{ResolutionApi, convert, new_id, now, request_id};
use crate::{
    domain::{
        evidence::{self as rules, CHUNK_BYTES, EvidencePolicy, MAX_MESSAGE_CHUNK, ScanOutcome, Sniffer},
        machine::{self, Command},
    },
    store::{self, evidence as row},
};

/// The method name idempotency records are kept under.
const UPLOAD: &str = "UploadEvidence";
/// Roles an upload is recorded under, in the order one is picked.
const UPLOADER_ROLES: [Role; 4] = [Role::Backend, Role::Agent, Role::Supervisor, Role::Admin];

/// The messages of a download, as tonic sends them.
pub type DownloadStream = tokio_stream::wrappers::ReceiverStream<Result<DownloadEvidenceResponse, Status>>;

/// INVALID_ARGUMENT with a reason of its own and one field violation.
fn refused(reason: &str, field: &str, description: String) -> ApiError {
    let violations = vec![Violation { field: field.to_owned(), description: description.clone() }];
    ApiError { violations, ..ApiError::new(ErrorCode::InvalidArgument, reason, description) }
}

/// A broken upload stream as the chassis names it.
fn broken(status: Status) -> ApiError {
    match status.code() {
        tonic::Code::OutOfRange | tonic::Code::ResourceExhausted => ApiError::new(
            ErrorCode::ResourceExhausted,
            "MESSAGE_TOO_LARGE",
            format!("an upload message exceeds the size limit: {}", status.message().to_lowercase()),
        ),
        _ => ApiError::new(
            ErrorCode::InvalidArgument,
            "MALFORMED_MESSAGE",
            format!("the upload stream broke: {}", status.message().to_lowercase()),
        ),
    }
}

/// DATA_LOSS for evidence whose bytes no longer match the record.
fn corrupted(name: &str, what: &str) -> ApiError {
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

/// An upload's content on its way into the chunk table.
struct Staged {
    tenant: String,
    id: String,
    buffer: Vec<u8>,
    seq: i32,
    size: u64,
    hash: Sha256,
    sniffer: Sniffer,
}

impl ResolutionApi {
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
        let (case_id, id) = convert::evidence_ids(name, field)?;
        store::find_evidence(c, tenant, &case_id, &id).await?.ok_or_else(|| ApiError::not_found(name))
    }

    /// Writes the full chunks of the buffer (all of it when `last`).
    async fn flush(&self, staged: &mut Staged, last: bool) -> Result<(), ApiError> {
        while staged.buffer.len() >= CHUNK_BYTES || (last && !staged.buffer.is_empty()) {
            let take = staged.buffer.len().min(CHUNK_BYTES);
            let data: Vec<u8> = staged.buffer.drain(..take).collect();
            let chunk = store::evidence_chunk::Model {
                evidence_id: staged.id.clone(),
                seq: staged.seq,
                tenant_id: staged.tenant.clone(),
                data,
                created_at: now(),
            };
            store::insert_chunk(&self.db, chunk).await?;
            staged.seq += 1;
        }
        Ok(())
    }

    /// Takes the content messages after the header, storing full chunks as
    /// they fill; stops at the first byte over `max_size_bytes`.
    async fn stage<S>(&self, stream: &mut S, staged: &mut Staged, max: u64) -> Result<(), ApiError>
    where
        S: Stream<Item = Result<UploadEvidenceRequest, Status>> + Unpin + Send,
    {
        while let Some(message) = stream.next().await {
            let chunk = match message.map_err(broken)?.part {
                Some(upload_evidence_request::Part::Chunk(chunk)) => chunk,
                Some(upload_evidence_request::Part::Header(_)) => {
                    return Err(ApiError::invalid_field("header", "only the first message may carry the header"));
                }
                None => return Err(ApiError::invalid_field("chunk", "every message after the header needs a chunk")),
            };
            if chunk.is_empty() || chunk.len() > MAX_MESSAGE_CHUNK {
                return Err(ApiError::invalid_field("chunk", format!("must be 1 to {MAX_MESSAGE_CHUNK} bytes")));
            }
            staged.size += chunk.len() as u64;
            if staged.size > max {
                return Err(refused(
                    "EVIDENCE_TOO_LARGE",
                    "chunk",
                    format!("the file exceeds the tenant's limit of {max} bytes"),
                )
                .with_metadata("max_size_bytes", max.to_string()));
            }
            staged.hash.update(&chunk);
            staged.sniffer.feed(&chunk);
            staged.buffer.extend_from_slice(&chunk);
            self.flush(staged, false).await?;
        }
        self.flush(staged, true).await?;
        if staged.size == 0 {
            return Err(ApiError::invalid_field("chunk", "the file must not be empty"));
        }
        Ok(())
    }

    /// UploadEvidence, on any stream of request messages (tonic's, or a
    /// test's).
    pub(super) async fn upload_evidence<S>(
        &self,
        caller: Caller,
        mut stream: S,
    ) -> Result<UploadEvidenceResponse, ApiError>
    where
        S: Stream<Item = Result<UploadEvidenceRequest, Status>> + Unpin + Send,
    {
        let header = match stream.next().await.transpose().map_err(broken)?.and_then(|m| m.part) {
            Some(upload_evidence_request::Part::Header(header)) => header,
            _ => return Err(ApiError::invalid_field("header", "the first message must carry the header")),
        };
        let case_id = convert::case_id(&header.parent, "header.parent")?;
        let mut v = Violations::new();
        request_id(&mut v, &header.request_id, "header.request_id");
        v.line(&header.filename, "header.filename", true, 255);
        v.line(&header.declared_content_type, "header.declared_content_type", false, 255);
        v.text(&header.description, "header.description", false, 2000);
        for (field, problem) in rules::header_problems(&header) {
            v.add(field, problem);
        }
        v.into_result()?;
        let tenant = caller.tenant.clone();
        // An unknown case is refused before a byte is stored.
        self.load(&tenant, &header.parent, "header.parent").await?;
        let policy = self.evidence_policy(&tenant);
        let mut staged = Staged {
            tenant: tenant.clone(),
            id: new_id(),
            buffer: Vec::with_capacity(CHUNK_BYTES),
            seq: 0,
            size: 0,
            hash: Sha256::new(),
            sniffer: Sniffer::default(),
        };
        let result = match self.stage(&mut stream, &mut staged, policy.max_size_bytes).await {
            Ok(()) => self.attach(&caller, &header, &case_id, &staged, &policy).await,
            Err(err) => Err(err),
        };
        match result {
            Ok((response, false)) => {
                let labels = [redress_telemetry::metrics::label("content_type", staged.sniffer.content_type())];
                let m = crate::metrics::metrics();
                m.evidence_uploads.add(1, &labels);
                m.evidence_bytes.add(staged.size, &labels);
                Ok(response)
            }
            // Refused, replayed, or the stream broke: the staged chunks
            // become nobody's. Removing them is best effort; left over, no
            // evidence row points at them.
            other => {
                if let Err(err) = store::delete_chunks(&self.db, &tenant, &staged.id).await {
                    tracing::warn!(error = %err, evidence = %staged.id, "staged evidence chunks not removed");
                }
                other.map(|(response, _)| response)
            }
        }
    }

    /// The keyed write that turns staged chunks into evidence: replays or
    /// refuses a reused request_id, checks the sniffed type, appends the
    /// attachment event and inserts the evidence row, in one transaction.
    /// Retried when another write to the case won the race.
    async fn attach(
        &self,
        caller: &Caller,
        header: &upload_evidence_request::Header,
        case_id: &str,
        staged: &Staged,
        policy: &EvidencePolicy,
    ) -> Result<(UploadEvidenceResponse, bool), ApiError> {
        let sha256 = hex::encode(staged.hash.clone().finalize());
        let fingerprint = rules::fingerprint(header, &sha256);
        let key = Key { tenant: &caller.tenant, method: UPLOAD, request_id: &header.request_id, fingerprint };
        let content_type = staged.sniffer.content_type();
        let role = UPLOADER_ROLES.into_iter().find(|r| caller.roles.contains(r)).unwrap_or(Role::Agent);
        let mut attempt = 0;
        loop {
            let write = async |txn: &DatabaseTransaction, _: &mut redress_db::Inserts| {
                if !policy.allows(content_type) {
                    return Err(refused(
                        "EVIDENCE_TYPE_NOT_ALLOWED",
                        "chunk",
                        format!("the content is {content_type}, which the tenant does not accept"),
                    )
                    .with_metadata("content_type", content_type)
                    .with_metadata("allowed", policy.allowed_content_types.join(",")));
                }
                let case = store::find_case(txn, &caller.tenant, case_id)
                    .await?
                    .ok_or_else(|| ApiError::not_found(&header.parent))?;
                let now = now();
                let mut model = row::Model {
                    id: staged.id.clone(),
                    tenant_id: caller.tenant.clone(),
                    case_id: case_id.to_owned(),
                    filename: header.filename.clone(),
                    content_type: content_type.to_owned(),
                    declared_content_type: header.declared_content_type.clone(),
                    size_bytes: staged.size as i64,
                    sha256: sha256.clone(),
                    chunk_count: staged.seq,
                    uploader_subject: caller.subject.clone(),
                    uploader_role: role.as_str().to_owned(),
                    description: header.description.clone(),
                    state: Stored(policy.initial_state()),
                    scan_reason: String::new(),
                    scan_time: None,
                    event_sequence: 0,
                    created_at: now,
                };
                // The chained payload: the evidence as created, before the
                // event's own sequence is known.
                let payload = convert::evidence(&model).encode_to_vec();
                let summary = rules::attached_summary(&model.filename, model.size_bytes, &model.sha256);
                let body = convert::body_of(&case);
                let decision = machine::decide(&body, Command::AttachEvidence { summary }, &caller.subject, now)
                    .map_err(|r| ApiError::failed_precondition(r.reason, r.message))?;
                let applied = self.apply(txn, case, decision, &caller.subject, &payload, now).await?;
                model.event_sequence = applied.events.first().map_or(0, |e| e.sequence);
                let evidence = convert::evidence(&model);
                store::insert_evidence(txn, model).await?;
                Ok((UploadEvidenceResponse { evidence: Some(evidence) }, applied.messages))
            };
            match redress_outbox::keyed_write(&self.db, &self.relay, &key, write).await {
                Err(err) if err.code == ErrorCode::Aborted && attempt < 8 => attempt += 1,
                other => return other,
            }
        }
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
        let case_id = convert::case_id(&req.parent, "parent")?;
        let mut v = Violations::new();
        let state: Option<evidence::State> = v.enum_filter(req.state, "state");
        v.into_result()?;
        // `cases/-`: every case of the tenant (AIP-159).
        let case_id = if case_id == "-" {
            None
        } else {
            self.load(&caller.tenant, &req.parent, "parent").await?;
            Some(case_id)
        };
        let filter_key = redress_paging::filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter_key)?;
        let mut rows =
            store::list_evidence(&self.db, &caller.tenant, case_id.as_deref(), state, after.as_deref(), size + 1)
                .await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &filter_key, |last| last.id.clone());
        Ok(ListEvidenceResponse { evidence: rows.iter().map(convert::evidence).collect(), next_page_token })
    }

    /// DownloadEvidence: checks the evidence may be read, then streams it
    /// from a task of its own, two chunks in memory at a time. The last chunk
    /// is held back until the bytes hash to the recorded SHA-256; if they do
    /// not, DATA_LOSS goes out in its place.
    pub(super) async fn download_evidence(
        &self,
        caller: Caller,
        req: DownloadEvidenceRequest,
    ) -> Result<DownloadStream, ApiError> {
        let row = self.load_evidence(&self.db, &caller.tenant, &req.name, "name").await?;
        let state = row.state.get();
        if !rules::downloadable(state, caller.roles.contains(&Role::Service)) {
            return Err(ApiError::failed_precondition(
                "EVIDENCE_NOT_CLEAN",
                format!("{} is {}; only clean evidence can be downloaded", req.name, state.as_str_name()),
            )
            .with_metadata("state", state.as_str_name()));
        }
        let (tx, rx) = mpsc::channel(2);
        let db = self.db.clone();
        let first = DownloadEvidenceResponse {
            part: Some(download_evidence_response::Part::Evidence(convert::evidence(&row))),
        };
        let send = async move {
            if tx.send(Ok(first)).await.is_err() {
                return;
            }
            let chunk =
                |data| Ok(DownloadEvidenceResponse { part: Some(download_evidence_response::Part::Chunk(data)) });
            let mut hash = Sha256::new();
            let mut size = 0i64;
            let mut held: Option<Vec<u8>> = None;
            for seq in 0..row.chunk_count {
                let data = match store::find_chunk(&db, &row.tenant_id, &row.id, seq).await {
                    Ok(Some(data)) => data,
                    Ok(None) => {
                        crate::metrics::metrics()
                            .evidence_corrupted
                            .add(1, &[redress_telemetry::metrics::label("found_by", "download")]);
                        let _ = tx.send(Err(corrupted(&req.name, &format!("chunk {seq} is missing")).into())).await;
                        return;
                    }
                    Err(err) => {
                        let _ = tx.send(Err(ApiError::from(err).into())).await;
                        return;
                    }
                };
                hash.update(&data);
                size += data.len() as i64;
                if let Some(previous) = held.replace(data)
                    && tx.send(chunk(previous)).await.is_err()
                {
                    return;
                }
            }
            let extra = match store::find_chunk(&db, &row.tenant_id, &row.id, row.chunk_count).await {
                Ok(extra) => extra.is_some(),
                Err(err) => {
                    let _ = tx.send(Err(ApiError::from(err).into())).await;
                    return;
                }
            };
            let sha256 = hex::encode(hash.finalize());
            let last = if extra || size != row.size_bytes || sha256 != row.sha256 {
                tracing::error!(evidence = %req.name, "stored evidence does not match its recorded sha256");
                crate::metrics::metrics()
                    .evidence_corrupted
                    .add(1, &[redress_telemetry::metrics::label("found_by", "download")]);
                Err(corrupted(&req.name, "the stored bytes do not match the recorded sha256 and size").into())
            } else {
                match held {
                    Some(data) => chunk(data),
                    None => return,
                }
            };
            let _ = tx.send(last).await;
        };
        tokio::spawn(send.in_current_span());
        Ok(DownloadStream::new(rx))
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
