//! Intake's domain: pure rules with no I/O. Validation, triage, and what the
//! player-facing status allows. The deadline policy is `redress_policy`.

pub mod case_update;
pub mod erasure;
pub mod export;
pub mod history;
pub mod triage;
pub mod validate;

use redress_proto::common::v1::{Channel, ComplaintCategory, ComplaintStatus, Player, TransactionReferences};

/// The player as filed: the jurisdiction upper-cased (policies are keyed by
/// ISO code), the preferred channel defaulting to the one they used.
pub fn filing_player(mut player: Player, channel: i32) -> Player {
    player.jurisdiction = player.jurisdiction.to_ascii_uppercase();
    if player.preferred_channel == Channel::Unspecified as i32 {
        player.preferred_channel = channel;
    }
    player
}

/// The category whose required transaction references a filing must carry:
/// the one the caller chose. An inferred category must not reject a
/// free-text e-mail complaint, so without one only `OTHER`'s (none) apply.
pub fn references_category(given: ComplaintCategory) -> ComplaintCategory {
    if given == ComplaintCategory::Unspecified { ComplaintCategory::Other } else { given }
}

/// The human reference of the `sequence`-th complaint of a tenant in `year`,
/// e.g. `RDR-2026-000123`.
pub fn reference(prefix: &str, year: i32, sequence: i64) -> String {
    format!("{prefix}-{year}-{sequence:06}")
}

/// The key that finds duplicates: the most specific transaction reference
/// the complaint names, or `None` when it names none.
pub fn duplicate_key(refs: &TransactionReferences) -> Option<String> {
    [
        ("withdrawal", &refs.withdrawal_id),
        ("deposit", &refs.deposit_id),
        ("bet", &refs.bet_id),
        ("round", &refs.round_id),
        ("bonus", &refs.bonus_id),
        ("kyc", &refs.kyc_case_id),
    ]
    .into_iter()
    .find(|(_, id)| !id.trim().is_empty())
    .map(|(kind, id)| format!("{kind}:{}", id.trim()))
}

/// True while the complaint is still being handled (duplicates link to it).
pub fn is_open(status: ComplaintStatus) -> bool {
    !matches!(
        status,
        ComplaintStatus::Resolved | ComplaintStatus::Closed | ComplaintStatus::Withdrawn | ComplaintStatus::Unspecified
    )
}

/// True when the player may still withdraw.
pub fn can_withdraw(status: ComplaintStatus) -> bool {
    matches!(
        status,
        ComplaintStatus::Received
            | ComplaintStatus::InProgress
            | ComplaintStatus::AwaitingPlayer
            | ComplaintStatus::ResolutionProposed
    )
}

/// True when the player may still write about the complaint.
pub fn accepts_messages(status: ComplaintStatus) -> bool {
    !matches!(status, ComplaintStatus::Withdrawn | ComplaintStatus::Closed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_zero_padded_per_year() {
        assert_eq!(reference("RDR", 2026, 123), "RDR-2026-000123");
    }

    #[test]
    fn the_withdrawal_id_is_the_strongest_duplicate_key() {
        let refs = TransactionReferences { withdrawal_id: "w-1".into(), bet_id: "b-1".into(), ..Default::default() };
        assert_eq!(duplicate_key(&refs).as_deref(), Some("withdrawal:w-1"));
        assert_eq!(duplicate_key(&TransactionReferences::default()), None);
    }

    #[test]
    fn a_filing_player_is_keyed_by_jurisdiction_code_and_reachable_where_they_wrote() {
        let player =
            filing_player(Player { jurisdiction: "gb".into(), ..Default::default() }, Channel::LiveChat as i32);
        assert_eq!(player.jurisdiction, "GB");
        assert_eq!(player.preferred_channel, Channel::LiveChat as i32);
        let email = Player { preferred_channel: Channel::Email as i32, ..Default::default() };
        assert_eq!(filing_player(email, Channel::Phone as i32).preferred_channel, Channel::Email as i32);
    }

    #[test]
    fn only_a_chosen_category_demands_its_references() {
        assert_eq!(references_category(ComplaintCategory::Withdrawal), ComplaintCategory::Withdrawal);
        assert_eq!(references_category(ComplaintCategory::Unspecified), ComplaintCategory::Other);
    }

    #[test]
    fn withdrawal_ends_with_the_final_answer() {
        assert!(can_withdraw(ComplaintStatus::InProgress));
        assert!(!can_withdraw(ComplaintStatus::Resolved));
        assert!(!can_withdraw(ComplaintStatus::Withdrawn));
    }
}
