//! `redress bench`: closed-loop load generators on `redress-sdk` (retries
//! off, so every failure is counted), and a data seeder.
//!
//! - `submit`: SubmitComplaint, every request with a fresh request id, a
//!   player from a pool and a withdrawal of its own (so no two complaints are
//!   duplicates).
//! - `list-complaints` (`list`) and `list-cases`: one List page per request,
//!   with the filters of `--filter`, following page tokens for `--pages`
//!   pages and then starting again (see [`list`]).
//! - `pipeline`: `submit` at a fixed rate, then the lag until each
//!   complaint's acknowledgment is delivered and its case opened (see
//!   [`pipeline`]).
//! - `case-workflow`: resolution's transitions, assign → respond → propose
//!   → resolve, each step timed (see [`cases`]).
//! - `health`: the no-op RPC: `grpc.health.v1.Health/Check`, answered from
//!   memory by the same server chassis and tower stack as every method, so
//!   it measures the transport and the load generator alone, the ceiling
//!   any method of that service runs under.
//! - `seed`: writes synthetic complaints and cases straight into a database
//!   (see [`seed`]).
//!
//! `--concurrency` workers share `--connections` SDK clients, each with its
//! own HTTP/2 connection; each worker sends one request at a time. Without
//! `--rate` the load is closed-loop (as fast as the service answers). With
//! `--rate N` it is open-loop: request n is due at start + n/N seconds, a
//! free worker sends it at that time, and its latency counts from when it
//! was due, not from when it could be sent — so a service that falls behind
//! shows it in the latency instead of hiding it by slowing the load
//! (coordinated omission); `--concurrency` is then the most requests in
//! flight. Requests started (due) during the warm-up are not counted. The run
//! stops by itself after warm-up + duration; a request still in flight then
//! is abandoned and not counted.

mod cases;
mod list;
mod pipeline;
mod seed;

use std::{
    collections::BTreeMap,
    future::Future,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use hdrhistogram::Histogram;
use redress_sdk::{Client, ComplaintName, Idempotency, RetryPolicy, Service};
use tokio::time::Instant;
use tonic::Code;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use crate::sample;

/// Arguments of `redress bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Submits withdrawal complaints to an intake service as fast as it answers.
    Submit(SubmitArgs),
    /// Submits complaints at a fixed rate and measures until each one's
    /// acknowledgment is delivered and its case opened.
    Pipeline(pipeline::PipelineArgs),
    /// Works prepared cases through assign → respond → propose → resolve,
    /// timing each transition.
    CaseWorkflow(cases::CaseWorkflowArgs),
    /// Calls grpc.health.v1.Health/Check (no database; the token is not checked) as
    /// fast as the service answers: the transport's ceiling.
    Health(HealthArgs),
    /// Lists complaints (ListComplaints) with filters as fast as intake answers.
    #[command(alias = "list")]
    ListComplaints(list::ListArgs),
    /// Lists cases (ListCases) with filters as fast as resolution answers.
    ListCases(list::ListArgs),
    /// Writes synthetic complaints and cases straight into databases.
    Seed(seed::SeedArgs),
}

/// What every load generator takes: where, who, how hard, how long.
#[derive(Debug, Args)]
struct LoadArgs {
    /// The service's gRPC endpoint (http:// or https://).
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    target: String,
    /// A bearer token with a role the method admits (see `redress token`).
    #[arg(long, env = "REDRESS_TOKEN", hide_env_values = true)]
    token: String,
    /// Requests in flight at once (one per worker).
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    concurrency: u64,
    /// How long to measure, in seconds, after the warm-up.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    duration_secs: u64,
    /// How long to send before measuring, in seconds.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(0..=3_600))]
    warmup_secs: u64,
    /// HTTP/2 connections the workers share.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=256))]
    connections: u64,
    /// Deadline of one request, in milliseconds.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    timeout_ms: u64,
    /// Open loop: requests per second at fixed intervals, whatever the
    /// answers (latency counted from each request's due time). Without it,
    /// closed loop.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    rate: Option<u64>,
}

impl LoadArgs {
    /// One worker on one connection for a second, closed loop.
    #[cfg(test)]
    fn for_test(target: &str, token: &str) -> LoadArgs {
        LoadArgs {
            target: target.into(),
            token: token.into(),
            concurrency: 1,
            duration_secs: 1,
            warmup_secs: 0,
            connections: 1,
            timeout_ms: 10_000,
            rate: None,
        }
    }

    /// One SDK client per connection (each builds its own channel), without
    /// retries.
    fn clients(&self) -> anyhow::Result<(String, Vec<Client>)> {
        self.clients_for(&self.target)
    }

    /// The same clients to another service of the platform.
    fn clients_for(&self, target: &str) -> anyhow::Result<(String, Vec<Client>)> {
        let target = normalise_target(target)?;
        let timeout = Duration::from_millis(self.timeout_ms);
        let mut clients = Vec::new();
        for _ in 0..self.connections.min(self.concurrency) {
            let client = Client::builder()
                .endpoint(target.clone())
                .token(self.token.trim())
                .timeout(timeout)
                .retry_policy(RetryPolicy::none())
                .build()
                .with_context(|| format!("--target {target}"))?;
            clients.push(client);
        }
        Ok((target, clients))
    }
}

#[derive(Debug, Args)]
struct SubmitArgs {
    #[command(flatten)]
    load: LoadArgs,
    /// Distinct player ids the complaints are spread over.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    players: u64,
}

#[derive(Debug, Args)]
struct HealthArgs {
    #[command(flatten)]
    load: LoadArgs,
}

/// Runs a bench subcommand.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    match args.command {
        BenchCommand::Submit(args) => submit(args).await,
        BenchCommand::Pipeline(args) => pipeline::run(args).await,
        BenchCommand::CaseWorkflow(args) => cases::run(args).await,
        BenchCommand::Health(args) => health(args).await,
        BenchCommand::ListComplaints(args) => list::complaints(args).await,
        BenchCommand::ListCases(args) => list::cases(args).await,
        BenchCommand::Seed(args) => seed::run(args).await,
    }
}

/// What the workers measured.
#[derive(Debug)]
struct Stats {
    /// Latency of successful requests, in microseconds.
    latency_us: Histogram<u64>,
    /// Failed requests by gRPC code, with the first message seen.
    errors: BTreeMap<i32, (u64, String)>,
    /// Requests completed during the warm-up.
    warmup: u64,
}

impl Stats {
    fn new() -> anyhow::Result<Self> {
        Ok(Self {
            // 1 µs to an hour at 3 significant digits: one ~200 KiB histogram.
            latency_us: Histogram::new_with_bounds(1, 3_600_000_000, 3).context("latency histogram")?,
            errors: BTreeMap::new(),
            warmup: 0,
        })
    }

    fn ok(&self) -> u64 {
        self.latency_us.len()
    }

    fn failed(&self) -> u64 {
        self.errors.values().map(|(n, _)| n).sum()
    }

    fn record_error(&mut self, err: &redress_sdk::Error) {
        let entry = self.errors.entry(err.code() as i32).or_insert_with(|| (0, err.message().to_owned()));
        entry.0 += 1;
    }

    fn record_ok(&mut self, latency: Duration) {
        self.latency_us.saturating_record(latency.as_micros().try_into().unwrap_or(u64::MAX).max(1));
    }
}

/// One worker's requests: `call(n)` sends request number `n` (counted across
/// all workers) and waits for its answer.
trait Call: Send + 'static {
    fn call(&mut self, n: u64) -> impl Future<Output = Result<(), redress_sdk::Error>> + Send;
}

/// Shared by the workers of one run.
struct Plan {
    sequence: AtomicU64,
    start: Instant,
    /// Open loop: the interval between two requests' due times.
    interval: Option<Duration>,
    measure_from: Instant,
    end: Instant,
    /// One set of results for all workers: the lock is held for a record,
    /// and per-worker histograms would cost memory per worker.
    stats: Mutex<Stats>,
}

/// Runs one closed-loop worker per call, prints the report, and fails when
/// nothing (or nothing but errors) completed in the measured window.
async fn closed_loop<C: Call>(load: &LoadArgs, calls: Vec<C>) -> anyhow::Result<()> {
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(load.warmup_secs);
    let plan = Arc::new(Plan {
        sequence: AtomicU64::new(0),
        start,
        interval: load.rate.map(|rate| Duration::from_secs_f64(1.0 / rate as f64)),
        measure_from,
        end: measure_from + Duration::from_secs(load.duration_secs),
        stats: Mutex::new(Stats::new()?),
    });
    let mut workers = Vec::new();
    for call in calls {
        workers.push(tokio::spawn(worker(call, Arc::clone(&plan))));
    }
    for worker in workers {
        worker.await.context("a bench worker panicked")?;
    }
    let total = plan.stats.lock().unwrap_or_else(PoisonError::into_inner);
    let measured = plan.end.saturating_duration_since(plan.measure_from);
    println!("{}", report(&total, measured));

    if total.ok() + total.failed() == 0 {
        bail!("no request completed in the measured window");
    }
    if total.ok() == 0 {
        bail!("every request failed (see the errors above)");
    }
    Ok(())
}

/// One worker: sends until the end of the run, each request as soon as it
/// is free (closed loop) or at the request's due time (open loop).
async fn worker<C: Call>(mut call: C, plan: Arc<Plan>) {
    loop {
        let n = plan.sequence.fetch_add(1, Ordering::Relaxed);
        let started = match plan.interval {
            None => Instant::now(),
            Some(interval) => {
                let due = plan.start + interval.saturating_mul(n.min(u32::MAX as u64) as u32);
                tokio::time::sleep_until(due.min(plan.end)).await;
                due
            }
        };
        if started >= plan.end {
            break;
        }
        let result = tokio::select! {
            result = call.call(n) => result,
            _ = tokio::time::sleep_until(plan.end) => break,
        };
        let elapsed = started.elapsed();
        let mut stats = plan.stats.lock().unwrap_or_else(PoisonError::into_inner);
        match result {
            _ if started < plan.measure_from => stats.warmup += 1,
            Ok(()) => stats.record_ok(elapsed),
            Err(err) => stats.record_error(&err),
        }
    }
}

/// Fails with a clear message unless `probe` (a cheap read) shows the
/// service is there and takes the token.
async fn check_reachable<F>(target: &str, probe: F) -> anyhow::Result<()>
where
    F: Future<Output = Result<(), redress_sdk::Error>>,
{
    match probe.await {
        Ok(()) | Err(redress_sdk::Error::NotFound { .. }) => Ok(()),
        Err(err) => Err(anyhow::Error::from(err).context(format!("cannot reach {target}"))),
    }
}

/// SubmitComplaint, a fresh complaint per request.
struct Submit {
    client: redress_sdk::intake::IntakeClient,
    players: u64,
}

impl Call for Submit {
    async fn call(&mut self, n: u64) -> Result<(), redress_sdk::Error> {
        let request_id = uuid::Uuid::now_v7().to_string();
        let player = format!("bench-player-{}", n % self.players);
        let withdrawal = format!("bench-wd-{request_id}");
        let request = sample::submit_request(&request_id, &player, &withdrawal);
        self.client.submit_complaint(request).await.map(|_| ())
    }
}

async fn submit(args: SubmitArgs) -> anyhow::Result<()> {
    let load = &args.load;
    let (target, clients) = load.clients()?;
    // A read of a complaint that does not exist: NOT_FOUND proves the
    // service is there and takes the token, without filing anything.
    let probe = ComplaintName::from_id("bench-probe")?;
    if let Some(first) = clients.first() {
        check_reachable(&target, async { first.intake().get_complaint(&probe).await.map(|_| ()) }).await?;
    }
    announce("submit", &target, load, clients.len());
    let calls = (0..load.concurrency as usize)
        .map(|i| Submit { client: clients[i % clients.len()].intake(), players: args.players })
        .collect();
    closed_loop(load, calls).await
}

/// Health/Check for the whole server (`service` empty).
struct HealthCheck {
    client: Client,
}

impl Call for HealthCheck {
    async fn call(&mut self, _: u64) -> Result<(), redress_sdk::Error> {
        let request = HealthCheckRequest::default();
        self.client
            .call(Service::Intake, Idempotency::Safe, request, |channel, request| async move {
                HealthClient::new(channel).check(request).await
            })
            .await
            .map(|_| ())
    }
}

async fn health(args: HealthArgs) -> anyhow::Result<()> {
    let load = &args.load;
    let (target, clients) = load.clients()?;
    if let Some(first) = clients.first() {
        check_reachable(&target, HealthCheck { client: first.clone() }.call(0)).await?;
    }
    announce("health", &target, load, clients.len());
    let calls =
        (0..load.concurrency as usize).map(|i| HealthCheck { client: clients[i % clients.len()].clone() }).collect();
    closed_loop(load, calls).await
}

/// The run's first line: what, where, and how hard.
fn announce(what: &str, target: &str, load: &LoadArgs, connections: usize) {
    println!(
        "bench {what} → {target}: {}, concurrency {}, {connections} connection(s), warm-up {} s, measuring {} s",
        load.rate.map_or("closed loop".to_owned(), |rate| format!("open loop at {rate} req/s")),
        load.concurrency,
        load.warmup_secs,
        load.duration_secs
    );
}

/// Accepts `host:port` as well as `http://host:port` and `https://host:port`.
fn normalise_target(target: &str) -> anyhow::Result<String> {
    let target = target.trim().trim_end_matches('/');
    if target.starts_with("http://") || target.starts_with("https://") {
        Ok(target.to_owned())
    } else if target.contains("://") {
        bail!("--target must be an http:// or https:// URL, got {target}");
    } else {
        Ok(format!("http://{target}"))
    }
}

fn report(stats: &Stats, measured: Duration) -> String {
    use std::fmt::Write as _;
    let ok = stats.ok();
    let failed = stats.failed();
    let total = ok + failed;
    let secs = measured.as_secs_f64().max(f64::EPSILON);
    let ms = |us: u64| us as f64 / 1000.0;
    let h = &stats.latency_us;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "requests    {total} in {secs:.1} s (ok {ok}, errors {failed}; {} more during warm-up)",
        stats.warmup
    );
    if stats.errors.is_empty() {
        let _ = writeln!(out, "errors      none");
    } else {
        let mut errors: Vec<_> = stats.errors.iter().collect();
        errors.sort_by_key(|(_, (count, _))| std::cmp::Reverse(*count));
        for (code, (count, message)) in errors {
            let _ = writeln!(out, "errors      {:?}: {count} (e.g. {message:?})", Code::from(*code));
        }
    }
    let _ = writeln!(out, "throughput  {:.1} req/s ({:.1} ok/s)", total as f64 / secs, ok as f64 / secs);
    if ok > 0 {
        let _ = write!(
            out,
            "latency ms  p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}  (successful requests)",
            ms(h.value_at_quantile(0.50)),
            ms(h.value_at_quantile(0.90)),
            ms(h.value_at_quantile(0.99)),
            ms(h.max()),
        );
    } else {
        let _ = write!(out, "latency ms  n/a (no successful request)");
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn targets_get_a_scheme() {
        assert_eq!(normalise_target("127.0.0.1:50051").unwrap(), "http://127.0.0.1:50051");
        assert_eq!(normalise_target("http://h:1/").unwrap(), "http://h:1");
        assert_eq!(normalise_target("https://h:1").unwrap(), "https://h:1");
        assert!(normalise_target("grpc://h:1").is_err());
    }

    #[test]
    fn stats_and_report() {
        let mut a = Stats::new().unwrap();
        for ms in [1, 2, 3, 4, 100] {
            a.record_ok(Duration::from_millis(ms));
        }
        a.record_error(&tonic::Status::unavailable("overloaded").into());
        a.record_error(&tonic::Status::unavailable("again").into());
        a.record_error(&tonic::Status::invalid_argument("bad").into());
        a.warmup = 7;
        assert_eq!(a.ok(), 5);
        assert_eq!(a.failed(), 3);
        assert_eq!(a.errors[&(Code::Unavailable as i32)], (2, "overloaded".to_owned()));
        let text = report(&a, Duration::from_secs(2));
        assert!(text.contains("requests    8 in 2.0 s (ok 5, errors 3; 7 more during warm-up)"), "{text}");
        assert!(text.contains("Unavailable: 2"), "{text}");
        assert!(text.contains("InvalidArgument: 1"), "{text}");
        assert!(text.contains("throughput  4.0 req/s (2.5 ok/s)"), "{text}");
        assert!(text.contains("p50 3.00  p90 100.0"), "{text}");
        assert!(text.contains("max 100.0"), "{text}");
    }

    /// A call that takes 50 ms.
    struct Slow;

    impl Call for Slow {
        async fn call(&mut self, _: u64) -> Result<(), redress_sdk::Error> {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok(())
        }
    }

    fn plan(interval: Option<Duration>) -> Arc<Plan> {
        let start = Instant::now();
        Arc::new(Plan {
            sequence: AtomicU64::new(0),
            start,
            interval,
            measure_from: start,
            // Not a multiple of 50 ms: no call ends exactly at the end.
            end: start + Duration::from_millis(1010),
            stats: Mutex::new(Stats::new().unwrap()),
        })
    }

    #[tokio::test(start_paused = true)]
    async fn open_loop_latency_counts_from_the_due_time_so_falling_behind_shows() {
        // Closed loop: one worker, 50 ms each, 50 ms every time.
        let closed = plan(None);
        worker(Slow, Arc::clone(&closed)).await;
        let (closed_ok, closed_max) = {
            let stats = closed.stats.lock().unwrap();
            (stats.ok(), stats.latency_us.max())
        };
        assert_eq!(closed_max / 1000, 50);
        // Open loop at 100/s with the same single worker: it falls further
        // behind with every request, and the latency says so.
        let open = plan(Some(Duration::from_millis(10)));
        worker(Slow, Arc::clone(&open)).await;
        let open = open.stats.lock().unwrap();
        assert!(open.latency_us.value_at_quantile(0.5) / 1000 > 200, "{}", open.latency_us.value_at_quantile(0.5));
        assert!(open.latency_us.max() / 1000 > 700, "{}", open.latency_us.max());
        assert_eq!(open.ok(), closed_ok, "the same worker sends as many either way");
    }

    #[tokio::test]
    async fn the_no_op_rpc_is_answered_whatever_the_token() {
        let running = crate::testing::RunningResolution::start().await;
        let load = LoadArgs::for_test(&running.target(&[]).resolution, "not-a-token");
        let (_, clients) = load.clients().unwrap();
        let mut check = HealthCheck { client: clients[0].clone() };
        check.call(0).await.unwrap();
    }

    #[tokio::test]
    async fn an_unreachable_target_fails_with_a_clear_message() {
        let args =
            SubmitArgs { load: LoadArgs { timeout_ms: 1000, ..LoadArgs::for_test("127.0.0.1:1", "t") }, players: 1 };
        let err = submit(args).await.unwrap_err();
        assert!(format!("{err:#}").contains("cannot reach http://127.0.0.1:1"), "{err:#}");
        assert_eq!(crate::remote::exit_code(&err), crate::remote::exit::UNAVAILABLE);
    }
}
