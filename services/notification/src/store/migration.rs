//! Notification's schema. The same migrations run on SQLite and PostgreSQL,
//! at start or from `redress-notification migrate` (a Kubernetes Job).

use redress_db::create_index;
use sea_orm_migration::{prelude::*, schema::*};

/// Notification's migrator.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateNotificationTables),
            Box::new(redress_idempotency::migration::CreateIdempotencyRecords),
            Box::new(AddNotificationSecrets),
            Box::new(AddNotificationTraceContext),
            Box::new(CreateWebhookEndpoints),
            Box::new(redress_db::erasure::CreateErasedComplaints),
        ]
    }
}

struct CreateNotificationTables;

// Names are explicit: the derive would name every migration after its file.
impl MigrationName for CreateNotificationTables {
    fn name(&self) -> &str {
        "m20261125_000001_create_notification_tables"
    }
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    TenantId,
    DedupeKey,
    Fingerprint,
    Event,
    Purpose,
    Recipient,
    PlayerId,
    Complaint,
    ComplaintReference,
    Variables,
    SecretVariables,
    SealedMessage,
    Channel,
    Locale,
    TemplateName,
    TemplateVersion,
    Subject,
    BodyText,
    BodyHtml,
    State,
    SuppressionReason,
    DeadLetterReason,
    AttemptCount,
    MaxAttempts,
    NextAttemptAt,
    LeaseUntil,
    RedriveCount,
    ResendOf,
    Creator,
    AcceptedAt,
    AcceptedAttempt,
    ProviderMessageId,
    Destination,
    ContentSha256,
    TraceContext,
    Version,
    CreatedAt,
    UpdatedAt,
}

/// Secret variables (the survey token) move out of `variables`, and the
/// message as delivered out of the staff-facing rendering.
struct AddNotificationSecrets;

impl MigrationName for AddNotificationSecrets {
    fn name(&self) -> &str {
        "m20261201_000001_add_notification_secrets"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddNotificationSecrets {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .add_column(text(Notifications::SecretVariables).default("{}"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .add_column(text_null(Notifications::SealedMessage))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Notifications::SealedMessage, Notifications::SecretVariables] {
            manager.alter_table(Table::alter().table(Notifications::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

/// The trace context of the accepting request, so the sender's delivery
/// spans continue its trace. Nullable: rows accepted before have none.
struct AddNotificationTraceContext;

impl MigrationName for AddNotificationTraceContext {
    fn name(&self) -> &str {
        "m20261210_000001_add_notification_trace_context"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddNotificationTraceContext {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .add_column(text_null(Notifications::TraceContext))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Notifications::Table).drop_column(Notifications::TraceContext).to_owned())
            .await
    }
}

/// Webhook endpoints as resources, and the endpoint each attempt went to.
struct CreateWebhookEndpoints;

impl MigrationName for CreateWebhookEndpoints {
    fn name(&self) -> &str {
        "m20261215_000001_create_webhook_endpoints"
    }
}

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    Id,
    TenantId,
    Url,
    Description,
    Events,
    Disabled,
    SecretSealed,
    SecretHint,
    SecretCreatedAt,
    PreviousSecretSealed,
    PreviousSecretExpiresAt,
    DeliveredCount,
    FailedAttemptCount,
    LastAttemptAt,
    LastStatusCode,
    LastResult,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateWebhookEndpoints {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use WebhookEndpoints as W;
        manager
            .create_table(
                Table::create()
                    .table(W::Table)
                    .if_not_exists()
                    .col(string(W::Id).primary_key())
                    .col(string(W::TenantId))
                    .col(text(W::Url))
                    .col(text(W::Description))
                    .col(text(W::Events))
                    .col(boolean(W::Disabled))
                    .col(blob(W::SecretSealed))
                    .col(string(W::SecretHint))
                    .col(timestamp_with_time_zone(W::SecretCreatedAt))
                    .col(blob_null(W::PreviousSecretSealed))
                    .col(timestamp_with_time_zone_null(W::PreviousSecretExpiresAt))
                    .col(big_integer(W::DeliveredCount))
                    .col(big_integer(W::FailedAttemptCount))
                    .col(timestamp_with_time_zone_null(W::LastAttemptAt))
                    .col(integer(W::LastStatusCode))
                    .col(string_null(W::LastResult))
                    .col(big_integer(W::Version))
                    .col(timestamp_with_time_zone(W::CreatedAt))
                    .col(timestamp_with_time_zone(W::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "webhook_endpoints_tenant_id", W::Table, vec![W::TenantId, W::Id], false).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(DeliveryAttempts::Table)
                    .add_column(string(DeliveryAttempts::WebhookEndpointId).default(""))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(DeliveryAttempts::Table)
                    .drop_column(DeliveryAttempts::WebhookEndpointId)
                    .to_owned(),
            )
            .await?;
        manager.drop_table(Table::drop().table(WebhookEndpoints::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum DeliveryAttempts {
    Table,
    Id,
    TenantId,
    NotificationId,
    AttemptNumber,
    Channel,
    Destination,
    StartedAt,
    EndedAt,
    Result,
    ProviderStatusCode,
    ProviderResponse,
    ProviderMessageId,
    ErrorMessage,
    WebhookEndpointId,
}

#[derive(DeriveIden)]
enum Templates {
    Table,
    Id,
    TenantId,
    Event,
    Locale,
    Version,
    Subject,
    BodyText,
    BodyHtml,
    Updater,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TemplateVersions {
    Table,
    TemplateId,
    Version,
    TenantId,
    Subject,
    BodyText,
    BodyHtml,
    Updater,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateNotificationTables {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Notifications as N;
        manager
            .create_table(
                Table::create()
                    .table(N::Table)
                    .if_not_exists()
                    .col(string(N::Id).primary_key())
                    .col(string(N::TenantId))
                    .col(string(N::DedupeKey))
                    .col(string(N::Fingerprint))
                    .col(string(N::Event))
                    .col(string(N::Purpose))
                    .col(blob(N::Recipient))
                    .col(string(N::PlayerId))
                    .col(string(N::Complaint))
                    .col(string(N::ComplaintReference))
                    .col(text(N::Variables))
                    .col(string(N::Channel))
                    .col(string(N::Locale))
                    .col(string(N::TemplateName))
                    .col(integer(N::TemplateVersion))
                    .col(text_null(N::Subject))
                    .col(text_null(N::BodyText))
                    .col(text_null(N::BodyHtml))
                    .col(string(N::State))
                    .col(string(N::SuppressionReason))
                    .col(string(N::DeadLetterReason))
                    .col(integer(N::AttemptCount))
                    .col(integer(N::MaxAttempts))
                    .col(timestamp_with_time_zone_null(N::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(N::LeaseUntil))
                    .col(integer(N::RedriveCount))
                    .col(string(N::ResendOf))
                    .col(string(N::Creator))
                    .col(timestamp_with_time_zone_null(N::AcceptedAt))
                    .col(string(N::AcceptedAttempt))
                    .col(text(N::ProviderMessageId))
                    .col(text(N::Destination))
                    .col(string(N::ContentSha256))
                    .col(big_integer(N::Version))
                    .col(timestamp_with_time_zone(N::CreatedAt))
                    .col(timestamp_with_time_zone(N::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "notifications_tenant_dedupe", N::Table, vec![N::TenantId, N::DedupeKey], true).await?;
        create_index(manager, "notifications_tenant_id", N::Table, vec![N::TenantId, N::Id], false).await?;
        create_index(
            manager,
            "notifications_tenant_complaint",
            N::Table,
            vec![N::TenantId, N::Complaint, N::Id],
            false,
        )
        .await?;
        create_index(manager, "notifications_tenant_state", N::Table, vec![N::TenantId, N::State, N::Id], false)
            .await?;
        // The sender's claim query: due rows by state and time.
        create_index(manager, "notifications_due", N::Table, vec![N::State, N::NextAttemptAt], false).await?;

        use DeliveryAttempts as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .if_not_exists()
                    .col(string(A::Id).primary_key())
                    .col(string(A::TenantId))
                    .col(string(A::NotificationId))
                    .col(integer(A::AttemptNumber))
                    .col(string(A::Channel))
                    .col(text(A::Destination))
                    .col(timestamp_with_time_zone(A::StartedAt))
                    .col(timestamp_with_time_zone_null(A::EndedAt))
                    .col(string_null(A::Result))
                    .col(integer(A::ProviderStatusCode))
                    .col(text(A::ProviderResponse))
                    .col(text(A::ProviderMessageId))
                    .col(text(A::ErrorMessage))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "delivery_attempts_notification", A::Table, vec![A::NotificationId, A::Id], false)
            .await?;

        use Templates as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .if_not_exists()
                    .col(string(T::Id).primary_key())
                    .col(string(T::TenantId))
                    .col(string(T::Event))
                    .col(string(T::Locale))
                    .col(integer(T::Version))
                    .col(text(T::Subject))
                    .col(text(T::BodyText))
                    .col(text(T::BodyHtml))
                    .col(string(T::Updater))
                    .col(timestamp_with_time_zone(T::CreatedAt))
                    .col(timestamp_with_time_zone(T::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "templates_tenant_event_locale", T::Table, vec![T::TenantId, T::Event, T::Locale], true)
            .await?;

        use TemplateVersions as V;
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .if_not_exists()
                    .col(string(V::TemplateId))
                    .col(integer(V::Version))
                    .col(string(V::TenantId))
                    .col(text(V::Subject))
                    .col(text(V::BodyText))
                    .col(text(V::BodyHtml))
                    .col(string(V::Updater))
                    .col(timestamp_with_time_zone(V::CreatedAt))
                    .primary_key(Index::create().col(V::TemplateId).col(V::Version))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Notifications::Table.into_iden(),
            DeliveryAttempts::Table.into_iden(),
            Templates::Table.into_iden(),
            TemplateVersions::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
