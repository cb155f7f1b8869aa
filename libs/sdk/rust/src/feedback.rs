//! Feedback: the player's survey, and the insights analysts read.

use redress_proto::feedback::v1::{
    GetInsightsRequest, GetInsightsResponse, GetSurveyRequest, InsightGroup, ListRecurringProblemsRequest,
    ListSurveysRequest, RecurringProblem, SubmitSurveyResponseRequest, SubmitSurveyResponseResponse, Survey,
    feedback_service_client::FeedbackServiceClient,
};
use tonic::transport::Channel;

use crate::{Client, Idempotency, ItemStream, Result, Service, client::ensure_request_id, paging::paginate, required};

/// The feedback service (`redress.feedback.v1.FeedbackService`). Get one
/// with [`Client::feedback`].
#[derive(Debug, Clone)]
pub struct FeedbackClient {
    client: Client,
}

macro_rules! call {
    ($self:ident, $idempotency:expr, $method:ident, $request:expr) => {
        $self
            .client
            .call(Service::Feedback, $idempotency, $request, |channel, request| async move {
                FeedbackServiceClient::new(channel).$method(request).await
            })
            .await
    };
}

impl FeedbackClient {
    pub(crate) fn new(client: Client) -> Self {
        FeedbackClient { client }
    }

    /// The generated client, for anything this wrapper does not cover; pair
    /// it with [`Client::request`].
    ///
    /// # Errors
    /// [`crate::Error::Config`] when the client has no endpoint for this service.
    pub fn raw(&self) -> Result<FeedbackServiceClient<Channel>> {
        Ok(FeedbackServiceClient::new(self.client.channel(Service::Feedback)?))
    }

    /// The survey behind the token from the player's invitation link, in any
    /// state (to show the questions, or say it was answered or expired).
    /// **Safe** (a read; does not use up the token).
    ///
    /// # Errors
    /// [`crate::Error::NotFound`] (`SURVEY_NOT_FOUND`) for an unknown token.
    pub async fn get_survey(&self, token: &str) -> Result<Survey> {
        let request = GetSurveyRequest { token: token.to_owned() };
        required(call!(self, Idempotency::Safe, get_survey, request)?.survey, "survey")
    }

    /// Records the player's answers. **Keyed**.
    ///
    /// # Errors
    /// [`crate::Error::FailedPrecondition`] with reason
    /// `SURVEY_ALREADY_ANSWERED` or `SURVEY_EXPIRED`.
    pub async fn submit_survey_response(
        &self,
        mut request: SubmitSurveyResponseRequest,
    ) -> Result<SubmitSurveyResponseResponse> {
        ensure_request_id(&mut request.request_id);
        call!(self, Idempotency::Keyed, submit_survey_response, request)
    }

    /// Insights for a window: the total, and the first page of groups when
    /// `group_by` is set. **Safe** (read-only).
    pub async fn get_insights(&self, request: GetInsightsRequest) -> Result<GetInsightsResponse> {
        call!(self, Idempotency::Safe, get_insights, request)
    }

    /// Every group of [`Self::get_insights`], page by page. **Safe**.
    pub fn insight_groups(&self, request: GetInsightsRequest) -> ItemStream<InsightGroup> {
        let this = self.clone();
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = this.get_insights(request).await?;
                    Ok((page.groups, page.next_page_token))
                }
            },
        )
    }

    /// Recurring problems in a window, spikes first, every page. **Safe**.
    pub fn list_recurring_problems(&self, request: ListRecurringProblemsRequest) -> ItemStream<RecurringProblem> {
        let this = self.clone();
        paginate(
            request,
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_recurring_problems, request)?;
                    Ok((page.recurring_problems, page.next_page_token))
                }
            },
        )
    }

    /// One player's surveys with their answers, newest first, every page.
    /// **Safe**.
    pub fn list_surveys(&self, player_id: &str) -> ItemStream<Survey> {
        let this = self.clone();
        paginate(
            ListSurveysRequest { player_id: player_id.to_owned(), ..Default::default() },
            |r, t| r.page_token = t,
            move |request| {
                let this = this.clone();
                async move {
                    let page = call!(this, Idempotency::Safe, list_surveys, request)?;
                    Ok((page.surveys, page.next_page_token))
                }
            },
        )
    }
}
