//! One complaint through the whole platform, every service real: filed at
//! intake, opened as a case in resolution, acknowledged by e-mail in the
//! player's language by notification, answered, resolved with a proposal the
//! player accepted, and counted by feedback — with intake showing the player
//! the right status at every step.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use redress_auth::Role;
use redress_e2e::Sandbox;
use redress_proto::{
    common::v1::{
        Channel, ComplaintCategory, ComplaintStatus, Money, Outcome, Player, PlayerDecision, RootCause,
        TransactionReferences,
    },
    feedback::v1::{GetInsightsRequest, TimeWindow},
    intake::v1::{GetComplaintRequest, SubmitComplaintRequest, SubmitPlayerDecisionRequest},
    resolution::v1::{
        AssignCaseRequest, GetCaseRequest, ListCasesRequest, ProposeResolutionRequest, ResolutionType,
        ResolveCaseRequest, RespondToPlayerRequest,
    },
};
use redress_testkit::{Backend, authed, eventually};

const WAIT: Duration = Duration::from_secs(20);

async fn player_status(s: &Sandbox, name: &str, token: &str) -> (ComplaintStatus, Outcome) {
    let c = s
        .intake()
        .get_complaint(authed(GetComplaintRequest { name: name.into() }, token))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();
    (c.status(), c.outcome())
}

async fn wait_for_status(s: &Sandbox, name: &str, token: &str, want: ComplaintStatus) {
    let ok = eventually(WAIT, || async { player_status(s, name, token).await.0 == want }).await;
    assert!(ok, "intake never showed {want:?}; it shows {:?}", player_status(s, name, token).await);
}

async fn case_etag(s: &Sandbox, case: &str, token: &str) -> String {
    s.resolution()
        .get_case(authed(GetCaseRequest { name: case.into() }, token))
        .await
        .unwrap()
        .into_inner()
        .case
        .unwrap()
        .etag
}

async fn a_complaint_goes_from_filing_to_an_upheld_resolution(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let casino = s.token(&[Role::Backend]);
    let agent = s.token(&[Role::Agent]);
    let analyst = s.token(&[Role::Analyst]);

    // 1. The casino backend files a Polish player's withdrawal complaint.
    let complaint = s
        .intake()
        .submit_complaint(authed(
            SubmitComplaintRequest {
                request_id: "e2e-1".into(),
                player: Some(Player {
                    player_id: "p-42".into(),
                    display_name: "Anna".into(),
                    email: "anna@example.pl".into(),
                    language_code: "pl".into(),
                    jurisdiction: "PL".into(),
                    preferred_channel: Channel::Email.into(),
                    ..Default::default()
                }),
                transaction_references: Some(TransactionReferences {
                    withdrawal_id: "W-42".into(),
                    payment_method: "blik".into(),
                    ..Default::default()
                }),
                category: ComplaintCategory::Withdrawal.into(),
                subject: "Wypłata nie dotarła".into(),
                description: "Moja wypłata 500 PLN czeka od 10 dni.".into(),
                channel: Channel::Email.into(),
                ..Default::default()
            },
            &casino,
        ))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();

    // 2. Resolution opens a case for it.
    let mut case = String::new();
    let opened = eventually(WAIT, || {
        let mut client = s.resolution();
        let agent = agent.clone();
        let complaint = complaint.name.clone();
        async move {
            let page = client
                .list_cases(authed(ListCasesRequest { complaint, ..Default::default() }, &agent))
                .await
                .map(|r| r.into_inner().cases)
                .unwrap_or_default();
            !page.is_empty()
        }
    })
    .await;
    assert!(opened, "resolution never opened the case");
    let cases = s
        .resolution()
        .list_cases(authed(ListCasesRequest { complaint: complaint.name.clone(), ..Default::default() }, &agent))
        .await
        .unwrap()
        .into_inner()
        .cases;
    assert_eq!(cases.len(), 1, "one case per complaint");
    case.clone_from(&cases[0].name);

    // 3. The player gets the acknowledgment by e-mail, quoting the reference.
    let acknowledged = eventually(WAIT, || async { s.emails().iter().any(|m| m.contains(&complaint.reference)) }).await;
    assert!(acknowledged, "no acknowledgment e-mail with {} in {:?}", complaint.reference, s.emails());

    // 4. An agent (the token's subject, test-user) takes the case and answers:
    // the player sees IN_PROGRESS.
    let etag = case_etag(&s, &case, &agent).await;
    s.resolution()
        .assign_case(authed(
            AssignCaseRequest { name: case.clone(), assignee: "test-user".into(), etag, ..Default::default() },
            &agent,
        ))
        .await
        .unwrap();
    let etag = case_etag(&s, &case, &agent).await;
    s.resolution()
        .respond_to_player(authed(
            RespondToPlayerRequest {
                name: case.clone(),
                request_id: "respond-1".into(),
                body: "Dzień dobry, sprawdzamy Pani wypłatę.".into(),
                channel: Channel::Email.into(),
                etag,
                ..Default::default()
            },
            &agent,
        ))
        .await
        .unwrap();
    wait_for_status(&s, &complaint.name, &casino, ComplaintStatus::InProgress).await;

    // 5. A refund is proposed; the player sees it and accepts it at intake.
    let etag = case_etag(&s, &case, &agent).await;
    s.resolution()
        .propose_resolution(authed(
            ProposeResolutionRequest {
                name: case.clone(),
                request_id: "propose-1".into(),
                resolution_type: ResolutionType::Refund.into(),
                amount: Some(Money { amount_minor: 50_000, currency_code: "PLN".into() }),
                message: "Zwracamy 500 PLN.".into(),
                etag,
                ..Default::default()
            },
            &agent,
        ))
        .await
        .unwrap();
    wait_for_status(&s, &complaint.name, &casino, ComplaintStatus::ResolutionProposed).await;
    s.intake()
        .submit_player_decision(authed(
            SubmitPlayerDecisionRequest {
                name: complaint.name.clone(),
                request_id: "decision-1".into(),
                decision: PlayerDecision::Accept.into(),
                comment: "Dziękuję".into(),
                channel: Channel::Email.into(),
            },
            &casino,
        ))
        .await
        .unwrap();
    wait_for_status(&s, &complaint.name, &casino, ComplaintStatus::InProgress).await;

    // 6. The case is resolved, upheld: the player sees RESOLVED and the outcome.
    let etag = case_etag(&s, &case, &agent).await;
    s.resolution()
        .resolve_case(authed(
            ResolveCaseRequest {
                name: case.clone(),
                request_id: "resolve-1".into(),
                outcome: Outcome::Upheld.into(),
                root_cause: RootCause::PaymentProviderFailure.into(),
                final_response: "Wypłata została zrealizowana ponownie.".into(),
                etag,
                ..Default::default()
            },
            &agent,
        ))
        .await
        .unwrap();
    wait_for_status(&s, &complaint.name, &casino, ComplaintStatus::Resolved).await;
    assert_eq!(player_status(&s, &complaint.name, &casino).await.1, Outcome::Upheld);

    // 7. Feedback counted the complaint and its resolution.
    let now = chrono::Utc::now().timestamp();
    let window = TimeWindow {
        start_time: Some(prost_types::Timestamp { seconds: now - 3600, nanos: 0 }),
        end_time: Some(prost_types::Timestamp { seconds: now + 3600, nanos: 0 }),
    };
    let counted = eventually(WAIT, || {
        let mut client = s.feedback();
        let analyst = analyst.clone();
        async move {
            client
                .get_insights(authed(GetInsightsRequest { window: Some(window), ..Default::default() }, &analyst))
                .await
                .ok()
                .and_then(|r| r.into_inner().total)
                .and_then(|t| t.volumes)
                .is_some_and(|v| v.submitted_count == 1 && v.resolved_count == 1)
        }
    })
    .await;
    assert!(counted, "feedback did not count the complaint and its resolution");
    s.shutdown().await;
}

redress_e2e::on_both_backends!(a_complaint_goes_from_filing_to_an_upheld_resolution);
