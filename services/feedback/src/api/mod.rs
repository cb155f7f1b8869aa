//! Feedback's gRPC API: turns requests into domain calls and stored rows,
//! checks roles, and writes every change with its outbox rows in one
//! transaction.

pub mod convert;
pub mod outbox;

use std::sync::Arc;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use prost::Message;
use rand::RngCore;
use redress_auth::{Role, authorize};
use redress_db::{Inserts, new_id, now};
use redress_errors::{ApiError, ErrorCode, Violations};
use redress_idempotency::fingerprint;
use redress_outbox::{OutboxMessage, Relay};
use redress_paging::PageTokens;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome, Priority, TransactionReferences},
    feedback::v1::{
        Dimension, EventType, GetInsightsRequest, GetInsightsResponse, GetSurveyRequest, GetSurveyResponse,
        ListRecurringProblemsRequest, ListRecurringProblemsResponse, RecordCaseOutcomeRequest,
        RecordCaseOutcomeResponse, RecordEventRequest, RecordEventResponse, ReferenceKind, SubmitSurveyResponseRequest,
        SubmitSurveyResponseResponse, feedback_internal_service_server::FeedbackInternalService,
        feedback_service_server::FeedbackService, survey::State,
    },
};
use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tonic::{Request, Response, Status};

use crate::{
    config::FeedbackConfig,
    domain::{
        self, Window,
        facts::{Dims, Event, Fact},
        insights, recurring,
    },
    store::{self, FactFilter, event as event_row, survey},
};

/// Roles that act for a player holding a survey token.
const SURVEY_ROLES: &[Role] = &[Role::Backend, Role::Admin];
/// Roles that read insights.
const ANALYSTS: &[Role] = &[Role::Analyst, Role::Supervisor, Role::Admin];

/// Everything the handlers share.
pub struct FeedbackApi {
    db: DatabaseConnection,
    relay: Arc<Relay>,
    page_tokens: PageTokens,
    config: Arc<FeedbackConfig>,
}

/// A page position, with the window it was computed for (a defaulted window
/// moves with the clock; later pages keep the first page's).
#[derive(Serialize, Deserialize)]
struct Cursor {
    offset: u64,
    start: i64,
    end: i64,
}

impl FeedbackApi {
    /// The API over a database, its outbox relay and the configuration.
    pub fn new(
        db: DatabaseConnection,
        relay: Arc<Relay>,
        page_tokens: PageTokens,
        config: Arc<FeedbackConfig>,
    ) -> Self {
        Self { db, relay, page_tokens, config }
    }

    async fn begin(&self) -> Result<DatabaseTransaction, ApiError> {
        Ok(self.db.begin().await?)
    }

    /// Commits, then wakes the relay so the outbox rows go out at once.
    async fn commit(&self, txn: DatabaseTransaction) -> Result<(), ApiError> {
        txn.commit().await?;
        self.relay.notify();
        Ok(())
    }

    /// Runs a keyed write of `method` (see `redress_outbox::keyed_write`).
    async fn keyed_write<R, F>(
        &self,
        tenant: &str,
        method: &str,
        request_id: &str,
        fingerprint: &str,
        write: F,
    ) -> Result<(R, bool), ApiError>
    where
        R: Message + Default,
        F: AsyncFnOnce(&DatabaseTransaction, &mut Inserts) -> Result<(R, Vec<OutboxMessage>), ApiError>,
    {
        let key = redress_idempotency::Key { tenant, method, request_id, fingerprint: fingerprint.to_owned() };
        redress_outbox::keyed_write(&self.db, &self.relay, &key, write).await
    }

    /// Loads a complaint's fact (locked) or starts one, lets `change` fold
    /// into it, and writes it back.
    async fn update_fact(
        &self,
        txn: &DatabaseTransaction,
        tenant: &str,
        complaint_id: &str,
        now: DateTime<Utc>,
        change: impl FnOnce(&mut Fact),
    ) -> Result<(), ApiError> {
        let existing = store::find_fact_for_update(txn, tenant, complaint_id).await?;
        let mut fact = existing.as_ref().map(store::to_fact).unwrap_or_else(|| Fact::new(complaint_id));
        change(&mut fact);
        match store::save_fact(txn, store::from_fact(tenant, fact, now), existing.is_some()).await {
            Ok(()) => Ok(()),
            // Two first events of one complaint raced to create its fact;
            // the caller (an outbox relay) retries and folds into the winner.
            Err(err) if redress_db::is_unique_violation(&err) => {
                Err(ApiError::new(ErrorCode::Aborted, "CONCURRENT_UPDATE", "the complaint changed concurrently; retry"))
            }
            Err(err) => Err(err.into()),
        }
    }
}

/// A fresh survey token: 32 random bytes from the OS-seeded CSPRNG,
/// base64url, so it is unguessable and safe in a URL.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn survey_not_found() -> ApiError {
    // Never echo the token: it is the key to the survey.
    ApiError::new(ErrorCode::NotFound, "SURVEY_NOT_FOUND", "no survey has this token")
}

/// A request's dimensions as stored values (empty for unset).
fn dims(
    category: i32,
    channel: i32,
    jurisdiction: &str,
    agent: &str,
    refs: Option<&TransactionReferences>,
    priority: i32,
) -> Dims {
    let refs = refs.cloned().unwrap_or_default();
    Dims {
        category: convert::enum_name::<ComplaintCategory>(category, ComplaintCategory::as_str_name),
        channel: convert::enum_name::<Channel>(channel, Channel::as_str_name),
        jurisdiction: jurisdiction.trim().to_ascii_uppercase(),
        agent: agent.trim().to_owned(),
        game_id: refs.game_id.trim().to_owned(),
        game_provider: refs.game_provider.trim().to_owned(),
        payment_method: refs.payment_method.trim().to_owned(),
        bonus_id: refs.bonus_id.trim().to_owned(),
        priority: convert::enum_name::<Priority>(priority, Priority::as_str_name),
    }
}

fn check_dims(v: &mut Violations, jurisdiction: &str, agent: &str, refs: Option<&TransactionReferences>) {
    v.text(jurisdiction, "jurisdiction", false, 8);
    v.text(agent, "agent", false, 128);
    if let Some(r) = refs {
        for (value, field) in [
            (&r.game_id, "game_id"),
            (&r.game_provider, "game_provider"),
            (&r.payment_method, "payment_method"),
            (&r.bonus_id, "bonus_id"),
        ] {
            v.text(value, &format!("transaction_references.{field}"), false, 128);
        }
    }
}

fn time(v: &mut Violations, ts: Option<&prost_types::Timestamp>, field: &str) -> Option<DateTime<Utc>> {
    match ts {
        None => {
            v.add(field, "is required");
            None
        }
        Some(ts) => {
            let at = domain::from_timestamp(ts);
            if at.is_none() {
                v.add(field, "is not a valid timestamp");
            }
            at
        }
    }
}

impl FeedbackApi {
    async fn record_event(&self, request: Request<RecordEventRequest>) -> Result<RecordEventResponse, ApiError> {
        let caller = authorize(&request, &[Role::Service])?;
        let req = request.into_inner();
        let tenant = caller.tenant.as_str();
        let mut v = Violations::new();
        v.text(&req.event_id, "event_id", true, domain::MAX_REQUEST_ID);
        let kind = EventType::try_from(req.r#type).unwrap_or(EventType::Unspecified);
        v.check(kind == EventType::Unspecified, "type", "must be a known, specified event type");
        let occur_at = time(&mut v, req.occur_time.as_ref(), "occur_time");
        let complaint_id = domain::parse_name(&mut v, &req.complaint, "complaints", "complaint").to_owned();
        if !req.case.is_empty() {
            domain::parse_name(&mut v, &req.case, "cases", "case");
        }
        check_dims(&mut v, &req.jurisdiction, &req.agent, req.transaction_references.as_ref());
        v.text(&req.clock, "clock", false, 64);
        v.into_result()?;
        let Some(occur_at) = occur_at else { return Err(ApiError::invalid_field("occur_time", "is required")) };

        let event = Event {
            kind,
            occur_at,
            case_name: req.case.clone(),
            dims: dims(
                req.category,
                req.channel,
                &req.jurisdiction,
                &req.agent,
                req.transaction_references.as_ref(),
                req.priority,
            ),
            responsible_gambling: req.responsible_gambling,
            outcome: convert::enum_name::<Outcome>(req.outcome, Outcome::as_str_name),
            clock: req.clock.trim().to_owned(),
            clock_met: req.clock_met,
        };
        let now = now();
        let row = event_row::Model {
            tenant_id: tenant.to_owned(),
            event_id: req.event_id.clone(),
            complaint_id: complaint_id.clone(),
            case_name: event.case_name.clone(),
            kind: kind.as_str_name().to_owned(),
            occur_at,
            category: event.dims.category.clone(),
            channel: event.dims.channel.clone(),
            jurisdiction: event.dims.jurisdiction.clone(),
            agent: event.dims.agent.clone(),
            game_id: event.dims.game_id.clone(),
            game_provider: event.dims.game_provider.clone(),
            payment_method: event.dims.payment_method.clone(),
            bonus_id: event.dims.bonus_id.clone(),
            priority: event.dims.priority.clone(),
            responsible_gambling: event.responsible_gambling,
            outcome: event.outcome.clone(),
            clock: event.clock.clone(),
            clock_met: event.clock_met,
            received_at: now,
        };
        // Two first events of one complaint may race to create its fact; the
        // loser folds into the winner's row on a second try.
        let mut attempt = 0;
        loop {
            match self.store_event(tenant, &row, &event).await {
                Err(err) if err.code == ErrorCode::Aborted && attempt < 3 => attempt += 1,
                result => return result.map(|()| RecordEventResponse {}),
            }
        }
    }

    /// Stores a new event and folds it into its complaint's fact, in one
    /// transaction; a repeat of a stored event id changes nothing.
    async fn store_event(&self, tenant: &str, row: &event_row::Model, event: &Event) -> Result<(), ApiError> {
        let txn = self.begin().await?;
        // A redelivery: acknowledged, stored once.
        if store::event_exists(&txn, tenant, &row.event_id).await? {
            return Ok(());
        }
        match store::insert_event(&txn, row.clone()).await {
            Ok(()) => {}
            // A concurrent twin stored it first.
            Err(err) if redress_db::is_unique_violation(&err) => return Ok(()),
            Err(err) => return Err(err.into()),
        }
        self.update_fact(&txn, tenant, &row.complaint_id, row.received_at, |fact| fact.apply(event)).await?;
        txn.commit().await?;
        Ok(())
    }

    async fn record_case_outcome(
        &self,
        request: Request<RecordCaseOutcomeRequest>,
    ) -> Result<RecordCaseOutcomeResponse, ApiError> {
        let caller = authorize(&request, &[Role::Service])?;
        let req = request.into_inner();
        let tenant = caller.tenant.as_str();
        let mut v = Violations::new();
        domain::parse_name(&mut v, &req.case, "cases", "case");
        let complaint_id = domain::parse_name(&mut v, &req.complaint, "complaints", "complaint").to_owned();
        v.text(&req.complaint_reference, "complaint_reference", false, 64);
        let player = req.player.clone().unwrap_or_default();
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
            return Ok(RecordCaseOutcomeResponse { survey: Some(convert::survey(&existing, now)), replayed: true });
        }
        let settings = self.config.tenant(tenant);
        let category = ComplaintCategory::try_from(req.category).unwrap_or(ComplaintCategory::Unspecified);
        // No surveys to vulnerable players (DOMAIN.md, vulnerability-aware
        // communication): no token, no invitation.
        let suppressed = player.self_excluded
            || player.at_risk
            || req.responsible_gambling
            || category == ComplaintCategory::ResponsibleGambling;
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
            language_code: if player.language_code.is_empty() {
                settings.language_code.clone()
            } else {
                player.language_code.clone()
            },
            category: convert::enum_name::<ComplaintCategory>(req.category, ComplaintCategory::as_str_name),
            outcome: outcome.as_str_name().to_owned(),
            token_hash: token.as_deref().map(domain::token_hash),
            state: if suppressed { State::Suppressed } else { State::Open }.as_str_name().to_owned(),
            csat: None,
            problem_solved: None,
            fairness: None,
            comment: None,
            answered_at: None,
            follow_up_flagged: false,
            created_at: now,
            expire_at: now + Duration::days(settings.survey_expire_days),
            follow_up_at: resolve_at + Duration::days(settings.follow_up_days),
            follow_up_done: false,
        };
        match store::insert_survey(&txn, row.clone()).await {
            Ok(()) => {}
            Err(err) if redress_db::is_unique_violation(&err) => {
                drop(txn);
                let existing = store::find_survey_by_case(&self.db, tenant, &req.case)
                    .await?
                    .ok_or_else(|| ApiError::internal(err))?;
                return Ok(RecordCaseOutcomeResponse { survey: Some(convert::survey(&existing, now)), replayed: true });
            }
            Err(err) => return Err(err.into()),
        }
        let case_dims = dims(req.category, req.channel, "", &req.agent, req.transaction_references.as_ref(), 0);
        self.update_fact(&txn, tenant, &complaint_id, now, |fact| {
            fact.merge_dims(&case_dims, resolve_at);
            if fact.case_name.is_empty() {
                fact.case_name.clone_from(&req.case);
            }
            if !suppressed {
                fact.survey_sent_at = Some(now);
                fact.touch(now);
            }
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
        Ok(RecordCaseOutcomeResponse { survey: Some(convert::survey(&row, now)), replayed: false })
    }

    async fn get_survey(&self, request: Request<GetSurveyRequest>) -> Result<GetSurveyResponse, ApiError> {
        let caller = authorize(&request, SURVEY_ROLES)?;
        let req = request.into_inner();
        let mut v = Violations::new();
        domain::token(&mut v, &req.token);
        v.into_result()?;
        let row = store::find_survey_by_token(&self.db, &caller.tenant, &domain::token_hash(&req.token))
            .await?
            .ok_or_else(survey_not_found)?;
        Ok(GetSurveyResponse { survey: Some(convert::survey(&row, now())) })
    }

    async fn submit_survey_response(
        &self,
        request: Request<SubmitSurveyResponseRequest>,
    ) -> Result<SubmitSurveyResponseResponse, ApiError> {
        let caller = authorize(&request, SURVEY_ROLES)?;
        let req = request.into_inner();
        let mut v = Violations::new();
        domain::token(&mut v, &req.token);
        v.text(&req.request_id, "request_id", true, domain::MAX_REQUEST_ID);
        domain::answer(&mut v, req.answer.as_ref());
        v.into_result()?;
        let mut answer = req.answer.clone().unwrap_or_default();
        answer.answer_time = None;
        let key = fingerprint(&req, |r| {
            r.request_id.clear();
            if let Some(a) = r.answer.as_mut() {
                a.answer_time = None;
            }
        });
        let tenant = caller.tenant.clone();
        let hash = domain::token_hash(&req.token);
        let (mut response, replayed) = self
            .keyed_write(&tenant, "SubmitSurveyResponse", &req.request_id, &key, async |txn, _inserts| {
                let now = now();
                let mut row = store::find_survey_by_token(txn, &tenant, &hash).await?.ok_or_else(survey_not_found)?;
                let stored = State::from_str_name(&row.state).unwrap_or(State::Unspecified);
                match domain::effective_state(stored, row.expire_at, now) {
                    State::Open => {}
                    State::Expired => {
                        return Err(ApiError::failed_precondition("SURVEY_EXPIRED", "the survey has expired"));
                    }
                    State::Answered => {
                        return Err(ApiError::failed_precondition(
                            "SURVEY_ALREADY_ANSWERED",
                            "the survey was already answered",
                        ));
                    }
                    State::Suppressed | State::Unspecified => return Err(survey_not_found()),
                }
                let reason = domain::follow_up_reason(&answer);
                row.state = State::Answered.as_str_name().to_owned();
                row.csat = Some(answer.csat);
                row.problem_solved = Some(answer.problem_solved().as_str_name().to_owned());
                row.fairness = Some(answer.fairness);
                row.comment = Some(answer.comment.clone());
                row.answered_at = Some(now);
                row.follow_up_flagged |= reason.is_some();
                if !store::answer_survey(txn, row.clone(), State::Open.as_str_name()).await? {
                    return Err(ApiError::failed_precondition(
                        "SURVEY_ALREADY_ANSWERED",
                        "the survey was already answered",
                    ));
                }
                let solved = answer.problem_solved == domain_solved_yes();
                self.update_fact(txn, &tenant, &row.complaint_id, now, |fact| {
                    fact.answered_at = Some(now);
                    fact.touch(now);
                    fact.csat = Some(answer.csat);
                    fact.fairness = Some(answer.fairness);
                    fact.solved = Some(solved);
                })
                .await?;
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
                let survey = convert::survey(&row, now);
                Ok((SubmitSurveyResponseResponse { survey: Some(survey), replayed: false }, messages))
            })
            .await?;
        response.replayed = replayed;
        if !replayed {
            crate::metrics::survey_answered(&answer);
        }
        Ok(response)
    }

    async fn get_insights(&self, request: Request<GetInsightsRequest>) -> Result<GetInsightsResponse, ApiError> {
        let caller = authorize(&request, ANALYSTS)?;
        let req = request.into_inner();
        let now = now();
        let mut w = domain::window(req.window.as_ref(), now)?;
        let size = redress_paging::page_size(req.page_size, 100, 1000)?;
        let mut v = Violations::new();
        let dim = Dimension::try_from(req.group_by).unwrap_or_else(|_| {
            v.add("group_by", "is not a known dimension");
            Dimension::Unspecified
        });
        v.text(&req.jurisdiction, "jurisdiction", false, 8);
        v.check(ComplaintCategory::try_from(req.category).is_err(), "category", "is not a known category");
        v.check(Channel::try_from(req.channel).is_err(), "channel", "is not a known channel");
        v.into_result()?;
        let filter = FactFilter {
            category: Some(convert::enum_name::<ComplaintCategory>(req.category, ComplaintCategory::as_str_name))
                .filter(|s| !s.is_empty()),
            channel: Some(convert::enum_name::<Channel>(req.channel, Channel::as_str_name)).filter(|s| !s.is_empty()),
            jurisdiction: Some(req.jurisdiction.trim().to_ascii_uppercase()).filter(|s| !s.is_empty()),
        };
        let mut bound = req.clone();
        bound.page_size = 0;
        bound.page_token.clear();
        let bound = hex::encode(Sha256::digest(bound.encode_to_vec()));
        let offset = match self.page_tokens.decode::<Cursor>(&req.page_token, &caller.tenant, &bound)? {
            Some(cursor) => {
                w = cursor_window(&cursor).unwrap_or(w);
                cursor.offset
            }
            None => 0,
        };
        let rows = store::facts_active_in(&self.db, &caller.tenant, &w, &filter, dim).await?;
        let facts: Vec<Fact> = rows.into_iter().map(|row| store::insight_fact(row, dim)).collect();
        let (total, groups) = insights::compute(&facts, &w, dim);
        let (page, next) = paginate(groups, offset, size);
        let next_page_token = next
            .map(|offset| {
                let cursor = Cursor { offset, start: w.start.timestamp_micros(), end: w.end.timestamp_micros() };
                self.page_tokens.encode(&caller.tenant, &bound, &cursor)
            })
            .unwrap_or_default();
        Ok(GetInsightsResponse {
            window: Some(w.to_proto()),
            group_by: dim.into(),
            total: Some(total),
            groups: page,
            next_page_token,
            as_of_time: Some(domain::timestamp(now)),
        })
    }

    async fn list_recurring_problems(
        &self,
        request: Request<ListRecurringProblemsRequest>,
    ) -> Result<ListRecurringProblemsResponse, ApiError> {
        let caller = authorize(&request, ANALYSTS)?;
        let req = request.into_inner();
        let tenant = caller.tenant.as_str();
        let now = now();
        let mut w = domain::window(req.window.as_ref(), now)?;
        let size = redress_paging::page_size(req.page_size, 50, 1000)?;
        let settings = self.config.tenant(tenant);
        let mut v = Violations::new();
        v.check(req.min_count < 0, "min_count", "must not be negative");
        v.check(
            req.spike_factor.is_nan() || (req.spike_factor != 0.0 && req.spike_factor < 1.0),
            "spike_factor",
            "must be 0 (the tenant setting) or at least 1",
        );
        v.check(ComplaintCategory::try_from(req.category).is_err(), "category", "is not a known category");
        let kind = ReferenceKind::try_from(req.reference_kind).unwrap_or_else(|_| {
            v.add("reference_kind", "is not a known reference kind");
            ReferenceKind::Unspecified
        });
        v.into_result()?;
        let min_count = if req.min_count == 0 { settings.recurring_min_count } else { req.min_count };
        let spike_factor = if req.spike_factor == 0.0 { settings.spike_factor } else { req.spike_factor };

        let mut bound = req.clone();
        bound.page_size = 0;
        bound.page_token.clear();
        let bound = hex::encode(Sha256::digest(bound.encode_to_vec()));
        let offset = match self.page_tokens.decode::<Cursor>(&req.page_token, tenant, &bound)? {
            Some(cursor) => {
                w = cursor_window(&cursor).unwrap_or(w);
                cursor.offset
            }
            None => 0,
        };
        let previous = w.previous();
        let subs = submissions(&self.db, tenant, previous.start, w.end).await?;
        let params = recurring::Params {
            window: w,
            previous,
            min_count: i64::from(min_count),
            spike_factor,
            category: (req.category != 0).then_some(req.category),
            reference_kind: (kind != ReferenceKind::Unspecified).then_some(kind),
            spikes_only: req.spikes_only,
        };
        let problems = recurring::clusters(&subs, &params);
        let (page, next) = paginate(problems, offset, size);
        let next_page_token = next
            .map(|offset| {
                let cursor = Cursor { offset, start: w.start.timestamp_micros(), end: w.end.timestamp_micros() };
                self.page_tokens.encode(tenant, &bound, &cursor)
            })
            .unwrap_or_default();
        Ok(ListRecurringProblemsResponse {
            recurring_problems: page,
            next_page_token,
            window: Some(w.to_proto()),
            previous_window: Some(previous.to_proto()),
            min_count,
            spike_factor,
        })
    }
}

/// The complaints `tenant` submitted in [from, to), as the recurring-problem
/// rules see them (the spike watch reads the same).
pub(crate) async fn submissions(
    db: &DatabaseConnection,
    tenant: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<recurring::Submission>, sea_orm::DbErr> {
    let rows = store::submissions_in(db, tenant, from, to).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(recurring::Submission {
                submitted_at: r.submitted_at?,
                category: convert::enum_value(&r.category, ComplaintCategory::from_str_name),
                complaint_id: r.complaint_id,
                game_id: r.game_id,
                game_provider: r.game_provider,
                payment_method: r.payment_method,
                bonus_id: r.bonus_id,
            })
        })
        .collect())
}

fn domain_solved_yes() -> i32 {
    redress_proto::feedback::v1::survey_answer::ProblemSolved::Yes as i32
}

fn cursor_window(cursor: &Cursor) -> Option<Window> {
    Some(Window {
        start: DateTime::from_timestamp_micros(cursor.start)?,
        end: DateTime::from_timestamp_micros(cursor.end)?,
    })
}

/// The page of `items` at `offset`, and the offset of the next page if any.
fn paginate<T>(items: Vec<T>, offset: u64, size: u64) -> (Vec<T>, Option<u64>) {
    let total = items.len() as u64;
    let page: Vec<T> = items.into_iter().skip(offset as usize).take(size as usize).collect();
    let next = (offset + size < total).then_some(offset + size);
    (page, next)
}

/// The public service.
pub struct PublicService(pub Arc<FeedbackApi>);

/// The internal service (role `service`).
pub struct InternalService(pub Arc<FeedbackApi>);

#[tonic::async_trait]
impl FeedbackService for PublicService {
    async fn get_survey(&self, request: Request<GetSurveyRequest>) -> Result<Response<GetSurveyResponse>, Status> {
        self.0.get_survey(request).await.map(Response::new).map_err(Into::into)
    }

    async fn submit_survey_response(
        &self,
        request: Request<SubmitSurveyResponseRequest>,
    ) -> Result<Response<SubmitSurveyResponseResponse>, Status> {
        self.0.submit_survey_response(request).await.map(Response::new).map_err(Into::into)
    }

    async fn get_insights(
        &self,
        request: Request<GetInsightsRequest>,
    ) -> Result<Response<GetInsightsResponse>, Status> {
        self.0.get_insights(request).await.map(Response::new).map_err(Into::into)
    }

    async fn list_recurring_problems(
        &self,
        request: Request<ListRecurringProblemsRequest>,
    ) -> Result<Response<ListRecurringProblemsResponse>, Status> {
        self.0.list_recurring_problems(request).await.map(Response::new).map_err(Into::into)
    }
}

#[tonic::async_trait]
impl FeedbackInternalService for InternalService {
    async fn record_case_outcome(
        &self,
        request: Request<RecordCaseOutcomeRequest>,
    ) -> Result<Response<RecordCaseOutcomeResponse>, Status> {
        self.0.record_case_outcome(request).await.map(Response::new).map_err(Into::into)
    }

    async fn record_event(
        &self,
        request: Request<RecordEventRequest>,
    ) -> Result<Response<RecordEventResponse>, Status> {
        self.0.record_event(request).await.map(Response::new).map_err(Into::into)
    }
}
