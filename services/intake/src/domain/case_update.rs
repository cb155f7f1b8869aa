//! What a case update from resolution does to the complaint the player sees.

use redress_proto::common::v1::{ComplaintCategory, ComplaintKind, ComplaintStatus, Outcome};

/// The parts of a complaint a case update may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// The status the player sees.
    pub status: ComplaintStatus,
    /// The final outcome, once there is one.
    pub outcome: Outcome,
    /// Complaint or dispute.
    pub kind: ComplaintKind,
    /// The category, as filed or as resolution last recategorised it.
    pub category: ComplaintCategory,
}

/// One case update, as resolution sends it.
#[derive(Debug, Clone, Copy)]
pub struct Update {
    /// The case event's sequence number.
    pub sequence: i64,
    /// The status the case maps to.
    pub status: ComplaintStatus,
    /// The outcome, when the update carries one.
    pub outcome: Outcome,
    /// The kind, when the update changes it.
    pub kind: ComplaintKind,
    /// The new category, when the case was recategorised.
    pub category: ComplaintCategory,
}

/// The complaint after `update`, or `None` when the update is older than
/// the last one applied (`last_sequence`): deliveries can arrive out of
/// order, and an older case event never overwrites a newer one.
pub fn apply(current: Standing, last_sequence: i64, update: Update) -> Option<Standing> {
    if update.sequence <= last_sequence {
        return None;
    }
    Some(Standing {
        // A withdrawal by the player stands; the case only closes.
        status: if current.status == ComplaintStatus::Withdrawn { current.status } else { update.status },
        outcome: if update.outcome == Outcome::Unspecified { current.outcome } else { update.outcome },
        kind: if update.kind == ComplaintKind::Unspecified { current.kind } else { update.kind },
        category: if update.category == ComplaintCategory::Unspecified { current.category } else { update.category },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: Standing = Standing {
        status: ComplaintStatus::Received,
        outcome: Outcome::Unspecified,
        kind: ComplaintKind::Complaint,
        category: ComplaintCategory::Bonus,
    };

    fn update(sequence: i64, status: ComplaintStatus) -> Update {
        Update {
            sequence,
            status,
            outcome: Outcome::Unspecified,
            kind: ComplaintKind::Unspecified,
            category: ComplaintCategory::Unspecified,
        }
    }

    #[test]
    fn an_older_or_repeated_case_event_changes_nothing() {
        assert_eq!(apply(OPEN, 3, update(3, ComplaintStatus::InProgress)), None);
        assert_eq!(apply(OPEN, 3, update(2, ComplaintStatus::InProgress)), None);
        assert_eq!(
            apply(OPEN, 3, update(4, ComplaintStatus::InProgress)).map(|s| s.status),
            Some(ComplaintStatus::InProgress)
        );
    }

    #[test]
    fn a_withdrawal_stands_while_outcome_and_kind_still_follow_the_case() {
        let withdrawn = Standing { status: ComplaintStatus::Withdrawn, ..OPEN };
        let closed =
            Update { outcome: Outcome::NotUpheld, kind: ComplaintKind::Dispute, ..update(5, ComplaintStatus::Closed) };
        assert_eq!(
            apply(withdrawn, 4, closed),
            Some(Standing {
                status: ComplaintStatus::Withdrawn,
                outcome: Outcome::NotUpheld,
                kind: ComplaintKind::Dispute,
                category: ComplaintCategory::Bonus,
            })
        );
    }

    #[test]
    fn unspecified_outcome_and_kind_keep_what_was_there() {
        let resolved = Standing { outcome: Outcome::Upheld, ..OPEN };
        let next = apply(resolved, 0, update(1, ComplaintStatus::Closed));
        assert_eq!(next.map(|s| (s.outcome, s.kind)), Some((Outcome::Upheld, ComplaintKind::Complaint)));
    }

    #[test]
    fn a_recategorisation_moves_the_complaint_and_an_older_one_does_not() {
        let moved = Update { category: ComplaintCategory::Withdrawal, ..update(2, ComplaintStatus::InProgress) };
        assert_eq!(apply(OPEN, 1, moved).map(|s| s.category), Some(ComplaintCategory::Withdrawal));
        assert_eq!(apply(OPEN, 2, moved), None);
        let plain = apply(OPEN, 1, update(2, ComplaintStatus::InProgress));
        assert_eq!(plain.map(|s| s.category), Some(ComplaintCategory::Bonus));
    }
}
