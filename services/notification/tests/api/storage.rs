//! What the store reads back: a stored value the code does not know fails
//! the request (INTERNAL) instead of reading as a default, on SQLite and
//! PostgreSQL alike.

use std::time::Duration;

use redress_auth::Role;
use redress_proto::{
    common::v1::Channel,
    notification::v1::{
        GetNotificationRequest, ListNotificationsRequest, RedriveNotificationRequest, notification::State,
    },
};
use redress_testkit::{TestDb, backend_tests, eventually};
use sea_orm::ConnectionTrait;
use tonic::Code;

use crate::{
    helpers::{TestNotification, complaint_received, config, free_port, player},
    smtp::SmtpServer,
};

async fn sql(t: &TestNotification, statement: &str) {
    t.service.db().execute_unprepared(statement).await.unwrap();
}

async fn an_undecodable_stored_state_or_variables_fail_loudly(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    let request = complaint_received("outbox-1", player("p-1", "Anna", "pl", Channel::Email));
    let sent = t.internal.send_notification(t.svc(request)).await.unwrap().into_inner().notification.unwrap();
    t.wait_for(&sent.name, State::Delivered, Duration::from_secs(10)).await;
    let get = |t: &TestNotification| t.as_role(Role::Agent, GetNotificationRequest { name: sent.name.clone() });

    // A state name no version of the code wrote: not an unspecified one.
    sql(&t, "UPDATE notifications SET state = 'STATE_MISLAID'").await;
    let err = t.public.get_notification(get(&t)).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    let list = t.as_role(Role::Agent, ListNotificationsRequest::default());
    let err = t.public.list_notifications(list).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    sql(&t, "UPDATE notifications SET state = 'STATE_DELIVERED'").await;
    assert_eq!(t.get(&sent.name).await.state(), State::Delivered);

    // Nor is a reason: empty is none, an unknown name is an error.
    sql(&t, "UPDATE notifications SET dead_letter_reason = 'DEAD_LETTER_REASON_MISLAID'").await;
    let err = t.public.get_notification(get(&t)).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    sql(&t, "UPDATE notifications SET dead_letter_reason = ''").await;
    // A dead letter whose reason is unknown is not redriven as if it had none.
    sql(&t, "UPDATE notifications SET state = 'STATE_DEAD_LETTER', dead_letter_reason = 'DEAD_LETTER_REASON_MISLAID'")
        .await;
    let redrive =
        RedriveNotificationRequest { name: sent.name.clone(), request_id: "r-1".into(), ..Default::default() };
    let err = t.public.redrive_notification(t.as_role(Role::Supervisor, redrive)).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    sql(&t, "UPDATE notifications SET state = 'STATE_DELIVERED', dead_letter_reason = ''").await;

    // Variables that do not parse are not "no variables".
    sql(&t, "UPDATE notifications SET variables = '{\"complaint_subject\":'").await;
    let err = t.public.get_notification(get(&t)).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    t.service.shutdown().await;
}

/// The sender does not send a message without the variables it lost: the
/// notification becomes a RENDER_FAILED dead letter.
async fn a_delivery_with_undecodable_stored_variables_is_a_dead_letter(db: TestDb) {
    // No mail server: the first attempt fails, the next waits a second.
    let mut cfg = config(&db, free_port());
    cfg.delivery.initial_backoff_ms = 1_000;
    cfg.delivery.max_backoff_ms = 1_000;
    let mut t = TestNotification::start(cfg).await;
    let request = complaint_received("outbox-1", player("p-1", "Anna", "pl", Channel::Email));
    let sent = t.internal.send_notification(t.svc(request)).await.unwrap().into_inner().notification.unwrap();
    t.wait_for(&sent.name, State::Retrying, Duration::from_secs(10)).await;
    sql(&t, "UPDATE notifications SET variables = '{\"complaint_subject\":'").await;
    let db = t.service.db().clone();
    let dead = eventually(Duration::from_secs(10), || async {
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT state, dead_letter_reason FROM notifications",
            ))
            .await
            .unwrap()
            .unwrap();
        let state: String = row.try_get("", "state").unwrap();
        let reason: String = row.try_get("", "dead_letter_reason").unwrap();
        state == "STATE_DEAD_LETTER" && reason == "DEAD_LETTER_REASON_RENDER_FAILED"
    })
    .await;
    assert!(dead, "a RENDER_FAILED dead letter");
    t.service.shutdown().await;
}

backend_tests!(
    an_undecodable_stored_state_or_variables_fail_loudly,
    a_delivery_with_undecodable_stored_variables_is_a_dead_letter
);
