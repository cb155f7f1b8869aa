//! Queues as resources, routing by the tenant's queue rules and automatic
//! assignment at OpenCase, on SQLite and PostgreSQL.

use std::time::Duration;

use chrono::Utc;
use prost_types::{FieldMask, Timestamp};
use redress_auth::{Issuer, Role};
use redress_proto::{
    common::v1::{ComplaintCategory, Deadlines},
    resolution::v1::{
        AssignCaseRequest, BusinessHours, CreateQueueRequest, DeleteQueueRequest, GetQueueRequest, ListAgentsRequest,
        ListCaseEventsRequest, ListQueuesRequest, OpenCaseRequest, Queue, RoutingRule, SetAgentAvailabilityRequest,
        UpdateQueueRequest, business_hours::Range, case_event::Type, queue::AssignmentMode,
    },
};
use redress_testkit::{TEST_SECRET, TestDb, authed, backend_tests, violated_fields};
use tonic::{Code, Request};

use crate::helpers::{OTHER_TENANT, TENANT, TestResolution, error_info, open_request};

/// A token of `TENANT` for `subject` with `roles`.
fn token_of(subject: &str, roles: &[Role]) -> String {
    Issuer::hs256(TEST_SECRET, "redress", "redress").mint(TENANT, subject, roles, Duration::from_secs(3600)).unwrap()
}

fn as_agent<T>(subject: &str, message: T) -> Request<T> {
    authed(message, &token_of(subject, &[Role::Agent]))
}

fn create(request_id: &str, id: &str, queue: Queue) -> CreateQueueRequest {
    CreateQueueRequest { request_id: request_id.into(), queue_id: id.into(), queue: Some(queue) }
}

fn malta_bonus(mode: AssignmentMode) -> Queue {
    Queue {
        display_name: "Malta bonus desk".into(),
        priority: 10,
        rules: vec![RoutingRule {
            categories: vec![ComplaintCategory::Bonus.into()],
            jurisdictions: vec!["MT".into()],
            ..Default::default()
        }],
        supervisors: vec!["lead@casino-a.example".into()],
        business_hours: Some(BusinessHours {
            time_zone: "Europe/Malta".into(),
            ranges: vec![Range { weekday: 1, start_minute: 9 * 60, end_minute: 17 * 60 }],
        }),
        assignment_mode: mode.into(),
        ..Default::default()
    }
}

fn catch_all(mode: AssignmentMode) -> Queue {
    Queue { display_name: "Everything else".into(), priority: 1000, assignment_mode: mode.into(), ..Default::default() }
}

fn availability(agent: &str, available: bool, capacity: i32, queues: &[&str]) -> SetAgentAvailabilityRequest {
    SetAgentAvailabilityRequest {
        agent: format!("agents/{agent}"),
        available,
        capacity,
        queues: queues.iter().map(|q| format!("queues/{q}")).collect(),
    }
}

/// A Maltese player's bonus complaint.
fn mt_bonus(complaint: &str) -> OpenCaseRequest {
    let mut req = open_request(complaint, "MT");
    req.category = ComplaintCategory::Bonus.into();
    req
}

async fn queues_are_created_read_listed_updated_and_deleted(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let first = create("q-1", "malta-bonus", malta_bonus(AssignmentMode::LeastLoaded));
    let created = t.client.create_queue(t.supervisor(first.clone())).await.unwrap().into_inner().queue.unwrap();
    assert_eq!(created.name, "queues/malta-bonus");
    assert_eq!(created.rules.len(), 1);
    assert!(!created.etag.is_empty() && created.create_time.is_some());
    let replay = t.client.create_queue(t.supervisor(first.clone())).await.unwrap().into_inner().queue.unwrap();
    assert_eq!(replay, created, "idempotent on request_id");

    let reused = CreateQueueRequest { queue_id: "other".into(), ..first.clone() };
    let err = t.client.create_queue(t.supervisor(reused)).await.unwrap_err();
    assert_eq!((err.code(), error_info(&err).0.as_str()), (Code::AlreadyExists, "IDEMPOTENCY_KEY_REUSED"));
    let taken = CreateQueueRequest { request_id: "q-2".into(), ..first.clone() };
    let err = t.client.create_queue(t.supervisor(taken)).await.unwrap_err();
    assert_eq!((err.code(), error_info(&err).0.as_str()), (Code::AlreadyExists, "QUEUE_ALREADY_EXISTS"));
    let by_agent = create("q-3", "agents-queue", catch_all(AssignmentMode::None));
    assert_eq!(t.client.create_queue(t.agent(by_agent)).await.unwrap_err().code(), Code::PermissionDenied);

    // Every bad field at once.
    let mut bad = malta_bonus(AssignmentMode::RoundRobin);
    bad.rules[0].jurisdictions = vec!["MLT".into()];
    bad.rules[0].categories.push(0);
    bad.business_hours = Some(BusinessHours {
        time_zone: "Malta".into(),
        ranges: vec![Range { weekday: 0, start_minute: 600, end_minute: 600 }],
    });
    bad.priority = -1;
    bad.assignment_mode = 42;
    let err = t.client.create_queue(t.supervisor(create("q-4", "Bad Id", bad))).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        violated_fields(&err),
        [
            "queue.assignment_mode",
            "queue.business_hours.ranges[0].end_minute",
            "queue.business_hours.ranges[0].weekday",
            "queue.business_hours.time_zone",
            "queue.priority",
            "queue.rules[0].categories[1]",
            "queue.rules[0].jurisdictions[0]",
            "queue_id",
        ]
    );

    t.client.create_queue(t.supervisor(create("q-5", "general-desk", catch_all(AssignmentMode::None)))).await.unwrap();
    let got = t.client.get_queue(t.agent(GetQueueRequest { name: "queues/malta-bonus".into() })).await.unwrap();
    let got = got.into_inner();
    assert_eq!(got.queue.unwrap(), created);
    assert_eq!(got.stats.unwrap().open_cases, 0);

    // Analysts read; another tenant sees nothing.
    let analyst =
        authed(GetQueueRequest { name: "queues/malta-bonus".into() }, &token_of("analyst-1", &[Role::Analyst]));
    t.client.get_queue(analyst).await.unwrap();
    let other = Issuer::hs256(TEST_SECRET, "redress", "redress")
        .mint(OTHER_TENANT, "sup-b", &[Role::Supervisor], Duration::from_secs(3600))
        .unwrap();
    let foreign = authed(GetQueueRequest { name: "queues/malta-bonus".into() }, &other);
    assert_eq!(t.client.get_queue(foreign).await.unwrap_err().code(), Code::NotFound);
    let foreign = authed(ListQueuesRequest::default(), &other);
    assert!(t.client.list_queues(foreign).await.unwrap().into_inner().queues.is_empty());

    // Pages in routing order: priority 10, then 1000.
    let page = ListQueuesRequest { page_size: 1, ..Default::default() };
    let one = t.client.list_queues(t.agent(page.clone())).await.unwrap().into_inner();
    assert_eq!(one.queues[0].queue.as_ref().unwrap().name, "queues/malta-bonus");
    let two = ListQueuesRequest { page_token: one.next_page_token, ..page };
    let two = t.client.list_queues(t.agent(two)).await.unwrap().into_inner();
    assert_eq!(two.queues[0].queue.as_ref().unwrap().name, "queues/general-desk");
    assert!(two.next_page_token.is_empty());

    // A masked update changes only the masked field, and the etag.
    let update = UpdateQueueRequest {
        queue: Some(Queue {
            name: "queues/malta-bonus".into(),
            display_name: "Malta bonuses".into(),
            priority: 999,
            ..Default::default()
        }),
        update_mask: Some(FieldMask { paths: vec!["display_name".into()] }),
        etag: created.etag.clone(),
    };
    let updated = t.client.update_queue(t.supervisor(update.clone())).await.unwrap().into_inner().queue.unwrap();
    assert_eq!((updated.display_name.as_str(), updated.priority), ("Malta bonuses", 10));
    assert_eq!(updated.rules, created.rules);
    assert_ne!(updated.etag, created.etag);
    let err = t.client.update_queue(t.supervisor(update.clone())).await.unwrap_err();
    assert_eq!((err.code(), error_info(&err).0.as_str()), (Code::Aborted, "ETAG_MISMATCH"));
    let bad_mask = UpdateQueueRequest {
        update_mask: Some(FieldMask { paths: vec!["etag".into()] }),
        etag: String::new(),
        ..update.clone()
    };
    let err = t.client.update_queue(t.supervisor(bad_mask)).await.unwrap_err();
    assert_eq!(violated_fields(&err), ["update_mask"]);
    let mut bad_tz = update.clone();
    bad_tz.etag.clear();
    bad_tz.update_mask = Some(FieldMask { paths: vec!["business_hours".into()] });
    bad_tz.queue.as_mut().unwrap().business_hours = Some(BusinessHours { time_zone: "mars".into(), ranges: vec![] });
    let err = t.client.update_queue(t.supervisor(bad_tz)).await.unwrap_err();
    assert_eq!(violated_fields(&err), ["queue.business_hours.time_zone"]);

    // Agents: their own availability, not someone else's.
    let err = t.client.set_agent_availability(as_agent("agent-1", availability("agent-2", true, 3, &[]))).await;
    assert_eq!(err.unwrap_err().code(), Code::PermissionDenied);
    let own = SetAgentAvailabilityRequest { agent: String::new(), ..availability("x", true, 3, &["malta-bonus"]) };
    let me = t.client.set_agent_availability(as_agent("agent-1", own)).await.unwrap().into_inner().agent.unwrap();
    assert_eq!(
        (me.name.as_str(), me.capacity, me.queues.as_slice()),
        ("agents/agent-1", 3, &["queues/malta-bonus".to_owned()][..])
    );
    let err = t.client.set_agent_availability(t.supervisor(availability("agent-2", true, -1, &["Bad"]))).await;
    assert_eq!(violated_fields(&err.unwrap_err()), ["capacity", "queues[0]"]);
    t.client.set_agent_availability(t.supervisor(availability("agent-2", false, 2, &["general-desk"]))).await.unwrap();
    let listed = ListAgentsRequest { queue: "queues/malta-bonus".into(), ..Default::default() };
    let listed = t.client.list_agents(t.agent(listed)).await.unwrap().into_inner().agents;
    assert_eq!(listed.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["agents/agent-1"]);

    // Deleted, then gone.
    let delete = DeleteQueueRequest { name: "queues/general-desk".into(), etag: String::new() };
    t.client.delete_queue(t.supervisor(delete.clone())).await.unwrap();
    assert_eq!(t.client.delete_queue(t.supervisor(delete)).await.unwrap_err().code(), Code::NotFound);
    let gone = GetQueueRequest { name: "queues/general-desk".into() };
    assert_eq!(t.client.get_queue(t.agent(gone)).await.unwrap_err().code(), Code::NotFound);
    let bad_name = GetQueueRequest { name: "queue/x".into() };
    assert_eq!(violated_fields(&t.client.get_queue(t.agent(bad_name)).await.unwrap_err()), ["name"]);
}

async fn a_case_is_routed_by_a_queue_rule_and_auto_assigned_to_the_least_loaded_agent(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    // Without queues, the built-in routing.
    assert_eq!(t.open(mt_bonus("before")).await.queue, "bonus");

    t.client
        .create_queue(t.supervisor(create("q-1", "malta-bonus", malta_bonus(AssignmentMode::LeastLoaded))))
        .await
        .unwrap();
    t.client
        .create_queue(t.supervisor(create("q-2", "everything-else", catch_all(AssignmentMode::None))))
        .await
        .unwrap();
    for (agent, available, capacity) in
        [("agent-away", false, 5), ("agent-busy", true, 5), ("agent-free", true, 1), ("agent-full", true, 0)]
    {
        let req = availability(agent, available, capacity, &["malta-bonus"]);
        t.client.set_agent_availability(t.supervisor(req)).await.unwrap();
    }
    // agent-busy already holds two open cases (of another queue).
    for complaint in ["busy-1", "busy-2"] {
        let case = t.open(open_request(complaint, "GB")).await;
        assert_eq!((case.queue.as_str(), case.assignee.as_str()), ("everything-else", ""), "catch-all, mode NONE");
        let assign = AssignCaseRequest { name: case.name, assignee: "agent-busy".into(), ..Default::default() };
        t.client.assign_case(t.supervisor(assign)).await.unwrap();
    }

    // MT + BONUS → malta-bonus; the unavailable and the full agents are
    // skipped, agent-free (0 open) wins over agent-busy (2 open).
    let first = t.open(mt_bonus("mt-1")).await;
    assert_eq!((first.queue.as_str(), first.assignee.as_str()), ("malta-bonus", "agent-free"));
    let events = ListCaseEventsRequest { parent: first.name.clone(), ..Default::default() };
    let events = t.client.list_case_events(t.agent(events)).await.unwrap().into_inner().events;
    let kinds: Vec<(i32, &str)> = events.iter().map(|e| (e.r#type, e.actor.as_str())).collect();
    assert_eq!(kinds[1], (Type::Assigned as i32, "redress:auto-assign"), "{kinds:?}");
    // agent-free is at capacity (1): the next goes to agent-busy.
    let second = t.open(mt_bonus("mt-2")).await;
    assert_eq!(second.assignee, "agent-busy");
    // Opening is idempotent per complaint: a redelivery assigns nobody again.
    let again = t.open(mt_bonus("mt-2")).await;
    assert_eq!(
        (again.name, again.assignee, again.etag),
        (second.name.clone(), second.assignee.clone(), second.etag.clone())
    );

    // The assignment can be overridden under the usual rules: agent-busy
    // releases it, another agent takes it, a supervisor gives it back.
    let release = AssignCaseRequest { name: second.name.clone(), ..Default::default() };
    t.client.assign_case(as_agent("agent-busy", release)).await.unwrap();
    let take = AssignCaseRequest { name: second.name.clone(), assignee: "agent-x".into(), ..Default::default() };
    let taken = t.client.assign_case(as_agent("agent-x", take)).await.unwrap().into_inner().case.unwrap();
    assert_eq!(taken.assignee, "agent-x");
    let steal = AssignCaseRequest { name: second.name.clone(), assignee: "agent-y".into(), ..Default::default() };
    assert_eq!(t.client.assign_case(as_agent("agent-y", steal)).await.unwrap_err().code(), Code::PermissionDenied);
    let back = AssignCaseRequest { name: second.name.clone(), assignee: "agent-busy".into(), ..Default::default() };
    t.client.assign_case(t.supervisor(back)).await.unwrap();

    // A case whose acknowledgment deadline passed counts as breach risk.
    let mut late = open_request("late", "GB");
    let ts = |t: chrono::DateTime<Utc>| Timestamp { seconds: t.timestamp(), nanos: 0 };
    late.submit_time = Some(ts(Utc::now() - chrono::Duration::hours(48)));
    late.deadlines = Some(Deadlines {
        acknowledge_due_time: Some(ts(Utc::now() - chrono::Duration::hours(1))),
        ..late.deadlines.unwrap_or_default()
    });
    let late = t.open(late).await;
    assert_eq!(late.queue, "everything-else");

    // Nobody left with room: the case waits unassigned in its queue.
    t.client
        .set_agent_availability(t.supervisor(availability("agent-busy", false, 5, &["malta-bonus"])))
        .await
        .unwrap();
    let third = t.open(mt_bonus("mt-3")).await;
    assert_eq!((third.queue.as_str(), third.assignee.as_str()), ("malta-bonus", ""));

    let listed = t.client.list_queues(t.agent(ListQueuesRequest::default())).await.unwrap().into_inner().queues;
    let stats: Vec<(String, i64, i64, i64, bool)> = listed
        .iter()
        .map(|e| {
            let s = e.stats.unwrap();
            (
                e.queue.clone().unwrap().name,
                s.open_cases,
                s.breach_risk_cases,
                s.unassigned_cases,
                s.oldest_due_time.is_some(),
            )
        })
        .collect();
    assert_eq!(
        stats,
        [("queues/malta-bonus".to_owned(), 3, 0, 1, true), ("queues/everything-else".to_owned(), 3, 1, 1, true),]
    );
    let agents = t.client.list_agents(t.agent(ListAgentsRequest::default())).await.unwrap().into_inner().agents;
    let load: Vec<(&str, i64)> = agents.iter().map(|a| (a.name.as_str(), a.open_assigned_cases)).collect();
    assert_eq!(
        load,
        [("agents/agent-away", 0), ("agents/agent-busy", 3), ("agents/agent-free", 1), ("agents/agent-full", 0)]
    );

    // A queue with open cases cannot be deleted.
    let delete = DeleteQueueRequest { name: "queues/malta-bonus".into(), etag: String::new() };
    let err = t.client.delete_queue(t.supervisor(delete)).await.unwrap_err();
    let (reason, metadata) = error_info(&err);
    assert_eq!(
        (err.code(), reason.as_str(), metadata["open_cases"].as_str()),
        (Code::FailedPrecondition, "QUEUE_NOT_EMPTY", "3")
    );
}

async fn round_robin_alternates_between_the_available_agents(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let queue = create("q-1", "desk", catch_all(AssignmentMode::RoundRobin));
    t.client.create_queue(t.supervisor(queue)).await.unwrap();
    for agent in ["rr-1", "rr-2"] {
        t.client
            .set_agent_availability(as_agent(
                agent,
                SetAgentAvailabilityRequest { agent: String::new(), ..availability(agent, true, 10, &["desk"]) },
            ))
            .await
            .unwrap();
    }
    let mut assignees = Vec::new();
    for complaint in ["c-1", "c-2", "c-3"] {
        let case = t.open(open_request(complaint, "GB")).await;
        assert_eq!(case.queue, "desk");
        assignees.push(case.assignee);
    }
    assert_eq!(assignees, ["rr-1", "rr-2", "rr-1"]);
}

backend_tests!(
    queues_are_created_read_listed_updated_and_deleted,
    a_case_is_routed_by_a_queue_rule_and_auto_assigned_to_the_least_loaded_agent,
    round_robin_alternates_between_the_available_agents
);
