//! Response macros: reusable text with placeholders filled from the case's
//! facts (minijinja templates, plain text, no HTML escaping). Only the
//! documented placeholders are accepted, so a typo fails when the macro is
//! saved, not when an agent sends it.

use std::collections::BTreeMap;

use minijinja::{Environment, Value};
use redress_proto::{
    common::v1::{ComplaintCategory, Money, TransactionReferences},
    resolution::v1::{Case, clock::Kind, proposal},
};

use super::{clocks, from_timestamp, machine::money_text};

/// The placeholders a macro may use.
pub const PLACEHOLDERS: &[&str] = &[
    "complaint_reference",
    "player_name",
    "category",
    "disputed_amount",
    "amount",
    "acknowledge_due_date",
    "final_response_due_date",
    "adr_body",
    "agent_name",
    "deposit_id",
    "withdrawal_id",
    "payment_method",
    "bet_id",
    "round_id",
    "game_id",
    "game_provider",
    "bonus_id",
    "kyc_case_id",
];

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // Messages are plain text on every channel; escaping would corrupt them.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}

/// Checks a macro body: it must parse, and use only [`PLACEHOLDERS`].
pub fn check(body: &str) -> Result<(), String> {
    let env = environment();
    let template = env.template_from_str(body).map_err(|e| format!("is not a valid template: {e}"))?;
    let mut unknown: Vec<String> =
        template.undeclared_variables(false).into_iter().filter(|v| !PLACEHOLDERS.contains(&v.as_str())).collect();
    unknown.sort();
    if unknown.is_empty() { Ok(()) } else { Err(format!("uses unknown placeholders: {}", unknown.join(", "))) }
}

/// The facts of a case, by placeholder; empty when the case has none.
pub fn facts(case: &Case, amount: Option<&Money>, agent_name: &str, adr_body: &str) -> BTreeMap<String, String> {
    let player = case.player.clone().unwrap_or_default();
    let refs: TransactionReferences = case.transaction_references.clone().unwrap_or_default();
    let date_of = |kind: Kind| {
        case.clocks
            .iter()
            .rev()
            .find(|c| c.kind == kind as i32 && clocks::is_running(c))
            .or_else(|| case.clocks.iter().rev().find(|c| c.kind == kind as i32))
            .and_then(|c| c.due_time.as_ref())
            .and_then(from_timestamp)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    // The amount: the one given, else the open (or latest) proposal's.
    let amount = amount.cloned().or_else(|| {
        let open = case.proposals.iter().rev().find(|p| p.state == proposal::State::Open as i32);
        open.or(case.proposals.last()).and_then(|p| p.amount.clone())
    });
    let category = ComplaintCategory::try_from(case.category)
        .unwrap_or_default()
        .as_str_name()
        .trim_start_matches("COMPLAINT_CATEGORY_")
        .replace('_', " ")
        .to_ascii_lowercase();
    let category = if category == "unspecified" { String::new() } else { category };
    let adr = if adr_body.is_empty() {
        case.final_response.as_ref().map(|f| f.adr_body.clone()).unwrap_or_default()
    } else {
        adr_body.to_owned()
    };
    [
        ("complaint_reference", case.complaint_reference.clone()),
        ("player_name", player.display_name),
        ("category", category),
        ("disputed_amount", case.disputed_amount.as_ref().map(money_text).unwrap_or_default()),
        ("amount", amount.as_ref().map(money_text).unwrap_or_default()),
        ("acknowledge_due_date", date_of(Kind::Acknowledge)),
        ("final_response_due_date", date_of(Kind::FinalResponse)),
        ("adr_body", adr),
        ("agent_name", agent_name.to_owned()),
        ("deposit_id", refs.deposit_id),
        ("withdrawal_id", refs.withdrawal_id),
        ("payment_method", refs.payment_method),
        ("bet_id", refs.bet_id),
        ("round_id", refs.round_id),
        ("game_id", refs.game_id),
        ("game_provider", refs.game_provider),
        ("bonus_id", refs.bonus_id),
        ("kyc_case_id", refs.kyc_case_id),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Renders a macro body with facts. Returns the text and the placeholders
/// it uses that had no value (they render empty).
pub fn render(body: &str, facts: &BTreeMap<String, String>) -> Result<(String, Vec<String>), String> {
    let env = environment();
    let template = env.template_from_str(body).map_err(|e| format!("macro is not a valid template: {e}"))?;
    let mut missing: Vec<String> = template
        .undeclared_variables(false)
        .into_iter()
        .filter(|v| facts.get(v).is_none_or(|value| value.is_empty()))
        .collect();
    missing.sort();
    let context = Value::from_pairs(facts.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>());
    let text = template.render(context).map_err(|e| format!("macro cannot be rendered: {e}"))?;
    Ok((text, missing))
}

/// True when a macro in `language` serves a `wanted` language: the same
/// tag, or the same primary language ("pl" serves "pl-PL" and back).
pub fn language_matches(wanted: &str, language: &str) -> bool {
    let primary = |tag: &str| tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    !wanted.is_empty() && primary(wanted) == primary(language)
}

#[cfg(test)]
mod tests {
    use redress_proto::common::v1::Player;

    use super::*;

    #[test]
    fn unknown_placeholders_are_refused_when_saved() {
        assert!(check("Dear {{ player_name }}, about {{ complaint_reference }}").is_ok());
        let err = check("Dear {{ player_nam }}").unwrap_err();
        assert!(err.contains("player_nam"), "{err}");
        assert!(check("Dear {{ player_name ").is_err());
    }

    #[test]
    fn macros_render_with_the_case_facts_and_name_what_is_missing() {
        let case = Case {
            complaint_reference: "RDR-2026-000123".into(),
            player: Some(Player { display_name: "Anna".into(), ..Default::default() }),
            transaction_references: Some(TransactionReferences { withdrawal_id: "W-9".into(), ..Default::default() }),
            category: ComplaintCategory::Withdrawal.into(),
            ..Default::default()
        };
        let amount = Money { amount_minor: 12550, currency_code: "EUR".into() };
        let facts = facts(&case, Some(&amount), "agent-7", "");
        let (text, missing) =
            render("Dear {{ player_name }}, we refund {{ amount }} for {{ withdrawal_id }} {{ bet_id }}<b>", &facts)
                .unwrap();
        assert_eq!(text, "Dear Anna, we refund 125.50 EUR for W-9 <b>");
        assert_eq!(missing, ["bet_id"]);
        assert_eq!(facts["category"], "withdrawal");
    }

    #[test]
    fn languages_match_on_the_primary_tag() {
        assert!(language_matches("pl", "pl-PL"));
        assert!(language_matches("en-GB", "en"));
        assert!(!language_matches("en", "pl"));
        assert!(!language_matches("", "en"));
    }
}
