//! What the store reads back: a stored value the code does not know fails
//! the request (INTERNAL) instead of reading as a default that a later
//! write would store back, on SQLite and PostgreSQL alike.

use redress_proto::resolution::v1::{GetCaseRequest, ListCasesRequest, RespondToPlayerRequest};
use redress_testkit::{TestDb, backend_tests};
use sea_orm::{ConnectionTrait, DbBackend};
use tonic::Code;

use crate::helpers::{TestResolution, open_request};

async fn sql(t: &TestResolution, statement: &str) {
    t.resolution.db().execute_unprepared(statement).await.unwrap();
}

async fn an_undecodable_stored_state_or_body_fails_loudly(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("c1", "GB")).await;
    let get = |t: &TestResolution| t.agent(GetCaseRequest { name: case.name.clone() });

    // Names no version of the code wrote: not an unspecified case.
    sql(&t, "UPDATE cases SET state = 'STATE_MISLAID'").await;
    let err = t.client.get_case(get(&t)).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    sql(&t, "UPDATE cases SET state = 'STATE_NEW', category = 'COMPLAINT_CATEGORY_MISLAID'").await;
    let err = t.client.list_cases(t.agent(ListCasesRequest::default())).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    sql(&t, "UPDATE cases SET category = 'COMPLAINT_CATEGORY_WITHDRAWAL'").await;
    assert_eq!(t.get(&case.name).await.state(), case.state());
    assert_eq!(t.client.list_cases(t.agent(ListCasesRequest::default())).await.unwrap().into_inner().cases.len(), 1);

    // A body that does not decode: not an empty case that a write would
    // store back over the real one.
    let backend = t.resolution.db().get_database_backend();
    let bytes = match backend {
        DbBackend::Postgres => "'\\x0a05'::bytea",
        _ => "X'0a05'",
    };
    sql(&t, &format!("UPDATE cases SET body = {bytes}")).await;
    let err = t.client.get_case(get(&t)).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    let respond = RespondToPlayerRequest {
        name: case.name.clone(),
        request_id: "r-1".into(),
        body: "hello".into(),
        ..Default::default()
    };
    let err = t.client.respond_to_player(t.agent(respond)).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    let version: i64 = t
        .resolution
        .db()
        .query_one_raw(sea_orm::Statement::from_string(backend, "SELECT version FROM cases"))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "version")
        .unwrap();
    assert_eq!(version, 1, "the write refused, so nothing was written");
    t.resolution.shutdown().await;
}

backend_tests!(an_undecodable_stored_state_or_body_fails_loudly);
