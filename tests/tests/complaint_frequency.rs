//! Complaint frequency as a harm marker, every service real: with the shipped
//! policy (4 complaints in 30 days), a player's fourth complaint marks them at
//! risk, its case goes to the responsible-gambling queue, and when it is
//! resolved no survey is sent, while the third complaint's case went to its
//! usual queue and its resolution did invite the player.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use redress_auth::Role;
use redress_e2e::{Sandbox, TENANT};
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome, Player, RootCause, TransactionReferences},
    feedback::v1::survey::State,
    intake::v1::{Complaint, SubmitComplaintRequest},
    resolution::v1::{Case, ListCasesRequest, ResolveCaseRequest},
};
use redress_testkit::{Backend, authed, eventually};

const WAIT: Duration = Duration::from_secs(25);
const PLAYER_EMAIL: &str = "kim@example.co.uk";

fn complaint(i: usize, channel: Channel) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: format!("freq-{i}"),
        player: Some(Player {
            player_id: "player-kim".into(),
            display_name: "Kim".into(),
            email: PLAYER_EMAIL.into(),
            language_code: "en".into(),
            jurisdiction: "GB".into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: format!("W-{i}"),
            payment_method: "visa".into(),
            ..Default::default()
        }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: format!("Withdrawal {i} not received"),
        description: "My withdrawal has been pending for a week.".into(),
        channel: channel.into(),
        ..Default::default()
    }
}

async fn case_of(s: &Sandbox, agent: &str, complaint: &Complaint) -> Case {
    let find = || async {
        s.resolution()
            .list_cases(authed(ListCasesRequest { complaint: complaint.name.clone(), ..Default::default() }, agent))
            .await
            .ok()
            .and_then(|r| r.into_inner().cases.into_iter().next())
    };
    assert!(eventually(WAIT, || async { find().await.is_some() }).await, "no case for {}", complaint.name);
    find().await.unwrap()
}

async fn resolve(s: &Sandbox, agent: &str, case: &Case) {
    let request = ResolveCaseRequest {
        name: case.name.clone(),
        request_id: format!("resolve-{}", case.name),
        outcome: Outcome::NotUpheld.into(),
        root_cause: RootCause::Policy.into(),
        final_response: "The withdrawal was held for a routine check and has now been paid.".into(),
        adr_body: "IBAS".into(),
        etag: case.etag.clone(),
        ..Default::default()
    };
    s.resolution().resolve_case(authed(request, agent)).await.unwrap();
}

/// The state of the case's survey, once feedback has heard of its outcome.
async fn survey_state(s: &Sandbox, case: &Case) -> Option<State> {
    let survey = redress_feedback::store::find_survey_by_case(s.feedback.db(), TENANT, &case.name).await.unwrap();
    survey.map(|row| row.state.get())
}

async fn the_fourth_complaint_in_the_window_marks_the_player_at_risk(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let casino = s.token(&[Role::Backend]);
    let agent = s.token(&[Role::Agent]);

    let channels = [Channel::Email, Channel::LiveChat, Channel::Email, Channel::LiveChat];
    let mut filed = Vec::new();
    for (i, channel) in channels.into_iter().enumerate() {
        let response = s.intake().submit_complaint(authed(complaint(i, channel), &casino)).await.unwrap();
        filed.push(response.into_inner().complaint.unwrap());
    }
    for earlier in &filed[..3] {
        assert!(!earlier.responsible_gambling, "{earlier:?}");
        assert!(!earlier.harm_indicators.contains(&"complaint_frequency".to_owned()));
        assert!(!earlier.player.as_ref().unwrap().at_risk);
    }
    let fourth = &filed[3];
    assert!(fourth.responsible_gambling);
    assert_eq!(fourth.harm_indicators, ["complaint_frequency"]);
    assert!(fourth.player.as_ref().unwrap().at_risk, "the player is marked at risk");

    let third = case_of(&s, &agent, &filed[2]).await;
    assert_eq!(third.queue, "payments");
    let case = case_of(&s, &agent, fourth).await;
    assert_eq!(case.queue, "responsible-gambling");
    assert!(case.responsible_gambling);

    // The third complaint's resolution invites the player; the fourth's
    // survey is suppressed: no token, no invitation.
    for resolved in [&third, &case] {
        resolve(&s, &agent, resolved).await;
        let heard = eventually(WAIT, || async { survey_state(&s, resolved).await.is_some() }).await;
        assert!(heard, "feedback never heard of {}'s outcome", resolved.name);
    }
    assert_eq!(survey_state(&s, &third).await, Some(State::Open));
    assert_eq!(survey_state(&s, &case).await, Some(State::Suppressed), "no survey for the player at risk");
    s.shutdown().await;
}

macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    redress_testkit::init_test_logging();
                    super::$name(redress_testkit::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if redress_testkit::postgres_skipped() {
                        eprintln!("SKIPPED (REDRESS_TEST_POSTGRES=skip): {}", stringify!($name));
                        return;
                    }
                    redress_testkit::init_test_logging();
                    super::$name(redress_testkit::Backend::Postgres).await;
                }
            )+
        }
    };
}

on_both_backends!(the_fourth_complaint_in_the_window_marks_the_player_at_risk);
