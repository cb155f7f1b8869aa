//! The spike watch: periodically compares each tenant's recurring problems
//! of the last `spike_window_days` with the window before and e-mails the
//! tenant's operations contact about each new spike, once per cluster and
//! window. Reading recurring problems (ListRecurringProblems) never alerts:
//! a read has no side effects, and no caller-chosen factor decides who is
//! paged. The alert row and its outbox message commit together.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use redress_outbox::Relay;
use redress_proto::feedback::v1::RecurringProblem;
use redress_worker::{BoxError, Job, Round, Worker};
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};

use crate::{
    api::outbox,
    config::FeedbackConfig,
    domain::{Window, recurring},
    store::{self, spike_alert},
};

/// Watches every tenant for spikes.
pub struct SpikeWatch {
    db: DatabaseConnection,
    relay: Arc<Relay>,
    config: Arc<FeedbackConfig>,
}

impl SpikeWatch {
    /// A watch over `db` whose alerts `relay` delivers.
    pub fn new(db: DatabaseConnection, relay: Arc<Relay>, config: Arc<FeedbackConfig>) -> Arc<Self> {
        Arc::new(Self { db, relay, config })
    }

    /// One look at every tenant with complaints in the last two windows,
    /// as of `now`; returns how many alerts it raised.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, DbErr> {
        let length = chrono::Duration::days(self.config.spike_window_days.max(1));
        let window = Window { start: now - length, end: now };
        let previous = window.previous();
        let mut raised = 0;
        for tenant in store::tenants_with_submissions(&self.db, previous.start, window.end).await? {
            let settings = self.config.tenant(&tenant);
            let subs = store::submissions(&self.db, &tenant, previous.start, window.end).await?;
            let params = recurring::Params {
                window,
                previous,
                min_count: i64::from(settings.recurring_min_count),
                spike_factor: settings.spike_factor,
                category: None,
                reference_kind: None,
                spikes_only: true,
            };
            let spikes = recurring::clusters(&subs, &params);
            raised += self.alert(&tenant, &spikes, &window, now).await?;
        }
        if raised > 0 {
            self.relay.notify();
        }
        Ok(raised)
    }

    /// Alerts about each spike once: no new alert for a cluster while an
    /// earlier alert's window overlaps this one.
    async fn alert(
        &self,
        tenant: &str,
        spikes: &[RecurringProblem],
        w: &Window,
        now: DateTime<Utc>,
    ) -> Result<usize, DbErr> {
        if spikes.is_empty() {
            return Ok(0);
        }
        let txn = self.db.begin().await?;
        let mut messages = Vec::new();
        for p in spikes {
            let cluster = recurring::cluster_key(p);
            if store::recent_alert_exists(&txn, tenant, &cluster, w.start).await? {
                continue;
            }
            let id = redress_db::new_id();
            let alert = spike_alert::Model {
                id: id.clone(),
                tenant_id: tenant.to_owned(),
                cluster: cluster.clone(),
                window_start: w.start,
                window_end: w.end,
                count: p.count,
                created_at: now,
            };
            store::insert_alert(&txn, alert).await?;
            tracing::warn!(tenant, cluster = %cluster, count = p.count, previous = p.previous_count, "recurring problem spike");
            messages.push(outbox::spike_alert(tenant, &id, p, w));
        }
        let raised = messages.len();
        redress_outbox::enqueue(&txn, messages).await?;
        txn.commit().await?;
        Ok(raised)
    }

    /// Runs in the background, every `interval`.
    pub fn spawn(self: &Arc<Self>, interval: Duration) -> Worker {
        Worker::spawn(Arc::clone(self), interval)
    }
}

impl Job for SpikeWatch {
    fn name(&self) -> &'static str {
        "feedback.spike_watch"
    }

    async fn round(&self) -> Result<Round, BoxError> {
        self.run_once(Utc::now()).await?;
        Ok(Round::of(0, 1))
    }
}
