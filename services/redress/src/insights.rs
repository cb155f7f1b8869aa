//! `redress insights`: complaint-handling figures and recurring problems for
//! a window, through `redress-sdk` (analyst, supervisor or admin token).

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use futures::{StreamExt, TryStreamExt};
use redress_sdk::proto::feedback::v1::{
    Dimension, GetInsightsRequest, GroupKey, InsightGroup, ListRecurringProblemsRequest, RecurringProblem, TimeWindow,
};
use serde_json::json;

use crate::remote::{Record, Remote, exit, format_time, midnight_utc, parse_date, parse_enum, render_list, render_one};

/// Arguments of `redress insights`.
#[derive(Debug, Args)]
pub struct InsightsArgs {
    #[command(subcommand)]
    command: InsightsCommand,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, Subcommand)]
enum InsightsCommand {
    /// Volumes, response and resolution times, deadline compliance and
    /// satisfaction for the window, in total or per group.
    Show(ShowArgs),
    /// Clusters of complaints about the same game, provider, payment method
    /// or bonus, spikes first.
    RecurringProblems(RecurringArgs),
}

#[derive(Debug, Clone, Args)]
struct Window {
    /// First day, YYYY-MM-DD (from 00:00 UTC). Default: the service's default window.
    #[arg(long, value_parser = parse_date)]
    from: Option<NaiveDate>,
    /// The day after the last, YYYY-MM-DD (exclusive).
    #[arg(long, value_parser = parse_date, requires = "from")]
    to: Option<NaiveDate>,
}

impl Window {
    fn proto(&self) -> anyhow::Result<Option<TimeWindow>> {
        match (self.from, self.to) {
            (None, _) => Ok(None),
            (Some(from), to) => {
                let to = to.unwrap_or_else(|| chrono::Utc::now().date_naive() + chrono::Days::new(1));
                if to <= from {
                    bail!("--to ({to}) must be after --from ({from})");
                }
                Ok(Some(TimeWindow { start_time: Some(midnight_utc(from)), end_time: Some(midnight_utc(to)) }))
            }
        }
    }
}

#[derive(Debug, Args)]
struct ShowArgs {
    #[command(flatten)]
    window: Window,
    /// Group by category, channel, jurisdiction, agent, game, game-provider or
    /// payment-method.
    #[arg(long)]
    group_by: Option<String>,
}

#[derive(Debug, Args)]
struct RecurringArgs {
    #[command(flatten)]
    window: Window,
    /// Only spikes.
    #[arg(long)]
    spikes_only: bool,
    /// At most this many problems.
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

/// Runs an insights subcommand.
pub async fn run(args: InsightsArgs) -> anyhow::Result<u8> {
    let (text, code) = execute(&args).await?;
    print!("{text}");
    Ok(code)
}

/// Runs a subcommand and returns what it prints and its exit code.
pub async fn execute(args: &InsightsArgs) -> anyhow::Result<(String, u8)> {
    let mut out = String::new();
    let remote = &args.remote;
    let output = remote.output;
    let client = remote.client()?.feedback();
    match &args.command {
        InsightsCommand::Show(s) => {
            let group_by =
                s.group_by.as_deref().map(|g| parse_enum(g, "DIMENSION_", Dimension::from_str_name)).transpose()?;
            let request = GetInsightsRequest {
                window: s.window.proto()?,
                group_by: group_by.map_or(0, i32::from),
                ..Default::default()
            };
            let first = client.get_insights(request.clone()).await.context("GetInsights")?;
            let total = group_record("TOTAL", &first.total.clone().unwrap_or_default());
            if group_by.is_none() {
                out.push_str(&render_one(output, &total));
            } else {
                let groups: Vec<InsightGroup> =
                    client.insight_groups(request).try_collect().await.context("GetInsights")?;
                let mut records = vec![total];
                records.extend(groups.iter().map(|g| group_record(&group_label(g.key.as_ref()), g)));
                out.push_str(&render_list(output, &records));
            }
        }
        InsightsCommand::RecurringProblems(r) => {
            let request = ListRecurringProblemsRequest {
                window: r.window.proto()?,
                spikes_only: r.spikes_only,
                page_size: i32::try_from(r.limit.clamp(1, 1000)).unwrap_or(1000),
                ..Default::default()
            };
            let problems: Vec<RecurringProblem> = client
                .list_recurring_problems(request)
                .take(r.limit)
                .try_collect()
                .await
                .context("ListRecurringProblems")?;
            out.push_str(&render_list(output, &problems.iter().map(problem_record).collect::<Vec<_>>()));
        }
    }
    Ok((out, exit::OK))
}

fn group_label(key: Option<&GroupKey>) -> String {
    let Some(k) = key else { return String::new() };
    [
        (k.category != 0).then(|| k.category().as_str_name().trim_start_matches("COMPLAINT_CATEGORY_").to_owned()),
        (k.channel != 0).then(|| k.channel().as_str_name().trim_start_matches("CHANNEL_").to_owned()),
        Some(k.jurisdiction.clone()),
        Some(k.agent.clone()),
        Some(k.game_id.clone()),
        Some(k.game_provider.clone()),
        Some(k.payment_method.clone()),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join("/")
}

fn seconds(d: Option<&prost_types::Duration>) -> serde_json::Value {
    d.map_or(serde_json::Value::Null, |d| json!(d.seconds))
}

/// One group's headline figures.
fn group_record(label: &str, g: &InsightGroup) -> Record {
    let v = g.volumes.unwrap_or_default();
    let s = g.satisfaction.unwrap_or_default();
    let ttfr = g.time_to_first_response.unwrap_or_default();
    let ttr = g.time_to_resolution.unwrap_or_default();
    vec![
        ("group", json!(label)),
        ("submitted", json!(v.submitted_count)),
        ("resolved", json!(v.resolved_count)),
        ("escalated", json!(v.escalated_count)),
        ("referred_to_adr", json!(v.referred_to_adr_count)),
        ("first_response_median_s", seconds(ttfr.median.as_ref())),
        ("resolution_median_s", seconds(ttr.median.as_ref())),
        ("csat_average", json!((s.csat_average * 100.0).round() / 100.0)),
        ("csat_count", json!(s.csat_count)),
        ("not_solved", json!(s.not_solved_count)),
        ("reopen_rate", json!((g.reopen_rate * 1000.0).round() / 1000.0)),
    ]
}

fn problem_record(p: &RecurringProblem) -> Record {
    vec![
        ("category", json!(p.category().as_str_name().trim_start_matches("COMPLAINT_CATEGORY_"))),
        ("kind", json!(p.reference_kind().as_str_name().trim_start_matches("REFERENCE_KIND_"))),
        ("reference", json!(p.reference)),
        ("count", json!(p.count)),
        ("previous", json!(p.previous_count)),
        ("trend", json!(p.trend().as_str_name().trim_start_matches("TREND_"))),
        ("spike", json!(p.spike)),
        ("last_submitted", json!(format_time(p.last_submit_time.as_ref()))),
    ]
}
