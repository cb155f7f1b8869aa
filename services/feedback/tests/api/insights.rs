//! GetInsights and ListRecurringProblems: answers change the figures,
//! grouping and paging, recurring problems with a spike and its one alert.

use std::{collections::BTreeMap, time::Duration as StdDuration};

use chrono::{Duration, SubsecRound, Utc};
use redress_feedback::{
    domain::{
        Window,
        facts::{Clock, Fact},
        insights::{Percentiles, Tally, span},
    },
    store::{self, DurationMetric, FactFilter},
};
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, TransactionReferences},
    feedback::v1::{
        Dimension, EventType, GetInsightsRequest, ListRecurringProblemsRequest, ReferenceKind,
        SubmitSurveyResponseRequest, SurveyAnswer, TimeWindow, recurring_problem::Trend, survey_answer::ProblemSolved,
    },
    notification::v1::NotificationEvent,
};
use redress_testkit::{TestDb, backend_tests, eventually};
use tonic::Code;

use crate::{
    events::{insights, week},
    helpers::{TestFeedback, case_outcome, event, ts},
};

async fn answers_change_the_insights(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let now = Utc::now();
    t.internal
        .record_event(t.service(event("c-1:submitted", EventType::Submitted, "c-1", now - Duration::hours(3))))
        .await
        .unwrap();
    let before = insights(&mut t, week(now), Dimension::PaymentMethod).await;
    let s = before.total.unwrap().satisfaction.unwrap();
    assert_eq!((s.sent_count, s.answered_count), (0, 0));

    t.internal.record_case_outcome(t.service(case_outcome("k-1", "c-1", now))).await.unwrap();
    t.drained().await;
    let token = t.peer.received().notifications[0].variables["survey_token"].clone();
    let answer = SurveyAnswer { csat: 4, problem_solved: ProblemSolved::Yes.into(), fairness: 5, ..Default::default() };
    let request = SubmitSurveyResponseRequest { token, request_id: "r-1".into(), answer: Some(answer) };
    t.client.submit_survey_response(t.backend(request)).await.unwrap();

    let after = insights(&mut t, week(now + Duration::seconds(1)), Dimension::PaymentMethod).await;
    let total = after.total.unwrap();
    let s = total.satisfaction.unwrap();
    assert_eq!((s.sent_count, s.answered_count, s.csat_count, s.solved_count), (1, 1, 1, 1));
    assert!((s.csat_average - 4.0).abs() < 1e-9);
    assert!((s.fairness_average - 5.0).abs() < 1e-9);
    assert!((s.response_rate - 1.0).abs() < 1e-9);
    assert_eq!(after.groups.len(), 1);
    assert_eq!(after.groups[0].key.clone().unwrap().payment_method, "blik");
    t.stop().await;
}

async fn groups_are_paged_with_signed_tokens(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let now = Utc::now();
    for (i, channel) in [Channel::Email, Channel::Email, Channel::LiveChat, Channel::Phone].into_iter().enumerate() {
        let mut e = event(&format!("e-{i}"), EventType::Submitted, &format!("c-{i}"), now - Duration::hours(1));
        e.channel = channel.into();
        t.internal.record_event(t.service(e)).await.unwrap();
    }
    let window = week(now);
    let mut request = GetInsightsRequest {
        window: Some(window),
        group_by: Dimension::Channel.into(),
        page_size: 2,
        ..Default::default()
    };
    let first = t.client.get_insights(t.analyst(request.clone())).await.unwrap().into_inner();
    assert_eq!(first.groups.len(), 2);
    assert_eq!(first.groups[0].key.clone().unwrap().channel(), Channel::Email, "most complaints first");
    assert_eq!(first.groups[0].volumes.unwrap().submitted_count, 2);
    assert_eq!(first.total.unwrap().volumes.unwrap().submitted_count, 4);
    assert!(!first.next_page_token.is_empty());
    request.page_token = first.next_page_token.clone();
    let second = t.client.get_insights(t.analyst(request.clone())).await.unwrap().into_inner();
    assert_eq!(second.groups.len(), 1);
    assert!(second.next_page_token.is_empty());

    // A token is bound to its request.
    request.group_by = Dimension::Category.into();
    let err = t.client.get_insights(t.analyst(request.clone())).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    // Filters narrow the figures.
    let filtered =
        GetInsightsRequest { window: Some(week(now)), channel: Channel::LiveChat.into(), ..Default::default() };
    let got = t.client.get_insights(t.analyst(filtered)).await.unwrap().into_inner();
    assert_eq!(got.total.unwrap().volumes.unwrap().submitted_count, 1);
    // Only analysts, supervisors and admins read insights.
    let err = t.client.get_insights(t.backend(GetInsightsRequest::default())).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    t.stop().await;
}

async fn a_spike_of_withdrawal_complaints_is_a_recurring_problem_with_one_alert(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let now = Utc::now();
    let mut n = 0;
    let mut submit = async |t: &mut TestFeedback, method: &str, days_ago: i64| {
        n += 1;
        let mut e = event(&format!("e-{n}"), EventType::Submitted, &format!("c-{n}"), now - Duration::days(days_ago));
        e.transaction_references = Some(TransactionReferences { payment_method: method.into(), ..Default::default() });
        t.internal.record_event(t.service(e)).await.unwrap();
    };
    // The previous week: one BLIK problem and three Visa problems.
    submit(&mut t, "blik", 10).await;
    for _ in 0..3 {
        submit(&mut t, "visa", 9).await;
    }
    // This week: five BLIK problems, three Visa, one Skrill.
    for _ in 0..5 {
        submit(&mut t, "blik", 1).await;
    }
    for _ in 0..3 {
        submit(&mut t, "visa", 2).await;
    }
    submit(&mut t, "skrill", 2).await;

    let request = ListRecurringProblemsRequest { window: Some(week(now)), ..Default::default() };
    let got = t.client.list_recurring_problems(t.analyst(request.clone())).await.unwrap().into_inner();
    assert_eq!(got.min_count, 3);
    assert!((got.spike_factor - 2.0).abs() < 1e-9);
    let problems = got.recurring_problems;
    assert_eq!(problems.len(), 2, "skrill is under the threshold");
    let blik = &problems[0];
    assert_eq!(blik.reference, "blik");
    assert_eq!(blik.category(), ComplaintCategory::Withdrawal);
    assert_eq!(blik.reference_kind(), ReferenceKind::PaymentMethod);
    assert_eq!((blik.count, blik.previous_count), (5, 1));
    assert_eq!(blik.trend(), Trend::Rising);
    assert!(blik.spike);
    assert_eq!(blik.example_complaints.len(), 5);
    let visa = &problems[1];
    assert_eq!((visa.count, visa.previous_count, visa.spike), (3, 3, false));
    assert_eq!(visa.trend(), Trend::Stable);

    // Reading alerts nobody: the spike watch does, on its own schedule.
    t.drained().await;
    assert!(t.peer.received().notifications.clone().is_empty(), "a read sent an alert");
    assert_eq!(t.feedback.spikes().run_once(now).await.unwrap(), 1);
    t.drained().await;
    let peer = t.peer.clone();
    assert!(
        eventually(StdDuration::from_secs(10), || async { peer.received().notifications.clone().len() == 1 }).await
    );
    let alert = t.peer.received().notifications[0].clone();
    assert_eq!(alert.event(), NotificationEvent::OperationsAlert);
    // Notification routes alerts to the tenant's operations contact.
    assert_eq!(alert.event(), redress_proto::notification::v1::NotificationEvent::OperationsAlert);
    assert_eq!(alert.recipient.as_ref().unwrap().preferred_channel(), Channel::Email);
    assert_eq!(alert.variables["reference"], "blik");

    // Asking for only spikes lists it; watching again alerts no more.
    let only = ListRecurringProblemsRequest { window: Some(week(now)), spikes_only: true, ..Default::default() };
    let spikes = t.client.list_recurring_problems(t.analyst(only)).await.unwrap().into_inner();
    assert_eq!(spikes.recurring_problems.len(), 1);
    t.client.list_recurring_problems(t.analyst(request)).await.unwrap();
    assert_eq!(t.feedback.spikes().run_once(now).await.unwrap(), 0, "one alert per spike and window");
    t.drained().await;
    assert_eq!(t.peer.received().notifications.clone().len(), 1, "one alert per spike and window");

    let bad = ListRecurringProblemsRequest { min_count: -1, spike_factor: 0.5, ..Default::default() };
    let err = t.client.list_recurring_problems(t.analyst(bad)).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let long = TimeWindow { start_time: Some(ts(now - Duration::days(400))), end_time: Some(ts(now)) };
    let err = t
        .client
        .list_recurring_problems(t.analyst(ListRecurringProblemsRequest { window: Some(long), ..Default::default() }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    t.stop().await;
}

async fn a_recategorised_complaint_is_counted_under_its_new_category(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let now = Utc::now();
    let mut filed = event("a:submitted", EventType::Submitted, "a", now - Duration::hours(3));
    filed.category = ComplaintCategory::Bonus.into();
    let mut other = event("b:submitted", EventType::Submitted, "b", now - Duration::hours(3));
    other.category = ComplaintCategory::Bonus.into();
    for e in [filed, other] {
        t.internal.record_event(t.service(e)).await.unwrap();
    }
    let before = insights(&mut t, week(now), Dimension::Category).await;
    let bonus = |r: &redress_proto::feedback::v1::GetInsightsResponse, c: ComplaintCategory| {
        r.groups.iter().find(|g| g.key.as_ref().is_some_and(|k| k.category() == c)).map(|g| g.volumes.unwrap())
    };
    assert_eq!(bonus(&before, ComplaintCategory::Bonus).unwrap().submitted_count, 2);

    let mut moved = event("a:2", EventType::Recategorised, "a", now - Duration::hours(1));
    moved.category = ComplaintCategory::Withdrawal.into();
    moved.original_category = ComplaintCategory::Bonus.into();
    t.internal.record_event(t.service(moved.clone())).await.unwrap();
    // A redelivery counts once.
    t.internal.record_event(t.service(moved)).await.unwrap();

    let after = insights(&mut t, week(now), Dimension::Category).await;
    let withdrawal = bonus(&after, ComplaintCategory::Withdrawal).unwrap();
    assert_eq!((withdrawal.submitted_count, withdrawal.recategorised_count), (1, 1));
    let still = bonus(&after, ComplaintCategory::Bonus).unwrap();
    assert_eq!((still.submitted_count, still.recategorised_count), (1, 0));
    assert_eq!(after.total.unwrap().volumes.unwrap().recategorised_count, 1);

    // The fact keeps the category the complaint was filed under.
    use sea_orm::EntityTrait;
    let fact = redress_feedback::store::complaint_fact::Entity::find_by_id((
        crate::helpers::TENANT.to_owned(),
        "a".to_owned(),
    ))
    .one(t.feedback.db())
    .await
    .unwrap()
    .unwrap();
    assert_eq!(fact.category, "COMPLAINT_CATEGORY_WITHDRAWAL");
    assert_eq!(fact.original_category, "COMPLAINT_CATEGORY_BONUS");
    t.stop().await;
}

backend_tests!(
    a_recategorised_complaint_is_counted_under_its_new_category,
    answers_change_the_insights,
    groups_are_paged_with_signed_tokens,
    a_spike_of_withdrawal_complaints_is_a_recurring_problem_with_one_alert,
    insight_sums_and_ranks_agree_with_the_definition,
);

/// A fact with pseudo-random times around a week's window (some before,
/// some after, some missing, some durations negative), dimensions from a
/// few values, clocks, surveys and outcomes: what the sums must agree on.
/// xorshift: the same facts on every run.
struct Rng(u64, chrono::DateTime<Utc>);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A time from 3 days before the window to 3 days after, or none.
    fn at(&mut self) -> Option<chrono::DateTime<Utc>> {
        let r = self.next();
        (!r.is_multiple_of(5)).then(|| self.1 - Duration::days(3) + Duration::seconds((r >> 8) as i64 % (13 * 86_400)))
    }
}

pub(crate) fn generated_fact(i: u64, start: chrono::DateTime<Utc>) -> Fact {
    let mut rng = Rng(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03, start);
    let mut f = Fact::new(&format!("c-{i}"));
    let pick = |r: u64, values: &[&str]| values[r as usize % values.len()].to_owned();
    f.dims.category = pick(rng.next(), &["COMPLAINT_CATEGORY_WITHDRAWAL", "COMPLAINT_CATEGORY_BONUS", ""]);
    f.dims.channel = pick(rng.next(), &["CHANNEL_EMAIL", "CHANNEL_LIVE_CHAT"]);
    f.dims.jurisdiction = pick(rng.next(), &["GB", "MT", "SE"]);
    f.dims.agent = pick(rng.next(), &["agent-1", "agent-2", "agent-3", ""]);
    f.responsible_gambling = rng.next().is_multiple_of(4);
    f.submitted_at = rng.at();
    f.first_response_at = rng.at();
    f.resolved_at = rng.at();
    f.outcome = pick(rng.next(), &["OUTCOME_UPHELD", "OUTCOME_PARTIALLY_UPHELD", "OUTCOME_NOT_UPHELD", ""]);
    f.escalated_at = rng.at();
    f.adr_referred_at = rng.at();
    f.reopened_at = rng.at();
    f.recategorised_at = rng.at();
    f.withdrawn_at = rng.at();
    f.closed_at = rng.at();
    let met = |r: u64| [None, Some(true), Some(false)][r as usize % 3];
    f.acknowledge = Clock { ended_at: rng.at(), met: met(rng.next()), warned_at: rng.at() };
    f.final_response = Clock { ended_at: rng.at(), met: met(rng.next()), warned_at: rng.at() };
    f.adr_enquiry = Clock { ended_at: rng.at(), met: met(rng.next()), warned_at: rng.at() };
    f.survey_sent_at = rng.at();
    f.answered_at = rng.at();
    f.csat = (!rng.next().is_multiple_of(3)).then(|| (rng.next() % 5) as i32 + 1);
    f.fairness = (!rng.next().is_multiple_of(3)).then(|| (rng.next() % 6) as i32);
    f.solved = [None, Some(true), Some(false)][rng.next() as usize % 3];
    let times = [
        f.submitted_at,
        f.first_response_at,
        f.resolved_at,
        f.escalated_at,
        f.adr_referred_at,
        f.reopened_at,
        f.recategorised_at,
        f.withdrawn_at,
        f.closed_at,
        f.acknowledge.ended_at,
        f.acknowledge.warned_at,
        f.final_response.ended_at,
        f.final_response.warned_at,
        f.adr_enquiry.ended_at,
        f.adr_enquiry.warned_at,
        f.survey_sent_at,
        f.answered_at,
    ];
    for t in times.into_iter().flatten() {
        f.touch(t);
    }
    f
}

/// The database's sums and ranks equal the domain's definition
/// (`Tally::count`, `Percentiles::of`) for every grouping and a filter.
async fn insight_sums_and_ranks_agree_with_the_definition(db: TestDb) {
    let t = TestFeedback::start(&db).await;
    let start = Utc::now().trunc_subsecs(0) - Duration::days(30);
    let w = Window { start, end: start + Duration::days(7) };
    let facts: Vec<Fact> = (0..400).map(|i| generated_fact(i, start)).collect();
    let now = Utc::now();
    store::insert_facts(t.feedback.db(), facts.iter().map(|f| store::from_fact("casino-a", f.clone(), now)).collect())
        .await
        .unwrap();
    store::insert_facts(
        t.feedback.db(),
        facts.iter().take(50).map(|f| store::from_fact("casino-b", f.clone(), now)).collect(),
    )
    .await
    .unwrap();

    let jurisdiction = |f: &Fact| f.dims.jurisdiction == "MT";
    type Keep<'a> = &'a dyn Fn(&Fact) -> bool;
    let filters: [(FactFilter, Keep); 2] = [
        (FactFilter::default(), &|_| true),
        (FactFilter { jurisdiction: Some("MT".into()), ..Default::default() }, &jurisdiction),
    ];
    for (filter, keep) in &filters {
        for dim in [Dimension::Unspecified, Dimension::Category, Dimension::Channel, Dimension::Agent] {
            let value = |f: &Fact| match dim {
                Dimension::Unspecified => String::new(),
                Dimension::Category => f.dims.category.clone(),
                Dimension::Channel => f.dims.channel.clone(),
                _ => f.dims.agent.clone(),
            };
            let active = |f: &&Fact| {
                keep(f)
                    && f.last_activity_at.is_some_and(|l| l >= w.start)
                    && f.first_activity_at.is_some_and(|a| a < w.end)
            };
            let mut expected_tallies: BTreeMap<String, Tally> = BTreeMap::new();
            let mut first: BTreeMap<String, Vec<i64>> = BTreeMap::new();
            let mut resolution: BTreeMap<String, Vec<i64>> = BTreeMap::new();
            for f in facts.iter().filter(active) {
                expected_tallies.entry(value(f)).or_default().count(f, &w);
                if w.contains(f.first_response_at)
                    && let Some(d) = span(f.submitted_at, f.first_response_at)
                {
                    first.entry(value(f)).or_default().push(d);
                }
                if w.contains(f.resolved_at)
                    && let Some(d) = span(f.submitted_at, f.resolved_at)
                {
                    resolution.entry(value(f)).or_default().push(d);
                }
            }
            let ranks = |m: BTreeMap<String, Vec<i64>>| -> BTreeMap<String, Percentiles> {
                m.into_iter().map(|(k, v)| (k, Percentiles::of(v))).collect()
            };
            let tallies: BTreeMap<String, Tally> = store::insight_tallies(t.feedback.db(), "casino-a", &w, filter, dim)
                .await
                .unwrap()
                .into_iter()
                .collect();
            assert_eq!(tallies, expected_tallies, "tallies by {dim:?}, {filter:?}");
            for (metric, expected) in
                [(DurationMetric::FirstResponse, &first), (DurationMetric::Resolution, &resolution)]
            {
                let got: BTreeMap<String, Percentiles> =
                    store::duration_percentiles(t.feedback.db(), "casino-a", &w, filter, dim, metric)
                        .await
                        .unwrap()
                        .into_iter()
                        .collect();
                assert_eq!(got, ranks(expected.clone()), "{metric:?} by {dim:?}, {filter:?}");
            }
        }
    }
    t.stop().await;
}
