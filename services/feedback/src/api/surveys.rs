//! Surveys: RecordCaseOutcome opens one per resolved case (resolution →
//! feedback), GetSurvey and SubmitSurveyResponse serve the player holding
//! its token.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use redress_auth::Caller;
use redress_db::{Stored, erasure, new_id, now};
use redress_errors::{ApiError, Violations};
use redress_idempotency::Key;
use redress_proto::{
    common::v1::{ComplaintCategory, Outcome},
    feedback::v1::{
        GetSurveyRequest, GetSurveyResponse, ListSurveysRequest, ListSurveysResponse, RecordCaseOutcomeRequest,
        RecordCaseOutcomeResponse, SubmitSurveyResponseRequest, SubmitSurveyResponseResponse, survey::State,
    },
};

use super::{
    FeedbackApi, convert,
    events::{check_dims, dims, time},
    outbox,
};
use crate::{
    domain::{
        self,
        surveys::{self, Terms, survey_not_found},
    },
    store::{self, survey},
};

/// A fresh survey token: 32 random bytes from the OS-seeded CSPRNG,
/// base64url, so it is unguessable and safe in a URL.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

impl FeedbackApi {
    pub(super) async fn list_surveys(
        &self,
        caller: Caller,
        req: ListSurveysRequest,
    ) -> Result<ListSurveysResponse, ApiError> {
        let mut v = Violations::new();
        v.line(&req.player_id, "player_id", true, 128);
        v.into_result()?;
        let size = redress_paging::page_size(req.page_size, 20, 100)?;
        let filter = redress_paging::filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter)?;
        let mut rows =
            store::list_player_surveys(&self.db, &caller.tenant, &req.player_id, after.as_deref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &filter, |row: &survey::Model| row.id.clone());
        let now = now();
        let surveys = rows.iter().map(|row| convert::survey(row, now)).collect::<Result<_, _>>()?;
        Ok(ListSurveysResponse { surveys, next_page_token })
    }

    pub(crate) async fn record_case_outcome(
        &self,
        caller: Caller,
        req: RecordCaseOutcomeRequest,
    ) -> Result<RecordCaseOutcomeResponse, ApiError> {
        let tenant = caller.tenant.as_str();
        let mut v = Violations::new();
        domain::parse_name(&mut v, &req.case, "cases", "case");
        let complaint_id = domain::parse_name(&mut v, &req.complaint, "complaints", "complaint").to_owned();
        v.text(&req.complaint_reference, "complaint_reference", false, 64);
        let mut player = req.player.clone().unwrap_or_default();
        v.text(&player.player_id, "player.player_id", true, 128);
        let outcome = Outcome::try_from(req.outcome).unwrap_or(Outcome::Unspecified);
        v.check(outcome == Outcome::Unspecified, "outcome", "must be a known, specified outcome");
        let resolve_at = time(&mut v, req.resolve_time.as_ref(), "resolve_time");
        check_dims(&mut v, "", &req.agent, req.transaction_references.as_ref());
        v.into_result()?;
        let Some(resolve_at) = resolve_at else { return Err(ApiError::invalid_field("resolve_time", "is required")) };

        let now = now();
        let txn = self.begin().await?;
        // One survey per case, even after a reopen and a new resolution.
        if let Some(existing) = store::find_survey_by_case(&txn, tenant, &req.case).await? {
            return Ok(RecordCaseOutcomeResponse { survey: Some(convert::survey(&existing, now)?), replayed: true });
        }
        let settings = self.config.tenant(tenant);
        let terms = Terms {
            expire_days: settings.survey_expire_days,
            follow_up_days: settings.follow_up_days,
            language_code: &settings.language_code,
        };
        let category = ComplaintCategory::try_from(req.category).unwrap_or(ComplaintCategory::Unspecified);
        let opening = surveys::open(&player, req.responsible_gambling, category, terms, resolve_at, now);
        // Deliveries are not ordered: an outcome arriving after its
        // complaint's erasure opens no survey to send and keeps no name.
        let erased = erasure::erasure_of(&txn, tenant, &req.complaint).await?.is_some();
        if erased {
            player = erasure::erase_player(&player).0;
        }
        let suppressed = opening.suppressed || erased;
        let token = (!suppressed).then(new_token);
        let id = new_id();
        let row = survey::Model {
            id: id.clone(),
            tenant_id: tenant.to_owned(),
            case_name: req.case.clone(),
            complaint_id: complaint_id.clone(),
            complaint_reference: req.complaint_reference.clone(),
            player_id: player.player_id.clone(),
            player_display_name: player.display_name.clone(),
            language_code: opening.language_code,
            category: convert::enum_name::<ComplaintCategory>(req.category, ComplaintCategory::as_str_name),
            outcome: Stored(outcome),
            token_hash: token.as_deref().map(domain::token_hash),
            state: Stored(if suppressed { State::Suppressed } else { State::Open }),
            csat: None,
            problem_solved: None,
            fairness: None,
            comment: None,
            answered_at: None,
            follow_up_flagged: false,
            created_at: now,
            expire_at: opening.expire_at,
            follow_up_at: opening.follow_up_at,
            follow_up_done: false,
        };
        match store::insert_survey(&txn, row.clone()).await {
            Ok(()) => {}
            Err(err) if redress_db::is_unique_violation(&err) => {
                drop(txn);
                let existing = store::find_survey_by_case(&self.db, tenant, &req.case)
                    .await?
                    .ok_or_else(|| ApiError::internal(err))?;
                return Ok(RecordCaseOutcomeResponse {
                    survey: Some(convert::survey(&existing, now)?),
                    replayed: true,
                });
            }
            Err(err) => return Err(err.into()),
        }
        let case_dims = dims(req.category, req.channel, "", &req.agent, req.transaction_references.as_ref(), 0);
        let sent_at = (!suppressed).then_some(now);
        self.update_fact(&txn, tenant, &complaint_id, now, |fact| {
            fact.case_resolved(&case_dims, &req.case, resolve_at, sent_at);
        })
        .await?;
        let mut messages = Vec::new();
        if let Some(token) = &token {
            messages.push(outbox::survey_invitation(
                tenant,
                &player,
                outbox::Invitation {
                    survey_id: &id,
                    complaint: &req.complaint,
                    complaint_reference: &req.complaint_reference,
                    token,
                    url: outbox::survey_url(self.config.survey_base_url(tenant), token),
                    expire_at: row.expire_at,
                },
            ));
        }
        redress_outbox::enqueue(&txn, messages).await?;
        self.commit(txn).await?;
        tracing::info!(survey = %id, case = %req.case, suppressed, "survey opened");
        Ok(RecordCaseOutcomeResponse { survey: Some(convert::survey(&row, now)?), replayed: false })
    }

    pub(crate) async fn get_survey(
        &self,
        caller: Caller,
        req: GetSurveyRequest,
    ) -> Result<GetSurveyResponse, ApiError> {
        let mut v = Violations::new();
        domain::token(&mut v, &req.token);
        v.into_result()?;
        let row = store::find_survey_by_token(&self.db, &caller.tenant, &domain::token_hash(&req.token))
            .await?
            .ok_or_else(survey_not_found)?;
        Ok(GetSurveyResponse { survey: Some(convert::survey(&row, now())?) })
    }

    pub(crate) async fn submit_survey_response(
        &self,
        caller: Caller,
        req: SubmitSurveyResponseRequest,
    ) -> Result<SubmitSurveyResponseResponse, ApiError> {
        let mut v = Violations::new();
        domain::token(&mut v, &req.token);
        v.text(&req.request_id, "request_id", true, domain::MAX_REQUEST_ID);
        domain::answer(&mut v, req.answer.as_ref());
        v.into_result()?;
        let mut answer = req.answer.clone().unwrap_or_default();
        answer.answer_time = None;
        let tenant = caller.tenant.clone();
        let key = Key::of(&tenant, "SubmitSurveyResponse", &req.request_id, &req, |r| {
            r.request_id.clear();
            if let Some(a) = r.answer.as_mut() {
                a.answer_time = None;
            }
        });
        let hash = domain::token_hash(&req.token);
        let (mut response, replayed) =
            redress_outbox::keyed_write(&self.db, &self.relay, &key, async |txn, _inserts| {
                let now = now();
                let mut row = store::find_survey_by_token(txn, &tenant, &hash).await?.ok_or_else(survey_not_found)?;
                surveys::check_answerable(row.state.get(), row.expire_at, now)?;
                // The scores count; words about an erased complaint are not kept.
                let mut answer = answer.clone();
                if erasure::erasure_of(txn, &tenant, &convert::complaint_name(&row.complaint_id)).await?.is_some() {
                    answer.comment = erasure::erased(&answer.comment);
                }
                let reason = domain::follow_up_reason(&answer);
                row.state = Stored(State::Answered);
                row.csat = Some(answer.csat);
                row.problem_solved = Some(Stored(answer.problem_solved()));
                row.fairness = Some(answer.fairness);
                row.comment = Some(answer.comment.clone());
                row.answered_at = Some(now);
                row.follow_up_flagged |= reason.is_some();
                // The state the check saw is the one the write replaces.
                if !store::answer_survey(txn, row.clone(), State::Open).await? {
                    return Err(surveys::already_answered());
                }
                self.update_fact(txn, &tenant, &row.complaint_id, now, |fact| fact.answered(&answer, now)).await?;
                let messages = reason
                    .map(|reason| {
                        outbox::flag_follow_up(
                            &tenant,
                            &row.case_name,
                            &row.id,
                            reason,
                            answer.csat,
                            &answer.comment,
                            now,
                        )
                    })
                    .into_iter()
                    .collect();
                let survey = convert::survey(&row, now)?;
                Ok((SubmitSurveyResponseResponse { survey: Some(survey), replayed: false }, messages))
            })
            .await?;
        response.replayed = replayed;
        if !replayed {
            crate::metrics::survey_answered(&answer);
        }
        Ok(response)
    }
}
