//! Erasure, legal holds and retention, as pure rules: what of a complaint
//! is personal, a hold's state, when a closed complaint is past retention.

use chrono::{DateTime, Utc};
use redress_errors::ApiError;
use redress_policy::Retention;
use redress_proto::{
    common::v1::ComplaintStatus,
    intake::v1::{interaction::Kind, legal_hold},
};

/// Whether an interaction of `kind` holds words of the player or an agent
/// (erased); status and category changes are the system's own text (kept).
pub fn is_personal(kind: Kind) -> bool {
    !matches!(kind, Kind::StatusChanged | Kind::Recategorised)
}

/// A hold's state at `now`.
pub fn hold_state(released: bool, end: DateTime<Utc>, now: DateTime<Utc>) -> legal_hold::State {
    if released {
        legal_hold::State::Released
    } else if end <= now {
        legal_hold::State::Expired
    } else {
        legal_hold::State::Active
    }
}

/// The player id in `players/{player}`: 1 to 128 characters without `/`.
pub fn player_id(name: &str, field: &str) -> Result<String, ApiError> {
    match name.strip_prefix("players/") {
        Some(id) if (1..=128).contains(&id.chars().count()) && !id.contains('/') => Ok(id.to_owned()),
        _ => Err(ApiError::invalid_field(field, "must be players/{player}")),
    }
}

/// The (player id, hold id) in `players/{player}/legalHolds/{legal_hold}`.
pub fn hold_ids(name: &str, field: &str) -> Result<(String, String), ApiError> {
    let bad = || ApiError::invalid_field(field, "must be players/{player}/legalHolds/{legal_hold}");
    let (player, id) = name.rsplit_once("/legalHolds/").ok_or_else(bad)?;
    let player = player_id(player, field).map_err(|_| bad())?;
    let id = redress_errors::resource_id(&format!("legalHolds/{id}"), "legalHolds", field).map_err(|_| bad())?;
    Ok((player, id))
}

/// Whether a complaint in `status`, last changed at `changed`, is past the
/// retention of its jurisdiction at `now`. Only closed and withdrawn
/// complaints are; their last change is their closing.
pub fn past_retention(
    retention: &Retention,
    jurisdiction: &str,
    status: ComplaintStatus,
    changed: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    matches!(status, ComplaintStatus::Closed | ComplaintStatus::Withdrawn)
        && retention.is_past(jurisdiction, changed, now)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(y: i32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, 6, 1, 0, 0, 0).unwrap()
    }

    #[test]
    fn only_the_systems_own_texts_are_kept() {
        assert!(is_personal(Kind::ComplaintFiled) && is_personal(Kind::AgentMessage));
        assert!(!is_personal(Kind::StatusChanged) && !is_personal(Kind::Recategorised));
    }

    #[test]
    fn a_hold_is_active_until_released_or_ended() {
        assert_eq!(hold_state(false, at(2030), at(2026)), legal_hold::State::Active);
        assert_eq!(hold_state(false, at(2026), at(2026)), legal_hold::State::Expired);
        assert_eq!(hold_state(true, at(2030), at(2026)), legal_hold::State::Released);
    }

    #[test]
    fn names_parse() {
        assert_eq!(player_id("players/p_1:x", "parent").unwrap(), "p_1:x");
        assert!(player_id("players/", "parent").is_err() && player_id("players/a/b", "parent").is_err());
        let (p, h) = hold_ids("players/p-1/legalHolds/0190abcd-ef", "name").unwrap();
        assert_eq!((p.as_str(), h.as_str()), ("p-1", "0190abcd-ef"));
        assert!(hold_ids("players/p-1/holds/x", "name").is_err());
    }

    #[test]
    fn only_closed_complaints_past_their_jurisdictions_years_are_due() {
        let retention = Retention { default_years: 6, jurisdictions: [("MT".to_owned(), 5)].into() };
        let closed = ComplaintStatus::Closed;
        assert!(past_retention(&retention, "GB", closed, at(2020), at(2026)));
        assert!(!past_retention(&retention, "GB", closed, at(2021), at(2026)));
        assert!(past_retention(&retention, "mt", closed, at(2021), at(2026)));
        assert!(past_retention(&retention, "GB", ComplaintStatus::Withdrawn, at(2020), at(2026)));
        assert!(!past_retention(&retention, "GB", ComplaintStatus::Resolved, at(2000), at(2026)));
        let forever = Retention::default();
        assert!(!past_retention(&forever, "GB", closed, at(1990), at(2026)));
    }
}
