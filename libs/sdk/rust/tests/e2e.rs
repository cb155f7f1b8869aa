//! The SDK against the real platform: all four services on free ports
//! (`redress_e2e::Sandbox`), on SQLite and on PostgreSQL, driven only through
//! `redress_sdk`: submit → an agent resolves → the player answers the survey
//! whose token reached only their e-mail → the insights change; field
//! violations as typed data; another tenant's complaint is NOT_FOUND; and a
//! retry after a lost reply files exactly one complaint.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use futures::TryStreamExt;
use redress_auth::Role;
use redress_e2e::{Sandbox, TENANT};
use redress_sdk::{
    CaseName, Client, ComplaintName, Error, RetryPolicy, Service,
    proto::{
        common::v1::{Channel, ComplaintCategory, ComplaintStatus, Outcome, Player, RootCause, TransactionReferences},
        feedback::v1::{GetInsightsRequest, SubmitSurveyResponseRequest, SurveyAnswer, TimeWindow, survey_answer},
        intake::v1::{ListComplaintsRequest, SubmitComplaintRequest},
        notification::v1::{
            CreateWebhookEndpointRequest, DeleteWebhookEndpointRequest, RotateWebhookEndpointSecretRequest,
            WebhookEndpoint,
        },
        resolution::v1::{ListCasesRequest, ResolveCaseRequest},
    },
};
use redress_testkit::{TestDb, backend_tests, eventually};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

const WAIT: Duration = Duration::from_secs(25);

/// An SDK client of the sandbox for `tenant` with `roles`.
fn sdk(s: &Sandbox, tenant: &str, roles: &[Role]) -> Client {
    sdk_with_intake(s, tenant, roles, s.intake.local_addr())
}

fn sdk_with_intake(s: &Sandbox, tenant: &str, roles: &[Role], intake: SocketAddr) -> Client {
    Client::builder()
        .service_endpoints(Service::Intake, [format!("http://{intake}")])
        .service_endpoints(Service::Resolution, [format!("http://{}", s.resolution.local_addr())])
        .service_endpoints(Service::Notification, [format!("http://{}", s.notification.local_addr())])
        .service_endpoints(Service::Feedback, [format!("http://{}", s.feedback.local_addr())])
        .token(redress_testkit::token(tenant, roles))
        .timeout(Duration::from_secs(10))
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(200),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

fn complaint(player: &str, withdrawal: &str) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        player: Some(Player {
            player_id: player.into(),
            display_name: "Sam".into(),
            email: format!("{player}@example.co.uk"),
            language_code: "en".into(),
            jurisdiction: "GB".into(),
            preferred_channel: Channel::Email.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: withdrawal.into(),
            payment_method: "visa".into(),
            ..Default::default()
        }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: "Withdrawal not received".into(),
        description: "My withdrawal has been pending for a week.".into(),
        channel: Channel::LiveChat.into(),
        ..Default::default()
    }
}

fn window() -> TimeWindow {
    let now = chrono::Utc::now().timestamp();
    TimeWindow {
        start_time: Some(prost_types::Timestamp { seconds: now - 86_400, nanos: 0 }),
        end_time: Some(prost_types::Timestamp { seconds: now + 3600, nanos: 0 }),
    }
}

/// The survey token from an invitation e-mail (`…?token=<base64url>`),
/// quoted-printable soft breaks undone.
fn survey_token(emails: &[String]) -> Option<String> {
    emails.iter().find_map(|m| {
        let unfolded = m.replace("=\r\n", "").replace("=3D", "=");
        let at = unfolded.find("token=")? + "token=".len();
        let token: String =
            unfolded[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
        (!token.is_empty()).then_some(token)
    })
}

async fn submit_resolve_answer_and_the_insights_change(db: TestDb) {
    let s = Sandbox::start(db.backend).await;
    let casino = sdk(&s, TENANT, &[Role::Backend]);
    let agent = sdk(&s, TENANT, &[Role::Agent]);
    let analyst = sdk(&s, TENANT, &[Role::Analyst]);

    // The casino backend files the complaint; the SDK supplies the request_id.
    let filed = casino.intake().submit_complaint(complaint("p-loop", "W-1")).await.unwrap();
    assert!(!filed.replayed);
    let complaint = filed.complaint.unwrap();
    assert!(complaint.reference.starts_with("RDR-"), "{}", complaint.reference);
    let name = ComplaintName::parse(&complaint.name).unwrap();

    // The agent finds its case in the queue (the outbox relay is asynchronous).
    let find_case = || async {
        let request = ListCasesRequest { complaint: name.to_string(), ..Default::default() };
        agent.resolution().list_cases(request).try_collect::<Vec<_>>().await.ok().and_then(|c| c.into_iter().next())
    };
    assert!(eventually(WAIT, || async { find_case().await.is_some() }).await, "no case opened");
    let case = find_case().await.unwrap();
    let case_name = CaseName::parse(&case.name).unwrap();
    let resolved = agent
        .resolution()
        .resolve_case(ResolveCaseRequest {
            name: case_name.to_string(),
            outcome: Outcome::Upheld.into(),
            root_cause: RootCause::Policy.into(),
            final_response: "The withdrawal was held for a routine check and has now been paid.".into(),
            adr_body: "IBAS".into(),
            etag: case.etag.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(resolved.name, case.name);

    // The player sees the status change, and the history lists the answer.
    let resolved_for_player = eventually(WAIT, || async {
        casino.intake().get_complaint(&name).await.is_ok_and(|c| c.status() == ComplaintStatus::Resolved)
    })
    .await;
    assert!(resolved_for_player, "the player never saw RESOLVED");
    let interactions: Vec<_> = casino.intake().list_interactions(&name).try_collect().await.unwrap();
    assert!(interactions.len() >= 2, "{interactions:?}");
    let history: Vec<_> = agent.resolution().list_case_events(&case_name).try_collect().await.unwrap();
    assert!(history.len() >= 2, "{history:?}");

    // The survey token only reaches the player's e-mail.
    assert!(eventually(WAIT, || async { survey_token(&s.emails()).is_some() }).await, "no survey invitation");
    let token = survey_token(&s.emails()).unwrap();
    let survey = casino.feedback().get_survey(&token).await.unwrap();
    assert_eq!(survey.complaint, complaint.name);
    let answered = casino
        .feedback()
        .submit_survey_response(SubmitSurveyResponseRequest {
            token: token.clone(),
            answer: Some(SurveyAnswer {
                csat: 5,
                problem_solved: survey_answer::ProblemSolved::Yes.into(),
                fairness: 5,
                comment: "Sorted quickly.".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!answered.replayed);

    // A second answer is a typed precondition failure.
    let again = casino
        .feedback()
        .submit_survey_response(SubmitSurveyResponseRequest {
            token,
            answer: Some(SurveyAnswer {
                csat: 1,
                problem_solved: survey_answer::ProblemSolved::No.into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&again, Error::FailedPrecondition { reason, .. } if reason == "SURVEY_ALREADY_ANSWERED"),
        "{again:?}"
    );

    // The answer reaches the insights.
    let rated = eventually(WAIT, || async {
        analyst
            .feedback()
            .get_insights(GetInsightsRequest { window: Some(window()), ..Default::default() })
            .await
            .ok()
            .and_then(|r| r.total)
            .and_then(|t| t.satisfaction)
            .is_some_and(|sat| sat.csat_count == 1 && sat.csat_average == 5.0)
    })
    .await;
    assert!(rated, "the survey answer did not reach the insights");
    s.shutdown().await;
}

async fn errors_arrive_as_typed_data(db: TestDb) {
    let s = Sandbox::start(db.backend).await;
    let casino = sdk(&s, TENANT, &[Role::Backend]);

    // Every bad field at once, as data.
    let mut bad = complaint("", "W-2");
    bad.subject = String::new();
    let err = casino.intake().submit_complaint(bad).await.unwrap_err();
    let Error::InvalidArgument { violations, status, .. } = &err else { panic!("{err:?}") };
    let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
    assert!(fields.contains(&"player.player_id"), "{fields:?}");
    assert!(fields.contains(&"subject"), "{fields:?}");
    assert_eq!(status.code(), tonic::Code::InvalidArgument);

    // Another tenant's complaint does not exist for this caller.
    let filed = casino.intake().submit_complaint(complaint("p-mine", "W-3")).await.unwrap();
    let name = ComplaintName::parse(&filed.complaint.unwrap().name).unwrap();
    let other = sdk(&s, "another-casino", &[Role::Backend]);
    let err = other.intake().get_complaint(&name).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(casino.intake().get_complaint(&name).await.is_ok());

    // A refreshing token provider is asked per call and cached; when it
    // fails, nothing is sent.
    let refreshes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&refreshes);
    let provider = redress_sdk::auth::RefreshingToken::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async {
            Ok(redress_sdk::auth::ExpiringToken {
                token: redress_testkit::token(TENANT, &[Role::Backend]),
                expires_in: Duration::from_secs(3600),
            })
        }
    });
    let refreshing = Client::builder()
        .service_endpoints(Service::Intake, [format!("http://{}", s.intake.local_addr())])
        .token_provider(provider)
        .build()
        .unwrap();
    refreshing.intake().get_complaint(&name).await.unwrap();
    refreshing.intake().get_complaint(&name).await.unwrap();
    assert_eq!(refreshes.load(Ordering::SeqCst), 1);
    let failing = Client::builder()
        .service_endpoints(Service::Intake, [format!("http://{}", s.intake.local_addr())])
        .token_provider(redress_sdk::auth::RefreshingToken::new(|| async { Err("identity provider down".to_owned()) }))
        .build()
        .unwrap();
    let err = failing.intake().get_complaint(&name).await.unwrap_err();
    assert!(matches!(&err, Error::Token(m) if m == "identity provider down"), "{err:?}");

    // A role that may not call is PERMISSION_DENIED.
    let analyst = sdk(&s, TENANT, &[Role::Analyst]);
    let err = analyst.intake().submit_complaint(complaint("p-x", "W-4")).await.unwrap_err();
    assert!(matches!(err, Error::PermissionDenied { .. }), "{err:?}");
    s.shutdown().await;
}

/// A loopback proxy in front of `upstream` that loses the reply to the first
/// request: on the first connection it forwards everything the client sends,
/// and from the server only connection-level frames (stream 0: SETTINGS,
/// PING, WINDOW_UPDATE); when the frame that ends the first request's stream
/// passes, it closes both sockets. Later connections pass through untouched.
struct LossyProxy {
    addr: SocketAddr,
    lost: Arc<AtomicBool>,
}

impl LossyProxy {
    async fn start(upstream: SocketAddr) -> LossyProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let lost = Arc::new(AtomicBool::new(false));
        let first = Arc::new(AtomicBool::new(true));
        let flag = Arc::clone(&lost);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(upstream).await else { continue };
                let lossy = first.swap(false, Ordering::SeqCst);
                let flag = Arc::clone(&flag);
                tokio::spawn(async move {
                    if lossy {
                        lose_first_reply(client, server, &flag).await;
                    } else {
                        let (mut client, mut server) = (client, server);
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        LossyProxy { addr, lost }
    }
}

const END_STREAM: u8 = 0x1;

async fn lose_first_reply(client: TcpStream, server: TcpStream, lost: &AtomicBool) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upstream = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
    });
    let mut first_stream = None;
    loop {
        // An HTTP/2 frame: 24-bit length, type, flags, 31-bit stream id.
        let mut header = [0u8; 9];
        if server_read.read_exact(&mut header).await.is_err() {
            break;
        }
        let len = usize::from(header[0]) << 16 | usize::from(header[1]) << 8 | usize::from(header[2]);
        let flags = header[4];
        let stream = u32::from_be_bytes([header[5], header[6], header[7], header[8]]) & 0x7fff_ffff;
        let mut payload = vec![0u8; len];
        if server_read.read_exact(&mut payload).await.is_err() {
            break;
        }
        if stream == 0 {
            if client_write.write_all(&header).await.is_err() || client_write.write_all(&payload).await.is_err() {
                break;
            }
            continue;
        }
        let first = *first_stream.get_or_insert(stream);
        if stream == first && flags & END_STREAM != 0 {
            // The server has answered in full; the client never hears it.
            lost.store(true, Ordering::SeqCst);
            break;
        }
    }
    upstream.abort();
}

async fn a_retry_after_a_lost_reply_files_one_complaint(db: TestDb) {
    let s = Sandbox::start(db.backend).await;
    let proxy = LossyProxy::start(s.intake.local_addr()).await;
    let casino = sdk_with_intake(&s, TENANT, &[Role::Backend], proxy.addr);

    let filed = casino.intake().submit_complaint(complaint("p-lost", "W-lost")).await.unwrap();
    assert!(proxy.lost.load(Ordering::SeqCst), "the proxy did not lose the first reply");
    assert!(filed.replayed, "the answer should come from the idempotency record");

    let direct = sdk(&s, TENANT, &[Role::Backend]);
    let request = ListComplaintsRequest { player_id: "p-lost".into(), ..Default::default() };
    let complaints: Vec<_> = direct.intake().list_complaints(request).try_collect().await.unwrap();
    assert_eq!(complaints.len(), 1, "{complaints:?}");
    assert_eq!(complaints[0].name, filed.complaint.unwrap().name);
    s.shutdown().await;
}

/// A TLS-terminating proxy in front of `upstream`, with a fresh self-signed
/// certificate for `localhost`: its address and the certificate as PEM.
async fn tls_proxy(upstream: SocketAddr) -> (SocketAddr, String) {
    use tokio_rustls::rustls::{self, pki_types::PrivatePkcs8KeyDer};
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let key = PrivatePkcs8KeyDer::from(signing_key.serialize_der());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key.into())
        .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let Ok(mut server) = TcpStream::connect(upstream).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut server).await;
            });
        }
    });
    (addr, cert.pem())
}

async fn tls_with_a_given_ca_reaches_the_service(db: TestDb) {
    let s = Sandbox::start(db.backend).await;
    let (addr, ca) = tls_proxy(s.intake.local_addr()).await;
    let url = format!("https://localhost:{}", addr.port());
    let token = redress_testkit::token(TENANT, &[Role::Backend]);

    let trusted = Client::builder().endpoint(url.clone()).tls_ca_pem(&ca).token(token.clone()).build().unwrap();
    let filed = trusted.intake().submit_complaint(complaint("p-tls", "W-tls")).await.unwrap();
    assert!(filed.complaint.is_some());

    // The system's roots do not know the throwaway CA: the handshake fails.
    let untrusted = Client::builder()
        .endpoint(url)
        .tls_system_roots()
        .token(token)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = untrusted.intake().submit_complaint(complaint("p-tls", "W-tls2")).await.unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    s.shutdown().await;
}

/// A pass-through proxy in front of `upstream` that counts the connections
/// it accepted.
async fn counting_proxy(upstream: SocketAddr) -> (SocketAddr, Arc<std::sync::atomic::AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let Ok(mut server) = TcpStream::connect(upstream).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    (addr, count)
}

async fn several_endpoints_are_balanced_and_a_dead_one_is_passed_over(db: TestDb) {
    let s = Sandbox::start(db.backend).await;
    let (a, a_count) = counting_proxy(s.intake.local_addr()).await;
    let (b, b_count) = counting_proxy(s.intake.local_addr()).await;
    // A port nobody listens on any more.
    let dead = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let client = Client::builder()
        .service_endpoints(Service::Intake, [dead, a, b].map(|addr| format!("http://{addr}")))
        .token(redress_testkit::token(TENANT, &[Role::Backend]))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    for i in 0..10 {
        client.intake().submit_complaint(complaint(&format!("p-lb-{i}"), &format!("W-lb-{i}"))).await.unwrap();
    }
    assert!(a_count.load(Ordering::SeqCst) >= 1 && b_count.load(Ordering::SeqCst) >= 1, "both live endpoints are used");
    s.shutdown().await;
}

async fn a_backend_registers_rotates_and_removes_its_webhook_endpoint(db: TestDb) {
    let s = Sandbox::start(db.backend).await;
    let casino = sdk(&s, TENANT, &[Role::Backend]);
    let notification = casino.notification();
    let endpoint = WebhookEndpoint { url: "https://backend.example/hooks".into(), ..Default::default() };
    let request = CreateWebhookEndpointRequest { webhook_endpoint: Some(endpoint), ..Default::default() };
    let created = notification.create_webhook_endpoint(request).await.unwrap();
    let endpoint = created.webhook_endpoint.unwrap();
    assert!(created.secret.starts_with("whsec_"), "the secret is shown once, on create");
    assert_eq!(notification.get_webhook_endpoint(&endpoint.name).await.unwrap().url, endpoint.url);
    let listed: Vec<WebhookEndpoint> = notification.list_webhook_endpoints().try_collect().await.unwrap();
    assert_eq!(listed.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), [endpoint.name.as_str()]);
    let rotate = RotateWebhookEndpointSecretRequest { name: endpoint.name.clone(), ..Default::default() };
    let rotated = notification.rotate_webhook_endpoint_secret(rotate).await.unwrap();
    assert!(rotated.secret.starts_with("whsec_") && rotated.secret != created.secret);
    let delete = DeleteWebhookEndpointRequest { name: endpoint.name.clone(), ..Default::default() };
    notification.delete_webhook_endpoint(delete).await.unwrap();
    let err = notification.get_webhook_endpoint(&endpoint.name).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    s.shutdown().await;
}

async fn evidence_goes_up_in_chunks_and_comes_back_byte_for_byte(db: TestDb) {
    use redress_sdk::proto::resolution::v1::{ListEvidenceRequest, upload_evidence_request::Header};
    let s = Sandbox::start(db.backend).await;
    let casino = sdk(&s, TENANT, &[Role::Backend]);
    let agent = sdk(&s, TENANT, &[Role::Agent]);
    let filed = casino.intake().submit_complaint(complaint("p-evidence", "W-ev")).await.unwrap();
    let complaint = filed.complaint.unwrap().name;
    let find_case = || async {
        let request = ListCasesRequest { complaint: complaint.clone(), ..Default::default() };
        agent.resolution().list_cases(request).try_collect::<Vec<_>>().await.ok().and_then(|c| c.into_iter().next())
    };
    assert!(eventually(WAIT, || async { find_case().await.is_some() }).await, "no case opened");
    let case = find_case().await.unwrap();
    let resolution = agent.resolution();

    // From an AsyncRead: a PDF of 700 kB goes up in 256 KiB chunks.
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..700_000u32).map(|i| (i % 253) as u8));
    let header = Header {
        parent: case.name.clone(),
        request_id: "statement-1".into(),
        filename: "statement.pdf".into(),
        description: "bank statement".into(),
        ..Default::default()
    };
    let uploaded = resolution.upload_evidence(header.clone(), std::io::Cursor::new(pdf.clone())).await.unwrap();
    assert_eq!((uploaded.content_type.as_str(), uploaded.size_bytes), ("application/pdf", pdf.len() as i64));
    // Idempotent on request_id: the same bytes again are the same evidence;
    // other bytes under the key are refused.
    let again = resolution.upload_evidence(header.clone(), std::io::Cursor::new(pdf.clone())).await.unwrap();
    assert_eq!(again.name, uploaded.name);
    let err = resolution.upload_evidence(header, std::io::Cursor::new(b"%PDF-other".to_vec())).await.unwrap_err();
    assert!(matches!(&err, Error::AlreadyExists { reason, .. } if reason == "IDEMPOTENCY_KEY_REUSED"), "{err:?}");

    // From a byte stream whose items are bigger than a message may be.
    let text: Vec<u8> = (0..2_500_000u32).map(|i| b"chat transcript\n"[(i % 16) as usize]).collect();
    let items: Vec<std::io::Result<Vec<u8>>> = text.chunks(1_500_000).map(|c| Ok(c.to_vec())).collect();
    let header = Header { parent: case.name.clone(), filename: "chat.txt".into(), ..Default::default() };
    let chat = resolution.upload_evidence_stream(header, futures::stream::iter(items)).await.unwrap();
    assert_eq!((chat.content_type.as_str(), chat.size_bytes), ("text/plain", text.len() as i64));

    let listed: Vec<_> = resolution
        .list_evidence(ListEvidenceRequest { parent: case.name.clone(), page_size: 1, ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), [&uploaded.name, &chat.name]);
    assert_eq!(resolution.get_evidence(&chat.name).await.unwrap().sha256, chat.sha256);

    // Down as a stream of chunks, and into an AsyncWrite.
    let download = resolution.download_evidence(&uploaded.name).await.unwrap();
    assert_eq!(download.evidence.sha256, uploaded.sha256);
    let chunks: Vec<Vec<u8>> = download.into_stream().try_collect().await.unwrap();
    assert!(chunks.len() > 1 && chunks.iter().all(|c| c.len() <= 256 * 1024));
    assert_eq!(chunks.concat(), pdf);
    let mut copy = Vec::new();
    let written = resolution.download_evidence(&chat.name).await.unwrap().write_to(&mut copy).await.unwrap();
    assert_eq!((written.name, copy), (chat.name.clone(), text));

    let missing = format!("{}/evidence/0190aaaa-0000-7000-8000-000000000000", case.name);
    let err = resolution.download_evidence(&missing).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    s.shutdown().await;
}

backend_tests!(
    evidence_goes_up_in_chunks_and_comes_back_byte_for_byte,
    a_backend_registers_rotates_and_removes_its_webhook_endpoint,
    several_endpoints_are_balanced_and_a_dead_one_is_passed_over,
    tls_with_a_given_ca_reaches_the_service,
    submit_resolve_answer_and_the_insights_change,
    errors_arrive_as_typed_data,
    a_retry_after_a_lost_reply_files_one_complaint
);
