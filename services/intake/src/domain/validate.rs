//! Request validation: every bad field of a request is reported at once, as a
//! field violation with the field's path in the proto.

use chrono::{DateTime, Duration, Utc};
use redress_errors::{ApiError, Violations};
use redress_proto::common::v1::{Channel, ComplaintCategory, Money, Player, TransactionReferences};

/// Longest idempotency key.
pub const MAX_REQUEST_ID: usize = 128;
/// Longest subject.
pub const MAX_SUBJECT: usize = 200;
/// Longest description or message.
pub const MAX_BODY: usize = 20_000;
/// Longest typed reference.
pub const MAX_REFERENCE: usize = 128;
/// Clock skew tolerated for an incident time in the future.
const FUTURE_SKEW_MINUTES: i64 = 5;

/// Checks an idempotency key.
pub fn request_id(v: &mut Violations, value: &str) {
    v.text(value, "request_id", true, MAX_REQUEST_ID);
}

/// Checks that `value` is a known, specified channel.
pub fn channel(v: &mut Violations, value: i32, field: &str) {
    match Channel::try_from(value) {
        Ok(Channel::Unspecified) => v.add(field, "must be specified"),
        Ok(_) => {}
        Err(_) => v.add(field, "is not a known channel"),
    }
}

/// Checks the player block.
pub fn player(v: &mut Violations, player: Option<&Player>) {
    let Some(p) = player else {
        v.add("player", "is required");
        return;
    };
    v.text(&p.player_id, "player.player_id", true, MAX_REFERENCE);
    v.text(&p.display_name, "player.display_name", false, 200);
    if p.jurisdiction.is_empty() {
        v.add("player.jurisdiction", "must not be empty");
    } else if !(p.jurisdiction.len() == 2 && p.jurisdiction.chars().all(|c| c.is_ascii_alphabetic())) {
        v.add("player.jurisdiction", "must be an ISO 3166-1 alpha-2 code such as PL or GB");
    }
    v.language_tag(&p.language_code, "player.language_code", false);
    if !p.email.is_empty() && !is_plausible_email(&p.email) {
        v.add("player.email", "must be an e-mail address");
    }
    match Channel::try_from(p.preferred_channel) {
        Err(_) => v.add("player.preferred_channel", "is not a known channel"),
        Ok(Channel::Email) if p.email.is_empty() => {
            v.add("player.email", "is required when the preferred channel is e-mail");
        }
        Ok(_) => {}
    }
}

/// Checks references: lengths, and the one each category needs.
pub fn references(v: &mut Violations, refs: Option<&TransactionReferences>, category: ComplaintCategory) {
    let empty = TransactionReferences::default();
    let r = refs.unwrap_or(&empty);
    for (value, field) in [
        (&r.deposit_id, "deposit_id"),
        (&r.withdrawal_id, "withdrawal_id"),
        (&r.payment_method, "payment_method"),
        (&r.bet_id, "bet_id"),
        (&r.round_id, "round_id"),
        (&r.game_id, "game_id"),
        (&r.game_provider, "game_provider"),
        (&r.bonus_id, "bonus_id"),
        (&r.kyc_case_id, "kyc_case_id"),
    ] {
        if value.chars().count() > MAX_REFERENCE || value.chars().any(char::is_control) {
            v.add(
                format!("transaction_references.{field}"),
                format!("must be at most {MAX_REFERENCE} printable characters"),
            );
        }
    }
    let missing = |any: &[&String]| any.iter().all(|s| s.trim().is_empty());
    let need = match category {
        ComplaintCategory::Withdrawal if missing(&[&r.withdrawal_id]) => {
            Some(("withdrawal_id", "a withdrawal complaint needs the withdrawal id"))
        }
        ComplaintCategory::Deposit if missing(&[&r.deposit_id, &r.payment_method]) => {
            Some(("deposit_id", "a deposit complaint needs the deposit id or the payment method"))
        }
        ComplaintCategory::Bonus if missing(&[&r.bonus_id]) => {
            Some(("bonus_id", "a bonus complaint needs the bonus id"))
        }
        ComplaintCategory::GameMalfunction if missing(&[&r.game_id, &r.round_id, &r.bet_id]) => {
            Some(("game_id", "a game complaint needs the game id, round id or bet id"))
        }
        ComplaintCategory::Verification if missing(&[&r.kyc_case_id, &r.withdrawal_id]) => {
            Some(("kyc_case_id", "a verification complaint needs the KYC case id or the withdrawal id"))
        }
        _ => None,
    };
    if let Some((field, description)) = need {
        v.add(format!("transaction_references.{field}"), description);
    }
}

/// Checks a category value (Unspecified is allowed: triage infers it).
pub fn category(v: &mut Violations, value: i32) {
    if ComplaintCategory::try_from(value).is_err() {
        v.add("category", "is not a known category");
    }
}

/// Checks an amount of money.
pub fn money(v: &mut Violations, money: Option<&Money>, field: &str) {
    let Some(m) = money else { return };
    if m.amount_minor < 0 {
        v.add(format!("{field}.amount_minor"), "must not be negative");
    }
    if !(m.currency_code.len() == 3 && m.currency_code.chars().all(|c| c.is_ascii_uppercase())) {
        v.add(format!("{field}.currency_code"), "must be an ISO 4217 code such as EUR or PLN");
    }
}

/// Checks an incident time against now and the complaint window.
pub fn incident_time(v: &mut Violations, incident: Option<DateTime<Utc>>, now: DateTime<Utc>, window_days: u32) {
    let Some(at) = incident else { return };
    if at > now + Duration::minutes(FUTURE_SKEW_MINUTES) {
        v.add("incident_time", "must not be in the future");
    } else if at < now - Duration::days(i64::from(window_days)) {
        v.add(
            "incident_time",
            format!("is older than the {window_days}-day complaint window of the player's jurisdiction"),
        );
    }
}

/// Parses a resource name `complaints/{id}`.
pub fn complaint_name(name: &str, field: &str) -> Result<String, ApiError> {
    redress_errors::resource_id(name, "complaints", field)
}

fn is_plausible_email(email: &str) -> bool {
    email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_and_emails() {
        assert!(redress_errors::is_language_tag("pl"));
        assert!(redress_errors::is_language_tag("en-GB"));
        assert!(!redress_errors::is_language_tag("english!"));
        assert!(is_plausible_email("anna@example.pl"));
        assert!(!is_plausible_email("anna@example.pl\r\nBcc: x@y.z"));
        assert!(!is_plausible_email("nobody"));
    }

    #[test]
    fn category_references_are_required() {
        let mut v = Violations::new();
        references(&mut v, None, ComplaintCategory::Withdrawal);
        let err = v.into_result().unwrap_err();
        assert_eq!(err.violations[0].field, "transaction_references.withdrawal_id");
    }

    #[test]
    fn incidents_outside_the_window_are_rejected() {
        let now = Utc::now();
        let mut v = Violations::new();
        incident_time(&mut v, Some(now - Duration::days(200)), now, 183);
        incident_time(&mut v, Some(now + Duration::days(1)), now, 183);
        incident_time(&mut v, Some(now - Duration::days(100)), now, 183);
        assert_eq!(v.into_result().unwrap_err().violations.len(), 2);
    }

    #[test]
    fn complaint_names_parse() {
        assert_eq!(complaint_name("complaints/abc-1", "name").unwrap(), "abc-1");
        assert!(complaint_name("cases/abc", "name").is_err());
        assert!(complaint_name("complaints/../x", "name").is_err());
    }
}
