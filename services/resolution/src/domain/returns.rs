//! Regulatory returns: the UKGC's counts and the MGA's list of ADR
//! referrals, aggregated from the cases of a period. Pure over the cases
//! the store found, so the arithmetic is tested without a database.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use redress_proto::resolution::v1::{
    Case, MgaAdrEntry, MgaAdrReport, Regulator, UkgcCategoryCount, UkgcReturn, get_regulatory_return_response::Report,
};

/// A half-open reporting period, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The first instant in the period.
    pub start: DateTime<Utc>,
    /// The first instant after it.
    pub end: DateTime<Utc>,
}

impl Period {
    /// True when `at` is set and falls in the period.
    pub fn contains(&self, at: Option<DateTime<Utc>>) -> bool {
        at.is_some_and(|t| t >= self.start && t < self.end)
    }
}

/// One case as a return counts it: the stored dates, not the body's, since
/// a dispute stays counted in the period it became one.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    /// `cases/{id}`.
    pub name: String,
    /// The player's id at the casino.
    pub player_id: String,
    /// The case as stored.
    pub body: Case,
    /// When the complaint was opened as a case.
    pub created_at: DateTime<Utc>,
    /// When it became a dispute, if it did.
    pub disputed_at: Option<DateTime<Utc>>,
    /// When an ADR body's enquiry about it was received, if one was.
    pub referred_at: Option<DateTime<Utc>>,
}

/// The jurisdiction whose players a regulator's return covers.
pub fn jurisdiction(regulator: Regulator) -> &'static str {
    if regulator == Regulator::Ukgc { "GB" } else { "MT" }
}

/// The return `regulator` asks for over `cases` in `period`: the UKGC's
/// counts, or (for the MGA) the disputes referred to ADR.
pub fn report(regulator: Regulator, cases: &[Counted], period: Period) -> Report {
    match regulator {
        Regulator::Ukgc => Report::Ukgc(ukgc(cases, period)),
        _ => Report::Mga(mga(cases, period)),
    }
}

/// The UKGC return: complaints, disputes and disputes referred to ADR whose
/// date falls in the period, in total and by category (in category order).
pub fn ukgc(cases: &[Counted], period: Period) -> UkgcReturn {
    let mut total = UkgcReturn::default();
    let mut by_category: BTreeMap<i32, UkgcCategoryCount> = BTreeMap::new();
    for case in cases {
        let [complaints, disputes, referred] =
            [Some(case.created_at), case.disputed_at, case.referred_at].map(|t| i64::from(period.contains(t)));
        let category = case.body.category;
        let entry = by_category.entry(category).or_insert_with(|| UkgcCategoryCount { category, ..Default::default() });
        entry.complaints += complaints;
        entry.disputes += disputes;
        entry.disputes_referred_to_adr += referred;
        total.complaints += complaints;
        total.disputes += disputes;
        total.disputes_referred_to_adr += referred;
    }
    total.categories = by_category.into_values().collect();
    total
}

/// The MGA report: every case referred to ADR in the period, with the
/// referral's outcome, in order of referral (then case name).
pub fn mga(cases: &[Counted], period: Period) -> MgaAdrReport {
    let mut entries: Vec<(DateTime<Utc>, MgaAdrEntry)> = cases
        .iter()
        .filter(|case| period.contains(case.referred_at))
        .filter_map(|case| {
            let referral = case.body.adr_referral.clone()?;
            Some((
                case.referred_at?,
                MgaAdrEntry {
                    player_id: case.player_id.clone(),
                    subject: case.body.subject.clone(),
                    category: case.body.category,
                    outcome: referral.outcome,
                    conclusion: referral.conclusion,
                    adr_body: referral.adr_body,
                    adr_reference: referral.adr_reference,
                    referral_time: referral.enquiry_receive_time,
                    case: case.name.clone(),
                    complaint_reference: case.body.complaint_reference.clone(),
                },
            ))
        })
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.case.cmp(&b.1.case)));
    MgaAdrReport { entries: entries.into_iter().map(|(_, e)| e).collect() }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use redress_proto::{common::v1::ComplaintCategory, resolution::v1::AdrReferral};

    use super::*;

    fn day(n: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::days(n)
    }

    fn counted(
        name: &str,
        category: ComplaintCategory,
        created: i64,
        disputed: Option<i64>,
        referred: Option<i64>,
    ) -> Counted {
        Counted {
            name: name.into(),
            player_id: format!("player-{name}"),
            body: Case {
                category: category.into(),
                subject: format!("subject {name}"),
                adr_referral: referred.map(|_| AdrReferral { adr_body: "IBAS".into(), ..Default::default() }),
                ..Default::default()
            },
            created_at: day(created),
            disputed_at: disputed.map(day),
            referred_at: referred.map(day),
        }
    }

    fn period() -> Period {
        Period { start: day(10), end: day(20) }
    }

    #[test]
    fn the_period_is_half_open() {
        assert!(period().contains(Some(day(10))));
        assert!(!period().contains(Some(day(20))));
        assert!(!period().contains(None));
    }

    #[test]
    fn ukgc_counts_each_date_in_its_own_period() {
        let cases = [
            counted("a", ComplaintCategory::Withdrawal, 12, Some(13), Some(14)),
            // Filed before the period, disputed in it.
            counted("b", ComplaintCategory::Withdrawal, 5, Some(11), None),
            counted("c", ComplaintCategory::Bonus, 15, None, Some(25)),
        ];
        let r = ukgc(&cases, period());
        assert_eq!((r.complaints, r.disputes, r.disputes_referred_to_adr), (2, 2, 1));
        let categories: Vec<_> = r.categories.iter().map(|c| (c.category, c.complaints, c.disputes)).collect();
        let withdrawal = ComplaintCategory::Withdrawal as i32;
        let bonus = ComplaintCategory::Bonus as i32;
        let mut expected = vec![(withdrawal, 1, 2), (bonus, 1, 0)];
        expected.sort();
        assert_eq!(categories, expected, "by category, in category order");
    }

    #[test]
    fn mga_lists_the_referrals_in_order() {
        let cases = [
            counted("cases/b", ComplaintCategory::Withdrawal, 1, None, Some(15)),
            counted("cases/a", ComplaintCategory::Withdrawal, 1, None, Some(15)),
            counted("cases/c", ComplaintCategory::Bonus, 1, None, Some(11)),
            counted("cases/d", ComplaintCategory::Bonus, 1, None, Some(30)),
            counted("cases/e", ComplaintCategory::Bonus, 12, None, None),
        ];
        let r = mga(&cases, period());
        let names: Vec<_> = r.entries.iter().map(|e| e.case.as_str()).collect();
        assert_eq!(names, ["cases/c", "cases/a", "cases/b"]);
        assert_eq!(r.entries[0].adr_body, "IBAS");
        assert_eq!(r.entries[0].player_id, "player-cases/c");
    }

    #[test]
    fn each_regulator_covers_its_players() {
        assert_eq!(jurisdiction(Regulator::Ukgc), "GB");
        assert_eq!(jurisdiction(Regulator::Mga), "MT");
        assert!(matches!(report(Regulator::Mga, &[], period()), Report::Mga(_)));
    }
}
