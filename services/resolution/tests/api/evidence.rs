//! Evidence attachments over real gRPC: streamed uploads stored chunk by
//! chunk, the type sniffed from the bytes, per-tenant limits, idempotency,
//! tenant isolation, the scan hook, and tampering found by the download and
//! by VerifyCaseHistory.

use redress_auth::Role;
use redress_proto::resolution::v1::{
    Case, DownloadEvidenceRequest, Evidence, GetEvidenceRequest, ListCaseEventsRequest, ListEvidenceRequest,
    RecordEvidenceScanRequest, UploadEvidenceRequest, VerifyCaseHistoryRequest, case_event::Type,
    download_evidence_response::Part as Down, evidence::State, upload_evidence_request::Header,
    upload_evidence_request::Part as Up, verify_case_history_response::Problem,
};
use redress_resolution::{
    config::{EvidencePolicy, TenantConfig},
    store::evidence_chunk,
};
use redress_testkit::{TestDb, authed, backend_tests, token};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use tonic::{Code, Status};

use crate::helpers::{OTHER_TENANT, TENANT, TestResolution, config, error_info, open_request};

/// A PNG-looking file of `len` bytes (the magic, then varied bytes).
fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..len - 8).map(|i| (i * 31 % 251) as u8));
    bytes
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn header(case: &Case, request_id: &str, filename: &str, declared: &str) -> Header {
    Header {
        parent: case.name.clone(),
        request_id: request_id.into(),
        filename: filename.into(),
        declared_content_type: declared.into(),
        description: "the game froze at the bonus round".into(),
    }
}

/// The upload messages: the header, then the content in `piece`-byte chunks.
fn messages(header: Header, content: &[u8], piece: usize) -> Vec<UploadEvidenceRequest> {
    std::iter::once(UploadEvidenceRequest { part: Some(Up::Header(header)) })
        .chain(content.chunks(piece).map(|c| UploadEvidenceRequest { part: Some(Up::Chunk(c.to_vec())) }))
        .collect()
}

async fn upload_as(t: &mut TestResolution, token: &str, header: Header, content: &[u8]) -> Result<Evidence, Status> {
    let request = authed(tokio_stream::iter(messages(header, content, 100 * 1024)), token);
    Ok(t.client.upload_evidence(request).await?.into_inner().evidence.unwrap())
}

async fn upload(t: &mut TestResolution, header: Header, content: &[u8]) -> Result<Evidence, Status> {
    let agent = t.agent.clone();
    upload_as(t, &agent, header, content).await
}

/// Downloads as `token`: the metadata, the bytes, and the error that ended
/// the stream, if one did.
async fn download_as(
    t: &mut TestResolution,
    token: &str,
    name: &str,
) -> Result<(Evidence, Vec<u8>, Option<Status>), Status> {
    let request = authed(DownloadEvidenceRequest { name: name.into() }, token);
    let mut stream = t.client.download_evidence(request).await?.into_inner();
    let (mut meta, mut bytes) = (None, Vec::new());
    loop {
        match stream.message().await {
            Ok(Some(message)) => match message.part.unwrap() {
                Down::Evidence(e) => {
                    assert!(meta.is_none() && bytes.is_empty(), "metadata comes first, once");
                    meta = Some(e);
                }
                Down::Chunk(c) => {
                    assert!(c.len() <= 256 * 1024);
                    bytes.extend(c);
                }
            },
            Ok(None) => return Ok((meta.unwrap(), bytes, None)),
            Err(status) if meta.is_some() => return Ok((meta.unwrap(), bytes, Some(status))),
            Err(status) => return Err(status),
        }
    }
}

async fn download(t: &mut TestResolution, name: &str) -> Result<(Evidence, Vec<u8>, Option<Status>), Status> {
    let agent = t.agent.clone();
    download_as(t, &agent, name).await
}

async fn chunk_rows(t: &TestResolution) -> u64 {
    evidence_chunk::Entity::find().count(t.resolution.db()).await.unwrap()
}

async fn verify(t: &mut TestResolution, name: &str) -> redress_proto::resolution::v1::VerifyCaseHistoryResponse {
    let request = t.supervisor(VerifyCaseHistoryRequest { name: name.into() });
    t.client.verify_case_history(request).await.unwrap().into_inner()
}

/// The field of the single BadRequest violation of an error.
fn violated_field(status: &Status) -> String {
    use tonic_types::StatusExt;
    let details = status.get_error_details();
    details.bad_request().unwrap().field_violations[0].field.clone()
}

async fn a_multi_chunk_upload_round_trips_and_is_chained_into_the_history(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("c1", "GB")).await;
    // 700 KiB: three stored chunks of 256 KiB, sent as seven messages.
    let content = png(700 * 1024);
    // Declared a PDF; the bytes say PNG, and the bytes win.
    let evidence = upload(&mut t, header(&case, "u1", "frozen.png", "application/pdf"), &content).await.unwrap();
    assert!(evidence.name.starts_with(&format!("{}/evidence/", case.name)), "{}", evidence.name);
    assert_eq!(evidence.content_type, "image/png");
    assert_eq!(evidence.declared_content_type, "application/pdf");
    assert_eq!(evidence.size_bytes, content.len() as i64);
    assert_eq!(evidence.sha256, sha256(&content));
    assert_eq!(evidence.state(), State::Clean);
    let by = evidence.uploaded_by.clone().unwrap();
    assert_eq!((by.subject.as_str(), by.role.as_str()), ("test-user", "agent"));
    assert_eq!(chunk_rows(&t).await, 3);

    let (meta, bytes, error) = download(&mut t, &evidence.name).await.unwrap();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(meta, evidence);
    assert_eq!(sha256(&bytes), evidence.sha256);
    assert_eq!(bytes, content);

    let got = t.client.get_evidence(t.agent(GetEvidenceRequest { name: evidence.name.clone() })).await.unwrap();
    assert_eq!(got.into_inner().evidence.unwrap(), evidence);
    let listed =
        t.client.list_evidence(t.agent(ListEvidenceRequest { parent: case.name.clone(), ..Default::default() }));
    assert_eq!(listed.await.unwrap().into_inner().evidence, std::slice::from_ref(&evidence));

    // The attachment is a chained event naming the file, its size and hash.
    let request = t.agent(ListCaseEventsRequest { parent: case.name.clone(), ..Default::default() });
    let events = t.client.list_case_events(request).await.unwrap().into_inner().events;
    let attached = events.iter().find(|e| e.r#type() == Type::EvidenceAttached).unwrap();
    assert_eq!(attached.sequence, evidence.event_sequence);
    assert!(attached.payload_summary.contains("frozen.png") && attached.payload_summary.contains(&evidence.sha256));
    let v = verify(&mut t, &case.name).await;
    assert!(v.intact, "{v:?}");
    assert_eq!(v.event_count, 2);
    // The case's history moved on; its etag with it.
    assert_ne!(t.get(&case.name).await.etag, case.etag);
    t.resolution.shutdown().await;
}

async fn a_file_larger_than_the_message_limit_streams_through(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("c1", "GB")).await;
    // 6 MiB, over the server's 4 MiB message limit: fine as a stream of
    // 1 MiB messages, stored as 24 chunks.
    let content = png(6 * 1024 * 1024);
    let request =
        authed(tokio_stream::iter(messages(header(&case, "u1", "big.png", ""), &content, 1024 * 1024)), &t.agent);
    let evidence = t.client.upload_evidence(request).await.unwrap().into_inner().evidence.unwrap();
    assert_eq!((evidence.size_bytes, evidence.sha256.clone()), (content.len() as i64, sha256(&content)));
    assert_eq!(chunk_rows(&t).await, 24);
    let (_, bytes, error) = download(&mut t, &evidence.name).await.unwrap();
    assert!(error.is_none() && bytes == content);

    // One message over 1 MiB is refused, whatever the file's size.
    let request =
        authed(tokio_stream::iter(messages(header(&case, "u2", "b.png", ""), &content, 1024 * 1024 + 1)), &t.agent);
    let err = t.client.upload_evidence(request).await.unwrap_err();
    assert_eq!((err.code(), violated_field(&err)), (Code::InvalidArgument, "chunk".to_owned()));
    assert_eq!(chunk_rows(&t).await, 24);
    t.resolution.shutdown().await;
}

async fn an_upload_is_idempotent_on_its_request_id(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("c1", "GB")).await;
    let content = png(300 * 1024);
    let first = upload(&mut t, header(&case, "u1", "a.png", "image/png"), &content).await.unwrap();
    let again = upload(&mut t, header(&case, "u1", "a.png", "image/png"), &content).await.unwrap();
    assert_eq!(again, first);
    assert_eq!(chunk_rows(&t).await, 2, "the replay stored nothing");

    let mut other = content.clone();
    other[1000] ^= 1;
    let err = upload(&mut t, header(&case, "u1", "a.png", "image/png"), &other).await.unwrap_err();
    assert_eq!(err.code(), Code::AlreadyExists, "{err:?}");
    assert_eq!(error_info(&err).0, "IDEMPOTENCY_KEY_REUSED");
    let err = upload(&mut t, header(&case, "u1", "b.png", "image/png"), &content).await.unwrap_err();
    assert_eq!(err.code(), Code::AlreadyExists, "another file name: {err:?}");
    assert_eq!(chunk_rows(&t).await, 2, "refused uploads leave no chunks");
    let listed =
        t.client.list_evidence(t.agent(ListEvidenceRequest { parent: case.name.clone(), ..Default::default() }));
    assert_eq!(listed.await.unwrap().into_inner().evidence.len(), 1);
    assert_eq!(t.get(&case.name).await.last_event_sequence, 2, "one attachment event");
    t.resolution.shutdown().await;
}

async fn the_tenants_size_and_type_limits_refuse_with_details(db: TestDb) {
    let mut config = config(&db, None);
    let policy = EvidencePolicy {
        max_size_bytes: 200 * 1024,
        allowed_content_types: vec!["image/png".into(), "application/pdf".into()],
        scan_required: false,
    };
    config.tenants.insert(TENANT.into(), TenantConfig { evidence: policy, ..Default::default() });
    let mut t = TestResolution::start_with(config).await;
    let case = t.open(open_request("c1", "GB")).await;

    let err = upload(&mut t, header(&case, "big", "big.png", "image/png"), &png(300 * 1024)).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
    let (reason, metadata) = error_info(&err);
    assert_eq!(reason, "EVIDENCE_TOO_LARGE");
    assert_eq!(metadata["max_size_bytes"], (200 * 1024).to_string());
    assert_eq!(violated_field(&err), "chunk");

    // Text declared as a PNG: sniffed as text/plain, which this tenant refuses.
    let text = "chat transcript: the agent promised a refund\n".repeat(100);
    let err = upload(&mut t, header(&case, "txt", "chat.png", "image/png"), text.as_bytes()).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
    let (reason, metadata) = error_info(&err);
    assert_eq!(reason, "EVIDENCE_TYPE_NOT_ALLOWED");
    assert_eq!(metadata["content_type"], "text/plain");
    assert_eq!(metadata["allowed"], "image/png,application/pdf");
    assert_eq!(violated_field(&err), "chunk");

    // Bad headers: all violations at once.
    let bad = Header { request_id: String::new(), filename: "../etc/passwd".into(), ..header(&case, "", "", "") };
    let err = upload(&mut t, bad, b"%PDF-1.7").await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
    use tonic_types::StatusExt;
    let fields: Vec<_> =
        err.get_error_details().bad_request().unwrap().field_violations.iter().map(|v| v.field.clone()).collect();
    assert_eq!(fields, ["header.request_id", "header.filename"]);
    let err = upload(&mut t, header(&case, "empty", "e.pdf", ""), b"").await.unwrap_err();
    assert_eq!((err.code(), violated_field(&err)), (Code::InvalidArgument, "chunk".to_owned()));
    assert_eq!(chunk_rows(&t).await, 0, "refused uploads leave no chunks");

    // Within the limits: accepted.
    let ok = upload(&mut t, header(&case, "ok", "statement.pdf", ""), b"%PDF-1.7\n...").await.unwrap();
    assert_eq!(ok.content_type, "application/pdf");
    t.resolution.shutdown().await;
}

async fn another_tenant_and_other_roles_see_nothing(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("c1", "GB")).await;
    // The casino backend attaches on the player's behalf.
    let backend = token(TENANT, &[Role::Backend]);
    let evidence = upload_as(&mut t, &backend, header(&case, "u1", "s.png", ""), &png(1000)).await.unwrap();
    assert_eq!(evidence.uploaded_by.clone().unwrap().role, "backend");
    let (_, bytes, error) = download_as(&mut t, &backend, &evidence.name).await.unwrap();
    assert!(error.is_none() && bytes.len() == 1000);

    let other = token(OTHER_TENANT, &[Role::Agent, Role::Supervisor]);
    let err = download_as(&mut t, &other, &evidence.name).await.unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "{err:?}");
    let err = t.client.get_evidence(authed(GetEvidenceRequest { name: evidence.name.clone() }, &other)).await;
    assert_eq!(err.unwrap_err().code(), Code::NotFound);
    let err =
        t.client.list_evidence(authed(ListEvidenceRequest { parent: case.name.clone(), ..Default::default() }, &other));
    assert_eq!(err.await.unwrap_err().code(), Code::NotFound);
    let all = ListEvidenceRequest { parent: "cases/-".into(), ..Default::default() };
    let listed = t.client.list_evidence(authed(all, &other)).await.unwrap().into_inner();
    assert!(listed.evidence.is_empty());
    let err = upload_as(&mut t, &other, header(&case, "u2", "x.png", ""), &png(100)).await.unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "{err:?}");

    let analyst = token(TENANT, &[Role::Analyst]);
    let err = download_as(&mut t, &analyst, &evidence.name).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "{err:?}");
    let err = upload_as(&mut t, &analyst, header(&case, "u3", "x.png", ""), &png(100)).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "{err:?}");
    t.resolution.shutdown().await;
}

async fn the_scan_hook_holds_downloads_until_a_verdict(db: TestDb) {
    let mut config = config(&db, None);
    let policy = EvidencePolicy { scan_required: true, ..EvidencePolicy::default() };
    config.tenants.insert(TENANT.into(), TenantConfig { evidence: policy, ..Default::default() });
    let mut t = TestResolution::start_with(config).await;
    let case = t.open(open_request("c1", "GB")).await;
    let clean = upload(&mut t, header(&case, "u1", "a.png", ""), &png(5000)).await.unwrap();
    let infected = upload(&mut t, header(&case, "u2", "b.pdf", ""), b"%PDF-1.4 eicar").await.unwrap();
    assert_eq!((clean.state(), infected.state()), (State::PendingScan, State::PendingScan));

    let err = download(&mut t, &clean.name).await.unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition, "{err:?}");
    let (reason, metadata) = error_info(&err);
    assert_eq!((reason.as_str(), metadata["state"].as_str()), ("EVIDENCE_NOT_CLEAN", "STATE_PENDING_SCAN"));

    // The scanner finds the pending evidence of every case and reads it.
    let pending =
        ListEvidenceRequest { parent: "cases/-".into(), state: State::PendingScan.into(), ..Default::default() };
    let listed = t.client.list_evidence(t.service(pending)).await.unwrap().into_inner().evidence;
    assert_eq!(listed.len(), 2);
    let service = t.service.clone();
    let (_, bytes, error) = download_as(&mut t, &service, &infected.name).await.unwrap();
    assert!(error.is_none() && bytes.starts_with(b"%PDF"));

    let scan = |name: &str, verdict: State, reason: &str| RecordEvidenceScanRequest {
        name: name.into(),
        verdict: verdict.into(),
        reason: reason.into(),
    };
    let done = t.internal.record_evidence_scan(t.service(scan(&clean.name, State::Clean, ""))).await.unwrap();
    assert_eq!(done.into_inner().evidence.unwrap().state(), State::Clean);
    let again = t.internal.record_evidence_scan(t.service(scan(&clean.name, State::Clean, ""))).await.unwrap();
    assert_eq!(again.into_inner().evidence.unwrap().state(), State::Clean, "a retried verdict is a no-op");
    let err = t.internal.record_evidence_scan(t.service(scan(&clean.name, State::Rejected, "late"))).await.unwrap_err();
    assert_eq!((err.code(), error_info(&err).0.as_str()), (Code::FailedPrecondition, "EVIDENCE_ALREADY_SCANNED"));
    let err = t.internal.record_evidence_scan(t.service(scan(&infected.name, State::Rejected, ""))).await.unwrap_err();
    assert_eq!((err.code(), violated_field(&err)), (Code::InvalidArgument, "reason".to_owned()));
    let rejected =
        t.internal.record_evidence_scan(t.service(scan(&infected.name, State::Rejected, "Eicar-Test-Signature")));
    let rejected = rejected.await.unwrap().into_inner().evidence.unwrap();
    assert_eq!((rejected.state(), rejected.scan_reason.as_str()), (State::Rejected, "Eicar-Test-Signature"));
    let err = t.internal.record_evidence_scan(t.agent(scan(&clean.name, State::Clean, ""))).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);

    let (_, bytes, error) = download(&mut t, &clean.name).await.unwrap();
    assert!(error.is_none() && bytes == png(5000));
    let err = download(&mut t, &infected.name).await.unwrap_err();
    assert_eq!(error_info(&err).1["state"], "STATE_REJECTED");

    let request = t.agent(ListCaseEventsRequest { parent: case.name.clone(), ..Default::default() });
    let events = t.client.list_case_events(request).await.unwrap().into_inner().events;
    let scanned: Vec<_> = events.iter().filter(|e| e.r#type() == Type::EvidenceScanned).collect();
    assert_eq!(scanned.len(), 2);
    assert!(verify(&mut t, &case.name).await.intact);
    t.resolution.shutdown().await;
}

async fn tampered_evidence_fails_the_download_and_the_verification(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("c1", "GB")).await;
    let content = png(600 * 1024);
    let evidence = upload(&mut t, header(&case, "u1", "proof.png", ""), &content).await.unwrap();
    assert!(verify(&mut t, &case.name).await.intact);

    // Somebody with database access edits the middle chunk.
    let id = evidence.name.rsplit('/').next().unwrap().to_owned();
    let chunk = evidence_chunk::Entity::find_by_id((id.clone(), 1)).one(t.resolution.db()).await.unwrap().unwrap();
    let mut data = chunk.data.clone();
    data[10] ^= 0xff;
    let mut active: evidence_chunk::ActiveModel = chunk.into();
    active.data = Set(data);
    active.update(t.resolution.db()).await.unwrap();

    let (_, bytes, error) = download(&mut t, &evidence.name).await.unwrap();
    let error = error.expect("the stream ends in an error");
    assert_eq!(error.code(), Code::DataLoss, "{error:?}");
    let (reason, metadata) = error_info(&error);
    assert_eq!((reason.as_str(), metadata["evidence"].as_str()), ("EVIDENCE_CORRUPTED", evidence.name.as_str()));
    assert!(bytes.len() < content.len(), "the last chunk is held back");

    let v = verify(&mut t, &case.name).await;
    assert!(!v.intact);
    assert_eq!((v.problem(), v.first_bad_sequence), (Problem::EvidenceMismatch, evidence.event_sequence));
    assert!(v.detail.contains(&evidence.name), "{}", v.detail);

    // An extra chunk appended is tampering too.
    let original = evidence_chunk::Entity::find_by_id((id.clone(), 1)).one(t.resolution.db()).await.unwrap().unwrap();
    let mut restored: evidence_chunk::ActiveModel = original.into();
    restored.data = Set(content[256 * 1024..512 * 1024].to_vec());
    restored.update(t.resolution.db()).await.unwrap();
    assert!(verify(&mut t, &case.name).await.intact, "restored");
    let extra = evidence_chunk::Model {
        evidence_id: id.clone(),
        seq: 3,
        tenant_id: TENANT.into(),
        data: vec![0; 10],
        created_at: chrono::Utc::now(),
    };
    evidence_chunk::Entity::insert(evidence_chunk::ActiveModel::from(extra)).exec(t.resolution.db()).await.unwrap();
    let (_, _, error) = download(&mut t, &evidence.name).await.unwrap();
    assert_eq!(error.unwrap().code(), Code::DataLoss);
    assert_eq!(verify(&mut t, &case.name).await.problem(), Problem::EvidenceMismatch);

    // Rewriting the recorded hash in the evidence row does not help: the
    // chained event keeps the original.
    evidence_chunk::Entity::delete_many()
        .filter(sea_orm::ColumnTrait::eq(&evidence_chunk::Column::Seq, 3))
        .exec(t.resolution.db())
        .await
        .unwrap();
    t.resolution
        .db()
        .execute_unprepared(&format!("UPDATE evidence SET sha256 = '{}' WHERE id = '{id}'", "0".repeat(64)))
        .await
        .unwrap();
    assert_eq!(verify(&mut t, &case.name).await.problem(), Problem::EvidenceMismatch);

    // Nor does rewriting the attachment event's stored payload to match: the
    // chain holds the payload's hash.
    let mut forged = evidence.clone();
    forged.sha256 = "0".repeat(64);
    let hex_payload = hex::encode(prost::Message::encode_to_vec(&forged));
    let literal = match t.resolution.db().get_database_backend() {
        sea_orm::DbBackend::Postgres => format!("'\\x{hex_payload}'::bytea"),
        _ => format!("X'{hex_payload}'"),
    };
    t.resolution
        .db()
        .execute_unprepared(&format!(
            "UPDATE case_events SET payload = {literal} WHERE event_type = 'TYPE_EVIDENCE_ATTACHED'"
        ))
        .await
        .unwrap();
    let v = verify(&mut t, &case.name).await;
    assert_eq!(v.problem(), Problem::EvidenceMismatch);
    assert!(v.detail.contains("payload"), "{}", v.detail);
    t.resolution.shutdown().await;
}

async fn concurrent_uploads_to_one_case_keep_one_chain(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("c1", "GB")).await;
    let mut tasks = Vec::new();
    for i in 0..4 {
        let mut client = t.client.clone();
        let request = authed(
            tokio_stream::iter(messages(
                header(&case, &format!("u{i}"), &format!("{i}.png"), ""),
                &png(50_000 + i),
                8192,
            )),
            &t.agent,
        );
        tasks.push(tokio::spawn(async move { client.upload_evidence(request).await }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let listed =
        t.client.list_evidence(t.agent(ListEvidenceRequest { parent: case.name.clone(), ..Default::default() }));
    let listed = listed.await.unwrap().into_inner().evidence;
    assert_eq!(listed.len(), 4);
    let mut sequences: Vec<_> = listed.iter().map(|e| e.event_sequence).collect();
    sequences.sort();
    assert_eq!(sequences, [2, 3, 4, 5]);
    let v = verify(&mut t, &case.name).await;
    assert!(v.intact, "{v:?}");
    assert_eq!(v.event_count, 5);
    t.resolution.shutdown().await;
}

async fn the_janitor_removes_only_the_chunks_of_unfinished_uploads(db: TestDb) {
    let mut t = TestResolution::start(&db).await;
    let case = t.open(open_request("c1", "GB")).await;
    let kept = upload(&mut t, header(&case, "u1", "kept.png", ""), &png(300 * 1024)).await.unwrap();
    // What a crash between the chunks and the evidence row leaves.
    for seq in 0..3 {
        let orphan = evidence_chunk::Model {
            evidence_id: "0190aaaa-0000-7000-8000-000000000000".into(),
            seq,
            tenant_id: TENANT.into(),
            data: vec![1; 100],
            created_at: chrono::Utc::now(),
        };
        evidence_chunk::Entity::insert(evidence_chunk::ActiveModel::from(orphan))
            .exec(t.resolution.db())
            .await
            .unwrap();
    }
    assert_eq!(chunk_rows(&t).await, 5);
    let janitor = t.resolution.janitor().clone();
    assert_eq!(janitor.run_once(chrono::Duration::zero()).await.unwrap(), 0, "an upload may still be running");
    assert_eq!(janitor.run_once(chrono::Duration::hours(2)).await.unwrap(), 3);
    assert_eq!(chunk_rows(&t).await, 2);
    let (_, bytes, error) = download(&mut t, &kept.name).await.unwrap();
    assert!(error.is_none() && bytes.len() == 300 * 1024);
    assert!(verify(&mut t, &case.name).await.intact);
    t.resolution.shutdown().await;
}

backend_tests!(
    concurrent_uploads_to_one_case_keep_one_chain,
    the_janitor_removes_only_the_chunks_of_unfinished_uploads,
    a_multi_chunk_upload_round_trips_and_is_chained_into_the_history,
    a_file_larger_than_the_message_limit_streams_through,
    an_upload_is_idempotent_on_its_request_id,
    the_tenants_size_and_type_limits_refuse_with_details,
    another_tenant_and_other_roles_see_nothing,
    the_scan_hook_holds_downloads_until_a_verdict,
    tampered_evidence_fails_the_download_and_the_verification,
);
