//! First-response compliance, every service real: the first message to the
//! player stops resolution's acknowledge clock, feedback hears whether it came
//! in time, and GetInsights counts a complaint acknowledged in time as met and
//! one acknowledged late as missed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use redress_auth::Role;
use redress_e2e::Sandbox;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    feedback::v1::{ClockCompliance, GetInsightsRequest, TimeWindow},
    intake::v1::SubmitComplaintRequest,
    resolution::v1::{ListCasesRequest, RespondToPlayerRequest},
};
use redress_testkit::{Backend, authed, eventually};

const WAIT: Duration = Duration::from_secs(25);

/// Files a GB complaint and returns its case name.
async fn file(s: &Sandbox, id: &str) -> String {
    let complaint = s
        .intake()
        .submit_complaint(authed(
            SubmitComplaintRequest {
                request_id: id.into(),
                player: Some(Player {
                    player_id: format!("player-{id}"),
                    email: format!("{id}@example.com"),
                    language_code: "en".into(),
                    jurisdiction: "GB".into(),
                    preferred_channel: Channel::Email.into(),
                    ..Default::default()
                }),
                transaction_references: Some(TransactionReferences {
                    bonus_id: format!("B-{id}"),
                    ..Default::default()
                }),
                category: ComplaintCategory::Bonus.into(),
                subject: "Bonus".into(),
                description: "My bonus was not credited.".into(),
                channel: Channel::Email.into(),
                ..Default::default()
            },
            &s.token(&[Role::Backend]),
        ))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap()
        .name;
    let agent = s.token(&[Role::Agent]);
    let find = || async {
        s.resolution()
            .list_cases(authed(ListCasesRequest { complaint: complaint.clone(), ..Default::default() }, &agent))
            .await
            .ok()
            .and_then(|r| r.into_inner().cases.into_iter().next())
    };
    assert!(eventually(WAIT, || async { find().await.is_some() }).await, "no case for {complaint}");
    find().await.unwrap().name
}

async fn respond(s: &Sandbox, case: &str) {
    s.resolution()
        .respond_to_player(authed(
            RespondToPlayerRequest {
                name: case.into(),
                request_id: format!("respond-{case}"),
                body: "We are looking into your bonus.".into(),
                ..Default::default()
            },
            &s.token(&[Role::Agent]),
        ))
        .await
        .unwrap();
}

async fn acknowledge_compliance(s: &Sandbox) -> Option<ClockCompliance> {
    let now = chrono::Utc::now().timestamp();
    // The window reaches past the sweeper's simulated days.
    let window = TimeWindow {
        start_time: Some(prost_types::Timestamp { seconds: now - 3 * 86_400, nanos: 0 }),
        end_time: Some(prost_types::Timestamp { seconds: now + 5 * 86_400, nanos: 0 }),
    };
    s.feedback()
        .get_insights(authed(
            GetInsightsRequest { window: Some(window), ..Default::default() },
            &s.token(&[Role::Analyst]),
        ))
        .await
        .ok()?
        .into_inner()
        .total?
        .clock_compliance
        .into_iter()
        .find(|c| c.clock == "acknowledge")
}

async fn an_acknowledgment_in_time_counts_as_met_and_a_late_one_as_missed(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let on_time = file(&s, "ack-on-time").await;
    let late = file(&s, "ack-late").await;
    respond(&s, &on_time).await;
    // Two days on, the UK's 24-hour acknowledgment of the other has passed.
    let sweeper = s.resolution.sweeper().clone();
    sweeper.advance(chrono::Duration::days(2));
    sweeper.run_once().await.unwrap();
    respond(&s, &late).await;

    let counted = eventually(WAIT, || async {
        acknowledge_compliance(&s).await.is_some_and(|c| c.met_count == 1 && c.breached_count == 1)
    })
    .await;
    let compliance = acknowledge_compliance(&s).await.unwrap();
    assert!(counted, "acknowledge compliance is {compliance:?}");
    assert_eq!(compliance.compliance_rate, 0.5);
    s.shutdown().await;
}

redress_e2e::on_both_backends!(an_acknowledgment_in_time_counts_as_met_and_a_late_one_as_missed);
