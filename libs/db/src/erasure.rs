//! What every service's erasure shares: the placeholder that replaces
//! erased text, and finding the stored copies of erased values (saved
//! idempotency responses, delivered outbox payloads) by the values
//! themselves.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};

/// What erased free text reads afterwards.
pub const ERASED: &str = "[erased]";

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needles_are_distinct_trimmed_and_long_enough() {
        let found = needles([" Ann Canary ", "Ann Canary", "", "ab", ERASED, "ann@example.com"]);
        assert_eq!(found, ["Ann Canary", "ann@example.com"]);
    }
}
