//! What the store reads back: a stored value the code does not know fails
//! the request (INTERNAL) instead of reading as a default, on SQLite and
//! PostgreSQL alike.

use chrono::Utc;
use redress_proto::feedback::v1::{GetSurveyRequest, SubmitSurveyResponseRequest, SurveyAnswer};
use redress_testkit::{TestDb, backend_tests};
use sea_orm::ConnectionTrait;
use tonic::Code;

use crate::helpers::{TestFeedback, case_outcome};

async fn sql(t: &TestFeedback, statement: &str) {
    t.feedback.db().execute_unprepared(statement).await.unwrap();
}

async fn an_undecodable_stored_survey_state_or_category_fails_loudly(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let outcome = case_outcome("k-1", "c-1", Utc::now());
    t.internal.record_case_outcome(t.service(outcome.clone())).await.unwrap();
    t.drained().await;
    let token = t.peer.received().notifications[0].variables["survey_token"].clone();

    // A state name no version of the code wrote: not an unspecified survey.
    sql(&t, "UPDATE surveys SET state = 'STATE_MISLAID'").await;
    let err = t.client.get_survey(t.backend(GetSurveyRequest { token: token.clone() })).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    let err = t.internal.record_case_outcome(t.service(outcome)).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    let answer = SurveyAnswer { csat: 5, problem_solved: 1, fairness: 5, ..Default::default() };
    let submit = SubmitSurveyResponseRequest { token: token.clone(), request_id: "a-1".into(), answer: Some(answer) };
    let err = t.client.submit_survey_response(t.backend(submit)).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");

    sql(&t, "UPDATE surveys SET state = 'STATE_OPEN'").await;
    assert!(t.client.get_survey(t.backend(GetSurveyRequest { token: token.clone() })).await.is_ok());

    // Nor is a category: empty is unspecified, an unknown name an error.
    sql(&t, "UPDATE surveys SET category = 'COMPLAINT_CATEGORY_MISLAID'").await;
    let err = t.client.get_survey(t.backend(GetSurveyRequest { token: token.clone() })).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    sql(&t, "UPDATE surveys SET category = ''").await;
    assert_eq!(
        t.client.get_survey(t.backend(GetSurveyRequest { token })).await.unwrap().into_inner().survey.unwrap().category,
        0
    );
    t.stop().await;
}

backend_tests!(an_undecodable_stored_survey_state_or_category_fails_loudly);
