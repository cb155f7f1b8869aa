//! Signed webhooks to the casino backend for chat, in-app and SMS players.

use std::time::Duration;

use redress_auth::Role;
use redress_proto::{
    common::v1::Channel,
    notification::v1::{
        GetNotificationRequest, ListDeliveryAttemptsRequest, delivery_attempt,
        notification::{DeadLetterReason, State},
    },
};
use redress_testkit::{TestDb, backend_tests};
use sha2::{Digest, Sha256};

use crate::{
    helpers::{TestNotification, complaint_received, config, free_port, player, with_webhook},
    webhook::Receiver,
};

async fn a_live_chat_player_is_reached_by_a_signed_webhook(db: TestDb) {
    let receiver = Receiver::start(crate::helpers::WEBHOOK_SECRET).await;
    receiver.fail_next(&[503]);
    let mut t = TestNotification::start(with_webhook(config(&db, free_port()), receiver.url())).await;
    let req = complaint_received("k-chat", player("p-1", "Anna", "pl", Channel::LiveChat));
    let n = t.internal.send_notification(t.svc(req)).await.unwrap().into_inner().notification.unwrap();
    assert_eq!(n.channel(), Channel::LiveChat);
    let n = t.wait_for(&n.name, State::Delivered, Duration::from_secs(10)).await;

    let hooks = receiver.accepted();
    assert_eq!(hooks.len(), 1);
    assert_eq!(receiver.rejected_signatures(), 0, "every attempt was signed correctly");
    let hook = &hooks[0];
    assert_eq!(hook.notification, n.name);
    assert_eq!(hook.attempt, "2", "the 503 was retried");
    let body = hook.json();
    assert_eq!(body["notification"], n.name.as_str());
    assert_eq!(body["event"], "NOTIFICATION_EVENT_COMPLAINT_RECEIVED");
    assert_eq!(body["channel"], "CHANNEL_LIVE_CHAT");
    assert_eq!(body["locale"], "pl");
    assert_eq!(body["recipient"]["playerId"], "p-1");
    assert_eq!(body["complaintReference"], "RDR-2026-000123");
    assert_eq!(body["attemptNumber"], 2);
    assert!(body["message"]["bodyText"].as_str().unwrap().contains("RDR-2026-000123"));

    let proof = n.delivery.unwrap();
    assert_eq!(proof.channel(), Channel::LiveChat);
    assert_eq!(proof.provider_message_id, "chat-2");
    assert_eq!(proof.destination, receiver.url());
    assert_eq!(proof.content_sha256, hex::encode(Sha256::digest(&hook.body)));
    let attempts = t
        .public
        .list_delivery_attempts(
            t.as_role(Role::Agent, ListDeliveryAttemptsRequest { parent: n.name.clone(), ..Default::default() }),
        )
        .await
        .unwrap()
        .into_inner()
        .attempts;
    assert_eq!(attempts[0].provider_status_code, 503);
    assert_eq!(attempts[0].result(), delivery_attempt::Result::TransientFailure);
    assert_eq!(attempts[1].provider_status_code, 200);
    t.service.shutdown().await;
}

async fn a_wrong_secret_is_rejected_by_the_receiver(db: TestDb) {
    let receiver = Receiver::start("another-secret").await;
    let mut cfg = with_webhook(config(&db, free_port()), receiver.url());
    cfg.delivery.max_attempts = 2;
    let mut t = TestNotification::start(cfg).await;
    let req = complaint_received("k-sms", player("p-1", "Anna", "en", Channel::Sms));
    let n = t.internal.send_notification(t.svc(req)).await.unwrap().into_inner().notification.unwrap();
    let dead = t.wait_for(&n.name, State::DeadLetter, Duration::from_secs(10)).await;
    assert_eq!(dead.dead_letter_reason(), DeadLetterReason::AttemptsExhausted);
    assert_eq!(receiver.rejected_signatures(), 2);
    assert!(receiver.accepted().is_empty());
    assert_eq!(dead.last_attempt.unwrap().provider_status_code, 401);
    t.service.shutdown().await;
}

async fn without_an_endpoint_a_webhook_notification_is_a_dead_letter(db: TestDb) {
    let mut t = TestNotification::start(config(&db, free_port())).await;
    let mut p = player("p-1", "Anna", "en", Channel::InApp);
    p.email.clear();
    let n = t.internal.send_notification(t.svc(complaint_received("k-1", p))).await.unwrap().into_inner();
    let name = n.notification.unwrap().name;
    let dead = t.wait_for(&name, State::DeadLetter, Duration::from_secs(10)).await;
    assert_eq!(dead.dead_letter_reason(), DeadLetterReason::NoDestination);
    assert_eq!(dead.attempt_count, 0);
    let got = t.public.get_notification(t.as_role(Role::Agent, GetNotificationRequest { name })).await.unwrap();
    assert_eq!(got.into_inner().notification.unwrap().state(), State::DeadLetter);
    t.service.shutdown().await;
}

backend_tests!(
    a_live_chat_player_is_reached_by_a_signed_webhook,
    a_wrong_secret_is_rejected_by_the_receiver,
    without_an_endpoint_a_webhook_notification_is_a_dead_letter,
);
