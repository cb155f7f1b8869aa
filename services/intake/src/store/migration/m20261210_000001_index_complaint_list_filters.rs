//! ListComplaints filtered by category, channel or jurisdiction, newest first,
//! as an index range scan. Without these the list walked the tenant's whole
//! id index backwards and discarded every row of another value: a rare
//! category cost a scan of most of the table per page. (Player and status
//! lists already had theirs in the first migration.)

use sea_orm_migration::prelude::*;

use super::Complaints;

pub(super) struct IndexComplaintListFilters;

const INDEXES: [(&str, Complaints); 3] = [
    ("complaints_tenant_category", Complaints::Category),
    ("complaints_tenant_channel", Complaints::Channel),
    ("complaints_tenant_jurisdiction", Complaints::Jurisdiction),
];

impl MigrationName for IndexComplaintListFilters {
    fn name(&self) -> &str {
        "m20261210_000001_index_complaint_list_filters"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for IndexComplaintListFilters {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // (tenant, filter, id): the list orders by id (UUIDv7) and its page
        // token is the last id, so a page is one range of this index.
        for (name, by) in INDEXES {
            let index = Index::create()
                .name(name)
                .table(Complaints::Table)
                .if_not_exists()
                .col(Complaints::TenantId)
                .col(by)
                .col(Complaints::Id)
                .to_owned();
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager.drop_index(Index::drop().name(name).table(Complaints::Table).to_owned()).await?;
        }
        Ok(())
    }
}
