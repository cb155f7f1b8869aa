//! The subject-access export's API: ExportPlayerData (a durable job for the
//! export worker), GetPlayerDataExport, and DownloadPlayerDataExport (the
//! archive's chunk rows, re-hashed as they stream). Roles: dpo, admin.

use redress_auth::Caller;
use redress_db::{new_id, now};
use redress_errors::{ApiError, ErrorCode, Violations};
use redress_proto::intake::v1::{
    DownloadPlayerDataExportRequest, DownloadPlayerDataExportResponse, ExportPlayerDataRequest,
    ExportPlayerDataResponse, GetPlayerDataExportRequest, GetPlayerDataExportResponse, PlayerDataExport,
    download_player_data_export_response::Part,
    player_data_export::{Progress, State},
};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use tonic::Status;
use tracing::Instrument as _;

use super::{IntakeApi, convert::timestamp};
use crate::{
    domain::export::{FORMAT_VERSION, PARTS},
    exporter,
    store::{self, export::job},
};

/// The messages of a download, as tonic sends them.
pub type DownloadStream = tokio_stream::wrappers::ReceiverStream<Result<DownloadPlayerDataExportResponse, Status>>;

/// The resource name of an export id.
pub fn export_name(id: &str) -> String {
    format!("exports/{id}")
}

/// A stored export as the proto resource.
pub fn export(row: &job::Model) -> PlayerDataExport {
    let parts_done: Vec<String> = row.parts_done.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect();
    PlayerDataExport {
        name: export_name(&row.id),
        player_id: row.player_id.clone(),
        state: row.state.number(),
        progress: Some(Progress {
            parts_done,
            parts_total: PARTS.len() as i32,
            records_gathered: row.records_gathered,
            bytes_written: row.bytes_written,
        }),
        requested_by: row.requested_by.clone(),
        create_time: Some(timestamp(row.created_at)),
        complete_time: row.completed_at.map(timestamp),
        expire_time: row.expire_at.map(timestamp),
        archive_size_bytes: row.archive_size_bytes,
        archive_sha256: row.archive_sha256.clone(),
        error: row.error.clone(),
        format_version: FORMAT_VERSION,
    }
}

impl IntakeApi {
    async fn load_export(&self, tenant: &str, name: &str) -> Result<job::Model, ApiError> {
        let id = redress_errors::resource_id(name, "exports", "name")?;
        store::export::find(&self.db, tenant, &id).await?.ok_or_else(|| ApiError::not_found(name))
    }

    pub(super) async fn export_player_data(
        &self,
        caller: Caller,
        req: ExportPlayerDataRequest,
    ) -> Result<ExportPlayerDataResponse, ApiError> {
        let mut v = Violations::new();
        v.line(&req.player_id, "player_id", true, 128);
        v.line(&req.request_id, "request_id", true, 128);
        v.into_result()?;
        let tenant = caller.tenant.as_str();
        let replay = |row: job::Model| {
            if row.player_id == req.player_id {
                Ok(ExportPlayerDataResponse { export: Some(export(&row)) })
            } else {
                Err(ApiError::already_exists(
                    "IDEMPOTENCY_KEY_REUSED",
                    format!("request_id {:?} was already used for another player", req.request_id),
                ))
            }
        };
        if let Some(row) = store::export::find_by_request(&self.db, tenant, &req.request_id).await? {
            return replay(row);
        }
        let row = exporter::new_job(new_id(), tenant, &req.request_id, &req.player_id, &caller.subject, now());
        match store::export::insert(&self.db, row.clone()).await {
            Ok(()) => {}
            Err(err) if redress_db::is_unique_violation(&err) => {
                let found = store::export::find_by_request(&self.db, tenant, &req.request_id)
                    .await?
                    .ok_or_else(|| ApiError::internal(err))?;
                return replay(found);
            }
            Err(err) => return Err(err.into()),
        }
        tracing::info!(export = %row.id, requested_by = %caller.subject, "player data export requested");
        self.exports.notify();
        Ok(ExportPlayerDataResponse { export: Some(export(&row)) })
    }

    pub(super) async fn get_player_data_export(
        &self,
        caller: Caller,
        req: GetPlayerDataExportRequest,
    ) -> Result<GetPlayerDataExportResponse, ApiError> {
        let row = self.load_export(&caller.tenant, &req.name).await?;
        Ok(GetPlayerDataExportResponse { export: Some(export(&row)) })
    }

    /// Streams the archive from a task of its own, two chunks in memory at
    /// a time; the last chunk goes out only once the bytes hash to the
    /// recorded SHA-256, DATA_LOSS in its place otherwise.
    pub(super) async fn download_player_data_export(
        &self,
        caller: Caller,
        req: DownloadPlayerDataExportRequest,
    ) -> Result<DownloadStream, ApiError> {
        let row = self.load_export(&caller.tenant, &req.name).await?;
        let state = row.state.get();
        if state != State::Succeeded {
            return Err(ApiError::failed_precondition(
                "EXPORT_NOT_READY",
                format!("{} is {}; only a succeeded export can be downloaded", req.name, state.as_str_name()),
            )
            .with_metadata("state", state.as_str_name()));
        }
        let (tx, rx) = mpsc::channel(2);
        let db = self.db.clone();
        let first = DownloadPlayerDataExportResponse { part: Some(Part::Export(export(&row))) };
        let send = async move {
            if tx.send(Ok(first)).await.is_err() {
                return;
            }
            let corrupted = |what: String| -> Status {
                ApiError::new(ErrorCode::DataLoss, "EXPORT_CORRUPTED", format!("{}: {what}", req.name))
                    .with_metadata("export", req.name.as_str())
                    .into()
            };
            let chunk = |data| Ok(DownloadPlayerDataExportResponse { part: Some(Part::Chunk(data)) });
            let mut hash = Sha256::new();
            let mut size = 0i64;
            let mut held: Option<Vec<u8>> = None;
            for seq in 0..row.chunk_count {
                let data = match store::export::find_chunk(&db, &row.tenant_id, &row.id, seq).await {
                    Ok(Some(data)) => data,
                    Ok(None) => {
                        let _ = tx.send(Err(corrupted(format!("chunk {seq} is missing")))).await;
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
            let last = if size != row.archive_size_bytes || hex::encode(hash.finalize()) != row.archive_sha256 {
                tracing::error!(export = %req.name, "stored export archive does not match its recorded sha256");
                Err(corrupted("the stored archive does not match the recorded sha256 and size".into()))
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
}
