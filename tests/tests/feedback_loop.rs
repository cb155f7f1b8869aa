//! The monitoring half of the handling loop, every service real: a resolved
//! complaint produces a survey invitation e-mail; the player's poor answer,
//! given with the token from that e-mail, changes the insights and flags the
//! case back to resolution; and a burst of withdrawal complaints about one
//! payment method shows up as a recurring problem with an alert e-mail to the
//! casino's operations contact.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use redress_auth::Role;
use redress_e2e::{OPERATIONS_CONTACT, Sandbox};
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome, Player, RootCause, TransactionReferences},
    feedback::v1::{
        GetInsightsRequest, GetSurveyRequest, ListRecurringProblemsRequest, SubmitSurveyResponseRequest, SurveyAnswer,
        TimeWindow, survey_answer::ProblemSolved,
    },
    intake::v1::SubmitComplaintRequest,
    resolution::v1::{GetCaseRequest, ListCasesRequest, ResolveCaseRequest},
};
use redress_testkit::{Backend, authed, eventually};

const WAIT: Duration = Duration::from_secs(25);

fn complaint(i: usize, payment_method: &str) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: format!("fb-{i}"),
        player: Some(Player {
            player_id: format!("player-{i}"),
            display_name: "Sam".into(),
            email: format!("sam{i}@example.co.uk"),
            language_code: "en".into(),
            jurisdiction: "GB".into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: format!("W-{i}"),
            payment_method: payment_method.into(),
            ..Default::default()
        }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: "Withdrawal not received".into(),
        description: "My withdrawal has been pending for a week.".into(),
        channel: Channel::Email.into(),
        ..Default::default()
    }
}

fn window() -> TimeWindow {
    let now = chrono::Utc::now().timestamp();
    TimeWindow {
        start_time: Some(prost_types::Timestamp { seconds: now - 3 * 86_400, nanos: 0 }),
        end_time: Some(prost_types::Timestamp { seconds: now + 3600, nanos: 0 }),
    }
}

/// The survey token from an invitation e-mail (`…?token=<base64url>`).
fn survey_token(emails: &[String]) -> Option<String> {
    emails.iter().find_map(|m| {
        let unfolded = m.replace("=\r\n", "").replace("=3D", "=");
        let at = unfolded.find("token=")? + "token=".len();
        let token: String =
            unfolded[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
        (!token.is_empty()).then_some(token)
    })
}

async fn the_player_is_asked_and_a_poor_answer_comes_back_to_the_case(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let casino = s.token(&[Role::Backend]);
    let agent = s.token(&[Role::Agent]);
    let analyst = s.token(&[Role::Analyst]);

    let filed = s.intake().submit_complaint(authed(complaint(0, "visa"), &casino)).await.unwrap().into_inner();
    let complaint_name = filed.complaint.unwrap().name;
    let find_case = || async {
        s.resolution()
            .list_cases(authed(ListCasesRequest { complaint: complaint_name.clone(), ..Default::default() }, &agent))
            .await
            .ok()
            .and_then(|r| r.into_inner().cases.into_iter().next())
    };
    assert!(eventually(WAIT, || async { find_case().await.is_some() }).await, "no case opened");
    let case = find_case().await.unwrap();
    // A UK final response names the ADR body.
    s.resolution()
        .resolve_case(authed(
            ResolveCaseRequest {
                name: case.name.clone(),
                request_id: "resolve".into(),
                outcome: Outcome::NotUpheld.into(),
                root_cause: RootCause::Policy.into(),
                final_response: "The withdrawal was held for a routine check and has now been paid.".into(),
                adr_body: "IBAS".into(),
                etag: case.etag.clone(),
                ..Default::default()
            },
            &agent,
        ))
        .await
        .unwrap();

    // The invitation reaches the player by e-mail; its link carries the token.
    assert!(eventually(WAIT, || async { survey_token(&s.emails()).is_some() }).await, "no survey invitation");
    let token = survey_token(&s.emails()).unwrap();
    let survey = s.feedback().get_survey(authed(GetSurveyRequest { token: token.clone() }, &casino)).await.unwrap();
    assert!(survey.into_inner().survey.is_some());

    // The player is not happy.
    let answer = SurveyAnswer {
        csat: 1,
        problem_solved: ProblemSolved::No.into(),
        fairness: 2,
        comment: "Took far too long.".into(),
        ..Default::default()
    };
    s.feedback()
        .submit_survey_response(authed(
            SubmitSurveyResponseRequest {
                token: token.clone(),
                request_id: "answer-1".into(),
                answer: Some(answer.clone()),
            },
            &casino,
        ))
        .await
        .unwrap();
    // The token is single-use.
    let again = s
        .feedback()
        .submit_survey_response(authed(
            SubmitSurveyResponseRequest { token, request_id: "answer-2".into(), answer: Some(answer) },
            &casino,
        ))
        .await
        .unwrap_err();
    assert_eq!(again.code(), tonic::Code::FailedPrecondition);

    // The answer changes the insights…
    let rated = eventually(WAIT, || async {
        s.feedback()
            .get_insights(authed(GetInsightsRequest { window: Some(window()), ..Default::default() }, &analyst))
            .await
            .ok()
            .and_then(|r| r.into_inner().total)
            .and_then(|t| t.satisfaction)
            .is_some_and(|sat| sat.csat_count == 1 && sat.csat_average == 1.0 && sat.not_solved_count == 1)
    })
    .await;
    assert!(rated, "the survey answer did not reach the insights");
    // …and flags the case for a call-back.
    let flagged = eventually(WAIT, || async {
        s.resolution()
            .get_case(authed(GetCaseRequest { name: case.name.clone() }, &agent))
            .await
            .ok()
            .and_then(|r| r.into_inner().case)
            .is_some_and(|c| c.follow_up_pending)
    })
    .await;
    assert!(flagged, "the poor answer did not flag the case in resolution");
    s.shutdown().await;
}

async fn a_spike_of_withdrawal_complaints_for_one_payment_method_raises_an_alert(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let casino = s.token(&[Role::Backend]);
    let analyst = s.token(&[Role::Analyst]);
    for i in 0..6 {
        s.intake().submit_complaint(authed(complaint(i, "paysafe"), &casino)).await.unwrap();
    }
    s.intake().submit_complaint(authed(complaint(100, "visa"), &casino)).await.unwrap();

    let list = || async {
        s.feedback()
            .list_recurring_problems(authed(
                ListRecurringProblemsRequest { window: Some(window()), ..Default::default() },
                &analyst,
            ))
            .await
            .map(|r| r.into_inner().recurring_problems)
            .unwrap_or_default()
    };
    let found =
        eventually(WAIT, || async { list().await.iter().any(|p| p.reference == "paysafe" && p.count == 6) }).await;
    let problems = list().await;
    assert!(found, "no recurring problem for paysafe: {problems:?}");
    let paysafe = problems.iter().find(|p| p.reference == "paysafe").unwrap();
    assert_eq!(paysafe.category(), ComplaintCategory::Withdrawal);
    assert!(paysafe.spike, "six against none before is a spike");
    assert!(!problems.iter().any(|p| p.reference == "visa"), "one complaint is not a recurring problem");

    // The spike watch (not the read) alerts the operations contact.
    assert_eq!(s.feedback.spikes().run_once(chrono::Utc::now()).await.unwrap(), 1);
    let alerted = eventually(WAIT, || async { s.emails().iter().any(|m| m.contains(OPERATIONS_CONTACT)) }).await;
    assert!(alerted, "no alert e-mail to the operations contact");
    s.shutdown().await;
}

redress_e2e::on_both_backends!(
    the_player_is_asked_and_a_poor_answer_comes_back_to_the_case,
    a_spike_of_withdrawal_complaints_for_one_payment_method_raises_an_alert,
);
