//! The intake process killed with SIGKILL under load and started again: every
//! complaint it acknowledged is still there, and retries of the ones whose
//! reply was lost file each complaint exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashMap,
    net::SocketAddr,
    process::{Child, Command, Stdio},
    time::Duration,
};

use redress_auth::Role;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::{
        GetComplaintRequest, ListComplaintsRequest, SubmitComplaintRequest, intake_service_client::IntakeServiceClient,
    },
};
use redress_testkit::{TEST_SECRET, TestDb, authed, backend_tests, eventually, token};

fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

fn spawn(db: &TestDb, addr: SocketAddr) -> Child {
    Command::new(env!("CARGO_BIN_EXE_redress-intake"))
        .env("REDRESS_INTAKE__SERVER__LISTEN", addr.to_string())
        .env("REDRESS_INTAKE__DATABASE__URL", db.config.url.expose())
        .env("REDRESS_INTAKE__AUTH__HS256_SECRET", TEST_SECRET)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_ready(addr: SocketAddr) -> IntakeServiceClient<tonic::transport::Channel> {
    let client = IntakeServiceClient::new(redress_testkit::channel(addr));
    let backend = token("casino-a", &[Role::Backend]);
    let ok = eventually(Duration::from_secs(20), || {
        let mut c = client.clone();
        let backend = backend.clone();
        async move { c.list_complaints(authed(ListComplaintsRequest::default(), &backend)).await.is_ok() }
    })
    .await;
    assert!(ok, "intake did not come up on {addr}");
    client
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
    let mut child = spawn(&db, addr);
    let client = wait_ready(addr).await;
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
    child.kill().unwrap(); // SIGKILL: no shutdown hook runs
    child.wait().unwrap();
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

    let mut child = spawn(&db, addr);
    let mut client = wait_ready(addr).await;
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
    child.kill().unwrap();
    child.wait().unwrap();
}

backend_tests!(nothing_acknowledged_is_lost_when_the_process_is_killed);
