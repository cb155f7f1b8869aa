//! A case through its workflow: open, respond, ask, propose, decide,
//! resolve, close, reopen; the refusals the contract names; what reaches the
//! peers through the outbox.

use redress_auth::Role;
use redress_proto::{
    common::v1::{ComplaintStatus, Money, Outcome, PlayerDecision, RootCause},
    notification::v1::{MessagePurpose, NotificationEvent},
    resolution::v1::{
        AddInternalNoteRequest, AssignCaseRequest, CloseCaseRequest, CloseReason, EscalateCaseRequest,
        FlagFollowUpRequest, FollowUpReason, GetCaseRequest, ProposeResolutionRequest, RecordPlayerDecisionRequest,
        RecordPlayerMessageRequest, RecordWithdrawalRequest, ReopenCaseRequest, RequestInformationRequest,
        ResolutionType, ResolveCaseRequest, RespondToPlayerRequest, case::State, clock::Kind,
        escalation::Reason as EscalationReason, proposal,
    },
};
use redress_testkit::{TestDb, authed, backend_tests, token};
use tonic::Code;

use crate::helpers::{OTHER_TENANT, RecordingPeer, TestResolution, config, drained, error_info, open_request};

fn respond(name: &str, id: &str, body: &str) -> RespondToPlayerRequest {
    RespondToPlayerRequest { name: name.into(), request_id: id.into(), body: body.into(), ..Default::default() }
}

async fn open_case_is_idempotent_per_complaint(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let first = t.open(open_request("c1", "PL")).await;
    let again = t.open(open_request("c1", "PL")).await;
    assert_eq!(first.name, again.name);
    assert_eq!(first.etag, again.etag);
    assert_eq!(first.state(), State::New);
    assert_eq!(first.queue, "payments");
    assert_eq!(first.last_event_sequence, 1);
    let kinds: Vec<_> = first.clocks.iter().map(|c| c.kind()).collect();
    assert_eq!(kinds, [Kind::Acknowledge, Kind::FinalResponse]);
    assert_eq!(first.clocks[1].breach_consequence, "deemed_accepted");
    assert!(first.next_due_time.is_some());
    assert!(first.playbook.as_ref().is_some_and(|p| !p.checks.is_empty()));

    // Another tenant sees nothing; only the service role may open cases.
    let other = authed(GetCaseRequest { name: first.name.clone() }, &token(OTHER_TENANT, &[Role::Agent]));
    assert_eq!(t.client.get_case(other).await.unwrap_err().code(), Code::NotFound);
    let request = t.agent(open_request("c2", "PL"));
    assert_eq!(t.internal.open_case(request).await.unwrap_err().code(), Code::PermissionDenied);
    t.resolution.shutdown().await;
}

async fn a_case_goes_from_first_response_to_final_response(db: TestDb) {
    let peer = RecordingPeer::default();
    let (addr, stop) = peer.serve().await;
    let mut t = TestResolution::start_with(config(&db, Some(addr))).await;
    let case = t.open(open_request("c1", "GB")).await;

    // The first response takes the case and stops the acknowledge clock.
    let request = t.agent(respond(&case.name, "r-1", "we are looking into your withdrawal"));
    let responded = t.client.respond_to_player(request).await.unwrap().into_inner();
    let c = responded.case.unwrap();
    assert_eq!(c.state(), State::InProgress);
    assert_eq!(c.assignee, "test-user");
    assert!(c.first_response_time.is_some());
    assert!(c.clocks[0].stop_time.is_some() && c.clocks[0].met);
    assert_eq!(responded.event.unwrap().sequence, 2);

    // GB allows pausing the final-response clock while waiting on the player.
    let request = t.agent(RequestInformationRequest {
        name: case.name.clone(),
        request_id: "i-1".into(),
        body: "please send proof of address".into(),
        reason: "awaiting proof of address".into(),
        ..Default::default()
    });
    let asked = t.client.request_information(request).await.unwrap().into_inner();
    assert!(asked.clock_paused);
    let c = asked.case.unwrap();
    assert_eq!(c.state(), State::AwaitingPlayer);
    assert!(c.clocks[1].paused);
    assert_eq!(c.clocks[1].pause_reason, "awaiting proof of address");
    assert!(c.next_due_time.is_none(), "a paused clock is not due");

    // The player's answer resumes it.
    let request = t.service(RecordPlayerMessageRequest {
        complaint: case.complaint.clone(),
        message_id: "complaints/c1/interactions/m1".into(),
        body: "here it is".into(),
        ..Default::default()
    });
    let c = t.internal.record_player_message(request).await.unwrap().into_inner().case.unwrap();
    assert_eq!(c.state(), State::InProgress);
    assert!(!c.clocks[1].paused && c.has_unanswered_player_message);

    // Propose, the player accepts, the final response carries it out.
    let request = t.agent(ProposeResolutionRequest {
        name: case.name.clone(),
        request_id: "p-1".into(),
        resolution_type: ResolutionType::Refund.into(),
        amount: Some(Money { amount_minor: 50000, currency_code: "GBP".into() }),
        message: "we will pay the withdrawal".into(),
        ..Default::default()
    });
    let proposed = t.client.propose_resolution(request).await.unwrap().into_inner();
    let proposal = proposed.proposal.unwrap();
    assert_eq!(proposed.case.unwrap().state(), State::ResolutionProposed);
    let request = t.service(RecordPlayerDecisionRequest {
        complaint: case.complaint.clone(),
        decision_id: "d-1".into(),
        decision: PlayerDecision::Accept.into(),
        ..Default::default()
    });
    let c = t.internal.record_player_decision(request).await.unwrap().into_inner().case.unwrap();
    assert_eq!(c.state(), State::InProgress);
    assert_eq!(c.proposals[0].state(), proposal::State::Accepted);

    let request = t.agent(ResolveCaseRequest {
        name: case.name.clone(),
        request_id: "f-1".into(),
        outcome: Outcome::Upheld.into(),
        root_cause: RootCause::KycDelay.into(),
        final_response: "the withdrawal is paid".into(),
        applied_proposal_id: proposal.proposal_id.clone(),
        ..Default::default()
    });
    let resolved = t.client.resolve_case(request).await.unwrap().into_inner().case.unwrap();
    assert_eq!(resolved.state(), State::Resolved);
    assert_eq!(resolved.outcome(), Outcome::Upheld);
    // GB requires the final response to name an ADR body: the policy's first.
    assert_eq!(resolved.final_response.as_ref().unwrap().adr_body, "IBAS");
    assert!(resolved.clocks.iter().all(|c| c.stop_time.is_some()));

    // Close, and a supervisor reopens with a new final-response clock.
    let request = t.agent(CloseCaseRequest { name: case.name.clone(), request_id: "x-1".into(), ..Default::default() });
    let closed = t.client.close_case(request).await.unwrap().into_inner().case.unwrap();
    assert_eq!(closed.state(), State::Closed);
    assert_eq!(closed.close_reason(), CloseReason::Resolved);
    let reopen = ReopenCaseRequest {
        name: case.name.clone(),
        request_id: "o-1".into(),
        reason: "player wrote again".into(),
        etag: String::new(),
    };
    let request = t.agent(reopen.clone());
    assert_eq!(t.client.reopen_case(request).await.unwrap_err().code(), Code::PermissionDenied);
    let request = t.supervisor(reopen);
    let reopened = t.client.reopen_case(request).await.unwrap().into_inner().case.unwrap();
    assert_eq!(reopened.state(), State::InProgress);
    assert_eq!(reopened.outcome(), Outcome::Unspecified);
    assert_eq!(reopened.clocks.len(), 3);
    assert!(reopened.clocks[2].stop_time.is_none());

    // The peers got the player-facing status of every step, the messages and
    // the outcome.
    drained(&t).await;
    {
        let got = peer.0.lock().unwrap();
        let statuses: Vec<_> = got.updates.iter().map(|u| (u.case_event_sequence, u.status())).collect();
        assert!(statuses.contains(&(1, ComplaintStatus::Received)), "{statuses:?}");
        assert!(statuses.iter().any(|(_, s)| *s == ComplaintStatus::AwaitingPlayer));
        assert!(statuses.iter().any(|(_, s)| *s == ComplaintStatus::ResolutionProposed));
        assert!(statuses.iter().any(|(_, s)| *s == ComplaintStatus::Resolved));
        assert!(statuses.iter().any(|(_, s)| *s == ComplaintStatus::Closed));
        let ids: std::collections::HashSet<_> = got.updates.iter().map(|u| u.event_id.clone()).collect();
        assert_eq!(ids.len(), got.updates.len(), "one event id per case event");
        let resolved = got.updates.iter().find(|u| u.status() == ComplaintStatus::Resolved).unwrap();
        assert_eq!(resolved.outcome(), Outcome::Upheld);
        assert_eq!(resolved.player_message, "the withdrawal is paid");
        let final_notice = got.notifications.iter().find(|n| n.event() == NotificationEvent::FinalResponse).unwrap();
        assert_eq!(final_notice.purpose(), MessagePurpose::LegallyRequired);
        let info = got.notifications.iter().find(|n| n.event() == NotificationEvent::InformationRequested).unwrap();
        assert_eq!(info.purpose(), MessagePurpose::Service);
        assert!(got.notifications.iter().any(|n| n.event() == NotificationEvent::AgentMessage));
        assert!(got.notifications.iter().any(|n| n.event() == NotificationEvent::ResolutionProposed));
        assert_eq!(got.outcomes.len(), 1);
        assert_eq!(got.outcomes[0].agent, "test-user");
        assert!(!got.events.is_empty());
    }
    let _ = stop.send(());
    t.resolution.shutdown().await;
}

async fn refusals_name_the_state_and_stale_etags_abort(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("c1", "PL")).await;

    // A stale etag is ABORTED; the current one works.
    let request = t.agent(AssignCaseRequest {
        name: case.name.clone(),
        assignee: "test-user".into(),
        queue: String::new(),
        etag: "\"0\"".into(),
    });
    let err = t.client.assign_case(request).await.unwrap_err();
    assert_eq!(err.code(), Code::Aborted);
    assert_eq!(error_info(&err).0, "ETAG_MISMATCH");
    let request = t.agent(AssignCaseRequest {
        name: case.name.clone(),
        assignee: "test-user".into(),
        queue: String::new(),
        etag: case.etag.clone(),
    });
    let assigned = t.client.assign_case(request).await.unwrap().into_inner().case.unwrap();
    assert_eq!(assigned.state(), State::InProgress);
    // Assigning the same again records nothing.
    let request =
        t.agent(AssignCaseRequest { name: case.name.clone(), assignee: "test-user".into(), ..Default::default() });
    let same = t.client.assign_case(request).await.unwrap().into_inner().case.unwrap();
    assert_eq!(same.last_event_sequence, assigned.last_event_sequence);
    // An agent may not hand the case to someone else.
    let request =
        t.agent(AssignCaseRequest { name: case.name.clone(), assignee: "agent-9".into(), ..Default::default() });
    assert_eq!(t.client.assign_case(request).await.unwrap_err().code(), Code::PermissionDenied);

    // request_id: the same request replays, another payload is refused.
    let first = t.client.respond_to_player(t.agent(respond(&case.name, "r-1", "hello"))).await.unwrap().into_inner();
    let replay = t.client.respond_to_player(t.agent(respond(&case.name, "r-1", "hello"))).await.unwrap().into_inner();
    assert_eq!(first, replay);
    let err = t.client.respond_to_player(t.agent(respond(&case.name, "r-1", "other"))).await.unwrap_err();
    assert_eq!(err.code(), Code::AlreadyExists);
    assert_eq!(error_info(&err).0, "IDEMPOTENCY_KEY_REUSED");

    // An escalation with the sweeper's reason is refused; a normal one works,
    // and a second one is an illegal transition naming the state.
    let escalate = |id: &str, reason: EscalationReason| EscalateCaseRequest {
        name: case.name.clone(),
        request_id: id.into(),
        reason: reason.into(),
        comment: "needs a supervisor".into(),
        ..Default::default()
    };
    let err = t.client.escalate_case(t.agent(escalate("e-0", EscalationReason::SlaBreach))).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let c = t
        .client
        .escalate_case(t.agent(escalate("e-1", EscalationReason::AgentRequest)))
        .await
        .unwrap()
        .into_inner()
        .case
        .unwrap();
    assert_eq!((c.state(), c.queue.as_str()), (State::Escalated, "escalations"));
    let err = t.client.escalate_case(t.agent(escalate("e-2", EscalationReason::AgentRequest))).await.unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert_eq!(err.message(), "case is STATE_ESCALATED");
    let (reason, metadata) = error_info(&err);
    assert_eq!(reason, "ILLEGAL_STATE_TRANSITION");
    assert_eq!(metadata.get("state").map(String::as_str), Some("STATE_ESCALATED"));

    // Closing an open case needs a supervisor and an allowed reason.
    let close = |id: &str, reason: CloseReason| CloseCaseRequest {
        name: case.name.clone(),
        request_id: id.into(),
        reason: reason.into(),
        ..Default::default()
    };
    assert_eq!(
        t.client.close_case(t.agent(close("x-1", CloseReason::Duplicate))).await.unwrap_err().code(),
        Code::PermissionDenied
    );
    assert_eq!(
        t.client.close_case(t.supervisor(close("x-2", CloseReason::Resolved))).await.unwrap_err().code(),
        Code::FailedPrecondition
    );
    assert_eq!(
        t.client.close_case(t.supervisor(close("x-3", CloseReason::Withdrawn))).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    let closed = t
        .client
        .close_case(t.supervisor(close("x-4", CloseReason::Duplicate)))
        .await
        .unwrap()
        .into_inner()
        .case
        .unwrap();
    assert_eq!(closed.state(), State::Closed);
    let err = t.client.respond_to_player(t.agent(respond(&case.name, "r-2", "hello"))).await.unwrap_err();
    assert_eq!(err.message(), "case is STATE_CLOSED");

    // Notes and follow-up flags are accepted in every state.
    let request = t.service(FlagFollowUpRequest {
        name: case.name.clone(),
        feedback_id: "s-1".into(),
        reason: FollowUpReason::LowCsat.into(),
        score: 1,
        ..Default::default()
    });
    let flagged = t.internal.flag_follow_up(request).await.unwrap().into_inner().case.unwrap();
    assert!(flagged.follow_up_pending);
    let note = |close| AddInternalNoteRequest {
        name: case.name.clone(),
        request_id: format!("n-{close}"),
        body: "spoke to the player".into(),
        close_follow_up: close,
        etag: String::new(),
    };
    assert_eq!(t.client.add_internal_note(t.agent(note(true))).await.unwrap_err().code(), Code::PermissionDenied);
    let noted = t.client.add_internal_note(t.supervisor(note(true))).await.unwrap().into_inner().case.unwrap();
    assert!(!noted.follow_up_pending);
    t.resolution.shutdown().await;
}

async fn vulnerable_players_get_no_bonus_and_withdrawals_close(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let mut request = open_request("c1", "MT");
    request.player.as_mut().unwrap().at_risk = true;
    let case = t.open(request).await;
    let propose = |kind: ResolutionType| ProposeResolutionRequest {
        name: case.name.clone(),
        request_id: format!("p-{}", kind as i32),
        resolution_type: kind.into(),
        amount: Some(Money { amount_minor: 1000, currency_code: "EUR".into() }),
        message: "an offer".into(),
        ..Default::default()
    };
    let err = t.client.propose_resolution(t.agent(propose(ResolutionType::BonusCredit))).await.unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert_eq!(error_info(&err).0, "BONUS_NOT_ALLOWED_FOR_VULNERABLE_PLAYER");
    t.client.propose_resolution(t.agent(propose(ResolutionType::Refund))).await.unwrap();

    // The player withdraws: closed as WITHDRAWN, every clock stopped.
    let request = t.service(RecordWithdrawalRequest {
        complaint: case.complaint.clone(),
        withdrawal_id: "w-1".into(),
        ..Default::default()
    });
    let closed = t.internal.record_withdrawal(request).await.unwrap().into_inner().case.unwrap();
    assert_eq!((closed.state(), closed.close_reason()), (State::Closed, CloseReason::Withdrawn));
    assert!(closed.clocks.iter().all(|c| c.stop_time.is_some()));
    assert_eq!(closed.proposals[0].state(), proposal::State::Superseded);
    // Messages for an unknown complaint wait for OpenCase.
    let request = t.service(RecordPlayerMessageRequest {
        complaint: "complaints/nope".into(),
        message_id: "m".into(),
        ..Default::default()
    });
    let err = t.internal.record_player_message(request).await.unwrap_err();
    assert_eq!((err.code(), error_info(&err).0.as_str()), (Code::FailedPrecondition, "CASE_NOT_OPENED"));
    t.resolution.shutdown().await;
}

async fn polish_final_responses_also_go_by_email(db: TestDb) {
    let peer = RecordingPeer::default();
    let (addr, stop) = peer.serve().await;
    let mut t = TestResolution::start_with(config(&db, Some(addr))).await;
    let mut open = open_request("c1", "PL");
    open.player.as_mut().unwrap().preferred_channel = redress_proto::common::v1::Channel::LiveChat.into();
    let case = t.open(open).await;
    let request = t.agent(ResolveCaseRequest {
        name: case.name.clone(),
        request_id: "f".into(),
        outcome: Outcome::NotUpheld.into(),
        root_cause: RootCause::PlayerError.into(),
        final_response: "odpowiedź".into(),
        ..Default::default()
    });
    let resolved = t.client.resolve_case(request).await.unwrap().into_inner().case.unwrap();
    // PL names no ADR body; the final response was the first response.
    assert_eq!(resolved.final_response.unwrap().adr_body, "");
    drained(&t).await;
    {
        let got = peer.0.lock().unwrap();
        let channels: Vec<_> = got
            .notifications
            .iter()
            .filter(|n| n.event() == NotificationEvent::FinalResponse)
            .map(|n| n.channel())
            .collect();
        use redress_proto::common::v1::Channel;
        assert_eq!(channels.len(), 2, "{channels:?}");
        assert!(channels.contains(&Channel::Email) && channels.contains(&Channel::LiveChat));
        use redress_proto::feedback::v1::EventType;
        assert!(got.events.iter().any(|e| e.r#type() == EventType::FirstResponse));
        let resolved = got.events.iter().find(|e| e.r#type() == EventType::Resolved).unwrap();
        assert!(resolved.clock_met, "resolved within 14 days");
    }
    let _ = stop.send(());
    t.resolution.shutdown().await;
}

async fn feedback_hears_whether_the_acknowledgment_came_in_time(db: TestDb) {
    let peer = RecordingPeer::default();
    let (addr, stop) = peer.serve().await;
    let mut t = TestResolution::start_with(config(&db, Some(addr))).await;
    let on_time = t.open(open_request("on-time", "GB")).await;
    // Opened with an acknowledge deadline that passed a day ago.
    let mut late = open_request("late", "GB");
    late.deadlines.as_mut().unwrap().acknowledge_due_time.as_mut().unwrap().seconds -= 2 * 86_400;
    let late = t.open(late).await;
    t.client.respond_to_player(t.agent(respond(&on_time.name, "r-1", "we are looking into it"))).await.unwrap();
    // A first response by a question stops the clock too.
    let ask = RequestInformationRequest {
        name: late.name.clone(),
        request_id: "i-1".into(),
        body: "please send a bank statement".into(),
        reason: "statement".into(),
        ..Default::default()
    };
    t.client.request_information(t.agent(ask)).await.unwrap();
    // A second message acknowledges nothing new.
    t.client.respond_to_player(t.agent(respond(&on_time.name, "r-2", "still on it"))).await.unwrap();
    drained(&t).await;
    {
        use redress_proto::feedback::v1::EventType;
        let got = peer.0.lock().unwrap();
        let acknowledged: Vec<(&str, &str, bool)> = got
            .events
            .iter()
            .filter(|e| e.r#type() == EventType::Acknowledged)
            .map(|e| (e.case.as_str(), e.clock.as_str(), e.clock_met))
            .collect();
        assert_eq!(acknowledged.len(), 2, "{acknowledged:?}");
        assert!(acknowledged.contains(&(on_time.name.as_str(), "acknowledge", true)), "{acknowledged:?}");
        assert!(acknowledged.contains(&(late.name.as_str(), "acknowledge", false)), "{acknowledged:?}");
    }
    let _ = stop.send(());
    t.resolution.shutdown().await;
}

backend_tests!(
    feedback_hears_whether_the_acknowledgment_came_in_time,
    polish_final_responses_also_go_by_email,
    open_case_is_idempotent_per_complaint,
    a_case_goes_from_first_response_to_final_response,
    refusals_name_the_state_and_stale_etags_abort,
    vulnerable_players_get_no_bonus_and_withdrawals_close,
);
