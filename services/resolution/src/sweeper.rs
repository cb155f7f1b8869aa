//! The SLA sweeper: warns at 75 % and 90 % of a clock (once each), and at a
//! breach records it, escalates, and applies the jurisdiction's consequence
//! (PL: deemed accepted with a remedy task; GB/MT: the ADR rights notice).
//!
//! Correct with several replicas: each round claims due cases with
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two sweepers never work on the
//! same case at once, and every write is also guarded by the case's version.
//! Time is the DATABASE's clock (plus a test offset), never one pod's.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

use chrono::{DateTime, Duration, SubsecRound, Utc};
use redress_errors::ApiError;
use redress_worker::{BoxError, Job, Round, Worker};
use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::{
    api::{ResolutionApi, convert},
    domain::{
        SWEEPER,
        clocks::{self, Due},
        machine::{self, Command},
    },
    store,
};

/// Cases claimed per round.
const BATCH: u64 = 100;

/// The sweeper of one replica.
pub struct Sweeper {
    db: DatabaseConnection,
    api: Arc<ResolutionApi>,
    /// Microseconds added to the database's time: a controllable clock for
    /// tests and drills; 0 in production.
    offset_micros: AtomicI64,
}

impl Sweeper {
    /// A sweeper over the service's database and API.
    pub fn new(db: DatabaseConnection, api: Arc<ResolutionApi>) -> Arc<Self> {
        Arc::new(Self { db, api, offset_micros: AtomicI64::new(0) })
    }

    /// Moves this sweeper's clock forward (tests simulate the passing of days).
    pub fn advance(&self, by: Duration) {
        self.offset_micros.fetch_add(by.num_microseconds().unwrap_or(i64::MAX), Ordering::SeqCst);
    }

    /// The time the sweeper works at: the database's, plus the offset.
    pub async fn now(&self) -> Result<DateTime<Utc>, ApiError> {
        let db_now = store::database_now(&self.db).await?;
        Ok((db_now + Duration::microseconds(self.offset_micros.load(Ordering::SeqCst))).trunc_subsecs(6))
    }

    /// One round: claims the due cases, warns and breaches their clocks, and
    /// writes the events and outbox rows in one transaction. Returns the
    /// number of events written.
    pub async fn run_once(&self) -> Result<usize, ApiError> {
        let now = self.now().await?;
        let txn = self.db.begin().await?;
        let rows = store::claim_due(&txn, now, BATCH).await?;
        let mut written = 0;
        let mut messages = Vec::new();
        for mut row in rows {
            let mut worked = false;
            // One clock's work at a time, re-reading the case after each, so
            // a breach sees the warnings just recorded.
            for index in 0..convert::body_of(&row).clocks.len() {
                let body = convert::body_of(&row);
                let Some(work) = body.clocks.get(index).and_then(|c| clocks::due_work(c, now)) else { continue };
                let command = match work {
                    Due::Warn(thresholds) => Command::Warn { clock_index: index, thresholds },
                    Due::Breach => {
                        Command::Breach { clock_index: index, escalation_queue: self.api.escalation_queue().to_owned() }
                    }
                };
                let payload = serde_json::to_vec(&serde_json::json!({
                    "sweeper": SWEEPER,
                    "clock_index": index,
                    "at": now.to_rfc3339(),
                }))
                .unwrap_or_default();
                let decision = machine::decide(&body, command, SWEEPER, now)
                    .map_err(|r| ApiError::internal(format!("sweeper refused: {}", r.message)))?;
                let applied = self.api.apply(&txn, row, decision, SWEEPER, &payload, now).await?;
                written += applied.events.len();
                worked |= !applied.events.is_empty();
                messages.extend(applied.messages);
                row = applied.row;
            }
            if !worked && row.sweep_at <= now {
                // Nothing was due after all (e.g. the clock stopped): move the
                // sweep time so the case is not claimed again every round.
                let body = convert::body_of(&row);
                let next = clocks::next_sweep(&body.clocks).filter(|t| *t > now).unwrap_or_else(store::never);
                store::set_sweep_at(&txn, &row.id, next).await?;
            }
        }
        redress_outbox::enqueue(&txn, messages).await?;
        txn.commit().await?;
        if written > 0 {
            self.api.notify_relay();
            tracing::info!(events = written, "sla sweep recorded events");
        }
        Ok(written)
    }

    /// Runs a round every `interval` in the background.
    pub fn spawn(self: &Arc<Self>, interval: std::time::Duration) -> Worker {
        Worker::spawn(Arc::clone(self), interval)
    }
}

impl Job for Sweeper {
    fn name(&self) -> &'static str {
        "sla.sweeper"
    }

    async fn round(&self) -> Result<Round, BoxError> {
        let written = self.run_once().await?;
        Ok(Round { worked: written, more: false })
    }
}
