//! Complaints: what a casino backend files on a player's behalf and follows.

use redress_proto::intake::v1::{
    AddPlayerMessageRequest, Complaint, ComplaintStory, DownloadPlayerDataExportRequest,
    DownloadPlayerDataExportResponse, ExportPlayerDataRequest, GetComplaintRequest, GetPlayerDataExportRequest,
    GetPlayerStoryRequest, GetPlayerStoryResponse, Interaction, ListComplaintsRequest, ListInteractionsRequest,
    PlayerDataExport, SubmitComplaintRequest, SubmitComplaintResponse, SubmitPlayerDecisionRequest,
    WithdrawComplaintRequest, download_player_data_export_response, intake_service_client::IntakeServiceClient,
};
use tonic::{Streaming, transport::Channel};

use crate::{
    Client, ComplaintName, Idempotency, ItemStream, Result, Service, client::ensure_request_id, paging::paginate,
    required,
};

/// The intake service (`redress.intake.v1.IntakeService`). Get one with
/// [`Client::intake`].
#[derive(Debug, Clone)]
pub struct IntakeClient {
    client: Client,
}

macro_rules! call {
    ($self:ident, $idempotency:expr, $method:ident, $request:expr) => {
        $self
            .client
            .call(Service::Intake, $idempotency, $request, |channel, request| async move {
                IntakeServiceClient::new(channel).$method(request).await
            })
            .await
    };
}

impl IntakeClient {
    pub(crate) fn new(client: Client) -> Self {
        IntakeClient { client }
    }

    /// The generated client, for anything this wrapper does not cover; pair
    /// it with [`Client::request`].
    ///
    /// # Errors
    /// [`crate::Error::Config`] when the client has no endpoint for this service.
    pub fn raw(&self) -> Result<IntakeServiceClient<Channel>> {
        Ok(IntakeServiceClient::new(self.client.channel(Service::Intake)?))
    }

    /// Files a complaint. **Keyed**: an empty `request_id` is filled with a
    /// UUIDv7 and every retry sends the same one, so a retry after a lost
    /// reply returns the first answer (`replayed`) and files nothing more.
    /// Pass your own `request_id` (e.g. your ticket id) to stay safe across
    /// restarts of your process too.
    ///
    /// ```no_run
    /// # async fn run(client: redress_sdk::Client) -> redress_sdk::Result<()> {
    /// use redress_sdk::proto::{common::v1::*, intake::v1::SubmitComplaintRequest};
    /// let filed = client
    ///     .intake()
    ///     .submit_complaint(SubmitComplaintRequest {
    ///         player: Some(Player { player_id: "p-42".into(), jurisdiction: "GB".into(), ..Default::default() }),
    ///         transaction_references: Some(TransactionReferences { withdrawal_id: "W-1".into(), ..Default::default() }),
    ///         category: ComplaintCategory::Withdrawal.into(),
    ///         subject: "Withdrawal not received".into(),
    ///         description: "Pending for a week.".into(),
    ///         channel: Channel::LiveChat.into(),
    ///         ..Default::default()
    ///     })
    ///     .await?;
    /// println!("filed {}", filed.complaint.map(|c| c.reference).unwrap_or_default());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`crate::Error::InvalidArgument`] with every bad field;
    /// [`crate::Error::AlreadyExists`] (`IDEMPOTENCY_KEY_REUSED`) for a
    /// `request_id` reused with another payload.
    pub async fn submit_complaint(&self, mut request: SubmitComplaintRequest) -> Result<SubmitComplaintResponse> {
        ensure_request_id(&mut request.request_id);
        call!(self, Idempotency::Keyed, submit_complaint, request)
    }

    /// Reads one complaint. **Safe** (a read).
    ///
    /// # Errors
    /// [`crate::Error::NotFound`] for an unknown complaint or another tenant's.
    pub async fn get_complaint(&self, name: &ComplaintName) -> Result<Complaint> {
        let request = GetComplaintRequest { name: name.to_string() };
        required(call!(self, Idempotency::Safe, get_complaint, request)?.complaint, "complaint")
    }

    /// The tenant's complaints matching the filters, newest first, every
    /// page. **Safe** (a read).
    pub fn list_complaints(&self, request: ListComplaintsRequest) -> ItemStream<Complaint> {
        let this = self.clone();
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_complaints, request)?;
                    Ok((page.complaints, page.next_page_token))
                }
            },
        )
    }

    /// Records a further message from the player. **Keyed** (see
    /// [`Self::submit_complaint`]).
    ///
    /// # Errors
    /// [`crate::Error::FailedPrecondition`] on a closed complaint.
    pub async fn add_player_message(&self, mut request: AddPlayerMessageRequest) -> Result<Interaction> {
        ensure_request_id(&mut request.request_id);
        required(call!(self, Idempotency::Keyed, add_player_message, request)?.interaction, "interaction")
    }

    /// Relays the player's answer to a proposed resolution. **Keyed**.
    ///
    /// # Errors
    /// [`crate::Error::FailedPrecondition`] unless the complaint is
    /// RESOLUTION_PROPOSED.
    pub async fn submit_player_decision(&self, mut request: SubmitPlayerDecisionRequest) -> Result<Interaction> {
        ensure_request_id(&mut request.request_id);
        required(call!(self, Idempotency::Keyed, submit_player_decision, request)?.interaction, "interaction")
    }

    /// The player withdraws the complaint. **Keyed**.
    ///
    /// # Errors
    /// [`crate::Error::FailedPrecondition`] once resolved, closed or
    /// withdrawn; [`crate::Error::Aborted`] for a stale `etag`.
    pub async fn withdraw_complaint(&self, mut request: WithdrawComplaintRequest) -> Result<Complaint> {
        ensure_request_id(&mut request.request_id);
        required(call!(self, Idempotency::Keyed, withdraw_complaint, request)?.complaint, "complaint")
    }

    /// Every interaction of a complaint (messages both ways, status
    /// changes), oldest first. **Safe** (a read).
    pub fn list_interactions(&self, complaint: &ComplaintName) -> ItemStream<Interaction> {
        let this = self.clone();
        let request = ListInteractionsRequest { parent: complaint.to_string(), ..Default::default() };
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_interactions, request)?;
                    Ok((page.interactions, page.next_page_token))
                }
            },
        )
    }

    /// One page of a player's story (see `GetPlayerStory`): complaints
    /// newest first with every part, the risk signal and the missing parts.
    /// **Safe**.
    pub async fn get_player_story(&self, request: GetPlayerStoryRequest) -> Result<GetPlayerStoryResponse> {
        call!(self, Idempotency::Safe, get_player_story, request)
    }

    /// Every complaint of a player's story, page by page. **Safe**.
    pub fn player_story(&self, player_id: &str) -> ItemStream<ComplaintStory> {
        let this = self.clone();
        paginate(
            GetPlayerStoryRequest { player_id: player_id.to_owned(), ..Default::default() },
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = this.get_player_story(request).await?;
                    Ok((page.complaints, page.next_page_token))
                }
            },
        )
    }
}

// Legal holds, erasure and retention (role dpo or admin).
use redress_proto::intake::v1::{
    CreateLegalHoldRequest, ErasePlayerDataRequest, ErasePlayerDataResponse, Erasure, GetErasureRequest, LegalHold,
    ListErasuresRequest, ListLegalHoldsRequest, ListRetentionSweepsRequest, ReleaseLegalHoldRequest, RetentionSweep,
};

impl IntakeClient {
    /// Places a legal hold on a player (`parent` = `players/{player}`):
    /// while active it blocks erasure and the retention sweep. **Keyed**.
    ///
    /// # Errors
    /// [`crate::Error::InvalidArgument`] without a reason or with an end
    /// time not in the future.
    pub async fn create_legal_hold(&self, mut request: CreateLegalHoldRequest) -> Result<LegalHold> {
        ensure_request_id(&mut request.request_id);
        required(call!(self, Idempotency::Keyed, create_legal_hold, request)?.legal_hold, "legal_hold")
    }

    /// Every legal hold of a player, newest first. **Safe** (a read).
    pub fn legal_holds(&self, player_id: &str) -> ItemStream<LegalHold> {
        let this = self.clone();
        let request = ListLegalHoldsRequest { parent: format!("players/{player_id}"), ..Default::default() };
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_legal_holds, request)?;
                    Ok((page.legal_holds, page.next_page_token))
                }
            },
        )
    }

    /// Releases a legal hold. **Safe** without an `etag` (releasing a
    /// released hold returns it unchanged); with one, **Unsafe** (a retry
    /// after a lost reply would meet the moved etag).
    ///
    /// # Errors
    /// [`crate::Error::Aborted`] for a stale `etag`; [`crate::Error::NotFound`].
    pub async fn release_legal_hold(&self, request: ReleaseLegalHoldRequest) -> Result<LegalHold> {
        let idempotency = if request.etag.is_empty() { Idempotency::Safe } else { Idempotency::Unsafe };
        required(call!(self, idempotency, release_legal_hold, request)?.legal_hold, "legal_hold")
    }

    /// Erases a player's personal data in every service (`player` =
    /// `players/{player}`); the erasure is IN_PROGRESS until every service
    /// confirmed (see [`Self::get_erasure`]). **Keyed**.
    ///
    /// # Errors
    /// [`crate::Error::FailedPrecondition`] with reason `LEGAL_HOLD` (the
    /// ErrorInfo metadata `legal_hold` names the hold) while a hold is active.
    pub async fn erase_player_data(&self, mut request: ErasePlayerDataRequest) -> Result<ErasePlayerDataResponse> {
        ensure_request_id(&mut request.request_id);
        call!(self, Idempotency::Keyed, erase_player_data, request)
    }

    /// One erasure (`erasures/{id}`) with each service's progress. **Safe**.
    pub async fn get_erasure(&self, name: &str) -> Result<Erasure> {
        let request = GetErasureRequest { name: name.to_owned() };
        required(call!(self, Idempotency::Safe, get_erasure, request)?.erasure, "erasure")
    }

    /// Erasures, newest first: of one player (`players/{player}`), or all
    /// with an empty `player`. **Safe**.
    pub fn erasures(&self, player: &str) -> ItemStream<Erasure> {
        let this = self.clone();
        let request = ListErasuresRequest { player: player.to_owned(), ..Default::default() };
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_erasures, request)?;
                    Ok((page.erasures, page.next_page_token))
                }
            },
        )
    }

    /// The retention sweeps that erased or kept something, newest first.
    /// **Safe**.
    pub fn retention_sweeps(&self) -> ItemStream<RetentionSweep> {
        let this = self.clone();
        paginate(
            ListRetentionSweepsRequest::default(),
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_retention_sweeps, request)?;
                    Ok((page.retention_sweeps, page.next_page_token))
                }
            },
        )
    }
}

/// A subject-access export's archive as it downloads
/// ([`IntakeClient::download_player_data_export`]): the export first, then
/// the tar archive's bytes in order. The service checks the bytes against
/// the archive's recorded SHA-256 before the last piece and ends the stream
/// with DATA_LOSS instead if they differ, so a download that reached the
/// end without error holds the archive as built.
pub struct ExportDownload {
    /// The export, with `archive_size_bytes` and `archive_sha256`.
    pub export: PlayerDataExport,
    stream: Streaming<DownloadPlayerDataExportResponse>,
}

impl std::fmt::Debug for ExportDownload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportDownload").field("export", &self.export).finish_non_exhaustive()
    }
}

impl ExportDownload {
    /// The next piece of the archive (at most 256 KiB); `None` after the last.
    ///
    /// # Errors
    /// [`crate::Error::Other`] with reason `EXPORT_CORRUPTED` (DATA_LOSS) when
    /// the stored archive no longer matches its SHA-256; any status that
    /// broke the stream.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>> {
        loop {
            match self.stream.message().await.map_err(crate::Error::from_status)? {
                None => return Ok(None),
                Some(DownloadPlayerDataExportResponse {
                    part: Some(download_player_data_export_response::Part::Chunk(c)),
                }) => {
                    return Ok(Some(c));
                }
                Some(_) => {}
            }
        }
    }
}

impl IntakeClient {
    /// Starts a subject-access export of everything Redress holds about
    /// `player_id` (roles `dpo`, `admin`). **Keyed**: `request_id` (default
    /// a UUIDv7, the same on every retry) makes a repeat return the same
    /// export. Poll [`Self::get_player_data_export`] until
    /// `STATE_SUCCEEDED`, then [`Self::download_player_data_export`].
    ///
    /// # Errors
    /// [`crate::Error::PermissionDenied`] for other roles;
    /// [`crate::Error::AlreadyExists`] (`IDEMPOTENCY_KEY_REUSED`) for a
    /// `request_id` used for another player.
    pub async fn export_player_data(&self, player_id: &str, request_id: Option<&str>) -> Result<PlayerDataExport> {
        let mut request = ExportPlayerDataRequest {
            player_id: player_id.to_owned(),
            request_id: request_id.unwrap_or_default().into(),
        };
        ensure_request_id(&mut request.request_id);
        required(call!(self, Idempotency::Keyed, export_player_data, request)?.export, "export")
    }

    /// An export with its state and progress, `exports/{id}`. **Safe**.
    ///
    /// # Errors
    /// [`crate::Error::NotFound`] for an unknown export or another tenant's.
    pub async fn get_player_data_export(&self, name: &str) -> Result<PlayerDataExport> {
        let request = GetPlayerDataExportRequest { name: name.to_owned() };
        required(call!(self, Idempotency::Safe, get_player_data_export, request)?.export, "export")
    }

    /// Opens a SUCCEEDED export's archive for download; read it with
    /// [`ExportDownload::chunk`]. **Safe**. The whole download runs within
    /// the call's deadline ([`Client::with_timeout`] for a large archive).
    ///
    /// # Errors
    /// [`crate::Error::FailedPrecondition`] (`EXPORT_NOT_READY`, with
    /// `metadata["state"]`) while the export is not SUCCEEDED;
    /// [`crate::Error::NotFound`].
    pub async fn download_player_data_export(&self, name: &str) -> Result<ExportDownload> {
        let request = DownloadPlayerDataExportRequest { name: name.to_owned() };
        let mut stream = call!(self, Idempotency::Safe, download_player_data_export, request)?;
        let first = stream.message().await.map_err(crate::Error::from_status)?;
        match first.and_then(|m| m.part) {
            Some(download_player_data_export_response::Part::Export(export)) => Ok(ExportDownload { export, stream }),
            _ => required(None, "export"),
        }
    }
}
