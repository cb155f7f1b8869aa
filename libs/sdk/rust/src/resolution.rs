//! Cases: what agents, supervisors and analysts work with.

use redress_proto::resolution::v1::{
    AddInternalNoteRequest, AddInternalNoteResponse, Agent, AnswerAdrEnquiryRequest, AssignCaseRequest, Case,
    CaseEvent, CloseCaseRequest, CreateQueueRequest, DeleteQueueRequest, EscalateCaseRequest, GetCaseRequest,
    GetQueueRequest, GetRegulatoryReturnRequest, GetRegulatoryReturnResponse, ListAgentsRequest, ListCaseEventsRequest,
    ListCasesRequest, ListMacrosRequest, ListQueuesRequest, Macro, ProposeResolutionRequest, ProposeResolutionResponse,
    Queue, QueueStats, RecategoriseCaseRequest, RecordAdrOutcomeRequest, ReferToAdrRequest, RenderMacroRequest,
    RenderMacroResponse, ReopenCaseRequest, RequestInformationRequest, RequestInformationResponse, ResolveCaseRequest,
    RespondToPlayerRequest, RespondToPlayerResponse, SetAgentAvailabilityRequest, UpdateMacroRequest,
    UpdateMacroResponse, UpdateQueueRequest, VerifyCaseHistoryRequest, VerifyCaseHistoryResponse,
    resolution_service_client::ResolutionServiceClient,
};
use tonic::transport::Channel;

use crate::{
    CaseName, Client, Idempotency, ItemStream, Result, Service, client::ensure_request_id, paging::paginate, required,
};

/// The resolution service (`redress.resolution.v1.ResolutionService`). Get
/// one with [`Client::resolution`].
///
/// Every case-changing method below is **Keyed** (an empty `request_id` is
/// filled with a UUIDv7 once and reused on every retry) except
/// [`Self::assign_case`], which the proto documents as idempotent by content
/// and is retried as is. Errors a caller should handle:
/// [`crate::Error::FailedPrecondition`] with reason `ILLEGAL_STATE_TRANSITION`
/// (and `metadata["state"]`) when the case's state does not allow the call,
/// [`crate::Error::Aborted`] for a stale `etag`, [`crate::Error::NotFound`]
/// for an unknown case or another tenant's.
#[derive(Debug, Clone)]
pub struct ResolutionClient {
    client: Client,
}

macro_rules! call {
    ($self:ident, $idempotency:expr, $method:ident, $request:expr) => {
        $self
            .client
            .call(Service::Resolution, $idempotency, $request, |channel, request| async move {
                ResolutionServiceClient::new(channel).$method(request).await
            })
            .await
    };
}

/// A keyed method that answers with the case.
macro_rules! keyed_case {
    ($(#[$doc:meta])* $method:ident, $request:ty) => {
        $(#[$doc])*
        pub async fn $method(&self, mut request: $request) -> Result<Case> {
            ensure_request_id(&mut request.request_id);
            required(call!(self, Idempotency::Keyed, $method, request)?.case, "case")
        }
    };
}

impl ResolutionClient {
    pub(crate) fn new(client: Client) -> Self {
        ResolutionClient { client }
    }

    /// The SDK client this one calls through.
    pub(crate) fn sdk(&self) -> &Client {
        &self.client
    }

    /// The generated client, for anything this wrapper does not cover; pair
    /// it with [`Client::request`].
    ///
    /// # Errors
    /// [`crate::Error::Config`] when the client has no endpoint for this service.
    pub fn raw(&self) -> Result<ResolutionServiceClient<Channel>> {
        Ok(ResolutionServiceClient::new(self.client.channel(Service::Resolution)?))
    }

    /// Reads one case. **Safe** (a read).
    ///
    /// # Errors
    /// [`crate::Error::NotFound`] for an unknown case or another tenant's.
    pub async fn get_case(&self, name: &CaseName) -> Result<Case> {
        required(call!(self, Idempotency::Safe, get_case, GetCaseRequest { name: name.to_string() })?.case, "case")
    }

    /// The queue: cases matching the filters, nearest due time first, every
    /// page. Without `states` only open cases. **Safe** (a read).
    pub fn list_cases(&self, request: ListCasesRequest) -> ItemStream<Case> {
        let this = self.clone();
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_cases, request)?;
                    Ok((page.cases, page.next_page_token))
                }
            },
        )
    }

    /// Sets or clears the assignee (and optionally the queue). **Safe**: the
    /// proto documents it as idempotent (assigning again changes nothing).
    pub async fn assign_case(&self, request: AssignCaseRequest) -> Result<Case> {
        required(call!(self, Idempotency::Safe, assign_case, request)?.case, "case")
    }

    /// Sends the player a message. **Keyed**.
    pub async fn respond_to_player(&self, mut request: RespondToPlayerRequest) -> Result<RespondToPlayerResponse> {
        ensure_request_id(&mut request.request_id);
        call!(self, Idempotency::Keyed, respond_to_player, request)
    }

    /// Asks the player for information; may pause the final-response clock.
    /// **Keyed**.
    pub async fn request_information(
        &self,
        mut request: RequestInformationRequest,
    ) -> Result<RequestInformationResponse> {
        ensure_request_id(&mut request.request_id);
        call!(self, Idempotency::Keyed, request_information, request)
    }

    /// Adds a staff-only note. **Keyed**.
    pub async fn add_internal_note(&self, mut request: AddInternalNoteRequest) -> Result<AddInternalNoteResponse> {
        ensure_request_id(&mut request.request_id);
        call!(self, Idempotency::Keyed, add_internal_note, request)
    }

    /// Proposes a remedy; the case waits for the player's decision. **Keyed**.
    ///
    /// # Errors
    /// [`crate::Error::FailedPrecondition`] with reason
    /// `BONUS_NOT_ALLOWED_FOR_VULNERABLE_PLAYER` for bonus compensation to a
    /// self-excluded or at-risk player.
    pub async fn propose_resolution(&self, mut request: ProposeResolutionRequest) -> Result<ProposeResolutionResponse> {
        ensure_request_id(&mut request.request_id);
        call!(self, Idempotency::Keyed, propose_resolution, request)
    }

    keyed_case!(
        /// Gives the final response and moves the case to RESOLVED. **Keyed**.
        ///
        /// # Errors
        /// [`crate::Error::InvalidArgument`] with reason `ADR_BODY_REQUIRED`
        /// where the jurisdiction needs an ADR body and none is known.
        resolve_case,
        ResolveCaseRequest
    );
    keyed_case!(
        /// Escalates the case to supervisors. **Keyed**.
        escalate_case,
        EscalateCaseRequest
    );
    keyed_case!(
        /// Records that an ADR body's enquiry reached the casino. **Keyed**.
        ///
        /// # Errors
        /// [`crate::Error::FailedPrecondition`] with reason
        /// `FINAL_RESPONSE_NOT_DUE` or `ALREADY_REFERRED_TO_ADR`.
        refer_to_adr,
        ReferToAdrRequest
    );
    keyed_case!(
        /// Records the casino's answer to the ADR body. **Keyed**.
        answer_adr_enquiry,
        AnswerAdrEnquiryRequest
    );
    keyed_case!(
        /// Records the ADR body's decision. **Keyed**.
        record_adr_outcome,
        RecordAdrOutcomeRequest
    );
    keyed_case!(
        /// Reopens a resolved or closed case. **Keyed**.
        reopen_case,
        ReopenCaseRequest
    );
    keyed_case!(
        /// Closes the case. **Keyed**.
        close_case,
        CloseCaseRequest
    );
    keyed_case!(
        /// Changes the case's category (and root cause) with a reason; the
        /// original category stays in `original_category`. **Keyed**.
        ///
        /// # Errors
        /// [`crate::Error::FailedPrecondition`] with reason
        /// `CATEGORY_UNCHANGED`, or `ILLEGAL_STATE_TRANSITION` on a closed
        /// case; [`crate::Error::PermissionDenied`] for an agent on another
        /// agent's case.
        recategorise_case,
        RecategoriseCaseRequest
    );

    /// The events of the case's hash-chained history (ListCaseEvents), by
    /// ascending sequence, every page. **Safe** (a read).
    pub fn list_case_events(&self, parent: &CaseName) -> ItemStream<CaseEvent> {
        self.list_case_events_paged(parent, 0)
    }

    /// As [`Self::list_case_events`], with `page_size` events per call (0:
    /// the server's default).
    pub fn list_case_events_paged(&self, parent: &CaseName, page_size: i32) -> ItemStream<CaseEvent> {
        let this = self.clone();
        let request = ListCaseEventsRequest { parent: parent.to_string(), page_size, ..Default::default() };
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_case_events, request)?;
                    Ok((page.events, page.next_page_token))
                }
            },
        )
    }

    /// Recomputes the history's hash chain: intact, or the first bad event.
    /// **Safe** (read-only).
    pub async fn verify_case_history(&self, name: &CaseName) -> Result<VerifyCaseHistoryResponse> {
        call!(self, Idempotency::Safe, verify_case_history, VerifyCaseHistoryRequest { name: name.to_string() })
    }

    /// A regulator's return for a period. **Safe** (read-only).
    pub async fn get_regulatory_return(
        &self,
        request: GetRegulatoryReturnRequest,
    ) -> Result<GetRegulatoryReturnResponse> {
        call!(self, Idempotency::Safe, get_regulatory_return, request)
    }

    /// The tenant's response macros, every page. **Safe** (a read).
    pub fn list_macros(&self, request: ListMacrosRequest) -> ItemStream<Macro> {
        let this = self.clone();
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_macros, request)?;
                    Ok((page.macros, page.next_page_token))
                }
            },
        )
    }

    /// Updates a macro, or creates it when `allow_missing` is set. **Keyed**
    /// (creates are idempotent on `request_id`; updates by content).
    pub async fn update_macro(&self, mut request: UpdateMacroRequest) -> Result<UpdateMacroResponse> {
        ensure_request_id(&mut request.request_id);
        call!(self, Idempotency::Keyed, update_macro, request)
    }

    /// Renders a macro with a case's facts. **Safe** (read-only).
    pub async fn render_macro(&self, request: RenderMacroRequest) -> Result<RenderMacroResponse> {
        call!(self, Idempotency::Safe, render_macro, request)
    }

    /// Creates a queue with its routing rules and assignment mode. **Keyed**.
    ///
    /// # Errors
    /// [`crate::Error::AlreadyExists`] with reason `QUEUE_ALREADY_EXISTS` for
    /// a taken `queue_id`.
    pub async fn create_queue(&self, mut request: CreateQueueRequest) -> Result<Queue> {
        ensure_request_id(&mut request.request_id);
        required(call!(self, Idempotency::Keyed, create_queue, request)?.queue, "queue")
    }

    /// Reads a queue (`queues/{id}`) with its load. **Safe** (a read).
    pub async fn get_queue(&self, name: &str) -> Result<(Queue, QueueStats)> {
        let got = call!(self, Idempotency::Safe, get_queue, GetQueueRequest { name: name.to_owned() })?;
        Ok((required(got.queue, "queue")?, got.stats.unwrap_or_default()))
    }

    /// The tenant's queues in routing order, each with its load, every page.
    /// **Safe** (a read).
    pub fn list_queues(&self) -> ItemStream<(Queue, QueueStats)> {
        let this = self.clone();
        paginate(
            ListQueuesRequest::default(),
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_queues, request)?;
                    let entries = page
                        .queues
                        .into_iter()
                        .map(|e| (e.queue.unwrap_or_default(), e.stats.unwrap_or_default()))
                        .collect();
                    Ok((entries, page.next_page_token))
                }
            },
        )
    }

    /// Changes the fields of `update_mask`. **Unsafe**: not retried (pass the
    /// `etag` to make a retry safe yourself).
    ///
    /// # Errors
    /// [`crate::Error::Aborted`] for a stale `etag`.
    pub async fn update_queue(&self, request: UpdateQueueRequest) -> Result<Queue> {
        required(call!(self, Idempotency::Unsafe, update_queue, request)?.queue, "queue")
    }

    /// Deletes an empty queue. **Unsafe**: not retried.
    ///
    /// # Errors
    /// [`crate::Error::FailedPrecondition`] with reason `QUEUE_NOT_EMPTY`
    /// while it has open cases.
    pub async fn delete_queue(&self, request: DeleteQueueRequest) -> Result<()> {
        call!(self, Idempotency::Unsafe, delete_queue, request).map(|_| ())
    }

    /// Sets an agent's availability, capacity and queues (the caller's own
    /// when `agent` is empty). **Safe** to retry: it sets, never adds.
    pub async fn set_agent_availability(&self, request: SetAgentAvailabilityRequest) -> Result<Agent> {
        required(call!(self, Idempotency::Safe, set_agent_availability, request)?.agent, "agent")
    }

    /// The agents known to automatic assignment (of one queue, `queues/{id}`,
    /// or all when empty), every page. **Safe** (a read).
    pub fn list_agents(&self, queue: &str) -> ItemStream<Agent> {
        let this = self.clone();
        let request = ListAgentsRequest { queue: queue.to_owned(), ..Default::default() };
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_agents, request)?;
                    Ok((page.agents, page.next_page_token))
                }
            },
        )
    }
}
