//! The daily insight rollups as pure rules: what one complaint's fact adds
//! to them, which rows a GetInsights request reads, and how a window splits
//! into whole UTC days (from the rollups) and the partial days at its ends
//! (from the facts).
//!
//! Each figure of [`Tally`] counts a complaint in the window holding its own
//! moment (submitted, resolved, a clock's end…), so a fact adds to the day
//! of each of its moments, not to one day: summing whole days then gives
//! exactly [`Tally::count`] over them. The durations go into the day of
//! their end (first response, resolution), as a [`Histogram`].
//!
//! Keys. Keying one table by every dimension at once would make about as
//! many rows as facts (12 categories × 5 channels × 5 jurisdictions × 50
//! agents is more than a day's complaints), so a 365-day read would scan
//! as much as today. Instead each fact adds to a few *layers*:
//! - unpinned, one per grouping (none, category, channel, jurisdiction,
//!   agent, game, game provider, payment method): the group's value, the
//!   filter columns empty. An unfiltered request reads one layer:
//!   groups × days rows (a year by category: 12 × 365).
//! - pinned, with the filter columns (category, channel, jurisdiction) set
//!   to the fact's values: layer "" (no other value; grouping by category,
//!   channel or jurisdiction groups by those columns) and one per other
//!   grouping (agent, game, game provider, payment method). A filtered
//!   request reads one of these, matching rows only.
//!
//! 13 rows per (fact, day); a fold changes only the days whose figures
//! changed.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use redress_proto::feedback::v1::Dimension;

use super::{
    Window,
    facts::Fact,
    histogram::Histogram,
    insights::{Percentiles, Tally, percentile_ranks, span},
};

/// One rollup row below its tenant, in the order of the table's primary
/// key (so a batch locks rows in one order).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RollupKey {
    /// The grouping's name ([`layer_name`]).
    pub layer: &'static str,
    /// Whether `category`, `channel` and `jurisdiction` hold the fact's
    /// values (else they are empty).
    pub pinned: bool,
    pub category: String,
    pub channel: String,
    pub jurisdiction: String,
    /// Midnight UTC.
    pub day: DateTime<Utc>,
    /// The grouping's value (empty for none or when unset).
    pub group_value: String,
}

/// What a set of facts adds to one rollup row (negative: takes out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RollupDelta {
    pub tally: Tally,
    pub first_response: Histogram,
    pub resolution: Histogram,
}

impl RollupDelta {
    pub fn is_zero(&self) -> bool {
        self.tally == Tally::default() && self.first_response.is_empty() && self.resolution.is_empty()
    }

    pub fn add_scaled(&mut self, o: &RollupDelta, k: i64) {
        self.tally.add_scaled(&o.tally, k);
        self.first_response.merge(&o.first_response, k);
        self.resolution.merge(&o.resolution, k);
    }
}

/// The layer name of a grouping.
pub fn layer_name(dim: Dimension) -> &'static str {
    match dim {
        Dimension::Unspecified => "",
        Dimension::Category => "category",
        Dimension::Channel => "channel",
        Dimension::Jurisdiction => "jurisdiction",
        Dimension::Agent => "agent",
        Dimension::Game => "game",
        Dimension::GameProvider => "game_provider",
        Dimension::PaymentMethod => "payment_method",
    }
}

const ALL: [Dimension; 8] = [
    Dimension::Unspecified,
    Dimension::Category,
    Dimension::Channel,
    Dimension::Jurisdiction,
    Dimension::Agent,
    Dimension::Game,
    Dimension::GameProvider,
    Dimension::PaymentMethod,
];
/// The groupings with a pinned layer of their own.
const PINNED: [Dimension; 5] =
    [Dimension::Unspecified, Dimension::Agent, Dimension::Game, Dimension::GameProvider, Dimension::PaymentMethod];

/// A fact's value of a grouping (empty for none).
pub fn value(f: &Fact, dim: Dimension) -> &str {
    match dim {
        Dimension::Unspecified => "",
        Dimension::Category => &f.dims.category,
        Dimension::Channel => &f.dims.channel,
        Dimension::Jurisdiction => &f.dims.jurisdiction,
        Dimension::Agent => &f.dims.agent,
        Dimension::Game => &f.dims.game_id,
        Dimension::GameProvider => &f.dims.game_provider,
        Dimension::PaymentMethod => &f.dims.payment_method,
    }
}

/// The rows a request reads: the layer, whether pinned, and the column its
/// groups are the values of.
pub fn layer_for(dim: Dimension, filtered: bool) -> (&'static str, bool, &'static str) {
    if !filtered {
        return (layer_name(dim), false, "group_value");
    }
    match dim {
        Dimension::Category => ("", true, "category"),
        Dimension::Channel => ("", true, "channel"),
        Dimension::Jurisdiction => ("", true, "jurisdiction"),
        other => (layer_name(other), true, "group_value"),
    }
}

/// Midnight UTC of `at`'s day.
pub fn day_of(at: DateTime<Utc>) -> DateTime<Utc> {
    at.date_naive().and_time(NaiveTime::MIN).and_utc()
}

/// Every moment [`Tally::count`] or a duration looks at.
fn moments(f: &Fact) -> [Option<DateTime<Utc>>; 17] {
    [
        f.submitted_at,
        f.first_response_at,
        f.resolved_at,
        f.escalated_at,
        f.adr_referred_at,
        f.reopened_at,
        f.recategorised_at,
        f.withdrawn_at,
        f.closed_at,
        f.acknowledge.ended_at,
        f.acknowledge.warned_at,
        f.final_response.ended_at,
        f.final_response.warned_at,
        f.adr_enquiry.ended_at,
        f.adr_enquiry.warned_at,
        f.survey_sent_at,
        f.answered_at,
    ]
}

/// A fact's figures per UTC day: its [`Tally::count`] over each day that
/// holds one of its moments, and its durations on the day they end.
pub fn daily(f: &Fact) -> BTreeMap<DateTime<Utc>, RollupDelta> {
    let mut out: BTreeMap<DateTime<Utc>, RollupDelta> = BTreeMap::new();
    for at in moments(f).into_iter().flatten() {
        let day = day_of(at);
        if out.contains_key(&day) {
            continue;
        }
        let mut delta = RollupDelta::default();
        delta.tally.count(f, &Window { start: day, end: day + Duration::days(1) });
        out.insert(day, delta);
    }
    if let (Some(at), Some(d)) = (f.first_response_at, span(f.submitted_at, f.first_response_at)) {
        out.entry(day_of(at)).or_default().first_response.record(d, 1);
    }
    if let (Some(at), Some(d)) = (f.resolved_at, span(f.submitted_at, f.resolved_at)) {
        out.entry(day_of(at)).or_default().resolution.record(d, 1);
    }
    out.retain(|_, d| !d.is_zero());
    out
}

/// Adds `sign` (1 or −1) times a fact's contribution to every row it
/// belongs to.
pub fn contribute(f: &Fact, sign: i64, out: &mut BTreeMap<RollupKey, RollupDelta>) {
    let days = daily(f);
    if days.is_empty() {
        return;
    }
    let unpinned = ALL.iter().map(|&dim| (layer_name(dim), false, value(f, dim)));
    let pinned = PINNED.iter().map(|&dim| (layer_name(dim), true, value(f, dim)));
    for (layer, is_pinned, group_value) in unpinned.chain(pinned) {
        let pin = |v: &str| if is_pinned { v.to_owned() } else { String::new() };
        for (day, delta) in &days {
            let key = RollupKey {
                layer,
                pinned: is_pinned,
                category: pin(&f.dims.category),
                channel: pin(&f.dims.channel),
                jurisdiction: pin(&f.dims.jurisdiction),
                day: *day,
                group_value: group_value.to_owned(),
            };
            out.entry(key).or_default().add_scaled(delta, sign);
        }
    }
}

/// What changing a fact from `old` to `new` does to the rollups: the rows
/// whose figures change, by how much.
pub fn change(old: Option<&Fact>, new: &Fact) -> BTreeMap<RollupKey, RollupDelta> {
    let mut out = BTreeMap::new();
    if let Some(old) = old {
        contribute(old, -1, &mut out);
    }
    contribute(new, 1, &mut out);
    out.retain(|_, d| !d.is_zero());
    out
}

/// The days a fact stops and starts having figures on, going from `old`
/// to `new`.
pub fn days_moved(old: Option<&Fact>, new: &Fact) -> (Vec<DateTime<Utc>>, Vec<DateTime<Utc>>) {
    let before: Vec<DateTime<Utc>> = old.map(|f| daily(f).into_keys().collect()).unwrap_or_default();
    let after: Vec<DateTime<Utc>> = daily(new).into_keys().collect();
    let removed = before.iter().filter(|d| !after.contains(d)).copied().collect();
    let added = after.iter().filter(|d| !before.contains(d)).copied().collect();
    (removed, added)
}

/// A window as the whole UTC days inside it and the partial days at its
/// ends. With no whole day inside, the window is one edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub days: Option<Window>,
    pub edges: Vec<Window>,
}

pub fn split(w: &Window) -> Split {
    let first = day_of(w.start);
    let first = if first == w.start { first } else { first + Duration::days(1) };
    let last = day_of(w.end);
    if first >= last {
        return Split { days: None, edges: vec![*w] };
    }
    let mut edges = Vec::new();
    if w.start < first {
        edges.push(Window { start: w.start, end: first });
    }
    if last < w.end {
        edges.push(Window { start: last, end: w.end });
    }
    Split { days: Some(Window { start: first, end: last }), edges }
}

/// Nearest-rank median and p90 from a histogram, each within the
/// histogram's relative error of the exact rank's value.
pub fn percentiles(h: &Histogram) -> Percentiles {
    let count = h.count();
    if count <= 0 {
        return Percentiles::default();
    }
    let (median, p90) = percentile_ranks(count);
    Percentiles { median: h.value_at_rank(median), p90: h.value_at_rank(p90), count }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::facts::Clock;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 30, 0).single().unwrap_or_default()
    }

    fn fact() -> Fact {
        let mut f = Fact::new("c");
        f.dims.category = "COMPLAINT_CATEGORY_BONUS".into();
        f.dims.agent = "a1".into();
        f.submitted_at = Some(at(2, 1));
        f.first_response_at = Some(at(2, 5));
        f.resolved_at = Some(at(4, 3));
        f.outcome = "OUTCOME_UPHELD".into();
        f.final_response = Clock { ended_at: f.resolved_at, met: Some(true), warned_at: None };
        f
    }

    #[test]
    fn whole_days_add_up_to_the_definition() {
        let f = fact();
        let w = Window { start: day_of(at(1, 0)), end: day_of(at(6, 0)) };
        let mut summed = Tally::default();
        for d in daily(&f).values() {
            summed.add(&d.tally);
        }
        let mut expected = Tally::default();
        expected.count(&f, &w);
        assert_eq!(summed, expected);
        assert_eq!(daily(&f).len(), 2);
    }

    #[test]
    fn a_change_moves_only_what_changed() {
        let old = fact();
        let mut new = old.clone();
        new.closed_at = Some(at(5, 1));
        let delta = change(Some(&old), &new);
        // 13 layers, one new day.
        assert_eq!(delta.len(), 13);
        assert!(delta.values().all(|d| d.tally.closed == 1 && d.tally.submitted == 0));
        let mut moved = old.clone();
        moved.dims.category = "COMPLAINT_CATEGORY_WITHDRAWAL".into();
        let delta = change(Some(&old), &moved);
        // Out of bonus, into withdrawal: the category layer and every pinned
        // one, on both days.
        assert_eq!(delta.len(), 2 * (2 + 5 * 2));
        assert!(change(Some(&old), &old).is_empty());
    }

    #[test]
    fn windows_split_into_whole_days_and_edges() {
        let w = Window { start: at(2, 1), end: at(9, 1) };
        let s = split(&w);
        assert_eq!(s.days, Some(Window { start: day_of(at(3, 0)), end: day_of(at(9, 0)) }));
        assert_eq!(s.edges.len(), 2);
        let aligned = Window { start: day_of(at(2, 0)), end: day_of(at(9, 0)) };
        assert_eq!(split(&aligned), Split { days: Some(aligned), edges: vec![] });
        let short = Window { start: at(2, 1), end: at(3, 1) };
        assert_eq!(split(&short), Split { days: None, edges: vec![short] });
    }
}
