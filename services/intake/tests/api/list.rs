//! ListComplaints by each documented filter, across pages: the rows of the
//! filter, newest first, and nothing else; and the plan of each filter's
//! query (an index range in list order, no sort).

use redress_proto::{
    common::v1::{Channel, ComplaintCategory},
    intake::v1::{Complaint, GetComplaintRequest, ListComplaintsRequest},
};
use redress_testkit::{TestDb, backend_tests};

use crate::helpers::{TestIntake, withdrawal_complaint};

async fn list(t: &mut TestIntake, mut request: ListComplaintsRequest) -> Vec<Complaint> {
    let mut all = Vec::new();
    request.page_size = 2;
    loop {
        let page = t.client.list_complaints(t.req(request.clone())).await.unwrap().into_inner();
        all.extend(page.complaints);
        if page.next_page_token.is_empty() {
            return all;
        }
        request.page_token = page.next_page_token;
    }
}

async fn every_filter_lists_its_complaints_newest_first_across_pages(db: TestDb) {
    let mut t = TestIntake::start(&db).await;
    let categories = [ComplaintCategory::Withdrawal, ComplaintCategory::Bonus, ComplaintCategory::Verification];
    let channels = [Channel::Email, Channel::LiveChat];
    for i in 0..11 {
        let mut request = withdrawal_complaint(&format!("r-{i}"), &format!("p-{}", i % 4), &format!("w-{i}"));
        request.category = categories[i % 3].into();
        request.transaction_references.as_mut().unwrap().bonus_id = format!("b-{i}");
        request.channel = channels[i % 2].into();
        request.player.as_mut().unwrap().jurisdiction = ["GB", "MT", "PL"][i / 4].into();
        t.client.submit_complaint(t.req(request)).await.unwrap();
    }
    let everything = list(&mut t, ListComplaintsRequest::default()).await;
    assert_eq!(everything.len(), 11);
    let mut newest_first: Vec<&str> = everything.iter().map(|c| c.name.as_str()).collect();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(everything.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), newest_first, "ids descending");

    let jurisdiction = |c: &Complaint| c.player.as_ref().unwrap().jurisdiction.clone();
    let player = |c: &Complaint| c.player.as_ref().unwrap().player_id.clone();
    let cases: Vec<(ListComplaintsRequest, Wanted<Complaint>)> = vec![
        (
            ListComplaintsRequest { category: ComplaintCategory::Bonus.into(), ..Default::default() },
            Box::new(|c| c.category() == ComplaintCategory::Bonus),
        ),
        (
            ListComplaintsRequest { channel: Channel::LiveChat.into(), ..Default::default() },
            Box::new(|c| c.channel() == Channel::LiveChat),
        ),
        (
            ListComplaintsRequest { jurisdiction: "mt".into(), ..Default::default() },
            Box::new(move |c| jurisdiction(c) == "MT"),
        ),
        (
            ListComplaintsRequest { player_id: "p-1".into(), ..Default::default() },
            Box::new(move |c| player(c) == "p-1"),
        ),
        (
            ListComplaintsRequest {
                category: ComplaintCategory::Withdrawal.into(),
                channel: Channel::Email.into(),
                ..Default::default()
            },
            Box::new(|c| c.category() == ComplaintCategory::Withdrawal && c.channel() == Channel::Email),
        ),
    ];
    for (request, wanted) in cases {
        let listed: Vec<String> = list(&mut t, request.clone()).await.into_iter().map(|c| c.name).collect();
        let expected: Vec<String> = everything.iter().filter(|c| wanted(c)).map(|c| c.name.clone()).collect();
        assert!(expected.len() >= 2, "{request:?}: a filter worth paging");
        assert_eq!(listed, expected, "{request:?}");
    }
    t.intake.shutdown().await;
}

/// A stored status the code does not know is an error, not an unspecified
/// complaint that a later write would store back as such.
async fn an_undecodable_stored_status_fails_loudly(db: TestDb) {
    use sea_orm::ConnectionTrait;
    let mut t = TestIntake::start(&db).await;
    let filed = t.client.submit_complaint(t.req(withdrawal_complaint("r-1", "p-1", "w-1"))).await.unwrap();
    let name = filed.into_inner().complaint.unwrap().name;
    let conn = redress_db::connect(&db.config).await.unwrap();
    conn.execute_unprepared("UPDATE complaints SET status = 'COMPLAINT_STATUS_MISLAID'").await.unwrap();
    let err = t.client.get_complaint(t.req(GetComplaintRequest { name })).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::Internal, "{err:?}");
    let err = t.client.list_complaints(t.req(ListComplaintsRequest::default())).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::Internal, "{err:?}");
    t.intake.shutdown().await;
}

backend_tests!(every_filter_lists_its_complaints_newest_first_across_pages, an_undecodable_stored_status_fails_loudly);

/// Each filter's page is a range of an index in list order (SQLite's plan
/// is deterministic; PostgreSQL's depends on statistics, see
/// docs/performance.md).
#[tokio::test]
async fn every_filter_reads_an_index_in_list_order() {
    use sea_orm::ConnectionTrait;
    let db = TestDb::sqlite();
    let conn = redress_db::connect(&db.config).await.unwrap();
    redress_db::migrate::<redress_intake::store::migration::Migrator>(&conn).await.unwrap();
    for (column, index) in [
        ("category", "complaints_tenant_category"),
        ("channel", "complaints_tenant_channel"),
        ("jurisdiction", "complaints_tenant_jurisdiction"),
        ("player_id", "complaints_tenant_player"),
        ("status", "complaints_tenant_status"),
    ] {
        let plan = conn
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                format!(
                    "EXPLAIN QUERY PLAN SELECT * FROM complaints WHERE tenant_id = 't' AND {column} = 'x' \
                     AND id < 'z' ORDER BY id DESC LIMIT 51"
                ),
            ))
            .await
            .unwrap();
        let text: Vec<String> = plan.iter().filter_map(|r| r.try_get::<String>("", "detail").ok()).collect();
        assert!(text.iter().any(|d| d.contains(index) && d.contains("id<?")), "{column}: {text:?}");
        assert!(!text.iter().any(|d| d.contains("TEMP B-TREE")), "{column} sorts: {text:?}");
    }
}

/// Which rows of the whole list a filter should return.
type Wanted<T> = Box<dyn Fn(&T) -> bool>;
