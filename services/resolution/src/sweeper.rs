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
use redress_proto::resolution::v1::clock::Kind;
use redress_worker::{BoxError, Job, Round, Worker};
use sea_orm::{DatabaseConnection, TransactionTrait};
use tracing::Instrument;

use crate::{
    api::{ResolutionApi, convert},
    domain::{
        SWEEPER,
        business_hours::Schedule,
        clocks::{self, Due},
        machine::{self, Command},
    },
    store,
};

/// Cases claimed per round.
const BATCH: u64 = 100;

/// How often the background round counts the open cases for the gauge.
pub const OPEN_CASES_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

/// `KIND_FINAL_RESPONSE` → `final_response`.
fn clock_label(kind: i32) -> String {
    let name = Kind::try_from(kind).unwrap_or(Kind::Unspecified).as_str_name();
    name.strip_prefix("KIND_").unwrap_or(name).to_ascii_lowercase()
}

/// What a round counts in the metrics, with its labels.
enum Counted {
    Warning(Vec<redress_telemetry::metrics::KeyValue>),
    Breach(Vec<redress_telemetry::metrics::KeyValue>),
    Deemed(Vec<redress_telemetry::metrics::KeyValue>),
}

/// The sweeper of one replica.
pub struct Sweeper {
    db: DatabaseConnection,
    api: Arc<ResolutionApi>,
    /// Microseconds added to the database's time: a controllable clock for
    /// tests and drills; 0 in production.
    offset_micros: AtomicI64,
    /// When the background round last counted the open cases.
    last_open_count: std::sync::Mutex<Option<std::time::Instant>>,
}

impl Sweeper {
    /// A sweeper over the service's database and API.
    pub fn new(db: DatabaseConnection, api: Arc<ResolutionApi>) -> Arc<Self> {
        Arc::new(Self { db, api, offset_micros: AtomicI64::new(0), last_open_count: std::sync::Mutex::new(None) })
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
        // Counted once the transaction committed: a rolled-back round
        // breached nothing.
        let mut counted = Vec::new();
        for row in rows {
            // Each case's sweep is a trace of its own, started by no request:
            // its log lines carry its trace id, and the notifications and
            // status updates it writes continue it through the outbox.
            let span = tracing::info_span!(
                "sla.sweep",
                case.id = %row.id,
                redress.tenant = %row.tenant_id,
                events = tracing::field::Empty,
                trace_id = tracing::field::Empty,
            );
            redress_telemetry::start_trace(&span, crate::app::SERVICE_NAME);
            let events = self.sweep_case(&txn, row, now, &mut counted).instrument(span.clone()).await?;
            span.record("events", events);
            written += events;
        }
        txn.commit().await?;
        let m = crate::metrics::metrics();
        for count in counted {
            match count {
                Counted::Warning(labels) => m.deadline_warnings.add(1, &labels),
                Counted::Breach(labels) => m.deadline_breaches.add(1, &labels),
                Counted::Deemed(labels) => m.deemed_acceptances.add(1, &labels),
            }
        }
        if written > 0 {
            self.api.notify_relay();
            tracing::info!(events = written, "sla sweep recorded events");
        }
        Ok(written)
    }

    /// One claimed case: every clock's due work, its events and outbox rows
    /// (written under the case's span, so they carry its trace context).
    async fn sweep_case(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        mut row: crate::store::case::Model,
        now: DateTime<Utc>,
        counted: &mut Vec<Counted>,
    ) -> Result<usize, ApiError> {
        let mut written = 0;
        let mut messages = Vec::new();
        let jurisdiction = crate::metrics::jurisdiction(&row.jurisdiction);
        // One clock's work at a time, re-reading the case after each, so
        // a breach sees the warnings just recorded.
        // The staffed hours of the case's queue time its warnings (read
        // again when a breach moved the case to another queue).
        let mut hours: Option<(String, Option<Schedule>)> = None;
        for index in 0..convert::body_of(&row).clocks.len() {
            let body = convert::body_of(&row);
            let Some(clock) = body.clocks.get(index) else { continue };
            let schedule = self.hours_of(txn, &row.tenant_id, &body.queue, &mut hours).await?;
            let Some(work) = clocks::due_work(clock, now, schedule.as_ref()) else { continue };
            let clock_label = redress_telemetry::metrics::label("clock", clock_label(clock.kind));
            let command = match work {
                Due::Warn(thresholds) => Command::Warn { clock_index: index, thresholds },
                Due::Breach => {
                    let queues = self.api.queue_definitions(txn, &row.tenant_id).await?;
                    Command::Breach {
                        clock_index: index,
                        escalation_queue: self.api.escalation_queue_for(&queues, &body),
                    }
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
            // What the decision changed, for the metrics.
            let after = decision.case.clocks.get(index);
            let warned: Vec<i32> = after
                .map(|a| a.warned_thresholds.iter().filter(|t| !clock.warned_thresholds.contains(t)).copied().collect())
                .unwrap_or_default();
            let breached = !clock.breached && after.is_some_and(|a| a.breached);
            let deemed = decision.case.deemed_accepted && !body.deemed_accepted;
            let applied = self.api.apply(txn, row, decision, SWEEPER, &payload, now).await?;
            for threshold in warned {
                let threshold = redress_telemetry::metrics::label("threshold", i64::from(threshold));
                counted.push(Counted::Warning(vec![jurisdiction.clone(), clock_label.clone(), threshold]));
            }
            if breached {
                counted.push(Counted::Breach(vec![jurisdiction.clone(), clock_label.clone()]));
            }
            if deemed {
                counted.push(Counted::Deemed(vec![jurisdiction.clone()]));
                tracing::info!(case = %applied.row.id, "final response breached: complaint deemed accepted");
            }
            written += applied.events.len();
            messages.extend(applied.messages);
            row = applied.row;
        }
        if written == 0 && row.sweep_at <= now {
            // Nothing was due after all (e.g. the clock stopped): move the
            // sweep time so the case is not claimed again every round.
            let body = convert::body_of(&row);
            let schedule = self.hours_of(txn, &row.tenant_id, &body.queue, &mut hours).await?;
            let next =
                clocks::next_sweep(&body.clocks, schedule.as_ref()).filter(|t| *t > now).unwrap_or_else(store::never);
            store::set_sweep_at(txn, &row.id, next).await?;
        }
        redress_outbox::enqueue(txn, messages).await?;
        Ok(written)
    }

    /// The staffed hours of `queue`, read once per queue a case is in
    /// (`cache` holds the last one read).
    async fn hours_of(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        tenant: &str,
        queue: &str,
        cache: &mut Option<(String, Option<Schedule>)>,
    ) -> Result<Option<Schedule>, ApiError> {
        if let Some((cached, schedule)) = cache.as_ref()
            && cached == queue
        {
            return Ok(schedule.clone());
        }
        let schedule = match queue {
            "" => None,
            _ => store::queues::find_queue(txn, tenant, queue)
                .await?
                .and_then(|q| Schedule::of(q.spec.get().business_hours.as_ref())),
        };
        *cache = Some((queue.to_owned(), schedule.clone()));
        Ok(schedule)
    }

    /// Counts the open cases by queue for the `redress.resolution.cases.open`
    /// gauge: one grouped count (the background round does it at most every
    /// [`OPEN_CASES_EVERY`]).
    pub async fn report_open_cases(&self) -> Result<(), ApiError> {
        let counts = store::open_cases_by_queue(&self.db).await?;
        crate::metrics::metrics().set_open_cases(counts.into_iter().map(|(q, n)| (q, n.max(0) as u64)));
        Ok(())
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
        let count_due = self.last_open_count.lock().map(|mut last| {
            let due = last.is_none_or(|t| t.elapsed() >= OPEN_CASES_EVERY);
            if due {
                *last = Some(std::time::Instant::now());
            }
            due
        });
        if count_due.unwrap_or(false)
            && let Err(err) = self.report_open_cases().await
        {
            tracing::warn!(error = %err, "open cases count failed");
        }
        Ok(Round { worked: written, more: false })
    }
}
