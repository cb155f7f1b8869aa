//! The chassis over a real channel: the error contract of malformed and
//! oversized messages, named UNIMPLEMENTED and exact reflection, per-tenant
//! rate limits and concurrency shares, and guarded connections. The served
//! handlers are trivial: what is under test is everything in front of them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use redress_auth::{Role, Verifier};
use redress_proto::feedback::v1::{
    GetInsightsRequest, GetInsightsResponse, GetSurveyRequest, GetSurveyResponse, ListRecurringProblemsRequest,
    ListRecurringProblemsResponse, ListSurveysRequest, ListSurveysResponse, RecordCaseOutcomeRequest,
    RecordCaseOutcomeResponse, RecordEventRequest, RecordEventResponse, SubmitSurveyResponseRequest,
    SubmitSurveyResponseResponse,
    feedback_internal_service_client::FeedbackInternalServiceClient,
    feedback_internal_service_server::{FeedbackInternalService, FeedbackInternalServiceServer},
    feedback_service_client::FeedbackServiceClient,
    feedback_service_server::{FeedbackService, FeedbackServiceServer},
};
use redress_server::{Authenticator, Rate, RunningServer, ServeOptions, ServerConfig};
use redress_testkit::{RawCodec, authed, eventually, token};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    sync::Semaphore,
};
use tonic::{
    Code, Request, Response, Status,
    service::{Routes, interceptor::InterceptedService},
};
use tonic_types::StatusExt;

/// Handlers that count who got in and, when `hold` has no permits, wait
/// until the test releases them.
#[derive(Clone)]
struct Handlers {
    entered: Arc<AtomicUsize>,
    hold: Arc<Semaphore>,
}

impl Handlers {
    async fn pass(&self) {
        self.entered.fetch_add(1, Ordering::SeqCst);
        let _ = self.hold.acquire().await.map(|p| p.forget());
    }
}

#[tonic::async_trait]
impl FeedbackService for Handlers {
    async fn get_survey(&self, _: Request<GetSurveyRequest>) -> Result<Response<GetSurveyResponse>, Status> {
        self.pass().await;
        Ok(Response::new(GetSurveyResponse::default()))
    }
    async fn submit_survey_response(
        &self,
        _: Request<SubmitSurveyResponseRequest>,
    ) -> Result<Response<SubmitSurveyResponseResponse>, Status> {
        self.pass().await;
        Ok(Response::new(SubmitSurveyResponseResponse::default()))
    }
    async fn get_insights(&self, _: Request<GetInsightsRequest>) -> Result<Response<GetInsightsResponse>, Status> {
        self.pass().await;
        Ok(Response::new(GetInsightsResponse::default()))
    }
    async fn list_recurring_problems(
        &self,
        _: Request<ListRecurringProblemsRequest>,
    ) -> Result<Response<ListRecurringProblemsResponse>, Status> {
        self.pass().await;
        Ok(Response::new(ListRecurringProblemsResponse::default()))
    }
    async fn list_surveys(&self, _: Request<ListSurveysRequest>) -> Result<Response<ListSurveysResponse>, Status> {
        self.pass().await;
        Ok(Response::new(ListSurveysResponse::default()))
    }
}

#[tonic::async_trait]
impl FeedbackInternalService for Handlers {
    async fn record_case_outcome(
        &self,
        _: Request<RecordCaseOutcomeRequest>,
    ) -> Result<Response<RecordCaseOutcomeResponse>, Status> {
        self.pass().await;
        Ok(Response::new(RecordCaseOutcomeResponse::default()))
    }
    async fn record_event(&self, _: Request<RecordEventRequest>) -> Result<Response<RecordEventResponse>, Status> {
        self.pass().await;
        Ok(Response::new(RecordEventResponse::default()))
    }
    async fn erase_player_records(
        &self,
        _: Request<redress_proto::feedback::v1::ErasePlayerRecordsRequest>,
    ) -> Result<Response<redress_proto::feedback::v1::ErasePlayerRecordsResponse>, Status> {
        Ok(Response::new(Default::default()))
    }

    type ExportPlayerRecordsStream =
        tokio_stream::Empty<Result<redress_proto::feedback::v1::ExportPlayerRecordsResponse, Status>>;
    async fn export_player_records(
        &self,
        _: Request<redress_proto::feedback::v1::ExportPlayerRecordsRequest>,
    ) -> Result<Response<Self::ExportPlayerRecordsStream>, Status> {
        Ok(Response::new(tokio_stream::empty()))
    }
}

struct TestServer {
    server: RunningServer,
    handlers: Handlers,
    channel: tonic::transport::Channel,
}

/// A server whose handlers pass at once unless `held`.
async fn start(mut config: ServerConfig, held: bool) -> TestServer {
    config.listen = "127.0.0.1:0".into();
    let verifier = Arc::new(Verifier::from_config(&redress_testkit::auth_config()).unwrap());
    let handlers = Handlers {
        entered: Arc::new(AtomicUsize::new(0)),
        hold: Arc::new(Semaphore::new(if held { 0 } else { Semaphore::MAX_PERMITS })),
    };
    let auth = Authenticator::new(Arc::clone(&verifier));
    let max = config.max_message_bytes;
    let public = FeedbackServiceServer::new(handlers.clone()).max_decoding_message_size(max);
    let internal = FeedbackInternalServiceServer::new(handlers.clone()).max_decoding_message_size(max);
    let routes =
        Routes::new(InterceptedService::new(public, auth.clone())).add_service(InterceptedService::new(internal, auth));
    let listener = redress_server::bind(&config.listen).await.unwrap();
    let server = redress_server::spawn(
        listener,
        routes,
        ServeOptions {
            config,
            services: vec![
                "redress.feedback.v1.FeedbackService".into(),
                "redress.feedback.v1.FeedbackInternalService".into(),
            ],
            verifier,
            database: None,
        },
    )
    .unwrap();
    let channel = redress_testkit::channel(server.local_addr);
    TestServer { server, handlers, channel }
}

async fn raw_call(channel: &tonic::transport::Channel, path: &'static str, body: Vec<u8>, bearer: &str) -> Status {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready().await.unwrap();
    let result = grpc.unary(authed(body, bearer), http::uri::PathAndQuery::from_static(path), RawCodec).await;
    match result {
        Ok(_) => Status::ok(""),
        Err(status) => status,
    }
}

fn reason(status: &Status) -> String {
    status.get_details_error_info().map(|i| i.reason).unwrap_or_default()
}

#[tokio::test]
async fn malformed_messages_are_invalid_argument_and_oversized_ones_resource_exhausted() {
    let t = start(ServerConfig { max_message_bytes: 1024 * 1024, ..ServerConfig::default() }, false).await;
    let agent = token("casino-a", &[Role::Agent]);
    const PATH: &str = "/redress.feedback.v1.FeedbackService/GetSurvey";
    // Field 1 (token, a string) holding bytes that are not UTF-8.
    let bad_utf8 = raw_call(&t.channel, PATH, vec![0x0a, 0x02, 0xff, 0xfe], &agent).await;
    assert_eq!(bad_utf8.code(), Code::InvalidArgument, "{bad_utf8:?}");
    assert_eq!(reason(&bad_utf8), "MALFORMED_MESSAGE");
    let garbage = raw_call(&t.channel, PATH, vec![0xff, 0xff, 0xff, 0xff], &agent).await;
    assert_eq!(garbage.code(), Code::InvalidArgument, "{garbage:?}");
    let huge =
        raw_call(&t.channel, PATH, [vec![0x0a, 0x80, 0x80, 0x80, 0x01], vec![b'a'; 2 * 1024 * 1024]].concat(), &agent)
            .await;
    assert_eq!(huge.code(), Code::ResourceExhausted, "{huge:?}");
    assert_eq!(reason(&huge), "MESSAGE_TOO_LARGE");
    // A well-formed message still passes.
    let ok = raw_call(&t.channel, PATH, vec![0x0a, 0x01, b'x'], &agent).await;
    assert_eq!(ok.code(), Code::Ok, "{ok:?}");
    t.server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_service_or_method_answers_unimplemented_naming_it_and_who_serves_it() {
    let t = start(ServerConfig::default(), false).await;
    let agent = token("casino-a", &[Role::Agent]);
    let elsewhere = raw_call(&t.channel, "/redress.intake.v1.IntakeService/SubmitComplaint", vec![], &agent).await;
    assert_eq!(elsewhere.code(), Code::Unimplemented);
    assert_eq!(
        elsewhere.message(),
        "redress.intake.v1.IntakeService is not served here; it is served by the intake service"
    );
    let method = raw_call(&t.channel, "/redress.feedback.v1.FeedbackService/DeleteEverything", vec![], &agent).await;
    assert_eq!(method.code(), Code::Unimplemented);
    assert!(method.message().contains("DeleteEverything"), "{}", method.message());
    let unknown = raw_call(&t.channel, "/acme.Thing/Do", vec![], "").await;
    assert_eq!(unknown.code(), Code::Unimplemented);
    assert_eq!(unknown.message(), "unknown service acme.Thing");
    t.server.shutdown().await;
}

#[tokio::test]
async fn reflection_lists_exactly_the_services_this_port_serves() {
    use tonic_reflection::pb::v1::{
        ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
    };
    let t = start(ServerConfig::default(), false).await;
    let mut client = ServerReflectionClient::new(t.channel.clone());
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut stream = client.server_reflection_info(tokio_stream::iter([request])).await.unwrap().into_inner();
    let response = stream.message().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else { panic!("{response:?}") };
    let mut names: Vec<_> = list.service.into_iter().map(|s| s.name).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "redress.feedback.v1.FeedbackInternalService",
            "redress.feedback.v1.FeedbackService",
        ]
    );
    t.server.shutdown().await;
}

#[tokio::test]
async fn a_tenant_over_its_rate_is_rate_limited_while_others_and_health_pass() {
    let mut config = ServerConfig::default();
    config.rate_limits.default.write = Rate { per_second: 0.5, burst: 2.0 };
    let mut generous = config.rate_limits.default.clone();
    generous.write = Rate { per_second: 1000.0, burst: 1000.0 };
    config.rate_limits.tenants.insert("casino-big".into(), generous);
    let t = start(config, false).await;
    let mut client = FeedbackServiceClient::new(t.channel.clone());
    let noisy = token("casino-a", &[Role::Backend]);
    let submit = |bearer: &str| authed(SubmitSurveyResponseRequest::default(), bearer);
    assert!(client.submit_survey_response(submit(&noisy)).await.is_ok());
    assert!(client.submit_survey_response(submit(&noisy)).await.is_ok());
    let limited = client.submit_survey_response(submit(&noisy)).await.unwrap_err();
    assert_eq!(limited.code(), Code::ResourceExhausted);
    assert_eq!(reason(&limited), "RATE_LIMITED");
    let retry = limited.get_details_retry_info().and_then(|r| r.retry_delay).unwrap();
    assert!(retry > Duration::ZERO && retry <= Duration::from_secs(2), "{retry:?}");
    // Reads have their own bucket; other tenants theirs; an override applies.
    assert!(client.get_survey(authed(GetSurveyRequest::default(), &noisy)).await.is_ok());
    assert!(client.submit_survey_response(submit(&token("casino-b", &[Role::Backend]))).await.is_ok());
    let big = token("casino-big", &[Role::Backend]);
    for _ in 0..10 {
        assert!(client.submit_survey_response(submit(&big)).await.is_ok());
    }
    // Health bypasses limits and authentication.
    let mut health = tonic_health::pb::health_client::HealthClient::new(t.channel.clone());
    for _ in 0..10 {
        let check = health.check(tonic_health::pb::HealthCheckRequest { service: "liveness".into() }).await;
        assert!(check.is_ok(), "{check:?}");
    }
    // No token: refused before any limit.
    let anonymous = client.submit_survey_response(SubmitSurveyResponseRequest::default()).await.unwrap_err();
    assert_eq!(anonymous.code(), Code::Unauthenticated);
    t.server.shutdown().await;
}

#[tokio::test]
async fn one_tenant_cannot_take_the_whole_concurrency_budget_and_internal_calls_are_not_shed() {
    let config = ServerConfig {
        concurrency_limit: 4,
        tenant_concurrency_share: 0.5,
        internal_concurrency_limit: 2,
        ..ServerConfig::default()
    };
    let t = start(config, true).await;
    let flood = token("casino-flood", &[Role::Backend]);
    let quiet = token("casino-quiet", &[Role::Backend]);
    let mut calls = Vec::new();
    for _ in 0..2 {
        let mut client = FeedbackServiceClient::new(t.channel.clone());
        let request = authed(GetSurveyRequest::default(), &flood);
        calls.push(tokio::spawn(async move { client.get_survey(request).await }));
    }
    let entered = Arc::clone(&t.handlers.entered);
    assert!(eventually(Duration::from_secs(10), || async { entered.load(Ordering::SeqCst) == 2 }).await);
    // The flooding tenant holds its share (2 of 4): its next call is shed at once.
    let mut client = FeedbackServiceClient::new(t.channel.clone());
    let shed = client.get_survey(authed(GetSurveyRequest::default(), &flood)).await.unwrap_err();
    assert_eq!(shed.code(), Code::ResourceExhausted);
    assert_eq!(reason(&shed), "SERVER_OVERLOADED");
    assert!(shed.get_details_retry_info().and_then(|r| r.retry_delay).is_some());
    // The quiet tenant still gets in, and fills the public budget.
    for _ in 0..2 {
        let mut client = FeedbackServiceClient::new(t.channel.clone());
        let request = authed(GetSurveyRequest::default(), &quiet);
        calls.push(tokio::spawn(async move { client.get_survey(request).await }));
    }
    assert!(eventually(Duration::from_secs(10), || async { entered.load(Ordering::SeqCst) == 4 }).await);
    // Service-to-service calls have their own budget.
    let service = token("casino-flood", &[Role::Service]);
    let mut internal = FeedbackInternalServiceClient::new(t.channel.clone());
    let request = authed(RecordEventRequest::default(), &service);
    calls.push(tokio::spawn(async move {
        internal.record_event(request).await.map(|_| Response::new(GetSurveyResponse::default()))
    }));
    assert!(eventually(Duration::from_secs(10), || async { entered.load(Ordering::SeqCst) == 5 }).await);
    // Every budget is full and public calls are shed, yet probes (a new
    // connection each, as the kubelet makes them) answer SERVING: a busy pod
    // is neither restarted nor taken out of the endpoints.
    let shed = client.get_survey(authed(GetSurveyRequest::default(), &quiet)).await.unwrap_err();
    assert_eq!(reason(&shed), "SERVER_OVERLOADED");
    for service in ["liveness", ""].into_iter().cycle().take(40) {
        let mut health =
            tonic_health::pb::health_client::HealthClient::new(redress_testkit::channel(t.server.local_addr));
        let status = health.check(tonic_health::pb::HealthCheckRequest { service: service.into() }).await.unwrap();
        assert_eq!(status.into_inner().status, tonic_health::pb::health_check_response::ServingStatus::Serving as i32);
    }
    t.handlers.hold.add_permits(Semaphore::MAX_PERMITS / 2);
    for call in calls {
        assert!(call.await.unwrap().is_ok());
    }
    t.server.shutdown().await;
}

/// True when the server closes `stream` (EOF or reset) within `within`.
async fn closed_within(stream: &mut tokio::net::TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 64];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn half_a_preface_is_dropped_after_the_handshake_timeout_and_connections_are_capped() {
    let config = ServerConfig { handshake_timeout_ms: 300, max_connections: 2, ..ServerConfig::default() };
    let t = start(config, false).await;
    let addr = t.server.local_addr;
    let mut half = tokio::net::TcpStream::connect(addr).await.unwrap();
    half.write_all(b"PRI * HTTP/2.0\r\n").await.unwrap();
    assert!(closed_within(&mut half, Duration::from_secs(5)).await, "half a preface held the connection");
    drop(half);

    // Two complete connections are the cap; a third is closed at once.
    let mut open = Vec::new();
    for _ in 0..2 {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await.unwrap();
        open.push(s);
    }
    // Past the handshake timeout, the complete ones are still open.
    let mut first = tokio::net::TcpStream::connect(addr).await.unwrap();
    assert!(closed_within(&mut first, Duration::from_secs(5)).await, "a third connection was kept");
    for s in &mut open {
        assert!(!closed_within(s, Duration::from_millis(500)).await, "a complete connection was closed");
    }
    drop(open);
    // Closed connections give their places back.
    let channel = redress_testkit::channel(addr);
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    let back = eventually(Duration::from_secs(10), || {
        let mut health = health.clone();
        async move { health.check(tonic_health::pb::HealthCheckRequest { service: String::new() }).await.is_ok() }
    })
    .await;
    assert!(back);
    let _ = &mut health;
    t.server.shutdown().await;
}

#[tokio::test]
async fn readiness_turns_not_serving_when_the_drain_begins() {
    use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient};
    let config = ServerConfig { shutdown_grace_ms: 500, ..ServerConfig::default() };
    let t = start(config, false).await;
    let mut health = HealthClient::new(t.channel.clone());
    let mut watch = health.watch(HealthCheckRequest { service: String::new() }).await.unwrap().into_inner();
    let first = watch.message().await.unwrap().unwrap();
    assert_eq!(first.status, ServingStatus::Serving as i32);
    let drain = tokio::spawn(t.server.shutdown());
    let next = watch.message().await.unwrap().unwrap();
    assert_eq!(next.status, ServingStatus::NotServing as i32);
    drain.await.unwrap();
}
