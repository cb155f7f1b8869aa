//! Through the real intake: a complaint submitted to intake opens a case
//! here (intake's outbox → OpenCase), and every step here shows in intake as
//! the status the player sees (our outbox → ApplyCaseUpdate).

use std::time::Duration;

use redress_auth::Role;
use redress_intake::{Intake, IntakeConfig};
use redress_outbox::PeerConfig;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, ComplaintStatus, Outcome, Player, RootCause, TransactionReferences},
    intake::v1::{GetComplaintRequest, SubmitComplaintRequest, intake_service_client::IntakeServiceClient},
    resolution::v1::{ListCasesRequest, ResolveCaseRequest, RespondToPlayerRequest},
};
use redress_testkit::{TestDb, auth_config, authed, backend_tests, eventually, token};

use crate::helpers::{TENANT, TestResolution, config};

async fn intake_shows_the_status_of_each_step(db: TestDb) {
    let intake_db = TestDb::new(db.backend).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let mut intake_config = IntakeConfig::default();
    intake_config.server.listen = "127.0.0.1:0".into();
    intake_config.database = intake_db.config.clone();
    intake_config.auth = auth_config();
    intake_config.outbox.initial_backoff_ms = 50;
    intake_config.outbox.max_backoff_ms = 200;
    intake_config.outbox.poll_interval_ms = 100;
    intake_config.outbox.peers.insert("resolution".into(), PeerConfig { url: format!("http://{port}") });
    let intake = Intake::start(intake_config).await.unwrap();

    let mut resolution_config = config(&db, None);
    resolution_config.server.listen = port.to_string();
    resolution_config
        .outbox
        .peers
        .insert("intake".into(), PeerConfig { url: format!("http://{}", intake.local_addr()) });
    let mut t = TestResolution::start_with(resolution_config).await;

    let backend = token(TENANT, &[Role::Backend]);
    let mut intake_client = IntakeServiceClient::new(redress_testkit::channel(intake.local_addr()));
    let submit = SubmitComplaintRequest {
        request_id: "s-1".into(),
        player: Some(Player {
            player_id: "p-1".into(),
            display_name: "Anna".into(),
            email: "anna@example.pl".into(),
            language_code: "pl".into(),
            jurisdiction: "PL".into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences { withdrawal_id: "w-1".into(), ..Default::default() }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: "Wypłata nie dotarła".into(),
        description: "Moja wypłata 500 PLN czeka od 10 dni.".into(),
        channel: Channel::Email.into(),
        ..Default::default()
    };
    let complaint =
        intake_client.submit_complaint(authed(submit, &backend)).await.unwrap().into_inner().complaint.unwrap();

    // Intake's outbox opens the case here.
    let client = t.client.clone();
    let agent = t.agent.clone();
    let name = complaint.name.clone();
    let opened = eventually(Duration::from_secs(15), || {
        let mut client = client.clone();
        let request = authed(ListCasesRequest { complaint: name.clone(), ..Default::default() }, &agent);
        async move { client.list_cases(request).await.map(|r| r.into_inner().cases.len() == 1).unwrap_or(false) }
    })
    .await;
    assert!(opened, "intake's OpenCase never arrived");
    let request = t.agent(ListCasesRequest { complaint: complaint.name.clone(), ..Default::default() });
    let case = t.client.list_cases(request).await.unwrap().into_inner().cases.remove(0);
    assert_eq!(case.complaint_reference, complaint.reference);

    let status_is = |want: ComplaintStatus| {
        let intake_client = intake_client.clone();
        let backend = backend.clone();
        let name = complaint.name.clone();
        async move {
            eventually(Duration::from_secs(15), || {
                let mut c = intake_client.clone();
                let request = authed(GetComplaintRequest { name: name.clone() }, &backend);
                async move {
                    c.get_complaint(request)
                        .await
                        .map(|r| r.into_inner().complaint.unwrap().status() == want)
                        .unwrap_or(false)
                }
            })
            .await
        }
    };
    assert!(status_is(ComplaintStatus::Received).await);

    let request = t.agent(RespondToPlayerRequest {
        name: case.name.clone(),
        request_id: "r".into(),
        body: "Sprawdzamy.".into(),
        ..Default::default()
    });
    t.client.respond_to_player(request).await.unwrap();
    assert!(status_is(ComplaintStatus::InProgress).await, "intake never showed IN_PROGRESS");

    let request = t.agent(ResolveCaseRequest {
        name: case.name.clone(),
        request_id: "f".into(),
        outcome: Outcome::Upheld.into(),
        root_cause: RootCause::PaymentProviderFailure.into(),
        final_response: "Wypłata została zrealizowana.".into(),
        ..Default::default()
    });
    t.client.resolve_case(request).await.unwrap();
    assert!(status_is(ComplaintStatus::Resolved).await, "intake never showed RESOLVED");
    let request = authed(GetComplaintRequest { name: complaint.name.clone() }, &backend);
    let after = intake_client.get_complaint(request).await.unwrap().into_inner().complaint.unwrap();
    assert_eq!(after.outcome(), Outcome::Upheld);
    assert_eq!(after.case, case.name);

    t.resolution.shutdown().await;
    intake.shutdown().await;
}

backend_tests!(intake_shows_the_status_of_each_step);
