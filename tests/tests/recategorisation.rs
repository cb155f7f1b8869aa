//! Recategorisation across the real services: a complaint filed as a bonus
//! complaint is recategorised by an agent to a withdrawal complaint; intake
//! shows the new category with the original kept, the case history verifies
//! with the change in it, and feedback's insights count the complaint under
//! its final category.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use redress_auth::Role;
use redress_e2e::Sandbox;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    feedback::v1::{Dimension, GetInsightsRequest, TimeWindow},
    intake::v1::{GetComplaintRequest, SubmitComplaintRequest},
    resolution::v1::{
        ListCaseEventsRequest, ListCasesRequest, RecategoriseCaseRequest, VerifyCaseHistoryRequest, case_event::Type,
    },
};
use redress_testkit::{Backend, authed, eventually};

const WAIT: Duration = Duration::from_secs(25);

fn window() -> TimeWindow {
    let now = chrono::Utc::now().timestamp();
    TimeWindow {
        start_time: Some(prost_types::Timestamp { seconds: now - 86_400, nanos: 0 }),
        end_time: Some(prost_types::Timestamp { seconds: now + 3600, nanos: 0 }),
    }
}

async fn an_agent_recategorises_and_intake_and_analytics_follow(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let casino = s.token(&[Role::Backend]);
    let agent = s.token(&[Role::Agent]);
    let supervisor = s.token(&[Role::Supervisor]);
    let analyst = s.token(&[Role::Analyst]);

    let request = SubmitComplaintRequest {
        request_id: "recat-1".into(),
        player: Some(Player {
            player_id: "player-recat".into(),
            display_name: "Kim".into(),
            email: "kim@example.co.uk".into(),
            language_code: "en".into(),
            jurisdiction: "GB".into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences { bonus_id: "B-1".into(), ..Default::default() }),
        category: ComplaintCategory::Bonus.into(),
        subject: "Bonus winnings not paid".into(),
        description: "I cashed out my winnings a week ago and the money never arrived.".into(),
        channel: Channel::Email.into(),
        ..Default::default()
    };
    let filed = s.intake().submit_complaint(authed(request, &casino)).await.unwrap().into_inner();
    let complaint = filed.complaint.unwrap();
    assert_eq!(complaint.category(), ComplaintCategory::Bonus);
    let find_case = || async {
        s.resolution()
            .list_cases(authed(ListCasesRequest { complaint: complaint.name.clone(), ..Default::default() }, &agent))
            .await
            .ok()
            .and_then(|r| r.into_inner().cases.into_iter().next())
    };
    assert!(eventually(WAIT, || async { find_case().await.is_some() }).await, "no case opened");
    let case = find_case().await.unwrap();
    assert_eq!(case.category(), ComplaintCategory::Bonus);

    let changed = s
        .resolution()
        .recategorise_case(authed(
            RecategoriseCaseRequest {
                name: case.name.clone(),
                request_id: "recat".into(),
                category: ComplaintCategory::Withdrawal.into(),
                reason: "the bonus was paid; the withdrawal of the winnings is what is missing".into(),
                etag: case.etag.clone(),
                ..Default::default()
            },
            &agent,
        ))
        .await
        .unwrap()
        .into_inner()
        .case
        .unwrap();
    assert_eq!(changed.category(), ComplaintCategory::Withdrawal);
    assert_eq!(changed.original_category(), ComplaintCategory::Bonus);

    // The change is in the history, and the history still verifies.
    let verified = s
        .resolution()
        .verify_case_history(authed(VerifyCaseHistoryRequest { name: case.name.clone() }, &supervisor))
        .await
        .unwrap()
        .into_inner();
    assert!(verified.intact, "{}", verified.detail);
    let list = ListCaseEventsRequest { parent: case.name.clone(), ..Default::default() };
    let events = s.resolution().list_case_events(authed(list, &agent)).await.unwrap().into_inner().events;
    assert!(events.iter().any(|e| e.r#type() == Type::Recategorised));

    // Intake moves the complaint and keeps where it was filed.
    let read = || async {
        s.intake()
            .get_complaint(authed(GetComplaintRequest { name: complaint.name.clone() }, &casino))
            .await
            .ok()
            .and_then(|r| r.into_inner().complaint)
    };
    let moved =
        eventually(WAIT, || async { read().await.is_some_and(|c| c.category() == ComplaintCategory::Withdrawal) })
            .await;
    assert!(moved, "intake still shows {:?}", read().await.map(|c| c.category()));
    let now = read().await.unwrap();
    assert_eq!(now.original_category(), ComplaintCategory::Bonus);

    // Feedback counts it under its final category.
    let groups = || async {
        let request =
            GetInsightsRequest { window: Some(window()), group_by: Dimension::Category.into(), ..Default::default() };
        s.feedback()
            .get_insights(authed(request, &analyst))
            .await
            .map(|r| r.into_inner().groups)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|g| Some((g.key?.category(), g.volumes?)))
            .collect::<Vec<_>>()
    };
    let counted = eventually(WAIT, || async {
        let groups = groups().await;
        groups
            .iter()
            .any(|(c, v)| *c == ComplaintCategory::Withdrawal && v.submitted_count == 1 && v.recategorised_count == 1)
            && !groups.iter().any(|(c, v)| *c == ComplaintCategory::Bonus && v.submitted_count > 0)
    })
    .await;
    assert!(counted, "insights by category: {:?}", groups().await);
    s.shutdown().await;
}

redress_e2e::on_both_backends!(an_agent_recategorises_and_intake_and_analytics_follow);
