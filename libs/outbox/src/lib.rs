//! The transactional outbox: how a Redress service tells its peers about a
//! state change without ever losing the message.
//!
//! A service writes an [`OutboxMessage`] in the SAME database transaction as
//! the state change ([`enqueue`]), then pokes the [`Relay`]. The relay claims
//! due rows under a short lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so
//! several replicas share one table), commits, and only then calls the peer:
//! no transaction is ever held across a network call. A delivered row is
//! marked; a failed one is retried with exponential backoff and jitter, for
//! as long as it takes. Delivery is at-least-once, so every receiving method
//! is idempotent. Each row keeps the W3C trace context of the request that
//! wrote it, so the trace continues through the outbox.

mod codec;
pub mod entity;
pub mod migration;
mod peer;
mod relay;

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

pub use peer::{PeerAddress, Resolve, SystemResolver};
pub use relay::{InvalidPeer, PeerConfig, Relay, RelayConfig};

/// One message to deliver: a unary gRPC call to an internal method of a peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// The tenant on whose behalf the call is made; the relay's service token
    /// carries it.
    pub tenant_id: String,
    /// The peer service, a key of the relay's `peers` configuration, e.g. `resolution`.
    pub destination: String,
    /// The gRPC method path, e.g. `/redress.resolution.v1.ResolutionInternalService/OpenCase`.
    pub method: String,
    /// The prost-encoded request.
    pub payload: Vec<u8>,
}

impl OutboxMessage {
    /// A message that calls `method` on `destination` with `request`.
    pub fn grpc(tenant_id: &str, destination: &str, method: &str, request: &impl prost::Message) -> Self {
        Self {
            tenant_id: tenant_id.to_owned(),
            destination: destination.to_owned(),
            method: method.to_owned(),
            payload: request.encode_to_vec(),
        }
    }
}

/// Writes messages to the outbox inside the caller's transaction, with the
/// current trace context. Call [`Relay::notify`] after the commit.
pub async fn enqueue<C: ConnectionTrait>(conn: &C, messages: Vec<OutboxMessage>) -> Result<(), DbErr> {
    let trace: HashMap<String, String> = redress_telemetry::current_context_map();
    let trace = serde_json::to_string(&trace).unwrap_or_default();
    let now = Utc::now();
    for message in messages {
        entity::ActiveModel {
            tenant_id: Set(message.tenant_id),
            destination: Set(message.destination),
            method: Set(message.method),
            payload: Set(message.payload),
            trace_context: Set(trace.clone()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            lease_until: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            delivered_at: Set(None),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}
