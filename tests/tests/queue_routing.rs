//! Queues across the real services: a casino's supervisor defines a queue
//! for Maltese bonus complaints in least-loaded mode; a complaint a player
//! files with intake becomes a case in that queue, assigned to the available
//! agent with the fewest open cases. A case recategorised into the queue's
//! category follows the routing there, and its escalation goes to the queue
//! whose escalation rule matches.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use redress_auth::{Issuer, Role};
use redress_e2e::{Sandbox, TENANT};
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::SubmitComplaintRequest,
    resolution::v1::{
        AssignCaseRequest, Case, CreateQueueRequest, EscalateCaseRequest, ListCasesRequest, Queue,
        RecategoriseCaseRequest, RoutingRule, SetAgentAvailabilityRequest, escalation, queue::AssignmentMode,
    },
};
use redress_testkit::{Backend, TEST_SECRET, authed, eventually};

const WAIT: Duration = Duration::from_secs(25);

fn token_of(subject: &str, roles: &[Role]) -> String {
    Issuer::hs256(TEST_SECRET, "redress", "redress").mint(TENANT, subject, roles, Duration::from_secs(3600)).unwrap()
}

fn complaint(i: &str, jurisdiction: &str, category: ComplaintCategory) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: format!("q-{i}"),
        player: Some(Player {
            player_id: format!("player-{i}"),
            display_name: "Maria".into(),
            email: format!("maria-{i}@example.com"),
            language_code: "en".into(),
            jurisdiction: jurisdiction.into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: format!("W-{i}"),
            bonus_id: format!("B-{i}"),
            ..Default::default()
        }),
        category: category.into(),
        subject: format!("Complaint {i}"),
        description: "My bonus was not credited after the deposit.".into(),
        channel: Channel::Email.into(),
        ..Default::default()
    }
}

/// Files a complaint and waits for its case.
async fn file(s: &Sandbox, backend: &str, agent: &str, request: SubmitComplaintRequest) -> Case {
    let filed = s.intake().submit_complaint(authed(request, backend)).await.unwrap().into_inner();
    let name = filed.complaint.unwrap().name;
    let find = || async {
        s.resolution()
            .list_cases(authed(ListCasesRequest { complaint: name.clone(), ..Default::default() }, agent))
            .await
            .ok()
            .and_then(|r| r.into_inner().cases.into_iter().next())
    };
    assert!(eventually(WAIT, || async { find().await.is_some() }).await, "no case for {name}");
    find().await.unwrap()
}

async fn a_complaint_is_routed_by_a_queue_rule_and_auto_assigned(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let supervisor = token_of("lead", &[Role::Supervisor]);
    let backend_token = s.token(&[Role::Backend]);
    let queue = Queue {
        display_name: "Malta bonus desk".into(),
        priority: 10,
        rules: vec![RoutingRule {
            categories: vec![ComplaintCategory::Bonus.into()],
            jurisdictions: vec!["MT".into()],
            ..Default::default()
        }],
        assignment_mode: AssignmentMode::LeastLoaded.into(),
        ..Default::default()
    };
    let create = CreateQueueRequest { request_id: "malta".into(), queue_id: "malta-bonus".into(), queue: Some(queue) };
    s.resolution().create_queue(authed(create, &supervisor)).await.unwrap();
    for agent in ["agent-busy", "agent-free"] {
        let available = SetAgentAvailabilityRequest {
            available: true,
            capacity: 10,
            queues: vec!["queues/malta-bonus".into()],
            ..Default::default()
        };
        s.resolution().set_agent_availability(authed(available, &token_of(agent, &[Role::Agent]))).await.unwrap();
    }
    // agent-busy already works two cases of the built-in routing.
    for i in ["gb-1", "gb-2"] {
        let case = file(&s, &backend_token, &supervisor, complaint(i, "GB", ComplaintCategory::Withdrawal)).await;
        assert_eq!(case.queue, "payments", "no queue matches: the built-in routing");
        let assign = AssignCaseRequest { name: case.name, assignee: "agent-busy".into(), ..Default::default() };
        s.resolution().assign_case(authed(assign, &supervisor)).await.unwrap();
    }

    let case = file(&s, &backend_token, &supervisor, complaint("mt-1", "MT", ComplaintCategory::Bonus)).await;
    assert_eq!((case.queue.as_str(), case.assignee.as_str()), ("malta-bonus", "agent-free"));

    // Routing follows a recategorisation, and an escalation goes to the
    // queue whose escalation rule matches.
    let escalations = Queue {
        priority: 10,
        rules: vec![RoutingRule { jurisdictions: vec!["MT".into()], escalated: Some(true), ..Default::default() }],
        ..Default::default()
    };
    let create = CreateQueueRequest {
        request_id: "malta-esc".into(),
        queue_id: "malta-escalations".into(),
        queue: Some(escalations),
    };
    s.resolution().create_queue(authed(create, &supervisor)).await.unwrap();
    let case = file(&s, &backend_token, &supervisor, complaint("mt-2", "MT", ComplaintCategory::Withdrawal)).await;
    assert_eq!(case.queue, "payments", "an escalation rule does not route a new case");
    let recategorise = RecategoriseCaseRequest {
        name: case.name.clone(),
        request_id: "recat-mt-2".into(),
        category: ComplaintCategory::Bonus.into(),
        reason: "it is about the welcome bonus".into(),
        ..Default::default()
    };
    let moved = s.resolution().recategorise_case(authed(recategorise, &supervisor)).await.unwrap().into_inner();
    assert_eq!(moved.case.unwrap().queue, "malta-bonus");
    let escalate = EscalateCaseRequest {
        name: case.name.clone(),
        request_id: "esc-mt-2".into(),
        reason: escalation::Reason::PlayerRequest.into(),
        comment: "the player asks for a manager".into(),
        ..Default::default()
    };
    let escalated = s.resolution().escalate_case(authed(escalate, &supervisor)).await.unwrap().into_inner();
    assert_eq!(escalated.case.unwrap().queue, "malta-escalations");
    s.shutdown().await;
}

redress_e2e::on_both_backends!(a_complaint_is_routed_by_a_queue_rule_and_auto_assigned);
