//! What the interaction history says: who wrote an inbound record and the
//! text of the records the system writes for the player's actions.

use redress_proto::common::v1::{ComplaintCategory, ComplaintStatus, PlayerDecision};

/// Who wrote an inbound record: the player when the casino's backend relays
/// them, else the member of staff who captured it (phone, back office).
pub fn inbound_author(relayed_by_backend: bool, player_id: &str, subject: &str) -> String {
    if relayed_by_backend { player_id.to_owned() } else { subject.to_owned() }
}

/// The record of a player's decision on a proposed resolution.
pub fn decision_text(decision: PlayerDecision, comment: &str) -> String {
    let verb = if decision == PlayerDecision::Accept { "accepted" } else { "rejected" };
    with_reason(format!("The player {verb} the proposed resolution"), comment)
}

/// The record of a withdrawal.
pub fn withdrawal_text(reason: &str) -> String {
    with_reason("The player withdrew the complaint".to_owned(), reason)
}

/// The record of a status change.
pub fn status_change_text(from: ComplaintStatus, to: ComplaintStatus) -> String {
    format!("Status changed from {} to {}", from.as_str_name(), to.as_str_name())
}

/// The record of a recategorisation by resolution.
pub fn category_change_text(from: ComplaintCategory, to: ComplaintCategory) -> String {
    format!("Category changed from {} to {}", from.as_str_name(), to.as_str_name())
}

/// The note on the original when the same problem is reported again.
pub fn repeat_text(reference: &str, name: &str, description: &str) -> String {
    format!("Reported again as {reference} ({name}): {description}")
}

fn with_reason(text: String, reason: &str) -> String {
    if reason.is_empty() { text } else { format!("{text}: {reason}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backend_writes_as_the_player_and_staff_as_themselves() {
        assert_eq!(inbound_author(true, "p-1", "backend-svc"), "p-1");
        assert_eq!(inbound_author(false, "p-1", "agent-7"), "agent-7");
    }

    #[test]
    fn records_carry_the_players_words_when_given() {
        assert_eq!(decision_text(PlayerDecision::Accept, ""), "The player accepted the proposed resolution");
        assert_eq!(
            decision_text(PlayerDecision::Reject, "too little"),
            "The player rejected the proposed resolution: too little"
        );
        assert_eq!(withdrawal_text(""), "The player withdrew the complaint");
        assert_eq!(withdrawal_text("paid"), "The player withdrew the complaint: paid");
    }
}
