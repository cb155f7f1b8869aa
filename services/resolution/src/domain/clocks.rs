//! A case's clocks: each regulatory or house deadline visible separately,
//! with pauses (and their reasons), warnings and the breach. Times are chrono
//! inside, protobuf timestamps on the `Clock` messages the case carries.

use chrono::{DateTime, Duration, Utc};
use prost_types::Duration as ProtoDuration;
use redress_proto::resolution::v1::{Clock, DeadlineRisk, clock::Kind};

use super::{business_hours::Schedule, from_timestamp, timestamp};

/// The warning thresholds, in percent of a clock's time.
pub const WARNING_THRESHOLDS: [i32; 2] = [75, 90];

/// A new running clock.
pub fn start(
    kind: Kind,
    start: DateTime<Utc>,
    due: DateTime<Utc>,
    working_days: bool,
    breach_consequence: &str,
) -> Clock {
    Clock {
        kind: kind.into(),
        start_time: Some(timestamp(start)),
        due_time: Some(timestamp(due)),
        working_days,
        breach_consequence: breach_consequence.to_owned(),
        ..Default::default()
    }
}

/// True while the clock has not stopped.
pub fn is_running(clock: &Clock) -> bool {
    clock.stop_time.is_none()
}

fn due(clock: &Clock) -> Option<DateTime<Utc>> {
    clock.due_time.as_ref().and_then(from_timestamp)
}

fn started(clock: &Clock) -> Option<DateTime<Utc>> {
    clock.start_time.as_ref().and_then(from_timestamp)
}

fn paused_for(clock: &Clock) -> Duration {
    clock
        .paused_duration
        .as_ref()
        .map(|d| Duration::seconds(d.seconds) + Duration::nanoseconds(i64::from(d.nanos)))
        .unwrap_or_else(Duration::zero)
}

fn proto_duration(d: Duration) -> ProtoDuration {
    let seconds = d.num_seconds();
    let nanos = (d - Duration::seconds(seconds)).num_nanoseconds().unwrap_or(0) as i32;
    ProtoDuration { seconds, nanos }
}

/// The running clock of `kind`, if any (the latest one).
pub fn running_mut(clocks: &mut [Clock], kind: Kind) -> Option<&mut Clock> {
    clocks.iter_mut().rev().find(|c| c.kind == kind as i32 && is_running(c))
}

/// The running clock of `kind`, if any.
pub fn running(clocks: &[Clock], kind: Kind) -> Option<&Clock> {
    clocks.iter().rev().find(|c| c.kind == kind as i32 && is_running(c))
}

/// Resumes a paused clock: its due time moves later by the pause. Returns
/// true when it was paused.
pub fn resume(clock: &mut Clock, now: DateTime<Utc>) -> bool {
    if !clock.paused {
        return false;
    }
    let since = clock.pause_time.as_ref().and_then(from_timestamp).unwrap_or(now);
    let pause = (now - since).max(Duration::zero());
    if let Some(due) = due(clock) {
        clock.due_time = Some(timestamp(due + pause));
    }
    clock.paused_duration = Some(proto_duration(paused_for(clock) + pause));
    clock.paused = false;
    clock.pause_time = None;
    true
}

/// Pauses a running clock with a reason. Returns false when it was already
/// paused or stopped.
pub fn pause(clock: &mut Clock, reason: &str, now: DateTime<Utc>) -> bool {
    if clock.paused || !is_running(clock) {
        return false;
    }
    clock.paused = true;
    clock.pause_reason = reason.to_owned();
    clock.pause_time = Some(timestamp(now));
    true
}

/// Stops a running clock: met when stopped at or before its due time.
pub fn stop(clock: &mut Clock, now: DateTime<Utc>) {
    if !is_running(clock) {
        return;
    }
    resume(clock, now);
    clock.stop_time = Some(timestamp(now));
    clock.met = due(clock).is_some_and(|d| now <= d) && !clock.breached;
}

/// Stops every running clock of `kind`; returns how many stopped.
pub fn stop_kind(clocks: &mut [Clock], kind: Kind, now: DateTime<Utc>) -> usize {
    let mut stopped = 0;
    for clock in clocks.iter_mut().filter(|c| c.kind == kind as i32 && is_running(c)) {
        stop(clock, now);
        stopped += 1;
    }
    stopped
}

/// Stops every running clock.
pub fn stop_all(clocks: &mut [Clock], now: DateTime<Utc>) {
    for clock in clocks.iter_mut() {
        stop(clock, now);
    }
}

/// The earliest due time of a running, unpaused clock: the queue's sort key.
pub fn next_due(clocks: &[Clock]) -> Option<DateTime<Utc>> {
    clocks.iter().filter(|c| is_running(c) && !c.paused).filter_map(due).min()
}

/// When the earliest running, unpaused clock reaches its first warning
/// threshold (75 % of its time): from then on the case is at risk.
pub fn next_warning(clocks: &[Clock]) -> Option<DateTime<Utc>> {
    clocks.iter().filter(|c| is_running(c) && !c.paused).filter_map(|c| threshold_time(c, WARNING_THRESHOLDS[0])).min()
}

/// When a clock passes `percent` of its time (pauses excluded, since the due
/// time already moved by them).
pub fn threshold_time(clock: &Clock, percent: i32) -> Option<DateTime<Utc>> {
    let (start, due) = (started(clock)?, due(clock)?);
    let active = (due - start) - paused_for(clock);
    let left = active * (100 - percent) / 100;
    Some(due - left)
}

/// When a clock's warning at `percent` goes out: its threshold time, moved
/// into the queue's staffed hours when it has some (the due time never moves).
pub fn warning_time(clock: &Clock, percent: i32, hours: Option<&Schedule>) -> Option<DateTime<Utc>> {
    let at = threshold_time(clock, percent)?;
    match (hours, started(clock), due(clock)) {
        (Some(hours), Some(start), Some(due)) => Some(hours.warning_time(start, at, due)),
        _ => Some(at),
    }
}

/// When the SLA sweeper next has work on these clocks: the earliest
/// warning not yet sent (in the queue's `hours`) or due time not yet
/// breached, of a running, unpaused clock.
pub fn next_sweep(clocks: &[Clock], hours: Option<&Schedule>) -> Option<DateTime<Utc>> {
    clocks
        .iter()
        .filter(|c| is_running(c) && !c.paused && !c.breached)
        .flat_map(|c| {
            let warnings = WARNING_THRESHOLDS
                .iter()
                .filter(|p| !c.warned_thresholds.contains(p))
                .filter_map(|p| warning_time(c, *p, hours))
                .collect::<Vec<_>>();
            warnings.into_iter().chain(due(c))
        })
        .min()
}

/// The latest clock of a kind named as analytics name it ("acknowledge",
/// "final_response", "adr_enquiry").
pub fn latest_of<'a>(clocks: &'a [Clock], key: &str) -> Option<&'a Clock> {
    let kind = match key {
        "acknowledge" => Kind::Acknowledge,
        "final_response" => Kind::FinalResponse,
        "adr_enquiry" => Kind::AdrEnquiry,
        _ => return None,
    };
    clocks.iter().rev().find(|c| c.kind == kind as i32)
}

/// Whether the acknowledge clock was met, once it stopped: `None` while it
/// runs or when the case has none. Analytics count it as the first-response
/// compliance.
pub fn acknowledgment(clocks: &[Clock]) -> Option<bool> {
    clocks.iter().rev().find(|c| c.kind == Kind::Acknowledge as i32).filter(|c| !is_running(c)).map(|c| c.met)
}

/// How close the case is to missing a deadline at `now`.
pub fn risk(clocks: &[Clock], now: DateTime<Utc>) -> DeadlineRisk {
    let running: Vec<&Clock> = clocks.iter().filter(|c| is_running(c)).collect();
    if running.iter().any(|c| c.breached || (!c.paused && due(c).is_some_and(|d| d <= now))) {
        return DeadlineRisk::Breached;
    }
    let warned = running.iter().any(|c| {
        !c.warned_thresholds.is_empty()
            || (!c.paused && threshold_time(c, WARNING_THRESHOLDS[0]).is_some_and(|t| t <= now))
    });
    if warned { DeadlineRisk::AtRisk } else { DeadlineRisk::OnTrack }
}

/// What the SLA sweeper must do to one clock at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// Warn at these thresholds (each once).
    Warn(Vec<i32>),
    /// The clock breached.
    Breach,
}

/// The sweeper's work for a running, unpaused, not yet breached clock, its
/// warnings timed by the queue's `hours`.
pub fn due_work(clock: &Clock, now: DateTime<Utc>, hours: Option<&Schedule>) -> Option<Due> {
    if !is_running(clock) || clock.paused || clock.breached {
        return None;
    }
    if due(clock).is_some_and(|d| d <= now) {
        return Some(Due::Breach);
    }
    let pending: Vec<i32> = WARNING_THRESHOLDS
        .iter()
        .copied()
        .filter(|p| !clock.warned_thresholds.contains(p))
        .filter(|p| warning_time(clock, *p, hours).is_some_and(|t| t <= now))
        .collect();
    if pending.is_empty() { None } else { Some(Due::Warn(pending)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_pause_moves_the_due_time_by_its_length() {
        let mut c = start(Kind::FinalResponse, at("2026-11-01T00:00:00Z"), at("2026-11-15T00:00:00Z"), false, "");
        assert!(pause(&mut c, "proof of address", at("2026-11-02T00:00:00Z")));
        assert!(!pause(&mut c, "again", at("2026-11-02T01:00:00Z")));
        assert_eq!(next_due(std::slice::from_ref(&c)), None);
        assert!(resume(&mut c, at("2026-11-05T00:00:00Z")));
        assert_eq!(due(&c), Some(at("2026-11-18T00:00:00Z")));
        assert_eq!(paused_for(&c), Duration::days(3));
        assert_eq!(c.pause_reason, "proof of address");
    }

    #[test]
    fn stopping_in_time_meets_the_clock() {
        let mut c = start(Kind::Acknowledge, at("2026-11-01T00:00:00Z"), at("2026-11-02T00:00:00Z"), false, "");
        stop(&mut c, at("2026-11-01T10:00:00Z"));
        assert!(c.met && !is_running(&c));
        let mut late = start(Kind::Acknowledge, at("2026-11-01T00:00:00Z"), at("2026-11-02T00:00:00Z"), false, "");
        stop(&mut late, at("2026-11-03T00:00:00Z"));
        assert!(!late.met);
    }

    #[test]
    fn acknowledgment_is_known_once_the_clock_stops() {
        let mut c = start(Kind::Acknowledge, at("2026-11-01T00:00:00Z"), at("2026-11-02T00:00:00Z"), false, "");
        assert_eq!(acknowledgment(std::slice::from_ref(&c)), None);
        stop(&mut c, at("2026-11-01T10:00:00Z"));
        assert_eq!(acknowledgment(std::slice::from_ref(&c)), Some(true));
        let mut late = start(Kind::Acknowledge, at("2026-11-01T00:00:00Z"), at("2026-11-02T00:00:00Z"), false, "");
        stop(&mut late, at("2026-11-02T00:00:01Z"));
        assert_eq!(acknowledgment(&[late]), Some(false));
        assert_eq!(acknowledgment(&[]), None);
    }

    fn due_work_at(c: &Clock, now: DateTime<Utc>) -> Option<Due> {
        due_work(c, now, None)
    }

    #[test]
    fn the_sweeper_warns_at_75_and_90_percent_then_breaches() {
        let mut c = start(Kind::FinalResponse, at("2026-11-01T00:00:00Z"), at("2026-11-11T00:00:00Z"), false, "");
        assert_eq!(due_work_at(&c, at("2026-11-08T00:00:00Z")), None);
        assert_eq!(due_work_at(&c, at("2026-11-08T12:00:00Z")), Some(Due::Warn(vec![75])));
        assert_eq!(due_work_at(&c, at("2026-11-10T00:00:00Z")), Some(Due::Warn(vec![75, 90])));
        c.warned_thresholds = vec![75, 90];
        assert_eq!(due_work_at(&c, at("2026-11-10T12:00:00Z")), None);
        assert_eq!(risk(std::slice::from_ref(&c), at("2026-11-10T12:00:00Z")), DeadlineRisk::AtRisk);
        assert_eq!(due_work_at(&c, at("2026-11-11T00:00:00Z")), Some(Due::Breach));
        assert_eq!(risk(std::slice::from_ref(&c), at("2026-11-11T00:00:00Z")), DeadlineRisk::Breached);
    }

    #[test]
    fn business_hours_move_the_warnings_not_the_breach() {
        use redress_proto::resolution::v1::{BusinessHours, business_hours::Range};
        let ranges = (1..=5).map(|weekday| Range { weekday, start_minute: 540, end_minute: 1020 }).collect();
        let hours = Schedule::of(Some(&BusinessHours { time_zone: "Europe/Malta".into(), ranges })).unwrap();
        // Monday 10:00 local to the next Monday: 75 % on Saturday 16:00
        // local, 90 % on Sunday 17:12; both go out on Friday 17:00 local.
        let c = start(Kind::FinalResponse, at("2026-01-05T09:00:00Z"), at("2026-01-12T09:00:00Z"), false, "");
        let friday = at("2026-01-09T16:00:00Z");
        assert_eq!(next_sweep(std::slice::from_ref(&c), Some(&hours)), Some(friday));
        assert_eq!(next_sweep(std::slice::from_ref(&c), None), Some(at("2026-01-10T15:00:00Z")));
        assert_eq!(due_work(&c, friday - Duration::seconds(1), Some(&hours)), None);
        assert_eq!(due_work(&c, friday, Some(&hours)), Some(Due::Warn(vec![75, 90])));
        assert_eq!(due_work(&c, friday, None), None);
        let mut warned = c.clone();
        warned.warned_thresholds = vec![75, 90];
        assert_eq!(next_sweep(std::slice::from_ref(&warned), Some(&hours)), Some(at("2026-01-12T09:00:00Z")));
        assert_eq!(due_work(&warned, at("2026-01-12T09:00:00Z"), Some(&hours)), Some(Due::Breach));
    }
}
