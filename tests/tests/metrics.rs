//! The scrape endpoint of the running platform after real traffic: the
//! services' own metrics appear with values that match what happened.
//! Notification delivers one acknowledgment, cannot deliver another (no
//! address, no webhook: a dead letter), and fails a third while its mail
//! folder is broken (a retry); resolution's sweeper, fifteen days on, warns
//! and breaches the Polish clocks and deems the complaints accepted; the open
//! cases are counted by queue; the database pools show their size and waits.
//! (Intake's process test covers the outbox backlog rising and falling.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use redress_auth::Role;
use redress_e2e::Sandbox;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Player, TransactionReferences},
    intake::v1::SubmitComplaintRequest,
    resolution::v1::ListCasesRequest,
};
use redress_telemetry::{LogConfig, Options};
use redress_testkit::{Backend, authed, eventually};

const WAIT: Duration = Duration::from_secs(30);

/// The sum of the sample lines of `name` that carry every label in `labels`.
fn sum(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")))
        .filter(|l| labels.iter().all(|label| l.contains(label)))
        .filter_map(|l| l.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()))
        .sum()
}

fn complaint(i: usize, email: &str, preferred: Channel) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: format!("m-{i}"),
        player: Some(Player {
            player_id: format!("p-m-{i}"),
            display_name: "Jan".into(),
            email: email.into(),
            language_code: "pl".into(),
            jurisdiction: "PL".into(),
            preferred_channel: preferred.into(),
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences { withdrawal_id: format!("W-m-{i}"), ..Default::default() }),
        category: ComplaintCategory::Withdrawal.into(),
        subject: "Wypłata".into(),
        description: "Wypłata nie dotarła.".into(),
        channel: Channel::Email.into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_scrape_endpoint_shows_deliveries_deadlines_open_cases_and_pools() {
    let mut options = Options::new("redress-e2e", &LogConfig { level: "error".into(), ..Default::default() });
    options.services = ["intake", "resolution", "notification", "feedback"].map(String::from).to_vec();
    let _telemetry = redress_telemetry::init_with(options);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics = listener.local_addr().unwrap();
    tokio::spawn(redress_telemetry::metrics::serve_prometheus(listener));

    let s = Sandbox::start(Backend::Sqlite).await;
    let casino = s.token(&[Role::Backend]);
    let agent = s.token(&[Role::Agent]);
    let drive = || async {
        s.intake.relay().run_once().await.unwrap();
        s.resolution.relay().run_once().await.unwrap();
        s.notification.sender().run_once().await.unwrap();
    };
    let text = || redress_testkit::scrape_metrics(metrics);

    // One acknowledgment goes out by e-mail.
    let filed = s.intake().submit_complaint(authed(complaint(0, "jan@example.pl", Channel::Email), &casino)).await;
    let reference = filed.unwrap().into_inner().complaint.unwrap().reference;
    let sent = eventually(WAIT, || async {
        drive().await;
        s.emails().iter().any(|m| m.contains(&reference))
    })
    .await;
    assert!(sent, "no acknowledgment");

    // A player who wants a phone call and left no address: there is nowhere
    // to send the acknowledgment (the tenant has no webhook).
    s.intake().submit_complaint(authed(complaint(1, "", Channel::Phone), &casino)).await.unwrap();
    let dead = eventually(WAIT, || async {
        drive().await;
        sum(&text().await, "redress_notification_dead_letters_total", &["channel=\"phone\""]) >= 1.0
    })
    .await;
    assert!(dead, "no dead letter: {}", text().await);

    // The mail folder breaks: the next acknowledgment fails and is retried.
    std::fs::remove_dir_all(&s.mail_dir).unwrap();
    std::fs::write(&s.mail_dir, b"not a folder").unwrap();
    s.intake().submit_complaint(authed(complaint(2, "jan2@example.pl", Channel::Email), &casino)).await.unwrap();
    let retried = eventually(WAIT, || async {
        drive().await;
        sum(&text().await, "redress_notification_retries_total", &["channel=\"email\""]) >= 1.0
    })
    .await;
    std::fs::remove_file(&s.mail_dir).unwrap();
    std::fs::create_dir_all(&s.mail_dir).unwrap();
    assert!(retried, "no retry: {}", text().await);

    // Every case is open before the sweep.
    let opened = eventually(WAIT, || async {
        drive().await;
        let cases = s
            .resolution()
            .list_cases(authed(ListCasesRequest::default(), &agent))
            .await
            .map(|r| r.into_inner().cases.len())
            .unwrap_or(0);
        cases == 3
    })
    .await;
    assert!(opened, "three cases");
    // Nineteen hours on, the 24-hour acknowledgment clocks pass 75 %.
    let sweeper = s.resolution.sweeper().clone();
    sweeper.advance(chrono::Duration::hours(19));
    sweeper.run_once().await.unwrap();
    // Fifteen days on: the Polish 14-day final-response clocks are breached
    // and the complaints deemed accepted; the acknowledgments too.
    sweeper.advance(chrono::Duration::days(15));
    sweeper.run_once().await.unwrap();
    sweeper.report_open_cases().await.unwrap();
    drive().await;

    let t = text().await;
    let check = |ok: bool, what: &str| assert!(ok, "{what}:\n{t}");
    check(
        sum(&t, "redress_notification_deliveries_total", &["channel=\"email\"", "result=\"accepted\""]) >= 1.0,
        "accepted e-mail deliveries",
    );
    check(
        sum(&t, "redress_notification_deliveries_total", &["channel=\"email\"", "result=\"transient_failure\""]) >= 1.0,
        "failed e-mail deliveries",
    );
    check(
        sum(&t, "redress_notification_dead_letters_total", &["channel=\"phone\"", "reason=\"no_destination\""]) == 1.0,
        "one dead letter, no destination",
    );
    check(sum(&t, "redress_notification_delivery_latency_seconds_count", &["channel=\"email\""]) >= 1.0, "latency");
    check(sum(&t, "redress_notification_attempt_duration_seconds_count", &[]) >= 2.0, "attempt durations");
    check(
        sum(&t, "redress_resolution_deadline_breaches_total", &["jurisdiction=\"PL\"", "clock=\"final_response\""])
            == 3.0,
        "three final-response breaches",
    );
    check(
        sum(&t, "redress_resolution_deadline_breaches_total", &["jurisdiction=\"PL\"", "clock=\"acknowledge\""]) >= 1.0,
        "acknowledgment breaches",
    );
    check(
        sum(
            &t,
            "redress_resolution_deadline_warnings_total",
            &["jurisdiction=\"PL\"", "clock=\"acknowledge\"", "threshold=\"75\""],
        ) == 3.0,
        "three acknowledgment clocks past 75 %",
    );
    check(sum(&t, "redress_resolution_deemed_acceptances_total", &["jurisdiction=\"PL\""]) == 3.0, "deemed");
    check(sum(&t, "redress_resolution_cases_open", &[]) == 3.0, "three open cases");
    check(sum(&t, "redress_resolution_cases_open", &["queue=\"escalations\""]) == 3.0, "all escalated");
    check(
        sum(
            &t,
            "rpc_server_duration_milliseconds_count",
            &["rpc_method=\"SubmitComplaint\"", "rpc_grpc_status_code=\"0\""],
        ) == 3.0,
        "three submissions",
    );
    for pool in ["intake", "resolution", "notification", "feedback"] {
        let label = format!("db_client_connection_pool_name=\"{pool}\"");
        check(sum(&t, "db_client_connection_max", &[&label]) == 1.0, "SQLite pools hold one connection");
        check(sum(&t, "db_client_connection_count", &[&label]) == 1.0, "one open connection, used or idle");
    }
    check(sum(&t, "db_client_connection_wait_time_seconds_count", &[]) > 0.0, "pool waits measured");
    check(!t.contains("jan@example.pl") && !t.contains("p-m-0"), "no personal data in labels");
    s.shutdown().await;
}
