//! Who may do what to a case, and what a resolution must carry: the rules a
//! handler asks before it builds a state-machine command.

use redress_policy::JurisdictionPolicy;
use redress_proto::resolution::v1::{Case, ResolutionType};

/// Whether `caller` may set a case's assignee from `current` to `requested`.
/// A supervisor may assign anyone; an agent may only take an unassigned case,
/// release their own, or leave the assignee as it is (e.g. to move queues).
pub fn may_assign(supervisor: bool, caller: &str, current: &str, requested: &str) -> bool {
    let take = requested == caller && current.is_empty();
    let release = requested.is_empty() && current == caller;
    supervisor || take || release || requested == current
}

/// Whether `caller` may recategorise a case assigned to `assignee`: a
/// supervisor any case; an agent, as with assigning, only an unassigned case
/// or their own.
pub fn may_recategorise(supervisor: bool, caller: &str, assignee: &str) -> bool {
    supervisor || assignee.is_empty() || assignee == caller
}

/// Whether a resolution type carries an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amount {
    /// Money moves (refund, bonus credit, goodwill): the amount is required.
    Required,
    /// Nothing is paid (explanation, rejection): an amount is refused.
    Forbidden,
    /// May carry one (an account correction's balance change).
    Optional,
}

/// Whether a resolution of type `kind` carries an amount.
pub fn amount_of(kind: ResolutionType) -> Amount {
    match kind {
        ResolutionType::Refund | ResolutionType::BonusCredit | ResolutionType::Goodwill => Amount::Required,
        ResolutionType::Explanation | ResolutionType::Rejection => Amount::Forbidden,
        _ => Amount::Optional,
    }
}

/// True when the player may be harmed by gambling (self-excluded, at risk,
/// or the complaint shows signs of harm): no bonus may be offered to them.
pub fn is_vulnerable(case: &Case) -> bool {
    let player = case.player.as_ref();
    player.is_some_and(|p| p.self_excluded || p.at_risk) || case.responsible_gambling
}

/// The channel a final response goes out on: the player's preferred one,
/// else the one they complained on.
pub fn reply_channel(case: &Case) -> i32 {
    match case.player.as_ref().map(|p| p.preferred_channel) {
        Some(preferred) if preferred != 0 => preferred,
        _ => case.channel,
    }
}

/// The jurisdiction requires the final response to name an ADR body and
/// neither the request nor the policy names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdrBodyRequired;

/// The ADR body a final response names: the one given, or, where the
/// jurisdiction requires one and none was given, the policy's first
/// approved body.
pub fn adr_body(given: &str, policy: &JurisdictionPolicy) -> Result<String, AdrBodyRequired> {
    if !policy.adr_required {
        return Ok(given.to_owned());
    }
    let body = if given.is_empty() { policy.adr_bodies.first().cloned().unwrap_or_default() } else { given.to_owned() };
    if body.is_empty() { Err(AdrBodyRequired) } else { Ok(body) }
}

#[cfg(test)]
mod tests {
    use super::{super::deadlines::tests::policy, *};

    #[test]
    fn an_agent_takes_free_cases_and_releases_their_own() {
        assert!(may_assign(false, "ann", "", "ann"), "take");
        assert!(may_assign(false, "ann", "ann", ""), "release");
        assert!(may_assign(false, "ann", "bob", "bob"), "unchanged");
        assert!(!may_assign(false, "ann", "bob", "ann"), "take another's");
        assert!(!may_assign(false, "ann", "", "bob"), "give to another");
        assert!(!may_assign(false, "ann", "bob", ""), "release another's");
        assert!(may_assign(true, "sue", "bob", "ann"), "a supervisor assigns anyone");
    }

    #[test]
    fn an_agent_recategorises_free_cases_and_their_own() {
        assert!(may_recategorise(false, "ann", ""), "unassigned");
        assert!(may_recategorise(false, "ann", "ann"), "own");
        assert!(!may_recategorise(false, "ann", "bob"), "another's");
        assert!(may_recategorise(true, "sue", "bob"), "a supervisor any");
    }

    #[test]
    fn money_resolutions_need_an_amount() {
        assert_eq!(amount_of(ResolutionType::Refund), Amount::Required);
        assert_eq!(amount_of(ResolutionType::BonusCredit), Amount::Required);
        assert_eq!(amount_of(ResolutionType::Goodwill), Amount::Required);
        assert_eq!(amount_of(ResolutionType::Explanation), Amount::Forbidden);
        assert_eq!(amount_of(ResolutionType::Rejection), Amount::Forbidden);
        assert_eq!(amount_of(ResolutionType::AccountCorrection), Amount::Optional);
    }

    #[test]
    fn harm_makes_a_player_vulnerable() {
        use redress_proto::common::v1::Player;
        let mut case = Case::default();
        assert!(!is_vulnerable(&case));
        case.responsible_gambling = true;
        assert!(is_vulnerable(&case));
        case.responsible_gambling = false;
        case.player = Some(Player { self_excluded: true, ..Default::default() });
        assert!(is_vulnerable(&case));
        case.player = Some(Player { at_risk: true, ..Default::default() });
        assert!(is_vulnerable(&case));
    }

    #[test]
    fn the_final_response_goes_where_the_player_prefers() {
        use redress_proto::common::v1::{Channel, Player};
        let mut case = Case { channel: Channel::LiveChat.into(), ..Default::default() };
        assert_eq!(reply_channel(&case), Channel::LiveChat as i32);
        case.player = Some(Player { preferred_channel: Channel::Email.into(), ..Default::default() });
        assert_eq!(reply_channel(&case), Channel::Email as i32);
    }

    #[test]
    fn a_required_adr_body_defaults_to_the_policys_first() {
        let mut p = policy();
        assert_eq!(adr_body("", &p), Ok("IBAS".to_owned()));
        assert_eq!(adr_body("eCOGRA", &p), Ok("eCOGRA".to_owned()));
        p.adr_bodies.clear();
        assert_eq!(adr_body("", &p), Err(AdrBodyRequired));
        p.adr_required = false;
        assert_eq!(adr_body("", &p), Ok(String::new()), "not required: none named");
        assert_eq!(adr_body("IBAS", &p), Ok("IBAS".to_owned()));
    }
}
