//! Evidence uploaded to a complaint before its case opened
//! (`complaints/{complaint}` as the upload's parent): `complaint_id` on every
//! evidence (filled from the case for the existing ones), and an index to
//! find a complaint's evidence when OpenCase adopts it. `case_id` stays NOT
//! NULL: the empty string means "not adopted yet" (SQLite cannot relax a
//! column's NOT NULL without rebuilding the table).

use sea_orm_migration::{prelude::*, schema::*};

pub(super) struct AddEvidenceComplaint;

impl MigrationName for AddEvidenceComplaint {
    fn name(&self) -> &str {
        "m20270105_000001_add_evidence_complaint"
    }
}

#[derive(DeriveIden)]
enum Evidence {
    Table,
    ComplaintId,
    TenantId,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for AddEvidenceComplaint {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Evidence::Table).add_column(string(Evidence::ComplaintId).default("")).to_owned(),
            )
            .await?;
        // The same statement on both backends: a correlated subquery.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE evidence SET complaint_id = COALESCE((SELECT cases.complaint_id FROM cases \
                 WHERE cases.id = evidence.case_id AND cases.tenant_id = evidence.tenant_id), '')",
            )
            .await?;
        redress_db::create_index(
            manager,
            "evidence_complaint",
            Evidence::Table,
            [Evidence::TenantId, Evidence::ComplaintId, Evidence::Id],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("evidence_complaint").table(Evidence::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Evidence::Table).drop_column(Evidence::ComplaintId).to_owned()).await
    }
}
