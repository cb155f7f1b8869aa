//! What every service's erasure shares: the placeholder that replaces
//! erased text, finding the stored copies of erased values (saved
//! idempotency responses, outbox payloads) by the values themselves, and
//! the record of erased complaints that keeps late arrivals from bringing
//! personal data back.

use redress_proto::common::v1::Player;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};
use sea_orm_migration::{prelude::*, schema::*};

/// What erased free text reads afterwards.
pub const ERASED: &str = "[erased]";

/// The player without name and e-mail (id, language, jurisdiction, channel
/// and flags stay: they carry no identity beyond the casino's own key, and
/// the jurisdiction decides retention and returns); and the values removed.
pub fn erase_player(player: &Player) -> (Player, Vec<String>) {
    let mut kept = player.clone();
    let found = [std::mem::take(&mut kept.display_name), std::mem::take(&mut kept.email)]
        .into_iter()
        .filter(|v| !v.is_empty())
        .collect();
    (kept, found)
}

/// `text` erased: the placeholder, or empty when it was empty; the value
/// held is added to `found`.
pub fn erase_text(text: &str, found: &mut Vec<String>) -> String {
    if text.is_empty() || text == ERASED {
        return text.to_owned();
    }
    found.push(text.to_owned());
    ERASED.to_owned()
}

/// Text arriving about an erased complaint, as it is stored (see
/// [`erase_text`]; nothing is searched for it).
pub fn erased(text: &str) -> String {
    erase_text(text, &mut Vec::new())
}

/// Values shorter than this are not searched for in stored copies: too
/// likely to match what is not theirs.
const MIN_NEEDLE: usize = 3;

/// The distinct personal values worth searching stored copies for: trimmed,
/// not empty, not too short, not already erased.
pub fn needles<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = values
        .into_iter()
        .map(str::trim)
        .filter(|v| v.chars().count() >= MIN_NEEDLE && *v != ERASED)
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Runs `sql_of(contains)` once per needle, where `contains` is the
/// backend's condition "`column` (bytes) contains parameter 2" and
/// parameter 1 is the tenant. Returns the rows affected.
pub async fn for_each_needle<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    needles: &[String],
    column: &str,
    sql_of: impl Fn(&str) -> String,
) -> Result<u64, DbErr> {
    let backend = c.get_database_backend();
    let contains = match backend {
        DbBackend::Postgres => format!("position(convert_to($2, 'UTF8') in {column}) > 0"),
        _ => format!("instr({column}, CAST(?2 AS BLOB)) > 0"),
    };
    let sql = sql_of(&contains);
    let sql = match backend {
        DbBackend::Postgres => sql,
        _ => sql.replace("$1", "?1"),
    };
    let mut affected = 0;
    for needle in needles {
        let values: Vec<Value> = vec![tenant.into(), needle.as_str().into()];
        affected += c.execute_raw(Statement::from_sql_and_values(backend, sql.clone(), values)).await?.rows_affected();
    }
    Ok(affected)
}

/// Records that `erasure` erased `complaints` (resource names,
/// `complaints/{id}`). Outbox deliveries are not ordered, so a write about
/// such a complaint (a case opened, a message to send, a survey) can reach a
/// service after the erasure did; the service looks here and erases it on
/// arrival (see [`erasure_of`]). Call it in the erasure's transaction
/// BEFORE reading the records to erase: it takes each complaint's erasure
/// lock, so a write of one of them running at the same time has either
/// committed (and is read) or waits and then sees the record. The first
/// erasure of a complaint is kept.
pub async fn remember_erased<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    erasure: &str,
    complaints: &[String],
) -> Result<(), DbErr> {
    let backend = c.get_database_backend();
    let now = chrono::Utc::now();
    // One order for every erasure, so two never wait on each other.
    let mut complaints: Vec<&str> = complaints.iter().map(String::as_str).filter(|c| !c.is_empty()).collect();
    complaints.sort_unstable();
    complaints.dedup();
    for complaint in complaints {
        lock(c, tenant, complaint).await?;
        let sql = "INSERT INTO erased_complaints (tenant_id, complaint, erasure, erased_at) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (tenant_id, complaint) DO NOTHING";
        let values: Vec<Value> = vec![tenant.into(), complaint.into(), erasure.into(), now.into()];
        c.execute_raw(Statement::from_sql_and_values(backend, numbered(backend, sql), values)).await?;
    }
    Ok(())
}

/// The erasure that erased `complaint` (`complaints/{id}`) of `tenant`, if
/// one did: a write about it is then erased as it arrives. Call it in the
/// writing transaction: it takes the complaint's erasure lock (see
/// [`remember_erased`]), held until that transaction ends.
pub async fn erasure_of<C: ConnectionTrait>(c: &C, tenant: &str, complaint: &str) -> Result<Option<String>, DbErr> {
    if complaint.is_empty() {
        return Ok(None);
    }
    lock(c, tenant, complaint).await?;
    let backend = c.get_database_backend();
    let sql = "SELECT erasure FROM erased_complaints WHERE tenant_id = $1 AND complaint = $2";
    let stmt = Statement::from_sql_and_values(backend, numbered(backend, sql), [tenant.into(), complaint.into()]);
    let row = c.query_one_raw(stmt).await?;
    row.map(|r| r.try_get::<String>("", "erasure")).transpose()
}

/// A complaint's erasure lock, until the transaction ends: a PostgreSQL
/// advisory lock on a hash of tenant and complaint (a collision only makes
/// two complaints wait on each other). SQLite runs one transaction at a
/// time, so it needs none.
async fn lock<C: ConnectionTrait>(c: &C, tenant: &str, complaint: &str) -> Result<(), DbErr> {
    if c.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let sql = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
    let key = format!("erasure/{tenant}/{complaint}");
    c.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, [key.into()])).await?;
    Ok(())
}

/// `sql` with `$n` parameters, as the backend numbers them.
fn numbered(backend: DbBackend, sql: &str) -> String {
    match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    }
}

/// Creates `erased_complaints` (see [`remember_erased`]); the services that
/// receive writes about complaints from their peers list it in their
/// migrators.
pub struct CreateErasedComplaints;

impl MigrationName for CreateErasedComplaints {
    fn name(&self) -> &str {
        "m20261231_000100_create_erased_complaints"
    }
}

#[derive(DeriveIden)]
enum ErasedComplaints {
    Table,
    TenantId,
    Complaint,
    Erasure,
    ErasedAt,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for CreateErasedComplaints {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ErasedComplaints::Table)
                    .if_not_exists()
                    .col(string(ErasedComplaints::TenantId))
                    .col(string(ErasedComplaints::Complaint))
                    .col(string(ErasedComplaints::Erasure))
                    .col(timestamp_with_time_zone(ErasedComplaints::ErasedAt))
                    .primary_key(Index::create().col(ErasedComplaints::TenantId).col(ErasedComplaints::Complaint))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ErasedComplaints::Table).to_owned()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_player_keeps_the_key_and_loses_the_identity() {
        let p = Player {
            player_id: "p-1".into(),
            display_name: "Ann CANARY".into(),
            email: "canary@example.com".into(),
            language_code: "en".into(),
            jurisdiction: "GB".into(),
            ..Default::default()
        };
        let (kept, found) = erase_player(&p);
        assert_eq!((kept.player_id.as_str(), kept.jurisdiction.as_str()), ("p-1", "GB"));
        assert_eq!((kept.player_id.as_str(), kept.language_code.as_str()), ("p-1", "en"));
        assert!(kept.display_name.is_empty() && kept.email.is_empty());
        assert_eq!(found, ["Ann CANARY", "canary@example.com"]);
        assert!(erase_player(&kept).1.is_empty(), "erasing twice is harmless");
    }

    #[test]
    fn texts_are_found_and_replaced() {
        let mut found = Vec::new();
        assert_eq!(erase_text("Dear CANARY", &mut found), ERASED);
        assert_eq!(erase_text("", &mut found), "");
        assert_eq!(erase_text(ERASED, &mut found), ERASED);
        assert_eq!(found, ["Dear CANARY"]);
        assert_eq!((erased("CANARY").as_str(), erased("").as_str()), (ERASED, ""));
    }

    #[test]
    fn needles_are_distinct_trimmed_and_long_enough() {
        let found = needles([" Ann Canary ", "Ann Canary", "", "ab", ERASED, "ann@example.com"]);
        assert_eq!(found, ["Ann Canary", "ann@example.com"]);
    }
}
