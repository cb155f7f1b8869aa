//! Background work in Redress — the outbox relay, the SLA sweeper, the
//! follow-up checks, the notification sender — runs on one abstraction.
//!
//! A [`Job`] does its work in rounds ([`Job::round`]): claim a batch from the
//! database, work it off, commit. A [`Worker`] runs a job's rounds in the
//! background: again at once while a round finds a full batch, otherwise
//! after the job's interval or as soon as the job is woken (a commit that
//! enqueued work). Tests never spawn a worker to wait for it: they call the
//! job's `run_once` themselves (each job has one), so nothing depends on timing.
//!
//! Stopping has a deadline: [`Worker::stop`] lets the round in progress
//! finish within it and then cancels the round. Every job is written so that
//! a cancelled round is safe (claims are leases that expire, transactions
//! roll back), which is also what makes [`Worker::abort`] — a real abort, as
//! a crash would — safe to use in fault tests.

use std::{future::Future, sync::Arc, time::Duration};

use rand::Rng;
use tokio::{sync::watch, task::JoinHandle};

/// The error a round may fail with; logged, then the worker goes on.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Items worked off in the round (rows delivered, cases swept, …).
    pub worked: usize,
    /// More work is due now (the round claimed a full batch): run again at
    /// once instead of waiting for the interval.
    pub more: bool,
}

impl Round {
    /// A round that worked `worked` items out of a batch of `batch`.
    pub fn of(worked: usize, batch: usize) -> Self {
        Self { worked, more: batch > 0 && worked >= batch }
    }
}

/// Background work done in rounds.
pub trait Job: Send + Sync + 'static {
    /// The job's name in logs and metrics, e.g. `outbox.relay`.
    fn name(&self) -> &'static str;

    /// One round. Must be safe to cancel at any await point. Jobs also
    /// offer their own `run_once` for tests to drive rounds explicitly.
    fn round(&self) -> impl Future<Output = Result<Round, BoxError>> + Send;

    /// Resolves when the job should run before its interval is over, e.g.
    /// because a transaction enqueued work for it. Never, by default.
    fn woken(&self) -> impl Future<Output = ()> + Send {
        std::future::pending()
    }
}

/// How a worker ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// The round in progress (if any) finished within the deadline.
    Drained,
    /// The deadline passed and the round in progress was cancelled.
    Cancelled,
}

/// A job running in the background, in one lane of rounds or several.
pub struct Worker {
    name: &'static str,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Worker {
    /// Runs `job` in the background until stopped, waiting at most `every`
    /// between two rounds.
    pub fn spawn<J: Job>(job: Arc<J>, every: Duration) -> Worker {
        Self::spawn_lanes(vec![job], every)
    }

    /// Runs jobs of one kind side by side, each in a lane of its own rounds
    /// (the outbox relay: one lane per peer, so a slow peer's round never
    /// holds another peer's rows). The lanes stop and abort together.
    pub fn spawn_lanes<J: Job>(jobs: Vec<Arc<J>>, every: Duration) -> Worker {
        let name = jobs.first().map_or("worker", |job| job.name());
        let (stop, stopped) = watch::channel(false);
        let lanes = jobs.into_iter().map(move |job| run_lane(job, every, stopped.clone()));
        let task = tokio::spawn(async move {
            futures::future::join_all(lanes).await;
        });
        Worker { name, stop, task }
    }

    /// The job's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Stops the worker: no new round starts, the rounds in progress may
    /// finish within `deadline`, then they are cancelled.
    pub async fn stop(mut self, deadline: Duration) -> Stopped {
        let _ = self.stop.send(true);
        match tokio::time::timeout(deadline, &mut self.task).await {
            Ok(_) => Stopped::Drained,
            Err(_) => {
                tracing::warn!(
                    worker = self.name,
                    deadline_ms = deadline.as_millis() as u64,
                    "worker round cancelled at the stop deadline"
                );
                self.task.abort();
                let _ = (&mut self.task).await;
                Stopped::Cancelled
            }
        }
    }

    /// Stops at once, mid-round, as a crash would (fault tests).
    pub fn abort(self) {
        self.task.abort();
    }
}

/// One lane: the job's rounds until the worker is stopped.
async fn run_lane<J: Job>(job: Arc<J>, every: Duration, mut stopped: watch::Receiver<bool>) {
    let name = job.name();
    loop {
        let more = match job.round().await {
            Ok(round) => round.more,
            Err(err) => {
                tracing::warn!(worker = name, error = %err, "worker round failed");
                false
            }
        };
        if *stopped.borrow() {
            break;
        }
        if more {
            continue;
        }
        tokio::select! {
            _ = job.woken() => {}
            _ = tokio::time::sleep(every) => {}
            _ = stopped.changed() => break,
        }
    }
}

/// Stops several workers concurrently within one deadline.
pub async fn stop_all(workers: Vec<Worker>, deadline: Duration) -> Vec<Stopped> {
    futures::future::join_all(workers.into_iter().map(|w| w.stop(deadline))).await
}

/// Retry delays: exponential from `initial`, capped at `max`, with "equal
/// jitter" (half fixed, half random) so replicas retrying a recovered peer
/// do not arrive in one wave. The one backoff of Redress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The delay before the first retry (after one failure).
    pub initial: Duration,
    /// The longest delay.
    pub max: Duration,
}

impl Backoff {
    /// A backoff from `initial_ms` up to `max_ms`.
    pub fn from_millis(initial_ms: u64, max_ms: u64) -> Self {
        Self { initial: Duration::from_millis(initial_ms), max: Duration::from_millis(max_ms) }
    }

    /// The delay after `failures` failures (1 = the first), before jitter:
    /// `initial · 2^(failures−1)`, capped at `max`.
    pub fn ceiling(&self, failures: u32) -> Duration {
        let doublings = failures.clamp(1, 31) - 1;
        self.initial.saturating_mul(1u32 << doublings.min(20)).min(self.max).max(Duration::from_millis(1))
    }

    /// The delay after `failures` failures with `random` in `0.0..=1.0`:
    /// between half of [`Backoff::ceiling`] and all of it.
    pub fn delay_with(&self, failures: u32, random: f64) -> Duration {
        let half = self.ceiling(failures) / 2;
        half + half.mul_f64(random.clamp(0.0, 1.0))
    }

    /// The delay after `failures` failures, with fresh jitter.
    pub fn delay(&self, failures: u32) -> Duration {
        self.delay_with(failures, rand::rng().random_range(0.0..=1.0))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::sync::{Notify, Semaphore};

    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_caps() {
        let b = Backoff { initial: Duration::from_secs(30), max: Duration::from_secs(3600) };
        assert_eq!(b.delay_with(1, 1.0), Duration::from_secs(30));
        assert_eq!(b.delay_with(1, 0.0), Duration::from_secs(15));
        assert_eq!(b.delay_with(2, 0.0), Duration::from_secs(30));
        assert_eq!(b.delay_with(2, 1.0), Duration::from_secs(60));
        assert_eq!(b.delay_with(30, 1.0), Duration::from_secs(3600));
        assert_eq!(b.delay_with(u32::MAX, 1.0), Duration::from_secs(3600));
        assert_eq!(b.delay_with(0, 1.0), Duration::from_secs(30), "zero failures counts as the first");
        for failures in 1..40 {
            let d = b.delay(failures);
            assert!(d >= b.ceiling(failures) / 2 && d <= b.ceiling(failures));
        }
    }

    /// A job whose rounds are released one by one by the test.
    struct Gate {
        rounds: AtomicUsize,
        release: Semaphore,
        wake: Notify,
        batch: usize,
    }

    impl Job for Gate {
        fn name(&self) -> &'static str {
            "gate"
        }
        async fn round(&self) -> Result<Round, BoxError> {
            let permit = self.release.acquire().await?;
            permit.forget();
            let n = self.rounds.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(Round::of(if n == 1 { self.batch } else { 0 }, self.batch))
        }
        async fn woken(&self) {
            self.wake.notified().await
        }
    }

    fn gate(batch: usize) -> Arc<Gate> {
        Arc::new(Gate { rounds: AtomicUsize::new(0), release: Semaphore::new(0), wake: Notify::new(), batch })
    }

    async fn rounds_reach(job: &Gate, n: usize) {
        while job.rounds.load(Ordering::SeqCst) < n {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_batch_runs_again_at_once_and_a_wake_starts_a_round() {
        let job = gate(10);
        let worker = Worker::spawn(Arc::clone(&job), Duration::from_secs(3600));
        job.release.add_permits(2);
        // Round 1 was a full batch, so round 2 follows without any wake.
        rounds_reach(&job, 2).await;
        job.release.add_permits(1);
        job.wake.notify_one();
        rounds_reach(&job, 3).await;
        assert_eq!(worker.stop(Duration::from_secs(1)).await, Stopped::Drained);
    }

    #[tokio::test(start_paused = true)]
    async fn stop_cancels_a_round_that_outlives_the_deadline() {
        let job = gate(10);
        let worker = Worker::spawn(Arc::clone(&job), Duration::from_secs(3600));
        // The first round waits for a permit that never comes.
        assert_eq!(worker.stop(Duration::from_millis(50)).await, Stopped::Cancelled);
        assert_eq!(job.rounds.load(Ordering::SeqCst), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn stop_all_shares_one_deadline() {
        let (a, b) = (gate(10), gate(10));
        let workers = vec![
            Worker::spawn(Arc::clone(&a), Duration::from_secs(3600)),
            Worker::spawn(Arc::clone(&b), Duration::from_secs(3600)),
        ];
        let started = tokio::time::Instant::now();
        let stopped = stop_all(workers, Duration::from_secs(5)).await;
        assert_eq!(stopped, vec![Stopped::Cancelled, Stopped::Cancelled]);
        assert!(started.elapsed() < Duration::from_secs(6), "deadlines ran one after the other");
    }

    #[tokio::test(start_paused = true)]
    async fn a_lane_held_by_its_round_does_not_hold_the_others() {
        let (slow, fast) = (gate(10), gate(10));
        let worker = Worker::spawn_lanes(vec![Arc::clone(&slow), Arc::clone(&fast)], Duration::from_secs(3600));
        // The slow lane's first round waits for a permit that never comes;
        // the fast lane goes on round after round.
        fast.release.add_permits(3);
        fast.wake.notify_one();
        rounds_reach(&fast, 2).await;
        fast.wake.notify_one();
        rounds_reach(&fast, 3).await;
        assert_eq!(slow.rounds.load(Ordering::SeqCst), 0);
        assert_eq!(worker.stop(Duration::from_millis(50)).await, Stopped::Cancelled, "the held round is cancelled");
    }

    #[tokio::test(start_paused = true)]
    async fn abort_cancels_mid_round() {
        let job = gate(10);
        let worker = Worker::spawn(Arc::clone(&job), Duration::from_secs(3600));
        tokio::task::yield_now().await;
        worker.abort();
        job.release.add_permits(5);
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(job.rounds.load(Ordering::SeqCst), 0, "an aborted round must not complete");
    }
}
