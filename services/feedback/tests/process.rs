//! The `redress-feedback` binary: `migrate` applies the schema and exits;
//! `serve` reads its TOML file and `REDRESS_FEEDBACK__…` variables and serves.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{net::SocketAddr, process::Command, time::Duration};

use redress_auth::Role;
use redress_proto::{
    common::v1::{Outcome, Player},
    feedback::v1::{
        GetInsightsRequest, RecordCaseOutcomeRequest, feedback_internal_service_client::FeedbackInternalServiceClient,
        feedback_service_client::FeedbackServiceClient,
    },
};
use redress_testkit::{ServiceProcess, TEST_SECRET, TestDb, authed, backend_tests, free_port, token};

fn command(db: &TestDb, addr: SocketAddr, config: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_redress-feedback"));
    command
        .arg("--config")
        .arg(config)
        .env("REDRESS_FEEDBACK__SERVER__LISTEN", addr.to_string())
        .env("REDRESS_FEEDBACK__DATABASE__URL", db.config.url.expose())
        .env("REDRESS_FEEDBACK__DATABASE__MIGRATE_ON_START", "false")
        .env("REDRESS_FEEDBACK__AUTH__HS256_SECRET", TEST_SECRET)
        .env("RUST_LOG", "warn");
    command
}

async fn migrate_then_serve_with_tenant_settings_from_the_file(db: TestDb) {
    let addr = free_port();
    let path = std::env::temp_dir().join(format!("feedback-{}.toml", addr.port()));
    std::fs::write(&path, "[defaults]\nsurvey_expire_days = 3\n").unwrap();
    let migrate = command(&db, addr, &path).arg("migrate").output().unwrap();
    assert!(migrate.status.success(), "migrate failed: {:?}", migrate);

    let mut serve = command(&db, addr, &path);
    serve.arg("serve");
    let mut feedback = ServiceProcess::spawn(serve);
    feedback.serving(addr, Duration::from_secs(30)).await;
    let mut client = FeedbackServiceClient::new(redress_testkit::channel(addr));
    let analyst = token("casino-a", &[Role::Analyst]);
    client.get_insights(authed(GetInsightsRequest::default(), &analyst)).await.unwrap();

    let mut internal = FeedbackInternalServiceClient::new(redress_testkit::channel(addr));
    let request = RecordCaseOutcomeRequest {
        case: "cases/k-1".into(),
        complaint: "complaints/c-1".into(),
        player: Some(Player { player_id: "p-1".into(), ..Default::default() }),
        outcome: Outcome::Upheld.into(),
        resolve_time: Some(prost_types::Timestamp { seconds: chrono::Utc::now().timestamp(), nanos: 0 }),
        ..Default::default()
    };
    let survey = internal
        .record_case_outcome(authed(request, &token("casino-a", &[Role::Service])))
        .await
        .unwrap()
        .into_inner()
        .survey
        .unwrap();
    let lifetime = survey.expire_time.unwrap().seconds - survey.create_time.unwrap().seconds;
    assert_eq!(lifetime, 3 * 86_400, "the file's survey_expire_days applies");
    assert_eq!(survey.language_code, "en", "the tenant default language for a player without one");
    feedback.kill();
    let _ = std::fs::remove_file(path);
}

backend_tests!(migrate_then_serve_with_tenant_settings_from_the_file);
