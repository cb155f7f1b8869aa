//! What the player reads, taken from the e-mails notification delivered: a
//! GB or MT final response NOT_UPHELD names the ADR body and its address (in
//! English and Polish); when the final-response clock of an `adr_rights`
//! jurisdiction expires the player is told of their ADR rights; the survey
//! token is in the player's e-mail only, never in what staff read; and the
//! SLA sweeper's deadline warnings reach the queue's supervisors by e-mail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use redress_auth::Role;
use redress_e2e::Sandbox;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome, Player, RootCause, TransactionReferences},
    intake::v1::SubmitComplaintRequest,
    notification::v1::{GetNotificationRequest, ListNotificationsRequest, Notification, NotificationEvent},
    resolution::v1::{GetCaseRequest, ListCasesRequest, ResolveCaseRequest, RespondToPlayerRequest},
};
use redress_testkit::{Backend, authed, eventually};

const WAIT: Duration = Duration::from_secs(25);

/// Files a complaint and returns (complaint reference, case name).
async fn file(s: &Sandbox, id: &str, jurisdiction: &str, language: &str) -> (String, String) {
    let casino = s.token(&[Role::Backend]);
    let agent = s.token(&[Role::Agent]);
    let complaint = s
        .intake()
        .submit_complaint(authed(
            SubmitComplaintRequest {
                request_id: id.into(),
                player: Some(Player {
                    player_id: format!("player-{id}"),
                    display_name: "Anna".into(),
                    email: format!("{id}@example.com"),
                    language_code: language.into(),
                    jurisdiction: jurisdiction.into(),
                    preferred_channel: Channel::Email.into(),
                    ..Default::default()
                }),
                transaction_references: Some(TransactionReferences {
                    withdrawal_id: format!("W-{id}"),
                    ..Default::default()
                }),
                category: ComplaintCategory::Withdrawal.into(),
                subject: "Withdrawal".into(),
                description: "My withdrawal was not paid.".into(),
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
    let find = || async {
        s.resolution()
            .list_cases(authed(ListCasesRequest { complaint: complaint.name.clone(), ..Default::default() }, &agent))
            .await
            .ok()
            .and_then(|r| r.into_inner().cases.into_iter().next())
    };
    assert!(eventually(WAIT, || async { find().await.is_some() }).await, "no case for {}", complaint.name);
    (complaint.reference, find().await.unwrap().name)
}

/// Resolves NOT_UPHELD without naming an ADR body: the policy's applies.
async fn reject(s: &Sandbox, case: &str) {
    let agent = s.token(&[Role::Agent]);
    let etag = s
        .resolution()
        .get_case(authed(GetCaseRequest { name: case.into() }, &agent))
        .await
        .unwrap()
        .into_inner()
        .case
        .unwrap()
        .etag;
    s.resolution()
        .resolve_case(authed(
            ResolveCaseRequest {
                name: case.into(),
                request_id: format!("resolve-{case}"),
                outcome: Outcome::NotUpheld.into(),
                root_cause: RootCause::Policy.into(),
                final_response: "The withdrawal was declined under our terms.".into(),
                etag,
                ..Default::default()
            },
            &agent,
        ))
        .await
        .unwrap();
}

/// The decoded e-mail that contains every one of `needles`, waiting for it.
async fn email_with(s: &Sandbox, needles: &[&str]) -> String {
    let find = || s.decoded_emails().into_iter().find(|m| needles.iter().all(|n| m.contains(n)));
    let found = eventually(WAIT, || async { find().is_some() }).await;
    assert!(found, "no e-mail with {needles:?}; got {:#?}", s.decoded_emails());
    find().unwrap()
}

async fn a_rejected_complaint_names_the_adr_body_in_english_and_polish(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let (gb_reference, gb_case) = file(&s, "gb-final", "GB", "en").await;
    let (mt_reference, mt_case) = file(&s, "mt-final", "MT", "pl").await;
    reject(&s, &gb_case).await;
    reject(&s, &mt_case).await;

    let english = email_with(&s, &[&gb_reference, "this is our final response"]).await;
    assert!(english.contains("Outcome: your complaint is not upheld"), "{english}");
    assert!(english.contains("alternative dispute resolution body, IBAS (https://www.ibas-uk.com)"), "{english}");
    // minijinja escapes `/` in HTML; a browser reads the same address.
    assert!(english.contains(r#"<a href="https:&#x2f;&#x2f;www.ibas-uk.com">"#), "the HTML part links it: {english}");

    let polish = email_with(&s, &[&mt_reference, "przekazujemy ostateczną odpowiedź"]).await;
    assert!(polish.contains("Rozstrzygnięcie: reklamacja nie została uznana"), "{polish}");
    assert!(
        polish.contains(
            "podmiotu pozasądowego rozwiązywania sporów: MGA Player Support \
             (https://www.mga.org.mt/support/online-gaming-support/)"
        ),
        "{polish}"
    );
    s.shutdown().await;
}

async fn an_expired_final_response_clock_tells_the_player_of_adr_in_english_and_polish(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let (gb_reference, _) = file(&s, "gb-late", "GB", "en").await;
    let (mt_reference, _) = file(&s, "mt-late", "MT", "pl").await;
    // Eight weeks and a day: both final-response clocks (GB 56 days, MT 14)
    // have expired unanswered.
    let sweeper = s.resolution.sweeper().clone();
    sweeper.advance(chrono::Duration::days(57));
    assert!(sweeper.run_once().await.unwrap() > 0);

    let english = email_with(&s, &[&gb_reference, "you have the right to refer your complaint"]).await;
    assert!(english.contains("Your right to alternative dispute resolution"), "{english}");
    assert!(english.contains("resolution body: IBAS, https://www.ibas-uk.com."), "{english}");

    let polish = email_with(&s, &[&mt_reference, "masz prawo bezpłatnie skierować reklamację"]).await;
    assert!(
        polish.contains(
            "rozwiązywania sporów: MGA Player Support, https://www.mga.org.mt/support/online-gaming-support/."
        ),
        "{polish}"
    );
    s.shutdown().await;
}

async fn deadline_warnings_reach_the_queue_supervisors_by_email(backend: Backend) {
    let s = Sandbox::start(backend).await;
    // A withdrawal complaint lands in the payments queue; the first answer
    // stops its acknowledge clock and gives the case to the answering agent,
    // who has no address configured, so the queue's supervisors hear.
    let (reference, case) = file(&s, "pl-warn", "PL", "pl").await;
    s.resolution()
        .respond_to_player(authed(
            RespondToPlayerRequest {
                name: case.clone(),
                request_id: "respond".into(),
                body: "Sprawdzamy wypłatę.".into(),
                ..Default::default()
            },
            &s.token(&[Role::Agent]),
        ))
        .await
        .unwrap();
    let sweeper = s.resolution.sweeper().clone();
    // 11 of the 14 Polish days: past 75 % of the final-response clock.
    sweeper.advance(chrono::Duration::days(11));
    sweeper.run_once().await.unwrap();
    // Staff read English unless `staff_notifications.language_code` says otherwise.
    let warning = email_with(&s, &[redress_e2e::PAYMENTS_SUPERVISOR, &reference, "Deadline near (75 %)"]).await;
    assert!(warning.contains("75 % of the time for the final response of complaint"), "{warning}");
    // Past the deadline: the breach escalates, so the escalation queue hears.
    sweeper.advance(chrono::Duration::days(4));
    sweeper.run_once().await.unwrap();
    let breach = email_with(&s, &[redress_e2e::ESCALATIONS_SUPERVISOR, &reference, "Deadline missed"]).await;
    assert!(breach.contains("The final response deadline of complaint"), "{breach}");
    s.shutdown().await;
}

/// Every notification of the tenant as a caller with `role` reads them,
/// through List and through Get.
async fn staff_view(s: &Sandbox, role: Role) -> Vec<Notification> {
    let token = s.token(&[role]);
    let listed = s
        .notification()
        .list_notifications(authed(ListNotificationsRequest { page_size: 1000, ..Default::default() }, &token))
        .await
        .unwrap()
        .into_inner()
        .notifications;
    let mut all = listed.clone();
    for n in &listed {
        let got = s
            .notification()
            .get_notification(authed(GetNotificationRequest { name: n.name.clone() }, &token))
            .await
            .unwrap()
            .into_inner()
            .notification
            .unwrap();
        all.push(got);
    }
    all
}

async fn only_the_players_inbox_holds_the_survey_token(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let (reference, case) = file(&s, "survey", "GB", "en").await;
    reject(&s, &case).await;
    let invitation = email_with(&s, &[&reference, "please tell us in two minutes"]).await;
    let at = invitation.find("token=").expect("the invitation carries the survey link") + "token=".len();
    let token: String =
        invitation[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    assert!(token.len() >= 16, "token {token:?}");

    for role in [Role::Agent, Role::Supervisor, Role::Analyst, Role::Backend, Role::Admin] {
        let seen = staff_view(&s, role).await;
        let survey: Vec<&Notification> =
            seen.iter().filter(|n| n.event() == NotificationEvent::SurveyInvitation).collect();
        assert_eq!(survey.len(), 2, "{role:?} lists and gets the invitation");
        for n in &seen {
            assert!(!n.variables.contains_key("survey_token") && !n.variables.contains_key("survey_url"), "{n:?}");
            let text = format!("{:?}", n);
            assert!(!text.contains(&token), "{role:?} can read the token in {}", n.name);
        }
        for n in survey {
            let rendered = n.rendered.as_ref().expect("rendered");
            assert!(rendered.body_text.contains("[redacted]"), "{}", rendered.body_text);
            assert!(rendered.body_html.contains("[redacted]"), "{}", rendered.body_html);
        }
    }
    s.shutdown().await;
}

redress_e2e::on_both_backends!(
    a_rejected_complaint_names_the_adr_body_in_english_and_polish,
    an_expired_final_response_clock_tells_the_player_of_adr_in_english_and_polish,
    only_the_players_inbox_holds_the_survey_token,
    deadline_warnings_reach_the_queue_supervisors_by_email,
);
