//! Resolution's storage: entities, schema, and the queries the API and the
//! sweeper run. Every query takes the tenant, except the sweeper's claim,
//! which works across tenants and then writes each case under its own.

pub mod entities;
pub mod migration;
pub mod queues;

use chrono::{DateTime, TimeZone, Utc};
use redress_db::Stored;
use redress_proto::{
    common::v1::ComplaintCategory,
    resolution::v1::{case::State, evidence::State as EvidenceState, r#macro::Purpose},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Statement,
    sea_query::{Expr, ExprTrait},
};
use serde::{Deserialize, Serialize};

pub use entities::{case, case_event, evidence, evidence_chunk, response_macro};

/// The sort key of "no running clock": far in the future, so such cases sort
/// last and never look due.
pub fn never() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).single().unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Filters of ListCases.
#[derive(Debug, Default, Clone)]
pub struct CaseFilter {
    pub states: Vec<State>,
    pub assignee: Option<String>,
    pub unassigned: bool,
    pub priority_ranks: Vec<i32>,
    pub categories: Vec<ComplaintCategory>,
    pub jurisdiction: Option<String>,
    pub responsible_gambling: Option<bool>,
    pub queue: Option<String>,
    pub player_id: Option<String>,
    pub complaint_id: Option<String>,
    pub follow_up_pending: Option<bool>,
    /// Only cases whose warning time (at risk) or due time (breached) passed.
    pub warn_before: Option<DateTime<Utc>>,
    pub due_before: Option<DateTime<Utc>>,
}

/// The position after the last case of a page, in queue order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueueCursor {
    pub due_at: DateTime<Utc>,
    pub priority_rank: i32,
    pub created_at: DateTime<Utc>,
    pub id: String,
}

/// A case of the tenant.
pub async fn find_case<C: ConnectionTrait>(c: &C, tenant: &str, id: &str) -> Result<Option<case::Model>, DbErr> {
    case::Entity::find_by_id(id.to_owned()).filter(case::Column::TenantId.eq(tenant)).one(c).await
}

/// The case of a complaint.
pub async fn find_case_by_complaint<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    complaint_id: &str,
) -> Result<Option<case::Model>, DbErr> {
    case::Entity::find()
        .filter(case::Column::TenantId.eq(tenant))
        .filter(case::Column::ComplaintId.eq(complaint_id))
        .one(c)
        .await
}

/// Inserts a new case.
pub async fn insert_case<C: ConnectionTrait>(c: &C, model: case::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().insert(c).await.map(|_| ())
}

/// Writes a changed case if nobody changed it since `expected_version`;
/// returns false when somebody did.
pub async fn update_case<C: ConnectionTrait>(c: &C, model: case::Model, expected_version: i64) -> Result<bool, DbErr> {
    let id = model.id.clone();
    let tenant = model.tenant_id.clone();
    let result = case::Entity::update_many()
        .set(model.into_active_model().reset_all())
        .filter(case::Column::Id.eq(id))
        .filter(case::Column::TenantId.eq(tenant))
        .filter(case::Column::Version.eq(expected_version))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Appends events. The primary key (case, sequence) makes a concurrent
/// append of the same sequence fail instead of forking the chain.
pub async fn insert_events<C: ConnectionTrait>(c: &C, events: Vec<case_event::Model>) -> Result<(), DbErr> {
    if events.is_empty() {
        return Ok(());
    }
    case_event::Entity::insert_many(events.into_iter().map(|e| e.into_active_model().reset_all()))
        .exec(c)
        .await
        .map(|_| ())
}

/// A page of a case's events after `after_sequence`, oldest first.
pub async fn list_events<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    case_id: &str,
    after_sequence: i64,
    limit: Option<u64>,
) -> Result<Vec<case_event::Model>, DbErr> {
    use case_event::Column as Col;
    case_event::Entity::find()
        .filter(Col::TenantId.eq(tenant))
        .filter(Col::CaseId.eq(case_id))
        .filter(Col::Sequence.gt(after_sequence))
        .order_by_asc(Col::Sequence)
        .limit(limit)
        .all(c)
        .await
}

/// The open states as the SQL predicate of the partial `cases_open_*`
/// indexes (migration `m20270110_000001`). A list of open states only adds
/// it verbatim, since SQLite uses a partial index only for a query term
/// that matches its WHERE exactly (and a bound parameter matches no
/// literal). Changing it, or `domain::OPEN_STATES`, needs a new migration.
pub const OPEN_QUEUE: &str = "state IN ('STATE_NEW', 'STATE_IN_PROGRESS', 'STATE_AWAITING_PLAYER', 'STATE_RESOLUTION_PROPOSED', 'STATE_ESCALATED')";

/// A page of the queue after `after`, in queue order.
pub async fn list_cases<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    filter: &CaseFilter,
    after: Option<&QueueCursor>,
    limit: u64,
) -> Result<Vec<case::Model>, DbErr> {
    list_cases_query(tenant, filter, after, limit).all(c).await
}

/// The statement of [`list_cases`] (its query plan is tested).
pub fn list_cases_query(
    tenant: &str,
    filter: &CaseFilter,
    after: Option<&QueueCursor>,
    limit: u64,
) -> sea_orm::Select<case::Entity> {
    use case::Column as Col;
    let mut query = case::Entity::find().filter(Col::TenantId.eq(tenant));
    if !filter.states.is_empty() {
        if filter.states.iter().all(|s| crate::domain::OPEN_STATES.contains(s)) {
            query = query.filter(Expr::cust(OPEN_QUEUE));
        }
        query = query.filter(Col::State.is_in(filter.states.iter().copied().map(Stored)));
    }
    if let Some(v) = &filter.assignee {
        query = query.filter(Col::Assignee.eq(v.as_str()));
    }
    if filter.unassigned {
        query = query.filter(Col::Assignee.eq(""));
    }
    if !filter.priority_ranks.is_empty() {
        query = query.filter(Col::PriorityRank.is_in(filter.priority_ranks.iter().copied()));
    }
    if !filter.categories.is_empty() {
        query = query.filter(Col::Category.is_in(filter.categories.iter().copied().map(Stored)));
    }
    if let Some(v) = &filter.jurisdiction {
        query = query.filter(Col::Jurisdiction.eq(v.as_str()));
    }
    if let Some(v) = filter.responsible_gambling {
        query = query.filter(Col::ResponsibleGambling.eq(v));
    }
    if let Some(v) = &filter.queue {
        query = query.filter(Col::Queue.eq(v.as_str()));
    }
    if let Some(v) = &filter.player_id {
        query = query.filter(Col::PlayerId.eq(v.as_str()));
    }
    if let Some(v) = &filter.complaint_id {
        query = query.filter(Col::ComplaintId.eq(v.as_str()));
    }
    if let Some(v) = filter.follow_up_pending {
        query = query.filter(Col::FollowUpPending.eq(v));
    }
    if let Some(v) = filter.warn_before {
        query = query.filter(Condition::any().add(Col::WarnAt.lte(v)).add(Col::DueAt.lte(v)));
    }
    if let Some(v) = filter.due_before {
        query = query.filter(Col::DueAt.lte(v));
    }
    if let Some(a) = after {
        // Keyset pagination over (due_at, priority_rank, created_at, id) as
        // one row-value comparison: both PostgreSQL and SQLite start the index
        // range scan at the cursor. The same condition spelt as an OR of
        // four ANDs is only a filter: every page re-read the queue from its
        // start, so a deep page cost a scan of the rows before it.
        let key = |col: Col| Expr::col((case::Entity, col));
        query =
            query.filter(Expr::tuple([key(Col::DueAt), key(Col::PriorityRank), key(Col::CreatedAt), key(Col::Id)]).gt(
                Expr::tuple([
                    Expr::value(a.due_at),
                    Expr::value(a.priority_rank),
                    Expr::value(a.created_at),
                    Expr::value(a.id.as_str()),
                ]),
            ));
    }
    query
        .order_by_asc(Col::DueAt)
        .order_by_asc(Col::PriorityRank)
        .order_by_asc(Col::CreatedAt)
        .order_by_asc(Col::Id)
        .limit(limit)
}

/// The database's current time. Every replica's sweeper reads the same
/// clock, so none drifts with its own pod's wall clock.
pub async fn database_now<C: ConnectionTrait>(c: &C) -> Result<DateTime<Utc>, DbErr> {
    let backend = c.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT) AS micros",
        _ => "SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) AS micros",
    };
    let row = c
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("database time".into()))?;
    let micros: i64 = row.try_get("", "micros")?;
    Utc.timestamp_micros(micros).single().ok_or_else(|| DbErr::Custom("database time out of range".into()))
}

/// Claims up to `limit` cases whose sweep time passed, inside the caller's
/// transaction. On PostgreSQL the rows stay locked until it ends and other
/// replicas skip them (`FOR UPDATE SKIP LOCKED`); SQLite has one writer.
pub async fn claim_due<C: ConnectionTrait>(c: &C, now: DateTime<Utc>, limit: u64) -> Result<Vec<case::Model>, DbErr> {
    let mut query = case::Entity::find()
        .filter(case::Column::SweepAt.lte(now))
        .order_by_asc(case::Column::SweepAt)
        .order_by_asc(case::Column::Id)
        .limit(limit);
    if c.get_database_backend() == DbBackend::Postgres {
        query = query
            .lock_with_behavior(sea_orm::sea_query::LockType::Update, sea_orm::sea_query::LockBehavior::SkipLocked);
    }
    query.all(c).await
}

/// Open cases (the states of the default queue) per queue, across tenants:
/// one grouped count, for the open-cases gauge.
pub async fn open_cases_by_queue<C: ConnectionTrait>(c: &C) -> Result<Vec<(String, i64)>, DbErr> {
    #[derive(Debug, FromQueryResult)]
    struct Count {
        queue: String,
        open: i64,
    }
    let states = crate::domain::OPEN_STATES.iter().copied().map(Stored);
    let rows = case::Entity::find()
        .select_only()
        .column(case::Column::Queue)
        .column_as(case::Column::Id.count(), "open")
        .filter(case::Column::State.is_in(states))
        .group_by(case::Column::Queue)
        .into_model::<Count>()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|r| (r.queue, r.open)).collect())
}

/// Moves a case's next sweep time (the sweeper found nothing due).
pub async fn set_sweep_at<C: ConnectionTrait>(c: &C, id: &str, at: DateTime<Utc>) -> Result<(), DbErr> {
    case::Entity::update_many()
        .col_expr(case::Column::SweepAt, sea_orm::sea_query::Expr::value(at))
        .filter(case::Column::Id.eq(id))
        .exec(c)
        .await
        .map(|_| ())
}

/// The tenant's cases under `jurisdiction` opened, disputed or referred to
/// ADR in `[from, to)`: everything a regulatory return for the period counts.
pub async fn cases_in_period<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    jurisdiction: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<case::Model>, DbErr> {
    use case::Column as Col;
    let within = |col: Col| Condition::all().add(col.gte(from)).add(col.lt(to));
    case::Entity::find()
        .filter(Col::TenantId.eq(tenant))
        .filter(Col::Jurisdiction.eq(jurisdiction))
        .filter(Condition::any().add(within(Col::CreatedAt)).add(within(Col::DisputedAt)).add(within(Col::ReferredAt)))
        .order_by_asc(Col::Id)
        .all(c)
        .await
}

/// A macro of the tenant.
pub async fn find_macro<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    id: &str,
) -> Result<Option<response_macro::Model>, DbErr> {
    response_macro::Entity::find_by_id((id.to_owned(), tenant.to_owned())).one(c).await
}

/// The active macros with a key and category (any language).
pub async fn macro_variants<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    key: &str,
    category: i32,
) -> Result<Vec<response_macro::Model>, DbErr> {
    use response_macro::Column as Col;
    response_macro::Entity::find()
        .filter(Col::TenantId.eq(tenant))
        .filter(Col::Key.eq(key))
        .filter(Col::Category.eq(category))
        .filter(Col::Active.eq(true))
        .order_by_asc(Col::LanguageCode)
        .all(c)
        .await
}

/// Inserts a macro.
pub async fn insert_macro<C: ConnectionTrait>(c: &C, model: response_macro::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().insert(c).await.map(|_| ())
}

/// Writes a changed macro if nobody changed it since `expected_version`.
pub async fn update_macro<C: ConnectionTrait>(
    c: &C,
    model: response_macro::Model,
    expected_version: i64,
) -> Result<bool, DbErr> {
    let (id, tenant) = (model.id.clone(), model.tenant_id.clone());
    let result = response_macro::Entity::update_many()
        .set(model.into_active_model().reset_all())
        .filter(response_macro::Column::Id.eq(id))
        .filter(response_macro::Column::TenantId.eq(tenant))
        .filter(response_macro::Column::Version.eq(expected_version))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Filters of ListMacros.
#[derive(Debug, Default, Clone)]
pub struct MacroFilter {
    pub key: Option<String>,
    pub purpose: Option<Purpose>,
    pub category: Option<i32>,
    pub show_inactive: bool,
}

/// The position after the last macro of a page: (key, category, language, id).
pub type MacroCursor = (String, i32, String, String);

/// A page of macros by key, category, language.
pub async fn list_macros<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    filter: &MacroFilter,
    after: Option<&MacroCursor>,
) -> Result<Vec<response_macro::Model>, DbErr> {
    use response_macro::Column as Col;
    let mut query = response_macro::Entity::find().filter(Col::TenantId.eq(tenant));
    if let Some(v) = &filter.key {
        query = query.filter(Col::Key.eq(v.as_str()));
    }
    if let Some(v) = filter.purpose {
        query = query.filter(Col::Purpose.eq(Stored(v)));
    }
    if let Some(v) = filter.category {
        // A category filter also lists the macros for every category.
        query = query.filter(Col::Category.is_in([v, 0]));
    }
    if !filter.show_inactive {
        query = query.filter(Col::Active.eq(true));
    }
    if let Some((key, category, language, id)) = after {
        query = query.filter(
            Condition::any()
                .add(Col::Key.gt(key.as_str()))
                .add(Condition::all().add(Col::Key.eq(key.as_str())).add(Col::Category.gt(*category)))
                .add(
                    Condition::all()
                        .add(Col::Key.eq(key.as_str()))
                        .add(Col::Category.eq(*category))
                        .add(Col::LanguageCode.gt(language.as_str())),
                )
                .add(
                    Condition::all()
                        .add(Col::Key.eq(key.as_str()))
                        .add(Col::Category.eq(*category))
                        .add(Col::LanguageCode.eq(language.as_str()))
                        .add(Col::Id.gt(id.as_str())),
                ),
        );
    }
    query
        .order_by_asc(Col::Key)
        .order_by_asc(Col::Category)
        .order_by_asc(Col::LanguageCode)
        .order_by_asc(Col::Id)
        .all(c)
        .await
}

/// Stores one chunk of an upload in progress (its own statement: an upload
/// never holds a transaction open while the client sends).
pub async fn insert_chunk<C: ConnectionTrait>(c: &C, chunk: evidence_chunk::Model) -> Result<(), DbErr> {
    chunk.into_active_model().reset_all().insert(c).await.map(|_| ())
}

/// Removes the chunks of an upload that did not become evidence (refused,
/// a replay, a broken stream).
pub async fn delete_chunks<C: ConnectionTrait>(c: &C, tenant: &str, evidence_id: &str) -> Result<(), DbErr> {
    evidence_chunk::Entity::delete_many()
        .filter(evidence_chunk::Column::EvidenceId.eq(evidence_id))
        .filter(evidence_chunk::Column::TenantId.eq(tenant))
        .exec(c)
        .await
        .map(|_| ())
}

/// Removes chunks written before `before` that no evidence row points at:
/// the leftovers of uploads cut off by a crash. Returns how many went.
pub async fn delete_orphan_chunks<C: ConnectionTrait>(c: &C, before: DateTime<Utc>) -> Result<u64, DbErr> {
    use sea_orm::sea_query::Query;
    let evidence_ids = Query::select().column(evidence::Column::Id).from(evidence::Entity).to_owned();
    let result = evidence_chunk::Entity::delete_many()
        .filter(evidence_chunk::Column::CreatedAt.lt(before))
        .filter(evidence_chunk::Column::EvidenceId.not_in_subquery(evidence_ids))
        .exec(c)
        .await?;
    Ok(result.rows_affected)
}

/// One chunk of an evidence's content.
pub async fn find_chunk<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    evidence_id: &str,
    seq: i32,
) -> Result<Option<Vec<u8>>, DbErr> {
    let row = evidence_chunk::Entity::find_by_id((evidence_id.to_owned(), seq))
        .filter(evidence_chunk::Column::TenantId.eq(tenant))
        .one(c)
        .await?;
    Ok(row.map(|r| r.data))
}

/// Inserts the metadata of a completed upload.
pub async fn insert_evidence<C: ConnectionTrait>(c: &C, model: evidence::Model) -> Result<(), DbErr> {
    model.into_active_model().reset_all().insert(c).await.map(|_| ())
}

/// What an evidence is addressed by: its case, or its complaint (pending
/// evidence has no case yet; adopted evidence answers to both).
#[derive(Debug, Clone, Copy)]
pub enum EvidenceOwner<'a> {
    Case(&'a str),
    Complaint(&'a str),
}

impl EvidenceOwner<'_> {
    fn condition(self) -> Condition {
        match self {
            EvidenceOwner::Case(id) => Condition::all().add(evidence::Column::CaseId.eq(id)),
            EvidenceOwner::Complaint(id) => Condition::all().add(evidence::Column::ComplaintId.eq(id)),
        }
    }
}

/// An evidence of the tenant's case or complaint.
pub async fn find_evidence<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    owner: EvidenceOwner<'_>,
    id: &str,
) -> Result<Option<evidence::Model>, DbErr> {
    evidence::Entity::find_by_id(id.to_owned())
        .filter(evidence::Column::TenantId.eq(tenant))
        .filter(owner.condition())
        .one(c)
        .await
}

/// The evidence of `complaint_ids` still waiting for a case, oldest first
/// (OpenCase adopts them; erasure and export reach them here).
pub async fn pending_evidence<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    complaint_ids: &[String],
) -> Result<Vec<evidence::Model>, DbErr> {
    if complaint_ids.is_empty() {
        return Ok(Vec::new());
    }
    evidence::Entity::find()
        .filter(evidence::Column::TenantId.eq(tenant))
        .filter(evidence::Column::ComplaintId.is_in(complaint_ids.iter().map(String::as_str)))
        .filter(evidence::Column::CaseId.eq(""))
        .order_by_asc(evidence::Column::Id)
        .all(c)
        .await
}

/// Attaches a pending evidence to its complaint's case, recording the
/// attachment event; false when it was not pending any more.
pub async fn adopt_evidence<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    id: &str,
    case_id: &str,
    event_sequence: i64,
) -> Result<bool, DbErr> {
    use evidence::Column as Col;
    let result = evidence::Entity::update_many()
        .col_expr(Col::CaseId, Expr::value(case_id))
        .col_expr(Col::EventSequence, Expr::value(event_sequence))
        .filter(Col::TenantId.eq(tenant))
        .filter(Col::Id.eq(id))
        .filter(Col::CaseId.eq(""))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Every evidence of a case, oldest first (the verifier re-hashes them).
pub async fn evidence_of_case<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    case_id: &str,
) -> Result<Vec<evidence::Model>, DbErr> {
    evidence::Entity::find()
        .filter(evidence::Column::TenantId.eq(tenant))
        .filter(evidence::Column::CaseId.eq(case_id))
        .order_by_asc(evidence::Column::Id)
        .all(c)
        .await
}

/// A page of the tenant's evidence after id `after`, by id (upload order):
/// one case's or complaint's or, with no owner, every evidence of the tenant
/// (pending ones too); optionally in one state.
pub async fn list_evidence<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    owner: Option<EvidenceOwner<'_>>,
    state: Option<EvidenceState>,
    after: Option<&str>,
    limit: u64,
) -> Result<Vec<evidence::Model>, DbErr> {
    use evidence::Column as Col;
    let mut query = evidence::Entity::find().filter(Col::TenantId.eq(tenant));
    if let Some(owner) = owner {
        query = query.filter(owner.condition());
    }
    if let Some(state) = state {
        query = query.filter(Col::State.eq(Stored(state)));
    }
    if let Some(after) = after {
        query = query.filter(Col::Id.gt(after));
    }
    query.order_by_asc(Col::Id).limit(limit).all(c).await
}

/// Records a scanner's verdict if the evidence is still PENDING_SCAN;
/// returns false when somebody recorded one meanwhile.
pub async fn record_scan<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    id: &str,
    state: EvidenceState,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use evidence::Column as Col;
    let result = evidence::Entity::update_many()
        .col_expr(Col::State, Expr::value(Stored(state)))
        .col_expr(Col::ScanReason, Expr::value(reason))
        .col_expr(Col::ScanTime, Expr::value(Some(at)))
        .filter(Col::Id.eq(id))
        .filter(Col::TenantId.eq(tenant))
        .filter(Col::State.eq(Stored(EvidenceState::PendingScan)))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The cases to erase for an erasure: every case of `player_id` when
/// `all_records`, and the cases of `complaint_ids`.
pub async fn cases_to_erase<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    player_id: &str,
    complaint_ids: &[String],
    all_records: bool,
) -> Result<Vec<case::Model>, DbErr> {
    let mut which = Condition::any().add(case::Column::ComplaintId.is_in(complaint_ids.iter().map(String::as_str)));
    if all_records {
        which = which.add(case::Column::PlayerId.eq(player_id));
    }
    case::Entity::find()
        .filter(case::Column::TenantId.eq(tenant))
        .filter(which)
        .order_by_asc(case::Column::Id)
        .all(c)
        .await
}

/// Rewrites one stored event for an erasure (the only change an event ever
/// gets): its summary, salt, version, links and hash as `event` has them,
/// and its stored payload erased when `erased_at` is set.
pub async fn rewrite_event<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    case_id: &str,
    event: &redress_proto::resolution::v1::CaseEvent,
    erased_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    use case_event::Column as Col;
    let mut update = case_event::Entity::update_many()
        .col_expr(Col::PayloadSummary, Expr::value(event.payload_summary.clone()))
        .col_expr(Col::SummarySalt, Expr::value(event.summary_salt.clone()))
        .col_expr(Col::SummaryHash, Expr::value(event.summary_hash.clone()))
        .col_expr(Col::ChainVersion, Expr::value(event.chain_version))
        .col_expr(Col::PreviousHash, Expr::value(event.previous_hash.clone()))
        .col_expr(Col::Hash, Expr::value(event.hash.clone()))
        .col_expr(Col::ErasedAt, Expr::value(erased_at));
    if erased_at.is_some() {
        update = update.col_expr(Col::Payload, Expr::value(Vec::<u8>::new()));
    }
    update
        .filter(Col::TenantId.eq(tenant))
        .filter(Col::CaseId.eq(case_id))
        .filter(Col::Sequence.eq(event.sequence))
        .exec(c)
        .await
        .map(|_| ())
}

/// Deletes an evidence's content and erases its name and description; the
/// size, types, SHA-256 and times stay.
pub async fn erase_evidence<C: ConnectionTrait>(
    c: &C,
    row: &evidence::Model,
    filename: String,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    delete_chunks(c, &row.tenant_id, &row.id).await?;
    evidence::Entity::update_many()
        .col_expr(evidence::Column::Filename, Expr::value(filename))
        .col_expr(evidence::Column::Description, Expr::value(String::new()))
        .col_expr(evidence::Column::ErasedAt, Expr::value(Some(at)))
        .filter(evidence::Column::TenantId.eq(&row.tenant_id))
        .filter(evidence::Column::Id.eq(&row.id))
        .exec(c)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_open_queue_predicate_names_the_open_states() {
        let states: Vec<String> = crate::domain::OPEN_STATES.iter().map(|s| format!("'{}'", s.as_str_name())).collect();
        assert_eq!(super::OPEN_QUEUE, format!("state IN ({})", states.join(", ")));
    }
}
