//! The follow-up sweeper: at each survey's follow-up time, flags the case
//! back to resolution when the player never answered. Replicas share the
//! work through the database (`FOR UPDATE SKIP LOCKED` on PostgreSQL), and
//! each check writes its outbox row in the transaction that marks it done,
//! so a crash neither loses nor repeats a flag.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use redress_outbox::Relay;
use redress_proto::{feedback::v1::survey::State, resolution::v1::FollowUpReason};
use redress_worker::{BoxError, Job, Round, Worker};
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
use tracing::Instrument;

use crate::{api::outbox, store};

/// Checks claimed per transaction.
const BATCH: u64 = 100;

/// Runs due follow-up checks.
pub struct FollowUps {
    db: DatabaseConnection,
    relay: Arc<Relay>,
}

impl FollowUps {
    /// A sweeper over `db` that hands its flags to `relay`.
    pub fn new(db: DatabaseConnection, relay: Arc<Relay>) -> Arc<Self> {
        Arc::new(Self { db, relay })
    }

    /// Runs the checks due at `now` (one batch); returns how many ran.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, DbErr> {
        let txn = self.db.begin().await?;
        let due = store::claim_due_follow_ups(&txn, now, BATCH).await?;
        let mut flagged = false;
        for mut row in due.iter().cloned() {
            // Each check is a trace of its own (no request asked for it); the
            // flag it writes continues it through the outbox.
            let span = tracing::info_span!(
                "feedback.follow_up",
                survey.id = %row.id,
                redress.tenant = %row.tenant_id,
                trace_id = tracing::field::Empty,
            );
            redress_telemetry::start_trace(&span, crate::app::SERVICE_NAME);
            let txn = &txn;
            flagged |= async move {
                row.follow_up_done = true;
                // Still open (or expired unanswered): the player never told us,
                // so an agent calls back. Suppressed surveys were never sent.
                let unanswered = row.state.get() == State::Open;
                let mut messages = Vec::new();
                if unanswered && !row.follow_up_flagged {
                    row.follow_up_flagged = true;
                    tracing::info!(survey = %row.id, "survey unanswered: follow-up flagged");
                    messages.push(outbox::flag_follow_up(
                        &row.tenant_id,
                        &row.case_name,
                        &row.id,
                        FollowUpReason::FollowUpUnanswered,
                        0,
                        "",
                        row.follow_up_at,
                    ));
                }
                store::update_survey(txn, row).await?;
                let flagged = !messages.is_empty();
                redress_outbox::enqueue(txn, messages).await?;
                Ok::<_, DbErr>(flagged)
            }
            .instrument(span)
            .await?;
        }
        txn.commit().await?;
        if flagged {
            self.relay.notify();
        }
        Ok(due.len())
    }

    /// Runs in the background, every `interval` (at once again while a
    /// round finds a full batch).
    pub fn spawn(self: &Arc<Self>, interval: Duration) -> Worker {
        Worker::spawn(Arc::clone(self), interval)
    }
}

impl Job for FollowUps {
    fn name(&self) -> &'static str {
        "feedback.follow_ups"
    }

    async fn round(&self) -> Result<Round, BoxError> {
        let ran = self.run_once(Utc::now()).await?;
        Ok(Round::of(ran, BATCH as usize))
    }
}
