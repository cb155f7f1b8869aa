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
use redress_db::Inserts;
use redress_errors::ApiError;
use redress_idempotency::Key;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, Set};

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

/// A keyed write (see [`redress_idempotency::run`]) whose `write` also
/// returns the messages that tell peers of it: they are enqueued in the same
/// transaction, sent with the write's other [`Inserts`], and the relay is
/// woken once it commits. Returns the response and whether it was replayed.
pub async fn keyed_write<R, F>(
    db: &DatabaseConnection,
    relay: &Relay,
    key: &Key<'_>,
    write: F,
) -> Result<(R, bool), ApiError>
where
    R: prost::Message + Default,
    F: AsyncFnOnce(&DatabaseTransaction, &mut Inserts) -> Result<(R, Vec<OutboxMessage>), ApiError>,
{
    let written = redress_idempotency::run(db, key, async |txn, inserts| {
        let (response, messages) = write(txn, inserts).await?;
        enqueue_into(inserts, messages);
        Ok(response)
    })
    .await?;
    Ok(wake_unless_replayed(relay, written))
}

/// [`keyed_write`] for a write whose only writes are the rows it adds to its
/// [`Inserts`] (see [`redress_idempotency::run_insert_only`]): one round
/// trip, and on PostgreSQL no transaction around it.
pub async fn keyed_insert<R, F>(
    db: &DatabaseConnection,
    relay: &Relay,
    key: &Key<'_>,
    write: F,
) -> Result<(R, bool), ApiError>
where
    R: prost::Message + Default,
    F: AsyncFnOnce(&mut Inserts) -> Result<(R, Vec<OutboxMessage>), ApiError>,
{
    let written = redress_idempotency::run_insert_only(db, key, async |inserts| {
        let (response, messages) = write(inserts).await?;
        enqueue_into(inserts, messages);
        Ok(response)
    })
    .await?;
    Ok(wake_unless_replayed(relay, written))
}

/// Wakes the relay after a keyed write that wrote (a replay wrote nothing).
fn wake_unless_replayed<R>(relay: &Relay, (response, replayed): (R, bool)) -> (R, bool) {
    if !replayed {
        relay.notify();
    }
    (response, replayed)
}

/// Writes messages to the outbox inside the caller's transaction (see
/// [`enqueue_into`]). Call [`Relay::notify`] after the commit.
pub async fn enqueue<C: ConnectionTrait>(conn: &C, messages: Vec<OutboxMessage>) -> Result<(), DbErr> {
    let mut inserts = Inserts::new();
    enqueue_into(&mut inserts, messages);
    inserts.execute(conn).await
}

/// Adds messages to a write's [`Inserts`], with the current trace context,
/// as one multi-row INSERT: no extra round trip however many peers hear of
/// the change. Call [`Relay::notify`] after the commit.
pub fn enqueue_into(inserts: &mut Inserts, messages: Vec<OutboxMessage>) {
    let trace: HashMap<String, String> = redress_telemetry::current_context_map();
    let trace = serde_json::to_string(&trace).unwrap_or_default();
    let now = Utc::now();
    inserts.push_many(messages.into_iter().map(|message| entity::ActiveModel {
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
    }));
}

/// Forgets the rows of `tenant` whose payload contains any of `needles`
/// (personal values being erased, and the names of the erased resources;
/// see [`redress_db::erasure::needles`]): delivered rows are deleted;
/// pending rows are still delivered (the peer erases what arrives about an
/// erased complaint, see [`redress_db::erasure::erasure_of`]) and marked
/// `erased`, so the relay deletes them once delivered. The erasures' own
/// rows (ErasePlayerRecords, which an erasure's progress is read from) are
/// kept. Returns how many rows were deleted or marked.
pub async fn forget_containing<C: ConnectionTrait>(conn: &C, tenant: &str, needles: &[String]) -> Result<u64, DbErr> {
    let ours = "tenant_id = $1 AND method NOT LIKE '%/ErasePlayerRecords'";
    // Marked first, deleted second: a row the relay marks delivered in
    // between is skipped by the first statement and deleted by the second
    // (and one marked first is deleted by the relay, see `deliver_batch`).
    let marked = redress_db::erasure::for_each_needle(conn, tenant, needles, "payload", |contains| {
        format!("UPDATE outbox SET erased = TRUE WHERE {ours} AND delivered_at IS NULL AND NOT erased AND {contains}")
    })
    .await?;
    let deleted = redress_db::erasure::for_each_needle(conn, tenant, needles, "payload", |contains| {
        format!("DELETE FROM outbox WHERE {ours} AND delivered_at IS NOT NULL AND {contains}")
    })
    .await?;
    Ok(deleted + marked)
}
