//! Notification's domain: pure rules with no I/O. Suppression, channel
//! routing, locale fallback, retry backoff, template rendering, and the
//! rules of accepting, redriving and resending a delivery, and webhook
//! endpoints' routing and rotation.

pub mod deliveries;
pub mod endpoints;
pub mod erasure;
pub mod templates;

use std::collections::BTreeMap;

use redress_proto::{
    common::v1::{Channel, Player},
    notification::v1::{MessagePurpose, NotificationEvent, notification::SuppressionReason},
};

/// The purpose a notification is sent with: a survey invitation is always a
/// survey, whatever the caller said, so it can never slip past suppression.
pub fn effective_purpose(event: NotificationEvent, requested: MessagePurpose) -> MessagePurpose {
    if event == NotificationEvent::SurveyInvitation { MessagePurpose::Survey } else { requested }
}

/// Why a notification must not be sent, or `None` when it may. Surveys and
/// promotions never reach a self-excluded or at-risk player; legally required
/// and service messages always do.
pub fn suppression(purpose: MessagePurpose, recipient: &Player) -> Option<SuppressionReason> {
    if !matches!(purpose, MessagePurpose::Survey | MessagePurpose::Promotional) {
        return None;
    }
    if recipient.self_excluded {
        Some(SuppressionReason::SelfExcluded)
    } else if recipient.at_risk {
        Some(SuppressionReason::AtRisk)
    } else {
        None
    }
}

/// How a notification travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// E-mail over SMTP (or the development file transport).
    Email,
    /// A signed webhook to the casino backend, relayed on this channel.
    Webhook(Channel),
}

/// The channel a notification is delivered on: the override, else the
/// recipient's preference. Phone, post and unset cannot be delivered by
/// Redress: e-mail when there is an address, else a webhook for an agent.
pub fn route(requested: Channel, recipient: &Player) -> (Channel, Route) {
    let wanted = if requested != Channel::Unspecified {
        requested
    } else {
        Channel::try_from(recipient.preferred_channel).unwrap_or(Channel::Unspecified)
    };
    match wanted {
        Channel::Email => (Channel::Email, Route::Email),
        Channel::LiveChat | Channel::InApp | Channel::Sms => (wanted, Route::Webhook(wanted)),
        Channel::Phone | Channel::Post | Channel::Unspecified => {
            if recipient.email.trim().is_empty() {
                (wanted, Route::Webhook(wanted))
            } else {
                (Channel::Email, Route::Email)
            }
        }
    }
}

/// The locales to try for a player's language, best first: exact tag,
/// primary language, the tenant's default, English. Tags compare
/// case-insensitively and are returned lowercase.
pub fn locale_candidates(language_code: &str, tenant_default: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let exact = language_code.trim().replace('_', "-").to_ascii_lowercase();
    let primary = exact.split('-').next().unwrap_or_default().to_owned();
    for candidate in [exact, primary, tenant_default.trim().to_ascii_lowercase(), "en".to_owned()] {
        if !candidate.is_empty() && !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    out
}

/// A subject line safe for a mail header (the text rule's
/// [`redress_errors::text::header_safe`]: no control characters, no bidi
/// controls, whitespace collapsed), capped at 500 characters. The typed
/// header encodes what is left.
pub fn header_safe(text: &str) -> String {
    redress_errors::text::header_safe(text).chars().take(500).collect()
}

/// Variables only the player may see: the single-use survey token and the
/// link that carries it. Notification stores them apart, renders staff a
/// redacted copy, and puts them only into the delivered message.
pub const SECRET_VARIABLES: [&str; 2] = ["survey_token", "survey_url"];

/// What staff see in place of a secret variable.
pub const REDACTED: &str = "[redacted]";

/// True for a variable only the player may see.
pub fn is_secret_variable(key: &str) -> bool {
    SECRET_VARIABLES.contains(&key)
}

/// Splits a notification's variables into those staff may read and the
/// secret ones.
pub fn split_secrets<'a, I>(variables: I) -> (BTreeMap<String, String>, BTreeMap<String, String>)
where
    I: IntoIterator<Item = (&'a String, &'a String)>,
{
    variables.into_iter().map(|(k, v)| (k.clone(), v.clone())).partition(|(k, _)| !is_secret_variable(k))
}

/// The variables of the staff-facing rendering: each secret replaced by
/// [`REDACTED`].
pub fn redacted(vars: &BTreeMap<String, String>, secrets: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out = vars.clone();
    for key in secrets.keys() {
        out.insert(key.clone(), REDACTED.to_owned());
    }
    out
}

/// The stable name of an event in template files and stored rows' slugs,
/// e.g. `complaint_received`.
pub fn event_slug(event: NotificationEvent) -> String {
    event.as_str_name().trim_start_matches("NOTIFICATION_EVENT_").to_ascii_lowercase()
}

/// Every event a template can be for.
pub const EVENTS: [NotificationEvent; 9] = [
    NotificationEvent::ComplaintReceived,
    NotificationEvent::InformationRequested,
    NotificationEvent::AgentMessage,
    NotificationEvent::ResolutionProposed,
    NotificationEvent::FinalResponse,
    NotificationEvent::AdrRightsNotice,
    NotificationEvent::SurveyInvitation,
    NotificationEvent::OperationsAlert,
    NotificationEvent::DeadlineWarning,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn player(self_excluded: bool, at_risk: bool) -> Player {
        Player { player_id: "p".into(), self_excluded, at_risk, ..Default::default() }
    }

    #[test]
    fn surveys_and_promotions_are_suppressed_for_vulnerable_players_only() {
        assert_eq!(suppression(MessagePurpose::Survey, &player(true, true)), Some(SuppressionReason::SelfExcluded));
        assert_eq!(suppression(MessagePurpose::Promotional, &player(false, true)), Some(SuppressionReason::AtRisk));
        assert_eq!(suppression(MessagePurpose::Survey, &player(false, false)), None);
        assert_eq!(suppression(MessagePurpose::LegallyRequired, &player(true, true)), None);
        assert_eq!(suppression(MessagePurpose::Service, &player(true, false)), None);
        assert_eq!(
            effective_purpose(NotificationEvent::SurveyInvitation, MessagePurpose::Service),
            MessagePurpose::Survey
        );
    }

    #[test]
    fn undeliverable_channels_go_by_email_when_possible() {
        let mut p = player(false, false);
        p.preferred_channel = Channel::Phone.into();
        assert_eq!(route(Channel::Unspecified, &p), (Channel::Phone, Route::Webhook(Channel::Phone)));
        p.email = "a@example.com".into();
        assert_eq!(route(Channel::Unspecified, &p), (Channel::Email, Route::Email));
        assert_eq!(route(Channel::Sms, &p), (Channel::Sms, Route::Webhook(Channel::Sms)));
    }

    #[test]
    fn locales_fall_back_to_primary_default_then_english() {
        assert_eq!(locale_candidates("pt-BR", "pl"), ["pt-br", "pt", "pl", "en"]);
        assert_eq!(locale_candidates("en", "en"), ["en"]);
        assert_eq!(locale_candidates("", "de"), ["de", "en"]);
    }

    #[test]
    fn the_survey_token_and_url_are_secret_and_redacted() {
        let given: BTreeMap<String, String> =
            [("survey_token", "t0k"), ("survey_url", "https://s/?token=t0k"), ("a", "1")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        let (public, secret) = split_secrets(&given);
        assert_eq!(public.keys().collect::<Vec<_>>(), ["a"]);
        assert_eq!(secret.keys().collect::<Vec<_>>(), ["survey_token", "survey_url"]);
        let shown = redacted(&public, &secret);
        assert_eq!(shown["survey_url"], REDACTED);
        assert!(!shown.values().any(|v| v.contains("t0k")));
    }

    #[test]
    fn header_text_loses_line_breaks_and_length() {
        assert_eq!(header_safe("Hi\r\nBcc: evil@example.com"), "Hi Bcc: evil@example.com");
        assert_eq!(header_safe(&"x".repeat(2000)).len(), 500);
    }
}
