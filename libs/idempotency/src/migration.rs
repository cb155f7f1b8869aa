//! The migration that creates `idempotency_records`; every service lists it
//! in its own migrator.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `idempotency_records`.
pub struct CreateIdempotencyRecords;

impl MigrationName for CreateIdempotencyRecords {
    fn name(&self) -> &str {
        "m20261125_000090_create_idempotency_records"
    }
}

#[derive(DeriveIden)]
enum IdempotencyRecords {
    Table,
    TenantId,
    Method,
    RequestId,
    Fingerprint,
    Response,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateIdempotencyRecords {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyRecords::Table)
                    .if_not_exists()
                    .col(string(IdempotencyRecords::TenantId))
                    .col(string(IdempotencyRecords::Method))
                    .col(string(IdempotencyRecords::RequestId))
                    .col(string(IdempotencyRecords::Fingerprint))
                    .col(blob(IdempotencyRecords::Response))
                    .col(timestamp_with_time_zone(IdempotencyRecords::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyRecords::TenantId)
                            .col(IdempotencyRecords::Method)
                            .col(IdempotencyRecords::RequestId),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(IdempotencyRecords::Table).to_owned()).await
    }
}
