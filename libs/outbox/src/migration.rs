//! The migration that creates the `outbox` table; every service lists it in
//! its own migrator.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `outbox` and its index of rows by delivery and due time (the
/// purge and the backlog gauges read it).
pub struct CreateOutbox;

impl MigrationName for CreateOutbox {
    fn name(&self) -> &str {
        "m20261125_000100_create_outbox"
    }
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    TenantId,
    Destination,
    Method,
    Payload,
    TraceContext,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    CreatedAt,
    DeliveredAt,
    Erased,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateOutbox {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Outbox::Id))
                    .col(string(Outbox::TenantId))
                    .col(string(Outbox::Destination))
                    .col(string(Outbox::Method))
                    .col(blob(Outbox::Payload))
                    .col(text(Outbox::TraceContext))
                    .col(integer(Outbox::Attempts))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Outbox::LeaseUntil))
                    .col(text_null(Outbox::LastError))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(Outbox::DeliveredAt))
                    .to_owned(),
            )
            .await?;
        // Pending rows by due time: what the relay's claim query scans.
        manager
            .create_index(
                Index::create()
                    .name("outbox_pending_due")
                    .table(Outbox::Table)
                    .col(Outbox::DeliveredAt)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Outbox::Table).to_owned()).await
    }
}

/// Adds `outbox_pending`: the due times of undelivered rows only. The claim
/// reads it in order and stops after `batch_size` entries; with only
/// `outbox_pending_due`, PostgreSQL cannot order by `next_attempt_at` under
/// `delivered_at IS NULL` and sorted the whole backlog on every claim
/// (154 ms at 100,000 pending rows against 0.2 ms; docs/performance.md).
pub struct IndexPendingRows;

impl MigrationName for IndexPendingRows {
    fn name(&self) -> &str {
        "m20261211_000100_index_pending_outbox_rows"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for IndexPendingRows {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("outbox_pending")
                    .table(Outbox::Table)
                    .col(Outbox::NextAttemptAt)
                    .and_where(Expr::col(Outbox::DeliveredAt).is_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("outbox_pending").table(Outbox::Table).to_owned()).await
    }
}

/// Adds `erased`: a pending row an erasure found personal data in is
/// deleted when delivered (the peer erases it on arrival), not kept for
/// `keep_delivered_hours`.
pub struct AddErasedFlag;

impl MigrationName for AddErasedFlag {
    fn name(&self) -> &str {
        "m20261231_000110_add_outbox_erased_flag"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddErasedFlag {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Outbox::Table).add_column(boolean(Outbox::Erased).default(false)).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Outbox::Table).drop_column(Outbox::Erased).to_owned()).await
    }
}
