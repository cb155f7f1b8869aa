//! Pseudonymising a notification for an erasure of its player's data: the
//! recipient's name and address, the variables and the rendered text go;
//! the event, purpose, channel, state, attempts and times stay as proof of
//! what was sent when.

use redress_proto::notification::v1::notification::{State, SuppressionReason};

/// What an erasure makes of a notification in `state` that was not
/// delivered yet (pending, retrying or a dead letter waiting for a
/// redrive): suppressed, as there is no address to send to any more.
/// `None` for a delivered or suppressed one, which stays as it is.
pub fn erase_unsent(state: State) -> Option<(State, SuppressionReason)> {
    matches!(state, State::Pending | State::Retrying | State::DeadLetter)
        .then_some((State::Suppressed, SuppressionReason::PlayerDataErased))
}

/// The string values of a stored JSON object of variables (what erasure
/// searches stored copies for).
pub fn variable_values(json: &str) -> Vec<String> {
    let map: std::collections::BTreeMap<String, String> = serde_json::from_str(json).unwrap_or_default();
    map.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_not_sent_is_never_sent_and_what_was_stays_as_proof() {
        for state in [State::Pending, State::Retrying, State::DeadLetter] {
            assert_eq!(erase_unsent(state), Some((State::Suppressed, SuppressionReason::PlayerDataErased)));
        }
        assert_eq!(erase_unsent(State::Delivered), None);
        assert_eq!(erase_unsent(State::Suppressed), None);
    }

    #[test]
    fn variables_are_found() {
        assert_eq!(variable_values(r#"{"a":"x1","b":"CANARY"}"#), ["x1", "CANARY"]);
        assert!(variable_values("not json").is_empty());
    }
}
