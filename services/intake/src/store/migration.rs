//! Intake's schema. The same migrations run on SQLite and PostgreSQL, at start
//! or from `redress-intake migrate` (a Kubernetes Job).

use sea_orm_migration::{prelude::*, schema::*};

mod m20261210_000001_index_complaint_list_filters;
mod m20261220_000001_add_complaint_original_category;
mod m20261226_000001_create_player_data_exports;
mod m20261230_000001_create_erasure_tables;

/// Intake's migrator.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateIntakeTables),
            Box::new(redress_idempotency::migration::CreateIdempotencyRecords),
            Box::new(redress_outbox::migration::CreateOutbox),
            Box::new(m20261210_000001_index_complaint_list_filters::IndexComplaintListFilters),
            Box::new(redress_outbox::migration::IndexPendingRows),
            Box::new(m20261220_000001_add_complaint_original_category::AddComplaintOriginalCategory),
            Box::new(m20261230_000001_create_erasure_tables::CreateErasureTables),
            Box::new(m20261226_000001_create_player_data_exports::CreatePlayerDataExports),
            Box::new(redress_outbox::migration::AddErasedFlag),
        ]
    }
}

struct CreateIntakeTables;

// Names are explicit: the derive would name every migration after its file.
impl MigrationName for CreateIntakeTables {
    fn name(&self) -> &str {
        "m20261125_000001_create_intake_tables"
    }
}

#[derive(DeriveIden)]
enum Complaints {
    Table,
    Id,
    OriginalCategory,
    TenantId,
    Reference,
    PlayerId,
    Jurisdiction,
    Player,
    TransactionReferences,
    DuplicateKey,
    Category,
    CategoryInferred,
    Subject,
    Description,
    Channel,
    IncidentAt,
    DisputedAmountMinor,
    DisputedCurrency,
    Status,
    Priority,
    Kind,
    ResponsibleGambling,
    HarmIndicators,
    DuplicateOf,
    AcknowledgeDueAt,
    FinalResponseDueAt,
    PolicyJurisdiction,
    PolicyVersion,
    Outcome,
    CaseName,
    LastCaseSequence,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Interactions {
    Table,
    Id,
    TenantId,
    ComplaintId,
    Kind,
    Direction,
    Channel,
    Body,
    Author,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReferenceCounters {
    Table,
    TenantId,
    Year,
    LastValue,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateIntakeTables {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Complaints::Table)
                    .if_not_exists()
                    .col(string(Complaints::Id).primary_key())
                    .col(string(Complaints::TenantId))
                    .col(string(Complaints::Reference))
                    .col(string(Complaints::PlayerId))
                    .col(string(Complaints::Jurisdiction))
                    .col(blob(Complaints::Player))
                    .col(blob(Complaints::TransactionReferences))
                    .col(string_null(Complaints::DuplicateKey))
                    .col(string(Complaints::Category))
                    .col(boolean(Complaints::CategoryInferred))
                    .col(string(Complaints::Subject))
                    .col(text(Complaints::Description))
                    .col(string(Complaints::Channel))
                    .col(timestamp_with_time_zone(Complaints::IncidentAt))
                    .col(big_integer_null(Complaints::DisputedAmountMinor))
                    .col(string_null(Complaints::DisputedCurrency))
                    .col(string(Complaints::Status))
                    .col(string(Complaints::Priority))
                    .col(string(Complaints::Kind))
                    .col(boolean(Complaints::ResponsibleGambling))
                    .col(string(Complaints::HarmIndicators))
                    .col(string_null(Complaints::DuplicateOf))
                    .col(timestamp_with_time_zone(Complaints::AcknowledgeDueAt))
                    .col(timestamp_with_time_zone(Complaints::FinalResponseDueAt))
                    .col(string(Complaints::PolicyJurisdiction))
                    .col(string(Complaints::PolicyVersion))
                    .col(string(Complaints::Outcome))
                    .col(string_null(Complaints::CaseName))
                    .col(big_integer(Complaints::LastCaseSequence))
                    .col(big_integer(Complaints::Version))
                    .col(timestamp_with_time_zone(Complaints::CreatedAt))
                    .col(timestamp_with_time_zone(Complaints::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [("complaints_tenant_reference", vec![Complaints::TenantId, Complaints::Reference])] {
            let mut index = Index::create().name(name).table(Complaints::Table).unique().to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }
        for (name, cols) in [
            ("complaints_tenant_id", vec![Complaints::TenantId, Complaints::Id]),
            ("complaints_tenant_player", vec![Complaints::TenantId, Complaints::PlayerId, Complaints::Id]),
            ("complaints_tenant_status", vec![Complaints::TenantId, Complaints::Status, Complaints::Id]),
            ("complaints_duplicate_key", vec![Complaints::TenantId, Complaints::PlayerId, Complaints::DuplicateKey]),
        ] {
            let mut index = Index::create().name(name).table(Complaints::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Interactions::Table)
                    .if_not_exists()
                    .col(string(Interactions::Id).primary_key())
                    .col(string(Interactions::TenantId))
                    .col(string(Interactions::ComplaintId))
                    .col(string(Interactions::Kind))
                    .col(string(Interactions::Direction))
                    .col(string(Interactions::Channel))
                    .col(text(Interactions::Body))
                    .col(string(Interactions::Author))
                    .col(string_null(Interactions::Status))
                    .col(timestamp_with_time_zone(Interactions::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("interactions_complaint")
                    .table(Interactions::Table)
                    .col(Interactions::TenantId)
                    .col(Interactions::ComplaintId)
                    .col(Interactions::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ReferenceCounters::Table)
                    .if_not_exists()
                    .col(string(ReferenceCounters::TenantId))
                    .col(integer(ReferenceCounters::Year))
                    .col(big_integer(ReferenceCounters::LastValue))
                    .primary_key(Index::create().col(ReferenceCounters::TenantId).col(ReferenceCounters::Year))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in
            [Complaints::Table.into_iden(), Interactions::Table.into_iden(), ReferenceCounters::Table.into_iden()]
        {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
