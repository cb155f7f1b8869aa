//! Intake's domain: pure rules with no I/O. Validation, triage, and what the
//! player-facing status allows. The deadline policy is `redress_policy`.

pub mod triage;
pub mod validate;

use redress_proto::common::v1::{ComplaintStatus, TransactionReferences};

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
    fn withdrawal_ends_with_the_final_answer() {
        assert!(can_withdraw(ComplaintStatus::InProgress));
        assert!(!can_withdraw(ComplaintStatus::Resolved));
        assert!(!can_withdraw(ComplaintStatus::Withdrawn));
    }
}
