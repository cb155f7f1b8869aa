//! SubmitComplaint: validation, idempotency, triage, duplicates, deadlines,
//! tenancy, roles.

use std::time::Duration;

use redress_auth::Role;
use redress_proto::{
    common::v1::{ComplaintCategory, ComplaintStatus, Money, Priority},
    intake::v1::{GetComplaintRequest, ListComplaintsRequest, ListInteractionsRequest, SubmitComplaintRequest},
};
use redress_testkit::{TestDb, authed, backend_tests, token};
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::{OTHER_TENANT, TENANT, TestIntake, withdrawal_complaint};

fn violations(status: &tonic::Status) -> Vec<String> {
    status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

fn seconds(ts: &Option<prost_types::Timestamp>) -> i64 {
    ts.as_ref().map(|t| t.seconds).unwrap_or_default()
}

async fn a_submitted_complaint_can_be_read_and_listed(db: TestDb) {
    let mut t = TestIntake::start(&db).await;
    let year = chrono::Utc::now().format("%Y").to_string();
    let first = t.client.submit_complaint(t.req(withdrawal_complaint("r-1", "p-1", "w-1"))).await.unwrap().into_inner();
    let c = first.complaint.unwrap();
    assert!(!first.replayed);
    assert!(c.name.starts_with("complaints/"));
    assert_eq!(c.reference, format!("RDR-{year}-000001"));
    assert_eq!(c.status(), ComplaintStatus::Received);
    assert_eq!(c.category(), ComplaintCategory::Withdrawal);
    assert!(!c.etag.is_empty());

    let second =
        t.client.submit_complaint(t.req(withdrawal_complaint("r-2", "p-2", "w-2"))).await.unwrap().into_inner();
    assert_eq!(second.complaint.unwrap().reference, format!("RDR-{year}-000002"));

    let got = t
        .client
        .get_complaint(t.req(GetComplaintRequest { name: c.name.clone() }))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();
    assert_eq!(got, c);

    let history = t
        .client
        .list_interactions(t.req(ListInteractionsRequest { parent: c.name.clone(), ..Default::default() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(history.interactions.len(), 1);
    assert!(history.interactions[0].body.contains("Moja wypłata"));

    let list = t.client.list_complaints(t.req(ListComplaintsRequest::default())).await.unwrap().into_inner();
    assert_eq!(list.complaints.len(), 2);
    t.intake.shutdown().await;
}

async fn the_same_request_id_replays_and_a_different_payload_is_refused(db: TestDb) {
    let mut t = TestIntake::start(&db).await;
    let request = withdrawal_complaint("same-key", "p-1", "w-1");
    let original = t.client.submit_complaint(t.req(request.clone())).await.unwrap().into_inner();
    let again = t.client.submit_complaint(t.req(request.clone())).await.unwrap().into_inner();
    assert!(again.replayed);
    assert_eq!(again.complaint, original.complaint);

    let mut changed = request.clone();
    changed.description = "something else entirely".into();
    let err = t.client.submit_complaint(t.req(changed)).await.unwrap_err();
    assert_eq!(err.code(), Code::AlreadyExists);
    assert_eq!(err.get_details_error_info().unwrap().reason, "IDEMPOTENCY_KEY_REUSED");

    let list = t.client.list_complaints(t.req(ListComplaintsRequest::default())).await.unwrap().into_inner();
    assert_eq!(list.complaints.len(), 1, "nothing changed");
    t.intake.shutdown().await;
}

async fn a_retry_after_a_lost_reply_files_exactly_one_complaint(db: TestDb) {
    let mut t = TestIntake::start(&db).await;
    let request = withdrawal_complaint("lost-reply", "p-1", "w-1");
    // The client gives up almost at once: the reply (if any) is lost, the
    // server may or may not have committed.
    let mut hurried = t.req(request.clone());
    hurried.set_timeout(Duration::from_millis(1));
    let _ = t.client.submit_complaint(hurried).await;
    // And a reply that surely was produced, then dropped on the floor.
    let _lost = t.client.submit_complaint(t.req(request.clone())).await.unwrap();
    let retry = t.client.submit_complaint(t.req(request)).await.unwrap().into_inner();
    assert!(retry.replayed);
    let list = t.client.list_complaints(t.req(ListComplaintsRequest::default())).await.unwrap().into_inner();
    assert_eq!(list.complaints.len(), 1);
    assert_eq!(list.complaints[0].name, retry.complaint.unwrap().name);
    t.intake.shutdown().await;
}

async fn concurrent_twins_with_one_request_id_file_one_complaint(db: TestDb) {
    let t = TestIntake::start(&db).await;
    let request = withdrawal_complaint("twin", "p-1", "w-1");
    let mut calls = Vec::new();
    for _ in 0..8 {
        let mut client = t.client.clone();
        let req = t.req(request.clone());
        calls.push(tokio::spawn(async move { client.submit_complaint(req).await }));
    }
    let mut names = std::collections::HashSet::new();
    for call in calls {
        let response = call.await.unwrap().unwrap().into_inner();
        names.insert(response.complaint.unwrap().name);
    }
    assert_eq!(names.len(), 1);
    t.intake.shutdown().await;
}

async fn concurrent_submissions_get_distinct_references(db: TestDb) {
    let t = TestIntake::start(&db).await;
    let mut calls = Vec::new();
    for i in 0..30 {
        let mut client = t.client.clone();
        let req = t.req(withdrawal_complaint(&format!("r-{i}"), &format!("p-{i}"), &format!("w-{i}")));
        calls.push(tokio::spawn(async move { client.submit_complaint(req).await }));
    }
    let mut references = std::collections::HashSet::new();
    for call in calls {
        references.insert(call.await.unwrap().unwrap().into_inner().complaint.unwrap().reference);
    }
    assert_eq!(references.len(), 30);
    t.intake.shutdown().await;
}

async fn bad_input_gets_every_field_violation(db: TestDb) {
    let mut t = TestIntake::start(&db).await;
    let err = t.client.submit_complaint(t.req(SubmitComplaintRequest::default())).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let fields = violations(&err);
    for field in ["request_id", "player", "channel", "subject", "description"] {
        assert!(fields.contains(&field.to_owned()), "{field} missing in {fields:?}");
    }

    // The text rule (no line breaks in one-line fields) is checked for every
    // field before the method's own checks.
    let mut header = withdrawal_complaint("r-1", "p-1", "w-1");
    header.player.as_mut().unwrap().email = "not-an-email\r\nBcc: evil@example.com".into();
    let err = t.client.submit_complaint(t.req(header)).await.unwrap_err();
    assert_eq!(violations(&err), ["player.email"]);

    let mut request = withdrawal_complaint("r-1", "p-1", "");
    request.player.as_mut().unwrap().email = "not-an-email".into();
    request.player.as_mut().unwrap().jurisdiction = "Poland".into();
    request.subject = "x".repeat(201);
    request.disputed_amount = Some(Money { amount_minor: -5, currency_code: "zł".into() });
    request.channel = 99;
    let err = t.client.submit_complaint(t.req(request)).await.unwrap_err();
    let fields = violations(&err);
    for field in [
        "player.email",
        "player.jurisdiction",
        "subject",
        "disputed_amount.amount_minor",
        "disputed_amount.currency_code",
        "channel",
        "transaction_references.withdrawal_id",
    ] {
        assert!(fields.contains(&field.to_owned()), "{field} missing in {fields:?}");
    }

    // UK players may complain about incidents up to six months back, not more.
    let mut old = withdrawal_complaint("r-2", "p-1", "w-1");
    old.player.as_mut().unwrap().jurisdiction = "GB".into();
    old.incident_time =
        Some(prost_types::Timestamp { seconds: chrono::Utc::now().timestamp() - 200 * 86_400, nanos: 0 });
    let err = t.client.submit_complaint(t.req(old.clone())).await.unwrap_err();
    assert_eq!(violations(&err), ["incident_time"]);
    old.incident_time =
        Some(prost_types::Timestamp { seconds: chrono::Utc::now().timestamp() - 150 * 86_400, nanos: 0 });
    t.client.submit_complaint(t.req(old)).await.unwrap();
    t.intake.shutdown().await;
}

async fn tenants_and_roles_are_enforced(db: TestDb) {
    let mut t = TestIntake::start(&db).await;
    let c = t
        .client
        .submit_complaint(t.req(withdrawal_complaint("r-1", "p-1", "w-1")))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();

    let other = token(OTHER_TENANT, &[Role::Backend, Role::Admin]);
    let err = t.client.get_complaint(authed(GetComplaintRequest { name: c.name.clone() }, &other)).await.unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "another tenant's complaint does not exist for them");
    let list = t.client.list_complaints(authed(ListComplaintsRequest::default(), &other)).await.unwrap().into_inner();
    assert!(list.complaints.is_empty());

    let err =
        t.client.get_complaint(tonic::Request::new(GetComplaintRequest { name: c.name.clone() })).await.unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    let err =
        t.client.get_complaint(authed(GetComplaintRequest { name: c.name.clone() }, "not.a.jwt")).await.unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);

    let analyst = token(TENANT, &[Role::Analyst]);
    let err = t.client.submit_complaint(authed(withdrawal_complaint("r-2", "p-1", "w-2"), &analyst)).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    t.intake.shutdown().await;
}

async fn triage_reads_polish_and_english_and_routes_harm(db: TestDb) {
    let mut t = TestIntake::start(&db).await;
    let mut polish = withdrawal_complaint("r-pl", "p-1", "w-1");
    polish.category = ComplaintCategory::Unspecified.into();
    polish.subject = "Reklamacja".into();
    polish.description = "Od tygodnia czekam na wypłatę wygranej, nikt nie odpowiada.".into();
    let c = t.client.submit_complaint(t.req(polish)).await.unwrap().into_inner().complaint.unwrap();
    assert_eq!(c.category(), ComplaintCategory::Withdrawal);
    assert!(c.category_inferred);
    assert!(!c.responsible_gambling);

    let mut english = withdrawal_complaint("r-en", "p-2", "");
    english.category = ComplaintCategory::Unspecified.into();
    english.transaction_references = None;
    english.subject = "Free spins".into();
    english.description = "The bonus wagering requirement was changed after I opted in.".into();
    let c = t.client.submit_complaint(t.req(english)).await.unwrap().into_inner().complaint.unwrap();
    assert_eq!(c.category(), ComplaintCategory::Bonus);

    let mut harm = withdrawal_complaint("r-harm", "p-3", "w-3");
    harm.description = "Jestem uzależniony, pożyczyłem pieniądze żeby się odegrać. Zablokujcie mnie.".into();
    let c = t.client.submit_complaint(t.req(harm)).await.unwrap().into_inner().complaint.unwrap();
    assert!(c.responsible_gambling);
    assert_eq!(c.priority(), Priority::Urgent);
    for indicator in ["addiction", "borrowing", "chasing_losses", "self_exclusion"] {
        assert!(c.harm_indicators.contains(&indicator.to_owned()), "{indicator} in {:?}", c.harm_indicators);
    }
    // Harm puts the complaint on the shortest acknowledge clock (4 h).
    let d = c.deadlines.unwrap();
    assert_eq!(seconds(&d.acknowledge_due_time) - seconds(&c.create_time), 4 * 3600);
    t.intake.shutdown().await;
}

async fn deadlines_follow_the_jurisdiction(db: TestDb) {
    let mut t = TestIntake::start(&db).await;
    let pl = t
        .client
        .submit_complaint(t.req(withdrawal_complaint("r-pl", "p-1", "w-1")))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();
    let d = pl.deadlines.clone().unwrap();
    assert_eq!(d.policy_jurisdiction, "PL");
    assert_eq!(seconds(&d.final_response_due_time) - seconds(&pl.create_time), 14 * 86_400);
    assert_eq!(seconds(&d.acknowledge_due_time) - seconds(&pl.create_time), 24 * 3600);

    let mut uk = withdrawal_complaint("r-gb", "p-2", "w-2");
    uk.player.as_mut().unwrap().jurisdiction = "gb".into();
    let gb = t.client.submit_complaint(t.req(uk)).await.unwrap().into_inner().complaint.unwrap();
    let d = gb.deadlines.unwrap();
    assert_eq!(d.policy_jurisdiction, "GB");
    assert_eq!(seconds(&d.final_response_due_time) - seconds(&gb.create_time), 56 * 86_400);
    t.intake.shutdown().await;
}

async fn a_repeat_complaint_links_to_the_open_one(db: TestDb) {
    let mut t = TestIntake::start(&db).await;
    let first = t
        .client
        .submit_complaint(t.req(withdrawal_complaint("r-1", "p-1", "w-1")))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();
    let mut chat = withdrawal_complaint("r-2", "p-1", "w-1");
    chat.channel = redress_proto::common::v1::Channel::LiveChat.into();
    chat.description = "Again: where is my money?".into();
    let second = t.client.submit_complaint(t.req(chat)).await.unwrap().into_inner().complaint.unwrap();
    assert_eq!(second.duplicate_of, first.name);

    let history = t
        .client
        .list_interactions(t.req(ListInteractionsRequest { parent: first.name.clone(), ..Default::default() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(history.interactions.len(), 2);
    assert!(history.interactions[1].body.contains("where is my money"));

    // Another player, or another withdrawal: not a duplicate.
    let other = t
        .client
        .submit_complaint(t.req(withdrawal_complaint("r-3", "p-2", "w-1")))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();
    assert!(other.duplicate_of.is_empty());
    let other = t
        .client
        .submit_complaint(t.req(withdrawal_complaint("r-4", "p-1", "w-9")))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();
    assert!(other.duplicate_of.is_empty());
    t.intake.shutdown().await;
}

async fn pages_are_complete_and_tokens_cannot_be_forged(db: TestDb) {
    let mut t = TestIntake::start(&db).await;
    for i in 0..7 {
        t.client
            .submit_complaint(t.req(withdrawal_complaint(&format!("r-{i}"), &format!("p-{i}"), &format!("w-{i}"))))
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = t
            .client
            .list_complaints(t.req(ListComplaintsRequest {
                page_size: 3,
                page_token: token.clone(),
                jurisdiction: "PL".into(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        pages += 1;
        seen.extend(page.complaints.into_iter().map(|c| c.reference));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(pages, 3);
    let mut expected = seen.clone();
    expected.sort();
    expected.reverse();
    assert_eq!(seen, expected, "newest first, no gaps or repeats");
    assert_eq!(seen.len(), 7);

    let first = t
        .client
        .list_complaints(t.req(ListComplaintsRequest { page_size: 3, jurisdiction: "PL".into(), ..Default::default() }))
        .await
        .unwrap()
        .into_inner();
    let mut tampered = first.next_page_token.clone().into_bytes();
    tampered[5] = if tampered[5] == b'A' { b'B' } else { b'A' };
    let bad = [
        (String::from_utf8(tampered).unwrap(), "PL", TENANT),
        (first.next_page_token.clone(), "GB", TENANT),
        (first.next_page_token.clone(), "PL", OTHER_TENANT),
    ];
    for (page_token, jurisdiction, tenant) in bad {
        let err = t
            .client
            .list_complaints(authed(
                ListComplaintsRequest {
                    page_size: 3,
                    page_token,
                    jurisdiction: jurisdiction.into(),
                    ..Default::default()
                },
                &token_for(tenant),
            ))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(violations(&err), ["page_token"]);
    }
    t.intake.shutdown().await;
}

fn token_for(tenant: &str) -> String {
    token(tenant, &[Role::Backend])
}

backend_tests!(
    a_submitted_complaint_can_be_read_and_listed,
    the_same_request_id_replays_and_a_different_payload_is_refused,
    a_retry_after_a_lost_reply_files_exactly_one_complaint,
    concurrent_twins_with_one_request_id_file_one_complaint,
    concurrent_submissions_get_distinct_references,
    bad_input_gets_every_field_violation,
    tenants_and_roles_are_enforced,
    triage_reads_polish_and_english_and_routes_harm,
    deadlines_follow_the_jurisdiction,
    a_repeat_complaint_links_to_the_open_one,
    pages_are_complete_and_tokens_cannot_be_forged,
);
