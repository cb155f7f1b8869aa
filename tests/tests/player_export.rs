//! The subject-access export, every service real: a player with a complaint
//! and a further message (intake), its case with events and an uploaded
//! evidence file (resolution), its notifications delivered (notification)
//! and a survey answered (feedback) is exported by the data-protection
//! officer; the archive holds every item, every file re-hashes to its
//! manifest entry, the evidence is byte for byte what was uploaded, and
//! neither another player's nor another tenant's data is in it. An export
//! interrupted by a crash of intake mid-part completes after the restart.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::BTreeMap, io::Read, time::Duration};

use redress_auth::Role;
use redress_e2e::{Sandbox, TENANT};
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome, Player, RootCause, TransactionReferences},
    feedback::v1::{SubmitSurveyResponseRequest, SurveyAnswer, survey_answer::ProblemSolved},
    intake::v1::{
        AddPlayerMessageRequest, DownloadPlayerDataExportRequest, ExportPlayerDataRequest, GetPlayerDataExportRequest,
        PlayerDataExport, SubmitComplaintRequest, download_player_data_export_response::Part,
        player_data_export::State,
    },
    notification::v1::{ListNotificationsRequest, notification::State as NotificationState},
    resolution::v1::{
        Case, ListCasesRequest, ResolveCaseRequest, UploadEvidenceRequest, upload_evidence_request::Header,
        upload_evidence_request::Part as Up,
    },
};
use redress_testkit::{Backend, authed, eventually, token};
use sha2::{Digest, Sha256};
use tonic::Code;

const WAIT: Duration = Duration::from_secs(30);
const OTHER_TENANT: &str = "casino-other";

fn complaint(request_id: &str, player_id: &str, email: &str) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: request_id.into(),
        player: Some(Player {
            player_id: player_id.into(),
            display_name: "Ana".into(),
            email: email.into(),
            language_code: "en".into(),
            jurisdiction: "GB".into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: format!("W-{request_id}"),
            ..Default::default()
        }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: "Withdrawal not received".into(),
        description: "My withdrawal has been pending for a week.".into(),
        channel: Channel::Email.into(),
        ..Default::default()
    }
}

async fn file(s: &Sandbox, tenant: &str, request: SubmitComplaintRequest) -> String {
    let casino = token(tenant, &[Role::Backend]);
    let filed = s.intake().submit_complaint(authed(request, &casino)).await.unwrap().into_inner();
    filed.complaint.unwrap().name
}

async fn case_of(s: &Sandbox, complaint: &str) -> Case {
    let agent = s.token(&[Role::Agent]);
    let find = || async {
        let request = ListCasesRequest { complaint: complaint.to_owned(), ..Default::default() };
        s.resolution().list_cases(authed(request, &agent)).await.ok().and_then(|r| r.into_inner().cases.pop())
    };
    assert!(eventually(WAIT, || async { find().await.is_some() }).await, "no case opened for {complaint}");
    find().await.unwrap()
}

/// A PNG of `len` bytes (the type is sniffed from the signature).
fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..len - 8).map(|i| (i * 7 % 253) as u8));
    bytes
}

async fn export(
    s: &Sandbox,
    token: &str,
    player_id: &str,
    request_id: &str,
) -> Result<PlayerDataExport, tonic::Status> {
    let request = ExportPlayerDataRequest { player_id: player_id.into(), request_id: request_id.into() };
    Ok(s.intake().export_player_data(authed(request, token)).await?.into_inner().export.unwrap())
}

async fn get(s: &Sandbox, token: &str, name: &str) -> Result<PlayerDataExport, tonic::Status> {
    let request = GetPlayerDataExportRequest { name: name.into() };
    Ok(s.intake().get_player_data_export(authed(request, token)).await?.into_inner().export.unwrap())
}

async fn succeeded(s: &Sandbox, token: &str, name: &str) -> PlayerDataExport {
    let done = || async { get(s, token, name).await.is_ok_and(|e| e.state() == State::Succeeded) };
    assert!(eventually(WAIT, done).await, "the export never succeeded: {:?}", get(s, token, name).await);
    get(s, token, name).await.unwrap()
}

/// The archive as downloaded, checked against the export's size and SHA-256.
async fn download(s: &Sandbox, token: &str, name: &str) -> Vec<u8> {
    let request = DownloadPlayerDataExportRequest { name: name.into() };
    let mut stream = s.intake().download_player_data_export(authed(request, token)).await.unwrap().into_inner();
    let (mut meta, mut bytes) = (None, Vec::new());
    while let Some(message) = stream.message().await.unwrap() {
        match message.part.unwrap() {
            Part::Export(e) => {
                assert!(meta.is_none() && bytes.is_empty(), "the export comes first, once");
                meta = Some(e);
            }
            Part::Chunk(c) => {
                assert!(c.len() <= 256 * 1024);
                bytes.extend(c);
            }
        }
    }
    let meta = meta.unwrap();
    assert_eq!(bytes.len() as i64, meta.archive_size_bytes);
    assert_eq!(hex::encode(Sha256::digest(&bytes)), meta.archive_sha256);
    bytes
}

/// The archive's files by path, after checking every one against the
/// manifest (and the manifest lists every one).
fn verified_files(archive: &[u8]) -> (serde_json::Value, BTreeMap<String, Vec<u8>>) {
    let mut files = BTreeMap::new();
    let mut tar = tar::Archive::new(archive);
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        assert!(files.insert(path.clone(), data).is_none(), "{path} twice");
    }
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(manifest["format_version"], 1);
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(listed.len(), files.len() - 1, "the manifest lists every other file");
    for entry in listed {
        let path = entry["path"].as_str().unwrap();
        let data = files.get(path).unwrap_or_else(|| panic!("{path} is listed but absent"));
        assert_eq!(entry["size_bytes"].as_u64().unwrap(), data.len() as u64, "{path}");
        assert_eq!(entry["sha256"].as_str().unwrap(), hex::encode(Sha256::digest(data)), "{path}");
    }
    (manifest, files)
}

fn json(files: &BTreeMap<String, Vec<u8>>, path: &str) -> serde_json::Value {
    let data = files.get(path).unwrap_or_else(|| panic!("{path} absent; files: {:?}", files.keys()));
    serde_json::from_slice(data).unwrap()
}

fn id(name: &str) -> &str {
    name.rsplit('/').next().unwrap()
}

async fn a_players_data_from_all_four_services_is_in_one_verified_archive(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let casino = s.token(&[Role::Backend]);
    let agent = s.token(&[Role::Agent]);
    let dpo = s.token(&[Role::Dpo]);

    // The player, another player of the tenant, and the same player id at
    // another casino.
    let complaint_name = file(&s, TENANT, complaint("ana-1", "player-ana", "ana@example.co.uk")).await;
    let bob = file(&s, TENANT, complaint("bob-1", "player-bob", "bob@example.co.uk")).await;
    let elsewhere = file(&s, OTHER_TENANT, complaint("ana-x", "player-ana", "ana@other.example")).await;
    let message = AddPlayerMessageRequest {
        parent: complaint_name.clone(),
        request_id: "ana-msg".into(),
        channel: Channel::Email.into(),
        body: "Any news on my withdrawal?".into(),
    };
    s.intake().add_player_message(authed(message, &casino)).await.unwrap();

    // The case, with evidence (larger than one chunk), resolved.
    let case = case_of(&s, &complaint_name).await;
    let evidence_bytes = png(600 * 1024);
    let header = Header {
        parent: case.name.clone(),
        request_id: "ana-evidence".into(),
        filename: "bank statement.png".into(),
        declared_content_type: "image/png".into(),
        description: "The statement shows no payment".into(),
    };
    let messages: Vec<_> = std::iter::once(UploadEvidenceRequest { part: Some(Up::Header(header)) })
        .chain(evidence_bytes.chunks(100 * 1024).map(|c| UploadEvidenceRequest { part: Some(Up::Chunk(c.to_vec())) }))
        .collect();
    let request = authed(tokio_stream::iter(messages), &agent);
    let evidence = s.resolution().upload_evidence(request).await.unwrap().into_inner().evidence.unwrap();
    let case = case_of(&s, &complaint_name).await;
    let resolve = ResolveCaseRequest {
        name: case.name.clone(),
        request_id: "ana-resolve".into(),
        outcome: Outcome::Upheld.into(),
        root_cause: RootCause::PaymentProviderFailure.into(),
        final_response: "The withdrawal was paid today.".into(),
        adr_body: "IBAS".into(),
        etag: case.etag.clone(),
        ..Default::default()
    };
    s.resolution().resolve_case(authed(resolve, &agent)).await.unwrap();

    // The survey invitation arrives and the player answers it.
    let survey_token = || {
        s.emails().iter().find_map(|m| {
            let unfolded = m.replace("=\r\n", "").replace("=3D", "=");
            let at = unfolded.find("token=")? + "token=".len();
            let t: String =
                unfolded[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
            (!t.is_empty()).then_some(t)
        })
    };
    assert!(eventually(WAIT, || async { survey_token().is_some() }).await, "no survey invitation");
    let answer = SurveyAnswer {
        csat: 4,
        problem_solved: ProblemSolved::Yes.into(),
        fairness: 5,
        comment: "Sorted in the end, thanks.".into(),
        ..Default::default()
    };
    let submit = SubmitSurveyResponseRequest {
        token: survey_token().unwrap(),
        request_id: "ana-answer".into(),
        answer: Some(answer),
    };
    s.feedback().submit_survey_response(authed(submit, &casino)).await.unwrap();
    // Every notification about the complaint delivered (the acknowledgment
    // among them), and the answer recorded in feedback's facts.
    let delivered = || async {
        let request = ListNotificationsRequest { complaint: complaint_name.clone(), ..Default::default() };
        let list = s.notification().list_notifications(authed(request, &agent)).await.unwrap().into_inner();
        list.notifications.len() >= 2 && list.notifications.iter().all(|n| n.state() == NotificationState::Delivered)
    };
    assert!(eventually(WAIT, delivered).await, "the notifications were never delivered");

    // Only a dpo or an admin may export.
    for role in [Role::Agent, Role::Supervisor, Role::Backend, Role::Analyst] {
        let denied = export(&s, &s.token(&[role]), "player-ana", "denied").await.unwrap_err();
        assert_eq!(denied.code(), Code::PermissionDenied, "{role:?}");
    }
    let missing = export(&s, &dpo, "", "no-player").await.unwrap_err();
    assert_eq!(missing.code(), Code::InvalidArgument);

    let started = export(&s, &dpo, "player-ana", "export-ana").await.unwrap();
    assert!(started.name.starts_with("exports/"), "{started:?}");
    assert!(matches!(started.state(), State::Pending | State::Running | State::Succeeded));
    // A repeat is the same export; the same key for another player is refused.
    let again = export(&s, &dpo, "player-ana", "export-ana").await.unwrap();
    assert_eq!(again.name, started.name);
    let reused = export(&s, &dpo, "player-bob", "export-ana").await.unwrap_err();
    assert_eq!(reused.code(), Code::AlreadyExists);
    // Another tenant's officer does not see it.
    let other_dpo = token(OTHER_TENANT, &[Role::Dpo]);
    assert_eq!(get(&s, &other_dpo, &started.name).await.unwrap_err().code(), Code::NotFound);
    assert_eq!(get(&s, &agent, &started.name).await.unwrap_err().code(), Code::PermissionDenied);

    let done = succeeded(&s, &dpo, &started.name).await;
    let progress = done.progress.clone().unwrap();
    assert_eq!(progress.parts_done, ["intake", "resolution", "notification", "feedback"]);
    assert_eq!(done.requested_by, "test-user");
    assert!(done.expire_time.is_some() && done.complete_time.is_some());
    // An admin may download it too.
    let archive = download(&s, &s.token(&[Role::Admin]), &done.name).await;
    let (manifest, files) = verified_files(&archive);
    assert_eq!(manifest["tenant"], TENANT);
    assert_eq!(manifest["player_id"], "player-ana");
    assert_eq!(manifest["export"], done.name.as_str());
    assert_eq!(progress.records_gathered as usize, files.len() - 1);

    // Intake: the complaint and its interactions.
    let complaint_id = id(&complaint_name);
    let filed = json(&files, &format!("intake/complaints/{complaint_id}.json"));
    assert_eq!(filed["name"], complaint_name.as_str());
    assert_eq!(filed["player"]["email"], "ana@example.co.uk");
    let interactions: Vec<_> =
        files.keys().filter(|p| p.starts_with(&format!("intake/complaints/{complaint_id}/interactions/"))).collect();
    assert!(interactions.len() >= 2, "{interactions:?}");
    let bodies: Vec<_> = interactions.iter().map(|p| json(&files, p)["body"].as_str().unwrap().to_owned()).collect();
    assert!(bodies.iter().any(|b| b == "Any news on my withdrawal?"), "{bodies:?}");

    // Resolution: the case, its hash-chained history, the evidence.
    let case_id = id(&case.name);
    assert_eq!(json(&files, &format!("resolution/cases/{case_id}.json"))["complaint"], complaint_name.as_str());
    let events = json(&files, &format!("resolution/cases/{case_id}/events.json"));
    let events = events.as_array().unwrap();
    assert!(events.len() >= 3, "{events:?}");
    assert!(events.iter().all(|e| !e["hash"].as_str().unwrap().is_empty()));
    for pair in events.windows(2) {
        assert_eq!(pair[1]["previous_hash"], pair[0]["hash"], "the chain links");
    }
    let evidence_id = id(&evidence.name);
    let meta = json(&files, &format!("resolution/evidence/{evidence_id}.json"));
    assert_eq!(meta["sha256"], evidence.sha256.as_str());
    let content = &files[&format!("resolution/evidence/{evidence_id}/bank statement.png")];
    assert_eq!(content, &evidence_bytes, "the evidence is what was uploaded");
    assert!(events.iter().any(|e| serde_json::to_string(e).unwrap().contains(&evidence.sha256)));

    // Notification: delivered messages with their attempts and proof.
    let notifications: Vec<_> = files
        .keys()
        .filter(|p| p.starts_with("notification/notifications/") && p.matches('/').count() == 2)
        .map(|p| json(&files, p))
        .collect();
    assert!(notifications.len() >= 2, "{notifications:?}");
    assert!(notifications.iter().all(|n| n["state"] == "STATE_DELIVERED"), "{notifications:?}");
    assert!(notifications.iter().any(|n| !n["delivery"]["content_sha256"].as_str().unwrap_or("").is_empty()));
    assert!(files.keys().any(|p| p.contains("/attempts/")), "delivery attempts are exported");

    // Feedback: the answered survey and the complaint's analytics records.
    let surveys: Vec<_> =
        files.keys().filter(|p| p.starts_with("feedback/surveys/")).map(|p| json(&files, p)).collect();
    assert_eq!(surveys.len(), 1, "{surveys:?}");
    assert_eq!(surveys[0]["answer"]["comment"], "Sorted in the end, thanks.");
    assert!(files.keys().any(|p| p.starts_with("feedback/facts/")), "{:?}", files.keys());
    assert!(files.keys().any(|p| p.starts_with("feedback/events/")), "{:?}", files.keys());

    // Nobody else's data.
    for (path, data) in &files {
        let text = String::from_utf8_lossy(data);
        for foreign in [id(&bob), id(&elsewhere), "player-bob", "bob@example.co.uk", "ana@other.example"] {
            assert!(!path.contains(foreign) && !text.contains(foreign), "{foreign} in {path}");
        }
    }

    // The archive is only downloadable once it is complete.
    let pending = export(&s, &dpo, "player-nobody", "export-nobody").await.unwrap();
    let early = s
        .intake()
        .download_player_data_export(authed(DownloadPlayerDataExportRequest { name: pending.name.clone() }, &dpo))
        .await;
    if let Err(status) = early {
        assert_eq!(status.code(), Code::FailedPrecondition);
    }
    let nobody = succeeded(&s, &dpo, &pending.name).await;
    let (_, files) = verified_files(&download(&s, &dpo, &nobody.name).await);
    assert_eq!(files.len(), 1, "a player with no data gets the manifest alone: {:?}", files.keys());
    s.shutdown().await;
}

async fn an_export_interrupted_by_a_crash_resumes_after_restart(backend: Backend) {
    // The export worker is driven by hand until the crash.
    let s = Sandbox::start_tuned(
        backend,
        |_| {},
        |intake| {
            intake.export.poll_interval_ms = 0;
            intake.export.lease_seconds = 1;
        },
    )
    .await;
    let dpo = s.token(&[Role::Dpo]);
    let complaint_name = file(&s, TENANT, complaint("crash-1", "player-cy", "cy@example.co.uk")).await;
    let case = case_of(&s, &complaint_name).await;
    let delivered = || async {
        let request = ListNotificationsRequest { complaint: complaint_name.clone(), ..Default::default() };
        let list =
            s.notification().list_notifications(authed(request, &s.token(&[Role::Agent]))).await.unwrap().into_inner();
        list.notifications.iter().any(|n| n.state() == NotificationState::Delivered)
    };
    assert!(eventually(WAIT, delivered).await, "the acknowledgment was never delivered");

    let started = export(&s, &dpo, "player-cy", "export-cy").await.unwrap();
    assert_eq!(started.state(), State::Pending);
    let exports = s.intake.exports();
    assert_eq!(exports.run_once().await.unwrap(), 1);
    assert_eq!(exports.run_once().await.unwrap(), 1);
    let midway = get(&s, &dpo, &started.name).await.unwrap();
    assert_eq!(midway.state(), State::Running);
    assert_eq!(midway.progress.unwrap().parts_done, ["intake", "resolution"]);

    // The notification part starts on a replica that then crashes: it holds
    // the lease and has written a chunk that no part accounts for.
    let db = s.intake.db();
    let at = chrono::Utc::now();
    let claimed = redress_intake::store::export::claim(db, at, at + chrono::Duration::seconds(1)).await.unwrap();
    let claimed = claimed.expect("the export is due");
    redress_intake::store::export::insert_chunk(db, TENANT, &claimed.id, claimed.chunk_count, vec![0xEE; 4096])
        .await
        .unwrap();
    let s = s.restart_intake(|intake| intake.export.poll_interval_ms = 100).await;

    let done = succeeded(&s, &dpo, &started.name).await;
    assert_eq!(done.progress.unwrap().parts_done, ["intake", "resolution", "notification", "feedback"]);
    let (manifest, files) = verified_files(&download(&s, &dpo, &done.name).await);
    assert_eq!(manifest["player_id"], "player-cy");
    assert!(files.contains_key(&format!("intake/complaints/{}.json", id(&complaint_name))));
    assert!(files.contains_key(&format!("resolution/cases/{}.json", id(&case.name))));
    assert!(files.keys().any(|p| p.starts_with("notification/notifications/")), "{:?}", files.keys());
    s.shutdown().await;
}

async fn an_archive_past_its_retention_is_deleted_and_the_export_kept(backend: Backend) {
    let s = Sandbox::start_tuned(backend, |_| {}, |intake| intake.export.retention_hours = 0).await;
    let dpo = s.token(&[Role::Dpo]);
    file(&s, TENANT, complaint("old-1", "player-old", "old@example.co.uk")).await;
    let started = export(&s, &dpo, "player-old", "export-old").await.unwrap();
    let expired = || async { get(&s, &dpo, &started.name).await.is_ok_and(|e| e.state() == State::Expired) };
    assert!(eventually(WAIT, expired).await, "never expired: {:?}", get(&s, &dpo, &started.name).await);
    let kept = get(&s, &dpo, &started.name).await.unwrap();
    assert!(!kept.archive_sha256.is_empty() && kept.complete_time.is_some(), "the record stays: {kept:?}");
    let request = DownloadPlayerDataExportRequest { name: started.name.clone() };
    let gone = s.intake().download_player_data_export(authed(request, &dpo)).await.unwrap_err();
    assert_eq!(gone.code(), Code::FailedPrecondition);
    let id = started.name.trim_start_matches("exports/");
    let chunk = redress_intake::store::export::find_chunk(s.intake.db(), TENANT, id, 0).await.unwrap();
    assert!(chunk.is_none(), "the janitor deleted the archive's chunks");
    s.shutdown().await;
}

async fn an_export_whose_peer_stays_unreachable_fails_naming_the_part(backend: Backend) {
    let s = Sandbox::start_tuned(
        backend,
        |_| {},
        |intake| {
            intake.export.max_attempts = 2;
            // Nothing listens there.
            intake
                .outbox
                .peers
                .insert("feedback".into(), redress_outbox::PeerConfig { url: "http://127.0.0.1:1".into() });
        },
    )
    .await;
    let dpo = s.token(&[Role::Dpo]);
    let started = export(&s, &dpo, "player-gone", "export-gone").await.unwrap();
    let failed = || async { get(&s, &dpo, &started.name).await.is_ok_and(|e| e.state() == State::Failed) };
    assert!(eventually(WAIT, failed).await, "never failed: {:?}", get(&s, &dpo, &started.name).await);
    let export = get(&s, &dpo, &started.name).await.unwrap();
    assert!(export.error.starts_with("feedback:"), "{export:?}");
    assert_eq!(export.progress.unwrap().parts_done, ["intake", "resolution", "notification"]);
    let id = started.name.trim_start_matches("exports/");
    let chunk = redress_intake::store::export::find_chunk(s.intake.db(), TENANT, id, 0).await.unwrap();
    assert!(chunk.is_none(), "a failed export keeps no archive");
    s.shutdown().await;
}

redress_e2e::on_both_backends!(
    a_players_data_from_all_four_services_is_in_one_verified_archive,
    an_export_interrupted_by_a_crash_resumes_after_restart,
    an_archive_past_its_retention_is_deleted_and_the_export_kept,
    an_export_whose_peer_stays_unreachable_fails_naming_the_part,
);
