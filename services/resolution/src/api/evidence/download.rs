//! DownloadEvidence: the stored chunks, re-hashed as they stream.

use redress_auth::{Caller, Role};
use redress_errors::ApiError;
use redress_proto::resolution::v1::{DownloadEvidenceRequest, DownloadEvidenceResponse, download_evidence_response};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use tonic::Status;
use tracing::Instrument as _;

use super::{
    super::{ResolutionApi, convert},
    corrupted,
};
use crate::{
    domain::evidence::{self as rules},
    store::{self},
};

/// The messages of a download, as tonic sends them.
pub type DownloadStream = tokio_stream::wrappers::ReceiverStream<Result<DownloadEvidenceResponse, Status>>;

impl ResolutionApi {
    /// DownloadEvidence: checks the evidence may be read, then streams it
    /// from a task of its own, two chunks in memory at a time. The last chunk
    /// is held back until the bytes hash to the recorded SHA-256; if they do
    /// not, DATA_LOSS goes out in its place.
    pub(in crate::api) async fn download_evidence(
        &self,
        caller: Caller,
        req: DownloadEvidenceRequest,
    ) -> Result<DownloadStream, ApiError> {
        let row = self.load_evidence(&self.db, &caller.tenant, &req.name, "name").await?;
        if row.erased_at.is_some() {
            return Err(ApiError::failed_precondition(
                "EVIDENCE_ERASED",
                format!("{}: its content was erased with the player's personal data", req.name),
            ));
        }
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
}
