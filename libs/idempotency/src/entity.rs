//! The `idempotency_records` table, the same in every service's database.

use sea_orm::entity::prelude::*;

/// One row per (tenant, method, key).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_records")]
pub struct Model {
    /// The caller's tenant.
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: String,
    /// The method the key was used with.
    #[sea_orm(primary_key, auto_increment = false)]
    pub method: String,
    /// The caller's idempotency key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub request_id: String,
    /// SHA-256 of the request without its key; a reuse with another payload differs.
    pub fingerprint: String,
    /// The prost-encoded response.
    pub response: Vec<u8>,
    /// When the write committed.
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
