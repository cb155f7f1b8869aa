//! Surveys: opened per resolved case, suppressed for vulnerable players,
//! single-use tokens with an expiry, idempotent answers, poor answers and
//! unanswered follow-ups flagged back to resolution.

use std::time::Duration;

use chrono::Utc;
use redress_auth::Role;
use redress_feedback::config::TenantOverrides;
use redress_proto::{
    common::v1::ComplaintCategory,
    feedback::v1::{
        ErasePlayerRecordsRequest, EventType, GetSurveyRequest, ListSurveysRequest, SubmitSurveyResponseRequest,
        SurveyAnswer, survey::State, survey_answer::ProblemSolved,
    },
    notification::v1::{MessagePurpose, NotificationEvent},
    resolution::v1::FollowUpReason,
};
use redress_testkit::{TestDb, authed, backend_tests, eventually, token};
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::{OTHER_TENANT, RecordingPeer, TENANT, TestFeedback, case_outcome, config, event, free_port};

fn answer(csat: i32, solved: ProblemSolved, fairness: i32) -> SurveyAnswer {
    SurveyAnswer { csat, problem_solved: solved.into(), fairness, comment: "ok".into(), ..Default::default() }
}

fn submit(token: &str, request_id: &str, answer: SurveyAnswer) -> SubmitSurveyResponseRequest {
    SubmitSurveyResponseRequest { token: token.into(), request_id: request_id.into(), answer: Some(answer) }
}

fn reason(status: &tonic::Status) -> String {
    status.get_details_error_info().map(|i| i.reason).unwrap_or_default()
}

/// Opens a survey for `case_id` and returns the token from its invitation.
async fn open_survey(t: &mut TestFeedback, case_id: &str) -> String {
    let outcome = case_outcome(case_id, &format!("c-{case_id}"), Utc::now());
    t.internal.record_case_outcome(t.service(outcome)).await.unwrap();
    t.drained().await;
    let case = format!("cases/{case_id}");
    let complaint = format!("complaints/c-{case_id}");
    let n = t
        .peer
        .received()
        .notifications
        .clone()
        .into_iter()
        .find(|n| n.complaint == complaint)
        .unwrap_or_else(|| panic!("no invitation for {case}"));
    n.variables["survey_token"].clone()
}

async fn a_resolved_case_opens_one_survey_and_invites_the_player(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let outcome = case_outcome("k-1", "c-1", Utc::now());
    let first = t.internal.record_case_outcome(t.service(outcome.clone())).await.unwrap().into_inner();
    let survey = first.survey.unwrap();
    assert!(!first.replayed);
    assert_eq!(survey.state(), State::Open);
    assert_eq!(survey.case, "cases/k-1");
    assert_eq!(survey.complaint, "complaints/c-1");
    let again = t.internal.record_case_outcome(t.service(outcome)).await.unwrap().into_inner();
    assert!(again.replayed);
    assert_eq!(again.survey.unwrap(), survey);

    t.drained().await;
    let sent = t.peer.received().notifications.clone();
    assert_eq!(sent.len(), 1, "one invitation per case");
    let invitation = &sent[0];
    assert_eq!(invitation.event(), NotificationEvent::SurveyInvitation);
    assert_eq!(invitation.purpose(), MessagePurpose::Survey);
    let id = survey.name.strip_prefix("surveys/").unwrap();
    assert_eq!(invitation.dedupe_key, format!("feedback:{id}:invitation"));
    let token = invitation.variables["survey_token"].clone();
    assert!(token.len() >= 43, "32 random bytes, base64url");
    assert_eq!(invitation.variables["survey_url"], format!("https://casino-a.example/survey?token={token}"));
    assert_eq!(invitation.recipient.as_ref().unwrap().language_code, "pl");

    // Reading does not use the token up.
    for _ in 0..2 {
        let got = t.client.get_survey(t.backend(GetSurveyRequest { token: token.clone() })).await.unwrap();
        assert_eq!(got.into_inner().survey.unwrap(), survey);
    }
    let unknown = t.client.get_survey(t.backend(GetSurveyRequest { token: "nope".into() })).await.unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);
    assert_eq!(reason(&unknown), "SURVEY_NOT_FOUND");
    let other = authed(GetSurveyRequest { token: token.clone() }, &token_of(OTHER_TENANT, Role::Backend));
    let err = t.client.get_survey(other).await.unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "another tenant's survey does not exist for the caller");
    let agent = authed(GetSurveyRequest { token }, &token_of(TENANT, Role::Agent));
    assert_eq!(t.client.get_survey(agent).await.unwrap_err().code(), Code::PermissionDenied);
    t.stop().await;
}

fn token_of(tenant: &str, role: Role) -> String {
    token(tenant, &[role])
}

async fn an_answer_is_final_and_idempotent_on_its_request_id(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let token = open_survey(&mut t, "k-1").await;
    let good = answer(5, ProblemSolved::Yes, 4);
    // Another tenant's backend, or a made-up token, finds no survey.
    let other = authed(submit(&token, "r-0", good.clone()), &token_of(OTHER_TENANT, Role::Backend));
    let err = t.client.submit_survey_response(other).await.unwrap_err();
    assert_eq!((err.code(), reason(&err)), (Code::NotFound, "SURVEY_NOT_FOUND".to_owned()));
    let unknown = t.client.submit_survey_response(t.backend(submit("made-up", "r-0", good.clone()))).await;
    assert_eq!(unknown.unwrap_err().code(), Code::NotFound);
    let first = t.client.submit_survey_response(t.backend(submit(&token, "r-1", good.clone()))).await.unwrap();
    let first = first.into_inner();
    assert!(!first.replayed);
    let survey = first.survey.clone().unwrap();
    assert_eq!(survey.state(), State::Answered);
    assert_eq!(survey.answer.as_ref().unwrap().csat, 5);
    assert!(!survey.follow_up_flagged);

    let retry = t.client.submit_survey_response(t.backend(submit(&token, "r-1", good.clone()))).await.unwrap();
    let retry = retry.into_inner();
    assert!(retry.replayed);
    assert_eq!(retry.survey, first.survey);

    let changed = t.client.submit_survey_response(t.backend(submit(&token, "r-1", answer(1, ProblemSolved::No, 1))));
    let err = changed.await.unwrap_err();
    assert_eq!(err.code(), Code::AlreadyExists);
    assert_eq!(reason(&err), "IDEMPOTENCY_KEY_REUSED");

    let reused = t.client.submit_survey_response(t.backend(submit(&token, "r-2", good))).await.unwrap_err();
    assert_eq!(reused.code(), Code::FailedPrecondition);
    assert_eq!(reason(&reused), "SURVEY_ALREADY_ANSWERED");

    let read = t.client.get_survey(t.backend(GetSurveyRequest { token })).await.unwrap().into_inner();
    assert_eq!(read.survey.unwrap(), survey);
    t.drained().await;
    assert!(t.peer.received().follow_ups.clone().is_empty(), "a good answer flags nothing");
    t.stop().await;
}

async fn bad_answers_report_every_field(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let token = open_survey(&mut t, "k-1").await;
    let mut bad = answer(0, ProblemSolved::Unspecified, 7);
    bad.comment = "x".repeat(2001);
    let err = t.client.submit_survey_response(t.backend(submit(&token, "", bad))).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let mut fields: Vec<String> =
        err.get_details_bad_request().unwrap().field_violations.into_iter().map(|v| v.field).collect();
    fields.sort();
    assert_eq!(fields, ["answer.comment", "answer.csat", "answer.fairness", "answer.problem_solved", "request_id"]);
    // The survey is still open.
    let read = t.client.get_survey(t.backend(GetSurveyRequest { token })).await.unwrap().into_inner();
    assert_eq!(read.survey.unwrap().state(), State::Open);
    t.stop().await;
}

async fn a_poor_answer_flags_the_case_back_to_resolution(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let token = open_survey(&mut t, "k-1").await;
    let response =
        t.client.submit_survey_response(t.backend(submit(&token, "r-1", answer(2, ProblemSolved::Yes, 3)))).await;
    let survey = response.unwrap().into_inner().survey.unwrap();
    assert!(survey.follow_up_flagged);
    let peer = t.peer.clone();
    assert!(eventually(Duration::from_secs(10), || async { peer.received().follow_ups.clone().len() == 1 }).await);
    let flag = &t.peer.received().follow_ups.clone()[0];
    assert_eq!(flag.name, "cases/k-1");
    assert_eq!(flag.feedback_id, survey.name.strip_prefix("surveys/").unwrap());
    assert_eq!(flag.reason(), FollowUpReason::LowCsat);
    assert_eq!(flag.score, 2);

    let token = open_survey(&mut t, "k-2").await;
    t.client.submit_survey_response(t.backend(submit(&token, "r-2", answer(4, ProblemSolved::No, 0)))).await.unwrap();
    let peer = t.peer.clone();
    assert!(eventually(Duration::from_secs(10), || async { peer.received().follow_ups.clone().len() == 2 }).await);
    assert_eq!(t.peer.received().follow_ups.clone()[1].reason(), FollowUpReason::NotSolved);
    t.stop().await;
}

async fn vulnerable_players_and_harm_complaints_get_no_survey(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let mut excluded = case_outcome("k-1", "c-1", Utc::now());
    excluded.player.as_mut().unwrap().self_excluded = true;
    let mut at_risk = case_outcome("k-2", "c-2", Utc::now());
    at_risk.player.as_mut().unwrap().at_risk = true;
    let mut harm = case_outcome("k-3", "c-3", Utc::now());
    harm.responsible_gambling = true;
    let mut rg_category = case_outcome("k-4", "c-4", Utc::now());
    rg_category.category = ComplaintCategory::ResponsibleGambling.into();
    for request in [excluded, at_risk, harm, rg_category] {
        let survey = t.internal.record_case_outcome(t.service(request)).await.unwrap().into_inner().survey.unwrap();
        assert_eq!(survey.state(), State::Suppressed);
        assert!(survey.follow_up_time.is_some(), "the follow-up check is still scheduled");
    }
    t.drained().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(t.peer.received().notifications.clone().is_empty(), "no invitation to a vulnerable player");
    // Their follow-up checks flag nothing: no survey was ever sent.
    let ran = t.feedback.follow_ups().run_once(Utc::now() + chrono::Duration::days(30)).await.unwrap();
    assert_eq!(ran, 4);
    t.drained().await;
    assert!(t.peer.received().follow_ups.clone().is_empty());
    t.stop().await;
}

async fn expired_tokens_are_refused(db: TestDb) {
    let peer_addr = free_port();
    let peer = RecordingPeer::default();
    let stop = peer.serve_on(peer_addr).await;
    let mut cfg = config(&db, Some(peer_addr));
    cfg.tenants.insert(TENANT.into(), TenantOverrides { survey_expire_days: Some(0), ..Default::default() });
    let mut t = TestFeedback::start_with(cfg, peer, Some(stop)).await;
    let token = open_survey(&mut t, "k-1").await;
    let read = t.client.get_survey(t.backend(GetSurveyRequest { token: token.clone() })).await.unwrap().into_inner();
    assert_eq!(read.survey.unwrap().state(), State::Expired);
    let err = t
        .client
        .submit_survey_response(t.backend(submit(&token, "r-1", answer(5, ProblemSolved::Yes, 5))))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert_eq!(reason(&err), "SURVEY_EXPIRED");
    t.stop().await;
}

async fn unanswered_surveys_are_flagged_at_their_follow_up_time(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let now = Utc::now();
    open_survey(&mut t, "k-1").await;
    let answered = open_survey(&mut t, "k-2").await;
    t.client
        .submit_survey_response(t.backend(submit(&answered, "r-1", answer(5, ProblemSolved::Yes, 5))))
        .await
        .unwrap();
    let sweeper = t.feedback.follow_ups().clone();
    assert_eq!(sweeper.run_once(now + chrono::Duration::days(6)).await.unwrap(), 0, "not due yet");
    assert_eq!(sweeper.run_once(now + chrono::Duration::days(8)).await.unwrap(), 2);
    assert_eq!(sweeper.run_once(now + chrono::Duration::days(9)).await.unwrap(), 0, "each check runs once");
    let peer = t.peer.clone();
    assert!(eventually(Duration::from_secs(10), || async { peer.received().follow_ups.clone().len() == 1 }).await);
    let flag = &t.peer.received().follow_ups.clone()[0];
    assert_eq!(flag.name, "cases/k-1");
    assert_eq!(flag.reason(), FollowUpReason::FollowUpUnanswered);
    t.stop().await;
}

async fn internal_methods_need_the_service_role_and_valid_input(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let request = event("e-1", EventType::Submitted, "c-1", Utc::now());
    let err = t.internal.record_event(t.backend(request)).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let mut outcome = case_outcome("k-1", "c-1", Utc::now());
    outcome.outcome = 0;
    outcome.case = "k-1".into();
    let err = t.internal.record_case_outcome(t.service(outcome)).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let mut fields: Vec<String> =
        err.get_details_bad_request().unwrap().field_violations.into_iter().map(|v| v.field).collect();
    fields.sort();
    assert_eq!(fields, ["case", "outcome"]);
    t.stop().await;
}

async fn concurrent_answers_with_different_keys_record_one(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let token = open_survey(&mut t, "k-1").await;
    let mut calls = Vec::new();
    for i in 0..6 {
        let mut client = t.client.clone();
        let request = t.backend(submit(&token, &format!("r-{i}"), answer(1 + i % 5, ProblemSolved::Yes, 0)));
        calls.push(tokio::spawn(async move { client.submit_survey_response(request).await }));
    }
    let mut accepted = 0;
    for call in calls {
        match call.await.unwrap() {
            Ok(_) => accepted += 1,
            Err(err) => assert_eq!(reason(&err), "SURVEY_ALREADY_ANSWERED", "{err:?}"),
        }
    }
    assert_eq!(accepted, 1, "one answer per survey");
    t.stop().await;
}

async fn a_players_surveys_are_listed_newest_first_in_pages(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    let now = Utc::now();
    for (case, complaint, player) in [("k-1", "c-1", "p-1"), ("k-2", "c-2", "p-1"), ("k-3", "c-3", "p-2")] {
        let mut outcome = case_outcome(case, complaint, now);
        outcome.player.as_mut().unwrap().player_id = player.into();
        t.internal.record_case_outcome(t.service(outcome)).await.unwrap();
    }
    let list = |page_token: String| ListSurveysRequest { player_id: "p-1".into(), page_size: 1, page_token };
    let agent = token(TENANT, &[Role::Agent]);
    let first = t.client.list_surveys(authed(list(String::new()), &agent)).await.unwrap().into_inner();
    assert_eq!(first.surveys.len(), 1);
    assert_eq!(first.surveys[0].case, "cases/k-2", "newest first");
    assert_eq!(first.surveys[0].state(), State::Open);
    let second = t.client.list_surveys(t.backend(list(first.next_page_token.clone()))).await.unwrap().into_inner();
    assert_eq!(second.surveys.iter().map(|s| s.case.as_str()).collect::<Vec<_>>(), ["cases/k-1"]);
    assert!(second.next_page_token.is_empty());

    // Another filter or tenant cannot continue the listing.
    let other = ListSurveysRequest { player_id: "p-2".into(), ..list(first.next_page_token.clone()) };
    assert_eq!(t.client.list_surveys(t.backend(other)).await.unwrap_err().code(), Code::InvalidArgument);
    let stranger = token(OTHER_TENANT, &[Role::Agent]);
    let theirs = t.client.list_surveys(authed(list(String::new()), &stranger)).await.unwrap().into_inner();
    assert!(theirs.surveys.is_empty());
    let err = t.client.list_surveys(t.backend(ListSurveysRequest::default())).await.unwrap_err();
    assert_eq!(err.get_details_bad_request().unwrap().field_violations[0].field, "player_id");
    t.stop().await;
}

fn erasure_of(complaint_id: &str) -> ErasePlayerRecordsRequest {
    ErasePlayerRecordsRequest {
        erasure: format!("erasures/e-{complaint_id}"),
        player_id: "p-1".into(),
        complaints: vec![format!("complaints/{complaint_id}")],
        all_records: false,
    }
}

/// After a complaint's erasure, a late outcome opens no survey to send and
/// keeps no name; an answer to a survey opened before counts its scores and
/// keeps no comment (nor does the follow-up flag sent to resolution).
async fn surveys_about_an_erased_complaint_keep_scores_and_no_words(db: TestDb) {
    let mut t = TestFeedback::start(&db).await;
    t.internal.record_case_outcome(t.service(case_outcome("k-0", "c-0", Utc::now()))).await.unwrap();
    let token = open_survey(&mut t, "k-1").await;
    t.internal.erase_player_records(t.service(erasure_of("c-k-1"))).await.unwrap();
    t.internal.erase_player_records(t.service(erasure_of("c-2"))).await.unwrap();

    let late = case_outcome("k-2", "c-2", Utc::now());
    let survey = t.internal.record_case_outcome(t.service(late)).await.unwrap().into_inner().survey.unwrap();
    assert_eq!((survey.state(), survey.player_display_name.as_str()), (State::Suppressed, ""));
    let mut poor = answer(1, ProblemSolved::No, 1);
    poor.comment = "Ann CANARY waited".into();
    let answered = t.client.submit_survey_response(t.backend(submit(&token, "r-1", poor))).await.unwrap();
    let answered = answered.into_inner().survey.unwrap();
    let kept = answered.answer.clone().unwrap();
    assert_eq!((kept.csat, kept.comment.as_str()), (1, "[erased]"));
    let peer = t.peer.clone();
    assert!(eventually(Duration::from_secs(10), || async { peer.received().follow_ups.clone().len() == 1 }).await);
    assert_eq!(t.peer.received().follow_ups.clone()[0].comment, "[erased]");
    t.drained().await;
    let mut invited: Vec<String> = t.peer.received().notifications.iter().map(|n| n.complaint.clone()).collect();
    invited.sort();
    assert_eq!(invited, ["complaints/c-0", "complaints/c-k-1"], "no invitation about the erased complaint");
    t.stop().await;
}

backend_tests!(
    surveys_about_an_erased_complaint_keep_scores_and_no_words,
    a_resolved_case_opens_one_survey_and_invites_the_player,
    an_answer_is_final_and_idempotent_on_its_request_id,
    bad_answers_report_every_field,
    a_poor_answer_flags_the_case_back_to_resolution,
    vulnerable_players_and_harm_complaints_get_no_survey,
    expired_tokens_are_refused,
    unanswered_surveys_are_flagged_at_their_follow_up_time,
    internal_methods_need_the_service_role_and_valid_input,
    concurrent_answers_with_different_keys_record_one,
    a_players_surveys_are_listed_newest_first_in_pages,
);
