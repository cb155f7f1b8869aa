//! The agent queue: filters, the nearest due time first, signed page tokens.

use redress_proto::{
    common::v1::{ComplaintCategory, Outcome, Priority, RootCause},
    resolution::v1::{
        AssignCaseRequest, FlagFollowUpRequest, FollowUpReason, ListCasesRequest, RequestInformationRequest,
        ResolveCaseRequest, case::State,
    },
};
use redress_testkit::{TestDb, backend_tests};
use tonic::Code;

use crate::helpers::{TestResolution, open_request};

async fn list(t: &mut TestResolution, request: ListCasesRequest) -> Vec<String> {
    let mut names = Vec::new();
    let mut request = request;
    loop {
        let page = t.client.list_cases(t.agent(request.clone())).await.unwrap().into_inner();
        names.extend(page.cases.into_iter().map(|c| c.subject));
        if page.next_page_token.is_empty() {
            return names;
        }
        request.page_token = page.next_page_token;
    }
}

async fn the_queue_lists_the_nearest_deadline_first(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    // PL and default: 24 h to acknowledge; a harm case: 4 h.
    let mut names = Vec::new();
    let base = open_request("x", "PL").deadlines.unwrap().acknowledge_due_time.unwrap();
    for (complaint, jurisdiction, priority, rg) in [
        ("a", "PL", Priority::Normal, false),
        ("b", "GB", Priority::Urgent, false),
        ("c", "PL", Priority::Low, true),
        ("d", "MT", Priority::High, false),
    ] {
        let mut request = open_request(complaint, jurisdiction);
        request.subject = complaint.into();
        request.priority = priority.into();
        request.responsible_gambling = rg;
        let ack = request.deadlines.as_mut().unwrap().acknowledge_due_time.as_mut().unwrap();
        *ack = base;
        if rg {
            ack.seconds -= 20 * 3600;
        }
        names.push(t.open(request).await.name);
    }
    // Same acknowledge due time (seconds) for a, b, d: urgent, high, normal.
    let all = list(&mut t, ListCasesRequest { page_size: 1, ..Default::default() }).await;
    assert_eq!(all, ["c", "b", "d", "a"]);

    let rg = list(&mut t, ListCasesRequest { responsible_gambling: Some(true), ..Default::default() }).await;
    assert_eq!(rg, ["c"]);
    let gb = list(&mut t, ListCasesRequest { jurisdiction: "gb".into(), ..Default::default() }).await;
    assert_eq!(gb, ["b"]);
    let payments = list(&mut t, ListCasesRequest { queue: "payments".into(), ..Default::default() }).await;
    assert_eq!(payments.len(), 3);

    // Waiting on the player with a paused clock: still listed, by its
    // acknowledge clock until a first response stops it, then last.
    let request = t.agent(RequestInformationRequest {
        name: names[1].clone(),
        request_id: "i".into(),
        body: "documents please".into(),
        reason: "kyc".into(),
        ..Default::default()
    });
    t.client.request_information(request).await.unwrap();
    let all = list(&mut t, ListCasesRequest::default()).await;
    assert_eq!(all, ["c", "d", "a", "b"]);
    let waiting =
        list(&mut t, ListCasesRequest { states: vec![State::AwaitingPlayer.into()], ..Default::default() }).await;
    assert_eq!(waiting, ["b"]);

    let request =
        t.agent(AssignCaseRequest { name: names[0].clone(), assignee: "test-user".into(), ..Default::default() });
    t.client.assign_case(request).await.unwrap();
    let mine = list(&mut t, ListCasesRequest { assignee: "test-user".into(), ..Default::default() }).await;
    assert_eq!(mine, ["a"]);
    let unassigned = list(&mut t, ListCasesRequest { unassigned: true, ..Default::default() }).await;
    assert_eq!(unassigned, ["c", "d", "b"]);

    // Deadline risk: a case whose acknowledge clock is already due.
    let mut late = open_request("e", "PL");
    late.subject = "e".into();
    late.deadlines.as_mut().unwrap().acknowledge_due_time.as_mut().unwrap().seconds -= 2 * 86_400;
    t.open(late).await;
    let breached = list(
        &mut t,
        ListCasesRequest {
            deadline_risk: redress_proto::resolution::v1::DeadlineRisk::Breached.into(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(breached, ["e"]);
    let at_risk = list(
        &mut t,
        ListCasesRequest {
            deadline_risk: redress_proto::resolution::v1::DeadlineRisk::AtRisk.into(),
            ..Default::default()
        },
    )
    .await;
    assert!(at_risk.contains(&"e".to_string()));
    let first = t.client.list_cases(t.agent(ListCasesRequest::default())).await.unwrap().into_inner().cases.remove(0);
    assert_eq!(first.deadline_risk(), redress_proto::resolution::v1::DeadlineRisk::Breached);

    // A token is bound to its filters.
    let page = t
        .client
        .list_cases(t.agent(ListCasesRequest { page_size: 1, ..Default::default() }))
        .await
        .unwrap()
        .into_inner();
    let request = t.agent(ListCasesRequest {
        page_size: 1,
        page_token: page.next_page_token,
        queue: "payments".into(),
        ..Default::default()
    });
    assert_eq!(t.client.list_cases(request).await.unwrap_err().code(), Code::InvalidArgument);
    t.resolution.shutdown().await;
}

async fn the_follow_up_view_lists_flagged_resolved_cases(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let mut flagged = open_request("flagged", "MT");
    flagged.subject = "flagged".into();
    let flagged = t.open(flagged).await;
    let mut quiet = open_request("quiet", "MT");
    quiet.subject = "quiet".into();
    let quiet = t.open(quiet).await;
    for (case, id) in [(&flagged, "f"), (&quiet, "q")] {
        let request = t.agent(ResolveCaseRequest {
            name: case.name.clone(),
            request_id: id.into(),
            outcome: Outcome::NotUpheld.into(),
            root_cause: RootCause::Policy.into(),
            final_response: "the terms were applied correctly".into(),
            ..Default::default()
        });
        t.client.resolve_case(request).await.unwrap();
    }
    // Feedback flags the case after a poor survey answer.
    let request = t.service(FlagFollowUpRequest {
        name: flagged.name.clone(),
        feedback_id: "s-1".into(),
        reason: FollowUpReason::LowCsat.into(),
        score: 1,
        ..Default::default()
    });
    t.internal.flag_follow_up(request).await.unwrap();

    let view = list(&mut t, ListCasesRequest { follow_up_pending: Some(true), ..Default::default() }).await;
    assert_eq!(view, ["flagged"], "the supervisor's follow-up view shows the flagged RESOLVED case");
    let resolved = list(
        &mut t,
        ListCasesRequest {
            follow_up_pending: Some(true),
            states: vec![State::InProgress.into()],
            ..Default::default()
        },
    )
    .await;
    assert!(resolved.is_empty(), "an explicit states filter still applies");
    let open = list(&mut t, ListCasesRequest::default()).await;
    assert!(open.is_empty(), "without the follow-up filter only open cases are listed");
    t.resolution.shutdown().await;
}

async fn every_filter_lists_its_cases_in_queue_order_across_pages(db: TestDb) {
    use redress_proto::{common::v1::ComplaintCategory, resolution::v1::Case};
    let mut t = TestResolution::start(&db).await;
    let categories = [ComplaintCategory::Withdrawal, ComplaintCategory::Bonus, ComplaintCategory::Verification];
    let priorities = [Priority::Normal, Priority::High, Priority::Normal, Priority::Low];
    let mut names = Vec::new();
    // Opened within a second or two: many share a due time, so pages break
    // ties on priority, creation time and id.
    for i in 0..13 {
        let mut request = open_request(&format!("c{i}"), ["GB", "MT", "PL"][i % 3]);
        request.subject = format!("c{i}");
        request.category = categories[(i / 2) % 3].into();
        request.priority = priorities[i % 4].into();
        request.player.as_mut().unwrap().player_id = format!("p-{}", i % 4);
        names.push(t.open(request).await.name);
    }
    for i in [1, 4, 7, 10] {
        let request =
            t.agent(AssignCaseRequest { name: names[i].clone(), assignee: "test-user".into(), ..Default::default() });
        t.client.assign_case(request).await.unwrap();
    }
    for i in [2, 5, 8] {
        let request = t.agent(ResolveCaseRequest {
            name: names[i].clone(),
            request_id: format!("resolve-{i}"),
            outcome: Outcome::NotUpheld.into(),
            root_cause: RootCause::Policy.into(),
            final_response: "the terms were applied correctly".into(),
            ..Default::default()
        });
        t.client.resolve_case(request).await.unwrap();
    }
    for i in [2, 8] {
        let request = t.service(FlagFollowUpRequest {
            name: names[i].clone(),
            feedback_id: format!("s-{i}"),
            reason: FollowUpReason::LowCsat.into(),
            score: 1,
            ..Default::default()
        });
        t.internal.flag_follow_up(request).await.unwrap();
    }

    // The whole queue in one page is the reference order.
    let all_states = || (State::New as i32..=State::Closed as i32).collect::<Vec<i32>>();
    let reference = |t: &mut TestResolution| {
        let request = t.agent(ListCasesRequest { page_size: 100, states: all_states(), ..Default::default() });
        let mut client = t.client.clone();
        async move { client.list_cases(request).await.unwrap().into_inner().cases }
    };
    let everything: Vec<Case> = reference(&mut t).await;
    assert_eq!(everything.len(), 13);
    let open = |c: &Case| redress_resolution::domain::OPEN_STATES.contains(&c.state());
    let player = |c: &Case| c.player.as_ref().unwrap().player_id.clone();
    let jurisdiction = |c: &Case| c.player.as_ref().unwrap().jurisdiction.clone();
    let filters: Vec<(ListCasesRequest, Wanted<Case>)> = vec![
        (
            ListCasesRequest { categories: vec![ComplaintCategory::Bonus.into()], ..Default::default() },
            Box::new(move |c| open(c) && c.category() == ComplaintCategory::Bonus),
        ),
        (
            ListCasesRequest { jurisdiction: "mt".into(), ..Default::default() },
            Box::new(move |c| open(c) && jurisdiction(c) == "MT"),
        ),
        (
            ListCasesRequest { player_id: "p-1".into(), ..Default::default() },
            Box::new(move |c| open(c) && player(c) == "p-1"),
        ),
        (
            ListCasesRequest { assignee: "test-user".into(), ..Default::default() },
            Box::new(move |c| open(c) && c.assignee == "test-user"),
        ),
        (
            ListCasesRequest { unassigned: true, ..Default::default() },
            Box::new(move |c| open(c) && c.assignee.is_empty()),
        ),
        (
            ListCasesRequest { queue: everything[0].queue.clone(), ..Default::default() },
            Box::new({
                let queue = everything[0].queue.clone();
                move |c| open(c) && c.queue == queue
            }),
        ),
        (ListCasesRequest { follow_up_pending: Some(true), ..Default::default() }, Box::new(|c| c.follow_up_pending)),
        (
            ListCasesRequest { follow_up_pending: Some(false), ..Default::default() },
            Box::new(move |c| open(c) && !c.follow_up_pending),
        ),
        (ListCasesRequest { states: all_states(), ..Default::default() }, Box::new(|_| true)),
    ];
    for (request, wanted) in filters {
        let listed = list(&mut t, ListCasesRequest { page_size: 2, ..request.clone() }).await;
        let expected: Vec<String> = everything.iter().filter(|c| wanted(c)).map(|c| c.subject.clone()).collect();
        assert!(expected.len() >= 2, "{request:?}: a filter worth paging");
        assert_eq!(listed, expected, "{request:?}");
    }
    t.resolution.shutdown().await;
}

backend_tests!(
    the_queue_lists_the_nearest_deadline_first,
    the_follow_up_view_lists_flagged_resolved_cases,
    every_filter_lists_its_cases_in_queue_order_across_pages
);

/// Every documented filter walks an index in queue order instead of scanning
/// the tenant's cases, from the page cursor on: the open queue (the default
/// view) one that holds the open cases only, so its last page does not read
/// past every closed case. SQLite's plan is deterministic; PostgreSQL's
/// depends on table statistics (docs/performance.md has its plans at 1 M).
#[tokio::test]
async fn cases_by_every_filter_are_listed_from_an_index() {
    use redress_resolution::{domain, store};
    use sea_orm::{ConnectionTrait, QueryTrait};
    let db = redress_testkit::TestDb::sqlite();
    let conn = redress_db::connect(&db.config).await.unwrap();
    redress_db::migrate::<redress_resolution::store::migration::Migrator>(&conn).await.unwrap();
    let open = || store::CaseFilter { states: domain::default_list_states(None), ..Default::default() };
    let some_open = store::CaseFilter { states: vec![State::New, State::Escalated], ..open() };
    let cases: Vec<(&str, store::CaseFilter, &str)> = vec![
        ("the open queue", open(), "cases_open_queue"),
        ("new or escalated", some_open, "cases_open_queue"),
        ("assignee", store::CaseFilter { assignee: Some("a".into()), ..open() }, "cases_open_assignee"),
        ("unassigned", store::CaseFilter { unassigned: true, ..open() }, "cases_open_assignee"),
        ("category", store::CaseFilter { categories: vec![ComplaintCategory::Bonus], ..open() }, "cases_open_category"),
        ("jurisdiction", store::CaseFilter { jurisdiction: Some("GB".into()), ..open() }, "cases_open_jurisdiction"),
        ("queue", store::CaseFilter { queue: Some("payments".into()), ..open() }, "cases_open_queue_name"),
        ("player", store::CaseFilter { player_id: Some("p".into()), ..open() }, "cases_player_queue"),
        (
            "closed by category",
            store::CaseFilter { states: vec![State::Closed], categories: vec![ComplaintCategory::Bonus], ..open() },
            "cases_category_queue",
        ),
        (
            "follow-up",
            store::CaseFilter {
                states: domain::default_list_states(Some(true)),
                follow_up_pending: Some(true),
                ..Default::default()
            },
            "cases_follow_up_queue",
        ),
    ];
    let cursor = store::QueueCursor {
        due_at: chrono::Utc::now(),
        priority_rank: 1,
        created_at: chrono::Utc::now(),
        id: "x".into(),
    };
    for (what, filter, index) in cases {
        let select = store::list_cases_query("t", &filter, Some(&cursor), 51).build(sea_orm::DbBackend::Sqlite);
        let explain = sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Sqlite,
            format!("EXPLAIN QUERY PLAN {}", select.sql),
            select.values.map(|v| v.0).unwrap_or_default(),
        );
        let plan = conn.query_all_raw(explain).await.unwrap();
        let text: Vec<String> = plan.iter().filter_map(|r| r.try_get::<String>("", "detail").ok()).collect();
        assert!(
            text.iter().any(|d| d.contains(&format!("INDEX {index} "))
                && d.contains("(due_at,priority_rank,created_at,id)>(?,?,?,?)")),
            "{what}: {text:?}"
        );
        assert!(!text.iter().any(|d| d.contains("TEMP B-TREE")), "{what} sorts instead of walking the index: {text:?}");
    }
}

/// Which rows of the whole list a filter should return.
type Wanted<T> = Box<dyn Fn(&T) -> bool>;
