//! Delivery over a real SMTP server: language, proof, retries, dead letters
//! and redrive, a crash mid-delivery, hostile text, the file transport.

use std::time::Duration;

use redress_auth::Role;
use redress_notification::config::EmailTransport;
use redress_proto::{
    common::v1::Channel,
    notification::v1::{
        ListDeliveryAttemptsRequest, ListNotificationsRequest, NotificationEvent, RedriveNotificationRequest,
        ResendNotificationRequest, Template, UpdateTemplateRequest, delivery_attempt,
        notification::{DeadLetterReason, State},
    },
};
use redress_testkit::{TestDb, backend_tests};
use sha2::{Digest, Sha256};
use tonic::Code;
use tonic_types::StatusExt;

use crate::{
    helpers::{TestNotification, complaint_received, config, free_port, player},
    smtp::{Mode, SmtpServer},
};

async fn a_polish_player_gets_polish_and_an_english_player_english_with_proof(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    let pl = t
        .internal
        .send_notification(t.svc(complaint_received("pl-1", player("p-pl", "Anna", "pl-PL", Channel::Email))))
        .await
        .unwrap()
        .into_inner()
        .notification
        .unwrap();
    let en = t
        .internal
        .send_notification(t.svc(complaint_received("en-1", player("p-en", "John", "en-GB", Channel::Email))))
        .await
        .unwrap()
        .into_inner()
        .notification
        .unwrap();
    let pl = t.wait_for(&pl.name, State::Delivered, Duration::from_secs(10)).await;
    let en = t.wait_for(&en.name, State::Delivered, Duration::from_secs(10)).await;

    assert_eq!(pl.locale, "pl");
    let rendered = pl.rendered.clone().unwrap();
    assert_eq!(rendered.subject, "Otrzymaliśmy Twoją reklamację RDR-2026-000123");
    assert!(rendered.body_text.contains("Dzień dobry Anna"), "{}", rendered.body_text);
    assert!(rendered.body_text.contains("najpóźniej 15.01.2026"), "{}", rendered.body_text);
    assert_eq!(en.locale, "en");
    let rendered = en.rendered.clone().unwrap();
    assert_eq!(rendered.subject, "We have received your complaint RDR-2026-000123");
    assert!(rendered.body_text.contains("no later than 15 January 2026"), "{}", rendered.body_text);
    assert!(rendered.body_html.contains("<strong>RDR-2026-000123</strong>"));

    let received = smtp.received();
    assert_eq!(received.len(), 2, "exactly one e-mail per dedupe key");
    for n in [&pl, &en] {
        let id = n.name.trim_start_matches("notifications/");
        let mail = received.iter().find(|m| m.message_id() == format!("<{id}@notification.redress>")).unwrap();
        assert_eq!(mail.rcpt_to.len(), 1);
        assert!(mail.rcpt_to[0].contains(&n.recipient.clone().unwrap().email));
        let proof = n.delivery.clone().unwrap();
        assert_eq!(proof.channel(), Channel::Email);
        assert_eq!(proof.locale, n.locale);
        assert_eq!(proof.template, n.template);
        assert_eq!(proof.template_version, 1);
        assert!(proof.provider_message_id.starts_with('Q'), "queue id from the 250 reply");
        assert_eq!(proof.content_sha256, hex::encode(Sha256::digest(&mail.data)), "hash of the bytes delivered");
        assert!(proof.accept_time.is_some());
        let last = n.last_attempt.clone().unwrap();
        assert_eq!(last.result(), delivery_attempt::Result::Accepted);
        assert_eq!(last.provider_status_code, 250);
        assert!(last.provider_response.starts_with("250"), "{}", last.provider_response);
    }
    assert!(pl.template.starts_with("templates/builtin-pl-"));
    t.service.shutdown().await;
}

async fn an_smtp_outage_is_retried_until_the_server_is_back(db: TestDb) {
    let port = free_port();
    let mut t = TestNotification::start(config(&db, port)).await;
    let n = t
        .internal
        .send_notification(t.svc(complaint_received("k-1", player("p-1", "Anna", "pl", Channel::Email))))
        .await
        .unwrap()
        .into_inner()
        .notification
        .unwrap();
    // Nothing listens: every attempt fails to connect.
    let retrying = t.wait_for(&n.name, State::Retrying, Duration::from_secs(10)).await;
    assert!(retrying.next_attempt_time.is_some());
    assert!(
        redress_testkit::eventually(Duration::from_secs(10), || {
            let mut client = t.public.clone();
            let req = t.as_role(Role::Agent, redress_proto::notification::v1::GetNotificationRequest { name: n.name.clone() });
            async move { client.get_notification(req).await.unwrap().into_inner().notification.unwrap().attempt_count >= 3 }
        })
        .await
    );
    // Then a server that first answers 451, then recovers.
    let smtp = SmtpServer::start(port).await;
    smtp.set_mode(Mode::Transient);
    tokio::time::sleep(Duration::from_millis(600)).await;
    smtp.set_mode(Mode::Accept);
    let delivered = t.wait_for(&n.name, State::Delivered, Duration::from_secs(10)).await;
    assert_eq!(smtp.received().len(), 1);

    let attempts = t
        .public
        .list_delivery_attempts(
            t.as_role(Role::Agent, ListDeliveryAttemptsRequest { parent: n.name.clone(), ..Default::default() }),
        )
        .await
        .unwrap()
        .into_inner()
        .attempts;
    assert_eq!(attempts.len() as i32, delivered.attempt_count);
    assert!(attempts.len() >= 4);
    assert_eq!(attempts[0].result(), delivery_attempt::Result::TransientFailure);
    assert_eq!(attempts[0].provider_status_code, 0, "no answer from a server that is down");
    assert!(!attempts[0].error_message.is_empty());
    assert!(attempts.iter().any(|a| a.provider_status_code == 451), "the 451 replies are recorded");
    assert_eq!(attempts.last().unwrap().result(), delivery_attempt::Result::Accepted);
    for (i, a) in attempts.iter().enumerate() {
        assert_eq!(a.attempt_number, i as i32 + 1);
        assert!(a.start_time.is_some() && a.end_time.is_some());
    }
    t.service.shutdown().await;
}

async fn after_max_attempts_a_dead_letter_is_listed_and_a_redrive_delivers_it(db: TestDb) {
    let port = free_port();
    let mut cfg = config(&db, port);
    cfg.delivery.max_attempts = 3;
    let mut t = TestNotification::start(cfg).await;
    let n = t
        .internal
        .send_notification(t.svc(complaint_received("k-1", player("p-1", "Anna", "en", Channel::Email))))
        .await
        .unwrap()
        .into_inner()
        .notification
        .unwrap();
    let dead = t.wait_for(&n.name, State::DeadLetter, Duration::from_secs(10)).await;
    assert_eq!(dead.dead_letter_reason(), DeadLetterReason::AttemptsExhausted);
    assert_eq!(dead.attempt_count, 3);
    assert_eq!(dead.max_attempts, 3);
    let listed = t
        .public
        .list_notifications(t.as_role(
            Role::Agent,
            ListNotificationsRequest { states: vec![State::DeadLetter.into()], ..Default::default() },
        ))
        .await
        .unwrap()
        .into_inner()
        .notifications;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, n.name);
    // The page carries each notification's latest attempt (one query per page).
    assert_eq!(listed[0].last_attempt, dead.last_attempt);
    assert_eq!(listed[0].last_attempt.as_ref().map(|a| a.attempt_number), Some(3));

    let redrive = RedriveNotificationRequest {
        name: n.name.clone(),
        request_id: "redrive-1".into(),
        etag: dead.etag.clone(),
        reason: "smtp relay repaired".into(),
    };
    let err = t.public.redrive_notification(t.as_role(Role::Agent, redrive.clone())).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let smtp = SmtpServer::start(port).await;
    let redriven = t
        .public
        .redrive_notification(t.as_role(Role::Supervisor, redrive.clone()))
        .await
        .unwrap()
        .into_inner()
        .notification
        .unwrap();
    assert_eq!(redriven.state(), State::Pending);
    assert_eq!(redriven.max_attempts, 6, "a fresh budget");
    assert_eq!(redriven.redrive_count, 1);
    let delivered = t.wait_for(&n.name, State::Delivered, Duration::from_secs(10)).await;
    assert_eq!(delivered.attempt_count, 4);
    assert_eq!(smtp.received().len(), 1);
    // A retry of the redrive replays; a redrive of a delivered one is refused.
    let again = t.public.redrive_notification(t.as_role(Role::Supervisor, redrive)).await.unwrap().into_inner();
    assert_eq!(again.notification.unwrap().state(), State::Pending);
    let other =
        RedriveNotificationRequest { name: n.name.clone(), request_id: "redrive-2".into(), ..Default::default() };
    let err = t.public.redrive_notification(t.as_role(Role::Admin, other)).await.unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 1);

    // A resend makes a new notification that points back.
    let resend = ResendNotificationRequest {
        name: n.name.clone(),
        request_id: "resend-1".into(),
        reason: "player says it never arrived".into(),
        ..Default::default()
    };
    let copy = t.public.resend_notification(t.as_role(Role::Supervisor, resend.clone())).await.unwrap().into_inner();
    let copy = copy.notification.unwrap();
    assert_eq!(copy.resend_of, n.name);
    assert_ne!(copy.name, n.name);
    let replay = t.public.resend_notification(t.as_role(Role::Supervisor, resend)).await.unwrap().into_inner();
    assert_eq!(replay.notification.unwrap().name, copy.name);
    t.wait_for(&copy.name, State::Delivered, Duration::from_secs(10)).await;
    assert_eq!(smtp.received().len(), 2);
    t.service.shutdown().await;
}

async fn a_permanent_rejection_dead_letters_at_once(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    smtp.set_mode(Mode::Permanent);
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    let n = t
        .internal
        .send_notification(t.svc(complaint_received("k-1", player("p-1", "Anna", "en", Channel::Email))))
        .await
        .unwrap()
        .into_inner()
        .notification
        .unwrap();
    let dead = t.wait_for(&n.name, State::DeadLetter, Duration::from_secs(10)).await;
    assert_eq!(dead.dead_letter_reason(), DeadLetterReason::PermanentFailure);
    assert_eq!(dead.attempt_count, 1);
    let last = dead.last_attempt.unwrap();
    assert_eq!(last.result(), delivery_attempt::Result::PermanentFailure);
    assert_eq!(last.provider_status_code, 550);
    t.service.shutdown().await;
}

async fn a_sender_killed_mid_delivery_still_delivers_exactly_once(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    smtp.set_mode(Mode::Stall);
    let mut cfg = config(&db, smtp.addr);
    // The SMTP conversation may last longer than this test waits; the lease
    // decides when a restarted sender takes over.
    cfg.email.smtp_timeout_ms = 60_000;
    cfg.delivery.lease_ms = 1_500;
    let mut t = TestNotification::start(cfg.clone()).await;
    let n = t
        .internal
        .send_notification(t.svc(complaint_received("k-crash", player("p-1", "Anna", "pl", Channel::Email))))
        .await
        .unwrap()
        .into_inner()
        .notification
        .unwrap();
    assert!(redress_testkit::eventually(Duration::from_secs(10), || async { smtp.stalled() == 1 }).await);
    let TestNotification { service, .. } = t;
    service.abort();
    smtp.set_mode(Mode::Accept);

    let mut t = TestNotification::start(cfg).await;
    let delivered = t.wait_for(&n.name, State::Delivered, Duration::from_secs(15)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = smtp.received();
    assert_eq!(received.len(), 1, "exactly one delivered message per dedupe key");
    let id = n.name.trim_start_matches("notifications/");
    assert_eq!(received[0].message_id(), format!("<{id}@notification.redress>"));
    let attempts = t
        .public
        .list_delivery_attempts(
            t.as_role(Role::Agent, ListDeliveryAttemptsRequest { parent: n.name.clone(), ..Default::default() }),
        )
        .await
        .unwrap()
        .into_inner()
        .attempts;
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].result(), delivery_attempt::Result::TransientFailure);
    assert!(attempts[0].error_message.contains("outcome unknown"), "{}", attempts[0].error_message);
    assert_eq!(attempts[1].result(), delivery_attempt::Result::Accepted);
    assert_eq!(delivered.attempt_count, 2);
    t.service.shutdown().await;
}

async fn a_message_kept_before_a_crash_is_repeated_with_the_same_message_id(db: TestDb) {
    // The at-least-once window, shown honestly: the server keeps the message
    // but the sender dies before the 250 arrives. The restarted sender sends
    // it again; both copies carry one Message-ID, so the receiver can drop
    // the repeat.
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    smtp.set_mode(Mode::KeepAndStall);
    let mut cfg = config(&db, smtp.addr);
    cfg.email.smtp_timeout_ms = 60_000;
    cfg.delivery.lease_ms = 1_500;
    let mut t = TestNotification::start(cfg.clone()).await;
    let n = t
        .internal
        .send_notification(t.svc(complaint_received("k-window", player("p-1", "Anna", "en", Channel::Email))))
        .await
        .unwrap()
        .into_inner()
        .notification
        .unwrap();
    assert!(redress_testkit::eventually(Duration::from_secs(10), || async { smtp.stalled() == 1 }).await);
    let TestNotification { service, .. } = t;
    service.abort();
    smtp.set_mode(Mode::Accept);
    let mut t = TestNotification::start(cfg).await;
    t.wait_for(&n.name, State::Delivered, Duration::from_secs(15)).await;
    let received = smtp.received();
    assert_eq!(received.len(), 2, "the copy kept before the crash and the retry");
    let ids: std::collections::HashSet<String> = received.iter().map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), 1, "one Message-ID: a receiver keeps one message per dedupe key");
    t.service.shutdown().await;
}

async fn two_senders_on_one_database_deliver_each_notification_once(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut a = TestNotification::start(config(&db, smtp.addr)).await;
    // The schema is there; the second replica does not migrate, as in a
    // rollout where a Job migrates (libs/db's migration lock is not safe for
    // a second pool while the first is alive; see the report).
    let mut second = config(&db, smtp.addr);
    second.database.migrate_on_start = false;
    let b = TestNotification::start(second).await;
    let mut names = Vec::new();
    for i in 0..20 {
        let req = complaint_received(&format!("k-{i}"), player(&format!("p-{i}"), "Anna", "pl", Channel::Email));
        // Accepted through either replica; both senders race for the rows.
        let t = if i % 2 == 0 { &a } else { &b };
        let mut client = t.internal.clone();
        names.push(client.send_notification(t.svc(req)).await.unwrap().into_inner().notification.unwrap().name);
    }
    for name in &names {
        let n = a.wait_for(name, State::Delivered, Duration::from_secs(20)).await;
        assert_eq!(n.attempt_count, 1);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received = smtp.received();
    assert_eq!(received.len(), 20);
    let ids: std::collections::HashSet<String> = received.iter().map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), 20);
    b.service.shutdown().await;
    a.service.shutdown().await;
}

async fn a_resend_decides_suppression_again_and_may_change_the_channel(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    let mut req = complaint_received("k-survey", player("p-1", "Anna", "en", Channel::Email));
    req.event = NotificationEvent::SurveyInvitation.into();
    req.variables.insert("survey_url".into(), "https://survey.example/1".into());
    let n = t.internal.send_notification(t.svc(req)).await.unwrap().into_inner().notification.unwrap();
    t.wait_for(&n.name, State::Delivered, Duration::from_secs(10)).await;
    // Meanwhile the player self-excluded: the resend is suppressed.
    let mut now_excluded = player("p-1", "Anna", "en", Channel::Email);
    now_excluded.self_excluded = true;
    let resend = ResendNotificationRequest {
        name: n.name.clone(),
        request_id: "resend-1".into(),
        recipient: Some(now_excluded),
        reason: "player asked again".into(),
        ..Default::default()
    };
    let copy = t.public.resend_notification(t.as_role(Role::Admin, resend)).await.unwrap().into_inner();
    assert_eq!(copy.notification.unwrap().state(), State::Suppressed);
    // Another player id is refused; a missing reason too.
    let wrong = ResendNotificationRequest {
        name: n.name.clone(),
        request_id: "resend-2".into(),
        recipient: Some(player("p-2", "Bob", "en", Channel::Email)),
        reason: "x".into(),
        ..Default::default()
    };
    let err = t.public.resend_notification(t.as_role(Role::Admin, wrong)).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let no_reason =
        ResendNotificationRequest { name: n.name.clone(), request_id: "resend-3".into(), ..Default::default() };
    let err = t.public.resend_notification(t.as_role(Role::Admin, no_reason)).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 1);
    t.service.shutdown().await;
}

async fn hostile_player_text_cannot_inject_headers_or_markup(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    // A tenant template that puts player text into the subject.
    let template = Template {
        event: NotificationEvent::AgentMessage.into(),
        locale: "en".into(),
        subject: "Re: {{ complaint_subject }}".into(),
        body_text: "{{ message }}".into(),
        body_html: "<p>{{ message }}</p>".into(),
        ..Default::default()
    };
    t.public
        .update_template(t.as_role(
            Role::Admin,
            UpdateTemplateRequest { template: Some(template), etag: String::new(), allow_missing: true },
        ))
        .await
        .unwrap();
    let hostile = "Hi\r\nBcc: evil@attacker.example\r\nX-Injected: 1\r\n\r\n<script>alert(1)</script><img src=x onerror=alert(2)>";
    let long = "ą".repeat(15_000);
    let mut p = player("p-1", "Eve\r\nBcc: evil2@attacker.example", "en", Channel::Email);
    p.display_name = "Eve\r\nBcc: evil2@attacker.example".into();
    let mut req = complaint_received("k-hostile", p);
    req.event = NotificationEvent::AgentMessage.into();
    req.variables.insert("complaint_subject".into(), format!("{hostile}{long}"));
    req.variables.insert("message".into(), hostile.into());
    let n = t.internal.send_notification(t.svc(req)).await.unwrap().into_inner().notification.unwrap();
    let n = t.wait_for(&n.name, State::Delivered, Duration::from_secs(10)).await;

    let received = smtp.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.rcpt_to.len(), 1, "no injected recipient: {:?}", mail.rcpt_to);
    assert!(mail.mail_from.contains("support@casino-a.example"), "{}", mail.mail_from);
    let headers = mail.headers();
    for line in headers.lines() {
        assert!(!line.starts_with("Bcc:") && !line.starts_with("X-Injected:"), "injected header: {line}");
        assert!(line.len() <= 998, "header line too long");
    }
    let rendered = n.rendered.unwrap();
    assert!(rendered.body_html.contains("&lt;script&gt;"), "{}", rendered.body_html);
    assert!(!rendered.body_html.contains("<script>"));
    assert!(!rendered.body_html.contains("<img"));
    assert_eq!(rendered.body_text, hostile, "the text part carries the text as written");
    t.service.shutdown().await;
}

async fn the_development_file_transport_writes_one_eml_per_notification(db: TestDb) {
    let mut cfg = config(&db, free_port());
    cfg.email.transport = EmailTransport::File;
    let mut t = TestNotification::start(cfg).await;
    let req = complaint_received("k-file", player("p-1", "Anna", "pl", Channel::Email));
    let n = t.internal.send_notification(t.svc(req)).await.unwrap().into_inner().notification.unwrap();
    let n = t.wait_for(&n.name, State::Delivered, Duration::from_secs(10)).await;
    let id = n.name.trim_start_matches("notifications/");
    let path = t.mail_dir.path().join(format!("{id}.eml"));
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(n.delivery.unwrap().content_sha256, hex::encode(Sha256::digest(&bytes)));
    assert_eq!(std::fs::read_dir(t.mail_dir.path()).unwrap().count(), 1);
    t.service.shutdown().await;
}

async fn a_render_failure_is_a_dead_letter_and_a_redrive_renders_the_fixed_template(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    let template = |body: &str| UpdateTemplateRequest {
        template: Some(Template {
            event: NotificationEvent::ResolutionProposed.into(),
            locale: "pl".into(),
            subject: "Propozycja {{ complaint_reference }}".into(),
            body_text: body.into(),
            ..Default::default()
        }),
        etag: String::new(),
        allow_missing: true,
    };
    t.public.update_template(t.as_role(Role::Admin, template("{{ refund_amount }}"))).await.unwrap();
    let mut req = complaint_received("k-render", player("p-1", "Anna", "pl", Channel::Email));
    req.event = NotificationEvent::ResolutionProposed.into();
    req.purpose = redress_proto::notification::v1::MessagePurpose::Service.into();
    let n = t.internal.send_notification(t.svc(req)).await.unwrap().into_inner().notification.unwrap();
    let dead = t.wait_for(&n.name, State::DeadLetter, Duration::from_secs(10)).await;
    assert_eq!(dead.dead_letter_reason(), DeadLetterReason::RenderFailed);
    assert_eq!(dead.attempt_count, 0, "nothing was sent");

    let fixed = t
        .public
        .update_template(t.as_role(Role::Admin, template("{{ refund_amount | default('zwrot środków') }}")))
        .await
        .unwrap()
        .into_inner()
        .template
        .unwrap();
    assert_eq!(fixed.version, 2);
    let redrive = RedriveNotificationRequest { name: n.name.clone(), request_id: "r-1".into(), ..Default::default() };
    t.public.redrive_notification(t.as_role(Role::Admin, redrive)).await.unwrap();
    let delivered = t.wait_for(&n.name, State::Delivered, Duration::from_secs(10)).await;
    assert_eq!(delivered.template_version, 2);
    assert_eq!(delivered.template, fixed.name);
    assert_eq!(delivered.rendered.unwrap().body_text, "zwrot środków");
    assert_eq!(delivered.delivery.unwrap().template_version, 2);
    assert_eq!(smtp.received().len(), 1);
    t.service.shutdown().await;
}

async fn an_operations_alert_goes_to_the_tenants_operations_contact(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    let req = redress_proto::notification::v1::SendNotificationRequest {
        dedupe_key: "alert-1".into(),
        event: NotificationEvent::OperationsAlert.into(),
        purpose: redress_proto::notification::v1::MessagePurpose::Service.into(),
        variables: [("alert_title".to_owned(), "SLA breach".to_owned())].into_iter().collect(),
        ..Default::default()
    };
    let n = t.internal.send_notification(t.svc(req)).await.unwrap().into_inner().notification.unwrap();
    assert!(n.recipient.is_none());
    let n = t.wait_for(&n.name, State::Delivered, Duration::from_secs(10)).await;
    assert_eq!(n.delivery.unwrap().destination, "ops@casino-a.example");
    assert_eq!(n.rendered.unwrap().subject, "[Redress] SLA breach");
    assert!(smtp.received()[0].rcpt_to[0].contains("ops@casino-a.example"));
    t.service.shutdown().await;
}

async fn starttls_that_the_server_cannot_do_never_falls_back_to_plain_text(db: TestDb) {
    // The test server does not offer STARTTLS: a relay configured for it
    // must not receive the message in the clear.
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut cfg = config(&db, smtp.addr);
    cfg.email.smtp_tls = redress_notification::config::SmtpTls::Starttls;
    cfg.delivery.max_attempts = 2;
    let mut t = TestNotification::start(cfg).await;
    let req = complaint_received("k-tls", player("p-1", "Anna", "en", Channel::Email));
    let n = t.internal.send_notification(t.svc(req)).await.unwrap().into_inner().notification.unwrap();
    let dead = t.wait_for(&n.name, State::DeadLetter, Duration::from_secs(10)).await;
    assert_eq!(dead.dead_letter_reason(), DeadLetterReason::AttemptsExhausted);
    let last = dead.last_attempt.unwrap();
    assert!(last.error_message.to_lowercase().contains("starttls"), "{}", last.error_message);
    assert!(smtp.received().is_empty());
    t.service.shutdown().await;
}

async fn a_delivery_under_way_is_neither_resent_nor_redriven(db: TestDb) {
    let port = free_port();
    let mut config = config(&db, port);
    config.delivery.max_attempts = 1_000;
    let mut t = TestNotification::start(config).await;
    let n = t
        .internal
        .send_notification(t.svc(complaint_received("k-busy", player("p-1", "Anna", "en", Channel::Email))))
        .await
        .unwrap()
        .into_inner()
        .notification
        .unwrap();
    // Nothing listens: the notification stays pending or retrying.
    let resend = ResendNotificationRequest {
        name: n.name.clone(),
        request_id: "resend-busy".into(),
        reason: "player asked again".into(),
        ..Default::default()
    };
    let err = t.public.resend_notification(t.as_role(Role::Supervisor, resend)).await.unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    let info = err.get_details_error_info().unwrap();
    assert_eq!(info.reason, "DELIVERY_IN_PROGRESS");
    assert!(["STATE_PENDING", "STATE_RETRYING"].contains(&info.metadata["state"].as_str()), "{info:?}");
    let redrive =
        RedriveNotificationRequest { name: n.name.clone(), request_id: "redrive-busy".into(), ..Default::default() };
    let err = t.public.redrive_notification(t.as_role(Role::Supervisor, redrive)).await.unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert_eq!(err.get_details_error_info().unwrap().reason, "NOT_A_DEAD_LETTER");
    t.service.shutdown().await;
}

backend_tests!(
    starttls_that_the_server_cannot_do_never_falls_back_to_plain_text,
    a_render_failure_is_a_dead_letter_and_a_redrive_renders_the_fixed_template,
    an_operations_alert_goes_to_the_tenants_operations_contact,
    a_polish_player_gets_polish_and_an_english_player_english_with_proof,
    an_smtp_outage_is_retried_until_the_server_is_back,
    after_max_attempts_a_dead_letter_is_listed_and_a_redrive_delivers_it,
    a_permanent_rejection_dead_letters_at_once,
    a_sender_killed_mid_delivery_still_delivers_exactly_once,
    a_message_kept_before_a_crash_is_repeated_with_the_same_message_id,
    two_senders_on_one_database_deliver_each_notification_once,
    a_resend_decides_suppression_again_and_may_change_the_channel,
    a_delivery_under_way_is_neither_resent_nor_redriven,
    hostile_player_text_cannot_inject_headers_or_markup,
    the_development_file_transport_writes_one_eml_per_notification,
);
