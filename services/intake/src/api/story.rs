//! GetPlayerStory: a player's complaints with every part of their story.
//! Intake owns the complaints and interactions; the case, its events, the
//! notifications and the survey are read from the services that own them,
//! on the caller's behalf (their own token), so each owning service applies
//! its own role rules. A part that cannot be read is named, not fatal.

use std::{collections::BTreeSet, time::Duration};

use redress_auth::Caller;
use redress_db::now;
use redress_errors::{ApiError, Violations};
use redress_paging::filter_of;
use redress_proto::{
    feedback::v1::{ListSurveysRequest, Survey, feedback_service_client::FeedbackServiceClient},
    intake::v1::{ComplaintStory, GetPlayerStoryRequest, GetPlayerStoryResponse, MissingPart, PlayerRisk},
    notification::v1::{
        ListNotificationsRequest, Notification, notification_service_client::NotificationServiceClient,
    },
    resolution::v1::{
        Case, CaseEvent, ListCaseEventsRequest, ListCasesRequest, case::State as CaseState,
        resolution_service_client::ResolutionServiceClient,
    },
};
use tonic::transport::Channel;

use super::{IntakeApi, convert};
use crate::store::{self, complaint};

/// How many items of one kind a complaint's story holds at most.
const PART_LIMIT: usize = 500;
/// How many of the player's surveys one page reads at most.
const SURVEY_LIMIT: usize = 500;

impl IntakeApi {
    pub(super) async fn get_player_story(
        &self,
        caller: Caller,
        req: GetPlayerStoryRequest,
    ) -> Result<GetPlayerStoryResponse, ApiError> {
        let mut v = Violations::new();
        v.line(&req.player_id, "player_id", true, 128);
        v.into_result()?;
        let size = redress_paging::page_size(req.page_size, 5, 20)?;
        let bound = filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &bound)?;
        let filter = store::ComplaintFilter { player_id: Some(req.player_id.clone()), ..Default::default() };
        let mut rows = store::list_complaints(&self.db, &caller.tenant, &filter, after.as_deref(), size + 1).await?;
        let next_page_token = self.page_tokens.next_page(&mut rows, size, &caller.tenant, &bound, |r| r.id.clone());
        let risk = self.player_risk(&caller.tenant, &req.player_id, &filter).await?;

        let mut peers = Peers { caller: &caller, relay: &self.relay, missing: BTreeSet::new() };
        let surveys = peers.surveys(&req.player_id).await;
        let mut complaints = Vec::with_capacity(rows.len());
        for row in &rows {
            complaints.push(self.complaint_story(&caller.tenant, row, &mut peers, &surveys).await?);
        }
        let missing_parts = peers.missing.into_iter().map(|(part, reason)| MissingPart { part, reason }).collect();
        Ok(GetPlayerStoryResponse { complaints, risk: Some(risk), missing_parts, next_page_token })
    }

    async fn complaint_story(
        &self,
        tenant: &str,
        row: &complaint::Model,
        peers: &mut Peers<'_>,
        surveys: &[Survey],
    ) -> Result<ComplaintStory, ApiError> {
        let name = convert::complaint_name(&row.id);
        let interactions = store::list_interactions(&self.db, tenant, &row.id, None, PART_LIMIT as u64).await?;
        let (case, case_events) = peers.case(&name).await;
        let notifications = peers.notifications(&name).await;
        Ok(ComplaintStory {
            complaint: Some(convert::complaint(row)),
            interactions: interactions.iter().map(convert::interaction).collect(),
            case,
            case_events,
            notifications,
            survey: surveys.iter().find(|s| s.complaint == name).cloned(),
        })
    }

    /// The player's complaint-frequency signal under the tenant's rule.
    async fn player_risk(
        &self,
        tenant: &str,
        player_id: &str,
        filter: &store::ComplaintFilter,
    ) -> Result<PlayerRisk, ApiError> {
        let newest = store::list_complaints(&self.db, tenant, filter, None, 1).await?;
        let flagged = newest.first().is_some_and(|row| row.player.0.at_risk);
        let Some(rule) = self.policy.complaint_frequency(tenant).filter(|r| r.complaints > 0) else {
            return Ok(PlayerRisk { at_risk: flagged, ..Default::default() });
        };
        let since = now() - chrono::Duration::days(rule.days.into());
        let count = store::count_player_complaints_since(&self.db, tenant, player_id, since).await?;
        Ok(PlayerRisk {
            recent_complaint_count: count as i64,
            window_days: rule.days as i32,
            threshold: rule.complaints as i32,
            at_risk: flagged || rule.reached(count),
        })
    }
}

/// Reads from the owning services as the caller, noting what is missing.
struct Peers<'a> {
    caller: &'a Caller,
    relay: &'a redress_outbox::Relay,
    missing: BTreeSet<(String, String)>,
}

impl Peers<'_> {
    fn channel(&mut self, peer: &str, part: &str) -> Option<Channel> {
        let channel = self.relay.peer_channel(peer);
        if channel.is_none() {
            self.miss(part, tonic::Code::Unavailable);
        }
        channel
    }

    fn miss(&mut self, part: &str, code: tonic::Code) {
        self.missing.insert((part.to_owned(), redress_telemetry::code_name(code as i32).to_owned()));
    }

    /// A request carrying the caller's token, the trace and the peer deadline.
    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request.set_timeout(self.relay.call_timeout());
        if let Ok(bearer) = format!("Bearer {}", self.caller.bearer.expose()).parse() {
            request.metadata_mut().insert("authorization", bearer);
        }
        redress_telemetry::inject_current(request.metadata_mut());
        request
    }

    /// Runs one call bounded by the peer deadline (connecting included).
    async fn call<R>(
        &mut self,
        part: &str,
        call: impl Future<Output = Result<tonic::Response<R>, tonic::Status>>,
    ) -> Option<R> {
        let deadline = self.relay.call_timeout() + Duration::from_millis(100);
        match tokio::time::timeout(deadline, call).await {
            Ok(Ok(response)) => Some(response.into_inner()),
            Ok(Err(status)) => {
                self.miss(part, status.code());
                None
            }
            Err(_) => {
                self.miss(part, tonic::Code::DeadlineExceeded);
                None
            }
        }
    }

    /// The complaint's case and its events, oldest first.
    async fn case(&mut self, complaint: &str) -> (Option<Case>, Vec<CaseEvent>) {
        let Some(channel) = self.channel("resolution", "case") else { return (None, Vec::new()) };
        let mut client = ResolutionServiceClient::new(channel);
        // Every state: a list defaults to the open cases only.
        let states = [
            CaseState::New,
            CaseState::InProgress,
            CaseState::AwaitingPlayer,
            CaseState::ResolutionProposed,
            CaseState::Resolved,
            CaseState::Escalated,
            CaseState::ReferredToAdr,
            CaseState::Closed,
        ]
        .map(Into::into)
        .to_vec();
        let request = self.request(ListCasesRequest { complaint: complaint.to_owned(), states, ..Default::default() });
        let Some(cases) = self.call("case", client.list_cases(request)).await else { return (None, Vec::new()) };
        let Some(case) = cases.cases.into_iter().next() else { return (None, Vec::new()) };
        let request = self.request(ListCaseEventsRequest {
            parent: case.name.clone(),
            page_size: PART_LIMIT as i32,
            ..Default::default()
        });
        let events = self.call("case_events", client.list_case_events(request)).await;
        (Some(case), events.map(|e| e.events).unwrap_or_default())
    }

    /// The notifications about the complaint, oldest first.
    async fn notifications(&mut self, complaint: &str) -> Vec<Notification> {
        let Some(channel) = self.channel("notification", "notifications") else { return Vec::new() };
        let mut client = NotificationServiceClient::new(channel);
        let request = self.request(ListNotificationsRequest {
            complaint: complaint.to_owned(),
            page_size: PART_LIMIT as i32,
            ..Default::default()
        });
        let mut notifications =
            self.call("notifications", client.list_notifications(request)).await.map(|r| r.notifications);
        // Listed newest first; a story reads forwards.
        notifications.get_or_insert_default().sort_by_key(|n| n.create_time.map(|t| (t.seconds, t.nanos)));
        notifications.unwrap_or_default()
    }

    /// The player's surveys (newest first), up to [`SURVEY_LIMIT`].
    async fn surveys(&mut self, player_id: &str) -> Vec<Survey> {
        let Some(channel) = self.channel("feedback", "survey") else { return Vec::new() };
        let mut client = FeedbackServiceClient::new(channel);
        let mut surveys = Vec::new();
        let mut page_token = String::new();
        while surveys.len() < SURVEY_LIMIT {
            let request =
                self.request(ListSurveysRequest { player_id: player_id.to_owned(), page_size: 100, page_token });
            let Some(page) = self.call("survey", client.list_surveys(request)).await else { break };
            surveys.extend(page.surveys);
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
        }
        surveys
    }
}
