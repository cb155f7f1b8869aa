//! `redress bench case-workflow`: resolution's transitions under load. An
//! agent takes a NEW case and works it to the end: assign → respond to the
//! player → propose a resolution → resolve, each step timed on its own.
//!
//! The cases come first, untimed: `--cases` complaints filed with intake,
//! then waited for until intake knows each one's case (resolution opened it
//! and told intake). With `--open-cases` they are opened straight through
//! resolution's internal OpenCase instead, as intake's relay would, so
//! resolution can be measured alone with no other service running (its
//! outbox rows then wait for peers that are not there). The timed phase is
//! the usual closed or open loop over `--concurrency` workers, one whole
//! workflow per request; it ends early when the prepared cases run out.
//! Every step writes the case's hash chain and outbox rows (intake's
//! history, the player's e-mails through notification, feedback's facts),
//! so with the other services running the run also loads the pipeline
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
    CaseName, Client, ComplaintName, Idempotency, Service,
    proto::{
        common::v1::{Outcome, RootCause},
        resolution::v1::{
            AssignCaseRequest, ProposeResolutionRequest, ResolutionType, ResolveCaseRequest, RespondToPlayerRequest,
            resolution_internal_service_client::ResolutionInternalServiceClient,
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
    /// Open the cases through resolution's internal OpenCase (the token
    /// also needs the service role) instead of filing complaints with
    /// intake: resolution alone, `--target` unused.
    #[arg(long)]
    open_cases: bool,
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
    let (_, resolution_clients) = load.clients_for(&args.resolution)?;
    let prepared = Instant::now();
    let run = uuid::Uuid::now_v7().simple().to_string();
    let cases = if args.open_cases {
        open_cases(&resolution_clients, &args, &run).await?
    } else {
        file_complaints(&args, &run).await?
    };
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

/// Files `--cases` complaints with intake and waits until intake knows each
/// one's case.
async fn file_complaints(args: &CaseWorkflowArgs, run: &str) -> anyhow::Result<VecDeque<String>> {
    let load = &args.load;
    let (target, clients) = load.clients()?;
    let probe = ComplaintName::from_id("bench-probe")?;
    let first = clients.first().context("no client")?;
    check_reachable(&target, async { first.intake().get_complaint(&probe).await.map(|_| ()) }).await?;
    let complaints: Vec<ComplaintName> = futures::stream::iter(0..args.cases)
        .map(|n| {
            let intake = clients[n as usize % clients.len()].intake();
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
    Ok(cases)
}

/// Opens `--cases` cases through resolution's internal OpenCase, each for a
/// complaint of its own, with what intake would send for
/// [`sample::submit_request`].
async fn open_cases(clients: &[Client], args: &CaseWorkflowArgs, run: &str) -> anyhow::Result<VecDeque<String>> {
    let first = clients.first().context("no client")?;
    let probe = CaseName::from_id("bench-probe")?;
    check_reachable(&args.resolution, async { first.resolution().get_case(&probe).await.map(|_| ()) }).await?;
    futures::stream::iter(0..args.cases)
        .map(|n| {
            let client = clients[n as usize % clients.len()].clone();
            let complaint_id = format!("flow-{run}-{n}");
            let submitted = sample::submit_request(&complaint_id, &complaint_id, &complaint_id);
            let request = sample::open_case_request(&complaint_id, &submitted);
            async move {
                let opened = client
                    .call(Service::Resolution, Idempotency::Safe, request, |channel, request| async move {
                        ResolutionInternalServiceClient::new(channel).open_case(request).await
                    })
                    .await?;
                Ok::<_, anyhow::Error>(CaseName::parse(&opened.case.unwrap_or_default().name)?.to_string())
            }
        })
        .buffer_unordered(args.load.concurrency as usize)
        .try_collect()
        .await
        .context("opening the cases to work (the token needs the service role)")
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use redress_auth::Role;
    use redress_sdk::proto::resolution::v1::case::State;

    use super::*;
    use crate::{bench::LoadArgs, testing::RunningResolution};

    #[tokio::test]
    async fn opened_cases_are_worked_through_to_resolved_and_each_step_is_timed() {
        let running = RunningResolution::start().await;
        let resolution = running.target(&[]).resolution;
        let token = redress_testkit::token(crate::testing::TENANT, &[Role::Agent, Role::Supervisor, Role::Service]);
        let args = CaseWorkflowArgs {
            load: LoadArgs { concurrency: 2, ..LoadArgs::for_test("", &token) },
            resolution,
            cases: 3,
            settle_secs: 1,
            open_cases: true,
        };
        let (_, clients) = args.load.clients_for(&args.resolution).unwrap();
        let cases = open_cases(&clients, &args, "test").await.unwrap();
        assert_eq!(cases.len(), 3);
        let first = CaseName::parse(&cases[0]).unwrap();
        let client = clients[0].resolution();
        assert_eq!(client.get_case(&first).await.unwrap().state(), State::New);

        let steps: StepLatency = Arc::new(Mutex::new(
            STEPS.iter().map(|_| Histogram::new_with_bounds(1, 3_600_000_000, 3).unwrap()).collect(),
        ));
        let mut workflow = Workflow {
            resolution: client.clone(),
            cases: Arc::new(Mutex::new(cases)),
            steps: Arc::clone(&steps),
            agent: "bench-agent-0".into(),
            measure_from: Instant::now(),
        };
        workflow.call(0).await.unwrap();
        assert_eq!(client.get_case(&first).await.unwrap().state(), State::Resolved);
        let steps = steps.lock().unwrap();
        assert!(steps.iter().all(|h| h.len() == 1), "{:?}", steps.iter().map(Histogram::len).collect::<Vec<_>>());
        assert_eq!(workflow.cases.lock().unwrap().len(), 2);
    }
}
