//! The life of a delivery as rules: what an accepted notification is
//! (routing, suppression, secrets), when one may be redriven or resent, and
//! what a redrive resets. Pure, so every rule is tested without a database.

use std::collections::{BTreeMap, HashMap};

use redress_errors::ApiError;
use redress_proto::{
    common::v1::{Channel, Player},
    notification::v1::{
        MessagePurpose, NotificationEvent,
        notification::{DeadLetterReason, State, SuppressionReason},
    },
};

/// A notification as accepted: everything routing and suppression decided,
/// decided once, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    /// The event it announces.
    pub event: NotificationEvent,
    /// The purpose it is sent with (see [`super::effective_purpose`]).
    pub purpose: MessagePurpose,
    /// The channel it is delivered on.
    pub channel: Channel,
    /// The player it is about (kept even for an operations alert, for search).
    pub player_id: String,
    /// The recipient to deliver to; `None` for an operations alert, which goes
    /// to the tenant's operations contact, never to a player.
    pub recipient: Option<Player>,
    /// Pending, or suppressed (and then never sent).
    pub state: State,
    /// Why it is suppressed, if it is.
    pub suppression: Option<SuppressionReason>,
    /// The variables staff may read.
    pub variables: BTreeMap<String, String>,
    /// The variables only the player may see (the survey token never reaches
    /// a column staff can read).
    pub secret_variables: BTreeMap<String, String>,
}

/// Accepts a notification of `event` for `recipient`: routes it (an
/// operations alert always by e-mail, to the operations contact) and decides
/// whether it is suppressed.
pub fn accept(
    event: NotificationEvent,
    purpose: MessagePurpose,
    recipient: Player,
    channel: Channel,
    variables: &HashMap<String, String>,
) -> Accepted {
    let purpose = super::effective_purpose(event, purpose);
    let alert = event == NotificationEvent::OperationsAlert;
    let channel = if alert { Channel::Email } else { super::route(channel, &recipient).0 };
    let suppression = if alert { None } else { super::suppression(purpose, &recipient) };
    let (variables, secret_variables) = super::split_secrets(variables);
    Accepted {
        event,
        purpose,
        channel,
        player_id: recipient.player_id.clone(),
        recipient: (!alert).then_some(recipient),
        state: if suppression.is_some() { State::Suppressed } else { State::Pending },
        suppression,
        variables,
        secret_variables,
    }
}

/// A notification about a complaint whose player data was erased before it
/// arrived (outbox deliveries are not ordered): never sent, and kept
/// without the recipient's name and address or any variable.
pub fn erased(mut accepted: Accepted) -> Accepted {
    accepted.recipient = accepted.recipient.map(|r| redress_db::erasure::erase_player(&r).0);
    accepted.variables.clear();
    accepted.secret_variables.clear();
    accepted.state = State::Suppressed;
    accepted.suppression = Some(SuppressionReason::PlayerDataErased);
    accepted
}

/// What a redrive changes in a dead letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redrive {
    /// The stored rendering is dropped, so the template is rendered again
    /// (the dead letter was a rendering failure).
    pub render_again: bool,
    /// The new attempt limit: a fresh budget on top of the attempts made.
    pub max_attempts: i32,
}

/// Whether a notification in `state` may be redriven, and how: only a dead
/// letter may, with `budget` more attempts.
pub fn redrive(
    state: State,
    dead_letter_reason: Option<DeadLetterReason>,
    attempt_count: i32,
    budget: i32,
) -> Result<Redrive, ApiError> {
    if state != State::DeadLetter {
        return Err(ApiError::failed_precondition(
            "NOT_A_DEAD_LETTER",
            format!("the notification is {}; only a dead letter can be redriven", state.as_str_name()),
        )
        .with_metadata("state", state.as_str_name()));
    }
    Ok(Redrive {
        render_again: dead_letter_reason == Some(DeadLetterReason::RenderFailed),
        max_attempts: attempt_count + budget,
    })
}

/// Refuses to resend a notification whose delivery is still under way: a
/// resend then could reach the player twice.
pub fn check_resendable(state: State) -> Result<(), ApiError> {
    if matches!(state, State::Pending | State::Retrying) {
        return Err(ApiError::failed_precondition(
            "DELIVERY_IN_PROGRESS",
            format!("the notification is {}; wait until it is delivered or dead-lettered", state.as_str_name()),
        )
        .with_metadata("state", state.as_str_name()));
    }
    Ok(())
}

/// The recipient of a resend: the original's, or a corrected copy (a new
/// address or channel) of the same player, never somebody else.
pub fn resend_recipient(original: Player, corrected: Option<&Player>) -> Result<Player, ApiError> {
    match corrected {
        None => Ok(original),
        Some(new) if new.player_id == original.player_id => Ok(new.clone()),
        Some(_) => Err(ApiError::invalid_field("recipient.player_id", "must match the original recipient")),
    }
}

/// The variables of a resend: the original's with its secrets, since a
/// resend goes to the same player.
pub fn resend_variables(public: BTreeMap<String, String>, secret: BTreeMap<String, String>) -> HashMap<String, String> {
    public.into_iter().chain(secret).collect()
}

/// The dedupe key of a resend: the request id makes the resend idempotent
/// through the notification's own uniqueness.
pub fn resend_dedupe_key(original_id: &str, request_id: &str) -> String {
    format!("resend:{original_id}:{request_id}")
}

#[cfg(test)]
mod tests {
    use redress_errors::ErrorCode;

    use super::*;

    fn player() -> Player {
        Player { player_id: "p1".into(), email: "p@example.com".into(), ..Default::default() }
    }

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn an_accepted_notification_is_routed_and_keeps_its_secrets_apart() {
        let got = accept(
            NotificationEvent::AgentMessage,
            MessagePurpose::Service,
            player(),
            Channel::Unspecified,
            &vars(&[("a", "1"), ("survey_token", "t")]),
        );
        assert_eq!((got.channel, got.state, got.suppression), (Channel::Email, State::Pending, None));
        assert_eq!(got.recipient.as_ref().map(|p| p.player_id.as_str()), Some("p1"));
        assert_eq!(got.variables.keys().collect::<Vec<_>>(), ["a"]);
        assert_eq!(got.secret_variables.keys().collect::<Vec<_>>(), ["survey_token"]);
    }

    #[test]
    fn a_notification_about_an_erased_complaint_is_suppressed_and_holds_nothing_personal() {
        let recipient = Player {
            player_id: "p-1".into(),
            display_name: "Ann CANARY".into(),
            email: "ann@example.com".into(),
            ..Default::default()
        };
        let variables = HashMap::from([("agent_message".to_owned(), "Dear Ann".to_owned())]);
        let got = erased(accept(
            NotificationEvent::AgentMessage,
            MessagePurpose::Service,
            recipient,
            Channel::Email,
            &variables,
        ));
        assert_eq!((got.state, got.suppression), (State::Suppressed, Some(SuppressionReason::PlayerDataErased)));
        let kept = got.recipient.unwrap();
        assert_eq!(kept.player_id, "p-1");
        assert!(kept.display_name.is_empty() && kept.email.is_empty() && got.variables.is_empty());
    }

    #[test]
    fn a_survey_to_a_vulnerable_player_is_suppressed_whatever_the_purpose_said() {
        let mut p = player();
        p.at_risk = true;
        let got =
            accept(NotificationEvent::SurveyInvitation, MessagePurpose::Service, p, Channel::Email, &HashMap::new());
        assert_eq!(got.purpose, MessagePurpose::Survey);
        assert_eq!((got.state, got.suppression), (State::Suppressed, Some(SuppressionReason::AtRisk)));
    }

    #[test]
    fn an_operations_alert_goes_by_email_unsuppressed_and_without_a_recipient() {
        let mut p = player();
        p.self_excluded = true;
        let got =
            accept(NotificationEvent::OperationsAlert, MessagePurpose::Promotional, p, Channel::Sms, &HashMap::new());
        assert_eq!((got.channel, got.state, got.recipient), (Channel::Email, State::Pending, None));
        assert_eq!(got.player_id, "p1");
    }

    #[test]
    fn only_a_dead_letter_is_redriven_and_a_render_failure_renders_again() {
        let err = redrive(State::Delivered, None, 3, 5).unwrap_err();
        assert_eq!((err.code, err.reason.as_str()), (ErrorCode::FailedPrecondition, "NOT_A_DEAD_LETTER"));
        let got = redrive(State::DeadLetter, Some(DeadLetterReason::RenderFailed), 3, 5).unwrap();
        assert_eq!(got, Redrive { render_again: true, max_attempts: 8 });
        assert!(!redrive(State::DeadLetter, None, 3, 5).unwrap().render_again);
    }

    #[test]
    fn a_delivery_under_way_is_not_resent_and_a_resend_keeps_the_player() {
        assert!(check_resendable(State::Retrying).is_err());
        assert!(check_resendable(State::Pending).is_err());
        assert!(check_resendable(State::DeadLetter).is_ok());
        let mut other = player();
        other.player_id = "p2".into();
        assert!(resend_recipient(player(), Some(&other)).is_err());
        let mut corrected = player();
        corrected.email = "new@example.com".into();
        assert_eq!(resend_recipient(player(), Some(&corrected)).unwrap().email, "new@example.com");
        assert_eq!(resend_recipient(player(), None).unwrap(), player());
    }

    #[test]
    fn a_resend_carries_the_secrets_and_a_key_of_its_request() {
        let public = [("a".to_owned(), "1".to_owned())].into();
        let secret = [("survey_token".to_owned(), "t".to_owned())].into();
        assert_eq!(resend_variables(public, secret), vars(&[("a", "1"), ("survey_token", "t")]));
        assert_eq!(resend_dedupe_key("n1", "r1"), "resend:n1:r1");
    }
}
