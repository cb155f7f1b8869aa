//! Insight figures: volumes, durations, clock compliance, satisfaction,
//! outcome mix and rates, over the facts of the complaints active in a
//! window, in total and grouped by one dimension. The database sums and
//! ranks (one row per group, never one per complaint); this module defines
//! what is summed and ranked and turns the sums into the figures.

use chrono::{DateTime, Utc};
use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome},
    feedback::v1::{
        ClockCompliance, Dimension, DurationStats, GroupKey, InsightGroup, OutcomeCount, Satisfaction, Volumes,
    },
};

use super::{
    Window,
    facts::{CLOCK_ACKNOWLEDGE, CLOCK_ADR_ENQUIRY, CLOCK_FINAL_RESPONSE, Clock, Fact},
};

/// The `p`-th percentile (0 < p ≤ 1) of sorted values, by nearest rank:
/// always one of the values, so a median of durations is a real duration.
pub fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn duration(micros: i64) -> prost_types::Duration {
    prost_types::Duration { seconds: micros.div_euclid(1_000_000), nanos: (micros.rem_euclid(1_000_000) * 1000) as i32 }
}

fn ratio(part: i64, whole: i64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

fn average(sum: i64, count: i64) -> f64 {
    if count == 0 { 0.0 } else { sum as f64 / count as f64 }
}

/// The non-negative span between two times, in microseconds.
pub fn span(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Option<i64> {
    let micros = (to? - from?).num_microseconds()?;
    (micros >= 0).then_some(micros)
}

/// What one deadline clock counts in a window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClockTally {
    /// Clocks that ended in the window before their deadline.
    pub met: i64,
    /// Clocks that ended (first breached) in the window after it.
    pub breached: i64,
    /// Clocks first warned in the window.
    pub warned: i64,
}

/// The additive figures of a set of complaints in a window: each counts a
/// complaint whose moment (submitted, resolved, answered, a clock's end…)
/// falls in the window. The database sums these per group in one statement
/// (`store::insight_tallies`); [`Tally::count`] is the same definition over
/// one fact, which the storage tests hold the sums to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub submitted: i64,
    pub resolved: i64,
    pub escalated: i64,
    pub referred_to_adr: i64,
    pub reopened: i64,
    pub recategorised: i64,
    pub withdrawn: i64,
    pub closed: i64,
    /// Submitted in the window with the responsible-gambling flag.
    pub responsible_gambling: i64,
    pub acknowledge: ClockTally,
    pub final_response: ClockTally,
    pub adr_enquiry: ClockTally,
    pub survey_sent: i64,
    pub answered: i64,
    /// Over the answers in the window that gave a CSAT score.
    pub csat_sum: i64,
    pub csat_count: i64,
    /// Over the answers in the window with a fairness score above 0.
    pub fairness_sum: i64,
    pub fairness_count: i64,
    pub solved: i64,
    pub not_solved: i64,
    /// Resolved in the window, by outcome.
    pub upheld: i64,
    pub partially_upheld: i64,
    pub not_upheld: i64,
}

impl ClockTally {
    fn count(&mut self, clock: &Clock, w: &Window) {
        if w.contains(clock.ended_at) {
            match clock.met {
                Some(true) => self.met += 1,
                Some(false) => self.breached += 1,
                None => {}
            }
        }
        if w.contains(clock.warned_at) {
            self.warned += 1;
        }
    }

    fn add_scaled(&mut self, o: &ClockTally, k: i64) {
        self.met += k * o.met;
        self.breached += k * o.breached;
        self.warned += k * o.warned;
    }

    fn compliance(&self, name: &str) -> ClockCompliance {
        ClockCompliance {
            clock: name.to_owned(),
            met_count: self.met,
            breached_count: self.breached,
            warned_count: self.warned,
            compliance_rate: ratio(self.met, self.met + self.breached),
        }
    }
}

impl Tally {
    /// Counts one complaint's fact.
    pub fn count(&mut self, f: &Fact, w: &Window) {
        let n = |at| i64::from(w.contains(at));
        self.submitted += n(f.submitted_at);
        self.resolved += n(f.resolved_at);
        self.escalated += n(f.escalated_at);
        self.referred_to_adr += n(f.adr_referred_at);
        self.reopened += n(f.reopened_at);
        self.recategorised += n(f.recategorised_at);
        self.withdrawn += n(f.withdrawn_at);
        self.closed += n(f.closed_at);
        self.responsible_gambling += i64::from(f.responsible_gambling) * n(f.submitted_at);
        self.acknowledge.count(&f.acknowledge, w);
        self.final_response.count(&f.final_response, w);
        self.adr_enquiry.count(&f.adr_enquiry, w);
        self.survey_sent += n(f.survey_sent_at);
        if w.contains(f.answered_at) {
            self.answered += 1;
            if let Some(csat) = f.csat {
                self.csat_sum += i64::from(csat);
                self.csat_count += 1;
            }
            if let Some(fairness) = f.fairness.filter(|v| *v > 0) {
                self.fairness_sum += i64::from(fairness);
                self.fairness_count += 1;
            }
            self.solved += i64::from(f.solved == Some(true));
            self.not_solved += i64::from(f.solved == Some(false));
        }
        if w.contains(f.resolved_at) {
            let outcome = Outcome::from_str_name(&f.outcome).unwrap_or(Outcome::Unspecified);
            self.upheld += i64::from(outcome == Outcome::Upheld);
            self.partially_upheld += i64::from(outcome == Outcome::PartiallyUpheld);
            self.not_upheld += i64::from(outcome == Outcome::NotUpheld);
        }
    }

    /// Adds another group's figures.
    pub fn add(&mut self, o: &Tally) {
        self.add_scaled(o, 1);
    }

    /// Adds `k` times another tally's figures (−1: takes them out, as a
    /// rollup does when a complaint's fact changes).
    pub fn add_scaled(&mut self, o: &Tally, k: i64) {
        self.submitted += k * o.submitted;
        self.resolved += k * o.resolved;
        self.escalated += k * o.escalated;
        self.referred_to_adr += k * o.referred_to_adr;
        self.reopened += k * o.reopened;
        self.recategorised += k * o.recategorised;
        self.withdrawn += k * o.withdrawn;
        self.closed += k * o.closed;
        self.responsible_gambling += k * o.responsible_gambling;
        self.acknowledge.add_scaled(&o.acknowledge, k);
        self.final_response.add_scaled(&o.final_response, k);
        self.adr_enquiry.add_scaled(&o.adr_enquiry, k);
        self.survey_sent += k * o.survey_sent;
        self.answered += k * o.answered;
        self.csat_sum += k * o.csat_sum;
        self.csat_count += k * o.csat_count;
        self.fairness_sum += k * o.fairness_sum;
        self.fairness_count += k * o.fairness_count;
        self.solved += k * o.solved;
        self.not_solved += k * o.not_solved;
        self.upheld += k * o.upheld;
        self.partially_upheld += k * o.partially_upheld;
        self.not_upheld += k * o.not_upheld;
    }
}

/// Nearest-rank median and p90 of a group's durations, in microseconds
/// (see [`percentile`]), as the database ranks them
/// (`store::duration_percentiles`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Percentiles {
    pub median: i64,
    pub p90: i64,
    pub count: i64,
}

impl Percentiles {
    /// Of the values, in any order (the reference the store is held to).
    pub fn of(mut micros: Vec<i64>) -> Self {
        micros.sort_unstable();
        Percentiles { median: percentile(&micros, 0.5), p90: percentile(&micros, 0.9), count: micros.len() as i64 }
    }

    fn stats(&self) -> DurationStats {
        DurationStats { median: Some(duration(self.median)), p90: Some(duration(self.p90)), sample_count: self.count }
    }
}

/// The ranks [`percentile`] picks among `n` sorted values for the median
/// and p90: ceil(n/2) and ceil(9n/10), in integer arithmetic so SQL can
/// compute the same.
pub fn percentile_ranks(n: i64) -> (i64, i64) {
    (((n + 1) / 2).max(1), ((9 * n + 9) / 10).max(1))
}

/// One group's figures as the database returns them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupFigures {
    pub tally: Tally,
    pub first_response: Percentiles,
    pub resolution: Percentiles,
}

/// The figures of a set of complaints in a window.
pub fn figures(g: &GroupFigures) -> InsightGroup {
    let t = &g.tally;
    let volumes = Volumes {
        submitted_count: t.submitted,
        resolved_count: t.resolved,
        escalated_count: t.escalated,
        referred_to_adr_count: t.referred_to_adr,
        reopened_count: t.reopened,
        recategorised_count: t.recategorised,
        withdrawn_count: t.withdrawn,
        closed_count: t.closed,
        responsible_gambling_count: t.responsible_gambling,
    };
    let mut clocks =
        vec![t.acknowledge.compliance(CLOCK_ACKNOWLEDGE), t.final_response.compliance(CLOCK_FINAL_RESPONSE)];
    let adr = t.adr_enquiry;
    if adr.met + adr.breached + adr.warned > 0 {
        clocks.push(adr.compliance(CLOCK_ADR_ENQUIRY));
    }
    let satisfaction = Satisfaction {
        sent_count: t.survey_sent,
        answered_count: t.answered,
        response_rate: ratio(t.answered, t.survey_sent),
        csat_average: average(t.csat_sum, t.csat_count),
        csat_count: t.csat_count,
        fairness_average: average(t.fairness_sum, t.fairness_count),
        fairness_count: t.fairness_count,
        solved_count: t.solved,
        not_solved_count: t.not_solved,
    };
    let outcomes = [
        (Outcome::Upheld, t.upheld),
        (Outcome::PartiallyUpheld, t.partially_upheld),
        (Outcome::NotUpheld, t.not_upheld),
    ]
    .into_iter()
    .map(|(outcome, n)| OutcomeCount { outcome: outcome.into(), count: n, share: ratio(n, t.resolved) })
    .collect();
    InsightGroup {
        key: None,
        time_to_first_response: Some(g.first_response.stats()),
        time_to_resolution: Some(g.resolution.stats()),
        clock_compliance: clocks,
        satisfaction: Some(satisfaction),
        outcomes,
        adr_referral_rate: ratio(t.referred_to_adr, t.resolved),
        reopen_rate: ratio(t.reopened, t.resolved),
        volumes: Some(volumes),
    }
}

/// A group's value of `dim` (as stored) as a group key.
pub fn group_key(value: &str, dim: Dimension) -> GroupKey {
    let mut key = GroupKey::default();
    match dim {
        Dimension::Unspecified => {}
        Dimension::Category => key.category = ComplaintCategory::from_str_name(value).map(Into::into).unwrap_or(0),
        Dimension::Channel => key.channel = Channel::from_str_name(value).map(Into::into).unwrap_or(0),
        Dimension::Jurisdiction => value.clone_into(&mut key.jurisdiction),
        Dimension::Agent => value.clone_into(&mut key.agent),
        Dimension::Game => value.clone_into(&mut key.game_id),
        Dimension::GameProvider => value.clone_into(&mut key.game_provider),
        Dimension::PaymentMethod => value.clone_into(&mut key.payment_method),
    }
    key
}

/// The total and the groups (most complaints submitted first, then by key):
/// the total's tally is the groups' sum; its percentiles are ranked over
/// all complaints, not merged from the groups'.
pub fn compute(
    groups: Vec<(String, GroupFigures)>,
    total_durations: (Percentiles, Percentiles),
    dim: Dimension,
) -> (InsightGroup, Vec<InsightGroup>) {
    let mut tally = Tally::default();
    for (_, g) in &groups {
        tally.add(&g.tally);
    }
    let (first_response, resolution) = total_durations;
    let total = figures(&GroupFigures { tally, first_response, resolution });
    if dim == Dimension::Unspecified {
        return (total, Vec::new());
    }
    let mut groups = groups;
    groups.sort_by(|(ka, a), (kb, b)| b.tally.submitted.cmp(&a.tally.submitted).then_with(|| ka.cmp(kb)));
    let groups = groups
        .into_iter()
        .map(|(value, g)| InsightGroup { key: Some(group_key(&value, dim)), ..figures(&g) })
        .collect();
    (total, groups)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).single().unwrap_or_default()
    }

    fn window() -> Window {
        Window { start: t0(), end: t0() + Duration::days(7) }
    }

    fn fact(id: &str, category: &str, hours_to_resolve: i64) -> Fact {
        let mut f = Fact::new(id);
        f.dims.category = category.into();
        f.submitted_at = Some(t0() + Duration::hours(1));
        f.resolved_at = Some(t0() + Duration::hours(1 + hours_to_resolve));
        f.outcome = "OUTCOME_UPHELD".into();
        f.final_response = Clock { ended_at: f.resolved_at, met: Some(hours_to_resolve < 24), warned_at: None };
        f
    }

    /// What the store computes, from facts: each group's tally and
    /// percentiles, and the total's percentiles over every fact.
    fn compute_facts(facts: &[Fact], w: &Window, dim: Dimension) -> (InsightGroup, Vec<InsightGroup>) {
        let value = |f: &Fact| match dim {
            Dimension::Category => f.dims.category.clone(),
            _ => String::new(),
        };
        let durations = |facts: &[&Fact]| {
            let first = facts
                .iter()
                .filter(|f| w.contains(f.first_response_at))
                .filter_map(|f| span(f.submitted_at, f.first_response_at));
            let resolution =
                facts.iter().filter(|f| w.contains(f.resolved_at)).filter_map(|f| span(f.submitted_at, f.resolved_at));
            (Percentiles::of(first.collect()), Percentiles::of(resolution.collect()))
        };
        let mut values: Vec<String> = facts.iter().map(value).collect();
        values.sort();
        values.dedup();
        let groups = values
            .into_iter()
            .map(|v| {
                let members: Vec<&Fact> = facts.iter().filter(|f| value(f) == v).collect();
                let mut tally = Tally::default();
                members.iter().for_each(|f| tally.count(f, w));
                let (first_response, resolution) = durations(&members);
                (v, GroupFigures { tally, first_response, resolution })
            })
            .collect();
        compute(groups, durations(&facts.iter().collect::<Vec<_>>()), dim)
    }

    #[test]
    fn percentile_ranks_match_the_nearest_rank() {
        for n in 1..200i64 {
            let values: Vec<i64> = (1..=n).collect();
            let (median, p90) = percentile_ranks(n);
            assert_eq!((percentile(&values, 0.5), percentile(&values, 0.9)), (median, p90), "n = {n}");
        }
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let values: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&values, 0.5), 5);
        assert_eq!(percentile(&values, 0.9), 9);
        assert_eq!(percentile(&[7], 0.9), 7);
        assert_eq!(percentile(&[], 0.5), 0);
    }

    #[test]
    fn figures_count_each_event_in_its_window() {
        let mut late = fact("c3", "COMPLAINT_CATEGORY_BONUS", 1);
        late.resolved_at = Some(t0() + Duration::days(9));
        late.final_response.ended_at = late.resolved_at;
        let facts =
            vec![fact("c1", "COMPLAINT_CATEGORY_WITHDRAWAL", 2), fact("c2", "COMPLAINT_CATEGORY_WITHDRAWAL", 48), late];
        let (total, groups) = compute_facts(&facts, &window(), Dimension::Category);
        let v = total.volumes.unwrap_or_default();
        assert_eq!(v.submitted_count, 3);
        assert_eq!(v.resolved_count, 2, "c3 was resolved after the window");
        let ttr = total.time_to_resolution.unwrap_or_default();
        assert_eq!(ttr.sample_count, 2);
        assert_eq!(ttr.median.unwrap_or_default().seconds, 2 * 3600);
        let final_clock = &total.clock_compliance[1];
        assert_eq!((final_clock.met_count, final_clock.breached_count), (1, 1));
        assert!((final_clock.compliance_rate - 0.5).abs() < 1e-9);
        assert_eq!(total.outcomes[0].count, 2);
        assert!((total.outcomes[0].share - 1.0).abs() < 1e-9);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].key.clone().unwrap_or_default().category(), ComplaintCategory::Withdrawal);
    }

    #[test]
    fn satisfaction_averages_only_given_scores() {
        let mut a = fact("a", "", 1);
        a.survey_sent_at = a.resolved_at;
        a.answered_at = a.resolved_at;
        a.csat = Some(5);
        a.fairness = Some(0);
        a.solved = Some(true);
        let mut b = a.clone();
        b.csat = Some(1);
        b.fairness = Some(2);
        b.solved = Some(false);
        let (total, _) = compute_facts(&[a, b], &window(), Dimension::Unspecified);
        let s = total.satisfaction.unwrap_or_default();
        assert!((s.csat_average - 3.0).abs() < 1e-9);
        assert_eq!(s.fairness_count, 1);
        assert!((s.response_rate - 1.0).abs() < 1e-9);
        assert_eq!((s.solved_count, s.not_solved_count), (1, 1));
    }
}
