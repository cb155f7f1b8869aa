//! Notification's storage: entities, schema, and the queries the API and the
//! sender run. Every API query takes the tenant: no row of another tenant is
//! ever read on behalf of a caller.

pub mod entities;
pub mod migration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};

pub use entities::{attempt, notification, template, template_version, webhook_endpoint};
use redress_db::Stored;
use redress_proto::{
    common::v1::Channel,
    notification::v1::{NotificationEvent, notification::State as NotificationState},
};

/// Filters of ListNotifications, as stored values.
#[derive(Debug, Default, Clone)]
pub struct NotificationFilter {
    pub complaint: Option<String>,
    pub states: Vec<Stored<NotificationState>>,
    pub player_id: Option<String>,
    pub event: Option<Stored<NotificationEvent>>,
    pub channel: Option<Stored<Channel>>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
}

/// The tenant's notification with this dedupe key, if any.
pub async fn find_by_dedupe_key<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    key: &str,
) -> Result<Option<notification::Model>, DbErr> {
    notification::Entity::find()
        .filter(notification::Column::TenantId.eq(tenant))
        .filter(notification::Column::DedupeKey.eq(key))
        .one(c)
        .await
}

/// A notification of the tenant.
pub async fn find_notification<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    id: &str,
) -> Result<Option<notification::Model>, DbErr> {
    notification::Entity::find_by_id(id.to_owned()).filter(notification::Column::TenantId.eq(tenant)).one(c).await
}

/// A notification of the tenant, locked until the transaction ends on
/// PostgreSQL, so a resend and a redrive of it happen one after the other.
/// (SQLite runs one writing transaction at a time.)
pub async fn find_notification_for_update<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    id: &str,
) -> Result<Option<notification::Model>, DbErr> {
    let mut query = notification::Entity::find_by_id(id.to_owned()).filter(notification::Column::TenantId.eq(tenant));
    if c.get_database_backend() == DbBackend::Postgres {
        query = query.lock(sea_orm::sea_query::LockType::Update);
    }
    query.one(c).await
}

/// A notification by id alone (the sender works across tenants).
pub async fn find_notification_any<C: ConnectionTrait>(c: &C, id: &str) -> Result<Option<notification::Model>, DbErr> {
    notification::Entity::find_by_id(id.to_owned()).one(c).await
}

/// Inserts a new notification; a unique violation means a concurrent twin
/// with the same dedupe key won.
pub async fn insert_notification<C: ConnectionTrait>(c: &C, model: notification::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().insert(c).await.map(|_| ())
}

/// Writes a changed notification if nobody changed it since
/// `expected_version`; returns false when somebody did.
pub async fn update_notification<C: ConnectionTrait>(
    c: &C,
    model: notification::Model,
    expected_version: i64,
) -> Result<bool, DbErr> {
    let id = model.id.clone();
    let result = notification::Entity::update_many()
        .set(model.into_active_model().reset_all())
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::Version.eq(expected_version))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Newest-first page of notifications after `after_id`.
pub async fn list_notifications<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    filter: &NotificationFilter,
    after_id: Option<&str>,
    limit: u64,
) -> Result<Vec<notification::Model>, DbErr> {
    use notification::Column as Col;
    let mut query = notification::Entity::find().filter(Col::TenantId.eq(tenant));
    if let Some(v) = &filter.complaint {
        query = query.filter(Col::Complaint.eq(v.as_str()));
    }
    if !filter.states.is_empty() {
        query = query.filter(Col::State.is_in(filter.states.iter().copied()));
    }
    if let Some(v) = &filter.player_id {
        query = query.filter(Col::PlayerId.eq(v.as_str()));
    }
    if let Some(v) = filter.event {
        query = query.filter(Col::Event.eq(v));
    }
    if let Some(v) = filter.channel {
        query = query.filter(Col::Channel.eq(v));
    }
    if let Some(v) = filter.created_from {
        query = query.filter(Col::CreatedAt.gte(v));
    }
    if let Some(v) = filter.created_to {
        query = query.filter(Col::CreatedAt.lt(v));
    }
    if let Some(after) = after_id {
        query = query.filter(Col::Id.lt(after));
    }
    query.order_by_desc(Col::Id).limit(limit).all(c).await
}

/// Oldest-first page of a notification's attempts after `after_id`.
pub async fn list_attempts<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    notification_id: &str,
    after_id: Option<&str>,
    limit: u64,
) -> Result<Vec<attempt::Model>, DbErr> {
    use attempt::Column as Col;
    let mut query =
        attempt::Entity::find().filter(Col::TenantId.eq(tenant)).filter(Col::NotificationId.eq(notification_id));
    if let Some(after) = after_id {
        query = query.filter(Col::Id.gt(after));
    }
    query.order_by_asc(Col::Id).limit(limit).all(c).await
}

/// The latest attempt of a notification.
pub async fn last_attempt<C: ConnectionTrait>(c: &C, notification_id: &str) -> Result<Option<attempt::Model>, DbErr> {
    attempt::Entity::find()
        .filter(attempt::Column::NotificationId.eq(notification_id))
        .order_by_desc(attempt::Column::Id)
        .one(c)
        .await
}

/// The latest attempt of each of `notification_ids`, in one query (a list
/// page must not cost a query per row).
pub async fn last_attempts<C: ConnectionTrait>(
    c: &C,
    notification_ids: &[String],
) -> Result<std::collections::HashMap<String, attempt::Model>, DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
    if notification_ids.is_empty() {
        return Ok(Default::default());
    }
    let latest = Query::select()
        .expr(Expr::col(attempt::Column::Id).max())
        .from(attempt::Entity)
        .and_where(Expr::col(attempt::Column::NotificationId).is_in(notification_ids.iter().cloned()))
        .group_by_col(attempt::Column::NotificationId)
        .to_owned();
    let rows = attempt::Entity::find().filter(Expr::col(attempt::Column::Id).in_subquery(latest)).all(c).await?;
    Ok(rows.into_iter().map(|a| (a.notification_id.clone(), a)).collect())
}

/// An attempt by id.
pub async fn find_attempt<C: ConnectionTrait>(c: &C, id: &str) -> Result<Option<attempt::Model>, DbErr> {
    attempt::Entity::find_by_id(id.to_owned()).one(c).await
}

/// Inserts an attempt.
pub async fn insert_attempt<C: ConnectionTrait>(c: &C, model: attempt::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().insert(c).await.map(|_| ())
}

/// Writes a completed attempt.
pub async fn update_attempt<C: ConnectionTrait>(c: &C, model: attempt::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().update(c).await.map(|_| ())
}

/// Closes attempts a dead sender left open: their outcome is unknown.
pub async fn close_interrupted_attempts<C: ConnectionTrait>(
    c: &C,
    notification_id: &str,
    result: &str,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::sea_query::Expr;
    let done = attempt::Entity::update_many()
        .col_expr(attempt::Column::Result, Expr::value(Some(result.to_owned())))
        .col_expr(attempt::Column::EndedAt, Expr::value(Some(at)))
        .col_expr(
            attempt::Column::ErrorMessage,
            Expr::value("the sender stopped during the attempt; outcome unknown".to_owned()),
        )
        .filter(attempt::Column::NotificationId.eq(notification_id))
        .filter(attempt::Column::Result.is_null())
        .exec(c)
        .await?;
    Ok(done.rows_affected)
}

/// Reserves due notifications for one sender in one statement: PENDING or
/// RETRYING, due, and not leased by a live sender. On PostgreSQL the inner
/// `FOR UPDATE SKIP LOCKED` lets replicas claim disjoint rows concurrently;
/// SQLite has one connection, so the statement is atomic. The claim also
/// bumps `version`, so a concurrent API write (a redrive) notices.
pub async fn claim<C: ConnectionTrait>(
    c: &C,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
    states: [&str; 2],
) -> Result<Vec<notification::Model>, DbErr> {
    let backend = c.get_database_backend();
    let p = |i: usize| match backend {
        DbBackend::Postgres => format!("${i}"),
        _ => format!("?{i}"),
    };
    let skip_locked = if backend == DbBackend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "UPDATE notifications SET lease_until = {p1}, version = version + 1 WHERE id IN (\
         SELECT id FROM notifications WHERE state IN ({p4}, {p5}) AND next_attempt_at <= {p2} \
         AND (lease_until IS NULL OR lease_until < {p2}) \
         ORDER BY next_attempt_at LIMIT {p3}{skip_locked}) RETURNING *",
        p1 = p(1),
        p2 = p(2),
        p3 = p(3),
        p4 = p(4),
        p5 = p(5),
    );
    let values: Vec<sea_orm::Value> =
        vec![lease_until.into(), now.into(), limit.into(), states[0].into(), states[1].into()];
    let rows = c.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    let mut models =
        rows.iter().map(|row| notification::Model::from_query_result(row, "")).collect::<Result<Vec<_>, _>>()?;
    models.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(models)
}

/// The tenant's template for an event and locale.
pub async fn find_template<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    event: &str,
    locale: &str,
) -> Result<Option<template::Model>, DbErr> {
    template::Entity::find()
        .filter(template::Column::TenantId.eq(tenant))
        .filter(template::Column::Event.eq(event))
        .filter(template::Column::Locale.eq(locale))
        .one(c)
        .await
}

/// A template of the tenant by id.
pub async fn find_template_by_id<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    id: &str,
) -> Result<Option<template::Model>, DbErr> {
    template::Entity::find_by_id(id.to_owned()).filter(template::Column::TenantId.eq(tenant)).one(c).await
}

/// Every template of the tenant, optionally of one event and locale, by
/// event then locale.
pub async fn list_templates<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    event: Option<&str>,
    locale: Option<&str>,
) -> Result<Vec<template::Model>, DbErr> {
    use template::Column as Col;
    let mut query = template::Entity::find().filter(Col::TenantId.eq(tenant));
    if let Some(e) = event {
        query = query.filter(Col::Event.eq(e));
    }
    if let Some(l) = locale {
        query = query.filter(Col::Locale.eq(l));
    }
    query.order_by_asc(Col::Event).order_by_asc(Col::Locale).all(c).await
}

/// Inserts a template's first version.
pub async fn insert_template<C: ConnectionTrait>(c: &C, model: template::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().insert(c).await.map(|_| ())
}

/// Writes a template's new version if it is still at `expected_version`.
pub async fn update_template<C: ConnectionTrait>(
    c: &C,
    model: template::Model,
    expected_version: i32,
) -> Result<bool, DbErr> {
    let id = model.id.clone();
    let result = template::Entity::update_many()
        .set(model.into_active_model().reset_all())
        .filter(template::Column::Id.eq(id))
        .filter(template::Column::Version.eq(expected_version))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Keeps a version of a template.
pub async fn insert_template_version<C: ConnectionTrait>(c: &C, row: &template::Model) -> Result<(), DbErr> {
    template_version::Model {
        template_id: row.id.clone(),
        version: row.version,
        tenant_id: row.tenant_id.clone(),
        subject: row.subject.clone(),
        body_text: row.body_text.clone(),
        body_html: row.body_html.clone(),
        updater: row.updater.clone(),
        created_at: row.updated_at,
    }
    .into_active_model()
    .reset_all()
    .insert(c)
    .await
    .map(|_| ())
}

/// A webhook endpoint of the tenant.
pub async fn find_endpoint<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    id: &str,
) -> Result<Option<webhook_endpoint::Model>, DbErr> {
    webhook_endpoint::Entity::find_by_id(id.to_owned())
        .filter(webhook_endpoint::Column::TenantId.eq(tenant))
        .one(c)
        .await
}

/// Oldest-first page of the tenant's webhook endpoints after `after_id`.
pub async fn list_endpoints<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    after_id: Option<&str>,
    limit: u64,
) -> Result<Vec<webhook_endpoint::Model>, DbErr> {
    use webhook_endpoint::Column as Col;
    let mut query = webhook_endpoint::Entity::find().filter(Col::TenantId.eq(tenant));
    if let Some(after) = after_id {
        query = query.filter(Col::Id.gt(after));
    }
    query.order_by_asc(Col::Id).limit(limit).all(c).await
}

/// Every webhook endpoint of the tenant, oldest first (the sender routes
/// over them; a tenant has a handful).
pub async fn tenant_endpoints<C: ConnectionTrait>(c: &C, tenant: &str) -> Result<Vec<webhook_endpoint::Model>, DbErr> {
    list_endpoints(c, tenant, None, 10_000).await
}

/// What a new webhook endpoint is registered with.
pub struct NewEndpoint {
    pub id: String,
    pub tenant: String,
    pub url: String,
    pub description: String,
    /// The `events` column (see [`webhook_endpoint::Model::events`]).
    pub events: String,
    pub disabled: bool,
    pub secret_sealed: Vec<u8>,
    pub secret_hint: String,
}

/// The row of a newly registered endpoint: version 1, no statistics yet.
pub fn new_endpoint(e: NewEndpoint, now: DateTime<Utc>) -> webhook_endpoint::Model {
    webhook_endpoint::Model {
        id: e.id,
        tenant_id: e.tenant,
        url: e.url,
        description: e.description,
        events: e.events,
        disabled: e.disabled,
        secret_sealed: e.secret_sealed,
        secret_hint: e.secret_hint,
        secret_created_at: now,
        previous_secret_sealed: None,
        previous_secret_expires_at: None,
        delivered_count: 0,
        failed_attempt_count: 0,
        last_attempt_at: None,
        last_status_code: 0,
        last_result: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// Inserts a new webhook endpoint.
pub async fn insert_endpoint<C: ConnectionTrait>(c: &C, model: webhook_endpoint::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().insert(c).await.map(|_| ())
}

/// Writes a changed endpoint's configuration and secrets if nobody changed
/// them since `expected_version` (statistics are left as they are); returns
/// false when somebody did.
pub async fn update_endpoint<C: ConnectionTrait>(
    c: &C,
    model: webhook_endpoint::Model,
    expected_version: i64,
) -> Result<bool, DbErr> {
    use sea_orm::sea_query::Expr;
    use webhook_endpoint::Column as Col;
    let result = webhook_endpoint::Entity::update_many()
        .col_expr(Col::Url, Expr::value(model.url))
        .col_expr(Col::Description, Expr::value(model.description))
        .col_expr(Col::Events, Expr::value(model.events))
        .col_expr(Col::Disabled, Expr::value(model.disabled))
        .col_expr(Col::SecretSealed, Expr::value(model.secret_sealed))
        .col_expr(Col::SecretHint, Expr::value(model.secret_hint))
        .col_expr(Col::SecretCreatedAt, Expr::value(model.secret_created_at))
        .col_expr(Col::PreviousSecretSealed, Expr::value(model.previous_secret_sealed))
        .col_expr(Col::PreviousSecretExpiresAt, Expr::value(model.previous_secret_expires_at))
        .col_expr(Col::Version, Expr::value(model.version))
        .col_expr(Col::UpdatedAt, Expr::value(model.updated_at))
        .filter(Col::Id.eq(model.id))
        .filter(Col::TenantId.eq(model.tenant_id))
        .filter(Col::Version.eq(expected_version))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Deletes an endpoint, at `expected_version` when given; returns false
/// when no such row was there.
pub async fn delete_endpoint<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    id: &str,
    expected_version: Option<i64>,
) -> Result<bool, DbErr> {
    use webhook_endpoint::Column as Col;
    let mut query = webhook_endpoint::Entity::delete_many().filter(Col::Id.eq(id)).filter(Col::TenantId.eq(tenant));
    if let Some(v) = expected_version {
        query = query.filter(Col::Version.eq(v));
    }
    Ok(query.exec(c).await?.rows_affected == 1)
}

/// Counts one finished attempt into an endpoint's statistics, in one
/// statement (concurrent senders add up; the etag does not change).
pub async fn record_endpoint_attempt<C: ConnectionTrait>(
    c: &C,
    id: &str,
    accepted: bool,
    result: &str,
    status_code: i32,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait as _};
    use webhook_endpoint::Column as Col;
    let counter = if accepted { Col::DeliveredCount } else { Col::FailedAttemptCount };
    webhook_endpoint::Entity::update_many()
        .col_expr(counter, Expr::col(counter).add(1))
        .col_expr(Col::LastAttemptAt, Expr::value(Some(at)))
        .col_expr(Col::LastStatusCode, Expr::value(status_code))
        .col_expr(Col::LastResult, Expr::value(Some(result.to_owned())))
        .filter(Col::Id.eq(id))
        .exec(c)
        .await
        .map(|_| ())
}
