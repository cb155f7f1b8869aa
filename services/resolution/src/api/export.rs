//! ExportPlayerRecords: a player's cases, their hash-chained events and
//! their evidence with its content, streamed to intake's subject-access
//! export. Read-only; the content is read chunk by chunk, two messages in
//! memory at a time.

use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::resolution::v1::{
    ExportPlayerRecordsRequest, ExportPlayerRecordsResponse, export_player_records_response::Record,
};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use tokio::sync::mpsc;
use tonic::Status;
use tracing::Instrument as _;

use super::{ResolutionApi, convert};
use crate::store::{self, case, evidence};

/// The messages of an export, as tonic sends them.
pub type ExportStream = tokio_stream::wrappers::ReceiverStream<Result<ExportPlayerRecordsResponse, Status>>;

/// The most complaints one request may name.
const MAX_COMPLAINTS: usize = 10_000;

impl ResolutionApi {
    pub(super) async fn export_player_records(
        &self,
        caller: Caller,
        req: ExportPlayerRecordsRequest,
    ) -> Result<ExportStream, ApiError> {
        let mut v = Violations::new();
        v.line(&req.player_id, "player_id", true, 128);
        v.check(req.complaints.len() > MAX_COMPLAINTS, "complaints", "at most 10000");
        let mut complaint_ids = Vec::with_capacity(req.complaints.len());
        for (i, name) in req.complaints.iter().enumerate() {
            match convert::complaint_id(name, &format!("complaints[{i}]")) {
                Ok(id) => complaint_ids.push(id),
                Err(err) => err.violations.into_iter().for_each(|bad| v.add(bad.field, bad.description)),
            }
        }
        v.into_result()?;
        let tenant = caller.tenant.clone();
        let mut of_player = Condition::any().add(case::Column::PlayerId.eq(req.player_id.as_str()));
        if !complaint_ids.is_empty() {
            of_player = of_player.add(case::Column::ComplaintId.is_in(complaint_ids.clone()));
        }
        let cases = case::Entity::find()
            .filter(case::Column::TenantId.eq(tenant.as_str()))
            .filter(of_player)
            .order_by_asc(case::Column::Id)
            .all(&self.db)
            .await?;
        // Evidence uploaded to a complaint whose case is not open yet.
        let pending = store::pending_evidence(&self.db, &tenant, &complaint_ids).await?;
        let (tx, rx) = mpsc::channel(2);
        let db = self.db.clone();
        let present: Vec<_> = cases.iter().map(|row| self.present(row)).collect();
        let send = async move {
            for (row, case) in cases.iter().zip(present) {
                if tx.send(record(Record::Case(case))).await.is_err() {
                    return;
                }
                let result: Result<(), ApiError> = async {
                    for event in store::list_events(&db, &tenant, &row.id, 0, None).await? {
                        if tx.send(record(Record::Event(convert::event(&event)))).await.is_err() {
                            return Ok(());
                        }
                    }
                    for evidence in store::evidence_of_case(&db, &tenant, &row.id).await? {
                        if !send_evidence(&db, &tenant, &evidence, &tx).await? {
                            return Ok(());
                        }
                    }
                    Ok(())
                }
                .await;
                if let Err(err) = result {
                    let _ = tx.send(Err(err.into())).await;
                    return;
                }
            }
            // After every case: the complaints' evidence that waits for its
            // case, each named `complaints/{complaint_id}/evidence/{id}`.
            let result: Result<(), ApiError> = async {
                for evidence in &pending {
                    if !send_evidence(&db, &tenant, evidence, &tx).await? {
                        return Ok(());
                    }
                }
                Ok(())
            }
            .await;
            if let Err(err) = result {
                let _ = tx.send(Err(err.into())).await;
            }
        };
        tokio::spawn(send.in_current_span());
        Ok(ExportStream::new(rx))
    }
}

fn record(record: Record) -> Result<ExportPlayerRecordsResponse, Status> {
    Ok(ExportPlayerRecordsResponse { record: Some(record) })
}

/// Sends one evidence's metadata, then its content chunk by chunk; false
/// when the receiver has gone.
async fn send_evidence(
    db: &DatabaseConnection,
    tenant: &str,
    evidence: &evidence::Model,
    tx: &mpsc::Sender<Result<ExportPlayerRecordsResponse, Status>>,
) -> Result<bool, ApiError> {
    let meta = convert::evidence(evidence);
    let name = meta.name.clone();
    if tx.send(record(Record::Evidence(meta))).await.is_err() {
        return Ok(false);
    }
    for seq in 0..evidence.chunk_count {
        let data = store::find_chunk(db, tenant, &evidence.id, seq)
            .await?
            .ok_or_else(|| super::evidence::corrupted(&name, &format!("chunk {seq} is missing")))?;
        if tx.send(record(Record::EvidenceChunk(data))).await.is_err() {
            return Ok(false);
        }
    }
    Ok(true)
}
