//! Evidence uploaded to a complaint (`complaints/{id}`) before or after its
//! case opened: pending until OpenCase adopts it into the case's chain in
//! the opening's transaction; found by either name; idempotent; isolated per
//! tenant; erased with the complaint and exported with the player's data.

use redress_auth::Role;
use redress_proto::resolution::v1::{
    DownloadEvidenceRequest, ErasePlayerRecordsRequest, Evidence, ExportPlayerRecordsRequest, GetEvidenceRequest,
    ListCaseEventsRequest, ListEvidenceRequest, UploadEvidenceRequest, VerifyCaseHistoryRequest, case_event::Type,
    download_evidence_response::Part as Down, export_player_records_response::Record, upload_evidence_request::Header,
    upload_evidence_request::Part as Up,
};
use redress_testkit::{TestDb, authed, backend_tests, token};
use sha2::{Digest, Sha256};
use tonic::{Code, Status};

use crate::helpers::{OTHER_TENANT, TENANT, TestResolution, error_info, open_request};

fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..len - 8).map(|i| (i * 17 % 251) as u8));
    bytes
}

fn header(parent: &str, request_id: &str) -> Header {
    Header {
        parent: parent.into(),
        request_id: request_id.into(),
        filename: "screenshot.png".into(),
        declared_content_type: "image/png".into(),
        description: "the withdrawal screen".into(),
    }
}

async fn upload_as(t: &mut TestResolution, token: &str, header: Header, content: &[u8]) -> Result<Evidence, Status> {
    let messages: Vec<_> = std::iter::once(UploadEvidenceRequest { part: Some(Up::Header(header)) })
        .chain(content.chunks(100 * 1024).map(|c| UploadEvidenceRequest { part: Some(Up::Chunk(c.to_vec())) }))
        .collect();
    let request = authed(tokio_stream::iter(messages), token);
    Ok(t.client.upload_evidence(request).await?.into_inner().evidence.unwrap())
}

async fn download_bytes(t: &mut TestResolution, token: &str, name: &str) -> Result<(Evidence, Vec<u8>), Status> {
    let request = authed(DownloadEvidenceRequest { name: name.into() }, token);
    let mut stream = t.client.download_evidence(request).await?.into_inner();
    let (mut meta, mut bytes) = (None, Vec::new());
    while let Some(message) = stream.message().await? {
        match message.part.unwrap() {
            Down::Evidence(e) => meta = Some(e),
            Down::Chunk(c) => bytes.extend(c),
        }
    }
    Ok((meta.unwrap(), bytes))
}

async fn list(t: &mut TestResolution, token: &str, parent: &str) -> Result<Vec<Evidence>, Status> {
    let request = authed(ListEvidenceRequest { parent: parent.into(), ..Default::default() }, token);
    Ok(t.client.list_evidence(request).await?.into_inner().evidence)
}

async fn get(t: &mut TestResolution, token: &str, name: &str) -> Result<Evidence, Status> {
    let request = authed(GetEvidenceRequest { name: name.into() }, token);
    Ok(t.client.get_evidence(request).await?.into_inner().evidence.unwrap())
}

fn id_of(name: &str) -> &str {
    name.rsplit('/').next().unwrap()
}

fn violated_field(status: &Status) -> String {
    use tonic_types::StatusExt;
    status.get_error_details().bad_request().unwrap().field_violations[0].field.clone()
}

async fn evidence_uploaded_before_the_case_opens_is_adopted_into_its_history(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let backend = token(TENANT, &[Role::Backend]);
    let content = png(300 * 1024);
    let pending = upload_as(&mut t, &backend, header("complaints/cx", "u1"), &content).await.unwrap();
    let id = id_of(&pending.name).to_owned();
    assert_eq!(pending.name, format!("complaints/cx/evidence/{id}"));
    assert_eq!((pending.event_sequence, pending.sha256.clone()), (0, hex::encode(Sha256::digest(&content))));
    assert_eq!(pending.uploaded_by.clone().unwrap().role, "backend");
    assert_eq!(get(&mut t, &backend, &pending.name).await.unwrap(), pending);
    assert_eq!(list(&mut t, &backend, "complaints/cx").await.unwrap(), std::slice::from_ref(&pending));
    assert_eq!(download_bytes(&mut t, &backend, &pending.name).await.unwrap().1, content);
    // The scanner's view of every evidence includes the pending one.
    let service = t.service.clone();
    assert_eq!(list(&mut t, &service, "cases/-").await.unwrap().len(), 1);

    // OpenCase adopts it in its own transaction.
    let case = t.open(open_request("cx", "GB")).await;
    let agent = t.agent.clone();
    let adopted = list(&mut t, &agent, &case.name).await.unwrap();
    assert_eq!(adopted.len(), 1);
    let adopted = adopted.into_iter().next().unwrap();
    assert_eq!(adopted.name, format!("{}/evidence/{id}", case.name));
    assert_eq!(adopted.sha256, pending.sha256);
    assert!(adopted.event_sequence > 1, "{adopted:?}");
    assert_eq!(case.last_event_sequence, adopted.event_sequence, "the opening returns the case with the adoption");

    let request = t.agent(ListCaseEventsRequest { parent: case.name.clone(), ..Default::default() });
    let events = t.client.list_case_events(request).await.unwrap().into_inner().events;
    let attached: Vec<_> = events.iter().filter(|e| e.r#type() == Type::EvidenceAttached).collect();
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].sequence, adopted.event_sequence);
    assert_eq!(attached[0].actor, pending.uploaded_by.clone().unwrap().subject, "the uploader attached it");
    assert!(attached[0].payload_summary.contains(&adopted.sha256));
    let request = t.supervisor(VerifyCaseHistoryRequest { name: case.name.clone() });
    let verified = t.client.verify_case_history(request).await.unwrap().into_inner();
    assert!(verified.intact, "{verified:?}");

    // Both names find it; the answer carries the canonical (case) name.
    assert_eq!(get(&mut t, &backend, &pending.name).await.unwrap(), adopted);
    let (meta, bytes) = download_bytes(&mut t, &backend, &adopted.name).await.unwrap();
    assert_eq!((meta, bytes), (adopted.clone(), content.clone()));
    assert_eq!(list(&mut t, &backend, "complaints/cx").await.unwrap(), std::slice::from_ref(&adopted));

    // A retry of the upload replays its answer and stores nothing.
    let again = upload_as(&mut t, &backend, header("complaints/cx", "u1"), &content).await.unwrap();
    assert_eq!(again, pending);
    assert_eq!(list(&mut t, &agent, &case.name).await.unwrap().len(), 1);
    // A repeated OpenCase adopts nothing twice.
    let reopened = t.open(open_request("cx", "GB")).await;
    assert_eq!(reopened.last_event_sequence, case.last_event_sequence);
    t.resolution.shutdown().await;
}

async fn an_upload_to_a_complaint_with_a_case_lands_on_the_case(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("c1", "GB")).await;
    let backend = token(TENANT, &[Role::Backend]);
    let evidence = upload_as(&mut t, &backend, header("complaints/c1", "u1"), &png(2000)).await.unwrap();
    assert!(evidence.name.starts_with(&format!("{}/evidence/", case.name)), "{}", evidence.name);
    assert!(evidence.event_sequence > 1);
    let agent = t.agent.clone();
    assert_eq!(list(&mut t, &agent, &case.name).await.unwrap(), std::slice::from_ref(&evidence));
    let request = t.supervisor(VerifyCaseHistoryRequest { name: case.name.clone() });
    assert!(t.client.verify_case_history(request).await.unwrap().into_inner().intact);

    // Another tenant's complaint of the same id is not this one: its upload
    // waits for a case of its own tenant, and it sees nothing of ours.
    let other = token(OTHER_TENANT, &[Role::Backend]);
    let theirs = upload_as(&mut t, &other, header("complaints/c1", "u1"), &png(3000)).await.unwrap();
    assert!(theirs.name.starts_with("complaints/c1/evidence/"), "{}", theirs.name);
    assert_eq!(list(&mut t, &agent, &case.name).await.unwrap().len(), 1);
    assert_eq!(list(&mut t, &other, "complaints/c1").await.unwrap(), std::slice::from_ref(&theirs));
    let alias = format!("complaints/c1/evidence/{}", id_of(&evidence.name));
    assert_eq!(get(&mut t, &other, &alias).await.unwrap_err().code(), Code::NotFound);
    assert_eq!(get(&mut t, &backend, &theirs.name).await.unwrap_err().code(), Code::NotFound);
    assert_eq!(get(&mut t, &backend, &alias).await.unwrap(), evidence);

    // Neither a case nor a complaint: a field violation on the parent.
    for parent in ["players/p1", "complaints/", "complaints/a/b", "cases"] {
        let err = upload_as(&mut t, &backend, header(parent, "u9"), &png(100)).await.unwrap_err();
        assert_eq!((err.code(), violated_field(&err)), (Code::InvalidArgument, "header.parent".into()), "{parent}");
    }
    let err = list(&mut t, &agent, "players/p1").await.unwrap_err();
    assert_eq!((err.code(), violated_field(&err)), (Code::InvalidArgument, "parent".into()));
    let err = get(&mut t, &agent, "players/p1/evidence/x").await.unwrap_err();
    assert_eq!((err.code(), violated_field(&err)), (Code::InvalidArgument, "name".into()));
    // Roles as for a case.
    let analyst = token(TENANT, &[Role::Analyst]);
    let err = upload_as(&mut t, &analyst, header("complaints/c1", "u8"), &png(100)).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    t.resolution.shutdown().await;
}

async fn pending_evidence_is_exported_and_erased_with_its_complaint(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let backend = token(TENANT, &[Role::Backend]);
    let content = png(5000);
    let pending = upload_as(&mut t, &backend, header("complaints/c2", "u1"), &content).await.unwrap();

    let request = t.service(ExportPlayerRecordsRequest {
        player_id: "player-c2".into(),
        complaints: vec!["complaints/c2".into()],
    });
    let mut stream = t.internal.export_player_records(request).await.unwrap().into_inner();
    let (mut exported, mut bytes) = (Vec::new(), Vec::new());
    while let Some(message) = stream.message().await.unwrap() {
        match message.record.unwrap() {
            Record::Evidence(e) => exported.push(e),
            Record::EvidenceChunk(c) => bytes.extend(c),
            other => panic!("no case yet: {other:?}"),
        }
    }
    assert_eq!((exported, bytes), (vec![pending.clone()], content.clone()));

    let request = t.service(ErasePlayerRecordsRequest {
        erasure: "erasures/e-1".into(),
        player_id: "player-c2".into(),
        complaints: vec!["complaints/c2".into()],
        all_records: true,
    });
    assert!(t.internal.erase_player_records(request).await.unwrap().into_inner().erased_count >= 1);
    let erased = get(&mut t, &backend, &pending.name).await.unwrap();
    assert!(erased.erase_time.is_some() && erased.description.is_empty(), "{erased:?}");
    assert_ne!(erased.filename, pending.filename);
    assert_eq!(erased.sha256, pending.sha256, "the hash is kept");
    let err = download_bytes(&mut t, &backend, &pending.name).await.unwrap_err();
    assert_eq!((err.code(), error_info(&err).0.as_str()), (Code::FailedPrecondition, "EVIDENCE_ERASED"));

    // New evidence for the erased complaint is refused, by either parent.
    let err = upload_as(&mut t, &backend, header("complaints/c2", "u2"), &content).await.unwrap_err();
    assert_eq!((err.code(), error_info(&err).0.as_str()), (Code::FailedPrecondition, "COMPLAINT_ERASED"));

    // The late OpenCase adopts it erased; the history verifies.
    let case = t.open(open_request("c2", "GB")).await;
    let err = upload_as(&mut t, &backend, header(&case.name, "u3"), &content).await.unwrap_err();
    assert_eq!((err.code(), error_info(&err).0.as_str()), (Code::FailedPrecondition, "COMPLAINT_ERASED"));
    let agent = t.agent.clone();
    let adopted = list(&mut t, &agent, &case.name).await.unwrap();
    assert_eq!(adopted.len(), 1);
    assert!(adopted[0].erase_time.is_some() && adopted[0].event_sequence > 1, "{adopted:?}");
    let request = t.agent(ListCaseEventsRequest { parent: case.name.clone(), ..Default::default() });
    let events = t.client.list_case_events(request).await.unwrap().into_inner().events;
    let attached = events.iter().find(|e| e.r#type() == Type::EvidenceAttached).unwrap();
    assert!(!attached.payload_summary.contains("screenshot"), "{}", attached.payload_summary);
    let request = t.supervisor(VerifyCaseHistoryRequest { name: case.name.clone() });
    let verified = t.client.verify_case_history(request).await.unwrap().into_inner();
    assert!(verified.intact, "{verified:?}");
    t.resolution.shutdown().await;
}

backend_tests!(
    evidence_uploaded_before_the_case_opens_is_adopted_into_its_history,
    an_upload_to_a_complaint_with_a_case_lands_on_the_case,
    pending_evidence_is_exported_and_erased_with_its_complaint,
);
