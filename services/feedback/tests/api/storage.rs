//! What the store reads back: a stored value the code does not know fails
//! the request (INTERNAL) instead of reading as a default, on SQLite and
//! PostgreSQL alike.

use chrono::{Duration, Utc};
use redress_proto::feedback::v1::{
    Dimension, EventType, GetInsightsRequest, GetSurveyRequest, SubmitSurveyResponseRequest, SurveyAnswer,
};
use redress_testkit::{TestDb, backend_tests};
use sea_orm::ConnectionTrait;
use tonic::Code;

use crate::{
    events::week,
    helpers::{TestFeedback, case_outcome, event},
};

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

async fn an_undecodable_stored_category_or_outcome_fails_insights_loudly(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let now = Utc::now();
    let submitted = event("e-1", EventType::Submitted, "c-1", now - Duration::hours(1));
    t.internal.record_event(t.service(submitted)).await.unwrap();
    let by = |group_by: Dimension| GetInsightsRequest {
        window: Some(week(now)),
        group_by: group_by.into(),
        ..Default::default()
    };
    assert!(t.client.get_insights(t.analyst(by(Dimension::Category))).await.is_ok());

    // Grouped by category, an unknown category name is not "no category".
    sql(&t, "UPDATE complaint_facts SET category = 'COMPLAINT_CATEGORY_MISLAID'").await;
    let err = t.client.get_insights(t.analyst(by(Dimension::Category))).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    assert!(t.client.get_insights(t.analyst(by(Dimension::Jurisdiction))).await.is_ok());
    sql(&t, "UPDATE complaint_facts SET category = ''").await;

    // Nor is an unknown outcome "no outcome".
    sql(&t, "UPDATE complaint_facts SET outcome = 'OUTCOME_MISLAID'").await;
    let err = t.client.get_insights(t.analyst(by(Dimension::Jurisdiction))).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    t.stop().await;
}

backend_tests!(
    an_undecodable_stored_survey_state_or_category_fails_loudly,
    an_undecodable_stored_category_or_outcome_fails_insights_loudly
);
