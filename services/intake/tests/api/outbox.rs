//! Nothing is lost: outbox rows wait while a peer is down, are delivered when
//! it comes up, and survive a crash of intake itself.

use std::time::Duration;

use redress_proto::{
    intake::v1::{ListComplaintsRequest, WithdrawComplaintRequest},
    notification::v1::NotificationEvent,
};
use redress_testkit::{TestDb, backend_tests, eventually};

use crate::helpers::{RecordingPeer, TestIntake, config, free_port, withdrawal_complaint};

async fn rows_wait_while_peers_are_down_and_are_delivered_when_they_come_up(db: TestDb) {
    let peer_addr = free_port();
    let mut t = TestIntake::start_with(config(&db, Some(peer_addr))).await;
    let c = t
        .client
        .submit_complaint(t.req(withdrawal_complaint("r-1", "p-1", "w-1")))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();
    // Peers are down: OpenCase, the acknowledgment and the analytics event wait.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(t.intake.relay().pending().await.unwrap(), 3);

    let peer = RecordingPeer::default();
    let stop = peer.serve_on(peer_addr).await;
    let relay = t.intake.relay().clone();
    assert!(eventually(Duration::from_secs(15), || async { relay.pending().await.unwrap() == 0 }).await);
    {
        let got = peer.0.lock().unwrap();
        assert_eq!(got.open_case.len(), 1);
        assert_eq!(got.open_case[0].complaint, c.name);
        assert_eq!(got.open_case[0].complaint_reference, c.reference);
        assert_eq!(got.notifications.len(), 1);
        assert_eq!(got.notifications[0].event(), NotificationEvent::ComplaintReceived);
        assert_eq!(got.notifications[0].recipient.as_ref().unwrap().language_code, "pl");
        assert_eq!(got.events.len(), 1);
        // The trace of the submitting request continues through the outbox.
        assert!(got.traceparents.iter().all(|tp| tp.starts_with("00-")), "{:?}", got.traceparents);
    }

    // A withdrawal reaches resolution too.
    t.client
        .withdraw_complaint(t.req(WithdrawComplaintRequest {
            name: c.name.clone(),
            request_id: "w-1".into(),
            ..Default::default()
        }))
        .await
        .unwrap();
    let p = peer.clone();
    assert!(eventually(Duration::from_secs(10), || async { p.0.lock().unwrap().withdrawals.len() == 1 }).await);
    let _ = stop.send(());
    t.intake.shutdown().await;
}

async fn accepted_complaints_survive_a_crash_and_their_rows_go_out_after_restart(db: TestDb) {
    let peer_addr = free_port();
    let mut cfg = config(&db, Some(peer_addr));
    // The crashed relay's claims stay leased until they expire; a short lease
    // keeps the test quick without changing what it shows.
    cfg.outbox.lease_ms = 1_000;
    let mut t = TestIntake::start_with(cfg.clone()).await;
    for i in 0..5 {
        t.client
            .submit_complaint(t.req(withdrawal_complaint(&format!("r-{i}"), &format!("p-{i}"), &format!("w-{i}"))))
            .await
            .unwrap();
    }
    // Crash: no graceful shutdown, relays die mid-flight.
    t.intake.abort();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let peer = RecordingPeer::default();
    let stop = peer.serve_on(peer_addr).await;
    let mut t = TestIntake::start_with(cfg).await;
    let list = t.client.list_complaints(t.req(ListComplaintsRequest::default())).await.unwrap().into_inner();
    assert_eq!(list.complaints.len(), 5);
    let relay = t.intake.relay().clone();
    assert!(eventually(Duration::from_secs(15), || async { relay.pending().await.unwrap() == 0 }).await);
    let mut opened: Vec<_> = peer.0.lock().unwrap().open_case.iter().map(|o| o.complaint.clone()).collect();
    opened.sort();
    opened.dedup();
    assert_eq!(opened.len(), 5, "every accepted complaint opened a case");
    let _ = stop.send(());
    t.intake.shutdown().await;
}

backend_tests!(
    rows_wait_while_peers_are_down_and_are_delivered_when_they_come_up,
    accepted_complaints_survive_a_crash_and_their_rows_go_out_after_restart,
);
