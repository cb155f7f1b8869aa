//! The daily insight rollups (`insight_rollups`, see `domain::rollup` for
//! what a row holds): written in the transaction that changes a fact, read
//! by GetInsights for the whole days of its window.
//!
//! Counters change by additive upserts (`x = x + excluded.x`), so two folds
//! of different complaints that meet in one row both count, on SQLite and
//! PostgreSQL alike. The histograms are merged in the service (a blob has no
//! `+`), but only after the upsert locked the row for this transaction, so
//! that read-merge-write cannot lose a concurrent change either. A batch
//! touches rows in primary-key order, so two folds never wait on each other
//! in a circle.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use redress_proto::feedback::v1::Dimension;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QueryResult,
    QuerySelect, Statement, Value,
    sea_query::{Alias, Expr, ExprTrait, Func, OnConflict, Query},
};

use super::{
    FactFilter, complaint_fact,
    insights::{self, decode_group_value},
    to_fact,
};
use crate::domain::{
    Window,
    histogram::Histogram,
    insights::{ClockTally, Tally},
    rollup::{self, RollupDelta, RollupKey},
};

pub const TABLE: &str = "insight_rollups";
/// (tenant, day, complaint): the complaints with figures on a day, so the
/// partial days at a window's ends read only those facts.
pub const FACT_DAYS: &str = "insight_fact_days";
/// The primary key, in order.
pub const KEY: [&str; 8] =
    ["tenant_id", "layer", "pinned", "category", "channel", "jurisdiction", "day", "group_value"];
/// One column per [`Tally`] figure.
pub const COUNTERS: [&str; 29] = [
    "submitted",
    "resolved",
    "escalated",
    "referred_to_adr",
    "reopened",
    "recategorised",
    "withdrawn",
    "closed",
    "responsible_gambling",
    "ack_met",
    "ack_breached",
    "ack_warned",
    "final_met",
    "final_breached",
    "final_warned",
    "adr_met",
    "adr_breached",
    "adr_warned",
    "survey_sent",
    "answered",
    "csat_sum",
    "csat_count",
    "fairness_sum",
    "fairness_count",
    "solved",
    "not_solved",
    "upheld",
    "partially_upheld",
    "not_upheld",
];
pub const FIRST_RESPONSE_HIST: &str = "first_response_hist";
pub const RESOLUTION_HIST: &str = "resolution_hist";
/// Rows per upsert: 39 values each, well under both backends' bind limits.
const ROWS_PER_STATEMENT: usize = 400;

fn counters(t: &Tally) -> [i64; 29] {
    let c = |k: &ClockTally| [k.met, k.breached, k.warned];
    let [ack_met, ack_breached, ack_warned] = c(&t.acknowledge);
    let [final_met, final_breached, final_warned] = c(&t.final_response);
    let [adr_met, adr_breached, adr_warned] = c(&t.adr_enquiry);
    [
        t.submitted,
        t.resolved,
        t.escalated,
        t.referred_to_adr,
        t.reopened,
        t.recategorised,
        t.withdrawn,
        t.closed,
        t.responsible_gambling,
        ack_met,
        ack_breached,
        ack_warned,
        final_met,
        final_breached,
        final_warned,
        adr_met,
        adr_breached,
        adr_warned,
        t.survey_sent,
        t.answered,
        t.csat_sum,
        t.csat_count,
        t.fairness_sum,
        t.fairness_count,
        t.solved,
        t.not_solved,
        t.upheld,
        t.partially_upheld,
        t.not_upheld,
    ]
}

fn tally(v: [i64; 29]) -> Tally {
    Tally {
        submitted: v[0],
        resolved: v[1],
        escalated: v[2],
        referred_to_adr: v[3],
        reopened: v[4],
        recategorised: v[5],
        withdrawn: v[6],
        closed: v[7],
        responsible_gambling: v[8],
        acknowledge: ClockTally { met: v[9], breached: v[10], warned: v[11] },
        final_response: ClockTally { met: v[12], breached: v[13], warned: v[14] },
        adr_enquiry: ClockTally { met: v[15], breached: v[16], warned: v[17] },
        survey_sent: v[18],
        answered: v[19],
        csat_sum: v[20],
        csat_count: v[21],
        fairness_sum: v[22],
        fairness_count: v[23],
        solved: v[24],
        not_solved: v[25],
        upheld: v[26],
        partially_upheld: v[27],
        not_upheld: v[28],
    }
}

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

fn key_values(tenant: &str, k: &RollupKey) -> [Value; 8] {
    [
        tenant.into(),
        k.layer.into(),
        k.pinned.into(),
        k.category.as_str().into(),
        k.channel.as_str().into(),
        k.jurisdiction.as_str().into(),
        k.day.into(),
        k.group_value.as_str().into(),
    ]
}

fn key_condition(tenant: &str, k: &RollupKey) -> Condition {
    KEY.iter().zip(key_values(tenant, k)).fold(Condition::all(), |c, (name, v)| c.add(col(name).eq(v)))
}

fn bad_histogram() -> DbErr {
    DbErr::Custom("a stored insight histogram is malformed".into())
}

/// Records that `complaint_id` has figures on `added` and none any more on
/// `removed` (the days of `domain::rollup::daily`).
pub async fn move_fact_days<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    complaint_id: &str,
    removed: &[DateTime<Utc>],
    added: &[DateTime<Utc>],
) -> Result<(), DbErr> {
    if !removed.is_empty() {
        let mut delete = Query::delete();
        delete.from_table(Alias::new(FACT_DAYS)).cond_where(
            Condition::all()
                .add(col("tenant_id").eq(tenant))
                .add(col("complaint_id").eq(complaint_id))
                .add(col("day").is_in(removed.iter().copied())),
        );
        c.execute(&delete).await?;
    }
    let rows: Vec<(&str, DateTime<Utc>)> = added.iter().map(|d| (complaint_id, *d)).collect();
    insert_fact_days(c, tenant, &rows).await
}

async fn insert_fact_days<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    rows: &[(&str, DateTime<Utc>)],
) -> Result<(), DbErr> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT * 4) {
        let mut insert = Query::insert();
        insert.into_table(Alias::new(FACT_DAYS)).columns(["tenant_id", "day", "complaint_id"].map(Alias::new));
        for (id, day) in chunk {
            insert
                .values([Expr::val(tenant), Expr::val(*day), Expr::val(*id)])
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        insert.on_conflict(
            OnConflict::columns(["tenant_id", "day", "complaint_id"].map(Alias::new)).do_nothing().to_owned(),
        );
        c.execute(&insert).await?;
    }
    Ok(())
}

/// The facts of the complaints of `tenant` with figures on a UTC day one of
/// the windows meets, as a condition on `complaint_facts`.
pub fn on_days(backend: DbBackend, tenant: &str, windows: &[Window]) -> Expr {
    let ids = complaints_on_days(tenant, windows);
    let id = Expr::col((complaint_fact::Entity, complaint_fact::Column::ComplaintId));
    match backend {
        // As `IN (subquery)`, PostgreSQL estimates the few thousand ids well
        // and hashes them against a scan of every fact (70 ms at 195,598
        // facts, 4,133 of them on two edge days). Over an array it cannot
        // count, it looks each id up in the primary key (23 ms).
        DbBackend::Postgres => {
            Expr::cust_with_exprs("$1 = ANY(ARRAY $2)", [id, Expr::SubQuery(None, Box::new(ids.into()))])
        }
        // SQLite looks each id up either way.
        _ => id.in_subquery(ids),
    }
}

/// The complaints of `tenant` with figures on a UTC day one of the windows
/// meets.
fn complaints_on_days(tenant: &str, windows: &[Window]) -> sea_orm::sea_query::SelectStatement {
    let mut days = Vec::new();
    for w in windows {
        let mut day = rollup::day_of(w.start);
        while day < w.end {
            if !days.contains(&day) {
                days.push(day);
            }
            day += chrono::Duration::days(1);
        }
    }
    Query::select()
        .column(Alias::new("complaint_id"))
        .from(Alias::new(FACT_DAYS))
        .cond_where(Condition::all().add(col("tenant_id").eq(tenant)).add(col("day").is_in(days)))
        .to_owned()
}

/// One fact's durations as the edge days need them: its group's value and
/// the three moments they are measured between.
#[derive(Debug, sea_orm::FromQueryResult)]
pub struct EdgeDurations {
    pub group_value: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The facts matching `filter` with a first response or a resolution in
/// one of `edges` (the partial days at a window's ends), four columns
/// each: the service adds their durations to the rollups' histograms. The
/// edges' counters come from `insight_tallies`, summed in the database.
pub async fn edge_durations<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    edges: &[Window],
    filter: &FactFilter,
    dim: Dimension,
) -> Result<Vec<EdgeDurations>, DbErr> {
    use complaint_fact::Column as Col;
    if edges.is_empty() {
        return Ok(Vec::new());
    }
    let in_edges = |col: Col| edges.iter().fold(Condition::any(), |any, w| any.add(insights::within(col, w)));
    let query = complaint_fact::Entity::find()
        .select_only()
        .column_as(insights::group_value(dim), "group_value")
        .columns([Col::SubmittedAt, Col::FirstResponseAt, Col::ResolvedAt])
        .filter(insights::matching(tenant, filter))
        .filter(on_days(c.get_database_backend(), tenant, edges))
        .filter(Condition::any().add(in_edges(Col::FirstResponseAt)).add(in_edges(Col::ResolvedAt)));
    query.into_model::<EdgeDurations>().all(c).await
}

/// Adds the deltas to `tenant`'s rollup rows (creating missing ones).
pub async fn apply<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    deltas: &BTreeMap<RollupKey, RollupDelta>,
) -> Result<(), DbErr> {
    let rows: Vec<(&RollupKey, &RollupDelta)> = deltas.iter().filter(|(_, d)| !d.is_zero()).collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        upsert_counters(c, tenant, chunk).await?;
        let merged: Vec<_> =
            chunk.iter().filter(|(_, d)| !d.first_response.is_empty() || !d.resolution.is_empty()).copied().collect();
        if !merged.is_empty() {
            merge_histograms(c, tenant, &merged).await?;
        }
    }
    Ok(())
}

/// An INSERT of whole rows: the counters, and the histograms when
/// `histograms` (else empty, merged afterwards).
fn insert_rows(
    tenant: &str,
    rows: &[(&RollupKey, &RollupDelta)],
    histograms: bool,
) -> Result<sea_orm::sea_query::InsertStatement, DbErr> {
    let mut insert = Query::insert();
    insert.into_table(Alias::new(TABLE)).columns(
        KEY.iter().chain(COUNTERS.iter()).chain([FIRST_RESPONSE_HIST, RESOLUTION_HIST].iter()).map(|c| Alias::new(*c)),
    );
    for (k, d) in rows {
        let mut values: Vec<Expr> = key_values(tenant, k).into_iter().map(Expr::val).collect();
        values.extend(counters(&d.tally).into_iter().map(Expr::val));
        let (first, resolution) =
            if histograms { (d.first_response.encode(), d.resolution.encode()) } else { (Vec::new(), Vec::new()) };
        values.extend([Expr::val(first), Expr::val(resolution)]);
        insert.values(values).map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    Ok(insert)
}

/// Inserts rows known not to exist yet (a rebuild's completed days).
async fn insert_new<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    deltas: &BTreeMap<RollupKey, RollupDelta>,
) -> Result<(), DbErr> {
    let rows: Vec<(&RollupKey, &RollupDelta)> = deltas.iter().filter(|(_, d)| !d.is_zero()).collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        c.execute(&insert_rows(tenant, chunk, true)?).await?;
    }
    Ok(())
}

async fn upsert_counters<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    rows: &[(&RollupKey, &RollupDelta)],
) -> Result<(), DbErr> {
    let table = Alias::new(TABLE);
    let mut insert = insert_rows(tenant, rows, false)?;
    let mut on_conflict = OnConflict::columns(KEY.map(Alias::new));
    for name in COUNTERS {
        on_conflict.value(
            Alias::new(name),
            Expr::col((table.clone(), Alias::new(name))).add(Expr::col((Alias::new("excluded"), Alias::new(name)))),
        );
    }
    insert.on_conflict(on_conflict);
    c.execute(&insert).await.map(|_| ())
}

/// Reads the (now locked) rows' histograms, adds the deltas' and writes
/// them back in one statement.
async fn merge_histograms<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    rows: &[(&RollupKey, &RollupDelta)],
) -> Result<(), DbErr> {
    let which = rows.iter().fold(Condition::any(), |any, (k, _)| any.add(key_condition(tenant, k)));
    let mut select = Query::select();
    select.from(Alias::new(TABLE)).cond_where(which);
    for name in KEY.iter().skip(1).chain([FIRST_RESPONSE_HIST, RESOLUTION_HIST].iter()) {
        select.column(Alias::new(*name));
    }
    let stored = c.query_all(&select).await?;
    let mut current: BTreeMap<RollupKey, (Histogram, Histogram)> = BTreeMap::new();
    for row in stored {
        let layer: String = row.try_get("", "layer")?;
        let Some((k, _)) = rows.iter().find(|(k, _)| k.layer == layer) else { continue };
        let key = RollupKey {
            layer: k.layer,
            pinned: row.try_get("", "pinned")?,
            category: row.try_get("", "category")?,
            channel: row.try_get("", "channel")?,
            jurisdiction: row.try_get("", "jurisdiction")?,
            day: row.try_get("", "day")?,
            group_value: row.try_get("", "group_value")?,
        };
        current.insert(key, histograms(&row)?);
    }
    let backend = c.get_database_backend();
    let mut params: Vec<Value> = Vec::with_capacity(rows.len() * 10);
    let mut tuples = Vec::with_capacity(rows.len());
    for (k, d) in rows {
        let (mut first, mut resolution) = current.remove(*k).unwrap_or_default();
        first.merge(&d.first_response, 1);
        resolution.merge(&d.resolution, 1);
        let mut tuple = Vec::with_capacity(10);
        for v in key_values(tenant, k).into_iter().chain([first.encode().into(), resolution.encode().into()]) {
            params.push(v);
            tuple.push(match backend {
                DbBackend::Postgres => format!("${}", params.len()),
                _ => "?".to_owned(),
            });
        }
        tuples.push(format!("({})", tuple.join(", ")));
    }
    let names: Vec<String> =
        KEY.iter().chain([FIRST_RESPONSE_HIST, RESOLUTION_HIST].iter()).map(|n| format!("\"{n}\"")).collect();
    let matches: Vec<String> = KEY.iter().map(|n| format!("\"{TABLE}\".\"{n}\" = v.\"{n}\"")).collect();
    // One UPDATE … FROM a VALUES list: both backends take this form.
    let sql = format!(
        "WITH v ({names}) AS (VALUES {tuples}) UPDATE \"{TABLE}\" SET \"{FIRST_RESPONSE_HIST}\" = v.\"{FIRST_RESPONSE_HIST}\", \
         \"{RESOLUTION_HIST}\" = v.\"{RESOLUTION_HIST}\" FROM v WHERE {matches}",
        names = names.join(", "),
        tuples = tuples.join(", "),
        matches = matches.join(" AND "),
    );
    c.execute_raw(Statement::from_sql_and_values(backend, sql, params)).await.map(|_| ())
}

fn histograms(row: &QueryResult) -> Result<(Histogram, Histogram), DbErr> {
    let first: Vec<u8> = row.try_get("", FIRST_RESPONSE_HIST)?;
    let resolution: Vec<u8> = row.try_get("", RESOLUTION_HIST)?;
    Ok((
        Histogram::decode(&first).ok_or_else(bad_histogram)?,
        Histogram::decode(&resolution).ok_or_else(bad_histogram)?,
    ))
}

/// The rows of one request: its layer, its filters, its whole days.
fn read_condition(tenant: &str, days: &Window, filter: &FactFilter, dim: Dimension) -> (Condition, &'static str) {
    let filtered = filter.category.is_some() || filter.channel.is_some() || filter.jurisdiction.is_some();
    let (layer, pinned, group_col) = rollup::layer_for(dim, filtered);
    let mut c =
        Condition::all().add(col("tenant_id").eq(tenant)).add(col("layer").eq(layer)).add(col("pinned").eq(pinned));
    if pinned {
        if let Some(v) = filter.category {
            c = c.add(col("category").eq(v));
        }
        if let Some(v) = filter.channel {
            c = c.add(col("channel").eq(v));
        }
        if let Some(v) = &filter.jurisdiction {
            c = c.add(col("jurisdiction").eq(v.as_str()));
        }
    } else {
        c = c.add(col("category").eq("")).add(col("channel").eq("")).add(col("jurisdiction").eq(""));
    }
    c = c.add(col("day").gte(days.start)).add(col("day").lt(days.end));
    (c, group_col)
}

/// Each group's summed figures over the whole days `days`.
pub async fn rollup_tallies<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    days: &Window,
    filter: &FactFilter,
    dim: Dimension,
) -> Result<Vec<(String, Tally)>, DbErr> {
    let (which, group_col) = read_condition(tenant, days, filter, dim);
    let mut select = Query::select();
    select.expr_as(col(group_col), "group_value");
    for name in COUNTERS {
        // SUM of BIGINT is NUMERIC on PostgreSQL.
        select.expr_as(Func::cast_as(Func::sum(col(name)), Alias::new("BIGINT")), name);
    }
    select.from(Alias::new(TABLE)).cond_where(which).group_by_col(Alias::new(group_col));
    let rows = c.query_all(&select).await?;
    rows.into_iter()
        .map(|row| {
            let value: String = row.try_get("", "group_value")?;
            decode_group_value(&value, dim)?;
            let mut sums = [0i64; 29];
            for (sum, name) in sums.iter_mut().zip(COUNTERS) {
                *sum = row.try_get::<Option<i64>>("", name)?.unwrap_or_default();
            }
            Ok((value, tally(sums)))
        })
        .collect()
}

/// Each group's merged duration histograms (first response, resolution)
/// over the whole days `days`.
pub async fn rollup_histograms<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    days: &Window,
    filter: &FactFilter,
    dim: Dimension,
) -> Result<BTreeMap<String, (Histogram, Histogram)>, DbErr> {
    let (which, group_col) = read_condition(tenant, days, filter, dim);
    let mut select = Query::select();
    select
        .expr_as(col(group_col), "group_value")
        .columns([Alias::new(FIRST_RESPONSE_HIST), Alias::new(RESOLUTION_HIST)])
        .from(Alias::new(TABLE))
        .cond_where(which);
    let mut out: BTreeMap<String, (Histogram, Histogram)> = BTreeMap::new();
    for row in c.query_all(&select).await? {
        let (first, resolution) = histograms(&row)?;
        if first.is_empty() && resolution.is_empty() {
            continue;
        }
        let entry = out.entry(row.try_get("", "group_value")?).or_default();
        entry.0.merge(&first, 1);
        entry.1.merge(&resolution, 1);
    }
    Ok(out)
}

/// Facts per page of a rebuild.
const REBUILD_PAGE: u64 = 1000;

/// Recomputes `tenant`'s rollups from its facts: the migration's backfill
/// and the benchmark seeder's. Facts are read in order of their first
/// activity, so a day's rows are complete (and written once) as soon as the
/// sweep passes it; only later days are held in memory.
pub async fn rebuild<C: ConnectionTrait>(c: &C, tenant: &str) -> Result<(), DbErr> {
    use complaint_fact::Column as Col;
    let mut delete = Query::delete();
    delete.from_table(Alias::new(TABLE)).cond_where(col("tenant_id").eq(tenant));
    c.execute(&delete).await?;
    let mut delete = Query::delete();
    delete.from_table(Alias::new(FACT_DAYS)).cond_where(col("tenant_id").eq(tenant));
    c.execute(&delete).await?;
    let mut pending: BTreeMap<RollupKey, RollupDelta> = BTreeMap::new();
    // Days before this were written; a fact adding to one of them (a moment
    // before its first activity, which the fold never makes) is merged in.
    let mut written_before: Option<DateTime<Utc>> = None;
    let mut after: Option<(DateTime<Utc>, String)> = None;
    loop {
        let mut page = complaint_fact::Entity::find()
            .filter(Col::TenantId.eq(tenant))
            .filter(Col::FirstActivityAt.is_not_null())
            .order_by_asc(Col::FirstActivityAt)
            .order_by_asc(Col::ComplaintId)
            .limit(REBUILD_PAGE);
        if let Some((at, id)) = &after {
            page = page.filter(
                Condition::any()
                    .add(Col::FirstActivityAt.gt(*at))
                    .add(Condition::all().add(Col::FirstActivityAt.eq(*at)).add(Col::ComplaintId.gt(id.as_str()))),
            );
        }
        let facts = page.all(c).await?;
        let Some(last) = facts.last() else { break };
        after = last.first_activity_at.map(|at| (at, last.complaint_id.clone()));
        let mut fact_days = Vec::new();
        let mut late: BTreeMap<RollupKey, RollupDelta> = BTreeMap::new();
        for f in &facts {
            let fact = to_fact(f);
            fact_days.extend(rollup::daily(&fact).into_keys().map(|day| (f.complaint_id.as_str(), day)));
            let mut one = BTreeMap::new();
            rollup::contribute(&fact, 1, &mut one);
            for (k, d) in one {
                let target = if written_before.is_some_and(|b| k.day < b) { &mut late } else { &mut pending };
                target.entry(k).or_default().add_scaled(&d, 1);
            }
        }
        insert_fact_days(c, tenant, &fact_days).await?;
        apply(c, tenant, &late).await?;
        // Every later fact starts on or after this day: earlier days are done.
        let Some((at, _)) = &after else { break };
        let open_from = rollup::day_of(*at);
        let (done, open): (BTreeMap<_, _>, BTreeMap<_, _>) =
            std::mem::take(&mut pending).into_iter().partition(|(k, _)| k.day < open_from);
        insert_new(c, tenant, &done).await?;
        pending = open;
        written_before = Some(open_from);
    }
    insert_new(c, tenant, &pending).await
}

/// The tenants with facts.
pub async fn fact_tenants<C: ConnectionTrait>(c: &C) -> Result<Vec<String>, DbErr> {
    complaint_fact::Entity::find()
        .select_only()
        .column(complaint_fact::Column::TenantId)
        .distinct()
        .into_tuple::<String>()
        .all(c)
        .await
}
