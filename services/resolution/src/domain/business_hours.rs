//! A queue's staffed hours and when its deadline warnings go out. Legal
//! deadlines run on calendar time and never pause; only the moment a
//! warning is sent moves, so the team sees it while staffed and before the
//! deadline:
//!
//! - a warning time inside a staffed range is kept;
//! - outside, the warning goes at the latest staffed moment before it (the
//!   end of the previous staffed range), when that lies after the clock's
//!   start;
//! - else at the next opening, when that is still before the due time;
//! - else at the original time.
//!
//! Ranges are wall-clock minutes on ISO weekdays in the queue's IANA time
//! zone, so a range keeps its local times across DST changes. A local time
//! that does not exist (the spring-forward gap) means the first moment after
//! the gap; one that occurs twice (fall back) starts a range at its first
//! occurrence and ends it at its second, so the range covers every moment
//! the wall clock shows inside it.

use chrono::{DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use redress_proto::resolution::v1::BusinessHours;

/// Days looked at on either side of a warning: every week with one range
/// has a staffed moment within them.
const WINDOW_DAYS: u64 = 8;

/// The time zone of an IANA name, from the time zone database.
pub fn time_zone(name: &str) -> Option<Tz> {
    name.parse().ok()
}

/// One staffed range: ISO weekday (1 = Monday), start and end minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    weekday: u32,
    start: u32,
    end: u32,
}

/// The staffed hours of a queue, ready to compute with.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    tz: Tz,
    ranges: Vec<Range>,
}

impl Schedule {
    /// The schedule of a queue's business hours; `None` when the queue has
    /// none, no ranges, or a time zone the database does not know (the
    /// warnings then keep their calendar times).
    pub fn of(hours: Option<&BusinessHours>) -> Option<Schedule> {
        let hours = hours?;
        let tz = time_zone(&hours.time_zone)?;
        let ranges: Vec<Range> = hours
            .ranges
            .iter()
            .filter(|r| {
                (1..=7).contains(&r.weekday) && (0..r.end_minute).contains(&r.start_minute) && r.end_minute <= 1440
            })
            .map(|r| Range { weekday: r.weekday as u32, start: r.start_minute as u32, end: r.end_minute as u32 })
            .collect();
        (!ranges.is_empty()).then_some(Schedule { tz, ranges })
    }

    /// True when someone is on duty at `t`.
    pub fn is_staffed(&self, t: DateTime<Utc>) -> bool {
        self.intervals_around(t).iter().any(|(s, e)| *s <= t && t < *e)
    }

    /// When a warning due at `warn` on a clock that started at `start` and
    /// is due at `due` is sent (see the module's rules).
    pub fn warning_time(&self, start: DateTime<Utc>, warn: DateTime<Utc>, due: DateTime<Utc>) -> DateTime<Utc> {
        let intervals = self.intervals_around(warn);
        if intervals.iter().any(|(s, e)| *s <= warn && warn < *e) {
            return warn;
        }
        let previous_end = intervals.iter().map(|(_, e)| *e).filter(|e| *e <= warn).max();
        if let Some(end) = previous_end.filter(|e| *e > start) {
            return end;
        }
        let next_opening = intervals.iter().map(|(s, _)| *s).filter(|s| *s > warn).min();
        match next_opening {
            Some(open) if open < due => open,
            _ => warn,
        }
    }

    /// The staffed intervals in UTC of the local days around `t`, sorted,
    /// with touching ones merged (a range to 24:00 and one from 00:00 the
    /// next day are one stretch).
    fn intervals_around(&self, t: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let day = t.with_timezone(&self.tz).date_naive();
        let (Some(first), Some(last)) =
            (day.checked_sub_days(Days::new(WINDOW_DAYS)), day.checked_add_days(Days::new(WINDOW_DAYS)))
        else {
            return Vec::new();
        };
        let mut intervals = Vec::new();
        for date in first.iter_days().take_while(|d| *d <= last) {
            let weekday = date.weekday().number_from_monday();
            for r in self.ranges.iter().filter(|r| r.weekday == weekday) {
                let (Some(s), Some(e)) = (self.instant(date, r.start, true), self.instant(date, r.end, false)) else {
                    continue;
                };
                // A range inside a spring-forward gap has no moments.
                if s < e {
                    intervals.push((s, e));
                }
            }
        }
        intervals.sort();
        let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::with_capacity(intervals.len());
        for (s, e) in intervals {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
    }

    /// The instant of `minute` after local midnight of `date` (1440 is the
    /// next midnight): in a gap the first moment after it; when the wall
    /// clock shows it twice, the first for a start, the second for an end.
    fn instant(&self, date: NaiveDate, minute: u32, start: bool) -> Option<DateTime<Utc>> {
        let midnight = date.and_hms_opt(0, 0, 0)?;
        let local = midnight + chrono::Duration::minutes(i64::from(minute));
        // Gaps are at most a few hours; step to the first valid minute.
        for step in 0..=24 * 60 {
            let at: NaiveDateTime = local + chrono::Duration::minutes(step);
            match self.tz.from_local_datetime(&at) {
                LocalResult::Single(t) => return Some(t.with_timezone(&Utc)),
                LocalResult::Ambiguous(first, second) => {
                    return Some(if start { first } else { second }.with_timezone(&Utc));
                }
                LocalResult::None => continue,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use redress_proto::resolution::v1::business_hours::Range as ProtoRange;

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn hours(tz: &str, ranges: &[(i32, i32, i32)]) -> Schedule {
        let ranges =
            ranges.iter().map(|&(weekday, start_minute, end_minute)| ProtoRange { weekday, start_minute, end_minute });
        Schedule::of(Some(&BusinessHours { time_zone: tz.into(), ranges: ranges.collect() })).unwrap()
    }

    /// Monday to Friday, 09:00 to 17:00 in Malta.
    fn office() -> Schedule {
        hours("Europe/Malta", &(1..=5).map(|d| (d, 9 * 60, 17 * 60)).collect::<Vec<_>>())
    }

    #[test]
    fn no_hours_no_ranges_or_an_unknown_zone_is_no_schedule() {
        assert_eq!(Schedule::of(None), None);
        let empty = BusinessHours { time_zone: "Europe/Malta".into(), ranges: Vec::new() };
        assert_eq!(Schedule::of(Some(&empty)), None);
        let unknown = BusinessHours {
            time_zone: "Europe/Atlantis".into(),
            ranges: vec![ProtoRange { weekday: 1, start_minute: 0, end_minute: 60 }],
        };
        assert_eq!(Schedule::of(Some(&unknown)), None);
        assert!(time_zone("Europe/Malta").is_some() && time_zone("UTC").is_some());
        assert!(time_zone("europe/malta").is_none() && time_zone("Europe/Atlantis").is_none());
    }

    #[test]
    fn a_warning_in_staffed_hours_keeps_its_time() {
        // Wednesday 2026-01-07 11:00 in Malta (CET, UTC+1).
        let warn = at("2026-01-07T10:00:00Z");
        assert!(office().is_staffed(warn));
        assert_eq!(office().warning_time(at("2026-01-05T09:00:00Z"), warn, at("2026-01-12T09:00:00Z")), warn);
    }

    #[test]
    fn a_weekend_warning_goes_out_at_friday_closing() {
        // Saturday 16:00 local; Friday 17:00 local is 16:00 UTC in winter.
        let start = at("2026-01-05T09:00:00Z");
        let due = at("2026-01-12T09:00:00Z");
        assert!(!office().is_staffed(at("2026-01-10T15:00:00Z")));
        assert_eq!(office().warning_time(start, at("2026-01-10T15:00:00Z"), due), at("2026-01-09T16:00:00Z"));
        // Sunday evening too.
        assert_eq!(office().warning_time(start, at("2026-01-11T16:12:00Z"), due), at("2026-01-09T16:00:00Z"));
    }

    #[test]
    fn an_overnight_warning_goes_out_at_the_previous_closing() {
        // Tuesday 03:00 local → Monday 17:00 local.
        let start = at("2026-01-05T09:00:00Z");
        let warned = office().warning_time(start, at("2026-01-06T02:00:00Z"), at("2026-01-07T09:00:00Z"));
        assert_eq!(warned, at("2026-01-05T16:00:00Z"));
        // Tuesday 08:00 local, an hour before opening.
        let warned = office().warning_time(start, at("2026-01-06T07:00:00Z"), at("2026-01-07T09:00:00Z"));
        assert_eq!(warned, at("2026-01-05T16:00:00Z"));
    }

    #[test]
    fn without_a_staffed_moment_since_the_start_the_next_opening_before_the_due_time() {
        // Opened Friday 20:00 local, warning Saturday 12:00: nobody was on
        // duty since the start, so Monday 09:00 (before the Tuesday due).
        let start = at("2026-01-09T19:00:00Z");
        let warned = office().warning_time(start, at("2026-01-10T11:00:00Z"), at("2026-01-13T09:00:00Z"));
        assert_eq!(warned, at("2026-01-12T08:00:00Z"));
        // Due Sunday: the original time.
        let warned = office().warning_time(start, at("2026-01-10T11:00:00Z"), at("2026-01-11T19:00:00Z"));
        assert_eq!(warned, at("2026-01-10T11:00:00Z"));
        // A previous closing exactly at the start is not after it.
        let start = at("2026-01-09T16:00:00Z");
        let warned = office().warning_time(start, at("2026-01-10T11:00:00Z"), at("2026-01-11T19:00:00Z"));
        assert_eq!(warned, at("2026-01-10T11:00:00Z"));
    }

    #[test]
    fn ranges_ending_at_midnight_join_the_next_day() {
        // Friday 18:00 to Saturday 06:00 local, as two ranges; the warning
        // at Saturday 08:00 goes out at Saturday 06:00, not Friday 24:00.
        let night = hours("Europe/Malta", &[(5, 18 * 60, 1440), (6, 0, 6 * 60)]);
        assert!(night.is_staffed(at("2026-01-09T23:00:00Z")));
        let warned =
            night.warning_time(at("2026-01-09T18:00:00Z"), at("2026-01-10T07:00:00Z"), at("2026-01-11T00:00:00Z"));
        assert_eq!(warned, at("2026-01-10T05:00:00Z"));
        // A range to 1440 alone ends at the next local midnight.
        let evening = hours("UTC", &[(5, 18 * 60, 1440)]);
        let warned =
            evening.warning_time(at("2026-01-09T18:00:00Z"), at("2026-01-10T07:00:00Z"), at("2026-01-11T00:00:00Z"));
        assert_eq!(warned, at("2026-01-10T00:00:00Z"));
    }

    #[test]
    fn malta_spring_forward_keeps_local_hours() {
        // 2026-03-29: 02:00 CET → 03:00 CEST. Friday 27 March closes at
        // 17:00 CET = 16:00 UTC; Monday 30 March opens at 09:00 CEST = 07:00 UTC.
        let start = at("2026-03-27T19:00:00Z");
        let warned = office().warning_time(start, at("2026-03-29T12:00:00Z"), at("2026-04-01T00:00:00Z"));
        assert_eq!(warned, at("2026-03-30T07:00:00Z"));
        let warned =
            office().warning_time(at("2026-03-23T09:00:00Z"), at("2026-03-29T12:00:00Z"), at("2026-04-01T00:00:00Z"));
        assert_eq!(warned, at("2026-03-27T16:00:00Z"));
        // A Sunday night range from 02:30 (inside the gap) starts at 03:00 CEST.
        let night = hours("Europe/Malta", &[(7, 150, 240)]);
        assert!(!night.is_staffed(at("2026-03-29T00:59:00Z")));
        assert!(night.is_staffed(at("2026-03-29T01:00:00Z")));
        assert!(!night.is_staffed(at("2026-03-29T02:00:00Z")));
        // A range wholly inside the gap has no moments that day.
        let gap = hours("Europe/Malta", &[(7, 125, 170)]);
        assert!(!gap.is_staffed(at("2026-03-29T01:00:00Z")));
        assert!(gap.is_staffed(at("2026-03-22T01:30:00Z")));
    }

    #[test]
    fn malta_fall_back_keeps_local_hours() {
        // 2026-10-25: 03:00 CEST → 02:00 CET. Friday 23 October closes at
        // 17:00 CEST = 15:00 UTC; Monday 26 October opens at 09:00 CET = 08:00 UTC.
        let warned =
            office().warning_time(at("2026-10-19T08:00:00Z"), at("2026-10-25T12:00:00Z"), at("2026-10-27T00:00:00Z"));
        assert_eq!(warned, at("2026-10-23T15:00:00Z"));
        let warned =
            office().warning_time(at("2026-10-23T19:00:00Z"), at("2026-10-25T12:00:00Z"), at("2026-10-27T00:00:00Z"));
        assert_eq!(warned, at("2026-10-26T08:00:00Z"));
        // A range of 02:00 to 02:30 on the repeated hour covers both
        // passes: from 00:00 UTC (first 02:00) to 01:30 UTC (second 02:30).
        let night = hours("Europe/Malta", &[(7, 120, 150)]);
        assert!(!night.is_staffed(at("2026-10-24T23:59:00Z")));
        assert!(night.is_staffed(at("2026-10-25T00:00:00Z")));
        assert!(night.is_staffed(at("2026-10-25T01:29:00Z")));
        assert!(!night.is_staffed(at("2026-10-25T01:30:00Z")));
    }

    #[test]
    fn the_warning_never_moves_past_the_due_time_or_before_the_start() {
        // Staffed only Mondays: a Thursday warning on a clock started
        // Tuesday and due Friday has neither a closing since the start nor
        // an opening before the due time.
        let mondays = hours("Europe/Malta", &[(1, 9 * 60, 17 * 60)]);
        let warn = at("2026-01-08T12:00:00Z");
        assert_eq!(mondays.warning_time(at("2026-01-06T09:00:00Z"), warn, at("2026-01-09T12:00:00Z")), warn);
    }
}
