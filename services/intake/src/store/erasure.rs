//! Legal holds, erasures and retention sweeps: entities and queries.

use chrono::{DateTime, Utc};
use redress_db::Stored;
use redress_proto::common::v1::ComplaintStatus;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Expr,
};

use super::complaint;

/// A legal hold on a player's data.
pub mod legal_hold {
    use sea_orm::entity::prelude::*;

    /// One row per hold.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "legal_holds")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        pub player_id: String,
        pub reason: String,
        pub end_at: DateTimeUtc,
        pub creator: String,
        pub created_at: DateTimeUtc,
        pub released_at: Option<DateTimeUtc>,
        pub releaser: String,
        pub release_reason: String,
        /// Bumped on every change; the etag.
        pub version: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An erasure and its per-service progress.
pub mod erasure_record {
    use sea_orm::entity::prelude::*;

    /// One row per erasure.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "erasures")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        pub player_id: String,
        /// `TRIGGER_REQUEST` or `TRIGGER_RETENTION`.
        pub trigger: String,
        pub reason: String,
        /// The complaint ids erased, comma-separated.
        pub complaints: String,
        pub requester: String,
        pub created_at: DateTimeUtc,
        pub resolution_done_at: Option<DateTimeUtc>,
        pub notification_done_at: Option<DateTimeUtc>,
        pub feedback_done_at: Option<DateTimeUtc>,
        pub completed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One run of the retention sweep for one tenant.
pub mod retention_sweep {
    use sea_orm::entity::prelude::*;

    /// One row per tenant and run that found something.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "retention_sweeps")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        pub run_at: DateTimeUtc,
        pub examined: i64,
        pub erased: i64,
        pub held: i64,
        /// Erasure ids, comma-separated.
        pub erasures: String,
        /// Hold names, comma-separated.
        pub holds: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Inserts a hold.
pub async fn insert_hold<C: ConnectionTrait>(c: &C, model: legal_hold::Model) -> Result<(), DbErr> {
    legal_hold::Entity::insert(model.into_active_model().reset_all()).exec_without_returning(c).await.map(|_| ())
}

/// Inserts an erasure.
pub async fn insert_erasure<C: ConnectionTrait>(c: &C, model: erasure_record::Model) -> Result<(), DbErr> {
    erasure_record::Entity::insert(model.into_active_model().reset_all()).exec_without_returning(c).await.map(|_| ())
}

/// Inserts a sweep record.
pub async fn insert_sweep<C: ConnectionTrait>(c: &C, model: retention_sweep::Model) -> Result<(), DbErr> {
    retention_sweep::Entity::insert(model.into_active_model().reset_all()).exec_without_returning(c).await.map(|_| ())
}

/// A hold of the tenant's player.
pub async fn find_hold<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    player_id: &str,
    id: &str,
) -> Result<Option<legal_hold::Model>, DbErr> {
    legal_hold::Entity::find_by_id(id.to_owned())
        .filter(legal_hold::Column::TenantId.eq(tenant))
        .filter(legal_hold::Column::PlayerId.eq(player_id))
        .one(c)
        .await
}

/// The player's holds active at `now`, the longest-lasting first.
pub async fn active_holds<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    player_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<legal_hold::Model>, DbErr> {
    legal_hold::Entity::find()
        .filter(legal_hold::Column::TenantId.eq(tenant))
        .filter(legal_hold::Column::PlayerId.eq(player_id))
        .filter(legal_hold::Column::ReleasedAt.is_null())
        .filter(legal_hold::Column::EndAt.gt(now))
        .order_by_desc(legal_hold::Column::EndAt)
        .all(c)
        .await
}

/// Newest-first page of a player's holds after `after_id`.
pub async fn list_holds<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    player_id: &str,
    after_id: Option<&str>,
    limit: u64,
) -> Result<Vec<legal_hold::Model>, DbErr> {
    let mut query = legal_hold::Entity::find()
        .filter(legal_hold::Column::TenantId.eq(tenant))
        .filter(legal_hold::Column::PlayerId.eq(player_id));
    if let Some(after) = after_id {
        query = query.filter(legal_hold::Column::Id.lt(after));
    }
    query.order_by_desc(legal_hold::Column::Id).limit(limit).all(c).await
}

/// Releases a hold if nobody changed it since `expected_version`.
pub async fn release_hold<C: ConnectionTrait>(
    c: &C,
    model: legal_hold::Model,
    expected_version: i64,
) -> Result<bool, DbErr> {
    let id = model.id.clone();
    let result = legal_hold::Entity::update_many()
        .set(model.into_active_model().reset_all())
        .filter(legal_hold::Column::Id.eq(id))
        .filter(legal_hold::Column::Version.eq(expected_version))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// An erasure of the tenant.
pub async fn find_erasure<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    id: &str,
) -> Result<Option<erasure_record::Model>, DbErr> {
    erasure_record::Entity::find_by_id(id.to_owned()).filter(erasure_record::Column::TenantId.eq(tenant)).one(c).await
}

/// Newest-first page of erasures after `after_id`, of one player or all.
pub async fn list_erasures<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    player_id: Option<&str>,
    after_id: Option<&str>,
    limit: u64,
) -> Result<Vec<erasure_record::Model>, DbErr> {
    let mut query = erasure_record::Entity::find().filter(erasure_record::Column::TenantId.eq(tenant));
    if let Some(player) = player_id {
        query = query.filter(erasure_record::Column::PlayerId.eq(player));
    }
    if let Some(after) = after_id {
        query = query.filter(erasure_record::Column::Id.lt(after));
    }
    query.order_by_desc(erasure_record::Column::Id).limit(limit).all(c).await
}

/// Erasures not yet confirmed by every service, oldest first (any tenant).
pub async fn unfinished_erasures<C: ConnectionTrait>(c: &C, limit: u64) -> Result<Vec<erasure_record::Model>, DbErr> {
    erasure_record::Entity::find()
        .filter(erasure_record::Column::CompletedAt.is_null())
        .order_by_asc(erasure_record::Column::Id)
        .limit(limit)
        .all(c)
        .await
}

/// Writes an erasure's progress.
pub async fn update_erasure<C: ConnectionTrait>(c: &C, model: erasure_record::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().update(c).await.map(|_| ())
}

/// When intake's outbox delivered the row `destination`/`method` with
/// exactly `payload` for `tenant`; none while pending (or never written).
pub async fn delivered_at<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    destination: &str,
    method: &str,
    payload: Vec<u8>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    use redress_outbox::entity;
    let row = entity::Entity::find()
        .filter(entity::Column::TenantId.eq(tenant))
        .filter(entity::Column::Destination.eq(destination))
        .filter(entity::Column::Method.eq(method))
        .filter(entity::Column::Payload.eq(payload))
        .filter(entity::Column::DeliveredAt.is_not_null())
        .one(c)
        .await?;
    Ok(row.and_then(|r| r.delivered_at))
}

/// Newest-first page of the tenant's sweeps after `after_id`.
pub async fn list_sweeps<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    after_id: Option<&str>,
    limit: u64,
) -> Result<Vec<retention_sweep::Model>, DbErr> {
    let mut query = retention_sweep::Entity::find().filter(retention_sweep::Column::TenantId.eq(tenant));
    if let Some(after) = after_id {
        query = query.filter(retention_sweep::Column::Id.lt(after));
    }
    query.order_by_desc(retention_sweep::Column::Id).limit(limit).all(c).await
}

/// The complaints of a player (every one, erased or not).
pub async fn complaints_of_player<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    player_id: &str,
) -> Result<Vec<complaint::Model>, DbErr> {
    complaint::Entity::find()
        .filter(complaint::Column::TenantId.eq(tenant))
        .filter(complaint::Column::PlayerId.eq(player_id))
        .order_by_asc(complaint::Column::Id)
        .all(c)
        .await
}

/// Closed or withdrawn complaints not yet erased, last changed before
/// `changed_before` (any tenant), oldest first after `after_id`.
pub async fn retention_candidates<C: ConnectionTrait>(
    c: &C,
    changed_before: DateTime<Utc>,
    after_id: Option<&str>,
    limit: u64,
) -> Result<Vec<complaint::Model>, DbErr> {
    let closed = [Stored(ComplaintStatus::Closed), Stored(ComplaintStatus::Withdrawn)];
    let mut query = complaint::Entity::find()
        .filter(complaint::Column::ErasedAt.is_null())
        .filter(complaint::Column::Status.is_in(closed))
        .filter(complaint::Column::UpdatedAt.lt(changed_before));
    if let Some(after) = after_id {
        query = query.filter(complaint::Column::Id.gt(after));
    }
    query.order_by_asc(complaint::Column::Id).limit(limit).all(c).await
}

/// Erases the interactions of a complaint: every body but the system's own
/// status and category texts; returns the bodies erased.
pub async fn erase_interactions<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    complaint_id: &str,
) -> Result<Vec<String>, DbErr> {
    use super::interaction;
    let rows = interaction::Entity::find()
        .filter(interaction::Column::TenantId.eq(tenant))
        .filter(interaction::Column::ComplaintId.eq(complaint_id))
        .all(c)
        .await?;
    let mut found = Vec::new();
    for row in rows {
        if !crate::domain::erasure::is_personal(row.kind.get()) || row.body == redress_db::erasure::ERASED {
            continue;
        }
        found.push(row.body.clone());
        interaction::Entity::update_many()
            .col_expr(interaction::Column::Body, Expr::value(redress_db::erasure::ERASED))
            .filter(interaction::Column::Id.eq(&row.id))
            .exec(c)
            .await?;
    }
    Ok(found)
}
