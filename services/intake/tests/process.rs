//! The intake process killed with SIGKILL under load and started again: every
//! complaint it acknowledged is still there, and retries of the ones whose
//! reply was lost file each complaint exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::HashMap, net::SocketAddr, process::Command, time::Duration};

use redress_auth::Role;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::{
        GetComplaintRequest, ListComplaintsRequest, SubmitComplaintRequest, intake_service_client::IntakeServiceClient,
    },
};
use redress_testkit::{ServiceProcess, TEST_SECRET, TestDb, authed, backend_tests, free_port, token};

async fn spawn(db: &TestDb, addr: SocketAddr) -> ServiceProcess {
    let mut intake = Command::new(env!("CARGO_BIN_EXE_redress-intake"));
    intake
        .env("REDRESS_INTAKE__SERVER__LISTEN", addr.to_string())
        .env("REDRESS_INTAKE__DATABASE__URL", db.config.url.expose())
        .env("REDRESS_INTAKE__AUTH__HS256_SECRET", TEST_SECRET)
        .env("RUST_LOG", "warn");
    let mut intake = ServiceProcess::spawn(intake);
    intake.serving(addr, Duration::from_secs(30)).await;
    intake
}

fn complaint(i: usize) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: format!("load-{i}"),
        player: Some(Player { player_id: format!("p-{i}"), jurisdiction: "GB".into(), ..Default::default() }),
        transaction_references: Some(TransactionReferences { withdrawal_id: format!("w-{i}"), ..Default::default() }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: "Withdrawal missing".into(),
        description: "My withdrawal never arrived".into(),
        channel: Channel::InApp.into(),
        ..Default::default()
    }
}

async fn nothing_acknowledged_is_lost_when_the_process_is_killed(db: TestDb) {
    let addr = free_port();
    let mut intake = spawn(&db, addr).await;
    let client = IntakeServiceClient::new(redress_testkit::channel(addr));
    let backend = token("casino-a", &[Role::Backend]);

    // 4 writers submit until the process dies under them.
    let mut writers = Vec::new();
    for w in 0..4 {
        let mut c = client.clone();
        let backend = backend.clone();
        writers.push(tokio::spawn(async move {
            let mut acknowledged = HashMap::new();
            for i in (w..).step_by(4).take(500) {
                match c.submit_complaint(authed(complaint(i), &backend)).await {
                    Ok(r) => {
                        acknowledged.insert(i, r.into_inner().complaint.unwrap().name);
                    }
                    Err(_) => return (acknowledged, i),
                }
            }
            (acknowledged, usize::MAX)
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    intake.kill(); // SIGKILL: no shutdown hook runs
    let mut acknowledged = HashMap::new();
    let mut unanswered = Vec::new();
    for w in writers {
        let (acks, failed_at) = w.await.unwrap();
        acknowledged.extend(acks);
        if failed_at != usize::MAX {
            unanswered.push(failed_at);
        }
    }
    assert!(!acknowledged.is_empty(), "the load ran before the kill");

    let mut intake = spawn(&db, addr).await;
    let mut client = IntakeServiceClient::new(redress_testkit::channel(addr));
    for (i, name) in &acknowledged {
        let got = client.get_complaint(authed(GetComplaintRequest { name: name.clone() }, &backend)).await;
        assert!(got.is_ok(), "acknowledged complaint {i} ({name}) was lost");
    }
    // Requests whose reply was lost are retried with the same key.
    let retried = unanswered.len();
    for i in unanswered {
        client.submit_complaint(authed(complaint(i), &backend)).await.unwrap();
        client.submit_complaint(authed(complaint(i), &backend)).await.unwrap();
    }
    let mut total = 0;
    let mut page_token = String::new();
    loop {
        let page = client
            .list_complaints(authed(
                ListComplaintsRequest { page_size: 1000, page_token, ..Default::default() },
                &backend,
            ))
            .await
            .unwrap()
            .into_inner();
        total += page.complaints.len();
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    // Every request id filed exactly one complaint: acknowledged or retried.
    assert_eq!(total, acknowledged.len() + retried);
    intake.kill();
}

backend_tests!(nothing_acknowledged_is_lost_when_the_process_is_killed);
