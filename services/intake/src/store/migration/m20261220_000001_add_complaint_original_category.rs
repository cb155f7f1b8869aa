//! `complaints.original_category`: the category a complaint was filed under,
//! kept when resolution recategorises it. Existing rows were never
//! recategorised, so they take their current category.

use sea_orm_migration::{prelude::*, schema::*};

use super::Complaints;

pub(super) struct AddComplaintOriginalCategory;

impl MigrationName for AddComplaintOriginalCategory {
    fn name(&self) -> &str {
        "m20261220_000001_add_complaint_original_category"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddComplaintOriginalCategory {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Complaints::Table)
                    .add_column(string(Complaints::OriginalCategory).default("COMPLAINT_CATEGORY_UNSPECIFIED"))
                    .to_owned(),
            )
            .await?;
        let backfill = Query::update()
            .table(Complaints::Table)
            .value(Complaints::OriginalCategory, Expr::col(Complaints::Category))
            .to_owned();
        manager.exec_stmt(backfill).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Complaints::Table).drop_column(Complaints::OriginalCategory).to_owned())
            .await
    }
}
