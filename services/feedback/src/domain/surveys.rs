//! Survey rules: who is asked (never a vulnerable player), in which
//! language, until when, when the follow-up check runs, and when an answer
//! is taken. Pure, so each rule is tested without a database.

use chrono::{DateTime, Duration, Utc};
use redress_errors::{ApiError, ErrorCode};
use redress_proto::{
    common::v1::{ComplaintCategory, Player},
    feedback::v1::survey::State,
};

/// A tenant's survey terms.
#[derive(Debug, Clone, Copy)]
pub struct Terms<'a> {
    /// How long a survey token works, in days.
    pub expire_days: i64,
    /// How long after the resolution the follow-up check runs, in days.
    pub follow_up_days: i64,
    /// The survey language for players without one.
    pub language_code: &'a str,
}

/// The survey a resolved case opens, decided before anything is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    /// True when the player must not be asked: no token, no invitation.
    pub suppressed: bool,
    /// The language it is asked in.
    pub language_code: String,
    /// When its token stops working.
    pub expire_at: DateTime<Utc>,
    /// When the follow-up check runs.
    pub follow_up_at: DateTime<Utc>,
}

/// No surveys to vulnerable players (DOMAIN.md, vulnerability-aware
/// communication): self-excluded, at risk, or a responsible-gambling case.
pub fn suppressed(player: &Player, responsible_gambling: bool, category: ComplaintCategory) -> bool {
    player.self_excluded || player.at_risk || responsible_gambling || category == ComplaintCategory::ResponsibleGambling
}

/// The survey of a case resolved at `resolve_at`, opened at `now`.
pub fn open(
    player: &Player,
    responsible_gambling: bool,
    category: ComplaintCategory,
    terms: Terms<'_>,
    resolve_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Opening {
    Opening {
        suppressed: suppressed(player, responsible_gambling, category),
        language_code: if player.language_code.is_empty() {
            terms.language_code.to_owned()
        } else {
            player.language_code.clone()
        },
        expire_at: now + Duration::days(terms.expire_days),
        follow_up_at: resolve_at + Duration::days(terms.follow_up_days),
    }
}

/// The answer to a token that names no survey the player may see. Never
/// echoes the token: it is the key to the survey.
pub fn survey_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "SURVEY_NOT_FOUND", "no survey has this token")
}

/// The refusal of an answer already given.
pub fn already_answered() -> ApiError {
    ApiError::failed_precondition("SURVEY_ALREADY_ANSWERED", "the survey was already answered")
}

/// Whether a survey stored in `stored` state takes an answer at `now`: only
/// an open one before its expiry. A suppressed survey was never sent, so it
/// does not exist for the player.
pub fn check_answerable(stored: State, expire_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), ApiError> {
    match super::effective_state(stored, expire_at, now) {
        State::Open => Ok(()),
        State::Expired => Err(ApiError::failed_precondition("SURVEY_EXPIRED", "the survey has expired")),
        State::Answered => Err(already_answered()),
        State::Suppressed | State::Unspecified => Err(survey_not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TERMS: Terms<'static> = Terms { expire_days: 14, follow_up_days: 7, language_code: "pl" };

    #[test]
    fn vulnerable_players_and_responsible_gambling_cases_are_never_asked() {
        let mut p = Player::default();
        assert!(!suppressed(&p, false, ComplaintCategory::Withdrawal));
        assert!(suppressed(&p, true, ComplaintCategory::Withdrawal));
        assert!(suppressed(&p, false, ComplaintCategory::ResponsibleGambling));
        p.self_excluded = true;
        assert!(suppressed(&p, false, ComplaintCategory::Withdrawal));
        p = Player { at_risk: true, ..Player::default() };
        assert!(suppressed(&p, false, ComplaintCategory::Withdrawal));
    }

    #[test]
    fn a_survey_expires_from_its_opening_and_follows_up_from_the_resolution() {
        let now = Utc::now();
        let resolved = now - Duration::days(1);
        let got = open(&Player::default(), false, ComplaintCategory::Withdrawal, TERMS, resolved, now);
        assert_eq!(got.language_code, "pl");
        assert_eq!(got.expire_at, now + Duration::days(14));
        assert_eq!(got.follow_up_at, resolved + Duration::days(7));
        let en = Player { language_code: "en".into(), ..Player::default() };
        assert_eq!(open(&en, false, ComplaintCategory::Withdrawal, TERMS, resolved, now).language_code, "en");
    }

    #[test]
    fn only_an_open_unexpired_survey_takes_an_answer() {
        let now = Utc::now();
        let later = now + Duration::days(1);
        assert!(check_answerable(State::Open, later, now).is_ok());
        assert_eq!(check_answerable(State::Open, now, now).unwrap_err().reason, "SURVEY_EXPIRED");
        assert_eq!(check_answerable(State::Answered, later, now).unwrap_err().reason, "SURVEY_ALREADY_ANSWERED");
        assert_eq!(check_answerable(State::Suppressed, later, now).unwrap_err().reason, "SURVEY_NOT_FOUND");
    }
}
