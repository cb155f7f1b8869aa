//! Notification's domain: pure rules with no I/O. Suppression, channel
//! routing, locale fallback, retry backoff, and template rendering.

pub mod templates;

use std::time::Duration;

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

/// The delay before retry number `failures + 1`: exponential from `initial`,
/// capped at `max`, with "equal jitter" (half fixed, half random) so a
/// recovered relay is not hit by every retry at once.
pub fn backoff(failures: i32, initial: Duration, max: Duration, random: f64) -> Duration {
    let exp = initial.saturating_mul(1u32 << failures.clamp(0, 20).saturating_sub(1)).min(max);
    let half = exp / 2;
    half + half.mul_f64(random.clamp(0.0, 1.0))
}

/// A subject line safe for a mail header (the text rule's
/// [`redress_errors::text::header_safe`]: no control characters, no bidi
/// controls, whitespace collapsed), capped at 500 characters. The typed
/// header encodes what is left.
pub fn header_safe(text: &str) -> String {
    redress_errors::text::header_safe(text).chars().take(500).collect()
}

/// The stable name of an event in template files and stored rows' slugs,
/// e.g. `complaint_received`.
pub fn event_slug(event: NotificationEvent) -> String {
    event.as_str_name().trim_start_matches("NOTIFICATION_EVENT_").to_ascii_lowercase()
}

/// Every event a template can be for.
pub const EVENTS: [NotificationEvent; 8] = [
    NotificationEvent::ComplaintReceived,
    NotificationEvent::InformationRequested,
    NotificationEvent::AgentMessage,
    NotificationEvent::ResolutionProposed,
    NotificationEvent::FinalResponse,
    NotificationEvent::AdrRightsNotice,
    NotificationEvent::SurveyInvitation,
    NotificationEvent::OperationsAlert,
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
    fn backoff_doubles_within_jitter_and_caps() {
        let (i, m) = (Duration::from_secs(30), Duration::from_secs(3600));
        assert_eq!(backoff(1, i, m, 1.0), Duration::from_secs(30));
        assert_eq!(backoff(2, i, m, 0.0), Duration::from_secs(30));
        assert_eq!(backoff(2, i, m, 1.0), Duration::from_secs(60));
        assert_eq!(backoff(30, i, m, 1.0), Duration::from_secs(3600));
    }

    #[test]
    fn header_text_loses_line_breaks_and_length() {
        assert_eq!(header_safe("Hi\r\nBcc: evil@example.com"), "Hi Bcc: evil@example.com");
        assert_eq!(header_safe(&"x".repeat(2000)).len(), 500);
    }
}
