//! Subject-access exports: the job row and the archive in chunk rows of at
//! most 256 KiB (see docs/privacy.md, "Subject access export").

use sea_orm_migration::{prelude::*, schema::*};

pub(super) struct CreatePlayerDataExports;

impl MigrationName for CreatePlayerDataExports {
    fn name(&self) -> &str {
        "m20261226_000001_create_player_data_exports"
    }
}

#[derive(DeriveIden)]
enum PlayerDataExports {
    Table,
    Id,
    TenantId,
    RequestId,
    PlayerId,
    RequestedBy,
    State,
    PartsDone,
    RecordsGathered,
    BytesWritten,
    ChunkCount,
    Manifest,
    Attempts,
    Error,
    NextAttemptAt,
    LeaseUntil,
    ArchiveSizeBytes,
    ArchiveSha256,
    CreatedAt,
    CompletedAt,
    ExpireAt,
}

#[derive(DeriveIden)]
enum PlayerDataExportChunks {
    Table,
    ExportId,
    Seq,
    TenantId,
    Data,
}

#[async_trait::async_trait]
impl MigrationTrait for CreatePlayerDataExports {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PlayerDataExports as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .if_not_exists()
                    .col(string(E::Id).primary_key())
                    .col(string(E::TenantId))
                    .col(string(E::RequestId))
                    .col(string(E::PlayerId))
                    .col(string(E::RequestedBy))
                    .col(string(E::State))
                    .col(text(E::PartsDone))
                    .col(big_integer(E::RecordsGathered))
                    .col(big_integer(E::BytesWritten))
                    .col(integer(E::ChunkCount))
                    .col(text(E::Manifest))
                    .col(integer(E::Attempts))
                    .col(text(E::Error))
                    .col(timestamp_with_time_zone(E::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(E::LeaseUntil))
                    .col(big_integer(E::ArchiveSizeBytes))
                    .col(string(E::ArchiveSha256))
                    .col(timestamp_with_time_zone(E::CreatedAt))
                    .col(timestamp_with_time_zone_null(E::CompletedAt))
                    .col(timestamp_with_time_zone_null(E::ExpireAt))
                    .to_owned(),
            )
            .await?;
        // The idempotency key, and the worker's and the janitor's scans.
        redress_db::create_index(manager, "player_data_exports_request", E::Table, [E::TenantId, E::RequestId], true)
            .await?;
        redress_db::create_index(manager, "player_data_exports_due", E::Table, [E::State, E::NextAttemptAt], false)
            .await?;
        redress_db::create_index(manager, "player_data_exports_expiry", E::Table, [E::State, E::ExpireAt], false)
            .await?;
        use PlayerDataExportChunks as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .if_not_exists()
                    .col(string(C::ExportId))
                    .col(integer(C::Seq))
                    .col(string(C::TenantId))
                    .col(blob(C::Data))
                    .primary_key(Index::create().col(C::ExportId).col(C::Seq))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PlayerDataExportChunks::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(PlayerDataExports::Table).to_owned()).await
    }
}
