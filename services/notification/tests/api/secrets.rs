//! The survey token reaches the player only: staff reading notifications
//! (Get and List, any role) see neither the token nor the survey link, the
//! stored staff-facing columns hold neither, and the delivered e-mail and
//! webhook carry both.

use std::time::Duration;

use redress_auth::Role;
use redress_proto::{
    common::v1::Channel,
    notification::v1::{
        GetNotificationRequest, ListNotificationsRequest, Notification, NotificationEvent, ResendNotificationRequest,
        notification::State,
    },
};
use redress_testkit::{TestDb, backend_tests};
use sea_orm::{ConnectionTrait, Statement};

use crate::{
    helpers::{TestNotification, WEBHOOK_SECRET, complaint_received, config, player, with_webhook},
    smtp::SmtpServer,
    webhook::Receiver,
};

const TOKEN: &str = "Zq3xTOKENpart7Wm";

fn invitation(key: &str, channel: Channel) -> redress_proto::notification::v1::SendNotificationRequest {
    let mut req = complaint_received(key, player("p-1", "Anna", "en", channel));
    req.event = NotificationEvent::SurveyInvitation.into();
    req.variables.insert("survey_token".into(), TOKEN.into());
    req.variables.insert("survey_url".into(), format!("https://c.example/s?token={TOKEN}"));
    req
}

/// Get and List as every staff role; none may see the token.
async fn assert_staff_cannot_read_it(t: &mut TestNotification, name: &str) {
    for role in [Role::Agent, Role::Supervisor, Role::Analyst, Role::Backend, Role::Admin] {
        let got = t
            .public
            .get_notification(t.as_role(role, GetNotificationRequest { name: name.into() }))
            .await
            .unwrap()
            .into_inner()
            .notification
            .unwrap();
        let listed = t
            .public
            .list_notifications(t.as_role(role, ListNotificationsRequest::default()))
            .await
            .unwrap()
            .into_inner()
            .notifications;
        let listed: Vec<&Notification> = listed.iter().filter(|n| n.name == name).collect();
        assert_eq!(listed.len(), 1);
        for n in [&got, listed[0]] {
            assert!(!format!("{n:?}").contains(TOKEN), "{role:?} reads the token: {n:?}");
            assert!(!n.variables.contains_key("survey_token") && !n.variables.contains_key("survey_url"));
            let rendered = n.rendered.as_ref().unwrap();
            assert!(rendered.body_text.contains("[redacted]"), "{}", rendered.body_text);
        }
    }
}

/// The stored staff-facing columns of every notification hold no token.
async fn assert_stored_rows_are_clean(db: &TestDb) {
    let conn = redress_db::connect(&db.config).await.unwrap();
    let backend = conn.get_database_backend();
    let rows = conn
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT variables, subject, body_text, body_html FROM notifications",
        ))
        .await
        .unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        for column in ["variables", "subject", "body_text", "body_html"] {
            let value: Option<String> = row.try_get("", column).unwrap();
            assert!(!value.unwrap_or_default().contains(TOKEN), "{column} stores the token");
        }
    }
    let _ = conn.close().await;
}

async fn staff_never_read_the_survey_token_and_the_player_gets_it(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;
    let n = t.internal.send_notification(t.svc(invitation("survey-1", Channel::Email))).await.unwrap().into_inner();
    // Even the acceptance answer to the calling service leaves them out.
    assert!(!format!("{n:?}").contains(TOKEN));
    let name = n.notification.unwrap().name;
    t.wait_for(&name, State::Delivered, Duration::from_secs(10)).await;
    assert_staff_cannot_read_it(&mut t, &name).await;
    let mail =
        smtp.received().into_iter().map(|m| m.text().replace("=\r\n", "").replace("=3D", "=")).collect::<Vec<_>>();
    assert!(mail.iter().any(|m| m.contains(&format!("https://c.example/s?token={TOKEN}"))), "{mail:?}");

    // A resend goes to the same player with the same link.
    let resend = ResendNotificationRequest {
        name: name.clone(),
        request_id: "again".into(),
        reason: "the player lost the e-mail".into(),
        ..Default::default()
    };
    let copy = t.public.resend_notification(t.as_role(Role::Supervisor, resend)).await.unwrap().into_inner();
    let copy = copy.notification.unwrap().name;
    t.wait_for(&copy, State::Delivered, Duration::from_secs(10)).await;
    assert_staff_cannot_read_it(&mut t, &copy).await;
    let mail =
        smtp.received().into_iter().map(|m| m.text().replace("=\r\n", "").replace("=3D", "=")).collect::<Vec<_>>();
    assert_eq!(mail.iter().filter(|m| m.contains(TOKEN)).count(), 2);
    assert_stored_rows_are_clean(&db).await;
    t.service.shutdown().await;
}

async fn the_webhook_to_the_players_channel_carries_the_link(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let mut t = TestNotification::start(with_webhook(config(&db, smtp.addr), receiver.url())).await;
    let n = t.internal.send_notification(t.svc(invitation("survey-2", Channel::InApp))).await.unwrap().into_inner();
    let name = n.notification.unwrap().name;
    t.wait_for(&name, State::Delivered, Duration::from_secs(10)).await;
    assert_staff_cannot_read_it(&mut t, &name).await;
    let hook = receiver.accepted().into_iter().next().unwrap().json();
    assert_eq!(hook["variables"]["survey_token"], TOKEN);
    assert!(hook["message"]["bodyText"].as_str().unwrap().contains(TOKEN), "{hook}");
    assert_stored_rows_are_clean(&db).await;
    t.service.shutdown().await;
}

backend_tests!(
    staff_never_read_the_survey_token_and_the_player_gets_it,
    the_webhook_to_the_players_channel_carries_the_link,
);
