//! The player's story, every service real: a player complains by e-mail and
//! then on live chat; GetPlayerStory shows both complaints newest first, each
//! with its interactions in time order, its case and events, the
//! notifications with their delivery, and the survey of the resolved one —
//! read from each owning service as the caller, so a backend (which may not
//! read case events) gets the story with that part named as missing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use redress_auth::Role;
use redress_e2e::Sandbox;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome, Player, RootCause, TransactionReferences},
    intake::v1::{
        AddPlayerMessageRequest, GetPlayerStoryRequest, GetPlayerStoryResponse, MissingPart, SubmitComplaintRequest,
        interaction::Kind,
    },
    notification::v1::notification::State as NotificationState,
    resolution::v1::ResolveCaseRequest,
};
use redress_testkit::{Backend, authed, eventually};
use tonic::Code;

const WAIT: Duration = Duration::from_secs(25);

fn complaint(i: usize, channel: Channel, category: ComplaintCategory) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: format!("story-{i}"),
        player: Some(Player {
            player_id: "player-ola".into(),
            display_name: "Ola".into(),
            email: "ola@example.pl".into(),
            language_code: "pl".into(),
            jurisdiction: "PL".into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: format!("W-{i}"),
            deposit_id: format!("D-{i}"),
            ..Default::default()
        }),
        category: category.into(),
        subject: format!("Problem {i}"),
        description: "Money missing from my account.".into(),
        channel: channel.into(),
        ..Default::default()
    }
}

async fn story(s: &Sandbox, token: &str) -> GetPlayerStoryResponse {
    let request = GetPlayerStoryRequest { player_id: "player-ola".into(), ..Default::default() };
    s.intake().get_player_story(authed(request, token)).await.unwrap().into_inner()
}

async fn the_player_view_shows_two_complaints_on_two_channels_in_order(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let casino = s.token(&[Role::Backend]);
    let agent = s.token(&[Role::Agent]);

    let by_email = complaint(1, Channel::Email, ComplaintCategory::Withdrawal);
    let first = s.intake().submit_complaint(authed(by_email, &casino)).await.unwrap().into_inner().complaint.unwrap();
    let on_chat = complaint(2, Channel::LiveChat, ComplaintCategory::Deposit);
    let second = s.intake().submit_complaint(authed(on_chat, &casino)).await.unwrap().into_inner().complaint.unwrap();
    let message = AddPlayerMessageRequest {
        parent: second.name.clone(),
        request_id: "chat-2".into(),
        channel: Channel::LiveChat.into(),
        body: "Any news?".into(),
    };
    s.intake().add_player_message(authed(message, &casino)).await.unwrap();

    // Both cases open in resolution; the first is resolved.
    let opened = || async { story(&s, &agent).await.complaints.iter().all(|c| c.case.is_some()) };
    assert!(eventually(WAIT, opened).await, "the cases never opened");
    let view = story(&s, &agent).await;
    let case = view.complaints[1].case.clone().unwrap();
    let resolve = ResolveCaseRequest {
        name: case.name.clone(),
        request_id: "resolve-1".into(),
        outcome: Outcome::Upheld.into(),
        root_cause: RootCause::PaymentProviderFailure.into(),
        final_response: "The withdrawal was paid today.".into(),
        etag: case.etag.clone(),
        ..Default::default()
    };
    s.resolution().resolve_case(authed(resolve, &agent)).await.unwrap();
    let settled = || async {
        let view = story(&s, &agent).await;
        let resolved = &view.complaints[1];
        // Intake hears of the final response through resolution's outbox.
        resolved.survey.is_some()
            && resolved.interactions.iter().any(|i| i.kind() == Kind::AgentMessage)
            && resolved.notifications.len() >= 2
            && resolved.notifications.iter().all(|n| n.state() == NotificationState::Delivered)
    };
    assert!(eventually(WAIT, settled).await, "the resolution never reached intake, notification and feedback");

    let view = story(&s, &agent).await;
    assert!(view.missing_parts.is_empty(), "{:?}", view.missing_parts);
    assert!(view.next_page_token.is_empty());
    let names: Vec<_> = view.complaints.iter().map(|c| c.complaint.as_ref().unwrap().name.clone()).collect();
    assert_eq!(names, [second.name.clone(), first.name.clone()], "newest complaint first");

    let chat = &view.complaints[0];
    let kinds: Vec<_> = chat.interactions.iter().map(|i| (i.kind(), i.channel())).collect();
    assert_eq!(kinds[0], (Kind::ComplaintFiled, Channel::LiveChat));
    assert!(kinds.contains(&(Kind::PlayerMessage, Channel::LiveChat)), "{kinds:?}");
    for story in &view.complaints {
        let times: Vec<_> = story.interactions.iter().map(|i| i.create_time.unwrap()).collect();
        assert!(times.windows(2).all(|w| (w[0].seconds, w[0].nanos) <= (w[1].seconds, w[1].nanos)), "{times:?}");
        let events: Vec<_> = story.case_events.iter().map(|e| e.sequence).collect();
        assert!(!events.is_empty() && events.windows(2).all(|w| w[0] < w[1]), "{events:?} {:?}", story.case);
    }

    let email = &view.complaints[1];
    assert_eq!(email.interactions[0].channel(), Channel::Email);
    assert_eq!(email.case.as_ref().unwrap().outcome(), Outcome::Upheld);
    assert!(email.interactions.iter().any(|i| i.kind() == Kind::AgentMessage), "the final response is in the story");
    let delivered = &email.notifications[0];
    assert!(delivered.delivery.as_ref().is_some_and(|d| !d.content_sha256.is_empty()), "{delivered:?}");
    assert_eq!(email.survey.as_ref().unwrap().case, case.name);
    assert_eq!(view.risk.unwrap().recent_complaint_count, 2);

    // The backend may not read case events: the story says so, and still
    // holds everything else.
    let seen_by_backend = story(&s, &casino).await;
    let denied = MissingPart { part: "case_events".into(), reason: "PERMISSION_DENIED".into() };
    assert_eq!(seen_by_backend.missing_parts, [denied]);
    assert!(seen_by_backend.complaints.iter().all(|c| c.case.is_some() && c.case_events.is_empty()));
    assert!(seen_by_backend.complaints[1].survey.is_some());

    let empty = GetPlayerStoryRequest::default();
    assert_eq!(s.intake().get_player_story(authed(empty, &agent)).await.unwrap_err().code(), Code::InvalidArgument);
    s.shutdown().await;
}

redress_e2e::on_both_backends!(the_player_view_shows_two_complaints_on_two_channels_in_order);
