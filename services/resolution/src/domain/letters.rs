//! What a letter to the player says beyond its text: the template variables
//! resolution sends notification with each message. The names here are the
//! ones the built-in templates (`services/notification/templates/*.toml`)
//! read; a test there renders every event with exactly these.

use std::collections::HashMap;

use redress_policy::AdrContact;
use redress_proto::{common::v1::Outcome, resolution::v1::Case};

use super::machine::Notice;

/// The outcome as letters name it (`upheld`, `partially_upheld`,
/// `not_upheld`); templates turn it into words of their language.
pub fn outcome_slug(outcome: Outcome) -> Option<&'static str> {
    match outcome {
        Outcome::Upheld => Some("upheld"),
        Outcome::PartiallyUpheld => Some("partially_upheld"),
        Outcome::NotUpheld => Some("not_upheld"),
        Outcome::Unspecified => None,
    }
}

/// The variables of one message to the player. `adr` is the ADR body the
/// letter names: for a final response the one it recorded, for the ADR-rights
/// notice the jurisdiction's default.
pub fn variables(case: &Case, text: &str, notice: Notice, adr: Option<&AdrContact>) -> HashMap<String, String> {
    let mut vars = HashMap::new();
    vars.insert("complaint_reference".to_owned(), case.complaint_reference.clone());
    vars.insert("player_name".to_owned(), case.player.as_ref().map(|p| p.display_name.clone()).unwrap_or_default());
    vars.insert("message".to_owned(), text.to_owned());
    if notice == Notice::FinalResponse
        && let Some(slug) = outcome_slug(Outcome::try_from(case.outcome).unwrap_or(Outcome::Unspecified))
    {
        vars.insert("outcome".to_owned(), slug.to_owned());
    }
    if matches!(notice, Notice::FinalResponse | Notice::AdrRightsNotice)
        && let Some(adr) = adr
    {
        vars.insert("adr_body_name".to_owned(), adr.name.clone());
        if !adr.url.is_empty() {
            vars.insert("adr_body_url".to_owned(), adr.url.clone());
        }
    }
    vars
}

#[cfg(test)]
mod tests {
    use redress_proto::resolution::v1::FinalResponse;

    use super::*;

    fn ibas() -> AdrContact {
        AdrContact { name: "IBAS".into(), url: "https://www.ibas-uk.com".into() }
    }

    #[test]
    fn a_final_response_carries_the_outcome_and_the_adr_body() {
        let case = Case {
            complaint_reference: "RDR-1".into(),
            outcome: Outcome::NotUpheld.into(),
            final_response: Some(FinalResponse { adr_body: "IBAS".into(), ..Default::default() }),
            ..Default::default()
        };
        let v = variables(&case, "no", Notice::FinalResponse, Some(&ibas()));
        assert_eq!(v["outcome"], "not_upheld");
        assert_eq!(v["adr_body_name"], "IBAS");
        assert_eq!(v["adr_body_url"], "https://www.ibas-uk.com");
        assert_eq!(v["message"], "no");
        assert!(!v.contains_key("adr_body"), "templates read adr_body_name");
    }

    #[test]
    fn other_messages_carry_neither() {
        let case = Case { outcome: Outcome::Upheld.into(), ..Default::default() };
        let v = variables(&case, "hi", Notice::AgentMessage, Some(&ibas()));
        assert!(!v.contains_key("outcome") && !v.contains_key("adr_body_name"));
        let notice =
            variables(&case, "", Notice::AdrRightsNotice, Some(&AdrContact { name: "X".into(), url: "".into() }));
        assert_eq!(notice["adr_body_name"], "X");
        assert!(!notice.contains_key("adr_body_url") && !notice.contains_key("outcome"));
    }
}
