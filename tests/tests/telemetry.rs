//! What an on-call engineer sees of one complaint, with every service real
//! and exporting to an OTLP receiver inside the test: the four services run
//! as separate servers in this process, each exporting its spans under its
//! own `service.name` (as `redress dev` does). A complaint is filed, resolved
//! and its survey answered (on SQLite, then on PostgreSQL), each step by a
//! caller that sends a W3C `traceparent`; then:
//! - each step is ONE trace across the services it reached, with a CLIENT
//!   span in the sender and a SERVER span in the receiver for every outbox
//!   hop (RPC attributes on both), and the e-mail delivery span inside it;
//! - health checks are not traced;
//! - the player's name, e-mail address and complaint text appear in no
//!   exported span, metric label or log line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashMap,
    io::Write,
    sync::{Arc, Mutex},
    time::Duration,
};

use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use redress_auth::Role;
use redress_e2e::Sandbox;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome, Player, RootCause, TransactionReferences},
    feedback::v1::{SubmitSurveyResponseRequest, SurveyAnswer, survey_answer::ProblemSolved},
    intake::v1::SubmitComplaintRequest,
    resolution::v1::{ListCasesRequest, ResolveCaseRequest},
};
use redress_telemetry::{LogConfig, LogFormat, Options};
use redress_testkit::{
    Backend, authed, eventually,
    otlp::{ExportedSpan, Receiver},
};

const WAIT: Duration = Duration::from_secs(30);

// Personal data that must never leave the process as telemetry.
const NAME: &str = "Zofia Kanarkowska";
const EMAIL: &str = "zofia.kanarek@example.pl";
const DESCRIPTION: &str = "Kanarek: wypłata 1234 PLN nie dotarła od 12 dni";
const SUBJECT: &str = "Kanarek wypłata";
const COMMENT: &str = "Kanarek: za długo to trwało";

/// Log lines, as the services wrote them.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn lines(&self) -> Vec<String> {
        String::from_utf8_lossy(&self.0.lock().unwrap()).lines().map(str::to_owned).collect()
    }
}

fn traceparent(trace_id: &str) -> tonic::metadata::MetadataValue<tonic::metadata::Ascii> {
    format!("00-{trace_id}-00f067aa0ba902b7-01").parse().unwrap()
}

fn with_trace<T>(message: T, token: &str, trace_id: &str) -> tonic::Request<T> {
    let mut request = authed(message, token);
    request.metadata_mut().insert("traceparent", traceparent(trace_id));
    request
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

/// The service a method belongs to: `redress.intake.v1.…` → `intake`.
fn owner(rpc_service: &str) -> &str {
    rpc_service.split('.').nth(1).unwrap_or_default()
}

/// Everything wrong with one trace's shape; empty when it is whole. `entry`
/// is the method the test called (its SERVER span's parent is the caller's).
fn problems(spans: &[ExportedSpan], entry: &str, services: &[&str], deliveries: usize) -> Vec<String> {
    let mut out = Vec::new();
    let by_id: HashMap<String, &ExportedSpan> = spans.iter().map(|s| (s.span_id(), s)).collect();
    let servers: Vec<&ExportedSpan> = spans.iter().filter(|s| s.kind() == SpanKind::Server).collect();
    for service in services {
        if !servers.iter().any(|s| s.service == *service) {
            out.push(format!("no server span of {service}"));
        }
    }
    for server in &servers {
        let method = server.attr("rpc.method").unwrap_or_default();
        let rpc_service = server.attr("rpc.service").unwrap_or_default();
        if server.attr("rpc.system").as_deref() != Some("grpc") || server.attr("rpc.grpc.status_code").is_none() {
            out.push(format!("server span {} lacks rpc attributes", server.name()));
        }
        if server.service != owner(&rpc_service) {
            out.push(format!("server span {} exported as {:?}", server.name(), server.service));
        }
        if method == entry {
            continue;
        }
        match by_id.get(&server.parent_id()) {
            Some(client) if client.kind() == SpanKind::Client => {
                if client.attr("rpc.service") != Some(rpc_service.clone())
                    || client.attr("rpc.method") != Some(method.clone())
                    || client.attr("rpc.system").as_deref() != Some("grpc")
                    || client.attr("rpc.grpc.status_code").is_none()
                {
                    out.push(format!("client span of {} lacks matching rpc attributes", server.name()));
                }
                if client.attr("peer.service").as_deref() != Some(server.service.as_str()) {
                    out.push(format!("client span of {} names another peer", server.name()));
                }
                if client.service == server.service {
                    out.push(format!("client span of {} is in the same service", server.name()));
                }
            }
            _ => out.push(format!("server span {} has no client span as parent", server.name())),
        }
    }
    for client in spans.iter().filter(|s| s.kind() == SpanKind::Client) {
        let answered = client.attr("rpc.grpc.status_code").as_deref() == Some("0");
        if answered && !servers.iter().any(|s| s.parent_id() == client.span_id()) {
            out.push(format!("client span {} has no server span", client.name()));
        }
    }
    let sent: Vec<&ExportedSpan> = spans.iter().filter(|s| s.name() == "notification.deliver").collect();
    if sent.len() < deliveries {
        out.push(format!("{} of {deliveries} e-mail deliveries traced", sent.len()));
    }
    for delivery in sent {
        let parent = by_id.get(&delivery.parent_id());
        if !parent.is_some_and(|p| p.name().ends_with("NotificationInternalService/SendNotification")) {
            out.push("an e-mail delivery is not a child of the SendNotification that accepted it".into());
        }
        if delivery.service != "notification" || delivery.attr("notification.channel").as_deref() != Some("email") {
            out.push("an e-mail delivery span is not notification's e-mail span".into());
        }
    }
    out
}

/// The trace ids a run's callers send.
struct Ids {
    filed: &'static str,
    resolved: &'static str,
    answered: &'static str,
}

const ON_SQLITE: Ids = Ids {
    filed: "4bf92f3577b34da6a3ce929d0e0e4736",
    resolved: "5bf92f3577b34da6a3ce929d0e0e4737",
    answered: "6bf92f3577b34da6a3ce929d0e0e4738",
};

const ON_POSTGRES: Ids = Ids {
    filed: "4cf92f3577b34da6a3ce929d0e0e4736",
    resolved: "5cf92f3577b34da6a3ce929d0e0e4737",
    answered: "6cf92f3577b34da6a3ce929d0e0e4738",
};

/// The three steps on `backend`, each asserted to be one whole trace.
async fn steps(backend: Backend, receiver: &Receiver, telemetry: &redress_telemetry::TelemetryGuard, ids: &Ids) {
    let s = Sandbox::start(backend).await;
    let casino = s.token(&[Role::Backend]);
    let agent = s.token(&[Role::Agent]);
    // Probes, as the kubelet sends them: never traced.
    for addr in [s.intake.local_addr(), s.resolution.local_addr(), s.notification.local_addr(), s.feedback.local_addr()]
    {
        let mut health = tonic_health::pb::health_client::HealthClient::new(redress_testkit::channel(addr));
        health.check(tonic_health::pb::HealthCheckRequest { service: String::new() }).await.unwrap();
    }
    // Every worker of every service, once: the test drives them instead of
    // waiting for their intervals.
    let drive = || async {
        s.intake.relay().run_once().await.unwrap();
        s.resolution.relay().run_once().await.unwrap();
        s.feedback.relay().run_once().await.unwrap();
        s.notification.sender().run_once().await.unwrap();
    };
    // Polls until the trace is whole: flush, look, drive the workers again.
    let whole = |trace_id: &'static str, entry: &'static str, services: &'static [&'static str], sent: usize| {
        let (receiver, telemetry, drive) = (&receiver, &telemetry, &drive);
        async move {
            let ok = eventually(WAIT, || async move {
                drive().await;
                telemetry.flush();
                problems(&receiver.trace(trace_id), entry, services, sent).is_empty()
            })
            .await;
            let spans = receiver.trace(trace_id);
            let shape: Vec<_> = spans.iter().map(|s| (s.service.clone(), s.name().to_owned())).collect();
            assert!(ok, "trace {trace_id}: {:?}\n{shape:#?}", problems(&spans, entry, services, sent));
        }
    };

    // 1. The casino files the complaint: intake, then resolution opens the
    // case, notification acknowledges by e-mail, feedback counts it.
    let complaint = s
        .intake()
        .submit_complaint(with_trace(
            SubmitComplaintRequest {
                request_id: "otel-1".into(),
                player: Some(Player {
                    player_id: "p-otel".into(),
                    display_name: NAME.into(),
                    email: EMAIL.into(),
                    language_code: "pl".into(),
                    jurisdiction: "PL".into(),
                    preferred_channel: Channel::Email.into(),
                    ..Default::default()
                }),
                transaction_references: Some(TransactionReferences {
                    withdrawal_id: "W-otel".into(),
                    ..Default::default()
                }),
                category: ComplaintCategory::Withdrawal.into(),
                subject: SUBJECT.into(),
                description: DESCRIPTION.into(),
                channel: Channel::Email.into(),
                ..Default::default()
            },
            &casino,
            ids.filed,
        ))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();
    whole(ids.filed, "SubmitComplaint", &["intake", "resolution", "notification", "feedback"], 1).await;

    // 2. An agent resolves the case: intake shows it, the player gets the
    // final response, feedback records the outcome and sends the survey.
    let case = s
        .resolution()
        .list_cases(authed(ListCasesRequest { complaint: complaint.name.clone(), ..Default::default() }, &agent))
        .await
        .unwrap()
        .into_inner()
        .cases
        .remove(0);
    s.resolution()
        .resolve_case(with_trace(
            ResolveCaseRequest {
                name: case.name.clone(),
                request_id: "otel-resolve".into(),
                outcome: Outcome::Upheld.into(),
                root_cause: RootCause::PaymentProviderFailure.into(),
                final_response: "Wypłata została zrealizowana ponownie.".into(),
                etag: case.etag.clone(),
                ..Default::default()
            },
            &agent,
            ids.resolved,
        ))
        .await
        .unwrap();
    // The final response and the survey invitation: two e-mails.
    whole(ids.resolved, "ResolveCase", &["resolution", "intake", "notification", "feedback"], 2).await;

    // 3. The player answers the survey, poorly: the case is flagged back.
    let token = survey_token(&s.emails()).expect("a survey invitation");
    s.feedback()
        .submit_survey_response(with_trace(
            SubmitSurveyResponseRequest {
                token,
                request_id: "otel-answer".into(),
                answer: Some(SurveyAnswer {
                    csat: 2,
                    problem_solved: ProblemSolved::No.into(),
                    fairness: 2,
                    comment: COMMENT.into(),
                    ..Default::default()
                }),
            },
            &casino,
            ids.answered,
        ))
        .await
        .unwrap();
    whole(ids.answered, "SubmitSurveyResponse", &["feedback", "resolution"], 0).await;

    drive().await;
    s.shutdown().await;
    telemetry.flush();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_complaint_is_one_trace_per_step_from_the_request_to_the_email() {
    let receiver = Receiver::start().await;
    let logs = Logs::default();
    let mut options = Options::new(
        "redress-e2e",
        &LogConfig {
            level: "info,redress_intake=debug,redress_resolution=debug,redress_notification=debug,\
                    redress_feedback=debug,redress_outbox=debug,redress_telemetry=debug"
                .into(),
            format: LogFormat::Json,
        },
    );
    options.services = ["intake", "resolution", "notification", "feedback"].map(String::from).to_vec();
    options.otlp_endpoint = Some(receiver.endpoint());
    let writer = logs.clone();
    options.log_writer = Some(tracing_subscriber::fmt::writer::BoxMakeWriter::new(move || writer.clone()));
    let telemetry = redress_telemetry::init_with(options);

    steps(Backend::Sqlite, &receiver, &telemetry, &ON_SQLITE).await;
    let mut runs = vec![&ON_SQLITE];
    if redress_testkit::postgres_skipped() {
        eprintln!("SKIPPED (REDRESS_TEST_POSTGRES=skip): the PostgreSQL run");
    } else {
        steps(Backend::Postgres, &receiver, &telemetry, &ON_POSTGRES).await;
        runs.push(&ON_POSTGRES);
    }

    let spans = receiver.spans();
    // Health checks are not traced; the exporter does not trace itself.
    assert!(
        !spans.iter().any(|s| s.name().contains("grpc.health") || s.name().contains("opentelemetry")),
        "{:?}",
        spans.iter().map(ExportedSpan::name).collect::<Vec<_>>()
    );
    let canaries = [NAME, EMAIL, DESCRIPTION, SUBJECT, COMMENT, "Zofia", "zofia", "Kanar"];
    for span in &spans {
        for text in span.texts() {
            for canary in canaries {
                assert!(!text.contains(canary), "span {} exports {canary:?}: {text:?}", span.name());
            }
        }
    }

    // Metrics, over OTLP and on the scrape endpoint: the new instruments are
    // there, and no label carries personal data.
    let points = receiver.metric_points();
    for metric in [
        "rpc.server.duration",
        "redress.outbox.deliveries",
        "redress.notification.deliveries",
        "redress.notification.delivery.latency",
        "redress.feedback.survey.responses",
        "db.client.connection.count",
        "db.client.connection.wait_time",
    ] {
        assert!(points.iter().any(|p| p.metric == metric), "{metric} not exported");
    }
    assert!(
        points.iter().any(|p| p.metric == "redress.notification.deliveries"
            && p.labels.contains(&("channel".into(), "email".into()))
            && p.labels.contains(&("result".into(), "accepted".into()))),
        "{points:?}"
    );
    let prometheus = redress_telemetry::metrics::prometheus_text();
    for point in &points {
        for (key, value) in &point.labels {
            for canary in canaries {
                assert!(!key.contains(canary) && !value.contains(canary), "{} label {key}={value}", point.metric);
            }
        }
    }
    for canary in canaries {
        assert!(!prometheus.contains(canary), "the scrape endpoint shows {canary:?}");
    }

    // Logs: trace ids on the sender's lines, no personal data anywhere.
    let lines = logs.lines();
    assert!(!lines.is_empty());
    for line in &lines {
        for canary in canaries {
            assert!(!line.contains(canary), "a log line carries {canary:?}: {line}");
        }
    }
    let delivered: Vec<&String> = lines.iter().filter(|l| l.contains("\"notification delivered\"")).collect();
    for ids in runs {
        assert!(
            delivered.iter().any(|l| l.contains(ids.filed)),
            "the sender's log line names the trace: {delivered:#?}"
        );
        let access = lines.iter().find(|l| l.contains("redress::access") && l.contains(ids.filed));
        assert!(access.is_some_and(|l| l.contains("SubmitComplaint")), "no access line of {}", ids.filed);
    }
}
