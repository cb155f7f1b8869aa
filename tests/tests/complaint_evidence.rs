//! Evidence for a complaint whose case is not open yet, every service real:
//! the casino backend files a complaint at intake and at once uploads the
//! player's screenshot to `complaints/{id}` (intake's outbox opens the case
//! asynchronously, so the upload may come first); once the case is open it
//! holds the evidence, its attachment event is in the history, the history
//! verifies and the download returns the bytes, by either name.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use redress_auth::Role;
use redress_e2e::Sandbox;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::SubmitComplaintRequest,
    resolution::v1::{
        DownloadEvidenceRequest, ListCaseEventsRequest, ListCasesRequest, ListEvidenceRequest, UploadEvidenceRequest,
        VerifyCaseHistoryRequest, case_event::Type, download_evidence_response::Part as Down,
        upload_evidence_request::Header, upload_evidence_request::Part as Up,
    },
};
use redress_testkit::{Backend, authed, eventually};

const WAIT: Duration = Duration::from_secs(30);

async fn a_screenshot_uploaded_with_the_complaint_ends_up_on_its_case(backend: Backend) {
    let s = Sandbox::start(backend).await;
    let casino = s.token(&[Role::Backend]);
    let agent = s.token(&[Role::Agent]);
    let request = SubmitComplaintRequest {
        request_id: "shot-1".into(),
        player: Some(Player {
            player_id: "player-shot".into(),
            display_name: "Ola".into(),
            email: "ola@example.pl".into(),
            language_code: "pl".into(),
            jurisdiction: "PL".into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        category: ComplaintCategory::GameMalfunction.into(),
        subject: "Gra się zawiesiła".into(),
        description: "The game froze during the bonus round.".into(),
        channel: Channel::LiveChat.into(),
        transaction_references: Some(TransactionReferences {
            game_id: "starburst".into(),
            round_id: "round-77".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let complaint = s.intake().submit_complaint(authed(request, &casino)).await.unwrap().into_inner();
    let complaint = complaint.complaint.unwrap().name;

    let mut content = b"\x89PNG\r\n\x1a\n".to_vec();
    content.extend((0..300_000u32).map(|i| (i % 251) as u8));
    let header = Header {
        parent: complaint.clone(),
        request_id: "shot-upload".into(),
        filename: "frozen.png".into(),
        declared_content_type: "image/png".into(),
        description: "the frozen bonus round".into(),
    };
    let messages: Vec<_> = std::iter::once(UploadEvidenceRequest { part: Some(Up::Header(header)) })
        .chain(content.chunks(64 * 1024).map(|c| UploadEvidenceRequest { part: Some(Up::Chunk(c.to_vec())) }))
        .collect();
    let uploaded = s.resolution().upload_evidence(authed(tokio_stream::iter(messages), &casino)).await.unwrap();
    let uploaded = uploaded.into_inner().evidence.unwrap();
    let id = uploaded.name.rsplit('/').next().unwrap().to_owned();

    // The case opens (now or already), holding the evidence.
    let find = || async {
        let request = ListCasesRequest { complaint: complaint.clone(), ..Default::default() };
        s.resolution().list_cases(authed(request, &agent)).await.ok().and_then(|r| r.into_inner().cases.pop())
    };
    assert!(eventually(WAIT, || async { find().await.is_some() }).await, "no case opened for {complaint}");
    let case = find().await.unwrap();
    let request = ListEvidenceRequest { parent: case.name.clone(), ..Default::default() };
    let listed = s.resolution().list_evidence(authed(request, &agent)).await.unwrap().into_inner().evidence;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let evidence = &listed[0];
    assert_eq!(evidence.name, format!("{}/evidence/{id}", case.name));
    assert_eq!(evidence.sha256, uploaded.sha256);

    let request = ListCaseEventsRequest { parent: case.name.clone(), ..Default::default() };
    let events = s.resolution().list_case_events(authed(request, &agent)).await.unwrap().into_inner().events;
    let attached: Vec<_> = events.iter().filter(|e| e.r#type() == Type::EvidenceAttached).collect();
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].sequence, evidence.event_sequence);
    let verify = VerifyCaseHistoryRequest { name: case.name.clone() };
    let verified = s.resolution().verify_case_history(authed(verify, &s.token(&[Role::Supervisor]))).await.unwrap();
    assert!(verified.get_ref().intact, "{:?}", verified.get_ref());

    // The name the backend got back still works.
    for name in [&uploaded.name, &evidence.name] {
        let request = authed(DownloadEvidenceRequest { name: name.clone() }, &casino);
        let mut stream = s.resolution().download_evidence(request).await.unwrap().into_inner();
        let mut bytes = Vec::new();
        while let Some(message) = stream.message().await.unwrap() {
            match message.part.unwrap() {
                Down::Evidence(meta) => assert_eq!(&meta, evidence),
                Down::Chunk(c) => bytes.extend(c),
            }
        }
        assert_eq!(bytes, content, "{name}");
    }
    s.shutdown().await;
}

redress_e2e::on_both_backends!(a_screenshot_uploaded_with_the_complaint_ends_up_on_its_case);
