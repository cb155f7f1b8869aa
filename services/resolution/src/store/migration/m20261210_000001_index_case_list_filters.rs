//! ListCases filtered by category, jurisdiction, queue or follow-up, in queue
//! order, as an index range scan. Without these the list walked the tenant's
//! whole queue (`cases_queue_due`) and discarded every case of another value:
//! a rare category cost a scan of most of the table per page. Assignee and
//! player have theirs since m20261201_000001.

use sea_orm_migration::prelude::*;

use super::Cases;

pub(super) struct IndexCaseListFilters;

const INDEXES: [(&str, Cases); 4] = [
    ("cases_category_queue", Cases::Category),
    ("cases_jurisdiction_queue", Cases::Jurisdiction),
    ("cases_queue_name_queue", Cases::Queue),
    ("cases_follow_up_queue", Cases::FollowUpPending),
];

impl MigrationName for IndexCaseListFilters {
    fn name(&self) -> &str {
        "m20261210_000001_index_case_list_filters"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for IndexCaseListFilters {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // (tenant, filter, queue order): the queue orders by (due_at,
        // priority_rank, created_at, id) and its page token is that tuple, so
        // a page is one range of this index; the state filter of the default
        // queue is checked on the rows read.
        for (name, by) in INDEXES {
            let index = Index::create()
                .name(name)
                .table(Cases::Table)
                .if_not_exists()
                .col(Cases::TenantId)
                .col(by)
                .col(Cases::DueAt)
                .col(Cases::PriorityRank)
                .col(Cases::CreatedAt)
                .col(Cases::Id)
                .to_owned();
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager.drop_index(Index::drop().name(name).table(Cases::Table).to_owned()).await?;
        }
        Ok(())
    }
}
