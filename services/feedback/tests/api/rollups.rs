//! GetInsights over the daily rollups against the definition: random events
//! folded through RecordEvent (shuffled, some redelivered, some complaints
//! recategorised, cases resolved with surveys), then random windows (whole
//! days and not), every grouping and a few filters, compared with a
//! brute-force count over the stored facts: counts and sums exactly,
//! percentiles within 1 %. And the backfill: a rebuild, and the migration
//! on a database that already holds facts, give the same answers.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use redress_feedback::{
    domain::{
        Window,
        facts::Fact,
        insights::{self, GroupFigures, Percentiles, Tally, span},
        rollup::day_of,
    },
    store::{self, complaint_fact, migration::Migrator},
};
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome},
    feedback::v1::{Dimension, EventType, GetInsightsRequest, InsightGroup, RecordEventRequest, TimeWindow},
};
use redress_testkit::{TestDb, backend_tests};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use sea_orm_migration::MigratorTrait;

use crate::{
    helpers::{TENANT, TestFeedback, case_outcome, event, ts},
    insights::generated_fact,
};

/// xorshift: the same events on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn hours(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::minutes(lo * 60 + self.below(((hi - lo) * 60) as u64) as i64)
    }
}

const CATEGORIES: [ComplaintCategory; 3] =
    [ComplaintCategory::Withdrawal, ComplaintCategory::Bonus, ComplaintCategory::Deposit];
const CHANNELS: [Channel; 2] = [Channel::Email, Channel::LiveChat];
const JURISDICTIONS: [&str; 3] = ["PL", "GB", "MT"];
const AGENTS: [&str; 3] = ["agent-1", "agent-2", "agent-3"];
const PAYMENT_METHODS: [&str; 3] = ["blik", "visa", ""];
const OUTCOMES: [Outcome; 3] = [Outcome::Upheld, Outcome::PartiallyUpheld, Outcome::NotUpheld];

/// One complaint's life, its events in time order.
fn complaint_events(rng: &mut Rng, id: &str, base: DateTime<Utc>) -> Vec<RecordEventRequest> {
    let submitted = base + Duration::seconds(rng.below(18 * 86_400) as i64);
    let filed = CATEGORIES[rng.below(3) as usize];
    let moved = CATEGORIES[rng.below(3) as usize];
    let recategorise_at = (rng.below(4) == 0 && moved != filed).then(|| submitted + rng.hours(1, 48));
    let channel = CHANNELS[rng.below(2) as usize];
    let jurisdiction = JURISDICTIONS[rng.below(3) as usize];
    let agent = AGENTS[rng.below(3) as usize];
    let payment_method = PAYMENT_METHODS[rng.below(3) as usize];
    let mut lives: Vec<(EventType, DateTime<Utc>)> = vec![
        (EventType::Submitted, submitted),
        (EventType::Acknowledged, submitted + rng.hours(0, 30)),
        (EventType::FirstResponse, submitted + rng.hours(1, 72)),
    ];
    if let Some(at) = recategorise_at {
        lives.push((EventType::Recategorised, at));
    }
    if rng.below(5) != 0 {
        let resolved = submitted + rng.hours(2, 200);
        lives.push((EventType::Resolved, resolved));
        lives.push((EventType::Closed, resolved + rng.hours(1, 48)));
        if rng.below(4) == 0 {
            lives.push((EventType::Reopened, resolved + rng.hours(24, 100)));
        }
        if rng.below(6) == 0 {
            lives.push((EventType::ReferredToAdr, resolved + rng.hours(24, 200)));
        }
    } else if rng.below(2) == 0 {
        lives.push((EventType::Withdrawn, submitted + rng.hours(2, 100)));
    }
    if rng.below(4) == 0 {
        lives.push((EventType::Escalated, submitted + rng.hours(5, 100)));
        lives.push((EventType::DeadlineWarned, submitted + rng.hours(20, 24)));
        lives.push((EventType::DeadlineBreached, submitted + rng.hours(24, 30)));
    }
    lives
        .into_iter()
        .enumerate()
        .map(|(i, (kind, at))| {
            let mut e = event(&format!("{id}:{i}"), kind, id, at);
            let category = if recategorise_at.is_some_and(|r| at >= r) { moved } else { filed };
            e.category = category.into();
            if kind == EventType::Recategorised {
                e.original_category = filed.into();
            }
            e.channel = channel.into();
            e.jurisdiction = jurisdiction.into();
            if kind != EventType::Submitted {
                e.agent = agent.into();
            }
            if let Some(refs) = e.transaction_references.as_mut() {
                refs.payment_method = payment_method.into();
            }
            if matches!(kind, EventType::Acknowledged | EventType::Resolved) {
                e.clock_met = rng.below(3) != 0;
            }
            if kind == EventType::Resolved {
                e.outcome = OUTCOMES[rng.below(3) as usize].into();
            }
            if matches!(kind, EventType::DeadlineWarned | EventType::DeadlineBreached) {
                e.clock = if rng.below(2) == 0 { "acknowledge" } else { "final_response" }.into();
            }
            e
        })
        .collect()
}

fn dimension_value(f: &Fact, dim: Dimension) -> String {
    match dim {
        Dimension::Unspecified => String::new(),
        Dimension::Category => f.dims.category.clone(),
        Dimension::Channel => f.dims.channel.clone(),
        Dimension::Jurisdiction => f.dims.jurisdiction.clone(),
        Dimension::Agent => f.dims.agent.clone(),
        Dimension::Game => f.dims.game_id.clone(),
        Dimension::GameProvider => f.dims.game_provider.clone(),
        Dimension::PaymentMethod => f.dims.payment_method.clone(),
    }
}

/// A request's filters: (category, channel, jurisdiction).
type Filters = (Option<ComplaintCategory>, Option<Channel>, Option<&'static str>);

fn kept(f: &Fact, (category, channel, jurisdiction): Filters) -> bool {
    category.is_none_or(|c| f.dims.category == c.as_str_name())
        && channel.is_none_or(|c| f.dims.channel == c.as_str_name())
        && jurisdiction.is_none_or(|j| f.dims.jurisdiction == j)
}

/// The definition, by brute force: facts active in the window, counted and
/// ranked per group; a group listed when anything of it happened in it.
fn expected(facts: &[Fact], w: &Window, dim: Dimension, filters: Filters) -> (InsightGroup, Vec<InsightGroup>) {
    let active: Vec<&Fact> = facts
        .iter()
        .filter(|f| kept(f, filters))
        .filter(|f| f.last_activity_at.is_some_and(|l| l >= w.start) && f.first_activity_at.is_some_and(|a| a < w.end))
        .collect();
    let durations = |members: &[&Fact]| {
        let first = members
            .iter()
            .filter(|f| w.contains(f.first_response_at))
            .filter_map(|f| span(f.submitted_at, f.first_response_at));
        let resolution =
            members.iter().filter(|f| w.contains(f.resolved_at)).filter_map(|f| span(f.submitted_at, f.resolved_at));
        (Percentiles::of(first.collect()), Percentiles::of(resolution.collect()))
    };
    let mut by_value: BTreeMap<String, Vec<&Fact>> = BTreeMap::new();
    for f in &active {
        by_value.entry(dimension_value(f, dim)).or_default().push(f);
    }
    let groups = by_value
        .into_iter()
        .filter_map(|(value, members)| {
            let mut tally = Tally::default();
            members.iter().for_each(|f| tally.count(f, w));
            let (first_response, resolution) = durations(&members);
            let empty = tally == Tally::default() && first_response.count == 0 && resolution.count == 0;
            (!empty).then_some((value, GroupFigures { tally, first_response, resolution }))
        })
        .collect();
    insights::compute(groups, durations(&active), dim)
}

/// Checks one figure's percentiles (within 1 %) and blanks them, so the
/// rest compares exactly.
fn blank_durations(got: &mut InsightGroup, want: &mut InsightGroup, context: &str) {
    for (g, w) in [
        (&mut got.time_to_first_response, &mut want.time_to_first_response),
        (&mut got.time_to_resolution, &mut want.time_to_resolution),
    ] {
        let (g, w) = (g.get_or_insert_default(), w.get_or_insert_default());
        assert_eq!(g.sample_count, w.sample_count, "{context}");
        for (gd, wd) in [(&mut g.median, &mut w.median), (&mut g.p90, &mut w.p90)] {
            let micros = |d: &Option<prost_types::Duration>| {
                d.map(|d| d.seconds * 1_000_000 + i64::from(d.nanos) / 1000).unwrap_or_default()
            };
            let (gm, wm) = (micros(gd), micros(wd));
            assert!((gm - wm).abs() as f64 <= 0.01 * wm as f64, "{context}: {gm} µs, exact {wm} µs");
            *gd = None;
            *wd = None;
        }
    }
}

async fn stored_facts(t: &TestFeedback) -> Vec<Fact> {
    complaint_fact::Entity::find()
        .filter(complaint_fact::Column::TenantId.eq(TENANT))
        .all(t.feedback.db())
        .await
        .unwrap()
        .iter()
        .map(store::to_fact)
        .collect()
}

/// Windows of every shape around `around`: whole days, partial ends,
/// shorter than a day, and the full span.
fn windows(rng: &mut Rng, around: DateTime<Utc>, span_days: i64) -> Vec<Window> {
    let mut out = vec![
        Window { start: around - Duration::days(2), end: around + Duration::days(span_days + 2) },
        Window { start: day_of(around) + Duration::days(3), end: day_of(around) + Duration::days(10) },
    ];
    for i in 0..6 {
        let start = around + Duration::seconds(rng.below((span_days * 86_400) as u64) as i64);
        let length = match i % 3 {
            0 => Duration::hours(rng.below(30) as i64 + 1),
            1 => Duration::days(rng.below(12) as i64 + 1),
            _ => Duration::seconds(rng.below(15 * 86_400) as i64 + 1),
        };
        let start = if i == 4 { day_of(start) } else { start };
        out.push(Window { start, end: start + length });
    }
    out
}

async fn check_against_the_facts(t: &mut TestFeedback, windows: &[Window]) {
    let facts = stored_facts(t).await;
    let filters: [Filters; 3] = [
        (None, None, None),
        (Some(ComplaintCategory::Withdrawal), None, None),
        (None, Some(Channel::Email), Some("GB")),
    ];
    let dims = [
        Dimension::Unspecified,
        Dimension::Category,
        Dimension::Channel,
        Dimension::Jurisdiction,
        Dimension::Agent,
        Dimension::Game,
        Dimension::PaymentMethod,
    ];
    for w in windows {
        for dim in dims {
            for filter in filters {
                let request = GetInsightsRequest {
                    window: Some(TimeWindow { start_time: Some(ts(w.start)), end_time: Some(ts(w.end)) }),
                    group_by: dim.into(),
                    category: filter.0.map(Into::into).unwrap_or_default(),
                    channel: filter.1.map(Into::into).unwrap_or_default(),
                    jurisdiction: filter.2.unwrap_or_default().into(),
                    page_size: 1000,
                    ..Default::default()
                };
                let got = t.client.get_insights(t.analyst(request)).await.unwrap().into_inner();
                let (mut want_total, mut want_groups) = expected(&facts, w, dim, filter);
                let context = format!("{w:?} by {dim:?}, {filter:?}");
                let mut got_total = got.total.unwrap();
                blank_durations(&mut got_total, &mut want_total, &context);
                assert_eq!(got_total, want_total, "total, {context}");
                let mut got_groups = got.groups;
                assert_eq!(got_groups.len(), want_groups.len(), "groups, {context}");
                for (g, w) in got_groups.iter_mut().zip(want_groups.iter_mut()) {
                    blank_durations(g, w, &context);
                }
                assert_eq!(got_groups, want_groups, "groups, {context}");
            }
        }
    }
}

async fn rollup_answers_agree_with_the_facts(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let now = Utc::now().trunc_subsecs(0);
    let base = day_of(now) - Duration::days(20) + Duration::hours(7);
    let mut rng = Rng(0x005E_ED0F_2026_1202);
    let mut events: Vec<RecordEventRequest> =
        (0..60).flat_map(|i| complaint_events(&mut rng, &format!("c-{i}"), base)).collect();
    // Out of order, and some twice.
    for i in (1..events.len()).rev() {
        events.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let again: Vec<RecordEventRequest> = events.iter().step_by(9).cloned().collect();
    events.extend(again);
    // A few at a time, as relays on several replicas would deliver them.
    for batch in events.chunks(6) {
        let calls: Vec<_> = batch
            .iter()
            .map(|e| {
                let mut client = t.internal.clone();
                let request = t.service(e.clone());
                tokio::spawn(async move { client.record_event(request).await })
            })
            .collect();
        for call in calls {
            call.await.unwrap().unwrap();
        }
    }
    // Cases resolved with a survey sent.
    for i in (0..60).step_by(7) {
        let outcome = case_outcome(&format!("k-{i}"), &format!("c-{i}"), base + Duration::days(i / 4));
        t.internal.record_case_outcome(t.service(outcome)).await.unwrap();
    }
    t.drained().await;

    let windows = windows(&mut rng, base, 20);
    check_against_the_facts(&mut t, &windows).await;
    // The backfill's rebuild gives the rows the folds maintained.
    store::rollup::rebuild(t.feedback.db(), TENANT).await.unwrap();
    check_against_the_facts(&mut t, &windows).await;
    t.stop().await;
}

/// The migration on a database that already holds facts (no rollups yet)
/// backfills them.
async fn the_migration_backfills_existing_facts(db: TestDb) {
    let start = day_of(Utc::now()) - Duration::days(30) + Duration::hours(5);
    {
        let conn = redress_db::connect(&db.config).await.unwrap();
        let before_rollups = Migrator::migrations().len() as u32 - 1;
        Migrator::up(&conn, Some(before_rollups)).await.unwrap();
        let now = Utc::now();
        let facts: Vec<_> = (0..300).map(|i| store::from_fact(TENANT, generated_fact(i, start), now)).collect();
        store::insert_facts(&conn, facts).await.unwrap();
        conn.close().await.unwrap();
    }
    // The service migrates the rest at start.
    let mut t = TestFeedback::start(&db).await;
    let mut rng = Rng(0x0BAC_F111);
    let mut windows = windows(&mut rng, start - Duration::days(3), 13);
    windows.push(Window { start: day_of(start), end: day_of(start) + Duration::days(7) });
    check_against_the_facts(&mut t, &windows).await;
    t.stop().await;
}

backend_tests!(rollup_answers_agree_with_the_facts, the_migration_backfills_existing_facts);
