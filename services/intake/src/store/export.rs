//! Storage of subject-access exports: the job row (durable: a restarted
//! intake resumes it) and the archive in chunk rows of at most 256 KiB.

use chrono::{DateTime, Utc};
use redress_db::Stored;
use redress_proto::intake::v1::player_data_export::State;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};

/// One row per export.
pub mod job {
    use redress_db::Stored;
    use redress_proto::intake::v1::player_data_export::State;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "player_data_exports")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        /// Unique per tenant: the idempotency key of ExportPlayerData.
        pub request_id: String,
        pub player_id: String,
        pub requested_by: String,
        pub state: Stored<State>,
        /// The parts done, comma-separated, in order.
        pub parts_done: String,
        pub records_gathered: i64,
        pub bytes_written: i64,
        /// Chunk rows written by the parts done (0..chunk_count); rows past
        /// it are left over from an interrupted part.
        pub chunk_count: i32,
        /// The manifest entries of the parts done, JSON.
        pub manifest: String,
        pub attempts: i32,
        pub error: String,
        pub next_attempt_at: DateTimeUtc,
        /// Held by the replica working the job until then.
        pub lease_until: Option<DateTimeUtc>,
        pub archive_size_bytes: i64,
        pub archive_sha256: String,
        pub created_at: DateTimeUtc,
        pub completed_at: Option<DateTimeUtc>,
        pub expire_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The archive of an export, chunk by chunk.
pub mod chunk {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "player_data_export_chunks")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub export_id: String,
        /// 0, 1, … in archive order.
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i32,
        pub tenant_id: String,
        pub data: Vec<u8>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An export of the tenant.
pub async fn find<C: ConnectionTrait>(c: &C, tenant: &str, id: &str) -> Result<Option<job::Model>, DbErr> {
    job::Entity::find_by_id(id.to_owned()).filter(job::Column::TenantId.eq(tenant)).one(c).await
}

/// The tenant's export made for `request_id`.
pub async fn find_by_request<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    request_id: &str,
) -> Result<Option<job::Model>, DbErr> {
    job::Entity::find()
        .filter(job::Column::TenantId.eq(tenant))
        .filter(job::Column::RequestId.eq(request_id))
        .one(c)
        .await
}

/// Inserts a new export (a unique violation: the request id is taken).
pub async fn insert<C: ConnectionTrait>(c: &C, model: job::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().insert(c).await.map(|_| ())
}

/// Writes a job row the caller holds the lease of.
pub async fn save<C: ConnectionTrait>(c: &C, model: job::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().update(c).await.map(|_| ())
}

/// Writes a job row if the lease taken at `lease` is still the caller's
/// (another replica may have taken over an expired one); false if not.
pub async fn save_leased<C: ConnectionTrait>(c: &C, model: job::Model, lease: DateTime<Utc>) -> Result<bool, DbErr> {
    let id = model.id.clone();
    let result = job::Entity::update_many()
        .set(model.into_active_model().reset_all())
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::LeaseUntil.eq(lease))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Extends a lease the caller still holds (`held`) to `until`; false when
/// it was lost.
pub async fn renew_lease<C: ConnectionTrait>(
    c: &C,
    id: &str,
    held: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = job::Entity::update_many()
        .col_expr(job::Column::LeaseUntil, Expr::value(Some(until)))
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::LeaseUntil.eq(held))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Takes the lease of one due export (PENDING, or RUNNING with no live
/// lease) until `until`; `None` when none is due. A conditional update, so
/// two replicas never hold one export.
pub async fn claim<C: ConnectionTrait>(
    c: &C,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Option<job::Model>, DbErr> {
    let free = Condition::any().add(job::Column::LeaseUntil.is_null()).add(job::Column::LeaseUntil.lt(now));
    let due = job::Entity::find()
        .filter(job::Column::State.is_in([Stored(State::Pending), Stored(State::Running)]))
        .filter(job::Column::NextAttemptAt.lte(now))
        .filter(free.clone())
        .order_by_asc(job::Column::NextAttemptAt)
        .limit(5)
        .all(c)
        .await?;
    for row in due {
        let taken = job::Entity::update_many()
            .col_expr(job::Column::LeaseUntil, Expr::value(Some(until)))
            .filter(job::Column::Id.eq(row.id.as_str()))
            .filter(free.clone())
            .exec(c)
            .await?;
        if taken.rows_affected == 1 {
            return Ok(Some(job::Model { lease_until: Some(until), ..row }));
        }
    }
    Ok(None)
}

/// Appends one chunk of an export's archive.
pub async fn insert_chunk<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    export_id: &str,
    seq: i32,
    data: Vec<u8>,
) -> Result<(), DbErr> {
    let row = chunk::Model { export_id: export_id.to_owned(), seq, tenant_id: tenant.to_owned(), data };
    row.into_active_model().reset_all().insert(c).await.map(|_| ())
}

/// Deletes an export's chunks from `from` on (an interrupted part's, or all).
pub async fn delete_chunks_from<C: ConnectionTrait>(c: &C, export_id: &str, from: i32) -> Result<u64, DbErr> {
    let result = chunk::Entity::delete_many()
        .filter(chunk::Column::ExportId.eq(export_id))
        .filter(chunk::Column::Seq.gte(from))
        .exec(c)
        .await?;
    Ok(result.rows_affected)
}

/// One chunk of an export's archive.
pub async fn find_chunk<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    export_id: &str,
    seq: i32,
) -> Result<Option<Vec<u8>>, DbErr> {
    let row = chunk::Entity::find_by_id((export_id.to_owned(), seq))
        .filter(chunk::Column::TenantId.eq(tenant))
        .one(c)
        .await?;
    Ok(row.map(|r| r.data))
}

/// Completed exports whose archive passed its expiry, at most `limit`.
pub async fn expired<C: ConnectionTrait>(c: &C, now: DateTime<Utc>, limit: u64) -> Result<Vec<job::Model>, DbErr> {
    job::Entity::find()
        .filter(job::Column::State.is_in([Stored(State::Succeeded), Stored(State::Failed)]))
        .filter(job::Column::ExpireAt.lt(now))
        .limit(limit)
        .all(c)
        .await
}
