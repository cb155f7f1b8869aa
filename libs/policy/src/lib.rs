//! The jurisdiction deadline policy: data, not code. A TOML table (shipped
//! defaults in `libs/policy/jurisdictions.toml`, replaceable by the operator)
//! decides each complaint's acknowledge and final-response deadlines, which
//! clocks may pause, what happens on expiry and which ADR bodies apply. Intake
//! and resolution read the same table.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// The policy shipped with Redress.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../jurisdictions.toml");

/// How a clock counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockUnit {
    /// Elapsed hours.
    Hours,
    /// Calendar days.
    CalendarDays,
    /// Monday–Friday, minus the jurisdiction's holidays.
    WorkingDays,
}

/// One clock's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockRule {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: ClockUnit,
}

/// What happens when the final-response deadline passes unanswered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryConsequence {
    /// Escalate to a supervisor.
    Escalate,
    /// The complaint counts as accepted (Poland).
    DeemedAccepted,
    /// The player is told of their right to go to ADR (UK, MT).
    AdrRights,
}

/// The rules of one jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JurisdictionPolicy {
    /// Time to acknowledge (first response).
    pub acknowledge: ClockRule,
    /// Time for the final response to reach the player.
    pub final_response: ClockRule,
    /// Time to acknowledge a complaint that shows signs of gambling harm.
    pub responsible_gambling_acknowledge: Option<ClockRule>,
    /// Complaints are accepted for at least this many days after the incident.
    pub complaint_window_days: u32,
    /// The final-response clock may pause while the casino waits for the player.
    #[serde(default)]
    pub clock_pause_allowed: bool,
    /// What happens at the final-response deadline.
    pub on_final_response_expiry: ExpiryConsequence,
    /// The final response must name an ADR body.
    #[serde(default)]
    pub adr_required: bool,
    /// Approved ADR bodies; the first is the one a final response names by
    /// default and the ADR-rights notice names.
    #[serde(default)]
    pub adr_bodies: Vec<String>,
    /// How a player reaches each ADR body: its web address, by name.
    #[serde(default)]
    pub adr_body_urls: BTreeMap<String, String>,
    /// Time to answer an ADR body's enquiry.
    pub adr_enquiry: Option<ClockRule>,
    /// The final response must reach the player on a durable medium.
    #[serde(default)]
    pub durable_medium_required: bool,
    /// Public holidays, skipped by working-day clocks.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
}

/// An ADR body as a letter to the player names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdrContact {
    /// The body's name, e.g. `IBAS`.
    pub name: String,
    /// Its web address; empty when the policy gives none.
    pub url: String,
}

impl JurisdictionPolicy {
    /// The contact of the ADR body `name` (case-insensitive); the policy's
    /// spelling of a known name, the caller's of an unknown one.
    pub fn adr_contact(&self, name: &str) -> Option<AdrContact> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let known = self.adr_bodies.iter().find(|b| b.eq_ignore_ascii_case(name)).map(String::as_str).unwrap_or(name);
        let url = self
            .adr_body_urls
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(known))
            .map(|(_, u)| u.clone())
            .unwrap_or_default();
        Some(AdrContact { name: known.to_owned(), url })
    }

    /// The ADR body a player is told about when nobody named one: the first.
    pub fn default_adr_contact(&self) -> Option<AdrContact> {
        self.adr_bodies.first().and_then(|b| self.adr_contact(b))
    }
}

/// The whole policy table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyTable {
    /// Version, recorded on every complaint.
    pub version: String,
    /// Rules by ISO 3166-1 alpha-2 code, plus `default`.
    pub jurisdictions: BTreeMap<String, JurisdictionPolicy>,
    /// When a player's complaints come often enough to mark them at risk;
    /// none: never.
    #[serde(default)]
    pub complaint_frequency: Option<ComplaintFrequency>,
    /// How long closed complaints are kept; none: forever.
    #[serde(default)]
    pub retention: Option<Retention>,
    /// Per-tenant rules that replace the defaults above.
    #[serde(default)]
    pub tenants: BTreeMap<String, TenantPolicy>,
}

/// Complaint frequency as a harm marker (the MGA treats rising complaint
/// frequency as one): a player's `complaints`-th complaint within `days`
/// marks them at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintFrequency {
    /// How many complaints, this one included.
    pub complaints: u32,
    /// Within how many days before this one.
    pub days: u32,
}

impl ComplaintFrequency {
    /// Whether a complaint filed after `earlier` others in the window marks
    /// the player at risk.
    pub fn marks_at_risk(&self, earlier: u64) -> bool {
        self.reached(earlier + 1)
    }

    /// Whether `count` complaints within the window reach the rule.
    pub fn reached(&self, count: u64) -> bool {
        self.complaints > 0 && count >= u64::from(self.complaints)
    }
}

/// One tenant's own rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantPolicy {
    /// Replaces the default complaint-frequency rule for this tenant.
    #[serde(default)]
    pub complaint_frequency: Option<ComplaintFrequency>,
    /// Replaces the default retention periods for this tenant.
    #[serde(default)]
    pub retention: Option<Retention>,
}

/// How many years after closing a complaint's records are kept, per
/// jurisdiction (`[retention]`: `default_years`, and `GB = 6` lines).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// For jurisdictions without their own line; 0: kept forever.
    #[serde(default)]
    pub default_years: u32,
    /// By ISO 3166-1 alpha-2 code (upper case); 0: kept forever.
    #[serde(flatten)]
    pub jurisdictions: BTreeMap<String, u32>,
}

impl Retention {
    /// The years records of `jurisdiction` are kept; 0: forever.
    pub fn years(&self, jurisdiction: &str) -> u32 {
        self.jurisdictions.get(&jurisdiction.to_ascii_uppercase()).copied().unwrap_or(self.default_years)
    }

    /// When a complaint of `jurisdiction` closed at `closed` is past
    /// retention: its closing plus the jurisdiction's years (calendar
    /// years, so 29 February ends on the 28th); none when kept forever.
    pub fn expires(&self, jurisdiction: &str, closed: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let years = self.years(jurisdiction);
        if years == 0 {
            return None;
        }
        closed.checked_add_months(chrono::Months::new(years.saturating_mul(12)))
    }

    /// Whether a complaint closed at `closed` is past retention at `now`.
    pub fn is_past(&self, jurisdiction: &str, closed: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.expires(jurisdiction, closed).is_some_and(|end| end <= now)
    }
}

/// The deadlines of one complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlines {
    /// First response due.
    pub acknowledge_due: DateTime<Utc>,
    /// Final response due.
    pub final_response_due: DateTime<Utc>,
    /// The policy entry used (`PL`, or `default`).
    pub jurisdiction: String,
    /// The policy table version.
    pub version: String,
}

/// An invalid policy file.
#[derive(Debug, thiserror::Error)]
#[error("jurisdiction policy: {0}")]
pub struct PolicyError(String);

impl PolicyTable {
    /// Parses and checks a policy table.
    pub fn from_toml(text: &str) -> Result<Self, PolicyError> {
        let table: PolicyTable = toml::from_str(text).map_err(|e| PolicyError(e.to_string()))?;
        if !table.jurisdictions.contains_key("default") {
            return Err(PolicyError("a `default` jurisdiction is required".into()));
        }
        Ok(table)
    }

    /// The shipped defaults.
    pub fn shipped() -> Result<Self, PolicyError> {
        Self::from_toml(DEFAULT_POLICY_TOML)
    }

    /// The operator's `policy_file`, or the shipped defaults without one.
    pub fn load(policy_file: Option<&std::path::Path>) -> Result<Self, PolicyError> {
        let Some(path) = policy_file else { return Self::shipped() };
        let text =
            std::fs::read_to_string(path).map_err(|e| PolicyError(format!("policy_file {}: {e}", path.display())))?;
        Self::from_toml(&text).map_err(|e| PolicyError(format!("policy_file {}: {}", path.display(), e.0)))
    }

    /// The complaint-frequency rule of `tenant`: its own, else the default.
    pub fn complaint_frequency(&self, tenant: &str) -> Option<ComplaintFrequency> {
        self.tenants.get(tenant).and_then(|t| t.complaint_frequency).or(self.complaint_frequency)
    }

    /// The retention periods of `tenant`: its own, else the default; none:
    /// kept forever.
    pub fn retention(&self, tenant: &str) -> Option<&Retention> {
        self.tenants.get(tenant).and_then(|t| t.retention.as_ref()).or(self.retention.as_ref())
    }

    /// The shortest retention period, in years, of any tenant and
    /// jurisdiction (a sweep needs to look at nothing closed more
    /// recently); none when everything is kept forever.
    pub fn shortest_retention_years(&self) -> Option<u32> {
        self.retention
            .iter()
            .chain(self.tenants.values().filter_map(|t| t.retention.as_ref()))
            .flat_map(|r| std::iter::once(r.default_years).chain(r.jurisdictions.values().copied()))
            .filter(|years| *years > 0)
            .min()
    }

    /// The rules for `jurisdiction`, falling back to `default`. Returns the key used.
    pub fn lookup(&self, jurisdiction: &str) -> (&str, &JurisdictionPolicy) {
        let key = jurisdiction.to_ascii_uppercase();
        match self.jurisdictions.get_key_value(key.as_str()) {
            Some((k, p)) => (k.as_str(), p),
            None => self
                .jurisdictions
                .get_key_value("default")
                .map(|(k, p)| (k.as_str(), p))
                .unwrap_or_else(|| unreachable_default()),
        }
    }

    /// The deadlines of a complaint submitted at `submitted` under `jurisdiction`.
    pub fn deadlines(&self, jurisdiction: &str, responsible_gambling: bool, submitted: DateTime<Utc>) -> Deadlines {
        let (key, policy) = self.lookup(jurisdiction);
        let ack_rule = match (responsible_gambling, policy.responsible_gambling_acknowledge) {
            (true, Some(rule)) => rule,
            _ => policy.acknowledge,
        };
        Deadlines {
            acknowledge_due: add(submitted, ack_rule, &policy.holidays),
            final_response_due: add(submitted, policy.final_response, &policy.holidays),
            jurisdiction: key.to_owned(),
            version: self.version.clone(),
        }
    }
}

// `from_toml` guarantees a default entry; this only satisfies the type checker.
fn unreachable_default() -> (&'static str, &'static JurisdictionPolicy) {
    static FALLBACK: std::sync::OnceLock<JurisdictionPolicy> = std::sync::OnceLock::new();
    let policy = FALLBACK.get_or_init(|| JurisdictionPolicy {
        acknowledge: ClockRule { amount: 24, unit: ClockUnit::Hours },
        final_response: ClockRule { amount: 14, unit: ClockUnit::CalendarDays },
        responsible_gambling_acknowledge: None,
        complaint_window_days: 183,
        clock_pause_allowed: false,
        on_final_response_expiry: ExpiryConsequence::Escalate,
        adr_required: false,
        adr_bodies: Vec::new(),
        adr_body_urls: BTreeMap::new(),
        adr_enquiry: None,
        durable_medium_required: false,
        holidays: Vec::new(),
    });
    ("default", policy)
}

/// Adds a clock's length to `start`.
pub fn add(start: DateTime<Utc>, rule: ClockRule, holidays: &[NaiveDate]) -> DateTime<Utc> {
    match rule.unit {
        ClockUnit::Hours => start + Duration::hours(i64::from(rule.amount)),
        ClockUnit::CalendarDays => start + Duration::days(i64::from(rule.amount)),
        ClockUnit::WorkingDays => {
            let mut at = start;
            let mut left = rule.amount;
            while left > 0 {
                at += Duration::days(1);
                let day = at.date_naive();
                if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day) {
                    left -= 1;
                }
            }
            at
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_tenant_sets_its_own_complaint_frequency_or_turns_it_off() {
        let text = format!(
            "{DEFAULT_POLICY_TOML}\n[tenants.casino-b.complaint_frequency]\ncomplaints = 2\ndays = 7\n\
             [tenants.casino-c.complaint_frequency]\ncomplaints = 0\ndays = 7\n"
        );
        let table = PolicyTable::from_toml(&text).unwrap();
        let shipped = table.complaint_frequency("casino-a").unwrap();
        assert_eq!(shipped, ComplaintFrequency { complaints: 4, days: 30 });
        assert!(!shipped.marks_at_risk(2), "the third complaint is not yet a marker");
        assert!(shipped.marks_at_risk(3), "the fourth is");
        assert!(table.complaint_frequency("casino-b").unwrap().marks_at_risk(1));
        assert!(!table.complaint_frequency("casino-c").unwrap().marks_at_risk(100));
    }

    #[test]
    fn every_adr_body_of_the_shipped_policy_has_a_url() {
        let table = PolicyTable::shipped().unwrap();
        for (key, policy) in &table.jurisdictions {
            for body in &policy.adr_bodies {
                let contact = policy.adr_contact(body).unwrap();
                assert!(contact.url.starts_with("https://"), "{key}: {body} has no url");
            }
        }
        let gb = table.lookup("GB").1;
        assert_eq!(gb.default_adr_contact().unwrap().name, "IBAS");
        assert_eq!(gb.adr_contact("ibas").unwrap().name, "IBAS", "names match case-insensitively");
        assert_eq!(gb.adr_contact("Ombudsman").unwrap().url, "", "an unknown body has no url");
        assert_eq!(table.lookup("PL").1.default_adr_contact(), None);
    }

    #[test]
    fn polish_complaints_get_14_calendar_days_and_uk_8_weeks() {
        let table = PolicyTable::shipped().unwrap();
        let t = at("2026-11-02T10:00:00Z");
        let pl = table.deadlines("PL", false, t);
        assert_eq!(pl.final_response_due, at("2026-11-16T10:00:00Z"));
        assert_eq!(pl.acknowledge_due, at("2026-11-03T10:00:00Z"));
        let gb = table.deadlines("gb", false, t);
        assert_eq!(gb.final_response_due, at("2026-12-28T10:00:00Z"));
        assert_eq!(gb.jurisdiction, "GB");
    }

    #[test]
    fn unknown_jurisdictions_use_the_default_policy() {
        let table = PolicyTable::shipped().unwrap();
        let d = table.deadlines("XX", false, at("2026-11-02T10:00:00Z"));
        assert_eq!(d.jurisdiction, "default");
        assert_eq!(d.final_response_due, at("2026-11-16T10:00:00Z"));
    }

    #[test]
    fn harm_shortens_the_acknowledge_clock() {
        let table = PolicyTable::shipped().unwrap();
        let d = table.deadlines("GB", true, at("2026-11-02T10:00:00Z"));
        assert_eq!(d.acknowledge_due, at("2026-11-02T14:00:00Z"));
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let rule = ClockRule { amount: 1, unit: ClockUnit::WorkingDays };
        // Friday 24 Dec 2027 → skip Sat, Sun, and Monday 27 as a holiday.
        let holidays = [NaiveDate::from_ymd_opt(2027, 12, 27).unwrap()];
        assert_eq!(add(at("2027-12-24T09:00:00Z"), rule, &holidays), at("2027-12-28T09:00:00Z"));
        let cw = PolicyTable::shipped().unwrap().deadlines("CW", true, at("2026-11-06T09:00:00Z"));
        assert_eq!(cw.acknowledge_due, at("2026-11-09T09:00:00Z"));
    }

    #[test]
    fn a_policy_without_default_is_rejected() {
        assert!(PolicyTable::from_toml("version = \"1\"\n[jurisdictions]\n").is_err());
    }

    #[test]
    fn retention_is_per_jurisdiction_with_a_default_and_per_tenant() {
        let table = PolicyTable::from_toml(&format!(
            "{DEFAULT_POLICY_TOML}\n[tenants.casino-b.retention]\ndefault_years = 2\n\
             [tenants.casino-c.retention]\ndefault_years = 0\n"
        ))
        .unwrap();
        let shipped = table.retention("casino-a").unwrap();
        assert_eq!((shipped.years("GB"), shipped.years("mt"), shipped.years("SE")), (6, 5, 6));
        assert_eq!(table.retention("casino-b").unwrap().years("GB"), 2);
        let closed = Utc.with_ymd_and_hms(2020, 2, 29, 12, 0, 0).unwrap();
        assert_eq!(shipped.expires("GB", closed), Some(Utc.with_ymd_and_hms(2026, 2, 28, 12, 0, 0).unwrap()));
        assert!(!shipped.is_past("GB", closed, Utc.with_ymd_and_hms(2026, 2, 28, 11, 59, 59).unwrap()));
        assert!(shipped.is_past("GB", closed, Utc.with_ymd_and_hms(2026, 2, 28, 12, 0, 0).unwrap()));
        assert_eq!(table.shortest_retention_years(), Some(2));
        let off = table.retention("casino-c").unwrap();
        assert_eq!(off.expires("GB", closed), None);
        assert!(!off.is_past("GB", closed, Utc::now()));
    }
}
