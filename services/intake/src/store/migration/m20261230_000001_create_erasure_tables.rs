//! Erasure: legal holds, erasures with their per-service progress,
//! retention sweeps, and `complaints.erased_at`.

use sea_orm_migration::{prelude::*, schema::*};

use super::Complaints;

pub(super) struct CreateErasureTables;

impl MigrationName for CreateErasureTables {
    fn name(&self) -> &str {
        "m20261230_000001_create_erasure_tables"
    }
}

#[derive(DeriveIden)]
enum LegalHolds {
    Table,
    Id,
    TenantId,
    PlayerId,
    Reason,
    EndAt,
    Creator,
    CreatedAt,
    ReleasedAt,
    Releaser,
    ReleaseReason,
    Version,
}

#[derive(DeriveIden)]
enum Erasures {
    Table,
    Id,
    TenantId,
    PlayerId,
    Trigger,
    Reason,
    Complaints,
    Requester,
    CreatedAt,
    ResolutionDoneAt,
    NotificationDoneAt,
    FeedbackDoneAt,
    CompletedAt,
}

#[derive(DeriveIden)]
enum RetentionSweeps {
    Table,
    Id,
    TenantId,
    RunAt,
    Examined,
    Erased,
    Held,
    Erasures,
    Holds,
}

#[derive(DeriveIden)]
enum ComplaintErasure {
    ErasedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateErasureTables {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LegalHolds::Table)
                    .if_not_exists()
                    .col(string(LegalHolds::Id).primary_key())
                    .col(string(LegalHolds::TenantId))
                    .col(string(LegalHolds::PlayerId))
                    .col(text(LegalHolds::Reason))
                    .col(timestamp_with_time_zone(LegalHolds::EndAt))
                    .col(string(LegalHolds::Creator))
                    .col(timestamp_with_time_zone(LegalHolds::CreatedAt))
                    .col(timestamp_with_time_zone_null(LegalHolds::ReleasedAt))
                    .col(string(LegalHolds::Releaser))
                    .col(text(LegalHolds::ReleaseReason))
                    .col(big_integer(LegalHolds::Version))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("legal_holds_player")
                    .table(LegalHolds::Table)
                    .col(LegalHolds::TenantId)
                    .col(LegalHolds::PlayerId)
                    .col(LegalHolds::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Erasures::Table)
                    .if_not_exists()
                    .col(string(Erasures::Id).primary_key())
                    .col(string(Erasures::TenantId))
                    .col(string(Erasures::PlayerId))
                    .col(string(Erasures::Trigger))
                    .col(text(Erasures::Reason))
                    .col(text(Erasures::Complaints))
                    .col(string(Erasures::Requester))
                    .col(timestamp_with_time_zone(Erasures::CreatedAt))
                    .col(timestamp_with_time_zone_null(Erasures::ResolutionDoneAt))
                    .col(timestamp_with_time_zone_null(Erasures::NotificationDoneAt))
                    .col(timestamp_with_time_zone_null(Erasures::FeedbackDoneAt))
                    .col(timestamp_with_time_zone_null(Erasures::CompletedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("erasures_tenant_player")
                    .table(Erasures::Table)
                    .col(Erasures::TenantId)
                    .col(Erasures::PlayerId)
                    .col(Erasures::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RetentionSweeps::Table)
                    .if_not_exists()
                    .col(string(RetentionSweeps::Id).primary_key())
                    .col(string(RetentionSweeps::TenantId))
                    .col(timestamp_with_time_zone(RetentionSweeps::RunAt))
                    .col(big_integer(RetentionSweeps::Examined))
                    .col(big_integer(RetentionSweeps::Erased))
                    .col(big_integer(RetentionSweeps::Held))
                    .col(text(RetentionSweeps::Erasures))
                    .col(text(RetentionSweeps::Holds))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Complaints::Table)
                    .add_column(timestamp_with_time_zone_null(ComplaintErasure::ErasedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Complaints::Table).drop_column(ComplaintErasure::ErasedAt).to_owned())
            .await?;
        for table in [LegalHolds::Table.into_iden(), Erasures::Table.into_iden(), RetentionSweeps::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
