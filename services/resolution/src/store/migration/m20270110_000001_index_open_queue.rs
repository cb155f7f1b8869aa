//! The open queue (ListCases' default view: the five open states) from
//! partial indexes that hold the open cases only. The full indexes order
//! every case by due time, and a resolved or closed case has none: it sorts
//! last as "never due". So a page near the end of the open queue walked past
//! every closed case of its filter, one heap row each, to learn that no open
//! one was left: at 1,000,000 cases on PostgreSQL the open queue's last page
//! dropped 798,000 rows (1,011 ms) and a withdrawal queue's 362,000 (1,027
//! ms; docs/performance.md). These indexes end
//! where the open cases end. Cheap to keep: only open cases are in them.
//! Player and follow-up lists are short or not of the open queue and keep
//! the full indexes.

use sea_orm_migration::prelude::*;

use crate::store::OPEN_QUEUE;

pub(super) struct IndexOpenQueue;

/// (name, the filter column before the queue order, if any).
const INDEXES: [(&str, Option<&str>); 5] = [
    ("cases_open_queue", None),
    ("cases_open_category", Some("category")),
    ("cases_open_jurisdiction", Some("jurisdiction")),
    ("cases_open_queue_name", Some("queue")),
    ("cases_open_assignee", Some("assignee")),
];

impl MigrationName for IndexOpenQueue {
    fn name(&self) -> &str {
        "m20270110_000001_index_open_queue"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for IndexOpenQueue {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The same statement on both backends. The predicate is the literal
        // list_cases adds for the open queue: SQLite uses a partial index
        // only for a query term that matches its WHERE exactly.
        for (name, by) in INDEXES {
            let by = by.map(|c| format!("{c}, ")).unwrap_or_default();
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "CREATE INDEX IF NOT EXISTS {name} ON cases \
                     (tenant_id, {by}due_at, priority_rank, created_at, id) WHERE {OPEN_QUEUE}"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager.drop_index(Index::drop().name(name).table(Alias::new("cases")).to_owned()).await?;
        }
        Ok(())
    }
}
