//! Evidence: files attached to a case (a screenshot of a frozen game, a bank
//! statement), uploaded and downloaded as streams of chunks, never whole in
//! memory. Both directions hash the bytes as they pass and check them
//! against the SHA-256 and size the service recorded.

use std::sync::{Arc, Mutex};

use futures::{Stream, StreamExt};
use redress_proto::resolution::v1::{
    DownloadEvidenceRequest, DownloadEvidenceResponse, Evidence, GetEvidenceRequest, ListEvidenceRequest,
    UploadEvidenceRequest, download_evidence_response,
    resolution_service_client::ResolutionServiceClient,
    upload_evidence_request::{self, Header},
};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tonic::Streaming;

use crate::{
    Error, Idempotency, ItemStream, Result, Service, client::ensure_request_id, paging::paginate, required,
    resolution::ResolutionClient,
};

/// Bytes per upload message read from an [`AsyncRead`].
pub const UPLOAD_CHUNK: usize = 256 * 1024;
/// The largest chunk the service takes; bigger stream items are split.
pub const MAX_UPLOAD_CHUNK: usize = 1024 * 1024;

/// Lowercase hex of a digest.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A local integrity failure, reported as the service reports its own.
fn corrupted(message: String) -> Error {
    Error::Other { reason: "EVIDENCE_CORRUPTED".into(), status: Box::new(tonic::Status::data_loss(message)) }
}

/// What an upload sent so far: the hash and size of its bytes, and the
/// local read error that ended it, if any.
#[derive(Default)]
struct Sent {
    hash: Sha256,
    size: i64,
    error: Option<std::io::Error>,
}

/// The chunks of `reader`, [`UPLOAD_CHUNK`] bytes each (the last may be
/// shorter): a stream for [`ResolutionClient::upload_evidence_stream`].
pub fn read_chunks<R>(reader: R) -> impl Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static
where
    R: AsyncRead + Send + Unpin + 'static,
{
    futures::stream::unfold(Some(reader), |reader| async move {
        let mut reader = reader?;
        let mut piece = vec![0u8; UPLOAD_CHUNK];
        let mut filled = 0;
        // Fill a whole piece (reads may return less) unless the input ends.
        while filled < UPLOAD_CHUNK {
            match reader.read(&mut piece[filled..]).await {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(err) => return Some((Err(err), None)),
            }
        }
        if filled == 0 {
            return None;
        }
        piece.truncate(filled);
        Some((Ok(piece), Some(reader)))
    })
}

/// The messages of an upload: the header, then the chunks (empty ones
/// skipped, big ones split), hashed as they go. A read error sends a
/// message without a part, so the service refuses the upload instead of
/// storing a truncated file.
fn messages<S>(
    header: Header,
    chunks: S,
    sent: Arc<Mutex<Sent>>,
) -> impl Stream<Item = UploadEvidenceRequest> + Send + 'static
where
    S: Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static,
{
    let first = UploadEvidenceRequest { part: Some(upload_evidence_request::Part::Header(header)) };
    let rest = chunks
        .map(move |item| {
            let mut state = sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let pieces: Vec<UploadEvidenceRequest> = match item {
                Ok(bytes) => {
                    state.hash.update(&bytes);
                    state.size += bytes.len() as i64;
                    let chunk =
                        |b: Vec<u8>| UploadEvidenceRequest { part: Some(upload_evidence_request::Part::Chunk(b)) };
                    if bytes.len() <= MAX_UPLOAD_CHUNK {
                        if bytes.is_empty() { Vec::new() } else { vec![chunk(bytes)] }
                    } else {
                        bytes.chunks(MAX_UPLOAD_CHUNK).map(|b| chunk(b.to_vec())).collect()
                    }
                }
                Err(err) => {
                    state.error = Some(err);
                    vec![UploadEvidenceRequest { part: None }]
                }
            };
            futures::stream::iter(pieces)
        })
        .flatten()
        // Nothing after a part-less message: the upload is refused.
        .scan(false, |ended, m| {
            let out = (!*ended).then_some(m);
            if let Some(m) = &out {
                *ended = m.part.is_none();
            }
            futures::future::ready(out)
        });
    futures::stream::once(async move { first }).chain(rest)
}

/// One evidence's content as it downloads
/// ([`ResolutionClient::download_evidence`]): the metadata first, then the
/// bytes in order, hashed as they arrive. The service checks the stored
/// bytes before the last chunk (DATA_LOSS `EVIDENCE_CORRUPTED` instead);
/// this side checks the received ones once the stream ends, so a download
/// that reached its end without error holds the file as uploaded.
pub struct EvidenceDownload {
    /// The evidence, with `size_bytes` and `sha256`.
    pub evidence: Evidence,
    stream: Streaming<DownloadEvidenceResponse>,
    hash: Sha256,
    size: i64,
    done: bool,
}

impl std::fmt::Debug for EvidenceDownload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvidenceDownload").field("evidence", &self.evidence).finish_non_exhaustive()
    }
}

impl EvidenceDownload {
    /// The next piece of the content (at most 256 KiB); `None` after the
    /// last, once the bytes matched the recorded SHA-256 and size.
    ///
    /// # Errors
    /// [`crate::Error::Other`] with reason `EVIDENCE_CORRUPTED` (DATA_LOSS)
    /// when the stored or received bytes do not match the recorded SHA-256
    /// or size; any status that broke the stream.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        loop {
            match self.stream.message().await.map_err(Error::from_status)? {
                None => break,
                Some(DownloadEvidenceResponse { part: Some(download_evidence_response::Part::Chunk(c)) }) => {
                    self.hash.update(&c);
                    self.size += c.len() as i64;
                    return Ok(Some(c));
                }
                Some(_) => {}
            }
        }
        self.done = true;
        let got = hex(&std::mem::take(&mut self.hash).finalize());
        if got != self.evidence.sha256 || self.size != self.evidence.size_bytes {
            return Err(corrupted(format!(
                "the downloaded bytes hash to {got} ({} bytes), not the recorded {} ({} bytes)",
                self.size, self.evidence.sha256, self.evidence.size_bytes
            )));
        }
        Ok(None)
    }

    /// The content as a stream of chunks, checked as [`Self::chunk`] checks
    /// them (the error, if any, is the last item).
    pub fn into_stream(self) -> impl Stream<Item = Result<Vec<u8>>> + Send {
        futures::stream::unfold(Some(self), |download| async move {
            let mut download = download?;
            match download.chunk().await {
                Ok(Some(c)) => Some((Ok(c), Some(download))),
                Ok(None) => None,
                Err(err) => Some((Err(err), None)),
            }
        })
    }

    /// Writes the whole content into `out` and flushes it; returns the
    /// evidence once every byte was written and matched. On an error `out`
    /// may hold part of the content: write to a temporary file and rename
    /// it on success.
    ///
    /// # Errors
    /// As [`Self::chunk`]; [`crate::Error::Io`] when writing fails.
    pub async fn write_to<W>(mut self, out: &mut W) -> Result<Evidence>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        while let Some(chunk) = self.chunk().await? {
            out.write_all(&chunk).await.map_err(|e| Error::io("cannot write the evidence", e))?;
        }
        out.flush().await.map_err(|e| Error::io("cannot write the evidence", e))?;
        Ok(self.evidence)
    }
}

impl ResolutionClient {
    /// Attaches the content of `reader` to a case, streamed in
    /// [`UPLOAD_CHUNK`] pieces (never whole in memory). `header` names the
    /// case (`parent`, `cases/{case_id}`) or the complaint
    /// (`complaints/{complaint_id}`: a backend that just filed it need not
    /// wait for its case; the evidence waits, named
    /// `complaints/{complaint_id}/evidence/{evidence_id}`, and the case
    /// adopts it when it opens), the file name, the declared type and the
    /// description. **Keyed**: an empty `request_id` gets a UUIDv7. Sent
    /// once, not retried (the reader is consumed); to retry after a lost
    /// reply, upload the same bytes with the same `request_id`: the service
    /// returns the same evidence and stores nothing. The upload runs within
    /// the call's deadline ([`crate::Client::with_timeout`] for a large
    /// file). The returned evidence's SHA-256 and size are checked against
    /// the bytes read.
    ///
    /// # Errors
    /// [`crate::Error::InvalidArgument`] with reason `EVIDENCE_TOO_LARGE`
    /// (`metadata["max_size_bytes"]`) or `EVIDENCE_TYPE_NOT_ALLOWED`, or a
    /// bad header field; [`crate::Error::AlreadyExists`]
    /// (`IDEMPOTENCY_KEY_REUSED`) for a `request_id` used with another file;
    /// [`crate::Error::FailedPrecondition`] (`COMPLAINT_ERASED`) once the
    /// complaint's player data was erased;
    /// [`crate::Error::NotFound`] for an unknown case; [`crate::Error::Io`]
    /// when reading fails (the service then refuses the upload).
    pub async fn upload_evidence<R>(&self, header: Header, reader: R) -> Result<Evidence>
    where
        R: AsyncRead + Send + Unpin + 'static,
    {
        self.upload_evidence_stream(header, read_chunks(reader)).await
    }

    /// As [`Self::upload_evidence`], from a stream of byte chunks (e.g. a
    /// request body being received); chunks over [`MAX_UPLOAD_CHUNK`] are
    /// split, empty ones skipped, an `Err` item ends the upload.
    ///
    /// # Errors
    /// As [`Self::upload_evidence`].
    pub async fn upload_evidence_stream<S>(&self, mut header: Header, chunks: S) -> Result<Evidence>
    where
        S: Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static,
    {
        ensure_request_id(&mut header.request_id);
        let sent = Arc::new(Mutex::new(Sent::default()));
        let client = self.sdk();
        let request = client.request(messages(header, chunks, Arc::clone(&sent))).await?;
        let mut grpc = ResolutionServiceClient::new(client.channel(Service::Resolution)?);
        let result = grpc.upload_evidence(request).await;
        let sent = std::mem::take(&mut *sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        if let Some(err) = sent.error {
            return Err(Error::io("cannot read the evidence", err));
        }
        let evidence = required(result.map_err(Error::from_status)?.into_inner().evidence, "evidence")?;
        let local = hex(&sent.hash.finalize());
        if evidence.sha256 != local || evidence.size_bytes != sent.size {
            return Err(corrupted(format!(
                "the service recorded sha256 {} ({} bytes) but the content sent hashes to {local} ({} bytes)",
                evidence.sha256, evidence.size_bytes, sent.size
            )));
        }
        Ok(evidence)
    }

    /// One evidence's metadata, `cases/{case_id}/evidence/{evidence_id}` or
    /// its complaint alias `complaints/{complaint_id}/evidence/{evidence_id}`
    /// (the answer holds the canonical name). **Safe** (a read).
    ///
    /// # Errors
    /// [`crate::Error::NotFound`] for an unknown evidence or another
    /// tenant's.
    pub async fn get_evidence(&self, name: &str) -> Result<Evidence> {
        let request = GetEvidenceRequest { name: name.to_owned() };
        let got = self
            .sdk()
            .call(Service::Resolution, Idempotency::Safe, request, |channel, request| async move {
                ResolutionServiceClient::new(channel).get_evidence(request).await
            })
            .await?;
        required(got.evidence, "evidence")
    }

    /// A case's evidence (parent `cases/{case_id}`, `complaints/{complaint_id}`
    /// for a complaint's, pending or adopted, or `cases/-` for every
    /// evidence of the tenant), oldest first, optionally by scan `state`, every
    /// page. **Safe** (a read).
    pub fn list_evidence(&self, request: ListEvidenceRequest) -> ItemStream<Evidence> {
        let this = self.clone();
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = this
                        .sdk()
                        .call(Service::Resolution, Idempotency::Safe, request, |channel, request| async move {
                            ResolutionServiceClient::new(channel).list_evidence(request).await
                        })
                        .await?;
                    Ok((page.evidence, page.next_page_token))
                }
            },
        )
    }

    /// Opens one evidence's content for download; read it with
    /// [`EvidenceDownload::chunk`], [`EvidenceDownload::into_stream`] or
    /// [`EvidenceDownload::write_to`]. **Safe** (opening is retried). The
    /// whole download runs within the call's deadline.
    ///
    /// # Errors
    /// [`crate::Error::FailedPrecondition`] with reason `EVIDENCE_NOT_CLEAN`
    /// (`metadata["state"]`) while it waits for or failed its scan, or
    /// `EVIDENCE_ERASED`; [`crate::Error::NotFound`].
    pub async fn download_evidence(&self, name: &str) -> Result<EvidenceDownload> {
        let request = DownloadEvidenceRequest { name: name.to_owned() };
        let mut stream = self
            .sdk()
            .call(Service::Resolution, Idempotency::Safe, request, |channel, request| async move {
                ResolutionServiceClient::new(channel).download_evidence(request).await
            })
            .await?;
        let first = stream.message().await.map_err(Error::from_status)?;
        match first.and_then(|m| m.part) {
            Some(download_evidence_response::Part::Evidence(evidence)) => {
                Ok(EvidenceDownload { evidence, stream, hash: Sha256::new(), size: 0, done: false })
            }
            _ => required(None, "evidence"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn header() -> Header {
        Header { parent: "cases/c".into(), request_id: "r".into(), filename: "f.txt".into(), ..Default::default() }
    }

    #[tokio::test]
    async fn big_items_are_split_empty_ones_skipped_and_all_hashed() {
        let sent = Arc::new(Mutex::new(Sent::default()));
        let items = vec![Ok(vec![1u8; 10]), Ok(Vec::new()), Ok(vec![2u8; MAX_UPLOAD_CHUNK * 2 + 1])];
        let out: Vec<_> = messages(header(), futures::stream::iter(items), Arc::clone(&sent)).collect().await;
        let sizes: Vec<usize> = out
            .iter()
            .skip(1)
            .map(|m| match &m.part {
                Some(upload_evidence_request::Part::Chunk(c)) => c.len(),
                _ => 0,
            })
            .collect();
        assert!(matches!(out[0].part, Some(upload_evidence_request::Part::Header(_))));
        assert_eq!(sizes, [10, MAX_UPLOAD_CHUNK, MAX_UPLOAD_CHUNK, 1]);
        assert_eq!(sent.lock().unwrap().size, 10 + 2 * MAX_UPLOAD_CHUNK as i64 + 1);
    }

    #[tokio::test]
    async fn a_read_error_ends_the_upload_with_a_partless_message() {
        let sent = Arc::new(Mutex::new(Sent::default()));
        let items = vec![Ok(vec![1u8; 3]), Err(std::io::Error::other("disk gone")), Ok(vec![2u8; 3])];
        let out: Vec<_> = messages(header(), futures::stream::iter(items), Arc::clone(&sent)).collect().await;
        assert_eq!(out.len(), 3, "header, one chunk, the part-less end");
        assert!(out[2].part.is_none());
        assert!(sent.lock().unwrap().error.is_some());
    }

    #[tokio::test]
    async fn a_reader_is_read_in_whole_pieces() {
        let bytes: Vec<u8> = (0..UPLOAD_CHUNK * 2 + 5).map(|i| (i % 251) as u8).collect();
        let pieces: Vec<_> = read_chunks(std::io::Cursor::new(bytes.clone())).collect().await;
        let lens: Vec<usize> = pieces.iter().map(|p| p.as_ref().unwrap().len()).collect();
        assert_eq!(lens, [UPLOAD_CHUNK, UPLOAD_CHUNK, 5]);
        assert_eq!(pieces.into_iter().flat_map(Result::unwrap).collect::<Vec<_>>(), bytes);
    }
}
