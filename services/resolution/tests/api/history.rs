//! The case history: append-only, hash-chained, and a verifier that finds
//! the first modified, deleted or reordered event.

use redress_proto::resolution::v1::{
    Case, ListCaseEventsRequest, RespondToPlayerRequest, VerifyCaseHistoryRequest, case_event::Type,
    verify_case_history_response::Problem,
};
use redress_testkit::{TestDb, backend_tests};
use sea_orm::ConnectionTrait;
use tonic::Code;

use crate::helpers::{TestResolution, open_request};

/// A case with five events.
async fn busy_case(t: &mut TestResolution, complaint: &str) -> Case {
    let case = t.open(open_request(complaint, "GB")).await;
    for i in 0..4 {
        let request = t.agent(RespondToPlayerRequest {
            name: case.name.clone(),
            request_id: format!("{complaint}-{i}"),
            body: format!("message {i}"),
            ..Default::default()
        });
        t.client.respond_to_player(request).await.unwrap();
    }
    t.get(&case.name).await
}

async fn verify(t: &mut TestResolution, name: &str) -> redress_proto::resolution::v1::VerifyCaseHistoryResponse {
    let request = t.supervisor(VerifyCaseHistoryRequest { name: name.into() });
    t.client.verify_case_history(request).await.unwrap().into_inner()
}

async fn sql(t: &TestResolution, statement: String) {
    t.resolution.db().execute_unprepared(&statement).await.unwrap();
}

async fn the_history_is_a_verifiable_hash_chain(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = busy_case(&mut t, "c1").await;
    assert_eq!(case.last_event_sequence, 5);

    // Paged, oldest first, each event linked to the one before.
    let mut events = Vec::new();
    let mut token = String::new();
    loop {
        let request = t.agent(ListCaseEventsRequest { parent: case.name.clone(), page_size: 2, page_token: token });
        let page = t.client.list_case_events(request).await.unwrap().into_inner();
        events.extend(page.events);
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(events.len(), 5);
    assert_eq!(events[0].r#type(), Type::CaseOpened);
    assert_eq!(events[1].r#type(), Type::RespondedToPlayer);
    assert!(events[0].previous_hash.is_empty());
    for pair in events.windows(2) {
        assert_eq!(pair[1].previous_hash, pair[0].hash);
        assert_eq!(pair[1].sequence, pair[0].sequence + 1);
    }
    // Anyone can recompute a hash from the event as returned.
    let recomputed = redress_resolution::domain::chain::event_hash(&events[3]);
    assert_eq!(recomputed, events[3].hash);

    let intact = verify(&mut t, &case.name).await;
    assert!(intact.intact, "{intact:?}");
    assert_eq!(intact.event_count, 5);
    assert_eq!(intact.head_hash, events[4].hash);

    // Agents may read but not verify.
    let request = t.agent(VerifyCaseHistoryRequest { name: case.name.clone() });
    assert_eq!(t.client.verify_case_history(request).await.unwrap_err().code(), Code::PermissionDenied);
    t.resolution.shutdown().await;
}

async fn the_verifier_finds_a_modified_a_deleted_and_a_reordered_event(db: TestDb) {
    let mut t = TestResolution::start(&db).await;

    let modified = busy_case(&mut t, "m").await;
    let id = modified.name.trim_start_matches("cases/").to_owned();
    sql(
        &t,
        format!("UPDATE case_events SET payload_summary = 'refund 1000000' WHERE case_id = '{id}' AND sequence = 3"),
    )
    .await;
    let v = verify(&mut t, &modified.name).await;
    assert_eq!((v.intact, v.first_bad_sequence, v.problem()), (false, 3, Problem::Modified), "{v:?}");

    let deleted = busy_case(&mut t, "d").await;
    let id = deleted.name.trim_start_matches("cases/").to_owned();
    sql(&t, format!("DELETE FROM case_events WHERE case_id = '{id}' AND sequence = 2")).await;
    let v = verify(&mut t, &deleted.name).await;
    assert_eq!((v.intact, v.first_bad_sequence, v.problem()), (false, 2, Problem::Deleted), "{v:?}");

    let head = busy_case(&mut t, "h").await;
    let id = head.name.trim_start_matches("cases/").to_owned();
    sql(&t, format!("DELETE FROM case_events WHERE case_id = '{id}' AND sequence = 5")).await;
    let v = verify(&mut t, &head.name).await;
    assert_eq!((v.first_bad_sequence, v.problem()), (5, Problem::Deleted), "{v:?}");

    let reordered = busy_case(&mut t, "r").await;
    let id = reordered.name.trim_start_matches("cases/").to_owned();
    for (from, to) in [(2, -1), (3, 2), (-1, 3)] {
        sql(&t, format!("UPDATE case_events SET sequence = {to} WHERE case_id = '{id}' AND sequence = {from}")).await;
    }
    let v = verify(&mut t, &reordered.name).await;
    assert_eq!((v.intact, v.first_bad_sequence, v.problem()), (false, 2, Problem::Reordered), "{v:?}");
    t.resolution.shutdown().await;
}

async fn concurrent_writers_keep_one_chain(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("c1", "GB")).await;
    // Ten notes at once, without etags: every one lands, none forks the chain.
    let mut tasks = Vec::new();
    for i in 0..10 {
        let mut client = t.client.clone();
        let request = t.agent(redress_proto::resolution::v1::AddInternalNoteRequest {
            name: case.name.clone(),
            request_id: format!("n-{i}"),
            body: format!("note {i}"),
            ..Default::default()
        });
        tasks.push(tokio::spawn(async move { client.add_internal_note(request).await }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let v = verify(&mut t, &case.name).await;
    assert!(v.intact, "{v:?}");
    assert_eq!(v.event_count, 11);
    t.resolution.shutdown().await;
}

backend_tests!(
    the_history_is_a_verifiable_hash_chain,
    the_verifier_finds_a_modified_a_deleted_and_a_reordered_event,
    concurrent_writers_keep_one_chain,
);
