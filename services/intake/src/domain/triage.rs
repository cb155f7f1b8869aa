//! Triage: the category when the channel did not capture one, signs of
//! gambling harm, and the priority. Pure rules over the complaint's text and
//! facts; English and Polish keywords (Polish with and without diacritics,
//! matched on stems so inflected forms hit).

use redress_proto::common::v1::{ComplaintCategory, Money, Priority};

/// Keyword stems per category, checked against the lower-cased text.
const CATEGORY_KEYWORDS: &[(ComplaintCategory, &[&str])] = &[
    (
        ComplaintCategory::ResponsibleGambling,
        &["self-exclu", "self exclu", "samowyklucz", "addict", "uzależn", "uzalezn", "gamstop"],
    ),
    (
        ComplaintCategory::Withdrawal,
        &["withdraw", "payout", "pay out", "cash out", "cashout", "wypłat", "wyplat", "wypłac", "wyplac"],
    ),
    (
        ComplaintCategory::Verification,
        &[
            "verif",
            "kyc",
            "source of funds",
            "proof of address",
            "documents",
            "weryfik",
            "dokument",
            "pochodzenia środków",
        ],
    ),
    (
        ComplaintCategory::Bonus,
        &["bonus", "wager", "free spin", "freespin", "rollover", "obrót", "obrot", "darmowe spiny", "promocj"],
    ),
    (
        ComplaintCategory::GameMalfunction,
        &[
            "froze",
            "freez",
            "crash",
            "malfunction",
            "glitch",
            "voided",
            "void bet",
            "rng",
            "rigged",
            "disconnect",
            "zawiesi",
            "błąd gry",
            "blad gry",
            "unieważ",
            "uniewaz",
            "rozłączy",
            "rozlaczy",
        ],
    ),
    (
        ComplaintCategory::AccountClosure,
        &[
            "account closed",
            "closed my account",
            "account was closed",
            "suspended",
            "restricted",
            "blocked",
            "zablokow",
            "zamknię",
            "zamknie",
            "zawieszon",
        ],
    ),
    (ComplaintCategory::Deposit, &["deposit", "depozyt", "wpłat", "wplat", "doładow", "doladow", "charged twice"]),
    (
        ComplaintCategory::Marketing,
        &["marketing", "promotional", "spam", "newsletter", "unsubscribe", "reklam", "wypisa"],
    ),
    (
        ComplaintCategory::CustomerService,
        &[
            "rude",
            "customer service",
            "support agent",
            "live chat agent",
            "no reply",
            "obsług",
            "obslug",
            "konsultant",
            "niegrzeczn",
        ],
    ),
    (ComplaintCategory::TermsAndConditions, &["terms and conditions", "t&c", "terms of service", "regulamin"]),
    (
        ComplaintCategory::ComplaintsProcedure,
        &["complaint procedure", "complaints procedure", "procedura reklamac", "reklamacja nie została"],
    ),
];

/// Harm indicators: id and keyword stems.
const HARM_KEYWORDS: &[(&str, &[&str])] = &[
    ("chasing_losses", &["chasing", "chase my losses", "win it back", "win back", "odegra", "odrobi"]),
    (
        "heavy_losses",
        &[
            "lost everything",
            "lost all my",
            "all my savings",
            "all my money",
            "straciłem wszystko",
            "stracilem wszystko",
            "straciłam wszystko",
            "stracilam wszystko",
            "wszystkie oszczędności",
            "wszystkie oszczednosci",
        ],
    ),
    (
        "borrowing",
        &[
            "borrow",
            "loan",
            "in debt",
            "my debt",
            "credit card debt",
            "payday",
            "pożycz",
            "pozycz",
            "kredyt",
            "dług",
            "dlug",
            "chwilówk",
            "chwilowk",
        ],
    ),
    (
        "self_exclusion",
        &["self-exclu", "self exclu", "exclude me", "gamstop", "samowyklucz", "wyklucz mnie", "zablokujcie mnie"],
    ),
    (
        "addiction",
        &[
            "addict",
            "can't stop",
            "cannot stop",
            "gambling problem",
            "problem with gambling",
            "uzależn",
            "uzalezn",
            "nałóg",
            "nalog",
            "nie mogę przestać",
            "nie moge przestac",
        ],
    ),
    ("distress", &["suicid", "desperate", "kill myself", "samobój", "samoboj", "zrozpacz"]),
];

/// What triage concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Triage {
    /// The category (given or inferred).
    pub category: ComplaintCategory,
    /// True when inferred from the text.
    pub category_inferred: bool,
    /// Harm indicators found, in a stable order.
    pub harm_indicators: Vec<String>,
    /// True when the complaint goes to the responsible-gambling queue.
    pub responsible_gambling: bool,
    /// The priority.
    pub priority: Priority,
}

/// The facts triage looks at.
#[derive(Debug, Clone, Copy)]
pub struct TriageInput<'a> {
    /// Category as submitted (Unspecified to infer).
    pub category: ComplaintCategory,
    /// Subject line.
    pub subject: &'a str,
    /// Full description.
    pub description: &'a str,
    /// Amount the player disputes.
    pub disputed_amount: Option<&'a Money>,
    /// The casino flagged the player as self-excluded.
    pub self_excluded: bool,
    /// The casino flagged the player as at risk.
    pub at_risk: bool,
    /// The player's complaints reached the complaint-frequency rule.
    pub frequent_complainant: bool,
}

/// Amount (in minor units) from which a money complaint is HIGH priority.
pub const HIGH_PRIORITY_AMOUNT_MINOR: i64 = 50_000;

/// Triage a complaint.
pub fn triage(input: TriageInput<'_>) -> Triage {
    let text = format!("{}\n{}", input.subject, input.description).to_lowercase();
    let (category, category_inferred) = match input.category {
        ComplaintCategory::Unspecified => (infer_category(&text), true),
        given => (given, false),
    };
    let mut harm_indicators: Vec<String> = HARM_KEYWORDS
        .iter()
        .filter(|(_, stems)| stems.iter().any(|s| text.contains(s)))
        .map(|(id, _)| (*id).to_owned())
        .collect();
    if input.self_excluded {
        harm_indicators.push("self_excluded_player".into());
    }
    if input.at_risk {
        harm_indicators.push("at_risk_player".into());
    }
    if input.frequent_complainant {
        harm_indicators.push("complaint_frequency".into());
    }
    let responsible_gambling = !harm_indicators.is_empty() || category == ComplaintCategory::ResponsibleGambling;
    let priority = priority(category, responsible_gambling, input.disputed_amount);
    Triage { category, category_inferred, harm_indicators, responsible_gambling, priority }
}

/// The category whose keywords hit most often; OTHER when none hit. Ties go to
/// the category listed first (the more consequential one).
pub fn infer_category(lowercase_text: &str) -> ComplaintCategory {
    let mut best = (ComplaintCategory::Other, 0usize);
    for (category, stems) in CATEGORY_KEYWORDS {
        let hits: usize = stems.iter().map(|s| lowercase_text.matches(s).count()).sum();
        if hits > best.1 {
            best = (*category, hits);
        }
    }
    best.0
}

fn priority(category: ComplaintCategory, responsible_gambling: bool, amount: Option<&Money>) -> Priority {
    if responsible_gambling {
        return Priority::Urgent;
    }
    let amount = amount.map(|m| m.amount_minor).unwrap_or(0);
    match category {
        ComplaintCategory::Withdrawal
        | ComplaintCategory::Deposit
        | ComplaintCategory::AccountClosure
        | ComplaintCategory::GameMalfunction
        | ComplaintCategory::Verification
        | ComplaintCategory::Bonus
            if amount >= HIGH_PRIORITY_AMOUNT_MINOR =>
        {
            Priority::High
        }
        ComplaintCategory::Marketing | ComplaintCategory::CustomerService | ComplaintCategory::Other if amount == 0 => {
            Priority::Low
        }
        _ if amount >= 10 * HIGH_PRIORITY_AMOUNT_MINOR => Priority::High,
        _ => Priority::Normal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(category: ComplaintCategory, subject: &str, description: &str, amount: i64) -> Triage {
        let money = Money { amount_minor: amount, currency_code: "EUR".into() };
        triage(TriageInput {
            category,
            subject,
            description,
            disputed_amount: (amount > 0).then_some(&money),
            self_excluded: false,
            at_risk: false,
            frequent_complainant: false,
        })
    }

    #[test]
    fn frequent_complaints_are_a_harm_marker() {
        let input = TriageInput {
            category: ComplaintCategory::Withdrawal,
            subject: "Withdrawal late",
            description: "Still pending.",
            disputed_amount: None,
            self_excluded: false,
            at_risk: false,
            frequent_complainant: true,
        };
        let t = triage(input);
        assert_eq!(t.harm_indicators, ["complaint_frequency"]);
        assert!(t.responsible_gambling);
        assert_eq!(t.priority, Priority::Urgent);
    }

    #[test]
    fn english_text_infers_the_category() {
        let t =
            run(ComplaintCategory::Unspecified, "Withdrawal pending", "My withdrawal has been pending for 10 days", 0);
        assert_eq!(t.category, ComplaintCategory::Withdrawal);
        assert!(t.category_inferred);
        let t = run(ComplaintCategory::Unspecified, "Game froze", "The slot froze mid spin and my bet was voided", 0);
        assert_eq!(t.category, ComplaintCategory::GameMalfunction);
        let t =
            run(ComplaintCategory::Unspecified, "Wagering", "The bonus wagering requirement was never explained", 0);
        assert_eq!(t.category, ComplaintCategory::Bonus);
    }

    #[test]
    fn polish_text_infers_the_category_with_or_without_diacritics() {
        let t = run(ComplaintCategory::Unspecified, "Reklamacja", "Nie otrzymałem wypłaty od tygodnia", 0);
        assert_eq!(t.category, ComplaintCategory::Withdrawal);
        let t = run(ComplaintCategory::Unspecified, "Reklamacja", "Nie otrzymalem wyplaty od tygodnia", 0);
        assert_eq!(t.category, ComplaintCategory::Withdrawal);
        let t = run(ComplaintCategory::Unspecified, "Konto", "Moje konto zostało zablokowane bez powodu", 0);
        assert_eq!(t.category, ComplaintCategory::AccountClosure);
        let t = run(ComplaintCategory::Unspecified, "Weryfikacja", "Weryfikacja dokumentów trwa miesiąc", 0);
        assert_eq!(t.category, ComplaintCategory::Verification);
    }

    #[test]
    fn a_given_category_wins_and_unmatched_text_is_other() {
        let t = run(ComplaintCategory::Deposit, "Withdrawal", "withdrawal", 0);
        assert_eq!(t.category, ComplaintCategory::Deposit);
        assert!(!t.category_inferred);
        assert_eq!(run(ComplaintCategory::Unspecified, "Hello", "Something odd", 0).category, ComplaintCategory::Other);
    }

    #[test]
    fn harm_indicators_route_to_responsible_gambling_at_urgent_priority() {
        let t = run(ComplaintCategory::Bonus, "Bonus", "I borrowed money to chase my losses and lost everything", 0);
        assert!(t.responsible_gambling);
        assert_eq!(t.priority, Priority::Urgent);
        assert_eq!(t.harm_indicators, ["chasing_losses", "heavy_losses", "borrowing"]);
        let t =
            run(ComplaintCategory::Unspecified, "Pomocy", "Jestem uzależniony, wzięłam chwilówkę żeby się odegrać", 0);
        assert!(t.responsible_gambling);
        assert_eq!(t.category, ComplaintCategory::ResponsibleGambling);
        assert!(t.harm_indicators.contains(&"addiction".to_owned()));
        assert!(t.harm_indicators.contains(&"borrowing".to_owned()));
        assert!(t.harm_indicators.contains(&"chasing_losses".to_owned()));
    }

    #[test]
    fn flagged_players_are_responsible_gambling_cases() {
        let t = triage(TriageInput {
            category: ComplaintCategory::Marketing,
            subject: "Emails",
            description: "You keep sending me offers",
            disputed_amount: None,
            self_excluded: true,
            at_risk: false,
            frequent_complainant: false,
        });
        assert!(t.responsible_gambling);
        assert_eq!(t.harm_indicators, ["self_excluded_player"]);
    }

    #[test]
    fn priority_follows_category_and_amount() {
        assert_eq!(run(ComplaintCategory::Withdrawal, "s", "d", 60_000).priority, Priority::High);
        assert_eq!(run(ComplaintCategory::Withdrawal, "s", "d", 1_000).priority, Priority::Normal);
        assert_eq!(run(ComplaintCategory::CustomerService, "s", "d", 0).priority, Priority::Low);
        assert_eq!(run(ComplaintCategory::TermsAndConditions, "s", "d", 600_000).priority, Priority::High);
    }
}
