//! The rows one request writes, sent to the database together.

use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, Insert, QueryTrait, Statement,
    sea_query::{Alias, CommonTableExpression, InsertStatement, Query},
};

/// INSERTs collected during a write and executed at its end, in the order
/// they were pushed, in one call to the database: a request's complaint,
/// interaction, outbox rows and idempotency record cost one round trip, not
/// one each. On PostgreSQL they are ONE statement, each INSERT but the last
/// a data-modifying CTE (`WITH w0 AS (INSERT …), w1 AS (INSERT …) INSERT
/// …`), all-or-nothing. SQLite has no INSERT in a CTE: the statements go as
/// one multi-statement text that its connection thread runs in one hand-off
/// (sqlx binds the `?` values across them in order); run it inside the
/// caller's transaction, which a failure rolls back. The rows are not
/// visible to reads before [`execute`]: push only rows nothing in the same
/// write reads back.
///
/// [`execute`]: Inserts::execute
#[derive(Default)]
pub struct Inserts(Vec<InsertStatement>);

impl Inserts {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one row.
    pub fn push<A: ActiveModelTrait>(&mut self, insert: Insert<A>) {
        self.0.push(insert.into_query());
    }

    /// Adds rows of one table as one multi-row INSERT (nothing when there
    /// are none).
    pub fn push_many<A: ActiveModelTrait>(&mut self, rows: impl IntoIterator<Item = A>) {
        let rows: Vec<A> = rows.into_iter().collect();
        if !rows.is_empty() {
            self.0.push(A::Entity::insert_many(rows).into_query());
        }
    }

    /// Executes the INSERTs (inside the caller's transaction, if any).
    pub async fn execute(self, conn: &impl ConnectionTrait) -> Result<(), DbErr> {
        let backend = conn.get_database_backend();
        let mut statements = self.0;
        match backend {
            DbBackend::Postgres if statements.len() > 1 => {
                let Some(last) = statements.pop() else { return Ok(()) };
                let mut with = Query::with();
                for (i, statement) in statements.into_iter().enumerate() {
                    with.cte(
                        CommonTableExpression::new()
                            .query(statement)
                            .table_name(Alias::new(format!("w{i}")))
                            .to_owned(),
                    );
                }
                conn.execute(&last.with(with)).await.map(|_| ())
            }
            DbBackend::Sqlite if statements.len() > 1 => {
                let mut sql = String::new();
                let mut values = Vec::new();
                for statement in &statements {
                    let built = backend.build(statement);
                    sql.push_str(&built.sql);
                    sql.push_str(";\n");
                    values.extend(built.values.map(|v| v.0).unwrap_or_default());
                }
                conn.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await.map(|_| ())
            }
            _ => {
                for statement in &statements {
                    conn.execute(statement).await?;
                }
                Ok(())
            }
        }
    }
}
