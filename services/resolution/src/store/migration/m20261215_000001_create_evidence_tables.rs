//! Evidence attached to cases: the metadata row and the content in chunk
//! rows of at most 256 KiB (see docs/architecture.md, "Evidence is stored in
//! resolution's database").

use sea_orm_migration::{prelude::*, schema::*};

pub(super) struct CreateEvidenceTables;

impl MigrationName for CreateEvidenceTables {
    fn name(&self) -> &str {
        "m20261215_000001_create_evidence_tables"
    }
}

#[derive(DeriveIden)]
enum Evidence {
    Table,
    Id,
    TenantId,
    CaseId,
    Filename,
    ContentType,
    DeclaredContentType,
    SizeBytes,
    Sha256,
    ChunkCount,
    UploaderSubject,
    UploaderRole,
    Description,
    State,
    ScanReason,
    ScanTime,
    EventSequence,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EvidenceChunks {
    Table,
    EvidenceId,
    Seq,
    TenantId,
    Data,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateEvidenceTables {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Evidence::Table)
                    .if_not_exists()
                    .col(string(Evidence::Id).primary_key())
                    .col(string(Evidence::TenantId))
                    .col(string(Evidence::CaseId))
                    .col(string(Evidence::Filename))
                    .col(string(Evidence::ContentType))
                    .col(string(Evidence::DeclaredContentType))
                    .col(big_integer(Evidence::SizeBytes))
                    .col(string(Evidence::Sha256))
                    .col(integer(Evidence::ChunkCount))
                    .col(string(Evidence::UploaderSubject))
                    .col(string(Evidence::UploaderRole))
                    .col(text(Evidence::Description))
                    .col(string(Evidence::State))
                    .col(text(Evidence::ScanReason))
                    .col(timestamp_with_time_zone_null(Evidence::ScanTime))
                    .col(big_integer(Evidence::EventSequence))
                    .col(timestamp_with_time_zone(Evidence::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // A case's evidence in id (upload) order, and the scanner's queue.
        for (name, by) in [("evidence_case", Evidence::CaseId), ("evidence_state", Evidence::State)] {
            redress_db::create_index(manager, name, Evidence::Table, [Evidence::TenantId, by, Evidence::Id], false)
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(EvidenceChunks::Table)
                    .if_not_exists()
                    .col(string(EvidenceChunks::EvidenceId))
                    .col(integer(EvidenceChunks::Seq))
                    .col(string(EvidenceChunks::TenantId))
                    .col(blob(EvidenceChunks::Data))
                    .col(timestamp_with_time_zone(EvidenceChunks::CreatedAt))
                    .primary_key(Index::create().col(EvidenceChunks::EvidenceId).col(EvidenceChunks::Seq))
                    .to_owned(),
            )
            .await?;
        // The janitor's scan for chunks of uploads that never completed.
        redress_db::create_index(
            manager,
            "evidence_chunks_created",
            EvidenceChunks::Table,
            [EvidenceChunks::CreatedAt],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(EvidenceChunks::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Evidence::Table).to_owned()).await
    }
}
