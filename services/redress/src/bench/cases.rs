//! `redress bench case-workflow`: resolution's transitions under load. An
//! agent takes a NEW case and works it to the end: assign → respond to the
//! player → propose a resolution → resolve, each step timed on its own.
//!
//! The cases come first, untimed: `--cases` complaints filed with intake,
//! then waited for until intake knows each one's case (resolution opened it
//! and told intake). The timed phase is the usual closed or open loop over
//! `--concurrency` workers, one whole workflow per request; it ends early
//! when the prepared cases run out. Every step writes the case's hash
//! chain and outbox rows (intake's history, the player's e-mails through
//! notification, feedback's facts), so the run also loads the pipeline
//! behind resolution.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use anyhow::{Context, bail};
use clap::Args;
use futures::{StreamExt, TryStreamExt};
use hdrhistogram::Histogram;
use redress_sdk::{
    CaseName, ComplaintName,
    proto::{
        common::v1::{Outcome, RootCause},
        resolution::v1::{
            AssignCaseRequest, ProposeResolutionRequest, ResolutionType, ResolveCaseRequest, RespondToPlayerRequest,
        },
    },
};
use tokio::time::Instant;

use super::{Call, LoadArgs, check_reachable, closed_loop};
use crate::sample;

/// Arguments of `redress bench case-workflow`.
#[derive(Debug, Args)]
pub struct CaseWorkflowArgs {
    /// `--target` is intake (which files the complaints); `--token` needs the
    /// backend and agent roles (an admin token has both).
    #[command(flatten)]
    load: LoadArgs,
    /// The resolution service's gRPC endpoint.
    #[arg(long, default_value = "http://127.0.0.1:50052")]
    resolution: String,
    /// Cases to prepare before the timed phase (one workflow each).
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    cases: u64,
    /// How long to wait for the prepared complaints' cases.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    settle_secs: u64,
}

/// The steps of a workflow, in order.
const STEPS: [&str; 4] = ["AssignCase", "RespondToPlayer", "ProposeResolution", "ResolveCase"];

/// Per-step latencies of successful steps, in microseconds.
type StepLatency = Arc<Mutex<Vec<Histogram<u64>>>>;

/// One workflow per call, on the next prepared case.
struct Workflow {
    resolution: redress_sdk::resolution::ResolutionClient,
    cases: Arc<Mutex<VecDeque<String>>>,
    steps: StepLatency,
    agent: String,
    /// Steps started before it are warm-up and not recorded.
    measure_from: Instant,
}

impl Workflow {
    fn record(&self, step: usize, started: Instant) {
        if started < self.measure_from {
            return;
        }
        let micros = started.elapsed().as_micros().try_into().unwrap_or(u64::MAX).max(1);
        if let Some(h) = self.steps.lock().unwrap_or_else(PoisonError::into_inner).get_mut(step) {
            h.saturating_record(micros);
        }
    }
}

impl Call for Workflow {
    async fn call(&mut self, _: u64) -> Result<(), redress_sdk::Error> {
        let Some(name) = self.cases.lock().unwrap_or_else(PoisonError::into_inner).pop_front() else {
            // Out of cases: wait out the run without counting anything.
            std::future::pending::<()>().await;
            return Ok(());
        };
        let started = Instant::now();
        let assign = AssignCaseRequest { name: name.clone(), assignee: self.agent.clone(), ..Default::default() };
        self.resolution.assign_case(assign).await?;
        self.record(0, started);

        let started = Instant::now();
        let respond = RespondToPlayerRequest {
            name: name.clone(),
            body: "Thank you for your patience: we are checking the withdrawal with our payments team.".into(),
            ..Default::default()
        };
        self.resolution.respond_to_player(respond).await?;
        self.record(1, started);

        let started = Instant::now();
        let propose = ProposeResolutionRequest {
            name: name.clone(),
            resolution_type: ResolutionType::Explanation.into(),
            message: "The withdrawal was held for a routine check and has now been released.".into(),
            ..Default::default()
        };
        self.resolution.propose_resolution(propose).await?;
        self.record(2, started);

        let started = Instant::now();
        let resolve = ResolveCaseRequest {
            name,
            outcome: Outcome::Upheld.into(),
            root_cause: RootCause::PaymentProviderFailure.into(),
            final_response: "Your withdrawal has been paid. We are sorry for the delay.".into(),
            ..Default::default()
        };
        self.resolution.resolve_case(resolve).await?;
        self.record(3, started);
        Ok(())
    }
}

/// Runs the scenario.
pub async fn run(args: CaseWorkflowArgs) -> anyhow::Result<()> {
    let load = &args.load;
    let (target, clients) = load.clients()?;
    let (_, resolution_clients) = load.clients_for(&args.resolution)?;
    let probe = ComplaintName::from_id("bench-probe")?;
    let first = clients.first().context("no client")?;
    check_reachable(&target, async { first.intake().get_complaint(&probe).await.map(|_| ()) }).await?;

    // Untimed: the cases to work.
    let prepared = Instant::now();
    let run = uuid::Uuid::now_v7().simple().to_string();
    let complaints: Vec<ComplaintName> = futures::stream::iter(0..args.cases)
        .map(|n| {
            let intake = clients[n as usize % clients.len()].intake();
            let run = run.clone();
            async move {
                let request_id = uuid::Uuid::now_v7().to_string();
                let request = sample::submit_request(&request_id, &format!("flow-{run}-{n}"), &request_id);
                let complaint = intake.submit_complaint(request).await?.complaint.unwrap_or_default();
                ComplaintName::parse(&complaint.name).map_err(anyhow::Error::from)
            }
        })
        .buffer_unordered(load.concurrency as usize)
        .try_collect()
        .await
        .context("filing the complaints to work")?;
    let settle_until = Instant::now() + Duration::from_secs(args.settle_secs);
    let mut waiting = complaints;
    let mut cases = VecDeque::new();
    while !waiting.is_empty() {
        let checked: Vec<(ComplaintName, String)> = futures::stream::iter(waiting)
            .map(|name| {
                let intake = first.intake();
                async move {
                    let complaint = intake.get_complaint(&name).await?;
                    Ok::<_, anyhow::Error>((name, complaint.case))
                }
            })
            .buffer_unordered(16)
            .try_collect()
            .await?;
        waiting = Vec::new();
        for (name, case) in checked {
            if case.is_empty() { waiting.push(name) } else { cases.push_back(CaseName::parse(&case)?.to_string()) }
        }
        if waiting.is_empty() {
            break;
        }
        if Instant::now() >= settle_until {
            bail!("{} of {} complaints got no case within --settle-secs", waiting.len(), args.cases);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    println!(
        "bench case-workflow → {}: {} cases prepared in {:.1} s; {}, concurrency {}, warm-up {} s, measuring {} s",
        args.resolution,
        cases.len(),
        prepared.elapsed().as_secs_f64(),
        load.rate.map_or("closed loop".to_owned(), |rate| format!("open loop at {rate} workflows/s")),
        load.concurrency,
        load.warmup_secs,
        load.duration_secs
    );

    let cases = Arc::new(Mutex::new(cases));
    let steps: StepLatency = Arc::new(Mutex::new(
        STEPS
            .iter()
            .map(|_| Histogram::new_with_bounds(1, 3_600_000_000, 3).context("step histogram"))
            .collect::<anyhow::Result<_>>()?,
    ));
    let measure_from = Instant::now() + Duration::from_secs(load.warmup_secs);
    let calls = (0..load.concurrency as usize)
        .map(|i| Workflow {
            resolution: resolution_clients[i % resolution_clients.len()].resolution(),
            cases: Arc::clone(&cases),
            steps: Arc::clone(&steps),
            agent: format!("bench-agent-{i}"),
            measure_from,
        })
        .collect();
    closed_loop(load, calls).await?;
    let left = cases.lock().unwrap_or_else(PoisonError::into_inner).len();
    if left == 0 {
        println!("cases       all prepared cases were worked: the run may have ended early (raise --cases)");
    }
    let steps = steps.lock().unwrap_or_else(PoisonError::into_inner);
    let measured = load.duration_secs.max(1) as f64;
    let transitions: u64 = steps.iter().map(Histogram::len).sum();
    println!("transitions {transitions} in the measured window ({:.1}/s)", transitions as f64 / measured);
    for (step, h) in STEPS.iter().zip(steps.iter()) {
        println!("{}", step_line(step, h));
    }
    Ok(())
}

fn step_line(step: &str, h: &Histogram<u64>) -> String {
    let ms = |us: u64| us as f64 / 1000.0;
    if h.is_empty() {
        return format!("step ms     {step:<18} none");
    }
    format!(
        "step ms     {step:<18} n {}  p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        h.len(),
        ms(h.value_at_quantile(0.50)),
        ms(h.value_at_quantile(0.90)),
        ms(h.value_at_quantile(0.99)),
        ms(h.max())
    )
}
