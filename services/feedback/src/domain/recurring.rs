//! Recurring problems: clusters of complaints with the same category and the
//! same reference, compared with the window just before, and the spike rule.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use redress_proto::feedback::v1::{RecurringProblem, ReferenceKind, recurring_problem::Trend};

use super::Window;

/// One submitted complaint as clustering needs it.
#[derive(Debug, Clone)]
pub struct Submission {
    pub complaint_id: String,
    pub submitted_at: DateTime<Utc>,
    /// `ComplaintCategory` value.
    pub category: i32,
    pub game_id: String,
    pub game_provider: String,
    pub payment_method: String,
    pub bonus_id: String,
}

impl Submission {
    fn references(&self) -> impl Iterator<Item = (ReferenceKind, &str)> {
        [
            (ReferenceKind::Game, self.game_id.as_str()),
            (ReferenceKind::GameProvider, self.game_provider.as_str()),
            (ReferenceKind::PaymentMethod, self.payment_method.as_str()),
            (ReferenceKind::Bonus, self.bonus_id.as_str()),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
    }
}

/// What to cluster and how.
#[derive(Debug, Clone)]
pub struct Params {
    pub window: Window,
    pub previous: Window,
    pub min_count: i64,
    pub spike_factor: f64,
    /// Only this category (a `ComplaintCategory` value), when set.
    pub category: Option<i32>,
    /// Only this kind of reference, when set.
    pub reference_kind: Option<ReferenceKind>,
    pub spikes_only: bool,
}

/// The threshold and spike factor a listing applies: the request's, where
/// it sets one (non-zero), else the tenant's.
pub fn thresholds(min_count: i32, spike_factor: f64, tenant_min_count: i32, tenant_spike_factor: f64) -> (i32, f64) {
    (
        if min_count == 0 { tenant_min_count } else { min_count },
        if spike_factor == 0.0 { tenant_spike_factor } else { spike_factor },
    )
}

/// How `count` moved against `previous`.
pub fn trend(count: i64, previous: i64) -> Trend {
    if previous == 0 {
        Trend::New
    } else if count > previous {
        Trend::Rising
    } else if count == previous {
        Trend::Stable
    } else {
        Trend::Falling
    }
}

/// A spike: at least `factor` times the baseline, a baseline of 0 counting
/// as 1 so a brand-new cluster needs `factor` complaints to be one.
pub fn is_spike(count: i64, previous: i64, factor: f64) -> bool {
    count as f64 >= factor * previous.max(1) as f64
}

/// The identity of a cluster, stable across calls (alerts key on it).
pub fn cluster_key(p: &RecurringProblem) -> String {
    format!("{}:{}:{}", p.category, p.reference_kind, p.reference)
}

#[derive(Default)]
struct Acc {
    count: i64,
    previous: i64,
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
    /// (submitted_at, complaint id) of the window's complaints.
    members: Vec<(DateTime<Utc>, String)>,
}

/// The recurring problems among `subs`: spikes first, then by count
/// (largest first), then by category and reference.
pub fn clusters(subs: &[Submission], p: &Params) -> Vec<RecurringProblem> {
    let mut acc: BTreeMap<(i32, i32, String), Acc> = BTreeMap::new();
    for s in subs {
        if p.category.is_some_and(|c| c != s.category) {
            continue;
        }
        let current = p.window.contains(Some(s.submitted_at));
        let before = p.previous.contains(Some(s.submitted_at));
        if !current && !before {
            continue;
        }
        for (kind, value) in s.references() {
            if p.reference_kind.is_some_and(|k| k != kind) {
                continue;
            }
            let a = acc.entry((s.category, kind.into(), value.to_owned())).or_default();
            if current {
                a.count += 1;
                a.first = Some(a.first.map_or(s.submitted_at, |f| f.min(s.submitted_at)));
                a.last = Some(a.last.map_or(s.submitted_at, |l| l.max(s.submitted_at)));
                a.members.push((s.submitted_at, s.complaint_id.clone()));
            } else {
                a.previous += 1;
            }
        }
    }
    let mut problems: Vec<RecurringProblem> = acc
        .into_iter()
        .filter(|(_, a)| a.count >= p.min_count.max(1))
        .map(|((category, kind, reference), mut a)| {
            a.members.sort_by(|x, y| y.cmp(x));
            let spike = is_spike(a.count, a.previous, p.spike_factor);
            RecurringProblem {
                category,
                reference_kind: kind,
                reference,
                count: a.count,
                previous_count: a.previous,
                trend: trend(a.count, a.previous).into(),
                change_ratio: if a.previous == 0 { 0.0 } else { a.count as f64 / a.previous as f64 },
                spike,
                first_submit_time: a.first.map(super::timestamp),
                last_submit_time: a.last.map(super::timestamp),
                example_complaints: a.members.iter().take(10).map(|(_, id)| format!("complaints/{id}")).collect(),
            }
        })
        .filter(|problem| !p.spikes_only || problem.spike)
        .collect();
    problems.sort_by(|a, b| {
        b.spike
            .cmp(&a.spike)
            .then_with(|| b.count.cmp(&a.count))
            .then_with(|| a.category.cmp(&b.category))
            .then_with(|| a.reference_kind.cmp(&b.reference_kind))
            .then_with(|| a.reference.cmp(&b.reference))
    });
    problems
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 9, 0, 0, 0).single().unwrap_or_default()
    }

    fn sub(id: usize, days: i64, category: i32, payment: &str) -> Submission {
        Submission {
            complaint_id: format!("c{id}"),
            submitted_at: t0() + Duration::days(days),
            category,
            game_id: String::new(),
            game_provider: String::new(),
            payment_method: payment.into(),
            bonus_id: String::new(),
        }
    }

    fn params() -> Params {
        Params {
            window: Window { start: t0(), end: t0() + Duration::days(7) },
            previous: Window { start: t0() - Duration::days(7), end: t0() },
            min_count: 3,
            spike_factor: 2.0,
            category: None,
            reference_kind: None,
            spikes_only: false,
        }
    }

    #[test]
    fn trends_and_spikes() {
        assert_eq!(trend(3, 0), Trend::New);
        assert_eq!(trend(3, 2), Trend::Rising);
        assert_eq!(trend(2, 2), Trend::Stable);
        assert_eq!(trend(1, 2), Trend::Falling);
        assert!(is_spike(2, 0, 2.0));
        assert!(!is_spike(5, 3, 2.0));
        assert!(is_spike(6, 3, 2.0));
    }

    #[test]
    fn clusters_above_the_threshold_with_spikes_first() {
        let mut subs: Vec<Submission> = (0..6).map(|i| sub(i, 1, 1, "blik")).collect();
        subs.push(sub(10, -3, 1, "blik"));
        subs.extend((20..24).map(|i| sub(i, 2, 1, "visa")));
        subs.extend((30..34).map(|i| sub(i, -2, 1, "visa")));
        subs.extend((40..42).map(|i| sub(i, 2, 3, "skrill")));
        let problems = clusters(&subs, &params());
        assert_eq!(problems.len(), 2, "skrill is under the threshold");
        assert_eq!(problems[0].reference, "blik");
        assert!(problems[0].spike);
        assert_eq!((problems[0].count, problems[0].previous_count), (6, 1));
        assert_eq!(problems[0].trend(), Trend::Rising);
        assert_eq!(problems[0].example_complaints.len(), 6);
        assert_eq!(problems[1].reference, "visa");
        assert!(!problems[1].spike);
        assert_eq!(problems[1].trend(), Trend::Stable);

        let mut only = params();
        only.spikes_only = true;
        assert_eq!(clusters(&subs, &only).len(), 1);
    }

    #[test]
    fn unset_thresholds_are_the_tenants() {
        assert_eq!(thresholds(0, 0.0, 3, 2.0), (3, 2.0));
        assert_eq!(thresholds(5, 1.5, 3, 2.0), (5, 1.5));
    }
}
