//! Benchmark: seeds one tenant with N analytics events (default 1,000,000)
//! into a database, starts the feedback service on it, and times GetInsights
//! and ListRecurringProblems over gRPC.
//!
//! ```text
//! cargo run --release -p redress-feedback --example seed_and_query -- \
//!     --database-url postgres://postgres@127.0.0.1:5432/feedback_bench --events 1000000 --queries 50
//! ```
//!
//! The data: complaints spread evenly over the 365 days before now, each
//! with the life intake and resolution report (submitted, acknowledged,
//! first response, sometimes information requested, escalated, warned,
//! referred to ADR or reopened; mostly resolved with an outcome, then
//! closed), random dimensions (12 categories, 5 channels, 5 jurisdictions,
//! 50 agents, 200 games, 6 payment methods, 100 bonuses), and survey answers
//! for a third of the resolved ones. Events and per-complaint facts are
//! written in multi-row INSERTs, many per transaction, exactly as RecordEvent
//! would have folded them (the same `Fact::apply`); then the daily insight
//! rollups are rebuilt from the facts (`store::rollup::rebuild`, the
//! migration's backfill).

// A benchmark tool: failing loudly on the unexpected is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    sync::Arc,
    time::{Duration as StdDuration, Instant},
};

use chrono::{DateTime, Duration, SubsecRound, Utc};
use clap::Parser;
use rand::{Rng, SeedableRng, rngs::StdRng};
use redress_auth::{Caller, Issuer, Role};
use redress_db::DatabaseConfig;
use redress_feedback::{
    Feedback, FeedbackConfig,
    api::{FeedbackApi, PublicService},
    domain::facts::{Dims, Event, Fact},
    store::{self, event as event_row, migration::Migrator},
};
use redress_outbox::Relay;
use redress_paging::PageTokens;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome},
    feedback::v1::{
        Dimension, EventType, GetInsightsRequest, GetInsightsResponse, ListRecurringProblemsRequest, TimeWindow,
        feedback_service_client::FeedbackServiceClient, feedback_service_server::FeedbackService,
    },
};
use sea_orm::{ConnectionTrait, TransactionTrait};

#[derive(Parser)]
struct Args {
    /// The database to seed (it is migrated first; existing rows stay).
    #[arg(long, default_value = "sqlite:///tmp/feedback-bench.db?mode=rwc")]
    database_url: String,
    /// How many events to generate.
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Calls per query shape.
    #[arg(long, default_value_t = 50)]
    queries: usize,
    /// The tenant to seed.
    #[arg(long, default_value = "bench-casino")]
    tenant: String,
    /// Skip seeding (query an already seeded database).
    #[arg(long)]
    no_seed: bool,
}

const CATEGORIES: [ComplaintCategory; 12] = [
    ComplaintCategory::Withdrawal,
    ComplaintCategory::Verification,
    ComplaintCategory::Bonus,
    ComplaintCategory::GameMalfunction,
    ComplaintCategory::AccountClosure,
    ComplaintCategory::ResponsibleGambling,
    ComplaintCategory::Deposit,
    ComplaintCategory::Marketing,
    ComplaintCategory::CustomerService,
    ComplaintCategory::TermsAndConditions,
    ComplaintCategory::ComplaintsProcedure,
    ComplaintCategory::Other,
];
const CHANNELS: [Channel; 5] = [Channel::Email, Channel::LiveChat, Channel::Phone, Channel::InApp, Channel::Sms];
const JURISDICTIONS: [&str; 5] = ["PL", "GB", "MT", "CW", "DE"];
const PAYMENT_METHODS: [&str; 6] = ["blik", "visa", "mastercard", "skrill", "bank_transfer", "paysafecard"];
const OUTCOMES: [Outcome; 3] = [Outcome::Upheld, Outcome::PartiallyUpheld, Outcome::NotUpheld];
/// Rows per multi-row INSERT (events have 20 columns: 20,000 bind values).
const EVENTS_PER_INSERT: usize = 1000;
/// Facts have 41 columns.
const FACTS_PER_INSERT: usize = 500;
/// Complaints per transaction.
const COMPLAINTS_PER_TXN: usize = 5000;

struct Generated {
    events: Vec<event_row::Model>,
    facts: Vec<store::complaint_fact::Model>,
}

fn complaint(rng: &mut StdRng, tenant: &str, n: usize, now: DateTime<Utc>, out: &mut Generated) {
    let id = format!("bench-{n:08}");
    let category = CATEGORIES[rng.random_range(0..CATEGORIES.len())];
    let mut dims = Dims {
        category: category.as_str_name().into(),
        channel: CHANNELS[rng.random_range(0..CHANNELS.len())].as_str_name().into(),
        jurisdiction: JURISDICTIONS[rng.random_range(0..JURISDICTIONS.len())].into(),
        priority: "PRIORITY_NORMAL".into(),
        ..Dims::default()
    };
    match category {
        ComplaintCategory::Withdrawal | ComplaintCategory::Deposit => {
            dims.payment_method = PAYMENT_METHODS[rng.random_range(0..PAYMENT_METHODS.len())].into();
        }
        ComplaintCategory::Bonus => dims.bonus_id = format!("bonus-{}", rng.random_range(0..100)),
        ComplaintCategory::GameMalfunction => {
            dims.game_id = format!("game-{}", rng.random_range(0..200));
            dims.game_provider = format!("provider-{}", rng.random_range(0..20));
        }
        _ => {}
    }
    let submitted = (now - Duration::seconds(rng.random_range(0..365 * 86_400))).trunc_subsecs(6);
    let agent = format!("agent-{}", rng.random_range(0..50));
    let mut events: Vec<(EventType, DateTime<Utc>, bool, String, String)> = Vec::new();
    let hours = |rng: &mut StdRng, lo: i64, hi: i64| Duration::minutes(rng.random_range(lo * 60..hi * 60));
    events.push((EventType::Submitted, submitted, false, String::new(), String::new()));
    let ack = hours(rng, 0, 30);
    events.push((EventType::Acknowledged, submitted + ack, ack < Duration::hours(24), String::new(), String::new()));
    events.push((EventType::FirstResponse, submitted + hours(rng, 1, 72), false, String::new(), String::new()));
    if rng.random_bool(0.1) {
        events.push((
            EventType::InformationRequested,
            submitted + hours(rng, 2, 96),
            false,
            String::new(),
            String::new(),
        ));
    }
    if rng.random_bool(0.1) {
        events.push((
            EventType::DeadlineWarned,
            submitted + hours(rng, 200, 300),
            false,
            String::new(),
            "final_response".into(),
        ));
    }
    if rng.random_bool(0.05) {
        events.push((EventType::Escalated, submitted + hours(rng, 24, 300), false, String::new(), String::new()));
    }
    if rng.random_bool(0.9) {
        let took = hours(rng, 2, 480);
        let outcome = OUTCOMES[rng.random_range(0..OUTCOMES.len())].as_str_name().to_owned();
        let resolved = submitted + took;
        events.push((EventType::Resolved, resolved, took < Duration::days(14), outcome, String::new()));
        events.push((EventType::Closed, resolved + hours(rng, 1, 48), false, String::new(), String::new()));
        if rng.random_bool(0.03) {
            events.push((
                EventType::ReferredToAdr,
                resolved + hours(rng, 24, 400),
                false,
                String::new(),
                String::new(),
            ));
        }
        if rng.random_bool(0.04) {
            events.push((EventType::Reopened, resolved + hours(rng, 24, 200), false, String::new(), String::new()));
        }
    }
    let mut fact = Fact::new(&id);
    for (i, (kind, at, met, outcome, clock)) in events.into_iter().enumerate() {
        let mut event_dims = dims.clone();
        if kind != EventType::Submitted {
            event_dims.agent.clone_from(&agent);
        }
        let event = Event {
            kind,
            occur_at: at,
            case_name: format!("cases/{id}"),
            dims: event_dims,
            original_category: String::new(),
            responsible_gambling: category == ComplaintCategory::ResponsibleGambling,
            outcome,
            clock,
            clock_met: met,
        };
        fact.apply(&event);
        out.events.push(event_row::Model {
            tenant_id: tenant.to_owned(),
            event_id: format!("{id}:{i}"),
            complaint_id: id.clone(),
            case_name: event.case_name.clone(),
            kind: kind.into(),
            occur_at: at,
            category: event.dims.category.clone(),
            channel: event.dims.channel.clone(),
            jurisdiction: event.dims.jurisdiction.clone(),
            agent: event.dims.agent.clone(),
            game_id: event.dims.game_id.clone(),
            game_provider: event.dims.game_provider.clone(),
            payment_method: event.dims.payment_method.clone(),
            bonus_id: event.dims.bonus_id.clone(),
            priority: event.dims.priority.clone(),
            responsible_gambling: event.responsible_gambling,
            outcome: event.outcome.clone(),
            clock: event.clock.clone(),
            clock_met: met,
            received_at: at,
        });
    }
    if let Some(resolved) = fact.resolved_at
        && !fact.responsible_gambling
        && rng.random_bool(0.6)
    {
        fact.survey_sent_at = Some(resolved);
        fact.touch(resolved);
        if rng.random_bool(0.5) {
            let answered = resolved + hours(rng, 1, 100);
            fact.answered_at = Some(answered);
            fact.touch(answered);
            fact.csat = Some(rng.random_range(1..=5));
            fact.fairness = Some(rng.random_range(0..=5));
            fact.solved = Some(rng.random_bool(0.7));
        }
    }
    out.facts.push(store::from_fact(tenant, fact, now));
}

async fn seed(db: &sea_orm::DatabaseConnection, args: &Args, now: DateTime<Utc>) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(20261125);
    let mut written = 0usize;
    let mut complaints = 0usize;
    let started = Instant::now();
    while written < args.events {
        let mut batch = Generated { events: Vec::new(), facts: Vec::new() };
        for _ in 0..COMPLAINTS_PER_TXN {
            if written + batch.events.len() >= args.events {
                break;
            }
            complaint(&mut rng, &args.tenant, complaints, now, &mut batch);
            complaints += 1;
        }
        written += batch.events.len();
        let txn = db.begin().await?;
        let mut events = batch.events.into_iter().peekable();
        while events.peek().is_some() {
            store::insert_events(&txn, events.by_ref().take(EVENTS_PER_INSERT).collect()).await?;
        }
        let mut facts = batch.facts.into_iter().peekable();
        while facts.peek().is_some() {
            store::insert_facts(&txn, facts.by_ref().take(FACTS_PER_INSERT).collect()).await?;
        }
        txn.commit().await?;
        eprint!("\rseeded {written} events, {complaints} complaints");
    }
    eprintln!();
    println!(
        "seeded {written} events ({complaints} complaints) in {:.1} s ({:.0} events/s)",
        started.elapsed().as_secs_f64(),
        written as f64 / started.elapsed().as_secs_f64()
    );
    // The daily insight rollups, as the fold would have kept them: rebuilt
    // from the tenant's facts, as the migration backfills them.
    let rolled = Instant::now();
    store::rollup::rebuild(db, &args.tenant).await?;
    println!("rebuilt the insight rollups in {:.1} s", rolled.elapsed().as_secs_f64());
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        // As autovacuum would have by now: statistics and the visibility map.
        db.execute_unprepared("VACUUM ANALYZE").await?;
    }
    Ok(())
}

fn ts(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: at.timestamp(), nanos: 0 }
}

fn report(name: &str, mut samples: Vec<StdDuration>, extra: &str) {
    samples.sort();
    let pick = |p: f64| samples[((p * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1];
    println!(
        "{name:<52} p50 {:>8.1} ms   p99 {:>8.1} ms   ({} calls{extra})",
        pick(0.5).as_secs_f64() * 1e3,
        pick(0.99).as_secs_f64() * 1e3,
        samples.len()
    );
}

/// Times each GetInsights shape with `call`.
async fn measure(
    args: &Args,
    now: DateTime<Utc>,
    call: impl AsyncFn(GetInsightsRequest) -> Result<GetInsightsResponse, tonic::Status>,
) -> anyhow::Result<()> {
    let shapes = [
        ("GetInsights 7 days, total only", 7, Dimension::Unspecified),
        ("GetInsights 7 days by category", 7, Dimension::Category),
        ("GetInsights 30 days by payment method", 30, Dimension::PaymentMethod),
        ("GetInsights 30 days by agent", 30, Dimension::Agent),
        ("GetInsights 365 days by category", 365, Dimension::Category),
    ];
    for (name, days, dim) in shapes {
        // A year of a million events is slow by design; fewer calls suffice.
        let calls = if days > 30 { args.queries.min(10) } else { args.queries };
        let mut samples = Vec::with_capacity(calls);
        let mut complaints = 0;
        // One call more, reported on its own: the first after the start
        // also pays for cold connections and page mappings.
        let mut first = None;
        for _ in 0..=calls {
            let request = GetInsightsRequest {
                window: Some(TimeWindow { start_time: Some(ts(now - Duration::days(days))), end_time: Some(ts(now)) }),
                group_by: dim.into(),
                ..Default::default()
            };
            let started = Instant::now();
            let response = call(request).await?;
            match first {
                None => first = Some(started.elapsed()),
                Some(_) => samples.push(started.elapsed()),
            }
            complaints = response.total.and_then(|t| t.volumes).map(|v| v.submitted_count).unwrap_or_default();
        }
        let first = first.unwrap_or_default().as_secs_f64() * 1000.0;
        report(name, samples, &format!(", {complaints} complaints submitted in the window; first call {first:.1} ms"));
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let now = Utc::now().trunc_subsecs(6);
    let mut database = DatabaseConfig::for_url(args.database_url.clone());
    database.max_connections = 4;
    let migrating = Instant::now();
    let db = redress_db::connect_and_migrate::<Migrator>(&database).await?;
    println!("migrated in {:.1} s", migrating.elapsed().as_secs_f64());
    if !args.no_seed {
        seed(&db, &args, now).await?;
    }
    db.close().await?;

    let mut config = FeedbackConfig::default();
    config.server.listen = "127.0.0.1:0".into();
    config.database = database;
    config.auth = redress_testkit::auth_config();

    // In process: the handler itself (query, fold, figures, encode-free), as
    // the service runs it, without the network.
    let db = redress_db::connect(&config.database).await?;
    let relay = Relay::new(db.clone(), config.outbox.clone(), Issuer::hs256("bench", "redress", "redress"), "feedback")
        .expect("valid peers");
    let readers = redress_db::connect_readers(&config.database, &db).await?;
    let api = FeedbackApi::new(db.clone(), readers, relay, PageTokens::new(b"bench"), Arc::new(config.clone()));
    let service = PublicService(Arc::new(api));
    let caller = Caller {
        tenant: args.tenant.clone(),
        subject: "bench".into(),
        roles: [Role::Analyst].into_iter().collect(),
        bearer: Default::default(),
    };
    println!("\nin process (handler only):");
    measure(&args, now, async |request| {
        let mut request = tonic::Request::new(request);
        request.extensions_mut().insert(caller.clone());
        Ok(service.get_insights(request).await?.into_inner())
    })
    .await?;
    db.close().await?;

    // Over gRPC, through the real server.
    let feedback = Feedback::start(config).await?;
    let client =
        FeedbackServiceClient::new(redress_testkit::channel(feedback.local_addr())).max_decoding_message_size(64 << 20);
    let token = redress_testkit::token(&args.tenant, &[Role::Analyst]);
    println!("\nover gRPC (127.0.0.1):");
    measure(&args, now, async |request| {
        let mut client = client.clone();
        Ok(client.get_insights(redress_testkit::authed(request, &token)).await?.into_inner())
    })
    .await?;
    for days in [7, 30] {
        let mut samples = Vec::with_capacity(args.queries);
        for _ in 0..args.queries {
            let request = ListRecurringProblemsRequest {
                window: Some(TimeWindow { start_time: Some(ts(now - Duration::days(days))), end_time: Some(ts(now)) }),
                ..Default::default()
            };
            let started = Instant::now();
            let mut client = client.clone();
            client.list_recurring_problems(redress_testkit::authed(request, &token)).await?;
            samples.push(started.elapsed());
        }
        report(&format!("ListRecurringProblems {days} days"), samples, "");
    }
    feedback.shutdown().await;
    Ok(())
}
