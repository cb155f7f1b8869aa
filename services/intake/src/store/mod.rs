//! Intake's storage: entities, schema, and the queries the API runs. Every
//! query takes the tenant: no row of another tenant is ever read.

pub mod entities;
pub mod erasure;
pub mod export;
pub mod migration;

use chrono::{DateTime, Utc};
use redress_db::{Inserts, Stored};
use redress_proto::common::v1::{Channel, ComplaintCategory, ComplaintStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

pub use entities::{complaint, interaction};

/// Filters of ListComplaints, as stored values.
#[derive(Debug, Default, Clone)]
pub struct ComplaintFilter {
    pub status: Option<Stored<ComplaintStatus>>,
    pub category: Option<Stored<ComplaintCategory>>,
    pub player_id: Option<String>,
    pub channel: Option<Stored<Channel>>,
    pub jurisdiction: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
}

/// Hands out the numbers of per-tenant, per-year human references.
///
/// Numbers are reserved from a counter row in blocks, each in its own short
/// statement outside the caller's transaction, and then handed out from
/// memory. Allocating inside the complaint's transaction would hold the
/// counter's row lock until that commit and serialise every submission of a
/// tenant on it (measured: PostgreSQL throughput fell to a few hundred per
/// second). A crash or a rolled-back submission leaves gaps; references stay
/// unique, and increase within a replica.
pub struct ReferenceAllocator {
    block: i64,
    ranges: tokio::sync::Mutex<std::collections::HashMap<(String, i32), (i64, i64)>>,
}

impl ReferenceAllocator {
    /// An allocator that reserves `block` numbers at a time.
    pub fn new(block: i64) -> Self {
        Self { block: block.max(1), ranges: tokio::sync::Mutex::new(std::collections::HashMap::new()) }
    }

    /// The next number for `tenant` in `year`. Call it outside any open
    /// transaction (SQLite has a single connection).
    pub async fn next<C: ConnectionTrait>(&self, c: &C, tenant: &str, year: i32) -> Result<i64, DbErr> {
        let mut ranges = self.ranges.lock().await;
        let key = (tenant.to_owned(), year);
        if let Some((next, last)) = ranges.get_mut(&key)
            && *next <= *last
        {
            let number = *next;
            *next += 1;
            return Ok(number);
        }
        let last = reserve_references(c, tenant, year, self.block).await?;
        let first = last - self.block + 1;
        ranges.insert(key, (first + 1, last));
        Ok(first)
    }
}

/// Reserves `block` numbers of a tenant's sequence for `year` with one upsert
/// and returns the last of them.
async fn reserve_references<C: ConnectionTrait>(c: &C, tenant: &str, year: i32, block: i64) -> Result<i64, DbErr> {
    let backend = c.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO reference_counters (tenant_id, year, last_value) VALUES ($1, $2, $3) \
             ON CONFLICT (tenant_id, year) DO UPDATE SET last_value = reference_counters.last_value + $3 \
             RETURNING last_value"
        }
        _ => {
            "INSERT INTO reference_counters (tenant_id, year, last_value) VALUES (?1, ?2, ?3) \
             ON CONFLICT (tenant_id, year) DO UPDATE SET last_value = reference_counters.last_value + ?3 \
             RETURNING last_value"
        }
    };
    let row = c
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [tenant.into(), year.into(), block.into()]))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("reference counter".into()))?;
    row.try_get::<i64>("", "last_value")
}

/// A complaint of the tenant.
pub async fn find_complaint<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    id: &str,
) -> Result<Option<complaint::Model>, DbErr> {
    complaint::Entity::find_by_id(id.to_owned()).filter(complaint::Column::TenantId.eq(tenant)).one(c).await
}

/// Reads a complaint inside a write and, on PostgreSQL, holds a share lock
/// on its row until the transaction ends: a status change committed by a
/// concurrent request is waited for and seen, and none can commit between
/// this read and the write that depends on it. (SQLite runs one transaction
/// at a time.)
pub async fn lock_complaint(
    txn: &sea_orm::DatabaseTransaction,
    tenant: &str,
    id: &str,
) -> Result<Option<complaint::Model>, DbErr> {
    let query = complaint::Entity::find_by_id(id.to_owned()).filter(complaint::Column::TenantId.eq(tenant));
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        query.lock_shared().one(txn).await
    } else {
        query.one(txn).await
    }
}

/// What filing a new complaint needs to know of the player's earlier ones.
#[derive(Debug, Default)]
pub struct PlayerStanding {
    /// Complaints filed since `recent_since` (duplicates too: a player who
    /// files the same problem again is complaining again).
    pub recent: u64,
    /// The open, original complaint about the same transaction.
    pub open_original: Option<complaint::Model>,
}

/// The same transaction a new complaint is about: its duplicate key, and the
/// stored names of the statuses a repeat may join.
pub struct SameTransaction<'a> {
    pub duplicate_key: &'a str,
    pub open_statuses: &'a [&'a str],
}

/// The player's recent complaints and open original in ONE statement (the
/// player's rows matching either), so a submission that needs both pays one
/// round trip; none when it needs neither.
pub async fn player_standing<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    player_id: &str,
    recent_since: Option<DateTime<Utc>>,
    same: Option<SameTransaction<'_>>,
) -> Result<PlayerStanding, DbErr> {
    use complaint::Column as Col;
    let original_of = |m: &complaint::Model, same: &SameTransaction<'_>| {
        m.duplicate_key.as_deref() == Some(same.duplicate_key)
            && m.duplicate_of.is_none()
            && same.open_statuses.contains(&m.status.0.as_str_name())
    };
    let mut either = Condition::any();
    if let Some(since) = recent_since {
        either = either.add(Col::CreatedAt.gte(since));
    }
    if let Some(same) = &same {
        either = either.add(
            Condition::all()
                .add(Col::DuplicateKey.eq(same.duplicate_key))
                .add(Col::DuplicateOf.is_null())
                .add(Col::Status.is_in(same.open_statuses.iter().copied())),
        );
    }
    if either.is_empty() {
        return Ok(PlayerStanding::default());
    }
    let rows = complaint::Entity::find()
        .filter(Col::TenantId.eq(tenant))
        .filter(Col::PlayerId.eq(player_id))
        .filter(either)
        .order_by_asc(Col::Id)
        .all(c)
        .await?;
    let recent = recent_since.map_or(0, |since| rows.iter().filter(|m| m.created_at >= since).count() as u64);
    let open_original = same.and_then(|same| rows.into_iter().find(|m| original_of(m, &same)));
    Ok(PlayerStanding { recent, open_original })
}

/// Inserts a new complaint.
pub fn insert_complaint(inserts: &mut Inserts, model: complaint::Model) {
    inserts.push(complaint::Entity::insert(model.into_active_model().reset_all()));
}

/// Writes a changed complaint if nobody changed it since `expected_version`;
/// returns false when somebody did.
pub async fn update_complaint<C: ConnectionTrait>(
    c: &C,
    model: complaint::Model,
    expected_version: i64,
) -> Result<bool, DbErr> {
    let id = model.id.clone();
    let tenant = model.tenant_id.clone();
    let result = complaint::Entity::update_many()
        .set(model.into_active_model().reset_all())
        .filter(complaint::Column::Id.eq(id))
        .filter(complaint::Column::TenantId.eq(tenant))
        .filter(complaint::Column::Version.eq(expected_version))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// How many complaints `player_id` filed since `since` (duplicates too: a
/// player who files the same problem again is complaining again).
pub async fn count_player_complaints_since<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    player_id: &str,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    complaint::Entity::find()
        .filter(complaint::Column::TenantId.eq(tenant))
        .filter(complaint::Column::PlayerId.eq(player_id))
        .filter(complaint::Column::CreatedAt.gte(since))
        .count(c)
        .await
}

/// Newest-first page of complaints after `after_id`.
pub async fn list_complaints<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    filter: &ComplaintFilter,
    after_id: Option<&str>,
    limit: u64,
) -> Result<Vec<complaint::Model>, DbErr> {
    use complaint::Column as Col;
    let mut query = complaint::Entity::find().filter(Col::TenantId.eq(tenant));
    if let Some(v) = filter.status {
        query = query.filter(Col::Status.eq(v));
    }
    if let Some(v) = filter.category {
        query = query.filter(Col::Category.eq(v));
    }
    if let Some(v) = &filter.player_id {
        query = query.filter(Col::PlayerId.eq(v.as_str()));
    }
    if let Some(v) = filter.channel {
        query = query.filter(Col::Channel.eq(v));
    }
    if let Some(v) = &filter.jurisdiction {
        query = query.filter(Col::Jurisdiction.eq(v.as_str()));
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

/// Inserts an interaction.
pub fn insert_interaction(inserts: &mut Inserts, model: interaction::Model) {
    inserts.push(interaction::Entity::insert(model.into_active_model().reset_all()));
}

/// Oldest-first page of a complaint's interactions after `after_id`.
pub async fn list_interactions<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    complaint_id: &str,
    after_id: Option<&str>,
    limit: u64,
) -> Result<Vec<interaction::Model>, DbErr> {
    use interaction::Column as Col;
    let mut query =
        interaction::Entity::find().filter(Col::TenantId.eq(tenant)).filter(Col::ComplaintId.eq(complaint_id));
    if let Some(after) = after_id {
        query = query.filter(Col::Id.gt(after));
    }
    query.order_by_asc(Col::Id).limit(limit).all(c).await
}
