//! The sender's window and its SMTP sessions: many messages over few
//! sessions, a session the relay dropped is replaced without a failed
//! attempt, and a session cut off mid-conversation is never reused. The
//! sender is driven with `run_once`, not left to its own timing.

use std::collections::HashSet;

use redress_notification::config::NotificationConfig;
use redress_proto::{common::v1::Channel, notification::v1::notification::State};
use redress_testkit::{TestDb, backend_tests};

use crate::{
    helpers::{TestNotification, complaint_received, config, player},
    smtp::{Mode, SmtpServer},
};

/// A service whose sender only runs when the test says so.
async fn start(db: &TestDb, smtp: &SmtpServer, tune: impl FnOnce(&mut NotificationConfig)) -> TestNotification {
    let mut cfg = config(db, smtp.addr);
    cfg.delivery.enabled = false;
    tune(&mut cfg);
    TestNotification::start(cfg).await
}

/// Accepts `count` acknowledgments; returns their names.
async fn accept(t: &mut TestNotification, prefix: &str, count: usize) -> Vec<String> {
    let mut names = Vec::new();
    for i in 0..count {
        let req = complaint_received(&format!("{prefix}-{i}"), player(&format!("p-{i}"), "Anna", "en", Channel::Email));
        names.push(t.internal.send_notification(t.svc(req)).await.unwrap().into_inner().notification.unwrap().name);
    }
    names
}

async fn one_window_delivers_every_due_message_over_pooled_sessions(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = start(&db, &smtp, |cfg| {
        cfg.delivery.batch_size = 1;
        cfg.delivery.max_in_flight = 2;
        cfg.email.smtp_pool_size = 2;
    })
    .await;
    let names = accept(&mut t, "pool", 12).await;

    // One call works off more than a batch: the window refills as
    // deliveries finish instead of stopping after one round.
    assert_eq!(t.service.sender().run_once().await.unwrap(), 12);
    for name in &names {
        let n = t.get(name).await;
        assert_eq!(n.state(), State::Delivered, "{name}");
        assert_eq!(n.attempt_count, 1, "{name}");
    }
    let ids: HashSet<String> = smtp.received().iter().map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), 12, "every message once");
    assert!(smtp.sessions() <= 2, "12 messages over {} sessions; at most one per slot", smtp.sessions());
    t.service.shutdown().await;
}

async fn a_session_the_relay_dropped_is_replaced_without_a_failed_attempt(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    smtp.set_mode(Mode::AcceptAndHangUp);
    let mut t = start(&db, &smtp, |cfg| {
        cfg.delivery.batch_size = 1;
        cfg.delivery.max_in_flight = 1;
    })
    .await;
    let names = accept(&mut t, "hangup", 3).await;

    assert_eq!(t.service.sender().run_once().await.unwrap(), 3);
    for name in &names {
        let n = t.get(name).await;
        assert_eq!(n.state(), State::Delivered, "{name}");
        assert_eq!(n.attempt_count, 1, "the dead pooled session is noticed before the message: {name}");
    }
    assert_eq!(smtp.sessions(), 3, "each hang-up costs a new session");
    t.service.shutdown().await;
}

async fn a_session_cut_off_by_the_deadline_is_not_reused(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    smtp.set_mode(Mode::Stall);
    let mut t = start(&db, &smtp, |cfg| {
        cfg.email.smtp_timeout_ms = 300;
        cfg.delivery.initial_backoff_ms = 3_600_000;
        cfg.delivery.max_backoff_ms = 3_600_000;
    })
    .await;
    let stalled = accept(&mut t, "stall", 1).await;
    assert_eq!(t.service.sender().run_once().await.unwrap(), 1);
    let n = t.get(&stalled[0]).await;
    assert_eq!(n.state(), State::Retrying, "the stalled conversation timed out");
    assert_eq!(smtp.stalled(), 1);

    // A session left halfway through DATA would take the next message's
    // commands as message text; it must be gone, not pooled.
    smtp.set_mode(Mode::Accept);
    let next = accept(&mut t, "next", 1).await;
    assert_eq!(t.service.sender().run_once().await.unwrap(), 1);
    let n = t.get(&next[0]).await;
    assert_eq!(n.state(), State::Delivered);
    assert_eq!(smtp.sessions(), 2, "the second message opened a session of its own");
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert!(!received[0].text().contains("MAIL FROM"), "no commands leaked into a message");
    t.service.shutdown().await;
}

backend_tests!(
    one_window_delivers_every_due_message_over_pooled_sessions,
    a_session_the_relay_dropped_is_replaced_without_a_failed_attempt,
    a_session_cut_off_by_the_deadline_is_not_reused,
);
