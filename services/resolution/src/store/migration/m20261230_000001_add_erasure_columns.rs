//! Erasure: case events in chain version 2 (`chain_version`, the salted
//! `summary_hash` and its `summary_salt`, `erased_at`), and `erased_at` on
//! evidence whose bytes were deleted. Existing events get version 0 (the
//! original format, unchanged: their hashes still verify).

use sea_orm_migration::{prelude::*, schema::*};

pub(super) struct AddErasureColumns;

impl MigrationName for AddErasureColumns {
    fn name(&self) -> &str {
        "m20261230_000001_add_erasure_columns"
    }
}

#[derive(DeriveIden)]
enum CaseEvents {
    Table,
    ChainVersion,
    SummaryHash,
    SummarySalt,
    ErasedAt,
}

#[derive(DeriveIden)]
enum Evidence {
    Table,
    ErasedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for AddErasureColumns {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for column in [
            integer(CaseEvents::ChainVersion).default(0).to_owned(),
            string(CaseEvents::SummaryHash).default("").to_owned(),
            string(CaseEvents::SummarySalt).default("").to_owned(),
            timestamp_with_time_zone_null(CaseEvents::ErasedAt).to_owned(),
        ] {
            let mut column = column;
            manager.alter_table(Table::alter().table(CaseEvents::Table).add_column(&mut column).to_owned()).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Evidence::Table)
                    .add_column(timestamp_with_time_zone_null(Evidence::ErasedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [CaseEvents::ChainVersion, CaseEvents::SummaryHash, CaseEvents::SummarySalt, CaseEvents::ErasedAt]
        {
            manager.alter_table(Table::alter().table(CaseEvents::Table).drop_column(column).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(Evidence::Table).drop_column(Evidence::ErasedAt).to_owned()).await
    }
}
