//! `redress bench pipeline`: complaints submitted at a fixed arrival rate
//! (open loop), then the time until each one's consequences exist:
//!
//! - its acknowledgment delivered: the notification's delivery proof
//!   (`delivery.accept_time`, when the SMTP server answered 250 or the
//!   webhook 2xx) less the complaint's `create_time`;
//! - its case opened: when intake applied resolution's first case update
//!   (the complaint's `case` is set; its `update_time` less `create_time`),
//!   i.e. the round trip intake → resolution → intake;
//! - its analytics event stored (with `--feedback-db`): the `received_at`
//!   of its `EVENT_TYPE_SUBMITTED` row in feedback's database less the
//!   complaint's `create_time`. GetInsights counts a complaint from then on.
//!
//! After the submissions it waits up to `--settle-secs` for every
//! acknowledgment (and event), then reports the lags (every complaint of
//! the run, warm-up included) and what never arrived.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use anyhow::{Context, bail};
use clap::Args;
use futures::{StreamExt, TryStreamExt};
use hdrhistogram::Histogram;
use redress_sdk::{
    Client, ComplaintName,
    proto::{
        feedback::v1::EventType,
        notification::v1::{ListNotificationsRequest, NotificationEvent},
    },
};
use tokio::time::Instant;

use super::{Call, LoadArgs, check_reachable, closed_loop, normalise_target};
use crate::sample;

/// Arguments of `redress bench pipeline`.
#[derive(Debug, Args)]
pub struct PipelineArgs {
    /// `--target` is intake; `--rate` is required (open loop).
    #[command(flatten)]
    load: LoadArgs,
    /// The notification service's gRPC endpoint.
    #[arg(long, default_value = "http://127.0.0.1:50053")]
    notification: String,
    /// How long to wait after the last submission for the acknowledgments.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    settle_secs: u64,
    /// Feedback's database URL, read for when each complaint's analytics
    /// event was stored (no gRPC method lists raw events).
    #[arg(long)]
    feedback_db: Option<String>,
}

/// A complaint the run filed: its name and `create_time` (Unix seconds).
type Filed = Arc<Mutex<Vec<(String, f64)>>>;

/// SubmitComplaint, keeping what was filed.
struct Submit {
    client: redress_sdk::intake::IntakeClient,
    run: String,
    filed: Filed,
}

impl Call for Submit {
    async fn call(&mut self, n: u64) -> Result<(), redress_sdk::Error> {
        let request_id = uuid::Uuid::now_v7().to_string();
        let request = sample::submit_request(&request_id, &format!("pipe-{}-{n}", self.run), &request_id);
        let complaint = self.client.submit_complaint(request).await?.complaint.unwrap_or_default();
        let created = complaint.create_time.as_ref().map_or(0.0, seconds);
        self.filed.lock().unwrap_or_else(PoisonError::into_inner).push((complaint.name, created));
        Ok(())
    }
}

fn seconds(ts: &prost_types::Timestamp) -> f64 {
    ts.seconds as f64 + f64::from(ts.nanos) / 1e9
}

/// Runs the scenario.
pub async fn run(args: PipelineArgs) -> anyhow::Result<()> {
    let load = &args.load;
    let Some(rate) = load.rate else {
        bail!("--rate is required: the pipeline is measured under a fixed arrival rate");
    };
    let (target, clients) = load.clients()?;
    let notification_target = normalise_target(&args.notification)?;
    let notification = Client::builder()
        .endpoint(notification_target.clone())
        .token(load.token.trim())
        .timeout(Duration::from_millis(load.timeout_ms))
        .build()
        .with_context(|| format!("--notification {notification_target}"))?
        .notification();
    let probe = ComplaintName::from_id("bench-probe")?;
    if let Some(first) = clients.first() {
        check_reachable(&target, async { first.intake().get_complaint(&probe).await.map(|_| ()) }).await?;
    }
    let started = std::time::SystemTime::now();
    println!(
        "bench pipeline → {target} (acknowledgments from {notification_target}): open loop at {rate} req/s, \
         concurrency {}, warm-up {} s, measuring {} s, settling up to {} s",
        load.concurrency, load.warmup_secs, load.duration_secs, args.settle_secs
    );
    let run = uuid::Uuid::now_v7().simple().to_string();
    let filed: Filed = Arc::default();
    let calls = (0..load.concurrency as usize)
        .map(|i| Submit { client: clients[i % clients.len()].intake(), run: run.clone(), filed: Arc::clone(&filed) })
        .collect();
    closed_loop(load, calls).await?;
    let filed: HashMap<String, f64> = filed.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect();

    // Acknowledgments: every notification of the run's window, until each
    // filed complaint has a delivered one or the settle time is up.
    let settle_until = Instant::now() + Duration::from_secs(args.settle_secs);
    let mut acknowledged: HashMap<String, f64> = HashMap::new();
    loop {
        let request = ListNotificationsRequest {
            page_size: 1000,
            create_time_start: Some(prost_types::Timestamp::from(started)),
            ..Default::default()
        };
        let notifications: Vec<_> = notification.list_notifications(request).try_collect().await?;
        for n in notifications {
            if n.event == NotificationEvent::ComplaintReceived as i32
                && let Some(accepted) = n.delivery.as_ref().and_then(|d| d.accept_time.as_ref())
                && filed.contains_key(&n.complaint)
            {
                acknowledged.insert(n.complaint, seconds(accepted));
            }
        }
        if acknowledged.len() >= filed.len() || Instant::now() >= settle_until {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    let events = match &args.feedback_db {
        Some(url) => Some(analytics_events(url, &filed, started, settle_until).await?),
        None => None,
    };

    // Cases: the complaint carries its case once resolution's first update
    // came back.
    let intake = clients.first().context("no client")?.intake();
    let cases: Vec<(String, Option<f64>)> = futures::stream::iter(filed.keys().cloned())
        .map(|name| {
            let intake = intake.clone();
            async move {
                let complaint = intake.get_complaint(&ComplaintName::parse(&name)?).await?;
                let opened = (!complaint.case.is_empty()).then(|| complaint.update_time.as_ref().map_or(0.0, seconds));
                Ok::<_, anyhow::Error>((name, opened))
            }
        })
        .buffer_unordered(16)
        .try_collect()
        .await?;

    let (ack_lag, _) = lags(&filed, acknowledged.iter().map(|(name, at)| (name, *at)))?;
    let (case_lag, with_case) = lags(&filed, cases.iter().filter_map(|(name, at)| at.map(|at| (name, at))))?;
    println!("{}", lag_line("acknowledgment delivered", &ack_lag, acknowledged.len(), filed.len()));
    println!("{}", lag_line("case opened (back in intake)", &case_lag, with_case, filed.len()));
    if let Some(events) = &events {
        let (event_lag, _) = lags(&filed, events.iter().map(|(name, at)| (name, *at)))?;
        println!("{}", lag_line("analytics event stored", &event_lag, events.len(), filed.len()));
    }
    if acknowledged.len() < filed.len() {
        bail!(
            "{} of {} acknowledgments were not delivered within the settle time",
            filed.len() - acknowledged.len(),
            filed.len()
        );
    }
    Ok(())
}

/// When each filed complaint's SUBMITTED event reached feedback's database
/// (by complaint name, Unix seconds), polled until all are there or the
/// settle time is up.
async fn analytics_events(
    url: &str,
    filed: &HashMap<String, f64>,
    started: std::time::SystemTime,
    settle_until: Instant,
) -> anyhow::Result<HashMap<String, f64>> {
    use redress_feedback::store::event;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let db =
        redress_db::connect(&redress_db::DatabaseConfig::for_url(url.to_owned())).await.context("--feedback-db")?;
    let since = chrono::DateTime::<chrono::Utc>::from(started);
    let mut stored = HashMap::new();
    loop {
        let rows: Vec<(String, chrono::DateTime<chrono::Utc>)> = event::Entity::find()
            .select_only()
            .column(event::Column::ComplaintId)
            .column(event::Column::ReceivedAt)
            .filter(event::Column::Kind.eq(redress_db::Stored(EventType::Submitted)))
            .filter(event::Column::ReceivedAt.gte(since))
            .into_tuple()
            .all(&db)
            .await
            .context("reading feedback's events")?;
        for (id, received) in rows {
            let Ok(name) = ComplaintName::from_id(&id) else { continue };
            if filed.contains_key(name.as_str()) {
                stored.insert(name.as_str().to_owned(), received.timestamp_micros() as f64 / 1e6);
            }
        }
        if stored.len() >= filed.len() || Instant::now() >= settle_until {
            return Ok(stored);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The lags (ms) from each filed complaint's `create_time` to when its
/// consequence arrived (by complaint name, Unix seconds), and how many of
/// the run's complaints arrived.
fn lags<'a>(
    filed: &HashMap<String, f64>,
    arrived: impl IntoIterator<Item = (&'a String, f64)>,
) -> anyhow::Result<(Histogram<u64>, usize)> {
    let mut lag = Histogram::new_with_bounds(1, 3_600_000, 3).context("lag histogram")?;
    let mut count = 0;
    for (name, at) in arrived {
        if let Some(created) = filed.get(name) {
            count += 1;
            lag.saturating_record(((at - created).max(0.0) * 1000.0) as u64);
        }
    }
    Ok((lag, count))
}

fn lag_line(what: &str, lag: &Histogram<u64>, arrived: usize, filed: usize) -> String {
    if lag.is_empty() {
        return format!("lag ms      {what}: none of {filed} arrived");
    }
    format!(
        "lag ms      {what} for {arrived} of {filed}: p50 {}  p90 {}  p99 {}  max {}",
        lag.value_at_quantile(0.50),
        lag.value_at_quantile(0.90),
        lag.value_at_quantile(0.99),
        lag.max()
    )
}
