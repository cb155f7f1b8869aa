//! The relay: claims due outbox rows, calls the peers, records the result.

use std::{
    collections::{BTreeMap, HashMap},
    str::FromStr,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};
use redress_auth::{Issuer, Role};
use redress_worker::{Backoff, BoxError, Job, Round, Worker};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, Statement, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use tonic::transport::Channel;
use tracing::Instrument;

use crate::{codec::RawCodec, entity, peer::PeerAddress};

/// Where a peer service listens.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PeerConfig {
    /// The peer's gRPC endpoint: `http://resolution:50051` (one connection)
    /// or `dns:///resolution-headless:50051` (every address the name resolves
    /// to, balanced per call; for Kubernetes headless Services). Empty: the
    /// peer is not deployed yet and its rows wait.
    pub url: String,
}

/// Relay settings (`[outbox]` in a service's configuration).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RelayConfig {
    /// Rows claimed per round.
    pub batch_size: u32,
    /// Longest sleep between rounds when nothing wakes the relay, in
    /// milliseconds (rows written by other replicas, retries coming due).
    pub poll_interval_ms: u64,
    /// How long a claimed row is reserved for one relay, in milliseconds.
    pub lease_ms: u64,
    /// First retry delay, in milliseconds; doubles per failure.
    pub initial_backoff_ms: u64,
    /// Longest retry delay, in milliseconds. Rows are retried forever.
    pub max_backoff_ms: u64,
    /// Deadline of one call to a peer, in milliseconds.
    pub call_timeout_ms: u64,
    /// How long delivered rows are kept for inspection, in hours.
    pub keep_delivered_hours: u64,
    /// How often `dns:///` peer names are resolved again, in milliseconds
    /// (replicas that came or went are added or dropped).
    pub dns_refresh_ms: u64,
    /// Peer services by name (`resolution`, `notification`, `feedback`, `intake`).
    pub peers: BTreeMap<String, PeerConfig>,
}

impl RelayConfig {
    /// Checks every peer URL; the error names the key of the first bad one.
    pub fn validate(&self) -> Result<(), String> {
        for (name, peer) in &self.peers {
            if !peer.url.is_empty() {
                PeerAddress::parse(&peer.url).map_err(|e| format!("outbox.peers.{name}.url: {e}"))?;
            }
        }
        Ok(())
    }
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self {
            batch_size: 64,
            poll_interval_ms: 1_000,
            lease_ms: 30_000,
            initial_backoff_ms: 500,
            max_backoff_ms: 60_000,
            call_timeout_ms: 10_000,
            keep_delivered_hours: 72,
            dns_refresh_ms: 5_000,
            peers: BTreeMap::new(),
        }
    }
}

/// Delivers a service's outbox. Cheap to share: clone the `Arc`.
pub struct Relay {
    db: DatabaseConnection,
    config: RelayConfig,
    issuer: Issuer,
    service_name: String,
    backoff: Backoff,
    last_purge: Mutex<tokio::time::Instant>,
    last_backlog_report: Mutex<tokio::time::Instant>,
    /// One wake-up per lane (configured peer), all raised by a commit.
    wakes: BTreeMap<String, Notify>,
    channels: Mutex<HashMap<String, Channel>>,
    tokens: Mutex<HashMap<String, (String, DateTime<Utc>)>>,
}

/// A peer URL the relay cannot call; the message names its key.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InvalidPeer(String);

/// Why one delivery failed.
#[derive(Debug)]
struct DeliveryError(String);

impl Relay {
    /// A relay for `db`'s outbox that signs its calls as `service_name`.
    /// Fails, naming the key, when a peer URL is not one the relay can call.
    pub fn new(
        db: DatabaseConnection,
        config: RelayConfig,
        issuer: Issuer,
        service_name: &str,
    ) -> Result<Arc<Self>, InvalidPeer> {
        config.validate().map_err(InvalidPeer)?;
        let wakes = config
            .peers
            .iter()
            .filter(|(_, peer)| !peer.url.is_empty())
            .map(|(name, _)| (name.clone(), Notify::new()))
            .collect();
        Ok(Arc::new(Self {
            db,
            backoff: Backoff::from_millis(config.initial_backoff_ms, config.max_backoff_ms),
            last_purge: Mutex::new(tokio::time::Instant::now()),
            last_backlog_report: Mutex::new(tokio::time::Instant::now() - BACKLOG_REPORT_EVERY),
            config,
            issuer,
            service_name: service_name.to_owned(),
            wakes,
            channels: Mutex::new(HashMap::new()),
            tokens: Mutex::new(HashMap::new()),
        }))
    }

    /// Wakes the relay: call after committing a transaction that enqueued rows.
    pub fn notify(&self) {
        for wake in self.wakes.values() {
            wake.notify_one();
        }
    }

    /// Runs the relay in the background (see [`redress_worker::Worker`]):
    /// one lane per configured peer, each claiming and delivering its own
    /// rows, so a slow or unreachable peer delays only its own rows.
    pub fn spawn(self: &Arc<Self>) -> Worker {
        for (name, peer) in &self.config.peers {
            if peer.url.is_empty() {
                tracing::info!(peer = %name, "peer not configured; its outbox rows wait until it is");
            }
        }
        let lanes = self.wakes.keys().map(|peer| Arc::new(Lane { relay: Arc::clone(self), peer: peer.clone() }));
        Worker::spawn_lanes(lanes.collect(), Duration::from_millis(self.config.poll_interval_ms))
    }

    /// Claims one batch of due rows for every configured peer and delivers
    /// them (tests drive the relay with it).
    pub async fn run_once(&self) -> Result<usize, DbErr> {
        let peers: Vec<&str> = self.wakes.keys().map(String::as_str).collect();
        self.deliver_batch(&peers).await
    }

    /// Claims one batch of `peers`' due rows and delivers them concurrently; the
    /// delivered ones are marked in one statement, failures each with their
    /// own retry time. Returns how many rows were claimed.
    async fn deliver_batch(&self, peers: &[&str]) -> Result<usize, DbErr> {
        let rows = self.claim(peers).await?;
        let count = rows.len();
        let deliveries = rows.into_iter().map(|row| self.deliver_and_record(row));
        let mut delivered = Vec::with_capacity(count);
        for result in futures::future::join_all(deliveries).await {
            if let Some(id) = result? {
                delivered.push(id);
            }
        }
        if !delivered.is_empty() {
            entity::Entity::update_many()
                .col_expr(entity::Column::DeliveredAt, Expr::value(Utc::now()))
                .col_expr(entity::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
                .filter(entity::Column::Id.is_in(delivered.clone()))
                .exec(&self.db)
                .await?;
            // Rows an erasure marked while pending (also while this batch
            // was in flight): the peer has them and erased them on arrival;
            // no copy is kept here. See `forget_containing`.
            entity::Entity::delete_many()
                .filter(entity::Column::Id.is_in(delivered))
                .filter(entity::Column::Erased.eq(true))
                .exec(&self.db)
                .await?;
        }
        Ok(count)
    }

    /// Number of rows not yet delivered (for tests and operators).
    pub async fn pending(&self) -> Result<u64, DbErr> {
        use sea_orm::PaginatorTrait;
        entity::Entity::find().filter(entity::Column::DeliveredAt.is_null()).count(&self.db).await
    }

    /// Reserves due rows for this relay in one statement. On PostgreSQL the
    /// inner `FOR UPDATE SKIP LOCKED` lets replicas claim disjoint rows
    /// concurrently; SQLite has one connection, so the statement is atomic.
    /// Oldest due first, in the order of the `outbox_pending_due` index
    /// (delivered_at, next_attempt_at): the claim reads `batch_size` index
    /// entries instead of sorting the whole backlog, so it stays as fast
    /// when thousands of rows wait. (Rows of one batch are delivered
    /// concurrently, so no order between them was ever promised; peers order
    /// by their own sequence numbers.)
    /// Rows for peers that are not deployed yet stay pending untouched.
    async fn claim(&self, destinations: &[&str]) -> Result<Vec<entity::Model>, DbErr> {
        if destinations.is_empty() {
            return Ok(Vec::new());
        }
        let backend = self.db.get_database_backend();
        let now = Utc::now();
        let lease_until = now + chrono::Duration::milliseconds(self.config.lease_ms as i64);
        let limit = i64::from(self.config.batch_size);
        let param = |i: usize| match backend {
            DbBackend::Postgres => format!("${i}"),
            _ => format!("?{i}"),
        };
        let in_list = (4..4 + destinations.len()).map(param).collect::<Vec<_>>().join(", ");
        let skip_locked = if backend == DbBackend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
        let sql = format!(
            "UPDATE outbox SET lease_until = {p1} WHERE id IN (\
             SELECT id FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= {p2} \
             AND (lease_until IS NULL OR lease_until < {p2}) AND destination IN ({in_list}) \
             ORDER BY next_attempt_at LIMIT {p3}{skip_locked}) RETURNING *",
            p1 = param(1),
            p2 = param(2),
            p3 = param(3),
        );
        let mut values: Vec<sea_orm::Value> = vec![lease_until.into(), now.into(), limit.into()];
        values.extend(destinations.iter().map(|d| sea_orm::Value::from(*d)));
        let stmt = Statement::from_sql_and_values(backend, sql, values);
        let rows = self.db.query_all_raw(stmt).await?;
        let mut models =
            rows.iter().map(|row| entity::Model::from_query_result(row, "")).collect::<Result<Vec<_>, _>>()?;
        models.sort_by_key(|m| m.id);
        Ok(models)
    }

    /// Delivers one row; a failure is recorded at once with its retry time.
    /// Returns the row's id when it was delivered (the caller marks those
    /// together).
    async fn deliver_and_record(&self, row: entity::Model) -> Result<Option<i64>, DbErr> {
        let trace: HashMap<String, String> = serde_json::from_str(&row.trace_context).unwrap_or_default();
        // The relay's span continues the trace of the request that wrote the
        // row (a child, not a link: the delay is normally milliseconds, and
        // one trace from submission to e-mail is what an on-call engineer
        // follows); the call itself is a CLIENT span inside it.
        let span = tracing::info_span!(
            "outbox.deliver",
            outbox.id = row.id,
            outbox.destination = %row.destination,
            attempt = row.attempts + 1,
            otel.status_code = tracing::field::Empty,
            trace_id = tracing::field::Empty,
        );
        redress_telemetry::continue_stored_trace(&span, &self.service_name, &trace);
        let result = self.deliver(&row).instrument(span.clone()).await;
        let now = Utc::now();
        let outcome = if result.is_ok() { "delivered" } else { "failed" };
        redress_telemetry::metrics::instruments().outbox_deliveries.add(
            1,
            &[
                redress_telemetry::metrics::label("peer", row.destination.clone()),
                redress_telemetry::metrics::label("result", outcome),
            ],
        );
        match result {
            Ok(()) => Ok(Some(row.id)),
            Err(DeliveryError(error)) => {
                span.record("otel.status_code", "ERROR");
                let attempts = row.attempts + 1;
                let delay = self.backoff.delay(attempts.max(1) as u32);
                span.in_scope(|| {
                    tracing::warn!(error = %error, attempts, retry_in_ms = delay.as_millis() as u64, "outbox delivery failed")
                });
                entity::Entity::update_many()
                    .col_expr(entity::Column::Attempts, Expr::value(attempts))
                    .col_expr(
                        entity::Column::NextAttemptAt,
                        Expr::value(now + chrono::Duration::milliseconds(delay.as_millis() as i64)),
                    )
                    .col_expr(entity::Column::LastError, Expr::value(Some(truncate(&error, 2000))))
                    .col_expr(entity::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
                    .filter(entity::Column::Id.eq(row.id))
                    .exec(&self.db)
                    .await?;
                Ok(None)
            }
        }
    }

    async fn deliver(&self, row: &entity::Model) -> Result<(), DeliveryError> {
        let channel = self.channel(&row.destination)?;
        let token = self.token(&row.tenant_id)?;
        let path = http::uri::PathAndQuery::from_str(&row.method)
            .map_err(|e| DeliveryError(format!("bad method path {:?}: {e}", row.method)))?;
        let (service, method) = redress_telemetry::split_path(&row.method);
        let client = tracing::info_span!(
            "grpc.client",
            otel.name = %row.method.trim_start_matches('/'),
            otel.kind = "client",
            otel.status_code = tracing::field::Empty,
            rpc.system = "grpc",
            rpc.service = %service,
            rpc.method = %method,
            rpc.grpc.status_code = tracing::field::Empty,
            peer.service = %row.destination,
        );
        // The whole call, connecting included, is bounded: a peer that
        // accepts connections but never answers (or a DNS peer with no
        // replica yet) must not hold the round.
        let timeout = Duration::from_millis(self.config.call_timeout_ms);
        let call = tokio::time::timeout(timeout, self.call_peer(row, channel, &token, path));
        let result = match call.instrument(client.clone()).await {
            Ok(result) => result,
            Err(_) => Err((
                tonic::Code::DeadlineExceeded as i32,
                DeliveryError(format!("peer {} did not answer within {} ms", row.destination, timeout.as_millis())),
            )),
        };
        let code = match &result {
            Ok(()) => 0,
            Err((code, _)) => *code,
        };
        client.record("rpc.grpc.status_code", code);
        if code != 0 {
            // A client span is an error for every code but OK.
            client.record("otel.status_code", "ERROR");
        }
        result.map_err(|(_, err)| err)
    }

    async fn call_peer(
        &self,
        row: &entity::Model,
        channel: Channel,
        token: &str,
        path: http::uri::PathAndQuery,
    ) -> Result<(), (i32, DeliveryError)> {
        let unknown = tonic::Code::Unknown as i32;
        let mut request = tonic::Request::new(row.payload.clone());
        request.set_timeout(Duration::from_millis(self.config.call_timeout_ms));
        let bearer = format!("Bearer {token}")
            .parse()
            .map_err(|_| (unknown, DeliveryError("token is not a valid header".into())))?;
        request.metadata_mut().insert("authorization", bearer);
        // Injected inside the CLIENT span: the peer's server span is its child.
        redress_telemetry::inject_current(request.metadata_mut());
        let mut grpc = tonic::client::Grpc::new(channel);
        grpc.ready().await.map_err(|e| {
            (tonic::Code::Unavailable as i32, DeliveryError(format!("peer {} unreachable: {e}", row.destination)))
        })?;
        grpc.unary(request, path, RawCodec).await.map(|_| ()).map_err(|status| {
            (status.code() as i32, DeliveryError(format!("{:?}: {}", status.code(), status.message())))
        })
    }

    /// A channel to the configured peer `name`, shared with the deliveries,
    /// for a read that cannot wait for the outbox (intake's player story);
    /// `None` when the peer has no URL. Bound calls by [`Self::call_timeout`].
    pub fn peer_channel(&self, name: &str) -> Option<Channel> {
        self.channel(name).ok()
    }

    /// A bearer service token of `tenant`, as the deliveries carry, for a
    /// service's own reads of a peer that must not depend on a caller's
    /// token (intake's subject-access export).
    pub fn service_token(&self, tenant: &str) -> Result<String, String> {
        self.token(tenant).map_err(|e| e.0)
    }

    /// The deadline of one call to a peer.
    pub fn call_timeout(&self) -> Duration {
        Duration::from_millis(self.config.call_timeout_ms)
    }

    fn channel(&self, destination: &str) -> Result<Channel, DeliveryError> {
        let mut channels = self.channels.lock().map_err(|_| DeliveryError("channel cache poisoned".into()))?;
        if let Some(channel) = channels.get(destination) {
            return Ok(channel.clone());
        }
        let url = self
            .config
            .peers
            .get(destination)
            .map(|p| p.url.as_str())
            .filter(|u| !u.is_empty())
            .ok_or_else(|| DeliveryError(format!("peer {destination} is not configured")))?;
        let channel = PeerAddress::parse(url)
            .and_then(|peer| {
                peer.channel(Duration::from_secs(2), Duration::from_millis(self.config.dns_refresh_ms.max(100)))
            })
            .map_err(|e| DeliveryError(format!("peer {destination} url: {e}")))?;
        channels.insert(destination.to_owned(), channel.clone());
        Ok(channel)
    }

    /// A service token for the tenant, reused until a minute before expiry.
    fn token(&self, tenant: &str) -> Result<String, DeliveryError> {
        let now = Utc::now();
        let mut tokens = self.tokens.lock().map_err(|_| DeliveryError("token cache poisoned".into()))?;
        if let Some((token, expires)) = tokens.get(tenant)
            && *expires - chrono::Duration::seconds(60) > now
        {
            return Ok(token.clone());
        }
        let ttl = Duration::from_secs(300);
        let token = self
            .issuer
            .mint(tenant, &self.service_name, &[Role::Service], ttl)
            .map_err(|e| DeliveryError(format!("cannot sign a service token: {e}")))?;
        tokens.insert(tenant.to_owned(), (token.clone(), now + chrono::Duration::seconds(300)));
        Ok(token)
    }

    /// Pending rows and the age of the oldest, per configured peer, into the
    /// metrics (0 for a peer with nothing pending, so a recovered backlog
    /// shows as recovered).
    pub async fn report_backlog(&self) -> Result<(), DbErr> {
        #[derive(Debug, FromQueryResult)]
        struct Backlog {
            destination: String,
            pending: i64,
            oldest: Option<DateTime<Utc>>,
        }
        let rows = entity::Entity::find()
            .select_only()
            .column(entity::Column::Destination)
            .column_as(entity::Column::Id.count(), "pending")
            .column_as(entity::Column::CreatedAt.min(), "oldest")
            .filter(entity::Column::DeliveredAt.is_null())
            .group_by(entity::Column::Destination)
            .into_model::<Backlog>()
            .all(&self.db)
            .await?;
        let now = Utc::now();
        let metrics = redress_telemetry::metrics::instruments();
        for peer in self.config.peers.keys() {
            let row = rows.iter().find(|r| &r.destination == peer);
            let labels = [redress_telemetry::metrics::label("peer", peer.clone())];
            metrics.outbox_pending.record(row.map_or(0, |r| r.pending.max(0) as u64), &labels);
            let age = row.and_then(|r| r.oldest).map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1000.0);
            metrics.outbox_oldest_pending_age.record(age, &labels);
        }
        Ok(())
    }

    async fn purge_delivered(&self) -> Result<(), DbErr> {
        let cutoff = Utc::now() - chrono::Duration::hours(self.config.keep_delivered_hours as i64);
        entity::Entity::delete_many().filter(entity::Column::DeliveredAt.lt(cutoff)).exec(&self.db).await?;
        Ok(())
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// How often the backlog gauges are refreshed (a grouped count per round
/// would cost a query per commit under load).
const BACKLOG_REPORT_EVERY: Duration = Duration::from_secs(1);

/// How often delivered rows past `keep_delivered_hours` are purged.
const PURGE_EVERY: Duration = Duration::from_secs(600);

/// One peer's lane of the relay.
struct Lane {
    relay: Arc<Relay>,
    peer: String,
}

impl Job for Lane {
    fn name(&self) -> &'static str {
        "outbox.relay"
    }

    async fn round(&self) -> Result<Round, BoxError> {
        let relay = &self.relay;
        // Housekeeping is the relay's, not a lane's: whichever lane finds it
        // due first does it.
        if due(&relay.last_purge, PURGE_EVERY)
            && let Err(err) = relay.purge_delivered().await
        {
            tracing::warn!(error = %err, "outbox purge failed");
        }
        let claimed = relay.deliver_batch(&[self.peer.as_str()]).await?;
        if due(&relay.last_backlog_report, BACKLOG_REPORT_EVERY)
            && let Err(err) = relay.report_backlog().await
        {
            tracing::warn!(error = %err, "outbox backlog query failed");
        }
        Ok(Round::of(claimed, relay.config.batch_size as usize))
    }

    async fn woken(&self) {
        match self.relay.wakes.get(&self.peer) {
            Some(wake) => wake.notified().await,
            None => std::future::pending().await,
        }
    }
}

/// True (and restarts the period) when `every` has passed since `last`.
fn due(last: &Mutex<tokio::time::Instant>, every: Duration) -> bool {
    last.lock()
        .map(|mut last| {
            let due = last.elapsed() >= every;
            if due {
                *last = tokio::time::Instant::now();
            }
            due
        })
        .unwrap_or(false)
}
