//! The `outbox` table, the same in every service's database.

use sea_orm::entity::prelude::*;

/// One pending or delivered message.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    /// Insertion order; the relay delivers in this order per claim.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The tenant on whose behalf the call is made.
    pub tenant_id: String,
    /// The peer service.
    pub destination: String,
    /// The gRPC method path.
    pub method: String,
    /// The encoded request.
    pub payload: Vec<u8>,
    /// W3C trace context of the writing request, as JSON.
    pub trace_context: String,
    /// Failed delivery attempts so far.
    pub attempts: i32,
    /// Not before this time.
    pub next_attempt_at: DateTimeUtc,
    /// A relay holds the row until this time.
    pub lease_until: Option<DateTimeUtc>,
    /// The last delivery error, for operators.
    pub last_error: Option<String>,
    /// When the row was written.
    pub created_at: DateTimeUtc,
    /// When the peer acknowledged; `None` while pending.
    pub delivered_at: Option<DateTimeUtc>,
    /// Set by an erasure while the row was pending: it carries erased
    /// personal data, so it is deleted once delivered instead of kept.
    pub erased: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
