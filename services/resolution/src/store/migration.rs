//! Resolution's schema. The same migrations run on SQLite and PostgreSQL, at
//! start or from `redress-resolution migrate` (a Kubernetes Job).

use sea_orm_migration::{prelude::*, schema::*};

mod m20261210_000001_index_case_list_filters;
mod m20261215_000001_create_evidence_tables;
mod m20261220_000001_create_queue_tables;
mod m20261230_000001_add_erasure_columns;
mod m20270105_000001_add_evidence_complaint;
mod m20270110_000001_index_open_queue;

/// Resolution's migrator.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateResolutionTables),
            Box::new(redress_idempotency::migration::CreateIdempotencyRecords),
            Box::new(redress_outbox::migration::CreateOutbox),
            Box::new(IndexCasesByAssigneeAndPlayer),
            Box::new(m20261210_000001_index_case_list_filters::IndexCaseListFilters),
            Box::new(redress_outbox::migration::IndexPendingRows),
            Box::new(m20261215_000001_create_evidence_tables::CreateEvidenceTables),
            Box::new(m20261220_000001_create_queue_tables::CreateQueueTables),
            Box::new(m20261230_000001_add_erasure_columns::AddErasureColumns),
            Box::new(redress_outbox::migration::AddErasedFlag),
            Box::new(redress_db::erasure::CreateErasedComplaints),
            Box::new(m20270105_000001_add_evidence_complaint::AddEvidenceComplaint),
            Box::new(m20270110_000001_index_open_queue::IndexOpenQueue),
        ]
    }
}

struct CreateResolutionTables;

// Names are explicit: the derive would name every migration after its file.
impl MigrationName for CreateResolutionTables {
    fn name(&self) -> &str {
        "m20261125_000001_create_resolution_tables"
    }
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    TenantId,
    ComplaintId,
    State,
    Assignee,
    Queue,
    PriorityRank,
    Category,
    Jurisdiction,
    PlayerId,
    ResponsibleGambling,
    FollowUpPending,
    DueAt,
    WarnAt,
    SweepAt,
    DisputedAt,
    ReferredAt,
    LastEventSequence,
    HeadHash,
    Version,
    Body,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CaseEvents {
    Table,
    CaseId,
    Sequence,
    TenantId,
    EventType,
    Actor,
    State,
    PayloadSummary,
    Payload,
    PayloadHash,
    PreviousHash,
    Hash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Macros {
    Table,
    Id,
    TenantId,
    Key,
    DisplayName,
    Purpose,
    Category,
    LanguageCode,
    ResolutionType,
    Body,
    Active,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateResolutionTables {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Cases::Table)
                    .if_not_exists()
                    .col(string(Cases::Id).primary_key())
                    .col(string(Cases::TenantId))
                    .col(string(Cases::ComplaintId))
                    .col(string(Cases::State))
                    .col(string(Cases::Assignee))
                    .col(string(Cases::Queue))
                    .col(integer(Cases::PriorityRank))
                    .col(string(Cases::Category))
                    .col(string(Cases::Jurisdiction))
                    .col(string(Cases::PlayerId))
                    .col(boolean(Cases::ResponsibleGambling))
                    .col(boolean(Cases::FollowUpPending))
                    .col(timestamp_with_time_zone(Cases::DueAt))
                    .col(timestamp_with_time_zone(Cases::WarnAt))
                    .col(timestamp_with_time_zone(Cases::SweepAt))
                    .col(timestamp_with_time_zone_null(Cases::DisputedAt))
                    .col(timestamp_with_time_zone_null(Cases::ReferredAt))
                    .col(big_integer(Cases::LastEventSequence))
                    .col(string(Cases::HeadHash))
                    .col(big_integer(Cases::Version))
                    .col(blob(Cases::Body))
                    .col(timestamp_with_time_zone(Cases::CreatedAt))
                    .col(timestamp_with_time_zone(Cases::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("cases_tenant_complaint")
                    .table(Cases::Table)
                    .unique()
                    .col(Cases::TenantId)
                    .col(Cases::ComplaintId)
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            // The queue's order: nearest due, most urgent, oldest.
            (
                "cases_queue_order",
                vec![Cases::TenantId, Cases::State, Cases::DueAt, Cases::PriorityRank, Cases::CreatedAt, Cases::Id],
            ),
            // The same order across states: the default queue (five open
            // states) walks this index instead of sorting every open case.
            ("cases_queue_due", vec![Cases::TenantId, Cases::DueAt, Cases::PriorityRank, Cases::CreatedAt, Cases::Id]),
            ("cases_sweep", vec![Cases::SweepAt]),
            ("cases_disputed", vec![Cases::TenantId, Cases::Jurisdiction, Cases::DisputedAt]),
            ("cases_referred", vec![Cases::TenantId, Cases::Jurisdiction, Cases::ReferredAt]),
            ("cases_created", vec![Cases::TenantId, Cases::Jurisdiction, Cases::CreatedAt]),
        ] {
            let mut index = Index::create().name(name).table(Cases::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(CaseEvents::Table)
                    .if_not_exists()
                    .col(string(CaseEvents::CaseId))
                    .col(big_integer(CaseEvents::Sequence))
                    .col(string(CaseEvents::TenantId))
                    .col(string(CaseEvents::EventType))
                    .col(string(CaseEvents::Actor))
                    .col(string(CaseEvents::State))
                    .col(text(CaseEvents::PayloadSummary))
                    .col(blob(CaseEvents::Payload))
                    .col(string(CaseEvents::PayloadHash))
                    .col(string(CaseEvents::PreviousHash))
                    .col(string(CaseEvents::Hash))
                    .col(timestamp_with_time_zone(CaseEvents::CreatedAt))
                    .primary_key(Index::create().col(CaseEvents::CaseId).col(CaseEvents::Sequence))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Macros::Table)
                    .if_not_exists()
                    .col(string(Macros::Id))
                    .col(string(Macros::TenantId))
                    .col(string(Macros::Key))
                    .col(string(Macros::DisplayName))
                    .col(string(Macros::Purpose))
                    .col(integer(Macros::Category))
                    .col(string(Macros::LanguageCode))
                    .col(string(Macros::ResolutionType))
                    .col(text(Macros::Body))
                    .col(boolean(Macros::Active))
                    .col(big_integer(Macros::Version))
                    .col(timestamp_with_time_zone(Macros::CreatedAt))
                    .col(timestamp_with_time_zone(Macros::UpdatedAt))
                    .primary_key(Index::create().col(Macros::TenantId).col(Macros::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("macros_list_order")
                    .table(Macros::Table)
                    .col(Macros::TenantId)
                    .col(Macros::Key)
                    .col(Macros::Category)
                    .col(Macros::LanguageCode)
                    .col(Macros::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Cases::Table.into_iden(), CaseEvents::Table.into_iden(), Macros::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

/// "My cases" and "this player's cases" in queue order, without a scan of the
/// tenant's cases.
struct IndexCasesByAssigneeAndPlayer;

impl MigrationName for IndexCasesByAssigneeAndPlayer {
    fn name(&self) -> &str {
        "m20261201_000001_index_cases_by_assignee_and_player"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for IndexCasesByAssigneeAndPlayer {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, by) in [("cases_assignee_queue", Cases::Assignee), ("cases_player_queue", Cases::PlayerId)] {
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
        for name in ["cases_assignee_queue", "cases_player_queue"] {
            manager.drop_index(Index::drop().name(name).table(Cases::Table).to_owned()).await?;
        }
        Ok(())
    }
}
