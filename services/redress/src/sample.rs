//! A valid `SubmitComplaint` request: the payload the `bench` sends and the
//! JSON of the grpcurl example `dev` prints, built from one definition so the
//! two never drift apart.

use redress_proto::{
    common::v1::{Channel, ComplaintCategory, ComplaintKind, Player, Priority, TransactionReferences},
    intake::v1::SubmitComplaintRequest,
    resolution::v1::OpenCaseRequest,
};
use serde::Serialize;

/// A withdrawal complaint by `player_id` about `withdrawal_id`.
pub fn submit_request(request_id: &str, player_id: &str, withdrawal_id: &str) -> SubmitComplaintRequest {
    SubmitComplaintRequest {
        request_id: request_id.to_owned(),
        player: Some(Player {
            player_id: player_id.to_owned(),
            display_name: "Anna".to_owned(),
            email: "anna.kowalska@example.pl".to_owned(),
            language_code: "pl".to_owned(),
            jurisdiction: "PL".to_owned(),
            preferred_channel: Channel::Email as i32,
            ..Player::default()
        }),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: withdrawal_id.to_owned(),
            ..TransactionReferences::default()
        }),
        category: ComplaintCategory::Withdrawal as i32,
        subject: "Wypłata nie dotarła".to_owned(),
        description: "Zleciłam wypłatę 1200 PLN tydzień temu i nadal nie dotarła na moje konto.".to_owned(),
        channel: Channel::Email as i32,
        ..SubmitComplaintRequest::default()
    }
}

/// The OpenCase intake's relay sends for `submitted` once it is stored as
/// `complaints/{complaint_id}` (triage's priority and kind for a plain
/// withdrawal; the deadlines left to resolution's policy).
pub fn open_case_request(complaint_id: &str, submitted: &SubmitComplaintRequest) -> OpenCaseRequest {
    OpenCaseRequest {
        complaint: format!("complaints/{complaint_id}"),
        complaint_reference: format!("BENCH-{complaint_id}"),
        player: submitted.player.clone(),
        transaction_references: submitted.transaction_references.clone(),
        category: submitted.category,
        priority: Priority::Normal as i32,
        kind: ComplaintKind::Complaint as i32,
        channel: submitted.channel,
        subject: submitted.subject.clone(),
        description: submitted.description.clone(),
        ..OpenCaseRequest::default()
    }
}

/// The proto3 JSON form of a request built by [`submit_request`] (the fields
/// it sets, in proto order), as grpcurl and other JSON clients take it.
pub fn to_json(request: &SubmitComplaintRequest) -> String {
    let player = request.player.clone().unwrap_or_default();
    let refs = request.transaction_references.clone().unwrap_or_default();
    let json = JsonRequest {
        request_id: &request.request_id,
        player: JsonPlayer {
            player_id: &player.player_id,
            display_name: &player.display_name,
            email: &player.email,
            language_code: &player.language_code,
            jurisdiction: &player.jurisdiction,
            preferred_channel: channel_name(player.preferred_channel),
        },
        transaction_references: JsonReferences { withdrawal_id: &refs.withdrawal_id },
        category: category_name(request.category),
        subject: &request.subject,
        description: &request.description,
        channel: channel_name(request.channel),
    };
    // Serialising plain strings cannot fail.
    serde_json::to_string(&json).unwrap_or_default()
}

#[derive(Serialize)]
struct JsonRequest<'a> {
    request_id: &'a str,
    player: JsonPlayer<'a>,
    transaction_references: JsonReferences<'a>,
    category: &'static str,
    subject: &'a str,
    description: &'a str,
    channel: &'static str,
}

#[derive(Serialize)]
struct JsonPlayer<'a> {
    player_id: &'a str,
    display_name: &'a str,
    email: &'a str,
    language_code: &'a str,
    jurisdiction: &'a str,
    preferred_channel: &'static str,
}

#[derive(Serialize)]
struct JsonReferences<'a> {
    withdrawal_id: &'a str,
}

fn channel_name(value: i32) -> &'static str {
    Channel::try_from(value).unwrap_or(Channel::Unspecified).as_str_name()
}

fn category_name(value: i32) -> &'static str {
    ComplaintCategory::try_from(value).unwrap_or(ComplaintCategory::Unspecified).as_str_name()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_json_carries_the_enum_names_and_every_required_field() {
        let request = submit_request("req-1", "player-1", "wd-1");
        let text = to_json(&request);
        assert!(text.starts_with(r#"{"request_id":"req-1","player":{"player_id":"player-1""#), "{text}");
        // Single quotes would break the shell quoting of the grpcurl example.
        assert!(!text.contains('\''));
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["request_id"], "req-1");
        assert_eq!(json["player"]["player_id"], "player-1");
        assert_eq!(json["player"]["language_code"], "pl");
        assert_eq!(json["player"]["jurisdiction"], "PL");
        assert_eq!(json["player"]["preferred_channel"], "CHANNEL_EMAIL");
        assert_eq!(json["transaction_references"]["withdrawal_id"], "wd-1");
        assert_eq!(json["category"], "COMPLAINT_CATEGORY_WITHDRAWAL");
        assert_eq!(json["channel"], "CHANNEL_EMAIL");
        assert!(!json["subject"].as_str().unwrap_or_default().is_empty());
        assert!(!json["description"].as_str().unwrap_or_default().is_empty());
    }
}
