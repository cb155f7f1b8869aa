//! RecordEvent: validation, idempotency per event id, out-of-order events,
//! and the figures they feed.

use chrono::{DateTime, Duration, Utc};
use redress_proto::{
    common::v1::Outcome,
    feedback::v1::{Dimension, EventType, GetInsightsRequest, GetInsightsResponse, TimeWindow},
};
use redress_testkit::{TestDb, backend_tests};
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::{TestFeedback, event, ts};

/// A window of seven days ending a minute from now.
pub fn week(now: DateTime<Utc>) -> TimeWindow {
    TimeWindow { start_time: Some(ts(now - Duration::days(7))), end_time: Some(ts(now + Duration::minutes(1))) }
}

pub async fn insights(t: &mut TestFeedback, window: TimeWindow, group_by: Dimension) -> GetInsightsResponse {
    let request = GetInsightsRequest { window: Some(window), group_by: group_by.into(), ..Default::default() };
    t.client.get_insights(t.analyst(request)).await.unwrap().into_inner()
}

async fn an_event_is_stored_once_per_event_id(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let now = Utc::now();
    let submitted = event("e-1", EventType::Submitted, "c-1", now - Duration::hours(1));
    for _ in 0..3 {
        t.internal.record_event(t.service(submitted.clone())).await.unwrap();
    }
    let mut reopened = event("e-2", EventType::Reopened, "c-1", now - Duration::minutes(30));
    reopened.r#type = EventType::Reopened.into();
    t.internal.record_event(t.service(reopened.clone())).await.unwrap();
    t.internal.record_event(t.service(reopened)).await.unwrap();
    let got = insights(&mut t, week(now), Dimension::Unspecified).await;
    let volumes = got.total.unwrap().volumes.unwrap();
    assert_eq!(volumes.submitted_count, 1);
    assert_eq!(volumes.reopened_count, 1);
    assert!(got.groups.is_empty());
    t.stop().await;
}

async fn events_out_of_order_fold_into_the_same_figures(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let now = Utc::now();
    let start = now - Duration::hours(20);
    let mut resolved = event("c-1:resolved", EventType::Resolved, "c-1", start + Duration::hours(10));
    resolved.outcome = Outcome::PartiallyUpheld.into();
    resolved.clock_met = true;
    resolved.agent = "agent-7".into();
    let mut first_response = event("c-1:first", EventType::FirstResponse, "c-1", start + Duration::hours(2));
    first_response.agent = "agent-7".into();
    let mut acknowledged = event("c-1:ack", EventType::Acknowledged, "c-1", start + Duration::minutes(5));
    acknowledged.clock_met = true;
    let mut breach = event("c-2:breach", EventType::DeadlineBreached, "c-2", start + Duration::hours(3));
    breach.clock = "acknowledge".into();
    // The resolution arrives before the submission it belongs to.
    for request in [
        resolved,
        first_response,
        acknowledged,
        event("c-1:submitted", EventType::Submitted, "c-1", start),
        event("c-2:submitted", EventType::Submitted, "c-2", start),
        breach,
    ] {
        t.internal.record_event(t.service(request)).await.unwrap();
    }
    let got = insights(&mut t, week(now), Dimension::Agent).await;
    let total = got.total.unwrap();
    let v = total.volumes.unwrap();
    assert_eq!((v.submitted_count, v.resolved_count), (2, 1));
    let ttfr = total.time_to_first_response.unwrap();
    assert_eq!(ttfr.sample_count, 1);
    // A week holds whole days: the ranks come from the rollups' histograms,
    // within 1 % of the exact value.
    let within_1_percent = |d: prost_types::Duration, secs: i64| (d.seconds - secs).abs() * 100 <= secs;
    assert!(within_1_percent(ttfr.median.unwrap(), 2 * 3600), "{ttfr:?}");
    let ttr = total.time_to_resolution.unwrap();
    assert!(within_1_percent(ttr.p90.unwrap(), 10 * 3600), "{ttr:?}");
    let ack = total.clock_compliance.iter().find(|c| c.clock == "acknowledge").unwrap();
    assert_eq!((ack.met_count, ack.breached_count), (1, 1));
    assert!((ack.compliance_rate - 0.5).abs() < 1e-9);
    let upheld = total.outcomes.iter().find(|o| o.outcome() == Outcome::PartiallyUpheld).unwrap();
    assert_eq!(upheld.count, 1);
    // c-1 sits with its agent, c-2 (never assigned) in the empty group.
    assert_eq!(got.groups.len(), 2);
    let agents: Vec<String> = got.groups.iter().map(|g| g.key.clone().unwrap().agent).collect();
    assert_eq!(agents, ["", "agent-7"]);
    t.stop().await;
}

async fn malformed_events_are_rejected_field_by_field(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let mut bad = event("", EventType::Unspecified, "x", Utc::now());
    bad.complaint = "nope".into();
    bad.occur_time = None;
    let err = t.internal.record_event(t.service(bad)).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let mut fields: Vec<String> =
        err.get_details_bad_request().unwrap().field_violations.into_iter().map(|v| v.field).collect();
    fields.sort();
    assert_eq!(fields, ["complaint", "event_id", "occur_time", "type"]);
    t.stop().await;
}

async fn concurrent_deliveries_fold_every_event_once(db: TestDb) {
    let t = TestFeedback::start(&db).await;
    let now = Utc::now();
    let kinds = [EventType::Submitted, EventType::Acknowledged, EventType::FirstResponse, EventType::Escalated];
    let mut calls = Vec::new();
    // Every event twice, all at once: relays on two replicas redelivering.
    for round in 0..2 {
        for (i, kind) in kinds.into_iter().enumerate() {
            let mut client = t.internal.clone();
            let request = t.service(event(&format!("e-{i}"), kind, "c-1", now - Duration::minutes(10 - i as i64)));
            let _ = round;
            calls.push(tokio::spawn(async move { client.record_event(request).await }));
        }
    }
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let mut t = t;
    let got = insights(&mut t, week(now), Dimension::Unspecified).await;
    let total = got.total.unwrap();
    let v = total.volumes.unwrap();
    assert_eq!((v.submitted_count, v.escalated_count), (1, 1));
    assert_eq!(total.time_to_first_response.unwrap().sample_count, 1);
    t.stop().await;
}

backend_tests!(
    an_event_is_stored_once_per_event_id,
    concurrent_deliveries_fold_every_event_once,
    events_out_of_order_fold_into_the_same_figures,
    malformed_events_are_rejected_field_by_field,
);
