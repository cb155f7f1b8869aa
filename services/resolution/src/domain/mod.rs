//! Resolution's domain: pure rules with no I/O. The case state machine (the
//! only place that decides transitions), the clocks and the deadlines the
//! policy sets them, what opening a case decides, who may do what to a case
//! (`rules`), the regulatory returns, the hash chain of the case history,
//! and what the player sees of each state.

pub mod assignment;
pub mod business_hours;
pub mod chain;
pub mod clocks;
pub mod deadlines;
pub mod erasure;
pub mod evidence;
pub mod letters;
pub mod machine;
pub mod macros;
pub mod opening;
pub mod playbook;
pub mod returns;
pub mod routing;
pub mod rules;
pub mod staff;

use redress_proto::{
    common::v1::{ComplaintCategory, ComplaintStatus},
    resolution::v1::{CloseReason, case::State},
};

/// The queue of escalated cases when none is configured or named.
pub const DEFAULT_ESCALATION_QUEUE: &str = "escalations";
/// The actor of what the SLA sweeper does.
pub const SWEEPER: &str = "sla-sweeper";

// The one conversion of times, in the chassis.
pub use redress_errors::{from_timestamp, timestamp};

/// The states in which the case is still being handled by the casino.
pub fn is_open(state: State) -> bool {
    matches!(
        state,
        State::New | State::InProgress | State::AwaitingPlayer | State::ResolutionProposed | State::Escalated
    )
}

/// The open states, as ListCases lists them without a `states` filter.
pub const OPEN_STATES: [State; 5] =
    [State::New, State::InProgress, State::AwaitingPlayer, State::ResolutionProposed, State::Escalated];

/// The states ListCases lists when the caller names none: the open states,
/// except in the follow-up view (`follow_up_pending: true`), which lists every
/// state, since feedback flags cases after they were RESOLVED.
pub fn default_list_states(follow_up_pending: Option<bool>) -> Vec<State> {
    if follow_up_pending == Some(true) { Vec::new() } else { OPEN_STATES.to_vec() }
}

/// The status the player sees for a case state (what intake shows).
pub fn player_status(state: State, close_reason: CloseReason) -> ComplaintStatus {
    match state {
        State::Unspecified | State::New => ComplaintStatus::Received,
        State::InProgress | State::Escalated => ComplaintStatus::InProgress,
        State::AwaitingPlayer => ComplaintStatus::AwaitingPlayer,
        State::ResolutionProposed => ComplaintStatus::ResolutionProposed,
        State::Resolved => ComplaintStatus::Resolved,
        State::ReferredToAdr => ComplaintStatus::ReferredToAdr,
        State::Closed if close_reason == CloseReason::Withdrawn => ComplaintStatus::Withdrawn,
        State::Closed => ComplaintStatus::Closed,
    }
}

/// The queue a new case is routed to: harm first, then by category.
pub fn route(category: ComplaintCategory, responsible_gambling: bool) -> &'static str {
    if responsible_gambling || category == ComplaintCategory::ResponsibleGambling {
        return "responsible-gambling";
    }
    match category {
        ComplaintCategory::Withdrawal | ComplaintCategory::Deposit => "payments",
        ComplaintCategory::Verification => "kyc",
        ComplaintCategory::Bonus | ComplaintCategory::Marketing => "bonus",
        ComplaintCategory::GameMalfunction => "games",
        _ => "general",
    }
}

/// True when a complaint in this category is about a gambling transaction,
/// so it becomes a dispute when the first stage does not resolve it.
pub fn is_transactional(category: ComplaintCategory) -> bool {
    matches!(
        category,
        ComplaintCategory::Withdrawal
            | ComplaintCategory::Deposit
            | ComplaintCategory::Bonus
            | ComplaintCategory::GameMalfunction
            | ComplaintCategory::AccountClosure
            | ComplaintCategory::Verification
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_a_player_status() {
        assert_eq!(player_status(State::New, CloseReason::Unspecified), ComplaintStatus::Received);
        assert_eq!(player_status(State::Escalated, CloseReason::Unspecified), ComplaintStatus::InProgress);
        assert_eq!(player_status(State::Closed, CloseReason::Withdrawn), ComplaintStatus::Withdrawn);
        assert_eq!(player_status(State::Closed, CloseReason::Duplicate), ComplaintStatus::Closed);
        assert_eq!(player_status(State::ReferredToAdr, CloseReason::Unspecified), ComplaintStatus::ReferredToAdr);
    }

    #[test]
    fn the_follow_up_view_lists_resolved_cases() {
        assert!(default_list_states(Some(true)).is_empty(), "no state filter");
        assert_eq!(default_list_states(None), OPEN_STATES);
        assert_eq!(default_list_states(Some(false)), OPEN_STATES);
    }

    #[test]
    fn harm_routes_before_category() {
        assert_eq!(route(ComplaintCategory::Withdrawal, true), "responsible-gambling");
        assert_eq!(route(ComplaintCategory::Withdrawal, false), "payments");
        assert_eq!(route(ComplaintCategory::Other, false), "general");
    }

    #[test]
    fn timestamps_round_trip_at_microseconds() {
        use chrono::{TimeZone, Utc};
        let at = Utc.timestamp_opt(1_700_000_000, 123_456_789).single().unwrap();
        let back = from_timestamp(&timestamp(at)).unwrap();
        assert_eq!(back.timestamp_subsec_nanos(), 123_456_000);
    }
}
