//! Pseudonymising a case for an erasure of its player's data: what is
//! personal (the player's name and e-mail, the complaint's words, every
//! free text agents and the player wrote) is replaced; what the law keeps
//! (ids, dates, category, outcome, amounts, clocks, states) stays.

use redress_db::erasure::{erase_player, erase_text, erased};
use redress_proto::resolution::v1::{Case, OpenCaseRequest};

/// Replaces `text` when it holds something, adding what it held to `out`.
fn blank(text: &mut String, out: &mut Vec<String>) {
    *text = erase_text(text, out);
}

/// Pseudonymises a case body in place; returns the personal values it
/// held (to find their stored copies).
pub fn erase_case(case: &mut Case) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(player) = case.player.as_mut() {
        let (kept, found) = erase_player(player);
        *player = kept;
        out.extend(found);
    }
    blank(&mut case.subject, &mut out);
    blank(&mut case.description, &mut out);
    for p in &mut case.proposals {
        blank(&mut p.message, &mut out);
        blank(&mut p.rationale, &mut out);
        blank(&mut p.player_comment, &mut out);
    }
    if let Some(f) = case.final_response.as_mut() {
        blank(&mut f.text, &mut out);
    }
    if let Some(e) = case.escalation.as_mut() {
        blank(&mut e.comment, &mut out);
    }
    if let Some(a) = case.adr_referral.as_mut() {
        blank(&mut a.enquiry_answer, &mut out);
        blank(&mut a.conclusion, &mut out);
    }
    for f in &mut case.follow_ups {
        blank(&mut f.comment, &mut out);
    }
    out
}

/// An OpenCase that arrives after its complaint was erased (deliveries are
/// not ordered): the case opens with the facts and without the player's
/// name, address and words.
pub fn erase_open_case(req: &mut OpenCaseRequest) {
    req.player = req.player.as_ref().map(|p| erase_player(p).0);
    req.subject = erased(&req.subject);
    req.description = erased(&req.description);
}

/// The summary of the PERSONAL_DATA_ERASED event: the erasure, and the
/// head a version-1 history had before it was resealed.
pub fn erased_summary(erasure: &str, resealed_from: Option<&str>) -> String {
    match resealed_from {
        Some(head) => {
            format!("personal data erased ({erasure}); version-1 history resealed as version 2, previous head {head}")
        }
        None => format!("personal data erased ({erasure})"),
    }
}

/// The name an erased evidence file keeps.
pub fn erased_filename(evidence_id: &str) -> String {
    format!("erased-{evidence_id}")
}

#[cfg(test)]
mod tests {
    use redress_db::erasure::ERASED;
    use redress_proto::{
        common::v1::{ComplaintCategory, Money, Player},
        resolution::v1::{FinalResponse, Proposal},
    };

    use super::*;

    #[test]
    fn a_case_keeps_its_facts_and_loses_its_words() {
        let mut case = Case {
            player: Some(Player {
                player_id: "p-1".into(),
                display_name: "Ann CANARY".into(),
                email: "canary@example.com".into(),
                jurisdiction: "GB".into(),
                ..Default::default()
            }),
            subject: "CANARY subject".into(),
            description: "CANARY words".into(),
            complaint: "complaints/c-1".into(),
            category: 3,
            proposals: vec![Proposal {
                message: "CANARY offer".into(),
                amount: Some(Money { amount_minor: 500, currency_code: "EUR".into() }),
                ..Default::default()
            }],
            final_response: Some(FinalResponse { text: "CANARY final".into(), ..Default::default() }),
            ..Default::default()
        };
        let found = erase_case(&mut case);
        assert_eq!(found.len(), 6);
        let player = case.player.clone().unwrap_or_default();
        assert_eq!((player.player_id.as_str(), player.jurisdiction.as_str()), ("p-1", "GB"));
        assert!(player.display_name.is_empty() && player.email.is_empty());
        assert_eq!(case.description, ERASED);
        assert_eq!(case.proposals[0].amount.as_ref().map(|m| m.amount_minor), Some(500));
        assert_eq!((case.complaint.as_str(), case.category), ("complaints/c-1", 3));
        assert!(!format!("{case:?}").contains("CANARY"));
        assert!(erase_case(&mut case).is_empty(), "erasing twice finds nothing more");
    }

    #[test]
    fn the_erasure_event_names_a_reseal() {
        assert_eq!(erased_summary("erasures/e", None), "personal data erased (erasures/e)");
        assert!(erased_summary("erasures/e", Some("ab12")).ends_with("previous head ab12"));
    }

    #[test]
    fn a_late_opening_keeps_the_facts_and_loses_the_words() {
        let mut req = OpenCaseRequest {
            complaint: "complaints/c-1".into(),
            player: Some(Player {
                player_id: "p-1".into(),
                display_name: "Ann CANARY".into(),
                email: "ann@example.com".into(),
                jurisdiction: "GB".into(),
                ..Default::default()
            }),
            category: ComplaintCategory::Withdrawal.into(),
            subject: "CANARY's withdrawal".into(),
            description: String::new(),
            ..Default::default()
        };
        erase_open_case(&mut req);
        let player = req.player.as_ref().unwrap();
        assert_eq!((player.player_id.as_str(), player.jurisdiction.as_str()), ("p-1", "GB"));
        assert!(player.display_name.is_empty() && player.email.is_empty());
        assert_eq!((req.subject.as_str(), req.description.as_str()), (ERASED, ""));
        assert_eq!((req.complaint.as_str(), req.category()), ("complaints/c-1", ComplaintCategory::Withdrawal));
    }
}
