//! The retention sweep: closed complaints past the retention period of
//! their jurisdiction (policy `[retention]`, per tenant) are erased one at
//! a time, each as its own erasure through the same path as
//! ErasePlayerData, unless their player is under an active legal hold.
//! Each tenant's run that found something is recorded (ListRetentionSweeps)
//! and logged. The sweep also settles unfinished erasures (reads their
//! peers' confirmations from the outbox before delivered rows are pruned).

use std::{collections::BTreeMap, sync::Arc};

use chrono::{DateTime, Utc};
use redress_db::{new_id, now};
use redress_errors::ApiError;
use redress_proto::intake::v1::{RetentionSweep, erasure::Trigger};
use redress_worker::{BoxError, Job, Round, Worker};
use sea_orm::TransactionTrait;

use super::{
    IntakeApi,
    erasure::{NewErasure, RETENTION_SWEEPER, refuse_if_held, sweep_of},
};
use crate::{
    domain::erasure as rules,
    store::{self, erasure as erasures},
};

/// Candidates read per query.
const PAGE: u64 = 200;

/// Drives the retention sweep (tests call [`RetentionSweeper::sweep_at`]).
pub struct RetentionSweeper {
    api: Arc<IntakeApi>,
}

/// One tenant's tally during a run.
#[derive(Default)]
struct Tally {
    examined: i64,
    erased: Vec<String>,
    holds: Vec<String>,
}

impl RetentionSweeper {
    /// A sweeper over the API's database, policy and outbox.
    pub fn new(api: Arc<IntakeApi>) -> Arc<Self> {
        Arc::new(Self { api })
    }

    /// Runs a round every `interval` in the background.
    pub fn spawn(self: &Arc<Self>, interval: std::time::Duration) -> Worker {
        Worker::spawn(Arc::clone(self), interval)
    }

    /// One sweep at the current time.
    pub async fn run_once(&self) -> Result<Vec<RetentionSweep>, ApiError> {
        self.sweep_at(now()).await
    }

    /// One sweep as if it were `now`: erases what is past retention at
    /// `now`, records and returns each tenant's run that found something.
    pub async fn sweep_at(&self, now: DateTime<Utc>) -> Result<Vec<RetentionSweep>, ApiError> {
        // Stored times have microseconds (PostgreSQL); so has the record.
        let now = chrono::SubsecRound::trunc_subsecs(now, 6);
        let api = &self.api;
        self.settle_unfinished().await?;
        let Some(shortest) = api.policy.shortest_retention_years() else { return Ok(Vec::new()) };
        let Some(changed_before) = now.checked_sub_months(chrono::Months::new(shortest.saturating_mul(12))) else {
            return Ok(Vec::new());
        };
        let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
        let mut after: Option<String> = None;
        loop {
            let page = erasures::retention_candidates(&api.db, changed_before, after.as_deref(), PAGE).await?;
            let full = page.len() as u64 == PAGE;
            after = page.last().map(|c| c.id.clone());
            for row in page {
                let Some(retention) = api.policy.retention(&row.tenant_id) else { continue };
                if !rules::past_retention(retention, &row.jurisdiction, row.status.get(), row.updated_at, now) {
                    continue;
                }
                let tally = tallies.entry(row.tenant_id.clone()).or_default();
                tally.examined += 1;
                let txn = api.db.begin().await?;
                if let Err(err) = refuse_if_held(&txn, &row.tenant_id, &row.player_id, now).await {
                    if err.reason != "LEGAL_HOLD" {
                        return Err(err);
                    }
                    let hold = err.metadata.iter().find(|(k, _)| k == "legal_hold").map(|(_, v)| v.clone());
                    if let Some(hold) = hold.filter(|h| !tally.holds.contains(h)) {
                        tally.holds.push(hold);
                    }
                    continue;
                }
                // Read again in the transaction: a concurrent erasure wins.
                let Some(fresh) = store::find_complaint(&txn, &row.tenant_id, &row.id).await? else { continue };
                if fresh.erased_at.is_some() {
                    continue;
                }
                let years = retention.years(&row.jurisdiction);
                let new = NewErasure {
                    tenant: &row.tenant_id,
                    player_id: &row.player_id,
                    trigger: Trigger::Retention,
                    reason: format!("retention: {} years after closing ({})", years, row.jurisdiction),
                    requester: RETENTION_SWEEPER,
                    complaints: vec![fresh],
                };
                let (erasure, messages) = api.erase(&txn, new, now).await?;
                redress_outbox::enqueue(&txn, messages).await?;
                txn.commit().await?;
                api.relay.notify();
                tally.erased.push(erasure.id);
            }
            if !full {
                break;
            }
        }
        let mut sweeps = Vec::new();
        for (tenant, tally) in tallies {
            let held = tally.examined - tally.erased.len() as i64;
            let row = erasures::retention_sweep::Model {
                id: new_id(),
                tenant_id: tenant.clone(),
                run_at: now,
                examined: tally.examined,
                erased: tally.erased.len() as i64,
                held,
                erasures: tally.erased.join(","),
                holds: tally.holds.join(","),
            };
            erasures::insert_sweep(&api.db, row.clone()).await?;
            tracing::info!(
                tenant = %tenant,
                sweep = %format!("retentionSweeps/{}", row.id),
                examined = row.examined,
                erased = row.erased,
                held = row.held,
                "retention sweep"
            );
            sweeps.push(sweep_of(&row));
        }
        Ok(sweeps)
    }

    /// Reads the peers' confirmations of unfinished erasures.
    async fn settle_unfinished(&self) -> Result<(), ApiError> {
        for row in erasures::unfinished_erasures(&self.api.db, PAGE).await? {
            self.api.settle(row).await?;
        }
        Ok(())
    }
}

impl Job for RetentionSweeper {
    fn name(&self) -> &'static str {
        "retention.sweeper"
    }

    async fn round(&self) -> Result<Round, BoxError> {
        let sweeps = self.run_once().await?;
        Ok(Round { worked: sweeps.len(), more: false })
    }
}
