//! Feedback's schema. The same migrations run on SQLite and PostgreSQL, at
//! start or from `redress-feedback migrate` (a Kubernetes Job).
//!
//! Sized for a million events per tenant: events are keyed by (tenant, event
//! id); insights never replay them but read one fact row per complaint,
//! found through (tenant, last activity), so a recent window reads only the
//! complaints that moved lately; recurring problems read facts by (tenant,
//! submit time).

use redress_db::create_index;
use sea_orm_migration::{prelude::*, schema::*};

use crate::domain::insights::span;

/// Feedback's migrator.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateFeedbackTables),
            Box::new(redress_idempotency::migration::CreateIdempotencyRecords),
            Box::new(redress_outbox::migration::CreateOutbox),
            Box::new(redress_outbox::migration::IndexPendingRows),
            Box::new(IndexSurveysByPlayer),
            Box::new(AddFactRecategorisation),
            Box::new(AddFactDurations),
            Box::new(redress_outbox::migration::AddErasedFlag),
            Box::new(redress_db::erasure::CreateErasedComplaints),
            Box::new(CreateInsightRollups),
        ]
    }
}

struct CreateFeedbackTables;

// Names are explicit: the derive would name every migration after its file.
impl MigrationName for CreateFeedbackTables {
    fn name(&self) -> &str {
        "m20261125_000001_create_feedback_tables"
    }
}

#[derive(DeriveIden)]
enum Events {
    Table,
    TenantId,
    EventId,
    ComplaintId,
    CaseName,
    Kind,
    OccurAt,
    Category,
    Channel,
    Jurisdiction,
    Agent,
    GameId,
    GameProvider,
    PaymentMethod,
    BonusId,
    Priority,
    ResponsibleGambling,
    Outcome,
    Clock,
    ClockMet,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum ComplaintFacts {
    Table,
    TenantId,
    ComplaintId,
    CaseName,
    Category,
    Channel,
    Jurisdiction,
    Agent,
    GameId,
    GameProvider,
    PaymentMethod,
    BonusId,
    Priority,
    DimsAt,
    ResponsibleGambling,
    SubmittedAt,
    FirstResponseAt,
    ResolvedAt,
    Outcome,
    OutcomeAt,
    EscalatedAt,
    AdrReferredAt,
    ReopenedAt,
    OriginalCategory,
    RecategorisedAt,
    ReopenCount,
    WithdrawnAt,
    ClosedAt,
    AckEndedAt,
    AckMet,
    AckWarnedAt,
    FinalEndedAt,
    FinalMet,
    FinalWarnedAt,
    AdrEndedAt,
    AdrMet,
    AdrWarnedAt,
    SurveySentAt,
    AnsweredAt,
    Csat,
    Fairness,
    Solved,
    FirstActivityAt,
    LastActivityAt,
    UpdatedAt,
    FirstResponseMicros,
    ResolutionMicros,
}

#[derive(DeriveIden)]
enum Surveys {
    Table,
    Id,
    TenantId,
    CaseName,
    ComplaintId,
    ComplaintReference,
    PlayerId,
    PlayerDisplayName,
    LanguageCode,
    Category,
    Outcome,
    TokenHash,
    State,
    Csat,
    ProblemSolved,
    Fairness,
    Comment,
    AnsweredAt,
    FollowUpFlagged,
    CreatedAt,
    ExpireAt,
    FollowUpAt,
    FollowUpDone,
}

#[derive(DeriveIden)]
enum SpikeAlerts {
    Table,
    Id,
    TenantId,
    Cluster,
    WindowStart,
    WindowEnd,
    Count,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateFeedbackTables {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .if_not_exists()
                    .col(string(Events::TenantId))
                    .col(string(Events::EventId))
                    .col(string(Events::ComplaintId))
                    .col(string(Events::CaseName))
                    .col(string(Events::Kind))
                    .col(timestamp_with_time_zone(Events::OccurAt))
                    .col(string(Events::Category))
                    .col(string(Events::Channel))
                    .col(string(Events::Jurisdiction))
                    .col(string(Events::Agent))
                    .col(string(Events::GameId))
                    .col(string(Events::GameProvider))
                    .col(string(Events::PaymentMethod))
                    .col(string(Events::BonusId))
                    .col(string(Events::Priority))
                    .col(boolean(Events::ResponsibleGambling))
                    .col(string(Events::Outcome))
                    .col(string(Events::Clock))
                    .col(boolean(Events::ClockMet))
                    .col(timestamp_with_time_zone(Events::ReceivedAt))
                    .primary_key(Index::create().col(Events::TenantId).col(Events::EventId))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "events_tenant_complaint",
            Events::Table.into_iden(),
            vec![Events::TenantId.into_iden(), Events::ComplaintId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ComplaintFacts::Table)
                    .if_not_exists()
                    .col(string(ComplaintFacts::TenantId))
                    .col(string(ComplaintFacts::ComplaintId))
                    .col(string(ComplaintFacts::CaseName))
                    .col(string(ComplaintFacts::Category))
                    .col(string(ComplaintFacts::Channel))
                    .col(string(ComplaintFacts::Jurisdiction))
                    .col(string(ComplaintFacts::Agent))
                    .col(string(ComplaintFacts::GameId))
                    .col(string(ComplaintFacts::GameProvider))
                    .col(string(ComplaintFacts::PaymentMethod))
                    .col(string(ComplaintFacts::BonusId))
                    .col(string(ComplaintFacts::Priority))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::DimsAt))
                    .col(boolean(ComplaintFacts::ResponsibleGambling))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::SubmittedAt))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::FirstResponseAt))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::ResolvedAt))
                    .col(string(ComplaintFacts::Outcome))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::OutcomeAt))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::EscalatedAt))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::AdrReferredAt))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::ReopenedAt))
                    .col(integer(ComplaintFacts::ReopenCount))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::WithdrawnAt))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::ClosedAt))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::AckEndedAt))
                    .col(boolean_null(ComplaintFacts::AckMet))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::AckWarnedAt))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::FinalEndedAt))
                    .col(boolean_null(ComplaintFacts::FinalMet))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::FinalWarnedAt))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::AdrEndedAt))
                    .col(boolean_null(ComplaintFacts::AdrMet))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::AdrWarnedAt))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::SurveySentAt))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::AnsweredAt))
                    .col(integer_null(ComplaintFacts::Csat))
                    .col(integer_null(ComplaintFacts::Fairness))
                    .col(boolean_null(ComplaintFacts::Solved))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::FirstActivityAt))
                    .col(timestamp_with_time_zone_null(ComplaintFacts::LastActivityAt))
                    .col(timestamp_with_time_zone(ComplaintFacts::UpdatedAt))
                    .primary_key(Index::create().col(ComplaintFacts::TenantId).col(ComplaintFacts::ComplaintId))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("complaint_facts_tenant_submitted", ComplaintFacts::SubmittedAt),
            ("complaint_facts_tenant_last_activity", ComplaintFacts::LastActivityAt),
        ] {
            create_index(
                manager,
                name,
                ComplaintFacts::Table.into_iden(),
                vec![ComplaintFacts::TenantId.into_iden(), col.into_iden()],
                false,
            )
            .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Surveys::Table)
                    .if_not_exists()
                    .col(string(Surveys::Id).primary_key())
                    .col(string(Surveys::TenantId))
                    .col(string(Surveys::CaseName))
                    .col(string(Surveys::ComplaintId))
                    .col(string(Surveys::ComplaintReference))
                    .col(string(Surveys::PlayerId))
                    .col(string(Surveys::PlayerDisplayName))
                    .col(string(Surveys::LanguageCode))
                    .col(string(Surveys::Category))
                    .col(string(Surveys::Outcome))
                    .col(string_null(Surveys::TokenHash))
                    .col(string(Surveys::State))
                    .col(integer_null(Surveys::Csat))
                    .col(string_null(Surveys::ProblemSolved))
                    .col(integer_null(Surveys::Fairness))
                    .col(text_null(Surveys::Comment))
                    .col(timestamp_with_time_zone_null(Surveys::AnsweredAt))
                    .col(boolean(Surveys::FollowUpFlagged))
                    .col(timestamp_with_time_zone(Surveys::CreatedAt))
                    .col(timestamp_with_time_zone(Surveys::ExpireAt))
                    .col(timestamp_with_time_zone(Surveys::FollowUpAt))
                    .col(boolean(Surveys::FollowUpDone))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "surveys_tenant_case",
            Surveys::Table.into_iden(),
            vec![Surveys::TenantId.into_iden(), Surveys::CaseName.into_iden()],
            true,
        )
        .await?;
        create_index(
            manager,
            "surveys_token_hash",
            Surveys::Table.into_iden(),
            vec![Surveys::TokenHash.into_iden()],
            true,
        )
        .await?;
        create_index(
            manager,
            "surveys_follow_up_due",
            Surveys::Table.into_iden(),
            vec![Surveys::FollowUpDone.into_iden(), Surveys::FollowUpAt.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SpikeAlerts::Table)
                    .if_not_exists()
                    .col(string(SpikeAlerts::Id).primary_key())
                    .col(string(SpikeAlerts::TenantId))
                    .col(string(SpikeAlerts::Cluster))
                    .col(timestamp_with_time_zone(SpikeAlerts::WindowStart))
                    .col(timestamp_with_time_zone(SpikeAlerts::WindowEnd))
                    .col(big_integer(SpikeAlerts::Count))
                    .col(timestamp_with_time_zone(SpikeAlerts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "spike_alerts_cluster",
            SpikeAlerts::Table.into_iden(),
            vec![
                SpikeAlerts::TenantId.into_iden(),
                SpikeAlerts::Cluster.into_iden(),
                SpikeAlerts::WindowEnd.into_iden(),
            ],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Events::Table.into_iden(),
            ComplaintFacts::Table.into_iden(),
            Surveys::Table.into_iden(),
            SpikeAlerts::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

/// ListSurveys reads one player's surveys, newest first.
struct IndexSurveysByPlayer;

impl MigrationName for IndexSurveysByPlayer {
    fn name(&self) -> &str {
        "m20261212_000001_index_surveys_by_player"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for IndexSurveysByPlayer {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [Surveys::TenantId, Surveys::PlayerId, Surveys::Id];
        create_index(manager, "surveys_tenant_player", Surveys::Table, columns, false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("surveys_tenant_player").table(Surveys::Table).to_owned()).await
    }
}

/// `complaint_facts.original_category` (the category as filed) and
/// `recategorised_at` (the first recategorisation). Existing facts were
/// never recategorised: their category is the original.
struct AddFactRecategorisation;

impl MigrationName for AddFactRecategorisation {
    fn name(&self) -> &str {
        "m20261220_000001_add_fact_recategorisation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddFactRecategorisation {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(ComplaintFacts::Table)
                    .add_column(string(ComplaintFacts::OriginalCategory).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ComplaintFacts::Table)
                    .add_column(timestamp_with_time_zone_null(ComplaintFacts::RecategorisedAt))
                    .to_owned(),
            )
            .await?;
        let backfill = Query::update()
            .table(ComplaintFacts::Table)
            .value(ComplaintFacts::OriginalCategory, Expr::col(ComplaintFacts::Category))
            .to_owned();
        manager.exec_stmt(backfill).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [ComplaintFacts::RecategorisedAt, ComplaintFacts::OriginalCategory] {
            manager.alter_table(Table::alter().table(ComplaintFacts::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

/// The durations GetInsights ranks, kept on the fact (see
/// `complaint_fact::Model::first_response_micros`), and the existing facts'
/// computed from their times: in Rust, exactly as the service computes them,
/// since the two backends subtract timestamps differently.
struct AddFactDurations;

impl MigrationName for AddFactDurations {
    fn name(&self) -> &str {
        "m20261222_000001_add_fact_durations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddFactDurations {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [ComplaintFacts::FirstResponseMicros, ComplaintFacts::ResolutionMicros] {
            manager
                .alter_table(
                    Table::alter().table(ComplaintFacts::Table).add_column(big_integer_null(column)).to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        let mut after: Option<(String, String)> = None;
        loop {
            let mut page = Query::select()
                .columns([
                    ComplaintFacts::TenantId,
                    ComplaintFacts::ComplaintId,
                    ComplaintFacts::SubmittedAt,
                    ComplaintFacts::FirstResponseAt,
                    ComplaintFacts::ResolvedAt,
                ])
                .from(ComplaintFacts::Table)
                .and_where(Expr::col(ComplaintFacts::SubmittedAt).is_not_null())
                .order_by(ComplaintFacts::TenantId, Order::Asc)
                .order_by(ComplaintFacts::ComplaintId, Order::Asc)
                .limit(1000)
                .to_owned();
            if let Some((tenant, id)) = &after {
                page.and_where(
                    Expr::tuple([Expr::col(ComplaintFacts::TenantId), Expr::col(ComplaintFacts::ComplaintId)])
                        .gt(Expr::tuple([Expr::val(tenant.as_str()), Expr::val(id.as_str())])),
                );
            }
            let rows = db.query_all(&page).await?;
            let Some(last) = rows.last() else { return Ok(()) };
            after = Some((last.try_get("", "tenant_id")?, last.try_get("", "complaint_id")?));
            for row in rows {
                type At = Option<chrono::DateTime<chrono::Utc>>;
                let submitted: At = row.try_get("", "submitted_at")?;
                let first: At = row.try_get("", "first_response_at")?;
                let resolved: At = row.try_get("", "resolved_at")?;
                let (first, resolved) = (span(submitted, first), span(submitted, resolved));
                if first.is_none() && resolved.is_none() {
                    continue;
                }
                let tenant: String = row.try_get("", "tenant_id")?;
                let id: String = row.try_get("", "complaint_id")?;
                let update = Query::update()
                    .table(ComplaintFacts::Table)
                    .value(ComplaintFacts::FirstResponseMicros, first)
                    .value(ComplaintFacts::ResolutionMicros, resolved)
                    .and_where(Expr::col(ComplaintFacts::TenantId).eq(tenant))
                    .and_where(Expr::col(ComplaintFacts::ComplaintId).eq(id))
                    .to_owned();
                db.execute(&update).await?;
            }
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [ComplaintFacts::ResolutionMicros, ComplaintFacts::FirstResponseMicros] {
            manager.alter_table(Table::alter().table(ComplaintFacts::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

/// The daily insight rollups (`store::rollup`), backfilled from the
/// existing facts exactly as the fold maintains them.
struct CreateInsightRollups;

impl MigrationName for CreateInsightRollups {
    fn name(&self) -> &str {
        "m20261223_000001_create_insight_rollups"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateInsightRollups {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use super::rollup::{COUNTERS, FACT_DAYS, FIRST_RESPONSE_HIST, KEY, RESOLUTION_HIST, TABLE};
        let mut table = Table::create();
        table.table(Alias::new(TABLE)).if_not_exists();
        for name in KEY {
            table.col(match name {
                "pinned" => boolean(Alias::new(name)),
                "day" => timestamp_with_time_zone(Alias::new(name)),
                _ => string(Alias::new(name)),
            });
        }
        for name in COUNTERS {
            table.col(big_integer(Alias::new(name)).default(0));
        }
        table.col(blob(Alias::new(FIRST_RESPONSE_HIST))).col(blob(Alias::new(RESOLUTION_HIST)));
        // Reads fix everything before the day and scan a range of days.
        let mut key = Index::create();
        for name in KEY {
            key.col(Alias::new(name));
        }
        table.primary_key(&mut key);
        manager.create_table(table.to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new(FACT_DAYS))
                    .if_not_exists()
                    .col(string(Alias::new("tenant_id")))
                    .col(timestamp_with_time_zone(Alias::new("day")))
                    .col(string(Alias::new("complaint_id")))
                    .primary_key(
                        Index::create()
                            .col(Alias::new("tenant_id"))
                            .col(Alias::new("day"))
                            .col(Alias::new("complaint_id")),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for tenant in super::rollup::fact_tenants(db).await? {
            super::rollup::rebuild(db, &tenant).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new(super::rollup::FACT_DAYS)).to_owned()).await?;
        manager.drop_table(Table::drop().table(Alias::new(super::rollup::TABLE)).to_owned()).await
    }
}
