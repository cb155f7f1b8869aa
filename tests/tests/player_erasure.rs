//! Erasure with legal holds, and retention, every service real: a player
//! with data in all four services (complaint and messages, a case with a
//! response, a note and an evidence file, the acknowledgment, an answered
//! survey), every personal field carrying a canary; a legal hold blocks the
//! erasure, its release allows it; afterwards no text or blob column of any
//! table of any service's database holds the canary, the case history
//! still verifies, and the regulatory return is unchanged. An erasure
//! issued while notification is down completes when it is back, and a
//! message overtaken by it leaves nothing behind; the retention sweep
//! erases a closed complaint past retention and skips a held one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use redress_auth::Role;
use redress_e2e::Sandbox;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome, Player, RootCause, TransactionReferences},
    feedback::v1::{SubmitSurveyResponseRequest, SurveyAnswer, survey_answer::ProblemSolved},
    intake::v1::{
        AddPlayerMessageRequest, CreateLegalHoldRequest, ErasePlayerDataRequest, Erasure, GetComplaintRequest,
        GetErasureRequest, LegalHold, ListErasuresRequest, ListLegalHoldsRequest, ListRetentionSweepsRequest,
        ReleaseLegalHoldRequest, SubmitComplaintRequest, WithdrawComplaintRequest, erasure, legal_hold,
    },
    notification::v1::{ListNotificationsRequest, notification::State as NotificationState},
    resolution::v1::{
        AddInternalNoteRequest, Case, GetCaseRequest, GetRegulatoryReturnRequest, ListCasesRequest, Regulator,
        ResolveCaseRequest, RespondToPlayerRequest, UploadEvidenceRequest, VerifyCaseHistoryRequest,
        upload_evidence_request::{Header, Part},
    },
};
use redress_testkit::{Backend, authed, eventually};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use tonic::Code;
use tonic_types::StatusExt;

const WAIT: Duration = Duration::from_secs(30);
/// In every personal field.
const CANARY: &str = "zq7canary";

fn player(id: &str) -> Player {
    Player {
        player_id: id.into(),
        display_name: format!("Ann {CANARY}"),
        email: format!("ann.{CANARY}@example.co.uk"),
        language_code: "en".into(),
        jurisdiction: "GB".into(),
        preferred_channel: Channel::Email.into(),
        ..Default::default()
    }
}

fn complaint(request_id: &str, player_id: &str) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: request_id.into(),
        player: Some(player(player_id)),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: format!("W-{request_id}"),
            ..Default::default()
        }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: format!("Withdrawal {CANARY} missing"),
        description: format!("My withdrawal never arrived, says {CANARY}."),
        channel: Channel::Email.into(),
        ..Default::default()
    }
}

/// Every (table, column) of a service's database that holds `needle`,
/// found by scanning every text and blob column of every table named in
/// the schema.
async fn columns_holding(db: &DatabaseConnection, needle: &str) -> Vec<String> {
    let backend = db.get_database_backend();
    let columns: Vec<(String, String, bool)> = match backend {
        DbBackend::Postgres => {
            let sql = "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS d \
                       FROM information_schema.columns WHERE table_schema = current_schema() \
                       AND data_type IN ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb')";
            let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
            rows.iter()
                .map(|r| {
                    let d: String = r.try_get("", "d").unwrap();
                    (r.try_get("", "t").unwrap(), r.try_get("", "c").unwrap(), d == "bytea")
                })
                .collect()
        }
        _ => {
            let sql = "SELECT m.name AS t, p.name AS c, p.type AS d FROM sqlite_master m \
                       JOIN pragma_table_info(m.name) p WHERE m.type = 'table'";
            let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
            rows.iter()
                .filter_map(|r| {
                    let d: String = r.try_get("", "d").unwrap();
                    let d = d.to_ascii_lowercase();
                    let texty = d.is_empty() || ["char", "text", "clob", "blob", "json"].iter().any(|k| d.contains(k));
                    texty.then(|| (r.try_get("", "t").unwrap(), r.try_get("", "c").unwrap(), d.contains("blob")))
                })
                .collect()
        }
    };
    assert!(columns.len() > 10, "the schema was not read: {columns:?}");
    let mut holding = Vec::new();
    for (table, column, bytes) in columns {
        let condition = match (backend, bytes) {
            (DbBackend::Postgres, true) => format!("position(convert_to($1, 'UTF8') in \"{column}\") > 0"),
            (DbBackend::Postgres, false) => format!("strpos(\"{column}\"::text, $1) > 0"),
            _ => format!("instr(CAST(\"{column}\" AS BLOB), CAST(?1 AS BLOB)) > 0"),
        };
        let sql = format!("SELECT count(*) AS n FROM \"{table}\" WHERE {condition}");
        let row =
            db.query_one_raw(Statement::from_sql_and_values(backend, sql, [needle.into()])).await.unwrap().unwrap();
        if row.try_get::<i64>("", "n").unwrap() > 0 {
            holding.push(format!("{table}.{column}"));
        }
    }
    holding
}

/// The canary's places in each service's database.
async fn canaries(s: &Sandbox) -> Vec<String> {
    let mut out = Vec::new();
    for (service, db) in [
        ("intake", s.intake.db()),
        ("resolution", s.resolution.db()),
        ("notification", s.notification.db()),
        ("feedback", s.feedback.db()),
    ] {
        out.extend(columns_holding(db, CANARY).await.into_iter().map(|c| format!("{service}:{c}")));
    }
    out
}

async fn wait_for_case(s: &Sandbox, complaint: &str, token: &str) -> Case {
    let find = || async {
        let request = ListCasesRequest { complaint: complaint.to_owned(), ..Default::default() };
        s.resolution().list_cases(authed(request, token)).await.ok().and_then(|r| r.into_inner().cases.pop())
    };
    assert!(eventually(WAIT, || async { find().await.is_some() }).await, "no case opened for {complaint}");
    find().await.unwrap()
}

/// Every outbox delivered and every notification sent.
async fn settle(s: &Sandbox) {
    let quiet = || async {
        s.intake.relay().pending().await.unwrap() == 0
            && s.resolution.relay().pending().await.unwrap() == 0
            && s.feedback.relay().pending().await.unwrap() == 0
    };
    assert!(eventually(WAIT, quiet).await, "the outboxes never drained");
    let agent = s.token(&[Role::Agent]);
    let sent = || async {
        let list = s.notification().list_notifications(authed(ListNotificationsRequest::default(), &agent)).await;
        list.is_ok_and(|l| {
            l.into_inner()
                .notifications
                .iter()
                .all(|n| matches!(n.state(), NotificationState::Delivered | NotificationState::Suppressed))
        })
    };
    assert!(eventually(WAIT, sent).await, "the notifications were never sent");
}

/// The survey token from an invitation e-mail (`…?token=<base64url>`).
fn survey_token(emails: &[String]) -> Option<String> {
    emails.iter().find_map(|m| {
        let unfolded = m.replace("=\r\n", "").replace("=3D", "=");
        let at = unfolded.find("token=")? + "token=".len();
        let token: String =
            unfolded[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
        (!token.is_empty()).then_some(token)
    })
}

fn period() -> (prost_types::Timestamp, prost_types::Timestamp) {
    let now = chrono::Utc::now().timestamp();
    (
        prost_types::Timestamp { seconds: now - 86_400, nanos: 0 },
        prost_types::Timestamp { seconds: now + 86_400, nanos: 0 },
    )
}

async fn ukgc_return(
    s: &Sandbox,
    (start, end): (prost_types::Timestamp, prost_types::Timestamp),
) -> redress_proto::resolution::v1::GetRegulatoryReturnResponse {
    let request = GetRegulatoryReturnRequest {
        regulator: Regulator::Ukgc.into(),
        period_start_time: Some(start),
        period_end_time: Some(end),
    };
    let mut response =
        s.resolution().get_regulatory_return(authed(request, &s.token(&[Role::Analyst]))).await.unwrap().into_inner();
    response.generate_time = None;
    response
}

async fn erasure_of(s: &Sandbox, name: &str) -> Erasure {
    let dpo = s.token(&[Role::Dpo]);
    s.intake()
        .get_erasure(authed(GetErasureRequest { name: name.into() }, &dpo))
        .await
        .unwrap()
        .into_inner()
        .erasure
        .unwrap()
}

async fn wait_succeeded(s: &Sandbox, name: &str) -> Erasure {
    let done = || async { erasure_of(s, name).await.state() == erasure::State::Succeeded };
    assert!(eventually(WAIT, done).await, "{name} never completed: {:?}", erasure_of(s, name).await);
    erasure_of(s, name).await
}

/// A hold of `days`.
async fn hold(s: &Sandbox, player_id: &str, request_id: &str, days: i64) -> LegalHold {
    let end = chrono::Utc::now().timestamp() + days * 86_400;
    let request = CreateLegalHoldRequest {
        parent: format!("players/{player_id}"),
        legal_hold: Some(LegalHold {
            reason: "ADR case open with IBAS".into(),
            end_time: Some(prost_types::Timestamp { seconds: end, nanos: 0 }),
            ..Default::default()
        }),
        request_id: request_id.into(),
    };
    let created = s.intake().create_legal_hold(authed(request, &s.token(&[Role::Dpo]))).await.unwrap();
    created.into_inner().legal_hold.unwrap()
}

fn erase(player_id: &str, request_id: &str) -> ErasePlayerDataRequest {
    ErasePlayerDataRequest {
        player: format!("players/{player_id}"),
        reason: "GDPR art. 17 request".into(),
        request_id: request_id.into(),
    }
}

async fn a_players_data_is_erased_everywhere_after_the_hold_is_released(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let casino = s.token(&[Role::Backend]);
    let agent = s.token(&[Role::Agent]);
    let dpo = s.token(&[Role::Dpo]);

    // The player's data in all four services, canaries everywhere.
    let filed = s.intake().submit_complaint(authed(complaint("c-1", "p-ann"), &casino)).await.unwrap();
    let filed = filed.into_inner().complaint.unwrap();
    let message = AddPlayerMessageRequest {
        parent: filed.name.clone(),
        request_id: "m-1".into(),
        channel: Channel::Email.into(),
        body: format!("Any news? {CANARY}"),
    };
    s.intake().add_player_message(authed(message, &casino)).await.unwrap();
    let case = wait_for_case(&s, &filed.name, &agent).await;
    let respond = RespondToPlayerRequest {
        name: case.name.clone(),
        request_id: "r-1".into(),
        body: format!("Dear Ann {CANARY}, we are checking."),
        ..Default::default()
    };
    s.resolution().respond_to_player(authed(respond, &agent)).await.unwrap();
    let note = AddInternalNoteRequest {
        name: case.name.clone(),
        request_id: "n-1".into(),
        body: format!("Called {CANARY} back"),
        ..Default::default()
    };
    s.resolution().add_internal_note(authed(note, &agent)).await.unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(format!("screenshot of {CANARY}").bytes());
    let upload = vec![
        UploadEvidenceRequest {
            part: Some(Part::Header(Header {
                parent: case.name.clone(),
                request_id: "e-1".into(),
                filename: format!("{CANARY}.png"),
                declared_content_type: "image/png".into(),
                description: format!("bank statement of {CANARY}"),
            })),
        },
        UploadEvidenceRequest { part: Some(Part::Chunk(png)) },
    ];
    s.resolution().upload_evidence(authed(tokio_stream::iter(upload), &agent)).await.unwrap();
    let case = s.resolution().get_case(authed(GetCaseRequest { name: case.name.clone() }, &agent)).await.unwrap();
    let case = case.into_inner().case.unwrap();
    let resolve = ResolveCaseRequest {
        name: case.name.clone(),
        request_id: "resolve".into(),
        outcome: Outcome::NotUpheld.into(),
        root_cause: RootCause::Policy.into(),
        final_response: format!("Dear Ann {CANARY}, the withdrawal was paid."),
        adr_body: "IBAS".into(),
        etag: case.etag.clone(),
        ..Default::default()
    };
    s.resolution().resolve_case(authed(resolve, &agent)).await.unwrap();
    assert!(eventually(WAIT, || async { survey_token(&s.emails()).is_some() }).await, "no survey invitation");
    let answer = SubmitSurveyResponseRequest {
        token: survey_token(&s.emails()).unwrap(),
        request_id: "answer".into(),
        answer: Some(SurveyAnswer {
            csat: 2,
            problem_solved: ProblemSolved::No.into(),
            fairness: 2,
            comment: format!("Too slow, {CANARY}"),
            ..Default::default()
        }),
    };
    s.feedback().submit_survey_response(authed(answer, &casino)).await.unwrap();
    settle(&s).await;
    let before = canaries(&s).await;
    for service in ["intake:", "resolution:", "notification:", "feedback:"] {
        assert!(before.iter().any(|c| c.starts_with(service)), "no canary in {service} to erase: {before:?}");
    }
    let period = period();
    let returned = ukgc_return(&s, period).await;

    // A legal hold blocks the erasure and names itself.
    let placed = hold(&s, "p-ann", "h-1", 30).await;
    assert_eq!(placed.state(), legal_hold::State::Active);
    let refused = s.intake().erase_player_data(authed(erase("p-ann", "x-1"), &dpo)).await.unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);
    let info = refused.get_details_error_info().unwrap();
    assert_eq!(info.reason, "LEGAL_HOLD");
    assert_eq!(info.metadata.get("legal_hold"), Some(&placed.name));
    assert_eq!(canaries(&s).await, before, "a refused erasure erases nothing");
    // An agent may neither hold nor erase.
    let denied = s.intake().erase_player_data(authed(erase("p-ann", "x-2"), &agent)).await.unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);

    // Released (with its etag), the erasure goes through.
    let release =
        ReleaseLegalHoldRequest { name: placed.name.clone(), etag: placed.etag.clone(), reason: "ADR closed".into() };
    let released = s.intake().release_legal_hold(authed(release.clone(), &dpo)).await.unwrap().into_inner();
    assert_eq!(released.legal_hold.unwrap().state(), legal_hold::State::Released);
    let stale = s.intake().release_legal_hold(authed(release, &dpo)).await.unwrap_err();
    assert_eq!(stale.code(), Code::Aborted, "the etag moved on");
    let holds = ListLegalHoldsRequest { parent: "players/p-ann".into(), ..Default::default() };
    let holds = s.intake().list_legal_holds(authed(holds, &dpo)).await.unwrap().into_inner().legal_holds;
    assert_eq!(holds.len(), 1);

    let erased = s.intake().erase_player_data(authed(erase("p-ann", "x-1"), &dpo)).await.unwrap().into_inner();
    let erased = erased.erasure.unwrap();
    assert_eq!((erased.trigger(), erased.complaints.clone()), (erasure::Trigger::Request, vec![filed.name.clone()]));
    let done = wait_succeeded(&s, &erased.name).await;
    assert!(done.services.iter().all(|p| p.complete_time.is_some()), "{done:?}");
    settle(&s).await;

    assert_eq!(canaries(&s).await, Vec::<String>::new(), "personal data left after the erasure");
    let verify = VerifyCaseHistoryRequest { name: case.name.clone() };
    let verified =
        s.resolution().verify_case_history(authed(verify.clone(), &s.token(&[Role::Supervisor]))).await.unwrap();
    let verified = verified.into_inner();
    assert!(verified.intact, "{verified:?}");
    assert_eq!(ukgc_return(&s, period).await, returned, "the regulatory return changed");
    let kept = s.intake().get_complaint(authed(GetComplaintRequest { name: filed.name.clone() }, &agent)).await;
    let kept = kept.unwrap().into_inner().complaint.unwrap();
    let facts = (kept.reference.clone(), kept.category(), kept.outcome());
    assert_eq!(facts, (filed.reference, ComplaintCategory::Withdrawal, Outcome::NotUpheld));

    // Idempotent: a retry replays; a second erasure is harmless.
    let replay = s.intake().erase_player_data(authed(erase("p-ann", "x-1"), &dpo)).await.unwrap().into_inner();
    assert!(replay.replayed);
    assert_eq!(replay.erasure.unwrap().name, erased.name);
    let again = s.intake().erase_player_data(authed(erase("p-ann", "x-3"), &dpo)).await.unwrap().into_inner();
    wait_succeeded(&s, &again.erasure.unwrap().name).await;
    let listed = ListErasuresRequest { player: "players/p-ann".into(), ..Default::default() };
    assert_eq!(s.intake().list_erasures(authed(listed, &dpo)).await.unwrap().into_inner().erasures.len(), 2);
    let verified = s.resolution().verify_case_history(authed(verify, &s.token(&[Role::Supervisor]))).await.unwrap();
    assert!(verified.into_inner().intact);
    assert_eq!(canaries(&s).await, Vec::<String>::new());
    s.shutdown().await;
}

async fn an_erasure_issued_while_notification_is_down_completes_when_it_is_back(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let casino = s.token(&[Role::Backend]);
    let filed = s.intake().submit_complaint(authed(complaint("c-2", "p-bo"), &casino)).await.unwrap();
    let filed = filed.into_inner().complaint.unwrap();
    wait_for_case(&s, &filed.name, &s.token(&[Role::Agent])).await;
    settle(&s).await;
    assert!(!columns_holding(s.notification.db(), CANARY).await.is_empty(), "the acknowledgment holds the canary");

    let mut name = String::new();
    let s = s
        .restart_notification(async |intake| {
            let client = redress_proto::intake::v1::intake_service_client::IntakeServiceClient::new(
                redress_testkit::channel(intake.local_addr()),
            );
            let dpo = redress_testkit::token(redress_e2e::TENANT, &[Role::Dpo]);
            let erased = client.clone().erase_player_data(authed(erase("p-bo", "x-bo"), &dpo)).await.unwrap();
            name = erased.into_inner().erasure.unwrap().name;
            // Resolution and feedback confirm; notification cannot.
            let others = || async {
                let e = client.clone().get_erasure(authed(GetErasureRequest { name: name.clone() }, &dpo)).await;
                e.is_ok_and(|e| {
                    let e = e.into_inner().erasure.unwrap();
                    let done = |svc: &str| e.services.iter().any(|p| p.service == svc && p.complete_time.is_some());
                    done("resolution") && done("feedback") && !done("notification")
                })
            };
            assert!(eventually(WAIT, others).await, "resolution and feedback never confirmed");
            let pending = client.clone().get_erasure(authed(GetErasureRequest { name: name.clone() }, &dpo)).await;
            assert_eq!(pending.unwrap().into_inner().erasure.unwrap().state(), erasure::State::InProgress);
        })
        .await;
    wait_succeeded(&s, &name).await;
    assert_eq!(canaries(&s).await, Vec::<String>::new(), "personal data left after the erasure");
    s.shutdown().await;
}

/// Outbox deliveries are not ordered. An agent's message to the player
/// waits in resolution's outbox while notification is down, and the
/// player's erasure is issued meanwhile: whichever of the two reaches
/// notification first, afterwards no service (resolution's outbox
/// included) holds the player's data.
async fn a_message_overtaken_by_the_erasure_leaves_nothing_behind(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let casino = s.token(&[Role::Backend]);
    let filed = s.intake().submit_complaint(authed(complaint("c-3", "p-cy"), &casino)).await.unwrap();
    let filed = filed.into_inner().complaint.unwrap();
    let case = wait_for_case(&s, &filed.name, &s.token(&[Role::Agent])).await;
    settle(&s).await;

    let resolution = s.resolution.local_addr();
    let mut name = String::new();
    let s = s
        .restart_notification(async |intake| {
            let agent = redress_testkit::token(redress_e2e::TENANT, &[Role::Agent]);
            let respond = RespondToPlayerRequest {
                name: case.name.clone(),
                request_id: "r-cy".into(),
                body: format!("Dear Cy {CANARY}, we are checking."),
                ..Default::default()
            };
            let mut cases = redress_proto::resolution::v1::resolution_service_client::ResolutionServiceClient::new(
                redress_testkit::channel(resolution),
            );
            cases.respond_to_player(authed(respond, &agent)).await.unwrap();
            let client = redress_proto::intake::v1::intake_service_client::IntakeServiceClient::new(
                redress_testkit::channel(intake.local_addr()),
            );
            let dpo = redress_testkit::token(redress_e2e::TENANT, &[Role::Dpo]);
            let erased = client.clone().erase_player_data(authed(erase("p-cy", "x-cy"), &dpo)).await.unwrap();
            name = erased.into_inner().erasure.unwrap().name;
        })
        .await;
    wait_succeeded(&s, &name).await;
    settle(&s).await;
    assert_eq!(canaries(&s).await, Vec::<String>::new(), "personal data left after the erasure");
    s.shutdown().await;
}

async fn the_retention_sweep_erases_a_closed_complaint_past_retention_and_skips_a_held_one(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let casino = s.token(&[Role::Backend]);
    let dpo = s.token(&[Role::Dpo]);
    let agent = s.token(&[Role::Agent]);
    let mut names = Vec::new();
    let mut cases = Vec::new();
    for (request_id, player_id) in [("c-old", "p-old"), ("c-held", "p-held")] {
        let filed = s.intake().submit_complaint(authed(complaint(request_id, player_id), &casino)).await.unwrap();
        let filed = filed.into_inner().complaint.unwrap();
        cases.push(wait_for_case(&s, &filed.name, &agent).await.name);
        let withdraw = WithdrawComplaintRequest {
            name: filed.name.clone(),
            request_id: format!("w-{request_id}"),
            reason: "sorted".into(),
            ..Default::default()
        };
        s.intake().withdraw_complaint(authed(withdraw, &casino)).await.unwrap();
        names.push(filed.name);
    }
    settle(&s).await;
    // AML retention: held for ten years.
    let held = hold(&s, "p-held", "h-held", 3653).await;

    // Today nothing is past retention; seven years on (GB keeps six), one
    // complaint is erased and the held one kept.
    assert!(s.intake.retention().run_once().await.unwrap().is_empty());
    let later = chrono::Utc::now() + chrono::Duration::days(7 * 366);
    let sweeps = s.intake.retention().sweep_at(later).await.unwrap();
    assert_eq!(sweeps.len(), 1, "{sweeps:?}");
    let sweep = &sweeps[0];
    assert_eq!((sweep.examined_count, sweep.erased_count, sweep.held_count), (2, 1, 1), "{sweep:?}");
    assert_eq!(sweep.holds, std::slice::from_ref(&held.name));
    let listed = s.intake().list_retention_sweeps(authed(ListRetentionSweepsRequest::default(), &dpo)).await;
    assert_eq!(listed.unwrap().into_inner().retention_sweeps, sweeps);

    let erasure = wait_succeeded(&s, &sweep.erasures[0]).await;
    assert_eq!((erasure.trigger(), erasure.complaints.clone()), (erasure::Trigger::Retention, vec![names[0].clone()]));
    let get = |name: &str| {
        let request = authed(GetComplaintRequest { name: name.to_owned() }, &agent);
        async { s.intake().get_complaint(request).await.unwrap().into_inner().complaint.unwrap() }
    };
    assert!(!get(&names[0]).await.description.contains(CANARY), "the old complaint was not erased");
    assert!(get(&names[1]).await.description.contains(CANARY), "the held complaint was erased");
    let case = |name: &str| {
        let request = authed(GetCaseRequest { name: name.to_owned() }, &agent);
        async { s.resolution().get_case(request).await.unwrap().into_inner().case.unwrap() }
    };
    let old_case = case(&cases[0]).await;
    let held_case = case(&cases[1]).await;
    assert!(!old_case.description.contains(CANARY) && held_case.description.contains(CANARY));
    let verify = VerifyCaseHistoryRequest { name: old_case.name.clone() };
    let verified = s.resolution().verify_case_history(authed(verify, &s.token(&[Role::Supervisor]))).await.unwrap();
    assert!(verified.into_inner().intact);

    // A second sweep erases nothing more (the held one is still held).
    let again = s.intake.retention().sweep_at(later).await.unwrap();
    assert_eq!(again.iter().map(|s| (s.erased_count, s.held_count)).collect::<Vec<_>>(), [(0, 1)]);
    s.shutdown().await;
}

redress_e2e::on_both_backends!(
    a_players_data_is_erased_everywhere_after_the_hold_is_released,
    an_erasure_issued_while_notification_is_down_completes_when_it_is_back,
    a_message_overtaken_by_the_erasure_leaves_nothing_behind,
    the_retention_sweep_erases_a_closed_complaint_past_retention_and_skips_a_held_one,
);
