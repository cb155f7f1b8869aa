//! Insight figures: volumes, durations, clock compliance, satisfaction,
//! outcome mix and rates, over the facts of the complaints active in a
//! window, in total and grouped by one dimension.

use std::collections::BTreeMap;

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

/// Median and p90 of durations given in microseconds.
pub fn duration_stats(mut micros: Vec<i64>) -> DurationStats {
    micros.sort_unstable();
    DurationStats {
        median: Some(duration(percentile(&micros, 0.5))),
        p90: Some(duration(percentile(&micros, 0.9))),
        sample_count: micros.len() as i64,
    }
}

fn ratio(part: i64, whole: i64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

fn average(values: &[i32]) -> f64 {
    if values.is_empty() { 0.0 } else { values.iter().map(|v| f64::from(*v)).sum::<f64>() / values.len() as f64 }
}

fn span(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Option<i64> {
    let micros = (to? - from?).num_microseconds()?;
    (micros >= 0).then_some(micros)
}

fn clock(name: &str, facts: &[&Fact], w: &Window, pick: fn(&Fact) -> &Clock) -> ClockCompliance {
    let mut c = ClockCompliance { clock: name.to_owned(), ..Default::default() };
    for f in facts {
        let clock = pick(f);
        if w.contains(clock.ended_at) {
            match clock.met {
                Some(true) => c.met_count += 1,
                Some(false) => c.breached_count += 1,
                None => {}
            }
        }
        if w.contains(clock.warned_at) {
            c.warned_count += 1;
        }
    }
    c.compliance_rate = ratio(c.met_count, c.met_count + c.breached_count);
    c
}

/// The figures of a set of complaints in a window.
pub fn figures(facts: &[&Fact], w: &Window) -> InsightGroup {
    let count = |pick: fn(&Fact) -> Option<DateTime<Utc>>| facts.iter().filter(|f| w.contains(pick(f))).count() as i64;
    let volumes = Volumes {
        submitted_count: count(|f| f.submitted_at),
        resolved_count: count(|f| f.resolved_at),
        escalated_count: count(|f| f.escalated_at),
        referred_to_adr_count: count(|f| f.adr_referred_at),
        reopened_count: count(|f| f.reopened_at),
        recategorised_count: count(|f| f.recategorised_at),
        withdrawn_count: count(|f| f.withdrawn_at),
        closed_count: count(|f| f.closed_at),
        responsible_gambling_count: facts
            .iter()
            .filter(|f| f.responsible_gambling && w.contains(f.submitted_at))
            .count() as i64,
    };
    let first_response = facts
        .iter()
        .filter(|f| w.contains(f.first_response_at))
        .filter_map(|f| span(f.submitted_at, f.first_response_at))
        .collect();
    let resolution = facts
        .iter()
        .filter(|f| w.contains(f.resolved_at))
        .filter_map(|f| span(f.submitted_at, f.resolved_at))
        .collect();

    let mut clocks = vec![
        clock(CLOCK_ACKNOWLEDGE, facts, w, |f| &f.acknowledge),
        clock(CLOCK_FINAL_RESPONSE, facts, w, |f| &f.final_response),
    ];
    let adr = clock(CLOCK_ADR_ENQUIRY, facts, w, |f| &f.adr_enquiry);
    if adr.met_count + adr.breached_count + adr.warned_count > 0 {
        clocks.push(adr);
    }

    let answered: Vec<&&Fact> = facts.iter().filter(|f| w.contains(f.answered_at)).collect();
    let csat: Vec<i32> = answered.iter().filter_map(|f| f.csat).collect();
    let fairness: Vec<i32> = answered.iter().filter_map(|f| f.fairness).filter(|v| *v > 0).collect();
    let sent = count(|f| f.survey_sent_at);
    let satisfaction = Satisfaction {
        sent_count: sent,
        answered_count: answered.len() as i64,
        response_rate: ratio(answered.len() as i64, sent),
        csat_average: average(&csat),
        csat_count: csat.len() as i64,
        fairness_average: average(&fairness),
        fairness_count: fairness.len() as i64,
        solved_count: answered.iter().filter(|f| f.solved == Some(true)).count() as i64,
        not_solved_count: answered.iter().filter(|f| f.solved == Some(false)).count() as i64,
    };

    let resolved = volumes.resolved_count;
    let outcomes = [Outcome::Upheld, Outcome::PartiallyUpheld, Outcome::NotUpheld]
        .into_iter()
        .map(|outcome| {
            let n =
                facts.iter().filter(|f| w.contains(f.resolved_at) && f.outcome == outcome.as_str_name()).count() as i64;
            OutcomeCount { outcome: outcome.into(), count: n, share: ratio(n, resolved) }
        })
        .collect();

    InsightGroup {
        key: None,
        time_to_first_response: Some(duration_stats(first_response)),
        time_to_resolution: Some(duration_stats(resolution)),
        clock_compliance: clocks,
        satisfaction: Some(satisfaction),
        outcomes,
        adr_referral_rate: ratio(volumes.referred_to_adr_count, resolved),
        reopen_rate: ratio(volumes.reopened_count, resolved),
        volumes: Some(volumes),
    }
}

/// The value of `dim` for a fact, as stored, and as a group key.
pub fn group_key(fact: &Fact, dim: Dimension) -> (String, GroupKey) {
    let d = &fact.dims;
    let mut key = GroupKey::default();
    let value = match dim {
        Dimension::Unspecified => String::new(),
        Dimension::Category => {
            key.category = ComplaintCategory::from_str_name(&d.category).map(Into::into).unwrap_or(0);
            d.category.clone()
        }
        Dimension::Channel => {
            key.channel = Channel::from_str_name(&d.channel).map(Into::into).unwrap_or(0);
            d.channel.clone()
        }
        Dimension::Jurisdiction => {
            key.jurisdiction.clone_from(&d.jurisdiction);
            d.jurisdiction.clone()
        }
        Dimension::Agent => {
            key.agent.clone_from(&d.agent);
            d.agent.clone()
        }
        Dimension::Game => {
            key.game_id.clone_from(&d.game_id);
            d.game_id.clone()
        }
        Dimension::GameProvider => {
            key.game_provider.clone_from(&d.game_provider);
            d.game_provider.clone()
        }
        Dimension::PaymentMethod => {
            key.payment_method.clone_from(&d.payment_method);
            d.payment_method.clone()
        }
    };
    (value, key)
}

/// The total and the groups (most complaints submitted first, then by key).
pub fn compute(facts: &[Fact], w: &Window, dim: Dimension) -> (InsightGroup, Vec<InsightGroup>) {
    let all: Vec<&Fact> = facts.iter().collect();
    let total = figures(&all, w);
    if dim == Dimension::Unspecified {
        return (total, Vec::new());
    }
    let mut buckets: BTreeMap<String, (GroupKey, Vec<&Fact>)> = BTreeMap::new();
    for fact in facts {
        let (value, key) = group_key(fact, dim);
        buckets.entry(value).or_insert_with(|| (key, Vec::new())).1.push(fact);
    }
    let mut groups: Vec<(String, InsightGroup)> = buckets
        .into_iter()
        .map(|(value, (key, members))| {
            let mut g = figures(&members, w);
            g.key = Some(key);
            (value, g)
        })
        .collect();
    let submitted = |g: &InsightGroup| g.volumes.as_ref().map(|v| v.submitted_count).unwrap_or(0);
    groups.sort_by(|(ka, a), (kb, b)| submitted(b).cmp(&submitted(a)).then_with(|| ka.cmp(kb)));
    (total, groups.into_iter().map(|(_, g)| g).collect())
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
        let (total, groups) = compute(&facts, &window(), Dimension::Category);
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
        let (total, _) = compute(&[a, b], &window(), Dimension::Unspecified);
        let s = total.satisfaction.unwrap_or_default();
        assert!((s.csat_average - 3.0).abs() < 1e-9);
        assert_eq!(s.fairness_count, 1);
        assert!((s.response_rate - 1.0).abs() < 1e-9);
        assert_eq!((s.solved_count, s.not_solved_count), (1, 1));
    }
}
