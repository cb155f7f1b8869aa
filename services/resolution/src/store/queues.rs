//! Queues and agents: their entities and the queries routing, automatic
//! assignment and the queue methods run. Every query takes the tenant.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use redress_db::Stored;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, ExprTrait},
};

use super::case;

/// A queue definition. The definition itself (rules, supervisors, business
/// hours) is the prost-encoded `resolution.v1.Queue`; the columns are what
/// the queries order and filter by.
pub mod queue {
    use redress_db::{Encoded, Stored};
    use redress_proto::resolution::v1::{Queue, queue::AssignmentMode};
    use sea_orm::entity::prelude::*;

    /// One row per queue.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "queues")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: String,
        /// The `{queue_id}` of `queues/{queue_id}`, what `cases.queue` holds.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        /// Routing order, then id.
        pub priority: i32,
        pub assignment_mode: Stored<AssignmentMode>,
        /// The agent who got the queue's last automatic assignment
        /// (round-robin); empty before the first.
        pub last_assignee: String,
        /// `resolution.v1.Queue` without name, times and etag.
        pub spec: Encoded<Queue>,
        /// Bumped on every change; the etag.
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An agent's availability for automatic assignment.
pub mod agent {
    use sea_orm::entity::prelude::*;

    /// One row per agent who ever set their availability.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "agents")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: String,
        /// The staff member's token subject.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub available: bool,
        pub capacity: i32,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Which agent works which queue.
pub mod agent_queue {
    use sea_orm::entity::prelude::*;

    /// One row per (queue, agent).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "agent_queues")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub queue_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub agent_id: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A queue of the tenant.
pub async fn find_queue<C: ConnectionTrait>(c: &C, tenant: &str, id: &str) -> Result<Option<queue::Model>, DbErr> {
    queue::Entity::find_by_id((tenant.to_owned(), id.to_owned())).one(c).await
}

/// A queue of the tenant, locked until the transaction ends on PostgreSQL
/// (round-robin: two openings at once do not both read the same last
/// assignee). SQLite has one writer.
pub async fn lock_queue<C: ConnectionTrait>(c: &C, tenant: &str, id: &str) -> Result<Option<queue::Model>, DbErr> {
    let mut query = queue::Entity::find_by_id((tenant.to_owned(), id.to_owned()));
    if c.get_database_backend() == DbBackend::Postgres {
        query = query.lock_exclusive();
    }
    query.one(c).await
}

/// Every queue of the tenant, in routing order (a tenant has tens, not
/// thousands: routing reads them all).
pub async fn all_queues<C: ConnectionTrait>(c: &C, tenant: &str) -> Result<Vec<queue::Model>, DbErr> {
    use queue::Column as Col;
    queue::Entity::find()
        .filter(Col::TenantId.eq(tenant))
        .order_by_asc(Col::Priority)
        .order_by_asc(Col::Id)
        .all(c)
        .await
}

/// The position after the last queue of a page: (priority, id).
pub type QueueDefCursor = (i32, String);

/// A page of the tenant's queues in routing order.
pub async fn list_queues<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    after: Option<&QueueDefCursor>,
    limit: u64,
) -> Result<Vec<queue::Model>, DbErr> {
    use queue::Column as Col;
    let mut query = queue::Entity::find().filter(Col::TenantId.eq(tenant));
    if let Some((priority, id)) = after {
        query = query.filter(
            sea_orm::Condition::any()
                .add(Col::Priority.gt(*priority))
                .add(sea_orm::Condition::all().add(Col::Priority.eq(*priority)).add(Col::Id.gt(id.as_str()))),
        );
    }
    query.order_by_asc(Col::Priority).order_by_asc(Col::Id).limit(limit).all(c).await
}

/// Inserts a queue.
pub async fn insert_queue<C: ConnectionTrait>(c: &C, model: queue::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().insert(c).await.map(|_| ())
}

/// Writes a changed queue if nobody changed it since `expected_version`.
pub async fn update_queue<C: ConnectionTrait>(
    c: &C,
    model: queue::Model,
    expected_version: i64,
) -> Result<bool, DbErr> {
    let (tenant, id) = (model.tenant_id.clone(), model.id.clone());
    let result = queue::Entity::update_many()
        .set(model.into_active_model().reset_all())
        .filter(queue::Column::TenantId.eq(tenant))
        .filter(queue::Column::Id.eq(id))
        .filter(queue::Column::Version.eq(expected_version))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records the queue's last automatic assignee (round-robin).
pub async fn set_last_assignee<C: ConnectionTrait>(c: &C, tenant: &str, id: &str, agent: &str) -> Result<(), DbErr> {
    queue::Entity::update_many()
        .col_expr(queue::Column::LastAssignee, Expr::value(agent))
        .filter(queue::Column::TenantId.eq(tenant))
        .filter(queue::Column::Id.eq(id))
        .exec(c)
        .await
        .map(|_| ())
}

/// Deletes a queue if it is still at `expected_version`; the agents' links
/// to it go too.
pub async fn delete_queue<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    id: &str,
    expected_version: i64,
) -> Result<bool, DbErr> {
    let result = queue::Entity::delete_many()
        .filter(queue::Column::TenantId.eq(tenant))
        .filter(queue::Column::Id.eq(id))
        .filter(queue::Column::Version.eq(expected_version))
        .exec(c)
        .await?;
    agent_queue::Entity::delete_many()
        .filter(agent_queue::Column::TenantId.eq(tenant))
        .filter(agent_queue::Column::QueueId.eq(id))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The load of one queue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Load {
    pub open: i64,
    /// The earliest `due_at` ([`super::never`] when no clock runs).
    pub oldest_due: Option<DateTime<Utc>>,
    pub at_risk: i64,
    pub unassigned: i64,
}

/// The load of the tenant's queues `ids`: ONE grouped query over the open
/// cases, so a page of queues costs one round trip, not one per queue.
pub async fn queue_loads<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    ids: &[String],
    now: DateTime<Utc>,
) -> Result<BTreeMap<String, Load>, DbErr> {
    #[derive(Debug, FromQueryResult)]
    struct Row {
        queue: String,
        open: i64,
        oldest_due: Option<DateTime<Utc>>,
        at_risk: Option<i64>,
        unassigned: Option<i64>,
    }
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    use case::Column as Col;
    let states = crate::domain::OPEN_STATES.iter().copied().map(Stored);
    let count_if = |cond: sea_orm::sea_query::SimpleExpr| {
        Expr::case(cond, Expr::val(1i64)).finally(Expr::val(0i64)).sum().cast_as("BIGINT")
    };
    let rows = case::Entity::find()
        .select_only()
        .column(Col::Queue)
        .column_as(Col::Id.count(), "open")
        .column_as(Col::DueAt.min(), "oldest_due")
        .column_as(count_if(Expr::col(Col::WarnAt).lte(now)), "at_risk")
        .column_as(count_if(Expr::col(Col::Assignee).eq("")), "unassigned")
        .filter(Col::TenantId.eq(tenant))
        .filter(Col::State.is_in(states))
        .filter(Col::Queue.is_in(ids.iter().map(String::as_str)))
        .group_by(Col::Queue)
        .into_model::<Row>()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let load = Load {
                open: r.open,
                oldest_due: r.oldest_due.filter(|d| *d < super::never()),
                at_risk: r.at_risk.unwrap_or_default(),
                unassigned: r.unassigned.unwrap_or_default(),
            };
            (r.queue, load)
        })
        .collect())
}

/// Open cases of the tenant in queue `id`.
pub async fn open_cases_in<C: ConnectionTrait>(c: &C, tenant: &str, id: &str) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    let states = crate::domain::OPEN_STATES.iter().copied().map(Stored);
    case::Entity::find()
        .filter(case::Column::TenantId.eq(tenant))
        .filter(case::Column::Queue.eq(id))
        .filter(case::Column::State.is_in(states))
        .count(c)
        .await
}

/// Makes the queue's cases with pending clock work due for the next sweep
/// round (their sweep time set to the epoch, whatever the clocks of this
/// pod and the sweeper say), so the sweeper re-times their warnings under
/// the queue's new business hours: one update; a case with nothing due yet
/// is rescheduled by that round.
pub async fn resweep_queue<C: ConnectionTrait>(c: &C, tenant: &str, id: &str) -> Result<u64, DbErr> {
    let at = DateTime::<Utc>::UNIX_EPOCH;
    case::Entity::update_many()
        .col_expr(case::Column::SweepAt, Expr::value(at))
        .filter(case::Column::TenantId.eq(tenant))
        .filter(case::Column::Queue.eq(id))
        .filter(case::Column::SweepAt.gt(at))
        .filter(case::Column::SweepAt.lt(super::never()))
        .exec(c)
        .await
        .map(|r| r.rows_affected)
}

/// Open cases assigned to each of `agents` (all queues): one grouped query.
pub async fn open_assigned<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    agents: &[String],
) -> Result<BTreeMap<String, i64>, DbErr> {
    #[derive(Debug, FromQueryResult)]
    struct Row {
        assignee: String,
        open: i64,
    }
    if agents.is_empty() {
        return Ok(BTreeMap::new());
    }
    let states = crate::domain::OPEN_STATES.iter().copied().map(Stored);
    let rows = case::Entity::find()
        .select_only()
        .column(case::Column::Assignee)
        .column_as(case::Column::Id.count(), "open")
        .filter(case::Column::TenantId.eq(tenant))
        .filter(case::Column::State.is_in(states))
        .filter(case::Column::Assignee.is_in(agents.iter().map(String::as_str)))
        .group_by(case::Column::Assignee)
        .into_model::<Row>()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|r| (r.assignee, r.open)).collect())
}

/// An agent of the tenant with the queues they work.
pub async fn find_agent<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    id: &str,
) -> Result<Option<(agent::Model, Vec<String>)>, DbErr> {
    let Some(row) = agent::Entity::find_by_id((tenant.to_owned(), id.to_owned())).one(c).await? else {
        return Ok(None);
    };
    let queues = queues_of(c, tenant, std::slice::from_ref(&row.id)).await?.remove(&row.id).unwrap_or_default();
    Ok(Some((row, queues)))
}

/// The queue ids each of `agents` works.
async fn queues_of<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    agents: &[String],
) -> Result<BTreeMap<String, Vec<String>>, DbErr> {
    let links = agent_queue::Entity::find()
        .filter(agent_queue::Column::TenantId.eq(tenant))
        .filter(agent_queue::Column::AgentId.is_in(agents.iter().map(String::as_str)))
        .order_by_asc(agent_queue::Column::QueueId)
        .all(c)
        .await?;
    let mut by_agent: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for link in links {
        by_agent.entry(link.agent_id).or_default().push(link.queue_id);
    }
    Ok(by_agent)
}

/// Writes an agent's availability and replaces the queues they work.
pub async fn save_agent<C: ConnectionTrait>(c: &C, model: agent::Model, queues: &[String]) -> Result<(), DbErr> {
    let (tenant, id) = (model.tenant_id.clone(), model.id.clone());
    let exists = agent::Entity::find_by_id((tenant.clone(), id.clone())).one(c).await?.is_some();
    if exists {
        model.into_active_model().reset_all().update(c).await?;
    } else {
        model.into_active_model().reset_all().insert(c).await?;
    }
    agent_queue::Entity::delete_many()
        .filter(agent_queue::Column::TenantId.eq(tenant.as_str()))
        .filter(agent_queue::Column::AgentId.eq(id.as_str()))
        .exec(c)
        .await?;
    if !queues.is_empty() {
        let links = queues.iter().map(|q| {
            agent_queue::Model { tenant_id: tenant.clone(), queue_id: q.clone(), agent_id: id.clone() }
                .into_active_model()
        });
        agent_queue::Entity::insert_many(links).exec(c).await?;
    }
    Ok(())
}

/// A page of the tenant's agents by id, optionally only those of a queue,
/// with the queues each works.
pub async fn list_agents<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    queue: Option<&str>,
    after: Option<&str>,
    limit: u64,
) -> Result<Vec<(agent::Model, Vec<String>)>, DbErr> {
    use agent::Column as Col;
    let mut query = agent::Entity::find().filter(Col::TenantId.eq(tenant));
    if let Some(queue) = queue {
        let members = agent_queue::Entity::find()
            .select_only()
            .column(agent_queue::Column::AgentId)
            .filter(agent_queue::Column::TenantId.eq(tenant))
            .filter(agent_queue::Column::QueueId.eq(queue))
            .into_query();
        query = query.filter(Col::Id.in_subquery(members));
    }
    if let Some(after) = after {
        query = query.filter(Col::Id.gt(after));
    }
    let rows = query.order_by_asc(Col::Id).limit(limit).all(c).await?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut queues = queues_of(c, tenant, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let q = queues.remove(&r.id).unwrap_or_default();
            (r, q)
        })
        .collect())
}

/// The agents who work queue `id`, each with their open assigned cases:
/// what automatic assignment chooses among.
pub async fn candidates<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    id: &str,
) -> Result<Vec<crate::domain::assignment::Candidate>, DbErr> {
    let rows = list_agents(c, tenant, Some(id), None, 10_000).await?;
    let ids: Vec<String> = rows.iter().map(|(a, _)| a.id.clone()).collect();
    let open = open_assigned(c, tenant, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|(a, _)| crate::domain::assignment::Candidate {
            open: open.get(&a.id).copied().unwrap_or_default(),
            id: a.id,
            available: a.available,
            capacity: a.capacity,
        })
        .collect())
}
