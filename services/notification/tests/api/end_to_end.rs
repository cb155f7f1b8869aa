//! Intake and notification together: a complaint submitted to intake reaches
//! the player as exactly one "complaint received" e-mail, in their language,
//! through intake's outbox, notification's sender and a real SMTP server.

use std::time::Duration;

use redress_auth::Role;
use redress_intake::{Intake, IntakeConfig};
use redress_outbox::PeerConfig;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::{SubmitComplaintRequest, intake_service_client::IntakeServiceClient},
    notification::v1::{ListNotificationsRequest, NotificationEvent, notification::State},
};
use redress_testkit::{TestDb, auth_config, authed, backend_tests, token};

use crate::{
    helpers::{TENANT, TestNotification, config},
    smtp::SmtpServer,
};

fn complaint(request_id: &str, player_id: &str, language: &str) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: request_id.into(),
        player: Some(Player {
            player_id: player_id.into(),
            display_name: "Anna".into(),
            email: format!("{player_id}@players.example"),
            language_code: language.into(),
            jurisdiction: if language == "pl" { "PL".into() } else { "GB".into() },
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: format!("w-{player_id}"),
            ..Default::default()
        }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: "Withdrawal missing".into(),
        description: "My withdrawal has been pending for ten days.".into(),
        channel: Channel::Email.into(),
        ..Default::default()
    }
}

async fn a_submitted_complaint_produces_exactly_one_acknowledgement_in_the_players_language(db: TestDb) {
    let smtp = SmtpServer::start("127.0.0.1:0".parse().unwrap()).await;
    let mut t = TestNotification::start(config(&db, smtp.addr)).await;

    let intake_db = TestDb::new(db.backend).await;
    let mut intake_config = IntakeConfig::default();
    intake_config.server.listen = "127.0.0.1:0".into();
    intake_config.database = intake_db.config.clone();
    intake_config.auth = auth_config();
    intake_config.outbox.poll_interval_ms = 100;
    intake_config.outbox.initial_backoff_ms = 50;
    intake_config.outbox.max_backoff_ms = 200;
    intake_config
        .outbox
        .peers
        .insert("notification".into(), PeerConfig { url: format!("http://{}", t.service.local_addr()) });
    let intake = Intake::start(intake_config).await.unwrap();
    let mut client = IntakeServiceClient::new(redress_testkit::channel(intake.local_addr()));
    let backend = token(TENANT, &[Role::Backend]);

    let pl = client.submit_complaint(authed(complaint("r-pl", "p-pl", "pl"), &backend)).await.unwrap().into_inner();
    // A retry of the same submission changes nothing.
    client.submit_complaint(authed(complaint("r-pl", "p-pl", "pl"), &backend)).await.unwrap();
    let en = client.submit_complaint(authed(complaint("r-en", "p-en", "en"), &backend)).await.unwrap().into_inner();

    for (submitted, subject_start, deadline_word) in [
        (pl.complaint.unwrap(), "Otrzymaliśmy Twoją reklamację RDR-", "najpóźniej"),
        (en.complaint.unwrap(), "We have received your complaint RDR-", "no later than"),
    ] {
        let list = ListNotificationsRequest { complaint: submitted.name.clone(), ..Default::default() };
        let found = redress_testkit::eventually(Duration::from_secs(15), || {
            let mut public = t.public.clone();
            let req = t.as_role(Role::Agent, list.clone());
            async move {
                let n = public.list_notifications(req).await.unwrap().into_inner().notifications;
                n.len() == 1 && n[0].state() == State::Delivered
            }
        })
        .await;
        assert!(found, "{} was not acknowledged", submitted.reference);
        let n = t.public.list_notifications(t.as_role(Role::Agent, list)).await.unwrap().into_inner();
        let n = &n.notifications[0];
        assert_eq!(n.event(), NotificationEvent::ComplaintReceived);
        assert_eq!(n.complaint_reference, submitted.reference);
        let rendered = n.rendered.clone().unwrap();
        assert!(rendered.subject.starts_with(subject_start), "{}", rendered.subject);
        assert!(rendered.body_text.contains(&submitted.reference));
        assert!(rendered.body_text.contains(deadline_word), "the deadline is stated: {}", rendered.body_text);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.received().len(), 2, "exactly one e-mail per complaint");
    intake.shutdown().await;
    t.service.shutdown().await;
}

backend_tests!(a_submitted_complaint_produces_exactly_one_acknowledgement_in_the_players_language);
