//! The operator CLI against the real platform (`redress_e2e::Sandbox`, on
//! SQLite and PostgreSQL): command lines are parsed as a shell would pass
//! them and run through the SDK, checking what they print and how they exit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use clap::Parser;
use redress_auth::Role;
use redress_e2e::Sandbox;
use redress_testkit::{TestDb, backend_tests, eventually};
use serde_json::Value;

use crate::{Cli, Command, case, complaints, insights, notifications, player, queues, remote, webhooks};

const WAIT: Duration = Duration::from_secs(25);

/// Runs `redress <words>` against the sandbox as a caller with `roles`:
/// what it printed and its exit code, or the error's exit code.
async fn redress(s: &Sandbox, roles: &[Role], words: &[&str]) -> Result<(String, u8), (String, u8)> {
    let token = s.token(roles);
    let endpoints = [
        format!("--intake=http://{}", s.intake.local_addr()),
        format!("--resolution=http://{}", s.resolution.local_addr()),
        format!("--notification=http://{}", s.notification.local_addr()),
        format!("--feedback=http://{}", s.feedback.local_addr()),
        format!("--token={token}"),
        "--timeout-secs=10".to_owned(),
    ];
    let argv = std::iter::once("redress").chain(words.iter().copied()).chain(endpoints.iter().map(String::as_str));
    let cli = Cli::try_parse_from(argv).map_err(|e| (e.to_string(), remote::exit::USAGE))?;
    let result = match &cli.command {
        Command::Complaints(args) => complaints::execute(args).await,
        Command::Cases(args) => case::execute(args).await,
        Command::Notifications(args) => notifications::execute(args).await,
        Command::Insights(args) => insights::execute(args).await,
        Command::Player(args) => player::execute(args).await,
        Command::Webhooks(args) => webhooks::execute(args).await,
        Command::Queues(args) => queues::execute(args).await,
        other => panic!("not an operator command: {other:?}"),
    };
    result.map_err(|err| (format!("{err:#}"), remote::exit_code(&err)))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

async fn operators_drive_a_complaint_through_the_cli(db: TestDb) {
    let s = Sandbox::start(db.backend).await;
    let backend = [Role::Backend];
    let agent = [Role::Agent];
    let supervisor = [Role::Supervisor];

    let (text, code) = redress(
        &s,
        &backend,
        &[
            "complaints",
            "submit",
            "--player",
            "p-cli",
            "--jurisdiction",
            "GB",
            "--email",
            "p-cli@example.co.uk",
            "--category",
            "withdrawal",
            "--channel",
            "live-chat",
            "--subject",
            "Withdrawal missing",
            "--description",
            "My withdrawal of 300 GBP has not arrived.",
            "--withdrawal",
            "W-cli",
            "--output",
            "json",
        ],
    )
    .await
    .unwrap();
    assert_eq!(code, 0);
    let filed = json(&text);
    let name = filed["name"].as_str().unwrap().to_owned();
    assert_eq!(filed["replayed"], false);
    assert!(filed["reference"].as_str().unwrap().starts_with("RDR-"), "{text}");

    let (text, _) = redress(&s, &backend, &["complaints", "show", &name]).await.unwrap();
    assert!(text.contains(&format!("name          {name}")), "{text}");
    let (text, _) =
        redress(&s, &backend, &["complaints", "list", "--player", "p-cli", "--output", "json"]).await.unwrap();
    assert_eq!(json(&text).as_array().unwrap().len(), 1, "{text}");

    // The case appears in the queue once intake's outbox delivers it.
    let queue = || async {
        redress(&s, &agent, &["cases", "queue", "--complaint", &name, "--output", "json"])
            .await
            .ok()
            .and_then(|(text, _)| json(&text).as_array().and_then(|a| a.first().cloned()))
    };
    assert!(eventually(WAIT, || async { queue().await.is_some() }).await, "no case in the queue");
    let case = queue().await.unwrap()["name"].as_str().unwrap().to_owned();

    let (text, _) = redress(&s, &supervisor, &["cases", "assign", &case, "--to", "agent-7"]).await.unwrap();
    assert!(text.contains("agent-7"), "{text}");
    redress(&s, &agent, &["cases", "respond", &case, "--body", "We are looking into it."]).await.unwrap();
    let (text, _) = redress(
        &s,
        &agent,
        &[
            "cases",
            "propose",
            &case,
            "--type",
            "goodwill",
            "--amount",
            "25",
            "--currency",
            "GBP",
            "--message",
            "A goodwill payment of 25 GBP.",
        ],
    )
    .await
    .unwrap();
    assert!(text.contains("RESOLUTION_PROPOSED"), "{text}");
    let (text, _) = redress(
        &s,
        &agent,
        &[
            "cases",
            "resolve",
            &case,
            "--outcome",
            "partially-upheld",
            "--root-cause",
            "payment-provider-failure",
            "--response",
            "The payment provider failed; the withdrawal has been sent again.",
            "--adr-body",
            "IBAS",
        ],
    )
    .await
    .unwrap();
    assert!(text.contains("RESOLVED"), "{text}");
    let (text, _) = redress(&s, &agent, &["cases", "events", &case]).await.unwrap();
    assert!(text.contains("CASE_OPENED") && text.contains("event(s)"), "{text}");
    let (text, code) = redress(&s, &supervisor, &["cases", "verify", &case]).await.unwrap();
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("history intact"), "{text}");

    // The player's side: the status changes reach intake's history.
    let followed = eventually(WAIT, || async {
        redress(&s, &backend, &["complaints", "history", &name]).await.is_ok_and(|(t, _)| t.contains("STATUS_CHANGED"))
    })
    .await;
    assert!(followed, "no status change in the complaint's history");
    let notified = eventually(WAIT, || async {
        redress(&s, &supervisor, &["notifications", "list", "--complaint", &name, "--output", "json"])
            .await
            .is_ok_and(|(t, _)| !json(&t).as_array().unwrap().is_empty())
    })
    .await;
    assert!(notified, "no notification for the complaint");
    let (text, _) = redress(&s, &supervisor, &["notifications", "dead-letters"]).await.unwrap();
    assert_eq!(text, "(none)\n");
    let counted = eventually(WAIT, || async {
        redress(&s, &[Role::Analyst], &["insights", "show", "--output", "json"])
            .await
            .is_ok_and(|(t, _)| json(&t)["submitted"].as_i64().unwrap_or(0) >= 1)
    })
    .await;
    assert!(counted, "the complaint never reached the insights");
    let (_, code) = redress(&s, &[Role::Analyst], &["insights", "recurring-problems"]).await.unwrap();
    assert_eq!(code, 0);

    // Failures exit by class.
    let (text, code) = redress(&s, &backend, &["complaints", "show", "complaints/no-such"]).await.unwrap_err();
    assert_eq!(code, remote::exit::NOT_FOUND, "{text}");
    let (text, code) = redress(&s, &agent, &["cases", "verify", &case]).await.unwrap_err();
    assert_eq!(code, remote::exit::AUTH, "{text}");
    let (text, code) = redress(&s, &agent, &["cases", "respond", "cases/no-such", "--body", "hi"]).await.unwrap_err();
    assert_eq!(code, remote::exit::NOT_FOUND, "{text}");
    let (text, code) = redress(
        &s,
        &backend,
        &["complaints", "submit", "--player", "", "--jurisdiction", "GB", "--subject", "s", "--description", "d"],
    )
    .await
    .unwrap_err();
    assert_eq!(code, remote::exit::INVALID, "{text}");
    assert!(text.contains("player.player_id"), "{text}");
    let (_, code) = redress(
        &s,
        &agent,
        &["cases", "resolve", &case, "--outcome", "maybe", "--root-cause", "policy", "--response", "x"],
    )
    .await
    .unwrap_err();
    assert_eq!(code, remote::exit::USAGE);

    // The player's story holds the complaint, its case and its notifications.
    let (text, code) = redress(&s, &agent, &["player", "story", "p-cli", "--output", "json"]).await.unwrap();
    assert_eq!(code, 0, "{text}");
    let story = json(&text);
    assert_eq!(story["risk"]["recent_complaints"], 1, "{text}");
    assert_eq!(story["complaints"][0]["case"], case.as_str(), "{text}");
    let (text, _) = redress(&s, &agent, &["player", "story", "p-cli"]).await.unwrap();
    assert!(text.contains("recent_complaints") && text.contains("INTERACTIONS"), "{text}");
    s.shutdown().await;
}

async fn a_backend_manages_its_webhook_endpoint_through_the_cli(db: TestDb) {
    let s = Sandbox::start(db.backend).await;
    let backend = [Role::Backend];
    let words = ["webhooks", "create", "--url", "http://127.0.0.1:1/hook", "--event", "complaint-received"];
    let (text, code) = redress(&s, &backend, &[&words[..], &["--output", "json"]].concat()).await.unwrap();
    assert_eq!(code, remote::exit::OK);
    let created = json(&text);
    let name = created["name"].as_str().unwrap().to_owned();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{text}");
    assert_eq!(created["events"], "complaint_received");
    assert_eq!(created["secret_hint"], secret[secret.len() - 4..]);

    let (text, _) = redress(&s, &backend, &["webhooks", "list", "--output", "json"]).await.unwrap();
    let listed = json(&text);
    assert_eq!(listed[0]["name"], name.as_str());
    assert!(!text.contains(&secret), "the secret is shown once");

    let (text, _) =
        redress(&s, &backend, &["webhooks", "rotate", &name, "--overlap", "0", "--output", "json"]).await.unwrap();
    let rotated = json(&text);
    assert_ne!(rotated["secret"], secret.as_str());
    assert_eq!(rotated["previous_secret_expires"], "");

    let (text, _) =
        redress(&s, &backend, &["webhooks", "update", &name, "--disable", "--output", "json"]).await.unwrap();
    assert_eq!(json(&text)["disabled"], true);

    // Nothing listens on port 1: the test send reports it, it is no error.
    let (text, code) = redress(&s, &backend, &["webhooks", "test", &name, "--output", "json"]).await.unwrap();
    assert_eq!(code, remote::exit::OK);
    assert_eq!(json(&text)["result"], "TRANSIENT_FAILURE", "{text}");

    let (_, code) = redress(&s, &[Role::Agent], &["webhooks", "get", &name]).await.unwrap_err();
    assert_eq!(code, remote::exit::AUTH);
    redress(&s, &backend, &["webhooks", "delete", &name]).await.unwrap();
    let (_, code) = redress(&s, &backend, &["webhooks", "get", &name]).await.unwrap_err();
    assert_eq!(code, remote::exit::NOT_FOUND);
    let (_, code) =
        redress(&s, &backend, &["webhooks", "create", "--url", "http://casino.example/"]).await.unwrap_err();
    assert_eq!(code, remote::exit::INVALID);
    s.shutdown().await;
}

async fn a_supervisor_manages_queues_and_availability_through_the_cli(db: TestDb) {
    let s = Sandbox::start(db.backend).await;
    let supervisor = [Role::Supervisor];
    let words = [
        "queues",
        "create",
        "malta-bonus",
        "--display-name",
        "Malta bonus desk",
        "--priority",
        "10",
        "--mode",
        "least-loaded",
        "--category",
        "bonus",
        "--jurisdiction",
        "MT",
        "--output",
        "json",
    ];
    let (text, code) = redress(&s, &supervisor, &words).await.unwrap();
    assert_eq!(code, remote::exit::OK, "{text}");
    let created = json(&text);
    assert_eq!(
        (created["name"].as_str(), created["mode"].as_str(), created["rules"].as_u64()),
        (Some("queues/malta-bonus"), Some("least_loaded"), Some(1))
    );

    let words = ["queues", "set-availability", "--capacity", "3", "--queue", "malta-bonus", "--output", "json"];
    let (text, _) = redress(&s, &supervisor, &words).await.unwrap();
    assert_eq!(json(&text)["queues"], "queues/malta-bonus", "{text}");
    let (text, _) =
        redress(&s, &supervisor, &["queues", "agents", "--queue", "malta-bonus", "--output", "json"]).await.unwrap();
    assert_eq!(json(&text)[0]["capacity"], 3, "{text}");

    let (text, _) = redress(&s, &[Role::Agent], &["queues", "list", "--output", "json"]).await.unwrap();
    assert_eq!(json(&text)[0]["open"], 0, "{text}");
    let (text, _) =
        redress(&s, &supervisor, &["queues", "update", "malta-bonus", "--mode", "round-robin", "--output", "json"])
            .await
            .unwrap();
    assert_eq!(json(&text)["mode"], "round_robin", "{text}");

    let (_, code) = redress(&s, &[Role::Agent], &["queues", "create", "x"]).await.unwrap_err();
    assert_eq!(code, remote::exit::AUTH);
    let (_, code) = redress(&s, &supervisor, &["queues", "create", "Bad Id"]).await.unwrap_err();
    assert_eq!(code, remote::exit::INVALID);
    redress(&s, &supervisor, &["queues", "delete", "malta-bonus"]).await.unwrap();
    let (_, code) = redress(&s, &supervisor, &["queues", "get", "malta-bonus"]).await.unwrap_err();
    assert_eq!(code, remote::exit::NOT_FOUND);
    s.shutdown().await;
}

async fn a_dpo_holds_and_erases_a_player_through_the_cli(db: TestDb) {
    let s = Sandbox::start(db.backend).await;
    let dpo = [Role::Dpo];
    let words = ["player", "hold", "add", "p-erase", "--reason", "ADR open", "--until", "2099-01-01T00:00:00Z"];
    let (text, code) = redress(&s, &dpo, &[&words[..], &["--output", "json"]].concat()).await.unwrap();
    assert_eq!(code, remote::exit::OK, "{text}");
    let hold = json(&text);
    let name = hold["name"].as_str().unwrap().to_owned();
    assert!(name.starts_with("players/p-erase/legalHolds/"), "{text}");
    assert_eq!(hold["state"], "ACTIVE");

    let (text, code) = redress(&s, &dpo, &["player", "erase", "p-erase"]).await.unwrap_err();
    assert_eq!(code, remote::exit::CONFLICT, "{text}");
    assert!(text.contains("LEGAL_HOLD") || text.contains("legal hold"), "{text}");
    let (text, _) = redress(&s, &dpo, &["player", "hold", "list", "p-erase", "--output", "json"]).await.unwrap();
    assert_eq!(json(&text)[0]["name"], name.as_str());
    let (text, _) = redress(&s, &dpo, &["player", "hold", "release", &name, "--reason", "closed", "--output", "json"])
        .await
        .unwrap();
    assert_eq!(json(&text)["state"], "RELEASED", "{text}");

    let (text, code) =
        redress(&s, &dpo, &["player", "erase", "p-erase", "--reason", "art. 17", "--output", "json"]).await.unwrap();
    assert_eq!(code, remote::exit::OK, "{text}");
    assert!(json(&text)["name"].as_str().unwrap().starts_with("erasures/"), "{text}");
    let (_, code) = redress(&s, &[Role::Agent], &["player", "erase", "p-erase"]).await.unwrap_err();
    assert_eq!(code, remote::exit::AUTH);
    s.shutdown().await;
}

async fn a_dpo_exports_a_players_data_to_a_file_through_the_cli(db: TestDb) {
    let s = Sandbox::start(db.backend).await;
    let words = [
        "complaints",
        "submit",
        "--player",
        "p-exp",
        "--jurisdiction",
        "GB",
        "--email",
        "p-exp@example.co.uk",
        "--category",
        "withdrawal",
        "--subject",
        "Withdrawal missing",
        "--description",
        "Not arrived.",
        "--withdrawal",
        "W-exp",
        "--output",
        "json",
    ];
    let (text, _) = redress(&s, &[Role::Backend], &words).await.unwrap();
    let complaint = json(&text)["name"].as_str().unwrap().to_owned();

    let (_, code) = redress(&s, &[Role::Agent], &["player", "export", "p-exp"]).await.unwrap_err();
    assert_eq!(code, remote::exit::AUTH);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p-exp.tar");
    let words = ["player", "export", "p-exp", "--output-file", file.to_str().unwrap(), "--output", "json"];
    let (text, code) = redress(&s, &[Role::Dpo], &words).await.unwrap();
    assert_eq!(code, remote::exit::OK, "{text}");
    let done = json(&text);
    assert_eq!(done["state"], "SUCCEEDED", "{text}");
    let archive = std::fs::read(&file).unwrap();
    assert_eq!(done["size_bytes"], archive.len(), "{text}");
    let mut paths = Vec::new();
    for entry in tar::Archive::new(archive.as_slice()).entries().unwrap() {
        paths.push(entry.unwrap().path().unwrap().to_string_lossy().into_owned());
    }
    let id = complaint.trim_start_matches("complaints/");
    assert!(paths.contains(&format!("intake/complaints/{id}.json")), "{paths:?}");
    assert_eq!(paths.last().map(String::as_str), Some("manifest.json"));

    let name = done["name"].as_str().unwrap();
    let (text, code) =
        redress(&s, &[Role::Admin], &["player", "export-status", name, "--output", "json"]).await.unwrap();
    assert_eq!(code, remote::exit::OK);
    assert_eq!(json(&text)["sha256"], done["sha256"], "{text}");
    let unknown = "exports/0190aaaa-0000-7000-8000-000000000000";
    let (_, code) = redress(&s, &[Role::Dpo], &["player", "export-status", unknown]).await.unwrap_err();
    assert_eq!(code, remote::exit::NOT_FOUND);
    s.shutdown().await;
}

backend_tests!(
    a_dpo_exports_a_players_data_to_a_file_through_the_cli,
    operators_drive_a_complaint_through_the_cli,
    a_backend_manages_its_webhook_endpoint_through_the_cli,
    a_supervisor_manages_queues_and_availability_through_the_cli,
    a_dpo_holds_and_erases_a_player_through_the_cli,
);
