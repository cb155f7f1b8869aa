//! The evidence janitor: removes the chunks of uploads that a crash cut off
//! between their first chunk and their evidence row (a refused, replayed or
//! broken upload removes its own). A chunk is an orphan once it is older
//! than `evidence_orphan_after_ms` (longer than any upload may take) and no
//! evidence row points at it. Time is the database's clock.

use std::sync::Arc;

use chrono::Duration;
use redress_errors::ApiError;
use redress_worker::{BoxError, Job, Round, Worker};
use sea_orm::DatabaseConnection;

use crate::store;

/// The janitor of one replica (replicas may run it together: a delete is
/// idempotent).
pub struct EvidenceJanitor {
    db: DatabaseConnection,
    orphan_after: Duration,
}

impl EvidenceJanitor {
    /// A janitor that removes orphan chunks older than `orphan_after`.
    pub fn new(db: DatabaseConnection, orphan_after: std::time::Duration) -> Arc<Self> {
        let orphan_after = Duration::from_std(orphan_after).unwrap_or(Duration::hours(1));
        Arc::new(Self { db, orphan_after })
    }

    /// One round, at the database's time plus `ahead` (tests look into the
    /// future instead of waiting). Returns the chunks removed.
    pub async fn run_once(&self, ahead: Duration) -> Result<u64, ApiError> {
        let now = store::database_now(&self.db).await? + ahead;
        let removed = store::delete_orphan_chunks(&self.db, now - self.orphan_after).await?;
        if removed > 0 {
            tracing::info!(chunks = removed, "evidence janitor removed chunks of unfinished uploads");
        }
        Ok(removed)
    }

    /// Runs rounds every `interval` in the background.
    pub fn spawn(self: &Arc<Self>, interval: std::time::Duration) -> Worker {
        Worker::spawn(Arc::clone(self), interval)
    }
}

impl Job for EvidenceJanitor {
    fn name(&self) -> &'static str {
        "evidence.janitor"
    }

    async fn round(&self) -> Result<Round, BoxError> {
        let removed = self.run_once(Duration::zero()).await?;
        Ok(Round { worked: usize::try_from(removed).unwrap_or(usize::MAX), more: false })
    }
}
