//! What the jurisdiction's policy makes of a clock: when it is due, whether
//! it counts working days, and what its expiry does, as clocks record them.

use chrono::{DateTime, Utc};
use redress_policy::{ClockRule, ClockUnit, ExpiryConsequence, JurisdictionPolicy};

/// The ADR enquiry clock where the policy sets none: 10 working days.
pub const DEFAULT_ADR_ENQUIRY: ClockRule = ClockRule { amount: 10, unit: ClockUnit::WorkingDays };

/// The due time of a clock rule from `start` under `policy` (its holidays
/// skipped by working-day rules).
pub fn due(policy: &JurisdictionPolicy, rule: ClockRule, start: DateTime<Utc>) -> DateTime<Utc> {
    redress_policy::add(start, rule, &policy.holidays)
}

/// True when the rule counts working days (a clock shows them so).
pub fn working_days(rule: ClockRule) -> bool {
    rule.unit == ClockUnit::WorkingDays
}

/// The policy's name for a consequence, as clocks record it.
pub fn consequence_name(c: ExpiryConsequence) -> &'static str {
    match c {
        ExpiryConsequence::Escalate => "escalate",
        ExpiryConsequence::DeemedAccepted => "deemed_accepted",
        ExpiryConsequence::AdrRights => "adr_rights",
    }
}

/// The rule of the ADR enquiry clock under `policy`.
pub fn adr_enquiry(policy: &JurisdictionPolicy) -> ClockRule {
    policy.adr_enquiry.unwrap_or(DEFAULT_ADR_ENQUIRY)
}

/// The acknowledge rule of a complaint: the faster harm rule when the
/// complaint shows signs of gambling harm and the policy has one.
pub fn acknowledge(policy: &JurisdictionPolicy, responsible_gambling: bool) -> ClockRule {
    match (responsible_gambling, policy.responsible_gambling_acknowledge) {
        (true, Some(rule)) => rule,
        _ => policy.acknowledge,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// A policy with a 24-hour acknowledge, a 4-hour harm acknowledge and
    /// an 8-week final response that deems the complaint accepted.
    pub(crate) fn policy() -> JurisdictionPolicy {
        JurisdictionPolicy {
            acknowledge: ClockRule { amount: 24, unit: ClockUnit::Hours },
            final_response: ClockRule { amount: 56, unit: ClockUnit::CalendarDays },
            responsible_gambling_acknowledge: Some(ClockRule { amount: 4, unit: ClockUnit::Hours }),
            complaint_window_days: 183,
            clock_pause_allowed: false,
            on_final_response_expiry: ExpiryConsequence::DeemedAccepted,
            adr_required: true,
            adr_bodies: vec!["IBAS".into(), "eCOGRA".into()],
            adr_body_urls: BTreeMap::new(),
            adr_enquiry: None,
            durable_medium_required: false,
            holidays: Vec::new(),
        }
    }

    #[test]
    fn harm_acknowledges_faster_where_the_policy_says_so() {
        let mut p = policy();
        assert_eq!(acknowledge(&p, true).amount, 4);
        assert_eq!(acknowledge(&p, false).amount, 24);
        p.responsible_gambling_acknowledge = None;
        assert_eq!(acknowledge(&p, true).amount, 24);
    }

    #[test]
    fn the_adr_enquiry_defaults_to_ten_working_days() {
        let mut p = policy();
        assert_eq!(adr_enquiry(&p), DEFAULT_ADR_ENQUIRY);
        assert!(working_days(adr_enquiry(&p)));
        p.adr_enquiry = Some(ClockRule { amount: 5, unit: ClockUnit::CalendarDays });
        assert_eq!(adr_enquiry(&p).amount, 5);
        assert!(!working_days(adr_enquiry(&p)));
    }

    #[test]
    fn due_adds_the_rule() {
        let start = DateTime::<Utc>::UNIX_EPOCH;
        assert_eq!(due(&policy(), policy().acknowledge, start), start + chrono::Duration::hours(24));
        assert_eq!(consequence_name(ExpiryConsequence::DeemedAccepted), "deemed_accepted");
    }
}
