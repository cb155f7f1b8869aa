//! Queues as resources and the agents of automatic assignment.

use sea_orm_migration::{prelude::*, schema::*};

pub(super) struct CreateQueueTables;

impl MigrationName for CreateQueueTables {
    fn name(&self) -> &str {
        "m20261220_000001_create_queue_tables"
    }
}

#[derive(DeriveIden)]
enum Queues {
    Table,
    TenantId,
    Id,
    Priority,
    AssignmentMode,
    LastAssignee,
    Spec,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Agents {
    Table,
    TenantId,
    Id,
    Available,
    Capacity,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AgentQueues {
    Table,
    TenantId,
    QueueId,
    AgentId,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    TenantId,
    Queue,
    State,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateQueueTables {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Queues::Table)
                    .if_not_exists()
                    .col(string(Queues::TenantId))
                    .col(string(Queues::Id))
                    .col(integer(Queues::Priority))
                    .col(string(Queues::AssignmentMode))
                    .col(string(Queues::LastAssignee))
                    .col(blob(Queues::Spec))
                    .col(big_integer(Queues::Version))
                    .col(timestamp_with_time_zone(Queues::CreatedAt))
                    .col(timestamp_with_time_zone(Queues::UpdatedAt))
                    .primary_key(Index::create().col(Queues::TenantId).col(Queues::Id))
                    .to_owned(),
            )
            .await?;
        // Routing order and ListQueues' pages.
        redress_db::create_index(
            manager,
            "queues_routing_order",
            Queues::Table,
            [Queues::TenantId.into_iden(), Queues::Priority.into_iden(), Queues::Id.into_iden()],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Agents::Table)
                    .if_not_exists()
                    .col(string(Agents::TenantId))
                    .col(string(Agents::Id))
                    .col(boolean(Agents::Available))
                    .col(integer(Agents::Capacity))
                    .col(timestamp_with_time_zone(Agents::UpdatedAt))
                    .primary_key(Index::create().col(Agents::TenantId).col(Agents::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgentQueues::Table)
                    .if_not_exists()
                    .col(string(AgentQueues::TenantId))
                    .col(string(AgentQueues::QueueId))
                    .col(string(AgentQueues::AgentId))
                    .primary_key(
                        Index::create().col(AgentQueues::TenantId).col(AgentQueues::QueueId).col(AgentQueues::AgentId),
                    )
                    .to_owned(),
            )
            .await?;
        // An agent's queues (SetAgentAvailability replaces them).
        redress_db::create_index(
            manager,
            "agent_queues_agent",
            AgentQueues::Table,
            [AgentQueues::TenantId, AgentQueues::AgentId],
            false,
        )
        .await?;
        // ListQueues' grouped load and DeleteQueue's check, by queue.
        redress_db::create_index(
            manager,
            "cases_queue_state",
            Cases::Table,
            [Cases::TenantId, Cases::Queue, Cases::State],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("cases_queue_state").table(Cases::Table).to_owned()).await?;
        for table in [Queues::Table.into_iden(), Agents::Table.into_iden(), AgentQueues::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
