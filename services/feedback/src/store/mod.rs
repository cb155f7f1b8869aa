//! Feedback's storage: entities, schema, and the queries the API runs. Every
//! query takes the tenant: no row of another tenant is ever read.

pub mod entities;
mod insights;
pub mod migration;
pub mod rollup;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{LockBehavior, LockType},
};

pub use entities::{complaint_fact, event, spike_alert, survey};
pub use insights::{DurationMetric, decode_group_value, dimension_column, duration_percentiles, insight_tallies};
use redress_db::Stored;
use redress_proto::common::v1::{Channel, ComplaintCategory};

use crate::domain::{
    facts::{Clock, Dims, Fact},
    insights::span,
    recurring::Submission,
};

/// Filters of GetInsights, as stored values.
#[derive(Debug, Default, Clone)]
pub struct FactFilter {
    pub category: Option<Stored<ComplaintCategory>>,
    pub channel: Option<Stored<Channel>>,
    pub jurisdiction: Option<String>,
    /// Read only the facts with a moment on the window's UTC days, through
    /// `insight_fact_days`: for the partial days at a window's ends, where
    /// the activity span alone would match every long-lived complaint.
    pub by_fact_days: bool,
}

/// True when the tenant already stored this event id.
pub async fn event_exists<C: ConnectionTrait>(c: &C, tenant: &str, event_id: &str) -> Result<bool, DbErr> {
    Ok(event::Entity::find_by_id((tenant.to_owned(), event_id.to_owned())).one(c).await?.is_some())
}

/// Inserts an event; a concurrent twin makes this fail with a unique violation.
pub async fn insert_event<C: ConnectionTrait>(c: &C, model: event::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().insert(c).await.map(|_| ())
}

/// Inserts many events at once (the benchmark's seeding path).
pub async fn insert_events<C: ConnectionTrait>(c: &C, models: Vec<event::Model>) -> Result<(), DbErr> {
    if models.is_empty() {
        return Ok(());
    }
    event::Entity::insert_many(models.into_iter().map(|m| m.into_active_model().reset_all())).exec(c).await.map(|_| ())
}

/// Inserts many facts at once (the benchmark's seeding path).
pub async fn insert_facts<C: ConnectionTrait>(c: &C, models: Vec<complaint_fact::Model>) -> Result<(), DbErr> {
    if models.is_empty() {
        return Ok(());
    }
    complaint_fact::Entity::insert_many(models.into_iter().map(|m| m.into_active_model().reset_all()))
        .exec(c)
        .await
        .map(|_| ())
}

/// A complaint's fact, locked for the caller's transaction on PostgreSQL so
/// two events of one complaint fold one after the other. (SQLite runs one
/// transaction at a time.)
pub async fn find_fact_for_update<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    complaint_id: &str,
) -> Result<Option<complaint_fact::Model>, DbErr> {
    let mut query = complaint_fact::Entity::find_by_id((tenant.to_owned(), complaint_id.to_owned()));
    if c.get_database_backend() == DbBackend::Postgres {
        query = query.lock(LockType::Update);
    }
    query.one(c).await
}

/// Writes a fact: an insert when `exists` is false, else an update.
pub async fn save_fact<C: ConnectionTrait>(c: &C, model: complaint_fact::Model, exists: bool) -> Result<(), DbErr> {
    let active = model.into_active_model().reset_all();
    if exists { active.update(c).await.map(|_| ()) } else { active.insert(c).await.map(|_| ()) }
}

/// What clustering reads of a submitted complaint.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SubmissionRow {
    pub complaint_id: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub category: String,
    pub game_id: String,
    pub game_provider: String,
    pub payment_method: String,
    pub bonus_id: String,
}

/// The tenants with complaints submitted in [from, to).
pub async fn tenants_with_submissions<C: ConnectionTrait>(
    c: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    use complaint_fact::Column as Col;
    complaint_fact::Entity::find()
        .select_only()
        .column(Col::TenantId)
        .distinct()
        .filter(Col::SubmittedAt.gte(from))
        .filter(Col::SubmittedAt.lt(to))
        .into_tuple::<String>()
        .all(c)
        .await
}

/// The complaints submitted in [from, to), through (tenant, submit time).
pub async fn submissions_in<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<SubmissionRow>, DbErr> {
    use complaint_fact::Column as Col;
    complaint_fact::Entity::find()
        .select_only()
        .columns([
            Col::ComplaintId,
            Col::SubmittedAt,
            Col::Category,
            Col::GameId,
            Col::GameProvider,
            Col::PaymentMethod,
            Col::BonusId,
        ])
        .filter(Col::TenantId.eq(tenant))
        .filter(Col::SubmittedAt.gte(from))
        .filter(Col::SubmittedAt.lt(to))
        .into_model::<SubmissionRow>()
        .all(c)
        .await
}

/// The complaints `tenant` submitted in [from, to), as the recurring-problem
/// rules see them: ListRecurringProblems and the spike watch read the same.
pub async fn submissions<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Submission>, DbErr> {
    let rows = submissions_in(c, tenant, from, to).await?;
    let mut submissions = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(submitted_at) = r.submitted_at else { continue };
        submissions.push(Submission {
            submitted_at,
            // A name the code does not know is an error, not no category.
            category: redress_db::number_or_empty::<ComplaintCategory>(&r.category)?,
            complaint_id: r.complaint_id,
            game_id: r.game_id,
            game_provider: r.game_provider,
            payment_method: r.payment_method,
            bonus_id: r.bonus_id,
        });
    }
    Ok(submissions)
}

/// A stored fact as the domain's.
pub fn to_fact(m: &complaint_fact::Model) -> Fact {
    Fact {
        complaint_id: m.complaint_id.clone(),
        case_name: m.case_name.clone(),
        dims: Dims {
            category: m.category.clone(),
            channel: m.channel.clone(),
            jurisdiction: m.jurisdiction.clone(),
            agent: m.agent.clone(),
            game_id: m.game_id.clone(),
            game_provider: m.game_provider.clone(),
            payment_method: m.payment_method.clone(),
            bonus_id: m.bonus_id.clone(),
            priority: m.priority.clone(),
        },
        original_category: m.original_category.clone(),
        recategorised_at: m.recategorised_at,
        dims_at: m.dims_at,
        responsible_gambling: m.responsible_gambling,
        submitted_at: m.submitted_at,
        first_response_at: m.first_response_at,
        resolved_at: m.resolved_at,
        outcome: m.outcome.clone(),
        outcome_at: m.outcome_at,
        escalated_at: m.escalated_at,
        adr_referred_at: m.adr_referred_at,
        reopened_at: m.reopened_at,
        reopen_count: m.reopen_count,
        withdrawn_at: m.withdrawn_at,
        closed_at: m.closed_at,
        acknowledge: Clock { ended_at: m.ack_ended_at, met: m.ack_met, warned_at: m.ack_warned_at },
        final_response: Clock { ended_at: m.final_ended_at, met: m.final_met, warned_at: m.final_warned_at },
        adr_enquiry: Clock { ended_at: m.adr_ended_at, met: m.adr_met, warned_at: m.adr_warned_at },
        survey_sent_at: m.survey_sent_at,
        answered_at: m.answered_at,
        csat: m.csat,
        fairness: m.fairness,
        solved: m.solved,
        first_activity_at: m.first_activity_at,
        last_activity_at: m.last_activity_at,
    }
}

/// The domain's fact as a row of `tenant`.
pub fn from_fact(tenant: &str, f: Fact, now: DateTime<Utc>) -> complaint_fact::Model {
    complaint_fact::Model {
        tenant_id: tenant.to_owned(),
        complaint_id: f.complaint_id,
        case_name: f.case_name,
        category: f.dims.category,
        original_category: f.original_category,
        recategorised_at: f.recategorised_at,
        channel: f.dims.channel,
        jurisdiction: f.dims.jurisdiction,
        agent: f.dims.agent,
        game_id: f.dims.game_id,
        game_provider: f.dims.game_provider,
        payment_method: f.dims.payment_method,
        bonus_id: f.dims.bonus_id,
        priority: f.dims.priority,
        dims_at: f.dims_at,
        responsible_gambling: f.responsible_gambling,
        submitted_at: f.submitted_at,
        first_response_at: f.first_response_at,
        resolved_at: f.resolved_at,
        outcome: f.outcome,
        outcome_at: f.outcome_at,
        escalated_at: f.escalated_at,
        adr_referred_at: f.adr_referred_at,
        reopened_at: f.reopened_at,
        reopen_count: f.reopen_count,
        withdrawn_at: f.withdrawn_at,
        closed_at: f.closed_at,
        ack_ended_at: f.acknowledge.ended_at,
        ack_met: f.acknowledge.met,
        ack_warned_at: f.acknowledge.warned_at,
        final_ended_at: f.final_response.ended_at,
        final_met: f.final_response.met,
        final_warned_at: f.final_response.warned_at,
        adr_ended_at: f.adr_enquiry.ended_at,
        adr_met: f.adr_enquiry.met,
        adr_warned_at: f.adr_enquiry.warned_at,
        survey_sent_at: f.survey_sent_at,
        answered_at: f.answered_at,
        csat: f.csat,
        fairness: f.fairness,
        solved: f.solved,
        first_activity_at: f.first_activity_at,
        last_activity_at: f.last_activity_at,
        updated_at: now,
        first_response_micros: span(f.submitted_at, f.first_response_at),
        resolution_micros: span(f.submitted_at, f.resolved_at),
    }
}

/// Inserts a survey; a second survey for the case fails with a unique violation.
pub async fn insert_survey<C: ConnectionTrait>(c: &C, model: survey::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().insert(c).await.map(|_| ())
}

/// The survey of a case.
pub async fn find_survey_by_case<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    case_name: &str,
) -> Result<Option<survey::Model>, DbErr> {
    survey::Entity::find()
        .filter(survey::Column::TenantId.eq(tenant))
        .filter(survey::Column::CaseName.eq(case_name))
        .one(c)
        .await
}

/// A newest-first page of one player's surveys, after `after_id`.
pub async fn list_player_surveys<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    player_id: &str,
    after_id: Option<&str>,
    limit: u64,
) -> Result<Vec<survey::Model>, DbErr> {
    use survey::Column as Col;
    let mut query = survey::Entity::find().filter(Col::TenantId.eq(tenant)).filter(Col::PlayerId.eq(player_id));
    if let Some(after) = after_id {
        query = query.filter(Col::Id.lt(after));
    }
    query.order_by_desc(Col::Id).limit(limit).all(c).await
}

/// The survey behind a token hash, of this tenant only.
pub async fn find_survey_by_token<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    token_hash: &str,
) -> Result<Option<survey::Model>, DbErr> {
    survey::Entity::find()
        .filter(survey::Column::TenantId.eq(tenant))
        .filter(survey::Column::TokenHash.eq(token_hash))
        .one(c)
        .await
}

/// Writes an answered survey if it was still open; false when another
/// answer won the race.
pub async fn answer_survey<C: ConnectionTrait>(
    c: &C,
    model: survey::Model,
    open_state: redress_proto::feedback::v1::survey::State,
) -> Result<bool, DbErr> {
    let id = model.id.clone();
    let tenant = model.tenant_id.clone();
    let result = survey::Entity::update_many()
        .set(model.into_active_model().reset_all())
        .filter(survey::Column::Id.eq(id))
        .filter(survey::Column::TenantId.eq(tenant))
        .filter(survey::Column::State.eq(redress_db::Stored(open_state)))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Due follow-up checks, claimed for the caller's transaction: on
/// PostgreSQL with `FOR UPDATE SKIP LOCKED`, so replicas share the work
/// without taking the same survey twice. (SQLite runs one transaction at a
/// time.)
pub async fn claim_due_follow_ups<C: ConnectionTrait>(
    c: &C,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<survey::Model>, DbErr> {
    let mut query = survey::Entity::find()
        .filter(survey::Column::FollowUpDone.eq(false))
        .filter(survey::Column::FollowUpAt.lte(now))
        .order_by_asc(survey::Column::FollowUpAt)
        .limit(limit);
    if c.get_database_backend() == DbBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    query.all(c).await
}

/// Updates a survey row as given.
pub async fn update_survey<C: ConnectionTrait>(c: &C, model: survey::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().update(c).await.map(|_| ())
}

/// True when a spike alert for the cluster covers time after `since`.
pub async fn recent_alert_exists<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    cluster: &str,
    since: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(spike_alert::Entity::find()
        .filter(spike_alert::Column::TenantId.eq(tenant))
        .filter(spike_alert::Column::Cluster.eq(cluster))
        .filter(spike_alert::Column::WindowEnd.gt(since))
        .one(c)
        .await?
        .is_some())
}

/// Records a spike alert.
pub async fn insert_alert<C: ConnectionTrait>(c: &C, model: spike_alert::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().insert(c).await.map(|_| ())
}
