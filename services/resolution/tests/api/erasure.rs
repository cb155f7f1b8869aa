//! ErasePlayerRecords: a case's words go, its hash chain keeps verifying; a
//! history written in chain version 1 is resealed as version 2 first, and
//! the appended PERSONAL_DATA_ERASED event names the head it had before.

use redress_proto::resolution::v1::{
    CaseEvent, ErasePlayerRecordsRequest, ListCaseEventsRequest, RecordPlayerMessageRequest, RespondToPlayerRequest,
    VerifyCaseHistoryRequest, case_event::Type,
};
use redress_resolution::domain::chain;
use redress_testkit::{TestDb, backend_tests};
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::helpers::{TestResolution, open_request};

async fn events(t: &mut TestResolution, case: &str) -> Vec<CaseEvent> {
    let request = t.supervisor(ListCaseEventsRequest { parent: case.into(), page_size: 100, ..Default::default() });
    t.client.list_case_events(request).await.unwrap().into_inner().events
}

async fn intact(t: &mut TestResolution, case: &str) -> bool {
    let request = t.supervisor(VerifyCaseHistoryRequest { name: case.into() });
    let verified = t.client.verify_case_history(request).await.unwrap().into_inner();
    assert!(verified.intact, "{verified:?}");
    verified.intact
}

/// Rewrites a case's stored history as chain version 1 (as events stored
/// before erasure support are); returns the version-1 head hash.
async fn downgrade_to_version_1(t: &mut TestResolution, case: &str) -> String {
    let id = case.trim_start_matches("cases/");
    let mut previous = String::new();
    for mut event in events(t, case).await {
        event.chain_version = 0;
        event.summary_hash.clear();
        event.summary_salt.clear();
        chain::seal(&mut event, &previous);
        let sql = format!(
            "UPDATE case_events SET chain_version = 0, summary_hash = '', summary_salt = '', previous_hash = '{}', \
             hash = '{}' WHERE case_id = '{id}' AND sequence = {}",
            event.previous_hash, event.hash, event.sequence
        );
        t.resolution.db().execute_unprepared(&sql).await.unwrap();
        previous = event.hash;
    }
    let sql = format!("UPDATE cases SET head_hash = '{previous}' WHERE id = '{id}'");
    t.resolution.db().execute_unprepared(&sql).await.unwrap();
    previous
}

fn erase(erasure: &str, player_id: &str) -> ErasePlayerRecordsRequest {
    ErasePlayerRecordsRequest {
        erasure: erasure.into(),
        player_id: player_id.into(),
        complaints: Vec::new(),
        all_records: true,
    }
}

async fn a_version_1_history_is_resealed_erased_and_still_verifies(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("c1", "GB")).await;
    for i in 0..2 {
        let request = t.agent(RespondToPlayerRequest {
            name: case.name.clone(),
            request_id: format!("r-{i}"),
            body: format!("Dear Anna, message {i}"),
            ..Default::default()
        });
        t.client.respond_to_player(request).await.unwrap();
    }
    assert!(events(&mut t, &case.name).await.iter().all(|e| e.chain_version == 2), "new events are version 2");
    let v1_head = downgrade_to_version_1(&mut t, &case.name).await;
    assert!(intact(&mut t, &case.name).await, "a version-1 history verifies as it was");

    let request = t.service(erase("erasures/e-1", "player-c1"));
    let erased = t.internal.erase_player_records(request).await.unwrap().into_inner();
    assert!(erased.erased_count > 0);
    assert!(intact(&mut t, &case.name).await);
    let history = events(&mut t, &case.name).await;
    let (last, earlier) = history.split_last().unwrap();
    assert!(history.iter().all(|e| e.chain_version == 2), "{history:?}");
    assert!(earlier.iter().all(|e| e.payload_summary.is_empty() && e.erase_time.is_some()), "{earlier:?}");
    assert_eq!(last.r#type(), Type::PersonalDataErased);
    assert!(last.payload_summary.contains("erasures/e-1"), "{last:?}");
    assert!(last.payload_summary.ends_with(&format!("previous head {v1_head}")), "{last:?}");
    let kept = t.get(&case.name).await;
    let player = kept.player.clone().unwrap();
    assert!(player.display_name.is_empty() && player.email.is_empty());
    assert_eq!((kept.description.as_str(), player.player_id.as_str()), ("[erased]", "player-c1"));

    // The same erasure again changes nothing; another erasure only appends.
    let request = t.service(erase("erasures/e-1", "player-c1"));
    assert_eq!(t.internal.erase_player_records(request).await.unwrap().into_inner(), erased);
    assert_eq!(events(&mut t, &case.name).await.len(), history.len());
    let request = t.service(erase("erasures/e-2", "player-c1"));
    t.internal.erase_player_records(request).await.unwrap();
    let again = events(&mut t, &case.name).await;
    assert_eq!(again.len(), history.len() + 1);
    assert_eq!(again[..history.len()], history[..], "erasing twice leaves the erased events as they were");
    assert!(intact(&mut t, &case.name).await);

    // Another tenant's service, or an agent, may not call it.
    let denied = t.internal.erase_player_records(t.agent(erase("erasures/e-3", "player-c1"))).await.unwrap_err();
    assert_eq!(denied.code(), tonic::Code::PermissionDenied);
}

/// Outbox deliveries are not ordered: intake's OpenCase and a player's
/// message can arrive after the complaint's erasure did. They are stored
/// without the player's name, address and words, and nothing resolution
/// sends on (the acknowledgment) carries them.
async fn writes_arriving_after_their_complaints_erasure_are_stored_erased(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let erasure = ErasePlayerRecordsRequest {
        erasure: "erasures/e-late".into(),
        player_id: "player-late".into(),
        complaints: vec!["complaints/late".into()],
        all_records: false,
    };
    let erased = t.internal.erase_player_records(t.service(erasure)).await.unwrap().into_inner();
    assert_eq!(erased.erased_count, 0, "nothing here yet");

    let mut opening = open_request("late", "GB");
    opening.player.as_mut().unwrap().display_name = "Anna CANARY".into();
    opening.subject = "CANARY's withdrawal".into();
    opening.description = "CANARY waited ten days".into();
    let case = t.open(opening).await;
    let player = case.player.clone().unwrap();
    assert!(player.display_name.is_empty() && player.email.is_empty(), "{player:?}");
    assert_eq!((case.subject.as_str(), case.description.as_str()), ("[erased]", "[erased]"));
    assert_eq!(player.player_id, "player-late", "the facts stay");
    let message = RecordPlayerMessageRequest {
        complaint: "complaints/late".into(),
        message_id: "m-late".into(),
        body: "CANARY again".into(),
        ..Default::default()
    };
    t.internal.record_player_message(t.service(message)).await.unwrap();
    assert!(intact(&mut t, &case.name).await);

    // Not in its history, nor in what resolution sends on or replays.
    let history = events(&mut t, &case.name).await;
    assert!(history.iter().all(|e| !e.payload_summary.contains("CANARY")), "{history:?}");
    let holds =
        |bytes: &[u8]| bytes.windows(6).any(|w| w == b"CANARY") || bytes.windows(16).any(|w| w == b"anna@example.com");
    let sent = redress_outbox::entity::Entity::find().all(t.resolution.db()).await.unwrap();
    assert!(!sent.is_empty() && sent.iter().all(|r| !holds(&r.payload)), "the outbox holds the canary");
    let replays = redress_idempotency::entity::Entity::find().all(t.resolution.db()).await.unwrap();
    assert!(replays.iter().all(|r| !holds(&r.response)), "a saved response holds the canary");

    // A complaint that was not erased opens as always.
    let other = t.open(open_request("kept", "GB")).await;
    assert_eq!(other.player.unwrap().display_name, "Anna");
}

backend_tests!(
    a_version_1_history_is_resealed_erased_and_still_verifies,
    writes_arriving_after_their_complaints_erasure_are_stored_erased
);
