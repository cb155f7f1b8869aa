//! RecategoriseCase: the category (and root cause) change with a reason, in
//! the verified history, to intake and feedback through the outbox; with
//! its refusals (validation, closed case, unchanged, another agent's case,
//! stale etag) and idempotency on `request_id`.

use redress_auth::Role;
use redress_proto::{
    common::v1::{ComplaintCategory, RootCause},
    feedback::v1::EventType,
    resolution::v1::{
        AssignCaseRequest, CloseCaseRequest, CloseReason, ListCaseEventsRequest, RecategoriseCaseRequest,
        VerifyCaseHistoryRequest, case::State, case_event::Type,
    },
};
use redress_testkit::{TestDb, authed, backend_tests, token, violated_fields};
use tonic::Code;

use crate::helpers::{RecordingPeer, TENANT, TestResolution, config, drained, error_info, open_request};

fn recategorise(name: &str, id: &str, category: ComplaintCategory) -> RecategoriseCaseRequest {
    RecategoriseCaseRequest {
        name: name.into(),
        request_id: id.into(),
        category: category.into(),
        reason: "the player's withdrawal was a bonus payout".into(),
        ..Default::default()
    }
}

async fn a_recategorisation_is_in_the_verified_history_and_reaches_the_peers(db: TestDb) {
    let peer = RecordingPeer::default();
    let (addr, stop) = peer.serve().await;
    let mut t = TestResolution::start_with(config(&db, Some(addr))).await;
    let case = t.open(open_request("c1", "GB")).await;
    assert_eq!(case.original_category(), ComplaintCategory::Withdrawal);

    let mut request = recategorise(&case.name, "rc-1", ComplaintCategory::Bonus);
    request.root_cause = RootCause::BonusMisunderstanding.into();
    request.etag = case.etag.clone();
    let changed = t.client.recategorise_case(t.agent(request.clone())).await.unwrap().into_inner().case.unwrap();
    assert_eq!(changed.category(), ComplaintCategory::Bonus);
    assert_eq!(changed.original_category(), ComplaintCategory::Withdrawal);
    assert_eq!(changed.root_cause(), RootCause::BonusMisunderstanding);
    assert_eq!(changed.state(), State::New, "the state does not change");
    assert_eq!(changed.queue, case.queue, "the queue is kept for now");
    assert_eq!(changed.last_event_sequence, 2);

    // A retry with the same request id replays; the history grows once.
    let again = t.client.recategorise_case(t.agent(request)).await.unwrap().into_inner().case.unwrap();
    assert_eq!(again.etag, changed.etag);
    assert_eq!(t.get(&case.name).await.last_event_sequence, 2);

    let events = t
        .client
        .list_case_events(t.agent(ListCaseEventsRequest { parent: case.name.clone(), ..Default::default() }))
        .await
        .unwrap()
        .into_inner()
        .events;
    let event = events.last().unwrap();
    assert_eq!(event.r#type(), Type::Recategorised);
    assert_eq!(event.actor, "test-user");
    assert_eq!(
        event.payload_summary,
        "recategorised from COMPLAINT_CATEGORY_WITHDRAWAL to COMPLAINT_CATEGORY_BONUS; root cause \
         ROOT_CAUSE_UNSPECIFIED to ROOT_CAUSE_BONUS_MISUNDERSTANDING: the player's withdrawal was a bonus payout"
    );
    let verified = t
        .client
        .verify_case_history(t.supervisor(VerifyCaseHistoryRequest { name: case.name.clone() }))
        .await
        .unwrap()
        .into_inner();
    assert!(verified.intact, "{}", verified.detail);
    assert_eq!(verified.event_count, 2);

    drained(&t).await;
    {
        let got = peer.0.lock().unwrap();
        let update = got.updates.iter().find(|u| u.case_event_sequence == 2).unwrap();
        assert_eq!(update.category(), ComplaintCategory::Bonus);
        assert!(got.updates.iter().filter(|u| u.case_event_sequence != 2).all(|u| u.category == 0));
        let fact = got.events.iter().find(|e| e.r#type() == EventType::Recategorised).unwrap();
        assert_eq!(fact.category(), ComplaintCategory::Bonus);
        assert_eq!(fact.original_category(), ComplaintCategory::Withdrawal);
        assert_eq!(fact.agent, "test-user");
    }
    let _ = stop.send(());
    t.resolution.shutdown().await;
}

async fn recategorisation_refusals_name_the_field_state_or_rule(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("c1", "PL")).await;

    // Validation: one violation per bad field.
    let bad = RecategoriseCaseRequest {
        name: case.name.clone(),
        root_cause: 99,
        reason: "x".repeat(2001),
        ..Default::default()
    };
    let err = t.client.recategorise_case(t.agent(bad)).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&err), ["category", "reason", "request_id", "root_cause"]);
    let mut unknown = recategorise(&case.name, "rc-0", ComplaintCategory::Bonus);
    unknown.category = 42;
    let err = t.client.recategorise_case(t.agent(unknown)).await.unwrap_err();
    assert_eq!(violated_fields(&err), ["category"]);
    let err = t.client.recategorise_case(t.agent(recategorise("cases/", "rc-0", ComplaintCategory::Bonus))).await;
    assert_eq!(err.unwrap_err().code(), Code::InvalidArgument);

    // The same category and no new root cause: refused, nothing recorded.
    let same = recategorise(&case.name, "rc-1", ComplaintCategory::Withdrawal);
    let err = t.client.recategorise_case(t.agent(same)).await.unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert_eq!(error_info(&err).0, "CATEGORY_UNCHANGED");
    assert_eq!(t.get(&case.name).await.last_event_sequence, 1);

    // A stale etag aborts.
    let mut stale = recategorise(&case.name, "rc-2", ComplaintCategory::Bonus);
    stale.etag = "\"v-stale\"".into();
    let err = t.client.recategorise_case(t.agent(stale)).await.unwrap_err();
    assert_eq!(err.code(), Code::Aborted);
    assert_eq!(error_info(&err).0, "ETAG_MISMATCH");

    // Roles: not an analyst or the backend; an agent only an unassigned case
    // or their own, a supervisor any.
    for role in [Role::Analyst, Role::Backend] {
        let request = authed(recategorise(&case.name, "rc-3", ComplaintCategory::Bonus), &token(TENANT, &[role]));
        assert_eq!(t.client.recategorise_case(request).await.unwrap_err().code(), Code::PermissionDenied);
    }
    let assign = AssignCaseRequest { name: case.name.clone(), assignee: "bob".into(), ..Default::default() };
    t.client.assign_case(t.supervisor(assign)).await.unwrap();
    let err = t.client.recategorise_case(t.agent(recategorise(&case.name, "rc-4", ComplaintCategory::Bonus))).await;
    let err = err.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    assert_eq!(error_info(&err).0, "MISSING_ROLE");
    let by_supervisor = recategorise(&case.name, "rc-5", ComplaintCategory::Bonus);
    let c = t.client.recategorise_case(t.supervisor(by_supervisor)).await.unwrap().into_inner().case.unwrap();
    assert_eq!(c.category(), ComplaintCategory::Bonus);

    // A closed case is refused with the state named.
    let close = CloseCaseRequest {
        name: case.name.clone(),
        request_id: "close".into(),
        reason: CloseReason::Duplicate.into(),
        ..Default::default()
    };
    t.client.close_case(t.supervisor(close)).await.unwrap();
    let request = recategorise(&case.name, "rc-6", ComplaintCategory::Deposit);
    let err = t.client.recategorise_case(t.supervisor(request)).await.unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    let (reason, metadata) = error_info(&err);
    assert_eq!(reason, "ILLEGAL_STATE_TRANSITION");
    assert_eq!(metadata.get("state").map(String::as_str), Some("STATE_CLOSED"));
    t.resolution.shutdown().await;
}

backend_tests!(
    a_recategorisation_is_in_the_verified_history_and_reaches_the_peers,
    recategorisation_refusals_name_the_field_state_or_rule,
);
