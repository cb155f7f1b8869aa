//! UploadEvidence: the client stream goes to the chunk table as it
//! arrives; one short keyed write attaches the evidence to the case.

use futures::{Stream, StreamExt};
use prost::Message;
use redress_auth::{Caller, Role};
use redress_db::Stored;
use redress_errors::{ApiError, ErrorCode, Violations};
use redress_idempotency::Key;
use redress_proto::resolution::v1::{UploadEvidenceRequest, UploadEvidenceResponse, upload_evidence_request};
use sea_orm::DatabaseTransaction;
use sha2::{Digest, Sha256};
use tonic::Status;

use super::{
    super::{ResolutionApi, convert, new_id, now, request_id},
    refused,
};
use crate::{
    domain::{
        evidence::{self as rules, CHUNK_BYTES, EvidencePolicy, MAX_MESSAGE_CHUNK, Sniffer},
        machine::{self, Command},
    },
    store::{self, evidence as row},
};

/// The method name idempotency records are kept under.
const UPLOAD: &str = "UploadEvidence";
/// Roles an upload is recorded under, in the order one is picked.
const UPLOADER_ROLES: [Role; 4] = [Role::Backend, Role::Agent, Role::Supervisor, Role::Admin];

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
    pub(in crate::api) async fn upload_evidence<S>(
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
        let parent = convert::evidence_parent(&header.parent, "header.parent")?;
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
        // An unknown case is refused before a byte is stored. A complaint
        // cannot be checked here: intake owns it, and its case may not be
        // open yet.
        if let convert::EvidenceParent::Case(_) = &parent {
            self.load(&tenant, &header.parent, "header.parent").await?;
        }
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
            Ok(()) => self.attach(&caller, &header, &parent, &staged, &policy).await,
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
    /// Retried when another write to the case won the race. For a complaint
    /// whose case is not open yet, the row is inserted pending (no case, no
    /// event); OpenCase adopts it.
    async fn attach(
        &self,
        caller: &Caller,
        header: &upload_evidence_request::Header,
        parent: &convert::EvidenceParent,
        staged: &Staged,
        policy: &EvidencePolicy,
    ) -> Result<(UploadEvidenceResponse, bool), ApiError> {
        let sha256 = hex::encode(staged.hash.clone().finalize());
        let fingerprint = rules::fingerprint(header, &sha256);
        let key = Key { tenant: &caller.tenant, method: UPLOAD, request_id: &header.request_id, fingerprint };
        let content_type = staged.sniffer.content_type();
        let role = UPLOADER_ROLES.into_iter().find(|r| caller.roles.contains(r)).unwrap_or(Role::Agent);
        redress_errors::retry_aborted(8, || {
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
                let tenant = caller.tenant.as_str();
                // The complaint's erasure lock, taken by `erasure_of` before
                // the case is looked up, also orders this write against the
                // case's opening (OpenCase takes it before adopting): either
                // the case is seen here, or OpenCase sees this evidence.
                let case = match parent {
                    convert::EvidenceParent::Case(id) => {
                        let case = store::find_case(txn, tenant, id)
                            .await?
                            .ok_or_else(|| ApiError::not_found(&header.parent))?;
                        refuse_erased(txn, tenant, &case.complaint_id).await?;
                        Some(case)
                    }
                    convert::EvidenceParent::Complaint(id) => {
                        refuse_erased(txn, tenant, id).await?;
                        store::find_case_by_complaint(txn, tenant, id).await?
                    }
                };
                let complaint_id = match (&case, parent) {
                    (Some(case), _) => case.complaint_id.clone(),
                    (None, convert::EvidenceParent::Complaint(id) | convert::EvidenceParent::Case(id)) => id.clone(),
                };
                let now = now();
                let mut model = row::Model {
                    id: staged.id.clone(),
                    tenant_id: caller.tenant.clone(),
                    case_id: case.as_ref().map(|c| c.id.clone()).unwrap_or_default(),
                    complaint_id,
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
                    erased_at: None,
                };
                // The chained payload: the evidence as created, before the
                // event's own sequence is known.
                let Some(case) = case else {
                    // Pending: named by the complaint until OpenCase adopts it.
                    let evidence = convert::evidence(&model);
                    store::insert_evidence(txn, model).await?;
                    return Ok((UploadEvidenceResponse { evidence: Some(evidence) }, Vec::new()));
                };
                let (sequence, messages, _) = self.record_attachment(txn, case, &model, &caller.subject, now).await?;
                model.event_sequence = sequence;
                let evidence = convert::evidence(&model);
                store::insert_evidence(txn, model).await?;
                Ok((UploadEvidenceResponse { evidence: Some(evidence) }, messages))
            };
            redress_outbox::keyed_write(&self.db, &self.relay, &key, write)
        })
        .await
    }

    /// Appends the TYPE_EVIDENCE_ATTACHED event of `model` to `case`: its
    /// chained payload is the evidence as attached, before the event's own
    /// sequence is known. Returns the event's sequence and the outbox rows.
    /// An upload to a case and OpenCase's adoption of pending evidence both
    /// record the attachment this way, so the events are alike.
    pub(in crate::api) async fn record_attachment(
        &self,
        txn: &DatabaseTransaction,
        case: store::case::Model,
        model: &row::Model,
        actor: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(i64, Vec<redress_outbox::OutboxMessage>, store::case::Model), ApiError> {
        let mut attached = model.clone();
        attached.case_id = case.id.clone();
        attached.event_sequence = 0;
        let payload = convert::evidence(&attached).encode_to_vec();
        let summary = rules::attached_summary(&attached.filename, attached.size_bytes, &attached.sha256);
        let body = convert::body_of(&case);
        let decision = machine::decide(&body, Command::AttachEvidence { summary }, actor, now)
            .map_err(|r| ApiError::failed_precondition(r.reason, r.message))?;
        let applied = self.apply(txn, case, decision, actor, &payload, now).await?;
        let sequence = applied.events.first().map_or(0, |e| e.sequence);
        Ok((sequence, applied.messages, applied.row))
    }
}

/// FAILED_PRECONDITION, reason COMPLAINT_ERASED, when the complaint's
/// player data was erased: new evidence would be personal data again (as
/// intake refuses new words of the player). Takes the complaint's erasure
/// lock until the transaction ends.
async fn refuse_erased(txn: &DatabaseTransaction, tenant: &str, complaint_id: &str) -> Result<(), ApiError> {
    let complaint = format!("complaints/{complaint_id}");
    match redress_db::erasure::erasure_of(txn, tenant, &complaint).await? {
        Some(_) => Err(ApiError::failed_precondition(
            "COMPLAINT_ERASED",
            format!("{complaint}: its player data was erased; it takes no more evidence"),
        )
        .with_metadata("complaint", complaint)),
        None => Ok(()),
    }
}
