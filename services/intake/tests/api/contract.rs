//! The error contract as a client meets it, identical on SQLite and
//! PostgreSQL: one text rule for every field, filters that never drop in
//! silence, and echoes of client input that stay small.

use prost_types::Timestamp;
use redress_proto::intake::v1::{GetComplaintRequest, ListComplaintsRequest};
use redress_testkit::{TestDb, backend_tests, violated_fields};
use tonic::Code;

use crate::helpers::{TestIntake, withdrawal_complaint};

async fn control_characters_and_invisible_text_are_refused_the_same_way_on_both_backends(db: TestDb) {
    let t = TestIntake::start(&db).await;
    let mut client = t.client.clone();

    // NUL in the subject and the player id: INTERNAL on PostgreSQL and stored
    // on SQLite before; now INVALID_ARGUMENT naming both fields.
    let mut nul = withdrawal_complaint("req-nul", "player\0-1", "wd-1");
    nul.subject = "Withdrawal\0 missing".into();
    let status = client.submit_complaint(t.req(nul)).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(violated_fields(&status), ["player.player_id", "subject"]);

    // A line break in a one-line field; an escape sequence in a name.
    let mut lines = withdrawal_complaint("req-lines", "player-1", "wd-1");
    lines.subject = "Subject\r\nBcc: everyone@example.com".into();
    lines.player.as_mut().unwrap().display_name = "Anna\u{1b}[2J".into();
    let status = client.submit_complaint(t.req(lines)).await.unwrap_err();
    assert_eq!(violated_fields(&status), ["player.display_name", "subject"]);

    // Text of zero-width and bidi characters only is empty.
    let mut invisible = withdrawal_complaint("req-invisible", "player-1", "wd-1");
    invisible.subject = "\u{200B}\u{202E}\u{FEFF}".into();
    let status = client.submit_complaint(t.req(invisible)).await.unwrap_err();
    assert_eq!(violated_fields(&status), ["subject"]);

    // Line breaks and tabs in the description are fine.
    let mut fine = withdrawal_complaint("req-fine", "player-1", "wd-1");
    fine.description = "Line one\nline two\twith a tab\r\nand windows line ends".into();
    assert!(client.submit_complaint(t.req(fine)).await.is_ok());
    t.intake.shutdown().await;
}

async fn out_of_range_filter_timestamps_are_invalid_argument_not_ignored(db: TestDb) {
    let t = TestIntake::start(&db).await;
    let mut client = t.client.clone();
    client.submit_complaint(t.req(withdrawal_complaint("req-1", "player-1", "wd-1"))).await.unwrap();
    let far = ListComplaintsRequest {
        create_time_start: Some(Timestamp { seconds: 1 << 62, nanos: 0 }),
        create_time_end: Some(Timestamp { seconds: 0, nanos: -1 }),
        ..Default::default()
    };
    let status = client.list_complaints(t.req(far)).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&status), ["create_time_end", "create_time_start"]);
    let unknown = ListComplaintsRequest { status: 99, ..Default::default() };
    let status = client.list_complaints(t.req(unknown)).await.unwrap_err();
    assert_eq!(violated_fields(&status), ["status"]);
    t.intake.shutdown().await;
}

async fn a_huge_echoed_name_gives_small_trailers(db: TestDb) {
    let t = TestIntake::start(&db).await;
    let mut client = t.client.clone();
    let name = format!("complaints/{}", "x".repeat(10_000));
    let status = client.get_complaint(t.req(GetComplaintRequest { name })).await.unwrap_err();
    assert!(matches!(status.code(), Code::NotFound | Code::InvalidArgument), "{status:?}");
    assert!(status.message().len() < 1024, "message of {} bytes", status.message().len());
    assert!(status.details().len() < 4096, "details of {} bytes", status.details().len());
    t.intake.shutdown().await;
}

async fn another_services_api_on_this_port_names_the_service_that_serves_it(db: TestDb) {
    use redress_proto::feedback::v1::{GetSurveyRequest, feedback_service_client::FeedbackServiceClient};
    let t = TestIntake::start(&db).await;
    let mut feedback = FeedbackServiceClient::new(redress_testkit::channel(t.intake.local_addr()));
    let status = feedback.get_survey(t.req(GetSurveyRequest { token: "t".into() })).await.unwrap_err();
    assert_eq!(status.code(), Code::Unimplemented);
    assert_eq!(
        status.message(),
        "redress.feedback.v1.FeedbackService is not served here; it is served by the feedback service"
    );
    t.intake.shutdown().await;
}

backend_tests!(
    another_services_api_on_this_port_names_the_service_that_serves_it,
    control_characters_and_invisible_text_are_refused_the_same_way_on_both_backends,
    out_of_range_filter_timestamps_are_invalid_argument_not_ignored,
    a_huge_echoed_name_gives_small_trailers,
);
