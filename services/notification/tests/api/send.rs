//! SendNotification and the reads: idempotency on the dedupe key,
//! suppression decided at acceptance, validation, roles, tenancy, listing.

use std::time::Duration;

use redress_auth::Role;
use redress_proto::{
    common::v1::Channel,
    notification::v1::{
        ErasePlayerRecordsRequest, GetNotificationRequest, ListNotificationsRequest, MessagePurpose, NotificationEvent,
        notification::{State, SuppressionReason},
    },
};
use redress_testkit::{TestDb, authed, backend_tests, token};
use tonic::Code;
use tonic_types::StatusExt;

use crate::{
    helpers::{OTHER_TENANT, TestNotification, complaint_received, config, player},
    smtp::SmtpServer,
};

async fn the_same_dedupe_key_replays_and_a_different_payload_is_refused(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    let request = complaint_received("outbox-1", player("p-1", "Anna", "pl", Channel::Email));
    let first = t.internal.send_notification(t.svc(request.clone())).await.unwrap().into_inner();
    assert!(!first.replayed);
    let n = first.notification.unwrap();
    assert_eq!(n.state(), State::Pending);
    assert_eq!(n.channel(), Channel::Email);
    assert_eq!(n.dedupe_key, "outbox-1");

    let again = t.internal.send_notification(t.svc(request.clone())).await.unwrap().into_inner();
    assert!(again.replayed);
    assert_eq!(again.notification.unwrap().name, n.name);

    let mut changed = request.clone();
    changed.variables.insert("complaint_subject".into(), "something else".into());
    let err = t.internal.send_notification(t.svc(changed)).await.unwrap_err();
    assert_eq!(err.code(), Code::AlreadyExists);
    assert_eq!(err.get_details_error_info().unwrap().reason, "IDEMPOTENCY_KEY_REUSED");

    let delivered = t.wait_for(&n.name, State::Delivered, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 1, "one e-mail per dedupe key");
    assert_eq!(delivered.attempt_count, 1);
    t.service.shutdown().await;
}

async fn concurrent_twins_with_one_dedupe_key_make_one_notification(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    let request = complaint_received("twin", player("p-1", "Anna", "pl", Channel::Email));
    let mut calls = Vec::new();
    for _ in 0..6 {
        let mut client = t.internal.clone();
        let req = t.svc(request.clone());
        calls.push(tokio::spawn(async move { client.send_notification(req).await }));
    }
    let mut names = std::collections::HashSet::new();
    for call in calls {
        names.insert(call.await.unwrap().unwrap().into_inner().notification.unwrap().name);
    }
    assert_eq!(names.len(), 1);
    let name = names.into_iter().next().unwrap();
    t.wait_for(&name, State::Delivered, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 1);
    t.service.shutdown().await;
}

async fn surveys_to_vulnerable_players_are_suppressed_and_legal_messages_still_sent(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    let mut excluded = player("p-x", "Ola", "pl", Channel::Email);
    excluded.self_excluded = true;
    excluded.at_risk = true;
    let mut survey = complaint_received("survey-1", excluded.clone());
    survey.event = NotificationEvent::SurveyInvitation.into();
    // The caller calls it a service message; a survey is a survey.
    survey.purpose = MessagePurpose::Service.into();
    survey.variables.insert("survey_url".into(), "https://survey.example/s/1".into());
    let s = t.internal.send_notification(t.svc(survey)).await.unwrap().into_inner().notification.unwrap();
    assert_eq!(s.state(), State::Suppressed);
    assert_eq!(s.suppression_reason(), SuppressionReason::SelfExcluded);
    assert_eq!(s.purpose(), MessagePurpose::Survey);

    let mut at_risk = player("p-r", "Jan", "pl", Channel::Email);
    at_risk.at_risk = true;
    let mut promo = complaint_received("promo-1", at_risk);
    promo.event = NotificationEvent::AgentMessage.into();
    promo.purpose = MessagePurpose::Promotional.into();
    let p = t.internal.send_notification(t.svc(promo)).await.unwrap().into_inner().notification.unwrap();
    assert_eq!(p.state(), State::Suppressed);
    assert_eq!(p.suppression_reason(), SuppressionReason::AtRisk);

    let legal = t
        .internal
        .send_notification(t.svc(complaint_received("legal-1", excluded)))
        .await
        .unwrap()
        .into_inner()
        .notification
        .unwrap();
    t.wait_for(&legal.name, State::Delivered, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 1, "only the legally required message went out");
    let suppressed = t.get(&s.name).await;
    assert_eq!(suppressed.state(), State::Suppressed);
    assert_eq!(suppressed.attempt_count, 0);
    assert!(suppressed.rendered.is_none());
    t.service.shutdown().await;
}

async fn bad_requests_roles_and_other_tenants_are_refused(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    let mut bad = complaint_received("", player("", "", "not a tag!", Channel::Email));
    bad.event = 0;
    bad.purpose = 0;
    bad.variables.insert("Bad-Key".into(), "x".into());
    let err = t.internal.send_notification(t.svc(bad)).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let fields: Vec<String> =
        err.get_details_bad_request().unwrap().field_violations.into_iter().map(|v| v.field).collect();
    for field in ["dedupe_key", "event", "purpose", "recipient.player_id", "recipient.language_code"] {
        assert!(fields.iter().any(|f| f == field), "{field} missing in {fields:?}");
    }
    assert!(fields.iter().any(|f| f.starts_with("variables[")), "{fields:?}");

    let request = complaint_received("k-1", player("p-1", "Anna", "en", Channel::Email));
    let err = t.internal.send_notification(t.as_role(Role::Backend, request.clone())).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);

    let n = t.internal.send_notification(t.svc(request)).await.unwrap().into_inner().notification.unwrap();
    let foreign = authed(GetNotificationRequest { name: n.name.clone() }, &token(OTHER_TENANT, &[Role::Admin]));
    assert_eq!(t.public.get_notification(foreign).await.unwrap_err().code(), Code::NotFound);
    let list = authed(ListNotificationsRequest::default(), &token(OTHER_TENANT, &[Role::Admin]));
    assert!(t.public.list_notifications(list).await.unwrap().into_inner().notifications.is_empty());
    t.service.shutdown().await;
}

async fn lists_filter_by_complaint_and_state_and_page_with_signed_tokens(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    let mut names = Vec::new();
    for i in 0..5 {
        let mut req = complaint_received(&format!("k-{i}"), player(&format!("p-{i}"), "A", "en", Channel::Email));
        if i == 4 {
            req.complaint = "complaints/other".into();
        }
        names.push(t.internal.send_notification(t.svc(req)).await.unwrap().into_inner().notification.unwrap().name);
    }
    let filter = ListNotificationsRequest {
        complaint: "complaints/0190aaaa-0000-7000-8000-000000000001".into(),
        page_size: 3,
        ..Default::default()
    };
    let first = t.public.list_notifications(t.as_role(Role::Agent, filter.clone())).await.unwrap().into_inner();
    assert_eq!(first.notifications.len(), 3);
    assert_eq!(first.notifications[0].name, names[3], "newest first");
    assert!(!first.next_page_token.is_empty());
    let mut next = filter.clone();
    next.page_token = first.next_page_token.clone();
    let second = t.public.list_notifications(t.as_role(Role::Agent, next)).await.unwrap().into_inner();
    assert_eq!(second.notifications.len(), 1);
    assert!(second.next_page_token.is_empty());

    // A token is bound to its filters.
    let mut other = filter.clone();
    other.complaint = "complaints/other".into();
    other.page_token = first.next_page_token;
    let err = t.public.list_notifications(t.as_role(Role::Agent, other)).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);

    for name in &names {
        t.wait_for(name, State::Delivered, Duration::from_secs(10)).await;
    }
    let delivered = ListNotificationsRequest { states: vec![State::Delivered.into()], ..Default::default() };
    let all = t.public.list_notifications(t.as_role(Role::Agent, delivered)).await.unwrap().into_inner();
    assert_eq!(all.notifications.len(), 5);
    let dead = ListNotificationsRequest { states: vec![State::DeadLetter.into()], ..Default::default() };
    assert!(
        t.public.list_notifications(t.as_role(Role::Agent, dead)).await.unwrap().into_inner().notifications.is_empty()
    );
    t.service.shutdown().await;
}

/// Deliveries are not ordered: a message about a complaint can arrive after
/// the complaint's erasure did. It is kept as the record that it was not
/// sent, without the recipient's name, address or variables.
async fn a_message_arriving_after_its_complaints_erasure_is_suppressed_and_holds_nothing_personal(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    let late = complaint_received("late-1", player("p-erased", "Ann CANARY", "en", Channel::Email));
    let erasure = ErasePlayerRecordsRequest {
        erasure: "erasures/e-1".into(),
        player_id: "p-erased".into(),
        complaints: vec![late.complaint.clone()],
        all_records: false,
    };
    assert_eq!(t.internal.erase_player_records(t.svc(erasure)).await.unwrap().into_inner().erased_count, 0);

    let n = t.internal.send_notification(t.svc(late)).await.unwrap().into_inner().notification.unwrap();
    assert_eq!((n.state(), n.suppression_reason()), (State::Suppressed, SuppressionReason::PlayerDataErased));
    let stored = t.get(&n.name).await;
    let recipient = stored.recipient.clone().unwrap();
    assert_eq!(recipient.player_id, "p-erased");
    assert!(recipient.display_name.is_empty() && recipient.email.is_empty(), "{recipient:?}");
    assert!(stored.variables.is_empty() && stored.rendered.is_none(), "{stored:?}");

    // Another complaint's message goes out as always, and only it.
    let mut other = complaint_received("kept-1", player("p-kept", "Bo", "en", Channel::Email));
    other.complaint = "complaints/0190aaaa-0000-7000-8000-000000000002".into();
    let sent = t.internal.send_notification(t.svc(other)).await.unwrap().into_inner().notification.unwrap();
    t.wait_for(&sent.name, State::Delivered, Duration::from_secs(10)).await;
    assert_eq!(smtp.received().len(), 1);
    assert_eq!(t.get(&n.name).await.attempt_count, 0);
    t.service.shutdown().await;
}

backend_tests!(
    a_message_arriving_after_its_complaints_erasure_is_suppressed_and_holds_nothing_personal,
    the_same_dedupe_key_replays_and_a_different_payload_is_refused,
    concurrent_twins_with_one_dedupe_key_make_one_notification,
    surveys_to_vulnerable_players_are_suppressed_and_legal_messages_still_sent,
    bad_requests_roles_and_other_tenants_are_refused,
    lists_filter_by_complaint_and_state_and_page_with_signed_tokens,
);
