//! The subject-access export worker: works off exports one part per round
//! (intake, resolution, notification, feedback, then the manifest), so a
//! part done is never redone. Each round takes the export's lease, deletes
//! any chunk rows an interrupted round left past the last part done, gathers
//! the part's records (from intake's own tables, or from the owning service's
//! `ExportPlayerRecords` with a service token of the tenant: the job never
//! depends on the requester's token), writes them to the archive chunk by
//! chunk, and saves the part as done with its manifest entries. A part that
//! fails is retried with backoff, up to `export.max_attempts`. The same
//! rounds delete archives past their expiry (the janitor).

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use redress_db::{Stored, now};
use redress_outbox::Relay;
use redress_proto::{
    feedback::v1::{
        ExportPlayerRecordsRequest as FeedbackRequest, export_player_records_response::Record as FeedbackRecord,
        feedback_internal_service_client::FeedbackInternalServiceClient,
    },
    intake::v1::player_data_export::State,
    notification::v1::{
        ExportPlayerRecordsRequest as NotificationRequest,
        export_player_records_response::Record as NotificationRecord,
        notification_internal_service_client::NotificationInternalServiceClient,
    },
    resolution::v1::{
        ExportPlayerRecordsRequest as ResolutionRequest, export_player_records_response::Record as ResolutionRecord,
        resolution_internal_service_client::ResolutionInternalServiceClient,
    },
};
use redress_worker::{Backoff, BoxError, Job, Round, Worker};
use sea_orm::{DatabaseConnection, DbErr};
use sha2::{Digest, Sha256};
use tokio::sync::Notify;
use tonic::{Streaming, transport::Channel};

use crate::{
    api::convert,
    config::ExportConfig,
    domain::export::{
        Archive, ArchiveError, FORMAT_VERSION, MANIFEST_PATH, Manifest, ManifestEntry, PARTS, json_bytes, layout,
        record_json,
    },
    store::{self, export::job},
};

/// Complaints and interactions read from intake's tables per query.
const PAGE: u64 = 200;
/// Expired archives deleted per round.
const JANITOR_BATCH: u64 = 20;

/// Why a part failed (it is retried).
#[derive(Debug, thiserror::Error)]
enum PartError {
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("{0}")]
    Peer(String),
    #[error("archive: {0}")]
    Archive(#[from] ArchiveError),
    #[error("the lease expired and another replica took the export over")]
    LeaseLost,
}

/// When a lease taken at `now` ends, in whole milliseconds: the lease is
/// compared for equality when saving, and PostgreSQL keeps microseconds.
fn lease_end(now: DateTime<Utc>, lease_seconds: u64) -> DateTime<Utc> {
    chrono::SubsecRound::trunc_subsecs(now + chrono::Duration::seconds(lease_seconds.max(1) as i64), 3)
}

/// The export worker. Cheap to share: clone the `Arc`.
pub struct ExportWorker {
    db: DatabaseConnection,
    relay: Arc<Relay>,
    config: ExportConfig,
    backoff: Backoff,
    wake: Notify,
}

impl ExportWorker {
    /// A worker over intake's database, reading peers through the relay's
    /// channels with its service tokens.
    pub fn new(db: DatabaseConnection, relay: Arc<Relay>, config: ExportConfig) -> Arc<Self> {
        let backoff = Backoff::from_millis(config.initial_backoff_ms, config.max_backoff_ms);
        Arc::new(Self { db, relay, config, backoff, wake: Notify::new() })
    }

    /// Runs the worker in the background; `None` when configured off.
    pub fn spawn(self: &Arc<Self>) -> Option<Worker> {
        (self.config.poll_interval_ms > 0)
            .then(|| Worker::spawn(Arc::clone(self), Duration::from_millis(self.config.poll_interval_ms)))
    }

    /// Wakes the worker: a new export is due.
    pub fn notify(&self) {
        self.wake.notify_one();
    }

    /// One round: deletes expired archives, then works one part of one due
    /// export. Returns how many parts it worked (0 or 1).
    pub async fn run_once(&self) -> Result<usize, DbErr> {
        self.expire().await?;
        let now = now();
        // Whole milliseconds: the lease is compared for equality when saving,
        // and PostgreSQL keeps microseconds.
        let until = lease_end(now, self.config.lease_seconds);
        let Some(job) = store::export::claim(&self.db, now, until).await? else { return Ok(0) };
        self.step(job).await?;
        Ok(1)
    }

    /// The janitor: an archive past its expiry is deleted, its export kept
    /// as a record in STATE_EXPIRED.
    async fn expire(&self) -> Result<(), DbErr> {
        for mut row in store::export::expired(&self.db, now(), JANITOR_BATCH).await? {
            store::export::delete_chunks_from(&self.db, &row.id, 0).await?;
            row.state = Stored(State::Expired);
            tracing::info!(export = %row.id, "expired export archive deleted");
            store::export::save(&self.db, row).await?;
        }
        Ok(())
    }

    /// Works the next part of a claimed export and records the outcome,
    /// unless the lease expired meanwhile and another replica took the
    /// export over (then that replica's work stands and this round's is
    /// dropped).
    async fn step(&self, mut row: job::Model) -> Result<(), DbErr> {
        let lease = row.lease_until.unwrap_or_else(now);
        // Chunks past the parts done are an interrupted round's.
        let stale = store::export::delete_chunks_from(&self.db, &row.id, row.chunk_count).await?;
        if stale > 0 {
            tracing::info!(export = %row.id, chunks = stale, "resuming an interrupted export");
        }
        let done: Vec<String> = row.parts_done.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect();
        let lease_for = chrono::Duration::seconds(self.config.lease_seconds.max(1) as i64);
        let mut sink =
            Sink { db: &self.db, tenant: &row.tenant_id, export: &row.id, next: row.chunk_count, lease, lease_for };
        let mut archive = Archive::new(row.created_at.timestamp());
        let part = PARTS.get(done.len()).copied();
        let result = match part {
            Some(part) => self.gather(part, &row, &mut archive, &mut sink).await,
            None => finish(&row, &done, &mut archive, &mut sink).await,
        };
        let lease = sink.lease;
        let now = now();
        row.lease_until = None;
        let mut purge = false;
        match result {
            Ok(()) => {
                let mut entries: Vec<ManifestEntry> = serde_json::from_str(&row.manifest).unwrap_or_default();
                row.records_gathered += archive.entries.len() as i64;
                row.bytes_written += archive.bytes as i64;
                row.chunk_count = sink.next;
                row.attempts = 0;
                row.error.clear();
                if let Some(part) = part {
                    entries.extend(archive.entries);
                    row.manifest = serde_json::to_string(&entries).unwrap_or_default();
                    row.parts_done = done.iter().map(String::as_str).chain([part]).collect::<Vec<_>>().join(",");
                    row.state = Stored(State::Running);
                    tracing::info!(export = %row.id, part, "export part gathered");
                } else {
                    let (size, sha256) = archive_digest(&self.db, &row).await?;
                    row.archive_size_bytes = size;
                    row.archive_sha256 = sha256;
                    row.state = Stored(State::Succeeded);
                    row.completed_at = Some(now);
                    row.expire_at = Some(now + retention(&self.config));
                    tracing::info!(export = %row.id, bytes = size, "export archive complete");
                }
            }
            Err(err) => {
                row.attempts += 1;
                row.error = format!("{}: {err}", part.unwrap_or("manifest"));
                tracing::warn!(export = %row.id, attempts = row.attempts, error = %row.error, "export part failed");
                if row.attempts >= self.config.max_attempts.max(1) {
                    purge = true;
                    row.chunk_count = 0;
                    row.state = Stored(State::Failed);
                    row.completed_at = Some(now);
                    row.expire_at = Some(now + retention(&self.config));
                } else {
                    row.next_attempt_at = now
                        + chrono::Duration::from_std(self.backoff.delay(row.attempts as u32))
                            .unwrap_or_else(|_| chrono::Duration::seconds(60));
                }
            }
        }
        let id = row.id.clone();
        if !store::export::save_leased(&self.db, row, lease).await? {
            tracing::warn!(export = %id, "export lease lost to another replica; its round stands");
        } else if purge {
            store::export::delete_chunks_from(&self.db, &id, 0).await?;
        }
        Ok(())
    }

    async fn gather(
        &self,
        part: &str,
        row: &job::Model,
        archive: &mut Archive,
        sink: &mut Sink<'_>,
    ) -> Result<(), PartError> {
        let complaints = player_complaints(&self.db, row).await?;
        let names: Vec<String> = complaints.iter().map(|c| convert::complaint_name(&c.id)).collect();
        match part {
            "intake" => {
                for complaint in &complaints {
                    archive
                        .file(&layout::complaint(&complaint.id), &json(&convert::complaint(complaint), COMPLAINT)?)?;
                    let mut after: Option<String> = None;
                    loop {
                        let page =
                            store::list_interactions(&self.db, &row.tenant_id, &complaint.id, after.as_deref(), PAGE)
                                .await?;
                        for interaction in &page {
                            let path = layout::interaction(&complaint.id, &interaction.id);
                            archive.file(&path, &json(&convert::interaction(interaction), INTERACTION)?)?;
                            sink.flush(archive).await?;
                        }
                        match page.last() {
                            Some(last) if page.len() as u64 == PAGE => after = Some(last.id.clone()),
                            _ => break,
                        }
                    }
                    sink.flush(archive).await?;
                }
            }
            "resolution" => {
                let request = ResolutionRequest { player_id: row.player_id.clone(), complaints: names };
                let channel = self.channel("resolution")?;
                let request = self.request(&row.tenant_id, request)?;
                let mut client = ResolutionInternalServiceClient::new(channel);
                let mut stream = self.open(client.export_player_records(request)).await?;
                let mut resolution = ResolutionPart::default();
                while let Some(message) = self.next(&mut stream).await? {
                    let Some(record) = message.record else { continue };
                    resolution.take(record, archive)?;
                    sink.flush(archive).await?;
                }
                resolution.end(archive)?;
            }
            "notification" => {
                let request = NotificationRequest { player_id: row.player_id.clone(), complaints: names };
                let channel = self.channel("notification")?;
                let request = self.request(&row.tenant_id, request)?;
                let mut client = NotificationInternalServiceClient::new(channel);
                let mut stream = self.open(client.export_player_records(request)).await?;
                let mut notification = String::new();
                while let Some(message) = self.next(&mut stream).await? {
                    match message.record {
                        Some(NotificationRecord::Notification(n)) => {
                            notification = layout::id_of(&n.name).to_owned();
                            archive.file(&layout::notification(&notification), &json(&n, NOTIFICATION)?)?;
                        }
                        Some(NotificationRecord::Attempt(a)) => {
                            let path = layout::attempt(&notification, layout::id_of(&a.name));
                            archive.file(&path, &json(&a, ATTEMPT)?)?;
                        }
                        None => {}
                    }
                    sink.flush(archive).await?;
                }
            }
            _ => {
                let request = FeedbackRequest { player_id: row.player_id.clone(), complaints: names };
                let channel = self.channel("feedback")?;
                let request = self.request(&row.tenant_id, request)?;
                let mut client = FeedbackInternalServiceClient::new(channel);
                let mut stream = self.open(client.export_player_records(request)).await?;
                let mut count = 0usize;
                while let Some(message) = self.next(&mut stream).await? {
                    count += 1;
                    match message.record {
                        Some(FeedbackRecord::Survey(s)) => {
                            archive.file(&layout::survey(layout::id_of(&s.name)), &json(&s, SURVEY)?)?;
                        }
                        Some(FeedbackRecord::Fact(f)) => {
                            let id = struct_text(&f, "complaint_id").unwrap_or_else(|| count.to_string());
                            archive.file(&layout::fact(layout::id_of(&id)), &json(&f, STRUCT)?)?;
                        }
                        Some(FeedbackRecord::Event(e)) => {
                            let id = struct_text(&e, "event_id").unwrap_or_else(|| count.to_string());
                            archive.file(&layout::feedback_event(&id), &json(&e, STRUCT)?)?;
                        }
                        None => {}
                    }
                    sink.flush(archive).await?;
                }
            }
        }
        sink.end(archive).await
    }

    fn channel(&self, peer: &str) -> Result<Channel, PartError> {
        self.relay.peer_channel(peer).ok_or_else(|| PartError::Peer(format!("peer {peer} is not configured")))
    }

    /// A request with the tenant's service token and the current trace.
    fn request<T>(&self, tenant: &str, message: T) -> Result<tonic::Request<T>, PartError> {
        let token = self.relay.service_token(tenant).map_err(PartError::Peer)?;
        let mut request = tonic::Request::new(message);
        let bearer = format!("Bearer {token}").parse().map_err(|_| PartError::Peer("bad service token".into()))?;
        request.metadata_mut().insert("authorization", bearer);
        redress_telemetry::inject_current(request.metadata_mut());
        Ok(request)
    }

    fn idle(&self) -> Duration {
        Duration::from_millis(self.config.peer_idle_timeout_ms.max(100))
    }

    /// Opens a peer's stream, bounded by the idle timeout.
    async fn open<T>(
        &self,
        call: impl Future<Output = Result<tonic::Response<Streaming<T>>, tonic::Status>>,
    ) -> Result<Streaming<T>, PartError> {
        match tokio::time::timeout(self.idle(), call).await {
            Ok(Ok(response)) => Ok(response.into_inner()),
            Ok(Err(status)) => Err(peer_failed(&status)),
            Err(_) => Err(PartError::Peer("peer did not answer in time".into())),
        }
    }

    /// The stream's next message, bounded by the idle timeout.
    async fn next<T>(&self, stream: &mut Streaming<T>) -> Result<Option<T>, PartError> {
        match tokio::time::timeout(self.idle(), stream.message()).await {
            Ok(Ok(message)) => Ok(message),
            Ok(Err(status)) => Err(peer_failed(&status)),
            Err(_) => Err(PartError::Peer("peer stalled mid-stream".into())),
        }
    }
}

impl Job for ExportWorker {
    fn name(&self) -> &'static str {
        "intake.export"
    }

    async fn round(&self) -> Result<Round, BoxError> {
        let worked = self.run_once().await?;
        Ok(Round { worked, more: worked > 0 })
    }

    async fn woken(&self) {
        self.wake.notified().await
    }
}

const COMPLAINT: &str = "redress.intake.v1.Complaint";
const INTERACTION: &str = "redress.intake.v1.Interaction";
const CASE: &str = "redress.resolution.v1.Case";
const CASE_EVENT: &str = "redress.resolution.v1.CaseEvent";
const EVIDENCE: &str = "redress.resolution.v1.Evidence";
const NOTIFICATION: &str = "redress.notification.v1.Notification";
const ATTEMPT: &str = "redress.notification.v1.DeliveryAttempt";
const SURVEY: &str = "redress.feedback.v1.Survey";
const STRUCT: &str = "google.protobuf.Struct";

fn json<M: prost::Message>(message: &M, full_name: &str) -> Result<Vec<u8>, PartError> {
    record_json(message, full_name).map(|v| json_bytes(&v)).map_err(PartError::Peer)
}

fn peer_failed(status: &tonic::Status) -> PartError {
    PartError::Peer(format!(
        "peer answered {}: {}",
        redress_telemetry::code_name(status.code() as i32),
        status.message()
    ))
}

/// A string column of a stored row sent as a Struct.
fn struct_text(row: &prost_types::Struct, field: &str) -> Option<String> {
    match row.fields.get(field)?.kind.as_ref()? {
        prost_types::value::Kind::StringValue(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn retention(config: &ExportConfig) -> chrono::Duration {
    chrono::Duration::hours(config.retention_hours.min(100 * 365 * 24) as i64)
}

/// Every complaint of the export's player, oldest first.
async fn player_complaints(db: &DatabaseConnection, row: &job::Model) -> Result<Vec<store::complaint::Model>, DbErr> {
    let filter = store::ComplaintFilter { player_id: Some(row.player_id.clone()), ..Default::default() };
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store::list_complaints(db, &row.tenant_id, &filter, after.as_deref(), PAGE).await?;
        let full = page.len() as u64 == PAGE;
        after = page.last().map(|c| c.id.clone());
        all.extend(page);
        if !full {
            break;
        }
    }
    all.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(all)
}

/// The last step: the manifest (every file of the parts, its size and
/// SHA-256) and the tar end.
async fn finish(
    row: &job::Model,
    parts: &[String],
    archive: &mut Archive,
    sink: &mut Sink<'_>,
) -> Result<(), PartError> {
    let files: Vec<ManifestEntry> = serde_json::from_str(&row.manifest).unwrap_or_default();
    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        tenant: row.tenant_id.clone(),
        player_id: row.player_id.clone(),
        export: crate::api::export_name(&row.id),
        create_time: now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        parts: parts.to_vec(),
        files,
    };
    archive.file(MANIFEST_PATH, &manifest.to_json())?;
    // The manifest does not list itself.
    archive.entries.clear();
    archive.finish();
    sink.end(archive).await
}

/// The archive's size and SHA-256, read back from its chunk rows.
async fn archive_digest(db: &DatabaseConnection, row: &job::Model) -> Result<(i64, String), DbErr> {
    let mut hash = Sha256::new();
    let mut size = 0i64;
    for seq in 0..row.chunk_count {
        if let Some(data) = store::export::find_chunk(db, &row.tenant_id, &row.id, seq).await? {
            size += data.len() as i64;
            hash.update(&data);
        }
    }
    Ok((size, hex::encode(hash.finalize())))
}

/// Writes an archive's filled chunks to the export's chunk rows.
/// Renews the export's lease once half of it has passed, so a long part
/// (a large attachment) keeps it; a lease lost meanwhile ends the part.
struct Sink<'a> {
    db: &'a DatabaseConnection,
    tenant: &'a str,
    export: &'a str,
    /// The next chunk's sequence number.
    next: i32,
    /// The lease held, and how long a renewal holds.
    lease: DateTime<Utc>,
    lease_for: chrono::Duration,
}

impl Sink<'_> {
    async fn flush(&mut self, archive: &mut Archive) -> Result<(), PartError> {
        for chunk in archive.full_chunks() {
            self.write(chunk).await?;
        }
        Ok(())
    }

    /// Writes everything left, the last chunk shorter: the part ends on a
    /// chunk boundary.
    async fn end(&mut self, archive: &mut Archive) -> Result<(), PartError> {
        self.flush(archive).await?;
        if let Some(rest) = archive.rest() {
            self.write(rest).await?;
        }
        Ok(())
    }

    async fn write(&mut self, data: Vec<u8>) -> Result<(), PartError> {
        let now = now();
        if now + self.lease_for / 2 > self.lease {
            let renewed = lease_end(now, self.lease_for.num_seconds().max(1) as u64);
            if !store::export::renew_lease(self.db, self.export, self.lease, renewed).await? {
                return Err(PartError::LeaseLost);
            }
            self.lease = renewed;
        }
        store::export::insert_chunk(self.db, self.tenant, self.export, self.next, data).await?;
        self.next += 1;
        Ok(())
    }
}

/// Resolution's records as they stream in: a case, its events (written as
/// one file when the case's evidence or the next case begins), its evidence
/// each followed by its content.
#[derive(Default)]
struct ResolutionPart {
    /// The case whose events are being collected, and them.
    events: Option<(String, Vec<serde_json::Value>)>,
    /// Bytes of the open evidence content still to come.
    remaining: u64,
}

impl ResolutionPart {
    fn take(&mut self, record: ResolutionRecord, archive: &mut Archive) -> Result<(), PartError> {
        match record {
            ResolutionRecord::Case(case) => {
                self.close(archive)?;
                let id = layout::id_of(&case.name).to_owned();
                archive.file(&layout::case(&id), &json(&case, CASE)?)?;
                self.events = Some((id, Vec::new()));
            }
            ResolutionRecord::Event(event) => {
                let value = record_json(&event, CASE_EVENT).map_err(PartError::Peer)?;
                match &mut self.events {
                    Some((_, events)) => events.push(value),
                    None => return Err(PartError::Peer("a case event before its case".into())),
                }
            }
            ResolutionRecord::Evidence(evidence) => {
                self.close(archive)?;
                let id = layout::id_of(&evidence.name).to_owned();
                archive.file(&layout::evidence(&id), &json(&evidence, EVIDENCE)?)?;
                let size = evidence.size_bytes.max(0) as u64;
                archive.begin(&layout::evidence_content(&id, &evidence.filename), size)?;
                self.remaining = size;
                if size == 0 {
                    archive.end()?;
                }
            }
            ResolutionRecord::EvidenceChunk(data) => {
                if data.len() as u64 > self.remaining {
                    return Err(PartError::Peer("evidence longer than its recorded size".into()));
                }
                archive.write(&data)?;
                self.remaining -= data.len() as u64;
                if self.remaining == 0 {
                    archive.end()?;
                }
            }
        }
        Ok(())
    }

    /// Writes the collected events of the case, and checks no evidence is
    /// cut short.
    fn close(&mut self, archive: &mut Archive) -> Result<(), PartError> {
        if self.remaining > 0 {
            return Err(PartError::Peer("evidence shorter than its recorded size".into()));
        }
        if let Some((case, events)) = self.events.take() {
            archive.file(&layout::case_events(&case), &json_bytes(&serde_json::Value::Array(events)))?;
        }
        Ok(())
    }

    fn end(mut self, archive: &mut Archive) -> Result<(), PartError> {
        self.close(archive)
    }
}

/// When an export row is created: due at once.
pub fn new_job(
    id: String,
    tenant: &str,
    request_id: &str,
    player_id: &str,
    requested_by: &str,
    at: DateTime<Utc>,
) -> job::Model {
    job::Model {
        id,
        tenant_id: tenant.to_owned(),
        request_id: request_id.to_owned(),
        player_id: player_id.to_owned(),
        requested_by: requested_by.to_owned(),
        state: Stored(State::Pending),
        parts_done: String::new(),
        records_gathered: 0,
        bytes_written: 0,
        chunk_count: 0,
        manifest: "[]".into(),
        attempts: 0,
        error: String::new(),
        next_attempt_at: at,
        lease_until: None,
        archive_size_bytes: 0,
        archive_sha256: String::new(),
        created_at: at,
        completed_at: None,
        expire_at: None,
    }
}
