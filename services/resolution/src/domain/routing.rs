//! Queue routing: which of a tenant's queues a new case goes to, and what a
//! valid queue definition is. Pure, so OpenCase (and later a
//! recategorisation) ask the same function.

use redress_errors::Violations;
use redress_proto::{
    common::v1::{Channel, ComplaintCategory},
    resolution::v1::{BusinessHours, Case, OpenCaseRequest, Queue, RoutingRule},
};

/// Most rules, supervisors, ranges and listed values per queue or rule.
pub const MAX_ITEMS: usize = 50;

/// What routing looks at in a case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub category: i32,
    /// ISO 3166-1 alpha-2, upper case.
    pub jurisdiction: String,
    pub responsible_gambling: bool,
    /// The player's BCP 47 language tag.
    pub language: String,
    pub channel: i32,
    /// Routing an escalation (only escalation rules match) rather than a
    /// new or recategorised case.
    pub escalated: bool,
}

impl Facts {
    /// The facts of an existing case (e.g. after a recategorisation).
    pub fn of_case(case: &Case) -> Self {
        let player = case.player.clone().unwrap_or_default();
        Facts {
            category: case.category,
            jurisdiction: player.jurisdiction.to_ascii_uppercase(),
            responsible_gambling: case.responsible_gambling,
            language: player.language_code,
            channel: case.channel,
            escalated: false,
        }
    }

    /// The same case routed as an escalation.
    pub fn escalating(self) -> Self {
        Facts { escalated: true, ..self }
    }

    /// The facts of a complaint intake files.
    pub fn of_request(req: &OpenCaseRequest) -> Self {
        let player = req.player.clone().unwrap_or_default();
        Facts {
            category: req.category,
            jurisdiction: player.jurisdiction.to_ascii_uppercase(),
            responsible_gambling: req.responsible_gambling,
            language: player.language_code,
            channel: req.channel,
            escalated: false,
        }
    }
}

/// True when every set field of `rule` matches (an empty list matches
/// anything; a list matches when any value does).
pub fn rule_matches(rule: &RoutingRule, f: &Facts) -> bool {
    let category = rule.categories.is_empty() || rule.categories.contains(&f.category);
    let jurisdiction =
        rule.jurisdictions.is_empty() || rule.jurisdictions.iter().any(|j| j.eq_ignore_ascii_case(&f.jurisdiction));
    let harm = rule.responsible_gambling.is_none_or(|rg| rg == f.responsible_gambling);
    let language = rule.language_prefixes.is_empty()
        || rule.language_prefixes.iter().any(|p| {
            f.language.len() >= p.len() && f.language.get(..p.len()).is_some_and(|head| head.eq_ignore_ascii_case(p))
        });
    let channel = rule.channels.is_empty() || rule.channels.contains(&f.channel);
    let escalation = rule.escalated.unwrap_or(false) == f.escalated;
    category && jurisdiction && harm && language && channel && escalation
}

/// True when a case with `f` belongs in `queue`: any rule matches, or the
/// queue has none (a catch-all, which an escalation never falls into).
pub fn queue_matches(queue: &Queue, f: &Facts) -> bool {
    (queue.rules.is_empty() && !f.escalated) || queue.rules.iter().any(|r| rule_matches(r, f))
}

/// The queue id a new case with `f` goes to among the tenant's `queues`:
/// the first matching one by priority, then id. `None` when no queue
/// matches (the tenant has none, or none fits): the caller falls back to
/// the built-in routing ([`super::route`]).
pub fn route(queues: &[Queue], f: &Facts) -> Option<String> {
    let mut ordered: Vec<&Queue> = queues.iter().collect();
    ordered.sort_by(|a, b| (a.priority, &a.name).cmp(&(b.priority, &b.name)));
    ordered.into_iter().find(|q| queue_matches(q, f)).map(|q| queue_id_of(&q.name).to_owned())
}

/// The queue a new case goes to: the tenant's routing, else the built-in.
pub fn route_or_default(queues: &[Queue], f: &Facts) -> String {
    route(queues, f).unwrap_or_else(|| {
        let category = ComplaintCategory::try_from(f.category).unwrap_or(ComplaintCategory::Unspecified);
        super::route(category, f.responsible_gambling).to_owned()
    })
}

/// The id in `queues/{id}` (the whole string when it has no prefix).
pub fn queue_id_of(name: &str) -> &str {
    name.strip_prefix("queues/").unwrap_or(name)
}

/// A queue id: 1 to 63 lowercase letters, digits and hyphens, starting with
/// a letter.
pub fn is_queue_id(id: &str) -> bool {
    (1..=63).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// True when `tz` names a zone of the IANA time zone database (as
/// chrono-tz ships it), e.g. "Europe/Malta" or "UTC"; names are case
/// sensitive.
pub fn is_time_zone_name(tz: &str) -> bool {
    super::business_hours::time_zone(tz).is_some()
}

/// Checks a queue definition's fields (not its name), recording violations
/// under `prefix` (e.g. "queue").
pub fn validate(v: &mut Violations, q: &Queue, prefix: &str) {
    v.line(&q.display_name, &format!("{prefix}.display_name"), false, 200);
    v.check(!(0..=1000).contains(&q.priority), &format!("{prefix}.priority"), "must be 0 to 1000");
    v.check(q.rules.len() > MAX_ITEMS, &format!("{prefix}.rules"), "must have at most 50 rules");
    for (i, rule) in q.rules.iter().enumerate() {
        validate_rule(v, rule, &format!("{prefix}.rules[{i}]"));
    }
    v.check(q.supervisors.len() > MAX_ITEMS, &format!("{prefix}.supervisors"), "must have at most 50 entries");
    for (i, s) in q.supervisors.iter().enumerate() {
        v.line(s, &format!("{prefix}.supervisors[{i}]"), true, 254);
    }
    if let Some(hours) = &q.business_hours {
        validate_hours(v, hours, &format!("{prefix}.business_hours"));
    }
    v.enum_value::<redress_proto::resolution::v1::queue::AssignmentMode>(
        q.assignment_mode,
        &format!("{prefix}.assignment_mode"),
    );
}

fn validate_rule(v: &mut Violations, rule: &RoutingRule, at: &str) {
    for (field, len) in [
        ("categories", rule.categories.len()),
        ("jurisdictions", rule.jurisdictions.len()),
        ("language_prefixes", rule.language_prefixes.len()),
        ("channels", rule.channels.len()),
    ] {
        v.check(len > MAX_ITEMS, &format!("{at}.{field}"), "must have at most 50 values");
    }
    for (i, c) in rule.categories.iter().enumerate() {
        let known = ComplaintCategory::try_from(*c).is_ok_and(|c| c != ComplaintCategory::Unspecified);
        v.check(!known, &format!("{at}.categories[{i}]"), "must be a known, specified category");
    }
    for (i, j) in rule.jurisdictions.iter().enumerate() {
        let ok = j.len() == 2 && j.chars().all(|c| c.is_ascii_alphabetic());
        v.check(!ok, &format!("{at}.jurisdictions[{i}]"), "must be an ISO 3166-1 alpha-2 code, e.g. MT");
    }
    for (i, p) in rule.language_prefixes.iter().enumerate() {
        let ok = (1..=35).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        v.check(!ok, &format!("{at}.language_prefixes[{i}]"), "must be the start of a BCP 47 tag, e.g. pt or pt-BR");
    }
    for (i, c) in rule.channels.iter().enumerate() {
        let known = Channel::try_from(*c).is_ok_and(|c| c != Channel::Unspecified);
        v.check(!known, &format!("{at}.channels[{i}]"), "must be a known, specified channel");
    }
}

fn validate_hours(v: &mut Violations, hours: &BusinessHours, at: &str) {
    if !hours.time_zone.is_empty() || !hours.ranges.is_empty() {
        v.check(
            !is_time_zone_name(&hours.time_zone),
            &format!("{at}.time_zone"),
            "must be a time zone of the IANA database, e.g. Europe/Malta or UTC",
        );
    }
    v.check(hours.ranges.len() > MAX_ITEMS, &format!("{at}.ranges"), "must have at most 50 ranges");
    for (i, r) in hours.ranges.iter().enumerate() {
        v.check(
            !(1..=7).contains(&r.weekday),
            &format!("{at}.ranges[{i}].weekday"),
            "must be 1 (Monday) to 7 (Sunday)",
        );
        v.check(!(0..=1439).contains(&r.start_minute), &format!("{at}.ranges[{i}].start_minute"), "must be 0 to 1439");
        v.check(
            r.end_minute <= r.start_minute || r.end_minute > 1440,
            &format!("{at}.ranges[{i}].end_minute"),
            "must be after start_minute and at most 1440",
        );
    }
}

#[cfg(test)]
mod tests {
    use redress_proto::resolution::v1::business_hours::Range;

    use super::*;

    fn queue(id: &str, priority: i32, rules: Vec<RoutingRule>) -> Queue {
        Queue { name: format!("queues/{id}"), priority, rules, ..Default::default() }
    }

    fn facts(category: ComplaintCategory, jurisdiction: &str) -> Facts {
        Facts {
            category: category.into(),
            jurisdiction: jurisdiction.into(),
            language: "en-GB".into(),
            channel: Channel::Email.into(),
            ..Default::default()
        }
    }

    #[test]
    fn every_set_field_of_a_rule_must_match() {
        let rule = RoutingRule {
            categories: vec![ComplaintCategory::Bonus.into()],
            jurisdictions: vec!["mt".into()],
            ..Default::default()
        };
        assert!(rule_matches(&rule, &facts(ComplaintCategory::Bonus, "MT")));
        assert!(!rule_matches(&rule, &facts(ComplaintCategory::Bonus, "GB")));
        assert!(!rule_matches(&rule, &facts(ComplaintCategory::Withdrawal, "MT")));
        assert!(rule_matches(&RoutingRule::default(), &facts(ComplaintCategory::Other, "GB")), "empty rule: any");
    }

    #[test]
    fn languages_match_by_prefix_and_harm_by_flag() {
        let pt = RoutingRule { language_prefixes: vec!["EN".into()], ..Default::default() };
        assert!(rule_matches(&pt, &facts(ComplaintCategory::Other, "GB")));
        let harm = RoutingRule { responsible_gambling: Some(true), ..Default::default() };
        let mut f = facts(ComplaintCategory::Other, "GB");
        assert!(!rule_matches(&harm, &f));
        f.responsible_gambling = true;
        assert!(rule_matches(&harm, &f));
        let chat = RoutingRule { channels: vec![Channel::LiveChat.into()], ..Default::default() };
        assert!(!rule_matches(&chat, &f));
    }

    #[test]
    fn escalations_match_only_escalation_rules() {
        let escalated_rule =
            RoutingRule { jurisdictions: vec!["MT".into()], escalated: Some(true), ..Default::default() };
        let queues = vec![queue("catch-all", 1000, vec![]), queue("mt-escalations", 10, vec![escalated_rule])];
        let mt = facts(ComplaintCategory::Bonus, "MT");
        assert_eq!(route(&queues, &mt).as_deref(), Some("catch-all"), "an escalation rule skips new cases");
        assert_eq!(route(&queues, &mt.clone().escalating()).as_deref(), Some("mt-escalations"));
        assert_eq!(route(&queues, &facts(ComplaintCategory::Bonus, "GB").escalating()), None, "no catch-all");
    }

    #[test]
    fn the_first_matching_queue_by_priority_wins_and_no_rules_catch_all() {
        let mt_bonus = RoutingRule {
            categories: vec![ComplaintCategory::Bonus.into()],
            jurisdictions: vec!["MT".into()],
            ..Default::default()
        };
        let queues = vec![
            queue("catch-all", 1000, vec![]),
            queue("malta-bonus", 10, vec![mt_bonus.clone()]),
            queue("a-bonus", 10, vec![mt_bonus]),
        ];
        assert_eq!(route(&queues, &facts(ComplaintCategory::Bonus, "MT")).as_deref(), Some("a-bonus"), "ties by id");
        assert_eq!(route(&queues, &facts(ComplaintCategory::Bonus, "GB")).as_deref(), Some("catch-all"));
        assert_eq!(route(&queues[1..], &facts(ComplaintCategory::Bonus, "GB")), None);
        assert_eq!(route_or_default(&queues[1..], &facts(ComplaintCategory::Withdrawal, "GB")), "payments");
        assert_eq!(route_or_default(&[], &facts(ComplaintCategory::Bonus, "MT")), "bonus");
        let req = OpenCaseRequest {
            category: ComplaintCategory::Bonus.into(),
            player: Some(redress_proto::common::v1::Player { jurisdiction: "mt".into(), ..Default::default() }),
            ..Default::default()
        };
        let case = Case { category: req.category, player: req.player.clone(), ..Default::default() };
        assert_eq!(Facts::of_request(&req), Facts::of_case(&case));
        assert_eq!(route(&queues, &Facts::of_case(&case)).as_deref(), Some("a-bonus"));
    }

    #[test]
    fn definitions_are_validated_field_by_field() {
        let mut q = queue(
            "x",
            2000,
            vec![RoutingRule { categories: vec![0], jurisdictions: vec!["MLT".into()], ..Default::default() }],
        );
        q.business_hours = Some(BusinessHours {
            time_zone: "Malta".into(),
            ranges: vec![Range { weekday: 8, start_minute: 600, end_minute: 500 }],
        });
        let mut v = Violations::new();
        validate(&mut v, &q, "queue");
        let err = v.into_result().unwrap_err();
        let text = format!("{err:?}");
        for field in [
            "queue.priority",
            "queue.rules[0].categories[0]",
            "queue.rules[0].jurisdictions[0]",
            "queue.business_hours.time_zone",
            "queue.business_hours.ranges[0].weekday",
            "queue.business_hours.ranges[0].end_minute",
        ] {
            assert!(text.contains(field), "{field} in {text}");
        }
        assert!(is_time_zone_name("Europe/Malta") && is_time_zone_name("America/Argentina/Buenos_Aires"));
        assert!(!is_time_zone_name("europe/malta") && !is_time_zone_name("Europe//Malta"));
        // Well formed but not in the database.
        assert!(!is_time_zone_name("Europe/Atlantis") && is_time_zone_name("UTC"));
        assert!(is_queue_id("malta-bonus") && !is_queue_id("1q") && !is_queue_id("Malta"));
    }
}
