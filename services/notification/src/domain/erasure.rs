//! Pseudonymising a notification for an erasure of its player's data: the
//! recipient's name and address, the variables and the rendered text go;
//! the event, purpose, channel, state, attempts and times stay as proof of
//! what was sent when.

use redress_db::erasure::ERASED;
use redress_proto::{
    common::v1::Player,
    notification::v1::notification::{State, SuppressionReason},
};

/// What an erasure makes of a notification in `state` that was not
/// delivered yet (pending, retrying or a dead letter waiting for a
/// redrive): suppressed, as there is no address to send to any more.
/// `None` for a delivered or suppressed one, which stays as it is.
pub fn erase_unsent(state: State) -> Option<(State, SuppressionReason)> {
    matches!(state, State::Pending | State::Retrying | State::DeadLetter)
        .then_some((State::Suppressed, SuppressionReason::PlayerDataErased))
}

/// The recipient without name and address (id, language, jurisdiction,
/// channel and flags stay); returns it and the values removed.
pub fn erase_recipient(recipient: &Player) -> (Player, Vec<String>) {
    let mut kept = recipient.clone();
    let found = [std::mem::take(&mut kept.display_name), std::mem::take(&mut kept.email)]
        .into_iter()
        .filter(|v| !v.is_empty())
        .collect();
    (kept, found)
}

/// The string values of a stored JSON object of variables (what erasure
/// searches stored copies for).
pub fn variable_values(json: &str) -> Vec<String> {
    let map: std::collections::BTreeMap<String, String> = serde_json::from_str(json).unwrap_or_default();
    map.into_values().collect()
}

/// Erased text: kept empty when it was, else the placeholder; the value it
/// held is added to `found`.
pub fn erase_text(text: &str, found: &mut Vec<String>) -> String {
    if text.is_empty() || text == ERASED {
        return text.to_owned();
    }
    found.push(text.to_owned());
    ERASED.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recipient_keeps_its_id_and_loses_name_and_address() {
        let p = Player {
            player_id: "p-1".into(),
            display_name: "CANARY".into(),
            email: "canary@example.com".into(),
            language_code: "en".into(),
            ..Default::default()
        };
        let (kept, found) = erase_recipient(&p);
        assert_eq!((kept.player_id.as_str(), kept.language_code.as_str()), ("p-1", "en"));
        assert!(kept.display_name.is_empty() && kept.email.is_empty());
        assert_eq!(found, ["CANARY", "canary@example.com"]);
    }

    #[test]
    fn what_was_not_sent_is_never_sent_and_what_was_stays_as_proof() {
        for state in [State::Pending, State::Retrying, State::DeadLetter] {
            assert_eq!(erase_unsent(state), Some((State::Suppressed, SuppressionReason::PlayerDataErased)));
        }
        assert_eq!(erase_unsent(State::Delivered), None);
        assert_eq!(erase_unsent(State::Suppressed), None);
    }

    #[test]
    fn variables_and_texts_are_found_and_replaced() {
        assert_eq!(variable_values(r#"{"a":"x1","b":"CANARY"}"#), ["x1", "CANARY"]);
        assert!(variable_values("not json").is_empty());
        let mut found = Vec::new();
        assert_eq!(erase_text("Dear CANARY", &mut found), ERASED);
        assert_eq!(erase_text("", &mut found), "");
        assert_eq!(erase_text(ERASED, &mut found), ERASED);
        assert_eq!(found, ["Dear CANARY"]);
    }
}
